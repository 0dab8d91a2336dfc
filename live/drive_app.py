"""Wiring for ``python -m live --drive``: checks, FOMM backends, the driver (the painting side: :mod:`live.drive_source`).

The FOMM backends (checkpoint check, modes of :mod:`sfumato.fomm.modes`, the ONNX export
cache) are the offline engine's, from :mod:`sfumato.fomm.backends`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from live.compositor import MasterBank
from live.config import DriveConfig, LiveConfig
from live.drive import DriveWorker
from live.drive_source import drive_source
from live.fallback import FallbackDriver
from sfumato.bank.format import Bank
from sfumato.errors import SfumatoError
from sfumato.fomm.backends import check_checkpoint, require_torch
from sfumato.fomm.backends import make_backend as fomm_backend
from sfumato.fomm.modes import MODES


def check_drive(cfg: DriveConfig) -> None:
    """Fail early (one line, exit 2) on a missing checkpoint/config, a bad mode, or no torch
    (with ``server``: on a malformed URL or no Triton client; the model files live on the server)."""
    if cfg.server:
        from live.remote import parse_server_url, require_tritonclient

        parse_server_url(cfg.server)
        require_tritonclient()
        return
    if cfg.mode not in MODES:
        raise SfumatoError(f"--fomm-mode {cfg.mode}: choose one of {', '.join(MODES)}")
    check_checkpoint(Path(cfg.checkpoint))
    if cfg.model_config and not Path(cfg.model_config).is_file():
        raise SfumatoError(f"FOMM config not found: {cfg.model_config}; pass an existing model_params YAML")
    require_torch("--drive")


def make_backend(cfg: DriveConfig, log: Callable[[str], None] = print):
    """The backend ``cfg.mode`` asks for, or the museum's FOMM server's (checks first)."""
    check_drive(cfg)
    if cfg.server:
        from live.remote import RemoteBackend

        return RemoteBackend(cfg.server, cfg.server_timeout_s, cfg.server_retry_s, log)
    ckpt, mcfg = Path(cfg.checkpoint), (Path(cfg.model_config) if cfg.model_config else None)
    return fomm_backend(ckpt, mcfg, cfg.mode,
                        Path(cfg.onnx_dir) if cfg.onnx_dir else None, cfg.threads or (os.cpu_count() or 1), log)


def make_driver(cfg: LiveConfig, bank: Bank, master: MasterBank,
                log: Callable[[str], None] = print) -> "DriveWorker | FallbackDriver":
    """Backend + painting side + worker (not started; ``sync`` in lockstep).

    With a FOMM server the worker is paired with the weightless rig, shown whenever the server
    cannot drive (:class:`live.fallback.FallbackDriver`).
    """
    backend = make_backend(cfg.drive, log)
    source = drive_source(bank, master)
    where = backend.provider if cfg.drive.server else f"{cfg.drive.mode} mode, {backend.provider}"
    log(f"driving the painting with FOMM ({where}); press R to re-capture the neutral reference")
    d = cfg.drive
    rig = None
    if cfg.drive.server:   # the rig first: an outage noticed at the first request already names it
        from live.puppet.app import make_puppet

        try:
            rig = make_puppet(cfg, bank, master, log=lambda msg: None)   # its intro line would say it drives
            backend.fallback_name = "the weightless rig"
        except SfumatoError as err:   # e.g. a head too small for FaceMesh at this display size
            log(f"no rig fall-back ({err}); the gaze-following bank is shown while the FOMM server cannot drive")
    worker = DriveWorker(backend, source, d.margin, d.relative, d.adapt_scale, sync=cfg.output.lockstep, log=log)
    if rig is None:
        return worker
    rig.log = log
    log("while the FOMM server cannot drive, the weightless rig (your face, no weights) moves the painting")
    return FallbackDriver(worker, rig, log)
