"""The closed lid as the painting's own skin: no pasted patch, a lash line painted like the lashes.

Measured from outside on the rendered closed eye (real MediaPipe rig of the bundled astronaut
and of the shared paintings when ../shared is present):

- the lash line's variation along its length (its darkest pixel across the line, detrended
  along the lid) against the painted upper lash line's: a one-colour line has about half;
- the closed lid's grain: tests/test_lid_grain.py (against the painted skin just above the
  eye, as it was measured here, it passed portrait_11's speckled lid: that skin is mostly
  painted crease lines);
- the seam with the skin above: ``_seam_share`` in tests/test_closed_lid.py.
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.iris import lightness


def _along(light: np.ndarray, e: EyeLayers, curve: np.ndarray, half: float) -> np.ndarray:
    """The darkest of ``light`` ((h, w) ROI) within ``half`` pixels across the lid-shaped curve
    ``curve`` (v at ``e.lids.u``), at 1-pixel steps along the middle 80% of the lid: (n,)."""
    u0, u1 = float(e.lids.u[0]), float(e.lids.u[-1])
    us = np.arange(u0 + 0.1 * (u1 - u0), u1 - 0.1 * (u1 - u0), 1.0)
    vs = np.interp(us, e.lids.u, curve)
    rows = []
    for dv in np.arange(-half, half + 0.01, 0.5):
        xy = e.frame.to_xy(np.stack([us, vs + dv], -1)).astype(np.float32)
        rows.append(cv2.remap(light, xy[:, 0][None], xy[:, 1][None], cv2.INTER_LINEAR)[0])
    return np.min(rows, 0)


def _variation(profile: np.ndarray) -> float:
    """Standard deviation of a profile minus its 3 px Gaussian along the lid (L)."""
    p = profile.astype(np.float32)[None]
    return float(np.std(p - cv2.GaussianBlur(p, (0, 0), 3.0)))


def lash_variation(e: EyeLayers) -> float:
    """The closed lash line's variation along the lid over the painted upper lash line's (the
    darkest pixel across each line: the closed line within 0.2 opening heights of the closed
    upper lid, the painted one within 0.25 of 0.15 heights over the painted contour)."""
    h = e.lids.height()
    shut, painted = lightness(render_eye(e, np.zeros(2), 1.0)), lightness(e.image)
    closed = _along(shut, e, e.lids.moved(0.0, 1.0).upper, max(2.0, 0.2 * h))
    drawn = _along(painted, e, e.lids.upper + 0.15 * h, max(2.0, 0.25 * h))
    return _variation(closed) / max(_variation(drawn), 1e-6)


def test_lash_line_is_lighter_between_the_painted_lashes(ast_engine):
    """The astronaut's closed lash line varies along its length, lash by lash, more than the
    old one-colour line did (0.54 and 0.58 of her painted line's variation; now 0.60 and 0.67).
    The bound was set after measuring and only says "more than the old line": the margin is
    small (0.007 on one eye), so read a failure here as the line falling back. It stays as dark
    as the painted line at its darkest: FaceMesh then reads the closed eye as closed
    (tests/test_blinks.py)."""
    ratios = [lash_variation(e) for e in ast_engine._eyes]
    assert min(ratios) >= 0.59, ratios


def test_seamless_fill_meets_the_picture_and_keeps_the_guide():
    """The Poisson fill equals the picture outside the hole and on its edge, and inside has the
    guide's gradients: a guide that is the picture plus a constant gives the picture back."""
    from sfumato.rig.seamless import seamless_fill

    yy, xx = np.mgrid[0:40, 0:50].astype(np.float32)
    picture = np.stack([xx * 2.0, yy * 3.0, 100.0 + np.sin(xx / 3.0) * 20.0], -1).astype(np.float32)
    hole = np.zeros((40, 50), bool)
    hole[10:30, 12:40] = True
    out = seamless_fill(picture + 37.0, picture, hole)
    assert np.array_equal(out[~hole], picture[~hole])
    assert np.abs(out - picture).max() < 1e-2
    flat = seamless_fill(np.zeros_like(picture), picture, hole)  # no gradients: a smooth membrane
    inner = flat[11:29, 13:39]
    assert np.abs(inner[..., 2] - picture[11:29, 13:39, 2]).max() > 1.0  # the sine is not kept ...
    assert inner[..., 0].min() >= picture[hole][..., 0].min() - 1e-3  # ... and no value overshoots the edge's
