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


def test_unit_ramp_is_the_clipped_cubic_in_float32() -> None:
    """:func:`unit_ramp` (the closed lid's plate and grain): x clipped to [0, 1], 3x^2 - 2x^3, float32
    whatever comes in; the same bits as the two copies it replaced (``np.clip`` then the cubic)."""
    from sfumato.ramp import unit_ramp

    x = np.linspace(-0.5, 1.5, 2001)
    for a in (x, x.astype(np.float32)):
        y = unit_ramp(a)
        assert y.dtype == np.float32 and y.shape == a.shape
        c = np.clip(a, 0.0, 1.0)
        np.testing.assert_array_equal(y, (c * c * (3 - 2 * c)).astype(np.float32))
    assert unit_ramp(-0.2) == 0.0 and unit_ramp(1.2) == 1.0 and unit_ramp(0.5) == np.float32(0.5)
    assert isinstance(unit_ramp(np.float32(0.25)), np.float32)
