"""Multi-viewer policy: follow the nearest (largest) face and stick to it while it stays.

A detection continues the followed viewer when its centre lies within ``match_radius`` face
widths of where the followed face was last seen. Another face, however similar or large,
never takes over while the followed one is still detected; only when the followed viewer has
been missing for ``keep_s`` seconds is the largest face chosen anew.
"""

from __future__ import annotations

import math

from live.tracker import Face


class ViewerSelector:
    """Choose which face the portrait looks at, frame by frame."""

    def __init__(self, keep_s: float = 0.5, match_radius: float = 1.0) -> None:
        self.keep_s, self.match_radius = keep_s, match_radius
        self._center: tuple[float, float] | None = None
        self._width = 0.0
        self._last_seen = -math.inf
        self.viewer_id = 0   # increments each time a new viewer is chosen

    @property
    def following(self) -> bool:
        return self._center is not None

    def choose(self, faces: list[Face], t: float) -> int | None:
        """Index into ``faces`` of the followed viewer at time ``t`` (s), or None this frame."""
        if self._center is not None:
            cx, cy = self._center
            best, best_d = None, math.inf
            for i, f in enumerate(faces):
                fx, fy = f.center
                d = math.hypot(fx - cx, fy - cy)
                if d <= self.match_radius * max(self._width, f.box[2]) and d < best_d:
                    best, best_d = i, d
            if best is not None:
                return self._follow(faces[best], best, t)
            if t - self._last_seen <= self.keep_s:
                return None
            self._center = None
        if not faces:
            return None
        i = max(range(len(faces)), key=lambda k: faces[k].area)
        self.viewer_id += 1
        return self._follow(faces[i], i, t)

    def _follow(self, face: Face, i: int, t: float) -> int:
        self._center, self._width, self._last_seen = face.center, face.box[2], t
        return i

    def reset(self) -> None:
        self._center = None
