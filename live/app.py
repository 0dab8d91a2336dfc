"""Assemble and run the live loop from a :class:`LiveConfig` (the part of the CLI that is not argparse)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import numpy as np

from live.camera import LockstepCamera, ThreadedCamera, check_source, make_source, resolve_auto, stderr_log
from live.compositor import MasterBank
from live.config import LiveConfig
from live.display import Display
from live.loop import LiveLoop
from live.progress import Progress
from sfumato.interrupts import Terminated

if TYPE_CHECKING:
    from live.worker import FrameWorker


def load_master(bank_path: str, max_size: tuple[int, int]) -> MasterBank:
    """Load and validate the bank, scale it for the screen, and drop the full-resolution pixels."""
    return open_bank(bank_path, max_size)[0]


def open_bank(bank_path: str, max_size: tuple[int, int], cfg: LiveConfig | None = None,
              log=stderr_log) -> tuple[MasterBank, "FrameWorker | None", "np.ndarray | None"]:
    """Load and validate the bank once, scale it for the screen and, when ``cfg`` asks for
    ``--drive``, build the driver (the rig puppet, or FOMM) from the same bank; then drop the
    full-resolution pixels.

    Returns:
        (master bank, driver or None, the painting's (478, 3) face landmarks in the master
        painting's pixels when ``cfg`` has speech on, else None).
    """
    from sfumato.bank.format import load_bank

    bank = load_bank(bank_path)
    master = MasterBank.from_bank(bank, max_size)
    face = None
    if cfg is not None and cfg.speech.enabled and not cfg.speech.mute:
        from live.painting_face import scaled_landmarks

        face = scaled_landmarks(bank, master.painting, master.crop)
    driver = None
    if cfg is not None and cfg.drive.enabled and cfg.drive.engine == "fomm":
        from live.drive_app import make_driver

        driver = make_driver(cfg, bank, master, log)
    elif cfg is not None and cfg.drive.enabled:
        from live.puppet.app import make_puppet

        driver = make_puppet(cfg, bank, master, log)
    del bank
    gc.collect()
    return master, driver, face


def build_loop(cfg: LiveConfig, log=stderr_log) -> LiveLoop:
    """Everything wired, nothing running yet (camera thread not started)."""
    display = Display(cfg.display.size, cfg.display.fullscreen, cfg.output.headless)
    try:
        master, driver, face = open_bank(cfg.bank, display.max_size, cfg, log)
        c = cfg.camera
        spec = resolve_auto(c.source, log)
        source = make_source(spec, c.width, c.height, c.fps, c.loop_video, cfg.mapping.hfov_deg,
                             cfg.mapping.camera_offset_m, c.seed)
        check_source(source, c.source)   # a camera file that cannot be read is an error now, not a retry loop
        if cfg.output.lockstep:
            camera = LockstepCamera(source, c.fps, c.retry_s, log)
        else:
            camera = ThreadedCamera(source, c.fps, c.retry_s, log)
        loop = LiveLoop(cfg, master, camera, display, log=log)
        if cfg.output.headless:
            loop.progress = Progress(log, cfg.output.duration_s, master.labels, master.grid[0])
        loop.driver = driver
        if cfg.speech.enabled and not cfg.speech.mute:
            from live.speaker import make_speaker

            loop.set_speaker(make_speaker(cfg.speech, face, master.crop, log))
        return loop
    except BaseException:
        display.close()
        raise


class Interrupted(KeyboardInterrupt):
    """Ctrl-C: the run stopped early; ``written`` holds the files saved all the same,
    ``failures`` one line per output that stopped on a write error."""

    def __init__(self, written: list[str], failures: list[str] | None = None) -> None:
        super().__init__()
        self.written = written
        self.failures = failures or []


def describe(cfg: LiveConfig, loop: LiveLoop) -> str:
    """One line: what this run shows, to whom, where it records, and for how long."""
    out, m = cfg.output, loop.master
    rows, cols = m.grid
    parts = [f"showing {cfg.bank} ({len(m.labels)} frames, {rows}x{cols}) to the "
             f"{getattr(loop.camera.source, 'name', 'camera')}", "headless" if out.headless else "in a window"]
    if out.record:
        what = "the portrait and the viewer side by side" if loop.sidebyside is not None else "the screen"
        parts.append(f"recording {what} to {out.record}")
    if out.record_camera:
        parts.append(f"recording the camera to {out.record_camera}")
    stop = "Ctrl-C stops early and keeps the recording" if out.record else "Ctrl-C stops"
    parts.append(f"for {out.duration_s:g} s ({stop})" if out.duration_s else f"until Q/Esc or Ctrl-C")
    return "; ".join(parts)


def run_app(cfg: LiveConfig) -> tuple[list[str], list[str]]:
    """Run until quit, the configured duration or SIGTERM (a clean stop).

    Returns:
        (files written completely, one line per output that stopped during the run).

    Raises:
        Interrupted: on Ctrl-C, after closing everything (recordings are saved and listed).
    """
    loop = build_loop(cfg)
    loop.log(describe(cfg, loop))
    try:
        if cfg.output.lockstep:
            loop.run_lockstep(cfg.output.duration_s)
        else:
            loop.camera.start()
            if loop.driver is not None:
                loop.driver.start()
            loop.run(cfg.output.duration_s)
    except Terminated as stop:   # systemd stopping the unit: a normal end, outputs finished
        loop.log(f"stopped by {stop}")
    except KeyboardInterrupt:
        loop.log("interrupted; saving what was recorded")
        written = loop.close()
        raise Interrupted(written, loop.failures) from None
    except BaseException:
        loop.close()
        raise
    written = loop.close()
    return written, loop.failures
