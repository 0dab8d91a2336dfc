"""Unsupervised keypoint detector of FOMM (``kp_detector`` in official checkpoints)."""

from __future__ import annotations

from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn

from sfumato.fomm.blocks import AntiAliasDownsample, Hourglass, make_coordinate_grid
from sfumato.fomm.config import FommConfig


class KeypointDetector(nn.Module):
    """Image -> keypoints and local affine jacobians.

    Pipeline (vox-256): anti-aliased downsample 256 -> 64, hourglass (35 channels), ``kp`` conv7x7
    (no padding) -> 58x58 heatmaps, spatial softmax(x / temperature), keypoint = expected (x, y);
    ``jacobian`` conv7x7 -> 4 maps per keypoint, heatmap-weighted sums -> (2, 2) matrices.
    """

    def __init__(self, config: FommConfig) -> None:
        super().__init__()
        p = config.kp_detector
        self.num_kp = config.num_kp
        self.temperature = float(p.temperature)
        self.scale_factor = float(p.scale_factor)
        self.predictor = Hourglass(p.block_expansion, config.num_channels, p.num_blocks, p.max_features)
        self.kp = nn.Conv2d(self.predictor.out_filters, config.num_kp, kernel_size=7, padding=p.pad)
        self.jacobian = nn.Conv2d(self.predictor.out_filters, 4 * config.num_kp, kernel_size=7, padding=p.pad)
        with torch.no_grad():
            self.jacobian.weight.zero_()
            self.jacobian.bias.copy_(torch.tensor([1.0, 0.0, 0.0, 1.0] * config.num_kp))
        if self.scale_factor != 1:
            self.down = AntiAliasDownsample(config.num_channels, self.scale_factor)

    def forward(self, image: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """image: (B, 3, H, W) float32 in [0, 1].

        Returns ``value`` (B, K, 2) (x, y) in [-1, 1] and ``jacobian`` (B, K, 2, 2).
        """
        x = self.down(image) if self.scale_factor != 1 else image
        features = self.predictor(x)
        logits = self.kp(features)
        b, k, h, w = logits.shape
        heatmap = F.softmax(logits.reshape(b, k, h * w) / self.temperature, dim=2).reshape(b, k, h, w)
        grid = make_coordinate_grid(h, w, heatmap.dtype, heatmap.device).view(1, 1, h, w, 2)
        value = (heatmap.unsqueeze(-1) * grid).sum(dim=(2, 3))
        jac_maps = self.jacobian(features).reshape(b, k, 4, h, w)
        jacobian = (heatmap.unsqueeze(2) * jac_maps).reshape(b, k, 4, h * w).sum(dim=-1)
        return value, jacobian.reshape(b, k, 2, 2)
