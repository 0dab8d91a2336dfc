"""Where the rebuilt eye white's colour comes from, band by band, on each half of the old iris.

    python benchmarks/white_sides.py PAINTING [PAINTING ...] [--json out.json]

The rig rebuilds the white where the iris was (:func:`sfumato.rig.sclera.white_and_hole`): each
side of the iris is filled from its own painted white (:func:`sfumato.rig.white_fill.two_sided_colour`),
the two fills are blended across the iris (:func:`sfumato.rig.white_fill.blend_weight`, half width
:func:`sfumato.rig.white_fill.meet`), the blend is shaded between the lids as the painted opening
beside the iris is (:func:`sfumato.rig.white_edge.match_lid_shade`) and the canvas grain and the
edge match are laid over it. A revealed white that does not look like the white painted beside it
on its side went wrong at one of these steps; this prints, for each eye (image-left first) and each
of 6 bands between the lids (t from the lower lid, the rig's lids), the median CIE Lab of:

- *painted*: the painted white (the rig's own mask, :func:`sfumato.rig.painted_white.painted_white_sides`)
  beside the iris on that side (1.1-2.3 iris radii from its centre);
- over that side's half of the old iris (more than 0.2 radii from the centre, inside 1 radius):
  *own fill* (that side's fill alone: the blend forced to it), *blend* (the fill as the rig blends
  it), *shaded* (after the lid shade) and *rebuilt* (the rig's rebuilt white at rest).

The rig is built on the painting's head crop as ``precompute`` does (:class:`~sfumato.engines.rig.RigEngine`),
with those steps watched (wrapped in place, their results unchanged). Written for portrait_07's
image-left eye (session 17; README, the notes under bench_rig's table).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sfumato.rig.eye as eye_module  # noqa: E402
import sfumato.rig.sclera as sclera  # noqa: E402
import sfumato.rig.white_fill as white_fill  # noqa: E402
from sfumato.engines.rig import RigEngine  # noqa: E402
from sfumato.face.detect import find_faces  # noqa: E402
from sfumato.geometry.crop import head_box, head_crop  # noqa: E402
from sfumato.imaging.lab import rgb_to_lab  # noqa: E402
from sfumato.imaging.painting import load_painting  # noqa: E402

BANDS = 6
STAGES = ("own fill", "blend", "shaded", "rebuilt")


class Watch:
    """The steps of :func:`sfumato.rig.sclera.white_and_hole` watched for each eye it rebuilds:
    ``eyes`` one dict per call, the ROI arrays each step gave ((h, w, 3) float32 RGB; masks (h, w) bool)."""

    def __init__(self) -> None:
        self.eyes: list[dict] = []
        self._saved: list[tuple[object, str, object]] = []

    def _wrap(self, module: object, name: str, wrapper) -> None:
        self._saved.append((module, name, getattr(module, name)))
        setattr(module, name, wrapper(getattr(module, name)))

    def __enter__(self) -> "Watch":
        def painted(f):
            def run(*a, **kw):
                out = f(*a, **kw)
                self._current["painted"] = out[0].copy()
                return out
            return run

        def fill(f):
            def run(image, known, model, u, v, lids, frame, u_iris, r, sigma, lean=None, shade=None, apart=False):
                out = f(image, known, model, u, v, lids, frame, u_iris, r, sigma, lean, shade, apart)
                cur = self._current
                if "blend" not in cur:  # the first fill: the colour, before its hue and lean
                    cur["blend"] = out
                    weight = white_fill.blend_weight
                    try:
                        for side in (0, 1):
                            white_fill.blend_weight = lambda known, u, *_, s=side, **__: np.full(u.shape, float(s), np.float32)
                            cur[f"own{side}"] = f(image, known, model, u, v, lids, frame, u_iris, r, sigma, lean, shade, apart)
                    finally:
                        white_fill.blend_weight = weight
                return out
            return run

        def shaded(f):
            def run(*a, **kw):
                out = f(*a, **kw)
                self._current["shaded"] = out
                return out
            return run

        def whole(f):
            def run(image, lids, frame, u, v, inside, c, r, edge):
                self._current = {}
                out = f(image, lids, frame, u, v, inside, c, r, edge)
                up, lo = lids.at(u)
                self._current.update(image=image, inside=inside > 0.5, c=np.asarray(c, float), r=float(r), rebuilt=out[0],
                                     t=(v - lo) / np.maximum(up - lo, 1.0))
                self.eyes.append(self._current)
                return out
            return run

        self._wrap(sclera, "painted_white_sides", painted)
        self._wrap(sclera, "lid_space_colour", fill)
        self._wrap(sclera, "match_lid_shade", shaded)
        self._wrap(eye_module, "white_and_hole", whole)
        return self

    def __exit__(self, *exc) -> None:
        for module, name, f in reversed(self._saved):
            setattr(module, name, f)


def eye_table(rec: dict) -> dict:
    """Per side (0: image-left of the iris centre) and band: the median Lab of the painted white
    beside the iris and of each stage over that side's half of the old iris (lists of 3 floats,
    None where fewer than 2 pixels)."""
    img, c, r, t, inside = rec["image"], rec["c"], rec["r"], rec["t"], rec["inside"]
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    d = np.hypot(xx - c[0], yy - c[1])
    labs = {"painted": rgb_to_lab(img), "blend": rgb_to_lab(rec["blend"]), "shaded": rgb_to_lab(rec["shaded"]),
            "rebuilt": rgb_to_lab(np.clip(rec["rebuilt"], 0, 255).astype(np.float32))}
    rows = {}
    for side, on in ((0, xx < c[0]), (1, xx > c[0])):
        own = rgb_to_lab(rec[f"own{side}"])
        half = inside & on & (d < r) & (np.abs(xx - c[0]) > 0.2 * r)
        beside = inside & on & (d > 1.1 * r) & (d < 2.3 * r) & rec["painted"]
        for b in range(BANDS - 1, -1, -1):
            band = (t >= b / BANDS) & (t < (b + 1) / BANDS)
            med = lambda lab, m: [round(float(x), 1) for x in np.median(lab[m], 0)] if m.sum() >= 2 else None  # noqa: E731
            rows[(side, b)] = {"painted": med(labs["painted"], beside & band), "own fill": med(own, half & band),
                               **{k: med(labs[k], half & band) for k in ("blend", "shaded", "rebuilt")}}
    return rows


def report(name: str, eyes: list[dict]) -> str:
    """The tables of one painting's eyes, markdown."""
    fmt = lambda v: "-" if v is None else " / ".join(f"{x:.1f}" for x in v)  # noqa: E731
    lines = [f"## {name}"]
    for k, rec in enumerate(sorted(eyes, key=lambda e: e["origin"])):
        lines += ["", f"{'image-left' if k == 0 else 'image-right'} eye: iris r {rec['r']:.1f} px (L / a / b)", "",
                  "| side | band | painted beside | " + " | ".join(STAGES) + " |", "|---|---|---|" + "---|" * len(STAGES)]
        for (side, b), row in rec["table"].items():
            lines.append(f"| {'left' if side == 0 else 'right'} | {b} | {fmt(row['painted'])} | " + " | ".join(fmt(row[s]) for s in STAGES) + " |")
    return "\n".join(lines)


def painting_eyes(path: Path) -> list[dict]:
    """The rig built on ``path``'s head crop, each eye's :func:`eye_table` and ROI origin."""
    image = load_painting(path)
    face = find_faces(image)[0]
    crop = head_crop(image, face, head_box(face, (image.shape[1], image.shape[0]), 0.6))
    with Watch() as watch:
        eng = RigEngine()
        eng.prepare(crop)
    if len(watch.eyes) != len(eng.eyes):
        raise SystemExit(f"{path}: watched {len(watch.eyes)} whites for {len(eng.eyes)} eyes")
    return [{"origin": int(e.roi[1].start), "r": rec["r"], "table": eye_table(rec)} for e, rec in zip(eng.eyes, watch.eyes)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paintings", type=Path, nargs="+")
    p.add_argument("--json", type=Path, help="also write the tables as JSON")
    args = p.parse_args()
    out = {}
    for path in args.paintings:
        eyes = painting_eyes(path)
        print(report(path.stem, eyes) + "\n")
        out[path.stem] = [{"origin": e["origin"], "r": e["r"], "rows": [{"side": s, "band": b, **row} for (s, b), row in e["table"].items()]}
                          for e in eyes]
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
