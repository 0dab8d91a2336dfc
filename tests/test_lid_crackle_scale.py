"""The closed lid's crackle keeps the painting's scale: taking the skin's long lines out of the
texture carried onto the lid (:func:`sfumato.rig.lid_grain.without_long_lines`) leaves the
ground between the cracks as it is.

In a dense craquelure (the Mona Lisa's) the ground between two cracks is itself a thin light
line, and the cracks round it thin dark ones. Filled to the thin-line square's closing (or
opening), the lines took that square's local maximum (minimum) held over it: blocky pale and
dark plates a square wide, the closed lid drawn over with letter-like shapes ("AVAVA") much
coarser than the woven crackle of the skin round it. A stranger's measure: the share of the
ground (the texture's lighter 70 percent) that the line removal moves by more than
:data:`MOVE` (a luminance ratio): a removal that takes lines out and nothing else leaves it near 0.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.rig.lid_grain import LINE_LENGTH, LINE_WIDTH, without_long_lines

MOVE = 0.05
"""A ground pixel is moved when its ratio changes by more than this (the crackle's cracks are
0.3 deep, the ground's own grain 0.02)."""
MAX_MOVED = 0.05
"""At most this share of the ground may move. Set by reasoning (a few percent: the ground's
pixels under a removed line's soft edge), then read: 0.24-0.40 with the lines filled to the
square's closing and opening (before), 0.01 filled to the local median (after)."""
HALF_WIDTH = 22.0
"""The eye half-width the texture is cleaned at, pixels (the Mona Lisa's image-left eye)."""


def craquelure(seed: int, count: int, longest: float, size: int = 160) -> np.ndarray:
    """A dense synthetic craquelure as a luminance ratio: (size, size) float32 about 1 (grain
    0.02), its cracks 1 px wide and 0.3 deep, ``size``**2 / ``count`` of them, 3 to ``longest``
    px long, half of them within about 11 degrees of the eye's axis (long lines the removal
    takes), the rest any way."""
    rng = np.random.default_rng(seed)
    ratio = (1.0 + rng.normal(0.0, 0.02, (size, size))).astype(np.float32)
    cracks = np.zeros((size, size), np.float32)
    for _ in range(size * size // count):
        p = rng.uniform(0, size, 2)
        a = rng.uniform(0, np.pi) if rng.uniform() < 0.5 else rng.normal(0.0, 0.2)
        q = p + rng.uniform(3.0, longest) * np.array([np.cos(a), np.sin(a)])
        cv2.line(cracks, tuple(int(v) for v in p), tuple(int(v) for v in q), 1.0, 1, cv2.LINE_AA)
    return (ratio * (1.0 - 0.3 * np.clip(cracks, 0.0, 1.0))).astype(np.float32)


def ground_moved(before: np.ndarray, after: np.ndarray) -> float:
    """The share of ``before``'s ground (its pixels over its 30th percentile) that ``after``
    ((h, w) float32 each) moves by more than :data:`MOVE`."""
    ground = before > np.percentile(before, 30)
    return float(np.mean(np.abs(after - before)[ground] > MOVE))


@pytest.mark.parametrize("seed, count, longest", [(1, 80, 40.0), (2, 80, 40.0), (3, 25, 9.0), (4, 60, 30.0)])
def test_line_removal_leaves_the_crackle_ground_repo_only(seed, count, longest):
    """On a dense craquelure, the long lines' removal leaves the ground between the cracks:
    no blocky plates (0.24-0.40 of the ground moved before)."""
    ratio = craquelure(seed, count, longest)
    clean = without_long_lines(ratio, LINE_WIDTH * HALF_WIDTH, LINE_LENGTH * HALF_WIDTH, 0.0)
    moved = ground_moved(ratio, clean)
    assert moved <= MAX_MOVED, round(moved, 3)


def test_line_removal_still_takes_a_wrinkle_out_repo_only():
    """A long thin dark line along the eye's axis over fine grain (an under-eye wrinkle) is
    still taken out: its depth falls to under a third."""
    rng = np.random.default_rng(0)
    ratio = (1.0 + rng.normal(0.0, 0.02, (120, 120))).astype(np.float32)
    line = np.zeros_like(ratio)
    cv2.line(line, (20, 60), (100, 56), 1.0, 2, cv2.LINE_AA)
    ratio = (ratio * (1.0 - 0.3 * line)).astype(np.float32)
    clean = without_long_lines(ratio, LINE_WIDTH * HALF_WIDTH, LINE_LENGTH * HALF_WIDTH, 0.0)
    on = line > 0.9
    depth_before = 1.0 - float(np.median(ratio[on]))
    depth_after = 1.0 - float(np.median(clean[on]))
    assert depth_after < depth_before / 3.0, (round(depth_before, 3), round(depth_after, 3))
