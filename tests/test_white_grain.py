"""The rebuilt eye white carries the painting's grain (sfumato.rig.white_grain), and the measure
of it from outside (sfumato.face.grain_match) tells a flat patch from a grainy one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.imaging.grain import fine_spread
from sfumato.rig.white_grain import sclera_plate


def _canvas(grain: float, seed: int = 0, h: int = 60, w: int = 120, r: float = 8.0):
    """A grainy canvas (luminance 170 x (1 + grain x noise)) with an eye white band across it and
    an iris hole in the middle: image (h, w, 3) float32, white, hole (h, w) float32, and coords."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    image = (170.0 * (1.0 + grain * rng.standard_normal((h, w)))).astype(np.float32)[..., None] * np.ones(3, np.float32)
    hole = (np.hypot(xx - 60, yy - 24) < 1.35 * r).astype(np.float32)
    white = ((np.abs(yy - 24) < 6) & (hole < 0.5)).astype(np.float32)
    return image, white, hole, yy, xx, r


@pytest.mark.parametrize("grain", [0.02, 0.1])
def test_the_rebuilt_white_is_as_grainy_as_the_painted_one(grain):
    """A fine canvas grain (0.02) and a coarse, JPEG-like one (0.1, portrait_20's white reads
    0.16): the plate under the old iris has the painted white's fine contrast, whole pixels, and
    its mean is the fill's (the texture moves no lightness). Measured 0.96 / 0.96; the code
    before (shifted along the eye and below it, clipped to 2.5 x a grain capped at 0.05, nothing
    borrowed within 2 px of a 4-grain step) laid 0.71 / 0.68 of it."""
    image, white, hole, yy, xx, r = _canvas(grain)
    colour = np.full_like(image, 170.0)
    plate = sclera_plate(image, white, hole, colour, 0.5 * r)
    inner = np.hypot(xx - 60, yy - 24) < r
    painted = (np.abs(yy - 24) < 6) & (np.abs(xx - 60) > 1.6 * r)
    got, n = fine_spread(plate[..., 0], inner)
    want, _ = fine_spread(image[..., 0], painted)
    assert n >= 100
    assert 0.75 < got / want < 1.33, (got, want)
    assert abs(float(plate[inner].mean()) - 170.0) < 0.01 * 170.0, plate[inner].mean()


def test_no_lash_is_printed_and_a_flat_canvas_stays_flat():
    image, white, hole, yy, xx, r = _canvas(0.03)
    lashes = (yy > 44) & (yy < 52) & (xx.astype(int) % 6 == 0)  # dark ticks below the eye, in its skin ring
    image[lashes] = 40.0
    plate = sclera_plate(image, white, hole, np.full_like(image, 170.0), 0.5 * r)
    inner = np.hypot(xx - 60, yy - 24) < r
    assert plate[inner][:, 0].min() > 170.0 * 0.85, plate[inner][:, 0].min()
    flat = np.full_like(image, 150.0)
    assert np.allclose(sclera_plate(flat, white, hole, np.full_like(image, 170.0), 0.5 * r)[inner], 170.0)


def test_the_same_canvas_gives_the_same_plate():
    image, white, hole, yy, xx, r = _canvas(0.05)
    colour = np.full_like(image, 170.0)
    assert np.array_equal(sclera_plate(image, white, hole, colour, 0.5 * r), sclera_plate(image, white, hole, colour, 0.5 * r))


def _painted_eyes(move: float, revealed: str, seed: int = 3, strokes: float = 0.0, laid: float | None = None):
    """Two synthetic painted eyes on grainy skin, the irises moved right by ``move`` px; where the
    iris was, the white is ``revealed`` "grainy" (the white's own grain) or "flat" (its colour), or,
    with ``laid``, its colour plus ``laid`` x the skin's grain; ``strokes``: the painted white crossed
    by vertical shading strokes 2 px wide, +-``strokes`` of 255 (tests/test_grain_range.py).
    (H, W, 3) uint8 RGB, (478, 2) landmarks."""
    from sfumato.face.topology import EYES

    h, w, r = 100, 260, 8.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 4.0, (h, w)).astype(np.float32)[..., None]
    stroked = np.where((xx.astype(int) // 2) % 2 == 0, strokes, -strokes).astype(np.float32)[..., None]
    img = np.full((h, w, 3), (200.0, 150.0, 120.0), np.float32) + noise
    lm = np.zeros((478, 2), np.float64)
    for e, cx in zip(EYES, (70.0, 190.0)):
        t = np.linspace(0, 2 * np.pi, len(e.contour), endpoint=False)
        lm[list(e.contour)] = np.stack([cx + 34 * np.cos(t), 50 - 14 * np.sin(t)], 1)
        inside = ((xx - cx) / 34) ** 2 + ((yy - 50) / 14) ** 2 < 1
        img[inside] = np.float32([225.0, 220.0, 210.0]) + stroked[inside] + noise[inside]
        old = inside & (np.hypot(xx - (cx - 6), yy - 50) < r)
        if move > 0 and (revealed == "flat" or laid is not None):
            img[old] = np.float32([225.0, 220.0, 210.0]) + (0.0 if laid is None else laid) * noise[old]
        c = np.array([cx - 6 + move, 50.0])
        img[inside & (np.hypot(xx - c[0], yy - c[1]) < r)] = (60.0, 45.0, 40.0)
        lm[e.iris[0]] = c
        lm[list(e.iris[1:])] = c + r * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])
    return np.clip(img, 0, 255).astype(np.uint8), lm


def test_the_measure_tells_a_flat_patch_from_the_painted_grain():
    from sfumato.face.grain_match import TARGET, grain_match

    painting, plm = _painted_eyes(0.0, "grainy")
    grainy, glm = _painted_eyes(14.0, "grainy")
    flat, flm = _painted_eyes(14.0, "flat")
    assert np.isnan(grain_match(painting, painting, plm, plm, (8.0, 8.0)).ratio)  # nothing revealed
    g = grain_match(painting, grainy, plm, glm, (8.0, 8.0))
    f = grain_match(painting, flat, plm, flm, (8.0, 8.0))
    assert g.revealed_n >= 24 and f.revealed_n >= 24, (g, f)
    assert TARGET[0] < g.ratio < TARGET[1], g
    assert f.ratio < 0.3, f


def test_the_rig_rebuilds_a_grainy_white_on_the_astronaut():
    """The real path: the rig's eyes at -30/+30 degrees on the astronaut enlarged twice (at its
    own size the iris is 4 px: too little white is revealed to measure), measured with FaceMesh
    on the frames. Measured 1.12 / 0.78; the code before read 0.42 / 0.41 (a flat patch). In
    session 13 (the grain relative to the local light) 0.79 / 0.69 (0.81 / 0.68 in L), flattened
    0.10 / 0.06 (0.02 / 0.03 in L); since 919d3a1 changed the gaze frames 0.81 / 0.69, flattened
    0.13 / 0.19; with the painted white's own texture (session 14) 0.82 / 0.94, flattened 0.09 /
    0.07."""
    from sfumato.engines.base import Pose
    from sfumato.face.grain_match import TARGET, grain_match
    from sfumato.face.quality import face_landmarks, painted_iris_radii
    from tests.crops import astronaut_rig

    eng = astronaut_rig(2.0)
    _check_grain(eng, TARGET, grain_match, face_landmarks, painted_iris_radii, Pose)


def _flattened(img: np.ndarray, frame: np.ndarray, lm: np.ndarray, flm: np.ndarray, radii) -> np.ndarray:
    """``frame`` with the white revealed where each painted iris was (within 1.1 radii of it,
    beyond ``white_match.FRAME_IRIS`` radii of the iris found in the frame, where the grain measure
    reads it, inside the opening) painted flat, each pixel row of it its median colour: the shading
    down the eye kept, the grain gone (a flat patch). Beyond 1.2 radii before limbus15: with the
    moved iris' edge as soft as the painted one, the rows short of white (its top and bottom) took
    their median from the iris' rim there and the "flat" patch read 0.47 on the astronaut at 2x."""
    from sfumato.face.eye_window import eye_window
    from sfumato.face.topology import EYES
    from sfumato.face.white_match import FRAME_IRIS, fit_eyes
    from sfumato.imaging.lab import lightness

    out = frame.copy()
    for k, (e, fit) in enumerate(zip(EYES, fit_eyes(lightness(img), lightness(frame), lm, flm, radii))):
        r = float(radii[k])
        win = eye_window(lm, e, fit.affine, fit.iris, r, img.shape[:2], 0.15)
        ys, xs = np.nonzero(win.opening & (win.dp < 1.1 * r) & (win.df > FRAME_IRIS * r))
        mx, my = win.frame_map(fit.affine, whole=True)
        fx, fy = mx[ys, xs].astype(int), my[ys, xs].astype(int)
        for row in np.unique(fy):
            out[row, fx[fy == row]] = np.median(frame[row, fx[fy == row]], 0).astype(np.uint8)
    return out


FLAT_LIMIT = 0.45
"""A frame's revealed white flattened (:func:`_flattened`) reads under this on the rig's frames
(0.3 before limbus15). The reading of a flat patch there is not near 0: its rows' steps of
shading and the grid FaceMesh and the eye's registration lay it on count as grain. On
portrait_13 at +30 the white the measure reads is pixel for pixel the same in main's frame at
8e85d02 and limbus15's (only the iris' edge changed), and its flattened patch read 0.22 and
0.37 (101 and 102 revealed pixels: the grid landed a pixel apart); main's frames shifted by
0.25-1 px read 0.00-0.26 (portrait_13, portrait_07, the astronaut at 2x). The one reading over
0.3 in the tests at 89038be is portrait_07 at -30 in ``test_grain_range`` (0.36; every other
flattened reading 0.28 or less): why is not settled, the registration grid as on portrait_13 or
white07's steep shade from half way up, which the row-median flattening keeps (not checked).
Still well under the grain column's 0.6 (``grain_match.TARGET``), which a flat patch must fail."""


def _check_grain(eng, target, grain_match, face_landmarks, painted_iris_radii, Pose) -> None:
    """Each measured frame's ratio in ``target``; the same frame with its revealed white
    flattened (:func:`_flattened`) under :data:`FLAT_LIMIT`."""
    img = eng._crop
    lm = face_landmarks(img)
    radii = painted_iris_radii(img, lm)
    seen, flat = [], []
    for yaw in (-30.0, 30.0):
        frame = eng.render_pose(Pose(yaw, 0.0, 0.0, 0.0))
        flm = face_landmarks(frame)
        assert flm is not None
        seen.append(grain_match(img, frame, lm, flm, radii).ratio)
        flat.append(grain_match(img, _flattened(img, frame, lm, flm, radii), lm, flm, radii).ratio)
    print("grain", seen, "flattened", flat)
    measured = [s for s in seen if np.isfinite(s)]
    assert measured, seen
    assert all(target[0] <= s <= target[1] for s in measured), seen
    assert all(f < FLAT_LIMIT for s, f in zip(seen, flat) if np.isfinite(s)), flat


def test_portrait_20s_rebuilt_white_is_not_a_flat_patch():
    """../shared: portrait_20's JPEG-grained white at -30/+30 degrees, pooled over both eyes.
    The flat patch before session 10 read 0.45 / 0.35. Session 10 read 0.74 / 0.85 on a white
    speckled with the skin's dark specks (read as dirt); with the painted white's own specks
    (never darker than its darkest, never above its fine contrast) the image-right white is a
    finer, lighter speckle and the pair read 1.01 / 0.59 (499cf58); softened to the painted
    white's spatial scale (a7998f2) it reads 0.60 / 0.52, still a visible fine speckle: held at
    0.5, above the flat patch, not at the column's 0.6 (which passed the dirty white; README).
    Shaded up to the upper lid as painted (white12: the band under the lid took the next band's
    shade, 0.80, where it had kept the fill's lightness) the image-right white at -30 takes in
    that shade, about 20% darker, whose grain is laid in proportion to the white's light and so
    reads as much smaller in L: the pair read 0.49 / 0.53, held at 0.47, a margin of 0.02 at -30
    over that old flat patch. Since session 13 the measure reads the grain relative to the local
    light (grain_match.relative, ln(L + 16)): 0.53 / 0.61, held at 0.5; the same frames with the
    revealed white flattened row by row (_flattened) read 0.017 / 0.024 (0.030 / 0.021 in L);
    since 919d3a1 changed the gaze frames 0.53 / 0.62, flattened 0.061 / 0.131. Since session 14
    the rebuilt white takes the painted white's own texture (:mod:`sfumato.rig.white_texture`;
    the image-right white of 25 px lends single pixels): 0.72 / 0.76, flattened 0.085 / 0.010,
    held at the column's own 0.6 (7f586c6 reads 0.53 there); since side14 made that eye's outer
    side its own paint in its shade (acdce31) 0.68 / 0.88, flattened 0.11 / 0.12."""
    from sfumato.engines.base import Pose
    from sfumato.face.grain_match import TARGET, grain_match
    from sfumato.face.quality import face_landmarks, painted_iris_radii
    from tests.crops import shared_rig

    eng = shared_rig("portrait_20")
    _check_grain(eng, TARGET, grain_match, face_landmarks, painted_iris_radii, Pose)


def _speckled_skin(seed: int = 4):
    """A sliver of white (3 rows: too thin to lend blocks) whose grain leans light (noise 0.02 plus light specks, exponential of mean 0.02)
    in a skin ring whose grain leans dark (noise 0.02 minus dark specks, exponential of mean
    0.04), both within the plate's grain range (no speck a feature): image (h, w, 3) float32,
    white, hole, yy, xx, r."""
    image, white, hole, yy, xx, r = _canvas(0.02, seed)
    white = ((np.abs(yy - 24) < 1.5) & (hole < 0.5)).astype(np.float32)  # a sliver: the skin lends
    rng = np.random.default_rng(seed)
    band = white > 0.5
    skin = ~band & (hole < 0.5)
    lean = np.where(band, rng.exponential(0.02, image.shape[:2]), -rng.exponential(0.04, image.shape[:2]))
    lean = np.where(band | skin, lean, 0.0).astype(np.float32)
    image *= (1.0 + lean)[..., None]
    return image, white, hole, yy, xx, r


def test_the_skins_dark_specks_are_not_laid_in_the_white():
    """The rebuilt white takes the painted white's own specks, not the skin's (portrait_20: an
    orange skin of dark specks round a blue-grey white of light ones; its white is a sliver, so
    the skin ring lends the blocks). Under the old iris the darkest 2 % lie no deeper than the
    painted white's darkest 2 %, and the light tail stays the longer one. Measured: 2nd
    percentile -3.8 % (painted white -4.1 %), tails +4.3 / -3.7 %; the code before (2c8dee0)
    laid -4.7 % and +3.3 / -5.0 % (the skin's lean)."""
    from sfumato.imaging.grain import speck_residual

    image, white, hole, yy, xx, r = _speckled_skin()
    colour = np.full_like(image, 170.0)
    plate = sclera_plate(image, white, hole, colour, 0.5 * r)
    inner = np.hypot(xx - 60, yy - 24) < r
    laid = plate[inner][:, 0] / 170.0 - 1.0
    own = speck_residual(image[..., 0], (white > 0.5) & (hole < 0.5))
    q = np.percentile(laid, [2, 50, 98])
    assert q[0] >= np.percentile(own, 2), (q, np.percentile(own, 2))
    assert q[2] - q[1] > q[1] - q[0], q


def _reflex_sliver(seed: int = 5):
    """A smooth canvas (grain 0.004) whose painted white holds a reflex: light and dark marks of
    2 px at 0.05 (portrait_07's cream reflex read 4.5-8.5x its skin ring's fine contrast)."""
    image, white, hole, yy, xx, r = _canvas(0.004, seed)
    rng = np.random.default_rng(seed)
    band = white > 0.5
    blot = 0.05 * rng.standard_normal((image.shape[0] // 2 + 1, image.shape[1] // 2 + 1))
    blot = np.kron(blot, np.ones((2, 2)))[: image.shape[0], : image.shape[1]].astype(np.float32)
    image[band] *= (1.0 + blot[band])[:, None]
    return image, white, hole, yy, xx, r


def test_a_reflex_in_the_painted_white_is_not_laid_as_blotches():
    """A sliver of painted white's fine contrast read its reflex as grain (4.5-8.5x the skin
    ring's on portrait_07) and the plate laid blocks of it at that amplitude: light and dark
    rectangles across a smooth white. The laid grain is at most CANVAS (2) x the skin ring's (the
    same canvas), every block zero-mean, every pixel within 3 of its spreads. Measured: laid /
    skin fine spread 2.0, largest step 1.9 %; the code before (23b75ea) laid 7.0x, steps of 6.6 %."""
    image, white, hole, yy, xx, r = _reflex_sliver()
    colour = np.full_like(image, 170.0)
    plate = sclera_plate(image, white, hole, colour, 0.5 * r)
    inner = np.hypot(xx - 60, yy - 24) < r
    skin = (np.abs(yy - 24) > 14) & (np.abs(yy - 24) < 22)
    got, n = fine_spread(plate[..., 0], inner)
    canvas, _ = fine_spread(image[..., 0], skin)
    assert n >= 100
    assert got / canvas < 2.5, (got, canvas)
    assert np.abs(plate[inner][:, 0] / 170.0 - 1.0).max() < 0.04, np.abs(plate[inner][:, 0] / 170.0 - 1.0).max()


def test_portrait_07s_rebuilt_white_is_no_grainier_than_its_canvas(monkeypatch):
    """../shared: portrait_07's painted white beside the iris is a sliver whose cream reflex read
    4.5-8.5x its skin ring's fine contrast; the plate laid that as light and dark blocks across
    a smooth white (visible at -30/-21 and +21/+30). Each eye's laid grain (the plate over the
    old iris / the fill) is now at most CANVAS (2) x the skin ring's: measured 1.89 / 2.04 x; the code
    before (23b75ea) laid 4.53 / 8.68 x."""
    import sfumato.rig.sclera as sclera
    from sfumato.rig.white_grain import CANVAS
    from tests.crops import shared_rig

    seen = []
    real = sclera.sclera_plate

    def spy(image, white, hole, colour, sigma, painted=None, canvas=None):
        plate = real(image, white, hole, colour, sigma, painted, canvas)
        lum = image.mean(2)
        r = 2.0 * sigma
        eye = np.clip(white + hole, 0, 1) > 0.01
        near = cv2.dilate(eye.astype(np.uint8), np.ones((2 * int(sigma) + 1,) * 2, np.uint8)) > 0
        ring = ~near & (cv2.dilate(eye.astype(np.uint8), np.ones((2 * int(2 * r) + 1,) * 2, np.uint8)) > 0)
        laid = hole > 0.5
        skin = fine_spread(lum, ring)[0] / float(np.median(lum[ring]))
        got = fine_spread(plate.mean(2) / np.maximum(colour.mean(2), 1.0), laid)[0]
        seen.append(got / skin)
        return plate

    monkeypatch.setattr(sclera, "sclera_plate", spy)
    shared_rig("portrait_07", fresh=True)   # built now, under the spy
    assert len(seen) == 2, seen
    assert max(seen) < 1.25 * CANVAS, seen



def _sandy_ratio(seed: int) -> float:
    """The rebuilt white's centred fine contrast over the old iris (0.9 r) / the painted white's,
    on a synthetic eye: the painted white a 3-row sliver (no 4 px block of its own) whose
    variation is smooth (noise under a 1.5 px Gaussian, spread 0.04), the skin around it
    pixel-grainy (white noise, spread 0.03 x 0.2 or 1.8 in patches: a ring of calm skin and
    sandy skin, as portrait_14's)."""
    h, w, r = 60, 120, 8.0
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    patchy = 1.0 + 0.8 * np.sign(cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 6.0))
    skin = 0.03 * patchy * rng.standard_normal((h, w)).astype(np.float32)
    smooth = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 1.5)
    smooth *= 0.04 / smooth.std()
    band = np.abs(yy - 24) < 1.5
    lum = 170.0 * (1.0 + np.where(band, smooth, skin))
    image = lum[..., None] * np.ones(3, np.float32)
    d = np.hypot(xx - 60, yy - 24)
    hole = (d < 1.35 * r).astype(np.float32)
    white = (band & (hole < 0.5)).astype(np.float32)
    painted = band & (d > 1.15 * r)
    plate = sclera_plate(image, white, hole, np.full_like(image, 170.0), 0.5 * r, painted)
    inner = d < 0.9 * r
    got, n = fine_spread(plate.mean(2) / 170.0, inner, centred=True)
    want, m = fine_spread(lum / 170.0, painted, centred=True)
    assert n >= 100 and m >= 100
    return got / want


def test_a_smooth_painted_white_gets_no_sandy_grain():
    """The rebuilt white under the old iris is no grainier than a smooth painted white beside it
    (at most 1.2x its fine contrast), over 8 synthetic eyes (:func:`_sandy_ratio`), and not flat
    (at least 0.45x: a flat patch reads ~0). Measured 0.53-1.00; the code before (the specks'
    values matched but not their scale, the cap measured over the whole laid disc only) read
    0.90-1.22, 1.22 on seed 0 (portrait_14's image-right eye: 1.38 on the rig's layers)."""
    ratios = [_sandy_ratio(seed) for seed in range(8)]
    assert max(ratios) <= 1.2, ratios
    assert min(ratios) >= 0.45, ratios
