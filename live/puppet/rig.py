"""The painting's head, rigged at display resolution, rendered from :class:`Controls` every frame.

Layers, each optional (``layers``), applied to the display-scale head crop:

1. **eyes** - the rig engine (``sfumato.engines``, default ``rig``) renders the eye-in-head gaze
   with the head held still; with **blink**, and an engine that can blink, each eye gets its own
   lid closure. Only each eye's box is kept (:func:`sfumato.rig.eye.eye_roi`);
2. **mouth** - the rig's mouth (:class:`sfumato.rig.mouth.MouthRig`): the jaw drops, the lips
   part over a mouth inside painted in the painting's own palette, round or spread;
   **brows** - the rig's brows (:class:`sfumato.rig.brows.BrowRig`, the layer speech uses too):
   each brow rises or falls on its own;
3. **head** - yaw and pitch turn the 3-D landmarks about a pivot behind the face
   (:func:`sfumato.rig.head.rotate_head`), roll turns them on the image about the neck;

the head turn moves the control points of one thin-plate-spline warp
(:class:`sfumato.rig.warp.ThinPlateWarp`, crop border pinned), so the face is resampled once
per frame (each direction of yaw and pitch soft-limited, per painting, short of where that warp
would fold the picture: :mod:`live.puppet.fold`), and the result is blended into the painting by the bank's own mask
(:meth:`live.drive.DriveSource.compose`). The eye and mouth boxes are rendered at quantised
controls (steps that move nothing by more than :data:`live.puppet.cache.QUANT_PX` px) and kept
in a bounded cache, so a frame whose eyes or mouth did not change (or return to a shape seen
before) only pastes them.
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from live.drive import DriveSource
from live.puppet.cache import PatchCache, overlaps, quantise, steps_for
from live.puppet.features import OUTER_EYE_CORNERS
from live.puppet.fold import turn_limit
from live.puppet.retarget import Controls
from sfumato.engines import HeadCrop, Pose, make_engine
from sfumato.ramp import soft_limit
from sfumato.rig.brows import BrowRig
from sfumato.rig.eye import eye_roi
from sfumato.rig.head import rotate_head
from sfumato.rig.mouth import MouthPose, MouthRig
from sfumato.errors import SfumatoError
from sfumato.face.topology import N_MESH
from sfumato.rig.warp import ThinPlateWarp

LAYERS = ("head", "eyes", "blink", "mouth", "brows")
REST_EPS = 1e-3
CACHE_MB = 24.0       # rendered eye and mouth boxes kept for reuse (live.puppet.cache)


def parse_layers(text: str) -> frozenset[str]:
    """'head,eyes,...' -> the set of layers; unknown names are an error (one line)."""
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    bad = sorted(names - set(LAYERS))
    if bad:
        raise SfumatoError(f"puppet.layers: unknown layer(s) {', '.join(bad)}; choose from {', '.join(LAYERS)}")
    return names


def square_head(head: np.ndarray) -> np.ndarray:
    """The head crop padded (edge-replicated, bottom and right) to a square: (S, S, 3)."""
    h, w = head.shape[:2]
    if h == w:
        return head
    s = max(h, w)
    return cv2.copyMakeBorder(head, 0, s - h, 0, s - w, cv2.BORDER_REPLICATE)


def split_boxes(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Two eye boxes (x0, y0, x1, y1) that overlap across the nose are cut apart at the middle of
    the overlap (each eye may have its own lids); other boxes are returned as they are."""
    if len(boxes) != 2:
        return boxes
    (a, b) = sorted(boxes, key=lambda r: r[0])
    if a[2] <= b[0]:
        return boxes
    mid = (a[2] + b[0]) // 2
    cut = {a: (a[0], a[1], mid, a[3]), b: (mid, b[1], b[2], b[3])}
    return [cut[r] for r in boxes]


class HeadRig:
    """Renders the display-scale head for any :class:`Controls`.

    Args:
        source: the painting side at display scale (head square, base, blend mask).
        layers: the subset of :data:`LAYERS` to animate.
        engine: the eye engine's registry name.
        landmarks: (478, 3) FaceMesh landmarks of ``source.head`` (found with FaceMesh when None).
        turn_range: (yaw, pitch) degrees the controls reach at most (``[puppet]`` max_yaw_deg,
            max_pitch_deg); a direction whose warp would fold before that turns at most as far as it
            does not (:attr:`turn_limits`).
    """

    def __init__(self, source: DriveSource, layers: frozenset[str] = frozenset(LAYERS), engine: str = "rig",
                 landmarks: Optional[np.ndarray] = None, turn_range: tuple[float, float] = (15.0, 10.0)) -> None:
        self.source, self.layers = source, layers
        self.head = square_head(source.head)
        side = self.head.shape[0]
        if landmarks is None:
            from sfumato.face.detect import find_faces

            faces = find_faces(self.head)
            if not faces:
                raise SfumatoError("the painting's head crop shows no face FaceMesh can measure at display scale; "
                                   "use a larger window (--size) or a bank of a larger face")
            landmarks, box = faces[0].landmarks, faces[0].box
        else:
            xy = np.asarray(landmarks)[:, :2]
            box = (float(xy[:, 0].min()), float(xy[:, 1].min()), float(np.ptp(xy[:, 0])), float(np.ptp(xy[:, 1])))
        self.landmarks = np.asarray(landmarks, np.float64)
        self.eyes = make_engine(engine)
        self.eyes.prepare(HeadCrop(self.head, self.landmarks.astype(np.float32), box))
        self.can_blink = bool(getattr(self.eyes, "can_blink", False))
        self.mouth = MouthRig.from_landmarks(self.head, self.landmarks) if "mouth" in layers else None
        self.cache = PatchCache(CACHE_MB)
        eye_rigs = list(getattr(getattr(self.eyes, "rig", None), "eyes", []) or [])
        self._eye_boxes = split_boxes([eye_roi(e, side) for e in eye_rigs])
        self._eye_sides = [0 if e.side == "right" else 1 for e in eye_rigs]
        half = max([e.half_width for e in eye_rigs], default=1.0)     # about the eyeball's radius, px
        self._gaze_steps = steps_for(np.radians(1.0) * half)          # per degree
        self._blink_steps = steps_for(half)                            # the lids travel less than this far
        self._mouth_steps, self._mouth_box, self._mouth_alone = 1, (0, 0, 0, 0), False
        if self.mouth is not None:
            self._mouth_steps = steps_for(self.mouth.opening(MouthPose(open=1.0)))
            self._mouth_box = self.mouth.roi((side, side))
            self._mouth_alone = self._eyes_leave_the_mouth_alone()
        mesh = self.landmarks[:N_MESH]
        self.warp = ThinPlateWarp(mesh[:, :2], side)
        self._mesh = mesh
        eye_dist = float(np.linalg.norm(mesh[OUTER_EYE_CORNERS[1], :2] - mesh[OUTER_EYE_CORNERS[0], :2]))
        self._pivot = np.array([mesh[:, 0].mean(), mesh[152, 1] + 0.3 * eye_dist])   # the neck, for roll
        reach = 1.1 * float(np.ptp(mesh[:, 0]))          # the farthest point from the turn's axis, about, px
        self._head_steps = steps_for(np.radians(1.0) * reach)         # per degree
        self._turn_range = (float(turn_range[0]), float(turn_range[1]))
        self.turn_limits = self._fold_limits()
        self.brows = BrowRig.from_landmarks(self.landmarks, side) if "brows" in layers else None
        self._brow_steps = steps_for(self.brows.lift * self.brows.scale) if self.brows is not None else 1

    def _eyes_leave_the_mouth_alone(self) -> bool:
        """True when no eye render changes a pixel of the mouth's box (tried at the extremes of
        gaze and lids), so the mouth can be rendered once per shape on the painting and pasted."""
        x0, y0, x1, y1 = self._mouth_box
        grown = [(a - 4, b - 4, c + 4, d + 4) for a, b, c, d in self._eye_boxes]
        if not any(overlaps(self._mouth_box, b) for b in grown):
            return True
        rest = self.head[y0:y1, x0:x1]
        for yaw, pitch in ((-30.0, -30.0), (30.0, -30.0), (-30.0, 30.0), (30.0, 30.0)):
            for blink in ((0.0, 1.0) if self.can_blink else (0.0,)):
                pose = Pose(yaw, pitch, 0.0, 0.0)
                frame = self.eyes.render_pose(pose, blink=blink) if self.can_blink else self.eyes.render_pose(pose)
                if not np.array_equal(frame[y0:y1, x0:x1], rest):
                    return False
        return True

    def _render_eyes(self, gaze: tuple[float, float], blink: float) -> list[np.ndarray]:
        """Both eye boxes rendered at ``gaze`` (degrees) and lid closure ``blink``; each kept in the cache."""
        pose = Pose(gaze[0], gaze[1], 0.0, 0.0)
        frame = self.eyes.render_pose(pose, blink=blink) if self.can_blink else self.eyes.render_pose(pose)
        patches = [np.ascontiguousarray(frame[y0:y1, x0:x1]) for x0, y0, x1, y1 in self._eye_boxes]
        for i, patch in enumerate(patches):
            self.cache.put(("eye", i, gaze, blink), patch)
        return patches

    def _eye_state(self, c: Controls) -> Optional[tuple[tuple[float, float], tuple[float, float]]]:
        """Quantised (gaze yaw, pitch) degrees and (right, left) lid closure; None at rest."""
        if not self._eye_boxes:
            return None
        q = self._gaze_steps
        gaze = (quantise(c.gaze_yaw, q), quantise(c.gaze_pitch, q)) if "eyes" in self.layers else (0.0, 0.0)
        blink = (0.0, 0.0)
        if self.can_blink and "blink" in self.layers:
            blink = tuple(quantise(float(np.clip(b, 0.0, 1.0)), self._blink_steps) for b in c.blink)
        return None if gaze == (0.0, 0.0) and max(blink) == 0.0 else (gaze, blink)   # type: ignore[return-value]

    def _eye_patches(self, c: Controls) -> list[tuple[tuple[int, int, int, int], np.ndarray]]:
        """(box, patch) of each eye for the gaze and lids of ``c``; none when both are at rest.

        Each eye takes its own lid closure (a wink renders the eyes once per closure and keeps
        the eye that needs it)."""
        state = self._eye_state(c)
        if state is None:
            return []
        gaze, blink = state
        out = []
        for i, (box, side) in enumerate(zip(self._eye_boxes, self._eye_sides)):
            b = blink[side]
            out.append((box, self.cache.get(("eye", i, gaze, b), lambda: self._render_eyes(gaze, b)[i])))
        return out

    def mouth_pose(self, c: Controls, speech: Optional[MouthPose] = None) -> Optional[MouthPose]:
        """The quantised mouth for ``c`` (the viewer's) and ``speech`` (the portrait's own line, wider
        of the two); None without the mouth layer or at rest."""
        if self.mouth is None:
            return None
        w = float(np.clip(c.mouth_width, -1.0, 1.0))
        o, r, sp, tk = float(np.clip(c.mouth_open, 0.0, 1.0)), max(0.0, -w), max(0.0, w), 0.0
        if speech is not None:
            o, r, sp, tk = max(o, speech.open), max(r, speech.round), max(sp, speech.spread), speech.tuck
        q = self._mouth_steps
        pose = MouthPose(quantise(o, q), quantise(r, q), quantise(sp, q), quantise(tk, q))
        return None if pose.is_rest() else pose

    def _paste_mouth(self, frame: np.ndarray, pose: MouthPose) -> np.ndarray:
        if not self._mouth_alone:      # the eye boxes reach into the mouth's: draw on the frame itself
            return self.mouth.render(frame, pose)
        x0, y0, x1, y1 = self._mouth_box
        frame[y0:y1, x0:x1] = self.cache.get(
            ("mouth", pose), lambda: np.ascontiguousarray(self.mouth.render(self.head, pose)[y0:y1, x0:x1]))
        return frame

    def shape_key(self, c: Controls, speech: Optional[MouthPose] = None) -> tuple:
        """What the rendered frame depends on, quantised (:data:`live.puppet.cache.QUANT_PX`): two
        controls with the same key look the same, so the second need not be rendered."""
        q = self._head_steps
        head = tuple(quantise(a, q) for a in (c.head_yaw, c.head_pitch, c.head_roll))
        return (self._eye_state(c), self.mouth_pose(c, speech), head, self.brow_amounts(c))

    def brow_amounts(self, c: Controls) -> Optional[tuple[float, float]]:
        """Quantised (right, left) brow raise in [-1, 1]; None without the brows layer or at rest."""
        if self.brows is None:
            return None
        q = self._brow_steps
        amounts = tuple(quantise(float(np.clip(b, -1.0, 1.0)), q) for b in c.brows)
        return None if amounts == (0.0, 0.0) else amounts   # type: ignore[return-value]

    def _turn(self, yaw: float, pitch: float, roll: float = 0.0) -> np.ndarray:
        """(N_MESH, 2) control point offsets for this yaw, pitch and roll (degrees), as asked."""
        moved = rotate_head(self._mesh, yaw, pitch, 0.6) if (yaw or pitch) else self._mesh[:, :2].copy()
        if roll:
            a = np.radians(roll)
            rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            moved = (moved - self._pivot) @ rot.T + self._pivot
        return moved - self._mesh[:, :2]

    def _fold_limits(self) -> dict[str, tuple[float, ...]]:
        """Per axis, (toward -, toward +) the largest turn in degrees, up to :attr:`_turn_range`,
        whose warp does not fold the picture (:func:`live.puppet.fold.turn_limit`); "corner": per
        quadrant (yaw -/+ x pitch -/+, in that order) the share of both axis limits that a turn
        and a nod together may take (1: all of them)."""
        yaw, pitch = self._turn_range
        lim = {
            "yaw": (turn_limit(self.warp, lambda a: self._turn(-a, 0.0), yaw), turn_limit(self.warp, lambda a: self._turn(a, 0.0), yaw)),
            "pitch": (turn_limit(self.warp, lambda a: self._turn(0.0, -a), pitch), turn_limit(self.warp, lambda a: self._turn(0.0, a), pitch)),
        }
        corner = []
        for sy in (0, 1):
            for sp in (0, 1):
                y, p = (2 * sy - 1) * lim["yaw"][sy], (2 * sp - 1) * lim["pitch"][sp]
                corner.append(turn_limit(self.warp, lambda t: self._turn(t * y, t * p), 1.0))
        lim["corner"] = tuple(corner)
        return lim

    def _limited(self, axis: str, value: float) -> float:
        """``value`` (degrees) as is where its direction can turn the whole range; else soft-limited
        (:func:`sfumato.ramp.soft_limit`: the same near rest) to that direction's fold limit."""
        top = self._turn_range[0 if axis == "yaw" else 1]
        limit = self.turn_limits[axis][1 if value > 0 else 0]
        return value if limit >= top else soft_limit(value, limit)

    def displacements(self, c: Controls) -> Optional[np.ndarray]:
        """(N_MESH, 2) control point offsets of the head turn, or None at rest. Yaw and pitch are
        kept short of where the warp would fold (:attr:`turn_limits`)."""
        yaw, pitch, roll = (c.head_yaw, c.head_pitch, c.head_roll) if "head" in self.layers else (0.0, 0.0, 0.0)
        if max(abs(yaw), abs(pitch), abs(roll)) < REST_EPS:
            return None
        yaw, pitch = self._limited("yaw", yaw), self._limited("pitch", pitch)
        if yaw and pitch:      # a turn and a nod together squeeze more than either: both take a share
            ly, lp = self.turn_limits["yaw"][int(yaw > 0)], self.turn_limits["pitch"][int(pitch > 0)]
            share = self.turn_limits["corner"][2 * int(yaw > 0) + int(pitch > 0)]
            w = min(abs(yaw) / max(ly, 1e-6), 1.0) * min(abs(pitch) / max(lp, 1e-6), 1.0)
            yaw, pitch = (1.0 - w * (1.0 - share)) * yaw, (1.0 - w * (1.0 - share)) * pitch
        return self._turn(yaw, pitch, roll)

    def render_head(self, c: Controls, speech: Optional[MouthPose] = None) -> np.ndarray:
        """The animated head square: (S, S, 3) uint8 RGB (``speech``: the portrait's own mouth, if talking)."""
        eyes = self._eye_patches(c)
        mouth = self.mouth_pose(c, speech)
        frame = self.head
        if eyes or mouth is not None:
            frame = self.head.copy()
            for (x0, y0, x1, y1), patch in eyes:
                frame[y0:y1, x0:x1] = patch
            if mouth is not None:
                frame = self._paste_mouth(frame, mouth)
        brows = self.brow_amounts(c)
        if brows is not None:      # the brow box is resampled from the frame (the eyes' boxes reach into it)
            frame = self.brows.render(frame, brows)
        disp = self.displacements(c)
        if disp is None:
            return frame
        # bilinear, no back-projection: at display scale it loses little and costs a quarter of
        # the sharp resampler the bank build uses (a live frame has about 30 ms)
        return self.warp.warp(frame, disp, interpolation=cv2.INTER_LINEAR, back_project=False)

    def render(self, c: Controls, speech: Optional[MouthPose] = None) -> np.ndarray:
        """The crop patch for the compositor: (ch, cw, 3) uint8 RGB, the head blended into the painting."""
        return self.source.compose(self.render_head(c, speech))
