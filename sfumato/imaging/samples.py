"""Bundled sample paintings (no download): ``python -m sfumato.imaging.samples astronaut OUT.png``.

The astronaut is ``skimage.data.astronaut()``, a real face shipped inside scikit-image.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

SAMPLES = ("astronaut",)


def sample(name: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB sample image called ``name``."""
    if name == "astronaut":
        from skimage import data

        return data.astronaut()
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
