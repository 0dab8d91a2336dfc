"""Eye midpoint -> viewer direction (degrees) -> fractional frame position in the bank.

Two mappings from a face in the camera image to the direction the portrait must look:

* ``linear`` (the anchor's): the eye midpoint's x across the camera width, mirrored, spans
  the bank's yaw range; y across the height spans its pitch range (top = up).
* ``angular``: a pinhole camera with horizontal field of view ``hfov_deg``; the viewer's
  distance is estimated from the eye distance in pixels (``eye_distance_m`` apart), their
  position is moved from camera to painting coordinates (``camera_offset_m``), and the
  direction from the painting centre to the viewer gives yaw and pitch (times ``gain``).

Conventions follow the bank: positive yaw = eyes toward image +x (the viewer's right as they
face the screen), positive pitch = up. ``mirror`` is True for an ordinary webcam facing the
viewer (someone on the screen's right appears on the image's left).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from live.config import MappingConfig
from live.tracker import Face


@dataclass(frozen=True)
class LabelGrid:
    """The bank's labels as a grid: per-column yaw and per-row pitch (degrees).

    Attributes:
        rows, cols: grid shape; frame index = row * cols + col.
        yaws: (cols,) mean yaw of each column.
        pitches: (rows,) mean pitch of each row (top row first, looks up).
        center: (row, col) of the bank's centre frame.
    """

    rows: int
    cols: int
    yaws: np.ndarray
    pitches: np.ndarray
    center: tuple[int, int]

    @classmethod
    def from_bank(cls, labels: np.ndarray, grid: tuple[int, int], center_index: int) -> "LabelGrid":
        """The grid of a bank's frame labels.

        Args:
            labels: (rows * cols, 2) gaze (yaw, pitch) degrees per frame, row-major.
            grid: (rows, cols).
            center_index: the frame that looks straight out.
        """
        rows, cols = int(grid[0]), int(grid[1])
        lab = np.asarray(labels, np.float64).reshape(rows, cols, 2)
        return cls(rows, cols, lab[:, :, 0].mean(axis=0), lab[:, :, 1].mean(axis=1),
                   divmod(int(center_index), cols))

    @property
    def yaw_range(self) -> tuple[float, float]:
        return float(self.yaws.min()), float(self.yaws.max())

    @property
    def pitch_range(self) -> tuple[float, float]:
        return float(self.pitches.min()), float(self.pitches.max())

    @property
    def center_direction(self) -> tuple[float, float]:
        r, c = self.center
        return float(self.yaws[c]), float(self.pitches[r])

    def position(self, yaw: float, pitch: float) -> tuple[float, float]:
        """Fractional (row, col) for a direction; clamped to the grid. Integers = exact frames."""
        return _interp(pitch, self.pitches), _interp(yaw, self.yaws)

    def index(self, row: int, col: int) -> int:
        return int(row) * self.cols + int(col)

    def nearest_index(self, yaw: float, pitch: float) -> int:
        """The frame nearest a direction (what the naive loop shows)."""
        r, c = self.position(yaw, pitch)
        return self.index(int(round(r)), int(round(c)))


def _interp(value: float, axis: np.ndarray) -> float:
    """Fractional position of ``value`` along monotonic ``axis`` (either direction), clamped."""
    n = len(axis)
    if n == 1:
        return 0.0
    idx = np.arange(n, dtype=np.float64)
    if axis[-1] < axis[0]:
        return float(np.interp(value, axis[::-1], idx[::-1]))
    return float(np.interp(value, axis, idx))


class GazeMapper:
    """Turn a face into the viewer direction (yaw, pitch) in degrees, per :class:`MappingConfig`."""

    def __init__(self, cfg: MappingConfig, grid: LabelGrid) -> None:
        if cfg.mode not in ("linear", "angular"):
            from sfumato.errors import SfumatoError
            raise SfumatoError(f"mapping.mode is {cfg.mode!r}; use 'linear' or 'angular'")
        self.cfg, self.grid = cfg, grid
        self.mirror = cfg.mirror

    def viewer_position(self, face: Face, frame_size: tuple[int, int]) -> tuple[float, float, float]:
        """Angular model: the viewer's eye midpoint (x, y, z) in metres, painting coordinates."""
        w, h = frame_size
        f = (w / 2.0) / math.tan(math.radians(self.cfg.hfov_deg) / 2.0)
        u, v = face.eye_mid
        z = f * self.cfg.eye_distance_m / face.eye_distance
        xc = (u - w / 2.0) * z / f            # camera right
        yc = (v - h / 2.0) * z / f            # camera down
        ox, oy = self.cfg.camera_offset_m
        x = ox - xc if self.mirror else ox + xc
        return x, oy - yc, z

    def direction(self, face: Face, frame_size: tuple[int, int]) -> tuple[float, float]:
        """(yaw, pitch) degrees the portrait should look to meet this viewer."""
        if self.cfg.mode == "linear":
            w, h = frame_size
            u, v = face.eye_mid
            a = u / w
            if self.mirror:
                a = 1.0 - a
            y0, y1 = self.grid.yaw_range
            p0, p1 = self.grid.pitch_range
            return y0 + a * (y1 - y0), p1 - (v / h) * (p1 - p0)
        x, y, z = self.viewer_position(face, frame_size)
        g = self.cfg.gain
        return g * math.degrees(math.atan2(x, z)), g * math.degrees(math.atan2(y, z))
