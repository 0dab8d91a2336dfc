"""``precompute speak --encode``: both x264 settings keep the rendered frames (PSNR of the decoded
frames against the I420 frames sent), "fast" for more bits; a bad value is one line, exit 2."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
from skimage import data

from precompute.speak import ENCODINGS
from sfumato.speech.audio import ffmpeg_exe
from sfumato.video.writer import write_mp4


def _frames(n: int = 12) -> list[np.ndarray]:
    """I420 frames ((3 H / 2, W) uint8) of the astronaut at 256 px whose mouth region shifts a
    pixel a frame, as a talking clip's does (the rest of the picture stays)."""
    img = cv2.resize(data.astronaut(), (256, 256), interpolation=cv2.INTER_AREA)
    out = []
    for k in range(n):
        f = img.copy()
        f[150:190, 100:160] = np.roll(img[150:190, 100:160], k % 4, axis=0)
        out.append(cv2.cvtColor(f, cv2.COLOR_RGB2YUV_I420))
    return out


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return 10.0 * np.log10(255.0**2 / max(mse, 1e-12))


def test_both_encodings_keep_the_frames(tmp_path):
    frames = _frames()
    h3, w = frames[0].shape
    seen = {}
    for name, (preset, crf) in ENCODINGS.items():
        out = write_mp4(tmp_path / f"{name}.mp4", iter(frames), 25.0, pix_fmt_in="yuv420p", threads=1, preset=preset, crf=crf)
        raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                             capture_output=True, check=True).stdout
        decoded = np.frombuffer(raw, np.uint8).reshape(-1, h3, w)
        assert len(decoded) == len(frames)
        seen[name] = (min(_psnr(d, f) for d, f in zip(decoded, frames)), out.stat().st_size)
    assert all(p > 38.0 for p, _ in seen.values()), seen
    assert seen["fast"][0] > seen["small"][0] - 1.0, seen  # as faithful (its crf matches ultrafast's bits)
    assert seen["fast"][1] > seen["small"][1], seen  # ... for a larger file


def test_a_bad_encoding_is_one_line_exit_2(tmp_path, astronaut_png):
    out = tmp_path / "x.mp4"
    proc = subprocess.run([sys.executable, "-m", "precompute", "speak", str(astronaut_png), "--text", "Hi", "--out", str(out),
                           "--encode", "slowest"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--encode" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()
