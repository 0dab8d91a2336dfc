"""Small array helpers shared by precompute and live: resize, square crops, pasting.

Images are (H, W, C) uint8 unless stated otherwise. Boxes are (x, y, w, h) in pixels.
"""

from __future__ import annotations

import cv2
import numpy as np


def resize_max_side(image: np.ndarray, max_side: int, upscale: bool = False) -> tuple[np.ndarray, float]:
    """Scale ``image`` so its longest side is ``max_side`` (only down unless ``upscale``).

    Returns:
        The resized image (the input itself when no scaling is needed) and the scale factor
        (new size / old size).
    """
    h, w = image.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0 and not upscale or scale == 1.0:
        return image, 1.0
    size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, size, interpolation=interp), scale


def resize_to(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize to exactly (width, height), area-averaging when shrinking."""
    h, w = image.shape[:2]
    interp = cv2.INTER_AREA if width < w or height < h else cv2.INTER_LINEAR
    return cv2.resize(image, (int(width), int(height)), interpolation=interp)


def clip_box(x: int, y: int, side: int, width: int, height: int) -> tuple[int, int, int, int]:
    """Intersect the square (x, y, side, side) with a width x height image: (x, y, w, h)."""
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + side), min(height, y + side)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box {(x, y, side)} lies outside the {width}x{height} image")
    return x0, y0, x1 - x0, y1 - y0


def points_box(points: np.ndarray, grow: float, width: int, height: int) -> tuple[int, int, int, int]:
    """The box around ``points`` ((K, 2) x, y pixels) grown by ``grow`` pixels per side, clipped
    to a width x height image: (x0, y0, x1, y1) ints, x1/y1 exclusive (possibly empty)."""
    x0, y0 = np.clip(np.floor(points.min(0) - grow).astype(int), 0, [width, height])
    x1, y1 = np.clip(np.ceil(points.max(0) + grow).astype(int), 0, [width, height])
    return int(x0), int(y0), int(x1), int(y1)


def square_around(box: tuple[float, float, float, float], margin: float, lift: float = 0.0,
                  min_side: float = 8.0) -> tuple[int, int, int]:
    """The square (x, y, side) px around a face box (x, y, w, h), grown by ``margin`` per side.

    side = max(w, h) * (1 + 2 * margin) (at least ``min_side``); the square is centred on the
    box, moved up by ``lift`` * h (a little more forehead than chin: vox-style FOMM crops).
    """
    x, y, w, h = box
    side = max(float(min_side), max(w, h) * (1.0 + 2.0 * margin))
    cx, cy = x + w / 2.0, y + h / 2.0 - lift * h
    return int(round(cx - side / 2)), int(round(cy - side / 2)), int(round(side))


def pad_square_crop(image: np.ndarray, x: int, y: int, side: int) -> np.ndarray:
    """The (side, side) square at (x, y), edge-replicated where it leaves the image.

    Args:
        image: (H, W, C) array.
    Returns:
        (side, side, C) copy.
    """
    h, w = image.shape[:2]
    cx, cy, cw, ch = clip_box(x, y, side, w, h)
    inner = image[cy : cy + ch, cx : cx + cw]
    top, left = cy - y, cx - x
    bottom, right = side - ch - top, side - cw - left
    if top == left == bottom == right == 0:
        return inner.copy()
    return cv2.copyMakeBorder(inner, top, bottom, left, right, cv2.BORDER_REPLICATE)


def paste(canvas: np.ndarray, patch: np.ndarray, x: int, y: int) -> np.ndarray:
    """Copy ``patch`` into ``canvas`` at (x, y) in place and return ``canvas``."""
    h, w = patch.shape[:2]
    canvas[y : y + h, x : x + w] = patch
    return canvas
