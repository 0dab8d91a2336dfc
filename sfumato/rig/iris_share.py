"""How much of a moved iris the eye shows, as the render draws it: the share the eye-in-head
range is planned with (:class:`sfumato.engines.rig.RigEngine`).

The iris is placed exactly as :func:`sfumato.rig.eye.render_eye` places it
(:func:`sfumato.rig.eye.place`: foreshortened as a disc on the eyeball, under the corners'
soft cover) and clipped by the lids' soft opening; its drawn area is the sum of that alpha.
An iris turned into a corner shrinks (foreshortening) and slides under the corner's skin: a
count of the disc's points between the lid lines alone (the plan before session 17) read the
astronaut's image-right iris at -30 as 0.66 of its painted area while the frame showed a sliver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sfumato.rig.eye import place
from sfumato.rig.lids import opening

if TYPE_CHECKING:
    from sfumato.rig.eye import EyeLayers


def drawn_area(layers: EyeLayers, du: float, dv: float = 0.0) -> float:
    """The iris' drawn area, pixels (alpha summed over the ROI), with the iris moved (``du``,
    ``dv``) eye-frame pixels and the lids following the gaze (open, no blink)."""
    gazed = layers.lids.moved(dv, 0.0)
    p = place(layers, du, dv, gazed)
    rows, cols = p.box
    seen = opening(layers.u[rows, cols], layers.v[rows, cols], gazed, layers.edge)
    return float((p.alpha[rows, cols] * seen).sum(dtype=np.float64))


def drawn_share(layers: EyeLayers, du: float, dv: float = 0.0, rest: float | None = None) -> float:
    """The iris' drawn area moved (``du``, ``dv``) eye-frame pixels over its drawn area at
    rest (the painting's own; ``rest``: that area when already known): about [0, 1.2] (an
    iris painted partly under a lid or a corner can show more once turned); 0 when nothing
    of it shows at rest."""
    base = drawn_area(layers, 0.0) if rest is None else rest
    return drawn_area(layers, du, dv) / base if base > 0 else 0.0


STEP = 0.02
"""The eye's travel is checked in steps of at most this many eye half-widths (:func:`yaw_limit`)."""
EYE_MOVES = 0.2
"""An eye turns at least this many eye half-widths, whatever its share allows (the eyes always
move a little; the plan before session 17 had it too)."""


def lid_share(layers: EyeLayers, du: float) -> float:
    """The plan's share before session 17 (the default, :attr:`sfumato.engines.rig.RigParams.plan_drawn`
    False): the share of 441 points of the unforeshortened iris disc, moved ``du`` pixels, that lie
    between the painted lid lines and the corners; blind to the corners' cover and the
    foreshortening (the astronaut's image-right iris at -30 reads 0.66 of it where the render
    draws 0.53 of its area)."""
    t = np.linspace(-1, 1, 21)
    gx, gy = np.meshgrid(t, t)
    inside = gx**2 + gy**2 <= 1
    c = layers.rest + np.array([du, 0.0])
    u, v = c[0] + layers.radius * gx[inside], c[1] + layers.radius * gy[inside]
    up, lo = layers.lids.at(u)
    ok = (v < up) & (v > lo) & (u > layers.lids.u[0]) & (u < layers.lids.u[-1])
    return float(ok.mean())


def yaw_limit(layers: EyeLayers, sign: int, eye_range: float, min_visible: float, max_yaw: float, *, drawn: bool) -> float:
    """Largest eye-in-head yaw (degrees) toward ``sign`` (-1: image -x, +1: +x) at which the iris
    travels at most ``eye_range`` eye half-widths and keeps at least ``min_visible`` of its area
    at rest, never past ``max_yaw``; at least :data:`EYE_MOVES` half-widths of travel.

    ``drawn``: the area the render draws (:func:`drawn_share`), checked every :data:`STEP`; False:
    the plan before session 17 (:func:`lid_share` over its value at rest, in 24 steps), kept so
    that banks built without ``plan_drawn`` are rebuilt exactly."""
    hw = layers.frame.half_width
    if drawn:
        area, steps = (lambda du: drawn_area(layers, du)), int(np.ceil(eye_range / STEP)) + 1
    else:
        area, steps = (lambda du: lid_share(layers, du)), 25
    floor = min_visible * area(0.0)
    du_max = 0.0
    for du in np.linspace(0, eye_range * hw, steps)[1:]:
        if area(sign * du) < floor:
            break
        du_max = float(du)
    du_max = max(du_max, EYE_MOVES * hw)
    r0 = np.clip(layers.rest[0] / layers.eyeball, -0.95, 0.95)
    r1 = np.clip((layers.rest[0] + sign * du_max) / layers.eyeball, -0.95, 0.95)
    return float(min(max_yaw, abs(np.degrees(np.arcsin(r1) - np.arcsin(r0)))))
