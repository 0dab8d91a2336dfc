"""A closed lid ends under the painted crease: the crease stays where it was painted.

A closed upper lid is the lid skin between the closed lash line and the crease; the crease and
everything above it stay (a 2-D animator's closed eye). On portrait_11 the painted lash line is
no darker than the red-brown crease over it (64 against 61, mean of RGB mid-lid), so the rig
read the crease as the lash line, its lash band reached past it, and the closed lid wiped the
crease out: a pale plate from the lash line almost to the brow (:mod:`sfumato.rig.lid_top`).

Here the astronaut (at twice its size, real FaceMesh, real rig) gets such a crease painted over
each eye: a dark line a little darker than her lash line, over a lit fold, following the lid
half an opening height over it. Read on the closed frame, the crease's own pixels keep their
painted lightness; the old rig laid its lid over them (the numbers in the test's docstring).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from sfumato.rig.eye import EyeLayers, render_eye
from sfumato.rig.iris import lightness
from sfumato.rig.lid_top import lid_top
from tests.crops import head_crop_of

CREASE_AT = 0.55
"""The painted crease's middle lies this many opening heights over the upper lid contour."""
KEPT = 4.0
"""The closed frame's crease core at most this much lighter (L) than the painted one."""


def _crease(e: EyeLayers) -> tuple[np.ndarray, np.ndarray]:
    """Where the crease is painted over one eye, in its ROI: ((h, w) float32 alpha in [0, 1],
    (h, w) bool its core), over the middle 70 % of the lid."""
    up, _ = e.lids.at(e.u)
    h, span = e.lids.height(), float(e.lids.u[-1] - e.lids.u[0])
    along = np.abs(e.u - 0.5 * float(e.lids.u[0] + e.lids.u[-1])) < 0.35 * span
    d = np.abs(e.v - up - CREASE_AT * h)
    alpha = np.clip(1.5 - d, 0.0, 1.0) * along
    return alpha.astype(np.float32), (d < 0.5) & along


@pytest.fixture(scope="module")
def creased(astronaut):
    """(the rig engine on the astronaut's head crop with a crease painted over each eye, (S, S)
    bool: the crease cores, crop pixels)."""
    img = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    crop = head_crop_of(img)
    plain = RigEngine()
    plain.prepare(crop)
    assert len(plain.eyes) == 2
    out = crop.image.astype(np.float32)
    cores = np.zeros(out.shape[:2], bool)
    for e in plain.eyes:
        alpha, core = _crease(e)
        rows, cols = e.roi
        cores[rows, cols] |= core
        light = lightness(e.image)
        up, _ = e.lids.at(e.u)
        mid = np.abs(e.u) < 0.3 * e.frame.half_width
        lash = e.image[mid & (np.abs(e.v - up) < 1.0)].reshape(-1, 3)
        dark = lash[np.argsort(lash.mean(1))[: max(1, lash.shape[0] // 4)]].mean(0) * 0.9  # a little darker than the lash line
        fold = (e.v > up + 0.15 * e.lids.height()) & (e.v < up + CREASE_AT * e.lids.height()) & (light > 0)
        lit = np.where(fold[..., None], np.minimum(e.image * 1.08, 255.0), e.image)  # a lit fold under it
        out[rows, cols] = lit * (1 - alpha[..., None]) + dark * alpha[..., None]
    eng = RigEngine()
    eng.prepare(replace(crop, image=np.clip(out, 0, 255).astype(np.uint8)))
    assert len(eng.eyes) == 2
    return eng, cores


def test_lid_top_ends_under_the_crease(creased):
    """The closed lid's top (:func:`sfumato.rig.lid_top.lid_top`) lies under the painted crease
    mid-lid, over the lash line (the old rig's band reached past the crease, the lash line's
    darkest row taken at the crease: 10.2 px over the contour, the crease at 7.2, at b41295c;
    the sheet's ``band_up`` is the crease's core since lids15b, its soft edge's scale)."""
    for e in creased[0].eyes:
        h = e.lids.height()
        assert e.sheet.top is not None  # the crease read as such (lid_top.misread_crease)
        full, line, _ = lid_top(2.55 * lightness(e.image), e.u, e.v, e.lids, max(h, 2.0))
        assert np.allclose(full - e.sheet.soft * line, e.sheet.top)
        top = float(np.median(full[np.abs(e.u) < 0.3 * e.frame.half_width]))
        assert 0.15 * h <= top <= CREASE_AT * h, (top, CREASE_AT * h)


def test_closed_lid_keeps_the_painted_crease(creased):
    """Closed (and 0.6 closed), the crease core is at most :data:`KEPT` L lighter than painted:
    the lid ends under it (4.0 is a quarter of the lid's soft edge mixed into a line 11 L dark).
    The old rig (b41295c) laid its lid over it: L 69.6 closed over the painted 11.3."""
    eng, cores = creased
    for e in eng.eyes:
        core = cores[e.roi]
        assert core.sum() >= 10
        painted = float(lightness(e.image)[core].mean())
        for blink in (1.0, 0.6):
            shut = float(lightness(render_eye(e, np.zeros(2), blink))[core].mean())
            assert shut - painted <= KEPT, (blink, shut, painted)

