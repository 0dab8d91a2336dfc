"""When the portrait blinks: a random schedule at human rates and the lid closure over time.

A blink starts every ``every_s`` seconds (uniformly random between the two bounds, from one
blink's start to the next). Its closure (0 open .. 1 closed) rises over ``close_ms`` with an
ease-in-out curve, stays at 1 for ``closed_ms`` and falls over ``open_ms`` (slower), so the
displayed closure moves a small step per display frame: no pop.
"""

from __future__ import annotations

import random

from live.config import BlinkConfig
from sfumato.ramp import smoothstep


class BlinkSchedule:
    """Closure of the lids as a function of time (seconds, increasing calls).

    Args:
        cfg: the blink settings.
        seed: random seed of the intervals (reproducible runs and tests).
        start: time of the first call; the first blink comes one random interval later.
    """

    def __init__(self, cfg: BlinkConfig, seed: int = 0, start: float = 0.0) -> None:
        self.cfg = cfg
        self._rng = random.Random(seed)
        self.next_start = start + self._interval()

    def _interval(self) -> float:
        lo, hi = self.cfg.every_s
        return self._rng.uniform(min(lo, hi), max(lo, hi))

    @property
    def duration_s(self) -> float:
        c = self.cfg
        return (c.close_ms + c.closed_ms + c.open_ms) / 1000.0

    def closure(self, t: float) -> float:
        """Lid closure at time ``t``: 0 open .. 1 closed."""
        if not self.cfg.enabled:
            return 0.0
        while t >= self.next_start + self.duration_s:      # a long pause between calls: skip ahead
            self.next_start += self._interval()
        if t < self.next_start:
            return 0.0
        c = self.cfg
        ms = (t - self.next_start) * 1000.0
        if ms < c.close_ms:
            return smoothstep(0.0, 1.0, ms / max(c.close_ms, 1e-6))
        ms -= c.close_ms
        if ms < c.closed_ms:
            return 1.0
        ms -= c.closed_ms
        value = 1.0 - smoothstep(0.0, 1.0, ms / max(c.open_ms, 1e-6))
        if ms >= c.open_ms:
            self.next_start += self._interval()
            return 0.0
        return value
