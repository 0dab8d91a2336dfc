"""The thin-plate-spline head warp: identity, pinned border, control points land."""

from __future__ import annotations

import numpy as np
import pytest

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


def _lap_var(img: np.ndarray) -> float:
    import cv2

    return float(cv2.Laplacian(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())


def test_still_pixels_are_copied_exactly_and_moving_ones_change():
    size = 240
    img = _image(size)
    pts = np.array([[120.0, 120.0], [100.0, 110.0], [140.0, 130.0]])
    warp = ThinPlateWarp(pts, size, grid_step=8)
    disp = np.tile([1.5, 0.0], (3, 1))
    mx, my = warp.maps(disp)
    moved = np.hypot(mx - np.arange(size)[None], my - np.arange(size)[:, None])
    out = warp.warp(img, disp)
    still = moved < 0.05
    assert still.any() and (~still).any()
    assert np.array_equal(out[still], img[still])
    assert not np.array_equal(out[moved > 0.5], img[moved > 0.5])


def test_head_turn_keeps_the_painting_sharp(astronaut):
    """A sub-pixel to few-pixel shift of a real face keeps >= 0.85 of its Laplacian variance (the
    worst case is a half-pixel shift),
    where the old bilinear remap kept about 0.75."""
    import cv2

    face = astronaut[60:316, 120:376].copy()
    size = face.shape[0]
    rng = np.random.default_rng(3)
    pts = rng.uniform(0.35 * size, 0.65 * size, (40, 2))
    warp = ThinPlateWarp(pts, size)
    inner = (slice(size // 4, 3 * size // 4),) * 2
    base = _lap_var(face[inner])
    for shift in ([0.5, 0.3], [2.4, -1.3]):
        disp = np.tile(shift, (len(pts), 1))
        sharp = warp.warp(face, disp)
        soft = warp.warp(face, disp, interpolation=cv2.INTER_LINEAR, back_project=False, still=0.0)
        ratio, soft_ratio = _lap_var(sharp[inner]) / base, _lap_var(soft[inner]) / base
        assert ratio >= 0.85
        assert soft_ratio < 0.8
        # the detail is the painting's own: no ringing beyond it, and close to the bilinear image
        assert sharp.min() >= face.min() and sharp.max() <= face.max()
        assert np.abs(sharp.astype(int) - soft.astype(int)).mean() < 8.0


def test_small_strips_give_the_same_result():
    size = 301
    img = _image(size)
    pts = _points(size, 50)
    warp = ThinPlateWarp(pts, size)
    disp = np.tile([3.0, 1.0], (len(pts), 1))
    assert np.array_equal(warp.warp(img, disp, rows=37), warp.warp(img, disp, rows=512))


def test_warp_region_equals_the_whole_warp():
    """Re-warping only where a changed source region lands gives the whole warp's pixels."""
    size = 320
    img = _image(size)
    pts = _points(size, 50)
    warp = ThinPlateWarp(pts, size)
    disp = np.tile([7.0, -3.0], (len(pts), 1)) + np.random.default_rng(3).normal(0, 1.0, (len(pts), 2))
    before = warp.warp(img, disp)
    changed = img.copy()
    region = (120, 140, 190, 175)
    changed[140:175, 120:190] = 255 - changed[140:175, 120:190]
    after = warp.warp(changed, disp)
    (x0, y0, x1, y1), pixels = warp.warp_region(changed, disp, region)
    assert x0 <= 120 and y0 <= 140 and x1 >= 190 and y1 >= 175 and (x1 - x0) * (y1 - y0) < size * size / 4
    assert np.array_equal(pixels, after[y0:y1, x0:x1])
    outside = np.ones((size, size), bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(after[outside], before[outside])


def test_warp_region_without_motion_is_the_source():
    img = _image(200)
    warp = ThinPlateWarp(_points(200), 200)
    (x0, y0, x1, y1), pixels = warp.warp_region(img, np.zeros((60, 2)), (50, 60, 90, 80))
    assert np.array_equal(pixels, img[y0:y1, x0:x1])


@pytest.mark.parametrize("whole_crop_maps", [True, False])
def test_field_upsampling_with_fixed_point_maps_equals_float_maps(whole_crop_maps, monkeypatch):
    """Bit-identical to float maps, with the whole crop's maps made once (crops up to
    GRID_MAPS_MAX px) and with per-strip maps (larger crops)."""
    import cv2

    import sfumato.rig.warp as warp_module

    if not whole_crop_maps:
        monkeypatch.setattr(warp_module, "GRID_MAPS_MAX", 0)
    size = 333
    warp = ThinPlateWarp(_points(size), size, grid_step=16)
    assert (warp._grid_maps is not None) == whole_crop_maps
    rng = np.random.default_rng(3)
    for _ in range(20):
        grid = rng.normal(0.0, 3.0, (warp.grid_n, warp.grid_n, 2)).astype(np.float32)
        y0, x0 = (int(v) for v in rng.integers(0, size - 1, 2))
        y1, x1 = y0 + int(rng.integers(1, size - y0 + 1)), x0 + int(rng.integers(1, size - x0 + 1))
        ux = np.ascontiguousarray(np.broadcast_to(warp._coord[None, x0:x1], (y1 - y0, x1 - x0)))
        uy = np.ascontiguousarray(np.broadcast_to(warp._coord[y0:y1, None], (y1 - y0, x1 - x0)))
        want = cv2.remap(grid, ux, uy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        assert np.array_equal(warp._strip_field(grid, y0, y1, x0, x1), want)  # bit-identical samples


def test_windowed_warp_resamples_only_moving_columns_and_matches_the_whole_box():
    """With a head window only the columns where pixels move are resampled: the same pixels."""
    import cv2

    from sfumato.rig.resample import BAND_ROWS, remap_sharp

    size = 360
    img = _image(size)
    pts = _points(size, 80)
    warp = ThinPlateWarp(pts, size, grid_step=12)
    xy = warp.node_xy() - size / 2.0
    r = np.hypot(xy[..., 0] / 0.8, xy[..., 1]) / (0.35 * size)  # an upright oval "head"
    s = np.clip((1.6 - r) / 0.45, 0.0, 1.0)
    warp.window = (s * s * (3.0 - 2.0 * s)).astype(np.float32)
    centre = pts.mean(0)
    a = np.radians(1.5)  # a small tilt and a nod
    disp = (pts - centre) @ np.array([[np.cos(a) - 1, -np.sin(a)], [np.sin(a), np.cos(a) - 1]]).T + [0.0, 2.5]
    for kernel in (cv2.INTER_LINEAR, cv2.INTER_CUBIC):
        out = warp.warp(img, disp, bp_interpolation=kernel)
        fwd, back = warp.fields(disp)
        box = warp._moving_box(fwd, back, 0.05)
        whole = remap_sharp(img, box, warp._field(back), warp._field(fwd), bp_interpolation=kernel)
        assert np.array_equal(out, whole)
        assert not np.array_equal(out, img)
    columns = warp._columns(fwd, back, 0.05)
    x0, y0, x1, y1 = box
    spans = [columns(y, min(y1, y + BAND_ROWS)) for y in range(y0, y1, BAND_ROWS)]
    area = sum((min(x1, c[1]) - max(x0, c[0])) * (min(y1, y + BAND_ROWS) - y)
               for y, c in zip(range(y0, y1, BAND_ROWS), spans) if c is not None)
    assert area < 0.95 * (x1 - x0) * (y1 - y0)  # the still corners of the box are left alone
