"""A side of the iris painted as a black band under the upper lid over a thin cool white sliver is
that side's own paint, and the white rebuilt there keeps its hue and its dark band.

portrait_20's image-right eye: beside the iris on its outer side a blue-white sliver (b 3-11)
under a black band (1-27 L), the inner side a lit cream (b 27). Its own model lay 15 L under the
both-sides model (sfumato.rig.painted_white.SIDE_SHADE, 10: taken for shade) and found 18 pixels
against that model's 10 (MISSED, 2x), so the eye was one paint; and the lid-shade bins of that
side (sfumato.rig.white_edge.match_lid_shade) had none of its white from halfway up, so took the
sliver's light: the rebuilt outer white was a flat cream plate up to the lid, 54-60 L where the
painting is 1-27. Now such a side, far off in hue (PAINT_FAR), is its own paint down to
FAR_SHADE, and a bin of its with no white but painted pixels takes their shade (DARK_SHADE).
Repo only: a synthetic eye through the rig's white; on ../shared: portrait_20's bank at -24
degrees, read with benchmarks/white_dl_cases.py."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.rig.lids import opening
from sfumato.rig.sclera import white_and_hole
from tests.almond import almond
from tests.test_white_dl_cases import _cases

CREAM, COOL, BAND, EDGE = (76.0, 5.0, 26.0), (61.0, 5.0, 8.0), (8.0, 3.0, 3.0), (64.0, 5.0, 17.0)


def band_eye():
    """A lit cream white left of the iris; right of it a cool blue-white sliver along the lower
    lid (t < 0.4), warmer at its lower edge, under a black band up to the upper lid. Returns (RGB, frame, lids, u, v, inside,
    centre, radius, t)."""
    h, w = 64, 120
    frame, lids, u, v = almond(13.0, 11.0, h, w)
    yy, xx = np.mgrid[0:h, 0:w]
    c, r = np.array([60.0, 29.0]), 8.0  # a passage under it along the lower lid joins the two sides
    inside = opening(u, v, lids, 1.0)
    up, lo = lids.at(u)
    t = (v - lo) / np.maximum(up - lo, 1.0)
    lab = np.empty((h, w, 3), np.float32)
    lab[:] = (70.0, 14.0, 22.0)  # skin
    open_ = inside > 0.5
    lab[open_ & (xx < c[0])] = CREAM
    right = open_ & (xx >= c[0])
    lab[right] = COOL
    lab[right & (t > 0.4)] = BAND
    lab[right & (t < 0.22)] = EDGE  # the sliver's warmer edge on the lower lid, all the cream model finds of it
    lab[np.hypot(xx - c[0], yy - c[1]) < r] = (14.0, 8.0, 6.0)  # the iris
    img = lab_to_rgb(lab) + np.random.default_rng(7).normal(0, 1.0, (h, w, 3)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.float32), frame, lids, u, v, inside, c, r, t


def test_a_cool_sliver_under_a_black_band_is_rebuilt_cool_and_dark_under_the_lid():
    """The rebuilt white over the old iris' right half: along the lower lid (t < 0.45) within 4 of
    the sliver's b (cool, not the cream's), and under the upper lid (t > 0.7) at least 20 L darker
    than along the lower lid. Main at 8d38ef5: b 15.6 (the cream's 26 blended in) and flat (65.9 /
    66.2 L); now b 8.3, 55.4 against 16.6 L."""
    img, frame, lids, u, v, inside, c, r, t = band_eye()
    base, hole = white_and_hole(img, lids, frame, u, v, inside, c, r, 1.0)
    out = rgb_to_lab(base)
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    d = np.hypot(xx - c[0], yy - c[1])
    rebuilt = (inside > 0.99) & (hole > 0.5) & (d < 1.1 * r) & (xx > c[0] + 0.3 * r)
    low, high = rebuilt & (t < 0.45), rebuilt & (t > 0.7)
    assert low.sum() >= 5 and high.sum() >= 5, (low.sum(), high.sum())
    b_low = float(np.median(out[low][:, 2]))
    l_low, l_high = float(np.median(out[low][:, 0])), float(np.median(out[high][:, 0]))
    print(f"rebuilt right half: b {b_low:.1f} along the lower lid; L {l_low:.1f} there, {l_high:.1f} under the upper lid")
    assert abs(b_low - COOL[2]) < 4.0, b_low
    assert l_low - l_high > 20.0, (l_low, l_high)


def test_portrait_20s_outer_side_at_minus_24_reads_as_painted(tmp_path):
    """portrait_20's bank, gaze -24.4 (frame 3 of 33): the image-right eye's outer side (right of
    the old iris) as bench_rig's white dL measures it (benchmarks/white_dl_cases.py), within 12 L
    of its painted pixels (the black band over the blue-white sliver, median 19.6). Main at
    8d38ef5: +41.7 (61.3 L, the cream plate up to the lid); now +4.1."""
    from precompute.build import BuildConfig, build_bank
    from sfumato.bank.format import load_bank
    from tests.conftest import TESTDATA

    path = TESTDATA / "portrait_20.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present (../shared is optional)")
    bank = load_bank(build_bank(BuildConfig(path, tmp_path / "p20", progress=False, blinks=None)), verify=False)
    assert abs(bank.labels[3][0] + 24.375) < 0.01, bank.labels[3]
    mod = _cases()
    ps = mod.painted_side(bank.painting)
    row, _ = mod.frame_case(ps, bank.painting, bank.full_frame(3))
    frame_l, n, painted_l, m = row["imgR"]["sides"][1]
    print(row["imgR"])
    assert n >= 20 and m >= 20, row["imgR"]
    assert abs(frame_l - painted_l) < 12.0, (frame_l, painted_l)
