"""The real FOMM Triton server as a child process, and simulated kiosks (tests and ``bench_server.py``).

:class:`ServerProcess` runs ``python -m sfumato.fomm.serve`` bound to 127.0.0.1 in its own
process group (so killing it takes Triton and its Python stubs too) and always stops it.
:func:`make_kiosk` is one kiosk: a real :class:`live.drive.DriveWorker` on a
:class:`live.remote.RemoteBackend`, driven by a real face (the astronaut) that moves a little.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, Optional

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FACE_BOX = (170.0, 40.0, 110.0, 140.0)   # astronaut (512 px) face box, x y w h


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(url: str, timeout: float = 0.5) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


class StallProxy:
    """A TCP proxy in front of the server that can hang like a stuck server: while stalled it
    accepts connections and requests but forwards nothing either way (bytes wait in the
    sockets), and on :meth:`resume` it carries on. The server process itself is never
    stopped, so a hang test cannot kill Triton (SIGSTOP of Triton's process group could leave
    it dead after SIGCONT on a loaded machine)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self._go = threading.Event()
        self._go.set()
        proxy = self

        class Pipe(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                try:
                    up = socket.create_connection(proxy.upstream, timeout=5)
                except OSError:
                    return
                ends = {self.request: up, up: self.request}
                try:
                    while True:
                        proxy._go.wait()
                        ready, _, _ = select.select(list(ends), [], [], 0.05)
                        for s in ready:
                            if not proxy._go.is_set():
                                break
                            data = s.recv(65536)
                            if not data:
                                return
                            ends[s].sendall(data)
                except OSError:
                    return
                finally:
                    up.close()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Pipe)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stall(self) -> None:
        """From now on nothing passes: requests are accepted, never answered."""
        self._go.clear()

    def resume(self) -> None:
        self._go.set()

    def close(self) -> None:
        self._go.set()
        self._server.shutdown()
        self._server.server_close()


class ServerProcess:
    """``python -m sfumato.fomm.serve --onnx-dir DIR`` on 127.0.0.1 (ports picked free unless given)."""

    def __init__(self, onnx_dir: Path, log_path: Path, http_port: int = 0, extra: tuple[str, ...] = ()) -> None:
        self.onnx_dir, self.log_path, self.extra = onnx_dir, log_path, extra
        self.http_port = http_port or free_port()
        self.grpc_port = free_port()
        self.proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, timeout_s: float = 150.0) -> "ServerProcess":
        """Start and wait until every model answers ready; RuntimeError with the log's tail if it died."""
        self._tmp = Path(tempfile.mkdtemp(prefix="sfw-"))
        cmd = [sys.executable, "-m", "sfumato.fomm.serve", "--onnx-dir", str(self.onnx_dir), "--host", "127.0.0.1",
               "--http-port", str(self.http_port), "--grpc-port", str(self.grpc_port), "--threads", "1",
               "--workspace", str(self._tmp / "ws"), *self.extra]   # short: AF_UNIX paths
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"FOMM server exited with {self.proc.returncode}: {self.log_tail()}")
            if all(http_ok(f"{self.url}/v2/models/{m}/ready") for m in ("fomm_source", "fomm_kp", "fomm_drive")):
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"FOMM server not ready after {timeout_s:.0f} s: {self.log_tail()}")

    def log_tail(self, n: int = 600) -> str:
        return self.log_path.read_text(errors="replace")[-n:] if self.log_path.is_file() else ""

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the server's whole process group (Triton and its stubs included)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group (a crash or a pulled plug), then reap."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)
            shutil.rmtree(self._tmp, ignore_errors=True)

    def stop(self) -> None:
        """SIGCONT + SIGTERM (clean Triton shutdown), SIGKILL after 30 s; never leaves a process behind."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGCONT)
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        try:   # stubs left in the group (if any) go too
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def export_tiny_onnx(folder: Path, dynamic_batch: bool = True) -> Path:
    """The tiny FOMM of :func:`tests.fomm_checkpoint.tiny_checkpoint` exported to ONNX in ``folder``/onnx."""
    from sfumato.fomm import load_fomm
    from sfumato.fomm.onnx_export import export_onnx
    from tests.fomm_checkpoint import tiny_checkpoint

    ckpt, cfg = tiny_checkpoint()
    out = folder / "onnx"
    export_onnx(load_fomm(ckpt, cfg), out, dynamic_batch=dynamic_batch)
    return out


def astronaut_bgr() -> np.ndarray:
    """(512, 512, 3) uint8 BGR: the camera frame of a simulated kiosk viewer."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut()[:, :, ::-1])


def kiosk_source(flip: bool = False):
    """The painting side of a kiosk: the astronaut's head (mirrored for a 'second painting')."""
    from live.drive import DriveSource

    head = np.ascontiguousarray(astronaut_bgr()[20:276, 100:356, ::-1])
    if flip:
        head = np.ascontiguousarray(head[:, ::-1])
    return DriveSource(head, head.copy(), np.ones(head.shape[:2], np.float32), (0, 0))


def make_kiosk(url: str, flip: bool = False, timeout_s: float = 1.0, retry_s: float = 0.3,
               log: Callable[[str], None] = print, rig: bool = False):
    """One simulated kiosk, started: a DriveWorker on a RemoteBackend (the bank is its fall-back),
    or with ``rig`` a :class:`live.fallback.FallbackDriver` pairing it with the weightless rig
    (a real PuppetWorker: FaceMesh on the camera frames, the rig rendering the kiosk's painting)."""
    from live.drive import DriveWorker
    from live.remote import RemoteBackend

    worker = DriveWorker(RemoteBackend(url, timeout_s, retry_s, log), kiosk_source(flip), log=log)
    if rig:
        from live.config import PuppetConfig
        from live.fallback import FallbackDriver
        from live.puppet.rig import HeadRig
        from live.puppet.worker import PuppetWorker

        worker = FallbackDriver(worker, PuppetWorker(HeadRig(kiosk_source(flip)), PuppetConfig(), log=log), log)
    worker.start()
    return worker


def viewer_frame(k: int) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Camera frame ``k``: the astronaut shifted a few pixels (head motion), with her face box."""
    img = astronaut_bgr()
    dx = int(round(6 * np.sin(k * 0.4)))
    return np.ascontiguousarray(np.roll(img, dx, axis=1)), (FACE_BOX[0] + dx, *FACE_BOX[1:])
