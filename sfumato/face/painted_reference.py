"""The painted white the white measures compare with (:mod:`sfumato.face.revealed_white`): the
rig's colour model of the white (:func:`sfumato.rig.painted_white.painted_white`), but each side of
the iris painted with another paint its own.

This is the measure's rule, not the rig's. The rig takes a side's own model when the model of both
sides MISSED most of that side's white (:func:`sfumato.rig.painted_white.painted_white_sides`: a
count), or, since session 14, when that model lies :data:`sfumato.rig.painted_white.PAINT_FAR` of
its (a, b) spreads off and finds more pixels (a hue and a count, down to ``FAR_SHADE`` darker); the
measure when a side's own model is another paint (:data:`PAINT_HUE`: a hue, no darker than
``SIDE_SHADE``). On the 11 bench paintings they part on two sides: portrait_03's image-left beige
inner corner (the measure's own paint, not the rig's: the both-sides model finds none of it there,
so the rig keeps its white) and portrait_20's image-right outer side (the rig's own paint in its
shade, 15 L under the eye's white, past the measure's SIDE_SHADE); tests/test_paint_rules_agree.py
lists both (``PARTED``).

Arrays are ROI pixels: ``image`` (h, w, 3) float32 RGB in [0, 255], masks (h, w) bool.
"""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.painted_white import OWN_DARK, SIDE_SHADE, grown_white, hue_off, own_white, white_model

PAINT_HUE = 1.0
"""The measures' painted white (:func:`painted_white_paints`): a side's own model is another paint
when its (a, b) lie more than this many of the both-sides model's (a, b) spreads from that
model's, and it is no lighter than that model, nor darker than it by more than
:data:`~sfumato.rig.painted_white.SIDE_SHADE`. On the 11 paintings (the measure's painted lids and iris): portrait_03's
image-right grey outer white (1.38, 6.1 L darker) and image-left beige inner corner (2.20, 2.6 L
darker); every other side with a white of its own lit within :data:`~sfumato.rig.painted_white.SIDE_SHADE` reads 0.0-0.88
(portrait_20's image-left outer side the nearest) but portrait_13's image-left inner side (1.56,
10.0 L LIGHTER: a lighter white, whose shade toward the corner the both-sides model keeps and
its own model's :data:`~sfumato.rig.painted_white.OWN_DARK` would cut to 8 of 17 pixels).
Set on portrait_03 alone: any value in (0.88, 1.38) leaves the 11 banks' measures as they are."""
MIN_OWN = 12
"""A side's own-paint white replaces its both-sides white only with at least this many pixels
(the rig's :func:`sfumato.rig.sclera.white_and_hole` trusts a painted white from 12): fewer are a
sliver, and its pixels would leave the side's reference (a band under 3 pixels a side moves to
"other"). On portrait_03, the one bench painting where the rule fires, its sides hold 229 (the
image-left eye's beige inner corner) and 122 (the image-right eye's grey outer white): any
MIN_OWN up to 122 leaves the 11 banks' measures as they are."""


def painted_white_paints(
    image: np.ndarray, contour: np.ndarray, c: np.ndarray, r: float, sides: np.ndarray, lab: np.ndarray | None = None,
) -> np.ndarray:
    """The painted white as the white measures take it (:mod:`sfumato.face.revealed_white`,
    :mod:`sfumato.face.white_match`): (h, w) bool, :func:`~sfumato.rig.painted_white.painted_white`, but a side of the iris
    painted with another paint (its own model's hue :data:`PAINT_HUE` off the model of both sides,
    no lighter, and darker by at most :data:`~sfumato.rig.painted_white.SIDE_SHADE`) is that side's own model's white, none of it
    darker than :data:`~sfumato.rig.painted_white.OWN_DARK` of its spreads, as the rig takes a side the both-sides model
    missed (:func:`~sfumato.rig.painted_white.painted_white_sides`).

    One model for both sides takes a grey white's liner as white: below the model the white may be
    any darker (:data:`~sfumato.rig.painted_white.DARKER`, a white in shade) down to
    :data:`~sfumato.rig.painted_white.FLOOR`, and the grey liner is of
    the grey white's hue. portrait_03's image-right eye: of the 121 pixels the revealed white's
    reference held on its grey outer side, half were liner (p10 / p25 27.9 / 33.8 L; median 41.7
    where its light grey reads 56-57).

    Args:
        as :func:`~sfumato.rig.painted_white.painted_white` (``reach`` 0); sides: (h, w) bool, the pixels on one side of
        the iris, its complement the other.
    """
    return paint_sides(image, contour, c, r, sides, lab)[0]


def paint_sides(
    image: np.ndarray, contour: np.ndarray, c: np.ndarray, r: float, sides: np.ndarray, lab: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple[bool, bool]]:
    """:func:`painted_white_paints`, and whether each side (``sides``, then its complement) was
    taken as its own paint."""
    lab = rgb_to_lab(image) if lab is None else lab
    both = white_model(lab, contour, c, r)
    if both is None:
        return np.zeros(contour.shape, bool), (False, False)
    out = grown_white(lab, contour, c, r, 0.0, *both)
    model = both[0]
    fired = [False, False]
    for k, side in enumerate((sides, ~sides)):
        own = white_model(lab, contour & side, c, r)
        if own is None or not float(model.lab[0]) - SIDE_SHADE <= float(own[0].lab[0]) <= float(model.lab[0]):
            continue
        if hue_off(own[0], model) > PAINT_HUE:
            mine = own_white(lab, contour, c, r, 0.0, side, own)
            if mine.sum() >= MIN_OWN:  # a sliver is no side's white (review14 S1)
                out = (out & ~side) | mine
                fired[k] = True
    return out, (fired[0], fired[1])
