"""The pose of one bank frame: where the portrait looks, in degrees.

One type for what an engine plans (:meth:`sfumato.engines.Engine.plan`) and what the bank
stores per frame (``manifest.json`` ``frames``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pose:
    """Where the portrait looks, in degrees.

    Positive yaw looks to the portrait's own left, which is the *viewer's right* (image +x);
    positive pitch looks up (image -y). Gaze angles are eye-in-world directions; head angles
    are the (small) turn of the whole head.
    """

    gaze_yaw: float
    gaze_pitch: float = 0.0
    head_yaw: float = 0.0
    head_pitch: float = 0.0


__all__ = ["Pose"]
