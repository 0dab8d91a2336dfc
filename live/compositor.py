"""Screen-scale copies of the bank and per-frame composition of the crop patch.

The painting is scaled once to fit the screen (letterboxed in the background colour) and
each patch once to the crop's screen rectangle; only those are kept (a 4000x6000 painting's
full-resolution pixels are dropped after scaling). Each display frame then only blends
the one to four patches the cross-fade asks for and blits that small rectangle.

:class:`MasterBank` holds the copies at the largest size the display may need (window or
fullscreen); :class:`ScreenBank` derives the current screen's copies from it, so toggling
fullscreen never touches the full-resolution bank again.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.imaging.resize import resize_to


def fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[float, int, int, int, int]:
    """Letterbox ``size`` (w, h) into ``box`` (w, h): (scale, x, y, w, h) of the fitted image."""
    s = min(box[0] / size[0], box[1] / size[1])
    w, h = max(1, int(round(size[0] * s))), max(1, int(round(size[1] * s)))
    return s, (box[0] - w) // 2, (box[1] - h) // 2, w, h


def scale_rect(rect: tuple[int, int, int, int], sx: float, sy: float) -> tuple[int, int, int, int]:
    """Scale an (x, y, w, h) rectangle by rounding its edges (neighbouring rects stay flush)."""
    x, y, w, h = rect
    x0, y0 = int(round(x * sx)), int(round(y * sy))
    x1, y1 = int(round((x + w) * sx)), int(round((y + h) * sy))
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


@dataclass
class MasterBank:
    """The bank scaled to ``max_size`` (never up): painting, patches, crop rect, labels.

    Attributes:
        painting: (H, W, 3) uint8 RGB scaled painting.
        patches: N x (h, w, 3) uint8 RGB scaled patches, row-major.
        crop: (x, y, w, h) of the patches in ``painting`` pixels.
        labels: (N, 2) float32 yaw, pitch degrees; grid (rows, cols); center_index.
    """

    painting: np.ndarray
    patches: list[np.ndarray]
    crop: tuple[int, int, int, int]
    labels: np.ndarray
    grid: tuple[int, int]
    center_index: int

    @classmethod
    def from_bank(cls, bank, max_size: tuple[int, int]) -> "MasterBank":
        """Scale a loaded bank (``sfumato.bank.format.Bank``-like) to fit ``max_size`` (w, h)."""
        full = bank.painting
        ph, pw = full.shape[:2]
        s = min(1.0, max_size[0] / pw, max_size[1] / ph)
        w, h = max(1, int(round(pw * s))), max(1, int(round(ph * s)))
        painting = resize_to(full, w, h) if (w, h) != (pw, ph) else full.copy()
        crop = scale_rect(bank.crop, w / pw, h / ph)
        patches = [resize_to(bank.patch(i), crop[2], crop[3]) for i in range(len(bank))]
        return cls(painting, patches, crop, np.asarray(bank.labels, np.float32),
                   tuple(bank.grid), int(bank.center_index))


class ScreenBank:
    """The master bank fitted to one screen size: background image and patches in screen px.

    Attributes:
        size: (W, H) screen size.
        background: (H, W, 3) uint8 RGB, letterboxed painting on the background colour.
        rect: (x, y, w, h) screen rectangle of the patches.
        patches: N x (h, w, 3) uint8 RGB.
    """

    def __init__(self, master: MasterBank, size: tuple[int, int], color: tuple[int, int, int]) -> None:
        mh, mw = master.painting.shape[:2]
        s, ox, oy, w, h = fit((mw, mh), size)
        self.size = (int(size[0]), int(size[1]))
        self.painting_rect = (ox, oy, w, h)
        self.background = np.empty((size[1], size[0], 3), np.uint8)
        self.background[:] = np.asarray(color, np.uint8)
        same = (w, h) == (mw, mh)
        self.background[oy:oy + h, ox:ox + w] = master.painting if same else resize_to(master.painting, w, h)
        cx, cy, cw, ch = scale_rect(master.crop, w / mw, h / mh)
        self.rect = (ox + cx, oy + cy, cw, ch)
        self.patches = [p if same else resize_to(p, cw, ch) for p in master.patches]
        self._mix = np.empty((ch, cw, 3), np.float32)

    def compose(self, weights: list[tuple[int, float]]) -> np.ndarray:
        """Blend patches: ``weights`` [(index, weight)] summing to 1 -> (h, w, 3) uint8 RGB."""
        if len(weights) == 1 or weights[0][1] >= 0.999:
            return self.patches[weights[0][0]]
        if len(weights) == 2:
            (i, a), (j, b) = weights
            return cv2.addWeighted(self.patches[i], a, self.patches[j], b, 0.0)
        mix = self._mix
        mix[:] = 0.0
        for i, w in weights:
            cv2.scaleAdd(self.patches[i].astype(np.float32), w, mix, dst=mix)
        return np.clip(mix + 0.5, 0, 255).astype(np.uint8)

    def full_frame(self, weights: list[tuple[int, float]]) -> np.ndarray:
        """The whole screen image for ``weights`` (tests and previews): (H, W, 3) uint8 RGB."""
        out = self.background.copy()
        x, y, w, h = self.rect
        out[y:y + h, x:x + w] = self.compose(weights)
        return out
