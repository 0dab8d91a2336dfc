"""Checkpoint loading: official vox-256 layout with strict=True, and one-line error messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from sfumato.errors import SfumatoError  # noqa: E402
from sfumato.fomm import FommCheckpointError, FommCheckpointMissingError, load_fomm  # noqa: E402

from tests.fomm_checkpoint import tiny_checkpoint  # noqa: E402

# every state_dict entry of an official vox-256 checkpoint (copy of ../shared/fomm/vox-256-state-dict.txt, 18 kB)
KEY_LIST = Path(__file__).resolve().parent / "data" / "vox-256-state-dict.txt"
TINY_CKPT, TINY_CONFIG = tiny_checkpoint()  # ../shared/fomm's tiny checkpoint, or the repo-only stand-in
_LINE = re.compile(r"^(\S+) \(([\d, ]*)\) torch\.(\w+)$")


def _parse_key_list(path: Path) -> dict:
    sections: dict = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        m = _LINE.match(line)
        assert m, line
        shape = tuple(int(s) for s in m.group(2).replace(" ", "").split(",") if s)
        current[m.group(1)] = (shape, getattr(torch, m.group(3)))
    return sections


def _one_line(err: BaseException) -> str:
    msg = str(err)
    assert msg and "\n" not in msg
    return msg


needs_keys = pytest.mark.skipif(not KEY_LIST.is_file(), reason="tests/data/vox-256-state-dict.txt missing")
needs_tiny = pytest.mark.skipif(not (TINY_CKPT.is_file() and TINY_CONFIG.is_file()), reason="no tiny checkpoint")


@needs_keys
def test_state_dict_layout_matches_official():
    from sfumato.fomm.model import FommModel

    official = _parse_key_list(KEY_LIST)
    model = FommModel()  # bundled vox-256 config
    for name, module in (("generator", model.generator), ("kp_detector", model.kp_detector)):
        ours = {k: (tuple(v.shape), v.dtype) for k, v in module.state_dict().items()}
        assert ours == official[name]


@needs_keys
def test_full_size_official_checkpoint_loads_strict(tmp_path):
    official = _parse_key_list(KEY_LIST)
    gen = torch.Generator().manual_seed(0)

    def make(spec: dict) -> dict:
        return {k: (torch.randn(shape, generator=gen) * 0.01 if dt.is_floating_point else torch.zeros(shape, dtype=dt))
                for k, (shape, dt) in spec.items()}

    state = {"generator": make(official["generator"]), "kp_detector": make(official["kp_detector"])}
    ckpt = dict(state)
    ckpt["discriminator"] = {"discs.1.conv.weight": torch.randn(8, 3, 4, 4)}
    for opt in ("optimizer_generator", "optimizer_discriminator", "optimizer_kp_detector"):
        ckpt[opt] = {"state": {}, "param_groups": [{"lr": 2e-4, "betas": (0.5, 0.999), "params": [0, 1]}]}
    ckpt["epoch"] = 99
    path = tmp_path / "vox-cpk.pth.tar"
    torch.save(ckpt, path)
    model = load_fomm(path)
    assert not model.training
    for name in ("generator", "kp_detector"):
        loaded = getattr(model, name).state_dict()
        for key in ("final.weight", "kp.weight", "down.weight"):
            if key in loaded:
                assert torch.equal(loaded[key], state[name][key])


def test_missing_checkpoint_message(tmp_path):
    with pytest.raises(FommCheckpointMissingError) as info:
        load_fomm(tmp_path / "nope.pth.tar")
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, SfumatoError)
    msg = _one_line(info.value)
    assert "nope.pth.tar" in msg and "checkpoints/vox-cpk.pth.tar" in msg and "vox-cpk.pth.tar" in msg


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_corrupt_checkpoint_message(tmp_path):
    path = tmp_path / "bad.pth.tar"
    path.write_bytes(b"\x80\x04this is not a checkpoint" * 10)
    with pytest.raises(FommCheckpointError) as info:
        load_fomm(path)
    msg = _one_line(info.value)
    assert "bad.pth.tar" in msg and "corrupt" in msg


def test_not_a_dict_and_missing_entries(tmp_path):
    path = tmp_path / "list.pth.tar"
    torch.save([1, 2, 3], path)
    with pytest.raises(FommCheckpointError, match="not a dict"):
        load_fomm(path)
    torch.save({"generator": {}, "epoch": 1}, path)
    with pytest.raises(FommCheckpointError) as info:
        load_fomm(path)
    assert "kp_detector" in _one_line(info.value)


@needs_tiny
def test_wrong_keys_message(tmp_path):
    ckpt = torch.load(TINY_CKPT, map_location="cpu", weights_only=True)
    ckpt["generator"].pop("final.bias")
    ckpt["kp_detector"]["extra.weight"] = torch.zeros(1)
    path = tmp_path / "keys.pth.tar"
    torch.save(ckpt, path)
    with pytest.raises(FommCheckpointError) as info:
        load_fomm(path, TINY_CONFIG)
    msg = _one_line(info.value)
    assert "'generator'" in msg and "final.bias" in msg and "missing" in msg


@needs_tiny
def test_shape_mismatch_message():
    # tiny checkpoint with the (default) vox-256 config
    with pytest.raises(FommCheckpointError) as info:
        load_fomm(TINY_CKPT)
    msg = _one_line(info.value)
    assert "shape mismatch" in msg and "config" in msg
