"""Stop signals for the command-line apps: Ctrl-C and SIGTERM unwind the stack, cleanly, once.

Inside :func:`stop_signals`, SIGINT raises ``KeyboardInterrupt`` and SIGTERM / SIGHUP raise
:class:`Terminated`, so ``finally`` / ``except BaseException`` blocks remove temp folders and
close recordings. After the first stop signal every further one is ignored until the block
exits, and after it when the block was stopped (the app is then on its way out): a second
Ctrl-C cannot cut the clean-up short or turn exit code 130 into a signal death. Only the main thread can install
handlers; elsewhere the block changes nothing.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived; ``exit_code`` is 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum


@contextmanager
def stop_signals() -> Iterator[None]:
    """Turn stop signals into exceptions for the block; the first one wins, later ones are ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    state = {"stopping": False}

    def handler(signum: int, frame: object) -> None:
        if state["stopping"]:
            return   # clean-up of the first stop is under way: let it finish
        state["stopping"] = True
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)

    previous = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, h in previous.items():
            # after a stop, keep ignoring: the process is on its way out, let it exit cleanly
            signal.signal(s, signal.SIG_IGN if state["stopping"] else h)
