"""Write output off the display thread: a bounded queue, one writer thread, failures contained.

:class:`OutputQueue` hands items to ``write(item)`` on its own thread. ``put`` never blocks
the caller: when the queue is full (the disk is slower than the display) the item is dropped
and counted (``put(item, block=True)`` waits instead, for offline renders). The first exception from ``write`` (a full disk, a vanished folder) stops the
output: it is logged in one line through ``log``, later items are discarded at once, and
:attr:`error` keeps it so the app can report it in its exit code. The display keeps running.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable

_STOP = object()


class OutputQueue:
    """Run ``write`` over queued items on a daemon thread named ``name``.

    Args:
        write: called with each item, in order, on the writer thread.
        what: what this output is, for the log line (e.g. ``"recording out/live.mp4"``).
        log: one-line logger for the failure message.
        maxsize: queue bound (items beyond it are dropped, never waited for).
    """

    def __init__(self, write: Callable[[Any], None], what: str, log: Callable[[str], None],
                 maxsize: int = 8, name: str = "output") -> None:
        self._write, self.what, self.log = write, what, log
        self._q: queue.Queue = queue.Queue(maxsize=maxsize)
        self.error: BaseException | None = None
        self.dropped = 0
        self.written = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def failed(self) -> bool:
        return self.error is not None

    def put(self, item: Any, block: bool = False) -> bool:
        """Queue ``item``; False when it was dropped (queue full, or the output stopped).

        ``block=False`` (real time) never waits; ``block=True`` (offline, lockstep) waits for
        room, but never past a failure: a stopped output drains its queue at once.
        """
        while self.error is None:
            try:
                self._q.put(item, timeout=0.2) if block else self._q.put_nowait(item)
                return True
            except queue.Full:
                if not block:
                    self.dropped += 1
                    return False
        return False

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is _STOP:
                return
            if self.error is not None:
                continue   # stopped: drain without writing
            try:
                self._write(item)
                self.written += 1
            except Exception as err:   # noqa: BLE001 - any write failure stops this output, not the app
                self.error = err
                self.log(f"{self.what} stopped: {describe_error(err)}; the portrait keeps running")

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued (unless stopped), then end the thread (waits at most ``timeout`` s)."""
        while self._thread.is_alive():
            try:
                self._q.put(_STOP, timeout=0.5)
                break
            except queue.Full:
                continue
        self._thread.join(timeout)


def describe_error(err: BaseException) -> str:
    """One short line for an output error: the OS reason, else the first 200 characters."""
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    text = " ".join(str(err).split())
    return text[:200] if text else type(err).__name__
