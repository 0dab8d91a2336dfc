"""Shared fixtures: real faces (astronaut, bundled; Mona Lisa from ../shared when present)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

SHARED = Path(__file__).resolve().parents[2] / "shared"
TESTDATA = SHARED / "testdata"


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """(512, 512, 3) uint8 RGB real face bundled in scikit-image."""
    from skimage import data

    return data.astronaut()


@pytest.fixture(scope="session")
def astronaut_png(tmp_path_factory, astronaut) -> Path:
    import cv2

    path = tmp_path_factory.mktemp("paintings") / "astronaut.png"
    cv2.imwrite(str(path), cv2.cvtColor(astronaut, cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture(scope="session")
def mona_lisa_path() -> Path:
    path = TESTDATA / "mona_lisa.jpg"
    if not path.is_file():
        pytest.skip("../shared/testdata/mona_lisa.jpg not present")
    return path


@pytest.fixture(scope="module")
def ast_crop(astronaut):
    """The astronaut's head crop (a :class:`sfumato.engines.base.HeadCrop`), once per module."""
    from tests.crops import head_crop_of

    return head_crop_of(astronaut)


@pytest.fixture(scope="module")
def ast_engine():
    """A :class:`sfumato.engines.rig.RigEngine` prepared on :func:`ast_crop` with the default sweep: a
    copy, per module, of the one built once per session (:func:`tests.crops.astronaut_rig`)."""
    from tests.crops import astronaut_rig

    return astronaut_rig()
