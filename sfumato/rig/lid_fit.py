"""Fit FaceMesh's lid contours to the painted edge of the eye opening.

FaceMesh's 16-point eye contour is a human eye's. On stylised or small painted eyes it misses
the painted opening: on an anime eye its upper lid runs a few pixels below the painted lash
line, through the top of the iris, so the top of the painted iris counts as lid skin and stays
behind as a dark band when the iris moves.

:func:`fit_lids` moves each lid, between its fixed corners, to the painted edge of the opening:

1. Across the eye, columns perpendicular to the eye's axis are sampled around the FaceMesh lid
   (CIE L, slightly smoothed). In each column the strongest step of the lid's polarity is
   found: darker outside the opening than inside (the lash line over the white, the lid skin or
   lid line under the white). The upper lid only moves out; the lower lid may move in by half the
   reach beside the iris and only ``inward_iris`` of it over the iris (further in it would find
   the iris' rim).
2. Columns whose step is weak (under ``min_step`` L across 2 pixels) or ends at the search
   window's edge say nothing; columns where FaceMesh's lid already lies on (nearly) as strong a
   step vote for no move.
3. Over the iris the upper lid's steps say nothing (lash line and iris are often one dark mass
   there); instead the painted iris itself speaks: where pixels above FaceMesh's lid are
   clearly the iris' colour rather than the lid's (:func:`iris_runs`), the lid lies at least
   above them.
4. The displacement is the columns' votes averaged along the lid with a Gaussian (no per-point
   jitter), pulled toward no move where few columns speak, faded to zero at the fixed corners
   and bounded (``reach`` of the eye's width, clipped to ``reach_px``: 1.5-8 px; :class:`LidFitParams`). Too few columns, or a move under a pixel: the lid
   stays FaceMesh's. The lids may not close in on each other.

Arrays are ROI pixels: ``image`` (h, w, 3) float32 RGB in [0, 255], ``light`` (h, w) float32
CIE L in [0, 100], ``lab`` (h, w, 3) float32 CIE Lab; contours (K, 2) float x, y from corner to
corner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.lids import EyeFrame


@dataclass(frozen=True)
class LidFitParams:
    """How far and on what evidence a lid moves.

    Attributes:
        reach: largest outward move, as a fraction of the eye's width (corner to corner) ...
        reach_px: ... within these bounds, pixels (min, max).
        inward: the lower lid's largest inward move beside the iris, as a fraction of the
            outward reach (over the iris, only :attr:`inward_iris` of it: the iris' rim steps
            the same way) ...
        inward_iris: see :attr:`inward`.
        inward_upper: ... and the upper lid's. Zero: it only moves out. Where FaceMesh's upper
            lid runs inside a painted lash line, moving it in brings the lid's shadow down onto
            the white the moved iris reveals (bench_rig on portrait_07: revealed dL -8.2 -> -10.8,
            portrait_03's painted dL 8.1 -> 8.8) and hides more of the iris' top.
        columns: columns sampled between the corners.
        margin: the columns span s in [margin, 1 - margin] (the corners' ends are too thin).
        min_step: a column's step (L across 2 smoothing widths) below this says nothing.
        min_share: at least this share of the columns that may speak must have a step, else the
            lid stays.
        min_move: a fitted move under this many pixels everywhere leaves the lid as it was:
            FaceMesh's contour jitters by about half a pixel between near-identical images, and a
            sub-pixel move of a well-fitted lid only reshuffles the white the rig samples
            (portrait_10's upper lid moved 0.7 px: bench_rig revealed dE ab 6.0 -> 6.4).
        keep: a column whose step at FaceMesh's lid is at least this share of its strongest
            step votes for no move (a painted lid edge is often a soft band: FaceMesh on it is right).
        iris_margin: over the iris a pixel above FaceMesh's upper lid is the painted iris when its
            colour (CIE Lab) lies this much nearer the iris' own colours than the lid's (lash
            line and skin beside the iris) (:func:`iris_runs`).
        smooth: the displacement is the columns' steps averaged with a Gaussian of this width
            (a share of the corner distance) ...
        prior: ... plus this much (times a column's mean weight) of "no move", so the lid stays
            near FaceMesh's where few columns speak.
    """

    reach: float = 0.08
    reach_px: tuple[float, float] = (1.5, 8.0)
    inward: float = 0.5
    inward_iris: float = 0.15
    inward_upper: float = 0.0
    columns: int = 25
    margin: float = 0.1
    min_step: float = 12.0
    min_share: float = 0.4
    min_move: float = 1.0
    keep: float = 0.7
    smooth: float = 0.12
    iris_margin: float = 12.0
    prior: float = 0.5


@dataclass(frozen=True)
class LidMove:
    """What the fit did to one lid: ``shift`` (K,) pixels each contour point moved outward
    (negative: inward) and ``share`` of columns that had an edge."""

    shift: np.ndarray
    share: float


def _corner_fade(s: np.ndarray) -> np.ndarray:
    """(n,) weight of the displacement at ``s`` in [0, 1]: zero at the corners, nearly one between."""
    return np.sqrt(np.clip(4.0 * s * (1.0 - s), 0.0, 1.0))


def _smooth(at: np.ndarray, s: np.ndarray, target: np.ndarray, w: np.ndarray, prior: float, width: float) -> np.ndarray:
    """The columns' votes ``target`` (N,) at ``s`` (N,) with weights ``w`` (N,), averaged along the
    lid with a Gaussian of ``width`` at ``at`` (M,), pulled toward 0 by ``prior`` weight: (M,)."""
    kern = np.exp(-0.5 * ((at[:, None] - s[None, :]) / width) ** 2) * w[None, :]
    return (kern @ target) / (kern.sum(1) + prior)


def _profiles(light: np.ndarray, frame: EyeFrame, u: np.ndarray, v0: np.ndarray, t: np.ndarray, out: float) -> np.ndarray:
    """(T, N) L sampled at eye-frame (u, v0 + out * t) for each column u (N,) and offset t (T,)."""
    return frame.sample(light, u[None, :], v0[None, :] + out * t[:, None])


def _peaks(step: np.ndarray, allowed: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Per column the index (N,) of the strongest ``step`` (T, N) where ``allowed``, and whether it
    is a real peak (N,) bool: at least ``floor`` and not at the end of the allowed window."""
    masked = np.where(allowed, step, -np.inf)
    best = np.argmax(masked, 0)
    cols = np.arange(step.shape[1])
    last = step.shape[0] - 1
    inner = allowed[np.clip(best - 1, 0, last), cols] & allowed[np.clip(best + 1, 0, last), cols]
    return best, np.isfinite(masked[best, cols]) & (masked[best, cols] >= floor) & inner


RunsFn = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def iris_runs(
    lab: np.ndarray, frame: EyeFrame, upper: np.ndarray, lower: np.ndarray, iris: tuple[np.ndarray, float], margin: float,
    lid_reach: float = LidFitParams.reach,
) -> RunsFn:
    """How far the painted iris reaches above FaceMesh's upper lid, column by column.

    Two colour samples (CIE Lab): the iris (pixels over the iris between the lids, 1.5 px off the
    upper lid, within 0.85 radii of its centre) and the lid (pixels above the upper lid beside the iris,
    0.5 px to ``lid_reach`` of the lid's span deep: lash line, lid line, skin). Going up from the
    lid, a pixel is the iris while its colour is ``margin`` nearer the iris sample than the lid's (distance to a
    sample: its 5th percentile, a robust nearest neighbour); the run ends at the first pixel
    that is not.

    Args:
        lab: (h, w, 3) float32 CIE Lab of the ROI (smoothed); frame: the eye frame;
        upper, lower: (K, 2) FaceMesh lids, ROI pixels; iris: FaceMesh's (centre (2,), radius).

    Returns:
        ``runs(u, v, reach)``: for columns at eye-frame u (N,) whose lid lies at v (N,), (N,)
        pixels of iris above the lid (0.5 .. reach); nan where the pixel right above the lid is
        not the iris (lash line or white: no say), everywhere when a sample is too small.
    """
    c, r = np.asarray(iris[0], np.float64), float(iris[1])
    cu, cv = frame.to_uv(c)
    uu, ul = frame.to_uv(upper), frame.to_uv(lower)
    uu, ul = uu[np.argsort(uu[:, 0])], ul[np.argsort(ul[:, 0])]

    def sample(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return frame.sample(lab, u, v)

    ui = np.arange(cu - 0.8 * r, cu + 0.8 * r, 0.5)
    vi = np.interp(ui, uu[:, 0], uu[:, 1])[None, :] - np.arange(1.5, 2.0 * r, 0.5)[:, None]
    keep = (vi > np.interp(ui, ul[:, 0], ul[:, 1])[None, :] + 1.0) & (np.hypot(ui[None, :] - cu, vi - cv) < 0.85 * r)
    iris_px = sample(ui[None, :], vi)[keep]
    span = uu[-1, 0] - uu[0, 0]
    ub = np.arange(uu[0, 0] + 0.15 * span, uu[-1, 0] - 0.15 * span, 0.5)
    ub = ub[np.abs(ub - cu) > 1.3 * r]
    lid_depth = max(1.0, lid_reach * span)
    lid_px = sample(ub[None, :], np.interp(ub, uu[:, 0], uu[:, 1])[None, :] + np.arange(0.5, lid_depth, 0.5)[:, None]).reshape(-1, 3)
    iris_px, lid_px = iris_px[:: max(1, len(iris_px) // 300)], lid_px[:: max(1, len(lid_px) // 300)]

    def runs(u: np.ndarray, v: np.ndarray, reach: float) -> np.ndarray:
        if len(iris_px) < 10 or len(lid_px) < 10:
            return np.full(len(u), np.nan)
        t = np.arange(0.0, reach + 0.25, 0.5)
        px = sample(u[None, :], v[None, :] + t[:, None])
        near = [np.percentile(np.linalg.norm(px[..., None, :] - ref[None, None], axis=-1), 5, axis=-1) for ref in (iris_px, lid_px)]
        is_iris = near[0] < near[1] - margin
        first = np.where(is_iris.all(0), len(t), np.argmin(is_iris, 0))
        return np.where(first > 0, np.minimum(first * 0.5, reach), np.nan)

    return runs


def fit_lid(
    light: np.ndarray, frame: EyeFrame, contour: np.ndarray, out: float, iris_u: tuple[float, float],
    params: LidFitParams = LidFitParams(), runs: RunsFn | None = None,
) -> LidMove:
    """Fit one lid to the painted edge of the opening.

    A column's edge is its strongest step from the darker lid (outside) to the lighter white
    (inside). Over the iris the upper lid's steps say nothing (lash line and iris are often one
    dark mass there: anime, heavy lashes, an old master's shaded lid); there ``runs`` (the upper
    lid's :func:`iris_runs`) says how far the painted iris reaches above the lid, if it does.

    Args:
        light: (h, w) float32 CIE L, smoothed by the caller (:func:`fit_lids`).
        frame: the eye frame; contour: (K, 2) the lid's FaceMesh points, corner to corner.
        out: +1 for the upper lid (outward is +v, up), -1 for the lower lid.
        iris_u: (u0, u1) the eye-frame u span the iris covers.
        runs: given the columns' u (N,) and v (N,) on the lid and the reach, (N,) pixels of
            painted iris above the lid in each column (nan: no say).

    Returns:
        The :class:`LidMove` (all zero when the edge is weak or FaceMesh already lies on it).
    """
    p = params
    uv = frame.to_uv(contour)
    order = np.argsort(uv[:, 0])
    cu, cv = uv[order, 0], uv[order, 1]
    span = max(float(cu[-1] - cu[0]), 1e-6)
    reach = float(np.clip(p.reach * 2.0 * frame.half_width, *p.reach_px))
    s = np.linspace(p.margin, 1.0 - p.margin, p.columns)
    u = cu[0] + s * span
    dt = 0.25
    inward = p.inward if out < 0 else p.inward_upper
    t = np.arange(-reach * max(p.inward, p.inward_upper) - 2.0, reach + 2.0 + dt / 2, dt)
    prof = _profiles(light, frame, u, np.interp(u, cu, cv), t, out)
    k = max(1, int(round(1.0 / dt)))  # a step is read across +-1 pixel
    step = np.full_like(prof, -np.inf)
    step[k:-k] = prof[: -2 * k] - prof[2 * k :]  # inside minus outside: > 0 where outside is darker
    cols = np.arange(len(u))
    over = (u > iris_u[0]) & (u < iris_u[1])
    beside = ~over if out > 0 else np.ones_like(over)
    lo = np.where(over, -reach * min(p.inward_iris, inward), -reach * inward)
    bot, ok = _peaks(step, (t[:, None] >= lo) & (t[:, None] <= reach), p.min_step)
    ok &= beside
    at_mesh = step[int(np.argmin(np.abs(t))), cols]
    target = np.where(at_mesh >= p.keep * step[bot, cols], 0.0, t[bot])  # FaceMesh on (nearly) as strong an edge
    strength = step[bot, cols]
    speak = beside.copy()
    said = np.zeros_like(ok)
    if runs is not None and out > 0:
        iris_up = np.where(over, runs(u, np.interp(u, cu, cv), reach), np.nan)
        said = np.isfinite(iris_up)
        speak |= said
    share = float((ok | said).sum() / max(int(speak.sum()), 1))
    zero = LidMove(np.zeros(len(contour)), share)
    if share < p.min_share or (ok | said).sum() < 4:
        return zero
    w = np.where(ok, np.minimum(strength, 4 * p.min_step), 0.0)
    prior = p.prior * float(w[ok].mean()) if ok.any() else p.prior * 2.0 * p.min_step
    if said.any():  # the painted iris above the lid: the lid lies at least that high there
        at_cols = _smooth(s, s, target, w, prior, p.smooth) if ok.any() else np.zeros(len(s))
        target = np.where(said, np.maximum(np.nan_to_num(iris_up), at_cols), target)
        w = np.where(said, 2.0 * p.min_step, w)
    sk = (cu - cu[0]) / span
    shift = _smooth(sk, s, target, w, prior, p.smooth) * _corner_fade(sk)
    shift = np.clip(shift, -reach * inward, reach)
    if np.abs(shift).max() < p.min_move:
        return zero
    back = np.empty_like(shift)
    back[order] = shift
    return LidMove(back, share)


def fit_lids(
    image: np.ndarray, frame: EyeFrame, upper: np.ndarray, lower: np.ndarray, iris: tuple[np.ndarray, float],
    params: LidFitParams = LidFitParams(),
) -> tuple[np.ndarray, np.ndarray]:
    """Both lids of one eye fitted to the painted opening.

    Args:
        image: (h, w, 3) float32 RGB in [0, 255], the ROI.
        frame: the eye frame; upper, lower: (K, 2) FaceMesh lid points, ROI pixels, corner to
            corner (the corners are kept).
        iris: FaceMesh's iris (centre (2,) ROI pixels, radius pixels).

    Returns:
        (upper, lower): (K, 2) float64 fitted contours, same order; the upper lid never comes
        closer to the lower than half their FaceMesh distance.
    """
    sigma = max(0.6, 0.008 * 2.0 * frame.half_width)
    lab = cv2.GaussianBlur(rgb_to_lab(image), (0, 0), sigma)
    smooth = np.ascontiguousarray(lab[..., 0])
    c, r = iris
    cu = float(frame.to_uv(np.asarray(c, np.float64))[0])
    span = (cu - 1.1 * r, cu + 1.1 * r)
    runs = iris_runs(lab, frame, upper, lower, iris, params.iris_margin, params.reach)
    up = fit_lid(smooth, frame, upper, +1.0, span, params, runs)
    lo = fit_lid(smooth, frame, lower, -1.0, span, params)
    uv_u, uv_l = frame.to_uv(upper), frame.to_uv(lower)
    new_u = uv_u[:, 1] + up.shift
    new_l = uv_l[:, 1] - lo.shift
    gap_old = np.interp(uv_u[:, 0], np.sort(uv_l[:, 0]), uv_l[np.argsort(uv_l[:, 0]), 1])
    gap_new = np.interp(uv_u[:, 0], np.sort(uv_l[:, 0]), new_l[np.argsort(uv_l[:, 0])])
    gap = uv_u[:, 1] - gap_old
    if np.any((new_u - gap_new < 0.5 * gap) & (gap > 0.5)):  # the lids may not close in on each other
        return upper.astype(np.float64), lower.astype(np.float64)
    return frame.to_xy(np.stack([uv_u[:, 0], new_u], 1)), frame.to_xy(np.stack([uv_l[:, 0], new_l], 1))
