"""The gaze measure: iris offset from the eye-corner midpoint, in eye half-widths."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.topology import EYES
from sfumato.face.gaze import gaze_from_landmarks, measure_gaze


def _synthetic(offset_u: float, offset_v: float, roll_deg: float = 0.0) -> np.ndarray:
    """Two eyes 20 px half-width, irises at (u, v) half-widths (v up), optionally rolled."""
    lm = np.zeros((478, 3))
    for eye, cx in zip(EYES, (100.0, 200.0)):
        lm[eye.corners[0], :2] = (cx - 20.0, 100.0)
        lm[eye.corners[1], :2] = (cx + 20.0, 100.0)
        lm[eye.iris[0], :2] = (cx + 20.0 * offset_u, 100.0 - 20.0 * offset_v)
    if roll_deg:
        a = np.radians(roll_deg)
        r = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        lm[:, :2] = (lm[:, :2] - 150.0) @ r.T + 150.0
    return lm


def test_signs_and_units():
    h, v = gaze_from_landmarks(_synthetic(0.3, 0.0))
    assert h == pytest.approx(0.3) and v == pytest.approx(0.0, abs=1e-12)
    h, v = gaze_from_landmarks(_synthetic(-0.2, 0.1))
    assert h == pytest.approx(-0.2) and v == pytest.approx(0.1)  # + up = image -y


def test_head_roll_does_not_leak_into_gaze():
    h, v = gaze_from_landmarks(_synthetic(0.25, -0.05, roll_deg=12.0))
    assert h == pytest.approx(0.25) and v == pytest.approx(-0.05)


def test_corner_order_does_not_matter():
    lm = _synthetic(0.4, 0.0)
    for eye in EYES:  # swap which corner index is on the left
        a, b = eye.corners
        lm[[a, b]] = lm[[b, a]]
    assert gaze_from_landmarks(lm)[0] == pytest.approx(0.4)


def test_rejects_short_landmark_arrays():
    with pytest.raises(ValueError):
        gaze_from_landmarks(np.zeros((468, 3)))


def test_measure_on_real_face(astronaut):
    single = measure_gaze(astronaut, samples=1)
    averaged = measure_gaze(astronaut, samples=4)
    assert single is not None and averaged is not None
    # Eileen Collins looks at the camera: irises near the middle of the eyes
    assert abs(single[0]) < 0.25 and abs(averaged[0]) < 0.25
    assert abs(single[0] - averaged[0]) < 0.1


def test_measure_without_face_is_none():
    flat = np.full((200, 200, 3), 128, np.uint8)
    assert measure_gaze(flat, samples=2) is None
