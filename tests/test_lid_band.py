"""The band just under the upper lid over a moved iris keeps the lid's shade as painted.

The Mona Lisa's image-right eye turned to her nose (gaze -30..-13) showed an amber band along the
top of the moved iris, on under the lid to its right: the iris moved to where her upper lid is
higher, and its top, hidden under the lid at rest, was filled with the mean of its whole ring
(her lit, amber lower iris) and then lightened as if the lid's shadow had been painted on it
(sfumato.rig.iris.around_fill, sfumato.rig.lids.shadow_lift). The lighter almond beside it, the
rebuilt white of her shaded outer side, is measured too (:func:`almond_and_skin`). Repo only: a synthetic eye and the bundled 900 px
Mona Lisa through the whole rig.
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.rig.eye import eye_layers, render_eye, shadow_reach
from sfumato.rig.model import EyeRig, IrisFit

LIT_WHITE = (72.0, 4.0, 28.0)  # Lab: a lit warm white
IRIS_TOP, IRIS_LOW = (25.0, 14.0, 22.0), (38.0, 17.0, 36.0)  # Lab: dark brown iris, its lit amber lower half
SKIN = (58.0, 10.0, 30.0)  # Lab
SLOPE = 10.0  # the upper lid rises this much more toward the left corner (px over the half width)


def band_and_paint(layers, shift: np.ndarray, left: float = 0.8, right: float = 0.8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The frame's band just under the upper lid (0.5 px to the lid shadow's reach) over the
    moved iris (``left`` radii left of its centre to ``right`` radii right of the old centre),
    and the painted band over the old iris (0.8 radii either side): median CIE Lab (3,) of the
    frame's and the painting's band, and the frame ((h, w, 3) Lab)."""
    e = layers
    out = render_eye(e, shift)
    frame, paint = rgb_to_lab(np.clip(out, 0, 255).astype(np.float32)), rgb_to_lab(e.image)
    up, lo = e.lids.at(e.u)
    d, reach = up - e.v, shadow_reach(e.lids, e.radius)
    band = (d > 0.5) & (d < reach) & (e.v - lo > 0.5) & (e.u > e.lids.u[0] + 1) & (e.u < e.lids.u[-1] - 1)
    moved = band & (e.u > e.rest[0] + shift[0] - left * e.radius) & (e.u < e.rest[0] + right * e.radius)
    painted = band & (np.abs(e.u - e.rest[0]) < 0.8 * e.radius)
    assert moved.sum() > 20 and painted.sum() > 20, (moved.sum(), painted.sum())
    return np.median(frame[moved], 0), np.median(paint[painted], 0), frame


def synthetic_eye():
    """A dark iris (r 12) under an upper lid that rises toward the left corner, its top hidden
    under the lid; its lower half lit amber; painted as dark just under the lid as below it (the
    Mona Lisa's iris: 28 L in the band, 30 below): the eye's layers."""
    s = 160
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32)
    xs = np.linspace(40.0, 120.0, 17)
    t = (xs - 80.0) / 40.0
    upper_y = 80.0 - (15.0 - SLOPE * t) * (1 - t * t)  # higher (smaller y) on the left
    lower_y = 80.0 + 11.0 * (1 - t * t)
    lab = np.empty((s, s, 3), np.float32)
    lab[:] = SKIN
    up_at, lo_at = np.interp(xx, xs, upper_y), np.interp(xx, xs, lower_y)
    opening = (yy > up_at) & (yy < lo_at) & (xx > 40) & (xx < 120)
    lab[opening] = LIT_WHITE
    c, r = np.array([86.0, 74.0]), 12.0
    iris = opening & (np.hypot(xx - c[0], yy - c[1]) < r)
    low = np.clip((yy - c[1]) / r, 0.0, 1.0)[..., None]
    lab[iris] = (np.float32(IRIS_TOP) * (1 - low) + np.float32(IRIS_LOW) * low)[iris]
    img = lab_to_rgb(lab) + np.random.default_rng(5).normal(0, 1.0, (s, s, 3)).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    rig = EyeRig("left", np.stack([xs, upper_y], 1).tolist(), np.stack([xs, lower_y], 1).tolist(),
                 IrisFit((float(c[0]), float(c[1])), r, 0.0, 0.1, (60.0, 40.0, 30.0), 30.0), None,
                 (200.0, 180.0, 150.0), (72.0, 75.0))
    return eye_layers(img, rig)


def test_a_moved_iris_keeps_the_painted_lid_band():
    """The iris moved a radius toward where the lid is higher: its band under the lid no lighter
    (3 L: the canvas noise' and the lid edge's softening) and no more coloured than the painted
    band on the iris. Old code: 32.2 L over the painted 24.7 (+7.5, chroma 31.7 against 25.9: the
    amber rim); now 24.9, +0.2 (chroma 26.2); with the shadow's lift left as it was (x1.2 on
    this eye's lit lower iris) +4.2."""
    e = synthetic_eye()
    band, paint, _ = band_and_paint(e, np.array([-e.radius, 0.0]), right=-0.2)
    over = float(band[0] - paint[0])
    print(f"band {band.round(1)} C {np.hypot(*band[1:]):.1f}; painted {paint.round(1)} C {np.hypot(*paint[1:]):.1f}: {over:+.1f} L")
    assert over <= 3.0, over
    assert np.hypot(*band[1:]) <= np.hypot(*paint[1:]) + 3.0


@pytest.fixture(scope="module")
def mona_lisa_eye():
    """The bundled 900 px Mona Lisa's image-right eye (the face's left) and its shift at gaze -30."""
    from tests.crops import sample_rig

    eng = sample_rig("mona_lisa")
    k = [i for i, er in enumerate(eng.rig.eyes) if er.side == "left"][0]
    e = eng.eyes[k]
    pose = min(eng._poses, key=lambda q: abs(q.gaze_yaw + 30.0) + abs(q.gaze_pitch))
    t = eng.p.head_turn
    return e, eng._shift(e, pose.gaze_yaw - t * pose.head_yaw, pose.gaze_pitch - t * pose.head_pitch)


def test_the_mona_lisas_band_under_the_lid_at_minus_30(mona_lisa_eye):
    """Her image-right eye at gaze -30: the band under the upper lid over the moved iris no lighter
    (3 L) and no more coloured than her painted band on the iris (27.2 L, chroma 28.9). Old code:
    33.1 L (+5.9), chroma 35.4 (the amber rim); now 29.7 (+2.5), chroma 31.2."""
    e, shift = mona_lisa_eye
    band, paint, _ = band_and_paint(e, shift, right=0.0)
    over = float(band[0] - paint[0])
    print(f"band {band.round(1)} C {np.hypot(*band[1:]):.1f}; painted {paint.round(1)} C {np.hypot(*paint[1:]):.1f}: {over:+.1f} L")
    assert over <= 3.0, over
    assert np.hypot(*band[1:]) <= np.hypot(*paint[1:]) + 3.0


def almond_and_skin(e, shift: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The white revealed right of the moved iris (below the lid shadow's reach, from 1.1 radii
    right of the moved centre to the old iris' right edge) and the painted skin round that side
    of the orbit (:func:`sfumato.rig.orbit_shade.orbit` past the old iris' right edge): their
    median CIE L, and the frame's Lab (h, w, 3) and the almond's mask (h, w) bool."""
    from sfumato.rig.lids import opening
    from sfumato.rig.orbit_shade import orbit

    _, _, frame = band_and_paint(e, shift)
    paint = rgb_to_lab(e.image)
    up, lo = e.lids.at(e.u)
    shown = (up - e.v >= shadow_reach(e.lids, e.radius)) & (e.v - lo > 0.5)
    almond = shown & (e.u > e.rest[0] + shift[0] + 1.1 * e.radius) & (e.u < e.rest[0] + e.radius) & (e.u < e.lids.u[-1] - 1)
    skin = orbit(e.u, e.v, e.lids, opening(e.u, e.v, e.lids, e.edge), e.frame.half_width) & (e.u > e.rest[0] + e.radius)
    assert almond.sum() > 20 and skin.sum() > 20, (almond.sum(), skin.sum())
    return float(np.median(frame[almond][:, 0])), float(np.median(paint[skin][:, 0])), frame, almond


def test_the_mona_lisas_shaded_side_is_no_almond_at_minus_30(mona_lisa_eye):
    """Her image-right eye at gaze -30: the white revealed right of the moved iris, on the side she
    painted no white (her outer corner is iris and shade), no more than 6 L over the skin in the
    orbit's shade round that side (34.3 L): sfumato.rig.orbit_shade.OrbitShade.shaded caps that
    side's white at that skin as far as it is in deep shade, and the lit white gives way a quarter
    of the blend before the old iris' middle (sfumato.rig.white_fill.TAKEOVER). Old code
    (919d3a1): 50.8 L, +16.5 (the lighter almond; -21 / -13: +11.2 / +9.7); 5ea25b0 39.4, +5.1
    (-21 / -13: +1.8 / +0.8); now 35.6, +1.3, the corner no longer darkened again in that shade
    (sfumato.rig.sclera.corner_keep; tests/test_shaded_corner.py). The bound is what 5ea25b0
    reached, not the aim (no lighter than that skin): ending the lit white's blend at the middle reads +3.8 but takes FaceMesh's gaze range
    of her sweep under test_rig_engine's 0.5 (0.494)."""
    e, shift = mona_lisa_eye
    white, skin, _, _ = almond_and_skin(e, shift)
    print(f"almond {white:.1f} L, {white - skin:+.1f} over the skin round that side ({skin:.1f})")
    assert white - skin <= 6.0, (white, skin)
