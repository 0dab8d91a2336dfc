"""Batched FOMM graphs (a dynamic batch axis): one call for several kiosks equals one call each.

Real ONNX Runtime on the tiny FOMM of tests/fomm_checkpoint.py (../shared's or the repo-only
stand-in); the server's batched drive (:class:`sfumato.fomm.serve_models.FommService`) is run
directly, without Triton (tests/test_fomm_server.py runs it inside the real server).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

ATOL = 1e-4


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    from sfumato.fomm import load_fomm
    from sfumato.fomm.onnx_export import export_onnx
    from sfumato.fomm.onnx_runtime import FommOnnxRuntime
    from tests.fomm_checkpoint import tiny_checkpoint

    out = tmp_path_factory.mktemp("fomm_batch")
    export_onnx(load_fomm(*tiny_checkpoint()), out)
    return FommOnnxRuntime(out, num_threads=1)


@pytest.fixture(scope="module")
def faces():
    """Two paintings (the astronaut crop and its mirror) and a 3-frame head-motion clip."""
    from skimage import data

    from sfumato.fomm.calibration import face_crop, head_motion_clip

    crop = face_crop(data.astronaut())
    return crop, np.ascontiguousarray(crop[:, ::-1]), head_motion_clip(crop, 3, seed=5)


def test_graphs_have_a_batch_axis(rt):
    assert rt.batched
    for session in (rt.kp_session, rt.encoder_session, rt.generator_session):
        assert all(not isinstance(i.shape[0], int) for i in session.get_inputs())


def test_batched_calls_equal_one_call_each(rt, faces):
    a, b, clip = faces
    ca, cb = rt.prepare_source(a), rt.prepare_source(b)
    frames = np.stack(clip[1:])                              # two kiosks' frames
    value, jac = rt.keypoints_batch(frames)
    assert value.shape == (2, 10, 2) and jac.shape == (2, 10, 2, 2)
    for i, f in enumerate(frames):
        v1, j1 = rt.keypoints(f)
        assert np.abs(value[i] - v1[0]).max() < ATOL and np.abs(jac[i] - j1[0]).max() < ATOL
    outs = rt.generate_batch([ca, cb], value, jac)           # kiosk 0 shows painting a, kiosk 1 painting b
    for out, cache, v, j in zip(outs, (ca, cb), value, jac):
        one = rt.generate(cache, v[None], j[None])
        assert np.abs(out.prediction - one.prediction).max() < ATOL
        assert np.abs(out.deformation - one.deformation).max() < ATOL
        assert np.abs(out.occlusion - one.occlusion).max() < ATOL
    assert np.abs(outs[0].prediction - outs[1].prediction).mean() > 0.01   # two different paintings


def test_server_drive_batch_with_an_unknown_painting(rt, faces):
    from sfumato.fomm.serve_models import FommService
    from sfumato.fomm.serve_protocol import STATUS_OK, STATUS_UNKNOWN_SOURCE, source_key, to_u8

    a, b, clip = faces
    service = FommService(rt)
    keys = [source_key(to_u8(x)) for x in (a, b)]
    service.source(np.array([[keys[0]], [keys[1]]], dtype=object), np.stack([to_u8(a), to_u8(b)]))
    assert service.encodings_computed == 2
    ref = to_u8(clip[0])
    kp_ref = service.keypoints(ref[None])
    frames = np.stack([to_u8(clip[1]), to_u8(clip[2]), to_u8(clip[1])])
    key = np.array([[keys[0]], [b"not-a-painting"], [keys[1]]], dtype=object)
    n = len(frames)
    out = service.drive(key, frames, np.repeat(kp_ref["kp_value"], n, 0), np.repeat(kp_ref["kp_jacobian"], n, 0),
                        np.ones((n, 2), np.int32))
    assert out["status"][:, 0].tolist() == [STATUS_OK, STATUS_UNKNOWN_SOURCE, STATUS_OK]
    assert out["batch"][:, 0].tolist() == [3, 3, 3] and out["prediction"].shape == (3, 256, 256, 3)
    assert not out["prediction"][1].any()
    for i, k in ((0, keys[0]), (2, keys[1])):   # each equals that request served alone
        alone = service.drive(np.array([[k]], dtype=object), frames[i:i + 1], kp_ref["kp_value"],
                              kp_ref["kp_jacobian"], np.ones((1, 2), np.int32))
        assert np.abs(out["prediction"][i].astype(int) - alone["prediction"][0]).max() <= 1
        assert np.abs(out["deformation"][i] - alone["deformation"][0]).max() < ATOL
