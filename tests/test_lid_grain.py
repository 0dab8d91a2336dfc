"""The closed lid's grain and lash line, measured against the painting's own skin and line.

- Grain: the closed lid's fine detail (lightness minus its 1.5 px blur, robust spread, over its
  median lightness) against the plain skin's under the eye (the same; the grainier of two
  strips, 0.6-1.6 and 1.6-2.8 opening heights under the lower lid). The lid is skin of the same painting: a flat patch has far less, a
  speckled one (grain amplified from a reference full of painted lines) far more. The old
  measure (tests/test_lid_paint.py before, against the skin just over the eye) passed
  portrait_11's speckled lid at 0.78/0.71, because that skin is mostly painted crease lines.
- Lash line: the steepest lightness step across the closed lash line (per pixel, median over
  the middle 40% of the lid) over the same across the painted upper lash line: a Gaussian
  blur as wide as the line draws a crisp painted line as a soft bar.

Real MediaPipe on the bundled astronaut (with lines or a crisp black lash line painted in), and
the shared paintings when ../shared is present.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.imaging.robust import robust_sd
from sfumato.rig.blink import lash_line
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.iris import lightness
from tests.conftest import TESTDATA
from tests.crops import head_crop_of


def _spread(x: np.ndarray) -> float:
    """Robust standard deviation (:func:`sfumato.imaging.robust.robust_sd`)."""
    return float(robust_sd(x))


def _fine(image: np.ndarray) -> np.ndarray:
    """Lightness minus its 1.5 px Gaussian blur, (h, w) float32."""
    light = lightness(image).astype(np.float32)
    return light - cv2.GaussianBlur(light, (0, 0), 1.5)


def grain_ratio(e: EyeLayers) -> float:
    """The closed lid's fine detail (mid-lid, above its lash line, further than the fine
    filter's reach, 3 px, from where the closed lash line is drawn) over the plain skin's under
    the eye (the grainier of the two strips), each over its own median lightness. The lash
    line's upper edge is no grain: measured with it, the astronaut's lid met the floor through
    it (0.17 / 0.16 of the ratio, session 7). Each over its lightness since session 11: the
    lid's texture is a ratio (sfumato/rig/lid_grain.py), as a painting's grain is in its
    shadows, so a lid left in the shadow of an orbit in shadow all round (portrait_13's
    image-right eye, 0.53 as light as the lit cheek under it) read half as grainy in absolute L
    (0.55 -> 0.28; 0.62 -> 0.54 this way)."""
    up, lo = e.lids.at(e.u)
    h, mid = e.lids.height(), np.abs(e.u) < 0.5 * e.frame.half_width
    lash = lash_line(e.u, e.v, e.lids.moved(0.0, 0.0), e.lids.moved(0.0, 1.0), e.sheet) > 0.02
    lid = mid & (e.v > lo + 0.45 * h) & (e.v < up - 0.1 * h) & ~(cv2.dilate(lash.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0)
    assert lid.sum() >= 30  # else the measure says nothing
    skin = [mid & (e.v < lo - 0.6 * h) & (e.v > lo - 1.6 * h), mid & (e.v < lo - 1.6 * h) & (e.v > lo - 2.8 * h)]
    shut = render_eye(e, np.zeros(2), 1.0)
    painted, light = _fine(e.image), lightness(e.image)
    grain = _spread(_fine(shut)[lid]) / max(float(np.median(lightness(shut)[lid])), 1.0)
    return grain / max(max(_spread(painted[s]) / max(float(np.median(light[s])), 1.0) for s in skin), 1e-6)


def edge_width(light: np.ndarray, e: EyeLayers, curve: np.ndarray, below: float, above: float) -> float:
    """How soft a dark line along the lid-shaped curve ``curve`` (v at ``e.lids.u``) is, pixels:
    across it (samples 0.25 px apart from ``below`` under the curve to ``above`` over it), from
    its darkest sample up, the distance over which the lightness climbs from 20% to 80% of the
    way to the lightest sample over it (the edge spread); the median over the middle 40% of
    the lid, 1 px apart, where the line is at least 8 L darker than that lightest."""
    u0, u1 = float(e.lids.u[0]), float(e.lids.u[-1])
    us = np.arange(u0 + 0.3 * (u1 - u0), u1 - 0.3 * (u1 - u0), 1.0)
    vs = np.interp(us, e.lids.u, curve)
    dv = np.arange(-below, above + 0.01, 0.25)
    uv = np.stack([np.broadcast_to(us, (dv.size, us.size)), vs[None] + dv[:, None]], -1)
    xy = e.frame.to_xy(uv).astype(np.float32)
    prof = cv2.remap(light, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR)
    widths = []
    for col in prof.T:
        up = col[int(np.argmin(col)):]
        contrast = float(up.max() - up[0])
        if up.size >= 3 and contrast >= 8.0:
            widths.append(0.25 * (int(np.argmax(up >= up[0] + 0.8 * contrast)) - int(np.argmax(up >= up[0] + 0.2 * contrast))))
    assert len(widths) >= 5, len(widths)  # else the measure says nothing
    return float(np.median(widths))


def lash_softness(e: EyeLayers, blink: float = 1.0) -> float:
    """The closed (or closing) lash line's edge spread over the painted upper lash line's, or
    over 1 px where that is finer (an edge within a pixel is as crisp as pixels draw it)
    (:func:`edge_width`: the closed line from 0.2 opening heights under the closed upper lid,
    0.1 mid-blink, to 0.4 over it; the painted one from the contour to 0.6 over it)."""
    h = e.lids.height()
    shut = lightness(render_eye(e, np.zeros(2), blink))
    closed = edge_width(shut, e, e.lids.moved(0.0, blink).upper, (0.2 if blink >= 1.0 else 0.1) * h, 0.4 * h)
    return closed / max(edge_width(lightness(e.image), e, e.lids.upper, 0.0, 0.6 * h), 1.0)


def _engine(crop, image: np.ndarray | None = None) -> RigEngine:
    eng = RigEngine()
    eng.prepare(crop if image is None else replace(crop, image=image))
    assert len(eng.eyes) == 2
    return eng


def _painted(name: str) -> RigEngine:
    from sfumato.imaging.painting import load_painting

    path = TESTDATA / f"{name}.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return _engine(head_crop_of(load_painting(path)))


def _draw_along_lid(img: np.ndarray, e: EyeLayers, offset: float, colour: tuple[int, int, int], thick: int) -> None:
    """Draw, in place on the head crop ``img``, a line along the upper lid ``offset`` pixels over it."""
    u = np.linspace(e.lids.u[0], e.lids.u[-1], 40)
    xy = e.frame.to_xy(np.stack([u, np.interp(u, e.lids.u, e.lids.upper) + offset], -1)) + [e.x0, e.y0]
    cv2.polylines(img, [np.round(xy[np.argsort(xy[:, 0])]).astype(np.int32)], False, colour, thick, cv2.LINE_8)


@pytest.fixture(scope="module")
def big_astronaut(astronaut):
    """The astronaut's head crop at twice the size (eyes big enough to measure a line's edge)."""
    return head_crop_of(cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))


def test_closed_lid_is_no_grainier_than_the_skin(big_astronaut):
    """The astronaut's closed lid (at twice the size) is at most 1.5 times as grainy as her
    skin under the eye (the old lid amplified the cheek's grain toward that of the strip over
    the lash band, her lid lines: 1.81 on one eye)."""
    ratios = [grain_ratio(e) for e in _engine(big_astronaut).eyes]
    assert max(ratios) <= 1.5, ratios


def test_closed_lid_is_as_grainy_as_the_skin_repo_only(big_astronaut):
    """The astronaut's closed lid (at twice the size) is at least half as grainy as her skin
    under the eye: the floor of :func:`test_closed_lid_is_as_grainy_as_the_skin`, so a flat,
    textureless lid fails without ../shared (the lid with no texture carried onto it: 0.22 /
    0.31, measured with the lash line's edge). It read 0.43 / 0.80 with the closed lash line's
    upper edge in the measured region (0.06 / 0.06 of it, 0.17 / 0.16 in session 7); measured
    without it (:func:`grain_ratio`, session 10) it reads 0.39 / 0.69 on session 8's lid and
    0.43 / 0.55 with the long lines taken out of its texture (sfumato/rig/lid_grain.py): one
    eye under the floor, a strict xfail on the honest number until lidfold13: 0.42 / 0.65 at
    8b7284f, 0.55 / 0.63 with the lid's lift turning into the skin over its top edge with no
    slope there (sfumato.rig.lid_shade.lift, PEAK 0.45: the lid's shading no longer a flat
    plateau that levelled her grain). The repo-only check that a flat lid fails is also
    :func:`test_bundled_mona_lisa_closed_lid_is_as_grainy_as_the_skin`."""
    ratios = [grain_ratio(e) for e in _engine(big_astronaut).eyes]
    assert min(ratios) >= 0.5, ratios


def test_bundled_mona_lisa_closed_lid_is_as_grainy_as_the_skin():
    """Without ../shared: the Mona Lisa bundled with sfumato closes her eyes into lids as grainy
    as her skin under the eye, within the shared test's band (0.5-1.5; measured 0.81 / 0.87).
    A flat, textureless lid (no texture carried onto it) reads 0.03 / 0.02 here and fails."""
    from sfumato.imaging.samples import sample

    ratios = [grain_ratio(e) for e in _engine(head_crop_of(sample("mona_lisa"))).eyes]
    assert 0.5 <= min(ratios) and max(ratios) <= 1.5, ratios


@pytest.mark.parametrize("name", ["portrait_02", "portrait_03", "portrait_10", "portrait_11", "portrait_13", "portrait_20", "mona_lisa"])
def test_closed_lid_is_as_grainy_as_the_skin(name):
    """The closed lid's grain is the painting's skin's: between 0.5 and 1.5 of the plain skin
    under the eye. The old lid: 2.09/1.44 on portrait_11 (speckle), 2.07/2.42 on portrait_03,
    1.79/1.75 on portrait_10, 1.56/1.90 on portrait_13, 1.66/2.03 on portrait_02. (The texture
    is a ratio: a lid left in the orbit's shadow reads less grainy here, portrait_10's 0.50 with
    the lid lit to 0.85 of the skin under the eye, when LID_LIT was 0.85; it is 1.0 now.)"""
    ratios = [grain_ratio(e) for e in _painted(name).eyes]
    assert 0.5 <= min(ratios) and max(ratios) <= 1.5, ratios


@pytest.fixture(scope="module")
def crisp_lined(big_astronaut) -> RigEngine:
    """The astronaut (twice the size) drawn as a cartoon over each upper lid: the lid skin up to
    0.8 opening heights over it one flat colour (the lid's own median), and along the lid a
    crisp black lash line 3 px thick (an anime lash line, as on portrait_03)."""
    img = big_astronaut.image.copy()
    for e in _engine(big_astronaut).eyes:
        u = np.linspace(e.lids.u[0], e.lids.u[-1], 40)
        up = np.interp(u, e.lids.u, e.lids.upper)
        h = e.lids.height()
        ring = np.concatenate([np.stack([u, up], -1), np.stack([u, up + 0.8 * h], -1)[::-1]])
        lid = np.zeros(img.shape[:2], np.uint8)
        cv2.fillPoly(lid, [np.round(e.frame.to_xy(ring) + [e.x0, e.y0]).astype(np.int32)], 1)
        img[lid > 0] = np.median(img[lid > 0], 0).astype(np.uint8)
        _draw_along_lid(img, e, 1.0, (15, 10, 10), 3)
    return _engine(big_astronaut, img)


def test_closed_lash_line_is_as_crisp_as_the_painted_one(crisp_lined):
    """A crisp painted lash line closes, and half-closes, to a line whose edge spreads at most
    1.5 times as far as the painted one's (the old Gaussian line, as wide as the line and
    blurred again at the seam: 1.75)."""
    ratios = [lash_softness(e, b) for e in crisp_lined.eyes for b in (1.0, 0.5)]
    assert max(ratios) <= 1.5, ratios


@pytest.mark.parametrize("name", ["portrait_02", "portrait_03"])
def test_crisp_painted_lash_lines_close_crisp(name):
    """portrait_03's and portrait_02's crisp lash lines close to lines whose edges spread at
    most 1.5 times as far (the old line: 2.50 and 1.71)."""
    ratios = [lash_softness(e) for e in _painted(name).eyes]
    assert max(ratios) <= 1.5, ratios
