"""What :data:`sfumato.rig.orbit_shade.DEEP` encodes, apart from any painting: a side whose orbit
keeps DEEP (0.5) of the other side's luminance or less is in deep shade (depth 1: its rebuilt
white capped at the skin round it), and a lighter one is so in proportion
(:meth:`~sfumato.rig.orbit_shade.OrbitShade.depth`: 1 - ratio over 1 - DEEP). Synthetic orbits
of luminance ratio 0.45 and 0.7 read depth 1 and 0.6; with DEEP 0.37 (the Mona Lisa's own ratio,
the least DEEP that keeps her side fully deep) 0.87 and 0.48."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.imaging.lab import lightness_of
from sfumato.rig.orbit_shade import OrbitShade

LIT = 0.4
"""The lit side's orbit luminance (Y in [0, 1])."""


def orbit(ratio: float) -> OrbitShade:
    """An eye whose orbit round side 0 keeps ``ratio`` of side 1's luminance."""
    light = (float(lightness_of(LIT * ratio)), float(lightness_of(LIT)))
    return OrbitShade((np.zeros(0, np.float32), np.zeros((0, 2), np.float32)), light, 0.0, 10.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("ratio, depth", [(0.45, 1.0), (0.5, 1.0), (0.7, 0.6), (1.0, 0.0)])
def test_an_orbit_at_half_the_other_sides_light_is_in_deep_shade(ratio, depth):
    shade = orbit(ratio)
    assert shade.ratio(0) == pytest.approx(ratio, abs=0.01)
    assert shade.depth(0) == pytest.approx(depth, abs=0.02), (ratio, shade.depth(0))
    assert shade.depth(1) == 0.0  # the lit side is in no shade
