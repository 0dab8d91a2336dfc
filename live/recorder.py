"""MP4 recording on a writer thread (:class:`sfumato.video.Mp4Writer`: H.264 through the bundled ffmpeg).

Used for ``--record`` (what the screen showed) and ``--record-camera`` (raw camera frames,
only when the user asks). Frames are queued and encoded off the display thread; ``add``
keeps a fixed output rate by writing a frame only when it is due on the recording clock.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.video import Mp4Writer


class Recorder:
    """Write RGB frames to ``path`` at ``fps``; ``add(frame, t)`` keeps the clock."""

    def __init__(self, path: str | Path, fps: float = 30.0, crf: int = 23) -> None:
        self.path, self.fps = Path(path), float(fps)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.path.parent, os.W_OK) or self.path.is_dir():
                raise PermissionError("not writable")
        except OSError as err:
            raise SfumatoError(f"{self.path}: cannot write the recording ({err}); choose a writable path") from None
        self._writer = Mp4Writer(self.path, self.fps, crf=crf)
        self._q: queue.Queue = queue.Queue(maxsize=8)
        self._t0: float | None = None
        self.frames = 0
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()

    def due(self, t: float) -> bool:
        """Whether a frame at time ``t`` (s) should be written to keep ``fps``."""
        if self._t0 is None:
            return True
        return t - self._t0 >= self.frames / self.fps - 1e-6

    def add(self, frame: np.ndarray, t: float) -> bool:
        """Queue (H, W, 3) uint8 RGB ``frame`` if due at ``t``; True when queued."""
        if not self.due(t):
            return False
        if self._t0 is None:
            self._t0 = t
        # several frames may be due after a stall: repeat this one so the clock keeps up
        while self.frames == 0 or t - self._t0 >= self.frames / self.fps - 1e-6:
            self._q.put(frame)
            self.frames += 1
        return True

    def _run(self) -> None:
        while True:
            frame = self._q.get()
            if frame is None:
                break
            try:
                self._writer.write(frame)
            except Exception as err:  # keep draining; report at close
                self.error = err

    def close(self) -> Path:
        self._q.put(None)
        self._thread.join()
        self._writer.close()
        if self.error is not None:
            raise SfumatoError(f"{self.path}: recording failed ({self.error})")
        return self.path
