"""full_resolution_warp: identity motion, grid_sample agreement and occlusion fill."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.fomm.fullres import full_resolution_warp, grid_to_pixel_maps


def _identity_grid(n: int = 64) -> np.ndarray:
    """Grid that samples pixel centres of an n x n image (align_corners=False convention)."""
    c = ((np.arange(n, dtype=np.float32) + 0.5) / n) * 2 - 1
    yy, xx = np.meshgrid(c, c, indexing="ij")
    return np.stack([xx, yy], axis=-1)


def test_identity_motion_keeps_crop():
    yy, xx = np.meshgrid(np.linspace(0, 1, 300), np.linspace(0, 1, 200), indexing="ij")
    crop = (np.stack([xx, yy, 0.5 * (xx + yy)], -1) * 255).round().astype(np.uint8)
    out = full_resolution_warp(crop, _identity_grid(), np.ones((64, 64), np.float32),
                               np.zeros((256, 256, 3), np.float32))
    assert out.shape == crop.shape and out.dtype == np.uint8
    # exact in the interior; the outermost ~2 px see the clamped edge of the 64x64 grid
    inner = (slice(4, -4), slice(4, -4))
    assert np.abs(out[inner].astype(int) - crop[inner].astype(int)).max() <= 1


def test_occluded_regions_use_prediction():
    crop = np.zeros((128, 96, 3), np.uint8)
    pred = np.full((256, 256, 3), 0.5, np.float32)
    out = full_resolution_warp(crop, _identity_grid(), np.zeros((1, 64, 64), np.float32), pred)
    assert np.all(out == 128)
    half = full_resolution_warp(crop, _identity_grid(), np.full((64, 64), 0.5, np.float32), pred)
    assert np.all(np.abs(half.astype(int) - 64) <= 1)


def test_matches_torch_grid_sample():
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    rng = np.random.default_rng(1)
    yy, xx = np.meshgrid(np.linspace(0, 1, 40), np.linspace(0, 1, 30), indexing="ij")
    crop = (np.stack([xx, yy, xx * yy], -1) * 255).astype(np.uint8)  # smooth image, 40x30
    grid = (_identity_grid() * 0.8 + 0.05 * rng.standard_normal((1, 1, 2))).astype(np.float32)
    out = full_resolution_warp(crop, grid, np.ones((64, 64), np.float32), np.zeros((256, 256, 3), np.float32),
                               border="constant")
    g = F.interpolate(torch.from_numpy(grid).permute(2, 0, 1)[None], size=(40, 30), mode="bilinear",
                      align_corners=False).permute(0, 2, 3, 1)
    ref = F.grid_sample(torch.from_numpy(crop).permute(2, 0, 1)[None].float(), g, align_corners=False)
    ref = ref[0].permute(1, 2, 0).numpy()
    assert np.abs(out.astype(np.float64) - ref).mean() < 1.0
    mx, my = grid_to_pixel_maps(grid, 40, 30)
    assert mx.shape == (40, 30) and my.dtype == np.float32
