"""The catchlight: the painted highlight on the iris, found once and drawn as its own layer.

The highlight is a reflection of the light, not a mark on the iris: when the eye turns it
stays nearly where it is (it moves :data:`FOLLOW` of the iris' displacement), so it is
removed from the iris texture and drawn on top, on the iris: carried along at its edge, as bright
as painted, once the iris has moved away from where the light puts it (:func:`on_cornea`), and
whole on the part of the iris the eye shows (:mod:`sfumato.rig.catchlight_seat`).
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.iris import disc
from sfumato.rig.model import Catchlight

FOLLOW = 0.5
"""Fraction of the iris' displacement the catchlight moves with. The reflex sits on the cornea,
whose centre of curvature lies about halfway between the eye's centre of rotation and the
pupil (about 5 mm and 10 mm in front of it), so it moves about half as far as the pupil: a
Hirschberg ratio of about 12 degrees of eye turn per mm of reflex off the pupil centre. At
0.25 (about 7.5 degrees per mm) the highlights found on portrait_13's irises lagged far enough
behind to pull FaceMesh's iris centres back (gaze range 0.52 -> 0.49)."""


LOCAL = 0.35
"""The catchlight is measured against the iris within this many iris radii of it (a white
top-hat of that radius): a small blob is a highlight by how far it stands above its own
surroundings, not above the whole iris, whose dark pupil and light rim spread widely."""
MIN_EXCESS = 14.0
"""A highlight's pixels stand at least this much (L) above the iris around them."""
MIN_PEAK = 25.0
"""... and its brightest pixel this much above the iris' median and its own surroundings."""
ROUND = 0.35
"""A highlight fills at least this share of its enclosing circle (a painted glint is a dot or a
short stroke; the thin light rim of a drawn iris is not one)."""
MIN_RADIUS = 6.0
"""No highlight is looked for on an iris smaller than this (pixels): on the astronaut's 4 px
irises a painted glint and the white seen through the soft rim are both a pixel or two, and
the local test picks the rim's."""
MAX_CHROMA = 20.0
"""... and is nearly neutral (Lab chroma at most this): a highlight reflects the light's colour
(the test paintings' highlights: chroma 2-13), a saturated light stroke is paint (portrait_20's
red streaks, chroma 32 and 40, had been taken for highlights and redrawn as pink discs)."""
INNER = 0.8
"""... and peaks within this many iris radii of the iris centre (the white seen through the
iris' soft rim is light and small there too)."""
SPRITE = 1
"""The :attr:`~sfumato.rig.model.Catchlight.matte` a new rig stores: the painted highlight drawn
as a sprite (:mod:`sfumato.rig.catchlight_sprite`), not a disc."""


def local_excess(light: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """How far each pixel stands above the iris around it: the white top-hat of ``light`` ((h, w)
    float32, CIE L or any channel) with a disc of :data:`LOCAL` iris radii (``radius``, pixels).

    Returns:
        (h, w) float32 excess >= 0, and the disc (uint8 structuring element) it was measured with.
    """
    size = 2 * int(np.ceil(LOCAL * radius)) + 1
    se = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    return cv2.morphologyEx(np.ascontiguousarray(light, np.float32), cv2.MORPH_TOPHAT, se), se


def find_catchlight(
    image: np.ndarray, light: np.ndarray, seen: np.ndarray, centre: np.ndarray, radius: float
) -> tuple[Catchlight | None, np.ndarray]:
    """Find the iris' highlight: the brightest small, compact blob standing well above the iris
    around it.

    The local test (a white top-hat of :data:`LOCAL` iris radii) finds a highlight on an iris
    whose texture spreads widely; the old global test (the iris' median plus four robust
    deviations) rose past the highlight, even past 100 L, on irises with a dark pupil and a
    light rim (portrait_02's, portrait_07's and portrait_13's irises, the astronaut's), so their
    highlights stayed in the iris texture (or were completed away under the lid) and turned
    eyes read dead. The blob's extent is where it stands at least half its peak above its
    surroundings.

    Args:
        image: (h, w, 3) float32 RGB ROI in [0, 255]; light: (h, w) float32 CIE L.
        seen: (h, w) float32 in [0, 1], inside the eye opening.
        centre: (2,) iris centre, ROI pixels; radius: iris radius, pixels.

    Returns:
        The :class:`Catchlight` (None when there is none) and its (h, w) float32 mask in
        [0, 1] (dilated a little, what to remove from the iris texture; zeros when none).
    """
    h, w = light.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(xx - centre[0], yy - centre[1])
    iris = (d < 0.92 * radius) & (seen > 0.5)
    mask = np.zeros((h, w), np.float32)
    if iris.sum() < 12 or radius < MIN_RADIUS:
        return None, mask
    med = float(np.median(light[iris]))
    excess, _ = local_excess(light, radius)
    blob = (iris & (excess > MIN_EXCESS) & (light > med + MIN_EXCESS)).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    best, best_peak = 0, -1.0
    for k in range(1, n):
        area = stats[k, cv2.CC_STAT_AREA]
        if area > 0.25 * np.pi * radius**2:
            continue
        sel = lab == k
        peak, top = float(light[sel].max()), float(excess[sel].max())
        if peak < med + MIN_PEAK or top < MIN_PEAK or d[sel][np.argmax(light[sel])] > INNER * radius:
            continue
        tint = rgb_to_lab(image[sel].mean(0))
        if np.hypot(tint[1], tint[2]) > MAX_CHROMA:
            continue
        pts = np.column_stack(np.nonzero(sel)).astype(np.float32)
        _, enclosing = cv2.minEnclosingCircle(pts)
        if area > 4 and area < ROUND * np.pi * max(enclosing, 0.5) ** 2:
            continue
        if peak > best_peak:
            best, best_peak = k, peak
    if best == 0:
        return None, mask
    core = lab == best
    sel = core & (excess >= 0.5 * float(excess[core].max()))
    area = float(sel.sum())
    # the layer is drawn in the highlight's own colour (its brightest quarter), so at full
    # strength: a strength below 1 (how far the peak rose above the iris) drew faint highlights
    # fainter still, on the rest frame too (portrait_11's 49 L highlight at 35 L)
    strength = 1.0
    top = sel & (light >= np.percentile(light[sel], 75))
    colour = tuple(float(c) for c in image[top].mean(0))
    cy, cx = (float(v) for v in np.argwhere(sel).mean(0))
    cl = Catchlight(
        offset=(float(cx - centre[0]), float(cy - centre[1])),
        radius=float(max(0.6, np.sqrt(area / np.pi))),
        colour=colour,  # type: ignore[arg-type]
        strength=strength,
        matte=SPRITE,
    )
    grow = cv2.dilate(core.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    return cl, grow.astype(np.float32)


def catchlight_alpha(shape: tuple[int, int], position: np.ndarray, cl: Catchlight) -> np.ndarray:
    """The catchlight layer's alpha at ``position`` (ROI pixels): (h, w) float32 in [0, 1].

    A disc of the highlight's radius with a soft edge of about a pixel, at its strength.
    """
    return (cl.strength * disc(shape, position, cl.radius, max(0.8, 0.35 * cl.radius))).astype(np.float32)


def on_cornea(position: np.ndarray, centre: np.ndarray, radius: float, size: float, painted: float = 0.0) -> np.ndarray:
    """Keep the catchlight on the cornea: its position when the iris (``radius`` pixels, centred
    at ``centre``) has moved away from ``position`` (pixels, where the light puts it).

    A reflection on the cornea never sits on the white: once the highlight (``size`` pixels in
    radius) would reach past 0.75 of the iris radius, or past ``painted`` pixels (how far out
    the painter put it, foreshortened as the radius) if further, it is carried along at that
    distance, as bright as painted. Without ``painted`` a highlight painted further out was
    drawn off its painted place on the unturned eye (portrait_13's image-left, 0.65 radii out,
    and a sub-pixel shift there read 9 L under its painted peak on the gaze-0 frame). A painter turning the eye keeps the highlight on the cornea near its edge
    rather than dimming it: a real eye's corneal reflex moves about 1 mm off the pupil centre per
    7-12 degrees of eye turn (the Hirschberg ratio), under half an iris radius over a sweep's
    eye-in-head range, but a highlight painted 0.76 radii off the pupil (portrait_07's image-left)
    would lie 1.26 radii out at -30 degrees, and faded there from 1.2 radii (session 14) it drew
    at 0.63 of its strength: an iris turned into a corner without its highlight reads as a dead,
    dark disc.

    Returns:
        (2,) position, pixels.
    """
    c = np.asarray(centre, np.float64)
    d_vec = np.asarray(position, np.float64) - c
    d = float(np.hypot(*d_vec))
    room = max(0.75 * radius - size, painted, 0.0)
    if d <= room:
        return np.asarray(position, np.float64)
    return c + d_vec * (room / d)
