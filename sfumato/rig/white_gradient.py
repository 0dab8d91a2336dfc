"""The painted eye white's shading carried across the rebuilt white.

A painted white is rarely one tone: it darkens toward the corners and under the upper lid,
and on a face lit from one side a whole eye lies in shade. Where the iris leaves, the white
that appears must continue that gradient, not fill the hole with one flat tone whose edge
shows against the painted white beside it.
"""

from __future__ import annotations

import cv2
import numpy as np

GRADIENT = 0.3
"""How far (as a power of the gain) the rebuilt white is taken toward the painted white's
fitted gradient (0: its own flat tone, 1: the fit). Part of the way keeps a shaded side's
gradient without turning the white where the iris was into a mid-tone that reads (to a viewer
and to FaceMesh) as more iris: at 0.5 the Mona Lisa's measured gaze range fell to 0.49, at
0.3 it is 0.51 (bench_rig.py)."""


def follow_gradient(
    plate: np.ndarray, image: np.ndarray, painted: np.ndarray, a: np.ndarray, t: np.ndarray, dist: np.ndarray, r: float
) -> np.ndarray:
    """Carry the painted white's shading across the rebuilt white.

    The colour of the painted white around the iris (``painted`` pixels between 1.2 and 3
    iris radii from its centre) is fitted by a smooth surface per channel, c0 + c1 a + c2 a^2 + c3 t
    (``a`` across the eye toward the corners, ``t`` from the lower to the upper lid), clipped
    to the range painted there; the plate's own smooth colour is scaled onto it, so the
    white under the old iris continues the gradient on either side (shaded side darker, lit
    side lighter, warmer or cooler as painted) instead of a flat patch with an edge, and keeps
    its texture.

    Args:
        plate: (h, w, 3) float32 RGB; image: (h, w, 3) float32 painted RGB; painted: (h, w)
            bool, the painted opening off the iris; a, t: (h, w) float32 (a = u / half width,
            t in [0, 1] lower to upper lid); dist: (h, w) pixels from the iris centre; r: iris
            radius, pixels.

    Returns:
        (h, w, 3) float32 RGB.
    """
    near = painted & (dist > 1.2 * r) & (dist < 3.0 * r)
    if near.sum() < 12 or np.ptp(a[near]) < 0.2:
        return plate
    tt = np.clip(t, 0.0, 1.0)
    m = near
    coef, *_ = np.linalg.lstsq(np.stack([np.ones(int(m.sum())), a[m], a[m] ** 2, tt[m]], 1), image[m], rcond=None)
    lo, hi = np.percentile(image[m], 5, axis=0), np.percentile(image[m], 95, axis=0)
    full = np.stack([np.ones_like(a), a, a * a, tt], -1)
    model = np.clip(full @ coef, lo - 4.0, hi + 4.0)  # (h, w, 3)
    smooth = cv2.GaussianBlur(plate, (0, 0), max(1.0, 0.5 * r))
    gain = np.clip(model / np.maximum(smooth, 1.0), 0.5, 1.5) ** GRADIENT  # the texture kept
    top = image[m].max(0)  # never lighter than the lightest painted white around
    return np.minimum(plate * gain.astype(np.float32), top.astype(np.float32))
