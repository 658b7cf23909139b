"""Upgrading a released database to the current schema keeps every row, re-plans, and never half-happens.

The current schema is `store.SCHEMA_VERSION` (the head of the migrations). Every
released schema has a fixture, a real file written by the code of that release
(`fixtures/fup-0001.db`, see `make-fup-0001.sh`; `fixtures/fup-0002.db`, see
`make-fup-0002.sh`; `fixtures/fup-0003.db`, see `make-fup-0003.sh`;
`fixtures/fup-0004.db`, see `make-fup-0004.sh`), and what follows holds for
each, always on a copy:

- the first command that writes upgrades it to the head: every row of every
  table the release had is kept value for value (compared as SQLite `quote()`
  text, so 1 and 1.0, text and blob differ), the undo history included, except
  the scheduler's cache: the `agenda_item` rows and the computed columns of
  `contact` (`CACHE_COLUMNS`) are planned anew in the upgrade's transaction, and
  equal what a full `fup reschedule` plans (0004 plans as the head does, so its
  cache is blanked on the copy first, and the re-plan must give back the cache
  0004 stored, the days of cold rows apart); and except `contact.name_key`
  (`REKEYED_COLUMNS`), which 0005 writes anew on purpose: it was
  `name.casefold()` and is now `fupcli.lookup.fold(name)` (accents off, words
  split at hyphens, apostrophes, periods and commas), so after the upgrade every
  contact's key equals `fold(name)`. Columns added since are empty on the old
  rows, tables added since are empty (0005's `away`, the user's days off) or
  filled from the rows (0005's `contact_word`: each word of every key, once).
  The file passes `integrity_check` and `foreign_key_check`, and an automatic
  backup `backups/fup-<FUP_NOW>-pre-<head>.db` exists, mode 0600, whose SQL dump
  equals the file's before the upgrade (the fixture's, or 0004's blanked copy);
- the migrations alone (a bare `Store`, no re-plan) change no row but the name
  keys 0005 rewrites: exactly the contacts whose old key is not `fold(name)`
  get that key, and nothing else of any row changes (every fixture holds names
  whose key changes: accents, hyphens; the 0004 fixture also apostrophes, a
  period and a comma, a dotted capital I);
- the upgraded schema is exactly the schema of a database created at the head,
  and Alembic's own `check` command finds no difference between the models and
  the migrated database;
- a failure injected in the middle of a migration (0002: after its first table,
  after both, after an index; 0003: after its first column, after all three;
  0004: after its index; 0005: after its `contact_word` table, after its `away`
  table, after that table's index) or in the re-plan after them (the name keys already rewritten) rolls
  everything back, from the 0004 fixture and from older ones: schema still the
  release's, SQL dump identical (the old keys included), and the command fails
  with one line, exit 6, naming the backup; the next attempt upgrades;
- two processes upgrading the same file at once (started together, after their
  imports) both succeed, and every automatic backup left is a true pre-upgrade
  copy;
- only the five newest automatic backups are kept, and `fup backup` copies in
  the same folder are never pruned; automatic backups taken at the same moment
  each keep their own file; a copy that turns out to be of an already upgraded
  file (another process won the race) is not kept as "pre-<head>";
- commands that only read refuse an old schema ("needs a schema upgrade"),
  through the Typer app and through the console script's fast path alike, and
  leave the file byte-identical;
- the re-plan is real: after the upgrade, `fup today` (on several days), `fup
  list` and `fup show` of the 0002 fixture give exactly what a database built
  afresh by today's code from the same commands (`make-fup-0002.sh`) gives, and
  its rows, the cache included, are the same; for every fixture, `fup today`
  after the upgrade equals `fup today` after a `fup reschedule`; the upgraded
  0004 fixture finds José Álvarez by `jose`, Mary-Jane O'Neil by `jane`, and
  takes days off in its new `away` table;
- `fup undo` on the old file says there is nothing to undo and upgrades
  nothing; undo steps recorded under the release's schema are refused after
  the upgrade (their inverse SQL would put back rows of the old schema, old
  name keys included): the step of the command that upgraded is undone, the
  one before it is refused and nothing changes.

How: the in-process `fup` runner for single commands; Alembic's
`Operations.create_table`, `BatchOperations.create_index` and
`BatchOperations.add_column`, and `fupcli.core.replan_all`, patched for the
injected failures; for the parallel upgrade, two child processes that import
fup, wait for a start file and then run the console script's entry point
(`fupcli.cli.fast.main`), twice over; threads released by a barrier for
simultaneous automatic backups. Alembic's command-line tool itself cannot run
these migrations (their env.py insists on a connection handed over by
`fupcli.storage.migrate`), so `alembic.command.check` is called in-process with that
connection. A database in WAL mode is copied with SQLite's backup API.
"""

from __future__ import annotations

import json
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

from fupcli.lookup import fold
from fupcli.storage.store import SCHEMA_VERSION
from fupcli.vocabulary import KINDS
from workers import shared_test_helpers

sqlite_dump = shared_test_helpers().sqlite_dump

FIXTURES = Path(__file__).parent / "fixtures"
RELEASES = ("0001", "0002", "0003", "0004")  # every released schema before the head, each with a fixture
HEAD = SCHEMA_VERSION
FUP = Path(sys.executable).parent / "fup"
DATA_TABLES = ("contact", "touch", "commitment")  # kept value for value, but for the cache columns
CACHE_TABLE = "agenda_item"  # planned anew by the upgrade
CACHE_COLUMNS = {"contact": ("next_due", "birthday_md", "last_touch_at", "next_step_due", "unanswered_streak")}
# Written anew by 0005, on purpose: the lookup key was name.casefold(), it is lookup.fold(name).
REKEYED_COLUMNS = {"contact": ("name_key",)}
NEW_TABLES = ("away",)  # since 0005: the user's days off; empty after an upgrade
# The releases whose scheduler plans as the head's does (0005 changed no rule): the cache they
# stored is already the head's plan, so tests blank it on the copy to see the upgrade re-plan.
PLANNED_AS_THE_HEAD = ("0004",)
HISTORY_TABLES = ("undo_step", "undo_change")  # since 0002: kept value for value
UPGRADE_NOW = "2026-11-24T08:30"
BACKUP_NAME = f"fup-20261124-083000-pre-{HEAD}.db"


def fixture_of(release: str) -> Path:
    return FIXTURES / f"fup-{release}.db"


def copy_fixture(release: str, to: Path) -> Path:
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fixture_of(release), to)
    os.chmod(to, 0o600)
    return to


def clone(source: Path, to: Path) -> Path:
    """A consistent copy of a live database (its -wal included), by SQLite's backup API."""
    to.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(to, 0o600)
    return to


def columns_of(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def tables_of(path: Path) -> set[str]:
    return {r[0] for r in rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}


def quoted_rows(path: Path, table: str, columns: list[str] | None = None) -> dict[int, tuple]:
    """Every row of `table` by id, each value (of `columns`, default all) as SQLite's `quote()`
    gives it (type-exact)."""
    columns = columns if columns is not None else columns_of(path, table)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = f"SELECT id, {', '.join(f'quote({c})' for c in columns)} FROM {table}"
        return {row[0]: row[1:] for row in conn.execute(sql)}
    finally:
        conn.close()


def kept_columns(reference: Path, table: str) -> list[str]:
    """The columns of `table` in the release that an upgrade must keep value for value (all but the
    cache and the rewritten name key)."""
    return [c for c in columns_of(reference, table)
            if c not in CACHE_COLUMNS.get(table, ()) and c not in REKEYED_COLUMNS.get(table, ())]


def name_keys(path: Path) -> dict[int, tuple[str, str]]:
    """Every contact's (name, name_key), by id."""
    return {r[0]: (r[1], r[2]) for r in rows(path, "SELECT id, name, name_key FROM contact")}


def rekeyed_contacts(reference: Path) -> set[int]:
    """The contacts of the release whose stored key is not `fold(name)`: those 0005 rewrites."""
    return {cid for cid, (name, key) in name_keys(reference).items() if key != fold(name)}


def assert_name_keys_folded(db: Path, reference: Path) -> None:
    """Every contact's key is `fold(name)` (names kept as they were); the release's keys that were
    already folded are untouched, and only the others changed."""
    keys, old = name_keys(db), name_keys(reference)
    assert {cid: key for cid, (_name, key) in keys.items()} == {cid: fold(name) for cid, (name, _key) in keys.items()}
    assert {cid: keys[cid][0] for cid in old} == {cid: name for cid, (name, _key) in old.items()}
    changed = {cid for cid in old if keys[cid][1] != old[cid][1]}
    assert changed == rekeyed_contacts(reference)
    # ... and `contact_word` (since 0005) holds each word of every key once, for the lookup by any word
    assert sorted(rows(db, "SELECT contact_id, word FROM contact_word")) == sorted(
        {(cid, word) for cid, (_name, key) in keys.items() for word in key.split()})


def history_tables(reference: Path) -> tuple[str, ...]:
    return tuple(t for t in HISTORY_TABLES if t in tables_of(reference))


def plan_cache(path: Path, without: set[int] = frozenset()) -> tuple[dict[int, tuple], list[tuple]]:
    """The scheduler's cache: each contact's computed columns, and the agenda rows without their
    ids (a re-plan gives them new ones), sorted; the contacts `without` left out."""
    contacts = {cid: v for cid, v in quoted_rows(path, "contact", list(CACHE_COLUMNS["contact"])).items()
                if cid not in without}
    columns = [c for c in columns_of(path, CACHE_TABLE) if c != "id"]
    agenda = sorted(rows(path, f"SELECT {', '.join(f'quote({c})' for c in columns)} FROM {CACHE_TABLE} "
                               f"WHERE contact_id NOT IN ({','.join(map(str, without))})"))
    return contacts, agenda


def blank_cache(db: Path) -> None:
    """Blank the scheduler's cache of a copy (the computed columns, every agenda row): only a
    re-plan can fill it again."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE contact SET next_due = NULL, birthday_md = NULL, last_touch_at = NULL, "
                     "next_step_due = NULL, unanswered_streak = 0")
        conn.execute(f"DELETE FROM {CACHE_TABLE}")
    conn.close()


def with_cache_to_replan(db: Path, release: str) -> tuple[dict[int, tuple], list[tuple]]:
    """The cache of the copy `db` before its upgrade, such that the upgrade's re-plan must change
    it: the release's own where its rules were not the head's, else (`PLANNED_AS_THE_HEAD`, whose
    cache already is the head's plan) a blanked one."""
    if release in PLANNED_AS_THE_HEAD:
        blank_cache(db)
    return plan_cache(db)


def assert_planned_anew(db: Path, reference: Path, before: tuple, new_contacts: set[int] = frozenset()) -> None:
    """The upgrade planned the cache anew: it is not the cache the copy had (`before`); and where the
    release planned as the head does, it is the very cache the release stored, but for the days of
    the cold rows (a blanked cache keeps no day for them: they are balanced again from the upgrade's
    day) and the contacts added since."""
    assert plan_cache(db) != before
    if scalar(reference, "SELECT version_num FROM alembic_version") in PLANNED_AS_THE_HEAD:
        cold = cold_contacts(reference)
        assert cold and cold_contacts(db) - set(new_contacts) == cold
        assert without_cold_days(db, cold, new_contacts)[1:] == without_cold_days(reference, cold)[1:]


def quoted(text: str) -> str:
    """`text` as SQLite's `quote()` writes a TEXT value."""
    return "'" + text.replace("'", "''") + "'"


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


def assert_rows_kept(db: Path, reference: Path, new_contacts: set[int] = frozenset()) -> None:
    """Every row of the release kept value for value (cache columns apart, and the name key, which
    equals `fold(name)` on every contact), columns added since empty on the old rows, tables added
    since empty, and new rows only for `new_contacts`; the undo history kept as it was, with new
    steps only after the old ones."""
    assert_name_keys_folded(db, reference)
    for table in NEW_TABLES:
        if table not in tables_of(reference):
            assert rows(db, f"SELECT count(*) FROM {table}") == [(0,)], table
    for table in DATA_TABLES:
        old = quoted_rows(reference, table, kept_columns(reference, table))
        after = quoted_rows(db, table, kept_columns(reference, table))
        for row_id, values in old.items():
            assert after.get(row_id) == values, f"{table} #{row_id} changed in the upgrade"
        added_columns = [c for c in columns_of(db, table) if c not in columns_of(reference, table)]
        if added_columns and old:
            filled = quoted_rows(db, table, added_columns)
            assert {filled[i] for i in old} == {("NULL",) * len(added_columns)}, (table, added_columns)
        added = set(after) - set(old)
        owner = "id" if table == "contact" else "contact_id"
        owners = {r[0] for r in rows(db, f"SELECT {owner} FROM {table} WHERE id IN ({','.join(map(str, added)) or 'NULL'})")}
        assert owners <= set(new_contacts), f"{table} got rows for contacts other than the new ones"
    for table in history_tables(reference):
        old = quoted_rows(reference, table)
        after = quoted_rows(db, table, columns_of(reference, table))
        assert {k: after.get(k) for k in old} == old, f"{table} changed in the upgrade"
        assert all(k > max(old, default=0) for k in set(after) - set(old))


def rescheduled(db: Path, tmp: Path) -> Path:
    """A copy of `db` after `fup reschedule` (today's code)."""
    home = tmp / "replanned"
    copy = clone(db, home / "fup.db")
    proc = subprocess.run([str(FUP), "reschedule"], env=subprocess_env(home, UPGRADE_NOW), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return copy


def assert_cache_is_a_full_replan(db: Path, tmp: Path) -> None:
    """The cache of `db` equals what `fup reschedule` (today's code) plans on a copy of it, but for
    the days the cold rows were balanced to (`test_a_full_reschedule_moves_no_cold_row` checks those)."""
    copy = rescheduled(db, tmp)
    cold = cold_contacts(db)
    assert cold_contacts(copy) == cold
    assert without_cold_days(db, cold)[1:] == without_cold_days(copy, cold)[1:]


@pytest.fixture(params=RELEASES, ids=[f"from-{r}" for r in RELEASES])
def release(request) -> str:
    return request.param



@pytest.fixture
def reference(tmp_path: Path, release: str) -> Path:
    """A pristine copy of the release's fixture, kept apart from FUP_HOME, to compare against."""
    return copy_fixture(release, tmp_path / "reference" / f"fup-{release}.db")


def test_the_head_is_the_code_s_schema_version() -> None:
    from fupcli.storage.migrate import head_revision

    assert head_revision() == HEAD
    assert HEAD not in RELEASES and max(RELEASES) < HEAD


def test_the_fixture_is_a_database_of_its_release(release: str, reference: Path) -> None:
    assert scalar(reference, "SELECT version_num FROM alembic_version") == release
    for table in (*DATA_TABLES, CACHE_TABLE):
        assert quoted_rows(reference, table), f"the fixture has no {table} rows to carry over"
    if release == "0001":
        assert not rows(reference, "SELECT name FROM sqlite_master WHERE name LIKE 'undo%'")
    else:
        for table in HISTORY_TABLES:
            assert quoted_rows(reference, table), f"the fixture has no {table} rows to carry over"
    assert rows(reference, "PRAGMA integrity_check") == [("ok",)]
    # Checkpointed: the file alone is the whole database (a copy of it is a copy of everything).
    assert not any(fixture_of(release).with_name(f"fup-{release}.db{suffix}").exists() for suffix in ("-wal", "-shm"))


def upgraded_copy(tmp_path: Path, release: str) -> tuple[Path, Path]:
    """A copy of the release's fixture in a fup home, upgraded to the head by a first write."""
    home = tmp_path / "home"
    db = copy_fixture(release, home / "fup.db")
    proc = subprocess.run([str(FUP), "add", "Upgrade Trigger", "--cadence", "none"],
                          env=subprocess_env(home, UPGRADE_NOW), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    return home, db


@pytest.mark.parametrize("release", RELEASES,
                         ids=[f"from-{r}" for r in RELEASES])
def test_a_full_reschedule_moves_no_cold_row(tmp_path: Path, release: str) -> None:
    """A re-plan leaves a balanced cold row where it is: after an upgrade, a full reschedule
    plans the very cache the upgrade planned, the days of the cold rows included."""
    home, db = upgraded_copy(tmp_path, release)
    assert cold_contacts(db), "no cold row to keep in place: a weak comparison"
    assert plan_cache(rescheduled(db, tmp_path)) == plan_cache(db)


def test_first_write_upgrades_keeping_every_row_and_backs_up(fup, reference: Path, release: str, tmp_path: Path,
                                                               umask_022) -> None:
    db = copy_fixture(release, fup.db_path)
    cache = with_cache_to_replan(db, release)
    pristine = sqlite_dump(db)

    result = fup.ok("add", "New Person", now=UPGRADE_NOW)
    assert result.stderr == ""

    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    assert rows(db, "SELECT count(*) FROM alembic_version") == [(1,)]
    assert set(HISTORY_TABLES) <= tables_of(db)
    new_id = scalar(db, "SELECT id FROM contact WHERE name = 'New Person'")
    assert_rows_kept(db, reference, {new_id})
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []

    # The cache was planned anew, as a full reschedule plans it (the stored rank carries the tier now).
    assert_planned_anew(db, reference, cache, {new_id})
    assert_cache_is_a_full_replan(db, tmp_path)
    # The upgrade is no command of the user's: the one undo step is the `add`.
    old_steps = set(quoted_rows(reference, "undo_step")) if "undo_step" in tables_of(reference) else set()
    new_steps = [v for k, v in quoted_rows(db, "undo_step", ["command"]).items() if k not in old_steps]
    assert new_steps == [("'add'",)]

    backup = fup.home / "backups" / BACKUP_NAME
    assert sorted(p.name for p in backup.parent.iterdir()) == [BACKUP_NAME]
    assert backup.stat().st_mode & 0o777 == 0o600
    assert backup.parent.stat().st_mode & 0o777 == 0o700
    assert sqlite_dump(backup) == pristine
    if release not in PLANNED_AS_THE_HEAD:
        assert pristine == sqlite_dump(reference)


def test_the_migrations_alone_change_no_row_but_the_name_keys(fup_home: Path, reference: Path, release: str) -> None:
    """A bare `Store` (no re-plan hook): the migration scripts themselves leave every row as it was,
    but for 0005's rewrite of `contact.name_key`: exactly the contacts whose old key is not
    `fold(name)` get that key, and it is the only change."""
    from fupcli.storage.store import Store

    rekeyed = rekeyed_contacts(reference)
    assert rekeyed, "no key for 0005 to rewrite: a weak comparison"
    db = copy_fixture(release, fup_home / "fup.db")
    store = Store(db, datetime(2026, 11, 24, 8, 30))
    store.prepare_for_write()
    store.close()
    for table in (*DATA_TABLES, CACHE_TABLE, *history_tables(reference)):
        if table == "contact":
            continue
        assert quoted_rows(db, table, columns_of(reference, table)) == quoted_rows(reference, table), table
    # The contacts: every column as it was, the key apart ...
    key = columns_of(reference, "contact").index("name_key")
    old, after = quoted_rows(reference, "contact"), quoted_rows(db, "contact", columns_of(reference, "contact"))
    assert after.keys() == old.keys()
    assert {cid: v[:key] + v[key + 1:] for cid, v in after.items()} == {cid: v[:key] + v[key + 1:] for cid, v in old.items()}
    # ... and the key is fold(name), as text, changed on exactly the contacts whose old key was not.
    names = dict(rows(db, "SELECT id, name FROM contact"))
    assert {cid: v[key] for cid, v in after.items()} == {cid: quoted(fold(names[cid])) for cid in after}
    assert {cid for cid in old if after[cid][key] != old[cid][key]} == rekeyed
    assert_name_keys_folded(db, reference)
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    assert rows(db, "SELECT count(*) FROM away") == [(0,)]
    if release == "0001":
        assert rows(db, "SELECT count(*) FROM undo_step UNION ALL SELECT count(*) FROM undo_change") == [(0,), (0,)]


def test_an_upgrade_through_the_app_context_replans_and_records_no_step(fup_home: Path, reference: Path,
                                                                         release: str, tmp_path: Path) -> None:
    """The CLI's store (AppContext's) re-plans every contact in the upgrade's transaction."""
    from fupcli.context import AppContext

    db = copy_fixture(release, fup_home / "fup.db")
    cache = with_cache_to_replan(db, release)
    ctx = AppContext(now=datetime(2026, 11, 24, 8, 30), db_location=str(db))
    try:
        ctx.store.prepare_for_write()
    finally:
        ctx.close()
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    assert_rows_kept(db, reference)
    assert set(quoted_rows(db, "contact")) == set(quoted_rows(reference, "contact"))
    for table in HISTORY_TABLES:  # nothing to undo: the upgrade is not a command
        assert quoted_rows(db, table, columns_of(db, table)).keys() == (
            quoted_rows(reference, table).keys() if table in tables_of(reference) else set())
    assert_planned_anew(db, reference, cache)
    assert_cache_is_a_full_replan(db, tmp_path)


def test_upgraded_schema_equals_a_new_databases_and_alembic_check_passes(tmp_path: Path, release: str) -> None:
    import io

    from alembic import command

    from fupcli.storage.migrate import alembic_config
    from fupcli.storage.store import Store

    upgraded = copy_fixture(release, tmp_path / "old" / "fup.db")
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


def _replan_then_fail(real):
    def replan_all(connection, ctx):
        count = real(connection, ctx)
        assert count > 0
        # Every migration is done, 0005's rewrite of the name keys included: the rollback takes it back.
        keys = connection.exec_driver_sql("SELECT name, name_key FROM contact").fetchall()
        assert keys and all(key == fold(name) for name, key in keys)
        raise RuntimeError("injected failure after the re-plan")
    return replan_all


INJECTED = [
    # (release, what to patch, the name it is called with, which call of that name fails)
    ("0001", "Operations.create_table", "undo_step", 1),  # 0002: one of the two new tables made
    ("0001", "Operations.create_table", "undo_change", 1),  # 0002: both made
    ("0001", "BatchOperations.create_index", "ix_undo_change_step", 1),  # 0002: both made, and an index
    ("0001", "BatchOperations.add_column", "channel", 2),  # 0003: every column added
    ("0001", "BatchOperations.create_index", "ix_contact_cadence", 1),  # 0004: every migration but 0005 done
    ("0001", "Operations.create_table", "away", 1),  # 0005: its table made, after every older migration
    ("0001", "core.replan_all", "", 1),  # every migration done, the cache planned anew
    ("0002", "BatchOperations.add_column", "reopened_at", 1),  # 0003: its first column
    ("0002", "BatchOperations.add_column", "channel", 1),  # 0003: two of its three columns
    ("0002", "BatchOperations.add_column", "channel", 2),  # 0003: all three
    ("0002", "BatchOperations.create_index", "ix_contact_cadence", 1),  # 0004: its index
    ("0002", "core.replan_all", "", 1),
    ("0003", "BatchOperations.create_index", "ix_contact_cadence", 1),  # 0004: its index
    ("0003", "BatchOperations.create_index", "ix_away_last_day", 1),  # 0005: its table and index, keys not yet rewritten
    ("0003", "core.replan_all", "", 1),  # the name keys rewritten (Zoë Ñúñez-Öst's), the cache planned anew
    ("0004", "Operations.create_table", "contact_word", 1),  # 0005: the word index's table, not yet filled
    ("0004", "Operations.create_table", "away", 1),  # 0005: its table
    ("0004", "BatchOperations.create_index", "ix_away_last_day", 1),  # 0005: its table and its index
    ("0004", "core.replan_all", "", 1),  # 0005 done, the name keys rewritten, the cache planned anew
]


@pytest.mark.parametrize("release, operation, fail_after, nth", INJECTED,
                         ids=[f"from-{r}-{o.split('.')[-1]}-{n or 'replan'}-{k}" for r, o, n, k in INJECTED])
def test_a_failure_inside_the_upgrade_leaves_the_release_untouched(
    fup, tmp_path: Path, monkeypatch, release: str, operation: str, fail_after: str, nth: int
) -> None:
    import alembic.operations

    import fupcli.core

    reference = copy_fixture(release, tmp_path / "reference" / "fup.db")
    db = copy_fixture(release, fup.db_path)
    before = sqlite_dump(db)
    done: list[str] = []

    if operation == "core.replan_all":
        real = fupcli.core.replan_all
        monkeypatch.setattr(fupcli.core, "replan_all", _replan_then_fail(real))
        expected = "injected failure after the re-plan"
    else:
        owner, method = operation.split(".")
        cls = getattr(alembic.operations, owner)
        real = getattr(cls, method)

        def then_fail(self, name, *args, **kw):
            made = real(self, name, *args, **kw)
            label = getattr(name, "name", name)  # add_column gets a Column, the others a name
            done.append(label)
            if label == fail_after and done.count(label) == nth:
                raise RuntimeError(f"injected failure after {label}")
            return made

        monkeypatch.setattr(cls, method, then_fail)
        expected = f"injected failure after {fail_after}"

    result = fup("add", "New Person", now=UPGRADE_NOW)

    if operation != "core.replan_all":
        assert done and done[-1] == fail_after and done.count(fail_after) == nth, (
            "the failure was not injected inside the migration")
    assert result.exit_code == 6
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("fup: error: ")
    assert "left as it was" in lines[0] and expected in lines[0]
    assert f"from schema {release} to {HEAD}" in lines[0]
    backup = fup.home / "backups" / BACKUP_NAME
    assert str(backup) in lines[0]

    assert scalar(db, "SELECT version_num FROM alembic_version") == release
    assert sqlite_dump(db) == before == sqlite_dump(reference)
    assert sqlite_dump(backup) == before
    assert name_keys(db) == name_keys(reference)  # (the dump says it too: the old keys are back)
    assert "away" not in tables_of(db) and "contact_word" not in tables_of(db)

    if operation == "core.replan_all":
        monkeypatch.setattr(fupcli.core, "replan_all", real)
    else:
        monkeypatch.setattr(cls, method, real)
    fup.ok("add", "New Person", now=UPGRADE_NOW)  # the next attempt upgrades
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    assert_rows_kept(db, reference, {scalar(db, "SELECT id FROM contact WHERE name = 'New Person'")})


# A `fup` process that has done its imports, says so, and runs the console script's entry
# point once a start file appears: both processes then reach the upgrade within a millisecond.
STARTING_LINE = """
import sys, time
from pathlib import Path
import fupcli.storage.backup, fupcli.cli.app, fupcli.core, fupcli.cli.fast, fupcli.storage.migrate, alembic.command, sqlmodel
ready, start = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
deadline = time.monotonic() + 60
while not start.exists() and time.monotonic() < deadline:
    time.sleep(0.0005)
sys.argv = ["fup", *sys.argv[3:]]
fupcli.cli.fast.main()
"""


@pytest.mark.parametrize("round_", range(2))
def test_two_processes_upgrading_at_once_both_succeed(tmp_path: Path, reference: Path, release: str,
                                                      round_: int) -> None:
    home = tmp_path / "home"
    db = copy_fixture(release, home / "fup.db")
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
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    new_ids = {r[0] for r in rows(db, "SELECT id FROM contact WHERE name IN ('Parallel Alpha', 'Parallel Beta')")}
    assert len(new_ids) == 2
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert_rows_kept(db, reference, new_ids)
    assert_cache_is_a_full_replan(db, tmp_path)
    # Every automatic backup is a copy from before the upgrade, none half-made or overwritten.
    backups = sorted((home / "backups").iterdir())
    assert 1 <= len(backups) <= 2, backups
    for backup in backups:
        assert backup.name.startswith(f"fup-20261124-083000-pre-{HEAD}"), backup
        assert sqlite_dump(backup) == sqlite_dump(reference)


def test_only_the_five_newest_automatic_backups_are_kept(fup, release: str) -> None:
    copy_fixture(release, fup.db_path)
    fup.ok("backup", now="2026-11-01T07:00")  # a copy made by hand: never pruned
    for day in range(10, 17):
        for leftover in fup.home.glob("fup.db*"):
            leftover.unlink()
        copy_fixture(release, fup.db_path)
        fup.ok("add", f"Person {day}", now=f"2026-11-{day}T08:00")
    names = sorted(p.name for p in (fup.home / "backups").iterdir())
    assert names == ["fup-20261101-070000.db"] + [f"fup-202611{day}-080000-pre-{HEAD}.db" for day in range(12, 17)]


def test_automatic_backups_taken_at_once_each_keep_their_own_file(fup_home: Path, reference: Path,
                                                                  release: str) -> None:
    """Four upgrades starting together (threads, released by a barrier) under the same stamp:
    each gets a distinct, complete pre-upgrade copy; none fails and none overwrites another."""
    from fupcli.storage.backup import backup_before_upgrade
    from fupcli.storage.store import Store

    db = copy_fixture(release, fup_home / "fup.db")
    count = 4
    barrier = threading.Barrier(count)
    made: list[Path] = []
    failures: list[BaseException] = []

    def upgrade_backup() -> None:
        store = Store(db, datetime(2026, 11, 24, 8, 30))
        barrier.wait(timeout=30)
        try:
            made.append(backup_before_upgrade(store, HEAD))
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


def test_a_backup_of_an_already_upgraded_file_is_not_kept_as_pre_upgrade(fup_home: Path, release: str) -> None:
    """Another process may finish the upgrade between this one's look at the version and its
    copy; that copy is of the head schema and must not pose as the pre-upgrade backup."""
    from fupcli.storage.backup import backup_before_upgrade
    from fupcli.storage.store import Store

    db = copy_fixture(release, fup_home / "fup.db")
    first = Store(db, datetime(2026, 11, 24, 8, 30))
    first.prepare_for_write()  # the other process: backup, then upgrade
    first.close()
    kept = sorted((fup_home / "backups").iterdir())
    late = Store(db, datetime(2026, 11, 24, 8, 30))
    assert backup_before_upgrade(late, HEAD) is None
    assert sorted((fup_home / "backups").iterdir()) == kept
    assert [scalar(p, "SELECT version_num FROM alembic_version") for p in kept] == [release]


@pytest.mark.parametrize("args", [["today"], ["show", "gus"], ["list"], ["export", "contacts"], ["today", "-f", "json"]])
def test_reading_an_old_schema_refuses_and_changes_nothing(fup, release: str, args: list[str]) -> None:
    db = copy_fixture(release, fup.db_path)
    before = db.read_bytes()
    result = fup(*args)
    assert result.exit_code == 6
    assert result.stderr.splitlines() == [f"fup: error: {db} needs a schema upgrade; run any command that writes (e.g. `fup reschedule`)"]
    assert db.read_bytes() == before
    assert not (fup.home / "backups").exists()
    assert scalar(db, "SELECT version_num FROM alembic_version") == release


def test_the_console_scripts_fast_readers_refuse_an_old_schema_too(tmp_path: Path, release: str) -> None:
    """`fup today` and `fup export` answer from `fupcli.cli.fast` without the Typer app: same refusal."""
    home = tmp_path / "home"
    db = copy_fixture(release, home / "fup.db")
    before = db.read_bytes()
    for args in (["today"], ["export", "contacts", "-f", "json"]):
        proc = subprocess.run([str(FUP), *args], env=subprocess_env(home, UPGRADE_NOW), capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 6, proc.stderr
        assert proc.stdout == ""
        assert proc.stderr.splitlines() == [f"fup: error: {db} needs a schema upgrade; run any command that writes (e.g. `fup reschedule`)"]
    assert db.read_bytes() == before
    assert sorted(p.name for p in home.iterdir() if not p.name.endswith(("-wal", "-shm"))) == ["fup.db"]


def test_rows_orphaned_before_the_upgrade_do_not_block_it(fup, release: str) -> None:
    """The foreign-key check before commit guards against what the migration (and the re-plan)
    breaks; rows that were orphans already (a hand edit with foreign keys off) are `fup doctor`'s
    to report."""
    db = copy_fixture(release, fup.db_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM contact WHERE id = (SELECT min(id) FROM contact)")
    conn.commit()
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    conn.close()
    assert orphans

    fup.ok("reschedule")

    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    assert sorted(rows(db, "PRAGMA foreign_key_check")) == sorted(orphans)
    doctor = fup("doctor")
    assert doctor.exit_code == 6 and "foreign keys: " in doctor.stdout


def test_undo_steps_recorded_before_the_upgrade_are_refused(fup, reference: Path, release: str) -> None:
    """`fup undo` on the old file upgrades nothing; after the upgrade, the step of the command that
    upgraded is taken back, and the release's own steps (their inverse SQL writes rows as the old
    schema had them, the old name keys included) are refused, changing nothing."""
    db = copy_fixture(release, fup.db_path)
    before = db.read_bytes()
    result = fup("undo", now=UPGRADE_NOW)  # an old schema: no history to offer, and no upgrade
    assert (result.exit_code, result.stderr) == (3, "fup: error: nothing to undo\n")
    assert db.read_bytes() == before and not (fup.home / "backups").exists()

    fup.ok("add", "New Person", now=UPGRADE_NOW)
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    assert "New Person" in fup.ok("undo", now=UPGRADE_NOW).stdout
    assert scalar(db, "SELECT count(*) FROM contact WHERE name = 'New Person'") == 0
    assert_rows_kept(db, reference)
    upgraded = sqlite_dump(db)

    result = fup("undo", now=UPGRADE_NOW)
    assert result.stdout == ""
    if release == "0001":  # no history before 0002
        assert (result.exit_code, result.stderr) == (3, "fup: error: nothing to undo\n")
    else:
        command, at, schema = rows(reference, "SELECT command, at, schema_version FROM undo_step ORDER BY id DESC LIMIT 1")[0]
        assert schema == release
        assert (result.exit_code, result.stderr) == (6, (
            f"fup: error: cannot undo the {command} of {at[:16]}: it was recorded under schema {release}, "
            f"and the database is now at {HEAD}\n"))
    assert sqlite_dump(db) == upgraded
    assert_rows_kept(db, reference)


# --- the re-plan is real -------------------------------------------------------------------------

DAYS = ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-27", "2026-12-01", "2026-12-11", "2027-01-05")


def _morning_lists(home: Path) -> dict[str, str]:
    """What the user reads, as the console script prints it: `fup today` on several days (JSON
    and table), `fup list`, and every contact's card."""
    def run(*args: str) -> str:
        proc = subprocess.run([str(FUP), *args], env=subprocess_env(home, UPGRADE_NOW), capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, (args, proc.stderr)
        return proc.stdout

    seen = {f"today {day}": run("today", "--on", day, "-f", "json") for day in DAYS}
    seen["today table"] = run("today")
    seen["list"] = run("list", "-f", "json")
    for contact in json.loads(seen["list"]):
        seen[f"show {contact['id']}"] = run("show", str(contact["id"]), "-f", "json")
    return seen


def cold_contacts(path: Path) -> set[int]:
    return {r[0] for r in rows(path, "SELECT DISTINCT contact_id FROM agenda_item WHERE kind = 'cold'")}


def without_cold_days(path: Path, cold: set[int], without: set[int] = frozenset()) -> tuple[dict, dict, list[tuple]]:
    """The contacts (every column), their cache and their agenda rows, with the day each cold row
    was balanced to (and what follows from it: next_due, rank) left out; the contacts `without` left
    out altogether."""
    contacts = quoted_rows(path, "contact")
    columns = columns_of(path, "contact")
    day = columns.index("next_due")
    contacts = {cid: values[:day] + ("?",) + values[day + 1:] if cid in cold else values
                for cid, values in contacts.items() if cid not in without}
    cache, _agenda = plan_cache(path, without)
    cache = {cid: ("?",) + values[1:] if cid in cold else values for cid, values in cache.items()}
    agenda_columns = [c for c in columns_of(path, CACHE_TABLE) if c != "id"]
    agenda = []
    for row in rows(path, f"SELECT kind, {', '.join(f'quote({c})' for c in agenda_columns)} FROM {CACHE_TABLE} "
                          f"WHERE contact_id NOT IN ({','.join(map(str, without))})"):
        kind, values = row[0], dict(zip(agenda_columns, row[1:]))
        if kind == "cold":
            values.update(due="?", visible_from="?", rank="?")
        agenda.append(tuple(values.values()))
    return contacts, cache, sorted(agenda)


def _without_cold(what: str, text: str, cold: set[int], names: set[str]) -> object:
    """A morning list as JSON (or the table's lines) without the cold contacts' rows and days."""
    if what == "today table":  # its other rows in order (numbered and padded anew) and its footer
        lines = [" ".join(line.split()) for line in text.splitlines() if not any(name in line for name in names)]
        return [line.split(" ", 1)[1] if line[:1].isdigit() else line for line in lines]
    data = json.loads(text)
    if what.startswith("today "):
        return [row for row in data if row["contact_id"] not in cold]
    if what == "list":
        return [{k: v for k, v in view.items() if view["id"] not in cold or k not in ("next_due", "next")}
                for view in data]
    if data["id"] in cold:  # a card
        data = {k: v for k, v in data.items() if k not in ("next_due", "next")}
        data["agenda"] = [{k: v for k, v in item.items() if item["kind"] != "cold" or k not in ("due", "due_now")}
                          for item in data["agenda"]]
    return data


def test_an_upgraded_0002_database_lists_what_one_built_afresh_by_the_same_commands_lists(tmp_path: Path) -> None:
    """make-fup-0002.sh, run by today's code, builds the database the upgraded fixture must be.

    But for the day of each cold row (a nurture rhythm, an opening touch): the balancer places it
    on a day with room, from the loads of the days when it is placed, so the fresh build (each
    placed as its command ran, days before the upgrade) and the upgrade (all placed at once, on
    the upgrade's day) may give it different days; only its kind, reason and weight must agree."""
    fresh_home, upgraded_home = tmp_path / "fresh", tmp_path / "upgraded"
    fresh_home.mkdir()
    env = {**subprocess_env(fresh_home, UPGRADE_NOW), "PATH": f"{FUP.parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(FIXTURES / "make-fup-0002.sh")], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    fresh, upgraded = fresh_home / "fup.db", copy_fixture("0002", upgraded_home / "fup.db")
    for home in (fresh_home, upgraded_home):  # the same write on both: it upgrades the fixture
        result = subprocess.run([str(FUP), "add", "Upgrade Trigger", "--cadence", "none"],
                                env=subprocess_env(home, UPGRADE_NOW), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    assert scalar(upgraded, "SELECT version_num FROM alembic_version") == HEAD
    assert (upgraded_home / "backups" / BACKUP_NAME).exists()

    # The same rows, value for value: the data, and the cache planned by today's code (cold days apart).
    cold = cold_contacts(upgraded)
    assert cold and cold == cold_contacts(fresh)
    for table in ("touch", "commitment"):
        assert quoted_rows(upgraded, table) == quoted_rows(fresh, table), table
    assert without_cold_days(upgraded, cold) == without_cold_days(fresh, cold)
    assert plan_cache(upgraded) != plan_cache(copy_fixture("0002", tmp_path / "reference" / "fup.db"))
    for path in (upgraded, fresh):  # a cold row's day is a workday, never before today's list could show it
        for (due,) in rows(path, "SELECT due FROM agenda_item WHERE kind = 'cold'"):
            assert datetime.fromisoformat(due[:10]).weekday() < 5, (path, due)

    names = {r[0] for r in rows(upgraded, f"SELECT name FROM contact WHERE id IN ({','.join(map(str, cold))})")}
    fresh_lists, upgraded_lists = _morning_lists(fresh_home), _morning_lists(upgraded_home)
    assert upgraded_lists.keys() == fresh_lists.keys()
    for what in fresh_lists:
        assert _without_cold(what, upgraded_lists[what], cold, names) == _without_cold(what, fresh_lists[what], cold, names), what
    # And what the lists say is today's ranking: a promise of mine above a cadence row more overdue.
    kinds = [row["kind"] for row in json.loads(upgraded_lists["today 2026-11-23"])]
    assert kinds[0] == "promise" and "cadence" in kinds and "soft" not in kinds[:kinds.index("cadence")]
    assert kinds == sorted(kinds, key=KINDS.index)


def test_an_upgraded_0003_database_plans_by_the_rules_of_the_head(tmp_path: Path) -> None:
    """The 0003 fixture, upgraded on Tue 2026-11-24: what 0004 plans differently shows in its lists."""
    home = tmp_path / "home"
    db = copy_fixture("0003", home / "fup.db")
    before = {r[0]: r[1] for r in rows(db, "SELECT name, substr(next_due, 1, 10) FROM contact")}
    assert before["Dmitri Petrov"] == "2026-11-16"  # 0003: their reply cleared the date they asked for

    def run(*args: str) -> str:
        proc = subprocess.run([str(FUP), *args], env=subprocess_env(home, UPGRADE_NOW), capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, (args, proc.stderr)
        return proc.stdout

    run("add", "Upgrade Trigger", "--cadence", "none")
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    assert rows(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ix_contact_cadence'") == [
        ("ix_contact_cadence",)]
    cards = {view["name"]: json.loads(run("show", str(view["id"]), "-f", "json")) for view in json.loads(run("list", "-f", "json"))}
    # A date they asked for stands through a reply about something else.
    assert (cards["Dmitri Petrov"]["next"]["kind"], cards["Dmitri Petrov"]["next_due"]) == ("asked", "2026-12-01")
    # Three emails unanswered: the row suggests the phone they have.
    chloe = cards["Chloe Martin"]["next"]
    assert (chloe["kind"], chloe["channel"]) == ("cadence", "call") and "3 emails unanswered" in chloe["reason"]
    # Nurture rhythms and opening touches are cold rows; a won contact is on the client ladder.
    for name in ("Hana Sato", "Lea Brun", "Max Roth", "Zoë Ñúñez-Öst"):
        assert [item["kind"] for item in cards[name]["agenda"]] == ["cold"], name
    assert cards["Ivan Petrov"]["state"] == "client" and "client check-in" in cards["Ivan Petrov"]["next"]["reason"]
    # A snooze hides the cadence only: the promise and the birthday show, and say so.
    gus = {row["kind"]: row for row in json.loads(run("today", "--on", "2026-11-26", "-f", "json")) if row["name"] == "Gus Moreno"}
    assert list(gus) == ["promise"] and gus["promise"]["reason"].endswith(
        "(+1 more: birthday on Thursday 2026-11-26) (snoozed until 2026-11-30)")
    # The tiers of the head, top down, and no day above its capacity of rows.
    for day in DAYS:
        listed = json.loads(run("today", "--on", day, "-f", "json"))
        kinds = [row["kind"] for row in listed]
        assert kinds == sorted(kinds, key=KINDS.index), day
        assert len(listed) <= 20


def test_an_upgraded_0004_database_finds_contacts_by_their_folded_names(tmp_path: Path) -> None:
    """The 0004 fixture, upgraded: the keys 0005 wrote anew answer what a person types (no accents,
    one word of a hyphenated name), which the keys of 0004 could not; the ordinary keys still do."""
    home = tmp_path / "home"
    db = copy_fixture("0004", home / "fup.db")
    typed = {"jose": "José Álvarez", "jane": "Mary-Jane O'Neil", "o neil": "Mary-Jane O'Neil",
             "zoe nunez": "Zoë Ñúñez", "NUNEZ": "Zoë Ñúñez", "smith jr": "Sam Smith, Jr.", "ilkay": "İlkay Straße",
             "gus": "Gus Moreno", "ben okafor": "Ben Okafor"}
    old_keys = [key for _name, key in name_keys(db).values()]
    assert not any(key.startswith(("jose", "zoe", "ilkay")) for key in old_keys)  # what 0004 stored
    assert rows(db, "SELECT count(*) FROM contact WHERE state = 'closed'") == [(1,)]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(FUP), *args], env=subprocess_env(home, UPGRADE_NOW), capture_output=True,
                              text=True, timeout=120)

    proc = run("add", "Upgrade Trigger", "--cadence", "none")
    assert proc.returncode == 0, proc.stderr
    assert scalar(db, "SELECT version_num FROM alembic_version") == HEAD
    for who, name in typed.items():
        proc = run("show", who, "-f", "json")
        assert proc.returncode == 0, (who, proc.stderr)
        assert json.loads(proc.stdout)["name"] == name, who
    # The new table is there, empty, and takes days off.
    assert rows(db, "SELECT count(*) FROM away") == [(0,)]
    proc = run("away", "2026-12-21", "2026-12-24")
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "SELECT first_day, last_day FROM away") == [("2026-12-21", "2026-12-24")]


def test_an_upgraded_database_lists_what_a_full_reschedule_lists(tmp_path: Path, release: str) -> None:
    home, db = upgraded_copy(tmp_path, release)
    upgraded = {day: subprocess.run([str(FUP), "today", "--on", day, "-f", "json"], env=subprocess_env(home, UPGRADE_NOW),
                                    capture_output=True, text=True, timeout=120).stdout for day in DAYS}
    cold = cold_contacts(db)  # (the days of their rows: test_a_full_reschedule_moves_no_cold_row)
    proc = subprocess.run([str(FUP), "reschedule"], env=subprocess_env(home, UPGRADE_NOW), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for day in DAYS:
        again = subprocess.run([str(FUP), "today", "--on", day, "-f", "json"], env=subprocess_env(home, UPGRADE_NOW),
                               capture_output=True, text=True, timeout=120).stdout
        what = f"today {day}"
        assert _without_cold(what, again, cold, set()) == _without_cold(what, upgraded[day], cold, set()), day
        assert _without_cold(what, again, cold, set()), f"nothing due on {day}: a weak comparison"
