"""Which FOMM layers can int8 take? Quantise one group of convs at a time and measure the damage.

Quality is measured on a checkpoint with trained-like weights (default: the shared tiny
checkpoint ../shared/fomm/tiny-random.pth.tar; without it, the repo-only stand-in of
tests/fomm_checkpoint.py). Calibration: the astronaut face crop (and portrait_02 from
../shared/testdata when present) driven by head-motion clips. Evaluation (never used for
calibration): the official reference source/driving frames (when present), the Mona Lisa
(when present) and the astronaut, driven by other head-motion clips.

Per row: mean / max absolute pixel difference of the prediction against the float32 graph
(0-255 scale), deformation drift (max displacement difference, pixels of the 256 px output)
and occlusion difference. Prints a markdown table.

    python benchmarks/fomm_int8_sensitivity.py [--checkpoint C --config Y] [--fine]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.fomm.onnx_runtime import FommOnnxRuntime  # noqa: E402
from sfumato.fomm.quality import Case, quality, run_cases  # noqa: E402

SHARED = ROOT.parent / "shared"


def evaluation_cases(faces_eval: Sequence[Tuple[str, np.ndarray]], seed: int = 1000) -> List[Case]:
    """(name, source (256,256,3), driving frames) for evaluation; reference data first when present."""
    from sfumato.fomm.calibration import head_motion_clip

    cases: List[Case] = []
    ref = SHARED / "fomm" / "tiny_reference.npz"
    if ref.is_file():
        with np.load(ref) as data:
            cases.append(("official reference", data["source"], list(data["driving"])))
    for i, (name, crop) in enumerate(faces_eval):
        cases.append((name, crop, head_motion_clip(crop, 6, seed + i)))
    return cases


def load_faces() -> Tuple[List[np.ndarray], List[Tuple[str, np.ndarray]]]:
    """(calibration crops, [(name, evaluation crop)])."""
    from skimage import data

    from sfumato.fomm.calibration import face_crop, read_rgb

    astro = face_crop(data.astronaut())
    calib, evals = [astro], [("astronaut (other motion)", astro)]
    testdata = SHARED / "testdata"
    if (testdata / "portrait_02.jpg").is_file():
        calib.append(face_crop(read_rgb(str(testdata / "portrait_02.jpg"))))
    if (testdata / "mona_lisa.jpg").is_file():
        evals.append(("mona lisa", face_crop(read_rgb(str(testdata / "mona_lisa.jpg")))))
    return calib, evals


def main(argv: Optional[List[str]] = None) -> int:
    global SHARED
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--config", default=None)
    ap.add_argument("--fine", action="store_true", help="also one ResBlock / up block at a time")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder (default: ../shared beside the repo)")
    args = ap.parse_args(argv)
    SHARED = Path(args.shared)

    from sfumato.fomm import load_fomm
    from sfumato.fomm.onnx_export import GENERATOR_INT8_FILE, export_onnx, face_calibration_feeds
    from sfumato.fomm.quantize import FAST_INT8_GROUPS, GROUP_PREFIXES, conv_groups, quantize_generator_int8

    if args.checkpoint:
        ckpt, cfg, label = Path(args.checkpoint), args.config, Path(args.checkpoint).name
    elif (SHARED / "fomm" / "tiny-random.pth.tar").is_file():
        ckpt, cfg = SHARED / "fomm" / "tiny-random.pth.tar", SHARED / "fomm" / "vox-tiny-model_params.yaml"
        label = "shared tiny checkpoint (trained-like weights)"
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from fomm_checkpoint import write_tiny_checkpoint  # repo-only stand-in

        tmp = Path(tempfile.mkdtemp(prefix="fomm_sens_ckpt_"))
        ckpt, cfg = write_tiny_checkpoint(tmp)
        label = "repo-only stand-in tiny checkpoint (tests/fomm_checkpoint.py)"
    work = Path(args.workdir or tempfile.mkdtemp(prefix="fomm_sens_"))
    model = load_fomm(ckpt, cfg)
    paths = export_onnx(model, work)
    calib, evals = load_faces()
    feeds = face_calibration_feeds(model, calib)
    cases = evaluation_cases(evals)
    exact = run_cases(FommOnnxRuntime(work, "exact"), cases)

    rows: List[Tuple[str, Sequence[str], bool]] = [("all convs (old fast mode)", ["all"], False)]
    rows += [(f"only {g}", [g], False) for g in GROUP_PREFIXES]
    if args.fine:
        rows += [(f"only {g}", [g], True) for g in conv_groups(paths["motion_generator"], fine=True)
                 if g.startswith(("bottleneck.", "up_blocks."))]
    rows.append((f"fast mode: {' + '.join(FAST_INT8_GROUPS)}", list(FAST_INT8_GROUPS), False))
    print(f"Checkpoint: {label}; calibration: {len(feeds)} feeds from {len(calib)} face crop(s); "
          f"evaluation: {sum(len(c[2]) for c in cases)} frames ({', '.join(c[0] for c in cases)})\n")
    print("| int8 convs | mean px diff | max px diff | 99.9th pct | deformation drift (px) | occlusion max diff |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, groups, fine in rows:
        quantize_generator_int8(paths["motion_generator"], work / GENERATOR_INT8_FILE, feeds, groups, fine=fine)
        q = quality(run_cases(FommOnnxRuntime(work, "int8"), cases), exact)
        print(f"| {name} | {q['mean']:.2f} | {q['max']:.1f} | {q['p999']:.1f} | {q['deform_px']:.2f} | {q['occ']:.3f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
