"""What a blink costs the rig engine: CPU milliseconds per closing-lid render.

    python benchmarks/bench_blink.py [--testdata DIR] [--only NAME ...] [--repeats N]

For the bundled astronaut and every ``*.jpg`` in ``../shared/testdata`` (when present), the
rig engine is prepared on the head crop, then timed (CPU time of this process,
``time.process_time``, which a loaded machine disturbs much less than wall time; median of
``--repeats`` runs):

| column | what |
|---|---|
| crop | head crop side, pixels |
| lid set-up | :func:`sfumato.rig.blink.lid_sheet` for both eyes (once per painting) |
| eye 0.35 / 0.7 / 1.0 | :func:`sfumato.rig.eye.render_eye` for both eyes at that closure |
| frame 1.0 | ``RigEngine.render_pose`` of a closed-eyed frame with a head turn, right after the same pose open (the live and bank case: only the eyes are re-warped) |
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.engines.base import Pose  # noqa: E402
from sfumato.engines.rig import RigEngine  # noqa: E402
from sfumato.face.detect import find_faces  # noqa: E402
from sfumato.geometry.crop import head_box, head_crop  # noqa: E402
from sfumato.imaging.painting import load_painting  # noqa: E402
from sfumato.rig.blink import lid_sheet  # noqa: E402
from sfumato.rig.eye import render_eye  # noqa: E402

LEVELS = (0.35, 0.7, 1.0)


def cpu_ms(fn, repeats: int) -> float:
    """Median CPU milliseconds of ``fn()`` over ``repeats`` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append(1000.0 * (time.process_time() - t))
    return statistics.median(times)


def measure(image: np.ndarray, repeats: int) -> dict[str, float] | None:
    faces = find_faces(image)
    if not faces:
        return None
    crop = head_crop(image, faces[0], head_box(faces[0], (image.shape[1], image.shape[0]), 0.6))
    eng = RigEngine()
    eng.prepare(crop)
    if not eng.eyes:
        return None
    row = {"crop": float(crop.image.shape[0])}
    row["lid set-up"] = cpu_ms(lambda: [lid_sheet(e.image, e.u, e.v, e.lids, e.frame, e.radius) for e in eng.eyes], repeats)
    shift = np.zeros(2)
    for b in LEVELS:
        row[f"eye {b}"] = cpu_ms(lambda b=b: [render_eye(e, shift, b) for e in eng.eyes], repeats)
    pose = Pose(10.0, 0.0, 2.0, 0.0)

    def closed_frame() -> None:
        eng.render_pose(pose, 0.0)  # the open frame, cached by the engine (not timed below)
        t = time.process_time()
        eng.render_pose(pose, 1.0)
        closed_frame.ms = 1000.0 * (time.process_time() - t)

    samples = []
    for _ in range(repeats + 1):
        closed_frame()
        samples.append(closed_frame.ms)
    row["frame 1.0"] = statistics.median(samples[1:])
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--testdata", type=Path, default=ROOT.parent / "shared" / "testdata")
    ap.add_argument("--only", nargs="*", default=None, help="painting names (file stems) to measure")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    from skimage import data

    paintings = [("astronaut", data.astronaut)]
    if args.testdata.is_dir():
        paintings += [(p.stem, lambda p=p: load_painting(p)) for p in sorted(args.testdata.glob("*.jpg"))]
    if args.only:
        paintings = [(n, f) for n, f in paintings if n in args.only]
    cols = ["crop", "lid set-up"] + [f"eye {b}" for b in LEVELS] + ["frame 1.0"]
    print("| painting | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, load in paintings:
        row = measure(load(), args.repeats)
        if row is None:
            print(f"| {name} | " + " | ".join("-" for _ in cols) + " |  (no rigged eyes)")
            continue
        print(f"| {name} | {int(row['crop'])} | " + " | ".join(f"{row[c]:.1f}" for c in cols[1:]) + " |", flush=True)
    print("CPU ms (time.process_time), median of", args.repeats, "runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
