"""Find faces in a painting: BlazeFace boxes plus 478 FaceMesh landmarks (with irises).

Large paintings are analysed on a downscaled copy; small faces (full-length portraits) are
searched with the full-range detector and then in overlapping tiles. Each face's mesh is
measured on a crop around its box, resampled to a fixed size, so landmark precision does
not depend on the painting's size. All returned coordinates are full-resolution pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sfumato.face import models as mpm
from sfumato.imaging.resize import pad_square_crop, resize_max_side

MIN_FACE_PX = 80
"""Smallest face (BlazeFace box width, painting pixels) sfumato can animate."""

ANALYSIS_SIDE = 1280
"""Longest side of the copy the detector runs on."""

MESH_SIDE = 512
"""Side of the square face crop the mesh is measured on."""


@dataclass
class Face:
    """A face in painting coordinates.

    Attributes:
        box: (x, y, w, h) float BlazeFace box, painting pixels.
        landmarks: (478, 3) float32 FaceMesh points; x, y painting pixels, z depth in the
            same pixel scale (smaller is nearer the viewer).
        score: detector confidence in [0, 1].
    """

    box: tuple[float, float, float, float]
    landmarks: np.ndarray
    score: float

    @property
    def width(self) -> float:
        return float(self.box[2])


@dataclass(frozen=True)
class Detection:
    """One BlazeFace detection in pixels of the image it ran on.

    Attributes:
        box: (x, y, w, h) float.
        score: confidence in [0, 1].
        eyes: ((x, y) of the subject's right eye, (x, y) of the subject's left eye).
    """

    box: tuple[float, float, float, float]
    score: float
    eyes: tuple[tuple[float, float], tuple[float, float]]


def detect_faces(image: np.ndarray, full_range: bool = False, min_confidence: float = 0.5) -> list[Detection]:
    """BlazeFace on an image as it is (the cached, pre-warmed detector; no stderr redirection).

    Args:
        image: (H, W, 3) uint8 RGB.
        full_range: the full-range model (small or distant faces) instead of short range.

    Returns:
        Detections, highest score first.
    """
    h, w = image.shape[:2]
    result = mpm.face_detector(full_range, min_confidence).process(np.ascontiguousarray(image))
    out = []
    for det in result.detections or []:
        b, kp = det.location_data.relative_bounding_box, det.location_data.relative_keypoints
        out.append(Detection(
            box=(b.xmin * w, b.ymin * h, b.width * w, b.height * h),
            score=float(det.score[0]),
            eyes=((kp[0].x * w, kp[0].y * h), (kp[1].x * w, kp[1].y * h)),
        ))
    return sorted(out, key=lambda d: -d.score)


def _detect(image: np.ndarray, full_range: bool) -> list[tuple[np.ndarray, float]]:
    """:func:`detect_faces` as ((4,) float64 x, y, w, h, score) pairs for the box arithmetic here."""
    return [(np.array(d.box, dtype=np.float64), d.score) for d in detect_faces(image, full_range)]


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def _merge(dets: list[tuple[np.ndarray, float]], iou: float = 0.3) -> list[tuple[np.ndarray, float]]:
    """Non-maximum suppression, highest score kept."""
    kept: list[tuple[np.ndarray, float]] = []
    for box, score in sorted(dets, key=lambda d: -d[1]):
        if all(_iou(box, k[0]) < iou for k in kept):
            kept.append((box, score))
    return kept


def _detect_scaled(image: np.ndarray, offset: tuple[int, int] = (0, 0)) -> list[tuple[np.ndarray, float]]:
    """Both detectors on a copy no larger than ANALYSIS_SIDE, boxes mapped back."""
    small, scale = resize_max_side(image, ANALYSIS_SIDE)
    dets = _detect(small, False) + _detect(small, True)
    return [(box / scale + np.array([offset[0], offset[1], 0, 0]), s) for box, s in dets]


def _detect_tiled(image: np.ndarray, tile: int) -> list[tuple[np.ndarray, float]]:
    """Full-range detector on ``tile``-px squares with 50% overlap, each shrunk to <= 640 px.

    BlazeFace sees a 192 px copy of its input, so a face must fill about a sixth of the
    tile: tiles of a few face sizes find faces that a whole-painting pass misses.
    """
    h, w = image.shape[:2]
    step = tile // 2
    dets = []
    for y0 in range(0, max(1, h - step), step):
        for x0 in range(0, max(1, w - step), step):
            y0c, x0c = min(y0, max(0, h - tile)), min(x0, max(0, w - tile))
            part, scale = resize_max_side(image[y0c : y0c + tile, x0c : x0c + tile], 640)
            dets += [(box / scale + np.array([x0c, y0c, 0, 0]), s) for box, s in _detect(part, True)]
    return dets


def _tile_sizes(width: int, height: int, smallest: int = 512) -> list[int]:
    """Tile sides from half the painting down to ``smallest`` pixels, halving each time."""
    sizes, t = [], max(width, height) // 2
    while t >= smallest:
        sizes.append(t)
        t //= 2
    return sizes


def _mesh_in_box(image: np.ndarray, box: np.ndarray) -> np.ndarray | None:
    """FaceMesh on a square crop twice the box size around it: (478, 3) painting pixels."""
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    side = int(round(2.0 * max(box[2], box[3])))
    x0, y0 = int(round(cx - side / 2)), int(round(cy - side / 2))
    crop = pad_square_crop(image, x0, y0, side)
    small, scale = resize_max_side(crop, MESH_SIDE, upscale=True)
    lms = mesh_landmarks(small)
    if lms is None:
        return None
    lms = lms / scale
    lms[:, 0] += x0
    lms[:, 1] += y0
    return lms.astype(np.float32)


def mesh_landmarks(image: np.ndarray) -> np.ndarray | None:
    """FaceMesh (refined, 478 points) on an image as it is.

    Args:
        image: (H, W, 3) uint8 RGB.

    Returns:
        (478, 3) float32: x, y in pixels of ``image``, z = MediaPipe depth * W (pixels);
        the largest face when several are found; None when no face is found.
    """
    with mpm.quiet_stderr():
        result = mpm.face_mesh(1).process(np.ascontiguousarray(image))
    return largest_mesh(result, image.shape[1], image.shape[0])


def largest_mesh(result, width: int, height: int) -> np.ndarray | None:
    """The largest face of a FaceMesh result as (478, 3) float32 pixels of a ``width`` x ``height``
    image (z = MediaPipe depth * width), or None when it found none."""
    if not result.multi_face_landmarks:
        return None
    pts = [
        np.array([(p.x * width, p.y * height, p.z * width) for p in f.landmark], dtype=np.float32)
        for f in result.multi_face_landmarks
    ]
    return max(pts, key=lambda p: np.ptp(p[:, 0]) * np.ptp(p[:, 1]))


def find_faces(image: np.ndarray) -> list[Face]:
    """All animatable faces, largest first.

    Args:
        image: (H, W, 3) uint8 RGB painting at full resolution.

    Returns:
        Faces whose mesh could be measured, sorted by box area, largest first.
    """
    dets = _merge(_detect_scaled(image))
    for tile in _tile_sizes(image.shape[1], image.shape[0]):
        if dets:
            break
        dets = _merge(_detect_tiled(image, tile))
    faces = []
    for box, score in dets:
        lms = _mesh_in_box(image, box)
        if lms is not None:
            faces.append(Face(tuple(float(v) for v in box), lms, score))
    if not faces:  # the mesh's own detector as a last resort
        small, scale = resize_max_side(image, ANALYSIS_SIDE)
        lms = mesh_landmarks(small)
        if lms is not None:
            lms = (lms / scale).astype(np.float32)
            x0, y0 = lms[:, 0].min(), lms[:, 1].min()
            box = (float(x0), float(y0), float(np.ptp(lms[:, 0])), float(np.ptp(lms[:, 1])))
            faces.append(Face(box, lms, 0.0))
    faces.sort(key=lambda f: -f.box[2] * f.box[3])
    return faces


def face_outline(face_landmarks: np.ndarray) -> np.ndarray:
    """(K, 2) float32 points of the face outline (FaceMesh face oval) from (478, 3) landmarks."""
    return face_landmarks[list(mpm.face_oval_indices()), :2].astype(np.float32)

