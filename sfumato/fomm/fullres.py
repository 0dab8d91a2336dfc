"""Apply FOMM's 64x64 motion to a full-resolution crop (NumPy + OpenCV, no torch).

FOMM runs at 256x256, but its deformation is a resolution-independent sampling grid in
normalised [-1, 1] coordinates (``F.grid_sample`` convention, align_corners=False, x first).
If the 256x256 source was made by resizing the full-resolution crop (same framing), the grid
can warp the crop directly; the occlusion map says where the warped source is valid, and the
model's own 256 prediction (upsampled) fills the rest (occluded / disoccluded regions).
"""

from __future__ import annotations

import cv2
import numpy as np

from sfumato.fomm.errors import FommError

_BORDERS = {"replicate": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT101, "constant": cv2.BORDER_CONSTANT}


def grid_to_pixel_maps(deformation: np.ndarray, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Upsample a (h, w, 2) [-1, 1] grid bilinearly to (height, width) and convert it to pixel maps.

    Returns map_x, map_y (height, width) float32 source pixel coordinates for ``cv2.remap``
    (align_corners=False: x_pix = ((gx + 1) * width - 1) / 2).
    """
    grid = np.asarray(deformation, dtype=np.float32)
    if grid.ndim != 3 or grid.shape[2] != 2:
        raise FommError(f"FOMM full-res warp: deformation must be (h, w, 2), got {grid.shape}")
    up = cv2.resize(grid, (width, height), interpolation=cv2.INTER_LINEAR)
    map_x = ((up[..., 0] + 1.0) * width - 1.0) * 0.5
    map_y = ((up[..., 1] + 1.0) * height - 1.0) * 0.5
    return map_x.astype(np.float32), map_y.astype(np.float32)


def full_resolution_warp(crop_rgb_uint8: np.ndarray, deformation: np.ndarray, occlusion: np.ndarray,
                         prediction_256: np.ndarray, border: str = "replicate") -> np.ndarray:
    """Warp a full-resolution crop with FOMM's motion and fill occluded parts from the prediction.

    crop_rgb_uint8: (H, W, 3) uint8, the crop whose resize gave the 256x256 source.
    deformation: (64, 64, 2) grid in [-1, 1] (``FrameResult.deformation``; batch axis dropped).
    occlusion: (64, 64) in [0, 1] (1 = warped source visible).
    prediction_256: (256, 256, 3) float in [0, 1] or uint8, the model's output for this frame.
    border: how to sample outside the crop: 'replicate', 'reflect' or 'constant' (black, as FOMM).
    Returns (H, W, 3) uint8: occ * warped + (1 - occ) * upsampled prediction.
    """
    crop = np.asarray(crop_rgb_uint8)
    if crop.ndim != 3 or crop.shape[2] != 3:
        raise FommError(f"FOMM full-res warp: crop must be (H, W, 3), got {crop.shape}")
    if border not in _BORDERS:
        raise FommError(f"FOMM full-res warp: border must be one of {sorted(_BORDERS)}, got {border!r}")
    h, w = crop.shape[:2]
    map_x, map_y = grid_to_pixel_maps(deformation, h, w)
    warped = cv2.remap(crop, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=_BORDERS[border],
                       borderValue=(0, 0, 0)).astype(np.float32)
    occ = cv2.resize(np.asarray(occlusion, dtype=np.float32).reshape(np.shape(occlusion)[-2:]), (w, h),
                     interpolation=cv2.INTER_LINEAR)
    occ = np.clip(occ, 0.0, 1.0)[..., None]
    pred = np.asarray(prediction_256)
    pred = pred.astype(np.float32) if pred.dtype == np.uint8 else pred.astype(np.float32) * 255.0
    pred_up = cv2.resize(pred, (w, h), interpolation=cv2.INTER_LINEAR)
    out = occ * warped + (1.0 - occ) * pred_up
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)
