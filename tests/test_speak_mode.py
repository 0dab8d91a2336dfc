"""``precompute speak`` writes its clip readable by others, as any new file under the umask (a kiosk
or web server user plays it): it was written with ``tempfile.mkstemp`` (mode 0600) and renamed."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from precompute.speak import SpeakConfig, speak
from sfumato.video.writer import write_wav


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_the_clip_gets_the_umasks_mode(tmp_path, astronaut_png, umask, mode):
    wav = tmp_path / "hum.wav"
    write_wav(wav, (0.2 * np.sin(np.arange(8000) * 2 * np.pi * 150 / 16000)).astype(np.float32), 16000)
    out = tmp_path / "talk.mp4"
    old = os.umask(umask)
    try:
        speak(SpeakConfig(painting=astronaut_png, out=out, audio=wav, max_size=128, workers=1, progress=False))
    finally:
        os.umask(old)
    assert out.stat().st_size > 0
    assert stat.S_IMODE(out.stat().st_mode) == mode, oct(out.stat().st_mode)
