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

pytestmark = pytest.mark.skipif(not (CKPT.is_file() and CONFIG.is_file() and REFERENCE.is_file()),
                                reason="shared FOMM reference data (../shared/fomm) not available")


@pytest.fixture(scope="module")
def model():
    from sfumato.fomm import load_fomm

    return load_fomm(CKPT, CONFIG)


@pytest.fixture(scope="module")
def ref():
    with np.load(REFERENCE) as data:
        return {k: data[k] for k in data.files}


@pytest.fixture(scope="module")
def onnx_dir(model, ref, tmp_path_factory):
    from sfumato.fomm.onnx_export import calibration_feeds, export_onnx, quantize_generator_int8

    out = tmp_path_factory.mktemp("fomm_onnx")
    paths = export_onnx(model, out)
    feeds = calibration_feeds(model, ref["source"], ref["driving"])
    quantize_generator_int8(paths["motion_generator"], out / "motion_generator_int8.onnx", feeds)
    return out


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
        value, jac = ref[f"{mode}_kp_norm_value"], ref[f"{mode}_kp_norm_jacobian"]
        pred, deformation, occlusion, _ = model.generate(cache_t, torch.from_numpy(value), torch.from_numpy(jac))
        for t in range(value.shape[0]):
            frame = rt.generate(cache_o, value[t:t + 1], jac[t:t + 1])
            assert np.abs(frame.prediction - pred[t].permute(1, 2, 0).numpy()).max() < ONNX_ATOL
            assert np.abs(frame.deformation - deformation[t].numpy()).max() < ONNX_ATOL
            assert np.abs(frame.occlusion - occlusion[t, 0].numpy()).max() < ONNX_ATOL


@pytest.mark.parametrize("relative", [True, False])
def test_runtime_animate_end_to_end(model, ref, onnx_dir, relative):
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime

    rt = FommOnnxRuntime(onnx_dir, mode="exact")
    out = rt.animate(ref["source"], ref["driving"], relative=relative, adapt_scale=relative)
    torch_out = model.animate(ref["source"], ref["driving"], relative=relative, adapt_scale=relative)
    assert out.shape == (3, 256, 256, 3) and out.dtype == np.float32
    assert np.abs(out - torch_out).max() < ONNX_ATOL
    mode = "relative" if relative else "absolute"
    assert np.abs(out - ref[f"{mode}_prediction"]).max() < ONNX_ATOL


def test_int8_fast_mode_quality(model, ref, onnx_dir):
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime

    exact = FommOnnxRuntime(onnx_dir, mode="exact").animate(ref["source"], ref["driving"])
    fast = FommOnnxRuntime(onnx_dir, mode="int8").animate(ref["source"], ref["driving"])
    mean_abs_pixels = float(np.abs(fast - exact).mean() * 255.0)
    # measured 3.37 levels on the tiny model (its output is high-frequency noise-like texture)
    assert mean_abs_pixels < 5.0, mean_abs_pixels


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
