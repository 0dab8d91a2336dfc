"""One painted eye's window for the frame measures (:mod:`sfumato.face.white_match`,
:mod:`sfumato.face.grain_match`): the painting's pixels round the eye, where the painted iris
and the frame's iris lie in them, and where each pixel went in the frame.

Painting pixels throughout; landmarks (478, 2|3) FaceMesh points of the painting.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.quality import shrunk_contour
from sfumato.face.topology import EyeIndices
from sfumato.imaging.resize import points_box

REACH = 3.0
"""The window reaches this many iris radii beyond the eye's FaceMesh contour."""


@dataclass(frozen=True)
class EyeWindow:
    """One eye's window (:func:`eye_window`).

    Attributes:
        contour: (K, 2) float64, the painting's FaceMesh eye contour.
        painted_iris: (2,) float64, the painting's FaceMesh iris centre.
        frame_iris: (2,) float64, the iris found in the frame, mapped back to painting pixels.
        box: (x0, y0, x1, y1) ints, the window (x1, y1 exclusive).
        xx, yy: (h, w) float32 painting pixel coordinates over the window.
        dp, df: (h, w) float32 distances to ``painted_iris`` and ``frame_iris``, pixels.
        opening, inside: (h, w) bool, the contour's opening and that shrunk off the lid lines
            (:func:`sfumato.face.quality.shrunk_contour` with the measure's ``erode``).
    """

    contour: np.ndarray
    painted_iris: np.ndarray
    frame_iris: np.ndarray
    box: tuple[int, int, int, int]
    xx: np.ndarray
    yy: np.ndarray
    dp: np.ndarray
    df: np.ndarray
    opening: np.ndarray
    inside: np.ndarray

    def frame_map(self, affine: np.ndarray, whole: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Where each window pixel went in the frame: (h, w) float32 x and y maps for
        ``cv2.remap``; ``affine`` (2, 3) painting -> frame pixels; ``whole``: rounded to whole
        pixels (a nearest-neighbour lookup that does not soften the grain)."""
        a, xx, yy = affine, self.xx, self.yy
        mx, my = a[0, 0] * xx + a[0, 1] * yy + a[0, 2], a[1, 0] * xx + a[1, 1] * yy + a[1, 2]
        if whole:
            mx, my = np.rint(mx), np.rint(my)
        return mx.astype(np.float32), my.astype(np.float32)


def eye_window(
    landmarks: np.ndarray, eye: EyeIndices, affine: np.ndarray, frame_iris: np.ndarray, radius: float,
    shape: tuple[int, int], erode: float,
) -> EyeWindow:
    """The window round ``eye``, :data:`REACH` iris radii (``radius``, painting pixels) beyond
    its contour, in a painting of ``shape`` (H, W); ``affine``: (2, 3) painting -> frame pixels,
    ``frame_iris``: (2,) the iris found in the frame, frame pixels; ``erode``: the opening's
    shrink off the lid lines, a share of its height."""
    lm = np.asarray(landmarks, np.float64)
    h, w = shape
    pp = lm[list(eye.contour), :2]
    cp = lm[eye.iris[0], :2]
    ai = cv2.invertAffineTransform(affine)
    cf = ai[:, :2] @ frame_iris + ai[:, 2]
    x0, y0, x1, y1 = points_box(pp, REACH * radius, w, h)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dp, df = np.hypot(xx - cp[0], yy - cp[1]), np.hypot(xx - cf[0], yy - cf[1])
    opening = shrunk_contour((h, w), pp)[y0:y1, x0:x1]
    inside = shrunk_contour((h, w), pp, erode)[y0:y1, x0:x1]
    return EyeWindow(pp, cp, cf, (x0, y0, x1, y1), xx, yy, dp, df, opening, inside)
