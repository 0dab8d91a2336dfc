"""A performance: everything the portrait does while it speaks, one value per video frame.

- **mouth**: from the phonemes when the text is known
  (:func:`sfumato.speech.visemes.speaking_mouth_track`: visemes, the opening scaled by the
  sound's level); else from the sound alone (:mod:`sfumato.speech.features`);
- **head**: small nods (pitch down, then back), turns and tilts (roll) on stressed syllables,
  found as peaks of the loudness, over a slow sway;
- **blinks**: random, 8-20 a minute (default 14), never closer than 1.5 s, shaped like real
  blinks (a quick close, a slower open), often with a glance;
- **brows**: a short raise on the strongest stressed syllables;
- **gaze**: at the viewer, with occasional short glances away.

Everything random comes from one seeded generator, so a performance is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import find_peaks

from sfumato.engines.base import Pose
from sfumato.ramp import smoothstep
from sfumato.rig.mouth import MouthPose
from sfumato.speech.audio import Audio
from sfumato.speech.features import audio_mouth_track, loudness
from sfumato.speech.tts import Phone
from sfumato.speech.visemes import speaking_mouth_track


@dataclass(frozen=True)
class MotionParams:
    """How lively the portrait is around the mouth.

    Attributes:
        blink_rate: blinks per minute (mean). blink_gap: shortest time between blinks, s.
        nod_deg: head pitch of a nod on the loudest syllable. turn_deg: head yaw of a turn.
        sway_deg: slow head sway amplitude.
        tilt_deg: head tilt (roll) on the loudest syllable; the slow sway tilts by half of it.
        brow_threshold: syllables louder than this (0-1 peak height) raise the brows.
        glance_every: (min, max) seconds between glances away; glance_deg: how far.
        mouth_lead_s: the mouth shapes lead the sound by this much (lips move before the
            sound they shape comes out; it also offsets the display's small delay).
        seed: random seed.
    """

    blink_rate: float = 14.0
    blink_gap: float = 1.5
    nod_deg: float = 1.6
    turn_deg: float = 0.8
    sway_deg: float = 0.7
    tilt_deg: float = 1.0
    brow_threshold: float = 0.8
    glance_every: tuple[float, float] = (3.0, 7.0)
    glance_deg: float = 12.0
    mouth_lead_s: float = 0.02
    seed: int = 0


@dataclass
class Performance:
    """Per-frame animation tracks, all of length ``n``.

    Attributes:
        fps: frames per second (frame k shows time k / fps).
        mouth: (n, 4) float32 open, round, spread, tuck in [0, 1] ((n, 3) without tuck: from the
            sound alone, which cannot tell an "f" from an "s").
        blink: (n,) float32 in [0, 1], 1 closed.
        brow: (n,) float32 in [0, 1], 1 fully raised.
        head: (n, 2) float32 head yaw, pitch in degrees.
        gaze: (n, 2) float32 gaze yaw, pitch in degrees (0, 0: at the viewer).
        loudness: (n,) float32 in [0, 1], the sound's level.
        roll: (n,) float32 head tilt in degrees, clockwise on screen (None: no tilt).
    """

    fps: float
    mouth: np.ndarray
    blink: np.ndarray
    brow: np.ndarray
    head: np.ndarray
    gaze: np.ndarray
    loudness: np.ndarray
    roll: np.ndarray | None = None

    def __len__(self) -> int:
        return int(len(self.mouth))

    def pose(self, i: int) -> Pose:
        """The gaze and head pose of frame ``i``."""
        return Pose(float(self.gaze[i, 0]), float(self.gaze[i, 1]), float(self.head[i, 0]), float(self.head[i, 1]))

    def tilt(self, i: int) -> float:
        """The head tilt (roll, degrees) of frame ``i``."""
        return 0.0 if self.roll is None else float(self.roll[i])

    def mouth_pose(self, i: int) -> MouthPose:
        """The mouth shape of frame ``i``."""
        return MouthPose.of(self.mouth[i])


def _bump(t: np.ndarray, centre: float, sigma: float) -> np.ndarray:
    return np.exp(-0.5 * ((t - centre) / sigma) ** 2)


def _blink_shape(t: np.ndarray, start: float) -> np.ndarray:
    """A blink starting at ``start``: closes in 80 ms, stays 40 ms, opens in 150 ms."""
    x = t - start
    close = np.clip(x / 0.08, 0.0, 1.0)
    opening = np.clip(1.0 - (x - 0.12) / 0.15, 0.0, 1.0)
    return smoothstep(0.0, 1.0, np.minimum(close, opening))


def _blink_times(duration: float, p: MotionParams, rng: np.random.Generator, extra: list[float]) -> list[float]:
    mean_wait = max(60.0 / max(p.blink_rate, 1e-3) - p.blink_gap, 0.1)
    times, t = [], float(rng.uniform(0.3, 2.0))
    while t < duration - 0.3:
        times.append(t)
        t += p.blink_gap + min(float(rng.exponential(mean_wait)), 2.0 * mean_wait)
    for e in extra:  # blinks that go with glances, where they fit
        if all(abs(e - b) >= p.blink_gap for b in times) and e < duration - 0.3:
            times.append(e)
    return sorted(times)


def make_performance(audio: Audio, fps: float, phones: list[Phone] | None = None, params: MotionParams | None = None) -> Performance:
    """Plan the whole performance for ``audio``.

    Args:
        audio: the speech.
        fps: video frame rate.
        phones: timed phonemes when the text is known (mouth from visemes), else None (mouth
            from the sound).
        params: liveliness; defaults to :class:`MotionParams`.

    Returns:
        A :class:`Performance` with ``round(duration * fps)`` frames (at least one).
    """
    p = params or MotionParams()
    rng = np.random.default_rng(p.seed)
    n = max(1, int(round(audio.duration * fps)))
    t = np.arange(n) / float(fps)
    loud = loudness(audio, fps, n)
    lead = int(round(p.mouth_lead_s * fps))
    if phones:
        mouth = speaking_mouth_track(phones, audio, fps, n, p.mouth_lead_s)
    else:
        mouth = np.roll(audio_mouth_track(audio, fps, n), -lead, axis=0)
        mouth[len(mouth) - lead :] = 0.0
    # stressed syllables: peaks of the loudness
    smooth = uniform_filter1d(loud, 5)
    peaks, props = find_peaks(smooth, height=0.45, prominence=0.15, distance=max(1, int(0.25 * fps)))
    heights = props.get("peak_heights", np.zeros(0))
    head = np.zeros((n, 2))
    brow = np.zeros(n)
    tilts = []
    for k, h in zip(peaks, heights):
        tp = t[k]
        head[:, 1] -= p.nod_deg * h * (_bump(t, tp + 0.06, 0.11) - 0.35 * _bump(t, tp + 0.3, 0.12))
        head[:, 0] += p.turn_deg * h * rng.choice([-1.0, 1.0]) * _bump(t, tp + 0.05, 0.18)
        tilts.append((tp, h))
        if h >= p.brow_threshold:
            brow = np.maximum(brow, h * np.clip(_bump(t, tp + 0.05, 0.16) * 1.3, 0.0, 1.0))
    for axis, amp in ((0, p.sway_deg), (1, 0.5 * p.sway_deg)):
        for f in rng.uniform(0.07, 0.3, 3):
            head[:, axis] += amp / 3.0 * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    # gaze: at the viewer, with glances away
    gaze = np.zeros((n, 2))
    glances: list[float] = []
    g = float(rng.uniform(*p.glance_every))
    while g < audio.duration - 1.0:
        length = float(rng.uniform(0.5, 1.1))
        target = np.array([rng.choice([-1.0, 1.0]) * rng.uniform(0.6, 1.0) * p.glance_deg, rng.uniform(-0.5, 0.3) * p.glance_deg])
        ramp = np.clip((t - g) / 0.1, 0, 1) * np.clip((g + length + 0.1 - t) / 0.1, 0, 1)
        gaze += ramp[:, None] * target[None]
        if rng.uniform() < 0.5:
            glances.append(g)
        g += length + float(rng.uniform(*p.glance_every))
    blink = np.zeros(n)
    for b in _blink_times(audio.duration, p, rng, glances):
        blink = np.maximum(blink, _blink_shape(t, b))
    # tilts (roll), drawn last so every other seeded track stays as it was
    roll = np.zeros(n)
    for tp, h in tilts:
        roll += p.tilt_deg * h * rng.choice([-1.0, 1.0]) * _bump(t, tp + 0.08, 0.22)
    for f in rng.uniform(0.05, 0.2, 2):
        roll += 0.25 * p.tilt_deg * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    f32 = lambda a: np.asarray(a, np.float32)  # noqa: E731
    return Performance(fps, f32(mouth), f32(blink), f32(brow), f32(head), f32(gaze), f32(loud), f32(roll))
