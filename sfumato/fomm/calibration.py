"""Calibration and evaluation data for the int8 fast mode: real face crops and head motion.

FOMM sees a 256x256 head crop. Calibration (static int8 ranges) must see what the model
sees live: a face crop of a real face or painting as the source, and a driving clip of a
moving head. :func:`face_crop` cuts the head square out of an image with BlazeFace;
:func:`head_motion_clip` turns a crop into a short driving clip (small rotations, zooms and
shifts of the head, like a visitor moving in front of the kiosk).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence

import cv2
import numpy as np

from sfumato.fomm.errors import FommError
from sfumato.imaging.resize import pad_square_crop, resize_to, square_around

SIZE = 256


@dataclass(frozen=True)
class MotionSpec:
    """Head motion of a synthetic driving clip: peak rotation (degrees), zoom (fraction), shift (pixels of 256)."""

    rotation: float = 6.0
    zoom: float = 0.05
    shift: float = 10.0


def face_crop(image: np.ndarray, margin: float = 0.45, size: int = SIZE) -> np.ndarray:
    """The head square around the most confident BlazeFace face, resized.

    Args:
        image: (H, W, 3) uint8 RGB.
        margin: extra space on each side as a fraction of the face box side.
    Returns:
        (size, size, 3) float32 RGB in [0, 1].
    Raises:
        FommError: no face found.
    """
    from sfumato.face.detect import detect_faces

    faces = detect_faces(np.ascontiguousarray(image)) or detect_faces(np.ascontiguousarray(image), full_range=True)
    if not faces:
        raise FommError("FOMM calibration: no face found in the calibration image; pass an image with a visible face")
    crop = pad_square_crop(image, *square_around(faces[0].box, margin, lift=0.1))  # vox-like: more forehead
    return resize_to(crop, size, size).astype(np.float32) / 255.0


def head_motion_clip(crop: np.ndarray, n: int, seed: int = 0, motion: MotionSpec = MotionSpec()) -> List[np.ndarray]:
    """A driving clip: ``n`` copies of the crop with smooth head rotation, zoom and shift.

    Args:
        crop: (S, S, 3) float32 in [0, 1].
        n: number of frames; frame 0 is the crop itself (the reference pose).
        seed: phase of the motion (different seeds give different clips).
    Returns:
        n frames, each (S, S, 3) float32 in [0, 1].
    """
    s = crop.shape[0]
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 2 * np.pi, size=4)
    frames = []
    for i in range(n):
        t = i / max(1, n - 1) * 2 * np.pi
        angle = motion.rotation * np.sin(t + phase[0]) * (i > 0)
        zoom = 1.0 + motion.zoom * np.sin(t + phase[1]) * (i > 0)
        m = cv2.getRotationMatrix2D((s / 2, s / 2), float(angle), float(zoom))
        m[:, 2] += (motion.shift * s / SIZE * np.sin(t + phase[2]) * (i > 0),
                    0.6 * motion.shift * s / SIZE * np.sin(t + phase[3]) * (i > 0))
        frames.append(cv2.warpAffine(crop, m, (s, s), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101))
    return frames


def read_rgb(path: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB from an image file; FommError naming the file if unreadable."""
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise FommError(f"FOMM calibration: cannot read image {path}; pass a JPEG or PNG with a face")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def default_faces(paths: Sequence[str] = ()) -> List[np.ndarray]:
    """Face crops for calibration: the astronaut (bundled with scikit-image) plus ``paths``.

    Returns a list of (256, 256, 3) float32 crops in [0, 1].
    """
    from skimage import data

    return [face_crop(data.astronaut())] + [face_crop(read_rgb(p)) for p in paths]
