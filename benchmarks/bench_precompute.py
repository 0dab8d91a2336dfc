"""Bank build benchmark: end-to-end time (previews included) and peak RSS per painting size.

    python benchmarks/bench_precompute.py [--runs 3] [--sizes 1200 4000 10000] [--frames 33]

Each build runs in its own process (``python -m precompute``) so peak RSS is that build's
own. The painting is the Mona Lisa from ../shared/testdata when present, else the bundled
astronaut, resized to each size. Prints a markdown table: median of ``--runs`` builds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
MONA = ROOT.parent / "shared" / "testdata" / "mona_lisa.jpg"
TARGETS = {1200: "< 10 s", 4000: "< 60 s", 10000: "RSS < 2 GB"}

CHILD = """
import resource, sys, time
from precompute.cli import main
t = time.perf_counter()
rc = main(sys.argv[1:])
dt = time.perf_counter() - t
print("BENCH", rc, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, flush=True)
"""


def painting_of_size(side: int, folder: Path) -> Path:
    if MONA.is_file():
        src = cv2.imread(str(MONA))
    else:
        from skimage import data

        src = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    path = folder / f"painting_{side}.jpg"
    cv2.imwrite(str(path), cv2.resize(src, (side, side), interpolation=cv2.INTER_CUBIC), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def build_once(painting: Path, out: Path, frames: int) -> tuple[float, float]:
    """(wall seconds of the whole process, peak RSS MiB)."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(painting), "--out", str(out), "--frames", str(frames), "--force", "--quiet"],
        capture_output=True, text=True, cwd=ROOT,
    )
    wall = time.perf_counter() - t
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH")]
    if proc.returncode != 0 or not line:
        raise SystemExit(f"build failed for {painting}:\n{proc.stderr[-2000:]}")
    _, rc, _, rss = line[0].split()
    return wall, float(rss)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--sizes", type=int, nargs="+", default=[1200, 4000, 10000])
    p.add_argument("--frames", type=int, default=33)
    p.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = p.parse_args()
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), platform.processor())
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"painting: {'mona_lisa.jpg' if MONA.is_file() else 'astronaut'} resized; {args.frames} frames; median of {args.runs}\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for side in args.sizes:
            painting = painting_of_size(side, tmp)
            walls, rsss = [], []
            for _ in range(args.runs):
                wall, rss = build_once(painting, tmp / f"bank_{side}", args.frames)
                walls.append(wall)
                rsss.append(rss)
            man = json.loads((tmp / f"bank_{side}" / "manifest.json").read_text())
            rows.append({
                "size": f"{side}x{side}", "crop": man["crop"][2], "frames": args.frames,
                "median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
                "peak_rss_mib": max(rsss), "target": TARGETS.get(side, ""),
            })
    print("| painting | crop px | frames | build s (median) | min..max s | peak RSS MiB | target |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']} | {r['crop']} | {r['frames']} | {r['median_s']:.2f} | {r['min_s']:.2f}..{r['max_s']:.2f} | {r['peak_rss_mib']:.0f} | {r['target']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
