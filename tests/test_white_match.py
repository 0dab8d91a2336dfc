"""The like-with-like eye-white measures (sfumato.face.white_match) on the bundled astronaut,
with real FaceMesh and the real rig."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.quality import face_landmarks, painted_iris_radii
from sfumato.face.white_match import white_match
from sfumato.pose import Pose


@pytest.fixture(scope="module")
def crop_lm(ast_crop):
    img = ast_crop.image
    lm = face_landmarks(img)
    assert lm is not None
    return img, lm, painted_iris_radii(img, lm)


def test_the_painting_against_itself_is_zero(crop_lm):
    img, lm, radii = crop_lm
    m = white_match(img, img, lm, lm, radii)
    assert abs(m.common_dl) < 1e-6 and abs(m.common_db) < 1e-6
    assert np.isnan(m.revealed_dl)  # the iris did not move: nothing revealed


def test_a_lighter_white_is_seen_in_the_common_white(crop_lm):
    img, lm, radii = crop_lm
    lighter = np.clip(img.astype(np.int16) + 30, 0, 255).astype(np.uint8)  # everything lighter, white included
    m = white_match(img, lighter, lm, lm, radii)
    assert m.common_dl > 5.0, m


def test_a_moved_iris_reveals_white_that_is_measured(crop_lm, ast_engine):
    img, lm, radii = crop_lm
    seen = []
    for yaw in (-30.0, 30.0):
        frame = ast_engine.render_pose(Pose(yaw, 0.0, 0.0, 0.0))  # the eyes only, no head turn
        flm = face_landmarks(frame)
        assert flm is not None
        m = white_match(img, frame, lm, flm, radii)
        assert abs(m.common_dl) < 4.0, (yaw, m)  # the white the rig leaves alone stays
        seen.append(m.revealed_dl)
    assert np.isfinite(seen).any(), seen
    assert all(abs(v) < 15.0 for v in seen if np.isfinite(v)), seen  # the rebuilt white is white-like
