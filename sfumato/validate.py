"""Range checks for every option and config value, shared by both apps.

One rule per key: a :class:`Range` (numbers, optionally integers, open or closed ends) or a
:class:`OneOf` (a fixed set of words). A value outside its rule is refused at start with one
line naming the key, the value and what is allowed (:class:`ValueRangeError`, exit code 2),
so a zero fps or a NaN angle never reaches the code that would divide by it.

The same rules serve argparse (:func:`arg_type`: readable messages instead of an internal
function name) and config dataclasses (:func:`check_fields`, dotted keys such as
``display.fps``).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from sfumato.errors import SfumatoError


class ValueRangeError(SfumatoError):
    """An option or config value outside its allowed range."""


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@dataclass(frozen=True)
class Range:
    """Numbers in [lo, hi]; ``None`` ends are unbounded; ``open_lo``/``open_hi`` exclude the end.

    ``integer`` also requires a whole number. NaN and infinities are always refused.
    """

    lo: float | None = None
    hi: float | None = None
    open_lo: bool = False
    open_hi: bool = False
    integer: bool = False

    def describe(self) -> str:
        """The allowed values in words, e.g. ``a number > 0`` or ``an integer from 1 to 1001``."""
        kind = "an integer" if self.integer else "a number"
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None:
            if not self.open_lo and not self.open_hi:
                return f"{kind} from {_num(lo)} to {_num(hi)}"
            return f"{kind} {'>' if self.open_lo else '>='} {_num(lo)} and {'<' if self.open_hi else '<='} {_num(hi)}"
        if lo is not None:
            return f"{kind} {'>' if self.open_lo else '>='} {_num(lo)}"
        if hi is not None:
            return f"{kind} {'<' if self.open_hi else '<='} {_num(hi)}"
        return f"{kind} (finite)"

    def ok(self, value: Any) -> bool:
        """Whether ``value`` satisfies the rule (bools are not numbers here)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if not math.isfinite(value):
            return False
        if self.integer and float(value) != int(value):
            return False
        if self.lo is not None and (value <= self.lo if self.open_lo else value < self.lo):
            return False
        if self.hi is not None and (value >= self.hi if self.open_hi else value > self.hi):
            return False
        return True


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of words."""

    choices: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(self.choices)

    def ok(self, value: Any) -> bool:
        return value in self.choices


Rule = Range | OneOf

# Common rules.
NON_NEGATIVE = Range(0, None)
FRACTION = Range(0, 1)
FPS = Range(1, 240)
SEED = Range(0, 2**32 - 1, integer=True)
RGB_CHANNEL = Range(0, 255, integer=True)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def check(key: str, value: Any, rule: Rule, where: str = "") -> Any:
    """Return ``value`` when it satisfies ``rule`` (each element of a tuple/list must).

    Raises:
        ValueRangeError: one line: ``key = value: must be <rule>`` (plus `` (in where)``).
    """
    items = value if isinstance(value, (tuple, list)) else (value,)
    if not all(rule.ok(v) for v in items):
        place = f" (in {where})" if where else ""
        each = "each value " if isinstance(value, (tuple, list)) else ""
        raise ValueRangeError(f"{key} = {_show(value)}{place}: {each}must be {rule.describe()}")
    return value


def check_fields(obj: Any, rules: Mapping[str, Rule], where: str = "") -> None:
    """Check the dotted attributes of a (nested) config dataclass against ``rules``."""
    for key, rule in rules.items():
        value = obj
        for part in key.split("."):
            value = getattr(value, part)
        check(key, value, rule, where)


def arg_type(rule: Range, name: str | None = None) -> Callable[[str], float | int]:
    """An argparse ``type=``: parses a number and checks ``rule``; messages say what is allowed.

    argparse shows ``argument --frames: 'abc' is not a number; must be an integer >= 1``
    rather than the converter's function name.
    """

    def convert(text: str) -> float | int:
        try:
            value: float | int = int(text) if rule.integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if rule.integer else 'a number'}; "
                                             f"must be {rule.describe()}") from None
        if not rule.ok(value):
            raise argparse.ArgumentTypeError(f"{text} is out of range; must be {rule.describe()}")
        return value

    convert.__name__ = name or rule.describe()
    return convert


class OneLineParser(argparse.ArgumentParser):
    """argparse with a one-line error (``prog: error: ...; see --help``), exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def check_pair_order(key: str, pair: Iterable[float], where: str = "") -> None:
    """A (low, high) pair must not be reversed."""
    lo, hi = tuple(pair)
    if lo > hi:
        place = f" (in {where})" if where else ""
        raise ValueRangeError(f"{key} = [{_num(lo)}, {_num(hi)}]{place}: the first value must not exceed the second")


def check_output_file(key: str, path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """Refuse, before any work starts, an output file that cannot be written.

    Checks: not a folder (nor a name ending in ``/``), one of ``suffixes`` (lower case, with
    the dot), and a parent folder that exists or can be created and is writable. Creates the
    parent folder; writes nothing else.

    Raises:
        ValueRangeError: one line naming ``key``, the path and the fix.
    """
    text = str(path)
    p = Path(path)
    if text.endswith(("/", "\\")) or p.is_dir():
        raise ValueRangeError(f"{key} = {text!r}: is a folder; give a file name, e.g. {p / ('out' + suffixes[0])}")
    if p.suffix.lower() not in suffixes:
        raise ValueRangeError(f"{key} = {text!r}: must end in {' or '.join(suffixes)}")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueRangeError(f"{key} = {text!r}: cannot create the folder {p.parent} ({err.strerror})") from None
    if not os.access(p.parent, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise ValueRangeError(f"{key} = {text!r}: not writable; choose a path in a folder you can write to")
    return p
