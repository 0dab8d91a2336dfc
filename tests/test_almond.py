"""The revealed white on a side of the old iris with no painted white of its own has a verdict with
no light model (sfumato.face.almond: at most +6 L over that side's light, the skin round that side
of the orbit or its own painted white at other heights where lighter; at least +10 over the
painted iris or half way to that skin where that is less, and where that skin is near the iris'
lightness, less than KEPT (0.3) of the old iris' own pattern kept; ``WhiteMatch.almonds``,
bench_rig's "no-white side" column). Before it, those pixels were read only through OrbitLight, no verdict
(tests/test_revealed_white_shade.py): the old iris left there, or a milky plate, failed no cell.

Repo only: tests/test_revealed_white_shade.py's synthetic pair of eyes lit from the image-left,
no white right of the iris, the skin round the eye as pale as the white (a white shaded as its
side reads near its skin). The Mona Lisa's own frames: tests/test_revealed_white_shade.py."""

from __future__ import annotations

import numpy as np
import pytest

import tests.test_revealed_white_shade as shade_case
from sfumato.face.almond import KEPT, OVER_IRIS, OVER_SKIN, Almond, kept_pattern, white_at_height, worst
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
    read = {how: worst(list(m.almonds)) for how, m in got.items()}
    for how, (light, a, ok) in read.items():
        print(f"{how}: over its light {light:+.1f}, over its ghost bound {a.ghost:+.1f}, kept {a.kept:.2f}, ok {ok}")
    assert all(a is not None for _, a, _ in read.values()), got
    assert read["shaded"][2] and read["shaded"][0] <= OVER_SKIN, read["shaded"]
    assert not read["milky"][2] and read["milky"][0] > OVER_SKIN, read["milky"]
    assert not read["ghost"][2] and read["ghost"][1].ghost < 0.0, read["ghost"]


def test_the_verdict_needs_both_bounds():
    """A white 40 L over the iris passes up to 6 L over the skin; a white needs 10 L over the iris
    where the skin is 20 L or more over the iris, half that gap where it is less (the Mona Lisa's shaded corner: 4.2 L over her iris; her white +1.4 / +5.6 passes,
    the old iris left there, -6.0 / -1.8, fails); a side with no skin round it needs 10."""
    assert Almond(OVER_SKIN, 40.0, 5).ok and not Almond(OVER_SKIN + 0.1, 40.0, 5).ok
    assert Almond(-15.0, OVER_IRIS, 5).ok and not Almond(-15.0, OVER_IRIS - 0.1, 5).ok  # skin 25 over the iris: 10 needed
    assert Almond(1.4, 5.6, 5).ok and not Almond(-6.0, -1.8, 5).ok
    assert Almond(float("nan"), OVER_IRIS, 5).ok and not Almond(float("nan"), OVER_IRIS - 0.1, 5).ok
    assert Almond(0.0, 0.0, 5).ghost == 0.0 and Almond(3.0, 1.0, 5).ghost == 1.0  # a corner darker than the iris


def test_the_white_painted_at_a_pixels_height_bounds_its_light():
    """A pixel in a band with some painted white on its side (fewer than a band reference's 3) is bounded
    by the lighter of the skin and that white (a photograph's lit white is lighter than its skin: the
    astronaut +7.1 over its skin, -16.2 under the white at its height); a band with none, or its white
    darker than the skin, the skin alone (``over_own`` NaN: ``over_skin``)."""
    assert Almond(7.1, 42.0, 5, over_own=-16.2).ok and not Almond(7.1, 42.0, 5).ok
    assert not Almond(7.1, 42.0, 5, over_own=6.5).ok  # lighter than both by more than 6: a milky plate
    ref_t = np.float32([0.05, 0.30, 0.32, 0.95])  # heights 0 (lower lid) .. 1 (upper)
    ref_l = np.float32([80.0, 60.0, 62.0, 90.0])
    got = white_at_height(np.float32([0.02, 0.31, 0.55, 0.99]), ref_t, ref_l, 6)
    assert got[0] == 80.0 and got[1] == 61.0 and np.isnan(got[2]) and got[3] == 90.0, got


def test_in_a_narrow_window_a_ghost_keeps_the_old_iris_pattern():
    """Where the skin is under 2 x OVER_IRIS over the iris (the Mona Lisa's corner: 4.1 L) a side under
    the lightness bound is a ghost only if it keeps at least KEPT of the old iris' pattern; in a wide
    window (skin 20 L or more over the iris) lightness alone decides, kept or not; a flat iris (kept
    NaN) is judged by lightness alone."""
    assert Almond(-2.7, 1.4, 59, kept=0.06).ok  # her rendered white at -30 degrees
    assert not Almond(-5.8, -1.7, 59, kept=0.94).ok  # her old iris left there
    assert not Almond(-2.7, 1.4, 59, kept=KEPT).ok and Almond(-2.7, 1.4, 59, kept=KEPT - 0.01).ok
    assert not Almond(-20.0, 5.0, 5, kept=0.0).ok  # skin 25 over the iris: 10 needed, whatever is kept
    assert not Almond(-2.7, 1.4, 59).ok  # no pattern to keep: lightness alone
    rng = np.random.default_rng(0)
    painted = rng.normal(30.0, 4.0, 200).astype(np.float32)
    assert kept_pattern(painted, painted) == 1.0
    assert kept_pattern(np.full(200, 30.0, np.float32), painted) < 0.1  # a flat white of its lightness
    assert kept_pattern(painted + 3.0, painted) > 0.99  # the old iris, lighter: still its pattern
    assert np.isnan(kept_pattern(painted, np.full(200, 30.0, np.float32)))  # a flat iris: no pattern
