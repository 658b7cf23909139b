"""Opening the database: where it is, whether it is ours, its schema version.

Two ways in, over one schema:
- `Store.reader()` gives a read-only DB-API connection (stdlib sqlite3 for a
  SQLite file) for the commands that only read, so `fup today` never pays for
  importing SQLAlchemy, and never creates, migrates or writes anything.
- `Store.write()` gives a `storage.db.Db`, one transaction on a DB-API
  connection (for a SQLite file the stdlib driver again, begun with
  `BEGIN IMMEDIATE`: `storage.sqlite`), creating the file (0600, in a 0700
  directory) and running Alembic migrations first when needed; only then is
  SQLAlchemy imported. Given an `Undoable`, the transaction also records how
  to undo itself (`storage.journal`).
- A PostgreSQL URL gets one psycopg connection per command (`storage.postgres`):
  the reads run in a read-only transaction on it, the write takes it over, and
  SQLAlchemy and Alembic load only when the schema needs creating or upgrading.
  Any other URL goes through SQLAlchemy (`storage.server`).

An upgrade of an existing database first takes a backup (`fupcli.backup`,
kept in `backups/` beside the file, the newest few), then runs every
migration in one transaction with foreign keys off, as Alembic's batch mode
needs on SQLite, and runs `PRAGMA foreign_key_check` before it commits.

Every connection runs with WAL, `foreign_keys=ON` and a busy timeout.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ..errors import DatabaseError
from . import sqlite

# Shell completion opens the store: `typing` (~10 ms to import) is for type checkers only.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Iterator

    from sqlalchemy.engine import Engine

    from .db import Db
    from .journal import Undoable

# The Alembic revision this code expects; a test checks it is the migrations' head.
SCHEMA_VERSION = "0008"
KNOWN_VERSIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
SQLITE_HEADER = b"SQLite format 3\x00"


class Store:
    """The database at `location`: a file path, or a SQLAlchemy URL (anything with '://')."""

    def __init__(self, location: str | Path, now: datetime | None = None, replan: Any = None):
        self.location = str(location)
        self.now = now  # names the automatic backup taken before an upgrade
        # Called with the upgrade's connection after the migrations of an existing database, in
        # their transaction: the scheduler's cache (agenda, computed columns) is planned anew.
        self.replan = replan
        self.url: str | None = None
        self.path: Path | None = None
        if "://" in self.location:
            if self.location.startswith("sqlite:///"):
                self.path = Path(self.location[len("sqlite:///"):]).expanduser()
            else:
                self.url = self.location
        else:
            self.path = Path(self.location).expanduser()
        self._engine: Engine | None = None
        self.postgres = False  # a PostgreSQL URL: psycopg directly (`storage.postgres`)
        self._pg: Any = None  # its one connection for the command (a `PostgresDb`)
        self._upgrading: Any = None  # the schema upgrade's connection while it runs (a `ServerDb`)
        if self.url is not None:
            from .postgres import is_postgres

            self.postgres = is_postgres(self.url)
        self._readers: list[Any] = []  # read-only connections, the newest shared by every read (`reader`)
        self._read_version: str | None = None  # the schema version the readers saw (probed once)
        self._warned = False
        self._header_checked = False

    # --- checks ---------------------------------------------------------------

    def sidecars(self) -> list[Path]:
        """The -wal and -shm files SQLite keeps beside the database."""
        assert self.path is not None
        return [self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm")]

    def holds(self, path: Path) -> bool:
        """Whether `path` is the database or one of its sidecars (never to be written over)."""
        if self.path is None:
            return False
        try:
            return path.resolve() in {p.resolve() for p in (self.path, *self.sidecars())}
        except (OSError, ValueError):  # an impossible name: whoever opens it says what is wrong
            return False

    def url_shown(self) -> str:
        """The server URL without its password, for messages."""
        from .postgres import shown

        assert self.url is not None
        return shown(self.url)

    def need_file(self, what: str, or_postgres: bool = False) -> None:
        """Refuse, in one line, what only a SQLite file supports (`or_postgres`: or PostgreSQL)."""
        if or_postgres and self.postgres:
            return
        if self.url is not None and not self.url.startswith("sqlite"):  # (a sqlite+driver:// URL is a file)
            raise DatabaseError(f"{what} works on a SQLite database file only, not yet on a server "
                                f"database ({self.url_shown()})")

    def exists(self) -> bool:
        return self.url is not None or (self.path is not None and self.path.exists() and self.path.stat().st_size > 0)

    def _check_sqlite_file(self) -> None:
        """Refuse a file that is not a SQLite database, without opening it for writing.

        The header is read once, before this process opens any connection: on POSIX,
        closing a file descriptor of the database drops every lock the process holds on
        it, SQLite's too, and another fup could then delete the -wal file under ours."""
        assert self.path is not None
        if self._header_checked:
            return
        if self.path.is_dir():
            raise DatabaseError(f"{self.path} is a directory, not a fup database")
        try:
            with self.path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise DatabaseError(f"cannot read {self.path}: {exc.strerror}") from None
        if header and header != SQLITE_HEADER:
            raise DatabaseError(f"{self.path} is not a fup database (not an SQLite file); it was left untouched")
        self._header_checked = len(header) == len(SQLITE_HEADER)  # an empty file is checked again once written

    def _warn_if_exposed(self) -> None:
        """Warn (once per command) when other users may read the database: it holds personal data."""
        if self.path is None or self._warned:
            return
        try:
            mode = os.stat(self.path).st_mode
        except OSError:
            return
        if mode & 0o077:
            self._warned = True
            sys.stderr.write(f"fup: warning: other users can read {self.path} (mode {mode & 0o777:o}); "
                             f"run `chmod 600 {self.path}`\n")

    def _schema_version(self, conn: Any) -> str | None:
        """The stored schema version; None for an empty database; error if not ours."""
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.OperationalError:
            raise  # a full disk or an I/O error, not a verdict on the file: worded by the boundary
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"{self.location} is not a fup database ({exc}); it was left untouched") from None
        if not tables:
            return None
        if "alembic_version" not in tables or not {"contact", "touch", "commitment"} <= tables:
            raise DatabaseError(f"{self.location} is not a fup database (it has other tables); it was left untouched")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        version = row[0] if row else None
        if version not in KNOWN_VERSIONS:
            raise DatabaseError(
                f"{self.location} has schema version {version!r}, which this fup does not know; upgrade fup"
            )
        return version

    def _uri(self, flags: str) -> str:
        assert self.path is not None
        return sqlite.file_uri(str(self.path.resolve()), flags)

    def peek(self) -> tuple[Any, str | None]:
        """A read-only connection and the schema version, opened without creating -wal/-shm files
        beside a file that may not be ours. The caller closes the connection."""
        assert self.path is not None
        wal = self.sidecars()[0]
        # With no -wal file the main file holds everything, so an immutable open reads it all
        # and creates nothing; with one, the files exist already.
        flags = "mode=ro&immutable=1" if not wal.exists() else "mode=ro"
        conn = sqlite3.connect(self._uri(flags), uri=True, timeout=sqlite.BUSY_TIMEOUT_MS / 1000)
        try:
            return conn, self._schema_version(conn)
        except BaseException:
            conn.close()
            raise

    def stored_version(self) -> str | None:
        """The schema version of the existing file, read without changing or creating anything;
        a file that is not fup's is refused, untouched."""
        self._check_sqlite_file()
        return self._probe_version()

    def _probe_version(self) -> str | None:
        """The schema version, read without creating anything beside the file (see `peek`)."""
        conn, version = self.peek()
        conn.close()
        return version

    # --- reading --------------------------------------------------------------

    def reader(self) -> Any | None:
        """A read-only connection, or None when there is no database yet. One per command: the
        reads share it, and a write closes it first (`write`), so that the writer is the last
        connection to close and SQLite folds the -wal file back into the database then."""
        while self._readers:
            if _is_open(self._readers[-1]):
                return self._readers[-1]
            self._readers.pop()  # (closed by whoever was handed it)
        if self.postgres:
            db = self._pg_connection()
            version = db.schema_version()
            if version is None:  # an empty database: the first write makes the schema
                return None
            if version != SCHEMA_VERSION:
                raise self._needs_upgrade(db)
            return db
        if self.url is not None:
            from .server import ServerDb

            conn = ServerDb(self.engine().connect())
            version = conn.schema_version()
            if version is None:  # an empty database: the first write makes the schema
                conn.close()
                return None
            self._readers.append(conn)
            if version != SCHEMA_VERSION:
                raise DatabaseError(f"the database at {self.url_shown()} needs a schema upgrade; "
                                    "run any command that writes (e.g. `fup reschedule`)")
            return conn
        assert self.path is not None
        if not self.exists():
            return None
        self._check_sqlite_file()
        uri = self._uri("mode=ro")
        version = self._version_for_reading()
        if version is None:
            return None
        self._warn_if_exposed()
        conn = sqlite.connect(uri, uri=True, read_only=True)
        self._readers.append(conn)
        if version != SCHEMA_VERSION:
            raise DatabaseError(f"{self.path} needs a schema upgrade; run any command that writes (e.g. `fup reschedule`)")
        return conn

    def read_briefly(self, read: Any, table: str) -> Any:
        """`read(conn)` through the command's reader if it has one (else a connection closed right
        after), or None when there is no database with `table` yet (none at all, one the next write upgrades, a server database whose schema
        the first write makes): for what a command needs before it begins (the days off), which
        must not upgrade anything; that is the write's to do. On a SQLite file, `table` must be
        in SCHEMA_VERSION."""
        if self.postgres:
            if self._upgrading is not None:  # inside the upgrade's transaction, which holds its tables
                found = self._upgrading.execute("SELECT to_regclass(:t) IS NOT NULL", {"t": table}).scalar()
                return read(self._upgrading) if found else None
            db = self._pg_connection()
            return read(db) if db.has_table(table) else None
        if self.url is not None:
            from sqlalchemy import inspect

            from .server import ServerDb

            with self.engine().connect() as connection:
                return read(ServerDb(connection)) if inspect(connection).has_table(table) else None
        if not self.exists():
            return None
        self._check_sqlite_file()
        if self._version_for_reading() != SCHEMA_VERSION:
            return None
        if self._readers and _is_open(self._readers[-1]):
            return read(self._readers[-1])
        # On a connection of its own, closed at once: this may run inside a write, and a reader
        # still open when the writer closes would keep the -wal file from being folded back.
        conn = sqlite.connect(self._uri("mode=ro"), uri=True, read_only=True)
        try:
            return read(conn)
        finally:
            conn.close()

    def user(self) -> str | None:
        """Who runs the command, on a team database: the PostgreSQL role logged in. None on a
        SQLite file (one user: every contact is theirs)."""
        return self._pg_connection().user() if self.postgres else None

    def team_role(self, name: str) -> str:
        """`name` if it is a role on the team database; refused in one line otherwise (and on a
        SQLite file, which has no team)."""
        from ..errors import BadInput

        role = name.strip()
        if not self.postgres:
            raise BadInput("owners need a team database (PostgreSQL, --db postgresql://...); "
                           "on a SQLite file every contact is yours")
        if not role or not self._pg_connection().is_role(role):
            raise BadInput(f"no role {role!r} on the database server (a teammate logs in as their role)")
        return role

    def _pg_connection(self) -> Any:
        """The command's connection to a PostgreSQL database (read-only until a write takes it)."""
        if self._pg is None or self._pg.closed:
            from .postgres import PostgresDb

            self._pg = PostgresDb.open(self.url, read_only=True)
        return self._pg

    def _version_for_reading(self) -> str | None:
        """The schema version, probed once for all of a command's reads (each probe opens the
        file, and with a large -wal file that costs a read of it)."""
        if self._read_version is None:
            self._read_version = self._probe_version()
        return self._read_version

    def _close_readers(self) -> None:
        for conn in self._readers:
            conn.close()
        self._readers.clear()
        self._read_version = None

    # --- writing --------------------------------------------------------------

    def _prepare_file(self) -> None:
        assert self.path is not None
        parent = self.path.parent
        if not parent.exists():
            try:
                parent.mkdir(mode=0o700, parents=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create {parent}: {exc.strerror}") from None
        if not self.path.exists():
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
            except OSError as exc:
                raise DatabaseError(f"cannot create {self.path}: {exc.strerror}") from None
        self._check_sqlite_file()

    def engine(self) -> "Engine":
        if self._engine is None:
            if self.url is not None:
                from sqlalchemy import create_engine

                url = self.url
                if self.postgres:  # psycopg 3, whatever SQLAlchemy's default driver for the scheme
                    url = "postgresql+psycopg://" + url.split("://", 1)[1]
                self._engine = create_engine(url, hide_parameters=True)
            else:
                self._engine = sqlite.engine(self.path, foreign_keys=True)
        return self._engine

    def _migrate(self) -> None:
        """Create or upgrade the schema when it is not at SCHEMA_VERSION."""
        assert self.path is not None
        version = self._probe_version()
        if version == SCHEMA_VERSION:
            return
        backup = None
        if version is None:  # a brand-new file: WAL is a property of the file, set once
            sqlite.set_wal(self.path)
        else:
            from .backup import backup_before_upgrade

            backup = backup_before_upgrade(self, SCHEMA_VERSION)
        self._upgrade(version, backup)

    def _upgrade(self, version: str | None, backup: Path | None) -> None:
        """Every migration in one transaction, foreign keys off (SQLite's batch mode rebuilds
        tables, and dropping a parent table with them on would delete its children)."""
        from .migrate import upgrade

        engine = sqlite.engine(self.path, foreign_keys=False)
        try:
            with engine.begin() as connection:
                orphans = set(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
                upgrade(connection)
                if version is not None and self.replan is not None:
                    self.replan(connection)
                broken = set(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()) - orphans
                if broken:  # only what the migration broke: `fup doctor` reports rows orphaned before
                    raise DatabaseError(f"{len(broken)} rows would point at missing rows")
        except Exception as exc:  # noqa: BLE001 - rolled back; say so in one line
            if version is None:
                raise
            reason = exc.message if isinstance(exc, DatabaseError) else (str(exc).splitlines() or [type(exc).__name__])[0]
            kept = f"; a backup is at {backup}" if backup else ""
            raise DatabaseError(
                f"the upgrade of {self.path} from schema {version} to {SCHEMA_VERSION} failed ({reason[:200]}); "
                f"the database was left as it was{kept}"
            ) from None
        finally:
            engine.dispose()

    def prepare_for_write(self) -> None:
        if self.path is not None:
            self._prepare_file()
            self._migrate()
            self._header_checked = True  # ours now, and connections are open: never reopen the file
        elif self.postgres:
            db = self._pg_connection()
            version = db.schema_version()
            if version not in (None, SCHEMA_VERSION) and db.tables_owner() is not None:
                raise self._needs_upgrade(db)  # a teammate: the upgrade is the tables' owner's to make
            db.rollback()
            if version != SCHEMA_VERSION:
                self._upgrade_server(version)
        else:  # another server database: Alembic checks the version itself (a no-op at head)
            from .migrate import upgrade

            with self.engine().begin() as connection:
                upgrade(connection)

    def _needs_upgrade(self, db: Any) -> DatabaseError:
        """Why a server database at an older schema is refused, and who can upgrade it."""
        owner = db.tables_owner()
        if owner is not None:  # a teammate: the upgrade is the tables' owner's to make
            return DatabaseError(f"the database at {self.url_shown()} needs a schema upgrade, which only the owner "
                                 f"of its tables ({owner}) can make: run `fup reschedule` as {owner}")
        return DatabaseError(f"the database at {self.url_shown()} needs a schema upgrade; "
                             "run any command that writes (e.g. `fup reschedule`)")

    def _upgrade_server(self, version: str | None) -> None:
        """Create or upgrade fup's schema on a PostgreSQL database, in one transaction (DDL is
        transactional there), under an advisory lock so that two first commands at once do not
        both create it: the second waits, then finds the schema made and Alembic does nothing."""
        from sqlalchemy import text

        from .migrate import upgrade

        if version is not None and version not in KNOWN_VERSIONS:
            raise DatabaseError(f"the database at {self.url_shown()} has schema version {version!r}, "
                                "which this fup does not know; upgrade fup")
        from .server import ServerDb

        with self.engine().begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('fup schema'))"))
            upgrade(connection)
            if version is not None and self.replan is not None:
                # The re-plan reads the days off: through this transaction, which has the tables
                # locked (another connection's read would wait for it for ever).
                self._upgrading = ServerDb(connection)
                try:
                    self.replan(connection)
                finally:
                    self._upgrading = None

    @contextmanager
    def write(self, undo: "Undoable | None" = None) -> Iterator["Db"]:
        """One write transaction: committed on success, rolled back on any error.

        On a SQLite file it is a `storage.sqlite.SQLiteDb` (stdlib driver, `BEGIN IMMEDIATE`);
        with `undo`, the transaction is recorded in the undo history, and the command labels
        it with `journal.label(db, ...)`. A PostgreSQL database gets the command's `PostgresDb`,
        its undo history kept per person by the server (`storage.journal_server`); another
        database given by URL a `storage.server.ServerDb` (no undo history there).

        The command's reader is closed first: what it read comes before the write, and with
        no reader left the writer's close folds the -wal file back into the database."""
        self._close_readers()
        self.prepare_for_write()
        self._warn_if_exposed()
        if self.postgres:
            from . import journal_server

            db = self._pg_connection()
            db.for_writing()
            try:
                step = db.info["undo_step"] = journal_server.begin_step(db, undo, SCHEMA_VERSION) if undo else None
                yield db
                if step is not None:
                    journal_server.end_step(db, step, *db.info.get("undo_label", (None, None)))
                db.commit()
            except BaseException:
                db.rollback()
                raise
            return
        if self.url is not None:
            from .server import ServerDb

            with self.engine().begin() as connection:
                yield ServerDb(connection)
            return
        from . import journal
        from .sqlite import SQLiteDb

        assert self.path is not None
        db = SQLiteDb(self.path)
        try:
            db.begin()  # the write lock now, before any read
            try:
                step = db.info["undo_step"] = journal.begin_step(db.raw, undo, SCHEMA_VERSION) if undo else None
                yield db
                if step is not None:
                    journal.end_step(db.raw, step, *db.info.get("undo_label", (None, None)))
                db.commit()
            except BaseException:
                db.rollback()
                raise
        finally:
            db.close()

    def erase_freed_space(self) -> bool:
        """Rewrite the file without the free space deleted rows leave behind (VACUUM, temp
        data kept in memory), then empty the -wal file; False if a reader kept the WAL."""
        if self.path is None:
            return False
        return sqlite.vacuum(self.path)

    def snapshot_reader(self) -> sqlite3.Connection:
        """A read-only connection to a fup database at any known schema (for backup and doctor).

        Refuses, untouched, a file that is not ours; raises NotFound when there is no database."""
        from ..errors import NotFound

        assert self.path is not None
        if not self.exists():
            raise NotFound(f"no database at {self.path} yet")
        self._check_sqlite_file()
        self._probe_version()
        self._warn_if_exposed()
        return sqlite.connect(self._uri("mode=ro"), uri=True, foreign_keys=None)

    def close(self) -> None:
        self._close_readers()
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _is_open(conn: Any) -> bool:
    """Whether a reader handed out may still be used (a caller may have closed it)."""
    connection = getattr(conn, "connection", None)  # a ServerDb: its SQLAlchemy connection
    if connection is not None:
        return not connection.closed
    try:
        conn.total_changes  # noqa: B018 - raises once the sqlite3 connection is closed
    except sqlite3.ProgrammingError:
        return False
    return True
