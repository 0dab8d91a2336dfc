"""sfumato.video: the one MP4 writer (H.264, optional AAC audio) and the one reader."""

from __future__ import annotations

import subprocess
import wave

import imageio_ffmpeg
import numpy as np
import pytest

from sfumato.video import Mp4Writer, VideoReader, clamp_fps, read_frames, write_mp4
from sfumato.video.writer import write_wav

FPS, SECONDS, RATE = 25, 2.0, 16000


def _frames(n: int, w: int = 161, h: int = 121):
    for i in range(n):
        img = np.zeros((h, w, 3), np.uint8)
        img[:, : (i * 4) % w] = (200, 60, 30)   # a bar that grows: frames differ
        yield img


def _streams(path) -> str:
    r = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return r.stderr


def _audio_of(path, tmp_path) -> tuple[np.ndarray, int]:
    wav = tmp_path / "back.wav"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(path), "-map", "0:a", "-ac", "1",
                    str(wav)], check=True)
    with wave.open(str(wav)) as w:
        data = np.frombuffer(w.readframes(w.getnframes()), np.int16)
        return data, w.getframerate()


@pytest.mark.parametrize("as_file", [False, True])
def test_mp4_with_audio_track_has_both_streams_with_matching_durations(tmp_path, as_file):
    t = np.arange(int(SECONDS * RATE)) / RATE
    tone = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    audio = tone
    if as_file:
        audio = tmp_path / "tone.wav"
        write_wav(audio, tone, RATE)
    out = write_mp4(tmp_path / "clip.mp4", _frames(int(SECONDS * FPS)), fps=FPS, audio=audio,
                    sample_rate=None if as_file else RATE)
    info = _streams(out)
    assert "Video: h264" in info and "Audio: aac" in info, info
    n_video, video_s = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert n_video == SECONDS * FPS and abs(video_s - SECONDS) < 0.05
    samples, rate = _audio_of(out, tmp_path)
    audio_s = len(samples) / rate
    assert abs(audio_s - SECONDS) < 0.1, audio_s
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    assert abs(np.argmax(spectrum) * rate / len(samples) - 440.0) < 5.0   # the tone survived AAC


def test_mp4_without_audio_even_size_and_reader_round_trip(tmp_path):
    out = tmp_path / "plain.mp4"
    with Mp4Writer(out, fps=FPS) as w:
        for frame in _frames(10):
            w.write(frame)
    assert "Audio" not in _streams(out)
    frames, idx, fps = read_frames(out)
    assert len(frames) == 10 and frames[0].shape == (120, 160, 3) and fps == FPS   # cropped to even sides
    assert frames[5][60, 10, 0] > 150 and frames[0][60, 10, 0] < 40               # RGB order, content kept
    frames, idx, _ = read_frames(out, max_frames=4)
    assert list(idx) == [0, 3, 6, 9]
    with VideoReader(out, loop=True) as r:
        assert r.opened and not r.is_camera
        got = [r.read() for _ in range(13)]
    assert all(f is not None for f in got)   # looped past the end


def test_fps_clamp_and_missing_source(tmp_path):
    assert clamp_fps(0) == 30.0 and clamp_fps(float("nan")) == 30.0 and clamp_fps(1000) == 30.0
    assert clamp_fps(12.5) == 12.5
    r = VideoReader(tmp_path / "none.mp4")
    assert not r.opened and r.read() is None
    frames, _, _ = read_frames(tmp_path / "none.mp4")
    assert frames == []
