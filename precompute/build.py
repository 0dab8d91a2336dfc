"""Build a frame bank: painting in, ``frames/<name>/`` out.

Everything is written into a temp folder beside the destination and renamed into place at
the end, so a failure or Ctrl-C leaves nothing half-written.
"""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from sfumato import __version__
from sfumato.bank.blinks import BlinkSpec, blink_frames, feather_px
from sfumato.bank.format import BankWriter, write_png
from sfumato.geometry.blend import BlendParams, alpha_mask, blend, match_colors
from sfumato.geometry.crop import head_box, head_crop
from sfumato.engines import DEFAULT_ENGINE, SweepSpec, canonical_name, make_engine
from sfumato.errors import NoFaceError, SfumatoError
from sfumato.face.detect import MIN_FACE_PX, face_outline, find_faces
from sfumato.imaging.resize import resize_max_side
from sfumato.imaging.painting import load_painting, sha256_file
from precompute.destination import BuildLock, check_destination, make_temp, remove_stale, replace_with
from precompute.limits import check_build
from precompute.previews import PreviewFrames, blink_sequence, contact_sheet, sweep_order
from sfumato.video import write_mp4

CONTACT_SHEET = "contact_sheet.png"
PREVIEW = "preview.mp4"


@dataclass
class BuildConfig:
    """Everything that defines a bank build.

    Attributes:
        painting: the painting file.
        out: the bank folder to create.
        sweep: the grid of poses.
        engine: engine name (or alias, see :mod:`sfumato.engines`); ``engine_options`` are passed to it.
        face: which face (0 = largest).
        margin: crop margin per side as a fraction of the face size.
        blend: how the head is blended back.
        force: replace an existing bank.
        progress: show tqdm progress bars.
        blinks: which blink frames to store when the engine can blink (``can_blink``); None: none.
    """

    painting: Path
    out: Path
    sweep: SweepSpec = field(default_factory=SweepSpec)
    engine: str = DEFAULT_ENGINE
    engine_options: dict[str, Any] = field(default_factory=dict)
    face: int = 0
    margin: float = 0.6
    blend: BlendParams = field(default_factory=BlendParams)
    force: bool = False
    progress: bool = True
    blinks: BlinkSpec | None = field(default_factory=BlinkSpec)


def _choose_face(painting: np.ndarray, cfg: BuildConfig):
    faces = find_faces(painting)
    if not faces:
        raise NoFaceError(f"{cfg.painting}: no face found; sfumato needs a visible, roughly frontal face at least {MIN_FACE_PX} px wide.")
    if not 0 <= cfg.face < len(faces):
        raise NoFaceError(f"{cfg.painting}: --face {cfg.face} asked for, but only {len(faces)} face(s) found (use 0..{len(faces) - 1}).")
    face = faces[cfg.face]
    if face.width < MIN_FACE_PX:
        raise NoFaceError(
            f"{cfg.painting}: the face is {face.width:.0f} px wide, the minimum is {MIN_FACE_PX} px; "
            "use a higher-resolution image of the painting."
        )
    return face, len(faces)


def build_bank(cfg: BuildConfig) -> Path:
    """Build the bank that ``cfg`` describes; return its folder.

    Holds the destination's build lock throughout; removes temp folders left by killed
    builds; writes into a temp folder renamed into place at the end.
    """
    check_build(cfg)
    out = Path(cfg.out)
    check_destination(out, cfg.force)
    with BuildLock(out):
        check_destination(out, cfg.force)   # again: a concurrent build may have just finished
        remove_stale(out)
        return _build_locked(cfg, out)


def _build_locked(cfg: BuildConfig, out: Path) -> Path:
    t0 = time.perf_counter()
    painting = load_painting(cfg.painting)
    h, w = painting.shape[:2]
    face, n_faces = _choose_face(painting, cfg)
    box = head_box(face, (w, h), cfg.margin)
    cx, cy, cw, ch = box.clipped
    base = painting[cy : cy + ch, cx : cx + cw].copy()  # a copy: the painting is freed early
    preview = PreviewFrames(painting, box.clipped)
    focus = _face_region(face.landmarks, box.clipped)
    crop = head_crop(painting, face, box)

    tmp = make_temp(out)
    # One writer thread: PNG encoding (which releases the GIL) overlaps rendering, and frames
    # are written in order. At most two frames wait, so memory stays bounded.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bank-writer")
    try:
        writer = BankWriter(tmp)
        pending = [pool.submit(writer.write_painting, painting, Path(cfg.painting), sha256_file(Path(cfg.painting)))]
        del painting
        engine = make_engine(cfg.engine, **cfg.engine_options)
        engine.prepare(crop)
        del crop
        poses = engine.plan(cfg.sweep)
        if len(poses) != cfg.sweep.rows * cfg.sweep.cols:
            raise SfumatoError(f"engine {cfg.engine} planned {len(poses)} frames, expected {cfg.sweep.rows * cfg.sweep.cols}")
        rows_sl, cols_sl = box.square_slice()
        outline = face_outline(face.landmarks - [box.x, box.y, 0])
        alpha = alpha_mask(cfg.blend, box.side, outline)[rows_sl, cols_sl]
        grid = (cfg.sweep.rows, cfg.sweep.cols)
        spec = cfg.blinks or BlinkSpec()
        levels, feather = spec.levels, feather_px(spec, box.side)
        blinking = set(blink_frames(grid, spec)) if engine.can_blink and cfg.blinks is not None else set()
        center = min(range(len(poses)), key=lambda k: abs(poses[k].gaze_yaw) + abs(poses[k].gaze_pitch))
        blink_show = min(blinking, key=lambda k: abs(k - center)) if blinking else None
        thumbs, previews, blink_previews, blink_thumb = [], [], [], None

        def finish(rendered: np.ndarray) -> np.ndarray:
            """The engine's (S, S, 3) uint8 RGB head square -> the (h, w, 3) uint8 RGB crop as stored,
            its clipped part blended into the painting's (colour-matched first when asked)."""
            rendered = rendered[rows_sl, cols_sl]
            if cfg.blend.color_match:
                rendered = match_colors(rendered, base, alpha)
            return blend(base, rendered, alpha)

        bar = tqdm(range(len(poses)), desc=f"rendering {out.name}", unit="frame", disable=not cfg.progress, leave=False)
        for i in bar:
            patch = finish(engine.render(i))
            p = poses[i]
            _drain(pending, keep=1)
            pending.append(pool.submit(writer.add_frame, patch, p))
            if i in blinking:
                lids = [render_lids(engine, i, c, finish, (rows_sl, cols_sl)) for c in levels]
                pending.append(pool.submit(writer.add_blinks, i, patch, lids, levels, feather))
                if i == blink_show:
                    closed = [lid[0] for lid in lids]
                    blink_thumb = resize_max_side(closed[-1][focus], 256)[0]
                    blink_previews = [preview.frame(c) for c in closed]
                del lids
            thumbs.append(resize_max_side(patch[focus], 256)[0])
            previews.append(preview.frame(patch))
            del patch
        _drain(pending, keep=0)
        labels = [(p.gaze_yaw, p.gaze_pitch) for p in poses]
        extras = [(blink_thumb, f"{blink_show}: blink")] if blink_thumb is not None and writer.blinks else []
        write_png(tmp / CONTACT_SHEET, contact_sheet(thumbs, labels, grid, extras=extras))
        order = [previews[i] for i in sweep_order(grid)]
        if blink_previews and writer.blinks:
            order += blink_sequence(previews[blink_show], blink_previews)
        write_mp4(tmp / PREVIEW, iter(order))
        if writer.blinks and hasattr(engine, "eyes_at"):  # where each frame's eyes are, patch px
            at = [engine.eyes_at(i) - (cols_sl.start, rows_sl.start) for i in range(len(poses))]
            writer.blinks["eyes"] = [[round(float(x), 3), round(float(y), 3)] for x, y in at]
        for name, data in engine.artifacts().items():
            writer.add_artifact(name, data)
        meta = {
            "sfumato_version": __version__,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "engine": {"name": canonical_name(cfg.engine), "params": engine.params()},
            "sweep": asdict(cfg.sweep),
            "blend": cfg.blend.to_dict(),
            "face": {"index": cfg.face, "count": n_faces, "box": [round(v, 2) for v in face.box], "score": round(face.score, 4)},
            "square_box": [box.x, box.y, box.side],
            "face_outline": [[round(float(x), 2), round(float(y), 2)] for x, y in outline],
            "margin": cfg.margin,
            "previews": {"contact_sheet": CONTACT_SHEET, "preview": PREVIEW},
            "build_seconds": round(time.perf_counter() - t0, 3),
        }
        writer.finish(box.clipped, grid, meta)
        pool.shutdown()
        replace_with(tmp, out)
    except BaseException:   # error, Ctrl-C or SIGTERM (see sfumato.interrupts): leave nothing behind
        try:
            pool.shutdown(cancel_futures=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def render_lids(engine, i: int, closure: float, finish, crop: tuple[slice, slice]) -> tuple[np.ndarray, np.ndarray]:
    """Frame ``i`` at ``closure`` as (closed (h, w, 3) uint8 RGB finished patch, transmit (h, w)
    uint8: how much of the eyes shows through the lids, 255 all; :func:`sfumato.bank.blinks.lid_layers`),
    where the engine can tell (``render_lid``; ``crop``: the patch's rows and columns of its
    square), else its closed frame and 0 (an opaque layer)."""
    if hasattr(engine, "render_lid"):
        closed, through = engine.render_lid(i, closure)
        return finish(closed), np.ascontiguousarray(through[crop])
    closed = finish(engine.render(i, blink=closure))
    return closed, np.zeros(closed.shape[:2], np.uint8)


def _drain(pending: list, keep: int) -> None:
    """Wait for the oldest writes until at most ``keep`` are pending; re-raise their errors."""
    while len(pending) > keep:
        pending.pop(0).result()


def _face_region(landmarks: np.ndarray, clipped: tuple[int, int, int, int]) -> tuple[slice, slice]:
    """Rows and columns of the patch around the face (landmark extent plus 15%), for thumbnails."""
    cx, cy, cw, ch = clipped
    x0, y0 = landmarks[:, 0].min() - cx, landmarks[:, 1].min() - cy
    x1, y1 = landmarks[:, 0].max() - cx, landmarks[:, 1].max() - cy
    pad = 0.15 * max(x1 - x0, y1 - y0)
    r = slice(max(0, int(y0 - pad)), min(ch, int(y1 + pad)))
    c = slice(max(0, int(x0 - pad)), min(cw, int(x1 + pad)))
    return r, c
