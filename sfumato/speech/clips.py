"""Speech clips prepared ahead of time (the live kiosk's greetings): sound plus a mouth track.

Everything slow happens here, at start-up: synthesis, decoding, the mouth track. Playing a clip
later only looks values up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from sfumato.errors import SfumatoError
from sfumato.rig.mouth import MouthPose
from sfumato.speech.audio import Audio, read_audio
from sfumato.speech.performance import make_performance

TRACK_FPS = 100.0
"""Rate of the prepared mouth tracks (a display at any rate samples them)."""

AUDIO_EXTENSIONS = (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus")


@dataclass
class Clip:
    """One line the portrait can say.

    Attributes:
        name: the text or the file name.
        audio: the sound.
        mouth: (n, 4) float32 open, round, spread, tuck (or (n, 3) without tuck) at :data:`TRACK_FPS`.
        head: (n, 2) float32 head yaw, pitch degrees (the small nods and turns), or None.
        brow: (n,) float32 brow raise in [0, 1], or None.
        roll: (n,) float32 head tilt, degrees clockwise on screen (the tilts on stressed
            syllables), or None.
    """

    name: str
    audio: Audio
    mouth: np.ndarray
    head: np.ndarray | None = None
    brow: np.ndarray | None = None
    roll: np.ndarray | None = None

    @property
    def duration(self) -> float:
        return self.audio.duration

    def mouth_at(self, t: float) -> MouthPose | None:
        """The mouth ``t`` seconds into the clip; None before the start and after the end."""
        if t < 0 or t >= self.duration:
            return None
        return MouthPose.of(self.mouth[min(int(t * TRACK_FPS), len(self.mouth) - 1)])

    def motion_at(self, t: float) -> tuple[float, float, float]:
        """(head yaw, head pitch degrees, brow raise 0..1) ``t`` seconds into the clip; zeros
        outside it or without those tracks."""
        if t < 0 or t >= self.duration or self.head is None or self.brow is None:
            return 0.0, 0.0, 0.0
        i = min(int(t * TRACK_FPS), len(self.head) - 1)
        return float(self.head[i, 0]), float(self.head[i, 1]), float(self.brow[min(i, len(self.brow) - 1)])

    def roll_at(self, t: float) -> float:
        """Head tilt (degrees, clockwise on screen) ``t`` seconds into the clip; 0 outside it or without that track."""
        if t < 0 or t >= self.duration or self.roll is None or not len(self.roll):
            return 0.0
        return float(self.roll[min(int(t * TRACK_FPS), len(self.roll) - 1)])


def _clip(name: str, audio: Audio, phones=None) -> Clip:
    perf = make_performance(audio, TRACK_FPS, phones)
    return Clip(name, audio, perf.mouth, perf.head, perf.brow, perf.roll)


def prepare_lines(lines: list[str], max_chars: int, progress: bool = True) -> list[Clip]:
    """Synthesise every line with the bundled voice (errors name the line)."""
    from sfumato.speech.tts import synthesize

    clips = []
    for i, line in enumerate(tqdm(lines, desc="preparing speech", unit="line", disable=not progress, leave=False)):
        if not isinstance(line, str):
            raise SfumatoError(f"speech.lines[{i}]: {line!r} is not text; write each line as a quoted string")
        try:
            speech = synthesize(line, max_chars)
        except SfumatoError as err:
            raise SfumatoError(f"speech.lines[{i}]: {err}") from None
        clips.append(_clip(line, speech.audio, speech.phones))
    return clips


def prepare_folder(folder: Path, progress: bool = True) -> list[Clip]:
    """Every audio file in ``folder`` (sorted by name), mouth from the sound."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SfumatoError(f"{folder}: speech.wav_folder is not a folder; give a folder of recordings")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
    if not files:
        raise SfumatoError(f"{folder}: no recordings ({', '.join(AUDIO_EXTENSIONS)}) in speech.wav_folder")
    return [_clip(f.name, read_audio(f)) for f in tqdm(files, desc="preparing speech", unit="file", disable=not progress, leave=False)]
