"""Small synthetic inputs shared by the mouth and speech tests (no files, no models)."""

from __future__ import annotations

import numpy as np

from sfumato.speech.tts import Phone


def phone_run(spec: list[tuple[str, float]]) -> list[Phone]:
    """Back-to-back phones from (symbol, seconds) pairs, starting at 0 s."""
    out, t = [], 0.0
    for sym, d in spec:
        out.append(Phone(sym, t, t + d))
        t += d
    return out


def opening_field(height: float, size: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A synthetic lens-shaped mouth opening of ``height`` px in a (size, size) field.

    Returns:
        top, bottom: (size, size) float32 distances (px) below the upper lip and above the lower
        lip, 0 outside; un: (size, size) float32 position across, -1..1; inside:
        (size, size) float32 distance (px) inside the opening, 0 outside.
    """
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    un = (xs - size / 2) / (size / 2)
    h = height * np.sqrt(np.clip(1 - un**2, 0, 1))
    top = ys - (size / 2 - h / 2)
    bottom = (size / 2 + h / 2) - ys
    inside = np.maximum(np.minimum(np.minimum(top, bottom), (1 - np.abs(un)) * size / 2), 0)
    return np.maximum(top, 0), np.maximum(bottom, 0), un, inside
