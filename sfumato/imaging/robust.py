"""Robust spread: the standard deviation read from the median absolute deviation (MAD).

A painted white, a lash line or a row of second differences holds outliers (a lid line, a
crack, a highlight) that would swell a plain standard deviation; their MAD does not notice a few.
For normally distributed values ``NORMAL_MAD x MAD`` is the standard deviation.
``scipy.stats.median_abs_deviation(x, scale="normal")`` scales by 1 / Phi^-1(3/4) =
1.482602218505602 rather than 1.4826, which moves every value in its seventh digit (and, through
the thresholds that use it, could move a pixel of a bank): the project's 1.4826 is kept here.
"""

from __future__ import annotations

import numpy as np

NORMAL_MAD = 1.4826
"""A normal sample's standard deviation per unit of its median absolute deviation."""


def robust_sd(x: np.ndarray, axis: int | None = None, centre: float | np.ndarray | None = None) -> np.ndarray | np.floating:
    """``NORMAL_MAD`` x the median absolute deviation of ``x`` from ``centre``.

    Args:
        x: (...) array, any float dtype (the median is taken in its precision).
        axis: the axis to reduce (None: all of ``x``).
        centre: what the deviations are taken from: the median of ``x`` along ``axis`` when None;
            a scalar, or an array that broadcasts against ``x`` (e.g. (C,) for ``x`` (N, C),
            ``axis=0``).

    Returns:
        A numpy scalar (``axis`` None) or the array ``x`` reduced along ``axis``: the robust
        standard deviation in ``x``'s units, >= 0.
    """
    x = np.asarray(x)
    if centre is None:
        centre = np.median(x) if axis is None else np.median(x, axis, keepdims=True)
    return NORMAL_MAD * np.median(np.abs(x - centre), axis)
