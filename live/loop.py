"""The live loop: camera frames in, composed portrait out, at the display rate.

Real time (:meth:`LiveLoop.run`): the camera thread delivers the newest frame; the loop waits
for either a new frame or the next display tick, whichever comes first. A new frame is
tracked and shown at once (the flip re-phases to it, keeping latency to the processing
time); between frames the display keeps ticking at ``display.fps`` for the cross-fade.
Lockstep (:meth:`LiveLoop.run_lockstep`): the same steps in virtual time, every camera frame
processed, for tests and offline renders.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from live.blink import BlinkSchedule
from live.camera import CameraFrame, LockstepCamera, ThreadedCamera
from live.compositor import MasterBank, ScreenBank
from live.config import LiveConfig
from live.control import Controller
from live.crossfade import FrameChaser
from live.display import FULLSCREEN, HUD, MIRROR, QUIT, REFERENCE, Display
from live.hud import Hud, HudInfo
from live.mapping import LabelGrid
from live.progress import Progress, gaze_text
from live.recorder import Recorder
from live.sidebyside import SideBySide
from live.stats import bounded
from live.trace import TraceWriter
from live.watchdog import Notifier
from live.worker import FrameWorker
from sfumato.imaging.resize import resize_to

NO_CAMERA_S = 0.25   # no camera frame for this long -> advance presence without one


@dataclass
class LoopStats:
    """Bounded run statistics (memory stays flat over weeks)."""

    latencies_ms: collections.deque = bounded(50_000)
    track_ms: collections.deque = bounded(50_000)
    flip_gaps_s: collections.deque = bounded(50_000)
    flips: int = 0
    camera_frames: int = 0
    index_changes: int = 0

    def summary(self) -> dict[str, float]:
        def pct(d, q):
            return float(np.percentile(np.fromiter(d, float), q)) if d else float("nan")
        return {"flips": self.flips, "camera_frames": self.camera_frames, "index_changes": self.index_changes,
                "latency_ms_p50": pct(self.latencies_ms, 50), "latency_ms_p95": pct(self.latencies_ms, 95),
                "track_ms_p50": pct(self.track_ms, 50), "track_ms_p95": pct(self.track_ms, 95)}


class LiveLoop:
    """Wires camera, controller, compositor, display, HUD, recorder and trace together."""

    def __init__(self, cfg: LiveConfig, master: MasterBank, camera: ThreadedCamera | LockstepCamera,
                 display: Display, controller: Controller | None = None,
                 log: Callable[[str], None] = print, notifier: Notifier | None = None) -> None:
        self.cfg, self.master, self.camera, self.display, self.log = cfg, master, camera, display, log
        self.grid = LabelGrid.from_bank(master.labels, master.grid, master.center_index)
        self.controller = controller or Controller(cfg, self.grid)
        xf = cfg.smoothing.crossfade_ms / 1000.0 if cfg.smoothing.enabled else 0.0
        self.chaser = FrameChaser(self.grid.rows, self.grid.cols, self.grid.center, xf)
        self.hud = Hud(display.pg)
        self.hud_on = cfg.display.hud
        out = cfg.output
        hold = not out.lockstep   # real time: a slow disk holds a recorded frame longer, never the display
        self.recorder = Recorder(out.record, out.record_fps, hold_when_behind=hold, log=log) if out.record else None
        self.camera_recorder = (Recorder(out.record_camera, cfg.camera.fps, hold_when_behind=hold, log=log)
                                if out.record_camera else None)
        self.trace = TraceWriter(out.trace, log=log, drop_when_busy=hold) if out.trace else None
        self.notifier = notifier or Notifier()   # systemd READY / watchdog heartbeat (no-op elsewhere)
        self.failures: list[str] = []            # outputs that stopped during the run (for the exit code)
        self.stats = LoopStats()
        self._info = HudInfo(camera=getattr(camera.source, "name", ""))
        self._last_frame: CameraFrame | None = None
        self._fps_window: collections.deque = collections.deque(maxlen=60)
        self.driver: FrameWorker | None = None   # --drive: live patches (rig puppet or FOMM) replace the bank's frames
        self.blinker = BlinkSchedule(cfg.blink, seed=cfg.camera.seed)
        self.closure = 0.0                        # lid closure shown at the last flip (0 open .. 1 closed)
        self._driven = None        # the driver's result shown last (each new result is a new object)
        self._driver_tick = -1e9    # loop time of the last empty frame given to the driver (no camera)
        self.sidebyside: SideBySide | None = None
        self.speaker = None    # [speech]: a live.speaker.Speaker that draws the talking mouth
        self._talking = False
        self._rescale()
        if self.recorder is not None and out.record_layout == "side-by-side":
            src = camera.source
            self.sidebyside = SideBySide(  # camera pixels only when synthetic or when the user asked for them
                self.screen_bank.painting_rect, (cfg.camera.width, cfg.camera.height),
                show_camera=bool(getattr(src, "synthetic", False) or out.record_camera),
                mirror=cfg.mapping.mirror, camera_name=getattr(src, "name", "camera"))
        self.progress: Progress | None = None   # headless runs: a status line every few seconds

    # --- drawing ---------------------------------------------------------------------------
    def _rescale(self) -> None:
        self.screen_bank = ScreenBank(self.master, self.display.size, self.cfg.display.background)
        self._background = self.display.surface_from(self.screen_bank.background)
        self._last_weights: list[tuple[int, float]] | None = None
        self._last_closure = -1.0
        self._full_redraw = True
        self._shown_index = self.chaser.index
        if getattr(self, "sidebyside", None) is not None:
            self.sidebyside.painting_rect = self.screen_bank.painting_rect
        if getattr(self, "speaker", None) is not None:
            self.speaker.prepare(self.screen_bank.patches[self.master.center_index])   # at the new screen size

    def set_speaker(self, speaker) -> None:
        """Attach a :class:`live.speaker.Speaker` (or None): its mouth and brows are measured now,
        at the screen's size, and a rig puppet driving the painting says its lines with its own rig."""
        self.speaker = speaker
        if speaker is None:
            return
        speaker.prepare(self.screen_bank.patches[self.master.center_index])
        if hasattr(self.driver, "speech"):
            self.driver.speech = speaker.motion

    def render(self, t: float, dt: float) -> None:
        """Draw the display frame for time ``t`` and flip (only the changed rectangle when possible)."""
        self.chaser.update(self.controller.bin, dt)
        weights = self.chaser.weights()
        if weights[0][0] != self._shown_index:
            self.stats.index_changes += 1
            self._shown_index = weights[0][0]
        screen = self.display.screen
        full = self._full_redraw or self.hud_on
        rects: list[tuple[int, int, int, int]] = []
        if full:
            screen.blit(self._background, (0, 0))
        rect = self.screen_bank.rect
        driven = self.driver.latest() if self.driver is not None else None
        if driven is not None:
            if full or driven is not self._driven:
                patch = driven.patch
                if patch.shape[1::-1] != tuple(rect[2:]):
                    patch = resize_to(patch, rect[2], rect[3])
                self.display.blit_array(patch, rect[:2])
                rects.append(rect)
                self._driven = driven
            self._last_weights = None   # when driving stops (remote server away) the bank is redrawn at once
        else:
            self.closure = self.blinker.closure(t) if self.screen_bank.can_blink else 0.0
            mouth = self.speaker.motion(t) if self.speaker is not None else None
            if full or weights != self._last_weights or self.closure != self._last_closure or mouth is not None or self._talking:
                patch = self.screen_bank.compose(weights, self.closure)
                if mouth is not None:
                    patch = self.speaker.render(patch, mouth)
                self.display.blit_array(patch, rect[:2])
                rects.append(rect)
                self._last_weights, self._last_closure = weights, self.closure
            self._talking = mouth is not None
        if self.hud_on:
            self._update_info()
            rects.append(self.hud.draw_text(screen, self._info))
        if self.recorder is not None and self.recorder.due(t):
            self.recorder.add(self._recording_frame(), t)
        if self.hud_on and self._last_frame is not None:   # after the grab: never recorded
            self.hud.draw_thumbnail(screen, self._last_frame.image, self._info)
        self.display.flip(None if full else rects)
        self._full_redraw = False
        self.stats.flips += 1
        if self.stats.flips == 1:
            self.notifier.ready("portrait on screen")
        self.notifier.alive()   # watchdog heartbeat: only a running display loop sends it
        if self.progress is not None:
            c = self.controller
            self.progress.update(t, c.state, len(c.faces), self._shown_index, self.stats.camera_frames, self.stats.flips)

    def _recording_frame(self) -> np.ndarray:
        """What ``--record`` keeps: the screen, or the side-by-side demo view; (H, W, 3) uint8 RGB."""
        if self.sidebyside is None:
            return self.display.grab()
        c, i = self.controller, self._shown_index
        self.sidebyside.mirror = c.mapper.mirror
        n = len(c.faces)
        return self.sidebyside.frame(
            self.display.grab(self.sidebyside.painting_rect), None if self._last_frame is None else self._last_frame.image,
            c.faces, c.chosen,
            f"portrait: frame {i}, {gaze_text(self.master.labels, i, self.grid.rows)}",
            f"{self._info.camera}: {c.state}, {n} face{'' if n == 1 else 's'}")

    def _update_info(self) -> None:
        i = self._info
        gaps = self._fps_window
        i.fps = (len(gaps) / sum(gaps)) if gaps and sum(gaps) > 0 else 0.0
        i.latency_ms = self.stats.latencies_ms[-1] if self.stats.latencies_ms else 0.0
        i.track_ms, i.index, i.state = self.controller.track_ms, self._shown_index, self.controller.state
        i.faces, i.chosen, i.mirror = self.controller.faces, self.controller.chosen, self.controller.mapper.mirror

    # --- events -----------------------------------------------------------------------------
    def handle_events(self) -> bool:
        """Apply key presses; False when the user quit."""
        for action in self.display.events():
            if action == QUIT:
                return False
            if action == FULLSCREEN:
                self.display.toggle_fullscreen()
                self._rescale()
            elif action == HUD:
                self.hud_on = not self.hud_on
                self._full_redraw = True
            elif action == MIRROR:
                self.controller.mapper.mirror = not self.controller.mapper.mirror
            elif action == REFERENCE and self.driver is not None:
                self.driver.request_reference()
        return True

    # --- per camera frame -----------------------------------------------------------------------
    def _process(self, frame: CameraFrame, t: float) -> dict[str, Any]:
        self._last_frame = frame
        self.stats.camera_frames += 1
        if self.camera_recorder is not None:
            self.camera_recorder.add(frame.image[:, :, ::-1], t)
        rec = self.controller.on_frame(frame, t)
        if self.speaker is not None:
            self.speaker.update(self.controller.state, t)
        self.stats.track_ms.append(self.controller.track_ms)
        if self.driver is not None:
            chosen = self.controller.chosen
            self.driver.submit(frame.seq, frame.image, None if chosen is None else self.controller.faces[chosen].box, t)
        return rec

    def _no_camera(self, t: float) -> None:
        """No camera frame for a while (camera lost or stalled): presence moves on, and a driver
        that handles faceless frames (the puppet) gets empty ones at the camera rate, so the
        painting eases back to rest instead of holding the last expression."""
        self.controller.on_no_camera(t)
        if self.driver is not None and t - self._driver_tick >= 1.0 / max(self.cfg.camera.fps, 1.0):
            self._driver_tick = t
            self.driver.tick(t)

    def _finish_records(self, pending: list[tuple[dict[str, Any], float]], t_rel: float, t_flip: float) -> None:
        for rec, t_avail in pending:
            lat = (t_flip - t_avail) * 1000.0
            self.stats.latencies_ms.append(lat)
            if self.trace is not None:
                rec = {"t": round(t_rel, 4), **rec, "index": self._shown_index, "blink": round(self.closure, 4),
                       "speaking": None if self.speaker is None else self.speaker.speaking(t_rel),
                       "latency_ms": round(lat, 3)}
                self.trace.write(rec)
        pending.clear()

    # --- drivers ------------------------------------------------------------------------------
    def run(self, duration_s: float = 0.0, clock: Callable[[], float] = time.perf_counter) -> LoopStats:
        """Real time until quit or ``duration_s`` (0 = forever)."""
        period = 1.0 / self.cfg.display.fps
        start = clock()
        next_tick = start
        last_render = last_now = start
        last_seq, last_cam = 0, start
        pending: list[tuple[dict[str, Any], float]] = []
        while True:
            now = clock()
            frame = self.camera.wait_newer(last_seq, max(0.0, next_tick - now))
            now = clock()
            if frame is not None:
                last_seq, last_cam = frame.seq, now
                pending.append((self._process(frame, frame.t - start), frame.t))
            elif now - last_cam > NO_CAMERA_S:
                self._no_camera(now - start)
            if frame is not None or now >= next_tick - 5e-4:
                # dt from the previous render's clock reading, so tracking and drawing time count too
                self.render(now - start, now - last_now)
                last_now = now
                t_flip = clock()
                self.stats.flip_gaps_s.append(t_flip - last_render)
                self._fps_window.append(t_flip - last_render)
                last_render = t_flip
                self._finish_records(pending, now - start, t_flip)
                next_tick = t_flip + period if frame is not None or next_tick + period < t_flip else next_tick + period
                if not self.handle_events():
                    break
            if duration_s and now - start >= duration_s:
                break
        return self.stats

    def run_lockstep(self, duration_s: float) -> LoopStats:
        """Virtual time: display ticks at ``display.fps``, every due camera frame processed."""
        period = 1.0 / self.cfg.display.fps
        n_ticks = int(round(duration_s * self.cfg.display.fps))
        last_cam = 0.0
        pending: list[tuple[dict[str, Any], float]] = []
        for k in range(n_ticks):
            t = k * period
            t0 = time.perf_counter()
            frame = self.camera.frame_at(t)
            if frame is not None:
                last_cam = t
                t0 = time.perf_counter()     # latency counts from the frame being available
                pending.append((self._process(frame, t), t0))
            elif t - last_cam > NO_CAMERA_S:
                self._no_camera(t)
            self.render(t, period if k else 0.0)
            t_flip = time.perf_counter()
            self._fps_window.append(period)
            self._finish_records(pending, t, t_flip)
            if not self.handle_events():
                break
        return self.stats

    def close(self) -> list[str]:
        """Stop everything; returns the paths written completely.

        An output that failed (a full disk) is not listed; :attr:`failures` says what
        stopped, one line each, for the app's exit code.
        """
        self.notifier.stopping()
        written = []
        if self.speaker is not None:
            self.speaker.stop()
        if self.driver is not None:
            self.driver.stop()
            self.log(self.driver.describe())
        self.camera.stop()
        outputs = [(o, f"trace {o.path}" if o is self.trace else f"recording {o.path}")
                   for o in (self.trace, self.recorder, self.camera_recorder) if o is not None]
        for out, what in outputs:
            had_error = out.error is not None
            out.close()
            if out.error is None:
                written.append(str(out.path))
                continue
            reason = getattr(out.error, "strerror", None) or " ".join(str(out.error).split())[:200]
            self.failures.append(f"{what} stopped: {reason}")
            if not had_error:   # failed only while finishing: not logged yet
                self.log(f"{what} could not be finished: {reason}")
        if self.recorder is not None and self.recorder.held:
            self.log(f"{self.recorder.path}: {self.recorder.held} of {self.recorder.frames} frames repeat the one "
                     "before (the encoder fell behind; the machine is busy)")
        self.display.close()
        self.notifier.close()
        return written
