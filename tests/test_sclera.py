"""The rebuilt eye white carries the painted white across the iris (synthetic eyes, no data needed)."""

from __future__ import annotations

import numpy as np

from sfumato.rig.sclera import sclera_plate, two_sided_colour


def _eye(h: int = 40, w: int = 120, r: float = 10.0):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = xx - w / 2
    dist = np.hypot(u, yy - h / 2)
    return yy, xx, u, dist, r


def test_a_side_in_shade_keeps_its_shade_and_the_lit_side_its_light():
    yy, xx, u, dist, r = _eye()
    # painted white: lit on the left (200), in shade on the right (90); the iris hid the middle
    image = np.where((u < 0)[..., None], 200.0, 90.0) * np.ones(3, np.float32)
    image = image.astype(np.float32)
    known = (dist > 1.3 * r).astype(np.float32)
    known[:, :8] = 0.0  # the left side shows less white than the right: no matter
    model = np.full_like(image, 150.0)  # a flat model must not decide the tone
    colour = two_sided_colour(image, known, model, u, 0.0, r, 5.0)
    row = colour[20, :, 0]
    left_edge, right_edge = int(60 - r), int(60 + r)
    assert abs(row[left_edge] - 200.0) < 6.0 and abs(row[right_edge] - 90.0) < 6.0, (row[left_edge], row[right_edge])
    mid = row[left_edge:right_edge + 1]
    assert np.all(np.diff(mid) <= 1e-3), mid  # graded from the lit to the shaded side, no flat patch


def test_a_side_with_nothing_painted_takes_the_model_toned_like_the_other():
    yy, xx, u, dist, r = _eye()
    image = np.full((40, 120, 3), 180.0, np.float32)
    known = ((dist > 1.3 * r) & (u < 0)).astype(np.float32)  # white on the left only
    model = (100.0 * (1.0 - 0.4 * (u / 60.0) ** 2))[..., None] * np.ones(3, np.float32)  # darker toward corners
    colour = two_sided_colour(image, known, model, u, 0.0, r, 5.0)
    right = colour[20, 60 + int(1.5 * r):, 0]
    assert 160.0 < right[0] < 220.0 and right[-1] < right[0] - 30.0, right  # toned like the left (not the raw 100), darker to its corner


def test_borrowed_texture_carries_grain_but_no_lash():
    rng = np.random.default_rng(0)
    h, w, r = 60, 120, 8.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = 1.0 + 0.03 * rng.standard_normal((h, w)).astype(np.float32)
    image = (170.0 * grain)[..., None] * np.ones(3, np.float32)
    lashes = (yy > 44) & (yy < 52) & (xx.astype(int) % 6 == 0)  # dark vertical ticks below the eye
    image[lashes] = 40.0
    hole = (np.hypot(xx - 60, yy - 24) < 1.35 * r).astype(np.float32)
    white = ((np.abs(yy - 24) < 6) & (hole < 0.5)).astype(np.float32)
    colour = np.full((h, w, 3), 170.0, np.float32)
    plate = sclera_plate(image, white, hole, colour, 4.0)
    inner = plate[(np.hypot(xx - 60, yy - 24) < r)][:, 0]
    assert inner.min() > 170.0 * 0.85, inner.min()  # no lash printed into the white
    assert inner.std() > 0.3, inner.std()  # the canvas' grain is carried, not a flat patch


def test_white_samples_last_fallback_keeps_to_allowed():
    """With too little white everywhere, the last fallback (all the loose opening) still never
    takes a pixel ``allowed`` rules out (the iris' tint ring must not sample the white's hue)."""
    from sfumato.rig.sclera import white_samples

    yy, xx, u, dist, r = _eye()
    shape = u.shape
    white = np.zeros(shape, np.float32)
    cand = np.zeros(shape, bool)
    inside = ((np.abs(yy - 20) < 8) & (dist < 1.1 * r)).astype(np.float32)  # a tight opening: nothing beside the iris
    loose = inside * (dist > r)  # a thin crescent off the iris, all within its ring
    ring = (dist < 1.2 * r).astype(np.float32)
    allowed = u < 0  # only the left half may be sampled
    known = white_samples(white, False, cand, inside, loose, ring, u, 0.0, np.array([60.0, 20.0]), r, allowed)
    assert known.dtype == np.float32
    assert known[~allowed].max() == 0.0, "a ruled-out pixel was taken as a sample"
    assert known[allowed].sum() > 0  # the allowed part of the opening is still sampled
