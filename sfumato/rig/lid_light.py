"""The light a closed lid is lit to: the skin it is seen against round it, and how far a lid
lifts toward the lit skin under the eye when the eye lies in a shadow (moved out of
:mod:`sfumato.rig.lid_plate`, unchanged).

Arrays are ROI pixels: ``light`` (h, w) float32 mean of RGB in [0, 255]; masks (h, w) bool.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.ramp import unit_ramp as ramp

__all__ = ["CAST", "SURROUND", "SURROUND_TOP", "lit_in", "surround", "surround_light"]

SURROUND = (0.1, 0.3)
"""The lid is lit no lighter than the skin it is seen against: the skin directly above and
beside the region a closed lid covers, between these many eye half-widths off it ..."""
SURROUND_TOP = 85.0
"""... at this percentile of its light (its lit parts: a deep-set eye's lit brow and corners
let the lid lift toward the cheek's light; a cast shadow over the whole eye, portrait_07's
image-left eye under her hair, keeps it in the shadow, where lit toward the cheek under the
eye it was a pale plate). Read on the two synthetic astronauts that pull apart: at 80 the
deep-set eye's lid (tests/test_closed_lid.py) is 0.74 as light as the skin under the eye
(floor 0.75), at 90 the lid in a cast shadow (tests/test_lid_plate_look.py) reads 0.36 a
plate (limit 0.25); at 85 0.77 and 0.13. Not swept further, no held-out set."""
CAST = (0.7, 0.9)
"""How dark the skin round the lid (:data:`SURROUND_TOP`) is against the lift's target (the
skin under the eye), as a ratio of their light, tells a cast shadow from the orbit's form: at
or under the first the lid is lit no lighter than that skin (a shadow over the whole eye:
portrait_07's image-left eye 0.59, portrait_13's image-right 0.46, the astronaut in a cast
shadow 0.52 / 0.64, portrait_11's pale image-left lid 0.76), at or over the second it lifts
toward the cheek as before (a lid bulging into the light out of an orbit a little darker than
the cheek: the Mona Lisa's image-right eye 0.85, capped there her lid went from 0.85 to 0.74
of her cheek's light and FaceMesh read the closing eye as a wink, 0.13 -> 0.16 of its
openness, tests/test_closed_lid.py; portrait_20's
0.86 / 0.89, portrait_10's 0.94), between the two a blend (the deep-set astronaut's 0.71).
Chosen on those eyes, no held-out set: at (0.6, 0.9) portrait_11's lid stayed a plate (0.36)."""

def surround_light(light: np.ndarray, ring: np.ndarray) -> float:
    """The light (mean of RGB, 0..255) of the skin a closed lid is seen against: the
    :data:`SURROUND_TOP` percentile of ``light`` ((h, w) float32) in ``ring`` ((h, w) bool,
    :func:`surround`); ``inf`` with too few pixels there (no cap)."""
    return float(np.percentile(light[ring], SURROUND_TOP)) if ring.sum() >= 8 else float("inf")


def surround(hole: np.ndarray, upper: np.ndarray, half_width: float) -> np.ndarray:
    """The skin a closed lid is seen against: (h, w) bool, a ring :data:`SURROUND` eye
    half-widths off ``hole`` ((h, w) bool, all a closed lid covers), on its ``upper`` ((h, w)
    bool) side."""
    near, far = (np.ones((2 * r + 1, 2 * r + 1), np.uint8) for r in (max(1, int(round(x * half_width))) for x in SURROUND))
    return (cv2.dilate(hole.astype(np.uint8), far) > 0) & ~(cv2.dilate(hole.astype(np.uint8), near) > 0) & upper


def lit_in(target: float, surround: float) -> float:
    """The light (mean of RGB, 0..255) the closed lid is lit to: the lift's ``target`` (the skin
    under the eye), or, as the lit skin round the lid (``surround``) is darker than it, down to
    that skin's light (:data:`CAST`)."""
    if not np.isfinite(surround) or surround >= target:
        return target
    w = float(ramp(np.float32((CAST[1] - surround / max(target, 1e-3)) / (CAST[1] - CAST[0]))))
    return target - w * (target - surround)
