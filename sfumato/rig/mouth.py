"""The mouth in the rig: the jaw drops, the lips part, round and spread; chin and jaw follow.

Geometry lives in a *mouth frame* measured once from FaceMesh: ``u`` runs along the line from
the subject's right mouth corner to the left one, ``v`` is perpendicular to it, toward the chin,
and ``w = v - mid(u)`` is the distance below the *lip line* (the curve between the inner lips).
Every motion is a smooth displacement field in that frame, linear in the pose:

- **lower field** (lower lip, chin, jaw line): the jaw drop, full below the lip line across the
  mouth, fading toward the jaw angles and into the neck; beyond the mouth corners it fans in
  from zero on the lip line, so the cheeks stretch instead of tearing;
- **upper field** (upper lip): a small lift that fades toward the nose;
- **shared field** (both): rounding pulls the corners in, spreading pushes them out and up.

A pixel is drawn from the upper field's pre-image when that lies above the lip line, from the
lower field's when it lies below; where neither does, the mouth has opened and the synthesised
inside of the mouth (:mod:`sfumato.rig.mouth_cavity`) shows. Only the mouth's region of interest
is resampled (bicubic); every field is exactly zero on that region's border, so pixels outside it
and outside the head are untouched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from sfumato.face import topology as T
from sfumato.rig.fields import coarse_grid, upsample
from sfumato.rig.mouth_cavity import CavityLook, Palette, cavity_colour, lip_roll, mouth_palette, paint_detail
from sfumato.rig.mouth_pose import MouthPose
from sfumato.rig.mouth_sample import blend_lips, clip01, one_lip_rows, sample_one_lip

__all__ = ["MouthParams", "MouthPose", "MouthRig", "look_for"]


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


PAINTED_OPEN = 0.1
"""A painted mouth whose lips are already this far apart (over the mouth width) shows its own
teeth: the synthesised teeth band is then only a faint hint, not a second row under them."""


def look_for(painted_gap: float) -> CavityLook:
    """The cavity's look for a painted mouth whose inner lips are ``painted_gap`` mouth widths apart."""
    return CavityLook(teeth_alpha=0.25) if painted_gap > PAINTED_OPEN else CavityLook()


def _smoothstep(e0: Any, e1: Any, x: np.ndarray) -> np.ndarray:
    t = clip01((x - e0) / np.maximum(np.asarray(e1) - e0, 1e-6))
    return t * t * (3.0 - 2.0 * t)


@dataclass
class MouthRig:
    """A mouth measured on one head crop; :meth:`render` draws any :class:`MouthPose`.

    All lengths are crop pixels. Build it with :meth:`from_landmarks`; :meth:`to_dict` /
    :meth:`from_dict` round-trip it through JSON (the live app rebuilds it without FaceMesh).

    Attributes:
        centre: (x, y) origin of the mouth frame (the middle of the inner lips).
        angle: direction of the ``u`` axis in radians (image x toward image y).
        width: W, outer corner to outer corner.
        span: (u of the right inner corner (< 0), u of the left inner corner (> 0)).
        mid_u, mid_v: the lip line, ``v`` at increasing ``u`` (flat past the corners).
        chin: ``w`` of the chin tip. nose: distance from the lip line up to below the nose.
        jaw_half: half the face width at mouth level (the jaw field ends there).
        palette: colours of the inside of the mouth.
        params: amplitudes.
        look: proportions of the painted inside of the mouth.
    """

    centre: tuple[float, float]
    angle: float
    width: float
    span: tuple[float, float]
    mid_u: list[float]
    mid_v: list[float]
    chin: float
    nose: float
    jaw_half: float
    palette: Palette
    params: MouthParams = field(default_factory=MouthParams)
    look: CavityLook = field(default_factory=CavityLook)

    @classmethod
    def from_landmarks(cls, image: np.ndarray, landmarks: np.ndarray, params: MouthParams | None = None) -> "MouthRig":
        """Measure the mouth frame and palette.

        Args:
            image: (S, S, 3) uint8 RGB head crop.
            landmarks: (478, 3) float FaceMesh points in crop pixels.
        """
        lm = np.asarray(landmarks, np.float64)[:, :2]
        r, l = lm[T.MOUTH_CORNERS[0]], lm[T.MOUTH_CORNERS[1]]
        axis = (l - r) / max(np.linalg.norm(l - r), 1e-6)
        angle = float(np.arctan2(axis[1], axis[0]))
        centre = (lm[T.INNER_LIP_MID[0]] + lm[T.INNER_LIP_MID[1]]) / 2.0
        to_uv = lambda p: np.stack([(p - centre) @ axis, (p - centre) @ np.array([-axis[1], axis[0]])], -1)  # noqa: E731
        up, lo = to_uv(lm[list(T.LIPS_INNER_UPPER)]), to_uv(lm[list(T.LIPS_INNER_LOWER)])
        mid = (up + lo) / 2.0
        order = np.argsort(mid[:, 0])
        mu, mv = mid[order, 0], mid[order, 1]
        keep = np.concatenate([[True], np.diff(mu) > 1e-3])
        width = float(np.linalg.norm(l - r))
        chin_uv = to_uv(lm[[T.CHIN]])[0]
        nose_uv = to_uv(lm[[T.SUBNASALE]])[0]
        cheeks = to_uv(lm[list(T.CHEEKS)])
        jaw = to_uv(lm[list(T.JAW_LINE)])
        jaw_half = float(max(np.abs(cheeks[:, 0]).max(), np.abs(jaw[:, 0]).max()) * 0.95)
        return cls(
            centre=(float(centre[0]), float(centre[1])), angle=angle, width=width,
            span=(float(min(up[0, 0], lo[0, 0])), float(max(up[-1, 0], lo[-1, 0]))),
            mid_u=[float(v) for v in mu[keep]], mid_v=[float(v) for v in mv[keep]],
            chin=float(chin_uv[1] - np.interp(chin_uv[0], mu[keep], mv[keep])),
            nose=float(max(np.interp(nose_uv[0], mu[keep], mv[keep]) - nose_uv[1], 0.2 * width)),
            jaw_half=max(jaw_half, 0.8 * width), palette=mouth_palette(image, landmarks),
            params=params or MouthParams(),
            look=look_for(float(np.linalg.norm(lm[T.INNER_LIP_MID[0]] - lm[T.INNER_LIP_MID[1]])) / max(width, 1e-6)),
        )

    # --- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict; :meth:`from_dict` rebuilds an identical rig."""
        d = asdict(self)
        d["centre"], d["span"] = list(self.centre), list(self.span)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MouthRig":
        d = dict(d)
        d["centre"], d["span"] = tuple(d["centre"]), tuple(d["span"])
        d["palette"] = Palette(**d["palette"])
        d["params"] = MouthParams(**{k: tuple(v) if isinstance(v, list) else v for k, v in d["params"].items()})
        d["look"] = CavityLook(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.get("look", {}).items()})
        return cls(**d)

    # --- geometry --------------------------------------------------------------------------
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
        window = 1.0 - _smoothstep(0.6 * self.jaw_half, self.jaw_half, au)
        if upper:
            window = window * (1.0 - _smoothstep(0.6 * self.nose, self.nose, -w))
        # the opening tapers to the corners; away from the lip line the whole jaw moves
        across = clip01(1.0 - (u / side) ** 2)
        lat = 1.0 - _smoothstep(0.35 * W, self.jaw_half, au)
        near = np.exp(-(w / (0.5 * W)) ** 2)  # close to the lip line
        low_dw = up_dw = None
        if lower:
            prof = across ** p.lens[1]
            reach = max(0.3 * W, 2.0 * p.jaw_drop * W) + p.fan * past
            taper_down = prof + (1.0 - prof) * _smoothstep(0.0, reach, w)
            neck = 1.0 - _smoothstep(self.chin, self.chin + self._neck(p.jaw_drop * W), w)
            low_dw = drop * lat * neck * taper_down
            low_dw += pose.round * p.round_gap * W * prof**2 * (near if lip == "lower" else np.exp(-(np.maximum(w, 0.0) / (0.5 * W)) ** 2))
            if pose.tuck:  # f, v: the lower lip rises into the upper teeth's edge
                low_dw -= pose.tuck * p.tuck_raise * W * prof * np.exp(-(np.maximum(w, 0.0) / (0.25 * W)) ** 2)
        if upper:
            prof_up = across ** (p.lens[0] * (1.0 - p.spread_lens * pose.spread))
            rise = 1.0 - _smoothstep(0.0, self.nose, -w)
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

    # --- rendering -------------------------------------------------------------------------
    def render(self, image: np.ndarray, pose: MouthPose, shift: tuple[float, float] = (0.0, 0.0),
               inplace: bool = False) -> np.ndarray:
        """Draw ``pose`` on the head crop.

        Args:
            image: (S, S, 3) uint8 RGB crop (possibly already animated: eyes, head turn).
            pose: the mouth shape.
            shift: (dx, dy) pixels the mouth has moved in ``image`` (e.g. by a head turn).
            inplace: draw into ``image`` itself (after every read of it) instead of a copy.

        Returns:
            (S, S, 3) uint8 RGB; ``image`` itself at rest or with ``inplace``, else a copy in
            which only :meth:`roi` changed.
        """
        if pose.is_rest():
            return image
        h, w_img = image.shape[:2]
        x0, y0, x1, y1 = self.roi((w_img, h), shift)
        if x1 <= x0 or y1 <= y0:
            return image
        centre = (self.centre[0] + shift[0], self.centre[1] + shift[1])
        coarse, shape = self._coarse(x0, y0, x1, y1, centre, pose), (y1 - y0, x1 - x0)
        soft = max(1.0, self.look.soft * self.width)
        # Rows that take one lip's pre-image whole are that lip's bicubic sample as it is (the
        # blend gives exactly that); only the band of the other rows, and the lips the opening
        # shades around it, is blended and painted.
        only_up, only_low = one_lip_rows(coarse[2], coarse[5], soft, self._step(), shape[0])
        mixed = np.nonzero(~(only_up | only_low))[0]
        a, b, band = shape[0], shape[0], None
        if len(mixed):
            pad = self._roll_pad()
            a, b = max(int(mixed[0]) - pad, 0), min(int(mixed[-1]) + 1 + pad, shape[0])
            maps = upsample(coarse, self._step(), shape, (a, b))
            wu = clip01(0.5 - maps[2] / soft)  # the upper pre-image lies above the lip line
            wl = clip01(0.5 + maps[5] / soft)  # the lower pre-image lies below it
            band = self._blend_band(image, (x0, y0 + a, x1, y0 + b), pose, maps, wu, wl)
        parts = [(r0, sample_one_lip(image, only_up, coarse, self._step(), shape, (r0, r1))) for r0, r1 in ((0, a), (b, shape[0])) if r1 > r0]
        out = image if inplace else image.copy()
        for r0, pixels in parts:
            out[y0 + r0 : y0 + r0 + len(pixels), x0:x1] = pixels
        if band is not None:
            out[y0 + a : y0 + b, x0:x1] = band
        return out

    def _roll_pad(self) -> int:
        """Pixels around the opening that its lip roll shades (and :meth:`_paint_inside` paints)."""
        return int(np.ceil(6.0 * self.look.lip_roll_reach * self.width)) + 2

    def _blend_band(self, image: np.ndarray, box: tuple[int, int, int, int], pose: MouthPose, maps: list[np.ndarray],
                    wu: np.ndarray, wl: np.ndarray) -> np.ndarray:
        """The pixels of ``box`` (crop pixels) where the lips meet or part: both pre-images'
        bicubic samples blended by their weights, the opening painted: (h, w, 3) uint8 RGB.
        ``maps`` (:meth:`_maps`) and the weights are (h, w) float32 over the box."""
        x0, y0, x1, y1 = box
        mxu, myu, depth_u, mxl, myl, depth_l, u = maps
        colour, gap = blend_lips(image, (mxu, myu), (mxl, myl), wu, wl)
        rows, cols = np.nonzero(gap.max(1) > 0)[0], np.nonzero(gap.max(0) > 0)[0]
        if len(rows):
            self._paint_inside(colour, gap, depth_u, depth_l, u, image[y0:y1, x0:x1], rows, cols, pose)
        return np.clip(np.rint(colour), 0, 255).astype(np.uint8)

    def _paint_inside(self, colour: np.ndarray, gap: np.ndarray, depth_u: np.ndarray, depth_l: np.ndarray, u: np.ndarray,
                      source: np.ndarray, rows: np.ndarray, cols: np.ndarray, pose: MouthPose) -> None:
        """Paint the opening and roll the lips' inner edge, in place, over the opening's box.

        Args:
            colour: (h, w, 3) float32 RGB, the warped ROI (changed in place).
            gap: (h, w) float in [0, 1], how much of each pixel is opening.
            depth_u, depth_l, u: the ROI's pre-image depths and ``u`` (see :meth:`_maps`).
            source: (h, w, 3) uint8 RGB, the ROI before warping (its texture is carried over).
            rows, cols: rows and columns of the ROI where ``gap`` > 0.
        """
        pad = self._roll_pad()
        h, w = gap.shape
        sl = (slice(max(rows[0] - pad, 0), min(rows[-1] + 1 + pad, h)), slice(max(cols[0] - pad, 0), min(cols[-1] + 1 + pad, w)))
        hole = (gap[sl] >= 0.5).astype(np.uint8)
        inside = cv2.distanceTransform(hole, cv2.DIST_L2, 3) + gap[sl] - 0.5
        outside = np.minimum(cv2.distanceTransform(1 - hole, cv2.DIST_L2, 3), 1e4)  # no opening: "far"
        # the inside is painted over the opening's own box only (the lips' roll reaches past it)
        ib = (slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1))
        inner = (slice(ib[0].start - sl[0].start, ib[0].stop - sl[0].start), slice(ib[1].start - sl[1].start, ib[1].stop - sl[1].start))
        top, bottom = np.maximum(depth_u[ib], 0.0), np.maximum(-depth_l[ib], 0.0)
        side = np.where(u[ib] < 0, np.float32(-self.span[0]), np.float32(self.span[1]))  # float32 like the rest
        paint = cavity_colour(top, bottom, u[ib] / np.maximum(side, 1e-6), np.maximum(inside[inner], 0.0), self.width, self.palette,
                              self.look, teeth_scale=1.0 - 0.7 * pose.round, tuck=pose.tuck)
        paint += self.look.texture * paint_detail(source[sl])[inner]
        region = colour[sl]
        region *= lip_roll(outside, self.opening(pose), self.width, self.look, pose.tuck)[..., None]
        region[inner] += gap[ib][..., None] * (paint - region[inner])

    def opening(self, pose: MouthPose) -> float:
        """Lip parting at the middle of the mouth in pixels (lower minus upper travel)."""
        f = self._fields(np.zeros(1), np.zeros(1), pose)
        return float(f[1][0] - f[3][0])
