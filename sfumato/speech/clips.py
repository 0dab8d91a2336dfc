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
        mouth: (n, 3) float32 open, round, spread at :data:`TRACK_FPS`.
    """

    name: str
    audio: Audio
    mouth: np.ndarray

    @property
    def duration(self) -> float:
        return self.audio.duration

    def mouth_at(self, t: float) -> MouthPose | None:
        """The mouth ``t`` seconds into the clip; None before the start and after the end."""
        if t < 0 or t >= self.duration:
            return None
        o, r, s = (float(v) for v in self.mouth[min(int(t * TRACK_FPS), len(self.mouth) - 1)])
        return MouthPose(o, r, s)


def _clip(name: str, audio: Audio, phones=None) -> Clip:
    perf = make_performance(audio, TRACK_FPS, phones)
    return Clip(name, audio, perf.mouth)


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
