"""The eye turn is counted from the painted iris (issue #8, the natural eye-in-head range).

The painted eye looks at the viewer, so its painted iris faces the viewer wherever the painter
put it in the opening. A turn by an angle moves it the eyeball's radius times the angle's sine
and narrows it by the angle's cosine along the turn: alike toward either corner, and alike in
both eyes. The old model counted the angle from the middle of the opening, so an iris painted
off-centre (every test painting's irises sit 0.04-0.22 half-widths toward the outer corners)
was taken as already turned: turned outward it narrowed up to 0.78 while the other eye, turned
by the same angle, kept 0.94-1.02 of its width.

Real MediaPipe on the bundled astronaut (2x: irises of about 8 px); its right eye's iris is
painted 0.12 half-widths toward the outer corner.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.lids import Lids
from tests.crops import head_crop_of


@pytest.fixture(scope="module")
def big_engine(astronaut) -> RigEngine:
    img = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    eng = RigEngine()
    eng.prepare(head_crop_of(img))
    return eng


def _iris_area(e: EyeLayers, du: float) -> float:
    """Area (pixels) of the iris drawn with a shift of ``du`` eye-frame pixels: a black iris
    over a white eye whose lids are opened far out of the way (no lid, corner or shadow takes
    any of it), through the real :func:`render_eye`."""
    wide = Lids(np.linspace(-1e3, 1e3, 64), np.full(64, 1e3), np.full(64, -1e3))
    plain = dataclasses.replace(
        e, base=np.full_like(e.base, 255.0), image=np.full_like(e.image, 255.0), iris_rgb=np.zeros_like(e.iris_rgb),
        lids=wide, catch=None,
    )
    out = render_eye(plain, np.array([du, 0.0]))
    return float((1.0 - out.mean(axis=2) / 255.0).sum())


def test_painted_irises_sit_off_the_middle(big_engine):
    """The premise: one of the astronaut's irises is painted off the middle of its opening."""
    offs = sorted(abs(e.rest[0]) / e.frame.half_width for e in big_engine._eyes)
    assert offs[-1] > 0.08, offs


def test_a_turn_moves_the_iris_as_far_either_way(big_engine):
    """The same turn toward either corner moves the iris as far (old: 15 degrees moved the
    astronaut's right iris 1.03 times as far inward as outward)."""
    for e, (g_minus, g_plus) in zip(big_engine._eyes, big_engine.eye_gain):  # each eye's lead, per side
        for yaw in (8.0, 15.0):
            out = big_engine._shift(e, yaw / g_plus, 0.0)[0]
            back = big_engine._shift(e, -yaw / g_minus, 0.0)[0]
            assert out == pytest.approx(-back, rel=0.01), (yaw, out, back)


def test_a_turned_iris_narrows_alike_either_way(big_engine):
    """An iris shifted by the same amount toward either corner is drawn with the same area, the
    cosine of the turn times its painted area (30 degrees: 0.87 both ways; old: 0.80 outward,
    0.93 inward for the astronaut's right eye; at 53 degrees 0.41 and 0.73)."""
    for e in big_engine._eyes:
        rest = _iris_area(e, 0.0)
        for frac in (0.5, 0.8):
            du = frac * e.eyeball
            a, b = _iris_area(e, du) / rest, _iris_area(e, -du) / rest
            cos = float(np.sqrt(1.0 - frac * frac))
            assert a == pytest.approx(b, abs=0.03), (frac, a, b)
            assert a == pytest.approx(cos, abs=0.05) and b == pytest.approx(cos, abs=0.05), (frac, a, b, cos)
