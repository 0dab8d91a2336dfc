"""Parity of sfumato.fomm with the official FOMM code on the tiny random checkpoint.

Reference data: ../shared/fomm beside the repository (tiny_reference.npz was produced by the
official implementation). Tests skip cleanly when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

SHARED = Path(__file__).resolve().parents[2] / "shared" / "fomm"
CKPT = SHARED / "tiny-random.pth.tar"
CONFIG = SHARED / "vox-tiny-model_params.yaml"
REFERENCE = SHARED / "tiny_reference.npz"

ATOL_KP = 1e-4
ATOL_GEN = 1e-4
ATOL_E2E = 3e-4

pytestmark = pytest.mark.skipif(not (CKPT.is_file() and CONFIG.is_file() and REFERENCE.is_file()),
                                reason="shared FOMM reference data (../shared/fomm) not available")


@pytest.fixture(scope="module")
def model():
    from sfumato.fomm import load_fomm

    torch.set_num_threads(max(1, min(4, torch.get_num_threads())))
    return load_fomm(CKPT, CONFIG)


@pytest.fixture(scope="module")
def ref():
    with np.load(REFERENCE) as data:
        return {k: data[k] for k in data.files}


def _maxdiff(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).max())


def test_keypoints_source(model, ref):
    value, jac = model.keypoints(ref["source"])
    assert _maxdiff(value, ref["kp_source_value"]) < ATOL_KP
    assert _maxdiff(jac, ref["kp_source_jacobian"]) < ATOL_KP


def test_keypoints_driving(model, ref):
    value, jac = model.keypoints(ref["driving"])
    assert _maxdiff(value, ref["kp_driving_value"]) < ATOL_KP
    assert _maxdiff(jac, ref["kp_driving_jacobian"]) < ATOL_KP


@pytest.mark.parametrize("mode", ["relative", "absolute"])
def test_generator_with_stored_keypoints(model, ref, mode):
    cache = model.prepare_source(ref["source"])
    pred, deformation, occlusion, mask = model.generate(
        cache, torch.from_numpy(ref[f"{mode}_kp_norm_value"]), torch.from_numpy(ref[f"{mode}_kp_norm_jacobian"]))
    assert _maxdiff(pred.permute(0, 2, 3, 1).numpy(), ref[f"{mode}_prediction"]) < ATOL_GEN
    assert _maxdiff(occlusion.numpy(), ref[f"{mode}_occlusion_map"]) < ATOL_GEN
    assert _maxdiff(mask.numpy(), ref[f"{mode}_mask"]) < ATOL_GEN
    assert _maxdiff(deformation.numpy(), ref[f"{mode}_deformation"]) < ATOL_GEN


def test_official_style_generator_forward(model, ref):
    """The uncached forward (encode source every call) gives the same outputs."""
    src = torch.from_numpy(ref["source"]).permute(2, 0, 1)[None]
    kp_s = model.detect(src)
    with torch.inference_mode():
        out = model.generator(src, torch.from_numpy(ref["absolute_kp_norm_value"][:1]),
                              torch.from_numpy(ref["absolute_kp_norm_jacobian"][:1]), *kp_s)
    assert _maxdiff(out["prediction"].permute(0, 2, 3, 1).numpy(), ref["absolute_prediction"][:1]) < ATOL_GEN


@pytest.mark.parametrize("mode", ["relative", "absolute"])
def test_end_to_end(model, ref, mode):
    relative = mode == "relative"
    out = model.animate_detailed(ref["source"], ref["driving"], relative=relative, adapt_scale=relative)
    assert _maxdiff(out["kp_norm_value"], ref[f"{mode}_kp_norm_value"]) < ATOL_KP
    assert _maxdiff(out["kp_norm_jacobian"], ref[f"{mode}_kp_norm_jacobian"]) < ATOL_KP
    for key in ("prediction", "occlusion_map", "mask", "deformation"):
        assert _maxdiff(out[key], ref[f"{mode}_{key}"]) < ATOL_E2E, key
    if relative:
        assert abs(float(out["adapt_movement_scale"]) - float(ref["relative_adapt_movement_scale"])) < 1e-5


def test_animate_api(model, ref):
    pred = model.animate(ref["source"], ref["driving"], relative=True, adapt_scale=True)
    assert pred.shape == (3, 256, 256, 3) and pred.dtype == np.float32
    assert _maxdiff(pred, ref["relative_prediction"]) < ATOL_E2E


def test_cached_per_frame_drive(model, ref):
    """SourceCache + drive() reproduces make_animation frame by frame."""
    cache = model.prepare_source(ref["source"])
    kp_d0 = model.detect(torch.from_numpy(ref["driving"][0]).permute(2, 0, 1)[None])
    for t in range(ref["driving"].shape[0]):
        res = model.drive(cache, ref["driving"][t], kp_driving_initial=kp_d0, relative=True, adapt_scale=True)
        assert res.prediction.shape == (256, 256, 3)
        assert res.deformation.shape == (64, 64, 2) and res.occlusion.shape == (64, 64)
        assert _maxdiff(res.prediction, ref["relative_prediction"][t]) < ATOL_E2E
        assert _maxdiff(res.occlusion, ref["relative_occlusion_map"][t, 0]) < ATOL_E2E


def test_adapt_scale_and_inverse():
    from sfumato.fomm.motion import adapt_movement_scale, inv2x2, inv2x2_np

    with np.load(REFERENCE) as data:
        scale = adapt_movement_scale(data["kp_source_value"], data["kp_driving_value"][0])
        assert abs(scale - float(data["relative_adapt_movement_scale"])) < 1e-5
    m = torch.randn(50, 2, 2, dtype=torch.float64) + 2 * torch.eye(2, dtype=torch.float64)
    assert torch.allclose(inv2x2(m), torch.inverse(m), atol=1e-10)
    assert np.allclose(inv2x2_np(m.numpy()), np.linalg.inv(m.numpy()), atol=1e-10)


def test_channels_last_same_outputs(ref):
    from sfumato.fomm import load_fomm

    model_cl = load_fomm(CKPT, CONFIG, channels_last=True)
    cache = model_cl.prepare_source(ref["source"])
    pred, deformation, occlusion, _ = model_cl.generate(
        cache, torch.from_numpy(ref["relative_kp_norm_value"]), torch.from_numpy(ref["relative_kp_norm_jacobian"]))
    assert _maxdiff(pred.permute(0, 2, 3, 1).numpy(), ref["relative_prediction"]) < ATOL_GEN
    assert _maxdiff(occlusion.numpy(), ref["relative_occlusion_map"]) < ATOL_GEN
