"""Live blinking: human rates and timing, no pop, following the tracked gaze.

The schedule is checked on its own; then the whole loop runs headless in lockstep (real
BlazeFace on the simulated viewer walking past, real pygame surfaces) on a bank with blink
frames, and the trace and the screen recording are read back.
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"

import imageio.v2 as imageio
import numpy as np
import pytest

from live.app import build_loop
from live.blink import BlinkSchedule
from live.config import BlinkConfig, LiveConfig, set_option
from live.trace import read_trace
from tests.fakebank import fake_bank

CENTER = 16


def _segments(ts: np.ndarray, closure: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) sample indices of each run of closure > 0."""
    on = np.r_[False, closure > 0, False]
    edges = np.flatnonzero(np.diff(on.astype(int)))
    return list(zip(edges[::2], edges[1::2] - 1))


def test_schedule_blinks_every_2_to_10_s_closing_fast_opening_slowly():
    sched = BlinkSchedule(BlinkConfig(), seed=3)
    ts = np.arange(0.0, 300.0, 1.0 / 60.0)
    c = np.array([sched.closure(t) for t in ts])
    segs = _segments(ts, c)
    assert 300 / 10 - 2 <= len(segs) <= 300 / 2
    starts = ts[[a for a, _ in segs]]
    gaps = np.diff(starts)
    assert gaps.min() >= 2.0 - 0.02 and gaps.max() <= 10.0 + 0.02
    for a, b in segs[:-1]:
        peak = a + int(np.argmax(c[a:b + 1] >= 1.0))
        close_s = ts[peak] - ts[a] + 1 / 60
        open_s = ts[b] - ts[peak] + 1 / 60
        assert 0.1 - 1 / 60 <= close_s <= 0.15 + 1 / 60 and open_s > 1.5 * close_s   # 60 Hz sampling
    assert np.abs(np.diff(c)).max() < 0.35      # at 60 fps no step is a pop
    assert c.max() == 1.0 and c.min() == 0.0


def test_disabled_schedule_never_blinks():
    sched = BlinkSchedule(BlinkConfig(enabled=False))
    assert max(sched.closure(t) for t in np.arange(0, 30, 0.05)) == 0.0


@pytest.fixture(scope="module")
def blink_bank(tmp_path_factory):
    return str(fake_bank(tmp_path_factory.mktemp("bank") / "astro", cols=33, blinks=True))


def test_live_loop_blinks_while_tracking_and_the_recording_shows_it(blink_bank, tmp_path):
    size, fps, seconds = (320, 240), 30.0, 20.0
    cfg = LiveConfig(bank=blink_bank)
    for key, value in {"camera.source": "sim:walk", "output.headless": True, "output.lockstep": True,
                       "display.size": size, "display.fps": 60.0, "output.record": str(tmp_path / "screen.mp4"),
                       "output.record_fps": fps, "output.trace": str(tmp_path / "trace.jsonl")}.items():
        cfg = set_option(cfg, key, value)
    loop = build_loop(cfg, log=lambda m: None)
    try:
        loop.run_lockstep(seconds)
    finally:
        loop.close()
    recs = list(read_trace(cfg.output.trace))
    ts = np.array([r["t"] for r in recs])
    c = np.array([r["blink"] for r in recs])
    segs = _segments(ts, c)
    assert seconds / 10 - 1 <= len(segs) <= seconds / 2 + 1
    starts = ts[[a for a, _ in segs]]
    assert np.all(np.diff(starts) >= 2.0 - 0.1) and np.all(np.diff(starts) <= 10.0 + 0.1)
    # the lids close within about 150 ms and open more slowly (trace sampled at the camera's 30 Hz)
    for a, b in segs[:-1]:
        peak = a + int(np.argmax(c[a:b + 1] > 0.9))
        assert ts[peak] - ts[a] <= 0.15 + 1e-6 and ts[b] - ts[peak] > ts[peak] - ts[a]
    # some blinks happen while the eyes follow the viewer away from the centre
    tracking = [r for r in recs if r["blink"] > 0.5 and r["state"] == "engaged" and r["index"] != CENTER]
    assert tracking

    # the recording: the eye band darkens exactly when the trace says the lids close
    sb = loop.screen_bank
    rx, ry, _, _ = sb.rect
    frames = np.array(imageio.mimread(tmp_path / "screen.mp4", memtest=False))
    assert len(frames) == int(seconds * fps)
    box = next(iter(sb.blinks.values())).box
    f = next(iter(sb.blinks.values())).feather
    bx, by, bw, bh = box
    band = frames[:, ry + by + f:ry + by + bh - f, rx + bx + f:rx + bx + bw - f].astype(float).mean(axis=(1, 2, 3))
    rec_t = np.arange(len(frames)) / fps
    closure_at = np.interp(rec_t, ts, c)
    open_level = np.median(band[closure_at == 0])
    shut = band[closure_at > 0.95]
    assert len(shut) and shut.max() < 0.5 * open_level          # closed: darkened by 0.7
    depth = open_level - shut.mean()
    for a, b in segs:
        k0, k1 = int(ts[a] * fps) - 2, int(ts[b] * fps) + 3
        steps = np.abs(np.diff(band[max(0, k0):k1]))
        assert steps.max() < 0.75 * depth                        # no pop: the lids move over several frames
    # between blinks the eye band is the open frame's (the overlay leaves no trace)
    assert np.abs(band[closure_at == 0] - open_level).max() < 0.1 * depth


def test_banks_without_blinks_never_blink(tmp_path):
    bank = str(fake_bank(tmp_path / "plain", cols=9))
    cfg = LiveConfig(bank=bank)
    for key, value in {"camera.source": "sim:still", "output.headless": True, "output.lockstep": True,
                       "display.size": (160, 120), "display.fps": 30.0, "output.trace": str(tmp_path / "t.jsonl")}.items():
        cfg = set_option(cfg, key, value)
    loop = build_loop(cfg, log=lambda m: None)
    try:
        loop.run_lockstep(12.0)
    finally:
        loop.close()
    assert not loop.screen_bank.can_blink
    assert all(r["blink"] == 0 for r in read_trace(cfg.output.trace))
