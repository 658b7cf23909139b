"""Commands that only read neither wait for writers nor write.

How: a child process (`workers.py hold-lock`) takes the write lock with
BEGIN IMMEDIATE and keeps an uncommitted change to every contact. While it
provably still holds the lock (a BEGIN IMMEDIATE from the test fails at once,
before and after the reads, and the child has not said "released"), the
installed `fup today`, `show`, `list` and `export contacts` each exit 0 with
exactly the output they gave before the lock was taken (the committed data,
not the uncommitted change), and fup.db and its WAL keep every byte and
their modification times. Then every read-only command, run on a database
nobody else is using, leaves fup.db byte for byte and its mtime as they were.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from workers import FUP, database_files, expect_line, start_child

READS = (
    ("today",),
    ("show", "ana"),
    ("list",),
    ("export", "contacts"),
)

READ_ONLY_COMMANDS = READS + (
    ("today", "-f", "json"),
    ("today", "--on", "2026-12-01", "-f", "csv"),
    ("show", "ben", "-f", "json"),
    ("list", "--no-next-step", "-f", "csv"),
    ("export", "touches", "-f", "json"),
    ("export", "commitments"),
    ("export", "due", "-f", "ics"),
    ("cadence",),
    ("doctor",),
)


def _pipeline(fup) -> None:
    """Two contacts, both due today: a promise of mine, and an overdue one of theirs."""
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example", "--next", "send the deck",
           "--due", "today")
    fup.ok("add", "Ben Okafor", "--company", "Northwind", "--met", "2026-11-02")
    fup.ok("next", "ben", "send Q3 numbers", "--due", "2026-11-20", "--theirs")


def run_all(commands, env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    """Run the installed `fup` once per command, all at once; their results in order."""
    procs = [subprocess.Popen([str(FUP), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in commands]
    results = []
    for args, proc in zip(commands, procs):
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(args, proc.returncode, out, err))
    return results


def lock_is_held(db: Path) -> bool:
    """Whether some connection holds the write lock: a BEGIN IMMEDIATE that may not wait fails."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert str(exc) == "database is locked"
        return True
    finally:
        conn.close()
    return False


def test_reads_answer_while_another_process_holds_the_write_lock(fup, fup_home: Path, child_env: dict[str, str]) -> None:
    _pipeline(fup)
    db = fup.db_path
    before = run_all(READS, child_env)
    assert [r.returncode for r in before] == [0] * len(READS), [r.stderr for r in before]
    assert all("Ana Ruiz" in r.stdout for r in before)
    assert "send Q3 numbers" in before[0].stdout and "Ben Okafor" in before[2].stdout

    holder = start_child("hold-lock", env=child_env)
    try:
        expect_line(holder, "holding")
        assert lock_is_held(db)
        files = database_files(db)
        assert files[db.name + "-wal"] is not None  # the holder's connection keeps a WAL open

        during = run_all(READS, child_env)

        assert lock_is_held(db) and holder.poll() is None  # still held: the reads did not wait for it
        assert database_files(db) == files  # not a byte, not an mtime
    finally:
        if holder.poll() is None:
            holder.stdin.write("release\n")
            holder.stdin.flush()
    expect_line(holder, "released")
    assert holder.wait(timeout=60) == 0
    assert not lock_is_held(db)

    for old, new in zip(before, during):
        assert (new.returncode, new.stderr) == (0, ""), new.args
        assert new.stdout == old.stdout, new.args  # committed data only, never the uncommitted change
        assert "uncommitted" not in new.stdout


@pytest.mark.parametrize("wal", ["checkpointed", "open"])
def test_read_only_commands_never_write_the_database(fup, fup_home: Path, child_env: dict[str, str], wal: str) -> None:
    """`checkpointed`: the usual state between commands, everything in fup.db. `open`: another
    connection keeps the WAL (and its frames) alive while the reads run."""
    _pipeline(fup)
    db = fup.db_path
    keeper = None
    if wal == "open":
        keeper = sqlite3.connect(db)
        keeper.execute("SELECT count(*) FROM contact").fetchone()
        fup.ok("log", "ana", "--note", "kept in the WAL")  # the keeper's connection stops its checkpoint
        assert db.with_name(db.name + "-wal").stat().st_size > 0
    try:
        files = database_files(db)
        assert (files[db.name + "-wal"] is None) == (wal == "checkpointed")
        results = run_all(READ_ONLY_COMMANDS, child_env)
        after = database_files(db)
    finally:
        if keeper is not None:
            keeper.close()
    for result in results:
        assert result.returncode == 0, (result.args, result.stderr)
    assert after[db.name] == files[db.name]
    wal_bytes = [state[0] if state else b"" for state in (files[db.name + "-wal"], after[db.name + "-wal"])]
    assert wal_bytes[1] == wal_bytes[0]  # a reader may create an empty WAL beside the file, never fill it
