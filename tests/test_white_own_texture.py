"""The rebuilt eye white takes the painted white's own fine texture (sfumato.rig.white_texture):
a small painted white beside the iris lends its own pixels, not the skin ring's grain given its
specks' values (which came out at 0.2-0.75 of its fine contrast: bench_rig's grain column failed
on 7 of 10 paintings at 7f586c6)."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.grain_match import relative, speck_ratios
from sfumato.imaging.grain import fine_spread
from sfumato.rig.white_grain import sclera_plate
from sfumato.rig.white_texture import turned


def _small_white(seed: int):
    """A synthetic eye: skin of fine white-noise grain (spread 0.015) round a small painted white
    (an opening 40 x 10 px, two slivers of about 50 px beside an iris hole of radius 8 x 1.35)
    whose grain is JPEG-like, in 2 x 2 blocks (spread 0.03): image (h, w, 3) float32 in [0, 255],
    white, hole (h, w) float32, the painted white (h, w) bool, distance to the iris centre."""
    h, w, r = 60, 120, 8.0
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    skin = 0.015 * rng.standard_normal((h, w))
    blocks = np.kron(0.03 * rng.standard_normal((h // 2, w // 2)), np.ones((2, 2)))
    opening = ((xx - 60) / 20) ** 2 + ((yy - 24) / 5) ** 2 < 1
    lum = np.where(opening, 200.0 * (1.0 + blocks), 170.0 * (1.0 + skin)).astype(np.float32)
    d = np.hypot(xx - 60, yy - 24)
    hole = (d < 1.35 * r).astype(np.float32)
    white = (opening & (hole < 0.5)).astype(np.float32)
    painted = opening & (d > 1.15 * r)
    return lum[..., None] * np.ones(3, np.float32), white, hole, painted, d, r


def _laid(seed: int):
    image, white, hole, painted, d, r = _small_white(seed)
    colour = np.full_like(image, 200.0)
    plate = sclera_plate(image, white, hole, colour, 0.5 * r, painted)
    return image, plate, painted, d < 0.9 * r


def test_a_small_painted_white_lends_its_own_texture():
    """Under the old iris the rebuilt white has the painted white's fine contrast (the grain
    measure's statistic on ln(L + 16), :func:`sfumato.face.grain_match.relative`), over 8 synthetic
    eyes (:func:`_small_white`): at least 0.7 of it on every one and 0.8 at the median, at most
    1.3; the mean is the fill's (no milky patch); no speck darker than the painted white's darkest
    (:func:`sfumato.face.grain_match.speck_ratios`: dark, fine and beyond within their limits).
    Measured 0.72-1.00, median 0.94; the code before (7f586c6: the skin ring's blocks given the
    painted white's speck values by rank) read 0.49-1.13, median 0.63."""
    ratios = []
    for seed in range(8):
        image, plate, painted, inner = _laid(seed)
        lum, laid = image.mean(2), plate.mean(2)
        got, n = fine_spread(relative(laid / 2.55), inner)
        want, m = fine_spread(relative(lum / 2.55), painted)
        assert n >= 200 and m >= 60, (n, m)
        ratios.append(got / want)
        assert abs(float(laid[inner].mean()) / 200.0 - 1.0) < 0.01, (seed, laid[inner].mean())
        specks = speck_ratios(lum, laid, inner, painted)
        assert specks.worst <= 1.0, (seed, specks)
    print("fine contrast laid / painted", np.round(ratios, 2))
    assert min(ratios) >= 0.7 and np.median(ratios) >= 0.8 and max(ratios) <= 1.3, ratios


def _largest_correlation(tex: np.ndarray, region: np.ndarray) -> float:
    """The largest correlation of ``tex`` ((h, w) float32) over ``region`` ((h, w) bool) with
    itself shifted by 4-16 px along rows and 4-8 down columns (beyond a laid block), where at
    least 100 pixels overlap."""
    worst = 0.0
    for dy in range(-8, 9):
        for dx in range(-16, 17):
            if max(abs(dx), abs(dy)) < 4:
                continue
            moved = np.roll(np.roll(tex, dy, 0), dx, 1)
            both = region & np.roll(np.roll(region, dy, 0), dx, 1)
            if both.sum() < 100:
                continue
            x, y = tex[both] - tex[both].mean(), moved[both] - moved[both].mean()
            worst = max(worst, float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum())))
    return worst


def test_the_own_texture_does_not_repeat_into_a_pattern():
    """A source of a few dozen pixels laid over the plate is drawn block by block at random,
    each turned or mirrored: the laid texture (0.9 radii of the old iris and the white round it)
    correlates with itself shifted beyond a block by at most 0.5 on every synthetic eye
    (measured 0.08 / 0.24 / 0.08 / 0.16); the same source tiled (a 4 x 4 tile repeated) reads above 0.9, so
    the check sees a pattern."""
    worst = []
    for seed in range(4):
        image, plate, painted, inner = _laid(seed)
        tex = plate.mean(2) / 200.0 - 1.0
        worst.append(_largest_correlation(tex, inner))
        tile = np.tile(tex[20:24, 52:56], (15, 30))
        assert _largest_correlation(tile, inner) > 0.9
    print("largest correlation", np.round(worst, 2))
    assert max(worst) <= 0.5, worst


def test_the_eight_turns_are_distinct():
    block = np.arange(9, dtype=np.float32).reshape(3, 3)
    seen = {turned(block, k).tobytes() for k in range(8)}
    assert len(seen) == 8


@pytest.mark.parametrize("name", ["portrait_10", "portrait_13"])
def test_the_rebuilt_white_has_the_painted_grain_on_paintings(name):
    """../shared: each painting's revealed white at -30/+30 degrees, measured from outside on the
    frames (:func:`sfumato.face.grain_match.grain_match`), within the column's target; the same
    frames with the revealed white flattened row by row under 0.3 (tests/test_white_grain.py).
    Measured portrait_10 0.74 / 0.90, portrait_13 (one eye measured) 0.90; 7f586c6 read 0.61 /
    0.60 and 0.67 (both within, narrowly: these guard). portrait_20 is held to the same target
    in tests/test_white_grain.py (7f586c6 fails it). portrait_11 is left out: it reads 0.72 /
    1.13 but its white flattened row by row reads 0.20 / 0.39 (0.07 / 0.21 at 7f586c6): the
    flattening keeps each pixel row's median, and on its short rows those medians carry the
    grain now laid; 0.39 still fails the column (0.6), but not this check's 0.3."""
    from sfumato.engines.base import Pose
    from sfumato.face.grain_match import TARGET, grain_match
    from sfumato.face.quality import face_landmarks, painted_iris_radii
    from tests.crops import shared_rig
    from tests.test_white_grain import _check_grain

    _check_grain(shared_rig(name), TARGET, grain_match, face_landmarks, painted_iris_radii, Pose)
