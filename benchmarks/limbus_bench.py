"""The moved iris' edge softness and size against the painting's, per eye, at each gaze.

    python benchmarks/limbus_bench.py BANK_DIR [BANK_DIR ...] [--json OUT.json]

For each bank: the painting's limbus edge width per eye (10-90% rise across the iris rim into
the white, :func:`sfumato.face.limbus_edge.limbus_widths`) and the same on the gaze frames of
the middle row (the nine bench_rig gaze columns), over all rays and per side (the rays pointing
image-left | image-right, :meth:`~sfumato.face.limbus_edge.LimbusEdge.sides`; the frames' sides
are medians over the frames where that side shows white); then each eye's iris radius on each frame over
the painting's, twice: FaceMesh's (bench_rig's *iris r*) and the radial fit's on the frame's
own pixels (:func:`sfumato.rig.iris.fit_iris` from FaceMesh's circle), so a FaceMesh misreading
shows against a fit that looks at the iris itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.bank.format import load_bank  # noqa: E402
from sfumato.face.limbus_edge import limbus_widths  # noqa: E402
from sfumato.face.quality import eye_iris_radii, steady_landmarks  # noqa: E402
from sfumato.imaging.lab import lightness  # noqa: E402


def measure(folder: str, samples: int = 2) -> dict:
    """One bank's edge widths and iris radii (see the module docstring)."""
    bank = load_bank(folder, verify=False)
    lm0 = steady_landmarks(bank.painting, near=bank.crop, samples=samples)
    if lm0 is None:
        raise SystemExit(f"{folder}: no face in the painting")
    e0 = limbus_widths(lightness(bank.painting), lm0)
    fm0 = eye_iris_radii(lm0)
    rows, cols = bank.grid
    picks = np.unique(np.round(np.linspace(0, cols - 1, min(9, cols))).astype(int)) + (rows // 2) * cols
    frames = []
    for i in picks:
        full = bank.full_frame(int(i))
        lm = steady_landmarks(full, near=bank.crop, samples=samples)
        if lm is None:
            continue
        e = limbus_widths(lightness(full), lm)
        fm = eye_iris_radii(lm)
        frames.append({"gaze": float(bank.labels[int(i)][0]), "width": [x.width for x in e], "rays": [x.rays for x in e],
                       "sides": [x.sides() for x in e],
                       "fm_r": [a / b for a, b in zip(fm, fm0)], "fit_r": [a.radius / b.radius for a, b in zip(e, e0)]})
    return {"bank": Path(folder).name, "painted": [x.width for x in e0], "painted_rays": [x.rays for x in e0],
            "painted_sides": [x.sides() for x in e0],
            "painted_fit_r": [x.radius for x in e0], "painted_fm_r": list(fm0), "frames": frames}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("banks", nargs="+")
    ap.add_argument("--json")
    ap.add_argument("--samples", type=int, default=2, help="FaceMesh jittered copies per image")
    args = ap.parse_args()
    out = []
    for b in args.banks:
        r = measure(b, args.samples)
        out.append(r)
        f = r["frames"]
        med = [float(np.nanmedian([x["width"][k] for x in f])) for k in (0, 1)]
        sides = [[float(np.nanmedian([x["sides"][k][j] for x in f])) for j in (0, 1)] for k in (0, 1)]
        ps = r["painted_sides"]
        print(f"{r['bank']}: painted edge {r['painted'][0]:.2f} / {r['painted'][1]:.2f} px (rays {r['painted_rays']}), "
              f"frames median {med[0]:.2f} / {med[1]:.2f}; by side (left|right) painted "
              f"{ps[0][0]:.2f}|{ps[0][1]:.2f} / {ps[1][0]:.2f}|{ps[1][1]:.2f}, frames "
              f"{sides[0][0]:.2f}|{sides[0][1]:.2f} / {sides[1][0]:.2f}|{sides[1][1]:.2f}", flush=True)
        for x in f:
            print(f"  {x['gaze']:+5.0f}  edge {x['width'][0]:5.2f} / {x['width'][1]:5.2f} ({x['rays'][0]:2d}/{x['rays'][1]:2d} rays)  "
                  f"r FaceMesh {x['fm_r'][0]:.2f} / {x['fm_r'][1]:.2f}  r fit {x['fit_r'][0]:.2f} / {x['fit_r'][1]:.2f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
