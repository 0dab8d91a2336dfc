"""load_painting: every odd input becomes (H, W, 3) uint8 RGB upright, or a clear error."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from sfumato.errors import InputImageError
from sfumato.imaging.painting import load_painting


def _rgb(h=40, w=60):
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : w // 2] = (200, 30, 10)  # left half red
    img[: h // 4] = (10, 200, 30)  # top band green
    return img


def test_rgb_png_round_trip(tmp_path):
    img = _rgb()
    Image.fromarray(img).save(tmp_path / "a.png")
    out = load_painting(tmp_path / "a.png")
    assert out.dtype == np.uint8 and out.shape == (40, 60, 3)
    np.testing.assert_array_equal(out, img)


def test_grayscale_becomes_rgb(tmp_path):
    Image.fromarray(np.full((20, 30), 77, np.uint8)).save(tmp_path / "g.png")
    out = load_painting(tmp_path / "g.png")
    assert out.shape == (20, 30, 3) and (out == 77).all()


def test_rgba_composited_over_white(tmp_path):
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[:5, :, 3] = 255  # top opaque red, bottom transparent
    Image.fromarray(rgba, "RGBA").save(tmp_path / "t.png")
    out = load_painting(tmp_path / "t.png")
    assert tuple(out[0, 0]) == (255, 0, 0)
    assert tuple(out[9, 9]) == (255, 255, 255)


def test_16bit_scaled_to_8bit(tmp_path):
    img16 = (_rgb().astype(np.uint16) * 257)
    cv2.imwrite(str(tmp_path / "d.png"), cv2.cvtColor(img16, cv2.COLOR_RGB2BGR))
    out = load_painting(tmp_path / "d.png")
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, _rgb())


def test_exif_orientation_applied(tmp_path):
    img = _rgb()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display needs 90 degrees clockwise
    Image.fromarray(img).save(tmp_path / "r.jpg", exif=exif, quality=95)
    out = load_painting(tmp_path / "r.jpg")
    assert out.shape == (60, 40, 3)
    # after a clockwise turn, the green top band is on the right
    assert out[:, -3, 1].mean() > 150 and out[:, 3, 1].mean() < 100


@pytest.mark.parametrize(
    "make, expect",
    [
        (lambda p: None, "file not found"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("this is not an image at all"), "not an image"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64), "not an image"),
    ],
    ids=["missing", "folder", "empty", "text", "truncated-png"],
)
def test_bad_inputs_name_file_and_fix(tmp_path, make, expect):
    path = tmp_path / "painting.png"
    make(path)
    with pytest.raises(InputImageError) as info:
        load_painting(path)
    msg = str(info.value)
    assert str(path) in msg and expect in msg and "\n" not in msg
