"""Blend an animated head crop back into the painting with a soft alpha mask.

The square mask follows the Mona Lisa Effect project:
``alpha(x, y) = 1 / (1 + exp(j * (max(|x - m|, |y - m|) - k)))`` with j = 0.06, k = 180,
m = 256 on a 512 px crop. Here j and k are relative to the crop side S
(``j = j_rel / S``, ``k = k_rel * S``; the anchor's values are j_rel = 30.72,
k_rel = 0.3516) and the mask is rescaled so it is exactly 1 at the centre and exactly 0 on
the crop's outermost pixels: no seam, and pixels outside the crop never change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import cv2
import numpy as np

ANCHOR_J_REL = 0.06 * 512
ANCHOR_K_REL = 180.0 / 512


@dataclass(frozen=True)
class BlendParams:
    """How the rendered crop is blended into the painting.

    Attributes:
        shape: "square" (the anchor's Chebyshev-distance sigmoid) or "ellipse" (a sigmoid
            in the normalised radius of an ellipse fitted to the face outline).
        j_rel: square mask steepness times the crop side.
        k_rel: square mask half-way distance as a fraction of the crop side.
        ellipse_scale: ellipse mask is 0.5 at this multiple of the fitted face outline.
        ellipse_softness: ellipse mask steepness per unit of normalised radius.
        color_match: match the rendered crop's Lab mean/std to the painting's under the mask.
    """

    shape: Literal["square", "ellipse"] = "square"
    j_rel: float = ANCHOR_J_REL
    k_rel: float = ANCHOR_K_REL
    ellipse_scale: float = 1.35
    ellipse_softness: float = 12.0
    color_match: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _normalise(alpha: np.ndarray, a_center: float, a_edge: float) -> np.ndarray:
    return np.clip((alpha - a_edge) / (a_center - a_edge), 0.0, 1.0).astype(np.float32)


def square_alpha(side: int, j_rel: float = ANCHOR_J_REL, k_rel: float = ANCHOR_K_REL) -> np.ndarray:
    """The anchor's square sigmoid mask scaled to any crop.

    The sigmoid falls with distance, so the mask of the Chebyshev distance
    ``max(|x - m|, |y - m|)`` is the minimum of two 1-D masks: one (side, side) array in all.

    Returns:
        (side, side) float32 in [0, 1]: 1 at the centre, 0 on the outermost pixels.
    """
    m = side / 2.0
    c = np.abs(np.arange(side, dtype=np.float64) + 0.5 - m)
    j, k = j_rel / side, k_rel * side
    a1 = _normalise(_sigmoid(-j * (c - k)), float(_sigmoid(-j * (c.min() - k))), float(_sigmoid(-j * (c.max() - k))))
    return np.minimum(a1[None, :], a1[:, None])


def ellipse_alpha(side: int, outline: np.ndarray, scale: float = 1.35, softness: float = 12.0) -> np.ndarray:
    """A mask that follows the face: sigmoid in the radius of the ellipse fitted to its outline.

    Args:
        side: crop side in pixels.
        outline: (K, 2) float face-outline points in crop pixels (K >= 5).
        scale: the mask is 0.5 at ``scale`` times the fitted ellipse.
        softness: steepness per unit of normalised radius.

    Returns:
        (side, side) float32 in [0, 1], multiplied by a wide square fade so it is exactly 0
        on the crop's outermost pixels.
    """
    (cx, cy), (ax, ay), angle = cv2.fitEllipse(outline.astype(np.float32).reshape(-1, 1, 2))
    a, b = max(ax / 2.0, 1.0), max(ay / 2.0, 1.0)
    t = np.deg2rad(angle)
    xs = np.arange(side, dtype=np.float32) + 0.5 - cx
    ys = np.arange(side, dtype=np.float32) + 0.5 - cy
    u = xs[None, :] * np.cos(t) + ys[:, None] * np.sin(t)
    v = -xs[None, :] * np.sin(t) + ys[:, None] * np.cos(t)
    r = np.sqrt((u / a) ** 2 + (v / b) ** 2)
    ell = _sigmoid(-softness * (r - scale))
    ell = _normalise(ell, float(ell.max()), 0.0)
    return (ell * square_alpha(side, j_rel=40.0, k_rel=0.42)).astype(np.float32)


def alpha_mask(params: BlendParams, side: int, outline: np.ndarray | None = None) -> np.ndarray:
    """The (side, side) float32 mask in [0, 1] that ``params`` describe."""
    if params.shape == "square":
        return square_alpha(side, params.j_rel, params.k_rel)
    if params.shape == "ellipse":
        if outline is None:
            raise ValueError("the ellipse mask needs the face outline")
        return ellipse_alpha(side, outline, params.ellipse_scale, params.ellipse_softness)
    raise ValueError(f"unknown blend shape {params.shape!r}; use 'square' or 'ellipse'")


def match_colors(rendered: np.ndarray, reference: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Shift the rendered crop's colours to the reference's (Lab mean and std under ``weight``).

    Args:
        rendered, reference: (H, W, 3) uint8 RGB of the same size.
        weight: (H, W) float32 in [0, 1], where the statistics are taken.

    Returns:
        (H, W, 3) uint8 RGB.
    """
    w = weight.astype(np.float64)[..., None]
    total = float(w.sum())
    if total < 1.0:
        return rendered
    src = cv2.cvtColor(rendered, cv2.COLOR_RGB2LAB).astype(np.float32)
    ref = cv2.cvtColor(reference, cv2.COLOR_RGB2LAB).astype(np.float32)
    mu_s, mu_r = (src * w).sum((0, 1)) / total, (ref * w).sum((0, 1)) / total
    sd_s = np.sqrt(((src - mu_s) ** 2 * w).sum((0, 1)) / total) + 1e-6
    sd_r = np.sqrt(((ref - mu_r) ** 2 * w).sum((0, 1)) / total)
    out = (src - mu_s) * (sd_r / sd_s) + mu_r
    return cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)


def blend(base: np.ndarray, rendered: np.ndarray, alpha: np.ndarray, rows: int = 256) -> np.ndarray:
    """``base * (1 - alpha) + rendered * alpha``, rounded; exactly ``base`` where alpha is 0.

    Works in strips of ``rows`` rows so large crops need no full-size float copies.

    Args:
        base, rendered: (H, W, 3) uint8.
        alpha: (H, W) float32 in [0, 1].

    Returns:
        (H, W, 3) uint8.
    """
    out = np.empty_like(base)
    for y in range(0, base.shape[0], rows):
        sl = slice(y, y + rows)
        b = base[sl].astype(np.float32)
        b += alpha[sl, :, None] * (rendered[sl].astype(np.float32) - b)
        out[sl] = np.rint(b, out=b)
    return out


class FixedBlend:
    """:func:`blend` over one fixed ``base`` and ``alpha``, for many ``rendered`` images (video
    frames): the float base and the per-channel alpha are made once, and each call is four
    vectorised OpenCV passes. Bit-identical to :func:`blend`.

    Args:
        base: (H, W, 3) or (H, W) uint8.
        alpha: (H, W) float32 in [0, 1].
    """

    def __init__(self, base: np.ndarray, alpha: np.ndarray) -> None:
        self.base = np.ascontiguousarray(base, np.float32)
        a = np.ascontiguousarray(alpha, np.float32)
        self.alpha = np.ascontiguousarray(np.repeat(a[..., None], base.shape[2], 2)) if base.ndim == 3 else a
        self._diff = np.empty_like(self.base)

    def __call__(self, rendered: np.ndarray) -> np.ndarray:
        """``base * (1 - alpha) + rendered * alpha``, rounded: uint8 shaped like ``base``, a new array."""
        d = self._diff
        # the same float32 steps as blend(): (r - b) * a + b, then round half to even
        # (convertScaleAbs rounds as np.rint; the sum lies within 0..255, so abs changes nothing)
        cv2.subtract(rendered, self.base, dst=d, dtype=cv2.CV_32F)
        cv2.multiply(d, self.alpha, dst=d)
        cv2.add(d, self.base, dst=d)
        return cv2.convertScaleAbs(d)
