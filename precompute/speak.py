"""``python -m precompute speak``: the painting says a text, or lip-syncs to a recording.

    python -m precompute speak PAINTING --text "Hello" --out talk.mp4
    python -m precompute speak PAINTING --audio voice.wav --out talk.mp4

Output: H.264 + AAC MP4 at the painting's resolution, scaled down to fit ``--max-size``
(default 1080: at most 1080 px on the short side and 1920 on the long one). Written to a temp
file beside ``--out`` and renamed at the end: a failure or Ctrl-C leaves nothing behind.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from sfumato.engines import DEFAULT_ENGINE, ENGINES
from sfumato.errors import SfumatoError
from sfumato.validate import OneLineParser, Range, arg_type
from sfumato.speech.tts import MAX_CHARS
from sfumato.video.writer import CRF, PRESET


ENCODINGS = {"small": (PRESET, CRF), "fast": ("ultrafast", 23)}
"""x264 (preset, crf) of ``--encode``. "small" (the default, :class:`~sfumato.video.writer.Mp4Writer`'s
own settings): the smallest file. "fast": about 40% less encoder CPU (100 frames of a 1080x1080
Mona Lisa clip, I420, one x264 thread, ffmpeg's own CPU time, median of 3 on a loaded machine:
8.0 against 12.8 ms a frame, 37% less; earlier runs 33-54%) at the same fidelity (PSNR of the
decoded I420 frames against the rendered ones 43.7 dB against 43.1; crf 23 to match, ultrafast
spends more bits at a given crf), for about 4.5 times the file (3.1 against 0.68 MB for 4 s,
about 6 Mbit/s at 1080 px): the render's margin over real time on two cores where the file's
size does not matter (a kiosk playing its own clips)."""


@dataclass
class SpeakConfig:
    """Everything that defines a talking clip."""

    painting: Path
    out: Path
    text: str | None = None
    audio: Path | None = None
    max_size: int = 1080
    fps: float = 25.0
    engine: str = DEFAULT_ENGINE
    face: int = 0
    max_chars: int = MAX_CHARS
    seed: int = 0
    workers: int = 2
    force: bool = False
    progress: bool = True
    encode: str = "small"


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="python -m precompute speak", description="Make the painting talk: an MP4 with sound.")
    p.add_argument("painting", type=Path, help="the painting image (JPEG, PNG, TIFF, ...)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--text", help="what the portrait says (English; spoken offline by the bundled piper voice)")
    src.add_argument("--audio", type=Path, help="a recording to lip-sync to (any file ffmpeg reads)")
    p.add_argument("--out", type=Path, required=True, help="the MP4 to write")
    p.add_argument("--max-size", type=arg_type(Range(64, 16384, integer=True)), default=1080, metavar="PX", help="short side at most PX, long side at most 16/9 PX (default %(default)s)")
    p.add_argument("--fps", type=arg_type(Range(1, 120)), default=25.0, help="frames per second (default %(default)s)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="eye/head engine (default %(default)s)")
    p.add_argument("--face", type=int, default=0, metavar="N", help="which face, 0 = largest (default %(default)s)")
    p.add_argument("--max-chars", type=arg_type(Range(1, 100000, integer=True)), default=MAX_CHARS, help="longest text accepted (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed of blinks, glances and head motion (default %(default)s)")
    p.add_argument("--workers", type=arg_type(Range(1, 64, integer=True)), default=2, help="render processes (default %(default)s)")
    p.add_argument("--encode", choices=sorted(ENCODINGS), default="small",
                   help="x264 settings: small file, or fast (about 40%% less encoder CPU for about 4.5x the file; default %(default)s)")
    p.add_argument("--force", action="store_true", help="replace an existing --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def output_size(width: int, height: int, max_size: int) -> tuple[int, int]:
    """(w, h) fitting ``max_size`` on the short side and 16/9 of it on the long side, even, never upscaled."""
    short, long_ = min(width, height), max(width, height)
    scale = min(1.0, max_size / short, (max_size * 16.0 / 9.0) / long_)
    w, h = max(2, int(round(width * scale))), max(2, int(round(height * scale)))
    return w - w % 2, h - h % 2


def _created_file_mode() -> int:
    """The mode an ordinary new file gets here: 0o666 less the umask (0o644 under the usual 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def speak(cfg: SpeakConfig) -> dict:
    """Render the clip ``cfg`` describes; returns a summary (frames, seconds, timing source)."""
    from sfumato.imaging.painting import load_painting
    from sfumato.imaging.resize import resize_to
    from sfumato.speech.audio import read_audio
    from sfumato.speech.performance import MotionParams, make_performance
    from sfumato.speech.portrait import TalkingPortrait
    from sfumato.speech.tts import check_text, synthesize
    from sfumato.video.writer import write_mp4

    t0 = time.perf_counter()
    out = Path(cfg.out)
    if out.exists() and not cfg.force:
        raise SfumatoError(f"{out}: already exists; pass --force to replace it or choose another --out.")
    if out.suffix.lower() != ".mp4":
        raise SfumatoError(f"{out}: the output must be an .mp4 file.")
    if cfg.encode not in ENCODINGS:
        raise SfumatoError(f"--encode {cfg.encode}: use one of {', '.join(sorted(ENCODINGS))}.")
    if cfg.max_size < 64:
        raise SfumatoError(f"--max-size {cfg.max_size}: too small; use at least 64 (default 1080).")
    if cfg.text is not None:
        check_text(cfg.text, cfg.max_chars)  # before any slow work
    painting = load_painting(cfg.painting)
    w, h = output_size(painting.shape[1], painting.shape[0], cfg.max_size)
    painting = resize_to(painting, w, h) if (w, h) != (painting.shape[1], painting.shape[0]) else painting
    if cfg.text is not None:
        speech = synthesize(cfg.text, cfg.max_chars)
        audio, phones, timing = speech.audio, speech.phones, f"text, phoneme timing {speech.timing}"
    else:
        audio, phones, timing = read_audio(cfg.audio), None, "audio features"
    portrait = TalkingPortrait(painting, cfg.engine, cfg.face, name=str(cfg.painting))
    perf = make_performance(audio, cfg.fps, phones, MotionParams(seed=cfg.seed))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".mp4", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        frames = tqdm(portrait.frames_i420(perf, cfg.workers), total=len(perf), desc=f"speaking {out.name}", unit="frame",
                      disable=not cfg.progress, leave=False)
        t_render = time.perf_counter()
        preset, crf = ENCODINGS[cfg.encode]
        write_mp4(tmp, frames, cfg.fps, audio=audio.samples, sample_rate=audio.rate, pix_fmt_in="yuv420p",
                  threads=1, preset=preset, crf=crf)  # the render workers keep the cores busy: one x264 thread costs the least
        render_s = time.perf_counter() - t_render
        tmp.chmod(_created_file_mode())   # mkstemp makes it 0600: readable by its owner alone (a kiosk user could not play it)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {
        "frames": len(perf), "seconds": round(audio.duration, 3), "size": (w, h), "mouth": timing,
        "blinks": bool(portrait.can_blink), "render_s": round(render_s, 2), "total_s": round(time.perf_counter() - t0, 2),
    }


def main(argv: list[str]) -> int:
    """``speak`` sub-command; SfumatoError is reported by the caller (one line, exit 2)."""
    a = build_parser().parse_args(argv)
    cfg = SpeakConfig(
        painting=a.painting, out=a.out, text=a.text, audio=a.audio, max_size=a.max_size, fps=a.fps, engine=a.engine,
        face=a.face, max_chars=a.max_chars, seed=a.seed, workers=max(1, a.workers), force=a.force, progress=not a.quiet,
        encode=a.encode,
    )
    if cfg.fps <= 0 or cfg.fps > 120:
        raise SfumatoError(f"--fps {cfg.fps}: use a frame rate between 1 and 120.")
    info = speak(cfg)
    speed = info["seconds"] / max(info["render_s"], 1e-6)
    print(f"video: {Path(cfg.out).resolve()}  ({info['frames']} frames, {info['seconds']:.2f} s, {info['size'][0]}x{info['size'][1]}, "
          f"mouth from {info['mouth']}, rendered at {speed:.2f}x real time)")
    if not info["blinks"]:
        print(f"note: engine {cfg.engine} cannot blink; the clip has no blinks.")
    return 0
