"""The default engine: every frame rendered from the painting's rig (no model weights).

``prepare`` rigs the head crop once (:func:`sfumato.rig.rig.extract_rig`: lids, iris, catchlight,
eye white per eye) and derives the eye layers (:mod:`sfumato.rig.eye`). A frame is then:

1. **Eyes**: each iris moved on its eyeball by the eye-in-head angle, foreshortened, shaded and
   clipped by the lids (which follow vertical gaze and close for a blink) over the rebuilt white.
2. **Head** (:mod:`sfumato.rig.warp`): the landmarks rotated by the head yaw/pitch and the crop
   warped through them.

Eye-in-head rotation stays within a natural range (the iris keeps at least ``min_visible`` of
its visible share, :mod:`sfumato.rig.iris_share`, and travels at most ``eye_range`` eye
half-widths; an eye with more room than the other turns up to ``eye_lead`` times as far); the
head turn carries the rest of the sweep, up to ``max_head_yaw`` (``plan_drawn``: what they do not
reach ends the sweep). A portrait whose eyes are closed or hidden gets the head turn only, with
one line on stderr saying why.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from sfumato.engines.base import Engine, HeadCrop, Pose, SweepSpec
from sfumato.errors import SfumatoError
from sfumato.ramp import soft_limit
from sfumato.rig.eye import EyeLayers, eye_layers, render_eye, render_lid
from sfumato.face.topology import CHIN, EYES, N_MESH
from sfumato.rig.head import head_window, roll_points, rotate_head
from sfumato.rig.iris_share import yaw_limit
from sfumato.rig.model import RIG_FILE, Rig
from sfumato.rig.rig import extract_rig
from sfumato.rig.warp import ThinPlateWarp

KERNELS = {"cubic": cv2.INTER_CUBIC, "linear": cv2.INTER_LINEAR}
"""Back-projection kernels of the head warp (:attr:`RigParams.detail_kernel`)."""

EYE_CACHE = 48
"""Eye renders kept per engine when :attr:`RigParams.eye_step` > 0."""

MAX_EYE_YAW = 35.0
"""Eye-in-head yaw never planned past this (degrees), whatever room the opening leaves."""


@dataclass(frozen=True)
class RigParams:
    """Parameters of the rig engine (all reported in the bank manifest).

    Attributes:
        eye_range: the iris travels at most this many eye half-widths from its painted place.
        min_visible: ... and keeps at least this fraction of its visible area (``plan_drawn``).
        eye_lead: the common eye-in-head range is the one both eyes allow; an eye whose own
            opening leaves it more room turns up to this many times as far (1: both turn alike),
            so the eye with room carries part of what the other cannot.
        pitch_travel: vertical iris travel at the largest eye pitch, in iris radii.
        head_turn: scale on the head yaw/pitch (0: the eyes alone, within their range).
        max_head_yaw: the head turns at most this much (degrees); where the eyes and this
            together cannot reach a gaze label, the frame looks as far as they can.
        pivot_depth: head rotation centre behind the landmarks' mean depth, in face widths.
        tps_grid_step: spacing (crop pixels) of the grid the thin-plate spline is evaluated on.
        tps_max_grid: at most this many grid nodes per side (coarser grid for large crops).
        control_stride: use every n-th mesh landmark as a warp control point.
        head_window: 0: the head turn moves the whole crop (border pinned); > 0: the motion
            fades out between 1.15 and this many face-outline radii, so only the head is
            resampled and the rest of the crop is copied (small speech nods and tilts).
        detail_kernel: "linear" or "cubic": the kernel of the head warp's back-projection
            passes (the main pass is always bicubic). Bilinear costs less (OpenCV vectorises
            it) and restores more of the painting's detail: on the Mona Lisa's 33-frame sweep
            the variance of the Laplacian over the inner head keeps 0.94-0.98 of the
            painting's (bicubic: 0.90-0.94); the 3 x 3 range clamp still bars ringing.
        eye_step: 0: every iris shift is drawn as asked. > 0: shifts are rounded to this many
            pixels and the last :data:`EYE_CACHE` eye renders are kept, so a gaze that barely
            moves (speech: the eyes hold the viewer while the head nods) re-uses them; 0.1 px
            moves an iris by at most 0.05 px from where it would be.
        plan_drawn: the visible area is the iris' as the render draws it (:func:`sfumato.rig.iris_share.drawn_share`:
            foreshortened, under the corners and the lids), and each side of the sweep ends where
            the eyes and ``max_head_yaw`` reach, its labels scaled (each the gaze drawn). False
            (the default; session 16's plan): the disc's points between the lid lines
            (:func:`~sfumato.rig.iris_share.lid_share`), labels as asked, and where the head's cap
            binds the eye goes on past its range (soft-limited; the Mona Lisa's iris at +30 keeps
            0.46 of its drawn area). Not the default: FaceMesh's gaze range falls with it (Mona
            Lisa 0.51 -> 0.41, portrait_11 0.54 -> 0.43; docs/rig_history.md, session 17).
    """

    eye_range: float = 0.5
    min_visible: float = 0.65
    eye_lead: float = 1.5
    pitch_travel: float = 0.45
    head_turn: float = 1.0
    max_head_yaw: float = 8.0
    pivot_depth: float = 0.6
    tps_grid_step: float = 16.0
    tps_max_grid: int = 72
    control_stride: int = 2
    head_window: float = 0.0
    detail_kernel: str = "linear"
    eye_step: float = 0.0
    plan_drawn: bool = False


class RigEngine(Engine):
    """Render gaze, head turn and blink from the painting's rig.

    Args:
        params: a :class:`RigParams`; keyword overrides (field names) are applied on top.
    """

    name = "rig"
    can_blink = True
    thread_safe = True  # render_pose only reads state fixed at set-up (and swaps one cached frame)

    def __init__(self, params: RigParams | None = None, **overrides: Any) -> None:
        base = params or RigParams()
        known = {f.name for f in fields(RigParams)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise SfumatoError(f"unknown rig engine option(s): {', '.join(unknown)}; valid: {', '.join(sorted(known))}")
        self.p = RigParams(**{**asdict(base), **overrides})
        if self.p.detail_kernel not in KERNELS:
            raise SfumatoError(f"rig engine detail_kernel {self.p.detail_kernel!r}: use one of {', '.join(KERNELS)}")
        self.rig: Rig | None = None
        self._crop: np.ndarray | None = None
        self._eyes: list[EyeLayers] = []
        self._warp: ThinPlateWarp | None = None
        self._ctrl = np.arange(0, N_MESH, max(1, int(self.p.control_stride)))
        self._poses: list[Pose] = []
        self._open: tuple[tuple[Pose, float], np.ndarray] | None = None  # the last open-eyed frame with a head turn
        self._eye_cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()  # (eye, steps, blink) -> pixels, changed
        self._eye_lock = threading.Lock()
        self.yaw_limits = (0.0, 0.0)  # eye-in-head yaw range (toward -x, toward +x), degrees
        self.eye_gain: list[tuple[float, float]] = []  # per eye: its turn / the common one (toward -x, +x)
        self.pitch_limit = 0.0

    @property
    def eyes(self) -> tuple[EyeLayers, ...]:
        """Each rigged eye's layers (:class:`sfumato.rig.eye.EyeLayers`, ROI pixels), in the
        rig's order; empty before :meth:`prepare` / :meth:`load`. Read-only: a tuple, for the
        measures and tests that read the rig's own layers (``bench_rig``'s specks)."""
        return tuple(self._eyes)

    # -- set-up -------------------------------------------------------------------------
    def prepare(self, crop: HeadCrop) -> None:
        """Rig the crop (``crop.image`` (S, S, 3) uint8 RGB, ``crop.landmarks`` (478, 3))."""
        lm = np.asarray(crop.landmarks, np.float64)
        if lm.shape != (478, 3):
            raise SfumatoError(f"the rig engine needs 478 refined FaceMesh landmarks, got {lm.shape}")
        rig = extract_rig(crop.image, lm)
        if rig.eyes_off:
            print(f"rig: eyes not animated, head turn only: {rig.eyes_off}", file=sys.stderr)
        self.load(crop.image, rig)

    def load(self, image: np.ndarray, rig: Rig) -> None:
        """Set up from a crop ((S, S, 3) uint8 RGB) and a rig measured on it (no FaceMesh)."""
        if image.shape[0] != rig.size:
            raise SfumatoError(f"the rig was measured on a {rig.size} px crop, this crop is {image.shape[0]} px")
        self.rig, self._crop, self._open = rig, image, None
        self._eye_cache.clear()
        self._eyes = [eye_layers(image, e) for e in rig.eyes]
        self._warp = ThinPlateWarp(rig.landmarks[self._ctrl, :2], rig.size, grid_step=self.p.tps_grid_step, max_grid=self.p.tps_max_grid)
        if self.p.head_window > 0:
            self._warp.window = head_window(rig.landmarks, self._warp.node_xy(), self.p.head_window)
        own = [(self._eye_yaw_limit(e, -1), self._eye_yaw_limit(e, +1)) for e in self._eyes]
        self.yaw_limits = tuple(float(min(o[s] for o in own)) for s in (0, 1)) if own else (0.0, 0.0)
        lead = max(1.0, self.p.eye_lead)
        self.eye_gain = [tuple(float(min(o[s], lead * self.yaw_limits[s]) / max(self.yaw_limits[s], 1e-6)) for s in (0, 1)) for o in own]
        self.pitch_limit = float(np.degrees(np.arcsin(min(0.9, self.p.pitch_travel / 2.0)))) if self._eyes else 0.0

    @classmethod
    def from_bank(cls, folder: str | Path) -> RigEngine:
        """Rebuild a bank's engine from its files (painting, manifest, ``rig.json``), no FaceMesh."""
        from sfumato.bank.format import load_bank
        from sfumato.imaging.resize import pad_square_crop

        bank = load_bank(folder, verify=False)
        path = Path(folder) / RIG_FILE
        if not path.is_file():
            raise SfumatoError(f"{path}: no rig in this bank; rebuild it with `python -m precompute PAINTING --engine rig --force`.")
        rig = Rig.from_json(path.read_bytes())
        params = {k: v for k, v in bank.manifest["engine"].get("params", {}).items() if k in RigParams.__dataclass_fields__}
        params.setdefault("eye_lead", 1.0)  # banks built before the eyes could lead turned them alike
        eng = cls(**params)
        x, y, side = bank.manifest["square_box"]
        eng.load(pad_square_crop(bank.painting, x, y, side), rig)
        sweep = bank.manifest.get("sweep")
        if sweep:
            eng.plan(SweepSpec(**sweep))
        return eng

    def _eye_yaw_limit(self, e: EyeLayers, sign: int) -> float:
        """Largest eye-in-head yaw (degrees) toward ``sign`` that keeps this eye's iris in range
        (:func:`sfumato.rig.iris_share.yaw_limit`)."""
        return yaw_limit(e, sign, self.p.eye_range, self.p.min_visible, MAX_EYE_YAW, drawn=self.p.plan_drawn)

    # -- the sweep ----------------------------------------------------------------------
    def plan(self, spec: SweepSpec) -> list[Pose]:
        """The sweep's poses (row-major), the head turning what the eyes cannot (its yaw grows
        past the spec's where the eye-in-head range ends, up to ``max_head_yaw``). With
        ``plan_drawn``, where the eyes' range and that cap fall short of the spec's gaze range,
        that side of the sweep ends where they reach, its labels scaled evenly (each the gaze
        drawn); without, the labels are the spec's."""
        cap = max(self.p.max_head_yaw, abs(spec.head_yaw))
        cut = self.p.plan_drawn and self._eyes
        reach = [min(spec.gaze_range, lim + cap) if cut else spec.gaze_range for lim in self.yaw_limits]
        out = []
        for q in spec.poses():
            side = 1 if q.gaze_yaw >= 0 else 0
            k = reach[side] / spec.gaze_range if spec.gaze_range > 0 else 1.0
            gaze_yaw, spec_head = k * q.gaze_yaw, k * q.head_yaw
            yaw_eye, pitch_eye = gaze_yaw - spec_head, q.gaze_pitch - q.head_pitch
            if self._eyes:  # the eyes reach their range's end at the sweep's end, evenly
                lim = self.yaw_limits[side]
                yaw_eye = float(np.sign(yaw_eye) * min(abs(yaw_eye), lim * abs(gaze_yaw) / max(reach[side], 1e-6)))
                plim = self.pitch_limit * abs(q.gaze_pitch) / max(spec.pitch_range, 1e-6)
                pitch_eye = float(np.sign(pitch_eye) * min(abs(pitch_eye), plim))
            else:
                yaw_eye = pitch_eye = 0.0
            head_cap = max(self.p.max_head_yaw, abs(spec_head))
            head_yaw = float(np.clip(gaze_yaw - yaw_eye, -head_cap, head_cap))
            out.append(Pose(float(gaze_yaw), q.gaze_pitch, head_yaw, q.gaze_pitch - pitch_eye))
        self._poses = out
        return list(out)

    # -- rendering ----------------------------------------------------------------------
    def _shift(self, e: EyeLayers, yaw: float, pitch: float) -> np.ndarray:
        """(du, dv) iris displacement, pixels, for an eye-in-head rotation (degrees): ``yaw``
        is the common turn, which this eye scales by its :attr:`eye_gain`."""
        r0 = np.arcsin(np.clip(e.rest / e.eyeball, -0.95, 0.95))
        # within the range the angle is kept; past it (the head turn is capped; with plan_drawn
        # a planned sweep never asks it) it is softly limited at 1.3 times the range, strictly increasing
        side = 1 if yaw >= 0 else 0
        gain = next((g[side] for x, g in zip(self._eyes, self.eye_gain) if x is e), 1.0)
        lim = self.yaw_limits[side]
        lim_u = np.radians(gain * soft_limit(yaw, 1.3 * lim, knee=1 / 1.3))
        lim_v = np.radians(soft_limit(pitch, 1.3 * self.pitch_limit, knee=1 / 1.3))
        return e.eyeball * (np.sin(r0 + np.array([lim_u, lim_v])) - np.sin(r0))

    def iris_shifts(self, pose: Pose) -> list[np.ndarray]:
        """Each rigged eye's (2,) float64 (du, dv) iris displacement, eye-frame pixels
        (:attr:`EyeLayers.frame`, from :attr:`EyeLayers.rest`), as :meth:`render_pose` draws
        ``pose``: where the rig puts the iris, for the measures that check what FaceMesh reads."""
        t = self.p.head_turn
        return [self._shift(e, pose.gaze_yaw - t * pose.head_yaw, pose.gaze_pitch - t * pose.head_pitch) for e in self._eyes]

    def render_pose(self, pose: Pose, blink: float = 0.0, roll: float = 0.0) -> np.ndarray:
        """Render one pose with a blink in [0, 1] and a head tilt ``roll`` (degrees, clockwise on
        screen, about the chin): (S, S, 3) uint8 RGB, the crop's size."""
        if self._crop is None or self._warp is None or self.rig is None:
            raise RuntimeError("RigEngine.prepare() must be called before rendering")
        frame = self._crop.copy()
        for k, (e, shift) in enumerate(zip(self._eyes, self.iris_shifts(pose))):
            rows, cols = e.roi
            # the eyes' regions overlap on close-set or small eyes: each eye writes only the
            # pixels it changes (elsewhere its render is an exact copy of the painting), so one
            # eye's region never pastes the open painting over the other's closing lid
            pixels, changed = self._eye(k, e, shift, blink)
            frame[rows, cols][changed] = pixels[changed]
        return self._turn(frame, pose, blink, roll)

    def render_lid(self, index: int, blink: float) -> tuple[np.ndarray, np.ndarray]:
        """Frame ``index`` at closure ``blink`` ((S, S, 3) uint8 RGB, as :meth:`render`) and how
        much of the eyes its lids let through ((S, S) uint8, 255 all; :func:`sfumato.rig.eye.render_lid`).
        Render the frame open first: the head turn is then redone for the eyes' box only."""
        pose = self._poses[index]
        t = self.p.head_turn
        frame, through = self._crop.copy(), np.zeros(self._crop.shape[:2], np.uint8)
        for e, moved in zip(self._eyes, self.iris_shifts(pose)):
            shift = self._steps(moved)[1]
            closed, transmit = render_lid(e, shift, blink)
            changed = (np.abs(closed - e.image) > 0.25).any(-1)
            rows, cols = e.roi
            frame[rows, cols][changed] = np.clip(np.rint(closed[changed]), 0, 255).astype(np.uint8)
            through[rows, cols] = np.maximum(through[rows, cols], np.rint(255.0 * transmit).astype(np.uint8))
        frame = self._turn(frame, pose, blink, 0.0)
        yaw, pitch = t * pose.head_yaw, t * pose.head_pitch
        if (yaw or pitch) and self._eyes:  # where the eyes land (the rest of it is 0)
            kernel = KERNELS[self.p.detail_kernel]
            box, pixels = self._warp.warp_region(through, self.head_motion(yaw, pitch, 0.0), self._eye_box(), bp_interpolation=kernel)
            x0, y0, x1, y1 = box
            through = np.zeros_like(through)
            through[y0:y1, x0:x1] = pixels.reshape(y1 - y0, x1 - x0)
        return frame, through

    def eyes_at(self, index: int) -> np.ndarray:
        """Where frame ``index`` puts the eyes: (2,) float64 x, y crop px, both eyes' landmarks'
        mean after the head turn (a lid drawn for one frame is laid on another so moved)."""
        pose, t = self._poses[index], self.p.head_turn
        eyes = np.array(sorted({int(i) for e in EYES for i in e.contour}))
        lm = self.rig.landmarks
        moved = rotate_head(lm, t * pose.head_yaw, t * pose.head_pitch, self.p.pivot_depth) if (pose.head_yaw or pose.head_pitch) else np.asarray(lm, np.float64)[:, :2]
        return moved[eyes].mean(0)

    def _turn(self, frame: np.ndarray, pose: Pose, blink: float, roll: float) -> np.ndarray:
        """``frame`` ((S, S, 3) uint8 RGB, eyes drawn) with the head turned for ``pose``."""
        t = self.p.head_turn
        head_yaw, head_pitch, roll = t * pose.head_yaw, t * pose.head_pitch, t * roll
        if not (head_yaw or head_pitch or roll):
            return frame
        moved = self.head_motion(head_yaw, head_pitch, roll)
        cached, key = self._open, (pose, roll)
        if blink and cached is not None and cached[0] == key and self._eyes:
            # the same pose with open eyes was just warped: a blink changes only the eyes, so
            # only where they land is warped again
            box, pixels = self._warp.warp_region(frame, moved, self._eye_box(), bp_interpolation=KERNELS[self.p.detail_kernel])
            out = cached[1].copy()
            x0, y0, x1, y1 = box
            out[y0:y1, x0:x1] = pixels
            return out
        frame = self._warp.warp(frame, moved, bp_interpolation=KERNELS[self.p.detail_kernel], inplace=True)  # frame is ours
        if not blink:
            self._open = (key, frame.copy())
        return frame

    def _eye(self, k: int, e: EyeLayers, shift: np.ndarray, blink: float) -> tuple[np.ndarray, np.ndarray]:
        """Eye ``k``'s ROI drawn with the iris moved by ``shift`` (rounded to ``eye_step`` when
        that is > 0, and then from the cache when it was drawn lately): (h, w, 3) uint8 RGB
        pixels and the (h, w) bool mask of those that differ from the painting."""
        steps, shift = self._steps(shift)
        key = None
        if steps is not None:
            key = (k, int(steps[0]), int(steps[1]), float(blink))
            with self._eye_lock:
                hit = self._eye_cache.get(key)
                if hit is not None:
                    self._eye_cache.move_to_end(key)
                    return hit
        out = render_eye(e, shift, blink)
        drawn = np.clip(np.rint(out), 0, 255).astype(np.uint8), (np.abs(out - e.image) > 0.25).any(-1)
        if key is not None:
            with self._eye_lock:
                self._eye_cache[key] = drawn
                while len(self._eye_cache) > EYE_CACHE:
                    self._eye_cache.popitem(last=False)
        return drawn

    def _steps(self, shift: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
        """``shift`` rounded to ``eye_step`` (when > 0): (the steps or None, the shift drawn)."""
        step = self.p.eye_step
        if step <= 0:
            return None, shift
        steps = np.rint(np.asarray(shift, np.float64) / step)
        return steps, steps * step

    def head_motion(self, yaw: float, pitch: float, roll: float = 0.0) -> np.ndarray:
        """(N, 2) float64 pixel displacements of the warp's control points for a head turn
        (yaw, pitch, degrees, already scaled by ``head_turn``) and tilt (roll about the chin)."""
        lm = self.rig.landmarks[self._ctrl]
        moved = rotate_head(lm, yaw, pitch, self.p.pivot_depth) if (yaw or pitch) else np.asarray(lm, np.float64)[:, :2]
        if roll:
            moved = roll_points(moved, roll, np.asarray(self.rig.landmarks[CHIN, :2], np.float64))
        return moved - np.asarray(lm, np.float64)[:, :2]

    def motion_box(self, reach: float = 12.0) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) crop pixels outside which no frame changes, for head motions that move
        no pixel more than ``reach``: the head window's support (the whole crop without one)."""
        size = self.rig.size if self.rig is not None else 0
        window = self._warp.window if self._warp is not None else None
        if window is None or not (window > 0).any():
            return 0, 0, size, size
        xy = self._warp.node_xy()[window > 0]
        cell = (size - 1) / (self._warp.grid_n - 1)
        pad = 2.0 * (cell + reach) + 6.0  # nodes one cell on, moved, plus the warp box padding
        lo, hi = np.floor(xy.min(0) - pad), np.ceil(xy.max(0) + pad) + 1
        return int(max(0, lo[0])), int(max(0, lo[1])), int(min(size, hi[0])), int(min(size, hi[1]))

    def _eye_box(self) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) crop pixels holding both eyes' regions (all that a blink redraws)."""
        boxes = np.array([[c.start for c in e.roi[::-1]] + [c.stop for c in e.roi[::-1]] for e in self._eyes])
        return int(boxes[:, 0].min()), int(boxes[:, 1].min()), int(boxes[:, 2].max()), int(boxes[:, 3].max())

    def render(self, index: int, blink: float = 0.0) -> np.ndarray:
        """Render planned frame ``index``: (S, S, 3) uint8 RGB, the same size as the crop."""
        if not self._poses:
            raise RuntimeError("RigEngine.plan() must be called before render()")
        return self.render_pose(self._poses[index], blink)

    def params(self) -> dict[str, Any]:
        """All parameters, plus what the rig measured, JSON-serialisable."""
        out: dict[str, Any] = {k: (float(v) if isinstance(v, float) else v) for k, v in asdict(self.p).items()}
        if self.rig is not None:
            out["rig"] = {
                "file": RIG_FILE,
                "eyes": len(self.rig.eyes),
                "eyes_off": self.rig.eyes_off,
                "eye_yaw_limits": [round(v, 2) for v in self.yaw_limits],
                "eye_gain": [[round(g, 3) for g in gains] for gains in self.eye_gain],
                "eye_pitch_limit": round(self.pitch_limit, 2),
                "iris_radius": [round(e.iris.radius, 2) for e in self.rig.eyes],
            }
        return out

    def artifacts(self) -> dict[str, bytes]:
        """``{"rig.json": ...}``: the rig, to rebuild this engine from the bank (:meth:`from_bank`)."""
        return {RIG_FILE: self.rig.to_json()} if self.rig is not None else {}
