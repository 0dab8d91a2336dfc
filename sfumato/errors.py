"""User-facing errors: one clear line that names the file and the fix.

The CLIs catch :class:`SfumatoError`, print ``str(err)`` on one line to stderr and exit with a
non-zero code, with no traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class SfumatoError(Exception):
    """An error caused by the user's input or environment, with a one-line explanation."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class InputImageError(SfumatoError):
    """The painting file is missing, unreadable or not an image."""


class NoFaceError(SfumatoError):
    """No usable face was found in the painting."""


class BankError(SfumatoError):
    """A frame bank on disk is missing, incomplete or inconsistent."""
