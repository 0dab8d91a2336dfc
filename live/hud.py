"""The debug HUD (D key): fps, latency, tracking time, state, frame index, faces, camera thumbnail.

The text panel may appear in a screen recording; the camera thumbnail is drawn separately
(:meth:`Hud.draw_thumbnail`, after the recorder grabbed the screen) so camera pixels never
reach a file unless ``--record-camera`` asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from live.tracker import Face

THUMB_W = 192


@dataclass
class HudInfo:
    """What the HUD shows for one display frame."""

    fps: float = 0.0
    latency_ms: float = 0.0
    track_ms: float = 0.0
    index: int = 0
    state: str = "idle"
    camera: str = ""
    mirror: bool = True
    faces: list[Face] = field(default_factory=list)
    chosen: int | None = None


class Hud:
    """Draws :class:`HudInfo` onto a pygame surface (top-left corner)."""

    def __init__(self, pygame_module) -> None:
        self.pg = pygame_module
        self.font = self.pg.font.Font(None, 22)

    def panel_rect(self, screen) -> tuple[int, int, int, int]:
        return 0, 0, min(screen.get_width(), 360), 150

    def draw_text(self, screen, info: HudInfo) -> tuple[int, int, int, int]:
        """The text panel; returns its rect."""
        lines = [
            f"fps {info.fps:5.1f}   latency {info.latency_ms:5.1f} ms   track {info.track_ms:4.1f} ms",
            f"frame {info.index:3d}   state {info.state}   mirror {'on' if info.mirror else 'off'}",
            f"faces {len(info.faces)}   following {'#' + str(info.chosen) if info.chosen is not None else '-'}",
            f"camera {info.camera}",
            "F fullscreen  D hud  M mirror  Q quit",
        ]
        rect = self.panel_rect(screen)
        panel = self.pg.Surface(rect[2:], self.pg.SRCALPHA)
        panel.fill((0, 0, 0, 160))
        for k, text in enumerate(lines):
            panel.blit(self.font.render(text, True, (255, 255, 255)), (8, 6 + 20 * k))
        screen.blit(panel, rect[:2])
        return rect

    def draw_thumbnail(self, screen, frame_bgr: np.ndarray | None, info: HudInfo) -> tuple[int, int, int, int] | None:
        """Camera thumbnail with face boxes (chosen one green) under the text panel; its rect."""
        if frame_bgr is None:
            return None
        h, w = frame_bgr.shape[:2]
        tw, th = THUMB_W, max(1, int(round(THUMB_W * h / w)))
        s = tw / w
        thumb = cv2.cvtColor(cv2.resize(frame_bgr, (tw, th), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        for k, f in enumerate(info.faces):
            x, y, bw, bh = (int(round(v * s)) for v in f.box)
            color = (0, 255, 0) if k == info.chosen else (255, 200, 0)
            cv2.rectangle(thumb, (x, y), (x + bw, y + bh), color, 1)
            ex, ey = f.eye_mid
            cv2.circle(thumb, (int(ex * s), int(ey * s)), 2, color, -1)
        y0 = self.panel_rect(screen)[3] + 4
        screen.blit(self.pg.image.frombuffer(np.ascontiguousarray(thumb).data, (tw, th), "RGB"), (8, y0))
        return 8, y0, tw, th
