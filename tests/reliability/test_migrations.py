"""Upgrading a released schema-0001 database to 0002 keeps every row and never half-happens.

What it proves, starting from `fixtures/fup-0001.db` (a real file written by
the released 0001 code, see `make-fup-0001.sh`), always on a copy:

- the first command that writes upgrades it to 0002: every row of every 0001
  table is kept value for value (compared as SQLite `quote()` text, so 1 and
  1.0, text and blob differ), the file passes `integrity_check` and
  `foreign_key_check`, and an automatic backup `backups/fup-<FUP_NOW>-pre-0002.db`
  exists, mode 0600, whose SQL dump equals the fixture's;
- the upgraded schema is exactly the schema of a database created at 0002,
  and Alembic's own `check` command finds no difference between the models
  and the migrated database;
- a failure injected in the middle of migration 0002 (after its first
  table, after both, after an index) rolls everything back: schema still 0001, SQL dump identical,
  and the command fails with one line, exit 6, naming the backup;
- two processes upgrading the same file at once (started together, after
  their imports) both succeed, and every automatic backup left is a true
  pre-upgrade copy;
- only the five newest automatic backups are kept, and `fup backup` copies
  in the same folder are never pruned; automatic backups taken at the same
  moment each keep their own file; a copy that turns out to be of an already
  upgraded file (another process won the race) is not kept as "pre-0002";
- commands that only read refuse an old schema ("needs a schema upgrade"),
  through the Typer app and through the console script's fast path alike,
  and leave the file byte-identical.

How: the in-process `fup` runner for single commands;
Alembic's `Operations.create_table` and `BatchOperations.create_index`
patched for the injected failures; for the parallel upgrade, two child processes that import fup,
wait for a start file and then run the console script's entry point
(`fupcli.fastpath.main`), twice over; threads released by a barrier
for simultaneous automatic backups. Alembic's command-line tool itself cannot run these
migrations (their env.py insists on a connection handed over by
`fupcli.migrate`), so `alembic.command.check` is called in-process with that
connection.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from workers import shared_test_helpers

sqlite_dump = shared_test_helpers().sqlite_dump

FIXTURE = Path(__file__).parent / "fixtures" / "fup-0001.db"
FUP = Path(sys.executable).parent / "fup"
OLD_TABLES = ("contact", "touch", "commitment", "agenda_item")
UPGRADE_NOW = "2026-11-24T08:30"
BACKUP_NAME = "fup-20261124-083000-pre-0002.db"


def copy_fixture(to: Path) -> Path:
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURE, to)
    os.chmod(to, 0o600)
    return to


def quoted_rows(path: Path, table: str) -> dict[int, tuple]:
    """Every row of `table` by id, each value as SQLite's `quote()` gives it (type-exact)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        sql = f"SELECT id, {', '.join(f'quote({c})' for c in columns)} FROM {table}"
        return {row[0]: row[1:] for row in conn.execute(sql)}
    finally:
        conn.close()


def scalar(path: Path, sql: str):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def schema_of(path: Path) -> list[tuple]:
    return rows(path, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")


def subprocess_env(home: Path, now: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FUP_DB", "FUP_DEBUG")}
    env.update(FUP_HOME=str(home), FUP_NOW=now)
    return env


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """A pristine copy of the fixture, kept apart from FUP_HOME, to compare against."""
    return copy_fixture(tmp_path / "reference" / "fup-0001.db")


def test_the_fixture_is_a_schema_0001_database(reference: Path) -> None:
    assert scalar(reference, "SELECT version_num FROM alembic_version") == "0001"
    for table in OLD_TABLES:
        assert quoted_rows(reference, table), f"the fixture has no {table} rows to carry over"
    assert not rows(reference, "SELECT name FROM sqlite_master WHERE name LIKE 'undo%'")


def test_first_write_upgrades_keeping_every_row_and_backs_up(fup, reference: Path, umask_022) -> None:
    db = copy_fixture(fup.db_path)
    before = {table: quoted_rows(reference, table) for table in OLD_TABLES}

    result = fup.ok("add", "New Person", now=UPGRADE_NOW)
    assert result.stderr == ""

    assert scalar(db, "SELECT version_num FROM alembic_version") == "0002"
    assert rows(db, "SELECT count(*) FROM alembic_version") == [(1,)]
    assert {"undo_step", "undo_change"} <= {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    new_id = scalar(db, "SELECT id FROM contact WHERE name = 'New Person'")
    for table, old_rows in before.items():
        after = quoted_rows(db, table)
        for row_id, values in old_rows.items():
            assert after.get(row_id) == values, f"{table} #{row_id} changed in the upgrade"
        added = set(after) - set(old_rows)
        owner = "id" if table == "contact" else "contact_id"
        owners = {r[0] for r in rows(db, f"SELECT {owner} FROM {table} WHERE id IN ({','.join(map(str, added)) or 'NULL'})")}
        assert owners <= {new_id}, f"{table} got rows for contacts other than the new one"
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []

    backup = fup.home / "backups" / BACKUP_NAME
    assert sorted(p.name for p in backup.parent.iterdir()) == [BACKUP_NAME]
    assert backup.stat().st_mode & 0o777 == 0o600
    assert backup.parent.stat().st_mode & 0o777 == 0o700
    assert sqlite_dump(backup) == sqlite_dump(reference)


def test_upgrade_through_the_store_changes_no_row(fup_home: Path, reference: Path) -> None:
    from fupcli.store import Store

    db = copy_fixture(fup_home / "fup.db")
    store = Store(db, datetime(2026, 11, 24, 8, 30))
    store.prepare_for_write()
    store.close()
    for table in OLD_TABLES:
        assert quoted_rows(db, table) == quoted_rows(reference, table), table
    assert scalar(db, "SELECT version_num FROM alembic_version") == "0002"
    assert rows(db, "SELECT count(*) FROM undo_step UNION ALL SELECT count(*) FROM undo_change") == [(0,), (0,)]


def test_upgraded_schema_equals_a_new_databases_and_alembic_check_passes(tmp_path: Path) -> None:
    import io

    from alembic import command

    from fupcli.migrate import alembic_config
    from fupcli.store import Store

    upgraded = copy_fixture(tmp_path / "old" / "fup.db")
    fresh = tmp_path / "new" / "fup.db"
    for path in (upgraded, fresh):
        store = Store(path, datetime(2026, 11, 24, 8, 30))
        store.prepare_for_write()
        store.close()
    assert schema_of(upgraded) == schema_of(fresh)

    store = Store(upgraded)
    try:
        with store.engine().connect() as connection:
            config = alembic_config(connection)
            config.stdout = io.StringIO()
            command.check(config)  # raises AutoGenerateDiffsDetected on any difference
    finally:
        store.close()
    assert "No new upgrade operations detected" in config.stdout.getvalue()


@pytest.mark.parametrize("operation, fail_after", [
    ("Operations.create_table", "undo_step"),  # one of the two new tables made
    ("Operations.create_table", "undo_change"),  # both made
    ("BatchOperations.create_index", "ix_undo_change_step"),  # both made, and an index
])
def test_a_failure_inside_migration_0002_leaves_schema_0001_untouched(
    fup, reference: Path, monkeypatch, operation: str, fail_after: str
) -> None:
    import alembic.operations

    owner, method = operation.split(".")
    cls = getattr(alembic.operations, owner)
    real = getattr(cls, method)
    db = copy_fixture(fup.db_path)
    before = sqlite_dump(db)
    done = []

    def then_fail(self, name, *args, **kw):
        made = real(self, name, *args, **kw)
        done.append(name)
        if name == fail_after:
            raise RuntimeError(f"injected failure after {name}")
        return made

    monkeypatch.setattr(cls, method, then_fail)
    result = fup("add", "New Person", now=UPGRADE_NOW)

    assert done and done[-1] == fail_after, "the failure was not injected inside migration 0002"
    assert result.exit_code == 6
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("fup: error: ")
    assert "left as it was" in lines[0] and f"injected failure after {fail_after}" in lines[0]
    backup = fup.home / "backups" / BACKUP_NAME
    assert str(backup) in lines[0]

    assert scalar(db, "SELECT version_num FROM alembic_version") == "0001"
    assert sqlite_dump(db) == before == sqlite_dump(reference)
    assert sqlite_dump(backup) == before

    monkeypatch.setattr(cls, method, real)
    fup.ok("add", "New Person", now=UPGRADE_NOW)  # the next attempt upgrades
    assert scalar(db, "SELECT version_num FROM alembic_version") == "0002"


# A `fup` process that has done its imports, says so, and runs the console script's entry
# point once a start file appears: both processes then reach the upgrade within a millisecond.
STARTING_LINE = """
import sys, time
from pathlib import Path
import fupcli.backup, fupcli.cli, fupcli.fastpath, fupcli.migrate, alembic.command, sqlmodel
ready, start = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
deadline = time.monotonic() + 60
while not start.exists() and time.monotonic() < deadline:
    time.sleep(0.0005)
sys.argv = ["fup", *sys.argv[3:]]
fupcli.fastpath.main()
"""


@pytest.mark.parametrize("round_", range(2))
def test_two_processes_upgrading_at_once_both_succeed(tmp_path: Path, reference: Path, round_: int) -> None:
    home = tmp_path / "home"
    db = copy_fixture(home / "fup.db")
    env = subprocess_env(home, UPGRADE_NOW)
    start = tmp_path / "start"
    names = ("Parallel Alpha", "Parallel Beta")
    procs = [
        subprocess.Popen([sys.executable, "-c", STARTING_LINE, str(tmp_path / f"ready-{i}"), str(start), "add", name],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i, name in enumerate(names)
    ]
    try:
        for i in range(len(procs)):
            while not (tmp_path / f"ready-{i}").exists():
                assert procs[i].poll() is None, procs[i].communicate()
                time.sleep(0.01)
        start.touch()
        outcomes = [proc.communicate(timeout=60) for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    for proc, (_out, err) in zip(procs, outcomes):
        assert (proc.returncode, err) == (0, "")
    assert scalar(db, "SELECT version_num FROM alembic_version") == "0002"
    assert set(names) <= {r[0] for r in rows(db, "SELECT name FROM contact")}
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []
    for table in OLD_TABLES:
        after = quoted_rows(db, table)
        assert all(after.get(k) == v for k, v in quoted_rows(reference, table).items()), table
    # Every automatic backup is a copy from before the upgrade, none half-made or overwritten.
    backups = sorted((home / "backups").iterdir())
    assert 1 <= len(backups) <= 2, backups
    for backup in backups:
        assert backup.name.startswith("fup-20261124-083000-pre-0002"), backup
        assert sqlite_dump(backup) == sqlite_dump(reference)


def test_only_the_five_newest_automatic_backups_are_kept(fup) -> None:
    copy_fixture(fup.db_path)
    fup.ok("backup", now="2026-11-01T07:00")  # a copy made by hand: never pruned
    for day in range(10, 17):
        for leftover in fup.home.glob("fup.db*"):
            leftover.unlink()
        copy_fixture(fup.db_path)
        fup.ok("add", f"Person {day}", now=f"2026-11-{day}T08:00")
    names = sorted(p.name for p in (fup.home / "backups").iterdir())
    assert names == ["fup-20261101-070000.db"] + [f"fup-202611{day}-080000-pre-0002.db" for day in range(12, 17)]


def test_automatic_backups_taken_at_once_each_keep_their_own_file(fup_home: Path, reference: Path) -> None:
    """Four upgrades starting together (threads, released by a barrier) under the same stamp:
    each gets a distinct, complete pre-upgrade copy; none fails and none overwrites another."""
    from fupcli.backup import backup_before_upgrade
    from fupcli.store import Store

    db = copy_fixture(fup_home / "fup.db")
    count = 4
    barrier = threading.Barrier(count)
    made: list[Path] = []
    failures: list[BaseException] = []

    def upgrade_backup() -> None:
        store = Store(db, datetime(2026, 11, 24, 8, 30))
        barrier.wait(timeout=30)
        try:
            made.append(backup_before_upgrade(store, "0002"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    for _ in range(5):
        shutil.rmtree(fup_home / "backups", ignore_errors=True)
        made.clear()
        threads = [threading.Thread(target=upgrade_backup) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert len(set(made)) == count, made
        assert sorted(made) == sorted((fup_home / "backups").iterdir())
        for backup in made:
            assert sqlite_dump(backup) == sqlite_dump(reference)


def test_a_backup_of_an_already_upgraded_file_is_not_kept_as_pre_upgrade(fup_home: Path) -> None:
    """Another process may finish the upgrade between this one's look at the version and its
    copy; that copy is of schema 0002 and must not pose as the pre-0002 backup."""
    from fupcli.backup import backup_before_upgrade
    from fupcli.store import Store

    db = copy_fixture(fup_home / "fup.db")
    first = Store(db, datetime(2026, 11, 24, 8, 30))
    first.prepare_for_write()  # the other process: backup, then upgrade
    first.close()
    kept = sorted((fup_home / "backups").iterdir())
    late = Store(db, datetime(2026, 11, 24, 8, 30))
    assert backup_before_upgrade(late, "0002") is None
    assert sorted((fup_home / "backups").iterdir()) == kept
    assert [scalar(p, "SELECT version_num FROM alembic_version") for p in kept] == ["0001"]


@pytest.mark.parametrize("args", [["today"], ["show", "gus"], ["list"], ["export", "contacts"], ["today", "-f", "json"]])
def test_reading_an_old_schema_refuses_and_changes_nothing(fup, args: list[str]) -> None:
    db = copy_fixture(fup.db_path)
    before = db.read_bytes()
    result = fup(*args)
    assert result.exit_code == 6
    assert result.stderr.splitlines() == [f"fup: error: {db} needs a schema upgrade; run any command that writes (e.g. `fup reschedule`)"]
    assert db.read_bytes() == before
    assert not (fup.home / "backups").exists()
    assert scalar(db, "SELECT version_num FROM alembic_version") == "0001"


def test_the_console_scripts_fast_readers_refuse_an_old_schema_too(tmp_path: Path) -> None:
    """`fup today` and `fup export` answer from `fupcli.fastpath` without the Typer app: same refusal."""
    home = tmp_path / "home"
    db = copy_fixture(home / "fup.db")
    before = db.read_bytes()
    for args in (["today"], ["export", "contacts", "-f", "json"]):
        proc = subprocess.run([str(FUP), *args], env=subprocess_env(home, UPGRADE_NOW), capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 6, proc.stderr
        assert proc.stdout == ""
        assert proc.stderr.splitlines() == [f"fup: error: {db} needs a schema upgrade; run any command that writes (e.g. `fup reschedule`)"]
    assert db.read_bytes() == before
    assert sorted(p.name for p in home.iterdir() if not p.name.endswith(("-wal", "-shm"))) == ["fup.db"]


def test_rows_orphaned_before_the_upgrade_do_not_block_it(fup) -> None:
    """The foreign-key check before commit guards against what the migration breaks; rows that
    were orphans already (a hand edit with foreign keys off) are `fup doctor`'s to report."""
    db = copy_fixture(fup.db_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM contact WHERE id = (SELECT min(id) FROM contact)")
    conn.commit()
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    conn.close()
    assert orphans

    fup.ok("reschedule")

    assert scalar(db, "SELECT version_num FROM alembic_version") == "0002"
    assert sorted(rows(db, "PRAGMA foreign_key_check")) == sorted(orphans)
    doctor = fup("doctor")
    assert doctor.exit_code == 6 and "foreign keys: " in doctor.stdout
