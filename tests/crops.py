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


def shared_eye_layers(name: str, side: str = "left"):
    """The eye on the face's ``side`` (``"left"``: the image-right eye) of
    ``../shared/testdata/NAME.jpg`` as the rig lays it out, with what the white tests measure on
    it; skipped when the painting is not there.

    Returns:
        A namespace: ``layers`` the :class:`sfumato.rig.eye.EyeLayers`; ``c`` (2,) float64 iris centre and ``r`` its radius (ROI pixels); ``xx``,
        ``d`` (h, w) pixel column and distance from ``c``; ``seen`` (h, w) bool, open between the
        lids; ``base``, ``painted`` (h, w, 3) float32 CIE Lab of the rebuilt white and of the painting.
    """
    from types import SimpleNamespace

    import pytest

    from sfumato.imaging.lab import rgb_to_lab
    from sfumato.imaging.painting import load_painting
    from sfumato.rig.eye import eye_layers
    from sfumato.rig.lids import opening
    from sfumato.rig.rig import extract_rig
    from tests.conftest import TESTDATA

    path = TESTDATA / f"{name}.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present (../shared is optional)")
    crop = head_crop_of(load_painting(path))
    rig = extract_rig(crop.image, np.asarray(crop.landmarks, np.float64))
    er = [e for e in rig.eyes if e.side == side][0]
    layers = eye_layers(crop.image, er)
    c = np.asarray(er.iris.centre, np.float64) - (layers.x0, layers.y0)
    yy, xx = np.mgrid[0 : layers.image.shape[0], 0 : layers.image.shape[1]]
    return SimpleNamespace(
        layers=layers, c=c, r=float(er.iris.radius), xx=xx, d=np.hypot(xx - c[0], yy - c[1]),
        seen=opening(layers.u, layers.v, layers.lids, layers.edge) > 0.99,
        base=rgb_to_lab(np.clip(layers.base, 0, 255).astype(np.float32)), painted=rgb_to_lab(layers.image))
