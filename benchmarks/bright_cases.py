"""Which pixels make bench_rig's *bright* on each frame of a bank.

    python benchmarks/bright_cases.py BANK_DIR [BANK_DIR ...] --out DIR [--frames 0 8 16 24 32]

*bright* is the share of each eye's measured white (inside the painting's eye contour followed
into the frame, shrunk off the lid lines, outside a disc of the painted iris radius on the painted
iris found there) lighter than that eye's own measured pixels in the painting at their 90th
percentile + 3 L (:func:`sfumato.face.quality.bright_share`). Here every bright pixel is traced
back into the painting (the eye's fitted similarity, :func:`sfumato.face.white_match.fit_eyes`):

- *revealed*: it lay inside the painted iris, so the frame shows the rebuilt white there;
- *own*: it lay outside, and the painted pixel there is itself over the threshold (the painting's
  own light white, a highlight or a light lid rim) and the painting's measure counts it too;
- *unhidden*: the same, but the painting's measure left it out (under its disc of the painted
  iris radius, or off its shrunk contour): the frame's measured region, moved with the iris,
  takes in painted light pixels the painting's did not;
- *lifted*: it lay outside and the painted pixel was under the threshold (the rig lightened it).

Beside the threshold, each eye's painted white as the white measures take it
(:func:`sfumato.face.painted_reference.painted_white_paints`: the colour model's white, no lash,
iris rim or corner shade) at its 90th percentile + 3 L, so a threshold set by a measured region
that is mostly not white shows. Writes ``DIR/<bank>_bright.json`` (one row per frame) and, for the
worst frame, ``DIR/<bank>_bright.png``: per eye at 4x, the painting with its own bright pixels
(yellow) beside the frame's (magenta revealed, yellow own, orange unhidden, red lifted), measured
pixels outlined.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from white_dl_cases import NAMES, PaintedSide, cases, eye_box, frame_masks, outlined, painted_side  # noqa: E402
from white_dl_cases import main as cli  # noqa: E402

from sfumato.bank.format import load_bank  # noqa: E402
from sfumato.face.painted_reference import painted_white_paints  # noqa: E402
from sfumato.face.quality import shrunk_contour  # noqa: E402
from sfumato.face.revealed_white import painted_eyes  # noqa: E402
from sfumato.face.topology import EYES  # noqa: E402
from sfumato.imaging.lab import rgb_to_lab  # noqa: E402

ABOVE = 3.0  # bench_rig's bright: the painting's 90th percentile + this many L
COLOURS = {"revealed": (255, 0, 255), "own": (255, 255, 0), "unhidden": (255, 140, 0), "lifted": (255, 0, 0)}


def painted_white_levels(painting: np.ndarray, ps: PaintedSide) -> list[float]:
    """Each eye's painted white (``EYES`` order) as the white measures take it, at its 90th
    percentile + :data:`ABOVE` L; NaN where none is found."""
    lab = rgb_to_lab(painting)
    h, w = ps.light.shape
    cols = np.arange(w)[None, :].repeat(h, 0)
    out = []
    for pe in painted_eyes(painting, ps.landmarks):
        white = painted_white_paints(painting.astype(np.float32), shrunk_contour((h, w), pe.contour), pe.centre, pe.radius, cols < pe.centre[0], lab)
        out.append(float(np.percentile(ps.light[white], 90)) + ABOVE if white.any() else float("nan"))
    return out


def traced(ps: PaintedSide, k: int, affine: np.ndarray, ys: np.ndarray, xs: np.ndarray, threshold: float) -> np.ndarray:
    """Each frame pixel (``ys``, ``xs``) of eye ``k`` traced back into the painting by the eye's
    fitted ``affine`` ((2, 3) painting -> frame): (n,) str, ``revealed`` / ``own`` / ``unhidden`` /
    ``lifted`` (module docstring)."""
    inv = cv2.invertAffineTransform(affine)
    p = np.stack([xs, ys], 1).astype(np.float64) @ inv[:, :2].T + inv[:, 2]
    c = ps.landmarks[EYES[k].iris[0], :2]
    inside = np.hypot(p[:, 0] - c[0], p[:, 1] - c[1]) <= ps.radii[k]
    h, w = ps.light.shape
    at = (np.clip(np.round(p[:, 1]).astype(int), 0, h - 1), np.clip(np.round(p[:, 0]).astype(int), 0, w - 1))
    own = np.where(ps.masks[k][at], "own", "unhidden")
    return np.where(inside, "revealed", np.where(ps.light[at] > threshold, own, "lifted"))


def frame_case(ps: PaintedSide, thresholds: list[float], painting: np.ndarray, frame: np.ndarray, crop=None) -> tuple[dict, list] | None:
    """One frame's bright share and where its pixels come from (module docstring).

    Returns:
        The row (``bright``: pooled as bench_rig reads it; per eye ``share``, ``n``, and per kind
        ``[pixels, median frame L]``) and per eye (measured mask, bright ys, xs, kinds); None when
        FaceMesh finds no face in the frame.
    """
    found = frame_masks(ps, painting, frame, crop)
    if found is None:
        return None
    f_l, fits, masks = found
    row: dict = {}
    shares, pics = [], []
    for k, e in enumerate(NAMES):
        mask = masks[k]
        ys, xs = np.nonzero(mask & (f_l > thresholds[k]))
        kinds = traced(ps, k, fits[k].affine, ys, xs, thresholds[k]) if fits[k] is not None else np.full(len(ys), "lifted")
        n = int(mask.sum())
        row[e] = {"share": len(ys) / n if n else float("nan"), "n": n}
        for kind in COLOURS:
            sel = kinds == kind
            row[e][kind] = [int(sel.sum()), float(np.median(f_l[ys[sel], xs[sel]])) if sel.any() else float("nan")]
        if n:
            shares.append((row[e]["share"], n))
        pics.append((mask, ys, xs, kinds))
    row["bright"] = float(np.average([s for s, _ in shares], weights=[n for _, n in shares])) if shares else float("nan")
    return row, pics


def marked(image: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int], pixels: list, label: str, scale: int) -> np.ndarray:
    """:func:`white_dl_cases.outlined` (the measured pixels outlined in green) with ``pixels``
    ((ys, xs, kinds)) painted in their kind's colour first."""
    img = image.copy()
    ys, xs, kinds = pixels
    for kind, colour in COLOURS.items():
        sel = kinds == kind
        img[ys[sel], xs[sel]] = colour
    return outlined(img, mask, box, (0, 255, 0), label, scale)


def worst_picture(painting: np.ndarray, frame: np.ndarray, ps: PaintedSide, thresholds: list[float], row: dict, pics: list) -> np.ndarray:
    """(h, w, 3) uint8 RGB: per eye at 4x or more, the painting's bright pixels beside the frame's."""
    strips = []
    for k, e in enumerate(NAMES):
        box = eye_box(ps.landmarks, k)
        scale = max(4, int(round(240 / max(box[2] - box[0], 1))))
        ys, xs = np.nonzero(ps.masks[k] & (ps.light > thresholds[k]))
        a = marked(painting, ps.masks[k], box, [ys, xs, np.full(len(ys), "own")], f"painting {e} > {thresholds[k]:.1f} L: {len(ys)}/{int(ps.masks[k].sum())}", scale)
        mask, fy, fx, kinds = pics[k]
        r = row[e]
        b = marked(frame, mask, box, [fy, fx, kinds], f"{row['gaze']:+.0f} {r['share']:.2f}: rev {r['revealed'][0]} own {r['own'][0]} unhid {r['unhidden'][0]} lift {r['lifted'][0]}", scale)
        strips.append(np.concatenate([a, np.full((a.shape[0], 4, 3), 255, np.uint8), b], 1))
    w = max(s.shape[1] for s in strips)
    return np.concatenate([np.pad(s, ((0, 4), (0, w - s.shape[1]), (0, 0)), constant_values=255) for s in strips], 0)


def measure(bank_dir: Path, frames: list[int] | None, out: Path) -> list[dict]:
    """Per-frame bright rows of one bank; writes the JSON and the worst frame's picture under ``out``."""
    bank = load_bank(bank_dir, verify=False)
    painting, crop = bank.painting, bank.crop
    ps = painted_side(painting, crop)
    thresholds = [float(np.percentile(ps.light[m], 90)) + ABOVE for m in ps.masks]
    white_levels = painted_white_levels(painting, ps)
    rows, pics = [], {}
    for i, full, row, pic in cases(bank, frames, lambda f: frame_case(ps, thresholds, painting, f, crop)):
        rows.append(row)
        pics[i] = (full, pic)
        print(bank.name, i, f"{row['gaze']:+.1f} bright {row['bright']:.3f}", " ".join(
            f"{e} {row[e]['share']:.3f} of {row[e]['n']} (" + ", ".join(f"{kind} {row[e][kind][0]} at {row[e][kind][1]:.1f}" for kind in COLOURS) + ")"
            for e in NAMES), flush=True)
    out.mkdir(parents=True, exist_ok=True)
    summary = {"thresholds": thresholds, "painted_white_levels": white_levels,
               "measured_median": [float(np.median(ps.light[m])) for m in ps.masks], "rows": rows}
    (out / f"{bank.name}_bright.json").write_text(json.dumps(summary, indent=1))
    print(bank.name, "thresholds", [round(t, 1) for t in thresholds], "painted white p90 + 3", [round(t, 1) for t in white_levels],
          "measured pixels' median", [round(m, 1) for m in summary["measured_median"]])
    worst = max(rows, key=lambda r: r["bright"])
    img = worst_picture(painting, pics[worst["frame"]][0], ps, thresholds, worst, pics[worst["frame"]][1])
    cv2.imwrite(str(out / f"{bank.name}_bright.png"), img[:, :, ::-1])
    return rows


if __name__ == "__main__":
    cli(measure, __doc__)
