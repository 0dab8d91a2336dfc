"""Presence: what the portrait looks at when someone is there, and when nobody is.

States:
    ``engaged``   a viewer is followed; the target is their direction.
    ``holding``   the viewer was lost less than ``lost_after_s`` ago; keep looking where they were.
    ``returning`` nobody for ``lost_after_s``: ease (smoothstep, ``return_s``) back to the centre.
    ``idle``      nobody: rest on the centre frame, with an occasional slow glance aside.
A new viewer switches straight to ``engaged``; the smoothing after this turns the eyes
to them within about 0.3 s.
"""

from __future__ import annotations

import random

from live.config import PresenceConfig
from sfumato.ramp import smoothstep

ENGAGED, HOLDING, RETURNING, IDLE = "engaged", "holding", "returning", "idle"


def _ease(a: tuple[float, float], b: tuple[float, float], u: float) -> tuple[float, float]:
    s = float(smoothstep(0.0, 1.0, u))
    return a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s


class Presence:
    """Target direction (yaw, pitch degrees) from whether and where a viewer is seen."""

    GLANCE_MOVE_S = 0.9   # time to ease into / out of a glance

    def __init__(self, cfg: PresenceConfig, center: tuple[float, float],
                 yaw_range: tuple[float, float], seed: int = 0) -> None:
        self.cfg, self.center, self.yaw_range = cfg, center, yaw_range
        self._rng = random.Random(seed)
        self.state = IDLE
        self._last = center           # last viewer direction
        self._last_seen = -1e9
        self._from = center           # start of the current ease
        self._ease_t0 = 0.0
        self._glance: tuple[float, float] | None = None
        self._glance_t0 = 0.0
        self._next_glance: float | None = None

    def update(self, t: float, viewer: tuple[float, float] | None) -> tuple[float, float]:
        """The target direction at time ``t`` (s) given the followed viewer's direction or None."""
        if viewer is not None:
            self.state, self._last, self._last_seen = ENGAGED, viewer, t
            self._glance, self._next_glance = None, None
            return viewer
        if self.state in (ENGAGED, HOLDING):
            if t - self._last_seen < self.cfg.lost_after_s:
                self.state = HOLDING
                return self._last
            self.state, self._from = RETURNING, self._last
            self._ease_t0 = self._last_seen + self.cfg.lost_after_s
        if self.state == RETURNING:
            u = (t - self._ease_t0) / max(1e-6, self.cfg.return_s)
            if u < 1.0:
                return _ease(self._from, self.center, u)
            self.state = IDLE
        return self._idle(t)

    def _idle(self, t: float) -> tuple[float, float]:
        if not self.cfg.idle_glances:
            return self.center
        lo, hi = self.cfg.glance_every_s
        if self._next_glance is None:
            self._next_glance = t + self._rng.uniform(lo, hi)
        if self._glance is None:
            if t < self._next_glance:
                return self.center
            reach = self.cfg.glance_amount * max(abs(self.yaw_range[0]), abs(self.yaw_range[1]))
            side = self._rng.choice((-1.0, 1.0))
            self._glance = (self.center[0] + side * reach * self._rng.uniform(0.6, 1.0), self.center[1])
            self._glance_t0 = t
        g = t - self._glance_t0
        move, hold = self.GLANCE_MOVE_S, self.cfg.glance_hold_s
        if g < move:
            return _ease(self.center, self._glance, g / move)
        if g < move + hold:
            return self._glance
        if g < 2 * move + hold:
            return _ease(self._glance, self.center, (g - move - hold) / move)
        self._glance = None
        self._next_glance = t + self._rng.uniform(lo, hi)
        return self.center
