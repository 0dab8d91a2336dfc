"""Repo-only stand-in for ../shared/fomm/tiny-random.pth.tar: a tiny FOMM checkpoint made in the tests.

Same architecture as vox-256 with narrow layers (tests/data/vox-tiny-model_params.yaml, a copy
of ../shared/fomm/vox-tiny-model_params.yaml). Weights: PyTorch's default random init with a
fixed seed, then "trained-like" BatchNorm statistics: every BatchNorm's running mean/variance
is set to the exact average over real inputs (the astronaut face crop and a head-motion clip
of it, driven through keypoint detector and generator), so activations stay in a realistic
range layer after layer instead of exploding or vanishing. The occlusion head is rescaled so
that, as in a trained model, the warped source is used almost everywhere (occlusion ~0.95).
"""

from __future__ import annotations

from pathlib import Path
from typing import Tuple

import numpy as np

TINY_CONFIG = Path(__file__).resolve().parent / "data" / "vox-tiny-model_params.yaml"


def tiny_model(seed: int = 7):
    """A FommModel (tiny config, eval mode) with seeded random weights and calibrated BatchNorm."""
    import torch
    from skimage import data

    from sfumato.fomm.calibration import face_crop, head_motion_clip
    from sfumato.fomm.config import FommConfig
    from sfumato.fomm.model import FommModel, to_tensor

    torch.manual_seed(seed)
    model = FommModel(FommConfig.from_yaml(TINY_CONFIG))
    crop = face_crop(data.astronaut())
    frames = [crop] + head_motion_clip(crop, 6, seed=seed)
    batch = to_tensor(np.stack(frames))
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration passes
    model.train()
    with torch.no_grad():
        for _ in range(2):
            kp_v, kp_j = model.kp_detector(batch)
            src = batch[:1].expand_as(batch)
            model.generator(src, kp_v, kp_j, kp_v[:1].expand_as(kp_v), kp_j[:1].expand_as(kp_j))
    with torch.no_grad():  # heads like a trained model's: the warped source is mostly usable (occlusion ~0.95)
        occ = model.generator.dense_motion_network.occlusion
        occ.weight.mul_(0.1)
        occ.bias.fill_(3.0)
    return model.eval()


def write_tiny_checkpoint(folder: Path, seed: int = 7) -> Tuple[Path, Path]:
    """Write ``tiny-standin.pth.tar`` ({'generator', 'kp_detector'} state dicts) into folder.

    Returns (checkpoint path, config path).
    """
    import torch

    model = tiny_model(seed)
    path = Path(folder) / "tiny-standin.pth.tar"
    torch.save({"generator": model.generator.state_dict(), "kp_detector": model.kp_detector.state_dict()}, path)
    return path, TINY_CONFIG


SHARED_FOMM = Path(__file__).resolve().parents[2] / "shared" / "fomm"
STANDIN_VERSION = 2  # bump when tiny_model() changes (names the cached file)


def tiny_checkpoint() -> Tuple[Path, Path]:
    """(checkpoint, config) of a tiny FOMM: ../shared/fomm's when present, else the stand-in.

    The stand-in is written once per machine into the temp folder (deterministic, seeded) and
    reused by later test runs.
    """
    import os
    import tempfile

    shared = SHARED_FOMM / "tiny-random.pth.tar"
    if shared.is_file() and (SHARED_FOMM / "vox-tiny-model_params.yaml").is_file():
        return shared, SHARED_FOMM / "vox-tiny-model_params.yaml"
    folder = Path(tempfile.gettempdir()) / f"sfumato-tests-{os.getuid()}"
    path = folder / f"tiny-standin-v{STANDIN_VERSION}.pth.tar"
    if not path.is_file():
        work = Path(tempfile.mkdtemp(prefix="standin_", dir=_mkdir(folder)))
        written, _ = write_tiny_checkpoint(work)
        os.replace(written, path)  # atomic: parallel runs never see half a file
    return path, TINY_CONFIG


def _mkdir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
