"""The default engine: geometric eye and head animation from FaceMesh landmarks, no weights.

Each frame is rendered in two steps, at the crop's own resolution:

1. **Eyes** (:mod:`sfumato.rig.eyes`): each iris is moved inside its eye opening by an
   eyeball model (displacement = eyeball radius * sin(eye-in-head angle)), clipped to the
   soft eye-opening mask, with the white of the eye filled in where the iris left. Only small
   regions around the eyes are touched.
2. **Head** (:mod:`sfumato.rig.warp`): the 3-D landmarks are rotated by the head
   yaw/pitch about a pivot behind the face, projected orthographically, and the image is
   warped by a thin-plate spline through the moved landmarks, the crop border pinned.

With the head turn at zero step 2 is skipped, so only eye pixels change; pose (0, 0, 0, 0)
returns the crop almost unchanged (only the iris rims are re-composited).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from sfumato.engines.base import Engine, HeadCrop, Pose, SweepSpec
from sfumato.face.topology import EYES, N_MESH
from sfumato.rig.eyes import EyePatch, analyse_eye, iris_offset, render_eye
from sfumato.rig.warp import ThinPlateWarp
from sfumato.errors import SfumatoError



@dataclass(frozen=True)
class LandmarkParams:
    """Parameters of the landmark engine (all reported in the bank manifest).

    Attributes:
        iris_travel: fraction of its room (from the painted position to the corner / lid limit)
            the iris travels at the sweep's extreme angle; the eyeball radius follows from it.
        corner_margin: the iris centre stops this many iris radii short of a corner.
        open_fraction: ... and where the eye opening is still at least this fraction of its
            largest height (keeps the iris out of narrow almond corners).
        white_percentile: the white filling in where the iris leaves is the local mean of the
            visible painted white, its pixels darker (relative to their surroundings) than this
            percentile of them (cracks, lashes) left out; higher gives a lighter fill.
        eyelid_feather: eyelid mask feather (Gaussian sigma) as a fraction of the eye width.
        iris_edge: soft rim of the iris completed under the lids, as a fraction of its radius.
        head_turn: scale on the sweep's head yaw/pitch (0 disables the head warp).
        pivot_depth: head rotation centre behind the landmarks' mean depth, in face widths.
        tps_grid_step: spacing (crop pixels) of the grid the thin-plate spline is evaluated on.
        tps_max_grid: at most this many grid nodes per side (coarser grid for large crops).
        control_stride: use every n-th mesh landmark as a warp control point.
    """

    iris_travel: float = 1.0
    corner_margin: float = 0.6
    open_fraction: float = 0.5
    white_percentile: float = 50.0
    eyelid_feather: float = 0.03
    iris_edge: float = 0.2
    head_turn: float = 1.0
    pivot_depth: float = 0.6
    tps_grid_step: float = 16.0
    tps_max_grid: int = 72
    control_stride: int = 2


def rotate_head(landmarks: np.ndarray, yaw_deg: float, pitch_deg: float, pivot_depth: float) -> np.ndarray:
    """Project the landmarks after turning the head.

    The head turns about a pivot at the landmarks' mean (x, y), ``pivot_depth`` face widths
    behind their mean depth. Positive yaw turns the face toward image +x (the nose tip moves
    right), positive pitch turns it up (the nose tip moves toward image -y).

    Args:
        landmarks: (N, 3) float x, y, z pixels (smaller z nearer the viewer).

    Returns:
        (N, 2) float64 projected x, y pixels (orthographic).
    """
    lm = np.asarray(landmarks, np.float64)
    mesh = lm[: min(len(lm), N_MESH)]
    width = float(np.ptp(mesh[:, 0]))
    pivot = np.array([mesh[:, 0].mean(), mesh[:, 1].mean(), mesh[:, 2].mean() + pivot_depth * width])
    p = lm - pivot
    yw, pt = np.radians(yaw_deg), np.radians(pitch_deg)
    # yaw about the vertical axis: x' = x cos - z sin (z < 0 in front of the pivot moves +x)
    x = p[:, 0] * np.cos(yw) - p[:, 2] * np.sin(yw)
    z = p[:, 0] * np.sin(yw) + p[:, 2] * np.cos(yw)
    # pitch about the horizontal axis: y' = y cos + z sin (the front moves toward -y)
    y = p[:, 1] * np.cos(pt) + z * np.sin(pt)
    return np.stack([x, y], 1) + pivot[:2]


class LandmarkEngine(Engine):
    """Move the irises within the eye openings and turn the head slightly, from landmarks.

    Args:
        params: a :class:`LandmarkParams`; keyword overrides (field names) are applied on top.
    """

    name = "landmark"

    def __init__(self, params: LandmarkParams | None = None, **overrides: Any) -> None:
        base = params or LandmarkParams()
        known = {f.name for f in fields(LandmarkParams)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise SfumatoError(f"unknown landmark engine option(s): {', '.join(unknown)}; valid: {', '.join(sorted(known))}")
        self.p = LandmarkParams(**{**asdict(base), **overrides})
        self._crop: HeadCrop | None = None
        self._eyes: list[EyePatch] = []
        self._warp: ThinPlateWarp | None = None
        self._ctrl: np.ndarray | None = None
        self._poses: list[Pose] = []
        self._max_yaw = 26.0  # the sweep's largest eye-in-head angles, set by plan()
        self._max_pitch = 13.0

    def prepare(self, crop: HeadCrop) -> None:
        """Analyse both eyes and factorise the head warp for this crop.

        Args:
            crop: the head crop; ``crop.image`` (S, S, 3) uint8 RGB, ``crop.landmarks``
                (478, 3) in crop pixels.
        """
        lm = np.asarray(crop.landmarks, np.float64)
        if lm.shape != (478, 3):
            raise SfumatoError(f"the landmark engine needs 478 refined FaceMesh landmarks, got {lm.shape}")
        self._crop = crop
        p = self.p
        self._eyes = []
        for eye in EYES:
            patch = analyse_eye(
                crop.image, lm, eye, feather=p.eyelid_feather, iris_edge=p.iris_edge,
                corner_margin=p.corner_margin, open_fraction=p.open_fraction,
                white_percentile=p.white_percentile,
            )
            if patch is not None:
                self._eyes.append(patch)
        self._ctrl = np.arange(0, N_MESH, max(1, int(p.control_stride)))
        self._warp = ThinPlateWarp(lm[self._ctrl, :2], crop.size, grid_step=p.tps_grid_step, max_grid=p.tps_max_grid)

    def plan(self, spec: SweepSpec) -> list[Pose]:
        """The sweep's poses (row-major), remembered for :meth:`render`."""
        self._poses = spec.poses()
        t = self.p.head_turn
        self._max_yaw = max((abs(q.gaze_yaw - t * q.head_yaw) for q in self._poses), default=0.0) or 26.0
        self._max_pitch = max((abs(q.gaze_pitch - t * q.head_pitch) for q in self._poses), default=0.0) or 13.0
        return list(self._poses)

    def render_pose(self, pose: Pose) -> np.ndarray:
        """Render one pose: (S, S, 3) uint8 RGB, the crop's size."""
        if self._crop is None or self._warp is None:
            raise RuntimeError("LandmarkEngine.prepare() must be called before rendering")
        p = self.p
        head_yaw, head_pitch = p.head_turn * pose.head_yaw, p.head_turn * pose.head_pitch
        frame = self._crop.image.copy()
        eye_yaw, eye_pitch = pose.gaze_yaw - head_yaw, pose.gaze_pitch - head_pitch
        if eye_yaw or eye_pitch:
            for patch in self._eyes:
                uv = iris_offset(patch, eye_yaw, eye_pitch, p.iris_travel, self._max_yaw, self._max_pitch)
                roi = render_eye(patch, uv)
                rows, cols = patch.roi
                frame[rows, cols] = np.clip(np.rint(roi), 0, 255).astype(np.uint8)
        if head_yaw or head_pitch:
            lm = self._crop.landmarks[self._ctrl]
            moved = rotate_head(lm, head_yaw, head_pitch, p.pivot_depth)
            frame = self._warp.warp(frame, moved - np.asarray(lm, np.float64)[:, :2])
        return frame

    def render(self, index: int) -> np.ndarray:
        """Render planned frame ``index``: (S, S, 3) uint8 RGB, the same size as the crop."""
        if not self._poses:
            raise RuntimeError("LandmarkEngine.plan() must be called before render()")
        return self.render_pose(self._poses[index])

    def params(self) -> dict[str, Any]:
        """All parameters, JSON-serialisable."""
        return {k: (float(v) if isinstance(v, float) else v) for k, v in asdict(self.p).items()}
