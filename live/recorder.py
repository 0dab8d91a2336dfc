"""MP4 recording off the display thread (:class:`sfumato.video.Mp4Writer`: H.264 through the bundled ffmpeg).

Used for ``--record`` (what the screen showed) and ``--record-camera`` (raw camera frames,
only when the user asks). ``add`` keeps a fixed output rate by queueing a frame only when it
is due on the recording clock; an :class:`~sfumato.output_queue.OutputQueue` encodes on its
own thread. With ``drop_when_busy`` (real time) a full queue drops the frame instead of
making the display wait. A write error (a full disk) stops the recording with one log line;
the portrait keeps running and :attr:`error` reports it at the end.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Callable

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.output_queue import OutputQueue
from sfumato.video import Mp4Writer


MIN_FREE_BYTES = 64 * 2**20   # stop recording below this much free disk, so the file can still be finished


class Recorder:
    """Write RGB frames to ``path`` at ``fps``; ``add(frame, t)`` keeps the clock.

    Once per second of video the free space of the disk is checked: below ``min_free_bytes``
    the recording stops (one log line) and the file is finished with what it has, rather
    than ffmpeg filling the disk and leaving an unplayable file. At :meth:`close` the file is
    opened again to check that it is a playable video.
    """

    def __init__(self, path: str | Path, fps: float = 30.0, crf: int = 23,
                 log: Callable[[str], None] = print, drop_when_busy: bool = False,
                 min_free_bytes: int = MIN_FREE_BYTES) -> None:
        self.path, self.fps, self.drop_when_busy = Path(path), float(fps), drop_when_busy
        self.min_free_bytes = min_free_bytes
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.path.parent, os.W_OK) or self.path.is_dir():
                raise PermissionError("not writable")
        except OSError as err:
            raise SfumatoError(f"{self.path}: cannot write the recording ({err}); choose a writable path") from None
        # ffmpeg quiet: a failure is one line of ours, not ffmpeg's
        self._writer = Mp4Writer(self.path, self.fps, crf=crf, ffmpeg_log_level="quiet")
        self._out = OutputQueue(self._write, f"recording {self.path}", log, maxsize=8, name="recorder")
        self._encoded = 0
        self._t0: float | None = None
        self.frames = 0
        self._close_error: BaseException | None = None

    @property
    def error(self) -> BaseException | None:
        """The write error that stopped the recording, or None."""
        return self._out.error or self._close_error

    @property
    def dropped(self) -> int:
        """Frames dropped because the encoder was behind (only with ``drop_when_busy``)."""
        return self._out.dropped

    def due(self, t: float) -> bool:
        """Whether a frame at time ``t`` (s) should be written to keep ``fps``."""
        if self._t0 is None:
            return True
        return t - self._t0 >= self.frames / self.fps - 1e-6

    def add(self, frame: np.ndarray, t: float) -> bool:
        """Queue (H, W, 3) uint8 RGB ``frame`` if due at ``t``; True when queued."""
        if self._out.failed or not self.due(t):
            return False
        if self._t0 is None:
            self._t0 = t
        # several frames may be due after a stall: repeat this one so the clock keeps up
        while self.frames == 0 or t - self._t0 >= self.frames / self.fps - 1e-6:
            self._out.put(frame, block=not self.drop_when_busy)
            self.frames += 1
        return True

    def _write(self, frame: np.ndarray) -> None:
        """Encode one frame (writer thread); raise ENOSPC when the disk is nearly full."""
        try:
            self._writer.write(frame)
        except OSError:   # imageio-ffmpeg: ffmpeg exited (broken pipe); its reason is not passed on
            raise OSError(errno.EIO, f"ffmpeg stopped writing ({self._free_text()})") from None
        self._encoded += 1
        if self._encoded % max(1, round(self.fps)) == 1:
            free = shutil.disk_usage(self.path.parent).free
            if free < self.min_free_bytes:
                raise OSError(errno.ENOSPC, f"the disk is nearly full ({self._free_text()}); "
                                            "the file is finished with the frames it has")

    def _free_text(self) -> str:
        try:
            return f"{shutil.disk_usage(self.path.parent).free / 2**20:.1f} MB free on its disk"
        except OSError as err:
            return err.strerror or "its folder is gone"

    def close(self) -> Path:
        """Finish the file; a failure is kept in :attr:`error` (never raised: the app reports it)."""
        self._out.close()
        try:
            self._writer.close()
        except Exception as err:   # noqa: BLE001 - e.g. ffmpeg could not finish the file on a full disk
            if self._out.error is None:
                self._close_error = err
        if self.error is None and self._encoded and not _playable(self.path):
            self._close_error = OSError(errno.EIO, "ffmpeg could not finish the file (is the disk full?)")
        return self.path


def _playable(path: Path) -> bool:
    """Whether OpenCV opens ``path`` as a video with at least one frame."""
    import cv2

    from sfumato.face.models import quiet_stderr

    with quiet_stderr():
        cap = cv2.VideoCapture(str(path))
        try:
            return bool(cap.isOpened() and cap.get(cv2.CAP_PROP_FRAME_COUNT) > 0)
        finally:
            cap.release()
