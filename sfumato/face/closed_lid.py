"""How a closed eye's lid meets the painting, seen from outside: new edges on the blink 1.0 frame.

A closed lid laid in well has no edge the painting did not have: where it meets the skin (its
top, its ends past the corners) the frame's lightness changes no more steeply than the
painting's did at the same pixels. A pasted plate has an outline there, and a lid that stops at
a corner beside pale skin leaves a hard-edged notch (portrait_02's inner corner, review16 #2).

Both read the frame against the painting with nothing from the rig but the frame: FaceMesh's
landmarks of the painting place each eye (its corners and its lid contour). Dark lines up to
:data:`DARK_LINE` eye half-widths thick are closed over in both images first (the closed lash
line, lashes and liner are lines the lid draws or covers on purpose). Per pixel the *new edge*
is the frame's gradient magnitude of that lightness (CIE L, 3x3 Sobel) minus the painting's,
where positive, over the painting's own skin detail: the :data:`PERCENTILE` th percentile of its
gradient round the eye, outside the opening (1: an edge as strong as the strongest of the
painting's skin round it). Per eye:

- **outline**: along the boundary of the pixels the lid changed over the eye (L differs by
  more than :data:`CHANGED`; :data:`RIM` pixels either side of that boundary), outside the
  painted eye opening widened by :data:`LINE` eye half-widths (the lid margins and the closed
  lash line), between the corners, over the corners' line: the new edge's :data:`PERCENTILE` th
  percentile;
- **corner gap**: the same over a window past each corner (:data:`CORNER_BOX` eye half-widths
  along the eye, :data:`CORNER_BOX` across, from the corner outward), the larger corner's.

On the baseline banks of session 17 (c6d765f) the corner reads 1.13 on portrait_02's image-left
eye (the notch) and 1.02 on the Mona Lisa's image-right (a sharp dark tip with a red speck at her
inner corner),
0.16-0.66 on the other 20 eyes. The outline reads 0.02-0.54 on all 22: it sees no new edge on
the top of any lid, and so does not see portrait_03's and 13's "sticker" plates (their outline is
the painting's own lit fold left over the lid's top, an edge the painting had: a frame-only
light-line reading at the lid's top instead read 17-22 L on lids that look right, the
astronaut's, portrait_07's image-right) nor portrait_10's image-right diagonal top (0.20: the
painting has the corner's dark shading there). A guard against a pasted rim, not a judge of
the plate's look. Since closed17 (the lid past the corners the skin as painted): corner 0.10-0.75
(portrait_02's notch 0.61, the Mona Lisa's 0.49, portrait_17's image-right 0.65 -> 0.75), outline
0.02-0.54.

Images are (H, W, 3) uint8 RGB; landmarks (478, 2|3) float pixels of the painting.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.gaze import eye_axes
from sfumato.face.topology import EYES
from sfumato.imaging.lab import rgb_to_lab

CHANGED = 2.0
"""A pixel the closed lid changed differs from the painting by more than this (CIE L)."""
RIM = 3
"""The lid's edge: the changed pixels and this many pixels round them."""
LINE = 0.12
"""The painted opening widened by this many eye half-widths holds the closed lash line (a dark
line the closed lid draws on purpose) and the lid margins: not counted."""
CORNER_BOX = 0.35
"""Each corner's window reaches this many eye half-widths past the corner and as far either side
of the corners' line."""
DARK_LINE = 0.1
"""Dark lines up to twice this many eye half-widths thick (the closed lash line, lashes, liner)
are closed over (a grey closing of both images) before the gradients: an edge the lid adds is a
step or a light rim, not a line it draws on purpose."""
PERCENTILE = 95.0
"""The new edge's percentile taken over each set: a hard outline is a thin curve of the set."""
TARGET = {"outline": 0.8, "corner": 0.8}
"""Most new edge a closed lid may add over the painting's skin detail (bench_rig's *closed*
column): chosen on the baseline banks above, between the defects and the lids that look right."""


@dataclass(frozen=True)
class ClosedEye:
    """One closed eye against the painting: ``outline`` and ``corner`` new edge over the
    painting's skin detail (NaN where the set is empty)."""

    @property
    def ok(self) -> bool:
        """Both within :data:`TARGET` (a NaN reading fails nothing)."""
        return not (self.outline > TARGET["outline"] or self.corner > TARGET["corner"])

    outline: float
    corner: float


def _gradient(light: np.ndarray) -> np.ndarray:
    """|grad| of (h, w) float32 lightness, 3x3 Sobel scaled to a per-pixel step: (h, w) float32."""
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return np.hypot(gx, gy)


def _high(values: np.ndarray) -> float:
    """The :data:`PERCENTILE` th percentile of (n,) values, NaN for fewer than 8."""
    return float(np.percentile(values, PERCENTILE)) if values.size >= 8 else float("nan")


def closed_eyes(painting: np.ndarray, closed: np.ndarray, landmarks: np.ndarray) -> list[ClosedEye]:
    """:class:`ClosedEye` of each eye (:data:`EYES` order) of the blink 1.0 frame ``closed``
    against ``painting`` (both (H, W, 3) uint8 RGB, the same size), placed by the painting's
    ``landmarks``."""
    lm = np.asarray(landmarks, np.float64)[:, :2]
    out = []
    for eye in EYES:
        axes = eye_axes(lm, eye)
        if axes is None:
            out.append(ClosedEye(float("nan"), float("nan")))
            continue
        centre, axis, half = axes
        r = int(np.ceil(2.0 * half)) + RIM + 2
        x0, y0 = max(0, int(centre[0]) - r), max(0, int(centre[1]) - r)
        x1, y1 = min(painting.shape[1], int(centre[0]) + r + 1), min(painting.shape[0], int(centre[1]) + r + 1)
        lp = rgb_to_lab(painting[y0:y1, x0:x1].astype(np.float32))[..., 0]
        lf = rgb_to_lab(closed[y0:y1, x0:x1].astype(np.float32))[..., 0]
        k = np.ones((2 * max(1, int(round(DARK_LINE * half))) + 1,) * 2, np.uint8)
        shut = [cv2.morphologyEx(x, cv2.MORPH_CLOSE, k, borderType=cv2.BORDER_REPLICATE) for x in (lf, lp)]
        g_p = _gradient(shut[1])
        new = np.maximum(_gradient(shut[0]) - g_p, 0.0)
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        s = ((xx - centre[0]) * axis[0] + (yy - centre[1]) * axis[1]) / half  # along the eye, corners at -1, +1
        t = (-(xx - centre[0]) * axis[1] + (yy - centre[1]) * axis[0]) / half  # across it, image-down positive
        poly = np.round(lm[list(eye.contour)] - [x0, y0]).astype(np.int32)
        opening = np.zeros(lp.shape, np.uint8)
        cv2.fillPoly(opening, [cv2.convexHull(poly)], 1)
        widen = max(1, int(round(LINE * half)))
        opening = cv2.dilate(opening, np.ones((2 * widen + 1, 2 * widen + 1), np.uint8)) > 0
        changed = cv2.morphologyEx((np.abs(lf - lp) > CHANGED).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
        skin = _high(g_p[~opening & (np.abs(s) <= 1.0 + 2 * CORNER_BOX) & (np.abs(t) <= 1.0)])
        new = new / max(skin, 0.5)
        past = (np.abs(s) > 1.0) & (np.abs(s) <= 1.0 + CORNER_BOX) & (np.abs(t) <= CORNER_BOX)
        corners = [_high(new[past & (np.sign(s) == k)]) for k in (-1, 1)]
        corner = float(np.nanmax(corners)) if np.isfinite(corners).any() else float("nan")
        ring = np.ones((2 * RIM + 1, 2 * RIM + 1), np.uint8)
        edge = (cv2.dilate(changed.astype(np.uint8), ring) > 0) & ~(cv2.erode(changed.astype(np.uint8), ring) > 0)  # its boundary
        out.append(ClosedEye(_high(new[edge & ~opening & (np.abs(s) <= 1.0) & (t < 0)]), corner))
    return out


def bank_closed(bank, landmarks: np.ndarray) -> list[ClosedEye]:
    """:func:`closed_eyes` of ``bank``'s (a :class:`sfumato.bank.format.Bank`) centre frame at
    blink 1.0 against its painting, or [] for a bank with no blink frames."""
    if not getattr(bank, "blink_levels", None):
        return []
    return closed_eyes(bank.painting, bank.full_frame(bank.center_index, 1.0), landmarks)
