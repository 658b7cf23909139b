"""The database file: creation, permissions, schema version, refusal of files that are not ours.

Every test uses a real SQLite file under a temporary directory.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from fupcli.storage import migrate
from fupcli.context import AppContext
from fupcli.core import NewContact, add_contact
from fupcli.errors import DatabaseError
from fupcli.model import SQLModel
from fupcli.storage.store import KNOWN_VERSIONS, SCHEMA_VERSION, Store

NOW = datetime(2026, 11, 23, 9, 0)


def ctx_for(path: Path) -> AppContext:
    return AppContext(now=NOW, db_location=str(path))


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_schema_version_is_the_migrations_head() -> None:
    assert migrate.head_revision() == SCHEMA_VERSION
    assert KNOWN_VERSIONS[-1] == SCHEMA_VERSION


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """What `alembic check` does: autogenerate against a migrated database finds no difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    ctx = ctx_for(tmp_path / "fup.db")
    ctx.store.prepare_for_write()
    with ctx.store.engine().connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    ctx.close()
    assert diff == []


def test_new_database_is_private_wal_with_foreign_keys(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    ctx = ctx_for(home / "fup.db")
    old = os.umask(0o022)
    try:
        add_contact(ctx, NewContact("Ana"))
    finally:
        os.umask(old)
        ctx.close()
    assert home.stat().st_mode & 0o777 == 0o700
    for path in home.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
    conn = sqlite3.connect(home / "fup.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


RELEASED_0002 = Path(__file__).parent / "reliability" / "fixtures" / "fup-0002.db"


def test_the_replan_hook_runs_once_in_the_upgrade_of_an_existing_database_only(tmp_path: Path) -> None:
    """A new file is created at the head with nothing to re-plan; a file at the head is left alone;
    an older file is re-planned once, after its migrations, inside their transaction."""
    seen: list[tuple] = []

    def hook(connection) -> None:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(agenda_item)")}
        seen.append((version, "channel" in columns, connection.in_transaction()))

    new = tmp_path / "new" / "fup.db"
    for _ in range(2):  # created, then already at the head
        store = Store(new, NOW, replan=hook)
        store.prepare_for_write()
        store.close()
    assert seen == []

    old = tmp_path / "old" / "fup.db"
    old.parent.mkdir()
    old.write_bytes(RELEASED_0002.read_bytes())
    os.chmod(old, 0o600)
    for _ in range(2):
        store = Store(old, NOW, replan=hook)
        store.prepare_for_write()
        store.close()
    assert seen == [(SCHEMA_VERSION, True, True)]


def test_the_schema_has_the_columns_of_tiers_and_channels(tmp_path: Path) -> None:
    ctx = ctx_for(tmp_path / "fup.db")
    add_contact(ctx, NewContact("Ana"))
    ctx.close()
    conn = sqlite3.connect(tmp_path / "fup.db")
    try:
        def columns(table: str) -> dict[str, tuple]:
            return {r[1]: (r[2], r[3]) for r in conn.execute(f"PRAGMA table_info({table})")}
        assert columns("contact")["reopened_at"] == ("DATETIME", 0)
        assert columns("commitment")["channel"] == ("VARCHAR", 0)
        assert columns("agenda_item")["channel"] == ("VARCHAR", 0)
    finally:
        conn.close()


def test_write_sessions_enforce_foreign_keys_and_begin_immediate(tmp_path: Path) -> None:
    ctx = ctx_for(tmp_path / "fup.db")
    add_contact(ctx, NewContact("Ana"))
    with ctx.store.engine().connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    # While one write transaction is open, a second writer cannot start one: BEGIN IMMEDIATE
    # takes the write lock at the start, not at the first write.
    other = sqlite3.connect(tmp_path / "fup.db", timeout=0, isolation_level=None)
    with ctx.store.write():
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.close()
    ctx.close()


def test_reading_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "nothing" / "fup.db")
    assert store.reader() is None
    assert not (tmp_path / "nothing").exists()


def test_reads_do_not_change_the_file(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    ctx = ctx_for(path)
    add_contact(ctx, NewContact("Ana", email="ana@x.example"))
    ctx.close()
    before = (dump(path), path.stat().st_mtime_ns)
    store = Store(path)
    conn = store.reader()
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM contact")
    store.close()
    assert (dump(path), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize("content", [b"name,email\nAna,ana@x\n", b"\x00" * 100])
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(content)
    ctx = ctx_for(path)
    with pytest.raises(DatabaseError, match="not a fup database"):
        add_contact(ctx, NewContact("Ana"))
    with pytest.raises(DatabaseError):
        Store(path).reader()
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.csv"]


def test_another_apps_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a fup database"):
        add_contact(ctx_for(path), NewContact("Ana"))
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    ctx = ctx_for(path)
    add_contact(ctx, NewContact("Ana"))
    ctx.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="does not know"):
        Store(path).reader()


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    ctx = ctx_for(path)
    add_contact(ctx, NewContact("Ana"))
    before = dump(path)
    with pytest.raises(RuntimeError):
        with ctx.store.write() as db:
            db.insert("contact", {"name": "Half", "name_key": "half", "tags": "", "channel": "email", "cadence": "warm",
                                  "state": "active", "unanswered_streak": 0, "created_at": NOW, "updated_at": NOW})
            assert db.one("SELECT name FROM contact WHERE name_key = 'half'") == {"name": "Half"}
            raise RuntimeError("crash mid-transaction")
    ctx.close()
    assert dump(path) == before


HOT_PATH_CHECK = """
import sys, runpy
sys.argv = ["fup", *sys.argv[1:]]
try:
    from fupcli.cli.app import app
    app(prog_name="fup")
except SystemExit:
    pass
heavy = sorted({m.split('.')[0] for m in sys.modules} & {"sqlmodel", "sqlalchemy", "alembic"})
print("HEAVY=" + ",".join(heavy))
"""


@pytest.mark.parametrize("args", [["today"], ["today", "--format", "json"], ["show", "ana"], ["list"], ["--version"]])
def test_read_commands_do_not_import_the_orm(tmp_path: Path, args: list[str]) -> None:
    """The hot path reads with stdlib sqlite3: no SQLModel, SQLAlchemy or Alembic import."""
    ctx = ctx_for(tmp_path / "fup.db")
    add_contact(ctx, NewContact("Ana", email="ana@x.example"))
    ctx.close()
    env = {**os.environ, "FUP_HOME": str(tmp_path), "FUP_NOW": "2026-11-23T09:00"}
    proc = subprocess.run([sys.executable, "-c", HOT_PATH_CHECK, *args], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stdout, proc.stdout


def test_a_write_leaves_no_wal_file_behind_even_after_reads(tmp_path: Path) -> None:
    """A command that reads (the days off, a contact) and then writes closes its reader before the
    write, so the writer is the last connection and SQLite folds the -wal file into the database;
    otherwise every later command starts by reading a -wal file that only grows (an import leaves
    hundreds of MB)."""
    fup = Path(sys.executable).parent / "fup"
    env = {**os.environ, "FUP_HOME": str(tmp_path), "FUP_NOW": "2026-11-23T09:00"}
    env.pop("FUP_DB", None)

    def run(*args: str) -> None:
        subprocess.run([str(fup), *args], env=env, check=True, capture_output=True)

    run("add", "Ana Ruiz")
    run("away", "2026-12-24", "2026-12-26")  # days off stored: every later command reads them first
    run("today")  # a read-only command (it may leave an empty -wal file: a reader cannot remove it)
    for args in (["log", "ana"], ["next", "ana", "send the deck", "--due", "fri"], ["done", "ana"], ["rm", "ana", "--yes"]):
        run(*args)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("fup.db")) == ["fup.db"], args
