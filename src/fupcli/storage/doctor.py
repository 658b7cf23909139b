"""`fup doctor`: read-only checks of the database file, each with a plain verdict.

The file is opened read-only (and first probed without creating anything
beside it), so a file that is not fup's is refused and left byte-identical,
and a damaged one is reported, not crashed on (also when the damage is in
its list of tables, so that whose file it is cannot be told). Each check gives a `Finding`
(ok or not, and one line of explanation); the command renders them and exits
non-zero if any is not ok.
"""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import asdict, dataclass

from .backup import default_dir, integrity_problems
from ..errors import DatabaseError
from .store import SCHEMA_VERSION, Store

PRIVATE = 0o077  # group and world bits: none may be set on fup's files
SQLITE_CORRUPT = 11  # the primary result code of "database disk image is malformed"


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def _permissions(store: Store) -> Finding:
    assert store.path is not None
    exposed = []
    files = [store.path, *store.sidecars()]
    backups = default_dir(store)
    if backups.is_dir():
        files += [backups, *backups.glob("*.db")]
    for path in files:
        if path.exists() and path.stat().st_mode & PRIVATE:
            exposed.append(f"{path} ({stat.filemode(path.stat().st_mode)})")
    if exposed:
        return Finding("permissions", False, "readable by other users: " + ", ".join(exposed) + "; run chmod 600 (700 for folders)")
    return Finding("permissions", True, "only you can read the database and its backups")


def _run(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def examine(store: Store) -> list[Finding]:
    """Every check, in order. Raises NotFound when there is no database, and DatabaseError
    for a file that is not fup's (left untouched)."""
    if store.path is None:
        raise DatabaseError("fup doctor checks SQLite files only")
    try:
        conn = store.snapshot_reader()
    except DatabaseError as exc:
        if "schema version" in exc.message:  # a newer fup's file: ours, but not readable here
            return [Finding("schema", False, exc.message)]
        damage = _damaged_table_list(store)
        if damage:  # an SQLite file too damaged to say whose it is: a finding, not a refusal
            return [Finding("integrity", False, damage), _permissions(store)]
        raise
    findings = []
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        version = row[0] if row else None
        if version == SCHEMA_VERSION:
            findings.append(Finding("schema", True, f"version {version}, current"))
        else:
            findings.append(Finding("schema", False, f"version {version}, older than {SCHEMA_VERSION}: "
                                    "any command that writes upgrades it, after a backup"))
        for check, run in (("integrity", _integrity), ("foreign keys", _foreign_keys), ("journal", _journal)):
            try:
                findings.append(run(conn))
            except sqlite3.DatabaseError as exc:  # a damaged page met on the way
                verdict = "the file is damaged" if check == "integrity" else "not checked: the file is damaged"
                findings.append(Finding(check, False, f"{verdict} ({exc}); restore a backup"))
    except sqlite3.DatabaseError as exc:
        findings.append(Finding("integrity", False, f"the file is damaged ({exc}); restore a backup"))
    finally:
        conn.close()
    findings.append(_permissions(store))
    return findings


def _damaged_table_list(store: Store) -> str | None:
    """Why the file's list of tables cannot be read, when SQLite calls it corrupt (not merely
    "not a database"); None otherwise. Read-only, and creates nothing beside the file."""
    assert store.path is not None
    wal = store.sidecars()[0]
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{store.path.resolve().as_uri()}?{flags}", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_CORRUPT:
            return f"the file is damaged: its list of tables cannot be read ({exc}); restore a backup"
    finally:
        conn.close()
    return None


def _journal(conn: sqlite3.Connection) -> Finding:
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    return Finding("journal", mode == "wal", "write-ahead log" if mode == "wal" else
                   f"journal mode {mode}: readers wait for writers (expected wal)")


def _integrity(conn: sqlite3.Connection) -> Finding:
    problems = integrity_problems(conn)  # one line each: a finding is one line
    if not problems:
        return Finding("integrity", True, "every page and index is sound")
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return Finding("integrity", False, "the file is damaged: " + "; ".join(problems[:3]) + more
                   + "; restore a backup")


def _foreign_keys(conn: sqlite3.Connection) -> Finding:
    rows = _run(conn, "PRAGMA foreign_key_check")
    if not rows:
        return Finding("foreign keys", True, "every touch, commitment and agenda row has its contact")
    tables = sorted({r[0] for r in rows})
    return Finding("foreign keys", False, f"{len(rows)} rows in {', '.join(tables)} point at missing rows")

