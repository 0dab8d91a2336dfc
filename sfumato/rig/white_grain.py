"""The canvas texture of the rebuilt eye white: the painting's fine grain carried over.

:func:`sclera_plate` lays the canvas' own fine luminance modulation (crackle, canvas grain)
over the rebuilt white's smooth colour, borrowed from beside where the iris was (grain only,
no lash or lid line; :func:`texture_shifts` says from where); :func:`canvas_texture` (used by
the closing lid) is the same idea at every pixel.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.rig.lids import EyeFrame
from sfumato.rig.white_fill import masked_blur

GRAIN = 2.5
"""Largest canvas-texture modulation carried onto the rebuilt white, in units of the canvas'
typical grain (the robust spread of its luminance ratio around the eye)."""
FEATURE = 4.0
"""A luminance ratio step beyond this many grains marks a feature (lash, lid line, strand,
deep crack): no texture is borrowed near it."""


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


def sclera_plate(
    image: np.ndarray, white: np.ndarray, hole: np.ndarray, colour: np.ndarray, sigma: float, shifts: list[tuple[float, float]]
) -> np.ndarray:
    """The whole eye white rebuilt: the fill ``colour`` times the canvas texture.

    The texture is the visible
    white's own fine luminance modulation (crackle, canvas grain); where no white is painted
    (under the old iris, its rim and halo) it is borrowed from ``shifts`` pixels away (the
    first shift landing on painted white or skin outside ``hole`` wins: the same canvas), so
    nothing of the old iris shows.

    Args:
        image: (h, w, 3) float32 RGB ROI in [0, 255].
        white: (h, w) float32 {0, 1}: samples of the visible painted white (the caller's
            ``known``: painted white off the iris' reach).
        hole: (h, w) float32 in [0, 1]: the painted iris with its rim and halo (no texture
            is taken from there).
        colour: (h, w, 3) float32 RGB fill (:func:`sfumato.rig.white_fill.lid_space_colour`,
            shaded by :func:`sfumato.rig.white_edge.match_lid_shade`).
        sigma: scale (pixels) of the colour interpolation; the texture's is a quarter of it.
        shifts: (dx, dy) offsets, pixels, to borrow texture from.

    Returns:
        (h, w, 3) float32 RGB: the eye white everywhere in the ROI.
    """
    # texture: the white's own, else the skin's (the same canvas and crackle), never the iris'
    lum = image.mean(2)
    eye = np.clip(white + hole, 0, 1).astype(np.float32)
    own = (white * (hole < 0.5)).astype(np.float32)  # the white's texture, never the iris' halo
    # skin well away from the eye (lid lines and lashes would print as lines), weaker texture
    away = cv2.dilate((eye > 0.01).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(2 * sigma) | 1,) * 2))
    skin = (1.0 - away).astype(np.float32)
    ratio = np.ones_like(lum)
    for region in (own, skin):
        mean, _ = masked_blur(lum, region, max(0.8, 0.25 * sigma))
        ratio = np.where(region > 0.5, lum / np.maximum(mean, 1.0), ratio)
    # a texture source is grain, not a feature: near a lash, a lid line, a strand or a deep
    # crack (a step beyond FEATURE times the canvas' typical grain) nothing is borrowed, and
    # what is borrowed is kept within GRAIN times it, so no line from beside prints on the
    # rebuilt white while a canvas' weave carries over
    src = ((own > 0.5) | (skin > 0.5))
    dev = np.abs(ratio[src] - 1.0)
    grain = float(np.clip(1.4826 * np.median(dev), 0.005, 0.05)) if dev.size >= 12 else 0.02
    feature = cv2.dilate((np.abs(ratio - 1.0) > FEATURE * grain).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    ratio = np.clip(ratio, 1.0 - GRAIN * grain, 1.0 + GRAIN * grain).astype(np.float32)
    source = (((own > 0.5) | (skin > 0.5)) & ~feature).astype(np.float32)
    tex, done = ratio.copy(), (own > 0.5)
    h, w = ratio.shape
    for dx, dy in shifts:
        move = np.float32([[1, 0, -dx], [0, 1, -dy]])
        r = cv2.warpAffine(ratio, move, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        ok = cv2.warpAffine(source, move, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT) > 0.5
        take = ok & ~done
        tex[take] = r[take]
        done |= take
    return colour * tex[..., None]


def texture_shifts(frame: EyeFrame, r: float) -> list[tuple[float, float]]:
    """Where :func:`sclera_plate` borrows the canvas texture from: (dx, dy) whole pixels along the
    eye (either side, 2.4 and 3.8 iris radii), then below it (the cheek's canvas); whole pixels,
    as a fractional shift would resample (blur) the grain it borrows."""
    step = 2.4 * r
    shifts = [(s * step * frame.axis[0], s * step * frame.axis[1]) for s in (1, -1, 1.6, -1.6)]
    shifts += [(s * step * frame.up[0], s * step * frame.up[1]) for s in (-1.5, -2.2)]
    return [(float(round(dx)), float(round(dy))) for dx, dy in shifts]
