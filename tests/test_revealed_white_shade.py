"""The revealed white on a side of the old iris with no painted white of its own is compared
with the other side's white in THIS side's light (sfumato.face.revealed_white.OrbitLight: the
other side's white times the skin round this side over the skin round the other side, linear RGB).

Before session 13 it was compared with the other side's lit white as it is: a white rebuilt in
the shade of its own corner read as an error however right it looked (the Mona Lisa -21 L at
-30 degrees), and a milky plate as light as the lit white there read as right. Repo only: a
synthetic eye through :func:`sfumato.face.white_match.white_match`; on ../shared: the Mona Lisa's
rig frame, as the rig renders it and degraded (milky, flat grey, the old iris left).

Since review13 these pixels are reported in ``WhiteMatch.other_dl`` / ``other_dab``, not in the
verdict ``revealed_dl`` / ``revealed_dab``: OrbitLight's model (the white and the skin round it
take the same light) fails its hold-out on the bench paintings (tests/test_orbit_light_holdout.py)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.face.topology import EYES
from sfumato.face.white_match import white_match
from sfumato.imaging.lab import lab_to_rgb, linear_to_srgb as _srgb, rgb_to_lab, srgb_to_linear as _lin

R = 8.0
WHITE = 230.0  # grey level of the lit white, left of the iris
SKIN = np.array([200.0, 150.0, 120.0])  # the lit skin, left of the iris
SHADE = 0.4  # the light right of the iris, a share of the light left of it (linear)


def corner_in_shade(move: float, rebuilt: str = "shaded"):
    """Two eyes lit from the image-left: left of the iris a lit white, right of it no white (the
    shaded skin runs into the corner), the skin round the eye lit on the left and in shade
    (:data:`SHADE`) on the right. With ``move`` < 0 a frame whose irises moved left, the white
    where each was rebuilt: ``"shaded"`` the lit white in the right side's light right of the
    old centre (the lit white left of it), ``"milky"`` the lit white throughout.
    (H, W, 3) uint8 RGB, (478, 2) landmarks."""
    h, w, hh = 100, 260, 13.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lm = np.zeros((478, 2), np.float64)
    img = np.zeros((h, w, 3), np.float32)
    for e, cx in zip(EYES, (70.0, 190.0)):
        half = np.abs(xx - cx) < 60
        right = half & (xx >= cx)
        img[half & ~right] = SKIN
        img[right] = _srgb(_lin(SKIN) * SHADE)
        t = np.linspace(0, 2 * np.pi, len(e.contour), endpoint=False)
        lm[list(e.contour)] = np.stack([cx + 34 * np.cos(t), 50 - hh * np.sin(t)], 1)
        inside = ((xx - cx) / 34) ** 2 + ((yy - 50) / hh) ** 2 < 1
        img[inside & (xx < cx)] = WHITE
        old, c = np.array([cx, 50.0]), np.array([cx + move, 50.0])
        hole = inside & (np.hypot(xx - old[0], yy - old[1]) < 1.25 * R)
        if move:
            shaded = _srgb(_lin(np.full(3, WHITE)) * SHADE) if rebuilt == "shaded" else np.full(3, WHITE)
            img[hole & (xx < cx)] = WHITE
            img[hole & (xx >= cx)] = shaded
        img[inside & (np.hypot(xx - c[0], yy - c[1]) < R)] = (60.0, 45.0, 40.0)
        lm[e.iris[0]] = c
        lm[list(e.iris[1:])] = c + R * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])
    img += np.random.default_rng(5).normal(0, 1.5, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), lm


def test_a_white_in_its_own_sides_shade_reads_right_and_a_milky_one_wrong():
    """The pixels with no painted white on their side (right of the old iris) are read through
    OrbitLight in ``other_dl``, not in the verdict ``revealed_dl`` (tests/test_orbit_light_holdout.py:
    the model fails its hold-out on paintings). Here the skin and the white are shaded by the
    same SHADE, so the shaded reading checks OrbitLight's arithmetic, not its model. Old reference
    (the other side's lit white as it is): the shaded white -27.9 L, the milky one -0.1; through
    OrbitLight +0.0 (ab 0.3) and +28.0. The verdict reads the left (own side) pixels only: the
    same for both frames (before, with the other pixels in it: +0.0 and +28.0)."""
    painting, plm = corner_in_shade(0.0)
    frame, flm = corner_in_shade(-14.0, "shaded")
    shaded = white_match(painting, frame, plm, flm, (R, R))
    print("shaded", shaded)
    assert shaded.revealed_other > 0.3 * (shaded.revealed_n + shaded.revealed_other), shaded  # mostly the side with no white
    assert abs(shaded.other_dl) < 3.0 and shaded.other_dab < 3.0, shaded
    milky, mlm = corner_in_shade(-14.0, "milky")
    m = white_match(painting, milky, plm, mlm, (R, R))
    print("milky", m)
    assert m.other_dl > 6.0, m
    assert np.isfinite(m.revealed_dl) and abs(m.revealed_dl - shaded.revealed_dl) < 0.5, (m, shaded)


def test_without_skin_round_a_side_the_other_sides_white_is_taken_as_it_is():
    from sfumato.face.revealed_white import OrbitLight

    lab = rgb_to_lab(np.float32([200.0, 190.0, 180.0]))
    none = OrbitLight(np.array([np.nan, 0.2]))
    assert np.allclose(none(lab, 0), lab) and np.allclose(none(lab, 1), lab)
    half = OrbitLight(np.array([0.1, 0.2]))
    darker = half(lab, 0)  # side 0 lit half as much: its white is half the light, its hue kept
    want = rgb_to_lab(_srgb(_lin([200.0, 190.0, 180.0]) * 0.5).astype(np.float32))
    assert np.allclose(darker, want, atol=0.3), (darker, want)
    assert np.allclose(lab_to_rgb(half(darker, 1)), [200.0, 190.0, 180.0], atol=1.0)


def _degraded(frame: np.ndarray, revealed: np.ndarray, how: str, white: np.ndarray) -> np.ndarray:
    """``frame`` with its ``revealed`` pixels ((H, W) bool) painted: ``milky`` the painted white's
    90th percentile ((N, 3) uint8 RGB ``white``: its pixels at or over their 90th percentile L),
    ``blown`` 10 L over its lightest pixel (at most 100) in its median hue, ``grey`` its median
    lightness with no hue."""
    out = frame.copy()
    lab = rgb_to_lab(white)
    if how == "milky":
        out[revealed] = np.median(white[lab[:, 0] >= np.percentile(lab[:, 0], 90)], 0).round().astype(np.uint8)
    elif how == "blown":
        blown = np.float32([min(float(lab[:, 0].max()) + 10.0, 100.0), *np.median(lab[:, 1:], 0)])
        out[revealed] = lab_to_rgb(blown).clip(0, 255).round().astype(np.uint8)
    else:
        out[revealed] = lab_to_rgb(np.float32([np.median(lab[:, 0]), 0.0, 0.0])).round().astype(np.uint8)
    return out


def degraded_frames(img: np.ndarray, frame: np.ndarray, lm: np.ndarray, flm: np.ndarray, radii: tuple[float, float],
                    eyes: list, k: int, least: int = 40) -> dict[str, np.ndarray]:
    """``frame`` ((H, W, 3) uint8 RGB) with eye ``k``'s revealed white degraded: the white where its painted
    iris was and its iris is not (at least ``least`` pixels), found where the painted eye went in the frame
    (white_match.fit_eyes): ``milky``, ``blown`` and ``grey`` (:func:`_degraded`), ``ghost`` the old iris' own pixels
    there, ``ghost, half a pixel off`` the same resampled half a pixel off in x and y (a ghost that went
    through a warp). ``img``: the painting; ``lm`` / ``flm``: landmarks of each; ``eyes``: its painted eyes."""
    from sfumato.face.eye_window import eye_window
    from sfumato.face.white_match import fit_eyes
    from sfumato.rig.painted_white import painted_white

    fit = fit_eyes(rgb_to_lab(img)[..., 0], rgb_to_lab(frame)[..., 0], lm, flm, radii)[k]
    pe, r = eyes[k], max(radii[k], eyes[k].radius)
    win = eye_window(lm, EYES[k], fit.affine, fit.iris, r, img.shape[:2], 0.15)
    x0, y0, x1, y1 = win.box
    dp = np.hypot(win.xx - pe.centre[0], win.yy - pe.centre[1])
    ys, xs = np.nonzero(win.opening & (dp < 1.05 * pe.radius) & (win.df > 1.2 * r))
    assert len(ys) > least, len(ys)
    mx, my = win.frame_map(fit.affine, whole=True)
    at = my[ys, xs].astype(int), mx[ys, xs].astype(int)
    revealed = np.zeros(frame.shape[:2], bool)
    revealed[at] = True
    ghost, shifted = frame.copy(), frame.copy()
    ghost[at] = img[ys + y0, xs + x0]  # the old iris' own pixels
    off = [(v + o + 0.5).astype(np.float32)[:, None] for v, o in ((xs, x0), (ys, y0))]
    shifted[at] = cv2.remap(img.astype(np.float32), *off, cv2.INTER_LINEAR)[:, 0].round().astype(np.uint8)
    ring = win.opening & (dp > 1.15 * pe.radius)
    white = img[y0:y1, x0:x1][painted_white(img[y0:y1, x0:x1].astype(np.float32), win.opening, pe.centre - [x0, y0], pe.radius, 0.0) & ring]
    return {**{how: _degraded(frame, revealed, how, white) for how in ("milky", "blown", "grey")},
            "ghost": ghost, "ghost, half a pixel off": shifted}


def test_the_mona_lisas_shaded_corner_reads_right_and_its_defects_wrong(tmp_path):
    """Her image-right eye at -30 degrees, bench_rig's first frame (the iris toward her inner
    corner, the white rebuilt on its outer side, where she has no painted white): all its revealed
    pixels (65) are read through OrbitLight in ``other_dl``, not in the verdict (it has none at
    this frame). As rendered (printed, not asserted: the model fails its hold-out, and an assert
    pinned her lighter almond as right) -0.5 L, ab 6.4 (919d3a1; old reference -20.9 L, ab 11.0).
    The degraded frames still read wrong there: painted milky (her painted white's 90th
    percentile) +29.6 L (old +7.1), flat grey 38.1 ab and +21.4 L (old 50.8 ab, -1.0 L), the old
    iris left in place -16.6 L (old -37.4). These read the non-verdict column; since review14 the
    same pixels have a verdict with no light model (sfumato.face.almond, ``almond_skin`` /
    ``almond_ghost``: at most +6 L over the skin round that side, at least +10 over her painted
    iris or half way to that skin where that is less): as rendered +1.4 L over the skin, +5.6 over
    the iris (her corner 4.2 over it: ok), milky +41.6 over the skin, the old iris left -1.8 over
    the iris (both FAIL). Since session 15 (``WhiteMatch.almonds``; her corner only 4.1 L over her
    iris, where lightness cannot tell) a side under the ghost bound there fails only if it keeps at
    least KEPT (0.3) of the old iris' own pattern: as rendered at -30 degrees -0.6 under the bound (FAIL
    before), kept 0.06 (ok); the old iris left -3.7, kept 0.94 (FAIL), and resampled half a pixel
    off, kept 0.57 (FAIL); milky +41.6 (FAIL)."""
    from precompute.cli import main as precompute
    from sfumato.bank.format import load_bank
    from sfumato.face.quality import painted_iris_radii, steady_landmarks
    from sfumato.face.revealed_white import painted_eyes
    from tests.conftest import TESTDATA

    path = TESTDATA / "mona_lisa.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not present (../shared is optional)")
    assert precompute([str(path), "--out", str(tmp_path / "bank"), "--force", "--quiet"]) == 0
    bank = load_bank(tmp_path / "bank")  # as bench_rig measures it: the full frame at -30 degrees
    img, frame = bank.painting, bank.full_frame(0)
    lm, flm = steady_landmarks(img, near=bank.crop, samples=3), steady_landmarks(frame, near=bank.crop, samples=3)
    assert lm is not None and flm is not None
    radii = painted_iris_radii(img, lm)
    eyes = painted_eyes(img, lm)
    m = white_match(img, frame, lm, flm, radii, eyes=eyes)
    # printed, not asserted: through OrbitLight, a model that fails its hold-out
    # (tests/test_orbit_light_holdout.py), it would pin today's render as right
    print("as rendered", m)
    assert m.revealed_other > 0.5 * (m.revealed_n + m.revealed_other), m  # her shaded corner, no white of its own
    bad = degraded_frames(img, frame, lm, flm, radii, eyes, 1)
    got = {}
    for how, f in bad.items():
        got[how] = white_match(img, f, lm, flm, radii, eyes=eyes)
        print(how, got[how])
    assert got["milky"].other_dl > 6.0, got["milky"]
    assert got["grey"].other_dab > 6.0, got["grey"]
    assert got["ghost"].other_dl < -6.0, got["ghost"]
    from sfumato.face.almond import KEPT, OVER_SKIN, worst

    read = {how: worst(list(g.almonds)) for how, g in (("as rendered", m), *got.items())}
    for how, (light, a, ok) in read.items():
        print(f"{how}: no-white side {light:+.1f} L over its light, {a.ghost:+.1f} over its ghost bound, kept {a.kept:.2f}: {'ok' if ok else 'FAIL'}")
    assert read["as rendered"][2], read["as rendered"]  # her shaded corner: 0.9 L under the lightness bound, its pattern not the iris'
    assert read["as rendered"][1].kept < KEPT, read["as rendered"]
    assert read["milky"][0] > OVER_SKIN and not read["milky"][2], read["milky"]
    for how in ("ghost", "ghost, half a pixel off"):
        assert read[how][1].ghost < 0.0 and read[how][1].kept >= KEPT and not read[how][2], (how, read[how])
