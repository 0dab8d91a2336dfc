"""From the viewer's face signals to the painting's rig controls: ranges, soft limits, smoothing, rest.

Each signal is scaled into the painting's own range and soft-saturated (identity near rest,
then a tanh knee up to a limit it never passes), so a wild grimace still gives a painterly
face: the head turns at most ``max_yaw_deg``, the eyes never leave their opening, the mouth
never opens past the rig's widest. The controls are then smoothed with One Euro filters
(:mod:`live.filters`), one per group, so a still face is calm and a quick move is caught.

No face (or no neutral yet): the controls hold ``hold_s`` seconds, then ease (smoothstep)
back to rest over ``return_s`` seconds from wherever they were, never snapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from live.config import PuppetConfig
from live.filters import OneEuroFilter
from live.puppet.features import Signals
from sfumato.ramp import soft_limit
from sfumato.ramp import smoothstep

N_CONTROLS = 11
GROUPS = {"head": slice(0, 3), "gaze": slice(3, 5), "blink": slice(5, 7), "mouth": slice(7, 9), "brows": slice(9, 11)}
CUTOFF_SCALE = {"head": 1.0, "gaze": 2.0, "blink": 6.0, "mouth": 2.0, "brows": 1.0}
"""One Euro cutoff of each group relative to the configured one (blinks and gaze are quicker)."""


@dataclass(frozen=True)
class Controls:
    """What the painting does: the rig's inputs.

    Attributes:
        head_yaw, head_pitch, head_roll: head turn, degrees (yaw > 0 toward image +x, pitch > 0 up,
            roll > 0 clockwise on the image).
        gaze_yaw, gaze_pitch: eye-in-head turn, degrees (same signs).
        blink: (2,) lid closure of the sitter's right and left eye, 0 open .. 1 shut.
        mouth_open: 0 (as painted) .. 1 (the rig's widest).
        mouth_width: -1 (rounded) .. 0 (as painted) .. 1 (spread).
        brows: (2,) right and left brow, -1 (lowered) .. 1 (raised).
    """

    head_yaw: float = 0.0
    head_pitch: float = 0.0
    head_roll: float = 0.0
    gaze_yaw: float = 0.0
    gaze_pitch: float = 0.0
    blink: tuple[float, float] = (0.0, 0.0)
    mouth_open: float = 0.0
    mouth_width: float = 0.0
    brows: tuple[float, float] = (0.0, 0.0)

    @classmethod
    def from_vector(cls, v: np.ndarray) -> "Controls":
        """The controls from an (11,) vector in :meth:`vector`'s order."""
        v = [float(x) for x in v]
        return cls(v[0], v[1], v[2], v[3], v[4], (v[5], v[6]), v[7], v[8], (v[9], v[10]))

    def vector(self) -> np.ndarray:
        """(11,) float64 in the order of the fields."""
        return np.array([self.head_yaw, self.head_pitch, self.head_roll, self.gaze_yaw, self.gaze_pitch,
                         *self.blink, self.mouth_open, self.mouth_width, *self.brows], np.float64)


REST = Controls()


def retarget(s: Signals, cfg: PuppetConfig) -> Controls:
    """Scale and soft-limit one frame's (already mirrored, if wanted) signals into controls."""
    g = cfg.head_gain
    blink = [smoothstep(0.0, 1.0, (cfg.blink_open - o) / max(cfg.blink_open - cfg.blink_shut, 1e-3)) for o in s.openness]
    return Controls(
        head_yaw=soft_limit(g * s.yaw, cfg.max_yaw_deg),
        head_pitch=soft_limit(g * s.pitch, cfg.max_pitch_deg),
        head_roll=soft_limit(g * s.roll, cfg.max_roll_deg),
        gaze_yaw=soft_limit(cfg.gaze_gain_deg * float(s.gaze[0]), cfg.max_gaze_deg),
        gaze_pitch=soft_limit(cfg.gaze_gain_deg * float(s.gaze[1]), 0.5 * cfg.max_gaze_deg),
        blink=(blink[0], blink[1]),
        mouth_open=max(0.0, soft_limit(cfg.mouth_gain * s.mouth_open, 1.0)),
        mouth_width=soft_limit(cfg.mouth_width_gain * s.mouth_width, 1.0),
        brows=(soft_limit(cfg.brow_gain * float(s.brows[0]), 1.0), soft_limit(cfg.brow_gain * float(s.brows[1]), 1.0)),
    )


class Retargeter:
    """Per-frame controls: retarget, hold and ease back to rest without a face, One Euro smoothing."""

    def __init__(self, cfg: PuppetConfig) -> None:
        self.cfg = cfg
        self._filters = {k: OneEuroFilter(cfg.min_cutoff_hz * CUTOFF_SCALE[k], cfg.beta, cfg.d_cutoff_hz)
                         for k in GROUPS}
        self._last = REST.vector()       # last target with a face
        self._last_t: Optional[float] = None
        self.engaged = False

    def update(self, signals: Optional[Signals], t: float) -> Controls:
        """Controls at time ``t`` (s) from this frame's signals (None: no face or no neutral yet)."""
        if signals is not None:
            target = retarget(signals, self.cfg).vector()
            self._last, self._last_t, self.engaged = target, t, True
        else:
            self.engaged = False
            if self._last_t is None:
                target = REST.vector()
            else:
                u = (t - self._last_t - self.cfg.hold_s) / max(self.cfg.return_s, 1e-6)
                target = self._last * (1.0 - smoothstep(0.0, 1.0, u))
        out = np.empty(N_CONTROLS)
        for k, sl in GROUPS.items():
            out[sl] = self._filters[k](target[sl], t)
        return Controls.from_vector(out)
