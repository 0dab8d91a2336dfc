"""The catchlight as the painter drew it: its own matte and colours, moved as a sprite.

The rig stores only where the highlight is and how big (:class:`~sfumato.rig.model.Catchlight`);
the sprite is re-cut from the painted pixels when the layers are derived
(:func:`sfumato.rig.eye.eye_layers`), as the iris texture is. Its matte is how far each pixel
stands above the iris around it (:func:`~sfumato.rig.catchlight.local_excess`, what
:func:`~sfumato.rig.catchlight.find_catchlight` finds it by), normalised to its peak, so a comma
keeps its tail and a soft stroke its soft edge; a round disc in one colour
(:func:`~sfumato.rig.catchlight.catchlight_alpha`, what rig.json files from before the sprite
still draw) reads as a sticker on the painter's own stroke.

Arrays are ROI pixels: ``image`` (h, w, 3) float32 RGB in [0, 255], mattes float32 in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.imaging.lab import lightness
from sfumato.rig.catchlight import local_excess
from sfumato.rig.model import Catchlight

FLOOR = 0.12
"""The sprite is the connected part of the highlight standing at least this share of its peak
above the iris around it (grown by a pixel, so its soft edge fades out below this instead of
being cut): lower, the iris' own light texture next to it would ride along."""
REACH = 3.0
"""... within this many of its equivalent radii (plus 2 pixels) of its centre, and inside the iris."""
EDGE = 2.0
"""... and within this many pixels (or its equivalent radius, if more) of its core, where it
stands at least half its peak above the iris (the extent the finder measures): a soft edge, not
the iris' own light texture beside it that a low floor would let in."""


@dataclass
class CatchlightSprite:
    """The painted highlight cut out as a premultiplied RGBA patch.

    Attributes:
        x0, y0: the patch's top-left pixel in the ROI it was cut from.
        premul: (h, w, 3) float32, the highlight's colour times its matte, in [0, 255].
        under: (h, w, 3) float32 RGB in [0, 255], the iris around it carried in under it (the
            painting's per-channel grey opening, the top-hat's complement).
        matte: (h, w) float32 in [0, 1], 1 at the highlight's peak.
        anchor: (2,) x, y ROI pixels, where the highlight sits in the painting (the iris centre
            plus the catchlight's offset): the sprite moves by ``position - anchor``.
    """

    x0: int
    y0: int
    premul: np.ndarray
    under: np.ndarray
    matte: np.ndarray
    anchor: np.ndarray

    def remove(self, image: np.ndarray) -> np.ndarray:
        """``image`` ((h, w, 3) float32 RGB, the ROI it was cut from) with the highlight taken
        out, what the iris texture carries: the inverse of drawing the sprite at rest over it
        (``painted - premul + matte * under``: the iris around it where it covers it in full).
        A copy: the highlight's soft edge and tail, which reach past the small disc the iris
        layer completes (:func:`sfumato.rig.eye.eye_layers`), do not ride along with the iris as
        a ghost of it (completing the whole footprint from the iris ring around it turned
        portrait_14's dark pupil grey under its light bar)."""
        out = np.array(image, np.float32, copy=True)
        h, w = self.matte.shape
        box = out[self.y0 : self.y0 + h, self.x0 : self.x0 + w]
        box += self.matte[..., None] * self.under - self.premul
        np.clip(box, 0.0, 255.0, out=box)
        return out

    def offset(self, position: np.ndarray) -> tuple[float, float]:
        """The whole-pixel move (dx, dy) :meth:`place` makes to put the sprite at ``position``
        ((2,) x, y ROI pixels): positions with the same offset draw the same pixels."""
        dx, dy = (float(np.round(p - a)) for p, a in zip(position, self.anchor))
        return dx, dy

    def place(self, shape: tuple[int, int], position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sprite moved to ``position`` ((2,) x, y ROI pixels), to the nearest whole pixel:
        (h, w, 3) premultiplied colour and (h, w) matte in an ROI of ``shape``, zero outside the
        sprite. The painter's own pixels, as crisp as painted: a stroke 1-3 px across resampled
        half a pixel over spreads into its neighbours at about two thirds of its peak
        (portrait_07's image-left triangle, 72 L painted, read 49 L at -30 degrees)."""
        dx, dy = self.offset(position)
        m = np.float32([[1, 0, self.x0 + dx], [0, 1, self.y0 + dy]])
        size = (shape[1], shape[0])
        flags, border = cv2.INTER_CUBIC, cv2.BORDER_CONSTANT
        matte = np.clip(cv2.warpAffine(self.matte, m, size, flags=flags, borderMode=border), 0.0, 1.0)
        premul = np.clip(cv2.warpAffine(self.premul, m, size, flags=flags, borderMode=border), 0.0, 255.0)
        return premul, matte


def cut_sprite(image: np.ndarray, centre: np.ndarray, radius: float, cl: Catchlight) -> CatchlightSprite | None:
    """Cut the painted highlight out of ``image`` as a sprite.

    Args:
        image: (h, w, 3) float32 RGB ROI in [0, 255].
        centre: (2,) iris centre, ROI pixels; radius: iris radius, pixels.
        cl: the catchlight the rig found (its offset from ``centre`` and equivalent radius).

    Returns:
        The sprite, or None when nothing stands above the iris there (the caller draws the disc).
    """
    h, w = image.shape[:2]
    anchor = np.asarray(centre, np.float64) + np.asarray(cl.offset, np.float64)
    rgb = np.ascontiguousarray(image, np.float32)
    excess, se = local_excess(lightness(rgb), radius)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    near = (np.hypot(xx - anchor[0], yy - anchor[1]) <= REACH * cl.radius + 2.0) & (
        np.hypot(xx - centre[0], yy - centre[1]) < radius
    )
    core = near & (np.hypot(xx - anchor[0], yy - anchor[1]) <= cl.radius + 1.0)
    if not core.any():
        return None
    peak = float(excess[core].max())
    if peak <= 1.0:
        return None
    at = np.unravel_index(np.argmax(np.where(core, excess, -1.0)), excess.shape)
    _, lab = cv2.connectedComponents((near & (excess >= 0.5 * peak)).astype(np.uint8), connectivity=8)
    band = max(EDGE, cl.radius)
    away = cv2.distanceTransform((lab != lab[at]).astype(np.uint8), cv2.DIST_L2, 3)
    _, lab = cv2.connectedComponents((near & (excess >= FLOOR * peak) & (away <= band)).astype(np.uint8), connectivity=8)
    blob = (lab == lab[at]).astype(np.uint8)
    blob = cv2.dilate(blob, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))) & near & (away <= band + 1.0)
    matte = np.where(blob > 0, np.clip(excess / peak, 0.0, 1.0), 0.0).astype(np.float32)
    # the highlight's own colour, premultiplied: the painted pixel less the iris around it
    # (the top-hat's opening, per channel) where the highlight does not cover it
    under = cv2.morphologyEx(rgb, cv2.MORPH_OPEN, se)
    premul = np.clip(rgb - (1.0 - matte[..., None]) * under, 0.0, 255.0 * matte[..., None])
    ys, xs = np.nonzero(blob)
    y0, y1 = max(0, int(ys.min()) - 2), min(h, int(ys.max()) + 3)
    x0, x1 = max(0, int(xs.min()) - 2), min(w, int(xs.max()) + 3)
    cut = lambda a: np.ascontiguousarray(a[y0:y1, x0:x1], np.float32)  # noqa: E731
    return CatchlightSprite(x0, y0, cut(premul), cut(under), cut(matte), anchor)
