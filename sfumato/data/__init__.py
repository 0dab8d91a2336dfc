"""Bundled public-domain paintings (package data); see README.md in this folder."""
