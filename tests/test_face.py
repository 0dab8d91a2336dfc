"""Face analysis with real MediaPipe on real faces."""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.face.detect import find_faces, mesh_landmarks
from sfumato.imaging.painting import load_painting


def _eye_centres(lms: np.ndarray) -> np.ndarray:
    return np.stack([lms[468, :2], lms[473, :2]])


def test_astronaut_face_and_irises(astronaut):
    faces = find_faces(astronaut)
    assert len(faces) == 1
    f = faces[0]
    assert f.landmarks.shape == (478, 3) and f.landmarks.dtype == np.float32
    x, y, w, h = f.box
    assert 150 < x < 220 and 60 < y < 120 and 70 < w < 130  # Eileen Collins' face, upper middle
    eyes = _eye_centres(f.landmarks)
    # both iris centres inside the box, side by side, on the upper half of the face
    assert ((eyes[:, 0] > x) & (eyes[:, 0] < x + w)).all()
    assert abs(eyes[0, 1] - eyes[1, 1]) < 0.1 * w
    assert (eyes[:, 1] < y + 0.6 * h).all()


def test_landmarks_map_back_from_downscaled_analysis(astronaut):
    """A painting 4x larger than the analysis size gives the same face, 4x the coordinates."""
    big = cv2.resize(astronaut, (2048, 2048), interpolation=cv2.INTER_CUBIC)
    small_face = find_faces(astronaut)[0]
    big_face = find_faces(big)[0]
    err = np.abs(big_face.landmarks[:, :2] / 4.0 - small_face.landmarks[:, :2])
    assert np.median(err) < 2.0  # pixels of the 512 image


def test_small_face_in_full_length_canvas(astronaut):
    """A ~100 px face in a 3000 x 4000 canvas is found (tiles / full-range detector)."""
    canvas = np.full((4000, 3000, 3), (90, 80, 60), np.uint8)
    canvas[2500:3012, 1700:2212] = astronaut
    faces = find_faces(canvas)
    assert faces, "small face not found"
    x, y, w, h = faces[0].box
    assert 1700 + 150 < x < 1700 + 230 and 2500 + 60 < y < 2500 + 130


def test_no_face_gives_empty_list():
    rng = np.random.default_rng(0)
    noise = cv2.GaussianBlur(rng.integers(0, 255, (600, 800, 3), dtype=np.uint8), (0, 0), 3)
    assert find_faces(noise) == []
    assert mesh_landmarks(noise) is None


def test_mona_lisa(mona_lisa_path):
    img = load_painting(mona_lisa_path)
    faces = find_faces(img)
    assert len(faces) >= 1
    f = faces[0]
    assert 200 < f.box[2] < 400  # her face is ~300 px wide in the 1200 px image
    eyes = _eye_centres(f.landmarks)
    assert eyes[0, 0] < eyes[1, 0] or eyes[0, 0] > eyes[1, 0]
    assert np.abs(eyes[0] - eyes[1]).max() > 50
