"""Soak test: the live loop for a long time, headless, with the simulated viewer.

    python benchmarks/bench_soak.py [--minutes 60] [--sample-s 30] [--scenario demo]
                                    [--fps 60] [--size 1280x720] [--bank DIR] [--json out/soak.json]

Runs the real live loop (capture thread, BlazeFace tracking, smoothing, compositor, pygame
dummy display) in real time for ``--minutes``, in chunks of ``--sample-s`` seconds. After each
chunk it samples the process RSS, the display flips, late flips (gap > 1.5 display periods),
and camera frames produced by the capture thread versus processed by the loop (the rest were
dropped: the loop always takes the newest frame). Prints one row per sample and a summary:
RSS after warm-up and at the end, its growth and slope (MB/hour, least squares over the
samples after the first 10 %), display fps, dropped camera frames and late flips. Without
``--bank`` it builds the astronaut bank (33 frames) into a temp folder first.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def astronaut_bank(folder: Path) -> Path:
    import cv2
    from skimage import data

    from precompute.build import BuildConfig, build_bank

    png = folder / "astronaut.png"
    cv2.imwrite(str(png), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    return build_bank(BuildConfig(painting=png, out=folder / "astronaut", progress=False))


def soak(bank: Path, minutes: float, sample_s: float, scenario: str, fps: float, size: tuple[int, int]) -> dict:
    import numpy as np

    from live.app import build_loop
    from live.config import LiveConfig, check_config, set_option

    cfg = LiveConfig(bank=str(bank))
    for key, value in {"camera.source": f"sim:{scenario}", "output.headless": True, "display.size": size,
                       "display.fps": fps}.items():
        cfg = set_option(cfg, key, value)
    check_config(cfg)
    loop = build_loop(cfg, log=lambda m: print(f"  live: {m}", file=sys.stderr))
    loop.camera.start()
    period = 1.0 / fps
    rows, late = [], 0
    t_start = time.perf_counter()
    print(f"{'min':>7} {'rss MB':>8} {'fps':>6} {'cam read':>9} {'processed':>9} {'dropped':>8} {'late flips':>10}")
    try:
        while (elapsed := time.perf_counter() - t_start) < minutes * 60:
            flips0 = loop.stats.flips
            t0 = time.perf_counter()
            loop.run(min(sample_s, minutes * 60 - elapsed))
            dt = time.perf_counter() - t0
            new = loop.stats.flips - flips0   # the gaps of this chunk are the newest ones
            gaps = list(itertools.islice(reversed(loop.stats.flip_gaps_s), new))
            late += sum(g > 1.5 * period for g in gaps)
            read, done = loop.camera.frames_read, loop.stats.camera_frames
            row = {"min": round((time.perf_counter() - t_start) / 60, 3), "rss_mb": round(rss_mb(), 1),
                   "fps": round((loop.stats.flips - flips0) / dt, 2), "camera_read": read, "processed": done,
                   "dropped": read - done, "late_flips": late}
            rows.append(row)
            print(f"{row['min']:7.2f} {row['rss_mb']:8.1f} {row['fps']:6.1f} {read:9d} {done:9d} {read - done:8d} {late:10d}",
                  flush=True)
    finally:
        loop.close()
    t = np.array([r["min"] for r in rows]) / 60.0
    rss = np.array([r["rss_mb"] for r in rows])
    tail = slice(max(1, len(rows) // 10), None) if len(rows) > 2 else slice(None)
    slope = float(np.polyfit(t[tail], rss[tail], 1)[0]) if len(rows[tail]) >= 2 else float("nan")
    gaps = np.fromiter(loop.stats.flip_gaps_s, float)
    last = rows[-1]
    edge = max(1, len(rows) // 10)   # RSS jitters by tens of MB: compare medians of the first and last 10 %
    return {
        "minutes": round(last["min"], 2), "scenario": scenario, "display_fps_target": fps, "size": list(size),
        "rss_first_mb": float(rss[0]), "rss_min_mb": float(rss.min()),
        "rss_median_first_10pct_mb": float(np.median(rss[:edge])), "rss_median_last_10pct_mb": float(np.median(rss[-edge:])),
        "rss_end_mb": float(rss[-1]), "rss_max_mb": float(rss.max()),
        "rss_growth_mb": round(float(np.median(rss[-edge:]) - np.median(rss[:edge])), 1), "rss_slope_mb_per_hour": round(slope, 2),
        "display_fps_mean": round(loop.stats.flips / (last["min"] * 60), 2),
        "late_flips": late, "late_flip_pct": round(100.0 * late / max(1, loop.stats.flips), 3),
        "camera_read": last["camera_read"], "camera_processed": last["processed"], "camera_dropped": last["dropped"],
        "camera_dropped_pct": round(100.0 * last["dropped"] / max(1, last["camera_read"]), 3),
        "flip_gap_ms_p99_last_window": round(float(np.percentile(gaps, 99)) * 1000, 2) if gaps.size else float("nan"),
        "flip_gap_ms_max_last_window": round(float(gaps.max()) * 1000, 2) if gaps.size else float("nan"),
        "latency": loop.stats.summary(), "samples": rows,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--sample-s", type=float, default=30.0)
    p.add_argument("--scenario", default="demo", help="simulated viewer scenario (demo, walk, two, still, empty)")
    p.add_argument("--fps", type=float, default=60.0)
    p.add_argument("--size", default="1280x720")
    p.add_argument("--bank", type=Path, help="frame bank (default: build the astronaut bank in a temp folder)")
    p.add_argument("--json", type=Path, help="also write the result here")
    a = p.parse_args()
    size = tuple(int(v) for v in a.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="sfumato-soak-") as tmp:
        bank = a.bank or astronaut_bank(Path(tmp))
        res = soak(bank, a.minutes, a.sample_s, a.scenario, a.fps, size)
    summary = {k: v for k, v in res.items() if k != "samples"}
    print("\nsummary")
    for k, v in summary.items():
        print(f"  {k:32s} {v}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
