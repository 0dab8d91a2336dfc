"""The head turn: FaceMesh landmarks rotated about a pivot behind the face and projected."""

from __future__ import annotations

import numpy as np

from sfumato.face.topology import N_MESH


def rotate_head(landmarks: np.ndarray, yaw_deg: float, pitch_deg: float, pivot_depth: float) -> np.ndarray:
    """Project the landmarks after turning the head.

    The head turns about a pivot at the landmarks' mean (x, y), ``pivot_depth`` face widths
    behind their mean depth. Positive yaw turns the face toward image +x (the nose tip moves
    right), positive pitch turns it up (the nose tip moves toward image -y).

    Args:
        landmarks: (N, 3) float x, y, z pixels (smaller z nearer the viewer).

    Returns:
        (N, 2) float64 projected x, y pixels (orthographic).
    """
    lm = np.asarray(landmarks, np.float64)
    mesh = lm[: min(len(lm), N_MESH)]
    width = float(np.ptp(mesh[:, 0]))
    pivot = np.array([mesh[:, 0].mean(), mesh[:, 1].mean(), mesh[:, 2].mean() + pivot_depth * width])
    p = lm - pivot
    yw, pt = np.radians(yaw_deg), np.radians(pitch_deg)
    # yaw about the vertical axis: x' = x cos - z sin (z < 0 in front of the pivot moves +x)
    x = p[:, 0] * np.cos(yw) - p[:, 2] * np.sin(yw)
    z = p[:, 0] * np.sin(yw) + p[:, 2] * np.cos(yw)
    # pitch about the horizontal axis: y' = y cos + z sin (the front moves toward -y)
    y = p[:, 1] * np.cos(pt) + z * np.sin(pt)
    return np.stack([x, y], 1) + pivot[:2]
