"""A verdict for the revealed white on a side of the old iris with no painted white of its own.

Where the iris meets a corner (the Mona Lisa's image-right eye toward her shaded outer corner:
29 % of her revealed pixels; 6-9 % of portrait_10/11/20's) nothing painted says how light that
side's white is. :class:`sfumato.face.revealed_white.OrbitLight` compares those pixels with the
other side's white in their side's light, but its model fails its hold-out
(tests/test_orbit_light_holdout.py), so it is no verdict (``WhiteMatch.other_dl``), and
before this module no bench cell judged that white at all: the old iris left in place there, or a
milky plate as light as the lit white, failed nothing.

This is a verdict with no light model, the rule test_lid_band's almond check holds the Mona Lisa
to (:func:`almond`): the median L of those pixels (in a frame, each eye's side with no painted
white at their height, at least :data:`MIN_PIXELS` pixels)

- at most :data:`OVER_SKIN` over that side's light (:attr:`Almond.over_light`): each pixel's the
  lighter of the painted skin round that side of the orbit (the ring the rig's own shade reads,
  :func:`sfumato.rig.orbit_shade.orbit`, beyond the old iris' edge along the eye) and the painted
  white on that side at its height (the revealed white's own reference pixels in its band's
  window, :func:`sfumato.face.lid_bands.side_references`, where there are some but fewer than
  the 3 a band reference needs): a white rebuilt there is no lighter than any light painted at
  its height on its side, not a lit plate (a milky white: the Mona Lisa's painted lit white
  +41.6 L over her shaded corner's skin; the 919d3a1 lighter almond +16.5; portrait_20's cream
  plate before side14 under a black band, no white at its height, +27.5). Skin alone (session
  14) is painted shade's rule: a photograph's lit white is lighter than its skin, and the
  astronaut's image-left eye read +7.1 over it (FAIL) on 4-10 pixels in bands holding 1-2 pixels
  of painted white on that side (77.6-83.4 L; those pixels 68 L): its eye is 20 pixels wide;
- not the old iris left in place (a ghost): at least :data:`OVER_IRIS` over the painted iris (its
  median L within 0.8 radii, inside the painted opening), or :data:`GHOST_SHARE` of the way from
  the iris to that skin where that is less (:attr:`Almond.ghost`). Where that skin is less than
  2 x :data:`OVER_IRIS` over the iris (:attr:`Almond.narrow`) lightness alone cannot tell a white in
  its shade from the iris: the Mona Lisa's shaded corner is 4.1 L over her painted iris, her
  rendered white at -30 degrees 1.4 L over it, the old iris left there -1.7; so a side under that
  bound is a ghost only where its pixels still hold the old iris' own pattern
  (:attr:`Almond.kept`: the share of the painted pixels' variance at those places the frame keeps,
  at least :data:`KEPT`; her old iris left 0.94-0.99, or 0.57 resampled half a pixel off in x and y;
  her rendered white 0.06-0.09). A painted iris with no pattern (flat, less than
  :data:`FLAT_IRIS` spread) is judged by lightness alone.

The bounds are the rule as set on the Mona Lisa (session 13), not swept and with no held-out
set; where that skin is no lighter than the iris, a ghost can pass on lightness and is caught only
by its kept pattern. Images (H, W, 3) uint8 RGB; Lab arrays float32 CIE Lab.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.face.lid_bands import WINDOW, eye_lids, eye_uv
from sfumato.face.quality import shrunk_contour
from sfumato.face.revealed_white import PaintedEye, SideReference
from sfumato.face.topology import EyeIndices
from sfumato.rig.orbit_shade import orbit

OVER_SKIN = 6.0
"""The revealed white on a side with no painted white: its median L at most this over the skin round
that side (the Mona Lisa at -30 degrees: +5.1 since 5ea25b0, +16.5 before; tests/test_lid_band.py)."""
OVER_IRIS = 10.0
"""... and at least this over the painted iris' median L (not the old iris left in place) ..."""
GHOST_SHARE = 0.5
"""... or, where that is less, this share of the way from the iris' L to the skin's (none below the
iris': a corner darker than the iris can tell no ghost by its lightness)."""
MIN_PIXELS = 4
"""A side's pixels with no painted white of their own needed to read it (``white_match.MIN_EYE_PIXELS``)."""
KEPT = 0.3
"""A side under its ghost bound in a narrow window is a ghost when the frame keeps at least this share
of the painted pixels' variance at those places (1 - var(frame - painting) / var(painting)): set
between the Mona Lisa's rendered white at -30 / -28 degrees (0.06 / 0.09) and her old iris left
there resampled half a pixel off in x and y (0.57; as it is 0.94-0.99); one painting, no held-out
set (a ghost a whole pixel off keeps 0.04 and passes: the measure's eye fit registers to 0.02-0.12 px)."""
FLAT_IRIS = 1.0
"""Painted pixels there with less L spread than this have no pattern to keep (a flat iris): lightness alone.
A guard against dividing by a near-zero variance, set by measure15 (8e85d02) with no recorded case.
In session 17 the almond readings of bench_rig on the Mona Lisa and portrait_03 (two, both the
Mona Lisa's; portrait_03 has none) spread 4.8 L: it does not bind there."""


@dataclass(frozen=True)
class Almond:
    """One eye's side with no painted white, in one frame.

    Attributes:
        over_skin: the revealed pixels' median L minus the skin round that side's (NaN: no skin).
        over_iris: ... minus the painted iris'.
        n: the pixels.
        over_own: the median over its pixels of L minus that pixel's light, the lighter of the skin
            round that side and the painted white on that side at its height (NaN: read as ``over_skin``).
        kept: the share of the painted pixels' L variance at those places the frame keeps (NaN:
            a flat painted iris there, under :data:`FLAT_IRIS` spread).

    ``ghost``: ``over_iris`` less the least it may be (:data:`OVER_IRIS`, :data:`GHOST_SHARE`),
    at least 0 to pass on lightness alone.
    """

    over_skin: float
    over_iris: float
    n: int
    over_own: float = float("nan")
    kept: float = float("nan")

    @property
    def over_light(self) -> float:
        """L over that side's light: ``over_own`` where read, else ``over_skin`` (NaN: neither)."""
        return self.over_own if np.isfinite(self.over_own) else self.over_skin

    @property
    def narrow(self) -> bool:
        """The skin round that side is under 2 x :data:`OVER_IRIS` over the iris: lightness cannot
        tell a white in its shade from the old iris there."""
        gap = self.over_iris - self.over_skin
        return bool(np.isfinite(gap) and GHOST_SHARE * gap < OVER_IRIS)

    @property
    def ghost_seen(self) -> bool:
        """Under the ghost bound and, in a narrow window, the old iris' own pattern kept there."""
        return bool(self.ghost < 0.0 and not (self.narrow and self.kept < KEPT))

    @property
    def ghost(self) -> float:
        """How far ``over_iris`` is over its bound (negative: too near the iris' lightness)."""
        gap = self.over_iris - self.over_skin  # the skin round that side over the iris
        need = OVER_IRIS if not np.isfinite(gap) else float(np.clip(GHOST_SHARE * gap, 0.0, OVER_IRIS))
        return self.over_iris - need

    @property
    def ok(self) -> bool:
        """No lighter than :data:`OVER_SKIN` over its light and no ghost (a side with no skin round
        it is judged on :data:`OVER_IRIS` alone)."""
        return bool(not self.over_light > OVER_SKIN and not self.ghost_seen)


def almond(side: SideReference, p_lab: np.ndarray, pe: PaintedEye, eye: EyeIndices, landmarks: np.ndarray,
           origin: tuple[int, int]) -> list[Almond]:
    """Each side of one eye whose revealed pixels had no painted white of their own
    (``side.other``), at least :data:`MIN_PIXELS`: its :class:`Almond` (the module docstring).

    Args:
        side: :func:`sfumato.face.revealed_white.side_reference` of the eye in a frame;
        p_lab: (h, w, 3) float32 Lab of the painting's ROI at ``origin`` (x0, y0);
        pe: the painted eye (image pixels); eye: its ``EYES`` entry; landmarks: the painting's.
    """
    if side.lab is None or side.on_left is None or not side.other.any():
        return []
    h, w = p_lab.shape[:2]
    x0, y0 = origin
    opening = shrunk_contour((h, w), pe.contour - [x0, y0], 0.0)
    frame, lids = eye_lids(landmarks, eye, pe.contour)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = eye_uv(frame, xx + x0, yy + y0)
    uc = float(frame.to_uv(pe.centre)[0])
    light = p_lab[..., 0]
    ring = orbit(u, v, lids, opening.astype(np.float32), frame.half_width) & (np.abs(u - uc) > pe.radius)
    iris = opening & (np.hypot(xx + x0 - pe.centre[0], yy + y0 - pe.centre[1]) < 0.8 * pe.radius)
    iris_l = float(np.median(light[iris])) if iris.any() else float("nan")
    out = []
    for s in (False, True):
        sel = side.other & (side.on_left == s)
        if sel.sum() < MIN_PIXELS:
            continue
        f_l = side.lab[sel, 0]
        skin = ring & ((u < uc) == s)
        here = float(np.median(f_l))
        skin_l = float(np.median(light[skin])) if skin.any() else float("nan")
        ref = side.reference & (side.left == s)
        own = white_at_height(side.heights[sel], side.t[ref], light[ref], side.bands)
        lit = np.fmax(own, np.float32(skin_l))  # NaN only where neither
        over_own = float(np.median((f_l - lit)[np.isfinite(lit)])) if np.isfinite(lit).any() else float("nan")
        out.append(Almond(here - skin_l, here - iris_l, int(sel.sum()), over_own, kept_pattern(f_l, side.painted[sel, 0])))
    return out


def white_at_height(heights: np.ndarray, ref_t: np.ndarray, ref_l: np.ndarray, bands: int) -> np.ndarray:
    """(K,) float32 the median L of the painted white ``ref_l`` ((M,) L, at heights ``ref_t`` (M,),
    0 lower lid .. 1 upper) in the band window of each pixel at ``heights`` ((K,) same scale), as
    :func:`sfumato.face.lid_bands.side_references` windows a band (however few: a band with fewer
    than its 3 still has white painted at that height); NaN where the window has none."""
    fb = np.minimum((np.clip(heights, 0.0, 1.0) * bands).astype(int), bands - 1)
    pt = np.clip(ref_t, 0.0, 1.0) * bands
    out = np.full(len(heights), np.nan, np.float32)
    for k in np.unique(fb):
        near = np.abs(pt - (k + 0.5)) <= 0.5 + WINDOW
        if near.any():
            out[fb == k] = np.median(ref_l[near])
    return out


def kept_pattern(frame_l: np.ndarray, painted_l: np.ndarray) -> float:
    """The share of the painted pixels' L variance a frame keeps at the same places:
    1 - var(frame - painted) / var(painted) ((K,) float32 L each; 1: the painted pixels as they
    were, 0 or less: none of their pattern); NaN when the painted pixels spread less than
    :data:`FLAT_IRIS` (no pattern to keep)."""
    spread = float(np.std(painted_l))
    if spread < FLAT_IRIS:
        return float("nan")
    return float(1.0 - np.var(frame_l - painted_l) / spread**2)


def worst(almonds: list[Almond]) -> tuple[float, Almond | None, bool | None]:
    """Over the readings of a bank (or a frame): the largest :attr:`Almond.over_light`, the reading with
    the least :attr:`Almond.ghost`, and whether all are :attr:`Almond.ok` (None: no reading)."""
    if not almonds:
        return float("nan"), None, None
    light = max((a.over_light for a in almonds if np.isfinite(a.over_light)), default=float("nan"))
    return light, min(almonds, key=lambda a: a.ghost), all(a.ok for a in almonds)
