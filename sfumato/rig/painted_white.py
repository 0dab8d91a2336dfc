"""The painted eye white and the painted eye opening, found from the pixels.

FaceMesh's eye contour is a human eye's: on stylised or small painted eyes (anime, illustration,
an old master's shadowed eye) it runs through the iris under the painted lash line, and inside it
lie lid rim, lash and iris rim as much as white. Sampling "the white" there gives a grey-mauve
mix, and an opening clipped by it leaves the top of the old iris painted above the contour.

:func:`painted_white` finds the white itself: a colour model (CIE Lab) sampled at the iris' sides
inside the contour (the lightest, least coloured pixels there), then every pixel of a band around
the contour that matches the model and is connected to those samples. The rig samples the colour
of the white it rebuilds there (:mod:`sfumato.rig.sclera`), and the white measures compare with it
(:mod:`sfumato.face.white_match`).

Arrays are ROI pixels: ``image`` (h, w, 3) float32 RGB in [0, 255], masks (h, w) bool.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.imaging.lab import rgb_to_lab
from sfumato.imaging.robust import robust_sd

SEED_SHARE = 0.4
"""The white's colour model is sampled from this top share (by lightness minus chroma) of the
contour's pixels beside the iris."""
MATCH = 3.0
"""A pixel is painted white when its Lab distance from the model is within this many of the
samples' robust spreads (lightness may exceed the model: a lit white is still white)."""
DARKER = 0.0
"""A pixel darker than the model counts this fraction of its lightness difference: the white in
the shade of the upper lid and toward the corners is still white (lashes, lid lines and the iris
are far darker, a lid rim far more coloured) ..."""
FLOOR = 0.2
"""... down to this fraction of the way from the iris' lightness to the model's."""


@dataclass(frozen=True)
class WhiteModel:
    """The painted white's colour: median Lab (3,) and robust spread (3,) of its samples, and the
    lightness (L) a white pixel may not fall below."""

    lab: np.ndarray
    spread: np.ndarray
    floor: float = 0.0

    def distance(self, lab: np.ndarray) -> np.ndarray:
        """(h, w) float32 normalised distance of each Lab pixel from the model; lighter than the
        model counts only a quarter (a lit white), darker :data:`DARKER` (a shaded white)."""
        d = (lab - self.lab) / self.spread
        dl = np.where(d[..., 0] > 0, 0.25 * d[..., 0], DARKER * d[..., 0])
        out = np.sqrt(dl**2 + d[..., 1] ** 2 + d[..., 2] ** 2).astype(np.float32)
        return np.where(lab[..., 0] < self.floor, np.float32(np.inf), out)


def _dist(shape: tuple[int, int], c: np.ndarray) -> np.ndarray:
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    return np.hypot(xx - np.float32(c[0]), yy - np.float32(c[1]))


def white_model(lab: np.ndarray, contour: np.ndarray, c: np.ndarray, r: float) -> tuple[WhiteModel, np.ndarray] | None:
    """The white's colour model from the contour's pixels beside the iris, and its seeds.

    Args:
        lab: (h, w, 3) float32 Lab; contour: (h, w) bool inside FaceMesh's opening;
        c: (2,) iris centre, ROI pixels; r: iris radius, pixels.

    Returns:
        (model, (h, w) bool seeds), or None when fewer than 4 pixels lie beside the iris.
    """
    beside = contour & (_dist(contour.shape, c) > 1.1 * r)
    if beside.sum() < 4:
        return None
    light, chroma = lab[..., 0], np.hypot(lab[..., 1], lab[..., 2])
    score = light - 0.5 * chroma
    iris = contour & (_dist(contour.shape, c) < 0.8 * r)
    iris_l = float(np.median(light[iris])) if iris.any() else float(np.percentile(light[beside], 5))
    p90 = float(np.percentile(light[beside], 90))
    seeds = beside & (score >= np.percentile(score[beside], 100 * (1 - SEED_SHARE))) & (light >= iris_l + 0.5 * (p90 - iris_l))
    if seeds.sum() < 4:
        seeds = beside & (score >= np.percentile(score[beside], 100 * (1 - SEED_SHARE)))
    px = lab[seeds]
    med = np.median(px, 0)
    spread = robust_sd(px, 0, centre=med)
    spread = np.maximum(spread, [3.0, 4.0, 4.0]).astype(np.float32)
    return WhiteModel(med.astype(np.float32), spread, iris_l + FLOOR * (float(med[0]) - iris_l)), seeds


def painted_white(
    image: np.ndarray, contour: np.ndarray, c: np.ndarray, r: float, reach: float, lab: np.ndarray | None = None
) -> np.ndarray:
    """The painted eye white: (h, w) bool.

    Pixels within ``reach`` of FaceMesh's opening (``contour``), off the iris, that match the white's
    colour model (:func:`white_model`) and are connected to its seeds; lid skin, lid rims, lashes
    and the iris' rim are left out. Empty when nothing beside the iris can be sampled.

    Args:
        image: (h, w, 3) float32 RGB; contour: (h, w) bool; c: (2,) iris centre; r: iris radius;
        reach: how far (pixels) beyond the contour the painted opening may extend; lab: the
        image's :func:`~sfumato.imaging.lab.rgb_to_lab` when the caller has it. One model for both
        sides of the iris (each side its own where that one misses it: :func:`painted_white_sides`).
    """
    lab = rgb_to_lab(image) if lab is None else lab
    found = white_model(lab, contour, c, r)
    return np.zeros(contour.shape, bool) if found is None else grown_white(lab, contour, c, r, reach, *found)


def grown_white(lab: np.ndarray, contour: np.ndarray, c: np.ndarray, r: float, reach: float, model: WhiteModel, seeds: np.ndarray) -> np.ndarray:
    """The pixels within ``reach`` of ``contour``, off the iris, that match ``model`` and are
    connected to its ``seeds``: (h, w) bool (:func:`painted_white`)."""
    k = int(np.ceil(reach))
    band = cv2.dilate(contour.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1,) * 2)) > 0 if k > 0 else contour
    match = band & (_dist(contour.shape, c) > 1.05 * r) & (model.distance(lab) < MATCH)
    n, labels = cv2.connectedComponents(match.astype(np.uint8), connectivity=4)
    keep = np.unique(labels[seeds & match])
    keep = keep[keep > 0]
    return np.isin(labels, keep) if keep.size else np.zeros(contour.shape, bool)


SIDE_SHADE = 10.0
"""A side of the iris is found with its own colour model only when that model is at most this
many L darker than the model of both sides: a side whose lightest, least coloured pixels are far
darker than the eye's white shows shade, iris or lid, not a white of another hue (portrait_10's
and portrait_13's image-right eyes: 35 and 37 L against 66 and 59), and its white in shade is the
both-sides model's (:data:`DARKER`); but a side far off the eye's white in hue is another paint in
its shade (:data:`PAINT_FAR`: portrait_20's image-right outer side, 59 L against 74, a blue-white
sliver under a black band). Portrait_03's grey outer white: 57 L against 65."""

MISSED = 2.0
"""... and only when its own model finds more than this many times the pixels the both-sides
model finds on that side, and that model finds some: then it took only that side's pixels
nearest its own hue (portrait_03's image-right eye: 26 liner-tinted pixels of a 106-pixel grey
white). Where both find about the same white (portrait_02: 77 against 48; portrait_20: 35 against
32), or the both-sides model none (portrait_03's image-left eye: its beige inner corner, 222
against 0; the fill there is the shading model toned like the other side, as before), the
both-sides model's white is kept: on the 11 paintings only portrait_03's image-right eye
changes."""


OWN_DARK = 1.5
"""A side found with its own model (:data:`MISSED`) keeps no pixel darker than that model by more
than this many of its samples' lightness spreads: beside a grey white the lash liner is of the
white's hue and only far darker, and the both-sides model's shaded white (:data:`DARKER`) does not
apply to a white sampled from that side alone (portrait_03's image-right eye: 23 liner pixels at
15-36 L were that side's white, and the rebuilt white a dark mauve-grey plate)."""


PAINT_FAR = 2.5
"""A side whose own model's (a, b) lie more than this many of the both-sides model's (a, b)
spreads from that model's is another paint however it is lit: it takes its own white when that
model is at most :data:`FAR_SHADE` L darker (not :data:`SIDE_SHADE`) and finds more pixels there
than the both-sides model (not :data:`MISSED` times as many). portrait_20's image-right eye's outer
side: a blue-white sliver under a black band, (a, b) (4.7, 9.8) against the cream's (4.8, 25.0),
2.87 spreads off, 15.2 L darker; its own model finds 18 pixels, the cream model 10 (the ones
nearest cream), and the rebuilt outer white was a cream plate. On the 11 paintings the only other
sides this far off are portrait_03's image-right grey outer white (3.35, already its own) and
portrait_10's image-right outer side (2.49, and 31 L darker, of which the cream model finds
nothing: its shade, as before)."""
FAR_SHADE = 20.0
"""How much darker than the both-sides model a side of another paint (:data:`PAINT_FAR`) may be."""


def hue_off(own: WhiteModel, both: WhiteModel) -> float:
    """How far ``own``'s (a, b) lie from ``both``'s, in ``both``'s (a, b) spreads (the rig's
    :data:`PAINT_FAR` and the measure's ``painted_reference.PAINT_HUE`` read the same distance)."""
    return float(np.hypot(*((own.lab[1:] - both.lab[1:]) / both.spread[1:])))


def painted_white_sides(
    image: np.ndarray, contour: np.ndarray, c: np.ndarray, r: float, reach: float, sides: np.ndarray,
    lab: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`painted_white`, a side of the iris whose white the model of both sides missed found
    with that side's own model, the sides found so, and of those the ones in their shade.

    A painter's white need not be one colour across the eye: portrait_03's image-right eye has a
    beige inner corner and a grey outer white. One model sampled from both sides is the side with
    more light pixels (the beige), and of the grey side it matched only the liner-tinted pixels
    (26 of 106), which then leaned on the beige side's hue (:data:`sfumato.rig.white_fill.FEW`):
    a taupe plate where the grey white was. Such a side (:data:`SIDE_SHADE`, :data:`MISSED`)
    takes its own model's white, none of it far darker than that model (:data:`OWN_DARK`); the
    other side keeps the both-sides model's. :data:`MISSED` counts that side's own white after
    the :data:`OWN_DARK` cut (since 6fcfbf4; before, before it: the same masks on the 11 bench
    paintings, review14).

    Args:
        as :func:`painted_white`; sides: (h, w) bool, the pixels on one side of the iris (the
        rig: u below the iris centre's), its complement the other.

    Returns:
        (h, w) bool painted white; (h, w) bool the pixels of the sides whose white was found
        with their own model (all False on most eyes); (h, w) bool the pixels of those sides whose
        own model lies more than :data:`SIDE_SHADE` under the model of both sides, a side of another
        paint found in its shade (:data:`PAINT_FAR`), whose darks beside its white are its shade
        (portrait_20's black band under the lid), not the liner of a lit white (portrait_03's grey,
        8 L under).
    """
    lab = rgb_to_lab(image) if lab is None else lab
    own_sides = np.zeros(contour.shape, bool)
    in_shade = np.zeros(contour.shape, bool)
    both = white_model(lab, contour, c, r)
    if both is None:
        return np.zeros(contour.shape, bool), own_sides, in_shade
    pooled = grown_white(lab, contour, c, r, reach, *both)
    out = np.zeros(contour.shape, bool)
    for side in (sides, ~sides):
        found = pooled & side
        own = white_model(lab, contour & side, c, r)
        far = own is not None and hue_off(own[0], both[0]) > PAINT_FAR  # another paint, in its shade
        if own is not None and float(own[0].lab[0]) >= float(both[0].lab[0]) - (FAR_SHADE if far else SIDE_SHADE) and found.any():
            mine = own_white(lab, contour, c, r, reach, side, own)
            if mine.sum() > (1.0 if far else MISSED) * found.sum():
                found = mine
                own_sides |= side
                if float(own[0].lab[0]) < float(both[0].lab[0]) - SIDE_SHADE:
                    in_shade |= side
        out |= found
    return out, own_sides, in_shade


def own_white(
    lab: np.ndarray, contour: np.ndarray, c: np.ndarray, r: float, reach: float, side: np.ndarray,
    own: tuple[WhiteModel, np.ndarray],
) -> np.ndarray:
    """(h, w) bool: ``side``'s white found with its own model ``own`` (:func:`white_model` of
    that side, and its seeds), none of it darker than that model by more than :data:`OWN_DARK`
    of its lightness spreads."""
    model = own[0]
    return grown_white(lab, contour & side, c, r, reach, *own) & side & (lab[..., 0] >= float(model.lab[0]) - OWN_DARK * float(model.spread[0]))
