"""The closed lid's form (sfumato.rig.lid_shade) on synthetic grids, repo only: :func:`lid_form`
is a dome (1 on the crown mid-lid, 1 - depth on the closed lash line there), and :func:`formed`
keeps none of the form where the flat lid is already lit past the skin round it. The Mona Lisa's
closed lids through the whole rig: tests/test_closed_lid_form.py."""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import lab_to_rgb
from sfumato.rig.lid_shade import PEAK, formed, lid_form
from sfumato.rig.lids import EyeFrame, Lids

DEPTH = 0.2


def closed_lid() -> tuple[np.ndarray, np.ndarray, Lids, np.ndarray, np.ndarray]:
    """A 64 x 121 ROI eye 88 px wide, its lids closed on a line 4 px under the centre, the closed
    lid's top edge 20 px over that line: u, v (h, w) float32, the lids, closed, top (h, w) v."""
    frame = EyeFrame(np.array([60.0, 32.0]), np.array([1.0, 0.0]), 44.0)
    u, v = frame.grids((64, 121))
    us = np.linspace(-44, 44, 89)
    lids = Lids(us, 14.0 * np.clip(1 - (us / 44) ** 2, 0, 1), -12.0 * np.clip(1 - (us / 44) ** 2, 0, 1))
    closed = np.full(u.shape, -4.0, np.float32)
    return u, v, lids, closed, closed + 20.0


def test_lid_form_is_a_dome_lit_on_its_crown():
    u, v, lids, closed, top = closed_lid()
    form = lid_form(u, v, lids, closed, top, DEPTH)
    col = int(np.argmin(np.abs(u[32] - 0.0)))  # mid-lid
    v_col = v[:, col]

    def at(vv: float) -> float:
        return float(form[int(np.argmin(np.abs(v_col - vv))), col])

    crown, line = at(-4.0 + PEAK * 20.0), at(-4.0)
    print(f"mid-lid: crown {crown:.3f}, lash line {line:.3f}, half-way {at(-4.0 + 0.5 * PEAK * 20.0):.3f}")
    assert abs(crown - 1.0) < 1e-3, crown  # lit on its crown ...
    assert abs(line - (1.0 - DEPTH)) < 1e-3, line  # ... turned away from the light at the lash line
    assert line < at(-4.0 + 0.5 * PEAK * 20.0) < crown  # falling between
    assert np.all(form[v < closed] == 1.0)  # nothing under the closed line
    assert form.min() >= 1.0 - DEPTH - 1e-6 and form.max() <= 1.0 + 1e-6


def test_formed_keeps_the_flat_lid_already_lit_past_the_crown_light():
    u, v, lids, closed, top = closed_lid()
    lid = (v >= closed) & (v <= top) & (np.abs(u) < 40.0)
    flat = lab_to_rgb(np.broadcast_to(np.float32((70.0, 12.0, 16.0)), u.shape + (3,)).copy())
    shaped = np.clip(flat * (lid_form(u, v, lids, closed, top, DEPTH) / (1.0 - DEPTH))[..., None], 0, 255).astype(np.float32)  # crown lifted
    past = formed(flat, shaped, lid, 65.0, 44.0)  # the flat lid at 70 L is already past 65
    free = formed(flat, shaped, lid, 200.0, 44.0)  # no limit: all the form
    print(f"flat lid past the crown light: max change {np.abs(past - flat).max():.3f}")
    assert np.abs(past - flat).max() < 1e-3  # a = 0: the flat plate
    assert np.abs(free - shaped).max() < 1e-3  # a = 1: the form
