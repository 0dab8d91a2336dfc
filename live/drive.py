"""Live driving: the viewer's face moves the painting's head (FOMM), off the display thread.

Per camera frame (newest wins; older unprocessed frames are dropped):

1. **face crop** - a square around the viewer's BlazeFace box (the box chosen by the live
   controller), grown by ``margin`` per side like the painting's head crop, cut from the
   camera frame and resized to 256 px RGB float32 in [0, 1]. The square is fixed when the
   reference is captured (a box that followed the face would hide head motion) and
   re-captured with the reference;
2. **reference** - the first good frame is the neutral reference (FOMM's relative motion is
   measured against it); :meth:`DriveWorker.request_reference` (key R) re-captures it from
   the next frame with a face, and it is re-captured automatically when the viewer's face
   centre leaves the middle half of the fixed square (they walked away from it);
3. **model** - FOMM (a mode of :mod:`sfumato.fomm.modes`: exact, fast or int8) gives the 256 px prediction,
   the 64x64 deformation grid and the occlusion map;
4. **warp + blend** - the grid warps the painting's head crop at display resolution
   (:func:`sfumato.fomm.fullres.full_resolution_warp`, never the blurry 256 px output
   except where occluded), which is alpha-blended into the painting under the crop patch.

The display thread only calls :meth:`DriveWorker.submit` (non-blocking) and
:meth:`DriveWorker.latest` (the last finished patch) and never waits for the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional, Protocol

import cv2
import numpy as np

from live.worker import FrameWorker, WorkerStats
from sfumato.geometry.blend import blend
from sfumato.imaging.resize import pad_square_crop, resize_to, square_around

SIZE = 256


class BackendOffline(Exception):
    """A remote backend cannot drive this frame (server away, slow or answering garbage).

    The worker drops the frame and the display shows the gaze-following bank until the
    backend is ``online`` again (see :mod:`live.remote`)."""


class Backend(Protocol):
    """FOMM on some runtime (see :mod:`live.drive_app`)."""

    provider: str

    def prepare(self, source: np.ndarray) -> None:
        """source: (256, 256, 3) float32 RGB in [0, 1] (the painting's head crop), once."""

    def set_reference(self, frame: np.ndarray) -> None:
        """frame: (256, 256, 3) float32 RGB in [0, 1], the neutral driving frame."""

    def drive(self, frame: np.ndarray, relative: bool, adapt_scale: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """frame (256, 256, 3) -> prediction (256, 256, 3) [0, 1], deformation (64, 64, 2), occlusion (64, 64)."""


@dataclass
class DriveSource:
    """The painting side of driving, at the compositor's (display) scale.

    Attributes:
        head: (hh, hw, 3) uint8 RGB head crop (the region FOMM animates; square for real banks).
        base: (ch, cw, 3) uint8 RGB painting pixels under the bank's crop patch.
        alpha: (ch, cw) float32 in [0, 1], blend weight of the animated head.
        offset: (x, y) of the crop patch inside ``head`` (may be negative: the head square may
            extend past the painting, the patch never does).
    """

    head: np.ndarray
    base: np.ndarray
    alpha: np.ndarray
    offset: tuple[int, int]

    @property
    def head256(self) -> np.ndarray:
        """(256, 256, 3) float32 in [0, 1]: FOMM's source image."""
        return resize_to(self.head, SIZE, SIZE).astype(np.float32) / 255.0

    def compose(self, animated_head: np.ndarray) -> np.ndarray:
        """Blend an animated (hh, hw, 3) uint8 head into the painting: (ch, cw, 3) uint8 patch."""
        ch, cw = self.base.shape[:2]
        x, y = self.offset
        hh, hw = animated_head.shape[:2]
        if x < 0 or y < 0 or x + cw > hw or y + ch > hh:   # rounding at display scale: pad the edge
            p = max(-x, -y, x + cw - hw, y + ch - hh, 0)
            animated_head = cv2.copyMakeBorder(animated_head, p, p, p, p, cv2.BORDER_REPLICATE)
            x, y = x + p, y + p
        return blend(self.base, animated_head[y:y + ch, x:x + cw], self.alpha)


def crop_viewer(image_bgr: np.ndarray, square: tuple[int, int, int]) -> np.ndarray:
    """Cut ``square`` (x, y, side) from an (H, W, 3) uint8 BGR frame -> (256, 256, 3) float32 RGB in [0, 1]."""
    crop = resize_to(pad_square_crop(image_bgr, *square), SIZE, SIZE)
    return cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.float32) * (1.0 / 255.0)


@dataclass
class DriveResult:
    """One driven frame: ``patch`` (ch, cw, 3) uint8 RGB for the crop rectangle, from camera frame ``seq``."""

    seq: int
    patch: np.ndarray
    crop_ms: float
    model_ms: float
    warp_ms: float


@dataclass
class DriveStats(WorkerStats):
    """Counters and bounded per-stage timings (ms) of the worker."""

    STAGES = ("crop_ms", "model_ms", "warp_ms")

    references: int = 0
    offline: int = 0          # frames a remote backend could not drive (server away: the bank was shown)

    def summary(self) -> dict[str, float]:
        return {**super().summary(), "references": self.references, "offline": self.offline}


class DriveWorker(FrameWorker):
    """Drives the painting from camera frames on its own thread (or inline when ``sync``).

    Frames without a face are ignored (the display keeps the last result).

    Args:
        backend: FOMM runtime (:class:`Backend`).
        source: the painting side (:class:`DriveSource`).
        margin: viewer crop margin per side (fraction of the face size).
        relative, adapt_scale: FOMM's keypoint normalisation options.
        sync: process each submitted frame inline (lockstep renders and tests).
    """

    def __init__(self, backend: Backend, source: DriveSource, margin: float = 0.6, relative: bool = True,
                 adapt_scale: bool = True, sync: bool = False, log: Callable[[str], None] = print) -> None:
        self.backend, self.source, self.margin = backend, source, margin
        super().__init__(DriveStats(), sync=sync)
        self.relative, self.adapt_scale, self.log = relative, adapt_scale, log
        self.square: Optional[tuple[int, int, int]] = None   # viewer crop square, fixed at reference capture
        self.reference: Optional[np.ndarray] = None          # (256, 256, 3) float32 reference crop
        self._want_reference = True
        backend.prepare(source.head256)

    def request_reference(self) -> None:
        """Re-capture the neutral reference (and the crop square) from the next frame with a face."""
        self._want_reference = True

    def latest(self) -> Optional[DriveResult]:
        """As :meth:`FrameWorker.latest`, and None while a remote backend is offline (the display
        then shows the gaze-following bank from its next frame)."""
        result = super().latest()
        return result if getattr(self.backend, "online", True) else None

    def stop(self) -> None:
        super().stop()
        close = getattr(self.backend, "close", None)   # a remote backend stops reconnecting
        if close is not None:
            close()

    def describe(self) -> str:
        s = self.stats.summary()
        return (f"drive: {s['results']} driven frames, {s['fps']:.1f} fps ({s['dropped']} camera frames "
                f"dropped, newest wins), {self.backend.provider}; median ms: face crop "
                f"{s['crop_ms']:.1f}, model {s['model_ms']:.1f}, warp+blend {s['warp_ms']:.1f}")

    def _needs_reference(self, face_box: tuple[float, float, float, float]) -> bool:
        if self._want_reference or self.square is None:
            return True
        x, y, side = self.square
        cx, cy = face_box[0] + face_box[2] / 2.0, face_box[1] + face_box[3] / 2.0
        return abs(cx - (x + side / 2.0)) > side / 4.0 or abs(cy - (y + side / 2.0)) > side / 4.0

    def process(self, seq: int, image_bgr: np.ndarray, face_box: tuple[float, float, float, float],
                t: Optional[float] = None) -> Optional[DriveResult]:
        """One driven frame, synchronously (the worker thread's step; also used by the benchmark).

        None when a remote backend is offline (the last patch is forgotten: no stale face later).
        """
        try:
            return self._drive_frame(seq, image_bgr, face_box)
        except BackendOffline:
            self.stats.offline += 1
            self._latest = None
            return None

    def _drive_frame(self, seq: int, image_bgr: np.ndarray, face_box: tuple[float, float, float, float]) -> DriveResult:
        t0 = time.perf_counter()
        if self._needs_reference(face_box):
            self._want_reference = False
            self.square = square_around(face_box, self.margin)
            self.reference = crop_viewer(image_bgr, self.square)
            self.backend.set_reference(self.reference)
            self.stats.references += 1
            frame = self.reference
        else:
            frame = crop_viewer(image_bgr, self.square)
        t1 = time.perf_counter()
        pred, deformation, occlusion = self.backend.drive(frame, self.relative, self.adapt_scale)
        t2 = time.perf_counter()
        from sfumato.fomm.fullres import full_resolution_warp

        head = full_resolution_warp(self.source.head, deformation, occlusion, pred)
        patch = self.source.compose(head)
        t3 = time.perf_counter()
        return DriveResult(seq, patch, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3)
