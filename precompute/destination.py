"""Where a build writes: the destination check, the build lock and the temp folder.

- ``--force`` replaces only a folder that *is* a sfumato bank (``manifest.json`` with
  ``"format": "sfumato-bank"``); any other non-empty folder is refused, with or without it.
- A build holds an exclusive lock (``.NAME.lock`` beside the destination, ``flock``) until it
  ends; a second build to the same destination is refused at once.
- The temp folder is ``.NAME.tmp-PID-XXXX`` beside the destination. A build killed with
  ``kill -9`` cannot remove its own; the next build to that destination removes every temp
  (and half-replaced ``.NAME.old-PID-...``) folder whose process is gone.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from sfumato.bank.format import FORMAT, MANIFEST
from sfumato.errors import SfumatoError

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)-")


def is_bank(folder: Path) -> bool:
    """True when ``folder/manifest.json`` is JSON with ``"format": "sfumato-bank"`` (even if broken otherwise)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def check_destination(out: Path, force: bool) -> None:
    """Refuse a destination that must not be replaced; create its parent folder.

    Raises:
        SfumatoError: a file is there; a bank is there and ``force`` is off; a non-empty
            folder that is not a bank is there (``--force`` never deletes one).
    """
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise SfumatoError(f"{out}: exists and is not a folder; choose another --out.")
        if is_bank(out):
            if not force:
                raise SfumatoError(f"{out}: a bank already exists there; pass --force to replace it or --out another folder.")
        elif any(out.iterdir()):
            raise SfumatoError(
                f"{out}: a folder that is not a sfumato bank (no manifest.json with format {FORMAT!r}); "
                "--force only replaces banks, so choose another --out or empty that folder yourself."
            )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SfumatoError(f"{out.parent}: cannot create the bank's parent folder ({err.strerror}); choose another --out.") from None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's live process
        return True
    return True


def remove_stale(out: Path) -> list[Path]:
    """Remove ``.NAME.tmp-PID-*`` / ``.NAME.old-PID-*`` folders beside ``out`` whose PID is dead; return them."""
    removed = []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _LEFTOVER.match(entry.name)
        if not m or m["name"] != out.name or not entry.is_dir() or entry.is_symlink():
            continue
        pid = int(m["pid"])
        if pid != os.getpid() and not _pid_alive(pid):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def make_temp(out: Path) -> Path:
    """A new temp folder beside ``out`` (same filesystem, so the final rename is atomic)."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    tmp.chmod(0o755)
    return tmp


def replace_with(tmp: Path, out: Path) -> None:
    """Move the finished temp folder to ``out``; an old bank (or empty folder) is removed only now."""
    trash = None
    if out.exists():
        trash = out.with_name(f".{out.name}.old-{os.getpid()}-{int(time.time() * 1000)}")
        out.rename(trash)
    tmp.rename(out)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)


class BuildLock:
    """An exclusive, non-blocking ``flock`` on ``.NAME.lock`` beside ``out``; a context manager.

    The kernel drops the lock when the process dies (even by ``kill -9``); the lock file is
    removed on release. After locking, the file is checked to still be the one at the path,
    so a release that unlinks it cannot let two builds in at once.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out.with_name(f".{out.name}.lock")
        self._fd: int | None = None

    def acquire(self) -> "BuildLock":
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                other = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                os.close(fd)
                raise SfumatoError(
                    f"{self.out}: another build (pid {other}) is writing this bank; wait for it to finish or choose another --out."
                ) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)   # the holder released and unlinked it meanwhile: lock the new file
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)   # closing drops the flock
            self._fd = None

    def __enter__(self) -> "BuildLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
