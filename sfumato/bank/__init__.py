"""The frame-bank format: reading, validating and writing ``frames/<name>/``."""
