"""The lowest supported Python, stated once: pyproject's ``requires-python``, the Makefile's PY_OK
check and the README agree, and no module of the project uses syntax or a standard-library module
or name newer than that floor (or one the newest supported Python removed).

CI runs one Python (the Makefile's first pick, the newest), so a 3.12-only line would pass there and
fail on 3.11; review15 found ``import tomllib`` (3.11+) in live/config.py while 3.10 was advertised.
The tables below list what each Python added or removed that a project like this might reach for;
an import inside ``try: ... except ImportError`` (a fallback) is allowed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sfumato", "live", "precompute", "benchmarks", "tests")

# standard-library modules, and names in them, by the Python that added them
ADDED = {
    "tomllib": (3, 11), "wsgiref.types": (3, 11), "dbm.sqlite3": (3, 13), "annotationlib": (3, 14),
    "compression": (3, 14), "concurrent.interpreters": (3, 14), "string.templatelib": (3, 14),
    "datetime.UTC": (3, 11), "enum.StrEnum": (3, 11), "typing.Self": (3, 11), "typing.Never": (3, 11),
    "typing.LiteralString": (3, 11), "typing.assert_never": (3, 11), "contextlib.chdir": (3, 11),
    "hashlib.file_digest": (3, 11), "asyncio.TaskGroup": (3, 11), "asyncio.timeout": (3, 11),
    "itertools.batched": (3, 12), "typing.override": (3, 12), "typing.TypeAliasType": (3, 12),
    "calendar.Month": (3, 12), "math.sumprod": (3, 12), "copy.replace": (3, 13), "warnings.deprecated": (3, 13),
    "typing.ReadOnly": (3, 13), "typing.TypeIs": (3, 13),
}
# standard-library modules by the Python that removed them
REMOVED = {name: (3, 12) for name in ("distutils", "imp", "asynchat", "asyncore", "smtpd")} | {
    name: (3, 13) for name in ("aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap",
                               "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau",
                               "telnetlib", "uu", "xdrlib")}


def _range() -> tuple[tuple[int, int], tuple[int, int]]:
    """(lowest, newest) supported Python from pyproject's ``requires-python = ">=3.a,<3.b"``."""
    text = (ROOT / "pyproject.toml").read_text()
    m = re.search(r'requires-python\s*=\s*">=\s*3\.(\d+)\s*,\s*<\s*3\.(\d+)"', text)
    assert m, "requires-python is not of the form >=3.a,<3.b"
    return (3, int(m[1])), (3, int(m[2]) - 1)


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _fallbacks(tree: ast.AST) -> set[int]:
    """ids of the import nodes inside ``try:`` blocks that catch ImportError / ModuleNotFoundError."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                or isinstance(h.type, ast.Tuple) and any(getattr(e, "id", "") in ("ImportError", "ModuleNotFoundError")
                                                         for e in h.type.elts)
                for h in node.handlers):
            ids |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return ids


def uses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every standard-library module or module attribute the tree imports or
    reads as ``module.name`` (an ``import x as y`` alias followed), fallback imports left out."""
    skip, alias, out = _fallbacks(tree), {}, []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for a in node.names:
                out.append((node.lineno, a.name))
                alias[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in alias:
            out.append((node.lineno, f"{alias[node.value.id]}.{node.attr}"))
    return out


def too_new(tree: ast.AST, lowest: tuple[int, int], newest: tuple[int, int]) -> list[str]:
    """What in ``tree`` the lowest supported Python lacks or the newest one removed."""
    bad = []
    for line, name in uses(tree):
        top = name.split(".")[0]
        if name in ADDED and ADDED[name] > lowest:
            bad.append(f"line {line}: {name} (Python {ADDED[name][0]}.{ADDED[name][1]}+)")
        if top in REMOVED and REMOVED[top] <= newest:
            bad.append(f"line {line}: {top} (removed in Python {REMOVED[top][0]}.{REMOVED[top][1]})")
    return sorted(bad)


def test_pyproject_makefile_and_readme_state_the_same_pythons():
    lowest, newest = _range()
    make = (ROOT / "Makefile").read_text()
    m = re.search(r"PY_OK\s*:=.*\((\d+), (\d+)\) <= sys\.version_info\[:2\] <= \((\d+), (\d+)\)", make)
    assert m and ((int(m[1]), int(m[2])), (int(m[3]), int(m[4]))) == (lowest, newest), m and m[0]
    search = re.search(r"for p in ([^;]+); do", make)[1].split()
    assert search == [f"python3.{v}" for v in range(newest[1], lowest[1] - 1, -1)] + ["python3"], search
    readme = (ROOT / "README.md").read_text()
    assert f"Requirements: Python 3.{lowest[1]} or 3.{newest[1]} " in readme


def test_every_module_parses_and_imports_on_the_lowest_supported_python():
    lowest, newest = _range()
    bad, paths = [], _sources()
    assert len(paths) > 300
    for path in paths:
        try:
            tree = ast.parse(path.read_text(), str(path), feature_version=lowest)
        except SyntaxError as err:
            bad.append(f"{path.relative_to(ROOT)}: {err}")
            continue
        bad += [f"{path.relative_to(ROOT)} {b}" for b in too_new(tree, lowest, newest)]
    assert not bad, "\n".join(bad)


def test_the_check_sees_what_review15_found():
    """The check itself: tomllib under a 3.10 floor (live/config.py's import), ``itertools.batched``
    read through an alias, a removed module, and a fallback import that is allowed."""
    tree = ast.parse((ROOT / "live" / "config.py").read_text())
    assert any("tomllib" in b for b in too_new(tree, (3, 10), (3, 12)))
    code = ast.parse("import itertools as it\nimport imp\nx = it.batched([1, 2], 1)\n"
                     "try:\n    import tomllib\nexcept ModuleNotFoundError:\n    import tomli as tomllib\n")
    bad = too_new(code, (3, 11), (3, 12))
    assert bad == ["line 2: imp (removed in Python 3.12)", "line 3: itertools.batched (Python 3.12+)"], bad
    with pytest.raises(SyntaxError):
        ast.parse("type Vec = list[float]\n", feature_version=(3, 11))   # PEP 695: 3.12 syntax
