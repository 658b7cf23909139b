"""`fup import touches|commitments`: history from fup's own CSV export, streamed.

The file is read twice, never held as a list of rows: a first pass checks every row
against the database (the contact it names, its fields, whether the same touch or
commitment is there already) and collects each problem as `FILE:LINE: message`; only a
file without problems gets the second pass, which inserts the new rows a chunk at a time
in one write transaction and re-plans the contacts they belong to.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Iterable

from . import csvio, formats
from .importer import ImportProblems, ImportReport, _iso_day, _iso_moment, _refresh_ids, _undo_summary, read_input
from ..context import AppContext
from ..core import clean_text
from ..errors import BadInput, check_choice
from ..storage import journal
from ..storage.db import Db
from ..storage.journal import Undoable
from ..storage.queries import parse_id
from ..vocabulary import COMMITMENT_STATUSES, DIRECTIONS, FIRMNESS, OUTCOMES, WHOSE, check_channel

_LOOKS_LIKE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$")


def _contact_for(cells: dict[str, str], by_id: dict[int, str], by_name: dict[str, list[int]]) -> int:
    raw_id, name = cells.get("contact_id", "").strip(), cells.get("contact_name", "").strip()
    wanted = parse_id(raw_id)
    if wanted in by_id and (not name or by_id[wanted].casefold() == name.casefold()):
        return wanted
    matches = by_name.get(name.casefold(), [])
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise BadInput(f"contact {name!r} is ambiguous ({len(matches)} contacts have that name)")
    raise BadInput(f"no contact #{raw_id} {name!r}: import the contacts first")


def _opt_text(value: str | None, what: str) -> str | None:
    return clean_text(value, what) if value else None


def import_history(ctx: AppContext, what: str, path: str, dry_run: bool = False) -> ImportReport:
    """Import touches or commitments from fup's own CSV export, streaming: the file is read twice
    (check everything, then write in chunks), never held as a list of millions of rows."""
    columns = formats.TOUCH_COLUMNS if what == "touches" else formats.COMMITMENT_COLUMNS
    name, data = read_input(path)
    try:
        text = csvio.decode(data)
    except csvio.CsvProblem as exc:
        raise ImportProblems([f"{name}:{exc.line}: {exc.message}"]) from None
    del data
    try:
        header, _ = csvio.read_csv(text)
    except csvio.CsvProblem as exc:
        raise ImportProblems([f"{name}:{exc.line}: {exc.message}"]) from None
    required = set(columns) - formats.OPTIONAL_HISTORY_COLUMNS
    if not required <= set(header):
        raise BadInput(f"{name}:1: not a fup {what} file; the header needs: {', '.join(columns)}")
    report = ImportReport(what, formats.FUP, dry_run=dry_run)
    # Check the whole file against the database first: a rejected file creates and writes nothing.
    _history_pass(ctx, what, name, text, ctx.store.reader(), report, write=None)
    if dry_run:
        return report
    report = ImportReport(what, formats.FUP)
    with ctx.store.write(Undoable("import", ctx.now)) as db:
        _history_pass(ctx, what, name, text, db, report, write=db)
        journal.label(db, _undo_summary(name, report))
    return report


HISTORY_CHUNK = 20_000


def _digest(key: tuple) -> bytes:
    """A compact identity for a row's content (16 bytes instead of a tuple of strings)."""
    from hashlib import blake2b

    return blake2b("\x1f".join(key).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _history_pass(ctx: AppContext, what: str, name: str, text: str, conn: Any,
                  report: ImportReport, write: Db | None) -> None:
    """One streaming pass over a touches or commitments file: check every row against the
    database; with `write`, also insert the new rows, a chunk at a time, and re-plan their contacts."""
    by_id: dict[int, str] = {}
    by_name: dict[str, list[int]] = {}
    if conn is not None:
        for cid, cname in conn.execute("SELECT id, name FROM contact"):
            by_id[cid] = cname
            by_name.setdefault(cname.casefold(), []).append(cid)
    table = "touch" if what == "touches" else "commitment"
    # What is there already: by id (the first match), and by content (for rows whose id went elsewhere).
    by_row_id: dict[int, bytes] = {}
    contents: set[bytes] = set()
    if conn is not None:
        if what == "touches":
            sql = "SELECT id, contact_id, at, channel, direction, outcome, note, ask_again FROM touch"
        else:
            sql = "SELECT id, contact_id, whose, action, due, firmness, status, created_at, closed_at, channel FROM commitment"
        for row in conn.execute(sql):
            by_row_id[row[0]] = digest = _digest(_history_key(what, row[1:]))
            contents.add(digest)
    next_id = max(by_row_id, default=0) + 1
    problems: list[str] = []
    chunk: list[dict] = []
    affected: set[int] = set()

    def flush() -> None:
        nonlocal next_id
        for row in chunk:
            if row["id"] is None:
                while next_id in by_row_id:
                    next_id += 1
                row["id"] = next_id
                by_row_id[next_id] = b""
        write.insert_many(table, chunk)
        chunk.clear()

    _, records = csvio.read_csv(text)
    try:
        for record in records:
            cells = csvio.restore_cells(record.cells)
            try:
                contact_id = _contact_for(cells, by_id, by_name)
                row = _touch_row(ctx, cells) if what == "touches" else _commitment_row(ctx, cells)
                row["contact_id"] = contact_id
                digest = _digest(_history_key(what, [row[c] for c in _history_columns(what)]))
                wanted = parse_id(cells.get("id", ""))
                if wanted is not None and wanted not in by_row_id:
                    row["id"] = wanted  # a free id: this row is new, even if another row looks the same
                elif (wanted is not None and by_row_id[wanted] == digest) or digest in contents:
                    report.unchanged += 1
                    continue
                else:
                    row["id"] = None  # its id belongs to another row: a fresh one
                if row["id"] is not None:
                    by_row_id[row["id"]] = digest
                contents.add(digest)
                report.new += 1
                if write is not None and not problems:
                    chunk.append(row)
                    affected.add(contact_id)
                    if len(chunk) >= HISTORY_CHUNK:
                        flush()
            except (BadInput, ValueError) as exc:
                problems.append(f"{name}:{record.line}: {getattr(exc, 'message', None) or exc}")
    except csvio.CsvProblem as exc:
        problems.append(f"{name}:{exc.line}: {exc.message}")
    if problems:
        raise ImportProblems(problems)
    if write is None:
        return
    flush()
    _refresh_ids(write, ctx, sorted(affected))


def _history_columns(what: str) -> tuple[str, ...]:
    if what == "touches":
        return ("contact_id", "at", "channel", "direction", "outcome", "note", "ask_again")
    return ("contact_id", "whose", "action", "due", "firmness", "status", "created_at", "closed_at", "channel")


def _history_key(what: str, values: Iterable[Any]) -> tuple:
    """A comparable identity of a touch or commitment, whatever form the driver returned it in."""
    out = []
    for value in values:
        if isinstance(value, str) and _LOOKS_LIKE_TIME.match(value):
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        if isinstance(value, (datetime, date)):
            out.append(value.isoformat())
        else:
            out.append("" if value is None else str(value))
    return tuple(out)


def _touch_row(ctx: AppContext, cells: dict[str, str]) -> dict:
    return {
        "at": _iso_moment(cells.get("at", ""), "at"),
        "channel": check_channel(cells.get("channel", "")),
        "direction": check_choice(cells.get("direction", ""), DIRECTIONS, "direction"),
        "outcome": check_choice(cells.get("outcome", ""), OUTCOMES, "outcome"),
        "note": _opt_text(cells.get("note"), "note"),
        "ask_again": _iso_day(cells["ask_again"], "ask_again") if cells.get("ask_again") else None,
        "created_at": ctx.now,
    }


def _commitment_row(ctx: AppContext, cells: dict[str, str]) -> dict:
    status = check_choice(cells.get("status", "") or "open", COMMITMENT_STATUSES, "status")
    return {
        "whose": check_choice(cells.get("whose", ""), WHOSE, "whose"),
        "action": clean_text(cells.get("action"), "action", required=True),
        "due": _iso_day(cells.get("due", ""), "due"),
        "firmness": check_choice(cells.get("firmness", "") or "hard", FIRMNESS, "firmness"),
        "status": status,
        "created_at": _iso_moment(cells["created_at"], "created_at") if cells.get("created_at") else ctx.now,
        "closed_at": _iso_moment(cells["closed_at"], "closed_at") if cells.get("closed_at") else None,
        "channel": check_channel(cells["channel"]) if (cells.get("channel") or "").strip() else None,
    }
