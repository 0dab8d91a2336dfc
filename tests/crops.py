"""The head crop of a test image, as precompute takes it (largest face, default margin)."""

from __future__ import annotations

import numpy as np

from sfumato.engines.base import HeadCrop
from sfumato.face.detect import find_faces
from sfumato.geometry.crop import head_box, head_crop


def head_crop_of(image: np.ndarray, margin: float = 0.6) -> HeadCrop:
    """:class:`HeadCrop` of the first face found in ``image`` ((H, W, 3) uint8 RGB)."""
    face = find_faces(image)[0]
    return head_crop(image, face, head_box(face, (image.shape[1], image.shape[0]), margin))
