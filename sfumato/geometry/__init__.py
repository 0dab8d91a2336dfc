"""Head-crop geometry and the blend of an animated head back into the painting."""
