"""Mouth shapes from the sound alone: loudness and spectrum per video frame.

- **envelope**: RMS over a window of two frames, in dB, mapped to [0, 1] between the
  recording's noise floor (10th percentile) and its loud parts (97th percentile);
- **open**: the square root of the linear RMS level over its 97th percentile (the same level
  that scales the opening when the text is known, :mod:`sfumato.speech.visemes`), to the power
  ``OPEN_POWER`` (1.8): the jaw opens in step with how loud the voice is, everyday syllables
  small-to-medium (median 0.35 on the benchmark sentence, 0.53 with the bare square root), only
  the loudest wide; quiet sounds barely part the lips; lowered for fricatives (much energy above
  4 kHz: s, f, sh);
- **round / spread**: the spectral centroid of the voiced band (200-4000 Hz), relative to the
  voice's own range (its 20th-80th percentile while loud): a low centroid while loud reads as
  a rounded vowel (oo, o), a high one as a spread vowel (ee); rounding fades as the jaw opens.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from sfumato.speech.audio import Audio


def _frames(audio: Audio, fps: float, n_frames: int, window: float) -> tuple[np.ndarray, int]:
    """(n_frames, n) windows centred on each video frame's time, zero-padded."""
    n = max(16, int(round(window * audio.rate)))
    hop = audio.rate / float(fps)
    pad = np.pad(audio.samples.astype(np.float32), (n, n))
    starts = (np.arange(n_frames) * hop).astype(np.int64) + n - n // 2
    idx = starts[:, None] + np.arange(n)[None]
    idx = np.clip(idx, 0, len(pad) - 1)
    return pad[idx], n


def rms_envelope(audio: Audio, fps: float, n_frames: int) -> np.ndarray:
    """(n_frames,) float32 RMS level of the audio around each frame time (window 2 frames), linear."""
    win, _ = _frames(audio, fps, n_frames, 2.0 / fps)
    return np.sqrt((win.astype(np.float64) ** 2).mean(1)).astype(np.float32)


def loudness(audio: Audio, fps: float, n_frames: int) -> np.ndarray:
    """(n_frames,) float32 in [0, 1]: the RMS envelope in dB between noise floor and loud parts."""
    db = 20.0 * np.log10(rms_envelope(audio, fps, n_frames) + 1e-6)
    lo, hi = np.percentile(db, 10), np.percentile(db, 97)
    lo = max(lo, hi - 45.0)
    return np.clip((db - lo) / max(hi - lo, 1e-3), 0.0, 1.0).astype(np.float32)


def level(audio: Audio, fps: float, n_frames: int) -> np.ndarray:
    """(n_frames,) float64 in [0, 1]: the square root of the RMS envelope over its 97th percentile."""
    env = rms_envelope(audio, fps, n_frames).astype(np.float64)
    return np.sqrt(np.clip(env / max(float(np.percentile(env, 97)), 1e-9), 0.0, 1.0))


OPEN_POWER = 1.8
"""The opening is the level to this power (above 1: everyday syllables open less, the loudest as wide)."""


def audio_mouth_track(audio: Audio, fps: float, n_frames: int) -> np.ndarray:
    """Mouth shapes from the audio: (n_frames, 3) float32 open, round, spread in [0, 1]."""
    env = loudness(audio, fps, n_frames)
    win, n = _frames(audio, fps, n_frames, 2.0 / fps)
    spec = np.abs(np.fft.rfft(win * np.hanning(n)[None], axis=1)) ** 2
    freqs = np.fft.rfftfreq(n, 1.0 / audio.rate)
    band = (freqs >= 200) & (freqs <= 4000)
    high = freqs > 4000
    total = spec.sum(1) + 1e-12
    fric = spec[:, high].sum(1) / total
    centroid = (spec[:, band] * freqs[band]).sum(1) / (spec[:, band].sum(1) + 1e-12)
    voiced = np.clip((env - 0.25) / 0.5, 0.0, 1.0)
    open_ = np.clip(level(audio, fps, n_frames) ** OPEN_POWER * (1.0 - 0.6 * np.clip(fric / 0.3, 0.0, 1.0)), 0.0, 1.0)
    # the centroid relative to this voice's own range (a low voice is not always saying "oo")
    loud = centroid[env > 0.5] if np.sum(env > 0.5) >= 5 else centroid
    lo, mid, hi = np.percentile(loud, [20, 50, 80])
    z = (centroid - mid) / max(hi - lo, 1.0)
    round_ = np.clip(-1.5 * z, 0.0, 1.0) * voiced * (1.0 - 0.5 * open_)  # rounded vowels open the jaw less
    spread = np.clip(1.5 * z, 0.0, 1.0) * voiced
    out = np.stack([open_, round_, spread], 1)
    return np.clip(uniform_filter1d(out, size=3, axis=0, mode="nearest"), 0.0, 1.0).astype(np.float32)
