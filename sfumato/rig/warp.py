"""Thin-plate-spline dense warp of a square image, driven by moved control points.

The control points (face landmarks in the rest pose) are fixed for a crop, so the TPS system is
solved once for the influence of each control point on each node of a coarse grid; each frame's
grid field is then a small matrix product. The forward field (rest -> moved) is inverted on the
grid by fixed-point iteration, upsampled to per-pixel maps a strip at a time and applied by
:func:`sfumato.rig.resample.remap_sharp`: only the box of pixels that move is resampled
(bicubic plus one back-projection step, so the painting keeps its detail), pixels that move
less than 0.05 px are copied exactly. Anchor points with zero displacement along the image
border pin the border: border pixels of the output are bit-identical to the input.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.linalg import lu_factor, lu_solve

from sfumato.rig.resample import STILL_PX, Box, Columns, remap_box, remap_sharp

INTER_TAB = 32
"""cv2.remap's sub-pixel steps per pixel (OpenCV's INTER_TAB_SIZE) in fixed-point maps."""

GRID_MAPS_MAX = 2048
"""Crops up to this side keep the fixed-point maps that upsample the grid field for the whole
crop (6 bytes a pixel: 25 MB at 2048 px); larger ones build them per strip."""


def _tps_kernel(d2: np.ndarray) -> np.ndarray:
    """TPS radial basis U(r) = r^2 log r, written in terms of d2 = r^2 (U(0) = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        u = 0.5 * d2 * np.log(d2)
    u[d2 <= 0] = 0.0
    return u


def _pairwise_d2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) squared distances between (N, 2) and (M, 2) point sets."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


def _border_points(size: int, step: float) -> np.ndarray:
    """(K, 2) points around the border of a size x size image, about ``step`` apart."""
    n = max(2, int(np.ceil((size - 1) / step)) + 1)
    t = np.linspace(0.0, size - 1.0, n)
    lo, hi = np.zeros_like(t), np.full_like(t, size - 1.0)
    m = t[1:-1]
    return np.concatenate(
        [np.stack([t, lo], 1), np.stack([t, hi], 1), np.stack([lo[1:-1], m], 1), np.stack([hi[1:-1], m], 1)]
    )


class ThinPlateWarp:
    """Warp a (size, size) image so that control points move to new positions.

    Args:
        points: (N, 2) float control points (x, y) in pixels of the image, rest positions.
        size: side of the square image in pixels.
        grid_step: spacing in pixels of the coarse grid the spline is evaluated on.
        max_grid: at most this many grid nodes per side (large crops get a coarser grid).
        border_step: spacing of the zero-displacement border anchors (default 2 * grid_step).
        smoothing: TPS regularisation (in units of the normalised coordinates); > 0 keeps the
            system well posed when control points nearly coincide.
        iterations: fixed-point iterations inverting the forward field.
    """

    def __init__(
        self,
        points: np.ndarray,
        size: int,
        grid_step: float = 16.0,
        max_grid: int = 72,
        border_step: float | None = None,
        smoothing: float = 1e-5,
        iterations: int = 4,
    ) -> None:
        self.size = int(size)
        self.iterations = int(iterations)
        pts = np.asarray(points, dtype=np.float64)[:, :2]
        self.n_points = len(pts)
        n_grid = int(np.clip(np.ceil((self.size - 1) / max(grid_step, 1.0)) + 1, 3, max_grid))
        self.grid_n = n_grid
        border_step = border_step if border_step is not None else 2.0 * (self.size - 1) / (n_grid - 1)
        anchors = _border_points(self.size, border_step)
        ctrl = np.concatenate([pts, anchors]) / self.size  # normalised coordinates
        n = len(ctrl)
        p = np.concatenate([np.ones((n, 1)), ctrl], axis=1)
        a = np.zeros((n + 3, n + 3))
        a[:n, :n] = _tps_kernel(_pairwise_d2(ctrl, ctrl)) + smoothing * np.eye(n)
        a[:n, n:] = p
        a[n:, :n] = p.T
        lu = lu_factor(a)
        g = np.linspace(0.0, self.size - 1.0, n_grid)
        gx, gy = np.meshgrid(g, g)
        grid = np.stack([gx.ravel(), gy.ravel()], 1) / self.size
        kg = _tps_kernel(_pairwise_d2(grid, ctrl))
        pg = np.concatenate([np.ones((len(grid), 1)), grid], axis=1)
        # The grid field is linear in the control points' displacements: precompute the
        # influence of each control point on each grid node once, so a frame is one small
        # matrix product (no per-frame triangular solves, which BLAS threads make slow on a
        # busy machine).
        rhs = np.zeros((n + 3, self.n_points))
        rhs[: self.n_points] = np.eye(self.n_points)
        self._influence = (np.concatenate([kg, pg], axis=1) @ lu_solve(lu, rhs)).astype(np.float32)  # (G, N)
        self._grid_xy = np.stack([gx, gy], -1).astype(np.float32)  # (n, n, 2) pixels
        self._border = np.zeros((n_grid, n_grid), bool)
        self._border[[0, -1], :] = True
        self._border[:, [0, -1]] = True
        # Per-pixel fractional grid coordinates (1-D; strips are built on the fly), for
        # upsampling the grid field with remap.
        scale = (n_grid - 1) / max(self.size - 1, 1)
        coord = np.arange(self.size, dtype=np.float32) * np.float32(scale)
        coord[-1] = n_grid - 1  # exact, so the last row/column reads only the pinned ring
        self._coord = coord
        # ... and as cv2.remap's fixed-point maps (whole part, 1/32 fraction), rounded as remap
        # rounds float maps itself: the same samples, without a float map per strip
        fixed = np.rint(coord.astype(np.float64) * INTER_TAB).astype(np.int32)
        self._coord_int, self._coord_frac = (fixed // INTER_TAB).astype(np.int16), (fixed % INTER_TAB).astype(np.uint16)
        self._grid_maps: tuple[np.ndarray, np.ndarray] | None = None
        if self.size <= GRID_MAPS_MAX:  # the whole crop's maps, once: a strip is then a view of them
            whole = np.empty((self.size, self.size, 2), np.int16)
            whole[..., 0], whole[..., 1] = self._coord_int[None, :], self._coord_int[:, None]
            self._grid_maps = whole, self._coord_frac[:, None] * np.uint16(INTER_TAB) + self._coord_frac[None, :]
        self._pix = np.arange(self.size, dtype=np.float32)
        self.window: np.ndarray | None = None
        """Optional (n, n) float32 weights in [0, 1] on the grid nodes (see :meth:`node_xy`)
        scaling the field: 0 keeps a node still, so the warp's box shrinks to where it is > 0."""

    def node_xy(self) -> np.ndarray:
        """(n, n, 2) float32 pixel positions (x, y) of the grid nodes."""
        return self._grid_xy.copy()

    def forward_grid(self, displacements: np.ndarray) -> np.ndarray:
        """Forward displacement (moved - rest) at the grid nodes.

        Args:
            displacements: (N, 2) float pixel displacements of the control points.

        Returns:
            (n, n, 2) float32 displacement at the rest-space grid nodes; zero on the border ring.
        """
        d = np.asarray(displacements, dtype=np.float32)[:, :2]
        # two matrix-vector products: steadier than one (G, N) x (N, 2) product, which BLAS
        # may spread over threads that a busy machine makes wait
        field = np.stack([self._influence @ np.ascontiguousarray(d[:, 0]),
                          self._influence @ np.ascontiguousarray(d[:, 1])], -1).reshape(self.grid_n, self.grid_n, 2)
        if self.window is not None:
            field *= self.window[..., None]
        field[self._border] = 0.0
        return field

    def backward_grid(self, displacements: np.ndarray) -> np.ndarray:
        """Backward displacement (source - output) at the output-space grid nodes.

        Returns:
            (n, n, 2) float32; zero on the border ring.
        """
        return self.fields(displacements)[1]

    def fields(self, displacements: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Forward and backward displacement at the grid nodes.

        The backward field solves s + F(s) = p for each output grid node p by fixed-point
        iteration s <- p - F(s).

        Returns:
            (forward, backward): two (n, n, 2) float32 fields, zero on the border ring.
        """
        d = np.asarray(displacements, np.float64)
        last = getattr(self, "_last_fields", None)
        if last is not None and last[0].shape == d.shape and np.array_equal(last[0], d):
            return last[1], last[2]  # the same motion again (a frame's blinks after its open render)
        fwd = self.forward_grid(displacements)
        scale = np.float32((self.grid_n - 1) / max(self.size - 1, 1))
        src = self._grid_xy - fwd
        for _ in range(self.iterations):
            f = cv2.remap(fwd, src[..., 0] * scale, src[..., 1] * scale, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            src = self._grid_xy - f
        back = src - self._grid_xy
        back[self._border] = 0.0
        self._last_fields = (d.copy(), fwd, back)
        return fwd, back

    def _strip_field(self, grid: np.ndarray, y0: int, y1: int, x0: int = 0, x1: int | None = None) -> np.ndarray:
        """A grid field upsampled to pixels ``[y0:y1, x0:x1]``: (rows, cols, 2) float32."""
        x1 = self.size if x1 is None else x1
        if self._grid_maps is not None:
            whole, frac = self._grid_maps
            return cv2.remap(grid, whole[y0:y1, x0:x1], frac[y0:y1, x0:x1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        whole = np.empty((y1 - y0, x1 - x0, 2), np.int16)
        whole[..., 0] = self._coord_int[None, x0:x1]
        whole[..., 1] = self._coord_int[y0:y1, None]
        frac = self._coord_frac[y0:y1, None] * np.uint16(INTER_TAB) + self._coord_frac[None, x0:x1]
        return cv2.remap(grid, whole, frac, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def _strip_maps(self, back: np.ndarray, y0: int, y1: int) -> tuple[np.ndarray, np.ndarray]:
        """Source coordinates for output rows y0..y1: two (y1 - y0, size) float32 maps."""
        up = self._strip_field(back, y0, y1)
        return self._pix[None, :] + up[..., 0], self._pix[y0:y1, None] + up[..., 1]

    def maps(self, displacements: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-pixel source coordinates for ``cv2.remap``: two (size, size) float32 maps."""
        return self._strip_maps(self.backward_grid(displacements), 0, self.size)

    def warp(
        self,
        image: np.ndarray,
        displacements: np.ndarray,
        rows: int = 512,
        interpolation: int = cv2.INTER_CUBIC,
        back_project: bool = True,
        still: float = STILL_PX,
        bp_interpolation: int | None = None,
        inplace: bool = False,
    ) -> np.ndarray:
        """Warp ``image`` so the control points land at rest + displacements, keeping detail.

        Only pixels that move are resampled: where the displacement is below ``still``
        pixels the input pixel is copied exactly (the crop border always is). Moving pixels
        are resampled with ``interpolation`` and, with ``back_project``, one step of
        iterative back-projection restores the fine detail the kernel's low-pass took (see
        :func:`sfumato.rig.resample.remap_sharp`). Everything works on the box of moving
        pixels, ``rows`` output rows at a time, so a 6000 px crop needs no full-size maps.
        With a :attr:`window` (a head that moves on its own, its outline round) only the
        columns of each strip where pixels move are resampled (:meth:`_columns`).

        Args:
            image: (size, size, C) uint8 image (e.g. RGB).
            displacements: (N, 2) float pixel displacements of the control points.
            inplace: warp into ``image`` itself (no copy of the whole image).

        Returns:
            The warped image, (size, size, C) uint8; pixels that do not move are unchanged. A
            new array, or ``image`` itself with ``inplace`` (what it needs is read first).
        """
        fwd, back = self.fields(displacements)
        box = self._moving_box(fwd, back, still)
        if box is None:
            return image if inplace else image.copy()
        return remap_sharp(image, box, self._field(back), self._field(fwd), rows=rows, interpolation=interpolation,
                           back_project=back_project, still=still, bp_interpolation=bp_interpolation, inplace=inplace,
                           columns=self._columns(fwd, back, still) if self.window is not None else None)

    def warp_region(
        self,
        image: np.ndarray,
        displacements: np.ndarray,
        region: Box,
        interpolation: int = cv2.INTER_CUBIC,
        back_project: bool = True,
        still: float = STILL_PX,
        bp_interpolation: int | None = None,
    ) -> tuple[Box, np.ndarray]:
        """Re-warp only where a changed ``region`` of the source lands.

        For an image that differs from an already warped one only inside ``region`` (e.g. the
        eyes of a blink), the warp of the new image differs only inside the returned box; its
        pixels there equal :meth:`warp`'s (the warp reads the source within a few pixels of
        where each output pixel samples it, so only the region's neighbourhood is resampled).

        Args:
            image: (size, size, C) uint8, the new source.
            displacements: (N, 2) the same displacements as the warped frame's.
            region: (x0, y0, x1, y1) the source pixels that changed.

        Returns:
            (box, pixels): box (x0, y0, x1, y1) and its (y1 - y0, x1 - x0, C) uint8 warped pixels.
        """
        fwd, back = self.fields(displacements)
        moving = self._moving_box(fwd, back, still)
        pad = 8  # kernel reach of the three resampling passes, plus the 3 x 3 range
        lo_f, hi_f = self._range(fwd, region)
        x0, y0, x1, y1 = region
        out_box = self._clip((min(x0, x0 + lo_f[0]) - pad, min(y0, y0 + lo_f[1]) - pad,
                              max(x1, x1 + hi_f[0]) + pad, max(y1, y1 + hi_f[1]) + pad))
        ox0, oy0, ox1, oy1 = out_box
        out = np.ascontiguousarray(image[oy0:oy1, ox0:ox1]).copy()
        inner = _intersect(out_box, moving) if moving is not None else None
        if inner is None:
            return out_box, out  # nothing there moves: the source itself
        work = _intersect(_grow(inner, pad), moving)
        lo_b, hi_b = self._range(back, work)
        wx0, wy0, wx1, wy1 = work
        source = _intersect((wx0 + lo_b[0] - pad, wy0 + lo_b[1] - pad, wx1 + hi_b[0] + pad, wy1 + hi_b[1] + pad), moving)
        pixels = remap_box(image, work, source, self._field(back), self._field(fwd), interpolation=interpolation,
                           back_project=back_project, still=still, frame=moving[:2], bp_interpolation=bp_interpolation)
        ix0, iy0, ix1, iy1 = inner
        out[iy0 - oy0 : iy1 - oy0, ix0 - ox0 : ix1 - ox0] = pixels[iy0 - wy0 : iy1 - wy0, ix0 - wx0 : ix1 - wx0]
        return out_box, out

    def _field(self, grid: np.ndarray):
        """The grid field as a :data:`sfumato.rig.resample.Field` (per-pixel, image boxes)."""
        return lambda x0, y0, x1, y1: self._strip_field(grid, y0, y1, x0, x1)

    def _range(self, grid: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi): (2,) int floor of the smallest and ceil of the largest (dx, dy) of a grid
        field over the box (the bilinear field stays within its nodes' range)."""
        cell = (self.size - 1) / (self.grid_n - 1)
        x0, y0, x1, y1 = box
        c0, r0 = max(0, int(x0 // cell) - 1), max(0, int(y0 // cell) - 1)
        c1, r1 = min(self.grid_n, int(np.ceil(x1 / cell)) + 2), min(self.grid_n, int(np.ceil(y1 / cell)) + 2)
        nodes = grid[r0:r1, c0:c1].reshape(-1, 2)
        return np.floor(nodes.min(0)).astype(int), np.ceil(nodes.max(0)).astype(int)

    def _clip(self, box) -> Box:
        x0, y0, x1, y1 = (int(v) for v in box)
        return max(0, x0), max(0, y0), min(self.size, x1), min(self.size, y1)

    def _columns(self, fwd: np.ndarray, back: np.ndarray, still: float, sub: int = 4) -> Columns:
        """Where pixels move, per band of rows (:data:`sfumato.rig.resample.Columns`).

        A pixel's displacement is a bilinear mix of its grid cell's corner nodes, so its size
        is at most the same mix of their sizes; that bound is bilinear too, so on a grid ``sub``
        times finer it peaks at a corner of each sub-cell: a sub-cell whose corners all stay
        below ``still`` holds only still pixels. A moving pixel's samples, and the
        back-projection's samples of those, lie within the largest forward plus backward
        displacement (+ the kernels' reach) of it.
        """
        mag_f, mag_b = np.hypot(fwd[..., 0], fwd[..., 1]), np.hypot(back[..., 0], back[..., 1])
        n, cell = self.grid_n, (self.size - 1) / (self.grid_n - 1)
        t = np.linspace(0.0, n - 1.0, sub * (n - 1) + 1)
        k = np.minimum(t.astype(int), n - 2)
        up = np.zeros((len(t), n))
        up[np.arange(len(t)), k], up[np.arange(len(t)), k + 1] = k + 1 - t, t - k  # linear interpolation
        fine = up @ np.maximum(mag_f, mag_b).astype(np.float64) @ up.T >= 0.9 * still  # 0.9: float rounding
        moving = fine[:-1, :-1] | fine[1:, :-1] | fine[:-1, 1:] | fine[1:, 1:]  # per sub-cell
        step, m = cell / sub, len(moving)
        reach = int(np.ceil(float(mag_f.max()) + float(mag_b.max()))) + 4
        any_row = moving.any(1)
        first = np.where(any_row, moving.argmax(1), m)  # per sub-cell row: first and last moving column
        last = np.where(any_row, m - 1 - moving[:, ::-1].argmax(1), -1)

        def columns(y0: int, y1: int) -> tuple[int, int] | None:
            # sub-cell rows of pixel rows y0 - reach .. y1 + reach (1/32 px rounding: 1 px more)
            r0, r1 = max(0, int((y0 - reach - 1) // step)), min(m, int((y1 + reach + 1) // step) + 1)
            if r1 <= r0 or not any_row[r0:r1].any():
                return None
            j0, j1 = int(first[r0:r1].min()), int(last[r0:r1].max())
            return int(np.floor(j0 * step)) - 1 - reach, int(np.ceil((j1 + 1) * step)) + 2 + reach

        return columns

    def _moving_box(self, fwd: np.ndarray, back: np.ndarray, still: float) -> Box | None:
        """(x0, y0, x1, y1) pixel box holding every pixel that moves (in the output or as a
        source), padded by the largest displacement plus the kernel reach; None if none moves."""
        mag = np.maximum(np.hypot(fwd[..., 0], fwd[..., 1]), np.hypot(back[..., 0], back[..., 1]))
        nodes = np.argwhere(mag >= still)
        if len(nodes) == 0:
            return None
        cell = (self.size - 1) / (self.grid_n - 1)
        pad = float(mag.max()) + 5.0
        (r0, c0), (r1, c1) = nodes.min(0) - 1, nodes.max(0) + 1
        lo = lambda v: int(np.clip(np.floor(v * cell - pad), 0, self.size))  # noqa: E731
        hi = lambda v: int(np.clip(np.ceil(v * cell + pad) + 1, 0, self.size))  # noqa: E731
        return lo(c0), lo(r0), hi(c1), hi(r1)


def _grow(box: Box, pad: int) -> Box:
    x0, y0, x1, y1 = box
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _intersect(a: Box, b: Box) -> Box | None:
    """The overlap of two boxes, None when they do not overlap."""
    box = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return box if box[0] < box[2] and box[1] < box[3] else None
