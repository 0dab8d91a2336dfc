"""Write MP4: H.264 video (yuv420p, even sizes) through imageio-ffmpeg's bundled ffmpeg, with an
optional audio track (a WAV file or samples) muxed as AAC.

Used for bank previews, live recordings, driving clips and spoken clips. OpenCV cannot write
H.264, so nothing else in sfumato writes video.
"""

from __future__ import annotations

import tempfile
import wave
from pathlib import Path
from typing import Iterable

import imageio_ffmpeg
import numpy as np

from sfumato.errors import SfumatoError


PRESET = "veryfast"
"""x264's speed preset unless told otherwise (bank previews, recordings, ``speak --encode small``) ..."""
CRF = 20
"""... and its quality (lower: better and larger)."""


def even(frame: np.ndarray) -> np.ndarray:
    """``frame`` cropped to even width and height (H.264 with yuv420p needs them)."""
    h, w = frame.shape[:2]
    return frame[: h - h % 2, : w - w % 2]


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write (N,) or (N, C) float in [-1, 1] or int16 samples as 16-bit PCM WAV."""
    a = np.asarray(samples)
    if a.dtype != np.int16:
        a = (np.clip(a.astype(np.float64), -1.0, 1.0) * 32767.0).round().astype(np.int16)
    a = a.reshape(len(a), -1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(a.shape[1])
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(np.ascontiguousarray(a).tobytes())


class Mp4Writer:
    """Append (H, W, 3) uint8 RGB frames to an H.264 MP4; ``close()`` finishes the file.

    The first frame fixes the size (cropped to even sides; later frames are cropped the same).
    With ``pix_fmt_in="yuv420p"`` the frames are I420 instead ((3 H / 2, W) uint8, H and W even,
    see :mod:`sfumato.video.i420`): ffmpeg then converts nothing and the pipe carries half the bytes.

    Args:
        path: the .mp4 to write.
        fps: frames per second.
        audio: None, a WAV file path, or samples ((N,) or (N, C), float in [-1, 1] or int16)
            with ``sample_rate``; muxed as AAC, the file ends with the shorter stream.
        sample_rate: samples per second of ``audio`` samples.
        crf, preset: x264 quality (lower crf: better, larger) and speed.
        ffmpeg_log_level: what ffmpeg itself prints to stderr ("error"; "quiet" when the caller
            reports failures itself).
        pix_fmt_in: "rgb24" (frames are RGB) or "yuv420p" (frames are I420).
        threads: x264 threads (0: x264's choice, frame threads on every core). 1 costs the
            least CPU (a 1080p spoken clip: about 15% less) where other processes keep the
            cores busy anyway.
    """

    def __init__(self, path: str | Path, fps: float = 30.0, audio: str | Path | np.ndarray | None = None,
                 sample_rate: int | None = None, crf: int = CRF, preset: str = PRESET,
                 ffmpeg_log_level: str = "error", pix_fmt_in: str = "rgb24", threads: int = 0) -> None:
        if pix_fmt_in not in ("rgb24", "yuv420p"):
            raise ValueError(f"pix_fmt_in {pix_fmt_in!r}: use rgb24 or yuv420p")
        self.path, self.fps, self.crf, self.preset = Path(path), float(fps), int(crf), preset
        self.pix_fmt_in, self.threads = pix_fmt_in, int(threads)
        self.log_level = ffmpeg_log_level
        self.frames = 0
        self._gen = None
        self._size: tuple[int, int] | None = None
        self._tmpdir: tempfile.TemporaryDirectory | None = None
        self._audio: Path | None = None
        if isinstance(audio, (str, Path)):
            self._audio = Path(audio)
            if not self._audio.is_file():
                raise SfumatoError(f"{audio}: audio file not found; pass an existing WAV file.")
        elif audio is not None:
            if not sample_rate:
                raise ValueError("audio samples need sample_rate")
            self._tmpdir = tempfile.TemporaryDirectory(prefix="sfumato-audio-")
            self._audio = Path(self._tmpdir.name) / "audio.wav"
            write_wav(self._audio, audio, sample_rate)

    def _size_of(self, frame: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
        """``frame`` as written (RGB: cropped to even sides) and its (w, h) size in pixels."""
        if self.pix_fmt_in == "yuv420p":
            if frame.ndim != 2 or frame.shape[0] % 3 or frame.shape[1] % 2 or (2 * frame.shape[0] // 3) % 2:
                raise ValueError(f"an I420 frame is (3 H / 2, W) uint8 with H and W even, got {frame.shape}")
            return frame, (frame.shape[1], 2 * frame.shape[0] // 3)
        frame = even(frame)
        return frame, frame.shape[1::-1]

    def start(self, frame: np.ndarray) -> None:
        """Start ffmpeg for frames shaped like ``frame`` (as :meth:`write` takes them), writing nothing;
        nothing happens once started. :meth:`write` starts it itself: call this first where ffmpeg
        must be forked from a particular thread (the recorder: the main thread, not its writer thread)."""
        if self._gen is not None:
            return
        _, (w, h) = self._size_of(frame)
        self._size = (w, h)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        audio = {"audio_path": str(self._audio), "audio_codec": "aac"} if self._audio else {}
        extra = (["-shortest"] if self._audio else []) + (["-threads", str(self.threads)] if self.threads > 0 else [])
        self._gen = imageio_ffmpeg.write_frames(
            str(self.path), (w, h), fps=self.fps, codec="libx264", pix_fmt_in=self.pix_fmt_in, pix_fmt_out="yuv420p",
            output_params=["-crf", str(self.crf), "-preset", self.preset, *extra], macro_block_size=2,
            ffmpeg_log_level=self.log_level, **audio)
        self._gen.send(None)

    def write(self, frame: np.ndarray) -> None:
        """Append one (H, W, 3) uint8 RGB frame, or a (3 H / 2, W) uint8 I420 one (``pix_fmt_in``)."""
        frame, size = self._size_of(frame)
        if self._gen is None:
            self.start(frame)
        elif size != self._size:
            raise ValueError(f"frame size {size} differs from the first frame's {self._size}")
        self._gen.send(np.ascontiguousarray(frame))
        self.frames += 1

    def close(self) -> Path:
        """Finish the file; return its path."""
        try:
            if self._gen is not None:
                self._gen.close()
                self._gen = None
        finally:
            if self._tmpdir is not None:
                self._tmpdir.cleanup()
                self._tmpdir = None
        return self.path

    def __enter__(self) -> "Mp4Writer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_mp4(path: str | Path, frames: Iterable[np.ndarray], fps: float = 20.0, **options) -> Path:
    """Encode (H, W, 3) uint8 RGB frames (or I420 ones, ``pix_fmt_in="yuv420p"``) as H.264 MP4
    (``options``: see :class:`Mp4Writer`)."""
    with Mp4Writer(path, fps, **options) as writer:
        for frame in frames:
            writer.write(frame)
    return Path(path)
