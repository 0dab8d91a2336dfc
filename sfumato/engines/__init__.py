"""Animation engines behind one small interface (:class:`Engine`) and a registry.

``make_engine(name)`` imports an engine only when it is asked for, so the default engine
never pulls in torch. ``rig`` is the default engine; ``landmark`` is accepted as its old name.
"""

from __future__ import annotations

from typing import Any, Callable

from sfumato.engines.base import Engine, HeadCrop, Pose, SweepSpec

DEFAULT_ENGINE = "rig"
ALIASES: dict[str, str] = {"landmark": "rig"}
_FACTORIES: dict[str, Callable[..., Engine]] = {}


def register(name: str, factory: Callable[..., Engine]) -> None:
    """Make ``make_engine(name, **options)`` call ``factory(**options)``."""
    _FACTORIES[name] = factory


def _rig(**options: Any) -> Engine:
    from sfumato.engines.rig import RigEngine

    return RigEngine(**options)


def _fomm(**options: Any) -> Engine:
    from sfumato.engines.fomm.engine import FommEngine

    return FommEngine(**options)


register("rig", _rig)
register("fomm", _fomm)

ENGINES: tuple[str, ...] = ("rig", "landmark", "fomm")
"""Names the CLI accepts (``landmark`` is an alias of ``rig``)."""


def canonical_name(name: str) -> str:
    """The registered name behind ``name`` (resolves aliases)."""
    return ALIASES.get(name, name)


def make_engine(name: str, **options: Any) -> Engine:
    """The engine called ``name`` (or an alias), built with ``options`` (engine-specific keyword arguments)."""
    factory = _FACTORIES.get(canonical_name(name))
    if factory is None:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return factory(**options)


__all__ = ["Engine", "HeadCrop", "Pose", "SweepSpec", "make_engine", "register", "canonical_name",
           "ENGINES", "DEFAULT_ENGINE", "ALIASES"]
