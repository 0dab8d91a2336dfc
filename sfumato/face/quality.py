"""Measure a rendered frame from outside, as a viewer would: FaceMesh on the full frame.

The measures compare a frame with the painting it came from (see ``benchmarks/bench_rig.py``):

- **iris radius**: mean distance of the four FaceMesh iris rim points from the iris centre,
  averaged over both eyes, in pixels;
- **eye white**: the pixels inside the FaceMesh eye contour and outside the iris disc; their
  median lightness (L of CIE Lab, 0..100) and their 90th percentile;
- **sharpness**: variance of the Laplacian (grey, 0..255) over the inner half of the head crop.

Gaze is measured by :mod:`sfumato.face.gaze`; :func:`gaze_order` summarises a sweep of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sfumato.face.topology import EYES
from sfumato.imaging.lab import lightness

Box = tuple[int, int, int, int]
"""(x, y, w, h) pixels."""


@dataclass(frozen=True)
class EyeStats:
    """What FaceMesh sees of both eyes in one image.

    Attributes:
        iris_radius: mean iris radius of both eyes, pixels.
        white_l: (K,) float32 L (0..100) of every eye-white pixel of both eyes.
    """

    iris_radius: float
    white_l: np.ndarray

    @property
    def white_median(self) -> float:
        """Median eye-white lightness, L 0..100 (NaN without eye-white pixels)."""
        return float(np.median(self.white_l)) if self.white_l.size else float("nan")

    def white_percentile(self, q: float) -> float:
        return float(np.percentile(self.white_l, q)) if self.white_l.size else float("nan")

    def bright_share(self, threshold: float) -> float:
        """Share of eye-white pixels with L above ``threshold`` (0..1)."""
        return float((self.white_l > threshold).mean()) if self.white_l.size else float("nan")


def bright_share(frame: list[EyeStats], painting: list[EyeStats], above: float = 3.0) -> float:
    """Share of the eye-white pixels of a frame brighter than the painting's own 90th percentile
    + ``above`` L, each eye against its own (one :class:`EyeStats` per eye, ``EYES`` order, e.g.
    ``eye_stats(..., only=k)``), the eyes weighted by their pixels; an eye with no white pixels
    in the frame or in the painting is left out (no threshold, no share); NaN without any.

    Pooled, a lit eye's own white reads as too bright against a threshold set by both eyes (a
    shaded eye pulls the 90th percentile down): on portrait_10 the rebuilt white of the lit eye,
    as light as that eye's painted white, counted 0.17 of all pixels as too bright.
    """
    shares = [(f.bright_share(p.white_percentile(90) + above), f.white_l.size) for f, p in zip(frame, painting) if p.white_l.size]
    shares = [(s, n) for s, n in shares if n and np.isfinite(s)]
    return float(np.average([s for s, _ in shares], weights=[n for _, n in shares])) if shares else float("nan")


def eye_iris_radii(landmarks: np.ndarray) -> tuple[float, float]:
    """Each eye's iris radius (pixels, ``EYES`` order): the mean distance of FaceMesh's four iris
    rim points from its iris centre, from (478, 2|3) refined FaceMesh landmarks."""
    lm = np.asarray(landmarks, np.float64)
    r0, r1 = (float(np.linalg.norm(lm[list(e.iris[1:]), :2] - lm[e.iris[0], :2], axis=1).mean()) for e in EYES)
    return r0, r1


def iris_radius(landmarks: np.ndarray) -> float:
    """Mean iris radius of both eyes (pixels) from (478, 2|3) refined FaceMesh landmarks."""
    return float(np.mean(eye_iris_radii(landmarks)))


def erosion_depth(poly: np.ndarray, erode: float) -> float:
    """How far (pixels) :func:`shrunk_contour` shrinks the eye contour ``poly`` ((K, 2) pixels):
    ``erode`` of its mean opening height (area / width), at least a pixel; 0 when ``erode`` is 0."""
    if erode <= 0:
        return 0.0
    width = max(float(np.ptp(poly[:, 0])), 1.0)
    return max(1.0, erode * cv2.contourArea(poly.astype(np.float32)) / width)


def shrunk_contour(shape: tuple[int, int], poly: np.ndarray, erode: float = 0.0, depth: float | None = None) -> np.ndarray:
    """(H, W) bool inside the eye contour ``poly`` ((K, 2) pixels), shrunk by ``erode`` of the
    eye's mean opening height (:func:`erosion_depth`), or by ``depth`` pixels when given.

    The shrink is rounded to whole pixels. A caller measuring the same eye in many frames passes
    the depth measured once on the painting: recomputed on each frame's fitted contour it sat at
    1.46-1.52 on portrait_13's eye, so a 1 % wobble of the fit flipped it between 1 and 2 px and
    dropped a third of the eye's white pixels (its bright share moved with no change to the eye).
    """
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
    d = erosion_depth(poly, erode) if depth is None else float(depth)
    if d > 0:
        px = max(1, int(round(d)))
        mask = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * px + 1, 2 * px + 1)))
    return mask > 0


def erosion_depths(landmarks: np.ndarray, erode: float) -> tuple[float, float]:
    """:func:`erosion_depth` of each eye (``EYES`` order) of (478, 2|3) FaceMesh ``landmarks``."""
    lm = np.asarray(landmarks, np.float64)
    d = [erosion_depth(lm[list(e.contour), :2], erode) for e in EYES]
    return d[0], d[1]


def eye_white_mask(
    shape: tuple[int, int], landmarks: np.ndarray, iris_radii: tuple[float, float] | None = None, erode: float = 0.0,
    only: int | None = None, depths: tuple[float, float] | None = None,
) -> np.ndarray:
    """(H, W) bool: inside either eye contour and outside that eye's iris disc.

    Args:
        shape: (H, W); landmarks: (478, 2|3) FaceMesh landmarks, pixels.
        iris_radii: per eye (``EYES`` order) radius of the disc left out around FaceMesh's
            iris centre, pixels; FaceMesh's own iris radius when None. A painted iris is often
            larger than FaceMesh's human-sized estimate: pass the painting's own (see
            :func:`painted_iris_radii`) so its rim is not counted as eye white.
        erode: the contour is shrunk by this fraction of the eye's mean opening height (at
            least a pixel when > 0), so the lid lines and lashes it runs along are left out.
        only: this eye alone (its index in ``EYES``), both when None.
        depths: each eye's shrink in pixels (:func:`erosion_depths` of the painting), instead of
            ``erode`` of this contour's own opening height: steady across frames of one eye.
    """
    lm = np.asarray(landmarks, np.float64)
    out = np.zeros(shape, bool)
    for k, e in enumerate(EYES):
        if only is not None and k != only:
            continue
        inside = shrunk_contour(shape, lm[list(e.contour), :2], erode, None if depths is None else depths[k])
        c = lm[e.iris[0], :2]
        r = float(np.linalg.norm(lm[list(e.iris[1:]), :2] - c, axis=1).mean()) if iris_radii is None else float(iris_radii[k])
        disc = np.zeros(shape, np.uint8)
        cv2.circle(disc, (int(round(c[0])), int(round(c[1]))), max(1, int(round(r))), 1, -1)
        out |= inside & (disc == 0)
    return out


def painted_iris_radii(image: np.ndarray, landmarks: np.ndarray) -> tuple[float, float]:
    """The painted iris radius of each eye (``EYES`` order), pixels: the circle whose visible
    rim steps most from dark iris to light white, searched around FaceMesh's iris
    (:func:`sfumato.rig.iris.fit_iris`, used here as a measuring tool).

    Args:
        image: (H, W, 3) uint8 RGB; landmarks: (478, 2|3) FaceMesh landmarks of ``image``.
    """
    from sfumato.rig.iris import fit_iris

    lm = np.asarray(landmarks, np.float64)
    radii = []
    for e in EYES:
        poly = lm[list(e.contour), :2]
        c0 = lm[e.iris[0], :2]
        r0 = float(np.linalg.norm(lm[list(e.iris[1:]), :2] - c0, axis=1).mean())
        pad = int(np.ceil(3 * r0)) + 2
        x0, y0 = (np.floor(poly.min(0)).astype(int) - pad).clip(0)
        x1, y1 = np.ceil(poly.max(0)).astype(int) + pad
        roi = lightness(np.ascontiguousarray(image[y0:y1, x0:x1]))
        inside = np.zeros(roi.shape, np.uint8)
        cv2.fillPoly(inside, [np.round(poly - [x0, y0]).astype(np.int32)], 1)
        radii.append(fit_iris(roi, inside.astype(np.float32), c0 - [x0, y0], r0).radius)
    return float(radii[0]), float(radii[1])


def eye_stats(
    image: np.ndarray, landmarks: np.ndarray, iris_radii: tuple[float, float] | None = None, erode: float = 0.0,
    only: int | None = None, light: np.ndarray | None = None, depths: tuple[float, float] | None = None,
) -> EyeStats:
    """Iris radius and eye-white lightness of ``image`` (H, W, 3) uint8 RGB, measured at the
    (478, 2|3) FaceMesh ``landmarks`` found on that image (``iris_radii``, ``erode``,
    ``only`` and ``depths`` as in :func:`eye_white_mask`; the iris radius reported is always FaceMesh's, both
    eyes'). ``light``: the image's (H, W) float32 CIE L when the caller has it (one conversion
    per frame for every measure), else converted here around the eyes."""
    lm = np.asarray(landmarks, np.float64)
    pts = np.concatenate([lm[list(e.contour), :2] for e in EYES])
    h, w = image.shape[:2]
    x0, y0 = np.clip(np.floor(pts.min(0)).astype(int) - 2, 0, [w, h])
    x1, y1 = np.clip(np.ceil(pts.max(0)).astype(int) + 3, 0, [w, h])
    roi = image[y0:y1, x0:x1]
    mask = eye_white_mask(roi.shape[:2], lm[:, :2] - [x0, y0], iris_radii, erode, only, depths)
    roi_l = lightness(roi) if light is None else light[y0:y1, x0:x1]
    return EyeStats(iris_radius(lm), roi_l[mask].astype(np.float32))


def inner_half(box: Box) -> tuple[slice, slice]:
    """Rows and columns of the central half (in each direction) of a box."""
    x, y, w, h = box
    return slice(y + h // 4, y + h // 4 + h // 2), slice(x + w // 4, x + w // 4 + w // 2)


def laplacian_variance(image: np.ndarray, box: Box) -> float:
    """Variance of the Laplacian of the grey image over the inner half of ``box``.

    Args:
        image: (H, W, 3) uint8 RGB.
        box: (x, y, w, h) the head crop, pixels of ``image``.
    """
    rows, cols = inner_half(box)
    grey = cv2.cvtColor(np.ascontiguousarray(image[rows, cols]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def face_landmarks(image: np.ndarray, near: Box | None = None) -> np.ndarray | None:
    """FaceMesh landmarks of the face in ``image`` (the one whose box centre lies in ``near``
    when given, else the largest): (478, 3) float32 pixels, or None when none is found."""
    from sfumato.face.detect import find_faces  # imports mediapipe lazily

    faces = find_faces(image)
    if near is not None:
        x, y, w, h = near
        inside = [f for f in faces if x <= f.box[0] + f.box[2] / 2 <= x + w and y <= f.box[1] + f.box[3] / 2 <= y + h]
        faces = inside or faces
    return faces[0].landmarks if faces else None


def steady_landmarks(image: np.ndarray, near: Box | None = None, samples: int = 4) -> np.ndarray | None:
    """:func:`face_landmarks` averaged over ``samples`` slightly scaled, shifted and rotated
    copies of the image (each copy's landmarks mapped back first; the first copy is the image
    itself), so FaceMesh's jitter of the eye contour from one image to a nearly identical one
    (a pixel or two, enough to move the eye-white measure by a few L) averages out.

    Returns:
        (478, 3) float32 pixels, or None when no copy shows a face.
    """
    from sfumato.face.gaze import jitter_variants, jittered, mapped_back

    n = max(1, int(samples))
    found = []
    for scale, tx, ty, rot, _ in [v for v in jitter_variants(2 * n) if not v[4]][:n]:
        img, m = jittered(image, scale, tx, ty, rot)
        box = None
        if near is not None:  # the box moved with the copy
            x, y, bw, bh = near
            cx, cy = m @ np.array([x + bw / 2, y + bh / 2, 1.0])
            box = (int(cx - scale * bw / 2), int(cy - scale * bh / 2), int(scale * bw), int(scale * bh))
        lm = face_landmarks(np.ascontiguousarray(img), near=box)
        if lm is None:
            continue
        back = np.asarray(lm, np.float64).copy()
        back[:, :2] = mapped_back(back[:, :2], m)
        back[:, 2] /= scale
        found.append(back)
    return np.mean(found, axis=0).astype(np.float32) if found else None


def gaze_order(values: np.ndarray) -> dict[str, float | int]:
    """Summary of a horizontal gaze sweep (eye half-widths, in the sweep's order).

    Returns:
        range (max - min), first_to_last, reversed_steps (steps that do not increase),
        steps, smallest_step; NaNs (frames without a face) count as reversed steps.
    """
    h = np.asarray(values, np.float64)
    d = np.diff(h)
    return {
        "range": float(np.nanmax(h) - np.nanmin(h)) if np.isfinite(h).any() else float("nan"),
        "first_to_last": float(h[-1] - h[0]),
        "reversed_steps": int((~(d > 0)).sum()),
        "steps": int(len(d)),
        "smallest_step": float(np.nanmin(d)) if np.isfinite(d).any() else float("nan"),
    }
