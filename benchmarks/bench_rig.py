"""How the painting rig's frames look from outside: FaceMesh on every full output frame.

    python benchmarks/bench_rig.py [--testdata DIR] [--only NAME ...] [--engine rig] [--keep DIR]
    python benchmarks/bench_rig.py --bank frames/mona_lisa --bank frames/astronaut

Builds a default bank (``python -m precompute PAINTING``) for every ``*.jpg`` in
``../shared/testdata`` (when present) and for the bundled astronaut, or measures the banks
given with ``--bank``. Every frame is pasted into the painting (the full frame a visitor sees)
and measured with FaceMesh, against the painting measured the same way
(:mod:`sfumato.face.quality`, :mod:`sfumato.face.gaze`):

| column | measure | target |
|---|---|---|
| iris r | iris radius / the painting's, the frame furthest from 1 | 0.8 .. 1.2 |
| (per eye) | each eye's own iris radius / the painting's, its frame furthest from 1 (``EYES`` order: the face's right eye, on the image's left, first): the column above averages both eyes, so an eye turned into its outer corner can read 0.66 while the frame's mean reads 0.77 (portrait_10) | for comparison |
| white dL | median eye-white L (Lab) minus the painting's, largest (the issue's measure: it compares the painting's white beside its iris, shaded corners included, with whatever white the frame shows, so it moves with the iris even when no white changed); the eye white is inside the eye contour shrunk by ``ERODE`` of the opening height (off the lid lines) and outside a disc of the painting's own fitted iris radius around FaceMesh's iris centre, landmarks averaged over ``--mesh-samples`` jittered copies; in the frame the contour is the painting's moved where the painted eye went and the iris disc sits on the painted iris found there (:func:`sfumato.face.white_match.followed_landmarks`: FaceMesh's own half-pixel jitter moved enough dark rim pixels in or out of a half-dark white to read +6.6 on portrait_07's gaze-0 frame, nearly the painting) | within 6 |
| (old dL) | the same with FaceMesh's human-sized iris disc, the raw contour and one FaceMesh run (the measure before: it counts a large painted iris' rim as white, and moves by a few L between near-identical frames) | for comparison |
| (centre) | white dL of the centre frame (gaze 0, nearly the painting): a sanity check of the measure itself, ~0 when it is fair | ~0 |
| common dL | median L over the eye white visible in BOTH painting and frame (the same painting pixels, followed into the frame), frame minus painting, largest (:mod:`sfumato.face.white_match`): did the rig change the white it should leave alone | within 6 |
| revealed dL (db) | median L where the painted iris was and the frame's iris is not (the rebuilt white), each pixel minus the painting's painted white on ITS side of the old iris centre (up to 2.3 iris radii along the eye) at the same place between the lids (a side painted with another paint than the other, portrait_03's grey outer white, its own white, not the both-sides colour model's, which takes the grey's liner as that white in shade: :func:`sfumato.face.painted_reference.painted_white_paints`; 6 bands between the painted lids, the old iris the painted one: FaceMesh's fitted to the painting's pixels as the rig fits them; each band's reference the white within half a band beyond it, at least 3 pixels a side; :mod:`sfumato.face.revealed_white`), each eye against itself, largest; in brackets its b (yellow-blue) difference; the frame's iris is FaceMesh's refined by matching the painted iris; an eye counts only where the revealed white covers at least 0.1 of the painted iris' visible area (``white_match.MIN_REVEALED``); n/a (neither ok nor FAIL) when no frame reveals that much; [N fr] is how many frames were measured; only pixels with painted white on their own side at their height count (since review13). "(other N% [M fr]: dL / dE ab, no verdict)": the revealed pixels with none (a side whose iris meets the corner), their share and worst frames against the other side's white in THEIR side's light, times the median luminance of the skin round their side of the orbit over the other side's (:class:`sfumato.face.revealed_white.OrbitLight`); not a verdict: that model fails its hold-out on the bench eyes painted on both sides (tests/test_orbit_light_holdout.py; README) | within 6 |
| (both sides) | the same against the mean of both sides' white, band by band between FaceMesh's lids (the measure of sessions 7-8, printed for one session: a white copied exactly from a lit side read lighter, from a shaded side darker); [N fr] its frames | for comparison |
| revealed dE ab | the revealed white's colour difference from the same painted white on its side, CIE a and b only (hue and chroma: a tan patch in a yellow white, a grey one in a warm white, which the L columns miss), largest (:mod:`sfumato.face.white_match`); in brackets both sides' (sessions 7-8) | <= 6 |
| no-white side (light / ghost) | the revealed white on a side of the old iris with no painted white of its own at its height (the "other" pixels above: a side whose iris meets the corner), judged with no light model (:mod:`sfumato.face.almond`): per frame, each such eye side's median L (at least 4 pixels, in frames where the other column counts) over that side's light, largest: the painted skin round that side of the orbit (:func:`sfumato.rig.orbit_shade.orbit`, beyond the old iris' edge), or that side's own painted white at other heights where it has 4 pixels and is lighter (since session 15: a photograph's lit white is lighter than its skin); and how far it is over its ghost bound, least: at least 10 L over the painted iris' median L, or half way from the iris to that skin where that is less (``Almond.ghost``); where that skin is under 20 L over the iris lightness cannot tell a shaded white from the iris, so a side under the bound fails only if it keeps at least 0.3 of the old iris' own pattern there ("(kept K)": 1 - var(frame - painting) / var(painting) at those pixels; the Mona Lisa's old iris left 0.94-0.99, resampled half a pixel off 0.57, her rendered white 0.06-0.09); [N fr] is how many frames had such pixels; n/a when none. Set on the Mona Lisa (session 13's almond rule), no held-out set | <= +6 / >= 0 |
| grain (flat / sandy) | the revealed white's fine texture against the range the painting shows round that eye (since session 15): robust spread of the second differences of ln(L + 16) (the grain relative to the local light) along rows and columns within each set, the revealed white off its lid-line and rim pixels, the frame sampled in whole pixels (:mod:`sfumato.face.grain_match`), each eye over the lower (flat) and over the higher (sandy) of its painted white's and its skin ring's; least flat and largest sandy of any eye and frame. Before, one ratio against the painted white alone (``GrainMatch.ratio``, in --json as ``grain``): on portrait_02 / 03 / 07 that white's fine contrast is shading strokes and reflexes, 2.3-5 x the skin's, and a white with the skin's grain read 0.3-0.4; n/a when no frame reveals enough white | >= 0.6 / <= 1.5 |
| specks | the rebuilt white where the rig lays it (the eye with its iris taken out, painting pixels, over the old iris; the rig rebuilt from the bank's rig.json by the code checked out, so a bank built by older code is read as today's code would rebuild it) against the painting's painted white beside its iris (:func:`sfumato.face.grain_match.speck_match`): dark: its darkest specks (98th percentile of how much darker a pixel is than its 3 x 3 neighbours' median) over the painted white's; fine: its fine contrast (second differences, each direction about its own median) over the painted white's; grey: the share of its dark specks (3 L under their neighbours' median) greyer than their neighbours by 3 C* (:func:`sfumato.face.speck_hue.greyer_specks`: specks of a hue the painted white lacks, its own 0.00-0.14; nan: fewer than 10 dark specks); in brackets beyond: the share of its specks darker than the painted white's darkest, a check, not a verdict (the rig never lays a speck darker than the painted white's darkest: near 0 by construction, it cannot fail on today's code); the eye nearest to failing printed; n/a when the painted white is too small to measure (the astronaut) | <= 1.5 / 1.5 / 0.25 (~0) |
| line gap | how much lighter the upper lid's line is over the iris' old place than the painted line beside it (:func:`sfumato.face.lid_line.line_gap`: along FaceMesh's upper lid contour on the frame, the darkest L across a band from 0.05 eye widths under it to 0.1 over it (FaceMesh's contour may lie under the painted line), at the points within an iris radius of the old place and off the new one, its 80th percentile minus the painted line's darkness beside the iris, either side's median, mixed across; a side counts only where it is a line over the eye, the painting 0.1-0.2 eye widths under it at least 15 L lighter; that side's line taken as much lighter, up to 10 L, as the frame reads it 1.6-2.2 radii out than the painting does), each eye, largest; [N of 2 eyes, M no line] when fewer than both eyes were read, M of them because neither side of the painted line beside the iris is a line over the eye (:func:`sfumato.face.lid_line.line_sides`; the rest: no frame moved that iris off its old place); n/a (no line) when no eye has a line to continue, n/a (not moved) when no frame moved an iris off its old place | <= 6 |
| bright | share of eye-white pixels (as for white dL) brighter than the painting's 90th percentile + 3 L, each eye against its own (:func:`sfumato.face.quality.bright_share`: pooled, a shaded eye pulls the threshold down and a lit eye's own white counts as too bright), the eyes weighted by their pixels, largest | <= 0.15 |
| closed (outline / corner) | the centre frame at blink 1.0 against the painting, each eye (``EYES`` order): the edge the closed lid adds where it meets the skin, over the painting's own skin detail round the eye, on its top and sides, and past each corner (:mod:`sfumato.face.closed_lid`); n/a for a bank with no blink frames | <= 0.8 / 0.8 |
| sharp | variance of the Laplacian over the inner half of the head crop / the painting's, smallest | >= 0.85 |
| iris shown (per eye) [at] | how much of the painted iris a frame shows, from outside (:mod:`sfumato.face.iris_shown`): each pixel counted as much iris as its Lab colour lies from the painted white's median toward the painted iris', summed inside the painted opening (fitted to the painting's pixels, moved where the painted eye went) within 1.15 iris radii of the painted iris found in the frame, over the painting's sum; the least of any eye and frame, each eye's least, the gaze label of that frame. *iris r* cannot see an iris pushed under a corner; this reads foreshortening, the corners' cover, the lids and the head turn's squeeze of the far corner | >= 0.5 |
| gaze range | 9 evenly spaced frames of the middle row, each averaged over ``--samples`` jittered copies: max - min, eye half-widths | >= 0.5 |
| gaze order | reversed steps among those 9 | 0 |

*painted dL* (the frame's visible eye white, the painted white still white plus the revealed white,
against ALL of the painting's painted white; in the table until session 13) is no longer a column,
only ``painted_dl`` in ``--json`` rows: its pixels are common dL's (the same painting pixels,
measured there pair by pair) and revealed dL's (measured there against each side's own white in
its light), and what it adds is which pixels are visible. On the Mona Lisa (main at 919d3a1) its
-20..-25 L at frames 0-7 come from 21-86 pixels of her image-right eye where common dL has 0-6 (her
lit inner white is under the moved iris) and revealed dL none at frames 2-7 (under
``MIN_REVEALED``): the rebuilt white on her shaded side against her lit white, the false error
:class:`sfumato.face.revealed_white.OrbitLight` took out of revealed dL. From frame 8 on, where
common dL is measured, it reads common dL plus the share it sees (painting visible minus all:
+0.4..+1.8 L). Per side, or per pixel, it would reproduce those two columns.

A frame where FaceMesh finds no face fails every per-frame column. Each cell is the worst
frame's value, then ``ok`` or ``FAIL``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sfumato.bank.format import Bank, load_bank  # noqa: E402
from sfumato.face.gaze import measure_gaze  # noqa: E402
from sfumato.face.lid_line import line_gap, line_sides  # noqa: E402
from sfumato.face.topology import EYES  # noqa: E402
from sfumato.rig.lids import Lids  # noqa: E402
from sfumato.face.grain_match import TARGET as GRAIN_TARGET, grain_match, speck_match  # noqa: E402
from sfumato.face.iris_shown import TARGET as SHOWN_TARGET, ShownMeter, shown_cell  # noqa: E402
from sfumato.face.quality import (  # noqa: E402
    bright_share, erosion_depths, eye_iris_radii, eye_stats, face_landmarks, gaze_order, laplacian_variance, painted_iris_radii, steady_landmarks,
)
from sfumato.face.revealed_white import painted_eyes  # noqa: E402
from sfumato.face.almond import worst as worst_almond  # noqa: E402
from sfumato.face.closed_lid import bank_closed  # noqa: E402
from sfumato.face.white_match import fit_eyes, followed_landmarks, white_match  # noqa: E402
from sfumato.imaging.lab import rgb_to_lab  # noqa: E402

TESTDATA = ROOT.parent / "shared" / "testdata"
ERODE = 0.15
"""The eye contour is shrunk by this fraction of the opening height for the eye-white columns
(FaceMesh's contour runs along the lid lines; their dark pixels are not eye white)."""
TARGETS = {"iris": (0.8, 1.2), "white_dl": 6.0, "common_dl": 6.0, "revealed_dl": 6.0, "revealed_dab": 6.0, "line_gap": 6.0, "bright": 0.15, "sharp": 0.85,
           "gaze_range": 0.5, "reversed": 0, "grain": GRAIN_TARGET, "iris_shown": SHOWN_TARGET}


def measure_bank(bank: Bank, samples: int, mesh_samples: int = 3, progress: bool = True) -> dict:
    """The worst frame's value of every column for one bank (see the module docstring)."""
    painting = bank.painting
    crop = bank.crop
    ref_lm = face_landmarks(painting, near=crop)
    ref_steady = steady_landmarks(painting, near=crop, samples=mesh_samples)
    if ref_lm is None or ref_steady is None:
        raise SystemExit(f"{bank.folder}: FaceMesh finds no face in the painting itself")
    radii = painted_iris_radii(painting, ref_steady)
    p_lab = rgb_to_lab(painting)  # once per bank; each frame once below, for every measure
    p_l = p_lab[..., 0]
    ref = eye_stats(painting, ref_steady, radii, ERODE, light=p_l)  # FaceMesh's iris radius
    # each eye's shrink off the lid lines in pixels, once: recomputed on every frame's fitted
    # contour it flipped between whole pixels with a 1 % wobble of the fit (quality.shrunk_contour)
    depths = erosion_depths(ref_steady, ERODE)
    ref_fits = fit_eyes(p_l, p_l, ref_steady, ref_steady, radii)
    ref_followed = followed_landmarks(painting, painting, ref_steady, ref_steady, radii, fits=ref_fits)
    ref_white = eye_stats(painting, ref_followed, radii, ERODE, light=p_l, depths=depths)
    ref_eyes = [eye_stats(painting, ref_followed, radii, ERODE, only=k, light=p_l, depths=depths) for k in (0, 1)]
    ref_old = eye_stats(painting, ref_lm, light=p_l)
    ref_lap = laplacian_variance(painting, crop)
    ref_eye_r = eye_iris_radii(ref_steady)
    iris_eyes: list[tuple[float, float]] = []
    # an eye with no side of its painted line a line over the eye reads no line gap on any frame
    line_eyes = [line_sides(p_l, upper_lid(ref_steady, e), ref_steady[e.iris[0], :2], radii[k]) > 0 for k, e in enumerate(EYES)]
    gap_eyes: set[int] = set()
    iris, dl, dl_old, bright, sharp, missing = [], [], [], [], [], 0
    common, revealed, revealed_db, revealed_dab, painted, centre_dl = [], [], [], [], [], float("nan")
    ring, ring_dab, both, both_dab, other, revealed_n, grain, gaps = [], [], [], [], 0, 0, [], []
    other_dl, other_dab = [], []  # the pixels with no painted white on their side: reported, not a verdict
    almonds, almond_frames = [], 0  # ... and their own verdict with no light model (sfumato.face.almond)
    eyes = painted_eyes(painting, ref_steady)  # the painted lids and irises, once (revealed_white.side_reference)
    shown = ShownMeter(p_lab, eyes, radii, ref_fits)
    for i in tqdm(range(len(bank)), desc=bank.name, unit="frame", leave=False, disable=not progress):
        full = bank.full_frame(i)
        sharp.append(laplacian_variance(full, crop) / ref_lap)
        lm = face_landmarks(full, near=crop)
        lms = steady_landmarks(full, near=crop, samples=mesh_samples)
        if lm is None or lms is None:
            missing += 1
            continue
        f_lab = rgb_to_lab(full)
        f_l = f_lab[..., 0]
        st = eye_stats(full, lms, radii, ERODE, light=f_l)
        iris.append(st.iris_radius / ref.iris_radius)
        iris_eyes.append(tuple(r / r0 for r, r0 in zip(eye_iris_radii(lms), ref_eye_r)))
        # the white where the painted eye went (FaceMesh's half-pixel jitter of the contour on a
        # half-dark white moves the median by several L), outside the painted iris found there:
        # one fit of each eye for this and for white_match
        fits = fit_eyes(p_l, f_l, ref_steady, lms, radii)
        followed = followed_landmarks(painting, full, ref_steady, lms, radii, fits=fits)
        white = eye_stats(full, followed, radii, ERODE, light=f_l, depths=depths)
        dl.append(white.white_median - ref_white.white_median)
        shown(i, f_lab, fits)
        m = white_match(painting, full, ref_steady, lms, radii, ERODE, lab=(p_lab, f_lab), fits=fits, eyes=eyes)
        common.append(m.common_dl)
        painted.append(m.white_dl)
        if np.isfinite(m.revealed_dl):
            revealed.append(m.revealed_dl)
            revealed_db.append(m.revealed_db)
            revealed_n += m.revealed_n
        if np.isfinite(m.other_dl):
            other_dl.append(m.other_dl)
            other_dab.append(m.other_dab)
            other += m.revealed_other
        if m.almonds:
            almonds += m.almonds
            almond_frames += 1
        if np.isfinite(m.both_dl):
            both.append(m.both_dl)
            both_dab.append(m.both_dab)
        if np.isfinite(m.revealed_dab):
            revealed_dab.append(m.revealed_dab)
        if np.isfinite(m.ring_dl):
            ring.append(m.ring_dl)
            ring_dab.append(m.ring_dab)
        g = grain_match(painting, full, ref_steady, lms, radii, ERODE, lab=(p_lab, f_lab), fits=fits)
        if np.isfinite(g.ratio):
            grain.append((g.ratio, g.flat, g.sandy))
        for k, e in enumerate(EYES):
            gap = line_gap(f_l, upper_lid(lms, e), p_l, upper_lid(ref_steady, e), ref_steady[e.iris[0], :2], lms[e.iris[0], :2], radii[k])
            if np.isfinite(gap):
                gaps.append(gap)
                gap_eyes.add(k)
        if i == bank.center_index:
            centre_dl = white.white_median - ref_white.white_median
        dl_old.append(eye_stats(full, lm, light=f_l).white_median - ref_old.white_median)
        bright.append(bright_share([eye_stats(full, followed, radii, ERODE, only=k, light=f_l, depths=depths) for k in (0, 1)], ref_eyes))
    rows, cols = bank.grid
    row = rows // 2
    picks = np.unique(np.round(np.linspace(0, cols - 1, min(9, cols))).astype(int)) + row * cols
    gaze = []
    for i in picks:
        g = measure_gaze(bank.full_frame(int(i)), samples=samples)
        gaze.append(np.nan if g is None else g[0])
    order = gaze_order(np.array(gaze))
    specks = bank_specks(bank)
    closed = [{"outline": c.outline, "corner": c.corner, "ok": c.ok} for c in bank_closed(bank, ref_lm)]
    worst = lambda v, key: (max(v, key=key) if v else float("nan"))  # noqa: E731
    return {
        "bank": str(bank.folder), "engine": bank.manifest["engine"]["name"], "frames": len(bank), "no_face": missing,
        "painting_iris_px": ref.iris_radius, "painting_white_l": ref_white.white_median, "painting_lap": ref_lap,
        "iris": worst(iris, lambda r: abs(r - 1.0)),
        "iris_eyes": [worst([t[k] for t in iris_eyes], lambda r: abs(r - 1.0)) for k in (0, 1)], "white_dl": worst(dl, abs), "white_dl_old": worst(dl_old, abs),
        "centre_dl": centre_dl, "painted_dl": worst([c for c in painted if np.isfinite(c)], abs), "common_dl": worst([c for c in common if np.isfinite(c)], abs),
        "revealed_dl": worst(revealed, abs), "revealed_frames": len(revealed),
        "revealed_db": revealed_db[int(np.argmax(np.abs(revealed)))] if revealed else float("nan"),
        "revealed_dab": worst(revealed_dab, float), "ring_dl": worst(ring, abs), "ring_dab": worst(ring_dab, float),
        "revealed_other": other / (revealed_n + other) if revealed_n + other else float("nan"),
        "other_dl": worst(other_dl, abs), "other_dab": worst(other_dab, float), "other_frames": len(other_dl),
        **almond_row(almonds), "almond_frames": almond_frames,
        "both_dl": worst(both, abs), "both_frames": len(both), "both_dab": worst(both_dab, float),
        "painted_iris_px": [round(r, 2) for r in radii],
        "grain": worst([g[0] for g in grain], lambda g: abs(np.log(g))), "grain_frames": len(grain),
        "grain_flat": min((g[1] for g in grain), default=float("nan")), "grain_sandy": max((g[2] for g in grain), default=float("nan")),
        "line_gap": worst(gaps, float), "line_frames": len(gaps), "line_eyes_read": len(gap_eyes), "line_no_line": line_eyes.count(False),
        "specks": specks, "closed": closed,
        "bright": worst(bright, float), "painting_bright": bright_share(ref_eyes, ref_eyes),
        "sharp": min(sharp), "sharp_frame": int(np.argmin(sharp)),
        **shown.row(bank.labels),
        "gaze": [round(float(g), 4) for g in gaze], "gaze_range": order["range"], "reversed": order["reversed_steps"],
        "steps": order["steps"],
    }


def bank_specks(bank: Bank) -> list[dict]:
    """Each eye's :func:`sfumato.face.grain_match.speck_match` (``dark``, ``fine``, ``grey``, ``beyond``,
    ``worst``) on the rig rebuilt from the bank (``RigEngine.from_bank``: its own rig.json, no
    FaceMesh); [] for a bank of another engine or without a rig."""
    from sfumato.engines.rig import RigEngine
    from sfumato.rig.model import RIG_FILE

    if bank.manifest["engine"]["name"] != "rig" or not (Path(bank.folder) / RIG_FILE).is_file():
        return []
    found = [speck_match(e) for e in RigEngine.from_bank(bank.folder).eyes]
    return [{"dark": m.dark, "fine": m.fine, "grey": m.grey, "beyond": m.beyond, "worst": m.worst} for m in found]


def worst_specks(r: dict) -> dict | None:
    """The measured eye of :func:`bank_specks` whose ``worst`` is largest (None: none measured)."""
    eyes = [e for e in r.get("specks", []) if np.isfinite(e["worst"])]
    return max(eyes, key=lambda e: e["worst"]) if eyes else None


def upper_lid(landmarks: np.ndarray, eye) -> np.ndarray:
    """(K, 2) x, y: the upper lid contour of ``eye`` (:data:`EYES`), corner to corner, left to right."""
    up, _ = Lids.split_contour(np.asarray(landmarks)[list(eye.contour), :2])
    return up[np.argsort(up[:, 0])]


def verdicts(r: dict) -> dict[str, bool | None]:
    """Pass/fail of each column for a :func:`measure_bank` row (None: not measured)."""
    ok_frames = r["no_face"] == 0
    lo, hi = TARGETS["iris"]
    return {
        "iris": ok_frames and lo <= r["iris"] <= hi,
        "white_dl": ok_frames and abs(r["white_dl"]) <= TARGETS["white_dl"],
        "common_dl": ok_frames and abs(r["common_dl"]) <= TARGETS["common_dl"],
        # None: no frame revealed enough white to measure (printed n/a, neither ok nor FAIL)
        "revealed_dl": None if not r.get("revealed_frames", 1) else ok_frames and abs(r["revealed_dl"]) <= TARGETS["revealed_dl"],
        "revealed_dab": None if not r.get("revealed_frames", 1) else ok_frames and r["revealed_dab"] <= TARGETS["revealed_dab"],
        # None: no frame revealed a side with no painted white (n/a); a side with no skin ring: the iris bound alone
        "almond": None if not r.get("almond_frames", 0) else ok_frames and r["almond_ok"],
        "grain": None if not r.get("grain_frames", 0) else ok_frames and TARGETS["grain"][0] <= r["grain_flat"] and r["grain_sandy"] <= TARGETS["grain"][1],
        "line_gap": None if not r.get("line_frames", 0) else ok_frames and r["line_gap"] <= TARGETS["line_gap"],
        "specks": None if worst_specks(r) is None else bool(worst_specks(r)["worst"] <= 1.0),
        "closed": all(c["ok"] for c in r["closed"]) if r.get("closed") else None,
        "bright": ok_frames and r["bright"] <= TARGETS["bright"],
        "sharp": r["sharp"] >= TARGETS["sharp"],
        "iris_shown": None if not np.isfinite(r.get("iris_shown", float("nan"))) else ok_frames and r["iris_shown"] >= TARGETS["iris_shown"],
        "gaze_range": r["gaze_range"] >= TARGETS["gaze_range"],
        "reversed": r["reversed"] == TARGETS["reversed"],
    }


def build_default_bank(painting: Path, out: Path, engine: str | None, frames: int | None) -> Path:
    """``python -m precompute PAINTING --out OUT`` in-process (the default bank unless told)."""
    from precompute.cli import main as precompute

    argv = [str(painting), "--out", str(out), "--force", "--quiet"]
    argv += ["--engine", engine] if engine else []
    argv += ["--frames", str(frames)] if frames else []
    t = time.perf_counter()
    if precompute(argv) != 0:
        raise SystemExit(f"{painting}: the bank build failed (see above)")
    print(f"built {out.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return out


def paintings(testdata: Path, only: list[str] | None, folder: Path) -> list[Path]:
    """The test paintings plus the astronaut (written as PNG into ``folder``)."""
    from skimage import data

    found = sorted(testdata.glob("*.jpg")) if testdata.is_dir() else []
    ast = folder / "astronaut.png"
    cv2.imwrite(str(ast), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    out = found + [ast]
    return [p for p in out if not only or p.stem in only]


def specks_cell(r: dict) -> str:
    """``dark / fine / grey`` of the worse eye (:func:`worst_specks`), then ``(beyond)`` in brackets: a
    check, no part of the verdict (:attr:`sfumato.face.grain_match.SpeckMatch.worst`)."""
    e = worst_specks(r)
    return "nan" if e is None else f"{e['dark']:.2f} / {e['fine']:.2f} / {e.get('grey', float('nan')):.2f} ({e['beyond']:.2f})"


def closed_cell(r: dict) -> str:
    """Each eye's closed-lid outline / corner (:mod:`sfumato.face.closed_lid`); empty for a bank with no blinks."""
    return ", ".join(f"{c['outline']:.2f} / {c['corner']:.2f}" for c in r.get("closed", []))


def line_cell(r: dict, mark: str) -> str:
    """The line gap cell: the worst gap and its mark, how many eyes were read when not both and
    how many of the others have no painted line to continue; n/a with its reason when none."""
    no_line = r.get("line_no_line", 0)
    if not r.get("line_frames", 0):
        return {2: "n/a (no line)", 1: "n/a (1 eye no line, 1 not moved)"}.get(no_line, "n/a (not moved)")
    read = r.get("line_eyes_read", 2)
    return f"{r['line_gap']:+.1f} {mark}" + (f" [{read} of 2 eyes, {no_line} no line]" if read < 2 else "")


def almond_row(almonds: list) -> dict:
    """The bank's :class:`sfumato.face.almond.Almond` readings summed up for its row: the largest
    median L over a side's light, the least over a ghost bound with that side's kept pattern, and
    whether every side of every frame is ok (:func:`sfumato.face.almond.worst`)."""
    light, ghost, ok = worst_almond(almonds)
    nan = float("nan")
    return {"almond_light": light, "almond_ghost": ghost.ghost if ghost else nan,
            "almond_kept": ghost.kept if ghost else nan, "almond_ok": bool(ok)}


def almond_cell(r: dict, mark: str) -> str:
    """The revealed white on sides with no painted white (:mod:`sfumato.face.almond`): the worst
    frames' median L over that side's light and over its ghost bound, with "(kept K)", the share of
    the old iris' pattern that side keeps, where it is under that bound, [N fr], or n/a."""
    if not r.get("almond_frames", 0):
        return "n/a"
    kept = f" (kept {r['almond_kept']:.2f})" if r["almond_ghost"] < 0 and np.isfinite(r["almond_kept"]) else ""
    return f"{r['almond_light']:+.1f} / {r['almond_ghost']:+.1f}{kept} {mark} [{r['almond_frames']} fr]"


def other_cell(r: dict) -> str:
    """The revealed pixels with no painted white on their own side (not a verdict): their share,
    worst dL and dE ab against the other side's white in their light (OrbitLight), or nothing."""
    if not r.get("other_frames"):
        return ""
    return f" (other {r['revealed_other']:.0%} [{r['other_frames']} fr]: {r['other_dl']:+.1f} / {r['other_dab']:.1f} ab, no verdict)"


def table(rows: list[dict]) -> str:
    """The markdown table: worst frame per column, each marked ok / FAIL."""
    mark = lambda ok: "n/a" if ok is None else "ok" if ok else "FAIL"  # noqa: E731
    lines = [
        "| painting | engine | frames | iris r (per eye) | white dL (centre) | (old dL) | common dL | revealed dL (db) | (both sides) | revealed dE ab (both sides) | no-white side (light / ghost) | grain (flat / sandy) | specks (dark / fine / grey) (beyond) | line gap | bright "
        "| closed (outline / corner) | sharp (frame) | iris shown (per eye) [at] | gaze range | gaze order |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| target | | | 0.8..1.2 | within 6 | (FaceMesh disc) | within 6 | within 6 | (before) | <= 6 | <= +6 / >= 0 | >= 0.6 / <= 1.5 | <= 1.5 / 1.5 / 0.25 (~0) | <= 6 | <= 0.15 | <= 0.8 / 0.8 | >= 0.85 | >= {SHOWN_TARGET} | >= 0.5 "
        "| 0 reversed |",
    ]
    for r in rows:
        v = verdicts(r)
        nf = f" ({r['no_face']} no face)" if r["no_face"] else ""
        lines.append(
            f"| {Path(r['bank']).name} | {r['engine']} | {r['frames']}{nf} | {r['iris']:.2f} ({r['iris_eyes'][0]:.2f} / {r['iris_eyes'][1]:.2f}) {mark(v['iris'])} "
            f"| {r['white_dl']:+.1f} ({r['centre_dl']:+.1f}) {mark(v['white_dl'])} | ({r['white_dl_old']:+.1f}) "
            f"| {r['common_dl']:+.1f} {mark(v['common_dl'])} "
            f"| {r['revealed_dl']:+.1f} ({r['revealed_db']:+.1f}) {mark(v['revealed_dl'])} [{r['revealed_frames']} fr]{other_cell(r)} "
            f"| ({r['both_dl']:+.1f} [{r['both_frames']} fr]) | {r['revealed_dab']:.1f} ({r['both_dab']:.1f}) {mark(v['revealed_dab'])} | {almond_cell(r, mark(v['almond']))} | {r['grain_flat']:.2f} / {r['grain_sandy']:.2f} {mark(v['grain'])} | {specks_cell(r)} {mark(v['specks'])} | {line_cell(r, mark(v['line_gap']))} | {r['bright']:.2f} {mark(v['bright'])} "
            f"| {closed_cell(r)} {mark(v['closed'])} | {r['sharp']:.2f} ({r['sharp_frame']}) {mark(v['sharp'])} | {shown_cell(r, mark(v['iris_shown']))} | {r['gaze_range']:.2f} {mark(v['gaze_range'])} "
            f"| {r['reversed']}/{r['steps']} {mark(v['reversed'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bank", type=Path, action="append", help="measure this bank (repeatable) instead of building")
    p.add_argument("--testdata", type=Path, default=TESTDATA, help="folder of test paintings (default %(default)s)")
    p.add_argument("--only", nargs="+", help="only these paintings (file stems, e.g. mona_lisa astronaut)")
    p.add_argument("--engine", help="build with this engine instead of the default")
    p.add_argument("--frames", type=int, help="frames per bank (default: precompute's)")
    p.add_argument("--samples", type=int, default=8, help="jittered FaceMesh runs per gaze frame (default %(default)s)")
    p.add_argument("--mesh-samples", type=int, default=3,
                   help="jittered FaceMesh runs averaged for the eye-white columns (default %(default)s)")
    p.add_argument("--keep", type=Path, help="build the banks into this folder and keep them")
    p.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = p.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.bank:
            banks = args.bank
        else:
            where = args.keep or Path(tmp)
            where.mkdir(parents=True, exist_ok=True)
            banks = [build_default_bank(pt, where / pt.stem, args.engine, args.frames)
                     for pt in paintings(args.testdata, args.only, Path(tmp))]
            if not banks:
                raise SystemExit("no paintings matched --only")
        for b in banks:
            rows.append(measure_bank(load_bank(b), args.samples, args.mesh_samples))
            print(f"measured {Path(b).name}", file=sys.stderr)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
