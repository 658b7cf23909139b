"""Backups: a consistent copy of the live database through SQLite's online backup API.

Never a file copy: copying fup.db while another process writes (or while
its -wal file holds the newest pages) can give a torn or stale file. Here a
read-only connection copies every page of one snapshot into a new file made
0600 beside the target, which is checked (`PRAGMA integrity_check`), synced
to disk and only then renamed into place, so a crash leaves no half backup.
An automatic backup never replaces another one (two fups upgrading at once
each keep their own name), and one that turns out to be of the already
upgraded file is dropped. Used by `fup backup` and, before every schema upgrade, by `Store`.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..transfer.csvio import shown
from ..errors import BadInput, DatabaseError
from .store import SQLITE_HEADER, Store

BACKUP_DIR = "backups"
KEEP_AUTOMATIC = 5  # automatic backups (before upgrades) kept; `fup backup` copies are never pruned


@dataclass(frozen=True)
class BackupReport:
    path: Path
    contacts: int
    size: int
    schema: str


def default_dir(store: Store) -> Path:
    assert store.path is not None
    return store.path.parent / BACKUP_DIR


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def _free_name(folder: Path, stem: str) -> Path:
    candidate, n = folder / f"{stem}.db", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}.db"
    return candidate


def integrity_problems(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """`PRAGMA integrity_check`'s findings, one line each ([] when the file is sound).

    SQLite's rows may hold line breaks and a "*** in database main ***" heading;
    a message to the user must stay on one line."""
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    if rows == ["ok"]:
        return []
    return [line.strip() for row in rows for line in row.splitlines() if line.strip() and not line.startswith("***")]


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; a file system that cannot sync a folder has the file anyway."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def target_path(store: Store, dest: str | None) -> tuple[Path, bool]:
    """Where `fup backup [PATH]` writes: PATH, a file in PATH if it is a directory, else backups/;
    and whether that is a name the user gave (replaced if it holds an older backup)."""
    assert store.path is not None
    if not dest:
        folder = default_dir(store)
        return _free_name(folder, f"fup-{_stamp(store.now)}"), False
    path = Path(dest).expanduser()
    try:
        if path.is_dir():
            return _free_name(path, f"fup-{_stamp(store.now)}"), False
        if dest.endswith(("/", os.sep)):
            raise BadInput(f"{shown(path)} is not a folder")
        if store.holds(path):
            raise BadInput(f"{shown(path)} is the live database; give another path")
        if path.exists():
            with path.open("rb") as handle:
                if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise BadInput(f"{shown(path)} exists and is not a database; not overwritten")
        if not path.parent.is_dir():
            raise BadInput(f"{shown(path.parent)} is not a directory")
    except (OSError, ValueError) as exc:  # a name too long, or with a NUL
        reason = getattr(exc, "strerror", None) or "not a valid file name"
        raise BadInput(f"cannot write {shown(path)}: {reason}") from None
    return path, True


def _place(temporary: Path, target: Path, replace: bool) -> Path:
    """Move the finished copy to `target` (replacing a file there when `replace`), else to the
    first free name like it: never over a backup another process just made."""
    if replace:
        os.replace(temporary, target)
        return target
    candidate = target
    while True:
        try:
            os.link(temporary, candidate)  # fails if the name is taken, unlike a rename
        except FileExistsError:
            candidate = _free_name(target.parent, target.stem)
            continue
        except OSError:  # a file system without hard links: the check and the rename are two steps
            if candidate.exists():
                candidate = _free_name(target.parent, target.stem)
                continue
            os.replace(temporary, candidate)
            return candidate
        temporary.unlink()
        return candidate


def copy_database(store: Store, target: Path, replace: bool = True) -> BackupReport:
    """Copy `store`'s database into `target` (made or replaced atomically, mode 0600).

    With `replace` False an existing `target` is kept and the copy takes the next free name."""
    source = store.snapshot_reader()
    folder = target.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A unique name, created 0600: two fups backing up at once each get their own.
        fd, name = tempfile.mkstemp(prefix=".fup-backup-", suffix=".partial", dir=folder)
        os.close(fd)
        temporary = Path(name)
        try:
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)  # all pages in one step: one consistent snapshot
                problems = integrity_problems(copy)
                if problems:
                    raise DatabaseError(f"the copy failed its integrity check, so it was not kept "
                                        f"({'; '.join(problems[:3])}); run `fup doctor`")
                contacts = copy.execute("SELECT count(*) FROM contact").fetchone()[0]
                schema = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            finally:
                copy.close()
            with open(temporary, "rb+") as handle:
                os.fsync(handle.fileno())
                size = os.fstat(handle.fileno()).st_size
            target = _place(temporary, target, replace)
            _fsync_dir(folder)
        finally:
            for leftover in (temporary, *(temporary.with_name(temporary.name + s) for s in ("-journal", "-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
    finally:
        source.close()
    return BackupReport(target, contacts, size, schema)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:  # pruned by another fup meanwhile
        return -1


def backup_before_upgrade(store: Store, new: str) -> Path | None:
    """The automatic backup taken before migrating to schema `new`; keeps the newest few.

    None when another process upgraded the file between the caller's look at its
    version and the copy: that copy is not from before the upgrade, so it is not kept."""
    folder = default_dir(store)
    report = copy_database(store, folder / f"fup-{_stamp(store.now)}-pre-{new}.db", replace=False)
    if report.schema == new:
        report.path.unlink(missing_ok=True)
        return None
    automatic = sorted(folder.glob("fup-*-pre-*.db"), key=lambda p: (_mtime(p), p.name))
    for stale in automatic[:-KEEP_AUTOMATIC]:
        if stale != report.path:  # another fup's newer backups never prune this one's
            stale.unlink(missing_ok=True)
    return report.path
