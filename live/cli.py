"""``python -m live`` / ``sfumato-live``: run the portrait whose eyes follow the viewer.

Configuration: defaults (``live/default.toml``), then ``--config FILE``, then flags.
``--camera auto`` (the default) uses webcam 0 when one works, else the simulated viewer,
and says which. With no display (no DISPLAY/WAYLAND_DISPLAY on Linux, or
SDL_VIDEODRIVER=dummy) it runs headless, records the portrait and the viewer side by side to
``out/live.mp4`` unless told otherwise, stops after 20 s unless ``--duration`` says otherwise,
prints a status line every 5 s and the recording's path (on Ctrl-C too). An explicit
``--headless`` needs ``--duration`` or ``--record``.
With ``--kiosk`` (``display.kiosk``) a missing display is an error instead.

Exit codes: 0 done (Q/Esc, ``--duration``, or SIGTERM from systemd); 2 a bad value, path,
camera file or missing display, refused at start in one line; 4 the portrait ran but a
recording or trace stopped on a write error (said in one line when it happened and again
at the end); 130 Ctrl-C (what was recorded is saved and listed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sfumato.errors import SfumatoError
from sfumato.fomm.modes import MODE_HELP, MODES
from sfumato.interrupts import Terminated, stop_signals
from sfumato.validate import OneLineParser, arg_type

DEFAULT_RECORD = "out/live.mp4"
DEFAULT_HEADLESS_DURATION = 20.0
OUTPUT_FAILED = 4   # exit code: the portrait ran, but a recording or trace stopped (e.g. a full disk)
DRIVE_ENGINES = ("rig", "fomm")


def build_parser() -> argparse.ArgumentParser:
    from live.config import RULES

    p = OneLineParser(prog="python -m live", description="Show a frame bank whose eyes follow the viewer.")
    a = p.add_argument
    a("--config", metavar="TOML", help="config file (see live/default.toml for every option)")
    a("--bank", metavar="DIR", help="frame bank folder (default frames/mona_lisa)")
    a("--camera", metavar="SRC", help="auto | webcam index (0) | video file | sim | sim:walk|two|still|demo|empty")
    a("--model", choices=("short", "full"), help="BlazeFace short range (< 2 m) or full range (2-5 m)")
    a("--mapping", choices=("linear", "angular"), help="eye position -> gaze mapping")
    a("--hfov", type=arg_type(RULES["mapping.hfov_deg"]), metavar="DEG", help="camera horizontal field of view, degrees")
    a("--no-mirror", action="store_true", default=None, help="the camera image is already mirrored")
    a("--naive", action="store_true", default=None, help="no smoothing: nearest frame per camera frame (for comparison)")
    a("--fullscreen", action="store_true", default=None, help="start fullscreen (cursor hidden)")
    a("--size", metavar="WxH", help="window / headless size, e.g. 1920x1080")
    a("--fps", type=arg_type(RULES["display.fps"]), help="display frame rate")
    a("--hud", action="store_true", default=None, help="start with the debug HUD")
    a("--headless", action="store_true", default=None, help="no window")
    a("--kiosk", action="store_true", default=None,
      help="no display is an error (exit 2), never the headless fallback (for the systemd unit)")
    a("--record", metavar="MP4", help="record what the screen showed")
    a("--record-layout", choices=RULES["output.record_layout"].choices,
      help="what --record keeps: the screen, or the portrait and the camera view with face boxes side by side")
    a("--record-camera", metavar="MP4", help="record the raw camera frames (off unless asked: privacy)")
    a("--trace", metavar="JSONL", help="write one JSON line per camera frame")
    a("--duration", type=arg_type(RULES["output.duration_s"]), metavar="S", help="stop after S seconds")
    a("--lockstep", action="store_true", default=None, help="virtual time, every camera frame processed (needs --duration)")
    a("--seed", type=arg_type(RULES["camera.seed"]), help="simulated viewer / idle glance seed")
    a("--drive", action="store_true", default=None, help="drive the painting's head live with the viewer's face")
    a("--engine", choices=DRIVE_ENGINES, help="--drive engine: rig (default, no weights) or fomm (needs --checkpoint)")
    a("--checkpoint", metavar="PTH", help="FOMM vox-256 checkpoint for --drive (default checkpoints/vox-cpk.pth.tar); "
                                          "implies --engine fomm")
    a("--fomm-config", metavar="YAML", help="FOMM model_params YAML for --drive (default: bundled vox-256)")
    a("--fomm-mode", choices=MODES, help=f"--drive model: {MODE_HELP}")
    a("--server", metavar="URL", help="--drive on the museum's FOMM server (http://HOST:PORT, Triton) instead of here; implies --engine fomm")
    a("--speech", action="store_true", default=None, help="greet each new viewer with a spoken line ([speech] in the config)")
    a("--mute", action="store_true", default=None, help="no speech at all")
    return p


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
        if w < 16 or h < 16:
            raise ValueError
        return w, h
    except ValueError:
        raise SfumatoError(f"--size {text}: expected WIDTHxHEIGHT, e.g. 1280x720") from None


def make_config(args: argparse.Namespace):
    """Defaults <- TOML <- flags, every value checked against its range."""
    from live.config import check_config, load_config, set_option

    cfg = load_config(args.config)
    flags = {
        "bank": args.bank, "camera.source": args.camera, "tracker.model": args.model,
        "mapping.mode": args.mapping, "mapping.hfov_deg": args.hfov,
        "mapping.mirror": False if args.no_mirror else None,
        "smoothing.enabled": False if args.naive else None,
        "display.fullscreen": args.fullscreen, "display.size": _size(args.size) if args.size else None,
        "display.fps": args.fps, "display.hud": args.hud, "display.kiosk": args.kiosk, "output.headless": args.headless,
        "output.record": args.record, "output.record_layout": args.record_layout,
        "output.record_camera": args.record_camera, "output.trace": args.trace,
        "output.duration_s": args.duration, "output.lockstep": args.lockstep, "camera.seed": args.seed,
        "drive.enabled": args.drive, "drive.checkpoint": args.checkpoint, "drive.model_config": args.fomm_config,
        "drive.mode": args.fomm_mode, "drive.server": args.server,
        "drive.engine": args.engine or ("fomm" if args.checkpoint or args.server else None),
        "speech.enabled": args.speech, "speech.mute": args.mute,
    }
    for key, value in flags.items():
        if value is not None:
            cfg = set_option(cfg, key, value)
    return check_config(cfg, "command line")


def check_outputs(cfg) -> None:
    """Output paths are checked before anything starts: a folder, a wrong extension or an unwritable place is one line, exit 2."""
    from sfumato.validate import check_output_file

    o = cfg.output
    for key, path, suffixes in (("output.record", o.record, (".mp4",)), ("output.record_camera", o.record_camera, (".mp4",)),
                                ("output.trace", o.trace, (".jsonl",))):
        if path:
            check_output_file(key, path, suffixes)


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = make_config(args)
    if cfg.display.kiosk and cfg.output.headless:
        raise SfumatoError("display.kiosk (--kiosk) and output.headless (--headless) contradict each other; drop one")
    if cfg.output.headless and not cfg.output.duration_s and not cfg.output.record:
        raise SfumatoError("--headless needs --duration SECONDS or --record FILE.mp4 "
                           "(with neither it would run forever and keep nothing), e.g. --headless --duration 20 "
                           "--record out/live.mp4")
    if cfg.drive.enabled and cfg.drive.engine == "fomm":   # before opening anything: a missing checkpoint is one line, exit 2
        from live.drive_app import check_drive

        check_drive(cfg.drive)
    if cfg.drive.enabled:
        from live.puppet.rig import parse_layers

        parse_layers(cfg.puppet.layers)
    from live.display import display_available
    from live.camera import stderr_log
    from live.config import set_option

    if not cfg.output.headless and not display_available():
        if cfg.display.kiosk:
            raise SfumatoError("no display found (DISPLAY / WAYLAND_DISPLAY unset, or SDL_VIDEODRIVER=dummy) and "
                               "kiosk mode forbids running headless; start it inside the graphical session")
        stderr_log("no display found; running headless")
        cfg = set_option(cfg, "output.headless", True)
        if not cfg.output.record:
            cfg = set_option(cfg, "output.record", DEFAULT_RECORD)
            if args.record_layout is None:
                cfg = set_option(cfg, "output.record_layout", "side-by-side")
        if not cfg.output.duration_s:
            cfg = set_option(cfg, "output.duration_s", DEFAULT_HEADLESS_DURATION)
    if cfg.output.lockstep and not cfg.output.duration_s:
        raise SfumatoError("--lockstep needs --duration SECONDS (virtual time never runs out by itself)")
    check_outputs(cfg)
    from live.app import Interrupted, run_app

    try:
        written, failures = run_app(cfg)
    except Interrupted as stop:
        _print_written(stop.written)
        _print_failures(stop.failures)
        return 130
    _print_written(written)
    _print_failures(failures)
    return OUTPUT_FAILED if failures else 0


def _print_written(written: list[str]) -> None:
    for path in written:
        print(f"wrote {Path(path).resolve()}", flush=True)


def _print_failures(failures: list[str]) -> None:
    for line in failures:
        print(f"sfumato-live: error: {line}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns the exit code (SIGTERM, e.g. systemd stopping it, is a clean stop: 0)."""
    try:
        with stop_signals():
            return run(argv)
    except Terminated as stop:
        print(f"sfumato-live: stopped by {stop}", file=sys.stderr)
        return 0
    except SfumatoError as err:
        print(f"sfumato-live: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
