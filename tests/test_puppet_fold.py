"""The puppet's head turn never folds the picture (live/puppet/fold.py, HeadRig.turn_limits).

Before: at the puppet's 15 deg yaw the head warp's forward map folded on most paintings (its
Jacobian determinant went negative: portrait_03 -1.08 / -0.37, a torn, mirrored copy of the ear
and cheek in the hair) and squeezed the astronaut's far side to 0.01 / 0.11 of its area.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from live.puppet.fold import MIN_DET, min_jacobian
from live.puppet.retarget import Controls
from live.puppet.rig import HeadRig
from sfumato.rig.warp import ThinPlateWarp
from tests.puppet_video import astronaut_rig, head_rig_of

SHARED = Path(__file__).resolve().parents[2] / "shared" / "testdata"
EXTREMES = [Controls(head_yaw=y, head_pitch=p) for y in (-15.0, -8.0, 0.0, 8.0, 15.0) for p in (-10.0, -5.0, 0.0, 5.0, 10.0)
            if y or p]


def test_min_jacobian_is_one_at_rest_and_negative_on_a_fold():
    pts = np.array([[80.0, 100.0], [120.0, 100.0], [100.0, 80.0], [100.0, 120.0]])
    warp = ThinPlateWarp(pts, 200)
    assert min_jacobian(warp, np.zeros((4, 2))) == pytest.approx(1.0)
    swap = np.array([[40.0, 0.0], [-40.0, 0.0], [0.0, 0.0], [0.0, 0.0]])   # the two side points pass each other
    assert min_jacobian(warp, swap) < 0.0
    assert 0.0 < min_jacobian(warp, 0.2 * swap) < 1.0                      # squeezed, not folded


def _rig_of(img: np.ndarray) -> HeadRig:
    """A painting's head square rigged at this size (as the puppet does at display scale)."""
    return head_rig_of(img)[1]


BETWEEN = 0.02
"""How far under :data:`MIN_DET` a turn and a nod together may reach: HeadRig solves the fold limit
on each axis and at each corner (both axis limits at once) and interpolates the share in between,
so a mix can undershoot a little (portrait_03 at -15 deg yaw, -5 pitch: 0.293; the astronaut's
least, at +15 / -10: 0.305). A fold is below 0 and portrait_03's ear visibly tore at 0.26."""


def _assert_never_folds(rig: HeadRig) -> None:
    for c in EXTREMES:
        det = min_jacobian(rig.warp, rig.displacements(c))
        assert det >= MIN_DET - BETWEEN, (c, round(det, 3), rig.turn_limits)


def test_astronaut_head_turn_keeps_its_area_and_is_unchanged_near_rest():
    _, _, rig = astronaut_rig()
    _assert_never_folds(rig)                  # old code: 0.01 at +15 deg yaw, 0.11 at -15
    yaw_lo, yaw_hi = rig.turn_limits["yaw"]
    assert 5.0 < yaw_lo < 15.0 and 5.0 < yaw_hi < 15.0, rig.turn_limits   # limited, still a real turn
    assert rig.turn_limits["pitch"] == (10.0, 10.0)                       # pitch never came near a fold
    for c in (Controls(head_yaw=3.0), Controls(head_pitch=-4.0), Controls(head_roll=5.0)):
        assert np.allclose(rig.displacements(c), rig._turn(c.head_yaw, c.head_pitch, c.head_roll))   # as asked
    far = [np.abs(rig.displacements(Controls(head_yaw=v))).max() for v in (6.0, 9.0, 12.0, 15.0)]
    assert all(b > a for a, b in zip(far, far[1:]))     # still turns further the further it is asked


@pytest.mark.skipif(not (SHARED / "portrait_03.jpg").is_file(), reason="needs ../shared/testdata")
def test_portrait_03_head_turn_never_folds():
    """The painting whose ear tore: its face fills the picture, the square reaches past its edges."""
    from sfumato.imaging.painting import load_painting
    from sfumato.imaging.resize import resize_to

    rig = _rig_of(resize_to(load_painting(SHARED / "portrait_03.jpg"), 720, 720))   # the puppet's 1280x720 screen
    _assert_never_folds(rig)                  # old code: -0.37 at +15 deg yaw, -1.08 at -15
    assert min(rig.turn_limits["yaw"]) > 4.0, rig.turn_limits
