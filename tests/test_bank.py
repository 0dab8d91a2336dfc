"""Bank format: write, load, round trip, and validation that names the bad file."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from sfumato.bank.format import MANIFEST, load_bank, write_bank
from sfumato.errors import BankError


@pytest.fixture()
def bank_dir(tmp_path):
    rng = np.random.default_rng(3)
    painting = rng.integers(0, 256, (90, 120, 3), dtype=np.uint8)
    patches = [rng.integers(0, 256, (40, 50, 3), dtype=np.uint8) for _ in range(6)]
    labels = np.array([[y, p] for p in (10.0, -10.0) for y in (-20.0, 0.0, 20.0)], np.float32)
    folder = write_bank(tmp_path / "b", painting, (30, 20, 50, 40), patches, labels, grid=(2, 3))
    return folder, painting, patches, labels


def test_round_trip(bank_dir):
    folder, painting, patches, labels = bank_dir
    bank = load_bank(folder)
    assert len(bank) == 6 and bank.grid == (2, 3) and bank.crop == (30, 20, 50, 40)
    np.testing.assert_array_equal(bank.labels, labels)
    np.testing.assert_array_equal(bank.painting, painting)
    for i, patch in enumerate(patches):
        np.testing.assert_array_equal(bank.patch(i), patch)
    full = bank.full_frame(4)
    np.testing.assert_array_equal(full[20:60, 30:80], patches[4])
    outside = np.ones(full.shape[:2], bool)
    outside[20:60, 30:80] = False
    np.testing.assert_array_equal(full[outside], painting[outside])
    assert bank.center_index in (1, 4)
    assert load_bank(folder / MANIFEST).grid == (2, 3)


def _edit_manifest(folder, fn):
    path = folder / MANIFEST
    m = json.loads(path.read_text())
    fn(m)
    path.write_text(json.dumps(m))


@pytest.mark.parametrize(
    "damage, bad_file, words",
    [
        (lambda f: shutil.rmtree(f), "b", "no such bank folder"),
        (lambda f: (f / MANIFEST).unlink(), MANIFEST, "manifest missing"),
        (lambda f: (f / MANIFEST).write_text("{not json"), MANIFEST, "not valid JSON"),
        (lambda f: _edit_manifest(f, lambda m: m.update(format="other")), MANIFEST, "not a sfumato bank"),
        (lambda f: _edit_manifest(f, lambda m: m.update(version=99)), MANIFEST, "version"),
        (lambda f: _edit_manifest(f, lambda m: m.update(grid=[2, 2])), MANIFEST, "grid is 2x2"),
        (lambda f: _edit_manifest(f, lambda m: m.update(crop=[100, 20, 50, 40])), MANIFEST, "does not fit"),
        (lambda f: _edit_manifest(f, lambda m: m["frames"][2].pop("gaze_yaw")), MANIFEST, "frame 2"),
        (lambda f: (f / "frame_003.png").unlink(), "frame_003.png", "file missing"),
        (lambda f: (f / "frame_001.png").write_bytes(b"junk"), "frame_001.png", "not a readable image"),
        (lambda f: (f / "painting.png").write_bytes(b"junk"), "painting.png", "not a readable image"),
    ],
    ids=["no-folder", "no-manifest", "bad-json", "format", "version", "grid", "crop", "label", "missing-frame", "corrupt-frame", "corrupt-painting"],
)
def test_validation_names_the_bad_file(bank_dir, damage, bad_file, words):
    folder = bank_dir[0]
    damage(folder)
    with pytest.raises(BankError) as info:
        load_bank(folder)
    msg = str(info.value)
    assert bad_file in msg and words in msg and "\n" not in msg


def test_wrong_patch_size_and_changed_content(bank_dir, tmp_path):
    folder, _, patches, _ = bank_dir
    import cv2

    cv2.imwrite(str(folder / "frame_000.png"), np.zeros((10, 10, 3), np.uint8))
    with pytest.raises(BankError, match="frame_000.png.*10x10"):
        load_bank(folder)
    flipped = np.ascontiguousarray(patches[0][::-1])
    cv2.imwrite(str(folder / "frame_000.png"), cv2.cvtColor(flipped, cv2.COLOR_RGB2BGR))
    with pytest.raises(BankError, match="frame_000.png.*sha256"):
        load_bank(folder)
    assert len(load_bank(folder, verify=False)) == 6


def test_bank_typed_head_fields_and_own_blend(tmp_path):
    """square_box, blend and face_outline are typed on Bank; head_alpha follows the bank's own shape."""
    from sfumato.geometry.blend import BlendParams, alpha_mask
    from sfumato.pose import Pose

    painting = np.full((120, 100, 3), 90, np.uint8)
    patch = np.full((60, 50, 3), 200, np.uint8)
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    outline = np.stack([40 + 18 * np.cos(t), 40 + 26 * np.sin(t)], 1).round(2)
    meta = {"square_box": [20, 30, 80], "face_outline": outline.tolist(),
            "blend": BlendParams(shape="ellipse").to_dict()}
    folder = write_bank(tmp_path / "b", painting, (20, 30, 50, 60), [patch, patch], [Pose(-5, 0, -1), Pose(5, 0, 1)],
                        meta=meta)
    bank = load_bank(folder)
    assert bank.square_box == (20, 30, 80) and bank.head_box == (20, 30, 80, 80)
    assert bank.blend.shape == "ellipse" and bank.poses[1] == Pose(5.0, 0.0, 1.0, 0.0)
    np.testing.assert_allclose(bank.face_outline, outline, atol=1e-4)
    got = bank.head_alpha(160)   # twice the square's side: the outline is scaled with it
    want = alpha_mask(BlendParams(shape="ellipse"), 160, outline * 2)
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert not np.allclose(got, alpha_mask(BlendParams(), 160), atol=0.05)   # not the square mask
    # a bank without the head fields: the crop is the head region, the square mask
    plain = load_bank(write_bank(tmp_path / "p", painting, (20, 30, 50, 60), [patch], [(0, 0)]))
    assert plain.square_box is None and plain.head_box == (20, 30, 50, 60) and plain.blend == BlendParams()
