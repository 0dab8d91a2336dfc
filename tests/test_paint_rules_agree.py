"""The rig and the white measures each decide which side of an iris is painted with a white of its
own: the rig by count (sfumato.rig.painted_white.painted_white_sides: its own model finds MISSED
times the pixels the both-sides model finds there) or by hue and count (PAINT_FAR spreads off and more
pixels: a paint in its shade, since session 14), the measure by hue
(sfumato.face.painted_reference.painted_white_paints: its own model PAINT_HUE spreads off). Two
rules for one eye can part; this lists, on the bench paintings, every side where they do, and
fails on any not in :data:`PARTED` (and on any of it that no longer parts), so a change to either
rule that moves a side shows here. On ../shared only (the rules are each tested on synthetic eyes:
tests/test_white_by_side.py, tests/test_two_paint_reference.py).

Today they part on one side: portrait_03's image-left beige inner corner, another paint by hue
(2.20 spreads off) that the rig leaves to the both-sides model (which finds none of it there: its
fill is the shading model toned like the other side). Since side14 (session 14) also
portrait_20's image-right outer side: a blue-white sliver under a black band, 2.87 spreads off the
cream and 15 L under it, the rig's own paint in its shade (painted_white.PAINT_FAR, FAR_SHADE
20 L), the measure's not (it takes a side no more than SIDE_SHADE, 10 L, darker; the measures
were left as they are)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_orbit_light_holdout import PAINTINGS

PARTED = {("portrait_03", "image-left", "inner"), ("portrait_20", "image-right", "outer")}
"""(painting, eye, side of its iris) where one rule takes a white of its own and the other does not."""


def rig_sides(engine) -> list[tuple[bool, bool]]:
    """Per eye of a prepared :class:`~sfumato.engines.rig.RigEngine` (``EYES`` order): whether the
    rig takes the image-left and the image-right side of its iris as their own white."""
    from sfumato.imaging.lab import rgb_to_lab
    from sfumato.rig.iris import disc
    from sfumato.rig.lids import opening
    from sfumato.rig.painted_white import painted_white_sides

    out = []
    for e in engine.eyes:
        lab = rgb_to_lab(e.image)
        c, r, u_iris = np.asarray(e.frame.to_xy(e.rest), np.float64), float(e.radius), float(e.rest[0])
        cand = (opening(e.u, e.v, e.lids, 1.5 * e.edge + 0.5) > 0.99) & (disc(lab.shape[:2], c, r + 1.0, 1.0) < 0.5)
        _, own, _ = painted_white_sides(e.image, cand, c, r, 0.0, e.u < u_iris, lab)  # as sclera.white_and_hole
        low, high = bool((own & (e.u < u_iris)).any()), bool((own & (e.u >= u_iris)).any())
        out.append((low, high) if e.frame.axis[0] > 0 else (high, low))  # u grows toward image +x
    return out


def measure_sides(image: np.ndarray, landmarks: np.ndarray) -> list[tuple[bool, bool]]:
    """Per eye (``EYES`` order): whether the measure (its painted lids and iris,
    :func:`sfumato.face.revealed_white.painted_eyes`) takes the image-left and the image-right
    side as their own paint (:func:`sfumato.face.painted_reference.paint_sides`)."""
    from sfumato.face.lid_bands import between_lids
    from sfumato.face.painted_reference import paint_sides
    from sfumato.face.quality import shrunk_contour
    from sfumato.face.revealed_white import painted_eyes
    from sfumato.face.topology import EYES
    from sfumato.imaging.resize import points_box

    out = []
    for k, pe in enumerate(painted_eyes(image, landmarks)):
        x0, y0, x1, y1 = points_box(pe.contour, 3 * pe.radius, image.shape[1], image.shape[0])
        h, w = y1 - y0, x1 - x0
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        _, u, _ = between_lids(landmarks, EYES[k], xx + x0, yy + y0, pe.contour)
        uc = float(between_lids(landmarks, EYES[k], np.float32(pe.centre[0]), np.float32(pe.centre[1]), pe.contour)[1])
        left = u < uc  # as revealed_white.side_reference
        _, fired = paint_sides(image[y0:y1, x0:x1].astype(np.float32), shrunk_contour((h, w), pe.contour - [x0, y0]),
                               pe.centre - [x0, y0], pe.radius, left)
        out.append(fired)
    return out


def parted(name: str, rig: list[tuple[bool, bool]], measure: list[tuple[bool, bool]]) -> set[tuple[str, str, str]]:
    """The sides where the two rules part, named by eye (``EYES`` order: image-left, image-right)
    and side (inner: toward the other eye, or outer)."""
    out = set()
    for k, eye in enumerate(("image-left", "image-right")):
        for s, where in ((0, "image-left"), (1, "image-right")):
            if rig[k][s] != measure[k][s]:
                out.add((name, eye, "inner" if (where == "image-right") == (eye == "image-left") else "outer"))
    return out


def test_the_rig_and_the_measure_take_the_same_sides_as_their_own_paint():
    from sfumato.face.quality import steady_landmarks
    from sfumato.imaging.painting import load_painting
    from tests.conftest import TESTDATA
    from tests.crops import shared_rig

    if not (TESTDATA / "mona_lisa.jpg").is_file():
        pytest.skip(f"{TESTDATA} not present (../shared is optional)")
    found: set[tuple[str, str, str]] = set()
    for name in PAINTINGS:
        image = load_painting(TESTDATA / f"{name}.jpg")  # as bench_rig: the measure on the painting, the rig on its head crop
        lm = steady_landmarks(image, samples=3)
        assert lm is not None, name
        rig, measure = rig_sides(shared_rig(name)), measure_sides(image, lm)
        here = parted(name, rig, measure)
        print(f"{name}: rig {rig}, measure {measure}, parted {sorted(here)}")
        found |= here
    assert found == PARTED, (sorted(found - PARTED), sorted(PARTED - found))
