"""Occlusion-aware generator of FOMM, split into a cacheable source encoder and a per-frame part."""

from __future__ import annotations

from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from sfumato.fomm.blocks import DownBlock2d, ResBlock2d, SameBlock2d, UpBlock2d
from sfumato.fomm.config import FommConfig
from sfumato.fomm.dense_motion import DenseMotionNetwork


def resize_grid(deformation: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Bilinearly resize a (B, h, w, 2) sampling grid to (B, height, width, 2) if needed."""
    if deformation.shape[1] == height and deformation.shape[2] == width:
        return deformation
    grid = F.interpolate(deformation.permute(0, 3, 1, 2), size=(height, width), mode="bilinear", align_corners=False)
    return grid.permute(0, 2, 3, 1)


class OcclusionAwareGenerator(nn.Module):
    """Source image + keypoints -> driving-pose image.

    ``first`` conv7x7 block and ``down_blocks`` encode the source (vox-256: (B, 256, 64, 64));
    the features are warped with the dense motion deformation (grid_sample, align_corners=False),
    multiplied by the occlusion map, decoded by ``bottleneck`` (ResBlocks), ``up_blocks`` and
    ``final`` conv7x7 + sigmoid.
    """

    def __init__(self, config: FommConfig) -> None:
        super().__init__()
        p = config.generator
        self.dense_motion_network = DenseMotionNetwork(config)
        self.first = SameBlock2d(config.num_channels, p.block_expansion, kernel_size=7, padding=3)
        self.down_blocks = nn.ModuleList(
            DownBlock2d(min(p.max_features, p.block_expansion * 2 ** i), min(p.max_features, p.block_expansion * 2 ** (i + 1)))
            for i in range(p.num_down_blocks)
        )
        n = p.num_down_blocks
        self.up_blocks = nn.ModuleList(
            UpBlock2d(min(p.max_features, p.block_expansion * 2 ** (n - i)), min(p.max_features, p.block_expansion * 2 ** (n - i - 1)))
            for i in range(n)
        )
        width = min(p.max_features, p.block_expansion * 2 ** n)
        self.bottleneck = nn.Sequential()
        for i in range(p.num_bottleneck_blocks):
            self.bottleneck.add_module(f"r{i}", ResBlock2d(width))
        self.final = nn.Conv2d(p.block_expansion, config.num_channels, kernel_size=7, padding=3)

    def encode_source(self, source: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Everything of the generator that depends only on the source.

        source: (B, 3, 256, 256) in [0, 1]. Returns features (B, 256, 64, 64) (vox-256) and the
        anti-aliased source (B, 3, 64, 64) used by the dense motion network.
        """
        out = self.first(source)
        for block in self.down_blocks:
            out = block(out)
        return out, self.dense_motion_network.downsample(source)

    def decode(self, source_features: torch.Tensor, source_small: torch.Tensor,
               kp_driving_value: torch.Tensor, kp_driving_jac: torch.Tensor,
               kp_source_value: torch.Tensor, kp_source_jac: torch.Tensor,
               ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per-frame part: dense motion, feature warp, decoder.

        Inputs from :meth:`encode_source`; kp values (B, K, 2), jacobians (B, K, 2, 2)
        (driving keypoints already normalised). Returns prediction (B, 3, 256, 256) in [0, 1],
        deformation (B, 64, 64, 2) grid in [-1, 1] (grid_sample, align_corners=False),
        occlusion (B, 1, 64, 64) in (0, 1), mask (B, K + 1, 64, 64).
        """
        deformation, occlusion, mask = self.dense_motion_network.forward_small(
            source_small, kp_driving_value, kp_driving_jac, kp_source_value, kp_source_jac)
        h, w = source_features.shape[2], source_features.shape[3]
        out = F.grid_sample(source_features, resize_grid(deformation, h, w), mode="bilinear",
                            padding_mode="zeros", align_corners=False)
        occ = occlusion
        if occ.shape[2] != h or occ.shape[3] != w:
            occ = F.interpolate(occ, size=(h, w), mode="bilinear", align_corners=False)
        out = self.bottleneck(out * occ)
        for block in self.up_blocks:
            out = block(out)
        prediction = torch.sigmoid(self.final(out))
        return prediction, deformation, occlusion, mask

    def forward(self, source: torch.Tensor, kp_driving_value: torch.Tensor, kp_driving_jac: torch.Tensor,
                kp_source_value: torch.Tensor, kp_source_jac: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Official-style call (encodes the source every time).

        Returns a dict with ``prediction`` (B, 3, H, W), ``deformation`` (B, 64, 64, 2),
        ``occlusion_map`` (B, 1, 64, 64), ``mask`` (B, K + 1, 64, 64).
        """
        feats, small = self.encode_source(source)
        pred, deformation, occlusion, mask = self.decode(feats, small, kp_driving_value, kp_driving_jac,
                                                          kp_source_value, kp_source_jac)
        return {"prediction": pred, "deformation": deformation, "occlusion_map": occlusion, "mask": mask}
