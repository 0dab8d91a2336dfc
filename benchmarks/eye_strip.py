"""The README's eye strip: a painting's eyes from the rig engine across the sweep, then a blink.

    python benchmarks/eye_strip.py [PAINTING] [--out docs/img/mona_lisa_eyes.png]

Tiles (two columns): gaze -30, -15, 0, +15, +30 degrees of the default sweep (the planned
frame nearest each), then the centre frame half closed (0.35, 0.7) and closed. Each tile is the
box around both eyes in the head crop (3:1), scaled to ``--width`` pixels, labelled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.engines.base import SweepSpec  # noqa: E402
from sfumato.engines.rig import RigEngine  # noqa: E402
from sfumato.face.detect import find_faces  # noqa: E402
from sfumato.geometry.crop import head_box, head_crop  # noqa: E402
from sfumato.imaging.painting import load_painting  # noqa: E402
from sfumato.imaging.resize import resize_to  # noqa: E402

TILES = [(-30.0, 0.0, "-30 deg"), (-15.0, 0.0, "-15 deg"), (0.0, 0.0, "0 deg"), (15.0, 0.0, "+15 deg"),
         (30.0, 0.0, "+30 deg"), (0.0, 0.35, "blink 0.35"), (0.0, 0.7, "blink 0.7"), (0.0, 1.0, "closed")]


def label(tile: np.ndarray, text: str) -> np.ndarray:
    """``text`` in the tile's top-left corner, white with a dark outline (in place)."""
    for colour, thick in (((0, 0, 0), 4), ((255, 255, 255), 2)):
        cv2.putText(tile, text, (8, 26), cv2.FONT_HERSHEY_SIMPLEX, 0.7, colour, thick, cv2.LINE_AA)
    return tile


def strip(painting: np.ndarray, width: int) -> np.ndarray:
    """(H, 2 * width + gap, 3) uint8 RGB strip of :data:`TILES`."""
    face = find_faces(painting)[0]
    crop = head_crop(painting, face, head_box(face, (painting.shape[1], painting.shape[0]), 0.6))
    eng = RigEngine()
    eng.prepare(crop)
    poses = eng.plan(SweepSpec())
    x0, y0, x1, y1 = eng._eye_box()
    height = width // 3  # tiles of 3:1 around the eyes' middle
    cy = (y0 + y1) // 2
    h_src = (x1 - x0) // 3
    tiles = []
    for gaze, blink, text in TILES:
        pose = min(poses, key=lambda p: abs(p.gaze_yaw - gaze) + abs(p.gaze_pitch))
        frame = eng.render_pose(pose, blink)
        box = frame[max(0, cy - h_src // 2) : cy + h_src // 2, x0:x1]
        tiles.append(label(resize_to(box, width, height), text))
    gap = 4
    rows = []
    for k in range(0, len(tiles), 2):
        rows.append(np.concatenate([tiles[k], np.full((height, gap, 3), 255, np.uint8), tiles[k + 1]], 1))
        rows.append(np.full((gap, rows[-1].shape[1], 3), 255, np.uint8))
    return np.concatenate(rows[:-1], 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("painting", type=Path, nargs="?", default=ROOT.parent / "shared" / "testdata" / "mona_lisa.jpg")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "mona_lisa_eyes.png")
    ap.add_argument("--width", type=int, default=400)
    args = ap.parse_args(argv)
    if not args.painting.is_file():
        print(f"{args.painting}: not found; give a painting's path", file=sys.stderr)
        return 2
    out = strip(load_painting(args.painting), args.width)
    cv2.imwrite(str(args.out), cv2.cvtColor(out, cv2.COLOR_RGB2BGR))
    print(f"{args.out}: {out.shape[1]}x{out.shape[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
