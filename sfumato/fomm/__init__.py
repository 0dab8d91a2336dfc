"""First Order Motion Model (Siarohin et al. 2019), vox-256, clean PyTorch implementation.

``from sfumato.fomm import load_fomm`` (torch needed). Torch-free pieces:
``sfumato.fomm.onnx_runtime`` (ONNX Runtime inference) and ``sfumato.fomm.fullres``.
Attributes are imported lazily so that importing the ONNX runtime does not import torch.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_fomm", "FommModel", "FommConfig", "SourceCache", "FrameResult", "FommError",
           "FommCheckpointError", "FommCheckpointMissingError", "full_resolution_warp",
           "FommOnnxRuntime", "DEFAULT_CHECKPOINT", "MODES", "DEFAULT_CONFIG_PATH"]

_LAZY = {
    "load_fomm": "sfumato.fomm.loader",
    "DEFAULT_CHECKPOINT": "sfumato.fomm.modes",
    "MODES": "sfumato.fomm.modes",
    "FommModel": "sfumato.fomm.model",
    "SourceCache": "sfumato.fomm.model",
    "FrameResult": "sfumato.fomm.model",
    "FommConfig": "sfumato.fomm.config",
    "DEFAULT_CONFIG_PATH": "sfumato.fomm.config",
    "FommError": "sfumato.fomm.errors",
    "FommCheckpointError": "sfumato.fomm.errors",
    "FommCheckpointMissingError": "sfumato.fomm.errors",
    "full_resolution_warp": "sfumato.fomm.fullres",
    "FommOnnxRuntime": "sfumato.fomm.onnx_runtime",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sfumato.fomm' has no attribute {name!r}")
