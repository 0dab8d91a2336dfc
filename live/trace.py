"""The JSONL trace: one line per camera frame, for analysing a run afterwards.

Each line: ``t`` (s since start), ``seq`` (camera frame number), ``faces`` ([[x, y, w, h,
score], ...] camera px), ``chosen`` (index into faces or null), ``viewer`` (follow id),
``raw`` ([yaw, pitch] degrees of the chosen viewer, or null), ``target`` (presence target),
``smoothed`` ([yaw, pitch] after the One Euro filter), ``bin`` ([row, col] after hysteresis),
``index`` (frame shown most at the flip), ``blink`` (lid closure shown at the flip, 0 open ..
1 closed), ``speaking`` (``[speech]``: index of the line being said at the flip, into the lines or
the ``wav_folder`` recordings in order, or null), ``state`` (presence), ``track_ms``, ``latency_ms``
(camera frame available -> display flip).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

from sfumato.errors import SfumatoError
from sfumato.output_queue import OutputQueue


class TraceWriter:
    """Append JSON lines to ``path`` (created with its folder), on a writer thread.

    ``write`` only queues the record (bounded; with ``drop_when_busy`` a full queue drops it).
    A write error (a full disk) stops the trace with one log line; :attr:`error` keeps it.
    """

    def __init__(self, path: str | Path, log: Callable[[str], None] = print, drop_when_busy: bool = False) -> None:
        self.path = Path(path)
        self.drop_when_busy = drop_when_busy
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = self.path.open("w", encoding="utf-8")
        except OSError as err:
            raise SfumatoError(f"{self.path}: cannot write the trace ({err}); choose a writable path") from None
        self.lines = 0
        self._out = OutputQueue(self._write_line, f"trace {self.path}", log, maxsize=4096, name="trace")
        self._close_error: BaseException | None = None

    @property
    def error(self) -> BaseException | None:
        return self._out.error or self._close_error

    def _write_line(self, record: dict[str, Any]) -> None:
        self._f.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.lines += 1
        if self.lines % 30 == 0:
            self._f.flush()

    def write(self, record: dict[str, Any]) -> None:
        """Queue one record (a dict of JSON-able values)."""
        self._out.put(record, block=not self.drop_when_busy)

    def close(self) -> None:
        """Write what is queued and close; a failure is kept in :attr:`error`, never raised."""
        self._out.close()
        try:
            self._f.close()
        except OSError as err:   # the final flush on a full disk
            if self._out.error is None:
                self._close_error = err


def read_trace(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a trace file, in order."""
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
