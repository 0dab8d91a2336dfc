"""OpenVINO as a FOMM runtime, for the benchmark only (``pip install -e '.[bench]'``, openvino==2026.4.1).

:class:`FommOpenVinoRuntime` reads the same fp32 ONNX graphs (static batch 1) and compiles them
for the CPU with the latency hint, one stream, float32 inference precision; it has the API of
:class:`sfumato.fomm.onnx_runtime.FommOnnxRuntime`, so ``sfumato.fomm.quality.run_cases`` and
``drive`` work on it unchanged. Measured here it was no quicker than ONNX Runtime, so the app
does not use it (docs/fomm.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import numpy as np

from sfumato.fomm.onnx_runtime import ENCODER_FILE, GENERATOR_FILES, KP_FILE, FommOnnxRuntime, graph_io


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

    def _run(self, graph: str, feeds: Dict[str, np.ndarray]) -> List[np.ndarray]:
        compiled, request = self._requests[graph]
        result = request.infer(feeds)
        return [np.array(result[compiled.output(o)], dtype=np.float32, copy=True) for o in graph_io(graph)[1]]
