"""Wiring for ``python -m live --drive`` with the rig engine (the default): no weights, no torch."""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from live.compositor import MasterBank
from live.config import LiveConfig
from live.drive import DriveSource
from live.painting_face import rig_landmarks
from live.puppet.rig import HeadRig, parse_layers
from live.puppet.worker import PuppetWorker
from sfumato.bank.format import Bank


def head_landmarks(bank: Bank, source: DriveSource) -> Optional[np.ndarray]:
    """The painting's (478, 3) landmarks in the pixels of ``source.head`` (the head square at
    display scale), from the bank's ``rig.json``; None without one (HeadRig then runs FaceMesh)."""
    full = rig_landmarks(bank)
    if full is None:
        return None
    hx, hy, hw, hh = bank.head_box
    h, w = source.head.shape[:2]
    sx, sy = w / hw, h / hh
    lm = full.copy()
    lm[:, 0] = (lm[:, 0] - hx) * sx
    lm[:, 1] = (lm[:, 1] - hy) * sy
    lm[:, 2] *= sx
    return lm


def make_puppet(cfg: LiveConfig, bank: Bank, master: MasterBank, log: Callable[[str], None] = print) -> PuppetWorker:
    """The painting's head rigged at display scale + the worker (not started; ``sync`` in lockstep).

    Args:
        bank: the loaded bank (its painting, head box and blend mask are read).
        master: the same bank scaled for the screen.
    """
    from live.drive_source import drive_source

    layers = parse_layers(cfg.puppet.layers)
    source = drive_source(bank, master)
    rig = HeadRig(source, layers, landmarks=head_landmarks(bank, source),
                  turn_range=(cfg.puppet.max_yaw_deg, cfg.puppet.max_pitch_deg))
    log("driving the painting with your face (rig, no weights): hold still for a second to set your neutral "
        "face; press R to set it again")
    return PuppetWorker(rig, cfg.puppet, mirror=cfg.mapping.mirror, sync=cfg.output.lockstep, log=log)
