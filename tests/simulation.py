"""Six months of a founder using fup, simulated in-process and deterministically.

    python tests/simulation.py                          # daily checks: the chart, a summary, the checks
    python tests/simulation.py --schedule mwf --seed 7  # the list read on Mondays, Wednesdays and Fridays only
    python tests/simulation.py --days 60 --no-chart     # a shorter run, numbers only

How data flows: `plan_script` draws from `random.Random(seed)` everything that
does not depend on what fup shows: 200 LinkedIn connections (imported on day 0
with `--cadence nurture`), 40 people met over eight weeks, each contact's
temperament (never replies, replies to about a third or two thirds of touches),
who will sign or say no, the vacation week. `run` walks the workdays from Monday
2026-01-05 on a new database, calling fup's own functions (`importer`, `core`)
with a fresh `AppContext` a day whose `now` is that evening (each write passes
its own time; one `Store` stays open for the run). Each workday: the replies that have come are logged, the whole
list is read (`queries.due_rows`, limit 0) into a `DayRecord`, on a checked day
the top `daily_limit` rows are handled (replies to them are drawn from a second
seeded stream), and the day's meetings are added. The functions under "the
checks" measure the scheduler issue's "done means" on the `SimResult`
(tests/test_simulation.py asserts them); `chart` draws it (`make simulate`).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterator, Sequence

from fupcli import core
from fupcli.transfer import importer
from fupcli.context import AppContext
from fupcli.storage.queries import due_rows
from fupcli.storage.store import Store
from fupcli.vocabulary import CHANNELS, KINDS, is_two_way

START = date(2026, 1, 5)  # a Monday
DAYS = 182  # six months, in calendar days
DAILY_LIMIT = 12
SETTLE_DAYS = 14  # the checks start after the first two weeks (the import settling)
IMPORTED = 200
VACATION_WEEK = 9  # counted from 0: the tenth week, Monday 2026-03-09 to Friday 2026-03-13
SCHEDULES = ("daily", "mwf")
CHECK_WEEKDAYS = {"daily": frozenset(range(5)), "mwf": frozenset({0, 2, 4})}
CONFIG = f"""daily_limit = {DAILY_LIMIT}

[profiles.investor]
gaps = [3, 4, 7, 10, 14]
end = "park"
weight = 3.5
"""
# The 40 people met: investors all in one week (the third), the others spread over eight weeks.
MET_CADENCES = {"investor": 6, "vip": 4, "hot": 13, "warm": 17}
INVESTOR_WEEK = 2
FOLLOW_UP_NOTE = "handled row:"  # the note of each touch the scripted user makes, with the row's kind
MEETING_WEEKS = 24  # a founder keeps meeting people: 40 over the six months
TEMPERAMENTS = {"never": 0.0, "third": 1 / 3, "two-thirds": 2 / 3}  # chance of a reply to each touch
IMPORTED_TEMPERAMENTS = {"never": 100, "third": 60, "two-thirds": 40}
WINS, NOES_MET, NOES_IMPORTED = 5, 2, 1
NEXT_STEP_CHANCE = 0.1  # after a reply, a hard next step a week out (theirs or mine)
REPLY_DELAY = (1, 2)  # workdays from a touch to the reply
LIVE_GLYPH, COLD_GLYPH = "▇", "░"
COLD = "cold"
HAS_COLD_KIND = COLD in KINDS

FIRST = ("Ana", "Ben", "Chloe", "Dev", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemi", "Lars",
         "Maya", "Nils", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Xavi",
         "Yara", "Zoe", "Arjun", "Bea", "Carlos", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivan", "Jade")
LAST = ("Ruiz", "Okafor", "Martin", "Patel", "Yilmaz", "Haddad", "Lee", "Weber", "Costa", "Berg", "Adeyemi",
        "Nilsson", "Chen", "Kowalski", "Ivanova", "Sharma", "Murphy", "Silva", "Khan", "Novak", "Rossi",
        "Dubois", "Tanaka", "Garcia", "Fischer", "Moreau", "Larsen", "Smith", "Kim", "Haas", "Rao", "Lopez")
COMPANIES = ("Acme Analytics", "Northwind", "Globex", "Initech", "Umbrella Labs", "Finch", "Brightly", "Loop",
             "Hooli", "Vandelay", "Stark Ventures", "Wayne Capital", "Soylent", "Tyrell", "Cyberdyne", "Monarch")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LINKEDIN_NOTES = (
    "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are "
    "missing.\"\n\n"
)
LINKEDIN_HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")


# --- the script: who, when, how they behave --------------------------------------------


@dataclass
class SimContact:
    """One person of the script; `id` is fup's, known once the contact exists."""

    name: str
    company: str
    cadence: str
    temperament: str
    source: str  # "linkedin" or "met"
    email: str | None = None
    phone: str | None = None
    channel: str | None = None
    url: str | None = None
    met_on: date | None = None
    fate: str | None = None  # "won" (at their second reply) or "not-interested" (at their first)
    id: int | None = None


@dataclass
class Script:
    imported: list[SimContact]
    meetings: dict[date, list[SimContact]]
    vacation: frozenset[date]

    @property
    def contacts(self) -> list[SimContact]:
        return self.imported + [c for day in sorted(self.meetings) for c in self.meetings[day]]


def workdays(start: date, days: int) -> list[date]:
    """Monday to Friday from `start`, for `days` calendar days (fup's default calendar)."""
    return [d for d in (start + timedelta(days=i) for i in range(days)) if d.weekday() < 5]


def _temperaments(rng: random.Random, count: int) -> list[str]:
    """A shuffled, even mix of the three temperaments, so every profile has each."""
    names = list(TEMPERAMENTS)
    rng.shuffle(names)
    out = [names[i % len(names)] for i in range(count)]
    rng.shuffle(out)
    return out


def plan_script(seed: int, start: date = START) -> Script:
    """Everything the founder will do that does not depend on what fup shows."""
    rng = random.Random(f"{seed}/script")
    names = rng.sample([f"{f} {l}" for f in FIRST for l in LAST], IMPORTED + sum(MET_CADENCES.values()))

    moods = [m for m, n in IMPORTED_TEMPERAMENTS.items() for _ in range(n)]
    rng.shuffle(moods)
    imported = []
    for i, (name, mood) in enumerate(zip(names[:IMPORTED], moods)):
        slug = name.lower().replace(" ", "-")
        company = rng.choice(COMPANIES)
        email = f"{slug.replace('-', '.')}@{company.split()[0].lower()}.example" if rng.random() < 0.3 else None
        imported.append(SimContact(name, company, "nurture", mood, "linkedin", email=email,
                                   url=f"https://www.linkedin.com/in/{slug}-{i}"))

    met: list[SimContact] = []
    rest = iter(names[IMPORTED:])
    for cadence, count in MET_CADENCES.items():
        for mood in _temperaments(rng, count):
            name = next(rest)
            company = rng.choice(COMPANIES)
            phone = f"+1 555 {rng.randrange(1000, 9999)}" if rng.random() < 0.8 else None
            channel = "call" if phone and cadence == "hot" and rng.random() < 0.3 else "email"
            email = f"{name.lower().replace(' ', '.')}@{company.split()[0].lower()}.example"
            met.append(SimContact(name, company, cadence, mood, "met", email=email, phone=phone, channel=channel))

    weeks = [[start + timedelta(days=7 * w + d) for d in range(5)] for w in range(MEETING_WEEKS)]
    others = [c for c in met if c.cadence != "investor"]
    rng.shuffle(others)
    for i, contact in enumerate(others):
        contact.met_on = rng.choice(weeks[i % MEETING_WEEKS])
    for contact in met:
        if contact.cadence == "investor":
            contact.met_on = rng.choice(weeks[INVESTOR_WEEK])
    meetings: dict[date, list[SimContact]] = defaultdict(list)
    for contact in sorted(met, key=lambda c: (c.met_on, c.name)):
        meetings[contact.met_on].append(contact)

    keen = [c for c in met if c.temperament == "two-thirds"]
    for contact in rng.sample(keen, min(WINS, len(keen))):
        contact.fate = "won"
    lukewarm = [c for c in met if c.temperament == "third"]
    for contact in rng.sample(lukewarm, min(NOES_MET, len(lukewarm))):
        contact.fate = "not-interested"
    for contact in rng.sample([c for c in imported if c.temperament != "never"], NOES_IMPORTED):
        contact.fate = "not-interested"

    vacation = frozenset(start + timedelta(days=7 * VACATION_WEEK + d) for d in range(5))
    return Script(imported, dict(meetings), vacation)


def write_linkedin_csv(path: Path, contacts: Sequence[SimContact], seed: int) -> None:
    """The connections in LinkedIn's Connections.csv layout (notes, a blank line, the header)."""
    rng = random.Random(f"{seed}/linkedin")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(LINKEDIN_NOTES)
        writer = csv.writer(handle)
        writer.writerow(LINKEDIN_HEADER)
        for c in contacts:
            first, last = c.name.split(" ", 1)
            connected = f"{rng.randrange(1, 29):02d} {rng.choice(MONTHS)} {rng.randrange(2016, 2026)}"
            position = rng.choice(("Founder", "CTO", "VP Sales", "Partner", "Engineer"))
            writer.writerow([first, last, c.url, c.email or "", c.company, position, connected])


# --- what is cold ------------------------------------------------------------------


def is_cold(row: Any) -> bool:
    """A row (anything with `kind` and `reason`) the scheduler may move to balance the days: a
    follow-up on the nurture rhythm (a parked contact, one imported with `--cadence nurture`)
    or the opening touch of a contact never contacted.

    Once the scheduler has the kind "cold", the kind says it. Before, a `cadence` row is cold
    by its reason: "opening touch: ..." or "... (nurture cadence)"."""
    if HAS_COLD_KIND or row.kind == COLD:
        return row.kind == COLD
    return row.kind == "cadence" and (row.reason.startswith("opening touch") or "(nurture cadence)" in row.reason)


# --- the run ------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveRow:
    """A live (not cold) row of the list; the same row on another day has the same `key`."""

    contact_id: int
    name: str
    kind: str
    due: date
    first_seen: date  # the first workday it was in the list
    handled: tuple[date, ...]  # the checked days it was among the top rows (and so handled)

    @property
    def key(self) -> tuple[int, str, date]:
        return (self.contact_id, self.kind, self.due)


@dataclass
class DayRecord:
    """One simulated workday, checked or not: the whole list as `fup today --limit 0` reads it."""

    day: date
    checked: bool
    vacation: bool
    total: int  # rows due
    live: int
    cold: int
    handled: int  # rows handled: the top daily_limit on a checked day, else 0
    cold_waiting: int | None  # contacts with a cold item due before the day, not in its list (None: unreadable)
    live_rows: list[LiveRow] = field(default_factory=list)


@dataclass
class SimResult:
    schedule: str
    seed: int
    start: date
    days: int
    daily_limit: int
    capacity: int
    records: list[DayRecord]
    contacts: list[SimContact]
    unanswered: dict[int, int]  # contact id -> outbound touches not answered before the next one
    counts: dict[str, int]  # touches, replies, wins, noes, next steps, people met

    @property
    def settled(self) -> date:
        return self.start + timedelta(days=SETTLE_DAYS)

    def checked(self) -> list[DayRecord]:
        return [r for r in self.records if r.checked]

    def checked_after_settling(self) -> list[DayRecord]:
        return [r for r in self.records if r.checked and r.day >= self.settled]


@contextmanager
def context(db: Path, config: Path, now: datetime, store: Store | None = None) -> Iterator[AppContext]:
    """A fresh context, as the CLI builds one per process. Given `store`, it uses that one and
    leaves it open (the run's one store)."""
    ctx = AppContext(now=now, db_location=str(db), config_file=config, store=store)
    try:
        yield ctx
    finally:
        if store is None:
            ctx.close()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


@dataclass(frozen=True)
class _Item:
    kind: str
    reason: str


def _cold_waiting(conn: Any, day: date, listed: set[int]) -> int | None:
    """Open contacts with a cold agenda item due before `day` that are not in the day's list."""
    try:
        rows = conn.execute(
            "SELECT a.contact_id, a.kind, a.reason FROM agenda_item a JOIN contact c ON c.id = a.contact_id "
            "WHERE a.due < ? AND c.state != 'closed'", (day.isoformat(),)).fetchall()
    except sqlite3.Error:
        return None
    return len({cid for cid, kind, reason in rows if cid not in listed and is_cold(_Item(kind, reason))})


def _unanswered(conn: Any) -> dict[int, int]:
    """Per contact: cadence follow-ups (touches made for a `cadence` or `cold` row) not followed by
    a two-way touch before the next outbound one (the last one counts when nothing answered it
    by the end of the run). Promises kept and check-ins on their promises are not chasing."""
    counts: dict[int, int] = defaultdict(int)
    waiting: dict[int, bool] = defaultdict(bool)
    for cid, direction, outcome, note in conn.execute(
            "SELECT contact_id, direction, outcome, note FROM touch ORDER BY contact_id, at, id"):
        if is_two_way(direction, outcome):
            waiting[cid] = False
        elif note not in (f"{FOLLOW_UP_NOTE} cadence", f"{FOLLOW_UP_NOTE} cold"):
            continue
        else:
            counts[cid] += waiting[cid]
            waiting[cid] = True
    for cid, still in waiting.items():
        counts[cid] += still
    return dict(counts)


def _add_workdays(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def _scratch() -> str | None:
    """Where the simulated database goes: memory-backed /dev/shm when there is one (a commit
    then costs no disk flush), else the default temporary directory."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class _Founder:
    """The scripted user over one database: what they do on each workday."""

    def __init__(self, root: Path, script: Script, schedule: str, seed: int, start: date):
        self.db, self.config = root / "fup.db", root / "config.toml"
        self.config.write_text(CONFIG, encoding="utf-8")
        self.store = Store(str(self.db))
        self.script, self.schedule, self.start = script, schedule, start
        self.rng = random.Random(f"{seed}/{schedule}/replies")
        self.by_id: dict[int, SimContact] = {}
        self.replies_due: dict[int, date] = {}  # contact id -> the day their reply arrives
        self.replies_seen: dict[int, int] = defaultdict(int)
        self.open_steps: dict[int, list[tuple[int, str]]] = defaultdict(list)  # (commitment id, whose)
        self.done_with: set[int] = set()  # said no: never touched again, so never reply again
        self.won: set[int] = set()
        self.counts: dict[str, int] = defaultdict(int)
        self.first_seen: dict[tuple, date] = {}
        self.handled_on: dict[tuple, list[date]] = defaultdict(list)
        self.listed: dict[date, list[tuple[tuple, str]]] = {}
        self.limit, self.capacity = DAILY_LIMIT, DAILY_LIMIT

    def is_checked(self, day: date) -> bool:
        return day.weekday() in CHECK_WEEKDAYS[self.schedule] and day not in self.script.vacation

    def ctx(self, now: datetime):  # noqa: ANN201 - a context manager
        return context(self.db, self.config, now, self.store)

    def import_connections(self, root: Path, seed: int) -> None:
        """Day 0, first thing: `fup import contacts Connections.csv --from linkedin --cadence nurture`."""
        path = root / "Connections.csv"
        write_linkedin_csv(path, self.script.imported, seed)
        with self.ctx(_at(self.start, 8)) as ctx:
            importer.import_contacts(ctx, str(path), "linkedin", "nurture", [], False)
            conn = ctx.store.reader()
            ids = dict(conn.execute("SELECT url, id FROM contact"))
            conn.close()
        for contact in self.script.imported:
            contact.id = ids[contact.url]
            self.by_id[contact.id] = contact

    def log_replies(self, ctx: AppContext, day: date) -> None:
        """The replies that have come by `day`, logged before the list is read, at the time they came;
        a reply delivers what they promised, and sometimes brings a next step a week out."""
        for cid, arrived in sorted(self.replies_due.items(), key=lambda item: (item[1], item[0])):
            if arrived > day:
                continue
            del self.replies_due[cid]
            contact = self.by_id[cid]
            self.replies_seen[cid] += 1
            outcome = "replied"
            if contact.fate == "not-interested":
                outcome = "not-interested"
            elif contact.fate == "won" and cid not in self.won and self.replies_seen[cid] >= 2:
                outcome = "won"
            core.log_touch(ctx, str(cid), channel=contact.channel or "email", inbound=True, outcome=outcome,
                           at=_iso(_at(arrived, 8, 30)))
            self.counts["replies"] += 1
            if outcome == "not-interested":
                self.counts["noes"] += 1
                self.done_with.add(cid)
                continue
            if outcome == "won":  # a win closes what they owed; what I owe stays open
                self.counts["wins"] += 1
                self.won.add(cid)
                self.open_steps[cid] = [s for s in self.open_steps[cid] if s[1] == "mine"]
                continue
            for step in [s for s in self.open_steps[cid] if s[1] == "theirs"]:  # delivered with the reply
                core.close_commitment(ctx, str(cid), "done", step[0])
                self.open_steps[cid].remove(step)
            if not self.open_steps[cid] and self.rng.random() < NEXT_STEP_CHANCE:
                whose = self.rng.choice(("mine", "theirs"))
                action = "send the deck and the numbers" if whose == "mine" else "intro to their partner"
                step = core.NextStep(action, day + timedelta(days=7), whose=whose, firmness="hard")
                view = core.add_commitment(ctx, str(cid), step)
                self.open_steps[cid].append((view["commitment"]["id"], whose))
                self.counts["next steps"] += 1

    def read(self, ctx: AppContext, day: date) -> tuple[list, DayRecord]:
        """The whole list of the day (limit 0), as `fup today --limit 0` reads it."""
        settings = ctx.settings
        self.limit = settings.daily_limit
        self.capacity = getattr(settings.rules, "capacity", settings.daily_limit or 20)
        conn = ctx.store.reader()
        try:
            rows = due_rows(conn, day, 0, settings.rules)
            waiting = _cold_waiting(conn, day, {r.contact_id for r in rows})
        finally:
            conn.close()
        cold = sum(1 for r in rows if is_cold(r))
        listed = []
        for row in rows:
            if not is_cold(row):
                key = (row.contact_id, row.kind, date.fromisoformat(row.due))
                self.first_seen.setdefault(key, day)
                listed.append((key, row.name))
        self.listed[day] = listed
        record = DayRecord(day, self.is_checked(day), day in self.script.vacation, len(rows), len(rows) - cold,
                           cold, 0, waiting)
        return rows, record

    def handle(self, ctx: AppContext, day: date, rows: list, record: DayRecord) -> None:
        """Work the top `daily_limit` rows: a touch each by the row's channel; a promise is also done."""
        top = rows[: self.limit] if self.limit else rows
        for i, row in enumerate(top):
            cid = row.contact_id
            channel = row.channel if row.channel in CHANNELS and row.channel != "meeting" else "email"
            core.log_touch(ctx, str(cid), channel=channel, at=_iso(_at(day, 9, 30) + timedelta(minutes=i)),
                           note=f"{FOLLOW_UP_NOTE} {row.kind}")
            if row.kind == "promise":
                mine = [s for s in self.open_steps[cid] if s[1] == "mine"]
                core.close_commitment(ctx, str(cid), "done", mine[0][0] if mine else None)
                if mine:
                    self.open_steps[cid].remove(mine[0])
            self.counts["touches"] += 1
            if not is_cold(row):
                self.handled_on[(cid, row.kind, date.fromisoformat(row.due))].append(day)
            if cid not in self.replies_due and cid not in self.done_with:
                if self.rng.random() < TEMPERAMENTS[self.by_id[cid].temperament]:
                    self.replies_due[cid] = _add_workdays(day, self.rng.choice(REPLY_DELAY))
        record.handled = len(top)

    def meet(self, ctx: AppContext, day: date) -> None:
        """The evening: `fup add NAME ... --met TODAY` for each person met that day."""
        for contact in self.script.meetings.get(day, []):
            new = core.NewContact(name=contact.name, company=contact.company, email=contact.email,
                                  phone=contact.phone, channel=contact.channel, cadence=contact.cadence,
                                  source="met in person")
            view = core.add_contact(ctx, new, met=_iso(_at(day, 17)))
            contact.id = view["id"]
            self.by_id[contact.id] = contact
            self.counts["met"] += 1

    def finish(self, records: list[DayRecord]) -> dict[int, int]:
        """Give each day its live rows (now that every handling is known); count unanswered touches."""
        rows: dict[tuple, LiveRow] = {}
        for record in records:
            for key, name in self.listed[record.day]:
                if key not in rows:
                    rows[key] = LiveRow(key[0], name, key[1], key[2], self.first_seen[key],
                                        tuple(self.handled_on.get(key, ())))
                record.live_rows.append(rows[key])
        conn = self.store.reader()
        try:
            return _unanswered(conn)
        finally:
            conn.close()
            self.store.close()


def run(schedule: str = "daily", seed: int = 1, days: int = DAYS, root: Path | None = None,
        start: date = START) -> SimResult:
    """Simulate `days` calendar days from `start`, the list read on `schedule`'s workdays, on a
    new database in `root` (default: a temporary directory, removed afterwards)."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}")
    script = plan_script(seed, start)
    with tempfile.TemporaryDirectory(prefix="fup-sim-", dir=_scratch()) if root is None else _existing(root) as where:
        where = Path(where)
        founder = _Founder(where, script, schedule, seed, start)
        founder.import_connections(where, seed)
        records = []
        for day in workdays(start, days):
            # One context a day, its `now` the evening; every write gives its own time.
            with founder.ctx(_at(day, 18)) as ctx:
                if founder.is_checked(day):
                    founder.log_replies(ctx, day)
                rows, record = founder.read(ctx, day)
                if record.checked:
                    founder.handle(ctx, day, rows, record)
                founder.meet(ctx, day)
            records.append(record)
        unanswered = founder.finish(records)
    return SimResult(schedule, seed, start, days, founder.limit, founder.capacity, records, script.contacts,
                     unanswered, dict(founder.counts))


@contextmanager
def _existing(root: Path) -> Iterator[Path]:
    root.mkdir(parents=True, exist_ok=True)
    yield root


def run_all(schedules: Sequence[str] = SCHEDULES, seed: int = 1, days: int = DAYS) -> dict[str, SimResult]:
    """A run per schedule, side by side in worker processes when there is more than one core."""
    workers = min(len(schedules), os.cpu_count() or 1)
    if workers < 2:
        return {schedule: run(schedule, seed, days) for schedule in schedules}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {schedule: pool.submit(run, schedule, seed, days) for schedule in schedules}
        return {schedule: future.result() for schedule, future in futures.items()}


# --- the checks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hidden:
    """A live row listed on a checked day and left below the top, then again on the next checked day."""

    row: LiveRow
    seen: date
    next_checked: date

    def __str__(self) -> str:
        handled = self.row.handled[0].isoformat() if self.row.handled else "never"
        return (f"{self.row.name} (#{self.row.contact_id}) {self.row.kind} due {self.row.due}: below the top on "
                f"{self.seen} and {self.next_checked} (first listed {self.row.first_seen}, handled {handled})")


def cold_over_capacity(result: SimResult) -> list[DayRecord]:
    """Check 1: checked days (after settling) with more cold rows in the list than the capacity."""
    return [r for r in result.checked_after_settling() if r.cold > result.capacity]


def hidden_live_rows(result: SimResult) -> list[Hidden]:
    """Check 2: live rows listed on a checked day (after settling) and not among the top
    `daily_limit` rows by the next checked day, while still listed then."""
    checked = result.checked()
    found = []
    for record, following in zip(checked, checked[1:]):
        if record.day < result.settled:
            continue
        later = {row.key for row in following.live_rows}
        for row in record.live_rows:
            if record.day not in row.handled and row.key in later and following.day not in row.handled:
                found.append(Hidden(row, record.day, following.day))
    return found


def longest_wait(result: SimResult) -> tuple[int, LiveRow | None]:
    """The most checked days (after settling) one live row was listed and left below the top."""
    waits: dict[tuple, int] = defaultdict(int)
    rows: dict[tuple, LiveRow] = {}
    for record in result.checked_after_settling():
        for row in record.live_rows:
            rows[row.key] = row
            waits[row.key] += record.day not in row.handled
    if not waits:
        return 0, None
    key = max(waits, key=lambda k: (waits[k], -rows[k].due.toordinal(), -k[0]))
    return waits[key], rows[key]


def empty_with_cold_waiting(result: SimResult) -> tuple[list[DayRecord], list[DayRecord]]:
    """Check 3: (checked days with an empty list while cold items wait past their due date,
    empty checked days whose agenda could not be read)."""
    empty = [r for r in result.checked_after_settling() if r.total == 0]
    return [r for r in empty if r.cold_waiting], [r for r in empty if r.cold_waiting is None]


@dataclass(frozen=True)
class Spread:
    median: float
    max: int
    max_day: date | None
    min: int
    ratio: float  # max / median
    over_limit: int  # days with more rows than daily_limit
    empty: int


def back_from_vacation(result: SimResult) -> DayRecord | None:
    """The first checked day after the week away: it holds the week's live rows (promises,
    asked dates, live follow-ups never move, rule 1), with cold rows only in the room left."""
    away = [r.day for r in result.records if r.vacation]
    later = [r for r in result.records if r.checked and away and r.day > max(away)]
    return later[0] if later else None


def spread(result: SimResult) -> Spread:
    """Check 4: the length of the list over the checked days after settling, but the first one
    back from the week away (`back_from_vacation`, checked on its own)."""
    back = back_from_vacation(result)
    days = [r for r in result.checked_after_settling() if back is None or r.day != back.day]
    if not days:
        return Spread(0, 0, None, 0, 0.0, 0, 0)
    totals = [r.total for r in days]
    median, top = statistics.median(totals), max(totals)
    return Spread(
        median, top, next(r.day for r in days if r.total == top), min(totals),
        top / median if median else float("inf"),
        sum(1 for t in totals if result.daily_limit and t > result.daily_limit),
        sum(1 for t in totals if t == 0),
    )


@dataclass(frozen=True)
class UnansweredGroup:
    profile: str
    temperament: str
    contacts: int
    max: int  # the most unanswered follow-ups one contact of the group got
    who: str


def unanswered_groups(result: SimResult) -> dict[str, dict[str, UnansweredGroup]]:
    """Per profile (the cadence a contact started on) and temperament: the most unanswered follow-ups."""
    groups: dict[str, dict[str, list[SimContact]]] = defaultdict(lambda: defaultdict(list))
    for contact in result.contacts:
        if contact.id is not None:
            groups[contact.cadence][contact.temperament].append(contact)
    out: dict[str, dict[str, UnansweredGroup]] = {}
    for profile, moods in sorted(groups.items()):
        out[profile] = {}
        for mood in TEMPERAMENTS:
            members = moods.get(mood)
            if members:
                top = max(members, key=lambda c: (result.unanswered.get(c.id, 0), -c.id))
                out[profile][mood] = UnansweredGroup(profile, mood, len(members), result.unanswered.get(top.id, 0),
                                                     f"{top.name} (#{top.id})")
    return out


def chased_repliers(result: SimResult) -> list[tuple[UnansweredGroup, UnansweredGroup]]:
    """Check 5: (replier group, never-replies group) of one profile where some contact who
    sometimes replies got more unanswered follow-ups than every contact who never replies."""
    found = []
    for moods in unanswered_groups(result).values():
        never = moods.get("never")
        for mood in ("third", "two-thirds"):
            group = moods.get(mood)
            if never is not None and group is not None and group.max > never.max:
                found.append((group, never))
    return found


# --- output -------------------------------------------------------------------------

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def chart(result: SimResult, width: int = 60) -> str:
    """One line per checked workday: the date, rows due, a bar of the live rows then the cold ones;
    then the summary line."""
    checked = result.checked()
    per = max(1, -(-max((r.total for r in checked), default=0) // width))  # rows per glyph
    lines = [f"fup today, {result.schedule} ({len(checked)} checked workdays from {result.start}, seed {result.seed}): "
             f"{LIVE_GLYPH} live, {COLD_GLYPH} cold" + (f", a glyph per {per} rows" if per > 1 else "")
             + f"; daily_limit {result.daily_limit}, capacity {result.capacity}"]
    for r in checked:
        bar = LIVE_GLYPH * _glyphs(r.live, per) + COLD_GLYPH * _glyphs(r.cold, per)
        note = "  (settling)" if r.day < result.settled else ""
        lines.append(f"{r.day.isoformat()} {WEEKDAY_NAMES[r.day.weekday()]} {r.total:3d} {bar}{note}")
    lines.append(summary(result))
    return "\n".join(lines)


def _glyphs(rows: int, per: int) -> int:
    """Glyphs for `rows` at `per` rows a glyph: rounded, and at least one for any row."""
    return max(round(rows / per), 1) if rows else 0


def summary(result: SimResult) -> str:
    s = spread(result)
    back = back_from_vacation(result)
    away = f"; back from the week away on {back.day}: {back.live} live + {back.cold} cold" if back else ""
    return (f"{len(result.checked_after_settling())} checked workdays after the first two weeks: median {s.median:g}, "
            f"max {s.max}, max/median {s.ratio:.2f} (the day back apart), over the limit of {result.daily_limit} "
            f"on {s.over_limit}, empty on {s.empty}{away}")


def checks(result: SimResult) -> str:
    """The numbers tests/test_simulation.py asserts on, one line each."""
    days = result.checked_after_settling()
    most_cold = max(days, key=lambda r: r.cold, default=None)
    over = cold_over_capacity(result)
    hidden = hidden_live_rows(result)
    wait, waited = longest_wait(result)
    empty_waiting, unreadable = empty_with_cold_waiting(result)
    s = spread(result)
    chased = chased_repliers(result)
    groups = "; ".join(f"{profile}: " + ", ".join(f"{mood} {g.max}" for mood, g in moods.items())
                       for profile, moods in unanswered_groups(result).items())
    return "\n".join([
        f"1. cold rows a day: max {most_cold.cold if most_cold else 0}"
        + (f" on {most_cold.day}" if most_cold else "") + f", capacity {result.capacity}; over it on {len(over)} days",
        f"2. live rows below the top on two checked days running: {len(hidden)} "
        f"(on {len({h.seen for h in hidden})} days); longest wait {wait} checked days"
        + (f" ({waited.name}, {waited.kind} due {waited.due})" if waited else ""),
        f"3. empty checked days: {s.empty}, with cold items waiting: {len(empty_waiting)}"
        + (f", agenda unreadable on {len(unreadable)}" if unreadable else ""),
        f"4. list length: max/median {s.max}/{s.median:g} = {s.ratio:.2f} (max on {s.max_day}), min {s.min}",
        f"5. most unanswered follow-ups of one contact by profile and temperament: {groups}; "
        f"repliers chased more than non-repliers in {len(chased)} groups",
        "   " + ", ".join(f"{name} {n}" for name, n in sorted(result.counts.items())),
    ])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedule", choices=SCHEDULES, default="daily",
                        help="read the list every workday, or on Mon/Wed/Fri only (default daily)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the script and the replies (default 1)")
    parser.add_argument("--days", type=int, default=DAYS, help=f"calendar days from {START} (default {DAYS})")
    parser.add_argument("--chart", action=argparse.BooleanOptionalAction, default=True,
                        help="print one line per checked workday (default on)")
    args = parser.parse_args(argv)
    result = run(args.schedule, args.seed, args.days)
    print(chart(result) if args.chart else summary(result))
    print(checks(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
