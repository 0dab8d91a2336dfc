"""Dense motion network: keypoints -> dense backward deformation + occlusion map (at 64x64)."""

from __future__ import annotations

from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn

from sfumato.fomm.blocks import AntiAliasDownsample, Hourglass, kp2gaussian
from sfumato.fomm.config import FommConfig
from sfumato.fomm.motion import sparse_motions


class DenseMotionNetwork(nn.Module):
    """Predicts how to warp the source into the driving pose.

    Input of the hourglass (vox-256: 44 channels at 64x64) is, for each of the K + 1 motions
    (index 0 = background/identity): [Gaussian(kp_d) - Gaussian(kp_s) (1 ch), source warped
    by that motion (3 ch)]. ``mask`` (K + 1 softmax weights) mixes the sparse motions into the
    deformation; ``occlusion`` (sigmoid) says where the warped source is usable.
    """

    def __init__(self, config: FommConfig) -> None:
        super().__init__()
        p = config.generator.dense_motion
        self.num_kp = config.num_kp
        self.kp_variance = float(p.kp_variance)
        self.scale_factor = float(p.scale_factor)
        in_features = (config.num_kp + 1) * (config.num_channels + 1)
        self.hourglass = Hourglass(p.block_expansion, in_features, p.num_blocks, p.max_features)
        self.mask = nn.Conv2d(self.hourglass.out_filters, config.num_kp + 1, kernel_size=7, padding=3)
        self.estimate_occlusion_map = bool(config.generator.estimate_occlusion_map)
        if self.estimate_occlusion_map:
            self.occlusion = nn.Conv2d(self.hourglass.out_filters, 1, kernel_size=7, padding=3)
        if self.scale_factor != 1:
            self.down = AntiAliasDownsample(config.num_channels, self.scale_factor)

    def downsample(self, source: torch.Tensor) -> torch.Tensor:
        """(B, 3, 256, 256) -> (B, 3, 64, 64) anti-aliased source (cacheable per painting)."""
        return self.down(source) if self.scale_factor != 1 else source

    def forward_small(self, source_small: torch.Tensor,
                      kp_driving_value: torch.Tensor, kp_driving_jac: torch.Tensor,
                      kp_source_value: torch.Tensor, kp_source_jac: torch.Tensor,
                      ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Dense motion from an already downsampled source.

        source_small: (B, 3, h, w) in [0, 1]; kp values (B, K, 2), jacobians (B, K, 2, 2).
        Returns deformation (B, h, w, 2) (grid_sample grid in [-1, 1], may overshoot slightly),
        occlusion (B, 1, h, w) in (0, 1) (ones if the model has no occlusion head) and
        mask (B, K + 1, h, w) softmax weights, channel 0 = background.
        """
        b, c, h, w = source_small.shape
        k1 = self.num_kp + 1
        heat = kp2gaussian(kp_driving_value, h, w, self.kp_variance) - kp2gaussian(kp_source_value, h, w, self.kp_variance)
        heat = torch.cat([torch.zeros_like(heat[:, :1]), heat], dim=1).unsqueeze(2)  # (B, K+1, 1, h, w)
        motions = sparse_motions(h, w, kp_driving_value, kp_driving_jac, kp_source_value, kp_source_jac)
        repeated = source_small.unsqueeze(1).expand(b, k1, c, h, w).reshape(b * k1, c, h, w)
        warped = F.grid_sample(repeated, motions.reshape(b * k1, h, w, 2), mode="bilinear",
                               padding_mode="zeros", align_corners=False).reshape(b, k1, c, h, w)
        features = self.hourglass(torch.cat([heat, warped], dim=2).reshape(b, k1 * (c + 1), h, w))
        mask = F.softmax(self.mask(features), dim=1)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)
        if self.estimate_occlusion_map:
            occlusion = torch.sigmoid(self.occlusion(features))
        else:
            occlusion = torch.ones_like(mask[:, :1])
        return deformation, occlusion, mask

    def forward(self, source: torch.Tensor, kp_driving_value: torch.Tensor, kp_driving_jac: torch.Tensor,
                kp_source_value: torch.Tensor, kp_source_jac: torch.Tensor,
                ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Same as :meth:`forward_small` from the full-resolution source (B, 3, 256, 256)."""
        return self.forward_small(self.downsample(source), kp_driving_value, kp_driving_jac,
                                  kp_source_value, kp_source_jac)
