"""Bounded statistics for long runs (a kiosk runs for weeks; memory must stay flat)."""

from __future__ import annotations

import collections
from dataclasses import field
from typing import Any


def bounded(maxlen: int) -> Any:
    """A dataclass field holding an empty ``collections.deque(maxlen=maxlen)`` (the newest values win)."""
    return field(default_factory=lambda: collections.deque(maxlen=maxlen))
