"""MediaPipe FaceMesh topology in one place: point counts and the index sets sfumato uses.

FaceMesh with ``refine_landmarks=True`` gives 478 points: the 468-point face mesh, then the
right iris (468..472) and the left iris (473..477), each centre first, then four rim points.
"Right" is the sitter's right eye (image left). Contours are closed loops in drawing order,
taken from MediaPipe's connection sets (``face_mesh_connections``; tests/test_topology.py
checks them against the installed mediapipe).
"""

from __future__ import annotations

from dataclasses import dataclass

N_MESH = 468
"""FaceMesh points without the iris points (0..467): the face surface."""
N_LANDMARKS = 478
"""Refined FaceMesh points: the mesh plus 2 x 5 iris points (468..477)."""

RIGHT_EYE_CONTOUR = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
LEFT_EYE_CONTOUR = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)
RIGHT_EYE_CORNERS = (33, 133)  # outer, inner
LEFT_EYE_CORNERS = (362, 263)  # inner, outer
RIGHT_IRIS = (468, 469, 470, 471, 472)  # centre, then four points on the rim
LEFT_IRIS = (473, 474, 475, 476, 477)
IRIS_CENTRES = (RIGHT_IRIS[0], LEFT_IRIS[0])

LIPS_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
LIPS_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)
MOUTH_CORNERS = (61, 291)  # sitter's right, left (outer lip contour)

FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
             148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
"""The face outline, clockwise in the image from the top of the forehead (10)."""


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
"""(right eye, left eye)."""

# The mouth and the lower face (the speech rig, sfumato.rig.mouth). Contours run corner to
# corner, from the sitter's right (image left) to the left.
LIPS_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
LIPS_OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
INNER_LIP_MID = (13, 14)
"""Middle of the upper and lower inner lip: their distance is the mouth opening."""
CHIN = 152
SUBNASALE = 2
"""Below the nose tip, where the upper lip starts."""
JAW_LINE = (132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361)
"""Face outline from the right jaw angle round the chin to the left jaw angle."""
CHEEKS = (234, 454)
"""Widest points of the face at cheekbone level (right, left)."""
EYE_OUTER_CORNERS = (33, 263)
"""Outer eye corners (right, left): the face's scale for measures such as the mouth opening."""
BROW_RIGHT = (70, 63, 105, 66, 107, 46, 53, 52, 65, 55)
BROW_LEFT = (300, 293, 334, 296, 336, 276, 283, 282, 295, 285)

__all__ = ["N_MESH", "N_LANDMARKS", "RIGHT_EYE_CONTOUR", "LEFT_EYE_CONTOUR", "RIGHT_EYE_CORNERS",
           "LEFT_EYE_CORNERS", "RIGHT_IRIS", "LEFT_IRIS", "IRIS_CENTRES", "LIPS_OUTER", "LIPS_INNER",
           "MOUTH_CORNERS", "FACE_OVAL", "EyeIndices", "EYES", "LIPS_INNER_UPPER", "LIPS_INNER_LOWER",
           "LIPS_OUTER_UPPER", "LIPS_OUTER_LOWER", "INNER_LIP_MID", "CHIN", "SUBNASALE", "JAW_LINE", "CHEEKS",
           "EYE_OUTER_CORNERS", "BROW_RIGHT", "BROW_LEFT"]
