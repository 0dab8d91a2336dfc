"""The iris' painted edge against the eye white: how soft it is and where it lies, ray by ray.

A painted iris does not stop at a sharp circle: the Mona Lisa's melts into her white over 3-5 px
(sfumato), an anime eye's stops in a pixel. :func:`ray_edges` follows rays from the iris centre
out across the rim, only where they run inside the opening into a white lighter than the iris
(the directions where white shows), and fits each with a smooth step (an error function, with a
soft-L1 loss so a fleck of paint or a catchlight does not pull it); :func:`painted_edge` is their
median, :func:`soft_disc` the iris layer's alpha with that edge, so the moved iris meets the
rebuilt white as softly (or as sharply) as its painter made it meet the painted one.
The rig reads it from the painting (:func:`sfumato.rig.eye.eye_layers`); the bench reads it the
same way from FaceMesh's eye on a painting or a frame (:mod:`sfumato.face.limbus_edge`).

Arrays: ``light`` (h, w) float32 CIE L in [0, 100]; ``inside`` (h, w) float32 in [0, 1], 1 inside
the eye opening; centres (2,) x, y pixels of those arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import map_coordinates
from scipy.optimize import least_squares
from scipy.special import erf, erfc

from sfumato.imaging.lab import lightness

N_RAYS = 96
"""Rays round the iris."""
SPAN = (0.55, 1.7)
"""Each ray is sampled from this many iris radii (inside the iris, clear of most pupils) out."""
OUT_MIN = 1.35
"""A ray counts only when it stays inside the opening at least this far out (iris radii), or
3 pixels past the rim if that is further: enough white beyond the rim to see the rise end."""
CONTRAST = 8.0
"""... and the fitted step from iris to white is at least this many L (a ray into a lid's shade
or a corner's skin is no edge against the white)."""
MIN_RAYS = 3
"""Fewer rays than this (an iris that fills its opening) give no edge."""
RISE = 2.0 * 1.2815515655446004
"""The 10-90% rise of an error-function step is this many of its sigmas."""
STEP = 0.25
"""Sampling step along a ray, pixels."""
PIXEL = 1.05
"""A step sampled on pixels and read back along a ray (bilinear) reads wider than it is by about
this many pixels in quadrature (a known error-function edge 0.8 / 1.0 / 1.5 / 2.5 / 5 px wide
read 1.26-1.34 / 1.41-1.48 / 1.83-1.84 / 2.71 / 5.11): each ray's rise is given less it, so a
painting's edge and a frame's are the edge itself, and the rig draws what was painted."""


@dataclass(frozen=True)
class PaintedEdge:
    """The iris' edge against the white.

    Attributes:
        width: 10-90% rise across the rim, pixels (the median over the rays kept);
        mid: where the rise is half done, pixels from the iris centre (median);
        rays: how many rays were kept; widths: (rays,) each one's rise, pixels.
    """

    width: float
    mid: float
    rays: int
    widths: np.ndarray


def _step(p: np.ndarray, rho: np.ndarray) -> np.ndarray:
    a, b, mu, sigma = p
    return a + b * 0.5 * (1.0 + erf((rho - mu) / (np.sqrt(2.0) * sigma)))


def ray_step(rho: np.ndarray, prof: np.ndarray, radius: float) -> tuple[float, float, float]:
    """One ray's edge: (10-90% rise in pixels, less :data:`PIXEL` in quadrature; half-way radius
    in pixels; step in L) of the error-function step fitted to ``prof`` ((K,) L) at radii ``rho`` ((K,) pixels), its half-way
    point held within 0.35 radii of ``radius``."""
    k = max(3, len(prof) // 5)
    inner, outer = float(np.median(prof[:k])), float(np.median(prof[-k:]))
    lo = np.array([-50.0, 0.0, 0.65 * radius, 0.15])
    hi = np.array([150.0, 150.0, 1.35 * radius, max(0.6, 0.6 * radius)])
    p0 = np.clip(np.array([inner, max(outer - inner, 1.0), radius, max(0.5, 0.1 * radius)]), lo + 1e-6, hi - 1e-6)
    fit = least_squares(lambda p: _step(p, rho) - prof, p0, bounds=(lo, hi), loss="soft_l1", f_scale=2.0)
    return float(np.sqrt(max((RISE * fit.x[3]) ** 2 - PIXEL**2, 0.0))), float(fit.x[2]), float(fit.x[1])


def ray_edges(light: np.ndarray, inside: np.ndarray, centre: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Each kept ray's 10-90% rise and half-way radius, pixels: two (K,) float64 arrays.

    A ray is kept where it stays inside the opening (``inside`` > 0.5) out to :data:`OUT_MIN`
    radii and steps at least :data:`CONTRAST` L up to the white; its profile ends a little past
    its lightest point (beyond, a lid's shade or line comes in)."""
    light = np.ascontiguousarray(light, np.float32)
    r = float(radius)
    rho = np.arange(SPAN[0] * r, SPAN[1] * r + STEP, STEP)
    theta = 2 * np.pi * np.arange(N_RAYS) / N_RAYS
    xs = centre[0] + rho[None, :] * np.cos(theta)[:, None]
    ys = centre[1] + rho[None, :] * np.sin(theta)[:, None]
    prof = map_coordinates(light, [ys, xs], order=1, mode="nearest")
    seen = map_coordinates(np.asarray(inside, np.float32), [ys, xs], order=0, mode="constant") > 0.5
    need = int(np.searchsorted(rho, max(OUT_MIN * r, r + 3.0)))
    widths, mids = [], []
    for k in range(N_RAYS):
        if not seen[k, : need + 1].all():
            continue
        out = np.flatnonzero(~seen[k])
        stop = int(out[0]) if len(out) else len(rho)
        top = int(np.argmax(np.where(rho[:stop] >= 0.9 * r, prof[k, :stop], -np.inf)))
        end = min(stop, top + int(round(2.0 / STEP)) + 1)
        width, mid, contrast = ray_step(rho[:end], prof[k, :end], r)
        if contrast >= CONTRAST:
            widths.append(width)
            mids.append(mid)
    return np.asarray(widths, np.float64), np.asarray(mids, np.float64)


def painted_edge(light: np.ndarray, inside: np.ndarray, centre: np.ndarray, radius: float) -> PaintedEdge | None:
    """The iris' edge (:class:`PaintedEdge`, medians over :func:`ray_edges`), or None with fewer
    than :data:`MIN_RAYS` rays where white shows."""
    widths, mids = ray_edges(light, inside, centre, radius)
    if len(widths) < MIN_RAYS:
        return None
    return PaintedEdge(float(np.median(widths)), float(np.median(mids)), len(widths), widths)


MIN_WIDTH = 0.8
"""The alpha's rise is never sharper than this (pixels, 10-90%): a hard-painted edge stays a
whole pixel's anti-aliased step, not a stair."""


def soft_disc(shape: tuple[int, int], centre: np.ndarray, mid: float, width: float) -> np.ndarray:
    """An iris alpha with the painted edge: (h, w) float32 in [0, 1], 1 inside, falling as an
    error function through 0.5 at ``mid`` pixels from ``centre`` with a 10-90% fall of ``width``
    pixels (at least :data:`MIN_WIDTH`)."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(xx - np.float32(centre[0]), yy - np.float32(centre[1]))
    sigma = max(width, MIN_WIDTH) / RISE
    return (0.5 * erfc((d - mid) / (np.sqrt(2.0) * sigma))).astype(np.float32)


def reach(mid: float, width: float) -> float:
    """How far from the centre :func:`soft_disc` is still above 0.1 % (pixels)."""
    return mid + 3.1 * max(width, MIN_WIDTH) / RISE


EDGE_MID = (0.85, 1.15)
"""The painted edge's half-way point is taken within these iris radii of the centre (the fitted
radius is where the rim steps most, so the two lie close; a ray fit gone astray stays off)."""
EDGE_MAX = 0.5
"""... and its 10-90% width at most this many iris radii."""


def painted_soft_edge(image: np.ndarray, inside: np.ndarray, c: np.ndarray, r: float) -> tuple[float, float] | None:
    """The painted iris' edge against its white, (mid, width) pixels (:func:`painted_edge`,
    bounded by :data:`EDGE_MID` and :data:`EDGE_MAX`), or None where too little white shows beside it.

    Args:
        image: (h, w, 3) float32 RGB ROI; inside: (h, w) float32 in [0, 1], the painted opening;
        c: (2,) iris centre, ROI pixels; r: iris radius, pixels.
    """
    found = painted_edge(lightness(image), inside, c, r)
    if found is None:
        return None
    return float(np.clip(found.mid, EDGE_MID[0] * r, EDGE_MID[1] * r)), float(min(found.width, EDGE_MAX * r))


def fade_start(mid: float, width: float, r: float) -> float:
    """Where (iris radii) the layer's painted fade is taken off (:func:`sfumato.rig.iris_rim.dark_rim`,
    whose cap ramps in over a tenth of a radius from here): its ramp centred where the painted
    fade is a tenth of the way to the white, within 0.5..0.9 radii. Further in the paint is the
    iris' own (a lighter outer band of it kept: capped from the 3 % point, the astronaut's
    lighter iris rim read as a dark ring)."""
    return float(np.clip((mid - 0.5 * max(width, MIN_WIDTH)) / max(r, 1e-3) - 0.05, 0.5, 0.9))

