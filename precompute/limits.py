"""The allowed range of every ``python -m precompute`` option (and ``BuildConfig`` field).

One table serves argparse (``--frames abc`` / ``--fps 0`` refused with the range) and
:func:`check_build` (the same limits for a ``BuildConfig`` made in code). Why these limits:
the rig engine turns the eyes at most about 45 degrees and the whole head a little; a head
turn past 15 degrees tears the warped face, so it is refused rather than rendered.
"""

from __future__ import annotations

from typing import Any

from sfumato.validate import Range, check

# flag -> (BuildConfig attribute path, rule)
RULES: dict[str, tuple[str, Range]] = {
    "--frames": ("sweep.cols", Range(1, 1001, integer=True)),
    "--rows": ("sweep.rows", Range(1, 101, integer=True)),
    "--gaze-range": ("sweep.gaze_range", Range(0, 45, open_lo=True)),
    "--pitch-range": ("sweep.pitch_range", Range(0, 30)),
    "--head-yaw": ("sweep.head_yaw", Range(0, 15)),
    "--head-pitch": ("sweep.head_pitch", Range(0, 10)),
    "--face": ("face", Range(0, 99, integer=True)),
    "--margin": ("margin", Range(0.1, 2.0)),
}


def rule(flag: str) -> Range:
    """The rule of a command-line flag."""
    return RULES[flag][1]


def check_build(cfg: Any) -> None:
    """Check a ``BuildConfig``'s numbers against :data:`RULES` (keys named as the flags)."""
    for flag, (path, r) in RULES.items():
        value = cfg
        for part in path.split("."):
            value = getattr(value, part)
        check(f"{flag} ({path})", value, r)
