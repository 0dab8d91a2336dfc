"""The guided recorder, headless, with a video file as the camera."""

from __future__ import annotations

import json
import os

import cv2
import numpy as np
import pytest

from precompute.cli import main as cli_main
from precompute.record import dot_position

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")


@pytest.fixture(scope="module")
def camera_video(tmp_path_factory, astronaut):
    """A 2 s, 15 fps video of the astronaut drifting right: (path, frames)."""
    from sfumato.video import write_mp4

    path = tmp_path_factory.mktemp("cam") / "camera.mp4"
    frames = [np.ascontiguousarray(np.roll(astronaut[::2, ::2], 3 * i, axis=1)) for i in range(30)]
    write_mp4(path, frames, fps=15.0)
    return path, frames


def test_record_writes_clip_and_dot_labels(camera_video, tmp_path, capsys):
    src, frames = camera_video
    out = tmp_path / "clip.mp4"
    assert cli_main(["record", "--out", str(out), "--camera", str(src), "--seconds", "1.5", "--headless"]) == 0
    cap = cv2.VideoCapture(str(out))
    got = []
    while (ok := cap.read())[0]:
        got.append(cv2.cvtColor(ok[1], cv2.COLOR_BGR2RGB))
    cap.release()
    n = 23  # frames at t = i / 15 < 1.5 s: i = 0..22
    assert len(got) == n and got[0].shape == frames[0].shape
    assert np.abs(got[5].astype(int) - frames[5].astype(int)).mean() < 6  # the camera's frames, in order
    labels = json.loads(out.with_suffix(".json").read_text())
    assert labels["format"] == "sfumato-driving-labels" and labels["frames"] == n and len(labels["dot"]) == n
    t = np.array([d[0] for d in labels["dot"]])
    x = np.array([d[1] for d in labels["dot"]])
    assert np.allclose(np.diff(t), 1 / 15, atol=1e-3)
    assert x[0] == pytest.approx(-1.0) and x.max() > 0.95  # the dot crosses the screen
    assert np.allclose(x, [dot_position(v, 1.5)[0] for v in t], atol=1e-3)
    assert "clip:" in capsys.readouterr().out


def test_record_stops_when_the_camera_video_ends(camera_video, tmp_path):
    out = tmp_path / "clip.mp4"
    assert cli_main(["record", "--out", str(out), "--camera", str(camera_video[0]), "--seconds", "10", "--headless"]) == 0
    assert json.loads(out.with_suffix(".json").read_text())["frames"] == len(camera_video[1])


def test_record_errors_are_one_line(tmp_path, capsys, camera_video):
    assert cli_main(["record", "--out", str(tmp_path / "c.mp4"), "--camera", str(tmp_path / "none.mp4"), "--headless"]) == 2
    assert cli_main(["record", "--out", str(tmp_path / "c.avi"), "--camera", str(camera_video[0]), "--headless"]) == 2
    existing = tmp_path / "e.mp4"
    existing.write_bytes(b"x")
    assert cli_main(["record", "--out", str(existing), "--camera", str(camera_video[0]), "--headless"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error:") for line in err)
    assert not (tmp_path / "c.mp4").exists() and not (tmp_path / "c.avi").exists()


def test_dot_patterns():
    xs = [dot_position(t, 12.0)[0] for t in np.linspace(0, 12, 97)]
    assert min(xs) == pytest.approx(-1) and max(xs) == pytest.approx(1)
    ys = {round(dot_position(t, 12.0, "grid")[1], 2) for t in np.linspace(0, 12, 200)}
    assert {-0.6, 0.0, 0.6} <= ys
