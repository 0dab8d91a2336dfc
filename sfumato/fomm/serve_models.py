"""The Python callables the FOMM Triton server runs (ONNX Runtime FOMM graphs, no torch, no Triton).

Each callable takes one *batch* of requests (Triton's dynamic batcher groups the requests of
several kiosks; PyTriton's ``@batch`` stacks them along a leading axis B) and returns a dict of
arrays with the same leading axis. The tensors are those of :mod:`sfumato.fomm.serve_protocol`.
The exported ONNX graphs have batch 1, so a batch runs request by request inside one call.
"""

from __future__ import annotations

import collections
import threading
from typing import Dict

import numpy as np

from sfumato.fomm.motion_np import normalize_kp_np
from sfumato.fomm.onnx_runtime import FommOnnxRuntime, OnnxSourceCache
from sfumato.fomm.serve_protocol import STATUS_OK, STATUS_UNKNOWN_SOURCE, to_u8


def _key(value) -> str:
    """One request's key: (1,) object array of bytes (or bytes) -> str."""
    item = np.asarray(value, dtype=object).reshape(-1)[0]
    return item.decode("ascii", "replace") if isinstance(item, (bytes, np.bytes_)) else str(item)


def _float(image_u8: np.ndarray) -> np.ndarray:
    """(256, 256, 3) uint8 -> float32 in [0, 1]."""
    return np.asarray(image_u8, np.float32) * np.float32(1.0 / 255.0)


class FommService:
    """FOMM on the server: painting encodings kept by key (LRU of ``max_sources``), batched calls.

    Attributes:
        rt: the ONNX Runtime FOMM (:class:`FommOnnxRuntime`).
        encodings_computed: how many painting encodings were computed (once per new key).
        batch_sizes: sizes of the last 1000 drive batches (what the dynamic batcher grouped).
    """

    def __init__(self, rt: FommOnnxRuntime, max_sources: int = 64) -> None:
        self.rt = rt
        self.max_sources = max_sources
        self._sources: "collections.OrderedDict[str, OnnxSourceCache]" = collections.OrderedDict()
        self._lock = threading.Lock()
        self.encodings_computed = 0
        self.batch_sizes: collections.deque = collections.deque(maxlen=1000)

    def _get(self, key: str):
        with self._lock:
            cache = self._sources.get(key)
            if cache is not None:
                self._sources.move_to_end(key)
            return cache

    def source(self, key: np.ndarray, source: np.ndarray) -> Dict[str, np.ndarray]:
        """key (B, 1) bytes, source (B, 256, 256, 3) uint8 -> kp_value (B, K, 2), computed (B, 1) int32."""
        values, computed = [], []
        for k, img in zip(key, source):
            name = _key(k)
            cache = self._get(name)
            computed.append(cache is None)
            if cache is None:   # once per painting: source keypoints + encoder features
                cache = self.rt.prepare_source(_float(img))
                with self._lock:
                    self._sources[name] = cache
                    self.encodings_computed += 1
                    while len(self._sources) > self.max_sources:
                        self._sources.popitem(last=False)
            values.append(cache.kp_value[0])
        return {"kp_value": np.stack(values).astype(np.float32),
                "computed": np.asarray(computed, np.int32).reshape(-1, 1)}

    def keypoints(self, image: np.ndarray) -> Dict[str, np.ndarray]:
        """image (B, 256, 256, 3) uint8 -> kp_value (B, K, 2), kp_jacobian (B, K, 2, 2) float32."""
        kps = [self.rt.keypoints(_float(img)) for img in image]
        return {"kp_value": np.concatenate([v for v, _ in kps]).astype(np.float32),
                "kp_jacobian": np.concatenate([j for _, j in kps]).astype(np.float32)}

    def drive(self, key: np.ndarray, frame: np.ndarray, kp_ref_value: np.ndarray, kp_ref_jacobian: np.ndarray,
              options: np.ndarray) -> Dict[str, np.ndarray]:
        """One driven frame per request (see :mod:`sfumato.fomm.serve_protocol` for the shapes)."""
        self.batch_sizes.append(len(frame))
        preds, defs, occs, status = [], [], [], []
        for k, img, ref_v, ref_j, opt in zip(key, frame, kp_ref_value, kp_ref_jacobian, options):
            cache = self._get(_key(k))
            if cache is None:
                status.append(STATUS_UNKNOWN_SOURCE)
                preds.append(np.zeros(img.shape, np.uint8))
                defs.append(np.zeros((64, 64, 2), np.float32) if not defs else np.zeros_like(defs[0]))
                occs.append(np.zeros((64, 64), np.float32) if not occs else np.zeros_like(occs[0]))
                continue
            relative, adapt = bool(opt[0]), bool(opt[1])
            kp_d = self.rt.keypoints(_float(img))
            value, jac, _ = normalize_kp_np((cache.kp_value, cache.kp_jacobian), kp_d,
                                            (ref_v[None].astype(np.float32), ref_j[None].astype(np.float32)),
                                            relative=relative, adapt_scale=adapt)
            out = self.rt.generate(cache, value, jac)
            preds.append(to_u8(out.prediction))
            defs.append(out.deformation.astype(np.float32))
            occs.append(out.occlusion.astype(np.float32))
            status.append(STATUS_OK)
        shape_d = next((d.shape for d, s in zip(defs, status) if s == STATUS_OK), defs[0].shape)
        shape_o = next((o.shape for o, s in zip(occs, status) if s == STATUS_OK), occs[0].shape)
        defs = [d if d.shape == shape_d else np.zeros(shape_d, np.float32) for d in defs]
        occs = [o if o.shape == shape_o else np.zeros(shape_o, np.float32) for o in occs]
        return {"prediction": np.stack(preds), "deformation": np.stack(defs), "occlusion": np.stack(occs),
                "status": np.asarray(status, np.int32).reshape(-1, 1),
                "batch": np.full((len(status), 1), len(status), np.int32)}


__all__ = ["FommService"]
