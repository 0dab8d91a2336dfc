"""The white measures' painted white on an eye painted with two whites (sfumato.face.painted_reference.
painted_white_paints): a side of the iris whose own colour model is another paint is that side's
own white, not the both-sides model's, which takes the liner of a grey white's hue as that white
in shade (below the model any darker pixel of its hue counts, down to FLOOR).

portrait_03's image-right eye (a beige inner corner, a grey outer white, a grey liner wing): the
revealed white's reference on the grey side held 121 pixels, half of them liner (median 41.7 L
where the light grey reads 56-57), and bench_rig read the rebuilt grey +6.4 L (FAIL) on the
banks of main at 919d3a1; with the grey side's own white (61 pixels, median 52.4) -2.6.
Repo only: a synthetic eye through :func:`sfumato.face.white_match.white_match`, its rebuilt white
as painted and degraded (milky, liner-dark); on ../shared: portrait_03's painted reference."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.topology import EYES
from sfumato.face.white_match import white_match
from sfumato.imaging.lab import lab_to_rgb

R = 8.0
BEIGE = (74.0, 8.0, 13.0)  # the inner white, left of the iris (Lab)
GREY = (67.0, 5.0, 5.0)  # the outer white, right of the iris: another paint, a little darker
LINER = (37.0, 5.0, 5.0)  # the liner wing beyond it, of the grey's hue, far darker
SKIN = (72.0, 14.0, 22.0)
IRIS = (22.0, 6.0, 8.0)
WING = 1.45  # the liner from here out (radii from the old iris): most of the grey side beside it, as on portrait_03


def two_paints(move: float, rebuilt: str | tuple[float, float, float] = "painted"):
    """Two eyes, each a beige white left of the iris and a grey white right of it, the grey's
    outer part a liner wing of its hue (beyond :data:`WING` iris radii from the old iris). With ``move``
    < 0 a frame whose irises moved left, the white where each was rebuilt: ``"painted"`` each
    side's own white, or a Lab colour right of the old centre. (H, W, 3) uint8 RGB, (478, 2)
    landmarks."""
    h, w, hh = 100, 260, 13.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lm = np.zeros((478, 2), np.float64)
    lab = np.empty((h, w, 3), np.float32)
    lab[:] = SKIN
    for e, cx in zip(EYES, (70.0, 190.0)):
        t = np.linspace(0, 2 * np.pi, len(e.contour), endpoint=False)
        lm[list(e.contour)] = np.stack([cx + 34 * np.cos(t), 50 - hh * np.sin(t)], 1)
        inside = ((xx - cx) / 34) ** 2 + ((yy - 50) / hh) ** 2 < 1
        lab[inside & (xx < cx)] = BEIGE
        lab[inside & (xx >= cx)] = GREY
        lab[inside & (xx >= cx + WING * R)] = LINER
        old, c = np.array([cx, 50.0]), np.array([cx + move, 50.0])
        if move and rebuilt != "painted":
            lab[inside & (np.hypot(xx - old[0], yy - old[1]) < 1.25 * R) & (xx >= cx)] = rebuilt
        lab[inside & (np.hypot(xx - c[0], yy - c[1]) < R)] = IRIS
        lm[e.iris[0]] = c
        lm[list(e.iris[1:])] = c + R * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])
    img = lab_to_rgb(lab).astype(np.float32) + np.random.default_rng(5).normal(0, 1.5, (h, w, 3)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), lm


def test_a_grey_white_is_measured_against_itself_not_its_liner():
    """The grey rebuilt as painted reads -0.0 L (old reference, the grey and its liner: +29.4, a
    FAIL); a plate lighter than the grey by 12 L reads +11.7 (old +41.4), one as dark as the
    liner's soft edge (50 L) -16.9 (old +12.3: lighter than a reference that was mostly liner)."""
    painting, plm = two_paints(0.0)
    frame, flm = two_paints(-14.0)
    m = white_match(painting, frame, plm, flm, (R, R))
    print("painted", m)
    assert np.isfinite(m.revealed_dl) and m.revealed_other < 0.2 * m.revealed_n, m
    assert abs(m.revealed_dl) < 3.0, m
    milky, mlm = two_paints(-14.0, (GREY[0] + 12.0, *GREY[1:]))
    m = white_match(painting, milky, plm, mlm, (R, R))
    print("milky", m)
    assert m.revealed_dl > 6.0, m
    dark, dlm = two_paints(-14.0, (50.0, *GREY[1:]))
    m = white_match(painting, dark, plm, dlm, (R, R))
    print("liner-dark", m)
    assert m.revealed_dl < -6.0, m


def test_one_paint_eyes_keep_the_both_sides_white(monkeypatch):
    """An eye of one paint (:func:`two_paints` with the beige both sides and no liner, its noise
    kept: the sides' models spread as a painting's do) takes exactly :func:`painted_white`'s white."""
    import tests.test_two_paint_reference as case
    from sfumato.face.painted_reference import painted_white_paints
    from sfumato.rig.painted_white import painted_white

    painting, _ = two_paints(0.0)
    rgb = painting.astype(np.float32)
    yy, xx = np.mgrid[0 : painting.shape[0], 0 : painting.shape[1]]
    c = np.array([70.0, 50.0])
    contour = ((xx - c[0]) / 34) ** 2 + ((yy - 50) / 13.0) ** 2 < 1
    sides = xx < c[0]
    with monkeypatch.context() as m:
        m.setattr(case, "GREY", BEIGE)
        m.setattr(case, "WING", 99.0)  # no liner
        one = case.two_paints(0.0)[0].astype(np.float32)
    assert (painted_white_paints(one, contour, c, R, sides) == painted_white(one, contour, c, R, 0.0)).all()
    two = painted_white_paints(rgb, contour, c, R, sides)
    old = painted_white(rgb, contour, c, R, 0.0)
    liner = contour & (xx >= c[0] + WING * R)
    assert (old & liner).sum() > 50 and not (two & liner).any(), ((old & liner).sum(), (two & liner).sum())


def test_portrait_03_grey_reference_is_its_white_not_its_liner():
    """portrait_03's image-right eye, the revealed white's reference on its grey outer side: its
    median within 6 L of that side's grey white, read two ways: the colour model sampled from that
    side's lightest, least coloured pixels beside the iris (:func:`white_model`, 56.3 L: the same
    model the reference is grown from, so partly circular, review14 S4), and a number that uses no
    colour model: the median of the lighter half of that side's opening (shrunk off the lid lines
    as the measure's, 1.15-2.3 iris radii from the iris centre along the eye, where the reference
    is taken; its darker half is the liner): 48.7 L. Old reference (one model for both sides):
    41.7 L over 121 pixels, half of them liner (7.0 under the lighter half: fails); now 52.4 over 61
    (3.7 over it)."""
    import cv2

    from sfumato.face.lid_bands import between_lids
    from sfumato.face.quality import face_landmarks, shrunk_contour
    from sfumato.face.revealed_white import painted_eyes, side_reference
    from sfumato.face.topology import EYES
    from sfumato.imaging.lab import rgb_to_lab
    from sfumato.imaging.resize import points_box
    from sfumato.rig.painted_white import white_model
    from tests.conftest import TESTDATA

    path = TESTDATA / "portrait_03.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present (../shared is optional)")
    img = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    lm = face_landmarks(img)
    assert lm is not None
    lab, eyes = rgb_to_lab(img), painted_eyes(img, lm)
    k = 1  # image-right
    pe = eyes[k]
    x0, y0, x1, y1 = points_box(pe.contour, 3 * pe.radius, img.shape[1], img.shape[0])
    here = lab[y0:y1, x0:x1]
    s = side_reference(img, here, here, pe, k, lm, (x0, y0), np.zeros(2), 0.0, 0.15)
    outer = ~s.left  # image-right of the old iris: the grey white and its liner wing
    opening = shrunk_contour(here.shape[:2], pe.contour - [x0, y0])
    grey = white_model(here, opening & outer, pe.centre - [x0, y0], pe.radius)
    assert grey is not None
    ref = s.reference & outer
    med, own = float(np.median(here[ref][:, 0])), float(grey[0].lab[0])
    print(f"grey side reference: {ref.sum()} px, median {med:.1f} L; its own white model {own:.1f} L")
    # no colour model: the lighter half of the grey side where the reference is taken
    h, w = here.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dp = np.hypot(xx + x0 - pe.centre[0], yy + y0 - pe.centre[1])
    _, u, _ = between_lids(lm, EYES[k], xx + x0, yy + y0, pe.contour)
    uc = float(between_lids(lm, EYES[k], np.float32(pe.centre[0]), np.float32(pe.centre[1]), pe.contour)[1])
    side = shrunk_contour((h, w), pe.contour - [x0, y0], 0.15) & outer & (dp > 1.15 * pe.radius) & (np.abs(u - uc) < 2.3 * pe.radius)
    light = here[side][:, 0]
    lighter = float(np.median(light[light >= np.median(light)]))
    print(f"the lighter half of that side's opening: {lighter:.1f} L over {side.sum()} px")
    assert ref.sum() >= 30, ref.sum()
    assert abs(med - own) < 6.0, (med, own)
    assert abs(med - lighter) < 6.0, (med, lighter)
