"""Blink frames in a bank, stored compactly: the closing lid alone, the eye region only.

A blink changes only the eyes, so for a *blink frame* (a gaze frame the engine also rendered
with closing lids) only the box around the pixels that change is stored, one RGBA PNG per
closure level: ``blink_016_100.png`` is frame 16 at closure 1.0, its box (x, y, w, h) in patch
pixels listed in the manifest with its sha256. The PNG is the *lid layer*, premultiplied:
its RGB is what the lid adds, its alpha how much of the frame under it is hidden, so the frame
at that closure is ``rgb + (1 - alpha) * open`` (:func:`lay_lid`). Laid over ANY frame's own
open patch it keeps that frame's iris between the lids: while the eyes track, the iris under a
closing lid is the shown frame's, never a neighbour's. Pixels the blink leaves alone are
transparent (the frame's own), with a soft edge.

Which frames carry blinks (:func:`blink_frames`): at most ``max_cols`` evenly spaced columns
(ends and centre included) of at most ``max_rows`` evenly spaced rows. The live portrait lays
the lid of the blink frame nearest the gaze it shows, moved by the difference between the two
frames' eye positions (manifest ``eyes``: the head turn moves the eyes about 2 px a column on
the Mona Lisa), and shows the stored level nearest the closure, never a mix of two (two mixed
lid positions are two translucent lid lines): 6 levels, so at 60 fps the 120 ms close steps
through them like a cel animation.

Banks built before the lid layers (RGB patches, no ``layers`` key) still load: their patches
are opaque layers (the neighbour's iris mid-blink, as they were built), shown nearest-level too.

Manifest entry ``blinks``::

    {"levels": [0.1667, ...], "frames": [0, 4, ...], "feather": 6, "layers": "premultiplied",
     "eyes": [[x, y], ...],                     # per frame, where its eyes are (patch px)
     "patches": [{"frame": 0, "level": 0.1667, "file": "blink_000_017.png", "box": [x, y, w, h],
                  "sha256": "..."}, ...]}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
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

    levels: tuple[float, ...] = (0.1667, 0.3333, 0.5, 0.6667, 0.8333, 1.0)
    max_cols: int = 9
    max_rows: int = 3
    feather: float = 0.01


@dataclass(frozen=True)
class BlinkPatch:
    """One stored lid layer (:func:`lid_layers`).

    Attributes:
        premult: (h, w, 3) float32 RGB in [0, 255], what the lid adds (premultiplied).
        transmit: (h, w, 1) float32 in [0, 1], how much of the frame under it shows.
        box: (x, y, w, h) of the layer in the crop patch's pixels.
        frame: the bank frame it was drawn for.
        level: closure, 0 open .. 1 closed.
        feather: pixels along each side of the box over which an opaque (old) layer fades in.
    """

    premult: np.ndarray
    transmit: np.ndarray
    box: tuple[int, int, int, int]
    frame: int
    level: float
    feather: int

    def over(self, patch: np.ndarray, shift: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
        """A copy of ``patch`` ((H, W, 3) uint8 RGB, a crop patch) with this lid laid over it,
        moved by ``shift`` (dx, dy) pixels: (H, W, 3) uint8 RGB."""
        p, t = feathered(self.premult, self.transmit, self.feather)
        return lay_lid(patch.copy(), p, t, self.box, shift)


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
    eyes = b.get("eyes")
    _need(eyes is None or (isinstance(eyes, list) and len(eyes) == n and all(
        isinstance(e, list) and len(e) == 2 and all(isinstance(v, (int, float)) for v in e) for e in eyes)), where,
          "blinks.eyes must hold one [x, y] per frame")
    _need(b.get("layers") in (None, "premultiplied"), where, "blinks.layers must be \"premultiplied\"")
    _, _, cw, ch = m["crop"]
    for p in patches:
        ok = isinstance(p, dict) and isinstance(p.get("file"), str) and p.get("frame") in frames and p.get("level") in levels
        box = p.get("box") if ok else None
        ok = ok and isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) for v in box)
        _need(ok, where, f"blink entry {p!r} needs file, frame, level and box [x, y, w, h]")
        x, y, w, h = box
        _need(w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= cw and y + h <= ch, where,
              f"blink {p['file']} box {box} does not fit the {cw}x{ch} crop")


def nearest_level(levels: tuple[float, ...], closure: float) -> int | None:
    """Index of the stored level nearest ``closure`` (0 open .. 1 closed); None when the open
    eye (closure 0) is nearer. One level, never a mix of two: a mix shows two lid lines."""
    c = float(np.clip(closure, 0.0, 1.0))
    if not levels:
        return None
    return None if c < 0.5 * levels[0] else int(np.argmin([abs(v - c) for v in levels]))


def _keep(changed: np.ndarray) -> np.ndarray:
    """(h, w, 1) float32 in [0, 1]: 1 on ``changed`` ((h, w) bool), fading over ~3 px around it."""
    grown = cv2.dilate(changed.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(np.float32)
    return np.maximum(cv2.GaussianBlur(grown, (0, 0), 1.0), changed)[..., None]


def lid_layers(open_patch: np.ndarray, lids: list[tuple[np.ndarray, np.ndarray]], pad: int
               ) -> tuple[tuple[int, int, int, int], list[np.ndarray]] | None:
    """One frame's blink in its stored form: the box and, per level, the lid layer.

    Args:
        open_patch: (H, W, 3) uint8 RGB, the frame with open eyes.
        lids: per level (closed, transmit): (H, W, 3) uint8 RGB, the frame at that closure, and
            (H, W) uint8, how much of the eyes shows through the lids there (255 all; an engine
            that cannot tell: 0, an opaque layer).
        pad: unchanged pixels kept around the changed ones (the feather).

    Returns:
        (x, y, w, h) and per level (h, w, 4) uint8 premultiplied RGBA, laid over this frame's
        open patch the closed one (to rounding); None when nothing changes.
    """
    rough = changed_box(open_patch, [c for c, _ in lids], pad + 4)
    if rough is None:
        return None
    x, y, w, h = rough
    o = open_patch[y:y + h, x:x + w].astype(np.float32)
    layers, changed = [], np.zeros((h, w), bool)
    for closed, through in lids:
        c = closed[y:y + h, x:x + w].astype(np.float32)
        t = through[y:y + h, x:x + w, None].astype(np.float32) / 255.0
        moved = (np.abs(c - o) > DIFF_LEVEL).any(-1)
        keep = _keep(moved)
        layers.append((keep * np.maximum(c - t * o, 0.0), keep * t + (1.0 - keep)))
        changed |= moved
    if not changed.any():
        return None
    ys, xs = np.nonzero(changed)
    x0, y0 = max(0, int(xs.min()) - pad), max(0, int(ys.min()) - pad)
    x1, y1 = min(w, int(xs.max()) + 1 + pad), min(h, int(ys.max()) + 1 + pad)
    out = [np.concatenate([p[y0:y1, x0:x1], 255.0 * (1.0 - t[y0:y1, x0:x1])], -1) for p, t in layers]
    return (x + x0, y + y0, x1 - x0, y1 - y0), [np.clip(np.rint(a), 0, 255).astype(np.uint8) for a in out]


def layer_of(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A stored blink image as (premult (h, w, 3) float32 [0, 255], transmit (h, w, 1) float32
    [0, 1]): premultiplied RGBA (h, w, 4) uint8, or an old bank's RGB closed patch (opaque)."""
    if pixels.shape[-1] == 4:
        return pixels[..., :3].astype(np.float32), 1.0 - pixels[..., 3:].astype(np.float32) / 255.0
    return pixels.astype(np.float32), np.zeros(pixels.shape[:2] + (1,), np.float32)


def feathered(premult: np.ndarray, transmit: np.ndarray, feather: int) -> tuple[np.ndarray, np.ndarray]:
    """The layer faded out over ``feather`` px at its box's edge (old opaque layers blend in;
    a lid layer is transparent there already): (premult, transmit) as :func:`layer_of`'s."""
    f = feather_mask(premult.shape[0], premult.shape[1], feather)
    return premult * f, transmit * f + (1.0 - f)


def lay_lid(dest: np.ndarray, premult: np.ndarray, transmit: np.ndarray, box: tuple[int, int, int, int],
            shift: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Lay a lid layer over ``dest`` (in place): ``premult + transmit * dest`` at ``box``
    moved by ``shift`` (dx, dy; sub-pixel, bilinear), clipped to ``dest``.

    Args:
        dest: (H, W, 3) uint8 RGB, the frame shown (a crop patch, at any scale).
        premult, transmit: (h, w, 3) / (h, w, 1) float32, :func:`feathered`'s, at ``box``'s size.
        box: (x, y, w, h) in ``dest`` pixels.

    Returns:
        ``dest``.
    """
    x, y, w, h = box
    ix, iy = int(np.floor(shift[0])), int(np.floor(shift[1]))
    fx, fy = float(shift[0]) - ix, float(shift[1]) - iy
    layer = np.concatenate([premult, transmit], -1)
    if fx or fy:  # the fraction: one pixel more, bilinear, transparent where nothing moved in
        m = np.float32([[1, 0, fx], [0, 1, fy]])
        layer = cv2.warpAffine(layer, m, (w + 1, h + 1), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=(0, 0, 0, 1))
    x, y = x + ix, y + iy
    H, W = dest.shape[:2]
    lh, lw = layer.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + lw), min(H, y + lh)
    if x1 <= x0 or y1 <= y0:
        return dest
    part = layer[y0 - y:y1 - y, x0 - x:x1 - x]
    region = dest[y0:y1, x0:x1]
    region[:] = np.clip(part[..., :3] + part[..., 3:] * region + 0.5, 0, 255).astype(np.uint8)
    return dest


def feather_mask(h: int, w: int, feather: int) -> np.ndarray:
    """(h, w, 1) float32 in [0, 1]: 1 inside, ramping to 0 over ``feather`` px at each edge."""
    f = max(1, int(feather))
    ry = np.clip((np.minimum(np.arange(h), np.arange(h)[::-1]) + 0.5) / f, 0.0, 1.0)
    rx = np.clip((np.minimum(np.arange(w), np.arange(w)[::-1]) + 0.5) / f, 0.0, 1.0)
    return np.minimum(ry[:, None], rx[None, :]).astype(np.float32)[..., None]
