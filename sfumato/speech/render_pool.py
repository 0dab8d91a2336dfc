"""Frames rendered by worker processes and handed back in order through shared memory.

A frame of a talking portrait depends only on state fixed at set-up and on its own entry in
the performance, so frames are independent. ``workers`` processes, forked once the renderer is
set up (they inherit it, nothing is pickled but frame numbers), each render a frame into one of
a few slots of an anonymous shared mapping; the caller gets the slots back in frame order.

Processes, not threads: much of a frame is Python and small NumPy calls that hold the GIL, and
two threads inside one OpenBLAS at once (the head warp's matrix-vector product) can livelock
its thread pool (seen on this machine: ``precompute speak`` stuck for minutes in
``exec_blas_async``). Each worker runs OpenCV and OpenBLAS single-threaded: the workers are
the parallelism, and idle library threads spinning for work only steal CPU from them. (Both
are set in the caller before the fork: a forked child that reconfigures OpenCV's inherited
thread pool hangs in ``pthread_cond_destroy``, also seen here.)

A worker renders runs of a few consecutive frames (what neighbouring frames share, such as
an eye that holds its gaze, stays in its cache). At most ``ahead`` runs are in flight, so
memory stays bounded however long the clip. Where
``fork`` is not available (Windows, macOS) frames are rendered one by one in the caller.
"""

from __future__ import annotations

import itertools
import mmap
import multiprocessing as mp
import signal
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator

import cv2
import numpy as np
from threadpoolctl import threadpool_limits

Render = Callable[[int], np.ndarray]
"""render(i) -> frame i, an array of the pool's fixed shape and dtype."""

_JOBS: dict[int, tuple[Render, np.ndarray]] = {}
"""Jobs by token, set before the workers are forked (so they inherit them)."""
_TOKENS = itertools.count()


def can_fork() -> bool:
    """True where worker processes can be forked safely (Linux)."""
    return sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle; it stops the pool


def _render_run(token: int, start: int, stop: int, group: int) -> int:
    render, slots = _JOBS[token]
    for j, i in enumerate(range(start, stop)):
        slots[group, j] = render(i)
    return start


def ordered_frames(render: Render, count: int, shape: tuple[int, ...], dtype: np.dtype | type = np.uint8,
                   workers: int = 2, run: int = 1, ahead: int | None = None) -> Iterator[np.ndarray]:
    """Frames ``render(0) .. render(count - 1)``, in order.

    Args:
        render: makes one frame: an array of ``shape`` and ``dtype``. In worker processes it
            runs on the forked copy of its state: what it changes there is not seen here.
        count: number of frames.
        workers: worker processes (1, or no ``fork``: rendered here, one by one).
        run: a worker renders runs of this many consecutive frames (a renderer that caches what
            neighbouring frames share keeps its cache warm).
        ahead: runs in flight at most (default ``2 * workers + 1``); memory holds ``ahead * run``
            frames.

    Yields:
        Each frame, a view of a shared slot that is reused once the next frame is asked for:
        copy it to keep it.
    """
    if workers <= 1 or count <= 1 or not can_fork():
        for i in range(count):
            yield render(i)
        return
    run = max(1, int(run))
    ahead = max(workers, ahead or 2 * workers + 1)
    size = int(np.prod(shape))
    buffer = mmap.mmap(-1, max(1, size * np.dtype(dtype).itemsize * ahead * run))  # anonymous, shared with the forked workers
    slots = np.frombuffer(buffer, dtype, count=size * ahead * run).reshape((ahead, run) + tuple(shape))
    token = next(_TOKENS)
    _JOBS[token] = (render, slots)
    # OpenCV and OpenBLAS go single-threaded here, before the fork: a forked child that touches
    # OpenCV's inherited thread pool (even to shrink it) can hang, and the children inherit the
    # setting. Restored when the pool is done.
    cv_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    blas = threadpool_limits(1)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"), initializer=_init_worker)
    try:
        pending: deque = deque()
        free = deque(range(ahead))
        for start in range(0, count, run):
            if not free:
                future, group, n = pending.popleft()
                future.result()
                yield from slots[group, :n]
                free.append(group)
            group = free.popleft()
            stop = min(count, start + run)
            pending.append((pool.submit(_render_run, token, start, stop, group), group, stop - start))
        while pending:
            future, group, n = pending.popleft()
            future.result()
            yield from slots[group, :n]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        del _JOBS[token]  # the mapping goes when the last view of it does
        blas.restore_original_limits()
        cv2.setNumThreads(cv_threads)
