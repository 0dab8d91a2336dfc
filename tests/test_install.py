"""Install: the Makefile picks a supported Python or says how to get one, a failed venv leaves
nothing that breaks the retry, and the package metadata builds without setuptools warnings."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")

# Stand-ins for interpreters: a Python 3.13 (fails the version check) and a supported Python
# whose `-m venv` fails half-way after creating DIR/bin/python.
PY313 = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 1; fi
exit 1
"""
BAD_VENV = """#!/bin/sh
if [ "$1" = "-c" ]; then exit 0; fi
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then mkdir -p "$3/bin"; printf '#!/bin/sh\\nexit 1\\n' > "$3/bin/python"; chmod +x "$3/bin/python"; exit 1; fi
exit 1
"""


@pytest.fixture
def project(tmp_path):
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name, text in (("py313", PY313), ("badvenv", BAD_VENV)):
        (tmp_path / name).write_text(text)
        (tmp_path / name).chmod(0o755)
    return tmp_path


def _make(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "install", *args], cwd=project, capture_output=True, text=True, timeout=60)


@needs_make
def test_an_unsupported_python_is_refused_with_how_to_get_one(project):
    proc = _make(project, f"PYTHON={project / 'py313'}")
    assert proc.returncode != 0 and not (project / ".venv").exists()
    assert "needs Python 3.11 or 3.12" in proc.stderr and "is not one of them" in proc.stderr
    assert "PYTHON=" in proc.stderr


@needs_make
def test_a_failed_venv_leaves_nothing_and_the_retry_says_the_same(project):
    for _ in range(2):
        proc = _make(project, f"PYTHON={project / 'badvenv'}")
        assert proc.returncode != 0 and "could not create .venv" in proc.stderr
        assert not (project / ".venv").exists()


@needs_make
def test_a_venv_left_by_an_unsupported_python_is_removed(project):
    (project / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(project / "py313", project / ".venv" / "bin" / "python")
    proc = _make(project)
    assert proc.returncode != 0 and "unsupported Python; removed it" in proc.stderr
    assert not (project / ".venv").exists()


@needs_make
def test_the_makefile_picks_a_supported_python_by_itself(project):
    proc = subprocess.run(["make", "-p", "-n", "install"], cwd=project, capture_output=True, text=True, timeout=60)
    chosen = [line.split(":=", 1)[1].strip() for line in proc.stdout.splitlines() if line.startswith("PYTHON :=")]
    assert chosen, proc.stdout[-500:]
    if chosen[0]:
        check = subprocess.run([chosen[0], "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
        assert check.stdout.strip() in ("(3, 11)", "(3, 12)")


def test_package_metadata_has_an_spdx_licence_and_a_pinned_build_backend():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["license"] == "MIT" and (ROOT / "LICENSE").is_file()
    assert all("==" in r for r in data["build-system"]["requires"])
    setuptools = pytest.importorskip("setuptools")
    from setuptools.config.pyprojecttoml import read_configuration

    with warnings.catch_warnings():
        warnings.simplefilter("error")           # any setuptools deprecation warning fails the test
        read_configuration(ROOT / "pyproject.toml")
    assert setuptools.__version__


@needs_make
def test_make_demo_builds_the_bank_again_when_the_code_is_newer(tmp_path):
    """After a `git pull` that changes the rig, `make demo` must not keep showing the old bank."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    old, new = 1_600_000_000, 1_700_000_000
    files = {"pyproject.toml": old, ".venv/bin/python": old, ".venv/.installed-base": old + 1,
             "sfumato/data/mona_lisa.jpg": old, "sfumato/rig/eye.py": old, "frames/mona_lisa/manifest.json": old + 2}
    for name, t in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
        os.utime(tmp_path / name, (t, t))

    def builds() -> bool:
        proc = subprocess.run(["make", "-n", "demo"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return "-m precompute" in proc.stdout

    assert not builds()                                     # the bank is newer than everything: kept
    os.utime(tmp_path / "sfumato/rig/eye.py", (new, new))   # the rig changed (a git pull)
    assert builds()
    os.utime(tmp_path / "sfumato/rig/eye.py", (old, old))
    os.utime(tmp_path / "sfumato/data/mona_lisa.jpg", (new, new))   # the painting changed, as before
    assert builds()
