"""What a headless run is doing, one line every few seconds (nobody sees a window).

    5/20 s  viewer engaged (1 face)  portrait frame 21/33, gaze yaw +8 deg  camera 30.0 fps  display 60.0 fps

Loop time is the loop's own clock (virtual time in lockstep runs).
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def gaze_text(labels: np.ndarray, index: int, rows: int) -> str:
    """'gaze yaw +8 deg' (1-D bank) or 'gaze yaw +8, pitch -4 deg' for ``labels`` (N, 2) degrees."""
    yaw, pitch = (float(v) for v in labels[index])
    return f"gaze yaw {yaw:+.0f} deg" if rows == 1 else f"gaze yaw {yaw:+.0f}, pitch {pitch:+.0f} deg"


class Progress:
    """Call :meth:`update` every display frame; it logs a status line every ``every_s`` seconds.

    Args:
        log: where lines go (stderr in the CLI).
        duration_s: the run's length in seconds (0 = until quit: the line shows elapsed time only).
        labels: (N, 2) float yaw, pitch of the bank's frames, degrees; ``rows``: the bank's grid rows.
    """

    def __init__(self, log: Callable[[str], None], duration_s: float, labels: np.ndarray, rows: int,
                 every_s: float = 5.0) -> None:
        self.log, self.duration_s, self.labels, self.rows, self.every_s = log, duration_s, labels, rows, every_s
        self._next = every_s
        self._last_t, self._last_cam, self._last_flips = 0.0, 0, 0
        self.lines = 0

    def update(self, t: float, state: str, faces: int, index: int, camera_frames: int, flips: int) -> None:
        """Log a line when ``t`` (s since start) passes the next multiple of ``every_s``."""
        if t + 1e-9 < self._next:
            return
        dt = max(1e-6, t - self._last_t)
        cam_fps, disp_fps = (camera_frames - self._last_cam) / dt, (flips - self._last_flips) / dt
        self._last_t, self._last_cam, self._last_flips = t, camera_frames, flips
        self._next = (int(t // self.every_s) + 1) * self.every_s
        total = f"/{self.duration_s:g}" if self.duration_s else ""
        who = f"viewer {state} ({faces} face{'' if faces == 1 else 's'})"
        self.log(f"{t:.0f}{total} s  {who}  portrait frame {index}/{len(self.labels)}, "
                 f"{gaze_text(self.labels, index, self.rows)}  camera {cam_fps:.1f} fps  display {disp_fps:.1f} fps")
        self.lines += 1
