"""``python -m precompute record``: record a guided driving clip for the FOMM engine.

    python -m precompute record --out clip.mp4 [--camera 0|FILE] [--seconds 12] [--headless]

A dot moves across the screen (pygame); the person in front of the camera follows it with
their eyes (and a little with the head). The camera frames are saved as an H.264 MP4 (the
bundled ffmpeg) with a sidecar ``clip.json`` holding the dot position of every frame: the
gaze each frame was asked for. Camera frames are written only because the user ran this
command to record them; nothing is uploaded anywhere.

Without a webcam, ``--camera FILE`` replays a video file as the camera (tests). (precompute
never imports live, so the live simulated viewer is not offered here: it would only record
the astronaut, not a person following the dot.)
``--headless`` opens no window (SDL's dummy driver) and runs in the source's own time.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

from sfumato.errors import SfumatoError
from sfumato.validate import OneLineParser, Range, arg_type
from sfumato.imaging.resize import paste, resize_max_side
from sfumato.video import VideoReader, write_mp4
from sfumato.screen import init_pygame

PATTERNS = ("sweep", "grid")
LABELS_FORMAT = "sfumato-driving-labels"
SECONDS = Range(0, 600, open_lo=True)   # --seconds: a recording session of at most ten minutes


@dataclass(frozen=True)
class RecordConfig:
    """A recording session.

    Attributes:
        out: the MP4 to write; the labels go to ``out`` with suffix ``.json``.
        camera: webcam index ("0") or a video file.
        seconds: length of the recording.
        pattern: 'sweep' (left-right-left, twice) or 'grid' (three rows, serpentine, for 2-D banks).
        headless: no window; time advances by frames (needs a video file as the camera).
        screen: (width, height) of the window.
        countdown: seconds of "get ready" before recording (not in headless mode).
    """

    out: Path
    camera: str = "0"
    seconds: float = 12.0
    pattern: str = "sweep"
    headless: bool = False
    screen: tuple[int, int] = (1280, 720)
    countdown: float = 3.0


def dot_position(t: float, seconds: float, pattern: str = "sweep") -> tuple[float, float]:
    """Where the dot is at time ``t``: (x, y) in [-1, 1] screen units, x right, y down.

    'sweep': x = -cos(2 pi t / (seconds / 2)), two smooth left-right-left passes, y = 0.
    'grid': rows y = -0.6, 0, +0.6, each swept once (serpentine), the dot gliding between rows.
    """
    u = min(max(t / seconds, 0.0), 1.0) if seconds > 0 else 0.0
    if pattern == "sweep":
        return -math.cos(4.0 * math.pi * u), 0.0
    if pattern == "grid":
        rows = (-0.6, 0.0, 0.6)
        k = min(int(u * 3), 2)
        v = u * 3 - k
        x = -math.cos(math.pi * v) if k % 2 == 0 else math.cos(math.pi * v)
        y = rows[k] + (rows[min(k + 1, 2)] - rows[k]) * max(0.0, (v - 0.9) / 0.1)
        return x, y
    raise ValueError(f"unknown pattern {pattern!r}; choose one of {', '.join(PATTERNS)}")


# ---- cameras ------------------------------------------------------------------------------
class Camera:
    """A frame source: ``read()`` -> (H, W, 3) uint8 RGB or None at the end; ``realtime``
    says whether frames arrive in wall-clock time (webcam) or as fast as asked (file)."""

    def __init__(self, read: Callable[[int], np.ndarray | None], fps: float, name: str, realtime: bool,
                 close: Callable[[], None] = lambda: None) -> None:
        self._read, self.fps, self.name, self.realtime, self.close = read, fps, name, realtime, close
        self._n = 0

    def read(self) -> np.ndarray | None:
        frame = self._read(self._n)
        self._n += 1
        return frame


def open_camera(spec: str) -> Camera:
    """The camera ``--camera`` names: a webcam index or a video file (:class:`sfumato.video.VideoReader`)."""
    if spec.isdigit():
        reader = VideoReader(int(spec))
        if not reader.opened or reader.read() is None:
            reader.close()
            raise SfumatoError(f"camera {spec} not found; connect a webcam, or pass --camera FILE (a video).")
        return Camera(lambda _: reader.read_rgb(), reader.fps, f"webcam {spec}", True, reader.close)
    path = Path(spec)
    if not path.is_file():
        raise SfumatoError(f"--camera {spec}: no such video file (use a webcam index like 0 or a video file).")
    reader = VideoReader(path)
    if not reader.opened:
        raise SfumatoError(f"--camera {spec}: cannot read this video.")
    return Camera(lambda _: reader.read_rgb(), reader.fps, f"video {path.name}", False, reader.close)


# ---- the session --------------------------------------------------------------------------
class Screen:
    """The pygame window: a dark screen, the dot, a small mirrored camera preview."""

    def __init__(self, size: tuple[int, int], headless: bool) -> None:
        self.pg = pygame = init_pygame(headless, "sfumato record: follow the dot with your eyes")
        self.size = size
        self.surface = pygame.display.set_mode(size)
        self.font = pygame.font.Font(None, 32)

    def draw(self, dot: tuple[float, float], camera: np.ndarray | None, text: str) -> bool:
        """Draw one frame; False when the user closed the window or pressed Esc/Q."""
        pg = self.pg
        for event in pg.event.get():
            if event.type == pg.QUIT or (event.type == pg.KEYDOWN and event.key in (pg.K_ESCAPE, pg.K_q)):
                return False
        w, h = self.size
        canvas = np.full((h, w, 3), 16, np.uint8)
        if camera is not None:
            thumb = resize_max_side(camera[:, ::-1], w // 5)[0]
            paste(canvas, thumb, w - thumb.shape[1] - 10, h - thumb.shape[0] - 10)
        x, y = int((dot[0] * 0.45 + 0.5) * w), int((dot[1] * 0.45 + 0.5) * h)
        cv2.circle(canvas, (x, y), 18, (255, 210, 60), -1, cv2.LINE_AA)
        cv2.circle(canvas, (x, y), 4, (20, 20, 20), -1, cv2.LINE_AA)
        self.surface.blit(pg.surfarray.make_surface(canvas.swapaxes(0, 1)), (0, 0))
        self.surface.blit(self.font.render(text, True, (200, 200, 200)), (20, 20))
        pg.display.flip()
        return True

    def close(self) -> None:
        self.pg.display.quit()


def record(cfg: RecordConfig, log: Callable[[str], None] = print) -> dict:
    """Run a recording session; write ``cfg.out`` and its labels JSON; return the labels."""
    if cfg.pattern not in PATTERNS:
        raise SfumatoError(f"--pattern {cfg.pattern}: choose one of {', '.join(PATTERNS)}")
    if cfg.out.suffix.lower() != ".mp4":
        raise SfumatoError(f"--out {cfg.out}: the clip must be an .mp4 file.")
    camera = open_camera(cfg.camera)
    if cfg.headless and camera.realtime:
        camera.close()
        raise SfumatoError("--headless needs --camera FILE (a webcam runs in real time; drop --headless).")
    cfg.out.parent.mkdir(parents=True, exist_ok=True)
    screen = Screen(cfg.screen, cfg.headless)
    dots: list[list[float]] = []
    state = {"aborted": False, "ended": False}
    clock = screen.pg.time.Clock()

    def frames() -> Iterator[np.ndarray]:
        t_end = cfg.countdown if not cfg.headless else 0.0
        t0 = time.perf_counter()
        while not cfg.headless and (left := t_end - (time.perf_counter() - t0)) > 0:  # get ready
            if not screen.draw(dot_position(0, cfg.seconds, cfg.pattern), camera.read(), f"follow the dot: {left:.0f}"):
                state["aborted"] = True
                return
            clock.tick(30)
        t0, i = time.perf_counter(), 0
        while True:
            t = time.perf_counter() - t0 if camera.realtime else i / camera.fps
            if t >= cfg.seconds:
                return
            frame = camera.read()
            if frame is None:
                state["ended"] = True
                return
            dot = dot_position(t, cfg.seconds, cfg.pattern)
            if not screen.draw(dot, frame, f"recording {t:4.1f} / {cfg.seconds:.0f} s   (Esc stops)"):
                state["aborted"] = True
                return
            dots.append([round(t, 4), round(dot[0], 4), round(dot[1], 4)])
            i += 1
            yield frame   # the writer crops odd sizes to even
            if not camera.realtime and not cfg.headless:
                clock.tick(camera.fps)

    tmp = cfg.out.with_name(f".{cfg.out.name}.part.mp4")
    try:
        t_start = time.perf_counter()
        write_mp4(tmp, frames(), fps=camera.fps)
        took = time.perf_counter() - t_start
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        camera.close()
        screen.close()
    if state["aborted"] or not dots:
        tmp.unlink(missing_ok=True)
        raise SfumatoError("recording stopped before any frame was kept; nothing was written." if not dots
                           else "recording stopped (Esc / window closed); nothing was written.")
    # A webcam's real rate can differ from its nominal one: the MP4 keeps the nominal rate, the
    # labels keep each frame's real time and the measured rate.
    fps = camera.fps if not camera.realtime else len(dots) / max(dots[-1][0], 1e-3)
    tmp.replace(cfg.out)
    labels = {
        "format": LABELS_FORMAT, "version": 1, "video": cfg.out.name, "fps": round(fps, 3), "frames": len(dots),
        "camera": camera.name, "pattern": cfg.pattern, "seconds": cfg.seconds,
        "dot_units": "x, y in [-1, 1] of the dot's travel on screen; x right, y down (the viewer's screen)",
        "dot": dots, "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
    }
    cfg.out.with_suffix(".json").write_text(json.dumps(labels, indent=1))
    if state["ended"]:
        log(f"the camera video ended after {len(dots)} frames ({dots[-1][0]:.1f} s).")
    log(f"clip: {cfg.out}  ({len(dots)} frames, {fps:.1f} fps, {took:.1f} s)")
    log(f"labels: {cfg.out.with_suffix('.json')}")
    return labels


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="python -m precompute record",
                                description="Record a guided driving clip for --engine fomm: follow the dot with your eyes.")
    p.add_argument("--out", type=Path, required=True, help="the MP4 to write (labels go to the same name .json)")
    p.add_argument("--camera", default="0", help="webcam index or a video file (default %(default)s)")
    p.add_argument("--seconds", type=arg_type(SECONDS), default=12.0, help="recording length (default %(default)s)")
    p.add_argument("--pattern", choices=PATTERNS, default="sweep", help="dot path: sweep (1-D) or grid (2-D banks)")
    p.add_argument("--headless", action="store_true", help="no window (needs a video file as the camera)")
    p.add_argument("--force", action="store_true", help="replace an existing clip")
    return p


def main(argv: list[str] | None = None) -> int:
    """``python -m precompute record ...``; SfumatoError propagates to the CLI (one line, exit 2)."""
    args = build_parser().parse_args(argv)
    if args.out.is_dir():
        raise SfumatoError(f"--out {args.out}: is a folder; give the clip's file name, e.g. {args.out / 'clip.mp4'}")
    if args.out.exists() and not args.force:
        raise SfumatoError(f"{args.out} exists; pass --force to replace it or choose another --out.")
    record(RecordConfig(out=args.out, camera=args.camera, seconds=args.seconds, pattern=args.pattern,
                        headless=args.headless))
    return 0
