"""Audio in: any file ffmpeg reads becomes mono float samples (and back out as WAV).

ffmpeg is the one bundled with imageio-ffmpeg, so nothing needs to be installed system-wide.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sfumato.errors import SfumatoError

SAMPLE_RATE = 22050
"""Rate audio is read at (the voice's own rate, so synthesised and read audio match)."""

SILENCE_DBFS = -50.0
"""Audio whose loudest 50 ms stays below this level (dB full scale) counts as silent."""


class AudioError(SfumatoError):
    """An audio file that cannot be used: missing, unreadable, empty or silent."""


@dataclass
class Audio:
    """Mono audio.

    Attributes:
        samples: (N,) float32 in [-1, 1].
        rate: samples per second.
    """

    samples: np.ndarray
    rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / float(self.rate)

    def peak_dbfs(self, window_s: float = 0.05) -> float:
        """Level of the loudest ``window_s`` window, dB full scale (-inf for digital silence)."""
        n = max(1, int(window_s * self.rate))
        x = self.samples[: len(self.samples) // n * n].astype(np.float64)
        if x.size == 0:
            x = self.samples.astype(np.float64)
            n = max(1, x.size)
        rms = np.sqrt((x.reshape(-1, n) ** 2).mean(1)).max() if x.size else 0.0
        return float(20.0 * np.log10(rms)) if rms > 0 else float("-inf")


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def read_audio(path: Path, rate: int = SAMPLE_RATE) -> Audio:
    """Decode any audio (or video with sound) ffmpeg reads to mono float32 at ``rate`` Hz.

    Raises:
        AudioError: the file is missing, ffmpeg cannot decode it, it has no sound, or it is silent.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"{path}: audio file not found; check the path given to --audio.")
    cmd = [ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0:
        raise AudioError(f"{path}: {_unreadable(proc.stderr.decode(errors='replace'))}; "
                         "give a WAV, MP3, FLAC, OGG or M4A file.")
    samples = np.frombuffer(proc.stdout, np.int16).astype(np.float32) / 32768.0
    if samples.size < rate // 10:
        raise AudioError(f"{path}: has no sound (shorter than 0.1 s); give a recording of speech.")
    audio = Audio(samples, rate)
    if audio.peak_dbfs() < SILENCE_DBFS:
        raise AudioError(f"{path}: is silent (loudest part {audio.peak_dbfs():.0f} dBFS); give a recording of speech.")
    return audio


def _unreadable(stderr: str) -> str:
    """What is wrong with an input ffmpeg refused, from its ``-v error`` lines (``stderr``), in words.

    ffmpeg's last line is about whichever side failed last, and for a picture or a video with no sound
    that is the OUTPUT ("Error opening output files: Invalid argument": ``-vn`` left it no stream), which
    reads as if the fault were sfumato's; so the input's own case is named instead."""
    lines = stderr.strip().splitlines()
    if any("does not contain any stream" in line for line in lines):
        return "has no sound in it (ffmpeg opens it but finds no audio stream: a picture, or a video without sound)"
    opening = [line.split("Error opening input:", 1)[1].strip() for line in lines if "Error opening input:" in line]
    reason = opening[0] if opening else (lines or ["unknown error"])[-1]
    return f"not audio ffmpeg can read ({reason})"


def save_wav(path: Path, audio: Audio) -> None:
    """Write ``audio`` as 16-bit mono PCM WAV (:func:`sfumato.video.writer.write_wav`)."""
    from sfumato.video.writer import write_wav

    write_wav(Path(path), audio.samples, audio.rate)
