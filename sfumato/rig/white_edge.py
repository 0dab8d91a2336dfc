"""The rebuilt eye white made continuous with the painted white it meets (:func:`match_edge`)."""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import lab_to_rgb, lightness, rgb_to_lab
from sfumato.rig.iris import disc
from sfumato.rig.white_fill import masked_blur


def match_edge(
    image: np.ndarray, plate: np.ndarray, hole: np.ndarray, inside: np.ndarray, light: np.ndarray, iris_l: float,
    c: np.ndarray, r: float,
) -> np.ndarray:
    """The rebuilt white made continuous with the painted white it meets.

    The painted pixels kept just outside the hole (inside the opening, within :data:`EDGE_REACH`
    iris radii, well lighter than the iris: no lash, lid line or iris rim) say what the white looks
    like right there, shade and halo included; their difference from the rebuilt white is carried
    into the hole, fading over half an iris radius, so no seam shows where the rebuilt white meets
    the painted one, while deeper in the hole the rebuilt white keeps its own tone.

    Args:
        image, plate: (h, w, 3) float32 RGB, the painted ROI and the rebuilt white; hole: (h, w)
        float32 in [0, 1]; inside: (h, w) float32 soft opening; light: (h, w) float32 L of the
        image; iris_l: median L of the iris; c: (2,) iris centre; r: iris radius, pixels.

    Returns:
        (h, w, 3) float32 RGB.
    """
    shape = hole.shape
    plate_l = lightness(plate)
    near = disc(shape, c, EDGE_REACH * r, 1.0) > 0.5
    kept = (hole < 0.05) & (inside > 0.99) & near & (light >= iris_l + EDGE_FLOOR * (plate_l - iris_l))
    kept = cv2.erode(cv2.dilate(kept.astype(np.uint8), np.ones((3, 3), np.uint8)), np.ones((3, 3), np.uint8)) > 0
    kept &= (hole < 0.05) & (inside > 0.99)
    if kept.sum() < 4:
        return plate
    mean, den = masked_blur(np.clip(image - plate, -EDGE_STEP, EDGE_STEP), kept.astype(np.float32), max(1.0, 0.5 * r))
    strength = np.clip(den / max(float(den.max()), 1e-6) * 2.0, 0.0, 1.0)[..., None]
    return plate + mean * strength


EDGE_REACH = 1.6
"""The painted white within this many iris radii of the old iris sets the rebuilt white's edge."""
EDGE_FLOOR = 0.25
"""... those lighter than this fraction of the way from the iris' lightness to the rebuilt white's
(a white in the lid's shade counts, a lash or iris rim does not)."""
EDGE_STEP = 40.0
"""Largest correction carried in per RGB channel."""


def match_lid_shade(
    image: np.ndarray, colour: np.ndarray, t: np.ndarray, beside: np.ndarray, light: np.ndarray, iris_l: float,
    bins: int = 6,
) -> np.ndarray:
    """The rebuilt white's colour shaded between the lids as the painted opening beside the iris is.

    The painted white's samples thin out under the lids (a shaded white is easily taken for lid),
    so a fill from them is as light under the upper lid as in the middle of the eye. Here every
    painted pixel of the opening beside the iris that is well lighter than the iris (no lash or
    iris rim) (and of the fill's hue: a shaded white, not a red lid rim) is compared with the fill at its place between the lids (``t`` bins), and the
    fill's lightness (CIE L only; its (a, b) are kept) is scaled by the median ratio of each bin (a
    bin with fewer than 3 pixels keeps its scale), smoothed across bins and interpolated along t.

    Args:
        image, colour: (h, w, 3) float32 RGB, the painted ROI and the fill; t: (h, w) float32, 0 on
        the lower lid, 1 on the upper; beside: (h, w) bool, the opening beside the iris;
        light: (h, w) float32 L of the image; iris_l: median L of the iris.

    Returns:
        (h, w, 3) float32 RGB.
    """
    fill_l = lightness(colour)
    lab, fill_lab = (rgb_to_lab(x) for x in (image, colour))
    hue = np.hypot(lab[..., 1] - fill_lab[..., 1], lab[..., 2] - fill_lab[..., 2])  # a red lid rim is not a shade
    ok = beside & (light >= iris_l + EDGE_FLOOR * (fill_l - iris_l)) & (hue < SHADE_HUE)
    centres = (np.arange(bins) + 0.5) / bins
    scale = np.ones(bins)
    for k in range(bins):
        m = ok & (t >= k / bins) & (t < (k + 1) / bins)
        if m.sum() >= 3:
            scale[k] = np.clip(np.median(light[m]) / max(float(np.median(fill_l[m])), 1.0), SHADE_RANGE[0], SHADE_RANGE[1])
    scale = np.convolve(np.pad(scale, 1, mode="edge"), [0.25, 0.5, 0.25], mode="valid")  # no step between bins
    shade = cv2.GaussianBlur(np.interp(np.clip(t, 0.0, 1.0), centres, scale).astype(np.float32), (0, 0), 1.0)
    # the lightness scaled, the fill's own (a, b) kept: scaling RGB would take chroma with it and
    # turn a warm white in shade grey-lavender (portrait_20: dE ab 0.8 -> 4.9 from this step alone)
    fill_lab[..., 0] *= shade
    return lab_to_rgb(fill_lab)


SHADE_HUE = 15.0
"""... by the painted pixels within this Lab (a, b) distance of the fill's colour only."""
SHADE_RANGE = (0.55, 1.0)
"""The fill is scaled by no less and no more than this between the lids."""
