"""The tests' rig cache (tests/crops.py): one build per painting and scale, a private copy per call, and
no build or hand-out under a test's patch (a spy patched in would reach every later test)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.crops import _RIGS, astronaut_rig


def test_each_call_gets_its_own_copy_of_one_build():
    a = astronaut_rig()
    b = astronaut_rig()
    assert a is not b and a.rig is not b.rig and ("astronaut", 1.0) in _RIGS
    before = b.render(16).copy()
    a._crop[:] = 0                      # a test that spoils its engine spoils only its own
    a.rig.eyes[0].iris.radius *= 2.0
    assert np.array_equal(astronaut_rig().render(16), before)
    assert not np.array_equal(a.render(16), before)


def test_a_patched_sfumato_function_is_refused(monkeypatch):
    import sfumato.rig.eye as eye

    monkeypatch.setattr(eye, "corner_cover", lambda u, lids, width: np.ones_like(u, dtype=np.float32))
    with pytest.raises(RuntimeError, match="sfumato.rig.eye.corner_cover is patched"):
        astronaut_rig()
