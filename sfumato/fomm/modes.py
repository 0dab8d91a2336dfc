"""The FOMM mode vocabulary, one for the precompute CLI, the live config/CLI and the code.

========  ===================================================================================
mode      what runs
========  ===================================================================================
exact     PyTorch fp32 (the reference)
fast      ONNX Runtime, the same fp32 graphs (numerically equal to exact up to float rounding)
int8      ONNX Runtime with the int8-quantised motion generator (the quickest on CPU)
========  ===================================================================================

"fast" means the same thing offline and live. Defaults: offline ``exact`` (a bank is built
once, quality first), live ``int8`` (per-frame speed first). ONNX graphs are exported from
the checkpoint once and cached (``~/.cache/sfumato/fomm-onnx/<key>/``).
"""

from __future__ import annotations

from pathlib import Path

MODES: tuple[str, ...] = ("exact", "fast", "int8")
MODE_HELP = "exact: PyTorch fp32; fast: ONNX Runtime fp32; int8: ONNX Runtime with the int8 generator"
DEFAULT_CHECKPOINT = Path("checkpoints") / "vox-cpk.pth.tar"
"""Where the project expects the official vox-256 checkpoint."""

__all__ = ["MODES", "MODE_HELP", "DEFAULT_CHECKPOINT"]
