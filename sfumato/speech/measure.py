"""Measure a talking clip from the outside: its frames and its sound, not the code's tracks.

- **lip sync**: FaceMesh on every frame; the inner-lip opening (landmarks 13-14) over the
  outer eye-corner distance (33-263), against the RMS envelope of the clip's own audio
  (decoded by ffmpeg), Pearson r at lags of up to ``max_lag_s`` either way; the best lag wins
  (positive lag: the mouth moves after the sound);
- **blinks**: the eye opening (upper to lower lid over eye width, both eyes) relative to its
  median; a blink is a run of frames below ``blink_threshold`` of it;
- **duration**: audio stream against video stream, seconds;
- **head motion**: the tilt of the line between the outer eye corners (degrees) and the nose
  tip's travel (over the eye-corner distance) from frame to frame: the speech's nods and tilts
  as FaceMesh sees them;
- **sharpness** (:func:`head_sharpness`): the variance of the Laplacian over the inner half of the
  head crop, each frame over the painting's (``bench_rig``'s sharp), on rendered or decoded frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.face import topology as T
from sfumato.face.detect import _mesh_in_box, find_faces
from sfumato.face.quality import laplacian_variance
from sfumato.speech.audio import Audio, read_audio
from sfumato.speech.features import rms_envelope

NOSE_TIP = 1
EYE_LIDS = ((159, 145, 33, 133), (386, 374, 263, 362))
"""(upper lid, lower lid, corner, corner) of each eye."""


@dataclass
class ClipMeasure:
    """What :func:`measure_clip` found.

    Attributes:
        fps: video frame rate. frames: number of video frames.
        video_s, audio_s: stream durations in seconds.
        opening: (frames,) lip opening / eye-corner distance (NaN where no face was found).
        eyes: (frames,) eye opening / eye width, mean of both eyes.
        envelope: (frames,) RMS of the audio around each frame.
        r: Pearson r of opening and envelope at the best lag; lag_s: that lag in seconds.
        blinks: blinks counted; per_minute: blinks per minute of video.
        faces_found: fraction of frames in which FaceMesh found the face.
        roll: (frames,) tilt of the eye-corner line, degrees (NaN where no face was found).
        nose: (frames, 2) nose tip minus its median, over the eye-corner distance (NaN likewise).
    """

    fps: float
    frames: int
    video_s: float
    audio_s: float
    opening: np.ndarray
    eyes: np.ndarray
    envelope: np.ndarray
    r: float
    lag_s: float
    blinks: int
    per_minute: float
    faces_found: float
    roll: np.ndarray | None = None
    nose: np.ndarray | None = None

    def head_motion(self) -> tuple[float, float]:
        """(tilt range in degrees, nose travel as a fraction of the eye-corner distance): the
        5th-95th percentile spans over the clip (0, 0 without the tracks)."""
        if self.roll is None or self.nose is None or not np.isfinite(self.roll).any():
            return 0.0, 0.0
        span = lambda a: float(np.nanpercentile(a, 95) - np.nanpercentile(a, 5))  # noqa: E731
        return span(self.roll), float(np.hypot(span(self.nose[:, 0]), span(self.nose[:, 1])))


def read_video(path: Path) -> tuple[list[np.ndarray], float]:
    """All frames of a video as (H, W, 3) uint8 RGB, and its frame rate."""
    from sfumato.video.reader import read_frames

    frames, _, fps = read_frames(path)
    return frames, float(fps)


def best_lag(x: np.ndarray, y: np.ndarray, max_lag: int) -> tuple[float, int]:
    """(r, lag) maximising Pearson r of x[t] and y[t - lag] over |lag| <= max_lag (NaNs skipped)."""
    best = (-2.0, 0)
    for lag in range(-max_lag, max_lag + 1):
        a, b = (x[lag:], y[: len(y) - lag]) if lag >= 0 else (x[:lag], y[-lag:])
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.sum() < 10 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
            continue
        r = float(np.corrcoef(a[ok], b[ok])[0, 1])
        if r > best[0]:
            best = (r, lag)
    return best


def count_blinks(eyes: np.ndarray, threshold: float = 0.55, bridge: int = 2) -> int:
    """Runs of frames whose eye opening is below ``threshold`` times the median.

    Runs separated by at most ``bridge`` open frames count as one blink (a lid hovering at the
    threshold flickers across it; two real blinks are never 80 ms apart).
    """
    ref = np.nanmedian(eyes)
    closed = np.nan_to_num(eyes, nan=ref) < threshold * ref
    starts = np.nonzero(np.diff(closed.astype(np.int8), prepend=0) == 1)[0]
    ends = np.nonzero(np.diff(closed.astype(np.int8), append=0) == -1)[0]
    return int(len(starts) - np.sum(starts[1:] - ends[:-1] - 1 <= bridge))


def head_sharpness(frames: Iterable[np.ndarray], painting: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """How much of the painting's fine detail each frame keeps on the head.

    Args:
        frames: (H, W, 3) uint8 RGB frames of the clip (rendered, or decoded from the MP4).
        painting: (H, W, 3) uint8 RGB, the painting at the frames' size.
        box: (x, y, w, h) the head crop in those pixels (its inner half is read).

    Returns:
        (n,) float64: the variance of the Laplacian over the inner half of ``box`` on each frame
        over the painting's (1.0: as sharp as painted; a blur lowers it, resampling noise can
        raise it a little).
    """
    ref = laplacian_variance(painting, box)
    if ref <= 0:
        raise SfumatoError("the painting's head has no detail to compare with (a flat box)")
    out = []
    for f in frames:
        if f.shape[:2] != painting.shape[:2]:
            raise SfumatoError(f"frame {f.shape[1]}x{f.shape[0]} against a painting of {painting.shape[1]}x{painting.shape[0]}")
        out.append(laplacian_variance(f, box) / ref)
    return np.asarray(out, np.float64)


def measure_clip(path: Path, max_lag_s: float = 0.2, blink_threshold: float = 0.55) -> ClipMeasure:
    """Measure the clip at ``path`` (see module doc)."""
    frames, fps = read_video(path)
    if not frames:
        raise SfumatoError(f"{path}: no video frames")
    faces = find_faces(frames[0])
    if not faces:
        raise SfumatoError(f"{path}: no face in the first frame")
    box = np.array(faces[0].box, np.float64)
    opening = np.full(len(frames), np.nan)
    eyes = np.full(len(frames), np.nan)
    roll = np.full(len(frames), np.nan)
    nose = np.full((len(frames), 2), np.nan)
    eye_px = np.full(len(frames), np.nan)
    for i, frame in enumerate(frames):
        lm = _mesh_in_box(frame, box)
        if lm is None:
            continue
        axis = lm[T.EYE_OUTER_CORNERS[1], :2] - lm[T.EYE_OUTER_CORNERS[0], :2]
        corners = np.linalg.norm(axis)
        roll[i] = np.degrees(np.arctan2(axis[1], axis[0]))
        nose[i], eye_px[i] = lm[NOSE_TIP, :2], corners
        opening[i] = np.linalg.norm(lm[T.INNER_LIP_MID[0], :2] - lm[T.INNER_LIP_MID[1], :2]) / corners
        eyes[i] = np.mean([np.linalg.norm(lm[a, :2] - lm[b, :2]) / np.linalg.norm(lm[c, :2] - lm[d, :2]) for a, b, c, d in EYE_LIDS])
    audio: Audio = read_audio(path)
    env = rms_envelope(audio, fps, len(frames))
    r, lag = best_lag(opening, env.astype(np.float64), int(round(max_lag_s * fps)))
    video_s = len(frames) / fps
    blinks = count_blinks(eyes, blink_threshold)
    if np.isfinite(eye_px).any():
        nose = (nose - np.nanmedian(nose, axis=0)) / np.nanmedian(eye_px)
    return ClipMeasure(
        fps=fps, frames=len(frames), video_s=video_s, audio_s=audio.duration, opening=opening, eyes=eyes,
        envelope=env, r=r, lag_s=lag / fps, blinks=blinks, per_minute=blinks * 60.0 / video_s,
        faces_found=float(np.isfinite(opening).mean()), roll=roll, nose=nose,
    )
