"""Blending: the anchor's sigmoid scaled to any crop, the ellipse mask, identity outside."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.geometry.blend import BlendParams, FixedBlend, alpha_mask, blend, ellipse_alpha, match_colors, square_alpha


@pytest.mark.parametrize("side", [64, 512, 1001])
def test_square_alpha_one_at_centre_zero_on_border(side):
    a = square_alpha(side)
    assert a.shape == (side, side) and a.dtype == np.float32
    assert a[side // 2, side // 2] == pytest.approx(1.0, abs=1e-6)
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    assert (border == 0).all()
    assert (a >= 0).all() and (a <= 1).all()


def test_square_alpha_matches_anchor_formula_at_512():
    """Before the 0..1 rescale, the mask is the anchor's j=0.06, k=180, m=256."""
    side = 512
    a = square_alpha(side)
    c = np.abs(np.arange(side) + 0.5 - 256)
    d = np.maximum(c[None, :], c[:, None])
    anchor = 1 / (1 + np.exp(0.06 * (d - 180)))
    lo, hi = anchor.min(), 1 / (1 + np.exp(0.06 * -180))
    np.testing.assert_allclose(a, (anchor - lo) / (hi - lo), atol=1e-5)


def test_square_alpha_scales_with_crop():
    """The half-way point sits at the same fraction of the crop at any size."""
    for side in (256, 2048):
        a = square_alpha(side)
        row = a[side // 2, side // 2 :]
        half = np.argmin(np.abs(row - 0.5)) / side
        assert half == pytest.approx(180 / 512, abs=0.01)


def test_ellipse_follows_face_outline():
    side = 400
    t = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    outline = np.stack([200 + 60 * np.cos(t), 190 + 90 * np.sin(t)], 1)  # tall face
    a = ellipse_alpha(side, outline)
    assert a[190, 200] > 0.99
    assert a[190 + 85, 200] > 0.9  # inside the face, down the long axis
    assert a[190, 200 + 150] < 0.1  # same distance sideways: outside the face
    assert (np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]]) == 0).all()
    with pytest.raises(ValueError):
        alpha_mask(BlendParams(shape="ellipse"), side)


def test_blend_identity_where_alpha_zero_and_exact_where_one():
    rng = np.random.default_rng(1)
    base = rng.integers(0, 256, (50, 60, 3), dtype=np.uint8)
    rendered = rng.integers(0, 256, (50, 60, 3), dtype=np.uint8)
    alpha = np.zeros((50, 60), np.float32)
    alpha[10:20, 10:20] = 1.0
    alpha[30:40, 30:40] = 0.5
    out = blend(base, rendered, alpha)
    zero = alpha == 0
    np.testing.assert_array_equal(out[zero], base[zero])
    np.testing.assert_array_equal(out[10:20, 10:20], rendered[10:20, 10:20])
    mid = (base[30:40, 30:40].astype(int) + rendered[30:40, 30:40]) / 2
    assert np.abs(out[30:40, 30:40] - mid).max() <= 0.5 + 1e-6


def test_match_colors_moves_statistics():
    rng = np.random.default_rng(2)
    ref = rng.integers(60, 200, (64, 64, 3), dtype=np.uint8)
    src = np.clip(ref.astype(int) + 40, 0, 255).astype(np.uint8)  # brighter copy
    out = match_colors(src, ref, np.ones((64, 64), np.float32))
    assert abs(out.mean() - ref.mean()) < 3 < abs(src.mean() - ref.mean())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fixed_blend_is_bit_identical_to_blend(seed):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    alpha = rng.random((37, 53)).astype(np.float32)
    alpha[:5], alpha[-5:], alpha[10:14] = 0.0, 1.0, 0.5  # exact ends and ties (x.5 rounds to even)
    fixed = FixedBlend(base, alpha)
    for _ in range(3):
        rendered = rng.integers(0, 256, base.shape, dtype=np.uint8)
        out = fixed(rendered)
        assert out.dtype == np.uint8 and out.shape == base.shape
        np.testing.assert_array_equal(out, blend(base, rendered, alpha))
    np.testing.assert_array_equal(fixed(base), base)
