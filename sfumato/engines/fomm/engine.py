"""The FOMM engine: the painting's head moved by a real person's driving clip.

The First Order Motion Model (vox-256, :mod:`sfumato.fomm`) animates a 256 px copy of the
head crop with the motion of a driving clip (:mod:`sfumato.engines.fomm.driving`), *relative* to a
reference driving frame chosen automatically (:mod:`sfumato.engines.fomm.reference`). The bank's frames
are the driving frames whose measured gaze yaw spans the clip's range, in order, labelled with
the driver's measured gaze relative to the reference.

Frames are rendered at the crop's **full resolution**: FOMM's 64x64 deformation grid and
occlusion map are upsampled to the crop and warp the full-resolution crop itself
(:func:`sfumato.fomm.fullres.full_resolution_warp`); the blurry 256 px prediction is used
only where the occlusion map says the painting is not visible. ``artifacts()`` gives
``fomm_comparison.png`` for the bank folder: the 256 px prediction upscaled beside the full-res warp.

The gaze and head angles come from the driving clip: a :class:`SweepSpec` asking for other
ranges than the defaults (``--gaze-range``, ``--head-yaw``, ...) is refused, not ignored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from sfumato.bank.format import encode_png
from sfumato.engines.fomm.driving import COLUMNS, DrivingClip, DrivingOptions, load_driving, select_frames
from sfumato.engines.base import Engine, HeadCrop, Pose, SweepSpec
from sfumato.errors import SfumatoError
from sfumato.face.topology import IRIS_CENTRES, N_MESH
from sfumato.fomm.backends import OnnxBackend, TorchBackend, check_checkpoint, make_backend, onnx_cache_dir, require_torch
from sfumato.fomm.modes import DEFAULT_CHECKPOINT, MODES
from sfumato.imaging.resize import resize_to
from sfumato.imaging.painting import sha256_file
from sfumato.engines.fomm.reference import choose_reference

COMPARISON = "fomm_comparison.png"


@dataclass(frozen=True)
class FommOptions:
    """How the FOMM engine animates (all reported in the manifest).

    Attributes:
        mode: one of :data:`sfumato.fomm.modes.MODES`: 'exact' runs the PyTorch model; 'fast'
            runs the same fp32 graphs on ONNX Runtime, 'int8' with the int8 generator (graphs
            exported once per checkpoint into ``onnx_dir``).
        relative: move the painting by the driver's motion relative to the reference frame
            (FOMM's demo default); False uses the driver's absolute keypoints.
        adapt_scale: scale that motion by the ratio of the faces' keypoint hull sizes.
        border: how the full-res warp samples outside the crop ('replicate', 'reflect', 'constant').
        comparison_frames: how many frames ``fomm_comparison.png`` shows.
        max_driving_frames: read at most this many frames of the clip.
    """

    mode: str = "exact"
    relative: bool = True
    adapt_scale: bool = True
    border: str = "replicate"
    comparison_frames: int = 4
    max_driving_frames: int = 600


class FommEngine(Engine):
    """Animate the head crop with FOMM driven by a real driving clip; full-resolution output.

    Args:
        checkpoint: the official vox-256 checkpoint (``checkpoints/vox-cpk.pth.tar``).
        config: FOMM ``model_params`` YAML (None: the bundled vox-256 config).
        driving: the driving clip (a video of a person looking from side to side).
        mode, relative, adapt_scale, ...: see :class:`FommOptions`.
        onnx_dir: where 'fast' mode keeps its ONNX graphs (default
            ``~/.cache/sfumato/fomm-onnx/<checkpoint sha256[:16]>``).
        progress: show tqdm bars while measuring the driving clip.
    """

    name = "fomm"

    def __init__(self, checkpoint: str | Path = DEFAULT_CHECKPOINT, config: str | Path | None = None,
                 driving: str | Path | None = None, mode: str = "exact", relative: bool = True,
                 adapt_scale: bool = True, onnx_dir: str | Path | None = None, progress: bool = True,
                 **options: Any) -> None:
        if mode not in MODES:
            raise SfumatoError(f"unknown FOMM mode {mode!r}; choose one of {', '.join(MODES)}")
        if driving is None:
            raise SfumatoError("--engine fomm needs --driving clip.mp4; record one with `python -m precompute record --out clip.mp4`.")
        try:
            self.opt = FommOptions(mode=mode, relative=relative, adapt_scale=adapt_scale, **options)
        except TypeError as exc:
            raise SfumatoError(f"unknown FOMM engine option: {exc}") from exc
        self.checkpoint, self.driving = Path(checkpoint), Path(driving)
        self.config = Path(config) if config is not None else None
        self.progress = progress
        check_checkpoint(self.checkpoint)
        if not self.driving.is_file():
            raise SfumatoError(f"driving clip not found: {self.driving}; record one with "
                               f"`python -m precompute record --out {self.driving}`.")
        require_torch("the FOMM engine")
        self.checkpoint_sha256 = sha256_file(self.checkpoint)
        cache = None
        if self.opt.mode != "exact":
            cache = Path(onnx_dir) if onnx_dir else onnx_cache_dir(self.checkpoint_sha256, self.config)
        self.backend: TorchBackend | OnnxBackend = make_backend(self.checkpoint, self.config, self.opt.mode, cache)
        self._crop: HeadCrop | None = None
        self._clip: DrivingClip | None = None
        self._selected: list[int] = []
        self._reference = -1
        self._poses: list[Pose] = []
        self._show: list[int] = []
        self._panels: dict[int, list[np.ndarray]] = {}
        self._visible: dict[int, float] = {}
        self.source_measure: np.ndarray | None = None

    # ---- Engine -------------------------------------------------------------------------
    def prepare(self, crop: HeadCrop) -> None:
        """Resize the crop ((S, S, 3) uint8) to 256 px and cache FOMM's source keypoints and features."""
        from sfumato.engines.fomm.driving import measure_landmarks

        self._crop = crop
        self.backend.prepare(resize_to(crop.image, 256, 256).astype(np.float32) / 255.0)
        try:
            self.source_measure = measure_landmarks(crop.landmarks)
        except ValueError:
            self.source_measure = None

    def _crop_margin(self) -> float:
        """The head crop's margin per side (fraction of the face size), from its landmarks."""
        lm = self._crop.landmarks[:N_MESH, :2]
        extent = float(max(np.ptp(lm[:, 0]), np.ptp(lm[:, 1])))
        return max(0.1, (self._crop.size / max(extent, 1.0) - 1.0) / 2.0)

    def plan(self, spec: SweepSpec) -> list[Pose]:
        """Measure the driving clip, select ``rows * cols`` frames spanning its gaze, pick the reference.

        Labels are the driver's measured gaze and head angles relative to the reference frame
        (the reference is the painting as painted, so label 0 is the painting's own gaze).
        """
        if self._crop is None:
            raise RuntimeError("FommEngine.prepare() must be called before plan()")
        check_angles(spec)
        opts = DrivingOptions(margin=self._crop_margin(), max_frames=self.opt.max_driving_frames)
        clip = load_driving(self.driving, opts, progress=self.progress)
        yaw, pitch = clip.column("gaze_yaw"), clip.column("gaze_pitch")
        self._selected = select_frames(yaw, spec.cols, pitch if spec.rows > 1 else None, spec.rows,
                                       clip_name=str(self.driving))
        self._reference = choose_reference(self._crop.landmarks, clip.landmarks)
        self.backend.set_reference(clip.frames[self._reference].astype(np.float32) / 255.0)
        d = clip.measures[self._selected] - clip.measures[self._reference]
        col = {name: d[:, i] for i, name in enumerate(COLUMNS)}
        self._poses = [Pose(float(col["gaze_yaw"][k]), float(col["gaze_pitch"][k]), float(col["head_yaw"][k]),
                            float(col["head_pitch"][k])) for k in range(len(self._selected))]
        n = len(self._poses)
        self._show = sorted({int(round(v)) for v in np.linspace(0, n - 1, min(n, self.opt.comparison_frames))})
        self._panels, self._visible = {}, {}
        self._clip = clip
        return list(self._poses)

    def render(self, index: int) -> np.ndarray:
        """Animate planned frame ``index``: (S, S, 3) uint8 RGB at the crop's full resolution."""
        from sfumato.fomm.fullres import full_resolution_warp

        if self._clip is None or self._crop is None:
            raise RuntimeError("FommEngine.plan() must be called before render()")
        frame = self._clip.frames[self._selected[index]].astype(np.float32) / 255.0
        pred, deformation, occlusion = self.backend.drive(frame, self.opt.relative, self.opt.adapt_scale)
        out = full_resolution_warp(self._crop.image, deformation, occlusion, pred, border=self.opt.border)
        self._visible[index] = float(np.mean(occlusion))
        if index in self._show:
            pred_up = cv2.resize(np.clip(pred * 255.0 + 0.5, 0, 255).astype(np.uint8), out.shape[1::-1],
                                 interpolation=cv2.INTER_CUBIC)
            warp_only = full_resolution_warp(self._crop.image, deformation, np.ones_like(occlusion), pred,
                                             border=self.opt.border)
            self._panels[index] = comparison_panels((pred_up, out, warp_only), self._crop.landmarks)
        return out

    def params(self) -> dict[str, Any]:
        """Checkpoint, config, driving clip, selection, reference and measurements (JSON-ready)."""
        clip = self._clip
        out: dict[str, Any] = {
            "checkpoint": self.checkpoint.name, "checkpoint_sha256": self.checkpoint_sha256,
            "config": str(self.config) if self.config else "vox-256 (bundled)",
            "config_sha256": sha256_file(self.config) if self.config else None,
            **asdict(self.opt),
            "driving": self.driving.name, "driving_sha256": clip.sha256 if clip else sha256_file(self.driving),
        }
        if clip is None:
            return out
        r = lambda v: None if not np.isfinite(v) else round(float(v), 3)  # noqa: E731
        measured = [{c: r(clip.measures[i, j]) for j, c in enumerate(COLUMNS)} for i in self._selected]
        out.update({
            "driving_fps": clip.fps, "driving_frames": int(len(clip.frames)), "driving_box": list(clip.box),
            "driving_margin": round(clip.options.margin, 4),
            "selected_frames": [int(clip.frame_indices[i]) for i in self._selected],
            "reference_frame": int(clip.frame_indices[self._reference]),
            "reference_measured": {c: r(v) for c, v in zip(COLUMNS, clip.measures[self._reference])},
            "measured": measured,
            "label_rule": "label = measured(selected frame) - measured(reference frame), degrees",
            "painting_measured": None if self.source_measure is None
            else {c: round(float(v), 3) for c, v in zip(COLUMNS, self.source_measure)},
            "comparison": COMPARISON,
            "visible_fraction": [None if i not in self._visible else round(self._visible[i], 4)
                                 for i in range(len(self._selected))],
        })
        return out

    def artifacts(self) -> dict[str, bytes]:
        """``{"fomm_comparison.png": PNG bytes}`` once frames were rendered, else {}."""
        if not self._panels:
            return {}
        rows = [_labelled_row(self._panels[i], i, self._poses[i].gaze_yaw) for i in sorted(self._panels)]
        return {COMPARISON: encode_png(np.concatenate(rows, axis=0))}


ANGLE_OPTIONS = {"gaze_range": "--gaze-range", "pitch_range": "--pitch-range", "head_yaw": "--head-yaw",
                 "head_pitch": "--head-pitch"}


def check_angles(spec: SweepSpec) -> None:
    """Refuse sweep angles the FOMM engine cannot honour (its angles are the driving clip's)."""
    default = SweepSpec()
    changed = [flag for key, flag in ANGLE_OPTIONS.items() if getattr(spec, key) != getattr(default, key)]
    if changed:
        raise SfumatoError(f"{'/'.join(changed)}: the FOMM engine takes its gaze and head angles from the driving "
                           "clip; drop the option, or record a clip that looks further (precompute record).")


PANEL = 360


def comparison_panels(images: tuple[np.ndarray, ...], landmarks: np.ndarray) -> list[np.ndarray]:
    """Face and eye-detail views of several (S, S, 3) uint8 renderings of one frame.

    Args:
        images: e.g. (256 px prediction upscaled, full-res output, full-res warp alone).
        landmarks: (478, 3) crop landmarks (to find the face and the eyes).

    Returns:
        One (PANEL, 2 * PANEL, 3) uint8 image per input: [face | eyes]; the eye detail is shown
        at 1:1 crop pixels or larger (nearest neighbour), so resolution differences show.
    """
    s = images[0].shape[0]
    lm = np.asarray(landmarks, np.float64)
    x0, y0 = lm[:N_MESH, :2].min(0)
    x1, y1 = lm[:N_MESH, :2].max(0)
    face = _square(int((x0 + x1) / 2), int((y0 + y1) / 2), int(max(x1 - x0, y1 - y0) * 1.15), s)
    right, left = lm[IRIS_CENTRES[0], :2], lm[IRIS_CENTRES[1], :2]
    eyes = (right + left) / 2
    eye_side = max(32, min(PANEL, int(np.linalg.norm(right - left) * 1.6)))
    detail = _square(int(eyes[0]), int(eyes[1]), eye_side, s)
    return [np.concatenate([resize_to(img[face], PANEL, PANEL),
                            cv2.resize(img[detail], (PANEL, PANEL), interpolation=cv2.INTER_NEAREST)], axis=1)
            for img in images]


def _square(cx: int, cy: int, side: int, size: int) -> tuple[slice, slice]:
    side = max(8, min(side, size))
    x = int(np.clip(cx - side // 2, 0, size - side))
    y = int(np.clip(cy - side // 2, 0, size - side))
    return slice(y, y + side), slice(x, x + side)


TITLES = ("FOMM 256 px output, upscaled", "full-res warp + occlusion fill (the frame)", "full-res warp alone")


def _labelled_row(panels: list[np.ndarray], index: int, yaw: float) -> np.ndarray:
    gap = np.full((PANEL, 8, 3), 24, np.uint8)
    parts = [panels[0]]
    for p in panels[1:]:
        parts += [gap, p]
    row = np.concatenate(parts, axis=1)
    bar = np.full((26, row.shape[1], 3), 24, np.uint8)
    for k, title in enumerate(TITLES[: len(panels)]):
        text = f"{title}  [face | eyes]" if k else f"frame {index} ({yaw:+.0f} deg): {title}"
        cv2.putText(bar, text, (6 + k * (2 * PANEL + 8), 18), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (235, 235, 235), 1,
                    cv2.LINE_AA)
    return np.concatenate([bar, row], axis=0)
