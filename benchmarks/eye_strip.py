"""The README's eye strip: a painting's eyes from the rig engine across the sweep, then a blink.

    python benchmarks/eye_strip.py [PAINTING] [--out docs/img/mona_lisa_eyes.png]

Tiles (two columns): gaze -30, -15, 0, +15, +30 degrees of the default sweep (the planned
frame nearest each), then the centre frame half closed (0.35, 0.7) and closed, all rendered by
the engine; then a mid-blink as the live portrait shows it (:data:`LIVE`): the bank's stored lid
nearest that closure, laid by ``live.compositor.ScreenBank`` over a frame between two blink
frames (the lid of its nearest blink frame moved onto its eyes), beside the engine's own
render of that frame at that closure. Each tile is the box around both eyes in the head crop
(3:1), scaled to ``--width`` pixels, labelled. The bank is built (``precompute``'s defaults, in
a temporary folder) and its engine rebuilt from it (``RigEngine.from_bank``: the very rig that
rendered the bank).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from live.compositor import MasterBank, ScreenBank  # noqa: E402
from precompute.build import BuildConfig, build_bank  # noqa: E402
from sfumato.bank.format import load_bank  # noqa: E402
from sfumato.engines.base import SweepSpec  # noqa: E402
from sfumato.engines.rig import RigEngine  # noqa: E402
from sfumato.imaging.resize import resize_to  # noqa: E402

TILES = [(-30.0, 0.0, "-30 deg"), (-15.0, 0.0, "-15 deg"), (0.0, 0.0, "0 deg"), (15.0, 0.0, "+15 deg"),
         (30.0, 0.0, "+30 deg"), (0.0, 0.35, "blink 0.35"), (0.0, 0.7, "blink 0.7"), (0.0, 1.0, "closed")]
LIVE = (4.0, 0.35)
"""The live mid-blink tile: the frame nearest this gaze (degrees; +3.75 in the default sweep,
two columns from the centre's blink frame, whose lid it shows) at this closure (shown as the
stored level nearest it, 1/3 of the default 6)."""


def label(tile: np.ndarray, text: str) -> np.ndarray:
    """``text`` in the tile's top-left corner, white with a dark outline (in place)."""
    for colour, thick in (((0, 0, 0), 4), ((255, 255, 255), 2)):
        cv2.putText(tile, text, (8, 26), cv2.FONT_HERSHEY_SIMPLEX, 0.7, colour, thick, cv2.LINE_AA)
    return tile


def strip(painting_path: Path, width: int) -> np.ndarray:
    """(H, 2 * width + gap, 3) uint8 RGB strip of :data:`TILES` and the :data:`LIVE` pair."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_bank(BuildConfig(painting_path, Path(tmp) / "bank", progress=False))
        bank = load_bank(folder, verify=False)
        eng = RigEngine.from_bank(folder)
        master = MasterBank.from_bank(bank, (1 << 20, 1 << 20))  # at the bank's own scale
        screen = ScreenBank(master, (master.painting.shape[1], master.painting.shape[0]), (0, 0, 0))
    poses = eng.plan(SweepSpec(**bank.manifest["sweep"]))  # the bank's sweep (from_bank planned it too)
    x0, y0, x1, y1 = eng._eye_box()
    height = width // 3  # tiles of 3:1 around the eyes' middle
    cy = (y0 + y1) // 2
    h_src = (x1 - x0) // 3
    rows = slice(max(0, cy - h_src // 2), cy + h_src // 2)

    def nearest(gaze: float) -> int:
        return min(range(len(poses)), key=lambda k: abs(poses[k].gaze_yaw - gaze) + abs(poses[k].gaze_pitch))

    tiles = []
    for gaze, blink, text in TILES:
        frame = eng.render_pose(poses[nearest(gaze)], blink)
        tiles.append(label(resize_to(frame[rows, x0:x1], width, height), text))
    i, closure = nearest(LIVE[0]), LIVE[1]
    sx, sy, _ = bank.manifest["square_box"]  # head square -> painting pixels
    shown = screen.full_frame([(i, 1.0)], closure)[rows.start + sy : rows.stop + sy, x0 + sx : x1 + sx]
    at = f"{poses[i].gaze_yaw:+.0f} deg"
    tiles.append(label(resize_to(shown, width, height), f"live {closure} {at}"))
    tiles.append(label(resize_to(eng.render_pose(poses[i], closure)[rows, x0:x1], width, height), f"blink {closure} {at}"))
    gap = 4
    out = []
    for k in range(0, len(tiles), 2):
        out.append(np.concatenate([tiles[k], np.full((height, gap, 3), 255, np.uint8), tiles[k + 1]], 1))
        out.append(np.full((gap, out[-1].shape[1], 3), 255, np.uint8))
    return np.concatenate(out[:-1], 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("painting", type=Path, nargs="?", default=ROOT.parent / "shared" / "testdata" / "mona_lisa.jpg")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "mona_lisa_eyes.png")
    ap.add_argument("--width", type=int, default=400)
    args = ap.parse_args(argv)
    if not args.painting.is_file():
        print(f"{args.painting}: not found; give a painting's path", file=sys.stderr)
        return 2
    out = strip(args.painting, args.width)
    cv2.imwrite(str(args.out), cv2.cvtColor(out, cv2.COLOR_RGB2BGR))
    print(f"{args.out}: {out.shape[1]}x{out.shape[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
