"""From camera frames to the frame the portrait should show (the bin), with or without smoothing.

Per camera frame: detect faces -> pick the followed viewer -> map to a direction ->
presence target -> One Euro filter -> hysteresis -> target (row, col). With
``smoothing.enabled = false`` it is the naive loop instead: the nearest frame to the raw
direction every camera frame, holding the last frame when nobody is seen.
"""

from __future__ import annotations

import time
from typing import Any

from live.camera import CameraFrame
from live.config import LiveConfig
from live.filters import BinHysteresis, OneEuroFilter
from live.mapping import GazeMapper, LabelGrid
from live.presence import IDLE, Presence
from live.selection import ViewerSelector
from live.tracker import Face, FaceTracker


def _r(v: float) -> float:
    return round(float(v), 3)


class Controller:
    """Owns tracking, selection, mapping, presence and smoothing; exposes ``bin`` (row, col)."""

    def __init__(self, cfg: LiveConfig, grid: LabelGrid, tracker: FaceTracker | None = None) -> None:
        self.cfg, self.grid = cfg, grid
        self.smooth = cfg.smoothing.enabled
        self.tracker = tracker or FaceTracker(cfg.tracker.model, cfg.tracker.min_confidence)
        self.selector = ViewerSelector(cfg.tracker.keep_s, cfg.tracker.match_radius)
        self.mapper = GazeMapper(cfg.mapping, grid)
        self.presence = Presence(cfg.presence, grid.center_direction, grid.yaw_range, cfg.camera.seed)
        s = cfg.smoothing
        self.euro = OneEuroFilter(s.min_cutoff_hz, s.beta, s.d_cutoff_hz)
        self.hyst = (BinHysteresis(s.hysteresis, grid.center[0]), BinHysteresis(s.hysteresis, grid.center[1]))
        self.bin: tuple[int, int] = grid.center
        self.faces: list[Face] = []
        self.chosen: int | None = None
        self.track_ms = 0.0
        self.state = IDLE

    def on_frame(self, frame: CameraFrame, t: float) -> dict[str, Any]:
        """Process one camera frame captured at ``t`` (s); returns its trace record (no latency yet)."""
        t0 = time.perf_counter()
        faces = self.tracker.detect(frame.image)
        self.track_ms = (time.perf_counter() - t0) * 1000.0
        chosen = self.selector.choose(faces, t)
        self.faces, self.chosen = faces, chosen
        h, w = frame.image.shape[:2]
        raw = self.mapper.direction(faces[chosen], (w, h)) if chosen is not None else None
        rec = {
            "seq": frame.seq,
            "faces": [[round(v, 1) for v in f.box] + [round(f.score, 3)] for f in faces],
            "chosen": chosen,
            "viewer": self.selector.viewer_id if chosen is not None else None,
            "raw": None if raw is None else [_r(raw[0]), _r(raw[1])],
        }
        rec.update(self._advance(t, raw))
        rec["track_ms"] = round(self.track_ms, 3)
        return rec

    def on_no_camera(self, t: float) -> None:
        """Advance presence when no camera frames arrive (camera missing or lost)."""
        self.faces, self.chosen = [], None
        self._advance(t, None)

    def _advance(self, t: float, raw: tuple[float, float] | None) -> dict[str, Any]:
        if not self.smooth:
            if raw is not None:
                r, c = self.grid.position(*raw)
                self.bin = (int(round(r)), int(round(c)))
            self.state = "engaged" if raw is not None else "holding"
            return {"target": None, "smoothed": None, "bin": list(self.bin), "state": self.state}
        target = self.presence.update(t, raw)
        self.state = self.presence.state
        yaw, pitch = self.euro(target, t)
        r, c = self.grid.position(yaw, pitch)
        self.bin = (self.hyst[0].update(r), self.hyst[1].update(c))
        return {"target": [_r(target[0]), _r(target[1])], "smoothed": [_r(yaw), _r(pitch)],
                "bin": list(self.bin), "state": self.state}
