"""Camera sources and the capture thread (newest frame wins).

A *source* opens and reads BGR frames: a webcam index, a video file (looped, stands in for
a webcam in tests) or the simulated viewer. :class:`ThreadedCamera` reads one on its own
thread, keeps only the newest frame, reconnects every ``retry_s`` seconds when the camera is
missing or lost, and never blocks the display loop. :class:`LockstepCamera` reads the same
sources synchronously in virtual time for tests and offline renders.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from live.simulated import SCENARIOS, SimulatedViewer
from sfumato.video import VideoReader


Log = Callable[[str], None]


def stderr_log(msg: str) -> None:
    """Default logger: one line to stderr."""
    print(f"sfumato-live: {msg}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class CameraFrame:
    """One captured frame.

    Attributes:
        seq: 1, 2, 3... in capture order.
        t: capture time on the loop's clock (seconds; perf_counter, or virtual in lockstep).
        image: (H, W, 3) uint8 BGR.
    """

    seq: int
    t: float
    image: np.ndarray


class Source(Protocol):
    """Something that yields BGR frames."""

    name: str
    paced: bool   # True when reading is instant and the reader must pace it at ``fps``

    def open(self) -> bool: ...
    def read(self, t: float) -> np.ndarray | None: ...
    def close(self) -> None: ...


class WebcamSource:
    """A webcam by index, asked for ``width`` x ``height`` at ``fps`` (:class:`sfumato.video.VideoReader`)."""

    paced = False

    def __init__(self, index: int, width: int = 640, height: int = 480, fps: float = 30.0) -> None:
        self.index, self.size, self.fps = index, (width, height), fps
        self.name = f"webcam {index}"
        self._reader: VideoReader | None = None

    def _open(self, reader: VideoReader) -> bool:
        if not reader.opened:
            reader.close()
            return False
        self._reader = reader
        return True

    def open(self) -> bool:
        return self._open(VideoReader(self.index, self.size, self.fps))

    def read(self, t: float) -> np.ndarray | None:
        """The next (H, W, 3) uint8 BGR frame, or None."""
        return None if self._reader is None else self._reader.read()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class VideoFileSource(WebcamSource):
    """A video file read at its own frame rate; restarts at the end when ``loop``."""

    paced = True

    def __init__(self, path: str | Path, loop: bool = True) -> None:
        self.path, self.loop = str(path), loop
        self.name = f"video {path}"
        self.fps = 30.0
        self._reader = None

    def open(self) -> bool:
        if not Path(self.path).is_file():
            return False
        from sfumato.face.models import quiet_stderr

        with quiet_stderr():   # a broken file makes FFmpeg print on fd 2 at every retry
            reader = VideoReader(self.path, loop=self.loop)
        self.fps = reader.fps
        return self._open(reader)


class SimulatedSource:
    """The simulated viewer (:mod:`live.simulated`); frame at time ``t`` since it opened."""

    paced = True
    synthetic = True   # no real person's pixels: the demo recording may show them

    def __init__(self, viewer: SimulatedViewer, fps: float = 30.0) -> None:
        self.viewer, self.fps = viewer, fps
        self.name = f"simulated viewer ({viewer.scenario})"
        self._t0: float | None = None

    def open(self) -> bool:
        self._t0 = None
        return True

    def read(self, t: float) -> np.ndarray | None:
        if self._t0 is None:
            self._t0 = t
        return self.viewer.render(t - self._t0)

    def close(self) -> None:
        pass


def make_source(spec: str, width: int = 640, height: int = 480, fps: float = 30.0,
                loop_video: bool = True, hfov_deg: float = 60.0,
                camera_offset_m: tuple[float, float] = (0.0, 0.35), seed: int = 0) -> Source:
    """A source from ``--camera``: an index ("0"), ``sim[:scenario]`` or a video file path.

    ``auto`` must be resolved first (:func:`resolve_auto`).
    """
    if spec.isdigit():
        return WebcamSource(int(spec), width, height, fps)
    if spec == "sim" or spec.startswith("sim:"):
        scenario = spec.partition(":")[2] or "demo"
        if scenario not in SCENARIOS:
            from sfumato.errors import SfumatoError
            raise SfumatoError(f"--camera {spec}: unknown scenario; use one of "
                               + ", ".join(f"sim:{s}" for s in SCENARIOS))
        return SimulatedSource(SimulatedViewer(scenario, width, height, hfov_deg, camera_offset_m, seed), fps)
    return VideoFileSource(spec, loop_video)


def check_source(source: Source, spec: str) -> None:
    """Refuse at start a camera file that is missing or not a readable video (webcams may come later).

    Raises:
        SfumatoError: one line naming the path (exit code 2).
    """
    if not isinstance(source, VideoFileSource):
        return
    from sfumato.errors import SfumatoError
    from sfumato.face.models import quiet_stderr

    path = Path(source.path)
    if not path.exists():
        raise SfumatoError(f"--camera {spec}: no such file; give a webcam index (0), sim, or an existing video file")
    if not path.is_file():
        raise SfumatoError(f"--camera {spec}: is a folder, not a video file")
    with quiet_stderr():   # FFmpeg's complaint about a non-video file, on fd 2
        ok = source.open() and source.read(0.0) is not None
    source.close()
    if not ok:
        raise SfumatoError(f"--camera {spec}: not a video OpenCV can read (try an MP4 / H.264 file)")


def webcam_available(index: int = 0) -> bool:
    """True when webcam ``index`` opens and delivers a frame."""
    with VideoReader(index) as reader:
        return reader.opened and reader.read() is not None


def resolve_auto(spec: str, log: Log = stderr_log) -> str:
    """``auto`` -> ``"0"`` when a webcam works, else ``"sim"`` (and says so); others unchanged."""
    if spec != "auto":
        return spec
    if webcam_available(0):
        log("using webcam 0")
        return "0"
    log("no webcam found; using the simulated viewer (--camera sim)")
    return "sim"


REMIND_S = 300.0   # while the camera stays missing, say so again this often (not every retry)


class _Connection:
    """Open/reconnect bookkeeping shared by both readers.

    One log line per state change; while the camera stays missing, one reminder every
    ``remind_s`` seconds (a kiosk's journal gets a line every few minutes, not every retry).
    """

    def __init__(self, source: Source, retry_s: float, log: Log, remind_s: float = REMIND_S) -> None:
        self.source, self.retry_s, self.log, self.remind_s = source, retry_s, log, remind_s
        self.is_open = False
        self.next_try = -1e18
        self.ever_open = False
        self.failures = 0
        self.missing_since = 0.0
        self.last_said = 0.0

    def ensure_open(self, now: float) -> bool:
        if self.is_open:
            return True
        if now < self.next_try:
            return False
        if self.source.open():
            self.is_open = True
            if self.ever_open or self.failures:
                self.log(f"{self.source.name} connected")
            self.ever_open = True
            return True
        if self.failures == 0:
            what = "lost" if self.ever_open else "not available"
            self.log(f"{self.source.name} {what}; showing the idle portrait, retrying every {self.retry_s:g} s")
            self.missing_since = self.last_said = now
        elif now - self.last_said >= self.remind_s:
            self.log(f"{self.source.name} still missing after {(now - self.missing_since) / 60:.0f} min; "
                     f"retrying every {self.retry_s:g} s")
            self.last_said = now
        self.failures += 1
        self.next_try = now + self.retry_s
        return False

    def lost(self, now: float) -> None:
        self.source.close()
        self.is_open = False
        self.failures = 0
        self.next_try = now
        if self.ever_open:
            self.log(f"{self.source.name} lost; showing the idle portrait, retrying every {self.retry_s:g} s")
            self.missing_since = self.last_said = now
            self.failures = 1
            self.next_try = now + self.retry_s


class ThreadedCamera:
    """Capture on a daemon thread; :meth:`wait_newer` hands the loop the newest frame only."""

    def __init__(self, source: Source, fps: float = 30.0, retry_s: float = 3.0,
                 log: Log = stderr_log, clock: Callable[[], float] = time.perf_counter) -> None:
        self.source, self.clock = source, clock
        self.fps = getattr(source, "fps", fps) or fps
        self._conn = _Connection(source, retry_s, log)
        self._cond = threading.Condition()
        self._latest: CameraFrame | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera", daemon=True)
        self.frames_read = 0

    @property
    def connected(self) -> bool:
        return self._conn.is_open

    def start(self) -> "ThreadedCamera":
        self._thread.start()
        return self

    def _run(self) -> None:
        seq = 0
        due = self.clock()
        while not self._stop.is_set():
            now = self.clock()
            if not self._conn.ensure_open(now):
                self._stop.wait(min(0.2, max(0.0, self._conn.next_try - now)))
                continue
            if self.source.paced:
                period = 1.0 / (getattr(self.source, "fps", self.fps) or self.fps)
                if now < due:
                    self._stop.wait(due - now)
                    continue
                due = max(due + period, now - period)   # fall behind -> drop, never queue
            try:
                image = self.source.read(self.clock())
            except Exception as err:   # noqa: BLE001 - a driver error must not end capture for good
                self._conn.log(f"{self.source.name}: read failed ({' '.join(str(err).split())[:120]}); reconnecting")
                image = None
            if image is None:
                self._conn.lost(self.clock())
                continue
            seq += 1
            self.frames_read += 1
            with self._cond:
                self._latest = CameraFrame(seq, self.clock(), image)
                self._cond.notify_all()
        self.source.close()

    def latest(self) -> CameraFrame | None:
        """The newest frame (or None before the first)."""
        return self._latest

    def wait_newer(self, seq: int, timeout: float) -> CameraFrame | None:
        """The newest frame if its seq is above ``seq``, waiting at most ``timeout`` s; else None."""
        with self._cond:
            if (self._latest is None or self._latest.seq <= seq) and timeout > 0:
                self._cond.wait(timeout)
            f = self._latest
        return f if f is not None and f.seq > seq else None

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=2.0)


class LockstepCamera:
    """Synchronous reads in virtual time: :meth:`frame_at` returns every frame due by ``t``."""

    def __init__(self, source: Source, fps: float = 30.0, retry_s: float = 3.0, log: Log = stderr_log) -> None:
        self.source = source
        self._conn = _Connection(source, retry_s, log)
        self.fps = fps
        self._next = 0.0
        self._seq = 0

    @property
    def connected(self) -> bool:
        return self._conn.is_open

    def frame_at(self, t: float) -> CameraFrame | None:
        """The frame due at virtual time ``t`` (at most one per 1/fps), or None."""
        if t + 1e-9 < self._next:
            return None
        if not self._conn.ensure_open(t):
            self._next = t + 1.0 / self.fps
            return None
        fps = getattr(self.source, "fps", self.fps) or self.fps
        self._next = max(self._next + 1.0 / fps, t)
        image = self.source.read(t)
        if image is None:
            self._conn.lost(t)
            return None
        self._seq += 1
        return CameraFrame(self._seq, t, image)

    def stop(self) -> None:
        self.source.close()
