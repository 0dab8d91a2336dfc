"""The eye white's smooth colour, interpolated from the painted white's samples.

:func:`white_colour` is the local mean of the visible white, dark outliers (cracks, lashes) left
out, interpolated by anisotropic normalised convolution; :func:`two_sided_colour` fills each side
of the iris from its own samples and blends them across it (:func:`meet`). The smooth fills run
at a bounded work scale (:data:`WORK_SIDE`) so a huge painting's eye analysis stays cheap.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.imaging.resize import resize_max_side, resize_to
from sfumato.rig.lids import EyeFrame, Lids
from sfumato.rig.orbit_shade import OrbitShade

WORK_SIDE = 240
"""Smooth fills (inpainting under the lids, the white of the eye) are computed on an eye ROI
of at most this many pixels per side and upsampled: their cost no longer grows with the
painting's resolution, and being smooth they lose nothing."""


def masked_blur(x: np.ndarray, mask: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blur of ``x`` over the pixels of ``mask`` only: (mean, blurred mask).

    Args:
        x: (h, w) or (h, w, C) float32; mask: (h, w) float32 weights in [0, 1] (one for every
            channel of ``x``); sigma: pixels.

    Returns:
        mean shaped like ``x``; the blurred mask, (h, w).
    """
    per_pixel = (lambda a: a[..., None]) if x.ndim == 3 and mask.ndim == 2 else (lambda a: a)
    den = cv2.GaussianBlur(mask, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    num = cv2.GaussianBlur(x * per_pixel(mask), (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return num / np.maximum(per_pixel(den), 1e-6), den


def _normalised_fill(image: np.ndarray, known: np.ndarray, sigma: float) -> np.ndarray:
    """:func:`_normalised_fill_full` at work scale, upsampled (the result is smooth)."""
    small, scale = resize_max_side(image, WORK_SIDE)
    if scale == 1.0:
        return _normalised_fill_full(image, known, sigma)
    small_known = resize_to(known, small.shape[1], small.shape[0])
    return resize_to(_normalised_fill_full(small, small_known, max(0.5, sigma * scale)), image.shape[1], image.shape[0])


def _normalised_fill_full(image: np.ndarray, known: np.ndarray, sigma: float) -> np.ndarray:
    """Fill an image from its ``known`` pixels by multi-scale normalised convolution.

    Smoothing is anisotropic (much wider along x than y) so the vertical shading of the white of
    the eye is kept across a hole.

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
    # coarse to fine; past the first (isotropic, so every pixel is reached) the vertical scale
    # stays small: the hole is filled along the eye from either side, row by row, so the
    # shade under the upper lid and the light lower white carry across it
    for sx, sy in ((8.0 * sigma, 4.0 * sigma), (8.0 * sigma, 0.5 * sigma), (4.0 * sigma, 0.5 * sigma),
                   (2.0 * sigma, 0.5 * sigma), (sigma, sigma / 3.0)):
        sy = max(0.5, sy)
        num = cv2.GaussianBlur(weighted, (0, 0), sigmaX=sx, sigmaY=sy, borderType=cv2.BORDER_REFLECT)
        den = cv2.GaussianBlur(known, (0, 0), sigmaX=sx, sigmaY=sy, borderType=cv2.BORDER_REFLECT)
        est = num / np.maximum(den, 1e-6)[..., None]
        if out is None:
            out = est
        else:
            a = np.clip(den / (0.2 * peak), 0.0, 1.0)[..., None]
            out = a * est + (1.0 - a) * out
    return out


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
    mean, den = masked_blur(lum, known, max(1.0, sigma))
    ratio = lum / np.maximum(mean, 1.0)
    sel = (known > 0.5) & (den > 1e-3)
    if not sel.any():
        return _normalised_fill(image, known.astype(np.float32), sigma=sigma)
    dark = float(np.percentile(ratio[sel], percentile))
    keep = known * np.clip((ratio - dark) / 0.04 + 0.5, 0.0, 1.0) * (den > 1e-3)
    if keep.sum() < 3:
        keep = known
    return _normalised_fill(image, keep.astype(np.float32), sigma=sigma)


def lean_shares(
    known: np.ndarray, u: np.ndarray, u_iris: float, r: float, own: tuple[bool, bool] = (False, False),
) -> tuple[float, float]:
    """How much of its own hue each side of the iris keeps: (below, above ``u_iris``) in [0, 1].

    Its white samples (``known``, float32 {0, 1}, on the lid-space grid the fill runs on:
    :func:`lid_space_samples`; ``u`` the grid's u) over :data:`FEW` squared iris radii (``r``,
    pixels: an area, as the grid's cells are, so the same eye at 2x leans alike), but never below
    its count over the other side's (two sides each with a few samples would swap hues). A side
    whose white was found with its own colour model (``own``, each side:
    :func:`sfumato.rig.painted_white.painted_white_sides`) keeps all of its hue however few its
    samples: it is a white of another paint than the other side's, not a reflex (portrait_03's
    image-right grey white, 80 cells, leaned 0.18 on the beige inner corner: b +1.3 under the old
    iris' outer half)."""
    n = [float((known * (u < u_iris)).sum()), float((known * (u >= u_iris)).sum())]
    return tuple(1.0 if own[i] else min(1.0, max(n[i] / (FEW * r * r), n[i] / max(n[1 - i], 1e-6))) for i in (0, 1))  # type: ignore[return-value]


def _lean_hue(fills: list[np.ndarray], shares: tuple[float, float], own: list[bool]) -> list[np.ndarray]:
    """Each side's fill ((h, w, 3) float32 RGB) with its lightness, its hue (CIE a, b) leaning on
    the other side's in proportion to ``shares`` (:func:`lean_shares`); a side whose fill is not
    its own samples' (``own`` False: the shading model, toned like the other side) is left as it is."""
    labs = [rgb_to_lab(f) for f in fills]
    out = list(fills)
    for i in (0, 1):
        q = shares[i]
        if own[i] and 0.0 < q < 1.0:
            mixed = labs[i].copy()
            mixed[..., 1:] = q * labs[i][..., 1:] + (1.0 - q) * labs[1 - i][..., 1:]
            out[i] = lab_to_rgb(mixed)
    return out


def two_sided_colour(
    image: np.ndarray, known: np.ndarray, model: np.ndarray, u: np.ndarray, u_iris: float, r: float, sigma: float,
    lean: tuple[float, float] | None = None, shade: OrbitShade | None = None, apart: bool = False,
) -> np.ndarray:
    """The painted white's smooth colour carried across the iris from either side.

    Each side of the iris (``u`` below / above ``u_iris``) is filled from its own samples
    (:func:`white_colour`), so a side in shade keeps its shade however little of it is painted
    and however much white the other side shows; across the iris the two fills are blended
    linearly, over the whole iris where they are one white and nearer its middle where they are
    two (a side with no samples in the orbit's shade, or ``apart``: :func:`meet`), so neither
    side's light or hue reaches far under the other's half; where a side with no samples is in
    deep shade the blend's centre moves toward the lit side (:data:`TAKEOVER` of its half width,
    :func:`blend_weight`): the lit white gives way before the iris' middle. A side with no samples takes the shading
    ``model`` (darker toward its corner), toned like the other side's samples; with no samples
    at all the model is the colour. The fill is never lighter than the samples' 90th percentile.

    Args:
        image: (h, w, 3) float32 RGB; known: (h, w) float32 {0, 1} samples of the white;
        model: (h, w, 3) float32 RGB (:func:`shading_model`); u: (h, w) float32 eye-frame
        coordinate along the eye, pixels; u_iris: the iris centre's; r: iris radius, pixels;
        sigma: finest interpolation scale, pixels; lean: each side's share of its own hue
        (:func:`lean_shares`, counted on the lid-space grid: :func:`lid_space_samples`): a side
        with few samples takes the rest of its hue from the other side (:func:`_lean_hue`);
        None: no lean; shade: the skin round the eye (:class:`~sfumato.rig.orbit_shade.OrbitShade`):
        a side with no samples is in the shade the orbit shows round it and takes the colour the
        painting's paint has at its lightness (:meth:`~sfumato.rig.orbit_shade.OrbitShade.shaded`);
        None: the model toned like the other side only; apart: the two sides are two paints
        (:func:`sfumato.rig.painted_white.painted_white_sides`), met about the iris' middle.

    Returns:
        (h, w, 3) float32 RGB.
    """
    sides = [known * (u < u_iris), known * (u >= u_iris)]
    own = own_sides(known, u, u_iris)
    fills = [white_colour(image, k, sigma, percentile=15.0) if o else None for k, o in zip(sides, own)]
    if fills[0] is None and fills[1] is None:
        return model
    for i in (0, 1):
        if fills[i] is None:  # the model (darker toward this side's corner), toned like the other side
            o, at = fills[1 - i], sides[1 - i] > 0.5
            fills[i] = model * float(np.median(o[at].mean(1)) / max(float(np.median(model[at].mean(1))), 1.0))
            if shade is not None:
                fills[i] = shade.shaded(fills[i], image[sides[1 - i] > 0.5], u, i)
    if lean is not None:
        fills = _lean_hue(fills, lean, own)
    w = blend_weight(known, u, u_iris, r, shade, apart)[..., None]
    colour = fills[0] * (1.0 - w) + fills[1] * w
    # never lighter than the painted white's own 90th percentile (a sliver of light white on
    # one side must not light up half the eye)
    top = float(np.percentile(image.mean(2)[known > 0.5], 90))
    return colour * np.minimum(1.0, top / np.maximum(colour.mean(2), 1.0))[..., None]


TAKEOVER = 0.25
"""Where one side of the iris has no painted white and its orbit is in deep shade
(:meth:`~sfumato.rig.orbit_shade.OrbitShade.depth` 1), the blend across the iris is moved this
share of its half width toward the lit side (:func:`blend_weight`): the lit white gives way before
the old iris' middle. The Mona Lisa's image-right eye at gaze -30 (bundled 900 px), the white right
of the moved iris over the skin round that side: 0 +7.7 L, 0.25 +5.1, 0.5 +4.4, 1 +3.8; her
sweep's FaceMesh gaze range (test_mona_lisa_gaze_is_monotonic, limit 0.5): 0.583, 0.567, 0.531,
0.494 (the lit white left of the iris turned away reads less). Chosen on her alone, no held-out set."""


def own_sides(known: np.ndarray, u: np.ndarray, u_iris: float) -> list[bool]:
    """Which side of the iris (``u`` below / above ``u_iris``) has samples of its own (at least
    two of ``known``, (h, w) float32 {0, 1}): [below, above]."""
    return [bool(known[u < u_iris].sum() >= 2), bool(known[u >= u_iris].sum() >= 2)]


def blend_weight(known: np.ndarray, u: np.ndarray, u_iris: float, r: float, shade: OrbitShade | None, apart: bool) -> np.ndarray:
    """The blend of the two sides' fills :func:`two_sided_colour` makes from these samples
    (``known`` (h, w) float32 {0, 1} at ``u`` (h, w) float32; ``u_iris``, ``r`` pixels;
    ``shade``, ``apart`` as there): the second side's share ((h, w) float32 in [0, 1],
    :func:`side_weight` over :func:`meet` radii, moved :data:`TAKEOVER` toward a lit side whose
    other side has no samples, as far as that side is in deep shade; which sides have samples of
    their own: :func:`own_sides`)."""
    own = own_sides(known, u, u_iris)
    h = r * meet(own, shade, apart)
    centre = u_iris
    if shade is not None and own[0] != own[1]:  # the lit white gives way before the middle, as far as the other side is in deep shade
        side = 0 if not own[0] else 1
        centre = u_iris + (1.0 if side == 0 else -1.0) * TAKEOVER * h * shade.depth(side)
    return side_weight(u, centre, h)


def side_weight(u: np.ndarray, u_iris: float, half: float) -> np.ndarray:
    """How much of each pixel's white is the second side's (``u`` >= ``u_iris``): (h, w) float32
    in [0, 1], a linear blend ``half`` pixels either side of the iris centre's ``u_iris``."""
    return np.clip((u - (u_iris - half)) / (2.0 * half), 0.0, 1.0).astype(np.float32)


MEET = 0.5
"""Two whites each run on under the iris to within this many iris radii of its centre and meet
there (:func:`meet`); one painted white (its light falling across the eye) is blended across the
whole iris, 1 radius each way. Blended across the whole iris, the Mona Lisa's lit inner white
(68 L) lit the shaded outer half of her image-right old iris (50 L at 0.54 radii out, 45 now),
and portrait_03's beige inner corner (b 15.8) tinted its grey outer white (b 0.5) under the old
iris' outer half (b 4.8, 2.1 now). Session 11 narrowed the blend for every eye and flipped 7
bench_rig cells; one white is blended as it was."""


def meet(own: list[bool], shade: OrbitShade | None, apart: bool) -> float:
    """Half the width of the blend across the iris, in iris radii: :data:`MEET` for two paints
    (``apart``); for a side with no samples of its own (``own`` False) the luminance the orbit
    round it keeps of the other side's (:meth:`~sfumato.rig.orbit_shade.OrbitShade.ratio`), no
    less than :data:`MEET`: the deeper the shade falling across the eye, the nearer the iris'
    middle the lit white ends (a side no darker, only of another hue, keeps the whole iris'
    blend: portrait_03's image-left pink inner corner met its grey white at half a radius as a
    seam); else 1."""
    h = MEET if apart else 1.0
    for i in (0, 1):
        if not own[i] and shade is not None:
            h = min(h, max(MEET, shade.ratio(i)))
    return h


FEW = 0.21
"""A side of the iris with fewer white samples (lid-space grid cells, :func:`lean_shares`) than
this many squared iris radii takes part of its hue from the other side (portrait_20's
image-right eye: 7 grey cells of a reflex beside the iris, 0.08 r², made half of its warm white
a cool grey, dE ab 9.8). Chosen on that eye, the one the lean was made for (no held-out set), so
it keeps 0.38 of its own hue as the first lean (2 radii, a length) did. On the 11 paintings the
sides that lean keep: portrait_20 0.38 (since session 14 that side is its own paint,
:data:`sfumato.rig.painted_white.PAINT_FAR`, and keeps all), portrait_02 0.55 (one eye: the first
lean none), portrait_13 0.60-0.65, portrait_07 0.98; no other side leans (portrait_03's grey outer white kept
0.28 when its 26 liner-tinted pixels were all the beige's colour model found of it; found with its
own model, :func:`sfumato.rig.painted_white.painted_white_sides`, it kept 0.82 of its 80 cells, and
now keeps all: :func:`lean_shares`' ``own``)."""

T_RANGE = (-0.1, 1.1)
"""The lid-space grid spans this range of t (0 on the lower lid, 1 on the upper)."""


def _lid_grid(lids: Lids, frame: EyeFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """The lid-space grid (rows along t over :data:`T_RANGE`, a column per pixel of u): its
    (rows, cols) float32 u, the ROI x and y of each cell (float32 maps for ``cv2.remap``), t0, t1."""
    t0, t1 = T_RANGE
    u0, u1 = float(lids.u[0]), float(lids.u[-1])
    cols = max(int(np.ceil(u1 - u0)) + 1, 2)
    rows = max(int(np.ceil(lids.height() * (t1 - t0))) + 1, 2)
    us = np.linspace(u0, u1, cols, dtype=np.float32)
    ts = np.linspace(t0, t1, rows, dtype=np.float32)
    up, lo = lids.at(us)
    grid_u = np.broadcast_to(us[None, :], (rows, cols)).astype(np.float32)
    grid_v = (lo[None, :] + ts[:, None] * np.maximum(up - lo, 1.0)[None, :]).astype(np.float32)
    xy = frame.to_xy(np.stack([grid_u, grid_v], -1))
    return grid_u, xy[..., 0].astype(np.float32), xy[..., 1].astype(np.float32), t0, t1


def lid_space_samples(known: np.ndarray, lids: Lids, frame: EyeFrame) -> tuple[np.ndarray, np.ndarray]:
    """``known`` ((h, w) float32 {0, 1} ROI samples) on the lid-space grid :func:`lid_space_colour`
    fills on, and the grid's u: ((rows, cols) float32 each). The fill sees these samples: a pixel
    near a corner, where the lids close in, stands for several cells."""
    grid_u, mx, my, _, _ = _lid_grid(lids, frame)
    return cv2.remap(np.ascontiguousarray(known, np.float32), mx, my, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE), grid_u


def lid_space_colour(
    image: np.ndarray, known: np.ndarray, model: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids,
    frame: EyeFrame, u_iris: float, r: float, sigma: float, lean: tuple[float, float] | None = None,
    shade: OrbitShade | None = None, apart: bool = False,
) -> np.ndarray:
    """:func:`two_sided_colour` computed in the eye's lid coordinates (u, t), t from the lower
    lid (0) to the upper (1), and mapped back.

    The lids curve toward the corners, so the white painted beside the iris at the same image
    height lies at another place between the lids than the white under the iris: filled row by
    row in the image, the top of the hole (under the upper lid, where the painting is shaded)
    takes the light middle of the white beside it. Filled along t it takes the white's own shade
    at the same place between the lids.

    Args:
        image: (h, w, 3) float32 RGB ROI; known: (h, w) float32 {0, 1} samples of the white;
        model: (h, w, 3) float32 RGB shading model; u, v: (h, w) float32 eye-frame coordinates;
        lids: the lids; frame: the eye frame; u_iris: the iris centre's u; r: iris radius,
        pixels; sigma: finest interpolation scale, pixels; lean, shade, apart: as :func:`two_sided_colour`.

    Returns:
        (h, w, 3) float32 RGB.
    """
    grid_u, mx, my, t0, t1 = _lid_grid(lids, frame)
    rows, cols = grid_u.shape
    u0, u1 = float(lids.u[0]), float(lids.u[-1])

    def sample(a: np.ndarray, how: int) -> np.ndarray:
        return cv2.remap(np.ascontiguousarray(a, np.float32), mx, my, how, borderMode=cv2.BORDER_REPLICATE)

    flat = two_sided_colour(sample(image, cv2.INTER_LINEAR), sample(known, cv2.INTER_NEAREST), sample(model, cv2.INTER_LINEAR),
                            grid_u, u_iris, r, sigma, lean, shade, apart)
    up_p, lo_p = lids.at(u)
    t = (v - lo_p) / np.maximum(up_p - lo_p, 1.0)
    bx = ((u - u0) / max(u1 - u0, 1e-6) * (cols - 1)).astype(np.float32)
    by = ((t - t0) / (t1 - t0) * (rows - 1)).astype(np.float32)
    return cv2.remap(flat.astype(np.float32), bx, by, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
