"""`fup import contacts`: fup's own export, LinkedIn, Google or Outlook CSV, any sheet with a
name column (CSV or .xlsx), vCard (the history, touches and commitments: `history`).

All or nothing, in flat memory:
1. read (`read_table`): the file is told apart (a workbook, vCard, else text in the
   encoding and delimiter it has), its layout from its first line; a CSV file is read as a
   stream; `formats` (or `vcard`) maps each record to plain fields;
2. check and match (`_checked`, `_Plan`), a chunk of rows at a time: every problem of a
   record is collected as `FILE:LINE: message`; a good record is matched against the
   database and the rows before it (id, any email, profile URL, exact name + company,
   never two people whose emails differ) into new / updated / unchanged, through indexes
   kept in a scratch SQLite database (`storage.scratch`), which also keeps what is to be written;
   with any problem nothing is written (unless `--skip-bad`);
3. write (`_write_contacts`): in the same write transaction (`Store.write()`) as step 2
   when there is a database, new contacts are inserted a chunk at a time, matched ones
   filled (or with `--update` changed) and re-planned.
Without `--update` a match only fills fields that are empty, so a second run of the same
file changes nothing.
"""

from __future__ import annotations

import sys
from itertools import islice
from pathlib import Path
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from . import csvio, formats, vcard
from ..storage.scratch import CHUNK, Matcher, Scratch, emails_of
from ..storage import journal
from ..context import AppContext
from ..core import (
    Balancer,
    check_cadence,
    clean_email,
    clean_name,
    clean_other_phone,
    clean_tags,
    clean_text,
    load_contacts,
    plan_columns,
    plan_for,
    refresh_many,
)
from ..dates import check_range, parse_birthday
from ..errors import BadInput, ExitCode, FupError, check_choice
from ..lookup import fold, word_rows
from ..storage.journal import Undoable
from ..storage.db import Db
from ..storage.queries import parse_id
from ..scheduler import Plan
from ..vocabulary import STATES, check_channel

FILLABLE = ("company", "title", "email", "phone", "url", "source", "notes", "birthday")
PROGRESS_THRESHOLD = 2000
WRITE_CHUNK = 1000  # contacts built and written at a time


class ImportProblems(FupError):
    """Every problem of a file, one `FILE:LINE: message` each; nothing was written."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[str]):
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found; nothing was imported")
        self.problems = problems


@dataclass
class ImportReport:
    what: str
    layout: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # rows that filled a contact an earlier row of the same file made
    dry_run: bool = False
    spread_until: date | None = None
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the file: an encoding guessed, columns left out
    skipped: list[str] = field(default_factory=list)  # `--skip-bad`: the rows left out, `FILE:LINE: why`
    stand_ins: list[str] = field(default_factory=list)  # rows without a name, named from what they have


@dataclass
class Table:
    """What a file holds: its layout, the notes for the user (an encoding guessed, columns left
    out), and its records, each `(line, ContactRecord)` or `(line, problem)`."""

    layout: str
    records: Iterator[tuple[int, "formats.ContactRecord | str"]]
    notes: list[str] = field(default_factory=list)


def read_table(name: str, handle: IO[bytes], source: str = "auto", encoding: str | None = None,
               options: formats.ReadOptions | None = None, mapping: Sequence[str] = ()) -> Table:
    """Open an address book: a workbook (.xlsx read, others named), a vCard file or CSV in any
    encoding and delimiter a spreadsheet writes; then its layout, from the first line's header
    (LinkedIn's, with notes above it, is looked for further down), `--from`, or `--map`.
    Every kind is read as a stream: the records of a CSV file (`csvio.open_text`), a vCard file
    or a workbook (openpyxl's read-only mode) are read as they are used. A problem with the file as a whole raises
    (BadInput, ImportProblems); a problem with one record is yielded with its line."""
    from . import workbook

    options = options or formats.ReadOptions()
    kind = workbook.kind(handle)
    if kind in workbook.REFUSED:
        raise BadInput(workbook.refusal(kind, name))
    notes: list[str] = []
    if kind == "xlsx":
        if source == formats.VCARD:
            raise BadInput(f"{name} is a workbook, not a vCard file")
        if encoding is not None:
            raise BadInput(f"--encoding is for text files; {name} is a workbook, which says its own")
        header, records = _problems_at(name, lambda: workbook.read_xlsx(handle, name))
        header_line = 1
    else:
        stream, note = _problems_at(name, lambda: csvio.open_text(handle, encoding))
        if note:
            notes.append(f"{name}: {note}")
        start = stream.tell()  # (past a BOM)
        head = stream.read(_HEAD_CHARS)
        stream.seek(start)
        if not head.strip() and len(head) < _HEAD_CHARS:
            raise BadInput(f"{name} is empty")
        if source == formats.VCARD or (source == "auto" and vcard.looks_like_vcard(head[:4096])):
            if mapping or options.date_format:
                raise BadInput("--map and --date-format read the columns of a sheet; a vCard file has none")
            return Table(formats.VCARD, _vcard_records(name, stream), notes)
        header_at = 0
        first = _first_header(head) if source in ("auto", formats.LINKEDIN) else []
        if source == formats.LINKEDIN or (source == "auto" and not mapping and formats.detect(first) is None):
            found = csvio.find_header(head, formats.is_linkedin_header)  # (below LinkedIn's notes)
            header_at = found if found >= 0 else 0
        delimiter = csvio.sniff_delimiter(head, header_at)
        header, records = _problems_at(name, lambda: csvio.read_csv(stream, header_at, delimiter, keep_going=True))
        header_line = header_at + 1
        _problems_at(name, lambda: csvio.check_header(header, header_line))
    layout = _layout(name, header, header_line, source, mapping, options)
    if layout == formats.SHEET:
        left = formats.unmapped(header, options.mapping)
        if left:
            notes.append(f"{name}: columns not imported: {', '.join(left)}")
    return Table(layout, _csv_records(name, layout, records, options), notes)


_HEAD_CHARS = 1 << 18  # the start of a text file, read for its layout, header line and delimiter


def _layout(name: str, header: list[str], line: int, source: str, mapping: Sequence[str],
            options: formats.ReadOptions) -> str:
    """The layout of a header, as detected, forced by `--from`, or given by `--map` (which
    fills `options.mapping`)."""
    if mapping:
        if source not in ("auto", formats.SHEET):
            raise BadInput(f"--map reads a sheet of your own: it cannot be used with --from {source}")
        try:
            options.mapping = formats.check_mapping(mapping, header)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        return formats.SHEET
    layout = formats.detect(header)
    if source == formats.SHEET and formats.sheet_mapping(header):
        layout = formats.SHEET  # (a sheet with a name column, even if another layout's header would fit)
    if source not in ("auto", None):
        acceptable = {formats.GOOGLE: (formats.GOOGLE, formats.GOOGLE_LEGACY)}.get(source, (source,))
        if layout not in acceptable:
            if source == formats.SHEET:
                raise BadInput(f"{name}:{line}: no column is named name; say which are with --map, "
                               "e.g. --map name=\"Full Name\" --map email=\"E-mail\"")
            raise BadInput(f"{name}:{line}: this is not a {source} contacts file (header: {', '.join(header[:6])}...)")
    if layout is None:
        raise BadInput(
            f"{name}:{line}: unknown file layout (header: {', '.join(header[:6])}{', ...' if len(header) > 6 else ''}); "
            "expected fup's own export, LinkedIn, Google or Outlook contacts, a vCard file, "
            "or say which columns hold what with --map, e.g. --map name=\"Full Name\""
        )
    if layout == formats.SHEET:
        options.mapping = formats.sheet_mapping(header)
    return layout


def _first_header(text: str) -> list[str]:
    """The cells of the first line, for detection (read from its start: the file may be large)."""
    start = text[:_HEADER_CHARS]
    try:
        return csvio.read_csv(start, 0, csvio.sniff_delimiter(start, 0))[0]
    except csvio.CsvProblem:
        return []


_HEADER_CHARS = 1 << 16


def _problems_at(name: str, read: Callable[[], Any]) -> Any:
    """`read()`, with a problem of the file (CsvProblem) as `FILE:LINE: message`."""
    try:
        return read()
    except csvio.CsvProblem as exc:
        raise ImportProblems([f"{name}:{exc.line}: {exc.message}"]) from None


def _csv_records(name: str, layout: str, records: Iterable[csvio.Record],
                 options: formats.ReadOptions) -> Iterator[tuple[int, "formats.ContactRecord | str"]]:
    own = layout == formats.FUP
    try:
        for record in records:
            if record.problem is not None:
                yield record.line, record.problem
                continue
            cells = csvio.restore_cells(record.cells) if own else record.cells
            try:
                yield record.line, formats.contact_record(layout, record.line, cells, options)
            except ValueError as exc:
                yield record.line, str(exc)
    except csvio.CsvProblem as exc:
        yield exc.line, exc.message


def _vcard_records(name: str, text: IO[str]) -> Iterator[tuple[int, "formats.ContactRecord | str"]]:
    for record in vcard.read_vcards(text, keep_going=True):
        yield record.line, record.message if isinstance(record, csvio.CsvProblem) else record


def _progress(total: int) -> Callable[[], None]:
    """A progress bar on stderr for large imports when stderr is a terminal; otherwise nothing."""
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        return lambda: None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task("importing", total=total)
    progress.start()
    done = [0]

    def step() -> None:
        done[0] += 1
        progress.advance(task)
        if done[0] >= total:
            progress.stop()

    return step


# --- contacts ---------------------------------------------------------------------


def _iso_moment(value: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{what} {value!r} is not an ISO date-time") from None
    if moment.tzinfo is not None:  # fup's times are local wall-clock times, as it exports them
        raise BadInput(f"{what} {value!r} has a time zone; give the local time without one")
    return check_range(moment, f"{what} {value}")


def _iso_day(value: str, what: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{what} {value!r} is not an ISO date (YYYY-MM-DD)") from None
    return check_range(day, f"{what} {value}")


def stand_in_name(rec: formats.ContactRecord) -> str:
    """A name for a record that has none, made from what it has: 'ana.ruiz (acme.example)' from
    an address, 'someone at Acme' from a company, else its phone or profile URL; '' if nothing."""
    email = rec.email or next(iter(rec.other_emails), "")
    if "@" in email:
        local, _, domain = email.strip().partition("@")
        return f"{local} ({domain})"
    if rec.company.strip():
        return f"someone at {rec.company.strip()}"
    return (rec.phone or next(iter(rec.other_phones), "") or rec.url).strip()


def _contact_fields(ctx: AppContext, layout: str, rec: formats.ContactRecord, cadence: str | None,
                    tags: list[str], known: dict | None = None) -> tuple[dict, list[str]]:
    """Validate one record into Contact column values, and every problem found in it (each
    field is checked, so a row with three mistakes says all three). `known` keeps the words
    (channel, cadence, state) already checked by earlier rows: a file repeats a few of them."""
    own = layout == formats.FUP
    known = {} if known is None else known
    problems: list[str] = list(rec.problems)

    def check(what: Callable[[], Any]) -> Any:
        try:
            return what()
        except (BadInput, ValueError) as exc:
            problems.append(getattr(exc, "message", None) or str(exc))
            return None

    name = rec.name if rec.name.strip() or own else stand_in_name(rec)
    fields: dict[str, Any] = {
        "name": check(lambda: clean_name(name)) if name.strip() or own else None,
        "company": check(lambda: clean_text(rec.company, "company")),
        "title": check(lambda: clean_text(rec.title, "title")),
        "email": check(lambda: clean_email(rec.email)) if rec.email else None,
        "phone": check(lambda: clean_text(rec.phone, "phone")),
        "url": check(lambda: clean_text(rec.url, "url")),
        "source": check(lambda: clean_text(rec.source, "source")),
        "notes": check(lambda: clean_text(rec.notes, "notes")),
        "birthday": check(lambda: parse_birthday(rec.birthday)) if rec.birthday else None,
        "tags": check(lambda: clean_tags(rec.tags + tags)) or [],
        "other_emails": [email for raw in rec.other_emails if (email := check(lambda raw=raw: clean_email(raw)))] or (),
        "other_phones": [phone for raw in rec.other_phones if (phone := check(lambda raw=raw: clean_other_phone(raw)))] or (),
        "stand_in": not own and not rec.name.strip(),
    }
    if not name.strip() and not own:
        problems.append("nothing to identify a person: no name, email, company, phone or profile URL")
    if fields["other_emails"]:
        fields["other_emails"] = [e for e in dict.fromkeys(fields["other_emails"]) if e != fields["email"]] or ()
    if own:
        fields["id"] = parse_id(rec.id) if rec.id.strip() else None
        if rec.id.strip() and (fields["id"] is None or not rec.id.strip().isascii()):
            problems.append(f"id {rec.id!r} must be a positive whole number")
        channel, profile, state = (rec.channel or ctx.settings.default_channel, cadence or rec.cadence or "none",
                                   rec.state or "active")
        words = (channel, profile, state)
        if words in known:
            fields["channel"], fields["cadence"], fields["state"] = known[words]
        else:
            fields["channel"] = check(lambda: check_channel(channel))
            fields["cadence"] = check(lambda: check_cadence(ctx, profile))
            fields["state"] = check(lambda: check_choice(state, STATES, "state"))
            if None not in (fields["channel"], fields["cadence"], fields["state"]) and len(known) < 1000:
                known[words] = (fields["channel"], fields["cadence"], fields["state"])
        fields["created_at"] = check(lambda: _iso_moment(rec.created_at, "created_at")) if rec.created_at else ctx.now
        fields["snoozed_until"] = check(lambda: _iso_day(rec.snoozed_until, "snoozed_until")) if rec.snoozed_until else None
        fields["planned_due"] = check(lambda: _iso_day(rec.next_due, "next_due")) if rec.next_due else None
        fields["reopened_at"] = check(lambda: _iso_moment(rec.reopened_at, "reopened_at")) if rec.reopened_at else None
    else:
        # The layout names the channel a record can be reached by when it has no email (formats.reach).
        profile = known.get(cadence)
        if profile is None:
            profile = known[cadence] = check_cadence(ctx, cadence or "none")
        fields.update(id=None, channel=rec.channel or ctx.settings.default_channel, cadence=profile,
                      state="active", created_at=ctx.now, snoozed_until=None)
    return fields, problems


def import_contacts(
    ctx: AppContext,
    path: str,
    source: str = "auto",
    cadence: str | None = None,
    tags: Iterable[str] = (),
    dry_run: bool = False,
    encoding: str | None = None,
    mapping: Sequence[str] = (),
    date_format: str | None = None,
    skip_bad: bool = False,
    update: bool = False,
) -> ImportReport:
    source = check_choice(source, formats.SOURCES, "--from")
    if cadence is not None:
        cadence = check_cadence(ctx, cadence)
    extra_tags = clean_tags(tags)
    options = formats.ReadOptions(date_format=_check_date_format(date_format))
    scratch = Scratch()
    try:
        with csvio.open_input(path) as (name, handle):
            table = read_table(name, handle, source, encoding, options, mapping)
            report = ImportReport("contacts", table.layout, dry_run=dry_run, notes=table.notes)
            plan = _Plan(scratch, table.layout, name, report, update, skip_bad)
            rows = _checked(ctx, name, table, cadence, extra_tags, plan)
            if dry_run:
                plan.run(ctx.store.reader(), rows)
                plan.raise_problems()
                return report
            fresh = not has_database(ctx)
            if fresh:  # (made by the write, once the file is known to be good)
                plan.run(None, rows)
                plan.raise_problems()
            with ctx.store.write(Undoable("import", ctx.now)) as db:
                if not fresh:
                    plan.run(db, rows)
                    plan.raise_problems()
                elif db.execute("SELECT 1 FROM contact LIMIT 1").fetchone() is not None:
                    raise BadInput("contacts were added while the file was read; run the import again")
                _write_contacts(db, ctx, scratch, plan.matcher.highest_id(), report, table.layout)
                journal.label(db, _undo_summary(name, report))
            return report
    finally:
        scratch.close()


def has_database(ctx: AppContext, dry_run: bool = False) -> bool:
    """Whether there is a database to import into. A SQLite file at an older schema is one (the
    import's write upgrades it), but not for a dry run, which writes nothing: its reader refuses
    it, as every read does; a server database is one once its schema is made."""
    if ctx.store.path is not None and not dry_run:
        return ctx.store.exists()
    return ctx.store.reader() is not None


def _checked(ctx: AppContext, name: str, table: Table, cadence: str | None, extra_tags: list[str],
             plan: "_Plan") -> Iterator[tuple[int, dict]]:
    """The records of the file checked, (line, fields) for each good one; the problems of the
    others go to `plan` (its problems, or with `--skip-bad` the rows it left out)."""
    default_source = Path(name).name if table.layout == formats.SHEET and name != "<stdin>" else ""
    kept = plan.report.skipped if plan.skip_bad else plan.problems
    known: dict = {}
    for line, rec in table.records:
        if isinstance(rec, str):
            found = [rec]
        else:
            if default_source and not rec.source:
                rec.source = default_source
            fields, found = _contact_fields(ctx, table.layout, rec, cadence, extra_tags, known)
        if found:
            kept.extend(f"{name}:{line}: {message}" for message in found)
            continue
        yield line, fields


def _check_date_format(fmt: str | None) -> str | None:
    """A `--date-format` that strptime understands and that reads at least a day and a month."""
    if fmt is None:
        return None
    if "%d" not in fmt or ("%m" not in fmt and "%b" not in fmt and "%B" not in fmt):
        raise BadInput(f"--date-format {fmt!r}: needs at least %d and %m (or %b), e.g. %d.%m.%Y or %m/%d/%Y")
    try:
        sample = datetime(2024, 3, 12).strftime(fmt)
        datetime.strptime(sample, fmt)
    except ValueError as exc:
        raise BadInput(f"--date-format {fmt!r}: {exc}") from None
    return fmt


def _undo_summary(name: str, report: ImportReport) -> str:
    """What `fup undo` will say of an import (no contact's name: see `journal.label`)."""
    return f"import {report.what} from {name}: {report.new} new, {report.updated} updated"


_READ_COLUMNS = ("id", "name", "company", "title", "email", "phone", "url", "source", "notes", "birthday", "tags")


class _Plan:
    """Decide new / fill (or, with `update`, change) / unchanged for each staged record, in the
    order of the file, against the contacts in the database (`run(conn)`: a reader for a dry
    run, the write's connection otherwise; None when there is no database yet). Without
    `update` a match only fills fields that are empty; with it, a field the file gives and
    that differs replaces the stored one (`report.details` says each change as `#ID field:
    old -> new`), but where we met (`source`) is only filled: the layouts make one up
    ("Outlook", the file's name) that should not replace yours. Emails and phones beyond the
    first are added; a main phone replaced is kept besides the new one. A row whose emails
    belong to two contacts is a problem (with `skip_bad`, skipped). What is decided is kept
    in the scratch database (`Scratch.remember`) for `_write_contacts`, never in RAM."""

    def __init__(self, scratch: Scratch, layout: str, name: str, report: ImportReport, update: bool,
                 skip_bad: bool) -> None:
        self.scratch, self.layout, self.name, self.report = scratch, layout, name, report
        self.update, self.skip_bad = update, skip_bad
        self.problems: list[str] = []
        self.matcher = Matcher(scratch, self.fields)
        self.conn: Any = None

    def fields(self, key: int) -> dict:
        """A contact as the import sees it now: as planned (made or changed by earlier rows), or as stored."""
        planned = self.scratch.recall(key)
        if planned is not None:
            return planned["target"] if key > 0 else planned
        row = self.conn.execute(f"SELECT {', '.join(_READ_COLUMNS)} FROM contact WHERE id = :id", {"id": key}).fetchone()
        fields = dict(zip(_READ_COLUMNS, row))
        fields["tags"] = [t for t in (fields.get("tags") or "").split(";") if t]
        fields["other_emails"] = [r[0] for r in self.conn.execute(
            "SELECT email FROM contact_email WHERE contact_id = :id ORDER BY id", {"id": key})]
        fields["other_phones"] = [r[0] for r in self.conn.execute(
            "SELECT phone FROM contact_phone WHERE contact_id = :id ORDER BY id", {"id": key})]
        return fields

    def run(self, conn: Any, rows: Iterable[tuple[int, dict]]) -> None:
        """Plan each row against the contacts of `conn` (None: no database yet), a chunk at a time."""
        self.conn = conn
        if conn is not None:
            self.matcher.index_existing(conn)
        rows = iter(rows)
        while chunk := list(islice(rows, CHUNK)):
            self.matcher.begin([fields for _line, fields in chunk])
            for line, fields in chunk:
                self._one(line, fields)
            self.matcher.end()
            self.scratch.flush()

    def raise_problems(self) -> None:
        if self.problems:
            raise ImportProblems(self.problems)

    def _one(self, line: int, fields: dict) -> None:
        matcher, report = self.matcher, self.report
        emails = emails_of(fields)
        key = matcher.find(fields, emails)
        taken = [e for e in emails if (matcher.owner(e) or key) != key]  # (a match takes all of them)
        if taken:
            (report.skipped if self.skip_bad else self.problems).append(
                f"{self.name}:{line}: email {taken[0]} belongs to another contact")
            return
        if key is None:
            key = -line
            wanted = fields.get("id")
            if wanted is not None and matcher.id_taken(wanted):
                fields["id"] = None  # the id is taken by another contact: a fresh one
            self.scratch.remember(key, fields)  # (later rows of the file that match it fill it)
            matcher.add(key, emails, fields.get("url"), fields["name"], fields.get("company"),
                        contact_id=fields.get("id"), loose=self.layout != formats.FUP,
                        named=not fields.get("stand_in"))
            report.new += 1
            if fields.get("stand_in"):
                report.stand_ins.append(f"{self.name}:{line}")
            return
        planned = self.scratch.recall(key) if key > 0 else None
        target = planned["target"] if planned else self.fields(key)
        if self.update:
            replaceable = [f for f in _REPLACEABLE if f != "name" or not fields.get("stand_in")]
            changes = {f: fields[f] for f in replaceable if fields.get(f) and fields[f] != target.get(f)}
            if fields.get("source") and not target.get("source"):
                changes["source"] = fields["source"]
        else:
            changes = {f: fields[f] for f in FILLABLE if not target.get(f) and fields.get(f)}
        if target.get("email") and changes.get("email") and target["email"] != changes["email"]:
            changes.pop("email")  # the main address stays; the file's is kept besides it
        new_tags = [t for t in fields["tags"] if t not in target["tags"]]
        known = set(emails_of(target))
        new_emails = [e for e in emails if e not in known and e != changes.get("email")]
        phones = [fields.get("phone"), *fields.get("other_phones", [])]
        if changes.get("phone") and target.get("phone"):
            phones.append(target["phone"])  # (the number it replaces is kept besides it)
        new_phones = [p for p in dict.fromkeys(phones) if p and p != changes.get("phone", target.get("phone"))
                      and p not in target.get("other_phones", [])]
        if not changes and not new_tags and not new_emails and not new_phones:
            report.unchanged += 1
            return
        if key > 0 and report.dry_run:
            for field_name, value in changes.items():
                report.details.append(f"#{key} {field_name}: {_shown_value(target.get(field_name))} -> {_shown_value(value)}")
            if new_tags:
                report.details.append(f"#{key} tags: + {', '.join(new_tags)}")
            for email in new_emails:
                report.details.append(f"#{key} other email: + {email}")
            for phone in new_phones:
                report.details.append(f"#{key} other phone: + {phone}")
        target.update(changes)
        target["tags"] = target["tags"] + new_tags
        target["other_emails"] = [*target.get("other_emails", []), *new_emails]
        target["other_phones"] = [*target.get("other_phones", []), *new_phones]
        if key > 0:  # a contact of the database: what to write, the changes of every row of the file together
            planned = planned or {"changes": {}, "+emails": [], "+phones": []}
            planned["target"] = target
            planned["changes"].update(changes)
            planned["+emails"] += new_emails
            planned["+phones"] += new_phones
            self.scratch.remember(key, planned)
            report.updated += 1
        else:  # a later row of the same file filling a new contact
            self.scratch.remember(key, target)
            report.merged += 1
        # (indexed as the contact was: a new contact of fup's own file by its id and emails only,
        # a made-up name never, unless the row named it)
        matcher.add(key, emails_of(target), changes.get("url"), target["name"], target.get("company"),
                    loose=key > 0 or self.layout != formats.FUP, named=not target.get("stand_in") or "name" in changes)


_REPLACEABLE = tuple(f for f in ("name", *FILLABLE) if f != "source")


def _shown_value(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return repr(text[:60] + ("…" if len(text) > 60 else "")) if text else "(empty)"


def _write_contacts(db: Db, ctx: AppContext, scratch: Scratch, highest_id: int, report: ImportReport,
                    layout: str) -> None:
    """Write what `_Plan` decided: the new contacts with what hangs from them (their search
    words, agenda, other emails and phones), a chunk at a time, then the changed ones, re-planned
    a chunk at a time."""
    rules = ctx.settings.rules
    next_id = highest_id + 1
    # Opening touches of people never contacted spread over days with room; fup's own export
    # restores contacts whose history follows (`import touches` re-plans, and balances, them).
    balance = Balancer(db, rules, ctx.today, ctx.store.user()) if layout != formats.FUP else None
    step = _progress(scratch.count_planned())
    rows: list[dict] = []
    items: list[dict] = []
    emails: list[dict] = []
    phones: list[dict] = []
    plans: dict[tuple, Plan] = {}  # new contacts without history share few plans

    def flush() -> None:  # the new contacts so far, with what hangs from them (written a chunk at a time)
        db.insert_many("contact", rows)
        db.insert_many("contact_word", [word for row in rows for word in word_rows(row["id"], row["name_key"])])
        db.insert_many("agenda_item", items)
        db.insert_many("contact_email", emails)
        db.insert_many("contact_phone", phones)
        for written in (rows, items, emails, phones):
            written.clear()

    for _key, fields in scratch.planned(new=True):
        if fields.get("id") is None:
            fields["id"] = next_id
            next_id += 1
        row = {**fields, "tags": ";".join(fields["tags"]), "name_key": fold(fields["name"]), "updated_at": ctx.now}
        planned = row.pop("planned_due", None)
        for extra in ("other_emails", "other_phones", "stand_in"):
            del row[extra]
        emails += [{"contact_id": row["id"], "email": email, "created_at": ctx.now} for email in fields["other_emails"]]
        phones += [{"contact_id": row["id"], "phone": phone, "created_at": ctx.now} for phone in fields["other_phones"]]
        same = (row["cadence"], row["state"], row["created_at"].date(), row["snoozed_until"], row.get("reopened_at"))
        if same not in plans:  # a birthday does not change the plan, only the birthday_md column
            plans[same] = plan_for({**row, "birthday": None}, [], [], rules)
        columns, agenda = plan_columns(row, plans[same], balance or _kept_day(planned))
        row.update(columns)
        if balance is not None and any(item["kind"] == "cold" for item in agenda) and row["next_due"] > ctx.today:
            report.spread_until = max(report.spread_until or row["next_due"], row["next_due"])
        rows.append(row)
        items += agenda
        if len(rows) >= WRITE_CHUNK:
            flush()
        step()
    flush()
    filled: list[int] = []
    for cid, planned in scratch.planned(new=False):
        emails += [{"contact_id": cid, "email": email, "created_at": ctx.now} for email in planned["+emails"]]
        phones += [{"contact_id": cid, "phone": phone, "created_at": ctx.now} for phone in planned["+phones"]]
        values = {column: value for column, value in planned["changes"].items()}
        values["tags"] = ";".join(planned["target"]["tags"])
        if "name" in values:  # (`--update`: the name and the words it is found by)
            values["name_key"] = fold(values["name"])
            db.execute("DELETE FROM contact_word WHERE contact_id = :cid", {"cid": cid})
            db.insert_many("contact_word", word_rows(cid, values["name_key"]))
        db.update("contact", cid, {**values, "updated_at": ctx.now})
        filled.append(cid)
        if len(filled) >= WRITE_CHUNK:
            flush()
            _refresh_ids(db, ctx, filled)
            filled.clear()
        step()
    flush()
    _refresh_ids(db, ctx, filled)


def _kept_day(planned: date | None) -> Callable[..., list] | None:
    """For fup's own export: a cold row keeps the day it was balanced to (the exported next_due),
    never earlier than the plan's own day."""
    if planned is None:
        return None
    return lambda _old, items, _id=None, _owner=None: [
        item._replace(due=max(item.due, planned)) if item.kind == "cold" else item for item in items]


def _refresh_ids(db: Db, ctx: AppContext, ids: list[int], chunk: int = 5000) -> None:
    """Re-plan the contacts of these ids, a chunk at a time (an import may touch 100k)."""
    for start in range(0, len(ids), chunk):
        marks = ", ".join(str(int(cid)) for cid in ids[start:start + chunk])
        refresh_many(db, ctx, load_contacts(db, f"id IN ({marks})"), roll=False)
