"""The closing lid: a painted eyelid sheet that slides down over the eye.

When an eye closes, the upper lid's margin (lashes, lid line) comes down as it is painted,
and the lid skin that was folded under the crease unfolds above it. The rig so does not
stretch the painted skin over the eye (a smeared band): it translates the painted lash band
(a strip just above the lid line, and a thinner one below the lower lid) rigidly with its lid,
and fills the opening it leaves behind with a *lid plate*: the colour of the painted lid fold
(lit like the lower lid's skin where the fold lies in the orbit's shadow), shaded darker toward
the lash line, with the painting's own fine detail (crackle, canvas, grain) carried over from
the skin under the eye. Where the two margins meet, the seam is softened into a dark curve a
pixel or two wide; the rising lower band never shows painted white, and painted liner at the
corners goes with the lid.

Arrays are ROI pixels: images (h, w, 3) float32 RGB in [0, 255]; ``u``, ``v`` (h, w) float32
eye-frame coordinates (:class:`sfumato.rig.lids.EyeFrame`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.rig.lids import EyeFrame, Lids
from sfumato.rig.sclera import canvas_texture

UPPER_BAND = 0.3
"""The painted upper margin (lash line, lid fold) that the unfolding lid covers reaches at
least this many opening heights above the lid contour (further where its darkest row lies
higher)."""
LOWER_BAND = 0.15
"""The lower lash band, moved rigidly with the rising lower lid, is this many opening heights thick."""
LOWER_SKIN = 0.5
"""Toward its lash line the closed lid's colour is this much the lower lid's skin (the rest the
skin above the lid), fading to none at its top."""
MARGIN_SHADE = 0.08
"""The closed lid is this much darker at its lash line, fading over a quarter of an opening height."""
LID_LIT = 0.9
"""A lid fold in the orbit's shadow is mixed with the lower lid's skin until it is at least this
light relative to that skin: the closed lid bulges into the light, its crease stays dark ..."""
LID_MIX = 0.7
"""... mixing in at most this much of the lower lid's skin."""
TEXTURE_SCALE = 0.2
"""The texture carried onto the lid is the skin's detail finer than this many iris radii ..."""
TEXTURE_DEPTH = 1.6
"""... from the skin this many opening heights under the lower lash band ..."""
TEXTURE_CLIP = (0.6, 1.2)
"""... as a luminance ratio to its local mean, clipped to this range."""
LIGHT_CAP = 1.06
"""The rising lower lash band is never lighter than this times the lid skin (the painted white
it may hold along the lid's rim does not show under a closed lid)."""
CORNER_REACH = 0.12
"""The closing lid covers the painted lash band this many eye half-widths past the corners,
tapering to nothing (painted liner at the corners goes with the lid)."""
CREASE = (0.7, 0.6)
"""Over the top of the unfolded lid, from this fraction of its height up, the plate turns into
the painted skin just above it (at the top, this much of it; less toward the corners, where
painted liner stays the lid's): the closed lid rounds into the crease and its shadow as
painted, with no seam or outline where the plate ends."""
CREASE_FROM = 0.85
"""... growing in as the lid comes to rest, from this closure to 1: mid-blink the lid stays the
plain plate, on which FaceMesh reads both eyes' openness alike (the Mona Lisa's wink check; a
crease from the start read up to 0.28 apart there)."""


@dataclass
class LidSheet:
    """What a blink needs, derived once per eye.

    Attributes:
        plate: (h, w, 3) float32 RGB, lid skin everywhere in the ROI (smooth colour x canvas
            texture).
        band_up, band_lo: thickness of the lash bands moved with the upper / lower lid, pixels.
        soft: width of the soft transitions, pixels.
        lash: (3,) float32 RGB, the painted upper lash line's colour; lash_width: its
            half-thickness, pixels; lash_strength: its alpha at the core, in [0, 1].
        cap: (h, w) float32, the lightest (mean of RGB, 0..255) the rising lower lash band may be.
    """

    plate: np.ndarray
    band_up: float
    band_lo: float
    soft: float
    lash: np.ndarray
    lash_width: float
    lash_strength: float
    cap: np.ndarray


def lid_sheet(image: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids, frame: EyeFrame, radius: float) -> LidSheet:
    """Derive the lid plate of one eye from the painted ROI.

    The plate's colour, column by column, is the painted lid fold's (the lid skin between the
    lash band and the crease, its darkest third left out): that skin is what unfolds over the eye. Where
    the fold lies in the orbit's shadow (deep-set eyes) it is mixed with the lower lid's skin
    until it is :data:`LID_LIT` as light as that skin: a closed lid bulges over the eyeball into
    the light, the crease above it staying in shadow. Toward the lash line a little more of the
    lower lid's skin (:data:`LOWER_SKIN`). Its texture is the painting's own fine detail (crackle,
    canvas, skin grain), carried over from the skin under the lower lid.

    Args:
        image: (h, w, 3) float32 RGB ROI; u, v: (h, w) eye-frame coordinates; lids: the
            painted lids; frame: the eye frame; radius: iris radius, pixels.
    """
    height = max(lids.height(), 2.0)
    up, lo = lids.at(u)
    light = image.mean(2)
    mid = (u > lids.u[0] + 0.25 * (lids.u[-1] - lids.u[0])) & (u < lids.u[-1] - 0.25 * (lids.u[-1] - lids.u[0]))
    # the painted lash line may lie a little above FaceMesh's contour: the band reaches past
    # the darkest row of the upper margin
    rows = np.arange(-0.1 * height, 0.6 * height + 1.0, 0.5)
    prof = [float(light[sel].mean()) if (sel := mid & (np.abs(v - up - d) < 0.5)).any() else np.inf for d in rows]
    darkest = float(rows[int(np.argmin(prof))]) if np.isfinite(min(prof)) else 0.0
    band_up = max(1.5, UPPER_BAND * height, darkest + 0.15 * height + 1.0)
    band_lo = max(1.0, LOWER_BAND * height)
    span = (u > lids.u[0] - 0.15 * frame.half_width) & (u < lids.u[-1] + 0.15 * frame.half_width)
    fold = span & (v > up + band_up) & (v < up + band_up + 0.8 * height)
    if fold.sum() < 8:  # a tiny ROI: everything above the lash band is skin
        fold = v > up + band_up
    below = span & (v < lo - 1.2 * band_lo) & (v > lo - band_lo - 0.8 * height)
    col_up, col_lo = _column_colour(image, light, fold, u, lids, 35), _column_colour(image, light, below, u, lids, 20)
    if col_lo is None:
        col_lo = col_up
    if col_up is None:
        col_up = col_lo if col_lo is not None else np.broadcast_to(image.reshape(-1, 3).mean(0), image.shape).astype(np.float32)
        col_lo = col_up
    # a fold in the orbit's shadow: lit like the lower lid's skin (at most LID_MIX of it)
    l_up, l_lo = col_up.mean(-1), col_lo.mean(-1)
    k = np.clip((LID_LIT * l_lo - l_up) / np.maximum(l_lo - l_up, 1e-3), 0.0, LID_MIX)[..., None]
    lid = col_up + k * (col_lo - col_up)
    w_lo = LOWER_SKIN * (1.0 - np.clip((v - lo) / np.maximum(up + band_up - lo, 1.0), 0.0, 1.0)[..., None] ** 1.5)
    colour = col_lo * w_lo + lid * (1 - w_lo)
    # texture: the painting's own fine detail, from the skin under the lower lash band (a whole
    # pixel away: a fractional shift would blur the cracks)
    depth = TEXTURE_DEPTH * height + band_up + band_lo
    shift = (float(np.round(-depth * frame.up[0])), float(np.round(-depth * frame.up[1])))
    tex = canvas_texture(image, [np.ones_like(light)], max(1.0, TEXTURE_SCALE * radius), np.ones_like(light), shift,
                         lo=TEXTURE_CLIP[0], hi=TEXTURE_CLIP[1])
    plate = colour * tex[..., None]
    # the lash line: the darkest of the painted upper margin, mid-lid
    margin = mid & (np.abs(v - up - darkest) < max(1.5, 0.25 * height))
    if margin.sum() >= 4:
        dark = margin & (light <= np.percentile(light[margin], 20))
        lash = image[dark].mean(0)
        skin_l = float(np.median(light[fold])) if fold.any() else float(light.max())
        strength = float(np.clip((skin_l - light[dark].mean()) / max(skin_l, 1.0) * 2.5, 0.35, 0.9))
    else:
        lash, strength = image.reshape(-1, 3).min(0), 0.6
    cap = (LIGHT_CAP * np.maximum(l_lo, colour.mean(-1))).astype(np.float32)
    return LidSheet(plate.astype(np.float32), float(band_up), float(band_lo), max(1.0, 0.35 * band_up),
                    np.asarray(lash, np.float32), max(0.9, 0.07 * frame.half_width), strength, cap)


def ramp(x: np.ndarray) -> np.ndarray:
    """Smoothstep of ``x`` clipped to [0, 1] (same shape, float32)."""
    x = np.clip(x, 0.0, 1.0)
    return (x * x * (3 - 2 * x)).astype(np.float32)


def _column_colour(image: np.ndarray, light: np.ndarray, where: np.ndarray, u: np.ndarray, lids: Lids,
                   darkest: float = 20.0) -> np.ndarray | None:
    """Median colour of ``where``'s pixels lighter than its ``darkest`` percentile, in 8 bins of
    u between the corners, interpolated at every pixel's u: (h, w, 3) float32, or None when too
    few pixels."""
    if where.sum() < 8:
        return None
    keep = where & (light >= np.percentile(light[where], darkest))
    bins = np.linspace(float(lids.u[0]), float(lids.u[-1]), 9)
    centres = 0.5 * (bins[1:] + bins[:-1])
    cols = np.array([np.median(image[sel], 0) if (sel := keep & (u >= a) & (u < b)).sum() >= 3 else np.full(3, np.nan)
                     for a, b in zip(bins[:-1], bins[1:])])
    good = ~np.isnan(cols[:, 0])
    if not good.any():
        return None
    return np.stack([np.interp(u, centres[good], cols[good, k]) for k in range(3)], -1).astype(np.float32)


def close_lids(
    skin: np.ndarray, sheet: LidSheet, u: np.ndarray, v: np.ndarray, frame: EyeFrame, rest: Lids, now: Lids,
    height: float, blink: float = 1.0,
) -> np.ndarray | None:
    """The lid skin with the lids moved from ``rest`` to ``now`` (closing), or None when they
    did not close.

    The upper lid's skin unfolds: between its moving margin and the top of its painted lash
    band it is the lid plate, turning into the painted skin above toward its top
    (:data:`CREASE`), darker toward the margin (the lash line itself is drawn over the
    composed eye by :func:`lash_line`). The lower lid's thin lash band is translated with its
    margin, the plate filling where it was.

    Args:
        skin: (h, w, 3) float32 RGB, the painted lid skin (already moved with the gaze).
        sheet: :func:`lid_sheet`; u, v: (h, w) eye-frame coordinates; frame: the eye frame.
        rest: the lids ``skin`` shows; now: the closing lids; height: the painted opening
            height, pixels; blink: the closure in [0, 1] (the crease grows in from
            :data:`CREASE_FROM`).

    Returns:
        (h, w, 3) float32 RGB, or None.
    """
    d_up = np.minimum(now.upper - rest.upper, 0.0)  # the upper lid comes down ...
    d_lo = np.maximum(now.lower - rest.lower, 0.0)  # ... the lower one rises
    if d_up.min() > -0.05 and d_lo.max() < 0.05:
        return None
    up_now, lo_now = now.at(u)
    du = np.interp(u, now.u, d_up).astype(np.float32)
    dl = np.interp(u, now.u, d_lo).astype(np.float32)
    S = sheet
    s_up, s_lo = v - up_now, lo_now - v  # depth into the upper / lower lid from its moving margin
    cs = max(1.5, 0.1 * frame.half_width)
    # the lower lash band moves rigidly with its margin, the shift fading out just beyond it
    f_lo = (s_lo >= 0) * np.clip(1.0 - (s_lo - S.band_lo) / (dl + S.soft), 0.0, 1.0)
    src_v = v - dl * f_lo
    mx = (frame.centre[0] + u * frame.axis[0] + src_v * frame.up[0]).astype(np.float32)
    my = (frame.centre[1] + u * frame.axis[1] + src_v * frame.up[1]).astype(np.float32)
    moved = cv2.remap(skin, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE) if dl.max() > 0.05 else skin
    if dl.max() > 0.05:  # the band's rim may hold painted white: never lighter than the lid skin
        light = moved.mean(2)
        over = (f_lo > 0) * ramp((S.band_lo + S.soft - s_lo) / S.soft) * ramp(dl / S.soft) * (1.0 - np.minimum(1.0, S.cap / np.maximum(light, 1.0)))
        moved = moved * (1.0 - over)[..., None]

    # past the corners the lid covers the painted band a little further, tapering (liner at the corners)
    reach = max(CORNER_REACH * frame.half_width, cs)
    beyond = np.maximum(np.maximum(now.u[0] - u, u - now.u[-1]), 0.0)
    inner = ramp((reach - beyond) / cs + 0.5)
    band = S.band_up * np.clip(1.0 - beyond / max(reach, 1e-3), 0.0, 1.0)
    # the unfolded upper lid: from its margin up to the top of the painted lash band
    # (fading in with the lid's largest travel, so it covers the painted line into the corners)
    w_up = ramp(s_up / S.soft + 1.0) * ramp((band + np.abs(du) - s_up) / (2.0 * S.soft) + 0.5) * ramp(float(np.abs(d_up).max()) / S.soft)
    # under the lower lid: where its band was
    w_lo = ramp((s_lo - 0.5 * S.band_lo) / (0.5 * S.band_lo)) * ramp((S.band_lo - s_lo + dl) / S.soft) * (s_lo >= 0)
    w_lo *= ramp(dl / S.soft)
    shade_up = 1.0 - MARGIN_SHADE * np.exp(-np.maximum(s_up, 0.0) / max(0.25 * height, 1.0))
    plate = S.plate * shade_up[..., None]
    # toward its top the lid rounds into the painted skin above it (the crease, its shadow),
    # growing in from CREASE_FROM (before that it would weigh 0: not computed)
    grow = float(ramp(np.float32((blink - CREASE_FROM) / (1.0 - CREASE_FROM))))
    if grow > 0.0:
        top = band + np.abs(du)
        src_v = (up_now + top + 1.0).astype(np.float32)  # the painted row just above the lid's top
        mx = (frame.centre[0] + u * frame.axis[0] + src_v * frame.up[0]).astype(np.float32)
        my = (frame.centre[1] + u * frame.axis[1] + src_v * frame.up[1]).astype(np.float32)
        above = cv2.GaussianBlur(cv2.remap(skin, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), (0, 0), S.soft)
        along = np.clip((u - now.u[0]) / max(float(now.u[-1] - now.u[0]), 1e-6), 0.0, 1.0)
        g = CREASE[1] * ramp((s_up / np.maximum(top, 1e-3) - CREASE[0]) / (1.0 - CREASE[0])) * ramp(4.0 * along * (1.0 - along))
        g *= grow
        plate = plate * (1 - g[..., None]) + above * g[..., None]
    w = (np.maximum(w_up, w_lo) * inner)[..., None]
    return moved * (1 - w) + plate * w


def lash_line(u: np.ndarray, v: np.ndarray, rest: Lids, now: Lids, sheet: LidSheet) -> np.ndarray:
    """Alpha of the closing lid's lash line: (h, w) float32 in [0, 1].

    A soft dark curve along the moving upper margin, thickest mid-lid and tapering toward the
    corners, fading in as the lid leaves its painted place (its colour is ``sheet.lash``).
    """
    up_now, _ = now.at(u)
    du = np.abs(np.interp(u, now.u, np.minimum(now.upper - rest.upper, 0.0))).astype(np.float32)
    span = max(float(now.u[-1] - now.u[0]), 1e-6)
    s = np.clip((u - now.u[0]) / span, 0.0, 1.0)
    taper = np.clip(4.0 * s * (1.0 - s), 0.0, 1.0) ** 0.5
    width = sheet.lash_width * (0.45 + 0.55 * taper)
    d = (v - up_now - 0.25 * width) / np.maximum(width, 1e-3)
    grow = np.clip(du / max(sheet.soft, 1e-3), 0.0, 1.0)
    return (sheet.lash_strength * np.exp(-0.5 * d * d) * taper * grow).astype(np.float32)


def soften_seam(image: np.ndarray, u: np.ndarray, v: np.ndarray, now: Lids, blink: float, width: float) -> np.ndarray:
    """Blur where the closing margins meet (the lash line), so a closed lid shows a soft dark
    curve rather than a hard seam: (h, w, 3) float32 RGB."""
    if blink < 0.5:
        return image
    up_now, lo_now = now.at(u)
    gap = np.abs(v - 0.5 * (up_now + lo_now))
    near = np.clip(1.0 - gap / (2.0 * width), 0.0, 1.0) * np.clip((blink - 0.5) * 4.0, 0.0, 1.0)
    near *= (u > now.u[0]) & (u < now.u[-1])
    blurred = cv2.GaussianBlur(image, (0, 0), max(0.6, 0.5 * width))
    return image * (1 - near[..., None]) + blurred * near[..., None]
