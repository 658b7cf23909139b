"""`fup export`: contacts, touches, commitments and the due list as CSV or JSON; the calendar feed.

Read-only, on the same fast path as `fup today`: rows stream from the sqlite3
cursor through `csvio.CsvWriter` (or a JSON array written element by element),
so exporting 100k contacts never holds them all. `-o FILE` goes through
`atomic_output`: a temporary file in the same directory, fsync, rename, 0600.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from .csvio import CsvWriter
from .errors import BadInput, FupError
from .formats import EXPORT_COLUMNS
from .queries import due_rows, iter_commitments, iter_contacts, iter_touches
from .scheduler import first_visible_day
from .dates import birthday_on

EXPORTS = tuple(EXPORT_COLUMNS)


def rows_of(conn: Any, what: str, today: date, on: date | None = None, limit: int = 0) -> Iterator[tuple]:
    """The rows of one export as tuples in the order of its columns, in a stable order (by id; due by rank)."""
    if conn is None:
        return iter(())
    columns = EXPORT_COLUMNS[what] if what in EXPORT_COLUMNS else ()
    if what == "contacts":
        return _contact_rows(conn, today)
    if what == "touches":
        return (tuple(row[c] for c in columns) for row in iter_touches(conn))
    if what == "commitments":
        return (tuple(row[c] for c in columns) for row in iter_commitments(conn))
    if what == "due":
        return (tuple(row.as_dict().values()) for row in due_rows(conn, on or today, limit))
    raise BadInput(f"unknown export {what!r}; expected one of: {', '.join(EXPORTS)}")


_CONTACT_EXPORT_SQL = (
    "SELECT id, name, company, title, email, phone, url, tags, source, channel, cadence, state, birthday, "
    "notes, created_at, next_due, snoozed_until, last_touch_at FROM contact ORDER BY id"
)


def _contact_rows(conn: Any, today: date) -> Iterator[tuple]:
    """Contacts as export rows, straight from the table: the stored `next_due` (snooze applied)
    is the agenda's first day, so only a birthday needs the scheduler."""
    for row in conn.execute(_CONTACT_EXPORT_SQL):
        (cid, name, company, title, email, phone, url, tags, source, channel, cadence, state, birthday,
         notes, created_at, next_due, snoozed_until, last_touch_at) = row
        if birthday:
            snooze = _day(snoozed_until)
            last = _day(last_touch_at)
            first = first_visible_day(state, _day(next_due), today, snooze, birthday, last)
            next_due = first.isoformat() if first else None
        elif next_due is not None:
            next_due = str(next_due)[:10]
        yield (cid, name, company, title, email, phone, url, tags, source, channel, cadence, state, birthday,
               notes, _moment_text(created_at), next_due, str(snoozed_until)[:10] if snoozed_until else None)


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _moment_text(value: Any) -> str | None:
    """A stored datetime as ISO 8601, as datetime.isoformat() writes it (micro-seconds only when set)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value).replace(" ", "T", 1)
    return text[:-7] if text.endswith(".000000") else text


def write_csv(stream: IO[str], what: str, rows: Iterable[tuple], raw: bool = False, bom: bool = False) -> None:
    CsvWriter(stream, EXPORT_COLUMNS[what], raw=raw, bom=bom).rows(rows)


def write_json(stream: IO[str], what: str, rows: Iterable[tuple]) -> None:
    columns = EXPORT_COLUMNS[what]
    first = True
    stream.write("[")
    for row in rows:
        data = dict(zip(columns, row))
        if what == "contacts":
            data["tags"] = [tag for tag in (data["tags"] or "").split(";") if tag]
        stream.write(("\n  " if first else ",\n  ") + json.dumps(data, ensure_ascii=False))
        first = False
    stream.write("]\n" if first else "\n]\n")


# --- calendar ---------------------------------------------------------------------


def calendar_items(conn: Any, today: date, days: int) -> list[dict]:
    """Every item coming due in the next `days` days (overdue ones on today), one per item."""
    if conn is None:
        return []
    last = today + timedelta(days=days - 1)
    items = []
    where = "state != 'closed' AND (next_due <= :last OR birthday_md IS NOT NULL)"
    for contact in iter_contacts(conn, where, {"last": last.isoformat()}, order="contact.id"):
        snoozed = date.fromisoformat(str(contact["snoozed_until"])[:10]) if contact["snoozed_until"] else None
        found = [(item.kind, item.due, item.reason, item.commitment_id) for item in contact["agenda"]]
        if contact["birthday"]:
            for year in (today.year, today.year + 1):
                day = birthday_on(contact["birthday"], year)
                if today <= day <= last:
                    found.append(("birthday", day, f"birthday on {day.isoformat()}", None))
        for kind, due, reason, commitment_id in found:
            shown = max(due, today, snoozed or today)
            if shown > last:
                continue
            key = f"{kind}-{commitment_id}" if commitment_id else (f"birthday-{due.year}" if kind == "birthday" else kind)
            items.append({
                "uid": f"fup-contact-{contact['id']}-{key}@fup",
                "date": shown,
                "due": due,
                "name": contact["name"],
                "company": contact["company"],
                "kind": kind,
                "reason": reason,
                "channel": contact["channel"],
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
    if not directory.is_dir():
        raise BadInput(f"cannot write {path}: no such directory {directory}")
    if path.is_dir():
        raise BadInput(f"cannot write {path}: it is a directory")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise FupError(f"cannot write in {directory}: {exc.strerror}") from None
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
