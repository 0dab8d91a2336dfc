"""The painted eye opening over the iris: the upper lid raised to where the painted iris ends.

FaceMesh's upper contour often runs a few pixels below the painted lid line over the iris (an
old master's iris meets a soft lid skin, a human eye model expects a taller opening): the top of
the painted iris then lies outside the opening the rig renders in, so when the iris moves, that
strip of old iris stays painted above the rebuilt white, a dark band with a hard straight edge.

:func:`raise_over_iris` reads the painted iris' top column by column over the iris (where the
lightness climbs from the iris' to the lid skin's) and raises the upper lid there by a smooth
bump, as much as the columns agree on. A black run above the contour, darker than the iris, is a
lash line, not iris: there the lid stays. Arrays are ROI pixels; ``light`` (h, w) float32 CIE L.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import map_coordinates

from sfumato.rig.lids import EyeFrame, Lids

REACH = 0.35
"""The lid is raised by at most this many iris radii."""
LASH = 8.0
"""A run above the contour darker than the iris by more than this (L) is a lash line."""
CONTRAST = 8.0
"""Without this much lightness (L) between the iris and the lid skin above it nothing is read."""


def raise_over_iris(light: np.ndarray, frame: EyeFrame, lids: Lids, centre_uv: np.ndarray, r: float) -> np.ndarray:
    """How far (pixels, >= 0) to raise the upper lid at each of ``lids.u``.

    Args:
        light: (h, w) float32 CIE L of the ROI; frame: the eye frame; lids: FaceMesh's lids;
        centre_uv: (2,) the fitted iris centre, eye-frame (u, v); r: iris radius, pixels.

    Returns:
        (K,) float64, a smooth bump over the iris, zero where nothing is read.
    """
    none = np.zeros_like(lids.u, np.float64)
    uc, vc = float(centre_uv[0]), float(centre_uv[1])
    step = 0.5
    reach = REACH * r
    cols = np.arange(uc - 0.6 * r, uc + 0.6 * r + 1e-6, 1.0)
    cols = cols[(cols > lids.u[0] + 1) & (cols < lids.u[-1] - 1)]
    if cols.size < 3 or reach < 1.0:
        return none

    def sample(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        u, v = np.broadcast_arrays(u, v)
        xy = frame.to_xy(np.stack([u, v], -1))
        return map_coordinates(light, [xy[..., 1], xy[..., 0]], order=1, mode="nearest")

    v_up = np.interp(cols, lids.u, lids.upper)
    below = sample(cols[:, None], v_up[:, None] - np.arange(1.0, 0.5 * r, step)[None, :])
    iris_l = float(np.median(below))
    above = sample(cols[:, None], v_up[:, None] + reach + np.arange(0.0, 0.3 * r + step, step)[None, :])
    lid_l = float(np.median(above))
    if lid_l - iris_l < CONTRAST:
        return none
    mid = iris_l + 0.5 * (lid_l - iris_l)
    offs = np.arange(0.0, reach + step, step)
    run = sample(cols[:, None], v_up[:, None] + offs[None, :])  # (C, S) upward from the contour
    lifted = []
    for k in range(len(cols)):
        top = np.argmax(run[k] > mid) if (run[k] > mid).any() else len(offs)
        if top == 0:
            lifted.append(0.0)
            continue
        if np.median(run[k, :top]) < iris_l - LASH:  # black above the contour: a lash line
            lifted.append(0.0)
            continue
        disc_top = vc + np.sqrt(max(r * r - (cols[k] - uc) ** 2, 0.0)) - v_up[k]
        lifted.append(float(min(offs[top - 1] + 0.5 * step, max(disc_top, 0.0), reach)))
    lift = float(np.median(lifted))
    if lift < 0.5:
        return none
    bump = np.clip(1.0 - ((lids.u - uc) / (1.6 * r)) ** 2, 0.0, 1.0) ** 1.5
    return lift * bump
