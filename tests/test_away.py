"""`fup away`: days off are holidays of the user's own, stored in the database.

Nothing computed comes due on them: what would moves to the first workday
after, and the list on the day after the break shows it. Dates someone chose
(a promise, a date they asked for) stay where they are, and `fup away` names
the promises that fall inside. Adding or clearing days off is one undo step.
"""

from __future__ import annotations

import pytest


def due_of(fup, who: str) -> str:  # noqa: ANN001
    return fup.json("show", who, "--format", "json")["next_due"]


@pytest.fixture
def week(fup):  # noqa: ANN001, ANN201
    """Monday 2026-11-23: three contacts met today; warm's first follow-up is Friday 11-27."""
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "2026-11-26")
    fup.ok("add", "Bo Lind")
    fup.ok("add", "Cy Dee", "--birthday", "11-25")
    return fup


def test_a_follow_up_on_a_day_off_moves_to_the_first_workday_after(week) -> None:  # noqa: ANN001
    assert due_of(week, "bo") == "2026-11-27"
    result = week.ok("away", "2026-11-26", "2026-11-30")
    assert result.stdout.startswith("Away: Thu 2026-11-26 to Mon 2026-11-30 (5 days); next follow-up moved for 2 contacts.\n")
    assert due_of(week, "bo") == "2026-12-01"
    # nothing comes due while away: the days off show no new row
    for day in ("2026-11-26", "2026-11-27", "2026-11-30"):
        rows = week.json("today", "--on", day, "--format", "json")
        assert "Bo Lind" not in [r["name"] for r in rows], day
    assert "Bo Lind" in [r["name"] for r in week.json("today", "--on", "2026-12-01", "--format", "json")]


def test_a_promise_inside_the_days_off_is_kept_and_named(week) -> None:  # noqa: ANN001
    result = week.ok("away", "2026-11-26", "2026-11-30")
    assert ("Note: Ana Ruiz: you promised send the deck by Thu 2026-11-26 (commitment 1); "
            "`fup move` it if it should wait.\n") in result.stdout
    assert week.json("show", "ana", "--format", "json")["commitments"][0]["due"] == "2026-11-26"


def test_a_birthday_on_a_day_off_shows_before_it(week) -> None:  # noqa: ANN001
    week.ok("away", "2026-11-25")  # one day: Cy's birthday
    names = [r["name"] for r in week.json("today", "--on", "2026-11-24", "--format", "json")]
    assert "Cy Dee" in names


def test_list_and_clear(week) -> None:  # noqa: ANN001
    assert week.ok("away", "--list").stdout == "No days off: add some with `fup away START END`.\n"
    week.ok("away", "2026-12-21", "2027-01-01")
    week.ok("away", "2026-11-20", "2026-11-23")
    listed = week.ok("away").stdout.splitlines()
    assert listed[0].split() == ["from", "to", "days"]
    assert listed[1].split() == ["Fri", "2026-11-20", "Mon", "2026-11-23", "4", "now"]
    assert listed[2].split() == ["Mon", "2026-12-21", "Fri", "2027-01-01", "12"]
    result = week.ok("away", "--clear", "2026-12-21")
    assert result.stdout.startswith("No longer away: Mon 2026-12-21 to Fri 2027-01-01 (12 days)")
    assert len(week.ok("away", "--list").stdout.splitlines()) == 2


def test_undo_takes_days_off_back_exactly(week) -> None:  # noqa: ANN001
    before = week.dump()
    week.ok("away", "2026-11-26", "2026-11-30")
    assert week.ok("undo").stdout == "Undid: away 2026-11-26 to 2026-11-30 (today 09:00).\n"
    assert week.dump() == before
    week.ok("away", "2026-11-26", "2026-11-30")
    between = week.dump()
    week.ok("away", "--clear", "thu")
    assert due_of(week, "bo") == "2026-11-27"
    week.ok("undo")
    assert week.dump() == between


def test_days_off_are_kept_for_later_plans(week) -> None:  # noqa: ANN001
    week.ok("away", "2026-12-03", "2026-12-08")
    week.ok("log", "bo", now="2026-12-02T10:00")  # warm's next gap (3 days: Sat 12-05) lands inside the days off
    assert due_of(week, "bo") == "2026-12-09"  # the first workday after them, not the Friday before


@pytest.mark.parametrize("args, code, message", [
    (["away", "2026-12-05", "2026-12-01"], 2, "fup: error: the days off end (2026-12-01) before they start (2026-12-05)\n"),
    (["away", "2026-01-01", "2027-06-01"], 2, None),
    (["away", "someday"], 2, None),
    (["away", "2027-02-30"], 2, None),
    (["away", "--clear", "2026-12-24"], 3, "fup: error: no days off start on 2026-12-24 (see `fup away --list`)\n"),
    (["away", "--clear", "2026-12-24", "--list"], 2, None),
    (["away", "fri", "--list"], 2, None),
])
def test_bad_input_writes_nothing(week, args: list[str], code: int, message: str | None) -> None:  # noqa: ANN001
    before = week.dump()
    result = week(*args)
    assert result.exit_code == code
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("fup: error: ")
    if message:
        assert result.stderr == message
    assert week.dump() == before
