"""Building blocks of FOMM: conv blocks, hourglass, anti-aliased downsampling, coordinate grids.

All tensors are NCHW float32. Module attribute names match the official checkpoint keys
(``conv``, ``norm``, ``down_blocks``, ``up_blocks``, ``encoder``, ``decoder``, ``weight``).
BatchNorm uses eps 1e-5 and is meant to run in eval mode.
"""

from __future__ import annotations

from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import nn


def make_coordinate_grid(height: int, width: int, dtype: torch.dtype = torch.float32,
                         device: torch.device | str | None = None) -> torch.Tensor:
    """Pixel-centre grid on [-1, 1] (first and last pixel at -1 and 1).

    Returns (H, W, 2) with ``[..., 0] = x`` (column) and ``[..., 1] = y`` (row).
    """
    x = torch.arange(width, dtype=dtype, device=device)
    y = torch.arange(height, dtype=dtype, device=device)
    x = 2 * (x / (width - 1)) - 1
    y = 2 * (y / (height - 1)) - 1
    xx = x.view(1, -1).expand(height, width)
    yy = y.view(-1, 1).expand(height, width)
    return torch.stack([xx, yy], dim=2)


def kp2gaussian(kp_value: torch.Tensor, height: int, width: int, kp_variance: float) -> torch.Tensor:
    """Isotropic Gaussian heatmaps around keypoints.

    kp_value: (B, K, 2) (x, y) in [-1, 1]. Returns (B, K, H, W) in (0, 1].
    """
    grid = make_coordinate_grid(height, width, kp_value.dtype, kp_value.device).view(1, 1, height, width, 2)
    diff = grid - kp_value.view(kp_value.shape[0], kp_value.shape[1], 1, 1, 2)
    return torch.exp(-0.5 * (diff ** 2).sum(-1) / kp_variance)


class AntiAliasDownsample(nn.Module):
    """Gaussian blur (sigma = (1/scale - 1)/2) then keep every (1/scale)-th pixel.

    The kernel is the buffer ``weight`` (C, 1, k, k); for scale 0.25: sigma 1.5, k = 13,
    zero padding 6. Input (B, C, H, W) -> (B, C, H*scale, W*scale).
    """

    def __init__(self, channels: int, scale: float) -> None:
        super().__init__()
        sigma = (1 / scale - 1) / 2
        size = 2 * round(sigma * 4) + 1
        self.pad_before = size // 2
        self.pad_after = self.pad_before - 1 if size % 2 == 0 else self.pad_before
        coords = torch.arange(size, dtype=torch.float32)
        gy, gx = torch.meshgrid(coords, coords, indexing="ij")
        mean = (size - 1) / 2
        kernel = torch.exp(-((gy - mean) ** 2) / (2 * sigma ** 2)) * torch.exp(-((gx - mean) ** 2) / (2 * sigma ** 2))
        kernel = kernel / kernel.sum()
        self.register_buffer("weight", kernel.view(1, 1, size, size).repeat(channels, 1, 1, 1))
        self.groups = channels
        self.step = int(round(1 / scale))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.pad(x, (self.pad_before, self.pad_after, self.pad_before, self.pad_after))
        out = F.conv2d(out, self.weight, groups=self.groups)
        return out[:, :, :: self.step, :: self.step]


class SameBlock2d(nn.Module):
    """conv -> BatchNorm -> ReLU, same spatial size."""

    def __init__(self, in_features: int, out_features: int, kernel_size: int = 3, padding: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.norm(self.conv(x)))


class DownBlock2d(nn.Module):
    """conv3x3 -> BatchNorm -> ReLU -> AvgPool 2: (B, Cin, H, W) -> (B, Cout, H/2, W/2)."""

    def __init__(self, in_features: int, out_features: int, kernel_size: int = 3, padding: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(out_features, affine=True)
        self.pool = nn.AvgPool2d(kernel_size=(2, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(F.relu(self.norm(self.conv(x))))


class UpBlock2d(nn.Module):
    """nearest x2 -> conv3x3 -> BatchNorm -> ReLU: (B, Cin, H, W) -> (B, Cout, 2H, 2W)."""

    def __init__(self, in_features: int, out_features: int, kernel_size: int = 3, padding: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.relu(self.norm(self.conv(out)))


class ResBlock2d(nn.Module):
    """Pre-activation residual block: x + conv2(relu(bn2(conv1(relu(bn1(x))))))."""

    def __init__(self, in_features: int, kernel_size: int = 3, padding: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_features, in_features, kernel_size, padding=padding)
        self.conv2 = nn.Conv2d(in_features, in_features, kernel_size, padding=padding)
        self.norm1 = nn.BatchNorm2d(in_features, affine=True)
        self.norm2 = nn.BatchNorm2d(in_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(F.relu(self.norm1(x)))
        out = self.conv2(F.relu(self.norm2(out)))
        return out + x


class Encoder(nn.Module):
    """Hourglass encoder: returns the input and every down block's output (coarsest last)."""

    def __init__(self, block_expansion: int, in_features: int, num_blocks: int = 3, max_features: int = 256) -> None:
        super().__init__()
        blocks = []
        for i in range(num_blocks):
            cin = in_features if i == 0 else min(max_features, block_expansion * (2 ** i))
            cout = min(max_features, block_expansion * (2 ** (i + 1)))
            blocks.append(DownBlock2d(cin, cout))
        self.down_blocks = nn.ModuleList(blocks)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        outs = [x]
        for block in self.down_blocks:
            outs.append(block(outs[-1]))
        return outs


class Decoder(nn.Module):
    """Hourglass decoder with skip concatenation; output has ``block_expansion + in_features`` channels."""

    def __init__(self, block_expansion: int, in_features: int, num_blocks: int = 3, max_features: int = 256) -> None:
        super().__init__()
        blocks = []
        for i in reversed(range(num_blocks)):
            cin = (1 if i == num_blocks - 1 else 2) * min(max_features, block_expansion * (2 ** (i + 1)))
            cout = min(max_features, block_expansion * (2 ** i))
            blocks.append(UpBlock2d(cin, cout))
        self.up_blocks = nn.ModuleList(blocks)
        self.out_filters = block_expansion + in_features

    def forward(self, features: Sequence[torch.Tensor]) -> torch.Tensor:
        skips = list(features)
        out = skips.pop()
        for block in self.up_blocks:
            out = block(out)
            out = torch.cat([out, skips.pop()], dim=1)
        return out


class Hourglass(nn.Module):
    """U-Net style hourglass: (B, in_features, H, W) -> (B, block_expansion + in_features, H, W)."""

    def __init__(self, block_expansion: int, in_features: int, num_blocks: int = 3, max_features: int = 256) -> None:
        super().__init__()
        self.encoder = Encoder(block_expansion, in_features, num_blocks, max_features)
        self.decoder = Decoder(block_expansion, in_features, num_blocks, max_features)
        self.out_filters = self.decoder.out_filters

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))
