"""``python -m sfumato.fomm.serve`` / ``sfumato-fomm-server``: one FOMM inference server for many kiosks.

NVIDIA Triton Inference Server (the binary shipped in the ``nvidia-pytriton`` wheel, extra
``server``) serves the FOMM keypoint detector, source encoder and motion generator (ONNX
Runtime, CUDA when present else CPU) as the three models of :mod:`sfumato.fomm.serve_protocol`,
each behind Triton's dynamic batcher. Health: Triton's ``GET /v2/health/ready`` and
``/v2/health/live`` on the HTTP port. It binds to 127.0.0.1 unless ``--host`` says otherwise.

    python -m sfumato.fomm.serve --checkpoint checkpoints/vox-cpk.pth.tar --mode fast

Stops cleanly on SIGINT or SIGTERM (Triton and its Python stubs are stopped with it).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from sfumato.errors import SfumatoError
from sfumato.fomm.serve_protocol import DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT, DRIVE_MODEL, KEYPOINT_MODEL, SOURCE_MODEL
from sfumato.validate import OneLineParser

SERVER_MODES = ("fast", "int8")


@dataclass
class ServeConfig:
    """Server options. ports: 0 for metrics = no metrics endpoint. queue_delay_us: how long
    Triton's dynamic batcher waits to group requests of several kiosks."""

    checkpoint: str = "checkpoints/vox-cpk.pth.tar"
    model_config: str = ""
    mode: str = "fast"
    onnx_dir: str = ""
    host: str = "127.0.0.1"
    http_port: int = DEFAULT_HTTP_PORT
    grpc_port: int = DEFAULT_GRPC_PORT
    metrics_port: int = 0
    max_batch: int = 8
    queue_delay_us: int = 2000
    threads: int = 0
    max_sources: int = 64
    workspace: str = ""


def require_pytriton() -> None:
    try:
        import pytriton  # noqa: F401
    except ImportError:
        if sys.platform != "linux":
            raise SfumatoError("the FOMM server needs NVIDIA PyTriton, which runs on Linux only (x86-64, glibc >= 2.35); "
                               "run it on a Linux machine and point the kiosks at it") from None
        raise SfumatoError("the FOMM server needs NVIDIA PyTriton: pip install -e '.[server]'") from None


def load_runtime(cfg: ServeConfig, log: Callable[[str], None] = print):
    """The ONNX Runtime FOMM: graphs from ``onnx_dir`` when complete, else exported from the checkpoint."""
    from sfumato.fomm.onnx_runtime import ENCODER_FILE, GENERATOR_FILES, KP_FILE, FommOnnxRuntime

    if cfg.mode not in SERVER_MODES:
        raise SfumatoError(f"--mode {cfg.mode}: the server runs ONNX Runtime; choose one of {', '.join(SERVER_MODES)}")
    rt_mode = "int8" if cfg.mode == "int8" else "exact"
    files = (KP_FILE, ENCODER_FILE, GENERATOR_FILES[rt_mode])
    if cfg.onnx_dir and all((Path(cfg.onnx_dir) / f).is_file() for f in files):
        return FommOnnxRuntime(cfg.onnx_dir, mode=rt_mode, num_threads=cfg.threads or None)
    from sfumato.fomm.backends import OnnxBackend, check_checkpoint, require_torch

    check_checkpoint(Path(cfg.checkpoint))
    if cfg.model_config and not Path(cfg.model_config).is_file():
        raise SfumatoError(f"FOMM config not found: {cfg.model_config}; pass an existing model_params YAML")
    require_torch("exporting the FOMM graphs for the server")
    backend = OnnxBackend(Path(cfg.checkpoint), Path(cfg.model_config) if cfg.model_config else None, cfg.mode,
                          Path(cfg.onnx_dir) if cfg.onnx_dir else None, cfg.threads, log, use_mnn=False)
    return backend.rt


def _stub_library_path() -> None:
    """Triton's Python backend stub links ``libpython3.X.so``: point it at THIS interpreter's.

    Without it, on a machine whose system libpython differs from the running Python (pyenv,
    conda, a venv of another build), the stub mixes two Pythons and fails while loading the
    model (measured here: ``AttributeError: '_thread.RLock' object has no attribute
    '_recursion_count'`` from multiprocessing.resource_tracker).
    """
    libdir = sysconfig.get_config_var("LIBDIR")
    if libdir and sysconfig.get_config_var("Py_ENABLE_SHARED"):
        old = os.environ.get("LD_LIBRARY_PATH", "")
        if libdir not in old.split(":"):
            os.environ["LD_LIBRARY_PATH"] = f"{libdir}:{old}" if old else libdir


def _interrupt(signum, frame) -> None:
    """SIGTERM (systemd stop) -> the same clean shutdown as Ctrl+C."""
    raise KeyboardInterrupt


def bind_models(triton, service, cfg: ServeConfig) -> None:
    """Bind the three FOMM models (dynamic batching, up to ``max_batch`` requests per call)."""
    import numpy as np
    from pytriton.decorators import batch
    from pytriton.model_config import DynamicBatcher, ModelConfig, QueuePolicy, Tensor, TimeoutAction

    def config() -> ModelConfig:
        # kiosks send their timeout with each request: Triton rejects a request still queued past it,
        # so a server that was slow never works through a backlog of frames nobody waits for
        policy = QueuePolicy(timeout_action=TimeoutAction.REJECT, allow_timeout_override=True)
        return ModelConfig(max_batch_size=cfg.max_batch,
                           batcher=DynamicBatcher(max_queue_delay_microseconds=cfg.queue_delay_us,
                                                  default_queue_policy=policy))

    u8_image = dict(dtype=np.uint8, shape=(-1, -1, 3))
    key = Tensor(name="key", dtype=bytes, shape=(1,))
    kp_value, kp_jac = Tensor(name="kp_value", dtype=np.float32, shape=(-1, 2)), \
        Tensor(name="kp_jacobian", dtype=np.float32, shape=(-1, 2, 2))
    triton.bind(model_name=SOURCE_MODEL, infer_func=batch(service.source),
                inputs=[key, Tensor(name="source", **u8_image)],
                outputs=[kp_value, Tensor(name="computed", dtype=np.int32, shape=(1,))], config=config())
    triton.bind(model_name=KEYPOINT_MODEL, infer_func=batch(service.keypoints),
                inputs=[Tensor(name="image", **u8_image)], outputs=[kp_value, kp_jac], config=config())
    triton.bind(model_name=DRIVE_MODEL, infer_func=batch(service.drive),
                inputs=[key, Tensor(name="frame", **u8_image),
                        Tensor(name="kp_ref_value", dtype=np.float32, shape=(-1, 2)),
                        Tensor(name="kp_ref_jacobian", dtype=np.float32, shape=(-1, 2, 2)),
                        Tensor(name="options", dtype=np.int32, shape=(2,))],
                outputs=[Tensor(name="prediction", **u8_image),
                         Tensor(name="deformation", dtype=np.float32, shape=(-1, -1, 2)),
                         Tensor(name="occlusion", dtype=np.float32, shape=(-1, -1)),
                         Tensor(name="status", dtype=np.int32, shape=(1,)),
                         Tensor(name="batch", dtype=np.int32, shape=(1,))], config=config())


def serve(cfg: ServeConfig, log: Callable[[str], None] = print, ready: Optional[Callable[[], None]] = None) -> None:
    """Load FOMM, start Triton, serve until SIGINT/SIGTERM (blocks)."""
    require_pytriton()
    from sfumato.fomm.serve_models import FommService

    rt = load_runtime(cfg, log)
    service = FommService(rt, cfg.max_sources)
    _stub_library_path()
    from pytriton.triton import Triton, TritonConfig

    tcfg = TritonConfig(http_address=cfg.host, http_port=cfg.http_port, grpc_address=cfg.host,
                        grpc_port=cfg.grpc_port, allow_metrics=bool(cfg.metrics_port),
                        metrics_address=cfg.host if cfg.metrics_port else None,
                        metrics_port=cfg.metrics_port or None, log_verbose=0)
    signal.signal(signal.SIGTERM, _interrupt)
    with Triton(config=tcfg, workspace=cfg.workspace or None) as triton:
        try:
            bind_models(triton, service, cfg)
        except Exception as err:  # noqa: BLE001 - Triton's own error, with its log above
            first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
            raise SfumatoError(f"Triton could not load the FOMM models ({first}); its log is above") from err
        providers = sorted({p[0] for p in rt.providers.values()})
        log(f"FOMM server ready: Triton on http://{cfg.host}:{cfg.http_port} (gRPC {cfg.grpc_port}), "
            f"{cfg.mode} mode on {'/'.join(providers)}; health: GET /v2/health/ready")
        if ready is not None:
            ready()
        try:
            triton.serve()
        except KeyboardInterrupt:
            pass
    log("FOMM server stopped")


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="python -m sfumato.fomm.serve",
                      description="Serve FOMM to several kiosks from one (GPU) machine with NVIDIA Triton.")
    a = p.add_argument
    d = ServeConfig()
    a("--checkpoint", default=d.checkpoint, metavar="PTH", help="FOMM vox-256 checkpoint (exported to ONNX once)")
    a("--fomm-config", default="", metavar="YAML", help="FOMM model_params YAML (default: bundled vox-256)")
    a("--mode", choices=SERVER_MODES, default=d.mode, help="fast: ONNX Runtime fp32 (the server keeps ONNX Runtime: batches, CUDA); int8: int8 generator")
    a("--onnx-dir", default="", metavar="DIR", help="exported graphs (default: the per-checkpoint cache)")
    a("--host", default=d.host, help="address to bind (default 127.0.0.1; the kiosks' LAN address to serve them)")
    a("--http-port", type=int, default=d.http_port, help="HTTP port (health: /v2/health/ready)")
    a("--grpc-port", type=int, default=d.grpc_port, help="gRPC port")
    a("--metrics-port", type=int, default=0, help="Prometheus metrics port (0: off)")
    a("--max-batch", type=int, default=d.max_batch, help="most requests the dynamic batcher groups")
    a("--queue-delay-us", type=int, default=d.queue_delay_us, help="how long the batcher waits to group requests")
    a("--threads", type=int, default=0, help="ONNX Runtime threads (0: all cores)")
    a("--workspace", default="", metavar="DIR", help="Triton's model store folder, new and short (it holds AF_UNIX sockets; default: a temporary one)")
    return p


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = ServeConfig(args.checkpoint, args.fomm_config, args.mode, args.onnx_dir, args.host, args.http_port,
                      args.grpc_port, args.metrics_port, args.max_batch, args.queue_delay_us, args.threads,
                      workspace=args.workspace)
    try:
        for name in ("http_port", "grpc_port"):
            if not 1 <= getattr(cfg, name) <= 65535:
                raise SfumatoError(f"--{name.replace('_', '-')} {getattr(cfg, name)}: choose a port in 1..65535")
        if cfg.workspace and Path(cfg.workspace).exists():
            raise SfumatoError(f"--workspace {cfg.workspace} exists; Triton needs a new folder (it removes it at exit)")
        if cfg.max_batch < 1:
            raise SfumatoError(f"--max-batch {cfg.max_batch}: must be at least 1")
        serve(cfg, log=lambda msg: print(msg, flush=True))
    except SfumatoError as err:
        print(f"sfumato-fomm-server: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
