"""Keypoint normalisation in NumPy/SciPy only (no torch), for the ONNX runtime and the model.

Keypoints: value (K, 2) or (B, K, 2) as (x, y) in [-1, 1]; jacobian (..., K, 2, 2).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from sfumato.fomm.errors import FommError


def inv2x2_np(m: np.ndarray) -> np.ndarray:
    """NumPy closed-form inverse of (..., 2, 2) matrices."""
    a, b, c, d = m[..., 0, 0], m[..., 0, 1], m[..., 1, 0], m[..., 1, 1]
    det = a * d - b * c
    out = np.empty_like(m)
    out[..., 0, 0], out[..., 0, 1] = d / det, -b / det
    out[..., 1, 0], out[..., 1, 1] = -c / det, a / det
    return out


def hull_area(points: np.ndarray) -> float:
    """Area of the convex hull of (K, 2) points (scipy ConvexHull ``volume`` in 2-D)."""
    try:
        return float(ConvexHull(np.asarray(points, dtype=np.float64)).volume)
    except QhullError as exc:
        raise FommError(f"FOMM: keypoints are degenerate, cannot compute their convex hull ({exc})") from exc


def adapt_movement_scale(kp_source_value: np.ndarray, kp_driving_initial_value: np.ndarray) -> float:
    """sqrt(hull area of source keypoints) / sqrt(hull area of initial driving keypoints).

    Both inputs (K, 2) (a leading batch axis of 1 is accepted and dropped).
    """
    src = np.asarray(kp_source_value).reshape(-1, 2)
    drv = np.asarray(kp_driving_initial_value).reshape(-1, 2)
    return float(np.sqrt(hull_area(src)) / np.sqrt(hull_area(drv)))


def normalize_kp_np(kp_source: Tuple[np.ndarray, np.ndarray],
                    kp_driving: Tuple[np.ndarray, np.ndarray],
                    kp_driving_initial: Tuple[np.ndarray, np.ndarray],
                    relative: bool = True,
                    adapt_scale: bool = True,
                    scale: float | None = None) -> Tuple[np.ndarray, np.ndarray, float]:
    """NumPy twin of :func:`normalize_kp` (float32 in/out); pass ``scale`` to reuse a cached one."""
    if scale is None:
        scale = adapt_movement_scale(kp_source[0], kp_driving_initial[0]) if adapt_scale else 1.0
    if not relative:
        return kp_driving[0], kp_driving[1], scale
    value = ((kp_driving[0] - kp_driving_initial[0]) * np.float32(scale) + kp_source[0]).astype(np.float32)
    jac = (kp_driving[1] @ inv2x2_np(kp_driving_initial[1])) @ kp_source[1]
    return value, jac.astype(np.float32), scale
