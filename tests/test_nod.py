"""Speech's small head motions over a rendered image (sfumato.rig.nod) on a real face, and the
live speaker nodding over the bank patch: FaceMesh sees the head move as planned, nothing away
from the head moves."""

from __future__ import annotations

import numpy as np
import pytest

from live.speaker import Speaker, SpeechMotion
from sfumato.face import topology as T
from sfumato.face.detect import mesh_landmarks
from sfumato.rig.head import roll_points, rotate_head
from sfumato.rig.mouth import MouthPose
from sfumato.rig.nod import NodField
from sfumato.speech.audio import Audio
from sfumato.speech.clips import _clip


@pytest.fixture(scope="module")
def field(ast_crop):
    return NodField.from_landmarks(ast_crop.landmarks, (ast_crop.size, ast_crop.size))


def test_no_motion_returns_the_image_itself(field, ast_crop):
    assert field.render(ast_crop.image, 0.0, 0.0, 0.0) is ast_crop.image


@pytest.mark.parametrize("yaw, pitch, roll", [(0.0, -2.0, 0.0), (0.0, 2.0, 0.0), (2.0, 0.0, 0.0), (0.0, 0.0, 2.0)])
def test_facemesh_sees_the_head_move_as_planned_and_the_rest_stays(field, ast_crop, yaw, pitch, roll):
    image, lm = ast_crop.image, np.asarray(ast_crop.landmarks, np.float64)
    out = field.render(image, yaw, pitch, roll)
    moved = rotate_head(lm, yaw, pitch, 0.6)
    moved = roll_points(moved, roll, moved[T.CHIN]) if roll else moved
    probe = [1, 4, 13, 14, 168]  # nose tip, nose, lips, between the eyes
    expected = (moved[probe] - lm[probe, :2]).mean(0)
    before, after = mesh_landmarks(image), mesh_landmarks(out)
    seen = (after[probe, :2] - before[probe, :2]).mean(0)
    assert np.linalg.norm(expected) > 1.0
    assert np.linalg.norm(seen - expected) < 0.5 * np.linalg.norm(expected), (seen, expected)
    x0, y0, x1, y1 = field.box
    outside = np.ones(image.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(out[outside], image[outside])
    # the corners of the head box (background, shoulders) stay where they are painted
    assert np.abs(out[y0 : y0 + 6, x0 : x0 + 6].astype(int) - image[y0 : y0 + 6, x0 : x0 + 6]).max() <= 2


def test_the_live_speaker_nods_over_the_patch(ast_crop):
    """A line's head track reaches the displayed patch: the same mouth with a nod differs only
    on the head, and FaceMesh finds the nose lower."""
    rate = 22050
    t = np.arange(3 * rate) / rate
    audio = Audio((0.3 * np.sin(2 * np.pi * 150 * t) * ((t % 0.5) < 0.25)).astype(np.float32), rate)
    clip = _clip("bursts", audio)
    assert clip.roll is not None and np.abs(clip.head).max() > 0.3 and np.abs(clip.roll).max() > 0.2
    speaker = Speaker([clip], ast_crop.landmarks, (0, 0, ast_crop.size, ast_crop.size))
    speaker.prepare(ast_crop.image)
    mouth = MouthPose(0.4, 0.0, 0.1)
    still = speaker.render(ast_crop.image, SpeechMotion(mouth))
    nodded = speaker.render(ast_crop.image, SpeechMotion(mouth, head_pitch=-2.0, head_roll=0.5))
    assert not np.array_equal(still, nodded)
    assert mesh_landmarks(nodded)[1, 1] > mesh_landmarks(still)[1, 1] + 1.0
    speaker.say(0, 0.0)
    motions = [speaker.motion(s) for s in np.arange(0.0, 2.9, 0.05)]
    assert max(abs(m.head_roll) for m in motions) > 0.2 and max(abs(m.head_pitch) for m in motions) > 0.3
