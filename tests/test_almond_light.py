"""The no-white side's light bound on a photograph (sfumato.face.almond, bench_rig's "no-white side
(light / ghost)"): a pixel in a band with some painted white on its side, fewer than the 3 a band
reference needs, is bounded by the lighter of the skin round that side and that white. Session 14's
rule (the skin alone, set on the Mona Lisa's painted shade) failed the astronaut, a photograph
whose lit white is lighter than its skin, at +6.3..+7.1 over the skin on 4-10 pixels of a 20-pixel
eye in bands holding 1-2 pixels of painted white on that side (frames +20..+30 degrees; the eye
looks as before, looked at 12x). Repo only: the bundled astronaut's default bank.

Both ways, on its image-left eye at +30 degrees (its iris toward the outer corner, the white
rebuilt on its inner side): as rendered +6.3 over the skin (old rule FAIL) and -17.0 under its
light (ok); the revealed white painted 10 L over the lightest painted white (a blown plate,
tests/test_revealed_white_shade.py) FAIL; the old iris left there -5.0 under its ghost bound (FAIL;
a wide window: the skin ~35 L over the iris, so lightness decides). It does not fail a plate of the
painted white's 90th percentile ("milky", +3.0 over the white painted at its height, 26.3 over the
skin: FAIL under session 14's rule): on this lit eye that plate is as light as the white painted
beside it (revealed dL on its own bands +0.8, ok too); what is wrong with it is that it is flat, the
grain column's defect, and grain is n/a on the astronaut (too little revealed white). Printed, not
asserted. A flat grey plate of the white's median L passes as well: it is no lighter and no ghost;
its colour is the dE columns'."""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.face.almond import OVER_SKIN, worst


@pytest.fixture(scope="module")
def astronaut_far(astronaut_png, tmp_path_factory):
    """The astronaut's bank's frame at the largest gaze, its painting and what bench_rig measures on both."""
    from precompute.cli import main as precompute
    from sfumato.bank.format import load_bank
    from sfumato.face.quality import painted_iris_radii, steady_landmarks
    from sfumato.face.revealed_white import painted_eyes

    out = tmp_path_factory.mktemp("almond_light") / "bank"
    assert precompute([str(astronaut_png), "--out", str(out), "--force", "--quiet"]) == 0
    bank = load_bank(out)
    i = int(np.argmax([lab[0] for lab in bank.labels[: len(bank)]]))
    img, frame = bank.painting, bank.full_frame(i)
    lm, flm = steady_landmarks(img, near=bank.crop, samples=3), steady_landmarks(frame, near=bank.crop, samples=3)
    assert lm is not None and flm is not None
    return img, frame, lm, flm, painted_iris_radii(img, lm), painted_eyes(img, lm)


def test_a_lit_white_lighter_than_its_skin_passes_and_a_milky_plate_or_a_ghost_fails(astronaut_far):
    from sfumato.face.white_match import white_match
    from tests.test_revealed_white_shade import degraded_frames

    img, frame, lm, flm, radii, eyes = astronaut_far
    frames = {"as rendered": frame, **degraded_frames(img, frame, lm, flm, radii, eyes, 0, least=10)}
    read = {}
    for how, f in frames.items():
        almonds = list(white_match(img, f, lm, flm, radii, eyes=eyes).almonds)
        light, a, ok = worst(almonds)
        if a is None and how == "ghost":
            # the pixel-exact paste is the measure's own template (white_match.find_iris matches the
            # painted iris' pixels): since limbus15 the moved iris' trailing edge is as soft as the
            # painted one and the template's least squared difference sits on the pasted copy (9.0k
            # against 10.0k at the moved iris; main before it 13.0k against 12.0k), so the eye reads
            # as unmoved, no revealed white. No bank frame is pixel-exact (each goes through the head
            # warp): the half-pixel-off ghost below, that case, is read and must FAIL.
            continue
        assert a is not None, how  # the side with no painted white at its height is read
        read[how] = (light, a, ok)
        print(f"{how}: over its light {light:+.1f} (skin {a.over_skin:+.1f}, its height's white {a.over_own:+.1f}), "
              f"over its ghost bound {a.ghost:+.1f}, kept {a.kept:.2f}: {'ok' if ok else 'FAIL'}")
    light, a, ok = read["as rendered"]
    assert a.over_skin > OVER_SKIN, a  # session 14's rule, the skin alone, fails it
    assert np.isfinite(a.over_own) and light <= OVER_SKIN and ok, a
    assert read["blown"][0] > OVER_SKIN and not read["blown"][2], read["blown"]
    assert "ghost, half a pixel off" in read
    for how in [h for h in ("ghost", "ghost, half a pixel off") if h in read]:
        assert read[how][1].ghost < 0.0 and not read[how][2], (how, read[how])
