"""The FOMM mode vocabulary, one for the precompute CLI, the live config/CLI and the code.

========  ===================================================================================
mode      what runs
========  ===================================================================================
exact     PyTorch fp32 (the reference)
fast      the same fp32 graphs on MNN (CPU; Winograd convolutions, within 1/255 of exact), or on
          ONNX Runtime when MNN is not installed or a CUDA GPU is there
int8      ONNX Runtime with the int8-quantised motion generator (the quickest on CPU)
========  ===================================================================================

"fast" means the same thing offline and live. Defaults: offline ``exact`` (a bank is built
once, quality first), live ``fast`` (issue #13: int8 moves pixels by ~7/255 on average and up to
~130/255 on trained-like weights, see ``benchmarks/bench_fomm.py``; ``fast`` on MNN keeps the
picture (under 0.05/255 mean, 1.1/255 max against exact) and reaches the issue's 2x over the
official-style eager code on the 2-core CPU; on ONNX Runtime alone it is ~1.6x, see docs/fomm.md).
``int8`` keeps the motion network float32 (faces do not bend) but its texture is noisier. ONNX graphs are exported from
the checkpoint once and cached (``~/.cache/sfumato/fomm-onnx/<key>/``).
"""

from __future__ import annotations

from pathlib import Path

MODES: tuple[str, ...] = ("exact", "fast", "int8")
MODE_HELP = ("exact: PyTorch fp32; fast: fp32 on MNN (CPU) or ONNX Runtime (GPU, or without MNN); "
             "int8: ONNX Runtime with the int8 generator")
DEFAULT_CHECKPOINT = Path("checkpoints") / "vox-cpk.pth.tar"
"""Where the project expects the official vox-256 checkpoint."""

__all__ = ["MODES", "MODE_HELP", "DEFAULT_CHECKPOINT"]
