"""The revealed white's reference: the painted white on the same side of the old iris, at the
same height between the painted lids.

Where the rig moved an iris it rebuilds the white that the iris hid, carrying each side's
painted white across from that side (:mod:`sfumato.rig.white_fill`): an eye lit from one side
gets a light half and a shaded half. A frame that shows only the half next to the lit side
shows light white; compared with both sides' mean (the reference of sessions 7-8,
:func:`sfumato.face.lid_bands.banded_residuals`) it read light, and a frame that shows the half
next to the shaded side read dark, though each copied its own side. Here each revealed pixel is
compared with the painted white on ITS side of the old iris centre, in its band between the lids
(:func:`sfumato.face.lid_bands.side_residuals`).

A side with no white painted at a pixel's height (the Mona Lisa's image-right eye toward her
shaded outer corner: its iris meets the corner, 27 % of her revealed pixels and all of them at
-30 degrees; portrait_10's image-right and portrait_11's image-left eye when turned into that
corner) has no reference of its own. The other side's white there is lit white: a white rebuilt
in the shade of its own side read as an error of -21 L on the Mona Lisa, -20 on portrait_10,
-15 on portrait_11, however right it looked. What the painting would show there is that white
in THIS side's light, so the other side's white is taken through the light that turns the skin
round the other side of the orbit into the skin round this side (:class:`OrbitLight`: each
side's skin, a ring :data:`SKIN_RING` iris radii beyond the painted opening, beyond the iris'
edge along the eye; the ratio of their median luminances, which the white's linear RGB is
multiplied by). A white as light as the lit side's (a milky plate) or of an iris' colour still
reads wrong; a white shaded as its own side of the orbit reads right. The model is the measure's
assumption: the white and the skin round it take the same light. It fails where it can be
checked (tests/test_orbit_light_holdout.py: on the bench eyes painted on both sides, each side
predicted from the other is worse than the other side as it is on 22 of 32 sides), so these
pixels (``other``) are reported by :func:`sfumato.face.white_match.white_match` apart
(``other_dl``), not in its verdict.

"The old iris" and "the lids" are the painted ones (:func:`painted_eye`: fitted to the
painting's pixels as the rig fits them), not FaceMesh's human-eye estimates: on portrait_07's
image-left eye FaceMesh's iris centre lies 3 px (a quarter radius) right of the painted iris,
so the measure's "old iris" took in the cream reflex beside it and left out a crescent of the
iris the rig rebuilt. Given the rig's own landmarks (rig.json) :func:`painted_eye` gives the
rig's lids and iris to 0.01-0.3 px on portrait_20 / 07 / 03 / 13; from the measure's own
FaceMesh run on the painting they lie up to 2.4 px (lids) and 3.7 px (iris centre, portrait_03's
image-left eye) from the rig's, which moves the table's cells by up to 7 L (README). The painted
white is found inside those lids (:func:`sfumato.face.painted_reference.painted_white_paints`: one
colour model for both sides of the iris, but a side painted with another paint its own, so a grey
white's liner of its hue is not taken as that white in shade; portrait_03's image-right grey
outer side: median 41.7 -> 52.4 L over its 121 -> 61 reference pixels).

Images (H, W, 3) uint8 RGB; Lab arrays float32 CIE Lab; landmarks (478, 2|3) FaceMesh pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.lid_bands import between_lids, side_references
from sfumato.face.quality import shrunk_contour
from sfumato.face.topology import EYES, EyeIndices
from sfumato.imaging.lab import lab_to_rgb, linear_to_srgb, relative_luminance, rgb_to_lab, srgb_to_linear
from sfumato.rig.eye_fit import eye_region, fit_painted_eye
from sfumato.face.painted_reference import painted_white_paints


@dataclass(frozen=True)
class PaintedEye:
    """One painted eye as the rig sees it, image pixels.

    Attributes:
        contour: (K, 2) float64, the lids fitted to the painted opening in ``EyeIndices.contour``'s
            layout (a corner, the upper lid to the other corner, the lower lid back).
        centre: (2,) float64, the painted iris' centre; radius: its radius.
    """

    contour: np.ndarray
    centre: np.ndarray
    radius: float


def painted_eye(image: np.ndarray, landmarks: np.ndarray, eye: EyeIndices) -> PaintedEye:
    """One eye's lids and iris fitted to the painting's pixels from FaceMesh's, as the rig fits
    them (:func:`sfumato.rig.eye_fit.fit_painted_eye`: the lids, then the iris inside the
    fitted opening): the painting's pixels only, so the same in every frame's measure.

    Args:
        image: (H, W, 3) uint8 RGB, the painting; landmarks: (478, 2|3) its FaceMesh points.
    """
    region = eye_region(image, landmarks, eye)
    fit = fit_painted_eye(region)
    contour = np.concatenate([fit.upper, fit.lower[::-1][1:-1]])
    return PaintedEye(contour, np.asarray(fit.iris.centre, np.float64) + region.origin, float(fit.iris.radius))


def painted_eyes(painting: np.ndarray, landmarks: np.ndarray) -> list[PaintedEye]:
    """:func:`painted_eye` of each eye (``EYES`` order)."""
    return [painted_eye(painting, landmarks, e) for e in EYES]


SKIN_RING = (0.4, 1.2)
"""The skin round an eye: a ring this many iris radii beyond its opening (off the lid line and
lashes at its inner edge; :mod:`sfumato.face.grain_match` samples its grain reference there too)."""
MIN_SKIN = 8
"""A side whose skin ring holds fewer pixels than this gives no light: the other side's white is
taken as it is (the reference before session 13)."""


def skin_ring(opening: np.ndarray, radius: float) -> np.ndarray:
    """(h, w) bool, the ring :data:`SKIN_RING` iris radii (``radius``, pixels) beyond ``opening``
    ((h, w) bool, an eye's opening)."""
    grown = [cv2.dilate(opening.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * int(k * radius) + 1,) * 2)) > 0
             for k in SKIN_RING]
    return grown[1] & ~grown[0]


@dataclass(frozen=True)
class OrbitLight:
    """The light round each side of one eye's orbit (the module docstring).

    Attributes:
        skin: (2,) float64 relative luminance Y in [0, 1], the median of the skin round each side
            of the old iris (0 the image-right side, 1 the image-left: ``side_residuals``' side
            index ``left``); NaN where the ring holds fewer than :data:`MIN_SKIN` pixels.
    """

    skin: np.ndarray

    def __call__(self, lab: np.ndarray, side: int) -> np.ndarray:
        """(3,) Lab: the other side's white ``lab`` (3,) as it reads in ``side``'s light (its
        linear RGB times this side's skin luminance over the other side's: lighter or darker,
        its hue kept); unchanged where either side has no skin measured."""
        this, far = float(self.skin[side]), float(self.skin[1 - side])
        if not (np.isfinite(this) and np.isfinite(far) and far > 0):
            return lab
        return rgb_to_lab(linear_to_srgb(srgb_to_linear(lab_to_rgb(np.asarray(lab, np.float32))) * (this / far)).astype(np.float32))


def orbit_light(painting: np.ndarray, opening: np.ndarray, left: np.ndarray, along: np.ndarray, radius: float) -> OrbitLight:
    """Each side's skin round one eye (:class:`OrbitLight`): the median luminance of the ring
    :data:`SKIN_RING` iris radii beyond the opening, beyond the iris' edge along the eye.

    Luminance, not colour: the skin's hue round each side is the painter's as much as the
    light's (portrait_20's image-right eye: an orange cheek and a brown lash wing round its
    outer side against a pale inner side, channel by channel 0.95 / 0.61 / 0.28, turned the
    reference orange and read its rebuilt white 11.5 ab off).

    Args:
        painting: (h, w, 3) uint8 RGB, the painting's ROI; opening: (h, w) bool, the painted
            opening; left: (h, w) bool, the image-left side of the old iris centre; along: (h, w)
            float32 distance along the eye from the old iris centre, pixels (``|u - uc|``);
            radius: the painted iris' radius, pixels.
    """
    ring = skin_ring(opening, radius) & (along > radius)
    skin = np.full(2, np.nan)
    for s in (0, 1):
        px = painting[ring & (left == bool(s))]
        if len(px) >= MIN_SKIN:
            skin[s] = float(np.median(relative_luminance(px)))
    return OrbitLight(skin)


@dataclass(frozen=True)
class SideReference:
    """One eye's revealed white against its own side's painted white (ROI pixels).

    Attributes:
        residuals: (K, 3) float32 Lab, each revealed pixel minus its reference.
        other: (K,) bool, compared with the other side's white (none painted on its own side
            at its height).
        visible: painted iris pixels inside the opening (the area the revealed white is a share of).
        revealed, reference: (h, w) bool, the revealed pixels and the painted white they are
            compared with; t: (h, w) float32 height between the lids (0 lower, 1 upper);
            left: (h, w) bool, the image-left side of the old iris centre; bands: how many bands;
            light: the light round each side (:func:`orbit_light`), which a pixel compared with
            the other side's white is compared with it through.
        lab: (K, 3) float32 Lab, the frame's pixels behind ``residuals`` (read by
            :func:`sfumato.face.almond.almond`); on_left: (K,) bool, theirs of ``left``; painted: (K, 3)
            float32 Lab, the painting's own pixels at the same places (the old iris there); heights: (K,)
            float32, their ``t``.
    """

    residuals: np.ndarray
    other: np.ndarray
    visible: int
    revealed: np.ndarray
    reference: np.ndarray
    t: np.ndarray
    left: np.ndarray
    bands: int
    light: OrbitLight | None = None
    lab: np.ndarray | None = None
    on_left: np.ndarray | None = None
    painted: np.ndarray | None = None
    heights: np.ndarray | None = None


def side_reference(
    painting: np.ndarray, p_lab: np.ndarray, f_lab: np.ndarray, pe: PaintedEye, eye: int, landmarks: np.ndarray,
    origin: tuple[int, int], move: np.ndarray, frame_iris: float, erode: float,
) -> SideReference:
    """The revealed white of one eye against the painted white on its side (module docstring):
    within the painted iris' radius of its centre, beyond ``frame_iris`` pixels of where it went.

    Args:
        painting: (H, W, 3) uint8 RGB; p_lab, f_lab: (h, w, 3) float32 Lab of the painting's ROI
            and of the frame sampled where each ROI pixel went; pe: the painted eye
            (:func:`painted_eye`); eye: index into ``EYES``; landmarks: the painting's;
            origin: (x0, y0) of the ROI; move: (2,) how far the painted iris moved in the frame,
            painting pixels; frame_iris: pixels round the moved iris that are never white;
            erode: the opening's shrink off the lid lines, a share of its height.
    """
    h, w = p_lab.shape[:2]
    x0, y0 = origin
    local = pe.contour - [x0, y0]
    c, r = pe.centre - [x0, y0], pe.radius
    inside = shrunk_contour((h, w), local, erode)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dp = np.hypot(xx - np.float32(c[0]), yy - np.float32(c[1]))
    df = np.hypot(xx - np.float32(c[0] + move[0]), yy - np.float32(c[1] + move[1]))
    e = EYES[eye]
    t, u, bands = between_lids(landmarks, e, xx + x0, yy + y0, pe.contour)
    uc = float(between_lids(landmarks, e, np.float32(pe.centre[0]), np.float32(pe.centre[1]), pe.contour)[1])
    left = u < uc
    # each side of another paint its own white, not the grey liner the both-sides model takes as shade
    white = painted_white_paints(painting[y0:y0 + h, x0:x0 + w].astype(np.float32), shrunk_contour((h, w), local), c, r, left)
    white = white if white.sum() >= 4 else inside
    revealed = inside & (dp < r) & (df > frame_iris)
    ref = white & inside & (dp > 1.15 * r) & (np.abs(u - uc) < 2.3 * r)
    light = orbit_light(painting[y0:y0 + h, x0:x0 + w], shrunk_contour((h, w), local), left, np.abs(u - uc), r)
    f = f_lab[revealed]
    against, other = side_references(t[revealed], left[revealed], p_lab[ref], t[ref], left[ref], bands, light)
    kept = np.isfinite(against[:, 0])  # as side_residuals: the pixels whose band has a reference
    return SideReference((f - against)[kept], other[kept], int((inside & (dp < r)).sum()), revealed, ref, t, left, bands, light,
                         f[kept], left[revealed][kept], p_lab[revealed][kept], t[revealed][kept])
