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
    AMBIGUOUS = 4  # WHO matches several contacts, or several open commitments and none named
    CONFLICT = 5  # duplicate email, state that forbids the action
    DATABASE = 6  # not a fup database, newer schema, unreadable file, full disk, a `fup doctor` finding
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


_SQLITE_IOERR, _SQLITE_FULL = 10, 13  # primary result codes
_WRITING = ("WRITE", "FSYNC", "TRUNCATE")  # in the extended names of I/O errors while writing


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc`, then what it wraps (a SQLAlchemy error's `orig`) and what it was raised from or during."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending and len(found) < 20:
        current = pending.pop(0)
        if current is None or any(current is known for known in found):
            continue
        found.append(current)
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]
    return found


def _sqlite_storage_words(exc: BaseException) -> str | None:
    """Plain words for a sqlite3 error saying the disk is full or an I/O failed, else None.

    A failed statement rolls its transaction back, hence "nothing was changed". The
    error's own text is never quoted: wrapped by SQLAlchemy it carries SQL."""
    if type(exc).__module__ != "sqlite3":
        return None
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+; 3.10 has only the text
    name = getattr(exc, "sqlite_errorname", None) or ""
    text = str(exc)
    if (code is not None and code & 0xFF == _SQLITE_FULL) or text == "database or disk is full":
        return "cannot write the database: the disk is full or a file size limit was reached; nothing was changed"
    if (code is not None and code & 0xFF == _SQLITE_IOERR) or text.startswith("disk I/O error"):
        if "READ" in name:
            return "cannot read the database: disk I/O error; nothing was changed"
        hint = "disk I/O error (is the disk full, or a file size limit reached?); nothing was changed"
        if "SHM" in name:  # the shared-memory file beside the database: needed to open it at all
            return f"cannot open the database: {hint}"
        if any(word in name for word in _WRITING):
            return f"cannot write the database: {hint}"
        return f"cannot read or write the database: {hint}"
    return None


def storage_failure(exc: BaseException) -> str | None:
    """One plain line when `exc` (or what it wraps) is a full disk, a file size limit or an I/O error."""
    import errno

    no_room = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EFBIG: "a file size limit was reached",
    }
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno in no_room:
            where = f" {cause.filename}" if cause.filename else ""
            return f"cannot write{where}: {no_room[cause.errno]}"
        if isinstance(cause, OSError) and cause.errno == errno.EIO:
            where = f" {cause.filename}" if cause.filename else ""
            return f"cannot read or write{where}: input/output error"
        words = _sqlite_storage_words(cause)
        if words:
            return words
    return None


_SQLITE_STATES = {
    5: "another fup kept the database busy for too long; nothing was changed, try again",  # SQLITE_BUSY
    6: "another fup kept the database busy for too long; nothing was changed, try again",  # SQLITE_LOCKED
    11: "the database file is damaged; run `fup doctor`, and restore a backup",  # SQLITE_CORRUPT
}


def database_state(exc: BaseException) -> str | None:
    """One plain line when `exc` (or what it wraps) is SQLite saying the file is busy or damaged."""
    for cause in _causes(exc):
        code = getattr(cause, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _SQLITE_STATES:
            return _SQLITE_STATES[code & 0xFF]
        if type(cause).__module__.startswith("psycopg") and getattr(cause, "sqlstate", None) == "42501":
            # a role the team's setup did not grant (README, "Team mode"), or a schema only its owner may change
            words = " ".join(str(cause).split())
            return (f"the database server refused: {words[:200]}; nothing was changed (the team's database "
                    "owner grants access: see README, Team mode)")
        if _is_psycopg_operational(cause):
            state = getattr(cause, "sqlstate", None)
            if state in _SERVER_CONFLICTS:
                return _SERVER_CONFLICTS[state]
            if state is None or state.startswith("08") or state in _SERVER_GONE:
                # the server could not be reached, refused the login, or went away mid-command
                # (the driver's words name the host and the reason, never a password)
                words = " ".join(str(cause).split())
                return f"cannot use the database server: {words[:300]}; nothing was changed"
    return None


_SERVER_GONE = ("57P01", "57P02", "57P03")  # admin shutdown (a backend terminated), crash shutdown, starting up
_SERVER_CONFLICTS = {  # the server rolled the transaction back because of another's at the same moment
    "55P03": "another command kept the same contacts busy for too long; nothing was changed, try again",
    "40001": "a colleague's command changed the same rows at the same moment; nothing was changed, try again",
    "40P01": "a colleague's command changed the same rows at the same moment; nothing was changed, try again",
}


def _is_psycopg_operational(exc: BaseException) -> bool:
    """Whether `exc` is psycopg's OperationalError or a subclass (psycopg is not imported here)."""
    return any(k.__name__ == "OperationalError" and k.__module__.startswith("psycopg") for k in type(exc).__mro__)


# Standard output's reader left (`fup list | head -1`): fup stops at once, says nothing on stderr
# and exits 141, whatever the command, format or door (Typer's and Rich's help included). 141 is
# 128 + SIGPIPE, the status the shell reports for `cat`, `git log` or `ls` killed by the signal
# in the same place, so `set -o pipefail` scripts and `${PIPESTATUS[0]}` read fup as they read
# them. fup exits with the number rather than dying by the signal so that the database is
# closed in order on the way out. (Output small enough to fit the pipe's buffer may all be
# written before the reader leaves: then nothing failed and the status is 0, as for `cat`.)
PIPE_CLOSED = 141


def describe_failure(exc: BaseException) -> tuple[str | None, int]:
    """The one line (or None: say nothing) and exit code for an error that is not a FupError."""
    if isinstance(exc, BrokenPipeError):  # `fup export contacts | head`: the reader left
        return None, PIPE_CLOSED
    if isinstance(exc, UnicodeError):  # an argument with bytes that are not UTF-8 (a lone surrogate)
        return "an argument is not valid UTF-8 text", int(ExitCode.USAGE)
    storage = storage_failure(exc)  # a full disk, a file size limit (EFBIG), a failing disk
    if storage:
        return storage, int(ExitCode.DATABASE)
    state = database_state(exc)
    if state:
        return state, int(ExitCode.DATABASE)
    if isinstance(exc, OSError):  # a permission, a missing directory: the OS's words
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", int(ExitCode.ERROR)
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"[:300], int(ExitCode.ERROR)


def flush_stdout() -> int | None:
    """Flush standard output on the way out: a reader that left (`| head`) or a full disk
    becomes an exit code and, for the disk, one line on stderr; None when all went out."""
    import sys

    try:
        sys.stdout.flush()
        return None
    except OSError as exc:
        silence_stdout()
        message, code = describe_failure(exc)
        if message:
            sys.stderr.write(f"fup: error: {message}\n")
        return code


def silence_stdout() -> None:
    """Point standard output at the null device once its reader has left (or its disk is full):
    whatever is still buffered then goes nowhere, so the interpreter's own flush at exit cannot
    fail again and print a traceback on stderr."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's stream) or no stdout
        pass
