"""A PostgreSQL database (`--db postgresql://...`) over psycopg 3 directly: the `Db` interface.

`Store` opens one `PostgresDb` per command: read-only while the command reads, turned
into the write transaction when it writes (one connection, one login). fup's SQL says
`:name`; `pyformat` turns it into psycopg's `%(name)s` once per statement text. Rows
come back as tuples; dates, timestamps and numbers as Python values, as psycopg reads
them. The schema version is one query (`schema_version`); only a database without
fup's schema, or with an older one, loads SQLAlchemy and Alembic (`Store.prepare_for_write`).

Imported only for a PostgreSQL URL, so a SQLite user never loads psycopg.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .db import Db, insert_sql

CONNECT_TIMEOUT = 10  # seconds: an unreachable host fails in one line instead of hanging
LOCK_TIMEOUT_MS = 60_000  # a row a colleague's command holds this long: give up in one line, never hang
SCHEMAS = ("postgresql", "postgres")

# A quoted literal (kept, its % doubled), a cast (kept), a :name parameter, a lone %.
_TOKEN = re.compile(r"('(?:[^']|'')*')|(::)|(?<![:\w]):([A-Za-z_]\w*)|(%)")
_converted: dict[str, str] = {}


def is_postgres(url: str) -> bool:
    """Whether a URL names a PostgreSQL database (`postgresql://`, `postgres://`, `postgresql+DRIVER://`)."""
    scheme = url.split("://", 1)[0].lower()
    return scheme.split("+", 1)[0] in SCHEMAS


def conninfo(url: str) -> str:
    """The URL as libpq takes it: a SQLAlchemy-style `postgresql+psycopg://` loses its driver."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def shown(url: str) -> str:
    """The URL for messages, its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def pyformat(sql: str) -> str:
    """`:name` parameters as `%(name)s`, every other % doubled (psycopg's placeholder syntax)."""
    converted = _converted.get(sql)
    if converted is None:
        def token(match: re.Match) -> str:
            literal, cast, name, _percent = match.groups()
            if literal is not None:
                return literal.replace("%", "%%")
            if cast is not None:
                return cast
            return f"%({name})s" if name is not None else "%%"

        converted = _converted[sql] = _TOKEN.sub(token, sql)
    return converted


class PostgresDb(Db):
    """One connection to a PostgreSQL database: read-only at first, a write transaction on demand."""

    dialect = "postgresql"

    def __init__(self, connection: Any):
        super().__init__()
        self.raw = connection
        self._user: str | None = None

    @classmethod
    def open(cls, url: str, read_only: bool) -> "PostgresDb":
        import logging

        import psycopg

        # psycopg logs what it ignores while closing a broken connection; fup says it in one line
        logging.getLogger("psycopg").addHandler(logging.NullHandler())
        connection = psycopg.connect(conninfo(url), connect_timeout=CONNECT_TIMEOUT, application_name="fup",
                                     options=f"-c lock_timeout={LOCK_TIMEOUT_MS}")
        connection.read_only = read_only
        return cls(connection)

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def for_writing(self) -> None:
        """End the read-only transaction; what follows is one read-write transaction."""
        self.raw.rollback()
        self.raw.read_only = False

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        """Roll back if the connection still stands (a server gone away has rolled back already)."""
        if not self.raw.closed:
            try:
                self.raw.rollback()
            except Exception:  # noqa: BLE001 - the error that brought us here is the one to tell
                pass

    def close(self) -> None:
        self.raw.close()

    def schema_version(self) -> str | None:
        """fup's schema version in this database, or None when it has no fup schema yet."""
        if not self.has_table("alembic_version"):
            return None
        row = self.raw.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None

    def user(self) -> str:
        """The role this connection logs in as: who "I" am in team mode."""
        if self._user is None:
            self._user = self.raw.execute("SELECT current_user").fetchone()[0]
        return self._user

    def tables_owner(self) -> str | None:
        """The role that owns fup's tables, when this role cannot act as it (None: it can, being
        it, a member of it, or a superuser): only that owner may upgrade the schema."""
        row = self.raw.execute(
            "SELECT t.tableowner, pg_has_role(t.tableowner, 'MEMBER') OR r.rolsuper FROM pg_tables t, pg_roles r "
            "WHERE t.schemaname = current_schema() AND t.tablename = 'contact' AND r.rolname = current_user").fetchone()
        return row[0] if row is not None and not row[1] else None

    def is_role(self, name: str) -> bool:
        return self.raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None

    def has_table(self, table: str) -> bool:
        return self.raw.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()[0]

    def execute(self, sql: str, params: dict | None = None) -> Any:
        return self.raw.execute(pyformat(sql), params or {})

    def insert(self, table: str, row: dict) -> int:
        return self.execute(insert_sql(table, row) + " RETURNING id", row).fetchone()[0]

    def execute_many(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(sql.replace("?", "%s"), rows)

    def insert_many(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        with self.raw.cursor() as cursor:
            cursor.executemany(pyformat(insert_sql(table, rows[0])), rows)
        if "id" in rows[0]:
            # Ids given (an import keeps them): move the table's sequence past them, or the
            # next insert that lets the database pick would take one of them again.
            self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
