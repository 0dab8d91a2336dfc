"""The closed lid's picture, derived once per eye: the lid plate and the painted lash line.

The *lid plate* is what the unfolding upper lid (and the lower lid's rim) shows when the eye
closes. It is laid into the painting seamlessly (:func:`sfumato.rig.seamless.seamless_fill`):
on the edge of the region a closed lid covers it takes the painting's own values, so the lid
is lit like the skin around it and has no outline, and inside it follows a *guide* that gives
its shape: the colour of the painted lid fold (lit like the lower lid's skin where the fold
lies in the orbit's shadow; an eye in a shadow all round, cast over the whole eye, closes in
it), turning into the painted skin just above it at its top (the
crease and its shadow), with the painting's fine detail (crackle, canvas, grain) carried over
from the skin under the eye.

The closed lash line (its colour, strength and cross-section) is the painted upper lash
line's: :mod:`sfumato.rig.lash_line`.

Its constants were chosen by eye on the 11 images the project tests on (the shared portrait_02,
03, 07, 10, 11, 13, 14, 17, 20 and the Mona Lisa, and the astronaut), with no held-out set:
each says which painting or test decided it.

Arrays are ROI pixels: images (h, w, 3) float32 RGB in [0, 255]; ``u``, ``v`` (h, w) float32
eye-frame coordinates (:class:`sfumato.rig.lids.EyeFrame`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.rig.corner_white import CORNER_REACH, corner_reach, past_corners, white_past_corners
from sfumato.rig.lash_line import lash_profile
from sfumato.rig.lids import EyeFrame, Lids
from sfumato.rig.liner_wing import wing_taper, wings_past_corners
from sfumato.rig.lid_light import lit_in, surround, surround_light
from sfumato.rig.lid_top import UPPER_BAND, crease_row, dark_crease, fold_top, lid_top, misread_crease, past_fold, profile
from sfumato.rig.lid_shade import crown_light, form_depth, formed, lid_form, lift, seen
from sfumato.rig.lid_grain import TEXTURE_CLIP, TEXTURE_DEPTH, as_round, lid_texture, match_grain  # noqa: F401 (TEXTURE_CLIP: tests)
from sfumato.ramp import unit_ramp as ramp  # blink reads it from here too
from sfumato.rig.seamless import seamless_fill
from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.skin_palette import palette_fill, skin_palette

LOWER_BAND = 0.15
"""The lower lash band, moved rigidly with the rising lower lid, is this many opening heights
thick (set on the astronaut)."""
LID_LIT = 1.0
"""A lid fold in the orbit's shadow (mid-lid, darker than the lower lid's skin) is mixed with
that skin until it is at least this light relative to it: the closed lid bulges into the
light, its crease stays dark (chosen on the deep-set eyes of portrait_13 and 20 and a synthetic
one, whose closed lids must be at least 0.75 as light as the skin under the eye, and on the
Mona Lisa: at 0.85 her lids, folds 0.84 / 0.94 as light as the skin under them, stayed the
colour of the orbit's shadow, one of them lit, a darker oval) ..."""
LID_MIX = 0.85
"""... mixing in at most this much of the lower lid's skin; one mix for the whole lid, from
mid-lid medians (mixed bin by bin along the lid, where a bin of portrait_03's warm fold read a
little darker than its pale skin under the eye, the lid turned grey in stripes)."""
EDGE_LINE = 0.2
"""On the edge of the closed lid's region, dark paint thinner than this many eye half-widths (a
lash line, liner, a crease line) is no skin the lid meets: it meets the skin beyond it (a grey
closing of the painting). Broad shading (an orbit in shadow, portrait_07 and 14) stays, and the
lid meets it without an outline (the lid's own colour swapped in there drew a pale oval with
a hard rim). Chosen on portrait_03's lash and crease lines (up to 0.15 half-widths thick)."""
LIGHT_CAP = 1.06
"""The rising lower lash band is never lighter than this times the lid skin (the painted white
it may hold along the lid's rim does not show under a closed lid; set on the astronaut's
no-white check)."""
DARK_CREST = 0.6
"""A closed lid darker than the painted skin over its top edge (in a shadow all round:
portrait_13's image-right) keeps its shade up to this fraction of the way from the lash line to
that edge (:func:`sfumato.rig.lid_shade.lift`'s crest; its top 40 %, as every lid had it before
lidfold13; since lidtone13 it turns into that edge by :data:`sfumato.rig.lid_shade.LIFT_TOP`): at :data:`sfumato.rig.lid_shade.LIFT_CREST` its shadow narrowed to the middle and
it read 0.28 a plate (tests/test_lid_plate_look.py, limit 0.25)."""
PALETTE_REACH = 0.5
"""The closed lid shades in the colours of the skin within this many eye half-widths round it
(:mod:`sfumato.rig.skin_palette`; the orbit, the cheek under the eye: the skin a closed lid is
seen against; set on portrait_20's tan skin and dark red-brown orbit)."""

LASH_SKIN = 0.3
"""The closed lashes shade in the colours of the closed lid within this many opening heights of
the closed line (over it and under it), with the painted line's (:attr:`LidSheet.lash_palette`)."""


@dataclass
class LidSheet:
    """What a blink needs, derived once per eye.

    Attributes:
        plate: (h, w, 3) float32 RGB, the closing lid laid into the painting (equal to the
            painting outside the region a closed lid covers).
        band_up, band_lo: thickness of the lash bands moved with the upper / lower lid, pixels.
        soft: width of the soft transitions, pixels.
        lash: (h, w, 3) float32 RGB, the painted upper lash line's colour at each pixel's u;
            lash_section: (m,) float32 in [0, 1], its cross-section from its core outward at
            half-pixel steps (the painted line's: as thick and as crisp); lash_strength: (h, w)
            float32 in [0, 1], its alpha at the core (one value over the whole lid).
        cap: (h, w) float32, the lightest (mean of RGB, 0..255) the rising lower lash band may be.
        reach: how far the closing lid reaches past the (left, right) corner, pixels
            (:func:`white_past_corners`); lash_palette: the painted lash line's and the lid's
            colours by lightness, with the closed lid's round the closed line
            (:data:`LASH_SKIN`; :func:`sfumato.rig.skin_palette.skin_palette`), or None;
        wings: whether a painted liner wing runs on past the (left, right) corner
            (:func:`sfumato.rig.liner_wing.wings_past_corners`: the lid leaves it in place);
        fringe: the painted upper lash band's thickness, pixels (the closed lashes' soft band).
        top: (h, w) float32, how far over the painted upper contour the closed lid reaches at
            each pixel's u, pixels (under the painted crease: :func:`sfumato.rig.lid_top.lid_top`,
            its soft edge ending there), or None: ``band_up`` all along (then ``band_up``: the
            painted band's top, the crease's core where there is one, mid-lid);
        crease: (h, w) float32 in [0, 1], how far the lid's top lies under a painted line at
            each pixel's u (:func:`sfumato.rig.lid_top.lid_top`), or None.
    """

    plate: np.ndarray
    band_up: float
    band_lo: float
    soft: float
    lash: np.ndarray
    lash_section: np.ndarray
    lash_strength: np.ndarray
    cap: np.ndarray
    reach: tuple[float, float] | None = None
    lash_palette: tuple[np.ndarray, np.ndarray] | None = None
    wings: tuple[bool, bool] = (False, False)
    fringe: float = 0.0
    top: np.ndarray | None = None
    crease: np.ndarray | None = None

    def band(self) -> float | np.ndarray:
        """How far over the painted upper contour the closed lid reaches: :attr:`top`, or
        ``band_up`` where there is none (what :func:`cover` takes as its ``band_up``)."""
        return self.band_up if self.top is None else self.top


def cover(u: np.ndarray, v: np.ndarray, frame: EyeFrame, rest: Lids, now: Lids, band_up: float | np.ndarray, band_lo: float,
          soft: float, reach: tuple[float, float] | None = None, wings: tuple[bool, bool] = (False, False)
          ) -> np.ndarray:
    """How much of the lid plate a closing lid shows at each pixel: (h, w) float32 in [0, 1].

    The unfolded upper lid, from its moving margin up to the top of the painted band it
    covers (``band_up`` over the lid at ``rest``), and where the lower lid's lash band was
    before it rose (``band_lo`` thick); past the corners the lid covers the painted band a
    little further, tapering (liner at the corners goes with the lid), but not past a corner
    with a painted liner wing, toward which the band tapers to nothing inside the eye
    (:func:`sfumato.rig.liner_wing.wing_taper`: the wing stays and meets the closed line).

    Args:
        u, v: (h, w) eye-frame coordinates; frame: the eye frame; rest: the lids the skin
            shows; now: the closing lids; band_up: how far over ``rest``'s upper lid the lid
            reaches (a float, or (h, w) at each pixel: :meth:`LidSheet.band`); band_lo, soft: :class:`LidSheet`'s;
            reach: how far past the (left, right) corner it reaches (:class:`LidSheet`'s;
            None: :func:`corner_reach`); wings: :class:`LidSheet`'s.
    """
    d_up = np.minimum(now.upper - rest.upper, 0.0)
    d_lo = np.maximum(now.lower - rest.lower, 0.0)
    up_now, lo_now = now.at(u)
    du = np.abs(np.interp(u, now.u, d_up)).astype(np.float32)
    dl = np.interp(u, now.u, d_lo).astype(np.float32)
    s_up, s_lo = v - up_now, lo_now - v  # depth into the upper / lower lid from its moving margin
    at, cs = corner_reach(frame)
    left = now.u[0] - u
    beyond = np.maximum(np.maximum(left, u - now.u[-1]), 0.0)
    reach = reach or (at, at)
    reach = tuple(0.5 * cs if w else r for r, w in zip(reach, wings))  # a wing's corner: nothing past it
    r = np.where(left > 0, *reach).astype(np.float32)  # each corner's own reach
    inner = ramp((r - beyond) / cs + 0.5)
    band = band_up * np.clip(1.0 - beyond / np.maximum(r, 1e-3), 0.0, 1.0)
    if any(wings):
        band = band * wing_taper(u, now, frame, wings)
    # the upper lid fades in with its largest travel, so it covers the painted line into the corners
    w_up = ramp(s_up / soft + 1.0) * ramp((band + du - s_up) / (2.0 * soft) + 0.5) * ramp(float(np.abs(d_up).max()) / soft)
    w_lo = ramp((s_lo - 0.5 * band_lo) / (0.5 * band_lo)) * ramp((band_lo - s_lo + dl) / soft) * (s_lo >= 0)
    w_lo *= ramp(dl / soft)
    return (np.maximum(w_up, w_lo) * inner).astype(np.float32)


def lid_sheet(image: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids, frame: EyeFrame, radius: float) -> LidSheet:
    """Derive the lid plate and lash line of one eye from the painted ROI.

    Args:
        image: (h, w, 3) float32 RGB ROI; u, v: (h, w) eye-frame coordinates; lids: the
            painted lids; frame: the eye frame; radius: iris radius, pixels.
    """
    height = max(lids.height(), 2.0)
    up, lo = lids.at(u)
    light = image.mean(2)
    width = lids.u[-1] - lids.u[0]
    mid = (u > lids.u[0] + 0.25 * width) & (u < lids.u[-1] - 0.25 * width)
    # the painted lash line may lie a little above FaceMesh's contour: the band reaches past
    # the darkest row of the upper margin, or past the lash line under it where that row is a
    # crease as dark as the lash line (lid_top.misread_crease)
    rows = np.arange(-0.1 * height, 0.6 * height + 1.0, 0.5)
    prof = profile(light, mid, v - up, rows)
    misread = misread_crease(prof, rows, height)
    darkest = float(rows[int(np.nanargmin(prof)) if misread is None else misread]) if np.isfinite(prof).any() else 0.0
    lash_band = max(1.5, UPPER_BAND * height, darkest + 0.15 * height + 1.0)
    lab = rgb_to_lab(image)
    band_up = lash_band if misread is not None else crease_row(light, mid, v - up, lash_band, height)
    # a crease read as the lash line, or as dark as the lash line under it, is a painted line
    # the closed lid ends under (portrait_11's two eyes); a lighter crease it reaches the core of
    under = misread is not None or (band_up > lash_band and dark_crease(light, mid, v - up, band_up, height))
    if not under:  # the closed lid reaches the painted crease's core, all along
        top_up, under_line, reach_up = band_up, np.zeros(light.shape, np.float32), None
    else:  # it ends under the painted crease, column by column (the crease stays)
        top_up, under_line, band_up = lid_top(2.55 * lab[..., 0], u, v, lids, height)
    band_lo = max(1.0, LOWER_BAND * height)
    soft = max(1.0, 0.35 * band_up)
    if under:
        reach_up = (top_up - soft * under_line).astype(np.float32)  # the soft edge ends at a painted line
    elif band_up <= lash_band and (raised := past_fold(light, mid, v - up, band_up, soft, height)) > band_up:
        top_up = reach_up = fold_top(u, lids, band_up, raised)  # no crease: not ending on a lit fold
    span = (u > lids.u[0] - 0.15 * frame.half_width) & (u < lids.u[-1] + 0.15 * frame.half_width)
    fold = span & (v > up + top_up) & (v < up + top_up + 0.8 * height)
    if fold.sum() < 8:  # a tiny ROI: everything above the lash band is skin
        fold = v > up + top_up
    below = span & (v < lo - 1.2 * band_lo) & (v > lo - band_lo - 0.8 * height)
    # the skin's colours with its thin dark lines closed over, as the closed lid's edge sees them
    line = max(1.0, EDGE_LINE * frame.half_width)
    skin = _skin_edge(image, np.zeros(light.shape, bool), line)
    col_up, col_lo = _column_colour(skin, light, fold, u, lids, 35), _column_colour(skin, light, below, u, lids, 20)
    if col_lo is None:
        col_lo = col_up
    if col_up is None:
        col_up = col_lo if col_lo is not None else np.broadcast_to(image.reshape(-1, 3).mean(0), image.shape).astype(np.float32)
        col_lo = col_up
    # laid into the painting over all a closed lid covers, meeting it without a step
    reach = white_past_corners(light, u, v, lids, frame)
    wings = wings_past_corners(light, u, v, lids, frame, band_up, reach)  # painted liner wings stay
    shut_lid = lambda band: cv2.dilate((cover(u, v, frame, lids, lids.moved(0.0, 1.0), band, band_lo, soft, reach, wings) > 0.0  # noqa: E731
                                        ).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # what the closed lid covers, and a pixel
    hole = shut_lid(band_up if reach_up is None else reach_up)
    # a fold in the orbit's shadow: lit like the lower lid's skin (at most LID_MIX of it), in a
    # shadow over the whole eye no lighter than the lit skin round the lid
    l_up, l_lo = col_up.mean(-1), col_lo.mean(-1)
    at = mid if mid.any() else np.ones_like(mid)  # an eye too narrow for a middle: the whole ROI
    m_up, m_lo = float(np.median(l_up[at])), float(np.median(l_lo[at]))  # one light for the whole lid
    closed = lids.moved(0.0, 1.0).at(u)[0]  # the line where the closed lids meet
    upper = v >= closed
    # the skin the closed lid is seen against: round the lid as far as its painted band reaches
    # (raised past a lit fold, the ring lay in the orbit's shadow, and the lid took its fainter
    # grain: portrait_13's image-right lid 0.90 -> 0.48 of the skin's under the eye; 0.56 so)
    ring_lit = surround(hole if reach_up is None or under else shut_lid(band_up), upper, frame.half_width)
    lit = lit_in(LID_LIT * m_lo, surround_light(light, ring_lit))
    k = float(np.clip((lit - m_up) / max(m_lo - m_up, 1e-3), 0.0, LID_MIX))
    lid = col_up + k * (col_lo - col_up)
    top = up + top_up
    # the upper lid (over the line where the lids meet; matched to the skin over it and at the
    # corners only, it keeps the guide's shading): toward its top the colour of the edge it
    # meets there (the values the fill is matched to, its thin lines closed over: sampled from
    # the painting as it is, a dark orbit or crease 1-2 px beyond that edge made the guide's top
    # dark brown, which the fill lifted to a light edge by adding the same amount to R, G and B:
    # a blue-grey cast over portrait_20's inner lid), lit toward its middle as the lid is lit
    # against the fold; under that line the lower lid's skin
    tex = lid_texture(image, light, frame, hole, TEXTURE_DEPTH * height + band_up + band_lo, radius)
    tex = as_round(tex, hole, ring_lit)
    # where the edge's light slivers are opened away: the lid's corner reach plus twice the
    # edge's line width (the opening's kernel), 0.52 half-widths from each corner, about half
    # the lid (session 7, 2f0fcc9: portrait_07's pale wedge; no held-out set)
    corners = np.minimum(np.abs(u - lids.u[0]), np.abs(u - lids.u[-1])) < CORNER_REACH * frame.half_width + 2.0 * line
    edge = lid_edge(image, tex, hole, line, corners, ~corners & (v > up))
    ring = (cv2.dilate(hole.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~hole & span & (v > up)
    col_top = _column_colour(edge, edge.mean(2), ring, u, lids, 0)
    col_top = col_up if col_top is None else col_top
    # the lid's lift over that edge (lit as the lid is against the fold), a dome: none on the
    # top edge nor at the corners, turning into that edge with no slope (:func:`sfumato.rig.lid_shade.lift`)
    # (a lid darker than that edge, closing in a shadow all round, keeps it higher: DARK_CREST)
    dark = lid.mean(-1) < col_top.mean(-1)
    along = (u - float(lids.u[0])) / max(float(lids.u[-1] - lids.u[0]), 1e-3)
    g = 1.0 - np.where(dark, lift(v, closed, top, along, DARK_CREST), lift(v, closed, top, along))[..., None]
    colour = np.where(upper[..., None], col_top * g + lid * (1 - g), col_lo).astype(np.float32)
    opening = (v < up) & (v > lo) & (u > lids.u[0]) & (u < lids.u[-1])
    near = cv2.dilate(hole.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(3, int(PALETTE_REACH * frame.half_width)))
    # the upper lid's form: lit across its crown, turning away toward the line, corners and crease
    form = lid_form(u, v, lids, closed, top, form_depth(lab[..., 0], ring_lit))
    flat, shaped = (lay_in(image, tex, c, hole, upper, line, corners, ~corners & (v > up), edge=edge,
                           skin=(near > 0) & ~hole & ~opening) for c in (colour, colour * np.where(upper, form, 1.0)[..., None]))
    plate = formed(flat, shaped, hole & upper, crown_light(seen(lab[..., 0], frame.half_width), ring_lit), frame.half_width)
    # its grain the skin's round it (the texture came from the skin under the eye)
    plate = match_grain(plate, tex, hole, hole & (v > closed + max(2.0, 0.15 * height)), lab[..., 0], ring_lit)
    # past the corners no lid lies: the skin as painted, its thin dark lines closed and its light
    # slivers opened away (painted white), where the lid filled in under the closed line's end
    # drew a hard notch against pale skin beside it (portrait_02's inner corner)
    skin_past = lid_edge(image, tex, np.zeros_like(hole), line, corners) * tex[..., None]
    plate = plate + (skin_past - plate) * past_corners(u, lids, frame)[..., None]
    lash_skin = span & (v > up + lash_band) & (v < up + lash_band + 0.8 * height)
    lash, strength, section = lash_profile(image, light, u, v, frame, lids, darkest, max(1.5, 0.25 * height), mid,
                                            lash_skin if lash_skin.any() else fold)
    # the closed lashes' colours: the painted line's and lid's, and the closed lid's round the
    # closed line, which they are drawn over (a lid in shadow over the line, portrait_20's
    # image-left, has no colours lighter than L 27: the fringe over the lit lower lid took them, grey)
    shut = mid & hole & (np.abs(v - closed) < max(1.5, LASH_SKIN * height))
    cap = (LIGHT_CAP * np.maximum(l_lo, colour.mean(-1))).astype(np.float32)
    painted = mid & (v > up - 0.5) & (v < up + lash_band + 0.3 * height)
    palette = skin_palette(np.where(shut[..., None], rgb_to_lab(plate), lab), shut | painted)
    return LidSheet(plate, float(band_up), float(band_lo), soft, lash, section, strength, cap, reach, palette, wings, float(lash_band),
                    reach_up, None if reach_up is None else under_line)


def lay_in(image: np.ndarray, tex: np.ndarray, colour: np.ndarray, hole: np.ndarray, upper: np.ndarray | None = None,
           line: float = 3.0, corners: np.ndarray | None = None, keep: np.ndarray | None = None,
           edge: np.ndarray | None = None, skin: np.ndarray | None = None) -> np.ndarray:
    """The closed lid laid into the painting over ``hole``: (h, w, 3) float32 RGB.

    The smooth lid (guide ``colour``, (h, w, 3)) is laid in against the painting
    without its fine detail (``image`` over ``tex``, (h, w) float32 luminance ratio), then the
    detail put on as a ratio (the texture's full-strength steps laid on a lid the edge pulls
    darker turned to dark specks, portrait_20). On the edge it meets :func:`lid_edge`'s values
    (``line``, ``corners``, ``keep``: its arguments; ``edge``: those values when already
    computed). ``upper`` ((h, w) bool or None): the closed upper lid, over the line where the
    lids meet, matched to the skin over it and at the corners only, not to the lower lid's rim
    under its lash line (a membrane between the two pulled portrait_03's orange lid toward the
    pale skin under the eye: a grey, flat plate). ``skin`` ((h, w) bool or None): the skin
    round the lid, whose palette its shading keeps to (:func:`sfumato.rig.skin_palette.palette_fill`;
    None: a plain RGB fill). Outside ``hole`` it is ``image``.
    """
    if edge is None:
        edge = lid_edge(image, tex, hole, line, corners, keep)
    if skin is None:
        lid = seamless_fill(colour, edge, hole, side=upper)
    else:
        lid = palette_fill(colour, edge, hole, skin, side=upper)
    return np.where(hole[..., None], lid * tex[..., None], image).astype(np.float32)


def lid_edge(image: np.ndarray, tex: np.ndarray, hole: np.ndarray, line: float = 3.0, corners: np.ndarray | None = None,
             keep: np.ndarray | None = None) -> np.ndarray:
    """What the closed lid meets on the edge of ``hole``: (h, w, 3) float32 RGB, the painting
    without its fine detail (``image`` over ``tex``), not dark lines thinner than ``line``
    pixels, nor light slivers at the ``corners`` ((h, w) bool or None: painted white past
    them; :func:`_skin_edge`), but where ``keep`` ((h, w) bool or None: over the lid, mid-lid):
    there the painting as it is (a blurred lash line's fringe or a crease line the lid's top
    edge crosses, closed over, left that line as an outline over a lighter lid: the
    astronaut)."""
    flat = image / np.maximum(tex, 1e-3)[..., None]
    edge = _skin_edge(flat, hole, line, corners)
    if keep is not None:  # over the lid the painting as it is: a line there stays the lid's top edge
        edge = np.where(keep[..., None], flat, edge)
    return edge.astype(np.float32)


def _skin_edge(image: np.ndarray, hole: np.ndarray, line: float, corners: np.ndarray | None = None) -> np.ndarray:
    """The values the closed lid meets on the edge of ``hole``: the painting outside ``hole`` with
    its dark lines thinner than ``line`` pixels taken out (a grey closing, the hole counted as
    light so it darkens nothing), and at the ``corners`` ((h, w) bool or None) its light slivers
    too (then an opening, the hole counted as dark; over the lid a painted highlight along the
    fold is skin the lid meets, and opened away it drew portrait_03's lid with a dark rim).
    A seamless fill matched to a painted lash line or liner carries its darkness into the lid
    as a grey veil (portrait_03's closed lid, through which the iris still showed); matched to
    a sliver of painted white past a corner, it lit a pale wedge into the lid (portrait_07).

    Returns:
        (h, w, 3) float32 RGB, ``image`` under ``hole``.
    """
    # a square (OpenCV runs it as two 1-D passes; an ellipse was 50x slower at 4000 px) a
    # little narrower than ``line`` (0.75: its diagonal, 1.06 ``line``, about the disc's width
    # it replaced, 705f2aa), at least 2 px each side of a pixel
    d = max(5, 2 * int(round(0.75 * line / 2)) + 1)
    kernel = np.ones((d, d), np.uint8)
    closed = cv2.morphologyEx(np.where(hole[..., None], 255.0, image).astype(np.float32), cv2.MORPH_CLOSE, kernel,
                              borderType=cv2.BORDER_REPLICATE)
    if corners is not None and corners.any():
        opened = cv2.morphologyEx(np.where(hole[..., None], 0.0, closed).astype(np.float32), cv2.MORPH_OPEN, kernel,
                                  borderType=cv2.BORDER_REPLICATE)
        closed = np.where(corners[..., None], opened, closed)
    return np.where(hole[..., None], image, closed).astype(np.float32)


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

