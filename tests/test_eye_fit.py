"""One fit of the painted eye for the rig and for the revealed-white measure
(:mod:`sfumato.rig.eye_fit`).

The measure compares each revealed pixel with the painted white beside "the old iris" between
"the lids": the ones the rig fitted to the painting's pixels. It used to fit them again with a
copy of the rig's code (bit-identical results on the astronaut and the 11 shared paintings, so
the first test passes on that code too: it guards against the two drifting apart again).
Repo only: the astronaut's head crop and a synthetic painted eye.
"""

from __future__ import annotations

import numpy as np

from sfumato.face.topology import EYES


def test_the_measure_sees_the_eye_the_rig_fitted(ast_crop):
    """Given the rig's crop and landmarks, :func:`painted_eye` is the rig's eye to the bit: its
    contour the rig's lids (a corner, the upper lid, the other corner, the lower lid back), its
    iris the rig's centre and radius."""
    from sfumato.face.revealed_white import painted_eye
    from sfumato.rig.rig import extract_rig

    rig = extract_rig(ast_crop.image, ast_crop.landmarks)
    assert len(rig.eyes) == 2, rig.eyes_off
    for eye, er in zip(EYES, rig.eyes):
        pe = painted_eye(ast_crop.image, np.asarray(ast_crop.landmarks, np.float64), eye)
        upper, lower = np.asarray(er.upper), np.asarray(er.lower)
        np.testing.assert_array_equal(pe.contour, np.concatenate([upper, lower[::-1][1:-1]]))
        np.testing.assert_array_equal(pe.centre, er.iris.centre)
        assert pe.radius == er.iris.radius


def test_the_measure_fits_the_painted_opening_not_facemesh():
    """On a synthetic painted eye whose FaceMesh-like lids lie 3 px inside the painted opening
    (tests/test_lid_fit.py), the measure's painted eye has the painted upper lid within a pixel
    beside the iris and the painted iris' centre within half a pixel."""
    from sfumato.face.revealed_white import painted_eye
    from tests.test_lid_fit import CENTRES, R, beside_iris, painted_eyes, painted_upper, synthetic_landmarks

    img, lm = painted_eyes(), synthetic_landmarks(3.0)
    for eye, (cx, cy) in zip(EYES, CENTRES):
        pe = painted_eye(img, lm, eye)
        k = len(eye.contour) // 2
        up = pe.contour[: k + 1]
        sel = beside_iris(up, cx)
        mesh = lm[list(eye.contour), :2][: k + 1]
        assert np.abs(mesh[sel, 1] - painted_upper(mesh[sel, 0], cx, cy)).mean() > 2.0  # FaceMesh's guess is off
        assert np.abs(up[sel, 1] - painted_upper(up[sel, 0], cx, cy)).mean() < 1.0
        assert np.hypot(*(pe.centre - (cx - 0.5, cy - 2.5))) < 0.5, pe.centre  # drawn at pixel centres (+0.5)
        assert abs(pe.radius - R) < 1.0, pe.radius
