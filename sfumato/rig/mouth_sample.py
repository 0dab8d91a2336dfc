"""Sampling the painting through the mouth rig's two pre-images (upper lip, lower lip).

Every pixel of the mouth's region takes the upper lip's pre-image with weight ``wu`` and the
lower lip's with ``wl`` (each in [0, 1]; where they sum to less than 1 the mouth is open).
Most rows take one of them whole: there the result is that lip's bicubic sample as it is, so
only the band of rows where the lips meet or part needs both samples, their blend and the
per-pixel weights; which rows take one lip whole is judged on the coarse grid the maps are
interpolated from, so elsewhere only that lip's two maps are interpolated.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.rig.fields import upsample


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


def one_lip_rows(depth_u: np.ndarray, depth_l: np.ndarray, soft: float, step: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(only_up, only_low): (rows,) bool, the pixel rows that surely take the upper (lower)
    pre-image whole, judged on the grid nodes (:func:`sfumato.rig.fields.coarse_grid`).

    A pixel's weights are ``clip(0.5 - depth_u / soft)`` and ``clip(0.5 + depth_l / soft)``;
    its depths are bilinear mixes of the depths at the nodes of its grid cell (``depth_u``,
    ``depth_l``: (ny, nx)), so where every node of the cell's two node rows lies beyond
    ``soft / 2`` on one side (with a margin far above float rounding) so does the pixel.
    A row left unmarked may still take one lip whole (it is blended, which gives the same).
    """
    lim = 0.5 * soft * 1.001 + 1e-3
    up = ((depth_u <= -lim) & (depth_l <= -lim)).all(1)
    low = ((depth_u >= lim) & (depth_l >= lim)).all(1)
    i = np.arange(rows) // step  # pixel row r lies between node rows i and i + 1
    return up[i] & up[i + 1], low[i] & low[i + 1]


def sample_one_lip(image: np.ndarray, only_up: np.ndarray, coarse: list[np.ndarray], step: int, shape: tuple[int, int],
                   rows: tuple[int, int]) -> np.ndarray:
    """Rows ``rows`` (r0, r1) of the region ``shape`` (h, w), each taking one lip whole: the
    upper lip's where ``only_up`` ((h,) bool), else the lower's: (r1 - r0, w, 3) uint8, the
    bicubic sample (what the blend gives there exactly). ``coarse``: the grid maps (upper x,
    upper y, ..., lower x, lower y at 3 and 4; see ``MouthRig._coarse``)."""
    r0, r1 = rows
    pick = only_up[r0:r1]
    if pick.all() or not pick.any():
        k = 0 if pick.all() else 3
        return bicubic(image, *upsample(coarse[k : k + 2], step, shape, rows))
    mxu, myu, mxl, myl = upsample([coarse[0], coarse[1], coarse[3], coarse[4]], step, shape, rows)
    return bicubic(image, np.where(pick[:, None], mxu, mxl), np.where(pick[:, None], myu, myl))


def blend_lips(image: np.ndarray, up: tuple[np.ndarray, np.ndarray], low: tuple[np.ndarray, np.ndarray],
               wu: np.ndarray, wl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both lips' samples blended by their weights: (colour (h, w, 3) float32 RGB, gap (h, w)
    float32 in [0, 1], how much of each pixel is opening)."""
    a, b = sample_rows(image, *up, wu), sample_rows(image, *low, wl)
    total = wu + wl
    colour = (a * wu[..., None] + b * wl[..., None]) / np.maximum(total, 1e-6)[..., None]
    return colour, clip01(1.0 - total)
