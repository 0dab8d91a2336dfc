"""The inside of the mouth, painted in the painting's own colours.

Most portraits have closed mouths, so when the rig opens one there is nothing to show. The
cavity is synthesised from the crop itself: a dark colour from the darkest lip/shadow pixels,
a hint of upper teeth from the face's lightest tones (muted), a tongue from the lip colour,
and the painting's fine texture (brush strokes, craquelure) laid over it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face import topology as T


@dataclass(frozen=True)
class Palette:
    """RGB colours (floats in [0, 255]) of the inside of the mouth."""

    dark: tuple[float, float, float]
    teeth: tuple[float, float, float]
    tongue: tuple[float, float, float]


def _polygon_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask.astype(bool)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114])


def mouth_palette(image: np.ndarray, landmarks: np.ndarray) -> Palette:
    """Colours for the cavity, measured on the crop.

    Args:
        image: (S, S, 3) uint8 RGB head crop.
        landmarks: (478, 3) float FaceMesh points in crop pixels.
    """
    lm = np.asarray(landmarks, np.float64)[:, :2]
    shape = image.shape[:2]
    lips = _polygon_mask(shape, np.concatenate([lm[list(T.LIPS_OUTER_UPPER)], lm[list(T.LIPS_OUTER_LOWER)][::-1]]))
    lips = cv2.dilate(lips.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    px = image[lips].astype(np.float64)
    if len(px) < 10:
        px = image.reshape(-1, 3).astype(np.float64)
    luma = _luma(px)
    lip = np.median(px, axis=0)
    shadow = px[luma <= np.percentile(luma, 8)].mean(0)  # the painted line between the lips
    dark = shadow * 0.3
    face = _polygon_mask(shape, lm[list(T.JAW_LINE) + list(T.CHEEKS)][np.argsort(_angles(lm, list(T.JAW_LINE) + list(T.CHEEKS)))])
    fpx = image[face].astype(np.float64) if face.sum() > 50 else px
    light = fpx[_luma(fpx) >= np.percentile(_luma(fpx), 92)].mean(0)
    light = 0.6 * light + 0.4 * _luma(light[None])[0]  # muted, ivory rather than white
    teeth = shadow + 0.55 * (light - shadow)
    tongue = shadow + 0.45 * (lip - shadow) * np.array([1.1, 0.85, 0.85])
    as_t = lambda c: tuple(float(x) for x in np.clip(c, 0, 255))  # noqa: E731
    return Palette(dark=as_t(dark), teeth=as_t(teeth), tongue=as_t(tongue))


def _angles(lm: np.ndarray, idx: list[int]) -> np.ndarray:
    """Angles of points around their centroid (orders an outline into a polygon)."""
    p = lm[idx]
    c = p.mean(0)
    return np.arctan2(p[:, 1] - c[1], p[:, 0] - c[0])


def cavity_colour(t: np.ndarray, un: np.ndarray, height: np.ndarray, palette: Palette) -> np.ndarray:
    """Colour of the open mouth at each pixel.

    Args:
        t: (H, W) float position from the upper lip (0) to the lower lip (1).
        un: (H, W) float position across the mouth, -1 at the right corner, +1 at the left.
        height: (H, W) float opening height at that column, in mouth widths.

    Returns:
        (H, W, 3) float32 RGB in [0, 255].
    """
    dark, teeth, tongue = (np.asarray(c, np.float32) for c in (palette.dark, palette.teeth, palette.tongue))
    across = np.sqrt(np.clip(1.0 - un**2, 0.0, 1.0))
    tall = np.clip((height - 0.15) / 0.2, 0.0, 1.0)  # teeth and tongue only in a wide-open mouth
    tooth = np.clip((0.32 - t) / 0.14, 0.0, 1.0) * across * tall
    tongue_w = np.clip((t - 0.55) / 0.3, 0.0, 1.0) * np.clip(1.0 - (un / 0.75) ** 2, 0.0, 1.0) * tall
    shade = (0.8 + 0.2 * np.abs(un))[..., None]  # deeper in the middle
    out = dark * shade + tooth[..., None] * (teeth - dark) + tongue_w[..., None] * (tongue - dark)
    return out.astype(np.float32)


def paint_detail(region: np.ndarray, sigma: float = 1.2) -> np.ndarray:
    """The fine texture of the painting: (H, W, 3) float32, the region minus its blur."""
    f = region.astype(np.float32)
    return 0.8 * (f - cv2.GaussianBlur(f, (0, 0), sigma))
