"""Read a painting file into (H, W, 3) uint8 RGB, whatever its format.

Handles grayscale, RGBA / LA / palette (composited over white), 16-bit and float images
(scaled to 8 bits), and EXIF orientation. Every failure is an :class:`InputImageError`
naming the file and the fix.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from sfumato.errors import InputImageError

MAX_PIXELS = 400_000_000
"""Largest painting accepted (20000 x 20000): beyond that memory use gets unreasonable."""

_EXIF_ORIENTATION = 0x0112
# EXIF orientation -> (rotate code or None, flip code or None), applied rotate then flip.
_ORIENT = {
    2: (None, 1),
    3: (cv2.ROTATE_180, None),
    4: (None, 0),
    5: (cv2.ROTATE_90_CLOCKWISE, 1),
    6: (cv2.ROTATE_90_CLOCKWISE, None),
    7: (cv2.ROTATE_90_COUNTERCLOCKWISE, 1),
    8: (cv2.ROTATE_90_COUNTERCLOCKWISE, None),
}


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    """Hex sha256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _orientation(path: Path) -> int:
    try:
        with Image.open(path) as im:  # lazy: reads the header only
            return int(im.getexif().get(_EXIF_ORIENTATION, 1))
    except Exception:
        return 1


def _to_uint8(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.uint16:
        return (img >> 8).astype(np.uint8)
    if img.dtype.kind == "f":
        return (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    info = np.iinfo(img.dtype)
    return ((img.astype(np.float64) - info.min) / (info.max - info.min) * 255 + 0.5).astype(np.uint8)


def _to_rgb(img: np.ndarray) -> np.ndarray:
    """OpenCV channel order (gray, BGR or BGRA) -> RGB, alpha composited over white."""
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    if img.shape[2] == 1:
        return cv2.cvtColor(img[:, :, 0], cv2.COLOR_GRAY2RGB)
    if img.shape[2] == 4:
        alpha = img[:, :, 3:4].astype(np.float32) / 255.0
        rgb = cv2.cvtColor(img[:, :, :3], cv2.COLOR_BGR2RGB).astype(np.float32)
        return (rgb * alpha + 255.0 * (1.0 - alpha) + 0.5).astype(np.uint8)
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def load_painting(path: str | Path) -> np.ndarray:
    """Read a painting as (H, W, 3) uint8 RGB, upright.

    Raises:
        InputImageError: missing, unreadable, not an image, or too large.
    """
    path = Path(path)
    if not path.exists():
        raise InputImageError(f"{path}: file not found; check the path to the painting.")
    if path.is_dir():
        raise InputImageError(f"{path}: is a folder; give the path of an image file (JPEG, PNG, TIFF, ...).")
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as err:
        raise InputImageError(f"{path}: cannot be read ({err.strerror}); check its permissions.") from None
    if data.size == 0:
        raise InputImageError(f"{path}: file is empty; give a JPEG, PNG or TIFF image.")
    try:
        with Image.open(path) as im:
            w, h = im.size
        if w * h > MAX_PIXELS:
            raise InputImageError(
                f"{path}: {w}x{h} is larger than sfumato's limit of {MAX_PIXELS // 1_000_000} megapixels; "
                "downscale the painting first."
            )
    except InputImageError:
        raise
    except Exception:
        pass  # PIL cannot read every format OpenCV can; OpenCV decides below
    img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    del data
    if img is None or img.size == 0:
        raise InputImageError(f"{path}: not an image OpenCV can decode; save it as JPEG, PNG or TIFF.")
    img = _to_rgb(_to_uint8(img))
    rotate, flip = _ORIENT.get(_orientation(path), (None, None))
    if rotate is not None:
        img = cv2.rotate(img, rotate)
    if flip is not None:
        img = cv2.flip(img, flip)
    return np.ascontiguousarray(img)
