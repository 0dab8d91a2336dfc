"""sfumato.imaging.lab: the one RGB <-> CIE Lab conversion every measure and rig layer uses."""

from __future__ import annotations

import numpy as np
from skimage import color

from sfumato.imaging.lab import lab_to_rgb, lightness, rgb_to_lab


def test_known_colours() -> None:
    """White is L 100, black L 0, greys have no hue, and sRGB red has its textbook Lab."""
    lab = rgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [128, 128, 128], [255, 0, 0]], np.uint8))
    assert lab.dtype == np.float32 and lab.shape == (4, 3)
    np.testing.assert_allclose(lab[0], [100, 0, 0], atol=0.01)
    np.testing.assert_allclose(lab[1], [0, 0, 0], atol=0.01)
    assert abs(lab[2, 1]) < 0.01 and abs(lab[2, 2]) < 0.01 and 53 < lab[2, 0] < 54
    np.testing.assert_allclose(lab[3], [53.24, 80.09, 67.20], atol=0.2)


def test_matches_scikit_image_on_a_real_face() -> None:
    """On the astronaut (a real photo), within 0.5 L (a, b) of scikit-image's independent conversion (OpenCV interpolates its gamma curve)."""
    from skimage import data

    rgb = data.astronaut()[::4, ::4]
    ours = rgb_to_lab(rgb)
    assert ours.shape == rgb.shape and ours.dtype == np.float32
    np.testing.assert_allclose(ours, color.rgb2lab(rgb), atol=0.5)
    np.testing.assert_array_equal(lightness(rgb), ours[..., 0])


def test_shapes_and_dtypes_agree() -> None:
    """An image, its pixels as a list and one pixel alone give the same numbers, uint8 or float."""
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (7, 5, 3)).astype(np.uint8)
    whole = rgb_to_lab(img)
    np.testing.assert_array_equal(rgb_to_lab(img.reshape(-1, 3)), whole.reshape(-1, 3))
    np.testing.assert_array_equal(rgb_to_lab(img[2, 3]), whole[2, 3])
    np.testing.assert_array_equal(rgb_to_lab(img.astype(np.float64)), whole)
    assert lightness(img).shape == (7, 5)


def test_out_of_range_is_clipped() -> None:
    """Float layers may overshoot [0, 255]: they read as the clipped colour, never as NaN."""
    over = np.array([[300.0, -20.0, 128.0]], np.float32)
    np.testing.assert_array_equal(rgb_to_lab(over), rgb_to_lab(np.clip(over, 0, 255)))


def test_round_trip() -> None:
    """lab_to_rgb undoes rgb_to_lab to under one 8-bit step (OpenCV interpolates its gamma curve), in every shape."""
    rng = np.random.default_rng(1)
    img = rng.uniform(0, 255, (6, 4, 3)).astype(np.float32)
    back = lab_to_rgb(rgb_to_lab(img))
    assert back.dtype == np.float32 and back.shape == img.shape
    np.testing.assert_allclose(back, img, atol=1.0)
    np.testing.assert_allclose(lab_to_rgb(rgb_to_lab(img[1, 2])), img[1, 2], atol=1.0)
    np.testing.assert_allclose(lab_to_rgb(rgb_to_lab(img.reshape(-1, 3))), img.reshape(-1, 3), atol=1.0)


def test_empty_pixel_lists() -> None:
    """An empty mask's pixels, image[mask] of shape (0, 3), convert to an empty (0, 3) list."""
    empty = np.zeros((0, 3), np.uint8)
    assert rgb_to_lab(empty).shape == (0, 3) and lightness(empty).shape == (0,)
    assert lab_to_rgb(np.zeros((0, 3), np.float32)).shape == (0, 3)
