"""MP4 recording on a writer thread (:class:`sfumato.video.Mp4Writer`: H.264 through the bundled ffmpeg).

Used for ``--record`` (what the screen showed) and ``--record-camera`` (raw camera frames,
only when the user asks). Frames are queued and encoded off the display thread; ``add``
keeps a fixed output rate by writing a frame only when it is due on the recording clock.
A frame is queued once with how many times it is due (after a stall). When the encoder
falls behind, ``add`` waits for it (offline writers: every frame kept), or, with
``hold_when_behind`` (the live loop, which must never wait), puts the newest frame in
place of the last queued one and shows it longer instead (the frame in between is
dropped), so the recording's clock still keeps time.
"""

from __future__ import annotations

import collections
import os
import threading
from pathlib import Path

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.video import Mp4Writer


class Recorder:
    """Write RGB frames to ``path`` at ``fps``; ``add(frame, t)`` keeps the clock."""

    def __init__(self, path: str | Path, fps: float = 30.0, crf: int = 23, hold_when_behind: bool = False) -> None:
        self.path, self.fps = Path(path), float(fps)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.path.parent, os.W_OK) or self.path.is_dir():
                raise PermissionError("not writable")
        except OSError as err:
            raise SfumatoError(f"{self.path}: cannot write the recording ({err}); choose a writable path") from None
        self._writer = Mp4Writer(self.path, self.fps, crf=crf)
        self._q: collections.deque = collections.deque()   # [frame, repeats] items; None ends
        self._cv = threading.Condition()
        self.max_queued = 8
        self.hold_when_behind = hold_when_behind
        self.held = 0   # frames due while the encoder was behind: the newest frame was shown longer instead
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
        # several frames may be due after a stall: this one is repeated so the clock keeps up
        n = max(1, int((t - self._t0) * self.fps + 1e-6) + 1 - self.frames)
        self.frames += n
        with self._cv:
            if not self.hold_when_behind:
                while len(self._q) >= self.max_queued:
                    self._cv.wait()
            if len(self._q) >= self.max_queued:   # encoder behind: the newest frame replaces the last queued
                self._q[-1][0] = frame              # one, which is shown longer (the clock keeps time)
                self._q[-1][1] += n
                self.held += n
            else:
                self._q.append([frame, n])
                self._cv.notify_all()
        return True

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._q:
                    self._cv.wait()
                item = self._q.popleft()
                self._cv.notify_all()
            if item is None:
                break
            frame, n = item
            for _ in range(n):
                try:
                    self._writer.write(frame)
                except Exception as err:  # keep draining; report at close
                    self.error = err

    def close(self) -> Path:
        with self._cv:
            self._q.append(None)
            self._cv.notify_all()
        self._thread.join()
        self._writer.close()
        if self.error is not None:
            raise SfumatoError(f"{self.path}: recording failed ({self.error})")
        return self.path
