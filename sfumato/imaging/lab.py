"""RGB <-> CIE Lab in one place (OpenCV's float conversion, D65 white, sRGB gamma).

Every measure and every rig layer that reads lightness or hue goes through these, so they all
read the same numbers: ``L`` in [0, 100], ``a`` and ``b`` roughly in [-127, 127] (0 is grey).
"""

from __future__ import annotations

import cv2
import numpy as np


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab of RGB pixels.

    Args:
        rgb: (..., 3) RGB in [0, 255], any dtype (uint8 frames, float32 layers); values outside
            [0, 255] are clipped first. An (H, W, 3) image, an (N, 3) list of colours or one (3,)
            colour.

    Returns:
        (..., 3) float32 Lab, the same shape: L in [0, 100], a and b roughly in [-127, 127].
    """
    x = np.asarray(rgb)
    if x.size == 0:  # an empty mask's pixels: OpenCV will not convert a (1, 0, 3) image
        return np.zeros(x.shape, np.float32)
    flat = x if x.ndim == 3 else x.reshape(1, -1, 3)
    lab = cv2.cvtColor(np.clip(flat, 0, 255).astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    return lab if x.ndim == 3 else lab.reshape(x.shape)


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L of RGB pixels: (..., 3) RGB in [0, 255] (any dtype) -> (...) float32 in [0, 100]."""
    return rgb_to_lab(rgb)[..., 0]


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """RGB of CIE Lab pixels, the inverse of :func:`rgb_to_lab`.

    Args:
        lab: (..., 3) Lab (L in [0, 100]), any float dtype; (H, W, 3), (N, 3) or (3,).

    Returns:
        (..., 3) float32 RGB in [0, 255] (OpenCV clips out-of-gamut colours to the cube), the same
        shape, not rounded.
    """
    x = np.asarray(lab, np.float32)
    if x.size == 0:
        return np.zeros(x.shape, np.float32)
    flat = x if x.ndim == 3 else x.reshape(1, -1, 3)
    rgb = cv2.cvtColor(flat, cv2.COLOR_Lab2RGB) * np.float32(255.0)
    return rgb if x.ndim == 3 else rgb.reshape(x.shape)


def luminance(light: np.ndarray | float) -> np.ndarray:
    """Relative luminance Y in [0, 1] of CIE lightness ``light`` ((...) L in [0, 100]): light, not
    its perceived lightness, is what a shade multiplies. (...) float32."""
    x = np.asarray(light, np.float32)
    return np.where(x > 8.0, ((x + 16.0) / 116.0) ** 3, x / 903.3).astype(np.float32)


def lightness_of(y: np.ndarray | float) -> np.ndarray:
    """CIE L of relative luminance ``y`` ((...) in [0, 1]), the inverse of :func:`luminance`:
    (...) float32 in [0, 100]."""
    x = np.maximum(np.asarray(y, np.float32), 0.0)
    return np.where(x > 0.008856, 116.0 * np.cbrt(x) - 16.0, 903.3 * x).astype(np.float32)


RGB_Y = np.array([0.2126, 0.7152, 0.0722])
"""Relative luminance Y of linear sRGB (Rec. 709 weights, the D65 white of :func:`rgb_to_lab`)."""


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 255] (clipped) -> linear light in [0, 1] (the sRGB curve), float64, any shape."""
    x = np.clip(np.asarray(rgb, np.float64) / 255.0, 0.0, 1.0)
    return np.where(x > 0.04045, ((x + 0.055) / 1.055) ** 2.4, x / 12.92)


def linear_to_srgb(lin: np.ndarray) -> np.ndarray:
    """The inverse of :func:`srgb_to_linear`: linear light (clipped to [0, 1]) -> sRGB in [0, 255],
    float64, any shape, not rounded."""
    x = np.clip(np.asarray(lin, np.float64), 0.0, 1.0)
    return 255.0 * np.where(x > 0.0031308, 1.055 * x ** (1 / 2.4) - 0.055, 12.92 * x)


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance Y in [0, 1] of sRGB pixels: (..., 3) in [0, 255] -> (...) float64
    (the Y that :func:`luminance` gives of their CIE L)."""
    return srgb_to_linear(rgb) @ RGB_Y


def grey_shift(rgb: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``rgb`` ((..., 3) RGB in [0, 255]) with one offset added to all three channels, so that its
    relative luminance (:func:`relative_luminance`) is ``y`` ((...) in [0, 1]): a lighter or darker
    pixel of the same chroma, where scaling the channels would grey a darker one (its CIE L is
    :func:`lightness_of` ``y`` either way). Newton's method on the sRGB curve, four steps; (..., 3)
    float32 in [0, 255] (clipped: a target beyond the cube is not reached)."""
    x = np.asarray(rgb, np.float64)
    target = np.asarray(y, np.float64)
    k = np.zeros(target.shape)
    for _ in range(4):
        s = np.clip((x + k[..., None]) / 255.0, 0.0, 1.0)
        slope = np.where(s > 0.04045, 2.4 / 1.055 * ((s + 0.055) / 1.055) ** 1.4, 1.0 / 12.92) / 255.0
        k += (target - relative_luminance(x + k[..., None])) / np.maximum(slope @ RGB_Y, 1e-6)
    return np.clip(x + k[..., None], 0.0, 255.0).astype(np.float32)
