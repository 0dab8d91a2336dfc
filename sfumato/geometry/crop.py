"""The head crop: a square box around the face, clipped to the painting.

The engine animates the full square (edge-padded where the box leaves the painting); the
bank stores only the part inside the painting, at ``CropBox.clipped``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.engines.base import HeadCrop
from sfumato.face.detect import Face
from sfumato.imaging.resize import clip_box, pad_square_crop


@dataclass(frozen=True)
class CropBox:
    """A square box in painting pixels and its intersection with the painting.

    Attributes:
        x, y: top-left corner of the square (may be negative or past the edge).
        side: side of the square in pixels.
        clipped: (x, y, w, h) part of the square inside the painting.
    """

    x: int
    y: int
    side: int
    clipped: tuple[int, int, int, int]

    def square_slice(self) -> tuple[slice, slice]:
        """Rows and columns of the square that lie inside the painting (for an (S, S) array)."""
        cx, cy, cw, ch = self.clipped
        return slice(cy - self.y, cy - self.y + ch), slice(cx - self.x, cx - self.x + cw)


def head_box(face: Face, painting_size: tuple[int, int], margin: float = 0.6) -> CropBox:
    """A square around the face: the landmarks' extent grown by ``margin`` on every side.

    Args:
        face: the face, painting pixels.
        painting_size: (width, height) of the painting.
        margin: extra space on each side as a fraction of the face size (0.6 -> the square is
            2.2 face sizes wide), so the blend can fade out well away from the face.
    """
    if margin < 0:
        raise ValueError("margin must be >= 0")
    lm = face.landmarks
    x0, y0 = float(lm[:, 0].min()), float(lm[:, 1].min())
    x1, y1 = float(lm[:, 0].max()), float(lm[:, 1].max())
    size = max(x1 - x0, y1 - y0, face.box[2], face.box[3])
    side = int(round(size * (1.0 + 2.0 * margin)))
    side += side % 2
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    x, y = int(round(cx - side / 2)), int(round(cy - side / 2))
    w, h = painting_size
    return CropBox(x, y, side, clip_box(x, y, side, w, h))


def head_crop(painting: np.ndarray, face: Face, box: CropBox) -> HeadCrop:
    """Cut the (side, side) square for the engine, landmarks moved into crop pixels.

    Args:
        painting: (H, W, 3) uint8 RGB.
    """
    image = pad_square_crop(painting, box.x, box.y, box.side)
    lms = face.landmarks.copy()
    lms[:, 0] -= box.x
    lms[:, 1] -= box.y
    fx, fy, fw, fh = face.box
    return HeadCrop(image=image, landmarks=lms, face_box=(fx - box.x, fy - box.y, fw, fh))
