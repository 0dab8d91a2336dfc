"""MediaPipe face models, created once per process with their C++ log noise silenced.

MediaPipe's native code writes to file descriptor 2 directly, so the only way to keep a
CLI's output clean is to point fd 2 at /dev/null while a graph is created.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import types
from typing import Iterator

from sfumato.face.topology import FACE_OVAL
from sfumato.fd_silence import silenced

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Redirect file descriptor 2 to /dev/null inside the block (restored after), unless
    ``SFUMATO_VERBOSE_MEDIAPIPE`` is set."""
    if os.environ.get("SFUMATO_VERBOSE_MEDIAPIPE"):
        yield
        return
    with silenced(2):
        yield


@contextlib.contextmanager
def without_sounddevice() -> Iterator[None]:
    """Hide the ``sounddevice`` module inside the block.

    ``import mediapipe`` imports its audio tasks (``mediapipe.tasks.python.audio``), whose
    ``audio_record`` imports ``sounddevice``; that import looks for PortAudio with
    ``ctypes.util.find_library``, which runs ldconfig, gcc and ld, at every start of every
    app. sfumato uses no MediaPipe audio, and MediaPipe handles a missing sounddevice (it
    catches the ImportError), so the module is blocked for that import only: afterwards a
    real ``import sounddevice`` works as usual for code that plays sound.
    """
    if "sounddevice" in sys.modules:   # already imported (or blocked) elsewhere: leave it be
        yield
        return
    sys.modules["sounddevice"] = None  # type: ignore[assignment]  # makes `import sounddevice` raise ImportError
    try:
        yield
    finally:
        if "sounddevice" in sys.modules and sys.modules["sounddevice"] is None:
            del sys.modules["sounddevice"]


@contextlib.contextmanager
def without_pyplot() -> Iterator[None]:
    """Stand in an empty module for ``matplotlib.pyplot`` inside the block.

    ``import mediapipe`` imports its solutions' ``drawing_utils``, which imports
    ``matplotlib.pyplot`` for ``plot_landmarks`` (a 3-D plot window) alone: about half of
    MediaPipe's import (0.5-0.6 s of CPU at every start of every app, on a loaded 2-core
    machine). sfumato draws nothing with MediaPipe, so an empty ``matplotlib`` package and
    ``matplotlib.pyplot`` are put in ``sys.modules`` for that import only (``plot_landmarks``
    would fail, nothing calls it); afterwards they are taken out, and a real
    ``import matplotlib.pyplot`` works as usual. Nothing is done when matplotlib is already
    imported.
    """
    if "matplotlib" in sys.modules:
        yield
        return
    pkg, plt = types.ModuleType("matplotlib"), types.ModuleType("matplotlib.pyplot")
    pkg.__path__ = []  # a package, so that ``import matplotlib.pyplot`` finds its stand-in
    pkg.pyplot = plt  # type: ignore[attr-defined]
    sys.modules["matplotlib"], sys.modules["matplotlib.pyplot"] = pkg, plt
    try:
        yield
    finally:
        for name, mod in (("matplotlib.pyplot", plt), ("matplotlib", pkg)):
            if sys.modules.get(name) is mod:
                del sys.modules[name]


def _solutions():  # imported lazily: importing mediapipe costs ~0.5 s (1 s with pyplot)
    with quiet_stderr(), without_sounddevice(), without_pyplot():
        import mediapipe as mp
    return mp.solutions


@functools.lru_cache(maxsize=4)
def face_detector(full_range: bool = False, min_confidence: float = 0.5):
    """A BlazeFace detector (short range, or full range for small/far faces). Cached.

    Its first call, which logs from C++, is made here on a blank image with fd 2 silenced, so
    later calls need no redirection (live calls it every camera frame while other threads
    may be writing to stderr).
    """
    import numpy as np

    with quiet_stderr():
        detector = _solutions().face_detection.FaceDetection(
            min_detection_confidence=min_confidence, model_selection=1 if full_range else 0
        )
        detector.process(np.zeros((64, 64, 3), np.uint8))
    return detector


@functools.lru_cache(maxsize=2)
def face_mesh(max_faces: int = 1):
    """A static-image FaceMesh with iris refinement (478 landmarks). Cached."""
    with quiet_stderr():
        return _solutions().face_mesh.FaceMesh(
            static_image_mode=True,
            refine_landmarks=True,
            max_num_faces=max_faces,
            min_detection_confidence=0.3,
        )


def face_mesh_tracker(min_confidence: float = 0.5):
    """A new video-mode FaceMesh with irises (478 landmarks), for one stream of frames.

    Video mode tracks the face from the previous frame's landmarks instead of detecting it
    every frame (about 30% faster). Not cached: each stream owns its tracker, used from one
    thread. Created and warmed up with fd 2 silenced, so later calls need no redirection: the
    warm-up also shows it a face once per process (:func:`_first_face_logged`), and then a blank
    frame, so that it starts with no face tracked.
    """
    import numpy as np

    blank = np.zeros((64, 64, 3), np.uint8)
    with quiet_stderr():
        mesh = _solutions().face_mesh.FaceMesh(
            static_image_mode=False,
            refine_landmarks=True,
            max_num_faces=1,
            min_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )
        mesh.process(blank)
        if _first_face_logged(mesh):
            mesh.process(blank)   # lose the warm-up face: the first real frame detects afresh
    return mesh


_FACE_SHOWN: list[bool] = []   # the once-per-process log below has been spent (or could not be)


def _first_face_logged(mesh) -> bool:
    """Show ``mesh`` a face, once per process, with fd 2 already silenced by the caller; True if done now.

    MediaPipe's FaceMesh graph projects landmarks through a NORM_RECT with no IMAGE_DIMENSIONS
    (its wiring, not ours: the Python solution API cannot pass them), and its
    ``landmark_projection_calculator`` logs ``W0000 ... Using NORM_RECT without IMAGE_DIMENSIONS is only
    supported for the square ROI`` the first time in the process any FaceMesh finds a face
    (``ABSL_LOG_FIRST_N(WARNING, 1)``; absl ignores GLOG_minloglevel). The puppet's tracker used to print
    it on the viewer's first face, mid-run. Shown the bundled painting (a quarter size, (225, 225, 3)
    uint8 RGB, about 60 ms once) here, that one line goes to /dev/null.
    """
    if _FACE_SHOWN:
        return False
    _FACE_SHOWN.append(True)
    import cv2

    from sfumato.imaging.samples import sample_path

    face = cv2.imread(str(sample_path("mona_lisa")), cv2.IMREAD_REDUCED_COLOR_4)
    if face is None:   # a broken install: the line may show once, nothing else changes
        return False
    mesh.process(cv2.cvtColor(face, cv2.COLOR_BGR2RGB))
    return True


def face_oval_indices() -> tuple[int, ...]:
    """FaceMesh indices of the face outline, in no particular order."""
    return tuple(sorted(FACE_OVAL))
