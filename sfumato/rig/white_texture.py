"""The painted white's own fine texture, laid where the white is rebuilt.

A painted eye white is a few dozen to two hundred pixels beside the iris; its fine texture
(JPEG blocks, a brush's light strokes, canvas weave) is its luminance over its own local mean.
:func:`own_texture` copies that residual, whole pixels, in small square blocks drawn from the
painted white of the same eye (each block turned or mirrored at random: eight variants of each
source, so a small white does not repeat into a visible pattern) over the pixels to rebuild.
The skin ring's blocks given the painted white's speck values by rank
(:func:`sfumato.rig.white_grain.match_quantiles`) came out at 0.2-0.75 of the painted white's
fine contrast (bench_rig's grain column 0.24-0.59 on 7 of 10 paintings at 7f586c6): a painted
white whose specks are mostly zero with a few light strokes (portrait_03's grey white) maps a
pixel-fine skin grain onto mostly zeros.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.grain import speck_typical
from sfumato.imaging.robust import robust_sd
from sfumato.rig.white_fill import masked_blur

SIZES = (4, 3, 2, 1)
"""Block sides tried, pixels, largest first: the largest with at least :data:`MIN_SOURCES`
source positions wholly in the painted white's calm pixels (a white of 25 px, portrait_20's
image-right eye, lends single pixels)."""
MIN_SCALE = 1.6
"""Blocks of 2 px and more carry the residual over a local mean of at least this many pixels:
over the caller's grain scale (0.8-1.2 px on most paintings) a 2 x 2 JPEG block is half its own
mean, and a synthetic white of such blocks was laid at 0.66-0.89 of its fine contrast
(0.72-1.00 with this). No wider: over twice the caller's scale (3.8 px on portrait_17) its
shading, cut into 4 px blocks, mottled a smooth white. Single pixels keep the caller's scale:
a wider mean's shading, scattered pixel by pixel, is no grain of the white (portrait_20's
image-right white read 1.41x its painted white's fine contrast on the rig's layers against 1.07)."""
FEATURE = 3.0
"""A residual beyond this many of its robust spreads is a step (a lash tip, a liner's edge, the
meeting of two paints), not grain: no block is drawn over it or next to it."""
MIN_SOURCES = 12
"""Fewer source positions than this (times 8 turns) repeat into a pattern (and fewer typical
pixels measure no spread): the caller lays the skin ring's texture instead."""


def white_residual(lum: np.ndarray, painted: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The painted white's fine texture: each of its typical pixels' luminance over the local
    mean of those pixels (a Gaussian of ``scale`` px over them only), minus 1.

    Args:
        lum: (h, w) float32 luminance in [0, 255]; painted: (h, w) bool, the painted white;
        scale: the local mean's Gaussian, pixels.

    Returns:
        ((h, w) float32 residual ratio, zero off the source; (h, w) bool the source: the
        painted white's typical pixels, :func:`sfumato.imaging.grain.speck_typical`, off a lash
        or iris rim caught at its edge).
    """
    source = speck_typical(lum, painted) if painted.any() else painted
    mean, _ = masked_blur(lum, source.astype(np.float32), scale)
    res = np.where(source, lum / np.maximum(mean, 1.0) - 1.0, 0.0).astype(np.float32)
    return res, source


def block_positions(source: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """The largest block side of :data:`SIZES` with at least :data:`MIN_SOURCES` top-left
    corners whose block lies wholly in ``source`` ((h, w) bool), and those corners (ys, xs);
    side 0 and no corners when even the smallest has too few."""
    h, w = source.shape
    for b in SIZES:
        whole = cv2.erode(source.astype(np.uint8), np.ones((b, b), np.uint8), anchor=(0, 0),
                          borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
        ys, xs = np.nonzero(whole)
        ok = (ys <= h - b) & (xs <= w - b)
        if ok.sum() >= MIN_SOURCES:
            return b, ys[ok], xs[ok]
    return 0, np.zeros(0, int), np.zeros(0, int)


def turned(block: np.ndarray, k: int) -> np.ndarray:
    """``block`` ((b, b) float32) in the k-th (0-7) of its eight turns and mirrors."""
    out = np.rot90(block, k % 4)
    return np.ascontiguousarray(out.T if k >= 4 else out)


def own_texture(
    lum: np.ndarray, painted: np.ndarray, need: np.ndarray, scale: float, rng: np.random.Generator,
) -> np.ndarray | None:
    """The painted white's residual (:func:`white_residual`, over a local mean of at least
    :data:`MIN_SCALE` px for blocks of 2 px and more) laid over ``need`` in whole-pixel blocks
    (:func:`block_positions`), each drawn at random from the painted white's calm pixels (none
    within a pixel of a residual beyond :data:`FEATURE` robust spreads) and turned
    (:func:`turned`); a brick offset of half a block on every other row of blocks breaks the grid.

    Args:
        lum: (h, w) float32 luminance in [0, 255]; painted: (h, w) bool, the painted white of
        this eye; need: (h, w) bool, where the texture is laid; scale: the residual's local
        mean, pixels; rng: the caller's seeded generator (a bank built twice is the same bank).

    Returns:
        (h, w) float32 residual ratio over ``need`` (zero elsewhere), or None when the painted
        white holds too few blocks.
    """
    res, source = white_residual(lum, painted, max(scale, MIN_SCALE))
    if source.sum() < MIN_SOURCES:
        return None
    # no block holding a step (a lash tip, a liner's edge, the meeting of two paints) or next to one
    step = np.abs(res) > FEATURE * robust_sd(res[source])
    calm = source & ~(cv2.dilate(step.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    # off its rim where that gives blocks as large: a one-sided local mean there reads the lid's
    # and the iris' shading as grain, laid across the plate as mottling (portrait_17's smooth
    # white); single pixels of a calm interior lose the grain of a small white (portrait_11)
    inner = cv2.erode(source.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
    b, ys, xs = block_positions(calm & inner)
    rim = block_positions(calm)
    if rim[0] > b:
        b, ys, xs = rim
    if not b:
        return None
    if b == 1:
        res = white_residual(lum, painted, scale)[0]
    h, w = lum.shape
    tex = np.zeros((h, w), np.float32)
    for row, y in enumerate(range(-b, h, b)):
        shift = (b // 2) * (row % 2)
        for x in range(-b + shift, w, b):
            y0, x0, y1, x1 = max(y, 0), max(x, 0), min(y + b, h), min(x + b, w)
            if y1 <= y0 or x1 <= x0 or not need[y0:y1, x0:x1].any():
                continue
            k, turn = int(rng.integers(0, ys.size)), int(rng.integers(0, 8))
            block = turned(res[ys[k]:ys[k] + b, xs[k]:xs[k] + b], turn)
            tex[y0:y1, x0:x1] = block[y0 - y:y1 - y, x0 - x:x1 - x]
    return np.where(need, tex, 0.0).astype(np.float32)
