"""`fup undo` takes back the last write command exactly, and says what it undid.

What it proves:

- every command that writes (add, log, next, done, drop, edit, state, snooze,
  rm, import contacts / touches / commitments, reschedule) is taken back by
  one `fup undo` to the very same database: the SQL dump of the whole file
  (undo tables included) and every stored value with its storage class (REAL
  values compared bit for bit) are what they were before the command, ids
  and `agenda_item` rows too; `fup undo` names the command it undid and when
  it ran. The examples cover the interesting shapes: a removed contact with
  touches and commitments coming back under the same ids (and in `fup today`
  again), a log that adds two rows (`--next`), a log that parks a contact, an
  edited email, imports that add and fill contacts (fup's CSV and LinkedIn's
  file), imports into ids freed by `rm` (below the high water, so recorded
  row by row), and a reschedule after `config.toml` changed;
- several undos walk back in order, each giving back the database as it was
  before that command; with nothing left, `fup undo` exits 3 with one line and
  leaves the files alone; a rejected command (bad input, a conflict, nothing
  to mark done) leaves no undo step; a step recorded under another schema
  version is refused without naming anyone;
- a property (hypothesis): from a seeded database, any sequence of 1-12
  random write commands at increasing moments, then one `fup undo` per
  command that succeeded, gives back the starting database exactly; each
  undo names the command it takes back, newest first; a command that fails
  writes nothing and leaves no step;
- `fup forget X` leaves no trace of X in the history (no recorded row with X's
  id, no step about X, X's name nowhere in the dump), and `fup undo` then takes
  back the command before, giving back the database without X;
- only the last `journal.UNDO_DEPTH` (100) commands can be undone (105 writes
  through `core` directly, at the real depth);
- journaling is bounded: an import of many new contacts records no
  `undo_change` row (its rows lie above the high water), and undo still
  removes them all; many touches for two contacts record only those two
  contacts' re-planned rows.

How: every test works on a real SQLite file under a private FUP_HOME, runs
`fup` in process (Typer's CliRunner, `catch_exceptions=False`) and moves
FUP_NOW to simulate days. The seed's config.toml gives the profiles weights
with every digit a double holds, so agenda weights and ranks are REALs that
only an exact copy gives back (15 significant digits would not).
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Optional, Sequence

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from fupcli import core
from fupcli.storage import journal
from fupcli.context import AppContext
from fupcli.errors import NotFound
from fupcli.transfer.formats import COMMITMENT_COLUMNS, CONTACT_COLUMNS, TOUCH_COLUMNS
from fupcli.vocabulary import CHANNELS, OUTCOMES, STATES
from workers import shared_test_helpers

_helpers = shared_test_helpers()
sqlite_dump = _helpers.sqlite_dump
FupRunner = _helpers.FupRunner
FIXED_NOW = _helpers.FIXED_NOW

REPO = Path(__file__).resolve().parents[2]
LINKEDIN_FILE = REPO / "examples" / "linkedin-connections.csv"
DATA_TABLES = ("contact", "touch", "commitment", "agenda_item")
UNDO_TABLES = ("undo_step", "undo_change")

# Every command under test runs at this moment, after the seed's days.
COMMAND_AT = "2026-12-01T10:30"
COMMAND_AT_SHOWN = "2026-12-01 10:30"

# Weights with every digit a double holds (e, sqrt 2, Euler's gamma) make cadence weights and
# ranks REALs that 15 significant digits cannot give back: only an exact copy compares equal.
SEED_CONFIG = """\
[profiles.warm]
gaps = [4, 3, 3, 5, 8, 13, 21]
end = "park"
weight = 2.718281828459045

[profiles.nurture]
gaps = [30, 60, 90]
end = "repeat"
weight = 1.4142135623730951

[profiles.brief]
gaps = [2]
end = "park"
weight = 0.5772156649015329
"""


# --- looking at the file ------------------------------------------------------------------


def exact_rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, each value with its storage class; REALs as float.hex (bit-exact)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        out: dict[str, list[tuple]] = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            select = ", ".join(f'typeof("{c}"), "{c}"' for c in columns)
            rows = []
            for raw in conn.execute(f'SELECT {select} FROM "{table}" ORDER BY rowid'):
                rows.append(tuple(
                    (kind, value.hex() if isinstance(value, float) else value)
                    for kind, value in zip(raw[::2], raw[1::2])
                ))
            out[table] = rows
        return out
    finally:
        conn.close()


@dataclass(frozen=True)
class Snapshot:
    """The whole database: its SQL dump and its exact typed rows."""

    dump: Optional[list[str]]
    rows: Optional[dict[str, list[tuple]]]


def snapshot(db: Path) -> Snapshot:
    if not db.exists():
        return Snapshot(None, None)
    return Snapshot(sqlite_dump(db), exact_rows(db))


def query(db: Path, sql: str, params: Sequence = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    return query(db, f"SELECT count(*) FROM {table}")[0][0]


def undo_steps(db: Path) -> list[tuple]:
    return query(db, "SELECT id, command, summary, contact_id FROM undo_step ORDER BY id")


def written_bytes(db: Path) -> tuple:
    """The main file's bytes and mtime, and what the -wal holds (every connection may create or
    empty the -wal, so only its content counts)."""
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes(), db.stat().st_mtime_ns, wal.read_bytes() if wal.exists() else b""


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict]) -> str:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return str(path)


def shown(moment: str) -> str:
    """A FUP_NOW value as `fup undo --list` stores it: 'YYYY-MM-DD HH:MM'."""
    return moment.replace("T", " ")[:16]


def undid(summary: str, moment: str) -> str:
    """What `fup undo` prints for a step run at `moment`, said from the current FUP_NOW:
    'Undid: add Ana Ruiz (#1) (yesterday 09:00).' ('today', 'yesterday', else the date)."""
    moment = shown(moment)
    ago = (date.fromisoformat(os.environ["FUP_NOW"][:10]) - date.fromisoformat(moment[:10])).days
    when = {0: f"today {moment[11:]}", 1: f"yesterday {moment[11:]}"}.get(ago, moment)
    return f"Undid: {summary} ({when}).\n"


# --- a small database to start from -----------------------------------------------------------


def seed(fup: FupRunner) -> None:
    """Ana (#1, a soft step of mine kept open, a reply) and Bo (#2, hot cadence, their promise).

    Ana's step is soft so that her warm cadence stays planned beside it (an open hard step would
    replace the cadence): its rank carries the seed's weight with every digit."""
    (fup.home / "config.toml").write_text(SEED_CONFIG)
    fup.ok("add", "Ana Ruiz", "--company", "Acme Analytics", "--email", "ana@acme.example",
           "--next", "send the deck", "--due", "2026-11-27", "--soft", now="2026-11-23T09:00")
    fup.ok("add", "Bo Lindqvist", "--channel", "call", "--cadence", "hot", "--tag", "fintech",
           "--phone", "+46 8 123 456", now="2026-11-23T09:40")
    fup.ok("next", "bo", "call about the pilot", "--due", "2026-12-10", "--theirs", now="2026-11-24T15:00")
    fup.ok("log", "ana", "--in", "--outcome", "replied", "--note", "likes the deck", now="2026-11-25T11:15")


def has_reals_needing_17_digits(db: Path) -> bool:
    return any(float(f"{value:.15g}") != value for (value,) in query(db, "SELECT rank FROM agenda_item"))


# --- 1. each command, taken back exactly --------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A command to take back: its arguments, what `fup undo` must say it undid, and a check
    (on the database file) that the command did what makes the example interesting."""

    args: list[str]
    undone: str
    did: Callable[[Path], None] = lambda db: None


CASES: dict[str, Callable[[FupRunner], Command]] = {}


def case(fn: Callable[[FupRunner], Command]) -> Callable[[FupRunner], Command]:
    CASES[fn.__name__] = fn
    return fn


@case
def add_with_a_next_step(fup: FupRunner) -> Command:
    seed(fup)

    def did(db: Path) -> None:
        assert query(db, "SELECT name FROM contact WHERE id = 3") == [("Chloe Martin",)]
        assert query(db, "SELECT count(*) FROM commitment WHERE contact_id = 3") == [(1,)]

    return Command(["add", "Chloe Martin", "--company", "Globex", "--email", "chloe@globex.example", "--tag", "vip",
                    "--birthday", "05-17", "--next", "intro to Bo", "--due", "2026-12-04"],
                   "add Chloe Martin (#3)", did)


@case
def add_without_meeting(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["add", "Dana Kowalski", "--no-meeting", "--cadence", "brief"], "add Dana Kowalski (#3)")


@case
def log(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["log", "ana", "email"], "log Ana Ruiz (#1): email, sent")


@case
def log_with_next_adds_two_rows(fup: FupRunner) -> Command:
    seed(fup)

    def did(db: Path) -> None:
        assert query(db, "SELECT count(*) FROM touch WHERE contact_id = 2") == [(2,)]
        assert query(db, "SELECT action FROM commitment WHERE contact_id = 2 ORDER BY id") == [
            ("call about the pilot",), ("send pricing",)]

    return Command(["log", "bo", "call", "--outcome", "talked", "--next", "send pricing", "--due", "2026-12-03"],
                   "log Bo Lindqvist (#2): call, talked", did)


@case
def log_inbound_asking_again_later(fup: FupRunner) -> Command:
    seed(fup)

    def did(db: Path) -> None:
        assert query(db, "SELECT ask_again FROM touch WHERE id = 4") == [("2027-01-05",)]

    return Command(["log", "ana", "--in", "--outcome", "talked", "--note", "after the holidays",
                    "--ask-again", "2027-01-05", "--at", "2026-12-01T09:10"], "log Ana Ruiz (#1): email, talked", did)


@case
def log_that_parks_a_contact(fup: FupRunner) -> Command:
    seed(fup)
    fup.ok("add", "Dana Kowalski", "--cadence", "brief", now="2026-11-26T09:00")

    def did(db: Path) -> None:
        assert query(db, "SELECT state FROM contact WHERE id = 3") == [("nurture",)]

    return Command(["log", "dana"], "log Dana Kowalski (#3): email, sent", did)


@case
def log_not_interested_closes(fup: FupRunner) -> Command:
    seed(fup)

    def did(db: Path) -> None:
        assert query(db, "SELECT state, next_due FROM contact WHERE id = 2") == [("closed", None)]

    return Command(["log", "bo", "--outcome", "not-interested"], "log Bo Lindqvist (#2): call, not-interested", did)


@case
def next_step(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["next", "ana", "send the contract", "--due", "fri", "--soft"],
                   "next Ana Ruiz (#1): send the contract")


@case
def done(fup: FupRunner) -> Command:
    seed(fup)

    def did(db: Path) -> None:
        assert query(db, "SELECT status, closed_at FROM commitment WHERE id = 1") == [
            ("done", "2026-12-01 10:30:00.000000")]

    return Command(["done", "ana"], "done Ana Ruiz (#1): send the deck", did)


@case
def drop_by_id(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["drop", "bo", "--id", "2"], "drop Bo Lindqvist (#2): call about the pilot")


@case
def edit_email(fup: FupRunner) -> Command:
    seed(fup)

    def did(db: Path) -> None:
        assert query(db, "SELECT email, tags FROM contact WHERE id = 1") == [("ana.ruiz@acme.example", "investor")]

    return Command(["edit", "ana", "--email", "Ana.Ruiz@acme.example", "--tag", "investor"], "edit Ana Ruiz (#1)", did)


@case
def edit_name_and_cadence(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["edit", "bo", "--name", "Bo Lind", "--cadence", "warm", "--phone", "", "--untag", "fintech"],
                   "edit Bo Lind (#2)")


@case
def state(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["state", "bo", "closed"], "state Bo Lindqvist (#2): active to closed")


@case
def snooze(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["snooze", "ana", "2026-12-15"], "snooze Ana Ruiz (#1) until 2026-12-15")


@case
def rm_contact_with_touches_and_commitments(fup: FupRunner) -> Command:
    seed(fup)
    # Soft, like the seed's step: a hard one would replace Ana's cadence and its every-digit rank.
    fup.ok("log", "ana", "--next", "book the demo", "--due", "2026-12-09", "--soft", now="2026-11-27T16:00")

    def did(db: Path) -> None:
        for table in ("touch", "commitment", "agenda_item"):
            assert query(db, f"SELECT count(*) FROM {table} WHERE contact_id = 1") == [(0,)]
        assert query(db, "SELECT id FROM contact") == [(2,)]

    return Command(["rm", "ana", "--yes"], "rm Ana Ruiz (#1)", did)


@case
def rm_of_the_newest_contact(fup: FupRunner) -> Command:
    seed(fup)
    return Command(["rm", "bo", "--yes"], "rm Bo Lindqvist (#2)")


@case
def import_fup_contacts_new_and_updated(fup: FupRunner) -> Command:
    seed(fup)
    path = write_csv(fup.home / "contacts.csv", CONTACT_COLUMNS, [
        {"id": "1", "name": "Ana Ruiz", "title": "Head of Data", "url": "https://example.com/ana"},  # fills Ana
        {"id": "", "name": "Émile Dubois", "company": "Café Numérique", "email": "emile@cafe.example",
         "cadence": "warm", "birthday": "1980-02-29"},
        {"id": "9", "name": "Farid Haddad", "company": "Umbrella", "tags": "investor;vip", "state": "nurture",
         "created_at": "2026-10-01 12:00:00", "snoozed_until": "2026-12-20"},
    ])

    def did(db: Path) -> None:
        assert query(db, "SELECT title FROM contact WHERE id = 1") == [("Head of Data",)]
        assert query(db, "SELECT id, name FROM contact WHERE id > 2 ORDER BY id") == [
            (9, "Farid Haddad"), (10, "Émile Dubois")]

    return Command(["import", "contacts", path], f"import contacts from {path}: 2 new, 1 updated", did)


@case
def import_fup_contact_into_an_id_freed_by_rm(fup: FupRunner) -> Command:
    seed(fup)
    fup.ok("add", "Chloe Martin", now="2026-11-26T09:00")
    fup.ok("rm", "bo", "--yes", now="2026-11-26T10:00")
    path = write_csv(fup.home / "contacts.csv", CONTACT_COLUMNS, [
        {"id": "2", "name": "Grace Ho", "cadence": "warm", "email": "grace@ho.example"},
    ])

    def did(db: Path) -> None:  # id 2 is below the high water (3): the insert is recorded, not swept by range
        assert query(db, "SELECT name FROM contact WHERE id = 2") == [("Grace Ho",)]

    return Command(["import", "contacts", path], f"import contacts from {path}: 1 new, 0 updated", did)


@case
def import_linkedin_file(fup: FupRunner) -> Command:
    seed(fup)
    # One row a day in `fup today`: the new contacts' opening touches are spread over days with
    # room (cold rows, placed by the balancer; no snooze).
    (fup.home / "config.toml").write_text("daily_limit = 1\n" + SEED_CONFIG)
    path = str(LINKEDIN_FILE)

    def did(db: Path) -> None:  # LinkedIn's Ana Ruiz at Acme Analytics has another email than ours: someone else
        assert query(db, "SELECT title FROM contact WHERE id = 1") == [(None,)]
        assert count(db, "contact") == 7
        assert query(db, "SELECT count(*) FROM contact WHERE snoozed_until IS NOT NULL") == [(0,)]
        days = query(db, "SELECT next_due FROM contact WHERE id > 2")
        assert len(days) == 5 and len(set(days)) == 5, days  # one a day

    return Command(["import", "contacts", path, "--tag", "linkedin", "--cadence", "warm"],
                   f"import contacts from {path}: 5 new, 0 updated", did)


@case
def import_touches(fup: FupRunner) -> Command:
    seed(fup)
    path = write_csv(fup.home / "touches.csv", TOUCH_COLUMNS, [
        {"id": "", "contact_id": "1", "contact_name": "Ana Ruiz", "at": "2026-11-28 16:00:00", "channel": "email",
         "direction": "out", "outcome": "sent", "note": "sent the pricing"},
        {"id": "40", "contact_id": "2", "contact_name": "Bo Lindqvist", "at": "2026-11-29 10:00:00",
         "channel": "call", "direction": "out", "outcome": "no-answer"},
        {"id": "3", "contact_id": "1", "contact_name": "Ana Ruiz", "at": "2026-11-25 11:15:00", "channel": "email",
         "direction": "in", "outcome": "replied", "note": "likes the deck"},  # already there
    ])
    return Command(["import", "touches", path], f"import touches from {path}: 2 new, 0 updated")


@case
def import_touch_into_an_id_freed_by_rm(fup: FupRunner) -> Command:
    seed(fup)
    fup.ok("add", "Chloe Martin", now="2026-11-26T09:00")
    fup.ok("rm", "bo", "--yes", now="2026-11-26T10:00")
    path = write_csv(fup.home / "touches.csv", TOUCH_COLUMNS, [
        {"id": "2", "contact_id": "1", "contact_name": "Ana Ruiz", "at": "2026-11-28 16:00:00", "channel": "call",
         "direction": "out", "outcome": "talked", "ask_again": "2027-02-01"},
    ])

    def did(db: Path) -> None:
        assert query(db, "SELECT contact_id, outcome FROM touch WHERE id = 2") == [(1, "talked")]

    return Command(["import", "touches", path], f"import touches from {path}: 1 new, 0 updated", did)


@case
def import_commitments(fup: FupRunner) -> Command:
    seed(fup)
    path = write_csv(fup.home / "commitments.csv", COMMITMENT_COLUMNS, [
        {"id": "", "contact_id": "1", "contact_name": "Ana Ruiz", "whose": "mine", "action": "book the demo",
         "due": "2026-12-08", "firmness": "hard", "status": "open"},
        {"id": "7", "contact_id": "2", "contact_name": "Bo Lindqvist", "whose": "theirs", "action": "sign",
         "due": "2026-11-30", "firmness": "soft", "status": "done", "created_at": "2026-11-24 10:00:00",
         "closed_at": "2026-11-30 18:00:00"},
    ])
    return Command(["import", "commitments", path], f"import commitments from {path}: 2 new, 0 updated")


@case
def reschedule_after_changing_config(fup: FupRunner) -> Command:
    seed(fup)
    fup.ok("add", "Chloe Martin", "--birthday", "12-03", now="2026-11-26T09:00")
    (fup.home / "config.toml").write_text(SEED_CONFIG.replace("gaps = [4, 3, 3, 5, 8, 13, 21]", "gaps = [1, 9]")
                                          .replace("weight = 2.718281828459045", "weight = 3.141592653589793")
                                          + "\n[profiles.hot]\ngaps = [3, 3]\nend = \"repeat\"\nweight = 3.3\n")

    def did(db: Path) -> None:
        assert query(db, "SELECT next_due FROM contact WHERE id = 3") == [("2026-11-27",)]

    return Command(["reschedule"], "reschedule 3 contacts", did)


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_undo_takes_back_the_command_exactly(fup: FupRunner, make: Callable[[FupRunner], Command]) -> None:
    command = make(fup)
    fup.at(COMMAND_AT)
    before = snapshot(fup.db_path)
    assert has_reals_needing_17_digits(fup.db_path), "the seed should hold REAL ranks that need every digit"
    steps = len(undo_steps(fup.db_path))

    fup.ok(*command.args)
    assert snapshot(fup.db_path) != before
    command.did(fup.db_path)
    assert len(undo_steps(fup.db_path)) == steps + 1

    result = fup.ok("undo")
    assert result.stdout == undid(command.undone, COMMAND_AT)
    assert result.stderr == ""
    after = snapshot(fup.db_path)
    assert after.rows == before.rows
    assert after.dump == before.dump


def test_undo_of_rm_brings_the_contact_back_with_its_ids_and_its_rows_in_today(fup: FupRunner) -> None:
    seed(fup)
    fup.ok("log", "ana", "--next", "book the demo", "--due", "2026-12-09", now="2026-11-27T16:00")
    fup.at("2026-12-10")
    today = fup.json("today", "-f", "json")
    card = fup.json("show", "1", "-f", "json")
    assert 1 in {row["contact_id"] for row in today}
    touches = [t["id"] for t in card["touches"]]
    commitments = [c["id"] for c in card["commitments"]]
    assert len(touches) == 3 and len(commitments) == 2

    assert fup.ok("rm", "ana", "--yes").stdout == "Deleted Ana Ruiz (#1) and 3 touches.\n"
    assert 1 not in {row["contact_id"] for row in fup.json("today", "-f", "json")}
    assert fup("show", "1").exit_code == 3

    fup.ok("undo")
    assert fup.json("today", "-f", "json") == today
    again = fup.json("show", "1", "-f", "json")
    assert again == card
    assert [t["id"] for t in again["touches"]] == touches
    assert [c["id"] for c in again["commitments"]] == commitments


# --- 2. walking back; nothing left; rejected commands ----------------------------------------------


def test_several_undos_walk_back_in_order_then_nothing_is_left(fup: FupRunner) -> None:
    (fup.home / "config.toml").write_text(SEED_CONFIG)
    fup.ok("add", "Zoe Adler", now="2026-11-22T18:00")
    history = [
        ("2026-11-23T09:00", ["add", "Ana Ruiz", "--email", "ana@acme.example"], "add Ana Ruiz (#2)"),
        ("2026-11-24T09:05", ["log", "ana", "--outcome", "no-answer"], "log Ana Ruiz (#2): email, no-answer"),
        ("2026-11-24T09:10", ["next", "ana", "send the deck", "--due", "thu"], "next Ana Ruiz (#2): send the deck"),
        ("2026-11-26T17:45", ["done", "ana"], "done Ana Ruiz (#2): send the deck"),
        ("2026-11-27T08:00", ["edit", "ana", "--company", "Acme"], "edit Ana Ruiz (#2)"),
        ("2026-11-30T12:00", ["rm", "zoe", "--yes"], "rm Zoe Adler (#1)"),
        ("2026-11-30T12:30", ["add", "Bo Lindqvist", "--cadence", "hot"], "add Bo Lindqvist (#3)"),
        ("2026-12-01T12:00", ["snooze", "bo", "2026-12-07"], "snooze Bo Lindqvist (#3) until 2026-12-07"),
    ]
    states = [snapshot(fup.db_path)]
    for moment, args, _ in history:
        fup.ok(*args, now=moment)
        states.append(snapshot(fup.db_path))
    assert [s[2] for s in undo_steps(fup.db_path)] == ["add Zoe Adler (#1)"] + [summary for _, _, summary in history]

    fup.at("2026-12-02")
    for index in reversed(range(len(history))):
        moment, _, summary = history[index]
        assert fup.ok("undo").stdout == undid(summary, moment)
        assert snapshot(fup.db_path) == states[index]
    assert fup.ok("undo").stdout == undid("add Zoe Adler (#1)", "2026-11-22 18:00")
    assert all(count(fup.db_path, table) == 0 for table in DATA_TABLES + UNDO_TABLES)

    files = written_bytes(fup.db_path)
    dump = fup.dump()
    result = fup("undo")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", "fup: error: nothing to undo\n")
    assert fup.dump() == dump
    assert written_bytes(fup.db_path) == files


def test_undo_without_a_database_says_nothing_to_undo_and_creates_nothing(fup: FupRunner) -> None:
    result = fup("undo")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", "fup: error: nothing to undo\n")
    assert list(fup.home.iterdir()) == []


REJECTED = {
    "bad outcome": (["log", "ana", "--outcome", "maybe"], 2),
    "date in the past": (["snooze", "ana", "2020-01-01"], 2),
    "unknown contact": (["log", "zed"], 3),
    "nothing to mark done": (["done", "bo", "--id", "1"], 3),
    "no open commitment": (["drop", "ana"], 3),
    "duplicate email on add": (["add", "Eve Adams", "--email", "ana@acme.example"], 5),
    "duplicate email on edit": (["edit", "bo", "--email", "ANA@acme.example"], 5),
    "rm of nobody": (["rm", "99", "--yes"], 3),
    "rm declined": (["rm", "bo"], 7),
    "import with a bad row": (["import", "contacts", "{bad_csv}"], 2),
    "import of touches for nobody": (["import", "touches", "{orphan_touches}"], 2),
}


@pytest.mark.parametrize("args, code", REJECTED.values(), ids=REJECTED.keys())
def test_a_rejected_command_leaves_no_undo_step(fup: FupRunner, args: list[str], code: int) -> None:
    seed(fup)
    fup.ok("done", "ana", now="2026-11-26T09:00")
    files = {
        "bad_csv": write_csv(fup.home / "bad.csv", CONTACT_COLUMNS, [
            {"name": "Fine Person"}, {"name": "Broken Date", "birthday": "2027-02-30"}]),
        "orphan_touches": write_csv(fup.home / "orphans.csv", TOUCH_COLUMNS, [
            {"contact_id": "", "contact_name": "Nobody Here", "at": "2026-11-28 16:00:00", "channel": "email",
             "direction": "out", "outcome": "sent"}]),
    }
    fup.at(COMMAND_AT)
    before = snapshot(fup.db_path)
    steps = undo_steps(fup.db_path)

    result = fup(*[a.format(**files) for a in args], input="n\n")
    assert result.exit_code == code, result.stderr
    assert snapshot(fup.db_path) == before
    assert undo_steps(fup.db_path) == steps
    # The next undo takes back the last command that succeeded.
    assert fup.ok("undo").stdout == undid("done Ana Ruiz (#1): send the deck", "2026-11-26T09:00")


def test_a_step_recorded_under_another_schema_is_refused_without_naming_anyone(fup: FupRunner) -> None:
    seed(fup)
    conn = sqlite3.connect(fup.db_path)
    with conn:
        conn.execute("UPDATE undo_step SET schema_version = '0001' WHERE id = (SELECT max(id) FROM undo_step)")
    conn.close()
    before = snapshot(fup.db_path)

    result = fup("undo")
    assert result.exit_code == 6
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("fup: error: cannot undo")
    assert "Ana" not in result.stderr and "Ruiz" not in result.stderr
    assert snapshot(fup.db_path) == before


# --- 3. the property: random commands, then as many undos ------------------------------------------------

NAMES = ("Ana Ruiz", "Bo Lindqvist", "Chloe Martin", "Dana Kowalski", "Émile Dubois", "Farid Haddad", "O'Neil, Jo")
EMAILS = ("ana@acme.example", "bo@north.example", "chloe@globex.example", "x@y.example")
PROFILES = ("hot", "warm", "nurture", "vip", "brief", "none")
ACTIONS = ("send the deck", "intro to Chloe", "call back", "pricing; v2 \"final\"")
TAGS = ("fintech", "vip", "investor")


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A FUP_HOME holding a seeded database (with its own undo history) and config.toml, checkpointed
    so that copying fup.db copies everything."""
    home = tmp_path_factory.mktemp("seeded-home")
    with pytest.MonkeyPatch.context() as patch:
        runner = _runner(home, patch)
        seed(runner)
        runner.ok("add", "Chloe Martin", "--birthday", "12-03", "--tag", "vip", "--cadence", "brief",
                  now="2026-11-26T09:00")
        runner.ok("add", "Dana Kowalski", "--email", "dana@k.example", "--no-meeting", now="2026-11-26T09:30")
        runner.ok("snooze", "dana", "2026-12-04", now="2026-11-27T10:00")
        runner.ok("log", "chloe", "--outcome", "not-interested", now="2026-11-28T10:00")
    conn = sqlite3.connect(home / "fup.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return home


def _runner(home: Path, patch: pytest.MonkeyPatch) -> FupRunner:
    patch.setenv("FUP_HOME", str(home))
    patch.setenv("FUP_NOW", FIXED_NOW)
    patch.delenv("FUP_DB", raising=False)
    patch.delenv("FUP_DEBUG", raising=False)
    return FupRunner(home, patch)


@dataclass
class World:
    """What a random command may name: the contacts and commitments there are now, and the moment."""

    db: Path
    files: Path
    now: datetime
    contacts: list[tuple[int, str]]
    commitments: list[int]
    made: int = 0

    def day(self, offset: int) -> str:
        return (self.now.date() + timedelta(days=offset)).isoformat()

    def new_file(self, stem: str) -> Path:
        self.made += 1
        return self.files / f"{stem}-{self.made}.csv"


Draw = Callable[[st.SearchStrategy], object]


def _who(draw: Draw, world: World) -> str:
    if not world.contacts or draw(st.integers(0, 9)) == 0:
        return "99"  # nobody: the command fails and must not count
    return str(draw(st.sampled_from(world.contacts))[0])


def _maybe(draw: Draw, args: list[str]) -> list[str]:
    return args if draw(st.booleans()) else []


def _next_step(draw: Draw, world: World) -> list[str]:
    if not draw(st.booleans()):
        return []
    return (["--next", draw(st.sampled_from(ACTIONS)), "--due", world.day(draw(st.integers(0, 20)))]
            + _maybe(draw, ["--soft"]) + _maybe(draw, ["--theirs"]))


def cmd_add(draw: Draw, world: World) -> list[str]:
    args = ["add", draw(st.sampled_from(NAMES))]
    args += _maybe(draw, ["--email", draw(st.sampled_from(EMAILS))])
    args += _maybe(draw, ["--cadence", draw(st.sampled_from(PROFILES))])
    args += _maybe(draw, ["--tag", draw(st.sampled_from(TAGS))])
    args += _maybe(draw, ["--birthday", draw(st.sampled_from(["12-03", "1990-02-28", "02-29"]))])
    meeting = draw(st.sampled_from(["now", "earlier", "none"]))
    if meeting == "earlier":
        args += ["--met", world.day(-draw(st.integers(1, 20)))]
    elif meeting == "none":
        args += ["--no-meeting"]
    return args + _next_step(draw, world)


def cmd_log(draw: Draw, world: World) -> list[str]:
    args = ["log", _who(draw, world)]
    args += _maybe(draw, [draw(st.sampled_from(CHANNELS))])
    args += _maybe(draw, ["--in"])
    args += _maybe(draw, ["--outcome", draw(st.sampled_from(OUTCOMES))])
    args += _maybe(draw, ["--note", draw(st.sampled_from(["ok", "l'été, \"yes\"", "two\nlines"]))])
    earlier = world.now - timedelta(minutes=draw(st.integers(0, 2880)))
    args += _maybe(draw, ["--at", earlier.isoformat(timespec="minutes")])
    args += _maybe(draw, ["--ask-again", world.day(draw(st.integers(1, 60)))])
    return args + _next_step(draw, world)


def cmd_next(draw: Draw, world: World) -> list[str]:
    return (["next", _who(draw, world), draw(st.sampled_from(ACTIONS)), "--due", world.day(draw(st.integers(-3, 20)))]
            + _maybe(draw, ["--soft"]) + _maybe(draw, ["--theirs"]))


def _close(verb: str) -> Callable[[Draw, World], list[str]]:
    def build(draw: Draw, world: World) -> list[str]:
        args = [verb, _who(draw, world)]
        if world.commitments and draw(st.booleans()):
            args += ["--id", str(draw(st.sampled_from(world.commitments)))]
        return args

    return build


def cmd_edit(draw: Draw, world: World) -> list[str]:
    options = {
        "--name": st.sampled_from(NAMES),
        "--company": st.sampled_from(["Acme", "", "Globex"]),
        "--email": st.sampled_from(EMAILS + ("",)),
        "--cadence": st.sampled_from(PROFILES),
        "--channel": st.sampled_from(CHANNELS),
        "--birthday": st.sampled_from(["", "07-14"]),
        "--note": st.sampled_from(["", "met at the fair"]),
        "--tag": st.sampled_from(TAGS),
        "--untag": st.sampled_from(TAGS),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3, unique=True))
    args = ["edit", _who(draw, world)]
    for option in chosen:
        args += [option, draw(options[option])]
    return args


def cmd_snooze(draw: Draw, world: World) -> list[str]:
    return ["snooze", _who(draw, world), world.day(draw(st.integers(0, 30)))]


def cmd_state(draw: Draw, world: World) -> list[str]:
    return ["state", _who(draw, world), draw(st.sampled_from(STATES))]


def cmd_rm(draw: Draw, world: World) -> list[str]:
    return ["rm", _who(draw, world), "--yes"]


def cmd_import_contacts(draw: Draw, world: World) -> list[str]:
    if draw(st.integers(0, 3)) == 0:
        return ["import", "contacts", str(LINKEDIN_FILE)] + _maybe(draw, ["--cadence", "warm"])
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        if world.contacts and draw(st.booleans()):  # an existing contact: fills empty fields
            cid, name = draw(st.sampled_from(world.contacts))
            rows.append({"id": str(cid), "name": name, "title": "Partner", "company": "Initech"})
        else:  # a new one, maybe with a wanted id (free or taken, below or above the high water)
            wanted = draw(st.sampled_from(["", "1", "2", "3", "5", "12"]))
            rows.append({"id": wanted, "name": draw(st.sampled_from(NAMES)), "cadence": draw(st.sampled_from(PROFILES)),
                         "email": draw(st.sampled_from(("",) + EMAILS)), "tags": "imported"})
    return ["import", "contacts", write_csv(world.new_file("contacts"), CONTACT_COLUMNS, rows)]


def cmd_import_touches(draw: Draw, world: World) -> list[str]:
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        cid, name = draw(st.sampled_from(world.contacts)) if world.contacts else (99, "Nobody")
        at = world.now - timedelta(hours=draw(st.integers(1, 200)))
        rows.append({"id": draw(st.sampled_from(["", "2", "4", "30"])), "contact_id": str(cid), "contact_name": name,
                     "at": at.isoformat(" "), "channel": draw(st.sampled_from(CHANNELS)),
                     "direction": draw(st.sampled_from(["in", "out"])), "outcome": draw(st.sampled_from(OUTCOMES))})
    return ["import", "touches", write_csv(world.new_file("touches"), TOUCH_COLUMNS, rows)]


def cmd_import_commitments(draw: Draw, world: World) -> list[str]:
    cid, name = draw(st.sampled_from(world.contacts)) if world.contacts else (99, "Nobody")
    row = {"id": draw(st.sampled_from(["", "1", "9"])), "contact_id": str(cid), "contact_name": name,
           "whose": draw(st.sampled_from(["mine", "theirs"])), "action": draw(st.sampled_from(ACTIONS)),
           "due": world.day(draw(st.integers(-5, 20))), "firmness": "hard", "status": "open"}
    return ["import", "commitments", write_csv(world.new_file("commitments"), COMMITMENT_COLUMNS, [row])]


def cmd_reschedule(draw: Draw, world: World) -> list[str]:
    return ["reschedule"]


COMMANDS: dict[str, Callable[[Draw, World], list[str]]] = {
    "add": cmd_add, "log": cmd_log, "next": cmd_next, "done": _close("done"), "drop": _close("drop"),
    "edit": cmd_edit, "snooze": cmd_snooze, "state": cmd_state, "rm": cmd_rm,
    "import contacts": cmd_import_contacts, "import touches": cmd_import_touches,
    "import commitments": cmd_import_commitments, "reschedule": cmd_reschedule,
}
# The commands of one example: a random order of every kind, the daily ones twice more, cut at
# a random length, so that each example mixes many kinds.
COMMAND_POOL = sorted(COMMANDS) + ["log", "log", "add", "next"]
# The codes a refused command may exit with: bad input, not found, ambiguous, conflict.
REFUSED = {2, 3, 4, 5}


def _world(db: Path, files: Path, now: datetime) -> World:
    contacts = query(db, "SELECT id, name FROM contact ORDER BY id")
    commitments = [r[0] for r in query(db, "SELECT id FROM commitment ORDER BY id")]
    return World(db, files, now, contacts, commitments)



START = datetime(2026, 12, 1, 8, 0)


@settings(max_examples=45, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_commands_then_as_many_undos_give_back_the_start(seeded_template: Path, data: st.DataObject) -> None:
    start = snapshot(seeded_template / "fup.db")
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        home = Path(tmp) / "home"
        home.mkdir(mode=0o700)
        for name in ("fup.db", "config.toml"):
            shutil.copy2(seeded_template / name, home / name)
        fup = _runner(home, patch)
        assert snapshot(fup.db_path) == start

        now = START
        succeeded: list[tuple[str, datetime]] = []
        length = data.draw(st.integers(1, 12), label="number of commands")
        for kind in data.draw(st.permutations(COMMAND_POOL), label="commands")[:length]:
            now += timedelta(minutes=data.draw(st.integers(0, 3 * 24 * 60), label="minutes later"))
            world = _world(fup.db_path, Path(tmp), now)
            args = COMMANDS[kind](data.draw, world)
            before = snapshot(fup.db_path)
            result = fup(*args, now=now.isoformat(timespec="minutes"))
            note(f"{now:%Y-%m-%d %H:%M} fup {' '.join(args)} -> {result.exit_code} {result.stderr.strip()}")
            if result.exit_code == 0:
                succeeded.append((kind.split()[0], now))
            else:
                assert result.exit_code in REFUSED, result.stderr
                assert snapshot(fup.db_path) == before, "a refused command wrote something"

        for word, moment in reversed(succeeded):
            result = fup("undo")
            assert result.exit_code == 0, result.stderr
            assert result.stdout.startswith(f"Undid: {word} "), result.stdout
            assert result.stdout.endswith(undid("", f"{moment:%Y-%m-%d %H:%M}")[len("Undid: "):]), result.stdout
        after = snapshot(fup.db_path)
        assert after.rows == start.rows
        assert after.dump == start.dump


# --- 4. forget ----------------------------------------------------------------------------------


def test_forget_erases_the_contact_from_the_history_and_undo_takes_back_the_command_before(fup: FupRunner) -> None:
    (fup.home / "config.toml").write_text(SEED_CONFIG)
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example", now="2026-11-23T09:00")
    only_ana = snapshot(fup.db_path)
    fup.ok("add", "Xavier Quist", "--email", "xq@quist.example", "--company", "Quist Ltd",
           "--next", "send Xavier the NDA", "--due", "2026-11-30", now="2026-11-23T10:00")
    fup.ok("log", "xavier", "--note", "Xavier wants the NDA first", now="2026-11-24T09:00")
    # Steps about several contacts hold X's rows too: an import and a reschedule.
    path = write_csv(fup.home / "history.csv", TOUCH_COLUMNS, [
        {"contact_id": "1", "contact_name": "Ana Ruiz", "at": "2026-11-24 12:00:00", "channel": "call",
         "direction": "out", "outcome": "no-answer"},
        {"contact_id": "2", "contact_name": "Xavier Quist", "at": "2026-11-24 13:00:00", "channel": "email",
         "direction": "in", "outcome": "replied", "note": "Quist says yes"},
    ])
    fup.ok("import", "touches", path, now="2026-11-25T09:00")
    fup.ok("reschedule", now="2026-11-26T09:00")
    fup.ok("log", "ana", now="2026-11-27T09:00")
    xavier = 2
    assert query(fup.db_path, "SELECT count(*) FROM undo_change WHERE contact_id = ?", (xavier,)) != [(0,)]

    fup.ok("forget", "xavier", "--yes", now="2026-11-28T09:00")

    assert query(fup.db_path, "SELECT count(*) FROM undo_change WHERE contact_id = ?", (xavier,)) == [(0,)]
    assert [step[1:] for step in undo_steps(fup.db_path)] == [
        ("add", "add Ana Ruiz (#1)", 1),
        ("import", f"import touches from {path}: 2 new, 0 updated", None),
        ("reschedule", "reschedule 2 contacts", None),
        ("log", "log Ana Ruiz (#1): email, sent", 1),
    ]
    for trace in ("xavier", "quist", "xq@"):
        assert not [line for line in fup.dump() if trace in line.casefold()], trace

    fup.at("2026-11-29")
    assert fup.ok("undo").stdout == undid("log Ana Ruiz (#1): email, sent", "2026-11-27 09:00")
    assert fup.ok("undo").stdout == undid("reschedule 2 contacts", "2026-11-26 09:00")
    assert fup.ok("undo").stdout == undid(f"import touches from {path}: 2 new, 0 updated", "2026-11-25 09:00")
    # Nothing of Xavier came back: the database is as it was before he was added.
    assert snapshot(fup.db_path) == only_ana
    assert fup.ok("undo").stdout == undid("add Ana Ruiz (#1)", "2026-11-23 09:00")
    assert fup("undo").exit_code == 3


def test_forget_keeps_the_history_of_an_earlier_contact_that_had_the_same_id(fup: FupRunner) -> None:
    fup.ok("add", "Ana Ruiz", now="2026-11-23T09:00")
    fup.ok("add", "Wen Li", "--email", "wen@li.example", now="2026-11-23T09:10")
    fup.ok("rm", "wen", "--yes", now="2026-11-24T09:00")
    fup.ok("add", "Yara Said", now="2026-11-25T09:00")  # gets #2 again: the id Wen had
    fup.ok("forget", "yara", "--yes", now="2026-11-26T09:00")

    assert fup.ok("undo").stdout == undid("rm Wen Li (#2)", "2026-11-24 09:00")
    assert fup.json("show", "2", "-f", "json")["email"] == "wen@li.example"


def test_forgetting_a_removed_contact_spares_the_live_one_that_has_their_id_now(fup: FupRunner) -> None:
    fup.ok("add", "Ana Ruiz", now="2026-11-23T09:00")
    fup.ok("add", "Wen Li", "--email", "wen@li.example", now="2026-11-23T09:10")
    fup.ok("rm", "wen", "--yes", now="2026-11-24T09:00")
    fup.ok("add", "Yara Said", now="2026-11-25T09:00")  # gets #2 again: the id Wen had
    result = fup.ok("forget", "wen", "--yes", now="2026-11-26T09:00")

    assert result.stdout.startswith("Erased Wen Li (#2), removed earlier, from the undo history for good.")
    assert fup.json("show", "2", "-f", "json")["name"] == "Yara Said"
    assert not [line for line in fup.dump() if "wen" in line.casefold()]
    assert fup.ok("undo").stdout == undid("add Yara Said (#2)", "2026-11-25 09:00")
    assert fup.ok("undo").stdout == undid("add Ana Ruiz (#1)", "2026-11-23 09:00")
    assert fup("undo").exit_code == 3


# --- 5. depth -------------------------------------------------------------------------------------


def test_only_the_last_hundred_commands_can_be_undone(fup: FupRunner) -> None:
    """105 writes through `core` (the commands' own functions, without the CLI's start-up cost)
    at the real depth: the oldest five are gone, the newest 100 come back one by one."""
    assert journal.UNDO_DEPTH == 100
    first = datetime(2026, 11, 23, 9, 0)
    ctx = AppContext.from_environment()
    try:
        core.add_contact(ctx, core.NewContact("Ana Ruiz"))
        for n in range(2, 106):
            ctx.now = first + timedelta(minutes=n)
            core.snooze(ctx, "1", (first.date() + timedelta(days=n)).isoformat())
            if n == 5:
                after_five = exact_rows(fup.db_path)
        assert len(undo_steps(fup.db_path)) == 100
        assert undo_steps(fup.db_path)[0][2] == f"snooze Ana Ruiz (#1) until {first.date() + timedelta(days=6)}"
        for n in range(105, 5, -1):
            assert core.undo(ctx).summary == f"snooze Ana Ruiz (#1) until {first.date() + timedelta(days=n)}"
        with pytest.raises(NotFound):
            core.undo(ctx)
    finally:
        ctx.close()
    now = exact_rows(fup.db_path)
    assert {t: now[t] for t in DATA_TABLES} == {t: after_five[t] for t in DATA_TABLES}
    assert all(now[t] == [] for t in UNDO_TABLES)
    assert fup("undo").exit_code == 3


# --- 6. the cost of journaling ---------------------------------------------------------------------


def test_importing_many_new_contacts_records_no_undo_rows_yet_undo_removes_them_all(fup: FupRunner) -> None:
    seed(fup)
    new = 500
    path = write_csv(fup.home / "bulk.csv", CONTACT_COLUMNS, [
        {"name": f"Person {i:03}", "email": f"p{i}@bulk.example", "birthday": "03-04", "tags": "bulk"}
        for i in range(new)
    ])
    fup.at(COMMAND_AT)
    before = snapshot(fup.db_path)
    recorded = count(fup.db_path, "undo_change")
    agenda = count(fup.db_path, "agenda_item")

    fup.ok("import", "contacts", path, "--cadence", "warm")
    assert count(fup.db_path, "contact") == 2 + new
    assert count(fup.db_path, "agenda_item") >= agenda + new
    assert count(fup.db_path, "undo_change") == recorded
    assert undo_steps(fup.db_path)[-1][1:] == ("import", f"import contacts from {path}: {new} new, 0 updated", None)

    undone = f"import contacts from {path}: {new} new, 0 updated"
    assert fup.ok("undo").stdout == undid(undone, COMMAND_AT)
    assert snapshot(fup.db_path) == before


def test_importing_many_touches_records_only_the_replanned_rows_of_their_contacts(fup: FupRunner) -> None:
    seed(fup)
    path = write_csv(fup.home / "touches.csv", TOUCH_COLUMNS, [
        {"contact_id": str(1 + i % 2), "contact_name": ("Ana Ruiz", "Bo Lindqvist")[i % 2],
         "at": (datetime(2026, 11, 26, 8, 0) + timedelta(minutes=7 * i)).isoformat(" "),
         "channel": "email", "direction": "out", "outcome": "sent"}
        for i in range(400)
    ])
    fup.at(COMMAND_AT)
    before = snapshot(fup.db_path)
    recorded = count(fup.db_path, "undo_change")
    planned = count(fup.db_path, "agenda_item")

    fup.ok("import", "touches", path)
    journaled = count(fup.db_path, "undo_change") - recorded
    # Each contact's UPDATE, its old agenda rows, and new agenda rows that reuse their ids: not 400 touches.
    assert 0 < journaled <= 2 + 2 * planned
    fup.ok("undo")
    assert snapshot(fup.db_path) == before
