"""Placing a moved iris in its eye: the affine paste, the box it touches, its foreshortening, and
the soft cut the lids make through it. Used by :func:`sfumato.rig.eye.render_eye`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from sfumato.rig.limbus import soft_disc

if TYPE_CHECKING:
    from sfumato.rig.eye import EyeLayers
    from sfumato.rig.lids import Lids


LID_SOFT = 0.08
"""Where the lids cut a moved iris, the edge is softened with a blur of this many iris radii
(:func:`soften_lid_edge`): a painted iris meets its lids in soft paint, and a cut through the
middle of the iris texture (where the lid now lies over it) is otherwise a hard, faceted line."""


def place_iris(layer: np.ndarray, a: np.ndarray, centre: np.ndarray, shape: tuple[int, int], flags: int = cv2.INTER_LINEAR) -> np.ndarray:
    """An (n, n[, 3]) float32 layer centred at pixel (n//2, n//2) placed in an ROI of ``shape``
    with its centre at ``centre`` (x, y) and the (2, 2) linear map ``a`` (foreshortening) about it."""
    n = layer.shape[0]
    m = np.concatenate([a, (np.asarray(centre, np.float64) - a @ np.array([n // 2, n // 2]))[:, None]], 1).astype(np.float32)
    border = cv2.BORDER_CONSTANT if layer.ndim == 2 else cv2.BORDER_REPLICATE
    return cv2.warpAffine(layer, m, (shape[1], shape[0]), flags=flags, borderMode=border)


def placed_alpha(L: EyeLayers, a: np.ndarray, centre: np.ndarray, shape: tuple[int, int], box: tuple[slice, slice]) -> np.ndarray:
    """The moved iris' alpha in the ROI: (h, w) float32 in [0, 1]. With a painted edge
    (``L.edge_px``) the disc is drawn afresh at the pixels inside ``box`` (rows, cols: the iris'
    footprint), through the (2, 2) map ``a`` about ``centre`` (:func:`sfumato.rig.limbus.soft_disc`),
    so a sharp-painted side stays as sharp wherever the iris lands between pixels; without one
    the layer's alpha is warped there (:func:`place_iris`)."""
    if L.edge_px is None:
        return place_iris(L.iris_alpha, a, centre, shape)
    out = np.zeros(shape, np.float32)
    rows, cols = box
    sub = (rows.stop - rows.start, cols.stop - cols.start)
    out[box] = soft_disc(sub, np.asarray(centre, np.float64) - [cols.start, rows.start], L.edge_px.mid, L.edge_px.widths, a)
    return out


def soften_lid_edge(out: np.ndarray, L: EyeLayers, now: Lids, alpha: np.ndarray, moved: float, box: tuple[slice, slice]) -> np.ndarray:
    """Soften the cut the lids make through a moved iris: (h, w, 3) float32 ``out`` blurred
    (sigma :data:`LID_SOFT` iris radii) within that distance of the lid lines, weighted by the
    iris' ((h, w) float32 ``alpha``; the white beside it is left alone) and by ``moved`` in
    [0, 1] (0: the painted iris at rest, whose edge under the lids is the painter's, is left as
    it is). Only ``box`` (rows, cols: the iris' footprint and a margin) is touched, in place."""
    sigma = max(0.5, LID_SOFT * L.radius)
    u, v = L.u[box], L.v[box]
    up, lo = now.at(u)
    d = np.minimum(np.abs(up - v), np.abs(v - lo))
    band = (np.clip(1.0 - d / (2.0 * sigma), 0.0, 1.0) * np.clip(alpha[box], 0.0, 1.0) * moved)[..., None]
    if band.any():
        sub = out[box]
        out[box] = sub + (cv2.GaussianBlur(sub, (0, 0), sigma) - sub) * band
    return out


def iris_box(shape: tuple[int, int], centre: np.ndarray, half: float) -> tuple[slice, slice]:
    """(rows, cols) of the ``shape`` ROI within ``half`` pixels of ``centre`` (x, y)."""
    h, w = shape
    x, y = float(centre[0]), float(centre[1])
    return (slice(max(0, int(np.floor(y - half))), min(h, int(np.ceil(y + half)) + 1)),
            slice(max(0, int(np.floor(x - half))), min(w, int(np.ceil(x + half)) + 1)))


def foreshorten(offset: float, eyeball: float) -> float:
    """cos of the eyeball angle at which the iris centre sits ``offset`` pixels from its axis."""
    s = np.clip(offset / max(eyeball, 1e-6), -0.95, 0.95)
    return float(np.sqrt(1.0 - s * s))
