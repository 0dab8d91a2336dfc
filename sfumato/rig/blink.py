"""The closing lid: a painted eyelid sheet that slides down over the eye.

When an eye closes, the upper lid's margin comes down, and the lid skin that was folded under
the crease unfolds above it. The rig so does not stretch the painted skin over the eye (a
smeared band): it uncovers, from the moving margin up to the top of the painted lash band, the
*lid plate* (:mod:`sfumato.rig.lid_plate`: the closed lid laid seamlessly into the painting),
shaded darker toward the margin, and draws along the margin a lash line coloured like the
painted lashes. The lower lid's thin lash band is translated rigidly with its rising margin.
Where the two margins meet, the seam is softened into a dark curve a pixel or two wide; the
rising lower band never shows painted white, and painted liner at the corners goes with the lid.

Arrays are ROI pixels: images (h, w, 3) float32 RGB in [0, 255]; ``u``, ``v`` (h, w) float32
eye-frame coordinates (:class:`sfumato.rig.lids.EyeFrame`).
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.rig.lid_plate import LidSheet, cover, lid_sheet, ramp
from sfumato.rig.lids import EyeFrame, Lids
from sfumato.rig.skin_palette import palette_ab

__all__ = ["LidSheet", "close_lids", "draw_lash", "lash_line", "lid_sheet", "soften_seam"]

LASH_FRINGE = 1.0
"""The closed lashes are a band at the line, not a hairline: where the painted lashes are
dark (the line's strength, ``sheet.lash_strength``) they shade this fraction of it right
under the moving margin (closed, the upper lashes hang down over the lower lid), fading as a
half Gaussian ..."""
FRINGE_DROP = 0.8
"""... this many times the painted line's thickness (:func:`line_depth`, at most the painted lash
band's, ``sheet.fringe``) wide (its sigma): a dark fringe a few pixels deep. As wide as the lash
band (0.7 of the strength, sigma 0.6 bands, 2406d8b) it was a mid-tone wash 6-7 px deep under
portrait_11's and portrait_20's image-left lines, whose bands (10.7, 12.2 px) reach up to a
crease or rim over lines 3-3.5 px thick: a mauve or grey smear, not lashes. Both values
were chosen by hand on the closed eyes of portrait_11, portrait_20, portrait_03 and the Mona Lisa
(:data:`LASH_FRINGE` 0.7 -> 1.0, this one from a few tried, 0.6-1.2; 2406d8b, 4790ae9): not
swept, no held-out set; tests/test_closed_lash_fringe.py and tests/test_closed_lid_form.py read them."""
LINE_EDGE = 0.1
"""The painted line's cross-section has ended where it has faded under this (:func:`line_depth`)."""
MARGIN_SHADE = 0.08
"""The closed lid is this much darker at its lash line, fading over a quarter of an opening height."""


def close_lids(
    skin: np.ndarray, sheet: LidSheet, u: np.ndarray, v: np.ndarray, frame: EyeFrame, rest: Lids, now: Lids,
    height: float, blink: float = 1.0,
) -> np.ndarray | None:
    """The lid skin with the lids moved from ``rest`` to ``now`` (closing), or None when they
    did not close.

    The upper lid's skin unfolds: between its moving margin and the top of its painted lash
    band it is the lid plate, darker toward the margin (the lash line itself is drawn over the
    composed eye by :func:`lash_line`). The lower lid's thin lash band is translated with its
    margin, the plate filling where it was.

    Args:
        skin: (h, w, 3) float32 RGB, the painted lid skin (already moved with the gaze).
        sheet: :func:`lid_sheet`; u, v: (h, w) eye-frame coordinates; frame: the eye frame.
        rest: the lids ``skin`` shows; now: the closing lids; height: the painted opening
            height, pixels; blink: the closure in [0, 1].

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

    w = cover(u, v, frame, rest, now, S.band(), S.band_lo, S.soft, S.reach, S.wings)[..., None]
    shade_up = 1.0 - MARGIN_SHADE * np.exp(-np.maximum(s_up, 0.0) / max(0.25 * height, 1.0))
    plate = S.plate * shade_up[..., None]
    return moved * (1 - w) + plate * w


def lash_line(u: np.ndarray, v: np.ndarray, rest: Lids, now: Lids, sheet: LidSheet) -> np.ndarray:
    """Alpha of the closing lid's lash line: (h, w) float32 in [0, 1].

    A dark curve on the moving upper margin with the painted line's cross-section
    (``sheet.lash_section``, from its darkest up into the lid skin: as thick, as crisp) above
    the margin, and under it the same fall-off past the section's solid core (the section may
    be the whole painted line, its darkest lying on the eye: mirrored whole, it drew
    portrait_02's heavy line twice as thick), as strong as the painted lash line is dark
    against the lid skin (``sheet.lash_strength``, one value over the lid), thickest mid-lid and tapering toward the corners,
    fading in as the lid leaves its painted place (its colour is ``sheet.lash``).
    """
    up_now, _ = now.at(u)
    du = np.abs(np.interp(u, now.u, np.minimum(now.upper - rest.upper, 0.0))).astype(np.float32)
    span = max(float(now.u[-1] - now.u[0]), 1e-6)
    s = np.clip((u - now.u[0]) / span, 0.0, 1.0)
    taper = np.clip(4.0 * s * (1.0 - s), 0.0, 1.0) ** 0.5
    scale = 0.45 + 0.55 * taper
    steps = np.arange(sheet.lash_section.size, dtype=np.float32) * 0.5
    sec = sheet.lash_section
    solid = float(steps[np.argmax(sec < 0.9)]) if (sec < 0.9).any() else float(steps[-1])
    half = float(steps[np.argmax(sec < 0.5)]) if (sec < 0.5).any() else float(steps[-1])
    d = (v - up_now) / scale + 0.5 * half  # the line's middle on the margin
    d = np.where(d < 0, solid - d, d)  # under the margin it falls off as it does over the core
    core = np.interp(d, steps, sec, right=0.0)  # the painted line's cross-section
    grow = np.clip(du / max(sheet.soft, 1e-3), 0.0, 1.0)
    if sheet.fringe > 0:  # the closed lashes: a band hanging from the line, as deep as the painted line is thick
        f = min(sheet.fringe, line_depth(sec, steps))
        hang = up_now - v  # under the margin (over it the lid has its own form)
        fringe = LASH_FRINGE * np.exp(-0.5 * (hang / (FRINGE_DROP * f)) ** 2)  # tapered with the line below, once
        core = np.maximum(core, np.where(hang > 0, fringe, 0.0))
    return (sheet.lash_strength * core * taper * grow).astype(np.float32)


def line_depth(section: np.ndarray, steps: np.ndarray) -> float:
    """How thick the painted upper lash line is, pixels: from its darkest to where its
    cross-section (``section`` at ``steps`` pixels, 1 at the core, 0 in the skin:
    :func:`sfumato.rig.lash_line.line_shape`) has faded to :data:`LINE_EDGE`; at least 1 px."""
    faded = section < LINE_EDGE
    return max(1.0, float(steps[np.argmax(faded)]) if faded.any() else float(steps[-1]))


def draw_lash(image: np.ndarray, alpha: np.ndarray, sheet: LidSheet, palette: bool = True) -> np.ndarray:
    """``image`` ((h, w, 3) float32 RGB) with the closing lash line drawn over it (``alpha``:
    (h, w, 1) :func:`lash_line`, colour ``sheet.lash``), its fringe in the painted line's own
    colours: a dark line mixed into a pale lid is grey at half strength (portrait_07's grey band
    along the closing lid), a painted one fades into the skin through its warm browns, so where
    the line's fringe is drawn, (a, b) turn to the painted line's and lid's at the same
    lightness (``sheet.lash_palette``), all the way at half strength, less toward its core
    (the line's own colour: at the same lightness portrait_03's black core took the red of
    its fringe) and its outer edge. Without ``palette``, the plain blend only: linear in
    ``image``, for the lid layer (:func:`sfumato.rig.eye.render_lid`), whose black and white
    under the lid would take that shift's colours (it changes a real eye under the fringe
    by about a grey level)."""
    out = image * (1 - alpha) + sheet.lash * alpha
    pal = sheet.lash_palette
    if not palette or pal is None or pal[0].size < 2 or not (alpha > 0.01).any():
        return out
    lab = rgb_to_lab(out)
    w = np.clip(2.0 * alpha, 0.0, 1.0) * np.clip(2.0 * (1.0 - alpha), 0.0, 1.0)  # the fringe, not the core
    lab[..., 1:] += w * (palette_ab(lab[..., 0], pal) - lab[..., 1:])
    return np.where(alpha > 0.01, lab_to_rgb(lab), out).astype(np.float32)


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
