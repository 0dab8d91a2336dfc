"""Weightless live puppeteering: the viewer's face drives the painting rig, off the display thread.

Per camera frame (newest wins, :class:`live.worker.FrameWorker`):

1. **face crop** - a square twice the size of the followed viewer's BlazeFace box (the live
   controller's sticky choice, so with two faces the same viewer drives), resized to
   ``mesh_side`` px;
2. **FaceMesh** - 478 landmarks in video (tracking) mode, mapped back to camera pixels;
3. **signals** - :mod:`live.puppet.features` against the neutral face
   (:mod:`live.puppet.neutral`; captured from the first steady second, R re-captures),
   mirrored when the camera image is (``mapping.mirror``: the painting moves like a mirror);
4. **controls** - :mod:`live.puppet.retarget`: ranges, soft limits, One Euro smoothing, and
   with no face the ease back to rest;
5. **render** - :class:`live.puppet.rig.HeadRig` at display scale, blended into the crop patch;
   when the portrait says a line (``speech``, :meth:`live.speaker.Speaker.motion`), its mouth,
   small nods and brow raises join the viewer's.

Frames whose controls look the same as the last rendered ones (:meth:`HeadRig.shape_key`, no
part moving by more than a sixth of a pixel) are not re-rendered: a still painting costs no CPU. No torch anywhere on this path.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Optional

import cv2
import numpy as np

from live.config import PuppetConfig
from live.puppet.features import Features, measure, relative
from live.puppet.neutral import NeutralCapture
from live.puppet.retarget import Controls, Retargeter
from live.puppet.rig import HeadRig
from live.speaker import SpeechMotion
from live.worker import FrameWorker, WorkerStats
from sfumato.imaging.resize import pad_square_crop, resize_to, square_around
from sfumato.rig.mouth import MouthPose

CROP_MARGIN = 0.5            # the FaceMesh crop: the face box grown by this much per side (2x the box)


@dataclass
class PuppetResult:
    """One rendered frame: ``patch`` (ch, cw, 3) uint8 RGB for the crop rectangle, from camera frame ``seq``."""

    seq: int
    patch: np.ndarray
    controls: Controls
    mesh_ms: float
    render_ms: float


@dataclass
class PuppetStats(WorkerStats):
    """Counters and bounded timings (ms)."""

    STAGES = ("mesh_ms", "render_ms")

    faces: int = 0            # frames where FaceMesh found the viewer

    def summary(self) -> dict[str, float]:
        return {**super().summary(), "faces": self.faces}


def with_speech(c: Controls, speech: Optional[SpeechMotion]) -> tuple[Controls, Optional[MouthPose]]:
    """The viewer's controls with the portrait's own line on top: its nods, turns and tilts added
    to the head, its brow raise to both brows; its mouth is returned for the rig (the wider of the two
    mouths is drawn)."""
    if speech is None:
        return c, None
    return replace(c, head_yaw=c.head_yaw + speech.head_yaw, head_pitch=c.head_pitch + speech.head_pitch,
                   head_roll=c.head_roll + speech.head_roll, brows=(c.brows[0] + speech.brow, c.brows[1] + speech.brow)), speech.mouth


class PuppetWorker(FrameWorker):
    """Camera frames in, rig-rendered crop patches out.

    Args:
        rig: the painting's rigged head (display scale).
        cfg: the ``[puppet]`` options.
        mirror: the camera image is not mirrored (an ordinary webcam): mirror the viewer's motion.
        sync: process inline (lockstep renders and tests).
    """

    def __init__(self, rig: HeadRig, cfg: PuppetConfig, mirror: bool = True, sync: bool = False,
                 log: Callable[[str], None] = print) -> None:
        super().__init__(PuppetStats(), sync=sync, faceless=True)
        from sfumato.face.models import face_mesh_tracker

        self.rig, self.cfg, self.mirror, self.log = rig, cfg, mirror, log
        self.neutral = NeutralCapture(cfg.capture_s, cfg.steady_deg)
        self.retargeter = Retargeter(cfg)
        self.controls = Controls()
        self.features: Optional[Features] = None
        self._mesh = face_mesh_tracker()
        self.speech: Optional[Callable[[float], Optional[SpeechMotion]]] = None   # the portrait's own line (loop time)
        self._shown: Optional[tuple] = None   # shape key of the last rendered frame (HeadRig.shape_key)
        self._t0 = time.perf_counter()

    def request_reference(self) -> None:
        """Key R: capture the neutral face again from the next steady second."""
        self.neutral.request()

    def describe(self) -> str:
        s = self.stats.summary()
        return (f"drive: {s['results']} rig frames, {s['fps']:.1f} fps ({s['dropped']} camera frames dropped, "
                f"newest wins; viewer's face in {s['faces']} of {s['submitted']}), no weights; median ms: "
                f"face crop + FaceMesh {s['mesh_ms']:.1f}, rig render + blend {s['render_ms']:.1f}")

    def landmarks(self, image_bgr: np.ndarray, box: tuple[float, float, float, float]) -> Optional[np.ndarray]:
        """(478, 3) FaceMesh landmarks of the viewer in camera pixels (z in the same scale), or None."""
        from sfumato.face.detect import largest_mesh

        x, y, side = square_around(box, CROP_MARGIN)
        n = int(self.cfg.mesh_side)
        crop = cv2.cvtColor(resize_to(pad_square_crop(image_bgr, x, y, side), n, n), cv2.COLOR_BGR2RGB)
        lm = largest_mesh(self._mesh.process(crop), n, n)
        if lm is None:
            return None
        lm = lm.astype(np.float64) * (side / n)
        lm[:, 0] += x
        lm[:, 1] += y
        return lm

    def process(self, seq: int, image_bgr: np.ndarray, face_box, t: Optional[float] = None) -> Optional[PuppetResult]:
        """One camera frame at time ``t`` (s; default: the worker's clock)."""
        t = time.perf_counter() - self._t0 if t is None else t
        t0 = time.perf_counter()
        lm = self.landmarks(image_bgr, face_box) if face_box is not None else None
        self.features = measure(lm) if lm is not None else None
        if self.features is not None:
            self.stats.faces += 1
        neutral = self.neutral.update(self.features, t)
        signals = relative(self.features, neutral) if self.features is not None and neutral is not None else None
        if signals is not None and self.mirror:
            signals = signals.mirrored()
        self.controls = self.retargeter.update(signals, t)
        shown, mouth = with_speech(self.controls, self.speech(t) if self.speech is not None else None)
        t1 = time.perf_counter()
        key = self.rig.shape_key(shown, mouth)
        if key == self._shown:
            return None
        patch = self.rig.render(shown, mouth)
        self._shown = key
        return PuppetResult(seq, patch, self.controls, (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3)

    def release(self) -> None:
        """Close FaceMesh (by the worker thread once its last call returned; see :meth:`FrameWorker.stop`)."""
        self._mesh.close()
