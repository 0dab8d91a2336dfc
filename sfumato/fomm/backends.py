"""FOMM per-frame backends shared by the offline FOMM engine and live driving.

Each backend is prepared once with the painting's 256 px source, given a reference driving
frame, then drives one frame at a time::

    b = make_backend(checkpoint, config, mode="fast")
    b.prepare(source)            # (256, 256, 3) float32 in [0, 1]
    b.set_reference(frame0)      # (256, 256, 3) float32 in [0, 1]
    pred, deformation, occlusion = b.drive(frame, relative=True, adapt_scale=True)
    # (256, 256, 3) [0, 1], (64, 64, 2) grid_sample grid in [-1, 1], (64, 64) in (0, 1)

Modes (:mod:`sfumato.fomm.modes`): ``exact`` PyTorch; ``fast`` the same fp32 graphs on MNN
(CPU; ONNX Runtime when MNN is not installed or CUDA is there); ``int8`` ONNX Runtime with the
int8 generator. ONNX graphs (and their MNN conversions) are made from the checkpoint once and
cached in ``~/.cache/sfumato/fomm-onnx/<key>/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.fomm.errors import FommError
from sfumato.fomm.modes import DEFAULT_CHECKPOINT, MODES
from sfumato.imaging.painting import sha256_file

GRAPHS_VERSION = b"batch-v3"  # bump when the exported graphs change (v2: mixed-precision int8; v3: dynamic batch axis)

MNN_MISSING = ("FOMM fast mode: MNN is not installed, so it runs on ONNX Runtime (about 1.6x the official code "
               "instead of 2.5x); pip install -e '.[fomm-fast]' for the quicker CPU runtime")


def check_checkpoint(checkpoint: Path) -> None:
    """One-line error naming the file to put where when the checkpoint is missing."""
    if not Path(checkpoint).is_file():
        raise SfumatoError(
            f"FOMM checkpoint not found: {checkpoint}; download vox-cpk.pth.tar from the official First Order "
            f"Motion Model release and put it at {DEFAULT_CHECKPOINT} (see checkpoints/README.md), "
            "or pass --checkpoint FILE.")


def require_torch(what: str) -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        raise SfumatoError(f"{what} needs PyTorch to load the checkpoint: pip install -e '.[fomm]'") from None


def onnx_cache_dir(checkpoint_sha256: str, config: Optional[Path]) -> Path:
    """Where the ONNX graphs of this checkpoint + config are cached."""
    cfg = Path(config).read_bytes() if config else b"vox-256"
    key = hashlib.sha256(checkpoint_sha256.encode() + cfg + GRAPHS_VERSION).hexdigest()[:16]
    return Path.home() / ".cache" / "sfumato" / "fomm-onnx" / key


class TorchBackend:
    """FOMM on PyTorch (exact)."""

    def __init__(self, checkpoint: Path, config: Optional[Path], threads: int = 0) -> None:
        import torch

        from sfumato.fomm import load_fomm

        if threads:
            torch.set_num_threads(threads)
        self.model = load_fomm(checkpoint, config)
        self.provider = f"PyTorch {torch.__version__} CPU ({torch.get_num_threads()} threads)"
        self._cache = None
        self._kp_ref = None

    def prepare(self, source: np.ndarray) -> None:
        """source: (256, 256, 3) float32 in [0, 1]."""
        self._cache = self.model.prepare_source(source)

    def set_reference(self, frame: np.ndarray) -> None:
        """frame: (256, 256, 3) float32 in [0, 1], the driver's neutral face (motion is relative to it)."""
        from sfumato.fomm.model import to_tensor

        self._kp_ref = self.model.detect(to_tensor(frame))

    def drive(self, frame: np.ndarray, relative: bool, adapt_scale: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One driving frame ((256, 256, 3) float32 in [0, 1]) -> prediction (256, 256, 3) float32 in
        [0, 1], deformation (64, 64, 2) sampling grid in [-1, 1] (x first), occlusion (64, 64) in (0, 1)
        (:class:`sfumato.fomm.model.FrameResult`)."""
        r = self.model.drive(self._cache, frame, self._kp_ref, relative=relative, adapt_scale=adapt_scale)
        return r.prediction, r.deformation, r.occlusion


def export_graphs(model, out: Path, int8: bool) -> None:
    """Export the three fp32 graphs (and the int8 generator) of ``model`` (a loaded
    :class:`sfumato.fomm.model.FommModel`) into ``out``.

    They are written into a sibling folder ``<out>.tmp-<pid>`` and each finished file is then
    renamed into ``out``, so a run killed half-way leaves no cut-short graph in the cache (a file
    there is a whole one; a missing one is exported again next time).
    """
    from sfumato.fomm.calibration import default_faces
    from sfumato.fomm.onnx_export import GENERATOR_INT8_FILE, export_onnx, face_calibration_feeds, quantize_generator_int8

    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        paths = export_onnx(model, tmp)
        if int8:
            quantize_generator_int8(paths["motion_generator"], tmp / GENERATOR_INT8_FILE,
                                    face_calibration_feeds(model, default_faces()))
        out.mkdir(parents=True, exist_ok=True)
        for f in sorted(tmp.iterdir()):
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class OnnxBackend:
    """FOMM on an ONNX graph runtime: ``mode`` 'fast' (fp32) or 'int8'.

    'fast' runs on MNN (:mod:`sfumato.fomm.mnn_runtime`, ~1.7x quicker than ONNX Runtime on a
    CPU, same picture within float rounding) when the ``mnn`` wheel is installed and ONNX Runtime
    has no CUDA; otherwise on ONNX Runtime (CUDA when present), saying why in one line when MNN
    is missing. ``use_mnn=False`` keeps ONNX Runtime (the server: batched requests, GPU).
    """

    def __init__(self, checkpoint: Path, config: Optional[Path], mode: str = "fast", onnx_dir: Optional[Path] = None,
                 threads: int = 0, log: Callable[[str], None] = lambda msg: None, use_mnn: bool = True) -> None:
        import onnxruntime

        from sfumato.fomm.onnx_runtime import ENCODER_FILE, GENERATOR_FILES, KP_FILE, FommOnnxRuntime

        rt_mode = "int8" if mode == "int8" else "exact"
        d = Path(onnx_dir) if onnx_dir else onnx_cache_dir(sha256_file(checkpoint), config)
        if not all((d / f).is_file() for f in (KP_FILE, ENCODER_FILE, GENERATOR_FILES[rt_mode])):
            from sfumato.fomm import load_fomm

            model = load_fomm(checkpoint, config)   # a wrong checkpoint fails here: no "exporting" line, no folder
            log(f"exporting FOMM to ONNX{' + int8' if rt_mode == 'int8' else ''} in {d} (once per checkpoint)")
            export_graphs(model, d, int8=rt_mode == "int8")
        try:
            mnn = self._mnn_runtime(d, threads, log) if mode == "fast" and use_mnn else None
            self.rt = mnn if mnn is not None else FommOnnxRuntime(d, mode=rt_mode, num_threads=threads or None)
        except FommError as err:   # a graph there that does not load: cut short by an older sfumato, or damaged
            if "delete" in str(err):
                raise
            raise FommError(f"{err}; delete {d} and the graphs are exported again on the next run") from None
        if mnn is not None:
            self.provider = f"MNN {self.rt.version} fp32, CPU ({self.rt.threads} threads)"
        else:
            provs = sorted({p[0] for p in self.rt.providers.values()})
            self.provider = f"ONNX Runtime {onnxruntime.__version__} {rt_mode}, {'/'.join(provs)}"
        self._cache = None
        self._kp_ref = None
        self._scale: Optional[float] = None

    @staticmethod
    def _mnn_runtime(d: Path, threads: int, log: Callable[[str], None]):
        """FommMnnRuntime for the CPU fast mode, or None (CUDA is usable, or MNN is not installed)."""
        from sfumato.fomm.mnn_runtime import GRAPHS, FommMnnRuntime, convert_graphs, mnn_available, mnn_path
        from sfumato.fomm.onnx_runtime import KP_FILE, make_session

        if "CUDAExecutionProvider" in make_session(d / KP_FILE, None, 1).get_providers():
            return None  # a GPU: ONNX Runtime on CUDA beats any CPU runtime
        if not mnn_available():
            log(MNN_MISSING)
            return None
        if not all(mnn_path(d / name).is_file() for name in GRAPHS):
            log(f"converting the FOMM graphs to MNN in {d} (once per checkpoint)")
            convert_graphs(d)
        return FommMnnRuntime(d, num_threads=threads or None)

    def prepare(self, source: np.ndarray) -> None:
        """source: (256, 256, 3) float32 in [0, 1]."""
        self._cache = self.rt.prepare_source(source)

    def set_reference(self, frame: np.ndarray) -> None:
        """frame: (256, 256, 3) float32 in [0, 1], the driver's neutral face (motion is relative to it)."""
        from sfumato.fomm.motion_np import adapt_movement_scale

        self._kp_ref = self.rt.keypoints(frame)
        self._scale = float(adapt_movement_scale(self._cache.kp_value, self._kp_ref[0]))  # once per reference

    def drive(self, frame: np.ndarray, relative: bool, adapt_scale: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """As :meth:`TorchBackend.drive`: (256, 256, 3) float32 in [0, 1] in; prediction, deformation,
        occlusion out."""
        r = self.rt.drive(self._cache, frame, self._kp_ref, relative=relative, adapt_scale=adapt_scale,
                          scale=self._scale if adapt_scale else None)
        return r.prediction, r.deformation, r.occlusion


def make_backend(checkpoint: Path, config: Optional[Path], mode: str, onnx_dir: Optional[Path] = None,
                 threads: int = 0, log: Callable[[str], None] = lambda msg: None) -> TorchBackend | OnnxBackend:
    """The backend for ``mode`` (one of :data:`MODES`)."""
    if mode not in MODES:
        raise SfumatoError(f"unknown FOMM mode {mode!r}; choose one of {', '.join(MODES)}")
    check_checkpoint(checkpoint)
    require_torch("FOMM")
    if mode == "exact":
        return TorchBackend(checkpoint, config, threads)
    return OnnxBackend(checkpoint, config, mode, onnx_dir, threads, log)


__all__ = ["MODES", "DEFAULT_CHECKPOINT", "check_checkpoint", "onnx_cache_dir", "TorchBackend", "OnnxBackend", "make_backend"]
