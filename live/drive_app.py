"""Wiring for ``python -m live --drive``: checks, FOMM backends (exact / fast) and the painting side.

Reuses the offline FOMM engine's pieces (:mod:`precompute.engines.fomm_engine`): its
checkpoint check (one line naming the file and where to put it), its PyTorch backend and its
ONNX cache folder rule (``~/.cache/sfumato/fomm-onnx/<sha256(checkpoint, config)[:16]>``).
Fast mode adds the int8 motion generator to that folder on first use
(:func:`precompute.fomm.onnx_export.quantize_generator_int8`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from live.compositor import MasterBank
from live.config import DriveConfig, LiveConfig
from live.drive import DriveSource, DriveWorker
from precompute.errors import SfumatoError
from precompute.imaging import pad_square_crop, resize_to

MODES = ("exact", "fast")
SIDE_ALPHA = 512   # resolution the blend mask is computed at before resizing to the head crop


def check_drive(cfg: DriveConfig) -> None:
    """Fail early (one line, exit 2) on a missing checkpoint/config, a bad mode, or no torch."""
    from precompute.engines.fomm_engine import _check_checkpoint

    if cfg.mode not in MODES:
        raise SfumatoError(f"--fomm-mode {cfg.mode}: choose one of {', '.join(MODES)}")
    _check_checkpoint(Path(cfg.checkpoint))
    if cfg.model_config and not Path(cfg.model_config).is_file():
        raise SfumatoError(f"FOMM config not found: {cfg.model_config}; pass an existing model_params YAML")
    try:
        import torch  # noqa: F401
    except ImportError:
        raise SfumatoError("--drive needs PyTorch to load the checkpoint: pip install -e '.[fomm]'") from None


def onnx_cache_dir(checkpoint: Path, config: Optional[Path]) -> Path:
    """The FOMM engine's ONNX cache folder for this checkpoint + config."""
    from precompute.painting import sha256_file

    cfg = config.read_bytes() if config else b"vox-256"
    key = hashlib.sha256(sha256_file(checkpoint).encode() + cfg).hexdigest()[:16]
    return Path.home() / ".cache" / "sfumato" / "fomm-onnx" / key


class TorchBackend:
    """Exact mode: the PyTorch model (the FOMM engine's backend)."""

    def __init__(self, checkpoint: Path, config: Optional[Path], threads: int = 0) -> None:
        import torch

        from precompute.engines.fomm_engine import _TorchBackend

        torch.set_num_threads(threads or os.cpu_count() or 1)
        self._b = _TorchBackend(checkpoint, config)
        self.provider = f"PyTorch {torch.__version__} CPU ({torch.get_num_threads()} threads)"

    def prepare(self, source: np.ndarray) -> None:
        self._b.prepare(source)

    def set_reference(self, frame: np.ndarray) -> None:
        self._b.set_reference(frame)

    def drive(self, frame: np.ndarray, relative: bool, adapt_scale: bool):
        return self._b.drive(frame, relative, adapt_scale)


class OnnxInt8Backend:
    """Fast mode: ONNX Runtime with the int8 motion generator (exported + quantised once, cached)."""

    def __init__(self, checkpoint: Path, config: Optional[Path], onnx_dir: Optional[Path] = None,
                 threads: int = 0, log: Callable[[str], None] = print) -> None:
        from precompute.fomm.onnx_export import GENERATOR_INT8_FILE
        from precompute.fomm.onnx_runtime import ENCODER_FILE, KP_FILE, FommOnnxRuntime

        d = onnx_dir or onnx_cache_dir(checkpoint, config)
        if not all((d / f).is_file() for f in (KP_FILE, ENCODER_FILE, GENERATOR_INT8_FILE)):
            log(f"fast mode: exporting FOMM to ONNX + int8 in {d} (once per checkpoint)")
            export_int8(checkpoint, config, d)
        self.rt = FommOnnxRuntime(d, mode="int8", num_threads=threads or None)
        provs = sorted({p[0] for p in self.rt.providers.values()})
        import onnxruntime

        self.provider = f"ONNX Runtime {onnxruntime.__version__} int8, {'/'.join(provs)}"
        self._cache = None
        self._ref = None
        self._scale: Optional[float] = None

    def prepare(self, source: np.ndarray) -> None:
        self._cache = self.rt.prepare_source(source)

    def set_reference(self, frame: np.ndarray) -> None:
        from precompute.fomm.motion_np import adapt_movement_scale

        self._ref = self.rt.keypoints(frame)
        self._scale = float(adapt_movement_scale(self._cache.kp_value, self._ref[0]))  # once per reference

    def drive(self, frame: np.ndarray, relative: bool, adapt_scale: bool):
        r = self.rt.drive(self._cache, frame, self._ref, relative=relative, adapt_scale=adapt_scale,
                          scale=self._scale if adapt_scale else None)
        return r.prediction, r.deformation, r.occlusion


def export_int8(checkpoint: Path, config: Optional[Path], out: Path) -> None:
    """Export the three graphs and the int8 generator into ``out`` (synthetic calibration frames)."""
    from precompute.fomm import load_fomm
    from precompute.fomm.onnx_export import (GENERATOR_INT8_FILE, _calibration_images, calibration_feeds,
                                             export_onnx, quantize_generator_int8)

    out.mkdir(parents=True, exist_ok=True)
    model = load_fomm(checkpoint, config)
    paths = export_onnx(model, out)
    src, frames = _calibration_images(None)
    quantize_generator_int8(paths["motion_generator"], out / GENERATOR_INT8_FILE, calibration_feeds(model, src, frames))


def make_backend(cfg: DriveConfig, log: Callable[[str], None] = print):
    """The backend ``cfg.mode`` asks for (checks first)."""
    check_drive(cfg)
    ckpt, mcfg = Path(cfg.checkpoint), (Path(cfg.model_config) if cfg.model_config else None)
    if cfg.mode == "exact":
        return TorchBackend(ckpt, mcfg, cfg.threads)
    return OnnxInt8Backend(ckpt, mcfg, Path(cfg.onnx_dir) if cfg.onnx_dir else None, cfg.threads, log)


def drive_source(bank_path: str, master: MasterBank) -> DriveSource:
    """The painting's head crop, base and blend mask at the master (display) scale.

    The head region is the manifest's ``square_box`` [x, y, side] (the build's head crop,
    possibly past the painting's edge) or, for banks without one, the crop rectangle itself.
    The blend mask is the bank's own (``blend`` in the manifest; 'ellipse' falls back to the
    square mask, which needs no face outline).
    """
    from precompute.bank import load_bank
    from precompute.blend import BlendParams, alpha_mask

    bank = load_bank(bank_path, verify=False)
    full = bank.painting
    ph, pw = full.shape[:2]
    mh, mw = master.painting.shape[:2]
    sx, sy = mw / pw, mh / ph
    sq = bank.manifest.get("square_box")
    if sq:
        hx, hy, hw, hh = int(sq[0]), int(sq[1]), int(sq[2]), int(sq[2])
        head_full = pad_square_crop(full, hx, hy, hw)
    else:
        hx, hy, hw, hh = bank.crop
        head_full = full[hy:hy + hh, hx:hx + hw]
    x0, y0 = int(round(hx * sx)), int(round(hy * sy))
    w_s, h_s = max(1, int(round((hx + hw) * sx)) - x0), max(1, int(round((hy + hh) * sy)) - y0)
    head = resize_to(head_full, w_s, h_s) if (w_s, h_s) != head_full.shape[1::-1] else head_full.copy()
    bp = bank.manifest.get("blend") or {}
    known = {k: v for k, v in bp.items() if k in BlendParams.__dataclass_fields__}
    params = BlendParams(**{**known, "shape": "square"})
    alpha_head = resize_to(alpha_mask(params, SIDE_ALPHA), w_s, h_s)
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


def make_driver(cfg: LiveConfig, master: MasterBank, log: Callable[[str], None] = print) -> DriveWorker:
    """Backend + painting side + worker (not started; ``sync`` in lockstep)."""
    backend = make_backend(cfg.drive, log)
    source = drive_source(cfg.bank, master)
    log(f"driving the painting with FOMM ({cfg.drive.mode} mode, {backend.provider}); press R to re-capture "
        "the neutral reference")
    d = cfg.drive
    return DriveWorker(backend, source, d.margin, d.relative, d.adapt_scale, sync=cfg.output.lockstep, log=log)
