"""Benchmark the live loop against the naive loop, side by side in one run.

    python benchmarks/bench_live.py [--minutes 10] [--out out/bench_live.json]

Each variant runs in its own process (so RSS is its own), one after the other (2 cores: never
both at once), in real time: the simulated viewer standing still (``sim:still``, on a bin edge)
at 640x480 30 fps on the capture thread, BlazeFace short range, a headless 1920x1080 display at
60 fps, and a 33-frame bank of a 4000x6000 painting (built once into out/bench_bank_4000x6000).
Reported per variant: software latency (camera frame available -> display flip) median/p95,
tracking ms per frame, display fps and dropped frames (flip gap > 1.5 periods), CPU % of one
core (the simulated camera's rendering included), RSS at 1 minute / at the end / peak, and
index changes per second for the still viewer after 5 s of settling.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BANK = ROOT / "out" / "bench_bank_4000x6000"


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def child(variant: str, seconds: float) -> dict:
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    from live.app import build_loop
    from live.config import LiveConfig, set_option

    cfg = LiveConfig(bank=str(BANK))
    for key, value in {"camera.source": "sim:still", "output.headless": True, "display.size": (1920, 1080),
                       "display.fps": 60.0, "smoothing.enabled": variant == "sfumato"}.items():
        cfg = set_option(cfg, key, value)
    loop = build_loop(cfg, log=lambda m: None)
    marks: dict[str, float] = {"rss_start_mb": rss_mb()}

    def sample() -> None:
        t0 = time.perf_counter()
        while not done.is_set():
            el = time.perf_counter() - t0
            if "changes_at_5s" not in marks and el >= 5.0:
                marks["changes_at_5s"] = loop.stats.index_changes
            if "rss_1min_mb" not in marks and el >= 60.0:
                marks["rss_1min_mb"] = rss_mb()
            done.wait(0.5)

    done = threading.Event()
    threading.Thread(target=sample, daemon=True).start()
    cpu0, wall0 = os.times(), time.perf_counter()
    loop.camera.start()
    stats = loop.run(seconds)
    wall = time.perf_counter() - wall0
    cpu1 = os.times()
    done.set()
    s = stats.summary()
    gaps = list(stats.flip_gaps_s)[1:]
    result = {
        "variant": variant, "seconds": round(wall, 1),
        "latency_ms_p50": round(s["latency_ms_p50"], 2), "latency_ms_p95": round(s["latency_ms_p95"], 2),
        "track_ms_p50": round(s["track_ms_p50"], 2), "track_ms_p95": round(s["track_ms_p95"], 2),
        "display_fps": round(stats.flips / wall, 1),
        "dropped_frames": sum(1 for g in gaps if g > 1.5 / 60.0),
        "camera_fps": round(stats.camera_frames / wall, 1),
        "cpu_percent": round(100.0 * ((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)) / wall, 1),
        "rss_1min_mb": round(marks.get("rss_1min_mb", float("nan")), 1),
        "rss_end_mb": round(rss_mb(), 1), "rss_peak_mb": round(rss_mb("VmHWM"), 1),
        "still_changes_per_s": round((stats.index_changes - marks.get("changes_at_5s", 0)) / max(1e-9, wall - 5.0), 3),
    }
    loop.close()
    return result


def ensure_bank() -> None:
    """A real 33-frame landmark-engine bank of a 4000x6000 painting (the astronaut scaled to
    4000 px wide, the canvas extended below), built once with the precompute pipeline."""
    if (BANK / "manifest.json").is_file():
        return
    import tempfile

    import cv2
    from skimage import data

    from precompute.build import BuildConfig, build_bank

    print(f"building the 33-frame 4000x6000 benchmark bank in {BANK} ...", flush=True)
    top = cv2.resize(data.astronaut(), (4000, 4000), interpolation=cv2.INTER_CUBIC)
    painting = cv2.copyMakeBorder(top, 0, 2000, 0, 0, cv2.BORDER_REFLECT)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "astronaut_4000x6000.png"
        cv2.imwrite(str(path), cv2.cvtColor(painting, cv2.COLOR_RGB2BGR))
        build_bank(BuildConfig(painting=path, out=BANK, force=True, progress=False))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=10.0, help="length of each variant's run")
    p.add_argument("--out", default=str(ROOT / "out" / "bench_live.json"))
    p.add_argument("--child", choices=("sfumato", "naive"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.minutes * 60.0)))
        return 0
    ensure_bank()
    results = []
    for variant in ("sfumato", "naive"):
        print(f"running {variant} for {args.minutes:g} min ...", flush=True)
        proc = subprocess.run([sys.executable, __file__, "--child", variant, "--minutes", str(args.minutes)],
                              capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    rows = [("software latency p50 (ms)", "latency_ms_p50"), ("software latency p95 (ms)", "latency_ms_p95"),
            ("tracking p50 (ms/frame)", "track_ms_p50"), ("tracking p95 (ms/frame)", "track_ms_p95"),
            ("display fps (1920x1080)", "display_fps"), ("dropped display frames", "dropped_frames"),
            ("camera frames processed /s", "camera_fps"), ("CPU % (of one core)", "cpu_percent"),
            ("RSS after 1 min (MB)", "rss_1min_mb"), ("RSS at end (MB)", "rss_end_mb"),
            ("peak RSS (MB)", "rss_peak_mb"), ("still viewer: index changes/s", "still_changes_per_s")]
    print(f"\n| {args.minutes:g} min each, 2 CPU cores | sfumato | naive |\n|---|---|---|")
    for label, key in rows:
        print(f"| {label} | {results[0][key]} | {results[1][key]} |")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
