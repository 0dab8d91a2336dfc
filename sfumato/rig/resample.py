"""Resample an image through a smooth displacement field without softening it.

A remap samples the source between its pixels. Every interpolation kernel is a low-pass
filter there: bilinear at a half-pixel offset averages two pixels (the variance of the
Laplacian of a painting's crackle drops to 0.5-0.8), bicubic and Lanczos-4 still lose
10-25% of it.
:func:`remap_sharp` therefore

1. copies every pixel that moves less than ``still`` pixels exactly (the border of a pinned
   warp, the parts of the painting the warp leaves alone);
2. resamples the moving ones with a sharp kernel (bicubic by default), saturated to uint8;
3. restores the detail that kernel lost by one step of iterative back-projection: the result
   is warped back onto the source grid with the inverse field, the difference to the source
   (what the kernels took) is warped forward again and added. This runs on the luma only
   (a painting's fine detail is lightness, not colour) and the same correction goes to
   every channel, which halves the cost. For a local translation with
   kernel response H this gives H * (2 - |H|^2): within 9% of 1 wherever H > 0.6, so the
   painting's own detail comes back without generic sharpening (where nothing moves, H = 1
   and nothing is added). Where the warp squeezes the painting, detail above the new
   Nyquist limit cannot come back; an anti-ringing clamp keeps each pixel within the range of
   the 3 x 3 source pixels around its sample, so nothing brighter or darker than the painting
   there appears.

Fields are asked for a strip of rows at a time, so memory stays bounded for huge crops.
"""

from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

STILL_PX = 0.05
"""Pixels displaced by less than this are copied from the source, not resampled."""

Field = Callable[[int, int], np.ndarray]
"""field(y0, y1) -> (y1 - y0, W, 2) float32 displacement (dx, dy) for rows y0..y1 of the box."""


CACHE_PX = 8_000_000
"""Boxes up to this many pixels keep their sampling maps between passes (fixed-point maps
take 6 bytes a pixel); larger ones rebuild them per strip and pass."""


def _maps(field: np.ndarray, y0: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed-point ``cv2.remap`` maps for a strip starting at box row y0, and |field|^2.

    Args:
        field: (rows, W, 2) float32 displacement.

    Returns:
        (map1 (rows, W, 2) int16 (the whole-pixel part, floor), map2 (rows, W) uint16,
        squared displacement (rows, W) float32).
    """
    rows, cols = field.shape[:2]
    fx, fy = field[..., 0], field[..., 1]
    mx = np.arange(cols, dtype=np.float32)[None, :] + fx
    my = np.arange(y0, y0 + rows, dtype=np.float32)[:, None] + fy
    m1, m2 = cv2.convertMaps(mx, my, cv2.CV_16SC2)
    return m1, m2, fx * fx + fy * fy


def _grey(image: np.ndarray) -> np.ndarray:
    """(h, w) uint8 luma of a 3-channel image (the image itself when it has one channel)."""
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 and image.shape[2] == 3 else image.reshape(image.shape[:2])


class _Strips:
    """The strips of a box and their maps for one field (cached when the box is small)."""

    def __init__(self, field: Field, height: int, width: int, rows: int) -> None:
        self.field, self.spans = field, [(r0, min(height, r0 + rows)) for r0 in range(0, height, rows)]
        self.cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = {} if height * width <= CACHE_PX else None

    def __iter__(self):
        for k, (r0, r1) in enumerate(self.spans):
            if self.cache is not None and k in self.cache:
                maps = self.cache[k]
            else:
                maps = _maps(self.field(r0, r1), r0)
                if self.cache is not None:
                    self.cache[k] = maps
            yield r0, r1, maps


def remap_sharp(
    image: np.ndarray,
    box: tuple[int, int, int, int],
    backward: Field,
    forward: Field,
    rows: int = 512,
    interpolation: int = cv2.INTER_CUBIC,
    back_project: bool = True,
    still: float = STILL_PX,
) -> np.ndarray:
    """Warp the ``box`` of ``image``; outside it, and where pixels stay still, copy exactly.

    Args:
        image: (H, W, C) or (H, W) uint8.
        box: (x0, y0, x1, y1) pixels; every pixel that moves, and every source it reads, lies
            inside it (the box is the whole world of the warp).
        backward: output pixel p samples the source at p + backward(p) (box coordinates).
        forward: source pixel s lands at s + forward(s); the inverse of ``backward``.
        rows: strip height.
        interpolation: a ``cv2.INTER_*`` kernel for the moving pixels (cubic or Lanczos-4).
        back_project: add the detail the kernel lost (one back-projection step).
        still: displacements below this many pixels copy the source pixel.

    Returns:
        A new uint8 array shaped like ``image``.
    """
    if image.dtype != np.uint8:
        raise TypeError(f"remap_sharp needs a uint8 image, got {image.dtype}")
    x0, y0, x1, y1 = box
    out = image.copy()
    src = np.ascontiguousarray(image[y0:y1, x0:x1])
    h, w = src.shape[:2]
    back = _Strips(backward, h, w, rows)
    warped = np.empty_like(src)
    moving = np.zeros((h, w), bool)
    rm = lambda img, m, how: cv2.remap(img, m[0], m[1], how, borderMode=cv2.BORDER_REPLICATE)  # noqa: E731
    for r0, r1, m in back:
        warped[r0:r1] = rm(src, m, interpolation)
        moving[r0:r1] = m[2] >= still * still
    if back_project:
        kernel = np.ones((3, 3), np.uint8)
        lo, hi = cv2.erode(src, kernel), cv2.dilate(src, kernel)
        grey_src, grey_warped = _grey(src), _grey(warped)
        err = np.empty(grey_src.shape, np.int16)
        for r0, r1, m in _Strips(forward, h, w, rows):
            err[r0:r1] = cv2.subtract(grey_src[r0:r1], rm(grey_warped, m, interpolation), dtype=cv2.CV_16S)
        for r0, r1, m in back:
            fix = rm(err, m, interpolation)
            sharp = warped[r0:r1].astype(np.int16) + (fix[..., None] if warped.ndim == 3 else fix)
            # anti-ringing: stay within the range of the 3 x 3 source pixels around the sample's
            # whole-pixel part (which holds the pixels on both sides of the sample)
            near = [cv2.remap(a, m[0], None, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE) for a in (lo, hi)]
            warped[r0:r1] = np.clip(sharp, near[0], near[1]).astype(np.uint8)
    region = out[y0:y1, x0:x1]
    np.copyto(region, warped, where=moving[..., None] if warped.ndim == 3 else moving)
    return out
