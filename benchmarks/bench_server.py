"""The shared FOMM server (NVIDIA Triton, ``python -m sfumato.fomm.serve``) with 1, 2 and 4 simulated kiosks.

Prints a table per graph export: throughput (driven frames/s, all kiosks together), per-request
latency p50/p95 (the kiosk's round trip: face crop up, prediction + grid + occlusion down), the
batch sizes Triton's dynamic batcher formed, and the server's CPU time per driven frame (all its
processes: Triton and the Python stubs; load on a shared machine changes it much less than the
wall-clock numbers). ``batched`` graphs have a dynamic batch axis (a batch of B kiosks' frames is
one ONNX Runtime call per model); ``batch1`` graphs are the old static export (a batch runs
request by request), for comparison. Then the fall-back time after the server is SIGKILLed
(kill -> the kiosk's display side shows its fall-back). Medians of ``--runs`` runs. The server
binds to 127.0.0.1 and is always stopped.

    python benchmarks/bench_server.py                     # tiny FOMM (tests/fomm_checkpoint.py), both exports
    python benchmarks/bench_server.py --model vox256      # full-size vox-256 architecture, random weights (slow on CPU)
    python benchmarks/bench_server.py --onnx-dir ~/.cache/sfumato/fomm-onnx/<key>   # real vox-256 graphs
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from live.drive import crop_viewer  # noqa: E402
from sfumato.imaging.resize import square_around  # noqa: E402
from live.remote import RemoteBackend  # noqa: E402
from tests.server_sim import ServerProcess, export_tiny_onnx, kiosk_source, make_kiosk, viewer_frame  # noqa: E402


def closed_loop(url: str, kiosks: int, seconds: float) -> tuple[float, list[float], list[int]]:
    """``kiosks`` threads each driving frames back to back; -> frames/s, latencies ms, batch sizes."""
    views = [viewer_frame(k) for k in range(8)]
    square = square_around(views[0][1], 0.6)
    frames = [crop_viewer(img, square) for img, _ in views]
    lat: list[float] = []
    batches: list[int] = []
    lock = threading.Lock()
    backends = []
    for i in range(kiosks):
        b = RemoteBackend(url, 30.0, 1.0, log=lambda m: None)
        b.prepare(kiosk_source(flip=bool(i % 2)).head256)
        b.set_reference(frames[0])
        backends.append(b)
    stop = time.perf_counter() + seconds

    def run(b: RemoteBackend) -> None:
        k = 0
        while time.perf_counter() < stop:
            t = time.perf_counter()
            b.drive(frames[k % len(frames)], True, True)
            with lock:
                lat.append((time.perf_counter() - t) * 1e3)
                batches.append(b.last_batch)
            k += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(b,)) for b in backends]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for b in backends:
        b.close()
    return len(lat) / (time.perf_counter() - t0), lat, batches


def server_cpu_s(server: ServerProcess) -> float:
    """CPU seconds (user + system) used so far by every live process of the server's process group."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == server.proc.pid:   # pgrp: the server leads its own session/group
            total += int(fields[11]) + int(fields[12])
    return total / tick


def export_graphs(kind: str, model: str, folder: Path) -> Path:
    """ONNX graphs of ``model`` ('tiny' or 'vox256') exported with a batch axis ('batched') or at batch 1."""
    if model == "tiny":
        return export_tiny_onnx(folder, dynamic_batch=kind == "batched")
    import torch

    from sfumato.fomm.model import FommModel
    from sfumato.fomm.onnx_export import export_onnx

    torch.manual_seed(0)
    export_onnx(FommModel().eval(), folder / "onnx", dynamic_batch=kind == "batched")
    return folder / "onnx"


def fallback_after_kill(server: ServerProcess) -> float:
    """Seconds from SIGKILL of the server to the kiosk's ``latest()`` turning to the bank (None)."""
    kiosk = make_kiosk(server.url, timeout_s=0.5, log=lambda m: None)
    try:
        k = 0
        while kiosk.latest() is None and k < 2000:
            kiosk.submit(k, *viewer_frame(k))
            time.sleep(0.02)
            k += 1
        t0 = time.perf_counter()
        server.signal(signal.SIGKILL)   # the whole group; reaped by stop() afterwards
        while kiosk.latest() is not None and time.perf_counter() - t0 < 10:
            kiosk.submit(k, *viewer_frame(k))
            k += 1
            time.sleep(0.001)
        return time.perf_counter() - t0
    finally:
        kiosk.stop()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--onnx-dir", help="exported FOMM graphs (default: export --model with each of --graphs)")
    p.add_argument("--model", choices=("tiny", "vox256"), default="tiny",
                   help="tiny: tests/fomm_checkpoint.py; vox256: full-size architecture, random weights")
    p.add_argument("--graphs", default="batched,batch1", help="exports to compare (batched: dynamic batch axis)")
    p.add_argument("--kiosks", default="1,2,4")
    p.add_argument("--seconds", type=float, default=5.0, help="closed-loop time per run")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--kills", type=int, default=2, help="fall-back measurements (one server start each)")
    p.add_argument("--queue-delay-us", default="2000")
    args = p.parse_args()
    print(f"Machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at start; "
          f"server: 1 ONNX Runtime thread, queue delay {args.queue_delay_us} us; {args.runs} runs of {args.seconds:g} s "
          f"(medians)\n")
    print("| graphs | kiosks | frames/s (all) | latency p50 ms | latency p95 ms | mean batch | max batch | server CPU ms / frame |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    extra = ("--queue-delay-us", args.queue_delay_us)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kinds = ["given"] if args.onnx_dir else args.graphs.split(",")
        server = None
        try:
            for kind in kinds:
                onnx = Path(args.onnx_dir) if args.onnx_dir else export_graphs(kind, args.model, tmp / kind)
                server = ServerProcess(onnx, tmp / f"server-{kind}.log", extra=extra).start()
                for n in (int(v) for v in args.kiosks.split(",")):
                    runs, cpu = [], []
                    for _ in range(args.runs):
                        c0 = server_cpu_s(server)
                        runs.append(closed_loop(server.url, n, args.seconds))
                        cpu.append((server_cpu_s(server) - c0) * 1e3 / max(1, len(runs[-1][1])))
                    fps = float(np.median([r[0] for r in runs]))
                    p50 = float(np.median([np.percentile(r[1], 50) for r in runs]))
                    p95 = float(np.median([np.percentile(r[1], 95) for r in runs]))
                    allb = np.concatenate([r[2] for r in runs])
                    print(f"| {kind} | {n} | {fps:.2f} | {p50:.0f} | {p95:.0f} | {allb.mean():.2f} | {allb.max()} | "
                          f"{np.median(cpu):.0f} |", flush=True)
                if kind != kinds[-1]:
                    server.stop()
            falls = [fallback_after_kill(server)]
            for i in range(1, args.kills):
                server.stop()
                server = ServerProcess(onnx, tmp / f"server{i}.log", extra=extra).start()
                falls.append(fallback_after_kill(server))
            print(f"\nfall-back after SIGKILL of the server (kiosk timeout 0.5 s): median {np.median(falls) * 1e3:.0f} ms "
                  f"(runs: {', '.join(f'{f * 1e3:.0f}' for f in falls)} ms)")
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
