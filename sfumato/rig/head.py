"""The head turn: FaceMesh landmarks rotated about a pivot behind the face and projected;
head tilts (roll) in the image plane; and the window that keeps a small head motion on the head."""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.face.topology import FACE_OVAL, N_MESH
from sfumato.ramp import unit_ramp


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


def roll_points(points: np.ndarray, roll_deg: float, pivot: np.ndarray) -> np.ndarray:
    """Tilt points in the image plane about ``pivot``: positive roll turns them clockwise on
    screen (the top of the head toward image +x when the pivot is below it).

    Args:
        points: (N, 2) float x, y pixels. pivot: (2,) x, y pixels.

    Returns:
        (N, 2) float64.
    """
    a = np.radians(roll_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    p = np.asarray(points, np.float64)[:, :2]
    return (p - pivot) @ rot.T + np.asarray(pivot, np.float64)


def head_window(landmarks: np.ndarray, xy: np.ndarray, outer: float, inner: float = 1.15) -> np.ndarray:
    """How much of the head's motion each point takes: 1 on the head, 0 away from it.

    The face outline (FaceMesh's oval) is fitted with an ellipse; a point at normalised
    elliptical radius r takes all of the motion for r <= ``inner``, none for r >= ``outer``,
    and a smoothstep between, so the background and the shoulders stay where they are painted.

    Args:
        landmarks: (478, 3) or (468, 2+) FaceMesh landmarks, pixels.
        xy: (..., 2) float points, pixels.

    Returns:
        (...) float32 weights in [0, 1].
    """
    oval = np.asarray(landmarks, np.float32)[list(FACE_OVAL), :2].reshape(-1, 1, 2)
    (cx, cy), (ax, ay), angle = cv2.fitEllipse(oval)
    t = np.radians(angle)
    dx, dy = xy[..., 0] - cx, xy[..., 1] - cy
    u = (dx * np.cos(t) + dy * np.sin(t)) / max(ax / 2.0, 1.0)
    v = (-dx * np.sin(t) + dy * np.cos(t)) / max(ay / 2.0, 1.0)
    return unit_ramp((outer - np.hypot(u, v)) / max(outer - inner, 1e-6))
