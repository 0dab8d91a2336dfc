"""The closed lashes shade into the skin in the painting's own colours, not grey.

Where the closed lash line's soft fringe is drawn over the closed lid (the lashes hanging under
the closed line, a dark line faded into the lit skin), its colours turn to the painted line's
and lid's at the same lightness (:func:`sfumato.rig.blink.draw_lash`). Those were read from the
painted line and the lid over it alone: a lid in shadow (portrait_20's image-left, its fold under
black hair, nothing lighter than L 27) gave a palette that held its darkest colours up to the
lit skin under the closed line, and the fringe there turned grey (looked at: a grey patch under
the closed line).

A stranger's measure on the rendered closed eye (real FaceMesh, real rig), :func:`fringe_grey`:
how much less chroma the fringe under the closed line has than a dark line fading into the skin
passes through (from the painted line's chroma to the skin's under it, by lightness).
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.imaging.lab import rgb_to_lab
from sfumato.rig import eye as eye_mod
from sfumato.rig.eye import EyeLayers, render_eye
from tests.conftest import TESTDATA
from tests.crops import head_crop_of
from tests.test_closed_lid import _engine
from tests.test_closed_lid_form import mid_lid_profiles

ADDS = (4.0, 40.0)
"""The fringe: where the lash line darkens the closed eye by this much CIE L (its soft part)."""
MAX_GREY = 3.0
"""The fringe is at most this much greyer (CIE chroma, :func:`fringe_grey`). Read (image-left /
image-right eye) at 4790ae9 -> with the closed lid's colours round the closed line in the
lashes' palette (:data:`sfumato.rig.lid_plate.LASH_SKIN`): portrait_20 3.78 / 0.95 -> 0.37 / -1.56,
portrait_11 3.00 / 0.52 -> 1.74 / 0.21, the Mona Lisa 0.96 / 0.30 -> 0.39 / 0.83, the astronaut
0.00 / 0.36 -> 2.57 / 0.36 (her fringe a little redder, less olive; looked at), portrait_07
-4.65 / -6.11 -> -5.49 / -6.11. Chosen between portrait_20's old 3.78 and the largest new 2.57;
no held-out set."""


def painted_line(e: EyeLayers) -> np.ndarray:
    """The painting's upper lash line's colour: (3,) CIE Lab, the median over mid-lid columns
    of each column's darkest pixel across the lid contour (from 0.3 opening heights under it
    to 0.6 over it)."""
    lab = rgb_to_lab(e.image)
    planes = [mid_lid_profiles(lab[..., k], e, e.lids, -0.3, 0.6)[1] for k in range(3)]
    i = np.argmin(planes[0], 1)
    return np.median(np.stack([p[np.arange(p.shape[0]), i] for p in planes], -1), 0)


def fringe_grey(e: EyeLayers, monkeypatch: pytest.MonkeyPatch) -> float:
    """How much less chroma (CIE) the closed lashes' fringe under the closed line has than a
    dark line fading into the skin passes through: at each fringe pixel (mid-lid, under the
    closed line, the lash line darkening it by :data:`ADDS`) the chroma on the way from the
    painted line's (:func:`painted_line`) to the skin's under it (the same render with no lash
    line drawn), interpolated by lightness, less the pixel's own; the median (0 with none)."""
    shut = rgb_to_lab(render_eye(e, np.zeros(2), 1.0))
    with monkeypatch.context() as m:
        m.setattr(eye_mod, "lash_line", lambda u, v, *a: np.zeros(u.shape, np.float32))
        bare = rgb_to_lab(render_eye(e, np.zeros(2), 1.0))
    closed = e.lids.moved(0.0, 1.0)
    prof = []
    for img in (shut, bare):
        for k in range(3):
            ds, p = mid_lid_profiles(img[..., k], e, closed, -1.0, 0.0)
            prof.append(p)
    s_l, s_a, s_b, b_l, b_a, b_b = prof
    line = painted_line(e)
    c_line = float(np.hypot(line[1], line[2]))
    added = b_l - s_l
    sel = (added >= ADDS[0]) & (added <= ADDS[1]) & (ds[None, :] < 0) & (b_l > line[0] + 1.0)
    if not sel.any():
        return 0.0
    t = np.clip((s_l[sel] - line[0]) / (b_l[sel] - line[0]), 0.0, 1.0)
    expected = c_line + t * (np.hypot(b_a[sel], b_b[sel]) - c_line)
    return float(np.median(expected - np.hypot(s_a[sel], s_b[sel])))


@pytest.mark.parametrize("name", ["portrait_20", "portrait_11", "mona_lisa"])
def test_closed_lashes_are_not_grey(name, monkeypatch):
    """portrait_20's image-left closed lashes (3.78 at 4790ae9: a grey patch under the line),
    portrait_11's and the Mona Lisa's are no greyer than :data:`MAX_GREY`."""
    from sfumato.imaging.painting import load_painting

    path = TESTDATA / f"{name}.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    eng = _engine(head_crop_of(load_painting(path)))
    greys = [fringe_grey(e, monkeypatch) for e in eng.eyes]
    print(name, "fringe greyer than a line fading into the skin", np.round(greys, 2))
    assert max(greys) <= MAX_GREY, np.round(greys, 2)


def test_astronaut_closed_lashes_are_not_grey(monkeypatch):
    """The astronaut's closed lashes are no greyer than :data:`MAX_GREY` (repo only; a guard,
    not the bug: her lid is lit over the line, 0.00 / 0.36 at 4790ae9)."""
    from skimage import data

    greys = [fringe_grey(e, monkeypatch) for e in _engine(head_crop_of(data.astronaut())).eyes]
    print("astronaut fringe chroma short", np.round(greys, 2))
    assert max(greys) <= MAX_GREY, np.round(greys, 2)
