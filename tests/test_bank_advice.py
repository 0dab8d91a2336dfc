"""Every way a bank can be broken names a fix that works: do what the :class:`BankError` says (delete
the folder when it says so, then run the precompute command it quotes, PAINTING being the painting)
and the bank loads again.

review15 MUST 3: a missing or unreadable manifest said "rebuild the bank with `python -m precompute
PAINTING --force`", which precompute refuses (``--force`` replaces only folders it can tell are banks),
and without ``--out`` the command built a bank somewhere else anyway.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from precompute.cli import main as precompute
from sfumato.bank.format import MANIFEST, load_bank
from sfumato.errors import BankError


@pytest.fixture(scope="module")
def built(tmp_path_factory, astronaut_png) -> Path:
    out = tmp_path_factory.mktemp("advice") / "astro"
    assert precompute([str(astronaut_png), "--out", str(out), "--frames", "3", "--quiet"]) == 0
    return out


def _edit(folder: Path, **changes) -> None:
    m = json.loads((folder / MANIFEST).read_text())
    m.update(changes)
    (folder / MANIFEST).write_text(json.dumps(m))


DAMAGE = {
    "no-folder": lambda f: shutil.rmtree(f),
    "no-manifest": lambda f: (f / MANIFEST).unlink(),
    "cut-manifest": lambda f: (f / MANIFEST).write_bytes((f / MANIFEST).read_bytes()[:100]),
    "list-manifest": lambda f: (f / MANIFEST).write_text("[]"),
    "other-format": lambda f: _edit(f, format="other"),
    "old-version": lambda f: _edit(f, version=99),
    "bad-grid": lambda f: _edit(f, grid=[2, 2]),
    "missing-frame": lambda f: (f / "frame_001.png").unlink(),
    "garbage-frame": lambda f: (f / "frame_002.png").write_bytes(b"junk"),
    "changed-rig": lambda f: (f / "rig.json").write_text((f / "rig.json").read_text() + " "),
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_following_the_advice_of_each_bank_error_rebuilds_the_bank(built, astronaut_png, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)           # a command without --out would build under the current folder
    bank = tmp_path / "bank"
    shutil.copytree(built, bank)
    DAMAGE[name](bank)
    with pytest.raises(BankError) as info:
        load_bank(bank)
    msg = str(info.value)
    gone = re.search(r"delete (\S+) and build", msg)
    if gone:
        shutil.rmtree(gone[1])
    command = re.search(r"`python -m precompute (.+?)`", msg)
    assert command, msg
    args = [str(astronaut_png) if a == "PAINTING" else a for a in shlex.split(command[1])]
    assert precompute([*args, "--frames", "3", "--quiet"]) == 0, msg
    assert len(load_bank(bank)) == 3, msg
