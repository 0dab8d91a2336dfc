"""Does the rebuilt eye white carry the painting's grain? Measured from outside, on the frame.

Where the rig moved an iris it rebuilds the white behind it. A painted white is crossed by the
painting's fine texture (craquelure, canvas weave, brush grain, JPEG blocks); a rebuilt white
that is a smooth colour reads as a patch pasted on. This compares the fine texture of the
revealed white in the frame with the painting's own painted white beside its iris:

- the fine texture of a set of pixels is the robust spread of the second differences of
  ln(L + 16) (:func:`relative`: a third of ln Y, the grain relative to the local light) along
  rows and columns within the set (:func:`sfumato.imaging.grain.fine_spread`: no shading
  gradient and no pixel outside the set counts). In L itself (before session 13) a grain laid
  in proportion to the white's light (:mod:`sfumato.rig.white_grain`) read smaller in a white
  shaded under the lid as painted: portrait_20's image-right white at -30 read 0.49, near the
  flat patch;
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

That ratio asks the rebuilt white to copy whatever fine contrast the painted white has, and on
portrait_02 / 03 / 07 that is shading strokes, reflexes and a liner hook, not grain: their painted
white reads 2.3-5.0 x the fine contrast of the skin round the eye, and a rebuilt white with the
skin's grain (visibly not flat, looked at 5-8x) read 0.32-0.39 (FAIL); with the rig's 2 x skin cap
lifted portrait_07 read 1.69 on a visibly sandy white. So since session 15 the bench's verdict is
two readings per eye (:attr:`GrainMatch.flat`, :attr:`GrainMatch.sandy`), against the range of
fine contrast the painting shows around that eye, its painted white's and the skin ring's
(:func:`sfumato.face.revealed_white.skin_ring`, at least :data:`MIN_REFERENCE` differences):

- ``flat``: the revealed white's over the lower of the two: a patch flatter than both the painted
  white and the skin round it is pasted on (a white flattened row by row reads 0.00-0.47 on the
  bench banks, one eye 0.72 where short rows keep their medians' texture); the least eye;
- ``sandy``: its over the higher of the two: grainier than everything painted round it; the
  largest eye.

Each eye is read alone (the least / largest eye, not pooled: a flat eye beside a grainy one is a
flat eye). The target stays :data:`TARGET` (0.6 for ``flat``, 1.5 for ``sandy``).

That ratio does not tell a white speckled like its canvas from one speckled with dirt, nor a
calm white from a mottled one (portrait_20's dark-specked white read 0.65, portrait_10's right
one 1.74): the frame's revealed white and the painted white beside it are a few dozen pixels
each, cut by the lid lines and the frame's iris halo. :func:`speck_match` measures the rebuilt
white where the rig lays it (:class:`sfumato.rig.eye.EyeLayers`: the eye with its iris taken
out, painting pixels, no warp), over the whole old iris, against the painted white the rig sees:

- ``dark``: the rebuilt white's darkest specks (98th percentile of how much darker each pixel
  is than the median of its 3 x 3 neighbours in the set, :func:`sfumato.imaging.grain.speck_residual`)
  over the painted white's (its typical pixels, off the lid rims and lashes caught at its edge);
  above :data:`SPECK_LIMIT` the rebuilt white holds specks darker than any the painting has
  (dirt); ``beyond``: the share of its specks darker than the painted white's darkest, a check
  (:data:`SPECK_BEYOND`), not a verdict: the rig never lays a speck darker than the painted
  white's darkest, so it is near 0 by construction on today's code (it showed that the code
  before session 11 failed) and is left out of :attr:`SpeckMatch.worst`;
- ``fine``: the rebuilt white's fine contrast over the painted white's, each direction's second
  differences about their own median (:func:`sfumato.imaging.grain.fine_spread` ``centred``: a
  sliver's shading curved across it is no grain); above :data:`SPECK_LIMIT` the rebuilt white is
  mottled next to a calmer painted white;
- ``grey``: the share of the rebuilt white's dark specks greyer than the white round them
  (:func:`sfumato.face.speck_hue.greyer_specks`), specks of a hue the painted white lacks (its
  own: 0.00-0.14 on the bench paintings); above :data:`GREY_LIMIT` they read as dirt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import cv2
import numpy as np

from sfumato.face.eye_window import eye_window
from sfumato.face.revealed_white import skin_ring
from sfumato.face.speck_hue import greyer_specks
from sfumato.face.topology import EYES
from sfumato.face.white_match import FRAME_IRIS, MIN_REVEALED, EyeFit, fit_eyes
from sfumato.imaging.grain import fine_spread, speck_residual, speck_typical, typical
from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.lids import opening
from sfumato.rig.painted_white import painted_white

if TYPE_CHECKING:
    from sfumato.rig.eye import EyeLayers

MIN_REFERENCE = 24
"""A painted white with fewer second differences than this is no reference alone: the skin
in a ring around the eye (:func:`sfumato.face.revealed_white.skin_ring`, 0.4-1.2 iris radii beyond the contour) joins it."""
MIN_PIXELS = 12
"""An eye with fewer revealed pixels than this is not measured (nor one whose revealed white
gives fewer than :data:`MIN_DIFFERENCES` second differences: a ratio of a handful is noise)."""
MIN_DIFFERENCES = 40
OUTLIER = 3.0
"""Revealed pixels further than this many robust spreads from the revealed median L are no white
(:func:`sfumato.imaging.grain.typical`)."""
TARGET = (0.6, 1.5)
"""The revealed white's grain / the painted white's: the range that reads as the same paint."""
SPECK_LIMIT = 1.5
""":func:`speck_match`: the rebuilt white's darkest specks and its fine contrast at most this
many times the painted white's."""
SPECK_BEYOND = 0.05
""":func:`speck_match`'s check (no verdict, :attr:`SpeckMatch.worst`): about this share at most of
the rebuilt white's specks darker than the painted white's darkest (portrait_20's image-right
white before session 11: 0.105, its orange skin's dark specks; since then at most 0.04 on the
bench banks)."""
GREY_LIMIT = 0.25
""":func:`speck_match`: at most this share of the rebuilt white's dark specks greyer than their
neighbours (portrait_20's image-left white before session 17: 0.88, the Mona Lisa's image-right
crackle 0.66; the painted whites 0.00-0.14)."""
SPECK_MIN = 12
"""Fewer specks than this on either side measure nothing (NaN)."""


LIGHT_OFFSET = 16.0
"""CIE L + this is proportional to the cube root of luminance (L > 8): :func:`relative`."""


def relative(light: np.ndarray) -> np.ndarray:
    """(h, w) float32 ln(L + 16) of CIE lightness ``light`` ((h, w), 0-100): a third of ln Y, so
    that its second differences are the grain relative to the local light (a difference of 1 %
    of the luminance reads the same in a lit white and in one in shade under the lid)."""
    return np.log(np.asarray(light, np.float32) + np.float32(LIGHT_OFFSET))


@dataclass(frozen=True)
class GrainMatch:
    """The revealed white's fine texture against the painted white's, in one frame.

    Attributes:
        ratio: pooled over the measured eyes, their revealed pixels as weights: revealed spread
            / reference spread; NaN when no eye is measured.
        revealed, reference: the fine spreads (CIE L) of the eye with the most revealed
            pixels.
        revealed_n, reference_n: second differences behind them (both eyes).
        flat: the least measured eye's revealed spread over the lower of its painted white's and
            its skin ring's (the module docstring; NaN when no eye is measured).
        sandy: the largest eye's revealed spread over the higher of the two.
    """

    ratio: float
    revealed: float = float("nan")
    reference: float = float("nan")
    revealed_n: int = 0
    reference_n: int = 0
    flat: float = float("nan")
    sandy: float = float("nan")


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
    ratios, weights, best, ranged = [], [], (0, float("nan"), float("nan")), []
    rev_total, ref_total = 0, 0
    for k, (e, fit) in enumerate(zip(EYES, fits)):
        if fit is None:
            continue
        r = float(iris_radii[k])
        win = eye_window(plm, e, fit.affine, fit.iris, r, (h, w), erode)
        cp, (x0, y0, x1, y1), dp, df = win.painted_iris, win.box, win.dp, win.df
        if np.hypot(*(win.frame_iris - cp)) <= 0.5 * r:
            continue
        # whole frame pixels where each painting pixel went: no resampling blur of the grain
        f_l = cv2.remap(f_lab[..., 0], *win.frame_map(fit.affine, whole=True), cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
        opening, inside = win.opening, win.inside
        white = painted_white(painting[y0:y1, x0:x1].astype(np.float32), opening, cp - [x0, y0], r, 0.0)
        revealed = inside & (dp < r) & (df > FRAME_IRIS * r)
        if revealed.sum() < max(MIN_PIXELS, MIN_REVEALED * (inside & (dp < r)).sum()):
            continue  # as white_match: a thin crescent at the moved iris' rim reads the rim
        revealed &= typical(f_l, revealed, OUTLIER)
        p_l = p_lab[y0:y1, x0:x1, 0]
        reference = white & inside & (dp > 1.15 * r)
        if fine_spread(p_l, reference)[1] < MIN_REFERENCE:
            reference = reference | skin_ring(opening, r)
        (s_rev, n), (s_ref, n_ref) = fine_spread(relative(f_l), revealed), fine_spread(relative(p_l), reference)
        if n < MIN_DIFFERENCES or not (np.isfinite(s_rev) and np.isfinite(s_ref) and s_ref > 0):
            continue
        ratios.append(s_rev / s_ref)
        weights.append(n)
        ranged.append(painted_range(s_rev, s_ref, fine_spread(relative(p_l), skin_ring(opening, r))))
        rev_total, ref_total = rev_total + n, ref_total + n_ref
        if n > best[0]:
            best = (n, s_rev, s_ref)
    if not ratios:
        return GrainMatch(float("nan"))
    return GrainMatch(float(np.average(ratios, weights=weights)), best[1], best[2], rev_total, ref_total,
                      min(f for f, _ in ranged), max(s for _, s in ranged))


def painted_range(revealed: float, white: float, skin: tuple[float, int]) -> tuple[float, float]:
    """One eye's revealed fine spread over the lower and over the higher of its painted white's
    (``white``) and its skin ring's (``skin``: spread and second differences; the painted white
    alone when they are fewer than :data:`MIN_REFERENCE`): (``flat``, ``sandy``) of
    :class:`GrainMatch`. Spreads of ln(L + 16), > 0."""
    spread, n = skin
    refs = [white] + ([spread] if n >= MIN_REFERENCE and np.isfinite(spread) and spread > 0 else [])
    return revealed / min(refs), revealed / max(refs)


@dataclass(frozen=True)
class SpeckMatch:
    """The rebuilt white's specks against the painted white's, one eye (:func:`speck_match`).

    Attributes:
        dark: 98th percentile darkness of the rebuilt white's specks / the painted white's.
        fine: the rebuilt white's centred fine contrast / the painted white's.
        beyond: share of the rebuilt white's specks darker than the painted white's darkest.
        rebuilt_n, painted_n: the pixels behind them.
        grey, grey_painted: share of the rebuilt / painted white's dark specks greyer than their
            neighbours (:func:`sfumato.face.speck_hue.greyer_specks`; NaN: too few dark specks).
    """

    dark: float
    fine: float
    beyond: float = float("nan")
    rebuilt_n: int = 0
    painted_n: int = 0
    grey: float = float("nan")
    grey_painted: float = float("nan")

    @property
    def worst(self) -> float:
        """The largest of ``dark`` / :data:`SPECK_LIMIT`, ``fine`` / :data:`SPECK_LIMIT` and ``grey``
        / :data:`GREY_LIMIT`: above 1 the rebuilt white fails (NaN when nothing is measured).
        ``beyond`` is no part of it: it cannot fail on today's rig (a check, printed in brackets
        by the bench)."""
        vals = [v / lim for v, lim in ((self.dark, SPECK_LIMIT), (self.fine, SPECK_LIMIT), (self.grey, GREY_LIMIT)) if np.isfinite(v)]
        return max(vals) if vals else float("nan")


def speck_ratios(lum: np.ndarray, rebuilt_lum: np.ndarray, rebuilt: np.ndarray, white: np.ndarray) -> SpeckMatch:
    """The rebuilt white's specks and fine contrast against the painted white's.

    Args:
        lum: (h, w) float32 luminance of the painting (0-255); rebuilt_lum: (h, w) float32 the
            same with the rebuilt white; rebuilt: (h, w) bool, the rebuilt white to measure;
            white: (h, w) bool, the painted white (its typical pixels are kept,
            :func:`sfumato.imaging.grain.speck_typical`: as the rig reads it).

    Returns:
        :class:`SpeckMatch`, NaN where either set gives fewer than :data:`SPECK_MIN` values.
    """
    nan = float("nan")
    if white.sum() < SPECK_MIN or rebuilt.sum() < SPECK_MIN:
        return SpeckMatch(nan, nan, nan, int(rebuilt.sum()), int(white.sum()))
    level = max(float(np.median(lum[white])), 1.0)
    white = speck_typical(lum, white)
    own, laid = speck_residual(lum, white), speck_residual(rebuilt_lum, rebuilt)
    dark = beyond = nan
    if own.size >= SPECK_MIN and laid.size >= SPECK_MIN:
        dark = float(np.percentile(-laid, 98) / max(np.percentile(-own, 98), 1e-4))
        beyond = float(np.mean(laid < own.min()))
    f_own = fine_spread(lum / level, white, centred=True)[0]
    f_laid = fine_spread(rebuilt_lum / max(float(np.median(rebuilt_lum[rebuilt])), 1.0), rebuilt, centred=True)[0]
    fine = float(f_laid / f_own) if np.isfinite(f_own) and np.isfinite(f_laid) and f_own > 1e-6 else nan
    return SpeckMatch(dark, fine, beyond, int(rebuilt.sum()), int(white.sum()))


def speck_match(layers: EyeLayers) -> SpeckMatch:
    """The rebuilt white's texture against the painted white's, on the rig's own layers
    (:func:`speck_ratios`).

    The rebuilt white: the eye with its iris taken out (``layers.base``) within 0.9 iris radii
    of the painted iris, inside the opening off its soft rim, wherever it differs from the
    painting (the iris was replaced there). The painted white: the painting's own white
    (:func:`sfumato.rig.painted_white.painted_white`) beyond 1.15 iris radii (off the iris' rim
    and halo). Their dark specks' greyness (``grey``, :func:`sfumato.face.speck_hue.greyer_specks`)
    is read on the RGB, the painted white's over its typical pixels.

    Args:
        layers: one eye's :class:`sfumato.rig.eye.EyeLayers` (ROI pixels, float32 RGB 0-255).
    """
    image, base = layers.image, layers.base
    h, w = image.shape[:2]
    c = layers.frame.to_xy(np.asarray(layers.rest, np.float64))
    r = float(layers.radius)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dist = np.hypot(xx - np.float32(c[0]), yy - np.float32(c[1]))
    inside = opening(layers.u, layers.v, layers.lids, 1.5 * layers.edge + 0.5) > 0.99
    rebuilt = inside & (dist < 0.9 * r) & (np.abs(base - image).max(2) > 0.5)
    white = painted_white(image, inside & (dist > r + 1.0), c, r, 0.0) & (dist > 1.15 * r)
    lum = image.mean(2).astype(np.float32)
    found = speck_ratios(lum, base.mean(2).astype(np.float32), rebuilt, white)
    own = speck_typical(lum, white) if white.sum() >= SPECK_MIN else white
    return replace(found, grey=greyer_specks(base, rebuilt)[0], grey_painted=greyer_specks(image, own)[0])
