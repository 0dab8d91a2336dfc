"""Contact sheets people can read: 1-D banks wrap, 2-D banks are a pitch x yaw grid with axis
labels, and no sheet is wider than about 2000 px (MAX_SHEET_WIDTH)."""

from __future__ import annotations

import numpy as np
import pytest

from precompute.previews import MAX_SHEET_WIDTH, PAD, contact_sheet


def _bank(rows: int, cols: int, side: int = 256):
    """Patches coloured by position (red = column, blue = row) and row-major labels."""
    patches, labels = [], []
    for r in range(rows):
        for c in range(cols):
            p = np.zeros((side, side, 3), np.uint8)
            p[..., 0] = 40 + int(200 * c / max(1, cols - 1))
            p[..., 2] = 40 + int(200 * r / max(1, rows - 1))
            p[..., 1] = 90
            patches.append(p)
            yaw = -30 + 60 * c / max(1, cols - 1)
            pitch = 15 - 30 * r / max(1, rows - 1) if rows > 1 else 0.0
            labels.append((yaw, pitch))
    return patches, labels


def _cells(sheet: np.ndarray, rows: int, cols: int):
    """Thumbnail centre colours, found by scanning for thumbnail-coloured pixels (green = 90)."""
    r, g, b = (sheet[..., k].astype(int) for k in range(3))
    thumbs = (np.abs(g - 90) <= 2) & ((np.abs(r - g) > 3) | (np.abs(b - g) > 3))   # not grey text
    ys = np.nonzero(thumbs.sum(axis=1) >= 8)[0]
    xs = np.nonzero(thumbs.sum(axis=0) >= 8)[0]
    def runs(v):
        cuts = np.nonzero(np.diff(v) > 1)[0]
        starts, ends = np.r_[v[0], v[cuts + 1]], np.r_[v[cuts], v[-1]]
        return [(a + b) // 2 for a, b in zip(starts, ends)]
    return runs(ys), runs(xs)


@pytest.mark.parametrize("rows, cols", [(3, 33), (5, 21), (2, 3)])
def test_two_d_sheet_is_a_pitch_by_yaw_grid_within_the_width(rows, cols):
    patches, labels = _bank(rows, cols)
    sheet = contact_sheet(patches, labels, (rows, cols))
    assert sheet.dtype == np.uint8 and sheet.ndim == 3
    assert sheet.shape[1] <= MAX_SHEET_WIDTH
    ys, xs = _cells(sheet, rows, cols)
    assert len(ys) == rows and len(xs) == cols               # one line per pitch, one column per yaw
    for r, y in enumerate(ys):
        for c, x in enumerate(xs):
            i = r * cols + c
            assert np.abs(sheet[y, x].astype(int) - patches[i][0, 0]).max() <= 2
    # axis labels: text in the top strip above every column, in the left strip beside every row
    text = sheet.max(axis=2) > 150
    top = ys[0] - (ys[1] - ys[0] if rows > 1 else 60) // 2
    assert text[:max(0, top)].any(axis=0)[xs[0] - 20:xs[-1] + 20].any()
    for y in ys:
        assert text[y - 10:y + 10, :xs[0] - 20].any()
    if cols <= 3:
        assert sheet.shape[1] < 3 * 200 + 200                # small banks keep 200 px thumbnails


def test_one_d_sheet_wraps_and_fits():
    patches, labels = _bank(1, 33)
    sheet = contact_sheet(patches, labels, (1, 33))
    assert sheet.shape[1] <= MAX_SHEET_WIDTH
    ys, xs = _cells(sheet, 3, 11)
    assert len(ys) == 3 and len(xs) == 11
    tw = (sheet.shape[1] - PAD) // 11 - PAD
    assert tw >= 150                                          # still big enough to see the eyes
    for k, y in enumerate(ys):
        assert np.abs(sheet[y, xs[0]].astype(int) - patches[11 * k][0, 0]).max() <= 2


def test_a_wide_bank_gets_smaller_thumbnails_not_a_wider_sheet():
    patches, labels = _bank(3, 121, side=64)
    sheet = contact_sheet(patches, labels, (3, 121))
    assert sheet.shape[1] <= MAX_SHEET_WIDTH
    ys, xs = _cells(sheet, 3, 121)                            # wrapped into bands of yaw columns
    bands = len(ys) // 3
    assert bands >= 2 and len(ys) == 3 * bands and len(xs) * bands >= 121
    assert (sheet.shape[1] - 64) // len(xs) - PAD >= 48       # thumbnails stay readable
    per = len(xs)
    for b in range(bands):                                    # band b holds yaw columns b*per.. in order
        for r in range(3):
            for k, x in enumerate(xs):
                c = b * per + k
                if c < 121:
                    expect = patches[r * 121 + c][0, 0]
                    assert np.abs(sheet[ys[3 * b + r], x].astype(int) - expect).max() <= 2
