"""How far the puppet's head may turn before its warp folds the picture over itself.

The weightless puppet turns the painting's head by moving the FaceMesh landmarks in 3-D and
warping the head square with one thin-plate spline (:class:`sfumato.rig.warp.ThinPlateWarp`,
its border pinned). Past some angle, which depends on the painting (how big the face is in the
square, how deep its landmarks are), the far cheek and the ear or hair beside it are squeezed
into less than nothing: the forward map folds (its Jacobian determinant goes negative) and the
picture shows a torn, mirrored copy of the ear and cheek in the hair (portrait_03 at 15 deg yaw).
A 2-D warp cannot hide a cheek behind the face's edge, so the turn is kept short of that:
:func:`turn_limits` finds, per painting and per direction, the largest yaw and pitch whose map
keeps its determinant at or above :data:`MIN_DET` everywhere.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from sfumato.rig.warp import ThinPlateWarp

MIN_DET = 0.3
"""Least area ratio (Jacobian determinant of the forward map, on the warp's grid) a head turn may
leave anywhere. portrait_03's ear tears visibly at 0.26 (8 deg yaw at 1280x720) and folds below 0;
the Mona Lisa at 8 deg reads 0.47 and looks right."""
BISECTIONS = 12
"""Bisection steps of :func:`turn_limits` (a 15 deg range to within 0.004 deg)."""


def min_jacobian(warp: ThinPlateWarp, displacements: np.ndarray) -> float:
    """The smallest Jacobian determinant of the warp's forward map x -> x + u(x) over its grid.

    Args:
        warp: the head square's thin-plate warp.
        displacements: (N, 2) float pixel offsets of its control points.

    Returns:
        1.0 for no motion; below 1 where the map squeezes the picture, <= 0 where it folds.
    """
    field = warp.forward_grid(displacements)
    step = (warp.size - 1) / (warp.grid_n - 1)
    dux_dy, dux_dx = np.gradient(field[..., 0], step)
    duy_dy, duy_dx = np.gradient(field[..., 1], step)
    return float(((1.0 + dux_dx) * (1.0 + duy_dy) - dux_dy * duy_dx).min())


def turn_limit(warp: ThinPlateWarp, move: Callable[[float], np.ndarray], top: float, floor: float = MIN_DET) -> float:
    """The largest angle in [0, ``top``] (degrees) whose displacements ``move(angle)`` ((N, 2)
    pixels) keep :func:`min_jacobian` >= ``floor``; ``top`` itself when it does (the usual case)."""
    if min_jacobian(warp, move(top)) >= floor:
        return float(top)
    lo, hi = 0.0, float(top)
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        if min_jacobian(warp, move(mid)) >= floor:
            lo = mid
        else:
            hi = mid
    return lo
