"""The talking portrait: one painting, rendered frame by frame from a performance.

Set-up (once): faces are found, the head crop is cut, the eye/head engine is prepared, and the
mouth and brow rigs are measured on the crop. Per frame only the head crop is rendered (eyes,
blink, head nod, turn and tilt by the engine, then brows and mouth by the rigs), blended into the
painting with :func:`sfumato.geometry.blend.blend` and pasted into one reused full-size frame.

Speech moves the head by a degree or two, so the rig engine runs with a *head window*: the
motion fades out around the head, only the head is resampled and everything else is the
painting's own pixels. Only the box that can change (:attr:`TalkingPortrait.box`) is blended
and pasted per frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import numpy as np

from sfumato.engines import DEFAULT_ENGINE, SweepSpec, canonical_name, make_engine
from sfumato.engines.base import Pose
from sfumato.errors import NoFaceError
from sfumato.face import topology as T
from sfumato.face.detect import MIN_FACE_PX, face_outline, find_faces
from sfumato.geometry.blend import BlendParams, FixedBlend, alpha_mask
from sfumato.geometry.crop import head_box, head_crop
from sfumato.imaging.resize import paste
from sfumato.rig.brows import BrowRig
from sfumato.rig.head import roll_points, rotate_head
from sfumato.rig.mouth import MouthPose, MouthRig
from sfumato.speech.render_pool import ordered_frames
from sfumato.video.i420 import I420Frame

SPEECH_RIG = {"head_window": 1.7, "detail_kernel": "linear", "eye_step": 0.25}
"""Rig engine options for speech: the head motion stays on the head (it fades out between 1.15
and 1.7 face-outline radii), the back-projection passes are bilinear, and eye renders are
re-used while the gaze holds within a quarter pixel (see RigParams): an iris is drawn at most
0.125 px from where it was asked along each axis (0.18 px diagonally), and two of three eye renders come from the cache."""
RUN = 4
"""Each render worker draws runs of this many consecutive frames, whose eyes barely move
between them (their renders are re-used)."""
REACH_PX = 16
"""Speech head motion moves no pixel further than this (a 2 degree nod moves the nose ~5 px in
a 1080p clip); the box that can change is padded by it."""

if TYPE_CHECKING:
    from sfumato.speech.performance import Performance


class TalkingPortrait:
    """Render a painting talking.

    Args:
        painting: (H, W, 3) uint8 RGB at the output resolution.
        engine: eye/head engine name (see :data:`sfumato.engines.ENGINES`).
        face: which face, 0 = largest.
        margin: head crop margin per side, fraction of the face size.
        blend_params: how the head is blended back.
        name: shown in errors (the painting's file name).
    """

    def __init__(self, painting: np.ndarray, engine: str = DEFAULT_ENGINE, face: int = 0, margin: float = 0.6,
                 blend_params: BlendParams | None = None, name: str = "painting") -> None:
        faces = find_faces(painting)
        if not faces:
            raise NoFaceError(f"{name}: no face found; sfumato needs a visible, roughly frontal face at least {MIN_FACE_PX} px wide.")
        if not 0 <= face < len(faces):
            raise NoFaceError(f"{name}: --face {face} asked for, but only {len(faces)} face(s) found (use 0..{len(faces) - 1}).")
        f = faces[face]
        h, w = painting.shape[:2]
        box = head_box(f, (w, h), margin)
        crop = head_crop(painting, f, box)
        self.is_rig = canonical_name(engine) == "rig"
        self.engine = make_engine(engine, **(SPEECH_RIG if self.is_rig else {}))
        self.engine.prepare(crop)
        self.engine.plan(SweepSpec())
        self.can_blink = bool(getattr(self.engine, "can_blink", False))
        self.landmarks = np.asarray(crop.landmarks, np.float64)
        self.mouth = MouthRig.from_landmarks(crop.image, crop.landmarks)
        self.brows = BrowRig.from_landmarks(crop.landmarks, crop.size)
        self.rows, self.cols = box.square_slice()
        self.alpha = alpha_mask(blend_params or BlendParams(), box.side, face_outline(f.landmarks - [box.x, box.y, 0]))[self.rows, self.cols]
        self.clipped = box.clipped
        cx, cy, cw, ch = box.clipped
        self.base = painting[cy : cy + ch, cx : cx + cw].copy()
        self.frame_buffer = np.ascontiguousarray(painting.copy())
        self.face_landmarks = f.landmarks
        self.box = self._changing_box(crop.size, cw, ch)
        x0, y0, x1, y1 = self.box
        self._blend = FixedBlend(self.base[y0:y1, x0:x1], self.alpha[y0:y1, x0:x1])

    def _changing_box(self, size: int, cw: int, ch: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in patch pixels (over :attr:`clipped`) outside which no frame differs
        from the painting: the engine's motion box, the mouth's and the brows' regions."""
        motion = getattr(self.engine, "motion_box", None)
        boxes = [motion(REACH_PX) if motion is not None else (0, 0, size, size),
                 self.mouth.roi((size, size)), tuple(int(v) for v in self.brows.box)]
        pad = REACH_PX + 4
        x0 = min(b[0] for b in boxes[1:]) - pad, min(b[1] for b in boxes[1:]) - pad
        x1 = max(b[2] for b in boxes[1:]) + pad, max(b[3] for b in boxes[1:]) + pad
        lo = np.minimum([boxes[0][0], boxes[0][1]], x0) - [self.cols.start, self.rows.start]
        hi = np.maximum([boxes[0][2], boxes[0][3]], x1) - [self.cols.start, self.rows.start]
        return int(max(0, lo[0])), int(max(0, lo[1])), int(min(cw, hi[0])), int(min(ch, hi[1]))

    def _shift(self, pose: Pose, idx: list[int], roll: float = 0.0) -> tuple[float, float]:
        """How far the points ``idx`` move in the crop when the engine turns and tilts the head."""
        p = getattr(self.engine, "p", None)
        turn, depth = getattr(p, "head_turn", 1.0), getattr(p, "pivot_depth", 0.6)
        roll = roll if self.is_rig else 0.0
        if not (pose.head_yaw or pose.head_pitch or roll):
            return 0.0, 0.0
        moved = rotate_head(self.landmarks, turn * pose.head_yaw, turn * pose.head_pitch, depth)
        if roll:
            moved = roll_points(moved, turn * roll, self.landmarks[T.CHIN, :2])
        d = (moved[idx] - self.landmarks[idx, :2]).mean(0)
        return float(d[0]), float(d[1])

    def head(self, pose: Pose, mouth: MouthPose, blink: float = 0.0, brow: float = 0.0, roll: float = 0.0) -> np.ndarray:
        """The animated head crop: (S, S, 3) uint8 RGB. ``roll``: head tilt, degrees (rig engine only)."""
        if self.is_rig:
            img = self.engine.render_pose(pose, blink=blink, roll=roll)
        else:
            img = self.engine.render_pose(pose, blink=blink) if self.can_blink else self.engine.render_pose(pose)
        # the rig engine's frame is a new array, so the brows are drawn into it
        img = self.brows.render(img, brow, self._shift(pose, list(T.BROW_RIGHT[:5] + T.BROW_LEFT[:5]), roll), inplace=self.is_rig)
        return self.mouth.render(img, mouth, self._shift(pose, list(T.INNER_LIP_MID), roll), inplace=self.is_rig)

    def region(self, pose: Pose, mouth: MouthPose, blink: float = 0.0, brow: float = 0.0, roll: float = 0.0) -> np.ndarray:
        """The part of the patch that can change (:attr:`box`), blended: (h, w, 3) uint8 RGB."""
        return self.blended(self.head(pose, mouth, blink, brow, roll))

    def blended(self, head: np.ndarray) -> np.ndarray:
        """The :attr:`box` of an animated head crop ((S, S, 3) uint8 RGB, :meth:`head`) blended
        into the painting: (h, w, 3) uint8 RGB, a new array."""
        x0, y0, x1, y1 = self.box
        r0, c0 = self.rows.start + y0, self.cols.start + x0
        return self._blend(head[r0 : r0 + y1 - y0, c0 : c0 + x1 - x0])

    def patch(self, pose: Pose, mouth: MouthPose, blink: float = 0.0, brow: float = 0.0, roll: float = 0.0) -> np.ndarray:
        """The head blended into the painting: (h, w, 3) uint8 RGB over :attr:`clipped`."""
        x0, y0, _, _ = self.box
        return paste(self.base.copy(), self.region(pose, mouth, blink, brow, roll), x0, y0)

    def frame(self, pose: Pose, mouth: MouthPose, blink: float = 0.0, brow: float = 0.0, roll: float = 0.0) -> np.ndarray:
        """The whole painting with the animated head: (H, W, 3) uint8 RGB.

        The returned array is reused by the next call; copy it to keep it.
        """
        return self._paste(self.region(pose, mouth, blink, brow, roll))

    def _paste(self, region: np.ndarray) -> np.ndarray:
        cx, cy, _, _ = self.clipped
        return paste(self.frame_buffer, region, cx + self.box[0], cy + self.box[1])

    def regions(self, perf: "Performance", workers: int = 2) -> Iterator[np.ndarray]:
        """The changing box of every frame of a performance, in order: (h, w, 3) uint8 RGB
        (:meth:`region`; each is reused once the next is asked for).

        Frames are rendered by ``workers`` forked processes (:mod:`sfumato.speech.render_pool`)
        a few frames ahead of the consumer; engines other than the rig (FOMM: torch is not
        fork-safe once it has run) render one frame at a time here.
        """
        x0, y0, x1, y1 = self.box

        def render(i: int) -> np.ndarray:
            return self.region(perf.pose(i), perf.mouth_pose(i), float(perf.blink[i]), float(perf.brow[i]), perf.tilt(i))

        return ordered_frames(render, len(perf), (y1 - y0, x1 - x0, 3), np.uint8, workers if self.is_rig else 1, RUN)

    def frames(self, perf: "Performance", workers: int = 2) -> Iterator[np.ndarray]:
        """Every frame of a performance, in order: (H, W, 3) uint8 RGB (the reused buffer)."""
        for region in self.regions(perf, workers):
            yield self._paste(region)

    def frames_i420(self, perf: "Performance", workers: int = 2) -> Iterator[np.ndarray]:
        """Every frame of a performance as I420 (:mod:`sfumato.video.i420`): (3 H / 2, W) uint8,
        one reused buffer of which only the changing box is converted per frame. H and W must
        be even (:func:`sfumato.video.writer.even` the painting first)."""
        cx, cy, _, _ = self.clipped
        x0, y0, x1, y1 = self.box
        yuv = I420Frame(self.frame_buffer)
        for region in self.regions(perf, workers):
            yield yuv.update(self._paste(region), (cx + x0, cy + y0, cx + x1, cy + y1))
