"""Blink frames in a bank, stored compactly: the eye region alone, a few closure levels.

A blink changes only the eyes, so for a *blink frame* (a gaze frame the engine also rendered
with closed lids) only the box around the pixels that change is stored, one PNG per closure
level: ``blink_016_100.png`` is frame 16 at closure 1.0, its box (x, y, w, h) in patch pixels
listed in the manifest with its sha256. The box holds every changed pixel plus ``feather``
unchanged pixels on each side, so pasting it with a ramp over that margin leaves no seam.

Which frames carry blinks (:func:`blink_frames`): at most ``max_cols`` evenly spaced columns
(ends and centre included) of at most ``max_rows`` evenly spaced rows. A blink lasts a third
of a second, so the live portrait takes the blink frame nearest the gaze it shows: with 9 of
33 columns the gaze differs by at most two columns (about 4 degrees, under a pixel of head
turn at the eyes), while the bank build renders 27 eye regions instead of 99.

Manifest entry ``blinks``::

    {"levels": [0.35, 0.7, 1.0], "frames": [0, 4, ...], "feather": 6,
     "patches": [{"frame": 0, "level": 0.35, "file": "blink_000_035.png", "box": [x, y, w, h],
                  "sha256": "..."}, ...]}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DIFF_LEVEL = 2
"""Pixels whose channels differ by more than this (0..255) count as changed by the blink."""


@dataclass(frozen=True)
class BlinkSpec:
    """Which blink frames a bank build renders.

    Attributes:
        levels: closure levels (0 open, 1 closed), increasing, the last one 1.0.
        max_cols: at most this many gaze columns carry blinks (evenly spaced, ends included).
        max_rows: ... of at most this many rows.
        feather: unchanged pixels kept around the changed box, as a fraction of the crop side
            (at least 4 px): the live overlay fades in over them.
    """

    levels: tuple[float, ...] = (0.35, 0.7, 1.0)
    max_cols: int = 9
    max_rows: int = 3
    feather: float = 0.01


@dataclass(frozen=True)
class BlinkPatch:
    """One stored blink image.

    Attributes:
        image: (h, w, 3) uint8 RGB, the eye region of frame ``frame`` at closure ``level``
            (blended like the frame itself).
        box: (x, y, w, h) of ``image`` in the crop patch's pixels.
        frame: the bank frame it belongs to.
        level: closure, 0 open .. 1 closed.
        feather: pixels along each side of the box that equal the open frame.
    """

    image: np.ndarray
    box: tuple[int, int, int, int]
    frame: int
    level: float
    feather: int


def blink_name(frame: int, level: float) -> str:
    return f"blink_{frame:03d}_{int(round(level * 100)):03d}.png"


def _spaced(n: int, k: int) -> list[int]:
    return sorted({int(v) for v in np.round(np.linspace(0, n - 1, min(n, max(1, k))))})


def blink_frames(grid: tuple[int, int], spec: BlinkSpec) -> list[int]:
    """Row-major indices of the frames that carry blinks, for a (rows, cols) grid."""
    rows, cols = grid
    return [r * cols + c for r in _spaced(rows, spec.max_rows) for c in _spaced(cols, spec.max_cols)]


def feather_px(spec: BlinkSpec, crop_side: int) -> int:
    return max(4, int(round(spec.feather * crop_side)))


def changed_box(open_patch: np.ndarray, closed: list[np.ndarray], pad: int) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) box around every pixel that any of ``closed`` changes, padded by ``pad``
    and clipped to the patch; None when nothing changes.

    Args:
        open_patch: (h, w, 3) uint8 RGB, the frame with open eyes.
        closed: (h, w, 3) uint8 RGB renders of the same frame with closing lids.
    """
    changed = np.zeros(open_patch.shape[:2], bool)
    for c in closed:
        changed |= (np.abs(c.astype(np.int16) - open_patch.astype(np.int16)) > DIFF_LEVEL).any(-1)
    if not changed.any():
        return None
    ys, xs = np.nonzero(changed)
    h, w = changed.shape
    x0, y0 = max(0, int(xs.min()) - pad), max(0, int(ys.min()) - pad)
    x1, y1 = min(w, int(xs.max()) + 1 + pad), min(h, int(ys.max()) + 1 + pad)
    return x0, y0, x1 - x0, y1 - y0


def nearest_blink_frame(labels: np.ndarray, frames: list[int], index: int) -> int:
    """The blink frame whose gaze label (yaw, pitch) is nearest frame ``index``'s."""
    lab = np.asarray(labels, np.float64)
    d = np.hypot(*(lab[frames] - lab[index]).T)
    return int(frames[int(np.argmin(d))])


def validate_blinks(m: dict[str, Any], where: Path, need) -> None:
    """Check the manifest's ``blinks`` entry (when present); ``need(cond, where, what)`` raises."""
    b = m.get("blinks")
    if b is None:
        return
    _need = need
    _need(isinstance(b, dict), where, "blinks must be an object")
    levels, frames, patches = b.get("levels"), b.get("frames"), b.get("patches")
    _need(isinstance(levels, list) and levels and all(isinstance(v, (int, float)) and 0 < v <= 1 for v in levels),
          where, "blinks.levels must be closure levels in (0, 1]")
    n = len(m["frames"])
    _need(isinstance(frames, list) and all(isinstance(i, int) and 0 <= i < n for i in frames), where,
          "blinks.frames must be frame indices")
    _need(isinstance(patches, list) and len(patches) == len(frames) * len(levels), where,
          "blinks.patches must hold one image per blink frame and level")
    _, _, cw, ch = m["crop"]
    for p in patches:
        ok = isinstance(p, dict) and isinstance(p.get("file"), str) and p.get("frame") in frames and p.get("level") in levels
        box = p.get("box") if ok else None
        ok = ok and isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) for v in box)
        _need(ok, where, f"blink entry {p!r} needs file, frame, level and box [x, y, w, h]")
        x, y, w, h = box
        _need(w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= cw and y + h <= ch, where,
              f"blink {p['file']} box {box} does not fit the {cw}x{ch} crop")


def level_mix(levels: tuple[float, ...], closure: float) -> list[tuple[int, float]]:
    """How to show ``closure`` (0 open .. 1 closed) with the stored levels.

    Returns:
        [(level index, weight)], weights summing to the overlay's opacity: below the first
        level the first image fades in over the open frame; between two levels the two
        images are cross-faded; [] when the eyes are open.
    """
    c = float(np.clip(closure, 0.0, 1.0))
    if c <= 0.0 or not levels:
        return []
    if c <= levels[0]:
        return [(0, c / levels[0])]
    for k in range(1, len(levels)):
        if c <= levels[k]:
            t = (c - levels[k - 1]) / (levels[k] - levels[k - 1])
            return [(j, w) for j, w in ((k - 1, 1.0 - t), (k, t)) if w > 0.0]
    return [(len(levels) - 1, 1.0)]


def feather_mask(h: int, w: int, feather: int) -> np.ndarray:
    """(h, w, 1) float32 in [0, 1]: 1 inside, ramping to 0 over ``feather`` px at each edge."""
    f = max(1, int(feather))
    ry = np.clip((np.minimum(np.arange(h), np.arange(h)[::-1]) + 0.5) / f, 0.0, 1.0)
    rx = np.clip((np.minimum(np.arange(w), np.arange(w)[::-1]) + 0.5) / f, 0.0, 1.0)
    return np.minimum(ry[:, None], rx[None, :]).astype(np.float32)[..., None]


def paste_blink(dest: np.ndarray, images: list[np.ndarray], mix: list[tuple[int, float]],
                box: tuple[int, int, int, int], feather: int) -> np.ndarray:
    """Blend blink images into ``dest`` (in place) at ``box`` with a feathered edge.

    Args:
        dest: (H, W, 3) uint8 RGB, the frame shown (a crop patch, at any scale).
        images: per level, (h, w, 3) uint8 RGB blink images already at ``box``'s size.
        mix: :func:`level_mix`'s [(level index, weight)].
        box: (x, y, w, h) in ``dest`` pixels.
        feather: ramp width in ``dest`` pixels.

    Returns:
        ``dest``.
    """
    if not mix:
        return dest
    x, y, w, h = box
    region = dest[y : y + h, x : x + w]
    over = np.zeros(region.shape, np.float32)
    total = 0.0
    for k, wt in mix:
        over += wt * images[k][: region.shape[0], : region.shape[1]].astype(np.float32)
        total += wt
    alpha = feather_mask(region.shape[0], region.shape[1], feather) * np.float32(min(1.0, total))
    over /= max(total, 1e-6)
    region[:] = np.clip(region * (1.0 - alpha) + over * alpha + 0.5, 0, 255).astype(np.uint8)
    return dest
