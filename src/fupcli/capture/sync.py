"""`fup sync mail` and `fup sync calendar`: what the sources say, written as touches.

Both run in two phases. First, with no write lock held (a slow IMAP or CalDAV
server must not block `fup log`), the sources are read and every message or
event occurrence is judged against my addresses (`me` in config.toml) and the
contacts' addresses (`contact.email` and `contact_email`): `capture.mail`
and `capture.calendar` say what each one is. Then one write transaction, one
undo step, records the outcome:

- a touch per contact per message or past meeting, unless `captured` says that
  message or occurrence was logged for that contact before, or a touch logged by
  hand on the same day, channel and direction is there to claim instead;
- for a meeting to come, a commitment `meeting: SUMMARY` due that day (a moved
  event moves it, a cancelled or declined one, or one gone from its calendar,
  drops it; once it has happened, it is closed as done and the meeting logged);
- where each mail source was left (`mail_seen`), so the next run reads only
  what is new;
- the contacts' states (a reply brings a parked contact back, as `fup log --in`
  does, for a touch newer than their last one) and their plans.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from ..context import AppContext
from ..errors import BadInput, NotFound
from ..paths import config_path
from ..records import record
from ..scheduler import MEETING, TouchFacts, next_state
from ..storage import journal
from ..storage.journal import Undoable
from ..storage.queries import to_moment
from .mail import MAX_RECIPIENTS, Unreadable, classify, note, read_headers

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Iterable, Sequence

    from ..storage.db import Db
    from .mailboxes import Source

_CHUNK = 500
_SAME_TOUCH = timedelta(hours=12)  # a touch logged by hand this close to a message is that message
COUNTS = ("already", "automatic", "too-many", "not-to-me", "unknown", "cancelled", "unreadable")  # why not logged


@record
class Found:
    """One touch (or meeting to come) a source says should be there."""

    key: str
    contact_id: int
    direction: str
    at: datetime
    note: str | None
    channel: str = "email"
    source: str | None = None


@record
class SyncReport:
    what: str  # 'mail' or 'calendar'
    dry_run: bool
    sources: tuple[str, ...]
    read: int
    counts: dict  # why messages were not logged: automatic, too-many, unknown, not-to-me, unreadable, already
    logged: tuple  # the touches logged (or that would be): dicts of contact, name, direction, at, note
    planned: tuple = ()  # meetings to come: commitments added, moved, dropped (dicts)
    suggestions: tuple = ()  # (address, count): unknown people I wrote to most


def _me(ctx: AppContext) -> frozenset[str]:
    if not ctx.settings.me:
        raise BadInput(f"fup sync needs your own addresses: add me = [\"you@example.com\"] to {config_path()}")
    return frozenset(ctx.settings.me)


def _known(ctx: AppContext, me: frozenset[str]) -> tuple[Any, dict[str, int], dict[int, str]]:
    """The reader, every contact address (lower-case) -> contact id, and id -> name."""
    store = ctx.store
    if store.path is not None and not store.exists():
        raise NotFound("no contacts yet: add one with `fup add NAME` before syncing")
    store.prepare_for_write()  # an older schema is upgraded first, as by any command that writes
    conn = store.reader()
    if conn is None:
        raise NotFound("no contacts yet: add one with `fup add NAME` before syncing")
    known: dict[str, int] = {}
    names: dict[int, str] = {}
    for contact_id, name, email in conn.execute("SELECT id, name, email FROM contact"):
        names[contact_id] = name
        if email:
            known[email.lower()] = contact_id
    for contact_id, email in conn.execute("SELECT contact_id, email FROM contact_email"):
        known.setdefault(email.lower(), contact_id)
    for address in me:
        known.pop(address, None)  # a contact with my own address is not someone I write to
    return conn, known, names


def _progress(what: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """(advance, stop) of a progress display on stderr when it is a terminal; else no-ops."""
    import sys

    if not sys.stderr.isatty():
        return (lambda: None), (lambda: None)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}: {task.completed} read"),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task(what, total=None)
    progress.start()
    return (lambda: progress.advance(task)), progress.stop


# --- mail ---------------------------------------------------------------------


def mail_sources(ctx: AppContext, maildirs: Sequence[str], mboxes: Sequence[str], imaps: Sequence[str],
                 insecure: bool) -> list[Source]:
    """The sources named on the command line, else those of [mail] in config.toml."""
    from .mailboxes import ImapFolder, MboxFile, imap_password, maildir_folders

    config = ctx.settings.mail or {}
    if not (maildirs or mboxes or imaps):
        maildirs, mboxes, imaps = config.get("maildir", []), config.get("mbox", []), config.get("imap", [])
    if not (maildirs or mboxes or imaps):
        raise BadInput(f"no mail to read: give --maildir, --mbox or --imap, or list them under [mail] in {config_path()}")
    command = config.get("password_command")
    sources: list[Source] = []
    for root in maildirs:
        sources += maildir_folders(root)
    sources += [MboxFile(path) for path in mboxes]
    sources += [ImapFolder(url, insecure, lambda host, user: imap_password(host, user, command)) for url in imaps]
    return sources


def sync_mail(ctx: AppContext, maildirs: Sequence[str] = (), mboxes: Sequence[str] = (), imaps: Sequence[str] = (),
              insecure: bool = False, dry_run: bool = False, suggest: int = 0) -> SyncReport:
    me = _me(ctx)
    sources = mail_sources(ctx, maildirs, mboxes, imaps, insecure)
    max_recipients = (ctx.settings.mail or {}).get("max_recipients", MAX_RECIPIENTS)
    conn, known, names = _known(ctx, me)
    seen_before = {s.key: _seen(conn, s.key) for s in sources}
    counts: Counter = Counter()
    unknown: Counter = Counter()
    found: dict[tuple[str, int], Found] = {}
    seen_after: dict[str, list[tuple[str, str | None]]] = {}
    read = 0
    advance, stop = _progress("reading mail")
    try:
        for source in sources:
            source.load_seen(seen_before[source.key])
            for raw in source.messages():
                read += 1
                advance()
                try:
                    message = read_headers(raw)
                except Unreadable:
                    counts["unreadable"] += 1
                    continue
                verdict = classify(message, me, known, max_recipients)
                if verdict.direction is None:
                    counts[verdict.skip] += 1
                    unknown.update(verdict.unknown)
                    continue
                at = min(message.at, ctx.now)  # (a sender's clock ahead of ours: logged as of now)
                for contact_id in verdict.contacts:
                    found.setdefault((message.key, contact_id),
                                     Found(message.key, contact_id, verdict.direction, at, note(message.subject)))
            seen_after[source.key] = source.seen_rows()
    finally:
        stop()
    conn = ctx.store.reader()
    held = _captured(conn, found)
    fresh = [f for f in found.values() if (f.key, f.contact_id) not in held]
    counts["already"] += len(found) - len(fresh)
    fresh.sort(key=lambda f: (f.at, f.contact_id))
    logged = []
    if not dry_run:
        with ctx.store.write(Undoable("sync", ctx.now)) as db:
            held = _captured(db, found)  # (a sync that ran meanwhile)
            fresh = [f for f in fresh if (f.key, f.contact_id) not in held]
            logged = _log_found(db, ctx, fresh, "mail")
            for key, rows in seen_after.items():
                _store_seen(db, key, rows)
            journal.label(db, f"sync mail: {_touches(len(logged))}")
    else:
        logged = [_shown(f, names) for f in fresh]
    suggestions = tuple(unknown.most_common(suggest)) if suggest else ()
    return SyncReport("mail", dry_run, tuple(s.label for s in sources), read, {k: counts[k] for k in COUNTS},
                      tuple(logged), (), suggestions)


def _touches(count: int) -> str:
    return f"{count} touch" + ("" if count == 1 else "es")


def _seen(conn: Any, source: str) -> dict[str, str | None]:
    return {key: state for key, state in conn.execute("SELECT key, state FROM mail_seen WHERE source = :s",
                                                      {"s": source}).fetchall()} if conn is not None else {}


def _store_seen(db: Db, source: str, rows: list[tuple[str, str | None]]) -> None:
    if not rows:
        return
    there = {key for (key,) in db.execute("SELECT key FROM mail_seen WHERE source = :s", {"s": source}).fetchall()}
    cursor = [(k, s) for k, s in rows if k == ""]
    for key, state in cursor:
        if key in there:
            db.execute("UPDATE mail_seen SET state = :state WHERE source = :s AND key = ''", {"state": state, "s": source})
        else:
            db.insert("mail_seen", {"source": source, "key": key, "state": state})
    names = [{"source": source, "key": k, "state": None} for k, _ in rows if k != "" and k not in there]
    if names:
        db.insert_many("mail_seen", names)


def _captured(conn: Any, found: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of the (key, contact) pairs `captured` already holds."""
    keys = sorted({key for key, _ in found})
    held: set[tuple[str, int]] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        marks = ", ".join(f":k{i}" for i in range(len(chunk)))
        held.update(conn.execute(f"SELECT key, contact_id FROM captured WHERE key IN ({marks})",
                                 {f"k{i}": k for i, k in enumerate(chunk)}).fetchall())
    return {(k, c) for k, c in held}


def _shown(f: Found, names: dict[int, str]) -> dict:
    return {"contact": f.contact_id, "name": names.get(f.contact_id, ""), "direction": f.direction,
            "channel": f.channel, "at": f.at.isoformat(timespec="minutes"), "note": f.note}


def _log_found(db: Db, ctx: AppContext, found: Sequence[Found], kind: str,
               held: dict[tuple[str, int], dict] | None = None, also: Iterable[int] = ()) -> list[dict]:
    """Insert the touches (claiming a touch logged by hand close in time instead where there is
    one), the `captured` rows (or fill in those of `held`: meetings that were still to come), the
    states that move, and re-plan the contacts touched and those of `also`."""
    from ..core import load_contacts

    held = held or {}
    ids = sorted({f.contact_id for f in found} | set(also))
    if not ids:
        return []
    contacts: dict[int, dict] = {}
    for start in range(0, len(ids), _CHUNK):
        marks = ", ".join(str(int(i)) for i in ids[start:start + _CHUNK])
        contacts.update((c["id"], c) for c in load_contacts(db, f"id IN ({marks})", lock=True))
    claimable = _hand_logged(db, ids)
    logged, newest = [], {}
    outcome = {"out": "sent", "in": "replied"}
    for f in found:
        contact = contacts.get(f.contact_id)
        if contact is None:  # removed since the sources were read
            continue
        kind_outcome = "meeting" if f.channel == "meeting" else outcome[f.direction]
        touch_id = _claim(claimable.get(f.contact_id, []), f)
        if touch_id is None:
            touch_id = db.insert("touch", {"contact_id": f.contact_id, "at": f.at, "channel": f.channel,
                                           "direction": f.direction, "outcome": kind_outcome, "note": f.note,
                                           "ask_again": None, "created_at": ctx.now})
            logged.append({**_shown(f, {f.contact_id: contact["name"]}), "outcome": kind_outcome})
            last = contact["last_touch_at"]
            if last is None or f.at > last:
                newest.setdefault(f.contact_id, []).append(TouchFacts(f.at, f.direction, kind_outcome, f.channel))
        row = held.get((f.key, f.contact_id))
        if row is not None:
            db.update("captured", row["id"], {"touch_id": touch_id, "at": f.at})
        else:
            db.insert("captured", {"contact_id": f.contact_id, "key": f.key, "kind": kind, "source": f.source,
                                   "at": f.at, "touch_id": touch_id, "commitment_id": None, "created_at": ctx.now})
    _replan(db, ctx, contacts, newest)
    return logged


def _replan(db: Db, ctx: AppContext, contacts: dict[int, dict], newest: dict[int, list[TouchFacts]]) -> None:
    """States as `fup log` moves them, touch by touch (only for touches newer than the contact's
    last: an old message found in an archive does not reopen anyone), then plans; an unanswered
    follow-up that takes a `park` profile past its gaps parks, as with `fup log`."""
    from ..core import _change, refresh_many

    for contact_id, touches in newest.items():
        contact = contacts[contact_id]
        state = contact["state"]
        for facts in touches:
            state = next_state(state, facts)
        if state != contact["state"]:
            _change(db, contact, state=state, updated_at=ctx.now)
    chosen = list(contacts.values())
    plans = refresh_many(db, ctx, chosen)
    parked = []
    for contact, plan in zip(chosen, plans):
        touches = newest.get(contact["id"])
        if not touches:
            continue
        profile = ctx.settings.rules.profiles.get(contact["cadence"])
        state = next_state(contact["state"], touches[-1], plan.position, profile)
        if state != contact["state"]:
            _change(db, contact, state=state)
            parked.append(contact)
    if parked:
        refresh_many(db, ctx, parked, roll=False)


def _hand_logged(db: Db, ids: Sequence[int]) -> dict[int, list[list]]:
    """Touches no `captured` row points at (logged by hand, or by `fup add`'s meeting) of these
    contacts, as [id, at, channel, direction] lists, for a message or meeting to claim rather
    than be logged twice."""
    found: dict[int, list[list]] = {}
    for start in range(0, len(ids), _CHUNK):
        marks = ", ".join(str(int(i)) for i in ids[start:start + _CHUNK])
        for touch_id, contact_id, at, channel, direction in db.execute(
                f"SELECT id, contact_id, at, channel, direction FROM touch WHERE contact_id IN ({marks}) "
                "AND id NOT IN (SELECT touch_id FROM captured WHERE touch_id IS NOT NULL "
                f"AND contact_id IN ({marks}))").fetchall():
            found.setdefault(contact_id, []).append([touch_id, to_moment(at), channel, direction])
    return found


def _claim(candidates: list[list], f: Found) -> int | None:
    """A touch logged by hand that is this message or meeting (same channel and direction, close
    in time); it is taken, so two messages never claim one touch."""
    for candidate in candidates:
        touch_id, at, channel, direction = candidate
        if touch_id is not None and channel == f.channel and (direction == f.direction or f.channel == "meeting") \
                and abs(at - f.at) <= _SAME_TOUCH:
            candidate[0] = None
            return touch_id
    return None


# --- calendar -----------------------------------------------------------------


def _strip_user(url: str) -> tuple[str, str | None, str]:
    """(the URL without its user, the user, the host) of a CalDAV URL."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is not None:
        raise BadInput("--caldav: a password does not belong in the URL (it would be in your shell history); "
                       "set FUP_CALDAV_PASSWORD, a password_command under [calendar] in config.toml, or ~/.netrc")
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    user = unquote(parts.username) if parts.username else None
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), user, host


def calendar_blobs(ctx: AppContext, ics: Sequence[str], caldav: Sequence[str], insecure: bool,
                   start: datetime, end: datetime) -> list[tuple[str, list[bytes]]]:
    """(source label, iCalendar texts) per source: files read, URLs fetched, CalDAV queried."""
    from . import calendar
    from .mailboxes import imap_password

    command = (ctx.settings.calendar or {}).get("password_command")
    out = []
    for source in ics:
        if source.startswith(("http://", "https://", "webcal://")):
            url = "https://" + source[len("webcal://"):] if source.startswith("webcal://") else source
            if url.startswith("http://") and not insecure:
                raise BadInput(f"--ics {source}: http:// is not encrypted; use https://, or add --insecure")
            out.append((source, [calendar.fetch_url(url)]))
            continue
        from pathlib import Path

        path = Path(source).expanduser()
        try:
            out.append((str(path.resolve()), [path.read_bytes()]))
        except OSError as exc:
            raise BadInput(f"--ics {source}: cannot read it ({exc.strerror or exc})") from None
    for source in caldav:
        url, user, host = _strip_user(source)
        password = imap_password(host, user, command, env="FUP_CALDAV_PASSWORD") if user else None
        out.append((url, calendar.fetch_caldav(url, user, password, start, end, insecure=insecure)))
    return out


def sync_calendar(ctx: AppContext, ics: Sequence[str] = (), caldav: Sequence[str] = (), insecure: bool = False,
                  days_back: int | None = None, days_ahead: int | None = None, dry_run: bool = False) -> SyncReport:
    from datetime import time

    from .calendar import read_ics

    me = _me(ctx)
    config = ctx.settings.calendar or {}
    if not (ics or caldav):
        ics, caldav = config.get("ics", []), config.get("caldav", [])
    if not (ics or caldav):
        raise BadInput(f"no calendar to read: give --ics or --caldav, or list them under [calendar] in {config_path()}")
    back = days_back if days_back is not None else config.get("days_back", 30)
    ahead = days_ahead if days_ahead is not None else config.get("days_ahead", 60)
    for name, value in (("--days-back", back), ("--days-ahead", ahead)):
        if not 0 <= value <= 3650:
            raise BadInput(f"{name} must be a whole number of days from 0 to 3650")
    start = datetime.combine(ctx.today - timedelta(days=back), time())
    end = datetime.combine(ctx.today + timedelta(days=ahead + 1), time())
    conn, known, names = _known(ctx, me)
    blobs = calendar_blobs(ctx, ics, caldav, insecure, start, end)
    counts: Counter = Counter()
    past: dict[tuple[str, int], Found] = {}
    coming: dict[tuple[str, int], Found] = {}
    off: set[tuple[str, int]] = set()  # cancelled, declined: a meeting to come it held is dropped
    listed: dict[str, set[str]] = {}  # source -> the occurrence keys it holds in the window
    read = 0
    for label, texts in blobs:
        keys = listed.setdefault(label, set())
        for text in texts:
            try:
                occurrences, bad = read_ics(text, start, end)
            except BadInput:
                if len(texts) == 1:  # the one file given is not a calendar: say so
                    raise
                counts["unreadable"] += 1  # one broken object on a CalDAV server: skipped and counted
                continue
            counts["unreadable"] += bad
            for occ in occurrences:
                read += 1
                keys.add(occ.key)
                people = dict(occ.attendees)
                if occ.organizer and occ.organizer not in people:
                    people[occ.organizer] = "ACCEPTED"
                contacts = [(known[a], status) for a, status in people.items() if a in known and a not in me]
                if not contacts:
                    counts["unknown"] += 1
                    continue
                i_declined = any(people.get(a) == "DECLINED" for a in me)
                at = occ.start
                for contact_id, status in contacts:
                    pair = (occ.key, contact_id)
                    if occ.cancelled or i_declined or status == "DECLINED":
                        off.add(pair)
                        continue
                    item = Found(occ.key, contact_id, "out", at, _meeting_note(occ.summary), "meeting", label)
                    (past if at <= ctx.now else coming)[pair] = item
                if occ.cancelled or i_declined:
                    counts["cancelled"] += 1
    held = _events_held(conn)
    logged: list[dict] = []
    planned: list[dict] = []
    fresh_past = [f for pair, f in sorted(past.items(), key=lambda kv: (kv[1].at, kv[0][1]))
                  if pair not in held or held[pair]["touch_id"] is None]
    counts["already"] += len(past) - len(fresh_past)
    if dry_run:
        logged = [_shown(f, names) for f in fresh_past]
        planned = _plan_meetings(None, ctx, coming, off, listed, start, end, held, names)
    else:
        with ctx.store.write(Undoable("sync", ctx.now)) as db:
            held = _events_held(db)
            fresh_past = [f for f in fresh_past if (f.key, f.contact_id) not in held
                          or held[(f.key, f.contact_id)]["touch_id"] is None]
            for f in fresh_past:  # a meeting that was to come has happened: its commitment is kept
                row = held.get((f.key, f.contact_id))
                if row is not None and row["commitment_id"] is not None:
                    db.execute("UPDATE commitment SET status = 'done', closed_at = :now WHERE id = :id AND status = 'open'",
                               {"now": ctx.now, "id": row["commitment_id"]})
            planned = _plan_meetings(db, ctx, coming, off, listed, start, end, held, names)
            logged = _log_found(db, ctx, fresh_past, "event", held, also={p["contact"] for p in planned})
            journal.label(db, f"sync calendar: {_touches(len(logged))}, {len(planned)} meetings to come changed")
    return SyncReport("calendar", dry_run, tuple(label for label, _ in blobs), read, {k: counts[k] for k in COUNTS},
                      tuple(logged), tuple(planned))


def _meeting_note(summary: str) -> str:
    return note(summary) or "meeting"


def _events_held(conn: Any) -> dict[tuple[str, int], dict]:
    rows = conn.execute("SELECT id, key, contact_id, source, at, touch_id, commitment_id FROM captured "
                        "WHERE kind = 'event'").fetchall()
    return {(key, cid): {"id": rid, "source": source, "at": to_moment(at), "touch_id": touch_id,
                         "commitment_id": commitment_id}
            for rid, key, cid, source, at, touch_id, commitment_id in rows}


def _plan_meetings(db: Db | None, ctx: AppContext, coming: dict[tuple[str, int], Found], off: set[tuple[str, int]],
                   listed: dict[str, set[str]], start: datetime, end: datetime, held: dict[tuple[str, int], dict],
                   names: dict[int, str]) -> list[dict]:
    """Meetings to come as commitments: new ones added, moved ones moved, cancelled, declined or
    vanished ones dropped (with `db` None: only said). Returns what changed."""
    changes = []
    statuses = _statuses(db if db is not None else ctx.store.reader(), held)
    for pair, f in sorted(coming.items(), key=lambda kv: (kv[1].at, kv[0][1])):
        row = held.get(pair)
        shown = {"contact": f.contact_id, "name": names.get(f.contact_id, ""), "due": f.at.date().isoformat(),
                 "action": MEETING + (f.note or "meeting")}
        if row is None:
            changes.append({**shown, "change": "added"})
            if db is not None:
                commitment_id = db.insert("commitment", {
                    "contact_id": f.contact_id, "whose": "mine", "action": shown["action"], "due": f.at.date(),
                    "firmness": "hard", "status": "open", "channel": "meeting", "created_at": ctx.now})
                db.insert("captured", {"contact_id": f.contact_id, "key": f.key, "kind": "event", "source": f.source,
                                       "at": f.at, "touch_id": None, "commitment_id": commitment_id,
                                       "created_at": ctx.now})
        elif row["commitment_id"] is not None and statuses.get(row["commitment_id"]) == "open" and row["at"] != f.at:
            changes.append({**shown, "change": "moved", "from": row["at"].date().isoformat()})
            if db is not None:
                db.update("commitment", row["commitment_id"], {"due": f.at.date(), "action": shown["action"]})
                db.update("captured", row["id"], {"at": f.at})
    for pair, row in sorted(held.items(), key=lambda kv: kv[1]["id"]):
        key, contact_id = pair
        if row["commitment_id"] is None or row["touch_id"] is not None or statuses.get(row["commitment_id"]) != "open":
            continue
        vanished = row["source"] in listed and start <= row["at"] < end and key not in listed[row["source"]]
        if pair in off or vanished:
            changes.append({"contact": contact_id, "name": names.get(contact_id, ""), "due": row["at"].date().isoformat(),
                            "action": statuses.get(("action", row["commitment_id"]), ""), "change": "dropped"})
            if db is not None:
                db.update("commitment", row["commitment_id"], {"status": "dropped", "closed_at": ctx.now})
    return changes


def _statuses(conn: Any, held: dict[tuple[str, int], dict]) -> dict:
    """The status (and, under ("action", id), the action) of the commitments events hold."""
    ids = [row["commitment_id"] for row in held.values() if row["commitment_id"] is not None]
    out: dict = {}
    for start in range(0, len(ids), _CHUNK):
        marks = ", ".join(str(int(i)) for i in ids[start:start + _CHUNK])
        for cid, status, action in conn.execute(f"SELECT id, status, action FROM commitment WHERE id IN ({marks})"):
            out[cid] = status
            out[("action", cid)] = action
    return out
