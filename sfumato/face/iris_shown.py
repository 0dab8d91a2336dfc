"""How much of the iris a frame shows, read from outside: iris paint inside the eye's opening
over the painting's own (bench_rig's *iris shown* column).

FaceMesh's iris radius (*iris r*) cannot see an iris pushed under a corner: it places a
human-sized iris wherever the eye seems to look. This counts paint instead. Each eye's painted
opening and iris are fitted to the painting's pixels (:func:`sfumato.face.revealed_white.painted_eye`:
FaceMesh's contour runs inside a painted corner, where a turned iris goes); each pixel counts
as much iris as it lies from the painted white's median colour toward the painted iris' in Lab
(:class:`IrisColour`), summed inside the opening within :data:`AROUND` iris radii of the iris'
centre. In a frame the opening is the painted one moved where the painted eye went and the
centre is the painted iris found there (:func:`sfumato.face.white_match.fit_eyes`). The share
is the frame's sum over the painting's: foreshortening, the corners' cover and the lids all
lower it, and so does an iris drawn lighter than its paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from sfumato.face.revealed_white import PaintedEye

if TYPE_CHECKING:
    from sfumato.face.white_match import EyeFit

TARGET = 0.5
"""The least share a frame may show (bench_rig). Set by eye on session 16's banks (main at
c6d765f), under the share ``RigParams.plan_drawn`` keeps (0.65 of the iris' drawn area,
:mod:`sfumato.rig.iris_share`): the astronaut's image-right iris at -30, a dark sliver in the
corner, reads 0.39 (0.53 at that plan's end, -26.7); read from
outside, the head turn's squeeze of the far corner, the opening's fit and FaceMesh's jitter
take 0.1-0.2 off what the rig draws (portrait_07's image-left eye at -29: 0.43, 0.83 with the
head turn off), so the verdict sits well under 0.65. Not strict enough for every case: the Mona
Lisa at +30 on those banks, her iris half under the corner, reads 0.58."""
IRIS_CORE = 0.8
"""The painted iris' colour is its median inside this many radii (off the limbus' fade)."""
WHITE_GAP = 1.3
"""... and the white's the opening's beyond this many iris radii from its centre."""
AROUND = 1.15
"""Iris paint counts within this many painted radii of the iris' centre: the lid's shade and
the lashes painted on the white elsewhere are iris-coloured too, and stay put as the iris moves."""
MIN_CONTRAST = 5.0
"""An eye whose iris and white lie closer than this in Lab is not read (nothing to tell apart)."""


@dataclass(frozen=True)
class IrisColour:
    """One painted eye's iris and white colours (the module docstring).

    Attributes:
        iris, white: (3,) float32 Lab medians of the painted iris and the painted white.
    """

    iris: np.ndarray
    white: np.ndarray

    def iris_part(self, lab: np.ndarray) -> np.ndarray:
        """(...,) float32 in [0, 1]: how much of each ``lab`` (..., 3) float32 Lab pixel is iris,
        unmixed along the line from the white's colour (0) to the iris' (1), clipped beyond
        them. Linear in the colour, so a blur that mixes an iris pixel with the white beside it
        (the head turn resamples the eye) keeps the sum: a small iris is not lost to its edge."""
        axis = self.white - self.iris
        t = ((lab - self.iris) * axis).sum(-1) / max(float((axis * axis).sum()), 1e-6)
        return np.clip(1.0 - t, 0.0, 1.0).astype(np.float32)


def _box(points: np.ndarray, shape: tuple[int, int], pad: int) -> tuple[slice, slice]:
    """(rows, cols) of ``shape`` round (K, 2) x, y ``points``, ``pad`` pixels more."""
    x0, y0 = np.floor(points.min(0)).astype(int) - pad
    x1, y1 = np.ceil(points.max(0)).astype(int) + pad + 1
    return slice(max(0, y0), min(shape[0], y1)), slice(max(0, x0), min(shape[1], x1))


def _inside(contour: np.ndarray, rows: slice, cols: slice) -> np.ndarray:
    """(h, w) bool: the box's pixels inside the (K, 2) x, y ``contour``."""
    mask = np.zeros((rows.stop - rows.start, cols.stop - cols.start), np.uint8)
    cv2.fillPoly(mask, [np.round(contour - [cols.start, rows.start]).astype(np.int32)], 1)
    return mask > 0


def iris_colour(lab: np.ndarray, eye: PaintedEye) -> IrisColour | None:
    """The painted iris' and white's colours of one eye (``lab`` (H, W, 3) float32 the painting
    in Lab, ``eye`` its fitted eye); None when either holds fewer than 4 pixels or they lie
    under :data:`MIN_CONTRAST` apart."""
    rows, cols = _box(np.vstack([eye.contour, eye.centre[None]]), lab.shape[:2], 2)
    inside = _inside(eye.contour, rows, cols)
    yy, xx = np.mgrid[rows, cols]
    d = np.hypot(xx - eye.centre[0], yy - eye.centre[1])
    sub = lab[rows, cols]
    iris, white = sub[inside & (d <= IRIS_CORE * eye.radius)], sub[inside & (d >= WHITE_GAP * eye.radius)]
    if len(iris) < 4 or len(white) < 4:
        return None
    out = IrisColour(np.median(iris, 0).astype(np.float32), np.median(white, 0).astype(np.float32))
    return out if float(np.linalg.norm(out.white - out.iris)) >= MIN_CONTRAST else None


def iris_paint(lab: np.ndarray, contour: np.ndarray, centre: np.ndarray, radius: float, colour: IrisColour) -> float:
    """One eye's iris paint (:meth:`IrisColour.iris_part` summed) inside ``contour`` ((K, 2) x, y
    pixels, the painted opening where the eye is) within :data:`AROUND` ``radius`` of ``centre``
    ((2,) x, y: the painted iris where it is) in ``lab`` ((H, W, 3) float32 Lab)."""
    rows, cols = _box(contour, lab.shape[:2], 1)
    yy, xx = np.mgrid[rows, cols]
    near = np.hypot(xx - centre[0], yy - centre[1]) <= AROUND * radius
    return float((colour.iris_part(lab[rows, cols]) * (_inside(contour, rows, cols) & near)).sum())


class ShownMeter:
    """The *iris shown* reading of one bank: set up once on the painting, then called per frame.

    Args:
        lab: (H, W, 3) float32 Lab, the painting; eyes: its fitted eyes (``EYES`` order,
            :func:`sfumato.face.revealed_white.painted_eyes`); radii: each eye's painted iris
            radius, pixels (:func:`sfumato.face.quality.painted_iris_radii`); fits: the painting's
            eyes found in itself (:func:`sfumato.face.white_match.fit_eyes` of the painting on
            the painting), so that the painting is read as every frame is.
    """

    def __init__(self, lab: np.ndarray, eyes: list[PaintedEye], radii: tuple[float, float], fits: list[EyeFit | None]) -> None:
        self.eyes, self.radii = eyes, radii
        self.colours = [iris_colour(lab, e) for e in eyes]
        self.painted = self._paint(lab, fits)
        self.frames: list[tuple[int, float, float]] = []  # (frame index, eye 0's share, eye 1's)

    def _paint(self, lab: np.ndarray, fits: list[EyeFit | None]) -> list[float]:
        """Each eye's :func:`iris_paint` where ``fits`` put it (NaN: not read)."""
        out = []
        for e, r, c, fit in zip(self.eyes, self.radii, self.colours, fits):
            if c is None or fit is None:
                out.append(float("nan"))
                continue
            out.append(iris_paint(lab, e.contour @ fit.affine[:, :2].T + fit.affine[:, 2], fit.iris, r, c))
        return out

    def __call__(self, index: int, lab: np.ndarray, fits: list[EyeFit | None]) -> tuple[float, float]:
        """Each eye's share in frame ``index`` (``lab`` (H, W, 3) float32 Lab; ``fits``: where
        each painted eye went, :func:`sfumato.face.white_match.fit_eyes`): its iris paint over the
        painting's, NaN for an eye not read; kept for :meth:`row`."""
        paint = self._paint(lab, fits)
        share = [f / p if p > 0 else float("nan") for f, p in zip(paint, self.painted)]
        self.frames.append((index, share[0], share[1]))
        return share[0], share[1]

    def row(self, labels: np.ndarray) -> dict:
        """The bench row's cells: ``iris_shown`` the least share of any eye and frame read,
        ``iris_shown_eyes`` each eye's least, ``iris_shown_at`` the gaze yaw of that frame
        (``labels`` (N, 2) the bank's, degrees); NaN where nothing was read."""
        nan = float("nan")
        eyes = [min((t[k] for t in self.frames if np.isfinite(t[k])), default=nan) for k in (1, 2)]
        read = [t for t in self.frames if np.isfinite(t[1:]).any()]
        if not read:
            return {"iris_shown": nan, "iris_shown_eyes": eyes, "iris_shown_at": nan}
        worst = min(read, key=lambda t: np.nanmin(t[1:]))
        return {"iris_shown": float(np.nanmin(worst[1:])), "iris_shown_eyes": eyes, "iris_shown_at": float(labels[worst[0], 0])}


def shown_cell(r: dict, mark: str) -> str:
    """bench_rig's *iris shown* cell of a row (:meth:`ShownMeter.row`): the least share, each
    eye's least, and the gaze label of its frame; n/a when nothing was read."""
    if not np.isfinite(r.get("iris_shown", float("nan"))):
        return "n/a"
    e0, e1 = r["iris_shown_eyes"]
    return f"{r['iris_shown']:.2f} ({e0:.2f} / {e1:.2f}) {mark} [{r['iris_shown_at']:+.0f}]"
