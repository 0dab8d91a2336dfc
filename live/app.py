"""Assemble and run the live loop from a :class:`LiveConfig` (the part of the CLI that is not argparse)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from live.camera import LockstepCamera, ThreadedCamera, check_source, make_source, resolve_auto, stderr_log
from live.compositor import MasterBank
from live.config import LiveConfig
from live.display import Display
from live.loop import LiveLoop
from sfumato.interrupts import Terminated

if TYPE_CHECKING:
    from live.drive import DriveWorker


def load_master(bank_path: str, max_size: tuple[int, int]) -> MasterBank:
    """Load and validate the bank, scale it for the screen, and drop the full-resolution pixels."""
    return open_bank(bank_path, max_size)[0]


def open_bank(bank_path: str, max_size: tuple[int, int], cfg: LiveConfig | None = None,
              log=stderr_log) -> tuple[MasterBank, "DriveWorker | None"]:
    """Load and validate the bank once, scale it for the screen and, when ``cfg`` asks for
    ``--drive``, build the FOMM driver from the same bank; then drop the full-resolution pixels."""
    from sfumato.bank.format import load_bank

    bank = load_bank(bank_path)
    master = MasterBank.from_bank(bank, max_size)
    driver = None
    if cfg is not None and cfg.drive.enabled:
        from live.drive_app import make_driver

        driver = make_driver(cfg, bank, master, log)
    del bank
    gc.collect()
    return master, driver


def build_loop(cfg: LiveConfig, log=stderr_log) -> LiveLoop:
    """Everything wired, nothing running yet (camera thread not started)."""
    display = Display(cfg.display.size, cfg.display.fullscreen, cfg.output.headless)
    try:
        master, driver = open_bank(cfg.bank, display.max_size, cfg, log)
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
        loop.driver = driver
        return loop
    except BaseException:
        display.close()
        raise


def run_app(cfg: LiveConfig) -> tuple[list[str], list[str]]:
    """Run until quit or the configured duration.

    Returns:
        (files written completely, one line per output that stopped during the run).
    """
    loop = build_loop(cfg)
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
    finally:
        written = loop.close()
    return written, loop.failures
