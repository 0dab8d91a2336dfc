"""The painting's own skin colours by lightness, and a seamless fill that shades in them.

A painter darkens skin into its shadows along the painting's own palette (a warm tan into a
red-brown, a pink into a mauve), not by taking the same amount off R, G and B. A seamless fill
(:func:`sfumato.rig.seamless.seamless_fill`) matched to a darker edge does exactly that to its
guide: on portrait_20's inner lid, a tan lid pulled down toward the dark orbit turned khaki,
a blue-grey cast against the red-brown skin round it. :func:`palette_fill` so fills CIE
lightness first, then gives each pixel the colour the skin round the eye has at that lightness
(:func:`skin_palette`), the edge's own colour carried in by a second fill of (a, b).

Images are (h, w, 3) float32 RGB in [0, 255]; masks (h, w) bool.
"""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.rig.seamless import seamless_fill

STEP = 4.0
"""The palette's lightness bins are this many CIE L wide (a skin's hue drifts slowly with its
light; narrower bins hold too few pixels on a small eye). Chosen by hand once, by that reasoning,
and looked at on portrait_20 and portrait_13's lids (e044aa9); not swept, no held-out set ..."""
MIN_PIXELS = 12
"""... and a bin needs at least this many pixels (fewer: interpolated from its neighbours): enough
for a median that one lash or crack pixel does not move. A fixed count, not a share, so a large
painting's lid keeps more (thinner) bins; chosen by hand with :data:`STEP` (e044aa9), not swept."""


def skin_palette(lab: np.ndarray, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The median CIE (a, b) of ``where``'s pixels of ``lab`` ((h, w, 3) Lab) by lightness:
    ((k,) bin centres in L, (k, 2) (a, b)), bins of :data:`STEP` with at least
    :data:`MIN_PIXELS` pixels; empty arrays when there are none."""
    px = lab[where]
    if px.shape[0] < MIN_PIXELS:
        return np.zeros(0, np.float32), np.zeros((0, 2), np.float32)
    low = np.floor(px[:, 0].min() / STEP) * STEP
    k = np.floor((px[:, 0] - low) / STEP).astype(np.int64)  # bin [low + i STEP, low + (i + 1) STEP)
    centres, ab = [], []
    for i in range(int(k.max()) + 1):  # the top pixel in a bin too (one exactly on an edge opens the next)
        sel = k == i
        if sel.sum() >= MIN_PIXELS:
            centres.append(float(np.median(px[sel, 0])))
            ab.append(np.median(px[sel, 1:], 0))
    return np.array(centres, np.float32), np.array(ab, np.float32).reshape(-1, 2)


def palette_ab(light: np.ndarray, palette: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The palette's (a, b) at each lightness of ``light`` ((...) L): (..., 2) float32,
    interpolated, the ends held."""
    centres, ab = palette
    return np.stack([np.interp(light, centres, ab[:, k]) for k in range(2)], -1).astype(np.float32)


def along_palette(light: np.ndarray, ref: np.ndarray, palette: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The (a, b) a colour ``ref`` ((3,) CIE Lab) takes when shaded to each lightness of ``light``
    ((...) L) as the painting's own colours shade: its (a, b) moved as the ``palette``'s move from
    its lightness to that one (a warm tan into a red-brown), not kept (a dimmed yellow, greener
    than any paint round it) nor scaled with RGB (a grey). (..., 2) float32; with fewer than two
    palette bins ``ref``'s own (a, b) everywhere."""
    ab = np.broadcast_to(np.asarray(ref[1:], np.float32), np.shape(light) + (2,)).astype(np.float32)
    if palette[0].size < 2:
        return ab
    return (ab + palette_ab(light, palette) - palette_ab(np.float32(ref[0]), palette)).astype(np.float32)


def palette_fill(guide: np.ndarray, edge: np.ndarray, hole: np.ndarray, skin: np.ndarray,
                 side: np.ndarray | None = None) -> np.ndarray:
    """:func:`~sfumato.rig.seamless.seamless_fill` of ``hole`` (guide ``guide``, matched to
    ``edge``, cut ``side``) whose colours are the palette of ``skin`` ((h, w) bool, pixels of
    ``edge`` that are skin): the guide's lightness filled first, then (a, b) with, as guide,
    the palette's (a, b) at the filled lightness (the edge's own (a, b) carried in as the fill
    does; the guide's own hue, a mix of the fold's and the cheek's, kept its deviation from the
    skin round it: portrait_13's mauve lids). With too few skin pixels for a palette, the plain
    RGB fill.

    Returns:
        (h, w, 3) float32 RGB: ``edge`` outside ``hole``.
    """
    lab_e = rgb_to_lab(edge)
    palette = skin_palette(lab_e, skin & ~hole)
    if palette[0].size < 2:
        return seamless_fill(guide, edge, hole, side=side)
    lab_g = rgb_to_lab(guide)
    light = seamless_fill(lab_g[..., :1], lab_e[..., :1], hole, side=side)[..., 0]
    ab = seamless_fill(palette_ab(light, palette), lab_e[..., 1:], hole, side=side)
    out = lab_to_rgb(np.concatenate([light[..., None], ab], -1))
    return np.where(hole[..., None], out, edge).astype(np.float32)
