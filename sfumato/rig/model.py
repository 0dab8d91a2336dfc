"""The painting rig as data: what is measured once per painting, stored as ``rig.json``.

The rig holds only geometry and a few colours (no pixels): the layers themselves (the rebuilt
eye white, the iris texture, the catchlight) are re-derived from the painting's head crop and
these numbers in a fraction of a second (:mod:`sfumato.rig.eye`). Everything is in head-crop
pixels (x right, y down). The rig is laid out by part (``eyes`` now; mouth, jaw and brows can
join as further fields) so later work can drive more of the face from the same file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

RIG_VERSION = 2
"""Version 2 (session 17) stores each eye's painted iris edge (:class:`IrisEdge`); version 1 files,
which lack it, still load, and the edge is fitted again from the painting."""
READS = (1, 2)
"""The rig file versions this sfumato reads."""
RIG_FILE = "rig.json"


@dataclass
class IrisFit:
    """The iris as an object, fitted to the painted pixels.

    Attributes:
        centre: (x, y) iris centre, crop pixels.
        radius: limbus radius (outer edge of the iris), pixels.
        pupil: pupil radius as a fraction of ``radius`` (0 when no pupil is painted).
        limbus: width of the dark limbus ring / soft edge, as a fraction of ``radius``.
        colour: (r, g, b) mean iris colour in [0, 255].
        contrast: mean lightness step (L, 0..100) from iris to white across the visible rim;
            small when there is no painted iris to move (closed eye, sunglasses).
    """

    centre: tuple[float, float]
    radius: float
    pupil: float
    limbus: float
    colour: tuple[float, float, float]
    contrast: float


@dataclass
class Catchlight:
    """The painted specular highlight of an iris, a layer of its own.

    Attributes:
        offset: (dx, dy) from the iris centre, pixels.
        radius: equivalent radius of the highlight, pixels.
        colour: (r, g, b) its colour in [0, 255].
        strength: alpha of the layer's core, 0..1: 1.0 for every highlight found since the finder
            draws it in its own colour (rig.json files from before may hold less).
        matte: how the layer is drawn: 0 (rig.json files from before, which lack the field) a disc
            of ``radius`` in ``colour``; 1 the painted highlight itself, re-cut from the painting
            when the layers are derived (:mod:`sfumato.rig.catchlight_sprite`), the disc only
            where nothing stands above the iris there.
    """

    offset: tuple[float, float]
    radius: float
    colour: tuple[float, float, float]
    strength: float
    matte: int = 0


@dataclass
class IrisEdge:
    """The painted iris' edge against its white as the rig draws it (what
    :func:`sfumato.rig.limbus.painted_soft_edge` found), stored so a rebuild from the bank draws
    it without fitting it again (the fit is most of a rebuild's time: about 40 %).

    Attributes:
        mid: half-way radius, pixels from the iris centre; None: too little white showed beside
            the iris to read an edge (the alpha a linear ramp at the radius).
        widths: (:data:`sfumato.rig.limbus.N_RAYS`,) 10-90 % width by direction, pixels (ray k at
            2 pi k / N_RAYS radians, image x right and y down); empty with ``mid`` None.
            Stored unrounded, so a rebuild draws the very edge the bank was rendered with.
    """

    mid: float | None
    widths: list[float]


@dataclass
class EyeRig:
    """One eye: the opening (lid contours), the iris, the catchlight, the white.

    Attributes:
        side: "right" (the sitter's right eye, image left) or "left".
        upper: (K, 2) upper lid contour from corner to corner (inner and outer corner included),
            crop pixels, ordered by increasing x.
        lower: (K, 2) lower lid contour, same ends and order.
        iris: the fitted iris.
        catchlight: the highlight, or None when the iris has none.
        white: (r, g, b) median colour of the painted eye white in [0, 255].
        white_lightness: (p50, p90) CIE L of the painted eye white.
        edge: the painted iris edge (:class:`IrisEdge`), set when the layers are first derived
            (:func:`sfumato.rig.eye.eye_layers`); None: not measured yet (a version 1 file).
    """

    side: str
    upper: list[list[float]]
    lower: list[list[float]]
    iris: IrisFit
    catchlight: Catchlight | None
    white: tuple[float, float, float]
    white_lightness: tuple[float, float]
    edge: IrisEdge | None = None

    @property
    def corners(self) -> tuple[np.ndarray, np.ndarray]:
        """(2,) image-left and image-right eye corners, crop pixels."""
        up = np.asarray(self.upper, np.float64)
        return up[0], up[-1]

    @property
    def half_width(self) -> float:
        a, b = self.corners
        return float(np.linalg.norm(b - a) / 2)


@dataclass
class Rig:
    """The per-painting rig.

    Attributes:
        size: side of the square head crop the rig was measured on, pixels.
        landmarks: (478, 3) FaceMesh landmarks in crop pixels (the head warp's control points).
        eyes: the rigged eyes (empty when the eyes are not animated).
        eyes_off: why the eyes are not animated ("" when they are), one line for the user.
        version: file format version.
    """

    size: int
    landmarks: np.ndarray
    eyes: list[EyeRig] = field(default_factory=list)
    eyes_off: str = ""
    version: int = RIG_VERSION

    def to_json(self) -> bytes:
        """The rig as UTF-8 JSON bytes, every number as measured (since version 2; version 1 rounded
        coordinates to 1/100 pixel, and a rebuild from it drew frames a few grey levels off the
        bank's): the landmarks in the fewest digits that read back as the same float32, the eyes'
        numbers as the float64s they are, so :meth:`from_json` gives the very rig back."""
        doc: dict[str, Any] = {
            "version": self.version,
            "size": int(self.size),
            "eyes_off": self.eyes_off,
            "landmarks": [[_short32(v) for v in p] for p in np.asarray(self.landmarks, np.float32)],
            "eyes": [_plain(asdict(e)) for e in self.eyes],
        }
        return json.dumps(doc, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes | str) -> Rig:
        """Parse :meth:`to_json` output; raises ValueError on a malformed or newer file."""
        doc = json.loads(data)
        if not isinstance(doc, dict) or int(doc.get("version", -1)) not in READS:
            raise ValueError(f"unsupported rig file (version {doc.get('version') if isinstance(doc, dict) else '?'}, expected one of {READS})")
        eyes = []
        for e in doc["eyes"]:
            iris = IrisFit(**{k: tuple(v) if isinstance(v, list) else v for k, v in e["iris"].items()})
            cl = e.get("catchlight")
            catch = Catchlight(**{k: tuple(v) if isinstance(v, list) else v for k, v in cl.items()}) if cl else None
            edge = IrisEdge(**e["edge"]) if e.get("edge") else None
            eyes.append(EyeRig(e["side"], e["upper"], e["lower"], iris, catch, tuple(e["white"]), tuple(e["white_lightness"]), edge))
        lm = np.asarray(doc["landmarks"], np.float32)
        if lm.shape != (478, 3):
            raise ValueError(f"rig landmarks have shape {lm.shape}, expected (478, 3)")
        return cls(size=int(doc["size"]), landmarks=lm, eyes=eyes, eyes_off=str(doc.get("eyes_off", "")))


def _short32(v: np.float32) -> float:
    """A float32 as the float with the fewest digits that reads back as the same float32."""
    return float(np.format_float_positional(v, unique=True, trim="-"))


def _plain(x: Any) -> Any:
    """NumPy scalars (also inside lists, tuples, dicts) as Python numbers, unrounded, for JSON."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x
