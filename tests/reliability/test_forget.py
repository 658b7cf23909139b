"""`fup forget` when the file cannot be rewritten, and its --wipe to finish later.

The erasure (rows and undo history) is one transaction and commits first;
the VACUUM that wipes old copies of the text needs room for a copy of the
file. With the file size limited so that the erasure fits but the VACUUM
does not, forget must say in one line that the contact is erased but the
old bytes are not wiped yet (exit 6, never "nothing was changed"); the
contact must be gone; and `fup forget --wipe`, run with room, must leave no
trace of the text in the files.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_full_disk import big_csv, integrity, run_limited

SENTINEL = "qzx-forget-sentinel"


def traces(home: Path) -> list[str]:
    return [p.name for p in home.glob("fup.db*") if SENTINEL.encode() in p.read_bytes()]


def test_forget_on_a_full_disk_erases_then_wipe_finishes(fup, child_env: dict[str, str], tmp_path: Path) -> None:
    fup.ok("import", "contacts", str(big_csv(tmp_path / "many.csv", 1500)))
    fup.ok("add", "Secret Person", "--note", f"notes {SENTINEL}")
    fup.ok("log", "secret", "--note", f"call {SENTINEL}")
    conn = sqlite3.connect(fup.db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    limit = fup.db_path.stat().st_size // 2  # the erasure's few pages fit; a copy of the file does not

    result = run_limited(["forget", "secret", "--yes"], child_env, limit)

    assert result.returncode == 6, result.stderr
    line, = result.stderr.splitlines()
    assert line.startswith("fup: error: Secret Person is erased, but old copies of erased text could not be wiped")
    assert "fup forget --wipe" in line and "nothing was changed" not in line
    assert result.stdout.startswith("Erased Secret Person (#1501)")
    assert integrity(fup.db_path) == [("ok",)]
    assert [r for r in fup.json("list", "-f", "json") if r["name"] == "Secret Person"] == []

    assert fup.ok("forget", "--wipe").stdout == "Wiped the free space of the database file.\n"
    assert traces(fup.home) == []
    assert len(fup.json("list", "-f", "json")) == 1500


def test_forget_needs_who_or_wipe_alone(fup) -> None:
    fup.ok("add", "Ana Ruiz")
    before = fup.dump()
    for args in (["forget"], ["forget", "ana", "--wipe"]):
        result = fup(*args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert fup.dump() == before


def test_forget_of_a_contact_imported_into_a_free_id_spares_the_earlier_owner_of_that_id(fup, tmp_path: Path) -> None:
    """An import may give a new contact a free id below the newest one (fup's own CSV keeps
    ids): forgetting it must not reach back into the history of whoever had that id before."""
    fup.ok("add", "Old Person", "--email", "old@x.example", now="2026-11-23T09:00")
    fup.ok("add", "Bob Lee", now="2026-11-23T09:01")
    fup.ok("add", "Cy Dee", now="2026-11-23T09:02")
    fup.ok("log", "old", "--note", "old-secret", now="2026-11-23T09:03")
    fup.ok("rm", "old", "--yes", now="2026-11-23T09:04")
    csv = tmp_path / "ana.csv"
    csv.write_text("id,name,company,title,email,phone,url,tags,source,channel,cadence,state,birthday,notes,"
                   "created_at,next_due,snoozed_until\n"
                   "1,Ana New,,,ana@x.example,,,,,email,warm,active,,,2026-11-23T09:00:00,2026-11-27,\n")
    fup.ok("import", "contacts", str(csv), now="2026-11-23T09:05")
    assert fup.json("show", "1", "-f", "json")["name"] == "Ana New"

    fup.ok("forget", "ana new", "--yes", now="2026-11-23T09:06")

    assert fup.ok("undo").stdout.startswith("Undid: import contacts")
    assert fup.ok("undo").stdout == "Undid: rm Old Person (#1) (today 09:04).\n"
    assert fup.json("show", "1", "-f", "json")["email"] == "old@x.example"
