"""Dark specks of a hue the painted white lacks: greyer than the white round them.

A painted eye white's dark specks (paint, canvas, JPEG blocks) are darker than their neighbours
at about their chroma: on the bench paintings the median change of CIE chroma C* from a dark
speck's 3 x 3 neighbours to itself is -0.4..+2.1, and none is greyer by more than
:data:`GREYER`. A grain laid by scaling the fill's RGB darkens a speck toward black, which in
Lab lowers its chroma with its lightness: on a saturated white each dark speck is a grey dot in
a yellow field (portrait_20's image-left white: 88 % of its rebuilt dark specks greyer by more
than :data:`GREYER`, a C* median of -5.6; seen at 4x as blue-grey "dirt", review16 #11), which
neither the specks' darkness nor the white's fine contrast reads (*specks* dark 0.85 there).

:func:`greyer_specks` counts them in a set of pixels: the share of its dark specks (more than
:data:`DARK` L below the median of their neighbours in the set) that are also more than
:data:`GREYER` C* below those neighbours' median chroma.
"""

from __future__ import annotations

import numpy as np

from sfumato.imaging.grain import neighbour_median
from sfumato.imaging.lab import rgb_to_lab

DARK = 3.0
"""A dark speck: at least this much CIE L below the median of its 3 x 3 neighbours in the set
(about one just-noticeable difference and a half)."""
GREYER = 3.0
"""... greyer than them: at least this much CIE C* (chroma) below their median chroma."""
MIN_SPECKS = 10
"""Fewer dark specks than this measure nothing (NaN)."""


def greyer_specks(rgb: np.ndarray, region: np.ndarray) -> tuple[float, int]:
    """The share of the dark specks of ``region`` that are greyer than the pixels round them.

    Args:
        rgb: (h, w, 3) RGB in [0, 255] (float32 layers or uint8); region: (h, w) bool, the
            pixels read (a painted white, a rebuilt white).

    Returns:
        (the share in [0, 1] of the dark specks (:data:`DARK`) at least :data:`GREYER` C* below
        their neighbours' median chroma, NaN with fewer than :data:`MIN_SPECKS` dark specks; how
        many dark specks).
    """
    lab = rgb_to_lab(rgb)
    chroma = np.hypot(lab[..., 1], lab[..., 2]).astype(np.float32)
    ys, xs, light = neighbour_median(lab[..., 0], region)
    _, _, chroma_near = neighbour_median(chroma, region)
    dark = lab[ys, xs, 0] - light < -DARK
    if dark.sum() < MIN_SPECKS:
        return float("nan"), int(dark.sum())
    greyer = chroma[ys, xs][dark] - chroma_near[dark] < -GREYER
    return float(greyer.mean()), int(dark.sum())
