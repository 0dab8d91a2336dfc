"""Rig a painting's head crop: measure each eye once (lids, iris, catchlight, white).

:func:`extract_rig` turns the crop and its FaceMesh landmarks into a :class:`Rig`. When the
eyes cannot be animated honestly (closed or half closed, hidden behind dark glasses, a strict profile, too
small) the rig has no eyes and says why in one line; the engine then turns the head only and
never paints eyes onto closed lids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.rig.catchlight import find_catchlight
from sfumato.face.topology import EYES, EyeIndices
from sfumato.rig.eye_fit import EyeRegion, PaintedFit, eye_region, fit_painted_eye
from sfumato.rig.iris import pupil_and_limbus, radial_profile
from sfumato.rig.model import EyeRig, IrisFit, Rig

MIN_EYE_WIDTH = 14.0
"""Eyes narrower than this (corner to corner, crop pixels) are too small to rig."""
MIN_OPEN = 0.17
"""An eye whose opening (FaceMesh's, :func:`read_eye`) is lower than this fraction of its width
is taken as closed. Midway between the readings of closed and open eyes (session 17: the rig's
own blink 0.9 and 1.0 frames of the 10 test paintings and the astronaut, saved as paintings,
read at most 0.12 on the lower eye of the pair, the Mona Lisa's; the 11 open paintings' lower
eye at least 0.23, portrait_03's image-right). Was 0.14, and portrait_17's closed lid read 0.13."""
MIN_CONTRAST = 10.0
"""An iris whose rim steps less than this (L) from the white is not there to move: dark glasses,
or a lid half over the eye, which hides the white beside the iris (FaceMesh opens a half-closed
painted eye wider than painted, so its opening alone does not see it). Midway between
portrait_17's own blink 0.7 frame saved as a painting, a slit whose lower eye reads 5.7 (was
rigged, its rebuilt white a flat block over the lid where the iris left), and the faintest
iris of the 11 open test paintings, portrait_17's image-right at 13.6 (session 17; was 5)."""
MIN_IRIS_SHARE = 0.35
"""... nor one whose disc lies less than this much inside the opening."""


@dataclass(frozen=True)
class EyeReading:
    """What the gate reads of one painted eye (:func:`read_eye`).

    Attributes:
        region: the eye's ROI and FaceMesh's estimates in it.
        opening: FaceMesh's opening height over the eye's width (corner to corner), >= 0.
        painted: the lids and iris fitted to the paint, or None when the eye is too small or
            closed (the fit is not run).
        contrast: the fitted iris' rim step from iris to white, L (0 when not fitted).
        share: the share of the fitted iris disc inside the fitted opening, 0-1 (0 when not fitted).
    """

    region: EyeRegion
    opening: float
    painted: PaintedFit | None = None
    contrast: float = 0.0
    share: float = 0.0


def _from_centre(shape: tuple[int, ...], centre) -> np.ndarray:
    """(h, w) float64 distance of each pixel of an ROI of ``shape`` from ``centre`` ((2,) x, y ROI pixels)."""
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]]
    return np.hypot(xx - centre[0], yy - centre[1])


def read_eye(crop: np.ndarray, lm: np.ndarray, eye: EyeIndices) -> EyeReading:
    """Read one eye for the gate: (S, S, 3) uint8 RGB crop, (478, 3) landmarks (crop pixels)."""
    region = eye_region(crop, lm, eye)
    width = region.width
    # closed or not is FaceMesh's call: the fit only moves lids outward, so on a nearly shut
    # painted eye it could open an opening that is not there
    reading = EyeReading(region, region.mesh_lids().height() / max(width, 1e-6))
    if width < MIN_EYE_WIDTH or reading.opening < MIN_OPEN:
        return reading
    painted = fit_painted_eye(region)
    fit = painted.iris
    in_disc = _from_centre(painted.inside.shape, fit.centre) < fit.radius
    share = float((painted.inside * in_disc).sum() / max(in_disc.sum(), 1))
    return EyeReading(region, reading.opening, painted, float(fit.contrast), share)


def _eye_rig(crop: np.ndarray, lm: np.ndarray, eye: EyeIndices, side: str) -> tuple[EyeRig | None, str]:
    """Measure one eye; (None, why) when it cannot be rigged."""
    reading = read_eye(crop, lm, eye)
    region, width = reading.region, reading.region.width
    if width < MIN_EYE_WIDTH:
        return None, f"the eyes are too small to rig ({width:.0f} px wide, at least {MIN_EYE_WIDTH:.0f} needed)"
    if reading.painted is None:
        # FaceMesh's opening cannot tell a lid from a dark lens (the astronaut in dark glasses reads 0.16)
        return None, (f"the eyes look closed or half closed, or hidden by dark glasses "
                      f"(opening {reading.opening:.2f} of the eye's width)")
    painted, share = reading.painted, reading.share
    if reading.contrast < MIN_CONTRAST or share < MIN_IRIS_SHARE:
        return None, (f"no iris to move (rim contrast {reading.contrast:.1f} L, {share:.0%} of it visible): "
                      "closed or half-closed eyes, or dark glasses")
    image, light, inside, fit = region.image, painted.light, painted.inside, painted.iris
    x0, y0 = region.origin
    dist = _from_centre(image.shape[:2], fit.centre)
    in_disc = dist < fit.radius
    pupil, limbus = pupil_and_limbus(radial_profile(light, inside, fit.centre, fit.radius))
    catch, _ = find_catchlight(image, light, inside, fit.centre, fit.radius)
    iris_px = in_disc & (inside > 0)
    colour = tuple(float(x) for x in image[iris_px].mean(0)) if iris_px.any() else (0.0, 0.0, 0.0)
    white_px = (inside > 0) & (dist > 1.35 * fit.radius)
    if white_px.sum() >= 4:
        white = tuple(float(x) for x in np.median(image[white_px], 0))
        wl = (float(np.percentile(light[white_px], 50)), float(np.percentile(light[white_px], 90)))
    else:
        white, wl = (0.0, 0.0, 0.0), (0.0, 0.0)
    iris = IrisFit(
        centre=(float(fit.centre[0] + x0), float(fit.centre[1] + y0)), radius=fit.radius, pupil=pupil, limbus=limbus,
        colour=colour, contrast=fit.contrast,  # type: ignore[arg-type]
    )
    return EyeRig(side, painted.upper.tolist(), painted.lower.tolist(), iris, catch, white, wl), ""  # type: ignore[arg-type]


def extract_rig(crop: np.ndarray, landmarks: np.ndarray) -> Rig:
    """Rig a head crop.

    Args:
        crop: (S, S, 3) uint8 RGB head crop.
        landmarks: (478, 3) float FaceMesh landmarks in crop pixels.

    Returns:
        The :class:`Rig`; ``rig.eyes`` empty and ``rig.eyes_off`` saying why when the eyes
        are closed, hidden, in strict profile or too small.
    """
    lm = np.asarray(landmarks, np.float64)
    if lm.shape != (478, 3):
        raise ValueError(f"the rig needs 478 refined FaceMesh landmarks, got {lm.shape}")
    rig = Rig(size=int(crop.shape[0]), landmarks=lm.astype(np.float32))
    widths = [float(np.linalg.norm(lm[e.corners[1], :2] - lm[e.corners[0], :2])) for e in EYES]
    if min(widths) < 0.45 * max(widths):
        rig.eyes_off = f"the face is in strict profile (one eye {min(widths) / max(widths):.0%} as wide as the other)"
        return rig
    eyes = []
    for eye, side in zip(EYES, ("right", "left")):
        er, why = _eye_rig(crop, lm, eye, side)
        if er is None:
            rig.eyes_off = why
            return rig
        eyes.append(er)
    rig.eyes = eyes
    return rig
