"""sfumato precompute: painting in, gaze frame bank out (the offline application)."""
