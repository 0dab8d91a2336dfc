"""sfumato.video.i420: RGB -> I420 like ffmpeg's own conversion, a box at a time, into the MP4 writer."""

from __future__ import annotations

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

from sfumato.video import Mp4Writer, read_frames
from sfumato.video.i420 import I420Frame, even_box, rgb_to_i420


def _ffmpeg_i420(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    r = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                        "-i", "-", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], input=rgb.tobytes(), capture_output=True, check=True)
    return np.frombuffer(r.stdout, np.uint8).reshape(h * 3 // 2, w)


def test_conversion_matches_ffmpegs_own(astronaut):
    ours, theirs = rgb_to_i420(astronaut), _ffmpeg_i420(astronaut)
    assert ours.shape == theirs.shape == (768, 512)
    d = np.abs(ours.astype(int) - theirs)
    assert d[:512].max() <= 1                       # luma: BT.601 limited range, as ffmpeg
    # chroma: each 2 x 2 block's mean colour, where ffmpeg filters a little wider (OpenCV's
    # converter alone, one pixel per block: up to 28 levels off here, 0.9 on average)
    assert d[512:].max() <= 6 and d[512:].mean() < 0.3 and np.percentile(d[512:], 99.9) <= 2
    for rgb, yuv in (((255, 255, 255), (235, 128, 128)), ((0, 0, 0), (16, 128, 128))):
        assert tuple(rgb_to_i420(np.full((2, 2, 3), rgb, np.uint8)).ravel()[[0, 4, 5]]) == yuv
    with pytest.raises(ValueError, match="even"):
        rgb_to_i420(np.zeros((3, 4, 3), np.uint8))


def test_box_updates_equal_a_whole_frame_conversion(astronaut):
    frame = I420Frame(astronaut)
    changed = astronaut.copy()
    changed[101:250, 33:301] = 255 - changed[101:250, 33:301]   # an odd box: grown to whole chroma blocks
    out = frame.update(changed, (33, 101, 301, 250))
    assert np.array_equal(out, rgb_to_i420(changed))
    assert out is frame.data
    assert even_box((33, 101, 301, 250), (512, 512)) == (32, 100, 302, 250)
    assert even_box((0, 0, 511, 512), (512, 512)) == (0, 0, 512, 512)


def test_writer_takes_i420_frames(tmp_path, astronaut):
    out = tmp_path / "yuv.mp4"
    frames = [np.roll(astronaut, 8 * i, axis=1) for i in range(6)]
    with Mp4Writer(out, fps=25, pix_fmt_in="yuv420p") as w:
        for f in frames:
            w.write(rgb_to_i420(f))
        with pytest.raises(ValueError, match="I420"):
            w.write(astronaut)
    back, _, _ = read_frames(out)
    assert len(back) == 6 and back[0].shape == astronaut.shape
    for got, want in zip(back, frames):
        mse = np.mean((got.astype(np.float64) - want) ** 2)
        assert 10 * np.log10(255.0**2 / mse) > 33   # the picture, in its colours and place
