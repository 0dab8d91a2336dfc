"""The revealed white compared with the painted white on ITS side of the old iris
(sfumato.face.revealed_white, lid_bands.side_residuals).

The rig carries each side's painted white across the old iris from that side: an eye lit from
one side gets a light half and a shaded half. The reference of sessions 7-8 (both sides' mean,
kept as ``both_dl``) read such a white, copied exactly, as lighter when the frame shows the half
next to the lit side and darker next to the shaded side. Repo only: synthetic eyes through
:func:`sfumato.face.white_match.white_match`; on ../shared: portrait_07 and portrait_20's
painted white against itself."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.topology import EYES
from sfumato.face.white_match import white_match

LIT, SHADED = 235.0, 130.0  # grey levels of the white on the iris' two sides
R = 8.0


def _lit_and_shaded(move: float, darker: float = 0.0):
    """Two painted eyes lit from the image-left: the white left of the iris ``LIT``, right of it
    ``SHADED``, both shaded toward the lids; with ``move`` a frame whose irises moved ``move`` px
    along the eye, the white where each iris was rebuilt as the white on its own side (``darker``
    L taken off it: grey levels scaled by the ratio of CIE L). (H, W, 3) uint8 RGB, (478, 2)."""
    from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab

    h, w, hh = 100, 260, 13.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.full((h, w, 3), (200.0, 150.0, 120.0), np.float32)  # skin
    lm = np.zeros((478, 2), np.float64)
    rebuilt = np.zeros((h, w), bool)
    for e, cx in zip(EYES, (70.0, 190.0)):
        t = np.linspace(0, 2 * np.pi, len(e.contour), endpoint=False)
        lm[list(e.contour)] = np.stack([cx + 34 * np.cos(t), 50 - hh * np.sin(t)], 1)
        ell = ((xx - cx) / 34) ** 2 + ((yy - 50) / hh) ** 2
        inside = ell < 1
        side = np.where(xx < cx, LIT, SHADED)
        img[inside] = (side * (1.0 - 0.25 * np.clip((50.0 - yy) / hh, 0, 1)))[inside, None]  # darker under the upper lid
        old, c = np.array([cx, 50.0]), np.array([cx + move, 50.0])
        rebuilt |= inside & (np.hypot(xx - old[0], yy - old[1]) < 1.25 * R)
        img[inside & (np.hypot(xx - c[0], yy - c[1]) < R)] = (60.0, 45.0, 40.0)
        lm[e.iris[0]] = c
        lm[list(e.iris[1:])] = c + R * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])
    img += np.random.default_rng(7).normal(0, 1.5, img.shape).astype(np.float32)
    img = np.clip(img, 0, 255)
    if darker:
        lab = rgb_to_lab(img.astype(np.uint8))
        moved = rebuilt & (img.mean(2) > 100)  # the rebuilt white, not the moved iris
        lab[moved, 0] -= darker
        img = np.clip(lab_to_rgb(lab) + 0.5, 0, 255)
    return img.astype(np.uint8), lm


@pytest.mark.parametrize("move", [14.0, -14.0])
def test_a_white_copied_from_each_side_reads_zero(move):
    # the iris moved right shows the half next to the lit side, left the half next to the shaded
    painting, plm = _lit_and_shaded(0.0)
    frame, flm = _lit_and_shaded(move)
    m = white_match(painting, frame, plm, flm, (R, R))
    assert np.isfinite(m.revealed_dl) and m.revealed_n >= 12, m
    assert abs(m.revealed_dl) < 2.0, m
    assert m.revealed_dab < 2.0, m
    # the reference of sessions 7-8: both sides' mean, light next to the lit side, dark next to the shaded
    assert (m.both_dl > 10.0) if move > 0 else (m.both_dl < -10.0), m


@pytest.mark.parametrize("move", [14.0, -14.0])
def test_a_darker_rebuilt_white_reads_darker_by_as_much(move):
    painting, plm = _lit_and_shaded(0.0)
    frame, flm = _lit_and_shaded(move, darker=10.0)
    m = white_match(painting, frame, plm, flm, (R, R))
    assert np.isfinite(m.revealed_dl), m
    assert abs(m.revealed_dl + 10.0) < 2.0, m


def test_the_painting_against_itself_reveals_nothing():
    painting, plm = _lit_and_shaded(0.0)
    m = white_match(painting, painting, plm, plm, (R, R))
    assert np.isnan(m.revealed_dl) and np.isnan(m.both_dl) and m.revealed_n == 0, m
    assert abs(m.common_dl) < 1e-6, m


def test_a_side_with_no_white_at_that_height_takes_the_other_and_says_so():
    from sfumato.face.lid_bands import side_residuals

    rng = np.random.default_rng(3)
    p_t = rng.uniform(0, 1, 200)
    p_side = np.arange(200) % 2 == 0  # True: the image-left side
    p = np.where(p_side[:, None], [80.0, 2.0, 10.0], [50.0, 4.0, 14.0]).astype(np.float32)
    keep = p_side | (p_t < 0.5)  # the right side has no white in the upper half
    f_t = np.array([0.1, 0.9, 0.1, 0.9])
    f_side = np.array([True, True, False, False])
    f = np.array([[80.0, 2.0, 10.0], [80.0, 2.0, 10.0], [50.0, 4.0, 14.0], [50.0, 4.0, 14.0]], np.float32)
    d, other = side_residuals(f, f_t, f_side, p[keep], p_t[keep], p_side[keep], 6)
    assert len(d) == 4
    got = {(float(ft), bool(fs)): (float(x[0]), bool(o)) for ft, fs, x, o in zip(f_t, f_side, d, other)}
    assert got[(0.1, True)] == (0.0, False) and got[(0.9, True)] == (0.0, False)
    assert got[(0.1, False)] == (0.0, False)
    assert got[(0.9, False)] == (-30.0, True)  # against the lit side's white: counted as such


@pytest.mark.parametrize("name, apart", [("portrait_03", 2.0), ("portrait_07", 4.0), ("portrait_13", 4.0), ("portrait_20", 4.0)])
def test_a_real_painted_white_against_its_own_side_reads_zero(name, apart):
    """A real eye's painted white beside its iris (the white the rig copies) read as if it were
    the revealed white: ~0 against its own side; against both sides' mean as far off as the
    eye is lit from one side (portrait_07's image-right eye: 87-90 L on one side, 52-79 on the
    other). portrait_03's two sides are two paints, a beige inner corner and a grey outer white,
    3.0 L apart against their mean since session 13 (each side its own paint's white,
    sfumato.face.painted_reference.painted_white_paints); 7.9 before, the grey side's reference half
    its liner."""
    import cv2

    from sfumato.face.lid_bands import banded_residuals, side_residuals
    from sfumato.face.quality import face_landmarks
    from sfumato.face.revealed_white import painted_eyes, side_reference
    from sfumato.imaging.lab import rgb_to_lab
    from sfumato.imaging.resize import points_box
    from tests.conftest import TESTDATA

    path = TESTDATA / f"{name}.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    img = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    lm = face_landmarks(img)
    assert lm is not None
    lab, eyes = rgb_to_lab(img), painted_eyes(img, lm)
    worst_both = 0.0
    for k, e in enumerate(EYES):
        x0, y0, x1, y1 = points_box(eyes[k].contour, 3 * eyes[k].radius, img.shape[1], img.shape[0])
        here = lab[y0:y1, x0:x1]
        s = side_reference(img, here, here, eyes[k], k, lm, (x0, y0), np.zeros(2), 0.0, 0.15)
        ref = s.reference
        t = s.t[ref]
        d, _ = side_residuals(here[ref], t, s.left[ref], here[ref], t, s.left[ref], s.bands)
        assert abs(float(np.median(d[:, 0]))) < 2.0, (k, np.median(d, 0))
        px, left = here[ref], s.left[ref]
        for side in (left, ~left):  # each side's own white against both sides' mean
            both = banded_residuals(px[side], t[side], px, t, left, s.bands)
            worst_both = max(worst_both, abs(float(np.median(both[:, 0]))))
    assert worst_both > apart, worst_both  # the eye is lit from one side: the old reference is off on each side
