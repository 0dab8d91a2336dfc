"""The FOMM ONNX cache (``~/.cache/sfumato/fomm-onnx/<key>/``, or ``[drive] onnx_dir``): a wrong
checkpoint leaves nothing behind and says nothing about exporting; an export killed half-way leaves
no cut-short graph (the next run exports again and works); a damaged graph's error says to delete
the folder, and doing so works. Real export of the tiny checkpoint (tests/fomm_checkpoint.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

from sfumato.fomm import onnx_export  # noqa: E402
from sfumato.fomm.backends import OnnxBackend  # noqa: E402
from sfumato.fomm.errors import FommError  # noqa: E402
from sfumato.fomm.graphs import GENERATOR_FILES  # noqa: E402
from tests.fomm_checkpoint import tiny_checkpoint  # noqa: E402

TINY, TINY_CFG = tiny_checkpoint()


def _backend(cache: Path, lines: list[str], checkpoint: Path = TINY) -> OnnxBackend:
    return OnnxBackend(checkpoint, TINY_CFG, "fast", cache, threads=1, log=lines.append, use_mnn=False)


def _drives(backend: OnnxBackend) -> None:
    rng = np.random.default_rng(0)
    frame = rng.random((256, 256, 3), dtype=np.float32)
    backend.prepare(frame)
    backend.set_reference(frame)
    pred, _, _ = backend.drive(frame, relative=True, adapt_scale=True)
    assert pred.shape == (256, 256, 3) and np.isfinite(pred).all()


def test_a_wrong_checkpoint_fails_before_the_exporting_line_and_makes_no_folder(tmp_path):
    wrong = tmp_path / "wrong.pth.tar"
    torch.save({"something": {"else": torch.zeros(2)}}, wrong)
    lines: list[str] = []
    with pytest.raises(FommError) as info:
        _backend(tmp_path / "cache", lines, wrong)
    assert "wrong.pth.tar" in str(info.value)
    assert lines == [] and not (tmp_path / "cache").exists() and list(tmp_path.iterdir()) == [wrong]


def test_an_export_killed_half_way_leaves_no_cut_short_graph(tmp_path, monkeypatch):
    real = onnx_export._export

    def killed_while_writing_the_generator(module, args, path, *rest, **kw):
        if Path(path).name == GENERATOR_FILES["exact"]:
            Path(path).write_bytes(b"\x08\x07" * 250)     # the first 500 bytes of a graph, then the kill
            raise KeyboardInterrupt
        return real(module, args, path, *rest, **kw)

    cache = tmp_path / "cache"
    monkeypatch.setattr(onnx_export, "_export", killed_while_writing_the_generator)
    with pytest.raises(KeyboardInterrupt):
        _backend(cache, [])
    monkeypatch.setattr(onnx_export, "_export", real)
    assert not (cache / GENERATOR_FILES["exact"]).exists()
    assert [p.name for p in tmp_path.iterdir()] in ([], ["cache"])   # no <key>.tmp-PID left either
    lines: list[str] = []
    _drives(_backend(cache, lines))                       # the next run exports again and works
    assert any("exporting FOMM to ONNX" in line for line in lines)


def test_a_damaged_graph_says_delete_the_folder_and_that_works(tmp_path):
    cache = tmp_path / "cache"
    _backend(cache, [])
    gen = cache / GENERATOR_FILES["exact"]
    gen.write_bytes(gen.read_bytes()[:500])
    with pytest.raises(FommError) as info:
        _backend(cache, [])
    msg = str(info.value)
    assert GENERATOR_FILES["exact"] in msg and f"delete {cache}" in msg and "\n" not in msg
    shutil.rmtree(cache)
    _drives(_backend(cache, []))
