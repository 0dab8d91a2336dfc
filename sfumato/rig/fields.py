"""Dense maps from smooth fields evaluated on a coarse grid (shared by the mouth and brow rigs)."""

from __future__ import annotations

import cv2
import numpy as np


def coarse_grid(x0: int, y0: int, x1: int, y1: int, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates (x, y) of grid nodes every ``step`` pixels covering [x0, x1) x [y0, y1).

    Returns:
        Two (ny, nx) float64 arrays; node (i, j) is at (x0 + j * step, y0 + i * step), and the
        grid reaches at least one node past the last pixel so every pixel is interpolated.
    """
    nx, ny = (x1 - x0 - 1) // step + 2, (y1 - y0 - 1) // step + 2
    return np.meshgrid(x0 + step * np.arange(nx, dtype=np.float64), y0 + step * np.arange(ny, dtype=np.float64))


def upsample(coarse: list[np.ndarray], step: int, shape: tuple[int, int], rows: tuple[int, int] | None = None) -> list[np.ndarray]:
    """Bilinearly interpolate grid values (from :func:`coarse_grid`) at every pixel.

    Args:
        coarse: (ny, nx) arrays of values at the grid nodes.
        step: grid spacing in pixels.
        shape: (h, w) of the pixel region.
        rows: (r0, r1): only these rows of the region (the same values as theirs in the whole).

    Returns:
        (h, w) float32 arrays, or (r1 - r0, w); exact at the nodes.
    """
    h, w = shape
    r0, r1 = rows or (0, h)
    fx, fy = np.meshgrid(np.arange(w, dtype=np.float32) / step, np.arange(r0, r1, dtype=np.float32) / step)
    out: list[np.ndarray] = []
    for k in range(0, len(coarse), 4):  # up to four values per remap call
        stack = np.ascontiguousarray(np.stack(coarse[k : k + 4], -1), dtype=np.float32)
        dense = cv2.remap(stack, fx, fy, cv2.INTER_LINEAR)
        out += [dense] if dense.ndim == 2 else [dense[..., i] for i in range(dense.shape[-1])]
    return out
