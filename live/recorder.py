"""MP4 recording on a writer thread (:class:`sfumato.video.Mp4Writer`: H.264 through the bundled ffmpeg).

Used for ``--record`` (what the screen showed) and ``--record-camera`` (raw camera frames,
only when the user asks). Frames are queued and encoded off the display thread; ``add``
keeps a fixed output rate by writing a frame only when it is due on the recording clock.
A frame is queued once with how many times it is due (after a stall). When the encoder
falls behind, ``add`` waits for it (offline writers: every frame kept), or, with
``hold_when_behind`` (the live loop, which must never wait), puts the newest frame in
place of the last queued one and shows it longer instead (the frame in between is
dropped), so the recording's clock still keeps time.

A write error (a full disk, ffmpeg gone) stops the recording: one line through ``log``,
later frames are discarded at once, the portrait keeps running, and :attr:`error` keeps the
cause for the app's exit code. Once per second of video the disk's free space is checked:
below ``min_free_bytes`` the recording stops the same way and the file is finished with what
it has, rather than ffmpeg filling the disk and leaving an unplayable file.
"""

from __future__ import annotations

import collections
import errno
import os
import shutil
import threading
from pathlib import Path
from typing import Callable

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.output_queue import describe_error
from sfumato.video import Mp4Writer

MIN_FREE_BYTES = 64 * 2**20   # stop recording below this much free disk, so the file can still be finished


class Recorder:
    """Write RGB frames to ``path`` at ``fps``; ``add(frame, t)`` keeps the clock."""

    def __init__(self, path: str | Path, fps: float = 30.0, crf: int = 23, hold_when_behind: bool = False,
                 log: Callable[[str], None] = print, min_free_bytes: int = MIN_FREE_BYTES) -> None:
        self.path, self.fps = Path(path), float(fps)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.path.parent, os.W_OK) or self.path.is_dir():
                raise PermissionError("not writable")
        except OSError as err:
            raise SfumatoError(f"{self.path}: cannot write the recording ({err}); choose a writable path") from None
        # ffmpeg quiet: a failure is one line of ours, not ffmpeg's
        self._writer = Mp4Writer(self.path, self.fps, crf=crf, ffmpeg_log_level="quiet")
        self.log, self.min_free_bytes = log, min_free_bytes
        self._q: collections.deque = collections.deque()   # [frame, repeats] items; None ends
        self._cv = threading.Condition()
        self.max_queued = 8
        self.hold_when_behind = hold_when_behind
        self.held = 0   # frames due while the encoder was behind: the newest frame was shown longer instead
        self._t0: float | None = None
        self.frames = 0
        self._encoded = 0
        self.error: BaseException | None = None   # what stopped the recording, or None
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()

    def due(self, t: float) -> bool:
        """Whether a frame at time ``t`` (s) should be written to keep ``fps``."""
        if self._t0 is None:
            return True
        return t - self._t0 >= self.frames / self.fps - 1e-6

    def add(self, frame: np.ndarray, t: float) -> bool:
        """Queue (H, W, 3) uint8 RGB ``frame`` if due at ``t``; True when queued (False once stopped)."""
        if self.error is not None or not self.due(t):
            return False
        if self._t0 is None:
            if not self._start(frame):
                return False
            self._t0 = t
        # several frames may be due after a stall: this one is repeated so the clock keeps up
        n = max(1, int((t - self._t0) * self.fps + 1e-6) + 1 - self.frames)
        self.frames += n
        with self._cv:
            if not self.hold_when_behind:
                while len(self._q) >= self.max_queued and self.error is None:
                    self._cv.wait(0.2)
            if self.error is not None:
                return False
            if len(self._q) >= self.max_queued:   # encoder behind: the newest frame replaces the last queued
                self._q[-1][0] = frame              # one, which is shown longer (the clock keeps time)
                self._q[-1][1] += n
                self.held += n
            else:
                self._q.append([frame, n])
                self._cv.notify_all()
        return True

    def _start(self, frame: np.ndarray) -> bool:
        """Start ffmpeg on the caller's thread (the app's main thread), not the writer thread: it is
        started with a ``preexec_fn``, and a fork from a worker thread while other threads run
        (the puppet's FaceMesh) printed an "Exception ignored in _after_fork" traceback. False
        when it cannot start (the recording stops, as for a write error)."""
        try:
            self._writer.start(frame)
        except Exception as err:  # noqa: BLE001 - a recording that cannot start stops, not the app
            self._stop(err)
            return False
        return True

    def _stop(self, err: BaseException) -> None:
        """Keep ``err`` as what stopped the recording, say so in one line, wake a waiting ``add``."""
        self.error = err
        self.log(f"recording {self.path} stopped: {describe_error(err)}; the portrait keeps running")
        with self._cv:
            self._cv.notify_all()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._q:
                    self._cv.wait()
                item = self._q.popleft()
                self._cv.notify_all()
            if item is None:
                break
            if self.error is not None:
                continue   # stopped: drain without writing
            frame, n = item
            try:
                for _ in range(n):
                    self._write(frame)
            except Exception as err:  # noqa: BLE001 - any write failure stops the recording, not the app
                self._stop(err)

    def _write(self, frame: np.ndarray) -> None:
        """Encode one frame (writer thread); raise ENOSPC when the disk is nearly full."""
        try:
            self._writer.write(frame)
        except OSError:   # imageio-ffmpeg: ffmpeg exited (broken pipe); its reason is not passed on
            raise OSError(errno.EIO, f"ffmpeg stopped writing ({self._free_text()})") from None
        self._encoded += 1
        if self._encoded % max(1, round(self.fps)) == 1:
            if shutil.disk_usage(self.path.parent).free < self.min_free_bytes:
                raise OSError(errno.ENOSPC, f"the disk is nearly full ({self._free_text()}); "
                                            "the file is finished with the frames it has")

    def _free_text(self) -> str:
        try:
            return f"{shutil.disk_usage(self.path.parent).free / 2**20:.1f} MB free on its disk"
        except OSError as err:
            return err.strerror or "its folder is gone"

    def close(self) -> Path:
        """Finish the file; a failure is kept in :attr:`error` (never raised: the app reports it)."""
        with self._cv:
            self._q.append(None)
            self._cv.notify_all()
        self._thread.join()
        try:
            self._writer.close()
        except Exception as err:   # noqa: BLE001 - e.g. ffmpeg could not finish the file on a full disk
            self.error = self.error or err
        if self.error is None and self._encoded and not _playable(self.path):
            self.error = OSError(errno.EIO, "ffmpeg could not finish the file (is the disk full?)")
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
