"""Brow raises: the brows and the skin above the eyes lift, the eyes themselves stay.

One brow layer for every use: speech raises both brows (one amount); the live puppet moves
each brow on its own, up or down (a pair of amounts, negative lowers).

A smooth upward displacement, strongest on the brow line and fading with distance from it
(faster toward the eye, so the lid crease stretches and the eye does not move), resampled
only in a box around the brows. Fixed-point inversion, bicubic sampling.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np

from sfumato.face import topology as T
from sfumato.rig.fields import coarse_grid, upsample


@dataclass
class BrowRig:
    """Brow geometry measured on one crop (crop pixels).

    Attributes:
        points: (K, 2) brow landmarks (both brows) as nested lists.
        up: (2,) unit vector pointing up the face.
        scale: eye-corner distance; lift: brow travel at raise = 1 as a fraction of it.
        box: (x0, y0, x1, y1) region that moves.
    """

    points: list[list[float]]
    up: tuple[float, float]
    scale: float
    box: tuple[int, int, int, int]
    lift: float = 0.045

    @classmethod
    def from_landmarks(cls, landmarks: np.ndarray, size: int) -> "BrowRig":
        """Measure from (478, 3) FaceMesh points in pixels of a (size, size) crop."""
        lm = np.asarray(landmarks, np.float64)[:, :2]
        pts = lm[list(T.BROW_RIGHT) + list(T.BROW_LEFT)]
        r, l = lm[T.EYE_OUTER_CORNERS[0]], lm[T.EYE_OUTER_CORNERS[1]]
        scale = float(np.linalg.norm(l - r))
        axis = (l - r) / max(scale, 1e-6)
        up = (float(axis[1]), float(-axis[0]))
        pad = 0.35 * scale
        x0, y0 = np.floor(pts.min(0) - pad).astype(int)
        x1, y1 = np.ceil(pts.max(0) + pad).astype(int)
        box = (max(0, int(x0)), max(0, int(y0)), min(size, int(x1)), min(size, int(y1)))
        return cls([[float(a), float(b)] for a, b in pts], up, scale, box)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "BrowRig":
        return cls(d["points"], tuple(d["up"]), d["scale"], tuple(d["box"]), d.get("lift", 0.045))

    def _field(self, x: np.ndarray, y: np.ndarray, amount: tuple[float, float], shift: tuple[float, float]) -> np.ndarray:
        """Lift (pixels, along ``up``) at points (x, y): a soft max over the brow points, times the
        amount of the nearer brow (right: the first half of ``points``, left: the second), blended
        smoothly between the brows (equal amounts: exactly one raise of both)."""
        pts = (np.asarray(self.points) + np.asarray(shift)).astype(x.dtype)
        ux, uy = self.up
        r = 0.22 * self.scale
        half = len(pts) // 2
        p = pts.reshape((len(pts), 2) + (1,) * x.ndim)    # every brow point at once, against every (x, y)
        dx, dy = x[None] - p[:, 0], y[None] - p[:, 1]
        along_up = dx * ux
        along_up += dy * uy  # > 0 above the brow point
        across = dx * uy
        across -= dy * ux
        # d2 = (across / r)^2 + (max(along_up, 0) / r)^2 + (2 min(along_up, 0) / r)^2, the same
        # float steps in place (a frame's brows evaluate it three times over 20 x 2600 points)
        down = np.minimum(along_up, 0.0, out=dx)  # toward the eye: falls off twice as fast
        down *= 2.0
        down /= r
        np.square(down, out=down)
        up_part = np.maximum(along_up, 0.0, out=along_up)
        up_part /= r
        np.square(up_part, out=up_part)
        d2 = np.divide(across, r, out=across)
        np.square(d2, out=d2)
        d2 += up_part
        d2 += down
        # the nearest brow point of each brow: exp is monotonic, so exp of the least d2 is
        # the largest exp(-d2), at one exp per brow instead of one per point
        right, left = np.exp(-d2[:half].min(0)), np.exp(-d2[half:].min(0))
        w = right ** 4 / np.maximum(right ** 4 + left ** 4, 1e-12)
        x0, y0, x1, y1 = self.box
        edge = np.minimum.reduce([x - x0 - shift[0], x1 - 1 - x - shift[0], y - y0 - shift[1], y1 - 1 - y - shift[1]])
        window = np.clip(edge / (0.15 * self.scale), 0.0, 1.0)
        mix = w * amount[0] + (1.0 - w) * amount[1]
        return mix * self.lift * self.scale * np.maximum(right, left) * window

    def render(self, image: np.ndarray, raise_: float | tuple[float, float],
               shift: tuple[float, float] = (0.0, 0.0), inplace: bool = False) -> np.ndarray:
        """Raise the brows by ``raise_`` in [0, 1] (both), or each by its own amount in [-1, 1]
        (a (right, left) pair; negative lowers).

        Args:
            image: (S, S, 3) uint8 RGB crop.
            shift: (dx, dy) pixels the brows have moved in ``image``.
            inplace: draw into ``image`` itself instead of a copy.

        Returns:
            (S, S, 3) uint8 RGB: ``image`` itself when every amount is below 0.02 in size or
            with ``inplace``, else a copy in which only the brow box changed.
        """
        amount = (float(raise_), float(raise_)) if np.isscalar(raise_) else (float(raise_[0]), float(raise_[1]))
        amount = tuple(a if abs(a) >= 0.02 else 0.0 for a in amount)  # below a fiftieth nothing visible moves
        if amount == (0.0, 0.0):
            return image
        h, w = image.shape[:2]
        x0, y0, x1, y1 = self.box
        x0, y0 = max(0, int(x0 + shift[0])), max(0, int(y0 + shift[1]))
        x1, y1 = min(w, int(x1 + shift[0])), min(h, int(y1 + shift[1]))
        if x1 <= x0 or y1 <= y0:
            return image
        step = 4
        gx, gy = (g.astype(np.float32) for g in coarse_grid(x0, y0, x1, y1, step))  # float32: the maps are
        ux, uy = self.up
        qx, qy = gx, gy
        for _ in range(3):  # destination = source + lift * up  ->  source = destination - lift(source) * up
            f = self._field(qx, qy, amount, shift)
            qx, qy = gx - f * ux, gy - f * uy
        mx, my = upsample([qx, qy], step, (y1 - y0, x1 - x0))
        moved = cv2.remap(image, mx, my, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        out = image if inplace else image.copy()
        out[y0:y1, x0:x1] = moved
        return out
