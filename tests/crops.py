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


def rig_of(image: np.ndarray, scale: float = 1.0):
    """A :class:`~sfumato.engines.rig.RigEngine` prepared on the head crop of ``image`` ((H, W, 3)
    uint8 RGB), enlarged ``scale`` times (bicubic) first, its default sweep planned."""
    import cv2

    from sfumato.engines.base import SweepSpec
    from sfumato.engines.rig import RigEngine

    if scale != 1.0:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    eng = RigEngine()
    eng.prepare(head_crop_of(image))
    eng.plan(SweepSpec())
    return eng


def shared_rig(name: str):
    """:func:`rig_of` the painting ``../shared/testdata/NAME.jpg``; the test is skipped when it is
    not there (``../shared`` is optional)."""
    import pytest

    from sfumato.imaging.painting import load_painting
    from tests.conftest import TESTDATA

    path = TESTDATA / f"{name}.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present (../shared is optional)")
    return rig_of(load_painting(path))
