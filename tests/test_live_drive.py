"""Live driving (``python -m live --drive``): a PIPELINE test with the shared tiny random-weight
FOMM checkpoint (or the repo-only stand-in of tests/fomm_checkpoint.py) (its output is noise; only the plumbing is checked), on the simulated viewer,
headless."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"

import numpy as np
import pytest

pytest.importorskip("torch")
from tests.fomm_checkpoint import tiny_checkpoint  # noqa: E402

TINY, TINY_CFG = tiny_checkpoint()  # ../shared/fomm's tiny checkpoint, or the repo-only stand-in

from live.app import build_loop  # noqa: E402
from live.cli import main  # noqa: E402
from live.config import LiveConfig, set_option  # noqa: E402
from live.drive import DriveResult, DriveSource, DriveWorker  # noqa: E402
from sfumato.imaging.resize import square_around  # noqa: E402
from tests.fakebank import fake_bank  # noqa: E402

TINY_ARGS = ["--drive", "--checkpoint", str(TINY), "--fomm-config", str(TINY_CFG)]


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> str:
    return str(fake_bank(tmp_path_factory.mktemp("drivebank") / "astro", cols=5))


def _frames(path: Path) -> np.ndarray:
    import imageio.v2 as imageio

    return np.stack(imageio.mimread(str(path), memtest=False))


def test_cli_drive_recording_changes_only_the_crop(bank, tmp_path):
    out = tmp_path / "drive.mp4"
    rc = main([*TINY_ARGS, "--fomm-mode", "exact", "--bank", bank, "--camera", "sim:still", "--headless",
               "--duration", "3", "--record", str(out), "--size", "320x320"])
    assert rc == 0 and out.is_file()
    frames = _frames(out).astype(np.int16)
    assert len(frames) >= 60
    # fake bank: 512 px painting shown at 320 px; crop (150, 50, 150, 110) -> screen (94, 31, 94, 69)
    inside = (slice(31, 100), slice(94, 188))
    outside = np.ones(frames.shape[1:3], bool)
    outside[25:106, 88:194] = False                     # crop plus codec bleed margin
    first, later = frames[0], frames[len(frames) // 2:]
    assert np.abs(later[:, ~outside] - first[~outside]).mean() > 1.0, "the driven crop never appeared"
    diffs = [np.abs(a[inside] - b[inside]).mean() for a, b in zip(later[:-1], later[1:])]
    assert max(diffs) > 0.2, "the crop region does not change over time"
    assert np.abs(later[:, outside] - first[outside]).mean() < 1.5, "pixels outside the crop changed"
    # a frame to look at
    import cv2

    cv2.imwrite(str(tmp_path / "drive_last.png"), cv2.cvtColor(frames[-1].astype(np.uint8), cv2.COLOR_RGB2BGR))


def test_missing_checkpoint_is_one_line_exit_2(bank, tmp_path, capsys):
    rc = main(["--drive", "--checkpoint", str(tmp_path / "none.pth.tar"), "--bank", bank, "--camera", "sim",
               "--headless", "--duration", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert "none.pth.tar" in err[0] and "checkpoints/vox-cpk.pth.tar" in err[0] and "Traceback" not in err[0]


def _drive_cfg(bank: str, tmp_path: Path, **options) -> LiveConfig:
    cfg = LiveConfig(bank=bank)
    base = {"camera.source": "sim:still", "output.headless": True, "output.lockstep": True,
            "display.size": (320, 320), "display.fps": 30.0, "drive.enabled": True, "drive.engine": "fomm",
            "drive.checkpoint": str(TINY), "drive.model_config": str(TINY_CFG), "drive.mode": "exact"}
    for key, value in {**base, **options}.items():
        cfg = set_option(cfg, key, value)
    return cfg


def _still_frame(loop, t: float):
    from live.simulated import SimulatedViewer

    img = SimulatedViewer("still", 640, 480, seed=3).render(t)
    faces = loop.controller.tracker.detect(img)
    assert faces
    return img, faces[0].box


def test_key_r_recaptures_the_reference(bank, tmp_path):
    import pygame

    loop = build_loop(_drive_cfg(bank, tmp_path), log=lambda m: None)
    try:
        loop.run_lockstep(0.5)
        drv = loop.driver
        assert drv.stats.references == 1 and drv.stats.results > 0
        ref0 = drv.reference.copy()
        drv.submit(99, *_still_frame(loop, 0.6))
        assert drv.stats.references == 1                  # no R: the reference stays
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_r))
        assert loop.handle_events()                       # R goes display -> loop -> worker
        drv.submit(100, *_still_frame(loop, 1.7))
        assert drv.stats.references == 2 and drv.latest().seq == 100
        assert not np.array_equal(ref0, drv.reference)   # the viewer swayed and the sensor noise changed
    finally:
        loop.close()


class _SlowBackend:
    """Stands in for a slow model: 0.3 s per frame, identity motion."""

    provider = "slow test backend"

    def prepare(self, source):
        pass

    def set_reference(self, frame):
        pass

    def drive(self, frame, relative, adapt_scale):
        time.sleep(0.3)
        g = np.stack(np.meshgrid(np.linspace(-1, 1, 64), np.linspace(-1, 1, 64)), -1).astype(np.float32)
        return np.zeros((256, 256, 3), np.float32), g, np.ones((64, 64), np.float32)


def test_slow_model_never_blocks_the_display(bank, tmp_path):
    cfg = _drive_cfg(bank, tmp_path, **{"output.lockstep": False})
    loop = build_loop(cfg, log=lambda m: None)
    src = loop.driver.source
    loop.driver = DriveWorker(_SlowBackend(), src)
    try:
        loop.camera.start()
        loop.driver.start()
        stats = loop.run(2.0)
    finally:
        loop.close()
    driven = loop.driver.stats.results
    assert 1 <= driven <= 8                        # at most ~2 s / 0.3 s model calls
    assert stats.flips >= 30                       # the display kept ticking (30 fps for 2 s = 60)
    assert stats.flips > 4 * driven
    assert loop.driver.stats.dropped > 0           # newest frame wins: stale frames were skipped


def test_worker_newest_frame_wins_and_latest_does_not_wait():
    gate = threading.Event()

    class Gated(_SlowBackend):
        def drive(self, frame, relative, adapt_scale):
            gate.wait(5.0)
            return super().drive(frame, relative, adapt_scale)

    head = np.full((64, 64, 3), 128, np.uint8)
    src = DriveSource(head, head[:32, :32].copy(), np.ones((32, 32), np.float32), (8, 8))
    w = DriveWorker(Gated(), src)
    w.start()
    img = np.zeros((120, 160, 3), np.uint8)
    for seq in range(1, 6):
        w.submit(seq, img, (60.0, 40.0, 30.0, 30.0))
        time.sleep(0.02)
    t0 = time.perf_counter()
    assert w.latest() is None and time.perf_counter() - t0 < 0.05
    gate.set()
    deadline = time.time() + 5
    while (w.latest() is None or w.latest().seq != 5) and time.time() < deadline:
        time.sleep(0.02)
    w.stop()
    r = w.latest()
    assert isinstance(r, DriveResult) and r.seq == 5 and r.patch.shape == (32, 32, 3)
    assert w.stats.results == 2 and w.stats.dropped == 3   # frame 1, then straight to the newest (5)


def test_square_around_the_viewer_face():
    x, y, side = square_around((100.0, 50.0, 40.0, 60.0), 0.5)
    assert side == 120 and x == 60 and y == 20
    assert square_around((100.0, 50.0, 40.0, 60.0), 0.5, lift=0.1) == (60, 14, 120)   # FOMM calibration crops
    assert square_around((10.0, 10.0, 1.0, 2.0), 0.5)[2] == 8                          # never below min_side
