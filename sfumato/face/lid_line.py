"""Is the upper lid's line unbroken where the iris was? Measured from outside, on the picture.

A painted iris that touches the upper lid merges with the lid's dark line; once the iris has
moved, the line must run on across its old place as dark as the painter drew it beside the iris.
:func:`line_gap` follows the upper lid contour (FaceMesh's on the frame, or the rig's for a
test), takes the darkest lightness across a thin band around it at each point along it, and
compares the points over the iris' old place (off the iris' new place) with the painting's own
line just beside the iris (as much lighter as the frame reads the line further out: a break is
lighter than the line either side of it as the frame shows it): a broken or thinned line reads
lighter, a positive gap.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import map_coordinates

BAND = 0.05
"""The band around the contour: this many eye widths under it (at least 1.5 px) ..."""
ABOVE = 0.1
"""... and this many over it: FaceMesh's contour on a frame may lie a few pixels under the painted
line (portrait_10's image-right eye at -28 degrees: 3 px into the white under a whole line, which
a band of 0.05 either side read as a gap of +18). Its cost: a crease or lashes as dark as the
line within 0.1 widths over it are read as the line (a synthetic crease of the liner's darkness
0.05-0.09 widths over a broken line reads 0.0; a softer one, L 30 against 10, still reads +20;
tests/test_lid_line.py). Set by hand on portrait_10 (bench paintings, no held-out set)."""
MIDDLE = 0.9
"""The lid's middle: this share of the contour's length about its middle (the line thins and
fades toward the corners)."""
OLD = 1.0
"""Points within this many iris radii (along the eye) of the iris' old place are over it ..."""
NEW = 1.05
"""... unless within this many of its new place (the iris there is no line); the painting's line
from this many ..."""
BESIDE = 1.6
"""... to this many iris radii from the iris is the reference: each side's median darkness, the
line running from one to the other across the iris' place (portrait_03's line is black on one
side of an iris and red-brown on the other) or one side's alone."""
FAR = (1.6, 2.2)
"""Further out along the lid, from this many iris radii from the old place to this many (past
what the rig rebuilds round the old iris, at most 1.45 radii on the bench paintings), the frame
shows the painted line as it is: where the frame reads it lighter there than the painting (a
turned head's resampling, FaceMesh's contour lying lower under the line: portrait_11's
image-right eye at +21..+28 degrees, its line 1.2-2 radii from the iris 33-40 L on the frame
against 24-29 on the painting), the painted line beside the iris is taken that much lighter:
a break is lighter than the line beside it as the frame shows it. No correction on a side
where either has fewer than 4 points there (a corner within 1.6 radii)."""
SPAN = 0.25
"""The line is judged over at least this many iris radii of its length over the old place (no
less than 4 points): a thinner sliver between the old iris' edge and the new one's is the moved
iris' own soft rim (portrait_03's image-right eye 3 px from rest read +10 there, over 5 points
lying 1.05-1.14 radii from the new centre, its limbus)."""
UNDER = (0.1, 0.2)
"""The painted line beside the iris is a line over the eye only where the painting this many eye
widths under the contour (the median over that band) ..."""
CONTRAST = 15.0
"""... is at least this much (L) lighter than the line; a side where it is not is no reference
(the Mona Lisa's image-right eye: beside its iris toward the outer corner the contour runs
through the shadowed eye itself, L 26 over 36.5 under it, a dark mass the rig rebuilds as white,
not a lash line: taken as the line it read +12.4 on a rim that continues her painted line on the
inner side, 39.7 over 68.8). Sides of the 22 painted eyes (10 bench paintings, the astronaut):
lash lines 16.8-63 L over what is under them; dark masses 4.7-10.5 (the Mona Lisa's outer side,
portrait_07's and portrait_20's image-left inner corners, both of the astronaut's inner corners)."""
STEP = 0.5
"""Pixels between points along the contour and across it."""
WORST = 80
"""The gap: this percentile, over the old place, of the darkest lightness minus the painted line's
there (a break a few columns wide counts)."""


def _up_normals(xy: np.ndarray) -> np.ndarray:
    """(n, 2) unit normals, up in the image, of the curve through (n, 2) x, y points."""
    tangent = np.gradient(xy, axis=0)
    tangent /= np.maximum(np.hypot(tangent[:, 0], tangent[:, 1]), 1e-6)[:, None]
    normal = np.stack([tangent[:, 1], -tangent[:, 0]], -1)
    return normal * np.where(normal[:, 1:] > 0, -1.0, 1.0)


def under_along(light: np.ndarray, xy: np.ndarray, near: float, far: float, step: float = 0.5) -> np.ndarray:
    """(n,) float32: the median lightness from ``near`` to ``far`` pixels under the curve through
    (n, 2) x, y points ``xy`` (``light``: (H, W) float32 CIE L), at each point."""
    down = -_up_normals(np.asarray(xy, np.float64))
    offsets = np.arange(near, far + 1e-6, step)
    at = xy[:, None, :] + offsets[None, :, None] * down[:, None, :]
    vals = map_coordinates(np.asarray(light, np.float32), [at[..., 1].ravel(), at[..., 0].ravel()], order=1, mode="nearest")
    return np.median(vals.reshape(at.shape[:2]), 1).astype(np.float32)


def darkest_along(light: np.ndarray, upper: np.ndarray, band: float, step: float = 0.5, above: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The darkest lightness across the lid line at points along it.

    Args:
        light: (H, W) float32 lightness (CIE L); upper: (K, 2) x, y pixels, the upper lid contour
            corner to corner; band: pixels below the contour (and above it when ``above`` is
            None); step: pixels between points along the contour and across it; above: pixels
            above the contour (None: ``band``).

    Returns:
        ((n, 2) points on the contour, (n,) float32 darkest lightness across it at each).
    """
    pts = np.asarray(upper, np.float64)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    arc = np.concatenate([[0.0], np.cumsum(seg)])
    s = np.arange(0.0, arc[-1] + 1e-6, step)
    xy = np.stack([np.interp(s, arc, pts[:, 0]), np.interp(s, arc, pts[:, 1])], -1)
    normal = _up_normals(xy)
    offsets = np.arange(-band, (band if above is None else above) + 1e-6, step)
    across = xy[:, None, :] + offsets[None, :, None] * normal[:, None, :]
    vals = map_coordinates(np.asarray(light, np.float32), [across[..., 1].ravel(), across[..., 0].ravel()], order=1, mode="nearest")
    return xy, vals.reshape(across.shape[:2]).min(1).astype(np.float32)


def _along(upper: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The contour and where it lies along the eye: (contour (K, 2) float64, its first point,
    unit axis corner to corner, eye width in pixels)."""
    pts = np.asarray(upper, np.float64)
    width = float(np.hypot(*(pts[-1] - pts[0])))
    return pts, pts[0], (pts[-1] - pts[0]) / max(width, 1e-6), width


def line_gap(light: np.ndarray, upper: np.ndarray, painted: np.ndarray, painted_upper: np.ndarray,
             old: np.ndarray, new: np.ndarray, radius: float) -> float:
    """How much lighter the upper lid's line is over the iris' old place than the painted line
    beside it: float L (positive: lighter, a gap), NaN when the old place has fewer than
    ``max(4, SPAN * radius / STEP)`` points (:data:`SPAN`, the radius scaled to the frame) or
    neither side of the painted line beside it has 4 and is a line over the eye
    (:data:`CONTRAST`: the painting under it lighter).

    Over the old place: the frame's points along its contour within :data:`OLD` iris radii of
    the old place (along the eye) and off the new one (:data:`NEW`); beside it: the painting's
    points along its own contour :data:`NEW` to :data:`BESIDE` radii from the old place, either
    side (the painted line as the painter drew it next to the iris; along the rest of the lid it
    may thin, fade or merge with the moved iris' rim), taken as much lighter as the frame reads
    the line further out (:data:`FAR`) than the painting does. All within the lid's :data:`MIDDLE`.

    Args:
        light, painted: (H, W) float32 lightness (CIE L) of the frame and of the painting;
            upper, painted_upper: (K, 2) x, y pixels, the upper lid contour corner to corner on
            each; old: (2,) x, y, the iris centre in the painting (its place in the frame is
            taken at the same share along the frame's contour: a turned head moves the eye);
            new: (2,) x, y, the iris centre in the frame; radius: the painted iris radius, pixels.
    """
    def part(img: np.ndarray, contour: np.ndarray, at: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
        """Darkest per point, in the middle, each point's distance along the eye from the
        iris' old place (``at``: its share of the way from the first corner to the last), the
        eye width and the points."""
        pts, origin, axis, width = _along(contour)
        xy, dark = darkest_along(img, pts, max(1.5, BAND * width), STEP, max(1.5, ABOVE * width))
        along = (xy - origin) @ axis
        middle = np.abs(along / max(width, 1e-6) - 0.5) <= 0.5 * MIDDLE
        return dark, middle, along - at * width, width, xy

    # the old place as a share along the eye: the head may have turned, the eye moved with it
    pts_p, origin_p, axis_p, width_p = _along(painted_upper)
    at = float((np.asarray(old, np.float64) - origin_p) @ axis_p) / max(width_p, 1e-6)
    dark_f, mid_f, d_old, width_f, xy_f = part(light, upper, at)
    r_f = radius * width_f / max(width_p, 1e-6)
    _, origin, axis, _ = _along(upper)
    d_new = (xy_f - origin) @ axis - (np.asarray(new, np.float64) - origin) @ axis
    off_new = np.abs(d_new) >= NEW * r_f
    over = mid_f & (np.abs(d_old) < OLD * r_f) & off_new
    dark_p, mid_p, d_old_p, _, xy_p = part(painted, painted_upper, at)
    beside = mid_p & (np.abs(d_old_p) >= NEW * radius) & (np.abs(d_old_p) <= BESIDE * radius)
    under = under_along(painted, xy_p, UNDER[0] * width_p, UNDER[1] * width_p, STEP)
    sides = []
    for sign in (-1, 1):
        m = beside & (np.sign(d_old_p) == sign)
        if m.sum() < 4 or np.median(under[m]) - np.median(dark_p[m]) < CONTRAST:
            continue
        # how much lighter the frame reads the same painted line further out, where nothing
        # was rebuilt (FAR): that much lighter over the old place is no break
        far_p = mid_p & (np.sign(d_old_p) == sign) & (np.abs(d_old_p) >= FAR[0] * radius) & (np.abs(d_old_p) <= FAR[1] * radius)
        far_f = mid_f & off_new & (np.sign(d_old) == sign) & (np.abs(d_old) >= FAR[0] * r_f) & (np.abs(d_old) <= FAR[1] * r_f)
        lighter = float(np.median(dark_f[far_f]) - np.median(dark_p[far_p])) if min(far_p.sum(), far_f.sum()) >= 4 else 0.0
        sides.append((sign, float(np.median(dark_p[m])) + max(0.0, lighter)))
    if over.sum() < max(4.0, SPAN * r_f / STEP) or not sides:
        return float("nan")
    # the painted line runs from one side's darkness to the other's across the iris' place
    ref = np.interp(d_old[over] / r_f, [-1.0, 1.0], [sides[0][1], sides[-1][1]])
    return float(np.percentile(dark_f[over] - ref, WORST))
