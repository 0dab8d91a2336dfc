"""Where the painted iris went in a frame: the painted iris' pixels matched in the frame, its
highlight left out.

FaceMesh's iris on a painted eye can lag the painted iris by a third of a radius or more; the
painted iris itself, moved and slightly foreshortened, pins it down (:func:`find_iris`, used by
:func:`sfumato.face.white_match.fit_eyes` for every eye-white measure).

A painted iris' catchlight does not move with it: the rig moves a highlight half as far as the
iris (:data:`sfumato.rig.catchlight.FOLLOW`), as a reflection on the cornea does. Matched with
its highlight, the painted iris was pulled toward where the frame's highlight is, and where the
iris is about as light as the white round it (portrait_13's image-right eye: iris ring 23 L,
white 23 L, highlight 68 L) the highlight was most of what the match saw: it followed the
highlight, 13 px off the rig's own iris centre at gaze -30 (iris radius 9.7 px). So pixels much
lighter than the painted iris (:func:`not_iris_level`: lighter than its ring by
:data:`HIGHLIGHT` and than the lightest painted white of the eye) are not iris, in the painted
iris and in the frame alike, and count in neither (:func:`masked_sqdiff`). The white itself is
never left out: a white left out of the frame would cost nothing where the iris is wrongly put
over it (a threshold off the white beside the iris alone took portrait_14's lit white at the
sweep's end out of the frame and moved its iris 5 px).
"""

from __future__ import annotations

import cv2
import numpy as np

SEARCH = 0.6
"""The iris is searched within this many radii of the guess (FaceMesh's iris centre)."""
HIGHLIGHT = 15.0
"""A pixel at least this much lighter (CIE L) than the painted iris' ring (its median between
:data:`RING` and 1 radius, inside the opening) may be a highlight ..."""
RING = 0.5
"""The iris' ring: from this many radii out to its edge (the pupil left out)."""
WHITE_FROM = 1.3
"""The painted white: the opening's pixels at least this many iris radii from its centre."""
WHITE_TOP = 99.0
"""... and a pixel is not iris only where it is also lighter than this percentile of that white
(plus :data:`WHITE_OVER`): lighter than the lightest of the painted white."""
WHITE_OVER = 5.0
"""L over :data:`WHITE_TOP`'s percentile."""
MIN_SHARE = 0.5
"""A placement where fewer than this share of the painted iris' pixels count is not taken."""


def not_iris_level(painting_l: np.ndarray, centre: np.ndarray, radius: float, opening: np.ndarray) -> float:
    """The CIE L over which a pixel is not iris (a highlight), in the painting and in a frame.

    Args:
        painting_l: (H, W) float32 CIE L in [0, 100]; centre: (2,) painted iris centre, pixels;
        radius: painted iris radius, pixels; opening: (H, W) bool, the painted eye opening.

    Returns:
        ``max(ring median + HIGHLIGHT, white's WHITE_TOP percentile + WHITE_OVER)``; +inf
        (nothing left out) where the ring or the white has fewer than 4 pixels.
    """
    ys, xs = np.nonzero(opening)
    d = np.hypot(xs - centre[0], ys - centre[1]) / max(radius, 1e-6)
    light = painting_l[ys, xs]
    ring, white = light[(d >= RING) & (d < 1.0)], light[d >= WHITE_FROM]
    if ring.size < 4 or white.size < 4:
        return float("inf")
    return max(float(np.median(ring)) + HIGHLIGHT, float(np.percentile(white, WHITE_TOP)) + WHITE_OVER)


def masked_sqdiff(window: np.ndarray, valid: np.ndarray, templ: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean squared difference of ``templ`` over ``window`` at every placement, counting only
    pixels in ``mask`` (the template's) that fall on ``valid`` ones (the window's): the sums
    of OpenCV's plain cross-correlations (``TM_CCORR``) of the masked images.

    Args:
        window: (H, W) float32; valid: (H, W) bool; templ: (h, w) float32; mask: (h, w) bool.

    Returns:
        (H - h + 1, W - w + 1) float32; +inf where fewer than :data:`MIN_SHARE` of the mask's
        pixels count.
    """
    v = valid.astype(np.float32)
    f = np.where(valid, window, 0).astype(np.float32)
    m = mask.astype(np.float32)
    t = np.where(mask, templ, 0).astype(np.float32)

    def corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return cv2.matchTemplate(np.ascontiguousarray(a), np.ascontiguousarray(b), cv2.TM_CCORR)

    n = corr(v, m)
    err = corr(f * f, m) - 2 * corr(f, t) + corr(v, t * t)
    return np.where(n >= MIN_SHARE * m.sum(), err / np.maximum(n, 1.0), np.inf).astype(np.float32)


def find_iris(
    painting_l: np.ndarray, frame_l: np.ndarray, centre: np.ndarray, radius: float, opening: np.ndarray,
    guess: np.ndarray,
) -> np.ndarray:
    """Where the painted iris went in the frame: FaceMesh's estimate refined by matching the
    painted iris' pixels (inside the opening) within :data:`SEARCH` radii of it, least mean
    squared difference, pixels lighter than :func:`not_iris_level` left out on both sides.

    Args:
        painting_l, frame_l: (H, W) float32 CIE L; centre: (2,) painted iris centre, pixels;
        radius: painted iris radius; opening: (H, W) bool, the painted eye opening;
        guess: (2,) FaceMesh's iris centre in the frame, pixels.

    Returns:
        (2,) float64, the iris centre in frame pixels (the guess where the eye is too near the
        image's edge, or too little of the iris shows, to match).
    """
    h, w = painting_l.shape
    half = int(np.ceil(1.1 * radius))
    cx, cy = int(round(centre[0])), int(round(centre[1]))
    guess = np.asarray(guess, np.float64)
    if cx - half < 0 or cy - half < 0 or cx + half + 1 > w or cy + half + 1 > h:
        return guess
    templ = np.ascontiguousarray(painting_l[cy - half:cy + half + 1, cx - half:cx + half + 1], np.float32)
    yy, xx = np.mgrid[-half:half + 1, -half:half + 1]
    top = not_iris_level(painting_l, centre, radius, opening)
    mask = (np.hypot(xx + cx - centre[0], yy + cy - centre[1]) < radius) & opening[cy - half:cy + half + 1, cx - half:cx + half + 1]
    mask &= templ <= top
    pad = int(np.ceil(SEARCH * radius)) + 1
    gx, gy = int(round(guess[0] - (centre[0] - cx))), int(round(guess[1] - (centre[1] - cy)))
    x0, y0, x1, y1 = max(0, gx - half - pad), max(0, gy - half - pad), min(w, gx + half + 1 + pad), min(h, gy + half + 1 + pad)
    if mask.sum() < 8 or x1 - x0 <= templ.shape[1] or y1 - y0 <= templ.shape[0]:
        return guess
    window = np.ascontiguousarray(frame_l[y0:y1, x0:x1], np.float32)
    res = masked_sqdiff(window, window <= top, templ, mask)
    if not np.isfinite(res).any():
        return guess
    my, mx = np.unravel_index(int(np.argmin(res)), res.shape)
    return np.array([x0 + mx + (centre[0] - cx) + half, y0 + my + (centre[1] - cy) + half], np.float64)
