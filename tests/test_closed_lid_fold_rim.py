"""A closed lid leaves no light rim of the painted lit fold over its top.

Over many painted eyes the lid skin folded under the brow is lit: a light band over the lash line,
a shadow (the orbit) over it. A closed lid whose soft top edge ended on that band covered its lower
half and left its upper half over the lid as a thin light line: portrait_13's two closed lids read
as pale plates with a drawn top outline. Where no crease is found the lid now reaches past such a
fold (:func:`sfumato.rig.lid_top.past_fold`), its top falling to the old band at the corners
(:func:`sfumato.rig.lid_top.fold_top`).

The measure (:func:`rim`): on the closed frame, mid-lid, the strongest light line in the rows of
the old soft top edge and a quarter of an opening height over it (how much lighter a row is than
the darkest rows both under and over it there), CIE L. Real FaceMesh, real rig: the astronaut with
a lit fold and a shadow painted over each eye (repo-only), portrait_13 (shared).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.iris import lightness
from sfumato.rig.lid_top import profile
from tests.crops import astronaut_rig, head_crop_of, shared_rig

MAX_RIM = 4.0
"""At most this light a line (L) over the closed lid's top: a step a viewer sees at a glance is
3-5 L (tests/test_lid_plate_look.py's SLACK is 3); the old rig left 8-18 L (the tests' numbers)."""


def rim(e: EyeLayers, light: np.ndarray) -> float:
    """The strongest light line (L) in ``light`` ((h, w) CIE L of the eye's ROI) mid-lid (the middle
    half), between the old soft top edge's start (the sheet's ``band_up`` less ``soft`` over the
    painted contour) and a quarter of an opening height over its end: max over rows of how much
    lighter the row is than the darkest row under it and the darkest over it, there."""
    s, h = e.sheet, e.lids.height()
    up, _ = e.lids.at(e.u)
    span = float(e.lids.u[-1] - e.lids.u[0])
    mid = np.abs(e.u - 0.5 * float(e.lids.u[0] + e.lids.u[-1])) < 0.25 * span
    rows = np.arange(s.band_up - s.soft, s.band_up + s.soft + 0.25 * h + 0.25, 0.5)
    p = profile(light, mid, e.v - up, rows)
    assert np.isfinite(p).all()
    return float(max(min(p[i] - p[: i + 1].min(), p[i] - p[i:].min()) for i in range(p.size)))


LIT, SHADE = 0.35, 0.3
"""The astronaut's painted fold is 1 + LIT times as light as her skin there, the shadow over it
an even 1 - SHADE times that skin's light (her skin lightens toward the brow: shaded by a
factor it rose again over the fold, a crease)."""


@pytest.fixture(scope="module")
def folded(astronaut) -> RigEngine:
    """The astronaut at twice the size with, over each eye mid-lid, a lit fold (:data:`LIT`,
    centred on the rig's lash band's top, as wide as its soft edge) under an even shadow
    (:data:`SHADE`, from the fold up to 1.2 opening heights: no crease, nothing rises again under
    it), both feathered along the lid."""
    crop = head_crop_of(cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    plain = astronaut_rig(2.0)  # the same crop, rigged
    assert len(plain.eyes) == 2
    out = crop.image.astype(np.float32)
    for e in plain.eyes:
        s, h = e.sheet, e.lids.height()
        up, _ = e.lids.at(e.u)
        d = e.v - up
        span = float(e.lids.u[-1] - e.lids.u[0])
        along = np.clip((0.45 * span - np.abs(e.u - 0.5 * float(e.lids.u[0] + e.lids.u[-1]))) / 3.0, 0.0, 1.0)
        fold = np.clip(1.0 - np.abs(d - s.band_up) / s.soft, 0.0, 1.0) * along
        shade = np.clip((d - s.band_up - 0.5 * s.soft) / 1.5, 0.0, 1.0) * np.clip((1.2 * h - d) / 2.0, 0.0, 1.0) * along
        base = float(np.median(e.image.mean(2)[(np.abs(d - s.band_up) < 0.5) & (along > 0.99)]))
        smooth = cv2.GaussianBlur(e.image.mean(2), (0, 0), 2.0)
        flat = (1.0 - SHADE) * base / np.maximum(smooth, 1.0)  # an even shadow over the skin's own light
        gain = (1.0 + LIT * fold) * (1.0 - shade + shade * flat)
        rows, cols = e.roi
        out[rows, cols] = e.image * gain[..., None]
    eng = RigEngine()
    eng.prepare(replace(crop, image=np.clip(out, 0, 255).astype(np.uint8)))
    assert len(eng.eyes) == 2
    return eng


def _rims(eng: RigEngine) -> list[tuple[float, float, float]]:
    """(painted, 0.6 closed, closed) :func:`rim` of each eye, image-left first."""
    out = []
    for e in sorted(eng.eyes, key=lambda e: e.roi[1].start):
        frames = (e.image, render_eye(e, np.zeros(2), 0.6), render_eye(e, np.zeros(2), 1.0))
        out.append(tuple(rim(e, lightness(x)) for x in frames))
    return out


def test_closed_lid_leaves_no_rim_of_the_lit_fold_repo_only(folded):
    """Closed and 0.6 closed, no light line of the painted fold (19.2 / 20.4 L painted) stays over
    the astronaut's lid: at c6d765f 15.8 / 18.4 L closed (16.0 / 18.6 at 0.6), 0.2 / 0.0 now."""
    rims = _rims(folded)
    print("astronaut rim (painted, 0.6, closed)", np.round(rims, 1).tolist())
    assert all(r[0] > 2.0 * MAX_RIM for r in rims)  # the fold is painted as a light line
    assert max(max(r[1:]) for r in rims) <= MAX_RIM, rims


def test_portrait_13_closed_lids_leave_no_rim():
    """portrait_13's two closed lids (their lit folds under the orbit's shadow, no crease found):
    closed and 0.6 closed no light rim over the lid (painted 16.8 / 19.5 L): at c6d765f 7.7 / 12.3 L
    closed (7.8 / 12.4 at 0.6), 1.8 / 0.5 now."""
    rims = _rims(shared_rig("portrait_13"))
    print("portrait_13 rim (painted, 0.6, closed)", np.round(rims, 1).tolist())
    assert max(max(r[1:]) for r in rims) <= MAX_RIM, rims
