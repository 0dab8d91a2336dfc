"""The closing lid is coloured like the painting's skin: no grey or blue cast over a warm lid.

A stranger's measure (:func:`lid_cast`): the painting's own skin round the closed eye gives
its palette, the median CIE (a, b) of its pixels at each lightness (bins of 4 L); the closing
lid in the rendered frame, at each pixel, is compared with that palette at the pixel's own
lightness (|d(a, b)|, both pictures blurred by 1.5 px first so that the painted grain, a
lightness texture, is not counted); the lid is cut into thirds along its width (a cast may
lie over half of it, as on portrait_20's inner lid) and the worst third's median is the
measure. Lightness is left out on purpose (a lid lit in a shaded orbit is another question:
tests/test_lid_outline.py); this reads hue and chroma against the painting's own.

Real MediaPipe on the bundled astronaut (and a variant of it with a warm dark orbit, the
case that turned portrait_20's lid grey), and the shared paintings when ../shared is present.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.lid_plate import cover
from sfumato.rig.skin_palette import palette_ab, skin_palette
from tests.crops import head_crop_of, shared_rig

MAX_CAST = 12.0
"""The worst third of the closing lid may be at most this far (|d(a, b)|, CIE) from the
painting's skin palette at its lightness: 6, the bench's dE ab target for a colour matched
side by side (bench_rig), plus 6 for the palette's own looseness (the painting's skin round
the eye itself lies a median 0.9-4.7 from its palette on the test images, rounded up). Set
by that reasoning after a first reading of portrait_20 and 07 only, then checked on all the
paintings (blink 0.5 and 1.0): the lids read 1.4-11.0 now (the worst: portrait_20's
image-right lid), 18.6 on portrait_20's image-left lid with the blue-grey cast and 12.2 on
portrait_13's mauve lids (main at c034ae7). A guard with little margin on portrait_20."""
WARM = (1.0, 0.82, 0.6)
"""The synthetic case's skin: the astronaut's times this (a warm tan, as portrait_20's)."""
BLUR = 1.5
"""Both pictures are blurred by this many pixels (sigma) before the measure."""


def _skin(e: EyeLayers) -> tuple[np.ndarray, np.ndarray]:
    """The region a closed lid covers ((h, w) bool) and the painted skin round it (from 2 px
    to half an eye width beyond it, not the eye's opening): (h, w) bool."""
    s = e.sheet
    full = (cover(e.u, e.v, e.frame, e.lids, e.lids.moved(0.0, 1.0), s.band_up, s.band_lo, s.soft, s.reach) > 0).astype(np.uint8)
    k = np.ones((3, 3), np.uint8)
    near = cv2.dilate(full, k, iterations=max(3, int(0.5 * e.frame.half_width))) > 0
    up, lo = e.lids.at(e.u)
    opening = (e.v < up) & (e.v > lo) & (e.u > e.lids.u[0]) & (e.u < e.lids.u[-1])
    return full > 0, near & ~(cv2.dilate(full, k, iterations=2) > 0) & ~opening


def lid_cast(e: EyeLayers, blink: float) -> float:
    """How far the closing lid's colour lies from the painting's skin palette at ``blink``
    (see the module docstring)."""
    _, skin = _skin(e)
    painted = cv2.GaussianBlur(rgb_to_lab(e.image), (0, 0), BLUR)
    palette = skin_palette(painted, skin)
    assert palette[0].size >= 2, "too little skin round the eye for a palette"
    s = e.sheet
    now = e.lids.moved(0.0, blink)
    margin, _ = now.at(e.u)
    w = cover(e.u, e.v, e.frame, e.lids, now, s.band_up, s.band_lo, s.soft, s.reach)
    lid = (w > 0.5) & (e.v > margin + 1.0) & (e.u > e.lids.u[0]) & (e.u < e.lids.u[-1])
    out = cv2.GaussianBlur(rgb_to_lab(render_eye(e, np.zeros(2), blink)), (0, 0), BLUR)
    off = np.linalg.norm(out[..., 1:] - palette_ab(out[..., 0], palette), axis=-1)
    third = np.digitize(e.u, np.linspace(e.lids.u[0], e.lids.u[-1], 4)[1:-1])
    parts = [float(np.median(off[sel])) for t in range(3) if (sel := lid & (third == t)).sum() >= 5]
    assert parts, "no closing lid to measure"
    return max(parts)


@pytest.fixture(scope="module")
def warm_orbit(astronaut) -> RigEngine:
    """The astronaut at twice the size with a warm dark orbit round each eye (over the lid from
    just above its lash line, and round both corners down to the lower lid: RGB times (0.35,
    0.15, 0.1), soft-edged), the skin under the eye lit, as round portrait_20's image-left eye:
    the closed lid is lit toward the skin under the eye and its fill meets that dark red-brown."""
    crop = head_crop_of(cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    eng = RigEngine()
    eng.prepare(crop)
    assert len(eng._eyes) == 2
    tint = np.ones(crop.image.shape, np.float32) * np.array(WARM, np.float32)  # a warm tan skin
    for e in eng._eyes:
        up, lo = e.lids.at(e.u)
        h, hw = e.lids.height(), e.frame.half_width
        # over the lid from just above its lash line, and round both corners down to the lower lid
        over = np.clip((e.v - up - 0.5) / 2.0, 0, 1) * np.clip((up + 2.5 * h - e.v) / 3.0, 0, 1)
        corner = np.clip((np.abs(e.u) - 0.95 * hw) / 2.0, 0, 1) * np.clip((e.v - lo + 0.3 * h) / 2.0, 0, 1)
        inside = np.maximum(over, corner) * np.clip((1.6 * hw - np.abs(e.u)) / 4.0, 0, 1)
        rows, cols = e.roi
        dark = 1.0 - inside[..., None] * (1.0 - np.array([0.35, 0.15, 0.1], np.float32))
        tint[rows, cols] = np.minimum(tint[rows, cols], dark * np.array(WARM, np.float32))
    tinted = RigEngine()
    tinted.prepare(replace(crop, image=np.clip(crop.image * tint, 0, 255).astype(np.uint8)))
    assert len(tinted._eyes) == 2
    return tinted


@pytest.mark.parametrize("blink", [0.5, 1.0])
def test_closing_lid_keeps_the_skin_colour_repo_only(ast_engine, blink):
    """On the astronaut the closing lid lies within :data:`MAX_CAST` of her skin's palette."""
    casts = [lid_cast(e, blink) for e in ast_engine._eyes]
    assert max(casts) <= MAX_CAST, np.round(casts, 1)


@pytest.mark.parametrize("blink", [0.5, 1.0])
def test_lid_in_a_warm_dark_orbit_has_no_cast_repo_only(warm_orbit, blink):
    """With a warm dark orbit round the eye (portrait_20's), the closing lid darkens into it in
    the skin's own colours, not a grey one."""
    casts = [lid_cast(e, blink) for e in warm_orbit._eyes]
    assert max(casts) <= MAX_CAST, np.round(casts, 1)


NAMES = ["mona_lisa", "portrait_02", "portrait_03", "portrait_07", "portrait_10", "portrait_11", "portrait_13",
         "portrait_14", "portrait_17", "portrait_20"]


@pytest.mark.parametrize("name", NAMES)
def test_painted_closing_lid_keeps_the_skin_colour(name):
    """On the shared paintings, at blink 0.5 and 1.0, every closing lid lies within
    :data:`MAX_CAST` of the painting's skin palette (portrait_20's image-left lid read 18.6
    with the blue-grey cast)."""
    eng = shared_rig(name)
    casts = [lid_cast(e, b) for e in eng._eyes for b in (0.5, 1.0)]
    print(name, "worst lid cast", round(max(casts), 1))
    assert max(casts) <= MAX_CAST, np.round(casts, 1)
