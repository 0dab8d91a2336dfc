"""``precompute speak --encode``: both x264 settings keep the rendered frames (PSNR of the decoded
frames against the I420 frames sent), "fast" for more bits; ``speak`` hands the chosen one to the
writer; "small" is the writer's own default; a bad value is one line, exit 2."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
from skimage import data

import pytest

from precompute.speak import ENCODINGS, SpeakConfig, speak
from sfumato.speech.audio import ffmpeg_exe
from sfumato.video import writer
from sfumato.video.writer import write_mp4, write_wav


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


def test_small_is_the_writers_own_setting():
    """One source: ``--encode small`` is what :class:`Mp4Writer` does when told nothing."""
    assert ENCODINGS["small"] == (writer.PRESET, writer.CRF)
    defaults = writer.Mp4Writer.__init__.__defaults__
    assert writer.PRESET in defaults and writer.CRF in defaults


class _Handed(Exception):
    """Raised by the stand-in writer once it has seen what speak passed it."""


@pytest.mark.parametrize("encode", sorted(ENCODINGS))
def test_speak_hands_its_encoding_to_the_writer(tmp_path, astronaut_png, monkeypatch, encode):
    """``SpeakConfig.encode`` (``--encode``) reaches x264: the writer speak calls gets that
    encoding's preset and crf (a speak that ignored it would encode every clip "small").
    The stand-in stops the clip there: nothing is written."""
    wav = tmp_path / "hum.wav"
    write_wav(wav, (0.2 * np.sin(np.arange(8000) * 2 * np.pi * 150 / 16000)).astype(np.float32), 16000)
    seen = {}

    def handed(path, frames, fps, **options):
        seen.update(options)
        raise _Handed

    monkeypatch.setattr(writer, "write_mp4", handed)
    out = tmp_path / "clip.mp4"
    with pytest.raises(_Handed):
        speak(SpeakConfig(painting=astronaut_png, out=out, audio=wav, max_size=128, workers=1, progress=False, encode=encode))
    assert (seen["preset"], seen["crf"]) == ENCODINGS[encode], seen
    assert not out.exists() and not list(tmp_path.glob(".clip.*"))  # no half-written file left
