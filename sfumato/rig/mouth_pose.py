"""One mouth shape for the mouth rig (:mod:`sfumato.rig.mouth`): what a viseme, the viewer's
mouth or the sound asks the painted mouth to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MouthPose:
    """One mouth shape; every value in [0, 1].

    Attributes:
        open: jaw drop (0 closed, 1 wide open, about half a mouth width).
        round: lip rounding ("oo"): corners pulled in, a small round opening.
        spread: lip spreading ("ee"): corners pushed out and slightly up.
        tuck: the lower lip tucked up under the upper teeth ("f", "v"): the jaw stays closed,
            the upper lip lifts a little over the teeth's edge, the lower lip rises and rolls in.
    """

    open: float = 0.0
    round: float = 0.0
    spread: float = 0.0
    tuck: float = 0.0

    @classmethod
    def of(cls, row: Any) -> "MouthPose":
        """The pose of one row of a mouth track: (open, round, spread) or (open, round, spread, tuck)."""
        return cls(*(float(v) for v in row[:4]))

    def is_rest(self) -> bool:
        return max(abs(self.open), abs(self.round), abs(self.spread), abs(self.tuck)) < 1e-3
