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


def select_white(light: np.ndarray, candidates: np.ndarray, iris_light: float) -> np.ndarray:
    """The painted eye white among ``candidates``: all but their darkest part, well above the iris.

    Lid rims, lashes and shadowed corners inside a loose lid contour are darker than the white
    and are left out, so they cannot tint the rebuilt white.

    Args:
        light: (h, w) float32 CIE L; candidates: (h, w) bool, inside the opening off the iris.
        iris_light: median L of the iris.

    Returns:
        (h, w) float32 {0, 1}.
    """
    if candidates.sum() < 4:
        return candidates.astype(np.float32)
    vals = light[candidates]
    p90 = float(np.percentile(vals, 90))
    thr = max(float(np.percentile(vals, 20)), iris_light + 0.3 * (p90 - iris_light))
    return (candidates & (light >= thr)).astype(np.float32)


def shading_model(
    image: np.ndarray, white: np.ndarray, t: np.ndarray, a: np.ndarray, bins: int = 5
) -> np.ndarray:
    """The eye white's colour everywhere from a shading model fitted to the painted white.

    Colour = the white's median colour x f(t) x g(a): ``t`` in [0, 1] from the lower lid (0)
    to the upper lid (1), ``a`` = u / half width in [-1, 1] toward the corners (each side its
    own g). f and g are the painted white's binned median lightness ratios; bins (or a side)
    without painted white fall back to a default shading (darker under the upper lid and
    toward the corners).

    Args:
        image: (h, w, 3) float32 RGB; white: (h, w) float32 {0, 1}; t, a: (h, w) float32
            (a signed).

    Returns:
        (h, w, 3) float32 RGB.
    """
    sel = white > 0.5
    lum = image.mean(2)
    centres = (np.arange(bins) + 0.5) / bins
    f_default = 1.0 - 0.22 * np.clip((centres - 0.45) / 0.55, 0, 1) ** 1.5
    g_default = 1.0 - 0.4 * centres**2
    if sel.sum() < 4:  # nothing painted to fit: the ROI's lightest tenth, default shading
        sel = lum >= np.percentile(lum, 90)
    colour = np.median(image[sel], 0)
    base = max(float(np.median(lum[sel])), 1.0)

    def fit(x: np.ndarray, default: np.ndarray, where: np.ndarray) -> np.ndarray:
        if where.sum() < 4:
            return default
        idx = np.clip((x[where] * bins).astype(int), 0, bins - 1)
        vals = lum[where]
        out = default.copy()
        for k in range(bins):
            m = idx == k
            if m.sum() >= 3:
                out[k] = np.median(vals[m]) / base
        return out / max(float(np.interp(np.median(x[sel]), centres, out)), 1e-3)

    f = fit(np.clip(t, 0, 1), f_default, sel)
    g_neg = fit(np.clip(-a, 0, 1), g_default, sel & (a < 0))
    g_pos = fit(np.clip(a, 0, 1), g_default, sel & (a > 0))
    aa = np.clip(np.abs(a), 0, 1)
    g = np.where(a < 0, np.interp(aa, centres, g_neg), np.interp(aa, centres, g_pos))
    scale = np.interp(np.clip(t, 0, 1), centres, f) * g
    return (colour[None, None, :] * scale[..., None]).astype(np.float32)


def sclera_plate(
    image: np.ndarray, white: np.ndarray, hole: np.ndarray, model: np.ndarray, sigma: float, shifts: list[tuple[float, float]]
) -> np.ndarray:
    """The whole eye white rebuilt: painted-white colour (shading model where no white is near)
    times the canvas texture.

    The colour is :func:`white_colour` of the visible white where enough of it lies near,
    fading to the ``model`` (:func:`shading_model`) away from it. The texture is the visible
    white's own fine luminance modulation (crackle, canvas grain); where no white is painted
    (under the old iris, its rim and halo) it is borrowed from ``shifts`` pixels away (the
    first shift landing on painted white or skin outside ``hole`` wins: the same canvas), so
    nothing of the old iris shows.

    Args:
        image: (h, w, 3) float32 RGB ROI in [0, 255].
        white: (h, w) float32 {0, 1}: the visible painted white (:func:`select_white`).
        hole: (h, w) float32 in [0, 1]: the painted iris with its rim and halo.
        model: (h, w, 3) float32 RGB shading model.
        sigma: scale (pixels) of the colour interpolation; the texture's is a quarter of it.
        shifts: (dx, dy) offsets, pixels, to borrow texture from.

    Returns:
        (h, w, 3) float32 RGB: the eye white everywhere in the ROI.
    """
    local = white_colour(image, white, max(1.0, sigma), percentile=25.0)
    near = cv2.GaussianBlur(white, (0, 0), max(1.0, sigma))
    conf = np.clip(near / 0.35, 0.0, 1.0)[..., None]
    colour = local * conf + model * (1.0 - conf)
    # texture: the white's own, else the skin's (the same canvas and crackle), never the iris'
    lum = image.mean(2)
    skin = (1.0 - np.clip(white + hole, 0, 1)).astype(np.float32)
    ratio = np.ones_like(lum)
    for region in (white, skin):
        mean, _ = _masked_blur(lum, region, max(0.8, 0.25 * sigma))
        ratio = np.where(region > 0.5, np.clip(lum / np.maximum(mean, 1.0), 0.85, 1.15), ratio)
    ratio = ratio.astype(np.float32)
    source = ((white > 0.5) | (skin > 0.5)).astype(np.float32)
    tex, done = ratio.copy(), (white > 0.5)
    h, w = ratio.shape
    for dx, dy in shifts:
        move = np.float32([[1, 0, -dx], [0, 1, -dy]])
        r = cv2.warpAffine(ratio, move, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        ok = cv2.warpAffine(source, move, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT) > 0.5
        take = ok & ~done
        tex[take] = r[take]
        done |= take
    return colour * tex[..., None]
