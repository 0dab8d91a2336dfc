"""The closed lid reads closed: a soft band of lashes at its line, not a hairline, and FaceMesh
(which knows closed eyes from real faces) reads it shut.

A stranger's measures, from outside the rig: the rendered closed eye's CIE lightness across its
lash line against the painting's own upper lash line (:func:`dark_mass`), and FaceMesh's eye
opening on the rendered frames (the speech benchmark's count, ``benchmarks/bench_speech.py``,
takes an eye under 0.55 of its open opening as shut). Real MediaPipe on the Mona Lisa copy that
ships in the repo (``sfumato.imaging.samples.sample("mona_lisa")``, 900 px; the 1200 px copy in
../shared reads 1.83 / 1.36 and 0.516 on these measures). The bundled astronaut is no test here
(both measures hardly move on her small, blurred eye: the lid there is lit no lighter than
before, :func:`sfumato.rig.lid_shade.formed`). The form itself on synthetic grids:
tests/test_lid_shade.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.lids import Lids
from tests.test_closed_lid import _engine, eye_openings, head_crop_of

MIN_BAND = 1.5
"""The closed lash line carries at least this many times the dark of the painting's own upper
lash line (:func:`lash_band_ratio`: the closed lashes hang over the line, a band, not the line
alone). Read on the bundled Mona Lisa (image-left / image-right): 0.97 / 1.34 at 100ae2f (the
painted line's cross-section mirrored, a flat lid), 1.85 / 1.89 now; with the lid's form off
(:func:`sfumato.rig.lid_shade.lid_form` all 1) 1.15 / 1.89, with the lashes' band off
(:data:`sfumato.rig.blink.LASH_FRINGE` 0) 1.65 / 1.34: 1.5 lies between, so the test fails
without either. On the 1200 px copy in ../shared it reads 1.83 / 1.36 (1.20 / 0.99 at 100ae2f):
the measure is in pixels of the painting and moves with its size, so this bound is the bundled
copy's. The astronaut is no test of it (1.42 / 1.36 -> 1.60 / 1.39 at 2406d8b): the painted line over her
small eye already a broad smudge."""
SHUT = 0.55
"""The speech benchmark's blink threshold (``sfumato.speech.measure.count_blinks``)."""


def mid_lid_profiles(light: np.ndarray, e: EyeLayers, lids: Lids, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """``light`` ((h, w) float32, ``e``'s ROI) across the upper line of ``lids`` in the middle
    third of the eye (15 columns between the corners), from ``lo`` to ``hi`` opening heights
    off it (up is positive) at half pixels: (offsets (m,) pixels, profiles (15, m))."""
    h = max(e.lids.height(), 2.0)
    span = float(e.lids.u[-1] - e.lids.u[0])
    ds = np.arange(lo * h, hi * h + 0.25, 0.5)
    rows = []
    for u0 in np.linspace(e.lids.u[0] + span / 3, e.lids.u[-1] - span / 3, 15):
        v0 = float(lids.at(np.array([u0]))[0][0])
        xy = e.frame.to_xy(np.stack([np.full_like(ds, u0), v0 + ds], -1))
        x = np.clip(np.round(xy[:, 0]).astype(int), 0, light.shape[1] - 1)
        y = np.clip(np.round(xy[:, 1]).astype(int), 0, light.shape[0] - 1)
        rows.append(light[y, x])
    return ds, np.array(rows)


def dark_mass(light: np.ndarray, e: EyeLayers, lids: Lids, below: float) -> float:
    """How much dark the upper lash line of ``lids`` (in ``e``'s eye frame) carries in ``light``
    ((h, w) CIE L of ``e``'s ROI): mid-lid (:func:`mid_lid_profiles`), each column's profile
    across the line from ``below`` opening heights under it to 0.6 over it, read at half
    pixels, summed under the lid skin over it (the 80th percentile of the profile from 0.3
    opening heights over the line up), L x pixels; the median over the columns."""
    h = max(e.lids.height(), 2.0)
    ds, profiles = mid_lid_profiles(light, e, lids, -below, 0.6)
    out = []
    for prof in profiles:
        skin = float(np.percentile(prof[ds > 0.3 * h], 80))
        out.append(0.5 * float(np.clip(skin - prof, 0.0, None).sum()))
    return float(np.median(out))


def lash_band_ratio(e: EyeLayers) -> float:
    """The closed lash line's dark (:func:`dark_mass`, from 0.3 opening heights under it) over the
    painted upper lash line's (from the lid contour: under it lies the eye)."""
    shut = rgb_to_lab(render_eye(e, np.zeros(2), 1.0))[..., 0]
    painted = rgb_to_lab(e.image)[..., 0]
    return dark_mass(shut, e, e.lids.moved(0.0, 1.0), 0.3) / max(dark_mass(painted, e, e.lids, 0.0), 1.0)


@pytest.fixture(scope="module")
def mona_lisa():
    """The rig engine prepared on the bundled Mona Lisa's head crop."""
    from sfumato.imaging.samples import sample

    return _engine(head_crop_of(sample("mona_lisa")))


def test_mona_lisa_closed_lashes_are_a_band_not_a_hairline(mona_lisa):
    """The Mona Lisa's closed lash line carries at least :data:`MIN_BAND` times the dark of her
    painted upper lash line (:func:`lash_band_ratio`): the closed lashes are a soft band."""
    ratios = [lash_band_ratio(e) for e in mona_lisa.eyes]
    print("closed lash dark over the painted line's", np.round(ratios, 2))
    assert min(ratios) >= MIN_BAND, np.round(ratios, 2)


def test_mona_lisa_closed_eyes_read_shut(mona_lisa):
    """FaceMesh's opening of the Mona Lisa's closed eyes (lid gap over eye width, averaged over
    :data:`tests.test_closed_lid.WINK_JITTER` copies, over the open eye's at the same gaze; both
    eyes, gaze -10, 0, +10) is under :data:`SHUT`: the bundled copy 0.579 at 100ae2f (a flat plate
    with a hairline; the 1200 px copy 0.568, the speech benchmark counted 1-3 of its blinks in
    10 s), 0.464 now. With the lid's form off it reads 0.546, with the lashes' band off 0.507: the
    benchmark's threshold still passes each alone (the form's by 0.004); the test that fails without
    either is :data:`MIN_BAND`'s, and the form alone is tested in tests/test_lid_shade.py."""
    from sfumato.engines.base import Pose

    rel = [eye_openings(mona_lisa.render_pose(Pose(g, 0.0, 0.0, 0.0), 1.0)) / eye_openings(mona_lisa.render_pose(Pose(g, 0.0, 0.0, 0.0), 0.0))
           for g in (-10.0, 0.0, 10.0)]
    print("closed over open (gaze x eye)", np.round(rel, 3))
    assert float(np.mean(rel)) < SHUT, np.round(rel, 3)
