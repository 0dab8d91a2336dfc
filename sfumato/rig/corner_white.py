"""How far a closing lid reaches past the eye's corners: over the painted white that runs on past them.

A corner of a closed eye shows no white, so a sliver of painted white past a corner goes with
the lid (:func:`white_past_corners`). Arrays are ROI pixels: ``light`` (h, w) float32 mean of
RGB in [0, 255]; ``u``, ``v`` (h, w) float32 eye-frame coordinates
(:class:`sfumato.rig.lids.EyeFrame`).
"""

from __future__ import annotations

import numpy as np

from sfumato.rig.lids import EyeFrame, Lids

CORNER_REACH = 0.12
"""The closing lid covers the painted lash band this many eye half-widths past the corners,
tapering to nothing (painted liner at the corners goes with the lid; set on portrait_02's
liner and a synthetic liner on the astronaut)."""
WHITE_CONTRAST = 6.0
"""Painted white past a corner is this much lighter (mean of RGB, 0..255) than the skin beyond
it (as :data:`sfumato.rig.lid_top.CREASE_CONTRAST`; portrait_11's inner corners: 15-25 lighter) ..."""
WHITE_REACH = 0.3
"""... and the closing lid covers it up to this many eye half-widths past the corner (beyond,
it is skin, or the eye's outline is off: chosen on portrait_11, no held-out set)."""


def corner_reach(frame: EyeFrame) -> tuple[float, float]:
    """How far past the corners the closing lid reaches, and the softness there, pixels."""
    cs = max(1.5, 0.1 * frame.half_width)
    return max(CORNER_REACH * frame.half_width, cs), cs


def past_corners(u: np.ndarray, lids: Lids, frame: EyeFrame) -> np.ndarray:
    """How far each pixel lies past a corner: (h, w) float32 in [0, 1], 0 between the corners,
    rising to 1 over :func:`corner_reach`'s softness past either (``u``: (h, w) eye-frame u)."""
    cs = corner_reach(frame)[1]
    beyond = np.maximum(float(lids.u[0]) - u, u - float(lids.u[-1]))
    return np.clip(beyond / cs, 0.0, 1.0).astype(np.float32)


def white_past_corners(light: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids, frame: EyeFrame) -> tuple[float, float]:
    """How far the closing lid reaches past the (left, right) corner, pixels: :func:`corner_reach`,
    or further where a sliver of painted white runs on past a corner, at most
    :data:`WHITE_REACH` eye half-widths: it goes with the lid, a corner of a closed eye shows
    no white. The sliver is lighter by :data:`WHITE_CONTRAST` than the skin beyond it along the
    corners' line, and than the darker of the skin just above and just below it (compared along
    the line only, skin that darkens outward, a temple shadow or dark hair beyond the outer
    corner, read as white all the way: review 8 item 8; the darker side only, as a pale streak
    may run on above or below the line: portrait_11's inner corner). ``light``: (h, w) mean of
    RGB; ``u``, ``v``: (h, w) eye-frame coordinates."""
    (reach, cs), half = corner_reach(frame), max(1.0, 0.15 * lids.height())
    steps, out = np.arange(0.0, (WHITE_REACH + 0.2) * frame.half_width + 0.5, 1.0), []
    near = steps <= WHITE_REACH * frame.half_width
    for k, sign in ((0, -1.0), (-1, 1.0)):
        d = sign * (u - lids.u[k])  # past the corner only
        off = np.abs(v - lids.upper[k])
        prof = _profile(light, d, (off < half) & (d >= 0), steps.size)  # along the corners' line
        band = (off >= half) & (off < 3.0 * half) & (d >= 0)  # just above and below: the darker of the two
        above = v - lids.upper[k] > 0
        side = np.fmin(_profile(light, d, band & above, steps.size), _profile(light, d, band & ~above, steps.size))
        if np.isnan(prof).any() or np.isnan(side[near]).any() or near.all():
            out.append(reach)
            continue
        lit = (prof[near] > float(np.median(prof[~near])) + WHITE_CONTRAST) & (prof[near] > side[near] + WHITE_CONTRAST)
        run = int(np.argmin(lit)) if not lit.all() else lit.size  # the sliver runs on from the corner
        out.append(max(reach, float(steps[run - 1]) + cs) if run > 0 else reach)
    return out[0], out[1]


def _profile(light: np.ndarray, d: np.ndarray, on: np.ndarray, n: int) -> np.ndarray:
    """Mean ``light`` of the pixels ``on`` ((h, w) bool) within 0.75 px of each 1 px step
    0..n-1 of ``d`` ((h, w) distance past a corner, pixels; each pixel in the one or two steps
    it is near): (n,) float64, NaN where a step has none."""
    count, total = np.zeros(n), np.zeros(n)
    lo_t, hi_t = np.ceil(d - 0.75).astype(np.int64), np.floor(d + 0.75).astype(np.int64)
    for t, sel in ((hi_t, on & (hi_t < n)), (lo_t, on & (lo_t != hi_t) & (lo_t < n))):
        count, total = count + np.bincount(t[sel], minlength=n), total + np.bincount(t[sel], light[sel], minlength=n)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)
