"""FOMM on MNN (Alibaba's inference engine): the fp32 graphs of :mod:`onnx_export`, converted once.

The ``fast`` mode on a CPU. MNN's CPU convolutions (Winograd for 3x3, AVX2/FMA kernels) run the
motion generator about 1.7x faster than ONNX Runtime on the same fp32 graph, and the picture
stays within float rounding of PyTorch (``benchmarks/bench_fomm.py``; ``precision`` "high" keeps
every tensor float32). Optional: ``pip install -e '.[fomm-fast]'`` (the ``mnn`` wheel); without it
``fast`` runs on ONNX Runtime (:mod:`sfumato.fomm.backends` says so in one line).

Files: ``<name>.mnn`` next to each ``<name>.onnx`` (:func:`convert_graphs`). The converter is
MNN's own (its C++ extension ``_tools``), run in a child process: the Python wrapper
``MNN.tools.mnnconvert`` would post usage statistics to a remote server, and the converter's
bundled protobuf stays out of the process that runs MediaPipe.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import ContextManager, Dict, List, Optional

import numpy as np

from sfumato.fd_silence import silenced
from sfumato.fomm.errors import FommError
from sfumato.fomm.onnx_runtime import ENCODER_FILE, GENERATOR_FILES, KP_FILE, FommOnnxRuntime, graph_io

GRAPHS = (KP_FILE, ENCODER_FILE, GENERATOR_FILES["exact"])
_CONVERT = "import sys, _tools; _tools.mnnconvert(sys.argv)"


def mnn_available() -> bool:
    """True when the ``mnn`` wheel (module ``MNN``) is installed."""
    return importlib.util.find_spec("MNN") is not None


def mnn_path(onnx_path: str | Path) -> Path:
    """``x.onnx`` -> ``x.mnn`` (same folder)."""
    return Path(onnx_path).with_suffix(".mnn")


def convert_graph(onnx_path: str | Path, timeout_s: float = 600.0) -> Path:
    """Convert one fp32 ONNX graph to ``.mnn`` beside it (written to a temporary name, then renamed).

    Raises :class:`FommError` (one line) when the converter fails or writes nothing.
    """
    src, dst = Path(onnx_path), mnn_path(onnx_path)
    tmp = dst.with_suffix(".mnn.part")
    cmd = [sys.executable, "-c", _CONVERT, "-f", "ONNX", "--modelFile", str(src), "--MNNModel", str(tmp),
           "--bizCode", "sfumato"]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        tmp.unlink(missing_ok=True)
        raise FommError(f"FOMM: converting {src} to MNN took over {timeout_s:.0f} s") from None
    if res.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        last = (res.stderr.strip() or res.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise FommError(f"FOMM: MNN could not convert {src} ({last[0]}); delete the folder to re-export, "
                        "or use --fomm-mode exact")
    os.replace(tmp, dst)
    return dst


def convert_graphs(model_dir: str | Path) -> Dict[str, Path]:
    """Convert the three fp32 graphs of ``model_dir`` that have no ``.mnn`` yet; {onnx file name: mnn path}."""
    d = Path(model_dir)
    return {name: (mnn_path(d / name) if mnn_path(d / name).is_file() else convert_graph(d / name)) for name in GRAPHS}


def _quiet_stdout() -> ContextManager[None]:
    """fd 1 to /dev/null inside the block: MNN prints its CPU features when a runtime is created."""
    return silenced(1)


class FommMnnRuntime(FommOnnxRuntime):
    """FOMM on MNN's CPU backend, the same API as :class:`FommOnnxRuntime` (one request at a time).

    model_dir holds the ``.mnn`` files of :func:`convert_graphs`. num_threads: MNN CPU threads
    (default: all cores). precision "high": float32 everywhere (no bf16/fp16 shortcuts).
    """

    def __init__(self, model_dir: str | Path, num_threads: Optional[int] = None, precision: str = "high") -> None:
        if not mnn_available():
            raise FommError("FOMM fast mode on MNN needs the mnn wheel: pip install -e '.[fomm-fast]'")
        with _quiet_stdout():
            import MNN
            import MNN.expr as expr
            import MNN.nn as mnn_nn

        d = Path(model_dir)
        missing = [mnn_path(d / n).name for n in GRAPHS if not mnn_path(d / n).is_file()]
        if missing:
            raise FommError(f"FOMM MNN model not found: {d / missing[0]}; convert the ONNX graphs with "
                            "sfumato.fomm.mnn_runtime.convert_graphs(<dir>)")
        self.mode = "exact"
        self._expr = expr
        self.threads = int(num_threads or os.cpu_count() or 1)
        with _quiet_stdout():
            runtime = mnn_nn.create_runtime_manager(({"backend": "CPU", "numThread": self.threads,
                                                       "precision": precision},))
            self._modules = {}
            for name in GRAPHS:
                inputs, outputs = (list(n) for n in graph_io(name))
                try:
                    self._modules[name] = mnn_nn.load_module_from_file(str(mnn_path(d / name)), inputs, outputs,
                                                                       runtime_manager=runtime)
                except Exception as exc:  # MNN raises plain exceptions on corrupt files
                    raise FommError(f"FOMM: cannot load MNN model {mnn_path(d / name)} ({exc})") from exc
        self.version = getattr(MNN, "version", lambda: "?")()

    @property
    def providers(self) -> Dict[str, List[str]]:
        """What runs each graph (same keys as :class:`FommOnnxRuntime`)."""
        label = [f"MNN CPU fp32 ({self.threads} threads)"]
        return {"kp_detector": label, "source_encoder": label, "motion_generator": label}

    @property
    def batched(self) -> bool:
        """One request per call (the batched helpers of the base class loop over requests)."""
        return False

    def _run(self, graph: str, feeds: Dict[str, np.ndarray]) -> List[np.ndarray]:
        """Run graph file ``graph`` on named float32 NCHW feeds; outputs as float32 NumPy arrays (copies)."""
        expr = self._expr
        arrays = [np.ascontiguousarray(feeds[n], dtype=np.float32) for n in graph_io(graph)[0]]
        outs = []
        for out in self._modules[graph].forward([expr.const(a, list(a.shape), expr.NCHW) for a in arrays]):
            out = expr.convert(out, expr.NCHW)
            outs.append(np.array(out.read(), dtype=np.float32, copy=True).reshape(out.shape))
        return outs


__all__ = ["FommMnnRuntime", "convert_graph", "convert_graphs", "mnn_available", "mnn_path"]
