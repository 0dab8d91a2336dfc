"""The whole loop, headless, in lockstep (virtual time): real BlazeFace on the simulated viewer,
real pygame surfaces (dummy driver), recordings and traces read back."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"

from dataclasses import replace

import imageio.v2 as imageio
import numpy as np
import pytest

from live.analysis import direction_changes, summarize
from live.app import build_loop, load_master
from live.camera import LockstepCamera, SimulatedSource
from live.cli import main
from live.config import LiveConfig, set_option
from live.display import Display
from live.loop import LiveLoop
from live.simulated import SimulatedViewer
from live.trace import read_trace
from tests.fakebank import fake_bank

CENTER = 16


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return str(fake_bank(tmp_path_factory.mktemp("bank") / "astro", cols=33))


def config(bank: str, camera: str, tmp_path, **options) -> LiveConfig:
    cfg = LiveConfig(bank=bank)
    base = {"camera.source": camera, "output.headless": True, "output.lockstep": True,
            "display.size": (320, 240), "display.fps": 30.0, "output.trace": str(tmp_path / "trace.jsonl")}
    for key, value in {**base, **options}.items():
        cfg = set_option(cfg, key, value)
    return cfg


def run(cfg: LiveConfig, seconds: float, logs: list[str] | None = None) -> list[dict]:
    loop = build_loop(cfg, log=(logs.append if logs is not None else (lambda m: None)))
    try:
        loop.run_lockstep(seconds)
    finally:
        loop.close()
    return list(read_trace(cfg.output.trace))


def test_walk_left_to_right_rises_monotonically_and_returns_to_centre(bank, tmp_path):
    recs = run(config(bank, "sim:walk", tmp_path), 12.0)
    assert len(recs) == 360                                # one line per camera frame
    s = summarize(recs)
    assert s["monotonic_while_followed"] is True
    followed = [r["index"] for r in recs if r["state"] == "engaged"]
    assert followed[-1] - min(followed) >= 20             # swept most of the bank, left to right
    assert recs[-1]["index"] == CENTER and recs[-1]["state"] == "idle"
    # a new viewer: the eyes reach them within about 0.3 s
    k = next(i for i, r in enumerate(recs) if r["state"] == "engaged")
    after = recs[k + 10]                                   # 0.33 s later
    assert abs(after["index"] - after["bin"][1]) <= 1 and abs(after["index"] - CENTER) >= 8
    assert {"t", "faces", "chosen", "raw", "smoothed", "index", "latency_ms"} <= set(recs[k])


def test_two_viewers_do_not_flip_flop(bank, tmp_path):
    recs = run(config(bank, "sim:two", tmp_path), 20.0)
    both = [r for r in recs if len(r["faces"]) == 2]
    assert len(both) > 150
    assert direction_changes([r["index"] for r in both]) == 0
    assert len({r["viewer"] for r in both if r["viewer"] is not None}) == 1
    assert summarize(recs)["viewers"] == 2                # switched to B when A left


def test_still_viewer_gives_no_frame_changes_and_naive_flickers(bank, tmp_path):
    calm = summarize(run(config(bank, "sim:still", tmp_path), 10.0), after=3.0)
    assert calm["index_changes"] == 0 and calm["index_min"] != CENTER
    naive = summarize(run(config(bank, "sim:still", tmp_path, **{"smoothing.enabled": False}), 10.0), after=3.0)
    assert naive["index_changes"] > 5                      # same viewer, raw nearest frame: flicker


def test_headless_recording_shows_the_eyes_moving(bank, tmp_path):
    out = tmp_path / "screen.mp4"
    cfg = config(bank, "sim:walk", tmp_path, **{"output.record": str(out), "output.record_fps": 15.0})
    recs = run(cfg, 8.0)
    frames = imageio.mimread(out, memtest=False)
    assert len(frames) == 8 * 15 and frames[0].shape == (240, 320, 3)
    master = load_master(bank, (320, 240))
    from live.compositor import ScreenBank
    sb = ScreenBank(master, (320, 240), (0, 0, 0))
    x, y, w, h = sb.rect
    outside = np.ones((240, 320), bool)
    outside[y:y + h, x:x + w] = False
    # the painting outside the patch never changes; inside it matches the traced frame
    for f in frames[::20]:
        assert np.abs(f[outside].astype(int) - sb.background[outside].astype(int)).mean() < 3
    by_t = {round(r["t"] * 15): r["index"] for r in recs}
    left, right = frames[4 * 15], frames[6 * 15]           # looking at the viewer's left / right
    assert by_t[4 * 15] < CENTER < by_t[6 * 15]
    for f, i in ((left, by_t[4 * 15]), (right, by_t[6 * 15])):
        expect = sb.full_frame([(i, 1.0)])
        assert np.abs(f[y:y + h, x:x + w].astype(int) - expect[y:y + h, x:x + w].astype(int)).mean() < 4
    assert np.abs(left[y:y + h, x:x + w].astype(int) - right[y:y + h, x:x + w].astype(int)).max() > 40


class FlakySource(SimulatedSource):
    """The simulated viewer, unplugged at ``cut`` s and refusing to reconnect ``refusals`` times."""

    def __init__(self, cut: float, refusals: int) -> None:
        super().__init__(SimulatedViewer("still"), fps=30)
        self.name = "flaky camera"
        self.cut, self.refusals, self.done = cut, refusals, False

    def open(self) -> bool:
        if self.refusals and getattr(self, "_unplugged", False):
            self.refusals -= 1
            return False
        return True

    def read(self, t: float):
        if t >= self.cut and not self.done:
            self.done = self._unplugged = True
            return None
        return self.viewer.render(t)


def test_camera_loss_and_recovery(bank, tmp_path):
    cfg = config(bank, "sim", tmp_path, **{"camera.retry_s": 1.0, "presence.idle_glances": False})
    logs: list[str] = []
    display = Display((320, 240), headless=True)
    loop = LiveLoop(cfg, load_master(bank, (320, 240)), LockstepCamera(FlakySource(3.0, 3), 30, 1.0, logs.append),
                    display, log=logs.append)
    try:
        loop.run_lockstep(12.0)
    finally:
        loop.close()
    recs = list(read_trace(cfg.output.trace))
    ts = [r["t"] for r in recs]
    gap = [b - a for a, b in zip(ts, ts[1:])]
    assert max(gap) > 3.0                                         # no frames while unplugged
    assert any("flaky camera lost" in m and "retrying every 1 s" in m for m in logs)
    assert any("flaky camera connected" in m for m in logs)
    assert sum("lost" in m for m in logs) == 1                    # one line, not one per retry
    resumed = [r for r in recs if r["t"] > ts[gap.index(max(gap))]]
    assert resumed and any(r["state"] == "engaged" for r in resumed)
    before = [r for r in recs if r["t"] < 3.0][-1]
    assert before["state"] == "engaged"
    # presence kept running while unplugged: the eyes had gone back toward the centre
    assert abs(resumed[0]["index"] - CENTER) < abs(before["index"] - CENTER)


def test_video_file_camera_loops_and_privacy(bank, tmp_path):
    cam = tmp_path / "camera.mp4"
    first = tmp_path / "first"
    first.mkdir()
    cfg = config(bank, "sim:walk", first, **{"output.record_camera": str(cam)})
    run(cfg, 6.0)
    assert sorted(p.name for p in first.iterdir()) == ["trace.jsonl"]   # camera file only where asked
    assert len(imageio.mimread(cam, memtest=False)) == 180
    second = tmp_path / "second"
    second.mkdir()
    recs = run(config(bank, str(cam), second), 14.0)        # longer than the 6 s file: loops
    assert sorted(p.name for p in second.iterdir()) == ["trace.jsonl"]
    assert len(recs) >= 14 * 30 - 2
    assert any(r["faces"] for r in recs if r["t"] > 8.5)     # faces again in the second pass


def test_keys_toggle_hud_mirror_and_quit(bank, tmp_path):
    import pygame
    cfg = config(bank, "sim:walk", tmp_path, **{"output.record": str(tmp_path / "hud.mp4")})
    loop = build_loop(cfg, log=lambda m: None)
    try:
        for key in (pygame.K_d, pygame.K_m):
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key))
        loop.run_lockstep(4.0)
        assert loop.hud_on and loop.controller.mapper.mirror is False
        screen = loop.display.grab()
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q))
        assert loop.handle_events() is False
    finally:
        loop.close()
    last = imageio.mimread(tmp_path / "hud.mp4", memtest=False)[-1]
    # the HUD thumbnail (camera pixels) is on screen but never in the recording
    tx, ty, tw, th = 8, 154, 192, 30
    assert np.abs(screen[ty:ty + th, tx:tx + tw].astype(int) - last[ty:ty + th, tx:tx + tw].astype(int)).mean() > 10


def test_bad_bank_is_one_line_and_nonzero(bank, tmp_path, capsys):
    assert main(["--bank", str(tmp_path / "nowhere"), "--headless", "--duration", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nowhere" in err[0] and "python -m precompute" in err[0]
    import shutil
    broken = tmp_path / "broken"
    shutil.copytree(bank, broken)
    (broken / "frame_005.png").unlink()
    assert main(["--bank", str(broken), "--headless", "--duration", "1"]) == 2
    assert "frame_005.png" in capsys.readouterr().err


def test_no_display_auto_camera_runs_headless_and_records(bank, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["--bank", bank, "--camera", "auto", "--duration", "2", "--size", "320x240"]) == 0
    cap = capsys.readouterr()
    assert "running headless" in cap.err and f"wrote {tmp_path / 'out' / 'live.mp4'}" in cap.out
    frames = imageio.mimread(tmp_path / "out" / "live.mp4", memtest=False)
    # the demo recording: portrait (240 -> 480 px high, the camera's height) beside the 640x480 viewer
    assert len(frames) >= 30 and frames[0].shape == (480 + 28, 480 + 640, 3)
