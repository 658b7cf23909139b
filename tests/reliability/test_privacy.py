"""Contacts are personal data: only the user can read fup's files, and `fup forget` erases for good.

What it proves:

- under umask 022, every file fup makes is private: the folder it creates
  (0700), the database and its -wal and -shm files, `fup backup` copies and
  their folder, the automatic backup before a schema upgrade, and
  `fup export ... -o FILE` (all 0600);
- a database other users can read (0644, 0640) gets exactly one warning line
  on stderr per command, reading or writing; a 0600 one none;
- `fup forget` erases a person: after a history that leaves old copies of
  their text everywhere (edits and logs, so older row versions sit in free
  pages and in the undo history; a reschedule, so they are in a step about
  several contacts; `fup rm` then `fup undo`), no byte of the sentinel text,
  in any letter case, nor the casefolded form of the name, is left in
  fup.db, fup.db-wal or fup.db-shm; every other contact's rows are exactly
  as before; the file passes `integrity_check`; undoing everything that can
  still be undone never brings any of it back;
- when another process is reading at that moment, the warning is given, and
  the text is gone once that reader has ended and a command has written
  (the warning says a later write finishes it, and it does);
- errors never echo what the user typed into SQL: with a trigger making an
  INSERT or UPDATE fail, `fup log/add/edit/next` with a canary string exit
  non-zero with one line on stderr that does not contain the canary, and
  nothing is written.

How: the in-process `fup` runner; raw file bytes read directly; a stdlib
sqlite3 connection for the reader and the failing triggers.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from fupcli.storage.store import SCHEMA_VERSION
from workers import shared_test_helpers

sqlite_dump = shared_test_helpers().sqlite_dump

FIXTURE = Path(__file__).parent / "fixtures" / "fup-0001.db"
SENTINEL = "Zqvx7Sentinel"
NAME = f"{SENTINEL} Straße ẞtrict"  # casefolds to "zqvx7sentinel strasse sstrict"
EMAIL = f"{SENTINEL}@Example.org"
CANARY = "CANARY-5f3a9c-секрет"


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def traces(data: bytes) -> list[str]:
    """What of the sentinel contact is in `data`: its core text in any case, or its name's
    non-ASCII parts as typed or casefolded."""
    found = []
    if SENTINEL.lower().encode() in data.lower():
        found.append(SENTINEL)
    for form in ("Straße", "ẞtrict", NAME.casefold(), "strasse sstrict", "ß", "ẞ"):
        if form.encode() in data:
            found.append(form)
    return found


def file_traces(home: Path) -> dict[str, list[str]]:
    return {p.name: traces(p.read_bytes()) for p in sorted(home.glob("fup.db*")) if traces(p.read_bytes())}


def quoted_rows(db: Path, sql_from: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        table = sql_from.split()[0]
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        return conn.execute(f"SELECT {', '.join(f'quote({c})' for c in columns)} FROM {sql_from} ORDER BY id").fetchall()
    finally:
        conn.close()


def dump(db: Path) -> str:
    """The SQL dump of `db` (read-only) as one text."""
    return "\n".join(sqlite_dump(db))


# --- permissions ------------------------------------------------------------------


def test_every_file_fup_makes_is_private_under_umask_022(fup, tmp_path: Path, monkeypatch, umask_022) -> None:
    home = tmp_path / "new" / "home"
    monkeypatch.setenv("FUP_HOME", str(home))
    db = home / "fup.db"
    fup.ok("add", "Ana Ruiz", "--email", "ana@x.example")
    assert mode(home) == 0o700
    assert mode(db) == 0o600

    holder = sqlite3.connect(db)  # an open connection keeps -wal and -shm in place
    try:
        holder.execute("SELECT count(*) FROM contact").fetchone()
        fup.ok("log", "ana", "--note", "into the wal")
        assert db.with_name("fup.db-wal").stat().st_size > 0
        for name in ("fup.db", "fup.db-wal", "fup.db-shm"):
            assert mode(home / name) == 0o600, name
    finally:
        holder.close()

    fup.ok("backup")
    backups = home / "backups"
    assert mode(backups) == 0o700
    assert [mode(p) for p in backups.iterdir()] == [0o600]

    export = tmp_path / "contacts.csv"
    fup.ok("export", "contacts", "-o", str(export))
    assert "Ana Ruiz" in export.read_text()
    assert mode(export) == 0o600

    assert {p.name: oct(mode(p)) for p in home.rglob("*") if mode(p) & 0o077} == {}


def test_the_automatic_backup_before_an_upgrade_is_private(fup, umask_022) -> None:
    shutil.copyfile(FIXTURE, fup.db_path)
    os.chmod(fup.db_path, 0o600)
    result = fup.ok("add", "New Person")
    assert result.stderr == ""
    backups = fup.home / "backups"
    assert mode(backups) == 0o700
    made = list(backups.iterdir())
    assert [p.name for p in made] == [f"fup-20261123-090000-pre-{SCHEMA_VERSION}.db"]
    assert mode(made[0]) == 0o600


@pytest.mark.parametrize("exposed, args", [
    (0o644, ["today"]), (0o640, ["list"]), (0o604, ["add", "Ben Okafor"]), (0o644, ["log", "ana"]),
])
def test_a_database_others_can_read_gets_one_warning_line(fup, exposed: int, args: list[str]) -> None:
    fup.ok("add", "Ana Ruiz")
    os.chmod(fup.db_path, exposed)
    result = fup.ok(*args)
    db = fup.db_path
    assert result.stderr.splitlines() == [
        f"fup: warning: other users can read {db} (mode {exposed:o}); run `chmod 600 {db}`"
    ]


@pytest.mark.parametrize("args", [["today"], ["add", "Ben Okafor"]])
def test_a_private_database_gets_no_warning(fup, args: list[str]) -> None:
    fup.ok("add", "Ana Ruiz")
    assert mode(fup.db_path) == 0o600
    assert fup.ok(*args).stderr == ""


# --- fup forget -----------------------------------------------------------------------


def build_history(fup) -> None:
    """Two contacts to keep, and the sentinel contact with a long, edited, undone history."""
    fup.ok("add", "Keeper One", "--email", "keep@x.example", "--note", "keep me", "--next", "call back", "--due", "fri")
    fup.ok("add", "Keeper Two", "--company", "Loop")
    fup.ok("add", NAME, "--email", EMAIL, "--note", f"first notes on {SENTINEL}", "--company", f"{SENTINEL} GmbH",
           "--next", f"send {SENTINEL} the deck", "--due", "wed", "--theirs")
    for i in range(4):
        fup.ok("log", "zqvx", "--note", f"{SENTINEL} touch {i} " + "x" * 200)
        fup.ok("edit", "zqvx", "--note", f"{SENTINEL} notes version {i} " + "y" * 300)
        fup.ok("next", "zqvx", f"{SENTINEL} promise {i}", "--due", "fri")
        fup.ok("done", "zqvx", "--id", str(2 + i))  # the deck first, then each promise in turn
        fup.ok("log", "keeper one", "--note", f"keeper touch {i}")
    fup.ok("edit", "zqvx", "--name", f"{NAME} Renamed")
    fup.ok("edit", "zqvx", "--name", NAME)
    fup.ok("reschedule")
    fup.ok("rm", "zqvx", "--yes")
    fup.ok("undo")
    fup.ok("log", "keeper two", "--note", "after the undo")


def keepers(db: Path, sentinel_id: int) -> dict[str, list[tuple]]:
    return {
        "contact": quoted_rows(db, f"contact WHERE id != {sentinel_id}"),
        "touch": quoted_rows(db, f"touch WHERE contact_id != {sentinel_id}"),
        "commitment": quoted_rows(db, f"commitment WHERE contact_id != {sentinel_id}"),
        "agenda_item": quoted_rows(db, f"agenda_item WHERE contact_id != {sentinel_id}"),
    }


def sentinel_id(fup) -> int:
    return int(fup.json("show", "zqvx", "-f", "json")["id"])


def test_forget_leaves_no_trace_in_any_file_or_the_undo_history(fup) -> None:
    build_history(fup)
    db = fup.db_path
    assert fup.json("show", "zqvx", "-f", "json")["name"] == NAME  # back after rm + undo
    who = sentinel_id(fup)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    recorded = conn.execute("SELECT count(*) FROM undo_change WHERE inverse LIKE ?", (f"%{SENTINEL}%",)).fetchone()[0]
    conn.close()
    assert recorded > 0, "the undo history holds no old copy of the contact: the test would prove nothing"
    assert file_traces(fup.home)
    kept = keepers(db, who)

    result = fup.ok("forget", "zqvx", "--yes")
    assert result.stdout.startswith(f"Erased {NAME} (#{who}) and 5 touches for good.")
    assert result.stderr == ""

    assert file_traces(fup.home) == {}
    assert traces(dump(db).encode()) == []
    assert keepers(db, who) == kept
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT count(*) FROM undo_change WHERE contact_id = ?", (who,)).fetchone() == (0,)
    conn.close()
    assert fup("show", "zqvx").exit_code == 3

    for _ in range(200):  # undo everything left in the history, one step at a time
        result = fup("undo")
        if result.exit_code != 0:
            assert result.exit_code == 3 and "nothing to undo" in result.stderr, result.stderr
            break
        assert traces(dump(db).encode()) == [], f"`fup undo` brought the contact back: {result.stdout}"
    else:
        pytest.fail("the undo history never ran out")
    assert file_traces(fup.home) == {}


def test_forget_is_refused_at_the_prompt_and_erases_nothing(fup) -> None:
    fup.ok("add", NAME, "--email", EMAIL)
    before = dump(fup.db_path)
    result = fup("forget", "zqvx", input="n\n")
    assert result.exit_code == 7
    assert dump(fup.db_path) == before


@pytest.fixture
def short_busy_wait(monkeypatch):
    """Wait 0.3 s, not 10, for a reader to let go of the WAL (the end result is the same)."""
    import fupcli.storage.sqlite

    monkeypatch.setattr(fupcli.storage.sqlite, "BUSY_TIMEOUT_MS", 300)


def test_forget_while_another_process_reads_finishes_with_the_next_write(fup, short_busy_wait) -> None:
    fup.ok("add", "Keeper One")
    fup.ok("add", NAME, "--email", EMAIL, "--note", f"notes {SENTINEL}")
    for i in range(3):
        fup.ok("log", "zqvx", "--note", f"{SENTINEL} touch {i}")
    db = fup.db_path
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)  # as `fup today` reads
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM contact").fetchone()
        result = fup.ok("forget", "zqvx", "--yes")
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith("fup: warning: another fup is reading")
        assert dump(db).count(SENTINEL) == 0  # gone from the data at once
    finally:
        reader.execute("COMMIT")
        reader.close()
    fup.ok("log", "keeper", "--note", "a later write")
    assert file_traces(fup.home) == {}


def test_the_warning_after_a_forget_that_met_a_reader_says_what_finishes_the_erasure(fup, short_busy_wait) -> None:
    fup.ok("add", "Keeper One")
    fup.ok("add", NAME, "--email", EMAIL, "--note", f"notes {SENTINEL}")
    db = fup.db_path
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM contact").fetchone()
        warning = fup.ok("forget", "zqvx", "--yes").stderr
        assert "a later command writes" in warning and "fup reschedule" in warning
    finally:
        reader.execute("COMMIT")
        reader.close()
    fup.ok("reschedule")  # what the warning advises
    assert file_traces(fup.home) == {}


# --- errors do not echo the user's text ----------------------------------------------------


@pytest.mark.parametrize(
    "trigger, args",
    [
        ("BEFORE INSERT ON touch", ["log", "keeper", "--note", CANARY]),
        ("BEFORE INSERT ON contact", ["add", f"{CANARY} Person", "--email", "canary@x.example", "--note", CANARY]),
        ("BEFORE UPDATE ON contact", ["edit", "keeper", "--note", CANARY, "--email", "canary@x.example"]),
        ("BEFORE INSERT ON commitment", ["next", "keeper", CANARY, "--due", "fri"]),
    ],
)
def test_a_failing_statement_does_not_echo_what_was_typed(fup, trigger: str, args: list[str]) -> None:
    fup.ok("add", "Keeper One")
    conn = sqlite3.connect(fup.db_path)
    conn.execute(f"CREATE TRIGGER fail_it {trigger} BEGIN SELECT RAISE(ABORT, 'boom'); END")
    conn.commit()
    conn.close()
    before = dump(fup.db_path)
    result = fup(*args)
    assert result.exit_code != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fup: error: ") and "boom" in lines[0], result.stderr
    for text in (CANARY, CANARY.split("-")[1], "canary@x.example"):
        assert text not in result.stdout + result.stderr
    assert dump(fup.db_path) == before
