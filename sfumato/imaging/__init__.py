"""Painting reading, resizing and the bundled sample images."""
