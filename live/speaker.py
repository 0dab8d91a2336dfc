"""The kiosk speaks: when a new viewer arrives the portrait says one of its prepared lines.

Start-up (:func:`make_speaker`): the lines are synthesised (or the recordings read) and their
mouth, nod and brow tracks computed; the painting's face comes from the bank's ``rig.json``
(:mod:`live.painting_face`, no FaceMesh); pygame's mixer is opened (no audio device: one line,
and the portrait still mouths its lines, without sound). The loop then measures the mouth and
brow rigs on the patch at screen size (:meth:`Speaker.prepare`, again when the screen size
changes), so the first talking frame does no set-up work.

In the loop, :meth:`Speaker.update` watches the presence state: a viewer engaging after nobody
was there (or a "greet" state) starts the next line, round robin; :meth:`Speaker.motion` gives
the mouth, the small nods, turns and tilts and the brow raise for the display time. Showing the
bank, :meth:`Speaker.render` draws the mouth and brows on the patch being shown, then nods, turns
and tilts the head over it (:class:`sfumato.rig.nod.NodField`, fields measured in
:meth:`Speaker.prepare`: one remap of the head's box per frame), so the eyes keep following while
the head talks; while the viewer's face drives the painting (the rig puppet),
the puppet renders the line's mouth, nods and brows with its own rig.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.rig.brows import BrowRig
from sfumato.rig.mouth import MouthPose, MouthRig
from sfumato.rig.nod import NodField
from sfumato.speech.clips import Clip, prepare_folder, prepare_lines

GREET_FROM = ("idle", "returning")
"""Presence states after which an engaged viewer counts as new."""


@dataclass(frozen=True)
class SpeechMotion:
    """What the portrait's line does at one moment.

    Attributes:
        mouth: the mouth shape.
        head_yaw, head_pitch: the small nod and turn, degrees (pitch > 0 up).
        brow: brow raise, 0..1.
        head_roll: the small tilt, degrees clockwise on screen.
    """

    mouth: MouthPose
    head_yaw: float = 0.0
    head_pitch: float = 0.0
    brow: float = 0.0
    head_roll: float = 0.0


class Speaker:
    """Plays prepared clips and gives the mouth to draw.

    Args:
        clips: the lines, in the order they are said.
        landmarks: (478, 3) FaceMesh points of the painting, in pixels of ``master_size``.
        crop: (x, y, w, h) of the bank patch in those pixels.
        mixer: ``pygame.mixer`` when sound works, else None.
        min_gap_s: no new greeting within this long after the last one ended.
        volume: 0..1.
    """

    def __init__(self, clips: list[Clip], landmarks: np.ndarray, crop: tuple[int, int, int, int],
                 mixer=None, min_gap_s: float = 10.0, volume: float = 1.0, log: Callable[[str], None] = print) -> None:
        self.clips, self.mixer, self.min_gap_s, self.log = clips, mixer, min_gap_s, log
        self.landmarks = np.asarray(landmarks, np.float64)
        self.crop = crop
        self.sounds = [self._sound(c, volume) for c in clips] if mixer is not None else [None] * len(clips)
        self.rig: MouthRig | None = None
        self.brows: BrowRig | None = None
        self.nod: NodField | None = None
        self.playing: int | None = None
        self.t0 = 0.0
        self.ended_at = -1e9
        self.next = 0
        self.greetings = 0
        self._state = "idle"

    def _sound(self, clip: Clip, volume: float):
        freq, _, channels = self.mixer.get_init()
        x = clip.audio.samples
        if freq != clip.audio.rate:
            t = np.arange(int(len(x) * freq / clip.audio.rate)) / freq
            x = np.interp(t, np.arange(len(x)) / clip.audio.rate, x)
        pcm = np.clip(np.rint(x * 32767.0 * volume), -32768, 32767).astype(np.int16)
        if channels > 1:
            pcm = np.repeat(pcm[:, None], channels, axis=1)
        return self.mixer.Sound(buffer=np.ascontiguousarray(pcm).tobytes())

    def prepare(self, patch: np.ndarray) -> None:
        """Measure the mouth and brows on the patch as drawn on screen ((h, w, 3) uint8 RGB, any
        size): at start-up and whenever the screen size changes, never on the first talking frame."""
        sx, sy = patch.shape[1] / self.crop[2], patch.shape[0] / self.crop[3]
        lm = self.landmarks.copy()
        lm[:, 0] = (lm[:, 0] - self.crop[0]) * sx
        lm[:, 1] = (lm[:, 1] - self.crop[1]) * sy
        lm[:, 2] *= sx
        self.rig = MouthRig.from_landmarks(patch, lm)
        self.brows = BrowRig.from_landmarks(lm, max(patch.shape[:2]))
        self.nod = NodField.from_landmarks(lm, (patch.shape[1], patch.shape[0]))

    def update(self, state: str, t: float) -> None:
        """Follow the presence state at loop time ``t``; start a line when a new viewer arrives."""
        arrived = state == "greet" or (state == "engaged" and self._state in GREET_FROM)
        self._state = state
        if self.playing is not None and t - self.t0 >= self.clips[self.playing].duration:
            self.playing, self.ended_at = None, t
        if arrived and self.playing is None and t - self.ended_at >= self.min_gap_s and self.clips:
            self.say(self.next, t)
            self.next = (self.next + 1) % len(self.clips)

    def say(self, index: int, t: float) -> None:
        """Start clip ``index`` now (loop time ``t``)."""
        self.t0 = t                 # before ``playing``: the puppet's thread reads both
        self.playing = index
        self.greetings += 1
        if self.sounds[index] is not None:
            self.sounds[index].play()

    def speaking(self, t: float) -> int | None:
        """Index of the clip being said at loop time ``t`` (into :attr:`clips`), or None: the trace's
        ``speaking`` field, so a greeting can be checked from outside."""
        playing = self.playing
        if playing is None or not 0.0 <= t - self.t0 < self.clips[playing].duration:
            return None
        return playing

    def mouth(self, t: float) -> MouthPose | None:
        """The mouth at loop time ``t``; None when not speaking."""
        m = self.motion(t)
        return None if m is None else m.mouth

    def motion(self, t: float) -> SpeechMotion | None:
        """Mouth, nod and brow raise at loop time ``t``; None when not speaking (safe to call from
        the puppet's thread)."""
        playing = self.playing
        if playing is None:
            return None
        clip, u = self.clips[playing], t - self.t0
        mouth = clip.mouth_at(u)
        if mouth is None:
            return None
        yaw, pitch, brow = clip.motion_at(u)
        return SpeechMotion(mouth, yaw, pitch, brow, clip.roll_at(u))

    def render(self, patch: np.ndarray, motion: SpeechMotion | MouthPose) -> np.ndarray:
        """Draw the mouth and the brow raise on the displayed patch, then nod, turn and tilt the
        head ((h, w, 3) uint8 RGB; never changed in place). :meth:`prepare` must have measured
        the patch's size."""
        if self.rig is None:
            raise RuntimeError("Speaker.prepare() must measure the patch before rendering")
        m = motion if isinstance(motion, SpeechMotion) else SpeechMotion(motion)
        out = self.rig.render(patch, m.mouth)
        out = self.brows.render(out, m.brow) if self.brows is not None else out
        return self.nod.render(out, m.head_yaw, m.head_pitch, m.head_roll) if self.nod is not None else out

    def stop(self) -> None:
        if self.mixer is not None:
            self.mixer.stop()


def open_mixer(rate: int, log: Callable[[str], None]):
    """pygame's mixer at ``rate`` Hz, or None (one line said) when there is no audio device."""
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    try:
        pygame.mixer.init(frequency=rate, size=-16, channels=1)
        if pygame.mixer.get_init() is None:
            raise pygame.error("the mixer did not start")
    except pygame.error as err:
        log(f"speech: no audio device ({err}); the portrait will mouth its lines without sound")
        return None
    return pygame.mixer


def make_speaker(cfg, landmarks: np.ndarray | None, crop: tuple[int, int, int, int],
                 log: Callable[[str], None]) -> Speaker | None:
    """Prepare everything for ``cfg`` (a ``SpeechConfig``); None when speech is off or muted.

    Args:
        landmarks: (478, 3) the painting's face in the pixels of the scaled painting that ``crop``
            refers to (:func:`live.painting_face.scaled_landmarks`), or None when it has none.
        crop: (x, y, w, h) of the bank patch in those pixels.
    """
    if not cfg.enabled or cfg.mute:
        return None
    clips = prepare_folder(Path(cfg.wav_folder)) if cfg.wav_folder else prepare_lines(list(cfg.lines), cfg.max_chars)
    if not clips:
        raise SfumatoError("speech.lines is empty; give at least one line, or set speech.enabled = false")
    x, y, w, h = crop
    if landmarks is None or not (x <= landmarks[13, 0] < x + w and y <= landmarks[13, 1] < y + h):
        raise SfumatoError("speech: no face found inside the bank's crop; rebuild the bank with `python -m precompute`")
    mixer = open_mixer(clips[0].audio.rate, log)
    log(f"speech: {len(clips)} line(s) ready ({sum(c.duration for c in clips):.1f} s)" + ("" if mixer else ", no sound"))
    return Speaker(clips, landmarks, crop, mixer, cfg.min_gap_s, cfg.volume, log)
