"""FaceMesh (478-point, refined) landmark indices the rig uses, named by what they are.

"Right"/"left" are the subject's own sides: the subject's right is on the image's left.
Contours run from the subject's right corner (image left) to the left corner (image right).
"""

from __future__ import annotations

# Lips: inner contours (the opening) and outer contours (the lip edge), corner to corner.
LIPS_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
LIPS_OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
MOUTH_CORNERS = (61, 291)
"""Outer lip corners (right, left)."""
INNER_LIP_MID = (13, 14)
"""Middle of the upper and lower inner lip: their distance is the mouth opening."""

# Lower face.
CHIN = 152
SUBNASALE = 2
"""Below the nose tip, where the upper lip starts."""
JAW_LINE = (132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361)
"""Face outline from the right jaw angle round the chin to the left jaw angle."""
CHEEKS = (234, 454)
"""Widest points of the face at cheekbone level (right, left)."""

# Eyes and brows.
EYE_OUTER_CORNERS = (33, 263)
"""Outer eye corners (right, left): the face's scale for measures such as the mouth opening."""
BROW_RIGHT = (70, 63, 105, 66, 107, 46, 53, 52, 65, 55)
BROW_LEFT = (300, 293, 334, 296, 336, 276, 283, 282, 295, 285)
EYE_RIGHT_UPPER = (246, 161, 160, 159, 158, 157, 173)
EYE_LEFT_UPPER = (466, 388, 387, 386, 385, 384, 398)
