"""Where the rig puts each iris against where FaceMesh reads it, per eye and frame.

    python benchmarks/gaze_cases.py BANK [BANK ...] [--samples 8] [--json out.json]

bench_rig's *gaze range* is FaceMesh's reading (:func:`sfumato.face.gaze.measure_gaze`, both
eyes averaged). When it is short, this tells whether the rig's irises do not travel far enough
or FaceMesh does not follow them. For bench_rig's 9 gaze frames (the middle row, evenly spaced)
and each eye (image-left first), in that eye's half-widths along its corner line:

- *disc*: the centre of the iris disc the rig draws, from the eye's centre, in the painting's
  eye frame (:meth:`sfumato.engines.rig.RigEngine.iris_shifts`);
- *visible*: the centroid of the iris as it shows (the iris drawn in two flat greys, under the
  corners' cover and the lids: their difference is where it shows), the same frame;
- *FaceMesh*: :func:`sfumato.face.gaze.measure_eye_gazes` on the full frame (the painting with
  the frame pasted in; the head turn included, as bench_rig reads it).

Each eye's range (last minus first frame's reading, max - min) is printed, and FaceMesh's range
over the visible one: about 0.65-0.93 on the bench paintings' eyes at session 16, 0.41 on
portrait_13's image-right eye, whose iris is as light as its white.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.bank.format import load_bank  # noqa: E402
from sfumato.engines.base import SweepSpec  # noqa: E402
from sfumato.engines.rig import RigEngine  # noqa: E402
from sfumato.face.gaze import measure_eye_gazes  # noqa: E402
from sfumato.rig.eye import EyeLayers, render_eye  # noqa: E402

FLAT = 200.0
"""The second flat grey the iris is drawn in (the first is black)."""


def visible_centroid(e: EyeLayers, shift: np.ndarray) -> float:
    """The shown iris' centroid along the eye (u, eye half-widths) with the iris moved by ``shift``
    ((2,) eye-frame pixels): the eye drawn with a black and with a flat grey iris (no highlight),
    each pixel weighted by how much of the iris shows there."""
    drawn = []
    for grey in (0.0, FLAT):
        flat = np.full_like(e.iris_rgb, grey)
        layers = dataclasses.replace(e, iris_rgb=flat, rim=None if e.rim is None else flat, body=None if e.body is None else flat,
                                     catch=None, sprite=None)
        drawn.append(render_eye(layers, shift))
    weight = np.clip((drawn[1] - drawn[0]).mean(-1) / FLAT, 0.0, None)
    return float((weight * e.u).sum() / max(weight.sum(), 1e-6)) / e.frame.half_width


def bank_cases(folder: Path, samples: int) -> dict:
    """Per frame and eye: gaze label, disc, visible, FaceMesh (see the module docstring)."""
    bank = load_bank(folder, verify=False)
    eng = RigEngine.from_bank(folder)
    if len(eng.eyes) != 2:
        raise SystemExit(f"{folder}: the rig animates {len(eng.eyes)} eyes; this compares two")
    rows, cols = bank.grid
    picks = np.unique(np.round(np.linspace(0, cols - 1, min(9, cols))).astype(int)) + (rows // 2) * cols
    poses = eng.plan(SweepSpec(**bank.manifest["sweep"]))  # the bank's own sweep (from_bank planned it too)
    frames = []
    for i in picks:
        pose = poses[int(i)]
        shifts = eng.iris_shifts(pose)
        read = measure_eye_gazes(bank.full_frame(int(i)), samples=samples)
        frames.append({
            "frame": int(i), "gaze": float(pose.gaze_yaw),
            "disc": [float((e.rest[0] + s[0]) / e.frame.half_width) for e, s in zip(eng.eyes, shifts)],
            "visible": [visible_centroid(e, s) for e, s in zip(eng.eyes, shifts)],
            "facemesh": [float("nan")] * 2 if read is None else list(read),
        })
    span = lambda key, k: float(np.nanmax([f[key][k] for f in frames]) - np.nanmin([f[key][k] for f in frames]))  # noqa: E731
    ranges = {key: [span(key, k) for k in (0, 1)] for key in ("disc", "visible", "facemesh")}
    return {"bank": str(folder), "frames": frames, "ranges": ranges}


def report(case: dict) -> str:
    """The per-frame table and the ranges of one :func:`bank_cases` result, markdown."""
    lines = [f"bank: {case['bank']}", "", "| gaze | image-left disc / visible / FaceMesh | image-right disc / visible / FaceMesh |", "|---|---|---|"]
    for f in case["frames"]:
        cells = [f"{f['disc'][k]:+.2f} / {f['visible'][k]:+.2f} / {f['facemesh'][k]:+.2f}" for k in (0, 1)]
        lines.append(f"| {f['gaze']:+.1f} | {cells[0]} | {cells[1]} |")
    r = case["ranges"]
    for k, side in enumerate(("image-left", "image-right")):
        share = r["facemesh"][k] / r["visible"][k] if r["visible"][k] > 0 else float("nan")
        lines.append(f"{side}: range disc {r['disc'][k]:.2f}, visible {r['visible'][k]:.2f}, FaceMesh {r['facemesh'][k]:.2f} "
                     f"({share:.2f} of the visible)")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("banks", type=Path, nargs="+")
    p.add_argument("--samples", type=int, default=8, help="jittered FaceMesh runs per frame (default %(default)s, as bench_rig)")
    p.add_argument("--json", type=Path, help="also write the cases as JSON")
    args = p.parse_args()
    cases = [bank_cases(b, args.samples) for b in args.banks]
    print("\n\n".join(report(c) for c in cases))
    if args.json:
        args.json.write_text(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main()
