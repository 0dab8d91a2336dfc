"""The painting side of live driving: the head crop a driver animates, the base it is laid on and the
blend mask between them, at the display's scale (shared by ``--drive`` with FOMM and the weightless puppet).
"""

from __future__ import annotations

import numpy as np

from live.compositor import MasterBank
from live.drive import DriveSource
from sfumato.bank.format import Bank
from sfumato.imaging.resize import pad_square_crop, resize_to

SIDE_ALPHA = 512   # resolution the blend mask is computed at before resizing to the head crop


def drive_source(bank: Bank, master: MasterBank) -> DriveSource:
    """The painting's head crop, base and blend mask at the master (display) scale.

    The head region is the bank's :attr:`~sfumato.bank.format.Bank.head_box` (the build's
    head square, possibly past the painting's edge); the blend mask is the bank's own
    (:meth:`~sfumato.bank.format.Bank.head_alpha`: square or ellipse, with its parameters).

    Args:
        bank: the loaded bank (full resolution; only its painting, head box and blend are read).
        master: the same bank scaled for the screen.
    """
    full = bank.painting
    ph, pw = full.shape[:2]
    mh, mw = master.painting.shape[:2]
    sx, sy = mw / pw, mh / ph
    hx, hy, hw, hh = bank.head_box
    head_full = pad_square_crop(full, hx, hy, hw) if bank.square_box else full[hy:hy + hh, hx:hx + hw]
    x0, y0 = int(round(hx * sx)), int(round(hy * sy))
    w_s, h_s = max(1, int(round((hx + hw) * sx)) - x0), max(1, int(round((hy + hh) * sy)) - y0)
    head = resize_to(head_full, w_s, h_s) if (w_s, h_s) != head_full.shape[1::-1] else head_full.copy()
    alpha_head = resize_to(bank.head_alpha(SIDE_ALPHA), w_s, h_s)
    cx, cy, cw, ch = master.crop
    ox, oy = cx - x0, cy - y0
    alpha = _slice_padded(alpha_head[..., None], ox, oy, cw, ch)[..., 0].astype(np.float32)
    base = np.ascontiguousarray(master.painting[cy:cy + ch, cx:cx + cw])
    return DriveSource(head, base, np.clip(alpha, 0.0, 1.0), (ox, oy))


def _slice_padded(img: np.ndarray, x: int, y: int, w: int, h: int) -> np.ndarray:
    """(h, w, C) window at (x, y) of ``img``, edge-replicated where it leaves the image."""
    import cv2

    H, W = img.shape[:2]
    p = max(-x, -y, x + w - W, y + h - H, 0)
    if p:
        img = cv2.copyMakeBorder(img, p, p, p, p, cv2.BORDER_REPLICATE)
        if img.ndim == 2:
            img = img[..., None]
    return img[y + p:y + p + h, x + p:x + p + w]
