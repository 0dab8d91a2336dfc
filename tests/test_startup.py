"""Start-up: importing MediaPipe runs no ldconfig / gcc (no sounddevice PortAudio probe) and imports
no matplotlib (MediaPipe's drawing_utils imports pyplot for a plot sfumato never draws)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = textwrap.dedent("""
    import ctypes.util, sys
    calls = []
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: calls.append(name) or real(name)
    from sfumato.face.models import face_detector
    face_detector()                           # imports mediapipe and builds a real graph
    assert 'mediapipe' in sys.modules
    print('find_library calls:', calls)
    try:                                      # blocked only during mediapipe's import
        import sounddevice
        print('sounddevice: imported')
    except ImportError as err:
        print('sounddevice: blocked', err)
    except OSError as err:                    # a real import that found no PortAudio
        print('sounddevice: real import', err)
""")


def test_mediapipe_import_does_not_probe_for_portaudio():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "find_library calls: []" in out.stdout
    assert "sounddevice: blocked" not in out.stdout


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
def test_no_ldconfig_or_gcc_runs_when_mediapipe_starts(tmp_path):
    log = tmp_path / "exec.txt"
    code = "from sfumato.face.models import face_detector; face_detector()"
    proc = subprocess.run(["strace", "-f", "-e", "trace=execve", "-o", str(log), sys.executable, "-c", code],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip("ptrace not permitted here")
    assert proc.returncode == 0, proc.stderr
    execs = [line for line in log.read_text().splitlines() if "execve(" in line and "ENOENT" not in line]
    assert not [e for e in execs if any(tool in e for tool in ("ldconfig", "gcc", '"ld"', "/ld\""))], execs


PYPLOT_PROBE = textwrap.dedent("""
    import sys
    from sfumato.face.models import face_detector, face_mesh
    import numpy as np
    from skimage import data
    faces = face_detector().process(np.ascontiguousarray(data.astronaut()))  # a real graph on a real face
    assert faces.detections, 'no face'
    mesh = face_mesh().process(np.ascontiguousarray(data.astronaut()))
    assert mesh.multi_face_landmarks, 'no mesh'
    print('matplotlib after mediapipe:', sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))
    import matplotlib.pyplot as plt                # the stand-in is gone: the real one imports
    print('real pyplot:', hasattr(plt, 'figure') and hasattr(sys.modules['matplotlib'], '__version__'))
""")


def test_mediapipe_import_does_not_import_pyplot():
    """Importing MediaPipe through sfumato leaves matplotlib out (about 0.5 s of CPU at every
    start: MediaPipe's import went from 1.0 to 0.45 s), detection and FaceMesh still work, and a
    real ``import matplotlib.pyplot`` afterwards gets the real module."""
    out = subprocess.run([sys.executable, "-c", PYPLOT_PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "matplotlib after mediapipe: []" in out.stdout, out.stdout
    assert "real pyplot: True" in out.stdout, out.stdout
