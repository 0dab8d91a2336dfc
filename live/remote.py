"""Kiosk side of the shared FOMM server (``python -m live --drive --server URL``).

:class:`RemoteBackend` is a :class:`live.drive.Backend` whose model runs on the museum's FOMM
server (NVIDIA Triton, :mod:`sfumato.fomm.serve`), spoken to with Triton's own HTTP client
(``tritonclient``). Per driven frame it sends only the 256 px face crop (uint8 RGB) with the
painting's key and the reference keypoints; the painting itself is sent once per connection
and encoded once on the server (keyed by its sha256, :func:`sfumato.fomm.serve_protocol.source_key`).

Every request has a timeout. A refused connection, a timeout, an error answer or a reply of
the wrong form makes the backend **offline**: :meth:`RemoteBackend.drive` raises
:class:`live.drive.BackendOffline` at once (from the next display frame the kiosk shows the
weightless rig, :mod:`live.fallback`, or without one the gaze-following bank), one line says
so, and a background thread retries every
``retry_s`` until the server answers a full round (painting, reference, one driven frame)
correctly; then one line says it is back and driving resumes.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional
from urllib.parse import urlparse

import numpy as np

from live.drive import BackendOffline
from sfumato.errors import SfumatoError
from sfumato.fomm.serve_protocol import (DRIVE_MODEL, KEYPOINT_MODEL, SOURCE_MODEL, STATUS_OK, STATUS_UNKNOWN_SOURCE,
                                         source_key, to_u8)


class ReplyError(Exception):
    """The server answered something that is not a valid reply."""


def parse_server_url(url: str) -> str:
    """``http://HOST:PORT`` -> ``HOST:PORT`` (Triton's HTTP endpoint); anything else is a one-line error."""
    parsed = urlparse(url if "://" in url else f"http://{url}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme != "http" or not parsed.hostname or port is None or parsed.path not in ("", "/"):
        raise SfumatoError(f"--server {url}: expected the FOMM server's Triton HTTP address, http://HOST:PORT "
                           "(e.g. http://127.0.0.1:8000)")
    return f"{parsed.hostname}:{port}"


def require_tritonclient() -> None:
    try:
        import tritonclient.http  # noqa: F401
    except ImportError:
        raise SfumatoError("--server needs Triton's client: pip install -e '.[server]'") from None


def _check(name: str, arr: Optional[np.ndarray], shape: tuple, dtype) -> np.ndarray:
    """Reply tensor ``name`` must exist with ``shape`` (-1: any) and ``dtype``, finite if float."""
    if arr is None:
        raise ReplyError(f"reply has no '{name}'")
    if arr.dtype != np.dtype(dtype) or arr.ndim != len(shape) or any(s not in (-1, a) for s, a in zip(shape, arr.shape)):
        raise ReplyError(f"reply '{name}' is {arr.dtype}{arr.shape}, expected {np.dtype(dtype)}{shape}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ReplyError(f"reply '{name}' has NaN/inf values")
    return arr


class RemoteBackend:
    """FOMM on the museum's Triton server, with timeouts, fall-back and background reconnection.

    Args:
        url: ``http://HOST:PORT`` of the server (Triton's HTTP port).
        timeout_s: connect and reply timeout of every request.
        retry_s: seconds between reconnection attempts while offline.
        log: where the two status lines go (offline / back).
    """

    def __init__(self, url: str, timeout_s: float = 0.5, retry_s: float = 1.0,
                 log: Callable[[str], None] = print) -> None:
        require_tritonclient()
        self.url, self.host = url, parse_server_url(url)
        self.timeout_s, self.retry_s, self.log = timeout_s, retry_s, log
        self.provider = f"FOMM server {url} (NVIDIA Triton)"
        self.fallback_name = "the gaze-following bank"   # what the display shows while offline (the offline line says it)
        self.online = False
        self.went_offline_t: Optional[float] = None   # perf_counter of the last fall-back
        self.outages = 0
        self.last_batch = 0          # how many kiosks' requests the server's dynamic batcher ran together last time
        self.encoded_on_server = False  # did the last painting upload make the server compute its encoding
        self._tls = threading.local()   # one HTTP client per thread (tritonclient.http is gevent-based)
        self._generation = 0            # bumped on every fall-back: clients of older connections are dropped
        self._source: Optional[np.ndarray] = None      # (256, 256, 3) uint8
        self._key = b""
        self._kp_source: Optional[np.ndarray] = None    # (K, 2) from the server
        self._ref: Optional[np.ndarray] = None          # (256, 256, 3) uint8 reference crop
        self._kp_ref: Optional[tuple[np.ndarray, np.ndarray]] = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reconnector: Optional[threading.Thread] = None
        self._clients: dict[int, tuple[threading.Thread, object]] = {}   # thread id -> (thread, its open client)
        self.clients_opened = 0

    # --- requests -------------------------------------------------------------------------
    def _client(self):
        """This thread's client for the current connection (a gevent client must stay in its thread)."""
        import tritonclient.http as httpclient

        tls = self._tls
        if getattr(tls, "client", None) is None or tls.generation != self._generation:
            self._close_own_client()
            tls.client = httpclient.InferenceServerClient(self.host, connection_timeout=self.timeout_s,
                                                          network_timeout=self.timeout_s)
            tls.generation = self._generation
            with self._lock:
                self._clients[threading.get_ident()] = (threading.current_thread(), tls.client)
                self.clients_opened += 1
        return tls.client

    def _close_own_client(self) -> None:
        """Close the calling thread's client (if it has one)."""
        client = getattr(self._tls, "client", None)
        if client is None:
            return
        self._tls.client = None
        with self._lock:
            self._clients.pop(threading.get_ident(), None)
        client.close()

    @property
    def open_clients(self) -> int:
        """How many HTTP clients (one per thread that sent requests) are still open."""
        with self._lock:
            return sum(not getattr(c, "_closed", False) for _, c in self._clients.values())

    def _infer(self, client, model: str, inputs: dict[str, np.ndarray], outputs: tuple[str, ...]) -> dict:
        import tritonclient.http as httpclient

        tensors = []
        for name, arr in inputs.items():
            t = httpclient.InferInput(name, list(arr.shape), "BYTES" if arr.dtype == object else
                                      {np.uint8: "UINT8", np.float32: "FP32", np.int32: "INT32"}[arr.dtype.type])
            t.set_data_from_numpy(arr, binary_data=True)
            tensors.append(t)
        # timeout: Triton's queue drops the request once the kiosk stopped waiting (no backlog of old frames)
        res = client.infer(model, tensors, timeout=int(self.timeout_s * 1e6), outputs=[httpclient.InferRequestedOutput(n, binary_data=True)
                                                    for n in outputs])
        return {n: res.as_numpy(n) for n in outputs}

    def _send_source(self, client) -> None:
        out = self._infer(client, SOURCE_MODEL, {"key": np.array([[self._key]], dtype=object),
                                                 "source": self._source[None]}, ("kp_value", "computed"))
        self._kp_source = _check("kp_value", out["kp_value"], (1, -1, 2), np.float32)[0]
        self.encoded_on_server = bool(_check("computed", out["computed"], (1, 1), np.int32)[0, 0])

    def _keypoints(self, client, image_u8: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = self._infer(client, KEYPOINT_MODEL, {"image": image_u8[None]}, ("kp_value", "kp_jacobian"))
        k = len(self._kp_source) if self._kp_source is not None else -1
        return (_check("kp_value", out["kp_value"], (1, k, 2), np.float32)[0],
                _check("kp_jacobian", out["kp_jacobian"], (1, k, 2, 2), np.float32)[0])

    def _drive(self, client, frame_u8: np.ndarray, relative: bool, adapt_scale: bool):
        value, jac = self._kp_ref
        inputs = {"key": np.array([[self._key]], dtype=object), "frame": frame_u8[None], "kp_ref_value": value[None],
                  "kp_ref_jacobian": jac[None], "options": np.array([[int(relative), int(adapt_scale)]], np.int32)}
        names = ("prediction", "deformation", "occlusion", "status", "batch")
        out = self._infer(client, DRIVE_MODEL, inputs, names)
        status = int(_check("status", out["status"], (1, 1), np.int32)[0, 0])
        if status == STATUS_UNKNOWN_SOURCE:   # the server restarted or evicted the painting: send it again
            self._send_source(client)
            out = self._infer(client, DRIVE_MODEL, inputs, names)
            status = int(_check("status", out["status"], (1, 1), np.int32)[0, 0])
        if status != STATUS_OK:
            raise ReplyError(f"drive status {status}")
        pred = _check("prediction", out["prediction"], (1, *frame_u8.shape), np.uint8)[0]
        grid = _check("deformation", out["deformation"], (1, -1, -1, 2), np.float32)[0]
        occ = _check("occlusion", out["occlusion"], (1, *grid.shape[:2]), np.float32)[0]
        self.last_batch = int(_check("batch", out["batch"], (1, 1), np.int32)[0, 0])
        return pred.astype(np.float32) * np.float32(1.0 / 255.0), grid, occ

    # --- Backend protocol (called by the drive worker) ------------------------------------------
    def prepare(self, source: np.ndarray) -> None:
        """source (256, 256, 3) float32 in [0, 1]: sent to the server, encoded there once per painting."""
        self._source = to_u8(source)
        self._key = source_key(self._source)
        try:
            self._connect()
        except Exception as err:  # noqa: BLE001 - any failure of the server means: fall back
            self._offline(err)

    def set_reference(self, frame: np.ndarray) -> None:
        """frame (256, 256, 3) float32 in [0, 1]: its keypoints come from the server (again after a reconnect)."""
        self._ref = to_u8(frame)
        self._kp_ref = None
        if not self.online:
            raise BackendOffline(self.url)
        try:
            self._kp_ref = self._keypoints(self._client(), self._ref)
        except Exception as err:  # noqa: BLE001
            self._offline(err)
            raise BackendOffline(self.url) from err

    def drive(self, frame: np.ndarray, relative: bool, adapt_scale: bool):
        """frame (256, 256, 3) float32 in [0, 1] -> prediction (256, 256, 3) [0, 1], deformation, occlusion.

        Raises :class:`BackendOffline` at once while the server is away, or when this request fails.
        """
        if not self.online or self._kp_ref is None:
            raise BackendOffline(self.url)
        try:
            return self._drive(self._client(), to_u8(frame), relative, adapt_scale)
        except Exception as err:  # noqa: BLE001
            self._offline(err)
            raise BackendOffline(self.url) from err

    def close(self) -> None:
        """Stop reconnecting and close the HTTP clients (the worker's stop calls this, after its thread ended).

        The calling thread's client and those of threads that have ended are closed here; a
        thread still running (a reconnection round that outlived the join) closes its own on exit.
        """
        self._stop.set()
        if self._reconnector is not None:
            self._reconnector.join(timeout=self.timeout_s * 4 + self.retry_s + 1.0)
        self._close_own_client()
        with self._lock:
            ended = [(tid, c) for tid, (t, c) in self._clients.items() if not t.is_alive()]
            for tid, _ in ended:
                del self._clients[tid]
        for _, client in ended:
            client.close()

    # --- offline / reconnect -----------------------------------------------------------------
    def _connect(self) -> None:
        """One full round with a fresh client: painting, reference keypoints and one driven frame."""
        client = self._client()
        if not client.is_model_ready(DRIVE_MODEL):   # cheap health probe first: no work queued on a hung server
            raise ReplyError(f"model {DRIVE_MODEL} not ready")
        self._send_source(client)
        if self._ref is not None:
            kp_ref = self._keypoints(client, self._ref)
            saved, self._kp_ref = self._kp_ref, kp_ref
            try:
                self._drive(client, self._ref, True, True)   # the reply must be well formed before we trust it
            except Exception:
                self._kp_ref = saved
                raise
        with self._lock:
            self.online = True

    def _offline(self, err: BaseException) -> None:
        with self._lock:
            if not self.online and self._reconnector is not None and self._reconnector.is_alive():
                return
            first = self.online or self.outages == 0
            self.online = False
            self.went_offline_t = time.perf_counter()
            self.outages += 1
            self._generation += 1
            reason = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
            if first:
                self.log(f"FOMM server {self.url} unavailable ({type(err).__name__}: {reason}); showing "
                         f"{self.fallback_name} and reconnecting in the background")
            self._reconnector = threading.Thread(target=self._reconnect, name="fomm-reconnect", daemon=True)
            self._reconnector.start()

    def _reconnect(self) -> None:
        try:
            while not self._stop.wait(self.retry_s):
                try:
                    self._connect()
                except Exception:  # noqa: BLE001 - still away: try again later, quietly
                    continue
                self.log(f"FOMM server {self.url} is back; driving the painting again")
                return
        finally:
            self._close_own_client()   # each reconnection thread opened its own client


__all__ = ["RemoteBackend", "ReplyError", "parse_server_url", "require_tritonclient"]
