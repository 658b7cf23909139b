"""Synthetic pipelines in fup's own CSV export format: contacts, touches and commitments.

`generate(size, directory)` writes contacts.csv, touches.csv and commitments.csv
(the columns of `fup export`) from a fixed seed, so the same size always gives
the same files. Each contact has about 20 touches and 0.5 commitments, with the
spreads of a real pipeline:

- cadence mostly warm, some hot, vip, nurture and none; state mostly active,
  some nurture, client and closed;
- a history that opens with a meeting and ends at a date in the past year,
  mostly in the last ten days, so due dates spread from overdue to weeks ahead;
- outcomes mixing sent, no-answer, left-message, talked and replied; nurture
  contacts end on a run of unanswered touches, closed ones on "not-interested",
  clients have a "won"; some last touches carry an ask-again date;
- commitments mine or theirs, hard or soft, open, done or dropped.

Bump GENERATOR_VERSION whenever the output changes: cached files are keyed by it.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
import json
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

GENERATOR_VERSION = 4  # 4: contacts.csv has fup's other_emails and other_phones columns (empty)
SEED = 20261123
NOW = datetime(2026, 11, 23, 8, 30)
TODAY = NOW.date()

CONTACT_COLUMNS = (
    "id", "name", "company", "title", "email", "phone", "url", "tags", "source", "channel",
    "cadence", "state", "birthday", "notes", "created_at", "next_due", "snoozed_until", "reopened_at",
    "other_emails", "other_phones",
)
TOUCH_COLUMNS = ("id", "contact_id", "contact_name", "at", "channel", "direction", "outcome", "note", "ask_again")
COMMITMENT_COLUMNS = (
    "id", "contact_id", "contact_name", "whose", "action", "due", "firmness", "status", "created_at", "closed_at",
    "channel",
)
FILES = {"contacts": CONTACT_COLUMNS, "touches": TOUCH_COLUMNS, "commitments": COMMITMENT_COLUMNS}
MANIFEST = "dataset.json"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "'")
LOG_TARGET_TOUCHES = range(19, 22)  # contacts `fup log` is benchmarked on: active, with about 20 touches
MAX_LOG_TARGETS = 200
Row = list[object]  # one CSV row, written by csv.writer


def _bag(weights: dict[str, int]) -> list[str]:
    """A list to draw from with rng.choice, each value repeated by its weight."""
    return [value for value, weight in weights.items() for _ in range(weight)]


CADENCES = _bag({"warm": 60, "hot": 12, "vip": 5, "nurture": 13, "none": 10})
STATES = _bag({"active": 75, "nurture": 12, "client": 8, "closed": 5})
CHANNELS = _bag({"email": 50, "call": 15, "linkedin": 15, "text": 10, "meeting": 5, "other": 5})
TOUCH_CHANNELS = ("email", "call", "linkedin", "text")
OUTBOUND = _bag({"sent": 50, "no-answer": 25, "left-message": 10, "talked": 15})
INBOUND = _bag({"replied": 70, "talked": 20, "meeting": 10})
UNANSWERED = _bag({"sent": 70, "no-answer": 20, "left-message": 10})
STATUSES = _bag({"open": 50, "done": 45, "dropped": 5})

FIRST_NAMES = (
    "Ana", "Andrea", "Anton", "Anna", "Andrés", "Anja", "Angela", "Anil", "Ben", "Chloe", "Carlos", "Dana",
    "David", "Elif", "Emma", "Farid", "Fatima", "Giulia", "Hana", "Hugo", "Ines", "Ivan", "Jonas", "Julia",
    "Kenji", "Lara", "Leon", "Lucía", "Maya", "Marek", "Mei", "Nadia", "Noah", "Olga", "Omar", "Paula",
    "Pedro", "Priya", "Quentin", "Rosa", "Rahul", "Sara", "Sven", "Tom", "Tanvi", "Uma", "Viktor", "Wen",
    "Xavier", "Yara", "Yusuf", "Zoë", "Zainab", "Björn", "Chiara", "Dmitri", "Eun-ji", "François",
)
LAST_NAMES = (
    "Ruiz", "Chen", "Weber", "Kim", "Okafor", "Martin", "Haddad", "Novak", "Rossi", "Schmidt", "Tanaka",
    "Silva", "Kowalski", "Nguyen", "Jensen", "Dubois", "García", "Müller", "Smith", "Patel", "Ivanova",
    "Yilmaz", "O'Brien", "Andersson", "Costa", "Fischer", "Hoffmann", "Lindqvist", "Mensah", "Nakamura",
    "Papadopoulos", "Quispe", "Rahman", "Sato", "Takahashi", "Van Dijk", "Wójcik", "Zhang", "Berg", "Ali",
)
COMPANY_STEMS = (
    "North", "Bright", "Finch", "Loop", "Umbrella", "Globex", "Acme", "Blue", "Cedar", "Delta", "Ember",
    "Harbor", "Iris", "Juniper", "Kite", "Lumen", "Maple", "Nimbus", "Orbit", "Pine", "Quarry", "River",
)
COMPANY_ENDINGS = ("wind", "ly", " Labs", " Capital", " Systems", " & Co", "works", " Health", " AI", " GmbH")
COMPANIES = tuple(stem + ending for stem in COMPANY_STEMS for ending in COMPANY_ENDINGS)
TITLES = ("CEO", "CTO", "Head of Sales", "Partner", "Product Manager", "Founder", "VP Engineering", "Investor")
TAGS = ("fintech", "saas", "investor", "customer", "partner", "berlin", "london", "conference", "warm-intro")
SOURCES = ("fintech meetup", "referral", "LinkedIn", "conference", "cold outreach", "")
CONTACT_NOTES = (
    "Met at the booth; interested in the API.",
    "Prefers mornings, never Fridays",
    "Budget decided in Q1, \"maybe\" before",
    "Two kids; runs marathons.\nAsk about Berlin.",
    "=not a formula, just a note",
)
TOUCH_NOTES = (
    "sent the deck", "left a voicemail", "asked for pricing, sent it", "intro via Chloe", "follow-up on demo",
)
ACTIONS = ("send the case study", "intro to our CTO", "send Q3 numbers", "book a demo", "share the pricing sheet")


@dataclass
class Manifest:
    """What a generated dataset holds, saved beside its files; its presence marks a complete dataset."""

    size: int
    generator_version: int
    contacts: int = 0
    touches: int = 0
    commitments: int = 0
    log_targets: list[int] = field(default_factory=list)  # active contacts with about 20 touches


def _neutralise(cell: str) -> str:
    """A cell as `fup export` writes it: one a spreadsheet would run as a formula gets a leading quote."""
    return "'" + cell if cell and cell[0] in FORMULA_START else cell


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and c.isascii()).lower()


def _days_since_last_touch(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.65:
        return rng.randint(1, 3)
    if roll < 0.93:
        return rng.randint(4, 21)
    return rng.randint(22, 365)


def _touch_times(rng: random.Random, count: int) -> list[datetime]:
    """`count` moments in order: a meeting, then touches up to a last one in the past year."""
    last = TODAY - timedelta(days=_days_since_last_touch(rng))
    span = rng.randint(count * 4, count * 15)
    first = last - timedelta(days=span)
    offsets = [0, *sorted(rng.randint(1, span - 1) for _ in range(count - 2)), span]
    return [
        datetime.combine(first + timedelta(days=offset), datetime.min.time()).replace(
            hour=rng.randint(8, 18), minute=rng.randrange(0, 60, 5))
        for offset in offsets
    ]


def _exchanges(rng: random.Random, count: int, state: str) -> list[list[str]]:
    """[direction, outcome] per touch: a meeting first, then a mix, ending as the state's story says."""
    steps = [["out", "meeting"]]
    for _ in range(count - 1):
        if rng.random() < 0.3:
            steps.append(["in", rng.choice(INBOUND)])
        else:
            steps.append(["out", rng.choice(OUTBOUND)])
    if state == "nurture":
        for step in steps[-rng.randint(3, 7):]:
            step[:] = ["out", rng.choice(UNANSWERED)]
    elif state == "closed":
        steps[-1] = ["in", "not-interested"]
    elif state == "client":
        steps[-1 - rng.randint(0, 2)] = ["out", "won"]
    return steps


def _person(rng: random.Random, contact_id: int) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    company = rng.choice(COMPANIES) if rng.random() < 0.9 else ""
    domain = _ascii(company) or "mail"
    state = rng.choice(STATES)
    birthday = ""
    if rng.random() < 0.25:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        year = "" if rng.random() < 0.5 else f"{rng.randint(1955, 2000)}-"
        birthday = f"{year}{month:02d}-{day:02d}"
    return {
        "id": str(contact_id),
        "name": f"{first} {last}",
        "company": company,
        "title": rng.choice(TITLES) if rng.random() < 0.7 else "",
        "email": f"{_ascii(first)}.{_ascii(last)}.{contact_id}@{domain}.example" if rng.random() < 0.9 else "",
        "phone": f"+49 30 {rng.randint(1000000, 9999999)}" if rng.random() < 0.6 else "",
        "url": f"https://www.linkedin.com/in/{_ascii(first)}-{_ascii(last)}-{contact_id}" if rng.random() < 0.4 else "",
        "tags": ";".join(rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2, 3)))),
        "source": rng.choice(SOURCES),
        "channel": rng.choice(CHANNELS),
        "cadence": rng.choice(CADENCES),
        "state": state,
        "birthday": birthday,
        "notes": rng.choice(CONTACT_NOTES) if rng.random() < 0.3 else "",
        "created_at": "",
        "next_due": "",  # computed by fup on import
        "snoozed_until": (TODAY + timedelta(days=rng.randint(1, 30))).isoformat()
        if state == "active" and rng.random() < 0.03 else "",
        "reopened_at": "",  # nobody reopened by hand
    }


def _touch_rows(rng: random.Random, person: dict[str, str], times: list[datetime], ids: Iterator[int]) -> list[Row]:
    steps = _exchanges(rng, len(times), person["state"])
    asks = person["state"] in ("active", "nurture") and rng.random() < 0.08
    rows = []
    for index, (at, (direction, outcome)) in enumerate(zip(times, steps)):
        channel = "meeting" if index == 0 else (person["channel"] if rng.random() < 0.7 else rng.choice(TOUCH_CHANNELS))
        note = rng.choice(TOUCH_NOTES) if rng.random() < 0.2 else ""
        ask_again = ""
        if asks and index == len(times) - 1:
            direction, outcome = "in", "talked"
            ask_again = (at.date() + timedelta(days=rng.randint(14, 120))).isoformat()
        rows.append([
            next(ids), person["id"], person["name"], at.isoformat(), channel, direction, outcome, note, ask_again,
        ])
    return rows


def _commitment_rows(
    rng: random.Random, person: dict[str, str], times: list[datetime], ids: Iterator[int],
) -> list[Row]:
    roll = rng.random()
    count = 0 if roll < 0.55 else 1 if roll < 0.95 else 2
    rows = []
    for _ in range(count):
        status = rng.choice(STATUSES)
        created = times[-1] if status == "open" else rng.choice(times[len(times) // 2:])
        due = created.date() + timedelta(days=rng.randint(2, 30))
        closed = "" if status == "open" else min(created + timedelta(days=rng.randint(0, 20)), NOW).isoformat()
        rows.append([
            next(ids), person["id"], person["name"], "mine" if rng.random() < 0.6 else "theirs", rng.choice(ACTIONS),
            due.isoformat(), "hard" if rng.random() < 0.7 else "soft", status, created.isoformat(), closed,
        ])
        rows[-1].append("meeting" if rows[-1][4] == "book a demo" else "")  # a step done another way than usual
    return rows


def _is_log_target(person: dict[str, str], touches: list[Row]) -> bool:
    return person["state"] == "active" and len(touches) in LOG_TARGET_TOUCHES


def generate(size: int, directory: Path) -> Manifest:
    """Write the three CSV files of `size` contacts into `directory`, then their manifest."""
    rng = random.Random(f"{SEED}:{size}")
    directory.mkdir(parents=True, exist_ok=True)
    touch_ids, commitment_ids = itertools.count(1), itertools.count(1)
    manifest = Manifest(size, GENERATOR_VERSION)
    handles = {what: (directory / f"{what}.csv").open("w", newline="", encoding="utf-8") for what in FILES}
    try:
        writers = {what: csv.writer(handles[what]) for what in FILES}
        for what, columns in FILES.items():
            writers[what].writerow(columns)
        for contact_id in range(1, size + 1):
            person = _person(rng, contact_id)
            times = _touch_times(rng, rng.randint(10, 30))
            person["created_at"] = times[0].isoformat()
            touches = _touch_rows(rng, person, times, touch_ids)
            commitments = _commitment_rows(rng, person, times, commitment_ids)
            writers["contacts"].writerow([_neutralise(person.get(column, "")) for column in CONTACT_COLUMNS])
            writers["touches"].writerows(touches)
            writers["commitments"].writerows(commitments)
            manifest.touches += len(touches)
            manifest.commitments += len(commitments)
            if _is_log_target(person, touches) and len(manifest.log_targets) < MAX_LOG_TARGETS:
                manifest.log_targets.append(contact_id)
        manifest.contacts = size
    finally:
        for handle in handles.values():
            handle.close()
    (directory / MANIFEST).write_text(json.dumps(asdict(manifest)), encoding="utf-8")
    return manifest


def load_manifest(directory: Path) -> Manifest | None:
    """The manifest of a complete dataset in `directory`, or None."""
    path = directory / MANIFEST
    if not path.exists():
        return None
    return Manifest(**json.loads(path.read_text(encoding="utf-8")))


def csv_path(directory: Path, what: str) -> Path:
    return directory / f"{what}.csv"


def open_commitment_targets(directory: Path, manifest: Manifest) -> list[int]:
    """The log targets (active, about 20 touches) that have exactly one open commitment, in the
    manifest's order: `fup done WHO` closes it (with several open, it asks which, exit 4).

    Read from the dataset's commitments.csv, so datasets generated before this existed need no rebuild.
    """
    with csv_path(directory, "commitments").open(newline="", encoding="utf-8") as handle:
        counts = Counter(int(row["contact_id"]) for row in csv.DictReader(handle) if row["status"] == "open")
    return [contact for contact in manifest.log_targets if counts[contact] == 1]

