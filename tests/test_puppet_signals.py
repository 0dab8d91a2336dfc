"""Puppet signals on real FaceMesh landmarks of a real face (the astronaut): head rotation signs and
size, eyes, mouth, brows, the neutral capture, retargeting limits and the ease back to rest."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from live.config import PuppetConfig
from live.puppet.features import EYE_LIDS, measure, relative
from live.puppet.neutral import NeutralCapture
from live.puppet.retarget import REST, Controls, Retargeter, retarget


@pytest.fixture(scope="module")
def landmarks(astronaut) -> np.ndarray:
    from sfumato.face.detect import find_faces

    return find_faces(astronaut)[0].landmarks.astype(np.float64)


def turned(lm: np.ndarray, yaw: float = 0.0, pitch: float = 0.0, roll: float = 0.0) -> np.ndarray:
    """The landmarks of the same face turned in 3-D (yaw: nose to image +x, pitch: up, roll: clockwise)."""
    c = lm.mean(0)
    # rotation vectors in image axes (x right, y down, z away): yaw about -y, pitch about -x, roll about +z
    r = Rotation.from_euler("zxy", [roll, -pitch, -yaw], degrees=True)
    return r.apply(lm - c) + c


@pytest.mark.parametrize("yaw,pitch,roll", [(12, 0, 0), (-12, 0, 0), (0, 8, 0), (0, -8, 0), (0, 0, 10), (9, -5, 6)])
def test_head_rotation_is_measured_with_its_sign(landmarks, yaw, pitch, roll):
    s = relative(measure(turned(landmarks, yaw, pitch, roll)), measure(landmarks))
    assert s.yaw == pytest.approx(yaw, abs=0.7)
    assert s.pitch == pytest.approx(pitch, abs=0.7)
    assert s.roll == pytest.approx(roll, abs=0.7)
    nose = turned(landmarks, yaw, 0, 0)[1, 0] - landmarks[1, 0]
    assert np.sign(nose) == np.sign(yaw) or yaw == 0      # yaw > 0: the nose moves toward image +x


def test_eyes_mouth_and_brows_each_on_their_own(landmarks):
    neutral = measure(landmarks)
    lm = landmarks.copy()
    for up, low in EYE_LIDS[1]:               # the sitter's left eye shuts
        lm[up, :2] = lm[low, :2]
    lm[[14, 87, 178, 88, 95, 317, 402, 318, 324, 17, 84, 314, 405], 1] += 12.0   # the lower lip drops
    lm[[300, 293, 334, 296, 336], 1] -= 6.0   # the left brow rises
    s = relative(measure(lm), neutral)
    assert s.openness[0] == pytest.approx(1.0, abs=0.05) and s.openness[1] < 0.2
    assert s.mouth_open > 0.1 and abs(s.yaw) < 1.0 and abs(s.roll) < 1.0
    assert s.brows[1] > 0.03 and abs(s.brows[0]) < 0.01
    m = s.mirrored()                           # in a mirror the shut eye and raised brow change sides
    assert m.openness[0] < 0.2 and m.brows[0] > 0.03 and m.yaw == -s.yaw and m.roll == -s.roll
    c = retarget(s, PuppetConfig())
    assert c.blink[1] == pytest.approx(1.0) and c.blink[0] == 0.0 and c.mouth_open > 0.3


def test_neutral_needs_a_steady_second_and_r_recaptures(landmarks):
    cap = NeutralCapture(capture_s=1.0, steady_deg=3.0, forget_s=3.0)
    t = 0.0
    for k in range(40):                       # turning the whole time: no neutral
        assert cap.update(measure(turned(landmarks, yaw=10 * np.sin(k / 3.0))), t) is None
        t += 1 / 30
    for _ in range(32):                       # holds still for a second
        n = cap.update(measure(turned(landmarks, yaw=5.0)), t)
        t += 1 / 30
    assert n is not None and cap.captures == 1
    assert relative(measure(turned(landmarks, yaw=5.0)), n).yaw == pytest.approx(0.0, abs=0.3)
    cap.request()                             # R: the next steady second becomes the neutral
    for _ in range(32):
        n = cap.update(measure(landmarks), t)
        t += 1 / 30
    assert cap.captures == 2 and relative(measure(landmarks), n).yaw == pytest.approx(0.0, abs=0.3)
    assert cap.update(None, t + 5.0) is None  # the viewer left: the next face is measured afresh


def test_a_wild_grimace_stays_within_the_painterly_ranges(landmarks):
    cfg = PuppetConfig()
    lm = turned(landmarks, yaw=70, roll=-50)
    lm[[14, 17, 84, 314, 87, 317], 1] += 80.0
    c = retarget(relative(measure(lm), measure(landmarks)), cfg)
    assert abs(c.head_yaw) < cfg.max_yaw_deg and abs(c.head_roll) < cfg.max_roll_deg
    assert abs(c.head_yaw) > 0.8 * cfg.max_yaw_deg          # saturated, not cut off
    assert 0.9 < c.mouth_open <= 1.0 and all(-1.0 <= b <= 1.0 for b in c.brows)
    small = retarget(relative(measure(turned(landmarks, yaw=4)), measure(landmarks)), cfg)
    assert small.head_yaw == pytest.approx(4.0, abs=0.7)    # identity near rest


def test_face_leaving_mid_expression_eases_back_to_rest_without_a_snap(landmarks):
    cfg = PuppetConfig()
    rt = Retargeter(cfg)
    grimace = relative(measure(turned(landmarks, yaw=14, roll=8)), measure(landmarks))
    t, out = 0.0, []
    for _ in range(30):
        out.append(rt.update(grimace, t).vector())
        t += 1 / 30
    for _ in range(90):                       # the face is gone for 3 s
        out.append(rt.update(None, t).vector())
        t += 1 / 30
    v = np.array(out)
    gone = v[30:]
    assert np.abs(v[29, 0]) > 9.0                               # it did turn
    assert np.abs(gone[-1]).max() < 0.05                       # back at rest
    steps = np.abs(np.diff(v[25:], axis=0))[:, :3].max()
    assert steps < 0.12 * np.abs(v[29, :3]).max()              # no frame jumps more than 12% of the turn
    assert Controls.from_vector(gone[-1]).vector().shape == REST.vector().shape
