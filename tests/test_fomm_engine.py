"""The FOMM engine: full-resolution frames, automatic frame/reference choice, the CLI bank.

Uses the tiny random-weight checkpoint of ../shared/fomm, or the repo-only stand-in of
tests/fomm_checkpoint.py when ../shared is absent: random weights make no sense of faces, so these are pipeline tests, not quality tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.test_driving import driving_clip  # noqa: F401  (shared fixture)

pytest.importorskip("torch")

from tests.fomm_checkpoint import tiny_checkpoint  # noqa: E402

CKPT, CONFIG = tiny_checkpoint()  # ../shared/fomm's tiny checkpoint, or the repo-only stand-in
ROOT = Path(__file__).resolve().parents[1]



def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "precompute", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def big_crop(astronaut):
    """A HeadCrop of the astronaut upscaled 2x (crop side ~500 px)."""
    from sfumato.geometry.crop import head_box, head_crop
    from sfumato.face.detect import find_faces

    img = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    face = find_faces(img)[0]
    return head_crop(img, face, head_box(face, (img.shape[1], img.shape[0]), 0.6))


@pytest.fixture(scope="module")
def engine(big_crop, driving_clip):  # noqa: F811
    from sfumato.engines import SweepSpec, make_engine

    eng = make_engine("fomm", checkpoint=CKPT, config=CONFIG, driving=driving_clip[0], progress=False)
    eng.prepare(big_crop)
    eng.poses = eng.plan(SweepSpec(cols=4))
    return eng


def _high_freq(img: np.ndarray) -> float:
    g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return float(np.abs(g - cv2.GaussianBlur(g, (0, 0), 1.5)).mean())


@pytest.mark.skipif("shared" not in CKPT.parts, reason="the detail check needs the shared trained-like checkpoint: "
                    "the stand-in's random motion resamples the crop at sub-pixel offsets (measured 1.06x, not 1.2x)")
def test_engine_renders_full_resolution_crops(engine, big_crop):
    s = big_crop.size
    assert s > 400
    frames = [engine.render(i) for i in range(len(engine.poses))]
    for f in frames:
        assert f.shape == (s, s, 3) and f.dtype == np.uint8
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1.0  # the motion differs
    # the full-res warp keeps the crop's fine detail; the 256 px prediction cannot. Measured as the
    # share of the crop's own detail above 256 px (its high frequencies over those of its 256 px
    # copy) that the frame keeps: a 256 px prediction upscaled keeps none (0), the crop itself all
    # (1); the limit is half way. The crop (the astronaut upscaled 2x) holds only 1.21x its 256 px
    # copy's high frequencies, so the former test, the frame over 1.2x the copy, asked for 99 % of
    # it and flipped with the rig-rendered driving clip (frame 0: 1.19x, keeping 0.89 of it)
    small = cv2.resize(cv2.resize(big_crop.image, (256, 256), interpolation=cv2.INTER_AREA), (s, s),
                       interpolation=cv2.INTER_CUBIC)
    above = _high_freq(big_crop.image) - _high_freq(small)
    assert above > 0.1 * _high_freq(small)  # the crop has detail a 256 px copy loses
    kept = (_high_freq(frames[0]) - _high_freq(small)) / above
    print(f"frame 0 keeps {kept:.2f} of the crop's detail above 256 px")
    assert kept > 0.5


def test_plan_selects_frames_in_yaw_order_with_a_reference(engine):
    p = engine.params()
    yaws = [m["gaze_yaw"] for m in p["measured"]]
    assert len(p["selected_frames"]) == 4 and len(set(p["selected_frames"])) == 4
    assert np.all(np.diff(yaws) > 0) and yaws[-1] - yaws[0] > 40
    labels = [pose.gaze_yaw for pose in engine.poses]
    ref = p["reference_measured"]["gaze_yaw"]
    assert np.allclose(labels, np.array(yaws) - ref, atol=2e-3)
    # the painting *is* the astronaut: the reference is a near-frontal frame of the sweep
    assert abs(p["reference_measured"]["head_yaw"] - p["painting_measured"]["head_yaw"]) < 4
    json.dumps(p)
    assert p["checkpoint"] == CKPT.name and len(p["checkpoint_sha256"]) == 64 and len(p["driving_sha256"]) == 64


def test_artifacts_hold_the_comparison(engine, tmp_path):
    for i in range(len(engine.poses)):
        engine.render(i)
    files = engine.artifacts()
    assert list(files) == ["fomm_comparison.png"]
    sheet = cv2.imdecode(np.frombuffer(files["fomm_comparison.png"], np.uint8), cv2.IMREAD_COLOR)
    assert sheet is not None and sheet.shape[1] > 4 * 300 and sheet.shape[0] > 2 * 300


def test_fast_mode_matches_exact(big_crop, driving_clip, tmp_path):  # noqa: F811
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from sfumato.engines import SweepSpec, make_engine

    out = []
    for mode in ("exact", "fast"):
        eng = make_engine("fomm", checkpoint=CKPT, config=CONFIG, driving=driving_clip[0], mode=mode,
                          onnx_dir=tmp_path / "onnx", progress=False)
        eng.prepare(big_crop)
        eng.plan(SweepSpec(cols=2))
        out.append(eng.render(1).astype(int))
    # 'fast' runs the fp32 graphs on MNN when it is installed (Winograd convolutions: float
    # rounding differs from PyTorch), else on ONNX Runtime (identical to within 1 level). The
    # bound is issue #13's picture target for the fast mode, on the final full-size head crop.
    diff = np.abs(out[0] - out[1])
    assert diff.mean() <= 1.0 and diff.max() <= 16, (diff.mean(), diff.max())


def test_cli_builds_a_fomm_bank(astronaut_png, driving_clip, tmp_path):  # noqa: F811
    out = tmp_path / "bank"
    r = _cli(astronaut_png, "--engine", "fomm", "--checkpoint", CKPT, "--config", CONFIG,
             "--driving", driving_clip[0], "--frames", 5, "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "manifest.json").read_text())
    assert m["engine"]["name"] == "fomm" and m["grid"] == [1, 5]
    yaws = [f["gaze_yaw"] for f in m["frames"]]
    assert np.all(np.diff(yaws) > 0)
    x, y, w, h = m["crop"]
    frame = cv2.imread(str(out / m["frames"][0]["file"]))
    assert frame.shape == (h, w, 3)
    assert m["engine"]["params"]["selected_frames"] and "reference_frame" in m["engine"]["params"]
    from sfumato.imaging.painting import sha256_file

    assert m["artifacts"] == {"fomm_comparison.png": sha256_file(out / "fomm_comparison.png")}
    r = _cli(astronaut_png, "--engine", "fomm", "--checkpoint", CKPT, "--config", CONFIG,
             "--driving", driving_clip[0], "--gaze-range", 20, "--out", tmp_path / "b3", "--quiet")
    assert r.returncode == 2 and "--gaze-range" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "b3").exists()


@pytest.mark.parametrize("case", ["missing", "corrupt"])
def test_bad_checkpoint_is_one_line_exit_2(astronaut_png, driving_clip, tmp_path, case):  # noqa: F811
    ckpt = tmp_path / "vox-cpk.pth.tar"
    if case == "corrupt":
        ckpt.write_bytes(b"\x00garbage" * 1000)
    r = _cli(astronaut_png, "--engine", "fomm", "--checkpoint", ckpt, "--driving", driving_clip[0],
             "--out", tmp_path / "bank", "--quiet")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in r.stderr
    assert str(ckpt) in lines[0]
    if case == "missing":
        assert "checkpoints/vox-cpk.pth.tar" in lines[0] and "checkpoints/README.md" in lines[0]
    else:
        assert "corrupt" in lines[0]
    assert not (tmp_path / "bank").exists()


def test_missing_driving_clip_and_2d_bank_from_1d_clip(astronaut_png, driving_clip, tmp_path):  # noqa: F811
    r = _cli(astronaut_png, "--engine", "fomm", "--checkpoint", CKPT, "--config", CONFIG,
             "--driving", tmp_path / "nope.mp4", "--out", tmp_path / "b1", "--quiet")
    assert r.returncode == 2 and "driving clip not found" in r.stderr and "Traceback" not in r.stderr
    r = _cli(astronaut_png, "--engine", "fomm", "--checkpoint", CKPT, "--config", CONFIG,
             "--driving", driving_clip[0], "--rows", 3, "--frames", 3, "--out", tmp_path / "b2", "--quiet")
    assert r.returncode == 2 and "1-D" in r.stderr and "Traceback" not in r.stderr
