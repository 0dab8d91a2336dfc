"""Seamless fill: a patch laid into a picture with the picture's own values along its edge.

:func:`seamless_fill` solves Poisson's equation over a hole (Pérez et al., "Poisson image
editing", 2003): inside the hole the result has the *guide*'s gradients (its shading and
texture), on the hole's edge it takes the picture's values, so the patch meets the picture
with no step or outline, whatever their difference in level. The sparse system is solved with
SciPy's direct solver, once for all channels. A hole larger than :data:`MAX_PIXELS` (a large
painting) is filled in two smaller solves: the smooth membrane that carries the edge's values
inward (the solution minus the guide, harmonic) on a coarser grid, then the exact solution in
a band along the edge, meeting that rough fill inside it. A *cut* (``side``) splits the hole into
two patches that do not see each other (zero flux across it: a closed upper lid is matched to
the skin over it and at the corners, not pulled toward the lower lid's skin under its lash line).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import cv2
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import splu

from sfumato.imaging.resize import resize_to

MAX_PIXELS = 30000
"""A hole of more pixels is solved coarse-then-band (the direct solve's cost grows faster than
its size: 1.5 s of CPU for portrait_03's 74k-pixel lid at 4000 px, loaded machine)."""


def seamless_fill(guide: np.ndarray, picture: np.ndarray, hole: np.ndarray, max_pixels: int = MAX_PIXELS,
                  side: np.ndarray | None = None) -> np.ndarray:
    """``picture`` with ``hole`` filled by ``guide``'s gradients, matching ``picture`` at its edge.

    Pixels of the hole on the image border have no neighbour there (zero flux across it: the
    guide's shading goes on as it is, unbound by the picture). A hole that touches no picture
    pixel across one of its four sides takes the guide as it is.

    Args:
        guide: (h, w, C) float32, whose gradients fill the hole.
        picture: (h, w, C) float32, kept outside the hole and giving its edge values.
        hole: (h, w) bool; max_pixels: above this many hole pixels, solve coarse-then-band
            (:data:`MAX_PIXELS`).
        side: (h, w) bool or None: hole pixels on different sides are no neighbours (the cut),
            but for patches that would meet no picture pixel (nothing to match them to).

    Returns:
        (h, w, C) float32: ``picture`` outside ``hole``, the Poisson solution inside.
    """
    n = int(hole.sum())
    if side is not None:
        side = _sealed(side, hole)
    if n > max_pixels:
        return _coarse_fill(guide, picture, hole, max_pixels, side)
    return _solve(guide, picture, hole, side)


def _sealed(side: np.ndarray, hole: np.ndarray) -> np.ndarray | None:
    """``side`` with every patch of the hole that touches no pixel outside it (4-connected, on
    one side of the cut) moved to the other side (its values would be undetermined: a corner's
    sliver cut off by the line printed orange specks), or None when no cut remains."""
    side = side.copy()
    cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], np.uint8)
    touch = (cv2.dilate((~hole).astype(np.uint8), cross) > 0) & hole  # hole pixels beside the picture
    for k in (False, True):
        n, labels = cv2.connectedComponents((hole & (side == k)).astype(np.uint8), connectivity=4)
        if n <= 1:
            return None
        met = np.zeros(n, bool)
        met[labels[touch]] = True
        side[(labels > 0) & ~met[labels]] = not k
    return side if (hole & side).any() and (hole & ~side).any() else None


def _coarse_fill(guide: np.ndarray, picture: np.ndarray, hole: np.ndarray, max_pixels: int,
                 side: np.ndarray | None = None) -> np.ndarray:
    """:func:`seamless_fill` of a large hole: the membrane (solution minus guide, smooth) solved
    on a grid ``f`` times coarser (at most ``max_pixels`` unknowns; the edge's values averaged
    over the picture's pixels of each coarse cell), upsampled, then the exact solve within
    ``4 f`` pixels of the hole's edge, meeting that rough fill inside. With a cut, each side's
    membrane is upsampled from its own cells only, and the band solve takes no edge value from
    the hole's inside across the cut (both mixed the two sides within about ``f`` pixels of
    it). Same shapes."""
    f = int(np.ceil(np.sqrt(hole.sum() / max_pixels)))
    h, w = hole.shape
    cw, ch = -(-w // f), -(-h // f)
    known = (~hole).astype(np.float32)
    diff = (picture.astype(np.float32) - guide.astype(np.float32)) * known[..., None]
    weight = resize_to(known, cw, ch)
    coarse = _resize(diff, cw, ch) / np.maximum(weight, 1e-6)[..., None]
    coarse_hole = weight < 1e-3
    coarse_side = None if side is None else _sealed(resize_to(side.astype(np.float32), cw, ch) > 0.5, coarse_hole)
    membrane = _solve(np.zeros_like(coarse), coarse, coarse_hole, coarse_side)
    if coarse_side is None:
        up = _resize(membrane, w, h)
    else:  # each side from its own cells (and the picture's), never across the cut
        parts = []
        for k in (False, True):
            mine = (~coarse_hole | (coarse_side == k)).astype(np.float32)
            parts.append(_resize(membrane * mine[..., None], w, h) / np.maximum(resize_to(mine, w, h), 1e-6)[..., None])
        up = np.where(side[..., None], parts[1], parts[0])
    rough = np.where(hole[..., None], guide + up, picture).astype(np.float32)
    band = hole & ~(cv2.erode(hole.astype(np.uint8), np.ones((8 * f + 1, 8 * f + 1), np.uint8)) > 0)
    return _solve(guide, rough, band, side, cut=hole)


def _resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """:func:`~sfumato.imaging.resize.resize_to` of an (h, w, C) array with any C (OpenCV takes
    at most 4 channels at once): (height, width, C)."""
    parts = [resize_to(image[..., k:k + 3], width, height).reshape(height, width, -1) for k in range(0, image.shape[2], 3)]
    return np.concatenate(parts, -1)


def _solve(guide: np.ndarray, picture: np.ndarray, hole: np.ndarray, side: np.ndarray | None = None,
           cut: np.ndarray | None = None) -> np.ndarray:
    """The direct solve of :func:`seamless_fill` (same arguments and result); ``cut``: (h, w)
    bool, the pixels between which ``side`` cuts (default ``hole``: a band solve passes the
    whole hole, so that the band takes no value from the hole's inside across the cut)."""
    out = picture.astype(np.float32).copy()
    n = int(hole.sum())
    cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], np.uint8)  # the four neighbours the system uses
    if n == 0 or not cv2.dilate(hole.astype(np.uint8), cross)[~hole].any():  # nothing to fill, or no edge to match
        return out if n == 0 else guide.astype(np.float32).copy()
    ys, xs, links, lu = _system(hole, side, hole if cut is None else cut)
    g = guide.astype(np.float64)
    p = picture.astype(np.float64)
    rhs = np.zeros((n, g.shape[2]))
    for i, qy, qx, known in links:
        rhs[i] += g[ys[i], xs[i]] - g[qy, qx]  # the guide's gradient toward each neighbour
        rhs[i[known]] += p[qy[known], qx[known]]  # the picture's value on the hole's edge
    out[ys, xs] = lu.solve(rhs).astype(np.float32)
    return out


_SYSTEMS: OrderedDict = OrderedDict()
"""The last few systems :func:`_system` factorized, by key: a lid's lightness and its colour are
solved over the same hole one after the other, and a large hole alternates its coarse and band
systems between the two (a one-entry cache missed every time there)."""
_KEEP = 4
_LOCK = threading.Lock()  # renders may run on several threads


def _system(hole: np.ndarray, side: np.ndarray | None, cut: np.ndarray):
    """The Poisson system over ``hole`` (no neighbours across the cut ``side`` between pixels of
    ``cut``): its pixels (ys, xs), for each of the four directions (pixel rows i, neighbour qy,
    qx, neighbour outside the hole), and the LU factorization of its matrix; each kept
    and reused for the same masks (the last :data:`_KEEP`)."""
    key = (hole.shape, hashlib.blake2b(np.packbits(hole)).digest(),
           None if side is None else hashlib.blake2b(np.packbits(side & cut)).digest() + hashlib.blake2b(np.packbits(cut)).digest())
    with _LOCK:
        if key in _SYSTEMS:
            _SYSTEMS.move_to_end(key)
            return _SYSTEMS[key]
    ys, xs = np.nonzero(hole)
    n = ys.size
    h, w = hole.shape
    index = np.full((h, w), -1, np.int64)
    index[ys, xs] = np.arange(n)
    diag = np.zeros(n)
    rows, cols, links = [np.arange(n)], [np.arange(n)], []
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        qy, qx = ys + dy, xs + dx
        ok = (qy >= 0) & (qy < h) & (qx >= 0) & (qx < w)
        if side is not None:  # no flux across the cut between two pixels of the (whole) hole
            ok[ok] &= ~(cut[qy[ok], qx[ok]] & (side[qy[ok], qx[ok]] != side[ys[ok], xs[ok]]))
        i, qy, qx = np.nonzero(ok)[0], qy[ok], qx[ok]
        diag[i] += 1.0
        inside = index[qy, qx]
        known = inside < 0
        links.append((i, qy, qx, known))
        rows.append(i[~known])
        cols.append(inside[~known])
    vals = np.concatenate([diag, -np.ones(sum(r.size for r in rows[1:]))])
    a = coo_matrix((vals, (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)).tocsc()
    lu = splu(a, permc_spec="MMD_AT_PLUS_A")  # symmetric: a symmetric ordering
    with _LOCK:
        _SYSTEMS[key] = (ys, xs, links, lu)
        while len(_SYSTEMS) > _KEEP:
            _SYSTEMS.popitem(last=False)
    return ys, xs, links, lu
