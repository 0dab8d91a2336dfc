"""Hold one side out: does the rig's own shade model (:meth:`sfumato.rig.orbit_shade.OrbitShade.ratio`)
predict a side's painted white from the other side's, where both sides of the iris are painted?

The rig rebuilds a side with no painted white of its own from the other side's white, dimmed by
the ratio of the skin's luminance round the two sides of the orbit (:func:`sfumato.rig.orbit_shade.orbit`,
:data:`~sfumato.rig.orbit_shade.ORBIT` half widths round the opening), and only on the side whose
orbit is the darker (the ratio is at most 1). That is the assumption
:class:`sfumato.face.revealed_white.OrbitLight` makes, which fails its hold-out and was taken out of
the bench's verdict (tests/test_orbit_light_holdout.py). Where an eye has painted white on BOTH
sides (the rig's own :func:`sfumato.rig.painted_white.painted_white_sides`, beyond 1.15 iris
radii of the iris centre, at least :data:`MIN_SIDE` pixels a side) the model can be checked the
same way: predict the darker-orbit side's white (median luminance) from the other's, and compare
with the other side's white as it is.

On the ten bench paintings (review14's check, /tmp/review14/rig_holdout.py) it does not hold:
11 sides, median |error| 10.4 L against 3.7 L as is, worse on 7, mostly too dark (portrait_02
-26.1, portrait_07 -21.4, portrait_20 -14.8). So the ratio is unsupported where it can be
checked; what keeps the Mona Lisa's image-right outer side dark is the skin cap
(:data:`~sfumato.rig.orbit_shade.DEEP`: a side in deep shade no lighter than the skin round it),
not the ratio. This test is a strict xfail: a model that passes the hold-out makes it XPASS,
which fails the suite (and then this docstring and orbit_shade's are wrong).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_orbit_light_holdout import PAINTINGS, HoldOutFailed, _judge

MIN_SIDE = 8
"""Painted white pixels a side needs to count as painted."""


def held_out(engine, name: str) -> list[tuple[str, float, float]]:
    """Each darker-orbit side of each eye of ``engine`` (a prepared
    :class:`~sfumato.engines.rig.RigEngine`) with painted white on both sides, predicted from the
    other side through :meth:`OrbitShade.ratio`: (label, prediction's error, as-is error), CIE L
    of the sides' median luminances."""
    from sfumato.imaging.lab import lightness_of, relative_luminance, rgb_to_lab
    from sfumato.rig.iris import disc
    from sfumato.rig.lids import opening
    from sfumato.rig.orbit_shade import orbit_shade
    from sfumato.rig.painted_white import painted_white_sides
    from sfumato.rig.sclera import HOLE

    out = []
    for k, e in enumerate(engine.eyes):
        lab = rgb_to_lab(e.image)
        shape = lab.shape[:2]
        c, r, u_iris = np.asarray(e.frame.to_xy(e.rest), np.float64), float(e.radius), float(e.rest[0])
        inside = opening(e.u, e.v, e.lids, e.edge)
        # the rig's own painted white (sclera.white_and_hole's candidates and sides)
        cand = (opening(e.u, e.v, e.lids, 1.5 * e.edge + 0.5) > 0.99) & (disc(shape, c, r + 1.0, 1.0) < 0.5)
        white, _, _ = painted_white_sides(e.image, cand, c, r, 0.0, e.u < u_iris, lab)
        shade = orbit_shade(lab, e.u, e.v, e.lids, inside, e.frame.half_width, u_iris, r, HOLE * r)
        sides = [white & (e.u < u_iris - 1.15 * r), white & (e.u > u_iris + 1.15 * r)]
        if min(int(s.sum()) for s in sides) < MIN_SIDE or not np.all(np.isfinite(shade.light)):
            continue
        y = relative_luminance(e.image)
        wy = [float(np.median(y[s])) for s in sides]
        for s in (0, 1):
            ratio = shade.ratio(s)
            if ratio >= 1.0:  # the rig dims only the side whose orbit is the darker
                continue
            actual, asis = (float(lightness_of(v)) for v in (wy[s], wy[1 - s]))
            out.append((f"{name} eye{k} side{s}", float(lightness_of(wy[1 - s] * ratio)) - actual, asis - actual))
    return out


def judge(rows: list[tuple[str, float, float]]) -> None:
    """The hold-out's verdict (tests/test_orbit_light_holdout.py's) for OrbitShade.ratio."""
    _judge(rows, "OrbitShade.ratio")


def test_judge_fails_a_model_worse_than_as_is_and_passes_a_better_one():
    """The verdict itself (repo-only): errors of 10 L against 4 as is fail, 2 against 4 pass."""
    with pytest.raises(HoldOutFailed):
        judge([("a", 10.0, 4.0), ("b", -12.0, 3.0), ("c", 1.0, 5.0)])
    judge([("a", 2.0, 4.0), ("b", -1.0, 3.0), ("c", 6.0, 5.0)])


@pytest.mark.xfail(strict=True, raises=HoldOutFailed,
                   reason="the orbit's skin light does not predict the other side's white: the rig's ratio is unsupported (DEEP's skin cap does the work)")
def test_orbit_shade_predicts_a_held_out_side_on_the_bench_paintings():
    from tests.conftest import TESTDATA
    from tests.crops import shared_rig

    if not (TESTDATA / "mona_lisa.jpg").is_file():
        pytest.skip(f"{TESTDATA} not present (../shared is optional)")
    rows = []
    for name in PAINTINGS:
        rows += held_out(shared_rig(name), name)
    assert len(rows) >= 8, rows  # the eyes painted on both sides are there to test
    judge(rows)
