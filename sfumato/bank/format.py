"""The frame bank on disk: write it, load it, validate it.

Layout of ``frames/<name>/``::

    manifest.json       format, painting (name, sha256, size), crop, grid, engine + params,
                        blend, per-frame labels (gaze / head yaw, pitch in degrees), files
    painting.png        the painting once, (H, W, 3) 8-bit RGB, upright
    frame_000.png ...   one image per frame holding only the crop patch (already blended)
    blink_016_100.png   blink frames (optional): the eye region of a frame at a closure level
                        (see :mod:`sfumato.bank.blinks`)
    contact_sheet.png   every frame at a glance
    preview.mp4         the sweep there and back

``load_bank`` checks every file (presence, size, sha256; :mod:`sfumato.bank.validate`) and names the bad one.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from sfumato.bank.blinks import BlinkPatch, blink_name, layer_of, lid_layers, nearest_blink_frame, nearest_level
from sfumato.bank.validate import FORMAT, VERSION, check_image, delete_advice, need, rebuild_advice, validate_manifest
from sfumato.errors import BankError
from sfumato.geometry.blend import BlendParams
from sfumato.imaging.resize import paste
from sfumato.imaging.painting import sha256_file
from sfumato.pose import Pose

MANIFEST = "manifest.json"
PAINTING = "painting.png"
_PNG_FAST = [cv2.IMWRITE_PNG_COMPRESSION, 1]


def frame_name(i: int) -> str:
    return f"frame_{i:03d}.png"


def encode_png(rgb: np.ndarray) -> bytes:
    """(H, W, 3) uint8 RGB (or (H, W, 4) RGBA) -> PNG bytes (fast compression)."""
    ok, buf = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGBA2BGRA if rgb.shape[-1] == 4 else cv2.COLOR_RGB2BGR), _PNG_FAST)
    if not ok:
        raise OSError(f"could not encode a {rgb.shape} image as PNG")
    return buf.tobytes()


def write_png(path: Path, rgb: np.ndarray) -> str:
    """Write (H, W, 3) uint8 RGB (or (H, W, 4) RGBA) as PNG (fast compression); return its sha256."""
    Path(path).write_bytes(encode_png(rgb))
    return sha256_file(path)


def read_png(path: Path, alpha: bool = False) -> np.ndarray:
    """Read an 8-bit PNG as (H, W, 3) uint8 RGB (with ``alpha``, RGBA ones as (H, W, 4))."""
    img = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_UNCHANGED if alpha else cv2.IMREAD_COLOR)
    if img is None or img.ndim != 3:
        raise BankError(f"{path}: unreadable image; {rebuild_advice(Path(path).parent)}.")
    return cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA if img.shape[2] == 4 else cv2.COLOR_BGR2RGB)


@dataclass
class BankWriter:
    """Writes a bank into ``folder`` (normally a temp dir that the builder renames).

    Call :meth:`write_painting`, then :meth:`add_frame` per frame in row-major order, then
    :meth:`finish` with the rest of the manifest.
    """

    folder: Path
    frames: list[dict[str, Any]] = field(default_factory=list)
    painting_info: dict[str, Any] = field(default_factory=dict)
    blinks: dict[str, Any] | None = None
    artifacts: dict[str, str] = field(default_factory=dict)

    def write_painting(self, painting: np.ndarray, source: Path | None, source_sha256: str | None) -> None:
        """Store the painting the bank was built from (the one live shows) and its manifest entry.

        Args:
            painting: (H, W, 3) uint8 RGB, as the builder read it (not resized).
            source: the file it came from (its name goes in the manifest), or None.
            source_sha256: that file's sha256 (hex), or None.
        """
        h, w = painting.shape[:2]
        digest = write_png(self.folder / PAINTING, painting)
        self.painting_info = {
            "file": source.name if source else None,
            "sha256": source_sha256,
            "size": [int(w), int(h)],
            "stored_as": PAINTING,
            "stored_sha256": digest,
        }

    def add_frame(self, patch: np.ndarray, label: Pose) -> None:
        """Store the next frame (row-major order) and its pose label.

        Args:
            patch: (h, w, 3) uint8 RGB, the crop as shown (blended into the painting), the same
                size for every frame.
            label: the gaze and head pose it shows, degrees (rounded to 4 places in the manifest).
        """
        name = frame_name(len(self.frames))
        digest = write_png(self.folder / name, patch)
        self.frames.append({"file": name, "sha256": digest, **{k: round(float(v), 4) for k, v in vars(label).items()}})

    def add_blinks(self, frame: int, open_patch: np.ndarray, lids: list[tuple[np.ndarray, np.ndarray]],
                   levels: tuple[float, ...], feather: int) -> bool:
        """Store frame ``frame``'s blink: per level its lid layer (:func:`sfumato.bank.blinks.lid_layers`;
        ``lids``: per level the closed (h, w, 3) uint8 RGB patch and the (h, w) uint8 share of the eyes it lets through) in the box around
        what it changes in ``open_patch``, padded by ``feather`` pixels.

        Returns:
            False (nothing stored) when the lids change nothing.
        """
        made = lid_layers(open_patch, lids, feather)
        if made is None:
            return False
        box, layers = made
        if self.blinks is None:
            self.blinks = {"levels": [float(v) for v in levels], "frames": [], "feather": int(feather),
                           "layers": "premultiplied", "patches": []}
        for level, rgba in zip(levels, layers):
            name = blink_name(frame, level)
            digest = write_png(self.folder / name, rgba)
            self.blinks["patches"].append({"frame": int(frame), "level": float(level), "file": name, "box": list(box), "sha256": digest})
        self.blinks["frames"].append(int(frame))
        return True

    def add_artifact(self, name: str, data: bytes) -> None:
        """Store an engine's extra file (a plain file name) and list its sha256 in the manifest."""
        if name != Path(name).name or name in (MANIFEST, PAINTING) or name.startswith("frame_"):
            raise ValueError(f"engine artifact {name!r}: needs a plain file name of its own")
        (self.folder / name).write_bytes(data)
        self.artifacts[name] = sha256_file(self.folder / name)

    def finish(self, crop: tuple[int, int, int, int], grid: tuple[int, int], meta: dict[str, Any]) -> dict[str, Any]:
        """Write manifest.json; return it. ``meta`` adds engine, blend, face, previews, ..."""
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "painting": self.painting_info,
            "crop": [int(v) for v in crop],
            "grid": [int(grid[0]), int(grid[1])],
            **meta,
            **({"blinks": self.blinks} if self.blinks else {}),
            **({"artifacts": dict(self.artifacts)} if self.artifacts else {}),
            "frames": self.frames,
        }
        validate_manifest(manifest, self.folder / MANIFEST)
        (self.folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        return manifest


def write_bank(
    folder: str | Path,
    painting: np.ndarray,
    crop: tuple[int, int, int, int],
    patches: list[np.ndarray],
    labels: list[Pose] | np.ndarray,
    grid: tuple[int, int] | None = None,
    meta: dict[str, Any] | None = None,
    blinks: dict[int, list[np.ndarray]] | None = None,
    blink_levels: tuple[float, ...] = (0.35, 0.7, 1.0),
    blink_feather: int = 4,
) -> Path:
    """Write a complete bank in one call (tests, tools). No previews are made.

    Args:
        painting: (H, W, 3) uint8 RGB.
        crop: (x, y, w, h); each patch is (h, w, 3) uint8 RGB.
        labels: Poses, or an (N, 2) / (N, 4) array of yaw, pitch[, head yaw, head pitch].
        blinks: frame index -> its patches at ``blink_levels`` (stored as eye-region boxes).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    writer = BankWriter(folder)
    writer.write_painting(painting, None, None)
    for patch, lab in zip(patches, labels):
        writer.add_frame(patch, lab if isinstance(lab, Pose) else Pose(*map(float, lab)))
    for i, closed in sorted((blinks or {}).items()):
        writer.add_blinks(i, patches[i], [(c, np.zeros(c.shape[:2], np.uint8)) for c in closed], blink_levels, blink_feather)
    writer.finish(crop, grid or (1, len(patches)), {"engine": {"name": "external", "params": {}}, **(meta or {})})
    return folder


class Bank:
    """A validated frame bank. Patches are read from disk when asked for, not kept."""

    def __init__(self, folder: Path, manifest: dict[str, Any]) -> None:
        self.folder = folder
        self.manifest = manifest
        frames = manifest["frames"]
        self.labels = np.array([[f["gaze_yaw"], f["gaze_pitch"]] for f in frames], dtype=np.float32)
        """(N, 2) float32 gaze yaw, pitch per frame, degrees."""
        self.poses = [Pose(f["gaze_yaw"], f["gaze_pitch"], f.get("head_yaw", 0.0), f.get("head_pitch", 0.0))
                      for f in frames]
        """Each frame's :class:`Pose` (gaze and head angles, degrees), row-major."""
        sq = manifest.get("square_box")
        self.square_box: tuple[int, int, int] | None = tuple(sq) if sq else None  # type: ignore[assignment]
        """(x, y, side) of the head square the engine animated, painting pixels (may pass the
        painting's edge); None for banks written without one (the crop is then the head region)."""
        bp = manifest.get("blend") or {}
        self.blend = BlendParams(**{k: v for k, v in bp.items() if k in BlendParams.__dataclass_fields__})
        """How the frames were blended (shape and its parameters)."""
        outline = manifest.get("face_outline")
        self.face_outline: np.ndarray | None = None if outline is None else np.asarray(outline, np.float32)
        """(K, 2) float32 face-outline points in head-square pixels (the ellipse mask's input), or None."""
        self.crop: tuple[int, int, int, int] = tuple(manifest["crop"])  # type: ignore[assignment]
        self.grid: tuple[int, int] = tuple(manifest["grid"])  # type: ignore[assignment]
        self.painting_size: tuple[int, int] = tuple(manifest["painting"]["size"])  # type: ignore[assignment]
        self.name = folder.name

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def head_box(self) -> tuple[int, int, int, int]:
        """(x, y, w, h) of the head region: the square box if the bank has one, else the crop."""
        if self.square_box is not None:
            x, y, side = self.square_box
            return x, y, side, side
        return self.crop

    def head_alpha(self, side: int) -> np.ndarray:
        """The bank's own blend mask over its head region, computed at ``side`` px.

        Returns:
            (side, side) float32 in [0, 1] (resize it to the head region's size on screen).
        Raises:
            BankError: an ellipse bank without its face outline (built before it was stored).
        """
        from sfumato.geometry.blend import alpha_mask

        if self.blend.shape == "ellipse":
            need(self.face_outline is not None, self.folder / MANIFEST, "an ellipse-blended bank needs face_outline")
            return alpha_mask(self.blend, side, self.face_outline * (side / self.head_box[2]))
        return alpha_mask(self.blend, side)

    def __repr__(self) -> str:
        return f"Bank({self.folder}, {len(self)} frames, grid {self.grid}, crop {self.crop})"

    @property
    def center_index(self) -> int:
        """Index of the frame nearest gaze (0, 0)."""
        return int(np.argmin(np.hypot(self.labels[:, 0], self.labels[:, 1])))

    @functools.cached_property
    def painting(self) -> np.ndarray:
        """(H, W, 3) uint8 RGB, read on first use and kept."""
        return read_png(self.folder / self.manifest["painting"]["stored_as"])

    def patch(self, i: int) -> np.ndarray:
        """Frame ``i``'s crop patch: (h, w, 3) uint8 RGB, already blended."""
        if not -len(self) <= i < len(self):
            raise IndexError(f"frame {i} out of range for a {len(self)}-frame bank")
        return read_png(self.folder / self.manifest["frames"][i]["file"])

    @property
    def blink_levels(self) -> tuple[float, ...]:
        """Closure levels of the stored blinks (increasing, 0 open .. 1 closed); () without."""
        b = self.manifest.get("blinks")
        return tuple(float(v) for v in b["levels"]) if b else ()

    @property
    def blink_frames(self) -> list[int]:
        """Frames that carry blink images; [] for a bank without blinks."""
        b = self.manifest.get("blinks")
        return list(b["frames"]) if b else []

    def blink_patch(self, i: int, level: float) -> BlinkPatch:
        """The lid layer of the blink frame nearest frame ``i``'s gaze at the stored level
        nearest ``level`` (lay it with :meth:`BlinkPatch.over`, moved by :meth:`eyes_shift`).

        Raises:
            BankError: when the bank has no blinks.
        """
        if not self.blink_frames:
            raise BankError(f"{self.folder}: this bank has no blink frames; rebuild it with an engine that can blink.")
        frame = nearest_blink_frame(self.labels, self.blink_frames, i % len(self))
        lv = self.blink_levels[nearest_level(self.blink_levels, level) or 0]
        b = self.manifest["blinks"]
        entry = next(p for p in b["patches"] if p["frame"] == frame and p["level"] == lv)
        premult, transmit = layer_of(read_png(self.folder / entry["file"], alpha=True))
        return BlinkPatch(premult, transmit, tuple(entry["box"]), frame, lv, int(b.get("feather", 0)))  # type: ignore[arg-type]

    def eyes_shift(self, i: int, j: int) -> tuple[float, float]:
        """How far frame ``i``'s eyes lie from frame ``j``'s (dx, dy patch px; 0 in banks
        built before the manifest kept them): a lid drawn for ``j`` is laid on ``i`` so moved."""
        eyes = (self.manifest.get("blinks") or {}).get("eyes")
        if not eyes:
            return 0.0, 0.0
        return float(eyes[i][0] - eyes[j][0]), float(eyes[i][1] - eyes[j][1])

    def full_frame(self, i: int, blink: float = 0.0) -> np.ndarray:
        """(H, W, 3) uint8 RGB: the painting with frame ``i`` pasted at the crop; with
        ``blink`` > 0 the stored lid level nearest it laid over the eyes (banks with blinks)."""
        x, y, _, _ = self.crop
        patch = self.patch(i)
        if nearest_level(self.blink_levels, blink) is not None:
            bp = self.blink_patch(i, blink)
            patch = bp.over(patch, self.eyes_shift(i % len(self), bp.frame))
        return paste(self.painting.copy(), patch, x, y)


def load_bank(path: str | Path, verify: bool = True) -> Bank:
    """Open and validate a bank folder.

    Args:
        path: the bank folder (or its manifest.json).
        verify: also check every file's sha256 (reads every byte once).

    Raises:
        BankError: naming the missing or bad file.
    """
    folder = Path(path)
    if folder.name == MANIFEST:
        folder = folder.parent
    if not folder.is_dir():
        raise BankError(f"{folder}: no such bank folder; build one with `python -m precompute PAINTING --out {folder}`.")
    mpath = folder / MANIFEST
    if not mpath.is_file():
        raise BankError(f"{mpath}: manifest missing; {delete_advice(folder)}.")
    try:
        manifest = json.loads(mpath.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BankError(f"{mpath}: not valid JSON ({err}); {delete_advice(folder)}.") from None
    validate_manifest(manifest, mpath)
    pinfo = manifest["painting"]
    check_image(folder / pinfo["stored_as"], tuple(pinfo["size"]), pinfo.get("stored_sha256"), verify)
    _, _, w, h = manifest["crop"]
    for f in manifest["frames"]:
        check_image(folder / f["file"], (w, h), f.get("sha256"), verify)
    for b in (manifest.get("blinks") or {}).get("patches", []):
        check_image(folder / b["file"], tuple(b["box"][2:]), b.get("sha256"), verify)
    for name, sha in (manifest.get("artifacts") or {}).items():
        need((folder / name).is_file(), folder / name, "engine artifact missing")
        if verify:
            need(sha256_file(folder / name) == sha, folder / name, "contents changed since the bank was built (sha256 mismatch)")
    return Bank(folder, manifest)
