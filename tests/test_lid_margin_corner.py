"""The lid's line redrawn over the iris' old place takes its darkness from both sides of the iris,
also where the replaced region ends a few pixels short of a corner (:mod:`sfumato.rig.lid_margin`).

portrait_10's image-right eye: its painted line runs on dark and thick from the iris into the
outer corner, and the rebuilt white ends 3 px short of that corner. The margin's sample there
was skipped (its window did not fit before the corner), so the inner side's thin, light line was
drawn across the whole old place: over the revealed white the line was a lighter stretch, bench_rig's
line gap +8.5 (rig contour, this eye at -11..-30 degrees: +5.6..+9.5; without the margin at all
+3.1..+6.9, so the margin made it worse).
"""

from __future__ import annotations

import numpy as np

from sfumato.face.lid_line import darkest_along
from sfumato.imaging.lab import lightness
from sfumato.rig.lid_margin import draw_margin, lid_margin, margin_layer
from sfumato.rig.lids import EyeFrame, Lids
from tests.crops import shared_rig
from tests.test_lid_line import TARGET, _gap

SKIN, WHITE, IRIS = (200.0, 160.0, 140.0), (225.0, 220.0, 210.0), (60.0, 40.0, 35.0)
THIN, THICK = (75.0, 55.0, 50.0), (20.0, 15.0, 15.0)


def almond(h: int, w: int, centre: tuple[float, float]) -> tuple[EyeFrame, np.ndarray, np.ndarray, Lids, np.ndarray]:
    """A synthetic eye 80 px wide, level, centred at pixel ``centre`` of an (h, w) ROI: its
    frame, (h, w) eye-frame u and v, its lids (14 px over and 12 px under the corners' line
    mid-lid, parabolas) and (h, w) bool, the opening between them."""
    frame = EyeFrame(np.array(centre, np.float64), np.array([1.0, 0.0]), 40.0)
    u, v = frame.grids((h, w))
    grid = np.linspace(-40.0, 40.0, 64)
    lids = Lids(grid, 14.0 * (1 - (grid / 40) ** 2), -12.0 * (1 - (grid / 40) ** 2))
    up, lo = lids.at(u)
    return frame, u, v, lids, (v <= up) & (v >= lo) & (np.abs(u) < 40)


def _corner_eye(iris_u: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, EyeFrame, Lids, float]:
    """A synthetic eye 80 px wide: a thinner, lighter line (2.5 px, L ~25) over the upper lid on
    the inner side of the iris, a thick near-black one (3 px) from the iris into the outer corner, the
    iris (r 10 px) at eye-frame u ``iris_u`` merged with the line, and what the rebuilt white
    replaced (the iris inside the lid contour, no higher than a pixel over it): (painted, base
    (the white laid there), hole, frame, lids, r)."""
    h, w = 70, 120
    frame, u, v, lids, inside = almond(h, w, (60.0, 35.0))
    up, _ = lids.at(u)
    img = np.empty((h, w, 3), np.float32)
    img[:] = SKIN
    img[inside] = WHITE
    r = 10.0
    disc = np.hypot(u - iris_u, v - 2.0) < r
    img[disc & inside] = IRIS
    d = v - up
    img[(d >= 0) & (d < 2.5) & (u < iris_u) & (np.abs(u) < 40)] = THIN
    img[(d >= 0) & (d < 3.0) & (u >= iris_u - 0.5 * r) & (np.abs(u) < 40)] = THICK
    hole = (disc & (d < 1.0)).astype(np.float32)
    base = img.copy()
    base[hole > 0] = WHITE
    return img, base, hole, frame, lids, r


def _darkest(light: np.ndarray, frame: EyeFrame, lids: Lids, us: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The darkest L across the upper lid's line (2 px under the contour to 3 px over it) along
    it from eye-frame u ``us[0]`` to ``us[-1]``: ((n,) u of the points, (n,) their darkest)."""
    xy, dark = darkest_along(light, frame.to_xy(np.stack([us, np.interp(us, lids.u, lids.upper)], -1)), 2.0, 0.5, 3.0)
    return frame.to_uv(xy)[:, 0], dark


def _line_gap(iris_u: float) -> float:
    """The eye of :func:`_corner_eye` with its margin drawn (as once the iris has moved away):
    how much lighter the line over the old place is than the painted line beside it, that line
    running from the thin line's darkness 1.3 radii inside the iris to the thick line's at the
    corner (80th percentile along the old place, as :func:`sfumato.face.lid_line.line_gap`)."""
    img, base, hole, frame, lids, r = _corner_eye(iris_u)
    margin = lid_margin(img, base, hole, frame, lids, iris_u, r)
    assert margin is not None
    u, v = frame.grids(hole.shape)
    out = draw_margin(base, *margin_layer(margin, u, v, lids))
    ends = np.array([iris_u - 1.3 * r, 38.5])
    beside = [float(_darkest(lightness(img), frame, lids, np.array([x - 0.5, x, x + 0.5]))[1].min()) for x in ends]
    us = np.arange(iris_u - r, min(iris_u + r, 38.0), 0.5)
    at, dark = _darkest(lightness(out), frame, lids, us)
    return float(np.percentile(dark - np.interp(at, ends, beside), 80))


def test_a_line_into_the_corner_is_a_side_of_the_line():
    """The replaced region ends 2 px short of the outer corner (the iris at u 28 of 40): the
    line over the old place runs from the thin painted line's darkness to the thick one's
    running into that corner: +5.3 L (old code: the corner's side skipped, the inner side's line
    drawn across alone: +15.1). An iris further in (u 20), both sides sampled by old and new
    code alike: +0.1 both. The +5.3 is close to :data:`TARGET`: the corner's narrow opening
    limits how far under the contour the margin reaches on both sides (``lid_margin``'s
    ``below``), a known limit left as it is."""
    gaps = [_line_gap(iris_u) for iris_u in (28.0, 20.0)]
    print(np.round(gaps, 1))
    assert max(gaps) <= TARGET, gaps


def test_portrait_10_line_runs_on_into_the_outer_corner():
    """portrait_10's image-right eye with its iris moved toward the inner corner (the sweep's
    -11..-30 degree shifts): no lighter stretch over the old place (old code +5.6 / +6.2 / +8.0
    / +9.5 at -30 / -24 / -17 / -11; now +0.1..+0.4)."""
    eng = shared_rig("portrait_10")
    e = sorted(eng.eyes, key=lambda e: e.roi[1].start)[1]
    gaps = [_gap(e, eng._shift(e, yaw, 0.0)) for yaw in (-30.0, -24.0, -17.0, -11.0)]
    print(np.round(gaps, 1))
    assert np.isfinite(gaps).all() and max(gaps) <= TARGET / 2, gaps
