"""The skin palette keeps every pixel (sfumato.rig.skin_palette): a pixel whose lightness falls
exactly on a bin's top edge opens the next bin (np.digitize put the palette's lightest pixels,
when they sat on the last edge, past the last bin: lost; review item 12). Repo only."""

from __future__ import annotations

import numpy as np

from sfumato.rig.skin_palette import MIN_PIXELS, STEP, skin_palette


def test_the_lightest_pixels_on_a_bin_edge_keep_their_own_bin():
    n = MIN_PIXELS
    lab = np.zeros((2, n, 3), np.float32)
    lab[0] = (48.0 + 0.5 * STEP, 10.0, 10.0)  # a bin of darker skin ...
    lab[1] = (48.0 + 1.0 * STEP, 20.0, 30.0)  # ... and the lightest, exactly on the next edge
    centres, ab = skin_palette(lab, np.ones((2, n), bool))
    assert centres.size == 2, centres  # the old binning: 1 (the lightest bin lost)
    np.testing.assert_allclose(centres, [48.0 + 0.5 * STEP, 48.0 + STEP])
    np.testing.assert_allclose(ab, [[10.0, 10.0], [20.0, 30.0]])


def test_every_pixel_is_in_exactly_one_bin():
    rng = np.random.default_rng(0)
    lab = np.stack([np.round(rng.uniform(30, 70, (40, 40)) / STEP) * STEP,  # many on the edges
                    rng.normal(12, 2, (40, 40)), rng.normal(18, 2, (40, 40))], -1).astype(np.float32)
    centres, _ = skin_palette(lab, np.ones((40, 40), bool))
    # each distinct lightness is its own bin's only value: its median is that value
    np.testing.assert_allclose(np.sort(centres), np.unique(lab[..., 0]))
