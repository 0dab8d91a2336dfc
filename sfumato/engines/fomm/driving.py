"""The FOMM driving clip: read it, crop the face the same way in every frame, measure it.

A driving clip is a video of a person looking from side to side (``python -m precompute
record`` makes one). FOMM transfers the *motion* of the driver's face to the painting, so

1. the face is cut from every frame with one **stable square box** (a box that followed the
   face would add fake motion), framed like the painting's head crop, resized to 256 px;
2. every frame is **measured** with FaceMesh: the head yaw/pitch (from the 3-D landmarks) and
   the eye-in-head gaze (iris offset, :mod:`sfumato.face.gaze`), combined into gaze angles in
   degrees;
3. :func:`select_frames` picks the bank's frames automatically: ``cols`` frames whose gaze yaw
   spans the clip's range, in order (2-D banks: a yaw x pitch grid when the clip covers it).

Angles follow :class:`sfumato.engines.base.Pose`: positive yaw looks toward image +x,
positive pitch looks up (image -y).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from sfumato.errors import SfumatoError
from sfumato.face.detect import mesh_landmarks
from sfumato.face.gaze import gaze_from_landmarks
from sfumato.imaging.resize import pad_square_crop, resize_max_side, resize_to
from sfumato.imaging.painting import sha256_file
from sfumato.video.reader import VideoReader, read_frames
from sfumato.face.topology import N_MESH

# FaceMesh indices used for the head pose: cheeks (face oval, left/right), forehead, chin.
CHEEK_RIGHT, CHEEK_LEFT, FOREHEAD, CHIN = 234, 454, 10, 152

COLUMNS = ("head_yaw", "head_pitch", "iris_h", "iris_v", "gaze_yaw", "gaze_pitch")
"""Columns of :attr:`DrivingClip.measures`: head angles (deg), iris offsets (eye half-widths),
total gaze angles (deg, head + eye-in-head)."""


@dataclass(frozen=True)
class DrivingOptions:
    """How a driving clip is read and measured.

    Attributes:
        size: side of the frames FOMM sees (vox-256: 256).
        margin: crop margin per side as a fraction of the face size (the painting's head crop
            uses the builder's ``margin``, 0.6 by default; keep them equal).
        max_frames: read at most this many frames (longer clips are subsampled evenly).
        analysis_side: frames are measured on a copy whose longest side is at most this.
        eyeball_ratio: eyeball radius in eye half-widths; an iris offset ``h`` is an
            eye-in-head angle ``asin(h / eyeball_ratio)`` (the landmark engine's eyeball model).
    """

    size: int = 256
    margin: float = 0.6
    max_frames: int = 600
    analysis_side: int = 640
    eyeball_ratio: float = 0.85


@dataclass
class DrivingClip:
    """A driving clip, cropped and measured.

    Attributes:
        path: the video file; ``sha256`` its hash; ``fps`` its frame rate.
        frame_indices: (T,) int, index of each kept frame in the video.
        frames: (T, size, size, 3) uint8 RGB face crops (the stable box, resized).
        landmarks: T entries, (478, 3) float32 FaceMesh points in crop pixels (``size``
            scale), or None where no face was found.
        measures: (T, 6) float64, :data:`COLUMNS`; NaN where no face was found.
        box: (x, y, side) the stable square in video pixels; ``video_size`` (width, height).
    """

    path: Path
    sha256: str
    fps: float
    frame_indices: np.ndarray
    frames: np.ndarray
    landmarks: list[np.ndarray | None]
    measures: np.ndarray
    box: tuple[int, int, int]
    video_size: tuple[int, int]
    options: DrivingOptions = field(default_factory=DrivingOptions)

    @property
    def valid(self) -> np.ndarray:
        """(T,) bool: frames where a face was measured."""
        return ~np.isnan(self.measures[:, 0])

    def column(self, name: str) -> np.ndarray:
        """(T,) one measurement column by name (see :data:`COLUMNS`)."""
        return self.measures[:, COLUMNS.index(name)]


# ---- reading ------------------------------------------------------------------------------
def read_video(path: str | Path, max_frames: int = 600) -> tuple[list[np.ndarray], np.ndarray, float]:
    """Decode a video file.

    Returns:
        RGB frames ((H, W, 3) uint8, at most ``max_frames``, evenly subsampled from longer
        clips), their (T,) indices in the video, and the video's frame rate.
    """
    path = Path(path)
    if not path.is_file():
        raise SfumatoError(f"driving clip not found: {path}; record one with `python -m precompute record --out {path}`.")
    with VideoReader(path) as probe:
        readable = probe.opened
    if not readable:
        raise SfumatoError(f"{path}: cannot read this video (use an MP4, MOV, AVI or WebM file).")
    frames, idx, fps = read_frames(path, max_frames)
    if not frames:
        raise SfumatoError(f"{path}: the video has no readable frames.")
    return frames, idx, fps


# ---- measuring ----------------------------------------------------------------------------
def head_angles(landmarks: np.ndarray) -> tuple[float, float]:
    """Head yaw and pitch in degrees from FaceMesh's 3-D landmarks.

    Yaw is the angle of the cheek-to-cheek vector (points 234 -> 454) out of the image plane,
    pitch that of the forehead-to-chin vector (10 -> 152); MediaPipe's z is in the same pixel
    scale as x, y (smaller z nearer). Yaw > 0 when the face turns toward image +x, pitch > 0
    when it tilts up.

    Args:
        landmarks: (478, 3) float, x, y, z pixels.
    """
    lm = np.asarray(landmarks, np.float64)
    cheeks = lm[CHEEK_LEFT] - lm[CHEEK_RIGHT]
    yaw = math.degrees(math.atan2(cheeks[2], math.hypot(cheeks[0], cheeks[1])))
    axis = lm[CHIN] - lm[FOREHEAD]
    pitch = math.degrees(math.atan2(-axis[2], math.hypot(axis[0], axis[1])))
    return yaw, pitch


def measure_landmarks(landmarks: np.ndarray, eyeball_ratio: float = 0.85) -> np.ndarray:
    """(6,) float64 measurement of one face (:data:`COLUMNS`) from (478, 3) landmarks.

    The eye-in-head angle is ``asin(iris offset / eyeball_ratio)``; the gaze angle is the head
    angle plus the eye-in-head angle.
    """
    head_yaw, head_pitch = head_angles(landmarks)
    h, v = gaze_from_landmarks(landmarks)
    eye_yaw = math.degrees(math.asin(float(np.clip(h / eyeball_ratio, -1.0, 1.0))))
    eye_pitch = math.degrees(math.asin(float(np.clip(v / eyeball_ratio, -1.0, 1.0))))
    return np.array([head_yaw, head_pitch, h, v, head_yaw + eye_yaw, head_pitch + eye_pitch])


def stable_box(landmarks: list[np.ndarray | None], margin: float) -> tuple[int, int, int]:
    """One square (x, y, side) for the whole clip, in video pixels.

    Centred on the median face centre, as wide as the median face size grown by ``margin``
    on each side (the painting crop's framing) and at least wide enough to hold every frame's
    face with a small border.
    """
    boxes = np.array([(l[:N_MESH, 0].min(), l[:N_MESH, 1].min(), l[:N_MESH, 0].max(), l[:N_MESH, 1].max())
                      for l in landmarks if l is not None])
    if len(boxes) == 0:
        raise SfumatoError("no face found in any frame of the driving clip; film a face, frontal and well lit.")
    cx = float(np.median((boxes[:, 0] + boxes[:, 2]) / 2))
    cy = float(np.median((boxes[:, 1] + boxes[:, 3]) / 2))
    size = float(np.median(np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])))
    side = size * (1.0 + 2.0 * margin)
    reach = max(np.abs(boxes[:, [0, 2]] - cx).max(), np.abs(boxes[:, [1, 3]] - cy).max())
    side = max(side, 2.0 * reach * 1.1)
    side_i = int(round(side))
    return int(round(cx - side / 2)), int(round(cy - side / 2)), side_i


def _mesh_scaled(frame: np.ndarray, side: int) -> np.ndarray | None:
    small, scale = resize_max_side(frame, side)
    lms = mesh_landmarks(small)
    return None if lms is None else (lms / scale).astype(np.float32)


def load_driving(path: str | Path, options: DrivingOptions | None = None, progress: bool = True) -> DrivingClip:
    """Read, crop and measure a driving clip (one FaceMesh pass per frame).

    Landmarks are measured on the whole frame (at ``analysis_side``) and moved into the crop,
    so the stable box and the measurements come from the same pass.
    """
    opt = options or DrivingOptions()
    path = Path(path)
    frames, idx, fps = read_video(path, opt.max_frames)
    h, w = frames[0].shape[:2]
    bar = tqdm(frames, desc=f"measuring {path.name}", unit="frame", disable=not progress, leave=False)
    full = [_mesh_scaled(f, opt.analysis_side) for f in bar]
    x, y, side = stable_box(full, opt.margin)
    k = opt.size / side
    crops = np.stack([resize_to(pad_square_crop(f, x, y, side), opt.size, opt.size) for f in frames])
    lms: list[np.ndarray | None] = []
    measures = np.full((len(frames), len(COLUMNS)), np.nan)
    for i, lm in enumerate(full):
        if lm is None:
            lms.append(None)
            continue
        c = lm.copy()
        c[:, 0] = (c[:, 0] - x) * k
        c[:, 1] = (c[:, 1] - y) * k
        c[:, 2] *= k
        lms.append(c)
        try:
            measures[i] = measure_landmarks(c, opt.eyeball_ratio)
        except ValueError:  # degenerate eye corners
            lms[-1] = None
    return DrivingClip(path, sha256_file(path), fps, idx, crops, lms, measures, (x, y, side), (w, h), opt)


# ---- choosing the bank's frames -----------------------------------------------------------
def _assign(values: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distinct rows of ``values`` (M, d) closest to each target (N, d): optimal assignment."""
    from scipy.optimize import linear_sum_assignment

    cost = np.linalg.norm(values[None, :, :] - targets[:, None, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    out = np.empty(len(targets), int)
    out[rows] = cols
    return out


def select_frames(
    yaw: np.ndarray, cols: int, pitch: np.ndarray | None = None, rows: int = 1,
    min_pitch_span: float = 8.0, clip_name: str = "the driving clip",
) -> list[int]:
    """Choose the bank's frames from the clip's measured gaze, with no hand picking.

    1-D (``rows == 1``): ``cols`` distinct frames whose yaw is closest to ``cols`` evenly
    spaced targets between the clip's lowest and highest yaw, returned in increasing yaw.
    2-D: a ``rows`` x ``cols`` grid (row-major, top row looking up) over the clip's yaw and
    pitch ranges, when the clip's pitch spans at least ``min_pitch_span`` degrees between its
    5th and 95th percentiles (a side-to-side clip measures a few degrees of pitch noise).

    Args:
        yaw, pitch: (T,) degrees, NaN for frames without a face.

    Returns:
        ``rows * cols`` indices into the clip.
    """
    yaw = np.asarray(yaw, np.float64)
    ok = np.flatnonzero(~np.isnan(yaw) if pitch is None else ~(np.isnan(yaw) | np.isnan(pitch)))
    n = rows * cols
    if len(ok) < n:
        raise SfumatoError(f"{clip_name}: a face was measured in only {len(ok)} frames, {n} are needed; "
                           "record a longer clip or ask for fewer --frames.")
    ys = np.linspace(yaw[ok].min(), yaw[ok].max(), cols) if cols > 1 else np.array([np.median(yaw[ok])])
    if rows == 1:
        chosen = ok[_assign(yaw[ok, None], ys[:, None])]
        return [int(i) for i in sorted(chosen, key=lambda i: (yaw[i], i))]
    if pitch is None:
        raise SfumatoError("a 2-D FOMM bank needs the clip's gaze pitch; use --rows 1.")
    pitch = np.asarray(pitch, np.float64)
    span = float(np.ptp(np.percentile(pitch[ok], [5, 95])))
    if span < min_pitch_span:
        raise SfumatoError(f"{clip_name}: the gaze pitch spans only {span:.1f} deg, too little for --rows {rows}; "
                           "FOMM banks from this clip are 1-D: use --rows 1, or record a clip that also looks "
                           "up and down (`python -m precompute record --pattern grid`).")
    ps = np.linspace(pitch[ok].max(), pitch[ok].min(), rows)
    grid = np.array([(y, p) for p in ps for y in ys])
    scale = np.array([max(np.ptp(yaw[ok]), 1e-6), max(np.ptp(pitch[ok]), 1e-6)])
    values = np.stack([yaw[ok], pitch[ok]], 1) / scale
    return [int(i) for i in ok[_assign(values, grid / scale)]]
