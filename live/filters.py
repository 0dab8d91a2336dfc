"""Smoothing: the One Euro filter on the viewer direction and hysteresis at bin edges.

One Euro (Casiez, Roussel, Vogel, CHI 2012): a low-pass whose cutoff rises with speed, so a
still viewer is calm (cutoff ``min_cutoff``) and a quick move is caught (cutoff
``min_cutoff + beta * |speed|``). :class:`BinHysteresis` turns a fractional frame position
into an integer frame that only changes once the position is ``margin`` of a bin past the
edge, so a position sitting on an edge never flickers.
"""

from __future__ import annotations

import math

import numpy as np


def _alpha(cutoff_hz: float, dt: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """One Euro filter on a vector (e.g. yaw, pitch in degrees), timestamped samples."""

    def __init__(self, min_cutoff: float = 0.6, beta: float = 0.04, d_cutoff: float = 1.0) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t = 0.0

    def reset(self) -> None:
        self._x = None

    @property
    def value(self) -> np.ndarray | None:
        return None if self._x is None else self._x.copy()

    def __call__(self, x: "np.ndarray | tuple[float, ...]", t: float) -> np.ndarray:
        """Filter sample ``x`` taken at time ``t`` seconds; returns the smoothed vector."""
        x = np.asarray(x, np.float64)
        if self._x is None:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        if dt <= 0.0:
            return self._x.copy()
        self._t = t
        dx = (x - self._x) / dt
        a_d = _alpha(self.d_cutoff, dt)
        self._dx = self._dx + a_d * (dx - self._dx)
        speed = float(np.linalg.norm(self._dx))
        a = _alpha(self.min_cutoff + self.beta * speed, dt)
        self._x = self._x + a * (x - self._x)
        return self._x.copy()


class BinHysteresis:
    """Integer bin of a fractional position, changing only ``margin`` past the bin edge.

    ``update(3.79)`` from bin 3 with margin 0.3 stays 3 (edge at 3.5, needs > 3.8); ``3.81``
    moves to 4. Big jumps move straight to the nearest bin.
    """

    def __init__(self, margin: float = 0.3, start: int = 0) -> None:
        self.margin = float(np.clip(margin, 0.0, 0.49))
        self.bin = int(start)

    def update(self, position: float) -> int:
        if abs(position - self.bin) > 0.5 + self.margin:
            self.bin = int(round(position))
        return self.bin
