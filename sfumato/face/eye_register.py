"""Where one painted eye went in a frame, to the pixel: the contour's similarity refined by
registering the eye's own pixels (OpenCV's ECC image alignment).

A similarity fitted to FaceMesh's 16 eye-contour points on the painting and on a frame is off by
a pixel or two: FaceMesh's contour jitters between near-identical images and the head turn's warp
is not a similarity. On a small painted eye that moves the lid line, a lash or a dark corner into
the "same" white pixels: a bank whose eyes never move (head turn only, the white left alone)
read common dL -9.2 on portrait_03 and -7.7 on portrait_20 with the contour fit, +1.4 and -4.3
with it refined here.

:func:`register_eye` aligns the painting's eye region (lids, lashes, corners and white) with
the frame's, both irises left out (they move on their own), starting from the contour's
similarity and turning and shifting it (:data:`MOTION`), and keeps the refinement only when it
converges near it. Left to the lids, lashes and skin alone (the opening masked out too) it lands
on the same alignment: portrait_07's bank read common dL -5.8 that way, -6.0 this way, -1.8 with
the contour fit (session 7; -6.6 on today's bank, before and after the zero-mean fix below).
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.imaging.resize import points_box

REACH = 1.5
"""The irises are left out within this many radii of their centres (painted and moved). Chosen
by hand with the constants below (session 7, no held-out set) on head-turn-only banks of
portrait_02/03/13/14/20; on the 2x astronaut's synthetic 1-2 px shifts 1.0 / 1.2 / 2.0 recover
the shift as well (0.13 / 0.07 / 0.08 px at worst, 0.12 here)."""
MARGIN = 0.3
"""The eye region: the contour's box grown by this share of the eye's width (at least
:data:`REACH` iris radii): lids, lashes, corners and the skin around them. Chosen as :data:`REACH`; synthetic shifts: 0.5
/ 0.8 read 0.07 / 0.15 px at worst."""
MOTION = cv2.MOTION_EUCLIDEAN
"""The refinement turns and shifts the contour's similarity (its scale is kept: the head turn's
few degrees change it by about a percent). On head-turn-only banks of portrait_02/03/13/14/20 the
worst common dL reads +1.2 / +1.4 / -4.1 / +1.7 / -4.3 with it; a full affine reads about the
same (+1.1 / -1.1 / -3.4 / -1.3 / -3.8) but lands on nonsense on the astronaut's 4 px irises, a
shift alone is less exact (+1.6 / +2.5 / -6.2 / +2.4 / +4.5)."""
SMOOTH = 3
"""ECC's Gaussian pre-filter, pixels. Chosen as :data:`REACH`; synthetic shifts: 1 / 5 / 7 read
0.06 / 0.16 / 0.17 px at worst."""
MAX_LINEAR = 0.05
"""A refinement whose linear part differs from the contour's by more than this is dropped (about
3 degrees; chosen by hand as :data:`REACH`, a limit the refinements of those banks stay under) ..."""
MAX_MOVE = (3.0, 0.5)
"""... as is one that moves the painted iris centre by more than the larger of this many pixels
and this many iris radii (the contour fit is off by up to about 2 px on a small painted eye;
chosen by hand as :data:`REACH`). It does not let ECC hide a real change of the white: the 2x
astronaut moved 1.5-2 px with its painted white alone 10 L darker reads common dL -9.5..-10.3
(tests/test_eye_register.py)."""


def register_eye(
    painting_l: np.ndarray, frame_l: np.ndarray, affine: np.ndarray, contour: np.ndarray, centre: np.ndarray,
    moved: np.ndarray, radius: float,
) -> np.ndarray:
    """The painting -> frame affine of one eye, refined by ECC on the eye's pixels.

    Args:
        painting_l, frame_l: (H, W) float32 CIE L of each image.
        affine: (2, 3) float64 painting -> frame pixels, the contour's similarity (the start).
        contour: (K, 2) the painted eye contour, painting pixels.
        centre: (2,) painted iris centre, painting pixels; moved: (2,) the frame's iris centre,
            frame pixels; radius: painted iris radius, pixels.

    Returns:
        (2, 3) float64: the refined affine, or ``affine`` itself when the alignment fails or
        lands far from it.
    """
    h, w = painting_l.shape
    grow = max(REACH * radius, MARGIN * float(np.ptp(contour[:, 0])))
    x0, y0, x1, y1 = points_box(contour, grow, w, h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return affine
    start = np.vstack([affine, [0.0, 0.0, 1.0]]) @ np.array([[1.0, 0.0, x0], [0.0, 1.0, y0], [0.0, 0.0, 1.0]])
    frame_here = cv2.warpAffine(np.ascontiguousarray(frame_l, np.float32), start[:2].astype(np.float32), (x1 - x0, y1 - y0),
                                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    back = cv2.invertAffineTransform(affine)
    moved_p = back[:, :2] @ np.asarray(moved, np.float64) + back[:, 2]
    yy, xx = np.mgrid[y0:y1, x0:x1]
    mask = ((np.hypot(xx - centre[0], yy - centre[1]) > REACH * radius)
            & (np.hypot(xx - moved_p[0], yy - moved_p[1]) > REACH * radius)).astype(np.uint8)

    if mask.sum() < 32:
        return affine
    # OpenCV 4.11's ECC leaves the frame's pixels outside its (warped) mask as they are while their
    # (bilinearly warped) gradients at the mask's edge are not zero: their raw lightness leaks into
    # each step and pulled a pure translation 0.1-0.5 px too far (0.02 px unmasked). Taken to zero
    # mean here (ECC is blind to an offset), they leak next to nothing: 0.14 px at most. On the
    # real banks the new fit correlates better (masked ECC coefficient) on most eye-frames where
    # the two differ: astronaut 51 of 56, portrait_02 23/27, 07 43/43, 11 28/30 (session 8).
    frame_here -= np.float32(frame_here[mask > 0].mean())
    step = np.eye(2, 3, dtype=np.float32)
    try:
        _, step = cv2.findTransformECC(np.ascontiguousarray(painting_l[y0:y1, x0:x1], np.float32), frame_here, step,
                                       MOTION, (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-5), mask, SMOOTH)
    except cv2.error:  # did not converge: the regions do not correlate
        return affine
    full = start @ np.vstack([step.astype(np.float64), [0.0, 0.0, 1.0]])
    out = full[:2].copy()
    out[:, 2] -= out[:, :2] @ np.array([x0, y0], np.float64)
    shift = np.hypot(*(out[:, :2] @ centre + out[:, 2] - (affine[:, :2] @ centre + affine[:, 2])))
    if np.abs(out[:, :2] - affine[:, :2]).max() > MAX_LINEAR or shift > max(MAX_MOVE[0], MAX_MOVE[1] * radius):
        return affine
    return out
