"""The revealed white's reference: the painted white on the same side of the old iris, at the
same height between the painted lids.

Where the rig moved an iris it rebuilds the white that the iris hid, carrying each side's
painted white across from that side (:mod:`sfumato.rig.white_fill`): an eye lit from one side
gets a light half and a shaded half. A frame that shows only the half next to the lit side
shows light white; compared with both sides' mean (the reference of sessions 7-8,
:func:`sfumato.face.lid_bands.banded_residuals`) it read light, and a frame that shows the half
next to the shaded side read dark, though each copied its own side. Here each revealed pixel is
compared with the painted white on ITS side of the old iris centre, in its band between the lids
(:func:`sfumato.face.lid_bands.side_residuals`).

"The old iris" and "the lids" are the painted ones (:func:`painted_eye`: fitted to the
painting's pixels as the rig fits them), not FaceMesh's human-eye estimates: on portrait_07's
image-left eye FaceMesh's iris centre lies 3 px (a quarter radius) right of the painted iris,
so the measure's "old iris" took in the cream reflex beside it and left out a crescent of the
iris the rig rebuilt. Given the rig's own landmarks (rig.json) :func:`painted_eye` gives the
rig's lids and iris to 0.01-0.3 px on portrait_20 / 07 / 03 / 13; from the measure's own
FaceMesh run on the painting they lie up to 2.4 px (lids) and 3.7 px (iris centre, portrait_03's
image-left eye) from the rig's, which moves the table's cells by up to 7 L (README). The painted
white is found inside those lids (:func:`sfumato.rig.painted_white.painted_white`).

Images (H, W, 3) uint8 RGB; Lab arrays float32 CIE Lab; landmarks (478, 2|3) FaceMesh pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.face.lid_bands import between_lids, side_residuals
from sfumato.face.quality import shrunk_contour
from sfumato.face.topology import EYES, EyeIndices
from sfumato.rig.eye_fit import eye_region, fit_painted_eye
from sfumato.rig.painted_white import painted_white


@dataclass(frozen=True)
class PaintedEye:
    """One painted eye as the rig sees it, image pixels.

    Attributes:
        contour: (K, 2) float64, the lids fitted to the painted opening in ``EyeIndices.contour``'s
            layout (a corner, the upper lid to the other corner, the lower lid back).
        centre: (2,) float64, the painted iris' centre; radius: its radius.
    """

    contour: np.ndarray
    centre: np.ndarray
    radius: float


def painted_eye(image: np.ndarray, landmarks: np.ndarray, eye: EyeIndices) -> PaintedEye:
    """One eye's lids and iris fitted to the painting's pixels from FaceMesh's, as the rig fits
    them (:func:`sfumato.rig.eye_fit.fit_painted_eye`: the lids, then the iris inside the
    fitted opening): the painting's pixels only, so the same in every frame's measure.

    Args:
        image: (H, W, 3) uint8 RGB, the painting; landmarks: (478, 2|3) its FaceMesh points.
    """
    region = eye_region(image, landmarks, eye)
    fit = fit_painted_eye(region)
    contour = np.concatenate([fit.upper, fit.lower[::-1][1:-1]])
    return PaintedEye(contour, np.asarray(fit.iris.centre, np.float64) + region.origin, float(fit.iris.radius))


def painted_eyes(painting: np.ndarray, landmarks: np.ndarray) -> list[PaintedEye]:
    """:func:`painted_eye` of each eye (``EYES`` order)."""
    return [painted_eye(painting, landmarks, e) for e in EYES]


@dataclass(frozen=True)
class SideReference:
    """One eye's revealed white against its own side's painted white (ROI pixels).

    Attributes:
        residuals: (K, 3) float32 Lab, each revealed pixel minus its reference.
        other: (K,) bool, compared with the other side's white (none painted on its own side
            at its height).
        visible: painted iris pixels inside the opening (the area the revealed white is a share of).
        revealed, reference: (h, w) bool, the revealed pixels and the painted white they are
            compared with; t: (h, w) float32 height between the lids (0 lower, 1 upper);
            left: (h, w) bool, the image-left side of the old iris centre; bands: how many bands.
    """

    residuals: np.ndarray
    other: np.ndarray
    visible: int
    revealed: np.ndarray
    reference: np.ndarray
    t: np.ndarray
    left: np.ndarray
    bands: int


def side_reference(
    painting: np.ndarray, p_lab: np.ndarray, f_lab: np.ndarray, pe: PaintedEye, eye: int, landmarks: np.ndarray,
    origin: tuple[int, int], move: np.ndarray, frame_iris: float, erode: float,
) -> SideReference:
    """The revealed white of one eye against the painted white on its side (module docstring):
    within the painted iris' radius of its centre, beyond ``frame_iris`` pixels of where it went.

    Args:
        painting: (H, W, 3) uint8 RGB; p_lab, f_lab: (h, w, 3) float32 Lab of the painting's ROI
            and of the frame sampled where each ROI pixel went; pe: the painted eye
            (:func:`painted_eye`); eye: index into ``EYES``; landmarks: the painting's;
            origin: (x0, y0) of the ROI; move: (2,) how far the painted iris moved in the frame,
            painting pixels; frame_iris: pixels round the moved iris that are never white;
            erode: the opening's shrink off the lid lines, a share of its height.
    """
    h, w = p_lab.shape[:2]
    x0, y0 = origin
    local = pe.contour - [x0, y0]
    c, r = pe.centre - [x0, y0], pe.radius
    inside = shrunk_contour((h, w), local, erode)
    white = painted_white(painting[y0:y0 + h, x0:x0 + w].astype(np.float32), shrunk_contour((h, w), local), c, r, 0.0)
    white = white if white.sum() >= 4 else inside
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dp = np.hypot(xx - np.float32(c[0]), yy - np.float32(c[1]))
    df = np.hypot(xx - np.float32(c[0] + move[0]), yy - np.float32(c[1] + move[1]))
    e = EYES[eye]
    t, u, bands = between_lids(landmarks, e, xx + x0, yy + y0, pe.contour)
    uc = float(between_lids(landmarks, e, np.float32(pe.centre[0]), np.float32(pe.centre[1]), pe.contour)[1])
    revealed = inside & (dp < r) & (df > frame_iris)
    ref = white & inside & (dp > 1.15 * r) & (np.abs(u - uc) < 2.3 * r)
    left = u < uc
    d, other = side_residuals(f_lab[revealed], t[revealed], left[revealed], p_lab[ref], t[ref], left[ref], bands)
    return SideReference(d, other, int((inside & (dp < r)).sum()), revealed, ref, t, left, bands)
