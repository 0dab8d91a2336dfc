"""One painted eye's lids and iris fitted to the painting's pixels from FaceMesh's estimates.

The rig (:func:`sfumato.rig.rig.extract_rig`) and the revealed-white measure
(:func:`sfumato.face.revealed_white.painted_eye`) both need the eye as it is painted, not
FaceMesh's human-eye guess: :func:`eye_region` cuts the eye's ROI and frame from the
landmarks, :func:`fit_painted_eye` fits the lids (:func:`sfumato.rig.lid_fit.fit_lids`) and then
the iris (:func:`sfumato.rig.iris.fit_iris`) inside the fitted opening. The rig checks the eye
(wide enough, open) between the two steps.

Images (H, W, 3) uint8 RGB; landmarks (478, 2|3) FaceMesh pixels of that image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.topology import EyeIndices
from sfumato.imaging.lab import lightness
from sfumato.imaging.resize import points_box
from sfumato.rig.iris import CircleFit, fit_iris
from sfumato.rig.lid_fit import fit_lids
from sfumato.rig.lids import EyeFrame, Lids, opening

ROI_PAD = (0.6, 2.0)
"""The ROI reaches this share of the eye's width plus this many FaceMesh iris radii beyond the
eye's contour (:func:`sfumato.imaging.resize.points_box`; the rig's own box, a pixel wider on
the far sides, fitted the same lids and irises to the bit on all 11 test banks)."""


@dataclass(frozen=True)
class EyeRegion:
    """One eye's ROI and FaceMesh's estimates in it.

    Attributes:
        origin: (2,) float64, the ROI's top-left (x0, y0) in image pixels.
        image: (h, w, 3) float32 RGB in [0, 255], the ROI.
        frame: the eye frame in ROI pixels (corner midpoint, axis to the image-right corner).
        upper, lower: (K, 2) float64 FaceMesh lid points, ROI pixels, sorted by x (corner to corner).
        iris: FaceMesh's iris centre (2,) float64 ROI pixels, and its radius (pixels).
        width: the corner distance, pixels.
    """

    origin: np.ndarray
    image: np.ndarray
    frame: EyeFrame
    upper: np.ndarray
    lower: np.ndarray
    iris: tuple[np.ndarray, float]
    width: float

    def mesh_lids(self) -> Lids:
        """FaceMesh's own lids (before the fit) in the eye frame."""
        return Lids.from_contours(self.frame, self.upper, self.lower)


@dataclass(frozen=True)
class PaintedFit:
    """The lids and iris fitted to the painted eye.

    Attributes:
        upper, lower: (K, 2) float64 fitted lid contours in IMAGE pixels, sorted by x (corner
            to corner): what the rig keeps.
        lids: those lids in the eye frame (ROI pixels, from the image-pixel contours).
        inside: (h, w) float32 in {0, 1}, the fitted opening over the ROI.
        light: (h, w) float32 CIE L (0-100) of the ROI.
        iris: the iris circle (ROI pixels) fitted inside the opening, off its lid lines on an
            eye over 40 px wide (:func:`sfumato.rig.iris.fit_iris`).
    """

    upper: np.ndarray
    lower: np.ndarray
    lids: Lids
    inside: np.ndarray
    light: np.ndarray
    iris: CircleFit


def eye_region(image: np.ndarray, landmarks: np.ndarray, eye: EyeIndices) -> EyeRegion:
    """The ROI round one eye and FaceMesh's lids and iris in it.

    Args:
        image: (H, W, 3) uint8 RGB; landmarks: (478, 2|3) its FaceMesh points; eye: which eye.
    """
    lm = np.asarray(landmarks, np.float64)
    pts = lm[list(eye.contour), :2]
    upper, lower = Lids.split_contour(pts)
    upper, lower = upper[np.argsort(upper[:, 0])], lower[np.argsort(lower[:, 0])]
    width = float(np.linalg.norm(upper[-1] - upper[0]))
    c0 = lm[eye.iris[0], :2]
    r0 = float(np.linalg.norm(lm[list(eye.iris[1:]), :2] - c0, axis=1).mean())
    x0, y0, x1, y1 = points_box(pts, ROI_PAD[0] * width + ROI_PAD[1] * r0, image.shape[1], image.shape[0])
    origin = np.array([x0, y0], np.float64)
    frame = EyeFrame((upper[0] + upper[-1]) / 2 - origin, (upper[-1] - upper[0]) / max(width, 1e-6), width / 2)
    roi = image[y0:y1, x0:x1].astype(np.float32)
    return EyeRegion(origin, roi, frame, upper - origin, lower - origin, (c0 - origin, r0), width)


def fit_painted_eye(region: EyeRegion) -> PaintedFit:
    """Fit the lids to the painted opening, then the iris inside it (module docstring)."""
    up, lo = fit_lids(region.image, region.frame, region.upper, region.lower, region.iris)
    upper, lower = up + region.origin, lo + region.origin
    lids = Lids.from_contours(region.frame, upper - region.origin, lower - region.origin)
    u, v = region.frame.grids(region.image.shape[:2])
    inside = (opening(u, v, lids, 1.0) > 0.5).astype(np.float32)
    inner = cv2.erode(inside, np.ones((3, 3), np.uint8)) if region.width > 40 else inside  # off the lid lines
    light = lightness(region.image)
    return PaintedFit(upper, lower, lids, inside, light, fit_iris(light, inner, *region.iris))
