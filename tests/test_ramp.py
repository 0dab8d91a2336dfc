"""sfumato.ramp.smoothstep: the one smooth ramp of the rig's fields and the live easings."""

from __future__ import annotations

import numpy as np

from sfumato.ramp import smoothstep


def test_ends_middle_and_flat_ends() -> None:
    x = np.linspace(-1.0, 3.0, 401)
    y = smoothstep(0.5, 2.5, x)
    assert y[x <= 0.5].max() == 0.0 and y[x >= 2.5].min() == 1.0
    assert abs(float(smoothstep(0.5, 2.5, 1.5)) - 0.5) < 1e-12
    assert np.all(np.diff(y) >= 0)  # never falls
    d = 1e-4  # the slope vanishes at both ends (no kink where a field starts or stops)
    assert smoothstep(0.5, 2.5, 0.5 + d) < 1e-6 and 1.0 - smoothstep(0.5, 2.5, 2.5 - d) < 1e-6


def test_the_cubic_between() -> None:
    t = np.linspace(0.0, 1.0, 11)
    np.testing.assert_allclose(smoothstep(0.0, 1.0, t), 3 * t**2 - 2 * t**3, atol=1e-12)
    assert smoothstep(0.0, 1.0, 0.25) == 0.25 * 0.25 * (3.0 - 2.0 * 0.25)  # a float in, the same float out


def test_array_ends_and_float32() -> None:
    x = np.full(3, 1.0, np.float32)
    y = smoothstep(0.0, np.array([2.0, 4.0, 1.0]), x)
    np.testing.assert_allclose(y, [0.5, 0.15625, 1.0])
    assert smoothstep(0.0, 1.0, x).dtype == np.float32
    assert np.isfinite(smoothstep(1.0, 1.0, np.array([0.0, 1.0, 2.0]))).all()  # a zero-width ramp is a step
