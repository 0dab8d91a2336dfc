"""A painted liner's wing past the outer corner stays when the eye closes (nothing cut).

Real MediaPipe and the real rig on the bundled astronaut with a black liner wing drawn on, and
portrait_03's painted wings when ../shared is present.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.engines.rig import RigEngine
from tests.conftest import TESTDATA
from tests.crops import head_crop_of
from tests.test_closed_lid import _engine, _liner_left, dark_kept

WING = 0.4
"""The drawn wing runs this many eye half-widths past the outer corner."""


def _wing_kept(eng: RigEngine, dark: float) -> list[float]:
    """Per eye: pixels darker than ``dark`` (L) past the outer corner (0.02 to :data:`WING` eye
    half-widths past it, from a fifth of the opening under the corners' line to the lid band
    plus half the distance past the corner over it), with the eye closed over with it open.
    ``u`` runs toward image right: the sitter's right eye (image left, the first) has its outer
    corner at its smallest ``u``."""
    out = []
    for e, outer, sign in zip(eng.eyes, (0, -1), (-1.0, 1.0)):
        d = sign * (e.u - e.lids.u[outer])
        h = e.v - e.lids.upper[outer]
        hw = e.frame.half_width
        box = (d > 0.02 * hw) & (d < WING * hw) & (h > -0.2 * e.lids.height()) & (h < e.sheet.band_up + 0.5 * d)
        out.append(dark_kept(e, box, dark))
    return out


@pytest.fixture(scope="module")
def winged(astronaut) -> RigEngine:
    """The astronaut at twice the size (eyes about 18 px half-wide: a wing of a few pixels is
    no wing) with black liner along each upper lid running on past the outer corner as a wing,
    rising at half the distance past the corner (as on portrait_03)."""
    crop = head_crop_of(cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    eng = _engine(crop)
    img = crop.image.copy()
    for e, outer, sign in zip(eng.eyes, (0, -1), (-1.0, 1.0)):
        u = np.linspace(e.lids.u[0], e.lids.u[-1], 40)
        past = np.linspace(0.0, WING * e.frame.half_width, 12)[1:]
        up = np.interp(u, e.lids.u, e.lids.upper) + 0.6
        u = np.concatenate([u, e.lids.u[outer] + sign * past])
        up = np.concatenate([up, e.lids.upper[outer] + 0.6 + 0.5 * past])
        xy = e.frame.to_xy(np.stack([u, up], -1)) + [e.x0, e.y0]
        order = np.argsort(xy[:, 0])
        cv2.polylines(img, [np.round(xy[order]).astype(np.int32)], False, (20, 15, 15), 2, cv2.LINE_AA)
    return _engine(crop, img)


def test_liner_wing_stays_when_the_eye_closes(winged):
    """The wing past the outer corner stays whole: at least 0.95 of its dark pixels remain with
    the eye closed (the old lid plate reached past the corner over it and cut it: 0.87 and 0.79 left; 1.0 and
    1.0 now)."""
    kept = _wing_kept(winged, 30.0)
    assert min(kept) >= 0.95, kept


def test_liner_wing_leaves_the_inner_corner_to_the_lid(winged):
    """With a wing at the outer corner, the liner at the inner corner still goes with the lid."""
    left = _liner_left(winged, 30.0)
    assert max(left) <= 0.15, left


def test_portrait_03_liner_wings_stay():
    """portrait_03's painted wings stay when its eyes close (old: 0.77 and 0.78 of their dark
    pixels left, the image-left wing cut off where the lid plate ended; 1.0 and 1.0 now)."""
    from sfumato.imaging.painting import load_painting

    path = TESTDATA / "portrait_03.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    kept = _wing_kept(_engine(head_crop_of(load_painting(path))), 35.0)
    assert min(kept) >= 0.97, kept
