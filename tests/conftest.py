"""Shared fixtures: a private fup home with a fixed "now", and a CLI runner over it.

Every test that touches a database gets its own directory (`fup_home`):
FUP_HOME points at it, FUP_NOW is fixed to Monday 2026-11-23 09:00, and FUP_DB
and FUP_DEBUG are unset, so the real SQLite file is `fup_home / "fup.db"`,
`config.toml` is read from the same directory, and nothing reads the clock.

The `fup` fixture runs the Typer app in-process through
`typer.testing.CliRunner` with `catch_exceptions=False`: an exception that
escapes the CLI's own error boundary fails the test with its traceback instead
of hiding in `result.exception`. Results keep stdout and stderr apart
(`result.stdout`, `result.stderr`, `result.exit_code`).

Simulating days passing:

    fup("add", "Ana Ruiz")               # at Monday 2026-11-23 09:00
    fup.at("2026-11-27")                 # every later call runs on Friday 09:00
    fup("log", "ana", now="2026-11-30")  # one call on another day, then back

`fup.json(...)` runs a command that must succeed and parses its stdout;
`fup.dump()` is the SQL dump of the database (`sqlite3.iterdump`, read-only),
for checking that a rejected command wrote nothing. These helpers use only
the environment, so they also suit end-to-end and storage tests.

PostgreSQL: `pg_url` is a fresh, empty database for one test,
`postgresql://postgres@127.0.0.1:PORT/fup_t<pid>_<n>`, dropped afterwards; it
lives on `pg_server`, one throwaway cluster per session (tests/pgserver.py),
started only when a test asks for it, or the server at FUP_TEST_PG. Without a
server those tests skip, or fail when CI=true.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Optional, Sequence, Union

import pytest
from typer.testing import CliRunner, Result

import fupcli.cli.app

if TYPE_CHECKING:
    from pgserver import PgServer

# Monday, so a follow-up 4 days later (warm gaps[0]) lands on Friday.
FIXED_NOW = "2026-11-23T09:00"
DEFAULT_TIME = "09:00"

When = Union[str, date, datetime]


def as_now(when: When) -> str:
    """A FUP_NOW value: a date (or 'YYYY-MM-DD') gets 09:00, a datetime is kept."""
    if isinstance(when, datetime):
        return when.isoformat(timespec="seconds")
    if isinstance(when, date):
        return f"{when.isoformat()}T{DEFAULT_TIME}"
    text = str(when).strip()
    return f"{text}T{DEFAULT_TIME}" if len(text) == 10 else text


def sqlite_dump(path: Union[str, Path]) -> Optional[list[str]]:
    """Every SQL statement that rebuilds the database at `path`, or None if there is no file.

    Opened read-only (never creates or changes the file), so it can be used
    on files fup must not touch.
    """
    path = Path(path)
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


class FupRunner:
    """Calls `fup` in-process; see the module docstring for the conventions."""

    def __init__(self, home: Path, monkeypatch: pytest.MonkeyPatch):
        self.home = home
        self._monkeypatch = monkeypatch
        self._runner = CliRunner()

    @property
    def db_path(self) -> Path:
        """The default database file under FUP_HOME."""
        return self.home / "fup.db"

    def at(self, when: When) -> None:
        """Move "now" (FUP_NOW) for every later call, e.g. `fup.at("2026-11-27")`."""
        self._monkeypatch.setenv("FUP_NOW", as_now(when))

    def __call__(
        self,
        *args: Union[str, Sequence[str]],
        input: Optional[str] = None,
        env: Optional[Mapping[str, Optional[str]]] = None,
        now: Optional[When] = None,
    ) -> Result:
        """Run `fup ARGS...` (tokens as a shell would pass them, or one list of them).

        `input` feeds stdin (e.g. "n\\n" for a prompt); `env` overrides
        environment variables for this call only (None unsets one); `now`
        sets FUP_NOW for this call only.
        """
        tokens = list(args[0]) if len(args) == 1 and not isinstance(args[0], str) else list(args)
        overrides: dict[str, Optional[str]] = dict(env or {})
        if now is not None:
            overrides["FUP_NOW"] = as_now(now)
        return self._runner.invoke(fupcli.cli.app.app, tokens, input=input, env=overrides, catch_exceptions=False)

    def ok(self, *args: Union[str, Sequence[str]], **kwargs: Any) -> Result:
        """Run a command that must succeed; fail the test with its stderr otherwise."""
        result = self(*args, **kwargs)
        assert result.exit_code == 0, f"fup {args} exited {result.exit_code}: {result.stderr!r}"
        return result

    def json(self, *args: Union[str, Sequence[str]], **kwargs: Any) -> Any:
        """Run a command that must succeed (give it `-f json`) and parse its stdout."""
        return json.loads(self.ok(*args, **kwargs).stdout)

    def dump(self, path: Union[str, Path, None] = None) -> Optional[list[str]]:
        """SQL dump of the database (default: the one under FUP_HOME); None if absent."""
        return sqlite_dump(path if path is not None else self.db_path)


@pytest.fixture
def fup_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory used as FUP_HOME, with FUP_NOW fixed and FUP_DB unset."""
    home = tmp_path / "fup-home"
    home.mkdir()
    monkeypatch.setenv("FUP_HOME", str(home))
    monkeypatch.setenv("FUP_NOW", FIXED_NOW)
    monkeypatch.delenv("FUP_DB", raising=False)
    monkeypatch.delenv("FUP_DEBUG", raising=False)
    return home


@pytest.fixture
def fup(fup_home: Path, monkeypatch: pytest.MonkeyPatch) -> FupRunner:
    """A runner for the `fup` app over `fup_home` (call it like the command line)."""
    return FupRunner(fup_home, monkeypatch)


_pg_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator["PgServer"]:
    """The session's PostgreSQL server (started on first use, stopped at the end).

    Skips the test when no server can be had; fails it instead when CI=true.
    """
    import pgserver

    try:
        server = pgserver.start()
    except pgserver.PgUnavailable as exc:
        reason = f"no PostgreSQL server: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: "PgServer") -> Iterator[str]:
    """A new empty database for this test; its URL, connecting as the superuser."""
    name = f"fup_t{os.getpid()}_{next(_pg_databases)}"
    url = pg_server.create_database(name)
    try:
        yield url
    finally:
        pg_server.drop_database(name)


# IMAP: `imap_server` is one throwaway Dovecot per session (tests/imapserver.py),
# started only when a test asks for it, on free 127.0.0.1 ports (plain IMAP and
# IMAPS), every user logging in with `imap_server.password`. Without dovecot those
# tests skip, or fail when CI=true.
if TYPE_CHECKING:
    from imapserver import ImapServer


@pytest.fixture(scope="session")
def imap_server() -> Iterator["ImapServer"]:
    """The session's Dovecot IMAP server (started on first use, stopped at the end).

    Skips the test when no server can be had; fails it instead when CI=true.
    """
    import imapserver

    try:
        server = imapserver.start()
    except imapserver.ImapUnavailable as exc:
        reason = f"no IMAP server: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.stop()


# CalDAV: `caldav_server` is one Radicale per session (tests/caldavserver.py), run in
# a thread of the test process and started only when a test asks for it, on a free
# 127.0.0.1 port, with one user (`caldav_server.user`, `.password`). Without Radicale
# those tests skip, or fail when CI=true.
if TYPE_CHECKING:
    from caldavserver import CaldavServer


@pytest.fixture(scope="session")
def caldav_server() -> Iterator["CaldavServer"]:
    """The session's Radicale CalDAV server (started on first use, stopped at the end).

    Skips the test when no server can be had; fails it instead when CI=true.
    """
    import caldavserver

    try:
        server = caldavserver.start()
    except caldavserver.CaldavUnavailable as exc:
        reason = f"no CalDAV server: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.stop()
