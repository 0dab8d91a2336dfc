"""Small head motions (the nods, turns and tilts of speech) over an already rendered image.

A degree or two of head motion moves each point of the face almost linearly with the angle, so
the motion is precomputed once as three displacement fields, pixels per degree of yaw, pitch
and roll: each FaceMesh landmark's displacement (:func:`sfumato.rig.head.rotate_head`,
:func:`sfumato.rig.head.roll_points` about the chin) spread over a coarse grid by a Gaussian-
weighted mean of the nearest landmarks, faded out around the head by
:func:`sfumato.rig.head.head_window` so the background and the shoulders stay put. A frame is
then one weighted sum of the three fields and one ``cv2.remap`` of the head's box: cheap enough
for the live loop, where the bank frames (eyes following the viewer) are shown as they are and
the speaking head nods over them.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face import topology as T
from sfumato.rig.fields import coarse_grid, upsample
from sfumato.rig.head import head_window, roll_points, rotate_head


@dataclass
class NodField:
    """Displacement fields of a small head motion over one image size.

    Attributes:
        box: (x0, y0, x1, y1) pixels outside which nothing moves.
        base_x, base_y: (h, w) float32 pixel coordinates of the box.
        fields: (3, 2, h, w) float32 forward displacement (dx, dy) per degree of yaw, pitch, roll.
    """

    box: tuple[int, int, int, int]
    base_x: np.ndarray
    base_y: np.ndarray
    fields: np.ndarray

    @classmethod
    def from_landmarks(cls, landmarks: np.ndarray, size: tuple[int, int], pivot_depth: float = 0.6,
                       outer: float = 1.6, step: int = 8) -> "NodField":
        """Measure the fields.

        Args:
            landmarks: (478, 3) float FaceMesh points in the image's pixels (z in the same scale).
            size: (w, h) of the images :meth:`render` will get.
            pivot_depth: the head turns about a point this many face widths behind the face.
            outer: the motion fades out by this many face-outline radii (fully on within 1.15).
            step: the fields are computed every ``step`` pixels and interpolated.
        """
        lm = np.asarray(landmarks, np.float64)
        pts = lm[:, :2]
        unit = np.stack([rotate_head(lm, 1.0, 0.0, pivot_depth) - pts, rotate_head(lm, 0.0, 1.0, pivot_depth) - pts,
                         roll_points(pts, 1.0, pts[T.CHIN]) - pts])  # (3, N, 2) per degree
        oval = pts[list(T.FACE_OVAL)]
        centre, radius = oval.mean(0), float(np.linalg.norm(oval - oval.mean(0), axis=1).max())
        half = outer * radius + step
        w, h = size
        x0, y0 = max(0, int(centre[0] - half)), max(0, int(centre[1] - half))
        x1, y1 = min(w, int(np.ceil(centre[0] + half)) + 1), min(h, int(np.ceil(centre[1] + half)) + 1)
        gx, gy = coarse_grid(x0, y0, x1, y1, step)
        xy = np.stack([gx, gy], -1).astype(np.float64)
        sigma = 0.12 * float(np.ptp(pts[:, 0]))
        d2 = ((xy.reshape(-1, 1, 2) - pts[None]) ** 2).sum(-1)  # (G, N)
        wts = np.exp(-(d2 - d2.min(1, keepdims=True)) / (2.0 * sigma * sigma))
        wts /= wts.sum(1, keepdims=True)
        window = head_window(lm, xy, outer).reshape(-1)
        coarse = [(wts @ unit[k, :, c] * window).reshape(gx.shape).astype(np.float32) for k in range(3) for c in range(2)]
        fine = upsample(coarse, step, (y1 - y0, x1 - x0))
        fields = np.stack(fine).reshape(3, 2, y1 - y0, x1 - x0)
        by, bx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        return cls((x0, y0, x1, y1), bx, by, np.ascontiguousarray(fields))

    def render(self, image: np.ndarray, yaw: float, pitch: float, roll: float = 0.0) -> np.ndarray:
        """The image with the head turned by ``yaw``, ``pitch`` (up > 0) and tilted by ``roll``
        (clockwise on screen > 0) degrees: (H, W, 3) uint8 RGB; ``image`` itself when all are 0,
        else a copy in which only :attr:`box` changed."""
        if abs(yaw) < 1e-3 and abs(pitch) < 1e-3 and abs(roll) < 1e-3:
            return image
        x0, y0, x1, y1 = self.box
        # a pixel shows what was one displacement back (exact enough for a degree or two)
        maps = []
        for c, base in enumerate((self.base_x, self.base_y)):
            m = base
            for k, angle in enumerate((yaw, pitch, roll)):
                if angle:
                    m = cv2.scaleAdd(self.fields[k, c], -float(angle), m)
            maps.append(m)
        out = image.copy()
        out[y0:y1, x0:x1] = cv2.remap(image, maps[0], maps[1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return out
