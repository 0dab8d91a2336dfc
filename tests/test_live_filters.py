"""One Euro filter, bin hysteresis and the cross-fade chaser."""

from __future__ import annotations

import numpy as np

from live.crossfade import FrameChaser
from live.filters import BinHysteresis, OneEuroFilter


def test_one_euro_calms_a_still_noisy_signal():
    rng = np.random.default_rng(0)
    f = OneEuroFilter(min_cutoff=0.6, beta=0.04)
    raw = 10.0 + rng.normal(0, 0.5, 300)
    out = np.array([f([v], k / 30)[0] for k, v in enumerate(raw)])
    assert np.std(out[60:]) < 0.35 * np.std(raw[60:])
    assert abs(out[60:].mean() - 10.0) < 0.2


def test_one_euro_catches_a_quick_move():
    f = OneEuroFilter(min_cutoff=0.6, beta=0.04)
    for k in range(60):
        f([0.0, 0.0], k / 30)
    out = [f([20.0, 0.0], 2.0 + k / 30) for k in range(1, 10)]
    assert out[-1][0] > 18.0                      # within 0.3 s
    slow = OneEuroFilter(min_cutoff=0.6, beta=0.0)
    for k in range(60):
        slow([0.0], k / 30)
    assert [slow([20.0], 2.0 + k / 30) for k in range(1, 10)][-1][0] < 15.0   # beta is what makes it quick


def test_one_euro_ignores_repeated_timestamps():
    f = OneEuroFilter()
    f([1.0], 0.0)
    assert f([5.0], 0.0)[0] == 1.0


def test_hysteresis_holds_at_a_bin_edge():
    h = BinHysteresis(margin=0.3, start=3)
    assert [h.update(p) for p in (3.49, 3.51, 3.79, 3.6, 3.5)] == [3] * 5
    assert h.update(3.81) == 4
    assert h.update(3.3) == 4 and h.update(3.19) == 3
    assert h.update(12.2) == 12


def test_chaser_one_bin_is_a_linear_crossfade():
    c = FrameChaser(1, 33, (0, 16), crossfade_s=0.08)
    assert c.weights() == [(16, 1.0)]
    c.update((0, 17), 0.04)
    w = dict(c.weights())
    assert abs(w[16] - 0.5) < 1e-6 and abs(w[17] - 0.5) < 1e-6
    c.update((0, 17), 0.04)
    assert c.weights() == [(17, 1.0)]
    c.update((0, 17), 1.0)
    assert c.weights() == [(17, 1.0)]            # on target: exact, no blending


def test_chaser_long_jump_passes_through_neighbours_quickly():
    c = FrameChaser(1, 33, (0, 16), crossfade_s=0.08)
    seen = []
    for _ in range(18):                           # 0.3 s at 60 fps
        c.update((0, 32), 1 / 60)
        seen.append(c.index)
    assert seen[-1] == 32
    assert len(set(seen)) > 5 and seen == sorted(seen)


def test_chaser_2d_blends_four_neighbours():
    c = FrameChaser(3, 5, (1, 2), crossfade_s=0.1)
    c.pos = [1.5, 2.5]
    w = c.weights()
    assert sorted(i for i, _ in w) == [7, 8, 12, 13]
    assert abs(sum(v for _, v in w) - 1.0) < 1e-9
    c2 = FrameChaser(1, 3, (0, 2), 0.1)
    c2.pos = [0.0, 2.0]
    assert c2.weights() == [(2, 1.0)]
