"""The limbus measure from outside (:mod:`sfumato.face.limbus_edge`, what ``benchmarks/limbus_bench.py``
prints) reads known edges (finalread15 SHOULD 8: it had no test of its own).

Synthetic eyes, repo only: a light white (L 80) in an almond opening, a dark iris (L 30) whose
edge is an error function of a known 10-90% width; the measure is given the opening as FaceMesh
would (a contour polygon) and FaceMesh-like errors in the iris circle (centre 0.8 px off, radius
8 % large), and must find the circle itself (:func:`sfumato.rig.iris.fit_iris`) and read the
width. Tolerances: the width within 10 % + 0.15 px (the rig's ray fit reads a known edge within
10 %, :func:`tests.test_limbus_edge.test_the_measure_reads_a_known_edge`; the contour polygon is
rasterised to whole pixels and the circle is refitted here), the centre within 0.5 px, the radius
within 5 %.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import erfc

from sfumato.face.limbus_edge import eye_edge, limbus_widths
from sfumato.face.topology import EYES
from sfumato.rig.limbus import RISE

H, W = 120, 240


def almond(cx: float, cy: float, half_w: float = 46.0, up: float = 15.0, down: float = 14.0, k: int = 16) -> np.ndarray:
    """An eye contour: (2k, 2) float64 pixels, upper arc then lower arc, corner to corner."""
    t = np.linspace(-1.0, 1.0, k)
    upper = np.stack([cx + half_w * t, cy - up * (1 - t * t)], 1)
    lower = np.stack([cx - half_w * t, cy + down * (1 - t * t)], 1)
    return np.concatenate([upper, lower])


def painted_iris(light: np.ndarray, c: np.ndarray, r: float, left: float, right: float) -> np.ndarray:
    """``light`` ((h, w) CIE L, the white) with an iris of radius ``r`` at ``c`` drawn over it:
    its edge ``left`` px wide (10-90%) on the image-left side, ``right`` on the image-right side
    (linear in the cosine of the direction between, +-0.3)."""
    yy, xx = np.mgrid[0 : light.shape[0], 0 : light.shape[1]].astype(np.float64)
    d = np.hypot(xx - c[0], yy - c[1])
    width = np.interp(np.cos(np.arctan2(yy - c[1], xx - c[0])), [-0.3, 0.3], [left, right])
    a = 0.5 * erfc((d - r) / (np.sqrt(2.0) * width / RISE))
    return (light * (1 - a) + 30.0 * a).astype(np.float32)


def white(seed: int = 0) -> np.ndarray:
    """(H, W) float32 CIE L: a white of L 80 with a little canvas noise (0.5 L)."""
    return (80.0 + 0.5 * np.random.default_rng(seed).standard_normal((H, W))).astype(np.float32)


@pytest.mark.parametrize("width", [1.0, 2.0, 4.0])
def test_eye_edge_reads_a_known_width(width):
    c, r = np.array([120.3, 60.4]), 13.0
    light = painted_iris(white(), c, r, width, width)
    found = eye_edge(light, almond(120.0, 60.0), c + [0.8, -0.5], 1.08 * r)
    print(width, "read", round(found.width, 2), "rays", found.rays, "centre", found.centre.round(2), "r", round(found.radius, 2))
    assert found.rays >= 10, found.rays
    assert abs(found.width - width) < 0.1 * width + 0.15, (width, found.width)
    assert np.hypot(*(found.centre - c)) < 0.5, found.centre
    assert abs(found.radius / r - 1.0) < 0.05, found.radius


def test_sides_read_a_sharp_and_a_soft_side():
    """An iris 4 px soft on its image-left side and 1 px sharp on its image-right side reads
    each side within 15 % + 0.15 px (fewer rays per side), and the median between them."""
    c, r = np.array([120.0, 60.0]), 13.0
    found = eye_edge(painted_iris(white(1), c, r, 4.0, 1.0), almond(120.0, 60.0), c + [-0.6, 0.6], 0.95 * r)
    left, right = found.sides()
    print("sides", round(left, 2), round(right, 2), "median", round(found.width, 2))
    assert abs(left - 4.0) < 0.6 + 0.15, left
    assert abs(right - 1.0) < 0.15 + 0.15, right
    assert right < found.width < left


def test_no_white_reads_nan():
    """An iris filling its opening (no ray runs into white) reads no width, not a number."""
    c = np.array([120.0, 60.0])
    found = eye_edge(painted_iris(white(2), c, 30.0, 2.0, 2.0), almond(120.0, 60.0, 24.0, 12.0, 12.0), c, 30.0)
    assert np.isnan(found.width) and found.rays < 3


def test_limbus_widths_reads_each_eye_in_order():
    """Both eyes from a FaceMesh-shaped landmark array: the face's right eye (image left) first;
    each its own width (1.0 and 3.0 px)."""
    light = np.concatenate([white(3), white(4)], 1)  # two eyes side by side, (H, 2W)
    cs = [np.array([120.0, 60.0]), np.array([W + 120.0, 60.0])]
    light = painted_iris(painted_iris(light, cs[0], 13.0, 1.0, 1.0), cs[1], 13.0, 3.0, 3.0)
    lm = np.zeros((478, 2))
    for e, c in zip(EYES, cs):
        poly = almond(c[0], c[1], k=len(e.contour) // 2 + 1)
        idx = np.round(np.linspace(0, len(poly) - 1, len(e.contour))).astype(int)
        lm[list(e.contour)] = poly[idx]
        lm[e.iris[0]] = c + [0.5, 0.5]
        lm[list(e.iris[1:])] = c + 13.5 * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])
    right_eye, left_eye = limbus_widths(light, lm)
    print("widths", round(right_eye.width, 2), round(left_eye.width, 2))
    assert abs(right_eye.width - 1.0) < 0.25 and abs(left_eye.width - 3.0) < 0.45, (right_eye.width, left_eye.width)
    assert right_eye.centre[0] < W < left_eye.centre[0]
