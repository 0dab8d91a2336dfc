"""OpenVINO as a FOMM runtime, for the benchmark only (``pip install -e '.[bench]'``, openvino==2026.4.1).

:class:`FommOpenVinoRuntime` reads the same fp32 ONNX graphs (static batch 1) and compiles them
for the CPU with the latency hint, one stream, float32 inference precision; it has the API of
:class:`sfumato.fomm.onnx_runtime.FommOnnxRuntime`, so ``sfumato.fomm.quality.run_cases`` and
``drive`` work on it unchanged. Measured here it was no quicker than ONNX Runtime, so the app
does not use it (docs/fomm.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from sfumato.fomm.onnx_runtime import ENCODER_FILE, GENERATOR_FILES, KP_FILE, FommOnnxRuntime, OnnxFrame, \
    OnnxSourceCache, _nchw


def openvino_version() -> str | None:
    """The installed OpenVINO version, or None."""
    try:
        import openvino
    except ImportError:
        return None
    return openvino.__version__.split("-")[0]


class FommOpenVinoRuntime(FommOnnxRuntime):
    """FOMM on OpenVINO's CPU plugin (batch 1; PERFORMANCE_HINT LATENCY, NUM_STREAMS 1, f32)."""

    def __init__(self, model_dir: str | Path, num_threads: int = 2) -> None:
        import openvino as ov

        core, d = ov.Core(), Path(model_dir)
        config = {"PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": "1", "INFERENCE_NUM_THREADS": str(num_threads),
                  "INFERENCE_PRECISION_HINT": "f32"}
        self.mode, self.threads = "exact", num_threads
        self._requests = {}
        for name in (KP_FILE, ENCODER_FILE, GENERATOR_FILES["exact"]):
            model = core.read_model(str(d / name))
            model.reshape({p.get_any_name(): [1, *[dim.get_length() for dim in list(p.get_partial_shape())[1:]]]
                           for p in model.inputs})
            compiled = core.compile_model(model, "CPU", config)
            assert compiled.get_property("INFERENCE_PRECISION_HINT") == ov.Type.f32
            self._requests[name] = (compiled, compiled.create_infer_request())

    @property
    def providers(self) -> Dict[str, List[str]]:
        label = [f"OpenVINO {openvino_version()} CPU f32 ({self.threads} threads)"]
        return {"kp_detector": label, "source_encoder": label, "motion_generator": label}

    @property
    def batched(self) -> bool:
        return False

    def _run(self, name: str, feeds: Dict[str, np.ndarray], outputs: Sequence[str]) -> List[np.ndarray]:
        compiled, request = self._requests[name]
        result = request.infer(feeds)
        return [np.array(result[compiled.output(o)], dtype=np.float32, copy=True) for o in outputs]

    def keypoints(self, image: np.ndarray):
        value, jac = self._run(KP_FILE, {"image": _nchw(image)}, ["kp_value", "kp_jacobian"])
        return value, jac

    def prepare_source(self, source: np.ndarray) -> OnnxSourceCache:
        value, jac = self.keypoints(source)
        features, small = self._run(ENCODER_FILE, {"source": _nchw(source)}, ["source_features", "source_small"])
        return OnnxSourceCache(features, small, value, jac)

    def generate(self, cache: OnnxSourceCache, kp_value: np.ndarray, kp_jacobian: np.ndarray) -> OnnxFrame:
        feeds = {"source_small": cache.small, "source_features": cache.features,
                 "kp_driving_value": np.asarray(kp_value, np.float32).reshape(cache.kp_value.shape),
                 "kp_driving_jacobian": np.asarray(kp_jacobian, np.float32).reshape(cache.kp_jacobian.shape),
                 "kp_source_value": cache.kp_value, "kp_source_jacobian": cache.kp_jacobian}
        pred, deformation, occlusion = self._run(GENERATOR_FILES["exact"], feeds, ["prediction", "deformation", "occlusion"])
        return OnnxFrame(pred[0].transpose(1, 2, 0), deformation[0], occlusion[0, 0])
