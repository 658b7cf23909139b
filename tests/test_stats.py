"""`fup stats`: every figure against docs/stats.md's definitions, computed by hand.

- The worked example of docs/stats.md is played through the command line, and its figures
  (and the page the docs print) are checked as the docs give them.
- Generated histories (hypothesis: a few contacts with touches at clashing times, logged out
  of order, every direction and outcome, commitments in every state, tags, states, reopenings)
  are written straight into a database made by `fup add`, and every figure of `fup stats
  --format json` must equal `reference()`, a plain-Python reading of the definitions that
  shares no code with `fupcli.insight`; the table must say the same numbers as the JSON.
- The same history gives the same JSON on SQLite and on PostgreSQL.
- Bad input is one line and exit 2; no database is one line (table) or zeros (JSON).
"""

from __future__ import annotations

import math
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 23)  # conftest's FUP_NOW, a Monday
NOW = "2026-11-23T09:00"
CHANNELS = ("email", "call", "text", "linkedin", "meeting", "other")
OUTCOMES = ("sent", "no-answer", "left-message", "talked", "replied", "meeting", "not-interested", "won", "greeting")
STATES = ("active", "nurture", "client", "paused", "closed")
TWO_WAY = {"talked", "replied", "meeting", "won"}
BUCKETS = [str(n) for n in range(1, 10)] + ["10+"]
KINDS = ("kept_on_time", "kept_late", "dropped", "open", "overdue")


# --- the reference: docs/stats.md in plain Python ---------------------------------------------


@dataclass
class Contact:
    id: int
    tags: str = ""
    state: str = "active"
    cadence: str = "warm"
    reopened_at: Optional[datetime] = None


@dataclass
class Touch:
    id: int
    contact_id: int
    at: datetime
    channel: str
    direction: str
    outcome: str


@dataclass
class Commitment:
    id: int
    contact_id: int
    whose: str
    due: date
    status: str
    closed_at: Optional[datetime]


def two_way(t: Touch) -> bool:
    """An answer, as docs/stats.md defines it: two-way, or a no."""
    return t.direction == "in" or t.outcome in TWO_WAY or t.outcome == "not-interested"


def follow_up(t: Touch) -> bool:
    return t.direction == "out" and not two_way(t) and t.outcome != "greeting"


def pct(part: int, whole: int) -> Optional[float]:
    return round(100 * part / whole, 1) if whole else None


def reference(contacts: list[Contact], touches: list[Touch], commitments: list[Commitment],
              since: Optional[date] = None, until: Optional[date] = None, tag: Optional[str] = None,
              today: date = TODAY) -> dict:
    """Every figure of `fup stats`, read off the definitions in docs/stats.md."""
    until = until or today
    since = since or until - timedelta(days=83)
    kept = {c.id for c in contacts if tag is None or tag in c.tags.split(";")}
    mine = [t for t in touches if t.contact_id in kept]

    def in_period(day: date) -> bool:
        return since <= day <= until

    # reply rate and days to reply
    counts = {label: {"sent": 0, "answered": 0, "unanswered": 0, "open": 0} for label in BUCKETS}
    waits: list[float] = []
    for cid in kept:
        walk = sorted((t for t in mine if t.contact_id == cid), key=lambda t: (t.at, t.id))
        number = 0
        for i, t in enumerate(walk):
            if two_way(t):
                number = 0
            elif follow_up(t):
                number += 1
                if not in_period(t.at.date()):
                    continue
                label = str(number) if number < 10 else "10+"
                following = next((u for u in walk[i + 1:] if two_way(u) or follow_up(u)), None)
                if following is None:
                    status = "open"
                elif two_way(following):
                    status = "answered"
                    waits.append(round((following.at - t.at).total_seconds()))
                else:
                    status = "unanswered"
                counts[label]["sent"] += 1
                counts[label][status] += 1
    waits.sort()
    n = len(waits)
    days = {"count": n, "median": None, "p90": None}
    if n:
        middle = (waits[(n - 1) // 2] + waits[n // 2]) / 2
        days = {"count": n, "median": round(middle / 86400, 2),
                "p90": round(waits[math.ceil(0.9 * n) - 1] / 86400, 2)}

    # promises
    promises = {}
    for whose in ("mine", "theirs"):
        found = dict.fromkeys(KINDS, 0)
        for m in commitments:
            if m.contact_id not in kept or m.whose != whose or not in_period(m.due):
                continue
            if m.status == "done":
                found["kept_on_time" if m.closed_at is None or m.closed_at.date() <= m.due else "kept_late"] += 1
            elif m.status == "dropped":
                found["dropped"] += 1
            else:
                found["open" if m.due >= today else "overdue"] += 1
        total = sum(found.values())
        promises[whose] = {"total": total, **found, "percent": {k: pct(found[k], total) for k in KINDS}}

    # activity
    monday = until - timedelta(days=until.weekday())
    weeks = [monday - timedelta(weeks=11 - i) for i in range(12)]

    def week_of(t: Touch) -> Optional[int]:
        index = (t.at.date() - weeks[0]).days // 7
        return index if 0 <= index < 12 else None

    by_channel = {ch: [0] * 12 for ch in CHANNELS}
    out, in_, total = [0] * 12, [0] * 12, [0] * 12
    for t in mine:
        i = week_of(t)
        if i is None:
            continue
        by_channel[t.channel][i] += 1
        total[i] += 1
        (out if t.direction == "out" else in_)[i] += 1

    # pipeline
    people = [c for c in contacts if c.id in kept]
    by_state = {s: sum(1 for c in people if c.state == s) for s in STATES}
    by_cadence = {p: sum(1 for c in people if c.cadence == p) for p in sorted({c.cadence for c in people})}
    parked = 0
    for c in people:
        own = sorted((t for t in mine if t.contact_id == c.id), key=lambda t: (t.at, t.id))
        if c.state == "nurture" and own and in_period(own[-1].at.date()) and not two_way(own[-1]):
            parked += 1
    return {
        "period": {"since": since.isoformat(), "until": until.isoformat(), "today": today.isoformat()},
        "tag": tag,
        "reply_rate": [{"followup": label, **counts[label], "rate": pct(counts[label]["answered"], counts[label]["sent"])}
                       for label in BUCKETS],
        "days_to_reply": days,
        "promises": promises,
        "activity": {"weeks": [w.isoformat() for w in weeks], "by_channel": by_channel, "out": out, "in": in_,
                     "total": total},
        "pipeline": {"contacts": len(people), "by_state": by_state, "by_cadence": by_cadence,
                     "won": sum(1 for t in mine if t.outcome == "won" and in_period(t.at.date())),
                     "reopened": sum(1 for c in people if c.reopened_at and in_period(c.reopened_at.date())),
                     "parked": parked},
    }


# --- the table says what the JSON says --------------------------------------------------------


def table_figures(text: str) -> dict:
    """The figures the table prints, read back from it (the parts it draws as bars aside)."""
    lines = text.splitlines()
    found: dict[str, Any] = {"reply_rate": [], "promises": {}, "weeks": [], "states": {}, "cadences": {}}
    section = ""
    for line in lines:
        if line.startswith("Reply rate"):
            section = "reply"
        elif line.startswith("Promises"):
            section = "promises"
        elif line.startswith("Touches per week"):
            section = "channels"
            found["channels"] = re.findall(r"\S (\w+)", line.split(":", 1)[1]) if ":" in line else []
        elif line.startswith("Outgoing and incoming"):
            section = "sides"
        elif line.startswith("Contacts by state"):
            section = "states"
        elif line.startswith("Contacts by cadence"):
            section = "cadences"
        elif line.startswith("Days to reply"):
            match = re.search(r"median (\S+), 90th percentile (\S+) \((\d+) answered", line)
            found["days"] = (match.group(1), match.group(2), int(match.group(3))) if match else None
        elif line.startswith("In the period"):
            found["period"] = tuple(map(int, re.findall(r"(\d+) (?:won|reopened|parked|contact)", line)))
        elif section == "reply" and re.match(r"\d+\+? ", line):
            label, sent, answered, unanswered, open_, rate = line.split()[:6]
            found["reply_rate"].append((label, int(sent), int(answered), int(unanswered), int(open_), rate))
        elif section == "promises" and line.split()[:1] in (["mine"], ["theirs"]):
            whose, total, rest = line.split(None, 2)
            found["promises"][whose] = (int(total), re.findall(r"(\d+)(?: \(([\d.]+)%\))?", rest))
        elif section == "channels" and re.match(r"\d{4}-\d\d-\d\d", line):
            numbers = re.findall(r"(?<![\w-])\d+(?![\w-])", line[10:])
            found["weeks"].append((line[:10], [int(n) for n in numbers]))
        elif section == "sides" and re.match(r"\d{4}-\d\d-\d\d", line):
            parts = line.split()
            found.setdefault("sides", []).append((parts[0], int(parts[1]), int(parts[-1])))
        elif section in ("states", "cadences") and re.match(r"[\w-]+ +\d+", line):
            name, count = line.split()[:2]
            found[section][name] = int(count)
    return found


def assert_table_agrees(text: str, data: dict) -> None:
    if not data["pipeline"]["contacts"]:
        assert len(text.splitlines()) == 1 and "nothing to count" in text
        return
    seen = table_figures(text)
    assert seen["reply_rate"] == [(r["followup"], r["sent"], r["answered"], r["unanswered"], r["open"],
                                   "–" if r["rate"] is None else f"{r['rate']}%") for r in data["reply_rate"]]
    days = data["days_to_reply"]
    assert seen.get("days") == ((str(days["median"]), str(days["p90"]), days["count"]) if days["count"] else None)
    for whose in ("mine", "theirs"):
        p = data["promises"][whose]
        expected = [(str(p[k]), str(p["percent"][k]) if p["total"] else "") for k in KINDS]
        assert seen["promises"][whose] == (p["total"], expected), whose
    activity = data["activity"]
    used = [ch for ch, counts in activity["by_channel"].items() if any(counts)]
    assert seen["channels"] == used
    assert seen["weeks"] == [(week, [activity["total"][i]] + [activity["by_channel"][ch][i] for ch in used])
                             for i, week in enumerate(activity["weeks"])]
    assert seen["sides"] == [(week, activity["out"][i], activity["in"][i]) for i, week in enumerate(activity["weeks"])]
    pipeline = data["pipeline"]
    assert seen["states"] == pipeline["by_state"]
    assert seen["cadences"] == pipeline["by_cadence"]
    assert seen["period"] == (pipeline["won"], pipeline["reopened"], pipeline["parked"], pipeline["contacts"])
    # and not a number on the page that the JSON does not have
    assert set(page_numbers(text)) <= json_numbers(data)


def page_numbers(text: str) -> list[str]:
    text = re.sub(r"\d{4}-\d\d-\d\d", " ", text).replace("90th percentile", "percentile")
    return re.findall(r"\d+(?:\.\d+)?", text)


def json_numbers(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set().union(*(json_numbers(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(json_numbers(v) for v in data)) if data else set()
    if isinstance(data, bool) or data is None:
        return set()
    if isinstance(data, (int, float)):
        return {str(data)}
    return set(re.findall(r"\d+", str(data)))


# --- the worked example of docs/stats.md --------------------------------------------------------

# (now, command): the example's history, in the order it happened.
WORKED_EXAMPLE = [
    ("2026-06-01T09:00", ["add", "Dan Weber", "--met", "2026-06-01"]),
    ("2026-07-01T09:00", ["state", "dan", "closed"]),
    ("2026-08-20T09:00", ["add", "Ana Ruiz", "--company", "Finch", "--tag", "fintech", "--met", "2026-08-20"]),
    ("2026-08-25T09:00", ["log", "ana"]),
    ("2026-09-01T09:00", ["next", "ana", "send the case study", "--due", "2026-09-05"]),
    ("2026-09-02T09:00", ["log", "ana"]),
    ("2026-09-04T10:00", ["done", "ana"]),
    ("2026-09-04T14:00", ["log", "ana", "--in", "--next", "send Q3 numbers", "--due", "2026-09-20", "--theirs"]),
    ("2026-09-10T09:00", ["log", "ana", "call", "--outcome", "no-answer"]),
    ("2026-09-14T09:00", ["log", "ana"]),
    ("2026-09-15T09:00", ["log", "ana", "call", "--outcome", "talked"]),
    ("2026-09-25T09:00", ["done", "ana"]),
    ("2026-10-01T09:00", ["log", "ana"]),
    ("2026-10-05T09:00", ["add", "Ben Okafor", "--company", "Northwind", "--tag", "vip", "--met", "2026-10-05"]),
    ("2026-10-09T09:00", ["log", "ben"]),
    ("2026-10-10T09:00", ["log", "ana", "--greeting"]),
    ("2026-10-13T09:00", ["log", "ben"]),
    ("2026-10-16T09:00", ["log", "ben", "linkedin"]),
    ("2026-10-20T09:00", ["log", "ben", "--in"]),
    ("2026-10-20T10:00", ["state", "dan", "active"]),
    ("2026-10-26T09:00", ["log", "ben", "call", "--outcome", "won"]),
    ("2026-11-02T09:00", ["add", "Chloe Martin", "--company", "Globex", "--no-meeting"]),
    ("2026-11-02T09:30", ["log", "chloe"]),
    ("2026-11-02T10:00", ["next", "chloe", "call back", "--due", "2026-11-05"]),
    ("2026-11-06T09:00", ["drop", "chloe"]),
    ("2026-11-09T09:00", ["log", "chloe"]),
    ("2026-11-16T09:00", ["log", "chloe"]),
    ("2026-11-16T10:00", ["state", "chloe", "nurture"]),
    ("2026-11-16T11:00", ["next", "ben", "intro to Chloe", "--due", "2026-11-20"]),
    ("2026-11-16T11:05", ["next", "ben", "send the proposal", "--due", "2026-11-23"]),
]

# What docs/stats.md says the example gives, figure by figure.
WORKED_FIGURES = {
    "reply_rate": {"1": (4, 0, 3, 1, 0.0), "2": (4, 2, 2, 0, 50.0), "3": (2, 1, 0, 1, 50.0)},
    "days_to_reply": {"count": 3, "median": 2.21, "p90": 4.0},
    "mine": {"total": 4, "kept_on_time": 1, "kept_late": 0, "dropped": 1, "open": 1, "overdue": 1},
    "theirs": {"total": 1, "kept_on_time": 0, "kept_late": 1, "dropped": 0, "open": 0, "overdue": 0},
    "total": [1, 2, 0, 1, 3, 2, 1, 1, 1, 1, 1, 0],
    "out": [1, 2, 0, 1, 3, 2, 0, 1, 1, 1, 1, 0],
    "in": [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    "email": [0, 1, 0, 1, 2, 1, 1, 0, 1, 1, 1, 0],
    "by_state": {"active": 2, "nurture": 1, "client": 1, "paused": 0, "closed": 0},
    "won": 1, "reopened": 1, "parked": 1,
}


def play(fup: Any, steps: list, env: Optional[dict] = None) -> None:
    for now, args in steps:
        result = fup(*args, now=now, env=env)
        assert result.exit_code == 0, (args, result.stderr)


def test_the_worked_example_of_the_docs(fup):
    play(fup, WORKED_EXAMPLE)
    data = fup.json("stats", "--format", "json")
    assert data["period"] == {"since": "2026-09-01", "until": "2026-11-23", "today": "2026-11-23"}
    rows = {r["followup"]: (r["sent"], r["answered"], r["unanswered"], r["open"], r["rate"]) for r in data["reply_rate"]}
    assert {k: v for k, v in rows.items() if v[0]} == WORKED_FIGURES["reply_rate"]
    assert data["days_to_reply"] == WORKED_FIGURES["days_to_reply"]
    for whose in ("mine", "theirs"):
        assert {k: v for k, v in data["promises"][whose].items() if k != "percent"} == WORKED_FIGURES[whose]
    assert data["promises"]["mine"]["percent"] == dict(kept_on_time=25.0, kept_late=0.0, dropped=25.0, open=25.0,
                                                       overdue=25.0)
    activity = data["activity"]
    assert activity["weeks"][0] == "2026-09-07" and activity["weeks"][-1] == "2026-11-23"
    for key in ("total", "out", "in"):
        assert activity[key] == WORKED_FIGURES[key], key
    assert activity["by_channel"]["email"] == WORKED_FIGURES["email"]
    pipeline = data["pipeline"]
    assert pipeline["by_state"] == WORKED_FIGURES["by_state"]
    assert (pipeline["won"], pipeline["reopened"], pipeline["parked"]) == (1, 1, 1)


def test_the_docs_print_the_worked_example_as_fup_does(fup):
    play(fup, WORKED_EXAMPLE)
    page = fup.ok("stats").stdout
    docs = (ROOT / "docs" / "stats.md").read_text(encoding="utf-8")
    shown = docs.split("<!-- stats-table -->\n```\n", 1)[1].split("```", 1)[0]
    assert shown == page
    assert_table_agrees(page, fup.json("stats", "-f", "json"))


def test_the_tag_option_counts_only_those_contacts(fup):
    play(fup, WORKED_EXAMPLE)
    data = fup.json("stats", "--tag", "VIP", "-f", "json")
    assert data["tag"] == "vip"
    assert data["pipeline"]["contacts"] == 1 and data["pipeline"]["by_state"]["client"] == 1
    sent = {r["followup"]: r["sent"] for r in data["reply_rate"] if r["sent"]}
    assert sent == {"1": 1, "2": 1, "3": 1}  # Ben's three
    assert data["promises"]["mine"]["total"] == 2 and data["promises"]["theirs"]["total"] == 0
    assert sum(data["activity"]["total"]) == 6
    nobody = fup.ok("stats", "--tag", "nobody-has-it")
    assert nobody.stdout == "No contacts tagged 'nobody-has-it': nothing to count.\n"


def test_since_and_until_choose_the_period_and_the_weeks_follow_until(fup):
    play(fup, WORKED_EXAMPLE)
    data = fup.json("stats", "--since", "2026-09-01", "--until", "2026-09-30", "-f", "json")
    assert data["period"]["until"] == "2026-09-30"
    assert data["activity"]["weeks"][-1] == "2026-09-28"  # the week of --until, whatever --since says
    assert {r["followup"]: r["sent"] for r in data["reply_rate"] if r["sent"]} == {"1": 1, "2": 2}
    assert data["days_to_reply"]["count"] == 2
    defaults = fup.json("stats", "--until", "2026-10-31", "-f", "json")["period"]
    assert defaults["since"] == (date(2026, 10, 31) - timedelta(days=83)).isoformat()



def test_a_no_answers_the_follow_up_before_it_and_is_no_follow_up_itself(fup):
    play(fup, [
        ("2026-10-01T09:00", ["add", "Eva Lind", "--met", "2026-10-01"]),
        ("2026-10-02T09:00", ["log", "eva"]),
        ("2026-10-05T09:00", ["log", "eva"]),
        ("2026-10-06T15:00", ["log", "eva", "call", "--outcome", "not-interested"]),
    ])
    data = fup.json("stats", "-f", "json", now="2026-11-23T09:00")
    rows = {r["followup"]: (r["sent"], r["answered"], r["unanswered"], r["open"]) for r in data["reply_rate"] if r["sent"]}
    assert rows == {"1": (1, 0, 1, 0), "2": (1, 1, 0, 0)}  # the second follow-up got its answer: a no
    assert data["days_to_reply"] == {"count": 1, "median": 1.25, "p90": 1.25}
    assert data["pipeline"]["by_state"]["closed"] == 1

def test_no_database_is_one_line_or_zeros(fup):
    result = fup.ok("stats")
    assert result.stdout == "No contacts yet: nothing to count. Add one with `fup add NAME`.\n"
    data = fup.json("stats", "--format", "json")
    assert data == reference([], [], [])
    assert not fup.db_path.exists()  # reading made no database


@pytest.mark.parametrize("args, words", [
    (["--since", "2026-11-01", "--until", "2026-10-01"], "--since 2026-11-01 is after --until 2026-10-01"),
    (["--since", "2026-02-30"], "2026-02-30"),
    (["--until", "someday"], "someday"),
    (["--format", "csv"], "format"),
    (["--tag", " "], "empty tag"),
])
def test_bad_input_is_one_line_and_exit_2(fup, args, words):
    play(fup, WORKED_EXAMPLE[:3])
    before = fup.dump()
    result = fup("stats", *args)
    assert result.exit_code == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1 and words in result.stderr
    assert fup.dump() == before


def test_the_command_module_loads_no_rich_until_a_table_is_printed():
    probe = ("import sys, fupcli.cli.stats; "
             "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('fupcli.insight')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


# --- generated histories against the reference -------------------------------------------------

BASE = datetime(2026, 11, 23, 9, 0)
CONTACTS = 4

moments = st.builds(lambda day, slot: BASE + timedelta(days=day, minutes=30 * slot),
                    st.integers(-170, 3), st.integers(-2, 2))  # few times a day: ties happen
# Most touches are follow-ups, and a "ghost" answers almost never: long runs of follow-ups
# (past ten, and across the start of the period) come up as often as answers do.
FOLLOW_UP_OUTCOMES = ("sent",) * 4 + ("no-answer", "no-answer", "left-message", "not-interested")
touches = st.tuples(moments, st.sampled_from(CHANNELS), st.sampled_from(("out",) * 4 + ("in",)),
                    st.sampled_from(FOLLOW_UP_OUTCOMES + OUTCOMES))
ghost_touches = st.tuples(moments, st.sampled_from(CHANNELS), st.sampled_from(("out",) * 12 + ("in",)),
                          st.sampled_from(FOLLOW_UP_OUTCOMES * 3 + ("greeting", "replied")))
commitments = st.tuples(st.sampled_from(("mine", "theirs")), st.integers(-130, 20),
                        st.sampled_from(("open", "done", "dropped")), st.integers(-6, 6), st.booleans())
people = st.fixed_dictionaries({
    "tags": st.sampled_from(("", "a", "a;b", "b", "ab")),
    "state": st.sampled_from(STATES),
    "cadence": st.sampled_from(("warm", "hot", "nurture")),
    "reopened": st.none() | st.integers(-140, 0),
    "touches": st.lists(touches, max_size=16) | st.lists(ghost_touches, max_size=28),
    "commitments": st.lists(commitments, max_size=4),
})
windows = st.tuples(st.none() | st.integers(-140, -10), st.none() | st.integers(-40, 0), st.none() | st.just("a"))


def build(drawn: list[dict], order: list[int]) -> tuple[list[Contact], list[Touch], list[Commitment]]:
    """The generated history as rows; touch ids follow `order`, so ids disagree with time."""
    contacts, all_touches, all_commitments = [], [], []
    for cid, person in enumerate(drawn, 1):
        reopened = BASE + timedelta(days=person["reopened"]) if person["reopened"] is not None else None
        contacts.append(Contact(cid, person["tags"], person["state"], person["cadence"], reopened))
        for at, channel, direction, outcome in person["touches"]:
            all_touches.append(Touch(0, cid, at, channel, direction, outcome))
        for whose, due, status, late, closed in person["commitments"]:
            day = TODAY + timedelta(days=due)
            closed_at = (datetime.combine(day + timedelta(days=late), datetime.min.time()) + timedelta(hours=17)
                         if status != "open" and closed else None)
            all_commitments.append(Commitment(len(all_commitments) + 1, cid, whose, day, status, closed_at))
    for t, number in zip(all_touches, order):
        t.id = number + 1
    return contacts, all_touches, all_commitments


def stored(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat(" ", "microseconds") if moment is not None else None


def write_sqlite(path: Path, contacts: list[Contact], touches_: list[Touch], commitments_: list[Commitment]) -> None:
    conn = sqlite3.connect(path)
    with conn:
        write_rows(conn, "?", contacts, touches_, commitments_, stored)
    conn.close()


def write_rows(conn: Any, mark: str, contacts: list[Contact], touches_: list[Touch], commitments_: list[Commitment],
               moment: Any) -> None:
    """The history into fup's tables (`mark`: the driver's placeholder), replacing what is there."""
    def sql(text: str) -> str:
        return text.replace("?", mark)

    conn.execute("DELETE FROM touch")
    conn.execute("DELETE FROM commitment")
    for c in contacts:
        conn.execute(sql("UPDATE contact SET tags = ?, state = ?, cadence = ?, reopened_at = ? WHERE id = ?"),
                     (c.tags, c.state, c.cadence, moment(c.reopened_at), c.id))
    for t in touches_:
        conn.execute(sql("INSERT INTO touch (id, contact_id, at, channel, direction, outcome, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                     (t.id, t.contact_id, moment(t.at), t.channel, t.direction, t.outcome, moment(BASE)))
    for m in commitments_:
        conn.execute(sql("INSERT INTO commitment (id, contact_id, whose, action, due, firmness, status, created_at, "
                         "closed_at) VALUES (?, ?, ?, 'x', ?, 'hard', ?, ?, ?)"),
                     (m.id, m.contact_id, m.whose, m.due if mark != "?" else m.due.isoformat(), m.status,
                      moment(BASE - timedelta(days=200)), moment(m.closed_at)))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with four contacts, made by `fup add`, that each example copies and fills."""
    from typer.testing import CliRunner

    import fupcli.cli.app

    home = tmp_path_factory.mktemp("template")
    env = {"FUP_HOME": str(home), "FUP_NOW": NOW, "FUP_DB": None}
    for n in range(1, CONTACTS + 1):
        result = CliRunner().invoke(fupcli.cli.app.app, ["add", f"Person {n}", "--no-meeting"], env=env)
        assert result.exit_code == 0, result.output
    return home / "fup.db"


def window_args(since: Optional[int], until: Optional[int], tag: Optional[str]) -> tuple[list[str], tuple]:
    args, first, last = [], None, None
    if until is not None:
        last = TODAY + timedelta(days=until)
        args += ["--until", last.isoformat()]
    if since is not None:
        first = TODAY + timedelta(days=since)
        args += ["--since", first.isoformat()]
    if tag:
        args += ["--tag", tag]
    return args, (first, last, tag)


def stats_of(fup: Any, template: Path, contacts: list[Contact], touches_: list[Touch],
             commitments_: list[Commitment], *args: str) -> dict:
    """`fup stats -f json` on the history written into a copy of `template`."""
    home = Path(tempfile.mkdtemp(dir=fup.home))
    shutil.copy(template, home / "fup.db")
    write_sqlite(home / "fup.db", contacts, touches_, commitments_)
    return fup.json("stats", *args, "--format", "json", env={"FUP_HOME": str(home)})


def people_of(count: int = CONTACTS) -> list[Contact]:
    return [Contact(n) for n in range(1, count + 1)]


def test_ties_in_time_go_by_id_also_across_the_start_of_the_period(fup, template):
    at = datetime(2026, 8, 31, 9, 0)  # the day before the period
    history = [Touch(3, 1, at, "email", "out", "sent"),  # before the reply (a smaller id): its run ends there
               Touch(5, 1, at, "email", "in", "replied"),
               Touch(7, 1, at, "email", "out", "sent"),  # after it: follow-up 1
               Touch(8, 1, datetime(2026, 9, 2, 9, 0), "email", "out", "sent")]  # follow-up 2, in the period
    got = stats_of(fup, template, people_of(), history, [])
    assert got == reference(people_of(), history, [])
    assert got["reply_rate"][1] == {"followup": "2", "sent": 1, "answered": 0, "unanswered": 0, "open": 1, "rate": 0.0}
    assert got["days_to_reply"]["count"] == 0  # the answer at the same instant was before the period


@pytest.mark.parametrize("answers, median, p90", [
    (10, 0.23, 0.38),  # 1..10 hours: median (5 + 6) / 2 hours, 90th percentile the 9th (nearest rank)
    (11, 0.25, 0.42),  # 1..11 hours: the 6th, and the 10th (ceil(9.9))
    (1, 0.04, 0.04),
])
def test_median_and_90th_percentile_by_nearest_rank(fup, template, answers, median, p90):
    history = []
    for hours in range(1, answers + 1):
        sent = datetime(2026, 9, 1, 9, 0) + timedelta(days=3 * hours)
        history += [Touch(2 * hours, 1, sent, "email", "out", "sent"),
                    Touch(2 * hours + 1, 1, sent + timedelta(hours=hours), "email", "in", "replied")]
    got = stats_of(fup, template, people_of(), history, [])
    assert got["days_to_reply"] == {"count": answers, "median": median, "p90": p90}
    assert got == reference(people_of(), history, [])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(people, min_size=CONTACTS, max_size=CONTACTS), window=windows, data=st.data())
def test_every_figure_is_the_definitions_on_generated_histories(fup, template, drawn, window, data):
    contacts, touches_, commitments_ = build(drawn, [])
    order = data.draw(st.permutations(range(len(touches_))))
    contacts, touches_, commitments_ = build(drawn, order)
    home = Path(tempfile.mkdtemp(dir=fup.home))
    shutil.copy(template, home / "fup.db")
    write_sqlite(home / "fup.db", contacts, touches_, commitments_)
    args, (first, last, tag) = window_args(*window)
    env = {"FUP_HOME": str(home)}
    if first is not None and first > (last or TODAY):
        result = fup("stats", *args, env=env)
        assert result.exit_code == 2 and "is after --until" in result.stderr
        return
    got = fup.json("stats", *args, "--format", "json", env=env)
    assert got == reference(contacts, touches_, commitments_, first, last, tag)
    assert_table_agrees(fup.ok("stats", *args, env=env).stdout, got)


# --- PostgreSQL -------------------------------------------------------------------------------


def test_postgresql_gives_the_same_figures_and_page(fup, pg_url):
    server = {"FUP_DB": pg_url}
    play(fup, WORKED_EXAMPLE)
    play(fup, WORKED_EXAMPLE, env=server)
    for args in ([], ["--tag", "fintech"], ["--since", "2026-08-01", "--until", "2026-10-15"]):
        assert fup.json("stats", *args, "-f", "json", env=server) == fup.json("stats", *args, "-f", "json"), args
        assert fup.ok("stats", *args, env=server).stdout == fup.ok("stats", *args).stdout, args


def test_postgresql_on_an_empty_database_gives_zeros(fup, pg_url):
    assert fup.json("stats", "-f", "json", env={"FUP_DB": pg_url}) == reference([], [], [])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(people, min_size=CONTACTS, max_size=CONTACTS), window=windows, data=st.data())
def test_generated_histories_give_the_definitions_on_postgresql(fup, pg_url, drawn, window, data):
    import psycopg

    server = {"FUP_DB": pg_url}
    with psycopg.connect(pg_url) as conn:
        if conn.execute("SELECT to_regclass('contact')").fetchone()[0] is None:
            for n in range(1, CONTACTS + 1):
                fup.ok("add", f"Person {n}", "--no-meeting", env=server)
    contacts, touches_, commitments_ = build(drawn, [])
    contacts, touches_, commitments_ = build(drawn, data.draw(st.permutations(range(len(touches_)))))
    with psycopg.connect(pg_url) as conn:
        write_rows(conn, "%s", contacts, touches_, commitments_, lambda moment: moment)
    args, (first, last, tag) = window_args(*window)
    if first is not None and first > (last or TODAY):
        return
    assert fup.json("stats", *args, "-f", "json", env=server) == reference(contacts, touches_, commitments_,
                                                                           first, last, tag)
