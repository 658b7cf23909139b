"""`fup import contacts`: fup's own export, LinkedIn, Google or Outlook CSV, any sheet with a
name column (CSV or .xlsx), vCard (the history, touches and commitments: `history`).

All or nothing, in three steps:
1. read (`read_table`): the file is told apart (a workbook, vCard, else text in the
   encoding and delimiter it has), its layout from its first line; `formats` (or `vcard`)
   maps each record to plain fields;
2. validate: every record is checked, every problem of it collected as `FILE:LINE:
   message`, and matched against the database and the rows before it (id, any email,
   profile URL, exact name + company, never two people whose emails differ) into new /
   updated / unchanged; with any problem nothing is written (unless `--skip-bad`);
3. write: one write transaction (`Store.write()`) inserts, a chunk at a time, fills (or
   with `--update` changes), and re-plans every contact it touched.
Without `--update` a match only fills fields that are empty, so a second run of the same
file changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Iterator, Sequence

from . import csvio, formats, vcard
from ..storage import journal
from ..context import AppContext
from ..core import (
    Balancer,
    check_cadence,
    clean_email,
    clean_name,
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
WRITE_CHUNK = 5000  # new contacts built and written at a time


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
    dry_run: bool = False
    spread_until: date | None = None
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the file: an encoding guessed, columns left out
    skipped: list[str] = field(default_factory=list)  # `--skip-bad`: the rows left out, `FILE:LINE: why`
    stand_ins: list[str] = field(default_factory=list)  # rows without a name, named from what they have


def read_input(path: str) -> tuple[str, bytes]:
    """(name for messages, bytes) of FILE, or of stdin for '-'."""
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return csvio.shown(path), handle.read()
    except OSError as exc:
        raise BadInput(f"cannot read {csvio.shown(path)}: {exc.strerror}") from None
    except ValueError:  # a NUL in the name
        raise BadInput(f"cannot read {csvio.shown(path)}: not a valid file name") from None


@dataclass
class Table:
    """What a file holds: its layout, the notes for the user (an encoding guessed, columns left
    out), and its records, each `(line, ContactRecord)` or `(line, problem)`."""

    layout: str
    records: Iterator[tuple[int, "formats.ContactRecord | str"]]
    notes: list[str] = field(default_factory=list)


def read_table(name: str, data: bytes, source: str = "auto", encoding: str | None = None,
               options: formats.ReadOptions | None = None, mapping: Sequence[str] = ()) -> Table:
    """Open an address book: a workbook (.xlsx read, others named), a vCard file or CSV in any
    encoding and delimiter a spreadsheet writes; then its layout, from the first line's header
    (LinkedIn's, with notes above it, is looked for further down), `--from`, or `--map`.
    A problem with the file as a whole raises (BadInput, ImportProblems); a problem with one
    record is yielded with its line."""
    from . import workbook

    options = options or formats.ReadOptions()
    kind = workbook.kind(data)
    if kind in workbook.REFUSED:
        raise BadInput(workbook.refusal(kind, name))
    notes: list[str] = []
    if kind == "xlsx":
        if source == formats.VCARD:
            raise BadInput(f"{name} is a workbook, not a vCard file")
        if encoding is not None:
            raise BadInput(f"--encoding is for text files; {name} is a workbook, which says its own")
        header, records = _problems_at(name, lambda: workbook.read_xlsx(data, name))
        header_line = 1
    else:
        text, note = _problems_at(name, lambda: csvio.decode_text(data, encoding))
        if note:
            notes.append(f"{name}: {note}")
        if not text.strip():
            raise BadInput(f"{name} is empty")
        if source == formats.VCARD or (source == "auto" and vcard.looks_like_vcard(text[:4096])):
            if mapping or options.date_format:
                raise BadInput("--map and --date-format read the columns of a sheet; a vCard file has none")
            return Table(formats.VCARD, _vcard_records(name, text), notes)
        header_at = 0
        first = _first_header(text) if source in ("auto", formats.LINKEDIN) else []
        if source == formats.LINKEDIN or (source == "auto" and not mapping and formats.detect(first) is None):
            found = csvio.find_header(text, formats.is_linkedin_header)  # (below LinkedIn's notes)
            header_at = found if found >= 0 else 0
        delimiter = csvio.sniff_delimiter(text, header_at)
        header, records = _problems_at(name, lambda: csvio.read_csv(text, header_at, delimiter, keep_going=True))
        header_line = header_at + 1
        _problems_at(name, lambda: csvio.check_header(header, header_line))
    layout = _layout(name, header, header_line, source, mapping, options)
    if layout == formats.SHEET:
        left = formats.unmapped(header, options.mapping)
        if left:
            notes.append(f"{name}: columns not imported: {', '.join(left)}")
    return Table(layout, _csv_records(name, layout, records, options), notes)


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


def _vcard_records(name: str, text: str) -> Iterator[tuple[int, "formats.ContactRecord | str"]]:
    try:
        for record in vcard.read_vcards(text):
            yield record.line, record
    except csvio.CsvProblem as exc:
        yield exc.line, exc.message


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


def _norm_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip().lower().rstrip("/")
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix):]
    return url.removeprefix("www.") or None


def _name_key(name: str | None, company: str | None) -> tuple[str, str]:
    return (name or "", company or "")


class _Matcher:
    """Finds the contact a record stands for: by fup id (same name), then any of its emails,
    then its profile URL, then exact name + company, but never two people whose emails or
    profile URLs differ (a namesake at the same company is someone else). It keeps keys
    only: what a contact has is read from its fields (`current`) when a name is shared."""

    def __init__(self, current: dict[Any, dict]) -> None:
        self.current = current
        self.by_id: dict[int, tuple[str, Any]] = {}
        self.by_email: dict[str, Any] = {}
        self.by_url: dict[str, Any] = {}
        self.by_name: dict[tuple[str, str], Any] = {}  # a key, or a list of keys for namesakes

    def add(self, key: Any, emails: Iterable[str], url: str | None, name: str, company: str | None,
            contact_id: int | None = None, loose: bool = True, named: bool = True) -> None:
        """Index a contact; `loose=False` indexes only its id and emails (rows of one fup export are distinct)."""
        if contact_id is not None:
            self.by_id.setdefault(contact_id, (name, key))
        for email in emails:
            self.by_email.setdefault(email, key)
        if not loose:
            return
        if url and (norm := _norm_url(url)):
            self.by_url.setdefault(norm, key)
        if not named:  # (a stand-in name: matched by its email or URL only)
            return
        name_key = _name_key(name, company)
        found = self.by_name.get(name_key)
        if found is None:
            self.by_name[name_key] = key
        elif isinstance(found, list):
            if key not in found:
                found.append(key)
        elif found != key:
            self.by_name[name_key] = [found, key]

    def find(self, fields: dict, emails: list[str]) -> Any:
        """The key of the contact `fields` (with its addresses `emails`) stands for, or None."""
        url = _norm_url(fields.get("url"))
        same = self.by_id.get(fields.get("id")) if fields.get("id") is not None else None
        if same is not None and same[0] == fields["name"] and not self._differ(same[1], emails, url):
            return same[1]
        for email in emails:
            if email in self.by_email:
                return self.by_email[email]
        if url and url in self.by_url:
            return self.by_url[url]
        if fields.get("stand_in"):
            return None  # (a name made up from a company is no person's name)
        found = self.by_name.get(_name_key(fields["name"], fields.get("company")))
        alike = [key for key in (found if isinstance(found, list) else () if found is None else (found,))
                 if not self._differ(key, emails, url)]
        return alike[0] if len(alike) == 1 else None  # (two namesakes it could be: neither)

    def _differ(self, key: Any, emails: list[str], url: str | None) -> bool:
        """True when the contact `key` and a record both have an email (or a profile URL) and
        none is the same: two people, whatever their names."""
        known = self.current[key]
        theirs = _emails_of(known)
        if emails and theirs and not set(emails) & set(theirs):
            return True
        other = _norm_url(known.get("url"))
        return bool(url and other and url != other)


def _emails_of(fields: dict) -> list[str]:
    """A record's or contact's addresses, the main one first."""
    first, others = fields.get("email"), fields.get("other_emails")
    if not others:
        return [first] if first else []
    return [e for e in (first, *others) if e]


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
                    tags: list[str]) -> tuple[dict, list[str]]:
    """Validate one record into Contact column values, and every problem found in it (each
    field is checked, so a row with three mistakes says all three)."""
    own = layout == formats.FUP
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
        "other_phones": [phone for raw in rec.other_phones if (phone := check(lambda raw=raw: clean_text(raw, "phone")))] or (),
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
        fields["channel"] = check(lambda: check_channel(rec.channel or ctx.settings.default_channel))
        fields["cadence"] = check(lambda: check_cadence(ctx, cadence or rec.cadence or "none"))
        fields["state"] = check(lambda: check_choice(rec.state or "active", STATES, "state"))
        fields["created_at"] = check(lambda: _iso_moment(rec.created_at, "created_at")) if rec.created_at else ctx.now
        fields["snoozed_until"] = check(lambda: _iso_day(rec.snoozed_until, "snoozed_until")) if rec.snoozed_until else None
        fields["planned_due"] = check(lambda: _iso_day(rec.next_due, "next_due")) if rec.next_due else None
        fields["reopened_at"] = check(lambda: _iso_moment(rec.reopened_at, "reopened_at")) if rec.reopened_at else None
    else:
        # The layout names the channel a record can be reached by when it has no email (formats.reach).
        fields.update(id=None, channel=rec.channel or ctx.settings.default_channel, cadence=check_cadence(ctx, cadence or "none"),
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
    name, data = read_input(path)
    table = read_table(name, data, source, encoding, options, mapping)
    del data  # (the records read from the decoded text, or the workbook, from here on)
    layout = table.layout
    default_source = Path(name).name if layout == formats.SHEET and name != "<stdin>" else ""

    problems: list[str] = []
    skipped: list[str] = []
    valid: list[tuple[int, dict]] = []
    for line, rec in table.records:
        if isinstance(rec, str):
            found = [rec]
        else:
            if default_source and not rec.source:
                rec.source = default_source
            fields, found = _contact_fields(ctx, layout, rec, cadence, extra_tags)
        if found:
            (skipped if skip_bad else problems).extend(f"{name}:{line}: {message}" for message in found)
            continue
        valid.append((line, fields))
    if problems:
        raise ImportProblems(problems)

    report = ImportReport("contacts", layout, dry_run=dry_run, notes=table.notes, skipped=skipped)
    if dry_run:
        conn = ctx.store.reader()
        _plan_contacts(layout, name, valid, _existing_contacts_rows(conn) if conn else [], report, problems, update,
                       skip_bad)
        if problems:
            raise ImportProblems(problems)
        return report
    with ctx.store.write(Undoable("import", ctx.now)) as db:
        existing = _existing_contacts_rows(db)
        actions = _plan_contacts(layout, name, valid, existing, report, problems, update, skip_bad)
        if problems:
            raise ImportProblems(problems)
        _write_contacts(db, ctx, actions, {cid for cid, _ in existing}, report, layout, cadence)
        journal.label(db, _undo_summary(name, report))
    return report


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


def _existing_contacts_rows(conn: Any) -> list[tuple[int, dict]]:
    cols = ("id", "name", "company", "title", "email", "phone", "url", "source", "notes", "birthday", "tags")
    others: dict[int, list[str]] = {}
    for contact_id, email in conn.execute("SELECT contact_id, email FROM contact_email ORDER BY id"):
        others.setdefault(contact_id, []).append(email)
    phones: dict[int, list[str]] = {}
    for contact_id, phone in conn.execute("SELECT contact_id, phone FROM contact_phone ORDER BY id"):
        phones.setdefault(contact_id, []).append(phone)
    rows = conn.execute(f"SELECT {', '.join(cols)} FROM contact")
    return [(r[0], dict(zip(cols, r), other_emails=others.get(r[0], []), other_phones=phones.get(r[0], [])))
            for r in rows]


def _plan_contacts(layout: str, name: str, valid: list[tuple[int, dict]], existing: list[tuple[int, dict]],
                   report: ImportReport, problems: list[str], update: bool = False,
                   skip_bad: bool = False) -> list[tuple[str, Any, dict]]:
    """Decide new / fill (or, with `update`, change) / unchanged for each record; returns
    (action, key, fields) triples. Without `update` a match only fills empty fields; with it,
    a field the file gives and that differs replaces the stored one (`report.details` says
    each change as `#ID field: old -> new`), but where we met (`source`) is only filled: the
    layouts make one up ("Outlook", the file's name) that should not replace yours. Emails
    and phones beyond the first are added; a main phone replaced is kept besides the new one.
    A row whose emails belong to two contacts is a problem (with `skip_bad`, skipped)."""
    current: dict[Any, dict] = {}
    matcher = _Matcher(current)
    used_ids = set()
    owner: dict[str, Any] = {}  # every address, to the contact that has it
    for cid, row in existing:
        key = ("db", cid)
        current[key] = dict(row, tags=[t for t in (row.get("tags") or "").split(";") if t])
        matcher.add(key, _emails_of(row), row.get("url"), row["name"], row.get("company"), contact_id=cid)
        used_ids.add(cid)
        for email in _emails_of(row):
            owner.setdefault(email, key)
    actions: list[tuple[str, Any, dict]] = []
    replaceable = tuple(f for f in ("name", *FILLABLE) if f != "source")
    for line, fields in valid:
        emails = _emails_of(fields)
        key = matcher.find(fields, emails)
        taken = [e for e in emails if owner.get(e, key) != key]  # (a match takes all of them)
        if taken:
            (report.skipped if skip_bad else problems).append(f"{name}:{line}: email {taken[0]} belongs to another contact")
            continue
        if key is None:
            key = ("new", line)
            wanted = fields.get("id")
            if wanted is not None and wanted in used_ids:
                fields["id"] = None  # the id is taken by another contact: a fresh one
            if fields.get("id") is not None:
                used_ids.add(fields["id"])
            current[key] = fields  # later rows of the file that match it fill this same dict
            matcher.add(key, emails, fields.get("url"), fields["name"], fields.get("company"),
                        contact_id=fields.get("id"), loose=layout != formats.FUP, named=not fields.get("stand_in"))
            for email in emails:
                owner[email] = key
            actions.append(("new", key, fields))
            report.new += 1
            if fields.get("stand_in"):
                report.stand_ins.append(f"{name}:{line}")
            continue
        target = current[key]
        if update:
            fields_given = [f for f in replaceable if f != "name" or not fields.get("stand_in")]
            changes = {f: fields[f] for f in fields_given if fields.get(f) and fields[f] != target.get(f)}
            if fields.get("source") and not target.get("source"):
                changes["source"] = fields["source"]
        else:
            changes = {f: fields[f] for f in FILLABLE if not target.get(f) and fields.get(f)}
        if target.get("email") and changes.get("email") and target["email"] != changes["email"]:
            changes.pop("email")  # the main address stays; the file's is kept besides it
        new_tags = [t for t in fields["tags"] if t not in target["tags"]]
        known = set(_emails_of(target))
        new_emails = [e for e in emails if e not in known and e != changes.get("email")]
        phones = [fields.get("phone"), *fields.get("other_phones", [])]
        if changes.get("phone") and target.get("phone"):
            phones.append(target["phone"])  # (the number it replaces is kept besides it)
        new_phones = [p for p in dict.fromkeys(phones) if p and p != changes.get("phone", target.get("phone"))
                      and p not in target.get("other_phones", [])]
        if not changes and not new_tags and not new_emails and not new_phones:
            report.unchanged += 1
            continue
        if key[0] == "db":
            cid = key[1]
            for field_name, value in changes.items():
                report.details.append(f"#{cid} {field_name}: {_shown_value(target.get(field_name))} -> {_shown_value(value)}")
            if new_tags:
                report.details.append(f"#{cid} tags: + {', '.join(new_tags)}")
            for email in new_emails:
                report.details.append(f"#{cid} other email: + {email}")
            for phone in new_phones:
                report.details.append(f"#{cid} other phone: + {phone}")
        target.update(changes)
        target["tags"] = target["tags"] + new_tags
        target["other_emails"] = [*target.get("other_emails", []), *new_emails]
        target["other_phones"] = [*target.get("other_phones", []), *new_phones]
        for email in _emails_of(target):
            owner[email] = key
        matcher.add(key, _emails_of(target), changes.get("url"), target["name"], target.get("company"))
        if key[0] == "db":
            actions.append(("fill", key, {**changes, "tags": target["tags"], "+emails": new_emails, "+phones": new_phones}))
            report.updated += 1
        # a later row of the same file filling a new contact: already in `current`
    return actions


def _shown_value(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return repr(text[:60] + ("…" if len(text) > 60 else "")) if text else "(empty)"


def _write_contacts(db: Db, ctx: AppContext, actions: list[tuple[str, Any, dict]], existing: set[int],
                    report: ImportReport, layout: str, cadence: str | None) -> None:
    rules = ctx.settings.rules
    new_rows = [fields for action, _key, fields in actions if action == "new"]
    next_id = max([cid for cid in existing] + [f["id"] for f in new_rows if f.get("id")] + [0]) + 1
    # Opening touches of people never contacted spread over days with room; fup's own export
    # restores contacts whose history follows (`import touches` re-plans, and balances, them).
    balance = Balancer(db, rules, ctx.today, ctx.store.user()) if layout != formats.FUP else None
    step = _progress(len(actions))
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

    for fields in new_rows:
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
    filled = []
    for action, key, fields in actions:
        if action != "fill":
            continue
        cid = key[1]
        emails += [{"contact_id": cid, "email": email, "created_at": ctx.now} for email in fields.pop("+emails")]
        phones += [{"contact_id": cid, "phone": phone, "created_at": ctx.now} for phone in fields.pop("+phones")]
        values = {column: ";".join(value) if column == "tags" else value for column, value in fields.items()}
        if "name" in values:  # (`--update`: the name and the words it is found by)
            values["name_key"] = fold(values["name"])
            db.execute("DELETE FROM contact_word WHERE contact_id = :cid", {"cid": cid})
            db.insert_many("contact_word", word_rows(cid, values["name_key"]))
        db.update("contact", cid, {**values, "updated_at": ctx.now})
        filled.append(cid)
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
