"""Where the moved catchlight sits: on the iris the eye shows, whole.

The highlight sits on the cornea and moves only :data:`~sfumato.rig.catchlight.FOLLOW` of the
iris (:func:`~sfumato.rig.catchlight.on_cornea` keeps its centre within the iris), so at the ends
of a sweep the iris runs out from under it: its drawn matte (the painter's stroke, or the disc of
an old rig file) reached past the iris' soft edge, or under the skin of the eye corner the iris
went into (:func:`sfumato.rig.eye.corner_cover`), and was drawn there at the iris' alpha: at
-30 degrees portrait_13's image-left highlight kept half its area and 55 of its 73 L of excess,
portrait_07's 41 of 68. A painter turning the eye keeps the highlight on the cornea the eye still
shows, near the iris' edge and as bright as ever, never cut by the white or the corner; so here,
once less of it lies on the visible iris than lay there in the painting, it slides toward the
middle of the visible iris, just far enough (:func:`seat`). At rest and wherever the iris still
holds it nothing moves.

Arrays are ROI pixels: ``visible`` (h, w) float32 in [0, 1], the moved iris' alpha times the
open eye's opening (no blink: a closing lid covers the highlight, it does not push it).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from sfumato.rig.catchlight import catchlight_alpha
from sfumato.rig.catchlight_sprite import CatchlightSprite
from sfumato.rig.model import Catchlight

SEEN = 0.97
"""The share of the highlight's matte (weighted by it) the visible iris holds at least, or as
much as it held in the painting if less (a highlight painted against a lid keeps its place).
At 0.9 portrait_07's image-right highlight at +30 degrees kept a tenth under the iris' soft edge
and peaked 2 L under its painted 92 L with 6 of its 8 pixels; at 0.97, 92 L and 8."""
STEP = 0.25
"""How finely (pixels) the highlight's way toward the middle of the visible iris is searched. The
disc of an old rig file is drawn at any sub-pixel place; the painted sprite lands on whole pixels
(:meth:`~sfumato.rig.catchlight_sprite.CatchlightSprite.place`), its mattes drawn once per pixel
(:func:`drawn_matte`). A 1 px step for the sprite would seat it on another pixel in 16 of the 330
seats of the 6 test paintings with sprites (their 33 frames; portrait_10 6, portrait_13 3,
portrait_14 3, portrait_07 2, portrait_02 1, portrait_11 1), each a pixel further from where the
light puts it than the quarter steps found it held (its whole-pixel steps are among theirs)."""
SLACK = 1e-3
"""A share this close to the one needed counts as held (the rest frame's own, recomputed)."""

Matte = Callable[[np.ndarray], np.ndarray]
"""The highlight's drawn matte at a position: (2,) x, y ROI pixels -> (h, w) float32 in [0, 1]."""


def drawn_matte(sprite: CatchlightSprite | None, catch: Catchlight, shape: tuple[int, int]) -> Matte:
    """The matte the eye draws the highlight with at a position, in an ROI of ``shape``: the
    painted sprite's (:meth:`~sfumato.rig.catchlight_sprite.CatchlightSprite.place`), or the
    disc of a rig file from before it (:func:`~sfumato.rig.catchlight.catchlight_alpha`). The
    sprite lands on whole pixels, so each whole-pixel placement is drawn once and handed out
    again (:func:`seat`'s :data:`STEP` search reached the same pixel up to 4 times running)."""
    if sprite is None:
        return lambda p: catchlight_alpha(shape, p, catch)
    placed: dict[tuple[float, float], np.ndarray] = {}

    def matte(p: np.ndarray) -> np.ndarray:
        """The sprite's matte, (H, W) = ``shape`` float in [0, 1], placed at ``p`` ((2,) x, y ROI pixels), drawn
        once per whole-pixel placement."""
        key = sprite.offset(p)
        if key not in placed:
            placed[key] = sprite.place(shape, p)[1]
        return placed[key]

    return matte


def seen_share(matte: np.ndarray, visible: np.ndarray) -> float:
    """How much of a highlight drawn with ``matte`` ((h, w) float32 in [0, 1]) lies on the visible
    iris (``visible``), in [0, 1]: its matte weighted by the visibility, over its matte; 1 for an
    empty matte."""
    total = float(matte.sum())
    return float((matte * visible).sum()) / total if total > 1e-6 else 1.0


def seat(position: np.ndarray, visible: np.ndarray, matte: Matte, need: float) -> np.ndarray:
    """Where the highlight is drawn: ``position`` ((2,) x, y ROI pixels, where the light puts it)
    if the visible iris holds ``need`` of it there (:func:`seen_share`), else the first point on
    the way from it toward the middle of the visible iris (its visibility-weighted centroid),
    every :data:`STEP` pixels, that does; none does: the point there that holds most.

    Args:
        position: (2,) x, y; visible: (h, w) float32 in [0, 1]; matte: the drawn matte at a point;
        need: share in [0, 1] (:data:`SEEN`, or less where the painting showed less).

    Returns:
        (2,) float64 x, y ROI pixels.
    """
    p = np.asarray(position, np.float64)
    best, best_seen = p, seen_share(matte(p), visible)
    weight = float(visible.sum())
    if best_seen >= need - SLACK or weight < 1e-6:
        return p
    yy, xx = np.nonzero(visible > 0)
    w = visible[yy, xx]
    middle = np.array([(xx * w).sum(), (yy * w).sum()]) / w.sum()
    way = middle - p
    length = float(np.hypot(*way))
    for t in np.arange(STEP, length + STEP / 2, STEP):
        q = p + way * (min(t, length) / max(length, 1e-9))
        s = seen_share(matte(q), visible)
        if s >= need - SLACK:
            return q
        if s > best_seen:
            best, best_seen = q, s
    return best


def needed(sprite: CatchlightSprite | None, catch: Catchlight, shape: tuple[int, int], centre: np.ndarray,
           visible: np.ndarray) -> float:
    """The share of the highlight the moved iris keeps in view: :data:`SEEN`, or what the painting
    showed at rest if less: the highlight drawn where it was painted, off the unturned iris'
    ``centre`` ((2,) ROI pixels) by its offset (:func:`drawn_matte`; there
    :func:`~sfumato.rig.catchlight.on_cornea` leaves it, its room at least the painted distance),
    on ``visible`` ((h, w) float32 in [0, 1], the iris at rest times the opening)."""
    at = np.asarray(centre, np.float64) + catch.offset
    return min(SEEN, seen_share(drawn_matte(sprite, catch, shape)(at), visible))
