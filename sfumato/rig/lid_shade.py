"""The closed lid's form: a convex lid over the eyeball, shaded in the painting's own contrast.

A closed upper lid is no flat plate: it is skin stretched over the eyeball, so the light falls
across its middle (over the cornea) and it turns away from the light toward the lash line, into
both corners and up into the crease. Laid in with one tone from lash line to crease (the lid
plate's guide was the painted fold's colour, constant along each column), every closed lid read
as a flat plate with a hairline under it (portrait_07, 10, 13, the Mona Lisa), and FaceMesh,
which knows closed eyes from real faces, read the Mona Lisa's closed eyes at 0.57 / 0.44 of
their opening.

:func:`lid_form` is that form, a (h, w) multiplier on the plate's guide (the seamless fill then
keeps its shading inside and meets the painting on the lid's edge): 1 across the lid's middle,
falling toward the closed lash line, the corners and the crease as a dome does, by as much as
the painting itself darkens its skin round the eye (:func:`form_depth`: the skin directly above
and beside the closed lid, from its median light to its shaded tenth), no painted-on contrast.
The fill meets the painting on the crease and at the corners, so the form lifts the crown over
that skin; :func:`formed` keeps only as much of it as leaves the crown no lighter than the
painting lights the skin round the lid (:func:`crown_light`): where the lid is already lit as
the lightest skin round it (portrait_10, 13, the astronaut) it stays as it was.

Arrays are ROI pixels: ``light`` (h, w) float32; ``u``, ``v`` (h, w) float32 eye-frame
coordinates (:class:`sfumato.rig.lids.EyeFrame`, v up).
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.lids import Lids

PEAK = 0.45
"""The lid is lightest this fraction of the way from the closed lash line up to the top of the
closed lid (the lid's crown over the cornea, which lies low in the orbit; the crease above it
turns in under the brow). 0.6 at 2406d8b, chosen by hand; 0.45 since lidfold13, the fall into
the crease spread over more of the lid: the bundled Mona Lisa's closed lid stepped 13.9 L over
the skin above its top edge at 8b7284f, 11.6 with the crease's half cosine at 0.6, 9.0 at 0.45
(tests/test_closed_lid_top_edge.py; 0.35 read 6.3 with the lift at 0.35, but portrait_13's
image-left lid then turned off her skin's colours at blink 0.5, tests/test_lid_colour.py 10.3
against 9.5). Not swept further, no held-out set."""
LIFT_CREST = 0.35
"""The closed lid's lift over the skin it meets (:func:`lift`) is whole up to this fraction of
the way from the closed lash line to its top edge, and turns into that skin above it (lidfold13:
portrait_07's closed lids step 4.6 / 4.7 L over the skin above their top edge (8.0 / 8.5 at
8b7284f; tests/test_closed_lid_top_edge.py); a trial at 0.45, faded toward the corners too,
read 6.2 / 5.6; chosen by hand on those and the Mona Lisa, no held-out set) ..."""
LIFT_TOP = 0.9
"""... and is none from this fraction of the way up (the lid is the skin it meets over its top
tenth): falling as a half cosine over the whole rest of the lid, the lid lit toward the cheek
(up to 150 RGB units over the skin its top edge meets, portrait_20) stepped 20.1 / 11.9 L over
the skin above its top edge on portrait_20, 12.1 / 13.0 on portrait_11 (pale plates), 4.6 / 4.7
on portrait_07; 15.0 / 7.2, 8.7 / 9.1 and 2.6 / 3.3 at 0.9 (tests/test_closed_lid_top_edge.py).
Swept by hand (dome14; crest, top: portrait_20's image-left step, the grain of portrait_13's
image-left lid and portrait_07's over the skin under the eye, tests/test_lid_grain.py, and the
light of the deep-set synthetic lid, tests/test_closed_lid.py): 0.35, 0.8 (lidtone13) 9.0, 1.53,
2.24, 0.75: the lid's fall into a dark top edge squeezed into a few pixels (portrait_13: 90 RGB
units over 6 px under a flat brown band), a dark band with a crisp lower edge; 0.0, 0.85 9.2,
0.89, 1.19, but the deep-set lid 0.64 as light as the skin under it and portrait_20's 0.68 (floor
0.75); 0.3, 0.85 11.3, 1.16, 1.69, 0.74; 0.3, 0.9 14.1, 1.01, 1.29, 0.75; 0.35, 0.9 15.0, 0.91,
1.21, 0.76. A lid lit toward a pale cheek under a much darker edge either steps at that edge or
falls steeply just under it: this lift only trades one for the other. No held-out set ..."""
CORNER_FLAT = 0.5
"""... and the lift is whole only within this share of the lid's half-width of its middle,
falling to none at both corners (:func:`lift`): the lid meets the skin at its corners in that
skin's tone, lit only over its middle and lower part. At 0.3 the deep-set synthetic eye's closed
lid read 0.74 as light as the skin under it (tests/test_closed_lid.py, floor 0.75)."""
CROWN = 1.0
"""How far the lid falls into the crease and the corners, as a share of :func:`form_depth` (the
fall toward the lash line is all of it mid-lid). At 0 (the lash line side only, where the fill
is free: the crown no lighter) FaceMesh read the Mona Lisa's image-left closed eye 0.69 of its
opening against 0.57 before (tests/test_closed_lid.py's wink test 0.17, limit 0.15); at 1 0.50."""
TOP = 85.0
"""The crown's light and the light it may reach are read at this percentile of the lid's and the
skin's CIE L (:func:`crown_light`, :func:`formed`; the lit skin round the lid as
:data:`sfumato.rig.lid_light.SURROUND_TOP` reads it: at 90 the astronaut's crown rose 1.1 L over
the skin under her eye and her lid fold, tests/test_closed_lid.py's no-white test) ..."""
SEEN = 0.1
"""... both read as a viewer sees a blink: blurred by this many eye half-widths (sigma, at least 1 px;
unblurred, the lit specks of the skin round the astronaut's eye in a cast shadow let her crown
rise 9 L over the shadow, tests/test_lid_plate_look.py)."""
DEPTH = (0.06, 0.25)
"""The form darkens the lid's rim by the painting's own contrast (:func:`form_depth`) clipped to
this range, as a fraction of the lid's light: at least a lid's turn (a flat-shaded painting still
has a round eyeball under the lid), at most a quarter (a lid in a face whose skin round the eye
runs into black hair, portrait_20, or a deep shadow, portrait_13, is no darker for it)."""


def form_depth(light: np.ndarray, ring: np.ndarray) -> float:
    """How much the painting darkens its skin round the eye, as a fraction of its light: from the
    median to the 10th percentile of ``light`` ((h, w) CIE L or mean of RGB) in ``ring`` ((h, w)
    bool, :func:`sfumato.rig.lid_light.surround`: the skin directly above and beside the closed
    lid), over the median, clipped to :data:`DEPTH`; :data:`DEPTH`'s least with too few pixels."""
    if ring.sum() < 8:
        return DEPTH[0]
    p10, p50 = np.percentile(light[ring], [10, 50])
    return float(np.clip((p50 - p10) / max(float(p50), 1e-3), *DEPTH))


def lid_form(u: np.ndarray, v: np.ndarray, lids: Lids, closed: np.ndarray, top: np.ndarray, depth: float) -> np.ndarray:
    """The closed upper lid's form, a dome: (h, w) float32 multiplier in [1 - ``depth``, 1].

    1 only on the lid's crown mid-lid: :data:`PEAK` of the way from the ``closed`` lash line
    ((h, w) v of the line where the closed lids meet) to ``top`` ((h, w) v of the closed lid's top
    edge) in each column, half-way between the corners of ``lids``. Elsewhere it is 1 - ``depth``
    x min(1, x_line² √mid + :data:`CROWN` (1 - (1 - c) mid)), c = (1 - cos(π x_top)) / 2, where x_line runs from 0 at the
    crown to 1 on the closed lash line, x_top from 0 at the crown to 1 on the top edge, and
    mid = 4 s (1 - s) from 1 mid-lid to 0 at the corners (s the share of the way along u from one
    corner to the other). So mid-lid it falls as a parabola to 1 - ``depth`` on the closed lash
    line and to 1 - CROWN x ``depth`` on the top edge (the crease: a half cosine in x_top there,
    in place of x_top², so it has no slope on the top edge, where x_top² was steepest and drew
    the lid's top as a crisp curve); toward the corners it falls at
    every height, to 1 - ``depth`` at the corners themselves, from the line up to the top edge
    (CROWN 1: the fall into the crease and the corners is as deep as toward the line). The lash
    line's own fall tapers with √mid, but the corner term darkens the corners as much. Under
    ``closed`` it is 1. The seamless fill meets the painting's skin on the crease and at the
    corners, so this fall toward them lifts the crown over that skin: :func:`formed` keeps only
    as much of the form as leaves the crown no lighter than the skin round the lid.
    """
    t = np.clip((v - closed) / np.maximum(top - closed, 1.0), 0.0, 1.0)  # 0 on the line .. 1 on the top edge
    x_line = np.clip((PEAK - t) / PEAK, 0.0, 1.0)
    x_top = np.clip((t - PEAK) / (1.0 - PEAK), 0.0, 1.0)
    span = max(float(lids.u[-1] - lids.u[0]), 1e-3)
    s = np.clip((u - float(lids.u[0])) / span, 0.0, 1.0)
    mid = np.clip(4.0 * s * (1.0 - s), 0.0, 1.0)
    crease = 0.5 * (1.0 - np.cos(np.pi * x_top))  # no slope on the top edge: the lid turns into the skin over it
    dark = x_line ** 2 * np.sqrt(mid) + CROWN * (1.0 - (1.0 - crease) * mid)
    return np.where(v >= closed, 1.0 - depth * np.minimum(dark, 1.0), 1.0).astype(np.float32)


def lift(v: np.ndarray, closed: np.ndarray, top: np.ndarray, along: np.ndarray, crest: float = LIFT_CREST) -> np.ndarray:
    """How much of the closed lid's lift over the skin it meets each pixel takes: (h, w) float32
    in [0, 1], a 2-D dome (the lid's own convex form over the eyeball): 1 over the lid's lower
    middle, 0 on its top edge and at both corners, the half cosine of the distance
    min(1, sqrt(x_top² + x_u²)) from that middle, with no slope where it reaches 0. x_top runs
    from 0 at ``crest`` (:data:`LIFT_CREST`) of the way from the ``closed`` line ((h, w) v) to
    ``top`` ((h, w) v of the closed lid's top edge) to 1 at :data:`LIFT_TOP` of the way;
    x_u from 0 within :data:`CORNER_FLAT` of the middle to 1 at either corner (``along``,
    (h, w) float32: each pixel's share of the way from one corner to the other, clipped to
    0 .. 1). Laid in with one lift from the lash line up to 60 % of the lid's height (mid-lid),
    falling linearly to its top edge over the rest (a kink there), portrait_07's closed lids
    were a flat brown and a flat cream oval with a crisp top against the painted lid over them;
    with a half cosine from 35 % to the top edge but one lift across the lid's whole width,
    portrait_11's and portrait_20's lids were still pale plates lit toward the cheek up to
    their top edge and into both corners (tests/test_closed_lid_top_edge.py)."""
    t = np.clip((v - closed) / np.maximum(top - closed, 1.0), 0.0, 1.0)
    x_top = np.clip((t - crest) / max(LIFT_TOP - crest, 1e-3), 0.0, 1.0)
    off = np.abs(2.0 * np.clip(along, 0.0, 1.0) - 1.0)  # 0 mid-lid .. 1 at a corner
    x = np.minimum(np.hypot(x_top, np.clip((off - CORNER_FLAT) / (1.0 - CORNER_FLAT), 0.0, 1.0)), 1.0)
    return (0.5 * (1.0 + np.cos(np.pi * x))).astype(np.float32)


def seen(light: np.ndarray, half_width: float) -> np.ndarray:
    """``light`` ((h, w) float32) as a viewer sees the eye in a blink (:data:`SEEN`): same shape."""
    return cv2.GaussianBlur(light.astype(np.float32), (0, 0), max(1.0, SEEN * half_width))


def crown_light(light: np.ndarray, ring: np.ndarray) -> float:
    """The lightest the closed lid's crown may be lit (CIE L): the :data:`TOP` percentile of
    ``light`` ((h, w) CIE L of the painting, :func:`seen`) over the skin round the lid (``ring``,
    (h, w) bool, :func:`sfumato.rig.lid_light.surround`): the lid is lit as the painting lights
    the skin it is seen against, no lighter (with the painting's own lid fold as the limit too,
    lighter than the skin round it on the Mona Lisa, 63-64 L against 50-56, and on portrait_02's
    pale pink lids, their crowns were pale patches: tests/test_lid_plate_look.py 0.30 and 0.36);
    ``inf`` with too few pixels."""
    return float(np.percentile(light[ring], TOP)) if ring.sum() >= 8 else float("inf")


def formed(flat: np.ndarray, shaped: np.ndarray, lid: np.ndarray, crown: float, half_width: float) -> np.ndarray:
    """The closed lid with its form, lit no lighter than ``crown`` (:func:`crown_light`):
    ``flat`` + a ((h, w, 3) float32 RGB, the lid laid in without its form) + a * (``shaped`` -
    ``flat``) (``shaped``: laid in with it, :func:`lid_form`), a the largest in [0, 1] that keeps
    the :data:`TOP` percentile of the lid's (``lid``, (h, w) bool) CIE L as seen
    (:func:`seen`, eye ``half_width`` pixels) at most ``crown`` (a lid already lit past it keeps
    the flat plate). The seamless fill meets the painting on the crease and at the corners, so a
    form falling toward them lifts the crown over that skin; it is the lid's own shading only as
    far as the painting lights skin there. Same shape."""
    if lid.sum() < 8:
        return flat
    f, s = (float(np.percentile(seen(rgb_to_lab(x)[..., 0], half_width)[lid], TOP)) for x in (flat, shaped))
    a = float(np.clip((crown - f) / max(s - f, 1e-3), 0.0, 1.0)) if s > f else 1.0
    return (flat + a * (shaped - flat)).astype(np.float32)
