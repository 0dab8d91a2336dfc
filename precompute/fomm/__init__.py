"""First Order Motion Model (Siarohin et al. 2019), vox-256, clean PyTorch implementation.

``from precompute.fomm import load_fomm`` (torch needed). Torch-free pieces:
``precompute.fomm.onnx_runtime`` (ONNX Runtime inference) and ``precompute.fomm.fullres``.
Attributes are imported lazily so that importing the ONNX runtime does not import torch.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_fomm", "FommModel", "FommConfig", "SourceCache", "FrameResult", "FommError",
           "FommCheckpointError", "FommCheckpointMissingError", "full_resolution_warp",
           "FommOnnxRuntime", "DEFAULT_CHECKPOINT", "DEFAULT_CONFIG_PATH"]

_LAZY = {
    "load_fomm": "precompute.fomm.loader",
    "DEFAULT_CHECKPOINT": "precompute.fomm.loader",
    "FommModel": "precompute.fomm.model",
    "SourceCache": "precompute.fomm.model",
    "FrameResult": "precompute.fomm.model",
    "FommConfig": "precompute.fomm.config",
    "DEFAULT_CONFIG_PATH": "precompute.fomm.config",
    "FommError": "precompute.fomm.errors",
    "FommCheckpointError": "precompute.fomm.errors",
    "FommCheckpointMissingError": "precompute.fomm.errors",
    "full_resolution_warp": "precompute.fomm.fullres",
    "FommOnnxRuntime": "precompute.fomm.onnx_runtime",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'precompute.fomm' has no attribute {name!r}")
