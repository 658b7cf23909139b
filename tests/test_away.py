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


def birthday_rows(fup, on: str) -> dict[str, dict]:  # noqa: ANN001
    """name -> row of `fup today --on ON` for the rows that are birthdays."""
    rows = fup.json("today", "--on", on, "--format", "json")
    return {r["name"]: r for r in rows if r["reason"].startswith("birthday on ")}


def test_a_birthday_on_a_day_off_shows_after_it(week) -> None:  # noqa: ANN001
    week.ok("away", "2026-11-25")  # one day: Cy's birthday (Wednesday)
    assert "Cy Dee" not in birthday_rows(week, "2026-11-24")  # not the day before you leave
    row = birthday_rows(week, "2026-11-26")["Cy Dee"]
    assert row["reason"].startswith("birthday on Wednesday 2026-11-25")
    assert row["days_overdue"] == 0


def test_a_birthday_inside_days_off_shows_from_the_first_workday_after_them(fup) -> None:  # noqa: ANN001
    """The reviewer's repro: a birthday on Tue 12-22 and days off 12-21 to 01-01 showed on Fri 12-18
    and was gone by Mon 01-04; now it shows from 01-04, due that day, for the usual week."""
    fup.ok("add", "Dee Ok", "--birthday", "1990-12-22", "--cadence", "none")
    fup.ok("away", "2026-12-21", "2027-01-01")
    for day in ("2026-12-18", "2026-12-21", "2026-12-22", "2026-12-31"):
        assert "Dee Ok" not in birthday_rows(fup, day), day
    for day, overdue in (("2027-01-04", 0), ("2027-01-08", 4), ("2027-01-10", 6)):
        row = birthday_rows(fup, day)["Dee Ok"]
        assert row["reason"] == "birthday on Tuesday 2026-12-22", day
        assert (row["due"], row["days_overdue"]) == ("2027-01-04", overdue), day
    assert "Dee Ok" not in birthday_rows(fup, "2027-01-11")
    # the card agrees with the list, and wishes sent on the day back clear it
    card = fup.json("show", "dee", "--format", "json", now="2027-01-05")
    assert (card["next"]["kind"], card["next"]["due"]) == ("birthday", "2027-01-04")
    assert fup.ok("log", "dee", now="2027-01-05").stdout.startswith("Logged email with Dee Ok (greeting).")
    assert "Dee Ok" not in birthday_rows(fup, "2027-01-06")


def test_a_weekend_birthday_still_shows_the_workday_before(fup) -> None:  # noqa: ANN001
    fup.ok("add", "Dee Ok", "--birthday", "12-12", "--cadence", "none")  # Saturday 2026-12-12
    fup.ok("away", "2026-12-21", "2027-01-01")  # days off elsewhere change nothing
    assert birthday_rows(fup, "2026-12-11")["Dee Ok"]["due"] == "2026-12-11"
    assert "Dee Ok" not in birthday_rows(fup, "2026-12-10")
    fup.ok("away", "2026-12-11")  # the Friday before is a day off: not pulled to Thursday, shown Monday
    assert "Dee Ok" not in birthday_rows(fup, "2026-12-10")
    assert birthday_rows(fup, "2026-12-14")["Dee Ok"]["due"] == "2026-12-14"


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


# --- dates typed by you that land on days off --------------------------------------------------


def test_a_snooze_ending_on_a_day_off_is_due_on_the_first_workday_after(week) -> None:  # noqa: ANN001
    week.ok("add", "Di Expo", "--tag", "expo")
    week.ok("away", "2026-12-21", "2027-01-01")
    week.ok("snooze", "bo", "2026-12-23")
    week.ok("snooze", "--tag", "expo", "2026-12-26")  # a Saturday inside the days off
    assert due_of(week, "bo") == due_of(week, "di") == "2027-01-04"
    rows = {r["name"]: r for r in week.json("today", "--on", "2027-01-04", "--format", "json")}
    assert rows["Bo Lind"]["days_overdue"] == 0 and rows["Di Expo"]["days_overdue"] == 0  # not "12 days overdue"
    for day in ("2026-12-23", "2026-12-28"):
        assert not {"Bo Lind", "Di Expo"} & {r["name"] for r in week.json("today", "--on", day, "--format", "json")}
    # days off added after the snooze move it too, and taking them back restores the snooze's own day
    week.ok("away", "--clear", "2026-12-21")
    assert due_of(week, "bo") == "2026-12-23"
    result = week.ok("away", "2026-12-21", "2027-01-01")
    assert "next follow-up moved for 2 contacts" in result.stdout
    assert due_of(week, "bo") == "2027-01-04"


def test_a_weekend_snooze_and_the_dates_people_chose_are_kept(week) -> None:  # noqa: ANN001
    week.ok("away", "2026-12-21", "2027-01-01")
    week.ok("snooze", "bo", "2026-12-19")  # a Saturday, no day off: kept as typed
    assert due_of(week, "bo") == "2026-12-19"
    week.ok("next", "cy", "send the photos", "--due", "2026-12-22")  # a promise inside the days off stays
    week.ok("log", "bo", "--outcome", "talked", "--ask-again", "2026-12-28")  # and so does a date they asked for
    assert week.json("show", "cy", "--format", "json")["commitments"][-1]["due"] == "2026-12-22"
    assert due_of(week, "cy") == "2026-11-25"  # (his birthday first)
    bo = week.json("show", "bo", "--format", "json")
    assert (bo["next"]["kind"], bo["next"]["due"]) == ("asked", "2026-12-28")


def test_reopening_on_a_day_off_is_due_after_the_days_off(fup) -> None:  # noqa: ANN001
    fup.ok("add", "Hal Hot", "--cadence", "hot")
    fup.ok("state", "hal", "paused")
    fup.ok("away", "2026-12-21", "2027-01-01")
    fup.ok("state", "hal", "active", now="2026-12-23")  # reopened while away: +2 days is still away
    assert due_of(fup, "hal") == "2027-01-04"
    assert fup.json("today", "--on", "2027-01-04", "--format", "json")[0]["days_overdue"] == 0


# --- fup snooze --tag T never leaves a no alone --------------------------------------------------


def test_pausing_a_tag_leaves_closed_contacts_closed(fup) -> None:  # noqa: ANN001
    for name in ("Ana Ruiz", "Bo Lind", "Cy Dee"):
        fup.ok("add", name, "--tag", "expo")
    fup.ok("log", "cy", "--outcome", "not-interested")
    before = fup.dump()
    out = fup.ok("snooze", "--tag", "expo", "never").stdout
    assert out == ("Paused 2 contacts tagged expo; 1 closed contact left closed. "
                   "No follow-ups until `fup state WHO active`.\n")
    assert [fup.json("show", w, "--format", "json")["state"] for w in ("ana", "bo", "cy")] == ["paused", "paused", "closed"]
    assert fup.ok("undo", "--list").stdout.splitlines()[1].endswith("pause 2 contacts tagged expo")
    fup.ok("undo")
    assert fup.dump() == before
    # only closed ones: nothing paused, and the reply says so
    fup.ok("edit", "ana", "--untag", "expo")
    fup.ok("edit", "bo", "--untag", "expo")
    assert fup.ok("snooze", "--tag", "expo", "never").stdout == "Paused nobody tagged expo: 1 closed contact left closed.\n"
    assert fup.json("show", "cy", "--format", "json")["state"] == "closed"


# --- fup away: the notes, the same days twice, a --due on a day off --------------------------------


def test_the_notes_name_promises_of_open_contacts_at_most_max_listed(fup) -> None:  # noqa: ANN001
    from fupcli.core import MAX_LISTED

    for n in range(MAX_LISTED + 2):
        fup.ok("add", f"Person {n:02d}", "--next", f"call {n}", "--due", "2026-12-22")
    fup.ok("add", "Zed Closed", "--next", "send the terms", "--due", "2026-12-22")
    fup.ok("log", "zed", "--outcome", "not-interested")
    notes = [line for line in fup.ok("away", "2026-12-21", "2027-01-01").stdout.splitlines() if line.startswith("Note: ")]
    assert len(notes) == MAX_LISTED + 1
    assert notes[0] == ("Note: Person 00: you promised call 0 by Tue 2026-12-22 (commitment 1); "
                        "`fup move` it if it should wait.")
    assert not any("Zed Closed" in line for line in notes)
    assert notes[-1] == "Note: … and 2 more promises fall on those days (`fup list` / `fup show`)."


def test_the_same_days_off_twice_are_refused(week) -> None:  # noqa: ANN001
    week.ok("away", "2026-12-21", "2027-01-01")
    before = week.dump()
    result = week("away", "2026-12-21", "2027-01-01")
    assert result.exit_code == 5
    assert result.stderr == "fup: error: already away 2026-12-21 to 2027-01-01\n"
    assert week.dump() == before
    week.ok("away", "2026-12-21", "2026-12-24")  # overlapping, not the same: allowed
    week.ok("away", "2026-12-28", "2027-01-01")
    assert len(week.ok("away", "--list").stdout.splitlines()) == 4


def test_a_due_date_on_a_day_off_is_kept_and_named(week) -> None:  # noqa: ANN001
    week.ok("away", "2026-12-03", "2026-12-08")
    out = week.ok("next", "bo", "send the terms", "--due", "2026-12-03").stdout.splitlines()
    assert out[1] == "Note: due Thursday 2026-12-03, one of your days off."
    out = week.ok("move", "bo", "2026-12-10").stdout  # a workday: nothing to note
    assert "Note:" not in out
    out = week.ok("move", "bo", "2026-12-12").stdout.splitlines()  # an ordinary Saturday
    assert "Note: due Saturday 2026-12-12, not a workday." in out
    assert week.json("show", "bo", "--format", "json")["commitments"][0]["due"] == "2026-12-12"
