"""The rebuilt white is shaded under the upper lid as deep as the painted white beside the iris is,
in the painted shade's colour, and each side of the iris by its own white
(sfumato.rig.white_edge.match_lid_shade's ``near`` and ``paints``).

portrait_07's image-left white is in the lid's shadow: 55-75 L by the lower lid, 10-22 L from
halfway up, as dark as its iris (16 L). The lid shade counted only painted pixels lighter than a
floor a quarter of the way from the iris to the fill (there to keep lashes and the iris rim out),
so its upper bins had none, took the lit bins' ratio, clipped at 0.55, and both sides' pixels were
pooled (a ratio of medians that mixes the two sides' lights): the white revealed as the iris moved
was a flat plate up to the lid (tan at -30 degrees, grey at +21..+30). Repo only: a synthetic eye
painted that way; on ../shared: portrait_07 through the rig."""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.rig.lids import opening
from sfumato.rig.sclera import rebuild_white
from tests.almond import almond

GREY, GREY_SHADE = (62.0, 7.0, 4.0), (16.0, 8.0, 4.5)  # the inner white and its shade under the lid
CREAM, CREAM_SHADE = (72.0, 8.0, 9.0), (15.0, 17.0, 10.0)  # the outer white and its red-brown shade
IRIS = (16.0, 6.0, 8.0)


def shaded_eye():
    """(h, w, 3) float32 RGB eye: a grey white left of a dark iris and a cream white right of it,
    each lit by the lower lid and, within 2 iris radii of the iris, in the lid's shadow from
    halfway up (its shade as dark as the iris, its (a, b) the shade's; the corners lit up to the
    lid, so the fill from the white beyond the iris is lit there); and its frame, lids, u, v, iris
    centre, radius and t (0 on the lower lid, 1 on the upper)."""
    h, w = 64, 120
    frame, lids, u, v = almond(14.0, 12.0, h, w)
    up, lo = lids.at(u)
    t = np.clip((v - lo) / np.maximum(up - lo, 1.0), 0, 1).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    c, r = np.array([60.0, 31.0]), 11.0
    k = (np.clip((t - 0.45) / 0.1, 0.0, 1.0) * np.clip((2.4 * r - np.abs(xx - c[0])) / (0.4 * r), 0.0, 1.0))[..., None]
    left = np.float32(GREY) * (1 - k) + np.float32(GREY_SHADE) * k
    right = np.float32(CREAM) * (1 - k) + np.float32(CREAM_SHADE) * k
    lab = np.where((xx < c[0])[..., None], left, right).astype(np.float32)
    inside = opening(u, v, lids, 1.0) > 0.5
    lab[~inside] = (70.0, 14.0, 22.0)  # skin
    lab[np.hypot(xx - c[0], yy - c[1]) < r] = IRIS
    img = lab_to_rgb(lab) + np.random.default_rng(7).normal(0, 1.0, (h, w, 3)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.float32), frame, lids, u, v, c, r, t


def test_the_rebuilt_white_is_as_deep_in_shade_as_the_painted_white_beside_it():
    """Over the old iris' left (grey) half, in the top 0.3 of the opening (the painted white's
    16 L shade): the rebuilt white within 8 L of it; by the lower lid (t < 0.3) within 4 L of the
    lit grey. Old code 61.2 L under the lid (the floor left the top bins no pixel: a plate up to
    the lid), 63.8 by the lower lid; now 17.8 and 65.1."""
    img, frame, lids, u, v, c, r, t = shaded_eye()
    inside = opening(u, v, lids, 1.0)
    out = rgb_to_lab(rebuild_white(img, lids, frame, u, v, inside, c, r, 1.0))
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    half = (inside > 0.99) & (np.hypot(xx - c[0], yy - c[1]) < r) & (xx < c[0] - 0.3 * r)
    top, low = half & (t > 0.7), half & (t < 0.3)
    assert top.sum() >= 8 and low.sum() >= 8, (top.sum(), low.sum())
    under, by = float(np.median(out[top][:, 0])), float(np.median(out[low][:, 0]))
    print(f"rebuilt under the lid {under:.1f} L (painted {GREY_SHADE[0]}), by the lower lid {by:.1f} L (painted {GREY[0]})")
    assert under < GREY_SHADE[0] + 8.0, under
    assert abs(by - GREY[0]) < 4.0, by


def test_a_deep_shade_takes_the_painted_shades_colour():
    """Over the old iris' right (cream) half under the lid (t > 0.75): the rebuilt white's (a, b)
    within 5 of the painted red-brown shade's, not the lit cream's (kept at 20 L: a dark olive
    band). Old code 9.3 away, now 2.6."""
    assert cream_shade_off(*shaded_eye()) < 5.0


def cream_shade_off(img, frame, lids, u, v, c, r, t) -> float:
    """How far the white rebuilt in ``img`` (:func:`shaded_eye`'s arguments) over the old iris'
    cream half under the lid (t > 0.75) lies from the painted red-brown shade: CIE (a, b) distance
    of its median."""
    inside = opening(u, v, lids, 1.0)
    out = rgb_to_lab(rebuild_white(img, lids, frame, u, v, inside, c, r, 1.0))
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    top = (inside > 0.99) & (np.hypot(xx - c[0], yy - c[1]) < r) & (xx > c[0] + 0.3 * r) & (t > 0.75)
    assert top.sum() >= 6, top.sum()
    ab = np.median(out[top][:, 1:], 0)
    off = float(np.hypot(*(ab - np.float32(CREAM_SHADE[1:]))))
    print(f"rebuilt (a, b) under the lid {ab.round(1)}, painted shade {CREAM_SHADE[1:]}: {off:.1f} apart")
    return off


def test_a_white_lit_to_the_lid_is_not_darkened():
    """The same eye lit at every height (no shade): the rebuilt white under the lid within 4 L of
    the painted grey (the new rule darkens only with painted darks of the white's hue beside the
    iris; old and new code alike)."""
    h, w = 64, 120
    frame, lids, u, v = almond(14.0, 12.0, h, w)
    up, lo = lids.at(u)
    t = np.clip((v - lo) / np.maximum(up - lo, 1.0), 0, 1)
    yy, xx = np.mgrid[0:h, 0:w]
    c, r = np.array([60.0, 31.0]), 11.0
    lab = np.empty((h, w, 3), np.float32)
    lab[:] = GREY
    inside = opening(u, v, lids, 1.0)
    lab[inside <= 0.5] = (70.0, 14.0, 22.0)
    lab[np.hypot(xx - c[0], yy - c[1]) < r] = IRIS
    img = np.clip(lab_to_rgb(lab) + np.random.default_rng(8).normal(0, 1.0, (h, w, 3)).astype(np.float32), 0, 255)
    out = rgb_to_lab(rebuild_white(img.astype(np.float32), lids, frame, u, v, inside, c, r, 1.0))
    top = (inside > 0.99) & (np.hypot(xx - c[0], yy - c[1]) < r) & (t > 0.7)
    assert top.sum() >= 8
    assert abs(float(np.median(out[top][:, 0])) - GREY[0]) < 4.0, np.median(out[top][:, 0])


def test_portrait_07_image_left_white_is_shaded_under_the_lid():
    """portrait_07's image-left eye (the face's right): over each half of the old iris, the rebuilt
    white in the top third of the opening at most :data:`P07_OVER` L lighter than the painted white
    beside the iris on that side at the same place between the lids (1.1-1.6 radii out, its shade
    included). Old code +23.3 / +30.4 L over it (a plate: 38.2 / 43.9 L against 14.9 / 13.5), now
    +6.1 / +14.1."""
    from tests.crops import shared_eye_layers

    s = shared_eye_layers("portrait_07", "right")
    e, c, r, xx, d, seen = s.layers, s.c, s.r, s.xx, s.d, s.seen
    up, lo = e.lids.at(e.u)
    t = (e.v - lo) / np.maximum(up - lo, 1.0)
    light, base = s.painted[..., 0], s.base[..., 0]
    over = {}
    for name, side in (("left", xx < c[0] - 0.3 * r), ("right", xx > c[0] + 0.3 * r)):
        top = seen & side & (t > 0.67)
        rebuilt = float(np.median(base[top & (d < 0.8 * r)]))
        painted = float(np.median(light[top & (d > 1.1 * r) & (d < 1.6 * r)]))
        print(f"{name}: rebuilt {rebuilt:.1f} L, painted beside {painted:.1f} L")
        over[name] = rebuilt - painted
    assert max(over.values()) < P07_OVER, over


P07_OVER = 15.0
"""Not closer: the bins are smoothed across their neighbours (no step between bins) and the right
side's paint falls 47 -> 22 -> 10 L over the top half of the opening (its top bin 0.17 of the fill,
under :data:`sfumato.rig.white_edge.DARK_SHADE`), so the top third keeps some of the light below it."""


def test_a_deep_shade_keeps_its_colour_where_a_side_leans():
    """The eye of :func:`shaded_eye` with its grey side's white a sliver (1.1-1.2 iris radii from
    the iris, beyond it a dark lid-coloured corner): that side has few samples and leans on the
    cream side's hue (:func:`sfumato.rig.white_fill.lean_shares`, 0.79). The lean replaced the
    shaded white's (a, b) with the unshaded fill's, the red-brown of the cream's deep shade under
    the lid with them: over the old iris' cream half under the lid (t > 0.75) 9.4 from the painted
    shade's (a, b) (the cream's own hue at 20 L: an olive band); the lean now carries only its own
    change of hue: 2.8 (as with no lean, 2.6-2.9)."""
    img, frame, lids, u, v, c, r, t = shaded_eye()
    lab = rgb_to_lab(img)
    xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]][1]
    lab[(opening(u, v, lids, 1.0) > 0.5) & (xx < c[0] - 1.2 * r)] = (40.0, 16.0, 20.0)
    img = np.clip(lab_to_rgb(lab), 0, 255).astype(np.float32)
    assert cream_shade_off(img, frame, lids, u, v, c, r, t) < 5.0


def test_portrait_07_image_left_shade_keeps_its_colour():
    """portrait_07's image-left eye, whose grey outer side leans on the cream side's hue (0.975):
    over the old iris' inner (image-right) half in the top third of the opening (t > 0.67), the
    rebuilt white's (a, b) within :data:`P07_AB` of the painted opening beside the iris there
    (1.1-1.6 radii out), its red-brown shade. Old code 7.6 apart ((8.5, 14.6) against (15.5,
    11.6): the lean put back the lit cream's hue at 27 L, an olive band), now 5.4."""
    from tests.crops import shared_eye_layers

    s = shared_eye_layers("portrait_07", "right")
    e, c, r, xx, d, seen = s.layers, s.c, s.r, s.xx, s.d, s.seen
    up, lo = e.lids.at(e.u)
    t = (e.v - lo) / np.maximum(up - lo, 1.0)
    top = seen & (xx > c[0] + 0.3 * r) & (t > 0.67)
    rebuilt = np.median(s.base[top & (d < 0.8 * r)][:, 1:], 0)
    painted = np.median(s.painted[top & (d > 1.1 * r) & (d < 1.6 * r)][:, 1:], 0)
    off = float(np.hypot(*(rebuilt - painted)))
    print(f"rebuilt (a, b) {rebuilt.round(1)}, painted {painted.round(1)}: {off:.1f} apart")
    assert off < P07_AB, off


P07_AB = 6.0
"""bench_rig's *revealed dE ab* target. Not closer: the deep shade's hue is blended in only as far as
its shade lies under :data:`sfumato.rig.white_edge.SHADE_RANGE` (the top third's lower part keeps
some of the fill's own hue)."""
