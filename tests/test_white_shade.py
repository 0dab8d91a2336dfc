"""The rebuilt eye white shaded between the lids keeps the painted white's hue
(sfumato.rig.white_edge.match_lid_shade; portrait_20: scaling the fill's RGB to the shade under the
upper lid took its chroma with it, dE ab 0.8 -> 4.9, and the warm cream white came back as a grey-
lavender patch). Repo only: synthetic warm eyes."""

from __future__ import annotations

import numpy as np

from sfumato.imaging.lab import lab_to_rgb, rgb_to_lab
from sfumato.rig.lids import EyeFrame, Lids, opening
from sfumato.rig.sclera import rebuild_white
from sfumato.rig.white_edge import match_lid_shade

CREAM = (82.0, 8.0, 26.0)  # Lab: a warm cream white
SHADE = 22.0  # L the white loses under the upper lid, its (a, b) kept


def almond(h: int = 64, w: int = 120) -> tuple[EyeFrame, Lids, np.ndarray, np.ndarray, np.ndarray]:
    """A synthetic eye's geometry in an (``h``, ``w``) ROI: an 88 px wide almond (lids 15 px over
    and 13 px under its centre mid-eye); its frame, lids, u, v and t ((h, w) float32 each; t 0 on
    the lower lid, 1 on the upper)."""
    frame = EyeFrame(np.array([60.0, 32.0]), np.array([1.0, 0.0]), 44.0)
    u, v = frame.grids((h, w))
    us = np.linspace(-44, 44, 64)
    lids = Lids(us, 15.0 * np.clip(1 - (us / 44) ** 2, 0, 1), -13.0 * np.clip(1 - (us / 44) ** 2, 0, 1))
    up, lo = lids.at(u)
    t = np.clip((v - lo) / np.maximum(up - lo, 1.0), 0, 1)
    return frame, lids, u, v, t


def warm_eye(shaded: bool = True) -> tuple[np.ndarray, EyeFrame, Lids, np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    """(h, w, 3) float32 RGB eye: a cream white, darker (same a, b) toward the upper lid, a dark iris."""
    h, w = 64, 120
    frame, lids, u, v, t = almond(h, w)
    lab = np.empty((h, w, 3), np.float32)
    lab[:] = CREAM
    if shaded:
        lab[..., 0] -= SHADE * np.clip((t - 0.5) / 0.5, 0, 1)
    img, c, r = with_iris(lab_to_rgb(lab), u, v, lids, (60.0, 35.0, 25.0), (200.0, 150.0, 120.0), 5)
    return img, frame, lids, u, v, c, r, t


def with_iris(
    white: np.ndarray, u: np.ndarray, v: np.ndarray, lids: Lids, iris: tuple[float, float, float],
    skin: tuple[float, float, float], seed: int,
) -> tuple[np.ndarray, np.ndarray, float]:
    """The synthetic eye (:func:`almond`) painted: ``white`` ((h, w, 3) float32 RGB) with an
    ``iris`` (RGB) disc tucked under the upper lid, as painted eyes are, ``skin`` (RGB) outside
    the lids and Gaussian noise (sigma 1.5, ``seed``); (h, w, 3) float32 RGB in [0, 255], the
    iris centre (2,) and radius."""
    c, r = np.array([60.0, 28.0]), 12.0
    yy, xx = np.mgrid[0 : white.shape[0], 0 : white.shape[1]]
    img = white.copy()
    img[np.hypot(xx - c[0], yy - c[1]) < r] = iris
    img = np.where(opening(u, v, lids, 1.0)[..., None] > 0.5, img, np.float32(skin))
    img += np.random.default_rng(seed).normal(0, 1.5, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.float32), c, r


def test_the_lid_shade_darkens_without_greying():
    img, frame, lids, u, v, c, r, t = warm_eye()
    flat = lab_to_rgb(np.broadcast_to(np.float32(CREAM), img.shape).copy())  # an unshaded fill
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    beside = (opening(u, v, lids, 1.0) > 0.5) & (np.hypot(xx - c[0], yy - c[1]) > 1.1 * r)
    light = rgb_to_lab(img)[..., 0]
    out = rgb_to_lab(match_lid_shade(img, flat, t, beside, light, 30.0))
    top = (t > 0.8) & (t < 0.95)
    assert np.median(out[top][:, 0]) < CREAM[0] - 8.0  # it is shaded ...
    chroma = np.hypot(out[top][:, 1], out[top][:, 2])
    assert abs(np.median(chroma) - np.hypot(CREAM[1], CREAM[2])) < 1.5, np.median(chroma)  # ... as warm (old: 3.7 less)


def test_the_rebuilt_white_under_the_lid_has_the_painted_hue():
    img, frame, lids, u, v, c, r, t = warm_eye()
    inside = opening(u, v, lids, 1.0)
    out = rgb_to_lab(rebuild_white(img, lids, frame, u, v, inside, c, r, 1.0))
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    hole = (np.hypot(xx - c[0], yy - c[1]) < 0.8 * r) & (inside > 0.99) & (t > 0.6)  # where the white is shaded
    assert hole.sum() > 40 and np.median(out[hole][:, 0]) < CREAM[0] - 4.0  # it is
    dab = np.hypot(out[hole][:, 1] - CREAM[1], out[hole][:, 2] - CREAM[2])
    assert np.median(dab) < 0.6, np.median(dab)  # old: 1.2
    assert np.percentile(dab, 90) < 1.5, np.percentile(dab, 90)  # old: 2.8
