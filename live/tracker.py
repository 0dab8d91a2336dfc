"""Face tracking with MediaPipe BlazeFace: boxes, scores and the eye midpoint of every face.

Short range (faces within ~2 m) by default, full range for 2-5 m. MediaPipe's C++ logging
can only be silenced at the file-descriptor level, so model creation and the first call
run with fd 2 pointed at /dev/null (restored right after).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from precompute.errors import SfumatoError
from precompute.mediapipe_models import quiet_stderr


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
    """BlazeFace on BGR camera frames; :meth:`detect` returns every face found."""

    def __init__(self, model: str = "short", min_confidence: float = 0.5) -> None:
        if model not in ("short", "full"):
            raise SfumatoError(f"tracker.model is {model!r}; use 'short' (< 2 m) or 'full' (2-5 m)")
        with quiet_stderr():
            import mediapipe as mp

            self._fd = mp.solutions.face_detection.FaceDetection(
                model_selection=0 if model == "short" else 1, min_detection_confidence=min_confidence)
            self._fd.process(np.zeros((64, 64, 3), np.uint8))   # first call logs the delegate
        self.model = model

    def detect(self, frame_bgr: np.ndarray) -> list[Face]:
        """Faces in a (H, W, 3) uint8 BGR frame, in camera pixels, highest score first."""
        h, w = frame_bgr.shape[:2]
        result = self._fd.process(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB))
        faces = []
        for det in result.detections or []:
            loc = det.location_data
            b = loc.relative_bounding_box
            kp = loc.relative_keypoints
            faces.append(Face(
                box=(b.xmin * w, b.ymin * h, b.width * w, b.height * h),
                score=float(det.score[0]),
                eyes=((kp[0].x * w, kp[0].y * h), (kp[1].x * w, kp[1].y * h)),
            ))
        return sorted(faces, key=lambda f: -f.score)

    def close(self) -> None:
        self._fd.close()
