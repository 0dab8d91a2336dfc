"""FaceMesh eye topology: which of the 478 refined landmarks outline each eye and iris."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EYES", "EyeIndices"]

# FaceMesh (refined, 478 points) indices. "Right" is the sitter's right eye (image left).
RIGHT_EYE_CONTOUR = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
LEFT_EYE_CONTOUR = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)
RIGHT_EYE_CORNERS = (33, 133)
LEFT_EYE_CORNERS = (362, 263)
RIGHT_IRIS = (468, 469, 470, 471, 472)  # centre, then four points on the rim
LEFT_IRIS = (473, 474, 475, 476, 477)


@dataclass(frozen=True)
class EyeIndices:
    """Landmark indices of one eye: closed eyelid contour, the two corners, iris centre + rim."""

    contour: tuple[int, ...]
    corners: tuple[int, int]
    iris: tuple[int, ...]


EYES = (
    EyeIndices(RIGHT_EYE_CONTOUR, RIGHT_EYE_CORNERS, RIGHT_IRIS),
    EyeIndices(LEFT_EYE_CONTOUR, LEFT_EYE_CORNERS, LEFT_IRIS),
)
