"""`fup doctor` tells a sound database from a damaged one, in plain words, and changes nothing.

What it proves:

- a healthy database: exit 0 and every check ok, as a table (one line per
  check) and as JSON (schema, integrity, foreign keys, journal, permissions);
- garbage written into the middle of a b-tree page of the `contact` table
  (found through `sqlite_master.rootpage` and the page size, inside the
  page's cell content area): exit 6, an integrity finding that says the file
  is damaged, every finding on one line, no traceback; garbage in the
  page holding the table list (page 1) is reported as damage too, not
  refused as another application's file;
- rows pointing at a missing contact, a rollback-journal file, a 0644
  database or backup, a 0755 backups folder, an old schema (the
  released 0001 fixture) and a newer one: each its own finding, exit 6;
- a file that is not a fup database (random bytes, another application's
  SQLite file, in rollback or WAL mode) is refused with one line, exit 6
  (and no warning about its permissions: it is not fup's), left
  byte-identical, with no -wal or -shm created beside it;
- no database: exit 3, nothing created;
- in every case the database file's bytes are the same after the doctor ran.

How: the in-process `fup` runner; damage and oddities are made with the
stdlib sqlite3 module and plain file writes on a database fup wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "fup-0001.db"
CHECKS = ["schema", "integrity", "foreign keys", "journal", "permissions"]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, but for the -shm shared memory (which readers
    update) and an empty -wal file (which a read-only SQLite connection leaves beside a WAL
    database it opened, as `fup today` does)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith("-shm") and not (p.name.endswith("-wal") and p.stat().st_size == 0)}


def checkpoint(db: Path) -> None:
    """Move everything from the -wal into the main file, so a page can be damaged in place."""
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    conn.close()


def run_doctor(fup, *args: str):
    """Run `fup doctor ARGS` and check it left the database's bytes as they were."""
    before = fup.db_path.read_bytes() if fup.db_path.exists() else None
    result = fup("doctor", *args)
    after = fup.db_path.read_bytes() if fup.db_path.exists() else None
    assert after == before, "fup doctor changed the database file"
    assert "Traceback" not in result.stdout + result.stderr
    return result


def table_findings(result) -> dict[str, tuple[str, str]]:
    """`fup doctor`'s table: check -> (verdict, detail); each finding must be one line."""
    lines = result.stdout.splitlines()
    findings = {}
    for line in lines:
        verdict, _, rest = line.partition(" ")
        check, _, detail = rest.strip().partition(": ")
        findings[check] = (verdict, detail)
    assert list(findings) == CHECKS, result.stdout
    return findings


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small database fup wrote (built once): contacts with touches, commitments, agenda rows."""
    from typer.testing import CliRunner

    from fupcli.cli.app import app

    home = tmp_path_factory.mktemp("template")
    env = {"FUP_HOME": str(home), "FUP_NOW": "2026-11-23T09:00", "FUP_DB": None, "FUP_DEBUG": None}
    runner = CliRunner()
    for args in (["add", "Ana Ruiz", "--email", "ana@x.example", "--next", "send deck", "--due", "fri"],
                 ["add", "Ben Okafor", "--note", "met at the fair"],
                 ["add", "Cleo Park", "--company", "Loop"],
                 ["log", "ben", "call", "--outcome", "talked"]):
        result = runner.invoke(app, args, env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in home.iterdir()) == ["fup.db"]  # all in the main file
    return home / "fup.db"


@pytest.fixture
def healthy(fup, template: Path):
    """`fup` over a private copy of the template database."""
    os.chmod(fup.home, 0o700)
    shutil.copyfile(template, fup.db_path)
    os.chmod(fup.db_path, 0o600)
    return fup


def test_a_healthy_database_is_all_ok(healthy) -> None:
    fup = healthy
    result = run_doctor(fup)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert all(verdict == "ok" for verdict, _ in table_findings(result).values())

    result = run_doctor(fup, "-f", "json")
    assert result.exit_code == 0
    findings = json.loads(result.stdout)
    assert [f["check"] for f in findings] == CHECKS
    assert all(f["ok"] is True and f["detail"] for f in findings)


def damage_contact_page(db: Path) -> None:
    """Write garbage into the middle of the cell content area of the contact table's root page."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE type='table' AND name='contact'").fetchone()[0]
    assert conn.execute("SELECT pagetype FROM dbstat WHERE name='contact'").fetchall() == [("leaf",)]
    conn.close()
    with db.open("r+b") as handle:
        start = (root - 1) * page_size
        handle.seek(start)
        header = handle.read(8)
        assert header[0] == 13, "expected a table leaf page"
        content = struct.unpack(">H", header[5:7])[0] or 65536  # where the cells begin
        middle = start + (content + page_size) // 2
        handle.seek(middle - 32)
        handle.write(bytes(range(0xA0, 0xE0)))


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_damaged_contact_page_is_reported_in_plain_words(healthy, fmt: str) -> None:
    fup = healthy
    db = fup.db_path
    checkpoint(db)
    damage_contact_page(db)
    result = run_doctor(fup, "-f", fmt)
    assert result.exit_code == 6
    assert result.stderr == ""
    if fmt == "table":
        verdict, detail = table_findings(result)["integrity"]
    else:
        found = {f["check"]: f for f in json.loads(result.stdout)}
        verdict, detail = ("ok" if found["integrity"]["ok"] else "PROBLEM"), found["integrity"]["detail"]
    assert verdict == "PROBLEM"
    assert detail.startswith("the file is damaged") and "restore a backup" in detail
    assert "\n" not in detail


def test_a_damaged_table_list_is_reported_as_damage_not_as_another_apps_file(healthy) -> None:
    fup = healthy
    db = fup.db_path
    checkpoint(db)
    for leftover in fup.home.glob("fup.db-*"):
        leftover.unlink()
    with db.open("r+b") as handle:  # page 1: the file header, then sqlite_master's b-tree
        handle.seek(16)
        page_size = struct.unpack(">H", handle.read(2))[0]
        handle.seek(100)
        header = handle.read(12)
        start = 0  # where the damaged leaf page begins in the file
        if header[0] == 5:  # sqlite_master spans pages: page 1 points at them; damage its right-most leaf
            start = (struct.unpack(">I", header[8:12])[0] - 1) * page_size
            handle.seek(start)
            header = handle.read(8)
        assert header[0] == 13, "expected a leaf page of sqlite_master"
        content = struct.unpack(">H", header[5:7])[0]
        middle = (content + page_size) // 2
        handle.seek(start + middle - 40)
        handle.write(bytes(range(0x30, 0x80)))
    names = sorted(p.name for p in fup.home.iterdir())
    result = run_doctor(fup)
    assert result.exit_code == 6
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PROBLEM  integrity: the file is damaged: its list of tables cannot be read")
    assert lines[0].endswith("restore a backup")
    assert sorted(p.name for p in fup.home.iterdir()) == names  # no -wal, no -shm


def test_a_row_pointing_at_a_missing_contact_is_reported(healthy) -> None:
    fup = healthy
    conn = sqlite3.connect(fup.db_path)  # foreign keys are off by default on a raw connection
    conn.execute("UPDATE touch SET contact_id = 999 WHERE id = (SELECT min(id) FROM touch)")
    conn.commit()
    conn.close()
    result = run_doctor(fup)
    assert result.exit_code == 6
    findings = table_findings(result)
    assert findings["foreign keys"] == ("PROBLEM", "1 rows in touch point at missing rows")
    assert findings["integrity"][0] == "ok"


def test_a_rollback_journal_database_is_reported(healthy) -> None:
    fup = healthy
    conn = sqlite3.connect(fup.db_path)
    assert conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    conn.close()
    result = run_doctor(fup)
    assert result.exit_code == 6
    verdict, detail = table_findings(result)["journal"]
    assert verdict == "PROBLEM" and "journal mode delete" in detail


@pytest.mark.parametrize("exposed", ["db", "backup", "backups folder"])
def test_files_other_users_can_read_are_reported(healthy, exposed: str) -> None:
    fup = healthy
    fup.ok("backup")
    backups = fup.home / "backups"
    path = {"db": fup.db_path, "backup": next(backups.iterdir()), "backups folder": backups}[exposed]
    os.chmod(path, 0o755 if path.is_dir() else 0o644)
    result = run_doctor(fup)
    assert result.exit_code == 6
    findings = table_findings(result)
    verdict, detail = findings["permissions"]
    assert verdict == "PROBLEM" and str(path) in detail and "chmod" in detail
    assert all(v == "ok" for check, (v, _) in findings.items() if check != "permissions")


def test_an_old_schema_is_reported_and_left_as_it_is(fup) -> None:
    db = fup.db_path
    shutil.copyfile(FIXTURE, db)
    os.chmod(db, 0o600)
    before = tree(fup.home)
    result = run_doctor(fup)
    assert result.exit_code == 6
    findings = table_findings(result)
    verdict, detail = findings["schema"]
    assert verdict == "PROBLEM" and "0001" in detail and "older" in detail
    assert all(v == "ok" for check, (v, _) in findings.items() if check != "schema")
    assert tree(fup.home) == before
    assert not (fup.home / "backups").exists()


def test_a_newer_schema_is_reported(healthy) -> None:
    fup = healthy
    conn = sqlite3.connect(fup.db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = run_doctor(fup, "-f", "json")
    assert result.exit_code == 6
    findings = json.loads(result.stdout)
    assert [(f["check"], f["ok"]) for f in findings] == [("schema", False)]
    assert "9999" in findings[0]["detail"]


def make_other_app_db(path: Path, wal: bool) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE songs (title TEXT, artist TEXT)")
    conn.executemany("INSERT INTO songs VALUES (?, ?)", [("a", "b"), ("c", "d")])
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["random bytes", "text", "other app", "other app in WAL mode", "sqlite header only"])
def test_a_file_that_is_not_a_fup_database_is_refused_untouched(fup, kind: str) -> None:
    db = fup.db_path
    if kind == "random bytes":
        db.write_bytes(os.urandom(8192))
    elif kind == "text":
        db.write_text("name,email\nAna,ana@x.example\n")
    elif kind == "sqlite header only":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(4080))
    else:
        make_other_app_db(db, wal=kind.endswith("WAL mode"))
    os.chmod(db, 0o644)  # readable by others, but not fup's: refused, with no warning about it
    before = tree(fup.home)
    names = sorted(p.name for p in fup.home.iterdir())
    for fmt in ("table", "json"):
        result = run_doctor(fup, "-f", fmt)
        assert result.exit_code == 6
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("fup: error: ") and "not a fup database" in lines[0], result.stderr
    assert tree(fup.home) == before
    assert sorted(p.name for p in fup.home.iterdir()) == names  # no -wal, no -shm


def test_no_database_exits_3_and_creates_nothing(fup) -> None:
    result = run_doctor(fup)
    assert result.exit_code == 3
    assert len(result.stderr.splitlines()) == 1 and "no database" in result.stderr
    assert list(fup.home.iterdir()) == []
