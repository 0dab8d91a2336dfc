"""Never lose or leave data: --force only replaces banks, one build per destination, and no
temp folder survives SIGTERM, a double Ctrl-C or (after the next build) kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sfumato.bank.format import load_bank
from sfumato.errors import SfumatoError
from precompute.destination import BuildLock, is_bank, remove_stale


def _run(*args):
    return subprocess.run([sys.executable, "-m", "precompute", *map(str, args)], capture_output=True, text=True, timeout=300)


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_force_never_deletes_a_folder_that_is_not_a_bank(tmp_path, astronaut_png):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    for extra in ([], ["--force"]):
        proc = _run(astronaut_png, "--out", out, "--frames", 3, "--quiet", *extra)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert "not a sfumato bank" in proc.stderr and "already exists" not in proc.stderr
    assert (out / "notes.txt").read_text() == "precious" and sorted(os.listdir(out)) == ["notes.txt"]
    assert _leftovers(out) == []


def test_existing_bank_message_differs_and_force_replaces_it(tmp_path, astronaut_png):
    out = tmp_path / "bank"
    assert _run(astronaut_png, "--out", out, "--frames", 3, "--quiet").returncode == 0
    assert is_bank(out)
    proc = _run(astronaut_png, "--out", out, "--frames", 5, "--quiet")
    assert proc.returncode == 2 and "a bank already exists" in proc.stderr and "--force" in proc.stderr
    assert len(load_bank(out)) == 3
    assert _run(astronaut_png, "--out", out, "--frames", 5, "--quiet", "--force").returncode == 0
    assert len(load_bank(out)) == 5 and _leftovers(out) == []


def test_a_broken_bank_is_still_a_bank_for_force(tmp_path, astronaut_png):
    out = tmp_path / "broken"
    out.mkdir()
    (out / "manifest.json").write_text('{"format": "sfumato-bank", "version": 1}')
    assert _run(astronaut_png, "--out", out, "--frames", 3, "--quiet", "--force").returncode == 0
    assert len(load_bank(out)) == 3


def test_an_empty_folder_is_used_and_a_file_is_refused(tmp_path, astronaut_png):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run(astronaut_png, "--out", empty, "--frames", 3, "--quiet").returncode == 0
    assert len(load_bank(empty)) == 3
    f = tmp_path / "file"
    f.write_text("x")
    proc = _run(astronaut_png, "--out", f, "--frames", 3, "--quiet", "--force")
    assert proc.returncode == 2 and "not a folder" in proc.stderr and f.read_text() == "x"


def test_a_concurrent_build_is_refused_in_one_line(tmp_path, astronaut_png):
    out = tmp_path / "shared"
    with BuildLock(out):   # another build holds the destination
        proc = _run(astronaut_png, "--out", out, "--frames", 3, "--quiet")
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
        assert f"another build (pid {os.getpid()})" in proc.stderr
        with pytest.raises(SfumatoError, match="another build"):
            BuildLock(out).acquire()
    assert not out.exists() and _leftovers(out) == []   # the lock file goes with the lock
    assert _run(astronaut_png, "--out", out, "--frames", 3, "--quiet").returncode == 0


def test_two_real_builds_to_one_destination(tmp_path, astronaut_png):
    out = tmp_path / "race"
    first = subprocess.Popen([sys.executable, "-m", "precompute", str(astronaut_png), "--out", str(out), "--frames", "61", "--quiet"],
                             stderr=subprocess.PIPE, text=True)
    _wait_for_temp(out, first)
    second = _run(astronaut_png, "--out", out, "--frames", 3, "--quiet")
    assert second.returncode == 2 and "another build" in second.stderr
    assert first.wait(timeout=300) == 0
    assert len(load_bank(out)) == 61 and _leftovers(out) == []


def _wait_for_temp(out: Path, proc: subprocess.Popen, timeout: float = 120.0) -> Path:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        tmps = [p for p in out.parent.glob(f".{out.name}.tmp-{proc.pid}-*") if any(p.glob("frame_*.png"))]
        if tmps:
            return tmps[0]
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    raise AssertionError("the build never started writing frames")


def _start_long_build(out: Path, painting: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen([sys.executable, "-m", "precompute", str(painting), "--out", str(out), "--frames", "401", "--quiet"],
                            stderr=subprocess.PIPE, text=True)
    return proc, _wait_for_temp(out, proc)


@pytest.mark.slow
@pytest.mark.parametrize("signals, code, message", [
    ([signal.SIGTERM], 143, "stopped by SIGTERM; nothing was written."),
    ([signal.SIGINT, signal.SIGINT], 130, "interrupted; nothing was written."),
    ([signal.SIGINT, signal.SIGINT, signal.SIGTERM, signal.SIGINT], 130, "interrupted; nothing was written."),
])
def test_stop_signals_remove_the_temp_folder(tmp_path, astronaut_png, signals, code, message):
    out = tmp_path / "stopped"
    proc, tmp = _start_long_build(out, astronaut_png)
    for s in signals:
        proc.send_signal(s)
        time.sleep(0.02)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == code, err     # never SIGABRT (-6), never a signal death
    assert err.strip().splitlines()[-1] == message and "Traceback" not in err
    assert not tmp.exists() and not out.exists() and _leftovers(out) == []


@pytest.mark.slow
def test_kill_9_leftovers_are_removed_by_the_next_build(tmp_path, astronaut_png):
    out = tmp_path / "killed"
    proc, tmp = _start_long_build(out, astronaut_png)
    proc.kill()
    proc.wait(timeout=60)
    assert tmp.is_dir()                       # nothing can clean up after kill -9 ...
    assert _run(astronaut_png, "--out", out, "--frames", 3, "--quiet").returncode == 0
    assert not tmp.exists() and _leftovers(out) == []   # ... but the next build does
    assert len(load_bank(out)) == 3


def test_remove_stale_keeps_folders_of_live_processes(tmp_path):
    out = tmp_path / "b"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".b.tmp-{dead.pid}-abc"
    old = tmp_path / f".b.old-{dead.pid}-123"
    alive = tmp_path / f".b.tmp-{os.getppid()}-xyz"
    other = tmp_path / f".c.tmp-{dead.pid}-abc"
    for d in (stale, old, alive, other):
        d.mkdir()
        (d / "frame_000.png").write_bytes(b"x")
    assert sorted(remove_stale(out)) == sorted([stale, old])
    assert alive.is_dir() and other.is_dir() and not stale.exists() and not old.exists()
