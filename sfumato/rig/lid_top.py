"""Where the closed upper lid ends above: the painted lash line's row and the painted crease.

A closed upper lid is the lid skin between the closed lash line and the crease; the crease,
the brow and everything above them stay where they were painted. So the region the closing
lid uncovers (:func:`sfumato.rig.lid_plate.cover`) reaches, column by column along the eye,
from the lash line up to the *lower edge* of the first painted dark line over it:

- a **crease**: over the lash line the profile rises to a lighter fold, then falls at least
  :data:`CREASE_CONTRAST` into a dark line and rises again at least as much above it (portrait_11,
  13, 20): the lid ends where the fall is half done, under the crease (ending at the crease's
  darkest row, as it did, the lid covered half the line and, on portrait_11, whose lash line is
  no darker than its red-brown crease, the crease was read as the lash line and the lid reached
  past it almost to the brow);
- none: the old lash band (:data:`UPPER_BAND` opening heights, or past the lash line's darkest
  row), as before. (A third case, a *shelf*, a flat band over the lash line darker than the skin
  it rises to, meant for portrait_03's pink fold line on its liner, was removed in closed16: no
  eye that ends its lid here, shared or the astronaut's, reached it, and portrait_03 does not.)

With no crease, a lid whose soft top edge would end on a painted *lit fold* (a light band over
the lash line falling into the orbit's shadow) reaches past it mid-lid (:func:`past_fold`,
:func:`fold_top`): ended on it, the fold's upper half stayed over the closed lid as a light rim,
portrait_13's two lids a pale plate with a drawn top outline (closed16-fold, landed in closed17).

Found in :data:`BINS` columns between the corners, smoothed over three, so near the corners the
lid ends where the painting's own lines end there (a band constant along the eye rose as a
vertical wall at the outer corner of portrait_11's image-left eye, the cut-out reaching the
brow).

:func:`sfumato.rig.lid_plate.lid_sheet` ends the lid so only where the darkest row over it
mid-lid is a crease over the lash line (:func:`misread_crease`) or the crease over it is as dark
as the lash line (:func:`dark_crease`: portrait_11's two eyes); elsewhere the lid reaches the
crease's core all along (:func:`crease_row`), as before lids15b (taken everywhere, the
column-by-column top left the Mona Lisa's image-right lid a darker oval under a light sliver of
her lit fold, and moved portrait_02, 03, 07 and 13 past their tests).

Arrays are ROI pixels: ``light`` (h, w) float32 lightness in [0, 255] (CIE L times 2.55: a
pink line on beige skin is darker in L than in the mean of RGB); ``u``, ``v`` (h, w)
float32 eye-frame coordinates (:class:`sfumato.rig.lids.EyeFrame`, v up).
"""

from __future__ import annotations

import numpy as np

from sfumato.rig.lids import Lids

UPPER_BAND = 0.3
"""With no crease over it, the painted upper margin (lash line, lid fold) that the
unfolding lid covers reaches at least this many opening heights above the lid contour (further
where its darkest row lies higher). Set on the astronaut (the first rig blink)."""
CREASE_REACH = 1.0
"""A painted crease within this many opening heights above the lid contour is where the closed
lid ends ..."""
CREASE_CONTRAST = 6.0
"""... when it is this much darker (mean of RGB, 0..255) than the fold under it and the skin over
it (both set on portrait_13's deep-set eyes). Also: a dark row no more than this lighter than the
darkest over the contour, and lower, is the lash line (portrait_11's image-left: lash line 64,
crease 61); and a shelf is this much darker than the skin it rises to."""
FLAT = 2.5
"""The rise off the lash line has ended where the profile rises less than twice this (lightness,
0..255: 2 L) over a pixel. Set by lids15 (9892ddd, kept by lids15b d48c9a5) with no recorded
case. Swept in session 17 over 0.25 / 1 / 1.5 / 2 / 3 / 3.5 / 5 / 10 on the six eyes whose closed
lid this module ends (portrait_11's two, the astronaut's creased test eyes of
``tests/test_closed_lid_crease.py``, darker and lighter): the closed lid's top is the same to the
pixel at every value (the walk only picks where :func:`first_valley` starts, and on these eyes
it finds the same crease wherever the walk stops): no eye's lid depends on it."""
LASH_REACH = 0.3
"""In a column the lash line lies within this many opening heights over the (fitted) contour
(within 0.6, the middle of the lid's reach, portrait_11's red-brown crease was read as it in
half the columns)."""
BINS = 8
"""Columns along the eye, between the corners, each with its own top. Set by lids15 (9892ddd)
with no recorded case. Swept in session 17 over 6 / 7 / 10 / 12 on the same six eyes as
:data:`FLAT`: the median top moves at most 0.37 px (portrait_11's image-right: 3.21 px at 8,
3.07 / 2.84 / 3.21 / 3.39 at 6 / 7 / 10 / 12), single pixels up to 2.5 px (the astronaut's at
12), where the columns' ends fall elsewhere along the lid: a choice between too few columns
for a crease that bends and too few pixels per column to read one."""
STEP = 0.5
"""The profiles' row step, pixels."""


def profile(light: np.ndarray, sel: np.ndarray, d: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Mean ``light`` of ``sel``'s pixels within half a pixel of each of ``rows`` above the lid
    contour (``d``: (h, w) float32, v over the upper contour): (n,) float64, NaN where none."""
    out = np.full(rows.size, np.nan)
    for k, r in enumerate(rows):
        m = sel & (np.abs(d - r) < 0.5)
        if m.any():
            out[k] = float(light[m].mean())
    return out


def lash_row(prof: np.ndarray, rows: np.ndarray, height: float, reach: float = 0.6) -> int:
    """Index into ``rows`` of the painted lash line's darkest row: the lowest local minimum within
    ``reach`` opening heights (``height``, pixels) over the contour no more than
    :data:`CREASE_CONTRAST` lighter than the darkest there (a crease as dark as the lash line over
    it is no lash line: portrait_11's image-left, lash line 64, crease 61 mid-lid), else the
    darkest row there (:func:`lash_minimum`)."""
    i = lash_minimum(prof, rows, height, reach)
    if i is not None:
        return i
    win = np.flatnonzero((rows <= reach * height) & np.isfinite(prof))
    return int(win[np.argmin(prof[win])]) if win.size else 0


def lash_minimum(prof: np.ndarray, rows: np.ndarray, height: float, reach: float = 0.6) -> int | None:
    """:func:`lash_row`'s lowest local minimum (an index into ``rows``), or None where there is
    none: the profile only rises from under the contour (the painted eye, its iris, goes on
    over a contour fitted inside it: portrait_20's image-left). "The darkest there" leaves out
    the slope of a darker line over the window falling into its top rows (portrait_11's
    image-right inner half, a crease 6-7 px over a faint lash line, 4.8 px the window: counted,
    that slope was the darkest, the lash line no minimum within :data:`CREASE_CONTRAST` of it,
    the window's top taken as the lash line and the lid reached over the crease)."""
    win = np.flatnonzero((rows <= reach * height) & np.isfinite(prof))
    if win.size == 0:
        return None
    top = win.size  # the darkest of the window's rows, but a darker line's slope falling into its top
    while top > 1 and win[top - 1] + 1 < prof.size and prof[win[top - 1] + 1] < prof[win[top - 1]]:
        top -= 1
    m = float(np.nanmin(prof[win[:top]]))
    for i in win:
        if i == win[0]:  # the lowest row may be the pupil or iris under the lid, still falling
            continue
        lo = prof[i - 1] if np.isfinite(prof[i - 1]) else np.inf
        hi = prof[i + 1] if i + 1 < prof.size and np.isfinite(prof[i + 1]) else np.inf
        if prof[i] <= m + CREASE_CONTRAST and prof[i] <= lo and prof[i] <= hi:
            return int(i)
    return None


def first_valley(prof: np.ndarray, start: int, stop: int) -> tuple[int, int] | None:
    """The first dark line over ``start`` (a valley at least :data:`CREASE_CONTRAST` under the
    lightest row before it and under a row after it, up to ``stop``): (its lightest row before,
    its darkest row) as indices into ``prof``, or None."""
    peak, low = start, start
    for j in range(start + 1, stop):
        if not np.isfinite(prof[j]):
            break
        if low == peak and prof[j] >= prof[peak]:  # still rising to the fold
            peak = low = j
        elif prof[j] < prof[low]:
            low = j
        elif prof[peak] - prof[low] >= CREASE_CONTRAST and prof[j] - prof[low] >= CREASE_CONTRAST:
            return peak, low
        elif prof[j] > prof[peak] and prof[peak] - prof[low] < CREASE_CONTRAST:  # a shallow dip: a new fold
            peak = low = j
    return None


def column_top(prof: np.ndarray, rows: np.ndarray, height: float) -> tuple[float, float, bool, float]:
    """How far over the contour the closed lid reaches in one column, how far its lash band
    does (pixels), whether that top is under a painted line (a crease), and how far
    the painted band it unfolds reaches (pixels: the crease's darkest row, else the top): (top,
    lash band, under a line, band). ``prof``: (n,) lightness at ``rows`` (n,) pixels over the
    contour (from 0.1 opening heights under it, :data:`STEP` apart); ``height``: the opening
    height, pixels. The module docstring says how."""
    c0 = lash_row(prof, rows, height, LASH_REACH)
    stop = int(np.searchsorted(rows, CREASE_REACH * height, side="right"))
    lash = max(1.5, UPPER_BAND * height, float(rows[c0]) + 0.15 * height + 1.0)
    ok = np.isfinite(prof[c0:stop])
    light = float(prof[c0:stop][ok].max()) if ok.any() else float(prof[c0])
    i = c0
    while i + 1 < stop and np.isfinite(prof[i + 1]) and prof[i + 1] < prof[c0] + 0.25 * (light - prof[c0]):
        i += 1  # through the lash line's dark core (a liner's is flat and a few pixels thick)
    while i + 2 < stop and np.isfinite(prof[i + 2]) and prof[i + 2] - prof[i] >= 2.0 * FLAT:
        i += 1  # up its lighter edge (over a whole pixel: rows half a pixel apart see pixels in pairs)
    if i == c0:
        return lash, lash, False, lash
    found = first_valley(prof, i, stop)
    if found is not None:
        peak, low = found
        half = 0.5 * (prof[peak] + prof[low])
        k = peak + int(np.argmax(prof[peak : low + 1] <= half))
        if rows[low] > lash:  # (a dip within the lash band is the lash line's own edge)
            top = max(float(rows[k]), lash)
            return top, lash, True, float(rows[low])
        return lash, lash, False, lash
    return lash, lash, False, lash


def lid_top(light: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids, height: float
            ) -> tuple[np.ndarray, np.ndarray, float]:
    """How far over the painted upper contour the closed lid reaches at each pixel's u.

    Args:
        light: (h, w) float32 lightness (0..255); u, v: (h, w) eye-frame coordinates; lids: the
            painted lids; height: the opening height, pixels (at least 2).

    Returns:
        ((h, w) float32 pixels, the top at each pixel's u (falling to the plain lash band at the
        corners, held beyond them); (h, w) float32 in [0, 1], how far that top is under a
        painted line there (where it is, the lid's soft edge must end at it, not straddle it);
        the middle half's median band (how far the painted band the closed lid unfolds reaches
        over the contour: the crease's darkest row, as the scalar band of old, for the lid's
        soft width and texture depth)).
    """
    up, _ = lids.at(u)
    d = v - up
    rows = np.arange(-0.1 * height, CREASE_REACH * height + 0.25, STEP)
    edges = np.linspace(float(lids.u[0]), float(lids.u[-1]), BINS + 1)
    found = []
    for a, b in zip(edges[:-1], edges[1:]):
        prof = profile(light, (u >= a) & (u < b), d, rows)
        if np.isfinite(prof).sum() >= 4:
            found.append((*column_top(prof, rows, height), 0.5 * (a + b)))
    corner = max(1.5, UPPER_BAND * height)
    if not found:
        return np.full(u.shape, corner, np.float32), np.zeros(u.shape, np.float32), corner
    tops, lashes, lines, bands, c = (np.array(x, np.float64) for x in zip(*found))
    if tops.size >= 3:  # each column with its neighbours' (one misread column is no step)
        pad = lambda x: np.concatenate([x[:1], x, x[-1:]])  # noqa: E731
        tops, lashes, lines, bands = (np.median(np.stack([p[:-2], p[1:-1], p[2:]]), 0)
                                      for p in (pad(tops), pad(lashes), pad(lines), pad(bands)))
    span = float(lids.u[-1] - lids.u[0])
    mid = np.abs(c - 0.5 * float(lids.u[0] + lids.u[-1])) <= 0.25 * span + 1e-6
    mid = mid if mid.any() else np.ones_like(mid)
    middle = np.abs(u - 0.5 * float(lids.u[0] + lids.u[-1])) < 0.25 * span
    prof = profile(light, middle, d, rows)
    band = column_top(prof, rows, height)[3] if np.isfinite(prof).sum() >= 4 else float(np.median(bands[mid]))
    # nowhere past the painted band it unfolds mid-lid (a crease found over a corner only, or
    # over the lash band where mid-lid has none, is no top: portrait_07's inner corner)
    lines = np.where(tops > band, 0.0, lines)
    tops = np.minimum(tops, band)
    # into the corners it falls to the end column's lash band (a crease high over a corner, held
    # there, ended the lid in a vertical wall past it; falling to the plain UPPER_BAND, it left the
    # painted liner at the inner corners: the astronaut's)
    knots = np.concatenate([[float(lids.u[0])], c, [float(lids.u[-1])]])
    vals = np.concatenate([[min(lashes[0], tops[0])], tops, [min(lashes[-1], tops[-1])]])
    ends = [lines[k] if tops[k] <= lashes[k] else 0.0 for k in (0, -1)]  # at the lash band: no line
    top = np.interp(u, knots, vals).astype(np.float32)
    line = np.interp(u, knots, np.concatenate([ends[:1], lines, ends[1:]])).astype(np.float32)
    return top, line, band


def misread_crease(prof: np.ndarray, rows: np.ndarray, height: float) -> int | None:
    """Whether the darkest row over the contour mid-lid (``prof``: (n,) lightness at ``rows``
    pixels over it, from 0.1 opening heights under it to 0.6 over it) is a crease over the lash
    line: the lash line's row (an index into ``rows``) when the darkest row lies over
    :data:`LASH_REACH` opening heights and a dark line lies under it, within that reach (a local
    minimum no more than :data:`CREASE_CONTRAST` lighter than any row under it), with a fold at
    least :data:`CREASE_CONTRAST` lighter between the two (portrait_11's image-left: lash line 64,
    crease 61, mean of RGB), else None (the darkest row is the lash line: over a contour fitted
    inside the painted eye, portrait_20's image-left, the profile rises from its dark iris under
    the contour to the fold under it)."""
    if not np.isfinite(prof).any():
        return None
    darkest = int(np.nanargmin(prof))
    if rows[darkest] <= LASH_REACH * height:
        return None
    win = np.flatnonzero((rows <= LASH_REACH * height) & np.isfinite(prof))
    for i in win[1:]:  # the lowest row may be the pupil or iris under the lid, still falling
        lo = prof[i - 1] if np.isfinite(prof[i - 1]) else np.inf
        if (prof[i] <= lo and prof[i] <= prof[i + 1] and prof[i] <= np.nanmin(prof[:i]) + CREASE_CONTRAST
                and np.nanmax(prof[i:darkest]) - prof[i] >= CREASE_CONTRAST):
            return int(i)
    return None


def dark_crease(light: np.ndarray, mid: np.ndarray, d: np.ndarray, crease: float, height: float) -> bool:
    """Whether the painted crease :func:`crease_row` found ``crease`` pixels over the upper lid
    contour is as dark as the lash line under it: its row no more than :data:`CREASE_CONTRAST`
    lighter than the darkest row within :data:`LASH_REACH` opening heights over the contour
    (``light``: (h, w) mean of RGB; ``mid``: (h, w) bool, the middle of the lid; ``d``: (h, w)
    v over the contour; ``height``: the opening height, pixels). Such a crease is a painted line
    as strong as the lash line, which the closed lid ends under (:func:`lid_top`), as it does
    where the crease is the darkest row (:func:`misread_crease`): portrait_11's image-right eye,
    lash line 37, crease 43 mid-lid, whose crease the lid reaching its core wiped out. The
    lighter creases of the other shared paintings (lash line / crease: the Mona Lisa 55 / 71 and
    66 / 81, portrait_02 7 / 109 and 6 / 118, portrait_10 28 / 89 and 38 / 97, portrait_14 51 / 59
    and 43 / 56, portrait_17 33 / 47 and 30 / 43) are not: there the lid reaches the crease's
    core as before (taken everywhere, lids15 moved 14 lid tests)."""
    rows = np.arange(-0.1 * height, LASH_REACH * height + 0.25, STEP)
    lash = profile(light, mid, d, rows)
    line = profile(light, mid, d, np.array([crease]))[0]
    if not np.isfinite(lash).any() or not np.isfinite(line):
        return False
    return bool(line <= float(np.nanmin(lash)) + CREASE_CONTRAST)


def past_fold(light: np.ndarray, mid: np.ndarray, d: np.ndarray, band: float, soft: float, height: float) -> float:
    """How far over the upper lid contour the closed lid must reach mid-lid so its soft top edge
    (``band`` - ``soft`` to ``band`` + ``soft`` pixels over it, :func:`sfumato.rig.lid_plate.cover`)
    ends past a lit fold it would straddle: ``band``, or where the fold's fall into the shadow
    over it is half done plus ``soft`` (``light``: (h, w) mean of RGB; ``mid``: (h, w) bool,
    the middle of the lid; ``d``: (h, w) v over the contour; ``height``: the opening height).

    A lit fold is the lightest row of the soft edge, falling at least twice
    :data:`CREASE_CONTRAST` within a quarter of an opening height over it into a shadow that does
    not rise again (a fall into a crease, portrait_07's image-right pink line, is the lid's top:
    :func:`crease_row`). Half covered, its upper half stayed over the closed lid as a light rim
    (portrait_13's two eyes: a pale plate with a drawn top outline); covered, the lid's top meets
    the orbit's shadow (the fold unfolds into the closed lid). Only where no crease is found."""
    rows = np.arange(band - soft, CREASE_REACH * height + 0.25, STEP)
    prof = profile(light, mid, d, rows)
    zone = np.flatnonzero(rows <= band + soft)
    if zone.size < 2 or not np.isfinite(prof).all():
        return band
    p = int(zone[np.argmax(prof[zone])])
    end = int(np.searchsorted(rows, rows[p] + 0.25 * height, side="right"))
    low = p + int(np.argmin(prof[p:end]))
    if p == 0 or prof[p] - prof[low] < 2.0 * CREASE_CONTRAST:
        return band
    back = int(np.searchsorted(rows, rows[low] + 0.25 * height, side="right"))
    if float(np.max(prof[low:back])) - prof[low] >= CREASE_CONTRAST:  # into a crease: the lid's top
        return band
    e = p + int(np.argmax(prof[p : low + 1] <= 0.5 * (prof[p] + prof[low])))
    return max(band, float(rows[e]) + soft)


def fold_top(u: np.ndarray, lids: Lids, band: float, raised: float) -> np.ndarray:
    """The closed lid's top over the upper lid contour at each pixel's u: ``raised`` mid-lid
    (:func:`past_fold`), falling to ``band`` at the corners as the lid's dome does (a top raised
    all along rose as a wall at portrait_20's image-right outer corner): (h, w) float32 pixels."""
    s = np.clip((u - float(lids.u[0])) / max(float(lids.u[-1] - lids.u[0]), 1e-3), 0.0, 1.0)
    return (band + (raised - band) * np.clip(4.0 * s * (1.0 - s), 0.0, 1.0) ** 0.5).astype(np.float32)


def crease_row(light: np.ndarray, mid: np.ndarray, d: np.ndarray, band_up: float, height: float) -> float:
    """How far above the upper lid contour a closed lid reaching one height all along reaches,
    pixels: the darkest row of a painted crease (:data:`CREASE_REACH`, :data:`CREASE_CONTRAST`)
    when there is one over the lash band ``band_up``, else ``band_up`` (the rig's closed lid
    until lids15b, kept where the lash line is read right: :func:`misread_crease`). ``light``:
    (h, w) mean of RGB; ``mid``: (h, w) bool, the middle of the lid; ``d``: (h, w) v over the
    upper contour."""
    rows = np.arange(band_up, CREASE_REACH * height + 0.25, 0.5)
    if rows.size < 4:
        return band_up
    prof = profile(light, mid, d, rows)
    if np.isnan(prof).any():
        return band_up
    i = int(np.argmin(prof))
    if i == 0 or i == rows.size - 1:
        return band_up
    fold, over = float(prof[:i].max()), float(prof[i + 1:].max())
    return float(rows[i]) if min(fold, over) - float(prof[i]) >= CREASE_CONTRAST else band_up

