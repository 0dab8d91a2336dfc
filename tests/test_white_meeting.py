"""Two different whites either side of the iris (a lit and a shaded side, two paints) each run
on under the old iris to near its middle and meet there (sfumato.rig.white_fill.meet);
blended linearly across the whole iris, the lit side's light and hue reached the shaded side's
edge: the Mona Lisa's image-right white turned to the nose at -30 showed a lighter almond next to
the moved iris, portrait_03's grey outer white took the beige inner corner's hue. Repo only: the
synthetic lit / shaded eye of test_shaded_side_white; on ../shared: both paintings."""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.sclera import white_and_hole
from tests.test_shaded_side_white import shaded_eye

LIT_SHARE = 0.3
"""At most this share of the way from the shaded side's white to the lit side's under the old
iris' half toward the shaded side, on the synthetic eye. Blended linearly across the iris the lit
side keeps 0.2-0.35 there (0.3-0.6 radii from the centre) by construction; meeting at the middle
with half a radius of blend, 0-0.1; the shaded side's own darkening toward its corner (36 L at
0.5 radii, 30 at 0.9) adds about 0.15 to both: old code 0.38, now 0.23, the limit halfway."""

HUE_SHARE = 0.2
"""At most this share of the way from one paint's hue (b) to the other's under the old iris' half
toward it (portrait_03's grey outer white against its beige inner corner): linear 0.28, now 0.11."""


def _share(x: float, own: float, other: float) -> float:
    """How far ``x`` lies from ``own`` toward ``other``: 0 at ``own``, 1 at ``other``."""
    return (x - own) / (other - own)


def test_a_lit_white_does_not_light_the_shaded_half_of_the_old_iris():
    """The synthetic eye: the rebuilt white 0.3-0.6 radii into the old iris toward the shaded side
    between the shaded side's rebuilt white (0.8 radii on) and the lit painted white (1-1.3
    radii the other way). Old code 0.38 (45.4 L between 31.5 and 68.0); now 0.23 (39.0 L)."""
    img, frame, lids, u, v, inside, c, r = shaded_eye()
    base, hole = white_and_hole(img, lids, frame, u, v, inside, c, r, 1.0)
    lab = rgb_to_lab(base)
    xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]][1]
    seen = inside > 0.99
    x = xx - c[0]
    laid = seen & (hole > 0.5)
    half = laid & (x > 0.3 * r) & (x < 0.6 * r)
    shade, lit = laid & (x > 0.8 * r), seen & (x < -r) & (x > -1.3 * r)
    assert half.sum() > 20 and shade.sum() > 10 and lit.sum() > 10
    ls, ll, lh = (float(np.median(lab[m][:, 0])) for m in (shade, lit, half))
    share = _share(lh, ls, ll)
    print(f"shaded half {lh:.1f} L between shade {ls:.1f} and lit {ll:.1f}: share {share:.2f}")
    assert ll - ls > 10.0, (ll, ls)  # the eye has two whites
    assert share <= LIT_SHARE, share


def _half_toward_outer(name: str):
    from tests.crops import shared_eye_layers

    e = shared_eye_layers(name)
    x = e.xx - e.c[0]
    ring = e.seen & (e.d < e.r)
    return e, ring & (x > 0.2 * e.r) & (x < e.r), x


def test_portrait_03s_grey_white_keeps_its_hue_under_the_old_iris():
    """portrait_03's image-right eye: the rebuilt white over the old iris' outer half against its
    painted grey outer white (b ~0.5) and its beige inner white (b ~15): the share of the beige's
    b it takes. Old code 0.28 (b 4.8); now 0.11 (b 2.1)."""
    e, half, x = _half_toward_outer("portrait_03")
    grey = e.seen & (x > 1.05 * e.r) & (e.painted[..., 0] > 50.0)
    beige = e.seen & (x < -1.2 * e.r) & (e.painted[..., 0] > 50.0)
    assert half.sum() > 40 and grey.sum() > 5 and beige.sum() > 20
    b_half, b_grey, b_beige = (float(np.median(a[m][:, 2])) for a, m in ((e.base, half), (e.painted, grey), (e.painted, beige)))
    share = _share(b_half, b_grey, b_beige)
    print(f"outer half b {b_half:.1f}, grey {b_grey:.1f}, beige {b_beige:.1f}: share {share:.2f}")
    assert b_beige - b_grey > 8.0, (b_beige, b_grey)
    assert share <= HUE_SHARE, share
