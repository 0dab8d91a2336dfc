"""The JSONL trace: one line per camera frame, for analysing a run afterwards.

Each line: ``t`` (s since start), ``seq`` (camera frame number), ``faces`` ([[x, y, w, h,
score], ...] camera px), ``chosen`` (index into faces or null), ``viewer`` (follow id),
``raw`` ([yaw, pitch] degrees of the chosen viewer, or null), ``target`` (presence target),
``smoothed`` ([yaw, pitch] after the One Euro filter), ``bin`` ([row, col] after hysteresis),
``index`` (frame shown most at the flip), ``blink`` (lid closure shown at the flip, 0 open ..
1 closed), ``state`` (presence), ``track_ms``, ``latency_ms``
(camera frame available -> display flip).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from sfumato.errors import SfumatoError


class TraceWriter:
    """Append JSON lines to ``path`` (created with its folder)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = self.path.open("w", encoding="utf-8")
        except OSError as err:
            raise SfumatoError(f"{self.path}: cannot write the trace ({err}); choose a writable path") from None
        self.lines = 0

    def write(self, record: dict[str, Any]) -> None:
        self._f.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.lines += 1
        if self.lines % 30 == 0:
            self._f.flush()

    def close(self) -> None:
        self._f.close()


def read_trace(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a trace file, in order."""
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
