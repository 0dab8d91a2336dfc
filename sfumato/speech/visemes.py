"""Phonemes to mouth shapes: visemes blended with co-articulation.

Each phoneme has a target mouth shape (open, round, spread) and, per parameter, a *dominance*
(Cohen & Massaro's model of co-articulation): how strongly it pulls the mouth toward its target
around its own time. The mouth at time t is the dominance-weighted mean of all targets, each
dominance flat over the middle 60% of the phoneme and falling off outside it as
``exp(-(distance / reach) ** 2)``, ``reach`` a fifth of the phoneme's length plus an
anticipation time. Lip closures (p, b, m) dominate the opening, so the
lips really meet; rounded sounds (w, oo) reach into their neighbours, as in speech.
"""

from __future__ import annotations

import numpy as np

from sfumato.speech.tts import Phone

# symbol: (open, round, spread, dominance of the opening)
_TABLE: dict[str, tuple[float, float, float, float]] = {
    # closures and near-closures
    "p": (0.0, 0.1, 0.0, 4.0), "b": (0.0, 0.1, 0.0, 4.0), "m": (0.0, 0.1, 0.0, 4.0),
    "f": (0.06, 0.0, 0.2, 2.5), "v": (0.06, 0.0, 0.2, 2.5),
    # other consonants
    "θ": (0.2, 0.0, 0.2, 1.2), "ð": (0.2, 0.0, 0.2, 1.2),
    "t": (0.25, 0.0, 0.25, 1.0), "d": (0.25, 0.0, 0.25, 1.0), "n": (0.25, 0.0, 0.2, 1.0),
    "l": (0.32, 0.0, 0.2, 0.8), "ɾ": (0.3, 0.0, 0.2, 0.8), "ɬ": (0.3, 0.0, 0.2, 0.8),
    "s": (0.1, 0.0, 0.6, 1.6), "z": (0.1, 0.0, 0.6, 1.6),
    "ʃ": (0.15, 0.6, 0.0, 1.6), "ʒ": (0.15, 0.6, 0.0, 1.6), "ç": (0.15, 0.2, 0.3, 1.0),
    "k": (0.32, 0.0, 0.1, 0.7), "g": (0.32, 0.0, 0.1, 0.7), "ɡ": (0.32, 0.0, 0.1, 0.7), "ŋ": (0.3, 0.0, 0.1, 0.7),
    "x": (0.32, 0.0, 0.1, 0.7), "h": (0.35, 0.0, 0.0, 0.3), "ʔ": (0.1, 0.0, 0.0, 0.8),
    "w": (0.1, 0.9, 0.0, 1.5), "ɹ": (0.2, 0.45, 0.0, 1.0), "r": (0.2, 0.4, 0.0, 1.0), "j": (0.15, 0.0, 0.5, 1.0),
    # vowels
    "i": (0.2, 0.0, 0.9, 1.0), "ɪ": (0.3, 0.0, 0.6, 1.0), "ᵻ": (0.3, 0.0, 0.5, 1.0), "e": (0.45, 0.0, 0.5, 1.0),
    "ɛ": (0.55, 0.0, 0.4, 1.0), "æ": (0.75, 0.0, 0.45, 1.0), "a": (0.85, 0.0, 0.2, 1.0), "ɑ": (0.9, 0.1, 0.0, 1.0),
    "ɐ": (0.55, 0.0, 0.1, 1.0), "ʌ": (0.6, 0.0, 0.1, 1.0), "ə": (0.35, 0.0, 0.1, 0.8), "ɚ": (0.35, 0.35, 0.0, 0.9),
    "ɜ": (0.4, 0.3, 0.0, 1.0), "ɔ": (0.6, 0.6, 0.0, 1.0), "o": (0.45, 0.75, 0.0, 1.0), "ɒ": (0.7, 0.4, 0.0, 1.0),
    "ʊ": (0.3, 0.7, 0.0, 1.0), "u": (0.2, 0.95, 0.0, 1.0),
}
_SILENCE = (0.0, 0.0, 0.0, 0.9)
_NEUTRAL = (0.3, 0.0, 0.0, 0.1)  # stress and length marks, unknown letters: let neighbours decide
_ROUND_DOMINANCE = {"w": 3.0, "u": 2.0, "o": 1.6, "ʊ": 1.6, "ʃ": 1.5, "ʒ": 1.5, "ɔ": 1.4}

ANTICIPATION_S = 0.035
"""Co-articulation reach beyond a phoneme's own span, seconds."""


def viseme(symbol: str) -> tuple[float, float, float, float]:
    """(open, round, spread, opening dominance) of one espeak IPA symbol."""
    if symbol in _TABLE:
        return _TABLE[symbol]
    if symbol in (" ", "^", "$", "_") or not symbol.strip() or (not symbol.isalpha() and symbol not in "ˈˌː"):
        return _SILENCE
    return _NEUTRAL


def mouth_track(phones: list[Phone], fps: float, n_frames: int) -> np.ndarray:
    """Co-articulated mouth shapes at each video frame.

    Args:
        phones: timed phonemes (seconds).
        fps: frames per second; frame k shows time ``k / fps``.
        n_frames: number of frames.

    Returns:
        (n_frames, 3) float32 open, round, spread in [0, 1].
    """
    out = np.zeros((n_frames, 3), np.float32)
    if not phones or n_frames == 0:
        return out
    t = np.arange(n_frames) / float(fps)
    centres = np.array([(p.start + p.end) / 2.0 for p in phones])
    length = np.array([max(p.end - p.start, 0.0) for p in phones])
    plateau = 0.3 * length
    reach = 0.2 * length + ANTICIPATION_S
    targets = np.array([viseme(p.symbol)[:3] for p in phones], np.float64)
    dom = np.ones((len(phones), 3))
    dom[:, 0] = [viseme(p.symbol)[3] for p in phones]
    dom[:, 1] = [_ROUND_DOMINANCE.get(p.symbol, 0.7) for p in phones]
    dom[:, 2] = 0.8
    # frames x phones weights, computed in blocks to bound memory
    for a in range(0, n_frames, 512):
        tt = t[a : a + 512, None]
        dist = np.maximum(np.abs(tt - centres[None]) - plateau[None], 0.0)
        fall = np.exp(-((dist / reach[None]) ** 2)) + 1e-12  # (F, P)
        for k in range(3):
            wk = fall * dom[None, :, k]
            out[a : a + 512, k] = (wk @ targets[:, k]) / np.maximum(wk.sum(1), 1e-9)
    return np.clip(out, 0.0, 1.0)
