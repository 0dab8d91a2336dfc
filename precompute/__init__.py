"""sfumato precompute: painting in, gaze frame bank out."""

__version__ = "0.1.0"
