"""FOMM inference with ONNX Runtime (no torch needed), using the graphs of :mod:`onnx_export`.

Per painting: :meth:`FommOnnxRuntime.prepare_source` (keypoints + encoder, once). Per frame:
:meth:`FommOnnxRuntime.drive` (driving keypoints, normalisation, motion generator).
CUDAExecutionProvider is used when it is available and actually loads, else CPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnxruntime as ort

from sfumato.fomm.errors import FommError
from sfumato.fomm.graphs import ENCODER_FILE, GENERATOR_FILES, KP_FILE, graph_io  # noqa: F401  (re-exported)
from sfumato.fomm.motion_np import adapt_movement_scale, normalize_kp_np



_CUDA_OK: Optional[bool] = None  # None: not probed yet


def default_providers() -> List[str]:
    """['CUDAExecutionProvider', 'CPUExecutionProvider'] when CUDA is available (and not known broken), else CPU."""
    if "CUDAExecutionProvider" in ort.get_available_providers() and _CUDA_OK is not False:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def make_session(path: str | Path, providers: Optional[Sequence[str]] = None,
                 num_threads: Optional[int] = None, spinning: bool = False) -> ort.InferenceSession:
    """InferenceSession with all graph optimisations and intra_op_num_threads = cores.

    With ``providers=None`` CUDA is tried once per process (quietly); if it does not load
    (onnxruntime-gpu wheel without a GPU/CUDA libraries) every session uses the CPU.
    """
    global _CUDA_OK
    if not Path(path).is_file():
        raise FommError(f"FOMM ONNX model not found: {path}; export it with "
                        "python -m sfumato.fomm.onnx_export --out <dir> [--int8]")
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = int(num_threads or os.cpu_count() or 1)
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    # Several sessions run back to back per frame: spinning worker threads of one session would
    # steal the cores of the next (measured: int8 frame 147 -> 115 ms on 2 cores with spinning off).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    chosen = list(providers or default_providers())
    probing = providers is None and _CUDA_OK is None and "CUDAExecutionProvider" in chosen
    try:
        if probing:
            ort.set_default_logger_severity(4)  # silence the CUDA library-loading errors of the probe
        session = ort.InferenceSession(str(path), sess_options=opts, providers=chosen)
    except Exception as exc:
        raise FommError(f"FOMM: cannot load ONNX model {path} ({type(exc).__name__}: {exc})") from exc
    finally:
        if probing:
            ort.set_default_logger_severity(2)
    if probing:
        _CUDA_OK = "CUDAExecutionProvider" in session.get_providers()
    return session


@dataclass
class OnnxSourceCache:
    """Source-only tensors: features (1,256,64,64), small (1,3,64,64), kp_value (1,K,2), kp_jacobian (1,K,2,2)."""

    features: np.ndarray
    small: np.ndarray
    kp_value: np.ndarray
    kp_jacobian: np.ndarray


@dataclass
class OnnxFrame:
    """prediction (256,256,3) float32 [0,1]; deformation (64,64,2) grid in [-1,1]; occlusion (64,64)."""

    prediction: np.ndarray
    deformation: np.ndarray
    occlusion: np.ndarray


def _nchw(image: np.ndarray) -> np.ndarray:
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise FommError(f"FOMM ONNX: expected an (H, W, 3) image, got {arr.shape}")
    return np.ascontiguousarray(arr.transpose(2, 0, 1)[None])


class FommOnnxRuntime:
    """FOMM on ONNX Runtime. ``mode``: 'exact' (fp32), 'int8' (static QDQ, CPU fast mode) or 'fp16'.

    model_dir holds the files of :func:`sfumato.fomm.onnx_export.export_onnx`. providers:
    default CUDA if usable else CPU. num_threads: intra-op threads (default: all cores).
    """

    def __init__(self, model_dir: str | Path, mode: str = "exact", providers: Optional[Sequence[str]] = None,
                 num_threads: Optional[int] = None, spinning: bool = False) -> None:
        if mode not in GENERATOR_FILES:
            raise FommError(f"FOMM ONNX: mode must be one of {sorted(GENERATOR_FILES)}, got {mode!r}")
        d = Path(model_dir)
        self.mode = mode
        self.kp_session = make_session(d / KP_FILE, providers, num_threads, spinning)
        self.encoder_session = make_session(d / ENCODER_FILE, providers, num_threads, spinning)
        self.generator_session = make_session(d / GENERATOR_FILES[mode], providers, num_threads, spinning)

    @property
    def providers(self) -> Dict[str, List[str]]:
        """Execution providers each session actually runs on (``session.get_providers()``)."""
        return {"kp_detector": self.kp_session.get_providers(),
                "source_encoder": self.encoder_session.get_providers(),
                "motion_generator": self.generator_session.get_providers()}

    @property
    def batched(self) -> bool:
        """True when the graphs take a batch axis (:func:`~sfumato.fomm.onnx_export.export_onnx` now
        exports one); graphs exported at batch 1 by older versions run one request at a time."""
        return all(not isinstance(s.get_inputs()[0].shape[0], int)
                   for s in (self.kp_session, self.generator_session))

    def keypoints_batch(self, images: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(B,256,256,3) float32 [0,1] -> value (B,K,2), jacobian (B,K,2,2): one call when batched."""
        arr = np.asarray(images, dtype=np.float32)
        if arr.ndim != 4 or arr.shape[3] != 3:
            raise FommError(f"FOMM ONNX: expected (B, H, W, 3) images, got {arr.shape}")
        if not self.batched:
            kps = [self.keypoints(a) for a in arr]
            return np.concatenate([v for v, _ in kps]), np.concatenate([j for _, j in kps])
        value, jac = self.kp_session.run(None, {"image": np.ascontiguousarray(arr.transpose(0, 3, 1, 2))})
        return value, jac

    def generate_batch(self, caches: Sequence[OnnxSourceCache], kp_value: np.ndarray,
                       kp_jacobian: np.ndarray) -> List[OnnxFrame]:
        """Motion generator for B requests at once: request i animates ``caches[i]`` (paintings may
        differ) with normalised driving keypoints kp_value[i] (K,2), kp_jacobian[i] (K,2,2)."""
        value = np.asarray(kp_value, np.float32).reshape(len(caches), -1, 2)
        jac = np.asarray(kp_jacobian, np.float32).reshape(len(caches), -1, 2, 2)
        if not self.batched:
            return [self.generate(c, v[None], j[None]) for c, v, j in zip(caches, value, jac)]
        feeds = {"source_small": np.concatenate([c.small for c in caches]),
                 "source_features": np.concatenate([c.features for c in caches]),
                 "kp_driving_value": value, "kp_driving_jacobian": jac,
                 "kp_source_value": np.concatenate([c.kp_value for c in caches]),
                 "kp_source_jacobian": np.concatenate([c.kp_jacobian for c in caches])}
        pred, deformation, occlusion = self.generator_session.run(None, feeds)
        return [OnnxFrame(p.transpose(1, 2, 0), d, o[0]) for p, d, o in zip(pred, deformation, occlusion)]

    def _run(self, graph: str, feeds: Dict[str, np.ndarray]) -> List[np.ndarray]:
        """Run the graph file ``graph`` on named float32 NCHW ``feeds``; its outputs in :func:`graph_io`
        order. Other runtimes (MNN, OpenVINO) override only this."""
        session = {KP_FILE: self.kp_session, ENCODER_FILE: self.encoder_session}.get(graph, self.generator_session)
        return session.run(list(graph_io(graph)[1]), feeds)

    def keypoints(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(256,256,3) float32 [0,1] -> value (1,K,2) in [-1,1], jacobian (1,K,2,2)."""
        value, jac = self._run(KP_FILE, {"image": _nchw(image)})
        return value, jac

    def prepare_source(self, source: np.ndarray) -> OnnxSourceCache:
        """Run once per painting: source keypoints and encoder features."""
        x = _nchw(source)
        value, jac = self._run(KP_FILE, {"image": x})
        features, small = self._run(ENCODER_FILE, {"source": x})
        return OnnxSourceCache(features, small, value, jac)

    def generate(self, cache: OnnxSourceCache, kp_value: np.ndarray, kp_jacobian: np.ndarray) -> OnnxFrame:
        """Motion generator from normalised driving keypoints (1,K,2), (1,K,2,2)."""
        feeds = {"source_small": cache.small, "source_features": cache.features,
                 "kp_driving_value": np.asarray(kp_value, np.float32).reshape(cache.kp_value.shape),
                 "kp_driving_jacobian": np.asarray(kp_jacobian, np.float32).reshape(cache.kp_jacobian.shape),
                 "kp_source_value": cache.kp_value, "kp_source_jacobian": cache.kp_jacobian}
        pred, deformation, occlusion = self._run(GENERATOR_FILES[self.mode], feeds)
        return OnnxFrame(pred[0].transpose(1, 2, 0), deformation[0], occlusion[0, 0])

    def drive(self, cache: OnnxSourceCache, driving_frame: np.ndarray,
              kp_driving_initial: Optional[Tuple[np.ndarray, np.ndarray]] = None,
              relative: bool = True, adapt_scale: bool = True, scale: Optional[float] = None) -> OnnxFrame:
        """One frame: driving keypoints + (relative) normalisation + motion generator.

        kp_driving_initial: :meth:`keypoints` of the reference driving frame (default: this frame).
        scale: a precomputed adapt-movement scale (skips the convex hulls every frame).
        """
        kp_d = self.keypoints(driving_frame)
        kp_d0 = kp_driving_initial if kp_driving_initial is not None else kp_d
        value, jac, _ = normalize_kp_np((cache.kp_value, cache.kp_jacobian), kp_d, kp_d0,
                                        relative=relative, adapt_scale=adapt_scale, scale=scale)
        return self.generate(cache, value, jac)

    def animate(self, source: np.ndarray, driving_frames: np.ndarray, relative: bool = True,
                adapt_scale: bool = True) -> np.ndarray:
        """Same contract as ``FommModel.animate``: (T,256,256,3) float32 in [0,1]."""
        cache = self.prepare_source(source)
        kp_d0 = self.keypoints(driving_frames[0])
        scale = adapt_movement_scale(cache.kp_value, kp_d0[0]) if adapt_scale else 1.0
        return np.stack([self.drive(cache, f, kp_d0, relative, adapt_scale, scale).prediction
                         for f in driving_frames])
