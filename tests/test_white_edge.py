"""The rebuilt white made continuous with the painted white it meets (sfumato.rig.white_edge);
synthetic eye, no data needed."""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import rgb_to_lab


def test_the_edge_is_matched_to_painted_white_only():
    """A light pink lid rim inside the opening beside the iris (a stylised eye, as portrait_03's)
    set the rebuilt white's edge (match_edge took every light pixel there), pinking the
    blue-grey white's hole."""
    from sfumato.rig.white_edge import match_edge

    h, w, r = 60, 140, 10.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c = np.array([70.0, 30.0])
    d = np.hypot(xx - c[0], yy - c[1])
    grey, pink = np.array([200.0, 208.0, 222.0]), np.array([226.0, 160.0, 160.0])
    rim = (xx > c[0]) & (d > 1.1 * r) & (d < 1.6 * r)  # the rim right beside the hole, on one side
    img = np.where(rim[..., None], pink, grey).astype(np.float32)
    plate = np.broadcast_to(grey, img.shape).astype(np.float32).copy()
    hole = (d < 1.05 * r).astype(np.float32)
    inside = np.ones((h, w), np.float32)
    light = rgb_to_lab(img)[..., 0]
    white = ~rim
    kept = match_edge(img, plate, hole, inside, light, 30.0, c, r, white)
    loose = match_edge(img, plate, hole, inside, light, 30.0, c, r)  # every light pixel: the old way
    a = lambda x: np.median(rgb_to_lab(x)[(d < r) & (xx > c[0] + 0.5 * r)][:, 1])  # noqa: E731
    a_grey = rgb_to_lab(grey[None, None])[0, 0, 1]
    assert abs(a(kept) - a_grey) < 1.0, (a(kept), a_grey)  # the hole keeps the white's hue
    assert a(loose) > a_grey + 3.0  # (the rim pinked it when every light pixel set the edge)
