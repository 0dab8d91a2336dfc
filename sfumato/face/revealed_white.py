"""The revealed white's reference: the painted white on the same side of the old iris, at the
same height between the painted lids.

Where the rig moved an iris it rebuilds the white that the iris hid, carrying each side's
painted white across from that side (:mod:`sfumato.rig.white_fill`): an eye lit from one side
gets a light half and a shaded half. A frame that shows only the half next to the lit side
shows light white; compared with both sides' mean (the reference of sessions 7-8,
:func:`sfumato.face.lid_bands.banded_residuals`) it read light, and a frame that shows the half
next to the shaded side read dark, though each copied its own side. Here each revealed pixel is
compared with the painted white on ITS side of the old iris centre, in its band between the lids
(:func:`sfumato.face.lid_bands.side_residuals`), and the lids are the painted opening's (fitted to
the painting's pixels as the rig fits them, :func:`sfumato.face.lid_bands.painted_contour`), not
FaceMesh's human-eye contour: on portrait_20 FaceMesh's lids put the dark lid rim in the
measure's top band. The painted white is found inside those lids
(:func:`sfumato.rig.painted_white.painted_white`).

Images (H, W, 3) uint8 RGB; Lab arrays float32 CIE Lab; landmarks (478, 2|3) FaceMesh pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.face.lid_bands import between_lids, painted_contour, side_residuals
from sfumato.face.quality import shrunk_contour
from sfumato.face.topology import EYES
from sfumato.rig.painted_white import painted_white


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


def painted_contours(painting: np.ndarray, landmarks: np.ndarray) -> list[np.ndarray]:
    """:func:`~sfumato.face.lid_bands.painted_contour` of each eye (``EYES`` order)."""
    return [painted_contour(painting, landmarks, e) for e in EYES]


def side_reference(
    painting: np.ndarray, p_lab: np.ndarray, f_lab: np.ndarray, contour: np.ndarray, eye: int, landmarks: np.ndarray,
    origin: tuple[int, int], centre: np.ndarray, radius: float, frame_iris: np.ndarray, erode: float,
) -> SideReference:
    """The revealed white of one eye against the painted white on its side (module docstring).

    Args:
        painting: (H, W, 3) uint8 RGB; p_lab, f_lab: (h, w, 3) float32 Lab of the painting's ROI
            and of the frame sampled where each ROI pixel went; contour: (K, 2) the painted
            contour (:func:`painted_contour`), image pixels; eye: index into ``EYES``;
            landmarks: the painting's; origin: (x0, y0) of the ROI; centre: (2,) the painted
            iris centre, image pixels; radius: its radius; frame_iris: (h, w) bool, pixels far
            enough from the frame's iris to count as white; erode: the opening's shrink off the
            lid lines, a share of its height.
    """
    h, w = p_lab.shape[:2]
    x0, y0 = origin
    local = np.asarray(contour, np.float64) - [x0, y0]
    c = np.asarray(centre, np.float64) - [x0, y0]
    inside = shrunk_contour((h, w), local, erode)
    white = painted_white(painting[y0:y0 + h, x0:x0 + w].astype(np.float32), shrunk_contour((h, w), local), c, radius, 0.0)
    white = white if white.sum() >= 4 else inside
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dp = np.hypot(xx - np.float32(c[0]), yy - np.float32(c[1]))
    e = EYES[eye]
    t, u, bands = between_lids(landmarks, e, xx + x0, yy + y0, contour)
    uc = float(between_lids(landmarks, e, np.float32(centre[0]), np.float32(centre[1]), contour)[1])
    revealed = inside & (dp < radius) & frame_iris
    ref = white & inside & (dp > 1.15 * radius) & (np.abs(u - uc) < 2.3 * radius)
    left = u < uc
    d, other = side_residuals(f_lab[revealed], t[revealed], left[revealed], p_lab[ref], t[ref], left[ref], bands)
    return SideReference(d, other, int((inside & (dp < radius)).sum()), revealed, ref, t, left, bands)
