"""`fup export`: contacts, touches, commitments and the due list as CSV or JSON; the calendar feed.

Read-only, on the same fast path as `fup today`: rows stream from the sqlite3
cursor through `csvio.CsvWriter` (or a JSON array written element by element),
so exporting 100k contacts never holds them all. `-o FILE` goes through
`atomic_output`: a temporary file in the same directory, fsync, rename, 0600.
"""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from .csvio import CsvWriter, neutralise_sql, shown
from .textcells import phone_cell_sql
from ..dates import parse_date
from ..errors import BadInput, FupError, check_choice
from .formats import EXPORT_COLUMNS
from ..storage.queries import DAY_SQL, ISO_MOMENT_SQL, OPEN_COMMITMENTS_SQL, due_rows, iter_commitments, iter_contacts, iter_touches
from ..scheduler import (DEFAULT_RULES, Rules, birthday_reach, birthday_reason, birthday_window, first_visible_day,
                         last_seen)

EXPORTS = tuple(EXPORT_COLUMNS)
EXPORT_FORMATS = ("csv", "json", "ics", "vcf")


def export(
    app_ctx: Any,
    what: str,
    fmt: str = "csv",
    output: str | Path | None = None,
    bom: bool = False,
    raw: bool = False,
    on: str | None = None,
    limit: int | None = None,
    days: int | None = None,
) -> None:
    """`fup export`: check the options that go together, then stream the rows (both CLI doors call this)."""
    what = check_choice(what, EXPORTS, "export")
    fmt = check_choice(fmt, EXPORT_FORMATS, "format")
    if what != "due" and (on is not None or limit is not None or days is not None):
        raise BadInput("--on, --limit and --days apply to `fup export due` only")
    if fmt == "ics" and what != "due":
        raise BadInput("--format ics is for `fup export due` only")
    if fmt == "vcf" and what != "contacts":
        raise BadInput("--format vcf is for `fup export contacts` only")
    if fmt != "ics" and days is not None:
        raise BadInput("--days applies to --format ics only")
    if fmt != "csv" and (bom or raw):
        raise BadInput("--bom and --raw apply to CSV only")
    if output is not None and app_ctx.store.holds(Path(output)):
        raise BadInput(f"cannot write {shown(output)}: it is the database itself; give another file")
    day = parse_date(on, app_ctx.now) if on is not None else app_ctx.today
    conn = app_ctx.store.reader()
    if fmt == "ics":
        feed = ics_feed(calendar_items(conn, day, days or 30, app_ctx.settings.rules), app_ctx.now)
        if output is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(feed)
        else:
            with atomic_output(Path(output), binary=True) as handle:
                handle.write(feed)
        return
    # A large contacts CSV is made spreadsheet-safe by SQLite itself (the same rule, as SQL).
    in_sql = fmt == "csv" and what == "contacts" and not raw
    rows = rows_of(conn, what, app_ctx.today, on=day, limit=limit or 0, neutralised=in_sql, rules=app_ctx.settings.rules)
    if output is None and isinstance(getattr(sys.stdout, "buffer", None), io.RawIOBase):
        # Unbuffered stdout (python -u, PYTHONUNBUFFERED): its text layer drops what a short
        # write(2) leaves over, so a full disk would cut the export short unnoticed.
        sys.stdout.flush()
        stream = io.TextIOWrapper(io.BufferedWriter(io.FileIO(sys.stdout.fileno(), "wb", closefd=False)),
                                  encoding="utf-8", newline="")
        _write(stream, what, fmt, rows, raw or in_sql, bom)
        stream.flush()
    elif output is None:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(newline="")  # CSV rows end in \r\n as written, on every OS
        _write(sys.stdout, what, fmt, rows, raw or in_sql, bom)
    else:
        with atomic_output(Path(output)) as handle:
            _write(handle, what, fmt, rows, raw or in_sql, bom)


def _write(stream: IO[str], what: str, fmt: str, rows: Iterable[tuple], raw: bool, bom: bool) -> None:
    if fmt == "json":
        write_json(stream, what, rows)
    elif fmt == "vcf":
        from .vcard import write_vcards

        write_vcards(stream, (_vcard_contact(dict(zip(EXPORT_COLUMNS["contacts"], row))) for row in rows))
    else:
        write_csv(stream, what, rows, raw=raw, bom=bom)


def rows_of(conn: Any, what: str, today: date, on: date | None = None, limit: int = 0,
            neutralised: bool = False, rules: Rules = DEFAULT_RULES) -> Iterator[tuple]:
    """The rows of one export as tuples in the order of its columns, in a stable order (by id; due by rank).
    `neutralised`: contacts come spreadsheet-safe from SQL already (the others never do)."""
    if conn is None:
        return iter(())
    columns = EXPORT_COLUMNS[what] if what in EXPORT_COLUMNS else ()
    if what == "contacts":
        return contact_rows(conn, today, neutralised, rules)
    if what == "touches":
        return (tuple(row[c] for c in columns) for row in iter_touches(conn))
    if what == "commitments":
        return (tuple(row[c] for c in columns) for row in iter_commitments(conn))
    if what == "due":
        return (tuple(row.as_dict().values()) for row in due_rows(conn, on or today, limit, rules))
    raise BadInput(f"unknown export {what!r}; expected one of: {', '.join(EXPORTS)}")


# A contact's other addresses and numbers, joined by ';' in the order they were added.
_JOINED_SQL = {
    "sqlite": "(SELECT group_concat({1}, ';') FROM (SELECT {1} FROM {0} x WHERE x.contact_id = contact.id ORDER BY x.id))",
    "postgresql": "(SELECT string_agg({1}, ';' ORDER BY x.id) FROM {0} x WHERE x.contact_id = contact.id)",
}


def joined_sql(dialect: str, table: str, column: str) -> str:
    return _JOINED_SQL[dialect].format(table, column)


def _contact_export_sql(dialect: str, text: dict[str, str], where: str, order: str, extra: tuple[str, ...]) -> str:
    moment, day = ISO_MOMENT_SQL[dialect].format, DAY_SQL[dialect].format
    return (
        "SELECT id, {name}, {company}, {title}, {email}, {phone}, {url}, {tags}, {source}, channel, {cadence}, "
        "state, birthday, {notes}, ".format(**text)
        + f"{moment('created_at')}, {day('next_due')}, {day('snoozed_until')}, {moment('reopened_at')}, "
        + "{other_emails}, {other_phones}, ".format(**text)
        + "".join(f"{sql}, " for sql in extra)
        + f"last_touch_at FROM contact WHERE {where} ORDER BY {order}"
    )


def _list_columns(dialect: str, neutralised: bool) -> tuple[str, ...]:
    """The columns `fup list -f csv` adds to the export's (`render.LIST_COLUMNS`), as SQL."""
    return (DAY_SQL[dialect].format("last_touch_at"), "unanswered_streak",
            OPEN_COMMITMENTS_SQL.format("contact"),
            neutralise_sql("owner") if neutralised else "owner")


def contact_rows(conn: Any, today: date, neutralised: bool = False, rules: Rules = DEFAULT_RULES,
                 where: str = "1 = 1", params: dict | None = None, order: str = "id",
                 listed: bool = False) -> Iterator[tuple]:
    """Contacts as export rows (those `where` passes, in `order`), formatted by SQL (and made
    spreadsheet-safe there when `neutralised`, with phones that look like numbers marked as
    text); with `listed`, also `fup list`'s last_touch, unanswered_streak, open_commitments and
    owner. The stored `next_due` (snooze applied) is the agenda's first day, so only a contact
    with a birthday needs the scheduler."""
    dialect = getattr(conn, "dialect", "sqlite")
    columns = {name: name for name in TEXT_COLUMNS["contacts"]}
    columns.update(other_emails=joined_sql(dialect, "contact_email", "email"),
                   other_phones=joined_sql(dialect, "contact_phone", "phone"))
    text = {name: neutralise_sql(sql) if neutralised else sql for name, sql in columns.items()}
    if neutralised:  # and a phone a spreadsheet would read as a number keeps a text mark (textcells)
        text["phone"] = phone_cell_sql("phone", text["phone"])
        text["other_phones"] = phone_cell_sql(columns["other_phones"], text["other_phones"])
    extra = _list_columns(dialect, neutralised) if listed else ()
    # A birthday can only come first when the agenda's first day is within its window (7 days, and
    # the days off before a birthday on one) or later.
    long_overdue = (today - timedelta(days=birthday_reach(today, rules))).isoformat()
    for row in conn.execute(_contact_export_sql(dialect, text, where, order, extra), params or {}):
        birthday = row[12]
        if not birthday or (row[15] is not None and row[15] < long_overdue):
            yield row[:-1]
            continue
        state, next_due, reopened, last_touch_at = row[11], row[15], row[17], row[-1]
        seen = last_seen(_day(last_touch_at), _day(row[14]))  # (row[14]: created_at)
        first = first_visible_day(state, _day(next_due), today, _day(reopened), birthday, seen, rules)
        yield (*row[:15], first.isoformat() if first else None, *row[16:-1])


def _vcard_contact(contact: dict) -> dict:
    """An export row as `vcard.write_vcards` takes a contact: lists split, the birthday a date
    (or 'MM-DD' without a year)."""
    birthday = contact["birthday"]
    return {**contact, "other_emails": _split(contact["other_emails"]), "other_phones": _split(contact["other_phones"]),
            "birthday": date.fromisoformat(birthday) if birthday and len(birthday) == 10 else birthday or None}


def _split(joined: str | None) -> list[str]:
    return [part for part in (joined or "").split(";") if part]


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def write_csv(stream: IO[str], what: str, rows: Iterable[tuple], raw: bool = False, bom: bool = False) -> None:
    CsvWriter(stream, EXPORT_COLUMNS[what], raw=raw, bom=bom, text_columns=TEXT_COLUMNS.get(what)).rows(rows)


# The columns of each export that may hold text a person typed (or named, like a
# profile in config.toml); the others are numbers, dates and fup's own words.
TEXT_COLUMNS = {
    "contacts": ("name", "company", "title", "email", "phone", "url", "tags", "source", "cadence", "notes",
                 "other_emails", "other_phones"),
    "touches": ("contact_name", "note"),
    "commitments": ("contact_name", "action"),
}


def write_json(stream: IO[str], what: str, rows: Iterable[tuple]) -> None:
    columns = EXPORT_COLUMNS[what]
    first = True
    stream.write("[")
    for row in rows:
        data = dict(zip(columns, row))
        if what == "contacts":
            data["tags"] = [tag for tag in (data["tags"] or "").split(";") if tag]
            data["other_emails"], data["other_phones"] = _split(data["other_emails"]), _split(data["other_phones"])
        stream.write(("\n  " if first else ",\n  ") + json.dumps(data, ensure_ascii=False))
        first = False
    stream.write("]\n" if first else "\n]\n")


# --- calendar ---------------------------------------------------------------------


def calendar_items(conn: Any, today: date, days: int, rules: Rules = DEFAULT_RULES) -> list[dict]:
    """Every item coming due in the next `days` days (overdue ones on today), one per item;
    a birthday on the day it first shows (the workday before a weekend one), as in `fup today`."""
    if conn is None:
        return []
    last = today + timedelta(days=days - 1)
    items = []
    where = "state != 'closed' AND (next_due <= :last OR birthday_md IS NOT NULL)"
    for contact in iter_contacts(conn, where, {"last": last.isoformat()}, order="contact.id"):
        reopened = date.fromisoformat(str(contact["reopened_at"])[:10]) if contact["reopened_at"] else None
        found = [(item.kind, item.due, item.reason, item.channel,
                  f"{item.kind}-{item.commitment_id}" if item.commitment_id else item.kind) for item in contact["agenda"]]
        if contact["birthday"]:
            for year in (today.year, today.year + 1):
                day, shown_from, _ = birthday_window(contact["birthday"], year, rules)
                if today <= day <= last:
                    found.append(("birthday", shown_from, birthday_reason(day), None, f"birthday-{day.year}"))
        for kind, due, reason, channel, key in found:
            shown = max(due, today, reopened or today)  # (stored dues carry the snooze; a birthday ignores it)
            if shown > last:
                continue
            items.append({
                "uid": f"fup-contact-{contact['id']}-{key}@fup",
                "date": shown,
                "due": due,
                "name": contact["name"],
                "company": contact["company"],
                "kind": kind,
                "reason": reason,
                "channel": channel or contact["channel"],
            })
    items.sort(key=lambda i: (i["date"], i["name"].casefold(), i["uid"]))
    return items


def ics_feed(items: Iterable[dict], now: datetime) -> bytes:
    """An RFC 5545 calendar: one all-day event per item, with stable UIDs."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//fup//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "fup follow-ups")
    for item in items:
        event = Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", now.astimezone(timezone.utc))
        event.add("dtstart", item["date"])
        event.add("dtend", item["date"] + timedelta(days=1))
        who = f"{item['name']} ({item['company']})" if item["company"] else item["name"]
        event.add("summary", f"{who}: {item['kind']}")
        overdue = f"\nDue {item['due'].isoformat()}" if item["due"] != item["date"] else ""
        event.add("description", f"{item['reason']}\nChannel: {item['channel']}{overdue}")
        event.add("categories", ["fup", item["kind"]])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


# --- files ------------------------------------------------------------------------


@contextmanager
def atomic_output(path: Path, binary: bool = False) -> Iterator[IO]:
    """Write `path` all at once: a 0600 temporary file beside it, fsync, rename; nothing on error."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if not directory.is_dir():
            raise BadInput(f"cannot write {shown(path)}: no such directory {shown(directory)}")
        if path.is_dir():
            raise BadInput(f"cannot write {shown(path)}: it is a directory")
    except (OSError, ValueError) as exc:  # a name too long, or with a NUL
        reason = getattr(exc, "strerror", None) or "not a valid file name"
        raise BadInput(f"cannot write {shown(path)}: {reason}") from None
    import tempfile

    try:  # (a short prefix: a name near the length limit must not make the temporary name too long)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise FupError(f"cannot write in {shown(directory)}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on a directory
        pass
