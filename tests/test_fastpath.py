"""The fast path: what `fup today`, `--version` and name completion import, and that it agrees.

- Import budget: the hot commands must not import Typer, Rich, SQLAlchemy,
  SQLModel, pydantic or Alembic (each costs tens to hundreds of milliseconds);
  tests/test_doors.py holds the budget of every other daily command, and the
  parity of the two doors for all of them (the fast parser reads `spec.py`,
  generated from the Typer app).
- The fast door and the Typer command print the same bytes for `fup today`.
- The ranked, indexed read (`queries.due_rows`, one index range per tier) agrees
  row for row with the reference: every contact re-planned from its whole
  history by the pure scheduler, its cold row on the day the balancer stored
  (checked to be a day `place` may pick: within the row's slack), its visible
  items listed by `rows_on` (reopening floor and birthdays included), its row
  the first of them with the rest summed up by `with_more` (and "(snoozed until
  ...)" while a snooze runs), all sorted by `rank_key`; `count_due` agrees too.
"""

from __future__ import annotations

import io
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fupcli import core
from fupcli.cli.app import app
from fupcli.context import AppContext
from fupcli.errors import FupError
from fupcli.cli.fast import main as fast_main
from fupcli.storage.queries import _due_row, count_due, due_rows, rank_key
from fupcli.scheduler import (
    CADENCE_KINDS,
    WAIT_SPREAD,
    TIERS,
    CommitmentFacts,
    ContactFacts,
    Rules,
    TouchFacts,
    birthday_item,
    plan_contact,
    rows_on,
    with_more,
)

HEAVY = ("typer", "click", "rich", "sqlalchemy", "sqlmodel", "pydantic", "alembic")
START = datetime(2026, 9, 1, 9, 0)

PROBE = """
import sys
from fupcli.cli.fast import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("\\nHEAVY=" + ",".join(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))
""" % (HEAVY,)


@pytest.fixture()
def demo_home(tmp_path: Path) -> Path:
    ctx = AppContext(now=datetime(2026, 11, 20, 9), db_location=str(tmp_path / "fup.db"))
    core.add_contact(ctx, core.NewContact("Ana Ruiz", company="Acme", birthday="11-23"), met="2026-11-02")
    core.add_contact(ctx, core.NewContact("Andrew Lee", cadence="hot"), met="2026-11-10")
    core.add_contact(ctx, core.NewContact("Bo Lind"), step=core.NextStep("send the deck", date(2026, 11, 21)))
    ctx.close()
    return tmp_path


@pytest.mark.parametrize(
    "args, env",
    [
        (["today"], {}),
        (["today", "--format", "json", "--on", "fri"], {}),
        (["today", "-f", "csv", "--limit=1"], {}),
        (["--version"], {}),
        ([], {"_FUP_COMPLETE": "complete_bash", "COMP_WORDS": "fup log An", "COMP_CWORD": "2"}),
        ([], {"_FUP_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "fup show an"}),
    ],
)
def test_hot_commands_import_no_heavy_module(demo_home: Path, args: list[str], env: dict) -> None:
    run_env = {**os.environ, "FUP_HOME": str(demo_home), "FUP_NOW": "2026-11-23T08:30", **env}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=run_env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("HEAVY="), proc.stdout
    assert proc.stdout.split("\nHEAVY=")[0].strip(), "printed nothing"


@pytest.mark.parametrize("args", [["today", "--help"], ["cadence"], ["today", "--limit", "x"], ["show", "ana", "--bogus"]])
def test_other_commands_go_to_the_full_cli(demo_home: Path, args: list[str]) -> None:
    """--help, commands without a fast door, and argv the fast parser is unsure of: Typer answers."""
    env = {**os.environ, "FUP_HOME": str(demo_home), "FUP_NOW": "2026-11-23T08:30"}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True)
    assert "typer" in proc.stdout.split("HEAVY=")[1], proc.stdout + proc.stderr
    assert "Usage" in proc.stdout or proc.stdout.startswith("profile") or "fup " in proc.stderr


def _fast(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        with pytest.raises(SystemExit) as done:
            fast_main(args)
    return done.value.code, out.getvalue()


@pytest.mark.parametrize(
    "args",
    [["today"], ["today", "--limit", "2"], ["today", "--limit", "0"], ["today", "-f", "json"],
     ["today", "--format=csv"], ["today", "--on", "2026-12-01", "-f", "json"], ["today", "--on", "tomorrow"]],
)
def test_fast_and_full_doors_print_the_same(demo_home: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setenv("FUP_HOME", str(demo_home))
    monkeypatch.setenv("FUP_NOW", "2026-11-23T08:30")
    code, fast_out = _fast(args, monkeypatch)
    full = CliRunner().invoke(app, args)
    # (the runner's stdout turns CSV's \r\n into \n; both doors write through the same csv writer)
    assert (code, fast_out.replace("\r\n", "\n")) == (full.exit_code, full.stdout)


def test_fast_door_reports_bad_input_like_the_full_one(demo_home: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("FUP_HOME", str(demo_home))
    monkeypatch.setenv("FUP_NOW", "2026-11-23T08:30")
    for args in (["today", "--on", "2027-02-30"], ["today", "-f", "yaml"]):
        with pytest.raises(SystemExit) as done:
            fast_main(args)
        err = capsys.readouterr().err
        full = CliRunner().invoke(app, args)
        assert done.value.code == full.exit_code == 2
        assert err == full.stderr and err.count("\n") == 1


# --- the ranked read agrees with re-planning everything --------------------------------


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def reference_rows(path: Path, on: date, rules: Rules, last_write: date | None = None) -> list:
    """Every contact re-planned from its history, one row each, ranked: the slow, obvious way.
    (Cold rows wait only when a day holds more than its capacity: these databases are far smaller.)
    A cold row is on the day the balancer stored, which must be one `place` may pick: never before
    the row's own day, and within its slack or, when it was overdue as it was planned (at the
    latest on `last_write`), within WAIT_SPREAD days of that write."""
    conn = sqlite3.connect(path)
    rows = []
    for cid, name, company, channel, cadence, state, created, snoozed, birthday, reopened, phone, email, url in conn.execute(
        "SELECT id, name, company, channel, cadence, state, created_at, snoozed_until, birthday, reopened_at, "
        "phone, email, url FROM contact"
    ):
        touches = [
            TouchFacts(datetime.fromisoformat(at), direction, outcome, tchannel, _day(ask), tid)
            for tid, at, direction, outcome, tchannel, ask in conn.execute(
                "SELECT id, at, direction, outcome, channel, ask_again FROM touch WHERE contact_id = ?", (cid,))
        ]
        commitments = [
            CommitmentFacts(mid, whose, action, _day(due), firmness, status, mchannel)
            for mid, whose, action, due, firmness, status, mchannel in conn.execute(
                "SELECT id, whose, action, due, firmness, status, channel FROM commitment WHERE contact_id = ?", (cid,))
        ]
        snooze = _day(snoozed)
        reach = core.reach({"channel": channel, "phone": phone, "email": email, "url": url})
        facts = ContactFacts(name, cadence, state, datetime.fromisoformat(created), snooze, birthday,
                             datetime.fromisoformat(reopened) if reopened else None, reach)
        plan = plan_contact(facts, touches, commitments, rules)
        items = []
        for item in plan.items:
            if item.kind == "cold":  # placed by the balancer
                (stored,) = conn.execute("SELECT due FROM agenda_item WHERE contact_id = ? AND kind = 'cold'",
                                         (cid,)).fetchone()
                placed = _day(stored)
                last = item.due + timedelta(days=item.slack)
                if last_write is not None:
                    last = max(last, last_write + timedelta(days=WAIT_SPREAD))
                assert item.due <= placed and (last_write is None or placed <= rules.workday(last)), (item, placed)
                assert rules.is_workday(placed), (item, placed)
                item = item._replace(due=placed)
            items.append(item)
        last = max((t.at for t in touches), default=None)
        # nothing is due before the day a contact was reopened, birthdays included; a snooze
        # moved the cadence rows only (a birthday shows during one)
        floor = facts.reopened_at.date() if facts.reopened_at else None
        visible = rows_on(plan.state, items, on, floor, birthday, last.date() if last else None, rules)
        if not visible:
            continue
        top, more = visible[0], visible[1:]
        # the rules the read must keep: tiers top down, a snooze is a new due date for the cadence
        assert [TIERS.index(i.kind) for i in visible] == sorted(TIERS.index(i.kind) for i in visible)
        assert snooze is None or all(snooze <= i.due <= on for i in visible if i.kind in CADENCE_KINDS)
        assert state != "paused" or not any(i.kind in CADENCE_KINDS for i in visible)
        contact = {"id": cid, "name": name, "company": company, "channel": channel,
                   "last_touch_at": last.isoformat() if last else None}
        reason = with_more(top, more)
        if snooze is not None and snooze > on:  # what still shows says the cadence sleeps
            reason += f" (snoozed until {snooze.isoformat()})"
        rows.append(_due_row(contact, top, on, reason))
    conn.close()
    return sorted(rows, key=rank_key)


NAMES = ["Ana", "Bo", "Cy", "Di", "Ed", "Flo", "ana", "Bo"]
BIRTHDAYS = [None, "11-23", "09-20", "12-30", "01-02", "02-28", "02-29", "12-12"]  # several on weekends
# Days (from START, Tue 1 Sep 2026) when those birthdays show, some on the Friday before the day.
BIRTHDAY_DAYS = [17, 19, 83, 85, 101, 102, 120, 122, 178, 181]


@st.composite
def histories(draw):
    """A short script of writes over a few weeks: adds, logs (birthday greetings among them),
    commitments (either side's, hard or soft, some with a channel), snoozes (some for good: a pause),
    state changes (closing, pausing and reopening). Kept small: a failing example of a long script
    once took minutes to shrink."""
    steps = []
    for n in range(draw(st.integers(1, 4))):
        steps.append(("add", n, draw(st.sampled_from(["hot", "warm", "vip", "nurture", "none"])),
                      draw(st.booleans()), draw(st.sampled_from(BIRTHDAYS)), draw(st.integers(0, 20))))
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["log", "log", "log", "next", "next", "done", "snooze", "state"]))
        steps.append((kind, draw(st.integers(0, 4)), draw(st.integers(0, 80)),
                      draw(st.sampled_from(["sent", "sent", "no-answer", "replied", "talked", "not-interested", "won",
                                            "greeting"])),
                      draw(st.booleans()), draw(st.integers(1, 60))))
    return steps


def build(path: Path, steps: list) -> None:
    """Play the script through the core, as the commands would, one transaction per step."""
    ctx = AppContext(now=START, db_location=str(path))
    made = 0
    try:
        for step in sorted(steps, key=lambda s: s[-1] if s[0] == "add" else s[2]):
            kind = step[0]
            try:
                if kind == "add":
                    _, n, cadence, met, birthday, day = step
                    ctx.now = START + timedelta(days=day)
                    core.add_contact(ctx, core.NewContact(f"{NAMES[n]} {n}", cadence=cadence, birthday=birthday),
                                     no_meeting=not met)
                    made += 1
                    continue
                if not made:
                    continue
                _, who, day, outcome, flag, span = step
                ctx.now = START + timedelta(days=day)
                target = str(who % made + 1)
                if kind == "log" and outcome == "greeting":
                    core.log_touch(ctx, target, greeting=True)
                elif kind == "log":
                    ask = f"{span}d" if flag and outcome == "talked" else None
                    # an inbound reply reopens a closed contact
                    core.log_touch(ctx, target, outcome=outcome, inbound=flag and outcome == "replied", ask_again=ask)
                elif kind == "next":
                    due = (ctx.now + timedelta(days=span - 20)).date()
                    core.add_commitment(ctx, target, core.NextStep("step", due, "theirs" if flag else "mine",
                                                                   "soft" if span % 2 == 0 else "hard",
                                                                   "call" if span % 5 == 0 else None))
                elif kind == "done":
                    core.close_commitment(ctx, target, "done")
                elif kind == "snooze":
                    core.snooze(ctx, target, "never" if span % 13 == 0 else f"{span % 15}d")
                elif flag:  # closed; or closed, then reopened by hand the same day
                    core.set_state(ctx, target, "closed")
                    if span % 3:
                        core.set_state(ctx, target, random.Random(span).choice(["active", "nurture", "client", "paused"]))
                else:  # another open state (a reopening by hand, when closed or paused)
                    core.set_state(ctx, target, random.Random(span).choice(["active", "nurture", "client", "paused"]))
            except FupError:
                pass  # e.g. no open commitment to close: the script goes on
    finally:
        ctx.close()


@settings(max_examples=40, deadline=None, derandomize=True, report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=histories(), offset=st.one_of(st.integers(0, 200), st.sampled_from(BIRTHDAY_DAYS)),
       limit=st.sampled_from([0, 1, 2, 3, 20]))
def test_ranked_read_agrees_with_replanning_everything(tmp_path_factory, steps, offset, limit) -> None:
    path = tmp_path_factory.mktemp("db") / "fup.db"
    build(path, steps)
    if not path.exists():
        return
    on = (START + timedelta(days=offset)).date()
    last_write = (START + timedelta(days=max(s[-1] if s[0] == "add" else s[2] for s in steps))).date()
    expected = reference_rows(path, on, Rules(), last_write)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        got = due_rows(conn, on, limit)
        total = count_due(conn, on)
    finally:
        conn.close()
    assert got == (expected[:limit] if limit else expected)
    assert total == len(expected)


def test_birthday_item_is_what_reference_uses() -> None:
    """The reference and the read share birthday rules; pin one case so neither drifts silently."""
    item = birthday_item("11-23", None, date(2026, 11, 25))
    assert item is not None and item.due == date(2026, 11, 23) and item.kind == "birthday"


def test_a_tie_at_the_limit_goes_to_the_name_that_sorts_first(tmp_path: Path) -> None:
    """Rows read in rank order stop at the limit only after every row that ties with the last one.
    (Live cadence rows: opening touches are cold and spread over the days.)"""
    path = tmp_path / "fup.db"
    ctx = AppContext(now=START, db_location=str(path))
    for name in ("Zoe", "Yann", "Xavier"):  # met on Fri 28 Aug: warm's first follow-up on Tue 1 Sep
        core.add_contact(ctx, core.NewContact(name, cadence="warm"), met="2026-08-28")
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        assert [r.name for r in due_rows(conn, START.date(), 1)] == ["Xavier"]
        assert [r.name for r in due_rows(conn, START.date(), 2)] == ["Xavier", "Yann"]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "birthday, touched, on, due",
    [
        ("12-30", None, date(2027, 1, 2), "2026-12-30"),  # the window crosses the new year
        ("12-30", datetime(2026, 12, 31, 10), date(2027, 1, 2), None),  # greeted after the birthday
        ("12-30", datetime(2026, 12, 29, 10), date(2027, 1, 2), "2026-12-30"),  # touched the day before
        # 29 February is the 28th in a common year, a Sunday in 2027: shown from Fri 26 Feb
        ("02-29", None, date(2027, 3, 1), "2027-02-26"),
        ("02-29", None, date(2027, 2, 26), "2027-02-26"),
        ("02-29", None, date(2027, 2, 25), None),
        ("02-29", datetime(2027, 2, 28, 10), date(2027, 3, 1), None),  # greeted on the 28th
        ("02-29", datetime(2027, 2, 26, 10), date(2027, 3, 1), None),  # greeted on the Friday it showed
        ("02-29", datetime(2027, 2, 25, 10), date(2027, 3, 1), "2027-02-26"),  # the day before it showed
        # a Saturday birthday shows from the Friday before, until six days after the day itself
        ("12-12", None, date(2026, 12, 11), "2026-12-11"),
        ("12-12", None, date(2026, 12, 18), "2026-12-11"),
        ("12-12", None, date(2026, 12, 19), None),
        ("12-12", None, date(2026, 12, 10), None),
    ],
)
def test_birthday_rows_and_counts_at_the_edges_of_the_calendar(tmp_path: Path, birthday, touched, on, due) -> None:
    path = tmp_path / "fup.db"
    ctx = AppContext(now=datetime(2026, 6, 1, 9), db_location=str(path))
    core.add_contact(ctx, core.NewContact("Ana", cadence="none", birthday=birthday), no_meeting=True)
    if touched is not None:
        ctx.now = touched
        core.log_touch(ctx, "ana")
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        rows = due_rows(conn, on)
        assert [(r.kind, r.due) for r in rows] == ([("birthday", due)] if due else [])
        assert all(r.reason.startswith("birthday on ") and r.days_overdue == (on - date.fromisoformat(r.due)).days
                   for r in rows)
        assert count_due(conn, on) == len(rows)
    finally:
        conn.close()


# --- the indexed read, one morning at a time ------------------------------------------------

NOV16 = datetime(2026, 11, 16, 9)  # a Monday


def _morning_of_issue_9(path: Path) -> None:
    ctx = AppContext(now=NOV16, db_location=str(path))
    core.add_contact(ctx, core.NewContact("Marco Rossi"),
                     step=core.NextStep("intro to their CFO", date(2026, 11, 16), "theirs"))
    core.add_contact(ctx, core.NewContact("Peter Novak"),
                     step=core.NextStep("let's talk again", date(2026, 11, 17), firmness="soft"))
    core.add_contact(ctx, core.NewContact("Helen Park"), step=core.NextStep("send contract", date(2026, 11, 19)))
    core.add_contact(ctx, core.NewContact("Sara Kim"), met="2026-11-02")
    core.log_touch(ctx, "marco", note="nudged")
    ctx.close()


ISSUE_9_ROWS = [
    ("Helen Park", "promise", "you promised: send contract", 0),
    ("Marco Rossi", "their-promise", "check in again on their promise: intro to their CFO (last on 2026-11-16)", 0),
    ("Sara Kim", "cadence", "first follow-up after the meeting on 2026-11-02 (warm cadence)", 13),
    ("Peter Novak", "soft", "soft, you said: let's talk again", 2),
]


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 4, 5])
def test_the_ranked_read_takes_the_tiers_top_down_whatever_the_limit(tmp_path: Path, limit: int) -> None:
    path = tmp_path / "fup.db"
    _morning_of_issue_9(path)
    on = date(2026, 11, 19)
    conn = sqlite3.connect(path)
    try:
        rows = due_rows(conn, on, limit)
        assert [(r.name, r.kind, r.reason, r.days_overdue) for r in rows] == ISSUE_9_ROWS[:limit or None]
        assert [r.urgency for r in rows] == sorted((r.urgency for r in rows), reverse=True)
        assert count_due(conn, on) == 4
        assert rows == reference_rows(path, on, Rules())[:limit or None]
    finally:
        conn.close()


def test_the_check_in_is_gone_until_three_workdays_after_the_touch(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    _morning_of_issue_9(path)
    conn = sqlite3.connect(path)
    try:
        for day in (date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)):
            assert "Marco Rossi" not in [r.name for r in due_rows(conn, day)], day
    finally:
        conn.close()


def test_a_snooze_ends_with_the_row_due_that_day(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    _morning_of_issue_9(path)
    ctx = AppContext(now=datetime(2026, 11, 19, 9), db_location=str(path))
    core.snooze(ctx, "sara", "2026-11-25")
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        assert "Sara Kim" not in [r.name for r in due_rows(conn, date(2026, 11, 24))]
        (sara,) = [r for r in due_rows(conn, date(2026, 11, 25)) if r.name == "Sara Kim"]
        assert (sara.kind, sara.due, sara.days_overdue) == ("cadence", "2026-11-25", 0)
        assert count_due(conn, date(2026, 11, 24)) == 3 and count_due(conn, date(2026, 11, 25)) == 4
    finally:
        conn.close()


def test_one_row_per_contact_says_what_else_is_due(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    ctx = AppContext(now=NOV16, db_location=str(path))
    core.add_contact(ctx, core.NewContact("Helen Park", birthday="11-21"),
                     step=core.NextStep("send contract", date(2026, 11, 19)))
    core.add_commitment(ctx, "helen", core.NextStep("think it over", date(2026, 11, 18), "theirs", "soft", "call"))
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        (row,) = due_rows(conn, date(2026, 11, 18))  # the soft step alone, by the channel it was given
        assert (row.kind, row.reason, row.channel) == ("soft", "soft, they said: think it over", "call")
        (row,) = due_rows(conn, date(2026, 11, 19))
        assert (row.kind, row.channel) == ("promise", "email")
        assert row.reason == "you promised: send contract (+1 more: soft, they said: think it over)"
        # Sat 21 Nov: the birthday shows from Fri 20, below the promise and above the soft step
        (row,) = due_rows(conn, date(2026, 11, 20))
        assert row.reason == "you promised: send contract (+2 more: birthday on Saturday 2026-11-21)"
        (row,) = due_rows(conn, date(2026, 11, 20), 1)
        assert row.reason.endswith("(+2 more: birthday on Saturday 2026-11-21)")
        assert count_due(conn, date(2026, 11, 20)) == 1
    finally:
        conn.close()


def test_a_contact_reopened_by_hand_is_not_overdue_on_the_reopening_day(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    ctx = AppContext(now=datetime(2026, 11, 2, 9), db_location=str(path))
    core.add_contact(ctx, core.NewContact("Sara Kim"), step=core.NextStep("send the deck", date(2026, 11, 4)))
    ctx.now = datetime(2026, 11, 5, 9)
    core.log_touch(ctx, "sara", outcome="not-interested")
    ctx.now = datetime(2026, 12, 7, 9)  # a Monday
    core.set_state(ctx, "sara", "active")
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        (row,) = due_rows(conn, date(2026, 12, 7))
        assert (row.kind, row.due, row.days_overdue) == ("promise", "2026-12-07", 0)
        assert count_due(conn, date(2026, 12, 7)) == 1
        assert due_rows(conn, date(2026, 12, 4)) == [] and count_due(conn, date(2026, 12, 4)) == 0
    finally:
        conn.close()


def test_a_row_due_tomorrow_takes_no_place_under_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "fup.db"
    ctx = AppContext(now=NOV16, db_location=str(path))
    core.add_contact(ctx, core.NewContact("Ann"), step=core.NextStep("call back", date(2026, 11, 18)))
    core.add_contact(ctx, core.NewContact("Bob"), step=core.NextStep("send deck", date(2026, 11, 17)))
    core.add_contact(ctx, core.NewContact("Cy", cadence="hot"), met="2026-11-12")
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        on = date(2026, 11, 17)
        assert [r.name for r in due_rows(conn, on, 1)] == ["Bob"]
        assert [r.name for r in due_rows(conn, on, 2)] == ["Bob", "Cy"]
        assert [r.name for r in due_rows(conn, on)] == ["Bob", "Cy"]
    finally:
        conn.close()


def test_the_no_next_step_footer_stops_counting_past_its_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The footer's count walks an index; past `render.COUNT_CAP` it says "N+" rather than count on."""
    from fupcli import render
    from fupcli.storage.queries import count_without_next_step

    monkeypatch.setenv("FUP_NOW", "2026-11-23T09:00")
    ctx = AppContext(now=datetime(2026, 11, 23, 9), db_location=str(tmp_path / "fup.db"))
    for n in range(4):
        core.add_contact(ctx, core.NewContact(f"Person {n}"))
    conn = ctx.store.reader()
    assert count_without_next_step(conn) == 4
    assert count_without_next_step(conn, cap=2) == 3  # cap + 1: "more than the cap"
    assert count_without_next_step(conn, cap=10) == 4
    ctx.close()
    monkeypatch.setattr(render, "COUNT_CAP", 2)
    out = io.StringIO()
    render.today([], "table", date(2026, 11, 23), 0, 3, out)
    assert out.getvalue().endswith("2+ active contacts have no agreed next step (fup list --no-next-step)\n")
    out = io.StringIO()
    render.today([], "table", date(2026, 11, 23), 0, 2, out)
    assert out.getvalue().endswith("2 active contacts have no agreed next step (fup list --no-next-step)\n")
