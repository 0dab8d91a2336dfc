"""How well the rig's lids fit the painted eye opening, and what fitting them costs.

    python benchmarks/bench_lid_fit.py [--testdata DIR] [--only NAME ...] [--repeats N] [--no-fit] [--png DIR]

For the bundled astronaut and every ``*.jpg`` in ``../shared/testdata`` (when present), the rig
engine is prepared on the head crop (FaceMesh, :func:`sfumato.rig.rig.extract_rig`), each eye is
rendered with its iris moved sideways, and measured:

| column | what |
|---|---|
| move up / lo | largest distance (pixels) any upper / lower lid point of either eye moved from FaceMesh's contour |
| move % | the same, largest of both lids, as a share of the eye's width (corner to corner) |
| band | the dark band the moved iris leaves under the upper lid, as the height of its vertical edge: in the rendered eye, the dark run (CIE L within DARK = 0.3 of the way from the ROI's 5th percentile to the painted white's median) of each column within half an iris radius of the painted upper lid (above the lower lid), averaged just inside the painted iris' edge (0.6..0.9 radii from its centre, where the rebuilt white now is) minus just outside it (1.1..1.4 radii: the lash line as painted), on each side the moved iris left (and where the opening is at least half an iris radius high), pixels; the iris moved 1.2 radii each way along the eye's axis, worst side, direction and eye. A correctly fitted opening leaves ~0 (the lash line runs on at its painted thickness); a lid contour that runs below the painted opening leaves the painted iris' top behind, a band thicker than the lash line beside it |
| band/r | band as a share of the iris radius (target <= 0.15) |
| fit ms | CPU ms of :func:`sfumato.rig.lid_fit.fit_lids` for both eyes (``time.process_time``, median of ``--repeats``) |
| rig ms | CPU ms of the whole :func:`sfumato.rig.rig.extract_rig` |

``--no-fit`` measures FaceMesh's own contours (the rig before the lids were fitted) for the
before/after comparison; ``--png DIR`` writes each painting's rendered eyes (painting, iris moved
each way; zoomed) for looking at.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.engines.rig import RigEngine  # noqa: E402
from sfumato.face.detect import find_faces  # noqa: E402
from sfumato.face.topology import EYES  # noqa: E402
from sfumato.geometry.crop import head_box, head_crop  # noqa: E402
from sfumato.imaging.painting import load_painting  # noqa: E402
from sfumato.rig import rig as rig_module  # noqa: E402
from sfumato.rig.eye import EyeLayers, render_eye  # noqa: E402
from sfumato.rig.lids import Lids  # noqa: E402
from sfumato.imaging.lab import lightness  # noqa: E402
from sfumato.rig.lid_fit import fit_lids  # noqa: E402

TESTDATA = ROOT.parent / "shared" / "testdata"
SHIFT = 1.2
"""The iris is moved this many of its radii each way."""
BAND_TARGET = 0.15
DARK = 0.3
"""A pixel is dark when its L lies within this share of the way from the ROI's 5th percentile to
the painted white's median (lash line, a black iris top; not the lid's soft shadow on the white)."""


def dark_run(light: np.ndarray, L: EyeLayers, u: np.ndarray, thr: float) -> np.ndarray:
    """(n,) pixels of dark (L < ``thr``) in each column ``u`` (n,) eye-frame u, within half an iris
    radius of the painted upper lid on either side (and above the lower lid)."""
    up, lo = L.lids.at(u.astype(np.float32))
    v = (up + 0.5 * L.radius)[None, :] - np.arange(0.0, L.radius, 0.25)[:, None]
    xy = L.frame.to_xy(np.stack(np.broadcast_arrays(u[None, :], v), -1)).astype(np.float32)
    prof = cv2.remap(light, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return ((prof < thr) & (v > lo[None, :] + 1.0)).sum(0) * 0.25


def band(L: EyeLayers, white_l: float, sign: int) -> tuple[float, np.ndarray]:
    """The band (pixels) with the iris moved ``sign`` * :data:`SHIFT` radii along u, and the render:
    at each side of the painted iris that the moved iris left, the dark run just inside the
    painted iris' edge (0.6..0.9 radii from its centre) minus the dark run just outside it (1.1..1.4
    radii), the larger side; nan when no side can be read."""
    r, cu = L.radius, float(L.rest[0])
    out = render_eye(L, np.array([sign * SHIFT * r, 0.0]))
    light = lightness(out)
    dark = float(np.percentile(lightness(L.image), 5))
    thr = dark + DARK * (white_l - dark)
    lo, hi = float(L.lids.u[0]) + 0.1 * r, float(L.lids.u[-1]) - 0.1 * r
    moved = (cu + sign * SHIFT * r - 1.1 * r, cu + sign * SHIFT * r + 1.1 * r)
    def cols(a: float, b: float) -> np.ndarray:
        u = np.arange(a, b, 0.25)
        up, low = L.lids.at(u.astype(np.float32))
        keep = (u > lo) & (u < hi) & ((u < moved[0]) | (u > moved[1])) & (up - low > 0.5 * r)  # not the corners' ends
        return u if keep.all() else u[:0]
    worst = float("nan")
    for side in (-1, 1):
        inside = cols(*sorted((cu + side * 0.6 * r, cu + side * 0.9 * r)))
        outside = cols(*sorted((cu + side * 1.1 * r, cu + side * 1.4 * r)))
        if len(inside) and len(outside):
            b = float(dark_run(light, L, inside, thr).mean() - dark_run(light, L, outside, thr).mean())
            worst = b if not np.isfinite(worst) else max(worst, b)
    return worst, out


def measure(image: np.ndarray, repeats: int, fit: bool, png: Path | None, name: str) -> dict[str, float] | None:
    faces = find_faces(image)
    if not faces:
        return None
    crop = head_crop(image, faces[0], head_box(faces[0], (image.shape[1], image.shape[0]), 0.6))
    calls: list[tuple] = []
    def spy(*args, **kw):
        calls.append(args)
        return fit_lids(*args, **kw) if fit else (args[2].astype(np.float64), args[3].astype(np.float64))
    with mock.patch.object(rig_module, "fit_lids", spy):
        eng = RigEngine()
        eng.prepare(crop)
        times = []
        for _ in range(repeats):
            t = time.process_time()
            rig_module.extract_rig(crop.image, np.asarray(crop.landmarks, np.float64))
            times.append(1000.0 * (time.process_time() - t))
    if not eng.eyes or eng.rig is None:
        return None
    fit_ms = []
    for _ in range(repeats):
        t = time.process_time()
        for args in calls[:2]:
            fit_lids(*args)
        fit_ms.append(1000.0 * (time.process_time() - t))
    lm = np.asarray(crop.landmarks, np.float64)
    move_up, move_lo, share = 0.0, 0.0, 0.0
    for e, er in zip(EYES, eng.rig.eyes):
        pts = lm[list(e.contour), :2]
        up, lo = Lids.split_contour(pts)
        up, lo = up[np.argsort(up[:, 0])], lo[np.argsort(lo[:, 0])]
        du = float(np.linalg.norm(np.asarray(er.upper) - up, axis=1).max())
        dl = float(np.linalg.norm(np.asarray(er.lower) - lo, axis=1).max())
        move_up, move_lo = max(move_up, du), max(move_lo, dl)
        share = max(share, max(du, dl) / (2 * er.half_width))
    worst, worst_r, tiles = -np.inf, -np.inf, []
    for L, er in zip(eng.eyes, eng.rig.eyes):
        rows = [L.image]
        for sign in (-1, 1):
            b, out = band(L, er.white_lightness[0], sign)
            rows.append(out)
            if np.isfinite(b) and b > worst:
                worst, worst_r = b, b / L.radius
        if png is not None:
            pts = np.concatenate([L.frame.to_xy(np.stack([L.lids.u, L.lids.upper], 1)), L.frame.to_xy(np.stack([L.lids.u, L.lids.lower], 1))])
            pad = 0.8 * L.radius
            x0, y0 = (np.maximum(pts.min(0) - pad, 0)).astype(int)
            x1, y1 = (pts.max(0) + pad).astype(int)
            tiles.append(np.concatenate([np.clip(x[y0:y1, x0:x1], 0, 255).astype(np.uint8) for x in rows], 0))
    if png is not None and tiles:
        h = max(t.shape[0] for t in tiles)
        tiles = [np.pad(t, ((0, h - t.shape[0]), (0, 2), (0, 0))) for t in tiles]
        zoom = max(1, int(round(600 / sum(t.shape[1] for t in tiles))))
        big = cv2.resize(np.concatenate(tiles, 1), None, fx=zoom, fy=zoom, interpolation=cv2.INTER_NEAREST)
        png.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(png / f"{name}.png"), cv2.cvtColor(big, cv2.COLOR_RGB2BGR))
    return {"move up": move_up, "move lo": move_lo, "move %": 100 * share, "band": worst, "band/r": worst_r,
            "fit ms": statistics.median(fit_ms), "rig ms": statistics.median(times)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--testdata", type=Path, default=TESTDATA, help="folder of test paintings (default %(default)s)")
    p.add_argument("--only", nargs="+", help="only these paintings (file stems, e.g. portrait_03 astronaut)")
    p.add_argument("--repeats", type=int, default=3, help="timing runs per painting (default %(default)s)")
    p.add_argument("--no-fit", action="store_true", help="measure FaceMesh's own contours (no lid fit)")
    p.add_argument("--png", type=Path, help="write each painting's rendered eyes here")
    args = p.parse_args(argv)
    from skimage import data

    jobs: list[tuple[str, np.ndarray]] = []
    if args.testdata.is_dir():
        jobs += [(f.stem, load_painting(f)) for f in sorted(args.testdata.glob("*.jpg"))]
    jobs.append(("astronaut", data.astronaut()))
    if args.only:
        jobs = [j for j in jobs if j[0] in args.only]
    cols = ["move up", "move lo", "move %", "band", "band/r", "fit ms", "rig ms"]
    print(f"lid fit {'off (FaceMesh contours)' if args.no_fit else 'on'}")
    print("| painting | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for name, image in jobs:
        row = measure(image, args.repeats, not args.no_fit, args.png, name)
        if row is None:
            print(f"| {name} | " + " | ".join("-" for _ in cols) + " |")
            continue
        cells = [f"{row[c]:.2f}" + (" FAIL" if c == "band/r" and row[c] > BAND_TARGET else "") for c in cols]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
