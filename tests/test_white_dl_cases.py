"""benchmarks/white_dl_cases.py: which pixels make bench_rig's white dL, per eye and per side of the
old iris, on the bundled astronaut with real FaceMesh (repo only)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab


def _cases():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "white_dl_cases.py"
    spec = importlib.util.spec_from_file_location("white_dl_cases", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclass looks its module up
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def measured(ast_crop):
    mod = _cases()
    img = cv2.resize(ast_crop.image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)  # ~25 -> ~100 white pixels an eye
    return mod, img, mod.painted_side(img)


def test_the_painting_against_itself_reads_zero_on_every_side(measured):
    mod, img, ps = measured
    row, masks = mod.frame_case(ps, img, img)
    assert abs(row["white_dl"]) < 0.5, row
    assert abs(row["composition_dl"]) < 0.5 and abs(row["side_dl"]) < 0.5, row  # nothing covered, nothing changed
    for e in mod.NAMES:
        for f, n, p, m in row[e]["sides"]:
            assert n > 0 and m > 0, row[e]
            assert abs(f - p) < 1.5, row[e]


def test_one_side_made_lighter_is_read_on_that_side_alone(measured):
    """The image-left eye's right side of its measured white made 20 L lighter (the painting's
    pixels there, in Lab): that eye and side reads about +20, the other eye and side about 0, and
    the pooled white dL moves with it. On the unchanged painting each reads ~0 (the test above)."""
    mod, img, ps = measured
    c = ps.landmarks[mod.EYES[0].iris[0], 0]
    right = ps.masks[0] & (np.arange(img.shape[1]) >= c)[None, :]
    assert right.sum() >= 5
    lab = rgb_to_lab(img.astype(np.float32))
    lab[..., 0][right] += 20.0
    frame = img.copy()
    frame[right] = np.clip(np.round(lab_to_rgb(lab)[right]), 0, 255).astype(np.uint8)
    row, _ = mod.frame_case(ps, img, frame)
    (lf, _, lp, _), (rf, rn, rp, _) = row["imgL"]["sides"]
    print(row)
    assert rn > 0 and rf - rp > 12.0, row["imgL"]
    assert abs(lf - lp) < 3.0, row["imgL"]
    for f, _, p, _ in row["imgR"]["sides"]:
        assert abs(f - p) < 3.0, row["imgR"]
    # the same eyes and sides seen as in the painting: the change is the sides', not the cover's
    assert row["imgL"]["side_dl"] > 3.0 and abs(row["imgL"]["composition_dl"]) < 2.0, row["imgL"]


def test_the_cover_is_the_paintings_median_over_the_sides_the_frame_shows(measured):
    """A frame that shows only the image-left eye's right side (the rest under the moved iris):
    the painting's median over the frame's shares is that side's own median, not both eyes'."""
    mod, img, ps = measured
    row, _ = mod.frame_case(ps, img, img)
    (_, _, lp, ln), (_, _, rp, rn) = row["imgL"]["sides"]
    row["imgL"]["sides"] = [[np.nan, 0, lp, ln], [rp, rn, rp, rn]]
    row["imgR"]["sides"] = [[np.nan, 0, f[2], f[3]] for f in row["imgR"]["sides"]]
    got = mod.composed_median(ps, row)
    assert abs(got - rp) < 1.0, (got, rp, ps.median)
    assert abs(ps.median - rp) > 1.0  # the whole painting reads otherwise: the test can tell them apart
