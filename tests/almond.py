"""A synthetic eye's frame and lids for the rig's white tests: an almond across a 64 x 120 image."""

from __future__ import annotations

import numpy as np

from sfumato.rig.lids import EyeFrame, Lids


def almond(upper: float, lower: float, h: int = 64, w: int = 120):
    """An eye frame centred at (60, 32), its u axis along x, half-width 44 px, and lids that rise
    ``upper`` px above it and fall ``lower`` px below it at the middle (parabolas to the corners).
    Returns (frame, lids, u, v): ``u``, ``v`` (h, w) float grids of the frame."""
    frame = EyeFrame(np.array([60.0, 32.0]), np.array([1.0, 0.0]), 44.0)
    u, v = frame.grids((h, w))
    us = np.linspace(-44, 44, 64)
    bulge = np.clip(1 - (us / 44) ** 2, 0, 1)
    return frame, Lids(us, upper * bulge, -lower * bulge), u, v
