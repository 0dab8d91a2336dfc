"""Where a point lies between an eye's lids, and colours compared band by band between them.

A painted eye white is shaded between the lids (darker under the upper lid's shadow and often
near the lower lid, under the iris): comparing the white the rig rebuilt where the iris was with
the painted white "beside the iris" is fair only at the same place between the lids. Used by
:mod:`sfumato.face.white_match`.
"""

from __future__ import annotations

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
MIN_SIDE_PIXELS = 3
"""... and a side of the iris with fewer than this in the band does not count in it (chosen as
:data:`BANDS`)."""


def between_lids(landmarks: np.ndarray, eye: EyeIndices, xx: np.ndarray, yy: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Where points lie between one eye's lids: ``t`` 0 on the lower lid, 1 on the upper
    (beyond them below 0 and above 1), and ``u`` along the corners' line, pixels from their midpoint.

    The lids are FaceMesh's contour (``eye.contour``: a corner, the upper lid, the other corner,
    the lower lid), resampled along the line through the corners (:class:`sfumato.rig.lids.Lids`).

    Args:
        landmarks: (478, 2|3) pixels; xx, yy: (...) float32 point coordinates, pixels.

    Returns:
        (t, u, bands): (...) float32 each, and how many bands to compare in (:data:`BANDS`,
        fewer for an opening under ``BANDS * BAND_HEIGHT`` pixels high).
    """
    pts = np.asarray(landmarks, np.float64)[list(eye.contour), :2]
    a, b = pts[0], pts[len(pts) // 2]  # the corners
    axis = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    axis = axis if axis[0] >= 0 else -axis  # toward image +x
    frame = EyeFrame((a + b) / 2, axis, float(np.linalg.norm(b - a)) / 2)
    upper, lower = Lids.split_contour(pts)
    lids = Lids.from_contours(frame, upper, lower)
    ax, up = frame.axis.astype(np.float32), frame.up.astype(np.float32)
    dx, dy = xx - np.float32(frame.centre[0]), yy - np.float32(frame.centre[1])
    u, v = dx * ax[0] + dy * ax[1], dx * up[0] + dy * up[1]
    hi, lo = lids.at(u)
    bands = int(np.clip(lids.height() // BAND_HEIGHT, 1, BANDS))
    return ((v - lo) / np.maximum(hi - lo, 1.0)).astype(np.float32), np.asarray(u, np.float32), bands


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
