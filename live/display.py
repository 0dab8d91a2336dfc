"""The pygame window (or a headless surface): fullscreen toggle, keys, blitting, flipping.

Headless mode uses SDL's dummy video driver, so everything downstream (surfaces, HUD,
recording) is the same code as on a kiosk screen. Keys: F fullscreen, D debug HUD, M mirror,
R re-capture the driving reference (``--drive``), Q or Esc quit.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from sfumato.errors import SfumatoError
from sfumato.screen import init_pygame

QUIT, FULLSCREEN, HUD, MIRROR, REFERENCE = "quit", "fullscreen", "hud", "mirror", "reference"


def display_available() -> bool:
    """False when nothing can show a window: SDL_VIDEODRIVER=dummy, or Linux with no X/Wayland."""
    if os.environ.get("SDL_VIDEODRIVER", "") in ("dummy", "offscreen"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


class Display:
    """A pygame display surface of ``size`` (w, h); ``headless`` selects the dummy driver."""

    def __init__(self, size: tuple[int, int], fullscreen: bool = False, headless: bool = False,
                 title: str = "sfumato") -> None:
        self.headless = headless
        try:
            self.pg = init_pygame(headless, title)
            driver = self.pg.display.get_driver()
            if not headless and driver in ("offscreen", "dummy"):
                # SDL found no usable screen (e.g. DISPLAY set but no X server) and fell back to
                # drawing into memory: an invisible portrait that runs forever
                raise self.pg.error(f"no video driver works, SDL fell back to {driver!r}")
            self._open(size, fullscreen)
        except Exception as err:
            pg = sys.modules.get("pygame")
            if pg is None or not isinstance(err, pg.error):
                raise
            pg.display.quit()
            raise SfumatoError(f"cannot open the display ({err}); check DISPLAY / the graphical session, "
                               "or pass --headless") from None

    def _open(self, size: tuple[int, int], fullscreen: bool) -> None:
        pygame = self.pg
        self.window_size = (int(size[0]), int(size[1]))
        info = pygame.display.Info()
        desktop = (info.current_w, info.current_h)
        self.desktop_size = desktop if desktop[0] > 0 and desktop[1] > 0 and not self.headless else self.window_size
        self.fullscreen = False
        self.screen = self._set_mode(fullscreen)

    def _set_mode(self, fullscreen: bool):
        pg = self.pg
        self.fullscreen = fullscreen and not self.headless
        if self.fullscreen:
            screen = pg.display.set_mode(self.desktop_size, pg.FULLSCREEN)
        else:
            screen = pg.display.set_mode(self.window_size)
        pg.mouse.set_visible(not self.fullscreen)
        return screen

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    @property
    def max_size(self) -> tuple[int, int]:
        """The largest screen this display may switch to (for pre-scaling the bank)."""
        return max(self.window_size[0], self.desktop_size[0]), max(self.window_size[1], self.desktop_size[1])

    def toggle_fullscreen(self) -> None:
        self.screen = self._set_mode(not self.fullscreen)

    def events(self) -> list[str]:
        """Pending user actions: QUIT, FULLSCREEN, HUD, MIRROR, REFERENCE."""
        pg = self.pg
        out = []
        for ev in pg.event.get():
            if ev.type == pg.QUIT:
                out.append(QUIT)
            elif ev.type == pg.KEYDOWN:
                key = {pg.K_q: QUIT, pg.K_ESCAPE: QUIT, pg.K_f: FULLSCREEN, pg.K_d: HUD, pg.K_m: MIRROR,
                       pg.K_r: REFERENCE}.get(ev.key)
                if key:
                    out.append(key)
        return out

    def blit_array(self, rgb: np.ndarray, pos: tuple[int, int]) -> None:
        """Blit an (h, w, 3) uint8 RGB array at ``pos`` (x, y)."""
        h, w = rgb.shape[:2]
        if not rgb.flags.c_contiguous:
            rgb = np.ascontiguousarray(rgb)
        self.screen.blit(self.pg.image.frombuffer(rgb.data, (w, h), "RGB"), pos)

    def surface_from(self, rgb: np.ndarray):
        """A display-format surface copy of an (H, W, 3) uint8 RGB array (fast to blit)."""
        h, w = rgb.shape[:2]
        return self.pg.image.frombuffer(np.ascontiguousarray(rgb).data, (w, h), "RGB").convert()

    def grab(self, rect: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """What the screen shows now, or its ``rect`` (x, y, w, h): (H, W, 3) uint8 RGB copy."""
        surface = self.screen if rect is None else self.screen.subsurface(rect)
        w, h = surface.get_size()
        return np.frombuffer(self.pg.image.tobytes(surface, "RGB"), np.uint8).reshape(h, w, 3)

    def flip(self, rects: list[tuple[int, int, int, int]] | None = None) -> None:
        """Show the frame: the whole screen, or only ``rects`` when given."""
        if rects is None:
            self.pg.display.flip()
        else:
            self.pg.display.update(rects)

    def close(self) -> None:
        self.pg.display.quit()
