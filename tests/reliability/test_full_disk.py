"""A full disk or a failing write: one plain line, a non-zero exit, and the data exactly as before.

How: the installed `fup` runs in a child whose file size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored so write(2) fails with EFBIG instead of
killing it) stops the database's files from growing. A large `fup import
contacts` must grow the WAL past the limit. A `fup log` writes only a few
pages, so the test keeps a read transaction open on frames already in the
WAL: SQLite can then neither checkpoint nor restart the WAL from its start,
the log's frames must be appended at its end, and the limit is set at its
current size. Each failure must print exactly one line on stderr (no
traceback, no SQL, no parameters), exit 6, and leave the same SQL dump and
a clean `PRAGMA integrity_check`; the same command without the limit then
succeeds, so the limit was the only obstacle. An export past the limit
(to a file, or to standard output) must fail the same way and leave no
partial file. Where mounting is allowed, a 4 MiB tmpfs filled to the last
byte gives the real ENOSPC; /dev/full does it for standard output.
`describe_failure` is also checked directly on real SQLite and OS errors.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import Iterator, Optional

import pytest

from fupcli.errors import ExitCode, describe_failure
from workers import FUP, fup_env, linkedin_csv, shared_test_helpers

sqlite_dump = shared_test_helpers().sqlite_dump

LEAKS = ("Traceback", "SQL", "INSERT", "UPDATE", "SELECT", "sqlite3", "OperationalError", "[parameters")


def run_limited(args: list[str], env: dict[str, str], limit: Optional[int], **kwargs) -> subprocess.CompletedProcess:
    """Run the installed `fup ARGS` with files limited to `limit` bytes (None: no limit)."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([str(FUP), *args], env=env, text=True, timeout=300,
                          preexec_fn=limit_files if limit is not None else None, **streams)


def assert_one_plain_line(result: subprocess.CompletedProcess, *words: str) -> str:
    """The command failed with exit 6 and exactly one `fup: error:` line holding `words`, and nothing else."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("fup: error: "), line
    for leak in LEAKS:
        assert leak not in line, line
    for word in words:
        assert word in line, line
    assert result.returncode == int(ExitCode.DATABASE), (result.returncode, line)
    return line


def big_csv(path: Path, rows: int) -> Path:
    return linkedin_csv(path, [(f"Bulk{i}", f"Person{i}", f"bulk{i}@example.com") for i in range(rows)])


def integrity(db: Path) -> list:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


# --- describe_failure on real errors ----------------------------------------------------------


def test_a_full_database_through_sqlalchemy_is_one_plain_line(tmp_path: Path) -> None:
    """A real SQLITE_FULL (the page limit reached), raised by SQLAlchemy with its SQL and parameters."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(f"sqlite:///{tmp_path / 'small.db'}")
    secret = "private note " + uuid.uuid4().hex
    with pytest.raises(OperationalError) as caught:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (note TEXT)")
            conn.exec_driver_sql("PRAGMA max_page_count = 3")
            for _ in range(100):
                conn.execute(text("INSERT INTO t VALUES (:note)"), {"note": secret * 20})
    engine.dispose()
    assert "INSERT" in str(caught.value)  # what used to be shown
    message, code = describe_failure(caught.value)
    assert code == int(ExitCode.DATABASE)
    assert message == ("cannot write the database: the disk is full or a file size limit was reached; "
                       "nothing was changed")
    assert secret not in message


@pytest.mark.parametrize("number, words", [
    (errno.ENOSPC, "the disk is full"),
    (errno.EFBIG, "a file size limit was reached"),
    (errno.EDQUOT, "the disk quota is exceeded"),
])
def test_os_errors_for_no_room_are_one_plain_line(tmp_path: Path, number: int, words: str) -> None:
    named = OSError(number, os.strerror(number), str(tmp_path / "out.csv"))
    assert describe_failure(named) == (f"cannot write {tmp_path / 'out.csv'}: {words}", int(ExitCode.DATABASE))
    try:  # raised while handling another error: the cause is found through the chain
        try:
            raise OSError(number, os.strerror(number))
        except OSError:
            raise RuntimeError("cleanup failed")
    except RuntimeError as chained:
        assert describe_failure(chained) == (f"cannot write: {words}", int(ExitCode.DATABASE))


# --- a file size limit ------------------------------------------------------------------------


@pytest.fixture
def small_pipeline(fup) -> Path:
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example")
    fup.ok("add", "Ben Okafor", "--next", "send the deck", "--due", "fri")
    fup.ok("log", "ana", "--note", "first call")
    return fup.db_path


def test_an_import_past_the_file_size_limit_fails_cleanly(fup, small_pipeline: Path, child_env: dict[str, str],
                                                          tmp_path: Path) -> None:
    db = small_pipeline
    assert not db.with_name("fup.db-wal").exists()  # the WAL starts empty: the import must grow it
    csv = big_csv(tmp_path / "big.csv", 2000)
    before = fup.dump()
    limit = db.stat().st_size

    result = run_limited(["import", "contacts", str(csv)], child_env, limit)

    assert_one_plain_line(result, "cannot", "disk", "full", "nothing was changed")
    assert result.stdout == ""
    assert fup.dump() == before
    assert integrity(db) == [("ok",)]
    fup.ok("import", "contacts", str(csv))
    assert len(fup.json("list", "-f", "json")) == 2 + 2000


def test_a_log_past_the_file_size_limit_fails_cleanly(fup, small_pipeline: Path, child_env: dict[str, str]) -> None:
    db = small_pipeline
    wal = db.with_name("fup.db-wal")
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        reader.execute("SELECT count(*) FROM contact").fetchone()  # keeps fup's connections from checkpointing
        fup.ok("log", "ben", "--note", "in the WAL")
        reader.execute("BEGIN")  # a snapshot on the WAL's frames: the WAL cannot restart
        reader.execute("SELECT count(*) FROM touch").fetchone()
        assert wal.stat().st_size > 0
        before = fup.dump()
        limit = wal.stat().st_size

        result = run_limited(["log", "ana", "--note", "lost to the limit"], child_env, limit)

        assert wal.stat().st_size <= limit
        assert_one_plain_line(result, "cannot", "disk", "nothing was changed")
        assert result.stdout == ""
        assert fup.dump() == before
        reader.execute("COMMIT")
    finally:
        reader.close()
    assert integrity(db) == [("ok",)]
    fup.ok("log", "ana", "--note", "after the limit")
    notes = [t["note"] for t in fup.json("show", "ana", "-f", "json")["touches"]]
    assert "after the limit" in notes and "lost to the limit" not in notes


@pytest.mark.parametrize("where, unbuffered", [
    ("-o FILE", False),
    ("stdout", False),
    ("stdout", True),
], ids=["-o FILE", "stdout", "stdout, PYTHONUNBUFFERED=1"])
def test_an_export_past_the_file_size_limit_fails_cleanly(fup, fup_home: Path, child_env: dict[str, str],
                                                          tmp_path: Path, where: str, unbuffered: bool) -> None:
    """The fast path's boundary: `fup export` writes a file, nothing of the database. The export
    (about 120 KB) is written in one go, so the kernel first accepts part of it (a partial write)."""
    fup.ok("import", "contacts", str(big_csv(tmp_path / "some.csv", 1000)))
    fup.ok("today")  # the shared-memory file exists: only the export itself grows a file
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "contacts.csv"
    limit = 48 * 1024  # above the 32 KiB shared-memory file, below the export
    env = {key: value for key, value in child_env.items() if key != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"

    if where == "stdout":
        with target.open("w") as stream:
            result = run_limited(["export", "contacts"], env, limit, stdout=stream)
        assert target.stat().st_size <= limit
    else:
        result = run_limited(["export", "contacts", "-o", str(target)], env, limit)
        assert list(out_dir.iterdir()) == []  # no partial file, no temporary file left behind

    assert_one_plain_line(result, "cannot write", "a file size limit was reached")


DEV_FULL = Path("/dev/full")  # every write(2) to it fails with ENOSPC

@pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full here")
@pytest.mark.parametrize("args", [
    pytest.param(["today"], id="today"),
    pytest.param(["show", "ana"], id="show"),
    pytest.param(["log", "ana", "--note", "said so"], id="log"),
])
def test_output_to_a_full_disk_is_one_plain_line(fup, child_env: dict[str, str], args: list[str]) -> None:
    """Standard output on a full disk (buffered, as usual: PYTHONUNBUFFERED unset). A `fup log`
    has committed by the time it prints, so its line must not claim nothing was changed."""
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "today")
    env = {key: value for key, value in child_env.items() if key != "PYTHONUNBUFFERED"}
    with DEV_FULL.open("w") as full:
        result = subprocess.run([str(FUP), *args], env=env, stdout=full, stderr=subprocess.PIPE, text=True,
                                timeout=120)
    line = assert_one_plain_line(result, "cannot write", "the disk is full")
    assert "nothing was changed" not in line


# --- a full file system -----------------------------------------------------------------------


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for the test; skipped where mounting is not allowed."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount_point)],
                                 capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a tmpfs: {exc}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=30)


def fill(directory: Path) -> Path:
    """Take every free byte of the file system holding `directory`."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


@pytest.fixture
def full_disk_home(fup, tiny_filesystem: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """A fup home on the tmpfs with a contact and a touch; `fup` (in-process) works on it too."""
    home = tiny_filesystem / "home"
    monkeypatch.setenv("FUP_HOME", str(home))
    fup.home = home
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example")
    fup.ok("log", "ana", "--note", "first call")
    return home, fup_env(home)


@pytest.mark.parametrize("command", ["import", "log", "export -o"])
def test_a_full_file_system_fails_cleanly(fup, full_disk_home: tuple[Path, dict[str, str]], tmp_path: Path,
                                          command: str) -> None:
    home, env = full_disk_home
    db = home / "fup.db"
    args = {
        "import": ["import", "contacts", str(big_csv(tmp_path / "big.csv", 3000))],
        "log": ["log", "ana", "--note", "no room"],
        "export -o": ["export", "contacts", "-o", str(home / "contacts.csv")],
    }[command]
    before = sqlite_dump(db)
    filler = fill(home)

    result = run_limited(args, env, None)

    filler.unlink()
    assert_one_plain_line(result, "cannot", "full")
    assert sqlite_dump(db) == before
    assert integrity(db) == [("ok",)]
    assert not (home / "contacts.csv").exists()
    fup.ok(args)  # with room again, the same command works


def test_a_second_command_on_a_full_file_system_is_not_told_the_database_is_foreign(
        full_disk_home: tuple[Path, dict[str, str]]) -> None:
    """The first failed command leaves a shared-memory file it could not finish; the next one must
    still say the disk is full, not that the file is not a fup database."""
    home, env = full_disk_home
    filler = fill(home)
    try:
        first = run_limited(["log", "ana", "--note", "no room"], env, None)
        second = run_limited(["log", "ana", "--note", "no room"], env, None)
    finally:
        filler.unlink()
    assert_one_plain_line(first, "cannot", "full")
    assert "not a fup database" not in second.stderr
    assert_one_plain_line(second, "cannot", "full")
