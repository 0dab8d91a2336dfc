"""The moved iris' outer rim in the iris' own paint (:func:`dark_rim`).

The iris layer is cut as a disc at the fitted radius (:func:`sfumato.rig.iris.iris_layer`); what
the lids and corners hide of it is completed from the paint beside it at the same radius
(:func:`sfumato.rig.iris.around_fill`), and at the rim that paint is the lid's light rim or the
corner's skin. At rest these pixels lie under the lids; moved, they travel with the iris as a
light line along its edge. The Mona Lisa's image-right iris, painted into her outer corner,
carried 45-59 L of completed rim along its right edge (its paint about 27-37 L there): a thin
amber crescent beside it at gaze -21 / -13, a light line along its edge at -30. :func:`dark_rim`
is the layer with that completed rim no lighter than the iris a little further in on the same
ray; :func:`sfumato.rig.eye.render_eye` shows it as the iris moves off its painted place (at rest
the painted layer, the painting exactly).

Arrays: the iris layer's (n, n, 3) float32 RGB in [0, 255], centred at pixel (n // 2, n // 2).
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.rig.limbus import at_direction

RIM = (0.8, 0.9)
"""The rim is capped from the first of these radii (iris radii) on, fully from the second (a
ramp, no seam): the outer tenth or two of the disc, where the fitted radius takes in the lid's
rim or the corner's skin beside a painted iris (the Mona Lisa's image-right: 0.86-1.0)."""
INNER = (0.6, 0.7, 0.8)
"""... at the lightest of the iris' paint on the same ray at these radii (a lighter fleck of
iris texture near the rim is kept: it is the iris' own)."""
TOL = 2.0
"""... and this many CIE L more (the canvas' noise)."""


def dark_rim(rgb: np.ndarray, radius: float, painted: np.ndarray | None = None, fade_from: float | np.ndarray | None = None) -> np.ndarray:
    """The iris layer with its completed outer rim no lighter than the iris' own paint on the same ray.

    Each completed pixel (``painted`` low) beyond :data:`RIM` radii is capped in CIE L at the lightest of the layer (smoothed
    over a twentieth of the radius) at the :data:`INNER` radii on its ray, plus :data:`TOL`; its
    (a, b) shrink with it as a shade's do (the L + 16 ratio), so a light amber rim turns the
    iris' brown, not grey.

    Args:
        rgb: (n, n, 3) float32 RGB in [0, 255], the iris layer; radius: iris radius, pixels;
        painted: (n, n) float32 in [0, 1], the share of each pixel that is painted and seen
            (:func:`sfumato.rig.iris.iris_layer`): a pixel painted and seen in full is kept (a
            painted white inside the fitted radius stays), one at most half so (the rim the layer
            completed under the lids and corners, and the lid's soft edge over it) is capped, a
            ramp between; None: all capped.
        fade_from: iris radii; painted pixels from here out (a ramp over a tenth of a radius) are
            capped too: the painted limbus' fade into the white taken off the layer, for an alpha
            that carries that fade itself (:func:`sfumato.rig.limbus.soft_disc`) over the rebuilt
            white (the :data:`INNER` radii scaled in to lie inside it, inside its least); one
            radius all round, or (S,) by direction (direction k at 2 pi k / S radians, image x
            right and y down, linear in angle between: a side painted soft fades from further in,
            :func:`sfumato.rig.limbus.fade_start`); None: painted pixels kept as above.

    Returns:
        (n, n, 3) float32 RGB in [0, 255].
    """
    n = rgb.shape[0]
    half = np.float32(n // 2)
    lab = rgb_to_lab(np.clip(rgb, 0.0, 255.0).astype(np.float32))
    light = cv2.GaussianBlur(lab[..., 0], (0, 0), max(0.5, 0.05 * radius))
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    dx, dy = xx - half, yy - half
    d = np.hypot(dx, dy)
    cap = np.zeros((n, n), np.float32)
    if fade_from is not None and np.ndim(fade_from) == 1:  # by direction: each pixel its own
        inner = tuple(k * min(1.0, (float(np.min(fade_from)) - 0.05) / INNER[-1]) for k in INNER)
        fade_from = at_direction(fade_from, dx, dy).astype(np.float32)
    else:
        inner = INNER if fade_from is None else tuple(k * min(1.0, (fade_from - 0.05) / INNER[-1]) for k in INNER)  # inside the fade
    for k in inner:
        s = np.float32(k * radius) / np.maximum(d, 1e-3)
        cap = np.maximum(cap, cv2.remap(light, half + dx * s, half + dy * s, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    ramp = np.clip((d / max(radius, 1e-3) - RIM[0]) / (RIM[1] - RIM[0]), 0.0, 1.0)
    if painted is not None:
        ramp = ramp * (1.0 - np.clip(2.0 * painted - 1.0, 0.0, 1.0))  # paint half seen at the lid's soft edge is capped too
    if fade_from is not None:
        ramp = np.maximum(ramp, np.clip((d / max(radius, 1e-3) - fade_from) / 0.1, 0.0, 1.0))
    new_l = lab[..., 0] - ramp * np.maximum(lab[..., 0] - (cap + TOL), 0.0)
    out = lab.copy()
    out[..., 0] = new_l
    out[..., 1:] *= ((new_l + 16.0) / np.maximum(lab[..., 0] + 16.0, 1e-3))[..., None]
    return lab_to_rgb(out).astype(np.float32)
