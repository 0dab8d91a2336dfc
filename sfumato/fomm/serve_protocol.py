"""What the FOMM inference server and its kiosk clients agree on (no server or client import).

The server (:mod:`sfumato.fomm.serve`) is NVIDIA Triton Inference Server (through PyTriton)
serving three models over Triton's standard HTTP/gRPC protocol, each behind Triton's dynamic
batcher (requests from several kiosks are grouped into one call):

============  =====================================================  ============================================
model         inputs (per request, no batch dim)                     outputs (per request)
============  =====================================================  ============================================
fomm_source   key BYTES (1,), source UINT8 (256, 256, 3) RGB         kp_value FP32 (K, 2), computed INT32 (1,)
fomm_kp       image UINT8 (256, 256, 3) RGB                          kp_value FP32 (K, 2), kp_jacobian FP32 (K, 2, 2)
fomm_drive    key BYTES (1,), frame UINT8 (256, 256, 3) RGB,         prediction UINT8 (256, 256, 3) RGB,
              kp_ref_value FP32 (K, 2), kp_ref_jacobian FP32         deformation FP32 (64, 64, 2) in [-1, 1],
              (K, 2, 2), options INT32 (2,) = (relative, adapt)      occlusion FP32 (64, 64) in (0, 1), status INT32 (1,),
                                                                     batch INT32 (1,): how many requests ran in its batch
============  =====================================================  ============================================

``key`` is the sha256 of the painting's 256 px head crop (:func:`source_key`): the server
computes a painting's encoding (source keypoints + encoder features) once and keeps it under
that key; a drive request for a key it does not hold (server restarted, cache evicted)
answers ``status = STATUS_UNKNOWN_SOURCE`` and the kiosk sends the painting again.
The kiosk keeps its reference keypoints itself (computed once per reference by ``fomm_kp``),
so the server holds no per-kiosk state.
"""

from __future__ import annotations

import hashlib

import numpy as np

SOURCE_MODEL = "fomm_source"
KEYPOINT_MODEL = "fomm_kp"
DRIVE_MODEL = "fomm_drive"
MODELS = (SOURCE_MODEL, KEYPOINT_MODEL, DRIVE_MODEL)

STATUS_OK = 0
STATUS_UNKNOWN_SOURCE = 1

SIZE = 256
DEFAULT_HTTP_PORT = 8000
DEFAULT_GRPC_PORT = 8001


def source_key(source_u8: np.ndarray) -> bytes:
    """Hex sha256 (as ASCII bytes) of a (256, 256, 3) uint8 RGB painting head crop."""
    arr = np.ascontiguousarray(source_u8, dtype=np.uint8)
    return hashlib.sha256(arr.tobytes() + repr(arr.shape).encode()).hexdigest().encode()


def to_u8(image: np.ndarray) -> np.ndarray:
    """(256, 256, 3) float in [0, 1] -> uint8 (exact for images that came from uint8 / 255)."""
    return np.ascontiguousarray(np.clip(np.rint(np.asarray(image, np.float32) * 255.0), 0, 255).astype(np.uint8))


__all__ = ["SOURCE_MODEL", "KEYPOINT_MODEL", "DRIVE_MODEL", "MODELS", "STATUS_OK", "STATUS_UNKNOWN_SOURCE",
           "SIZE", "DEFAULT_HTTP_PORT", "DEFAULT_GRPC_PORT", "source_key", "to_u8"]
