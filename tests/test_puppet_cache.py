"""The puppet's rig renders eyes and mouth once per (quantised) shape and pastes them after:
the picture is the one a full render gives, a repeat costs a paste, and memory is bounded."""

from __future__ import annotations

import numpy as np
import pytest

from live.puppet.cache import PatchCache, quantise
from live.puppet.retarget import Controls
from sfumato.engines import Pose


@pytest.fixture(scope="module")
def rig():
    from tests.puppet_video import astronaut_rig

    r = astronaut_rig(scale=2.0)[2]      # 1024 px: eyes wide enough to rig
    assert len(r._eye_boxes) == 2 and r.mouth is not None
    return r


def test_each_eye_takes_its_own_lids_and_matches_a_full_render(rig):
    c = Controls(gaze_yaw=6.0, gaze_pitch=-2.0, blink=(1.0, 0.0))      # a wink of the sitter's right eye
    head = rig.render_head(c)
    gaze = (quantise(6.0, rig._gaze_steps), quantise(-2.0, rig._gaze_steps))
    shut = rig.eyes.render_pose(Pose(*gaze, 0.0, 0.0), blink=1.0)
    open_ = rig.eyes.render_pose(Pose(*gaze, 0.0, 0.0), blink=0.0)
    for (x0, y0, x1, y1), side in zip(rig._eye_boxes, rig._eye_sides):
        want = shut if side == 0 else open_
        assert np.array_equal(head[y0:y1, x0:x1], want[y0:y1, x0:x1])
    right = rig._eye_boxes[rig._eye_sides.index(0)]
    x0, y0, x1, y1 = right
    assert np.abs(shut[y0:y1, x0:x1].astype(int) - open_[y0:y1, x0:x1]).mean() > 2.0   # the wink shows


def test_a_repeated_shape_is_pasted_not_rendered(rig):
    c = Controls(gaze_yaw=-4.0, mouth_open=0.6, mouth_width=-0.5)
    first = rig.render_head(c)
    misses = rig.cache.misses
    again = rig.render_head(Controls(gaze_yaw=-4.0 + 0.2 / rig._gaze_steps, mouth_open=0.6, mouth_width=-0.5))
    assert rig.cache.misses == misses and np.array_equal(first, again)
    # the pasted mouth is the mouth rendered on the eyes' frame (the eyes never reach its box)
    assert rig._mouth_alone
    eyes_only = rig.render_head(Controls(gaze_yaw=-4.0))
    assert np.array_equal(first, rig.mouth.render(eyes_only, rig.mouth_pose(c)))
    assert rig.shape_key(c) == rig.shape_key(Controls(gaze_yaw=-4.0 + 0.2 / rig._gaze_steps, mouth_open=0.6,
                                                      mouth_width=-0.5))
    assert rig.shape_key(c) != rig.shape_key(Controls(gaze_yaw=-4.0, mouth_open=0.6, mouth_width=-0.5, head_yaw=1.0))


def test_cache_memory_is_bounded():
    cache = PatchCache(budget_mb=1.0)
    for k in range(200):
        cache.get(k, lambda: np.zeros((100, 100, 3), np.uint8))      # 30 kB each
    assert cache.nbytes <= 1_000_000 and len(cache) == 33
    assert cache.get(199, lambda: None) is not None and cache.hits == 1


def test_each_brow_rises_or_falls_on_its_own(rig):
    """The puppet's brows are the rig's brow layer (sfumato.rig.brows, as speech uses): raising the
    sitter's right brow lifts its dark line and leaves the left one where it was; lowering drops it."""
    from sfumato.face import topology as T

    lm = rig.landmarks

    def shift_y(img, ref, idx):
        """Vertical shift (whole px, > 0 down) of one brow from ``ref`` to ``img``: the best match
        of the brow strip."""
        (x0, y0), (x1, y1) = lm[list(idx), :2].min(0).astype(int), lm[list(idx), :2].max(0).astype(int)
        a, b = ref.astype(float), img.astype(float)
        err = {k: np.square(b[y0 + k:y1 + k, x0:x1] - a[y0:y1, x0:x1]).mean() for k in range(-10, 11)}
        return min(err, key=err.get)

    rest = rig.render_head(Controls())
    up = rig.render_head(Controls(brows=(1.0, 0.0)))
    down = rig.render_head(Controls(brows=(-1.0, 0.0)))
    lift = rig.brows.lift * rig.brows.scale
    assert shift_y(up, rest, T.BROW_RIGHT) < -0.4 * lift
    assert shift_y(down, rest, T.BROW_RIGHT) > 0.4 * lift
    left = [int(round(v)) for v in lm[list(T.BROW_LEFT), :2].mean(0)]
    box = (slice(left[1] - 8, left[1] + 8), slice(left[0] - 8, left[0] + 8))
    assert np.array_equal(up[box], rest[box])                               # the left brow stays
    # speech's one amount raises both exactly as a pair of equal amounts does
    assert np.array_equal(rig.brows.render(rest, 0.7), rig.brows.render(rest, (0.7, 0.7)))
