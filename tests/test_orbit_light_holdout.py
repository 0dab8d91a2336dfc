"""Hold one side out: does :class:`sfumato.face.revealed_white.OrbitLight` predict a side's painted
white from the other side's where both sides of the iris are painted?

The revealed white on a side with no painted white of its own can only be compared with the
other side's white; OrbitLight takes that white through the ratio of the skin's luminance round
the two sides (its model: the white and the skin round it take the same light). Where an eye has
painted white on BOTH sides the model can be checked: predict each side's white (the median
luminance of :func:`sfumato.face.revealed_white.side_reference`'s reference pixels on that side,
not banded) from the other side's, and compare with the other side's white as it is (the
reference before session 13). The model has to beat "as it is" to be worth a verdict.

On the ten bench paintings (../shared, 16 such eyes, 32 sides) it does not: the prediction is
worse than as-is on 22 of 32 sides, median |error| 11.2 L against 5.7 L (with the reference
before 6fcfbf4's per-paint white, review13's check, 14.1 against 7.8: the same verdict, 22 of 32 worse; worst portrait_20 image-right eye +77 L, portrait_07 image-left +73 L: skin over
hair, a cheek of another paint). So bench_rig / white_match decide revealed dL and dE only on
pixels with their own side's painted white and report the other pixels' residual through
OrbitLight in a column of their own, not a verdict (``WhiteMatch.other_dl``). That test is a
strict xfail: a model that passes it makes it XPASS, which fails the suite, and may then be given
back the verdict.

The repo-only form is the astronaut enlarged twice (a photograph: one real light on one face, not
a synthetic eye whose white and skin are shaded by one number, which would be circular). There
the model holds (4 sides: median |error| 3.7 L against 9.3 L as is, worse on none): the skin's
light predicts the white's under a real light, not the painters'. It passes, and fails if the
skin ring or the light ratio breaks (the ratio inverted: 15.4 L against 9.3, worse on all 4).
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.quality import steady_landmarks
from sfumato.face.revealed_white import painted_eyes, side_reference
from sfumato.imaging.lab import lightness_of, relative_luminance, rgb_to_lab

PAINTINGS = ("mona_lisa", "portrait_02", "portrait_03", "portrait_07", "portrait_10", "portrait_11", "portrait_13",
             "portrait_14", "portrait_17", "portrait_20")
MIN_SIDE = 8
"""Reference pixels a side needs to count as painted (``OrbitLight``'s ``MIN_SKIN``)."""


def held_out(image: np.ndarray, name: str) -> list[tuple[str, float, float]]:
    """Each side of each eye with painted white on both sides, predicted from the other side:
    (label, prediction's error, as-is error), CIE L of the sides' median luminances.

    Args:
        image: (H, W, 3) uint8 RGB, a painting with one face.
    """
    lm = steady_landmarks(image, samples=3)
    assert lm is not None, name
    out = []
    for k, pe in enumerate(painted_eyes(image, lm)):
        r = pe.radius
        x0, y0 = np.floor(pe.contour.min(0) - 2.5 * r).astype(int).clip(0)
        x1, y1 = np.ceil(pe.contour.max(0) + 2.5 * r).astype(int)
        roi = image[y0:y1, x0:x1]
        lab = rgb_to_lab(roi)
        # no frame: nothing revealed, only the reference, the sides and the light are wanted
        side = side_reference(image, lab, lab, pe, k, lm, (int(x0), int(y0)), np.zeros(2), 1e9, 0.15)
        y = relative_luminance(roi)
        white = [y[side.reference & (side.left == bool(s))] for s in (0, 1)]
        skin = side.light.skin
        if min(len(w) for w in white) < MIN_SIDE or not np.all(np.isfinite(skin)):
            continue
        wy = [float(np.median(w)) for w in white]
        for s in (0, 1):
            pred = wy[1 - s] * skin[s] / skin[1 - s]
            actual, asis = (float(lightness_of(v)) for v in (wy[s], wy[1 - s]))
            out.append((f"{name} eye{k} side{s}", float(lightness_of(pred)) - actual, asis - actual))
    return out


class HoldOutFailed(AssertionError):
    """The model's prediction is no better than the other side's white as it is."""


def _judge(rows: list[tuple[str, float, float]], name: str = "OrbitLight") -> None:
    """Raise :class:`HoldOutFailed` unless the model ``name``'s median |error| beats as-is's and it
    is worse on at most half the sides (rows: label, model's error, as-is error)."""
    for label, model, asis in rows:
        print(f"{label}: {name} {model:+.1f} L, as is {asis:+.1f} L")
    model = np.abs([m for _, m, _ in rows])
    asis = np.abs([a for _, _, a in rows])
    print(f"{len(rows)} sides: median |error| {name} {np.median(model):.1f} L, as is {np.median(asis):.1f} L; "
          f"{name} worse on {(model > asis).sum()}")
    if not (np.median(model) < np.median(asis) and (model > asis).sum() <= len(rows) // 2):
        raise HoldOutFailed(f"{name} fails the hold-out")


@pytest.mark.xfail(strict=True, raises=HoldOutFailed,
                   reason="the skin ring's light does not predict the other side's white: OrbitLight does not gate the verdict")
def test_orbit_light_predicts_a_held_out_side_on_the_bench_paintings():
    from sfumato.imaging.painting import load_painting
    from tests.conftest import TESTDATA

    if not (TESTDATA / "mona_lisa.jpg").is_file():
        pytest.skip(f"{TESTDATA} not present (../shared is optional)")
    rows = []
    for name in PAINTINGS:
        rows += held_out(load_painting(TESTDATA / f"{name}.jpg"), name)
    assert len(rows) >= 20, rows  # the eyes painted on both sides are there to test
    _judge(rows)


def test_orbit_light_predicts_a_held_out_side_on_a_photograph(astronaut):
    import cv2

    rows = held_out(cv2.resize(astronaut, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC), "astronaut")
    assert len(rows) >= 2, rows
    _judge(rows)
