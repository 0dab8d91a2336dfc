"""The measures' iris matcher finds the moved iris, not its highlight (issue #8, session 16).

:func:`sfumato.face.iris_match.find_iris` places the painted iris in a frame (every eye-white
column of bench_rig reads its pixels from there). The rig moves a catchlight half as far as the
iris (:data:`sfumato.rig.catchlight.FOLLOW`); matched with its highlight, the painted iris
followed the highlight: on portrait_13's image-right eye, whose iris is as light as its white,
13.9 px off the rig's own iris centre at gaze -30 (radius 9.7 px). Pixels lighter than the iris'
ring and than the painted white are now left out of the match on both sides.
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.iris_match import find_iris, not_iris_level

R = 9.0


def _eye(iris_x: float, glint_x: float, ring: float, white: float, lit: float | None = None) -> np.ndarray:
    """(60, 120) float32 CIE L: a white band (lighter ``lit`` at x > 95 when given), an iris of
    radius :data:`R` at (iris_x, 30), its ``ring`` a little darker inward, a pupil of 15 L, and a
    catchlight of 88 L (radius 1.8 px) at (glint_x, 27)."""
    h, w = 60, 120
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(3)
    light = np.full((h, w), white, np.float32) + rng.normal(0, 1.0, (h, w)).astype(np.float32)
    if lit is not None:
        light[:, 95:] = lit
    d = np.hypot(xx - iris_x, yy - 30)
    light[d < R] = ring - 8.0 * (1 - d[d < R] / R)
    light[d < 3.5] = 15.0
    light[np.hypot(xx - glint_x, yy - 27) < 1.8] = 88.0
    return light


@pytest.mark.parametrize("ring, white", [(38.0, 40.0), (30.0, 70.0)])
def test_the_moved_iris_is_found_not_its_highlight(ring, white):
    """The iris moved 8 px, its highlight 4 px (FOLLOW 0.5), FaceMesh's guess lagging at +4: the
    iris is found within a pixel. An iris as light as its white (portrait_13's image-right eye):
    old code (the highlight matched) 4.0 px off; a dark iris in a light white, where the white
    pins the iris and the old code too found it (0.0 px off): a guard that leaving the highlight
    out costs the common case nothing."""
    painting = _eye(50.0, 47.0, ring, white)
    frame = _eye(58.0, 51.0, ring, white)
    opening = np.abs(np.mgrid[0:60, 0:120][0] - 30) < 12
    found = find_iris(painting, frame, np.array([50.0, 30.0]), R, opening, guess=np.array([54.0, 30.0]))
    print("ring", ring, "white", white, "found", found, "off", np.hypot(found[0] - 58.0, found[1] - 30.0))
    assert np.hypot(found[0] - 58.0, found[1] - 30.0) <= 1.0, found


def test_the_white_is_never_left_out():
    """A lit white far lighter than the iris' ring (80 L against 25) is not taken for a
    highlight: the level that leaves pixels out is over the lightest painted white (a white left
    out of the frame costs nothing where the iris is wrongly put over it: a level off the ring
    alone, 38 L here, took portrait_14's lit white out of its frames and moved its iris 5 px at
    the sweep's end), and the iris moved next to that lit white is found. A guard of the rule
    (the old code left nothing out)."""
    painting = _eye(50.0, 47.0, 25.0, 45.0, lit=80.0)
    frame = _eye(80.0, 65.0, 25.0, 45.0, lit=80.0)
    opening = np.abs(np.mgrid[0:60, 0:120][0] - 30) < 12
    top = not_iris_level(painting, np.array([50.0, 30.0]), R, opening)
    assert top > 80.0 + 3.0, top  # the lit white (80 L +- noise) is white, not a highlight
    found = find_iris(painting, frame, np.array([50.0, 30.0]), R, opening, guess=np.array([77.0, 30.0]))
    assert np.hypot(found[0] - 80.0, found[1] - 30.0) <= 1.0, found


def test_portrait_13_irises_are_found_where_the_rig_drew_them():
    """portrait_13 rigged (../shared; skipped without it), the irises moved as the bank's 9 gaze
    frames move them (eyes only, no head turn, so the rig's own iris centre is exact), each frame
    read by FaceMesh as bench_rig reads it: the painted iris found within 2 px of where the rig drew
    it in the image-right eye at every frame (old code: 15.5 px, the highlight followed; now
    0.8); the image-left eye, whose matcher error the change leaves as it was (5.5 px both, at
    the sweep's end where its iris is half under the corner), no worse than 6 px (a guard)."""
    from sfumato.engines.base import Pose
    from sfumato.face.quality import painted_iris_radii, steady_landmarks
    from sfumato.face.topology import EYES
    from sfumato.face.white_match import fit_eyes
    from sfumato.imaging.lab import lightness
    from tests.crops import shared_rig

    eng = shared_rig("portrait_13")
    crop = eng._crop
    plm = steady_landmarks(crop, samples=3)
    radii = painted_iris_radii(crop, plm)
    p_l = lightness(crop)
    rest = [e.frame.to_xy(e.rest) + (e.x0, e.y0) for e in eng.eyes]
    poses = eng._poses
    picks = np.unique(np.round(np.linspace(0, len(poses) - 1, 9)).astype(int))
    worst = [0.0, 0.0]
    for i in picks:
        yaw = poses[i].gaze_yaw - eng.p.head_turn * poses[i].head_yaw  # the eye's own turn
        frame = eng.render_pose(Pose(yaw, 0.0, 0.0, 0.0))
        flm = steady_landmarks(frame, samples=3)
        assert flm is not None
        fits = fit_eyes(p_l, lightness(frame), plm, flm, radii)
        for k, (e, ei) in enumerate(zip(eng.eyes, EYES)):
            drawn = e.frame.to_xy(e.rest + eng._shift(e, yaw, 0.0)) + (e.x0, e.y0)
            truth = plm[ei.iris[0], :2] + (drawn - rest[k])
            worst[k] = max(worst[k], float(np.hypot(*(fits[k].iris - truth))))
    print("worst px (image-left, image-right):", [round(w, 2) for w in worst])
    assert worst[1] <= 2.0, worst
    assert worst[0] <= 6.0, worst
