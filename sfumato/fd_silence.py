"""Silence a file descriptor for a block: native libraries (MediaPipe, MNN) print straight to
fd 1 or 2, past Python's ``sys.stdout``/``sys.stderr``, so the descriptor itself is pointed at
/dev/null and restored after."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator


@contextlib.contextmanager
def silenced(fd: int) -> Iterator[None]:
    """Redirect file descriptor ``fd`` (1 or 2) to /dev/null inside the block (restored after).

    Where ``fd`` is not a real descriptor (some test runners), the block runs unchanged."""
    stream = sys.stdout if fd == 1 else sys.stderr
    try:
        stream.flush()
        saved = os.dup(fd)
    except (OSError, ValueError, AttributeError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)
