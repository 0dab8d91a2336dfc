"""Wiring for ``python -m live --drive`` with the rig engine (the default): no weights, no torch."""

from __future__ import annotations

from typing import Callable

from live.compositor import MasterBank
from live.config import LiveConfig
from live.puppet.rig import HeadRig, parse_layers
from live.puppet.worker import PuppetWorker
from sfumato.bank.format import Bank


def make_puppet(cfg: LiveConfig, bank: Bank, master: MasterBank, log: Callable[[str], None] = print) -> PuppetWorker:
    """The painting's head rigged at display scale + the worker (not started; ``sync`` in lockstep).

    Args:
        bank: the loaded bank (its painting, head box and blend mask are read).
        master: the same bank scaled for the screen.
    """
    from live.drive_app import drive_source

    layers = parse_layers(cfg.puppet.layers)
    rig = HeadRig(drive_source(bank, master), layers)
    log("driving the painting with your face (rig, no weights): hold still for a second to set your neutral "
        "face; press R to set it again")
    return PuppetWorker(rig, cfg.puppet, mirror=cfg.mapping.mirror, sync=cfg.output.lockstep, log=log)
