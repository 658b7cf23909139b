"""One fup process must never drop its own SQLite locks.

On POSIX, closing *any* file descriptor of a file drops every lock the
process holds on it, SQLite's included ("How To Corrupt An SQLite Database
File", section 2.2). A command that reads first and writes after (`rm`,
`forget`) keeps a read connection open; if it then opened and closed the
database file itself (say, to look at its header), another fup closing its
last connection would believe it was the only one, checkpoint and delete the
-wal and -shm files under this process, and the two could then write at
once. Here a second process holds the write lock while this one reads and
gets ready to write, then exits: the -wal and -shm files must survive it, and
the write that follows must land next to everything else.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from fupcli import core
from fupcli.context import AppContext

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
conn.close()
"""


def test_reading_then_writing_keeps_this_process_s_locks(fup) -> None:
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "Lock Two")
    db = fup.db_path
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    ctx = AppContext.from_environment()
    try:
        assert holder.stdout.readline().strip() == "holding"
        found = core.find(ctx, "lock two")  # a read connection, kept open as `fup rm` keeps it
        ctx.store.prepare_for_write()  # what every write does before it waits for the lock
        holder.communicate("go\n", timeout=60)  # the other fup commits and closes its connection
        assert holder.returncode == 0
        sidecars = [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]
        assert all(path.exists() for path in sidecars), "another process deleted the WAL under a live reader"
        core.remove_contact(ctx, found["id"])
    finally:
        ctx.close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert [r[0] for r in conn.execute("SELECT name FROM contact ORDER BY id")] == ["Ana Ruiz"]
    finally:
        conn.close()


def test_forget_while_another_fup_writes_erases_only_its_contact(fup, tmp_path: Path) -> None:
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "Lock Two")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(fup.db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    ctx = AppContext.from_environment()
    try:
        assert holder.stdout.readline().strip() == "holding"
        found = core.find_to_forget(ctx, "lock two")
        ctx.store.prepare_for_write()
        holder.communicate("go\n", timeout=60)
        summary = core.forget_contact(ctx, found["id"])
    finally:
        ctx.close()
    assert summary["erased"]
    assert [row["name"] for row in fup.json("list", "-f", "json")] == ["Ana Ruiz"]
    assert fup.ok("doctor").exit_code == 0
