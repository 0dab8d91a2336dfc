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
white, at least :data:`sfumato.face.white_match.MIN_EYE_PIXELS` pixels)

- at most :data:`OVER_SKIN` over the painted skin round that side of the orbit (the ring the rig's
  own shade reads, :func:`sfumato.rig.orbit_shade.orbit`, beyond the old iris' edge along the
  eye): a white rebuilt there is in that side's shade, not a lit plate (a milky white, the 919d3a1
  lighter almond: +16.5 L);
- at least :data:`OVER_IRIS` over the painted iris (its median L within 0.8 radii, inside the
  painted opening), or :data:`GHOST_SHARE` of the way from the iris to that skin where that is
  less: not the old iris left in place (a ghost). The Mona Lisa's shaded corner is only 4.2 L
  lighter than her painted iris (at gaze -30): +10 over the iris and at most +6 over the skin left
  a window of 0.2 L, so her rendered white (+1.4 over the skin, +5.6 over the iris) failed it as
  the old iris left there (-1.8) does; half way (+2.1) it passes and the ghost still fails.

Both bounds are the rule as set on the Mona Lisa (session 13), not swept and with no held-out
set: a painting whose white is painted much lighter than the skin round a shaded corner would
fail the first where its white is right; where that skin is no lighter than the iris, a ghost
can pass. Images (H, W, 3) uint8 RGB; Lab arrays float32 CIE Lab.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.face.lid_bands import eye_lids, eye_uv
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


@dataclass(frozen=True)
class Almond:
    """One eye's side with no painted white, in one frame.

    Attributes:
        over_skin: the revealed pixels' median L minus the skin round that side's (NaN: no skin).
        over_iris: ... minus the painted iris'.
        n: the pixels.

    ``ghost``: ``over_iris`` less the least it may be (:data:`OVER_IRIS`, :data:`GHOST_SHARE`),
    at least 0 to pass.
    """

    over_skin: float
    over_iris: float
    n: int

    @property
    def ghost(self) -> float:
        """How far ``over_iris`` is over its bound (negative: too near the iris' lightness)."""
        gap = self.over_iris - self.over_skin  # the skin round that side over the iris
        need = OVER_IRIS if not np.isfinite(gap) else float(np.clip(GHOST_SHARE * gap, 0.0, OVER_IRIS))
        return self.over_iris - need

    @property
    def ok(self) -> bool:
        """Within both bounds (a side with no skin round it is judged on :data:`OVER_IRIS` alone)."""
        return bool(not self.over_skin > OVER_SKIN and self.ghost >= 0.0)


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
        px = side.lab[side.other & (side.on_left == s)]
        if len(px) < MIN_PIXELS:
            continue
        skin = ring & ((u < uc) == s)
        here = float(np.median(px[:, 0]))
        skin_l = float(np.median(light[skin])) if skin.any() else float("nan")
        out.append(Almond(here - skin_l, here - iris_l, len(px)))
    return out
