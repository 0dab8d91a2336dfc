"""The iris' colour bled into the painted white around it, measured pixel by pixel.

A painted iris' edge is soft: over a tenth to a third of its radius the white beside it is a
mix of the white and the iris' own colour (a green iris leaves a greenish ring in a yellow
white). :mod:`sfumato.rig.iris_halo` follows the iris' DARK surround; this ring is often as light
as the white, only of another hue, so the halo stops short of it. Left in place once the iris
moves, it reads as an olive crescent where the iris was; taken as a sample of the white, it
tints the whole rebuilt white (portrait_13: a tan, olive disc in a yellow white).

:func:`iris_tint` unmixes each pixel near the iris in CIE (a, b): the share of the iris' colour
in it, on the line from the white's colour (on that side of the iris) to the iris'. Arrays are
ROI pixels.
"""

from __future__ import annotations

import numpy as np

REACH = 1.35
"""The iris' colour is looked for out to this many iris radii (beyond, a hue change is the
white's own: its shading toward a corner, a reddish caruncle)."""
MIN_SEPARATION = 8.0
"""An iris whose (a, b) lies closer than this to the white's has no hue ring to find (a grey
iris in a grey white: its surround is a lightness halo, :mod:`sfumato.rig.iris_halo`)."""
TINTED = 0.15
"""A pixel with more than this share of the iris' colour is tinted (not a sample of the white)."""
AS_LIGHT = 16.0
"""Only pixels within this many L of their side's white can be tinted: the ring is as light as
the white; much darker, it is the white in shade or a lid line, much lighter a lit white. (12
kept more of portrait_02's light white around its iris, but left a thin ring, 2.2 L deep, where
the kept and the replaced white met.)"""


def side_colours(lab: np.ndarray, white: np.ndarray, u: np.ndarray, u_iris: float, dist: np.ndarray, r: float) -> list[np.ndarray]:
    """The white's colour (L, a, b) on each side of the iris (``u`` below, then above ``u_iris``): the
    median of the painted white beyond :data:`REACH` radii there, else of all of it there,
    else of the whole white.

    Args:
        lab: (h, w, 3) float32 CIE Lab; white: (h, w) bool painted white; u: (h, w) float32
            eye-frame coordinate along the eye; dist: (h, w) float32 distance from the iris
            centre, pixels; r: iris radius, pixels.

    Returns:
        two (3,) float32 Lab (None where no white is painted at all).
    """
    out = []
    every = np.median(lab[white], 0) if white.sum() >= 4 else None
    for side in (u < u_iris, u >= u_iris):
        far, near = white & side & (dist > REACH * r), white & side
        pick = far if far.sum() >= 4 else near if near.sum() >= 4 else None
        out.append(np.median(lab[pick], 0) if pick is not None else every)
    return out


def iris_tint(
    lab: np.ndarray, iris_ab: np.ndarray, sides: list[np.ndarray | None], u: np.ndarray, u_iris: float, dist: np.ndarray,
    r: float,
) -> np.ndarray:
    """Share of the iris' colour in each pixel within :data:`REACH` radii: (h, w) float32 in [0, 1].

    A pixel's (a, b) projected on the line from its side's white (``sides``) to the iris
    (``iris_ab``): 0 at the white, 1 at the iris. Zero beyond the reach, for a pixel not within
    :data:`AS_LIGHT` of its side's white, and on a side whose white is within
    :data:`MIN_SEPARATION` of the iris in (a, b) (or unknown).

    Args:
        lab: (h, w, 3) float32 CIE Lab; iris_ab: (2,) the iris' median (a, b); sides: each
            side's white Lab (:func:`side_colours`); u, u_iris, dist, r: as there.
    """
    out = np.zeros(lab.shape[:2], np.float32)
    ab = lab[..., 1:]
    for side, w_lab in zip((u < u_iris, u >= u_iris), sides):
        if w_lab is None:
            continue
        w_ab = np.asarray(w_lab[1:], np.float32)
        axis = np.asarray(iris_ab, np.float32) - np.asarray(w_ab, np.float32)
        n2 = float(axis @ axis)
        if n2 < MIN_SEPARATION**2:
            continue
        share = ((ab - w_ab) @ axis) / n2
        where = side & (dist <= REACH * r) & (np.abs(lab[..., 0] - float(w_lab[0])) <= AS_LIGHT)
        out[where] = np.clip(share[where], 0.0, 1.0)
    return out
