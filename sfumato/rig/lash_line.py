"""The closed lash line, painted like the painting's own upper lash line.

Derived once per eye from the painted ROI (:func:`lash_profile`, used by
:func:`sfumato.rig.lid_plate.lid_sheet`): its colour along the lid from the painted upper lash
line (lighter between the painted lashes, never darker than the line), one strength for the
whole line from how dark the painted line is against the lid skin, and its cross-section from
its core outward (:func:`line_shape`: as thick and as crisp as the painted line).

Arrays are ROI pixels: images (h, w, 3) float32 RGB in [0, 255]; ``u``, ``v`` (h, w) float32
eye-frame coordinates (:class:`sfumato.rig.lids.EyeFrame`).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from sfumato.imaging.robust import robust_sd
from sfumato.rig.lids import EyeFrame, Lids

LASH_WIDTH = 0.07
"""The closed lash line has the painted upper line's cross-section (as thick and as crisp: a
Gaussian as wide as the line drew it as a blurred bar on portrait_03's crisp lash lines), out
to at most twice this many eye half-widths from its core ..."""
LASH_CONTRAST = 2.5
"""The closed lash line's strength is this times the painted lash line's darkness relative to
the lid skin ..."""
LASH_ALPHA = (0.35, 0.9)
"""... clipped to this range ..."""
LASH_VARY = 2.0
"""The closed lash line's colour varies along the lid this much as the painted line's detail
does ..."""
LASH_GAP = 3.0
"""... the painted detail taken up to this many times its robust spread along the lid (a break
in the painted line, or its end over the iris, an outlier, drew light bars across portrait_03's
closed line) ..."""
LASH_DETAIL = 3.0
"""... finer than this many pixels along the lid (lash by lash: the line as a whole stays as
dark as the painted line's darkest, or FaceMesh reads a half-closed eye)."""


def lash_profile(image: np.ndarray, light: np.ndarray, u: np.ndarray, v: np.ndarray, frame: EyeFrame, lids: Lids,
                 darkest: float, half: float, mid: np.ndarray, skin: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The closed lash line's colour and alpha at every pixel's u, painted like the upper lashes.

    Its colour and strength are the painted upper margin's (the darkest fifth of its pixels
    within ``half`` pixels of its darkest row, ``darkest`` pixels above the contour, mid-lid:
    ``mid``; strength from their darkness against the lid skin ``skin``, (h, w) bool:
    :data:`LASH_CONTRAST`, :data:`LASH_ALPHA`). Along the lid it follows the painted line:
    at each u (half-pixel steps) the darkest painted pixel across it, on and over the contour
    (the iris under it is no lash), gives the colour its detail along the lid, lash by lash
    (:data:`LASH_VARY`, :data:`LASH_DETAIL`); the alpha is the strength everywhere. Its
    cross-section is the painted line's over the middle half of the lid (:func:`line_shape`).

    Returns:
        (h, w, 3) float32 RGB colour, (h, w) float32 alpha in [0, 1], (m,) float32 cross-section
        at half-pixel steps.
    """
    up, _ = lids.at(u)
    margin = mid & (np.abs(v - up - darkest) < half)
    skin_l = float(np.median(light[skin])) if skin.any() else float(light.max())
    if margin.sum() >= 4:
        dark = margin & (light <= np.percentile(light[margin], 20))
        base = image[dark].mean(0)
        strength = float(np.clip((skin_l - light[dark].mean()) / max(skin_l, 1.0) * LASH_CONTRAST, *LASH_ALPHA))
    else:
        base, strength = image.reshape(-1, 3).min(0), 0.6
    grid = np.arange(float(lids.u[0]), float(lids.u[-1]) + 0.25, 0.5)
    offsets = np.arange(max(-half, 0.5 - darkest), half + 0.25, 0.5)  # on and over the contour
    samples = _across(image, frame, lids, grid, darkest, offsets)
    across = samples.mean(2)
    shape = _line_section(image, frame, lids, darkest, half)
    colours = samples[np.argmin(across, 0), np.arange(grid.size)]  # (n, 3), the darkest across the line
    # the painted lashes one by one (detail finer than LASH_DETAIL), over the line's own colour
    detail = colours - gaussian_filter1d(colours, LASH_DETAIL / 0.5, axis=0, mode="nearest")
    gap = LASH_GAP * robust_sd(detail, 0)  # a break in the line is no lash gap
    colours = base + LASH_VARY * np.minimum(np.maximum(detail, 0.0), gap)  # lighter between the lashes, never darker than the line
    alpha = np.full(grid.size, strength)
    colour = np.stack([np.interp(u, grid, np.clip(colours[:, k], 0.0, 255.0)) for k in range(3)], -1).astype(np.float32)
    return colour, np.interp(u, grid, alpha).astype(np.float32), shape


def _line_section(image: np.ndarray, frame: EyeFrame, lids: Lids, darkest: float, half: float) -> np.ndarray:
    """The painted upper lash line's cross-section over the middle half of the lid
    (:func:`line_shape`), its darkest looked for within ``half`` pixels of ``darkest`` pixels
    over the contour, then followed up while it darkens; smoothed along the lid first (the
    line's section, not a lash's or a crack's)."""
    grid = np.linspace(0.75 * lids.u[0] + 0.25 * lids.u[-1], 0.25 * lids.u[0] + 0.75 * lids.u[-1], 24)
    reach = max(4.0, 3.0 * LASH_WIDTH * frame.half_width)
    offsets = np.arange(max(-half, 0.5 - darkest), half + reach + 1.0, 0.5)
    light = _across(image, frame, lids, grid, darkest, offsets).mean(2)
    step_u = float(grid[1] - grid[0]) if grid.size > 1 else 1.0
    light = gaussian_filter1d(light, LASH_DETAIL / max(step_u, 1e-3), axis=1, mode="nearest")
    return line_shape(light, 0.5, reach, int(np.sum(offsets <= half)))


def line_shape(prof: np.ndarray, step: float, reach: float, window: int | None = None) -> np.ndarray:
    """The painted line's cross-section, from its darkest up into the skin over it: (m,)
    float32 in [0, 1] at 0, ``step``, 2 ``step``, ... pixels (1 at its core, 0 where it meets
    the skin), so the closed line is as thick and as crisp as the painted one.

    Args:
        prof: (n, k) lightness profiles across the line, ``step`` pixels apart upward, at k
            places along it; reach: the profile fades out by this many pixels; window: its
            darkest is looked for in the first this many samples (all when None), then
            followed up while the line darkens.

    Per place (where the line is at least 4 darker than the lightest sample over it within
    ``reach``), from its darkest sample up: how dark each sample is between that lightest (0)
    and that darkest (1), never rising again (a crease line over it is no part of it) and zero
    from the first sample within a tenth of that lightest, or past its half-way where it stops
    fading (a shaded lid over it), on; the median over the places. With none: a line 0.7 px thick.
    """
    m = max(2, int(np.ceil(reach / step)) + 1)
    rows = []
    for col in prof.T:
        i = int(np.argmin(col[:window]))
        while i + 1 < col.size and col[i + 1] <= col[i]:
            i += 1
        top = float(col[i:i + m].max())  # as light as it gets over the line
        contrast = top - float(col[i])
        if contrast < 4.0:
            continue
        up = np.clip((top - col[i:i + m]) / contrast, 0.0, 1.0)
        up = np.minimum.accumulate(np.pad(up, (0, m - up.size)))  # a second line over it is no part of it
        flat = (up < 0.5) & (up - np.append(up[2:], [0.0, 0.0]) < 0.05)  # the line has ended where it stops fading
        ends = np.nonzero((up < 0.1) | flat)[0]
        if ends.size:
            up[ends[0]:] = 0.0
        rows.append(up)
    fade = np.clip((m - 1 - np.arange(m)) * step, 0.0, 1.0)  # to nothing over its last pixel
    if not rows:
        return (np.clip(1.0 - np.arange(m) * step / 0.7, 0.0, 1.0) * fade).astype(np.float32)
    return (np.median(np.array(rows), 0) * fade).astype(np.float32)


def _across(image: np.ndarray, frame: EyeFrame, lids: Lids, grid: np.ndarray, darkest: float,
            offsets: np.ndarray) -> np.ndarray:
    """The painting sampled across the upper lash line: (len(offsets), len(grid), 3) float32 RGB,
    at eye-frame u ``grid`` and ``darkest`` + ``offsets`` pixels over the upper lid contour."""
    vv = np.interp(grid, lids.u, lids.upper)[None, :] + darkest + offsets[:, None]
    return frame.sample(image, grid, vv)
