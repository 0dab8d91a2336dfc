"""The displayed frame position, chasing the chosen frame with a short cross-fade.

The display position is continuous (row, col); at an integer it is exactly one bank frame,
between integers it is a blend of the neighbouring frames (bilinear on a 2-D bank). It moves
toward the target frame at ``max(1 bin / crossfade, distance / crossfade)`` bins per second:
a one-bin step is a linear blend lasting ``crossfade_s``, a long jump is an exponential
approach (time constant ``crossfade_s``) passing through the frames in between, so the eyes
turn rather than jump. Once on target it stays bit-exact (no blending, nothing changes).
"""

from __future__ import annotations

import math


class FrameChaser:
    """Continuous display position over a rows x cols bank."""

    def __init__(self, rows: int, cols: int, start: tuple[int, int], crossfade_s: float = 0.08) -> None:
        self.rows, self.cols = rows, cols
        self.crossfade_s = max(1e-3, crossfade_s)
        self.pos = [float(start[0]), float(start[1])]

    def snap(self, target: tuple[int, int]) -> None:
        self.pos = [float(target[0]), float(target[1])]

    def update(self, target: tuple[int, int], dt: float) -> None:
        """Move toward ``target`` (row, col) for ``dt`` seconds."""
        if self.crossfade_s <= 1e-3:
            self.snap(target)
            return
        for k in (0, 1):
            d = target[k] - self.pos[k]
            step = max(1.0, abs(d)) * dt / self.crossfade_s
            self.pos[k] = float(target[k]) if abs(d) <= step else self.pos[k] + math.copysign(step, d)

    def weights(self) -> list[tuple[int, float]]:
        """Frames to blend now: [(frame index, weight)], weights > 0 summing to 1, largest first."""
        r, c = self.pos
        r0, c0 = int(math.floor(r)), int(math.floor(c))
        fr, fc = r - r0, c - c0
        out: dict[int, float] = {}
        for dr, wr in ((0, 1.0 - fr), (1, fr)):
            for dc, wc in ((0, 1.0 - fc), (1, fc)):
                w = wr * wc
                if w > 1e-4:
                    rr, cc = min(r0 + dr, self.rows - 1), min(c0 + dc, self.cols - 1)
                    i = rr * self.cols + cc
                    out[i] = out.get(i, 0.0) + w
        total = sum(out.values())
        return sorted(((i, w / total) for i, w in out.items()), key=lambda p: -p[1])

    @property
    def index(self) -> int:
        """The frame shown most (the nearest)."""
        return self.weights()[0][0]
