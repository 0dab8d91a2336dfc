"""RGB to I420 (YUV 4:2:0 planar, what H.264 encodes) for frames of which only a box changes.

Handing ffmpeg RGB costs its own colour conversion of every whole frame (about 8 ms of CPU for
a 1080 x 1080 frame, a third of x264's time) and twice the pipe traffic. A talking portrait
changes only a box around the head, so :class:`I420Frame` keeps the whole frame in I420 and
converts only that box each frame.

The conversion matches ffmpeg's own rgb24 -> yuv420p (BT.601, limited range): luma within 1
level; chroma 0.1-0.2 levels off on average, at most 2-5 on sharp coloured edges (ffmpeg filters
the chroma a little wider than this 2 x 2 block mean). OpenCV's ``COLOR_RGB2YUV_I420`` alone
takes each block's chroma from its top-left pixel: up to 7 (Mona Lisa) or 28 (astronaut) levels
off; here the chroma comes from the block's mean colour.
"""

from __future__ import annotations

import cv2
import numpy as np


def rgb_to_i420(rgb: np.ndarray) -> np.ndarray:
    """Convert an RGB image with even sides to I420.

    Args:
        rgb: (h, w, 3) uint8 RGB, h and w even.

    Returns:
        (3 h / 2, w) uint8: the Y plane (h, w), then U and V, each (h/2) * (w/2) bytes.
    """
    h, w = rgb.shape[:2]
    if h % 2 or w % 2:
        raise ValueError(f"I420 needs even sides, got {w}x{h}")
    out = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
    # chroma of each 2 x 2 block's mean colour: OpenCV's converter reads one pixel per block,
    # so give it blocks of one colour
    mean = cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    flat = cv2.resize(mean, (w, h), interpolation=cv2.INTER_NEAREST)
    out[h:] = cv2.cvtColor(flat, cv2.COLOR_RGB2YUV_I420)[h:]
    return out


def even_box(box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) grown to even corners (whole 2 x 2 chroma blocks), within ``size`` = (w, h)."""
    x0, y0, x1, y1 = box
    w, h = size
    return max(0, x0 - x0 % 2), max(0, y0 - y0 % 2), min(w, x1 + x1 % 2), min(h, y1 + y1 % 2)


class I420Frame:
    """A whole frame kept as I420, updated a box at a time.

    Args:
        rgb: (H, W, 3) uint8 RGB, the first frame; H and W even.

    Attributes:
        data: (3 H / 2, W) uint8, the frame as I420 (what :class:`sfumato.video.Mp4Writer`
            takes with ``pix_fmt_in="yuv420p"``).
    """

    def __init__(self, rgb: np.ndarray) -> None:
        self.height, self.width = rgb.shape[:2]
        self.data = rgb_to_i420(np.ascontiguousarray(rgb))
        h, w = self.height, self.width
        self._y = self.data[:h]
        chroma = self.data[h:].reshape(-1)
        self._u = chroma[: (h // 2) * (w // 2)].reshape(h // 2, w // 2)
        self._v = chroma[(h // 2) * (w // 2) :].reshape(h // 2, w // 2)

    def update(self, rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
        """Convert the ``box`` (x0, y0, x1, y1) of the whole RGB frame ``rgb`` ((H, W, 3) uint8),
        grown to even corners, into :attr:`data`, which is returned (reused by the next call)."""
        x0, y0, x1, y1 = even_box(box, (self.width, self.height))
        if x1 <= x0 or y1 <= y0:
            return self.data
        h, w = y1 - y0, x1 - x0
        part = rgb_to_i420(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
        self._y[y0:y1, x0:x1] = part[:h]
        chroma = part[h:].reshape(-1)
        q = (h // 2) * (w // 2)
        self._u[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = chroma[:q].reshape(h // 2, w // 2)
        self._v[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = chroma[q:].reshape(h // 2, w // 2)
        return self.data
