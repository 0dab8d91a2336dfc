"""The smooth ramp (smoothstep) the rig's fields and the live app's easings use."""

from __future__ import annotations

import numpy as np


def smoothstep(e0: float | np.ndarray, e1: float | np.ndarray, x: float | np.ndarray) -> float | np.ndarray:
    """0 at or below ``e0``, 1 at or above ``e1``, the cubic 3t^2 - 2t^3 between (GLSL's order).

    Args:
        e0, e1: the ramp's ends (floats, or arrays shaped like ``x``), ``e1`` > ``e0``; a ramp
            narrower than 1e-6 is taken as 1e-6 wide.
        x: a float or an array of any shape (float32 stays float32).

    Returns:
        The ramp at ``x`` in [0, 1]: a NumPy float for a float, else an array shaped like ``x``.
    """
    t = np.minimum(np.maximum((x - e0) / np.maximum(np.asarray(e1) - e0, 1e-6), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)
