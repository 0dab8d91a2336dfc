"""Wiring for ``python -m live --drive``: checks, FOMM backends and the painting side.

The FOMM backends (checkpoint check, modes of :mod:`sfumato.fomm.modes`, the ONNX export
cache) are the offline engine's, from :mod:`sfumato.fomm.backends`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import numpy as np

from live.compositor import MasterBank
from live.config import DriveConfig, LiveConfig
from live.drive import DriveSource, DriveWorker
from live.fallback import FallbackDriver
from sfumato.bank.format import Bank
from sfumato.errors import SfumatoError
from sfumato.fomm.backends import check_checkpoint, require_torch
from sfumato.fomm.backends import make_backend as fomm_backend
from sfumato.fomm.modes import MODES
from sfumato.imaging.resize import pad_square_crop, resize_to

SIDE_ALPHA = 512   # resolution the blend mask is computed at before resizing to the head crop


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


def drive_source(bank: Bank, master: MasterBank) -> DriveSource:
    """The painting's head crop, base and blend mask at the master (display) scale.

    The head region is the bank's :attr:`~sfumato.bank.format.Bank.head_box` (the build's
    head square, possibly past the painting's edge); the blend mask is the bank's own
    (:meth:`~sfumato.bank.format.Bank.head_alpha`: square or ellipse, with its parameters).

    Args:
        bank: the loaded bank (full resolution; only its painting, head box and blend are read).
        master: the same bank scaled for the screen.
    """
    full = bank.painting
    ph, pw = full.shape[:2]
    mh, mw = master.painting.shape[:2]
    sx, sy = mw / pw, mh / ph
    hx, hy, hw, hh = bank.head_box
    head_full = pad_square_crop(full, hx, hy, hw) if bank.square_box else full[hy:hy + hh, hx:hx + hw]
    x0, y0 = int(round(hx * sx)), int(round(hy * sy))
    w_s, h_s = max(1, int(round((hx + hw) * sx)) - x0), max(1, int(round((hy + hh) * sy)) - y0)
    head = resize_to(head_full, w_s, h_s) if (w_s, h_s) != head_full.shape[1::-1] else head_full.copy()
    alpha_head = resize_to(bank.head_alpha(SIDE_ALPHA), w_s, h_s)
    cx, cy, cw, ch = master.crop
    ox, oy = cx - x0, cy - y0
    alpha = _slice_padded(alpha_head[..., None], ox, oy, cw, ch)[..., 0].astype(np.float32)
    base = np.ascontiguousarray(master.painting[cy:cy + ch, cx:cx + cw])
    return DriveSource(head, base, np.clip(alpha, 0.0, 1.0), (ox, oy))


def _slice_padded(img: np.ndarray, x: int, y: int, w: int, h: int) -> np.ndarray:
    """(h, w, C) window at (x, y) of ``img``, edge-replicated where it leaves the image."""
    import cv2

    H, W = img.shape[:2]
    p = max(-x, -y, x + w - W, y + h - H, 0)
    if p:
        img = cv2.copyMakeBorder(img, p, p, p, p, cv2.BORDER_REPLICATE)
        if img.ndim == 2:
            img = img[..., None]
    return img[y + p:y + p + h, x + p:x + p + w]


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
    worker = DriveWorker(backend, source, d.margin, d.relative, d.adapt_scale, sync=cfg.output.lockstep, log=log)
    if not cfg.drive.server:
        return worker
    from live.puppet.app import make_puppet

    try:
        rig = make_puppet(cfg, bank, master, log=lambda msg: None)   # its intro line would say it drives
    except SfumatoError as err:   # e.g. a head too small for FaceMesh at this display size
        log(f"no rig fall-back ({err}); the gaze-following bank is shown while the FOMM server cannot drive")
        return worker
    rig.log = log
    log("while the FOMM server cannot drive, the weightless rig (your face, no weights) moves the painting")
    return FallbackDriver(worker, rig, log)
