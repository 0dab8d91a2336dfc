"""Video I/O: one reader for video files and webcams, one MP4 writer (H.264, optional AAC audio)."""

from sfumato.video.reader import VideoReader, clamp_fps, read_frames
from sfumato.video.writer import Mp4Writer, write_mp4

__all__ = ["VideoReader", "clamp_fps", "read_frames", "Mp4Writer", "write_mp4"]
