"""The canvas texture of the rebuilt eye white: the painting's fine grain carried over.

:func:`sclera_plate` lays the canvas' own fine luminance modulation (crackle, canvas grain)
over the rebuilt white's smooth colour, copied in whole-pixel blocks from the painted white of
the same eye (:mod:`sfumato.rig.white_texture`; on a crackled canvas the canvas itself from under
the eye, :mod:`sfumato.rig.white_canvas`), or, where it is too small to lend any, from the
skin around the eye given the painted white's specks, at most at the painted white's amplitude
(grain only: no lash, lid line, iris rim or catchlight); :func:`canvas_texture` (used by the
closing lid) is a related idea at every pixel.
"""

from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from sfumato.imaging.grain import fine_spread, speck_residual, speck_typical, typical
from sfumato.imaging.lab import grey_shift, relative_luminance
from sfumato.imaging.robust import robust_sd
from sfumato.rig.white_fill import masked_blur
from sfumato.rig.white_texture import own_texture

GRAIN = 3.0
"""The laid grain is clipped to this many robust spreads of the source's own (a stray speck
beyond it is not grain)."""
FEATURE = 3.0
"""A luminance ratio step beyond this many robust spreads of its region's grain marks a feature
(lash, lid line, strand, deep crack): no texture is taken from a block that holds one."""
BUSY = 1.6
"""A source block whose mean absolute grain is beyond this many robust spreads is busy (hair,
a brushy lid crease, a streak): no texture is taken from it."""
BLOCK = 0.6
"""Texture is copied in square blocks of this many iris radii (3-8 px): large enough to keep
the canvas' crackle and weave together, small enough to find many clean sources."""
RING = 2.0
"""The skin that lends texture lies within this many iris radii of the eye (its canvas)."""
MIN_BLOCKS = 30
"""The painted white lends its own blocks when it holds at least this many distinct ones (fewer
repeat into a visible pattern: portrait_14's slivers of white gave 3 px blocks in stripes)."""
CANVAS = 2.0
"""The laid grain is at most this many times the skin ring's fine contrast (the same canvas):
a sliver of painted white's second differences read its rim, halo and reflex as grain
(portrait_07's cream reflex read 4.5-8.5x its skin's and was laid as light blocks)."""
MIN_SPECKS = 12
"""The laid grain takes the painted white's own distribution of specks
(:func:`match_quantiles`) where it holds at least this many pixels with neighbours."""
SPECK_TAIL = 0.0
"""Share of the painted white's speck distribution left out at either end when the laid grain is
matched to it (0: the laid grain reaches the painted white's lightest and darkest specks, never
beyond them)."""
SOFTEN = (0.0, 0.6, 0.8, 1.0)
"""The laid grain is softened by the least of these Gaussians (px, over the laid white only)
that brings its fine contrast to the painted white's (:func:`scaled_specks`): its specks at
the painted white's spatial scale, not only its values (a mix of the pixel-fine grain with a
softened one kept its salt and pepper; a Gaussian under 0.6 px hardly softens: with 0.5 in
the steps portrait_14's rebuilt white still read 1.19x its painted white's fine contrast on the
rig's layers, 0.89 without)."""
CORE = 0.35
"""The laid grain's fine contrast is held to the painted white's over the whole laid white and
over its core too, beyond this many iris radii inside the laid disc's edge (where the old
iris showed: a few blocks there drawn from a grainier source read sandy)."""
SEED = 8
"""The block sources are drawn with this fixed seed: a bank built twice is the same bank."""


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
        mean, _ = masked_blur(lum, m, sigma)
        local += m * mean
    ratio = np.clip(lum / np.maximum(local, 1.0), lo, hi).astype(np.float32)
    h, w = ratio.shape
    move = np.float32([[1, 0, -shift[0]], [0, 1, -shift[1]]])
    beside = cv2.warpAffine(ratio, move, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return ratio * (1.0 - hole) + beside * hole


def grain_residual(lum: np.ndarray, region: np.ndarray, scale: float) -> tuple[np.ndarray, float]:
    """The fine grain of ``region``: its luminance ratio to its own local mean, minus 1, and the
    robust spread (:func:`sfumato.imaging.robust.robust_sd`) of that over the region.

    Args:
        lum: (h, w) float32 luminance; region: (h, w) bool; scale: the local mean's Gaussian, px.

    Returns:
        ((h, w) float32 residual ratio, zero off the region; its spread, NaN for fewer than 12 px).
    """
    mean, _ = masked_blur(lum, region.astype(np.float32), scale)
    res = np.where(region, lum / np.maximum(mean, 1.0) - 1.0, 0.0).astype(np.float32)
    vals = res[region]
    if vals.size < 12:
        return res, float("nan")
    return res, float(robust_sd(vals))


def block_sources(source: np.ndarray, z: np.ndarray, b: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-left corners (ys, xs) of the ``b`` x ``b`` blocks that lie wholly in ``source``
    ((h, w) bool) and are not busy (mean ``|z|`` ((h, w) float32 grain in spreads) at most
    :data:`BUSY`)."""
    h, w = source.shape
    whole = cv2.erode(source.astype(np.uint8), np.ones((b, b), np.uint8), anchor=(0, 0), borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
    busy = cv2.boxFilter(np.abs(z), -1, (b, b), anchor=(0, 0), normalize=True, borderType=cv2.BORDER_REPLICATE) > BUSY
    ys, xs = np.nonzero(whole & ~busy)
    ok = (ys <= h - b) & (xs <= w - b)
    return ys[ok], xs[ok]


def painted_specks(lum: np.ndarray, painted: np.ndarray) -> np.ndarray:
    """(K,) float32: the painted white's specks, each pixel's luminance over its in-white 3 x 3
    neighbours' median minus 1 (:func:`sfumato.imaging.grain.speck_residual`), over its
    typical pixels only (:func:`sfumato.imaging.grain.speck_typical`: within
    :data:`sfumato.imaging.grain.SPECK_TYPICAL` robust spreads of its median, a lash or the
    iris' rim caught at its edge is no speck of the white).

    Args:
        lum: (h, w) float32 luminance in [0, 255]; painted: (h, w) bool, the painted white.
    """
    if painted.sum() < MIN_SPECKS:
        return np.zeros(0, np.float32)
    return speck_residual(lum, speck_typical(lum, painted))


def match_quantiles(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``values`` ((N,) float32) given the distribution of ``reference`` ((K,) float32) by rank:
    the n-th smallest value becomes the reference's quantile at its rank (within the
    reference's :data:`SPECK_TAIL` .. 1 - :data:`SPECK_TAIL` quantiles). The arrangement (which
    pixel is lighter than which) is kept; every value lies within the reference's range."""
    if values.size == 0:
        return values
    rank = np.argsort(np.argsort(values, kind="stable"), kind="stable").astype(np.float64)
    u = SPECK_TAIL + (1.0 - 2.0 * SPECK_TAIL) * rank / max(values.size - 1, 1)
    return np.quantile(reference.astype(np.float64), u).astype(np.float32)


def scaled_specks(tex: np.ndarray, need: np.ndarray, specks: np.ndarray, want: float, measured: list[np.ndarray]) -> np.ndarray:
    """The laid grain given the painted white's specks (:func:`match_quantiles`) at the painted
    white's spatial scale: the texture softened by the least of :data:`SOFTEN` (a Gaussian over
    ``need`` only) whose matched specks' fine contrast (:func:`sfumato.imaging.grain.fine_spread`)
    is at most ``want`` over every set in ``measured``; lowered to ``want`` where even the
    softest is finer (never raised: stretched past its range the specks pile up at its ends,
    portrait_20's grey blotches again).

    Matching the specks' values does not match their scale: blocks of the skin ring's pixel-fine
    grain given a smoother painted white's values read 1.4x its second differences over the old
    iris (portrait_14's image-right eye, a sandy grey where the painted white is calm).

    Args:
        tex: (h, w) float32 grain ratio, zero-mean blocks; need: (h, w) bool, where it is laid;
        specks: (K,) float32, :func:`painted_specks`; want: the painted white's fine contrast
        (ratio units); measured: (h, w) bool sets of ``need`` (the laid white, its core).

    Returns:
        (h, w) float32: ``tex`` with ``need`` replaced.
    """
    have = float("nan")
    for s in SOFTEN:
        soft = tex if s == 0 else masked_blur(tex, need.astype(np.float32), s)[0]
        out = tex.copy()
        out[need] = match_quantiles(soft[need], specks)
        have = max((fine_spread(out, m)[0] for m in measured), default=float("nan"))
        if not (np.isfinite(have) and have > want):
            return out
    out *= np.float32(want / have)
    return out


def at_most(tex: np.ndarray, want: float, measured: list[np.ndarray]) -> np.ndarray:
    """``tex`` ((h, w) float32 grain ratio) scaled down so that its fine contrast
    (:func:`sfumato.imaging.grain.fine_spread`) over every set in ``measured`` ((h, w) bool) is
    at most ``want``; never raised (the painted white's own residual is laid as it is)."""
    have = max((fine_spread(tex, m)[0] for m in measured), default=float("nan"))
    if np.isfinite(have) and have > want:
        return tex * np.float32(want / have)
    return tex


def crackle(
    tex: np.ndarray, lum: np.ndarray, painted: np.ndarray, need: np.ndarray, canvas: Callable[[np.ndarray, float, float], np.ndarray | None],
    want: float, fine: dict[str, float], measured: list[np.ndarray],
) -> np.ndarray:
    """The painted white's blocks (``tex``, (h, w) float32 ratio minus 1, :func:`own_texture`), or
    the canvas' own texture where they lay less than the painted white's fine contrast (``want``,
    over every set in ``measured``: the white's grain is in the steps its calm blocks leave out)
    and the canvas round the eye is crackled (``canvas``, :func:`sfumato.rig.white_canvas.canvas_grain`,
    given the painted white's and the skin ring's fine contrasts ``fine``); laid within the
    range of the painted white's specks (:func:`painted_specks` of ``lum`` over ``painted``, at
    least :data:`MIN_SPECKS`: a crack darker than any in the white reads as dirt) over ``need``."""
    have = max((fine_spread(tex, m)[0] for m in measured), default=float("nan"))
    if not (np.isfinite(have) and have < want):
        return tex
    specks = painted_specks(lum, painted)
    laid = canvas(need, fine.get("own", float("nan")), fine.get("skin", float("nan"))) if specks.size >= MIN_SPECKS else None
    if laid is None:
        return tex
    return np.where(need, np.clip(laid, specks.min(), specks.max()), 0.0).astype(np.float32)


def sclera_plate(
    image: np.ndarray, white: np.ndarray, hole: np.ndarray, colour: np.ndarray, sigma: float, painted: np.ndarray | None = None,
    canvas: Callable[[np.ndarray, float, float], np.ndarray | None] | None = None,
) -> np.ndarray:
    """The whole eye white rebuilt: the fill ``colour`` times the canvas texture in luminance, laid
    as an offset of all three channels alike (:func:`sfumato.imaging.lab.grey_shift`: its chroma
    kept, a dark speck no greyer; scaling the RGB greyed portrait_20's dark specks).

    The texture is the painting's own fine grain (crackle, canvas weave, brush, JPEG blocks):
    the luminance ratio of each pixel to its local mean (:func:`grain_residual`), over the
    painted white (``white``, off ``hole``) and over the skin ring around the eye (the same
    canvas), each region against its own mean so no edge between them counts. The painted white
    keeps its own grain; everywhere else it takes the painted white's own residual, in small
    whole-pixel blocks drawn from its calm pixels and turned at random
    (:func:`sfumato.rig.white_texture.own_texture`), scaled down to at most its fine contrast
    (:func:`at_most`, never raised); where they lay less than that on a crackled canvas (the
    Mona Lisa's image-right eye) the canvas' own texture instead (:func:`crackle`), scaled down
    alike. Only where the painted white holds too few (fewer than
    :data:`sfumato.rig.white_texture.MIN_SOURCES` calm pixels) is the texture copied in
    whole-pixel square blocks (:data:`BLOCK`, no resampling, no blur) from sources drawn at random (:data:`SEED`) among the
    blocks that lie wholly in those regions and hold no feature (:data:`FEATURE`: no lash, lid
    line, iris rim, catchlight or strand) and no busy texture (:data:`BUSY`), each region's
    grain in units of its own robust spread. It is laid at the painted white's fine contrast
    (the spread of its second differences, :func:`sfumato.imaging.grain.fine_spread`; the
    skin ring's where too little white is painted to measure, and at most :data:`CANVAS` x the
    skin ring's), each block zero-mean, each pixel within :data:`GRAIN` per-pixel spreads of that
    contrast, zero-mean where it shows, so the texture moves no lightness.

    Args:
        image: (h, w, 3) float32 RGB ROI in [0, 255].
        white: (h, w) float32 {0, 1}: samples of the visible painted white (the caller's
            ``known``: painted white off the iris' reach).
        hole: (h, w) float32 in [0, 1]: the painted iris with its rim and halo (no texture
            is taken from there).
        colour: (h, w, 3) float32 RGB fill (:func:`sfumato.rig.white_fill.lid_space_colour`,
            shaded by :func:`sfumato.rig.white_edge.match_lid_shade`).
        sigma: scale (pixels) of the colour interpolation, half the iris radius; the grain's
            local mean is a quarter of it (at least 0.8 px).
        painted: (h, w) bool, the painted white whose fine contrast the texture is laid at
            (None: ``white``).
        canvas: the canvas' own texture (:func:`crackle`): a function of the pixels to lay
            (``need``, (h, w) bool) and the painted white's and the skin ring's fine contrasts
            giving (h, w) float32 ratio minus 1, or None where the canvas is not crackled
            (:func:`sfumato.rig.white_canvas.canvas_grain`); None: the blocks alone.

    Returns:
        (h, w, 3) float32 RGB: the eye white everywhere in the ROI.
    """
    lum = image.mean(2).astype(np.float32)
    r = 2.0 * sigma
    scale = max(0.8, 0.25 * sigma)
    own = (white > 0.5) & (hole < 0.5)  # the white's texture, never the iris' halo
    eye = np.clip(white + hole, 0, 1) > 0.01
    disk = lambda d: cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * int(round(d)) + 1,) * 2)  # noqa: E731
    # skin off the eye's lid lines and lashes, within its canvas ring
    near = cv2.dilate(eye.astype(np.uint8), disk(max(1.0, sigma))) > 0
    skin = ~near & (cv2.dilate(eye.astype(np.uint8), disk(RING * r)) > 0)
    z = np.zeros_like(lum)  # each region's grain in units of its own spread
    spread, fine, residual = {}, {}, {}  # each region's robust spread, fine spread (ratio units)
    for name, region in (("own", own), ("skin", skin)):
        res, sd = grain_residual(lum, region, scale)
        residual[name] = res
        if np.isfinite(sd) and sd > 1e-4:
            z[region] = res[region] / sd
            spread[name] = sd
        else:
            region[:] = False
    # fine contrast (ratio units) off lid rims and lashes: the painted white's over all of it
    # (up to the iris' reach: its shading there is no second difference), the skin ring's
    for name, region in (("own", white > 0.5 if painted is None else painted), ("skin", skin)):
        if region.any():
            level = max(float(np.median(lum[region])), 1.0)
            fine[name] = fine_spread(lum, typical(lum, region, 3.0, 0.04 * level), centred=True)[0] / level
    if not spread:
        return colour.copy()
    # the painted white's fine contrast; where too little is painted to measure it, the skin's
    # (a sliver's robust spread reads the iris halo's and the lid's shading as grain)
    want = fine.get("own", float("nan"))
    if not np.isfinite(want):
        want = fine.get("skin", float("nan"))
    elif np.isfinite(fine.get("skin", float("nan"))):
        want = min(want, CANVAS * fine["skin"])  # a sliver's rim and reflex are no grain
    if not np.isfinite(want):
        return colour.copy()
    feature = cv2.dilate((np.abs(z) > FEATURE).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    z = np.clip(z, -GRAIN, GRAIN)
    h, w = lum.shape
    # the painted white's own blocks first (smaller ones where it is a sliver); the skin ring's
    # only where the white holds too few (its freckles, pores and painted sparkles are no white)
    big = int(np.clip(round(BLOCK * r), 3, 8))
    for region, sizes in ((own, sorted({big, max(4, big - 2)}, reverse=True)), (own | skin, [big])):
        for b in sizes:
            ys, xs = block_sources(region & ~feature, z, b)
            if ys.size >= MIN_BLOCKS:
                break
        if ys.size >= MIN_BLOCKS:
            break
    need = ~own & (cv2.dilate(eye.astype(np.uint8), disk(2)) > 0)
    laid = need & (hole > 0.01)
    shown = laid if laid.any() else need
    core = shown & (cv2.distanceTransform((hole > 0.01).astype(np.uint8), cv2.DIST_L2, 3) > CORE * r)
    # the painted white's own texture, from its own pixels (:mod:`sfumato.rig.white_texture`);
    # the skin ring's blocks given its specks only where it holds too few blocks
    measured = [m for m in (shown, core) if m.any()]
    source = own if painted is None else painted
    tex = own_texture(lum, source, need, scale, np.random.default_rng(SEED))
    if tex is not None and canvas is not None:
        tex = crackle(tex, lum, source, need, canvas, want, fine, measured)
    if tex is not None:
        tex = at_most(tex, want, measured)
    else:
        if not ys.size:
            return colour.copy()
        tex = np.zeros_like(lum)
        rng = np.random.default_rng(SEED)
        picks = iter(rng.integers(0, ys.size, size=((h + b - 1) // b) * ((w + b - 1) // b)))
        for y in range(0, h, b):
            for x in range(0, w, b):
                k = next(picks)
                cell = need[y:y + b, x:x + b]
                if cell.any():
                    block = z[ys[k]:ys[k] + cell.shape[0], xs[k]:xs[k] + cell.shape[1]]
                    # grain is zero-mean at a block's scale: a block's offset is a shadow or a
                    # reflex edge in its source, laid down as a light or dark rectangle
                    tex[y:y + b, x:x + b] = np.where(cell, block - block.mean(), 0.0)
        # laid at the painted white's fine contrast: the calm blocks drawn, and their seams, move it
        have = fine_spread(tex, laid)[0]
        if not (np.isfinite(have) and have > 1e-6):
            have = fine_spread(tex, need)[0]
        if not (np.isfinite(have) and have > 1e-6):
            return colour.copy()
        # no pixel beyond the grain's own range: white noise of this fine spread has a per-pixel
        # spread of want / sqrt(6) (a second difference sums 1 + 4 + 1 variances)
        limit = GRAIN * want / np.sqrt(6.0)
        specks = painted_specks(lum, own if painted is None else painted)
        if specks.size >= MIN_SPECKS:
            # the painted white's own specks: its tails, its sign asymmetry, its amplitude (a skin's
            # dark specks in a white with light ones read as dirt), at its spatial scale and at most
            # its fine contrast (:func:`scaled_specks`)
            tex = scaled_specks(tex, need, specks, want, [m for m in (shown, core) if m.any()])
            tex = np.clip(tex, -limit, limit)
        else:
            tex *= np.float32(want / have)
            tex = np.clip(tex, -limit, limit)
            again = fine_spread(tex, laid if laid.any() else need)[0]  # the clip took some: back to want
            if np.isfinite(again) and again > 1e-6:
                tex = np.clip(tex * np.float32(want / again), -limit, limit)
    if laid.any():  # zero-mean where it shows: the texture moves no lightness
        tex[need] -= float(np.average(tex[laid], weights=hole[laid]))  # as much as each pixel shows
    # the painted white keeps its own grain exactly
    tex = np.where(own, residual["own"], tex)
    # the luminance of the RGB scaled, as a grey offset: a dark speck keeps the fill's chroma as the
    return grey_shift(colour, relative_luminance(colour * (1.0 + tex)[..., None]))  # painted white's do
