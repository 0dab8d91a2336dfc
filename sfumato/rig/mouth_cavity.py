"""The inside of the mouth, painted in the painting's own colours.

Most portraits have closed mouths, so when the rig opens one there is nothing to show. The
cavity is synthesised from the crop itself, the way a painter would glaze it:

- a warm red-brown shadow, darkest at the back (the middle of the opening) and lighter toward
  the lips and the corners, where it meets the painted line between the lips;
- the upper teeth as a band under the upper lip in the painting's own light (the lightness of
  the skin around the mouth, never lighter, and its warmth), in the upper lip's shadow at the
  top, ending in an edge against the dark behind, receding into the cavity toward the corners
  (one band, never separate teeth); rounded lips cover most of it; on "f"/"v" it fills the
  narrow gap down to the tucked lower lip. Besides looking like a mouth, the band helps
  FaceMesh see a medium opening as open (its edge against the dark cavity), where a bare dark
  slit on a painted face reads as the closed lips' shadow line;
- the top of the lower teeth above the lower lip on wide openings, in the mouth's shadow;
- a hint of tongue low in the mouth on open vowels, a warm dark red from the lip colour,
  darker at the back;
- the lips' inner edge rolling into the shadow (a soft darkening of the lips next to the
  opening), so lip and cavity meet without a cut-out edge;
- the painting's own fine texture (brush strokes, craquelure) laid over all of it, with strong
  edges (the lip outlines it came from) clamped away.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face import topology as T
from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.imaging.robust import NORMAL_MAD
from sfumato.ramp import smoothstep


@dataclass(frozen=True)
class Palette:
    """RGB colours (floats in [0, 255]) of the inside of the mouth.

    Attributes:
        dark: the back of the mouth. teeth: the upper teeth (muted). tongue: the tongue.
        rim: the shadow just inside the lips (the painted line between them); None in rigs
            saved before it existed: then derived from ``dark``.
    """

    dark: tuple[float, float, float]
    teeth: tuple[float, float, float]
    tongue: tuple[float, float, float]
    rim: tuple[float, float, float] | None = None

    def rim_colour(self) -> np.ndarray:
        """(3,) float32 RGB of the rim."""
        return np.asarray(self.rim if self.rim is not None else np.asarray(self.dark) * 2.2, np.float32)


@dataclass(frozen=True)
class CavityLook:
    """Proportions of the painted inside, as fractions of the mouth width W.

    Attributes:
        depth: distance from the lips over which the shadow deepens to ``dark``.
        teeth: height of the visible band of upper teeth (at most ``teeth_share`` of the opening).
        teeth_share: the teeth never fill more than this share of the opening's height.
        teeth_from: (start, full) opening height at which the teeth appear.
        teeth_alpha: how strongly the teeth show at the middle of the band (the band fades toward
            the corners and at its lower edge; the colour itself stays below the painting's lights).
        tongue_from: (start, full) opening height at which the tongue appears.
        tongue_share: tongue height as a share of the opening height.
        tongue_alpha: how strongly the tongue shows.
        teeth_shade: the teeth's light right under the upper lip, as a share of their colour (the
            lip's shadow); they reach their full colour toward their edge.
        teeth_edge: softness of the upper teeth's lower edge, as a share of the band (a visible
            edge against the dark behind it).
        lower_teeth: height of the lower teeth's visible top, showing above the lower lip.
        lower_from: (start, full) opening height at which the lower teeth appear (wide openings).
        lower_light: the lower teeth's colour as a share of the upper teeth's (in the mouth's shadow).
        lip_roll: darkening of the lips at the opening's edge (0 none, 1 to the rim colour).
        lip_roll_reach: how far into the lips that darkening reaches.
        soft: width of the lip/cavity transition (at least one pixel).
        texture: strength of the painting's texture over the cavity.
    """

    depth: float = 0.04
    teeth: float = 0.14
    teeth_share: float = 0.45
    teeth_from: tuple[float, float] = (0.03, 0.1)
    teeth_alpha: float = 1.0
    tongue_from: tuple[float, float] = (0.1, 0.22)
    tongue_share: float = 0.38
    tongue_alpha: float = 0.9
    teeth_shade: float = 0.55
    teeth_edge: float = 0.18
    lower_teeth: float = 0.05
    lower_from: tuple[float, float] = (0.16, 0.3)
    lower_light: float = 0.5
    tuck_roll: float = 0.5
    lip_roll: float = 0.25
    lip_roll_reach: float = 0.025
    soft: float = 0.018
    texture: float = 0.5


def _polygon_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask.astype(bool)


def _face_mask(shape: tuple[int, int], lm: np.ndarray) -> np.ndarray:
    """(H, W) bool inside the face: the jaw line and cheeks as one polygon ((478, 2) ``lm``)."""
    ring = list(T.JAW_LINE) + list(T.CHEEKS)
    return _polygon_mask(shape, lm[ring][np.argsort(_angles(lm, ring))])


def _lips_mask(shape: tuple[int, int], lm: np.ndarray, grow: int) -> np.ndarray:
    """(H, W) bool inside the outer lip line ((478, 2) ``lm``), dilated by a ``grow``-pixel square."""
    lips = _polygon_mask(shape, np.concatenate([lm[list(T.LIPS_OUTER_UPPER)], lm[list(T.LIPS_OUTER_LOWER)][::-1]]))
    return cv2.dilate(lips.astype(np.uint8), np.ones((grow, grow), np.uint8)).astype(bool)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114])


def _angles(lm: np.ndarray, idx: list[int]) -> np.ndarray:
    """Angles of points around their centroid (orders an outline into a polygon)."""
    p = lm[idx]
    c = p.mean(0)
    return np.arctan2(p[:, 1] - c[1], p[:, 0] - c[0])


TEETH_LIGHT = 62.0
"""The teeth's lightness is this percentile of the skin's L around the mouth (lit skin, not its
highlights): teeth in a painting are in the painting's own light, never lighter than her skin."""
TEETH_CHROMA = (0.7, 0.8)
"""Shares of the skin's (a, b) the teeth keep: less red than flesh, as warm (yellow) as the paint."""


def mouth_skin(image: np.ndarray, landmarks: np.ndarray, face: np.ndarray | None = None) -> np.ndarray:
    """(N, 3) float64 RGB of the skin around the mouth: inside the face, within about a mouth width of
    the mouth, without the lips (the crop's own pixels if that leaves too few).

    Args:
        image: (S, S, 3) uint8 RGB head crop.
        landmarks: (478, 3) float FaceMesh points in crop pixels.
        face: (S, S) bool inside the face, when the caller has it (else built here).
    """
    lm = np.asarray(landmarks, np.float64)[:, :2]
    shape = image.shape[:2]
    face = _face_mask(shape, lm) if face is None else face
    corners = lm[list(T.MOUTH_CORNERS)]
    width = max(float(np.linalg.norm(corners[1] - corners[0])), 4.0)
    cx, cy = lm[list(T.INNER_LIP_MID)].mean(0)
    near = np.zeros(shape, bool)
    near[max(int(cy - 0.7 * width), 0) : int(cy + 0.9 * width), max(int(cx - width), 0) : int(cx + width)] = True
    lips = _lips_mask(shape, lm, max(3, int(0.1 * width) | 1))
    skin = face & near & ~lips
    return image[skin].astype(np.float64) if skin.sum() > 50 else image.reshape(-1, 3).astype(np.float64)


def mouth_palette(image: np.ndarray, landmarks: np.ndarray) -> Palette:
    """Colours for the cavity, measured on the crop.

    The teeth take the skin's light around the mouth (:data:`TEETH_LIGHT`) and its warmth
    (:data:`TEETH_CHROMA`), capped at the face's muted lights: an ivory in the painting's own
    palette, never lighter than her lit skin.

    Args:
        image: (S, S, 3) uint8 RGB head crop.
        landmarks: (478, 3) float FaceMesh points in crop pixels.
    """
    lm = np.asarray(landmarks, np.float64)[:, :2]
    shape = image.shape[:2]
    lips = _lips_mask(shape, lm, 3)
    px = image[lips].astype(np.float64)
    if len(px) < 10:
        px = image.reshape(-1, 3).astype(np.float64)
    luma = _luma(px)
    lip = np.median(px, axis=0)
    shadow = px[luma <= np.percentile(luma, 8)].mean(0)  # the painted line between the lips
    warm = np.array([1.12, 0.88, 0.8])  # a mouth's shadow is red-brown whatever the light
    dark = (0.26 * shadow + 0.06 * lip) * warm
    rim = (0.43 * shadow + 0.14 * lip) * warm
    face = _face_mask(shape, lm)
    fpx = image[face].astype(np.float64) if face.sum() > 50 else px
    light = fpx[_luma(fpx) >= np.percentile(_luma(fpx), 92)].mean(0)
    light = 0.7 * light + 0.3 * _luma(light[None])[0]  # muted, ivory rather than white
    cap = rgb_to_lab(shadow + 0.8 * (light - shadow))  # the face's muted lights, a little darker
    skin = rgb_to_lab(mouth_skin(image, landmarks, face))
    teeth = np.array([min(float(np.percentile(skin[:, 0], TEETH_LIGHT)), float(cap[0])),
                      TEETH_CHROMA[0] * float(np.median(skin[:, 1])), TEETH_CHROMA[1] * float(np.median(skin[:, 2]))])
    tongue = shadow + 0.5 * (lip - shadow) * np.array([1.15, 0.7, 0.7])  # a warm, dark red
    as_t = lambda c: tuple(float(x) for x in np.clip(c, 0, 255))  # noqa: E731
    return Palette(dark=as_t(dark), teeth=as_t(lab_to_rgb(teeth)), tongue=as_t(tongue), rim=as_t(rim))


def _below(x: np.ndarray, edge: np.ndarray, soft: np.ndarray) -> np.ndarray:
    """1 where ``x`` <= ``edge - soft``, 0 where ``x`` >= ``edge``, smooth between (0 where edge is 0)."""
    return smoothstep(0.0, 1.0, (edge - x) / np.maximum(soft, 1e-3))


def cavity_colour(top: np.ndarray, bottom: np.ndarray, un: np.ndarray, inside: np.ndarray, width: float,
                  palette: Palette, look: CavityLook | None = None, teeth_scale: float = 1.0, tuck: float = 0.0) -> np.ndarray:
    """Colour of the open mouth at each pixel (before texture).

    Args:
        top: (H, W) float pixels below the upper lip's edge (>= 0 inside the opening).
        bottom: (H, W) float pixels above the lower lip's edge.
        un: (H, W) float position across the mouth, -1 at the right corner, +1 at the left.
        inside: (H, W) float pixels from the nearest lip edge (distance transform of the opening).
        width: the mouth width W in pixels.
        teeth_scale: in [0, 1], how much of the teeth the lips leave visible (rounded lips cover them).
        tuck: in [0, 1], the lower lip tucked under the upper teeth (f, v): the upper teeth fill
            the narrow opening down to the lower lip, whatever its height.

    Returns:
        (H, W, 3) float32 RGB in [0, 255].
    """
    k = look or CavityLook()
    dark, teeth, tongue = (np.asarray(c, np.float32) for c in (palette.dark, palette.teeth, palette.tongue))
    rim = palette.rim_colour()
    height = top + bottom
    deep = 1.0 - np.exp(-inside / max(k.depth * width, 1.0))
    out = rim + deep[..., None] * (dark - rim)
    # upper teeth: a band hanging from the upper lip, in its shadow at the top, lit toward its
    # edge (which stands out against the dark behind it), receding into shadow at the corners
    band = np.minimum(k.teeth * width, k.teeth_share * height)
    show = smoothstep(k.teeth_from[0] * width, k.teeth_from[1] * width, height)
    if tuck > 0:  # f, v: the teeth reach down to the lower lip however small the opening
        band += tuck * (height + 1.0 - band)
        show = np.maximum(show, tuck)
    across = np.clip(1.0 - (un / 0.85) ** 2, 0.0, 1.0)
    t_alpha = k.teeth_alpha * teeth_scale * show * across * _below(top, band, np.minimum(k.teeth_edge * band + 0.6, band))
    lit = (k.teeth_shade + (1.0 - k.teeth_shade) * smoothstep(0.0, 0.7 * band, top)) * (0.5 + 0.5 * across)
    out += t_alpha[..., None] * (rim + lit[..., None] * (teeth - rim) - out)  # shaded toward the warm rim
    tallest = float(height.max()) if height.size else 0.0
    if tallest > k.tongue_from[0] * width:
        # tongue: a low mound in the middle of a wide-open mouth, darker toward the back
        middle = np.clip(1.0 - (un / 0.65) ** 2, 0.0, 1.0)  # fades to nothing well inside the corners
        mound = k.tongue_share * height * middle
        g_alpha = smoothstep(k.tongue_from[0] * width, k.tongue_from[1] * width, height) * middle * _below(bottom, mound, 0.5 * mound)
        back = np.clip(bottom / np.maximum(mound, 1e-3), 0.0, 1.0)
        out += (k.tongue_alpha * g_alpha)[..., None] * (tongue * (1.0 - 0.35 * back)[..., None] - out)
    if tallest > k.lower_from[0] * width:
        # lower teeth: the top of their row above the lower lip on wide openings, in the mouth's shadow
        low = np.minimum(k.lower_teeth * width, 0.2 * height)
        l_alpha = (k.teeth_alpha * teeth_scale * smoothstep(k.lower_from[0] * width, k.lower_from[1] * width, height)
                   * np.clip(1.0 - (un / 0.6) ** 2, 0.0, 1.0) * _below(bottom, low, np.minimum(0.5 * low + 0.5, low)))
        out += l_alpha[..., None] * (rim + k.lower_light * (teeth - rim) - out)
    return out.astype(np.float32)


def lip_roll(outside: np.ndarray, opening: float, width: float, look: CavityLook | None = None, tuck: float = 0.0) -> np.ndarray:
    """Shade factor (H, W) float32 in (0, 1] for the lips next to the opening.

    Args:
        outside: (H, W) float pixels from the opening (0 on its edge).
        opening: the lip parting in the middle, pixels (no roll when closed).
        width: the mouth width W in pixels.
        tuck: in [0, 1], the lower lip rolled in under the teeth (f, v): its edge in shadow however
            small the opening.
    """
    k = look or CavityLook()
    strength = max(k.lip_roll * float(smoothstep(0.0, 0.12 * width, np.float32(opening))), k.tuck_roll * tuck)
    return (1.0 - strength * np.exp(-outside / max(k.lip_roll_reach * width, 0.7))).astype(np.float32)


def paint_detail(region: np.ndarray, sigma: float = 1.2, clamp: float = 2.5) -> np.ndarray:
    """The fine texture of the painting: (H, W, 3) float32, the region minus its blur.

    Strong edges (outlines of lips or teeth underneath) are clamped to ``clamp`` times the
    region's robust spread of detail (:data:`sfumato.imaging.robust.NORMAL_MAD` x its median
    absolute value), so only brush strokes and craquelure carry over.
    """
    f = region.astype(np.float32)
    d = f - cv2.GaussianBlur(f, (0, 0), sigma)
    # the median absolute detail (about 0: the detail is a residual), at least half a grey level,
    # as a standard deviation; floored before the scale, as it always was (the same bits)
    limit = clamp * max(float(np.median(np.abs(d))), 0.5) * NORMAL_MAD
    return np.clip(d, -limit, limit)
