"""A database given by URL, through SQLAlchemy: the same `Db` interface as SQLite's.

Used for `--db URL` (writes, and reads through `Store.reader()`) and, on
SQLite files too, for the connection an Alembic upgrade runs in (the re-plan after a migration writes through it). Imported
only there, so daily commands on a SQLite file never load SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .db import Db, insert_sql


class ServerDb(Db):
    """A `Db` over a SQLAlchemy connection whose transaction the caller began."""

    def __init__(self, connection: Any):
        super().__init__()
        self.connection = connection
        self.dialect = connection.dialect.name

    def close(self) -> None:
        """(For a reader: `Store.reader()` hands one out over a connection of its own.)"""
        self.connection.close()

    def _params(self, params: dict | None) -> dict:
        if not params or self.dialect != "sqlite":
            return params or {}
        from .sqlite import sql_value

        return {name: sql_value(value) for name, value in params.items()}

    def schema_version(self) -> str | None:
        """fup's schema version in this database, or None when it has no fup schema yet."""
        from sqlalchemy import inspect

        if not inspect(self.connection).has_table("alembic_version"):
            return None
        return self.connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def execute(self, sql: str, params: dict | None = None) -> Any:
        return self.connection.execute(text(sql), self._params(params))

    @property
    def raw(self) -> Any:
        """The driver's own connection (the undo journal's SQL is SQLite's: a `sqlite://` URL)."""
        return self.connection.connection.driver_connection

    def insert(self, table: str, row: dict) -> int:
        return self.execute(insert_sql(table, row) + " RETURNING id", row).scalar_one()

    def execute_many(self, sql: str, rows: list[tuple]) -> None:
        if rows:  # (the driver's own placeholders: `?` for sqlite3, `%s` for psycopg)
            self.connection.exec_driver_sql(sql if self.dialect == "sqlite" else sql.replace("?", "%s"), rows)

    def insert_many(self, table: str, rows: list[dict]) -> None:
        if rows:
            self.connection.execute(text(insert_sql(table, rows[0])), [self._params(row) for row in rows])
            if "id" in rows[0] and self.dialect == "postgresql":
                # Ids given (an import keeps them): move the table's sequence past them, or the
                # next insert that lets the database pick would take one of them again.
                self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT MAX(id) FROM {table}))")
