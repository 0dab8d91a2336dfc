"""Mappings from the eye midpoint to the bank: linear (the anchor's) and angular, 1-D and 2-D."""

from __future__ import annotations

import math

import numpy as np
import pytest

from live.config import MappingConfig
from live.mapping import GazeMapper, LabelGrid
from live.simulated import Person, SimulatedViewer
from live.tracker import Face, FaceTracker


def grid_1d(cols: int = 33) -> LabelGrid:
    yaws = np.linspace(-30, 30, cols)
    return LabelGrid.from_bank(np.stack([yaws, np.zeros(cols)], 1), (1, cols), cols // 2)


def grid_2d() -> LabelGrid:
    yaws, pitches = np.linspace(-30, 30, 5), np.linspace(15, -15, 3)
    labels = np.array([[y, p] for p in pitches for y in yaws])
    return LabelGrid.from_bank(labels, (3, 5), 7)


def face_at(x: float, y: float, eye_px: float = 40.0) -> Face:
    return Face((x - 50, y - 40, 100, 100), 0.9, ((x - eye_px / 2, y), (x + eye_px / 2, y)))


def test_label_grid_positions():
    g = grid_1d()
    assert g.position(0.0, 0.0) == (0.0, 16.0)
    assert g.position(30.0, 5.0)[1] == 32.0 and g.position(99.0, 0.0)[1] == 32.0
    assert g.position(-30.0 + 60 / 32 * 2.5, 0)[1] == pytest.approx(2.5)
    assert g.nearest_index(-29.5, 0.0) == 0 and g.nearest_index(-28.9, 0.0) == 1
    g2 = grid_2d()
    assert g2.position(15.0, 15.0) == (0.0, 3.0)     # top row looks up
    assert g2.position(0.0, -15.0) == (2.0, 2.0)
    assert g2.nearest_index(-30.0, 0.0) == 5 and g2.center_direction == (0.0, 0.0)


def test_linear_is_mirrored_x_across_the_camera_width():
    m = GazeMapper(MappingConfig(mode="linear", mirror=True), grid_1d())
    assert m.direction(face_at(0, 240), (640, 480))[0] == pytest.approx(30.0)    # image left = screen right
    assert m.direction(face_at(640, 240), (640, 480))[0] == pytest.approx(-30.0)
    assert m.direction(face_at(320, 240), (640, 480))[0] == pytest.approx(0.0)
    m.mirror = False
    assert m.direction(face_at(0, 240), (640, 480))[0] == pytest.approx(-30.0)
    m2 = GazeMapper(MappingConfig(mode="linear"), grid_2d())
    assert m2.direction(face_at(320, 0), (640, 480))[1] == pytest.approx(15.0)     # top of image = up
    assert m2.direction(face_at(320, 480), (640, 480))[1] == pytest.approx(-15.0)


def test_angular_geometry():
    cfg = MappingConfig(mode="angular", hfov_deg=60.0, camera_offset_m=(0.0, 0.0), eye_distance_m=0.063)
    m = GazeMapper(cfg, grid_1d())
    f = 320 / math.tan(math.radians(30))
    # a viewer 1 m away straight ahead: eyes 63 mm apart -> f * 0.063 px
    x, y, z = m.viewer_position(face_at(320, 240, f * 0.063), (640, 480))
    assert z == pytest.approx(1.0) and abs(x) < 1e-9 and abs(y) < 1e-9
    # 0.5 m to the screen's right appears 0.5 f px left of centre (unmirrored camera)
    yaw, _ = m.direction(face_at(320 - 0.5 * f, 240, f * 0.063), (640, 480))
    assert yaw == pytest.approx(math.degrees(math.atan2(0.5, 1.0)))
    # closer viewer, same pixel offset -> smaller angle
    yaw_near, _ = m.direction(face_at(320 - 0.5 * f, 240, 2 * f * 0.063), (640, 480))
    assert yaw_near == pytest.approx(math.degrees(math.atan2(0.25, 0.5)))
    off = GazeMapper(MappingConfig(mode="angular", camera_offset_m=(0.2, 0.0)), grid_1d())
    assert off.direction(face_at(320, 240, f * 0.063), (640, 480))[0] == pytest.approx(math.degrees(math.atan(0.2)))


def test_angular_recovers_where_the_simulated_viewer_stands():
    tracker = FaceTracker("short")
    sim = SimulatedViewer("walk", hfov_deg=60.0, camera_offset_m=(0.0, 0.35))
    m = GazeMapper(MappingConfig(mode="angular", hfov_deg=60.0, camera_offset_m=(0.0, 0.35)), grid_1d())
    for p in (Person(-0.2, 0.3, 0.65), Person(0.15, 0.3, 0.75)):
        (face,) = tracker.detect(sim.render(0.0, [p]))
        x, y, z = m.viewer_position(face, sim.size)
        assert abs(z - p.z) < 0.2 * p.z     # BlazeFace eye keypoints are coarse
        assert abs(x - p.x) < 0.05 and abs(y - p.y) < 0.06
        yaw, _ = m.direction(face, sim.size)
        assert abs(yaw - math.degrees(math.atan2(p.x, p.z))) < 4.0


def test_unknown_mode_is_a_clear_error():
    from sfumato.errors import SfumatoError
    with pytest.raises(SfumatoError, match="linear"):
        GazeMapper(MappingConfig(mode="cubic"), grid_1d())
