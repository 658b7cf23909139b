"""`fup import contacts`: contacts from fup, LinkedIn or Google CSV (the history: `history`).

All or nothing, in three steps:
1. read: `csvio` decodes the file and yields records with their physical line;
   `formats` maps each record of the detected layout to plain fields;
2. validate: every record is checked and matched against the database (email,
   then profile URL, then exact name + company) into new / updated / unchanged;
   any problem is collected as `FILE:LINE: message`, and then nothing is written;
3. write: one write transaction (`Store.write()`) inserts and fills, and re-plans
   every contact it touched.
A match only fills fields that are empty, so a second run of the same file
changes nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable

from . import csvio, formats
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


def _records(name: str, data: bytes, layout_wanted: str = "auto") -> tuple[str, list[csvio.Record]]:
    try:
        text = csvio.decode(data)
    except csvio.CsvProblem as exc:
        raise ImportProblems([f"{name}:{exc.line}: {exc.message}"]) from None
    if not text:
        raise BadInput(f"{name} is empty")
    if layout_wanted == formats.LINKEDIN or layout_wanted == "auto":
        at = csvio.find_header(text, formats.is_linkedin_header)
    else:
        at = -1
    header_at = at if at >= 0 else 0
    try:
        header, records = csvio.read_csv(text, header_at)
    except csvio.CsvProblem as exc:
        raise ImportProblems([f"{name}:{exc.line}: {exc.message}"]) from None
    layout = formats.detect(header)
    if layout_wanted not in ("auto", None):
        acceptable = {formats.GOOGLE: (formats.GOOGLE, formats.GOOGLE_LEGACY)}.get(layout_wanted, (layout_wanted,))
        if layout not in acceptable:
            raise BadInput(f"{name}:{header_at + 1}: this is not a {layout_wanted} contacts file (header: {', '.join(header[:6])}...)")
    if layout is None:
        raise BadInput(
            f"{name}:{header_at + 1}: unknown file layout; expected fup's own export, LinkedIn Connections.csv "
            "or a Google Contacts CSV"
        )
    try:
        return layout, list(records)
    except csvio.CsvProblem as exc:
        raise ImportProblems([f"{name}:{exc.line}: {exc.message}"]) from None


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
    """Finds the contact a record stands for: by fup id (same name), email, profile URL, exact name + company."""

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[str, Any]] = {}
        self.by_email: dict[str, Any] = {}
        self.by_url: dict[str, Any] = {}
        self.by_name: dict[tuple[str, str], Any] = {}

    def add(self, key: Any, email: str | None, url: str | None, name: str, company: str | None,
            contact_id: int | None = None, loose: bool = True) -> None:
        """Index a contact; `loose=False` indexes only its id and email (rows of one fup export are distinct)."""
        if contact_id is not None:
            self.by_id.setdefault(contact_id, (name, key))
        if email:
            self.by_email.setdefault(email, key)
        if not loose:
            return
        if _norm_url(url):
            self.by_url.setdefault(_norm_url(url), key)
        self.by_name.setdefault(_name_key(name, company), key)

    def find(self, fields: dict) -> Any:
        same = self.by_id.get(fields.get("id")) if fields.get("id") is not None else None
        if same is not None and same[0] == fields["name"]:
            return same[1]
        if fields.get("email") and fields["email"] in self.by_email:
            return self.by_email[fields["email"]]
        url = _norm_url(fields.get("url"))
        if url and url in self.by_url:
            return self.by_url[url]
        return self.by_name.get(_name_key(fields["name"], fields.get("company")))


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


def _contact_fields(ctx: AppContext, layout: str, rec: formats.ContactRecord, cadence: str | None, tags: list[str]) -> dict:
    """Validate one record into Contact column values (raises BadInput with the reason)."""
    own = layout == formats.FUP
    fields: dict[str, Any] = {
        "name": clean_name(rec.name),
        "company": clean_text(rec.company, "company"),
        "title": clean_text(rec.title, "title"),
        "email": clean_email(rec.email) if rec.email else None,
        "phone": clean_text(rec.phone, "phone"),
        "url": clean_text(rec.url, "url"),
        "source": clean_text(rec.source, "source"),
        "notes": clean_text(rec.notes, "notes"),
        "birthday": parse_birthday(rec.birthday) if rec.birthday else None,
        "tags": clean_tags(rec.tags + tags),
    }
    if own:
        fields["id"] = parse_id(rec.id) if rec.id.strip() else None
        if rec.id.strip() and (fields["id"] is None or not rec.id.strip().isascii()):
            raise BadInput(f"id {rec.id!r} must be a positive whole number")
        fields["channel"] = check_channel(rec.channel or ctx.settings.default_channel)
        fields["cadence"] = check_cadence(ctx, cadence or rec.cadence or "none")
        fields["state"] = check_choice(rec.state or "active", STATES, "state")
        fields["created_at"] = _iso_moment(rec.created_at, "created_at") if rec.created_at else ctx.now
        fields["snoozed_until"] = _iso_day(rec.snoozed_until, "snoozed_until") if rec.snoozed_until else None
        fields["planned_due"] = _iso_day(rec.next_due, "next_due") if rec.next_due else None
        fields["reopened_at"] = _iso_moment(rec.reopened_at, "reopened_at") if rec.reopened_at else None
    else:
        # The layout names the channel a record can be reached by when it has no email (formats.reach).
        fields.update(id=None, channel=rec.channel or ctx.settings.default_channel, cadence=check_cadence(ctx, cadence or "none"),
                      state="active", created_at=ctx.now, snoozed_until=None)
    return fields


def import_contacts(
    ctx: AppContext,
    path: str,
    source: str = "auto",
    cadence: str | None = None,
    tags: Iterable[str] = (),
    dry_run: bool = False,
) -> ImportReport:
    source = check_choice(source, formats.SOURCES, "--from")
    if cadence is not None:
        cadence = check_cadence(ctx, cadence)
    extra_tags = clean_tags(tags)
    name, data = read_input(path)
    layout, records = _records(name, data, source)

    problems: list[str] = []
    valid: list[tuple[int, dict]] = []
    for record in records:
        cells = csvio.restore_cells(record.cells) if layout == formats.FUP else record.cells
        try:
            rec = formats.contact_record(layout, record.line, cells)
            valid.append((record.line, _contact_fields(ctx, layout, rec, cadence, extra_tags)))
        except (BadInput, ValueError) as exc:
            problems.append(f"{name}:{record.line}: {getattr(exc, 'message', None) or exc}")
    if problems:
        raise ImportProblems(problems)

    report = ImportReport("contacts", layout, dry_run=dry_run)
    if dry_run:
        conn = ctx.store.reader()
        _plan_contacts(layout, name, valid, _existing_contacts_rows(conn) if conn else [], report, problems)
        if problems:
            raise ImportProblems(problems)
        return report
    with ctx.store.write(Undoable("import", ctx.now)) as db:
        existing = _existing_contacts_rows(db)
        actions = _plan_contacts(layout, name, valid, existing, report, problems)
        if problems:
            raise ImportProblems(problems)
        _write_contacts(db, ctx, actions, {cid for cid, _ in existing}, report, layout, cadence)
        journal.label(db, _undo_summary(name, report))
    return report


def _undo_summary(name: str, report: ImportReport) -> str:
    """What `fup undo` will say of an import (no contact's name: see `journal.label`)."""
    return f"import {report.what} from {name}: {report.new} new, {report.updated} updated"


def _existing_contacts_rows(conn: Any) -> list[tuple[int, dict]]:
    cols = ("id", "name", "company", "title", "email", "phone", "url", "source", "notes", "birthday", "tags")
    rows = conn.execute(f"SELECT {', '.join(cols)} FROM contact")
    return [(r[0], dict(zip(cols, r))) for r in rows]


def _plan_contacts(layout: str, name: str, valid: list[tuple[int, dict]], existing: list[tuple[int, dict]],
                   report: ImportReport, problems: list[str]) -> list[tuple[str, Any, dict]]:
    """Decide new / fill / unchanged for each record; returns (action, key, fields) triples."""
    matcher = _Matcher()
    current: dict[Any, dict] = {}
    used_ids = set()
    for cid, row in existing:
        key = ("db", cid)
        current[key] = dict(row, tags=[t for t in (row.get("tags") or "").split(";") if t])
        matcher.add(key, row.get("email"), row.get("url"), row["name"], row.get("company"), contact_id=cid)
        used_ids.add(cid)
    actions: list[tuple[str, Any, dict]] = []
    emails_in_db = {row.get("email"): cid for cid, row in existing if row.get("email")}
    for line, fields in valid:
        key = matcher.find(fields)
        if key is None:
            key = ("new", line)
            wanted = fields.get("id")
            if wanted is not None and wanted in used_ids:
                fields["id"] = None  # the id is taken by another contact: a fresh one
            if fields.get("id") is not None:
                used_ids.add(fields["id"])
            current[key] = fields  # later rows of the file that match it fill this same dict
            matcher.add(key, fields.get("email"), fields.get("url"), fields["name"], fields.get("company"),
                        contact_id=fields.get("id"), loose=layout != formats.FUP)
            actions.append(("new", key, fields))
            report.new += 1
            continue
        target = current[key]
        fills = {f: fields[f] for f in FILLABLE if not target.get(f) and fields.get(f)}
        if "email" in fills and fills["email"] in emails_in_db and ("db", emails_in_db[fills["email"]]) != key:
            problems.append(f"{name}:{line}: email {fills['email']} belongs to another contact")
            continue
        new_tags = [t for t in fields["tags"] if t not in target["tags"]]
        if not fills and not new_tags:
            report.unchanged += 1
            continue
        target.update(fills)
        target["tags"] = target["tags"] + new_tags
        if fills.get("email"):
            matcher.add(key, fills["email"], None, target["name"], target.get("company"))
        if key[0] == "db":
            actions.append(("fill", key, {**fills, "tags": target["tags"]}))
            report.updated += 1
        # a later row of the same file filling a new contact: already in `current`
    return actions


def _write_contacts(db: Db, ctx: AppContext, actions: list[tuple[str, Any, dict]], existing: set[int],
                    report: ImportReport, layout: str, cadence: str | None) -> None:
    rules = ctx.settings.rules
    new_rows = [fields for action, _key, fields in actions if action == "new"]
    next_id = max([cid for cid in existing] + [f["id"] for f in new_rows if f.get("id")] + [0]) + 1
    # Opening touches of people never contacted spread over days with room; fup's own export
    # restores contacts whose history follows (`import touches` re-plans, and balances, them).
    balance = Balancer(db, rules, ctx.today, ctx.store.user()) if layout != formats.FUP else None
    step = _progress(len(actions))
    rows, items = [], []
    plans: dict[tuple, Plan] = {}  # new contacts without history share few plans
    for fields in new_rows:
        if fields.get("id") is None:
            fields["id"] = next_id
            next_id += 1
        row = {**fields, "tags": ";".join(fields["tags"]), "name_key": fold(fields["name"]), "updated_at": ctx.now}
        planned = row.pop("planned_due", None)
        same = (row["cadence"], row["state"], row["created_at"].date(), row["snoozed_until"], row.get("reopened_at"))
        if same not in plans:  # a birthday does not change the plan, only the birthday_md column
            plans[same] = plan_for({**row, "birthday": None}, [], [], rules)
        columns, agenda = plan_columns(row, plans[same], balance or _kept_day(planned))
        row.update(columns)
        if balance is not None and any(item["kind"] == "cold" for item in agenda) and row["next_due"] > ctx.today:
            report.spread_until = max(report.spread_until or row["next_due"], row["next_due"])
        rows.append(row)
        items += agenda
        step()
    db.insert_many("contact", rows)
    db.insert_many("contact_word", [word for row in rows for word in word_rows(row["id"], row["name_key"])])
    db.insert_many("agenda_item", items)
    filled = []
    for action, key, fields in actions:
        if action != "fill":
            continue
        values = {column: ";".join(value) if column == "tags" else value for column, value in fields.items()}
        db.update("contact", key[1], {**values, "updated_at": ctx.now})
        filled.append(key[1])
        step()
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
