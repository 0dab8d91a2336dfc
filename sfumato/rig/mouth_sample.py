"""Sampling the painting through the mouth rig's two pre-images (upper lip, lower lip).

Every pixel of the mouth's region takes the upper lip's pre-image with weight ``wu`` and the
lower lip's with ``wl`` (each in [0, 1]; where they sum to less than 1 the mouth is open).
Most rows take one of them whole: there the result is that lip's bicubic sample as it is, so
only the band of rows where the lips meet or part needs both samples and their blend.
"""

from __future__ import annotations

import cv2
import numpy as np


def clip01(x: np.ndarray) -> np.ndarray:
    """``x`` clipped to [0, 1] (np.clip's values, without its Python overhead on small arrays)."""
    return np.minimum(np.maximum(x, 0.0), 1.0)


def bicubic(image: np.ndarray, mx: np.ndarray, my: np.ndarray) -> np.ndarray:
    """``image`` ((H, W, 3) uint8) sampled at maps ((h, w) float32): (h, w, 3) uint8."""
    return cv2.remap(image, mx, my, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def sample_rows(image: np.ndarray, mx: np.ndarray, my: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``image`` resampled (bicubic) through maps ((h, w) float32), as (h, w, 3) float32, only on
    the rows where ``weight`` ((h, w)) is anywhere > 0; 0 elsewhere, where its weight is 0
    (the same weighted sum as resampling everything, at a part of the cost)."""
    out = np.zeros(mx.shape + image.shape[2:], np.float32)
    rows = np.nonzero(weight.max(1) > 0)[0]
    if len(rows):
        a, b = int(rows[0]), int(rows[-1]) + 1
        out[a:b] = bicubic(image, mx[a:b], my[a:b])
    return out


def one_lip_rows(wu: np.ndarray, wl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(only_up, only_low): (h,) bool, rows whose every pixel takes the upper (lower) pre-image
    whole (weights (h, w) in [0, 1]: 1 and 0)."""
    return (wu.min(1) == 1.0) & (wl.max(1) == 0.0), (wl.min(1) == 1.0) & (wu.max(1) == 0.0)


def sample_one_lip(image: np.ndarray, only_up: np.ndarray, up: tuple[np.ndarray, np.ndarray],
                   low: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Each row sampled through the upper maps where ``only_up`` ((h,) bool), else the lower
    ones (maps (h, w) float32): (h, w, 3) uint8, what a one-lip row's blend is exactly."""
    pick = only_up[:, None]
    return bicubic(image, np.where(pick, up[0], low[0]), np.where(pick, up[1], low[1]))


def blend_lips(image: np.ndarray, up: tuple[np.ndarray, np.ndarray], low: tuple[np.ndarray, np.ndarray],
               wu: np.ndarray, wl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both lips' samples blended by their weights: (colour (h, w, 3) float32 RGB, gap (h, w)
    float32 in [0, 1], how much of each pixel is opening)."""
    a, b = sample_rows(image, *up, wu), sample_rows(image, *low, wl)
    total = wu + wl
    colour = (a * wu[..., None] + b * wl[..., None]) / np.maximum(total, 1e-6)[..., None]
    return colour, clip01(1.0 - total)
