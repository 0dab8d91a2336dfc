"""Eye whites compared like with like: a frame's white against the painting's own, two ways.

The median of all eye-white pixels (:func:`sfumato.face.quality.eye_stats`) mixes two things
when the iris moves: which pixels count as white changes (the shaded corners the painting
shows beside its iris against the middle of the eye the frame shows), and FaceMesh's contour
moves a pixel or two between near-identical images. These two measures separate what a
viewer sees:

The painting's eye white is the painted white itself (:func:`sfumato.rig.painted_white.painted_white`:
a colour model sampled at the iris' sides, inside FaceMesh's contour), not all of the contour:
on a stylised eye the contour holds as much lid rim, lash and iris rim as white, and a "white
beside the iris" sampled there reads far darker than the white a viewer sees.

- **common white**: the pixels that are eye white in BOTH images (painted white inside the
  painting's eye contour, shrunk off the lid lines, outside the painted iris and well outside the frame's iris,
  found by matching the painted iris' pixels in the frame, its highlight left out,
  :func:`sfumato.face.iris_match.find_iris`),
  the frame sampled where each painting pixel went (a similarity fitted to the two eye
  contours, refined by registering the eye's pixels, :func:`fit_eyes`). It is ~0 for a frame that left the white alone; it moves when the white that
  stays visible was changed.
- **revealed white**: where the painted iris was and the frame's iris is not (within one iris
  radius of the painted iris, beyond :data:`FRAME_IRIS` radii of the frame's: the white the
  rig rebuilt), each pixel against the painting's painted white beside the iris on ITS side of
  the old iris centre (1.15..2.3 iris radii along the eye) at the SAME place between the lids
  (``BANDS`` bands of ``t``, 0 on the lower lid, 1 on the upper, between the painted lids:
  :mod:`sfumato.face.revealed_white`): the median of those differences, so the reference is
  weighted like the revealed pixels. A flat lighter patch shows as a large positive difference, a patch that
  reads as iris as a large negative one. Measured only where the revealed pixels that have a
  band reference cover at least :data:`MIN_REVEALED` of the painted iris' visible area (a thin
  crescent at the moved iris' rim reads the rim, not the white).
- **revealed white, both sides** (the measure of sessions 7-8, kept for comparison for one
  session): the same against the mean of both sides' white, between FaceMesh's lids
  (:func:`between_lids`): a white copied exactly from the lit side read lighter, from the
  shaded side darker.
- **revealed white, ring** (the measure before session 7, kept for comparison in bench_rig's
  ``--json`` rows, ``ring_dl`` / ``ring_dab``, not in its table): the revealed pixels
  against the painted white in a ring 1.15..2.3 iris radii from the painted iris on the side
  the iris left. Its pixels lie wherever the ring meets the white, often mostly under the iris
  near the lower lid, where a painted white is darker than at the iris' height (portrait_14:
  +15 L with a rebuilt white -2..+7 L from the painted white band by band), and it counts a
  crescent of a few pixels (portrait_07: -16 L over 17 pixels).
- **white**: the frame's common and revealed white together against all the painting's painted
  white: the eye white as a whole.

Each difference is taken per eye (an eye in shadow is compared with itself) and the eyes'
differences averaged, weighted by their pixels. Both in CIE L (lightness) and b (yellow-blue). Landmarks are (478, 2|3) FaceMesh points in the
pixels of their image; images (H, W, 3) uint8 RGB.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.almond import Almond, almond
from sfumato.face.eye_register import register_eye
from sfumato.face.eye_window import eye_window
from sfumato.face.iris_match import find_iris
from sfumato.face.quality import shrunk_contour
from sfumato.face.lid_bands import banded_residuals, between_lids
from sfumato.face.revealed_white import PaintedEye, painted_eyes, side_reference
from sfumato.face.topology import EYES
from sfumato.imaging.lab import lightness, rgb_to_lab
from sfumato.rig.painted_white import painted_white


MIN_PIXELS = 12
"""Fewer pixels than this (both eyes together) measure nothing: the difference is NaN."""
MIN_EYE_PIXELS = 4
"""An eye with fewer pixels than this (in the frame or the painting) is left out of a difference."""
FRAME_IRIS = 1.4
"""Pixels within this many (painted) iris radii of the frame's iris centre are never counted as
white: the centre found on a frame can be a few pixels off where the lids clip the moved iris
in a corner, and a crescent of iris counted as white reads as a large, false darkening."""
MIN_REVEALED = 0.1
"""The revealed white of an eye is measured only when it covers at least this share of the
painted iris' area inside the opening: the crescent an iris leaves when it moved 0.65 of its
radius (0.11 of the disc), a quarter radius wide at its widest (3 px on portrait_07's 12.6 px
iris), so that most of its pixels lie off the moved iris' rim and shadow. A thinner one is
rim: portrait_07's -15 degree frame counted 17 pixels (0.05) and read -16 L where frames of
79-224 pixels read -5.5..-10.3. 0.2 (the crescent as wide as the :data:`FRAME_IRIS` margin)
was tried first: it left every frame of the Mona Lisa and portrait_13 unmeasured (their
irises move at most 0.81 and 0.84 radii), hiding portrait_13's tan patch."""


@dataclass(frozen=True)
class WhiteMatch:
    """Median differences frame minus painting, CIE Lab units; NaN where not measurable.

    Attributes:
        common_dl, common_db: L and b over the white visible in both images.
        revealed_dl, revealed_db: L and b of the revealed white, each pixel against the painted
            white beside the iris on its side at the same place between the lids (the module
            docstring): the median of each eye's per-pixel differences, the eyes weighted by
            their pixels; NaN when in every eye the revealed pixels that have a band reference
            (a band with too few painted-white pixels on either side is none) cover less than
            :data:`MIN_REVEALED` of the painted iris' visible area.
        common_n, revealed_n: pixels behind each (both eyes); a difference over fewer than
            :data:`MIN_PIXELS` is NaN.
        white_dl: L of the frame's eye white (the common white and the revealed white
            together) against the painting's whole painted white: what the eye white looks
            like overall, shaded corners and rebuilt white alike.
        revealed_dab: the revealed white's colour difference from the same painted white on its
            side, CIE a and b only (hue and chroma, lightness left out): per eye the length
            |(da, db)| of the median per-pixel residual (each revealed pixel minus its band's
            reference, as ``revealed_dl``), not a difference of two medians; the eyes weighted
            by their pixels, NaN as ``revealed_dl``. A rebuilt
            white of the wrong hue (a tan patch in a yellow white, a grey one in a warm white)
            that the L measures miss because it is not lighter or darker.
        ring_dl, ring_dab: the revealed white against the ring beside the iris on the side it
            left, no least area (the measure before session 7, in bench_rig's --json; NaN as
            ``revealed_dl`` but with any revealed pixel).
        both_dl, both_dab: the revealed white against the mean of both sides' painted white,
            between FaceMesh's lids (the measure of sessions 7-8, kept for comparison for one
            session; NaN as ``revealed_dl``).
        revealed_other: revealed pixels with no painted white on their own side at their height
            (not in ``revealed_n``: ``revealed_dl`` / ``revealed_dab`` read only pixels that have).
        other_dl, other_dab: those pixels against the other side's white in their side's light
            (:class:`sfumato.face.revealed_white.OrbitLight`), as ``revealed_dl`` / ``revealed_dab``;
            reported, not a verdict: the model fails its hold-out (tests/test_orbit_light_holdout.py).
        almonds: those pixels' verdict with no light model, one :class:`sfumato.face.almond.Almond` per eye side
            (:func:`sfumato.face.almond.almond`; :func:`sfumato.face.almond.worst` sums them up).
    """

    common_dl: float
    common_db: float
    revealed_dl: float
    revealed_db: float
    common_n: int = 0
    revealed_n: int = 0
    white_dl: float = float("nan")
    revealed_dab: float = float("nan")
    ring_dl: float = float("nan")
    ring_dab: float = float("nan")
    both_dl: float = float("nan")
    both_dab: float = float("nan")
    revealed_other: int = 0
    other_dl: float = float("nan")
    other_dab: float = float("nan")
    almonds: tuple[Almond, ...] = ()


@dataclass(frozen=True)
class EyeFit:
    """Where one painted eye went in a frame.

    Attributes:
        affine: (2, 3) float64, painting pixels -> frame pixels: the similarity fitted to the
            painting's and the frame's FaceMesh eye contours (LMedS), refined by ECC on the eye's
            pixels (:func:`sfumato.face.eye_register.register_eye`).
        iris: (2,) float64, the painted iris found in the frame (:func:`find_iris`), frame pixels.
    """

    affine: np.ndarray
    iris: np.ndarray


def white_match(
    painting: np.ndarray, frame: np.ndarray, painting_lm: np.ndarray, frame_lm: np.ndarray,
    iris_radii: tuple[float, float], erode: float = 0.15, *,
    lab: tuple[np.ndarray, np.ndarray] | None = None, fits: list[EyeFit | None] | None = None,
    eyes: list[PaintedEye] | None = None,
) -> WhiteMatch:
    """Compare a frame's eye whites with the painting's (see the module docstring).

    Args:
        painting, frame: (H, W, 3) uint8 RGB, the same size.
        painting_lm, frame_lm: (478, 2|3) FaceMesh landmarks of each.
        iris_radii: the painting's own iris radius per eye (``EYES`` order), pixels
            (:func:`sfumato.face.quality.painted_iris_radii`).
        erode: contour shrink, fraction of the opening height (off the lid lines).
        lab: ``(rgb_to_lab(painting), rgb_to_lab(frame))`` when the caller has them, (H, W, 3)
            float32 each (a benchmark converts each frame once for every measure).
        fits: :func:`fit_eyes` of these images and landmarks when the caller has it.
        eyes: :func:`sfumato.face.revealed_white.painted_eyes` of the painting when the caller has it.
    """
    p_lab, f_lab = (rgb_to_lab(painting), rgb_to_lab(frame)) if lab is None else lab
    fits = fit_eyes(p_lab[..., 0], f_lab[..., 0], painting_lm, frame_lm, iris_radii) if fits is None else fits
    h, w = painting.shape[:2]
    plm = np.asarray(painting_lm, np.float64)
    eyes = painted_eyes(painting, plm) if eyes is None else eyes
    common_p, common_f, rev_f, rev_ref, white_p, white_f, rev_d, both_d, far_d = [], [], [], [], [], [], [], [], []
    other_n, almonds = 0, []
    for k, (e, fit) in enumerate(zip(EYES, fits)):
        if fit is None:
            continue
        r = float(iris_radii[k])
        win = eye_window(plm, e, fit.affine, fit.iris, r, (h, w), erode)
        cp, cf, (x0, y0, x1, y1), xx, yy = win.painted_iris, win.frame_iris, win.box, win.xx, win.yy
        dp, df, inside = win.dp, win.df, win.inside
        f_here = cv2.remap(f_lab, *win.frame_map(fit.affine), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        p_here = p_lab[y0:y1, x0:x1]
        # the painting's eye white itself (its colour sampled beside the iris): on a stylised
        # eye FaceMesh's contour holds as much lid rim, lash and iris rim as white
        white = painted_white(painting[y0:y1, x0:x1].astype(np.float32), win.opening, cp - [x0, y0], r, 0.0)
        if white.sum() < 4:
            white = inside
        common = white & inside & (dp > 1.1 * r) & (df > FRAME_IRIS * r)
        white_p.append(p_here[white & inside & (dp > 1.1 * r)])  # off the lid lines, as the frame's
        common_p.append(p_here[common])
        common_f.append(f_here[common])
        move = cf - cp
        if np.hypot(*move) > 0.5 * r:
            behind = ((xx - cp[0]) * move[0] + (yy - cp[1]) * move[1]) < 0  # the side the iris left
            revealed = inside & (dp < r) & (df > FRAME_IRIS * r)
            beside = white & (dp > 1.15 * r) & (dp < 2.3 * r) & behind & (df > FRAME_IRIS * r)
            if revealed.any() and beside.any():  # the ring (the measure before session 7)
                rev_f.append(f_here[revealed])
                rev_ref.append(p_here[beside])
            # both sides' mean between FaceMesh's lids (the measure of sessions 7-8)
            t, u, bands = between_lids(plm, e, xx, yy)
            uc = between_lids(plm, e, np.float32(cp[0]), np.float32(cp[1]))[1]
            ref = white & inside & (dp > 1.15 * r) & (np.abs(u - uc) < 2.3 * r)  # beside, both sides
            d = banded_residuals(f_here[revealed], t[revealed], p_here[ref], t[ref], u[ref] > uc, bands)
            if len(d) >= max(MIN_EYE_PIXELS, MIN_REVEALED * (inside & (dp < r)).sum()):
                both_d.append(d)
            # the margin round the moved iris on the larger of the two radii: it keeps the moved
            # iris' rim out of the white, and a fit 2 % smaller must not let it in (1.4 x 7.84 px
            # counted a halo 1.5 radii wide on tests/test_white_match.py's thin crescent)
            margin = FRAME_IRIS * max(r, eyes[k].radius)
            side = side_reference(painting, p_here, f_here, eyes[k], k, plm, (x0, y0), move, margin, erode)
            least = max(MIN_EYE_PIXELS, MIN_REVEALED * side.visible)
            own, far = side.residuals[~side.other], side.residuals[side.other]
            if len(own) >= least:  # the verdict: only pixels with their own side's painted white
                rev_d.append(own)
            if len(far) >= least:
                far_d.append(far)
                other_n += len(far)
                almonds += almond(side, p_here, eyes[k], e, plm, (x0, y0))
        else:
            revealed = np.zeros_like(common)
        white_f.append(f_here[common | revealed])

    common, ring, white = median_differences(common_f, common_p), median_differences(rev_f, rev_ref), median_differences(white_f, white_p)
    rev, both, far = median_residuals(rev_d), median_residuals(both_d), median_residuals(far_d)
    return WhiteMatch(common.l, common.b, rev.l, rev.b, sum(len(x) for x in common_f), sum(len(x) for x in rev_d), white.l, rev.ab,
                      ring.l, ring.ab, both.l, both.ab, other_n if np.isfinite(far.l) else 0, far.l, far.ab, tuple(almonds))


@dataclass(frozen=True)
class MedianDifference:
    """Frame minus painting, each eye against itself, the eyes weighted by their frame pixels.

    Attributes:
        per_eye: (E, 3) float32 median CIE Lab of each measured eye's frame pixels minus that
            of its painting pixels (E = 0 when nothing was measurable).
        weights: (E,) int frame pixels of each eye.
    """

    per_eye: np.ndarray
    weights: np.ndarray

    def _mean(self, v: np.ndarray) -> float:
        return float(np.average(v, weights=self.weights)) if len(self.weights) else float("nan")

    @property
    def l(self) -> float:  # noqa: E743 (CIE L)
        """Lightness difference (L, 0..100 scale); NaN when not measurable."""
        return self._mean(self.per_eye[:, 0])

    @property
    def b(self) -> float:
        """Yellow-blue difference (CIE b); NaN when not measurable."""
        return self._mean(self.per_eye[:, 2])

    @property
    def ab(self) -> float:
        """Hue and chroma difference |(da, db)| (lightness left out); NaN when not measurable."""
        return self._mean(np.hypot(self.per_eye[:, 1], self.per_eye[:, 2]))


def median_residuals(d: list[np.ndarray]) -> MedianDifference:
    """The median of each eye's differences ``d`` ((K, 3) Lab, frame pixel minus its reference),
    the eyes weighted by their pixels; nothing is measured with fewer than :data:`MIN_PIXELS` in all."""
    d = [x for x in d if len(x) >= MIN_EYE_PIXELS]
    d = d if sum(len(x) for x in d) >= MIN_PIXELS else []
    return MedianDifference(np.array([np.median(x, 0) for x in d], np.float32).reshape(-1, 3), np.array([len(x) for x in d], np.int64))


def median_differences(f: list[np.ndarray], p: list[np.ndarray]) -> MedianDifference:
    """The median Lab of each eye's frame pixels ``f`` minus its painting pixels ``p`` ((K, 3)
    Lab each, one array per eye); eyes with fewer than :data:`MIN_EYE_PIXELS` on either side
    are left out, nothing is measured with fewer than :data:`MIN_PIXELS` in all.

    Each eye against itself: one eye may be in shadow, and pooled, a few light pixels of the
    lit eye against many dark ones of the shaded eye read as a large false change.
    """
    pairs = [(fi, pi) for fi, pi in zip(f, p) if len(fi) >= MIN_EYE_PIXELS and len(pi) >= MIN_EYE_PIXELS]
    if sum(len(fi) for fi, _ in pairs) < MIN_PIXELS or sum(len(pi) for _, pi in pairs) < MIN_PIXELS:
        pairs = []
    diffs = [np.median(fi, 0) - np.median(pi, 0) for fi, pi in pairs]
    return MedianDifference(np.array(diffs, np.float32).reshape(-1, 3), np.array([len(fi) for fi, _ in pairs], np.int64))


def fit_eyes(
    painting_l: np.ndarray, frame_l: np.ndarray, painting_lm: np.ndarray, frame_lm: np.ndarray,
    iris_radii: tuple[float, float], register: bool = True,
) -> list[EyeFit | None]:
    """Where each painted eye went in the frame (``EYES`` order; None where no similarity fits):
    the painting's eye contour fitted to the frame's, refined by registering the eye's own pixels
    (:func:`sfumato.face.eye_register.register_eye`; the contour alone is off by a pixel or two,
    enough to read a lid line as changed white), and the painted iris found in the frame from
    FaceMesh's iris centre there (:func:`find_iris`).

    Args:
        painting_l, frame_l: (H, W) float32 CIE L of each image, the same size.
        painting_lm, frame_lm: (478, 2|3) FaceMesh landmarks of each.
        iris_radii: the painting's own iris radius per eye, pixels.
        register: False: the contour's similarity alone (the measure before).
    """
    plm, flm = np.asarray(painting_lm, np.float64), np.asarray(frame_lm, np.float64)
    fits: list[EyeFit | None] = []
    for k, e in enumerate(EYES):
        pp, fp = plm[list(e.contour), :2], flm[list(e.contour), :2]
        a, _ = cv2.estimateAffinePartial2D(pp.astype(np.float32), fp.astype(np.float32), method=cv2.LMEDS)
        if a is None:
            fits.append(None)
            continue
        opening = shrunk_contour(painting_l.shape, pp)
        found = find_iris(painting_l, frame_l, plm[e.iris[0], :2], float(iris_radii[k]), opening, flm[e.iris[0], :2])
        if register:
            a = register_eye(painting_l, frame_l, a, pp, plm[e.iris[0], :2], found, float(iris_radii[k]))
        fits.append(EyeFit(a, np.array(found, np.float64)))
    return fits


def followed_landmarks(
    painting: np.ndarray, frame: np.ndarray, painting_lm: np.ndarray, frame_lm: np.ndarray,
    iris_radii: tuple[float, float], *, fits: list[EyeFit | None] | None = None,
) -> np.ndarray:
    """The frame's landmarks with each eye's contour and iris taken from where the painted eye
    went (:func:`fit_eyes`), not from FaceMesh's run on the frame.

    FaceMesh's eye contour on two nearly identical images differs by half a pixel here and
    there; where the eye white is half dark (a large painted iris' rim, its shadow) that moves
    enough dark pixels in or out of the white to move its median by several L (portrait_07's
    gaze-0 frame, nearly the painting: +6.6 L). Here each eye's contour is the painting's,
    moved by the similarity fitted to the two contours and refined on the eye's pixels (their
    shape is the painting's: the lids are not redrawn by a horizontal gaze), and its iris centre is the painted iris found
    in the frame (:func:`find_iris`), the rim points at the painted radius.

    Args:
        painting, frame: (H, W, 3) uint8 RGB, the same size; painting_lm, frame_lm: (478, 2|3)
            FaceMesh landmarks of each; iris_radii: the painting's iris radius per eye;
        fits: :func:`fit_eyes` of these images and landmarks when the caller has it (the
            images are then not read).

    Returns:
        (478, 2|3) float64 like ``frame_lm``.
    """
    fits = fit_eyes(lightness(painting), lightness(frame), painting_lm, frame_lm, iris_radii) if fits is None else fits
    plm, out = np.asarray(painting_lm, np.float64), np.array(frame_lm, np.float64)
    for k, (e, fit) in enumerate(zip(EYES, fits)):
        if fit is None:
            continue
        a, c, r = fit.affine, fit.iris, float(iris_radii[k])
        out[list(e.contour), :2] = plm[list(e.contour), :2] @ a[:, :2].T + a[:, 2]
        out[e.iris[0], :2] = c
        out[list(e.iris[1:]), :2] = c + r * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    return out
