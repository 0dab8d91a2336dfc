"""A closed lid in a shaded orbit is as dark as the skin round it there, not a pale oval.

A stranger's measure (:func:`shade_step`): the closed lid's median CIE L (the rendered frame at
blink 1.0, between the corners, above the line where the lids meet) minus the median L of the
painted skin just round it (from 2 px to a quarter of the eye's half-width beyond the region a
closed lid covers, above the upper lid contour and past the corners; not the skin under the
eye). Positive: the closed lid is lighter than the skin round it.

portrait_07's image-left eye, in the shadow of her hair (above the eye and past its outer
corner), closed to a pale pink oval: +33 L (main at 340e265; the lid was lit toward the skin
under the eye, :data:`sfumato.rig.lid_plate.LID_LIT`, whatever the skin round it). Real
MediaPipe on the bundled astronaut with her orbits shaded round the eye, and the shared
paintings when ../shared is present.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.lid_plate import cover
from tests.crops import shared_rig
from tests.test_lid_outline import big_crop, big_engine, dark_orbit  # noqa: F401 (fixtures)

MAX_STEP = 6.0
"""The closed lid may be at most this much lighter (L) than the skin round it: the bench's
"within 6" for lightness (bench_rig's dL targets). Set by that reasoning before reading the
paintings; the lids of main at 340e265 read up to +33.1 (portrait_07's image-left lid) and
+46.2 (portrait_20), the shaded astronaut +29.4."""


def shade_step(e: EyeLayers) -> float:
    """Closed lid's median L minus that of the painted skin round it (see the module docstring)."""
    s = e.sheet
    full = (cover(e.u, e.v, e.frame, e.lids, e.lids.moved(0.0, 1.0), s.band_up, s.band_lo, s.soft, s.reach) > 0.5)
    k, full8 = np.ones((3, 3), np.uint8), full.astype(np.uint8)
    width = max(3, int(0.25 * e.frame.half_width))
    ring = (cv2.dilate(full8, k, iterations=width + 2) > 0) & ~(cv2.dilate(full8, k, iterations=2) > 0)
    up, _ = e.lids.at(e.u)
    past = (e.u < e.lids.u[0]) | (e.u > e.lids.u[-1])
    shut, _ = e.lids.moved(0.0, 1.0).at(e.u)
    lid = full & (e.v > shut + 1.0) & ~past
    ring &= (e.v > up) | past
    assert lid.sum() >= 5 and ring.sum() >= 8, "no closed lid or no skin round it"
    closed = rgb_to_lab(render_eye(e, np.zeros(2), 1.0))[..., 0]
    painted = rgb_to_lab(e.image)[..., 0]
    return float(np.median(closed[lid]) - np.median(painted[ring]))


def test_lid_in_a_shaded_orbit_closes_dark_repo_only(dark_orbit):  # noqa: F811
    """The astronaut with her orbits shaded round the eye (0.4 of the light above the lid, past
    both corners, down to the lower lid's rim; the skin under the eye lit: portrait_07's
    image-left eye): the closed lid is at most :data:`MAX_STEP` lighter than the skin round it."""
    steps = [shade_step(e) for e in dark_orbit._eyes]
    print("shaded astronaut: closed lid - skin round it, L", np.round(steps, 1))
    assert max(steps) <= MAX_STEP, np.round(steps, 1)


def test_lit_lid_is_not_darkened_repo_only(ast_engine: RigEngine):
    """On the astronaut (no shadow) the closed lid is no dark cap: at most :data:`MAX_STEP`
    darker than the skin round it (a guard: the cap on its light must not darken a lid in the
    light; it reads -0.8 and +7.6, her outer corners darker than her lids)."""
    steps = [shade_step(e) for e in ast_engine._eyes]
    print("astronaut: closed lid - skin round it, L", np.round(steps, 1))
    assert min(steps) >= -MAX_STEP, np.round(steps, 1)


LIGHT_FOLD = pytest.mark.xfail(strict=True, reason="a closed lid the light of its painted fold, lighter than the "
                                "orbit round it (portrait_11 +8.5, portrait_13 +6.6, portrait_20 +20.5 / +20.3; "
                                "at 340e265 +13.8, +17.8, +46.2 / +31.3)")
NAMES = ["mona_lisa", "portrait_02", "portrait_03", "portrait_07", "portrait_10", pytest.param("portrait_11", marks=LIGHT_FOLD),
         pytest.param("portrait_13", marks=LIGHT_FOLD), "portrait_14", "portrait_17", pytest.param("portrait_20", marks=LIGHT_FOLD)]


@pytest.mark.parametrize("name", NAMES)
def test_painted_closed_lid_is_no_lighter_than_its_orbit(name):
    """On the shared paintings every closed lid is at most :data:`MAX_STEP` lighter than the
    painted skin round it (portrait_07's image-left lid: +33.1 on main at 340e265, -1.0 now).
    Three paintings still fail it (strict xfail): their lids are now the colour of the painted
    fold they unfold (no longer lit toward the skin under the eye), and that fold is lighter
    than the orbit round it; whether the measure or the lid is wrong there is not settled."""
    eng = shared_rig(name)
    steps = [shade_step(e) for e in eng._eyes]
    print(name, "closed lid - skin round it, L", np.round(steps, 1))
    assert max(steps) <= MAX_STEP, np.round(steps, 1)
