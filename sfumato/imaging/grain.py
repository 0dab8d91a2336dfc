"""The fine texture of a set of pixels: how grainy it is, at the scale of single pixels.

A painting's grain (craquelure, canvas weave, brush hairs, JPEG blocks) is what a smooth fill
lacks. Measured as the robust spread of second differences (``x[i-1] - 2 x[i] + x[i+1]``, along
rows and along columns, wherever all three pixels lie in the set): a linear shading gradient
gives zero, no pixel outside the set (an iris rim, a lid line, a lash next to a sliver of eye
white) enters, and a sliver of white two or three pixels wide still counts along its length.
A Gaussian residual (the value minus its local mean over the set) was tried first: on the
thin slivers of white beside an iris its one-sided mean at the sliver's edge read the halo's
steep shading as grain, 2-3x the grain a viewer sees (portrait_14); a 3x3 Laplacian over the
set's interior found no interior in those slivers.
"""

from __future__ import annotations

import numpy as np

from sfumato.imaging.robust import robust_sd

MIN_SAMPLES = 12
"""Fewer second differences than this measure nothing (NaN)."""
SPECK_TYPICAL = 2.5
"""Painted white pixels beyond this many robust spreads of its median are no specks of it (a
lash or the dark rim caught at its edge: portrait_20's outer corner, L 67-99 in a 160-216 white).
Here because the rig's laid grain (:func:`sfumato.rig.white_grain.painted_specks`) and the
measure of it (:func:`sfumato.face.grain_match.speck_ratios`) must read the same specks."""


def second_differences(x: np.ndarray, region: np.ndarray, centred: bool = False) -> np.ndarray:
    """(K,) float32: the second differences of ``x`` ((h, w) float32) along rows and columns
    whose three pixels all lie in ``region`` ((h, w) bool); ``centred``: each direction's less
    its own median (a shading curved across a sliver of white, e.g. a corner darkening under
    the lid, adds the same offset to every difference across it: no grain)."""
    x = np.asarray(x, np.float32)
    rows = region[:, :-2] & region[:, 1:-1] & region[:, 2:]
    cols = region[:-2, :] & region[1:-1, :] & region[2:, :]
    d_rows = (x[:, :-2] - 2.0 * x[:, 1:-1] + x[:, 2:])[rows]
    d_cols = (x[:-2, :] - 2.0 * x[1:-1, :] + x[2:, :])[cols]
    if centred:
        d_rows, d_cols = (d - np.median(d) if d.size else d for d in (d_rows, d_cols))
    return np.concatenate([d_rows, d_cols]).astype(np.float32)


def fine_spread(x: np.ndarray, region: np.ndarray, centred: bool = False) -> tuple[float, int]:
    """Robust spread (:func:`sfumato.imaging.robust.robust_sd`) of :func:`second_differences` of
    ``x`` over ``region`` (each direction about its own median where ``centred``), and how many
    differences that is.

    Args:
        x: (h, w) float32, e.g. CIE L (0-100) or a luminance ratio; region: (h, w) bool;
        centred: see :func:`second_differences`.

    Returns:
        (spread in ``x``'s units, NaN with fewer than :data:`MIN_SAMPLES` differences; the count).
    """
    d = second_differences(x, region, centred)
    if d.size < MIN_SAMPLES:
        return float("nan"), int(d.size)
    return float(robust_sd(d)), int(d.size)


def typical(x: np.ndarray, region: np.ndarray, k: float = 3.0, floor: float = 4.0) -> np.ndarray:
    """(h, w) bool: the pixels of ``region`` whose value of ``x`` ((h, w) float32) lies within
    ``k`` robust spreads (at least ``floor``) of the region's median: a lid line, a lash or an
    iris rim caught in a set of eye white is no white, and its steps would read as grain."""
    vals = x[region]
    if vals.size < 4:
        return region
    med = float(np.median(vals))
    return region & (np.abs(x - med) <= max(floor, k * float(robust_sd(vals, centre=med))))


def speck_typical(lum: np.ndarray, region: np.ndarray) -> np.ndarray:
    """(h, w) bool: the pixels of a painted white ``region`` that can hold its specks, within
    :data:`SPECK_TYPICAL` robust spreads (at least 4 % of its median) of its median luminance
    (``lum`` (h, w) float32, 0-255): :func:`typical` as the rig and the speck measure read it."""
    vals = lum[region]
    level = max(float(np.median(vals)), 1.0) if vals.size else 1.0
    return typical(lum, region, SPECK_TYPICAL, 0.04 * level)


def speck_residual(x: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Each pixel of ``region`` against its neighbours: ``x`` over the median of the 3 x 3
    neighbourhood's pixels in ``region`` (itself included), minus 1; a dark speck is negative,
    a light one positive. A shading gradient or a one-sided edge of the set leaves nothing (the
    median of a ramp is its centre), where a Gaussian residual reads a sliver's shading as grain.

    Args:
        x: (h, w) float32, positive (a luminance); region: (h, w) bool.

    Returns:
        (K,) float32: the residuals of the pixels of ``region`` with at least 4 neighbours in it
        (row-major order of :func:`numpy.nonzero`).
    """
    x = np.asarray(x, np.float32)
    ys, xs, med = neighbour_median(x, region)
    return (x[ys, xs] / np.maximum(med, 1e-3) - 1.0).astype(np.float32)


def neighbour_median(x: np.ndarray, region: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pixel of ``region`` ((h, w) bool) with at least 4 neighbours in it: its row, its
    column and the median of ``x`` ((h, w) float32) over its 3 x 3 neighbourhood in ``region``
    (itself included): ((K,) int, (K,) int, (K,) float32), row-major order of :func:`numpy.nonzero`."""
    h, w = region.shape
    pad = np.pad(np.where(region, np.asarray(x, np.float32), np.nan), 1, constant_values=np.nan)
    stack = np.stack([pad[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)])
    ys, xs = np.nonzero(region)
    near = stack[:, ys, xs]
    ok = np.isfinite(near).sum(0) >= 5  # itself and at least 4 neighbours
    med = np.nanmedian(near[:, ok], axis=0) if ok.any() else np.zeros(0, np.float32)
    return ys[ok], xs[ok], med.astype(np.float32)
