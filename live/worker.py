"""A per-camera-frame worker off the display thread: newest frame wins, the display never waits.

Live driving (FOMM, :mod:`live.drive`) and weightless puppeteering (:mod:`live.puppet`) both
turn camera frames into a crop patch for the compositor. The display thread only calls
:meth:`FrameWorker.submit` (non-blocking) and :meth:`FrameWorker.latest` (the last finished
result); a subclass implements :meth:`FrameWorker.process`, the per-frame work, which runs
on the worker's own thread (or inline when ``sync``, for lockstep renders and tests).
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional, Protocol

import numpy as np


class Result(Protocol):
    """What :meth:`FrameWorker.process` returns: camera frame ``seq`` and a (ch, cw, 3) uint8 RGB ``patch``."""

    seq: int
    patch: Any


@dataclass
class WorkerStats:
    """Counters every worker keeps, and bounded per-stage timings (ms).

    Subclasses name their stages in ``STAGES``: each is a float attribute (ms) of the
    worker's result, kept in ``stage_ms[name]`` (the last 10 000) and summarised as a median.
    """

    STAGES: ClassVar[tuple[str, ...]] = ()

    results: int = 0          # finished (published) results
    submitted: int = 0        # camera frames offered
    dropped: int = 0          # frames replaced by a newer one before the worker got to them
    first_t: float = 0.0
    last_t: float = 0.0
    stage_ms: dict[str, collections.deque] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stage_ms = {name: collections.deque(maxlen=10_000) for name in self.STAGES}  # bounded: flat memory

    def add(self, result: Any, now: float) -> None:
        """Count one finished result at ``now`` (perf_counter seconds) and keep its stage timings."""
        for name, values in self.stage_ms.items():
            values.append(getattr(result, name))
        if self.results == 0:
            self.first_t = now
        self.last_t = now
        self.results += 1

    def fps(self) -> float:
        """Results per second between the first and the last."""
        span = self.last_t - self.first_t
        return (self.results - 1) / span if self.results > 1 and span > 0 else 0.0

    def summary(self) -> dict[str, float]:
        return {"results": self.results, "fps": self.fps(), "submitted": self.submitted, "dropped": self.dropped,
                **{name: median(values) for name, values in self.stage_ms.items()}}


def median(values: Any) -> float:
    """Median of a deque of floats (NaN when empty)."""
    return float(np.median(np.fromiter(values, float))) if values else float("nan")


Box = tuple[float, float, float, float]


class FrameWorker:
    """Threaded newest-wins processing of camera frames.

    Args:
        stats: the subclass' statistics (``add(result, now)`` per finished result).
        sync: process each submitted frame inline (lockstep renders and tests).
        faceless: also process frames without a face (the puppet eases back to rest on them);
            otherwise they are ignored and the display keeps the last result.
    """

    def __init__(self, stats: WorkerStats, sync: bool = False, faceless: bool = False) -> None:
        self.stats, self.sync, self.faceless = stats, sync, faceless
        self.error: Optional[BaseException] = None
        self._cond = threading.Condition()
        self._pending: Optional[tuple[int, Any, Optional[Box], Optional[float]]] = None
        self._latest: Optional[Result] = None
        self._stop = False
        self._thread: Optional[threading.Thread] = None
        self._released = False

    def process(self, seq: int, image_bgr: Any, face_box: Optional[Box], t: Optional[float] = None) -> Optional[Result]:
        """One frame, synchronously: (H, W, 3) uint8 BGR camera image, the viewer's box (or None)
        and the capture time ``t`` on the loop's clock (s; virtual in lockstep; None: unknown).

        Returns None when there is nothing new to show (the display keeps the last result).
        """
        raise NotImplementedError

    def describe(self) -> str:
        """One line for the log at the end of a run."""
        return f"{self.stats.results} frames"

    def request_reference(self) -> None:
        """Key R: re-capture the neutral reference (subclasses)."""

    def release(self) -> None:
        """Free what :meth:`process` uses (a FaceMesh graph, ...); subclasses. Called exactly once,
        by the thread that runs :meth:`process` once it has stopped (never during a call), or by
        :meth:`stop` when no worker thread runs."""

    # --- display-thread side -------------------------------------------------------------------
    def start(self) -> None:
        if not self.sync and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="drive", daemon=True)
            self._thread.start()

    def submit(self, seq: int, image_bgr: Any, face_box: Optional[Box], t: Optional[float] = None) -> None:
        """Offer camera frame ``seq`` captured at ``t`` (s) with the viewer's face box (x, y, w, h) px, or None.

        A pending frame not yet taken by the worker is replaced (newest wins).
        """
        if face_box is None and not self.faceless:
            return
        self.stats.submitted += 1
        if self.sync:
            self._publish(self.process(seq, image_bgr, face_box, t))
            return
        with self._cond:
            if self._pending is not None:
                self.stats.dropped += 1
            self._pending = (seq, image_bgr, face_box, t)
            self._cond.notify()

    def tick(self, t: float) -> None:
        """No camera frame at loop time ``t`` (s): a faceless worker processes an empty frame
        (``image_bgr`` and ``face_box`` None); others ignore it."""
        if self.faceless:
            self.submit(-1, None, None, t)

    def latest(self) -> Optional[Result]:
        """The newest finished result (None before the first); re-raises a worker failure."""
        if self.error is not None:
            err, self.error = self.error, None
            raise err
        return self._latest

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the worker and release its resources.

        The worker thread owns them while it runs: when a :meth:`process` call outlasts
        ``timeout_s``, this returns without waiting longer and the thread releases them itself
        once that call has returned (close never races a running call).
        """
        with self._cond:
            self._stop = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=timeout_s)
            if thread.is_alive():
                return
        self._release_once()

    def _release_once(self) -> None:
        with self._cond:
            if self._released:
                return
            self._released = True
        self.release()

    # --- worker side -----------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while self._pending is None and not self._stop:
                        self._cond.wait()
                    if self._stop:
                        return
                    job, self._pending = self._pending, None
                try:
                    self._publish(self.process(*job))
                except BaseException as err:  # hand it to the display thread; stop working
                    self.error = err
                    return
        finally:
            with self._cond:
                stopping = self._stop
            if stopping:   # only a stopped worker frees its resources (a failed one is stopped later)
                self._release_once()

    def _publish(self, result: Optional[Result]) -> None:
        if result is None:   # nothing new to show (e.g. the puppet resting, unchanged)
            return
        self.stats.add(result, time.perf_counter())
        self._latest = result   # one reference assignment: atomic for the reader
