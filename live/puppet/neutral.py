"""The viewer's neutral face, captured automatically from the first seconds of a steady face.

Frames are collected while the head holds still (each within ``steady_deg`` of the first of
the window, and no eye shut); once they span ``capture_s`` seconds, their element-wise median
is the neutral reference. Any larger movement restarts the window, so a viewer who walks up
talking and turning is measured only once they settle. :meth:`NeutralCapture.request` (key R)
starts a new capture; a viewer absent for ``forget_s`` seconds is forgotten (the next face
may be someone else).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from live.puppet.features import Features, head_rotation


class NeutralCapture:
    """Collects steady frames into the neutral :class:`Features`.

    Args:
        capture_s: how long the face must hold still, seconds.
        steady_deg: largest head rotation (any axis) from the window's first frame, degrees.
        forget_s: no face for this long -> capture again when a face returns.
    """

    def __init__(self, capture_s: float = 1.0, steady_deg: float = 3.0, forget_s: float = 3.0) -> None:
        self.capture_s, self.steady_deg, self.forget_s = capture_s, steady_deg, forget_s
        self.neutral: Optional[Features] = None
        self.captures = 0
        self._window: list[Features] = []
        self._t0 = 0.0
        self._last_face = -np.inf
        self._requested = False

    @property
    def capturing(self) -> bool:
        return self.neutral is None

    def request(self) -> None:
        """Capture a new neutral from the next steady seconds (the old one is kept until then)."""
        self._window = []
        self._requested = True

    def update(self, features: Optional[Features], t: float) -> Optional[Features]:
        """Feed one frame's features (None: no face) at time ``t`` (s); returns the neutral or None."""
        if features is None:
            if t - self._last_face > self.forget_s and self.neutral is not None:
                self.neutral, self._window = None, []
            return self.neutral
        self._last_face = t
        if self.neutral is not None and not self._requested:
            return self.neutral
        if self._window and (self._moved(features) or np.min(features.ear) < 0.6 * np.min(self._window[0].ear)):
            self._window = []
        if not self._window:
            self._t0 = t
        self._window.append(features)
        if t - self._t0 >= self.capture_s and len(self._window) >= 3:
            self.neutral = Features.median(self._window)
            self._window, self._requested = [], False
            self.captures += 1
        return self.neutral

    def _moved(self, features: Features) -> bool:
        angles = head_rotation(self._window[0].rigid, features.rigid)
        return max(abs(a) for a in angles) > self.steady_deg
