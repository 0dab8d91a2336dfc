"""The painted catchlight keeps its shape (issue #8: every gaze frame drew a hard, round, pure white
disc of the highlight's equivalent radius in one colour, where portrait_02 painted a soft comma,
portrait_10 an elongated soft stroke and portrait_07 a small triangle: a round sticker in place of
the painter's stroke).

The highlight is measured from outside, on the rendered eye, as the painting's is: how far each
pixel stands above the iris around it (a white top-hat), normalised to its peak, where it stands at
least :data:`FLOOR` of it, within two of its radii and 2 pixels of where it is drawn. Its shape is compared with the painting's after undoing its shift
(weighted centroids aligned, sub-pixel) as a soft IoU (sum of minima over sum of maxima of the two
normalised mattes): shape and soft edge both count.
"""

from __future__ import annotations

import json
from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.rig.eye import eye_layers, render_eye
from sfumato.rig.iris import lightness
from sfumato.rig.model import Catchlight, Rig

FLOOR = 0.25


def _matte(img: np.ndarray, p: np.ndarray, radius: float, reach: float) -> tuple[np.ndarray, float]:
    """The highlight nearest ``p`` ((2,) x, y) in ``img`` ((h, w, 3) float32 RGB): its (h, w)
    matte in [0, 1] (excess over the iris around it / its peak, where at least :data:`FLOOR`, its
    connected part) and its peak L."""
    light = lightness(np.clip(img, 0, 255).astype(np.float32))
    size = 2 * int(np.ceil(0.35 * radius)) + 1
    excess = cv2.morphologyEx(light, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    yy, xx = np.mgrid[0 : light.shape[0], 0 : light.shape[1]]
    e = np.where(np.hypot(xx - p[0], yy - p[1]) <= reach, excess, 0.0)
    at = np.unravel_index(np.argmax(e), e.shape)
    _, lab = cv2.connectedComponents((e >= FLOOR * e[at]).astype(np.uint8), connectivity=8)
    return np.where(lab == lab[at], e / e[at], 0.0).astype(np.float32), float(light[at])


def _shape_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Soft IoU of mattes ``a`` and ``b`` ((h, w) float32) once ``b``'s weighted centroid is moved
    onto ``a``'s (sub-pixel, bilinear)."""
    yy, xx = np.mgrid[0 : a.shape[0], 0 : a.shape[1]]
    ca = np.array([(xx * a).sum(), (yy * a).sum()]) / a.sum()
    cb = np.array([(xx * b).sum(), (yy * b).sum()]) / b.sum()
    m = np.float32([[1, 0, ca[0] - cb[0]], [0, 1, ca[1] - cb[1]]])
    b = cv2.warpAffine(b, m, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR)
    return float(np.minimum(a, b).sum() / np.maximum(a, b).sum())


def _kept_shape(e, shifts) -> tuple[list[float], list[float], float]:
    """Soft IoUs and peak L of the highlight on ``e``'s eye rendered at each (du, dv) shift in iris
    radii, and the painting's peak L."""
    from sfumato.rig.catchlight import FOLLOW

    p0 = e.frame.to_xy(e.rest) + np.asarray(e.catch.offset)
    reach = 2.0 * e.catch.radius + 2.0  # further, the light iris texture beside it joins in
    painted, peak0 = _matte(e.image, p0, e.radius, reach)
    ious, peaks = [], []
    for s in shifts:
        shift = np.asarray(s, np.float64) * e.radius
        p = e.frame.to_xy(e.rest + FOLLOW * shift) + np.asarray(e.catch.offset)
        drawn, peak = _matte(render_eye(e, shift), p, e.radius, reach)
        ious.append(_shape_iou(painted, drawn))
        peaks.append(peak)
    return ious, peaks, peak0


SHIFTS = [(-0.55, 0.0), (-0.23, 0.04), (0.31, -0.02), (0.6, 0.0)]
"""Gaze shifts (iris radii along the eye and up), sub-pixel on the test irises, all within the
range where the highlight keeps its full strength (:func:`~sfumato.rig.catchlight.on_cornea`)."""


@pytest.fixture(scope="module")
def comma_eye(astronaut):
    """The astronaut at 3x (irises of about 12.5 px) with a soft white comma painted on its
    image-left iris (a round head of 2.2 px, a tail 6 px long curling down-left, blurred by 0.8 px),
    rigged with real FaceMesh: its :class:`~sfumato.rig.eye.EyeLayers` and the eye's rig."""
    from sfumato.engines.rig import RigEngine
    from sfumato.rig.rig import extract_rig
    from tests.crops import head_crop_of

    crop = head_crop_of(cv2.resize(astronaut, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC))
    rig = extract_rig(crop.image, np.asarray(crop.landmarks, np.float64))
    er = rig.eyes[0]
    cx, cy = er.iris.centre
    paint = np.zeros(crop.image.shape[:2], np.float32)
    head = (cx + 3.0, cy - 3.5)
    cv2.circle(paint, (int(round(head[0] * 8)), int(round(head[1] * 8))), int(2.2 * 8), 1.0, -1, cv2.LINE_AA, 3)
    tail = np.array([[head[0] + 1.5, head[1]], [head[0] + 1.0, head[1] + 3.0], [head[0] - 1.0, head[1] + 5.0],
                     [head[0] - 3.0, head[1] + 5.6]])
    for a, b, t in zip(tail[:-1], tail[1:], (3, 2, 1)):
        cv2.line(paint, tuple(int(v) for v in a * 8), tuple(int(v) for v in b * 8), 1.0, t, cv2.LINE_AA, 3)
    paint = cv2.GaussianBlur(paint, (0, 0), 0.8)
    image = (crop.image * (1 - paint[..., None]) + 250.0 * paint[..., None]).astype(np.uint8)
    eng = RigEngine()
    eng.prepare(replace(crop, image=image))
    e = eng.eyes[0]
    assert e.catch is not None and np.hypot(e.catch.offset[0] - 3.0, e.catch.offset[1] + 2.0) < 2.0, e.catch
    return e, eng.rig.eyes[0], image


def test_a_comma_shaped_highlight_keeps_its_shape(comma_eye):
    """The moved highlight is the painted comma (soft IoU >= 0.7 at every shift, 0.79-0.84 measured, 0.73-0.81 when it was resampled sub-pixel;
    the disc drawn before, as old rig files still draw it: 0.51-0.58), as light as painted."""
    e, _, _ = comma_eye
    ious, peaks, peak0 = _kept_shape(e, SHIFTS)
    assert min(ious) >= 0.7, ious
    assert all(abs(p - peak0) < 5.0 for p in peaks), (peaks, peak0)


def test_an_old_rig_file_draws_the_disc(comma_eye):
    """A rig.json from before the sprite (no ``matte`` in its catchlight) still loads and draws the
    disc; a new one keeps the sprite through the file."""
    e, er, image = comma_eye
    from sfumato.rig.model import RIG_VERSION

    old_cl = {k: v for k, v in json.loads(json.dumps(er.catchlight.__dict__)).items() if k != "matte"}
    doc = {"version": RIG_VERSION, "size": image.shape[0], "eyes_off": "", "landmarks": np.zeros((478, 3)).tolist(),
           "eyes": [{**json.loads(Rig(1, np.zeros((478, 3)), [er]).to_json())["eyes"][0], "catchlight": old_cl}]}
    old = Rig.from_json(json.dumps(doc)).eyes[0]
    assert old.catchlight is not None and old.catchlight.matte == 0
    disc = eye_layers(image, old)
    assert disc.sprite is None
    ious, _, _ = _kept_shape(disc, SHIFTS)
    assert max(ious) < 0.65, ious  # the disc is no comma: the shape measure can fail
    new = Rig.from_json(Rig(1, np.zeros((478, 3)), [er]).to_json()).eyes[0]
    assert isinstance(new.catchlight, Catchlight) and new.catchlight.matte == er.catchlight.matte >= 1
    assert eye_layers(image, new).sprite is not None


@pytest.mark.parametrize(("name", "sides"), [("portrait_02", ("right",)), ("portrait_10", ("right", "left"))])
def test_painted_highlights_keep_their_shape(name, sides):
    """portrait_02's comma (its sitter's right eye) and portrait_10's elongated soft strokes keep
    their shape: mean soft IoU over the shifts at least 0.72 and 0.06 above the disc's that rig
    files from before draw (measured: 0.98 vs 0.68; 0.89 vs 0.67, 0.94 vs 0.60; moved sub-pixel, as
    before session 15: 0.90, 0.76, 0.78), as light as painted (mean within 4 L, each within 12;
    measured: each as painted, now moved by whole pixels; sub-pixel a 1-px stroke moved by half a
    pixel spread over two rows: portrait_10's left one peaked 10 L lower at one shift)."""
    from tests.crops import shared_rig

    eng = shared_rig(name)
    for e, er in zip(eng.eyes, eng.rig.eyes):
        if er.side not in sides:
            continue
        assert e.catch is not None and e.sprite is not None
        ious, peaks, peak0 = _kept_shape(e, SHIFTS)
        disc = eye_layers(eng._crop, replace(er, catchlight=replace(er.catchlight, matte=0)))
        assert disc.sprite is None
        old, _, _ = _kept_shape(disc, SHIFTS)
        assert np.mean(ious) >= 0.72 and np.mean(ious) >= np.mean(old) + 0.06, (er.side, ious, old)
        assert abs(np.mean(peaks) - peak0) <= 4.0 and min(peaks) >= peak0 - 12.0, (er.side, peaks, peak0)
