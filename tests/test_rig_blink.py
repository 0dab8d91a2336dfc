"""The closing lid and the catchlight on real faces (the astronaut, real MediaPipe)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.crops import head_crop_of
from sfumato.engines.base import Pose
from sfumato.engines.rig import RigEngine
from sfumato.face.detect import mesh_landmarks
from sfumato.face.topology import EYES
from sfumato.rig.blink import lash_line
from sfumato.rig.catchlight import on_cornea
from sfumato.rig.eye import render_eye
from sfumato.rig.iris import disc, lightness
from sfumato.rig.lids import opening


def _eye_mask(lm: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    for eye in EYES:
        cv2.fillPoly(m, [np.round(lm[list(eye.contour), :2]).astype(np.int32)], 1)
    return m > 0


def _vertical_steps(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    light = lightness(image.astype(np.float32))
    both = mask[1:] & mask[:-1]
    return np.abs(np.diff(light, axis=0))[both]


def test_closed_lid_has_no_hard_seam(ast_engine, ast_crop):
    """A smeared lid with a hard lash seam has steps in the closed eye sharper than any edge of
    the open eye (the old blink: 57 L against 37); the painted lid closes softly."""
    mask = _eye_mask(ast_crop.landmarks, ast_crop.image.shape[:2])
    open_steps = _vertical_steps(ast_engine.render_pose(Pose(0.0), 0.0), mask)
    shut_steps = _vertical_steps(ast_engine.render_pose(Pose(0.0), 1.0), mask)
    assert shut_steps.max() < 0.9 * open_steps.max(), (shut_steps.max(), open_steps.max())


def test_closed_lid_is_skin_with_a_dark_lash_line(ast_engine, ast_crop):
    """At a full blink the eye opening is lid skin (above its lash line as light as the skin above
    the eye), crossed by a lash line darker than that skin."""
    shut = ast_engine.render_pose(Pose(0.0), 1.0).astype(np.float32)
    light = lightness(shut)
    for e in ast_engine.eyes:
        rows, cols = e.roi
        roi_l = light[rows, cols]
        up, lo = e.lids.at(e.u)
        mid = np.abs(e.u) < 0.4 * e.frame.half_width
        h = e.lids.height()
        opening = mid & (e.v < up - 0.1 * h) & (e.v > lo + 0.1 * h)
        lid = opening & (e.v > lo + 0.45 * h)  # the closed lid above its lash line
        above = mid & (e.v > up + 0.8 * h) & (e.v < up + 1.3 * h)
        skin = float(np.median(roi_l[above]))
        assert abs(float(np.median(roi_l[lid])) - skin) < 10, (np.median(roi_l[lid]), skin)
        # each column in the middle of the lid has a dark lash line, and no dark iris is left
        cols_ok = []
        for uu in np.linspace(-0.3, 0.3, 7) * e.frame.half_width:
            col = opening & (np.abs(e.u - uu) < 0.6)
            if col.any():
                cols_ok.append(float(roi_l[col].min()) < skin - 5)
        assert np.mean(cols_ok) >= 0.7, cols_ok
        # no iris left: the opening off the lash line's core (alpha >= 0.5: drawn as dark as the
        # painted line, on the astronaut as dark as her iris; its soft fringe stays in the check)
        # is lighter than the iris
        iris_l = float(np.percentile(lightness(e.image)[disc(e.image.shape[:2], e.frame.to_xy(e.rest), 0.7 * e.radius, 1.0) > 0.5], 50))
        off_line = opening & (lash_line(e.u, e.v, e.lids, e.lids.moved(0.0, 1.0), e.sheet) < 0.5)
        assert np.percentile(roi_l[off_line], 5) > iris_l, (np.percentile(roi_l[off_line], 5), iris_l)


def test_half_closed_stages_close_in_order(ast_engine):
    """FaceMesh on the rendered frames: the lid gap shrinks stage by stage (0, 0.35, 0.7, 1)."""
    def gap(lm: np.ndarray) -> float:
        return float(np.mean([np.linalg.norm(lm[a, :2] - lm[b, :2]) for a, b in ((159, 145), (386, 374))]))
    gaps = [gap(mesh_landmarks(ast_engine.render_pose(Pose(0.0), b))) for b in (0.0, 0.35, 0.7, 1.0)]
    assert all(a > b for a, b in zip(gaps, gaps[1:])), gaps


def test_on_cornea_keeps_the_highlight_on_the_iris():
    """Well inside, untouched; further out, carried along at the iris' edge (never dimmed: a
    painter keeps the highlight on the cornea the eye turns away with, issue #8 session 15)."""
    c = np.array([10.0, 10.0])
    pos = on_cornea(np.array([11.0, 10.0]), c, 5.0, 0.5)
    assert np.allclose(pos, [11.0, 10.0])  # well inside: untouched
    for far in (15.0, 18.0, 20.0):
        pos = on_cornea(np.array([far, 10.0]), c, 5.0, 0.5)
        assert np.isclose(np.hypot(*(pos - c)), 0.75 * 5.0 - 0.5) and pos[0] > c[0]  # carried along at the edge


@pytest.fixture(scope="module")
def glint_engine(astronaut) -> RigEngine:
    """The astronaut with a painted catchlight on each iris (white dot up and right of centre)."""
    img = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)  # irises of 7 px
    lm = mesh_landmarks(img)
    for eye in EYES:
        c = lm[eye.iris[0], :2]
        r = float(np.linalg.norm(lm[list(eye.iris[1:]), :2] - c, axis=1).mean())
        cv2.circle(img, (int(round(c[0] + 0.3 * r)), int(round(c[1] - 0.3 * r))), max(1, int(round(0.25 * r))), (250, 250, 250), -1, cv2.LINE_AA)
    eng = RigEngine()
    eng.prepare(head_crop_of(img))
    return eng


def test_catchlight_never_sits_on_the_white(glint_engine):
    """Moving the iris by its own radius and more, the highlight stays on the iris disc: no
    pixel of the eye white outside the moved iris is as bright as the catchlight."""
    eng = glint_engine
    glints = [e for e in eng.eyes if e.catch is not None]
    assert glints, "no painted catchlight was found"
    for e in glints:
        cl_l = float(lightness(np.asarray(e.catch.colour, np.float32)[None, None])[0, 0])
        painted_white = (disc(e.image.shape[:2], e.frame.to_xy(e.rest), 1.1 * e.radius, 1.0) < 0.01) & (opening(e.u, e.v, e.lids, 1.0) > 0.5)
        white_l = float(lightness(e.image)[painted_white].max())  # the brightest painted white
        for du in (-1.6, -1.1, 1.1, 1.6):
            shift = np.array([du * e.radius, 0.0])
            out = render_eye(e, shift, 0.0)
            centre = e.frame.to_xy(e.rest + shift)
            off_iris = (disc(out.shape[:2], centre, 1.1 * e.radius, 1.0) < 0.01) & (opening(e.u, e.v, e.lids, 1.0) > 0.5)
            light = lightness(out)
            assert light[off_iris].max() < min(cl_l - 3, white_l + 2), (du, light[off_iris].max(), cl_l, white_l)


def test_highlight_stays_on_an_iris_turned_a_radius(glint_engine):
    """An iris moved by its own radius (portrait_10's large irises travel 0.9-1.0 radius at the
    sweep's ends) still carries its catchlight at full strength (a corneal reflex stays on the
    iris within the eyes' range); the old render had faded it to a faint dot on the side the
    highlight was left behind, and the iris in the corner read as a dead, dark disc."""
    eng = glint_engine
    glints = [e for e in eng.eyes if e.catch is not None]
    assert glints, "no painted catchlight was found"
    for e in glints:
        cl = float(lightness(np.asarray(e.catch.colour, np.float32)[None, None])[0, 0])
        for du in (-1.0, 1.0):
            shift = np.array([du * e.radius, 0.0])
            light = lightness(render_eye(e, shift))
            iris = (disc(light.shape, e.frame.to_xy(e.rest + shift), 0.9 * e.radius, 1.0) > 0.5) & (opening(e.u, e.v, e.lids, e.edge) > 0.5)
            base = float(np.median(light[iris]))
            assert light[iris].max() > base + 0.9 * (cl - base), (du, light[iris].max(), base, cl)  # old: 0.7 of the way
