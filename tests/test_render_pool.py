"""sfumato.speech.render_pool: frames from forked worker processes, in order, bounded, errors surfaced."""

from __future__ import annotations

import multiprocessing
import os
import time

import numpy as np
import pytest

from sfumato.speech.render_pool import can_fork, ordered_frames

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes need fork (Linux)")


def _frame(i: int) -> np.ndarray:
    return np.full((5, 7, 3), i % 251, np.uint8)


def test_frames_come_back_in_order_from_other_processes():
    pids = []

    def render(i: int) -> np.ndarray:
        f = _frame(i)
        f[0, 0, 0] = os.getpid() % 251
        f[0, 0, 1] = (os.getpid() // 251) % 251
        return f

    got = [f.copy() for f in ordered_frames(render, 41, (5, 7, 3), workers=2, run=3)]
    assert len(got) == 41
    for i, f in enumerate(got):
        assert np.all(f[1:] == i % 251), i
        pids.append((int(f[0, 0, 0]), int(f[0, 0, 1])))
    me = (os.getpid() % 251, (os.getpid() // 251) % 251)
    assert me not in pids  # rendered by the workers, not here


def test_bounded_and_serial_fallback():
    seen = []

    def render(i: int) -> np.ndarray:
        seen.append(i)
        return _frame(i)

    got = [int(f[0, 0, 0]) for f in ordered_frames(render, 6, (5, 7, 3), workers=1)]
    assert got == list(range(6)) and seen == list(range(6))  # one worker: here, in order
    rendered = multiprocessing.Value("i", 0)

    def counted(i: int) -> np.ndarray:
        with rendered.get_lock():
            rendered.value += 1
        return _frame(i)

    gen = ordered_frames(counted, 1000, (5, 7, 3), workers=2, run=2, ahead=3)
    assert int(next(gen)[0, 0, 0]) == 0
    time.sleep(0.5)
    assert rendered.value <= 6  # no more than `ahead` runs in flight while the consumer waits
    assert int(next(gen)[0, 0, 0]) == 1
    gen.close()  # stops the pool early: nothing left running
    assert rendered.value < 10


def test_worker_errors_reach_the_caller():
    def render(i: int) -> np.ndarray:
        if i == 5:
            raise ValueError("frame 5 is broken")
        return _frame(i)

    with pytest.raises(ValueError, match="frame 5"):
        for _ in ordered_frames(render, 20, (5, 7, 3), workers=2):
            pass
