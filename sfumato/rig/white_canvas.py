"""The crackled canvas carried over the rebuilt eye white.

The rebuilt white takes the painted white's own fine texture (:mod:`sfumato.rig.white_texture`):
its calm pixels, in small turned blocks, no block holding a step. On a crackled painting the
white's grain *is* its steps: the craquelure's dark lines and the canvas weave run across the
painted white, the iris and the skin round the eye alike. The Mona Lisa's image-right white
(119 calm pixels) lends blocks at 0.79 of its own fine contrast, crackle left out, and her
revealed white and the almond of shade on her outer side read as a smoothed plate with a few
dark lines in a densely crackled face (bench_rig's grain flat 0.56 at 6561cb1).

Where the painted white's blocks lay less than its own fine contrast (its grain is in the steps
they leave out: the Mona Lisa's image-right white 0.79 of it; 0.96-7.0 on every other bench eye but
portrait_17's, 0.61 / 0.80) and the canvas round the eye is crackled, grainier than the painted
white by :data:`CRACKLED` or more (the skin ring's fine contrast over the painted white's, as
:func:`sfumato.rig.white_grain.sclera_plate` reads them: the Mona Lisa's 1.61 / 1.70, her
image-right eye 1.43 on the bundled 900 px copy; 0.12-1.14 on the other nine bench paintings' eyes
but portrait_13's image-right, 1.70, whose 31 px white lends 7 x its own contrast in blocks; laid
there, the canvas printed the edge of the cheek's highlight as a streak across its white), the
rebuilt white is laid with the canvas itself
(:func:`sfumato.rig.white_grain.crackle`), as the closed lid is
(:func:`sfumato.rig.lid_grain.lid_texture`): the painting's fine detail from the skin
:data:`DEPTH` opening heights under the eye, shifted whole pixels (no resampling blur of the
cracks), its long lines along the lids taken out (the lower lid's folds). It lies fixed in the
painting (the iris moves over it; the canvas round it moves with it in every frame, so no pattern
slides against it), one continuous network (no tiles; the panel's vertical cracks run on through
the eye, as they do through the painted iris). The caller lays it within the range of the painted
white's own specks (no crack darker than any in the white: dirt) and scales it down to the
painted white's fine contrast (never up: :func:`sfumato.rig.white_grain.at_most`). On the 1200 px
Mona Lisa the rig's rebuilt image-right white then reads 1.24 of her painted white's fine contrast
(0.74 with the blocks; tests/test_white_crackle.py), its darkest specks 1.05 of the painted
white's (0.93). Her image-left white's blocks lay 1.10 of its contrast (scaled to it): left as
they are.

Arrays are ROI pixels: ``image`` (h, w, 3) float32 RGB in [0, 255].
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from sfumato.rig.lid_grain import lid_texture
from sfumato.rig.lids import EyeFrame, Lids

CRACKLED = 1.3
"""The canvas round the eye (the skin ring's fine contrast) at least this many times the painted
white's: the white's grain is the canvas' crackle and weave, which its calm blocks leave out.
Between the largest of the bench's other eyes (portrait_11's image-left, 1.14) and the Mona
Lisa's least (1.43, the bundled 900 px copy's image-right eye); not swept, no held-out set."""
DEPTH = 2.0
"""The canvas is taken from this many opening heights (at least :data:`MIN_DEPTH` iris radii)
under each pixel of the rebuilt white: the cheek under the eye, past the lower lid's line."""
MIN_DEPTH = 2.5


def crackled(white_fine: float, skin_fine: float) -> bool:
    """Whether the canvas round the eye is crackled: its fine contrast (``skin_fine``) at least
    :data:`CRACKLED` times the painted white's (``white_fine``; both > 0, NaN: False)."""
    return bool(np.isfinite(white_fine) and np.isfinite(skin_fine) and white_fine > 0 and skin_fine >= CRACKLED * white_fine)


def canvas_grain(image: np.ndarray, frame: EyeFrame, lids: Lids, radius: float) -> Callable[[np.ndarray, float, float], np.ndarray | None]:
    """The canvas' fine texture for the rebuilt white, computed when asked for
    (:func:`sfumato.rig.white_grain.sclera_plate`'s ``canvas``).

    Args:
        image: (h, w, 3) float32 RGB ROI in [0, 255]; frame, lids: the eye's frame and lids;
            radius: the iris radius, pixels.

    Returns:
        A function of ``need`` ((h, w) bool, where the white is rebuilt), the painted white's and
        the skin ring's fine contrasts: None where the canvas is not :func:`crackled`, else the
        (h, w) float32 luminance ratio minus 1 over ``need`` (zero elsewhere): the skin's detail
        :data:`DEPTH` opening heights under it (:func:`sfumato.rig.lid_grain.lid_texture`).
    """

    def grain(need: np.ndarray, white_fine: float, skin_fine: float) -> np.ndarray | None:
        if not crackled(white_fine, skin_fine):
            return None
        depth = max(DEPTH * lids.height(), MIN_DEPTH * radius)
        tex = lid_texture(image, image.mean(2), frame, need, depth, radius)
        return np.where(need, tex - 1.0, 0.0).astype(np.float32)

    return grain
