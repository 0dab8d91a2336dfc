"""Synthetic frame banks for tests and benchmarks (no precompute run needed).

The painting is ``skimage.data.astronaut()`` resized to ``size``; frame i moves her irises
sideways (and up/down on a 2-D grid) by warping small regions around the eyes, in
proportion to its gaze label. The eyes really move, so a recording shows them following.
Written with :func:`sfumato.bank.format.write_bank`, so loading goes through the real
``load_bank`` validation.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from sfumato.bank.format import write_bank
from sfumato.imaging.resize import resize_to

_EYES = ((203.0, 103.5), (248.0, 105.9))   # astronaut.png eye centres (BlazeFace keypoints)
_CROP = (150, 50, 150, 110)                 # x, y, w, h in astronaut.png around the eyes


def fake_bank(folder: str | Path, cols: int = 33, rows: int = 1, size: tuple[int, int] = (512, 512),
              yaw_range: float = 30.0, pitch_range: float = 15.0, blinks: bool = False) -> Path:
    """Write a ``rows`` x ``cols`` bank of the astronaut painting at ``size`` (w, h) into ``folder``.

    With ``blinks``, the frames :func:`sfumato.bank.blinks.blink_frames` picks carry blink
    images at closure 0.35 / 0.7 / 1.0 that darken a band over both eyes by 0.7 * closure
    (a test stand-in for lids, not a rendering of them).
    """
    from skimage import data

    w, h = size
    painting = resize_to(data.astronaut(), w, h)
    sx, sy = w / 512.0, h / 512.0
    x, y, cw, ch = (int(round(_CROP[0] * sx)), int(round(_CROP[1] * sy)),
                    int(round(_CROP[2] * sx)), int(round(_CROP[3] * sy)))
    region = painting[y:y + ch, x:x + cw]
    gy, gx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    sigma = 7.0 * sx
    blob = np.zeros((ch, cw), np.float32)
    for ex, ey in _EYES:
        cx, cy = ex * sx - x, ey * sy - y
        blob = np.maximum(blob, np.exp(-((gx - cx) ** 2 + (gy - cy) ** 2) / (2 * sigma * sigma)))
    yaws = np.linspace(-yaw_range, yaw_range, cols) if cols > 1 else np.zeros(1)
    pitches = np.linspace(pitch_range, -pitch_range, rows) if rows > 1 else np.zeros(1)
    patches, labels = [], []
    for p in pitches:
        for yw in yaws:
            dx = 4.0 * sx * yw / max(yaw_range, 1e-6)
            dy = -3.0 * sy * p / max(pitch_range, 1e-6)
            patches.append(cv2.remap(region, gx - dx * blob, gy - dy * blob, cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REPLICATE))
            labels.append((float(yw), float(p)))
    closed = {}
    if blinks:
        from sfumato.bank.blinks import BlinkSpec, blink_frames

        ys = int(min(e[1] for e in _EYES) * sy - y - 8 * sy), int(max(e[1] for e in _EYES) * sy - y + 8 * sy)
        xs = int(min(e[0] for e in _EYES) * sx - x - 14 * sx), int(max(e[0] for e in _EYES) * sx - x + 14 * sx)
        for i in blink_frames((rows, cols), BlinkSpec()):
            closed[i] = []
            for level in (0.35, 0.7, 1.0):
                c = patches[i].copy()
                c[ys[0]:ys[1], xs[0]:xs[1]] = (c[ys[0]:ys[1], xs[0]:xs[1]] * (1.0 - 0.7 * level)).astype(np.uint8)
                closed[i].append(c)
    return write_bank(folder, painting, (x, y, cw, ch), patches, np.asarray(labels, np.float32), (rows, cols),
                      blinks=closed)
