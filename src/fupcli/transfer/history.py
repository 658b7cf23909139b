"""`fup import touches|commitments`: history from fup's own CSV export, in flat memory.

The file is read once, a row at a time (standard input is first spilled to a temporary
file, so that the line of a byte that is not UTF-8 can be found again). In the write
transaction:

1. stage: each row's fields are checked on their own, and the row goes, a chunk at a time,
   into a TEMP table (never journaled, on disk past a small cache), with its line, the
   problem if it has one, and the contact it names when that contact's id and name agree;
2. check: the rows whose contact was not found so are looked up by name (case folded);
   any problem, the contact's first, is reported as `FILE:LINE: message`, in line order,
   and the transaction rolls back: nothing is written;
3. match, in SQL: a row keeps its id when the id is free (in the database and earlier in
   the file); else it is already there when a row with the same content is (in the
   database, or earlier in the file); else it is new under the lowest free id;
4. write: the new rows go in with one INSERT ... SELECT each, and their contacts are
   re-planned, a chunk at a time. A dry run rolls back after step 3.

Memory holds a chunk of rows, never the file, a set of its rows or all the contacts.
"""

from __future__ import annotations

import codecs
import csv
import io
from contextlib import nullcontext
from datetime import date, datetime, time
from operator import itemgetter
from typing import IO, Any, Callable, Iterator

from . import csvio, formats
from .importer import ImportProblems, ImportReport, _iso_day, _iso_moment, _refresh_ids, _undo_summary, has_database
from ..context import AppContext
from ..core import MAX_TEXT, clean_text
from ..dates import EARLIEST, LATEST
from ..errors import BadInput, check_choice
from ..records import record
from ..storage import journal
from ..storage.db import Db
from ..storage.journal import Undoable
from ..storage.queries import MAX_ID, parse_id
from ..vocabulary import CHANNELS, COMMITMENT_STATUSES, DIRECTIONS, FIRMNESS, OUTCOMES, WHOSE, check_channel

HISTORY_CHUNK = 1_000  # rows staged per statement, and read back per query
REPLAN_CHUNK = 100  # contacts re-planned at a time: each chunk's statements (id lists) stay small in sqlite3's cache
_READ_CHUNK = 1 << 20  # bytes, when a file is searched for a bad byte
NOT_UTF8 = "not UTF-8 text (save the file as CSV UTF-8)"


# --- what is imported -------------------------------------------------------------


@record
class _Kind:
    """Touches or commitments: the table, the staged value columns (name, PostgreSQL type) in
    the table's order, what makes two rows the same (`content`: SQL over aliases a and b), and
    the columns a staged row is looked up by to find one like it (`lookup`)."""

    what: str
    table: str
    values: tuple[tuple[str, str], ...]
    content: str
    lookup: str

    @property
    def value_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.values)


def _same(*columns: str, text: tuple[str, ...] = (), nullable: tuple[str, ...] = ()) -> str:
    """SQL: rows a and b agree on every column (an empty text is no text; two NULLs agree)."""
    parts = [f"a.{c} = b.{c}" for c in columns]
    parts += [f"coalesce(a.{c}, '') = coalesce(b.{c}, '')" for c in text]
    parts += [f"(a.{c} = b.{c} OR (a.{c} IS NULL AND b.{c} IS NULL))" for c in nullable]
    return " AND ".join(parts)


TOUCHES = _Kind(
    "touches", "touch",
    (("at", "timestamp"), ("channel", "text"), ("direction", "text"), ("outcome", "text"), ("note", "text"),
     ("ask_again", "date")),
    _same("contact_id", "at", "channel", "direction", "outcome", text=("note",), nullable=("ask_again",)),
    "contact_id, at",
)
COMMITMENTS = _Kind(
    "commitments", "commitment",
    (("whose", "text"), ("action", "text"), ("due", "date"), ("firmness", "text"), ("status", "text"),
     ("created_at", "timestamp"), ("closed_at", "timestamp"), ("channel", "text")),
    _same("contact_id", "whose", "action", "due", "firmness", "status", "created_at", text=("channel",),
          nullable=("closed_at",)),
    "contact_id, due",
)


# --- reading the file --------------------------------------------------------------


def _line_breaks(data: bytes) -> int:
    """Line ends in `data`: LF, CRLF and a lone CR each end a line (as the records count them)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _undecodable_line(handle: IO[bytes]) -> int:
    """The line of the first byte of `handle` that is not UTF-8, read again a chunk at a time."""
    handle.seek(0)
    if handle.read(3) != codecs.BOM_UTF8:
        handle.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, ended_cr = 1, False
    while True:
        data = handle.read(_READ_CHUNK)
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            good = data[:max(exc.start - pending, 0)]
            return line + _line_breaks(good) - (ended_cr and good[:1] == b"\n")
        if not data:
            return line
        line += _line_breaks(data) - (ended_cr and data[:1] == b"\n")
        ended_cr = data[-1:] == b"\r"


class _Rows:
    """The records of an open CSV file: `header`, then (line, cells) for each record that is not
    blank, `width` cells each (missing ones empty) plus one empty cell for absent columns.
    A CSV problem (malformed, too many cells) ends the records and is kept in `problem`."""

    def __init__(self, handle: IO[bytes]):
        self.text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        self.reader = csv.reader(self.text, strict=True)
        self.problem: tuple[int, str] | None = None
        try:
            self.header = [cell.strip() for cell in next(self.reader, [])]
        except csv.Error as exc:  # e.g. a field larger than the csv module's limit
            raise csvio.CsvProblem(1, f"malformed CSV header: {exc}") from None
        self.width = len(self.header)

    def column(self, name: str) -> int:
        """Where a column's cell is (the last column of that name, as a dict of the row has it);
        absent, the empty cell after the row."""
        for at in range(self.width - 1, -1, -1):
            if self.header[at] == name:
                return at
        return self.width

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader, width = self.reader, self.width
        blank = [""] * (width + 1)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.problem = (start, f"malformed CSV: {exc}")
                return
            joined = "\n".join(cells)
            if not joined or joined.isspace():
                continue
            if len(cells) != width:
                if len(cells) > width:
                    if "\n".join(cells[width:]).strip():
                        self.problem = (start, f"{len(cells)} cells but the header has {width}")
                        return
                    del cells[width:]
                else:
                    cells += blank[len(cells):width]
            if joined[:1] == csvio.ESCAPE or "\n" + csvio.ESCAPE in joined:
                cells = [csvio.restore(cell) for cell in cells]
            cells.append("")
            yield start, cells


# --- checking one row ------------------------------------------------------------------

_FIRST_MOMENT = datetime.combine(EARLIEST, time.min)
_LAST_MOMENT = datetime.combine(LATEST, time.max)
_CHANNELS = frozenset(c for c in CHANNELS if check_channel(c) == c)  # (as typed, nothing to normalise)


def _moment(value: str, what: str) -> datetime:
    """`_iso_moment`, the usual cell (ISO, no zone, in range) checked without its detours."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _iso_moment(value, what)
    if moment.tzinfo is not None or not _FIRST_MOMENT <= moment <= _LAST_MOMENT:
        return _iso_moment(value, what)
    return moment


def _choice(value: str, choices: tuple[str, ...], what: str) -> str:
    return value if value in choices else check_choice(value, choices, what)


def _text(value: str, what: str) -> str | None:
    """`clean_text` of an optional cell; the usual one (printable, stripped, short) as it is."""
    if not value:
        return None
    if value.isprintable() and len(value) <= MAX_TEXT and value == value.strip():
        return value
    return clean_text(value, what)


def _id(text: str) -> int | None:
    """`parse_id`, plain ASCII digits read at once."""
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text) or None
    return parse_id(text)


def _checker(kind: _Kind, rows: _Rows, ctx: AppContext, dialect: str) -> Callable[[list[str]], tuple]:
    """The function from a record's cells to its checked values, in `kind.values` order, as the
    database stores them (raises BadInput or ValueError with the reason, as the old checks did)."""
    if dialect == "sqlite":  # (as `storage.sqlite.sql_value` writes them)
        def moment(value: datetime) -> Any:
            return value.isoformat(" ", "microseconds")

        def day(value: date) -> Any:
            return value.isoformat()
    else:
        def moment(value: datetime) -> Any:
            return value

        day = moment
    if kind is TOUCHES:
        cells = itemgetter(*map(rows.column, ("at", "channel", "direction", "outcome", "note", "ask_again")))

        def touch(row: list[str]) -> tuple:
            at, channel, direction, outcome, note, ask_again = cells(row)
            return (
                moment(_moment(at, "at")),
                channel if channel in _CHANNELS else check_channel(channel),
                _choice(direction, DIRECTIONS, "direction"),
                _choice(outcome, OUTCOMES, "outcome"),
                _text(note, "note"),
                day(_iso_day(ask_again, "ask_again")) if ask_again else None,
            )

        return touch
    now = moment(ctx.now)
    cells = itemgetter(*map(rows.column, ("whose", "action", "due", "firmness", "status", "created_at", "closed_at",
                                          "channel")))

    def commitment(row: list[str]) -> tuple:
        whose, action, due, firmness, status, created_at, closed_at, channel = cells(row)
        status = _choice(status or "open", COMMITMENT_STATUSES, "status")
        return (
            _choice(whose, WHOSE, "whose"),
            clean_text(action, "action", required=True),
            day(_iso_day(due, "due")),
            _choice(firmness or "hard", FIRMNESS, "firmness"),
            status,
            moment(_iso_moment(created_at, "created_at")) if created_at else now,
            moment(_iso_moment(closed_at, "closed_at")) if closed_at else None,
            (channel if channel in _CHANNELS else check_channel(channel)) if channel.strip() else None,
        )

    return commitment


# --- the import ----------------------------------------------------------------------


class _Discard(Exception):
    """Ends a dry run's transaction: what it staged and matched is rolled back."""


def import_history(ctx: AppContext, what: str, path: str, dry_run: bool = False) -> ImportReport:
    """Import touches or commitments from fup's own CSV export: checked, then written in one
    transaction (all or nothing), the file read once and never held (see the module's doc)."""
    kind = TOUCHES if what == "touches" else COMMITMENTS
    with csvio.open_input(path) as (name, handle):
        try:
            rows = _Rows(handle)
        except csvio.CsvProblem as exc:
            raise ImportProblems([f"{name}:{exc.line}: {exc.message}"]) from None
        except UnicodeDecodeError:
            raise ImportProblems([f"{name}:{_undecodable_line(handle)}: {NOT_UTF8}"]) from None
        columns = formats.TOUCH_COLUMNS if kind is TOUCHES else formats.COMMITMENT_COLUMNS
        if not set(columns) - formats.OPTIONAL_HISTORY_COLUMNS <= set(rows.header):
            raise BadInput(f"{name}:1: not a fup {what} file; the header needs: {', '.join(columns)}")
        report = ImportReport(what, formats.FUP, dry_run=dry_run)
        try:
            if not has_database(ctx, dry_run):  # so no contact: every row is a problem
                _without_contacts(name, rows)
            elif dry_run:
                try:
                    with ctx.store.write() as db:
                        _Import(kind, name, db, ctx, report).run(rows, write=False)
                        raise _Discard
                except _Discard:
                    pass
            else:
                with ctx.store.write(Undoable("import", ctx.now)) as db:
                    _Import(kind, name, db, ctx, report).run(rows, write=True)
                    journal.label(db, _undo_summary(name, report))
        except UnicodeDecodeError:
            raise ImportProblems([f"{name}:{_undecodable_line(handle)}: {NOT_UTF8}"]) from None
    return report


def _without_contacts(name: str, rows: _Rows) -> None:
    """No database yet: a file with rows names contacts that are not there (nothing is created)."""
    at_id, at_name = rows.column("contact_id"), rows.column("contact_name")
    problems = [f"{name}:{line}: no contact #{cells[at_id].strip()} {cells[at_name].strip()!r}: import the contacts first"
                for line, cells in rows]
    if rows.problem is not None:
        problems.append(f"{name}:{rows.problem[0]}: {rows.problem[1]}")
    if problems:
        raise ImportProblems(problems)


class _Import:
    """One import in one write transaction (`db`): staged, checked, matched, then written."""

    def __init__(self, kind: _Kind, name: str, db: Db, ctx: AppContext, report: ImportReport):
        self.kind, self.name, self.db, self.ctx, self.report = kind, name, db, ctx, report
        self.sqlite = db.dialect == "sqlite"
        self.stage = f"fup_staged_{kind.table}"
        self.claims = f"fup_claimed_{kind.table}"
        self.fresh = f"fup_fresh_{kind.table}"
        self.names = "fup_contact_names"
        self.affected = f"fup_replanned_{kind.table}"

    # --- SQL over either database ---

    def _temp(self, table: str, columns: list[tuple[str, str]]) -> None:
        """A TEMP table (its first column the key): untyped on SQLite, dropped at commit on PostgreSQL."""
        if self.sqlite:
            self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")
            first, *rest = columns
            body = ", ".join([f"{first[0]} INTEGER PRIMARY KEY", *(column for column, _ in rest)])
            self.db.execute(f"CREATE TEMP TABLE {table} ({body})")
        else:
            body = ", ".join([f"{columns[0][0]} {columns[0][1]} PRIMARY KEY", *(f"{c} {t}" for c, t in columns[1:])])
            self.db.execute(f"CREATE TEMP TABLE {table} ({body}) ON COMMIT DROP")

    def _many(self, sql: str, rows: list[tuple]) -> None:
        """`sql` (with ? for each value) once per row."""
        self.db.execute_many(sql, rows)

    def _one(self, sql: str, params: dict | None = None) -> Any:
        return self.db.execute(sql, params).fetchone()[0]

    def _chunks(self, sql: str, params: dict | None = None, size: int | None = None) -> Iterator[list[tuple]]:
        """The rows of `sql` (whose first column is a key it is ordered by, and which ends in
        `WHERE ... AND key > :after ORDER BY key LIMIT :limit`) a chunk at a time."""
        after = -1
        while True:
            chunk = self.db.execute(sql, {**(params or {}), "after": after, "limit": size or HISTORY_CHUNK}).fetchall()
            if not chunk:
                return
            yield chunk
            after = chunk[-1][0]

    # --- the steps ---

    def run(self, rows: _Rows, write: bool) -> None:
        staged, problems, ids = self._stage(rows)
        self._find_contacts_by_name()
        self._check(problems, rows)
        new = self._match(staged, ids)
        self.report.new, self.report.unchanged = new, staged - new
        if write and new:
            self._write()

    def _stage(self, rows: _Rows) -> tuple[int, int, tuple[int, int] | None]:
        """Read every record into the staging table; returns how many, how many have a problem of
        their own, and the first and last id when every row gives one, strictly ascending (as an
        export has them), else None."""
        kind = self.kind
        values = kind.values
        self._temp(self.stage, [("line", "integer"), ("id", "bigint"), ("contact_ref", "bigint"),
                                ("contact_name", "text"), ("contact_raw", "text"), ("problem", "text"),
                                *values, ("contact_id", "integer"), ("name_folded", "text"), ("matches", "integer")])
        insert = (f"INSERT INTO {self.stage} (line, id, contact_ref, contact_name, contact_raw, problem, "
                  f"{', '.join(kind.value_names)}, contact_id) VALUES ({', '.join('?' * (6 + len(values)))}, "
                  "(SELECT id FROM contact WHERE id = ? AND name = coalesce(nullif(?, ''), name)))")
        check = _checker(kind, rows, self.ctx, self.db.dialect)
        empty = (None,) * len(values)
        at_id, at_ref, at_name = rows.column("id"), rows.column("contact_id"), rows.column("contact_name")
        batch: list[tuple] = []
        staged = problems = 0
        ascending, first, last = True, None, 0
        for line, cells in rows:
            row_id, raw, contact_name = _id(cells[at_id]), cells[at_ref].strip(), cells[at_name].strip()
            ref = _id(raw)
            if ascending:
                ascending = row_id is not None and row_id > last
                first, last = first or row_id, row_id or 0
            try:
                problem, checked = None, check(cells)
            except (BadInput, ValueError) as exc:
                problem, checked = str(getattr(exc, "message", None) or exc), empty
                problems += 1
            shown_raw = None if (ref is not None and str(ref) == raw) or (ref is None and not raw) else raw
            batch.append((line, row_id, ref, contact_name, shown_raw, problem, *checked, ref, contact_name))
            if len(batch) >= HISTORY_CHUNK:
                self._many(insert, batch)
                staged += len(batch)
                batch.clear()
        self._many(insert, batch)
        return staged + len(batch), problems, (first, last) if ascending and first is not None else None

    def _find_contacts_by_name(self) -> None:
        """Rows whose contact id and name did not agree: the contact by id if the names agree
        without regard to case, else the one contact of that name (case folded); `matches`
        keeps how many have it, for the message when not one does."""
        stage = self.stage
        pending = (f"SELECT s.line, s.contact_name, c.name FROM {stage} s LEFT JOIN contact c ON c.id = s.contact_ref "
                   "WHERE s.contact_id IS NULL AND s.line > :after ORDER BY s.line LIMIT :limit")
        by_name = False
        for chunk in self._chunks(pending):
            found = []
            for line, name, contact_name in chunk:
                folded = name.casefold()
                same = contact_name is not None and contact_name.casefold() == folded
                found.append((None if same else folded, line))
                by_name = by_name or not same
            self._many(f"UPDATE {stage} SET contact_id = contact_ref WHERE line = ?",
                       [(line,) for folded, line in found if folded is None])
            self._many(f"UPDATE {stage} SET name_folded = ? WHERE line = ?", [row for row in found if row[0] is not None])
        if not by_name:
            return
        # Every contact's name, case folded (streamed: never all of them in memory at once).
        self._temp(self.names, [("id", "bigint"), ("folded", "text")])
        for chunk in self._chunks("SELECT id, name FROM contact WHERE id > :after ORDER BY id LIMIT :limit"):
            self._many(f"INSERT INTO {self.names} (id, folded) VALUES (?, ?)", [(cid, n.casefold()) for cid, n in chunk])
        self.db.execute(f"CREATE INDEX {self.names}_folded ON {self.names} (folded)")
        self.db.execute(
            f"UPDATE {stage} SET matches = (SELECT count(*) FROM {self.names} n WHERE n.folded = {stage}.name_folded), "
            f"contact_id = (SELECT CASE WHEN count(*) = 1 THEN min(n.id) END FROM {self.names} n "
            f"WHERE n.folded = {stage}.name_folded) WHERE contact_id IS NULL AND name_folded IS NOT NULL")

    def _check(self, problems: int, rows: _Rows) -> None:
        """Every problem, in line order (a row's contact before its fields); raise if there is one."""
        unfound = self._one(f"SELECT count(*) FROM {self.stage} WHERE contact_id IS NULL")
        if not problems and not unfound and rows.problem is None:
            return
        said = []
        for chunk in self._chunks(
                f"SELECT line, problem, contact_id, matches, contact_ref, contact_raw, contact_name FROM {self.stage} "
                "WHERE (problem IS NOT NULL OR contact_id IS NULL) AND line > :after ORDER BY line LIMIT :limit"):
            for line, problem, contact_id, matches, ref, raw, contact_name in chunk:
                if contact_id is None and (matches or 0) > 1:
                    problem = f"contact {contact_name!r} is ambiguous ({matches} contacts have that name)"
                elif contact_id is None:
                    shown = raw if raw is not None else (str(ref) if ref is not None else "")
                    problem = f"no contact #{shown} {contact_name!r}: import the contacts first"
                said.append(f"{self.name}:{line}: {problem}")
        if rows.problem is not None:
            said.append(f"{self.name}:{rows.problem[0]}: {rows.problem[1]}")
        raise ImportProblems(said)

    def _match(self, staged: int, ids: tuple[int, int] | None) -> int:
        """Decide which rows are new (see the module's doc); returns how many. The rows that keep
        their ids end up in `claims` (or are every staged row: `self.all_new`), those that get a
        fresh one in `fresh`."""
        table, stage = self.kind.table, self.stage
        self.all_new, self.has_fresh, self.lowest = False, False, ids[0] if ids else None
        if not staged:
            return 0
        if ids is not None and self.db.execute(
                f"SELECT 1 FROM {table} WHERE id BETWEEN :lo AND :hi LIMIT 1", {"lo": ids[0], "hi": ids[1]},
        ).fetchone() is None:
            self.all_new = True  # distinct ids, none of them taken: every row is new, under its own id
            return staged
        # The rows that keep their ids: the first line of each id that the table does not have.
        self._temp(self.claims, [("id", "bigint"), ("line", "integer")])
        self.db.execute(f"INSERT INTO {self.claims} (id, line) SELECT id, min(line) FROM {stage} "
                        "WHERE id IS NOT NULL GROUP BY id")
        self.db.execute(f"DELETE FROM {self.claims} WHERE EXISTS (SELECT 1 FROM {table} t WHERE t.id = {self.claims}.id)")
        claimed = self._one(f"SELECT count(*) FROM {self.claims}")
        self.lowest = self._one(f"SELECT min(id) FROM {self.claims}")
        if claimed == staged:
            return claimed
        # The others are there already if their content is, in the table or earlier in the file.
        self.db.execute(f"CREATE INDEX {stage}_content ON {stage} ({self.kind.lookup})")
        self._temp(self.fresh, [("line", "integer"), ("id", "bigint")])
        same = self.kind.content
        self.db.execute(
            f"INSERT INTO {self.fresh} (line) SELECT b.line FROM {stage} b "
            f"WHERE NOT EXISTS (SELECT 1 FROM {self.claims} k WHERE k.id = b.id AND k.line = b.line) "
            f"AND NOT EXISTS (SELECT 1 FROM {table} a WHERE {same}) "
            f"AND NOT EXISTS (SELECT 1 FROM {stage} a WHERE {same} AND a.line < b.line) ORDER BY b.line")
        fresh = self._one(f"SELECT count(*) FROM {self.fresh}")
        if fresh:
            self.has_fresh = True
            self._number_fresh()
            lowest = self._one(f"SELECT min(id) FROM {self.fresh}")
            self.lowest = lowest if self.lowest is None else min(self.lowest, lowest)
        return claimed + fresh

    def _number_fresh(self) -> None:
        """Fresh ids, in line order: the lowest above the table's highest that no row keeps."""
        top = self._one(f"SELECT coalesce(max(id), 0) FROM {self.kind.table}")
        kept = (row[0] for chunk in self._chunks(
            f"SELECT id FROM {self.claims} WHERE id > :top AND id > :after ORDER BY id LIMIT :limit", {"top": top})
            for row in chunk)
        taken = next(kept, None)
        candidate = top + 1
        for chunk in self._chunks(f"SELECT line FROM {self.fresh} WHERE line > :after ORDER BY line LIMIT :limit"):
            numbered = []
            for (line,) in chunk:
                while taken is not None and taken <= candidate:
                    if taken == candidate:
                        candidate += 1
                    taken = next(kept, None)
                if candidate > MAX_ID:
                    raise BadInput(f"{self.name}: no free {self.kind.table} id is left")
                numbered.append((candidate, line))
                candidate += 1
            self._many(f"UPDATE {self.fresh} SET id = ? WHERE line = ?", numbered)

    def _write(self) -> None:
        """Insert the new rows (without a journal row each when all are above the undo step's
        high water), then re-plan their contacts."""
        kind, stage, db = self.kind, self.stage, self.db
        columns = ", ".join(("id", "contact_id", *kind.value_names)) + (", created_at" if kind is TOUCHES else "")
        picked = ", ".join(f"s.{name}" for name in ("contact_id", *kind.value_names)) + (
            ", :now" if kind is TOUCHES else "")
        if self.all_new:
            sources = [(f"{stage} s", "s.id")]
        else:
            sources = [(f"{self.claims} k CROSS JOIN {stage} s WHERE s.line = k.line", "k.id")]
            if self.has_fresh:
                sources.append((f"{self.fresh} f CROSS JOIN {stage} s WHERE s.line = f.line", "f.id"))
        step = db.info.get("undo_step")
        quiet = journal.unrecorded_inserts(db.raw, step, kind.table, [self.lowest]) \
            if isinstance(step, journal.Step) else nullcontext()
        with quiet:
            for source, key in sources:
                db.execute(f"INSERT INTO {kind.table} ({columns}) SELECT {key}, {picked} FROM {source}",
                           {"now": self.ctx.now})
        if db.dialect == "postgresql":  # ids given: the sequence moves past them
            db.execute(f"SELECT setval(pg_get_serial_sequence('{kind.table}', 'id'), (SELECT MAX(id) FROM {kind.table}))")
        # Their contacts, re-planned a chunk at a time (the ids too are never all in memory).
        self._temp(self.affected, [("id", "integer")])
        union = " UNION ALL ".join(f"SELECT s.contact_id FROM {source}" for source, _ in sources)
        db.execute(f"INSERT INTO {self.affected} (id) SELECT DISTINCT contact_id FROM ({union}) u")
        for chunk in self._chunks(f"SELECT id FROM {self.affected} WHERE id > :after ORDER BY id LIMIT :limit",
                                  size=REPLAN_CHUNK):
            _refresh_ids(db, self.ctx, [cid for (cid,) in chunk], chunk=REPLAN_CHUNK)
        if self.sqlite:
            for table in (self.stage, self.claims, self.fresh, self.names, self.affected):
                db.execute(f"DROP TABLE IF EXISTS temp.{table}")
