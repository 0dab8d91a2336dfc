"""One smooth ramp: the cubic 3t^2 - 2t^3 is written once, in ``sfumato/ramp.py``; every field and
easing calls :func:`sfumato.ramp.smoothstep` / :func:`sfumato.ramp.unit_ramp` (review15 found five
copies: the mouth cavity, the head window, the iris' corner cover, the speech blink and the live
presence easing)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from sfumato.ramp import smoothstep, unit_ramp

ROOT = Path(__file__).resolve().parents[1]


def _num(node: ast.AST, value: float) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value == value


def _times(node: ast.AST, value: float) -> bool:
    """``value * X`` or ``X * value``."""
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and (_num(node.left, value) or _num(node.right, value))


def cubic_ramps(source: str) -> list[int]:
    """Lines that write the smoothstep cubic: ``3 - 2 * t`` (t * t * (3 - 2t)) or ``3 * t**2 - 2 * t**3``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            if (_num(node.left, 3) and _times(node.right, 2)) or (_times(node.left, 3) and _times(node.right, 2)):
                lines.append(node.lineno)
    return sorted(lines)


def test_the_cubic_is_written_only_in_ramp_py():
    found = {}
    for pkg in ("sfumato", "live", "precompute", "benchmarks"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel != "sfumato/ramp.py" and (lines := cubic_ramps(path.read_text())):
                found[rel] = lines
    assert not found, f"call sfumato.ramp.smoothstep / unit_ramp instead: {found}"
    assert cubic_ramps((ROOT / "sfumato" / "ramp.py").read_text())        # the check sees the one it keeps


def test_the_check_sees_both_spellings_and_not_other_arithmetic():
    assert cubic_ramps("s = u * u * (3.0 - 2.0 * u)\ny = 3 * t ** 2 - 2 * t ** 3\n") == [1, 2]
    assert cubic_ramps("y = 3.0 - x\nz = 3 - 2 + w\nq = 4 - 2 * t\n") == []


def test_the_shared_ramp_is_the_clipped_cubic_in_float32_and_float64():
    x = np.linspace(-0.5, 1.5, 401)
    t = np.clip(x, 0.0, 1.0)
    cubic = t * t * (3.0 - 2.0 * t)
    assert np.array_equal(smoothstep(0.0, 1.0, x), cubic)                 # bit for bit: banks stay identical
    x32 = x.astype(np.float32)
    t32 = np.clip(x32, 0.0, 1.0)
    got = unit_ramp(x32)
    assert got.dtype == np.float32 and np.array_equal(got, (t32 * t32 * (3.0 - 2.0 * t32)).astype(np.float32))
