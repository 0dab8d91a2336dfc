"""The closing lid is coloured like the painting's skin: no grey or blue cast over a warm lid.

A stranger's measure (:func:`lid_cast`), built apart from the code's own skin palette
(:mod:`sfumato.rig.skin_palette`: median (a, b) in 4 L bins of the skin round the lid): each
pixel of the closing lid over the eye's opening (between the lids at rest, above the moving lid's
margin) is compared with the painting's skin in a ring round the eye (1.25-1.75 eye half-widths,
an ellipse 0.6 as high as wide; the cheek and the sides up to :data:`BROW_CUT`, not the brow
above: no lid skin, no lash, no brow hair) at the lid pixel's own lightness (within 2 L; the 5 nearest in L where fewer
lie within): the median of the 5 nearest of those in CIE (a, b). A lid colour that the painting's
skin shows at that lightness reads near 0, one it never shows (a grey, a blue, a mauve) reads
far. Both pictures are blurred by 1.5 px first (the painted grain, a lightness texture, is not
counted); the lid is cut into thirds along its width (a cast may lie over half of it, as on
portrait_20's inner lid) and the worst third's median is the measure. Lightness is left out on
purpose (tests/test_lid_outline.py); this reads hue and chroma against the painting's own.

Real MediaPipe on the bundled astronaut (and variants of it with a warm dark orbit, the case that
turned portrait_20's lid grey), and the shared paintings when ../shared is present.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.eye import EyeLayers, render_eye
from tests.crops import head_crop_of, shared_rig

MAX_CAST = 9.5
"""The worst third of the closing lid may be at most this far (CIE (a, b)) from the painting's
skin at its lightness: 6, the bench's dE ab target for a colour matched side by side
(bench_rig), plus the skin ring's own spread, 3.5 (each ring pixel against the rest of the
ring, 90th percentile, worst on the 12 eyes of the test images: portrait_20's image-left eye;
0.3-2.4 on the others). Set by that reasoning, then read (session 10, blink 0.5 and 1.0, worst
eye): main at 2d0092f 0.5-5.8 on the test images but portrait_20's image-right lid, 11.5 (a rosy
salmon plate in a pale cream face: a strict xfail until closed17, below); c034ae7 (session 7) 11.5 on
portrait_20's image-left lid with its blue-grey cast, 15.6 on portrait_13's mauve lid, 11.6 on
portrait_02, and 15.2 on the astronaut's lit warm orbit (:func:`warm_orbit`), 1.1-2.8 on main.
With the ring cut at :data:`BROW_CUT` (dome14): main at 7f586c6 1.0-8.2 (portrait_13's
image-left lid half closed), dome14 1.0-7.4 (portrait_02); c034ae7 still 10.7-15.2."""
WARM = (1.0, 0.82, 0.6)
"""The synthetic case's skin: the astronaut's times this (a warm tan, as portrait_20's)."""
BLUR = 1.5
"""Both pictures are blurred by this many pixels (sigma) before the measure."""
BROW_CUT = 0.2
"""The ring holds no skin more than this many eye half-widths over the eye's axis: its two ends
beside the eye reach 0.8 half-widths up, and there portrait_13's image-left ring ended in her
brow's tail: brown hair pixels, (a, b) (21-24, 40-47), the nearest ring pixels in L to her
half-closed lid's outer third, where it turns into the shadow under her brow (L 41, darker
than all her skin in the ring but 2 pixels). Compared with brow hair, that lid, (a, b) (19, 36),
hue 62 degrees and chroma 41 as her skin's (18, 37), 64 and 42, read 11.5 with dome14's lid
(10.5 with lidtone13's, 9.3 on main at 7f586c6); 7.3 with the cut (8.2 main). Session 7's casts still read far with it: portrait_13's mauve lid 10.7
(15.6 without), portrait_20's blue-grey one 11.5 (11.5), the lit warm orbit 15.2 (15.2)."""
NEAR_L, NEAREST = 2.0, 5
"""Skin within this many L of a lid pixel is its lightness (the :data:`NEAREST` nearest in L
where fewer lie within), and the median of the :data:`NEAREST` nearest of it in (a, b) its
colour distance."""


def _regions(e: EyeLayers, blink: float) -> tuple[np.ndarray, np.ndarray]:
    """The closing lid over the opening and the skin ring round the eye: (h, w) bool each."""
    up, lo = e.lids.at(e.u)
    margin, _ = e.lids.moved(0.0, blink).at(e.u)
    hw = e.frame.half_width
    within = (e.u > e.lids.u[0] + 1.0) & (e.u < e.lids.u[-1] - 1.0)
    lid = within & (e.v > margin + 0.5) & (e.v < up) & (e.v > lo)
    rho = np.hypot(e.u / hw, e.v / (0.6 * hw))
    ring = (rho > 1.25) & (rho < 1.75) & ~((e.v > 0) & (np.abs(e.u) < 1.1 * hw)) & (e.v <= BROW_CUT * hw)  # no brow
    return lid, ring


def _distance(px: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """(N,) each Lab pixel's colour distance from the (M, 3) Lab skin at its lightness."""
    out = np.empty(len(px), np.float32)
    for i, q in enumerate(px):
        near = np.abs(skin[:, 0] - q[0]) <= NEAR_L
        same = skin[near] if near.sum() >= NEAREST else skin[np.argsort(np.abs(skin[:, 0] - q[0]))[:NEAREST]]
        out[i] = np.median(np.sort(np.hypot(same[:, 1] - q[1], same[:, 2] - q[2]))[:NEAREST])
    return out


def lid_cast(e: EyeLayers, blink: float) -> float:
    """How far the closing lid's colour lies from the painting's skin at ``blink`` (module docstring)."""
    lid, ring = _regions(e, blink)
    painted = cv2.GaussianBlur(rgb_to_lab(e.image), (0, 0), BLUR)
    out = cv2.GaussianBlur(rgb_to_lab(render_eye(e, np.zeros(2), blink)), (0, 0), BLUR)
    assert ring.sum() >= 50 and lid.sum() >= 5, (ring.sum(), lid.sum())
    d = _distance(out[lid], painted[ring])
    third = np.digitize(e.u[lid], np.linspace(e.lids.u[0], e.lids.u[-1], 4)[1:-1])
    parts = [float(np.median(d[third == t])) for t in range(3) if (third == t).sum() >= 5]
    return max(parts) if parts else float(np.median(d))


def test_the_skin_ring_against_itself_is_near_zero(ast_engine):
    """The measure's floor: the ring's own pixels against the rest of it read ~0 (0.4 / 0.4 on the
    astronaut's eyes), and a grey (chroma 0) at the skin's lightness reads far."""
    for e in ast_engine.eyes:
        _, ring = _regions(e, 1.0)
        skin = cv2.GaussianBlur(rgb_to_lab(e.image), (0, 0), BLUR)[ring]
        self_d = [float(_distance(skin[i:i + 1], np.delete(skin, i, 0))[0]) for i in range(0, len(skin), 7)]
        assert np.median(self_d) < 1.0, np.median(self_d)
        grey = skin.copy()
        grey[:, 1:] = 0.0
        assert np.median(_distance(grey, skin)) > 10.0


def _warm_orbit(astronaut: np.ndarray, lit: float) -> RigEngine:
    """The astronaut at twice the size with a warm dark orbit round each eye (over the lid from
    just above its lash line, and round both corners down to the lower lid: RGB times (0.35,
    0.15, 0.1), soft-edged), the skin under the eye times ``lit`` (below the lower lid, within
    1.4 half-widths along the eye and 1.2 below it), as round portrait_20's image-left eye: the
    closed lid is lit toward the skin under the eye and its fill meets that dark red-brown."""
    crop = head_crop_of(cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    eng = RigEngine()
    eng.prepare(crop)
    assert len(eng.eyes) == 2
    tint = np.ones(crop.image.shape, np.float32) * np.array(WARM, np.float32)  # a warm tan skin
    for e in eng.eyes:
        up, lo = e.lids.at(e.u)
        h, hw = e.lids.height(), e.frame.half_width
        # over the lid from just above its lash line, and round both corners down to the lower lid
        over = np.clip((e.v - up - 0.5) / 2.0, 0, 1) * np.clip((up + 2.5 * h - e.v) / 3.0, 0, 1)
        corner = np.clip((np.abs(e.u) - 0.95 * hw) / 2.0, 0, 1) * np.clip((e.v - lo + 0.3 * h) / 2.0, 0, 1)
        inside = np.maximum(over, corner) * np.clip((1.6 * hw - np.abs(e.u)) / 4.0, 0, 1)
        rows, cols = e.roi
        dark = 1.0 - inside[..., None] * (1.0 - np.array([0.35, 0.15, 0.1], np.float32))
        under = np.clip((lo - 0.2 * h - e.v) / 2.0, 0, 1) * np.clip((1.4 * hw - np.abs(e.u)) / 4.0, 0, 1) * np.clip((e.v - lo + 1.2 * hw) / 4.0, 0, 1)
        tint[rows, cols] = np.minimum(tint[rows, cols], dark * np.array(WARM, np.float32)) * (1.0 + (lit - 1.0) * under[..., None])
    tinted = RigEngine()
    tinted.prepare(replace(crop, image=np.clip(crop.image * tint, 0, 255).astype(np.uint8)))
    assert len(tinted.eyes) == 2
    return tinted


@pytest.fixture(scope="module")
def warm_orbit(astronaut) -> RigEngine:
    """:func:`_warm_orbit` with the skin under the eye as painted."""
    return _warm_orbit(astronaut, 1.0)


@pytest.fixture(scope="module")
def lit_orbit(astronaut) -> RigEngine:
    """:func:`_warm_orbit` with the skin under the eye lit (times 1.4): session 7's lid (c034ae7)
    closed into a pale grey-green plate there, 10.8-15.2 (1.1-2.8 on main at 2d0092f)."""
    return _warm_orbit(astronaut, 1.4)


@pytest.mark.parametrize("blink", [0.5, 1.0])
def test_closing_lid_keeps_the_skin_colour_repo_only(ast_engine, blink):
    """On the astronaut the closing lid lies within :data:`MAX_CAST` of her skin's palette."""
    casts = [lid_cast(e, blink) for e in ast_engine.eyes]
    assert max(casts) <= MAX_CAST, np.round(casts, 1)


@pytest.mark.parametrize("blink", [0.5, 1.0])
def test_lid_in_a_warm_dark_orbit_has_no_cast_repo_only(warm_orbit, blink):
    """With a warm dark orbit round the eye (portrait_20's), the closing lid darkens into it in
    the skin's own colours, not a grey one."""
    casts = [lid_cast(e, blink) for e in warm_orbit.eyes]
    assert max(casts) <= MAX_CAST, np.round(casts, 1)


@pytest.mark.parametrize("blink", [0.5, 1.0])
def test_lid_lit_toward_the_cheek_in_a_warm_dark_orbit_has_no_cast_repo_only(lit_orbit, blink):
    """The same with the skin under the eye lit: the lid lit toward it keeps the skin's hue (the
    dark orbit sampled at the lid's edge and lightened by adding the same to R, G and B, as in
    session 7, made it a pale grey-green plate: 10.8-15.2)."""
    casts = [lid_cast(e, blink) for e in lit_orbit.eyes]
    assert max(casts) <= MAX_CAST, np.round(casts, 1)


NAMES = ["mona_lisa", "portrait_02", "portrait_03", "portrait_07", "portrait_10", "portrait_11", "portrait_13",
         "portrait_14", "portrait_17", "portrait_20"]


@pytest.mark.parametrize("name", NAMES)
def test_painted_closing_lid_keeps_the_skin_colour(name):
    """On the shared paintings, at blink 0.5 and 1.0, every closing lid lies within
    :data:`MAX_CAST` of the painting's skin (portrait_13's mauve lid read 15.6); portrait_20's
    image-right lid is held by the xfail below, its image-left one here (tidy10 on main at
    bbad8f5: 4.5 / 4.5; session 7's blue-grey cast read 11.5)."""
    eng = shared_rig(name)
    eyes = sorted(eng.eyes, key=lambda e: e.roi[1].start)  # image-left first
    if name == "portrait_20":
        eyes = eyes[:1]
    casts = [lid_cast(e, b) for e in eyes for b in (0.5, 1.0)]
    print(name, "worst lid cast", round(max(casts), 1))
    assert max(casts) <= MAX_CAST, np.round(casts, 1)


def test_portrait_20_image_right_closing_lid_keeps_the_skin_colour():
    """portrait_20's image-right eye alone (apart from the image-left one, held in
    :func:`test_painted_closing_lid_keeps_the_skin_colour`): a strict xfail from tidy10 to
    session 17, its lid closing into a rosy salmon plate in a pale cream face (8.7 / 11.5 at
    blink 0.5 / 1.0 at bbad8f5, 8.6 / 10.5 at c6d765f); 8.2 / 8.6 since closed17, the lid reaching
    past its lit fold (:func:`sfumato.rig.lid_top.past_fold`) instead of ending on it."""
    eng = shared_rig("portrait_20")
    e = max(eng.eyes, key=lambda e: e.roi[1].start)
    casts = [lid_cast(e, b) for b in (0.5, 1.0)]
    print("portrait_20 image-right worst lid cast", round(max(casts), 1))
    assert max(casts) <= MAX_CAST, np.round(casts, 1)
