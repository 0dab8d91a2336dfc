"""Errors raised by the FOMM package: one clear line naming the file and the fix."""

from __future__ import annotations

from sfumato.errors import SfumatoError


class FommError(SfumatoError):
    """A FOMM checkpoint/config/input problem, with a one-line message."""


class FommCheckpointMissingError(FommError, FileNotFoundError):
    """The checkpoint file does not exist (also a :class:`FileNotFoundError`)."""

    def __init__(self, message: str) -> None:  # keep str(err) == the one-line message
        FommError.__init__(self, message)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class FommCheckpointError(FommError):
    """The checkpoint file exists but is corrupt or does not match the architecture."""
