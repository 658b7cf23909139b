"""`fup doctor` on a team database (PostgreSQL): read-only checks of what keeps it safe to share.

Each check is a `doctor.Finding`: the schema version; row-level security on and
forced on every table that holds contacts' data (a private contact is hidden by the
server, not by fup); the tables owned by a role that is not the one running the check
(a teammate who owns the tables could switch the policies off); foreign keys. The
reads go through the command's one connection (`Store.reader`), in its read-only
transaction.
"""

from __future__ import annotations

from typing import Any

from .doctor import Finding
from .store import SCHEMA_VERSION, Store

# The tables row-level security must guard (migrations 0006, 0007, 0008): the contact, what hangs from it, the days off.
GUARDED = ("contact", "touch", "commitment", "agenda_item", "contact_word", "away", "contact_email", "captured",
           "contact_phone")


def examine(store: Store) -> list[Finding]:
    from ..errors import NotFound

    conn = store.reader()
    if conn is None:
        raise NotFound(f"no fup schema in the database at {store.url_shown()} yet")
    findings = [Finding("schema", True, f"version {SCHEMA_VERSION}, current")]
    findings.append(_row_security(conn))
    findings.append(_table_owner(conn))
    findings.append(_foreign_keys(conn))
    return findings


def _row_security(conn: Any) -> Finding:
    rows = conn.execute(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(:tables) ORDER BY c.relname",
        {"tables": list(GUARDED)}).fetchall()
    off = [name for name, enabled, _ in rows if not enabled]
    unforced = [name for name, enabled, forced in rows if enabled and not forced]
    if off:
        return Finding("row security", False, f"off on {', '.join(off)}: private contacts are visible to every "
                                               "teammate; the tables' owner turns it back on (ALTER TABLE ... "
                                               "ENABLE ROW LEVEL SECURITY)")
    if unforced:
        return Finding("row security", False, f"not forced on {', '.join(unforced)}: the tables' owner sees "
                                               "private contacts (ALTER TABLE ... FORCE ROW LEVEL SECURITY)")
    return Finding("row security", True, "on and forced: a private contact is seen by its owner only")


def _table_owner(conn: Any) -> Finding:
    rows = conn.execute(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(:tables)",
        {"tables": list(GUARDED)}).fetchall()
    owners = sorted(owner for (owner,) in rows)
    me = conn.execute("SELECT current_user").fetchone()[0]
    if me in owners:
        return Finding("table owner", False, f"you ({me}) own fup's tables, so you could switch row security "
                                             "off: have them owned by a role nobody uses day to day "
                                             "(examples/team-setup.sql)")
    return Finding("table owner", True, f"owned by {', '.join(owners)}, not by you ({me})")


def _foreign_keys(conn: Any) -> Finding:
    missing = sum(int(conn.execute(
        f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = t.contact_id)"
    ).fetchone()[0]) for table in ("touch", "commitment", "agenda_item"))
    if missing:
        return Finding("foreign keys", False, f"{missing} rows point at missing contacts")
    return Finding("foreign keys", True, "every touch, commitment and agenda row you can see has its contact")
