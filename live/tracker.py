"""Face tracking with MediaPipe BlazeFace: boxes, scores and the eye midpoint of every face.

Short range (faces within ~2 m) by default, full range for 2-5 m. The detector itself is
the core's (``sfumato.face.detect.detect_faces``); this module adds the live view of a face.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.errors import SfumatoError
from sfumato.face.detect import detect_faces
from sfumato.face.models import face_detector


@dataclass(frozen=True)
class Face:
    """One detected face in camera pixels.

    Attributes:
        box: (x, y, w, h) float px, top-left and size.
        score: detection confidence, 0..1.
        eyes: ((x, y) subject's right eye, (x, y) subject's left eye) px.
    """

    box: tuple[float, float, float, float]
    score: float
    eyes: tuple[tuple[float, float], tuple[float, float]]

    @property
    def eye_mid(self) -> tuple[float, float]:
        (ax, ay), (bx, by) = self.eyes
        return (ax + bx) / 2.0, (ay + by) / 2.0

    @property
    def eye_distance(self) -> float:
        """Distance between the eyes in px (> 0)."""
        (ax, ay), (bx, by) = self.eyes
        return max(1e-3, float(np.hypot(bx - ax, by - ay)))

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2.0, y + h / 2.0

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


class FaceTracker:
    """BlazeFace on BGR camera frames; :meth:`detect` returns every face found.

    The detector is the core's cached one (:func:`sfumato.face.detect.detect_faces`), created
    and warmed up with fd 2 silenced, so per-frame calls never redirect stderr.
    """

    def __init__(self, model: str = "short", min_confidence: float = 0.5) -> None:
        if model not in ("short", "full"):
            raise SfumatoError(f"tracker.model is {model!r}; use 'short' (< 2 m) or 'full' (2-5 m)")
        self.model = model
        self.min_confidence = float(min_confidence)
        face_detector(model == "full", self.min_confidence)  # create + warm up now, not on the first frame

    def detect(self, frame_bgr: np.ndarray) -> list[Face]:
        """Faces in a (H, W, 3) uint8 BGR frame, in camera pixels, highest score first."""
        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
        return [Face(d.box, d.score, d.eyes) for d in detect_faces(rgb, self.model == "full", self.min_confidence)]
