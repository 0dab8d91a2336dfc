"""The Mona Lisa's rebuilt white carries her crackled canvas at her painted white's contrast.

Her painted white's calm blocks (:mod:`sfumato.rig.white_texture`) leave its steps out, and on a
crackled painting those steps are its grain: at 6561cb1 her image-right revealed white read 0.56 of
the painting's fine contrast round it on bench_rig (grain flat, FAIL), a smoothed plate in a densely
crackled face. Where the canvas round the eye is :func:`sfumato.rig.white_canvas.crackled`, the
rebuilt white is laid with the canvas itself (:func:`sfumato.rig.white_canvas.canvas_grain`).
Measured here on the rig's own layers: the rebuilt white (the eye with its iris taken out, over
the old iris) against the painted white beside the iris, in the bench's units (second differences
of ln(L + 16), :func:`sfumato.face.grain_match.relative`); its specks no darker than the painted
white's (:func:`sfumato.face.grain_match.speck_match`); and the canvas fixed in the painting (two
neighbouring gazes show the same white wherever both reveal it: nothing slides). Repo only: the
bundled 900 px Mona Lisa and a synthetic canvas; the 1200 px test painting when ``../shared`` is
there.
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.grain_match import relative, speck_match
from sfumato.imaging.grain import fine_spread
from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.eye import render_eye
from sfumato.rig.lids import opening
from sfumato.rig.painted_white import painted_white
from sfumato.rig.white_canvas import CRACKLED, canvas_grain, crackled

FLAT = 0.85
"""The rebuilt white's fine contrast at least this share of the painted white's (the bench's flat
target is 0.6 of it in a frame, where the resampling and the lids take a little more)."""
SANDY = 1.5


def rebuilt_and_painted(e) -> tuple[np.ndarray, np.ndarray]:
    """(h, w) bool each: the rebuilt white over the old iris (as :func:`speck_match` reads it) and
    the painted white beside the iris."""
    h, w = e.image.shape[:2]
    c = e.frame.to_xy(np.asarray(e.rest, np.float64))
    r = float(e.radius)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dist = np.hypot(xx - c[0], yy - c[1])
    inside = opening(e.u, e.v, e.lids, 1.5 * e.edge + 0.5) > 0.99
    rebuilt = inside & (dist < 0.9 * r) & (np.abs(e.base - e.image).max(2) > 0.5)
    white = painted_white(e.image, inside & (dist > r + 1.0), c, r, 0.0) & (dist > 1.15 * r)
    return rebuilt, white


def grain_ratio(e) -> float:
    """The rebuilt white's fine contrast over the painted white's (ln(L + 16) second differences)."""
    rebuilt, white = rebuilt_and_painted(e)
    laid = fine_spread(relative(rgb_to_lab(e.base)[..., 0]), rebuilt)[0]
    own = fine_spread(relative(rgb_to_lab(e.image)[..., 0]), white)[0]
    return float(laid / own)


def check_crackled_white(eng, speck_eyes: tuple[int, ...] = (0, 1)) -> None:
    """Each eye: the rebuilt white at least :data:`FLAT` and at most :data:`SANDY` of the painted
    white's fine contrast; in ``speck_eyes`` its specks no darker nor finer than the painted white's
    by more than 1.5 (the bench's specks limit; the 900 px image-left eye's painted white is 24 px,
    too few to bound its darkest speck: it reads 2.56 on the old code and now, its blocks as they
    were; read on the 1200 px)."""
    for k, e in enumerate(eng.eyes):
        ratio, specks = grain_ratio(e), speck_match(e)
        print(f"eye {k}: rebuilt / painted white fine contrast {ratio:.2f}, specks dark {specks.dark:.2f} fine {specks.fine:.2f}")
        assert FLAT <= ratio <= SANDY, (k, ratio)
        if k in speck_eyes:
            assert specks.dark <= 1.5 and specks.fine <= 1.5, (k, specks)


def check_fixed_canvas(eng) -> None:
    """The image-right eye rendered at two neighbouring gazes (the iris 0.8 and 0.9 radii toward
    the nose, its painted surround let go): wherever both show the rebuilt white (within the old
    iris, beyond 1.25 radii of either moved iris, inside the opening, off the lids' shadow), the
    pixels are the same: the canvas does not slide."""
    k = [i for i, er in enumerate(eng.rig.eyes) if er.side == "left"][0]
    e = eng.eyes[k]
    r = e.radius
    shifts = [np.array([-0.8 * r, 0.0]), np.array([-0.9 * r, 0.0])]
    a, b = (render_eye(e, s) for s in shifts)
    up, lo = e.lids.at(e.u)
    far = np.ones(e.u.shape, bool)
    for s in shifts:
        far &= np.hypot(e.u - e.rest[0] - s[0], e.v - e.rest[1] - s[1]) > 1.25 * r
    both = far & (np.hypot(e.u - e.rest[0], e.v - e.rest[1]) < 0.9 * r) & (up - e.v > 0.2 * max(e.lids.height(), r)) & (e.v - lo > 2.0)
    assert both.sum() >= 12, both.sum()
    diff = float(np.abs(a - b)[both].max())
    print(f"rebuilt white shown at both gazes: {int(both.sum())} px, largest difference {diff:.3f}")
    assert diff < 0.5


def test_a_crackled_canvas_is_told_from_a_calm_one():
    """:func:`crackled`: a canvas :data:`CRACKLED` x the painted white's fine contrast or more is
    crackled (the Mona Lisa's 1.61 / 1.70); portrait_13's image-left 0.78 and NaN are not."""
    assert crackled(0.1123, 0.1904) and crackled(0.1231, 0.1982)
    assert not crackled(0.0582, 0.0456)
    assert not crackled(float("nan"), 0.2) and not crackled(0.1, float("nan"))
    assert crackled(0.1, CRACKLED * 0.1) and not crackled(0.1, 0.99 * CRACKLED * 0.1)


def test_the_canvas_laid_is_the_skin_under_the_eye_whole_pixels():
    """:func:`canvas_grain` on a synthetic canvas (a grain, threads of one-pixel dark lines every 4 px
    across the eye's axis and a crack): the texture laid over a patch is the canvas' own pattern from under it, not smoothed:
    it keeps the threads across the eye's axis at whole pixels and in place (the laid patch's
    column means darkest every 4 px, on the canvas' own threads) and at their contrast (its fine contrast 0.8-1.25 of the canvas'); none where not crackled."""
    from sfumato.rig.lids import EyeFrame, Lids

    h, w = 96, 96
    yy, xx = np.mgrid[0:h, 0:w]
    lum = np.full((h, w), 180.0, np.float32) * (1 + 0.03 * np.random.default_rng(1).standard_normal((h, w))).astype(np.float32)
    lum[(xx % 4) == 0] *= 0.9
    lum[np.abs(xx - 0.3 * yy - 30) < 0.6] *= 0.7  # a crack running up the panel
    image = np.repeat(lum[..., None], 3, 2)
    frame = EyeFrame(np.array([48.0, 30.0]), np.array([1.0, 0.0]), 20.0)
    u = np.linspace(-20, 20, 9)
    lids = Lids(u, 6.0 * (1 - (u / 20) ** 2), -6.0 * (1 - (u / 20) ** 2))
    need = np.zeros((h, w), bool)
    need[24:37, 36:61] = True
    grain = canvas_grain(image, frame, lids, 6.0)
    assert grain(need, 0.1, 0.1) is None  # not crackled: the caller lays the white's own blocks
    tex = grain(need, 0.1, 0.2)
    assert tex is not None and np.all(tex[~need] == 0)
    canvas = image.mean(2) / 180.0 - 1.0
    cols = tex[need].reshape(13, 25).mean(0)
    print("laid column means", np.round(cols, 3))
    assert np.argmin(cols[:4]) == np.argmin(cols[4:8]) == np.argmin(cols[8:12]) == 0  # the weave's threads, in place
    laid, own = fine_spread(tex, need)[0], fine_spread(canvas, np.ones_like(need))[0]
    print(f"laid fine contrast {laid:.4f}, canvas {own:.4f}")
    assert 0.8 <= laid / own <= 1.25


def _crackled_eye(seed: int):
    """A synthetic crackled eye: a panel of fine grain crossed by cracks running up it (1 px dark
    lines every 3-6 px, broken into segments), deeper and over a grainier ground in the skin
    (0.75, grain 0.02) than in the smoother painted white (0.9, grain 0.01), and through the dark
    iris; an opening 40 x 12 px, iris radius 8. Returns image (h, w, 3) float32, white, hole
    (h, w) float32, painted (h, w) bool, the crack mask (h, w) bool, the frame, the lids, r."""
    from sfumato.rig.lids import EyeFrame, Lids

    h, w, r = 90, 120, 8.0
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cols = np.cumsum(rng.integers(3, 7, size=40))
    cracks = np.isin(xx.astype(int), cols[cols < w]) & (rng.random((h // 6 + 1, w))[yy.astype(int) // 6, xx.astype(int)] > 0.2)
    opening = ((xx - 60) / 20) ** 2 + ((yy - 30) / 6) ** 2 < 1
    d = np.hypot(xx - 60, yy - 30)
    grain = rng.standard_normal((h, w)).astype(np.float32)
    lum = np.where(opening, 200.0 * (1 + 0.01 * grain) * np.where(cracks, 0.93, 1.0), 170.0 * (1 + 0.03 * grain) * np.where(cracks, 0.8, 1.0))
    lum = np.where(d < r, 60.0 * (1 + 0.02 * grain) * np.where(cracks, 0.8, 1.0), lum).astype(np.float32)
    hole = (d < 1.35 * r).astype(np.float32)
    white = (opening & (hole < 0.5)).astype(np.float32)
    painted = opening & (d > 1.15 * r)
    u = np.linspace(-20, 20, 21)
    lids = Lids(u, 6.0 * np.sqrt(1 - (u / 20) ** 2), -6.0 * np.sqrt(1 - (u / 20) ** 2))
    frame = EyeFrame(np.array([60.0, 30.0]), np.array([1.0, 0.0]), 20.0)
    return lum[..., None] * np.ones(3, np.float32), white, hole, painted, cracks, frame, lids, r, d


def test_a_crackled_white_keeps_its_cracks():
    """sclera_plate on synthetic crackled eyes (:func:`_crackled_eye`, 4 seeds), under the old
    iris (0.9 radii): with the canvas (:func:`canvas_grain`) the rebuilt white's cracks run on
    where the panel's do (its column means over the old iris correlate with the cracks' columns,
    dark, at 0.7 or more) and it is no sandier than :data:`SANDY` x the painted white's fine
    contrast. The code before (``canvas`` None, the painted white's calm blocks: what sclera_plate
    laid at 6561cb1) leaves the cracks out: correlation -0.17..0.58 (it fails); with the canvas
    0.84-0.96 (the printout). Its fine contrast reads 0.4-0.7 of the painted white's either way
    here: the painted white's cracks (7 of its grain's spreads) are no typical specks of it, so the
    laid cracks are held to its typical specks' range (:func:`sfumato.rig.white_grain.crackle`);
    the bench's specks and grain on the Mona Lisa are read by the tests below."""
    from sfumato.rig.white_grain import sclera_plate

    for seed in range(4):
        image, white, hole, painted, cracks, frame, lids, r, d = _crackled_eye(seed)
        inner = d < 0.9 * r
        own = fine_spread(relative(image.mean(2) / 2.55), painted)[0]
        truth = cracks[inner.any(1)][:, inner.any(0)].mean(0)
        read = []
        for canvas in (None, canvas_grain(image, frame, lids, r)):
            laid = sclera_plate(image, white, hole, np.full_like(image, 200.0), 0.5 * r, painted, canvas).mean(2)
            ratio = fine_spread(relative(laid / 2.55), inner)[0] / own
            cols = np.where(inner, laid, np.nan)[inner.any(1)][:, inner.any(0)]
            read.append((ratio, -float(np.corrcoef(np.nanmean(cols, 0), truth)[0, 1])))  # the cracks dark
        print(f"seed {seed}: blocks {read[0][0]:.2f} / cracks {read[0][1]:.2f}; canvas {read[1][0]:.2f} / cracks {read[1][1]:.2f}")
        ratio, corr = read[1]
        assert corr >= 0.7, (seed, corr)
        assert ratio <= SANDY, (seed, ratio)


def test_the_bundled_mona_lisas_white_carries_her_crackle():
    """The bundled 900 px Mona Lisa through the whole rig. Old code (6561cb1): rebuilt / painted white
    fine contrast 1.09 / 0.73 (image-left / image-right eye; the image-right eye fails), image-right
    specks dark 1.31, fine 0.87; now 1.09 / 1.06, dark 1.31, fine 0.87 (the printout)."""
    from sfumato.imaging.samples import sample
    from tests.crops import rig_of

    eng = rig_of(sample("mona_lisa"))
    check_crackled_white(eng, speck_eyes=(1,))
    check_fixed_canvas(eng)


@pytest.mark.slow
def test_the_1200px_mona_lisas_white_carries_her_crackle():
    """The 1200 px test painting, as above. Old code (6561cb1): 0.97 / 0.74 (fails), dark 0.89 / 0.93,
    fine 0.86 / 0.66; now 0.97 / 1.24, dark 0.89 / 1.05, fine 0.86 / 1.08."""
    from tests.crops import shared_rig

    eng = shared_rig("mona_lisa")
    check_crackled_white(eng)
    check_fixed_canvas(eng)
