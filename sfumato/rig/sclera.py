"""The white of the eye: its smooth colour and the canvas texture laid over it.

What fills in where an iris leaves must read as the same paint as the visible white around
it: as bright (not the brightest white, its local typical value), as warm, shaded the same way
(darker toward the corners and under the upper lid), and crossed by the same craquelure. The
colour (:func:`white_colour`) is the local mean of the visible white, dark outliers (cracks,
lashes) left out, interpolated under the iris by anisotropic normalised convolution; the
texture (:func:`canvas_texture`) is the painting's own fine luminance modulation at each
pixel, which stays put on the canvas while the iris moves.

The smooth fills run at a bounded work scale (:data:`WORK_SIDE`) so a huge painting's eye
analysis stays cheap.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.resize import resize_max_side, resize_to

WORK_SIDE = 240
"""Smooth fills (inpainting under the lids, the white of the eye) are computed on an eye ROI
of at most this many pixels per side and upsampled: their cost no longer grows with the
painting's resolution, and being smooth they lose nothing."""


def _inpaint(image: np.ndarray, mask: np.ndarray, radius: float) -> np.ndarray:
    """``cv2.inpaint`` (Telea) at work scale; known pixels keep their full-resolution values.

    Args:
        image: (h, w, 3) uint8; mask: (h, w) uint8, 1 where to fill.

    Returns:
        (h, w, 3) uint8.
    """
    small, scale = resize_max_side(image, WORK_SIDE)
    if scale == 1.0:
        return cv2.inpaint(image, mask, radius, cv2.INPAINT_TELEA)
    small_mask = cv2.resize(mask, small.shape[1::-1], interpolation=cv2.INTER_NEAREST)
    filled = cv2.inpaint(small, small_mask, max(1.0, radius * scale), cv2.INPAINT_TELEA)
    up = resize_to(filled, image.shape[1], image.shape[0])
    return np.where(mask[..., None] > 0, up, image)


def _normalised_fill(image: np.ndarray, known: np.ndarray, sigma: float) -> np.ndarray:
    """:func:`_normalised_fill_full` at work scale, upsampled (the result is smooth)."""
    small, scale = resize_max_side(image, WORK_SIDE)
    if scale == 1.0:
        return _normalised_fill_full(image, known, sigma)
    small_known = resize_to(known, small.shape[1], small.shape[0])
    return resize_to(_normalised_fill_full(small, small_known, max(0.5, sigma * scale)), image.shape[1], image.shape[0])


def _normalised_fill_full(image: np.ndarray, known: np.ndarray, sigma: float) -> np.ndarray:
    """Fill an image from its ``known`` pixels by multi-scale normalised convolution.

    Smoothing is anisotropic (wider along x than y) so the vertical shading of the white of the
    eye is kept.

    Args:
        image: (h, w, 3) float32.
        known: (h, w) float32 >= 0, weight of each pixel as a sample.
        sigma: horizontal scale of the finest level, pixels.

    Returns:
        (h, w, 3) float32: a smooth interpolation of the known pixels everywhere.
    """
    weighted = image * known[..., None]
    peak = float(known.max()) or 1.0
    out = None
    for s in (8.0, 4.0, 2.0, 1.0):  # coarse to fine
        sx, sy = sigma * s, max(0.5, sigma * s / 3.0)
        num = cv2.GaussianBlur(weighted, (0, 0), sigmaX=sx, sigmaY=sy, borderType=cv2.BORDER_REFLECT)
        den = cv2.GaussianBlur(known, (0, 0), sigmaX=sx, sigmaY=sy, borderType=cv2.BORDER_REFLECT)
        est = num / np.maximum(den, 1e-6)[..., None]
        if out is None:
            out = est
        else:
            a = np.clip(den / (0.2 * peak), 0.0, 1.0)[..., None]
            out = a * est + (1.0 - a) * out
    return out


def _masked_blur(x: np.ndarray, mask: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blur of ``x`` over the pixels of ``mask`` only: (mean, blurred mask)."""
    den = cv2.GaussianBlur(mask, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    num = cv2.GaussianBlur(x * mask, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return num / np.maximum(den, 1e-6), den


def canvas_texture(
    image: np.ndarray, regions: list[np.ndarray], sigma: float, hole: np.ndarray, shift: tuple[float, float],
    lo: float = 0.75, hi: float = 1.25,
) -> np.ndarray:
    """The painting's fine luminance modulation (craquelure, brush grain) at every pixel.

    Each pixel's luminance is divided by its local mean taken over its own region only (e.g.
    white, iris, lids), so the strong edges between regions (the iris rim, the lid line) leave
    no trace, only the texture within them. Under ``hole`` (the painted iris, whose own
    structure and catchlight would print a ghost where the white fills in) the texture is
    taken from beside it, ``shift`` pixels away: the same canvas, the same cracks' character.

    Args:
        image: (h, w, 3) float32 RGB.
        regions: (h, w) float32 {0, 1} masks partitioning the image.
        sigma: scale of the texture, pixels.
        hole: (h, w) float32 in [0, 1], where to borrow the texture from beside.
        shift: (dx, dy) pixels, where to borrow it from.
        lo, hi: clip of the ratio.

    Returns:
        (h, w) float32 ratio, about 1 on average.
    """
    lum = image.mean(2)
    local = np.zeros_like(lum)
    for m in regions:
        mean, _ = _masked_blur(lum, m, sigma)
        local += m * mean
    ratio = np.clip(lum / np.maximum(local, 1.0), lo, hi).astype(np.float32)
    h, w = ratio.shape
    move = np.float32([[1, 0, -shift[0]], [0, 1, -shift[1]]])
    beside = cv2.warpAffine(ratio, move, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return ratio * (1.0 - hole) + beside * hole


def white_colour(image: np.ndarray, known: np.ndarray, sigma: float, percentile: float = 25.0) -> np.ndarray:
    """Smooth colour of the white of the eye everywhere, matched to the visible painted white.

    The visible white pixels (``known``) are compared with their neighbourhood's mean; those
    darker relative to it than the ``percentile`` of all of them (cracks, lashes, the iris'
    shadow) are left out, and the rest are interpolated by anisotropic normalised convolution.
    The fill so takes the local brightness, warmth and vertical shading of the white on either
    side, not its lightest value; a higher percentile gives a lighter fill.

    Args:
        image: (h, w, 3) float32 RGB; known: (h, w) float32 >= 0, visible-white weights.
        sigma: horizontal scale of the interpolation's finest level, pixels.
        percentile: in [0, 100).

    Returns:
        (h, w, 3) float32 RGB.
    """
    lum = image.mean(2)
    mean, den = _masked_blur(lum, known, max(1.0, sigma))
    ratio = lum / np.maximum(mean, 1.0)
    sel = (known > 0.5) & (den > 1e-3)
    if not sel.any():
        return _normalised_fill(image, known.astype(np.float32), sigma=sigma)
    dark = float(np.percentile(ratio[sel], percentile))
    keep = known * np.clip((ratio - dark) / 0.04 + 0.5, 0.0, 1.0) * (den > 1e-3)
    if keep.sum() < 3:
        keep = known
    return _normalised_fill(image, keep.astype(np.float32), sigma=sigma)
