"""README figures of a talking clip: a strip of stills and the lip-sync plot (drawn with OpenCV).

    python -m precompute speak mona_lisa.jpg --text "..." --out out/talk.mp4
    python benchmarks/speech_figures.py out/talk.mp4 [--stills docs/img/mona_lisa_talks.png] [--plot docs/img/lipsync.png]

The stills are the lower face at evenly spaced moments of speech (the face box from FaceMesh on
the first frame); the plot is the FaceMesh lip opening of every frame against the RMS envelope of
the clip's sound, both scaled to [0, 1], the opening shifted by the best lag.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def stills(frames: list[np.ndarray], m, count: int = 6, height: int = 230) -> np.ndarray:
    """(h, w, 3) uint8 BGR strip of ``count`` lower-face stills, chosen where the mouth is most open."""
    from sfumato.face.detect import find_faces

    box = find_faces(frames[0])[0].box
    x, y, w, h = (int(round(v)) for v in box)
    x0, x1 = max(0, x - w // 10), min(frames[0].shape[1], x + w + w // 10)
    y0, y1 = max(0, y + h // 5), min(frames[0].shape[0], y + h + h // 6)
    speaking = np.nonzero(m.envelope > 0.2 * m.envelope.max())[0]
    parts = np.array_split(speaking, count)
    picks = [int(p[np.nanargmax(m.opening[p])]) if len(p) else 0 for p in parts]
    tiles = []
    for k in picks:
        tile = frames[k][y0:y1, x0:x1]
        tile = cv2.resize(tile, (int(round(tile.shape[1] * height / tile.shape[0])), height), interpolation=cv2.INTER_AREA)
        tile = cv2.cvtColor(tile, cv2.COLOR_RGB2BGR)
        cv2.putText(tile, f"{k / m.fps:.2f} s", (6, height - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
        tiles.append(tile)
    return np.concatenate(tiles, 1)


def plot(m, width: int = 1000, height: int = 300) -> np.ndarray:
    """(height, width, 3) uint8 BGR: opening (red) and audio envelope (grey) over time."""
    img = np.full((height, width, 3), 255, np.uint8)
    left, right, top, bottom = 50, 20, 40, 40
    pw, ph = width - left - right, height - top - bottom
    n = len(m.opening)
    lag = int(round(m.lag_s * m.fps))
    op = np.roll(np.nan_to_num(m.opening, nan=np.nanmin(m.opening)), -lag)

    def norm(a):
        a = a - np.nanmin(a)
        return a / max(np.nanmax(a), 1e-9)

    def pts(a):
        xs = left + np.arange(n) * pw / max(n - 1, 1)
        ys = top + ph * (1.0 - norm(a))
        return np.stack([xs, ys], 1).round().astype(np.int32)

    cv2.rectangle(img, (left, top), (left + pw, top + ph), (200, 200, 200), 1)
    for s in range(0, int(n / m.fps) + 1):
        x = int(left + s * m.fps * pw / max(n - 1, 1))
        cv2.line(img, (x, top + ph), (x, top + ph + 5), (120, 120, 120), 1)
        cv2.putText(img, f"{s}", (x - 4, top + ph + 20), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (80, 80, 80), 1, cv2.LINE_AA)
    cv2.polylines(img, [pts(m.envelope)], False, (150, 150, 150), 2, cv2.LINE_AA)
    cv2.polylines(img, [pts(op)], False, (40, 40, 220), 2, cv2.LINE_AA)
    title = (f"lip opening (FaceMesh 13-14 / eye corners, red) vs audio RMS (grey): r = {m.r:.2f} at lag {m.lag_s * 1000:+.0f} ms")
    cv2.putText(img, title, (left, 25), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(img, "time (s)", (left + pw // 2 - 30, height - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (80, 80, 80), 1, cv2.LINE_AA)
    return img


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clip", type=Path)
    ap.add_argument("--stills", type=Path, default=ROOT / "docs" / "img" / "mona_lisa_talks.png")
    ap.add_argument("--plot", type=Path, default=ROOT / "docs" / "img" / "lipsync.png")
    ap.add_argument("--count", type=int, default=6)
    ap.add_argument("--height", type=int, default=230)
    args = ap.parse_args()
    from sfumato.speech.measure import measure_clip, read_video

    m = measure_clip(args.clip)
    frames, _ = read_video(args.clip)
    args.stills.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.stills), stills(frames, m, args.count, args.height), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    cv2.imwrite(str(args.plot), plot(m), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    for p in (args.stills, args.plot):
        print(f"{p}  {p.stat().st_size / 1024:.0f} KB")
    print(f"r = {m.r:.3f} at {m.lag_s * 1000:+.0f} ms, {m.blinks} blinks, video {m.video_s:.2f} s, audio {m.audio_s:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
