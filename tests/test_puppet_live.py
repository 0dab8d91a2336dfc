"""``python -m live --drive`` with no weights, end to end: a real-face driver video (the astronaut,
turned and talking by a known schedule) as the camera, real BlazeFace + FaceMesh, the rig rendering
the painting, a headless recording measured from outside with FaceMesh."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"

import cv2
import numpy as np
import pytest

from live.cli import main
from tests.puppet_video import FPS, Schedule, best_lag, face_measures, read_video, write_driver_video

ROOT = Path(__file__).resolve().parents[1]
SCREEN = (960, 540)
PAINTING = (210, 0, 540, 540)   # the 512 px astronaut painting letterboxed on the 960x540 screen
NATIVE_LOG = re.compile(r"^[IWEF]\d{4} ")   # absl / glog's line prefix: W0000 00:00:... file.cc:186] ...


@pytest.fixture(scope="module")
def bank(tmp_path_factory, astronaut_png) -> str:
    from precompute.cli import main as precompute

    out = tmp_path_factory.mktemp("puppetbank") / "astro"
    assert precompute([str(astronaut_png), "--out", str(out), "--frames", "3", "--quiet"]) == 0
    return str(out)


@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Path:
    return write_driver_video(tmp_path_factory.mktemp("driver") / "driver.mp4", Schedule(duration_s=8.0))


def _run(bank: str, camera: str, out: Path, seconds: float, *extra: str) -> int:
    return main(["--bank", bank, "--drive", "--camera", camera, "--headless", "--lockstep", "--duration",
                 str(seconds), "--record", str(out), "--size", f"{SCREEN[0]}x{SCREEN[1]}", "--fps", "30", *extra])


def test_the_viewers_face_drives_the_painting(bank, driver, tmp_path):
    out = tmp_path / "puppet.mp4"
    assert _run(bank, str(driver), out, 8.0) == 0
    drv, rec = read_video(driver), read_video(out)
    n = min(len(drv), len(rec))
    assert n >= 230
    md, mo = face_measures(drv[:n]), face_measures(rec[:n], PAINTING)
    assert np.isfinite(mo[:, 0]).mean() > 0.95
    # the painting moves like a mirror of the viewer (mapping.mirror, an ordinary webcam)
    yaw_lag, yaw_r = best_lag(-md[:, 0], mo[:, 0], 10)
    mouth_lag, mouth_r = best_lag(md[:, 1], mo[:, 1], 10)
    print(f"yaw r={yaw_r:.3f} lag={yaw_lag} frames, mouth r={mouth_r:.3f} lag={mouth_lag} frames")
    assert yaw_r >= 0.6 and mouth_r >= 0.5
    assert 0 <= yaw_lag * 1000 / FPS <= 150            # lockstep: the smoothing's delay alone
    # only the head region changes: the rest of the screen is drawn once
    from live.app import load_master
    from live.compositor import ScreenBank

    x, y, w, h = ScreenBank(load_master(bank, SCREEN), SCREEN, (0, 0, 0)).rect
    first, later = rec[0].astype(np.int16), rec[n // 2:].astype(np.int16)
    change = np.abs(later - first).mean(axis=(0, 3))
    outside = np.ones(change.shape, bool)
    outside[max(0, y - 8):y + h + 8, max(0, x - 8):x + w + 8] = False     # the crop plus codec bleed
    assert change[y:y + h, x:x + w].max() > 20                  # the head moved ...
    assert np.percentile(change[outside], 99.5) < 3.0 and change[outside].mean() < 0.5   # ... nothing else (codec noise only)
    # a picture to look at: driver above, painting below, at the schedule's extremes
    rows = []
    for i in (20, 72, 96, 120, 170):
        a = cv2.resize(drv[i][20:240, 250:430], (180, 220))
        b = cv2.resize(rec[i][15:285, 345:615], (180, 220))
        rows.append(np.concatenate([a, b], 0))
    cv2.imwrite(str(tmp_path / "driver_vs_painting.png"), cv2.cvtColor(np.concatenate(rows, 1), cv2.COLOR_RGB2BGR))


def test_no_face_eases_back_to_rest_without_a_snap(bank, driver, tmp_path):
    from live.app import build_loop
    from live.cli import build_parser, make_config

    cfg = make_config(build_parser().parse_args(
        ["--bank", bank, "--drive", "--camera", str(driver), "--headless", "--lockstep", "--duration", "5",
         "--size", "640x360", "--fps", "30"]))
    loop = build_loop(cfg, log=lambda m: None)
    try:
        loop.run_lockstep(2.4)                            # neutral captured, the head turned and the mouth open
        w = loop.driver
        held = w.controls.vector()
        assert abs(held[0]) > 3.0
        blank = np.full((480, 640, 3), 90, np.uint8)
        trail = []
        for k in range(75):                               # the viewer is gone for 2.5 s
            w.submit(1000 + k, blank, None, 2.4 + (k + 1) / 30)
            trail.append(w.controls.vector())
    finally:
        loop.close()
    v = np.array([held] + trail)
    assert np.abs(v[-1]).max() < 0.05
    assert np.abs(np.diff(v[:, 0])).max() < 0.15 * abs(held[0]) + 0.2
    assert np.array_equal(w.latest().patch.shape, loop.driver.rig.source.base.shape)


def test_camera_that_stops_delivering_frames_eases_the_painting_back_to_rest(bank, driver):
    """The camera stalls mid-expression (no frames at all, not just no face): the loop gives the
    puppet empty frames, and the screen returns to the painting at rest, smoothly."""
    from live.app import build_loop
    from live.cli import build_parser, make_config
    from live.puppet.retarget import Controls
    from sfumato.imaging.resize import resize_to

    cfg = make_config(build_parser().parse_args(
        ["--bank", bank, "--drive", "--camera", str(driver), "--headless", "--lockstep", "--duration", "6",
         "--size", "640x360", "--fps", "30"]))
    loop = build_loop(cfg, log=lambda m: None)
    read, trail = loop.camera.frame_at, []
    loop.camera.frame_at = lambda t: read(t) if t < 2.4 else None     # the camera stalls at 2.4 s
    render = loop.render

    def render_and_log(t, dt):
        render(t, dt)
        trail.append((t, loop.driver.controls.vector()))

    loop.render = render_and_log
    try:
        loop.run_lockstep(6.0)
        x, y, w, h = loop.screen_bank.rect
        shown = loop.display.grab()[y:y + h, x:x + w].astype(np.int16)
        rest = resize_to(loop.driver.rig.render(Controls()), w, h).astype(np.int16)
    finally:
        loop.close()
    t = np.array([a for a, _ in trail])
    v = np.array([b for _, b in trail])
    stall = np.searchsorted(t, 2.4) - 1
    held = v[stall]
    assert abs(held[0]) > 3.0                                    # the head was turned when the camera stalled
    assert np.abs(v[-1]).max() < 0.05                            # ... and is back at rest
    assert np.abs(np.diff(v[stall:, 0])).max() < 0.1 * abs(held[0])    # no snap on the way
    assert np.abs(shown - rest).mean() < 1.0                     # the screen shows the painting at rest


def test_the_followed_viewer_drives_when_two_faces_are_seen():
    """With two faces in the frame, FaceMesh measures only the face in the box the live controller
    chose (its sticky viewer choice): the neutral astronaut on the left, a talking one on the right."""
    from live.config import PuppetConfig
    from live.puppet.retarget import Controls
    from live.puppet.worker import PuppetWorker
    from live.tracker import FaceTracker
    from tests.puppet_video import astronaut_rig

    img, box, rig = astronaut_rig()
    talking = img.copy()
    head = rig.render_head(Controls(mouth_open=1.0))
    y0, x0 = max(0, box.y), max(0, box.x)
    part = head[y0 - box.y:, x0 - box.x:][: img.shape[0] - y0, : img.shape[1] - x0]
    talking[y0:y0 + part.shape[0], x0:x0 + part.shape[1]] = part
    frame = np.full((480, 640, 3), 96, np.uint8)
    frame[80:400] = cv2.cvtColor(np.concatenate([img[0:320, 80:400], talking[0:320, 80:400]], 1), cv2.COLOR_RGB2BGR)
    faces = sorted(FaceTracker().detect(frame), key=lambda f: f.center[0])
    assert len(faces) == 2
    gaps = []
    for face in faces:
        w = PuppetWorker(rig, PuppetConfig(), sync=True)
        try:
            lm = w.landmarks(frame, face.box)
        finally:
            w.stop()
        assert lm is not None
        assert face.box[0] <= lm[1, 0] <= face.box[0] + face.box[2]     # the nose tip inside the chosen box
        gaps.append(np.linalg.norm(lm[13, :2] - lm[14, :2]) / np.linalg.norm(lm[33, :2] - lm[263, :2]))
    assert gaps[1] > gaps[0] + 0.05, gaps


def test_drive_with_no_checkpoint_never_imports_torch(bank, driver):
    code = ("import sys; from live.cli import main; "
            f"rc = main(['--bank', {bank!r}, '--drive', '--camera', {str(driver)!r}, '--headless', '--lockstep', "
            "'--duration', '0.5', '--size', '320x240']); print('torch' in sys.modules, rc)")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"})
    assert res.stdout.strip().splitlines()[-1] == "False 0", res.stderr[-2000:]


def test_fomm_engine_still_needs_its_checkpoint(bank, capsys):
    rc = main(["--bank", bank, "--drive", "--engine", "fomm", "--checkpoint", "missing.pth.tar", "--camera", "sim",
               "--headless", "--duration", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "missing.pth.tar" in err[0]


def test_unknown_puppet_layer_is_one_line_exit_2(bank, tmp_path, capsys):
    cfg = tmp_path / "p.toml"
    cfg.write_text('[puppet]\nlayers = "head,nose"\n')
    rc = main(["--config", str(cfg), "--bank", bank, "--drive", "--camera", "sim", "--headless", "--duration", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "puppet.layers" in err[0] and "nose" in err[0]


def test_the_readmes_drive_and_record_command_prints_no_traceback(bank, driver, tmp_path):
    """README "Weightless driving": `--drive --camera clip.mp4 --headless --duration 12 --record out/puppet.mp4`
    (shorter here). ffmpeg used to be forked, with a ``preexec_fn``, from the recorder's thread while the
    puppet's FaceMesh ran: each run printed "Exception ignored in: <function _after_fork ...> Traceback".
    And no MediaPipe native log line: the puppet's first face printed ``W0000 ... landmark_projection_calculator.cc:186]
    Using NORM_RECT without IMAGE_DIMENSIONS ...`` (logged once per process when FaceMesh first finds a face)."""
    cmd = [sys.executable, "-m", "live", "--bank", bank, "--drive", "--camera", str(driver), "--headless",
           "--duration", "3", "--record", "out/puppet.mp4"]
    res = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
                              "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stderr[-2000:]
    assert (tmp_path / "out" / "puppet.mp4").stat().st_size > 0
    assert "Traceback" not in res.stderr and "Exception ignored" not in res.stderr, res.stderr[-2000:]
    native = [line for line in res.stderr.splitlines() if NATIVE_LOG.match(line)]
    assert not native, native
