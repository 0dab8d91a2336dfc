"""The upper lid's margin redrawn across where the iris was, as the painter drew it beside it.

A painted iris usually touches the upper lid: its dark top merges with the lid's line (liner,
lash line) and the lid's shadow on it. Once the rebuilt white replaces the iris, the part of
that line which lay inside the lid contour goes with it, and what is left over the old iris is
a thinner, broken line, its rim cut by the replaced region's ragged edge. :func:`lid_margin`
samples the painted margin across the lid contour (the line, the skin just over it and the
shadow on the white under it) just beyond the replaced region on either side of the iris, and
:func:`margin_layer` draws it across the region: each side's profile across the lid, its line
kept at the height the painter drew it on that side, mixed along the lid from one side to the
other, so the line runs on unbroken, in its own colour and width, with its shadow on the white
under it.

Arrays are ROI pixels: images (h, w, 3) float32 RGB in [0, 255]; ``u``, ``v`` (h, w) float32
eye-frame coordinates (:class:`sfumato.rig.lids.EyeFrame`); ``d`` is the height over the upper
lid contour (``v - upper(u)``), pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d

from sfumato.imaging.lab import lightness
from sfumato.imaging.robust import robust_sd
from sfumato.rig.lids import EyeFrame, Lids, opening

BELOW = 0.15
"""The margin reaches this many iris radii under the lid contour (the line's lower part and the
lid's shadow on the white; at least 2 px, at most :data:`BELOW_OPEN` of the opening beside the
iris, so the lower lid is never part of it) ..."""
BELOW_OPEN = 0.4
"""... and no more than this share of the opening's height where it is sampled."""
ABOVE = 0.35
"""... and this many iris radii (and 2 px) over it: the line's upper part and the skin on it, past
whatever of the iris the painting shows over the contour."""
LINE = (20.0, 40.0)
"""A line is drawn whole over its core only when it is this much (L) darker than the lightest
over and under it, fading in between (portrait_03's liner: about 60; the Mona Lisa's soft lid
shade, about 22 L, drawn whole from one side of the iris, left a light stripe along her lid where
the painting is darker)."""
GAP = 0.1
"""Each side's profile is taken this many iris radii (and a pixel) beyond the replaced region ..."""
WIDTH = 0.15
"""... over this many iris radii along the lid (at least 2 px; the median across them: the line,
not one lash). Its height across the line is scaled by the lid's slope there and where it is
drawn, so a line sampled where the lid rises steeply (near a corner, cut obliquely by the
eye frame's v) is drawn as thick as the painter drew it, not as thick as the oblique cut."""
MIN_SIDE = 1.0
"""A side's profile is taken over at least this many pixels along the lid (where the corner is
nearer than :data:`GAP` and this, the window slides back toward the replaced span)."""
REACH = 2
"""The margin is drawn only over what the rebuilt white replaced and this many pixels round it
(its ragged edge on the line; drawn along the whole span, it darkened the Mona Lisa's painted
white beside the iris: bench_rig's painted dL -17.7 -> -21.6)."""
STEP = 0.5
"""The margin's table is sampled every this many pixels along and across the lid."""
DARKEN = 6.0
"""Off the line's core the margin is drawn only where it is darker than what lies there (the
lid's shadow; never a lighter copy of one side's lid or white over a lid or white painted in
shade, as the Mona Lisa's lid and the white beside her iris drew light bands), fully from this
much darker (mean RGB) on; over the line's core it is drawn whole (the old iris' near-black top,
darker than the line, stayed as blocks on portrait_03's line)."""
TEXTURE = 2.5
"""The canvas' fine texture (the rebuilt white's, or the painting's beside it) is laid over the
margin, within this many times its robust spread (a smooth band read as a stripe on the Mona
Lisa's craquelure)."""


@dataclass
class LidMargin:
    """The upper lid's margin across the replaced region, a table in (d, u).

    Attributes:
        u0, d0: eye-frame u and height over the contour of the table's first column and row;
            step: pixels between columns and rows.
        colour: (m, n, 3) float32 RGB; weight: (m, n) float32 in [0, 1], how much of it is
            drawn (1 across the replaced region's span and the margin's core, fading to 0 at
            the columns it was sampled from and at its top and bottom).
        core: (m, n) float32 in [0, 1], the line's core (1 where the margin is most of the
            way from the lid skin's lightness to the line's darkest).
        texture: (h, w) float32 ROI luminance ratio about 1, the canvas' fine texture.
        reach: (h, w) float32 in [0, 1], where it may be drawn: what the rebuilt white replaced
            and :data:`REACH` pixels round it (the painted white and lid beside the iris' old
            place stay the painting's); box: (rows, cols) of the ROI holding all of it.
    """

    u0: float
    d0: float
    step: float
    colour: np.ndarray
    weight: np.ndarray
    core: np.ndarray
    texture: np.ndarray
    reach: np.ndarray
    box: tuple[slice, slice] = (slice(0, 0), slice(0, 0))


def _replaced_span(hole: np.ndarray, frame: EyeFrame, lids: Lids, grid: np.ndarray, below: float) -> np.ndarray:
    """(n,) bool: where along ``grid`` (eye-frame u) the rebuilt white replaced paint
    (``hole`` (h, w) float32 in [0, 1]) in the band ``below`` pixels under the upper lid contour."""
    up = np.interp(grid, lids.u, lids.upper)
    dd = np.arange(-below, 0.01, STEP)
    vals = frame.sample(hole.astype(np.float32), np.broadcast_to(grid[None, :], (dd.size, grid.size)), up[None, :] + dd[:, None])
    return vals.max(0) > 0.05


def _near_column(edge: float, sign: int, gap: float, width: float, ends: tuple[float, float]) -> float | None:
    """Where one side's profile is sampled from (eye-frame u, its column nearest the iris):
    ``gap`` pixels past the replaced span's ``edge`` on side ``sign`` (-1: toward ``ends[0]``),
    or, where the lid's corner (``ends``: its first and last usable u) leaves less than
    :data:`MIN_SIDE` pixels past that, the window slides back toward the span: the last ``width``
    pixels before the corner that start a pixel past the span, at least :data:`MIN_SIDE` of them
    (None: the span runs into the corner). A painted line that runs on dark and thick into the
    outer corner (portrait_10's image-right eye: the span ends 3 px short of it) is a side of the
    line like any other; skipped, the other side's thin line was drawn across the whole old
    place, lighter than the painted line beside it."""
    corner = ends[1] if sign > 0 else ends[0]
    near = edge + sign * gap
    if sign * (corner - near) >= MIN_SIDE:
        return near
    room = sign * (corner - edge) - 1.0  # from a pixel past the span to the corner
    return corner - sign * min(width, room) if room >= MIN_SIDE else None


def _side(image: np.ndarray, frame: EyeFrame, lids: Lids, cols: np.ndarray, dd: np.ndarray) -> tuple[np.ndarray, float]:
    """The painted margin's profile across the lid at eye-frame u ``cols`` (their median):
    ((len(dd), 3) float32 RGB at heights ``dd`` over the contour, the height of its darkest
    row near the contour)."""
    up = np.interp(cols, lids.u, lids.upper)
    vals = frame.sample(image, np.broadcast_to(cols[None, :], (dd.size, cols.size)), up[None, :] + dd[:, None])
    prof = np.median(vals, 1).astype(np.float32)
    light = gaussian_filter1d(prof.mean(1), 1.0, mode="nearest")
    near = np.abs(dd) <= 0.5 * max(-float(dd[0]), float(dd[-1]))
    return prof, float(dd[near][int(np.argmin(light[near]))])


def lid_margin(image: np.ndarray, base: np.ndarray, hole: np.ndarray, frame: EyeFrame, lids: Lids, u_iris: float, r: float) -> LidMargin | None:
    """The upper lid's margin across where the iris was, from the painted margin beside it.

    Args:
        image: (h, w, 3) float32 RGB, the painted ROI; base: (h, w, 3) float32 RGB, the eye
            with the iris taken out (its texture is laid over the margin); hole: (h, w) float32
            in [0, 1], what the rebuilt white replaced (:func:`sfumato.rig.sclera.white_and_hole`); frame, lids: the
            eye's frame and painted lids; u_iris: the iris centre's eye-frame u; r: iris radius.

    Returns:
        The :class:`LidMargin`, or None when nothing under the upper lid was replaced or no
        painted margin lies beside it on either side.
    """
    grid = np.arange(float(lids.u[0]), float(lids.u[-1]) + 0.01, STEP)
    if grid.size < 4:
        return None
    height = lids.upper - lids.lower
    below = float(np.clip(BELOW * r, 2.0, None))
    span = _replaced_span(hole, frame, lids, grid, below)
    if not span.any():
        return None
    # the run of replaced columns nearest the iris
    runs = np.flatnonzero(np.diff(np.concatenate([[0], span.astype(np.int8), [0]])))
    starts, ends = runs[0::2], runs[1::2] - 1
    k = int(np.argmin(np.maximum(grid[starts] - u_iris, 0.0) + np.maximum(u_iris - grid[ends], 0.0)))
    a, b = float(grid[starts[k]]), float(grid[ends[k]])
    gap, width = GAP * r + 1.0, max(2.0, WIDTH * r)
    sides = []
    for sign, edge in ((-1, a), (1, b)):
        near = _near_column(edge, sign, gap, width, (float(lids.u[0]) + 0.5, float(lids.u[-1]) - 0.5))
        if near is None:
            continue
        far = float(np.clip(near + sign * width, lids.u[0] + 0.5, lids.u[-1] - 0.5))  # a corner may cut it short
        lo, hi = min(near, far), max(near, far)
        if lo < lids.u[0] + 0.5 or hi > lids.u[-1] - 0.5 or hi - lo < 1.0:
            continue
        open_there = float(np.interp(near, lids.u, height))
        sides.append((near, np.arange(lo, hi + 0.01, STEP), min(below, BELOW_OPEN * open_there)))
    if not sides:
        return None
    below = max(1.0, min(s[2] for s in sides))
    above = ABOVE * r + 2.0
    dd = np.arange(-below - 2.0, above + 2.0 + 0.01, STEP)  # room to shift each side's line
    profs = [(near, *_side(image, frame, lids, cols, dd)) for near, cols, _ in sides]
    slope = np.gradient(lids.upper, lids.u)  # the lid's dv/du: a line's height across it is its thickness / cos
    # the table: columns from the first sample column to the last, rows from -below to above
    u_lo, u_hi = (profs[0][0], profs[-1][0]) if len(profs) == 2 else (min(profs[0][0], a - gap), max(profs[0][0], b + gap))
    u_lo, u_hi = max(u_lo, float(lids.u[0])), min(u_hi, float(lids.u[-1]))
    cols = np.arange(u_lo, u_hi + 0.01, STEP)
    rows = np.arange(-below, above + 0.01, STEP)
    if len(profs) == 2:
        s = np.clip((cols - profs[0][0]) / max(profs[1][0] - profs[0][0], 1e-6), 0.0, 1.0)
    else:
        s = np.zeros(cols.size)
    line = np.zeros(cols.size) + profs[0][2] * (1 - s) + profs[-1][2] * s  # the line's height, mixed
    colour = np.zeros((rows.size, cols.size, 3), np.float32)
    cos = 1.0 / np.sqrt(1.0 + np.interp(cols, lids.u, slope) ** 2)
    for w, (near, prof, at) in zip((1 - s, s) if len(profs) == 2 else (np.ones(cols.size),), profs):
        cos_side = 1.0 / np.sqrt(1.0 + float(np.interp(near, lids.u, slope)) ** 2)
        src = (rows[:, None] - line[None, :]) * (cos / cos_side)[None, :] + at  # each side's line moved to the mixed height
        for c in range(3):
            colour[..., c] += w[None, :] * np.interp(src, dd, prof[:, c]).astype(np.float32)
    # how much is drawn: all of it across the replaced span, fading out toward the sampled
    # columns (where it is the painting itself), and toward its top and bottom
    along = np.clip(np.minimum((cols - (a - gap)) / gap, ((b + gap) - cols) / gap), 0.0, 1.0)
    across = np.clip(np.minimum((rows + below) / (0.5 * below), (above - rows) / (0.5 * above)), 0.0, 1.0)
    weight = (across[:, None] * along[None, :]).astype(np.float32)
    core = _core(lightness(colour), rows, line)
    u, v = frame.grids(hole.shape)
    rebuilt = (hole * opening(u, v, lids, 1.0))[..., None]  # the rebuilt white's texture there, the painting's elsewhere
    near = cv2.dilate((hole > 0.05).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * REACH + 1,) * 2))
    reach = cv2.GaussianBlur(near.astype(np.float32), (0, 0), 1.0)
    ys, xs = np.nonzero(reach > 0)
    box = (slice(int(ys.min()), int(ys.max()) + 1), slice(int(xs.min()), int(xs.max()) + 1)) if ys.size else (slice(0, 0), slice(0, 0))
    return LidMargin(float(cols[0]), float(rows[0]), STEP, colour, weight, core, _texture(image * (1 - rebuilt) + base * rebuilt, r), reach, box)


def _core(light: np.ndarray, rows: np.ndarray, line: np.ndarray) -> np.ndarray:
    """The line's core in the margin's table (``light``: (m, n) lightness at heights ``rows`` (m,)
    over the contour, the line's darkest at ``line`` (n,)): (m, n) float32 in [0, 1], 1 between
    where the line has risen half-way to the lightest over it and under it, fading out over a
    pixel (the line as thick as it is drawn, not the lid over it nor the white under it: a dark
    lid over portrait_20's line, drawn whole from one side, lost its painted strokes); only as
    much as the line is a line (:data:`LINE`)."""
    dark = np.array([np.interp(line[j], rows, light[:, j]) for j in range(line.size)])
    ends, lightest_ = [], []
    for order in (slice(None), slice(None, None, -1)):  # up from the line, then down from it
        r, lit = rows[order], light[order]
        side = (r[:, None] - line[None, :]) * (1 if order.step is None else -1) >= 0
        lightest = np.where(side, lit, -np.inf).max(0)
        reached = side & (lit >= 0.5 * (dark + lightest)[None, :])
        ends.append(np.where(reached.any(0), r[np.argmax(reached, 0)], r[-1]))
        lightest_.append(lightest)
    top, bottom = ends
    crisp = np.clip((np.minimum(*lightest_) - dark - LINE[0]) / (LINE[1] - LINE[0]), 0.0, 1.0)[None, :]
    return crisp * np.clip(np.minimum(top[None, :] + 0.5 - rows[:, None], rows[:, None] - bottom[None, :] + 0.5), 0.0, 1.0).astype(np.float32)


def _texture(image: np.ndarray, r: float) -> np.ndarray:
    """The fine luminance texture of ``image`` ((h, w, 3) float32 RGB): (h, w) float32 ratio to
    its local mean (a tenth of an iris radius, at least a pixel), within :data:`TEXTURE` times
    its robust spread of 1.

    A map laid over the margin's colour, so not :func:`sfumato.imaging.grain.fine_spread`'s grain
    (one number, the spread of second differences over a set of pixels): the spread here only
    clips the map's outliers (a lash, a crack), about 1 rather than the ratio's median."""
    lum = image.mean(2)
    ratio = lum / np.maximum(cv2.GaussianBlur(lum, (0, 0), max(1.0, 0.1 * r)), 1.0)
    spread = float(np.clip(robust_sd(ratio, centre=1.0), 0.003, 0.05))
    return np.clip(ratio, 1.0 - TEXTURE * spread, 1.0 + TEXTURE * spread).astype(np.float32)


def margin_layer(margin: LidMargin, u: np.ndarray, v: np.ndarray, lids: Lids) -> tuple[tuple[slice, slice], np.ndarray, np.ndarray, np.ndarray]:
    """The margin laid along the (possibly moved) upper lid ``lids``, the canvas' texture over it,
    within ``margin.box`` (nothing is drawn outside it): that box, and over it (b, c, 3) float32
    RGB, (b, c) float32 alpha in [0, 1] (0 outside the table) and (b, c) float32 in [0, 1], where
    it is drawn whole (the line's core). ``u``, ``v``: (h, w) float32 of the whole ROI."""
    box = margin.box
    u, v = u[box], v[box]
    up, _ = lids.at(u)
    x = ((u - margin.u0) / margin.step).astype(np.float32)
    y = ((v - up - margin.d0) / margin.step).astype(np.float32)
    colour = cv2.remap(margin.colour, x, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.remap(margin.weight, x, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    core = cv2.remap(margin.core, x, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    return box, colour * margin.texture[box][..., None], alpha * margin.reach[box], core


def draw_margin(image: np.ndarray, box: tuple[slice, slice], colour: np.ndarray, alpha: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """A copy of ``image`` ((h, w, 3) float32 RGB) with the margin (:func:`margin_layer`'s ``box``
    and, over it, ``colour``, ``alpha`` and ``whole``) drawn whole where ``whole`` says, elsewhere
    where it is darker (:data:`DARKEN`)."""
    out = image.copy()
    sub = image[box]
    darker = np.clip((sub.mean(2) - colour.mean(2)) / DARKEN, 0.0, 1.0)
    out[box] = sub + (colour - sub) * (alpha * (whole + (1.0 - whole) * darker))[..., None]
    return out
