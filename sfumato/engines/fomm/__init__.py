"""The FOMM engine: a driving clip, its measured poses, and frames from the FOMM model."""
