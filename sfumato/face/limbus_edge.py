"""How soft an iris' edge against the eye white is, measured from outside (FaceMesh + the pixels).

:func:`limbus_widths` measures it per eye, on a painting or on a rendered frame alike: FaceMesh's
iris, refined by the same radial fit the rig uses (:func:`sfumato.rig.iris.fit_iris`, here a
measuring tool), then the rays across its rim that run inside FaceMesh's eye contour into a
white lighter than the iris, each fitted with a smooth step (:func:`sfumato.rig.limbus.ray_edges`)
whose 10-90% rise is the edge width.

Arrays: ``light`` (H, W) float32 CIE L in [0, 100] of the whole image; landmarks (478, 2|3)
FaceMesh pixels of that image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.topology import EYES
from sfumato.rig.limbus import MIN_RAYS, ray_fits


@dataclass(frozen=True)
class LimbusEdge:
    """One eye's iris edge as seen from outside.

    Attributes:
        width: median 10-90% rise across the rim over the rays kept, pixels (NaN with fewer than
            :data:`sfumato.rig.limbus.MIN_RAYS` rays); rays: how many rays were kept;
        centre: (2,) fitted iris centre, pixels; radius: fitted iris radius, pixels;
        widths: (rays,) each kept ray's rise, pixels; angles: (rays,) each one's direction,
            radians (image x right, y down: 0 points right).
    """

    width: float
    rays: int
    centre: np.ndarray
    radius: float
    widths: np.ndarray
    angles: np.ndarray

    def sides(self) -> tuple[float, float]:
        """The median width of the rays pointing image-left and of those pointing image-right,
        pixels (NaN with fewer than :data:`~sfumato.rig.limbus.MIN_RAYS` rays that side): an
        iris painted sharp on one side and soft on the other reads two numbers."""
        out = []
        for keep in (np.cos(self.angles) < 0, np.cos(self.angles) > 0):
            out.append(float(np.median(self.widths[keep])) if keep.sum() >= MIN_RAYS else float("nan"))
        return out[0], out[1]


def eye_edge(light: np.ndarray, poly: np.ndarray, c0: np.ndarray, r0: float) -> LimbusEdge:
    """One eye's :class:`LimbusEdge`: ``poly`` (K, 2) its FaceMesh contour, ``c0`` (2,) and ``r0``
    FaceMesh's iris centre and radius, pixels of ``light``."""
    from sfumato.rig.iris import fit_iris

    pad = int(np.ceil(3 * r0)) + 4
    h, w = light.shape
    x0, y0 = (np.floor(poly.min(0)).astype(int) - pad).clip(0)
    x1, y1 = np.minimum(np.ceil(poly.max(0)).astype(int) + pad, [w, h])
    roi = np.ascontiguousarray(light[y0:y1, x0:x1], np.float32)
    inside = np.zeros(roi.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(poly - [x0, y0]).astype(np.int32)], 1)
    fit = fit_iris(roi, inside.astype(np.float32), np.asarray(c0, np.float64) - [x0, y0], float(r0))
    angles, widths, _ = ray_fits(roi, inside.astype(np.float32), fit.centre, fit.radius)
    med = float(np.median(widths)) if len(widths) >= MIN_RAYS else float("nan")
    return LimbusEdge(med, len(widths), fit.centre + [x0, y0], float(fit.radius), widths, angles)


def limbus_widths(light: np.ndarray, landmarks: np.ndarray) -> tuple[LimbusEdge, LimbusEdge]:
    """Both eyes' iris edges (``EYES`` order: the face's right eye, on the image's left, first)."""
    lm = np.asarray(landmarks, np.float64)
    out = []
    for e in EYES:
        c0 = lm[e.iris[0], :2]
        r0 = float(np.linalg.norm(lm[list(e.iris[1:]), :2] - c0, axis=1).mean())
        out.append(eye_edge(light, lm[list(e.contour), :2], c0, r0))
    return out[0], out[1]
