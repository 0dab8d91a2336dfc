"""Where a point lies between an eye's lids, and colours compared band by band between them.

A painted eye white is shaded between the lids (darker under the upper lid's shadow and often
near the lower lid, under the iris): comparing the white the rig rebuilt where the iris was with
the painted white "beside the iris" is fair only at the same place between the lids. Used by
:mod:`sfumato.face.white_match`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from sfumato.face.topology import EyeIndices
from sfumato.rig.lids import EyeFrame, Lids

BANDS = 6
"""Colours are compared in this many bands between the lids (chosen by hand with the three below,
session 7, no held-out set, on the 11 bench paintings' rig banks and the synthetic cases of
tests/test_white_match.py) ..."""
BAND_HEIGHT = 2.0
"""... or fewer, each at least this many pixels high where the opening is widest (a small
painted eye is a few pixels high: its bands would hold a pixel row or none; 2 px: a band of
at least two pixel rows, chosen as :data:`BANDS`)."""
MIN_BAND_PIXELS = 5
"""A band with fewer reference pixels than this is no reference: the pixels in it are left out
(a median of fewer is a lash or a speck's; chosen as :data:`BANDS`) ..."""
WINDOW = 0.5
"""A band's reference (:func:`side_residuals`) is the painted white within this many band
heights beyond the band on either side (a window two bands high, centred on it): a band of a
painted white holds 5-10 pixels a side on a small eye, and near a corner, where the opening is a
few pixels high, 0.6 px of lid placement moves them into the next band (portrait_20's
image-right eye: a top band's median 33.5 -> 52.5 L between FaceMesh's lids and the rig's).
Chosen by hand (session 10, no held-out set) on the banks of portrait_20 / 07 / 03 / 13, as the
measure's worst revealed dL against the same with the rig's own lids and iris (rig.json, from
its own FaceMesh run): +3.1 / -7.2 / -2.9 / -3.1 against -4.3 / -8.8 / +4.1 / -4.6 with the
window, -2.8 / -7.3 / +2.4 / -13.9 against +6.1 / -6.4 / +3.5 / -5.3 band by band."""
MIN_SIDE_PIXELS = 3
"""... and a side of the iris with fewer than this in the band does not count in it (chosen as
:data:`BANDS`)."""


def between_lids(
    landmarks: np.ndarray, eye: EyeIndices, xx: np.ndarray, yy: np.ndarray, contour: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Where points lie between one eye's lids: ``t`` 0 on the lower lid, 1 on the upper
    (beyond them below 0 and above 1), and ``u`` along the corners' line, pixels from their midpoint.

    The lids are FaceMesh's contour (``eye.contour``: a corner, the upper lid, the other corner,
    the lower lid), or ``contour`` in that layout (the painted lids,
    :func:`sfumato.face.revealed_white.painted_eye`), resampled along the
    line through the corners (:class:`sfumato.rig.lids.Lids`).

    Args:
        landmarks: (478, 2|3) pixels; xx, yy: (...) float32 point coordinates, pixels;
        contour: (K, 2) pixels, the eye's contour instead of FaceMesh's.

    Returns:
        (t, u, bands): (...) float32 each, and how many bands to compare in (:data:`BANDS`,
        fewer for an opening under ``BANDS * BAND_HEIGHT`` pixels high).
    """
    frame, lids = eye_lids(landmarks, eye, contour)
    u, v = eye_uv(frame, xx, yy)
    hi, lo = lids.at(u)
    bands = int(np.clip(lids.height() // BAND_HEIGHT, 1, BANDS))
    return ((v - lo) / np.maximum(hi - lo, 1.0)).astype(np.float32), np.asarray(u, np.float32), bands


def eye_lids(landmarks: np.ndarray, eye: EyeIndices, contour: np.ndarray | None = None) -> tuple[EyeFrame, Lids]:
    """One eye's frame (its corners' line, image pixels) and lids from FaceMesh's contour
    (``landmarks`` (478, 2|3) pixels, ``eye.contour``) or ``contour`` ((K, 2) pixels, that layout)."""
    pts = np.asarray(landmarks, np.float64)[list(eye.contour), :2] if contour is None else np.asarray(contour, np.float64)
    a, b = pts[0], pts[len(pts) // 2]  # the corners
    axis = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    axis = axis if axis[0] >= 0 else -axis  # toward image +x
    frame = EyeFrame((a + b) / 2, axis, float(np.linalg.norm(b - a)) / 2)
    upper, lower = Lids.split_contour(pts)
    return frame, Lids.from_contours(frame, upper, lower)


def eye_uv(frame: EyeFrame, xx: np.ndarray, yy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(u, v) in ``frame`` of the points ``xx``, ``yy`` ((...) float32 image pixels): (...) float32 each."""
    ax, up = frame.axis.astype(np.float32), frame.up.astype(np.float32)
    dx, dy = xx - np.float32(frame.centre[0]), yy - np.float32(frame.centre[1])
    return dx * ax[0] + dy * ax[1], dx * up[0] + dy * up[1]


def banded_residuals(
    f: np.ndarray, f_t: np.ndarray, p: np.ndarray, p_t: np.ndarray, p_side: np.ndarray, bands: int = BANDS,
) -> np.ndarray:
    """Each frame pixel minus the painting's reference in the same band between the lids.

    A band's reference (where it holds at least :data:`MIN_BAND_PIXELS` pixels) is the mean of
    the medians of its two sides (``p_side``: the white on either side of the iris), each side
    counted where it holds at least :data:`MIN_SIDE_PIXELS`: an eye lit from one side has a light white on that side and a shaded one on the
    other, and the white between them is compared with both alike, not with the side that
    happens to show more pixels.

    Args:
        f: (N, 3) Lab frame pixels at ``f_t`` (N,); p: (M, 3) Lab painting pixels at ``p_t`` (M,),
            ``t`` as :func:`between_lids` (clipped to [0, 1] into ``bands`` bands);
        p_side: (M,) bool, which side of the iris each painting pixel lies on.

    Returns:
        (K, 3) float32, K <= N: the pixels whose band has a reference, each minus it.
    """
    fb = np.minimum((np.clip(f_t, 0.0, 1.0) * bands).astype(int), bands - 1)
    pb = np.minimum((np.clip(p_t, 0.0, 1.0) * bands).astype(int), bands - 1)
    out = []
    for k in range(bands):
        sides = [p[(pb == k) & (p_side == s)] for s in (False, True)]
        refs = [np.median(x, 0) for x in sides if len(x) >= MIN_SIDE_PIXELS]
        if refs and sum(len(x) for x in sides) >= MIN_BAND_PIXELS and (fb == k).any():
            out.append(f[fb == k] - np.mean(refs, 0))
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 3), np.float32)


def side_residuals(
    f: np.ndarray, f_t: np.ndarray, f_side: np.ndarray, p: np.ndarray, p_t: np.ndarray, p_side: np.ndarray,
    bands: int = BANDS, shade: Callable[[np.ndarray, int], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each frame pixel minus the painting's white on ITS side of the old iris, in its band.

    An eye lit from one side has a light white on that side and a shaded one on the other; the
    rig carries each side's white across the old iris from that side, so a frame that shows only
    the half of the old iris next to the lit side shows light white there. Against both sides'
    mean (:func:`banded_residuals`) that half read light and the other half dark though each
    copied its own side. Here a pixel's reference is the median of the painting's pixels on its
    own side (``p_side == f_side``) in its band (and :data:`WINDOW` beyond it), where that holds at least
    :data:`MIN_SIDE_PIXELS`; else the other side's (a side with no white painted at that height:
    a narrow corner), flagged, and passed through ``shade`` when given (``shade(lab, side)``:
    (3,) Lab of the other side's white -> (3,) Lab as it would read in side ``side``'s light,
    :func:`sfumato.face.revealed_white.orbit_light`); a band with neither leaves the pixel out.

    Args:
        f: (N, 3) Lab frame pixels at ``f_t`` (N,) on side ``f_side`` (N,) bool; p: (M, 3) Lab
            painting pixels at ``p_t`` (M,) on side ``p_side`` (M,) bool; ``t`` as
            :func:`between_lids` (clipped to [0, 1] into ``bands`` bands).

    Returns:
        ((K, 3) float32 residuals, (K,) bool: taken against the other side's white), K <= N,
        in the order of ``f`` (the pixels that have a reference).
    """
    ref, other = side_references(f_t, f_side, p, p_t, p_side, bands, shade)
    kept = np.isfinite(ref[:, 0])
    return (np.asarray(f, np.float32) - ref)[kept], other[kept]


def side_references(
    f_t: np.ndarray, f_side: np.ndarray, p: np.ndarray, p_t: np.ndarray, p_side: np.ndarray,
    bands: int = BANDS, shade: Callable[[np.ndarray, int], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each frame pixel's reference (:func:`side_residuals`, the same arguments less the pixels):
    (N, 3) float32 Lab, NaN where its band has none, and (N,) bool, taken from the other side."""
    fb = np.minimum((np.clip(f_t, 0.0, 1.0) * bands).astype(int), bands - 1)
    pt = np.clip(p_t, 0.0, 1.0) * bands  # in bands
    ref = np.full((len(f_t), 3), np.nan, np.float32)
    other = np.zeros(len(f_t), bool)
    for k in range(bands):
        near = np.abs(pt - (k + 0.5)) <= 0.5 + WINDOW
        refs = []
        for s in (False, True):
            x = p[near & (p_side == s)]
            refs.append(np.median(x, 0) if len(x) >= MIN_SIDE_PIXELS else None)
        for s in (False, True):
            here = (fb == k) & (f_side == s)
            own, far = refs[int(s)], refs[1 - int(s)]
            if own is not None or far is not None:
                ref[here] = own if own is not None else far if shade is None else shade(far, int(s))
                other[here] = own is None
    return ref, other
