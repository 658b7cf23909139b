"""Errors that reach the user, each carrying its exit code.

The core raises them; the CLI boundary (`fupcli.cli.main`) prints the one-line
message on stderr and exits with the code. Nothing else may print a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # unexpected failure (I/O, database) reported in one line
    USAGE = 2  # bad input: unknown option value, bad date, bad name
    NOT_FOUND = 3  # WHO matches nobody, or no such commitment
    AMBIGUOUS = 4  # WHO matches several contacts
    CONFLICT = 5  # duplicate email, state that forbids the action
    DATABASE = 6  # not a fup database, newer schema, unreadable file
    ABORTED = 7  # the user said no at a confirmation prompt


class FupError(Exception):
    """A user-facing error: one line of text and an exit code."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, exit_code: ExitCode | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class BadInput(FupError):
    exit_code = ExitCode.USAGE


class NotFound(FupError):
    exit_code = ExitCode.NOT_FOUND


class Ambiguous(FupError):
    exit_code = ExitCode.AMBIGUOUS


class Conflict(FupError):
    exit_code = ExitCode.CONFLICT


class DatabaseError(FupError):
    exit_code = ExitCode.DATABASE


class Aborted(FupError):
    exit_code = ExitCode.ABORTED


def check_choice(value: str, choices: tuple[str, ...] | list[str], what: str) -> str:
    """Return `value` normalised to lower case if it is one of `choices`, else raise BadInput."""
    normal = value.strip().lower()
    if normal not in choices:
        raise BadInput(f"unknown {what} {value!r}; expected one of: {', '.join(choices)}")
    return normal


def describe_failure(exc: BaseException) -> tuple[str | None, int]:
    """The one line (or None: say nothing) and exit code for an error that is not a FupError."""
    if isinstance(exc, BrokenPipeError):  # `fup export contacts | head`: the reader left
        return None, 141
    if isinstance(exc, UnicodeError):  # an argument with bytes that are not UTF-8 (a lone surrogate)
        return "an argument is not valid UTF-8 text", int(ExitCode.USAGE)
    if isinstance(exc, OSError):  # a full disk, a permission: the OS's words
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", int(ExitCode.ERROR)
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"[:300], int(ExitCode.ERROR)
