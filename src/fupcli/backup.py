"""Backups: a consistent copy of the live database through SQLite's online backup API.

Never a file copy: copying fup.db while another process writes (or while
its -wal file holds the newest pages) can give a torn or stale file. Here a
read-only connection copies every page of one snapshot into a new file made
0600 beside the target, which is checked (`PRAGMA integrity_check`), synced
to disk and only then renamed into place, so a crash leaves no half backup.
Used by `fup backup` and, before every schema upgrade, by `Store`.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import BadInput, DatabaseError
from .store import SQLITE_HEADER, Store

BACKUP_DIR = "backups"
KEEP_AUTOMATIC = 5  # automatic backups (before upgrades) kept; `fup backup` copies are never pruned


@dataclass(frozen=True)
class BackupReport:
    path: Path
    contacts: int
    size: int


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


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def target_path(store: Store, dest: str | None) -> Path:
    """Where `fup backup [PATH]` writes: PATH, a file in PATH if it is a directory, else backups/."""
    assert store.path is not None
    if not dest:
        folder = default_dir(store)
        return _free_name(folder, f"fup-{_stamp(store.now)}")
    path = Path(dest).expanduser()
    if path.is_dir():
        return _free_name(path, f"fup-{_stamp(store.now)}")
    live = store.path.resolve()
    if path.resolve() in (live, live.with_name(live.name + "-wal"), live.with_name(live.name + "-shm")):
        raise BadInput(f"{path} is the live database; give another path")
    if path.exists():
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise BadInput(f"{path} exists and is not a database; not overwritten")
    if not path.parent.is_dir():
        raise BadInput(f"{path.parent} is not a directory")
    return path


def copy_database(store: Store, target: Path) -> BackupReport:
    """Copy `store`'s database into `target` (made or replaced atomically, mode 0600)."""
    source = store.snapshot_reader()
    folder = target.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = _free_name(folder, f".{target.name}.partial")
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)  # all pages in one step: one consistent snapshot
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
                contacts = copy.execute("SELECT count(*) FROM contact").fetchone()[0]
            finally:
                copy.close()
            if verdict != "ok":
                raise DatabaseError(f"the copy failed its integrity check ({verdict}); run `fup doctor`")
            with open(temporary, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(temporary, target)
            _fsync_dir(folder)
        finally:
            for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
                if leftover.exists():
                    leftover.unlink()
    finally:
        source.close()
    return BackupReport(target, contacts, target.stat().st_size)


def backup_before_upgrade(store: Store, new: str) -> Path:
    """The automatic backup taken before migrating to schema `new`; keeps the newest few."""
    folder = default_dir(store)
    report = copy_database(store, _free_name(folder, f"fup-{_stamp(store.now)}-pre-{new}"))
    automatic = sorted(folder.glob("fup-*-pre-*.db"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    for stale in automatic[:-KEEP_AUTOMATIC]:
        stale.unlink()
    return report.path
