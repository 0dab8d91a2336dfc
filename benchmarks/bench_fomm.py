"""Per-frame FOMM benchmark at 256x256 on the full-size vox-256 architecture (random weights), interleaved.

Modes (same source, same driving frames, relative motion with adapt scale):
  (a) official-style eager PyTorch: kp detector on the driving frame + the full generator,
      source encoding included, every frame (as the official demo's make_animation does);
  (b) exact: sfumato.fomm PyTorch with source caching (inference_mode, channels_last);
  (c) fast: the fp32 graphs on MNN (sfumato.fomm.mnn_runtime) with source caching;
  (d) fast without MNN: the fp32 graphs on ONNX Runtime with source caching (all graph optimisations);
  (e) int8: ONNX Runtime, mixed precision (bottleneck + up-block convs int8, motion network,
      heads and final conv float32), calibrated on face crops;
  (f) the old int8 mode: every generator conv int8 (for comparison).
With ``--sweep``, more variants that keep the picture (fp32):
  (g) PyTorch with conv+BatchNorm folded (torch.jit.freeze of the traced graphs);
  (h) ONNX Runtime fp32 without the NCHWc layout transform (ORT_ENABLE_EXTENDED);
  (i) ONNX Runtime fp32 with spinning intra-op threads;
  (j) ONNX Runtime fp32 with denormals flushed to zero;
  (k) OpenVINO fp32 (LATENCY hint, 1 stream; only when ``pip install -e '.[bench]'`` installed it).
Timing is INTERLEAVED: every iteration runs each mode once (rotating the order), so load
changes on a shared machine hit all modes alike; the table shows the median per mode, wall
clock and CPU time of this process (``time.process_time``; load on a shared machine changes
it less than the wall clock, but PyTorch's OpenMP threads spin while they wait, which counts
as CPU time).
Quality (mean / max pixel difference against exact, keypoint and deformation drift) is
measured on tiny checkpoints with trained-like weights: ../shared/fomm/tiny-random.pth.tar
when present, and always the repo-only stand-in of tests/fomm_checkpoint.py.

    python benchmarks/bench_fomm.py            # 7 interleaved runs
    python benchmarks/bench_fomm.py --quick    # 3 runs
    python benchmarks/bench_fomm.py --sweep    # + rows (g)-(k)
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
from skimage import data

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from sfumato.fomm.model import FommModel, to_tensor  # noqa: E402
from sfumato.fomm.motion import normalize_kp  # noqa: E402
from sfumato.fomm.calibration import face_crop  # noqa: E402
from sfumato.fomm.onnx_export import export_onnx, face_calibration_feeds  # noqa: E402
from sfumato.fomm.quantize import FAST_INT8_GROUPS, quantize_generator_int8  # noqa: E402
from sfumato.fomm.onnx_runtime import FommOnnxRuntime  # noqa: E402
from sfumato.fomm.mnn_runtime import FommMnnRuntime, convert_graphs  # noqa: E402
from fomm_openvino import FommOpenVinoRuntime, openvino_version  # noqa: E402


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


def interleaved(fns: Dict[str, Callable[[int], np.ndarray]], runs: int, warmup: int
                ) -> Dict[str, tuple[float, List[float], List[np.ndarray], float]]:
    """{mode: (median wall ms, all wall ms, outputs, median CPU ms)}; each iteration runs every mode
    once, order rotating."""
    names = list(fns)
    for i in range(warmup):
        for n in names:
            fns[n](i)
    times: Dict[str, List[float]] = {n: [] for n in names}
    cpu: Dict[str, List[float]] = {n: [] for n in names}
    outs: Dict[str, List[np.ndarray]] = {n: [] for n in names}
    for i in range(runs):
        order = names[i % len(names):] + names[:i % len(names)]
        for n in order:
            t0, c0 = time.perf_counter(), time.process_time()
            outs[n].append(fns[n](warmup + i))
            times[n].append((time.perf_counter() - t0) * 1000.0)
            cpu[n].append((time.process_time() - c0) * 1000.0)
    return {n: (float(np.median(times[n])), times[n], outs[n], float(np.median(cpu[n]))) for n in names}


def frozen_torch(model: FommModel, source: np.ndarray, drv_t: list, kp_d0) -> Callable[[int], np.ndarray]:
    """(g): traced + torch.jit.freeze'd keypoint detector and decoder (conv+BatchNorm folded), source cached."""
    import warnings

    class Decode(torch.nn.Module):
        def __init__(self, m: FommModel) -> None:
            super().__init__()
            self.g = m.generator

        def forward(self, f, sm, v, j, sv, sj):
            return self.g.decode(f, sm, v, j, sv, sj)[0]

    cache = model.prepare_source(source)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value, jac, _ = normalize_kp(cache.keypoints, kp_d0, kp_d0, True, True)
        example = (cache.features, cache.small, value, jac, cache.kp_value, cache.kp_jacobian)
        decode = torch.jit.freeze(torch.jit.trace(Decode(model).eval(), example))
        kp = torch.jit.freeze(torch.jit.trace(model.kp_detector.eval(), (drv_t[0],)))

    def run(i: int) -> np.ndarray:
        with torch.no_grad():
            value, jac, _ = normalize_kp(cache.keypoints, kp(drv_t[i]), kp_d0, True, True)
            return decode(cache.features, cache.small, value, jac, *cache.keypoints)[0].permute(1, 2, 0).numpy()
    return run


def ort_variant(folder: Path, source: np.ndarray, driving: np.ndarray, threads: int,
                **opts: str) -> Callable[[int], np.ndarray]:
    """(h)-(j): the fp32 graphs with other session options (level=EXTENDED, spinning=1, daz=1)."""
    import onnxruntime as ort

    from sfumato.fomm.motion_np import adapt_movement_scale, normalize_kp_np

    def session(name: str):
        o = ort.SessionOptions()
        o.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED if opts.get("level") == "EXTENDED"
                                      else ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
        o.intra_op_num_threads, o.inter_op_num_threads = threads, 1
        o.add_session_config_entry("session.intra_op.allow_spinning", opts.get("spinning", "0"))
        o.add_session_config_entry("session.set_denormal_as_zero", opts.get("daz", "0"))
        return ort.InferenceSession(str(folder / name), o, providers=["CPUExecutionProvider"])

    kp, enc, gen = session("kp_detector.onnx"), session("source_encoder.onnx"), session("motion_generator.onnx")
    nchw = (lambda im: np.ascontiguousarray(im.transpose(2, 0, 1)[None]).astype(np.float32))
    sv, sj = kp.run(None, {"image": nchw(source)})
    feats, small = enc.run(None, {"source": nchw(source)})
    d0 = kp.run(None, {"image": nchw(driving[0])})
    scale = adapt_movement_scale(sv, d0[0])

    def run(i: int) -> np.ndarray:
        kd = kp.run(None, {"image": nchw(driving[i])})
        v, j, _ = normalize_kp_np((sv, sj), kd, d0, relative=True, adapt_scale=True, scale=scale)
        feeds = {"source_small": small, "source_features": feats, "kp_driving_value": v, "kp_driving_jacobian": j,
                 "kp_source_value": sv, "kp_source_jacobian": sj}
        return gen.run(["prediction"], feeds)[0][0].transpose(1, 2, 0)
    return run


def tiny_quality(workdir: Path) -> List[tuple[str, Dict[str, Dict[str, float]]]]:
    """[(checkpoint label, {mode: quality vs exact})] on the shared tiny checkpoint (if present) and the stand-in."""
    from skimage import data

    from sfumato.fomm.calibration import default_faces, face_crop, head_motion_clip
    from sfumato.fomm.loader import load_fomm
    from sfumato.fomm.quality import quality, run_cases, run_cases_torch

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from fomm_checkpoint import write_tiny_checkpoint

    shared = Path(__file__).resolve().parents[2] / "shared" / "fomm"
    ckpts = []
    if (shared / "tiny-random.pth.tar").is_file():
        ckpts.append(("shared tiny (trained-like)", shared / "tiny-random.pth.tar", shared / "vox-tiny-model_params.yaml"))
    workdir.mkdir(parents=True, exist_ok=True)
    ckpts.append(("repo stand-in tiny", *write_tiny_checkpoint(workdir)))
    astro = face_crop(data.astronaut())
    cases = [("astronaut", astro, head_motion_clip(astro, 6, seed=1000))]
    if (shared / "tiny_reference.npz").is_file():
        with np.load(shared / "tiny_reference.npz") as ref:
            cases.append(("reference", ref["source"], list(ref["driving"])))
    faces = default_faces()
    results = []
    for label, ckpt, cfg in ckpts:
        tiny = load_fomm(ckpt, cfg)
        out = workdir / label.split()[0]
        paths = export_onnx(tiny, out)
        feeds = face_calibration_feeds(tiny, faces)
        exact = run_cases_torch(tiny, cases)   # the exact mode: PyTorch fp32
        convert_graphs(out)
        res = {"fast (MNN)": quality(run_cases(FommMnnRuntime(out), cases), exact),
               "fast without MNN (ONNX Runtime)": quality(run_cases(FommOnnxRuntime(out, mode="exact"), cases), exact)}
        if openvino_version():
            res["OpenVINO fp32"] = quality(run_cases(FommOpenVinoRuntime(out), cases), exact)
        for mode, groups in (("int8", FAST_INT8_GROUPS), ("int8 all convs", ("all",))):
            quantize_generator_int8(paths["motion_generator"], out / "motion_generator_int8.onnx", feeds, groups)
            res[mode] = quality(run_cases(FommOnnxRuntime(out, mode="int8"), cases), exact)
        results.append((label, res))
    return results


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 timed runs instead of 7")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--workdir", default=None, help="where to write the ONNX files (default: a temp dir)")
    ap.add_argument("--sweep", action="store_true", help="also rows (g)-(k): more fp32 variants")
    ap.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                    help="keep NCHW in mode (b) (default: channels_last)")
    args = ap.parse_args(argv)
    runs = args.runs or (3 if args.quick else 7)
    warmup = 1
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    model = FommModel().eval()  # vox-256, random weights
    source, driving = synthetic_frames(runs + warmup, seed=1)
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
    calib = face_calibration_feeds(model, [face_crop(data.astronaut())], frames=3)
    old = workdir / "all_int8"
    old.mkdir(exist_ok=True)
    for name in ("kp_detector.onnx", "source_encoder.onnx"):
        (old / name).write_bytes((workdir / name).read_bytes())
    quantize_generator_int8(paths["motion_generator"], workdir / "motion_generator_int8.onnx", calib)
    quantize_generator_int8(paths["motion_generator"], old / "motion_generator_int8.onnx", calib, ["all"])
    convert_graphs(workdir)
    export_s = time.perf_counter() - t0

    fns: Dict[str, Callable[[int], np.ndarray]] = {"(a) official-style eager PyTorch": official,
                                                   "(b) exact: PyTorch, source cached": ours_torch}
    runtimes = {"(c) fast: MNN fp32, source cached": FommMnnRuntime(workdir, num_threads=args.threads),
                "(d) fast without MNN: ONNX Runtime fp32, source cached": FommOnnxRuntime(workdir, num_threads=args.threads),
                "(e) int8: mixed precision (" + " + ".join(FAST_INT8_GROUPS) + ")":
                    FommOnnxRuntime(workdir, mode="int8", num_threads=args.threads),
                "(f) old int8: every generator conv": FommOnnxRuntime(old, mode="int8", num_threads=args.threads)}
    for label, rt in runtimes.items():
        ocache, okp0 = rt.prepare_source(source), rt.keypoints(driving[0])
        fns[label] = (lambda r, c, k: lambda i: r.drive(c, driving[i], k, True, True).prediction)(rt, ocache, okp0)
    if args.sweep:
        fns["(g) PyTorch, conv+BN folded (jit.freeze), source cached"] = frozen_torch(model, source, drv_t, kp_d0)
        for label, opts in (("(h) ONNX Runtime fp32 without NCHWc (ORT_ENABLE_EXTENDED)", {"level": "EXTENDED"}),
                            ("(i) ONNX Runtime fp32, spinning threads", {"spinning": "1"}),
                            ("(j) ONNX Runtime fp32, denormals as zero", {"daz": "1"})):
            fns[label] = ort_variant(workdir, source, driving, args.threads, **opts)
        if openvino_version():
            ov = FommOpenVinoRuntime(workdir, args.threads)
            ov_cache, ov_kp0 = ov.prepare_source(source), ov.keypoints(driving[0])
            fns[f"(k) OpenVINO {openvino_version()} fp32, LATENCY, 1 stream"] = \
                lambda i: ov.drive(ov_cache, driving[i], ov_kp0, True, True).prediction
        else:
            print("row (k) skipped: OpenVINO is not installed (pip install -e '.[bench]')")
    load = os.getloadavg()
    timing = interleaved(fns, runs, warmup)
    quality_rows = tiny_quality(workdir / "tiny")

    ref_ms = timing["(a) official-style eager PyTorch"][0]
    lines = [f"Machine: {cpu_model_name()}, {os.cpu_count()} cores, {args.threads} threads; torch {torch.__version__}; "
             f"onnxruntime {__import__('onnxruntime').__version__}; MNN {__import__('MNN').version()}"
             f"{'; OpenVINO ' + openvino_version() if args.sweep and openvino_version() else ''}; {runs} interleaved runs (median), warm-up {warmup}; "
             f"ONNX export + int8 calibration took {export_s:.1f} s; load average {load[0]:.1f} / {load[1]:.1f} / "
             f"{load[2]:.1f} before and {' / '.join(f'{x:.1f}' for x in os.getloadavg())} after timing",
             "", "Speed: vox-256 architecture, random weights, 256x256, one frame (driving keypoints + generator).", "",
             "| mode | ms / frame (median) | min-max ms | speed-up vs (a) | CPU ms / frame | CPU speed-up vs (a) |",
             "|---|---:|---:|---:|---:|---:|"]
    ref_cpu = timing["(a) official-style eager PyTorch"][3]
    for label, (ms, all_ms, _, cpu_ms) in timing.items():
        lines.append(f"| {label} | {ms:.0f} | {min(all_ms):.0f}-{max(all_ms):.0f} | {ref_ms / ms:.2f}x | {cpu_ms:.0f} | "
                     f"{ref_cpu / cpu_ms:.2f}x |")
    lines += ["", "Quality against exact = PyTorch fp32 (0-255 pixel scale; drift in pixels of the 256 px output; target: mean <= 1, "
              "max <= 16).", "",
              "| checkpoint | mode | mean px diff | max px diff | keypoint drift px | deformation drift px |",
              "|---|---|---:|---:|---:|---:|"]
    for ck, res in quality_rows:
        for mode, q in res.items():
            lines.append(f"| {ck} | {mode} | {q['mean']:.2f} | {q['max']:.1f} | {q['kp_px']:.3f} | {q['deform_px']:.2f} |")
    a_out = np.stack(timing["(a) official-style eager PyTorch"][2])
    lines += ["", "Each mode's prediction against (a) in the timed runs (vox-256, random weights), max abs diff: "
              + ", ".join(f"{k.split(')')[0]}) {np.abs(np.stack(v[2]) - a_out).max():.1e}" for k, v in list(timing.items())[1:])]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
