"""The closed lid ends at the eye's corners with no notch, and bench_rig's *closed* measure sees one.

Past the corners no lid lies: the closed lid's plate there was the lid filled in under the
closed line's end, so where the skin beside a corner is pale (portrait_02's inner corner, L
74-85 against the lid's 50) it ended in a hard-edged notch, the pale skin under the line's end
and the lid over it (review16 MUST 2). :func:`sfumato.face.closed_lid.closed_eyes` reads it from
outside: the edge the closed lid adds past each corner over the painting's own skin detail.

A synthetic eye with pale skin beside its inner corner through the real lid plate
(:func:`sfumato.rig.blink.lid_sheet`, :func:`sfumato.rig.blink.close_lids`) and the measure on
synthetic eyes (repo only: a notch pasted past a corner must fail it, a soft change pass), and
the real bank of portrait_02 (precompute, real FaceMesh and rig) when ../shared is present.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.face.closed_lid import TARGET, closed_eyes
from sfumato.face.topology import EYES
from sfumato.imaging.lab import lightness
from sfumato.rig.blink import close_lids, lid_sheet
from sfumato.rig.corner_white import corner_reach
from tests.conftest import TESTDATA
from tests.test_lid_margin_corner import almond

SKIN, WHITE, IRIS, LASH, PALE = (170.0, 130.0, 110.0), (225.0, 220.0, 210.0), (60.0, 40.0, 35.0), (30.0, 20.0, 20.0), (235.0, 225.0, 215.0)
MAX_KEPT = 4.0
"""Past the corner the closed eye keeps the painted pale skin to within this much L on average
(a step a viewer sees at a glance is 3-5 L; main at c6d765f: 13.9, its lid over the pale)."""


def pale_cornered_eye() -> tuple:
    """A synthetic eye 80 px wide (lids 14 / 12 px from the corners' line, iris r 10, a 2.5 px
    lash line) in tan skin with pale skin beside its right corner: a band 15 px wide from the
    corners' line (rising outward, 3 px over it at the corner) down, soft-edged (sigma 1.2 px),
    which the lid's reach past that corner (:func:`sfumato.rig.corner_white.white_past_corners`)
    reads as painted white. Returns (image (110, 200, 3) float32 RGB, u, v, frame, lids, pale
    (h, w) float32 in [0, 1])."""
    h, w = 110, 200
    frame, u, v, lids, inside = almond(h, w, (90.0, 55.0))
    up, _ = lids.at(u)
    img = np.empty((h, w, 3), np.float32)
    img[:] = SKIN
    img += np.random.default_rng(1).normal(0, 2, (h, w, 1)).astype(np.float32)
    pale = cv2.GaussianBlur(((u > 39) & (u < 54) & (v < 3.0 + 0.5 * (u - 40))).astype(np.float32), (0, 0), 1.2)
    img += (np.array(PALE, np.float32) - img) * pale[..., None]
    img[inside] = WHITE
    img[(np.hypot(u, v - 1) < 10) & inside] = IRIS
    img[(v - up >= 0) & (v - up < 2.5) & (np.abs(u) < 40)] = LASH
    return img, u, v, frame, lids, pale


def test_closed_lid_keeps_pale_skin_past_the_corner_repo_only():
    """The synthetic eye closed: past its right corner (beyond the corner's soft width, within the
    lid's reach there), over the corners' line, the pale skin stays as painted (mean |dL| at most
    :data:`MAX_KEPT`; 2.6 now, main at c6d765f 13.9: the lid's plate filled in over it, the
    pale skin under the line's end, a notch)."""
    img, u, v, frame, lids, pale = pale_cornered_eye()
    sheet = lid_sheet(img, u, v, lids, frame, 10.0)
    closed = close_lids(img, sheet, u, v, frame, lids, lids.moved(0.0, 1.0), lids.height(), 1.0)
    cs = corner_reach(frame)[1]
    assert sheet.reach[1] > 40.0 * 0.25  # the pale band reads as white past the corner: the lid reaches over it
    past = (u > 40 + cs) & (u < 40 + sheet.reach[1]) & (v > 0) & (pale > 0.5)
    assert past.sum() >= 30
    kept = float(np.abs(lightness(closed) - lightness(img))[past].mean())
    assert kept <= MAX_KEPT, kept


CORNERS = {0: (100.0, 140.0), 1: (200.0, 240.0)}
"""The synthetic eyes' corners (x of the outer and inner one), on the line y = 100."""


def synthetic() -> tuple[np.ndarray, np.ndarray]:
    """A painted skin (300 x 340, L ramp and a little noise) with two eyes' landmarks placed on
    it: (H, W, 3) uint8 RGB, (478, 2) float64 (only :data:`EYES`' points are set)."""
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:300, 0:340].astype(np.float32)
    skin = 150 + 0.1 * xx + rng.normal(0, 2.0, (300, 340)).astype(np.float32)
    image = np.clip(np.stack([skin + 30, skin, skin - 25], -1), 0, 255).astype(np.uint8)
    lm = np.zeros((478, 2))
    for k, eye in enumerate(EYES):
        a, b = CORNERS[k]
        for n, i in enumerate(eye.contour):  # an ellipse through the corners
            ang = 2 * np.pi * n / len(eye.contour)
            lm[i] = (0.5 * (a + b) + 0.5 * (b - a) * np.cos(ang), 100 + 8 * np.sin(ang))
        lm[eye.corners[0]], lm[eye.corners[1]] = (a, 100.0), (b, 100.0)
    return image, lm


def lid(image: np.ndarray, a: float, b: float, past: float, soft: float) -> np.ndarray:
    """``image`` with a darker closed lid (25 L of RGB) over the eye between corners ``a`` and
    ``b``, its top 12 px over the line y = 100, reaching ``past`` px past corner ``b`` with
    edges ``soft`` px wide (1: a pasted plate)."""
    yy, xx = np.mgrid[0:image.shape[0], 0:image.shape[1]].astype(np.float32)
    w = np.clip((xx - a) / soft, 0, 1) * np.clip((b + past - xx) / soft, 0, 1)
    w *= np.clip((100.5 - yy) / soft, 0, 1) * np.clip((yy - 88) / soft, 0, 1)
    return np.clip(image - 25 * w[..., None], 0, 255).astype(np.uint8)


def test_closed_measure_reads_a_notch_past_a_corner_repo_only():
    """A lid pasted hard-edged 6 px past the inner corner reads over the corner target; the same
    lid ending at the corner with soft edges (8 px) reads under it, and the painting against
    itself reads nothing."""
    image, lm = synthetic()
    a, b = CORNERS[0]
    hard = closed_eyes(image, lid(image, a, b, 6.0, 1.0), lm)[0].corner
    soft = closed_eyes(image, lid(image, a, b, 0.0, 8.0), lm)[0].corner
    same = closed_eyes(image, image, lm)[0]
    assert hard > TARGET["corner"] > soft, (hard, soft)
    assert same.corner == 0.0 and np.isnan(same.outline)  # nothing changed: no outline to read


@pytest.mark.skipif(not (TESTDATA / "portrait_02.jpg").is_file(), reason="../shared is optional")
def test_portrait_02_inner_corner_has_no_notch(tmp_path):
    """portrait_02's bank (built now) closed: no eye's corner over the target (its image-left
    inner corner read 1.13 on the session's baseline bank, built by c6d765f's code)."""
    from precompute.cli import main as precompute
    from sfumato.bank.format import load_bank
    from sfumato.face.closed_lid import bank_closed
    from sfumato.face.quality import face_landmarks

    out = tmp_path / "p02"
    assert precompute([str(TESTDATA / "portrait_02.jpg"), "--out", str(out), "--force", "--quiet"]) == 0
    bank = load_bank(out, verify=False)
    eyes = bank_closed(bank, face_landmarks(bank.painting, near=bank.crop))
    assert len(eyes) == 2
    assert max(e.corner for e in eyes) <= TARGET["corner"], [round(e.corner, 2) for e in eyes]
