"""The SQLite seam: every statement only SQLite understands is here or in `journal`.

`connect()` opens the stdlib sqlite3 connection every fup command uses on a
SQLite file (busy timeout, foreign keys on, transactions begun by hand), and
`SQLiteDb` is the write transaction `Store.write()` hands to `core`: it begins
with `BEGIN IMMEDIATE` (the write lock at once, so two fups never deadlock),
turns dates into the text SQLAlchemy's SQLite dialect stores (so rows written
here and by the migrations look alike), and runs the undo journal's TEMP
triggers (`journal`) on its own connection. A server database gets the same
interface from `storage.server`.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime

from .db import Db, insert_sql

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path
    from typing import Any, Iterable

BUSY_TIMEOUT_MS = 10_000


def sql_value(value: Any) -> Any:
    """A Python value as SQLAlchemy stores it in SQLite: datetimes with microseconds, dates as ISO."""
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def connect(target: str | Path, uri: bool = False, foreign_keys: bool | None = True,
            read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), waiting for locks;
    `read_only` also refuses every write (`query_only`); `foreign_keys` None leaves SQLite's default."""
    conn = sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if read_only:
        conn.execute("PRAGMA query_only=1")
        conn.execute("PRAGMA threads=2")  # (a large sort, e.g. `fup list -f json` by name, on two threads)
    if foreign_keys is not None:
        conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    return conn


def engine(path: Path, foreign_keys: bool) -> Any:
    """A SQLAlchemy engine on the file whose transactions begin with BEGIN IMMEDIATE, for
    Alembic's migrations (the only writer that needs SQLAlchemy on a SQLite file)."""
    from sqlalchemy import create_engine, event

    made = create_engine(f"sqlite:///{path}", hide_parameters=True)

    @event.listens_for(made, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun explicitly below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(made, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return made


def vacuum(path: Path) -> bool:
    """Rewrite the file without its free space (temp data kept in memory), then empty the -wal
    file; False if a reader kept the WAL."""
    conn = connect(path, foreign_keys=None)
    try:
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("VACUUM")
        return conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        conn.close()


def file_uri(path: str, flags: str) -> str:
    """A `file:` URI for sqlite3 (only %, ? and # need escaping in its path)."""
    return "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?" + flags


def names_from(path: str, key: str, limit: int) -> list[str]:
    """Contact names whose `name_key` starts with `key`, read without creating anything beside
    the file (immutable when there is no -wal file); [] on any problem (for shell completion)."""
    flags = "mode=ro" if os.path.exists(path + "-wal") else "mode=ro&immutable=1"
    uri = file_uri(path, flags)
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=1)
        try:
            rows = conn.execute(
                "SELECT name FROM contact WHERE name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?",
                (key, key + "\U0010ffff", limit),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [row[0] for row in rows]


def set_wal(path: Path) -> None:
    """WAL is a property of the file, set once when it is created."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


class SQLiteDb(Db):
    """One write transaction on a SQLite file, over the stdlib driver."""

    dialect = "sqlite"

    def __init__(self, path: Path):
        super().__init__()
        self.raw = connect(path)

    def begin(self) -> None:
        self.raw.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if self.raw.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def execute(self, sql: str, params: dict | None = None) -> Any:
        if params:
            params = {name: sql_value(value) for name, value in params.items()}
        return self.raw.execute(sql, params or {})

    def insert(self, table: str, row: dict) -> int:
        return self.execute(insert_sql(table, row), row).lastrowid

    def execute_many(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            self.raw.executemany(sql, rows)

    def insert_many(self, table: str, rows: list[dict]) -> None:
        """One `executemany` with positional rows (an import writes 100k at a time), without the
        undo journal's insert trigger when every row lands above the step's high water."""
        if not rows:
            return
        from operator import itemgetter

        from .journal import unrecorded_inserts

        columns = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        dated = _dated(columns, rows)
        pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))

        def values(row: dict) -> Iterable:
            if not dated:
                return pick(row)
            cells = list(pick(row))
            for i in dated:
                cells[i] = sql_value(cells[i])
            return cells

        with unrecorded_inserts(self.raw, self.info.get("undo_step"), table, [row.get("id") for row in rows]):
            self.raw.executemany(sql, map(values, rows))

    def secure_delete(self) -> None:
        self.raw.execute("PRAGMA secure_delete = ON")


def _dated(columns: list[str], rows: list[dict]) -> list[int]:
    """The positions of the columns whose values are dates (by their first value that is not None)."""
    dated = []
    for i, column in enumerate(columns):
        for row in rows:
            value = row[column]
            if value is not None:
                if isinstance(value, date):
                    dated.append(i)
                break
    return dated
