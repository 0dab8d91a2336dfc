"""Start pygame's display (a real window, or SDL's dummy driver when headless).

Shared by the driving-clip recorder here and the live display (``live`` imports it).
"""

from __future__ import annotations

import os


def init_pygame(headless: bool, title: str):
    """Initialise pygame's display and font modules; return the ``pygame`` module.

    Args:
        headless: use SDL's dummy video driver (no window; surfaces work the same).
        title: the window caption.
    """
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption(title)
    return pygame
