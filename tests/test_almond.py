"""The revealed white on a side of the old iris with no painted white of its own has a verdict with
no light model (sfumato.face.almond: at most +6 L over the skin round that side of the orbit, at
least +10 over the painted iris or half way to that skin where that is less;
``WhiteMatch.almond_skin`` / ``almond_ghost``, bench_rig's
"no-white side" column). Before it, those pixels were read only through OrbitLight, no verdict
(tests/test_revealed_white_shade.py): the old iris left there, or a milky plate, failed no cell.

Repo only: tests/test_revealed_white_shade.py's synthetic pair of eyes lit from the image-left,
no white right of the iris, the skin round the eye as pale as the white (a white shaded as its
side reads near its skin). The Mona Lisa's own frames: tests/test_revealed_white_shade.py."""

from __future__ import annotations

import numpy as np
import pytest

import tests.test_revealed_white_shade as shade_case
from sfumato.face.almond import OVER_IRIS, OVER_SKIN, Almond
from sfumato.face.topology import EYES
from sfumato.face.white_match import white_match

PALE = np.array([250.0, 222.0, 165.0])
"""The lit skin round the eyes: as light as the white (230), of another hue (no white of its own)."""


def ghost_of(painting: np.ndarray, frame_lm: np.ndarray) -> np.ndarray:
    """``painting`` with each eye's iris drawn again where ``frame_lm`` puts it, the old one left:
    the frame a rig that rebuilt no white would show. (H, W, 3) uint8 RGB."""
    h, w = painting.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    out = painting.copy()
    for e, cx in zip(EYES, (70.0, 190.0)):
        c = frame_lm[e.iris[0]]
        inside = ((xx - cx) / 34) ** 2 + ((yy - 50) / 13.0) ** 2 < 1
        out[inside & (np.hypot(xx - c[0], yy - c[1]) < shade_case.R)] = (60, 45, 40)
    return out


def test_a_white_shaded_as_its_side_passes_and_a_ghost_or_a_milky_plate_fails(monkeypatch):
    """Shaded as its side (the lit white times the side's light, 0.4 linear): its median L +1.3
    over the skin round that side, +43.1 over the iris (ok). The lit white throughout (milky):
    +29.4 over the skin (FAIL). The old iris left in place (ghost): +0.0 over the iris (FAIL).
    Old code: no such reading (WhiteMatch had no almond_skin / almond_ghost); with the skin read
    round the other (lit) side the milky plate reads +1.8 and passes: this test fails."""
    monkeypatch.setattr(shade_case, "SKIN", PALE)
    painting, plm = shade_case.corner_in_shade(0.0)
    got = {}
    for how in ("shaded", "milky"):
        frame, flm = shade_case.corner_in_shade(-14.0, how)
        got[how] = white_match(painting, frame, plm, flm, (shade_case.R, shade_case.R))
    got["ghost"] = white_match(painting, ghost_of(painting, flm), plm, flm, (shade_case.R, shade_case.R))
    for how, m in got.items():
        print(f"{how}: over the skin {m.almond_skin:+.1f}, over its ghost bound {m.almond_ghost:+.1f} ({m.revealed_other} px)")
    assert all(np.isfinite(m.almond_ghost) for m in got.values()), got
    assert got["shaded"].almond_skin <= OVER_SKIN and got["shaded"].almond_ghost >= 0.0, got["shaded"]
    assert got["milky"].almond_skin > OVER_SKIN, got["milky"]
    assert got["ghost"].almond_ghost < 0.0, got["ghost"]


def test_the_verdict_needs_both_bounds():
    """A white 40 L over the iris passes up to 6 L over the skin; a white needs 10 L over the iris
    where the skin is 20 L or more over the iris, half that gap where it is less (the Mona Lisa's shaded corner: 4.2 L over her iris; her white +1.4 / +5.6 passes,
    the old iris left there, -6.0 / -1.8, fails); a side with no skin round it needs 10."""
    assert Almond(OVER_SKIN, 40.0, 5).ok and not Almond(OVER_SKIN + 0.1, 40.0, 5).ok
    assert Almond(-15.0, OVER_IRIS, 5).ok and not Almond(-15.0, OVER_IRIS - 0.1, 5).ok  # skin 25 over the iris: 10 needed
    assert Almond(1.4, 5.6, 5).ok and not Almond(-6.0, -1.8, 5).ok
    assert Almond(float("nan"), OVER_IRIS, 5).ok and not Almond(float("nan"), OVER_IRIS - 0.1, 5).ok
    assert Almond(0.0, 0.0, 5).ghost == 0.0 and Almond(3.0, 1.0, 5).ghost == 1.0  # a corner darker than the iris
