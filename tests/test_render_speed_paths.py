"""Speed paths of the talking portrait give the same pixels as the plain computation."""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.rig.mouth import _sample


def test_mouth_samples_only_weighted_rows_and_the_weighted_sum_is_unchanged():
    rng = np.random.default_rng(4)
    image = rng.integers(0, 256, (90, 120, 3), dtype=np.uint8)
    h, w = 40, 70
    mx = (rng.uniform(0, 119, (h, w))).astype(np.float32)
    my = (rng.uniform(0, 89, (h, w))).astype(np.float32)
    weight = np.zeros((h, w), np.float32)
    weight[12:25] = rng.uniform(0, 1, (13, w))
    weight[12, :5] = 0.0
    out = _sample(image, mx, my, weight)
    full = cv2.remap(image, mx, my, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    assert np.array_equal(out[12:25], full[12:25]) and not out[:12].any() and not out[25:].any()
    np.testing.assert_array_equal(out * weight[..., None], full * weight[..., None])  # bit for bit
    assert not _sample(image, mx, my, np.zeros((h, w), np.float32)).any()
