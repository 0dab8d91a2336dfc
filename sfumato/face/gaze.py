"""Measure where a face looks, from FaceMesh iris landmarks: the bank's objective check.

The gaze of one eye is the iris centre's offset from the midpoint of the eye corners, in eye
half-widths, in the eye's own frame (along the corner line, and perpendicular to it), so head
roll does not leak into it. Both eyes are averaged.
"""

from __future__ import annotations

import numpy as np

from sfumato.face.topology import EYES, N_LANDMARKS


def gaze_from_landmarks(landmarks: np.ndarray) -> tuple[float, float]:
    """Gaze from refined FaceMesh landmarks.

    Args:
        landmarks: (478, 3) or (478, 2) float, x, y in pixels of any image.

    Returns:
        (horizontal, vertical) in eye half-widths, averaged over both eyes: horizontal > 0 when
        the irises sit toward image +x, vertical > 0 when they sit up (toward image -y).
        0 is centred; about +-0.6 is an iris at a corner.
    """
    lm = np.asarray(landmarks, np.float64)
    if lm.ndim != 2 or lm.shape[0] < N_LANDMARKS:
        raise ValueError(f"expected (478, 2|3) refined FaceMesh landmarks, got {lm.shape}")
    hs, vs = [], []
    for eye in EYES:
        frame = eye_axes(lm, eye)
        if frame is None:
            continue
        mid, axis, half = frame
        up = np.array([axis[1], -axis[0]])
        d = lm[eye.iris[0], :2] - mid
        hs.append(float(d @ axis / half))
        vs.append(float(d @ up / half))
    if not hs:
        raise ValueError("degenerate eye corners")
    return float(np.mean(hs)), float(np.mean(vs))


def eye_axes(landmarks: np.ndarray, eye) -> tuple[np.ndarray, np.ndarray, float] | None:
    """One eye's own frame from its corners: (midpoint (2,), unit axis (2,) toward image +x,
    half-width in pixels) of ``landmarks`` ((478, 2|3) float64 pixels) for ``eye`` (an entry of
    :data:`EYES`); None for coincident corners."""
    a, b = landmarks[eye.corners[0], :2], landmarks[eye.corners[1], :2]
    if a[0] > b[0]:
        a, b = b, a
    half = np.linalg.norm(b - a) / 2.0
    if half <= 0:
        return None
    return (a + b) / 2.0, (b - a) / (2.0 * half), float(half)


def jitter_variants(samples: int) -> list[tuple[float, float, float, float, bool]]:
    """Deterministic jitters (scale, shift x, shift y as fractions of the size, rotation in
    degrees, mirror) for :func:`measure_gaze`; the first is the image as it is."""
    rng = np.random.default_rng(0)
    out = [(1.0, 0.0, 0.0, 0.0, False)]
    for j in range(1, samples):
        out.append(
            (
                float(rng.uniform(0.85, 1.15)),
                float(rng.uniform(-0.04, 0.04)),
                float(rng.uniform(-0.04, 0.04)),
                float(rng.uniform(-4.0, 4.0)),
                bool(j % 2),
            )
        )
    return out


def jittered(image: np.ndarray, scale: float, tx: float, ty: float, rot: float) -> tuple[np.ndarray, np.ndarray]:
    """One jittered copy of ``image`` ((H, W, C) uint8) for a :func:`jitter_variants` entry:
    scaled by ``scale`` and rotated ``rot`` degrees about the centre, shifted by ``tx``, ``ty``
    (fractions of W, H), the edge repeated; the image itself when nothing moves. Returns the
    copy and its (2, 3) float64 affine, image -> copy pixels (:func:`mapped_back` undoes it)."""
    import cv2

    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rot, scale)
    m[:, 2] += (tx * w, ty * h)
    if (scale, tx, ty, rot) == (1.0, 0.0, 0.0, 0.0):
        return image, m
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), m


def mapped_back(xy: np.ndarray, m: np.ndarray) -> np.ndarray:
    """(K, 2) points in a :func:`jittered` copy's pixels -> (K, 2) float64 in the image's."""
    import cv2

    mi = cv2.invertAffineTransform(m)
    return np.asarray(xy, np.float64) @ mi[:, :2].T + mi[:, 2]


def jittered_meshes(image_rgb: np.ndarray, samples: int = 8) -> list[tuple[np.ndarray, bool]]:
    """FaceMesh on ``samples`` jittered copies of an image (:func:`jitter_variants`: slightly
    scaled, shifted, rotated and mirrored; the first is the image as it is), each copy's
    landmarks mapped back to the image.

    Args:
        image_rgb: (H, W, 3) uint8 RGB.
        samples: number of copies (>= 1).

    Returns:
        one ``((478, 2) float64 x, y image pixels, mirrored)`` per copy where a face was found
        (the largest face). In a mirrored copy FaceMesh's right eye is the face's left: its
        indices name the other eye (:func:`measure_eye_gazes` swaps them back).
    """
    import cv2

    from sfumato.face.detect import mesh_landmarks  # imports mediapipe lazily

    w = image_rgb.shape[1]
    out = []
    for scale, tx, ty, rot, flip in jitter_variants(max(1, int(samples))):
        img, m = jittered(cv2.flip(image_rgb, 1) if flip else image_rgb, scale, tx, ty, rot)
        lms = mesh_landmarks(np.ascontiguousarray(img))
        if lms is None:
            continue
        xy = mapped_back(lms[:, :2], m)
        if flip:  # back to the image's orientation
            xy[:, 0] = w - 1 - xy[:, 0]
        out.append((xy, flip))
    return out


def measure_gaze(image_rgb: np.ndarray, samples: int = 8) -> tuple[float, float] | None:
    """Gaze measured with FaceMesh on an image (e.g. a rendered bank frame).

    FaceMesh sees a face at 192 px, so its iris points jitter by a few hundredths of an eye
    half-width from one image to a nearly identical one. The gaze is therefore averaged over
    ``samples`` copies of the image, slightly scaled, shifted, rotated and mirrored
    (:func:`jittered_meshes`); the first copy is the image as it is, so ``samples=1`` is a
    single plain FaceMesh run.

    Args:
        image_rgb: (H, W, 3) uint8 RGB.
        samples: number of copies (>= 1).

    Returns:
        (horizontal, vertical) as in :func:`gaze_from_landmarks`, averaged over the copies
        where a face was found (the largest face), or None when none was.
    """
    gazes = [gaze_from_landmarks(xy) for xy, _ in jittered_meshes(image_rgb, samples)]
    if not gazes:
        return None
    g = np.mean(gazes, axis=0)
    return float(g[0]), float(g[1])


def eye_gaze(landmarks: np.ndarray, eye) -> float:
    """One eye's horizontal gaze (as :func:`gaze_from_landmarks`, that eye alone): its iris
    centre's offset from its corners' midpoint along the corner line, in its half-widths;
    ``landmarks`` (478, 2|3) pixels, ``eye`` an entry of :data:`sfumato.face.topology.EYES`;
    NaN for coincident corners."""
    lm = np.asarray(landmarks, np.float64)
    frame = eye_axes(lm, eye)
    if frame is None:
        return float("nan")
    mid, axis, half = frame
    return float((lm[eye.iris[0], :2] - mid) @ axis / half)


def measure_eye_gazes(image_rgb: np.ndarray, samples: int = 8) -> tuple[float, float] | None:
    """Each eye's horizontal gaze (:func:`eye_gaze`, ``EYES`` order: the image-left eye first),
    averaged over :func:`jittered_meshes` copies, a mirrored copy's eyes swapped back (its
    "right eye" indices lie on the face's left eye); None when no copy shows a face. Their mean
    is :func:`measure_gaze`'s horizontal gaze: what bench_rig's *gaze range* reads, eye by eye."""
    per = [[eye_gaze(xy, e) for e in (EYES[::-1] if flip else EYES)] for xy, flip in jittered_meshes(image_rgb, samples)]
    if not per:
        return None
    g = np.mean(per, axis=0)
    return float(g[0]), float(g[1])
