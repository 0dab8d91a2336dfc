"""Bundled sample paintings (no download): ``python -m sfumato.imaging.samples NAME OUT.png``.

``mona_lisa`` is the public-domain portrait shipped as package data in ``sfumato/data/``
(provenance and licence in ``sfumato/data/README.md``); ``astronaut`` is
``skimage.data.astronaut()``, a real face shipped inside scikit-image (the simulated viewer).
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

SAMPLES = ("mona_lisa", "astronaut")
_FILES = {"mona_lisa": "mona_lisa.jpg"}


def sample_path(name: str) -> Path:
    """Path of the bundled painting file called ``name`` (only file-backed samples)."""
    if name not in _FILES:
        raise ValueError(f"sample {name!r} has no file; choose one of {', '.join(_FILES)}")
    return Path(str(resources.files("sfumato.data").joinpath(_FILES[name])))


def sample(name: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB sample image called ``name``."""
    if name == "astronaut":
        from skimage import data

        return data.astronaut()
    if name in _FILES:
        from sfumato.imaging.painting import load_painting

        return load_painting(sample_path(name))
    raise ValueError(f"unknown sample {name!r}; choose one of {', '.join(SAMPLES)}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sfumato.imaging.samples", description=__doc__)
    p.add_argument("name", choices=SAMPLES)
    p.add_argument("out", type=Path, help="PNG file to write")
    args = p.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), cv2.cvtColor(sample(args.name), cv2.COLOR_RGB2BGR))
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
