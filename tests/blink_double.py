"""A TEST DOUBLE of a blinking engine, for the bank's blink storage before the rig engine.

``DarkeningBlinkEngine`` renders every frame with the real rig engine (eyes open) and, asked for
``blink=c``, darkens a box around both eyes by ``c`` (it does not draw lids: it only gives the
bank writer, loader, previews and live overlay something that changes with the closure).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sfumato.engines.base import Engine, HeadCrop, Pose, SweepSpec
from sfumato.engines.rig import RigEngine
from sfumato.face.topology import EYES


class DarkeningBlinkEngine(Engine):
    """Rig engine frames with open eyes; ``blink=c`` multiplies the eye box by ``1 - 0.7 c``."""

    name = "blink-double"
    can_blink = True

    def __init__(self, **options: Any) -> None:
        self.inner = RigEngine(**options)
        self.box: tuple[slice, slice] | None = None
        self.calls: list[tuple[int, float]] = []

    def prepare(self, crop: HeadCrop) -> None:
        self.inner.prepare(crop)
        pts = np.concatenate([crop.landmarks[list(e.contour), :2] for e in EYES])
        (x0, y0), (x1, y1) = pts.min(0), pts.max(0)
        pad = 0.25 * (x1 - x0) / 2
        self.box = (slice(int(y0 - pad), int(y1 + pad)), slice(int(x0 - pad), int(x1 + pad)))

    def plan(self, spec: SweepSpec) -> list[Pose]:
        return self.inner.plan(spec)

    def render(self, index: int, blink: float = 0.0) -> np.ndarray:
        self.calls.append((index, blink))
        frame = self.inner.render(index)
        if blink > 0 and self.box is not None:
            region = frame[self.box].astype(np.float32) * (1.0 - 0.7 * blink)
            frame[self.box] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
        return frame

    def params(self) -> dict[str, Any]:
        return {"double": True, **self.inner.params()}
