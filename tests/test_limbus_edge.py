"""The moved iris meets the white as softly as its painter made it (issue #8: the Mona Lisa's moved
iris had a hard, cut-out edge, a 1.5 px 10-90% rise, where her painted iris melts into the white
over 3-5 px; a sharp-painted iris must stay sharp).

The measure (:func:`sfumato.rig.limbus.ray_fits`): rays from the iris centre across its rim,
where they run inside the opening into a white lighter than the iris, each fitted with an
error-function step; its 10-90% rise. Painted: on the painting around the painted iris; rendered:
on :func:`sfumato.rig.eye.render_eye`'s output around the moved iris, moved 0.5 and 0.8 iris
radii either way (past the travel where the painted surround is carried, so the edge is drawn
over the rebuilt white and the painted white beside it).

Numbers (rendered over painted, the median over both eyes and the four shifts; painted px):
- the astronaut at 3x (repo only; 2.7 / 3.2 px): main at b41295c 0.66, limbus15 1.01; since
  limbus20 (the edge by direction, set against the painted width in the directions the frame
  shows, :func:`edge_ratio`) 0.99;
- the Mona Lisa (../shared; 3.0 / 3.0 px): main 0.74 (her moved iris 1.0-2.4 px), limbus15 1.23,
  limbus20 1.16;
- portrait_03's anime eyes (../shared; 1.8 / 1.2 px): main 1.06, limbus15 0.93, limbus20 0.89
  (sharp stays sharp; over all rays, the old reading, 0.84: its image-right eye's moved iris
  shows the directions painted 1.2-1.4 px and reads 0.6-1.0 there, as it did at limbus15,
  0.6-1.1, sharper than the alpha drawn there: the edge seen is likely its dark painted outline
  ring, which the layer carries; it looks as before at 4x and 8x).
"""

from __future__ import annotations

import numpy as np
import pytest

from sfumato.rig.eye import render_eye
from sfumato.rig.iris import lightness
from sfumato.rig.lids import opening
from sfumato.rig.limbus import RISE, painted_edge, ray_fits, soft_disc, width_by_direction
from tests.crops import astronaut_rig, shared_rig

SHIFTS = (-0.8, -0.5, 0.5, 0.8)
"""Iris travel along the eye's axis, iris radii."""
BAND = (0.85, 1.2)
"""Rendered over painted edge width, the median over eyes and shifts: within this. The measure
itself reads a known erf edge within 10 % (:func:`test_the_measure_reads_a_known_edge`); the
foreshortening at 0.8 radii narrows the edge along the axis by about 5 %."""


def edge_ratio(eng) -> tuple[float, list[float], list[float]]:
    """(median rendered / painted, painted widths per eye, rendered widths) of a rig engine.

    Each rendered width (the median over the rays kept round the moved iris) is set against the
    painted width in the same directions (the painted rays' widths by direction,
    :func:`sfumato.rig.limbus.width_by_direction`, at the rendered rays' angles, their median):
    since limbus20 the edge is drawn per direction, and a moved iris shows white along the eye's
    axis where the painted one showed it below, so a painting soft below and sharp beside (the
    astronaut's image-left eye: 2.7 px over all its rays, 1.8 in the directions its moved iris
    shows) was set against the wrong sides."""
    painted, rendered, ratios = [], [], []
    for e in eng.eyes:
        c = e.frame.to_xy(e.rest)
        inside = opening(e.u, e.v, e.lids, 1.0)
        p = painted_edge(lightness(e.image), inside, c, e.radius)
        assert p is not None
        painted.append(p.width)
        by_dir = width_by_direction(p.angles, p.widths)
        phi = 2 * np.pi * np.arange(len(by_dir)) / len(by_dir)
        for s in SHIFTS:
            shift = np.array([s * e.radius, 0.0])
            out = render_eye(e, shift)
            angles, w, _ = ray_fits(lightness(out), inside, e.frame.to_xy(e.rest + shift), e.radius)
            assert len(w) >= 3
            rendered.append(float(np.median(w)))
            ratios.append(rendered[-1] / float(np.median(np.interp(angles, phi, by_dir, period=2 * np.pi))))
    return float(np.median(ratios)), painted, rendered


def test_the_measure_reads_a_known_edge():
    """A synthetic iris (L 30) in a white (L 80) with an erf edge of a known 10-90% width reads
    that width within 10 % (and 0.1 px), sharp or soft, centred on a pixel or off it (without the
    pixel sampling's own blur taken off, :data:`sfumato.rig.limbus.PIXEL`, 1.0 px read 1.48)."""
    h, w, r = 80, 120, 14.0
    c = np.array([60.0, 40.0])
    inside = np.ones((h, w), np.float32)
    for width, off in [(1.0, 0.0), (1.0, 0.4), (2.5, 0.0), (5.0, 0.3)]:
        a = soft_disc((h, w), c + off, r, width)
        light = 80.0 - 50.0 * a
        found = painted_edge(light, inside, c + off, r)
        assert found is not None and found.rays > 50
        assert abs(found.width - width) < 0.1 * width + 0.1, (width, found.width)
        assert abs(found.mid - r) < 0.3


def test_soft_disc_falls_over_its_width():
    """The alpha falls from 0.9 to 0.1 over the width asked, through 0.5 at ``mid``."""
    a = soft_disc((1, 40), np.array([0.0, 0.0]), 15.0, 4.0)[0]
    x = np.arange(40.0)
    at = lambda level: float(np.interp(-level, -a, x))  # noqa: E731 (a falls with x)
    assert abs((at(0.1) - at(0.9)) - 4.0) < 0.05
    assert abs(at(0.5) - 15.0) < 0.05
    assert abs(RISE - 2.563) < 1e-3


def test_astronaut_moved_iris_keeps_its_painted_edge():
    """Repo only: the astronaut at 3x (real FaceMesh, real rig). main at b41295c: 0.66."""
    ratio, painted, rendered = edge_ratio(astronaut_rig(3.0))
    assert BAND[0] <= ratio <= BAND[1], (ratio, painted, rendered)


def test_mona_lisa_moved_iris_keeps_her_sfumato():
    """Her painted edge is 3 px at 1200 px; main drew the moved one 1.0-2.4 px (0.74). The upper
    bound is looser here (1.35): her image-right eye moved right reads the rebuilt white's own
    slow rise beside the iris' old place (main read 14 px there, now 9; the other frames 2-4.6)."""
    ratio, painted, rendered = edge_ratio(shared_rig("mona_lisa"))
    assert min(painted) > 2.0, painted  # she is soft: the case is the one asked about
    assert BAND[0] <= ratio <= 1.35, (ratio, painted, rendered)


def test_portrait_03_sharp_iris_stays_sharp():
    """The anime eyes' hard-painted edge (1.1-1.5 px) is drawn as hard, not softened."""
    ratio, painted, rendered = edge_ratio(shared_rig("portrait_03"))
    assert max(painted) < 2.0, painted
    assert BAND[0] <= ratio <= BAND[1], (ratio, painted, rendered)
