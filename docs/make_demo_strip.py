"""Make the README's demo strip from a side-by-side demo recording (``make demo`` -> out/live.mp4).

    python docs/make_demo_strip.py out/live.mp4 docs/img/demo_strip.png --at 4,9,13

One row per moment (seconds into the recording): the portrait's head, cut from the
recording's left panel, beside the viewer panel with its tracked face box, both scaled to
one height; under them the recording's own two captions (portrait, viewer), one per line. Written as a 256-colour
PNG to stay small.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from live.sidebyside import CAPTION_H, SideBySideLayout
from sfumato.imaging.resize import resize_to
from sfumato.video import read_frames


def strip(frames: list[np.ndarray], fps: float, at: list[float], aspect: float,
          head: tuple[float, float, float, float], row_h: int = 240) -> np.ndarray:
    """(H, W, 3) uint8 RGB strip from side-by-side frames (H, W, 3) uint8 RGB at ``fps``.

    ``aspect`` is the painting's width / height (it sets the left panel's width, as
    ``SideBySideLayout`` does); ``head`` is (x, y, w, h) of the portrait's head as fractions
    of that panel.
    """
    rows = []
    for t in at:
        f = frames[min(len(frames) - 1, int(round(t * fps)))]
        ph = f.shape[0] - CAPTION_H
        pw = SideBySideLayout.fit((aspect * ph, ph), (2, ph)).portrait[0]
        hx, hy, hw, hh = (int(round(v * s)) for v, s in zip(head, (pw, ph, pw, ph)))
        face = resize_to(f[hy:hy + hh, hx:hx + hw], int(round(row_h * hw / hh)), row_h)
        viewer = f[:ph, pw:]
        viewer = resize_to(viewer, int(round(row_h * viewer.shape[1] / viewer.shape[0])), row_h)
        width = face.shape[1] + viewer.shape[1]
        captions = np.zeros((2 * CAPTION_H, width, 3), np.uint8)   # the recording's two captions, one per line
        for k, band in enumerate((f[ph:, :pw], f[ph:, pw:])):
            band = band[:, :width]
            captions[k * CAPTION_H:(k + 1) * CAPTION_H, :band.shape[1]] = band
        rows.append(np.vstack([np.hstack([face, viewer]), captions]))
    return np.vstack(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("video", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--at", default="4,9,13", help="seconds, comma-separated")
    p.add_argument("--aspect", type=float, default=1.0, help="the painting's width / height (1 for the bundled one)")
    p.add_argument("--head", default="0.28,0.06,0.44,0.44", help="portrait head box x,y,w,h as fractions")
    args = p.parse_args(argv)
    frames, _, fps = read_frames(args.video)
    if not frames:
        print(f"error: {args.video}: no frames could be read; pass the demo's recording (out/live.mp4)", file=sys.stderr)
        return 2
    img = strip(frames, fps, [float(v) for v in args.at.split(",")], args.aspect, tuple(float(v) for v in args.head.split(",")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img).quantize(256, dither=Image.Dither.FLOYDSTEINBERG).save(args.out, optimize=True)
    print(f"wrote {args.out} ({img.shape[1]}x{img.shape[0]}, {args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
