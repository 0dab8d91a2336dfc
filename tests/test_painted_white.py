"""The painted eye white found from the pixels (sfumato.rig.painted_white) and the white the rig
rebuilds from it, on a synthetic stylised eye whose FaceMesh-like contour holds lid rim and
lash as well as white (repo only), and on the bundled astronaut with real FaceMesh."""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import rgb_to_lab as to_lab
from sfumato.rig.lids import EyeFrame, Lids, opening
from sfumato.rig.painted_white import painted_white
from sfumato.rig.sclera import rebuild_white

WHITE = (200.0, 208.0, 222.0)  # a bluish painted white
SKIN = (222.0, 180.0, 160.0)
RIM = (170.0, 70.0, 70.0)  # the red lower-lid rim
LASH = (25.0, 20.0, 22.0)
IRIS = (70.0, 50.0, 45.0)


def stylised_eye() -> tuple[np.ndarray, EyeFrame, Lids, np.ndarray, np.ndarray, np.ndarray, float]:
    """(h, w, 3) float32 RGB eye: white, iris, a lash band and a red rim INSIDE the contour."""
    h, w = 70, 120
    frame = EyeFrame(np.array([60.0, 35.0]), np.array([1.0, 0.0]), 40.0)
    u, v = frame.grids((h, w))
    s = np.clip(1 - (u / 40.0) ** 2, 0, 1)
    lids = Lids(np.linspace(-40, 40, 64), 14.0 * np.clip(1 - (np.linspace(-40, 40, 64) / 40) ** 2, 0, 1),
                -12.0 * np.clip(1 - (np.linspace(-40, 40, 64) / 40) ** 2, 0, 1))
    img = np.empty((h, w, 3), np.float32)
    img[:] = SKIN
    painted = (v < 16.0 * s) & (v > -13.0 * s)  # the painted opening, a little larger than the contour
    img[painted] = WHITE
    img[painted & (v > 5.0 * s)] = LASH  # the lash line hangs into the contour
    img[painted & (v < -4.0 * s)] = RIM  # and so does the lower rim
    c, r = np.array([60.0, 35.0]), 11.0
    yy, xx = np.mgrid[0:h, 0:w]
    img[(np.hypot(xx - c[0], yy - c[1]) < r) & painted] = IRIS
    rng = np.random.default_rng(3)
    img += rng.normal(0, 2.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255), frame, lids, u, v, c, r


def test_the_white_is_found_and_lash_and_rim_left_out():
    img, frame, lids, u, v, c, r = stylised_eye()
    contour = opening(u, v, lids, 1.0) > 0.5
    white = painted_white(img, contour, c, r, 0.0)
    lab, white_lab = to_lab(img), to_lab(np.array([[WHITE]], np.float32))[0, 0]
    assert white.sum() > 200
    assert np.median(np.abs(lab[white][:, 0] - white_lab[0])) < 2.0  # the white itself ...
    dark = lab[..., 0] < white_lab[0] - 25.0
    assert (white & dark).sum() == 0  # ... no lash, rim or iris pixel
    # the contour alone is a mix: its median beside the iris is far darker than the white
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    beside = contour & (np.hypot(xx - c[0], yy - c[1]) > 1.1 * r)
    assert np.median(lab[beside][:, 0]) < white_lab[0] - 8.0


def test_the_rebuilt_white_has_the_painted_whites_colour():
    img, frame, lids, u, v, c, r = stylised_eye()
    inside = opening(u, v, lids, 1.0)
    out = rebuild_white(img, lids, frame, u, v, inside, c, r, 1.0)
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    hole = (np.hypot(xx - c[0], yy - c[1]) < 0.8 * r) & (inside > 0.99) & (np.abs(v) < 6)
    lab = to_lab(out)[hole]
    ref = to_lab(np.array([[WHITE]], np.float32))[0, 0]
    assert abs(np.median(lab[:, 0]) - ref[0]) < 3.0, (np.median(lab[:, 0]), ref[0])
    assert abs(np.median(lab[:, 2]) - ref[2]) < 3.0  # as blue as the painted white
