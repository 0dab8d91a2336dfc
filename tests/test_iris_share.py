"""At the ends of the sweep the iris stays visible (review16 MUST 4; the issue's "at +-30 the iris
nearly vanishes into the corner, and the eyes look blind").

With ``RigParams.plan_drawn`` the eye-in-head range is planned with the iris' drawn area
(:mod:`sfumato.rig.iris_share`: foreshortened, under the corners' cover and the lids, as the
render draws it) and each side of the sweep ends where the eyes' range and the head's cap reach.
Read from outside by bench_rig's *iris shown* (:mod:`sfumato.face.iris_shown`). Real MediaPipe and
the real rig on the bundled astronaut; the Mona Lisa, portrait_11 and portrait_20 when ../shared
is present.

The default plan (session 16's, kept: FaceMesh's gaze range falls with the new one) counts the
disc's points between the lid lines only, and where the head's cap binds leaves the rest to an
eye soft-limited past its range: the astronaut's frame 0 (-30) keeps 0.55 / 0.53 of its drawn
area, the Mona Lisa's frame 32 (+30) 0.46 / 0.46, portrait_11's frame 0 0.46; *iris shown* reads
the astronaut 0.39 at -30 and the Mona Lisa 0.58 at +30 (main at c6d765f).
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.engines.base import SweepSpec
from sfumato.engines.rig import RigEngine
from sfumato.face.iris_shown import TARGET, ShownMeter
from sfumato.face.quality import painted_iris_radii, steady_landmarks
from sfumato.face.revealed_white import painted_eyes
from sfumato.face.white_match import fit_eyes
from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig import eye as eye_module
from sfumato.rig.iris_share import drawn_share
from tests.crops import shared_rig


def _drawn_plan(eng: RigEngine) -> RigEngine:
    """The same rig planned with ``plan_drawn`` (the default sweep)."""
    out = RigEngine(plan_drawn=True)
    out.load(eng._crop, eng.rig)
    out.plan(SweepSpec())
    return out


def _least_share(eng: RigEngine) -> tuple[float, int]:
    """The least drawn share (:func:`drawn_share`) of any eye over the engine's planned frames, and its frame."""
    out = []
    for i, pose in enumerate(eng._poses):
        out += [(drawn_share(e, float(s[0]), float(s[1])), i) for e, s in zip(eng.eyes, eng.iris_shifts(pose))]
    return min(out)


def _labels_drawn(eng: RigEngine) -> None:
    """Every planned label is the head's yaw plus the eye-in-head yaw drawn for the eye that turns
    the common range on that side (its gain 1)."""
    for p in eng._poses:
        side = 1 if p.gaze_yaw >= 0 else 0
        k = next(k for k, g in enumerate(eng.eye_gain) if g[side] == pytest.approx(1.0))
        e = eng.eyes[k]
        du = eng.iris_shifts(p)[k][0]
        turn = np.degrees(np.arcsin((e.rest[0] + du) / e.eyeball) - np.arcsin(e.rest[0] / e.eyeball))
        assert turn + p.head_yaw == pytest.approx(p.gaze_yaw, abs=0.05), (p, turn)


def test_every_planned_frame_keeps_the_promised_share(ast_engine):
    """With ``plan_drawn`` every frame of the default sweep keeps at least ``min_visible`` (0.65)
    of each iris' drawn area at rest and the astronaut's image -x side ends at -26.7, the head at
    its cap; the default plan keeps 0.53 at frame 0 (fails this)."""
    drawn = _drawn_plan(ast_engine)
    least, at = _least_share(drawn)
    assert least >= drawn.p.min_visible - 1e-6, (least, at)
    assert -29.0 < drawn._poses[0].gaze_yaw < -24.0 and abs(drawn._poses[0].head_yaw) == pytest.approx(drawn.p.max_head_yaw)
    assert drawn._poses[-1].gaze_yaw == pytest.approx(30.0)  # room on +x: the spec's end
    _labels_drawn(drawn)
    old, _ = _least_share(ast_engine)
    assert old < 0.6, old  # the default plan, unchanged


def test_drawn_share_sees_the_corner_and_the_foreshortening(ast_engine, monkeypatch):
    """The share is what the render draws: with the iris an iris radius from a corner it reads
    less than with the corners' cover taken away, and that less than with the foreshortening
    taken away too (the astronaut's image-right eye: 0.446 / 0.449 / 0.526; at 1x her corners'
    cover reaches only 2.4 px, the lids' narrowing and the foreshortening do the rest); at rest 1."""
    e = ast_engine.eyes[1]  # the image-right eye, the astronaut's tightest corner
    du = e.lids.u[0] + e.radius - e.rest[0]
    real = drawn_share(e, du)
    assert drawn_share(e, 0.0) == pytest.approx(1.0)
    with monkeypatch.context() as m:
        m.setattr(eye_module, "corner_cover", lambda u, lids, width: np.ones_like(u, dtype=np.float32))
        uncovered = drawn_share(e, du)
        m.setattr(eye_module, "foreshorten", lambda offset, eyeball: 1.0)
        flat = drawn_share(e, du)
    assert real < 0.5 and uncovered > real and flat > uncovered + 0.05, (real, uncovered, flat)


class _Reader:
    """bench_rig's *iris shown* on a crop: the crop as the painting, rendered crops as frames."""

    def __init__(self, image: np.ndarray) -> None:
        self.lab = rgb_to_lab(image)
        self.lm = steady_landmarks(image, samples=3)
        self.radii = painted_iris_radii(image, self.lm)
        light = self.lab[..., 0]
        self.meter = ShownMeter(self.lab, painted_eyes(image, self.lm), self.radii, fit_eyes(light, light, self.lm, self.lm, self.radii))

    def __call__(self, frame: np.ndarray) -> float:
        lab = rgb_to_lab(frame)
        lm = steady_landmarks(frame, samples=3)
        return float(np.nanmin(self.meter(0, lab, fit_eyes(self.lab[..., 0], lab[..., 0], self.lm, lm, self.radii))))


def test_iris_shown_reads_the_cornered_iris(ast_engine, ast_crop):
    """From outside: the default plan's -30 frame (the image-right iris a dark sliver in the
    corner) reads under :data:`TARGET`, the ``plan_drawn`` end over it; the centre frame reads
    the painting (1)."""
    read = _Reader(ast_crop.image)
    assert read(ast_engine.render(16)) == pytest.approx(1.0, abs=0.05)
    cornered = read(ast_engine.render(0))
    planned = read(_drawn_plan(ast_engine).render(0))
    assert planned >= TARGET > cornered, (planned, cornered)


@pytest.mark.parametrize("name", ["mona_lisa", "portrait_11"])
def test_painting_ends_keep_the_share_and_true_labels(name):
    """With ``plan_drawn``: the Mona Lisa's +x side (her image-left iris fills its opening toward
    +x: 0.65 of it at 10.8 deg; the default plan draws 0.46 at +30) and portrait_11's -x side end
    where eyes and head reach (+18.8, -17.9), every frame keeps the share, every label the gaze drawn."""
    eng = _drawn_plan(shared_rig(name))
    least, at = _least_share(eng)
    assert least >= eng.p.min_visible - 1e-6, (least, at)
    _labels_drawn(eng)
    ends = (eng._poses[0].gaze_yaw, eng._poses[-1].gaze_yaw)
    assert min(abs(v) for v in ends) < 25.0, ends


def test_a_painting_with_room_keeps_its_full_sweep():
    """portrait_20's eyes and head reach both ends with ``plan_drawn`` (limits 23.3 / 23.7 deg,
    the head 6.7 / 6.3 under its cap): its labels stay the spec's, -30..+30."""
    eng = _drawn_plan(shared_rig("portrait_20"))
    assert [p.gaze_yaw for p in eng._poses] == pytest.approx([q.gaze_yaw for q in SweepSpec().poses()])
    assert max(abs(p.head_yaw) for p in eng._poses) < eng.p.max_head_yaw
