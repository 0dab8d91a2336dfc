"""The closing lid has no outline: where it meets the skin it has no more edge than the painting.

A stranger's measure (:func:`outline_ratio`): at a blink, along the outline of the lid a
closing eye shows over its moving margin (where the lid's cover is between 0.15 and 0.85, more
than its soft width over the margin: not the lash line), the median gradient magnitude of the
frame's lightness, over the larger of the painting's own median gradient there and that of the
painted skin just outside the region a closed lid covers (over the lid). 1: the lid's edge is
as strong as the painting's skin or lines there; a pasted plate with a hard rim reads several.

Past the corners the closing lid has no lash line over its lower edge: there that edge counts
too (:func:`outline_ratio` with ``ends``: the notch portrait_02's inner corner had, review16).

Real MediaPipe on the bundled astronaut (and a variant of it with the orbit shaded round the
eye, as on portrait_07), and the shared paintings when ../shared is present.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.iris import lightness
from sfumato.rig.lid_plate import cover
from tests.crops import head_crop_of, shared_rig

MAX_OUTLINE = 1.5
"""The lid's outline may be at most this many times the painting's gradient there or around it
(the paintings now: 0.4-1.4 at blink 0.35-1.0; the old plate: 4.8 on portrait_07, 2.1-2.4 on portrait_11
and 20, at blink 0.5)."""


def _gradient(light: np.ndarray) -> np.ndarray:
    """|grad| of (h, w) lightness (3x3 Sobel, per pixel): (h, w) float32."""
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return np.hypot(gx, gy)


def outline_ratio(e: EyeLayers, blink: float, ends: bool = False) -> float:
    """How hard the closing lid's outline is at ``blink`` (see the module docstring); with
    ``ends``, of its outline past the corners only (where no lash line hides its lower edge: the
    notch portrait_02's inner corner had), NaN where it has none there."""
    s = e.sheet
    now = e.lids.moved(0.0, blink)
    w = cover(e.u, e.v, e.frame, e.lids, now, s.band(), s.band_lo, s.soft, s.reach, s.wings)
    up_now, _ = now.at(e.u)
    past = (e.u < float(now.u[0])) | (e.u > float(now.u[-1]))  # past the corners no lash line: its lower edge too
    on = (w > 0.15) & (w < 0.85) & ((e.v > up_now + 1.5 * s.soft) | past)
    full = (cover(e.u, e.v, e.frame, e.lids, e.lids.moved(0.0, 1.0), s.band(), s.band_lo, s.soft, s.reach, s.wings) > 0).astype(np.uint8)
    k = np.ones((3, 3), np.uint8)
    ring = (cv2.dilate(full, k, iterations=5) > 0) & ~(cv2.dilate(full, k, iterations=2) > 0) & (e.v > e.lids.at(e.u)[0])
    assert on.sum() >= 10 and ring.sum() >= 10  # else the measure says nothing
    if ends:
        on &= past
        if on.sum() < 10:
            return float("nan")
    out = _gradient(lightness(render_eye(e, np.zeros(2), blink)))
    paint = _gradient(lightness(e.image))
    return float(np.median(out[on]) / max(np.median(paint[ring]), np.median(paint[on]), 0.3))


@pytest.fixture(scope="module")
def big_crop(astronaut):
    """The astronaut's head crop at twice the size (eyes 18 px half-wide, as on the paintings)."""
    return head_crop_of(cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))


@pytest.fixture(scope="module")
def big_engine(big_crop) -> RigEngine:
    eng = RigEngine()
    eng.prepare(big_crop)
    assert len(eng.eyes) == 2
    return eng


@pytest.fixture(scope="module")
def dark_orbit(big_crop, big_engine) -> RigEngine:
    """:func:`big_engine` with its orbits in shadow round the eye (above the lid, past both
    corners, down to the lower lid's rim: 0.4 of the light, soft-edged), the skin under the
    eye lit, as on portrait_07's image-left eye."""
    eng, ast_crop = big_engine, big_crop
    shade = np.ones(ast_crop.image.shape[:2], np.float32)
    for e in eng.eyes:
        up, lo = e.lids.at(e.u)
        h, hw = e.lids.height(), e.frame.half_width
        inside = np.clip((e.v - lo + 0.2 * h) / 3.0, 0, 1) * np.clip((up + 2.8 * h - e.v) / 4.0, 0, 1)
        inside *= np.clip((1.5 * hw - np.abs(e.u)) / 6.0, 0, 1)
        rows, cols = e.roi
        shade[rows, cols] = np.minimum(shade[rows, cols], 1.0 - 0.6 * inside)
    eng2 = RigEngine()
    eng2.prepare(replace(ast_crop, image=np.clip(ast_crop.image * shade[..., None], 0, 255).astype(np.uint8)))
    assert len(eng2.eyes) == 2
    return eng2


@pytest.mark.parametrize("blink", [0.35, 0.7, 1.0])
def test_closing_lid_has_no_outline_repo_only(ast_engine, blink):
    """On the astronaut the closing lid's outline is no harder than :data:`MAX_OUTLINE` times
    her skin's own gradients (0.5-1.1; the old plate 0.5-0.8: a guard, the astronaut's lids
    had no pasted look; the repo-only check that fails on the old plate is
    tests/test_lid_paint.py::test_lid_meets_the_skin_beyond_dark_paint_on_its_edge)."""
    ratios = [outline_ratio(e, blink) for e in ast_engine.eyes]
    assert max(ratios) <= MAX_OUTLINE, np.round(ratios, 2)


@pytest.mark.xfail(strict=True, reason="a lid in a shadowed orbit still shows an edge: 2.5 (3.1 at 2c8dee0; the old plate 9.8)")
def test_lid_in_a_shadowed_orbit_has_no_outline_repo_only(dark_orbit):
    """The astronaut at twice the size with her orbits shaded round the eye (as portrait_07's
    image-left eye): at blink 0.5 the lid's outline is at most :data:`MAX_OUTLINE` times the
    painting's gradients. It read 3.2 on one eye (the old plate: 9.8): the lid is lit toward
    the skin under the eye (:data:`sfumato.rig.lid_plate.LID_LIT`) within a few pixels of a
    dark edge; 2.5 since session 11, lit no lighter than the lit skin round it
    (:data:`sfumato.rig.lid_light.SURROUND_TOP`), which the shadow's soft edge still holds
    within its reach. A known shortfall, marked strict xfail rather than a limit raised to fit."""
    ratios = [outline_ratio(e, 0.5) for e in dark_orbit.eyes]
    assert max(ratios) <= MAX_OUTLINE, np.round(ratios, 2)


PAINTED = ["portrait_02", "portrait_03", "portrait_07", "portrait_10", "portrait_11", "portrait_13", "portrait_14", "portrait_20"]
"""The shared paintings read: the brief's first four (a pasted oval mid-blink on portrait_07, 11,
14 and 20) and review16's closed lids with hard edges (portrait_02, 03, 10, 13)."""


@pytest.mark.parametrize("name", PAINTED)
def test_painted_closing_lid_has_no_outline(name):
    """At blink 0.5 and 1.0 the lid's outline is at most :data:`MAX_OUTLINE` times the
    painting's own gradients there or round it (c6d765f: 0.41-1.44, portrait_03's image-left
    1.44 mid-blink; the plates' look, 03's and 13's, is no harder edge than the painting's)."""
    eng = shared_rig(name)
    ratios = [outline_ratio(e, b) for e in eng.eyes for b in (0.5, 1.0)]
    assert max(ratios) <= MAX_OUTLINE, np.round(ratios, 2)


def _ends(name: str) -> list[float]:
    """:func:`outline_ratio` of the lid's ends past the corners, each eye at blink 0.5 and 1.0
    (eyes with no outline there left out)."""
    eng = shared_rig(name)
    return [r for e in eng.eyes for b in (0.5, 1.0) if np.isfinite(r := outline_ratio(e, b, ends=True))]


@pytest.mark.parametrize("name", [n for n in PAINTED if n != "portrait_03"])
def test_painted_closing_lid_ends_have_no_outline(name):
    """Past the corners (no lash line there: the lid's lower edge counts) the lid's outline is at
    most :data:`MAX_OUTLINE` times the painting's gradients: portrait_02's image-left inner
    corner, the notch, read 1.51 at c6d765f (barely over: a notch a few pixels long among the
    ends' gradients), 1.21 since the lid past the corners is the skin as painted (closed17);
    c6d765f -> closed17 elsewhere: portrait_07 1.94 -> 1.17, portrait_20 1.56 -> 1.48 (the
    nearest to the bound now), portrait_10 0.79 -> 0.77, 11 1.11 -> 0.98, 13 0.94 -> 0.79,
    14 1.20 -> 0.92."""
    ends = _ends(name)
    assert ends and max(ends) <= MAX_OUTLINE, np.round(ends, 2)


@pytest.mark.xfail(strict=True, reason="portrait_03's image-left outer corner: the lid plate ends at the painted liner's wing "
                   "root, its pale end square against the black liner (7.61 at c6d765f, 3.27 since closed17)")
def test_portrait_03_closing_lid_ends_have_no_outline():
    """:func:`test_painted_closing_lid_ends_have_no_outline` on portrait_03, whose wing
    (:mod:`sfumato.rig.liner_wing`) the lid stops at with a hard end: a known defect."""
    ends = _ends("portrait_03")
    assert max(ends) <= MAX_OUTLINE, np.round(ends, 2)
