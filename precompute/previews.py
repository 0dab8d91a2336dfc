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


def contact_sheet(
    patches: Sequence[np.ndarray],
    labels: Sequence[tuple[float, float]],
    grid: tuple[int, int],
    thumb: int = 200,
    max_cols: int = 11,
    extras: Sequence[tuple[np.ndarray, str]] = (),
) -> np.ndarray:
    """Tile frame thumbnails with their gaze labels, then ``extras`` (e.g. a blink).

    Args:
        patches: N (h, w, 3) uint8 RGB crop patches (already thumbnail-sized is fine).
        labels: N (yaw, pitch) in degrees.
        grid: (rows, cols) of the bank: a 2-D bank keeps its grid, a 1-D bank wraps at
            ``max_cols``.
        thumb: thumbnail width in pixels.
        extras: more (thumbnail, caption) tiles after the frames (a 2-D bank: on a row of their own).

    Returns:
        (H, W, 3) uint8 RGB sheet.
    """
    rows, cols = grid
    tiles = [(p, f"{i}: {label_text(yaw, pitch, grid[0])}") for i, (p, (yaw, pitch)) in enumerate(zip(patches, labels))]
    slots = list(range(len(tiles)))
    if rows == 1:
        cols = min(max_cols, len(patches) + len(extras))
        slots += range(len(tiles), len(tiles) + len(extras))
    else:
        slots += range(rows * cols, rows * cols + len(extras))
    tiles += list(extras)
    rows = int(np.ceil((max(slots) + 1) / cols))
    h0, w0 = patches[0].shape[:2]
    tw, th = thumb, max(1, int(round(thumb * h0 / w0)))
    pad, text_h = 4, 22
    sheet = np.full((rows * (th + text_h + pad) + pad, cols * (tw + pad) + pad, 3), 24, np.uint8)
    for slot, (patch, text) in zip(slots, tiles):
        r, c = divmod(slot, cols)
        x, y = pad + c * (tw + pad), pad + r * (th + text_h + pad)
        paste(sheet, resize_to(patch, tw, th), x, y)
        cv2.putText(sheet, text, (x + 3, y + th + 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (235, 235, 235), 1, cv2.LINE_AA)
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
    """A blink for the 20 fps preview: a pause, the lids closing through ``closed`` (one
    frame per closure level, about 150 ms), one closed frame more, then opening twice as
    slowly, and a pause.

    Args:
        open_frame: (h, w, 3) uint8 RGB preview frame with open eyes.
        closed: preview frames at increasing closure levels, the last one closed.
    """
    opening = [f for f in closed[-2::-1] for _ in range(2)]
    return [open_frame] * 4 + list(closed) + [closed[-1]] + opening + [open_frame] * 6


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
