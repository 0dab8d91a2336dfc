"""A tiny random-weight FOMM checkpoint + config written by the tests themselves (fresh clone, no ../shared).

Same architecture family as vox-256 with few channels (the shared ``vox-tiny-model_params.yaml``
values); its output is noise, so tests using it check plumbing, shapes and timing, not pictures.
"""

from __future__ import annotations

from pathlib import Path

import yaml

TINY_PARAMS = {"model_params": {
    "common_params": {"num_kp": 10, "num_channels": 3, "estimate_jacobian": True},
    "kp_detector_params": {"temperature": 0.1, "block_expansion": 8, "max_features": 64, "scale_factor": 0.25,
                           "num_blocks": 5},
    "generator_params": {"block_expansion": 8, "max_features": 32, "num_down_blocks": 2, "num_bottleneck_blocks": 6,
                         "estimate_occlusion_map": True,
                         "dense_motion_params": {"block_expansion": 8, "max_features": 64, "num_blocks": 5,
                                                 "scale_factor": 0.25}},
}}


def write_tiny_checkpoint(folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """Write ``tiny.pth.tar`` (random weights, seeded) and ``tiny.yaml`` into ``folder``; return both paths."""
    import torch

    from sfumato.fomm.config import FommConfig
    from sfumato.fomm.model import FommModel

    folder.mkdir(parents=True, exist_ok=True)
    cfg_path, ckpt_path = folder / "tiny.yaml", folder / "tiny.pth.tar"
    cfg_path.write_text(yaml.safe_dump(TINY_PARAMS), encoding="utf-8")
    torch.manual_seed(seed)
    model = FommModel(FommConfig.from_dict(TINY_PARAMS))
    torch.save({"generator": model.generator.state_dict(), "kp_detector": model.kp_detector.state_dict()}, ckpt_path)
    return ckpt_path, cfg_path
