"""A real-face driver video with a known head-yaw / mouth schedule, and the outside measures of puppeteering.

The driver is ``skimage.data.astronaut()`` animated by the painting rig itself
(:class:`live.puppet.rig.HeadRig` on her head square: the head turns, the jaw drops, the lids
close), placed in a 640x480 camera frame and written with the project's MP4 writer
(:class:`sfumato.video.Mp4Writer`), to be used as ``--camera FILE``.

The measures are taken from outside, with FaceMesh on whole frames (of the driver video and of
the recorded screen), independently of the puppet's own estimator: head yaw as the nose tip's
offset from the eye-corner midpoint along the eye line, in eye distances; mouth opening as the
inner-lip gap (13-14) over the eye-corner distance; the delay as the lag of the best
cross-correlation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

FPS = 30.0
CAMERA = (640, 480)
NEUTRAL_S = 1.6     # the driver holds still first: the puppet's neutral capture


@dataclass(frozen=True)
class Schedule:
    """The driver's motion over time (s): head yaw in degrees, mouth opening 0..1, blink 0..1."""

    duration_s: float = 12.0
    yaw_deg: float = 12.0
    yaw_period_s: float = 3.2
    mouth_period_s: float = 2.1
    mouth: float = 1.0          # how wide the mouth opens (0: it stays closed)

    def at(self, t: float) -> tuple[float, float, float]:
        if t < NEUTRAL_S:
            return 0.0, 0.0, 0.0
        u = t - NEUTRAL_S
        yaw = self.yaw_deg * np.sin(2 * np.pi * u / self.yaw_period_s)
        mouth = self.mouth * max(0.0, np.sin(2 * np.pi * u / self.mouth_period_s)) ** 1.5
        blink = max(0.0, 1.0 - abs(u % 4.0 - 3.0) / 0.12)   # a 0.24 s blink every 4 s
        return float(yaw), float(mouth), float(blink)


def head_rig_of(img: np.ndarray):
    """A picture's head square rigged (HeadRig) as the puppet rigs it, and the square's box: ``img``
    (H, W, 3) uint8 RGB with a face in it."""
    from live.drive import DriveSource
    from live.puppet.rig import HeadRig
    from sfumato.face.detect import find_faces
    from sfumato.geometry.crop import head_box
    from sfumato.imaging.resize import pad_square_crop

    face = find_faces(img)[0]
    box = head_box(face, (img.shape[1], img.shape[0]), margin=0.6)
    head = pad_square_crop(img, box.x, box.y, box.side)
    lm = face.landmarks.astype(np.float64).copy()
    lm[:, 0] -= box.x
    lm[:, 1] -= box.y
    ones = np.ones(head.shape[:2], np.float32)
    return box, HeadRig(DriveSource(head, head.copy(), ones, (0, 0)), landmarks=lm)


def astronaut_rig(scale: float = 1.0):
    """The astronaut's head square rigged (HeadRig), and where it sits in her picture (512x512 times ``scale``)."""
    from skimage import data

    img = data.astronaut()
    if scale != 1.0:
        from sfumato.imaging.resize import resize_to

        img = resize_to(img, int(round(512 * scale)), int(round(512 * scale)))
    box, rig = head_rig_of(img)
    return img, box, rig


def write_driver_video(path: Path, schedule: Schedule = Schedule()) -> Path:
    """Render the driver (640x480, 30 fps, H.264) to ``path``; returns the path."""
    from live.puppet.retarget import Controls
    from sfumato.imaging.resize import resize_to
    from sfumato.video import Mp4Writer

    img, box, rig = astronaut_rig()
    rec = Mp4Writer(path, FPS, crf=16)
    w, h = CAMERA
    scale = h / img.shape[0]
    side = int(round(img.shape[1] * scale))
    x0 = (w - side) // 2
    n = int(round(schedule.duration_s * FPS))
    for i in range(n):
        yaw, mouth, blink = schedule.at(i / FPS)
        c = Controls(head_yaw=yaw, mouth_open=mouth, blink=(blink, blink))
        frame = img.copy()
        head = rig.render_head(c)
        y0, x0h = max(0, box.y), max(0, box.x)
        sy, sx = y0 - box.y, x0h - box.x
        hh, hw = min(img.shape[0] - y0, box.side - sy), min(img.shape[1] - x0h, box.side - sx)
        frame[y0:y0 + hh, x0h:x0h + hw] = head[sy:sy + hh, sx:sx + hw]
        cam = np.full((h, w, 3), 96, np.uint8)
        cam[:, x0:x0 + side] = resize_to(frame, side, h)
        rec.write(cam)
    rec.close()
    return path


def read_video(path: Path) -> np.ndarray:
    """(T, H, W, 3) uint8 RGB frames of an MP4 (the project's reader)."""
    from sfumato.video.reader import read_frames

    return np.stack(read_frames(path)[0])


def face_measures(frames: np.ndarray, region: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """(T, 2) yaw proxy and mouth opening per frame, measured with FaceMesh (NaN where no face).

    Args:
        frames: (T, H, W, 3) uint8 RGB.
        region: (x, y, w, h) to measure in (e.g. the painting's head on the screen), default all.
    """
    from sfumato.face.detect import mesh_landmarks
    from sfumato.imaging.resize import resize_max_side

    out = np.full((len(frames), 2), np.nan)
    for i, f in enumerate(frames):
        if region is not None:
            x, y, w, h = region
            f = f[y:y + h, x:x + w]
        small, _ = resize_max_side(np.ascontiguousarray(f), 512, upscale=True)
        lm = mesh_landmarks(small)
        if lm is None:
            continue
        a, b = lm[33, :2].astype(np.float64), lm[263, :2].astype(np.float64)
        d = max(float(np.linalg.norm(b - a)), 1e-6)
        axis = (b - a) / d
        out[i, 0] = float((lm[1, :2] - (a + b) / 2) @ axis) / d
        out[i, 1] = float(np.linalg.norm(lm[13, :2] - lm[14, :2])) / d
    return out


def best_lag(driver: np.ndarray, output: np.ndarray, max_lag: int) -> tuple[int, float]:
    """Lag (frames, output behind driver > 0) and Pearson correlation of the best alignment."""
    best = (0, -np.inf)
    for lag in range(-max_lag, max_lag + 1):
        a = driver[max(0, -lag): len(driver) - max(0, lag)]
        b = output[max(0, lag): len(output) - max(0, -lag)]
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.sum() < 10:
            continue
        r = float(np.corrcoef(a[ok], b[ok])[0, 1])
        if r > best[1]:
            best = (lag, r)
    return best
