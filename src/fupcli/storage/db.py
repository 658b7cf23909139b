"""The interface `core` writes through: one transaction on a DB-API connection.

`Store.write()` yields a `Db`. Statements are plain SQL with named parameters
(`:name`), which sqlite3 and SQLAlchemy's `text()` both take; rows come back
as tuples, or dicts through `one`/`all`. The adapters beside it fill in how a
transaction begins and ends and how a row is inserted: `storage.sqlite` for a
SQLite file (stdlib driver, the default), `storage.server` for a database
given by URL. Nothing here imports a driver.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any


def insert_sql(table: str, row: dict) -> str:
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + name for name in row)})"


class Db:
    """A write transaction: `execute`, `insert`, `insert_many`, and `info` for the undo journal."""

    dialect = ""

    def __init__(self) -> None:
        self.info: dict[str, Any] = {}  # the undo step and its label (`journal.label`)

    def execute(self, sql: str, params: dict | None = None) -> Any:  # pragma: no cover - adapters
        raise NotImplementedError

    def insert(self, table: str, row: dict) -> int:  # pragma: no cover - adapters
        """Insert one row; returns its id."""
        raise NotImplementedError

    def insert_many(self, table: str, rows: list[dict]) -> None:  # pragma: no cover - adapters
        """Insert rows that all have the same keys."""
        raise NotImplementedError

    def execute_many(self, sql: str, rows: list[tuple]) -> None:  # pragma: no cover - adapters
        """Run `sql`, whose values are `?` placeholders, once for each row (a tuple of values)."""
        raise NotImplementedError

    def secure_delete(self) -> None:
        """Overwrite deleted content (where the database can; `fup forget`)."""

    def one(self, sql: str, params: dict | None = None) -> dict | None:
        cursor = self.execute(sql, params)
        row = cursor.fetchone()
        return None if row is None else dict(zip(_names(cursor), row))

    def all(self, sql: str, params: dict | None = None) -> list[dict]:
        cursor = self.execute(sql, params)
        names = _names(cursor)
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def update(self, table: str, row_id: int, values: dict) -> None:
        if values:
            sets = ", ".join(f"{name} = :{name}" for name in values)
            self.execute(f"UPDATE {table} SET {sets} WHERE id = :id_", {**values, "id_": row_id})


def _names(cursor: Any) -> list[str]:
    keys = getattr(cursor, "keys", None)  # a SQLAlchemy result
    return list(keys()) if keys is not None else [d[0] for d in cursor.description]
