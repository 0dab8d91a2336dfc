"""A bank folder checked before it is used: its manifest's fields and every image it lists, each problem a
one-line :class:`~sfumato.errors.BankError` that names the file and how to rebuild it
(:func:`sfumato.bank.format.load_bank` calls these).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from sfumato.bank.blinks import validate_blinks
from sfumato.errors import BankError
from sfumato.imaging.painting import sha256_file

FORMAT = "sfumato-bank"
VERSION = 1


def rebuild_advice(folder: Path) -> str:
    """How to rebuild a broken bank whose manifest is still a bank's (a frame missing or changed, an old
    format version): ``--force`` replaces it."""
    return f"rebuild it with `python -m precompute PAINTING --out {folder} --force`"


def delete_advice(folder: Path) -> str:
    """How to rebuild a bank whose manifest is missing or unreadable: precompute's ``--force`` replaces
    only folders it can tell are banks (:func:`precompute.destination.is_bank`), so this one must go first."""
    return (f"if it is a bank cut short, delete {folder} and build it again with "
            f"`python -m precompute PAINTING --out {folder}` (--force replaces only readable banks)")


def need(cond: bool, where: Path, what: str) -> None:
    """Raise a :class:`BankError` naming ``where`` (a file in the bank folder) and ``what`` unless ``cond``."""
    if not cond:
        raise BankError(f"{where}: {what}; {rebuild_advice(where.parent)}.")


def validate_manifest(m: Any, where: Path) -> None:
    """Check a parsed ``manifest.json`` (``m``, read from ``where``): raise a one-line :class:`BankError` naming
    the file, what is wrong and how to rebuild, or return None."""
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        what = "is not a JSON object" if not isinstance(m, dict) else f"is not a sfumato bank's (format {m.get('format')!r})"
        raise BankError(f"{where}: manifest {what}; {delete_advice(where.parent)}.")
    need(m.get("version") == VERSION, where, f"bank format version {m.get('version')!r}, this sfumato reads {VERSION}")
    p = m.get("painting")
    need(isinstance(p, dict) and isinstance(p.get("stored_as"), str), where, "painting entry missing")
    size = p.get("size")
    need(isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 0 for v in size), where, "painting size must be [width, height]")
    crop = m.get("crop")
    need(isinstance(crop, list) and len(crop) == 4 and all(isinstance(v, int) for v in crop), where, "crop must be [x, y, w, h] integers")
    x, y, w, h = crop
    need(w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1], where, f"crop {crop} does not fit the {size[0]}x{size[1]} painting")
    grid = m.get("grid")
    need(isinstance(grid, list) and len(grid) == 2 and all(isinstance(v, int) and v > 0 for v in grid), where, "grid must be [rows, cols]")
    frames = m.get("frames")
    need(isinstance(frames, list) and len(frames) > 0, where, "no frames listed")
    need(len(frames) == grid[0] * grid[1], where, f"{len(frames)} frames listed but grid is {grid[0]}x{grid[1]}")
    for i, f in enumerate(frames):
        ok = isinstance(f, dict) and isinstance(f.get("file"), str) and all(
            isinstance(f.get(k), (int, float)) and np.isfinite(f.get(k)) for k in ("gaze_yaw", "gaze_pitch")
        )
        need(ok, where, f"frame {i} needs file, gaze_yaw and gaze_pitch")
    need(isinstance(m.get("engine"), dict) and "name" in m["engine"], where, "engine entry missing")
    sq = m.get("square_box")
    need(sq is None or (isinstance(sq, list) and len(sq) == 3 and all(isinstance(v, int) for v in sq) and sq[2] > 0),
          where, "square_box must be [x, y, side] integers")
    outline = m.get("face_outline")
    need(outline is None or (isinstance(outline, list) and len(outline) >= 5
                              and all(isinstance(p, list) and len(p) == 2 for p in outline)),
          where, "face_outline must be a list of at least 5 [x, y] points")
    need(m.get("blend") is None or isinstance(m["blend"], dict), where, "blend must be an object")
    validate_blinks(m, where, need)


def check_image(path: Path, size: tuple[int, int], sha: str | None, verify: bool) -> None:
    """Check that the bank image ``path`` exists, reads as an image of ``size`` (w, h) and, with ``verify``, has
    sha256 ``sha``; raise a one-line :class:`BankError` naming it otherwise."""
    need(path.is_file(), path, "file missing")
    try:
        with Image.open(path) as im:
            got = im.size
    except Exception:
        raise BankError(f"{path}: not a readable image; {rebuild_advice(path.parent)}.") from None
    need(tuple(got) == tuple(size), path, f"image is {got[0]}x{got[1]}, manifest says {size[0]}x{size[1]}")
    if verify and sha:
        need(sha256_file(path) == sha, path, "contents changed since the bank was built (sha256 mismatch)")
