"""The iris' painted edge against the eye white: how soft it is and where it lies, ray by ray.

A painted iris does not stop at a sharp circle: the Mona Lisa's melts into her white over 3-5 px
(sfumato), an anime eye's stops in a pixel. :func:`ray_edges` follows rays from the iris centre
out across the rim, only where they run inside the opening into a white lighter than the iris
(the directions where white shows), and fits each with a smooth step (an error function, with a
soft-L1 loss so a fleck of paint or a catchlight does not pull it); :func:`painted_edge` gathers
them, :func:`width_by_direction` smooths their widths round the rim (since limbus20: an iris
painted sharp on one side and soft on the other, portrait_20's, keeps both), and
:func:`soft_disc` draws the iris' alpha with that edge, at the pixels where the moved iris lands,
so it meets the rebuilt white as softly (or as sharply) as its painter made it meet the painted one.
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
from sfumato.rig.model import EyeRig, IrisEdge

N_RAYS = 96
"""Rays round the iris."""
SPAN = (0.55, 1.7)
"""Each ray is sampled from this many iris radii (inside the iris, clear of most pupils) out."""
OUT_MIN = 1.35
"""A ray counts only when it stays inside the opening at least this far out (iris radii), or
3 pixels past the rim if that is further: enough white beyond the rim to see the rise end."""
CONTRAST = 8.0
"""... and the fitted step from iris to white is at least this many L (a ray into a lid's shade
or a corner's skin is no edge against the white). Set by limbus15 (fb3cf83) with no recorded
case; swept by limbus20 over 0 / 4 / 8 / 12 / 16 L on the 24 eyes of the 11 test paintings and
the astronaut at 1x and 3x (the rig's own reading, /tmp/limbus20/sweep.txt): from 4 to 12 the
median width moves at most 0.1 px on 22 of them (the Mona Lisa's image-right 2.95 -> 3.07 at
12; portrait_02's image-right 0.81 / 1.04 / 1.27, rays along its lid's shade coming and going);
at 0 portrait_13's image-right keeps 9 more rays, into its lid (0.97 -> 0.78 px); at 16 the
rays thin out (portrait_17's image-right 24 -> 7, the astronaut's 9 -> 6). 8 is mid-plateau."""
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
        rays: how many rays were kept; widths: (rays,) each one's rise, pixels;
        angles: (rays,) each one's direction, radians (:func:`ray_fits`).
    """

    width: float
    mid: float
    rays: int
    widths: np.ndarray
    angles: np.ndarray


@dataclass(frozen=True)
class DrawnEdge:
    """The edge the iris layer's alpha is drawn with (:func:`soft_disc`).

    Attributes:
        mid: half-way radius, pixels from the iris centre (one circle);
        widths: (:data:`N_RAYS`,) float64, the 10-90% width in each ray's direction (ray k at
            2 pi k / N_RAYS radians), pixels (:func:`width_by_direction`).
    """

    mid: float
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
    """Each kept ray's 10-90% rise and half-way radius, pixels: two (K,) float64 arrays
    (:func:`ray_fits` without the rays' directions)."""
    _, widths, mids = ray_fits(light, inside, centre, radius)
    return widths, mids


def ray_fits(light: np.ndarray, inside: np.ndarray, centre: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each kept ray's direction (radians, image x right and y down: 0 points right, pi/2 down),
    10-90% rise and half-way radius, pixels: three (K,) float64 arrays.

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
    angles, widths, mids = [], [], []
    for k in range(N_RAYS):
        if not seen[k, : need + 1].all():
            continue
        out = np.flatnonzero(~seen[k])
        stop = int(out[0]) if len(out) else len(rho)
        top = int(np.argmax(np.where(rho[:stop] >= 0.9 * r, prof[k, :stop], -np.inf)))
        end = min(stop, top + int(round(2.0 / STEP)) + 1)
        width, mid, contrast = ray_step(rho[:end], prof[k, :end], r)
        if contrast >= CONTRAST:
            angles.append(theta[k])
            widths.append(width)
            mids.append(mid)
    return np.asarray(angles, np.float64), np.asarray(widths, np.float64), np.asarray(mids, np.float64)


def painted_edge(light: np.ndarray, inside: np.ndarray, centre: np.ndarray, radius: float) -> PaintedEdge | None:
    """The iris' edge (:class:`PaintedEdge`, medians over :func:`ray_edges`), or None with fewer
    than :data:`MIN_RAYS` rays where white shows."""
    angles, widths, mids = ray_fits(light, inside, centre, radius)
    if len(widths) < MIN_RAYS:
        return None
    return PaintedEdge(float(np.median(widths)), float(np.median(mids)), len(widths), widths, angles)


SMOOTH = np.radians(15.0)
"""Each ray's width is the weighted median of the rays within about this of it (a Gaussian's
sigma, radians round the rim): wide enough that a few rays' fits go into each and a stray one
(a ray into a fleck of paint: portrait_20's image-right iris, one ray of 14 px among 0.5-1.3 px
ones) is outvoted, narrow enough that a side painted sharp and one painted soft (that iris:
0.5-0.9 px down-right, 2.4-4.1 px down-left, about 90 degrees apart) keep their own."""


def width_by_direction(angles: np.ndarray, widths: np.ndarray, n: int = N_RAYS) -> np.ndarray:
    """The edge width round the rim: (n,) float64 pixels, direction k at 2 pi k / n radians.

    Each kept ray's width (``angles``, ``widths``: (K,) radians and pixels, :func:`ray_fits`) is
    first smoothed round the rim (the weighted median of the rays, weighted by a Gaussian of their
    angle from it, sigma :data:`SMOOTH`); between the rays, and where no white shows (under the
    lids, in the corners), the width is linear in angle between the nearest rays on either side,
    so a side keeps its width on round the rim to where the other side's rays begin (a moved
    iris shows white where the painted one did not: beside it, along the eye's axis)."""
    angles = np.asarray(angles, np.float64)
    widths = np.asarray(widths, np.float64)
    gap = np.angle(np.exp(1j * (angles[:, None] - angles[None, :])))
    wt = np.exp(-0.5 * (gap / SMOOTH) ** 2)
    order = np.argsort(widths)
    cum = np.cumsum(wt[:, order], 1)
    smooth = widths[order][(cum < 0.5 * cum[:, -1:]).sum(1)]
    return np.interp(2 * np.pi * np.arange(n) / n, angles, smooth, period=2 * np.pi)


MIN_WIDTH = 0.8
"""The alpha's rise is never sharper than this (pixels, 10-90%): a hard-painted edge stays a
whole pixel's anti-aliased step, not a stair."""


def soft_disc(shape: tuple[int, int], centre: np.ndarray, mid: float, width: float | np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """An iris alpha with the painted edge: (h, w) float32 in [0, 1], 1 inside, falling as an
    error function through 0.5 at ``mid`` pixels from ``centre`` with a 10-90% fall of ``width``
    pixels (at least :data:`MIN_WIDTH`): one width all round, or (S,) widths by direction
    (direction k at 2 pi k / S radians, image x right and y down; linear in angle between).
    ``a``: (2, 2) linear map (the moved iris' foreshortening, :func:`sfumato.rig.iris_place.place_iris`'s)
    the disc is drawn through, about ``centre``; None: none. Drawn at the pixels themselves, not
    warped from a layer: a bilinear warp at a half-pixel offset widens a 0.9 px edge to 1.25."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = xx - np.float32(centre[0]), yy - np.float32(centre[1])
    if a is not None:
        inv = np.linalg.inv(np.asarray(a, np.float64)).astype(np.float32)
        dx, dy = inv[0, 0] * dx + inv[0, 1] * dy, inv[1, 0] * dx + inv[1, 1] * dy
    d = np.hypot(dx, dy)
    if np.ndim(width) == 0:
        sigma = max(float(width), MIN_WIDTH) / RISE
    else:
        sigma = (at_direction(np.maximum(np.asarray(width, np.float64), MIN_WIDTH), dx, dy) / RISE).astype(np.float32)
    return (0.5 * erfc((d - mid) / (np.sqrt(2.0) * sigma))).astype(np.float32)


def at_direction(values: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """(S,) values by direction (direction k at 2 pi k / S radians, image x right and y down)
    read at offsets ``dx``, ``dy`` ((h, w) pixels from the centre): (h, w) float64, linear in
    angle between directions."""
    phi = 2 * np.pi * np.arange(len(values)) / len(values)
    return np.interp(np.arctan2(dy, dx), phi, np.asarray(values, np.float64), period=2 * np.pi)


def reach(mid: float, width: float | np.ndarray) -> float:
    """How far from the centre :func:`soft_disc` is still above 0.1 % (pixels)."""
    return mid + 3.1 * max(float(np.max(width)), MIN_WIDTH) / RISE


EDGE_MID = (0.85, 1.15)
"""The painted edge's half-way point is taken within these iris radii of the centre (the fitted
radius is where the rim steps most, so the two lie close; a ray fit gone astray stays off). A
guard, set by limbus15 with no case that reached it: on the 24 eyes of limbus20's sweep (the
11 test paintings, the astronaut at 1x and 3x) the median half-way point lies at 0.97-1.04
radii (single rays 0.74-1.35, each held by :func:`ray_step` within 0.65-1.35), so it never binds."""
EDGE_MAX = 0.5
"""... and its 10-90% width at most this many iris radii (each direction's too). A guard, set by
limbus15 with no case that reached it: on the same 24 eyes the median width is at most 0.31
radii (portrait_11's image-left, 3.3 px), each direction's after :data:`SPREAD` at most 0.39;
single rays read up to 1.53 (portrait_20's image-right, one stray 14 px ray, outvoted by
:func:`width_by_direction`), so it never binds; a fade half a radius wide would eat the iris."""


SPREAD = 1.25
"""No direction is drawn softer than this many times the median over all rays (nor than
:data:`EDGE_MAX`): rays toward an inner corner whose white darkens slowly beside the iris read
that shading as a soft edge (portrait_02's and portrait_07's image-left irises: 4-12 px there,
their half-way points pulled in to 0.89-0.95 radii, the median 2.0 px), and an alpha that soft
draws a dark halo round the moved iris over the rebuilt white, which has the shading of its own
(at 1.4 portrait_02's moved iris still showed its dark outline smeared into the white on that
side at 9x). Sharper than the median is never held back (no halo can come of it); a softer side
really painted keeps most of its width (portrait_20's image-right iris 3.5 px against its 2.6
median, drawn 3.3; the Mona Lisa's softest direction 4.2 against 3.0, drawn 3.7, where main
drew 3.0 all round)."""


def painted_soft_edge(image: np.ndarray, inside: np.ndarray, c: np.ndarray, r: float) -> DrawnEdge | None:
    """The painted iris' edge against its white (:func:`painted_edge`; its widths by direction,
    :func:`width_by_direction`), each width at most :data:`SPREAD` times the median and
    :data:`EDGE_MAX` radii, the mid within :data:`EDGE_MID`, or None where too little white
    shows beside it.

    Args:
        image: (h, w, 3) float32 RGB ROI; inside: (h, w) float32 in [0, 1], the painted opening;
        c: (2,) iris centre, ROI pixels; r: iris radius, pixels.
    """
    found = painted_edge(lightness(image), inside, c, r)
    if found is None:
        return None
    top = min(EDGE_MAX * r, SPREAD * max(found.width, MIN_WIDTH))
    mid = float(np.clip(found.mid, EDGE_MID[0] * r, EDGE_MID[1] * r))
    return DrawnEdge(mid, np.minimum(width_by_direction(found.angles, found.widths), top))


def rig_edge(eye: EyeRig, image: np.ndarray, inside: np.ndarray, c: np.ndarray, r: float) -> DrawnEdge | None:
    """The eye's painted edge as its rig stores it (``eye.edge``, rig.json since version 2), or,
    where the rig has none yet (a new rig, a version 1 file), fitted (:func:`painted_soft_edge`,
    same arguments) and stored on ``eye`` so the rig's file carries it. Either way the same
    numbers: a bank's rebuild draws the edge its frames were rendered with."""
    if eye.edge is None:
        found = painted_soft_edge(image, inside, c, r)
        eye.edge = IrisEdge(None, []) if found is None else IrisEdge(found.mid, found.widths.tolist())
    if eye.edge.mid is None:
        return None
    return DrawnEdge(float(eye.edge.mid), np.asarray(eye.edge.widths, np.float64))


def fade_start(mid: float, width: float | np.ndarray, r: float) -> float | np.ndarray:
    """Where (iris radii) the layer's painted fade is taken off (:func:`sfumato.rig.iris_rim.dark_rim`,
    whose cap ramps in over a tenth of a radius from here): its ramp centred where the painted
    fade is a tenth of the way to the white, within 0.5..0.9 radii. Further in the paint is the
    iris' own (a lighter outer band of it kept: capped from the 3 % point, the astronaut's
    lighter iris rim read as a dark ring). One width, one radius; (S,) widths by direction,
    (S,) radii (a side painted soft fades from further in).

    The 0.05: half the cap's ramp (:func:`~sfumato.rig.iris_rim.dark_rim` ramps over 0.1 radii
    from here), which so centres it on the tenth-of-the-way point. 0.5..0.9: guards set by limbus15
    (fb3cf83) with no recorded case; 0.9 lets the ramp end by the fitted radius. Read in session
    17 on the 22 eyes of the 11 test paintings and the astronaut (their base banks' rigs, every
    direction): unclipped 0.74 (portrait_11's image-left, its soft edge) .. 0.95, so 0.5 never
    binds; 0.9 binds on sharp edges (every direction of portrait_03's image-right, portrait_13's,
    portrait_14's image-right and portrait_17's eyes, some of portrait_02's, 03's image-left, 07's
    and 10's image-right, 14's image-left, 20's image-right), moving the cap at most 0.045 radii
    (1 px at portrait_03's 22 px radius) further in than the fade asks."""
    if np.ndim(width) == 0:
        return float(np.clip((mid - 0.5 * max(float(width), MIN_WIDTH)) / max(r, 1e-3) - 0.05, 0.5, 0.9))
    return np.clip((mid - 0.5 * np.maximum(np.asarray(width, np.float64), MIN_WIDTH)) / max(r, 1e-3) - 0.05, 0.5, 0.9)
