"""One eye as layers, and a gaze (and blink) rendered from them.

Layers, back to front, in a region of interest (ROI) around the eye:

1. the rebuilt eye white (:func:`sfumato.rig.white_grain.sclera_plate`) wherever the painted iris
   was (rim and halo included), the painted white elsewhere; over it the painted surround of
   the iris (its dark rim, halo and the ring of its hue that the rebuilt white replaced) moved
   with the iris (:func:`~sfumato.rig.iris_surround.carried_halo`): at rest the painting's own pixels, so an unturned eye is
   the painting, not a light ring of rebuilt white around its iris; once moved only its part
   darker than the white, and let go as the iris travels on (:func:`~sfumato.rig.iris_surround.carried_share`);
2. the iris (:func:`sfumato.rig.iris.iris_layer`), moved and foreshortened as a disc on the
   eyeball, shaded by the upper lid's shadow, going under the corners' skin softly
   (:func:`corner_cover`); its edge falls into the white as softly as the painted one
   (:mod:`sfumato.rig.limbus`: the alpha carries the painted fade, the layer's own rim the iris'
   paint, :attr:`EyeLayers.body`);
3. the catchlight, which moves only :data:`~sfumato.rig.catchlight.FOLLOW` of the iris: the
   painted highlight itself (:mod:`sfumato.rig.catchlight_sprite`), a disc for old rig files,
   kept whole on the iris the eye shows (:mod:`sfumato.rig.catchlight_seat`);
4. the lids: the painted lid skin, displaced when the lids move, over everything outside the
   soft opening they leave; where they cut a moved iris the edge is softened
   (:func:`~sfumato.rig.iris_place.soften_lid_edge`).

:func:`eye_layers` derives the layers from the head crop and an :class:`EyeRig` (no FaceMesh),
:func:`render_eye` composes one gaze.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.ramp import unit_ramp
from sfumato.rig.blink import LidSheet, close_lids, draw_lash, lash_line, lid_sheet, soften_seam
from sfumato.rig.catchlight import FOLLOW, catchlight_alpha, on_cornea
from sfumato.rig.catchlight_seat import drawn_matte, needed, seat
from sfumato.rig.catchlight_sprite import CatchlightSprite, cut_sprite
from sfumato.rig.iris import disc, iris_layer, lightness
from sfumato.rig.iris_place import LID_SOFT, foreshorten, iris_box, place_iris, placed_alpha, soften_lid_edge
from sfumato.rig.iris_rim import dark_rim
from sfumato.rig.iris_surround import CARRY_TRAVEL, carried_halo, carried_share, darker_than_white, let_go
from sfumato.rig.limbus import DrawnEdge, fade_start, rig_edge
from sfumato.rig.lid_margin import LidMargin, draw_margin, lid_margin, margin_layer
from sfumato.rig.lids import SHADOW_LIFT, EyeFrame, Lids, lid_shadow, opening, shadow_lift, skin_source
from sfumato.rig.model import Catchlight, EyeRig
from sfumato.rig.sclera import white_and_hole

EYEBALL = 2.5
"""Eyeball radius in iris radii (a human eye: about 12 mm over 6 mm; painted irises are often
drawn smaller than the eyeball suggests, so a little more)."""
CORNER_COVER = 0.6
"""The skin of an eye corner slides over the iris across this many (foreshortened) iris radii
before the corner point (:func:`corner_cover`): an iris turned into a corner goes under it with
a soft edge instead of filling the lids' point as a dark wedge. About the lid margins' and the
caruncle's width (2-3 mm against a 6 mm iris radius); a wider cover (1 radius) rounds the point
more but pulls the iris' visible centre back from the corner: FaceMesh's gaze range on
portrait_13 fell from 0.52 to 0.49 with it, 0.52 with this."""


@dataclass
class EyeLayers:
    """The layers of one eye (see the module docstring), ROI pixels.

    Attributes:
        x0, y0: ROI origin in crop pixels.
        image: (h, w, 3) float32 RGB, the painted ROI.
        base: (h, w, 3) float32 RGB, the eye with the iris taken out (rebuilt white where it was).
        frame: the eye frame; u, v: (h, w) float32 eye-frame coordinates of each pixel.
        lids: the painted lids; edge: soft rim of the opening, pixels.
        iris_rgb, iris_alpha: (n, n, 3) / (n, n) float32 iris layer centred at pixel (n//2, n//2).
        rest: (2,) painted iris centre, eye frame (u, v); radius: iris radius, pixels.
        catch: the catchlight or None.
        sprite: the painted catchlight cut out (:func:`sfumato.rig.catchlight_sprite.cut_sprite`),
            or None (no catchlight, or a rig.json from before the sprite: drawn as a disc).
        sheet: the closing lid (:func:`sfumato.rig.blink.lid_sheet`).
        halo: (h, w) float32 in [0, 1], the painted surround that moves with the iris
            (:func:`~sfumato.rig.iris_surround.carried_halo`); dark: (h, w) float32 in [0, 1], the part of it darker than
            the rebuilt white (:func:`~sfumato.rig.iris_surround.darker_than_white`), the only part carried once the iris
            has moved (:func:`~sfumato.rig.iris_surround.carried_share`).
        margin: the upper lid's margin redrawn across where the iris was
            (:func:`sfumato.rig.lid_margin.lid_margin`), or None.
        lift: the most the upper lid's shadow moved off the iris lightens it
            (:func:`sfumato.rig.lids.shadow_lift`), >= 1.
        rim: (n, n, 3) float32 RGB, the iris layer with its outer rim in the iris' own paint
            (:func:`sfumato.rig.iris_rim.dark_rim`), shown as the iris moves off its painted place;
            None: the painted layer always.
        body: (n, n, 3) float32 RGB, ``rim`` with the painted limbus' fade into the white taken
            off too (the soft alpha draws that fade over whatever white lies under it), shown as
            the painted surround is let go (:func:`~sfumato.rig.iris_surround.let_go`); None: no painted edge was measured
            (the iris fills its opening), the alpha a linear ramp at the radius.
        edge_px: the painted edge the alpha keeps, its width by direction
            (:class:`sfumato.rig.limbus.DrawnEdge`), or None.
        catch_need: the share of the highlight the moved iris keeps in view
            (:func:`sfumato.rig.catchlight_seat.needed`: what the painting showed, at most 0.97).
    """

    x0: int
    y0: int
    image: np.ndarray
    base: np.ndarray
    frame: EyeFrame
    u: np.ndarray
    v: np.ndarray
    lids: Lids
    edge: float
    iris_rgb: np.ndarray
    iris_alpha: np.ndarray
    rest: np.ndarray
    radius: float
    catch: Catchlight | None
    sheet: LidSheet
    halo: np.ndarray
    dark: np.ndarray
    margin: LidMargin | None = None
    lift: float = SHADOW_LIFT[1]
    sprite: CatchlightSprite | None = None
    rim: np.ndarray | None = None
    body: np.ndarray | None = None
    edge_px: DrawnEdge | None = None
    catch_need: float = 1.0

    @property
    def roi(self) -> tuple[slice, slice]:
        h, w = self.image.shape[:2]
        return slice(self.y0, self.y0 + h), slice(self.x0, self.x0 + w)

    @property
    def eyeball(self) -> float:
        return EYEBALL * self.radius


def eye_roi(rig: EyeRig, size: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) crop pixels around the eye, room for the lid skin to move."""
    pts = np.concatenate([np.asarray(rig.upper), np.asarray(rig.lower)])
    hw, r = rig.half_width, rig.iris.radius
    pad_x, pad_y = int(np.ceil(0.5 * hw + 2 * r)) + 2, int(np.ceil(1.2 * hw + 2 * r)) + 2
    x0, y0 = int(max(0, np.floor(pts[:, 0].min()) - pad_x)), int(max(0, np.floor(pts[:, 1].min()) - pad_y))
    x1, y1 = int(min(size, np.ceil(pts[:, 0].max()) + pad_x + 1)), int(min(size, np.ceil(pts[:, 1].max()) + pad_y + 1))
    return x0, y0, x1, y1


def eye_layers(crop: np.ndarray, rig: EyeRig) -> EyeLayers:
    """Derive one eye's layers from the head crop ((S, S, 3) uint8 RGB) and its rig."""
    x0, y0, x1, y1 = eye_roi(rig, crop.shape[0])
    origin = np.array([x0, y0], np.float64)
    image = crop[y0:y1, x0:x1].astype(np.float32)
    shape = image.shape[:2]
    a, b = (c - origin for c in rig.corners)
    hw = float(np.linalg.norm(b - a) / 2)
    frame = EyeFrame((a + b) / 2, (b - a) / (2 * hw), hw)
    u, v = frame.grids(shape)
    lids = Lids.from_contours(frame, np.asarray(rig.upper) - origin, np.asarray(rig.lower) - origin)
    edge = max(0.8, 0.04 * hw)
    inside = opening(u, v, lids, edge)
    c = np.asarray(rig.iris.centre, np.float64) - origin
    r = float(rig.iris.radius)
    seen = np.clip(opening(u, v, lids, 1.0) * 2.0 - 0.5, 0, 1)
    hide, sprite, cl, painted = None, None, rig.catchlight, image
    if cl is not None and cl.matte >= 1:
        sprite = cut_sprite(image, c, r, cl)
    if sprite is not None:  # the highlight lifted off the iris (its soft edge and tail too)
        painted = sprite.remove(image)
    if cl is not None:  # its core completed from the iris around it, as for the disc: with the
        # iris' opening left there instead FaceMesh found portrait_07's turned irises 0.02 nearer rest
        hide = catchlight_alpha(shape, c + cl.offset, Catchlight(cl.offset, cl.radius + 1.5, cl.colour, 1.0))
    trust = seen if hide is None else seen * (1 - hide)
    soft = rig_edge(rig, image, opening(u, v, lids, 1.0), c, r)
    iris_rgb, iris_alpha, painted_share = iris_layer(painted, trust, c, r, max(1.0, 0.6 * rig.iris.limbus * r), hide, soft)
    base, hole = white_and_hole(image, lids, frame, u, v, inside, c, r, edge)
    sheet = lid_sheet(image, u, v, lids, frame, r)
    halo = carried_halo(hole)
    dark = darker_than_white(image, base, hole)
    margin = lid_margin(image, base, hole, frame, lids, float(frame.to_uv(c)[0]), r)
    lift = shadow_lift(lightness(image), u, v, lids, c, r, shadow_reach(lids, r))
    body = None if soft is None else dark_rim(iris_rgb, r, painted_share, fade_from=fade_start(soft.mid, soft.widths, r))
    need = 1.0 if cl is None else needed(sprite, cl, shape, c, place_iris(iris_alpha, np.eye(2), c, shape) * inside)
    return EyeLayers(x0, y0, image, base, frame, u, v, lids, edge, iris_rgb, iris_alpha, frame.to_uv(c), r, cl, sheet, halo, dark, margin, lift,
                     sprite, dark_rim(iris_rgb, r, painted_share), body, soft, need)


def shadow_reach(lids: Lids, radius: float) -> float:
    """How far below the upper lid its shadow reaches (:func:`sfumato.rig.lids.lid_shadow`), pixels."""
    return 0.2 * max(lids.height(), radius)


def cover_ratio(u: np.ndarray, now: Lids, rest_lids: Lids, u_rest: float, u_new: float, sx: float, width: float) -> np.ndarray:
    """How much of what moved from ``u_rest`` to ``u_new`` (eye-frame u, foreshortened by ``sx``)
    the corners leave visible now (lids ``now``), relative to how the painting showed it at rest
    (``rest_lids``): float32 in [0, 1], the shape of ``u`` (eye-frame u of each pixel); an iris
    painted near a corner keeps its painted look there. ``width``: the corner's soft reach, pixels."""
    at_rest = corner_cover(u_rest + (u - u_new) / sx, rest_lids, width)
    return np.minimum(corner_cover(u, now, width) / np.maximum(at_rest, 1e-3), 1.0)


def corner_cover(u: np.ndarray, lids: Lids, width: float) -> np.ndarray:
    """How much of an iris the eye's corners leave visible: (h, w) float32 in [0, 1], 0 at
    either corner point (``lids.u[0]``, ``lids.u[-1]``), rising smoothly to 1 ``width`` pixels
    in from it along the eye's axis (``u``: (h, w) float32 eye-frame u of each pixel)."""
    return unit_ramp(np.minimum(u - lids.u[0], lids.u[-1] - u) / max(width, 1e-3))


@dataclass(frozen=True)
class Placed:
    """Where a moved iris lands in its ROI (:func:`place`).

    Attributes:
        new: (2,) float64 its centre, eye frame (u, v); sx, sy: its foreshortening along u, v
            against the painted one (<= 1 turning off the painted place toward the rim).
        a: (2, 2) float64 the foreshortening as an image-space linear map; centre: (2,) ROI x, y.
        box: (rows, cols) the ROI slices it touches (its footprint and the lid edge's blur).
        width: the corners' soft reach over it, pixels (:func:`corner_cover`).
        alpha: (h, w) float32 in [0, 1], its alpha in the ROI with the corners' cover applied
            (the lids' clip is not: :func:`sfumato.rig.lids.opening`).
    """

    new: np.ndarray
    sx: float
    sy: float
    a: np.ndarray
    centre: np.ndarray
    box: tuple[slice, slice]
    width: float
    alpha: np.ndarray


def place(L: EyeLayers, du: float, dv: float, now: Lids) -> Placed:
    """The iris moved by (``du``, ``dv``) eye-frame pixels, foreshortened as a disc on the
    eyeball, under the corners of the lids ``now``: what :func:`render_eye` draws it with."""
    rest = L.rest
    new = rest + np.array([du, dv])
    sx = foreshorten(new[0], L.eyeball) / foreshorten(rest[0], L.eyeball)
    sy = foreshorten(new[1], L.eyeball) / foreshorten(rest[1], L.eyeball)
    rot = np.stack([L.frame.axis, -L.frame.up], 1)  # columns: image directions of the eye frame's u and -v
    a = rot @ np.diag([sx, sy]) @ rot.T
    centre = L.frame.to_xy(new)
    shape = L.image.shape[:2]
    box = iris_box(shape, centre, L.iris_alpha.shape[0] / 2 + 3 * max(0.5, LID_SOFT * L.radius) + 2)  # the footprint and more
    alpha = placed_alpha(L, a, centre, shape, box)
    # the corners' skin covers the iris where the lids meet, relative to how the painting showed
    # each part of it at rest (an iris painted near a corner keeps its painted look there)
    width = CORNER_COVER * L.radius * sx
    alpha[box] *= cover_ratio(L.u[box], now, L.lids, rest[0], new[0], sx, width)
    return Placed(new, sx, sy, a, centre, box, width, alpha)


def render_eye(layers: EyeLayers, shift: np.ndarray, blink: float = 0.0) -> np.ndarray:
    """Render the eye with its iris moved by ``shift`` (du, dv) eye-frame pixels and a blink.

    Returns:
        (h, w, 3) float32 RGB in [0, 255], the ROI.
    """
    return _render(layers, shift, blink, False)[0]


def render_lid(layers: EyeLayers, shift: np.ndarray, blink: float) -> tuple[np.ndarray, np.ndarray]:
    """The eye at closure ``blink`` and how much of the eye its closing lids let through.

    Rendered like :func:`render_eye`, and again twice with the eye's own pixels inside the
    opening (white, iris, catchlight) replaced by black and by white: every later step (the
    lids' clip, the softened seam, the lash line) is a blend, so ``transmit = (white - black) /
    255`` is how much of the eye shows through, and the ROI at this closure over any other open
    render ``open_eye`` of it is ``closed + transmit * (open_eye - open)``: that render's OWN iris
    between the lids. The lash fringe's palette (a chroma shift, not a blend) is left out of the
    black and white renders (taken from flat black and white it turned the iris under the
    fringe red); ``closed`` has it.

    Returns:
        closed: (h, w, 3) float32 RGB in [0, 255], the ROI; transmit: (h, w) float32 in [0, 1].
    """
    closed, black, white = _render(layers, shift, blink, True)
    return closed, np.clip((white - black).mean(-1) / 255.0, 0.0, 1.0)


def _render(layers: EyeLayers, shift: np.ndarray, blink: float, lid: bool) -> list[np.ndarray]:
    """:func:`render_eye`'s ROI, and with ``lid`` also that ROI with the eye's pixels inside the
    opening flat black and flat white (their lid shading kept, no lash palette)."""
    L = layers
    du, dv = float(shift[0]), float(shift[1])
    gazed, now = L.lids.moved(dv, 0.0), L.lids.moved(dv, blink)
    shape = L.image.shape[:2]
    travel = float(np.hypot(du, dv)) / L.radius
    moved = min(1.0, travel / CARRY_TRAVEL[0])  # the margin comes in as the surround is carried in full
    margin = None  # the upper lid's margin across the iris' old place, once it has moved
    if L.margin is not None and travel > 0.0:
        m_box, m_rgb, m_alpha, m_core = margin_layer(L.margin, L.u, L.v, gazed)
        margin = (m_box, m_rgb, m_alpha * moved, m_core)
    # 1. lid skin (displaced where the lids follow the gaze; exact copy elsewhere), then closed
    src_v = skin_source(L.u, L.v, L.lids, gazed, reach=1.6 * max(L.lids.height(), L.radius))
    skin = L.image
    if src_v is not None:
        mx = (L.frame.centre[0] + L.u * L.frame.axis[0] + src_v * L.frame.up[0]).astype(np.float32)
        my = (L.frame.centre[1] + L.u * L.frame.axis[1] + src_v * L.frame.up[1]).astype(np.float32)
        warped = cv2.remap(L.image, mx, my, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        skin = np.where((np.abs(src_v - L.v) > 1e-3)[..., None], warped, L.image)
    if margin is not None:
        skin = draw_margin(skin, *margin)
    if blink > 0:
        closed = close_lids(skin, L.sheet, L.u, L.v, L.frame, gazed, now, L.lids.height(), blink)
        skin = skin if closed is None else closed
    # 2. iris: moved, foreshortened along the axis it turns about, shaded by the upper lid
    rest = L.rest
    p = place(L, du, dv, now)
    new, sx, sy, a, centre, box, width = p.new, p.sx, p.sy, p.a, p.centre, p.box, p.width
    alpha = p.alpha[..., None]
    # its painted rim (a lid's light rim, the corner's skin) stays behind as it moves off its place
    rgb = L.iris_rgb if L.rim is None else L.iris_rgb + (L.rim - L.iris_rgb) * np.float32(moved)
    if L.body is not None:  # the painted fade drawn by the alpha alone once the painted surround is let go
        rgb = rgb + (L.body - rgb) * np.float32(let_go(travel))
    iris = place_iris(rgb, a, centre, shape, cv2.INTER_CUBIC)
    base = L.base
    if travel == 0.0:  # at rest: the painting's own surround
        base = base + (L.image - base) * L.halo[..., None]
    elif travel < CARRY_TRAVEL[1]:  # the painted surround turns with the iris, under the same corners
        old = L.frame.to_xy(rest)
        m = np.concatenate([a, (centre - a @ old)[:, None]], 1).astype(np.float32)
        h, w = shape
        halo = cv2.warpAffine(carried_share(L, travel), m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        halo *= cover_ratio(L.u, now, L.lids, rest[0], new[0], sx, width)
        moved_paint = cv2.warpAffine(L.image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        base = base + (moved_paint - base) * halo[..., None]
    # further on it is let go: the rebuilt white all around the iris' old place
    if margin is not None:  # the lid's line and its shadow run on across it
        base = draw_margin(base, *margin)
    reach, baked = shadow_reach(L.lids, L.radius), L.lids.moved(0.0, 0.0)
    painted = Lids(baked.u + du, baked.upper + dv, baked.lower + dv)  # the shadow painted on the iris moved with it
    # lightened out of the shadow no more than the painted iris is lighter below its lid band
    shade = np.clip(lid_shadow(L.u, L.v, now, reach) / lid_shadow(L.u, L.v, painted, reach), 0.6, L.lift)[..., None]
    eye = base * (1 - alpha) + iris * shade * alpha
    lid_shade = np.float32(1.0)
    if blink > 0:  # the closing lid shades the white too
        lid_shade = np.clip(lid_shadow(L.u, L.v, now, reach) / lid_shadow(L.u, L.v, baked, reach), 0.6, 1.0)[..., None]
        eye = eye * lid_shade
    # 3. catchlight: stays with the light, drawn on the iris only
    if L.catch is not None:
        pos = L.frame.to_xy(rest + FOLLOW * np.array([du, dv])) + np.asarray(L.catch.offset)
        pos = on_cornea(pos, centre, L.radius * min(sx, sy), L.catch.radius, float(np.hypot(*L.catch.offset)) * min(sx, sy))
        # kept whole on the iris the eye shows (catchlight_seat): not cut by its edge or a corner
        pos = seat(pos, alpha[..., 0] * opening(L.u, L.v, gazed, L.edge), drawn_matte(L.sprite, L.catch, shape), L.catch_need)
        if L.sprite is not None:  # the painted highlight, moved
            premul, matte = L.sprite.place(shape, pos)
            eye = eye * (1 - matte[..., None] * alpha) + premul * alpha
        else:
            ca = catchlight_alpha(shape, pos, L.catch)[..., None] * alpha
            eye = eye * (1 - ca) + np.asarray(L.catch.colour, np.float32) * ca
    # 4. the lids clip it all with a soft edge
    mask = opening(L.u, L.v, now, L.edge)[..., None]
    la = lash_line(L.u, L.v, gazed, now, L.sheet)[..., None] if blink > 0 else None
    fills = [(eye, True)]
    if lid:  # the closing lid's shadow on the iris, over what the open lids cast on it
        open_shade = np.clip(lid_shadow(L.u, L.v, gazed, reach) / lid_shadow(L.u, L.v, painted, reach), 0.6, L.lift)[..., None]
        lid_shade = lid_shade * (1.0 + alpha * (shade / open_shade - 1.0))
        fills += [(np.full_like(eye, k) * lid_shade, False) for k in (0.0, 255.0)]
    outs = []
    for flat, palette in fills:
        out = skin * (1 - mask) + flat * mask
        out = soften_lid_edge(out, L, now, alpha[..., 0], moved, box)
        if la is not None:  # the seam softened, the closing lid's lash line over it all (crisp)
            out = soften_seam(out, L.u, L.v, now, blink, L.edge)
            out = draw_lash(out, la, L.sheet, palette=palette)
        outs.append(out)
    return outs
