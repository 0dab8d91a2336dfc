"""The white of the eye: its smooth colour and the canvas texture laid over it.

What fills in where an iris leaves must read as the same paint as the visible white around
it: as bright (not the brightest white, its local typical value), as warm, shaded the same way
(darker toward the corners and under the upper lid), and crossed by the same craquelure. The
colour is the painted white's own (:mod:`sfumato.rig.painted_white` finds it from the pixels),
interpolated under the iris from either side of it (:func:`sfumato.rig.white_fill.two_sided_colour`),
its hue from the white beyond the ring the iris' colour bled into (:mod:`sfumato.rig.iris_tint`),
and carried to the painted white it meets (:func:`sfumato.rig.white_edge.match_edge`); the texture
(:mod:`sfumato.rig.white_grain`) is the canvas' own fine grain laid over it.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import lab_to_rgb, lightness, rgb_to_lab
from sfumato.rig.iris import disc
from sfumato.rig.iris_halo import halo_hole
from sfumato.rig.iris_tint import TINTED, iris_tint, side_colours
from sfumato.rig.lids import EyeFrame, Lids, opening
from sfumato.rig.painted_white import painted_white_sides
from sfumato.rig.orbit_shade import OrbitShade, orbit_shade
from sfumato.rig.white_canvas import canvas_grain
from sfumato.rig.white_edge import EDGE_REACH, match_edge, match_lid_shade
from sfumato.rig.white_grain import FEATURE, GRAIN, canvas_texture, sclera_plate  # noqa: F401 (re-exported)
from sfumato.rig.white_fill import FEW, MEET, blend_weight, lean_shares, side_weight, lid_space_colour, lid_space_samples, masked_blur, two_sided_colour  # noqa: F401 (re-exported)

def select_white(image: np.ndarray, light: np.ndarray, candidates: np.ndarray, iris_light: float) -> np.ndarray:
    """The painted eye white among ``candidates``: the lighter, less coloured part, well above
    the iris.

    Lid rims (red), lashes and shadowed corners inside a loose lid contour are darker or more
    coloured than the white and are left out, so they cannot tint the rebuilt white.

    Args:
        image: (h, w, 3) float32 RGB in [0, 255]; light: (h, w) float32 CIE L.
        candidates: (h, w) bool, inside the opening off the iris.
        iris_light: median L of the iris.

    Returns:
        (h, w) float32 {0, 1}.
    """
    if candidates.sum() < 4:
        return candidates.astype(np.float32)
    lab = rgb_to_lab(image)
    score = light - 0.5 * np.hypot(lab[..., 1], lab[..., 2])
    vals, svals = light[candidates], score[candidates]
    p90 = float(np.percentile(vals, 90))
    keep = (score >= np.percentile(svals, 35)) & (light >= iris_light + 0.4 * (p90 - iris_light))
    sel = candidates & keep
    return (sel if sel.sum() >= 4 else candidates).astype(np.float32)


def shading_model(
    image: np.ndarray, white: np.ndarray, t: np.ndarray, a: np.ndarray, bins: int = 5,
    corner: tuple[float, float] = (1.0, 1.0),
) -> np.ndarray:
    """The eye white's colour everywhere from a shading model fitted to the painted white.

    Colour = the white's median colour x f(t) x g(a): ``t`` in [0, 1] from the lower lid (0)
    to the upper lid (1), ``a`` = u / half width in [-1, 1] toward the corners (each side its
    own g). f and g are the painted white's binned median lightness ratios; bins (or a side)
    without painted white fall back to a default shading (darker under the upper lid and
    toward the corners).

    Args:
        image: (h, w, 3) float32 RGB; white: (h, w) float32 {0, 1}; t, a: (h, w) float32
            (a signed).
        corner: how much of the default darkening toward each corner (a < 0, a > 0) a side with
            no painted white keeps, in [0, 1] (:func:`corner_keep`); a side with its own white
            keeps its fitted shading.

    Returns:
        (h, w, 3) float32 RGB.
    """
    sel = white > 0.5
    lum = image.mean(2)
    centres = (np.arange(bins) + 0.5) / bins
    f_default = 1.0 - 0.22 * np.clip((centres - 0.45) / 0.55, 0, 1) ** 1.5
    g_default = 1.0 - 0.4 * centres**2
    if sel.sum() < 4:  # nothing painted to fit: the ROI's lightest tenth, default shading
        sel = lum >= np.percentile(lum, 90)
    colour = np.median(image[sel], 0)
    base = max(float(np.median(lum[sel])), 1.0)

    def fit(x: np.ndarray, default: np.ndarray, where: np.ndarray) -> np.ndarray:
        if where.sum() < 4:
            return default
        idx = np.clip((x[where] * bins).astype(int), 0, bins - 1)
        vals = lum[where]
        out = default.copy()
        for k in range(bins):
            m = idx == k
            if m.sum() >= 3:
                out[k] = np.median(vals[m]) / base
        return out / max(float(np.interp(np.median(x[sel]), centres, out)), 1e-3)

    f = fit(np.clip(t, 0, 1), f_default, sel)
    g_neg = fit(np.clip(-a, 0, 1), 1.0 - corner[0] * (1.0 - g_default), sel & (a < 0))
    g_pos = fit(np.clip(a, 0, 1), 1.0 - corner[1] * (1.0 - g_default), sel & (a > 0))
    aa = np.clip(np.abs(a), 0, 1)
    g = np.where(a < 0, np.interp(aa, centres, g_neg), np.interp(aa, centres, g_pos))
    scale = np.interp(np.clip(t, 0, 1), centres, f) * g
    return (colour[None, None, :] * scale[..., None]).astype(np.float32)


def white_samples(
    white: np.ndarray, trusted: bool, cand: np.ndarray, inside: np.ndarray, loose: np.ndarray, ring: np.ndarray,
    u: np.ndarray, u_iris: float, c: np.ndarray, r: float, allowed: np.ndarray | None = None,
    near: np.ndarray | None = None,
) -> np.ndarray:
    """The pixels the rebuilt white's colour is interpolated from: (h, w) float32 {0, 1}.

    The painted white beyond the iris' reach (1.05 radii and a pixel); a side with (almost)
    none there (a narrow corner, a side in shade) takes the painted pixels just outside the
    iris on that side (the painted white only when it is ``trusted``, else the candidates or
    the opening); with too little in all, the ``loose`` opening off the iris' ``ring``, then
    all the loose opening.

    Args:
        white: (h, w) float32 {0, 1} painted white; trusted: whether it was found from its
            colour (:func:`sfumato.rig.painted_white.painted_white`); cand: (h, w) bool
            candidates (the opening off the lid lines and the iris); inside: (h, w) float32
            soft opening; loose: (h, w) float32 opening off the iris; ring: (h, w) float32
            the iris' reach (:data:`HOLE`); u: (h, w) float32
            eye-frame coordinate; u_iris: the iris centre's; c: (2,) iris centre; r: its radius;
            allowed: (h, w) bool, the only pixels that may be samples (None: all); near: (h, w)
            bool, where the painted white is a sample within the iris' reach too (a side found
            with its own colour model, :func:`~sfumato.rig.painted_white.painted_white_sides`:
            a narrow white hugging the iris is mostly there; None: nowhere).
    """
    shape = white.shape
    ok = np.ones(shape, bool) if allowed is None else allowed
    reach = disc(shape, c, 1.05 * r + 1.0, 1.0) < 0.01
    if near is not None:
        reach = reach | near
    known = ((white > 0.5) & reach & ok).astype(np.float32)
    for side in (u < u_iris, u >= u_iris):
        if known[side].sum() < max(6.0, 0.5 * r):
            beside = side & (disc(shape, c, 1.1 * r, 1.0) < 0.01) & ok
            if trusted:  # the painted white is known: only it, however little
                known = np.maximum(known, ((white > 0.5) & beside).astype(np.float32))
                continue
            more = cand & beside
            known = np.maximum(known, (more if more.sum() >= 4 else (inside > 0.5) & beside).astype(np.float32))
    if known.sum() < 12:
        known = loose * (ring < 0.01) * ok
    if known.sum() < 12:
        known = np.maximum(white, loose) * ok
    return known.astype(np.float32)


def tint_of(lab: np.ndarray, white: np.ndarray, in_iris: np.ndarray, u: np.ndarray, u_iris: float, dist: np.ndarray, r: float) -> np.ndarray:
    """:func:`sfumato.rig.iris_tint.iris_tint` of the ROI ((h, w, 3) float32 Lab, painted
    ``white`` (h, w) bool, the seen iris ``in_iris`` (h, w) bool, ``dist`` (h, w) float32
    pixels from the iris centre): (h, w) float32 in [0, 1], zero when no iris is seen."""
    if not in_iris.any():
        return np.zeros(white.shape, np.float32)
    iris_ab = np.median(lab[in_iris][:, 1:], 0)
    return iris_tint(lab, iris_ab, side_colours(lab, white, u, u_iris, dist, r), u, u_iris, dist, r)


def with_hue(colour: np.ndarray, hue: np.ndarray) -> np.ndarray:
    """(h, w, 3) float32 RGB with the CIE L of ``colour`` and the (a, b) of ``hue``."""
    lab = rgb_to_lab(colour)
    lab[..., 1:] = rgb_to_lab(hue)[..., 1:]
    return lab_to_rgb(lab)


def replaced(
    light: np.ndarray, plate_l: np.ndarray, inside: np.ndarray, ring: np.ndarray, tint: np.ndarray, c: np.ndarray, r: float,
    iris_l: float,
) -> np.ndarray:
    """What the rebuilt white replaces: (h, w) float32 in [0, 1].

    The iris disc, and within the ``ring`` (:data:`HOLE` radii) whatever is darker than the
    rebuilt white (limbus rim, halo, the iris' shadow; painted white there is kept); the iris'
    whole dark surround ray by ray out to where the painting is its white again
    (:func:`sfumato.rig.iris_halo.halo_hole`: a half-blended rim would stay as a second iris
    outline); and the ring of the iris' hue as light as the white (``tint`` > :data:`TINTED`,
    :func:`tint_of`; no lash or lid line).

    Args:
        light, plate_l: (h, w) float32 L of the painting and of the rebuilt white; inside: (h, w)
            float32 soft opening; ring: (h, w) float32 soft disc of :data:`HOLE` radii; tint:
            (h, w) float32 share of the iris' hue; c: (2,) iris centre; r: iris radius;
            iris_l: median L of the iris.
    """
    shape = light.shape
    seen = inside > 0.5
    dark = np.clip((plate_l - light) / max(float(np.median(plate_l[seen])) - iris_l, 5.0) * 2.0 - 0.2, 0.0, 1.0) if seen.any() else 1.0
    hole = np.maximum(disc(shape, c, 1.05 * r, max(1.0, 0.15 * r)), ring * dark)
    hole = np.maximum(hole, halo_hole(light, inside, c, r, plate_l))
    ring_l = iris_l + 0.5 * (plate_l - iris_l)
    hole = np.maximum(hole, np.clip((tint - 0.5 * TINTED) / TINTED, 0.0, 1.0) * (inside > 0.99) * (light >= ring_l))
    return cv2.GaussianBlur(hole, (0, 0), max(0.5, 0.05 * r))


def corner_keep(shade: OrbitShade) -> tuple[float, float]:
    """How much of :func:`shading_model`'s default darkening toward each corner (u < 0, u > 0) a
    side with no painted white keeps: 1 less how deep in shade the orbit round that side of the
    iris is (:meth:`~sfumato.rig.orbit_shade.OrbitShade.depth`). A side in deep shade is as light
    as the skin round it (:meth:`~sfumato.rig.orbit_shade.OrbitShade.shaded`), and that skin is
    the corner's shade already: darkened toward the corner again, the Mona Lisa's image-right
    outer white fell from 37 L beside the moved iris (gaze -21) to 22 L before her 34 L corner, a
    light crescent along the iris and a dark pocket beside it, where her lit image-left white is
    no lighter by the iris than beyond it."""
    return 1.0 - shade.depth(0), 1.0 - shade.depth(1)


HOLE = 1.2
"""The rebuilt white replaces the painted eye up to this many iris radii from the old iris
(where it is darker than the white: rim, halo, the iris' shadow)."""


def rebuild_white(
    image: np.ndarray, lids: Lids, frame: EyeFrame, u: np.ndarray, v: np.ndarray, inside: np.ndarray,
    c: np.ndarray, r: float, edge: float,
) -> np.ndarray:
    """The eye with its iris taken out: (h, w, 3) float32 RGB (:func:`white_and_hole`'s first part)."""
    return white_and_hole(image, lids, frame, u, v, inside, c, r, edge)[0]


def white_and_hole(
    image: np.ndarray, lids: Lids, frame: EyeFrame, u: np.ndarray, v: np.ndarray, inside: np.ndarray,
    c: np.ndarray, r: float, edge: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The eye with its iris taken out: the painted eye, the rebuilt white where the iris was.

    The white's colour is the painted opening's own, beyond the old iris' reach, carried
    across the iris from either side, in the eye's lid coordinates
    (:func:`~sfumato.rig.white_fill.lid_space_colour`): the lightness painted next to
    the iris, its shading toward the corners and under the lid, a side in shade kept in shade;
    the shading model (:func:`shading_model`) stands in only for a side with nothing painted,
    in the shade and the colours of the skin round that side
    (:func:`sfumato.rig.orbit_shade.orbit_shade`).
    The canvas texture is laid over it (:func:`sfumato.rig.white_grain.sclera_plate`). Replaced: the iris disc, its
    whole dark surround out to where the painting is as light as its white or the rebuilt white
    again (:func:`sfumato.rig.iris_halo.halo_hole`: no half-blended limbus left as a second iris
    outline), the ring of the iris' hue around it as light as the white
    (:func:`sfumato.rig.iris_tint.iris_tint`: no olive crescent left in a yellow white; its pixels
    are no samples of the white's hue either), and within :data:`HOLE` iris radii whatever is
    darker than the rebuilt white (rim, halo); painted white is kept (:func:`replaced`).

    Args:
        image: (h, w, 3) float32 RGB ROI; lids, frame: the eye's lids and frame; u, v: (h, w)
            eye-frame coordinates; inside: (h, w) float32 soft opening; c: (2,) iris centre,
            ROI pixels; r: iris radius; edge: the opening's soft rim, pixels.

    Returns:
        (h, w, 3) float32 RGB, and the (h, w) float32 share in [0, 1] of each pixel it replaced
        (the iris, its rim and halo).
    """
    shape = image.shape[:2]
    hw = frame.half_width
    # The visible painted white: inside the opening (off the lid lines), away from the iris,
    # its lighter part (lid rims and lashes inside a loose contour left out).
    lab = rgb_to_lab(image)  # once per eye: its L is the lightness every step below uses
    light = lab[..., 0]
    far = 1.0 - disc(shape, c, r + 1.0, 1.0)  # the rim and halo beyond are left to select_white
    cand = (opening(u, v, lids, 1.5 * edge + 0.5) > 0.99) & (far > 0.5)
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    dist = np.hypot(xx - np.float32(c[0]), yy - np.float32(c[1]))  # pixels from the iris centre
    in_iris = disc(shape, c, 0.8 * r, 1.0) * inside > 0.5  # the painted iris, seen: built once
    iris_l = float(np.median(light[in_iris])) if in_iris.any() else 30.0
    # the painted white itself (colour model sampled beside the iris, connected to it): no lid
    # rim, lash or iris rim inside a contour that misses a stylised eye's painted opening
    u_iris = float(frame.to_uv(c)[0])
    painted, own, own_shaded = painted_white_sides(image, cand, c, r, 0.0, u < u_iris, lab)  # each side its own white
    white = painted.astype(np.float32) if painted.sum() >= 12 else select_white(image, light, cand, iris_l)
    up_v, lo_v = lids.at(u)
    t = (v - lo_v) / np.maximum(up_v - lo_v, 1.0)
    loose = ((inside > 0.5) & (far > 0.5)).astype(np.float32)  # reaches into narrow corners
    shade = orbit_shade(lab, u, v, lids, inside, hw, u_iris, r, HOLE * r)  # a side with no painted white is in its shade
    model = shading_model(image, white if white.sum() >= 12 else np.maximum(white, loose), t, u / hw, corner=corner_keep(shade))
    ring = disc(shape, c, HOLE * r, max(1.0, 0.15 * r))
    # samples of the white: all the painted opening from just outside the iris on, off the lid
    # lines: the lightness painted next to the iris, its shaded corners, the shade under the
    # lid and a side in shadow keep their tone (white_colour leaves dark outliers out)
    trusted = bool(painted.sum() >= 12)
    near = own if trusted and own.any() else None
    known = white_samples(white, trusted, cand, inside, loose, ring, u, u_iris, c, r, near=near)
    sigma = max(1.0, 0.5 * r)
    apart = near is not None  # a side of another paint than the other's: the two meet under the iris' middle
    colour = lid_space_colour(image, known, model, u, v, lids, frame, u_iris, r, sigma, shade=shade, apart=apart)
    # its hue from the white beyond the ring the iris' colour bled into (as light as the white,
    # of the iris' hue: an olive ring in a yellow white would tint all the rebuilt white)
    tint = tint_of(lab, white > 0.5, in_iris, u, u_iris, dist, r)
    known_hue = known
    if (tint > TINTED).any():
        known_hue = white_samples(white, trusted, cand, inside, loose, ring, u, u_iris, c, r, tint <= TINTED, near)
        hue = lid_space_colour(image, known_hue, model, u, v, lids, frame, u_iris, r, sigma, shade=shade, apart=apart)
        colour = with_hue(colour, hue)
    beside = (inside > 0.5) & (disc(shape, c, 1.1 * r, 1.0) < 0.01)
    # a side of its own paint found in its shade: its darks beside its white are that shade
    # (portrait_20's black band under the lid), its bins with none of its white take them
    dark_opening = beside & own_shaded if near is not None and own_shaded.any() else None
    allowed = None if near is None else ~near | (white > 0.5)  # on a side with its own white, its painted white alone
    if allowed is not None:  # a side with its own white: its liner and lid rim are of its hue, no shade
        beside &= allowed
    # two paints (apart) each shaded by its own painted white alone (white_edge.match_lid_shade):
    # pooled, portrait_03's beige inner corner, darker under its liner, shaded its grey outer white
    share = blend_weight(known, u, u_iris, r, shade, apart)  # the fill's blend (its samples counted in the ROI, not the lid grid)
    near_iris = disc(shape, c, EDGE_REACH * r, 1.0) > 0.5  # the white in shade right beside the iris is the revealed white's
    unshaded = colour  # the lean below is its hue's change from this (the lid shade's own (a, b) kept)
    colour = match_lid_shade(image, colour, t, beside, light, iris_l, sides=share, opening=dark_opening, near=near_iris, paints=apart, white=white > 0.5)
    # a side of the iris with only a few samples (a reflex, a sliver in the corner) gives its
    # lightness but only part of its hue (white_fill.FEW): the shading above keeps to the fill's
    # own hue, so this comes last and changes no lightness
    own_sides = (False, False) if near is None else (bool((near & (u < u_iris)).any()), bool((near & (u >= u_iris)).any()))
    shares = lean_shares(*lid_space_samples(known_hue, lids, frame), u_iris, r, own_sides)  # counted where the fill runs
    if any(0.0 < q < 1.0 for q in shares):
        lean = lid_space_colour(image, known_hue, model, u, v, lids, frame, u_iris, r, sigma, lean=shares, shade=shade, apart=apart)
        own = rgb_to_lab(colour)
        mixed = own.copy()
        mixed[..., 1:] += rgb_to_lab(lean)[..., 1:] - rgb_to_lab(unshaded)[..., 1:]  # not the unshaded fill's (a, b): a deep shade's own is kept
        colour = colour + (lab_to_rgb(mixed) - lab_to_rgb(own))  # the change alone: none where no side leans
    plate = sclera_plate(image, known, disc(shape, c, 1.35 * r, 1.0), colour, sigma, (white > 0.5) & (disc(shape, c, 1.15 * r, 1.0) < 0.01),
                         canvas_grain(image, frame, lids, r))
    hole = replaced(light, lightness(plate), inside, ring, tint, c, r, iris_l)
    plate = match_edge(image, plate, hole, inside, light, iris_l, c, r, allowed)
    return image * (1 - hole[..., None]) + plate * hole[..., None], hole

