"""Driving clip (sfumato.engines.fomm.driving) and reference frame (sfumato.engines.fomm.reference).

The driving clip is a real face: the astronaut animated by the landmark engine (eyes and head
turning from -30 to +30 deg gaze, head +-10 deg), written as the bank's preview MP4.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sfumato.engines.fomm.driving import (COLUMNS, DrivingOptions, head_angles, load_driving, read_video,
                                select_frames, stable_box)
from sfumato.errors import SfumatoError
from sfumato.engines.fomm.reference import choose_reference, distances, normalise

CLIP_FRAMES = 11  # bank frames; the preview goes there and back: 2 * 11 - 2 = 20 video frames


@pytest.fixture(scope="session")
def driving_clip(tmp_path_factory, astronaut_png) -> tuple[Path, list[float]]:
    """(MP4 of the astronaut looking from side to side, the gaze yaw label of each video frame)."""
    from precompute.build import BuildConfig, build_bank
    from sfumato.engines import SweepSpec
    from precompute.previews import sweep_order

    out = tmp_path_factory.mktemp("driving") / "bank"
    sweep = SweepSpec(cols=CLIP_FRAMES, gaze_range=30.0, head_yaw=10.0)
    build_bank(BuildConfig(painting=astronaut_png, out=out, sweep=sweep, progress=False, blinks=None))  # preview = the sweep alone
    labels = [f["gaze_yaw"] for f in json.loads((out / "manifest.json").read_text())["frames"]]
    return out / "preview.mp4", [labels[i] for i in sweep_order((1, CLIP_FRAMES))]


@pytest.fixture(scope="session")
def astronaut_landmarks(astronaut) -> np.ndarray:
    from sfumato.face.detect import find_faces

    return find_faces(astronaut)[0].landmarks.astype(np.float64)


def _turn(lm: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Rotate 3-D landmarks about the vertical axis through their mean (+yaw: nose toward +x)."""
    c = lm.mean(0)
    p = lm - c
    a = np.radians(yaw_deg)
    x = p[:, 0] * np.cos(a) - p[:, 2] * np.sin(a)
    z = p[:, 0] * np.sin(a) + p[:, 2] * np.cos(a)
    return np.stack([x, p[:, 1], z], 1) + c


# ---- frame selection ----------------------------------------------------------------------
def test_select_frames_spans_the_yaw_range_in_order():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 4 * np.pi, 200)
    yaw = 25 * np.sin(t) + rng.normal(0, 0.5, t.size) + 3
    yaw[rng.choice(200, 30, replace=False)] = np.nan
    sel = select_frames(yaw, 9)
    got = yaw[sel]
    assert len(set(sel)) == 9
    assert np.all(np.diff(got) > 0)
    ok = yaw[~np.isnan(yaw)]
    assert got[0] == pytest.approx(ok.min(), abs=0.5) and got[-1] == pytest.approx(ok.max(), abs=0.5)
    steps = np.diff(got)
    assert steps.max() < 2.0 * (ok.max() - ok.min()) / 8


def test_select_frames_needs_enough_faces():
    with pytest.raises(SfumatoError, match="only 3 frames"):
        select_frames(np.array([1.0, np.nan, 2.0, 3.0, np.nan]), 5)


def test_select_frames_2d_grid_and_1d_refusal():
    yy, pp = np.meshgrid(np.linspace(-20, 20, 15), np.linspace(-10, 10, 7))
    yaw, pitch = yy.ravel(), pp.ravel()
    sel = select_frames(yaw, 5, pitch, rows=3)
    assert len(set(sel)) == 15
    grid_pitch = pitch[sel].reshape(3, 5)
    grid_yaw = yaw[sel].reshape(3, 5)
    assert np.all(grid_pitch[0] > grid_pitch[1]) and np.all(grid_pitch[1] > grid_pitch[2])  # top row looks up
    assert np.all(np.diff(grid_yaw, axis=1) > 0)
    with pytest.raises(SfumatoError, match="1-D"):
        select_frames(yaw, 5, np.zeros_like(yaw) + 0.1 * np.sin(yaw), rows=3)


# ---- measurement --------------------------------------------------------------------------
@pytest.mark.parametrize("turn", [-15.0, 8.0, 20.0])
def test_head_angles_measure_a_known_turn(astronaut_landmarks, turn):
    yaw0, pitch0 = head_angles(astronaut_landmarks)
    yaw1, pitch1 = head_angles(_turn(astronaut_landmarks, turn))
    assert yaw1 - yaw0 == pytest.approx(turn, abs=1.0)
    assert abs(pitch1 - pitch0) < 2.0


def test_stable_box_holds_every_face():
    base = np.zeros((478, 3))
    base[:, 0] = np.linspace(100, 200, 478)
    base[:, 1] = np.linspace(50, 150, 478)
    moved = base + [40, 0, 0]
    x, y, side = stable_box([base, None, moved], margin=0.6)
    assert side >= 2.2 * np.ptp(base[:468, 0]) - 1  # the painting crop's framing (margin 0.6)
    for lm in (base, moved):
        assert x <= lm[:468, 0].min() and lm[:468, 0].max() <= x + side
        assert y <= lm[:468, 1].min() and lm[:468, 1].max() <= y + side


def test_load_driving_measures_the_real_clip(driving_clip):
    path, labels = driving_clip
    clip = load_driving(path, DrivingOptions(), progress=False)
    assert clip.frames.shape == (len(labels), 256, 256, 3) and clip.frames.dtype == np.uint8
    assert clip.valid.all()
    assert clip.measures.shape == (len(labels), len(COLUMNS))
    gaze = clip.column("gaze_yaw")
    # the measured gaze follows the animated one (landmark engine labels, deg)
    assert np.corrcoef(gaze, labels)[0, 1] > 0.97
    assert np.ptp(gaze) > 40
    head = clip.column("head_yaw")
    assert np.corrcoef(head, labels)[0, 1] > 0.95 and 12 < np.ptp(head) < 30  # head sweep is 20 deg
    sel = select_frames(gaze, 5)
    assert np.all(np.diff(gaze[sel]) > 0)
    assert gaze[sel[0]] == gaze.min() and gaze[sel[-1]] == gaze.max()


def test_read_video_errors(tmp_path):
    with pytest.raises(SfumatoError, match="not found"):
        read_video(tmp_path / "missing.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 100)
    with pytest.raises(SfumatoError):
        read_video(junk)


def test_read_video_subsamples_long_clips(driving_clip):
    frames, idx, fps = read_video(driving_clip[0], max_frames=7)
    assert len(frames) == 7 and idx[0] == 0 and idx[-1] == len(driving_clip[1]) - 1
    assert fps == pytest.approx(20.0)


# ---- reference frame ----------------------------------------------------------------------
def test_reference_picks_the_same_pose_regardless_of_position_and_scale(astronaut_landmarks):
    src = astronaut_landmarks
    same = src * 0.4 + np.array([300.0, -50.0, 0.0])   # the source's pose, elsewhere and smaller
    frames = [_turn(src, 15), _turn(src, -10), None, same, _turn(src, 5) * 2.0, _turn(src, 2)]
    assert choose_reference(src, frames) == 3
    d = distances(src, frames)
    assert np.isinf(d[2]) and d[3] < 1e-9
    # without the exact match, the closest pose (2 deg turn) wins over 5, -10 and 15 deg
    assert choose_reference(src, frames[:3] + frames[4:]) == 4
    with pytest.raises(ValueError):
        choose_reference(src, [None, None])


def test_normalise_removes_position_and_scale(astronaut_landmarks):
    a = normalise(astronaut_landmarks)
    b = normalise(astronaut_landmarks * 3 + 7)
    assert np.allclose(a, b) and np.allclose(a.mean(0), 0)
