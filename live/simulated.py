"""A simulated viewer: a real face (``skimage.data.astronaut()``) walking in front of a camera.

Stands in for a webcam in demos and tests on machines without one. The scene is rendered
with a pinhole camera placed like the kiosk's (``hfov_deg``, ``camera_offset_m`` relative to
the painting centre, looking at the viewers), so the angular mapping can recover where the
viewer stands. Frames are a pure function of the time ``t`` (plus seeded sensor noise), so a
scenario replays identically.

Coordinates (metres): painting centre at the origin, x to the right of the screen as a
viewer facing it sees it, y up, z from the screen towards the viewer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from sfumato.ramp import smoothstep

SCENARIOS = ("demo", "walk", "two", "still", "empty")

# The astronaut sprite: image rows/cols cut from skimage's astronaut and where her eyes are.
_SPRITE_BOX = (95, 0, 260, 340)           # x, y, w, h in astronaut.png
_EYE_MID = (130.4, 104.7)                 # eye midpoint in sprite pixels (BlazeFace keypoints)
_PX_PER_M = 45.0 / 0.063                  # sprite pixels per metre (45 px between her eyes, 63 mm IPD)
EYE_HEIGHT_M = 0.30                       # viewers' eye height relative to the painting centre


@dataclass(frozen=True)
class Person:
    """One simulated viewer at time t: eye midpoint position in metres (x, y, z > 0)."""

    x: float
    y: float
    z: float


def _lerp(a: float, b: float, u: float) -> float:
    return a + (b - a) * u


def _walk(t: float, t0: float, t1: float, x0: float, x1: float) -> float:
    return _lerp(x0, x1, (t - t0) / (t1 - t0))


def people_at(scenario: str, t: float) -> list[Person]:
    """Where the viewers are at time ``t`` seconds (scenarios loop with their period).

    ``walk``  (12 s): empty 1 s, one viewer walks left to right at 0.7 m over 7 s, gone by 8 s.
    ``two``   (20 s): A comes in and stands left of centre; at 4 s B (a similar size, 5 cm
              further) stands right of centre; both sway; A leaves at 12 s; B leaves at 16 s.
    ``still`` one viewer standing still (breathing sway of 3 mm) at x = 0.171 m, z = 0.7 m:
              on a bin edge of a 33-frame +-30 deg bank (angular mapping), the worst case for flicker.
    ``demo``  (30 s): walk in, approach, wander, leave, a second person passes, empty.
    ``empty`` nobody.
    """
    out: list[Person] = []
    y = EYE_HEIGHT_M
    if scenario == "walk":
        t %= 12.0
        if 1.0 <= t <= 8.0:
            out.append(Person(_walk(t, 1.0, 8.0, -0.62, 0.62), y, 0.70))
    elif scenario == "two":
        t %= 20.0
        sway = 0.01 * math.sin(t * 2.1)
        if t < 12.0:
            xa = _lerp(-0.7, -0.16, smoothstep(0.0, 1.0, t / 2.0)) if t < 2.0 else -0.16 + sway
            out.append(Person(xa, y, 0.68))
        elif t < 14.0:
            out.append(Person(_walk(t, 12.0, 14.0, -0.16, -0.75), y, 0.68))
        if 4.0 <= t < 16.0:
            xb = _lerp(0.75, 0.16, smoothstep(0.0, 1.0, (t - 4.0) / 2.0)) if t < 6.0 else 0.16 - sway
            if t >= 15.0:
                xb = _walk(t, 15.0, 16.0, 0.16, 0.8)
            out.append(Person(xb, y + 0.01, 0.73))
    elif scenario == "still":
        out.append(Person(0.171 + 0.003 * math.sin(t * 1.3), y + 0.002 * math.sin(t * 0.9), 0.70))
    elif scenario == "demo":
        t %= 30.0
        if 1.0 <= t < 4.0:
            out.append(Person(_walk(t, 1.0, 4.0, -0.7, -0.2), y, 0.80))
        elif 4.0 <= t < 7.0:
            out.append(Person(-0.2, y, _lerp(0.80, 0.58, smoothstep(0.0, 1.0, (t - 4.0) / 3.0))))
        elif 7.0 <= t < 14.0:
            out.append(Person(-0.2 + 0.35 * math.sin((t - 7.0) * 0.9), y, 0.58 + 0.1 * smoothstep(0.0, 1.0, (t - 7.0) / 7.0)))
        elif 14.0 <= t < 16.0:
            out.append(Person(_walk(t, 14.0, 16.0, -0.2 + 0.35 * math.sin(7 * 0.9), 0.75), y, 0.68))
        if 19.0 <= t < 25.0:
            out.append(Person(_walk(t, 19.0, 25.0, 0.7, -0.7), y + 0.02, 0.75))
    elif scenario != "empty":
        raise ValueError(f"unknown simulated scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    return out


@lru_cache(maxsize=1)
def _sprite() -> tuple[np.ndarray, np.ndarray]:
    """(h, w, 3) uint8 BGR astronaut head and shoulders and its (h, w) float32 alpha in 0..1."""
    from skimage import data

    x, y, w, h = _SPRITE_BOX
    rgb = data.astronaut()[y:y + h, x:x + w]
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (133, 100), (72, 94), 0, 0, 360, 255, -1)       # head and hair
    cv2.ellipse(mask, (133, 345), (128, 150), 0, 0, 360, 255, -1)     # shoulders and suit
    cv2.rectangle(mask, (95, 150), (170, 220), 255, -1)               # neck
    alpha = cv2.GaussianBlur(mask, (0, 0), 3).astype(np.float32) / 255.0
    return np.ascontiguousarray(rgb[:, :, ::-1]), alpha


def _room(width: int, height: int) -> np.ndarray:
    """A plain gallery wall with a door and a bench: (height, width, 3) uint8 BGR."""
    g = np.linspace(150, 120, height, dtype=np.float32)[:, None]
    img = np.dstack([g * 0.95, g * 1.0, g * 1.08]).repeat(width, axis=1)
    floor = int(height * 0.82)
    img[floor:] = (70, 80, 95)
    s = width / 640.0
    cv2.rectangle(img, (int(40 * s), int(90 * s)), (int(150 * s), floor), (95, 110, 125), -1)   # door
    cv2.rectangle(img, (int(470 * s), int(120 * s)), (int(600 * s), int(210 * s)), (60, 90, 140), -1)  # a frame
    cv2.rectangle(img, (int(480 * s), int(130 * s)), (int(590 * s), int(200 * s)), (120, 160, 190), -1)
    return np.clip(img, 0, 255).astype(np.uint8)


class SimulatedViewer:
    """Render the scenario's camera frames: (height, width, 3) uint8 BGR, like cv2.VideoCapture."""

    def __init__(
        self,
        scenario: str = "demo",
        width: int = 640,
        height: int = 480,
        hfov_deg: float = 60.0,
        camera_offset_m: tuple[float, float] = (0.0, 0.35),
        seed: int = 0,
        noise: float = 3.0,
    ) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown simulated scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
        self.scenario = scenario
        self.size = (int(width), int(height))
        self.focal = (width / 2.0) / math.tan(math.radians(hfov_deg) / 2.0)
        self.offset = camera_offset_m
        self._room = _room(width, height)
        rng = np.random.default_rng(seed)
        # A few noise fields, cycled: real sensors are never perfectly still.
        self._noise = [
            (np.clip(rng.normal(0, noise, (height, width, 3)), 0, 255).astype(np.uint8),
             np.clip(-rng.normal(0, noise, (height, width, 3)), 0, 255).astype(np.uint8))
            for _ in range(3)
        ] if noise > 0 else []
        self._count = 0
        self._scaled: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def project(self, p: Person) -> tuple[float, float, float]:
        """Image position (u, v) of a viewer's eye midpoint in px and the sprite scale."""
        cx, cy = self.size[0] / 2.0, self.size[1] / 2.0
        u = cx - self.focal * (p.x - self.offset[0]) / p.z   # unmirrored camera facing the viewer
        v = cy + self.focal * (self.offset[1] - p.y) / p.z
        return u, v, self.focal / p.z / _PX_PER_M

    def _scaled_sprite(self, scale: float) -> tuple[np.ndarray, np.ndarray]:
        key = int(round(scale * 200))
        if key not in self._scaled:
            if len(self._scaled) > 64:
                self._scaled.clear()
            rgb, alpha = _sprite()
            s = key / 200.0
            size = (max(1, int(rgb.shape[1] * s)), max(1, int(rgb.shape[0] * s)))
            self._scaled[key] = (cv2.resize(rgb, size, interpolation=cv2.INTER_AREA),
                                 cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)[:, :, None])
        return self._scaled[key]

    def render(self, t: float, people: list[Person] | None = None) -> np.ndarray:
        """The camera frame at time ``t`` seconds (of the scenario, or of ``people`` when given)."""
        img = self._room.copy()
        w, h = self.size
        if people is None:
            people = people_at(self.scenario, t)
        for p in sorted(people, key=lambda q: -q.z):   # far ones first
            u, v, scale = self.project(p)
            rgb, alpha = self._scaled_sprite(scale)
            s = rgb.shape[1] / _sprite()[0].shape[1]
            x0, y0 = int(round(u - _EYE_MID[0] * s)), int(round(v - _EYE_MID[1] * s))
            xa, ya, xb, yb = max(0, x0), max(0, y0), min(w, x0 + rgb.shape[1]), min(h, y0 + rgb.shape[0])
            if xa >= xb or ya >= yb:
                continue
            src = rgb[ya - y0:yb - y0, xa - x0:xb - x0].astype(np.float32)
            a = alpha[ya - y0:yb - y0, xa - x0:xb - x0]
            dst = img[ya:yb, xa:xb]
            img[ya:yb, xa:xb] = (dst + (src - dst) * a).astype(np.uint8)
        if self._noise:
            plus, minus = self._noise[self._count % len(self._noise)]
            cv2.add(img, plus, dst=img)
            cv2.subtract(img, minus, dst=img)
        self._count += 1
        return img
