"""The talking portrait: one painting, rendered frame by frame from a performance.

Set-up (once): faces are found, the head crop is cut, the eye/head engine is prepared, and the
mouth and brow rigs are measured on the crop. Per frame only the head crop is rendered (eyes,
blink and head turn by the engine, then brows and mouth by the rigs), blended into the painting
with :func:`sfumato.geometry.blend.blend` and pasted into one reused full-size frame.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Iterator

import numpy as np

from sfumato.engines import DEFAULT_ENGINE, SweepSpec, make_engine
from sfumato.engines.base import Pose
from sfumato.errors import NoFaceError
from sfumato.face import topology as T
from sfumato.face.detect import MIN_FACE_PX, face_outline, find_faces
from sfumato.geometry.blend import BlendParams, alpha_mask, blend
from sfumato.geometry.crop import head_box, head_crop
from sfumato.imaging.resize import paste
from sfumato.rig.brows import BrowRig
from sfumato.rig.head import rotate_head
from sfumato.rig.mouth import MouthPose, MouthRig

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
        self.engine = make_engine(engine)
        self.engine.prepare(crop)
        self.engine.plan(SweepSpec())
        self.can_blink = bool(getattr(self.engine, "can_blink", False))
        self._engine_lock = threading.Lock()  # engines solve with LAPACK, which deadlocks when two threads call it
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

    def _shift(self, pose: Pose, idx: list[int]) -> tuple[float, float]:
        """How far the points ``idx`` move in the crop when the engine turns the head."""
        p = getattr(self.engine, "p", None)
        turn, depth = getattr(p, "head_turn", 1.0), getattr(p, "pivot_depth", 0.6)
        if not (pose.head_yaw or pose.head_pitch):
            return 0.0, 0.0
        moved = rotate_head(self.landmarks, turn * pose.head_yaw, turn * pose.head_pitch, depth)[idx]
        d = (moved - self.landmarks[idx, :2]).mean(0)
        return float(d[0]), float(d[1])

    def head(self, pose: Pose, mouth: MouthPose, blink: float = 0.0, brow: float = 0.0) -> np.ndarray:
        """The animated head crop: (S, S, 3) uint8 RGB."""
        with self._engine_lock:
            img = self.engine.render_pose(pose, blink=blink) if self.can_blink else self.engine.render_pose(pose)
        img = self.brows.render(img, brow, self._shift(pose, list(T.BROW_RIGHT[:5] + T.BROW_LEFT[:5])))
        return self.mouth.render(img, mouth, self._shift(pose, list(T.INNER_LIP_MID)))

    def patch(self, pose: Pose, mouth: MouthPose, blink: float = 0.0, brow: float = 0.0) -> np.ndarray:
        """The head blended into the painting: (h, w, 3) uint8 RGB over :attr:`clipped`."""
        return blend(self.base, self.head(pose, mouth, blink, brow)[self.rows, self.cols], self.alpha)

    def frame(self, pose: Pose, mouth: MouthPose, blink: float = 0.0, brow: float = 0.0) -> np.ndarray:
        """The whole painting with the animated head: (H, W, 3) uint8 RGB.

        The returned array is reused by the next call; copy it to keep it.
        """
        cx, cy, _, _ = self.clipped
        return paste(self.frame_buffer, self.patch(pose, mouth, blink, brow), cx, cy)

    def frames(self, perf: "Performance", workers: int = 2) -> Iterator[np.ndarray]:
        """Every frame of a performance, in order: (H, W, 3) uint8 RGB (the reused buffer).

        Head patches are rendered by ``workers`` threads (OpenCV and NumPy release the GIL;
        rendering reads only state fixed at set-up), a few frames ahead of the consumer; the
        engine's own step runs one frame at a time (its LAPACK solve is not thread-safe here),
        the brows, mouth and blend in parallel.
        """
        cx, cy, _, _ = self.clipped
        args = lambda i: (perf.pose(i), perf.mouth_pose(i), float(perf.blink[i]), float(perf.brow[i]))  # noqa: E731
        if workers <= 1:
            for i in range(len(perf)):
                yield paste(self.frame_buffer, self.patch(*args(i)), cx, cy)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="talk-render") as pool:
            pending: deque = deque()
            for i in range(len(perf)):
                pending.append(pool.submit(self.patch, *args(i)))
                if len(pending) > 2 * workers:
                    yield paste(self.frame_buffer, pending.popleft().result(), cx, cy)
            while pending:
                yield paste(self.frame_buffer, pending.popleft().result(), cx, cy)
