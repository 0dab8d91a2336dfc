"""The kiosk speaks: a real bank of a real face, the simulated viewer arrives, the portrait says
its line (real voice, pygame's mixer on SDL's dummy audio driver) and the mouth moves in the
recording while the eyes follow; no audio device and --mute; config checks."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import subprocess
import sys

import imageio.v2 as imageio
import numpy as np
import pytest

from live.app import build_loop
from live.config import ConfigError, LiveConfig, load_config, set_option

LINE = "Hello there. Welcome to the museum."


@pytest.fixture(scope="module")
def bank(tmp_path_factory, astronaut_png):
    out = tmp_path_factory.mktemp("bank") / "astro"
    proc = subprocess.run([sys.executable, "-m", "precompute", str(astronaut_png), "--out", str(out), "--frames", "9", "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return str(out)


def config(bank: str, tmp_path, **options) -> LiveConfig:
    cfg = LiveConfig(bank=bank)
    base = {"camera.source": "sim:walk", "output.headless": True, "output.lockstep": True, "display.size": (512, 512),
            "display.fps": 25.0, "output.record": str(tmp_path / "live.mp4"), "output.record_fps": 25.0,
            "speech.enabled": True, "speech.lines": [LINE]}
    for key, value in {**base, **options}.items():
        cfg = set_option(cfg, key, value)
    return cfg


def _run(cfg: LiveConfig, seconds: float, logs: list[str]):
    loop = build_loop(cfg, log=logs.append)
    speaker = loop.speaker
    try:
        loop.run_lockstep(seconds)
    finally:
        loop.close()
    return loop, speaker


@pytest.mark.slow
def test_new_viewer_is_greeted_and_the_mouth_moves_in_the_recording(bank, tmp_path):
    """The greeting seen from outside: in the recording (the mouth moves) and in the trace (``speaking``,
    review15 SHOULD 11: the trace had no speech field)."""
    from live.trace import read_trace

    logs: list[str] = []
    loop, speaker = _run(config(bank, tmp_path, **{"output.trace": str(tmp_path / "trace.jsonl")}), 7.0, logs)
    assert any("speech: 1 line(s) ready" in m for m in logs), logs
    assert speaker is not None and speaker.greetings == 1 and speaker.mixer is not None
    start = speaker.t0
    assert 1.0 <= start <= 4.0  # the walk scenario's viewer walks in after 1 s
    records = list(read_trace(tmp_path / "trace.jsonl"))
    assert len(records) >= 150 and all("speaking" in r for r in records)
    said = [r["t"] for r in records if r["speaking"] == 0]
    assert all(r["speaking"] in (0, None) for r in records)
    assert said and abs(said[0] - start) <= 0.1 and abs(said[-1] - (start + speaker.clips[0].duration)) <= 0.1, \
        (said[:1], said[-1:], start, speaker.clips[0].duration)
    assert len(said) >= 0.9 * speaker.clips[0].duration * 25   # every record in between (lockstep: 25 a second)
    first = next(r for r in records if r["speaking"] == 0)
    assert first["state"] == "engaged" and first["chosen"] is not None   # greeted on arrival, as the trace shows
    frames = np.stack([f for f in imageio.get_reader(str(tmp_path / "live.mp4"))]).astype(np.float32)
    x, y, w, h = loop.screen_bank.rect
    cx, cy = (int(round(v)) for v in speaker.rig.centre)
    r = max(4, int(speaker.rig.width * 0.6))
    mouth = frames[:, y + cy - r : y + cy + r, x + cx - r : x + cx + r]
    change = np.abs(np.diff(mouth, axis=0)).mean(axis=(1, 2, 3))
    fps = 25.0
    before = change[: int(start * fps) - 2]
    during = change[int(start * fps) + 2 : int((start + speaker.clips[0].duration) * fps) - 2]
    assert during.mean() > 4 * max(before.mean(), 0.05), (before.mean(), during.mean())


def test_no_audio_device_is_one_line_and_the_loop_goes_on(bank, tmp_path, monkeypatch):
    import pygame

    def broken(*a, **k):
        raise pygame.error("No available audio device")

    monkeypatch.setattr(pygame.mixer, "init", broken)
    logs: list[str] = []
    loop, speaker = _run(config(bank, tmp_path), 4.0, logs)
    said = [m for m in logs if "no audio device" in m]
    assert len(said) == 1 and "No available audio device" in said[0]
    assert speaker is not None and speaker.mixer is None and speaker.greetings == 1
    assert loop.stats.flips == int(4.0 * 25)


def test_mute_and_disabled_prepare_nothing(bank, tmp_path):
    for options in ({"speech.mute": True}, {"speech.enabled": False}):
        logs: list[str] = []
        loop = build_loop(config(bank, tmp_path, **options), log=logs.append)
        try:
            assert loop.speaker is None and not any("speech" in m for m in logs)
        finally:
            loop.close()


def test_speech_config_from_toml(tmp_path):
    p = tmp_path / "kiosk.toml"
    p.write_text('[speech]\nenabled = true\nlines = ["Hi.", "Hello again."]\n')
    cfg = load_config(p)
    assert cfg.speech.enabled and cfg.speech.lines == ["Hi.", "Hello again."]
    p.write_text("[speech]\nlines = [1, 2]\n")
    with pytest.raises(ConfigError, match="speech.lines"):
        load_config(p)


def test_bad_speech_input_exits_2_with_one_line(bank, tmp_path):
    p = tmp_path / "kiosk.toml"
    p.write_text(f'bank = "{bank}"\n[speech]\nenabled = true\nlines = ["{"word " * 80}"]\nmax_chars = 50\n')
    proc = subprocess.run([sys.executable, "-m", "live", "--config", str(p), "--camera", "sim:walk", "--headless",
                           "--duration", "1", "--lockstep"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.strip().splitlines() if "error" in ln]
    assert len(lines) == 1 and "speech.lines[0]" in lines[0] and "limit is 50" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    p.write_text(f'bank = "{bank}"\n[speech]\nenabled = true\nwav_folder = "{tmp_path / "none"}"\n')
    proc = subprocess.run([sys.executable, "-m", "live", "--config", str(p), "--camera", "sim:walk", "--headless",
                           "--duration", "1", "--lockstep"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "wav_folder" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_greeting_while_the_viewers_face_drives_moves_the_puppets_mouth(bank, tmp_path):
    """The rig puppet drives the painting (a viewer holding still, mouth closed) when the portrait
    greets them: the puppet says the line with its own rig, so the painting's mouth opens."""
    import cv2

    from tests.puppet_video import Schedule, write_driver_video

    camera = write_driver_video(tmp_path / "still.mp4", Schedule(duration_s=9.0, yaw_deg=0.0, mouth=0.0))
    cfg = config(bank, tmp_path, **{"camera.source": str(camera), "drive.enabled": True, "output.record": ""})
    loop = build_loop(cfg, log=lambda m: None)
    speaker, rig = loop.speaker, loop.driver.rig
    assert speaker.rig is not None                    # measured at start-up, not on the first talking frame
    opening, frames = [], []
    render = loop.render

    def render_and_measure(t, dt):
        render(t, dt)
        x, y, w, h = loop.screen_bank.rect
        patch = loop.display.grab()[y:y + h, x:x + w]
        mx0, my0, mx1, my1 = rig.mouth.roi(rig.head.shape[1::-1])
        ox, oy = rig.source.offset
        mouth = patch[max(0, my0 - oy):my1 - oy, max(0, mx0 - ox):mx1 - ox].astype(np.float32)
        opening.append((t, float((mouth.mean(axis=2) < 60).mean())))     # share of dark mouth-inside pixels
        if len(frames) < 300:
            frames.append(patch)

    loop.render = render_and_measure
    try:
        loop.run_lockstep(8.0)
    finally:
        loop.close()
    assert speaker.greetings == 1
    t = np.array([a for a, _ in opening])
    dark = np.array([b for _, b in opening])
    talking = (t >= speaker.t0 + 0.2) & (t < speaker.t0 + speaker.clips[0].duration - 0.2)
    quiet = (t > 2.0) & (t < speaker.t0)
    assert talking.sum() > 10
    assert dark[talking].max() > 0.05 and dark[talking].mean() > 3 * max(dark[quiet].mean() if quiet.any() else 0.0, 0.005)
    k = [int(np.argmax(np.where(talking, dark, -1)))] + [int(i) for i in np.nonzero(talking)[0][::15][:4]]
    strip = np.concatenate([frames[i] for i in k if i < len(frames)], 1)
    cv2.imwrite(str(tmp_path / "puppet_speaks.png"), cv2.cvtColor(strip, cv2.COLOR_RGB2BGR))
    print(tmp_path / "puppet_speaks.png")
