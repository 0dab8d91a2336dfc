"""The painted surround of an iris: what of it moves with the iris as the eye turns.

The rebuilt eye white (:func:`sfumato.rig.sclera.white_and_hole`) replaces the iris with its dark
rim, halo and the ring of its hue. At rest those are the painting's own pixels and show exactly
(:func:`carried_halo`); once the iris moves, only the part darker than the rebuilt white (the
limbus' rim and shade, :func:`darker_than_white`) turns with it, and it is let go as the iris
travels on (:func:`carried_share`, :func:`let_go`). :func:`sfumato.rig.eye.render_eye` composes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sfumato.rig.iris import lightness

if TYPE_CHECKING:
    from sfumato.rig.eye import EyeLayers


DARKER = 4.0
"""A replaced pixel this many L darker than the rebuilt white there is the iris' dark surround
(rim, limbus shadow) and moves with the iris in full (:func:`darker_than_white`). Picked by hand
(3f6f073: a few L above the rebuilt white's own texture, so a light crescent beside the iris, the
white's own light, stays behind), looked at on portrait_13, portrait_20 and the Mona Lisa; not swept."""


CARRY_TRAVEL = (0.25, 0.5)
"""The iris' painted surround moves with it in full up to the first travel (iris radii: about
4-8 degrees of gaze), and is let go by the second (:func:`carried_share`). The surround matters
near rest, where the eye is the painting and a ring of rebuilt white around the iris or a grey
patch beside it (portrait_20 at +-4..8 degrees) shows. Carried further, FaceMesh reads it as
iris: an iris turned into a corner has its surround's leading side under the corner's skin and
the trailing side in the open, and the iris found lags behind (portrait_13 at -30 degrees: 1.2
px, gaze range 0.52 -> 0.49 when carried at every angle; 0.52 let go by 1.0 radius)."""


def carried_halo(hole: np.ndarray) -> np.ndarray:
    """The painted surround of the iris that moves with it: (h, w) float32 in [0, 1].

    What the rebuilt white replaced (``hole``, (h, w) float32 in [0, 1]: the iris, its dark rim,
    halo and the ring of its hue): the limbus' shade belongs to the eyeball and turns with the
    iris, and at rest these are the painting's own pixels. Full strength from half the hole's
    soft edge in, so at rest the painting shows there exactly, not a mix with the rebuilt white;
    the iris itself too, so under the iris' soft edge (:mod:`sfumato.rig.limbus`) the painting
    lies, not the rebuilt white (before: a light ring a quarter of the way to the white where
    the alpha was half, at rest).
    """
    return np.clip(2.0 * hole, 0.0, 1.0).astype(np.float32)


def darker_than_white(image: np.ndarray, base: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """How much darker than the rebuilt white each replaced pixel is: (h, w) float32 in [0, 1],
    0 where the painting is as light as the rebuilt white there or lighter, 1 from
    :data:`DARKER` L darker on (0 where nothing was replaced).

    ``image``, ``base``: (h, w, 3) float32 RGB, the painted ROI and the eye with its iris taken
    out (``image`` mixed with the rebuilt white by ``hole``, (h, w) float32 in [0, 1]).
    """
    some = hole > 0.02
    plate = image + (base - image) / np.maximum(hole, 0.02)[..., None]  # the rebuilt white itself
    d = np.where(some, lightness(plate) - lightness(image), 0.0)
    return np.clip(d / DARKER, 0.0, 1.0).astype(np.float32)


def carried_share(layers: "EyeLayers", travel: float) -> np.ndarray:
    """What of the painted surround moves with the iris when it has moved ``travel`` iris radii:
    (h, w) float32 in [0, 1].

    All of it at rest (the painting there exactly); only its part darker than the white once
    the iris has moved a quarter radius (in between a mix): the limbus' rim and shadow belong to
    the eyeball and turn with the iris, while a light crescent beside it is the white's own light
    (or the lower lid's light rim) and stays with the white (portrait_13's light crescent at the
    iris' lower left, carried, read as too bright white beside the moved iris). Let go between
    :data:`CARRY_TRAVEL` radii of travel, where the rebuilt white takes over as before.
    """
    L = layers
    moved = float(np.clip(travel / CARRY_TRAVEL[0], 0.0, 1.0))
    return (L.halo * (L.dark + (1.0 - L.dark) * (1.0 - moved)) * (1.0 - let_go(travel))).astype(np.float32)


def let_go(travel: float) -> float:
    """How far the painted surround is let go at ``travel`` iris radii: 0 up to
    ``CARRY_TRAVEL[0]``, 1 from ``CARRY_TRAVEL[1]`` on, linear between."""
    lo, hi = CARRY_TRAVEL
    return float(np.clip((travel - lo) / (hi - lo), 0.0, 1.0))
