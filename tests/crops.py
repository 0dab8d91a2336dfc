"""The head crop of a test image, as precompute takes it (largest face, default margin), and the rig
engines the tests build on it.

Rigs of the same painting at the same scale are built once per test session (:func:`shared_rig`,
:func:`astronaut_rig`, :func:`sample_rig`; a build is 5-10 s, and about 20 modules asked for the same
few): each call hands out a deep copy, so a test may mutate its engine or monkeypatch what it renders
with. A rig built under a monkeypatch must not be cached (the patch would reach every later test): the
cached helpers refuse when a function from the tests is patched into ``sfumato`` (:func:`_unpatched`),
and such a test builds its own with :func:`rig_of` (or ``shared_rig(name, fresh=True)``).
"""

from __future__ import annotations

import copy
import sys
import threading
from typing import Any, Callable

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


_RIGS: dict[tuple[str, float], Any] = {}
"""Prepared engines by (painting, scale), built once per session: rigs of 2x-3x astronauts and 1200 px
paintings hold 10-50 MB of arrays each (the astronaut at 3x: 11.5 MB)."""


def _unpatched(what: str) -> None:
    """Raise if a function defined in the tests has been patched into a ``sfumato`` module (a spy or a
    stand-in): a rig built or handed out now would be built with it, or not be what the test asked for.
    Constants set by monkeypatch and methods patched on a class are not seen; :func:`rig_of` builds
    without the cache."""
    for mod_name, mod in list(sys.modules.items()):
        if not mod_name.startswith("sfumato") or mod is None:
            continue
        for attr, value in list(vars(mod).items()):
            if callable(value) and str(getattr(value, "__module__", "")).startswith("tests"):
                raise RuntimeError(f"{what}: {mod_name}.{attr} is patched by the test; build the rig with "
                                   "tests.crops.rig_of (uncached) instead")


def _copy(engine):
    """A deep copy of a prepared engine (its eye lock new: a lock cannot be copied)."""
    memo = {id(engine._eye_lock): threading.Lock()} if hasattr(engine, "_eye_lock") else {}
    return copy.deepcopy(engine, memo)


def cached_rig(name: str, scale: float, image: Callable[[], np.ndarray]):
    """A deep copy of :func:`rig_of` (``image()``, ``scale``), the painting called ``name``, built
    the first time it is asked for in the session."""
    key = (name, float(scale))
    _unpatched(f"rig of {name} at {scale}x")
    if key not in _RIGS:
        _RIGS[key] = rig_of(image(), scale)
    return _copy(_RIGS[key])


def astronaut_rig(scale: float = 1.0):
    """The astronaut (``skimage.data.astronaut()``) rigged at ``scale`` (see :func:`cached_rig`)."""
    from skimage import data

    return cached_rig("astronaut", scale, data.astronaut)


def sample_rig(name: str, scale: float = 1.0):
    """The bundled sample ``name`` (:func:`sfumato.imaging.samples.sample`) rigged at ``scale``."""
    from sfumato.imaging.samples import sample

    return cached_rig(f"sample:{name}", scale, lambda: sample(name))


def shared_rig(name: str, fresh: bool = False):
    """:func:`rig_of` the painting ``../shared/testdata/NAME.jpg``, a copy of the session's (see
    :func:`cached_rig`), or with ``fresh`` built now (under the test's patches); the test is skipped
    when it is not there (``../shared`` is optional)."""
    import pytest

    from sfumato.imaging.painting import load_painting
    from tests.conftest import TESTDATA

    path = TESTDATA / f"{name}.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present (../shared is optional)")
    if fresh:
        return rig_of(load_painting(path))
    return cached_rig(f"shared:{name}", 1.0, lambda: load_painting(path))


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
