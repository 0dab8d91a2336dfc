"""Blink frames in the bank: which frames, compact storage, manifest + sha256, loading, previews.

The build runs for real (astronaut, real MediaPipe, real rig engine with open eyes) through a clearly
labelled test double that darkens the eye box by the closure (tests/blink_double.py).
"""

from __future__ import annotations

import json
import shutil

import imageio.v2 as imageio
import numpy as np
import pytest

from precompute import build
from precompute.build import BuildConfig, build_bank
from sfumato.bank.blinks import BlinkSpec, blink_frames, changed_box, feather_mask, feathered, lay_lid, layer_of, lid_layers, nearest_level
from sfumato.bank.format import load_bank
from sfumato.engines import SweepSpec
from sfumato.errors import BankError
from tests.blink_double import DarkeningBlinkEngine

SWEEP = SweepSpec(cols=11)


def test_blink_frames_are_evenly_spaced_with_ends_and_centre():
    assert blink_frames((1, 33), BlinkSpec()) == [0, 4, 8, 12, 16, 20, 24, 28, 32]
    assert blink_frames((1, 5), BlinkSpec()) == [0, 1, 2, 3, 4]
    two_d = blink_frames((5, 21), BlinkSpec())
    assert len(two_d) == 27 and {i // 21 for i in two_d} == {0, 2, 4} and 2 * 21 + 10 in two_d


def test_nearest_level_shows_one_level_never_a_mix():
    levels = (0.35, 0.7, 1.0)
    assert nearest_level(levels, 0.0) is None and nearest_level(levels, 0.17) is None
    assert [nearest_level(levels, c) for c in (0.18, 0.5, 0.53, 0.9, 1.0)] == [0, 0, 1, 2, 2]
    assert nearest_level((), 0.5) is None


def test_changed_box_and_feathered_lid_leave_no_seam():
    rng = np.random.default_rng(0)
    open_patch = rng.integers(0, 256, (80, 120, 3), dtype=np.uint8)
    closed = open_patch.copy()
    closed[30:40, 50:70] //= 3
    box = changed_box(open_patch, [closed], pad=6)
    assert box == (44, 24, 32, 22)
    assert changed_box(open_patch, [open_patch.copy()], pad=6) is None
    made = lid_layers(open_patch, [(closed, np.zeros((80, 120), np.uint8))], pad=6)          # an opaque layer (no lid alone)
    assert made is not None and made[0] == box and made[1][0].shape == (22, 32, 4)
    premult, transmit = feathered(*layer_of(made[1][0]), feather=6)
    dest = lay_lid(open_patch.copy(), premult, transmit, box)
    assert np.abs(dest.astype(int) - closed).max() <= 1           # the feather lies on unchanged pixels only
    moved = lay_lid(open_patch.copy(), premult, transmit, box, (3.0, -2.0))
    assert np.abs(moved[28:38, 53:73].astype(int) - closed[30:40, 50:70]).max() <= 1   # laid 3 px right, 2 up
    m = feather_mask(10, 20, 4)
    assert m.shape == (10, 20, 1) and m[0, 0, 0] < 0.2 and m[5, 10, 0] == 1.0


@pytest.fixture(scope="module")
def blink_bank(tmp_path_factory, astronaut_png):
    engines = []

    def make(name, **options):
        engines.append(DarkeningBlinkEngine(**options))
        return engines[-1]

    mp = pytest.MonkeyPatch()
    mp.setattr(build, "make_engine", make)
    try:
        out = build_bank(BuildConfig(astronaut_png, tmp_path_factory.mktemp("b") / "astro", sweep=SWEEP, progress=False))
    finally:
        mp.undo()
    return out, engines[0]


def test_bank_stores_compact_blinks_listed_with_sha256(blink_bank):
    out, engine = blink_bank
    m = json.loads((out / "manifest.json").read_text())
    b = m["blinks"]
    levels = list(BlinkSpec().levels)
    assert b["levels"] == levels and b["frames"] == [0, 1, 2, 4, 5, 6, 8, 9, 10] == blink_frames((1, 11), BlinkSpec())
    assert len(b["patches"]) == 9 * len(levels) and all(len(p["sha256"]) == 64 and (out / p["file"]).is_file() for p in b["patches"])
    assert sorted(c for _, c in engine.calls if c > 0) == sorted(levels * 9)
    _, _, cw, ch = m["crop"]
    for p in b["patches"]:
        x, y, w, h = p["box"]
        assert w * h < 0.25 * cw * ch          # the eye region alone
    bank = load_bank(out)
    assert bank.blink_levels == tuple(levels) and bank.blink_frames == b["frames"]
    # frame 3 has no blink of its own: the nearest blink frame stands in
    bp = bank.blink_patch(3, 1.0)
    assert bp.frame in (2, 4) and bp.level == 1.0 and bp.premult.shape == (bp.box[3], bp.box[2], 3)
    x, y, w, h = bp.box
    f = bp.feather
    shut = bp.over(bank.patch(bp.frame))[y:y + h, x:x + w]
    inner_closed = shut[f:-f, f:-f].astype(float)
    inner_open = bank.patch(bp.frame)[y + f:y + h - f, x + f:x + w - f].astype(float)
    assert 0.2 < inner_closed.mean() / inner_open.mean() < 0.5       # darkened by 1 - 0.7
    # feather = open frame (to the rounding of the uint8 layer laid in float)
    assert np.abs(shut[:f].astype(int) - bank.patch(bp.frame)[y:y + f, x:x + w]).max() <= 1
    half = bank.blink_patch(bp.frame, 0.4)
    assert half.level == 0.3333 and half.over(bank.patch(bp.frame)).mean() > bp.over(bank.patch(bp.frame)).mean()


def test_contact_sheet_and_preview_show_a_blink(blink_bank):
    from precompute.previews import MAX_SHEET_WIDTH

    out, _ = blink_bank
    sheet = imageio.imread(out / "contact_sheet.png")
    tw = min(200, (MAX_SHEET_WIDTH - 4) // 11 - 4)         # thumbnails shrink to keep the sheet <= 2000 px
    assert sheet.shape[1] == 4 + 11 * (tw + 4)           # 11 frames + the blink tile, wrapped at 11
    assert sheet.shape[0] > 2 * (tw * 3 // 4)             # the blink tile on a second row
    reader = imageio.get_reader(out / "preview.mp4")
    n = sum(1 for _ in reader)
    reader.close()
    sweep = 2 * 11 - 2
    assert n == sweep + 4 + 3 + 1 + 5 + 6                 # closing in 3 of the 6 levels, opening through 5


def test_bad_blink_files_are_named(blink_bank, tmp_path):
    out, _ = blink_bank
    copy = shutil.copytree(out, tmp_path / "copy")
    name = json.loads((copy / "manifest.json").read_text())["blinks"]["patches"][5]["file"]
    (copy / name).write_bytes((copy / "frame_000.png").read_bytes())
    with pytest.raises(BankError, match=name):
        load_bank(copy)
    (copy / name).unlink()
    with pytest.raises(BankError, match=f"{name}: file missing"):
        load_bank(copy)


def test_banks_without_blinks_still_load(tmp_path):
    from tests.fakebank import fake_bank

    bank = load_bank(fake_bank(tmp_path / "plain", cols=5))
    assert bank.blink_frames == [] and bank.blink_levels == ()
    with pytest.raises(BankError, match="no blink frames"):
        bank.blink_patch(0, 1.0)


def _lid_gap(lm: np.ndarray) -> float:
    """Mean vertical gap between the upper and lower lid midpoints of both eyes (pixels)."""
    return float(np.mean([abs(lm[145, 1] - lm[159, 1]), abs(lm[374, 1] - lm[386, 1])]))


def test_rig_bank_blinks_measured_from_outside(tmp_path, astronaut_png):
    """The default (rig) engine's bank stores real blinks: FaceMesh on the full frames with the
    stored blink pasted sees the lid gap shrink (and the box sits on the eyes)."""
    from sfumato.face.quality import face_landmarks

    out = build_bank(BuildConfig(astronaut_png, tmp_path / "rig", sweep=SweepSpec(cols=9), progress=False))
    bank = load_bank(out)
    assert bank.manifest["engine"]["name"] == "rig"
    assert bank.blink_frames == list(range(9)) and bank.blink_levels == BlinkSpec().levels
    centre = bank.center_index
    gaps = []
    for level in (0.0, 0.35, 1.0):
        lm = face_landmarks(bank.full_frame(centre, blink=level), near=bank.crop)
        assert lm is not None
        gaps.append(_lid_gap(lm))
    assert gaps[2] < 0.5 * gaps[0] and gaps[1] < gaps[0], gaps
    bp = bank.blink_patch(centre, 1.0)
    x, y, w, h = bp.box
    cx, cy, cw, ch = bank.crop
    painting_lm = face_landmarks(bank.painting, near=bank.crop)
    for k in (159, 145, 386, 374):            # the lid midpoints lie inside the stored box
        px, py = painting_lm[k, :2] - [cx, cy]
        assert x <= px <= x + w and y <= py <= y + h
    assert w * h < 0.2 * cw * ch
