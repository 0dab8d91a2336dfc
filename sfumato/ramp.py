"""The smooth ramp (smoothstep) the rig's fields and the live app's easings use, and the soft clip
(:func:`soft_limit`) the rig's eye range and the puppet's retargeting use."""

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


def unit_ramp(x: float | np.ndarray) -> np.float32 | np.ndarray:
    """:func:`smoothstep` from 0 to 1 as float32: ``x`` clipped to [0, 1], then 3x^2 - 2x^3 (the
    closed lid's soft edges and its grain). An array in gives a float32 array of its shape, a
    float a NumPy float32."""
    return smoothstep(0.0, 1.0, x).astype(np.float32)


def soft_limit(x: float, limit: float, knee: float = 0.6) -> float:
    """Strictly increasing soft clip of ``x`` into (-limit, limit): identity for |x| <= knee * limit."""
    if limit <= 0:
        return 0.0
    k, ax = knee * limit, abs(x)
    if ax <= k:
        return float(x)
    return float(np.sign(x) * (k + (limit - k) * np.tanh((ax - k) / (limit - k))))
