"""The rig stored whole (review16 SHOULD 4): a bank's rig.json gives back the very rig that built it.

``RigEngine.from_bank`` (speech, the live puppet) rebuilds the engine from the bank's painting and
rig.json. Since rig.json version 2 the file keeps every number as measured and each eye's painted
iris edge (:class:`sfumato.rig.model.IrisEdge`), so the rebuild fits no edge again (the fit was
about a quarter to 40 % of a rebuild) and renders the bank's frames to the byte. On main at
c6d765f (version 1: 1/100 px landmarks, 1/1000 elsewhere, no edge) the astronaut's rebuild fitted
both edges again and its frames differed from the bank's: frame 0 by up to 4 grey levels on 941
pixels, 4 by 3 on 797, 28 by 4 on 247, 32 by 3 on 346 (frame 16, at rest, was equal). A version 1 file still loads: its edges are
fitted again, and the rig then carries them.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import sfumato.rig.limbus as limbus
from precompute.build import BuildConfig, build_bank
from sfumato.bank.format import load_bank
from sfumato.engines.rig import RigEngine
from sfumato.geometry.blend import blend, match_colors
from sfumato.rig.model import RIG_FILE, Rig

FRAMES = (0, 4, 16, 28, 32)
"""Both ends of the sweep, a blink frame (4), rest (16) and one between."""


@pytest.fixture(scope="module")
def ast_bank(tmp_path_factory, astronaut_png):
    """The astronaut's bank, built by the real rig (FaceMesh on the bundled face)."""
    return build_bank(BuildConfig(astronaut_png, tmp_path_factory.mktemp("stored") / "astro", progress=False))


@pytest.fixture
def fits(monkeypatch):
    """A count of the painted-edge fits (:func:`sfumato.rig.limbus.painted_soft_edge`) made."""
    made = []
    real = limbus.painted_soft_edge

    def spy(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(limbus, "painted_soft_edge", spy)
    return made


def stored(engine: RigEngine, bank, i: int) -> np.ndarray:
    """Frame ``i`` rendered by ``engine`` and finished as the build stores it: the head square
    cut to the bank's crop and blended into the painting there ((h, w, 3) uint8 RGB)."""
    x, y, side = bank.manifest["square_box"]
    cx, cy, cw, ch = bank.crop
    rows, cols = slice(cy - y, cy - y + ch), slice(cx - x, cx - x + cw)
    alpha = bank.head_alpha(side)[rows, cols]
    base = bank.painting[cy : cy + ch, cx : cx + cw]
    rendered = engine.render(i)[rows, cols]
    if bank.blend.color_match:
        rendered = match_colors(rendered, base, alpha)
    return blend(base, rendered, alpha)


def test_from_bank_renders_the_banks_frames_and_fits_nothing(ast_bank, fits):
    bank = load_bank(ast_bank, verify=False)
    doc = json.loads((ast_bank / RIG_FILE).read_bytes())
    assert doc["version"] == 2 and all(len(e["edge"]["widths"]) == limbus.N_RAYS for e in doc["eyes"])
    engine = RigEngine.from_bank(ast_bank)
    assert fits == []       # the stored edges drawn, none fitted again
    for i in FRAMES:
        assert np.array_equal(stored(engine, bank, i), bank.patch(i)), i


def test_a_version_1_rig_file_still_loads_and_fits_its_edges(ast_bank, tmp_path, fits):
    """The file as version 1 wrote it (no edge; landmarks to 1/100 px, the rest to 1/1000): it
    loads, both edges are fitted again, the frames stay within the rounding's few grey levels of
    the bank's, and the rig then carries the edges (its file is version 2)."""
    old = tmp_path / "old"
    shutil.copytree(ast_bank, old)
    doc = json.loads((old / RIG_FILE).read_bytes())
    doc["version"] = 1
    doc["landmarks"] = np.round(np.asarray(doc["landmarks"]), 2).tolist()
    doc["eyes"] = [_round3({k: v for k, v in e.items() if k != "edge"}) for e in doc["eyes"]]
    (old / RIG_FILE).write_text(json.dumps(doc))
    engine = RigEngine.from_bank(old)
    assert len(fits) == 2
    bank = load_bank(old, verify=False)
    for i in FRAMES:
        diff = np.abs(stored(engine, bank, i).astype(int) - bank.patch(i))
        assert diff.max() <= 16 and diff.mean() < 0.05, (i, diff.max(), diff.mean())
    again = engine.artifacts()[RIG_FILE]
    assert json.loads(again)["version"] == 2 and all(e.edge is not None and len(e.edge.widths) == limbus.N_RAYS for e in Rig.from_json(again).eyes)


def _round3(x):
    """Floats (also inside lists and dicts) rounded to 3 decimals, as version 1 stored the eyes."""
    if isinstance(x, dict):
        return {k: _round3(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_round3(v) for v in x]
    return round(x, 3) if isinstance(x, float) else x
