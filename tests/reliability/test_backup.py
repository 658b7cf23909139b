"""`fup backup` makes a consistent, private copy through SQLite's online backup API.

What it proves:

- a backup taken while another process keeps writing (`fup log` in a loop)
  passes `integrity_check` and holds exactly a prefix of that process's
  writes (one consistent snapshot, never a torn file), and later backups
  hold longer prefixes;
- the copy is the newest committed state even when that state lives only in
  the -wal file (a reader kept the WAL from being checkpointed): a plain copy
  of fup.db would miss that row, so the backup cannot be a file copy;
- under umask 022 the copy is 0600 and the `backups/` folder 0700, also when
  the copy replaces an older, world-readable backup;
- `fup backup` (default folder), `fup backup DIR` and `fup backup FILE` work,
  and a second backup in the same second gets a name of its own;
- the live database (by any spelling: its -wal, a symlink, a `..` path) and
  an existing file that is not SQLite are refused with one line and a
  non-zero exit, everything left byte-identical; a missing folder is
  refused too;
- a damaged database is not backed up (one line, exit 6, nothing left in
  the folder); a schema-0001 database is copied as it is, not upgraded;
- with no database, exit 3 and nothing created; a file that is not fup's
  is refused with one line (no permissions warning), exit 6, left untouched.

How: the in-process `fup` runner for the backups, and for the concurrent
writer a child Python process that runs the same app in a loop, reporting
each committed write on stdout.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "fup-0001.db"

# A writer that logs a touch on Ana with notes w00000, w00001, ... until a stop file
# appears, printing the number of each committed write.
WRITER = """
import os, sys
from pathlib import Path
from fupcli.cli.app import app
report = os.fdopen(os.dup(1), "w")
sys.stdout = open(os.devnull, "w")
stop = Path(sys.argv[1])
for i in range(5000):
    if stop.exists():
        break
    try:
        app(["log", "ana", "--note", f"w{i:05d}"], prog_name="fup")
    except SystemExit as exc:
        if exc.code not in (0, None):
            print(f"failed {i} {exc.code}", file=report, flush=True)
            break
    print(i, file=report, flush=True)
"""


def query(path: Path, sql: str) -> list[tuple]:
    """Read-only; a file with no -wal beside it is opened immutable, so nothing is created beside it."""
    flags = "mode=ro" if path.with_name(path.name + "-wal").exists() else "mode=ro&immutable=1"
    conn = sqlite3.connect(f"file:{path}?{flags}", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative name, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fup: error: "), result.stderr
    return lines[0]


@pytest.fixture
def ana(fup):
    fup.ok("add", "Ana Ruiz", "--email", "ana@x.example")
    fup.ok("add", "Ben Okafor")
    return fup


def test_backup_during_continuous_writes_is_a_consistent_prefix(ana, tmp_path: Path) -> None:
    fup = ana
    stop = tmp_path / "stop"
    env = {k: v for k, v in os.environ.items() if k not in ("FUP_DB", "FUP_DEBUG")}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    copies = []
    try:
        for _ in range(3):  # let the writer get going before the first backup
            assert writer.stdout.readline().strip().isdigit()
        for n in range(4):
            copy = tmp_path / f"copy-{n}.db"
            result = fup.ok("backup", str(copy))
            assert result.stdout.startswith("Backed up 2 contacts to ")
            copies.append(copy)
            writer.stdout.readline()  # at least one more write between two backups
        assert writer.poll() is None, "the writer stopped before the backups were done"
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0 and "failed" not in out, (out, err)

    prefixes = []
    for copy in copies:
        assert query(copy, "PRAGMA integrity_check") == [("ok",)]
        assert query(copy, "PRAGMA foreign_key_check") == []
        notes = sorted(r[0] for r in query(copy, "SELECT note FROM touch WHERE note LIKE 'w%'"))
        assert notes == [f"w{i:05d}" for i in range(len(notes))], "the copy is not a prefix of the writes"
        prefixes.append(len(notes))
    assert prefixes == sorted(prefixes) and prefixes[0] >= 3 and prefixes[-1] > prefixes[0], prefixes
    final = query(fup.db_path, "SELECT count(*) FROM touch WHERE note LIKE 'w%'")[0][0]
    assert final >= prefixes[-1]


def test_backup_holds_commits_that_are_only_in_the_wal(ana, tmp_path: Path) -> None:
    fup = ana
    db = fup.db_path
    holder = sqlite3.connect(db)  # an open reader: closing fup's connection will not checkpoint
    try:
        holder.execute("SELECT count(*) FROM contact").fetchone()
        fup.ok("add", "Wal Resident")
        main_only = tmp_path / "main-only.db"
        main_only.write_bytes(db.read_bytes())
        immutable = sqlite3.connect(f"file:{main_only}?immutable=1", uri=True)
        assert immutable.execute("SELECT count(*) FROM contact WHERE name = 'Wal Resident'").fetchone()[0] == 0
        immutable.close()
        assert b"Wal Resident" in db.with_name("fup.db-wal").read_bytes()

        copy = tmp_path / "copy.db"
        fup.ok("backup", str(copy))
    finally:
        holder.close()
    assert query(copy, "SELECT name FROM contact ORDER BY id") == [("Ana Ruiz",), ("Ben Okafor",), ("Wal Resident",)]
    assert query(copy, "PRAGMA integrity_check") == [("ok",)]


def test_default_backup_is_private_under_umask_022(ana, umask_022) -> None:
    fup = ana
    result = fup.ok("backup")
    backup = fup.home / "backups" / "fup-20261123-090000.db"
    assert result.stdout.startswith(f"Backed up 2 contacts to {backup} (")
    assert result.stderr == ""
    assert (fup.home / "backups").stat().st_mode & 0o777 == 0o700
    assert backup.stat().st_mode & 0o777 == 0o600
    assert query(backup, "SELECT name FROM contact ORDER BY id") == [("Ana Ruiz",), ("Ben Okafor",)]

    fup.ok("backup")  # the same second: a name of its own, the first one kept
    assert sorted(p.name for p in backup.parent.iterdir()) == ["fup-20261123-090000-2.db", "fup-20261123-090000.db"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in backup.parent.iterdir())


def test_backup_into_a_folder_and_onto_a_file(ana, tmp_path: Path, umask_022) -> None:
    fup = ana
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    fup.ok("backup", str(folder))
    made = folder / "fup-20261123-090000.db"
    assert [p.name for p in folder.iterdir()] == [made.name]
    assert made.stat().st_mode & 0o777 == 0o600

    old = tmp_path / "old-backup.db"
    old.write_bytes(made.read_bytes())
    os.chmod(old, 0o644)
    fup.ok("add", "Cleo Park")
    result = fup.ok("backup", str(old))  # an older backup is replaced, and made private
    assert f"to {old} (" in result.stdout
    assert query(old, "SELECT count(*) FROM contact") == [(3,)]
    assert old.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("spelling", ["path", "dotdot", "wal", "shm", "symlink"])
def test_backup_onto_the_live_database_is_refused(ana, tmp_path: Path, spelling: str) -> None:
    fup = ana
    db = fup.db_path
    link = tmp_path / "link.db"
    link.symlink_to(db)
    target = {
        "path": db,
        "dotdot": db.parent / ".." / db.parent.name / db.name,
        "wal": db.with_name("fup.db-wal"),
        "shm": db.with_name("fup.db-shm"),
        "symlink": link,
    }[spelling]
    before = tree(fup.home)
    line = one_error_line(fup("backup", str(target)), 2)
    assert "live database" in line
    assert tree(fup.home) == before


@pytest.mark.parametrize("content", [b"name,email\nAna,ana@x.example\n", b"", b"SQLite format 2\x00 not really"])
def test_backup_onto_a_file_that_is_not_sqlite_is_refused(ana, tmp_path: Path, content: bytes) -> None:
    fup = ana
    target = tmp_path / "contacts.csv"
    target.write_bytes(content)
    before = tree(fup.home)
    line = one_error_line(fup("backup", str(target)), 2)
    assert "not a database" in line
    assert target.read_bytes() == content
    assert tree(fup.home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.csv", "fup-home"]


def test_backup_into_a_missing_folder_is_refused(ana, tmp_path: Path) -> None:
    fup = ana
    line = one_error_line(fup("backup", str(tmp_path / "no" / "such" / "copy.db")), 2)
    assert "is not a directory" in line
    assert not (tmp_path / "no").exists()


def test_backup_with_no_database_exits_3_and_creates_nothing(fup) -> None:
    line = one_error_line(fup("backup"), 3)
    assert "no database" in line
    assert list(fup.home.iterdir()) == []


@pytest.mark.parametrize("kind", ["random", "other-app"])
def test_backup_of_a_file_that_is_not_fups_is_refused_untouched(fup, kind: str) -> None:
    db = fup.db_path
    if kind == "random":
        db.write_bytes(os.urandom(4096))
    else:
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE songs (title TEXT)")
        conn.execute("INSERT INTO songs VALUES ('x')")
        conn.commit()
        conn.close()
    os.chmod(db, 0o644)  # readable by others, but not fup's: refused, with no warning about it
    before = tree(fup.home)
    line = one_error_line(fup("backup"), 6)
    assert "not a fup database" in line
    assert tree(fup.home) == before


def test_a_damaged_database_is_not_backed_up(ana) -> None:
    fup = ana
    db = fup.db_path
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contact'").fetchone()[0]
    conn.close()
    with db.open("r+b") as handle:  # garbage over the cells at the end of the contact table's page
        handle.seek(root * page_size - 200)
        handle.write(bytes(range(0x60, 0x60 + 150)))
    line = one_error_line(fup("backup"), 6)
    assert "integrity check" in line and "not kept" in line
    assert list((fup.home / "backups").iterdir()) == []  # no copy, no temporary file, no journal


def test_a_schema_0001_database_is_backed_up_as_it_is(fup, tmp_path: Path) -> None:
    db = fup.db_path
    db.write_bytes(FIXTURE.read_bytes())
    os.chmod(db, 0o600)
    before = db.read_bytes()
    copy = tmp_path / "old.db"
    fup.ok("backup", str(copy))
    assert db.read_bytes() == before
    assert query(copy, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert query(copy, "SELECT count(*) FROM contact") == query(db, "SELECT count(*) FROM contact")
