"""A seam along the old iris edge in the revealed white (:func:`old_edge_seam`).

As the iris moves off its painted place the rebuilt white shows where it was. Where the painted
white beside the iris is lighter than the rebuilt white (a light crescent along the limbus), the
old iris circle stays as a curved line: a C-shaped ghost arc (issue #8's first complaint;
portrait_17's image-left eye, review16 #6). The colour measures (revealed dL / dE ab) compare
medians and are blind to it. This one reads the colour step (CIE dE76) across the hole's edge,
stretch by stretch round the old iris centre where the frame shows open white, against the
painted white's own step over the same distance just beyond it (:func:`is_seam`). Not a bench_rig
column yet: it reads the rig's layers (:func:`sfumato.rig.eye.render_eye`), not the bank's frames.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.ndimage import distance_transform_edt

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.eye import EyeLayers
from sfumato.rig.lids import opening

BAND = (0.5, 2.5)
"""Pixels from the hole's edge (where half the painting is replaced) read on either side."""
BIN = 10.0
"""Degrees round the old iris centre per stretch of edge read."""
MIN_BINS = 3
"""Stretches of open edge needed for a reading."""
STEP = 3.5
"""Largest median step (CIE dE76) across the edge that reads as no seam; set on portrait_17 (see
tests/test_iris_seam.py)."""


def old_edge_seam(layers: EyeLayers, frame: np.ndarray, shift: np.ndarray) -> tuple[float, float, int]:
    """How strongly the old iris edge shows as a line in a rendered eye.

    Args:
        layers: the eye's layers (:func:`sfumato.rig.eye.eye_layers`); frame: (h, w, 3) float32
            RGB in [0, 255], :func:`sfumato.rig.eye.render_eye` of them with the iris moved by
            ``shift`` (du, dv) eye-frame pixels.

    Returns:
        (step, own, n): per :data:`BIN` degree stretch of the hole's edge (where half the painting
        is replaced) that the frame shows open (inside the opening off its lid lines, 1.3 radii
        off the moved iris), the dE between the frame's mean Lab within :data:`BAND` pixels inside
        the edge and outside it; its median over the stretches; the median of the painted white's
        own step, from that outside band to the next one out; and how many stretches were read
        (step and own NaN under :data:`MIN_BINS`).
    """
    L = layers
    hole = L.halo >= 0.5  # carried_halo is twice the replaced share: its half level the hole's edge
    out_d = distance_transform_edt(~hole)
    in_d = distance_transform_edt(hole)
    signed = np.where(hole, -in_d, out_d)
    r = L.radius
    new = L.frame.to_xy(L.rest + np.asarray(shift, float))
    old = L.frame.to_xy(L.rest)
    h, w = hole.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    off_iris = np.hypot(xx - new[0], yy - new[1]) > 1.3 * r
    open_ = cv2.erode((opening(L.u, L.v, L.lids, L.edge) > 0.99).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    lab = rgb_to_lab(np.clip(frame, 0, 255).astype(np.float32))
    seen = off_iris & open_
    ang = np.arctan2(yy - old[1], xx - old[0])
    bins = np.floor((ang + np.pi) / np.deg2rad(BIN)).astype(int)
    steps, owns = [], []
    for b in np.unique(bins[seen & (np.abs(signed) <= BAND[1])]):
        at = seen & (bins == b)
        inner = at & (signed >= -BAND[1]) & (signed <= -BAND[0])
        outer = at & (signed >= BAND[0]) & (signed <= BAND[1])
        further = at & (signed > BAND[1]) & (signed <= 2 * BAND[1] + BAND[0])
        if inner.sum() < 2 or outer.sum() < 2:
            continue
        o = lab[outer].mean(0)
        steps.append(float(np.linalg.norm(lab[inner].mean(0) - o)))
        if further.sum() >= 2:
            owns.append(float(np.linalg.norm(lab[further].mean(0) - o)))
    if len(steps) < MIN_BINS:
        return float("nan"), float("nan"), len(steps)
    return float(np.median(steps)), float(np.median(owns)) if owns else float("nan"), len(steps)


OWN_SHARE = 0.8
"""... and at least this share of the painted white's own step just beyond the edge (a painted
white modelled that steeply, portrait_02 / 07's, steps as much within itself)."""


def is_seam(step: float, own: float) -> bool:
    """Whether :func:`old_edge_seam`'s reading is a visible line along the old iris edge: a step
    over :data:`STEP` and over :data:`OWN_SHARE` of the painted white's own (no reading: no)."""
    if not np.isfinite(step):
        return False
    return bool(step > STEP and not (np.isfinite(own) and step <= OWN_SHARE * own))
