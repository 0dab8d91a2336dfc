"""``--drive``'s painting side uses the bank's own head square and blend shape (no checkpoint needed)."""

from __future__ import annotations

import numpy as np

from live.compositor import MasterBank
from live.drive_source import SIDE_ALPHA, drive_source
from sfumato.bank.format import load_bank, write_bank
from sfumato.geometry.blend import BlendParams, alpha_mask
from sfumato.imaging.resize import resize_to
from sfumato.pose import Pose


def _bank(tmp_path, shape: str):
    rng = np.random.default_rng(0)
    painting = rng.integers(0, 255, (200, 160, 3), np.uint8)
    patch = rng.integers(0, 255, (100, 100, 3), np.uint8)
    t = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    outline = np.stack([60 + 25 * np.cos(t), 62 + 35 * np.sin(t)], 1).round(2)
    meta = {"square_box": [30, 40, 120], "face_outline": outline.tolist(), "blend": BlendParams(shape=shape).to_dict()}
    folder = write_bank(tmp_path / shape, painting, (40, 50, 100, 100), [patch, patch], [Pose(-5), Pose(5)], meta=meta)
    return load_bank(folder), outline


def test_drive_source_blends_with_the_banks_own_shape(tmp_path):
    alphas = {}
    for shape in ("square", "ellipse"):
        bank, outline = _bank(tmp_path, shape)
        master = MasterBank.from_bank(bank, (4096, 4096))   # full size: the head square is 120 px
        src = drive_source(bank, master)
        assert src.head.shape == (120, 120, 3) and src.offset == (10, 10)
        np.testing.assert_array_equal(src.head, bank.painting[40:160, 30:150])
        full = alpha_mask(BlendParams(shape=shape), SIDE_ALPHA, outline * SIDE_ALPHA / 120 if shape == "ellipse" else None)
        want = resize_to(full, 120, 120)[10:110, 10:110]
        np.testing.assert_allclose(src.alpha, np.clip(want, 0, 1), atol=1e-5)
        alphas[shape] = src.alpha
    # the ellipse bank blends differently from the square one (it used to be forced square live)
    assert np.abs(alphas["ellipse"] - alphas["square"]).max() > 0.2
