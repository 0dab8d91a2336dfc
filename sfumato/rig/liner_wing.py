"""A painted liner's wing: the upper liner running on past a corner of the eye, outside it.

An animator closes such an eye by bringing the upper liner down with the lid (the closed lash
line) while the wing, drawn on the skin outside the eye, stays where it is and joins the closed
line at the corner. The closing lid so covers nothing past a corner with a wing, and inside the
eye its painted band tapers to nothing toward that corner (:func:`wing_taper`): the wing's root
stays painted and meets the closed line, rather than the lid plate's edge cutting across the
wing (portrait_03's image-left eye: its plate reached 0.12 half-widths past the outer corner and
8 px over it, where the wing rises out of the eye, and cut it off).

Arrays are ROI pixels: ``light`` (h, w) float32 mean of RGB in [0, 255]; ``u``, ``v`` (h, w)
float32 eye-frame coordinates (:class:`sfumato.rig.lids.EyeFrame`).
"""

from __future__ import annotations

import numpy as np

from sfumato.rig.corner_white import corner_reach
from sfumato.rig.lids import EyeFrame, Lids

WING_DARK = 0.5
"""A wing is a line painted at most this fraction of the light of the lightest pixel beside it
across the wing (a line on the skin, not a shadow: the astronaut's shaded outer corners, 0.27
of the lid skin's light but 0.53-0.57 of the skin beside them, are none; portrait_03's
liner: 0.12 at the image-left outer corner) ..."""
WING_RUN = 0.16
"""... without a break from the corner on for at least this many eye half-widths, and 2 px
further than the closing lid's own reach at the corners (:func:`corner_reach`, 0.12 of them:
liner that only rounds a corner, portrait_02's inner corners, the astronaut's synthetic liner,
goes with the lid; portrait_03's wings run 0.2-0.35) ..."""
WING_RISE = 1.0
"""... at most this many pixels under the corners' line and over it by at most the lid band
plus this many times the distance past the corner (a wing rises out of the eye, 45 degrees at
most)."""
WING_TAPER = 0.25
"""Inside the eye, the closing lid's painted band tapers to nothing toward a wing's corner
over this many eye half-widths (the wing's root stays)."""


def wings_past_corners(light: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids, frame: EyeFrame,
                       band_up: float, reach: tuple[float, float]) -> tuple[bool, bool]:
    """Whether the painted liner runs on as a wing past the (left, right) corner: at every
    1 px step from the corner out to :data:`WING_RUN` eye half-widths, the darkest pixel within
    :data:`WING_RISE` of the corners' line (under it by at most that many pixels, over it by the
    band ``band_up`` plus the distance past the corner) is at most :data:`WING_DARK` times
    the lightest there. False where the lid's ``reach`` past the corner
    (:func:`sfumato.rig.corner_white.white_past_corners`) is longer than :func:`corner_reach`:
    painted white runs on past it, which goes with the lid."""
    steps = np.arange(0.0, max(WING_RUN * frame.half_width, corner_reach(frame)[0] + 2.0) + 0.5, 1.0)
    out = []
    for k, sign in ((0, -1.0), (-1, 1.0)):
        d = sign * (u - lids.u[k])  # past the corner
        h = v - lids.upper[k]  # over the corners' line
        dark = reach[k] <= corner_reach(frame)[0]
        for s in steps if dark else ():
            sel = (np.abs(d - s) <= 0.5) & (h >= -WING_RISE) & (h <= band_up + WING_RISE * s)
            if not sel.any() or float(light[sel].min()) > WING_DARK * float(light[sel].max()):
                dark = False
                break
        out.append(dark)
    return out[0], out[1]


def wing_taper(u: np.ndarray, lids: Lids, frame: EyeFrame, wings: tuple[bool, bool]) -> np.ndarray:
    """(h, w) float32 in [0, 1]: how much of the closing lid's painted band covers each column,
    falling linearly to 0 at a corner with a wing (:data:`WING_TAPER` eye half-widths inside
    it) and 0 past it; 1 elsewhere."""
    out = np.ones(u.shape, np.float32)
    span = max(WING_TAPER * frame.half_width, 1e-3)
    for k, sign, wing in ((0, 1.0, wings[0]), (-1, -1.0, wings[1])):
        if wing:
            out = np.minimum(out, np.clip(sign * (u - lids.u[k]) / span, 0.0, 1.0))
    return out
