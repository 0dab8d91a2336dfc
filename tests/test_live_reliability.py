"""Kiosk reliability of the live app: outputs that fail never stop the portrait, bad camera
files and output paths are refused at start, a missing display fails in kiosk mode, systemd
gets READY / WATCHDOG / STOPPING over a real unix datagram socket, SIGTERM is a clean stop."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"

import pytest

from live.app import build_loop
from live.camera import LockstepCamera, WebcamSource
from live.cli import main
from live.config import LiveConfig, set_option
from live.recorder import Recorder
from live.trace import TraceWriter, read_trace
from live.watchdog import Notifier
from sfumato.output_queue import OutputQueue
from tests.fakebank import fake_bank

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return str(fake_bank(tmp_path_factory.mktemp("bank") / "astro", cols=9, size=(256, 256)))


def _cfg(bank: str, **options) -> LiveConfig:
    cfg = LiveConfig(bank=bank)
    base = {"camera.source": "sim:walk", "output.headless": True, "display.size": (160, 120), "display.fps": 30.0}
    for key, value in {**base, **options}.items():
        cfg = set_option(cfg, key, value)
    return cfg


def _full_path(tmp_path: Path, name: str) -> Path:
    """A path whose every write fails with ENOSPC: a symlink to /dev/full."""
    p = tmp_path / name
    p.symlink_to("/dev/full")
    return p


# ---- the bounded output queue ------------------------------------------------------------------
def test_output_queue_never_blocks_on_a_slow_writer():
    release = threading.Event()
    q = OutputQueue(lambda item: release.wait(5), "slow output", log=lambda m: None, maxsize=2)
    t0 = time.perf_counter()
    results = [q.put(i) for i in range(50)]
    assert time.perf_counter() - t0 < 0.5            # 50 puts while the writer is stuck
    assert results.count(True) <= 3 and q.dropped >= 47
    release.set()
    q.close()
    assert q.error is None


def test_output_queue_stops_at_the_first_error_with_one_line():
    lines: list[str] = []

    def write(item):
        raise OSError(errno.ENOSPC, "No space left on device")

    q = OutputQueue(write, "trace out/t.jsonl", lines.append)
    q.put(1, block=True)
    for _ in range(200):
        if q.failed:
            break
        time.sleep(0.01)
    assert q.failed and not q.put(2) and not q.put(3, block=True)   # refused at once, even blocking
    q.close()
    assert lines == ["trace out/t.jsonl stopped: No space left on device; the portrait keeps running"]


def test_trace_on_a_full_disk_stops_with_one_line(tmp_path):
    lines: list[str] = []
    tw = TraceWriter(_full_path(tmp_path, "t.jsonl"), log=lines.append)
    for k in range(100):
        tw.write({"k": k})
    tw.close()
    assert isinstance(tw.error, OSError) and tw.error.errno == errno.ENOSPC
    assert len(lines) <= 1 and all("No space left on device" in m for m in lines)


def test_recorder_stops_when_the_disk_is_nearly_full_and_keeps_a_playable_file(tmp_path):
    import cv2
    import numpy as np

    lines: list[str] = []
    rec = Recorder(tmp_path / "r.mp4", fps=10, log=lines.append, min_free_bytes=1 << 62)   # "nearly full" at once
    for k in range(30):
        rec.add(np.full((64, 64, 3), k * 8, np.uint8), k / 10)
    rec.close()
    assert rec.error is not None and rec.error.errno == errno.ENOSPC
    assert len(lines) == 1 and "the disk is nearly full" in lines[0]
    cap = cv2.VideoCapture(str(tmp_path / "r.mp4"))
    assert cap.isOpened() and cap.get(cv2.CAP_PROP_FRAME_COUNT) >= 1   # what it had is kept, playable
    cap.release()


def test_the_portrait_keeps_running_when_record_and_trace_fail(bank, tmp_path):
    logs: list[str] = []
    cfg = _cfg(bank, **{"output.record": str(_full_path(tmp_path, "r.mp4")),
                        "output.trace": str(_full_path(tmp_path, "t.jsonl"))})
    loop = build_loop(cfg, log=logs.append)
    loop.camera.start()
    try:
        t0 = time.perf_counter()
        stats = loop.run(3.0)
        took = time.perf_counter() - t0
    finally:
        written = loop.close()
    assert stats.flips >= 0.5 * 30 * took        # the display kept its rate (shared machine: half is the floor)
    assert written == []
    assert sorted(f.split(" ")[0] for f in loop.failures) == ["recording", "trace"]
    stopped = [m for m in logs if "stopped" in m]
    assert len(stopped) == 2 and all("the portrait keeps running" in m for m in stopped)


def test_cli_exit_code_reports_a_failed_output(bank, tmp_path, capsys):
    trace = _full_path(tmp_path, "t.jsonl")
    code = main(["--bank", bank, "--camera", "sim:walk", "--headless", "--duration", "2", "--size", "160x120",
                 "--fps", "30", "--trace", str(trace)])
    assert code == 4
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error: trace" in err and "No space left on device" in err


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_really_full_tmpfs(bank, tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        (mnt / "fill").write_bytes(b"\0" * (256 * 1024 - 8192))
        proc = subprocess.run([sys.executable, "-m", "live", "--bank", bank, "--camera", "sim:walk", "--headless",
                               "--duration", "3", "--size", "160x120", "--trace", str(mnt / "t.jsonl"),
                               "--record", str(mnt / "r.mp4")], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 4, proc.stderr
        assert "Traceback" not in proc.stderr and "[out#" not in proc.stderr   # no ffmpeg lines
        assert "recording" in proc.stderr and "stopped" in proc.stderr
    finally:
        subprocess.run(["umount", str(mnt)])


# ---- checked at start ------------------------------------------------------------------------
@pytest.mark.parametrize("flag, value, needle", [
    ("--record", "{tmp}", "is a folder"),
    ("--record", "{tmp}/clip.avi", "must end in .mp4"),
    ("--record-camera", "{tmp}/cam.mkv", "must end in .mp4"),
    ("--trace", "{tmp}/trace.csv", "must end in .jsonl"),
    ("--trace", "{tmp}/", "is a folder"),
    ("--record", "{file}/clip.mp4", "cannot create the folder"),
])
def test_output_paths_are_checked_before_the_run(bank, tmp_path, capsys, flag, value, needle):
    (tmp_path / "afile").write_text("x")
    path = value.format(tmp=tmp_path, file=tmp_path / "afile")
    t0 = time.perf_counter()
    assert main(["--bank", bank, "--camera", "sim", "--headless", "--duration", "30", flag, path]) == 2
    assert time.perf_counter() - t0 < 10        # refused at start, not after the run
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err


@pytest.mark.parametrize("make, needle", [
    (lambda d: d / "missing.mp4", "no such file"),
    (lambda d: (d / "text.mp4").write_text("not a video") and d / "text.mp4", "not a video OpenCV can read"),
    (lambda d: d, "is a folder"),
])
def test_a_camera_file_that_cannot_be_opened_is_an_error_at_start(bank, tmp_path, make, needle):
    cam = make(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "live", "--bank", bank, "--camera", str(cam), "--headless",
                           "--duration", "5"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]      # no FFmpeg lines, no retry loop


def test_a_lost_webcam_is_reported_once_then_every_few_minutes():
    lines: list[str] = []
    cam = LockstepCamera(WebcamSource(57), fps=2, retry_s=3.0, log=lines.append)
    for k in range(2 * 60 * 11):                     # 11 minutes of virtual time at 2 fps
        assert cam.frame_at(k / 2) is None
    assert "webcam 57 not available" in lines[0]
    assert len(lines) == 3                           # at 0, 5 and 10 minutes; retries every 3 s in between
    assert "still missing after 5 min" in lines[1] and "still missing after 10 min" in lines[2]


# ---- display / kiosk -----------------------------------------------------------------------------
def _live(*args, cwd: Path, env=None, timeout=120):
    """``python -m live ARGS`` with no display, run in ``cwd`` (a test's tmp_path: whatever a run that
    should refuse writes, such as the headless fallback's out/live.mp4, lands there, not in the checkout)."""
    e = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    e.update({"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}, **(env or {}))
    return subprocess.run([sys.executable, "-m", "live", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=e)


def test_kiosk_without_a_display_fails_instead_of_running_headless(bank, tmp_path):
    t0 = time.perf_counter()
    proc = _live("--bank", bank, "--camera", "sim", "--kiosk", cwd=tmp_path)
    assert proc.returncode == 2 and time.perf_counter() - t0 < 20
    assert "kiosk mode forbids running headless" in proc.stderr and "Traceback" not in proc.stderr
    assert not any(tmp_path.iterdir())   # never started: nothing recorded (the headless fallback writes out/live.mp4)


def test_kiosk_key_in_the_config_file(bank, tmp_path):
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f'bank = "{bank}"\n[display]\nkiosk = true\n[camera]\nsource = "sim"\n')
    proc = _live("--config", str(toml), cwd=tmp_path)
    assert proc.returncode == 2 and "kiosk" in proc.stderr


def test_a_display_variable_without_a_screen_is_an_error_not_an_invisible_window(bank, tmp_path):
    proc = _live("--bank", bank, "--camera", "sim", "--duration", "2", env={"DISPLAY": ":97"}, cwd=tmp_path)
    assert proc.returncode == 2 and "cannot open the display" in proc.stderr and "Traceback" not in proc.stderr


def test_kiosk_and_headless_contradict(bank, capsys):
    assert main(["--bank", bank, "--kiosk", "--headless", "--camera", "sim"]) == 2
    assert "contradict" in capsys.readouterr().err


# ---- systemd ------------------------------------------------------------------------------------
def _notify_socket(tmp_path: Path) -> tuple[socket.socket, str]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    return sock, path


def _drain(sock: socket.socket) -> list[str]:
    got = []
    while True:
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            return got


def test_notifier_rate_limits_heartbeats(tmp_path):
    sock, path = _notify_socket(tmp_path)
    now = [0.0]
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"}, clock=lambda: now[0])
    assert n.enabled and n.interval_s == 1.0
    for k in range(300):           # 300 flips over 3 s
        now[0] = k / 100
        n.alive()
    assert _drain(sock) == ["WATCHDOG=1"] * 3
    assert not Notifier({}).enabled and Notifier({}).notify("READY=1") is False
    other = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"})
    assert other.interval_s == 0.0                 # the watchdog is another process's
    sock.close()


def test_a_receiver_that_does_not_read_never_blocks_the_loop(tmp_path):
    sock, path = _notify_socket(tmp_path)
    now = [0.0]
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2"}, clock=lambda: now[0])
    t0 = time.perf_counter()
    for k in range(500):          # far more than the ~10 datagrams a unix socket queues
        now[0] = k
        n.alive()
    assert time.perf_counter() - t0 < 2.0 and 1 <= n.sent < 500
    sock.close()


def test_live_loop_notifies_systemd_over_a_real_socket(bank, tmp_path):
    sock, path = _notify_socket(tmp_path)
    got: list[str] = []
    done = threading.Event()

    def receive():   # read as systemd does, while the app runs
        while not done.is_set():
            got.extend(_drain(sock))

    reader = threading.Thread(target=receive)
    reader.start()
    try:
        proc = _live("--bank", bank, "--camera", "sim:walk", "--headless", "--duration", "3", "--size", "160x120",
                     env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "500000", "SDL_VIDEODRIVER": "dummy"}, cwd=tmp_path)
    finally:
        time.sleep(0.3)
        done.set()
        reader.join()
    assert proc.returncode == 0, proc.stderr
    sock.close()
    assert got[0].startswith("READY=1") and got[-1] == "STOPPING=1"
    beats = got.count("WATCHDOG=1")
    assert 3 <= beats <= 14                        # every 0.25 s over ~3 s, never once per flip


def test_sigterm_stops_live_cleanly_and_finishes_the_recording(bank, tmp_path):
    import cv2

    rec = tmp_path / "r.mp4"
    e = {**os.environ, "SDL_VIDEODRIVER": "dummy"}
    p = subprocess.Popen([sys.executable, "-m", "live", "--bank", bank, "--camera", "sim:walk", "--headless",
                          "--size", "160x120", "--record", str(rec), "--duration", "60"],
                         cwd=ROOT, env=e, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while not rec.exists() and time.monotonic() - t0 < 60:   # the recorder opens once the loop is built
        time.sleep(0.1)
    time.sleep(3)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert "stopped by SIGTERM" in err and f"wrote {rec}" in out
    cap = cv2.VideoCapture(str(rec))
    assert cap.isOpened() and cap.get(cv2.CAP_PROP_FRAME_COUNT) > 10
    cap.release()


def test_a_camera_read_error_does_not_end_capture():
    from live.camera import SimulatedSource, ThreadedCamera
    from live.simulated import SimulatedViewer

    class Flaky(SimulatedSource):
        calls = 0

        def read(self, t):
            Flaky.calls += 1
            if Flaky.calls == 3:
                raise RuntimeError("driver hiccup")
            return super().read(t)

    lines: list[str] = []
    cam = ThreadedCamera(Flaky(SimulatedViewer("walk"), fps=30), retry_s=0.1, log=lines.append).start()
    try:
        time.sleep(1.5)
        assert cam.frames_read >= 10 and cam.connected     # still capturing after the error
    finally:
        cam.stop()
    assert any("read failed (driver hiccup)" in m for m in lines)
