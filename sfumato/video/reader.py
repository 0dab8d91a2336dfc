"""Read frames from a video file or a webcam (OpenCV ``VideoCapture``), with one fps rule.

Used by the live camera sources, the driving-clip recorder and the FOMM driving-clip reader.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

DEFAULT_FPS = 30.0
FPS_RANGE = (1.0, 240.0)


def clamp_fps(fps: float | None) -> float:
    """A usable frame rate: ``fps`` when it is within 1..240, else 30 (what containers and
    webcams report is sometimes 0, NaN or absurd)."""
    fps = float(fps or 0.0)
    return fps if FPS_RANGE[0] <= fps <= FPS_RANGE[1] else DEFAULT_FPS


class VideoReader:
    """Frames of a video file or a webcam, as (H, W, 3) uint8 **BGR** (OpenCV's order).

    Args:
        source: a webcam index (int) or a video file path.
        size: (width, height) to ask a webcam for (ignored for files).
        fps: frame rate to ask a webcam for (ignored for files).
        loop: restart a video file at its end instead of returning None.

    Attributes:
        fps: the source's frame rate, through :func:`clamp_fps` (for a webcam: what it reports,
            else the ``fps`` asked for).
        is_camera: True for a webcam.
    """

    def __init__(self, source: int | str | Path, size: tuple[int, int] | None = None, fps: float | None = None,
                 loop: bool = False) -> None:
        self.is_camera = isinstance(source, int)
        self.loop = loop and not self.is_camera
        if self.is_camera:
            cv2.setLogLevel(0)  # silent: no V4L2 noise when there is no webcam
        self._cap: cv2.VideoCapture | None = cv2.VideoCapture(source if self.is_camera else str(source))
        if self.is_camera and self._cap.isOpened():
            if size:
                self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
                self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
            if fps:
                self._cap.set(cv2.CAP_PROP_FPS, fps)
            self._cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        reported = self._cap.get(cv2.CAP_PROP_FPS) if self._cap.isOpened() else 0.0
        self.fps = clamp_fps(reported if (reported or not fps) else fps)

    @property
    def opened(self) -> bool:
        return self._cap is not None and self._cap.isOpened()

    def read(self) -> np.ndarray | None:
        """The next frame, (H, W, 3) uint8 BGR, or None (end of file, camera gone)."""
        if self._cap is None:
            return None
        ok, frame = self._cap.read()
        if not ok and self.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return frame if ok else None

    def read_rgb(self) -> np.ndarray | None:
        """The next frame as (H, W, 3) uint8 RGB, or None."""
        frame = self.read()
        return None if frame is None else cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def __enter__(self) -> "VideoReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_frames(path: str | Path, max_frames: int | None = None) -> tuple[list[np.ndarray], np.ndarray, float]:
    """Decode a whole video file.

    Args:
        max_frames: keep at most this many frames, evenly subsampled from longer videos.

    Returns:
        RGB frames ((H, W, 3) uint8), their (T,) int indices in the video, and its frame rate
        (:func:`clamp_fps`). An unreadable file gives no frames (the caller names the fix).
    """
    frames = []
    with VideoReader(path) as reader:
        fps = reader.fps
        while (frame := reader.read_rgb()) is not None:
            frames.append(frame)
    idx = np.arange(len(frames))
    if max_frames is not None and len(frames) > max_frames:
        idx = np.unique(np.linspace(0, len(frames) - 1, max_frames).round().astype(int))
        frames = [frames[i] for i in idx]
    return frames, idx, fps
