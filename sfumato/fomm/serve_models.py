"""The Python callables the FOMM Triton server runs (ONNX Runtime FOMM graphs, no torch, no Triton).

Each callable takes one *batch* of requests (Triton's dynamic batcher groups the requests of
several kiosks; PyTriton's ``@batch`` stacks them along a leading axis B) and returns a dict of
arrays with the same leading axis. The tensors are those of :mod:`sfumato.fomm.serve_protocol`.
The exported ONNX graphs have a batch axis: a batch of B kiosks' frames is one keypoint-detector
call and one motion-generator call (graphs exported at batch 1 run request by request).
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
        value, jac = self.rt.keypoints_batch(_float(image))
        return {"kp_value": value.astype(np.float32), "kp_jacobian": jac.astype(np.float32)}

    def drive(self, key: np.ndarray, frame: np.ndarray, kp_ref_value: np.ndarray, kp_ref_jacobian: np.ndarray,
              options: np.ndarray) -> Dict[str, np.ndarray]:
        """One driven frame per request (see :mod:`sfumato.fomm.serve_protocol` for the shapes).

        The requests whose painting the server holds run together: one keypoint-detector call on
        their frames, then one motion-generator call; the others answer STATUS_UNKNOWN_SOURCE.
        """
        n = len(frame)
        self.batch_sizes.append(n)
        caches = [self._get(_key(k)) for k in key]
        ok = [i for i, c in enumerate(caches) if c is not None]
        preds = np.zeros(frame.shape, np.uint8)
        defs = np.zeros((n, 64, 64, 2), np.float32)
        occs = np.zeros((n, 64, 64), np.float32)
        if ok:
            kp_v, kp_j = self.rt.keypoints_batch(_float(frame[ok]))
            values, jacs = [], []
            for row, i in enumerate(ok):
                cache, opt = caches[i], options[i]
                v, j, _ = normalize_kp_np((cache.kp_value, cache.kp_jacobian), (kp_v[row:row + 1], kp_j[row:row + 1]),
                                          (kp_ref_value[i][None].astype(np.float32),
                                           kp_ref_jacobian[i][None].astype(np.float32)),
                                          relative=bool(opt[0]), adapt_scale=bool(opt[1]))
                values.append(v)
                jacs.append(j)
            outs = self.rt.generate_batch([caches[i] for i in ok], np.concatenate(values), np.concatenate(jacs))
            if outs[0].deformation.shape != defs.shape[1:]:   # a config with another dense-motion size
                defs = np.zeros((n, *outs[0].deformation.shape), np.float32)
                occs = np.zeros((n, *outs[0].occlusion.shape), np.float32)
            for i, out in zip(ok, outs):
                preds[i] = to_u8(out.prediction)
                defs[i], occs[i] = out.deformation, out.occlusion
        status = np.full((n, 1), STATUS_UNKNOWN_SOURCE, np.int32)
        status[ok] = STATUS_OK
        return {"prediction": preds, "deformation": defs, "occlusion": occs, "status": status,
                "batch": np.full((n, 1), n, np.int32)}


__all__ = ["FommService"]
