"""What a viewer's face does, measured from FaceMesh landmarks: head rotation, gaze, eyes, mouth, brows.

:func:`measure` reads one frame's landmarks into :class:`Features` (absolute, in-face
quantities); :func:`relative` compares them with the viewer's neutral :class:`Features` and
gives :class:`Signals`, what the painting is asked to do. The head rotation is the rigid
(Kabsch) rotation of stable landmarks (forehead, nose, cheekbones, eye corners) from the
neutral face to this one, in 3-D (FaceMesh's depth is in the same pixel scale as x, y).

Image conventions: x right, y down, z away from the camera. Angles in degrees: yaw > 0 when
the nose turns toward image +x, pitch > 0 when it turns up (image -y), roll > 0 when the
face turns clockwise on the image (from +x toward +y). Pairs are (sitter's right, left).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from sfumato.face.gaze import gaze_from_landmarks
from sfumato.face.topology import IRIS_CENTRES, LEFT_EYE_CORNERS, MOUTH_CORNERS, N_LANDMARKS, RIGHT_EYE_CORNERS

RIGID = (10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 2, 108, 337, 67, 297, 33, 133, 362, 263,
         234, 454, 127, 356, 93, 323, 116, 345, 50, 280)
"""Landmarks that move with the skull, not with expressions (no lips, jaw, lids or brows)."""
EYE_LIDS = (((160, 144), (159, 145), (158, 153)), ((385, 380), (386, 374), (387, 373)))
"""Per eye (right, left): upper / lower lid point pairs for the eye aspect ratio."""
EYE_CORNERS = (RIGHT_EYE_CORNERS, LEFT_EYE_CORNERS)
BROWS = ((70, 63, 105, 66, 107), (300, 293, 334, 296, 336))
"""Upper edge of each brow (right, left)."""
LIP_GAP = (13, 14)        # inner upper / lower lip, midline
OUTER_EYE_CORNERS = (RIGHT_EYE_CORNERS[0], LEFT_EYE_CORNERS[1])   # 33, 263: the face's width scale
__all__ = ["RIGID", "EYE_LIDS", "EYE_CORNERS", "OUTER_EYE_CORNERS", "BROWS", "LIP_GAP", "MOUTH_CORNERS", "IRIS_CENTRES", "Features",
           "Signals", "measure", "head_rotation", "relative"]


@dataclass(frozen=True)
class Features:
    """One frame's face, independent of where it is in the image.

    Attributes:
        rigid: (len(RIGID), 3) float64 stable landmarks, centred, unit RMS radius.
        ear: (2,) eye aspect ratio (lid gap / eye width), right and left eye; about 0.25-0.35 open, < 0.1 shut.
        gaze: (2,) iris offset (horizontal > 0 toward image +x, vertical > 0 up) in eye half-widths.
        mouth_open: inner-lip gap / distance between the outer eye corners (0 closed, ~0.5 wide open).
        mouth_width: distance between the mouth corners / distance between the outer eye corners.
        brows: (2,) brow height above its eye / distance between the outer eye corners, right and left.
    """

    rigid: np.ndarray
    ear: np.ndarray
    gaze: np.ndarray
    mouth_open: float
    mouth_width: float
    brows: np.ndarray

    @staticmethod
    def median(samples: "list[Features]") -> "Features":
        """Element-wise median of several frames (the neutral reference)."""
        return Features(
            rigid=np.median([s.rigid for s in samples], axis=0),
            ear=np.median([s.ear for s in samples], axis=0),
            gaze=np.median([s.gaze for s in samples], axis=0),
            mouth_open=float(np.median([s.mouth_open for s in samples])),
            mouth_width=float(np.median([s.mouth_width for s in samples])),
            brows=np.median([s.brows for s in samples], axis=0),
        )


@dataclass(frozen=True)
class Signals:
    """The viewer's face against their neutral face (camera view, not yet mirrored or retargeted).

    Attributes:
        yaw, pitch, roll: head rotation, degrees (see the module conventions).
        gaze: (2,) eye-in-head gaze change, eye half-widths (horizontal toward image +x, vertical up).
        openness: (2,) eye aspect ratio / neutral, right and left eye (1 = as neutral, 0 = shut).
        mouth_open: change of the inner-lip gap, eye-distance units (0 = as neutral).
        mouth_width: mouth width / neutral - 1 (> 0 spread, < 0 rounded).
        brows: (2,) change of brow height, eye-distance units, right and left (> 0 raised).
    """

    yaw: float
    pitch: float
    roll: float
    gaze: np.ndarray
    openness: np.ndarray
    mouth_open: float
    mouth_width: float
    brows: np.ndarray

    def mirrored(self) -> "Signals":
        """The same face seen in a mirror: left and right swap, sideways motions change sign."""
        return Signals(-self.yaw, self.pitch, -self.roll, self.gaze * np.array([-1.0, 1.0]),
                       self.openness[::-1].copy(), self.mouth_open, self.mouth_width, self.brows[::-1].copy())


def _dist(lm: np.ndarray, a: int, b: int) -> float:
    return float(np.linalg.norm(lm[a, :2] - lm[b, :2]))


def measure(landmarks: np.ndarray) -> Features:
    """Features of one face.

    Args:
        landmarks: (478, 3) float refined FaceMesh landmarks, x, y pixels of any image, z in the same scale.
    """
    lm = np.asarray(landmarks, np.float64)
    if lm.shape != (N_LANDMARKS, 3):
        raise ValueError(f"expected ({N_LANDMARKS}, 3) refined FaceMesh landmarks, got {lm.shape}")
    pts = lm[list(RIGID)]
    pts = pts - pts.mean(0)
    pts /= max(float(np.sqrt((pts ** 2).sum(1).mean())), 1e-9)
    eye_dist = max(_dist(lm, *OUTER_EYE_CORNERS), 1e-6)
    ears = []
    for pairs, (c0, c1) in zip(EYE_LIDS, EYE_CORNERS):
        gap = np.mean([_dist(lm, a, b) for a, b in pairs])
        ears.append(gap / max(_dist(lm, c0, c1), 1e-6))
    # brows: height above the eye-corner line, perpendicular to the line through the outer corners
    axis = (lm[OUTER_EYE_CORNERS[1], :2] - lm[OUTER_EYE_CORNERS[0], :2]) / eye_dist
    up = np.array([axis[1], -axis[0]])
    brows = []
    for idx, (c0, c1) in zip(BROWS, EYE_CORNERS):
        centre = (lm[c0, :2] + lm[c1, :2]) / 2.0
        brows.append(float(np.mean((lm[list(idx), :2] - centre) @ up)) / eye_dist)
    return Features(
        rigid=pts,
        ear=np.array(ears),
        gaze=np.array(gaze_from_landmarks(lm)),
        mouth_open=_dist(lm, *LIP_GAP) / eye_dist,
        mouth_width=_dist(lm, *MOUTH_CORNERS) / eye_dist,
        brows=np.array(brows),
    )


def head_rotation(neutral: np.ndarray, current: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) degrees of the rigid rotation taking ``neutral`` points onto ``current``.

    Args:
        neutral, current: (K, 3) centred, scale-normalised rigid points (:attr:`Features.rigid`).
    """
    rot, _ = Rotation.align_vectors(current, neutral)   # current ~ rot(neutral), Kabsch
    m = rot.as_matrix()
    fwd = m @ np.array([0.0, 0.0, -1.0])      # the face's forward direction (toward the camera at rest)
    right = m @ np.array([1.0, 0.0, 0.0])
    yaw = np.degrees(np.arctan2(fwd[0], -fwd[2]))
    pitch = np.degrees(np.arctan2(-fwd[1], np.hypot(fwd[0], fwd[2])))
    roll = np.degrees(np.arctan2(right[1], right[0]))
    return float(yaw), float(pitch), float(roll)


def relative(current: Features, neutral: Features) -> Signals:
    """What the face does now compared with its neutral self."""
    yaw, pitch, roll = head_rotation(neutral.rigid, current.rigid)
    return Signals(
        yaw=yaw, pitch=pitch, roll=roll,
        gaze=current.gaze - neutral.gaze,
        openness=current.ear / np.maximum(neutral.ear, 1e-3),
        mouth_open=current.mouth_open - neutral.mouth_open,
        mouth_width=current.mouth_width / max(neutral.mouth_width, 1e-3) - 1.0,
        brows=current.brows - neutral.brows,
    )
