"""Every `fup` command through Typer's CliRunner, on a real SQLite file in a temp FUP_HOME.

Each test starts from an empty home with "now" fixed to Monday 2026-11-23
09:00 (see conftest.py), drives the app exactly as a user would, and reads
results back from `--format json`: the ranked rows of `fup today`, and the
contact cards of `fup show` and `fup list`. Days pass by moving FUP_NOW or by
looking ahead with `fup today --on`.

The second half feeds bad input (unknown or ambiguous WHO, impossible dates,
unknown words, a database that is not fup's) and checks the promise of the
"Bad input" rules: a specific non-zero exit code, exactly one line on stderr,
no traceback, and a database left exactly as it was (an `iterdump()` before
and after; byte-identical files for databases that are not ours). A
hypothesis test then throws random text at a few commands.

Reason strings are prose and may be reworded, so they are only checked for
the facts they must mention; kinds, dates, counts and states are exact.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupcli.errors import ExitCode
from fupcli.vocabulary import CHANNELS, OUTCOMES, STATES

TODAY_KEYS = {
    "contact_id", "name", "company", "kind", "reason", "due",
    "days_overdue", "channel", "urgency", "last_touch", "owner",
}
CONTACT_KEYS = {
    "id", "name", "company", "title", "email", "phone", "url", "tags", "source",
    "channel", "cadence", "state", "birthday", "notes", "next_due",
}


# --- helpers ---------------------------------------------------------------------


def today_rows(fup, on: str | None = None, *extra: str) -> list[dict]:
    args = ["today", "-f", "json", *extra]
    if on is not None:
        args += ["--on", on]
    rows = fup.json(*args)
    for row in rows:
        assert set(row) == TODAY_KEYS
    return rows


def names(rows: list[dict]) -> list[str]:
    return [row["name"] for row in rows]


def row_of(rows: list[dict], name: str) -> dict:
    found = [row for row in rows if row["name"] == name]
    assert len(found) == 1, f"{name} appears {len(found)} times in {names(rows)}"
    return found[0]


def card(fup, who: str) -> dict:
    view = fup.json("show", who, "-f", "json")
    assert CONTACT_KEYS | {"touches", "commitments"} <= set(view)
    return view


def assert_one_line_error(result, code: ExitCode, stdout_empty: bool = True) -> str:
    """The Bad input contract: this exit code, one line on stderr, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"stderr is not one line: {result.stderr!r}"
    assert result.stderr.endswith("\n")
    if stdout_empty:
        assert result.stdout == ""
    return lines[0]


def footer_count(table_output: str) -> int:
    found = re.search(r"(\d+) active contacts? ha(?:s|ve) no agreed next step", table_output)
    assert found, f"no footer in: {table_output!r}"
    return int(found.group(1))


# --- add ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, cadence, due, kind",
    [
        ("2026-11-23", "warm", "2026-11-27", "cadence"),  # Monday + 4 = Friday
        ("2026-11-25", "warm", "2026-11-30", "cadence"),  # Wednesday + 4 = Sunday -> Monday
        ("2026-11-26", "hot", "2026-11-27", "cadence"),  # Thursday + 2 = Saturday -> Friday, the nearest workday
        ("2026-11-27", "vip", "2026-11-30", "cadence"),  # Friday + 2 = Sunday -> Monday
        ("2026-11-24", "nurture", "2026-12-24", "cold"),  # Tuesday + 30 = Thursday; a nurture rhythm is cold
    ],
)
def test_add_after_a_meeting_schedules_the_first_follow_up_gaps0_later_on_a_workday(fup, now, cadence, due, kind):
    fup.at(now)
    out = fup.ok("add", "Ana Ruiz", "--cadence", cadence).stdout
    assert due in out

    view = card(fup, "Ana Ruiz")
    assert (view["state"], view["cadence"], view["next_due"]) == ("active", cadence, due)
    assert [(t["channel"], t["outcome"], t["at"][:10]) for t in view["touches"]] == [("meeting", "meeting", now)]
    assert view["last_touch"] == now

    day_before = (date.fromisoformat(due) - timedelta(days=1)).isoformat()
    assert today_rows(fup, day_before) == []
    row = row_of(today_rows(fup, due), "Ana Ruiz")
    assert (row["kind"], row["due"], row["days_overdue"], row["last_touch"]) == (kind, due, 0, now)


def test_add_stores_every_field_given(fup):
    fup.ok(
        "add", "Ana Ruiz", "--company", "Acme", "--title", "CTO", "--email", "Ana@Acme.example",
        "--phone", "+34 600 000 000", "--url", "https://acme.example/ana", "--tag", "vc", "--tag", "Seed",
        "--source", "Web Summit", "--channel", "linkedin", "--cadence", "hot", "--birthday", "03-14",
        "--note", "likes tea",
    )
    view = card(fup, "ana")
    assert {k: view[k] for k in CONTACT_KEYS - {"next_due"}} == {
        "id": 1, "name": "Ana Ruiz", "company": "Acme", "title": "CTO", "email": "ana@acme.example",
        "phone": "+34 600 000 000", "url": "https://acme.example/ana", "tags": ["vc", "seed"],
        "source": "Web Summit", "channel": "linkedin", "cadence": "hot", "state": "active",
        "birthday": "03-14", "notes": "likes tea",
    }
    assert view["next_due"] == "2026-11-25"


def test_add_with_met_anchors_on_the_meeting_date(fup):
    fup.ok("add", "Ana Ruiz", "--met", "2026-11-20")  # Friday + 4 = Tuesday
    view = card(fup, "ana")
    assert view["touches"][0]["at"][:10] == "2026-11-20"
    assert view["next_due"] == "2026-11-24"


def test_add_no_meeting_is_due_today_and_the_opening_touch_plays_the_meeting(fup):
    fup.ok("add", "Bob Stone", "--no-meeting", "--channel", "call")
    view = card(fup, "bob")
    assert view["touches"] == []
    assert view["next_due"] == "2026-11-23"
    row = row_of(today_rows(fup), "Bob Stone")  # an opening touch is a cold row
    assert (row["kind"], row["due"], row["days_overdue"], row["channel"], row["last_touch"]) == (
        "cold", "2026-11-23", 0, "call", None)

    fup.at("2026-11-24")  # Tuesday: the opening touch; + 4 = Saturday -> Friday, the nearest workday
    fup.ok("log", "bob")
    view = card(fup, "bob")
    # the opening touch counts as unanswered, and the first follow-up after it is a live cadence row
    assert (view["next_due"], view["unanswered_streak"], view["next"]["kind"]) == ("2026-11-27", 1, "cadence")
    assert today_rows(fup, "2026-11-26") == []


def test_add_no_meeting_on_cadence_none_is_never_due(fup):
    fup.ok("add", "Bob Stone", "--no-meeting", "--cadence", "none")
    assert card(fup, "bob")["next_due"] is None
    assert today_rows(fup) == []
    assert today_rows(fup, "2027-06-01") == []


def test_add_with_next_step_records_a_hard_commitment_of_mine(fup):
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "fri")
    [c] = card(fup, "ana")["commitments"]
    assert {k: c[k] for k in ("whose", "action", "due", "firmness", "status")} == {
        "whose": "mine", "action": "send the deck", "due": "2026-11-27", "firmness": "hard", "status": "open"}


def test_add_refuses_a_duplicate_email_in_any_case(fup):
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example")
    before = fup.dump()
    result = fup("add", "Ana Other", "--email", "ANA@acme.example")
    assert "ana@acme.example" in assert_one_line_error(result, ExitCode.CONFLICT)
    assert fup.dump() == before
    assert names(fup.json("list", "-f", "json")) == ["Ana Ruiz"]


# --- log ----------------------------------------------------------------------------


def test_log_channel_defaults_to_the_preferred_channel(fup):
    fup.ok("add", "Ana Ruiz", "--channel", "linkedin")
    fup.at("2026-11-27")
    out = fup.ok("log", "ana").stdout
    fup.ok("log", "ana", "call", "--outcome", "no-answer", "--note", "voicemail full")
    touches = card(fup, "ana")["touches"]
    assert [(t["channel"], t["direction"], t["outcome"], t["note"]) for t in touches[1:]] == [
        ("linkedin", "out", "sent", None),
        ("call", "out", "no-answer", "voicemail full"),
    ]
    assert "2026-11-30" in out  # prints the new next due date


def test_log_counts_unanswered_follow_ups_from_the_last_touch_and_in_resets(fup):
    fup.ok("add", "Ana Ruiz")  # Monday: due Friday 11-27 (warm: 4, 3, 3, ...)
    fup.at("2026-11-27")
    fup.ok("log", "ana")  # 1 unanswered: + 3 = Monday 11-30
    assert (card(fup, "ana")["next_due"], card(fup, "ana")["unanswered_streak"]) == ("2026-11-30", 1)
    fup.at("2026-12-02")  # late: counts from this touch, no catch-up
    fup.ok("log", "ana")  # 2 unanswered: + 3 = Saturday -> Friday 12-04, the nearest workday
    assert (card(fup, "ana")["next_due"], card(fup, "ana")["unanswered_streak"]) == ("2026-12-04", 2)
    fup.at("2026-12-03")  # Thursday: they write back; warm's first gap (4) beats half the gap reached (5 // 2)
    result = fup.ok("log", "ana", "--in")
    view = card(fup, "ana")
    assert (view["state"], view["unanswered_streak"], view["next_due"]) == ("active", 0, "2026-12-07")
    assert view["touches"][-1]["direction"] == "in"
    assert view["touches"][-1]["outcome"] == "replied"
    assert "2026-12-07" in result.stdout
    assert today_rows(fup, "2026-12-04") == []


@pytest.mark.parametrize("outcome", ["talked", "replied", "meeting", "won"])
def test_log_two_way_outcomes_reset_the_streak(fup, outcome):
    fup.ok("add", "Ana Ruiz")
    fup.at("2026-11-27")
    fup.ok("log", "ana")
    fup.at("2026-11-30")
    fup.ok("log", "ana", "call", "--outcome", outcome)
    view = card(fup, "ana")
    assert view["unanswered_streak"] == 0
    # warm gaps[0] = 4 -> Friday 12-04; a client is checked in on the nurture gaps (30 -> 12-30)
    assert view["next_due"] == ("2026-12-30" if outcome == "won" else "2026-12-04")


def test_log_not_interested_closes_and_is_never_due_again(fup):
    fup.ok("add", "Carla Diaz", "--next", "send the deck", "--due", "2026-11-30")
    fup.at("2026-11-24")
    fup.ok("log", "carla", "--outcome", "not-interested")
    view = card(fup, "carla")
    assert (view["state"], view["next_due"]) == ("closed", None)
    for day in ("2026-11-24", "2026-11-30", "2027-01-15", "2027-11-24"):
        assert today_rows(fup, day) == []
    assert names(fup.json("list", "--state", "closed", "-f", "json")) == ["Carla Diaz"]
    assert fup.json("list", "--state", "active", "-f", "json") == []


def test_log_won_makes_a_client_checked_in_on_the_nurture_gaps(fup):
    fup.ok("add", "Dan Eve")
    fup.at("2026-11-24")
    fup.ok("log", "dan", "call", "--outcome", "won")
    view = card(fup, "dan")
    assert (view["state"], view["next_due"]) == ("client", "2026-12-24")  # Tuesday + 30 = Thursday
    assert today_rows(fup, "2026-12-23") == []
    row = row_of(today_rows(fup, "2026-12-24"), "Dan Eve")
    assert (row["kind"], row["due"]) == ("cadence", "2026-12-24")


def test_log_ask_again_date_is_honoured_exactly(fup):
    fup.ok("add", "Bob Stone")
    fup.at("2026-11-24")
    out = fup.ok("log", "bob", "call", "--outcome", "talked", "--ask-again", "2027-01-09").stdout
    assert "2027-01-09" in out
    view = card(fup, "bob")
    assert view["next_due"] == "2027-01-09"  # a Saturday, kept as typed
    assert view["touches"][-1]["ask_again"] == "2027-01-09"
    for day in ("2026-11-28", "2026-12-15", "2027-01-08"):  # nothing of the cadence before it
        assert today_rows(fup, day) == []
    row = row_of(today_rows(fup, "2027-01-09"), "Bob Stone")
    assert (row["kind"], row["due"], row["days_overdue"]) == ("asked", "2027-01-09", 0)
    assert "2027-01-09" in row["reason"]
    assert row_of(today_rows(fup, "2027-01-12"), "Bob Stone")["days_overdue"] == 3


def test_log_next_records_a_commitment(fup):
    fup.ok("add", "Ana Ruiz")
    fup.at("2026-11-24")
    fup.ok("log", "ana", "call", "--outcome", "talked", "--next", "intro to CFO", "--due", "2026-12-01", "--theirs", "--soft")
    [c] = card(fup, "ana")["commitments"]
    assert (c["whose"], c["action"], c["due"], c["firmness"], c["status"]) == (
        "theirs", "intro to CFO", "2026-12-01", "soft", "open")


def test_log_parked_contact_replying_goes_back_to_active_on_its_own_profile(fup):
    fup.ok("add", "Hugo", "--cadence", "hot")  # hot: 2, 1, 2, 3, 5, 8, 13, then park
    for day in ("2026-11-25", "2026-11-26", "2026-11-30", "2026-12-03", "2026-12-08", "2026-12-16", "2026-12-29"):
        fup.ok("log", "hugo", now=f"{day}T10:00")  # each logged on its day
    view = card(fup, "hugo")
    # 7 unanswered: parked, next check-in nurture gaps[0] = 30 days after the last touch (a cold row)
    assert (view["state"], view["unanswered_streak"], view["next_due"]) == ("nurture", 7, "2027-01-28")
    assert view["next"]["kind"] == "cold"
    fup.at("2027-01-05")
    fup.ok("log", "hugo", "--in")
    view = card(fup, "hugo")
    # A reply keeps the relationship's age: the next follow-up comes half the gap it had reached
    # (12-16 to 12-29: 13 days // 2 = 6) after the reply, not hot's first gap: Mon 01-11.
    assert (view["state"], view["cadence"], view["unanswered_streak"], view["next_due"]) == (
        "active", "hot", 0, "2027-01-11")
    assert view["next"]["kind"] == "cadence"


# --- commitments: next, done, drop -----------------------------------------------------


def test_next_done_and_drop(fup):
    fup.ok("add", "Ana Ruiz")
    out = fup.ok("next", "ana", "send the deck", "--due", "fri").stdout
    assert "send the deck" in out and "2026-11-27" in out
    fup.ok("next", "ana", "intro to CFO", "--due", "2026-12-01", "--theirs", "--soft")
    fup.ok("next", "ana", "send pricing", "--due", "2026-12-10")
    commitments = card(fup, "ana")["commitments"]
    assert [(c["action"], c["whose"], c["due"], c["firmness"], c["status"]) for c in commitments] == [
        ("send the deck", "mine", "2026-11-27", "hard", "open"),
        ("intro to CFO", "theirs", "2026-12-01", "soft", "open"),
        ("send pricing", "mine", "2026-12-10", "hard", "open"),
    ]
    ids = {c["action"]: c["id"] for c in commitments}

    fup.at("2026-11-27")
    before = fup.dump()
    several = fup("done", "ana")  # three open and none named: which one?
    assert_one_line_error(several, ExitCode.AMBIGUOUS)
    assert (f"commitment {ids['send the deck']}: send the deck (due 2026-11-27); "
            f"commitment {ids['intro to CFO']}: intro to CFO (due 2026-12-01)") in several.stderr
    assert "#" not in several.stderr and "--id" in several.stderr
    assert fup.dump() == before
    fup.ok("done", "ana", "--id", str(ids["send the deck"]))
    fup.ok("drop", "ana", "--id", str(ids["send pricing"]))
    status = {c["action"]: (c["status"], c["closed_at"]) for c in card(fup, "ana")["commitments"]}
    assert status == {
        "send the deck": ("done", "2026-11-27T09:00:00"),
        "intro to CFO": ("open", None),
        "send pricing": ("dropped", "2026-11-27T09:00:00"),
    }
    fup.ok("done", "ana")  # the only one open
    assert all(c["status"] != "open" for c in card(fup, "ana")["commitments"])

    before = fup.dump()
    assert_one_line_error(fup("done", "ana"), ExitCode.NOT_FOUND)
    assert_one_line_error(fup("drop", "ana", "--id", str(ids["intro to CFO"])), ExitCode.NOT_FOUND)
    assert fup.dump() == before


def test_my_promise_is_due_on_its_date_and_grows_overdue_until_done(fup):
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "2026-11-25")
    assert today_rows(fup, "2026-11-24") == []
    for day, overdue in (("2026-11-25", 0), ("2026-11-26", 1), ("2026-12-02", 7)):
        row = row_of(today_rows(fup, day), "Ana Ruiz")
        assert (row["kind"], row["due"], row["days_overdue"]) == ("promise", "2026-11-25", overdue)
        assert "send the deck" in row["reason"]
    fup.at("2026-12-02")
    fup.ok("done", "ana")
    assert row_of(today_rows(fup), "Ana Ruiz")["kind"] == "cadence"


def test_their_promise_becomes_a_check_in_on_its_date(fup):
    fup.ok("add", "Fay Gum", "--next", "send pricing", "--due", "2026-11-26", "--theirs")
    assert today_rows(fup, "2026-11-25") == []
    row = row_of(today_rows(fup, "2026-11-26"), "Fay Gum")
    assert (row["kind"], row["due"], row["days_overdue"]) == ("their-promise", "2026-11-26", 0)
    assert "send pricing" in row["reason"]


@pytest.mark.parametrize("theirs", [False, True])
def test_a_hard_future_commitment_hides_the_cadence_row(fup, theirs):
    fup.ok("add", "Dan Eve", "--next", "call with the CFO", "--due", "2026-12-10", *(["--theirs"] if theirs else []))
    view = card(fup, "dan")
    assert view["next_due"] == "2026-12-10"
    assert view["next"]["kind"] == ("their-promise" if theirs else "promise")
    for day in ("2026-11-27", "2026-12-01", "2026-12-09"):  # the cadence would be due from 11-27
        assert today_rows(fup, day) == []
    row = row_of(today_rows(fup, "2026-12-10"), "Dan Eve")
    assert row["kind"] == ("their-promise" if theirs else "promise")


def test_a_soft_commitment_does_not_pause_the_cadence(fup):
    fup.ok("add", "Eli Fox", "--next", "maybe a coffee", "--due", "2026-12-10", "--soft")
    assert card(fup, "eli")["next_due"] == "2026-11-27"
    row = row_of(today_rows(fup, "2026-11-27"), "Eli Fox")
    assert (row["kind"], row["due"]) == ("cadence", "2026-11-27")


# --- today ----------------------------------------------------------------------------


def test_today_on_an_empty_database_tells_a_new_user_what_to_do(fup):
    result = fup.ok("today")
    assert "fup add" in result.stdout
    assert result.stderr == ""
    assert today_rows(fup) == []


def test_today_ranks_rows_by_the_documented_rules(fup):
    # (added then, first: a cold row goes on the emptiest day from its due date when it is planned)
    fup.ok("add", "Nia Nurture", "--cadence", "nurture", "--met", "2026-10-19T10:00", now="2026-10-19T10:00")  # due 11-18
    fup.ok("add", "Vic Vip", "--cadence", "vip", "--met", "2026-11-16T10:00")  # due Wed 11-18
    fup.ok("add", "Hal Hot", "--cadence", "hot", "--met", "2026-11-16T10:00")  # due 11-18
    fup.ok("add", "Wes Warm", "--met", "2026-11-14T10:00")  # due 11-18
    fup.ok("add", "Ada Warm", "--met", "2026-11-14T10:00")  # due 11-18
    fup.ok("add", "Walt Warm", "--met", "2026-11-12T10:00")  # due Mon 11-16
    fup.ok("add", "Pia Promise", "--met", "2026-11-13T10:00", "--next", "send the deck", "--due", "2026-11-18")
    fup.ok("add", "Tom Theirs", "--met", "2026-11-13T10:00", "--next", "send pricing", "--due", "2026-11-18", "--theirs")
    fup.ok("add", "Quinn Asked", "--met", "2026-11-13T10:00")
    fup.ok("log", "quinn", "--at", "2026-11-16T10:00", "--ask-again", "2026-11-18")

    rows = today_rows(fup)
    expected = {
        "Vic Vip": ("cadence", "2026-11-18", 5), "Hal Hot": ("cadence", "2026-11-18", 5),
        "Wes Warm": ("cadence", "2026-11-18", 5), "Ada Warm": ("cadence", "2026-11-18", 5),
        "Nia Nurture": ("cold", "2026-11-18", 5), "Walt Warm": ("cadence", "2026-11-16", 7),
        "Pia Promise": ("promise", "2026-11-18", 5), "Tom Theirs": ("their-promise", "2026-11-18", 5),
        "Quinn Asked": ("asked", "2026-11-18", 5),
    }
    assert {r["name"]: (r["kind"], r["due"], r["days_overdue"]) for r in rows} == expected
    assert len(rows) == len(expected)  # one row per contact

    # Tier first (promise > asked > their promise > cadence > cold), then days overdue, then the
    # profile's weight (vip > hot > warm), then the name (Ada before Wes); a nurture rhythm is cold.
    assert names(rows) == [
        "Pia Promise", "Quinn Asked", "Tom Theirs",
        "Walt Warm", "Vic Vip", "Hal Hot", "Ada Warm", "Wes Warm", "Nia Nurture",
    ]
    # urgency = (6 - tier) x 10,000,000 + days overdue + profile weight / 10
    assert [r["urgency"] for r in rows] == [
        60_000_005.0, 50_000_005.0, 40_000_005.0,
        20_000_007.2, 20_000_005.4, 20_000_005.3, 20_000_005.2, 20_000_005.2, 10_000_005.1,
    ]
    assert today_rows(fup, None, "--limit", "3") == rows[:3]
    assert fup.ok("today", "-f", "csv").stdout.splitlines()[1].startswith("7,Pia Promise,")


def test_a_promise_due_today_outranks_a_cadence_row_a_month_overdue(fup):
    fup.ok("add", "Old Vip", "--cadence", "vip", "--met", "2026-10-20T10:00")  # due Thu 10-22
    fup.ok("add", "New Promise", "--next", "send the deck", "--due", "2026-11-23")
    fup.ok("add", "Ask Later", "--met", "2026-11-02T10:00")
    fup.ok("log", "ask", "--at", "2026-11-03T10:00", "--in", "--ask-again", "2026-11-23")
    rows = today_rows(fup)
    assert [(r["name"], r["kind"], r["days_overdue"]) for r in rows] == [
        ("New Promise", "promise", 0), ("Ask Later", "asked", 0), ("Old Vip", "cadence", 32)]
    assert rows[0]["urgency"] == 60_000_000.0 and rows[2]["urgency"] == 20_000_032.4
    table = fup.ok("today").stdout
    assert table.index("New Promise") < table.index("Ask Later") < table.index("Old Vip")


def test_today_csv_has_the_same_columns_and_rows_as_json(fup):
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--met", "2026-11-16T10:00")
    fup.ok("add", "Bob Stone", "--no-meeting", "--channel", "call")
    rows = today_rows(fup)
    text = fup.ok("today", "-f", "csv").stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0]
    assert header == "contact_id,name,company,kind,reason,due,days_overdue,channel,urgency,last_touch,owner"
    assert [(r["name"], r["kind"], r["due"], r["days_overdue"]) for r in parsed] == [
        (r["name"], r["kind"], r["due"], str(r["days_overdue"])) for r in rows]


def test_today_footer_counts_active_contacts_with_no_agreed_next_step(fup):
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "Bob Stone", "--no-meeting")
    fup.ok("add", "Carla Diaz", "--next", "send the deck", "--due", "2026-12-01")  # hard: has a next step
    fup.ok("add", "Dan Eve", "--next", "send pricing", "--due", "2026-12-01", "--theirs")  # theirs, hard
    fup.ok("add", "Eve Won")
    fup.ok("add", "Finn No")
    fup.ok("log", "eve", "--outcome", "won")  # a client: not counted
    fup.ok("log", "finn", "--outcome", "not-interested")  # closed: not counted
    fup.ok("add", "Gus None", "--cadence", "none")  # not chased, so no gap to point out
    fup.ok("add", "Hope Soft", "--next", "coffee some time", "--due", "2026-12-01", "--soft")  # soft is no next step
    fup.ok("add", "Ivy Asked")
    fup.ok("log", "ivy", "call", "--outcome", "talked", "--ask-again", "2026-12-14")  # a date they asked for
    fup.ok("add", "Jo Parked", "--cadence", "hot")
    fup.ok("state", "jo", "nurture")  # not active: not counted

    assert footer_count(fup.ok("today").stdout) == 3
    assert sorted(names(fup.json("list", "--no-next-step", "-f", "json"))) == ["Ana Ruiz", "Bob Stone", "Hope Soft"]
    fup.ok("next", "ana", "book the demo", "--due", "2026-12-02")
    assert footer_count(fup.ok("today").stdout) == 2
    fup.ok("done", "ana")  # the step is done: no agreed next step again
    assert footer_count(fup.ok("today").stdout) == 3

    # The asked-for date honoured (a touch on or after it): Ivy has no next step left.
    fup.at("2026-12-14")
    fup.ok("log", "ivy", "call", "--outcome", "no-answer")
    assert "Ivy Asked" in names(fup.json("list", "--no-next-step", "-f", "json"))
    # Carla's and Dan's steps stay agreed next steps while open, however late.
    assert not {"Carla Diaz", "Dan Eve"} & set(names(fup.json("list", "--no-next-step", "-f", "json")))
    table = fup.ok("today").stdout
    assert footer_count(table) == len(fup.json("list", "--no-next-step", "-f", "json")) == 4


def test_today_shows_no_footer_when_every_active_contact_has_a_next_step(fup):
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "2026-11-23")
    fup.ok("add", "Gus None", "--cadence", "none")
    table = fup.ok("today").stdout
    assert "Ana Ruiz" in table and "no agreed next step" not in table
    assert fup.json("list", "--no-next-step", "-f", "json") == []


# --- the morning list (issue 9) ---------------------------------------------------------------


def test_issue_9_reproduction_promises_first_check_ins_clear_soft_last_snooze_means_it(fup):
    fup.at("2026-11-16")
    fup.ok("add", "Marco Rossi", "--next", "intro to their CFO", "--due", "2026-11-16", "--theirs")
    fup.ok("add", "Peter Novak", "--next", "let's talk again", "--due", "2026-11-17", "--soft")
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-19")
    fup.ok("add", "Sara Kim", "--met", "2026-11-02")
    out = fup.ok("log", "marco", "--note", "nudged").stdout
    assert "Next: 2026-11-19" in out and "intro to their CFO" in out  # checked in: 3 workdays later

    fup.at("2026-11-19")
    rows = today_rows(fup)
    assert [(r["name"], r["kind"], r["due"], r["days_overdue"]) for r in rows] == [
        ("Helen Park", "promise", "2026-11-19", 0),
        ("Marco Rossi", "their-promise", "2026-11-19", 0),
        ("Sara Kim", "cadence", "2026-11-06", 13),
        ("Peter Novak", "soft", "2026-11-17", 2),
    ]
    assert rows[0]["reason"] == "you promised: send contract"
    assert "intro to their CFO" in rows[1]["reason"] and "2026-11-16" in rows[1]["reason"]
    assert "warm cadence" in rows[2]["reason"]
    assert rows[3]["reason"] == "soft, you said: let's talk again"
    assert [r["urgency"] for r in rows] == [60_000_000.0, 40_000_000.0, 20_000_013.2, 2.0]
    table = fup.ok("today").stdout
    positions = [table.index(name) for name in ("Helen Park", "Marco Rossi", "Sara Kim", "Peter Novak")]
    assert positions == sorted(positions)
    assert "soft, you said: let's talk again" in table and "you promised: let's talk again" not in table

    fup.ok("snooze", "sara", "2026-11-25")
    assert "Sara Kim" not in names(today_rows(fup, "2026-11-24"))
    fup.at("2026-11-25")
    sara = row_of(today_rows(fup), "Sara Kim")
    assert (sara["kind"], sara["due"], sara["days_overdue"]) == ("cadence", "2026-11-25", 0)
    assert sara["urgency"] == 20_000_000.2
    assert (card(fup, "sara")["next_due"], card(fup, "sara")["next"]["due"]) == ("2026-11-25", "2026-11-25")


def test_a_soft_step_of_theirs_is_worded_as_soft_and_ranks_last(fup):
    fup.ok("add", "Una Late", "--cadence", "nurture", now="2026-10-19T10:00")  # due 11-18, weight 1
    fup.ok("add", "Tia Soft", "--cadence", "nurture", "--met", "2026-11-16T10:00",  # cadence due 12-16
           "--next", "think it over", "--due", "2026-11-18", "--theirs", "--soft")
    rows = today_rows(fup)
    # (a nurture rhythm is a cold row: still above a soft step)
    assert [(r["name"], r["kind"], r["days_overdue"]) for r in rows] == [("Una Late", "cold", 5), ("Tia Soft", "soft", 5)]
    assert rows[1]["reason"] == "soft, they said: think it over"
    assert rows[1]["urgency"] == 5.0
    assert card(fup, "tia")["next_due"] == "2026-11-18"
    # (a soft step is no agreed next step, but contacts on the nurture cadence lack none)
    assert names(fup.json("list", "--no-next-step", "-f", "json")) == []
    # A touch on or after its date clears the soft step; the cadence carries on alone.
    fup.ok("log", "tia")
    assert "Tia Soft" not in names(today_rows(fup))
    assert [item["kind"] for item in card(fup, "tia")["agenda"]] == ["cold"]
    assert [c["status"] for c in card(fup, "tia")["commitments"]] == ["open"]


def test_one_row_per_contact_says_what_else_is_due_and_show_lists_the_agenda(fup):
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-19", "--met", "2026-11-16T10:00")
    fup.ok("next", "helen", "think it over", "--due", "2026-11-18", "--theirs", "--soft")
    fup.ok("next", "helen", "book the room", "--due", "2026-11-20", "--channel", "call")
    fup.ok("next", "helen", "send the invoice", "--due", "2026-12-01")
    rows = today_rows(fup, "2026-11-19")
    assert len(rows) == 1
    assert (rows[0]["kind"], rows[0]["due"]) == ("promise", "2026-11-19")
    assert rows[0]["reason"] == "you promised: send contract (+1 more: soft, they said: think it over)"
    [row] = today_rows(fup, "2026-11-23")
    assert row["reason"] == "you promised: send contract (+2 more: you promised: book the room)"
    assert row["days_overdue"] == 4

    view = card(fup, "helen")  # on Mon 11-23
    assert [(a["kind"], a["due"], a["due_now"], a["channel"]) for a in view["agenda"]] == [
        ("promise", "2026-11-19", True, "email"),
        ("promise", "2026-11-20", True, "call"),
        ("soft", "2026-11-18", True, "email"),
        ("promise", "2026-12-01", False, "email"),
    ]
    assert [a["reason"] for a in view["agenda"]] == [
        "you promised: send contract", "you promised: book the room", "soft, they said: think it over",
        "you promised: send the invoice"]
    assert view["next"] == {"kind": "promise", "due": "2026-11-19", "reason": "you promised: send contract",
                            "channel": "email"}
    table = fup.ok("show", "helen").stdout
    assert "Agenda" in table
    for reason in ("send contract", "book the room", "think it over", "send the invoice"):
        assert reason in table.split("Agenda", 1)[1]


def test_a_long_next_reason_is_shortened_in_the_row(fup):
    long_action = "prepare the detailed rollout plan for all eleven regional offices"
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-19", "--met", "2026-11-16T10:00")
    fup.ok("next", "helen", long_action, "--due", "2026-11-20")
    [row] = today_rows(fup)
    head = "you promised: send contract (+1 more: "
    assert row["reason"].startswith(head) and row["reason"].endswith("…)")
    quoted = row["reason"][len(head):-1]
    assert ("you promised: " + long_action).startswith(quoted[:-1]) and len(quoted) <= 48


def test_a_check_in_on_their_promise_clears_and_comes_back_checkin_gap_workdays_later(fup):
    fup.at("2026-11-09")
    fup.ok("add", "Ben Okafor", "--next", "send Q3 numbers", "--due", "2026-11-13", "--theirs")
    assert today_rows(fup, "2026-11-12") == []
    row = row_of(today_rows(fup, "2026-11-13"), "Ben Okafor")
    assert (row["kind"], row["due"]) == ("their-promise", "2026-11-13")
    assert row["reason"] == "check in on their promise: send Q3 numbers"

    fup.at("2026-11-16")  # Monday: you call; three workdays later is Thursday
    out = fup.ok("log", "ben", "call", "--outcome", "no-answer").stdout
    assert "Next: 2026-11-19" in out and "send Q3 numbers" in out
    assert today_rows(fup) == []
    assert today_rows(fup, "2026-11-18") == []
    row = row_of(today_rows(fup, "2026-11-19"), "Ben Okafor")
    assert (row["kind"], row["due"], row["days_overdue"]) == ("their-promise", "2026-11-19", 0)
    assert "send Q3 numbers" in row["reason"] and "2026-11-16" in row["reason"]

    fup.at("2026-11-20")  # Friday: again, any direction and outcome; Wed 11-25 next
    fup.ok("log", "ben", "--in", "--outcome", "replied")
    assert card(fup, "ben")["next_due"] == "2026-11-25"
    assert [c["status"] for c in card(fup, "ben")["commitments"]] == ["open"]  # they still owe it

    (fup.home / "config.toml").write_text("checkin_gap = 1\n")
    fup.ok("reschedule")
    assert card(fup, "ben")["next_due"] == "2026-11-23"  # Fri + 1 workday = Mon

    fup.ok("done", "ben")  # delivered: the check-ins end, the cadence resumes
    view = card(fup, "ben")
    assert [a["kind"] for a in view["agenda"]] == ["cadence"]
    assert view["next_due"] == "2026-11-24"  # the reply on Fri 11-20 + 4 = Tue


def test_a_promise_made_on_its_due_date_counts_as_talked_about(fup):
    """The meeting or call at which they promise something for that very day is a touch on its due
    date: the first check-in comes `checkin_gap` workdays later, and a soft step of that day is done."""
    fup.ok("add", "Marco Rossi", "--next", "intro to their CFO", "--due", "2026-11-23", "--theirs")
    fup.ok("add", "Peter Novak", "--next", "let's talk again", "--due", "2026-11-23", "--soft")
    fup.ok("add", "Ana Ruiz", "--met", "2026-11-16T10:00")
    fup.ok("log", "ana", "call", "--outcome", "talked", "--next", "send the numbers", "--due", "2026-11-23", "--theirs")
    assert today_rows(fup) == []
    rows = {r["name"]: (r["kind"], r["due"], r["reason"]) for r in today_rows(fup, "2026-11-26")}
    assert rows == {
        "Marco Rossi": ("their-promise", "2026-11-26", "check in again on their promise: intro to their CFO (last on 2026-11-23)"),
        "Ana Ruiz": ("their-promise", "2026-11-26", "check in again on their promise: send the numbers (last on 2026-11-23)"),
    }


@pytest.mark.parametrize("value", ["0", "61", '"3"', "true", "2.5", "-1"])
def test_a_bad_checkin_gap_is_one_line_and_writes_nothing(fup, value):
    fup.ok("add", "Ana Ruiz")
    before = fup.dump()
    (fup.home / "config.toml").write_text(f"checkin_gap = {value}\n")
    message = assert_one_line_error(fup("today"), ExitCode.USAGE)
    assert "checkin_gap" in message
    assert_one_line_error(fup("log", "ana"), ExitCode.USAGE)
    assert fup.dump() == before


def test_an_honoured_asked_for_date_restarts_the_cadence(fup):
    fup.ok("add", "Tom Hale", "--cadence", "hot", "--met", "2026-11-02T10:00")
    for day in ("2026-11-04", "2026-11-05", "2026-11-09"):
        fup.ok("log", "tom", "--at", f"{day}T10:00")  # three unanswered: hot's next gap would be 3
    fup.ok("log", "tom", "--at", "2026-11-12T10:00", "--ask-again", "2026-11-26")
    assert card(fup, "tom")["next_due"] == "2026-11-26"
    assert names(fup.json("list", "--no-next-step", "-f", "json")) == []

    fup.at("2026-11-26")
    row = row_of(today_rows(fup), "Tom Hale")
    assert (row["kind"], row["due"], row["days_overdue"]) == ("asked", "2026-11-26", 0)
    out = fup.ok("log", "tom", "call", "--outcome", "no-answer").stdout  # the date honoured
    view = card(fup, "tom")
    # hot's first gap (2) from the call: Sat 11-28 -> Fri 11-27; the cadence starts again, while
    # the unanswered count goes on since the meeting (3 follow-ups, the ask, the call)
    assert (view["next_due"], view["unanswered_streak"]) == ("2026-11-27", 5)
    assert "2026-11-27" in out and "first follow-up" in view["next"]["reason"]
    assert names(fup.json("list", "--no-next-step", "-f", "json")) == ["Tom Hale"]


def test_a_win_closes_what_they_owed_and_keeps_what_i_owe(fup):
    fup.ok("add", "Maya Lee", "--next", "sign the contract", "--due", "2026-11-30", "--theirs")
    fup.ok("next", "maya", "onboarding call", "--due", "2026-12-07")
    fup.ok("next", "maya", "send the logo", "--due", "2026-12-01", "--theirs", "--soft")
    fup.at("2026-11-25")
    out = fup.ok("log", "maya", "call", "--outcome", "won").stdout
    first = out.splitlines()[0]
    assert first.startswith("Logged call with Maya Lee (won).")
    assert "Maya Lee is now client." in first
    assert first.endswith(" Done, as they signed: sign the contract; send the logo.")
    view = card(fup, "maya")
    assert view["state"] == "client"
    assert {c["action"]: (c["whose"], c["status"], c["closed_at"]) for c in view["commitments"]} == {
        "sign the contract": ("theirs", "done", "2026-11-25T09:00:00"),
        "send the logo": ("theirs", "done", "2026-11-25T09:00:00"),
        "onboarding call": ("mine", "open", None),
    }
    assert today_rows(fup, "2026-12-01") == []
    row = row_of(today_rows(fup, "2026-12-07"), "Maya Lee")
    assert (row["kind"], row["reason"]) == ("promise", "you promised: onboarding call")


def test_a_win_with_nothing_owed_says_nothing_was_closed(fup):
    fup.ok("add", "Dan Eve", "--next", "send the deck", "--due", "fri")
    first = fup.ok("log", "dan", "--outcome", "won").stdout.splitlines()[0]
    assert first == "Logged email with Dan Eve (won). Dan Eve is now client."
    assert [c["status"] for c in card(fup, "dan")["commitments"]] == ["open"]


@pytest.mark.parametrize("args", [["--in"], ["call", "--outcome", "talked"], ["--outcome", "replied"],
                                  ["meeting", "--outcome", "meeting"]])
def test_a_closed_contact_who_engages_is_reopened(fup, args):
    fup.ok("add", "Sara Kim")
    fup.at("2026-11-27")
    fup.ok("log", "sara", "--outcome", "not-interested")
    assert card(fup, "sara")["state"] == "closed"
    fup.at("2026-12-03")  # Thursday
    first = fup.ok("log", "sara", *args).stdout.splitlines()[0]
    assert first.endswith(" Sara Kim is reopened (active).")
    view = card(fup, "sara")
    assert (view["state"], view["unanswered_streak"], view["next_due"]) == ("active", 0, "2026-12-07")
    assert today_rows(fup) == []
    assert row_of(today_rows(fup, "2026-12-07"), "Sara Kim")["kind"] == "cadence"


def test_a_one_way_touch_does_not_reopen_a_closed_contact(fup):
    fup.ok("add", "Sara Kim")
    fup.ok("log", "sara", "--outcome", "not-interested")
    fup.at("2026-12-03")
    first = fup.ok("log", "sara", "--outcome", "no-answer").stdout.splitlines()[0]
    assert "reopened" not in first and "is now" not in first
    assert (card(fup, "sara")["state"], card(fup, "sara")["next_due"]) == ("closed", None)
    assert today_rows(fup, "2027-01-04") == []


def test_reopening_by_hand_counts_afresh_and_is_never_overdue_that_day(fup):
    fup.ok("add", "Tom Roe", "--next", "send the deck", "--due", "2026-11-25")
    fup.ok("add", "Sara Kim")
    fup.at("2026-11-24")
    fup.ok("log", "tom", "--outcome", "not-interested")
    fup.ok("log", "sara", "--outcome", "not-interested")
    fup.at("2026-12-07")  # Monday, weeks later
    assert fup.ok("state", "sara", "active").stdout.splitlines()[0] == "Sara Kim is now active."
    fup.ok("state", "tom", "active")

    sara = card(fup, "sara")
    assert (sara["state"], sara["unanswered_streak"], sara["next_due"]) == ("active", 0, "2026-12-11")  # 7 + 4
    assert "reopening on 2026-12-07" in sara["next"]["reason"]
    rows = today_rows(fup)
    assert names(rows) == ["Tom Roe"]  # Sara is not overdue on the day she reopens
    # The promise left open before Tom said no is due on the day he reopens, not weeks overdue.
    assert (rows[0]["kind"], rows[0]["due"], rows[0]["days_overdue"]) == ("promise", "2026-12-07", 0)
    row = row_of(today_rows(fup, "2026-12-11"), "Sara Kim")
    assert (row["kind"], row["due"], row["days_overdue"]) == ("cadence", "2026-12-11", 0)

    # A later touch counts as usual: unanswered, + 3 from it.
    fup.at("2026-12-11")
    fup.ok("log", "sara")
    assert (card(fup, "sara")["unanswered_streak"], card(fup, "sara")["next_due"]) == (1, "2026-12-14")


def test_reopening_into_nurture_by_hand_is_not_overdue_either(fup):
    fup.ok("add", "Sara Kim")
    fup.ok("log", "sara", "--outcome", "not-interested")
    fup.at("2027-02-01")
    fup.ok("state", "sara", "nurture")
    view = card(fup, "sara")
    assert view["state"] == "nurture" and view["next_due"] > "2027-02-01"
    assert today_rows(fup) == []


def test_a_weekend_birthday_shows_from_the_workday_before(fup):
    fup.ok("add", "Chloe Martin", "--cadence", "none", "--birthday", "12-12")  # Saturday 2026-12-12
    fup.ok("add", "Dev Patel", "--cadence", "none", "--birthday", "1985-12-15")  # Tuesday
    assert today_rows(fup, "2026-12-10") == []
    row = row_of(today_rows(fup, "2026-12-11"), "Chloe Martin")
    assert (row["kind"], row["due"], row["days_overdue"]) == ("birthday", "2026-12-11", 0)
    assert row["reason"] == "birthday on Saturday 2026-12-12"
    assert row_of(today_rows(fup, "2026-12-18"), "Chloe Martin")["days_overdue"] == 7
    assert "Chloe Martin" not in names(today_rows(fup, "2026-12-19"))
    dev = row_of(today_rows(fup, "2026-12-15"), "Dev Patel")
    assert (dev["due"], dev["reason"]) == ("2026-12-15", "birthday on Tuesday 2026-12-15")
    assert "Dev Patel" not in names(today_rows(fup, "2026-12-14"))

    fup.at("2026-12-11")  # a card on Friday counts: the row is gone
    fup.ok("log", "chloe", "--note", "happy birthday")
    assert "Chloe Martin" not in names(today_rows(fup, "2026-12-12"))


def test_a_birthday_on_a_holiday_shows_from_the_workday_before(fup):
    (fup.home / "config.toml").write_text('holidays = ["2026-12-14"]\n')
    fup.ok("add", "Hana Sato", "--cadence", "none", "--birthday", "12-14")  # a Monday, but a holiday
    assert today_rows(fup, "2026-12-10") == []
    row = row_of(today_rows(fup, "2026-12-11"), "Hana Sato")  # Friday
    assert (row["due"], row["reason"]) == ("2026-12-11", "birthday on Monday 2026-12-14")


# --- channels of a commitment ------------------------------------------------------------------


def test_a_commitment_carries_its_own_channel(fup):
    fup.ok("add", "Ana Ruiz", "--channel", "linkedin", "--next", "demo", "--due", "2026-11-25", "--next-channel", "meeting")
    fup.ok("add", "Bo Lind", "--channel", "linkedin")
    out = fup.ok("log", "bo", "--next", "call about pricing", "--due", "2026-11-24", "--next-channel", "call").stdout
    assert "call about pricing, by call" in out
    out = fup.ok("next", "ana", "send the deck", "--due", "2026-11-26", "--channel", "EMAIL").stdout
    assert out.splitlines()[0] == "You promised Ana Ruiz: send the deck by 2026-11-26 (hard, by email, commitment 3)."
    fup.ok("next", "ana", "intro to legal", "--due", "2026-11-27", "--theirs")  # no channel: the contact's

    commitments = card(fup, "ana")["commitments"]
    assert [(c["action"], c["channel"]) for c in commitments] == [
        ("demo", "meeting"), ("send the deck", "email"), ("intro to legal", None)]
    assert [(c["action"], c["channel"]) for c in card(fup, "bo")["commitments"]] == [("call about pricing", "call")]

    rows = today_rows(fup, "2026-11-25")
    assert [(r["name"], r["channel"]) for r in rows] == [("Bo Lind", "call"), ("Ana Ruiz", "meeting")]
    assert row_of(today_rows(fup, "2026-11-26"), "Ana Ruiz")["channel"] == "meeting"  # the top item's
    fup.at("2026-11-27")
    fup.ok("done", "ana", "--id", "1")
    fup.ok("done", "ana", "--id", "3")
    row = row_of(today_rows(fup), "Ana Ruiz")
    assert (row["kind"], row["channel"]) == ("their-promise", "linkedin")
    view = card(fup, "ana")
    assert view["next"]["channel"] == "linkedin"
    assert "by linkedin" in fup.ok("show", "ana").stdout

    bo = card(fup, "bo")
    assert bo["next"]["channel"] == "call" and bo["agenda"][0]["channel"] == "call"
    assert "hard, by call" in fup.ok("show", "bo").stdout

    exported = list(csv.DictReader(io.StringIO(fup.ok("export", "commitments").stdout)))
    assert [(r["action"], r["channel"]) for r in exported] == [
        ("demo", "meeting"), ("call about pricing", "call"), ("send the deck", "email"), ("intro to legal", "")]
    due = {r["name"]: r["channel"] for r in csv.DictReader(io.StringIO(fup.ok("export", "due", "--on", "2026-11-24").stdout))}
    assert due["Bo Lind"] == "call"


@pytest.mark.parametrize(
    "args",
    [
        ["next", "bob", "call", "--due", "fri", "--channel", "fax"],
        ["next", "bob", "call", "--due", "fri", "--channel", ""],
        ["next", "bob", "call", "--due", "fri", "--channel", "e-mail"],
        ["add", "Zed", "--next", "call", "--due", "fri", "--next-channel", "fax"],
        ["log", "bob", "--next", "call", "--due", "fri", "--next-channel", "pigeon"],
        ["add", "Zed", "--next-channel", "call"],
        ["log", "bob", "--next-channel", "call"],
        ["log", "bob", "--due", "fri", "--next-channel", "call"],
    ],
    ids=lambda args: " ".join(args),
)
def test_a_bad_commitment_channel_is_one_line_and_writes_nothing(crowd, args):
    before = crowd.dump()
    message = assert_one_line_error(crowd(*args), ExitCode.USAGE)
    assert "channel" in message
    assert crowd.dump() == before


# --- channels of imported contacts ------------------------------------------------------------

LINKEDIN_CSV = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ana,Ruiz,https://www.linkedin.com/in/ana-example,ana@example.com,Acme,CTO,12 Mar 2024\n"
    "Bo,Lind,https://www.linkedin.com/in/bo-example,,Northwind,CFO,03 Jan 2023\n"
)
GOOGLE_CSV = (
    "First Name,Middle Name,Last Name,Organization Name,Organization Title,Birthday,Notes,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n"
    "Cy,,Park,,,,,* myContacts,* Work,cy@example.com,Mobile,+1 555 0100\n"
    "Dee,,Ok,,,,,* myContacts,,,Mobile,+1 555 0101\n"
    "Eli,,Fox,,,,,* myContacts,,,,\n"
)
GOOGLE_LEGACY_CSV = (
    "Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value\n"
    "Gus Moreno,Gus,Moreno,* myContacts,,,Mobile,+34 600 000 009\n"
)


def test_imported_contacts_get_a_channel_they_can_be_reached_on(fup, tmp_path):
    (tmp_path / "Connections.csv").write_text(LINKEDIN_CSV)
    (tmp_path / "google.csv").write_text(GOOGLE_CSV)
    (tmp_path / "legacy.csv").write_text(GOOGLE_LEGACY_CSV)
    fup.ok("import", "contacts", str(tmp_path / "Connections.csv"))
    fup.ok("import", "contacts", str(tmp_path / "google.csv"))
    fup.ok("import", "contacts", str(tmp_path / "legacy.csv"), "--from", "google")
    channels = {v["name"]: v["channel"] for v in fup.json("list", "-f", "json")}
    assert channels == {
        "Ana Ruiz": "email",  # an email: the default channel
        "Bo Lind": "linkedin",  # a LinkedIn connection without an email: LinkedIn's own messages
        "Cy Park": "email",  # an email and a phone: the default channel
        "Dee Ok": "call",  # only a phone
        "Eli Fox": "email",  # nothing to go on: the default channel
        "Gus Moreno": "call",  # only a phone, in Google's older layout
    }


def test_imported_channels_follow_the_default_channel_and_never_overwrite_one(fup, tmp_path):
    (fup.home / "config.toml").write_text('default_channel = "text"\n')
    fup.ok("add", "Bo L.", "--url", "https://www.linkedin.com/in/bo-example", "--channel", "meeting")
    (tmp_path / "Connections.csv").write_text(LINKEDIN_CSV)
    out = fup.ok("import", "contacts", str(tmp_path / "Connections.csv")).stdout
    assert "1 new" in out
    channels = {v["name"]: v["channel"] for v in fup.json("list", "-f", "json")}
    assert channels == {"Bo L.": "meeting", "Ana Ruiz": "text"}


# --- what fup says ------------------------------------------------------------------------------


def test_commitment_lines_name_who_promised_what(fup):
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-26")
    fup.ok("add", "Hugo", "--next", "call the bank", "--due", "2026-11-26")
    out = fup.ok("next", "Helen Park", "decision on pricing", "--due", "2026-11-20", "--theirs").stdout
    assert out.splitlines()[0] == "Helen Park promised: decision on pricing by 2026-11-20 (hard, commitment 3)."
    out = fup.ok("next", "helen", "send the deck", "--due", "2026-11-27", "--soft").stdout
    assert out.splitlines()[0] == "You promised Helen Park: send the deck by 2026-11-27 (soft, commitment 4)."
    out = fup.ok("next", "helen", "book the venue", "--due", "2026-11-30", "--theirs", "--soft").stdout
    assert out.splitlines()[0] == "Helen Park promised: book the venue by 2026-11-30 (soft, commitment 5)."
    assert fup.ok("done", "helen", "--id", "3").stdout.splitlines()[0] == "Done: decision on pricing (Helen Park, commitment 3)."
    out = fup.ok("drop", "helen", "--id", "4").stdout
    assert out.splitlines()[0] == "Dropped: send the deck (Helen Park, commitment 4)."
    table = fup.ok("show", "helen").stdout
    assert "commitment 1" in table and "commitment 5" in table and "#1 " not in table.split("Open commitments")[1]


@pytest.mark.parametrize("name, typed", [("Helen Park", '"Helen Park"'), ("Hugo", "Hugo"), ("Ana-Lu Ruiz", '"Ana-Lu Ruiz"')])
def test_a_closed_contact_says_how_to_reopen_it_by_name(fup, name, typed):
    fup.ok("add", name)
    out = fup.ok("log", "1", "--outcome", "not-interested").stdout
    hint = f"(`fup state {typed} active` reopens)"
    assert hint in out
    assert hint in fup.ok("show", "1").stdout
    assert "NAME" not in out


def test_reasons_read_as_plain_words(fup):
    """Prose may be reworded: only the facts are checked, and the slips that read badly."""
    fup.ok("add", "Ana Ruiz", "--no-meeting")
    fup.ok("log", "ana", "--in", "--outcome", "sent", "--at", "2026-11-23T08:00")  # they emailed first
    reason = card(fup, "ana")["next"]["reason"]
    assert "their email on 2026-11-23" in reason and "warm" in reason
    fup.ok("add", "Bo Lind", "--no-meeting", "--channel", "linkedin")
    fup.ok("log", "bo", "--at", "2026-11-23T08:00")
    reason = card(fup, "bo")["next"]["reason"]
    assert "LinkedIn" in reason and "2026-11-23" in reason
    fup.ok("add", "Cy Park", "--met", "2026-11-16T10:00")
    fup.ok("log", "cy", "--at", "2026-11-20T10:00")
    reason = card(fup, "cy")["next"]["reason"]
    assert "1 unanswered" in reason and "meeting on 2026-11-16" in reason
    fup.ok("add", "Dee Ok", "--met", "2026-11-16T10:00")
    fup.ok("log", "dee", "call", "--outcome", "talked", "--at", "2026-11-20T10:00")
    assert "call on 2026-11-20" in card(fup, "dee")["next"]["reason"]
    everything = fup.ok("today", "--on", "2026-12-31").stdout + "".join(
        fup.ok("show", who).stdout for who in ("ana", "bo", "cy", "dee"))
    for bad in ("the their", "the your", "NAME", "They promised"):
        assert bad not in everything, bad


# --- show and list ----------------------------------------------------------------------


def test_show_json_carries_the_card_touches_and_commitments(fup):
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example", "--next", "send the deck", "--due", "fri")
    fup.at("2026-11-24")
    fup.ok("log", "ana", "call", "--outcome", "talked", "--note", "liked the demo")
    view = card(fup, "ana")
    assert (view["id"], view["name"], view["company"], view["state"], view["cadence"], view["next_due"]) == (
        1, "Ana Ruiz", "Acme", "active", "warm", "2026-11-27")
    assert [(t["channel"], t["outcome"], t["note"]) for t in view["touches"]] == [
        ("meeting", "meeting", None), ("call", "talked", "liked the demo")]
    assert [(c["action"], c["due"], c["status"]) for c in view["commitments"]] == [("send the deck", "2026-11-27", "open")]
    assert "Ana Ruiz" in fup.ok("show", "ana").stdout  # the table card renders too


def test_list_json_and_filters(fup):
    fup.ok("add", "Ana Ruiz", "--tag", "vc", "--cadence", "hot")  # due 11-25
    fup.ok("add", "Bob Stone", "--tag", "angel")  # due 11-27
    fup.ok("add", "Carla Diaz", "--tag", "vc", "--next", "send the deck", "--due", "2026-12-10")
    fup.ok("log", "carla", "--outcome", "won")
    views = fup.json("list", "-f", "json")
    assert [(v["id"], v["name"], v["state"], v["cadence"], v["next_due"]) for v in views] == [
        (1, "Ana Ruiz", "active", "hot", "2026-11-25"),
        (2, "Bob Stone", "active", "warm", "2026-11-27"),
        (3, "Carla Diaz", "client", "warm", "2026-12-10"),
    ]
    assert all(CONTACT_KEYS <= set(v) for v in views)
    assert names(fup.json("list", "--tag", "vc", "-f", "json")) == ["Ana Ruiz", "Carla Diaz"]
    assert names(fup.json("list", "--state", "client", "-f", "json")) == ["Carla Diaz"]
    assert names(fup.json("list", "--cadence", "hot", "-f", "json")) == ["Ana Ruiz"]
    assert names(fup.json("list", "--due-before", "2026-11-27", "-f", "json")) == ["Ana Ruiz"]
    assert names(fup.json("list", "--no-next-step", "-f", "json")) == ["Ana Ruiz", "Bob Stone"]


# --- WHO ---------------------------------------------------------------------------------


@pytest.fixture
def people(fup):
    """Four contacts whose names share prefixes: 'Ana' is both a name and a prefix."""
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example")
    fup.ok("add", "Ana")
    fup.ok("add", "Anabel Kim")
    fup.ok("add", "Bob Stone", "--email", "bob@stone.example")
    return fup


@pytest.mark.parametrize(
    "who, expected",
    [
        ("1", "Ana Ruiz"),
        ("3", "Anabel Kim"),
        ("ana@acme.example", "Ana Ruiz"),
        ("BOB@Stone.Example", "Bob Stone"),
        ("ana ruiz", "Ana Ruiz"),
        ("ANA RUIZ", "Ana Ruiz"),
        ("ana", "Ana"),  # an exact name beats being a prefix of others
        ("anab", "Anabel Kim"),
        ("ana r", "Ana Ruiz"),
        ("b", "Bob Stone"),
    ],
)
def test_who_resolves_by_id_email_name_and_unique_prefix(people, who, expected):
    assert card(people, who)["name"] == expected


def test_who_ambiguous_prefix_lists_the_candidates_with_ids(people):
    before = people.dump()
    line = assert_one_line_error(people("show", "an"), ExitCode.AMBIGUOUS)
    for name, cid in (("Ana Ruiz", 1), ("Ana", 2), ("Anabel Kim", 3)):
        assert name in line and f"#{cid}" in line
    assert "Bob" not in line
    assert_one_line_error(people("log", "an"), ExitCode.AMBIGUOUS)
    assert people.dump() == before


# --- edit, snooze, state, rm --------------------------------------------------------------


def test_edit_changes_and_clears_fields(fup):
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--phone", "123", "--tag", "vc", "--tag", "seed", "--title", "CTO")
    fup.ok("add", "Bob Stone", "--email", "bob@stone.example")
    fup.ok("edit", "ana", "--company", "", "--phone", "", "--name", "Ana Ruiz-Lopez", "--tag", "b2b",
           "--untag", "seed", "--email", "ana@new.example", "--cadence", "hot", "--note", "prefers mornings")
    view = card(fup, "ana ruiz-lopez")
    assert {k: view[k] for k in ("name", "company", "phone", "title", "tags", "email", "cadence", "notes")} == {
        "name": "Ana Ruiz-Lopez", "company": None, "phone": None, "title": "CTO", "tags": ["vc", "b2b"],
        "email": "ana@new.example", "cadence": "hot", "notes": "prefers mornings",
    }
    assert view["next_due"] == "2026-11-25"  # re-planned on the hot profile
    assert card(fup, "ana@new.example")["id"] == view["id"]

    before = fup.dump()
    assert_one_line_error(fup("edit", "ana", "--email", "bob@stone.example"), ExitCode.CONFLICT)
    assert_one_line_error(fup("edit", "ana", "--name", ""), ExitCode.USAGE)
    assert_one_line_error(fup("edit", "ana"), ExitCode.USAGE)
    assert fup.dump() == before


def test_snooze_hides_until_the_date_and_today_clears_it(fup):
    fup.ok("add", "Ana Ruiz")
    fup.ok("snooze", "ana", "2026-12-07")
    view = card(fup, "ana")
    assert (view["snoozed_until"], view["next_due"]) == ("2026-12-07", "2026-12-07")
    assert today_rows(fup, "2026-11-27") == []
    assert today_rows(fup, "2026-12-04") == []
    row = row_of(today_rows(fup, "2026-12-07"), "Ana Ruiz")  # a snooze is a new due date
    assert (row["kind"], row["due"], row["days_overdue"]) == ("cadence", "2026-12-07", 0)
    assert row_of(today_rows(fup, "2026-12-09"), "Ana Ruiz")["days_overdue"] == 2
    fup.ok("snooze", "ana", "today")
    view = card(fup, "ana")
    assert (view["snoozed_until"], view["next_due"]) == (None, "2026-11-27")


def test_an_ended_snooze_is_no_longer_mentioned(fup):
    fup.ok("add", "Ana Ruiz")
    assert "snoozed until 2026-11-25" in fup.ok("snooze", "ana", "2026-11-25").stdout
    assert "snoozed until 2026-11-25" in fup.ok("show", "ana", now="2026-11-24").stdout
    for day in ("2026-11-25", "2026-11-26"):  # the day it ends, and after
        assert "snoozed" not in fup.ok("show", "ana", now=day).stdout
        assert "snoozed" not in fup.ok("list", now=day).stdout
    assert "snoozed" not in fup.ok("log", "ana", now="2026-11-26").stdout


def test_state_moves_between_states_and_closed_is_never_due(fup):
    fup.ok("add", "Ana Ruiz")
    fup.ok("state", "ana", "closed")
    assert (card(fup, "ana")["state"], card(fup, "ana")["next_due"]) == ("closed", None)
    assert today_rows(fup, "2027-01-01") == []
    fup.ok("state", "ana", "active")
    assert (card(fup, "ana")["state"], card(fup, "ana")["next_due"]) == ("active", "2026-11-27")
    fup.ok("state", "ana", "NURTURE")
    assert (card(fup, "ana")["state"], card(fup, "ana")["next_due"]) == ("nurture", "2026-12-23")
    fup.ok("state", "ana", "client")
    assert card(fup, "ana")["state"] == "client"


def test_rm_yes_deletes_the_contact_and_its_history(fup):
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "fri")
    fup.ok("add", "Bob Stone")
    fup.ok("log", "ana")
    out = fup.ok("rm", "ana", "--yes").stdout
    assert "Ana Ruiz" in out
    assert names(fup.json("list", "-f", "json")) == ["Bob Stone"]
    assert_one_line_error(fup("show", "1"), ExitCode.NOT_FOUND)
    conn = sqlite3.connect(fup.db_path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM touch WHERE contact_id = 1").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM commitment WHERE contact_id = 1").fetchone()[0] == 0
    finally:
        conn.close()


def test_rm_asks_first_and_a_no_deletes_nothing(fup):
    fup.ok("add", "Ana Ruiz")
    before = fup.dump()
    result = fup("rm", "ana", input="n\n")
    assert_one_line_error(result, ExitCode.ABORTED, stdout_empty=False)
    assert "Ana Ruiz" in result.stdout  # the question names who would go
    assert fup.dump() == before
    fup.ok("rm", "ana", input="y\n")
    assert fup.json("list", "-f", "json") == []


def test_rm_with_no_answer_at_the_prompt_deletes_nothing(fup):
    fup.ok("add", "Ana Ruiz")
    before = fup.dump()
    result = fup("rm", "ana", input="")  # stdin closed: no answer
    assert_one_line_error(result, ExitCode.ABORTED, stdout_empty=False)
    assert fup.dump() == before


# --- pause, snooze, greetings, standing asked dates (the long-run rules) ----------------------


def test_a_paused_contact_has_no_cadence_rows_but_promises_and_birthdays_show(fup):
    fup.ok("add", "Cy Park", "--met", "2026-11-02T10:00")  # warm: overdue since 11-06
    fup.ok("log", "cy", "--at", "2026-11-06T10:00")
    fup.ok("add", "Ana Ruiz", "--met", "2026-11-02T10:00", "--birthday", "11-25",
           "--next", "send the deck", "--due", "2026-11-24")
    assert set(names(today_rows(fup))) == {"Cy Park"}
    out = fup.ok("state", "cy", "paused").stdout
    assert out.splitlines()[0] == "Cy Park is now paused."
    fup.ok("state", "ana", "paused")

    cy = card(fup, "cy")
    assert (cy["state"], cy["next_due"], cy["next"], cy["agenda"]) == ("paused", None, None, [])
    assert names(fup.json("list", "--state", "paused", "-f", "json")) == ["Ana Ruiz", "Cy Park"]
    assert today_rows(fup) == []
    # What was promised, and the birthday, still show; the cadence does not, even once the promise is done.
    row = row_of(today_rows(fup, "2026-11-24"), "Ana Ruiz")
    assert (row["kind"], row["due"]) == ("promise", "2026-11-24")
    row = row_of(today_rows(fup, "2026-11-25"), "Ana Ruiz")
    assert row["kind"] == "promise" and row["reason"].endswith("(+1 more: birthday on Wednesday 2026-11-25)")
    fup.at("2026-11-25")
    fup.ok("done", "ana")
    assert [(r["name"], r["kind"]) for r in today_rows(fup)] == [("Ana Ruiz", "birthday")]
    for day in ("2026-12-07", "2027-03-01"):
        assert today_rows(fup, day) == []
    # A reply does not unpause: only you do.
    fup.ok("log", "cy", "--in")
    assert (card(fup, "cy")["state"], card(fup, "cy")["next_due"]) == ("paused", None)
    assert today_rows(fup, "2027-03-01") == []
    assert "Cy Park" not in names(fup.json("list", "--no-next-step", "-f", "json"))


def test_active_again_after_a_pause_counts_afresh_from_that_day(fup):
    fup.ok("add", "Cy Park", "--met", "2026-11-02T10:00")
    fup.ok("log", "cy", "--at", "2026-11-06T10:00")
    fup.ok("state", "cy", "paused")
    fup.at("2026-12-07")  # a Monday, weeks later
    assert fup.ok("state", "cy", "active").stdout.splitlines()[0] == "Cy Park is now active."
    view = card(fup, "cy")
    # not 3 weeks overdue: warm's first gap from the day it was unpaused (7 + 4 = Friday 12-11)
    assert (view["state"], view["unanswered_streak"], view["next_due"]) == ("active", 0, "2026-12-11")
    assert view["next"]["kind"] == "cadence" and "reopening on 2026-12-07" in view["next"]["reason"]
    assert today_rows(fup) == []
    row = row_of(today_rows(fup, "2026-12-11"), "Cy Park")
    assert (row["kind"], row["due"], row["days_overdue"]) == ("cadence", "2026-12-11", 0)


def test_snooze_never_pauses(fup):
    fup.ok("add", "Ana Ruiz", "--birthday", "11-25")
    out = fup.ok("snooze", "ana", "never").stdout
    assert "paused" in out.splitlines()[0] and "fup state 1 active" in out
    view = card(fup, "ana")
    assert (view["state"], view["snoozed_until"], view["agenda"]) == ("paused", None, [])
    assert [r["kind"] for r in today_rows(fup, "2026-11-25")] == ["birthday"]
    [row] = today_rows(fup, "2026-11-27")  # warm would be due on Friday: only the birthday shows
    assert (row["kind"], row["reason"]) == ("birthday", "birthday on Wednesday 2026-11-25")
    assert today_rows(fup, "2027-06-01") == []
    fup.ok("state", "ana", "active")
    assert (card(fup, "ana")["state"], card(fup, "ana")["next_due"]) == ("active", "2026-11-25")


def test_a_snooze_hides_only_the_cadence_and_what_still_shows_says_so(fup):
    fup.ok("add", "Sara Kim", "--met", "2026-11-02T10:00", "--birthday", "11-25")  # cadence overdue
    fup.ok("add", "Tom Roe", "--met", "2026-11-02T10:00", "--next", "send pricing", "--due", "2026-11-24", "--theirs")
    fup.ok("add", "Uma Ito", "--met", "2026-11-02T10:00")
    fup.ok("log", "uma", "--ask-again", "2026-11-26")
    for who in ("sara", "tom", "uma"):
        assert "until 2026-12-07" in fup.ok("snooze", who, "2026-12-07").stdout
    sara = card(fup, "sara")
    assert (sara["snoozed_until"], sara["next"]["kind"]) == ("2026-12-07", "birthday")
    assert [(a["kind"], a["due"]) for a in sara["agenda"]] == [("cadence", "2026-12-07")]

    assert today_rows(fup) == []  # Sara's overdue follow-up sleeps
    suffix = " (snoozed until 2026-12-07)"
    [tom] = today_rows(fup, "2026-11-24")
    assert (tom["name"], tom["kind"], tom["due"]) == ("Tom Roe", "their-promise", "2026-11-24")
    assert tom["reason"] == "check in on their promise: send pricing" + suffix
    sara = row_of(today_rows(fup, "2026-11-25"), "Sara Kim")
    assert (sara["kind"], sara["reason"]) == ("birthday", "birthday on Wednesday 2026-11-25" + suffix)
    uma = row_of(today_rows(fup, "2026-11-26"), "Uma Ito")
    assert (uma["kind"], uma["due"]) == ("asked", "2026-11-26") and uma["reason"].endswith(suffix)
    assert suffix in fup.ok("today", "--on", "2026-11-26").stdout

    rows = {r["name"]: r for r in today_rows(fup, "2026-12-07")}  # the snooze is over: no more mention
    assert (rows["Sara Kim"]["kind"], rows["Sara Kim"]["due"]) == ("cadence", "2026-12-07")
    assert not any("snoozed" in r["reason"] for r in rows.values())


def test_a_greeting_clears_the_birthday_and_leaves_the_cadence_be(fup):
    fup.ok("add", "Sara Kim", "--birthday", "11-25")  # warm, met today: first follow-up due Fri 11-27
    fup.ok("add", "Dev Patel", "--met", "2026-11-20T10:00", "--birthday", "11-25")  # follow-up due Tue 11-24
    fup.ok("add", "Cy Park", "--met", "2026-11-20T10:00", "--birthday", "11-25")  # likewise
    fup.ok("add", "Pia Roe", "--met", "2026-11-20T10:00", "--birthday", "11-25", "--next", "send the deck", "--due", "2026-11-24")
    fup.at("2026-11-25")
    rows = {r["name"]: r for r in today_rows(fup)}
    assert {name: row["kind"] for name, row in rows.items()} == {
        "Sara Kim": "birthday", "Dev Patel": "birthday", "Cy Park": "birthday", "Pia Roe": "promise"}

    # A plain log when the birthday is all that is due is a greeting; --greeting says so outright.
    assert fup.ok("log", "sara").stdout.splitlines()[0] == "Logged email with Sara Kim (greeting)."
    assert fup.ok("log", "dev", "--greeting").stdout.splitlines()[0] == "Logged email with Dev Patel (greeting)."
    # With a follow-up or a promise due too, a plain log is the usual touch (it clears the birthday all the same).
    assert fup.ok("log", "cy").stdout.splitlines()[0] == "Logged email with Cy Park (sent)."
    assert fup.ok("log", "pia").stdout.splitlines()[0] == "Logged email with Pia Roe (sent)."
    for who, due in (("sara", "2026-11-27"), ("dev", "2026-11-24")):
        view = card(fup, who)
        assert [t["outcome"] for t in view["touches"]] == ["meeting", "greeting"]
        # not a follow-up: the cadence keeps its date and its count
        assert (view["next_due"], view["unanswered_streak"], view["last_touch"]) == (due, 0, "2026-11-25")
        assert view["next"]["kind"] == "cadence" and view["next"]["reason"].startswith("first follow-up after the meeting")
    assert (card(fup, "cy")["unanswered_streak"], card(fup, "pia")["unanswered_streak"]) == (1, 1)
    assert [(r["name"], r["kind"]) for r in today_rows(fup)] == [("Pia Roe", "promise"), ("Dev Patel", "cadence")]
    assert "Sara Kim" not in names(today_rows(fup, "2026-11-26"))  # the birthday is cleared


def test_a_write_that_changes_nothing_leaves_a_cold_row_on_its_day(fup):
    fup.ok("add", "Nia Lund", "--cadence", "nurture", "--birthday", "11-25")  # cold row on Wed 12-23
    assert card(fup, "nia")["agenda"] == [{"kind": "cold", "due": "2026-12-23", "due_now": False, "channel": "email",
                                           "reason": "first follow-up after the meeting on 2026-11-23 (nurture cadence)"}]
    fup.ok("edit", "nia", "--company", "Acme")
    assert [(a["kind"], a["due"]) for a in card(fup, "nia")["agenda"]] == [("cold", "2026-12-23")]
    fup.at("2026-11-25")
    fup.ok("log", "nia")  # a greeting: not a follow-up
    view = card(fup, "nia")
    assert [t["outcome"] for t in view["touches"]] == ["meeting", "greeting"]
    assert [(a["kind"], a["due"]) for a in view["agenda"]] == [("cold", "2026-12-23")]
    assert today_rows(fup) == []


@pytest.mark.parametrize("args", [["--greeting", "--in"], ["--greeting", "--outcome", "replied"],
                                  ["--greeting", "--outcome", "greeting"], ["--greeting", "--ask-again", "2026-12-01"]],
                         ids=lambda args: " ".join(args))
def test_a_greeting_with_in_outcome_or_ask_again_is_refused_and_writes_nothing(fup, args):
    fup.ok("add", "Ana Ruiz", "--birthday", "11-23")
    before = fup.dump()
    line = assert_one_line_error(fup("log", "ana", *args), ExitCode.USAGE)
    assert "--greeting" in line
    assert fup.dump() == before


def test_a_date_they_asked_for_stands_until_honoured_or_cleared_with_none(fup):
    fup.ok("add", "Bob Stone", "--met", "2026-11-16T10:00")
    fup.ok("log", "bob", "call", "--outcome", "talked", "--ask-again", "2027-01-11")
    fup.at("2026-11-25")
    fup.ok("log", "bob", "--in")  # they write about something else: the date stands
    view = card(fup, "bob")
    assert (view["next_due"], view["next"]["kind"]) == ("2027-01-11", "asked")
    assert "Bob Stone" not in names(fup.json("list", "--no-next-step", "-f", "json"))

    fup.at("2026-11-26")  # Thursday
    out = fup.ok("log", "bob", "--ask-again", "none").stdout
    view = card(fup, "bob")
    # the cadence is back: warm's second gap (3) after this follow-up, Sunday -> Monday 11-30
    assert (view["next_due"], view["next"]["kind"]) == ("2026-11-30", "cadence")
    assert "2026-11-30" in out
    assert all(a["kind"] != "asked" for a in view["agenda"])
    assert "Bob Stone" in names(fup.json("list", "--no-next-step", "-f", "json"))
    assert [r["kind"] for r in today_rows(fup, "2027-01-11")] == ["cadence"]


@pytest.mark.parametrize("when", ["2026-11-20", "yesterday", "today"])
def test_an_ask_again_date_not_after_the_touch_is_refused_and_writes_nothing(fup, when):
    fup.ok("add", "Bob Stone")
    fup.ok("log", "bob", "--ask-again", "2026-12-14")
    before = fup.dump()
    line = assert_one_line_error(fup("log", "bob", "--ask-again", when), ExitCode.USAGE)
    assert "--ask-again" in line
    assert fup.dump() == before
    assert card(fup, "bob")["next"]["kind"] == "asked"


def _park(fup, who: str) -> None:
    """Seven unanswered follow-ups on hot (met 10-01): parked in nurture."""
    for day in ("2026-10-03", "2026-10-05", "2026-10-07", "2026-10-10", "2026-10-15", "2026-10-23", "2026-11-05"):
        fup.ok("log", who, "--at", f"{day}T10:00")
    assert card(fup, who)["state"] == "nurture"


def test_edit_cadence_of_a_parked_contact_to_one_that_does_not_park_makes_it_active(fup):
    fup.ok("add", "Hugo Bell", "--cadence", "hot", "--met", "2026-10-01T10:00")
    _park(fup, "hugo")
    assert card(fup, "hugo")["next"]["kind"] == "cold"
    fup.ok("edit", "hugo", "--cadence", "warm")  # another ladder that parks: still parked
    assert (card(fup, "hugo")["state"], card(fup, "hugo")["cadence"]) == ("nurture", "warm")

    fup.ok("edit", "hugo", "--cadence", "vip")
    view = card(fup, "hugo")
    assert (view["state"], view["cadence"], view["next_due"]) == ("active", "vip", "2026-11-25")  # vip's 2 days
    assert view["next"]["kind"] == "cadence" and "reopening on 2026-11-23" in view["next"]["reason"]
    assert today_rows(fup) == []


@pytest.mark.parametrize("config", ["daily_limit = 3\n", "daily_limit = 0\ndaily_capacity = 3\n"],
                         ids=["daily_limit", "daily_capacity"])
def test_cold_rows_fill_only_what_the_day_has_room_for_and_the_rest_wait_for_a_later_day(fup, config):
    (fup.home / "config.toml").write_text(config)
    fup.ok("add", "Wes Warm", "--met", "2026-11-20T10:00")  # live rows, due Tue 11-24
    fup.ok("add", "Ada Warm", "--met", "2026-11-20T10:00")
    for name, met in (("Nia One", "10-26"), ("Nia Two", "10-27"), ("Nia Three", "10-28"), ("Nia Four", "10-29")):
        fup.ok("add", name, "--cadence", "nurture", "--met", f"2026-{met}T10:00")  # cold rows, due from Wed 11-25
    dues = {v["name"]: v["next_due"] for v in fup.json("list", "-f", "json")}
    assert dues == {"Wes Warm": "2026-11-24", "Ada Warm": "2026-11-24", "Nia One": "2026-11-25",
                    "Nia Two": "2026-11-26", "Nia Three": "2026-11-27", "Nia Four": "2026-11-30"}

    fup.at("2026-12-02")  # back after a week away: everything is overdue, more than a day has room for
    rows = today_rows(fup)
    # room for 3: the live rows first, then the oldest cold row; the other three wait
    assert [(r["name"], r["kind"]) for r in rows] == [("Ada Warm", "cadence"), ("Wes Warm", "cadence"), ("Nia One", "cold")]
    table = fup.ok("today").stdout
    assert "3 cold follow-ups wait for a day with room" in table
    assert "more due" not in table  # the waiting rows are not due today
    assert today_rows(fup, None, "--limit", "0") == rows

    fup.ok("log", "wes")  # the next write spreads the waiting rows over the days ahead
    assert [(r["name"], r["kind"]) for r in today_rows(fup)] == [("Ada Warm", "cadence"), ("Nia One", "cold")]
    assert "wait for a day with room" not in fup.ok("today").stdout
    waited = [v["next_due"] for v in fup.json("list", "-f", "json") if v["name"] in ("Nia Two", "Nia Three", "Nia Four")]
    assert all("2026-12-03" <= day <= "2026-12-13" for day in waited), waited
    assert len(set(waited)) == 3  # spread, not piled on one day


def test_one_cold_follow_up_waiting_is_worded_in_the_singular(fup):
    (fup.home / "config.toml").write_text("daily_limit = 1\n")
    for name in ("Nia One", "Nia Two"):  # one a day: Wed 12-23 and Thu 12-24
        fup.ok("add", name, "--cadence", "nurture")
    assert [v["next_due"] for v in fup.json("list", "-f", "json")] == ["2026-12-23", "2026-12-24"]
    table = fup.ok("today", "--on", "2026-12-24").stdout  # nothing done on Wednesday: both due
    assert "1 cold follow-up waits for a day with room" in table
    assert names(today_rows(fup, "2026-12-24")) == ["Nia One"]  # the older one


def test_a_profile_gone_from_config_is_refused_by_name_until_its_contacts_move(fup):
    (fup.home / "config.toml").write_text('[profiles.tepid]\ngaps = [5, 10]\nend = "park"\nweight = 1\n')
    fup.ok("add", "Ana Ruiz", "--cadence", "tepid")
    fup.ok("add", "Bob Stone", "--cadence", "tepid")
    fup.ok("add", "Cy Park")
    (fup.home / "config.toml").write_text("")
    before = fup.dump()
    for args in (["today"], ["today", "-f", "json"], ["log", "cy"], ["log", "ana"], ["reschedule"],
                 ["next", "cy", "call", "--due", "fri"], ["snooze", "cy", "fri"], ["state", "cy", "paused"]):
        line = assert_one_line_error(fup(*args), ExitCode.USAGE)
        assert "'tepid'" in line and "2 contacts" in line, (args, line)
    assert fup.dump() == before
    # reading still works, and so does moving them
    assert names(fup.json("list", "--cadence", "tepid", "-f", "json")) == ["Ana Ruiz", "Bob Stone"]
    assert card(fup, "ana")["cadence"] == "tepid"
    fup.ok("edit", "ana", "--cadence", "warm")
    assert "1 contact is" in assert_one_line_error(fup("today"), ExitCode.USAGE)
    fup.ok("edit", "bob", "--cadence", "vip")
    assert {v["name"]: v["next_due"] for v in fup.json("list", "--cadence", "warm", "-f", "json")} == {
        "Ana Ruiz": "2026-11-27", "Cy Park": "2026-11-27"}
    assert {r["name"]: r["due"] for r in today_rows(fup, "2026-11-27")} == {
        "Ana Ruiz": "2026-11-27", "Bob Stone": "2026-11-25", "Cy Park": "2026-11-27"}
    assert_one_line_error(fup("list", "--cadence", "tepid"), ExitCode.USAGE)  # nobody on it: unknown again


@pytest.mark.parametrize(
    "config, setting",
    [
        ("daily_capacity = 0", "daily_capacity"),
        ("daily_capacity = 10001", "daily_capacity"),
        ('daily_capacity = "5"', "daily_capacity"),
        ("daily_capacity = 2.5", "daily_capacity"),
        ("channel_switch = 0", "channel_switch"),
        ("channel_switch = 101", "channel_switch"),
        ("channel_switch = true", "channel_switch"),
        ('[profiles.vip]\ngaps = [2, 2, 3, 5, 8, 13]\nend = "repeat"\nmax_gap = 10', "max_gap"),
        ('[profiles.vip]\ngaps = [2, 2, 3]\nend = "repeat"\nmax_gap = 3651', "max_gap"),
        ('[profiles.vip]\ngaps = [2, 2, 3]\nend = "repeat"\nmax_gap = 2.5', "max_gap"),
        ('[profiles.vip]\ngaps = [2, 2, 3]\nend = "repeat"\nmax_gap = "30"', "max_gap"),
    ],
)
def test_a_bad_capacity_channel_switch_or_max_gap_is_one_line_and_writes_nothing(fup, config, setting):
    fup.ok("add", "Ana Ruiz")
    before = fup.dump()
    (fup.home / "config.toml").write_text(config + "\n")
    assert setting in assert_one_line_error(fup("today"), ExitCode.USAGE)
    assert setting in assert_one_line_error(fup("log", "ana"), ExitCode.USAGE)
    assert fup.dump() == before


# --- cadence, reschedule, config ------------------------------------------------------------


def test_cadence_shows_each_profile_as_day_offsets(fup):
    table = fup.ok("cadence").stdout
    warm = [line for line in table.splitlines() if line.startswith("warm")]
    assert len(warm) == 1 and "4, 7, 10, 15, 23, 36, 57" in warm[0]
    profiles = {p["profile"]: p for p in fup.json("cadence", "-f", "json")}
    # A repeat profile's gaps grow (each the sum of the two before) to its ceiling, max_gap:
    # vip 13, 21, then 30 (capped) for good; the offsets run until the gaps stop changing.
    assert {name: p["offsets"] for name, p in profiles.items()} == {
        "hot": [2, 3, 5, 8, 13, 21, 34],
        "warm": [4, 7, 10, 15, 23, 36, 57],
        "nurture": [30, 90, 180],
        "vip": [2, 4, 7, 12, 20, 33, 54, 84],
        "client": [30, 90, 180],
        "none": [],
    }
    assert {name: p["max_gap"] for name, p in profiles.items()} == {
        "hot": None, "warm": None, "nurture": 90, "vip": 30, "client": 90, "none": None}
    vip = [line for line in table.splitlines() if line.startswith("vip")]
    assert len(vip) == 1 and "2, 4, 7, 12, 20, 33, 54, 84" in vip[0] and "every 30 days" in vip[0]
    assert [p["offsets"] for p in fup.json("cadence", "warm", "-f", "json")] == [[4, 7, 10, 15, 23, 36, 57]]
    rows = list(csv.DictReader(io.StringIO(fup.ok("cadence", "-f", "csv").stdout)))
    assert list(rows[0]) == ["profile", "gaps", "offsets", "end", "weight", "max_gap"]
    assert {r["profile"]: r["max_gap"] for r in rows} == {
        "hot": "", "warm": "", "nurture": "90", "vip": "30", "client": "90", "none": ""}


def test_cadence_max_gap_from_config_sets_the_ceiling(fup):
    (fup.home / "config.toml").write_text('[profiles.vip]\ngaps = [2, 2, 3, 5, 8, 13]\nend = "repeat"\nmax_gap = 21\n')
    [vip] = fup.json("cadence", "vip", "-f", "json")
    assert (vip["offsets"], vip["max_gap"]) == ([2, 4, 7, 12, 20, 33, 54], 21)
    assert "every 21 days" in fup.ok("cadence", "vip").stdout


def test_reschedule_recomputes_every_contact_after_a_config_change(fup):
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "Bob Stone", "--cadence", "hot")
    (fup.home / "config.toml").write_text('[profiles.warm]\ngaps = [1, 2, 3]\nend = "park"\nweight = 2\n')
    out = fup.ok("reschedule").stdout
    assert re.search(r"\b2\b", out)  # both contacts
    assert card(fup, "ana")["next_due"] == "2026-11-24"
    assert card(fup, "bob")["next_due"] == "2026-11-25"
    assert names(today_rows(fup, "2026-11-24")) == ["Ana Ruiz"]


def test_config_names_the_file_under_fup_home(fup):
    assert fup.ok("config").stdout.strip() == str(fup.home / "config.toml")


# --- bad input -------------------------------------------------------------------------------


@pytest.fixture
def crowd(fup):
    """A small database to be rejected against: two Anas (so 'ana' is ambiguous) and a Bob."""
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example", "--next", "send the deck", "--due", "fri")
    fup.ok("add", "Ana Lopez")
    fup.ok("add", "Bob Stone", "--email", "bob@stone.example")
    fup.ok("log", "bob", "--ask-again", "2026-12-14")
    return fup


BAD_INPUT = [
    # unknown WHO
    (["show", "nobody"], ExitCode.NOT_FOUND),
    (["show", "999"], ExitCode.NOT_FOUND),
    (["show", "nobody@nowhere.example"], ExitCode.NOT_FOUND),
    (["log", "nobody"], ExitCode.NOT_FOUND),
    (["next", "nobody", "call", "--due", "fri"], ExitCode.NOT_FOUND),
    (["done", "nobody"], ExitCode.NOT_FOUND),
    (["drop", "nobody"], ExitCode.NOT_FOUND),
    (["edit", "nobody", "--company", "X"], ExitCode.NOT_FOUND),
    (["snooze", "nobody", "fri"], ExitCode.NOT_FOUND),
    (["state", "nobody", "closed"], ExitCode.NOT_FOUND),
    (["rm", "nobody", "--yes"], ExitCode.NOT_FOUND),
    # ambiguous WHO
    (["show", "ana"], ExitCode.AMBIGUOUS),
    (["log", "ana", "--outcome", "won"], ExitCode.AMBIGUOUS),
    (["next", "ana", "call", "--due", "fri"], ExitCode.AMBIGUOUS),
    (["done", "ana"], ExitCode.AMBIGUOUS),
    (["edit", "ana", "--company", "X"], ExitCode.AMBIGUOUS),
    (["snooze", "ana", "fri"], ExitCode.AMBIGUOUS),
    (["state", "ana", "closed"], ExitCode.AMBIGUOUS),
    (["rm", "ana", "--yes"], ExitCode.AMBIGUOUS),
    # a date that does not exist
    (["add", "Zed", "--met", "2027-02-30"], ExitCode.USAGE),
    (["add", "Zed", "--next", "call", "--due", "2027-02-30"], ExitCode.USAGE),
    (["add", "Zed", "--birthday", "2027-02-30"], ExitCode.USAGE),
    (["log", "bob", "--at", "2027-02-30"], ExitCode.USAGE),
    (["log", "bob", "--ask-again", "2027-02-30"], ExitCode.USAGE),
    (["log", "bob", "--next", "call", "--due", "2027-02-30"], ExitCode.USAGE),
    (["next", "bob", "call", "--due", "2027-02-30"], ExitCode.USAGE),
    (["snooze", "bob", "2027-02-30"], ExitCode.USAGE),
    (["today", "--on", "2027-02-30"], ExitCode.USAGE),
    (["list", "--due-before", "2027-02-30"], ExitCode.USAGE),
    (["next", "bob", "call", "--due", "someday"], ExitCode.USAGE),
    # unknown profile, outcome, channel, state, format
    (["add", "Zed", "--cadence", "tepid"], ExitCode.USAGE),
    (["edit", "bob", "--cadence", "tepid"], ExitCode.USAGE),
    (["list", "--cadence", "tepid"], ExitCode.USAGE),
    (["cadence", "tepid"], ExitCode.USAGE),
    (["log", "bob", "--outcome", "maybe"], ExitCode.USAGE),
    (["log", "bob", "fax"], ExitCode.USAGE),
    (["add", "Zed", "--channel", "fax"], ExitCode.USAGE),
    (["edit", "bob", "--channel", "fax"], ExitCode.USAGE),
    (["state", "bob", "lost"], ExitCode.USAGE),
    (["list", "--state", "lost"], ExitCode.USAGE),
    (["today", "-f", "xml"], ExitCode.USAGE),
    (["show", "bob", "--format", "xml"], ExitCode.USAGE),
    (["list", "-f", "xml"], ExitCode.USAGE),
    (["cadence", "-f", "xml"], ExitCode.USAGE),
    # a next step's options without the next step
    (["add", "Zed", "--due", "fri"], ExitCode.USAGE),
    (["log", "bob", "--due", "fri"], ExitCode.USAGE),
    (["log", "bob", "--soft"], ExitCode.USAGE),
    (["log", "bob", "--theirs"], ExitCode.USAGE),
    (["add", "Zed", "--next-channel", "call"], ExitCode.USAGE),
    (["log", "bob", "--next-channel", "call"], ExitCode.USAGE),
    # an unknown channel for a next step
    (["next", "bob", "call", "--due", "fri", "--channel", "fax"], ExitCode.USAGE),
    (["add", "Zed", "--next", "call", "--due", "fri", "--next-channel", "fax"], ExitCode.USAGE),
    (["log", "bob", "--next", "call", "--due", "fri", "--next-channel", "fax"], ExitCode.USAGE),
    # refused for other reasons
    (["add", "Zed", "--email", "ANA@acme.example"], ExitCode.CONFLICT),
    (["add", ""], ExitCode.USAGE),
    (["log", "bob", "--at", "tomorrow"], ExitCode.USAGE),
    (["today", "--limit", "-1"], ExitCode.USAGE),
    (["frobnicate"], ExitCode.USAGE),
    # the long-run surface: greetings, asked dates, snoozes, pauses
    (["log", "bob", "--greeting", "--in"], ExitCode.USAGE),
    (["log", "bob", "--greeting", "--outcome", "talked"], ExitCode.USAGE),
    (["log", "bob", "--greeting", "--ask-again", "2026-12-21"], ExitCode.USAGE),
    (["log", "bob", "--ask-again", "yesterday"], ExitCode.USAGE),
    (["log", "bob", "--outcome", "not-interested", "--ask-again", "none"], ExitCode.USAGE),
    (["snooze", "bob", "yesterday"], ExitCode.USAGE),
    (["snooze", "ana", "never"], ExitCode.AMBIGUOUS),
    (["state", "ana", "paused"], ExitCode.AMBIGUOUS),
    (["state", "nobody", "paused"], ExitCode.NOT_FOUND),
]


@pytest.mark.parametrize("args, code", BAD_INPUT, ids=[" ".join(a) or "''" for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_a_specific_exit_code_and_writes_nothing(crowd, args, code):
    before = crowd.dump()
    assert before is not None
    assert_one_line_error(crowd(*args), code)
    assert crowd.dump() == before


def test_bad_fup_now_is_one_line_and_writes_nothing(crowd):
    before = crowd.dump()
    assert_one_line_error(crowd("add", "Zed", env={"FUP_NOW": "next tuesday-ish"}), ExitCode.USAGE)
    assert crowd.dump() == before


@pytest.mark.parametrize("args", [["show", "\udcff"], ["add", "\udcff"], ["log", "bob", "--note", "\udcff"]],
                         ids=["show", "add", "log-note"])
def test_an_undecodable_byte_in_an_argument_is_bad_input(crowd, args):
    before = crowd.dump()
    result = crowd(*args)  # "\udcff" is what Python makes of the argv byte 0xff
    assert result.exit_code in (ExitCode.USAGE, ExitCode.NOT_FOUND), result.stderr
    assert_one_line_error(result, ExitCode(result.exit_code))
    assert crowd.dump() == before


DATETIME_WHEN = {
    "next --due": (["next", "bob", "call", "--due", "2026-12-01T10:00"], lambda v: v["commitments"][-1]["due"]),
    "log --ask-again": (["log", "bob", "--ask-again", "2026-12-01T10:00"], lambda v: v["touches"][-1]["ask_again"]),
    "snooze": (["snooze", "bob", "2026-12-01T10:00"], lambda v: v["snoozed_until"]),
}


@pytest.mark.parametrize("case", list(DATETIME_WHEN))
def test_an_iso_datetime_is_accepted_wherever_a_when_is(crowd, case):
    args, stored = DATETIME_WHEN[case]
    crowd.ok(*args)
    assert stored(card(crowd, "bob")) == "2026-12-01"


def test_a_datetime_with_a_doubled_space_is_read_or_refused_as_bad_input(crowd):
    before = crowd.dump()
    result = crowd("next", "bob", "call", "--due", "2026-12-01  10:00")
    if result.exit_code != 0:
        assert_one_line_error(result, ExitCode.USAGE)
        assert crowd.dump() == before


def _text_file(path: Path) -> None:
    path.write_text("groceries\nmilk\neggs\n")


def _foreign_sqlite(path: Path, wal: bool = False) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO people (name) VALUES ('Ana Ruiz')")
    conn.commit()
    conn.close()


def _foreign_wal(path: Path) -> None:
    _foreign_sqlite(path, wal=True)


FOREIGN_COMMANDS = [
    ["today"], ["today", "-f", "json"], ["list", "-f", "json"], ["show", "ana"], ["add", "Zed"],
    ["log", "ana"], ["next", "ana", "call", "--due", "fri"], ["snooze", "ana", "fri"],
    ["state", "ana", "closed"], ["rm", "ana", "--yes"], ["reschedule"],
]


@pytest.mark.parametrize("via", ["--db", "FUP_DB"])
@pytest.mark.parametrize("make", [_text_file, _foreign_sqlite, _foreign_wal],
                         ids=["text-file", "sqlite-other-tables", "sqlite-other-tables-wal"])
@pytest.mark.parametrize("args", FOREIGN_COMMANDS, ids=[" ".join(a) for a in FOREIGN_COMMANDS])
def test_a_database_that_is_not_fups_is_refused_and_left_byte_identical(fup, tmp_path, make, via, args):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    target = folder / "mine.db"
    make(target)
    content = target.read_bytes()
    listing = sorted(p.name for p in folder.iterdir())
    if via == "--db":
        result = fup("--db", str(target), *args)
    else:
        result = fup(*args, env={"FUP_DB": str(target)})
    assert_one_line_error(result, ExitCode.DATABASE)
    assert target.read_bytes() == content
    if make is not _foreign_wal:  # see the next test
        assert sorted(p.name for p in folder.iterdir()) == listing
    assert not fup.db_path.exists()


FOREIGN_READS = [["today"], ["today", "-f", "json"], ["list", "-f", "json"], ["show", "ana"], ["rm", "ana", "--yes"]]


@pytest.mark.parametrize("args", FOREIGN_READS, ids=[" ".join(a) for a in FOREIGN_READS])
def test_reading_a_foreign_wal_database_leaves_nothing_beside_it(fup, tmp_path, args):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    target = folder / "mine.db"
    _foreign_wal(target)
    assert_one_line_error(fup("--db", str(target), *args), ExitCode.DATABASE)
    assert sorted(p.name for p in folder.iterdir()) == ["mine.db"]


def test_a_fup_database_from_a_newer_version_is_refused_and_unchanged(fup):
    fup.ok("add", "Ana Ruiz")
    conn = sqlite3.connect(fup.db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = fup.dump()
    for args in (["today"], ["add", "Bob"], ["log", "ana"], ["reschedule"]):
        assert_one_line_error(fup(*args), ExitCode.DATABASE)
    assert fup.dump() == before


# --- random input ------------------------------------------------------------------------------

# Anything a shell can pass: no NUL, no lone surrogates.
_text = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=14)
_who = st.one_of(st.sampled_from(["ana", "Ana Ruiz", "ANA@ACME.EXAMPLE", "bob", "1", "3", "99", "an", "", " "]), _text)
_when = st.one_of(
    st.sampled_from(["today", "tomorrow", "fri", "3d", "2w", "in 2 months", "2026-12-01", "2027-02-30",
                     "yesterday", "eom", "next week", "2026-11-20T10:00", "99999y", "0000-01-01"]),
    _text,
)
_outcome = st.one_of(st.sampled_from(OUTCOMES), _text)
_channel = st.one_of(st.sampled_from(CHANNELS), _text)
_state = st.one_of(st.sampled_from(STATES), _text)
_command = st.one_of(
    st.builds(lambda w: ["show", w, "-f", "json"], _who),
    st.builds(lambda w, c, o: ["log", w, c, "--outcome", o], _who, _channel, _outcome),
    st.builds(lambda w, d: ["log", w, "--at", d], _who, _when),
    st.builds(lambda w, d: ["log", w, "--ask-again", d], _who, _when),
    st.builds(lambda w, d: ["next", w, "call back", "--due", d], _who, _when),
    st.builds(lambda w, d: ["snooze", w, d], _who, _when),
    st.builds(lambda w, s: ["state", w, s], _who, _state),
    st.builds(lambda w: ["done", w], _who),
    st.builds(lambda w: ["rm", w, "--yes"], _who),
    st.builds(lambda d: ["today", "--on", d, "-f", "json"], _when),
    st.builds(lambda n, c, d: ["add", n, "--channel", c, "--met", d], _who, _channel, _when),
)
REJECTION_CODES = {ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.AMBIGUOUS, ExitCode.CONFLICT}


def test_random_input_never_tracebacks_and_rejections_write_nothing(crowd, tmp_path):
    template = crowd.home

    @settings(max_examples=50, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(commands=st.lists(_command, min_size=1, max_size=3))
    def run(commands):
        home = Path(tempfile.mkdtemp(dir=tmp_path))
        shutil.copytree(template, home, dirs_exist_ok=True)
        env = {"FUP_HOME": str(home)}
        for args in commands:
            before = crowd.dump(home / "fup.db")
            result = crowd(args, env=env)
            assert "Traceback" not in result.stdout + result.stderr
            if result.exit_code == 0:
                if args[-2:] == ["-f", "json"] and not result.stdout.startswith("Usage"):
                    json.loads(result.stdout)
                continue
            assert result.exit_code in REJECTION_CODES, (args, result.exit_code, result.stderr)
            assert len(result.stderr.splitlines()) == 1, (args, result.stderr)
            assert crowd.dump(home / "fup.db") == before, args

    run()


def test_fup_alone_prints_todays_list(fup):
    """As `task` alone runs `task next`: `fup` is `fup today`; `fup --help` still helps."""
    assert fup.ok().stdout.startswith("No contacts yet")
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "today")
    assert fup.ok().stdout == fup.ok("today").stdout
    assert "Ana Ruiz" in fup.ok().stdout
    assert "Usage" in fup.ok("--help").stdout


def test_phone_is_a_call(fup):
    """People say "phone" for a call: accepted wherever a channel is, and stored as `call`."""
    fup.ok("add", "Ana Ruiz", "--channel", "Phone")
    fup.ok("log", "ana", "phone", "--next", "send terms", "--due", "fri", "--next-channel", "phone")
    card = fup.json("show", "ana", "-f", "json")
    assert card["channel"] == "call"
    assert card["touches"][-1]["channel"] == "call"
    assert [c["channel"] for c in card["commitments"]] == ["call"]
    fup.ok("edit", "ana", "--channel", "PHONE")
    bad = fup("log", "ana", "fax")
    assert bad.exit_code == 2 and "unknown channel 'fax'" in bad.stderr


def test_undo_list_shows_what_undo_would_take_back_and_changes_nothing(fup):
    assert fup.ok("undo", "--list").stdout == "Nothing to undo.\n"
    assert not fup.db_path.exists()  # (reading the history creates no database)
    fup.ok("add", "Ana Ruiz", now="2026-11-20T09:00")
    fup.ok("log", "ana", "call", now="2026-11-22T10:30")
    fup.ok("next", "ana", "send the deck", "--due", "fri", now="2026-11-23T08:00")
    before = fup.dump()
    lines = fup.ok("undo", "--list").stdout.splitlines()  # on Monday 2026-11-23
    assert lines[1:] == ["today 08:00       next Ana Ruiz (#1): send the deck",
                         "yesterday 10:30   log Ana Ruiz (#1): call, sent",
                         "2026-11-20 09:00  add Ana Ruiz (#1)"]
    assert fup.ok("undo", "--list", "1").stdout.splitlines()[1:] == ["today 08:00  next Ana Ruiz (#1): send the deck"]
    assert fup.dump() == before
    refused = fup("undo", "2")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1 and "--list" in refused.stderr
    assert fup.dump() == before
    assert fup("undo", "--list", "0").exit_code == 2
    fup.ok("undo")
    assert fup.ok("undo", "--list").stdout.splitlines()[1:] == ["yesterday 10:30   log Ana Ruiz (#1): call, sent",
                                                              "2026-11-20 09:00  add Ana Ruiz (#1)"]


def test_edit_append_note_adds_a_dated_line(fup):
    fup.ok("add", "Ana Ruiz", "--note", "met at SaaStr", now="2026-11-23T09:00")
    before = fup.dump()
    for args in (["--note", "x", "--append-note", "y"], ["--append-note", ""], ["--append-note", "a\x07b"]):
        refused = fup("edit", "ana", *args)
        assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, args
    assert fup.dump() == before
    fup.ok("edit", "ana", "--append-note", "met her CFO", now="2026-11-24T10:00")
    fup.ok("edit", "ana", "--append-note", "  prefers calls  ", now="2026-11-26T10:00")
    assert fup.json("show", "ana", "-f", "json")["notes"] == "met at SaaStr\n2026-11-24: met her CFO\n2026-11-26: prefers calls"
    fup.ok("undo")
    assert fup.json("show", "ana", "-f", "json")["notes"] == "met at SaaStr\n2026-11-24: met her CFO"


@pytest.mark.parametrize("new_birthday", ["07-01", ""])
def test_changing_a_birthday_in_its_window_while_cold_rows_wait(fup, new_birthday):
    """The write first moves on the cold rows the day had no room for, which reads today's
    birthdays: the contact's indexed MM-DD must change with its birthday (it once raised KeyError)."""
    (fup.home / "config.toml").write_text("daily_limit = 1\n")
    for n in range(5):
        fup.ok("add", f"Cold {n}", "--no-meeting", "--cadence", "nurture", now="2027-03-01T09:00")
    fup.ok("add", "Yan Bo", "--birthday", "03-19", "--cadence", "none", now="2027-03-01T09:00")
    assert "Yan Bo" in fup.ok("today", now="2027-03-19T09:00").stdout
    fup.ok("edit", "yan", "--birthday", new_birthday, now="2027-03-19T09:05")
    assert "Yan Bo" not in fup.ok("today", "--limit", "0", now="2027-03-19T09:10").stdout


def test_undo_on_a_database_given_by_url(fup, tmp_path):
    url = f"sqlite+pysqlite:///{tmp_path / 'by-url.db'}"
    fup.ok("--db", url, "add", "Ana Ruiz")
    assert "Ana Ruiz" in fup.ok("--db", url, "list").stdout
    assert_one_line_error(fup("--db", url, "undo"), ExitCode.NOT_FOUND)  # (no undo history on a URL: as before)


def test_list_json_and_csv_carry_what_a_spreadsheet_sorts_on(fup):
    """`fup list -f csv|json` add last_touch, unanswered_streak and open_commitments (next_due is
    there already); `fup export contacts` keeps its fixed columns."""
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "fri", now="2026-11-20T10:00")
    fup.ok("next", "ana", "intro to legal", "--due", "mon", "--theirs", now="2026-11-20T10:05")
    fup.ok("add", "Bob Stone", "--no-meeting", now="2026-11-20T10:10")
    fup.ok("log", "bob", now="2026-11-23T09:00")
    views = {v["name"]: v for v in fup.json("list", "-f", "json")}
    assert {n: (v["last_touch"], v["unanswered_streak"], v["open_commitments"]) for n, v in views.items()} == {
        "Ana Ruiz": ("2026-11-20", 0, 2), "Bob Stone": ("2026-11-23", 1, 0)}
    text = fup.ok("list", "-f", "csv").stdout
    exported = fup.ok("export", "contacts").stdout.splitlines()[0]
    assert text.splitlines()[0] == exported + ",last_touch,unanswered_streak,open_commitments,owner"
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text))}
    assert (rows["Ana Ruiz"]["open_commitments"], rows["Bob Stone"]["unanswered_streak"]) == ("2", "1")
    assert rows["Ana Ruiz"]["next_due"] == views["Ana Ruiz"]["next_due"]


def test_a_due_date_typed_with_a_time_or_on_a_weekend_is_kept_and_noted(fup):
    """Commitments are by day: a time is dropped, once, and said; a Saturday is kept (they may
    well have said Saturday) and named, so a slip of the calendar shows at once."""
    out = fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "2026-12-12").stdout.splitlines()
    assert out[:2] == ["Added Ana Ruiz (#1).", "Note: due Saturday 2026-12-12, not a workday."]
    out = fup.ok("next", "ana", "call her", "--due", "2026-12-01 15:00").stdout.splitlines()
    assert out[1] == "Note: time ignored: commitments are by day."
    out = fup.ok("log", "ana", "--next", "x", "--due", "2026-12-13T10:00").stdout.splitlines()
    assert out[1] == "Note: time ignored: commitments are by day; due Sunday 2026-12-13, not a workday."
    assert sorted(c["due"] for c in card(fup, "ana")["commitments"]) == ["2026-12-01", "2026-12-12", "2026-12-13"]
    assert "Note:" not in fup.ok("next", "ana", "y", "--due", "fri").stdout
