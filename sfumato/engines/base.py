"""The engine interface: what every animation engine (landmark, FOMM) implements.

An engine animates one head crop. It is prepared once with the crop and the face found in
it, plans the poses of the bank (one label per frame), then renders each planned frame.
The builder blends the rendered crop back into the painting; engines never see the rest
of the painting.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from sfumato.pose import Pose


@dataclass(frozen=True)
class SweepSpec:
    """What bank to build: a grid of ``rows`` x ``cols`` frames.

    ``cols`` frames sweep gaze yaw over [-gaze_range, +gaze_range]; with ``rows`` > 1 the rows
    sweep gaze pitch over [+pitch_range, -pitch_range] (top row looks up). Head yaw/pitch
    follow the gaze linearly, reaching ``head_yaw`` / ``head_pitch`` at the ends of the range.
    """

    cols: int = 33
    rows: int = 1
    gaze_range: float = 30.0
    pitch_range: float = 15.0
    head_yaw: float = 4.0
    head_pitch: float = 2.0

    def poses(self) -> list[Pose]:
        """Row-major poses of the grid, ``rows * cols`` long."""
        yaws = np.linspace(-self.gaze_range, self.gaze_range, self.cols) if self.cols > 1 else np.zeros(1)
        pitches = np.linspace(self.pitch_range, -self.pitch_range, self.rows) if self.rows > 1 else np.zeros(1)
        out = []
        for p in pitches:
            for y in yaws:
                hy = self.head_yaw * (y / self.gaze_range) if self.gaze_range else 0.0
                hp = self.head_pitch * (p / self.pitch_range) if self.pitch_range else 0.0
                out.append(Pose(float(y), float(p), float(hy), float(hp)))
        return out


@dataclass
class HeadCrop:
    """The head crop an engine animates.

    Attributes:
        image: (S, S, 3) uint8 RGB, the square crop (edge-padded where the box left the painting).
        landmarks: (478, 3) float32 FaceMesh landmarks in crop pixels: x, y in pixels of
            ``image``, z in the same pixel scale (MediaPipe's relative depth times the width
            the mesh was measured on), smaller z is nearer the viewer.
        face_box: (x, y, w, h) float BlazeFace box in crop pixels.
    """

    image: np.ndarray
    landmarks: np.ndarray
    face_box: tuple[float, float, float, float]

    @property
    def size(self) -> int:
        return int(self.image.shape[0])


class Engine(ABC):
    """Animate a :class:`HeadCrop` into the frames of a bank.

    The contract every engine follows:

    - ``prepare(crop)`` once, then ``plan(spec)`` (the labelled poses), then ``render(i)``
      for each planned pose; ``params()`` for the manifest.
    - ``can_blink``: engines that can close the eyes set it to True and honour
      ``render(index, blink)`` (and ``render_pose(pose, blink)``), blink in [0, 1] (0 open,
      1 closed); the others ignore ``blink``. One that can draw the closing lid alone also
      has ``render_lid(index, blink)`` and ``eyes_at(index)`` (:class:`sfumato.engines.rig.RigEngine`):
      the bank then stores lid layers that live lays over any frame's own open eyes.
    - ``artifacts()``: extra files the engine wants stored in the bank folder ({file name:
      bytes}); the bank writer writes them and lists their sha256 in the manifest.
    """

    name: str = "engine"
    can_blink: bool = False

    @abstractmethod
    def prepare(self, crop: HeadCrop) -> None:
        """Analyse the crop once (anything that depends only on the painting goes here)."""

    @abstractmethod
    def plan(self, spec: SweepSpec) -> list[Pose]:
        """The labelled poses of the bank's frames, row-major; ``render(i)`` renders pose ``i``."""

    @abstractmethod
    def render(self, index: int, blink: float = 0.0) -> np.ndarray:
        """Render planned frame ``index``: (S, S, 3) uint8 RGB, the same size as the crop.

        ``blink`` in [0, 1] (0 open, 1 closed) is honoured only where :attr:`can_blink`.
        """

    @abstractmethod
    def params(self) -> dict[str, Any]:
        """All parameters that define the output, JSON-serialisable, for the manifest."""

    def artifacts(self) -> dict[str, bytes]:
        """Extra files for the bank folder, {file name: contents}; call after the last render."""
        return {}
