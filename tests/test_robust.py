"""The robust spread (sfumato.imaging.robust): 1.4826 x MAD, the project's one copy."""

from __future__ import annotations

import numpy as np
from scipy.stats import median_abs_deviation

from sfumato.imaging.robust import NORMAL_MAD, robust_sd


def test_robust_sd_reads_a_normal_samples_sigma_through_outliers():
    """A normal sample (sigma 2) with 10 % wild outliers: the robust spread reads ~2, the plain
    standard deviation many times that; scipy's MAD agrees but for its scale's seventh digit."""
    rng = np.random.default_rng(1)
    x = rng.normal(50.0, 2.0, 20000).astype(np.float32)
    x[::10] = rng.uniform(-500, 500, x[::10].size)
    s = float(robust_sd(x))
    assert abs(s - 2.0) < 0.35, s
    assert float(np.std(x)) > 20 * s
    ref = float(median_abs_deviation(x.astype(np.float64), scale="normal"))
    assert abs(s - ref) < 1e-5 * ref and s != ref  # 1.4826 against 1 / Phi^-1(3/4) = 1.482602...


def test_robust_sd_per_column_and_about_a_given_centre():
    """Along an axis each column has its own median; with ``centre`` the deviations are taken
    from it (a ratio's MAD about 1), exactly the expression it replaces."""
    rng = np.random.default_rng(2)
    px = rng.normal([70.0, 5.0, 10.0], [3.0, 1.0, 6.0], (5000, 3)).astype(np.float32)
    med = np.median(px, 0)
    np.testing.assert_array_equal(robust_sd(px, 0), NORMAL_MAD * np.median(np.abs(px - med), 0))
    np.testing.assert_allclose(robust_sd(px, 0), [3.0, 1.0, 6.0], rtol=0.05)
    np.testing.assert_array_equal(robust_sd(px.T, 1), robust_sd(px, 0))
    ratio = rng.normal(1.02, 0.01, 4000)
    assert robust_sd(ratio, centre=1.0) == NORMAL_MAD * np.median(np.abs(ratio - 1.0))
    assert robust_sd(ratio, centre=1.0) > 1.5 * robust_sd(ratio)  # off-centre: the shift counts
