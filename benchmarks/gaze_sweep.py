"""Measure a bank's gaze sweep with FaceMesh on its output frames (the objective check).

    python benchmarks/gaze_sweep.py frames/mona_lisa [--samples 1 8] [--json out.json]

Per frame: the bank's full frame (the painting with that frame blended in) is measured with
``sfumato.face.gaze.measure_gaze``: iris centre offset from the eye-corner midpoint, in eye
half-widths, averaged over both eyes (``samples`` > 1 averages jittered copies of the frame
to tame FaceMesh's own noise; 1 is a single plain run). Prints the range, the number of
reversed steps and the smallest step of the first row.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from sfumato.bank.format import load_bank
from sfumato.face.gaze import measure_gaze
from sfumato.face.quality import gaze_order


def sweep(bank_dir: Path, samples: int) -> np.ndarray:
    """(cols,) horizontal gaze of the first row's full frames (NaN where no face is found)."""
    bank = load_bank(bank_dir)
    cols = bank.grid[1]
    out = []
    for i in range(cols):
        g = measure_gaze(bank.full_frame(i), samples=samples)
        out.append(np.nan if g is None else g[0])
    return np.array(out)


def summary(h: np.ndarray) -> dict:
    return {**gaze_order(h), "values": [round(float(v), 4) for v in h]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("bank", type=Path)
    p.add_argument("--samples", type=int, nargs="+", default=[1, 8, 16])
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    rows = {}
    print(f"bank: {args.bank}\n\n| FaceMesh runs per frame | range (eye half-widths) | first..last | reversed steps | smallest step |")
    print("|---|---|---|---|---|")
    for s in args.samples:
        r = rows[s] = summary(sweep(args.bank, s))
        v = r["values"]
        print(f"| {s} | {r['range']:.3f} | {v[0]:+.3f}..{v[-1]:+.3f} | {r['reversed_steps']}/{r['steps']} | {r['smallest_step']:+.4f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
