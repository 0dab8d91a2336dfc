"""Export FOMM to ONNX, split so that per-painting work runs once.

Files written to ``out_dir`` (a dynamic batch axis B, static 256x256 shapes, opset 17 by default):

- ``kp_detector.onnx``: image (B,3,256,256) -> kp_value (B,K,2), kp_jacobian (B,K,2,2)
- ``source_encoder.onnx``: source (B,3,256,256) -> source_features (B,256,64,64), source_small (B,3,64,64)
- ``motion_generator.onnx``: source_small, source_features, kp_driving_value, kp_driving_jacobian,
  kp_source_value, kp_source_jacobian (all with batch B: one row per request, each may have its
  own painting) -> prediction (B,3,256,256) in [0,1], deformation (B,64,64,2) grid in [-1,1],
  occlusion (B,1,64,64)
- optionally ``motion_generator_int8.onnx``: static QDQ int8 quantisation (fast mode) and
  ``motion_generator_fp16.onnx`` (float16 weights/compute, float32 I/O; for CUDA).

Command line: ``python -m sfumato.fomm.onnx_export --checkpoint checkpoints/vox-cpk.pth.tar --out models/fomm``.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np
import torch
from torch import nn

from sfumato.fomm.graphs import ENCODER_FILE, ENCODER_IO, GENERATOR_FILES, GENERATOR_IO, KP_FILE, KP_IO
from sfumato.fomm.model import FommModel
from sfumato.fomm.quantize import FAST_INT8_GROUPS, quantize_generator_int8  # noqa: F401  (re-exported)

GENERATOR_FILE = GENERATOR_FILES["exact"]
GENERATOR_INT8_FILE = GENERATOR_FILES["int8"]
GENERATOR_FP16_FILE = GENERATOR_FILES["fp16"]
GENERATOR_INPUTS = list(GENERATOR_IO[0])
GENERATOR_OUTPUTS = list(GENERATOR_IO[1])


class _SourceEncoder(nn.Module):
    def __init__(self, model: FommModel) -> None:
        super().__init__()
        self.generator = model.generator

    def forward(self, source: torch.Tensor):
        return self.generator.encode_source(source)


class _MotionGenerator(nn.Module):
    def __init__(self, model: FommModel) -> None:
        super().__init__()
        self.generator = model.generator

    def forward(self, source_small, source_features, kp_driving_value, kp_driving_jacobian,
                kp_source_value, kp_source_jacobian):
        pred, deformation, occlusion, _ = self.generator.decode(
            source_features, source_small, kp_driving_value, kp_driving_jacobian, kp_source_value, kp_source_jacobian)
        return pred, deformation, occlusion


def _export(module: nn.Module, args: tuple, path: Path, input_names: List[str], output_names: List[str],
            opset: int, dynamic_batch: bool = True) -> None:
    """Trace ``module`` to ONNX; with ``dynamic_batch`` axis 0 of every input and output is "batch"."""
    module.eval()
    dynamic = {name: {0: "batch"} for name in [*input_names, *output_names]} if dynamic_batch else None
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TracerWarnings on static shape checks, exporter deprecation notes
        torch.onnx.export(module, args, str(path), input_names=input_names, output_names=output_names,
                          opset_version=opset, do_constant_folding=True, dynamic_axes=dynamic, dynamo=False)


def example_inputs(model: FommModel, size: int = 256, seed: int = 0) -> Dict[str, torch.Tensor]:
    """Deterministic example tensors for tracing (a smooth random image and its keypoints)."""
    g = torch.Generator().manual_seed(seed)
    image = torch.nn.functional.interpolate(torch.rand(1, 3, 16, 16, generator=g), size=(size, size),
                                            mode="bilinear", align_corners=False)
    with torch.no_grad():
        value, jac = model.kp_detector(image)
        feats, small = model.generator.encode_source(image)
    return {"source": image, "source_small": small, "source_features": feats,
            "kp_driving_value": value + 0.05, "kp_driving_jacobian": jac,
            "kp_source_value": value, "kp_source_jacobian": jac}


def export_onnx(model: FommModel, out_dir: str | Path, opset: int = 17, size: int = 256,
                dynamic_batch: bool = True) -> Dict[str, Path]:
    """Export the three fp32 graphs; returns {'kp_detector'|'source_encoder'|'motion_generator': path}.

    dynamic_batch: a batch axis B on every input/output (False: batch 1 only, as before).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = model.cpu().eval()
    ex = example_inputs(model, size)
    paths = {"kp_detector": out / KP_FILE, "source_encoder": out / ENCODER_FILE, "motion_generator": out / GENERATOR_FILE}
    _export(model.kp_detector, (ex["source"],), paths["kp_detector"], list(KP_IO[0]), list(KP_IO[1]), opset,
            dynamic_batch)
    _export(_SourceEncoder(model), (ex["source"],), paths["source_encoder"], list(ENCODER_IO[0]),
            list(ENCODER_IO[1]), opset, dynamic_batch)
    _export(_MotionGenerator(model), tuple(ex[n] for n in GENERATOR_INPUTS), paths["motion_generator"],
            GENERATOR_INPUTS, GENERATOR_OUTPUTS, opset, dynamic_batch)
    return paths


def calibration_feeds(model: FommModel, source: np.ndarray, driving: Iterable[np.ndarray],
                      relative: bool = True, adapt_scale: bool = True) -> List[Dict[str, np.ndarray]]:
    """Motion-generator feeds for int8 calibration: a source (H,W,3) and driving frames in [0,1]."""
    from sfumato.fomm.model import to_tensor
    from sfumato.fomm.motion import normalize_kp

    cache = model.prepare_source(source)
    frames = [np.asarray(f, np.float32) for f in driving]
    kp_d0 = model.detect(to_tensor(frames[0]))
    feeds = []
    for frame in frames:
        value, jac, _ = normalize_kp(cache.keypoints, model.detect(to_tensor(frame)), kp_d0, relative, adapt_scale)
        tensors = [cache.small, cache.features, value, jac, cache.kp_value, cache.kp_jacobian]
        feeds.append({n: t.detach().cpu().numpy().astype(np.float32) for n, t in zip(GENERATOR_INPUTS, tensors)})
    return feeds


def face_calibration_feeds(model: FommModel, faces: Sequence[np.ndarray], frames: int = 8,
                           seed: int = 0) -> List[Dict[str, np.ndarray]]:
    """Calibration feeds from real face crops: every face driven by every face's head-motion clip.

    faces: (256, 256, 3) float32 crops in [0, 1] (:func:`sfumato.fomm.calibration.face_crop`);
    len(faces)**2 * frames feeds (self- and cross-identity driving, as live).
    """
    from sfumato.fomm.calibration import head_motion_clip

    feeds: List[Dict[str, np.ndarray]] = []
    for i, source in enumerate(faces):
        for j, driver in enumerate(faces):
            feeds += calibration_feeds(model, source, head_motion_clip(driver, frames, seed + 31 * i + j))
    return feeds


def convert_generator_fp16(fp32_path: str | Path, out_path: str | Path) -> Path:
    """float16 copy of the motion generator with float32 inputs/outputs (useful on CUDA only)."""
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = convert_float_to_float16(onnx.load(str(fp32_path)), keep_io_types=True,
                                     op_block_list=["GridSample", "Softmax", "Exp", "Range"])
    _toposort(model.graph)  # the converter appends input casts at the end of the node list
    onnx.save(model, str(out_path))
    return Path(out_path)


def _toposort(graph) -> None:
    """Reorder graph.node topologically in place (stable; inputs: graph inputs/initializers/outputs)."""
    ready = {i.name for i in graph.input} | {t.name for t in graph.initializer} | {""}
    pending, ordered = list(graph.node), []
    while pending:
        rest = []
        for node in pending:
            if all(name in ready for name in node.input):
                ordered.append(node)
                ready.update(node.output)
            else:
                rest.append(node)
        if len(rest) == len(pending):
            raise RuntimeError("ONNX graph has a cycle or a dangling input")
        pending = rest
    graph.ClearField("node")
    graph.node.extend(ordered)


def main(argv: Optional[List[str]] = None) -> int:
    from sfumato.fomm.loader import load_fomm
    from sfumato.fomm.modes import DEFAULT_CHECKPOINT

    ap = argparse.ArgumentParser(description="Export FOMM (vox-256) to ONNX")
    ap.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    ap.add_argument("--config", default=None, help="model_params YAML (default: bundled vox-256)")
    ap.add_argument("--out", default="models/fomm")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--int8", action="store_true", help="also write the int8 fast-mode generator")
    ap.add_argument("--fp16", action="store_true", help="also write the fp16 generator (CUDA)")
    ap.add_argument("--calib-image", action="append", default=[],
                    help="extra image with a face for int8 calibration (repeatable; the astronaut is always used)")
    args = ap.parse_args(argv)
    model = load_fomm(args.checkpoint, args.config)
    paths = export_onnx(model, args.out, args.opset)
    if args.int8:
        from sfumato.fomm.calibration import default_faces

        feeds = face_calibration_feeds(model, default_faces(args.calib_image))
        paths["motion_generator_int8"] = quantize_generator_int8(paths["motion_generator"],
                                                                 Path(args.out) / GENERATOR_INT8_FILE, feeds)
    if args.fp16:
        paths["motion_generator_fp16"] = convert_generator_fp16(paths["motion_generator"],
                                                                Path(args.out) / GENERATOR_FP16_FILE)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    from sfumato.errors import SfumatoError

    try:
        raise SystemExit(main())
    except SfumatoError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(err.exit_code)
