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

from dataclasses import dataclass, field

import cv2
import numpy as np

from sfumato.bank.blinks import feathered, lay_lid, nearest_blink_frame, nearest_level
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
class BlinkSet:
    """One blink frame's lid layers at the bank's closure levels, at some scale, faded out
    at the box's edge (:func:`sfumato.bank.blinks.feathered`).

    Attributes:
        layers: per level (premult (h, w, 3) float32 [0, 255], transmit (h, w, 1) float32 [0, 1]).
        box: (x, y, w, h) in patch pixels at that scale.
        feather: width of that faded edge, pixels at that scale.
    """

    layers: list[tuple[np.ndarray, np.ndarray]]
    box: tuple[int, int, int, int]
    feather: int

    def scaled(self, sx: float, sy: float) -> "BlinkSet":
        if (sx, sy) == (1.0, 1.0):
            return self
        box = scale_rect(self.box, sx, sy)
        return BlinkSet([(resize_to(p, box[2], box[3]), resize_to(t[..., 0], box[2], box[3])[..., None])
                         for p, t in self.layers], box, max(1, int(round(self.feather * min(sx, sy)))))


@dataclass
class MasterBank:
    """The bank scaled to ``max_size`` (never up): painting, patches, crop rect, labels.

    Attributes:
        painting: (H, W, 3) uint8 RGB scaled painting.
        patches: N x (h, w, 3) uint8 RGB scaled patches, row-major.
        crop: (x, y, w, h) of the patches in ``painting`` pixels.
        labels: (N, 2) float32 yaw, pitch degrees; grid (rows, cols); center_index.
        blink_levels: closure levels of the blink images (() when the bank has none).
        blinks: blink frame index -> its :class:`BlinkSet`, scaled like the patches.
        blink_of: per frame, the blink frame whose lid it shows (nearest gaze).
        blink_shift: per frame, (dx, dy) patch pixels that lid is moved by (the eyes' offset).
    """

    painting: np.ndarray
    patches: list[np.ndarray]
    crop: tuple[int, int, int, int]
    labels: np.ndarray
    grid: tuple[int, int]
    center_index: int
    blink_levels: tuple[float, ...] = ()
    blinks: dict[int, BlinkSet] = field(default_factory=dict)
    blink_of: list[int] = field(default_factory=list)
    blink_shift: list[tuple[float, float]] = field(default_factory=list)

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
        levels = tuple(getattr(bank, "blink_levels", ()))
        blinks, blink_of, shift = {}, [], []
        if levels:
            sx, sy = crop[2] / bank.crop[2], crop[3] / bank.crop[3]
            for j in bank.blink_frames:
                parts = [bank.blink_patch(j, lv) for lv in levels]
                layers = [feathered(b.premult, b.transmit, b.feather) for b in parts]
                blinks[j] = BlinkSet(layers, parts[0].box, parts[0].feather).scaled(sx, sy)
            blink_of = [nearest_blink_frame(bank.labels, bank.blink_frames, i) for i in range(len(bank))]
            shift = [(dx * sx, dy * sy) for dx, dy in (bank.eyes_shift(i, j) for i, j in enumerate(blink_of))]
        return cls(painting, patches, crop, np.asarray(bank.labels, np.float32),
                   tuple(bank.grid), int(bank.center_index), levels, blinks, blink_of, shift)


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
        mh_c, mw_c = master.patches[0].shape[:2]
        self.blink_levels = master.blink_levels
        self.blinks = {j: b.scaled(cw / mw_c, ch / mh_c) for j, b in master.blinks.items()}
        self.blink_of = master.blink_of
        self.blink_shift = [(dx * cw / mw_c, dy * ch / mh_c) for dx, dy in master.blink_shift]
        self._mix = np.empty((ch, cw, 3), np.float32)

    @property
    def can_blink(self) -> bool:
        return bool(self.blinks)

    def patch(self, i: int, closure: float = 0.0) -> np.ndarray:
        """Frame ``i``'s screen patch with the lids at ``closure``: the stored level nearest it
        (never a mix of two) of its nearest blink frame's lid, moved onto this frame's eyes and
        laid over its own open patch (its own iris between the lids): (h, w, 3) uint8 RGB."""
        k = nearest_level(self.blink_levels, closure) if self.blinks else None
        if k is None:
            return self.patches[i]
        b = self.blinks[self.blink_of[i]]
        premult, transmit = b.layers[k]
        return lay_lid(self.patches[i].copy(), premult, transmit, b.box, self.blink_shift[i])

    def compose(self, weights: list[tuple[int, float]], closure: float = 0.0) -> np.ndarray:
        """Blend patches: ``weights`` [(index, weight)] summing to 1 -> (h, w, 3) uint8 RGB.

        Each patch carries its own blink (``closure`` 0 open .. 1 closed) before the blend, so
        a blink during a cross-fade follows the fade continuously.
        """
        if len(weights) == 1 or weights[0][1] >= 0.999:
            return self.patch(weights[0][0], closure)
        if len(weights) == 2:
            (i, a), (j, b) = weights
            return cv2.addWeighted(self.patch(i, closure), a, self.patch(j, closure), b, 0.0)
        mix = self._mix
        mix[:] = 0.0
        for i, w in weights:
            cv2.scaleAdd(self.patch(i, closure).astype(np.float32), w, mix, dst=mix)
        return np.clip(mix + 0.5, 0, 255).astype(np.uint8)

    def full_frame(self, weights: list[tuple[int, float]], closure: float = 0.0) -> np.ndarray:
        """The whole screen image for ``weights`` (tests and previews): (H, W, 3) uint8 RGB."""
        out = self.background.copy()
        x, y, w, h = self.rect
        out[y:y + h, x:x + w] = self.compose(weights, closure)
        return out
