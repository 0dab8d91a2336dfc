"""How the mouth moves: smooth displacement fields in the mouth frame, and their inverse.

The motion model of :class:`sfumato.rig.mouth.MouthRig` (see :mod:`sfumato.rig.mouth` for the
mouth frame ``u``, ``v``, ``w`` and the three fields): :class:`MouthParams` are its amplitudes,
:class:`MouthFields` evaluates the fields at points of the mouth frame, inverts them (each output
pixel's pre-image under the upper and the lower lip's field) on a coarse grid, and bounds the
region they move. Lengths are crop pixels; arrays are float64 unless stated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.ramp import smoothstep
from sfumato.rig.fields import coarse_grid, upsample
from sfumato.rig.mouth_pose import MouthPose
from sfumato.rig.mouth_sample import clip01

@dataclass(frozen=True)
class MouthParams:
    """Amplitudes, as fractions of the mouth width W (corner to corner).

    Attributes:
        jaw_drop: lower lip travel at ``open`` = 1.
        lip_lift: upper lip lift as a fraction of the jaw drop (the upper lip arches up).
        lens: shape of the opening across the mouth, (upper lip, lower lip): each lip's travel
            is ``(1 - x**2) ** lens`` at ``x`` from -1 (a corner) to 1: 0.5 an ellipse (steep
            sides at the corners), 1 a pointed lens. The upper lip arches, the lower one
            rounds.
        smile_relax: share of the lip line's curve (a smile's raised corners) that relaxes at
            ``open`` = 1, so a wide-open mouth is an oval under an arched upper lip rather than
            a smiling "D" with a flat top.
        round_pull: corner travel inward at ``round`` = 1.
        round_gap: extra lip parting at ``round`` = 1 (the "oo" hole).
        round_jaw: share of the jaw drop held back at ``round`` = 1 (a rounded opening is small).
        spread_push: corner travel outward at ``spread`` = 1.
        spread_flat: share of the lip parting held back at ``spread`` = 1 (the lips stretch thin
            over the teeth: "ee" is a wide, thin slit).
        spread_lens: the upper lip's ``lens`` exponent is scaled by ``1 - spread_lens * spread``
            (a spread opening is a flat-topped slit, not an arch).
        tuck_lift: upper lip lift at ``tuck`` = 1 (shows the upper teeth's edge).
        tuck_raise: lower lip rise at ``tuck`` = 1 (it meets the teeth; its top rolls in out of sight).
        tuck_jaw: share of the jaw drop held back at ``tuck`` = 1 (the jaw stays up for f, v).
        fan: outside the corners the lower field reaches full strength ``fan`` times the
            distance past the corner below the lip line (the cheek stretch).
        iterations: fixed-point iterations inverting the forward fields.
        grid_step: the fields are evaluated every ``grid_step`` pixels and interpolated.
    """

    jaw_drop: float = 0.4
    lip_lift: float = 0.25
    lens: tuple[float, float] = (1.5, 0.65)
    smile_relax: float = 0.7
    round_pull: float = 0.2
    round_gap: float = 0.10
    round_jaw: float = 0.3
    spread_push: float = 0.14
    spread_flat: float = 0.5
    spread_lens: float = 0.6
    tuck_lift: float = 0.11
    tuck_raise: float = 0.035
    tuck_jaw: float = 0.8
    fan: float = 1.5
    iterations: int = 4
    grid_step: int = 4


class MouthFields:
    """The mouth's displacement fields, a base of :class:`sfumato.rig.mouth.MouthRig` (which
    holds the measured mouth frame these read: ``centre``, ``angle``, ``width``, ``span``,
    ``mid_u``, ``mid_v``, ``chin``, ``nose``, ``jaw_half`` and ``params``, see its attributes)."""

    @property
    def reach(self) -> tuple[float, float, float]:
        """(half width, top, bottom) of the moving region in the mouth frame, in pixels."""
        drop = self.params.jaw_drop * self.width
        return self.jaw_half, -self.nose, self.chin + self._neck(drop) + drop

    def _neck(self, drop: float) -> float:
        return max(0.7 * self.chin, 1.6 * drop)

    def roi(self, size: tuple[int, int], shift: tuple[float, float] = (0.0, 0.0)) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) crop pixels of the moving region (clipped to ``size`` = (w, h))."""
        half, top, bottom = self.reach
        c, s = np.cos(self.angle), np.sin(self.angle)
        corners = np.array([(u, v) for u in (-half, half) for v in (top + min(self.mid_v), bottom + max(self.mid_v))])
        xs = self.centre[0] + shift[0] + corners[:, 0] * c - corners[:, 1] * s
        ys = self.centre[1] + shift[1] + corners[:, 0] * s + corners[:, 1] * c
        x0, y0 = max(0, int(np.floor(xs.min())) - 2), max(0, int(np.floor(ys.min())) - 2)
        x1, y1 = min(size[0], int(np.ceil(xs.max())) + 3), min(size[1], int(np.ceil(ys.max())) + 3)
        return x0, y0, x1, y1

    def _fields(self, u: np.ndarray, w: np.ndarray, pose: MouthPose, lip: str = "both") -> tuple[np.ndarray | None, ...]:
        """Forward displacements at points (u, w) of the mouth frame.

        Args:
            lip: "both"; or "lower" (all ``w`` >= 0) or "upper" (all ``w`` <= 0): only that lip's
                field is computed (the same values, for less), the other's dw is None.

        Returns:
            (lower du, lower dw, upper du, upper dw), each shaped like ``u`` (or None, see ``lip``).
        """
        p, W = self.params, self.width
        lower, upper = lip != "upper", lip != "lower"
        au = np.abs(u)
        side = np.where(u < 0, -self.span[0], self.span[1])
        past = np.maximum(au - side, 0.0)
        drop = (pose.open * p.jaw_drop * W * (1.0 - p.round_jaw * pose.round) * (1.0 - p.spread_flat * pose.spread)
                * (1.0 - p.tuck_jaw * pose.tuck))
        # every field is exactly zero at the edge of the moving region (the second factor is 1
        # below the lip line, where w >= 0)
        window = 1.0 - smoothstep(0.6 * self.jaw_half, self.jaw_half, au)
        if upper:
            window = window * (1.0 - smoothstep(0.6 * self.nose, self.nose, -w))
        # the opening tapers to the corners; away from the lip line the whole jaw moves
        across = clip01(1.0 - (u / side) ** 2)
        lat = 1.0 - smoothstep(0.35 * W, self.jaw_half, au)
        near = np.exp(-(w / (0.5 * W)) ** 2)  # close to the lip line
        low_dw = up_dw = None
        if lower:
            prof = across ** p.lens[1]
            reach = max(0.3 * W, 2.0 * p.jaw_drop * W) + p.fan * past
            taper_down = prof + (1.0 - prof) * smoothstep(0.0, reach, w)
            neck = 1.0 - smoothstep(self.chin, self.chin + self._neck(p.jaw_drop * W), w)
            low_dw = drop * lat * neck * taper_down
            low_dw += pose.round * p.round_gap * W * prof**2 * (near if lip == "lower" else np.exp(-(np.maximum(w, 0.0) / (0.5 * W)) ** 2))
            if pose.tuck:  # f, v: the lower lip rises into the upper teeth's edge
                low_dw -= pose.tuck * p.tuck_raise * W * prof * np.exp(-(np.maximum(w, 0.0) / (0.25 * W)) ** 2)
        if upper:
            prof_up = across ** (p.lens[0] * (1.0 - p.spread_lens * pose.spread))
            rise = 1.0 - smoothstep(0.0, self.nose, -w)
            up_dw = -(p.lip_lift * drop * lat * prof_up * rise)
            up_dw -= 0.5 * pose.round * p.round_gap * W * prof_up**2 * np.exp(-(np.minimum(w, 0.0) / (0.4 * W)) ** 2)
            if pose.tuck:  # f, v: the upper lip lifts off the teeth's edge
                up_dw -= pose.tuck * p.tuck_lift * W * prof_up * rise
        # shared: corners in (round, and a little with the jaw) or out and up (spread)
        fade = np.exp(-(past / (0.5 * W)) ** 2)  # past the corners
        h = np.where(past <= 0, u / np.maximum(side, 1e-6), np.sign(u) * fade)
        g = near * window
        du = (p.spread_push * pose.spread - p.round_pull * pose.round - 0.05 * pose.open) * W * h * g
        dw = -0.04 * pose.spread * W * np.abs(h) * g
        # the smile relaxes as the jaw drops: both lips' corners follow the lip line toward flat
        smile = float(np.interp(0.0, self.mid_u, self.mid_v)) - np.interp(u, self.mid_u, self.mid_v)
        dw += p.smile_relax * pose.open * smile * fade * g
        return (du, None if low_dw is None else (low_dw + dw) * window, du, None if up_dw is None else (up_dw + dw) * window)

    def _inverse(self, u: np.ndarray, w: np.ndarray, pose: MouthPose, lower: bool) -> tuple[np.ndarray, np.ndarray]:
        """Pre-images (u, w) of destination points (u, w) under the lower or upper field.

        Each field is held constant beyond the lip line on the side it does not own (the lower
        field above it, the upper field below it): a pre-image that lands there only says "this
        pixel is not mine, it is so far past the lip", and a field that is flat there inverts
        exactly, so the opening is one clean region (no stray lip pixels inside it).
        """
        qu, qw = u, w
        k = 0 if lower else 2
        for _ in range(max(1, self.params.iterations)):
            f = self._fields(qu, np.maximum(qw, 0.0) if lower else np.minimum(qw, 0.0), pose, "lower" if lower else "upper")
            qu, qw = u - f[k], w - f[k + 1]
        return qu, qw

    def _maps(self, x0: int, y0: int, x1: int, y1: int, centre: tuple[float, float], pose: MouthPose) -> list[np.ndarray]:
        """Per-pixel source maps and pre-image depths over the ROI: [upper map x, upper map y,
        upper depth, lower map x, lower map y, lower depth, u], each (y1 - y0, x1 - x0) float32;
        depth = ``w`` of the pre-image. (:meth:`render` interpolates only the rows it needs.)"""
        return upsample(self._coarse(x0, y0, x1, y1, centre, pose), self._step(), (y1 - y0, x1 - x0))

    def _step(self) -> int:
        return max(1, int(self.params.grid_step))

    def _coarse(self, x0: int, y0: int, x1: int, y1: int, centre: tuple[float, float], pose: MouthPose) -> list[np.ndarray]:
        """:meth:`_maps`' seven values at the nodes of the coarse grid (:func:`coarse_grid`, every
        :attr:`MouthParams.grid_step` pixels): (ny, nx) float64 each."""
        step = self._step()
        cx, cy = centre
        c, s = np.cos(self.angle), np.sin(self.angle)
        gx, gy = coarse_grid(x0, y0, x1, y1, step)
        gx, gy = gx - cx, gy - cy
        u, v = gx * c + gy * s, -gx * s + gy * c
        w = v - np.interp(u, self.mid_u, self.mid_v)
        coarse = []
        for lower in (False, True):
            qu, qw = self._inverse(u, w, pose, lower)
            qv = qw + np.interp(qu, self.mid_u, self.mid_v)
            coarse += [cx + qu * c - qv * s, cy + qu * s + qv * c, qw]
        coarse.append(u)
        return coarse

    def opening(self, pose: MouthPose) -> float:
        """Lip parting at the middle of the mouth in pixels (lower minus upper travel)."""
        f = self._fields(np.zeros(1), np.zeros(1), pose)
        return float(f[1][0] - f[3][0])
