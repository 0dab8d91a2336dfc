"""The catchlight stays whole and as bright as painted at the ends of the sweep (issue #8, session 15).

At -30 degrees portrait_07's and portrait_13's image-left highlights were fainter than painted:
drawn where the light put them they lay past the iris' soft edge or under the corner the iris
went into (drawn at the iris' alpha), faded from 1.2 iris radii out (portrait_07's, painted 0.76
radii off the pupil, at 0.63 of its strength), and resampled half a pixel over (a stroke 1-3 px
across kept two thirds of its peak). A painter keeps the highlight on the cornea the eye shows,
near the iris' edge, crisp and as bright as painted (:mod:`sfumato.rig.catchlight_seat`,
:func:`sfumato.rig.catchlight.on_cornea`, :meth:`sfumato.rig.catchlight_sprite.CatchlightSprite.place`).

Measured from outside on the rendered eye, as on the painting: the highlight is the strongest
white top-hat (0.35 iris radii) on the moved iris; its peak L, and its area (connected pixels
standing at least half the painted peak's excess above the iris around them).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.iris import lightness


def _highlight(img: np.ndarray, centre: np.ndarray, radius: float, half: float | None = None) -> tuple[float, float, int]:
    """The highlight on the iris at ``centre`` (radius ``radius``) in ``img`` ((h, w, 3) float32
    RGB): the lightest pixel within 0.85 radii (the white lies beyond; the astronaut's own faint
    reflex stands higher above its darker surround than a highlight beside the white, so the
    strongest top-hat is not it), its peak L, its excess over the iris around it, and its area in
    pixels (connected, excess at least ``half``, its own peak excess's half when None)."""
    light = lightness(np.clip(img, 0, 255).astype(np.float32))
    size = 2 * int(np.ceil(0.35 * radius)) + 1
    excess = cv2.morphologyEx(light, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    yy, xx = np.mgrid[0 : light.shape[0], 0 : light.shape[1]]
    on = np.hypot(xx - centre[0], yy - centre[1]) <= 0.85 * radius
    e = np.where(on, excess, 0.0)
    at = np.unravel_index(np.argmax(np.where(on, light, -1.0)), e.shape)
    cut = 0.5 * float(e[at]) if half is None else half
    _, lab = cv2.connectedComponents((e >= cut).astype(np.uint8), connectivity=8)
    area = int((lab == lab[at]).sum()) if e[at] >= cut else 0
    return float(light[at]), float(e[at]), area


def _at_shifts(e: EyeLayers, shifts: list[np.ndarray]) -> tuple[tuple[float, float, int], list[tuple[float, float, int]]]:
    """The painted highlight, and the drawn one at each (du, dv) shift (pixels)."""
    painted = _highlight(e.image, e.frame.to_xy(e.rest), e.radius)
    drawn = [_highlight(render_eye(e, s), e.frame.to_xy(e.rest + s), e.radius, 0.5 * painted[1]) for s in shifts]
    return painted, drawn


@pytest.fixture(scope="module")
def far_glint(astronaut) -> EyeLayers:
    """The astronaut at 3x (irises of about 12.5 px) with a small sharp highlight painted far out on
    its image-left iris, as portrait_07's (a 2-3 px triangle 0.76 radii up and right of the pupil),
    rigged with real FaceMesh: that eye's layers."""
    from sfumato.engines.rig import RigEngine
    from tests.crops import head_crop_of

    big = cv2.resize(astronaut, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    crop = head_crop_of(big)
    eng = RigEngine()
    eng.prepare(crop)
    e0 = eng.eyes[0]
    c = e0.frame.to_xy(e0.rest) + np.array([e0.x0, e0.y0])
    r = e0.radius
    x, y = int(round(c[0] + 0.74 * r)), int(round(c[1] - 0.17 * r))
    image = crop.image.copy()
    tri = np.array([[x - 1, y - 1], [x, y - 1], [x - 1, y], [x, y], [x + 1, y], [x, y + 1], [x + 1, y + 1]])
    image[tri[:, 1], tri[:, 0]] = (236, 240, 236)
    eng = RigEngine()
    eng.prepare(replace(crop, image=image))
    e = eng.eyes[0]
    assert e.catch is not None and e.sprite is not None, e.catch
    assert np.hypot(*e.catch.offset) > 0.65 * e.radius, (e.catch.offset, e.radius)
    return e


def test_a_highlight_far_out_stays_as_bright_as_painted(far_glint):
    """Turned until the iris leaves the highlight behind (0.9-1.15 iris radii, as the sweep's ends
    move an iris: 0.94-1.12 on the bench paintings), the drawn highlight peaks within 3 L of the
    painted and keeps at least 0.8 of its area (session 14's rig: a fade from 1.2 radii out, the
    iris' soft edge and a half-pixel resampling: peaks 9-24 L lower, areas down to a third)."""
    e = far_glint
    shifts = [np.array([s * e.radius, 0.0]) for s in (-1.15, -1.05, -0.97, -0.9)]
    (peak_l, _, area), drawn = _at_shifts(e, shifts)
    assert all(d[0] >= peak_l - 3.0 for d in drawn), (peak_l, drawn)
    assert all(d[2] >= 0.8 * area for d in drawn), (area, drawn)


def test_at_rest_the_highlight_is_where_painted(far_glint):
    """Unturned, the highlight is drawn on its painted pixels (its core, where it stands at least
    half its peak above the iris, within 2 L of the painting; the iris round it is the iris
    layer's, not this test's): session 14's rig carried a highlight painted 0.74 radii out in to
    0.75 radii less its size, off its painted place on the rest frame."""
    e = far_glint
    out = lightness(np.clip(render_eye(e, np.zeros(2)), 0, 255).astype(np.float32))
    s = e.sprite
    h, w = s.matte.shape
    box = (slice(s.y0, s.y0 + h), slice(s.x0, s.x0 + w))
    core = s.matte >= 0.5
    assert core.sum() >= 3 and np.abs(out[box][core] - lightness(e.image)[box][core]).max() < 3.0


@pytest.mark.parametrize("name", ["portrait_07", "portrait_13"])
def test_sweep_ends_keep_the_painted_highlight(name):
    """portrait_07's and portrait_13's highlights at the sweep's two ends (the eye-in-head shift the
    bank's -30 and +30 frames draw): each within 3 L of its painted peak and at least 0.6 of its
    painted area (session 14's rig, on the bank frames: portrait_07 image-left at -30 peaked 23 L
    low, area 3 of 6; portrait_13 image-left 11 L low, area 3 of 6). 0.6, not 0.8: at -30
    portrait_13's image-left highlight, its painted pixels to within 3 L, is carried onto the
    iris' lighter green edge (45-50 L round it against 4-8 on the pupil where painted), where the
    same pixels stand less far above their surround: 4-5 of its 6."""
    from tests.crops import shared_rig

    eng = shared_rig(name)
    t = eng.p.head_turn
    ends = [eng._poses[0], eng._poses[-1]]
    for e in eng.eyes:
        if e.catch is None:
            continue
        shifts = [eng._shift(e, p.gaze_yaw - t * p.head_yaw, p.gaze_pitch - t * p.head_pitch) for p in ends]
        (peak_l, _, area), drawn = _at_shifts(e, shifts)
        assert all(d[0] >= peak_l - 3.0 for d in drawn), (peak_l, drawn)
        assert all(d[2] >= 0.6 * area for d in drawn), (area, drawn)
