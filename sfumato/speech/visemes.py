"""Phonemes to mouth shapes: visemes blended with co-articulation.

Each phoneme has a target mouth shape (open, round, spread) and, per parameter, a *dominance*
(Cohen & Massaro's model of co-articulation): how strongly it pulls the mouth toward its target
around its own time. The mouth at time t is the dominance-weighted mean of all targets, each
dominance flat over the middle 60% of the phoneme and falling off outside it as
``exp(-(distance / reach) ** 2)``, ``reach`` a fifth of the phoneme's length plus an
anticipation time. Lip closures (p, b, m) dominate the opening, so the
lips really meet; rounded sounds (w, oo) reach into their neighbours, as in speech.

The voice's own timing is read the way it is produced: espeak writes a stress mark (ˈ, ˌ) just
before the stressed vowel and a length mark (ː) after a long one, and piper gives each mark its
own stretch of sound, so a stress mark's time belongs to the vowel after it (the loud onset of a
stressed syllable) and a length mark's time to the vowel before it.

"f" and "v" are near-closures of their own: the lower lip tucks up under the upper teeth (the
*tuck* parameter, with the same dominance as their opening), the jaw held up, the upper teeth's
edge showing, unlike p, b, m, where the lips meet.

Lip closures are drawn to the end: the lips really meet on every p, b and m, for at least the
video frame nearest to it, however short the voice makes it (a 35 ms "m" falls between two
frames at 25 fps, and blending alone leaves the lips a fifth open there). Stressed vowels open wider
than unstressed ones (they are louder); the space between two words is not a pause, so it only
weakly pulls the mouth toward rest, while real pauses (punctuation, the ends) close it.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from sfumato.speech.audio import Audio
from sfumato.speech.features import level
from sfumato.speech.tts import VOWELS, Phone

# symbol: (open, round, spread, dominance of the opening)
_TABLE: dict[str, tuple[float, float, float, float]] = {
    # closures and near-closures
    "p": (0.0, 0.1, 0.0, 4.0), "b": (0.0, 0.1, 0.0, 4.0), "m": (0.0, 0.1, 0.0, 4.0),
    "f": (0.05, 0.0, 0.2, 2.5), "v": (0.05, 0.0, 0.2, 2.5),
    # other consonants: the jaw stays high for the tongue-tip and back sounds
    "θ": (0.15, 0.0, 0.2, 1.2), "ð": (0.2, 0.0, 0.2, 1.0),
    "t": (0.12, 0.0, 0.25, 1.2), "d": (0.15, 0.0, 0.25, 1.0), "n": (0.2, 0.0, 0.2, 0.9),
    "l": (0.28, 0.0, 0.2, 0.7), "ɾ": (0.3, 0.0, 0.2, 0.7), "ɬ": (0.25, 0.0, 0.2, 0.8),
    "s": (0.08, 0.0, 0.6, 1.6), "z": (0.08, 0.0, 0.6, 1.6),
    "ʃ": (0.12, 0.6, 0.0, 1.6), "ʒ": (0.12, 0.6, 0.0, 1.6), "ç": (0.12, 0.2, 0.3, 1.0),
    "k": (0.12, 0.0, 0.1, 1.0), "g": (0.15, 0.0, 0.1, 0.9), "ɡ": (0.15, 0.0, 0.1, 0.9), "ŋ": (0.15, 0.0, 0.1, 0.9),
    "x": (0.15, 0.0, 0.1, 0.9), "h": (0.3, 0.0, 0.0, 0.3), "ʔ": (0.05, 0.0, 0.0, 1.0),
    "w": (0.12, 0.9, 0.0, 1.2), "ɹ": (0.18, 0.45, 0.0, 1.0), "r": (0.18, 0.4, 0.0, 1.0), "j": (0.2, 0.0, 0.5, 0.8),
    # vowels
    "i": (0.3, 0.0, 0.9, 1.0), "ɪ": (0.32, 0.0, 0.6, 1.0), "ᵻ": (0.3, 0.0, 0.5, 1.0), "e": (0.5, 0.0, 0.5, 1.0),
    "ɛ": (0.6, 0.0, 0.4, 1.0), "æ": (0.7, 0.0, 0.45, 1.0), "a": (0.8, 0.0, 0.2, 1.0), "ɑ": (0.85, 0.1, 0.0, 1.0),
    "ɐ": (0.4, 0.0, 0.1, 1.0), "ʌ": (0.5, 0.0, 0.1, 1.0), "ə": (0.32, 0.0, 0.1, 0.8), "ɚ": (0.32, 0.35, 0.0, 0.9),
    "ɜ": (0.4, 0.3, 0.0, 1.0), "ɔ": (0.55, 0.6, 0.0, 1.0), "o": (0.5, 0.75, 0.0, 1.0), "ɒ": (0.65, 0.4, 0.0, 1.0),
    "ʊ": (0.32, 0.7, 0.0, 1.0), "u": (0.28, 0.95, 0.0, 1.0),
}
_SILENCE = (0.0, 0.0, 0.0, 1.2)
_WORD_GAP = (0.1, 0.0, 0.0, 0.25)  # the space between two words: barely a pull toward rest
_NEUTRAL = (0.3, 0.0, 0.0, 0.1)  # unknown letters: let neighbours decide
_TUCK = {"f": 1.0, "v": 1.0}
"""Labiodentals: the lower lip tucked under the upper teeth (every other sound: 0)."""
_ROUND_DOMINANCE = {"w": 3.0, "u": 2.0, "o": 1.6, "ʊ": 1.6, "ʃ": 1.5, "ʒ": 1.5, "ɔ": 1.4}

STRESS_MARKS = "ˈˌ"
LENGTH_MARK = "ː"
STRESSED_OPEN = 1.3
"""Opening of a stressed vowel relative to its table value (unstressed vowels: UNSTRESSED_OPEN)."""
UNSTRESSED_OPEN = 0.85

ANTICIPATION_S = 0.035
"""Co-articulation reach beyond a phoneme's own span, seconds."""

CLOSURES = frozenset("pbm")
CLOSURE_REACH_S = 0.03
"""The lips close this long (seconds, a Gaussian fall) around a closure's own span."""


def closure_track(phones: list[Phone], fps: float, n_frames: int) -> np.ndarray:
    """How closed the lips are held at each frame: (n_frames,) float32 in [0, 1].

    1 over each p, b, m (its span widened to at least one frame, so the nearest frame always
    shows the lips together), falling off as ``exp(-(distance / CLOSURE_REACH_S) ** 2)``.
    """
    t = np.arange(n_frames) / float(fps)
    out = np.zeros(n_frames)
    for p in phones:
        if p.symbol in CLOSURES:
            half = max((p.end - p.start) / 2.0, 0.5 / fps)
            dist = np.maximum(np.abs(t - (p.start + p.end) / 2.0) - half, 0.0)
            out = np.maximum(out, np.exp(-((dist / CLOSURE_REACH_S) ** 2)))
    return out.astype(np.float32)


def viseme(symbol: str) -> tuple[float, float, float, float]:
    """(open, round, spread, opening dominance) of one espeak IPA symbol."""
    if symbol in _TABLE:
        return _TABLE[symbol]
    if symbol == " ":
        return _WORD_GAP
    if symbol in ("^", "$", "_") or not symbol.strip() or not symbol.isalpha():
        return _SILENCE
    return _NEUTRAL


def attach_marks(phones: list[Phone]) -> list[tuple[Phone, bool]]:
    """Fold stress and length marks into the sounds they belong to.

    Returns:
        (phone, stressed) pairs: a stress mark's span joins the next phone (flagged stressed),
        a length mark's span joins the phone before it.
    """
    out: list[tuple[Phone, bool]] = []
    start: float | None = None
    for p in phones:
        if p.symbol in STRESS_MARKS:
            start = p.start if start is None else start
        elif p.symbol == LENGTH_MARK and out:
            q, stressed = out[-1]
            out[-1] = (Phone(q.symbol, q.start, p.end), stressed)
        else:
            out.append((Phone(p.symbol, p.start if start is None else start, p.end), start is not None))
            start = None
    return out


def _target(symbol: str, stressed: bool) -> tuple[float, float, float, float]:
    o, r, sp, dom = viseme(symbol)
    if symbol in VOWELS:
        o = min(1.0, o * (STRESSED_OPEN if stressed else UNSTRESSED_OPEN))
    return o, r, sp, dom


def mouth_track(phones: list[Phone], fps: float, n_frames: int) -> np.ndarray:
    """Co-articulated mouth shapes at each video frame.

    Args:
        phones: timed phonemes (seconds).
        fps: frames per second; frame k shows time ``k / fps``.
        n_frames: number of frames.

    Returns:
        (n_frames, 4) float32 open, round, spread, tuck in [0, 1].
    """
    out = np.zeros((n_frames, 4), np.float32)
    if not phones or n_frames == 0:
        return out
    marked = attach_marks(phones)
    phones = [p for p, _ in marked]
    t = np.arange(n_frames) / float(fps)
    centres = np.array([(p.start + p.end) / 2.0 for p in phones])
    length = np.array([max(p.end - p.start, 0.0) for p in phones])
    plateau = 0.3 * length
    reach = 0.2 * length + ANTICIPATION_S
    table = [_target(p.symbol, stressed) for p, stressed in marked]
    targets = np.array([v[:3] + (_TUCK.get(p.symbol, 0.0),) for p, v in zip(phones, table)], np.float64)
    dom = np.ones((len(phones), 4))
    dom[:, 0] = dom[:, 3] = [v[3] for v in table]
    dom[:, 1] = [_ROUND_DOMINANCE.get(p.symbol, 0.7) for p in phones]
    dom[:, 2] = 0.8
    # frames x phones weights, computed in blocks to bound memory
    for a in range(0, n_frames, 512):
        tt = t[a : a + 512, None]
        dist = np.maximum(np.abs(tt - centres[None]) - plateau[None], 0.0)
        fall = np.exp(-((dist / reach[None]) ** 2)) + 1e-12  # (F, P)
        for k in range(4):
            wk = fall * dom[None, :, k]
            out[a : a + 512, k] = (wk @ targets[:, k]) / np.maximum(wk.sum(1), 1e-9)
    closed = 1.0 - closure_track(phones, fps, n_frames)
    out[:, 0] *= closed
    out[:, 3] *= closed
    return np.clip(out, 0.0, 1.0)


LOUDNESS_FLOOR = 0.25
"""Opening factor of a viseme during near-silence; it rises with the sound's loudness."""
LOUDNESS_GAIN = 1.1
OPEN_GAMMA = 0.8
"""The opening is raised to this power: small openings grow so the lips visibly part."""


def speaking_mouth_track(phones: list[Phone], audio: Audio, fps: float, n_frames: int, lead_s: float = 0.0) -> np.ndarray:
    """Visemes from the phonemes, their opening scaled by how loud the voice is.

    The phonemes fix *when* and *which shape* (closures, rounding, spreading); the sound fixes
    *how wide*: the opening is multiplied by ``LOUDNESS_FLOOR + LOUDNESS_GAIN * a`` where ``a``
    is the square root of the RMS level over its 97th percentile (a loud stressed vowel opens
    the jaw more than the same vowel muttered).

    Args:
        phones: timed phonemes (seconds) of ``audio``.
        audio: the voice.
        fps: frames per second; frame k shows time ``k / fps``.
        n_frames: number of frames.
        lead_s: the mouth leads the sound by this much (seconds).

    Returns:
        (n_frames, 4) float32 open, round, spread, tuck in [0, 1].
    """
    shifted = [Phone(p.symbol, p.start - lead_s, p.end - lead_s) for p in phones]
    mouth = mouth_track(shifted, fps, n_frames)
    loud = np.roll(uniform_filter1d(level(audio, fps, n_frames), 3), -int(round(lead_s * fps)))
    mouth[:, 0] = np.clip(mouth[:, 0] * (LOUDNESS_FLOOR + LOUDNESS_GAIN * loud), 0.0, 1.0) ** OPEN_GAMMA
    return mouth
