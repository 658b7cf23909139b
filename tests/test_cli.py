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
    "days_overdue", "channel", "urgency", "last_touch",
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
    "now, cadence, due",
    [
        ("2026-11-23", "warm", "2026-11-27"),  # Monday + 4 = Friday
        ("2026-11-25", "warm", "2026-11-30"),  # Wednesday + 4 = Sunday -> Monday
        ("2026-11-26", "hot", "2026-11-30"),  # Thursday + 2 = Saturday -> Monday
        ("2026-11-27", "vip", "2026-11-30"),  # Friday + 2 = Sunday -> Monday
        ("2026-11-24", "nurture", "2026-12-24"),  # Tuesday + 30 = Thursday
    ],
)
def test_add_after_a_meeting_schedules_the_first_follow_up_gaps0_later_on_a_workday(fup, now, cadence, due):
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
    assert (row["kind"], row["due"], row["days_overdue"], row["last_touch"]) == ("cadence", due, 0, now)


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
    row = row_of(today_rows(fup), "Bob Stone")
    assert (row["kind"], row["due"], row["days_overdue"], row["channel"], row["last_touch"]) == (
        "cadence", "2026-11-23", 0, "call", None)

    fup.at("2026-11-24")  # Tuesday: the opening touch; + 4 = Saturday -> Monday
    fup.ok("log", "bob")
    view = card(fup, "bob")
    assert (view["next_due"], view["unanswered_streak"]) == ("2026-11-30", 0)
    assert today_rows(fup, "2026-11-27") == []


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
    fup.ok("log", "ana")  # 2 unanswered: + 3 = Saturday -> Monday 12-07
    assert (card(fup, "ana")["next_due"], card(fup, "ana")["unanswered_streak"]) == ("2026-12-07", 2)
    fup.at("2026-12-03")  # Thursday: they write back
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
    fup.at("2027-03-01")
    for day in ("2026-11-25", "2026-11-26", "2026-11-30", "2026-12-03", "2026-12-08", "2026-12-16", "2026-12-29"):
        fup.ok("log", "hugo", "--at", f"{day}T10:00")
    view = card(fup, "hugo")
    # 7 unanswered: parked, next check-in nurture gaps[0] = 30 days after the last touch
    assert (view["state"], view["unanswered_streak"], view["next_due"]) == ("nurture", 7, "2027-01-28")
    fup.ok("log", "hugo", "--in", "--at", "2027-01-05T10:00")
    view = card(fup, "hugo")
    assert (view["state"], view["cadence"], view["unanswered_streak"], view["next_due"]) == (
        "active", "hot", 0, "2027-01-07")


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
    fup.ok("done", "ana")  # the earliest due
    fup.ok("drop", "ana", "--id", str(ids["send pricing"]))
    status = {c["action"]: (c["status"], c["closed_at"]) for c in card(fup, "ana")["commitments"]}
    assert status == {
        "send the deck": ("done", "2026-11-27T09:00:00"),
        "intro to CFO": ("open", None),
        "send pricing": ("dropped", "2026-11-27T09:00:00"),
    }
    fup.ok("done", "ana")
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
    fup.ok("add", "Vic Vip", "--cadence", "vip", "--met", "2026-11-16T10:00")  # due Wed 11-18
    fup.ok("add", "Hal Hot", "--cadence", "hot", "--met", "2026-11-16T10:00")  # due 11-18
    fup.ok("add", "Wes Warm", "--met", "2026-11-14T10:00")  # due 11-18
    fup.ok("add", "Ada Warm", "--met", "2026-11-14T10:00")  # due 11-18
    fup.ok("add", "Nia Nurture", "--cadence", "nurture", "--met", "2026-10-19T10:00")  # due 11-18
    fup.ok("add", "Walt Warm", "--met", "2026-11-12T10:00")  # due Mon 11-16
    fup.ok("add", "Pia Promise", "--met", "2026-11-20T10:00", "--next", "send the deck", "--due", "2026-11-18")
    fup.ok("add", "Tom Theirs", "--met", "2026-11-20T10:00", "--next", "send pricing", "--due", "2026-11-18", "--theirs")
    fup.ok("add", "Quinn Asked", "--met", "2026-11-13T10:00")
    fup.ok("log", "quinn", "--at", "2026-11-16T10:00", "--ask-again", "2026-11-18")

    rows = today_rows(fup)
    expected = {
        "Vic Vip": ("cadence", "2026-11-18", 5), "Hal Hot": ("cadence", "2026-11-18", 5),
        "Wes Warm": ("cadence", "2026-11-18", 5), "Ada Warm": ("cadence", "2026-11-18", 5),
        "Nia Nurture": ("cadence", "2026-11-18", 5), "Walt Warm": ("cadence", "2026-11-16", 7),
        "Pia Promise": ("promise", "2026-11-18", 5), "Tom Theirs": ("their-promise", "2026-11-18", 5),
        "Quinn Asked": ("asked", "2026-11-18", 5),
    }
    assert {r["name"]: (r["kind"], r["due"], r["days_overdue"]) for r in rows} == expected
    assert len(rows) == len(expected)  # one row per contact

    order = names(rows)
    urgencies = [r["urgency"] for r in rows]
    assert all(isinstance(u, (int, float)) for u in urgencies)
    assert urgencies == sorted(urgencies, reverse=True)
    pia = order.index("Pia Promise")
    assert all(pia < order.index(r["name"]) for r in rows if r["name"] != "Pia Promise" and r["days_overdue"] <= 5)
    pos = {name: order.index(name) for name in order}
    # vip > hot > warm > nurture when equally overdue; Ada before Wes: a tie, broken by name
    assert pos["Vic Vip"] < pos["Hal Hot"] < pos["Ada Warm"] < pos["Wes Warm"] < pos["Nia Nurture"]
    assert pos["Walt Warm"] < pos["Ada Warm"]  # more overdue, same kind and profile

    assert today_rows(fup, None, "--limit", "3") == rows[:3]


def test_today_csv_has_the_same_columns_and_rows_as_json(fup):
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--met", "2026-11-16T10:00")
    fup.ok("add", "Bob Stone", "--no-meeting", "--channel", "call")
    rows = today_rows(fup)
    text = fup.ok("today", "-f", "csv").stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0]
    assert header == "contact_id,name,company,kind,reason,due,days_overdue,channel,urgency,last_touch"
    assert [(r["name"], r["kind"], r["due"], r["days_overdue"]) for r in parsed] == [
        (r["name"], r["kind"], r["due"], str(r["days_overdue"])) for r in rows]


def test_today_footer_counts_active_contacts_with_no_agreed_next_step(fup):
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "Bob Stone", "--no-meeting")
    fup.ok("add", "Carla Diaz", "--next", "send the deck", "--due", "2026-12-01")  # hard: has a next step
    fup.ok("add", "Dan Eve", "--next", "send pricing", "--due", "2026-12-01", "--theirs")  # theirs, hard
    fup.ok("add", "Eve Won")
    fup.ok("add", "Finn No")
    fup.ok("log", "eve", "--outcome", "won")
    fup.ok("log", "finn", "--outcome", "not-interested")
    assert footer_count(fup.ok("today").stdout) == 2
    assert sorted(names(fup.json("list", "--no-next-step", "-f", "json"))) == ["Ana Ruiz", "Bob Stone"]
    fup.ok("next", "ana", "book the demo", "--due", "2026-12-02")
    assert footer_count(fup.ok("today").stdout) == 1


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
    row = row_of(today_rows(fup, "2026-12-07"), "Ana Ruiz")
    assert (row["kind"], row["due"]) == ("cadence", "2026-11-27")
    fup.ok("snooze", "ana", "today")
    view = card(fup, "ana")
    assert (view["snoozed_until"], view["next_due"]) == (None, "2026-11-27")


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


# --- cadence, reschedule, config ------------------------------------------------------------


def test_cadence_shows_each_profile_as_day_offsets(fup):
    table = fup.ok("cadence").stdout
    warm = [line for line in table.splitlines() if line.startswith("warm")]
    assert len(warm) == 1 and "4, 7, 10, 15, 23, 36, 57" in warm[0]
    profiles = {p["profile"]: p for p in fup.json("cadence", "-f", "json")}
    assert {name: p["offsets"] for name, p in profiles.items()} == {
        "hot": [2, 3, 5, 8, 13, 21, 34],
        "warm": [4, 7, 10, 15, 23, 36, 57],
        "nurture": [30, 90, 180],
        "vip": [2, 4, 7, 12, 20, 33],
        "none": [],
    }
    assert [p["offsets"] for p in fup.json("cadence", "warm", "-f", "json")] == [[4, 7, 10, 15, 23, 36, 57]]


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
    # refused for other reasons
    (["add", "Zed", "--email", "ANA@acme.example"], ExitCode.CONFLICT),
    (["add", ""], ExitCode.USAGE),
    (["log", "bob", "--at", "tomorrow"], ExitCode.USAGE),
    (["today", "--limit", "-1"], ExitCode.USAGE),
    (["frobnicate"], ExitCode.USAGE),
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
