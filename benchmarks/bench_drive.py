"""Live driving throughput: driven frames per second, exact vs fast, with per-stage milliseconds.

Runs the driving worker's own step (:meth:`live.drive.DriveWorker.process`: viewer face
crop -> FOMM -> full-res warp + blend into the crop patch) on simulated-viewer camera frames
(640x480, the viewer moving; BlazeFace boxes found beforehand, as the display thread does),
for a head crop of ``--head`` px (display scale). Prints a markdown table and the ONNX
execution provider that ran. Use the full-size vox-256 architecture (random weights are
fine for timing)::

    python benchmarks/bench_drive.py --checkpoint /tmp/vox/vox-random.pth.tar [--onnx-dir DIR] [--frames 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from live.compositor import MasterBank  # noqa: E402
from live.config import DriveConfig  # noqa: E402
from live.drive import DriveWorker  # noqa: E402
from live.drive_app import make_backend  # noqa: E402
from live.drive_source import drive_source  # noqa: E402
from tests.fakebank import fake_bank  # noqa: E402


def camera_frames(n: int) -> tuple[list[np.ndarray], list[tuple[float, float, float, float]]]:
    """n simulated 640x480 BGR frames of a viewer swaying, and their BlazeFace boxes."""
    from live.simulated import EYE_HEIGHT_M, Person, SimulatedViewer
    from live.tracker import FaceTracker

    sim = SimulatedViewer("still", 640, 480, seed=1)
    tracker = FaceTracker()
    frames, boxes = [], []
    for i in range(n):
        t = i / 30.0
        img = sim.render(t, [Person(0.05 * np.sin(t * 2.0), EYE_HEIGHT_M + 0.02 * np.sin(t * 3.0), 0.7)])
        faces = tracker.detect(img)
        if faces:
            frames.append(img)
            boxes.append(max(faces, key=lambda f: f.area).box)
    if not frames:
        raise SystemExit("BlazeFace found no face in the simulated frames")
    return frames, boxes


def run_mode(mode: str, args: argparse.Namespace, bank: str, frames, boxes) -> dict:
    cfg = DriveConfig(enabled=True, checkpoint=args.checkpoint, model_config=args.config or "", mode=mode,
                      onnx_dir=args.onnx_dir or "", threads=args.threads)
    from sfumato.bank.format import load_bank

    loaded = load_bank(bank, verify=False)
    master = MasterBank.from_bank(loaded, (4096, 4096))
    backend = make_backend(cfg, log=lambda m: print(m, file=sys.stderr))
    worker = DriveWorker(backend, drive_source(loaded, master), sync=True)
    for i in range(args.warmup):
        worker.process(i, frames[i % len(frames)], boxes[i % len(boxes)])
    rows = []
    t0 = time.perf_counter()
    for i in range(args.frames):
        k = (i + args.warmup) % len(frames)
        r = worker.process(i, frames[k], boxes[k])
        rows.append((r.crop_ms, r.model_ms, r.warp_ms))
    wall = time.perf_counter() - t0
    a = np.asarray(rows)
    return {"mode": mode, "provider": backend.provider, "fps": args.frames / wall,
            "crop": float(np.median(a[:, 0])), "model": float(np.median(a[:, 1])), "warp": float(np.median(a[:, 2])),
            "patch": worker.source.base.shape[:2], "head": worker.source.head.shape[:2]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", required=True, help="FOMM checkpoint (full-size vox-256 for real numbers)")
    ap.add_argument("--config", default=None, help="model_params YAML (default: bundled vox-256)")
    ap.add_argument("--onnx-dir", default=None, help="ONNX folder of the fast and int8 modes (default: the cache)")
    ap.add_argument("--modes", default="int8,exact", help="comma-separated sfumato.fomm.modes.MODES")
    ap.add_argument("--frames", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--head", type=int, default=512, help="head crop side at display scale, px")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        s = args.head / 150.0        # the fake bank's crop is 150 px wide at 512 px
        bank = str(fake_bank(Path(tmp) / "bank", cols=3, size=(int(512 * s), int(512 * s))))
        frames, boxes = camera_frames(args.frames + args.warmup)
        results = [run_mode(m, args, bank, frames, boxes) for m in args.modes.split(",")]
    print(f"\n{os.cpu_count()} CPU cores; {len(frames)} simulated 640x480 camera frames; head crop "
          f"{results[0]['head'][1]}x{results[0]['head'][0]} px, patch {results[0]['patch'][1]}x{results[0]['patch'][0]} px\n")
    print("| mode | driven fps | face crop ms | model ms | warp+blend ms | runtime / provider |")
    print("|---|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['mode']} | {r['fps']:.2f} | {r['crop']:.1f} | {r['model']:.1f} | {r['warp']:.1f} | {r['provider']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
