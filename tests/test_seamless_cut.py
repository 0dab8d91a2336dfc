"""The seamless fill's cut (``side=``), its resealing of cut-off patches, and the lid edge's
corner opening, on synthetic pictures (repo only).

The cut keeps a closed upper lid matched to the skin over it and at the corners, not to the
lower lid's skin under its lash line (sfumato/rig/seamless.py); the corner opening keeps a
sliver of painted white past a corner out of the edge the lid meets (sfumato/rig/lid_plate.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.rig.lid_plate import _skin_edge
from sfumato.rig.seamless import seamless_fill


def _two_levels(h: int = 60, w: int = 90, cut: int = 30) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A picture 40 over row ``cut`` and 200 under it (3 channels), a rectangular hole across
    that row, and the cut along it (True over it)."""
    picture = np.full((h, w, 3), 40.0, np.float32)
    picture[cut:] = 200.0
    hole = np.zeros((h, w), bool)
    hole[h // 6:h - h // 6, w // 6:w - w // 6] = True
    side = np.zeros((h, w), bool)
    side[:cut] = True
    return picture, hole, side


def test_cut_keeps_each_side_at_its_own_edge_level():
    """Over the cut the hole meets only the 40 level, under it only the 200: with a flat guide
    each side is its own level exactly (no leakage across the cut); without the cut the two
    mix (the rows beside it read about 120)."""
    picture, hole, side = _two_levels()
    guide = np.zeros_like(picture)
    cut = seamless_fill(guide, picture, hole, side=side)
    assert np.abs(cut[hole & side] - 40.0).max() < 1e-3, np.abs(cut[hole & side] - 40.0).max()
    assert np.abs(cut[hole & ~side] - 200.0).max() < 1e-3
    plain = seamless_fill(guide, picture, hole)
    assert np.abs(plain[29, 40] - 120.0).max() < 30.0  # the measure sees leakage where there is some


def test_patch_cut_off_from_the_picture_is_filled_from_its_neighbours():
    """A patch of one side that touches no picture pixel (an island of ``side`` inside the
    other side) has nothing to be matched to: it joins the side round it and takes finite
    values close to its neighbours (within 1 level of the ring round it), not NaN or a
    singular solve's garbage."""
    picture, hole, _ = _two_levels()
    side = np.zeros(hole.shape, bool)
    side[24:36, 40:50] = True  # deep inside the hole
    guide = np.zeros_like(picture)
    out = seamless_fill(guide, picture, hole, side=side)
    assert np.isfinite(out).all()
    island = side & hole
    ring = (cv2.dilate(island.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~island
    assert abs(float(out[island].mean()) - float(out[ring].mean())) < 1.0


def test_large_hole_keeps_the_cut():
    """A hole over ``max_pixels`` is filled coarse-then-band; with a cut that must stay a cut:
    each side within 1 level of the exact solve's, also in the rows beside the cut (bilinear
    upsampling of the coarse membrane across it, and a band solve taking the other side's
    rough values as edge, mixed the two levels there: 20-80 levels off)."""
    picture, hole, side = _two_levels(240, 360, 120)
    rng = np.random.default_rng(3)
    guide = rng.normal(0, 4, picture.shape).astype(np.float32)
    exact = seamless_fill(guide, picture, hole, max_pixels=10**9, side=side)
    coarse = seamless_fill(guide, picture, hole, max_pixels=int(hole.sum()) // 9, side=side)
    assert np.array_equal(coarse[~hole], picture[~hole])
    near = hole & (np.abs(np.arange(240) - 119.5)[:, None] < 6)
    assert np.abs(coarse - exact)[near].max() < 1.0, np.abs(coarse - exact)[near].max()
    assert np.abs(coarse - exact)[hole].max() < 1.0, np.abs(coarse - exact)[hole].max()


def test_a_large_holes_lightness_and_colour_solves_factorize_each_system_once(monkeypatch):
    """A closing lid's lightness and then its colour are filled over the same hole
    (skin_palette.palette_fill). A large hole is solved coarse, then on a band: the two
    fills alternate two systems, so a one-entry cache factorized all four times. Kept: two
    factorizations for the two fills, and the second fill equals an uncached solve."""
    import sfumato.rig.seamless as seamless

    picture, hole, side = _two_levels(240, 360, 120)
    rng = np.random.default_rng(4)
    light, colour = (rng.normal(0, 4, picture.shape).astype(np.float32) for _ in range(2))
    small = int(hole.sum()) // 9
    seamless._SYSTEMS.clear()
    calls = []
    real = seamless.splu
    monkeypatch.setattr(seamless, "splu", lambda *a, **k: calls.append(1) or real(*a, **k))
    seamless_fill(light, picture, hole, max_pixels=small, side=side)
    cached = seamless_fill(colour, picture, hole, max_pixels=small, side=side)
    assert len(calls) == 2, len(calls)
    seamless._SYSTEMS.clear()
    fresh = seamless_fill(colour, picture, hole, max_pixels=small, side=side)
    assert np.array_equal(cached, fresh)


def test_corner_opening_takes_a_light_sliver_away_only_at_the_corners():
    """A 2 px sliver of painted white (250) beside the hole on flat skin (120): where it lies
    in ``corners`` the edge the lid meets is the skin (the sliver opened away), elsewhere the
    sliver is kept (over the lid a painted highlight is skin the lid meets)."""
    image = np.full((50, 80, 3), 120.0, np.float32)
    hole = np.zeros((50, 80), bool)
    hole[15:35, 20:60] = True
    image[15:35, 60:62] = 250.0  # a sliver along the hole's right side
    corners = np.zeros_like(hole)
    corners[:, 55:] = True
    opened = _skin_edge(image, hole, 4.0, corners)
    kept = _skin_edge(image, hole, 4.0, ~corners & ~hole)
    plain = _skin_edge(image, hole, 4.0)
    assert np.abs(opened[15:35, 60:62] - 120.0).max() < 1.0
    assert np.abs(kept[15:35, 60:62] - 250.0).max() < 1.0
    assert np.abs(plain[15:35, 60:62] - 250.0).max() < 1.0
