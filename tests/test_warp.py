"""The thin-plate-spline head warp: identity, pinned border, control points land."""

from __future__ import annotations

import numpy as np

from sfumato.rig.warp import ThinPlateWarp


def _image(size: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.integers(0, 256, (size, size, 3), dtype=np.uint8)


def _points(size: int, n: int = 60) -> np.ndarray:
    rng = np.random.default_rng(2)
    return rng.uniform(0.3 * size, 0.7 * size, (n, 2))


def test_zero_displacement_is_identity():
    img = _image(201)
    warp = ThinPlateWarp(_points(201), 201)
    out = warp.warp(img, np.zeros((60, 2)))
    assert np.array_equal(out, img)


def test_border_is_pinned():
    size = 257
    img = _image(size)
    pts = _points(size)
    warp = ThinPlateWarp(pts, size, grid_step=16)
    disp = np.tile([6.0, -4.0], (len(pts), 1))
    out = warp.warp(img, disp)
    assert not np.array_equal(out, img)
    assert np.array_equal(out[0], img[0]) and np.array_equal(out[-1], img[-1])
    assert np.array_equal(out[:, 0], img[:, 0]) and np.array_equal(out[:, -1], img[:, -1])


def test_control_points_land_at_their_targets():
    size = 300
    pts = _points(size, 40)
    disp = np.tile([5.0, 3.0], (len(pts), 1))
    warp = ThinPlateWarp(pts, size, grid_step=8, smoothing=1e-7)
    mx, my = warp.maps(disp)
    # the output pixel at a moved point samples the source at its rest position
    for (x, y), (dx, dy) in zip(pts[:10], disp[:10]):
        ix, iy = int(round(x + dx)), int(round(y + dy))
        sx, sy = mx[iy, ix], my[iy, ix]
        assert abs(sx - (ix - dx)) < 0.6 and abs(sy - (iy - dy)) < 0.6


def test_odd_sizes_and_large_crops_keep_a_coarse_grid():
    warp = ThinPlateWarp(_points(3001, 100), 3001, grid_step=16, max_grid=64)
    assert warp.grid_n == 64
    mx, my = warp.maps(np.zeros((100, 2)))
    assert mx.shape == (3001, 3001) and my.shape == (3001, 3001)
