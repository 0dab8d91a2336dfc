"""Rendered face parts kept for reuse: a bounded LRU of small patches keyed by quantised controls.

The eyes and the mouth each change only a small box of the head crop and depend only on a few
controls (gaze and lid closure; the mouth pose). Their controls are quantised finely enough
that a step moves nothing by more than :data:`QUANT_PX` pixels, and each rendered box is kept
under its key, so a face holding still, or coming back to a shape it made before, costs only
a paste. The cache is bounded (least recently used out first): memory stays flat.
"""

from __future__ import annotations

import collections
from typing import Callable, Hashable

import numpy as np

QUANT_PX = 0.15
"""Largest movement (display pixels) one quantisation step of a control may cause."""

Box = tuple[int, int, int, int]
"""(x0, y0, x1, y1) pixels of the head crop."""


def quantise(value: float, steps: float) -> float:
    """``value`` rounded to a multiple of 1 / ``steps`` (``steps`` per unit; an integer keeps 0 and 1 exact)."""
    return round(value * steps) / steps


def steps_for(travel_px: float) -> int:
    """Steps per unit of a control that moves something ``travel_px`` pixels at 1: each step moves
    it at most :data:`QUANT_PX`."""
    return max(1, int(np.ceil(travel_px / QUANT_PX)))


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class PatchCache:
    """LRU of rendered patches: key -> (h, w, 3) uint8 RGB array.

    Args:
        budget_mb: most megabytes of patches kept.
    """

    def __init__(self, budget_mb: float = 24.0) -> None:
        self.budget = int(budget_mb * 1e6)
        self.nbytes = 0
        self._items: collections.OrderedDict[Hashable, np.ndarray] = collections.OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, make: Callable[[], np.ndarray]) -> np.ndarray:
        """The patch for ``key``, rendered by ``make()`` when it is not kept."""
        patch = self._items.get(key)
        if patch is not None:
            self._items.move_to_end(key)
            self.hits += 1
            return patch
        self.misses += 1
        patch = make()
        self.put(key, patch)
        return patch

    def put(self, key: Hashable, patch: np.ndarray) -> None:
        """Keep ``patch`` (any array, counted by its bytes; not copied) under ``key``, dropping the
        least recently used ones over the budget (the newest is always kept)."""
        old = self._items.pop(key, None)
        if old is not None:
            self.nbytes -= old.nbytes
        self._items[key] = patch
        self.nbytes += patch.nbytes
        while self.nbytes > self.budget and len(self._items) > 1:
            self.nbytes -= self._items.popitem(last=False)[1].nbytes
