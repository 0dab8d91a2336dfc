"""Animation engines. ``make_engine`` imports an engine only when it is asked for, so the
rig engine never pulls in torch."""

from __future__ import annotations

from typing import Any

from sfumato.engines.base import Engine, HeadCrop, Pose, SweepSpec

ENGINES = ("rig", "landmark", "fomm")
"""Names the CLI accepts (``landmark`` is the old name of ``rig``)."""
DEFAULT_ENGINE = "rig"


def make_engine(name: str, **options: Any) -> Engine:
    """The engine called ``name``, built with ``options`` (engine-specific keyword arguments)."""
    if name in ("rig", "landmark"):
        from sfumato.engines.rig import RigEngine

        return RigEngine(**options)
    if name == "fomm":
        from sfumato.engines.fomm.engine import FommEngine

        return FommEngine(**options)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["Engine", "HeadCrop", "Pose", "SweepSpec", "make_engine", "ENGINES", "DEFAULT_ENGINE"]
