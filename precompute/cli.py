"""``python -m precompute``: build a frame bank from a painting.

    python -m precompute PAINTING [--out frames/NAME] [--frames 33] [--rows 1] ...
    python -m precompute record --out clip.mp4      (guided driving-clip recorder, FOMM)
    python -m precompute speak PAINTING --text "..." --out talk.mp4   (the painting talks)

User errors print one line and exit 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sfumato.geometry.blend import BlendParams
from sfumato.engines import DEFAULT_ENGINE, ENGINES, SweepSpec
from sfumato.errors import SfumatoError
from sfumato.fomm.modes import DEFAULT_CHECKPOINT, MODE_HELP, MODES
from sfumato.interrupts import Terminated, stop_signals
from sfumato.validate import OneLineParser, arg_type
from precompute.limits import rule


def build_parser() -> argparse.ArgumentParser:
    d = SweepSpec()
    p = OneLineParser(
        prog="python -m precompute",
        description="Animate a painting's head into a gaze frame bank (frames/<name>/).",
        epilog="Also: `python -m precompute record --out clip.mp4` records a guided driving clip for --engine fomm; "
        "`python -m precompute speak PAINTING --text \"...\" --out talk.mp4` makes the painting talk.",
    )
    p.add_argument("painting", type=Path, help="the painting image (JPEG, PNG, TIFF, ...)")
    p.add_argument("--out", type=Path, help="bank folder (default: frames/<painting name>)")
    p.add_argument("--frames", type=arg_type(rule("--frames")), default=d.cols, help="frames across the gaze sweep (default %(default)s)")
    p.add_argument("--rows", type=arg_type(rule("--rows")), default=d.rows, help="rows of gaze pitch; >1 makes a 2-D yaw x pitch bank (default %(default)s)")
    p.add_argument("--gaze-range", type=arg_type(rule("--gaze-range")), default=d.gaze_range, metavar="DEG", help="gaze yaw sweeps -DEG..+DEG (default %(default)s)")
    p.add_argument("--pitch-range", type=arg_type(rule("--pitch-range")), default=d.pitch_range, metavar="DEG", help="gaze pitch sweeps +DEG..-DEG with --rows > 1 (default %(default)s)")
    p.add_argument("--head-yaw", type=arg_type(rule("--head-yaw")), default=d.head_yaw, metavar="DEG", help="head turn at the ends of the sweep (default %(default)s)")
    p.add_argument("--head-pitch", type=arg_type(rule("--head-pitch")), default=d.head_pitch, metavar="DEG", help="head tilt at the ends of the pitch sweep (default %(default)s)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="animation engine (default %(default)s: no model weights needed; landmark is its old name)")
    p.add_argument("--face", type=arg_type(rule("--face")), default=0, metavar="N", help="which face, 0 = largest (default %(default)s)")
    p.add_argument("--margin", type=arg_type(rule("--margin")), default=0.6, help="crop margin per side, fraction of the face size (default %(default)s)")
    p.add_argument("--blend", choices=("square", "ellipse"), default="square", help="alpha mask shape (default %(default)s)")
    p.add_argument("--color-match", action="store_true", help="match the animated head's colours to the painting")
    p.add_argument("--force", action="store_true", help="replace an existing bank")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    fomm = p.add_argument_group("FOMM engine")
    fomm.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT, help="official FOMM checkpoint (default %(default)s)")
    fomm.add_argument("--config", type=Path, default=None, help="FOMM model_params YAML (default: bundled vox-256)")
    fomm.add_argument("--driving", type=Path, help="video of a person looking from side to side")
    fomm.add_argument("--fomm-mode", choices=MODES, default="exact", help=f"{MODE_HELP} (default %(default)s)")
    return p


def _engine_options(args: argparse.Namespace) -> dict:
    if args.engine == "fomm":
        if args.driving is None:
            raise SfumatoError("--engine fomm needs --driving clip.mp4; record one with `python -m precompute record --out clip.mp4`.")
        return {
            "checkpoint": args.checkpoint, "config": args.config, "driving": args.driving,
            "mode": args.fomm_mode, "progress": not args.quiet,
        }
    return {}


def run(argv: list[str]) -> int:
    if argv and argv[0] == "record":
        from precompute.record import main as record_main

        return record_main(argv[1:])
    if argv and argv[0] == "speak":
        from precompute.speak import main as speak_main

        return speak_main(argv[1:])
    args = build_parser().parse_args(argv)
    from precompute.build import BuildConfig, build_bank  # heavy imports after argument errors

    sweep = SweepSpec(
        cols=args.frames, rows=args.rows, gaze_range=args.gaze_range, pitch_range=args.pitch_range,
        head_yaw=args.head_yaw, head_pitch=args.head_pitch,
    )
    out = args.out or Path("frames") / args.painting.stem
    cfg = BuildConfig(
        painting=args.painting, out=out, sweep=sweep, engine=args.engine, engine_options=_engine_options(args),
        face=args.face, margin=args.margin, blend=BlendParams(shape=args.blend, color_match=args.color_match),
        force=args.force, progress=not args.quiet,
    )
    folder = build_bank(cfg)
    print(f"bank: {folder}  ({sweep.rows * sweep.cols} frames)")
    print(f"contact sheet: {folder / 'contact_sheet.png'}")
    print(f"preview: {folder / 'preview.mp4'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns the exit code."""
    try:
        with stop_signals():
            return run(sys.argv[1:] if argv is None else argv)
    except Terminated as stop:
        print(f"stopped by {stop}; nothing was written.", file=sys.stderr)
        return stop.exit_code
    except SfumatoError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except MemoryError:
        print("error: out of memory; downscale the painting or close other programs.", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted; nothing was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
