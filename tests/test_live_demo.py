"""The first five minutes: a bare --headless is refused, the demo recording shows the portrait
and the viewer side by side (real BlazeFace, real pygame surfaces, real H.264 read back), a
headless run says what it is doing, and Ctrl-C keeps what was recorded."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"

import imageio.v2 as imageio
import numpy as np
import pytest

from live.app import build_loop, load_master
from live.cli import main
from live.compositor import ScreenBank
from live.config import LiveConfig, set_option
from live.recorder import Recorder
from live.sidebyside import CAPTION_H, PANEL_BG, SideBySideLayout
from live.simulated import SimulatedViewer
from sfumato.imaging.resize import resize_to
from tests.fakebank import fake_bank


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return str(fake_bank(tmp_path_factory.mktemp("bank") / "astro", cols=33))


def _green(img: np.ndarray) -> np.ndarray:
    """Pixels of the followed face's box colour (0, 255, 0), after H.264."""
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return (g > 200) & (r < 90) & (b < 90)


def test_bare_headless_is_refused_with_one_line_naming_what_to_add(bank, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--bank", bank, "--headless"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--duration" in err[0] and "--record" in err[0]
    assert not (tmp_path / "out").exists()                  # nothing started, nothing written
    toml = tmp_path / "kiosk.toml"                          # the same from a config file
    toml.write_text("[output]\nheadless = true\n")
    assert main(["--config", str(toml), "--bank", bank]) == 2
    assert "--duration" in capsys.readouterr().err


def test_layout_sizes():
    lay = SideBySideLayout.fit((720, 720), (640, 480))
    assert lay.portrait == (480, 480) and lay.viewer == (640, 480) and lay.size == (1120, 480 + CAPTION_H)
    lay = SideBySideLayout.fit((405, 720), (1280, 720))    # portrait format painting, HD webcam
    assert lay.portrait == (404, 720) and lay.viewer == (1280, 720)
    assert all(v % 2 == 0 for v in lay.size)


def test_no_display_demo_records_portrait_and_viewer_side_by_side(bank, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    # lockstep (virtual time, every camera frame) so a loaded machine cannot change what is recorded
    assert main(["--bank", bank, "--camera", "sim:walk", "--duration", "6", "--lockstep", "--size", "320x240"]) == 0
    cap = capsys.readouterr()
    out = tmp_path / "out" / "live.mp4"
    assert "running headless" in cap.err and "side by side" in cap.err and f"wrote {out}" in cap.out
    frames = imageio.mimread(out, memtest=False)
    sb = ScreenBank(load_master(bank, (320, 240)), (320, 240), (0, 0, 0))
    lay = SideBySideLayout.fit(sb.painting_rect[2:], (640, 480))
    assert frames[0].shape == (lay.size[1], lay.size[0], 3) and len(frames) == 6 * 30
    pw, ph = lay.portrait
    # left: the painting (no letterbox bars), scaled to the camera's height
    px, py, pw0, ph0 = sb.painting_rect
    painting = resize_to(sb.background[py:py + ph0, px:px + pw0], pw, ph)
    x, y, w, h = (int(v * ph / 240) for v in sb.rect)
    x -= int(px * ph / 240)
    outside = np.ones((ph, pw), bool)
    outside[y - 2:y + h + 2, x - 2:x + w + 2] = False
    assert np.abs(frames[-1][:ph, :pw][outside].astype(int) - painting[outside].astype(int)).mean() < 4
    # right: the simulated viewer, mirrored, with the followed face's green box while she walks past
    seen = [f for f in frames if _green(f[:ph, pw:]).sum() > 100]
    assert len(seen) >= 10
    assert all(_green(f[:ph, :pw]).sum() == 0 for f in frames)
    room = SimulatedViewer("empty", noise=0).render(0.0)[:, ::-1, ::-1]   # RGB, mirrored
    assert np.abs(frames[2][:ph, pw:].astype(int) - room.astype(int)).mean() < 6   # nobody there yet
    # the box moves across the panel as she walks: left to right in the mirrored view
    xs = [np.nonzero(_green(f[:ph, pw:]))[1].mean() for f in seen]
    assert xs[-1] - xs[0] > 200


def test_real_camera_pixels_stay_out_of_the_demo_recording(bank, tmp_path):
    cam = tmp_path / "cam.mp4"                                # a "webcam": a video file of a real face
    rec = Recorder(cam, fps=10)
    sim = SimulatedViewer("still")
    for k in range(20):
        rec.add(sim.render(k / 10)[:, :, ::-1], k / 10)
    rec.close()
    cfg = LiveConfig(bank=bank)
    for key, value in {"camera.source": str(cam), "output.headless": True, "output.lockstep": True,
                       "display.size": (320, 240), "output.record": str(tmp_path / "demo.mp4"),
                       "output.record_layout": "side-by-side", "output.record_fps": 10.0}.items():
        cfg = set_option(cfg, key, value)
    loop = build_loop(cfg, log=lambda m: None)
    try:
        loop.run_lockstep(2.0)
    finally:
        loop.close()
    frames = imageio.mimread(tmp_path / "demo.mp4", memtest=False)
    pw, ph = loop.sidebyside.layout.portrait
    last = frames[-1][:ph, pw:].astype(int)
    plain = np.abs(last - np.array(PANEL_BG)).max(axis=2) < 12
    assert plain.mean() > 0.9                               # no camera image: a plain panel...
    assert _green(frames[-1][:ph, pw:]).sum() > 50          # ...with the tracked face's box


def test_headless_run_prints_progress_and_ctrl_c_keeps_the_recording(bank, tmp_path, monkeypatch, capsys):
    from live.loop import LiveLoop

    original = LiveLoop.run_lockstep

    def interrupted(self, duration_s):
        original(self, 6.0)
        raise KeyboardInterrupt

    monkeypatch.setattr(LiveLoop, "run_lockstep", interrupted)
    out = tmp_path / "cut.mp4"
    rc = main(["--bank", bank, "--camera", "sim:walk", "--headless", "--lockstep", "--duration", "60",
               "--size", "320x240", "--record", str(out), "--record-layout", "side-by-side"])
    cap = capsys.readouterr()
    assert rc == 130 and f"wrote {out}" in cap.out and "interrupted" in cap.err
    assert "5/60 s" in cap.err and "portrait frame" in cap.err   # a status line every 5 s
    assert len(imageio.mimread(out, memtest=False)) == 6 * 30


def test_real_time_loop_clock_counts_tracking_and_drawing_time(bank, tmp_path):
    """On a busy machine tracking and drawing take most of the time; the cross-fade's clock must
    still advance by the whole elapsed time, or the eyes lag far behind the viewer."""
    from live.camera import CameraFrame

    cfg = LiveConfig(bank=bank)
    for key, value in {"camera.source": "sim:still", "output.headless": True, "display.size": (320, 240),
                       "display.fps": 30.0}.items():
        cfg = set_option(cfg, key, value)
    loop = build_loop(cfg, log=lambda m: None)
    now = [0.0]

    class SlowCamera:                        # a new frame every call, after 20 ms of waiting
        source, seq = loop.camera.source, 0

        def wait_newer(self, seq, timeout):
            now[0] += 0.02
            self.seq += 1
            return CameraFrame(self.seq, now[0], np.zeros((48, 64, 3), np.uint8))

        def stop(self):
            pass

    dts: list[float] = []
    real_render = loop.render

    def render(t, dt):
        dts.append(dt)
        now[0] += 0.03                       # drawing takes 30 ms
        real_render(t, dt)

    def process(frame, t):
        now[0] += 0.05                       # tracking takes 50 ms
        return {}

    loop.camera, loop.render, loop._process = SlowCamera(), render, process
    try:
        loop.run(2.0, clock=lambda: now[0])
    finally:
        loop.close()
    assert len(dts) >= 15
    assert sum(dts) == pytest.approx(now[0] - 0.03, abs=0.11)   # every second of the run, not just the waits
