"""The painting's head, rigged at display resolution, rendered from :class:`Controls` every frame.

Layers, each optional (``layers``), applied to the display-scale head crop:

1. **eyes** - the rig engine (``sfumato.engines``, default ``rig``) renders the eye-in-head gaze
   with the head held still; with **blink**, and an engine that can blink, each eye gets its own
   lid closure (the frame is rendered once per distinct closure and split at the midline
   between the eyes);
2. **mouth** - the rig's mouth (:class:`sfumato.rig.mouth.MouthRig`): the jaw drops, the lips
   part over a mouth inside painted in the painting's own palette, round or spread;
   **brows** - expression offsets of the FaceMesh control points: each brow rises or falls;
3. **head** - yaw and pitch turn the 3-D landmarks about a pivot behind the face
   (:func:`sfumato.rig.head.rotate_head`), roll turns them on the image about the neck;

the expression offsets and the head turn move the control points of one thin-plate-spline
warp (:class:`sfumato.rig.warp.ThinPlateWarp`, crop border pinned), so the face is resampled
once per frame. The result is blended into the painting by the bank's own mask
(:meth:`live.drive.DriveSource.compose`).
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from live.drive import DriveSource
from live.puppet.features import BROWS, IRIS_CENTRES, OUTER_EYE_CORNERS
from live.puppet.retarget import Controls
from sfumato.engines import HeadCrop, Pose, make_engine
from sfumato.rig.head import rotate_head
from sfumato.rig.mouth import MouthPose, MouthRig
from sfumato.errors import SfumatoError
from sfumato.face.topology import N_MESH
from sfumato.rig.warp import ThinPlateWarp

LAYERS = ("head", "eyes", "blink", "mouth", "brows")
BROW_LOWER = ((46, 53, 52, 65, 55), (276, 283, 282, 295, 285))
BROW_RAISE = 0.10     # brow travel at brows = +-1, in eye distances
REST_EPS = 1e-3
WINK = 0.15           # lids closer than this render together (one pass); further apart, each its own


def parse_layers(text: str) -> frozenset[str]:
    """'head,eyes,...' -> the set of layers; unknown names are an error (one line)."""
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    bad = sorted(names - set(LAYERS))
    if bad:
        raise SfumatoError(f"puppet.layers: unknown layer(s) {', '.join(bad)}; choose from {', '.join(LAYERS)}")
    return names


def square_head(head: np.ndarray) -> np.ndarray:
    """The head crop padded (edge-replicated, bottom and right) to a square: (S, S, 3)."""
    h, w = head.shape[:2]
    if h == w:
        return head
    s = max(h, w)
    return cv2.copyMakeBorder(head, 0, s - h, 0, s - w, cv2.BORDER_REPLICATE)


class HeadRig:
    """Renders the display-scale head for any :class:`Controls`.

    Args:
        source: the painting side at display scale (head square, base, blend mask).
        layers: the subset of :data:`LAYERS` to animate.
        engine: the eye engine's registry name.
        landmarks: (478, 3) FaceMesh landmarks of ``source.head`` (found with FaceMesh when None).
    """

    def __init__(self, source: DriveSource, layers: frozenset[str] = frozenset(LAYERS), engine: str = "rig",
                 landmarks: Optional[np.ndarray] = None) -> None:
        self.source, self.layers = source, layers
        self.head = square_head(source.head)
        side = self.head.shape[0]
        if landmarks is None:
            from sfumato.face.detect import find_faces

            faces = find_faces(self.head)
            if not faces:
                raise SfumatoError("the painting's head crop shows no face FaceMesh can measure at display scale; "
                                   "use a larger window (--size) or a bank of a larger face")
            landmarks, box = faces[0].landmarks, faces[0].box
        else:
            xy = np.asarray(landmarks)[:, :2]
            box = (float(xy[:, 0].min()), float(xy[:, 1].min()), float(np.ptp(xy[:, 0])), float(np.ptp(xy[:, 1])))
        self.landmarks = np.asarray(landmarks, np.float64)
        self.eyes = make_engine(engine)
        self.eyes.prepare(HeadCrop(self.head, self.landmarks.astype(np.float32), box))
        self.can_blink = bool(getattr(self.eyes, "can_blink", False))
        self.mouth = MouthRig.from_landmarks(self.head, self.landmarks) if "mouth" in layers else None
        mesh = self.landmarks[:N_MESH]
        self.warp = ThinPlateWarp(mesh[:, :2], side)
        self._mesh = mesh
        self._bases = self._expression_bases(mesh)
        eye_dist = float(np.linalg.norm(mesh[OUTER_EYE_CORNERS[1], :2] - mesh[OUTER_EYE_CORNERS[0], :2]))
        self._pivot = np.array([mesh[:, 0].mean(), mesh[152, 1] + 0.3 * eye_dist])   # the neck, for roll
        self._mid_x = int(round(self.landmarks[list(IRIS_CENTRES), 0].mean()))

    @staticmethod
    def _expression_bases(mesh: np.ndarray) -> dict[str, np.ndarray]:
        """(N_MESH, 2) pixel offsets of the control points at each expression control = 1."""
        eye_dist = float(np.linalg.norm(mesh[OUTER_EYE_CORNERS[1], :2] - mesh[OUTER_EYE_CORNERS[0], :2]))
        axis = (mesh[OUTER_EYE_CORNERS[1], :2] - mesh[OUTER_EYE_CORNERS[0], :2]) / eye_dist
        up = np.array([axis[1], -axis[0]])
        brows = []
        for upper_row, lower_row in zip(BROWS, BROW_LOWER):
            b = np.zeros((len(mesh), 2))
            b[list(upper_row) + list(lower_row)] = BROW_RAISE * eye_dist * up
            brows.append(b)
        return {"brow_right": brows[0], "brow_left": brows[1]}

    def _eyes(self, c: Controls) -> np.ndarray:
        pose = Pose(c.gaze_yaw, c.gaze_pitch, 0.0, 0.0) if "eyes" in self.layers else Pose(0.0)
        if not (self.can_blink and "blink" in self.layers):
            if pose == Pose(0.0):
                return self.head
            return self.eyes.render_pose(pose)
        b_right, b_left = (float(np.clip(b, 0.0, 1.0)) for b in c.blink)
        if pose == Pose(0.0) and max(b_right, b_left) < REST_EPS:
            return self.head
        if abs(b_right - b_left) <= WINK:
            b_right = b_left = (b_right + b_left) / 2.0
        frame = self.eyes.render_pose(pose, blink=b_right)
        if abs(b_right - b_left) > WINK:   # each eye its own lid: the sitter's left eye is on image +x
            other = self.eyes.render_pose(pose, blink=b_left)
            frame = frame.copy()
            frame[:, self._mid_x:] = other[:, self._mid_x:]
        return frame

    def displacements(self, c: Controls) -> Optional[np.ndarray]:
        """(N_MESH, 2) control point offsets for the head and expression layers, or None at rest."""
        offset = np.zeros((len(self._mesh), 2))
        if "brows" in self.layers:
            offset += c.brows[0] * self._bases["brow_right"] + c.brows[1] * self._bases["brow_left"]
        yaw, pitch, roll = (c.head_yaw, c.head_pitch, c.head_roll) if "head" in self.layers else (0.0, 0.0, 0.0)
        if max(abs(yaw), abs(pitch), abs(roll)) < REST_EPS and not np.any(np.abs(offset) > 0.05):
            return None
        moved3 = self._mesh.copy()
        moved3[:, :2] += offset
        moved = rotate_head(moved3, yaw, pitch, 0.6) if (yaw or pitch) else moved3[:, :2]
        if roll:
            a = np.radians(roll)
            rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            moved = (moved - self._pivot) @ rot.T + self._pivot
        return moved - self._mesh[:, :2]

    def render_head(self, c: Controls) -> np.ndarray:
        """The animated head square: (S, S, 3) uint8 RGB."""
        frame = self._eyes(c)
        if self.mouth is not None:
            w = float(np.clip(c.mouth_width, -1.0, 1.0))
            pose = MouthPose(open=float(np.clip(c.mouth_open, 0.0, 1.0)), round=max(0.0, -w), spread=max(0.0, w))
            frame = self.mouth.render(frame, pose)
        disp = self.displacements(c)
        if disp is None:
            return frame
        # bilinear, no back-projection: at display scale it loses little and costs a quarter of
        # the sharp resampler the bank build uses (a live frame has about 30 ms)
        return self.warp.warp(frame, disp, interpolation=cv2.INTER_LINEAR, back_project=False)

    def render(self, c: Controls) -> np.ndarray:
        """The crop patch for the compositor: (ch, cw, 3) uint8 RGB, the head blended into the painting."""
        return self.source.compose(self.render_head(c))
