"""Load official FOMM checkpoints (``vox-cpk.pth.tar``) into :class:`FommModel`.

Official checkpoints are ``torch.save``d dicts with ``generator``, ``kp_detector``,
``discriminator``, ``optimizer_*`` and ``epoch``; only the first two are used. They are
loaded on CPU (``map_location``) with ``strict=True`` after a readable key/shape check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import torch

from sfumato.fomm.config import FommConfig
from sfumato.fomm.errors import FommCheckpointError, FommCheckpointMissingError
from sfumato.fomm.model import FommModel

from sfumato.fomm.modes import DEFAULT_CHECKPOINT
_HINT = ("put the official vox-256 checkpoint 'vox-cpk.pth.tar' (First Order Motion Model release, "
         "github.com/AliaksandrSiarohin/first-order-model) at checkpoints/vox-cpk.pth.tar")


def _short(items: List[str], limit: int = 3) -> str:
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _read_checkpoint(path: Path, trust_checkpoint: bool) -> Mapping[str, Any]:
    try:
        data = torch.load(str(path), map_location="cpu", weights_only=not trust_checkpoint)
    except Exception as exc:  # unpickling errors, zip/stream errors, EOF, ...
        text = str(exc)
        if "WeightsUnpickler error:" in text:  # drop torch's generic weights_only preamble
            text = text.split("WeightsUnpickler error:", 1)[1]
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:200]
        if "Unsupported global" in first:
            raise FommCheckpointError(
                f"FOMM checkpoint {path} contains pickled Python objects besides tensors ({first}); "
                "load it with trust_checkpoint=True only if you trust its source") from exc
        raise FommCheckpointError(
            f"FOMM checkpoint {path} is corrupt or not a PyTorch checkpoint "
            f"({type(exc).__name__}: {first}); {_HINT}") from exc
    if not isinstance(data, Mapping):
        raise FommCheckpointError(f"FOMM checkpoint {path} holds a {type(data).__name__}, not a dict; {_HINT}")
    missing = [k for k in ("generator", "kp_detector") if k not in data]
    if missing:
        raise FommCheckpointError(
            f"FOMM checkpoint {path} has no {' / '.join(missing)} entry "
            f"(top-level keys: {_short(sorted(map(str, data.keys())), 8)}); {_HINT}")
    return data


def _check_state_dict(name: str, module: torch.nn.Module, state: Any, path: Path) -> Dict[str, torch.Tensor]:
    if not isinstance(state, Mapping):
        raise FommCheckpointError(f"FOMM checkpoint {path}: '{name}' is a {type(state).__name__}, not a state_dict")
    state = {(k[7:] if k.startswith("module.") else k): v for k, v in state.items()}
    expected = module.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing keys: {_short(missing)}")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected keys: {_short(unexpected)}")
        raise FommCheckpointError(f"FOMM checkpoint {path}: '{name}' does not match the architecture "
                                  f"({'; '.join(parts)})")
    bad = [f"{k} {tuple(state[k].shape)} vs expected {tuple(v.shape)}" for k, v in expected.items()
           if not isinstance(state[k], torch.Tensor) or tuple(state[k].shape) != tuple(v.shape)]
    if bad:
        raise FommCheckpointError(f"FOMM checkpoint {path}: '{name}' has {len(bad)} shape mismatches "
                                  f"({_short(bad, 2)}); wrong config for this checkpoint?")
    return state


def load_fomm(checkpoint_path: str | Path = DEFAULT_CHECKPOINT, config_path: Optional[str | Path] = None,
              device: str | torch.device = "cpu", trust_checkpoint: bool = False,
              channels_last: bool = False) -> FommModel:
    """Build a :class:`FommModel` and load an official checkpoint into it (eval mode).

    checkpoint_path: e.g. ``checkpoints/vox-cpk.pth.tar``. config_path: a YAML with
    ``model_params`` (default: the bundled vox-256 config). trust_checkpoint: allow arbitrary
    pickled objects (``weights_only=False``); leave False for official checkpoints.
    channels_last: NHWC memory format (same outputs, ~1.2x faster per frame on CPU).
    Raises FommCheckpointMissingError (a FileNotFoundError) or FommCheckpointError.
    """
    path = Path(checkpoint_path)
    if not path.is_file():
        raise FommCheckpointMissingError(f"FOMM checkpoint not found: {path}; {_HINT}")
    config = FommConfig.from_yaml(config_path)
    model = FommModel(config)
    data = _read_checkpoint(path, trust_checkpoint)
    for name, module in (("generator", model.generator), ("kp_detector", model.kp_detector)):
        state = _check_state_dict(name, module, data[name], path)
        try:
            module.load_state_dict(state, strict=True)
        except RuntimeError as exc:
            first = (str(exc).strip().splitlines() or [""])[0][:200]
            raise FommCheckpointError(f"FOMM checkpoint {path}: cannot load '{name}' ({first})") from exc
    model = model.to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model.eval()
