"""No outline of the old iris is left where the rebuilt white replaces it (issue #8: "the original
iris stays visible as a grey circle beside the moved one").

The measure (:func:`ring_dip`): along rays from the painted iris' centre, how much darker each
point at 0.9..1.35 iris radii is than the lightest paint within a quarter radius on BOTH sides of
it, averaged over the rays that see the white there (inside the opening, away from the moved
iris); a thin dark circle (a limbus fade or halo half blended into the rebuilt white) shows as a
dip of several L, clean white as about 0.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy.ndimage import map_coordinates

from sfumato.engines.base import Pose
from sfumato.rig.iris import lightness
from sfumato.rig.iris_halo import halo_radii
from sfumato.rig.lids import EyeFrame, Lids, opening
from sfumato.rig.sclera import rebuild_white
from tests.conftest import TESTDATA

MAX_DIP = 1.0
"""Largest mean ring dip (L) allowed, on the :data:`GRAIN_BLUR`-smoothed measure. The old code (a
soft disc at 1.05 r) left 2.2..5 L on portrait_11, portrait_02, portrait_10, portrait_13 and 24 L
on the synthetic eye below, read at 0.5 px, where the limit was 2.0. The smoothing takes about
half a thin ring's depth (tidy10, on the synthetic eye's rebuilt white: rings reading 1.8 / 1.9 /
2.4 / 2.6 / 3.0 / 3.3 L at 0.5 px read 0.85 / 1.1 / 1.2 / 1.6 / 1.5 / 2.1 smoothed), so the old
2.0 became a looser limit (a 3-4 L ring passed): 1.0 is the old limit's place on the smoothed
measure, tested on rings of the old failures' size below (on the astronaut, r 4 px, the
smoothing is the old 0.5 px, so there 1.0 is stricter than before). Readings on main at bbad8f5 (smoothed,
worst frame of -30/-15/+15/+30): astronaut 0.70, portrait_02 0.14, portrait_11 0.19, portrait_10
0.12, portrait_13 0.51."""


GRAIN_BLUR = 0.1
"""The frame's L is smoothed by this many iris radii (at least 0.5 px) before the rays sample it:
a dip is a ring a tenth to a third of a radius wide, while the canvas grain the rebuilt white
now carries (grain10) is pixel-sized and, unsmoothed, read as a dip on every ray (portrait_02:
3.5-3.9 L with the grain, 0.1-1.4 L flat). Not a ring: with another draw of the texture's blocks
(white_grain.SEED 1..5 against 8) the image-left eye reads 0.8..4.3 unsmoothed, and 1.3..6.6 on
the mean profile over rays (the few rays that see white there, a 20 degree fan, cross the same one
or two 8-px blocks, so an average over angles does not cancel the grain); smoothed, -0.5..0.5."""


def ring_dip(light: np.ndarray, inside: np.ndarray, c_old: np.ndarray, c_new: np.ndarray | None, r: float, blur: float = GRAIN_BLUR) -> float:
    """Largest mean dip (L) of a thin ring 0.9..1.35 ``r`` around ``c_old`` (-inf when unseen).

    Args:
        light: (h, w) float32 L of the frame; inside: (h, w) float32 soft opening; c_old: (2,)
            painted iris centre; c_new: (2,) moved iris centre (its 1.4 r disc is left out) or None;
            blur: the smoothing in iris radii (at least 0.5 px; 0: the old 0.5 px measure).
    """
    step, n_ang = 0.025, 180
    rho = np.arange(0.6, 1.75 + 1e-9, step)
    th = np.linspace(0, 2 * np.pi, n_ang, endpoint=False)
    xs = c_old[0] + r * rho[None] * np.cos(th)[:, None]
    ys = c_old[1] + r * rho[None] * np.sin(th)[:, None]
    L = map_coordinates(cv2.GaussianBlur(light.astype(np.float32), (0, 0), max(0.5, blur * r)), [ys, xs], order=1, mode="nearest")
    ok = map_coordinates(inside.astype(np.float32), [ys, xs], order=1, mode="constant") > 0.99
    if c_new is not None:
        ok &= np.hypot(xs - c_new[0], ys - c_new[1]) > 1.4 * r
    d = max(int(round(max(0.25 * r, 2.0) / (r * step))), 2)
    best = -np.inf
    for j in range(d, len(rho) - d):
        if not 0.9 <= rho[j] <= 1.35:
            continue
        win = ok[:, j - d : j + d + 1].all(1)
        if win.sum() < 8:
            continue
        lo, hi = L[win, j - d : j].max(1), L[win, j + 1 : j + d + 1].max(1)
        best = max(best, float(np.mean(np.minimum(lo, hi) - L[win, j])))
    return best


def _painted_eye(seed: int = 0):
    """A synthetic painted eye: a light, grainy white; a dark iris (radius 12) whose limbus fades
    into the white from 0.9 to 1.25 radii, slowly at its outer end, as painted irises do."""
    rng = np.random.default_rng(seed)
    h, w, r = 70, 140, 12.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c = np.array([70.0, 35.0])
    rho = np.hypot(xx - c[0], yy - c[1]) / r
    white = 200.0 * (1.0 + 0.015 * rng.standard_normal((h, w)).astype(np.float32))
    fade = np.clip((rho - 0.9) / 0.35, 0.0, 1.0) ** 1.5  # the limbus rise, slow at its outer end
    lum = 50.0 + (white - 50.0) * fade
    image = np.stack([lum * 1.0, lum * 0.97, lum * 0.92], -1).astype(np.float32)
    frame = EyeFrame(np.array([70.0, 35.0]), np.array([1.0, 0.0]), 50.0)
    xs = np.linspace(20, 120, 21)
    bulge = np.sqrt(np.clip(1 - ((xs - 70) / 50) ** 2, 0, 1))
    lids = Lids.from_contours(frame, np.stack([xs, 35 - 18 * bulge], 1), np.stack([xs, 35 + 16 * bulge], 1))
    u, v = frame.grids((h, w))
    return image, frame, lids, u, v, c, r


def test_synthetic_eye_keeps_no_outline_of_the_old_iris():
    image, frame, lids, u, v, c, r = _painted_eye()
    edge = 2.0
    inside = opening(u, v, lids, edge)
    base = rebuild_white(image, lids, frame, u, v, inside, c, r, edge)
    dip = ring_dip(lightness(base), inside, c, None, r)
    painted = ring_dip(lightness(image), inside, c, None, r)
    assert painted < 1.0, painted  # the painting itself has no ring: the measure is fair
    assert dip < MAX_DIP, dip
    # and the white is not lightened: the rebuilt white is no lighter than the painted white
    far = (inside > 0.99) & (np.hypot(*(np.mgrid[0:70, 0:140][::-1] - c[:, None, None])) > 1.6 * r)
    gone = (inside > 0.99) & (np.hypot(*(np.mgrid[0:70, 0:140][::-1] - c[:, None, None])) < 1.2 * r)
    assert np.median(lightness(base)[gone]) <= np.median(lightness(image)[far]) + 1.5


def test_the_smoothed_measure_still_sees_a_left_over_ring():
    """The old fill (a disc of white to 1.05 radii, the limbus fade beyond it left): 13 L with
    the :data:`GRAIN_BLUR` smoothing (24 L at 0.5 px), the painting itself about 0 (-1.4)."""
    image, frame, lids, u, v, c, r = _painted_eye()
    inside = opening(u, v, lids, 2.0)
    yy, xx = np.mgrid[0:70, 0:140].astype(np.float32)
    bad = image.copy()
    bad[np.hypot(xx - c[0], yy - c[1]) < 1.05 * r] = 200.0
    assert ring_dip(lightness(bad), inside, c, None, r) > 3 * MAX_DIP
    assert ring_dip(lightness(image), inside, c, None, r) < 1.0


@pytest.mark.parametrize("depth, width", [(3.0, 0.05), (3.0, 0.1), (4.0, 0.05)])
def test_the_smoothed_measure_sees_a_faint_ring(depth, width):
    """A faint dark ring of the old failures' size left in the rebuilt white (a Gaussian ring
    ``width`` radii wide at 1.15 radii, about ``depth`` L deep), with a 2% pixel grain over it:
    it reads 2.35 / 2.50 / 2.91 L at 0.5 px (over the old 2.0) and 1.10 / 1.48 / 1.44 smoothed,
    over :data:`MAX_DIP` (the first by only 0.1: the limit sits at a ~2.3 L ring), while the same
    white without the ring reads under half of it (tidy10)."""
    image, frame, lids, u, v, c, r = _painted_eye()
    inside = opening(u, v, lids, 2.0)
    base = rebuild_white(image, lids, frame, u, v, inside, c, r, 2.0)
    yy, xx = np.mgrid[0:70, 0:140].astype(np.float32)
    ring = np.exp(-0.5 * ((np.hypot(xx - c[0], yy - c[1]) / r - 1.15) / width) ** 2)
    light = lightness(base)
    grain = 1.0 + 0.02 * np.random.default_rng(3).standard_normal(light.shape).astype(np.float32)
    ringed = base * (np.clip((light - depth * ring) / np.maximum(light, 1.0), 0, 2) * grain)[..., None]
    plain = base * grain[..., None]
    unsmoothed = ring_dip(lightness(ringed), inside, c, None, r, blur=0.0)  # the old 0.5 px measure
    smoothed = ring_dip(lightness(ringed), inside, c, None, r)
    print(depth, width, "0.5 px", round(unsmoothed, 2), "smoothed", round(smoothed, 2))
    assert unsmoothed > 2.0, unsmoothed  # a ring the old limit failed
    assert smoothed > MAX_DIP, smoothed
    assert ring_dip(lightness(plain), inside, c, None, r) < 0.5 * MAX_DIP


def test_halo_radii_follow_the_painted_fade():
    image, frame, lids, u, v, c, r = _painted_eye()
    radii = halo_radii(lightness(image), opening(u, v, lids, 2.0), c, r)
    side = np.r_[radii[:8], radii[-8:], radii[40:56]]  # the rays along the white, left and right
    assert np.all(side > 1.12) and np.all(side <= 1.3), side  # to the fade's end, not the fitted rim


def _frames_dips(bank_engine, yaws=(-30, -15, 15, 30)) -> list[float]:
    dips = []
    for yaw in yaws:
        out = bank_engine.render_pose(Pose(yaw, 0.0, 0.0, 0.0))
        for e in bank_engine.eyes:
            rows, cols = e.roi
            c_old = e.frame.to_xy(e.rest)
            c_new = e.frame.to_xy(e.rest + bank_engine._shift(e, yaw, 0.0))
            dips.append(ring_dip(lightness(out[rows, cols].astype(np.float32)), opening(e.u, e.v, e.lids, e.edge), c_old, c_new, e.radius))
    return dips


def test_astronaut_keeps_no_outline_of_the_old_iris(ast_engine):
    dips = [d for d in _frames_dips(ast_engine) if np.isfinite(d)]
    assert dips and max(dips) < MAX_DIP, dips


@pytest.mark.parametrize("name", ["portrait_11", "portrait_02", "portrait_10", "portrait_13"])
def test_shared_paintings_keep_no_outline_of_the_old_iris(name):
    path = TESTDATA / f"{name}.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    from sfumato.engines.base import SweepSpec
    from sfumato.engines.rig import RigEngine
    from tests.crops import head_crop_of

    painting = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    eng = RigEngine()
    eng.prepare(head_crop_of(painting))
    eng.plan(SweepSpec())
    dips = [d for d in _frames_dips(eng) if np.isfinite(d)]
    print(name, "worst ring dip", round(max(dips), 2))
    assert dips and max(dips) < MAX_DIP, dips
