"""Camera sources: simulated viewer, video file, webcam index, the capture thread, real BlazeFace."""

from __future__ import annotations

import os
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import numpy as np
import pytest

from live.camera import (LockstepCamera, SimulatedSource, ThreadedCamera, VideoFileSource, WebcamSource,
                         make_source, resolve_auto, webcam_available)
from live.recorder import Recorder
from live.simulated import Person, SimulatedViewer, people_at
from live.tracker import FaceTracker


@pytest.fixture(scope="module")
def tracker():
    return FaceTracker("short")


def test_simulated_viewer_is_deterministic_and_moves():
    a, b = SimulatedViewer("walk", seed=1), SimulatedViewer("walk", seed=1)
    f1, f2 = a.render(4.0), b.render(4.0)
    assert f1.shape == (480, 640, 3) and f1.dtype == np.uint8
    assert np.array_equal(f1, f2)
    assert not np.array_equal(a.render(2.5), a.render(6.0))
    assert people_at("walk", 0.5) == [] and len(people_at("two", 8.0)) == 2


def test_real_blazeface_finds_the_simulated_face_where_it_was_put(tracker):
    sim = SimulatedViewer("walk")
    for x in (-0.25, 0.0, 0.2):
        p = Person(x, 0.3, 0.7)
        faces = tracker.detect(sim.render(0.0, [p]))
        assert len(faces) == 1
        u, v, _ = sim.project(p)
        ex, ey = faces[0].eye_mid
        assert abs(ex - u) < 8 and abs(ey - v) < 8
    assert tracker.detect(SimulatedViewer("empty").render(1.0)) == []
    assert len(tracker.detect(SimulatedViewer("two").render(8.0))) == 2


def test_video_file_source_reads_and_loops(tmp_path):
    sim = SimulatedViewer("walk")
    path = tmp_path / "cam.mp4"
    rec = Recorder(path, fps=10)
    for k in range(12):
        rec.add(sim.render(3.0 + k / 10)[:, :, ::-1], k / 10)
    rec.close()
    looped = VideoFileSource(path, loop=True)
    assert looped.open() and looped.fps == pytest.approx(10.0)
    frames = [looped.read(0.0) for _ in range(30)]
    assert all(f is not None and f.shape == (480, 640, 3) for f in frames)
    assert np.abs(frames[0].astype(int) - frames[12].astype(int)).mean() < 3   # back at the start
    once = VideoFileSource(path, loop=False)
    assert once.open()
    got = [once.read(0.0) for _ in range(14)]
    assert sum(f is not None for f in got) == 12 and got[-1] is None
    assert not VideoFileSource(tmp_path / "missing.mp4").open()


def test_make_source_parses_specs(tmp_path):
    assert isinstance(make_source("3"), WebcamSource) and make_source("3").index == 3
    s = make_source("sim:two")
    assert isinstance(s, SimulatedSource) and s.viewer.scenario == "two"
    assert make_source("sim").viewer.scenario == "demo"
    assert isinstance(make_source(str(tmp_path / "x.mp4")), VideoFileSource)
    from sfumato.errors import SfumatoError
    with pytest.raises(SfumatoError, match="sim:walk"):
        make_source("sim:dance")


def test_auto_falls_back_to_the_simulated_viewer_without_a_webcam():
    if webcam_available(0):
        pytest.skip("a webcam is attached")
    lines = []
    assert resolve_auto("auto", lines.append) == "sim"
    assert "simulated viewer" in lines[0]
    assert resolve_auto("sim:walk", lines.append) == "sim:walk"


def test_missing_webcam_is_reported_once_and_retried():
    lines = []
    cam = LockstepCamera(WebcamSource(57), fps=30, retry_s=1.0, log=lines.append)
    assert all(cam.frame_at(k / 30) is None for k in range(120))
    assert not cam.connected
    assert len(lines) == 1 and "webcam 57 not available" in lines[0] and "retrying every 1 s" in lines[0]


def test_threaded_camera_newest_frame_wins_and_never_blocks():
    cam = ThreadedCamera(SimulatedSource(SimulatedViewer("walk"), fps=30), log=lambda m: None).start()
    try:
        first = cam.wait_newer(0, timeout=2.0)
        assert first is not None and first.image.shape == (480, 640, 3)
        time.sleep(0.5)                                    # the loop is busy; frames keep coming
        newest = cam.wait_newer(first.seq, timeout=1.0)
        assert newest is not None and newest.seq >= first.seq + 2   # older frames were skipped
        assert cam.wait_newer(10**9, timeout=0.0) is None           # nothing newer: returns at once
    finally:
        cam.stop()
    missing = ThreadedCamera(WebcamSource(57), retry_s=0.2, log=lambda m: None).start()
    try:
        assert missing.wait_newer(0, timeout=0.3) is None and not missing.connected
    finally:
        missing.stop()
