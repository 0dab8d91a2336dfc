"""Move a painted iris inside its eye opening.

Each eye is analysed once (:func:`analyse_eye`) in a small region of interest (ROI) around it:
the eye-opening mask from the FaceMesh eyelid contour, the iris centre and radius from the
refined iris landmarks, the *eyeball* surface (the painted opening, extended under the lids by
inpainting, the iris completed where the lids hide it from its own radial colour profile) and
the colour of the *white* of the eye (lit white pixels interpolated by normalised convolution).

Rendering (:func:`render_eye`) rolls the eyeball so the iris lands at its new position, keeps
the painted eye (and its lid shadows) everywhere else, fills the place the iris left with the
white (plus the painting's fine texture), and composites through a soft opening mask that is
zero on and outside the eyelid contour: the iris is never drawn over lids or skin, and no hard
outline shows.

Coordinates: (x, y) pixels. The eye frame has ``u`` along the line of the eye corners (toward
image +x) and ``v`` perpendicular to it (up, toward image -y), both in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.topology import EYES, EyeIndices
from sfumato.rig.sclera import WORK_SIDE, _inpaint, canvas_texture, white_colour

__all__ = ["EYES", "WORK_SIDE", "EyeIndices", "EyePatch", "analyse_eye", "iris_offset", "render_eye", "soft_limit"]

@dataclass
class EyePatch:
    """Everything needed to re-render one eye, in ROI pixels.

    Attributes:
        x0, y0: ROI origin in crop pixels; the ROI is ``image.shape[:2]`` large.
        image: (h, w, 3) float32 RGB in [0, 255], the crop's pixels in the ROI.
        opening: (h, w) float32 in [0, 1]: soft eye-opening mask, 0 outside the eyelid
            contour, reaching 1 a feather width inside it.
        eyeball: (h, w, 3) float32 RGB: the painted eye completed under the lids (the white
            extended outward, the iris completed from its radial profile), the surface that
            rolls when the eye turns.
        sclera: (h, w, 3) float32 RGB: smooth colour of the white of the eye everywhere (the
            visible white's local colour interpolated by normalised convolution), what fills in
            where the iris leaves.
        texture: (h, w) float32: the canvas' fine luminance modulation (craquelure), about 1,
            laid over the white that fills in.
        u, v: (h, w) float32 eye-frame coordinates of every ROI pixel.
        iris_radius: iris radius in pixels.
        centre: (2,) midpoint of the eye corners, ROI pixels.
        axis: (2,) unit vector from the image-left corner to the image-right corner.
        half_width: half the corner-to-corner distance, pixels.
        half_height: largest |v| of the eyelid contour, pixels.
        rest: (2,) the painted iris' (u, v) offset from ``centre`` in the eye frame, pixels.
        u_limits: (left, right) how far the iris centre may go from ``centre`` toward -u / +u
            (soft limits), pixels, > 0.
        v_limits: (down, up) largest offsets of v from ``rest[1]`` (soft limits), pixels, > 0.
    """

    x0: int
    y0: int
    image: np.ndarray
    opening: np.ndarray
    eyeball: np.ndarray
    sclera: np.ndarray
    texture: np.ndarray
    u: np.ndarray
    v: np.ndarray
    iris_radius: float
    centre: np.ndarray
    axis: np.ndarray
    half_width: float
    half_height: float
    rest: np.ndarray
    u_limits: tuple[float, float]
    v_limits: tuple[float, float]

    @property
    def up(self) -> np.ndarray:
        """(2,) unit vector perpendicular to ``axis``, pointing up (image -y)."""
        return np.array([self.axis[1], -self.axis[0]])

    def position(self, u: float, v: float) -> np.ndarray:
        """(2,) ROI pixel position of the eye-frame offset (u, v)."""
        return self.centre + u * self.axis + v * self.up

    @property
    def roi(self) -> tuple[slice, slice]:
        """(rows, cols) slices of the ROI in the crop."""
        h, w = self.image.shape[:2]
        return slice(self.y0, self.y0 + h), slice(self.x0, self.x0 + w)


def _poly_mask(shape: tuple[int, int], poly: np.ndarray) -> np.ndarray:
    """Anti-aliased filled polygon, (h, w) float32 in [0, 1]; poly (K, 2) float pixels."""
    shift = 4
    m = np.zeros(shape, np.uint8)
    pts = np.round(poly * (1 << shift)).astype(np.int32)
    cv2.fillPoly(m, [pts], 255, lineType=cv2.LINE_AA, shift=shift)
    return m.astype(np.float32) / 255.0


def _disk(shape: tuple[int, int], centre: np.ndarray, radius: float, edge: float) -> np.ndarray:
    """Soft disk, (h, w) float32 in [0, 1]: 1 inside ``radius - edge/2``, 0 beyond ``radius + edge/2``."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.sqrt((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2)
    return np.clip((radius - d) / max(edge, 1e-3) + 0.5, 0.0, 1.0)


def _radial_profile(image: np.ndarray, weight: np.ndarray, centre: np.ndarray, radius: float) -> np.ndarray:
    """The iris' mean colour as a function of the distance from its centre.

    Args:
        image: (h, w, 3) float32 ROI.
        weight: (h, w) float32 in [0, 1], trust in each painted pixel as an iris sample.
        centre: (2,) iris centre, ROI pixels.
        radius: iris radius, pixels.

    Returns:
        (h, w, 3) float32: every pixel coloured with the profile at its distance (None-safe:
        the ROI itself when no iris pixel is visible).
    """
    h, w = weight.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rho = np.sqrt((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / max(radius, 1e-3)
    n_bins = 6
    bins = np.clip((rho * n_bins).astype(np.int32), 0, n_bins - 1).ravel()
    wgt = (weight * (rho < 1.0)).ravel()
    cnt = np.bincount(bins, weights=wgt, minlength=n_bins)
    good = np.flatnonzero(cnt > 0.5)
    if not len(good):
        return image.copy()
    prof = np.empty((n_bins, 3), np.float32)
    idx = np.arange(n_bins)
    for c in range(3):
        sums = np.bincount(bins, weights=image[..., c].ravel() * wgt, minlength=n_bins)
        prof[:, c] = np.interp(idx, good, sums[good] / cnt[good])
    return prof[bins].reshape(h, w, 3)


def analyse_eye(
    crop: np.ndarray,
    landmarks: np.ndarray,
    eye: EyeIndices,
    feather: float = 0.03,
    iris_edge: float = 0.2,
    corner_margin: float = 0.5,
    open_fraction: float = 0.5,
    white_percentile: float = 50.0,
    up_limit: float = 0.45,
    down_limit: float = 0.3,
) -> EyePatch | None:
    """Analyse one eye of a crop for re-rendering.

    Args:
        crop: (S, S, 3) uint8 RGB head crop.
        landmarks: (478, 3) float FaceMesh landmarks in crop pixels.
        eye: which eye (an entry of :data:`EYES`).
        feather: eyelid feather (Gaussian sigma) as a fraction of the eye width.
        iris_edge: width of the completed iris' soft rim as a fraction of the iris radius.
        corner_margin: the iris centre stops (softly) this many iris radii from the corners.
        open_fraction: ... and where the opening is at least this fraction of its largest height.
        white_percentile: the white that fills in is the local mean of the visible white, its
            pixels darker (relative to their surroundings) than this percentile left out.
        up_limit, down_limit: how far (in iris radii) the iris centre may move up / down.

    Returns:
        The :class:`EyePatch`, or None when the eye is too small or closed to animate.
    """
    s = crop.shape[0]
    lm = np.asarray(landmarks, np.float64)
    poly = lm[list(eye.contour), :2]
    c0 = lm[eye.iris[0], :2]
    radius = float(np.linalg.norm(lm[list(eye.iris[1:]), :2] - c0, axis=1).mean())
    a, b = lm[eye.corners[0], :2], lm[eye.corners[1], :2]
    if a[0] > b[0]:
        a, b = b, a
    width = float(np.linalg.norm(b - a))
    if width < 4.0 or radius < 1.0:
        return None
    axis = (b - a) / width
    up = np.array([axis[1], -axis[0]])
    pad = int(np.ceil(radius + 0.5 * width + 3))
    x0 = int(max(0, np.floor(poly[:, 0].min()) - pad))
    y0 = int(max(0, np.floor(poly[:, 1].min()) - pad))
    x1 = int(min(s, np.ceil(poly[:, 0].max()) + pad + 1))
    y1 = int(min(s, np.ceil(poly[:, 1].max()) + pad + 1))
    origin = np.array([x0, y0], np.float64)
    roi_u8 = np.ascontiguousarray(crop[y0:y1, x0:x1])
    image = roi_u8.astype(np.float32)
    shape = image.shape[:2]
    poly_r, c_r = poly - origin, c0 - origin
    centre = (a + b) / 2 - origin

    cover = _poly_mask(shape, poly_r)
    hard = (cover >= 0.5).astype(np.uint8)
    if hard.sum() < 6:
        return None
    sig = max(0.5, feather * width)
    opening = np.clip(2.0 * cv2.GaussianBlur(cover, (0, 0), sig) - 1.0, 0.0, 1.0) * hard

    # The eyeball surface: the painted opening, extended under the lids by inpainting, with
    # the iris completed (where the lids hide it) from its own radial colour profile.
    eyeball = _inpaint(roi_u8, (1 - hard), max(2.0, 0.1 * width)).astype(np.float32)
    visible = cv2.erode(hard, np.ones((3, 3), np.uint8)).astype(np.float32)
    visible = cv2.GaussianBlur(visible, (0, 0), max(0.5, 0.5 * sig))
    profile = _radial_profile(image, visible, c_r, radius)
    hidden = (_disk(shape, c_r, radius, max(1.0, iris_edge * radius)) * (1.0 - visible))[..., None]
    eyeball = eyeball * (1.0 - hidden) + profile * hidden

    # The white of the eye: the visible white's local colour, interpolated under the iris, and
    # the canvas texture (measured per region so the iris rim and lid line leave no trace).
    inner = cv2.erode(hard, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    iris_hard = (_disk(shape, c_r, radius, 1.0) >= 0.5).astype(np.float32) * hard
    known = inner * (1.0 - _disk(shape, c_r, 1.2 * radius, max(1.0, iris_edge * radius)))
    lum = image.mean(2)
    if known.sum() < 3:  # no white visible: the lightest part of the opening
        known = hard * (lum >= np.median(lum[hard > 0]))
    sclera = white_colour(image, known.astype(np.float32), max(1.0, 0.5 * radius), white_percentile)
    regions = [hard - iris_hard, iris_hard, 1.0 - hard.astype(np.float32)]
    side = -1.0 if (c_r - centre) @ axis > 0 else 1.0  # borrow from the wider white
    hole = _disk(shape, c_r, 0.85 * radius, max(1.0, iris_edge * radius))  # the rim keeps its shade
    texture = canvas_texture(image, regions, max(0.8, 0.12 * radius), hole, tuple(side * 2.3 * radius * axis))

    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    dx, dy = xx - np.float32(centre[0]), yy - np.float32(centre[1])
    u = dx * np.float32(axis[0]) + dy * np.float32(axis[1])
    v = dx * np.float32(up[0]) + dy * np.float32(up[1])
    pv = (poly_r - centre) @ up
    d = c_r - centre
    rest = np.array([d @ axis, d @ up])
    # The iris centre stays where the opening is still at least open_fraction as tall as at
    # its widest, and corner_margin iris radii short of the corners.
    ub = np.round(u[hard > 0]).astype(np.int64)
    heights = np.bincount(ub - ub.min())
    open_u = np.flatnonzero(heights >= open_fraction * heights.max()) + ub.min()
    corner = width / 2 - corner_margin * radius
    neg = min(-float(open_u.min()), corner) if len(open_u) else corner
    pos = min(float(open_u.max()), corner) if len(open_u) else corner
    slack = 0.05 * width  # the painted position always lies inside the limits
    u_limits = (max(neg, -rest[0] + slack, slack), max(pos, rest[0] + slack, slack))
    return EyePatch(
        x0=x0, y0=y0, image=image, opening=opening, eyeball=eyeball, sclera=sclera, texture=texture, u=u, v=v,
        iris_radius=radius, centre=centre, axis=axis, half_width=width / 2,
        half_height=float(np.abs(pv).max()), rest=rest, u_limits=(float(u_limits[0]), float(u_limits[1])),
        v_limits=(down_limit * radius, up_limit * radius),
    )


def soft_limit(x: float, limit: float, knee: float = 0.6) -> float:
    """Strictly increasing soft clip of ``x`` into (-limit, limit): identity for |x| <= knee * limit."""
    if limit <= 0:
        return 0.0
    k = knee * limit
    ax = abs(x)
    if ax <= k:
        return float(x)
    return float(np.sign(x) * (k + (limit - k) * np.tanh((ax - k) / (limit - k))))


def iris_offset(
    patch: EyePatch, yaw_deg: float, pitch_deg: float, travel: float = 1.0, max_yaw: float = 26.0, max_pitch: float = 13.0
) -> np.ndarray:
    """Eye-frame (u, v) position of the iris centre for an eye-in-head rotation.

    The iris centre moves as on an eyeball, by ``R * sin(angle)``, from the painted position.
    The eyeball radius R is chosen per side so that ``max_yaw`` / ``max_pitch`` (the sweep's
    largest eye-in-head angles) bring the iris ``travel`` of the way to the edge of its room (the
    corner or lid limit), so the bank's steps are even; beyond that a soft limit keeps the iris
    inside the opening.

    Returns:
        (2,) float (u, v) pixels; equals ``patch.rest`` for yaw = pitch = 0.
    """
    def _ref(a: float) -> float:
        return float(np.sin(np.radians(min(max(abs(a), 1.0), 89.0))))

    su = np.sin(np.radians(yaw_deg)) / _ref(max_yaw)
    sv = np.sin(np.radians(pitch_deg)) / _ref(max_pitch)
    u0, v0 = float(patch.rest[0]), float(patch.rest[1])
    left, right = patch.u_limits
    room = (right - u0) if su >= 0 else (left + u0)
    u = u0 + travel * max(room, 0.0) * su
    u = soft_limit(u, right, knee=0.9) if u >= 0 else soft_limit(u, left, knee=0.9)
    lo, hi = patch.v_limits
    dv = travel * (hi if sv >= 0 else lo) * sv
    v = v0 + (soft_limit(dv, hi, knee=0.9) if dv >= 0 else soft_limit(dv, lo, knee=0.9))
    return np.array([u, v])


def _roll(x: np.ndarray, x0: float, x1: float, core: float, extent: float) -> np.ndarray:
    """Source coordinate of each output coordinate when the eyeball rolls from x0 to x1 (1-D).

    The iris core [x0 - core, x0 + core] moves rigidly to [x1 - core, x1 + core]; the white on
    either side stretches or compresses linearly to the fixed points at +-extent.
    """
    big = 1e6
    dst = [-big, -extent, x1 - core, x1 + core, extent, big]
    src = [-big, -extent, x0 - core, x0 + core, extent, big]
    return np.interp(x, dst, src).astype(np.float32)


def render_eye(patch: EyePatch, uv: np.ndarray) -> np.ndarray:
    """Render the eye with its iris centre at eye-frame offset ``uv``.

    The eyeball surface rolls: the iris translates rigidly and the white of the eye beside it
    stretches on one side and compresses on the other, so the painting's own texture fills in
    where the iris left. The result is composited through the soft eye-opening mask.

    Args:
        patch: from :func:`analyse_eye`.
        uv: (2,) float (u, v) pixels, e.g. from :func:`iris_offset`.

    Returns:
        (h, w, 3) float32 RGB in [0, 255], the ROI; equal to ``patch.image`` wherever
        ``patch.opening`` is 0 (on and outside the eyelid contour).
    """
    r = patch.iris_radius
    core = 1.1 * r
    u1, v1 = float(uv[0]), float(uv[1])
    u0, v0 = float(patch.rest[0]), float(patch.rest[1])
    ext_u = max(patch.half_width, abs(u0), abs(u1)) + core + max(0.3 * patch.half_width, 2.0)
    ext_v = max(patch.half_height, abs(v0), abs(v1)) + core + max(0.3 * patch.half_height, 2.0)
    us = _roll(patch.u, u0, u1, core, ext_u)
    vs = _roll(patch.v, v0, v1, core, ext_v)
    c, ax, up = patch.centre, patch.axis, patch.up
    mx = np.float32(c[0]) + us * np.float32(ax[0]) + vs * np.float32(up[0])
    my = np.float32(c[1]) + us * np.float32(ax[1]) + vs * np.float32(up[1])
    rolled = cv2.remap(patch.eyeball, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # Lid shadows stay where they are: the painted eye is kept except where the iris now is
    # (the rolled iris) and where it was but no longer is (the white fills in: smooth white
    # colour plus the rolled surface's fine texture, e.g. craquelure). Both masks are the same
    # soft disk, so the result tends to the painting as the turn tends to zero.
    shape = patch.opening.shape
    edge = max(1.0, 0.25 * r)
    p0, p1 = patch.position(u0, v0), patch.position(u1, v1)
    grow = min(float(np.hypot(*(p1 - p0))), 0.3 * r)  # 0 at rest, so the result is continuous
    was = _disk(shape, p0, 1.05 * r + grow, edge)[..., None]
    now = _disk(shape, p1, 1.05 * r, edge)[..., None]
    fill = np.clip(was - now, 0.0, 1.0)
    white = patch.sclera * patch.texture[..., None]
    eye = rolled * now + white * fill + patch.image * (1.0 - now - fill)
    m = patch.opening[..., None]
    return patch.image * (1.0 - m) + eye * m
