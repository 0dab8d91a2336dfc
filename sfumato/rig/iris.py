"""The iris as an object: fitted to the painted pixels, and cut out as a movable layer.

:func:`fit_iris` starts from FaceMesh's iris estimate (centre and radius, which assume a
human-sized iris) and searches centre and radius for the circle whose visible rim (the part
between the lids) has the strongest step from dark iris to light eye white; the pupil and
the width of the limbus edge are read from the radial profile around that circle.
:func:`iris_layer` cuts the painted iris out as an RGB texture with a soft alpha disc, its
catchlight removed and the parts the lids hide completed from the paint at the same radius
nearest round the iris (:func:`around_fill`: under the upper lid, the lid-shaded band the
painting shows there), its radial profile where a whole ring is hidden.

Arrays are ROI pixels: ``image`` (h, w, 3) float32 RGB in [0, 255], ``lightness`` (h, w)
float32 CIE L in [0, 100], masks (h, w) float32 in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.ndimage import map_coordinates

from sfumato.imaging.lab import lightness  # noqa: F401 (the rig, its layers and tests read it from here)
from sfumato.rig.limbus import DrawnEdge, reach, soft_disc

N_ANGLES = 64


@dataclass(frozen=True)
class CircleFit:
    """A fitted circle: centre (2,) ROI pixels, radius pixels, rim contrast in L."""

    centre: np.ndarray
    radius: float
    contrast: float


def _rim_scores(
    light: np.ndarray, inside: np.ndarray, centres: np.ndarray, radii: np.ndarray, white: float
) -> tuple[np.ndarray, np.ndarray]:
    """Mean L step across the rim (outside minus inside) and visible share, per candidate.

    The step counts only up to the white's lightness, and an outside darker than the white is
    penalised, so the limbus (iris to white) wins over inner rings (pupil to iris).

    Args:
        light: (h, w) float32 L; inside: (h, w) float32, 1 where a sample may be taken.
        centres: (C, 2) x, y; radii: (R,) pixels; white: typical L of the eye white.

    Returns:
        (C, R) rim score and (C, R) share of rim angles where both samples are visible.
    """
    t = np.linspace(0, 2 * np.pi, N_ANGLES, endpoint=False)
    cos, sin = np.cos(t), np.sin(t)
    step = np.maximum(1.0, 0.15 * radii)
    r_in, r_out = radii - step, radii + step
    def sample(img: np.ndarray, rr: np.ndarray) -> np.ndarray:
        xs = centres[:, None, None, 0] + rr[None, :, None] * cos[None, None, :]
        ys = centres[:, None, None, 1] + rr[None, :, None] * sin[None, None, :]
        return map_coordinates(img, [ys.ravel(), xs.ravel()], order=1, mode="nearest").reshape(xs.shape)
    li, lo = sample(light, r_in), sample(light, r_out)
    ok = (sample(inside, r_in) > 0.99) & (sample(inside, r_out) > 0.99)
    n = ok.sum(-1)
    step = np.minimum(lo, white) - li - 0.5 * np.maximum(white - 8.0 - lo, 0.0)
    diff = np.where(ok, step, 0.0).sum(-1) / np.maximum(n, 1)
    # regions: the visible disc should be dark, the visible ring just outside it light
    def region_mean(fracs: tuple[float, ...]) -> np.ndarray:
        tot, cnt = 0.0, 0.0
        for f in fracs:
            vis = sample(inside, radii * f) > 0.99
            tot = tot + np.where(vis, sample(light, radii * f), 0.0).sum(-1)
            cnt = cnt + vis.sum(-1)
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)
    inner, outer = region_mean((0.35, 0.6, 0.85)), region_mean((1.15, 1.3))
    region = np.nan_to_num(np.minimum(outer, white) - inner, nan=0.0)
    return 0.5 * (diff + region), n / N_ANGLES


def fit_iris(light: np.ndarray, inside: np.ndarray, centre0: np.ndarray, radius0: float) -> CircleFit:
    """Fit the iris circle to the painted pixels, starting from FaceMesh's estimate.

    Candidates: centres within 0.35 radius0 of ``centre0``, radii 0.7..1.6 radius0 (drawn
    irises are often larger than FaceMesh's human prior). The score is the mean lightness step
    across the rim over the angles where the rim is visible (between the lids), averaged with
    the step from the visible disc to the visible ring around it, favouring circles whose rim
    is seen over an eighth of the turn at least, less a mild prior toward FaceMesh's circle.

    Args:
        light: (h, w) float32 CIE L; inside: (h, w) float32, 1 inside the eye opening (eroded).
        centre0: (2,) ROI pixels; radius0: pixels.
    """
    light = cv2.GaussianBlur(light, (0, 0), max(0.5, 0.05 * radius0))
    h, w = light.shape
    yy, xx = np.mgrid[0:h, 0:w]
    out = (inside > 0.5) & (np.hypot(xx - centre0[0], yy - centre0[1]) > 1.3 * radius0)
    white = float(np.percentile(light[out], 75)) if out.sum() >= 4 else float(np.percentile(light[inside > 0.5], 90)) if (inside > 0.5).any() else 100.0
    best = CircleFit(np.asarray(centre0, np.float64), float(radius0), 0.0)
    span, n = 0.35 * radius0, 9
    for it in range(2):  # coarse, then fine around the best
        offs = np.linspace(-span, span, n)
        gx, gy = np.meshgrid(offs, offs)
        centres = np.stack([gx.ravel(), gy.ravel()], 1) + best.centre
        radii = np.linspace(0.7, 1.6, 19) * radius0 if it == 0 else best.radius + np.linspace(-0.08, 0.08, 9) * radius0
        diff, share = _rim_scores(light, inside, centres, radii, white)
        prior = 12.0 * (np.hypot(*(centres - centre0).T) / radius0)[:, None] ** 2 + 12.0 * np.log(radii / radius0)[None, :] ** 2
        score = diff * np.clip(share / 0.12, 0.0, 1.0) - prior
        ci, ri = np.unravel_index(int(np.argmax(score)), score.shape)
        best = CircleFit(centres[ci], float(radii[ri]), float(diff[ci, ri]))
        span, n = span / 4.0, 7
    return best


def radial_profile(light: np.ndarray, weight: np.ndarray, centre: np.ndarray, radius: float, bins: int = 24) -> np.ndarray:
    """(bins,) mean L at radii (i + 0.5) / bins * 1.5 * radius, weighted (NaN where unseen)."""
    h, w = light.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rho = np.hypot(xx - centre[0], yy - centre[1]) / max(radius, 1e-3) / 1.5
    b = np.clip((rho * bins).astype(np.int64), 0, bins).ravel()
    wgt = (weight * (rho < 1)).ravel()
    cnt = np.bincount(b, wgt, bins + 1)[:bins]
    s = np.bincount(b, wgt * light.ravel(), bins + 1)[:bins]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0.5, s / cnt, np.nan)


def pupil_and_limbus(profile: np.ndarray) -> tuple[float, float]:
    """Pupil radius and limbus edge width (fractions of the iris radius) from a radial profile.

    The profile is :func:`radial_profile` (radii 0..1.5 iris radii). The pupil is the dark core
    where the profile stays below midway between its centre and the iris ring (0 when the
    centre is not darker than the ring by 6 L); the limbus width is the 20-80% rise of the
    profile across the rim.
    """
    n = len(profile)
    r = (np.arange(n) + 0.5) / n * 1.5
    p = profile.copy()
    good = ~np.isnan(p)
    if good.sum() < 4:
        return 0.0, 0.15
    p = np.interp(r, r[good], p[good])
    core, ring = p[r < 0.25].mean(), p[(r > 0.5) & (r < 0.85)].mean()
    pupil = 0.0
    if ring - core > 6.0:
        mid = (core + ring) / 2
        above = np.flatnonzero((r < 0.8) & (p > mid))
        pupil = float(r[above[0]]) if len(above) else 0.0
    lo_v, hi_v = p[(r > 0.6) & (r < 0.9)].mean(), p[(r > 1.15)].mean()
    if hi_v - lo_v < 3.0:
        return pupil, 0.15
    a = np.interp(lo_v + 0.2 * (hi_v - lo_v), p[r > 0.6], r[r > 0.6])
    b = np.interp(lo_v + 0.8 * (hi_v - lo_v), p[r > 0.6], r[r > 0.6])
    return pupil, float(np.clip(b - a, 0.05, 0.5))


def disc(shape: tuple[int, int], centre: np.ndarray, radius: float, edge: float) -> np.ndarray:
    """Soft disc, (h, w) float32 in [0, 1]: 1 inside ``radius - edge/2``, 0 beyond ``radius + edge/2``."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(xx - np.float32(centre[0]), yy - np.float32(centre[1]))
    return np.clip((radius - d) / max(edge, 1e-3) + 0.5, 0.0, 1.0).astype(np.float32)


def iris_layer(
    image: np.ndarray, seen: np.ndarray, centre: np.ndarray, radius: float, edge: float, hide: np.ndarray | None = None,
    painted_edge: DrawnEdge | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The painted iris as a movable layer, centred on the iris.

    Pixels the lids hide (``seen`` low) or ``hide`` marks (the catchlight) are completed: small
    holes by inpainting, the rest from the paint at the same radius nearest round the iris
    (:func:`around_fill`), so the iris stays whole wherever it moves.

    Args:
        image: (h, w, 3) float32 RGB ROI; seen: (h, w) float32, trust in each painted pixel.
        centre: (2,) iris centre; radius: limbus radius; edge: width of the alpha's soft rim.
        hide: (h, w) float32 in [0, 1] or None, pixels to replace (the catchlight).
        painted_edge: the painted edge (:class:`sfumato.rig.limbus.DrawnEdge`): the alpha falls
            as the painting does, through 0.5 at ``mid`` over the 10-90% ``widths`` by direction
            (:func:`sfumato.rig.limbus.soft_disc`); None: a linear ramp ``edge`` wide at ``radius``.

    Returns:
        rgb (n, n, 3) float32, alpha (n, n) float32 and painted (n, n) float32 in [0, 1], the
        share of each pixel that is the painting's (the rest completed), n = 2 * half + 1 with
        half = ceil(radius + edge) + 2 (or past the soft alpha's reach); the iris centre is at
        pixel (half, half).
    """
    half = int(np.ceil(max(radius + edge, 0.0 if painted_edge is None else reach(painted_edge.mid, painted_edge.widths)))) + 2
    n = 2 * half + 1
    m = np.float32([[1, 0, half - centre[0]], [0, 1, half - centre[1]]])
    warp = lambda a, interp=cv2.INTER_LINEAR: cv2.warpAffine(a, m, (n, n), flags=interp, borderMode=cv2.BORDER_REPLICATE)  # noqa: E731
    rgb = warp(np.ascontiguousarray(image, np.float32), cv2.INTER_CUBIC)
    trust = warp(np.ascontiguousarray(seen, np.float32))
    if hide is not None:
        gone = warp(np.ascontiguousarray(hide, np.float32)) > 0.05
        if gone.any():
            fill = cv2.inpaint(np.clip(rgb, 0, 255).astype(np.uint8), gone.astype(np.uint8), 3, cv2.INPAINT_TELEA)
            rgb = np.where(gone[..., None], fill.astype(np.float32), rgb)
    c = np.array([half, half], np.float64)
    ring = disc((n, n), c, radius, 1.0)
    prof = np.stack([radial_profile(rgb[..., k], trust * ring, c, radius, 12) for k in range(3)], 1)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    rho = np.hypot(xx - half, yy - half) / max(radius, 1e-3) / 1.5
    rr = (np.arange(12) + 0.5) / 12
    comp = np.empty_like(rgb)
    for k in range(3):
        col = prof[:, k]
        good = ~np.isnan(col)
        vals = np.interp(rr, rr[good], col[good]) if good.any() else np.full(12, rgb[..., k].mean())
        comp[..., k] = np.interp(rho, rr, vals)
    soft = cv2.GaussianBlur(trust, (0, 0), max(0.7, 0.08 * radius))  # trust fading in from the lids
    comp = around_fill(rgb, soft, half, comp)
    w = np.clip(soft * 1.5 - 0.25, 0, 1)[..., None]
    rgb = rgb * w + comp * (1 - w)
    alpha = disc((n, n), c, radius, edge) if painted_edge is None else soft_disc((n, n), c, painted_edge.mid, painted_edge.widths)
    return rgb.astype(np.float32), alpha, w[..., 0].astype(np.float32)


AROUND_ANGLES = 96
"""Angular samples of :func:`around_fill`'s polar grid (about 4 degrees each)."""
AROUND_TRUST = 0.9
"""... the samples trusted as paint (``seen``, blurred as the layer blends paint and fill, at
least this: clear of the soft painted lid edge, whose lid skin would come in over the iris)."""


def around_fill(rgb: np.ndarray, trust: np.ndarray, half: int, fallback: np.ndarray) -> np.ndarray:
    """The iris layer's hidden pixels completed from the paint at their radius, nearest round the
    iris on either side (linear in angle between the two): (n, n, 3) float32 RGB.

    The part of an iris a lid hides is next to the part the lid shades: an iris turned out from
    under its lid shows the shaded band the painting has just under the lid, not the mean of its
    whole ring (which brings the lit lower iris' colour up under the lid: the Mona Lisa's
    image-right iris read an amber rim, 33 L chroma 33, over her 25 L chroma 27 paint there).
    A radius with fewer than two trusted angles keeps ``fallback`` (the radial profile).

    Args:
        rgb: (n, n, 3) float32 RGB, the iris centred at pixel (half, half); trust: (n, n) float32
            in [0, 1], trust in each pixel's paint (blurred); fallback: (n, n, 3) float32 RGB.
    """
    n = rgb.shape[0]
    rho = np.arange(half + 2, dtype=np.float32)  # radius samples, a pixel apart, out past the disc
    step = 2.0 * np.pi / AROUND_ANGLES
    ang = np.arange(AROUND_ANGLES) * step
    mx = (half + np.cos(ang)[:, None] * rho[None, :]).astype(np.float32)  # polar grid: rows angles, columns radii
    my = (half + np.sin(ang)[:, None] * rho[None, :]).astype(np.float32)

    def polar(a: np.ndarray) -> np.ndarray:
        return cv2.remap(np.ascontiguousarray(a, np.float32), mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    pol, tp, out = polar(rgb), polar(trust), polar(fallback)
    for j in range(rho.size):
        good = tp[:, j] >= AROUND_TRUST
        if good.sum() < 2:
            continue
        for k in range(3):
            out[:, j, k] = np.interp(ang, ang[good], pol[good, j, k], period=2 * np.pi)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    bx = np.hypot(xx - half, yy - half).astype(np.float32)  # each pixel's place on the grid
    by = (np.mod(np.arctan2(yy - half, xx - half), 2 * np.pi) / step).astype(np.float32)
    wrapped = np.concatenate([out, out[:1]], 0)  # the angle runs on past the last row into the first
    back = cv2.remap(wrapped, bx, by, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return back.astype(np.float32)
