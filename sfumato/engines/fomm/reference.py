"""Choose the reference driving frame automatically.

FOMM's relative mode moves the painting by the *difference* between each driving frame and a
reference frame, so the reference must show the driver in the painting's own pose: then the
bank's frame at the reference is the painting as painted, and every other frame is the
painting moved by how far the driver moved. The reference is the frame whose FaceMesh
landmarks are closest to the painting's after normalising position and scale (not rotation:
the rotation *is* the pose being matched).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from sfumato.face.topology import N_MESH

"""FaceMesh points without the iris points: the face's shape."""


def normalise(landmarks: np.ndarray) -> np.ndarray:
    """Face shape without position and scale.

    Args:
        landmarks: (N >= 468, 2|3) float, x, y in any pixel scale.

    Returns:
        (468, 2) float64: x, y of the mesh points, centred on their mean and divided by their
        RMS distance from it.
    """
    pts = np.asarray(landmarks, np.float64)[:N_MESH, :2]
    pts = pts - pts.mean(axis=0)
    rms = float(np.sqrt((pts**2).sum(axis=1).mean()))
    if rms <= 0:
        raise ValueError("degenerate landmarks (all points coincide)")
    return pts / rms


def distances(source: np.ndarray, frames: Sequence[np.ndarray | None]) -> np.ndarray:
    """(T,) shape distance of each frame's landmarks to the source's: the RMS distance between the
    normalised shapes (0 = same shape and pose); inf where None."""
    ref = normalise(source)
    out = np.full(len(frames), np.inf)
    for i, lm in enumerate(frames):
        if lm is not None:
            out[i] = float(np.sqrt(((normalise(lm) - ref) ** 2).sum(axis=1).mean()))
    return out


def choose_reference(source: np.ndarray, frames: Sequence[np.ndarray | None]) -> int:
    """Index of the frame whose landmarks best match the source's (position and scale removed).

    Args:
        source: (478, 2|3) the painting's landmarks (any pixel scale).
        frames: per driving frame, (478, 2|3) landmarks or None (no face).

    Raises:
        ValueError: when no frame has landmarks.
    """
    d = distances(source, frames)
    if not np.isfinite(d).any():
        raise ValueError("no driving frame has landmarks")
    return int(np.argmin(d))
