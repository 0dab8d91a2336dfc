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


FOLLOWED_RGB = (0, 255, 0)    # the face the portrait follows
OTHER_RGB = (255, 200, 0)     # other faces seen


def draw_faces(rgb: np.ndarray, faces: list[Face], chosen: int | None, scale: float = 1.0,
               thickness: int = 1, mirror: bool = False) -> np.ndarray:
    """Draw face boxes and eye midpoints in place on an (h, w, 3) uint8 RGB image.

    ``faces`` are in camera pixels; ``scale`` maps them to ``rgb``; ``mirror`` flips x (for a
    mirrored view of the camera). The followed face is green, others amber. Returns ``rgb``.
    """
    w = rgb.shape[1]
    for k, f in enumerate(faces):
        x, y, bw, bh = (v * scale for v in f.box)
        ex, ey = (v * scale for v in f.eye_mid)
        if mirror:
            x, ex = w - x - bw, w - ex
        color = FOLLOWED_RGB if k == chosen else OTHER_RGB
        cv2.rectangle(rgb, (int(round(x)), int(round(y))), (int(round(x + bw)), int(round(y + bh))), color, thickness)
        cv2.circle(rgb, (int(round(ex)), int(round(ey))), 1 + thickness, color, -1)
    return rgb


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
        draw_faces(thumb, info.faces, info.chosen, s)
        y0 = self.panel_rect(screen)[3] + 4
        screen.blit(self.pg.image.frombuffer(np.ascontiguousarray(thumb).data, (tw, th), "RGB"), (8, y0))
        return 8, y0, tw, th
