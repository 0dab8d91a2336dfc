"""Per-frame FOMM benchmark at 256x256 on the full-size vox-256 architecture (random weights).

Modes (same source, same driving frames, relative motion with adapt scale):
  (a) official-style eager PyTorch: kp detector on the driving frame + the full generator,
      source encoding included, every frame (as the official demo's make_animation does);
  (b) sfumato.fomm PyTorch with source caching (inference_mode, optional channels_last);
  (c) ONNX Runtime exact (fp32) with source caching;
  (d) ONNX Runtime fast mode (static int8 QDQ motion generator) with source caching.
Median of N runs after warm-up; prints a markdown table.

    python benchmarks/bench_fomm.py            # 10 runs
    python benchmarks/bench_fomm.py --quick    # 3 runs
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from sfumato.fomm.model import FommModel, to_tensor  # noqa: E402
from sfumato.fomm.motion import normalize_kp  # noqa: E402
from sfumato.fomm.onnx_export import calibration_feeds, export_onnx, quantize_generator_int8  # noqa: E402
from sfumato.fomm.onnx_runtime import FommOnnxRuntime  # noqa: E402


def cpu_model_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown CPU"


def synthetic_frames(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A smooth random 256x256 'source' and n moved copies as driving frames, float32 [0,1]."""
    import cv2

    rng = np.random.default_rng(seed)
    src = np.clip(cv2.resize(rng.random((12, 12, 3)).astype(np.float32), (256, 256), interpolation=cv2.INTER_CUBIC), 0, 1)
    frames = []
    for i in range(n):
        m = cv2.getRotationMatrix2D((128, 128), 5.0 * np.sin(i + seed), 1.0 + 0.04 * np.cos(i))
        m[:, 2] += (8 * np.sin(1.3 * i + seed), 5 * np.cos(0.7 * i))
        frames.append(cv2.warpAffine(src, m, (256, 256), borderMode=cv2.BORDER_REFLECT101))
    return src, np.stack(frames)


def timed(fn: Callable[[int], np.ndarray], runs: int, warmup: int) -> tuple[float, List[np.ndarray]]:
    """Median milliseconds of fn(i) over `runs` calls after `warmup` calls; also the outputs."""
    for i in range(warmup):
        fn(i)
    times, outs = [], []
    for i in range(runs):
        t0 = time.perf_counter()
        outs.append(fn(i))
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000.0), outs


def machine_gflops(threads: int) -> Dict[str, float]:
    """Peak-ish fp32 GFLOP/s of this machine via torch: 2048^3 matmul and a 256-ch 3x3 conv at 64x64."""
    torch.set_num_threads(threads)
    a = torch.randn(2048, 2048)
    x = torch.randn(1, 256, 64, 64)
    w = torch.randn(256, 256, 3, 3)
    res = {}
    with torch.inference_mode():
        for name, fn, flops in (("matmul 2048", lambda: a @ a, 2 * 2048 ** 3),
                                ("conv 256x256x3x3 @64x64", lambda: F.conv2d(x, w, padding=1), 2 * 64 * 64 * 256 * 256 * 9)):
            ms, _ = timed(lambda i: fn(), 7, 2)
            res[name] = flops / (ms / 1000.0) / 1e9
    return res


def count_flops(fn: Callable[[], object]) -> float:
    counter = FlopCounterMode(display=False)
    with torch.inference_mode(), counter:
        fn()
    return counter.get_total_flops() / 1e9


def int8_quality_on_tiny(out_dir: Path) -> str:
    """Int8 vs exact on the shared tiny checkpoint (informative weights), if ../shared/fomm exists."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "fomm"
    if not (shared / "tiny-random.pth.tar").is_file() or not (shared / "tiny_reference.npz").is_file():
        return ""
    from sfumato.fomm.loader import load_fomm

    tiny = load_fomm(shared / "tiny-random.pth.tar", shared / "vox-tiny-model_params.yaml")
    ref = np.load(shared / "tiny_reference.npz")
    paths = export_onnx(tiny, out_dir)
    quantize_generator_int8(paths["motion_generator"], out_dir / "motion_generator_int8.onnx",
                            calibration_feeds(tiny, ref["source"], ref["driving"]))
    exact = FommOnnxRuntime(out_dir, mode="exact").animate(ref["source"], ref["driving"])
    fast = FommOnnxRuntime(out_dir, mode="int8").animate(ref["source"], ref["driving"])
    diff = np.abs(fast - exact)
    return (f"Int8 fast mode on the shared tiny checkpoint (informative weights, 3 reference frames): mean abs "
            f"pixel diff vs exact {diff.mean() * 255:.2f} / 255, max {diff.max() * 255:.1f} / 255.")


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 timed runs instead of 10")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--workdir", default=None, help="where to write the ONNX files (default: a temp dir)")
    ap.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                    help="keep NCHW in mode (b) (default: channels_last)")
    args = ap.parse_args(argv)
    runs = args.runs or (3 if args.quick else 10)
    warmup = 2 if args.quick else 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    model = FommModel().eval()  # vox-256, random weights
    source, driving = synthetic_frames(runs + warmup, seed=1)
    calib_src, calib_frames = synthetic_frames(8, seed=2)
    src_t = to_tensor(source)
    drv_t = [to_tensor(f) for f in driving]

    with torch.no_grad():
        kp_s = model.kp_detector(src_t)
        kp_d0 = model.kp_detector(drv_t[0])

    # (a) official style: everything every frame, torch.no_grad like demo.py
    def official(i: int) -> np.ndarray:
        with torch.no_grad():
            kp_d = model.kp_detector(drv_t[i])
            value, jac, _ = normalize_kp(kp_s, kp_d, kp_d0, relative=True, adapt_scale=True)
            out = model.generator(src_t, value, jac, *kp_s)
            deformed = F.grid_sample(src_t, F.interpolate(out["deformation"].permute(0, 3, 1, 2), size=(256, 256),
                                     mode="bilinear").permute(0, 2, 3, 1), align_corners=False)  # official 'deformed'
            del deformed
            return out["prediction"][0].permute(1, 2, 0).numpy()

    # (b) cached source
    cached_model = model
    if args.channels_last:
        cached_model = FommModel(model.config)
        cached_model.load_state_dict(model.state_dict())
        cached_model = cached_model.to(memory_format=torch.channels_last).eval()
    cache = cached_model.prepare_source(source)
    with torch.inference_mode():
        kp_d0_b = cached_model.kp_detector(drv_t[0])

    def ours_torch(i: int) -> np.ndarray:
        return cached_model.drive(cache, driving[i], kp_d0_b, relative=True, adapt_scale=True).prediction

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="fomm_bench_"))
    t0 = time.perf_counter()
    paths = export_onnx(model, workdir)
    quantize_generator_int8(paths["motion_generator"], workdir / "motion_generator_int8.onnx",
                            calibration_feeds(model, calib_src, calib_frames))
    export_s = time.perf_counter() - t0

    rows = []
    ref_ms, ref_out = timed(official, runs, warmup)
    rows.append(("(a) official-style eager PyTorch (no cache)", ref_ms, ref_out,
                 count_flops(lambda: official(0)), "torch CPU"))
    ms, outs = timed(ours_torch, runs, warmup)
    flops_cached = count_flops(lambda: ours_torch(0))
    rows.append((f"(b) sfumato.fomm PyTorch, source cached{' + channels_last' if args.channels_last else ''}",
                 ms, outs, flops_cached, "torch CPU"))
    for label, mode in (("(c) ONNX Runtime exact fp32, source cached", "exact"),
                        ("(d) ONNX Runtime fast: int8 QDQ generator, source cached", "int8")):
        rt = FommOnnxRuntime(workdir, mode=mode, num_threads=args.threads)
        ocache = rt.prepare_source(source)
        okp0 = rt.keypoints(driving[0])
        ms, outs = timed(lambda i: rt.drive(ocache, driving[i], okp0, True, True).prediction, runs, warmup)
        rows.append((label, ms, outs, flops_cached, "ORT " + ",".join(rt.providers["motion_generator"])))

    tiny_quality = int8_quality_on_tiny(workdir / "tiny")
    peaks = machine_gflops(args.threads)
    lines = [f"Machine: {cpu_model_name()}, {os.cpu_count()} cores, {args.threads} threads; torch "
             f"{torch.__version__}; onnxruntime {__import__('onnxruntime').__version__}; runs={runs} (median), "
             f"warm-up={warmup}; ONNX export+int8 calibration took {export_s:.1f} s",
             "Machine fp32 peak (torch): " + ", ".join(f"{k}: {v:.0f} GFLOP/s" for k, v in peaks.items()),
             "",
             "| mode | ms / frame | speed-up vs (a) | max abs diff vs (a) | mean abs pixel diff vs (a) (0-255) "
             "| GFLOP / frame | achieved GFLOP/s | backend |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    ref = np.stack(ref_out)
    for label, ms, outs, gflop, backend in rows:
        out = np.stack(outs)
        lines.append(f"| {label} | {ms:.1f} | {ref_ms / ms:.2f}x | {np.abs(out - ref).max():.2e} | "
                     f"{np.abs(out - ref).mean() * 255:.3f} | {gflop:.1f} | {gflop / (ms / 1000):.0f} | {backend} |")
    lines.append("")
    lines.append("GFLOP / frame counted with torch.utils.flop_counter (kp detector + generator; int8 row: same "
                 "graph, counted as fp32-equivalent). Random weights: pixel differences are indicative only.")
    if tiny_quality:
        lines.append(tiny_quality)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
