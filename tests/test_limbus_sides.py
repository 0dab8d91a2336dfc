"""An iris painted sharp on one side and soft on the other keeps both when it moves (issue #8).

portrait_20's irises are painted with a hard edge on one side and a soft one on the other; the
rig drew the moved iris with one width per eye (the median over the rays where white shows), so
its sharp side came out blurred and its soft side too hard. Since limbus20 the width is read per
direction (:func:`sfumato.rig.limbus.width_by_direction`) and the alpha drawn with it
(:func:`sfumato.rig.limbus.soft_disc`).

The measure: :func:`sfumato.rig.limbus.ray_fits` on the painting around the painted iris and on
:func:`sfumato.rig.eye.render_eye`'s output around the moved iris (0.5 and 0.8 iris radii either
way along the eye's axis: past the travel where the painted surround is carried, so the edge is
the alpha's over the rebuilt white), the median width of the rays pointing image-left and of
those pointing image-right, over the shifts.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfc

from sfumato.imaging.lab import lab_to_rgb
from sfumato.rig.eye import eye_layers, render_eye
from sfumato.rig.iris import lightness
from sfumato.rig.lids import opening
from sfumato.rig.limbus import RISE, ray_fits
from sfumato.rig.model import EyeRig, IrisFit
from tests.crops import shared_rig

SHIFTS = (-0.8, -0.5, 0.5, 0.8)
"""Iris travel along the eye's axis, iris radii."""
SHARP, SOFT = 0.9, 4.0
"""The synthetic iris' painted 10-90% edge widths, pixels: image-right side and image-left side."""


def side_widths(light: np.ndarray, inside: np.ndarray, centre: np.ndarray, radius: float) -> tuple[float, float]:
    """The median edge width (pixels) of the kept rays pointing image-left and image-right (NaN
    with fewer than 3 that side): ``light`` (h, w) CIE L, ``inside`` (h, w) in [0, 1]."""
    angles, widths, _ = ray_fits(light, inside, centre, radius)
    out = []
    for keep in (np.cos(angles) < 0, np.cos(angles) > 0):
        out.append(float(np.median(widths[keep])) if keep.sum() >= 3 else float("nan"))
    return out[0], out[1]


def rendered_sides(e) -> tuple[tuple[float, float], tuple[float, float], list[tuple[float, float]]]:
    """(painted sides, rendered sides: the median over :data:`SHIFTS`, each shift's) of one eye's
    layers, pixels (image-left, image-right)."""
    inside = opening(e.u, e.v, e.lids, 1.0)
    painted = side_widths(lightness(e.image), inside, e.frame.to_xy(e.rest), e.radius)
    each = []
    for s in SHIFTS:
        shift = np.array([s * e.radius, 0.0])
        each.append(side_widths(lightness(render_eye(e, shift)), inside, e.frame.to_xy(e.rest + shift), e.radius))
    rendered = tuple(float(np.nanmedian([x[k] for x in each])) for k in (0, 1))
    return painted, rendered, each


def two_sided_eye(sharp: float = SHARP, soft: float = SOFT):
    """A synthetic painted eye: a warm white, a dark brown iris (radius 13) whose edge against
    the white is an error function ``soft`` px wide (10-90%) on its image-left side and ``sharp``
    on its image-right side (linear in the cosine of the direction between, +-0.3), the lids
    over its top and bottom a little; pixel noise 1.0. Its :class:`sfumato.rig.eye.EyeLayers`."""
    s, r = 200, 13.0
    c = np.array([100.0, 100.0])
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32)
    xs = np.linspace(40.0, 160.0, 25)
    t = (xs - 100.0) / 60.0
    upper_y, lower_y = 100.0 - 16.0 * (1 - t * t), 100.0 + 17.0 * (1 - t * t)
    inside = (yy > np.interp(xx, xs, upper_y)) & (yy < np.interp(xx, xs, lower_y)) & (xx > 40) & (xx < 160)
    d = np.hypot(xx - c[0], yy - c[1])
    width = np.interp(np.cos(np.arctan2(yy - c[1], xx - c[0])), [-0.3, 0.3], [soft, sharp])
    a = (0.5 * erfc((d - r) / (np.sqrt(2.0) * width / RISE)))[..., None]
    lab = np.empty((s, s, 3), np.float32)
    lab[:] = (58.0, 10.0, 30.0)  # skin
    eye = np.float32((78.0, 2.0, 12.0)) * (1 - a) + np.float32((28.0, 12.0, 20.0)) * a
    lab[inside] = eye[inside]
    img = lab_to_rgb(lab) + np.random.default_rng(7).normal(0, 1.0, (s, s, 3)).astype(np.float32)
    rig = EyeRig("left", np.stack([xs, upper_y], 1).tolist(), np.stack([xs, lower_y], 1).tolist(),
                 IrisFit((float(c[0]), float(c[1])), r, 0.0, 0.1, (70.0, 50.0, 40.0), 45.0), None,
                 (210.0, 195.0, 180.0), (78.0, 80.0))
    return eye_layers(np.clip(img, 0, 255).astype(np.uint8), rig)


def test_sharp_side_stays_sharp_and_soft_side_soft():
    """Repo only. The painted sides read 3.97 | 0.87 px. Main (one width per eye, the median over
    all rays, 2.6 px, drawn all round and warped bilinear) rendered them 3.34 | 2.64: the sharp
    side 3.0x too soft. Now 3.67 | 0.95 (the soft side drawn at most
    :data:`sfumato.rig.limbus.SPREAD` times the median, 3.2 px; the rebuilt white beside it adds a
    little). Each side within 0.75..1.35 of its painted width: the measure reads a known edge
    within 10 %, the foreshortening at 0.8 radii narrows the edge along the axis by about 5 %, and
    the soft side is held to SPREAD."""
    e = two_sided_eye()
    painted, rendered, each = rendered_sides(e)
    print("painted", np.round(painted, 2), "rendered", np.round(rendered, 2), "each", np.round(each, 2).tolist())
    assert painted[0] > 3.0 and painted[1] < 1.2, painted  # the painting is what the case is about
    for k in (0, 1):
        assert 0.75 <= rendered[k] / painted[k] <= 1.35, (k, painted, rendered, each)
    assert rendered[0] > 2.5 * rendered[1], (painted, rendered)


def test_one_sided_iris_is_drawn_as_before():
    """An iris painted alike all round (2.5 px both sides) is drawn alike all round: each side
    within 0.8..1.25 of its painted width, the two sides within 25 % of each other (2.68 | 2.68
    over 2.49 | 2.50 painted; main 2.83 | 2.82)."""
    e = two_sided_eye(2.5, 2.5)
    painted, rendered, each = rendered_sides(e)
    print("painted", np.round(painted, 2), "rendered", np.round(rendered, 2))
    for k in (0, 1):
        assert 0.8 <= rendered[k] / painted[k] <= 1.25, (k, painted, rendered, each)
    assert abs(rendered[0] - rendered[1]) < 0.25 * max(rendered), rendered


def test_portrait_20_sharp_side_stays_sharp():
    """portrait_20's image-right iris (../shared): painted 3.45 px on its image-left side and
    0.83 px on its image-right side. Main rendered them 3.96 | 2.47 moved (its sharp side 3.0x
    too soft: 2.47 / 2.60 at -0.8 / -0.5 radii); now 4.00 | 1.05. The sharp side at most 1.5x its
    painted width (it stays a little wider: the directions along the axis, where the painting
    shows no white, take their width between the sharp rays down-right and the soft ones
    down-left), the soft side at least 0.8x."""
    eng = shared_rig("portrait_20")
    e = max(eng.eyes, key=lambda x: x.x0)  # the image-right eye
    painted, rendered, each = rendered_sides(e)
    print("painted", np.round(painted, 2), "rendered", np.round(rendered, 2), "each", np.round(each, 2).tolist())
    assert painted[0] > 2.5 and painted[1] < 1.2, painted
    assert rendered[1] <= 1.5 * painted[1], (painted, rendered, each)
    assert rendered[0] >= 0.8 * painted[0], (painted, rendered, each)
