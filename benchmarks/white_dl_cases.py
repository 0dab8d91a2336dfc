"""Which pixels make bench_rig's *white dL* (the issue's measure) on each frame of a bank.

    python benchmarks/white_dl_cases.py BANK_DIR [BANK_DIR ...] --out DIR [--frames 0 8 16 24 32]

For every frame measured: the pooled white dL exactly as ``bench_rig.measure_bank`` reads it
(both eyes' pixels inside the painting's eye contour followed into the frame, shrunk off the lid
lines, outside a disc of the painted iris radius on the painted iris found there), and each eye's
own median and pixel count, frame and painting. Writes ``DIR/<bank>.json`` (one row per frame)
and, for the worst frame, ``DIR/<bank>_worst.png``: per eye at 4x, the painting's eye with its
measured pixels outlined (green) beside the frame's (red), each with its median.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.bank.format import load_bank  # noqa: E402
from sfumato.face.quality import eye_white_mask, erosion_depths, painted_iris_radii, steady_landmarks  # noqa: E402
from sfumato.face.topology import EYES  # noqa: E402
from sfumato.face.white_match import fit_eyes, followed_landmarks  # noqa: E402
from sfumato.imaging.lab import lightness  # noqa: E402

ERODE = 0.15  # bench_rig.ERODE
NAMES = ("imgL", "imgR")  # EYES order: the sitter's right eye is image-left


def eye_box(lm: np.ndarray, k: int, pad: float = 0.35) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) pixels round eye ``k``'s contour, ``pad`` of its width each side."""
    p = lm[list(EYES[k].contour), :2]
    w = float(np.ptp(p[:, 0]))
    (x0, y0), (x1, y1) = p.min(0) - pad * w, p.max(0) + pad * w
    return int(x0), int(y0), int(np.ceil(x1)), int(np.ceil(y1))


def outlined(image: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int], colour: tuple[int, int, int], label: str, scale: int = 4) -> np.ndarray:
    """(h*scale, w*scale, 3) uint8 RGB: ``image`` (H, W, 3) uint8 RGB cropped to ``box``, enlarged,
    the outline of ``mask`` ((H, W) bool) drawn in ``colour``, ``label`` written at the top."""
    x0, y0, x1, y1 = box
    crop = cv2.resize(np.ascontiguousarray(image[y0:y1, x0:x1]), None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    m = cv2.resize(mask[y0:y1, x0:x1].astype(np.uint8), None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    contours, _ = cv2.findContours(m, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(crop, contours, -1, colour, 1)
    cv2.putText(crop, label, (3, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 0), 1)
    return crop


def side_stats(light: np.ndarray, mask: np.ndarray, x: float, side: int) -> list[float]:
    """[median L, pixel count] of ``mask`` ((H, W) bool) left (``side`` 0) or right (1) of column
    ``x`` in ``light`` ((H, W) float32 L); NaN median where there are none."""
    m = mask & ((np.arange(mask.shape[1]) >= x) == bool(side))[None, :]
    return [float(np.median(light[m])) if m.any() else float("nan"), int(m.sum())]


@dataclass(frozen=True)
class PaintedSide:
    """The painting's side of white dL, measured once per bank as ``bench_rig`` measures it.

    Attributes:
        landmarks: (478, 3) jitter-averaged FaceMesh landmarks of the painting, pixels.
        radii: each eye's painted iris radius (``EYES`` order), pixels; depths: each eye's shrink
            off the lid lines, pixels.
        light: (H, W) float32 CIE L (0..100) of the painting.
        masks: each eye's measured pixels, (H, W) bool; median: the pooled median L of both.
    """

    landmarks: np.ndarray
    radii: tuple[float, float]
    depths: tuple[float, float]
    light: np.ndarray
    masks: tuple[np.ndarray, np.ndarray]
    median: float


def painted_side(painting: np.ndarray, crop=None) -> PaintedSide:
    """:class:`PaintedSide` of ``painting`` ((H, W, 3) uint8 RGB; ``crop`` the head box FaceMesh
    looks near, ``(x, y, w, h)``, or None)."""
    ref = steady_landmarks(painting, near=crop, samples=3)
    if ref is None:
        raise ValueError("FaceMesh finds no face in the painting")
    radii = painted_iris_radii(painting, ref)
    depths = erosion_depths(ref, ERODE)
    p_l = lightness(painting)
    fol = followed_landmarks(painting, painting, ref, ref, radii, fits=fit_eyes(p_l, p_l, ref, ref, radii))
    masks = tuple(eye_white_mask(p_l.shape, fol, radii, ERODE, only=k, depths=depths) for k in (0, 1))
    return PaintedSide(ref, radii, depths, p_l, masks, float(np.median(p_l[masks[0] | masks[1]])))  # type: ignore[arg-type]


def frame_masks(ps: PaintedSide, painting: np.ndarray, frame: np.ndarray, crop=None) -> tuple[np.ndarray, list, list[np.ndarray]] | None:
    """Each eye's measured pixels on ``frame`` ((H, W, 3) uint8 RGB) as ``bench_rig`` takes them
    (the painting's contour followed into the frame, shrunk as ``ps``, outside the painted iris'
    disc found there): the frame's (H, W) float32 L, each eye's fit
    (:func:`sfumato.face.white_match.fit_eyes`) and (H, W) bool mask; None when FaceMesh finds no
    face in the frame."""
    lms = steady_landmarks(frame, near=crop, samples=3)
    if lms is None:
        return None
    f_l = lightness(frame)
    fits = fit_eyes(ps.light, f_l, ps.landmarks, lms, ps.radii)
    fol = followed_landmarks(painting, frame, ps.landmarks, lms, ps.radii, fits=fits)
    return f_l, fits, [eye_white_mask(f_l.shape, fol, ps.radii, ERODE, only=k, depths=ps.depths) for k in (0, 1)]


def frame_case(ps: PaintedSide, painting: np.ndarray, frame: np.ndarray, crop=None) -> tuple[dict, list[np.ndarray]] | None:
    """One frame's white dL and where it comes from: ``frame`` (H, W, 3) uint8 RGB against
    ``painting`` measured as ``ps``.

    Returns:
        The row (``white_dl``: the pooled median L minus the painting's, as bench_rig reads it;
        per eye ``imgL`` / ``imgR``: ``frame_l``, ``frame_n``, ``painting_l``, ``painting_n``, and
        ``sides``: left and right of the painted (old) iris centre, each ``[frame median, frame n,
        painting median, painting n]``) and each eye's measured pixels ((H, W) bool); None when
        FaceMesh finds no face in the frame.
    """
    found = frame_masks(ps, painting, frame, crop)
    if found is None:
        return None
    f_l, fits, masks = found
    row: dict = {"white_dl": float(np.median(f_l[masks[0] | masks[1]])) - ps.median}
    for k, e in enumerate(NAMES):
        c = ps.landmarks[EYES[k].iris[0], :2].astype(np.float64)
        old = c if fits[k] is None else fits[k].affine[:, :2] @ c + fits[k].affine[:, 2]  # where the painted iris centre went
        row[e] = {"frame_l": float(np.median(f_l[masks[k]])) if masks[k].any() else float("nan"), "frame_n": int(masks[k].sum()),
                  "painting_l": float(np.median(ps.light[ps.masks[k]])), "painting_n": int(ps.masks[k].sum()),
                  "sides": [side_stats(f_l, masks[k], old[0], s) + side_stats(ps.light, ps.masks[k], c[0], s) for s in (0, 1)]}
    row["composed_l"] = composed_median(ps, row)
    for k, e in enumerate(NAMES):  # each eye alone: two eyes 50 L apart make a pooled median jump (portrait_07)
        r = row[e]
        r["composition_dl"] = composed_median(ps, row, only=k) - r["painting_l"]
        r["side_dl"] = r["frame_l"] - r["painting_l"] - r["composition_dl"]
    row["composition_dl"] = row["composed_l"] - ps.median
    row["side_dl"] = row["white_dl"] - row["composition_dl"]
    return row, masks


def composed_median(ps: PaintedSide, row: dict, only: int | None = None) -> float:
    """The painting's median L had its measured pixels been seen in the frame's shares: each
    painted pixel weighted by the frame's pixel count over the painting's in its cell (eye, side of
    the old iris), a weighted median. white dL minus (this minus the painting's median) is what is
    left when each side is compared with itself: the part the moved iris' cover (which sides, which
    eye show) makes is the measure's, the rest is where the frame's white differs side by side.
    NaN when a cell the frame shows has no painted pixel. ``only``: that eye alone (``EYES`` order)."""
    values, weights = [], []
    for k, e in enumerate(NAMES):
        if only is not None and k != only:
            continue
        c = ps.landmarks[EYES[k].iris[0], 0]
        for s, (_, fn, _, pn) in enumerate(row[e]["sides"]):
            if fn and not pn:
                return float("nan")
            if fn:
                m = ps.masks[k] & ((np.arange(ps.masks[k].shape[1]) >= c) == bool(s))[None, :]
                values.append(ps.light[m])
                weights.append(np.full(int(m.sum()), fn / pn))
    if not values:
        return float("nan")
    v, w = np.concatenate(values), np.concatenate(weights)
    order = np.argsort(v)
    cum = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cum, 0.5 * cum[-1])])


def worst_picture(painting: np.ndarray, frame: np.ndarray, ps: PaintedSide, row: dict, masks: list[np.ndarray]) -> np.ndarray:
    """(h, w, 3) uint8 RGB: per eye at 4x, the painting's eye with its measured pixels outlined
    (green) beside the frame's (red), each with its median L and pixel count."""
    strips = []
    for k, e in enumerate(NAMES):
        box = eye_box(ps.landmarks, k)
        scale = max(4, int(round(240 / max(box[2] - box[0], 1))))  # a small face's eye as large as a painting's
        a = outlined(painting, ps.masks[k], box, (0, 255, 0), f"painting {e} {row[e]['painting_l']:.1f} n{row[e]['painting_n']}", scale)
        b = outlined(frame, masks[k], box, (255, 0, 0), f"{row['gaze']:+.0f} {row[e]['frame_l']:.1f} n{row[e]['frame_n']}", scale)
        strips.append(np.concatenate([a, np.full((a.shape[0], 4, 3), 255, np.uint8), b], 1))
    w = max(s.shape[1] for s in strips)
    img = np.concatenate([np.pad(s, ((0, 4), (0, w - s.shape[1]), (0, 0)), constant_values=255) for s in strips], 0)
    cv2.putText(img, f"white dL {row['white_dl']:+.1f} (frame {row['frame']}): cover {row['composition_dl']:+.1f}, sides {row['side_dl']:+.1f}", (3, img.shape[0] - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 0, 255), 1)
    return img


def cases(bank, frames: list[int] | None, case) -> Iterator[tuple[int, np.ndarray, dict, object]]:
    """Each of ``frames`` of ``bank`` (all when None) measured by ``case(frame)`` ((H, W, 3) uint8
    RGB -> ``(row, extra)``, or None when FaceMesh finds no face there, then skipped): the frame's
    index, the frame, its row with ``frame`` and ``gaze`` first, and ``extra``."""
    for i in frames if frames is not None else range(len(bank)):
        full = bank.full_frame(i)
        found = case(full)
        if found is not None:
            yield i, full, {"frame": i, "gaze": float(bank.labels[i][0]), **found[0]}, found[1]


def measure(bank_dir: Path, frames: list[int] | None, out: Path) -> list[dict]:
    """Per-frame white dL rows of one bank (see the module docstring); writes the JSON and the
    worst frame's picture under ``out``."""
    bank = load_bank(bank_dir, verify=False)
    painting, crop = bank.painting, bank.crop
    ps = painted_side(painting, crop)
    rows, pics = [], {}
    for i, full, row, masks in cases(bank, frames, lambda f: frame_case(ps, painting, f, crop)):
        rows.append(row)
        pics[i] = (full, masks)
        print(bank.name, i, f"{row['white_dl']:+.1f} = composition {row['composition_dl']:+.1f} + sides {row['side_dl']:+.1f}", " ".join(
            f"{e} {row[e]['frame_l']:.1f}/{row[e]['painting_l']:.1f} (cover {row[e]['composition_dl']:+.1f}, sides {row[e]['side_dl']:+.1f}) n {row[e]['frame_n']}/{row[e]['painting_n']} sides "
            + " ".join("%.1f/%.1f n%d/%d" % (a, c, b, d) for a, b, c, d in row[e]["sides"]) for e in NAMES), flush=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{bank.name}.json").write_text(json.dumps({"painting_l": ps.median, "rows": rows}, indent=1))
    worst = max(rows, key=lambda r: abs(r["white_dl"]))
    img = worst_picture(painting, pics[worst["frame"]][0], ps, worst, pics[worst["frame"]][1])
    cv2.imwrite(str(out / f"{bank.name}_worst.png"), img[:, :, ::-1])
    return rows


def main(measure_bank=None, doc: str | None = None) -> None:
    """The command line: BANK_DIR... --out DIR [--frames ...], each bank measured by
    ``measure_bank(bank_dir, frames, out)`` (this module's :func:`measure` by default)."""
    p = argparse.ArgumentParser(description=doc or __doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("banks", nargs="+", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--frames", type=int, nargs="*", help="frame indices (all when left out)")
    args = p.parse_args()
    for b in args.banks:
        (measure_bank or measure)(b, args.frames, args.out)


if __name__ == "__main__":
    main()
