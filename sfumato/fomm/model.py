"""FommModel: keypoint detector + generator with a source cache and a NumPy-facing API.

Images on the NumPy side are HWC float32 in [0, 1] (vox-256: 256x256). Keypoints are
value (K, 2) as (x, y) in [-1, 1] and jacobian (K, 2, 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np
import torch
from torch import nn

from sfumato.fomm.config import FommConfig
from sfumato.fomm.errors import FommError
from sfumato.fomm.generator import OcclusionAwareGenerator
from sfumato.fomm.keypoint_detector import KeypointDetector
from sfumato.fomm.motion import normalize_kp

Keypoints = Tuple[torch.Tensor, torch.Tensor]  # value (B, K, 2), jacobian (B, K, 2, 2)


@dataclass
class SourceCache:
    """Everything that depends only on the source image (compute once per painting).

    image (1, 3, H, W) in [0, 1]; features (1, 256, H/4, W/4) generator encoder output;
    small (1, 3, 64, 64) anti-aliased source for dense motion; kp_value (1, K, 2);
    kp_jacobian (1, K, 2, 2).
    """

    image: torch.Tensor
    features: torch.Tensor
    small: torch.Tensor
    kp_value: torch.Tensor
    kp_jacobian: torch.Tensor

    @property
    def keypoints(self) -> Keypoints:
        return self.kp_value, self.kp_jacobian


@dataclass
class FrameResult:
    """One animated frame (NumPy, batch axis dropped).

    prediction (H, W, 3) float32 in [0, 1]; deformation (64, 64, 2) grid_sample grid in [-1, 1]
    (align_corners=False; x first); occlusion (64, 64) in (0, 1) (1 = use warped source);
    mask (K + 1, 64, 64); kp_value (K, 2) and kp_jacobian (K, 2, 2) the normalised driving keypoints.
    """

    prediction: np.ndarray
    deformation: np.ndarray
    occlusion: np.ndarray
    mask: np.ndarray
    kp_value: np.ndarray
    kp_jacobian: np.ndarray


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """(H, W, 3) or (B, H, W, 3) float in [0, 1] -> (B, 3, H, W) float32 tensor."""
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4 or arr.shape[-1] != 3:
        raise FommError(f"FOMM: expected images of shape (H, W, 3) or (B, H, W, 3), got {arr.shape}")
    return torch.from_numpy(np.ascontiguousarray(arr)).permute(0, 3, 1, 2).contiguous()


class FommModel(nn.Module):
    """First Order Motion Model for inference (eval mode, CPU or any torch device)."""

    def __init__(self, config: Optional[FommConfig] = None) -> None:
        super().__init__()
        self.config = config or FommConfig()
        self.kp_detector = KeypointDetector(self.config)
        self.generator = OcclusionAwareGenerator(self.config)
        self.eval()

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    # ---- torch-level pieces -------------------------------------------------------------
    def detect(self, images: torch.Tensor) -> Keypoints:
        """(B, 3, H, W) in [0, 1] -> value (B, K, 2), jacobian (B, K, 2, 2)."""
        with torch.inference_mode():
            return self.kp_detector(images.to(self.device))

    def prepare_source(self, source: np.ndarray | torch.Tensor) -> SourceCache:
        """Cache the source: keypoints + generator encoder features + downsampled source.

        source: (H, W, 3) float32 in [0, 1] NumPy, or a (1, 3, H, W) tensor.
        """
        image = source if isinstance(source, torch.Tensor) else to_tensor(source)
        image = image.to(self.device)
        with torch.inference_mode():
            value, jac = self.kp_detector(image)
            features, small = self.generator.encode_source(image)
        return SourceCache(image, features, small, value, jac)

    def generate(self, cache: SourceCache, kp_value: torch.Tensor, kp_jacobian: torch.Tensor,
                 ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per-frame generator from a cached source and normalised driving keypoints.

        kp_value (B, K, 2), kp_jacobian (B, K, 2, 2); the cache is broadcast to batch B.
        Returns prediction (B, 3, H, W) in [0, 1], deformation (B, 64, 64, 2) in [-1, 1],
        occlusion (B, 1, 64, 64) in (0, 1), mask (B, K + 1, 64, 64).
        """
        b = kp_value.shape[0]
        with torch.inference_mode():
            return self.generator.decode(
                cache.features.expand(b, -1, -1, -1), cache.small.expand(b, -1, -1, -1),
                kp_value.to(self.device), kp_jacobian.to(self.device),
                cache.kp_value.expand(b, -1, -1), cache.kp_jacobian.expand(b, -1, -1, -1))

    # ---- NumPy-level API ----------------------------------------------------------------
    def keypoints(self, images: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints of (H, W, 3) or (T, H, W, 3) images in [0, 1].

        Returns value (K, 2) / (T, K, 2) in [-1, 1] and jacobian (K, 2, 2) / (T, K, 2, 2).
        """
        value, jac = self.detect(to_tensor(images))
        value, jac = value.cpu().numpy(), jac.cpu().numpy()
        if np.asarray(images).ndim == 3:
            return value[0], jac[0]
        return value, jac

    def drive(self, cache: SourceCache, driving_frame: np.ndarray,
              kp_driving_initial: Optional[Keypoints] = None,
              relative: bool = True, adapt_scale: bool = True) -> FrameResult:
        """Animate one frame: driving keypoints + normalisation + cached-source generator.

        driving_frame (H, W, 3) float32 in [0, 1]. kp_driving_initial: keypoints of the
        reference (neutral) driving frame, as returned by :meth:`detect` (needed when relative
        or adapt_scale; defaults to this frame's own keypoints).
        """
        kp_d = self.detect(to_tensor(driving_frame))
        kp_d0 = kp_driving_initial if kp_driving_initial is not None else kp_d
        value, jac, _ = normalize_kp(cache.keypoints, kp_d, kp_d0, relative=relative, adapt_scale=adapt_scale)
        pred, deformation, occlusion, mask = self.generate(cache, value, jac)
        return FrameResult(pred[0].permute(1, 2, 0).cpu().numpy(), deformation[0].cpu().numpy(),
                           occlusion[0, 0].cpu().numpy(), mask[0].cpu().numpy(),
                           value[0].cpu().numpy(), jac[0].cpu().numpy())

    def animate_detailed(self, source: np.ndarray, driving_frames: np.ndarray,
                         relative: bool = True, adapt_scale: bool = True) -> Dict[str, np.ndarray]:
        """Like :meth:`animate` (demo ``make_animation``) but returns every intermediate.

        Keys: prediction (T, H, W, 3), deformation (T, 64, 64, 2), occlusion_map (T, 1, 64, 64),
        mask (T, K + 1, 64, 64), kp_norm_value (T, K, 2), kp_norm_jacobian (T, K, 2, 2),
        adapt_movement_scale (scalar; 1 when not adapt_scale).
        """
        frames = np.asarray(driving_frames, dtype=np.float32)
        if frames.ndim != 4:
            raise FommError(f"FOMM: driving frames must be (T, H, W, 3), got {frames.shape}")
        cache = self.prepare_source(source)
        kp_d0 = self.detect(to_tensor(frames[0]))
        outs: Dict[str, list] = {k: [] for k in ("prediction", "deformation", "occlusion_map", "mask",
                                                 "kp_norm_value", "kp_norm_jacobian")}
        scale = 1.0
        for frame in frames:
            kp_d = self.detect(to_tensor(frame))
            value, jac, scale = normalize_kp(cache.keypoints, kp_d, kp_d0, relative, adapt_scale)
            pred, deformation, occlusion, mask = self.generate(cache, value, jac)
            for key, t in zip(outs, (pred.permute(0, 2, 3, 1), deformation, occlusion, mask, value, jac)):
                outs[key].append(t[0].cpu().numpy())
        result = {k: np.stack(v) for k, v in outs.items()}
        result["adapt_movement_scale"] = np.float64(scale)
        return result

    def animate(self, source: np.ndarray, driving_frames: np.ndarray,
                relative: bool = True, adapt_scale: bool = True) -> np.ndarray:
        """Animate the source with a driving video (official demo ``make_animation``).

        source (256, 256, 3) float32 in [0, 1]; driving_frames (T, 256, 256, 3) float32 in [0, 1]
        (frame 0 is the reference for relative motion). Returns (T, 256, 256, 3) float32 in [0, 1].
        """
        return self.animate_detailed(source, driving_frames, relative, adapt_scale)["prediction"]
