"""Configuration of the First Order Motion Model, built from the official YAML ``model_params``.

The official configs (e.g. ``vox-256.yaml``) hold a ``model_params`` section with
``common_params``, ``kp_detector_params``, ``generator_params`` (which nests
``dense_motion_params``) and ``discriminator_params`` (ignored here: inference only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from sfumato.fomm.errors import FommError

#: The bundled official vox-256 configuration (``model_params`` of vox-256.yaml).
DEFAULT_CONFIG_PATH: Path = Path(__file__).resolve().with_name("vox-256.yaml")


@dataclass(frozen=True)
class KeypointDetectorParams:
    """Keypoint detector hyper-parameters (``kp_detector_params``)."""

    temperature: float = 0.1
    block_expansion: int = 32
    max_features: int = 1024
    scale_factor: float = 0.25
    num_blocks: int = 5
    pad: int = 0


@dataclass(frozen=True)
class DenseMotionParams:
    """Dense motion network hyper-parameters (``generator_params.dense_motion_params``)."""

    block_expansion: int = 64
    max_features: int = 1024
    num_blocks: int = 5
    scale_factor: float = 0.25
    kp_variance: float = 0.01


@dataclass(frozen=True)
class GeneratorParams:
    """Occlusion-aware generator hyper-parameters (``generator_params``)."""

    block_expansion: int = 64
    max_features: int = 512
    num_down_blocks: int = 2
    num_bottleneck_blocks: int = 6
    estimate_occlusion_map: bool = True
    dense_motion: DenseMotionParams = field(default_factory=DenseMotionParams)


@dataclass(frozen=True)
class FommConfig:
    """Full model configuration (``model_params``); defaults are the official vox-256 values."""

    num_kp: int = 10
    num_channels: int = 3
    estimate_jacobian: bool = True
    kp_detector: KeypointDetectorParams = field(default_factory=KeypointDetectorParams)
    generator: GeneratorParams = field(default_factory=GeneratorParams)

    @classmethod
    def from_dict(cls, params: Mapping[str, Any]) -> "FommConfig":
        """Build from a ``model_params`` mapping (or a whole config with a ``model_params`` key)."""
        if "model_params" in params:
            params = params["model_params"]
        try:
            common = dict(params.get("common_params", {}))
            kp = dict(params["kp_detector_params"])
            gen = dict(params["generator_params"])
            dm = dict(gen.pop("dense_motion_params", {}))
            if not common.get("estimate_jacobian", True):
                raise FommError("FOMM config: estimate_jacobian=false is not supported (vox models use jacobians)")
            return cls(
                num_kp=int(common.get("num_kp", 10)),
                num_channels=int(common.get("num_channels", 3)),
                estimate_jacobian=bool(common.get("estimate_jacobian", True)),
                kp_detector=KeypointDetectorParams(**kp),
                generator=GeneratorParams(dense_motion=DenseMotionParams(**dm), **gen),
            )
        except (KeyError, TypeError) as exc:
            raise FommError(f"FOMM config: invalid model_params ({exc})") from exc

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> "FommConfig":
        """Load a YAML config file; ``None`` means the bundled vox-256 config."""
        path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
        if not path.is_file():
            raise FommError(f"FOMM config file not found: {path}")
        try:
            with open(path, "r", encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise FommError(f"FOMM config file {path} is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise FommError(f"FOMM config file {path} does not hold a mapping")
        return cls.from_dict(data)
