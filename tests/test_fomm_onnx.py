"""ONNX export + ONNX Runtime parity with PyTorch (tiny config), int8 fast-mode quality."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

SHARED = Path(__file__).resolve().parents[2] / "shared" / "fomm"
CKPT = SHARED / "tiny-random.pth.tar"
CONFIG = SHARED / "vox-tiny-model_params.yaml"
REFERENCE = SHARED / "tiny_reference.npz"
ONNX_ATOL = 1e-3
HAVE_SHARED = CKPT.is_file() and CONFIG.is_file() and REFERENCE.is_file()
# issue #13 fast-mode picture target, 0-255 scale, against exact
TARGET_MEAN, TARGET_MAX = 1.0, 16.0


@pytest.fixture(scope="module", params=["shared", "standin"])
def tiny(request, tmp_path_factory):
    """(label, checkpoint, config): the shared trained-like tiny checkpoint, and the repo-only stand-in."""
    if request.param == "shared":
        if not HAVE_SHARED:
            pytest.skip("shared FOMM reference data (../shared/fomm) not available")
        return "shared", CKPT, CONFIG
    from tests.fomm_checkpoint import write_tiny_checkpoint

    ckpt, cfg = write_tiny_checkpoint(tmp_path_factory.mktemp("fomm_standin"))
    return "standin", ckpt, cfg


@pytest.fixture(scope="module")
def model(tiny):
    from sfumato.fomm import load_fomm

    return load_fomm(tiny[1], tiny[2])


@pytest.fixture(scope="module")
def ref(tiny):
    """The official reference frames (shared), or the astronaut crop and a head-motion clip of it."""
    if tiny[0] == "shared":
        with np.load(REFERENCE) as data:
            return {k: data[k] for k in data.files}
    from skimage import data

    from sfumato.fomm.calibration import face_crop, head_motion_clip

    crop = face_crop(data.astronaut())
    return {"source": crop, "driving": np.stack(head_motion_clip(crop, 3, seed=1000))}


@pytest.fixture(scope="module")
def cases(ref):
    """Evaluation clips never used for calibration: the reference clip and another astronaut motion."""
    from skimage import data

    from sfumato.fomm.calibration import face_crop, head_motion_clip

    crop = face_crop(data.astronaut())
    return [("reference", ref["source"], list(ref["driving"])), ("astronaut", crop, head_motion_clip(crop, 4, seed=2000))]


@pytest.fixture(scope="module")
def onnx_dir(model, tmp_path_factory):
    """fp32 graphs + the mixed-precision int8 generator + the old all-convs int8 generator (comparison)."""
    from sfumato.fomm.calibration import default_faces
    from sfumato.fomm.onnx_export import export_onnx, face_calibration_feeds, quantize_generator_int8

    out = tmp_path_factory.mktemp("fomm_onnx")
    paths = export_onnx(model, out)
    feeds = face_calibration_feeds(model, default_faces(), frames=6)
    quantize_generator_int8(paths["motion_generator"], out / "motion_generator_int8.onnx", feeds)
    old = out / "all_int8"
    old.mkdir()
    for name in ("kp_detector.onnx", "source_encoder.onnx"):
        (old / name).write_bytes((out / name).read_bytes())
    quantize_generator_int8(paths["motion_generator"], old / "motion_generator_int8.onnx", feeds, groups=["all"])
    return out


@pytest.fixture(scope="module")
def measured(onnx_dir, cases):
    """quality() of each ONNX mode against the exact fp32 graph on the evaluation cases."""
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime
    from sfumato.fomm.quality import quality, run_cases

    exact = run_cases(FommOnnxRuntime(onnx_dir, mode="exact"), cases)
    return {"int8": quality(run_cases(FommOnnxRuntime(onnx_dir, mode="int8"), cases), exact),
            "all_int8": quality(run_cases(FommOnnxRuntime(onnx_dir / "all_int8", mode="int8"), cases), exact),
            "exact_outputs": exact}


def test_exported_graphs_are_valid(onnx_dir):
    import onnx

    for name in ("kp_detector", "source_encoder", "motion_generator", "motion_generator_int8"):
        proto = onnx.load(str(onnx_dir / f"{name}.onnx"))
        onnx.checker.check_model(proto)
        assert max(op.version for op in proto.opset_import if op.domain in ("", "ai.onnx")) >= 16


def test_runtime_parity_with_torch(model, ref, onnx_dir):
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime

    rt = FommOnnxRuntime(onnx_dir, mode="exact")
    assert "CPUExecutionProvider" in rt.providers["motion_generator"] or rt.providers["motion_generator"]
    cache_t = model.prepare_source(ref["source"])
    cache_o = rt.prepare_source(ref["source"])
    assert np.abs(cache_o.kp_value - cache_t.kp_value.numpy()).max() < ONNX_ATOL
    assert np.abs(cache_o.kp_jacobian - cache_t.kp_jacobian.numpy()).max() < ONNX_ATOL
    assert np.abs(cache_o.features - cache_t.features.numpy()).max() < ONNX_ATOL
    assert np.abs(cache_o.small - cache_t.small.numpy()).max() < ONNX_ATOL
    for mode in ("relative", "absolute"):
        if f"{mode}_kp_norm_value" in ref:  # the official normalised keypoints
            value, jac = ref[f"{mode}_kp_norm_value"], ref[f"{mode}_kp_norm_jacobian"]
        else:  # stand-in: the driving keypoints themselves
            value, jac = (k.numpy() for k in model.detect(torch.from_numpy(ref["driving"]).permute(0, 3, 1, 2)))
        pred, deformation, occlusion, _ = model.generate(cache_t, torch.from_numpy(value), torch.from_numpy(jac))
        for t in range(value.shape[0]):
            frame = rt.generate(cache_o, value[t:t + 1], jac[t:t + 1])
            assert np.abs(frame.prediction - pred[t].permute(1, 2, 0).numpy()).max() < ONNX_ATOL
            assert np.abs(frame.deformation - deformation[t].numpy()).max() < ONNX_ATOL
            assert np.abs(frame.occlusion - occlusion[t, 0].numpy()).max() < ONNX_ATOL


@pytest.mark.parametrize("relative", [True, False])
def test_runtime_animate_end_to_end(model, ref, onnx_dir, relative, tiny):
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime

    rt = FommOnnxRuntime(onnx_dir, mode="exact")
    out = rt.animate(ref["source"], ref["driving"], relative=relative, adapt_scale=relative)
    torch_out = model.animate(ref["source"], ref["driving"], relative=relative, adapt_scale=relative)
    assert out.shape == (3, 256, 256, 3) and out.dtype == np.float32
    assert np.abs(out - torch_out).max() < ONNX_ATOL
    if tiny[0] == "shared":
        mode = "relative" if relative else "absolute"
        assert np.abs(out - ref[f"{mode}_prediction"]).max() < ONNX_ATOL


def test_fast_mode_meets_the_picture_target(model, cases, measured):
    """'fast' without MNN (ONNX Runtime fp32) against exact PyTorch: mean <= 1/255, max <= 16/255, same keypoints."""
    from sfumato.fomm.quality import run_cases_torch

    fast = measured["exact_outputs"]
    exact = run_cases_torch(model, cases)
    diff = np.abs(fast["prediction"] - exact["prediction"]) * 255.0
    assert diff.mean() <= TARGET_MEAN and diff.max() <= TARGET_MAX, (diff.mean(), diff.max())
    assert np.abs(fast["kp"] - exact["kp"]).max() * 128.0 < 0.05


def test_int8_keeps_the_geometry(measured):
    """The motion network and its heads stay float32: keypoints, deformation and occlusion do not move."""
    q = measured["int8"]
    assert q["kp_px"] == 0.0
    assert q["deform_px"] < 0.05 and q["occ"] < 1e-3, q


def test_int8_mixed_precision_beats_quantising_everything(measured):
    """Keeping the sensitive convs float32 lowers both the mean and the max pixel error."""
    mixed, old = measured["int8"], measured["all_int8"]
    assert mixed["mean"] < old["mean"] and mixed["max"] < old["max"], (mixed, old)
    assert old["deform_px"] > 10 * max(mixed["deform_px"], 0.01), (mixed, old)


@pytest.mark.xfail(strict=True, reason="issue #13: int8 convs on AVX2 CPUs do not reach mean <= 1/255, max <= 16/255 "
                   "on trained-like weights (measured: every single conv group alone already exceeds one bound; "
                   "benchmarks/fomm_int8_sensitivity.py). Mode 'fast' on MNN meets the target at over 2x "
                   "(tests/test_fomm_mnn.py::test_mnn_fast_mode_meets_the_picture_target).")
def test_int8_meets_the_picture_target(measured):
    q = measured["int8"]
    assert q["mean"] <= TARGET_MEAN and q["max"] <= TARGET_MAX, q


def test_runtime_does_not_import_torch(onnx_dir):
    code = ("import sys; from sfumato.fomm.onnx_runtime import FommOnnxRuntime; "
            f"rt = FommOnnxRuntime(r'{onnx_dir}'); print(rt.providers['motion_generator']); "
            "assert 'torch' not in sys.modules, 'torch imported'")
    root = Path(__file__).resolve().parents[1]
    res = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]


def test_missing_onnx_file_message(tmp_path):
    from sfumato.fomm import FommError
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime

    with pytest.raises(FommError) as info:
        FommOnnxRuntime(tmp_path)
    assert "kp_detector.onnx" in str(info.value) and "\n" not in str(info.value)


def test_fp16_generator_converts_and_runs(ref, onnx_dir):
    """fp16 is meant for CUDA; ORT CPU still runs it, which checks the conversion is sound."""
    import onnx

    from sfumato.fomm.onnx_export import convert_generator_fp16
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime

    path = convert_generator_fp16(onnx_dir / "motion_generator.onnx", onnx_dir / "motion_generator_fp16.onnx")
    onnx.checker.check_model(onnx.load(str(path)))
    exact = FommOnnxRuntime(onnx_dir, mode="exact").animate(ref["source"], ref["driving"])
    half = FommOnnxRuntime(onnx_dir, mode="fp16").animate(ref["source"], ref["driving"])
    assert float(np.abs(half - exact).mean() * 255.0) < 1.0
