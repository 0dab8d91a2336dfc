"""The demo recording: the portrait and, beside it, the viewer the camera sees, side by side.

Left: the painting as the screen shows it (the letterboxed painting only, no black bars).
Right: the camera frame, mirrored like a looking-glass when the camera is (so a viewer on
the right of the picture is on the portrait's right, where its eyes turn), with the tracked
face boxes drawn (green: the one the portrait follows). Both panels have the camera
frame's height; a caption line under each says what it is.

Privacy: the camera's pixels go into this recording only when they are synthetic (the
simulated viewer) or when the user asked to record the camera (``--record-camera``);
otherwise the right panel shows the face boxes on a plain background and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from live.hud import draw_faces
from live.tracker import Face
from sfumato.imaging.resize import resize_to

CAPTION_H = 28
PANEL_BG = (40, 40, 40)
TEXT_RGB = (235, 235, 235)


def _even(v: float) -> int:
    return max(2, int(round(v / 2.0)) * 2)


@dataclass(frozen=True)
class SideBySideLayout:
    """Sizes of the recording: portrait panel (w, h) and viewer panel (w, h), px, even."""

    portrait: tuple[int, int]
    viewer: tuple[int, int]

    @property
    def size(self) -> tuple[int, int]:
        """(W, H) of the whole frame: both panels plus the caption strip."""
        return self.portrait[0] + self.viewer[0], self.portrait[1] + CAPTION_H

    @classmethod
    def fit(cls, painting_size: tuple[int, int], camera_size: tuple[int, int]) -> "SideBySideLayout":
        """Panels of the camera's height: painting (w, h) scaled to it, camera (w, h) as is."""
        ch = _even(camera_size[1])
        pw = _even(painting_size[0] * ch / painting_size[1])
        return cls((pw, ch), (_even(camera_size[0] * ch / camera_size[1]), ch))


class SideBySide:
    """Compose recording frames: ``frame(screen, camera, faces, chosen, caption)``.

    Args:
        painting_rect: (x, y, w, h) of the painting on the screen (``ScreenBank.painting_rect``).
        camera_size: (w, h) of the camera frames (the configured capture size).
        show_camera: whether the camera's pixels may be recorded (simulated viewer or
            ``--record-camera``); False draws only the face boxes.
        mirror: show the camera view mirrored (True for an ordinary, unmirrored webcam).
        camera_name: what the right panel's caption calls the camera.
    """

    def __init__(self, painting_rect: tuple[int, int, int, int], camera_size: tuple[int, int],
                 show_camera: bool, mirror: bool, camera_name: str = "camera") -> None:
        self.painting_rect = painting_rect
        self.layout = SideBySideLayout.fit(painting_rect[2:], camera_size)
        self.show_camera, self.mirror, self.camera_name = show_camera, mirror, camera_name
        w, h = self.layout.size
        self._frame = np.empty((h, w, 3), np.uint8)

    def _viewer_panel(self, camera_bgr: np.ndarray | None, faces: list[Face], chosen: int | None) -> np.ndarray:
        vw, vh = self.layout.viewer
        if camera_bgr is not None and self.show_camera:
            panel = cv2.cvtColor(resize_to(camera_bgr, vw, vh), cv2.COLOR_BGR2RGB)
            if self.mirror:
                panel = cv2.flip(panel, 1)
        else:
            panel = np.empty((vh, vw, 3), np.uint8)
            panel[:] = PANEL_BG
            note = "waiting for the camera" if camera_bgr is None else "camera image not recorded (--record-camera)"
            cv2.putText(panel, note, (12, vh // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.55, TEXT_RGB, 1, cv2.LINE_AA)
        if camera_bgr is not None and faces:
            draw_faces(panel, faces, chosen, vw / camera_bgr.shape[1], thickness=2, mirror=self.mirror)
        return panel

    def frame(self, screen_rgb: np.ndarray, camera_bgr: np.ndarray | None, faces: list[Face],
              chosen: int | None, portrait_caption: str, viewer_caption: str) -> np.ndarray:
        """One recording frame, (H, W, 3) uint8 RGB of ``layout.size``.

        Args:
            screen_rgb: (h, w, 3) uint8 RGB, the screen's ``painting_rect`` as it shows now.
            camera_bgr: (h, w, 3) uint8 BGR newest camera frame, or None before the first.
            faces, chosen: the faces tracked in that frame (camera px) and the followed one.
        """
        pw, ph = self.layout.portrait
        out = self._frame
        out[:] = 0
        out[:ph, :pw] = resize_to(screen_rgb, pw, ph)
        out[:ph, pw:] = self._viewer_panel(camera_bgr, faces, chosen)
        for text, x0 in ((portrait_caption, 0), (viewer_caption, pw)):
            cv2.putText(out, text, (x0 + 8, ph + 19), cv2.FONT_HERSHEY_SIMPLEX, 0.5, TEXT_RGB, 1, cv2.LINE_AA)
        return out.copy()
