"""Keypoint motion maths: closed-form 2x2 inverse, sparse motions, relative/absolute normalisation.

Torch functions are ONNX-exportable (no ``torch.inverse``). The NumPy twins (used by the
torch-free ONNX runtime) live in :mod:`sfumato.fomm.motion_np` and are re-exported here.
"""

from __future__ import annotations

from typing import Tuple

import torch

from sfumato.fomm.motion_np import adapt_movement_scale, hull_area, inv2x2_np, normalize_kp_np  # noqa: F401


def inv2x2(m: torch.Tensor) -> torch.Tensor:
    """Closed-form inverse of (..., 2, 2) matrices (matches ``torch.inverse`` within ~6e-8)."""
    a, b = m[..., 0, 0], m[..., 0, 1]
    c, d = m[..., 1, 0], m[..., 1, 1]
    det = a * d - b * c
    row0 = torch.stack([d / det, -b / det], dim=-1)
    row1 = torch.stack([-c / det, a / det], dim=-1)
    return torch.stack([row0, row1], dim=-2)


def normalize_kp(kp_source: Tuple[torch.Tensor, torch.Tensor],
                 kp_driving: Tuple[torch.Tensor, torch.Tensor],
                 kp_driving_initial: Tuple[torch.Tensor, torch.Tensor],
                 relative: bool = True,
                 adapt_scale: bool = True) -> Tuple[torch.Tensor, torch.Tensor, float]:
    """Keypoints that drive the source (official ``normalize_kp`` with relative jacobians).

    Each kp is (value (B, K, 2), jacobian (B, K, 2, 2)); the source/initial have B = 1.
    relative: value = (kp_d - kp_d0) * scale + kp_s, jacobian = J_d . inv(J_d0) . J_s.
    absolute (relative=False): kp_driving unchanged. ``scale`` (returned third) is 1 unless
    adapt_scale, then sqrt(hull area(kp_s)) / sqrt(hull area(kp_d0)).
    """
    scale = 1.0
    if adapt_scale:
        scale = adapt_movement_scale(kp_source[0][0].detach().cpu().numpy(),
                                     kp_driving_initial[0][0].detach().cpu().numpy())
    if not relative:
        return kp_driving[0], kp_driving[1], scale
    value = (kp_driving[0] - kp_driving_initial[0]) * scale + kp_source[0]
    jac = torch.matmul(torch.matmul(kp_driving[1], inv2x2(kp_driving_initial[1])), kp_source[1])
    return value, jac, scale


def sparse_motions(height: int, width: int, kp_driving_value: torch.Tensor, kp_driving_jac: torch.Tensor,
                   kp_source_value: torch.Tensor, kp_source_jac: torch.Tensor) -> torch.Tensor:
    """Per-keypoint backward motion fields, background (identity) first.

    z -> kp_s + J_s . inv(J_d) . (z - kp_d) on the (H, W) [-1, 1] grid.
    Values (B, K, 2), jacobians (B, K, 2, 2). Returns (B, K + 1, H, W, 2) grid_sample grids.
    """
    from sfumato.fomm.blocks import make_coordinate_grid

    b, k = kp_driving_value.shape[0], kp_driving_value.shape[1]
    identity = make_coordinate_grid(height, width, kp_source_value.dtype, kp_source_value.device)
    identity = identity.view(1, 1, height, width, 2)
    delta = identity - kp_driving_value.view(b, k, 1, 1, 2)
    jac = torch.matmul(kp_source_jac, inv2x2(kp_driving_jac)).view(b, k, 1, 1, 2, 2)
    moved = torch.matmul(jac, delta.unsqueeze(-1)).squeeze(-1)
    driving_to_source = moved + kp_source_value.view(b, k, 1, 1, 2)
    return torch.cat([identity.expand(b, 1, height, width, 2), driving_to_source], dim=1)
