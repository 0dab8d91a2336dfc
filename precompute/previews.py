"""Pictures of a bank for people: a contact sheet PNG and a preview MP4.

Both are made at preview scale from the painting and the patches, never from full-size
frames, so a 10000 px painting costs no more than a small one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from sfumato.imaging.resize import paste, resize_max_side, resize_to


def label_text(yaw: float, pitch: float, rows: int) -> str:
    return f"{yaw:+.0f}" if rows == 1 else f"{yaw:+.0f},{pitch:+.0f}"


MAX_SHEET_WIDTH = 2000   # px: a contact sheet fits a screen at 100 %
PAD, TEXT_H = 4, 22
TEXT_RGB = (235, 235, 235)


def _put(sheet: np.ndarray, text: str, x: int, y: int, scale: float = 0.45) -> None:
    cv2.putText(sheet, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, TEXT_RGB, 1, cv2.LINE_AA)


def _thumb_width(thumb: int, cols: int, max_width: int, reserved: int = 0) -> int:
    """The thumbnail width that keeps ``cols`` columns (plus ``reserved`` px) within ``max_width``."""
    return max(16, min(thumb, (max_width - reserved - PAD) // cols - PAD))


def contact_sheet(
    patches: Sequence[np.ndarray],
    labels: Sequence[tuple[float, float]],
    grid: tuple[int, int],
    thumb: int = 200,
    max_cols: int = 11,
    max_width: int = MAX_SHEET_WIDTH,
    extras: Sequence[tuple[np.ndarray, str]] = (),
) -> np.ndarray:
    """Tile frame thumbnails with their gaze labels, then ``extras`` (e.g. a blink), at most
    ``max_width`` px wide.

    A 1-D bank (one row) wraps at ``max_cols`` thumbnails per line, each labelled
    ``index: yaw``. A 2-D bank is a grid: one row per gaze pitch (top: looking up), one
    column per gaze yaw (left: toward the painting's left), yaw labels across the top and
    pitch labels down the left, each thumbnail marked with its frame index; very wide
    grids wrap their yaw columns into bands (thumbnails stay at least 48 px).

    Args:
        patches: N (h, w, 3) uint8 RGB crop patches (already thumbnail-sized is fine), row-major.
        labels: N (yaw, pitch) in degrees, row-major like ``patches``.
        grid: (rows, cols) of the bank.
        thumb: largest thumbnail width in pixels (smaller when needed to fit ``max_width``).
        extras: more (thumbnail, caption) tiles after the frames (1-D: wrapped on after them;
            2-D: on a row of their own under the grid).

    Returns:
        (H, W, 3) uint8 RGB sheet, W <= ``max_width``.
    """
    if grid[0] > 1:
        return _grid_sheet(patches, labels, grid, thumb, max_width, extras)
    tiles = [(p, f"{i}: {label_text(yaw, pitch, 1)}") for i, (p, (yaw, pitch)) in enumerate(zip(patches, labels))]
    tiles += list(extras)
    cols = min(max_cols, len(tiles))
    rows = int(np.ceil(len(tiles) / cols))
    h0, w0 = patches[0].shape[:2]
    tw = _thumb_width(thumb, cols, max_width)
    th = max(1, int(round(tw * h0 / w0)))
    sheet = np.full((rows * (th + TEXT_H + PAD) + PAD, cols * (tw + PAD) + PAD, 3), 24, np.uint8)
    for k, (patch, text) in enumerate(tiles):
        r, c = divmod(k, cols)
        x, y = PAD + c * (tw + PAD), PAD + r * (th + TEXT_H + PAD)
        paste(sheet, resize_to(patch, tw, th), x, y)
        _put(sheet, text, x + 3, y + th + 16)
    return sheet


MIN_GRID_THUMB = 48   # px: below this a 2-D sheet wraps its yaw columns into bands instead


def _grid_sheet(patches: Sequence[np.ndarray], labels: Sequence[tuple[float, float]], grid: tuple[int, int],
                thumb: int, max_width: int, extras: Sequence[tuple[np.ndarray, str]] = ()) -> np.ndarray:
    """The 2-D contact sheet: rows are gaze pitch, columns gaze yaw (see :func:`contact_sheet`).

    When the columns would need thumbnails under ``MIN_GRID_THUMB`` px to fit ``max_width``,
    the yaw range is split into bands stacked top to bottom, each with its own yaw labels.
    """
    rows, cols = grid
    left = 64                                    # pitch labels
    per_band = max(1, (max_width - left - PAD) // (MIN_GRID_THUMB + PAD))
    bands = int(np.ceil(cols / per_band))
    per = int(np.ceil(cols / bands))
    h0, w0 = patches[0].shape[:2]
    tw = _thumb_width(thumb, per, max_width, left)
    th = max(1, int(round(tw * h0 / w0)))
    top = TEXT_H + 14                            # yaw labels
    band_h = top + rows * (th + PAD)
    extra_rows = int(np.ceil(len(extras) / per)) if extras else 0
    sheet = np.full((bands * band_h + extra_rows * (th + TEXT_H + PAD) + PAD, left + per * (tw + PAD) + PAD, 3),
                    24, np.uint8)
    for b in range(bands):
        y0 = b * band_h
        _put(sheet, "yaw", 6, y0 + 16, 0.4)
        _put(sheet, "pitch", 6, y0 + top - 4, 0.4)
        for k, c in enumerate(range(b * per, min(cols, (b + 1) * per))):
            x = left + PAD + k * (tw + PAD)
            _put(sheet, f"{labels[c][0]:+.0f}", x + 2, y0 + TEXT_H + 6)
            for r in range(rows):
                y = y0 + top + PAD + r * (th + PAD)
                i = r * cols + c
                paste(sheet, resize_to(patches[i], tw, th), x, y)
                _put(sheet, str(i), x + 3, y + 14, 0.4)
        for r in range(rows):
            _put(sheet, f"{labels[r * cols][1]:+.0f}", 8, y0 + top + PAD + r * (th + PAD) + th // 2 + 6, 0.5)
    for k, (patch, text) in enumerate(extras):     # e.g. the blink: a row of its own under the grid
        r, c = divmod(k, per)
        x, y = left + PAD + c * (tw + PAD), bands * band_h + PAD + r * (th + TEXT_H + PAD)
        paste(sheet, resize_to(patch, tw, th), x, y)
        _put(sheet, text, x + 3, y + th + 16, 0.4)
    return sheet


def sweep_order(grid: tuple[int, int]) -> list[int]:
    """Frame indices of the preview: each row there and back (rows serpentine, 2-D banks)."""
    rows, cols = grid
    order: list[int] = []
    for r in range(rows):
        row = list(range(r * cols, (r + 1) * cols))
        order += row + row[-2:0:-1] if rows == 1 else (row if r % 2 == 0 else row[::-1])
    if rows > 1:
        order += order[-2:0:-1]
    return order


def blink_sequence(open_frame: np.ndarray, closed: Sequence[np.ndarray]) -> list[np.ndarray]:
    """A blink for the 20 fps preview: a pause, the lids closing in about 150 ms (three of the
    ``closed`` levels, the last one closed), one closed frame more, then opening through every
    level back (twice as slowly; each level twice when there are fewer than five), and a pause.

    Args:
        open_frame: (h, w, 3) uint8 RGB preview frame with open eyes.
        closed: preview frames at increasing closure levels, the last one closed.
    """
    step = max(1, len(closed) // 3)
    closing = list(closed[step - 1::step])
    repeat = 2 if len(closed) < 5 else 1
    opening = [f for f in closed[-2::-1] for _ in range(repeat)]
    return [open_frame] * 4 + closing + [closed[-1]] + opening + [open_frame] * 6


class PreviewFrames:
    """Compose full frames at preview scale: the painting scaled once, each patch pasted.

    Args:
        painting: (H, W, 3) uint8 RGB.
        crop: (x, y, w, h) of the patches in the painting.
        max_side: longest side of the preview (rounded down to even sizes for H.264).
    """

    def __init__(self, painting: np.ndarray, crop: tuple[int, int, int, int], max_side: int = 720) -> None:
        small, self.scale = resize_max_side(painting, max_side)
        h, w = small.shape[:2]
        self.base = np.ascontiguousarray(small[: h - h % 2, : w - w % 2])
        x, y, cw, ch = crop
        s = self.scale
        self.x0, self.y0 = int(round(x * s)), int(round(y * s))
        self.x1 = min(self.base.shape[1], int(round((x + cw) * s)))
        self.y1 = min(self.base.shape[0], int(round((y + ch) * s)))

    def frame(self, patch: np.ndarray) -> np.ndarray:
        """(h', w', 3) uint8 RGB preview frame with ``patch`` ((h, w, 3) uint8) in place."""
        out = self.base.copy()
        if self.x1 > self.x0 and self.y1 > self.y0:
            paste(out, resize_to(patch, self.x1 - self.x0, self.y1 - self.y0), self.x0, self.y0)
        return out
