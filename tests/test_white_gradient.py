"""The rebuilt white continues the painted white's gradient (synthetic eye, no data needed)."""

from __future__ import annotations

import numpy as np

from sfumato.rig.white_gradient import follow_gradient


def test_rebuilt_white_continues_a_shaded_gradient():
    h, w, r = 40, 120, 8.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = (xx - w / 2) / (w / 2)  # -1 .. 1 across the eye
    t = yy / (h - 1)
    # painted white: lit on the left (200), in shade on the right (100), linear across
    tone = 150.0 - 50.0 * a
    image = np.repeat(tone[..., None], 3, axis=2).astype(np.float32)
    dist = np.hypot(xx - w / 2, yy - h / 2)
    painted = dist > 1.3 * r  # the iris hid the middle
    flat = np.full_like(image, 165.0)  # a flat rebuilt white, too light on the shaded side
    out = follow_gradient(flat, image, painted, a, t, dist, r)
    row = out[h // 2, :, 0]
    mid = row[int(w / 2 - r): int(w / 2 + r)]
    assert np.all(np.diff(mid) <= 1e-4) and mid[0] > mid[-1] + 2.0, mid  # darker toward the shaded side
    assert 150.0 < float(row[w // 2]) < 164.0, row[w // 2]  # part of the way from its flat 165 toward the painted 150
    assert out.max() <= image[painted].max() + 1e-3  # never lighter than the painted white


def test_too_little_painted_white_leaves_the_plate():
    h, w = 20, 20
    a = np.zeros((h, w), np.float32)
    plate = np.full((h, w, 3), 120.0, np.float32)
    out = follow_gradient(plate, plate * 0.5, np.zeros((h, w), bool), a, a, a + 1.0, 5.0)
    assert np.array_equal(out, plate)
