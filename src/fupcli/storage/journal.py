"""The undo history: every write command leaves the SQL that takes it back.

How it works, in one write transaction (`Store.write(undo=...)`):

1. `begin_step` adds an `undo_step` row and notes each table's highest id
   (its *high water*), then creates TEMP triggers on this connection only.
2. While the command runs, the triggers write one `undo_change` row per
   changed row: for an UPDATE or DELETE the statement that restores the old
   row, built with SQLite's `quote()` (exact for every value, REALs too); for
   an INSERT at or below the high water (an id reused) the DELETE that removes
   it. Rows above the high water are not recorded at all: undo removes every
   row above it, so a 100k-row import into new ids costs no journal rows.
3. `end_step` labels the step ("log Ana Ruiz (#1): email, sent") and drops the
   triggers.

`undo_last` deletes the rows above the newest step's high water, replays its
statements newest first, re-checks foreign keys and removes the step. Steps
are a stack: only the newest can be undone, so every statement finds the rows
exactly as it left them. `forget_contact` erases a contact's rows from the
history. Nothing here reads the clock or prints.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from ..errors import DatabaseError, NotFound
from ..records import record

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Iterator

# The tables a command changes, parents first; `agenda_item` is the scheduler's cache,
# journaled too so that undo gives back the very same rows (and ids).
JOURNALED = ("contact", "contact_word", "touch", "commitment", "agenda_item", "away", "contact_email", "contact_phone",
             "captured",
             "mail_seen")
UNDO_DEPTH = 100  # write commands kept in the history; older ones can no longer be undone
_OPS = ("INSERT", "UPDATE", "DELETE")


@record
class Undoable:
    """What `Store.write` needs to journal a command: its name and when it ran."""

    command: str
    at: datetime


@record
class Step:
    id: int
    high_water: dict[str, int]


def _columns(conn: Any, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]


def _owner(table: str, row: str) -> str:
    if table in ("away", "mail_seen"):
        return "NULL"  # the user's own days, where a mail source was left: nobody's to forget
    return f"{row}.id" if table == "contact" else f"{row}.contact_id"


def _trigger_sql(table: str, op: str, columns: list[str], step: int, high_water: int) -> str:
    name = f"fup_undo_{table}_{op.lower()}"
    # Rows above the high water were inserted by this very step and are removed by id
    # range on undo, so whatever happens to them needs no record.
    row = "NEW" if op == "INSERT" else "OLD"
    when = f" WHEN {row}.id <= {high_water}"
    if op == "INSERT":
        inverse = f"'DELETE FROM {table} WHERE id=' || NEW.id"
    elif op == "UPDATE":
        sets = " || ', ' || ".join(f"'{c}=' || quote(OLD.{c})" for c in columns if c != "id")
        inverse = f"'UPDATE {table} SET ' || {sets} || ' WHERE id=' || OLD.id"
    else:
        values = " || ',' || ".join(f"quote(OLD.{c})" for c in columns)
        inverse = f"'INSERT INTO {table} ({', '.join(columns)}) VALUES (' || {values} || ')'"
    return (
        f"CREATE TEMP TRIGGER {name} AFTER {op} ON main.{table}{when} BEGIN "
        f"INSERT INTO undo_change (step_id, contact_id, inverse) VALUES ({step}, {_owner(table, row)}, {inverse}); END"
    )


def begin_step(conn: Any, undoable: Undoable, schema: str) -> Step:
    """Open a step in the caller's write transaction (a DB-API connection) and start recording."""
    high_water = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in JOURNALED}
    cursor = conn.execute(
        "INSERT INTO undo_step (at, command, summary, schema_version, high_water) VALUES (?, ?, ?, ?, ?)",
        (undoable.at.isoformat(" ", "microseconds"), undoable.command, undoable.command, schema,
         " ".join(f"{t}={n}" for t, n in high_water.items())),
    )
    step = Step(cursor.lastrowid, high_water)
    _drop_triggers(conn)
    for table in JOURNALED:
        columns = _columns(conn, table)
        for op in _OPS:
            conn.execute(_trigger_sql(table, op, columns, step.id, high_water[table]))
    return step


@contextmanager
def unrecorded_inserts(conn: Any, step: Step | None, table: str, ids: list[int | None]) -> Iterator[None]:
    """Run a bulk insert into `table` without the INSERT trigger when none of its rows can land
    at or below the high water (new ids count up from the table's max): a trigger call per row
    costs an import of 30k contacts about a fifth of its time, for nothing to record."""
    mark = step.high_water.get(table) if step is not None else None
    if mark is None:
        yield
        return
    highest = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
    numbered = [i for i in ids if i is not None]
    if any(i <= mark for i in numbered) or (highest < mark and len(numbered) < len(ids)):
        yield
        return
    conn.execute(f"DROP TRIGGER temp.fup_undo_{table}_insert")
    try:
        yield
    finally:
        conn.execute(_trigger_sql(table, "INSERT", _columns(conn, table), step.id, mark))


def _drop_triggers(conn: Any) -> None:
    for table in JOURNALED:
        for op in _OPS:
            conn.execute(f"DROP TRIGGER IF EXISTS temp.fup_undo_{table}_{op.lower()}")


def label(db: Any, summary: str, contact_id: int | None = None) -> None:
    """Say what the command in this write transaction (a `storage.db.Db`) did, for `fup undo` to tell.

    `contact_id` names the one contact the step is about; a step about several
    contacts (an import) passes None and must not name anyone in `summary`,
    so that `fup forget` can erase every trace of a person."""
    db.info["undo_label"] = (summary, contact_id)


def end_step(conn: Any, step: Step, summary: str | None, contact_id: int | None) -> None:
    """Label the step and stop recording (the triggers belong to this connection only).
    A step that changed nothing (an import of rows already there) is dropped: undo takes
    back the last change, not the last no-op."""
    _drop_triggers(conn)
    recorded = conn.execute("SELECT 1 FROM undo_change WHERE step_id = ? LIMIT 1", (step.id,)).fetchone()
    added = any(conn.execute(f"SELECT 1 FROM {t} WHERE id > ? LIMIT 1", (mark,)).fetchone()
                for t, mark in step.high_water.items())
    if not recorded and not added:
        conn.execute("DELETE FROM undo_step WHERE id = ?", (step.id,))
        return
    conn.execute("DELETE FROM undo_step WHERE id <= ?", (step.id - UNDO_DEPTH,))  # the oldest, past the depth
    if summary is not None:
        conn.execute("UPDATE undo_step SET summary = ?, contact_id = ? WHERE id = ?", (summary, contact_id, step.id))


@record
class Undone:
    command: str
    summary: str
    at: str
    changes: int


def undo_last(conn: Any, schema: str) -> Undone:
    """Revert the newest step in the caller's write transaction; raise NotFound when there is none."""
    row = conn.execute(
        "SELECT id, command, summary, at, schema_version, high_water FROM undo_step ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise NotFound("nothing to undo")
    step_id, command, summary, at, step_schema, high_water = row
    # Refusals name the step by its command and time only: a summary names a contact, and
    # error messages never echo the user's data.
    step = f"the {command} of {str(at)[:16]}"
    if step_schema != schema:
        raise DatabaseError(f"cannot undo {step}: it was recorded under schema {step_schema}, and the database is now at {schema}")
    conn.execute("PRAGMA defer_foreign_keys = ON")  # rows come back child before parent, checked at the end
    # First the rows the step added (children first), so that an old row taking back a unique
    # value (an email) never meets the new row that holds it now; then the recorded rows.
    for table, mark in reversed(_marks(high_water).items()):
        conn.execute(f"DELETE FROM {table} WHERE id > ?", (mark,))
    changes = conn.execute("SELECT id, inverse FROM undo_change WHERE step_id = ? ORDER BY id DESC", (step_id,)).fetchall()
    for _, inverse in changes:
        conn.execute(inverse)
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise DatabaseError(f"cannot undo {step}: the history does not match the data (run `fup doctor`)")
    conn.execute("DELETE FROM undo_change WHERE step_id = ?", (step_id,))
    conn.execute("DELETE FROM undo_step WHERE id = ?", (step_id,))
    return Undone(command, summary, at[:16], len(changes))


def _born(conn: Any, contact_id: int, until: int | None) -> int:
    """The first step that can hold rows of the contact now known by `contact_id`: the newest
    step (up to `until`) that inserted that id. Ids are reused after an `rm` of the newest
    contact, so older steps may hold another person's rows under the same id."""
    last = until if until is not None else 2**62
    born = 0
    for step_id, high_water in conn.execute("SELECT id, high_water FROM undo_step WHERE id <= ? ORDER BY id", (last,)):
        if _marks(high_water)["contact"] < contact_id:
            born = step_id
    # An id at or below the mark (a free id taken by an import) was recorded as inserted.
    reused = conn.execute(
        "SELECT max(step_id) FROM undo_change WHERE contact_id = ? AND step_id <= ? AND inverse = ?",
        (contact_id, last, f"DELETE FROM contact WHERE id={contact_id}"),
    ).fetchone()[0]
    return max(born, reused or 0)


def _marks(high_water: str) -> dict[str, int]:
    """'contact=3 touch=9 ...' as {'contact': 3, 'touch': 9, ...}."""
    return {table: int(mark) for table, _, mark in (pair.partition("=") for pair in high_water.split())}


def forget_contact(conn: Any, contact_id: int, until: int | None = None) -> int:
    """Erase a contact from the history: its recorded rows, and the steps that were about it
    alone, from the step that added it up to `until` (default: the newest; a removed contact
    ends at its `rm`). Returns how many rows and steps went (0: the history never knew them)."""
    span = (_born(conn, contact_id, until), until if until is not None else 2**62)
    rows = conn.execute("DELETE FROM undo_change WHERE contact_id = ? AND step_id BETWEEN ? AND ?",
                        (contact_id, *span)).rowcount
    return rows + conn.execute("DELETE FROM undo_step WHERE contact_id = ? AND id BETWEEN ? AND ?",
                               (contact_id, *span)).rowcount


def history(conn: Any, count: int) -> list[tuple[str, str]]:
    """The newest `count` steps, newest first, as (when, summary): what `fup undo` would take back, in turn."""
    rows = conn.execute("SELECT at, summary FROM undo_step ORDER BY id DESC LIMIT :n", {"n": count}).fetchall()
    return [(str(at)[:16], summary) for at, summary in rows]


def removed_contacts(conn: Any) -> list[dict]:
    """Contacts deleted by `fup rm` whose rows the history still keeps, newest first, with the
    `rm` step (so `fup forget` can find them and erase just their span of the history)."""
    import re

    found = []
    for step_id, contact_id, summary in conn.execute(
        "SELECT id, contact_id, summary FROM undo_step WHERE command = 'rm' AND contact_id IS NOT NULL ORDER BY id DESC"
    ):
        named = re.fullmatch(r"rm (.*) \(#\d+\)", summary, re.DOTALL)
        if named:
            found.append({"id": contact_id, "name": named.group(1), "step": step_id})
    return found
