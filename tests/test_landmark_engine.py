"""The landmark engine on real faces, with real MediaPipe."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from sfumato.geometry.crop import head_box, head_crop
from sfumato.engines import make_engine
from sfumato.engines.base import HeadCrop, Pose, SweepSpec
from sfumato.rig.eyes import EYES
from sfumato.engines.landmark import LandmarkEngine, LandmarkParams, rotate_head
from sfumato.errors import SfumatoError
from sfumato.face.detect import find_faces, mesh_landmarks
from sfumato.face.gaze import measure_gaze
from sfumato.imaging.painting import load_painting


def _crop(image: np.ndarray) -> HeadCrop:
    face = find_faces(image)[0]
    return head_crop(image, face, head_box(face, (image.shape[1], image.shape[0])))


@pytest.fixture(scope="module")
def ast_crop(astronaut) -> HeadCrop:
    return _crop(astronaut)


@pytest.fixture(scope="module")
def ast_engine(ast_crop) -> LandmarkEngine:
    eng = LandmarkEngine()
    eng.prepare(ast_crop)
    eng.plan(SweepSpec())
    return eng


def _eye_polygon_mask(crop: HeadCrop, dilate: int) -> np.ndarray:
    m = np.zeros(crop.image.shape[:2], np.uint8)
    for eye in EYES:
        cv2.fillPoly(m, [np.round(crop.landmarks[list(eye.contour), :2]).astype(np.int32)], 1)
    return cv2.dilate(m, np.ones((2 * dilate + 1,) * 2, np.uint8)) > 0


def _sweep_h(frames: list[np.ndarray], samples: int) -> np.ndarray:
    gazes = [measure_gaze(f, samples=samples) for f in frames]
    assert all(g is not None for g in gazes)
    return np.array([g[0] for g in gazes])


def test_make_engine_and_params_are_json(ast_engine):
    eng = make_engine("landmark", iris_travel=0.8)
    assert isinstance(eng, LandmarkEngine) and eng.name == "landmark"
    assert eng.params()["iris_travel"] == 0.8
    params = ast_engine.params()
    json.dumps(params)
    assert set(params) == set(LandmarkParams.__dataclass_fields__)


def test_unknown_option_is_a_user_error():
    with pytest.raises(SfumatoError, match="iris_travle"):
        LandmarkEngine(iris_travle=1.0)


def test_plan_is_the_sweep(ast_engine):
    spec = SweepSpec(cols=9, rows=3)
    assert ast_engine.plan(spec) == spec.poses()
    ast_engine.plan(SweepSpec())


def test_identity_pose_returns_the_crop(ast_engine, ast_crop):
    out = ast_engine.render_pose(Pose(0.0, 0.0, 0.0, 0.0))
    assert out.dtype == np.uint8 and out.shape == ast_crop.image.shape
    assert np.array_equal(out, ast_crop.image)
    # the middle frame of the default sweep is the identity pose
    assert np.array_equal(ast_engine.render(16), ast_crop.image)


def test_small_turn_changes_little(ast_engine, ast_crop):
    out = ast_engine.render_pose(Pose(1.0, 0.0, 0.0, 0.0)).astype(int)
    diff = np.abs(out - ast_crop.image.astype(int))
    assert diff.mean() < 0.05 and diff.max() < 80


def test_eyes_only_change_inside_the_openings(ast_engine, ast_crop):
    """With no head turn, the iris is never drawn over lids or skin: every changed pixel lies
    inside the (slightly dilated) eyelid polygons, and the rest is bit-identical."""
    inside = _eye_polygon_mask(ast_crop, dilate=1)
    for yaw, pitch in [(-30, 0), (30, 0), (0, 15), (-25, -15), (45, 20)]:
        out = ast_engine.render_pose(Pose(yaw, pitch, 0.0, 0.0))
        changed = np.any(out != ast_crop.image, axis=2)
        assert changed.any()
        assert not (changed & ~inside).any(), f"pose {yaw},{pitch} changed pixels outside the eyes"


def test_head_turn_pins_the_border(ast_engine, ast_crop):
    out = ast_engine.render_pose(Pose(30.0, 15.0, 4.0, 2.0))
    img = ast_crop.image
    assert not np.array_equal(out, img)
    assert np.array_equal(out[0], img[0]) and np.array_equal(out[-1], img[-1])
    assert np.array_equal(out[:, 0], img[:, 0]) and np.array_equal(out[:, -1], img[:, -1])


def test_rotate_head_moves_the_nose_tip():
    lm = np.zeros((478, 3))
    rng = np.random.default_rng(0)
    lm[:, :2] = rng.uniform(0, 100, (478, 2))
    lm[:, 2] = rng.uniform(-10, 30, 478)
    lm[1] = (50.0, 60.0, -40.0)  # the nose tip, nearest the viewer
    right = rotate_head(lm, 5.0, 0.0, 0.6)
    up = rotate_head(lm, 0.0, 5.0, 0.6)
    assert right[1, 0] > 50.5 and abs(right[1, 1] - 60.0) < 1e-9
    assert up[1, 1] < 59.5 and abs(up[1, 0] - 50.0) < 1e-9
    assert np.allclose(rotate_head(lm, 0.0, 0.0, 0.6), lm[:, :2])


def test_head_turn_moves_the_rendered_nose(ast_engine):
    """FaceMesh on the rendered frames: head yaw +x moves the nose tip right, pitch up moves it up."""
    eng = LandmarkEngine(head_turn=2.0)
    eng.prepare(ast_engine._crop)
    nose = {}
    for name, pose in {
        "left": Pose(0, 0, -4, 0), "right": Pose(0, 0, 4, 0), "down": Pose(0, 0, 0, -4), "up": Pose(0, 0, 0, 4),
    }.items():
        lm = mesh_landmarks(eng.render_pose(pose))
        nose[name] = lm[1, :2]
    assert nose["right"][0] - nose["left"][0] > 1.0
    assert nose["down"][1] - nose["up"][1] > 1.0


@pytest.mark.parametrize("side", [301, 157])
def test_render_size_equals_crop_size_for_odd_sizes(ast_crop, side):
    scale = side / ast_crop.size
    img = cv2.resize(ast_crop.image, (side, side), interpolation=cv2.INTER_AREA)
    lms = ast_crop.landmarks * np.float32(scale)
    fb = tuple(v * scale for v in ast_crop.face_box)
    crop = HeadCrop(image=img, landmarks=lms, face_box=fb)
    eng = LandmarkEngine()
    eng.prepare(crop)
    poses = eng.plan(SweepSpec(cols=3))
    for i in range(len(poses)):
        out = eng.render(i)
        assert out.shape == (side, side, 3) and out.dtype == np.uint8


def test_render_before_prepare_fails():
    with pytest.raises(RuntimeError):
        LandmarkEngine().render_pose(Pose(10.0))


def test_astronaut_gaze_is_monotonic(ast_engine):
    """The measured gaze of the rendered frames rises strictly over the whole sweep."""
    poses = ast_engine.plan(SweepSpec())
    frames = [ast_engine.render(i) for i in range(len(poses))]
    h = _sweep_h(frames, samples=8)
    assert np.all(np.diff(h) > 0), np.round(h, 3).tolist()
    assert h[-1] - h[0] >= 0.6


@pytest.mark.slow
def test_mona_lisa_gaze_is_monotonic(mona_lisa_path):
    crop = _crop(load_painting(mona_lisa_path))
    eng = LandmarkEngine()
    eng.prepare(crop)
    poses = eng.plan(SweepSpec())
    frames = [eng.render(i) for i in range(len(poses))]
    assert all(f.shape == crop.image.shape for f in frames)
    h = _sweep_h(frames, samples=8)
    assert np.all(np.diff(h) > 0), np.round(h, 3).tolist()
    assert h.max() - h.min() >= 0.6


def test_registry_default_alias_and_contract():
    from sfumato.engines import DEFAULT_ENGINE, ENGINES, Engine, canonical_name, register

    assert DEFAULT_ENGINE == "rig" and {"rig", "landmark", "fomm"} <= set(ENGINES)
    assert canonical_name("landmark") == "rig" and canonical_name("fomm") == "fomm"
    assert type(make_engine("rig")) is type(make_engine("landmark"))
    with pytest.raises(ValueError, match="unknown engine 'nope'"):
        make_engine("nope")
    assert Engine.can_blink is False and Engine.artifacts(make_engine("rig")) == {}

    class Probe(LandmarkEngine):
        name = "probe"

    from sfumato.engines import _FACTORIES

    register("probe", Probe)
    try:
        assert isinstance(make_engine("probe", iris_travel=0.5), Probe)
    finally:
        del _FACTORIES["probe"]
