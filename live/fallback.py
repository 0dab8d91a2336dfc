"""FOMM from the museum's server, the weightless rig whenever the server cannot drive.

``python -m live --drive --engine fomm --server URL`` runs two drivers side by side on the
same camera frames: the FOMM :class:`~live.drive.DriveWorker` on a
:class:`~live.remote.RemoteBackend`, and the rig :class:`~live.puppet.worker.PuppetWorker`
(no weights, FaceMesh on the kiosk). The rig keeps tracking the viewer all the time (its
neutral face and smoothing are ready), so when the server is slow, gone or answers garbage
the display shows the rig's patch from the very next display frame; the remote backend says
so once and reconnects in the background, and FOMM takes over again with its first new frame.
Only when the rig has nothing to show either (no frame yet) does the gaze-following bank appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from live.worker import FrameWorker

FOMM, RIG = "fomm", "rig"


@dataclass
class ShownPatch:
    """What the display draws: ``patch`` (ch, cw, 3) uint8 RGB; ``seq`` changes whenever the
    patch does (a new frame of either driver, or a switch between them); ``source`` FOMM or RIG."""

    seq: int
    patch: Any
    source: str


class FallbackDriver:
    """The loop's driver: FOMM (``primary``) while its remote backend is online, else the rig.

    Args:
        primary: FOMM worker whose backend has ``online`` and ``fallback_name`` (a RemoteBackend).
        fallback: the rig worker (processes every camera frame, with or without a face).
    """

    def __init__(self, primary: FrameWorker, fallback: FrameWorker, log: Callable[[str], None] = print) -> None:
        self.primary, self.fallback, self.log = primary, fallback, log
        primary.backend.fallback_name = "the weightless rig"   # the one offline line names what is shown
        self.shown = {FOMM: 0, RIG: 0}      # display frames drawn from each
        self.switches = 0                   # FOMM <-> rig changes of what is shown
        self._key: Optional[tuple[str, int]] = None
        self._seq = 0
        self._source: Optional[str] = None

    @property
    def stats(self):
        """The FOMM worker's statistics (driven frames, offline frames, timings)."""
        return self.primary.stats

    def start(self) -> None:
        self.primary.start()
        self.fallback.start()

    def submit(self, seq: int, image_bgr: Any, face_box, t: Optional[float] = None) -> None:
        """Both drivers get every camera frame (FOMM only those with a face, as always)."""
        self.primary.submit(seq, image_bgr, face_box, t)
        self.fallback.submit(seq, image_bgr, face_box, t)

    def tick(self, t: float) -> None:
        """No camera frame at loop time ``t``: the rig eases back to rest (FOMM ignores it)."""
        self.primary.tick(t)
        self.fallback.tick(t)

    def latest(self) -> Optional[ShownPatch]:
        """FOMM's newest patch while its server drives, else the rig's (None: neither has one)."""
        result, source = self.primary.latest(), FOMM   # None while the server is away or slow
        if result is None:
            result, source = self.fallback.latest(), RIG
        if result is None:
            return None
        if (source, result.seq) != self._key:
            self._key = (source, result.seq)
            self._seq += 1
            if self._source is not None and source != self._source:
                self.switches += 1
            self._source = source
        self.shown[source] += 1
        return ShownPatch(self._seq, result.patch, source)

    def request_reference(self) -> None:
        self.primary.request_reference()
        self.fallback.request_reference()

    def stop(self) -> None:
        self.primary.stop()
        self.fallback.stop()

    def describe(self) -> str:
        return (f"{self.primary.describe()}; fall-back {self.fallback.describe()}; display frames from FOMM "
                f"{self.shown[FOMM]}, from the rig {self.shown[RIG]} ({self.switches} switches)")


__all__ = ["FallbackDriver", "ShownPatch", "FOMM", "RIG"]
