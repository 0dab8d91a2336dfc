"""What the talking mouth looks like: spread visemes wide and thin, rounded ones small and round,
closures fully closed, a hint of upper teeth and tongue in the painted cavity, and a speaking
track that is mostly small-to-medium openings. Measured from outside where a measure exists
(FaceMesh on the rendered crop), on the astronaut (repo-only) and on the Mona Lisa when
../shared is present."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.face.detect import mesh_landmarks
from sfumato.rig.mouth import MouthPose, MouthRig
from sfumato.rig.mouth_cavity import cavity_colour
from sfumato.speech.audio import Audio
from sfumato.speech.visemes import closure_track, mouth_track, speaking_mouth_track
from tests.crops import head_crop_of
from tests.mouth_fixtures import opening_field, phone_run

LUMA = np.array([0.299, 0.587, 0.114], np.float32)


@pytest.fixture(scope="module")
def ast(ast_crop):
    return ast_crop, MouthRig.from_landmarks(ast_crop.image, ast_crop.landmarks)


@pytest.fixture(scope="module")
def mona(mona_lisa_path):
    img = cv2.cvtColor(cv2.imread(str(mona_lisa_path)), cv2.COLOR_BGR2RGB)
    crop = head_crop_of(img)
    return crop, MouthRig.from_landmarks(crop.image, crop.landmarks)


def _inner_lips(image: np.ndarray) -> tuple[float, float]:
    """(gap 13-14, inner width 78-308), both over the eye-corner distance, by FaceMesh."""
    lm = mesh_landmarks(image)
    assert lm is not None
    eyes = np.linalg.norm(lm[33, :2] - lm[263, :2])
    return float(np.linalg.norm(lm[13, :2] - lm[14, :2]) / eyes), float(np.linalg.norm(lm[78, :2] - lm[308, :2]) / eyes)


def test_spread_is_wide_and_thin_round_is_small_and_round(ast):
    crop, rig = ast
    plain, spread, rnd = MouthPose(0.5), MouthPose(0.5, spread=1.0), MouthPose(0.5, round=1.0)
    # the rig: spreading stretches the lips thin, it does not open them as far
    assert rig.opening(spread) < 0.6 * rig.opening(plain)
    # FaceMesh on the rendered face: "ee" wide and thin, "oo" narrow and round
    g0, w0 = _inner_lips(rig.render(crop.image, plain))
    gs, ws = _inner_lips(rig.render(crop.image, spread))
    gr, wr = _inner_lips(rig.render(crop.image, rnd))
    assert gs < 0.85 * g0 and ws > w0 + 0.05, ((g0, w0), (gs, ws))
    assert wr < w0 - 0.15, (w0, wr)
    assert ws / gs > 3.0 > 2.0 > wr / gr, (ws / gs, wr / gr)


def test_short_closures_close_the_lips_on_the_nearest_frame():
    """A 35 ms "m" between two open vowels falls between frames at 25 fps: the lips still meet."""
    fps = 25
    phones = phone_run([("^", 0.3), ("ɑ", 0.15), ("m", 0.035), ("ɑ", 0.15), ("$", 0.3)])
    track = mouth_track(phones, fps, 24)
    k = int(round((0.45 + 0.0175) * fps))
    assert track[k, 0] == 0.0 and closure_track(phones, fps, 24)[k] == 1.0
    assert track[:k, 0].max() > 0.5 and track[k + 1 :, 0].max() > 0.5  # open on both sides
    # through the loudness scaling too (the voice's level never reopens a closure)
    t = np.arange(int(1.0 * 22050)) / 22050.0
    audio = Audio((0.3 * np.sin(2 * np.pi * 150 * t)).astype(np.float32), 22050)
    assert speaking_mouth_track(phones, audio, fps, 24)[k, 0] == 0.0


def test_closure_frames_read_as_closed_by_facemesh(ast):
    crop, rig = ast
    rest_gap, _ = _inner_lips(crop.image)
    gap, _ = _inner_lips(rig.render(crop.image, MouthPose(0.0, 0.1, 0.0)))  # the "m" viseme
    assert gap <= rest_gap + 0.005, (rest_gap, gap)


def test_closure_on_the_mona_lisa_is_closed_and_open_vowels_open(mona):
    crop, rig = mona
    closed, _ = _inner_lips(rig.render(crop.image, MouthPose(0.0, 0.1, 0.0)))
    opened, _ = _inner_lips(rig.render(crop.image, MouthPose(1.0, 0.0, 0.2)))
    assert closed < 0.01 and opened > 0.1, (closed, opened)


@pytest.mark.parametrize("height", [10.0, 20.0, 30.0])
def test_teeth_band_under_the_upper_lip_lighter_than_the_back_not_white(ast, height):
    """On small to wide openings (0.1-0.3 W) a soft band of upper teeth hangs under the upper lip:
    most of the way from the cavity's dark to the palette's teeth, which are muted (not white)."""
    _, rig = ast
    top, bottom, un, inside = opening_field(height)
    out = cavity_colour(top, bottom, un, inside, 100.0, rig.palette)
    luma = out @ LUMA
    c, y_top = 40, int(np.ceil(40 - height / 2)) + 2
    teeth, dark = float(np.asarray(rig.palette.teeth) @ LUMA), float(np.asarray(rig.palette.dark) @ LUMA)
    assert luma[y_top, c] > dark + 0.6 * (teeth - dark), (luma[y_top, c], dark, teeth)
    assert luma[y_top, c] > luma[c, c] + 60
    assert out[y_top, c].max() < 230  # muted ivory in the painting's colours, never pure white


def test_tongue_is_a_warm_red_shape_low_in_an_open_mouth_only(ast):
    _, rig = ast
    def bottom_colour(height: float) -> np.ndarray:
        top, bottom, un, inside = opening_field(height)
        return cavity_colour(top, bottom, un, inside, 100.0, rig.palette)[int(np.floor(40 + height / 2)) - 2, 40]
    wide, small = bottom_colour(22.0), bottom_colour(8.0)
    assert wide @ LUMA > small @ LUMA + 40  # the tongue shows low in a wide opening only
    assert wide[0] > wide[1] + 30 and wide[0] > wide[2] + 30  # warm red, not grey or ivory
    assert wide @ LUMA < 0.8 * float(np.asarray(rig.palette.teeth) @ LUMA)  # darker than the teeth


def test_teeth_show_on_the_rendered_mona_lisa(mona):
    """Her painted mouth is closed: opened, the cavity shows a lighter band right under the upper
    lip (the teeth) above a darker back, all in her own warm palette."""
    crop, rig = mona
    out = rig.render(crop.image, MouthPose(0.6, 0.0, 0.2))
    cx, cy = (int(round(v)) for v in rig.centre)
    col = out[cy - int(0.15 * rig.width) : cy + int(0.3 * rig.width), cx - 2 : cx + 3].astype(np.float32).mean(1)
    luma = col @ LUMA
    k = int(np.argmin(luma))  # the back of the mouth
    assert luma[:k].max() > luma[k] + 60, luma.round()  # the teeth band above it
    band = col[int(np.argmax(luma[:k]))]
    assert band[0] > band[2] + 20  # warm (her palette), not a neutral white


def test_a_mouth_painted_open_keeps_its_own_teeth(ast):
    """The astronaut smiles with her teeth showing: the synthesised band is only a faint hint
    there, not a second row of teeth under hers; a closed painted mouth gets the full band."""
    crop, rig = ast
    assert rig.look.teeth_alpha <= 0.3
    closed = crop.landmarks.copy()
    closed[14, :2] = closed[13, :2]  # the same face with its inner lips together
    assert MouthRig.from_landmarks(crop.image, closed).look.teeth_alpha == 1.0


@pytest.mark.slow
def test_real_voice_mostly_small_to_medium_openings_wide_on_stressed_open_vowels():
    """The real voice (piper): most speaking frames open the mouth small to medium, from the
    text and from the sound alone; the jaw drops wide only on the stressed open vowels. (Before:
    from text a median of 0.33-0.37 and 10-13 % of frames over 0.7; from the sound, 0.53 and 24 %.)"""
    from sfumato.speech.features import audio_mouth_track
    from sfumato.speech.tts import synthesize
    from sfumato.speech.visemes import attach_marks

    speech = synthesize("Good evening, and welcome to the museum. I have been sitting here for five hundred years, "
                        "and people still ask me why I smile. Come closer, and I will tell you a secret.")
    fps = 25
    n = int(round(speech.audio.duration * fps))
    text = speaking_mouth_track(speech.phones, speech.audio, fps, n)[:, 0]
    sound = audio_mouth_track(speech.audio, fps, n)[:, 0]
    for track, median, wide in ((text, 0.32, 0.12), (sound, 0.45, 0.2)):  # now 0.26-0.27, 7-8 %; 0.35, 15 %
        speaking = track[track > 0.02]
        assert np.median(speaking) < median and np.mean(speaking > 0.7) < wide, (np.median(speaking), np.mean(speaking > 0.7))
    stressed_open = [int(round((p.start + p.end) / 2 * fps)) for p, stressed in attach_marks(speech.phones)
                     if stressed and p.symbol in ("a", "æ", "ɑ", "ɛ")]
    assert stressed_open and max(text[k] for k in stressed_open if k < n) > 0.8
