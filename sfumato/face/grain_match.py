"""Does the rebuilt eye white carry the painting's grain? Measured from outside, on the frame.

Where the rig moved an iris it rebuilds the white behind it. A painted white is crossed by the
painting's fine texture (craquelure, canvas weave, brush grain, JPEG blocks); a rebuilt white
that is a smooth colour reads as a patch pasted on. This compares the fine texture of the
revealed white in the frame with the painting's own painted white beside its iris:

- the fine texture of a set of pixels is the robust spread of the second differences of CIE L
  along rows and columns within the set (:func:`sfumato.imaging.grain.fine_spread`: no shading
  gradient and no pixel outside the set counts);
- the revealed white: where the painted iris was and the frame's iris is not (within one iris
  radius of the painted iris, beyond :data:`sfumato.face.white_match.FRAME_IRIS` radii of the
  frame's; the eye contour shrunk off the lid lines), where it covers at least
  :data:`sfumato.face.white_match.MIN_REVEALED` of the painted iris' visible area;
  pixels far lighter or darker than the rest (a lid line, an iris rim) left out
  (:func:`sfumato.imaging.grain.typical`: portrait_13's L 10-53 lid pixels in a 60-67 white);
- the reference: the painting's own painted white beside its iris
  (:func:`sfumato.rig.painted_white.painted_white`, the contour shrunk as above, beyond 1.15
  iris radii), and, where it gives fewer than :data:`MIN_REFERENCE` differences (a narrow
  eye), the skin in a ring around the eye too. Measured on the painting, not on the frame: the
  rig rebuilds the white beyond the old iris' disc too (its rim and halo, out to where the
  painting is white again), so the "painted white" found in the frame beside the old iris is
  partly rebuilt, and a flat patch measured against a half-flat reference read as nearly right.
  The frame's resampling does not soften the grain around the eye: the skin ring measured
  0.97-1.19 of the painting's on portrait_20 and portrait_03 at -30..+30 (so the painting is a
  fair reference).

The frame is sampled where each painting pixel went (:func:`sfumato.face.white_match.fit_eyes`)
with nearest-neighbour lookup, whole pixels, so no resampling softens the grain it measures.
The ratio revealed / reference is ~1 when the rebuilt white is as grainy as the painted one,
0.3-0.5 for a flat patch, above 1.5 for a white more speckled than the painting's.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.quality import shrunk_contour
from sfumato.face.topology import EYES
from sfumato.face.white_match import FRAME_IRIS, MIN_REVEALED, EyeFit, fit_eyes
from sfumato.imaging.grain import fine_spread, typical
from sfumato.imaging.lab import rgb_to_lab
from sfumato.imaging.resize import points_box
from sfumato.rig.painted_white import painted_white

MIN_REFERENCE = 24
"""A painted white with fewer second differences than this is no reference alone: the skin
in a ring around the eye (:data:`SKIN_RING` iris radii beyond the contour) joins it."""
SKIN_RING = (0.4, 1.2)
"""The skin ring's inner and outer distance from the eye contour, iris radii (off the lid line
and lashes at its inner edge)."""
MIN_PIXELS = 12
"""An eye with fewer revealed pixels than this is not measured (nor one whose revealed white
gives fewer than :data:`MIN_DIFFERENCES` second differences: a ratio of a handful is noise)."""
MIN_DIFFERENCES = 40
OUTLIER = 3.0
"""Revealed pixels further than this many robust spreads from the revealed median L are no white
(:func:`sfumato.imaging.grain.typical`)."""
TARGET = (0.6, 1.5)
"""The revealed white's grain / the painted white's: the range that reads as the same paint."""


@dataclass(frozen=True)
class GrainMatch:
    """The revealed white's fine texture against the painted white's, in one frame.

    Attributes:
        ratio: pooled over the measured eyes, their revealed pixels as weights: revealed spread
            / reference spread; NaN when no eye is measured.
        revealed, reference: the fine spreads (CIE L) of the eye with the most revealed
            pixels.
        revealed_n, reference_n: second differences behind them (both eyes).
    """

    ratio: float
    revealed: float = float("nan")
    reference: float = float("nan")
    revealed_n: int = 0
    reference_n: int = 0


def grain_match(
    painting: np.ndarray, frame: np.ndarray, painting_lm: np.ndarray, frame_lm: np.ndarray,
    iris_radii: tuple[float, float], erode: float = 0.15, *,
    lab: tuple[np.ndarray, np.ndarray] | None = None, fits: list[EyeFit | None] | None = None,
) -> GrainMatch:
    """The revealed white's grain against the painted white's (the module docstring).

    Args:
        painting, frame: (H, W, 3) uint8 RGB, the same size.
        painting_lm, frame_lm: (478, 2|3) FaceMesh landmarks of each.
        iris_radii: the painting's own iris radius per eye (``EYES`` order), pixels.
        erode: contour shrink, fraction of the opening height (off the lid lines).
        lab: ``(rgb_to_lab(painting), rgb_to_lab(frame))`` when the caller has them.
        fits: :func:`sfumato.face.white_match.fit_eyes` of these images when the caller has it.
    """
    p_lab, f_lab = (rgb_to_lab(painting), rgb_to_lab(frame)) if lab is None else lab
    fits = fit_eyes(p_lab[..., 0], f_lab[..., 0], painting_lm, frame_lm, iris_radii) if fits is None else fits
    h, w = painting.shape[:2]
    plm = np.asarray(painting_lm, np.float64)
    ratios, weights, best = [], [], (0, float("nan"), float("nan"))
    rev_total, ref_total = 0, 0
    for k, (e, fit) in enumerate(zip(EYES, fits)):
        if fit is None:
            continue
        pp = plm[list(e.contour), :2]
        a, r = fit.affine, float(iris_radii[k])
        cp = plm[e.iris[0], :2]
        ai = cv2.invertAffineTransform(a)
        cf = ai[:, :2] @ fit.iris + ai[:, 2]  # the frame's iris, painting pixels
        if np.hypot(*(cf - cp)) <= 0.5 * r:
            continue
        x0, y0, x1, y1 = points_box(pp, 3 * r, w, h)
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dp, df = np.hypot(xx - cp[0], yy - cp[1]), np.hypot(xx - cf[0], yy - cf[1])
        # whole frame pixels where each painting pixel went: no resampling blur of the grain
        mx = np.rint(a[0, 0] * xx + a[0, 1] * yy + a[0, 2]).astype(np.float32)
        my = np.rint(a[1, 0] * xx + a[1, 1] * yy + a[1, 2]).astype(np.float32)
        f_l = cv2.remap(f_lab[..., 0], mx, my, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
        opening = shrunk_contour((h, w), pp)[y0:y1, x0:x1]
        inside = shrunk_contour((h, w), pp, erode)[y0:y1, x0:x1]
        white = painted_white(painting[y0:y1, x0:x1].astype(np.float32), opening, cp - [x0, y0], r, 0.0)
        revealed = inside & (dp < r) & (df > FRAME_IRIS * r)
        if revealed.sum() < max(MIN_PIXELS, MIN_REVEALED * (inside & (dp < r)).sum()):
            continue  # as white_match: a thin crescent at the moved iris' rim reads the rim
        revealed &= typical(f_l, revealed, OUTLIER)
        p_l = p_lab[y0:y1, x0:x1, 0]
        reference = white & inside & (dp > 1.15 * r)
        if fine_spread(p_l, reference)[1] < MIN_REFERENCE:
            near = cv2.dilate(opening.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * int(SKIN_RING[0] * r) + 1,) * 2))
            far = cv2.dilate(opening.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * int(SKIN_RING[1] * r) + 1,) * 2))
            reference = reference | ((far > 0) & (near == 0))
        (s_rev, n), (s_ref, n_ref) = fine_spread(f_l, revealed), fine_spread(p_l, reference)
        if n < MIN_DIFFERENCES or not (np.isfinite(s_rev) and np.isfinite(s_ref) and s_ref > 0):
            continue
        ratios.append(s_rev / s_ref)
        weights.append(n)
        rev_total, ref_total = rev_total + n, ref_total + n_ref
        if n > best[0]:
            best = (n, s_rev, s_ref)
    if not ratios:
        return GrainMatch(float("nan"))
    return GrainMatch(float(np.average(ratios, weights=weights)), best[1], best[2], rev_total, ref_total)
