"""The rebuilt eye white made continuous with the painted white it meets (:func:`match_edge`)."""

from __future__ import annotations

import cv2
import numpy as np
from scipy.ndimage import distance_transform_edt

from sfumato.imaging.lab import lab_to_rgb, lightness, rgb_to_lab
from sfumato.ramp import unit_ramp
from sfumato.rig.iris import disc
from sfumato.rig.white_fill import masked_blur


def match_edge(
    image: np.ndarray, plate: np.ndarray, hole: np.ndarray, inside: np.ndarray, light: np.ndarray, iris_l: float,
    c: np.ndarray, r: float, allowed: np.ndarray | None = None,
) -> np.ndarray:
    """The rebuilt white made continuous with the painted white it meets.

    The painted pixels kept just outside the hole (inside the opening, within :data:`EDGE_REACH`
    iris radii, well lighter than the iris: no lash, lid line or iris rim) say what the white looks
    like right there, shade and halo included; their difference from the rebuilt white is carried
    into the hole, fading over half an iris radius, so no seam shows where the rebuilt white meets
    the painted one, while deeper in the hole the rebuilt white keeps its own tone.

    Args:
        image, plate: (h, w, 3) float32 RGB, the painted ROI and the rebuilt white; hole: (h, w)
        float32 in [0, 1]; inside: (h, w) float32 soft opening; light: (h, w) float32 L of the
        image; iris_l: median L of the iris; c: (2,) iris centre; r: iris radius, pixels;
        allowed: (h, w) bool, the only pixels that may set the edge (None: all): on a side with
        its own white, its painted white alone (its liner is of the white's hue and lighter than
        the floor: portrait_03's image-right grey white took 3 L of its liner's dark).

    Returns:
        (h, w, 3) float32 RGB.
    """
    shape = hole.shape
    plate_l = lightness(plate)
    near = disc(shape, c, EDGE_REACH * r, 1.0) > 0.5
    kept = (hole < 0.05) & (inside > 0.99) & near & (light >= iris_l + EDGE_FLOOR * (plate_l - iris_l))
    kept = cv2.erode(cv2.dilate(kept.astype(np.uint8), np.ones((3, 3), np.uint8)), np.ones((3, 3), np.uint8)) > 0
    kept &= (hole < 0.05) & (inside > 0.99)
    if allowed is not None:
        kept &= allowed
    if kept.sum() < 4:
        return plate
    mean, den = masked_blur(np.clip(image - plate, -EDGE_STEP, EDGE_STEP), kept.astype(np.float32), max(1.0, 0.5 * r))
    strength = np.clip(den / max(float(den.max()), 1e-6) * 2.0, 0.0, 1.0)[..., None]
    matched = plate + mean * strength
    return matched + seam_step(image, matched, kept, hole, r)


def seam_step(image: np.ndarray, plate: np.ndarray, kept: np.ndarray, hole: np.ndarray, r: float) -> np.ndarray:
    """What is left of the step between the painted white and the rebuilt white right where
    they meet, carried into the hole and faded out over :data:`SEAM_FADE` iris radii: (h, w, 3)
    float32 RGB, added to ``plate``.

    :func:`match_edge`'s broad mean evens out a painted white that is lighter right beside the
    iris than further out (portrait_17's image-left light crescent, L 49 at the iris against 40
    a third of a radius on, over a rebuilt white of 45: the mean step near zero), and a thin strip
    of painted white weighs little against the other side's broad one: the crescent's edge stayed
    as a C-shaped seam along the old iris circle as the iris moved off (review16 #6). Here the
    step of the painted white along the hole's edge (its kept pixels within :data:`SEAM_RIM`
    pixels of the hole) is spread into the hole by a normalised blur over :data:`SEAM_ALONG`
    radii (the painted white's modelling along the edge, no pixel copied: copying each hole
    pixel's nearest kept pixel drew its grain in radial streaks, portrait_17's *sandy* 1.07 ->
    1.48), full at the edge and gone :data:`SEAM_FADE` radii in (at 1.2 radii the light reflexes
    beside portrait_02's iris, L 65-79 over a fill of 58-64, lit half its hole: *revealed dL*
    -1.1 -> +7.6). Only what stands over the painted white's own grain is carried
    (:data:`SEAM_GRAIN`: the synthetic eye of tests/test_iris_ghost.py took its kept pixels'
    noise in), and only a lighter painted white (a darker one beside the hole is the old iris'
    fade beyond the hole's reach, or the lid's shade, which :func:`match_lid_shade` and the broad
    mean carry: carried again it darkened the old edge, the Mona Lisa's image-right seam 3.0 -> 3.9 dE).

    Args:
        image, plate: (h, w, 3) float32 RGB; kept: (h, w) bool, the painted white that sets the
        edge (:func:`match_edge`); hole: (h, w) float32 in [0, 1], the share replaced; r: iris
        radius, pixels.
    """
    step, _ = masked_blur(np.clip(image - plate, -EDGE_STEP, EDGE_STEP), kept.astype(np.float32), max(0.5, SEAM_SIGMA * r))
    step = step * np.clip((lightness(plate + step) - lightness(plate)) / SEAM_LIGHTER, 0.0, 1.0)[..., None]
    lab0 = rgb_to_lab(plate)
    d = rgb_to_lab(np.clip(plate + step, 0.0, 255.0)) - lab0
    size = np.linalg.norm(d, axis=-1, keepdims=True)
    step = lab_to_rgb(lab0 + d * np.clip(1.0 - SEAM_GRAIN / np.maximum(size, 1e-6), 0.0, 1.0)) - plate
    rim = kept & (distance_transform_edt(hole < 0.05) <= SEAM_RIM)  # the painted white along the hole's edge
    carried, _ = masked_blur(step, rim.astype(np.float32), max(1.0, SEAM_ALONG * r))
    fade = unit_ramp(1.0 - distance_transform_edt(~kept) / max(1.0, SEAM_FADE * r))
    return carried * fade[..., None]


SEAM_SIGMA = 0.04
""":func:`seam_step` reads the step from the painted white within about this many iris radii
(pixels' noise out, a light crescent's own lightness kept)."""
SEAM_RIM = 2.0
""":func:`seam_step` reads the painted white within this many pixels of the hole."""
SEAM_ALONG = 0.25
""":func:`seam_step` spreads the edge's step over this many iris radii (along the edge: no streaks)."""
SEAM_FADE = 0.6
""":func:`seam_step` fades the step out over this many iris radii into the hole (0.8 / 1.2 lit
portrait_02's lower hole by its reflexes: *revealed dL* +4.5 / +6.8 against -1.1; 0.6 +3.4; the
portrait_17 seam 2.9 / 2.9 / 3.1 dE, all under :data:`sfumato.face.iris_seam.STEP`)."""
SEAM_GRAIN = 1.0
""":func:`seam_step` carries only the part of the step (CIE dE76) over this: the painted white's
own grain (the synthetic eye of tests/test_iris_ghost.py: its faint-ring reading 1.02 on the code
before, 0.99 with the grain carried in, 1.05 with it left out)."""
SEAM_LIGHTER = 1.0
""":func:`seam_step` carries a step in full from this many L lighter than the rebuilt white, none
where the painted white is no lighter."""


EDGE_REACH = 1.6
"""The painted white within this many iris radii of the old iris sets the rebuilt white's edge."""
EDGE_FLOOR = 0.25
"""... those lighter than this fraction of the way from the iris' lightness to the rebuilt white's
(a white in the lid's shade counts, a lash or iris rim does not)."""
EDGE_STEP = 40.0
"""Largest correction carried in per RGB channel."""


def match_lid_shade(
    image: np.ndarray, colour: np.ndarray, t: np.ndarray, beside: np.ndarray, light: np.ndarray, iris_l: float,
    bins: int = 6, sides: np.ndarray | None = None, opening: np.ndarray | None = None, near: np.ndarray | None = None,
    paints: bool = True, white: np.ndarray | None = None,
) -> np.ndarray:
    """The rebuilt white's colour shaded between the lids as the painted opening beside the iris is.

    The painted white's samples thin out under the lids (a shaded white is easily taken for lid),
    so a fill from them is as light under the upper lid as in the middle of the eye. Here every
    painted pixel of the opening beside the iris that is well lighter than the iris (no lash or
    iris rim) (and of the fill's hue: a shaded white, not a red lid rim) is compared with the fill at its place between the lids (``t`` bins), and the
    fill's lightness (CIE L only; its (a, b) are kept) is scaled by the median of the pixels' own
    ratios in each bin (a median of lightnesses over a median of fills takes them from different
    pixels where a lit and a shaded side meet in a bin: portrait_13, white16) (a
    bin with fewer than 3 pixels takes its nearest bins' ratio: portrait_13's image-left white
    under the lid, L 32 beside a fill of 57 but below the floor, kept the fill's lightness up to
    the lid line; a bin whose pixels near the iris lie mostly under the floor takes theirs:
    ``near``), smoothed across bins and interpolated along t.

    Args:
        image, colour: (h, w, 3) float32 RGB, the painted ROI and the fill; t: (h, w) float32, 0 on
        the lower lid, 1 on the upper; beside: (h, w) bool, the opening beside the iris;
        light: (h, w) float32 L of the image; iris_l: median L of the iris; sides: (h, w) float32
        in [0, 1], how much each pixel's white is the second side's (the fill's blend across the
        iris, :func:`sfumato.rig.white_fill.side_weight`) where the two sides of the iris are two
        paints: each side is shaded by its own painted pixels alone (:func:`_bin_scales`), the
        two shades blended as the fills are; None: one shade from both sides' pixels.
        opening: (h, w) bool, the painted opening beside the iris, its darks included, on a side
        of its own paint found in its shade (:func:`sfumato.rig.painted_white.painted_white_sides`' third mask):
        where the sides are two paints, a bin of it with no painted white of its own but painted
        pixels takes their shade (:func:`_bin_scales`); None: its neighbours' (a lit white's
        darks are its liner: portrait_03's grey).
        near: (h, w) bool, the white's reach round the iris (:data:`EDGE_REACH` radii): a bin
        whose painted pixels there (of the white's hue) lie mostly under the floor is the white
        in the lid's shadow, not lash: it takes their shade, down to :data:`DARK_SHADE`, and as
        far as that lies under :data:`SHADE_RANGE` their (a, b) too, each side its own
        (:func:`_deep_scales`; portrait_07's image-left white, 10-24 L from halfway up beside
        a fill of 50-68, as dark as its iris: the floor left those bins none, and the rebuilt
        white was a plate up to the lid, tan on one side, grey on the other). None: no such bins.
        paints: with ``sides``, whether the two sides are two paints (each shaded by its own
        white alone, as above); False: one paint, each side shaded by its own pixels in the bins
        where it has 3, by both sides' pixels elsewhere, each side with its own deep bins, the two
        blended by ``sides`` (the fill carries each side's own light: portrait_13's image-right
        eye, lit 49-63 L on one side and 26-34 L in shade on the other, took 0.72-0.89 pooled, its
        lit half 10-25 L under the white beside it; now its lit side 0.91-1.0, its side in shade
        0.58-0.98). white: (h, w) bool, the painted white (:mod:`sfumato.rig.painted_white`): with
        one paint a side's own bins count it alone (a grey lash liner beside a grey white is of
        that side's hue and would be its shade: tests/test_white_lid_shade_edge.py); None: all.

    Returns:
        (h, w, 3) float32 RGB.
    """
    fill_l = lightness(colour)
    lab, fill_lab = (rgb_to_lab(x) for x in (image, colour))
    hue = shade_distance(lab, fill_lab)  # a red lid rim is no shade of the white; its own shade is
    ok = beside & (light >= iris_l + EDGE_FLOOR * (fill_l - iris_l)) & (hue < SHADE_HUE)
    # near the iris, of the white's hue, no darker than half the iris: a black lash line is no shade
    close = None if near is None else beside & near & (hue < SHADE_HUE) & (light >= DEEP_IRIS * iris_l)
    parts = [np.ones_like(ok)] if sides is None else [sides < 0.5, sides >= 0.5]
    deep = [None if close is None else _deep_scales(close & part, ok, t, light, fill_l, bins) for part in parts]
    if all(d is None or not np.isfinite(d).any() for d in deep):
        deep = [None] * len(parts)
    pooled = _bin_scales(ok, t, light, fill_l, bins, deep=deep[0] if sides is None else None)
    if sides is None:
        scales = [pooled]
    elif not paints:  # one paint: each side its own pixels' shade where it has them, both sides' elsewhere,
        # each side its own deep bins (the fill carries each side's own light already)
        mine = ok if white is None else ok & white
        raw = _bin_scales(ok, t, light, fill_l, bins, smooth=False)  # smoothed once, with the side's own bins
        scales = [_bin_scales(mine & part, t, light, fill_l, bins, deep=d, gaps=raw) for part, d in zip(parts, deep)]
    else:  # two paints: each side's own shade, blended across the iris as the fills are
        # each side's fill is its own painted white's lit lightness (white_colour leaves the dark
        # out): its lightest bin is that white, the others its shade relative to it. Its pixels
        # above the floor take in the fringe of a hard dark liner or iris rim at every height
        # (portrait_03's grey outer white: no bin over 0.95, a plate 4 L under its own painted grey)
        scales = [
            _bin_scales(ok & part, t, light, fill_l, bins, pooled, None if opening is None else opening & part, d)
            for part, d in zip(parts, deep)
        ]
        floor = SHADE_RANGE[0] if opening is None and all(d is None for d in deep) else DARK_SHADE  # only a dark bin's lies below
        scales = [np.clip(x / max(float(x.max()), 1e-3), floor, SHADE_RANGE[1]) for x in scales]
    weights = [None] if sides is None else [1.0 - sides, sides]
    shade = np.zeros(t.shape, np.float32)
    shift = np.zeros(t.shape + (2,), np.float32)
    for x, part, d, wgt in zip(scales, parts, deep, weights):
        m = _shade_map(x, t)
        shade += m if wgt is None else m * wgt
        if d is not None:  # a shade deeper than SHADE_RANGE is the painted shade's colour too
            far = np.clip((SHADE_RANGE[0] - m) / (SHADE_RANGE[0] - DARK_SHADE), 0.0, 1.0)
            far = far if wgt is None else far * wgt
            shift += far[..., None] * _shade_map(_bin_hue(close & part, t, lab, fill_lab, bins), t)
    # the lightness scaled, the fill's own (a, b) kept: scaling RGB would take chroma with it and
    # turn a warm white in shade grey-lavender (portrait_20: dE ab 0.8 -> 4.9 from this step alone)
    # (a side with no painted white is not turned along the skin's palette here: session 13 did,
    # and it changed the Mona Lisa's band under her lid by at most 12/255 of blue on ~50 pixels,
    # chroma 31.2 -> 31.1, which nobody could see at 10x; no test could tell it apart. Removed.)
    # Only a shade deeper than SHADE_RANGE, the painted white's own darks beside the iris, takes
    # their (a, b): portrait_07's image-left cream, (a, b) (10, 18) kept at 20 L, was an olive band
    # where its painted shade is red-brown (18-20, 11-17).
    fill_lab[..., 0] *= shade
    fill_lab[..., 1:] += shift
    return lab_to_rgb(fill_lab)


def _bin_scales(
    ok: np.ndarray, t: np.ndarray, light: np.ndarray, fill_l: np.ndarray, bins: int, fallback: np.ndarray | None = None,
    dark: np.ndarray | None = None, deep: np.ndarray | None = None, gaps: np.ndarray | None = None, smooth: bool = True,
) -> np.ndarray:
    """The painted white's lightness over the fill's in each of ``bins`` bins of ``t``: (bins,)
    float64 in :data:`SHADE_RANGE`, smoothed across bins, from the pixels ``ok`` ((h, w) bool;
    ``t``, ``light``, ``fill_l`` (h, w) float32). A bin with fewer than 3 pixels (under the lid,
    where the shade is darkest and the floor leaves out most of it) takes its neighbours' scale,
    not none: unshaded it ends in a hard light edge; with no bin at all, ``fallback`` (None: 1).
    With ``dark`` ((h, w) bool, a side's painted opening, darks included), a bin with fewer than 3
    pixels of ``ok`` but 3 of ``dark`` takes those pixels' ratio: a side of its own paint painted
    black under the lid is that dark there (portrait_20's image-right outer side: a black band,
    1-27 L, over a blue-white sliver; its bins from t 0.5 up had none of its white and took the
    sliver's light, a plate of 54-60 L up to the lid). A bin where ``deep`` ((bins,) float64,
    :func:`_deep_scales`) is finite takes that scale. With ``gaps`` ((bins,) float64, the scales of
    both sides' pixels, not smoothed: ``smooth`` False), a bin with fewer than 3 pixels takes that
    bin's scale instead of its neighbours' (a side shaded by its own pixels where it has them; the
    bins are smoothed once, here: smoothed twice, portrait_03's image-left eye's inner side, all
    its bins both sides', ran 0.70 under the lid where both sides' shade is 0.66)."""
    centres = (np.arange(bins) + 0.5) / bins
    scale = np.full(bins, np.nan)
    for k in range(bins):
        if deep is not None and np.isfinite(deep[k]):
            scale[k] = deep[k]
            continue
        m = ok & (t >= k / bins) & (t < (k + 1) / bins)
        low = SHADE_RANGE[0]
        if m.sum() < 3 and dark is not None:
            m, low = dark & (t >= k / bins) & (t < (k + 1) / bins), DARK_SHADE
        if m.sum() >= 3:  # each pixel's own ratio: a ratio of medians mixes two sides' lights
            scale[k] = np.clip(np.median(light[m] / np.maximum(fill_l[m], 1.0)), low, SHADE_RANGE[1])
    known = np.isfinite(scale)
    if gaps is not None:
        scale = np.where(known, scale, gaps)
        known = np.ones(bins, bool)
    if not known.any():
        return np.ones(bins) if fallback is None else fallback
    scale = np.interp(centres, centres[known], scale[known])
    if not smooth:
        return scale
    return np.convolve(np.pad(scale, 1, mode="edge"), [0.25, 0.5, 0.25], mode="valid")  # no step between bins


def _shade_map(scale: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The bins' ``scale`` ((bins,), :func:`_bin_scales`; or (bins, k), each column on its own)
    interpolated along ``t`` ((h, w) float32): (h, w) (or (h, w, k)) float32, softened by a pixel."""
    if scale.ndim == 2:
        return np.stack([_shade_map(scale[:, j], t) for j in range(scale.shape[1])], -1)
    centres = (np.arange(len(scale)) + 0.5) / len(scale)
    return cv2.GaussianBlur(np.interp(np.clip(t, 0.0, 1.0), centres, scale).astype(np.float32), (0, 0), 1.0)


def _deep_scales(
    close: np.ndarray, ok: np.ndarray, t: np.ndarray, light: np.ndarray, fill_l: np.ndarray, bins: int,
) -> np.ndarray | None:
    """The bins of ``t`` where the white beside the iris is in deep shade: (bins,) float64, the
    painted pixels' lightness over the fill's, from :data:`DARK_SHADE` up to under
    :data:`SHADE_RANGE`, where a bin holds 3 of ``close`` ((h, w) bool: the painted opening near
    the iris, of the white's hue) and most of them are under the floor (not in ``ok``, (h, w)
    bool) and their ratio lies under ``SHADE_RANGE`` (a shade the lit white's bins can reach is
    left to them: the bundled Mona Lisa's lit inner white, 0.58 under its lid, darkened the old
    iris' top and lit a crescent beside her moved iris, tests/test_shaded_corner.py); NaN
    elsewhere (that bin keeps :func:`_bin_scales`' own); None when no bin is. Under the floor a thin lash line is a few
    pixels of a bin near the iris; the white in the lid's shadow is most of them (portrait_07's
    image-left eye: 6-9 of 7-11 from halfway up)."""
    scale = np.full(bins, np.nan)
    for k in range(bins):
        m = close & (t >= k / bins) & (t < (k + 1) / bins)
        if m.sum() >= 3 and 2 * (m & ~ok).sum() > m.sum():
            ratio = float(np.median(light[m]) / max(float(np.median(fill_l[m])), 1.0))
            if ratio < SHADE_RANGE[0]:  # a shade the lit white's own bins could reach is left to them
                scale[k] = max(ratio, DARK_SHADE)
    return scale if np.isfinite(scale).any() else None


def _bin_hue(pixels: np.ndarray, t: np.ndarray, lab: np.ndarray, fill_lab: np.ndarray, bins: int) -> np.ndarray:
    """How far the painted ``pixels``' (a, b) ((h, w) bool; ``lab``, ``fill_lab`` (h, w, 3)
    float32 CIE Lab of the painting and the fill) lie from the fill's in each of ``bins`` bins of
    ``t``: (bins, 2) float64, each bin's median; a bin with fewer than 3 takes its neighbours'."""
    centres = (np.arange(bins) + 0.5) / bins
    off = np.full((bins, 2), np.nan)
    for k in range(bins):
        m = pixels & (t >= k / bins) & (t < (k + 1) / bins)
        if m.sum() >= 3:
            off[k] = np.median(lab[m][:, 1:], 0) - np.median(fill_lab[m][:, 1:], 0)
    known = np.isfinite(off[:, 0])
    if not known.any():
        return np.zeros((bins, 2))
    return np.stack([np.interp(centres, centres[known], off[known, j]) for j in range(2)], -1)


SHADE_HUE = 15.0
"""... by the painted pixels within this Lab (a, b) distance of the fill's colour in their shade
only (:func:`shade_distance`)."""

SHADE_RANGE = (0.55, 1.0)
"""The fill is scaled by no less and no more than this between the lids."""
DEEP_IRIS = 0.5
"""A pixel darker than this fraction of the iris' lightness is no shade of the white (:func:`_deep_scales`):
the white in the lid's shadow is lit as the iris beside it is (portrait_07's image-left white 10-24
L beside its 16 L iris), a black lash line hanging into a loose contour is far darker (the stylised
eye of tests/test_painted_white.py: 8 L beside a 23 L iris, which darkened the white under it by 4 L)."""
DARK_SHADE = 0.25
"""... but a side of its own paint where it is painted dark with none of its white (a ``dark`` bin
of :func:`_bin_scales`) down to this: portrait_20's black band under the lid is 1-27 L over a
blue-white of 59 (0.02-0.45); at 0.55 the rebuilt band read 35-45 L, a grey plate, not a band."""


def shade_distance(lab: np.ndarray, fill_lab: np.ndarray) -> np.ndarray:
    """How far each painted pixel's colour lies from the fill's colour, or from the fill's colour in
    the pixel's shade, whichever is nearer: (h, w) float32 CIE (a, b) distance, in the fill's units.

    A white in shade is the white's paint with less light: its RGB scaled, so its CIE L + 16 and
    its (a, b) shrink by the same factor (Lab's cube roots of a scaled XYZ). The distance from that
    shade is divided by the factor (the pixel brought back to the fill's light), so a grey lash
    liner beside a beige white, whose (a, b) shrink toward grey too, counts no nearer than it did
    (:data:`SHADE_HUE` of the fill's own chroma). The shaded yellow white under portrait_13's
    image-left lid (L 40, (a, b) (4.8, 41.7) beside a fill of L 56, (7.1, 55.6)) lies 14 from the
    fill's own (a, b), 2 from its shade; a red lid rim stays far from both.

    Args:
        lab, fill_lab: (h, w, 3) float32 CIE Lab of the painting and of the fill.
    """
    ratio = np.clip((lab[..., 0] + 16.0) / np.maximum(fill_lab[..., 0] + 16.0, 1.0), 1e-3, 1.0)
    shaded = np.hypot(lab[..., 1] - ratio * fill_lab[..., 1], lab[..., 2] - ratio * fill_lab[..., 2]) / ratio
    own = np.hypot(lab[..., 1] - fill_lab[..., 1], lab[..., 2] - fill_lab[..., 2])
    return np.minimum(shaded, own).astype(np.float32)
