"""The eyelids: contours in the eye's own frame, their motion (vertical gaze, blink), the soft
opening they leave, the shadow the upper lid casts, and the warp of the painted lid skin.

The eye frame has ``u`` along the line of the eye corners (toward image +x) and ``v``
perpendicular to it, up (toward image -y), both in pixels from the corners' midpoint. A lid is
a curve v(u) between the corners. When the lids move, the painted skin above the upper lid
(lashes, crease) and below the lower lid is displaced along v, the displacement fading out
with the distance from the lid, so the painting's own lid is what closes over the eye.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

UPPER_FOLLOW = 0.7
"""The upper lid moves this fraction of the iris' vertical displacement (it lifts when the eye
looks up, lowers when it looks down)."""
LOWER_FOLLOW = 0.25
"""... and the lower lid this fraction."""
CLOSE_LINE = 0.2
"""A closed eye's lid line lies this fraction of the opening's height above the lower lid:
the upper lid travels the rest, the lower lid rises this much."""
OVERLAP = 0.08
"""... and the closed upper lid overlaps the lower one by this fraction of the opening's height
(its lash line lies over the lower lid's rim, as in a real closed eye)."""


@dataclass(frozen=True)
class EyeFrame:
    """The eye's own frame in ROI pixels: origin ``centre`` (2,), unit ``axis`` (2,) toward the
    image-right corner, ``half_width`` (half the corner distance, pixels)."""

    centre: np.ndarray
    axis: np.ndarray
    half_width: float

    @property
    def up(self) -> np.ndarray:
        """(2,) unit vector perpendicular to ``axis``, toward image -y."""
        return np.array([self.axis[1], -self.axis[0]])

    def to_uv(self, xy: np.ndarray) -> np.ndarray:
        """(..., 2) ROI pixels -> (..., 2) eye-frame (u, v)."""
        d = np.asarray(xy, np.float64) - self.centre
        return np.stack([d @ self.axis, d @ self.up], -1)

    def to_xy(self, uv: np.ndarray) -> np.ndarray:
        """(..., 2) eye-frame (u, v) -> (..., 2) ROI pixels."""
        uv = np.asarray(uv, np.float64)
        return self.centre + uv[..., :1] * self.axis + uv[..., 1:2] * self.up

    def sample(self, image: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``image`` ((h, w) or (h, w, C) float32 ROI) at eye-frame points: ``u`` and ``v``
        broadcast together to (...), the result is (...) or (..., C) float32, bilinear, the
        image's edge repeated beyond it."""
        xy = self.to_xy(np.stack(np.broadcast_arrays(u, v), -1)).astype(np.float32)
        return cv2.remap(image, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def grids(self, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """(h, w) float32 u and v of every ROI pixel."""
        h, w = shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        dx, dy = xx - np.float32(self.centre[0]), yy - np.float32(self.centre[1])
        ax, up = self.axis.astype(np.float32), self.up.astype(np.float32)
        return dx * ax[0] + dy * ax[1], dx * up[0] + dy * up[1]


@dataclass(frozen=True)
class Lids:
    """Both lid curves, sampled at increasing u: ``u`` (K,), ``upper`` (K,), ``lower`` (K,) v."""

    u: np.ndarray
    upper: np.ndarray
    lower: np.ndarray

    @staticmethod
    def split_contour(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """FaceMesh's closed eye contour ((K, 2) points: a corner, the upper lid, the other
        corner, the lower lid back) as its two lids, each corner to corner: (upper, lower)."""
        k = len(pts) // 2
        return pts[: k + 1], np.concatenate([pts[k:], pts[:1]])

    @classmethod
    def from_contours(cls, frame: EyeFrame, upper_xy: np.ndarray, lower_xy: np.ndarray, samples: int = 64) -> Lids:
        """Resample the two contours (ROI pixels, corner to corner) on a common u grid."""
        up, lo = frame.to_uv(upper_xy), frame.to_uv(lower_xy)
        up, lo = up[np.argsort(up[:, 0])], lo[np.argsort(lo[:, 0])]
        u0, u1 = max(up[0, 0], lo[0, 0]), min(up[-1, 0], lo[-1, 0])
        u = np.linspace(u0, u1, samples)
        vu, vl = np.interp(u, up[:, 0], up[:, 1]), np.interp(u, lo[:, 0], lo[:, 1])
        mid = (vu + vl) / 2
        return cls(u, np.maximum(vu, mid), np.minimum(vl, mid))

    def height(self) -> float:
        """Largest opening height, pixels."""
        return float((self.upper - self.lower).max())

    def moved(self, lift: float, blink: float) -> Lids:
        """The lids after the iris moved ``lift`` pixels up (negative: down) and a blink.

        Gaze: the upper lid follows :data:`UPPER_FOLLOW` of the lift, the lower lid
        :data:`LOWER_FOLLOW`, both fading to nothing at the corners. Blink in [0, 1]: both lids
        travel toward the closing line (:data:`CLOSE_LINE` of the way up from the lower lid),
        meeting it at 1 (the upper lid a little past it, :data:`OVERLAP`).
        """
        span = max(float(self.u[-1] - self.u[0]), 1e-6)
        s = (self.u - self.u[0]) / span
        bump = np.clip(4.0 * s * (1.0 - s), 0.0, 1.0)
        up = self.upper + UPPER_FOLLOW * lift * bump
        lo = self.lower + LOWER_FOLLOW * lift * bump
        lo = np.minimum(lo, up)
        b = float(np.clip(blink, 0.0, 1.0))
        if b > 0:
            close = lo + CLOSE_LINE * (up - lo)
            up, lo = up + b * (close - OVERLAP * b * (up - lo) - up), lo + b * (close - lo)
        return Lids(self.u, up, lo)

    def at(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Upper and lower lid v at each u (clamped to the corners' values beyond them)."""
        return np.interp(u, self.u, self.upper).astype(np.float32), np.interp(u, self.u, self.lower).astype(np.float32)


def opening(u: np.ndarray, v: np.ndarray, lids: Lids, edge: float) -> np.ndarray:
    """Soft eye-opening mask: (h, w) float32 in [0, 1], 1 more than ``edge``/2 inside both lids
    and the corners, 0 on and beyond the lid lines.

    Args:
        u, v: (h, w) float32 eye-frame coordinates; edge: width of the soft rim, pixels.
    """
    up, lo = lids.at(u)
    d = np.minimum(up - v, v - lo)
    d = np.minimum(d, np.minimum(u - lids.u[0], lids.u[-1] - u))
    return np.clip(d / max(edge, 1e-3), 0.0, 1.0).astype(np.float32)


def lid_shadow(u: np.ndarray, v: np.ndarray, lids: Lids, reach: float, strength: float = 0.3) -> np.ndarray:
    """Multiplier (h, w) float32 in [1 - strength, 1]: the upper lid's shadow, darkest at its
    edge and fading over ``reach`` pixels below it."""
    up, _ = lids.at(u)
    d = np.maximum(up - v, 0.0)
    return (1.0 - strength * np.exp(-d / max(reach, 1e-3))).astype(np.float32)


SHADOW_LIFT = (1.0, 1.4)
"""The most the upper lid's shadow moved off a painted iris pixel may lighten it, at least and at
most (:func:`shadow_lift`; the upper bound is the render's clip of the shadow ratio before
919d3a1, so an iris too hidden to measure is lightened as before: :func:`lid_shadow`'s ratio
reaches 1 / 0.7 = 1.43, which 919d3a1's 1 / 0.6 let through)."""


def shadow_lift(light: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids, centre: np.ndarray, radius: float, reach: float) -> float:
    """How much lighter the painted iris is out of the upper lid's shadow than in it (the bound
    :func:`sfumato.rig.eye.render_eye` clips the shadow's ratio at, a multiplier of the iris' sRGB;
    read here as a ratio of CIE L, which for a lift up to 1.4 is within a few per cent of the
    ratio of sRGB values of a brown iris): the median
    CIE L of its outer ring's upper half (0.5..0.95 radii, above its centre) from ``reach`` to 3
    ``reach`` pixels below the upper lid over that of the band within ``reach`` of it, in
    :data:`SHADOW_LIFT`; where either holds fewer than 8 pixels (an iris mostly under its lid)
    nothing says, and the most (the ratio as it was).

    :func:`lid_shadow`'s ratio (the shadow now over the shadow painted on the iris) lightens
    paint moved out from the lid by up to 1 / 0.7 whatever the painter did; an iris painted as
    dark under the lid as below it (the Mona Lisa's: 28.2 L in the band, 29.5 below) was never
    in that shade, and lightened it reads an amber rim over the moved iris. The ring's upper half,
    not the disc, so a dark pupil or a lit lower iris below the band is not read as its shade. Most paintings' irises are
    much darker in the band (0.1..0.8 of the L below it on the bench paintings) and keep the
    full ratio.

    Args:
        light: (h, w) float32 CIE L of the painting; u, v: (h, w) float32 eye-frame
            coordinates; centre: (2,) iris centre (x, y) and ``radius``, pixels.
    """
    up, lo = lids.at(u)
    d = up - v
    yy, xx = np.mgrid[0 : light.shape[0], 0 : light.shape[1]]
    rr = np.hypot(xx - centre[0], yy - centre[1]) / max(radius, 1e-3)
    ring = (rr > 0.5) & (rr < 0.95) & (yy < centre[1]) & (v - lo > 1.0)
    band, below = ring & (d > 0.5) & (d < reach), ring & (d >= reach) & (d < 3.0 * reach)
    if band.sum() < 8 or below.sum() < 8:
        return SHADOW_LIFT[1]
    lift = float(np.median(light[below])) / max(float(np.median(light[band])), 1.0)
    return float(np.clip(lift, *SHADOW_LIFT))


def skin_source(u: np.ndarray, v: np.ndarray, rest: Lids, now: Lids, reach: float) -> np.ndarray | None:
    """Where each pixel of the displaced lid skin comes from: (h, w) float32 source v, or None
    when the lids are at rest.

    Above the current upper lid the skin moves with the lid, the displacement fading linearly
    to zero ``reach`` pixels (plus the displacement) above it; the same below the lower lid.

    Args:
        u, v: (h, w) float32 eye-frame coordinates of the output pixels.
        rest: the painted lids; now: the moved lids; reach: fade distance, pixels.
    """
    d_up = now.upper - rest.upper
    d_lo = now.lower - rest.lower
    if not (np.abs(d_up).max() > 1e-3 or np.abs(d_lo).max() > 1e-3):
        return None
    up_now, lo_now = now.at(u)
    du = np.interp(u, now.u, d_up).astype(np.float32)
    dl = np.interp(u, now.u, d_lo).astype(np.float32)
    h_up = reach + np.abs(du)
    h_lo = 0.6 * reach + np.abs(dl)
    f_up = np.clip(1.0 - (v - up_now) / h_up, 0.0, 1.0) * (v >= up_now)
    f_lo = np.clip(1.0 - (lo_now - v) / h_lo, 0.0, 1.0) * (v <= lo_now)
    return (v - du * f_up - dl * f_lo).astype(np.float32)
