"""The FOMM mode vocabulary, one for the precompute CLI, the live config/CLI and the code.

========  ===================================================================================
mode      what runs
========  ===================================================================================
exact     PyTorch fp32 (the reference)
fast      ONNX Runtime, the same fp32 graphs (numerically equal to exact up to float rounding)
int8      ONNX Runtime with the int8-quantised motion generator (the quickest on CPU)
========  ===================================================================================

"fast" means the same thing offline and live. Defaults: offline ``exact`` (a bank is built
once, quality first), live ``fast`` (issue #13: int8 moves pixels by ~9/255 on average and up to
~150/255 on trained-like weights, see ``benchmarks/bench_fomm.py``; ``fast`` keeps the picture
within float rounding and is ~1.6-1.7x quicker than the official-style eager code on a lightly
loaded 2-core CPU; no exact-preserving option reached the issue's 2x, see docs/fomm.md).
``int8`` keeps the motion network float32 (faces do not bend) but its texture is noisier. ONNX graphs are exported from
the checkpoint once and cached (``~/.cache/sfumato/fomm-onnx/<key>/``).
"""

from __future__ import annotations

from pathlib import Path

MODES: tuple[str, ...] = ("exact", "fast", "int8")
MODE_HELP = "exact: PyTorch fp32; fast: ONNX Runtime fp32; int8: ONNX Runtime with the int8 generator"
DEFAULT_CHECKPOINT = Path("checkpoints") / "vox-cpk.pth.tar"
"""Where the project expects the official vox-256 checkpoint."""

__all__ = ["MODES", "MODE_HELP", "DEFAULT_CHECKPOINT"]
