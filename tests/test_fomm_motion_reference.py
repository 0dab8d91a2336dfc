"""Keypoint normalisation against the official first-order-model outputs, repo-only.

tests/data/fomm_motion_reference.npz (4.5 kB) is a subset of ../shared/fomm/tiny_reference.npz
(the official code's outputs on the shared tiny checkpoint), derived with::

    r = np.load("../shared/fomm/tiny_reference.npz")
    np.savez_compressed("tests/data/fomm_motion_reference.npz", **{k: r[k] for k in (
        "kp_source_value", "kp_source_jacobian", "kp_driving_value", "kp_driving_jacobian",
        "relative_kp_norm_value", "relative_kp_norm_jacobian", "relative_adapt_movement_scale",
        "absolute_kp_norm_value", "absolute_kp_norm_jacobian")})

Only keypoints: the official demo's normalize_kp (relative motion, relative jacobians, convex
hull adapt scale; absolute mode) is checked without any checkpoint. The checkpoint-dependent
parity (keypoint detector, generator) needs the 2.9 MB checkpoint and stays in
test_fomm_parity.py (../shared only).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REF = Path(__file__).resolve().parent / "data" / "fomm_motion_reference.npz"
ATOL = 1e-5


@pytest.fixture(scope="module")
def ref():
    with np.load(REF) as data:
        return {k: data[k] for k in data.files}


def _kp(ref, name, t=None):
    v, j = ref[f"kp_{name}_value"], ref[f"kp_{name}_jacobian"]
    return (v[None], j[None]) if t is None else (v[t:t + 1], j[t:t + 1])


@pytest.mark.parametrize("relative", [True, False])
def test_numpy_normalisation_matches_official(ref, relative):
    from sfumato.fomm.motion_np import normalize_kp_np

    mode = "relative" if relative else "absolute"
    kp0 = _kp(ref, "driving", 0)
    for t in range(ref["kp_driving_value"].shape[0]):
        value, jac, scale = normalize_kp_np(_kp(ref, "source"), _kp(ref, "driving", t), kp0,
                                            relative=relative, adapt_scale=relative)
        assert np.abs(value[0] - ref[f"{mode}_kp_norm_value"][t]).max() < ATOL
        assert np.abs(jac[0] - ref[f"{mode}_kp_norm_jacobian"][t]).max() < ATOL
        if relative:
            assert abs(scale - float(ref["relative_adapt_movement_scale"])) < 1e-6


@pytest.mark.parametrize("relative", [True, False])
def test_torch_normalisation_matches_official(ref, relative):
    torch = pytest.importorskip("torch")
    from sfumato.fomm.motion import normalize_kp

    mode = "relative" if relative else "absolute"
    t_ = lambda kp: tuple(torch.from_numpy(np.ascontiguousarray(a)) for a in kp)  # noqa: E731
    kp0 = t_(_kp(ref, "driving", 0))
    for t in range(ref["kp_driving_value"].shape[0]):
        value, jac, _ = normalize_kp(t_(_kp(ref, "source")), t_(_kp(ref, "driving", t)), kp0, relative, relative)
        assert np.abs(value[0].numpy() - ref[f"{mode}_kp_norm_value"][t]).max() < ATOL
        assert np.abs(jac[0].numpy() - ref[f"{mode}_kp_norm_jacobian"][t]).max() < ATOL


def test_reference_subset_is_small():
    assert REF.stat().st_size < 64 * 1024
