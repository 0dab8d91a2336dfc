"""The precompute CLI end to end: a real bank from a real face, and every bad input's error."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

from sfumato.bank.format import load_bank
from precompute.cli import main


def _run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "precompute", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.fixture(scope="module")
def built_bank(tmp_path_factory, astronaut_png):
    out = tmp_path_factory.mktemp("banks") / "astro"
    proc = _run(astronaut_png, "--out", out, "--frames", 9, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_cli_builds_a_complete_bank(built_bank, astronaut):
    out, proc = built_bank
    assert "contact_sheet.png" in proc.stdout
    bank = load_bank(out)
    assert len(bank) == 9 and bank.grid == (1, 9)
    assert np.all(np.diff(bank.labels[:, 0]) > 0)
    np.testing.assert_array_equal(bank.painting, astronaut)
    m = json.loads((out / "manifest.json").read_text())
    assert m["engine"]["name"] == "rig" and m["engine"]["params"]
    assert (out / "rig.json").is_file() and "rig.json" in m["artifacts"]
    assert m["painting"]["file"] == "astronaut.png" and len(m["painting"]["sha256"]) == 64
    sheet = cv2.imread(str(out / "contact_sheet.png"))
    assert sheet is not None and sheet.shape[0] > 100
    cap = cv2.VideoCapture(str(out / "preview.mp4"))
    # there and back, then a blink: 4 open, 3 closing (of the 6 levels), 1 shut, 5 opening, 6 open
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 9 + 7 + 19
    assert m["blinks"]["frames"] == list(range(9)) and len(m["blinks"]["patches"]) == 9 * 6
    # frames differ from each other (the eyes move) but only inside the crop
    x, y, w, h = bank.crop
    f0, f8 = bank.full_frame(0), bank.full_frame(8)
    assert np.abs(f0.astype(int) - f8).sum() > 0
    mask = np.ones(f0.shape[:2], bool)
    mask[y : y + h, x : x + w] = False
    np.testing.assert_array_equal(f0[mask], astronaut[mask])
    assert not list(out.parent.glob(".*tmp*")), "temp folder left behind"


def test_existing_bank_needs_force(built_bank, astronaut_png):
    out, _ = built_bank
    proc = _run(astronaut_png, "--out", out, "--frames", 3, "--quiet")
    assert proc.returncode == 2 and "--force" in proc.stderr and "Traceback" not in proc.stderr
    assert len(load_bank(out)) == 9  # untouched
    proc = _run(astronaut_png, "--out", out, "--frames", 3, "--quiet", "--force")
    assert proc.returncode == 0, proc.stderr
    assert len(load_bank(out)) == 3


def test_two_d_bank(tmp_path, astronaut_png):
    rc = main([str(astronaut_png), "--out", str(tmp_path / "grid"), "--frames", "3", "--rows", "3", "--quiet"])
    assert rc == 0
    bank = load_bank(tmp_path / "grid")
    assert bank.grid == (3, 3)
    assert bank.labels[0, 1] > 0 > bank.labels[-1, 1]  # top row looks up
    assert bank.labels[0, 0] < 0 < bank.labels[2, 0]


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: None, "file not found"),
        (lambda p: p.write_text("hello"), "not an image"),
        (lambda p: cv2.imwrite(str(p), np.full((300, 400, 3), 128, np.uint8)), "no face found"),
    ],
    ids=["missing", "not-image", "no-face"],
)
def test_bad_input_one_line_no_traceback(tmp_path, make, words):
    painting = tmp_path / "painting.png"
    make(painting)
    out = tmp_path / "bank"
    proc = _run(painting, "--out", out, "--quiet")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "painting.png" in lines[0], proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".*tmp*"))


def test_face_too_small_says_minimum(tmp_path, astronaut):
    small = cv2.resize(astronaut, (300, 300), interpolation=cv2.INTER_AREA)  # face ~56 px
    path = tmp_path / "small.png"
    cv2.imwrite(str(path), cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    proc = _run(path, "--out", tmp_path / "b", "--quiet")
    assert proc.returncode == 2 and "minimum is 80 px" in proc.stderr, proc.stderr


def test_face_index_out_of_range(tmp_path, astronaut_png):
    proc = _run(astronaut_png, "--out", tmp_path / "b", "--face", 3, "--quiet")
    assert proc.returncode == 2 and "only 1 face" in proc.stderr


def test_failure_mid_build_leaves_nothing(tmp_path, astronaut_png, monkeypatch):
    import precompute.build as build

    def boom(*a, **k):
        raise RuntimeError("encoder crashed")

    monkeypatch.setattr(build, "write_mp4", boom)
    with pytest.raises(RuntimeError):
        main([str(astronaut_png), "--out", str(tmp_path / "b"), "--frames", "3", "--quiet"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["gray", "rgba", "16bit", "exif-rotated"])
def test_odd_image_formats_build_a_bank(tmp_path, astronaut, kind):
    """Grayscale, RGBA, 16-bit and EXIF-rotated paintings go through the whole pipeline."""
    from PIL import Image

    path = tmp_path / ("p.jpg" if kind == "exif-rotated" else "p.png")
    if kind == "gray":
        cv2.imwrite(str(path), cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY))
    elif kind == "rgba":
        rgba = np.dstack([astronaut, np.full(astronaut.shape[:2], 255, np.uint8)])
        rgba[:, :40, 3] = 0  # a transparent strip at the left
        Image.fromarray(rgba, "RGBA").save(path)
    elif kind == "16bit":
        cv2.imwrite(str(path), cv2.cvtColor(astronaut, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)
    else:  # stored turned 90 degrees counter-clockwise, EXIF says: turn it clockwise to view
        exif = Image.Exif()
        exif[0x0112] = 6
        Image.fromarray(np.rot90(astronaut).copy()).save(path, exif=exif, quality=95)
    out = tmp_path / "bank"
    proc = _run(path, "--out", out, "--frames", 3, "--quiet")
    assert proc.returncode == 0, proc.stderr
    bank = load_bank(out)
    assert bank.painting.shape == (512, 512, 3)
    if kind == "rgba":
        assert (bank.painting[:, :40] == 255).all()
    if kind == "exif-rotated":  # upright again (JPEG-lossy copy of the astronaut)
        assert np.abs(bank.painting.astype(int) - astronaut).mean() < 6
    if kind in ("gray", "16bit"):
        expect = astronaut if kind == "16bit" else cv2.cvtColor(cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        assert np.abs(bank.painting.astype(int) - expect).max() <= 1
