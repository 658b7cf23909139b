"""The undo history on a team database (PostgreSQL): each person undoes their own commands.

The SQLite history (`storage.journal`) is a stack: one user, so the newest step can
always be replayed backwards and the rows it added found above a high-water mark. On a
shared server other people's commands interleave with mine, so here:

1. `begin_step` adds my `undo_step` row (`done_by` is CURRENT_USER) and sets
   `fup.undo_step` for this transaction only; the `fup_journal()` trigger of migration
   0006 then records, for every row the command inserts, updates or deletes, the
   statement that takes it back and which row it was (`row_table`, `row_id`), inserts
   included (a colleague's rows may sit above mine). The agenda is left out: it is
   the scheduler's cache, and the caller plans the contacts anew after an undo.
2. `end_step` stops the recording, labels the step, and keeps my last UNDO_DEPTH.
3. `undo_last` takes my newest step. If a colleague's later step changed one of the
   same rows (`fup_undo_conflict()`, which sees every step), it refuses, naming who and
   when, and changes nothing; else it replays the statements newest first.

Row-level security shows each role its own steps; the queries here say so too, so that
a superuser, who is not bound by it, undoes their own steps only.
"""

from __future__ import annotations

from typing import Any

from ..errors import DatabaseError, NotFound
from .journal import UNDO_DEPTH, Undoable, Undone


def begin_step(db: Any, undoable: Undoable, schema: str) -> int:
    step = db.execute(
        "INSERT INTO undo_step (at, command, summary, schema_version, high_water) "
        "VALUES (:at, :command, :command, :schema, '') RETURNING id",
        {"at": undoable.at, "command": undoable.command, "schema": schema}).fetchone()[0]
    db.execute("SELECT set_config('fup.undo_step', :step, true)", {"step": str(step)})
    return step


def end_step(db: Any, step: int, summary: str | None, contact_id: int | None) -> None:
    """Stop recording and label the step; a step that changed nothing is dropped."""
    db.execute("SELECT set_config('fup.undo_step', '', true)")
    if db.execute("SELECT 1 FROM undo_change WHERE step_id = :step LIMIT 1", {"step": step}).fetchone() is None:
        db.execute("DELETE FROM undo_step WHERE id = :step", {"step": step})
        return
    db.execute("DELETE FROM undo_step WHERE done_by = current_user AND id IN (SELECT id FROM undo_step "
               "WHERE done_by = current_user ORDER BY id DESC OFFSET :depth)", {"depth": UNDO_DEPTH})
    if summary is not None:
        db.execute("UPDATE undo_step SET summary = :summary, contact_id = :cid WHERE id = :step",
                   {"summary": summary, "cid": contact_id, "step": step})


def undo_last(db: Any, schema: str) -> tuple[Undone, list[int] | None]:
    """Revert my newest step in the caller's write transaction; NotFound when I have none.
    Returns what was undone and the contacts it changed, for the caller to plan anew (the
    agenda, the scheduler's cache, is not in the history); None when it changed days off
    (`fup away`): then every contact of mine."""
    row = db.execute("SELECT id, command, summary, at, schema_version FROM undo_step WHERE done_by = current_user "
                     "ORDER BY id DESC LIMIT 1 FOR UPDATE").fetchone()
    if row is None:
        raise NotFound("nothing of yours to undo")
    step_id, command, summary, at, step_schema = row
    when = str(at)[:16]
    step = f"the {command} of {when}"  # (never the summary: it names a contact, errors never echo data)
    if step_schema != schema:
        raise DatabaseError(f"cannot undo {step}: it was recorded under schema {step_schema}, "
                            f"and the database is now at {schema}")
    # The rows the step changed, locked, so that no colleague changes them between the check and the replay.
    db.execute("SELECT 1 FROM contact WHERE id IN (SELECT contact_id FROM undo_change WHERE step_id = :step) "
               "FOR UPDATE", {"step": step_id})
    conflict = db.execute("SELECT done_by, at FROM fup_undo_conflict(:step)", {"step": step_id}).fetchone()
    if conflict is not None:
        who, since = conflict
        raise DatabaseError(f"cannot undo {step}: {who or 'someone'} changed the same contact since, on "
                            f"{str(since)[:16]}; nothing was changed")
    # Newest first, but a deleted contact comes back before the rows that hang from it: row-level
    # security checks a touch's contact as the touch is inserted (the foreign keys wait for the commit).
    db.execute("SET CONSTRAINTS ALL DEFERRED")
    changes = db.execute("SELECT inverse FROM undo_change WHERE step_id = :step "
                         "ORDER BY (row_table = 'contact' AND inverse LIKE 'INSERT %') DESC, id DESC",
                         {"step": step_id}).fetchall()
    for (inverse,) in changes:
        db.raw.execute(inverse)  # (as the trigger wrote it: no parameters to convert)
    away = db.execute("SELECT 1 FROM undo_change WHERE step_id = :step AND row_table = 'away' LIMIT 1",
                      {"step": step_id}).fetchone() is not None
    contacts = None if away else [cid for (cid,) in db.execute(
        "SELECT DISTINCT contact_id FROM undo_change WHERE step_id = :step AND contact_id IS NOT NULL ORDER BY 1",
        {"step": step_id}).fetchall()]
    db.execute("DELETE FROM undo_step WHERE id = :step", {"step": step_id})
    return Undone(command, summary, when, len(changes)), contacts


def history(conn: Any, count: int) -> list[tuple[str, str]]:
    """My newest `count` steps, newest first, as (when, summary)."""
    rows = conn.execute("SELECT at, summary FROM undo_step WHERE done_by = current_user ORDER BY id DESC LIMIT :n",
                        {"n": count}).fetchall()
    return [(str(at)[:16], summary) for at, summary in rows]
