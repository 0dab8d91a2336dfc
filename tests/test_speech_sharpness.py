"""Speech sharpness: the measure (``sfumato.speech.measure.head_sharpness``, bench_speech's
sharpness row) reads a blur, and the talking render keeps the painting's detail on the head."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.errors import SfumatoError
from sfumato.speech.measure import head_sharpness
from sfumato.speech.performance import Performance
from sfumato.speech.portrait import TalkingPortrait

SHARP = 0.85
"""bench_rig's target for a bank frame's sharpness (``benchmarks/bench_rig.py`` TARGETS["sharp"])."""


def test_head_sharpness_is_one_on_the_painting_and_falls_with_a_blur(astronaut):
    box = (150, 40, 200, 200)  # her head, 512 px picture
    soft = cv2.GaussianBlur(astronaut, (0, 0), 0.8)
    half_px = cv2.warpAffine(astronaut, np.float32([[1, 0, 0.5], [0, 1, 0.5]]), astronaut.shape[1::-1], flags=cv2.INTER_LINEAR)
    r = head_sharpness([astronaut, soft, half_px], astronaut, box)
    assert r[0] == pytest.approx(1.0)
    assert r[1] < 0.4, r  # a 0.8 px blur takes most of the fine detail
    assert r[2] < SHARP, r  # so does a bilinear half-pixel shift: the kind of loss a head warp can make
    with pytest.raises(SfumatoError):
        head_sharpness([astronaut[:256]], astronaut, box)


def _talking(n: int) -> Performance:
    """Nods, turns and tilts of speech size, the mouth opening and closing, one blink."""
    t = np.linspace(0, 1, n, dtype=np.float32)
    mouth = np.stack([0.7 * np.abs(np.sin(7 * t)), 0.3 * t, 0.2 * (1 - t)], 1).astype(np.float32)
    head = np.stack([1.2 * np.sin(5 * t), -1.6 * np.sin(7 * t)], 1).astype(np.float32)
    blink = np.zeros(n, np.float32)
    blink[n // 2] = 1.0
    return Performance(25.0, mouth, blink, 0.8 * t, head, np.zeros((n, 2), np.float32), t, 1.0 * np.cos(4 * t))


def test_the_talking_head_keeps_the_painting_sharp(astronaut):
    """Every rendered frame (head warp with its bilinear back-projection, brows, jaw and lips, a
    blink) keeps at least bench_rig's share of the painting's fine detail on the head."""
    portrait = TalkingPortrait(astronaut, name="astronaut")
    perf = _talking(10)
    frames = [f.copy() for f in portrait.frames(perf, workers=1)]
    r = head_sharpness(frames, astronaut, tuple(int(v) for v in portrait.clipped))
    assert not np.array_equal(frames[0], frames[3])  # the head and mouth do move
    assert r.min() >= SHARP, r.round(3)
