"""The painting's face landmarks for live use, read from the bank rather than measured again.

A rig bank stores the FaceMesh landmarks it was built from in ``rig.json`` (head-square pixels
at full resolution); live only scales them. Banks without one (another engine, an older build)
fall back to FaceMesh on the scaled painting, keeping the face nearest the bank's crop
(:func:`sfumato.face.quality.face_landmarks`, the one "face near this box" in the code).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from sfumato.rig.model import RIG_FILE, Rig


def rig_landmarks(bank) -> Optional[np.ndarray]:
    """(478, 3) float64 landmarks from the bank's ``rig.json`` in full-resolution painting pixels
    (z in the same scale), or None when the bank has no (readable) rig.

    Args:
        bank: a loaded :class:`sfumato.bank.format.Bank`.
    """
    path = Path(bank.folder) / RIG_FILE
    if bank.square_box is None or not path.is_file():
        return None
    try:
        rig = Rig.from_json(path.read_bytes())
    except (ValueError, KeyError, TypeError):
        return None
    x, y, side = bank.square_box
    lm = np.asarray(rig.landmarks, np.float64) * (side / max(rig.size, 1))
    lm[:, 0] += x
    lm[:, 1] += y
    return lm


def scaled_landmarks(bank, painting: np.ndarray, crop: tuple[int, int, int, int]) -> Optional[np.ndarray]:
    """The painting's face in the pixels of ``painting`` (the bank's painting scaled for the
    screen): (478, 3) float64, from ``rig.json``, else FaceMesh near ``crop`` (x, y, w, h), else None."""
    full = rig_landmarks(bank)
    if full is None:
        from sfumato.face.quality import face_landmarks

        found = face_landmarks(painting, near=crop)
        return None if found is None else np.asarray(found, np.float64)
    s = painting.shape[1] / bank.painting.shape[1]
    return full * s
