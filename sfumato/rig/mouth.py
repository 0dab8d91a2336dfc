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
from sfumato.rig.fields import upsample
from sfumato.rig.mouth_cavity import CavityLook, Palette, cavity_colour, lip_roll, mouth_palette, paint_detail
from sfumato.rig.mouth_fields import MouthFields, MouthParams
from sfumato.rig.mouth_pose import MouthPose
from sfumato.rig.mouth_sample import blend_lips, clip01, one_lip_rows, sample_one_lip

__all__ = ["MouthParams", "MouthPose", "MouthRig", "look_for"]


PAINTED_OPEN = 0.1
"""A painted mouth whose lips are already this far apart (over the mouth width) shows its own
teeth: the synthesised teeth band is then only a faint hint, not a second row under them."""


def look_for(painted_gap: float) -> CavityLook:
    """The cavity's look for a painted mouth whose inner lips are ``painted_gap`` mouth widths apart."""
    return CavityLook(teeth_alpha=0.25) if painted_gap > PAINTED_OPEN else CavityLook()


@dataclass
class MouthRig(MouthFields):
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


    # --- rendering (the motion itself: :class:`sfumato.rig.mouth_fields.MouthFields`) ---------
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
