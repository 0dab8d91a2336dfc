"""The upper lid's line runs on unbroken across where the iris was (issue #8: "Lids clip it with a
soft edge and cast their shadow on it"; "nothing of the old iris remains").

A painted iris that touches the upper lid merges with its dark line. Before the rig redrew the
lid's margin across the iris' old place (:mod:`sfumato.rig.lid_margin`), the part of the line
inside the lid contour went with the iris, leaving a thin, broken line with dark blocks where the
replaced region's edge cut it (portrait_03's image-right eye at +21..+30 degrees). Measured with
:func:`sfumato.face.lid_line.line_gap` (how much lighter the line over the old place is than the
painted line beside the iris), along the rig's upper lid contour in each eye's region, the eye
rendered with its iris moved clear of its old place.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.face import lid_line
from sfumato.face.lid_line import darkest_along, line_gap
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.iris import lightness
from tests.crops import head_crop_of, shared_rig

TARGET = 6.0
"""The line over the old place is at most this much (L) lighter than the painted line beside it
(bench_rig's target)."""


def _upper_xy(e: EyeLayers) -> np.ndarray:
    """(K, 2) ROI x, y of the rig's upper lid contour, corner to corner."""
    return e.frame.to_xy(np.stack([e.lids.u, e.lids.upper], -1))


def _gap(e: EyeLayers, shift: np.ndarray) -> float:
    """:func:`line_gap` of ``e`` rendered with its iris moved ``shift`` (du, dv) eye-frame pixels."""
    out = render_eye(e, shift)
    old = e.frame.to_xy(e.rest)
    return line_gap(lightness(out), _upper_xy(e), lightness(e.image), _upper_xy(e), old, e.frame.to_xy(e.rest + shift), e.radius)


def _synthetic_lid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A dark line (L 10, 3 px) along a lid contour on a light ground (L 80), 120 x 60 px, eye
    100 px wide, whole and with a light break over x 52..63: (broken, whole, upper (21, 2) x, y)."""
    h, w = 60, 120
    xs = np.arange(10, 111, 5, dtype=np.float64)
    upper = np.stack([xs, 30 - 12 * np.sin(np.pi * (xs - 10) / 100)], -1)
    whole = np.full((h, w), 80.0, np.float32)
    cv2.polylines(whole, [np.round(upper).astype(np.int32)], False, 10.0, 3)
    broken = whole.copy()
    broken[:, 52:64] = 80.0
    return broken, whole, upper


def test_line_gap_reads_a_broken_line_and_passes_a_whole_one():
    """The measure itself: a dark line along a lid, whole or with a light break over the iris'
    old place (the iris moved to the right), on a light ground."""
    broken, whole, upper = _synthetic_lid()
    old, new, r = np.array([58.0, 25.0]), np.array([88.0, 25.0]), 10.0
    _, dark = darkest_along(whole, upper, 2.0)
    assert dark.max() < 20.0
    assert line_gap(whole, upper, whole, upper, old, new, r) < 2.0
    assert line_gap(broken, upper, whole, upper, old, new, r) > 40.0
    assert np.isnan(line_gap(whole, upper, whole, upper, old, old, r))  # the iris has not left


def _lid_with_crease(over: float, crease_l: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The synthetic lid of :func:`test_line_gap_reads_a_broken_line_and_passes_a_whole_one`
    (eye 100 px wide), its line broken over the old iris, with a crease of lightness ``crease_l``
    2 px thick ``over`` eye widths over the contour: (broken, whole, upper)."""
    broken, whole, upper = _synthetic_lid()
    crease = upper - np.array([0.0, over * 100.0])
    cv2.polylines(broken, [np.round(crease).astype(np.int32)], False, crease_l, 2)
    return broken, whole, upper


def test_line_gap_does_not_take_a_soft_or_high_crease_for_the_line():
    """A broken line under a crease: a crease softer than the liner (L 30 against the line's 10)
    0.07 eye widths over the contour, inside the band (:data:`sfumato.face.lid_line.ABOVE`, 0.1),
    still reads a gap (+20); one as dark as the line but 0.12 widths over it, outside the band,
    reads the whole break (+70)."""
    old, new, r = np.array([58.0, 25.0]), np.array([88.0, 25.0]), 10.0
    broken, whole, upper = _lid_with_crease(0.07, 30.0)
    assert line_gap(broken, upper, whole, upper, old, new, r) > 3 * TARGET
    broken, whole, upper = _lid_with_crease(0.12, 10.0)
    assert line_gap(broken, upper, whole, upper, old, new, r) > 40.0


@pytest.mark.xfail(strict=True, reason="a crease as dark as the liner within ABOVE (0.1 eye widths, doubled in a0ad4a3 for "
                   "portrait_10's FaceMesh contour 3 px under its line) is read as the line: 0.0 at 0.05-0.09 widths (tidy10)")
def test_line_gap_does_not_take_a_dark_crease_for_the_line():
    """A crease as dark as the liner 0.07 eye widths over a broken line: the measure's band over
    the contour reaches it and reads it as the line (a known limit, kept visible here)."""
    old, new, r = np.array([58.0, 25.0]), np.array([88.0, 25.0]), 10.0
    broken, whole, upper = _lid_with_crease(0.07, 10.0)
    assert line_gap(broken, upper, whole, upper, old, new, r) > TARGET


@pytest.fixture(scope="module")
def lined_iris(astronaut) -> RigEngine:
    return lined_iris_engine(astronaut)


def lined_iris_engine(astronaut: np.ndarray) -> RigEngine:
    """The astronaut at 3x with a dark liner painted along each upper lid, 3 px thick just over
    the lid contour, and over the iris the line and the iris' top painted as one dark mass, as
    on portrait_03: the line a hairline over the contour there, the iris dark from a third of
    its radius under the contour up into it."""
    from dataclasses import replace

    img = cv2.resize(astronaut, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    crop = head_crop_of(img)
    eng = RigEngine()
    eng.prepare(crop)
    paint = crop.image.copy()
    for e in eng.eyes:
        up, _ = e.lids.at(e.u)
        d = e.v - up  # pixels over the upper lid contour
        along = (e.u > e.lids.u[0]) & (e.u < e.lids.u[-1])
        over_iris = np.abs(e.u - e.rest[0]) < e.radius
        c = e.frame.to_xy(e.rest)
        yy, xx = np.mgrid[0:d.shape[0], 0:d.shape[1]]
        in_disc = np.hypot(xx - c[0], yy - c[1]) < e.radius
        line = along & (d >= 0.0) & (d < np.where(over_iris, 0.5, 3.0))
        top = in_disc & (d > -0.35 * e.radius) & (d < 1.0)
        rows, cols = e.roi
        paint[rows, cols][line | top] = (25, 15, 20)
    eng = RigEngine()
    eng.prepare(replace(crop, image=paint))
    assert len(eng.eyes) == 2
    return eng


def test_the_line_runs_on_where_the_iris_was(lined_iris):
    """With the iris moved 1.3 of its radii either way along the eye (clear of its old place),
    the line over its old place is at most :data:`TARGET` L lighter than the painted line beside
    it, in both eyes both ways (tidy10, main at bbad8f5: +1.4 / +1.6 / +1.6 / +2.3). The same eye
    rendered without the lid margin (``margin=None``, the old path) reads +5.3 / +4.2 / +8.0 /
    +6.0: lighter in every case, over :data:`TARGET` in one (the "20-30 L" quoted before was
    ca4946c's rig; today's white leaves the hairline over the iris partly standing). A weak
    negative control: portrait_03 below is the strong one."""
    from dataclasses import replace

    gaps, bare = [], []
    for e in lined_iris.eyes:
        for sign in (-1, 1):
            shift = np.array([sign * 1.3 * e.radius, 0.0])
            gaps.append(_gap(e, shift))
            bare.append(_gap(replace(e, margin=None), shift))
    print("with the margin", np.round(gaps, 1), "without", np.round(bare, 1))
    assert np.isfinite(gaps).all() and np.isfinite(bare).all(), (gaps, bare)
    assert max(gaps) <= TARGET, gaps
    assert all(b > g + 2.0 for g, b in zip(gaps, bare)), (gaps, bare)  # the margin is what closes it
    assert max(bare) > TARGET, bare  # and without it the measure fails


def test_an_unturned_eye_keeps_its_painted_line(lined_iris):
    """At rest the margin is not drawn (the eye is rendered as without it); moved, it is."""
    from dataclasses import replace

    for e in lined_iris.eyes:
        assert e.margin is not None
        bare = replace(e, margin=None)
        np.testing.assert_array_equal(render_eye(e, np.zeros(2)), render_eye(bare, np.zeros(2)))
        shift = np.array([1.3 * e.radius, 0.0])
        assert np.abs(render_eye(e, shift) - render_eye(bare, shift)).max() > 20.0


def test_portrait_03_line_runs_on_where_the_iris_was():
    """portrait_03's liner, black where its irises touch it: the eye rendered at the shifts of
    the sweep's +-21 and +-30 degree frames (each eye toward either side) has no gap over the
    iris' old place (tidy10, main at bbad8f5: at most +5.8, image-left eye at -21). Without the
    lid margin (``margin=None``, the old path) the image-left eye reads +18.1..+22.2 at all four
    shifts, the image-right one -4.2..+3.5 (its line is not cut)."""
    from dataclasses import replace

    eng = shared_rig("portrait_03")
    gaps, bare = [], []
    for e in sorted(eng.eyes, key=lambda e: e.roi[1].start):
        for yaw in (-30.0, -21.0, 21.0, 30.0):
            shift = eng._shift(e, yaw, 0.0)
            gaps.append(_gap(e, shift))
            bare.append(_gap(replace(e, margin=None), shift))
    print("with the margin", np.round(gaps, 1), "without", np.round(bare, 1))
    assert np.isfinite(gaps).all() and np.isfinite(bare).all(), (gaps, bare)
    assert max(gaps) <= TARGET, gaps
    assert min(bare[:4]) > 2 * TARGET, bare  # without the margin the image-left eye's line is broken


def test_a_dark_mass_beside_the_iris_is_not_the_line():
    """Beside the iris toward one corner the painting is dark under the contour too (the eye in
    shadow, as the Mona Lisa's image-right eye toward its outer corner: the rig rebuilds it as
    white): no lash line there to continue. The frame's line over the old place continues the
    painted line on the other side (L 30, as light as it is there) and reads no gap; the old
    measure took the dark mass (L 10) for the line and read +16. A real break on the same
    painting still reads one."""
    _, whole, upper = _synthetic_lid()
    old, new, r = np.array([58.0, 25.0]), np.array([88.0, 25.0]), 10.0
    line = np.round(upper).astype(np.int32)
    frame = np.full_like(whole, 80.0)
    cv2.polylines(frame, [line], False, 30.0, 3)
    painted = frame.copy()
    yy, xx = np.mgrid[0 : whole.shape[0], 0 : whole.shape[1]]
    under = yy >= np.interp(xx, upper[:, 0], upper[:, 1]) - 1.0
    painted[(xx >= 66) & under & (yy < np.interp(xx, upper[:, 0], upper[:, 1]) + 25.0)] = 10.0
    assert abs(line_gap(frame, upper, painted, upper, old, new, r)) < 2.0
    broken = frame.copy()
    broken[:, 52:64] = 80.0
    assert line_gap(broken, upper, painted, upper, old, new, r) > 40.0


def test_a_line_read_lighter_on_both_sides_of_the_old_place_is_no_break():
    """The frame's line reads lighter than the painting's all along the lid (L 20 against 10: a
    turned head's resampling, FaceMesh's contour on the frame lower under the line than on the
    painting, as on portrait_11's image-right eye at +21..+28 degrees, where the frame's line
    1.2-2 radii from the iris read 33-40 against the painting's 24-29; 10 L is
    :data:`sfumato.face.lid_line.MOST_LIGHTER`): no break over the old place (the measure before
    10cfb01 read the whole difference, +10). A break in that line still reads one."""
    _, whole, upper = _synthetic_lid()
    old, new, r = np.array([58.0, 25.0]), np.array([88.0, 25.0]), 10.0
    frame = np.full_like(whole, 80.0)
    cv2.polylines(frame, [np.round(upper).astype(np.int32)], False, 10.0 + lid_line.MOST_LIGHTER, 3)
    assert abs(line_gap(frame, upper, whole, upper, old, new, r)) < 2.0
    broken = frame.copy()
    broken[:, 52:64] = 80.0
    assert line_gap(broken, upper, whole, upper, old, new, r) > 40.0


def test_a_line_lightened_from_the_old_place_out_is_a_break(monkeypatch):
    """The correction for how the frame reads the line further out is capped
    (:data:`sfumato.face.lid_line.MOST_LIGHTER`): a rig that lightens the line from the old place
    out past 2.2 radii (the whole reach of the correction) is not excused. The frame's line reads
    8 L lighter than the painting's all along the lid (within what a re-rendered frame shows) and
    10 L more across the old place and out to 2.4 radii either side (L 28 against 10): it reads
    +8, over :data:`TARGET`; uncapped (10cfb01) it read 0.0, no gap. A 10 L break over the old
    place alone on the same lighter line reads +10 either way."""
    _, whole, upper = _synthetic_lid()
    old, new, r = np.array([58.0, 25.0]), np.array([88.0, 25.0]), 10.0
    frame = np.full_like(whole, 80.0)
    cv2.polylines(frame, [np.round(upper).astype(np.int32)], False, 18.0, 3)
    lightened = frame.copy()
    lightened[:, 34:83] = np.where(frame[:, 34:83] < 80.0, 28.0, 80.0)
    capped = line_gap(lightened, upper, whole, upper, old, new, r)
    monkeypatch.setattr(lid_line, "MOST_LIGHTER", np.inf)
    uncapped = line_gap(lightened, upper, whole, upper, old, new, r)
    monkeypatch.undo()
    broken = frame.copy()
    broken[:, 49:68] = np.where(frame[:, 49:68] < 80.0, 28.0, 80.0)
    print("lightened out past 2.2 radii: capped", round(capped, 1), "uncapped", round(uncapped, 1),
          "a break over the old place", round(line_gap(broken, upper, whole, upper, old, new, r), 1))
    assert capped > TARGET, capped
    assert abs(uncapped) < 2.0, uncapped  # what the cap is for: uncapped, no gap
    assert line_gap(broken, upper, whole, upper, old, new, r) > TARGET


def test_an_eye_with_no_line_beside_its_iris_is_told_apart():
    """An eye whose painted line is a dark mass on both sides of the iris (no side a line over
    the eye) reads NaN, and :func:`sfumato.face.lid_line.line_sides` says why (0 sides), so
    bench_rig reports it ("n/a (no line)", or how many eyes it read) instead of dropping it; the
    dark mass on one side only leaves the other (1 side)."""
    import importlib.util
    from pathlib import Path

    _, whole, upper = _synthetic_lid()
    old, new, r = np.array([58.0, 25.0]), np.array([88.0, 25.0]), 10.0
    yy, xx = np.mgrid[0 : whole.shape[0], 0 : whole.shape[1]]
    lid_y = np.interp(xx, upper[:, 0], upper[:, 1])
    mass = (yy >= lid_y - 1.0) & (yy < lid_y + 25.0)
    one, none = whole.copy(), whole.copy()
    one[(xx >= 66) & mass] = 10.0
    none[mass] = 10.0
    assert lid_line.line_sides(whole, upper, old, r) == 2
    assert lid_line.line_sides(one, upper, old, r) == 1
    assert lid_line.line_sides(none, upper, old, r) == 0
    assert np.isnan(line_gap(whole, upper, none, upper, old, new, r))
    spec = importlib.util.spec_from_file_location("bench_rig", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_rig.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.line_cell({"line_frames": 0, "line_no_line": 2}, "n/a") == "n/a (no line)"
    assert bench.line_cell({"line_frames": 0, "line_no_line": 0}, "n/a") == "n/a (not moved)"
    assert bench.line_cell({"line_frames": 9, "line_gap": 2.5, "line_eyes_read": 1, "line_no_line": 1}, "ok") == "+2.5 ok [1 of 2 eyes, 1 no line]"
    assert bench.line_cell({"line_frames": 9, "line_gap": 2.5, "line_eyes_read": 2, "line_no_line": 0}, "ok") == "+2.5 ok"


def _bank_gaps(name: str, frames: tuple[int, ...]) -> list[float]:
    """bench_rig's line gap of the image-right eye (the face's left, :data:`EYES` [1]) on the
    sweep's ``frames`` of ``../shared/testdata/NAME.jpg`` (the crop as rendered, head turn
    included; FaceMesh averaged over 3 jittered copies, as bench_rig)."""
    from sfumato.face.quality import painted_iris_radii, steady_landmarks
    from sfumato.face.topology import EYES
    from sfumato.imaging.lab import rgb_to_lab
    from sfumato.rig.lids import Lids

    def upper(lm: np.ndarray) -> np.ndarray:
        up, _ = Lids.split_contour(np.asarray(lm)[list(EYES[1].contour), :2])
        return up[np.argsort(up[:, 0])]

    eng = shared_rig(name)
    paint = eng._crop  # the head crop the rig was prepared on
    ref = steady_landmarks(paint, samples=3)
    r = painted_iris_radii(paint, ref)[1]
    gaps = []
    for i in frames:
        frame = eng.render(i)
        lm = steady_landmarks(frame, samples=3)
        assert lm is not None and ref is not None
        gaps.append(line_gap(rgb_to_lab(frame)[..., 0], upper(lm), rgb_to_lab(paint)[..., 0], upper(ref), ref[EYES[1].iris[0], :2], lm[EYES[1].iris[0], :2], r))
    return gaps


def test_mona_lisa_and_portrait_11_lines_run_on():
    """The Mona Lisa's image-right eye at -26 and -22 degrees (sweep frames 2, 4), portrait_11's
    at +21 and +24 (27, 29): the rim over the revealed white continues the painted line beside
    the iris (looked at, 8-12x), and the measure says so: -4.0 / -3.7 and -3.1 / -0.9, at most
    :data:`TARGET`. The measure before (no test that a side is a line over the eye, no correction
    for how the frame reads the line further out) read +8.7 / +9.0 (the dark mass toward the Mona
    Lisa's outer corner taken for her line) and +6.0 / +8.2 (portrait_11's whole line read
    lighter on the turned frames)."""
    ml = _bank_gaps("mona_lisa", (2, 4))
    p11 = _bank_gaps("portrait_11", (27, 29))
    print("mona_lisa", np.round(ml, 1), "portrait_11", np.round(p11, 1))
    assert np.isfinite(ml + p11).all() and max(ml + p11) <= TARGET, (ml, p11)
