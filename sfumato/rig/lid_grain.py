"""The closed lid's grain: the painting's fine detail, without the lines of the skin it came from.

A closed lid is skin of the same painting as the cheek, so it carries the cheek's fine detail
(crackle, canvas, brush grain), taken from the skin under the eye (:func:`lid_texture`), at the
strength of the skin round the lid it is seen against (:func:`match_grain`). That
skin also has *lines*: wrinkles, the lower lid's folds, long and following its form. Printed
on the lid, they read as the under-eye wrinkles drawn across it (portrait_20's dark arcs), so
lines longer than :data:`LINE_LENGTH` are taken out of the texture first
(:func:`without_long_lines`), while the crackle's short segments and the grain stay.

Arrays are ROI pixels: ``image`` (h, w, 3) float32 RGB in [0, 255]; ``light``, ``hole``
(h, w) float32 mean of RGB / bool.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import rgb_to_lab
from sfumato.imaging.robust import robust_sd
from sfumato.ramp import unit_ramp
from sfumato.rig.lids import EyeFrame
from sfumato.rig.white_grain import canvas_texture

TEXTURE_SCALE = 0.2
"""The texture carried onto the lid is the skin's detail finer than this many iris radii ..."""
TEXTURE_DEPTH = 1.6
"""... from the skin this many opening heights under the lower lash band, at its own strength
(amplified toward the grain measured over the painted lid fold, which is mostly painted lines
and crease edges there, it hit a 2.5x cap on portrait_11 and speckled the closed lid) ..."""
TEXTURE_CLIP = (0.6, 1.25)
"""... as a luminance ratio to its local mean, clipped to this range (the three set on the
Mona Lisa's crackle, a synthetic craquelure on the astronaut, portrait_11 and 20) ..."""
LINE_LENGTH = 0.75
"""... without its dark lines that run straight on for this many eye half-widths
or more (a wrinkle, a lid fold: portrait_20's under-eye wrinkles drew arcs across its closed
lid; at 0.5 a synthetic craquelure's straight cracks on the astronaut went too, its lid 0.46 as
detailed as the skin, tests/test_closed_lid.py; at 1.0 broken arcs stayed on portrait_20), ..."""
LINE_WIDTH = 0.2
"""... and thinner than this many eye half-widths (as :data:`sfumato.rig.lid_plate.EDGE_LINE`;
a broad shadow is no line: it is in the texture's local mean, not its detail; portrait_20's
wrinkles are 1-3 px wide at 19-20 px half-widths)."""
GRAIN = 1.0
"""The grain has straight runs of darker pixels too: a pixel is on a line where its
long-line depth (how far it lies under the texture with its thin lines filled, kept by the
closing along the line) is over this many times the median of that depth over the texture,
fully from twice it. Filled wherever some depth was kept, the whole grain was pulled toward its
middle: portrait_13's and portrait_10's closed lids lost half of it (0.98 -> 0.44 and 0.62 ->
0.39 of the skin's, tests/test_lid_grain.py) ..."""
PASSES = 2
"""... and lines are taken out this many times over (one pass left broken arcs on portrait_20's
image-left lid: the parts of a line under twice the median, found again once the rest is gone)."""
SPREAD = 50.0
"""Only lines within this many degrees of the eye's axis are taken out: the skin's folds round
the eye run along the lids (the under-eye wrinkles, the lid folds), while a craquelure's long
cracks may run any way (the Mona Lisa's run up the panel's grain, a half-width and more: taken
out, her closed lid was a smooth patch in a crackled face)."""
FILL = 2.0
"""A pixel on a long line is filled no further than the texture's local level (its median over a
square this many times the thin-line square's width, :func:`local_level`), not to that square's
closing: in a dense craquelure the closing is the local maximum held over the square, and the
filled lines (and the ground between cracks, taken out as light lines by the square's opening)
turned into blocky pale and dark plates a square wide, letter-like shapes over the Mona Lisa's
closed lids much coarser than the crackle round them (tests/test_lid_crackle_scale.py: 0.24-0.40
of a synthetic craquelure's ground moved, 0.01 now)."""
ANGLES = 12
"""Line directions tried, evenly over 180 degrees (15 degrees apart: a straight element 0.5
half-widths long, rotated half a step, stays within a pixel of a line at 20 px half-widths)."""


ROUND = 1.1
"""The closed lid's detail is at most this many times the skin's round it
(:func:`as_round`). At 1.0 FaceMesh read the Mona Lisa's closing eyes, their crackle now as
faint as her orbit's, a little apart (tests/test_closed_lid.py's wink: 0.166 on its jitter set,
limit 0.15; 0.13-0.17 over five jitter sets, 0.07-0.14 before); at 1.1 0.12 there (0.12-0.19
over the five: FaceMesh's reading of a half-closed eye is that noisy). Her lids' detail is
then 1.02 / 1.39 of the skin's round them (1.34 / 1.87 before). Not swept further."""


def lid_texture(image: np.ndarray, light: np.ndarray, frame: EyeFrame, hole: np.ndarray, depth: float,
                radius: float) -> np.ndarray:
    """The painting's fine detail (crackle, canvas, grain) for the closed lid: (h, w) float32
    luminance ratio, about 1 (the painting's own outside ``hole``).

    Under ``hole`` (where the closed lid lies) it is taken from the skin ``depth`` pixels
    under it, a whole pixel away (a fractional shift would blur the cracks), at its own
    strength (the lid is skin of the same painting as the cheek, no grainier), without that
    skin's long lines (:func:`without_long_lines`).
    """
    shift = _shift(frame, depth)
    sigma = max(1.0, TEXTURE_SCALE * radius)
    ones = np.ones_like(light)
    painted = canvas_texture(image, [ones], sigma, np.zeros_like(light), (0.0, 0.0), lo=TEXTURE_CLIP[0], hi=TEXTURE_CLIP[1])
    moved = canvas_texture(image, [ones], sigma, ones, shift, lo=TEXTURE_CLIP[0], hi=TEXTURE_CLIP[1])
    if hole.any():
        along = float(np.arctan2(frame.axis[1], frame.axis[0]))
        clean = without_long_lines(moved, LINE_WIDTH * frame.half_width, LINE_LENGTH * frame.half_width, along)
        # the lines' detail goes, not the lid's light (the Mona Lisa's lids 0.86 -> 0.83 of the skin under the eye)
        moved = clean * (float(np.median(moved[hole])) / max(float(np.median(clean[hole])), 1e-3))
    return np.where(hole, moved, painted).astype(np.float32)


def _shift(frame: EyeFrame, depth: float) -> tuple[float, float]:
    """Where :func:`lid_texture` takes the closed lid's texture from: (dx, dy) whole pixels,
    ``depth`` pixels under it."""
    return float(np.round(-depth * frame.up[0])), float(np.round(-depth * frame.up[1]))


def as_round(tex: np.ndarray, hole: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """``tex`` ((h, w) float32 luminance ratio, :func:`lid_texture`) with its detail under
    ``hole`` ((h, w) bool, the closed lid) no stronger (:data:`ROUND`) than the painting's own
    in ``ring`` ((h, w) bool: the skin round the lid, :func:`sfumato.rig.lid_light.surround`),
    in the spread of its log: the lid is seen against that skin, and carried at the strength of the
    skin under the eye it came from, the Mona Lisa's crackle drew a dark network over her lid
    twice as strong as the craquelure of the orbit round it (tests/test_lid_plate_look.py).
    Never made stronger (amplified, it speckled portrait_11's lid). Same shape; ``tex`` as it
    is with too few pixels."""
    if hole.sum() < 8 or ring.sum() < 8:
        return tex
    log = np.log(np.maximum(tex, 1e-3))
    mid = float(np.median(log[hole]))
    # its grain (robust spread) and its cracks and lines (standard deviation: a few strong ones
    # hardly move the robust spread), each no stronger than the skin's
    gain = min(1.0, *(ROUND * float(f(log[ring])) / max(float(f(log[hole])), 1e-9) for f in (robust_sd, np.std)))
    if gain >= 1.0:
        return tex
    return np.where(hole, np.exp(mid + (log - mid) * gain), tex).astype(np.float32)


def without_long_lines(ratio: np.ndarray, width: float, length: float, along: float | None = None) -> np.ndarray:
    """``ratio`` ((h, w) float32, about 1) with its thin lines (thinner than ``width`` pixels)
    that run straight on for ``length`` pixels or more taken out: (h, w) float32.

    A thin dark line is what a closing with a small square fills; a long one is what survives a
    closing with a straight element ``length`` long in its own direction (the least of the
    closings over :data:`ANGLES` directions), where a crack's short segment or a grain speck is
    filled in every direction. Where the long closing keeps more of a pixel's depth than the
    grain's runs do (:data:`GRAIN`), the pixel is on a long line and that depth is filled, no
    further than the texture's local level (:data:`FILL`); all of it :data:`PASSES` times.
    Light lines stay: in a dense craquelure the ground between two cracks is one, and taken
    out (to the local level), the Mona Lisa's closed lids lost 0.4-0.6 of their grain.
    ``along``: the eye's axis, radians in image pixels (lines within :data:`SPREAD` of it
    only), or None.
    """
    d = max(3, 2 * int(round(width / 2)) + 1)
    square = np.ones((d, d), np.uint8)
    out = ratio.astype(np.float32)
    lines = _line_elements(length, along)
    level = local_level(out, FILL * d)
    for _ in range(PASSES):
        thin = cv2.morphologyEx(out, cv2.MORPH_CLOSE, square, borderType=cv2.BORDER_REFLECT)  # every thin line gone
        # the thin lines long in some direction stay
        kept = np.minimum.reduce([cv2.morphologyEx(out, cv2.MORPH_CLOSE, k, borderType=cv2.BORDER_REFLECT) for k in lines])
        long = np.clip(thin - kept, 0.0, None) * (thin > out)
        grain = GRAIN * float(np.median(long[long > 0])) if (long > 0).any() else 0.0
        out = np.minimum(out + long * unit_ramp((long - grain) / max(grain, 1e-6)), np.maximum(out, level))
    return out.astype(np.float32)


def local_level(ratio: np.ndarray, size: float) -> np.ndarray:
    """The local median of ``ratio`` ((h, w) float32 in [0, 2]) over a square about ``size``
    pixels wide (odd, 3 to 255: OpenCV's uint8 median takes no wider; steps of 1/128): (h, w)
    float32. The level
    of the ground a texture's lines cross, which they hardly move (a Gaussian mean of a dense
    craquelure is pulled dark by its cracks: the lines filled to it turned to grey smudges)."""
    k = min(255, max(3, int(round(size)) | 1))
    q = np.clip(np.round(ratio * 128.0), 0, 255).astype(np.uint8)
    return cv2.medianBlur(q, k).astype(np.float32) / 128.0


def _line_elements(length: float, along: float | None = None, cone: bool = True) -> list[np.ndarray]:
    """Straight structuring elements ``length`` pixels long (odd, at least 3) in :data:`ANGLES`
    directions (within :data:`SPREAD` of the direction ``along``, radians in image pixels,
    when given; further from it when ``cone`` is False): (m, m) uint8 each."""
    m = max(3, int(np.ceil(length)) | 1)
    c = m // 2
    out = []
    for t in np.arange(ANGLES) * np.pi / ANGLES:
        if along is not None and (abs((t - along + 0.5 * np.pi) % np.pi - 0.5 * np.pi) <= np.radians(SPREAD) + 1e-6) != cone:
            continue
        k = np.zeros((m, m), np.uint8)
        dx, dy = c * np.cos(t), c * np.sin(t)
        cv2.line(k, (int(round(c - dx)), int(round(c - dy))), (int(round(c + dx)), int(round(c + dy))), 1, 1)
        out.append(k)
    return out


GRAIN_SCALE = 1.2
"""The closed lid's fine grain (:func:`match_grain`): CIE L less its Gaussian blur of this many
pixels (sigma), the grain a viewer sees on a closed lid held still, crackle and canvas ..."""
FLAT = 0.6
"""... read on this share of the skin's pixels round the lid, those on the gentlest slopes (the
painted lines there, a crease, a lash line's fringe, the brow's hairs, are no grain: counted,
the lid was raised toward them, a speckled lid) ... Set by lids15b (a3590d5) with no recorded
case. Swept in session 17 (the closed lid's grain over the skin's round it, image-left /
image-right, ``tests/test_lid_grain_round.round_ratio``) at 0.4 / 0.5 / 0.6 / 0.7 / 0.8 / 1.0:
the Mona Lisa 1.06 / 1.09 / 1.17 / 1.15 / 1.17 / 1.14 and 1.26 / 1.26 / 1.23 / 1.23 / 1.23 / 1.27,
portrait_03's image-right 0.70 / 0.69 / 0.73 / 0.76 / 0.78 / 0.90 (image-left 0.55 at all),
portrait_11's image-left 0.50 / 0.44 / 0.49 / 0.54 / 0.56 / 0.60 (image-right 0.35-0.37),
portrait_10 0.42 / 0.35 at all: a mid-range choice (the more of the skin, the more of its lines
counted as grain), no held-out set ..."""
GRAIN_GAIN = (0.5, 1.8)
"""... and the lid's texture scaled to it by at least / at most these (from the skin under the
eye at its own strength the closed lids read 0.33 / 0.56 as grainy as the skin round them on
portrait_03, a smooth plate, 0.43 / 0.63 on portrait_11, and 1.32 / 1.68 on the Mona Lisa, a
ratio texture on a lid 8-10 L lighter than her orbit: a coarse, contrasty patch). Up to 2.0
portrait_10's image-right lid read 1.54 as grainy as its cheek (tests/test_lid_grain.py: 1.5;
its skin round the lid 2-3 times its cheek's): 1.8, no held-out set; a texture amplified
further is its source's noise, not the skin's grain."""


def fine_grain(light: np.ndarray, where: np.ndarray, lined: bool = True) -> float:
    """The robust spread of ``light`` ((h, w) float32 CIE L) less its :data:`GRAIN_SCALE` blur
    over ``where``'s ((h, w) bool) pixels, where it is ``lined`` off its painted lines (the
    :data:`FLAT` share of them where ``light`` blurred as much slopes least: a crease's or a brow
    hair's edges are no grain): L, 0 with fewer than 8 pixels."""
    if where.sum() < 8:
        return 0.0
    smooth = cv2.GaussianBlur(light, (0, 0), GRAIN_SCALE)
    slope = np.hypot(cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3))
    flat = where & (slope <= np.percentile(slope[where], 100 * FLAT)) if lined else where
    return float(robust_sd((light - smooth)[flat])) if flat.sum() >= 8 else 0.0


def match_grain(plate: np.ndarray, tex: np.ndarray, hole: np.ndarray, lid: np.ndarray, painted: np.ndarray,
                ring: np.ndarray) -> np.ndarray:
    """``plate`` ((h, w, 3) float32 RGB, the closed lid laid in with the texture ``tex``, (h, w)
    float32 luminance ratio, under ``hole``) with the texture's strength scaled so the lid's
    fine grain (:func:`fine_grain` over ``lid``, (h, w) bool: the upper lid clear of its closed
    line) is the painted skin's round it (``painted`` (h, w) float32 CIE L over ``ring``, (h, w)
    bool: :func:`sfumato.rig.lid_light.surround`, off its painted lines), in absolute L (a ratio
    texture is stronger on a lighter lid), by :data:`GRAIN_GAIN` at most either way. Same shape;
    ``plate`` as it is when a region is too small."""
    shut = rgb_to_lab(plate)[..., 0]
    have = fine_grain(shut, lid & hole, lined=False)  # the lid has no painted lines
    want = fine_grain(painted, ring)
    if have <= 1e-6 or want <= 1e-6:
        return plate
    gain = float(np.clip(want / have, *GRAIN_GAIN))
    scale = np.exp((gain - 1.0) * np.log(np.maximum(tex, 1e-3)))
    return np.where(hole[..., None], plate * scale[..., None], plate).astype(np.float32)
