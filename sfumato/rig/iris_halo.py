"""The painted iris' dark surround, measured ray by ray, so that the rebuilt white replaces all of it.

A painted iris does not stop at a sharp circle: its limbus fades into the white over a tenth or
two of its radius, often with a darker halo or the shadow it casts. A hole cut as a soft disc at
the fitted radius keeps the outer part of that fade, half blended with the rebuilt white: once the
iris moves away, it reads as a thin dark circle, an empty second iris outline. :func:`halo_hole`
follows each ray from the iris outward until the painting has risen to its own white (no
outline is left) and takes the hole that far, the whole surround at once (not only its darker
pixels, which would lighten it), so the rebuilt white meets painted white, not limbus.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.ndimage import map_coordinates

N_RAYS = 96
"""Rays around the iris."""
REACH = (1.0, 1.4)
"""The surround is looked for from the fitted radius out to this many iris radii (no further:
beyond, darker paint is a lid, a lash or the white's own shading, not the iris')."""
TOL = 2.0
"""The surround ends where the painting is within this many L of the white painted on that ray."""
WHITE_FROM = 1.2
"""That white: the median lightness on the ray from this many iris radii on (to ``REACH[1]``), a
level robust to a lone lighter or darker fleck of paint; the lightest on the ray when too little of
it lies in the opening."""


def halo_radii(light: np.ndarray, inside: np.ndarray, c: np.ndarray, r: float, fill: np.ndarray | None = None) -> np.ndarray:
    """Per ray, how far (iris radii) the painted iris' dark surround reaches.

    Along each of :data:`N_RAYS` rays the painting's lightness (smoothed over a twentieth of the
    radius) is followed from ``REACH[0]`` out to ``REACH[1]`` iris radii; the white on that ray is
    its typical lightness there (:data:`WHITE_FROM`) while inside the opening, and the surround ends at the first radius
    within :data:`TOL` of it, or of the rebuilt white ``fill`` there when that is darker (paint as
    light as the fill that replaces it leaves no dark line: it is kept). A ray that leaves the opening first ends where it leaves (what lies
    under the lid is the lid's). The radii are smoothed across neighbouring rays (a median of 5,
    then a mean of 3) so the hole's outline is a smooth curve, not a star.

    Args:
        light: (h, w) float32 CIE L of the painted ROI; inside: (h, w) float32 soft opening in
            [0, 1]; c: (2,) iris centre, ROI pixels; r: iris radius, pixels; fill: (h, w) float32
            L of what replaces the iris, or None.

    Returns:
        (N_RAYS,) float64 radii in iris radii, in ``REACH``; ray k points at angle 2 pi k / N_RAYS.
    """
    smooth = cv2.GaussianBlur(light.astype(np.float32), (0, 0), max(0.5, 0.05 * r))
    steps = max(8, int(np.ceil((REACH[1] - REACH[0]) * r / 0.25)))
    rho = np.linspace(REACH[0], REACH[1], steps + 1)
    theta = 2 * np.pi * np.arange(N_RAYS) / N_RAYS
    xs = c[0] + r * rho[None, :] * np.cos(theta)[:, None]
    ys = c[1] + r * rho[None, :] * np.sin(theta)[:, None]
    prof = map_coordinates(smooth, [ys, xs], order=1, mode="nearest")
    fill_prof = None if fill is None else map_coordinates(cv2.GaussianBlur(fill.astype(np.float32), (0, 0), max(0.5, 0.05 * r)), [ys, xs], order=1, mode="nearest")
    seen = map_coordinates(inside.astype(np.float32), [ys, xs], order=1, mode="constant") > 0.5
    out = np.empty(N_RAYS)
    for k in range(N_RAYS):
        left = np.flatnonzero(~seen[k])
        stop = int(left[0]) if len(left) else len(rho)  # the ray leaves the opening here
        if stop == 0:
            out[k] = REACH[0]
            continue
        far = prof[k, :stop][rho[:stop] >= WHITE_FROM]
        white = float(np.median(far)) if len(far) >= 3 else float(prof[k, :stop].max())
        level = np.full(stop, white) if fill_prof is None else np.minimum(white, fill_prof[k, :stop])
        reached = np.flatnonzero(prof[k, :stop] >= level - TOL)
        out[k] = rho[int(reached[0])] if len(reached) else rho[stop - 1]
    ext = np.concatenate([out[-2:], out, out[:2]])
    med = np.median(np.lib.stride_tricks.sliding_window_view(ext, 5), axis=1)
    ext = np.concatenate([med[-1:], med, med[:1]])
    return np.convolve(ext, np.ones(3) / 3, mode="valid")


def halo_hole(
    light: np.ndarray, inside: np.ndarray, c: np.ndarray, r: float, fill: np.ndarray | None = None, soft: float = 1.0
) -> np.ndarray:
    """The painted iris with its whole dark surround (:func:`halo_radii`), as a soft mask.

    Args:
        light, inside, c, r, fill: as for :func:`halo_radii`.
        soft: width of the mask's outer edge, pixels, centred on the surround's end (where the
            painting is already within :data:`TOL` of its white, so blending there leaves no line).

    Returns:
        (h, w) float32 in [0, 1]: 1 over the iris and its surround.
    """
    radii = halo_radii(light, inside, c, r, fill)
    h, w = light.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = xx - np.float32(c[0]), yy - np.float32(c[1])
    d = np.hypot(dx, dy)
    ang = np.mod(np.arctan2(dy, dx), 2 * np.pi) / (2 * np.pi) * N_RAYS
    reach = np.interp(ang.ravel(), np.arange(N_RAYS + 1), np.append(radii, radii[0])).reshape(h, w) * r
    return np.clip((reach + 0.5 * soft - d) / max(soft, 1e-3), 0.0, 1.0).astype(np.float32)
