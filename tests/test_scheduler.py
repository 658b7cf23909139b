"""Tests of the pure scheduler, `fupcli.scheduler`, against the rules of docs/scheduling.md.

Examples pin each rule down on fixed dates (2 March 2026 and 16 November 2026
are Mondays); the hypothesis properties check invariants over generated
histories: a reference model of the counts (unanswered, follow-ups, the ladder's
position), the gaps (growing to a ceiling, half the gap reached after a reply),
parking and asked dates, the nearest workday, no catch-up, hard commitments
replacing the cadence, snoozes flooring the cadence rows only, greetings changing
nothing, order independence, the long run (replying never earns more unanswered
follow-ups than silence), and the ranking guarantees on `Item.rank`,
`Item.urgency` and `queries.rank_key`: tiers first (a promise of mine on top,
cold rows below live ones, soft steps last), then days overdue, then the
profile's weight, then the name. `scheduler.place` is tested in test_balance.py.
Nothing here reads the clock or a database.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from fupcli import scheduler
from fupcli.storage.queries import DueRow, _due_row, rank_key
from fupcli.scheduler import (
    DEFAULT_PROFILES,
    SHORT_REASON,
    TIER_SPAN,
    TIERS,
    CommitmentFacts,
    ContactFacts,
    Item,
    Profile,
    Rules,
    TouchFacts,
    birthday_days,
    birthday_item,
    first_visible,
    ladder,
    next_item,
    next_state,
    item_order,
    plan_contact,
    rank_bounds,
    row_on,
    rows_on,
    thread,
    with_more,
)
from fupcli.vocabulary import KINDS

FAST = settings(max_examples=200, deadline=None, derandomize=True)

RULES = Rules()
EVERY_DAY = Rules(workdays=frozenset(range(7)))  # no shifting: dates are exactly gap days apart
MON = date(2026, 3, 2)
D = {n: MON + timedelta(days=n - 2) for n in range(1, 32)}  # D[n] is 2026-03-n


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def touch(day: date, outcome: str = "sent", direction: str = "out", channel: str = "email",
          ask_again: date | None = None, id: int = 0, hour: int = 10) -> TouchFacts:
    return TouchFacts(at(day, hour), direction, outcome, channel, ask_again, id)


def meeting(day: date, id: int = 1) -> TouchFacts:
    return TouchFacts(at(day, 9), "out", "meeting", "meeting", None, id)


def contact(cadence: str = "warm", state: str = "active", **extra) -> ContactFacts:
    return ContactFacts("Ada Lovelace", cadence, state, **extra)


def promise(due: date, id: int = 1, whose: str = "mine", firmness: str = "hard", status: str = "open",
            action: str = "send the proposal") -> CommitmentFacts:
    return CommitmentFacts(id, whose, action, due, firmness, status)


def plan(touches=(), commitments=(), rules: Rules = RULES, **contact_fields):
    return plan_contact(contact(**contact_fields), list(touches), list(commitments), rules)


CADENCE_KINDS = ("cadence", "cold")  # a cadence row: of a live contact, or a cold one (nurture rhythm, opening touch)


def schedule_items(p) -> list[Item]:
    return [item for item in p.items if item.kind in (*CADENCE_KINDS, "asked")]


def the_schedule_item(p) -> Item:
    items = schedule_items(p)
    assert len(items) == 1, p.items
    return items[0]


def follow_ups(days, first_id: int = 2) -> list[TouchFacts]:
    return [touch(day, id=first_id + i) for i, day in enumerate(days)]


def days_between(start: date, end: date):
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def test_calendar_of_the_examples():
    assert D[2] == date(2026, 3, 2) and D[2].weekday() == 0
    assert D[7].weekday() == 5 and D[8].weekday() == 6


# --- profiles ------------------------------------------------------------------


def test_default_profiles_match_the_spec():
    expected = {
        "hot": ((2, 1, 2, 3, 5, 8, 13), "park"),
        "warm": ((4, 3, 3, 5, 8, 13, 21), "park"),
        "nurture": ((30, 60, 90), "repeat"),
        "vip": ((2, 2, 3, 5, 8, 13), "repeat"),
    }
    for name, (gaps, end) in expected.items():
        profile = RULES.profiles[name]
        assert profile.gaps == gaps and profile.end == end
    assert RULES.profiles["none"].gaps == ()
    assert RULES.workdays == frozenset({0, 1, 2, 3, 4})


def test_profile_offsets_are_cumulative_days_from_the_meeting():
    assert DEFAULT_PROFILES["warm"].offsets() == [4, 7, 10, 15, 23, 36, 57]
    assert DEFAULT_PROFILES["hot"].offsets() == [2, 3, 5, 8, 13, 21, 34]
    assert DEFAULT_PROFILES["nurture"].offsets() == [30, 90, 180]
    assert DEFAULT_PROFILES["none"].offsets() == []


def test_profile_offsets_of_a_repeating_profile_grow_to_the_ceiling():
    # vip past its gaps: 8 + 13 = 21, then 13 + 21 = 34 capped at the ceiling, 30
    assert DEFAULT_PROFILES["vip"].offsets(8) == [2, 4, 7, 12, 20, 33, 54, 84]
    # nurture's ceiling is its largest gap, 90: it keeps 90 days
    assert DEFAULT_PROFILES["nurture"].offsets(5) == [30, 90, 180, 270, 360]
    # a parking profile does not repeat
    assert DEFAULT_PROFILES["warm"].offsets(10) == [4, 7, 10, 15, 23, 36, 57]


# --- rule 1: anchor on what happened ---------------------------------------------


@pytest.mark.parametrize(
    "cadence, expected",
    [("warm", D[6]), ("hot", D[4]), ("vip", D[4]), ("nurture", date(2026, 4, 1))],
)
def test_first_follow_up_is_gaps0_after_the_meeting(cadence, expected):
    p = plan([meeting(D[2])], cadence=cadence)
    item = the_schedule_item(p)
    # a nurture rhythm is a cold row (it may move to balance the days); the others are live
    assert (item.kind, item.due) == ("cold" if cadence == "nurture" else "cadence", expected)
    assert p.unanswered_streak == 0
    assert p.last_touch == D[2]


def test_each_unanswered_follow_up_uses_the_next_gap():
    # warm gaps 4, 3, 3, 5: Mon 2 -> Fri 6 -> Mon 9 -> Thu 12 -> Tue 17
    history = [meeting(D[2])]
    expected = [D[6], D[9], D[12], D[17]]
    for streak, due in enumerate(expected):
        p = plan(history)
        assert p.unanswered_streak == streak
        assert the_schedule_item(p).due == due
        history.append(touch(due, id=len(history) + 1))


def test_a_late_follow_up_anchors_on_its_own_date_not_on_the_missed_due_date():
    # first follow-up was due Fri 6; it went out on Fri 20: the next is due 3 days after it.
    p = plan([meeting(D[2]), touch(D[20], id=2)])
    assert the_schedule_item(p).due == D[23]


def test_a_missed_due_date_stays_one_row_growing_overdue_with_no_catch_up():
    p = plan([meeting(D[2])])
    assert len(schedule_items(p)) == 1
    on = date(2026, 4, 1)
    row = row_on(p.state, p.items, on)
    assert row is not None and row.kind == "cadence" and row.due == D[6]
    assert row.urgency(on) - row.urgency(D[6]) == pytest.approx((on - D[6]).days)


def test_next_item_returns_the_row_of_the_day():
    touches = [meeting(D[2])]
    assert next_item(contact(), touches, [], RULES, at(D[5])) is None
    item = next_item(contact(), touches, [], RULES, at(D[6]))
    assert item is not None and (item.kind, item.due) == ("cadence", D[6])
    assert next_item(contact(), touches, [], RULES, at(D[16])).due == D[6]


# --- rule 2: two-way contact resets ----------------------------------------------


@pytest.mark.parametrize(
    "direction, outcome, resets",
    [
        ("in", "sent", True),
        ("in", "replied", True),
        ("in", "no-answer", True),
        ("out", "talked", True),
        ("out", "replied", True),
        ("out", "meeting", True),
        ("out", "won", True),
        ("out", "sent", False),
        ("out", "no-answer", False),
        ("out", "left-message", False),
    ],
)
def test_two_way_touches_reset_the_streak(direction, outcome, resets):
    # after the follow-up on Fri 6: a reset means gaps[0] = 4 (Tue 10), else gaps[1] = 3 (Mon 9).
    p = plan([meeting(D[2]), touch(D[6], outcome=outcome, direction=direction, id=2)])
    assert p.unanswered_streak == (0 if resets else 1)
    assert the_schedule_item(p).due == (D[10] if resets else D[9])


def test_an_inbound_reply_after_a_streak_restarts_at_gaps0():
    history = [meeting(D[2]), *follow_ups([D[6], D[9], D[12]]), touch(D[13], "replied", "in", id=9)]
    p = plan(history)
    assert p.unanswered_streak == 0
    # Fri 13 + 4 = Tue 17
    assert the_schedule_item(p).due == D[17]


def test_a_parked_contact_that_replies_goes_back_to_active_on_its_own_profile():
    parked_history = [meeting(D[2]), *follow_ups([D[3], D[4], D[5], D[6], D[9], D[10], D[11]])]
    parked = plan(parked_history, state="nurture")
    reply = touch(D[16], "replied", "in", id=20)
    new_state = next_state(parked.state, reply)
    assert new_state == "active"
    p = plan([*parked_history, reply], state=new_state)
    assert p.state == "active" and p.unanswered_streak == 0
    item = the_schedule_item(p)
    assert item.due == D[20]  # Mon 16 + warm gaps[0] = Fri 20
    assert "warm" in item.reason


# --- rule 3: workdays -------------------------------------------------------------


def test_a_computed_date_on_a_weekend_moves_to_the_nearest_workday():
    # hot: Thu 5 + 2 = Sat 7 -> Fri 6 (a day sooner rather than two days later)
    assert the_schedule_item(plan([meeting(D[5])], cadence="hot")).due == D[6]
    # warm: Wed 4 + 4 = Sun 8 -> Mon 9
    assert the_schedule_item(plan([meeting(D[4])])).due == D[9]
    # never on or before the touch it counts from: hot after Fri 6, + 1 = Sat 7 -> Mon 9, not Fri 6
    assert the_schedule_item(plan([meeting(D[5]), touch(D[6], id=2)], cadence="hot")).due == D[9]
    # a tie goes later: with Mondays off, Sun 8 is two days from Fri 6 and from Tue 10
    no_mondays = Rules(workdays=frozenset({1, 2, 3, 4}))
    assert the_schedule_item(plan([meeting(D[4])], rules=no_mondays)).due == D[10]


def test_holidays_are_skipped():
    rules = Rules(holidays=frozenset({D[9], D[10]}))
    # hot: Thu 5 + 2 = Sat 7: Fri 6 is nearer than Wed 11
    assert the_schedule_item(plan([meeting(D[5])], cadence="hot", rules=rules)).due == D[6]
    # warm: Wed 4 + 4 = Sun 8: Fri 6 and Wed 11 (Mon 9, Tue 10 off) -> Fri 6
    assert the_schedule_item(plan([meeting(D[4])], rules=rules)).due == D[6]
    # warm: Mon 2 + 4 = Fri 6, a holiday: Thu 5 is nearer than Mon 9
    friday_off = Rules(holidays=frozenset({D[6]}))
    assert the_schedule_item(plan([meeting(D[2])], rules=friday_off)).due == D[5]
    # warm: Wed 4 + 4 = Sun 8, Monday off: Fri 6 and Tue 10 tie -> Tue 10
    monday_off = Rules(holidays=frozenset({D[9]}))
    assert the_schedule_item(plan([meeting(D[4])], rules=monday_off)).due == D[10]


def test_configured_workdays_are_used():
    mon_to_thu = Rules(workdays=frozenset({0, 1, 2, 3}))
    # warm: Mon 2 + 4 = Fri 6, not a workday here -> Thu 5 (nearer than Mon 9)
    assert the_schedule_item(plan([meeting(D[2])], rules=mon_to_thu)).due == D[5]
    weekends = Rules(workdays=frozenset({5, 6}))
    # Fri 6 -> Sat 7 (the Sunday before is before the meeting)
    assert the_schedule_item(plan([meeting(D[2])], rules=weekends)).due == D[7]


def test_a_date_they_asked_for_is_kept_even_on_a_saturday():
    saturday = date(2026, 6, 6)
    assert saturday.weekday() == 5
    p = plan([meeting(D[2]), touch(D[3], "talked", channel="call", ask_again=saturday, id=2)])
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("asked", saturday)


def test_commitment_dates_are_kept_as_typed():
    sunday, saturday = D[15], D[14]
    holiday_rules = Rules(holidays=frozenset({D[16]}))
    p = plan([meeting(D[2])], [promise(sunday), promise(D[16], id=2, whose="theirs"),
                               promise(saturday, id=3, whose="theirs", firmness="soft")], rules=holiday_rules)
    dues = {item.kind: item.due for item in p.items if item.commitment_id is not None}
    assert dues == {"promise": sunday, "their-promise": D[16], "soft": saturday}


# --- rule 4: they asked for a date, you honour it ---------------------------------


ASKED = date(2026, 6, 8)  # a Monday, three months on


def asked_history():
    return [meeting(D[2]), touch(D[3], "talked", channel="call", ask_again=ASKED, id=2)]


def test_the_asked_date_replaces_the_cadence_exactly():
    p = plan(asked_history())
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("asked", ASKED)
    assert [i for i in p.items if i.kind == "cadence"] == []


def test_nothing_of_the_cadence_shows_before_the_asked_date():
    p = plan(asked_history())
    for day in days_between(D[3], ASKED):
        assert row_on(p.state, p.items, day) is None, day
    row = row_on(p.state, p.items, ASKED)
    assert row is not None and row.kind == "asked"


def test_the_asked_date_stays_due_until_a_touch():
    p = plan(asked_history())
    later = ASKED + timedelta(days=12)
    row = row_on(p.state, p.items, later)
    assert (row.kind, row.due) == ("asked", ASKED)


def test_an_unanswered_touch_before_the_asked_date_does_not_cancel_it():
    p = plan([*asked_history(), touch(D[20], id=3)])
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("asked", ASKED)


def test_an_asked_date_on_an_unanswered_touch_is_honoured_too():
    p = plan([meeting(D[2]), touch(D[6], "left-message", channel="call", ask_again=ASKED, id=2)])
    assert (the_schedule_item(p).kind, the_schedule_item(p).due) == ("asked", ASKED)


def test_a_touch_on_the_asked_date_honours_it_and_restarts_at_gaps0():
    # An unanswered email on the asked Monday is a fresh start, like a meeting: the next
    # follow-up is warm gaps[0] = 4 days later (Fri 12 June), not gaps[1] = 3.
    p = plan([*asked_history(), touch(ASKED, id=3)])
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", date(2026, 6, 12))
    # the email itself is still unanswered (it counts), but no follow-up has gone out since it
    assert (p.unanswered_streak, p.followups) == (1, 0)
    assert item.reason == "first follow-up after your email on 2026-06-08, the date they asked for (warm cadence)"
    assert p.next_step_due is None  # the ask is honoured: no longer a standing next step


def test_a_late_touch_honours_the_asked_date_too():
    # Wed 10 June, two days after the date: 10 + 4 = Sun 14, moved to Mon 15 June.
    p = plan([*asked_history(), touch(date(2026, 6, 10), "left-message", channel="call", id=3)])
    assert the_schedule_item(p).due == date(2026, 6, 15)
    assert (p.unanswered_streak, p.followups) == (1, 0)
    assert "your call on 2026-06-10, the date they asked for" in the_schedule_item(p).reason


def test_after_an_honoured_asked_date_the_streak_rules_go_on():
    # honoured on Mon 8 June (fresh start), then an unanswered follow-up on Fri 12: gaps[1] = 3.
    p = plan([*asked_history(), touch(ASKED, id=3), touch(date(2026, 6, 12), id=4)])
    assert (p.unanswered_streak, p.followups) == (2, 1)  # both emails unanswered, one follow-up since
    assert the_schedule_item(p).due == date(2026, 6, 15)
    assert the_schedule_item(p).reason == (
        "follow-up 2: 2 unanswered since your email on 2026-06-08, the date they asked for (warm cadence)")


def test_a_two_way_touch_before_the_asked_date_does_not_clear_it():
    # a reply (or a call) before the date they asked for is no reason to forget the date
    p = plan([*asked_history(), touch(D[20], "replied", "in", id=3)])
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("asked", ASKED)
    assert [i for i in p.items if i.kind in CADENCE_KINDS] == []
    assert p.next_step_due == ASKED
    assert p.unanswered_streak == 0


def test_a_touch_on_the_asked_date_that_is_a_reply_restarts_at_gaps0():
    p = plan([*asked_history(), touch(ASKED, "replied", "in", id=3)])
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", date(2026, 6, 12))
    assert item.reason.startswith("first follow-up after their reply on 2026-06-08")


def test_a_standing_asked_date_is_an_agreed_next_step():
    assert plan(asked_history()).next_step_due == ASKED
    # the earlier of a standing ask and an open hard commitment
    assert plan(asked_history(), [promise(D[20], whose="theirs")]).next_step_due == D[20]
    assert plan(asked_history(), [promise(date(2026, 7, 1))]).next_step_due == ASKED
    # a soft step is never an agreed next step
    assert plan([meeting(D[2])], [promise(D[20], firmness="soft")]).next_step_due is None
    assert plan([meeting(D[2])]).next_step_due is None


# --- rule 5: don't chase a no -----------------------------------------------------


@pytest.mark.parametrize("state", ["active", "nurture", "client"])
def test_not_interested_closes(state):
    assert next_state(state, touch(D[3], "not-interested")) == "closed"
    assert next_state(state, touch(D[3], "not-interested", "in")) == "closed"


@pytest.mark.parametrize("state", ["active", "nurture"])
def test_won_makes_a_client(state):
    assert next_state(state, touch(D[3], "won")) == "client"


@pytest.mark.parametrize(
    "state, direction, outcome, expected",
    [
        ("active", "out", "sent", "active"),
        ("active", "in", "replied", "active"),
        ("nurture", "out", "sent", "nurture"),
        ("nurture", "out", "no-answer", "nurture"),
        ("nurture", "out", "talked", "active"),
        ("nurture", "in", "sent", "active"),
        ("client", "out", "sent", "client"),
        ("client", "in", "replied", "client"),
        # a closed contact who engages is reopened; chasing them alone does not reopen them
        ("closed", "in", "sent", "active"),
        ("closed", "in", "replied", "active"),
        ("closed", "in", "no-answer", "active"),
        ("closed", "out", "talked", "active"),
        ("closed", "out", "replied", "active"),
        ("closed", "out", "meeting", "active"),
        ("closed", "out", "sent", "closed"),
        ("closed", "out", "no-answer", "closed"),
        ("closed", "out", "left-message", "closed"),
        ("closed", "out", "won", "client"),
        ("closed", "in", "not-interested", "closed"),
    ],
)
def test_next_state_otherwise(state, direction, outcome, expected):
    assert next_state(state, touch(D[3], outcome, direction)) == expected


def test_a_closed_contact_is_never_due():
    touches = [meeting(D[2]), touch(D[3], "not-interested", "in", id=2)]
    commitments = [promise(D[5]), promise(D[6], id=2, whose="theirs")]
    p = plan(touches, commitments, state="closed")
    assert p.state == "closed"
    assert p.items == ()
    closed = contact(state="closed", birthday="03-10")
    for day in days_between(D[2], date(2027, 4, 1)):
        assert row_on("closed", p.items, day, None, "03-10", None) is None
    assert next_item(closed, touches, commitments, RULES, at(D[10])) is None
    assert first_visible("closed", p.items, D[10], None, "03-10", None) is None


def test_a_reopened_contact_is_scheduled_again():
    touches = [meeting(D[2]), touch(D[3], "not-interested", "in", id=2)]
    p = plan(touches, state="active")
    assert p.state == "active"
    assert the_schedule_item(p).kind == "cadence"


def test_a_closed_contact_who_writes_back_is_followed_up_from_that_touch():
    said_no = [meeting(D[2]), touch(D[3], "not-interested", "in", id=2)]
    writes = touch(D[16], "sent", "in", id=3)
    state = next_state("closed", writes)
    assert state == "active"
    p = plan([*said_no, writes], state=state)
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", D[20])  # Mon 16 + warm gaps[0]
    assert item.reason == "first follow-up after their email on 2026-03-16 (warm cadence)"


REOPENED = at(D[16], 11)  # `fup state WHO active` on Mon 16 March


def test_reopening_by_hand_counts_the_cadence_afresh_from_the_reopening_day():
    said_no = [meeting(D[2]), *follow_ups([D[6], D[9]]), touch(D[10], "not-interested", "in", id=9)]
    p = plan(said_no, state="active", reopened_at=REOPENED)
    assert p.unanswered_streak == 0
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", D[20])  # Mon 16 + warm gaps[0] = Fri 20
    assert item.reason == "first follow-up after the reopening on 2026-03-16 (warm cadence)"
    # nothing is overdue on the day it reopens
    assert row_on(p.state, p.items, D[16]) is None
    assert row_on(p.state, p.items, D[20]).due == D[20]


def test_a_reopened_contact_is_never_overdue_on_the_reopening_day():
    # a promise of mine left open before they said no is due on the reopening day, not weeks overdue
    said_no = [meeting(D[2]), touch(D[3], "not-interested", "in", id=2)]
    p = plan(said_no, [promise(D[4]), promise(D[5], id=2, whose="theirs")], state="active", reopened_at=REOPENED)
    assert all(item.due >= D[16] for item in p.items)
    rows = rows_on(p.state, p.items, D[16])
    assert [(r.kind, r.due) for r in rows] == [("promise", D[16]), ("their-promise", D[16])]
    assert all(_row(r, D[16]).days_overdue == 0 for r in rows)
    # a promise due after the reopening keeps its own date
    later = plan(said_no, [promise(D[25])], state="active", reopened_at=REOPENED)
    assert [(i.kind, i.due) for i in later.items] == [("promise", D[25])]


def test_a_reopening_keeps_a_standing_asked_date_unless_it_has_passed():
    asked = [meeting(D[2]), touch(D[3], "talked", channel="call", ask_again=ASKED, id=2)]
    p = plan(asked, state="active", reopened_at=REOPENED)
    assert [(i.kind, i.due) for i in p.items] == [("asked", ASKED)]
    assert p.next_step_due == ASKED
    passed = [meeting(D[2]), touch(D[3], "talked", channel="call", ask_again=D[13], id=2)]
    p = plan(passed, state="active", reopened_at=REOPENED)
    assert [(i.kind, i.due) for i in p.items] == [("cadence", D[20])]
    assert p.next_step_due is None


def test_touches_after_a_reopening_count_from_it():
    said_no = [meeting(D[2]), touch(D[3], "not-interested", "in", id=2)]
    p = plan([*said_no, touch(D[20], id=3)], state="active", reopened_at=REOPENED)
    assert p.unanswered_streak == 1
    assert the_schedule_item(p).due == D[23]  # Fri 20 + warm gaps[1] = Mon 23


def test_a_client_is_checked_in_on_the_client_gaps():
    won = [meeting(D[2]), touch(D[10], "won", channel="call", id=2)]
    p = plan(won, state=next_state("active", won[-1]))
    assert p.state == "client"
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", date(2026, 4, 9))  # Tue 10 March + 30
    # an unanswered check-in: the next gap is 60 days
    p = plan([*won, touch(date(2026, 4, 9), id=3)], state="client")
    assert the_schedule_item(p).due == date(2026, 6, 8)
    assert p.state == "client"


# --- parking and repeating --------------------------------------------------------


SEVEN = [D[3], D[4], D[5], D[6], D[9], D[10], D[11]]


@pytest.mark.parametrize("cadence", ["warm", "hot"])
def test_gaps_running_out_park_the_contact_into_nurture(cadence):
    history = [meeting(D[2]), *follow_ups(SEVEN)]
    active = plan(history, cadence=cadence)
    assert active.unanswered_streak == 7
    # the touch that uses up the gaps parks the contact, when it is logged
    profile = RULES.profiles[cadence]
    assert next_state("active", history[-1], 7, profile) == "nurture"
    assert next_state("active", history[-1], 6, profile) == "active"
    assert (active.position, plan(history[:-1], cadence=cadence).position) == (7, 6)
    p = plan(history, cadence=cadence, state="nurture")
    item = the_schedule_item(p)
    # nurture's first gap counted from the last unanswered touch: Wed 11 + 30 = Fri 10 April,
    # a cold row (a nurture rhythm may move to balance the days)
    assert (item.kind, item.due) == ("cold", date(2026, 4, 10))
    assert "nurture" in item.reason


def test_before_the_gaps_run_out_the_contact_stays_active():
    p = plan([meeting(D[2]), *follow_ups(SEVEN[:6])])
    assert p.state == "active"
    assert the_schedule_item(p).due == D[31]  # Tue 10 + warm gaps[6] = 21


def test_a_parked_contact_moves_along_the_nurture_gaps_then_repeats():
    history = [meeting(D[2]), *follow_ups(SEVEN)]
    last = SEVEN[-1]
    for extra_gap in (60, 90, 90):
        last = the_schedule_item(plan(history, state="nurture")).due
        history.append(touch(last, id=len(history) + 1))
        p = plan(history, state="nurture")
        assert p.state == "nurture"
        assert the_schedule_item(p).due == model_workday(RULES, last, extra_gap)


def test_vip_grows_its_gaps_to_the_ceiling_and_never_parks():
    ten = [D[3], D[4], D[5], D[6], D[9], D[10], D[11], D[12], D[13], D[16]]
    # past 2, 2, 3, 5, 8, 13: 21, then 30 (the ceiling) for good
    for count, gap in ((5, 13), (6, 21), (7, 30), (10, 30)):
        history = [meeting(D[2]), *follow_ups(ten[:count])]
        p = plan(history, cadence="vip")
        assert p.state == "active"
        assert next_state("active", history[-1], p.followups, RULES.profiles["vip"]) == "active"
        last = ten[count - 1]
        item = the_schedule_item(p)
        assert (item.kind, item.due) == ("cadence", model_workday(RULES, last, gap))


def test_the_nurture_profile_repeats_its_last_gap():
    p = plan([meeting(D[2]), *follow_ups([D[3], D[4], D[5], D[6]])], cadence="nurture")
    assert p.state == "active"
    # 60 + 90 would be 150, capped at the ceiling: the largest gap, 90
    assert (the_schedule_item(p).kind, the_schedule_item(p).due) == ("cold", model_workday(RULES, D[6], 90))


def test_cadence_none_is_never_scheduled_but_commitments_show():
    p = plan([meeting(D[2]), *follow_ups(SEVEN)], [promise(D[20])], cadence="none")
    assert schedule_items(p) == []
    assert [(i.kind, i.due) for i in p.items] == [("promise", D[20])]
    assert plan([], cadence="none").items == ()


# --- rule 6: an agreed next step beats chasing ---------------------------------------


@pytest.mark.parametrize("whose, kind", [("mine", "promise"), ("theirs", "their-promise")])
def test_an_open_hard_commitment_replaces_the_cadence(whose, kind):
    p = plan([meeting(D[2])], [promise(D[20], whose=whose)])
    for day in days_between(D[2], D[20]):
        assert row_on(p.state, p.items, day) is None, day
    assert schedule_items(p) == []
    assert [i.kind for i in p.items] == [kind]
    assert row_on(p.state, p.items, D[20]).kind == kind
    # still no cadence row long after the step was due: the step's own row does the chasing
    assert [r.kind for r in rows_on(p.state, p.items, date(2026, 6, 1))] == [kind]
    assert p.next_step_due == D[20]


def test_the_cadence_resumes_from_the_last_touch_once_every_hard_step_is_closed():
    steps = [promise(D[12]), promise(D[25], id=2, whose="theirs")]
    p = plan([meeting(D[2])], steps)
    assert schedule_items(p) == []
    assert p.next_step_due == D[12]
    assert row_on(p.state, p.items, D[13]).kind == "promise"
    one_done = plan([meeting(D[2]), touch(D[12], id=2)], [steps[0]._replace(status="done"), steps[1]])
    assert schedule_items(one_done) == [] and one_done.next_step_due == D[25]
    both_done = plan([meeting(D[2]), touch(D[12], id=2)], [c._replace(status="done") for c in steps])
    # the touch on Thu 12 is the first unanswered follow-up: warm gaps[1] = 3 -> Sun 15 -> Mon 16
    assert the_schedule_item(both_done).due == D[16]
    assert both_done.next_step_due is None


def test_a_hard_commitment_due_before_the_follow_up_replaces_it_too():
    p = plan([meeting(D[2])], [promise(D[4], whose="theirs")])
    assert [(i.kind, i.due) for i in p.items] == [("their-promise", D[4])]


def test_an_asked_date_is_kept_beside_an_open_hard_commitment():
    p = plan(asked_history(), [promise(D[20])])
    assert [(i.kind, i.due) for i in p.items] == [("promise", D[20]), ("asked", ASKED)]


def test_a_soft_commitment_does_not_pause_the_cadence():
    p = plan([meeting(D[2])], [promise(D[20], whose="theirs", firmness="soft")])
    row = row_on(p.state, p.items, D[6])
    assert (row.kind, row.due) == ("cadence", D[6])
    assert p.next_step_due is None
    assert schedule_items(p) == schedule_items(plan([meeting(D[2])]))


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_closed_commitment_does_not_pause_or_show(status):
    p = plan([meeting(D[2])], [promise(D[20], status=status)])
    assert [(i.kind, i.due) for i in p.items] == [("cadence", D[6])]
    assert p.next_step_due is None


# --- rule 7: promises surface ------------------------------------------------------


def test_my_promise_is_due_on_its_date_and_stays_due_growing_overdue():
    p = plan([meeting(D[2])], [promise(D[10], action="send the deck")], cadence="none")
    assert row_on(p.state, p.items, D[9]) is None
    previous = None
    for day in (D[10], D[11], D[20], date(2026, 9, 1)):
        row = row_on(p.state, p.items, day)
        assert (row.kind, row.due) == ("promise", D[10])
        assert "send the deck" in row.reason
        if previous is not None:
            assert row.urgency(day) > previous
        previous = row.urgency(day)


def test_my_promise_wins_the_contacts_row_over_a_more_overdue_asked_date():
    p = plan(asked_history(), [promise(date(2026, 6, 20))])
    on = date(2026, 6, 22)
    rows = rows_on(p.state, p.items, on)
    assert [(r.kind, r.due) for r in rows] == [("promise", date(2026, 6, 20)), ("asked", ASKED)]
    assert row_on(p.state, p.items, on) == rows[0]


def test_a_soft_step_ranks_below_the_cadence_of_the_same_contact():
    p = plan([meeting(D[2])], [promise(D[5], firmness="soft")])
    assert [(r.kind, r.due) for r in rows_on(p.state, p.items, D[6])] == [("cadence", D[6]), ("soft", D[5])]


def test_their_promise_becomes_a_check_in_on_its_due_date():
    p = plan([meeting(D[2])], [promise(D[10], whose="theirs", action="send the signed contract")],
             cadence="none")
    assert row_on(p.state, p.items, D[9]) is None
    row = row_on(p.state, p.items, D[10])
    assert (row.kind, row.due, row.commitment_id) == ("their-promise", D[10], 1)
    assert "send the signed contract" in row.reason
    assert row_on(p.state, p.items, D[20]).kind == "their-promise"


def test_a_kept_promise_disappears():
    p = plan([meeting(D[2])], [promise(D[10], status="done")], cadence="none")
    assert p.items == ()


# --- check-ins on their promise clear ------------------------------------------------

N16 = date(2026, 11, 16)  # a Monday
NOV = {n: N16 + timedelta(days=n - 16) for n in range(9, 31)}  # NOV[n] is 2026-11-n
INTRO = "intro to their CFO"


def their_promise(due: date = N16, **extra) -> CommitmentFacts:
    return promise(due, whose="theirs", action=INTRO, **extra)


def test_calendar_of_november():
    assert N16.weekday() == 0 and NOV[20].weekday() == 4


@pytest.mark.parametrize("direction, outcome", [("out", "sent"), ("out", "no-answer"), ("out", "left-message"),
                                                ("in", "replied"), ("out", "talked"), ("out", "meeting")])
def test_a_touch_on_the_due_date_is_the_check_in_and_clears_it_for_three_workdays(direction, outcome):
    p = plan([meeting(NOV[9]), touch(N16, outcome, direction, id=2)], [their_promise()])
    item = next(i for i in p.items if i.kind == "their-promise")
    assert item.due == NOV[19]  # Mon 16 + 3 workdays = Thu 19
    assert item.reason == f"check in again on their promise: {INTRO} (last on 2026-11-16)"
    for day in (N16, NOV[17], NOV[18]):
        assert row_on(p.state, p.items, day) is None, day
    row = row_on(p.state, p.items, NOV[19])
    assert (row.kind, row.due) == ("their-promise", NOV[19])
    assert _row(row, NOV[19]).days_overdue == 0


def test_a_check_in_on_a_friday_comes_back_on_wednesday():
    p = plan([meeting(NOV[9]), touch(N16, id=2), touch(NOV[20], id=3)], [their_promise()])
    (item,) = p.items
    assert (item.kind, item.due) == ("their-promise", NOV[25])  # Fri 20 + 3 workdays = Wed 25
    assert item.reason.endswith("(last on 2026-11-20)")


def test_before_any_check_in_the_row_is_due_on_the_promised_date():
    # a touch before the promise is due is no check-in on it
    p = plan([meeting(NOV[9]), touch(NOV[13], id=2)], [their_promise()])
    (item,) = p.items
    assert (item.kind, item.due, item.reason) == ("their-promise", N16, f"check in on their promise: {INTRO}")
    row = row_on(p.state, p.items, NOV[19])
    assert (row.due, _row(row, NOV[19]).days_overdue) == (N16, 3)


def test_the_check_in_gap_is_configurable_and_counts_workdays():
    touches = [meeting(NOV[9]), touch(NOV[20], id=2)]
    one = Rules(checkin_gap=1)
    assert plan(touches, [their_promise()], rules=one).items[0].due == NOV[23]  # Fri -> Mon
    holiday = Rules(holidays=frozenset({NOV[23], NOV[24]}))
    assert plan(touches, [their_promise()], rules=holiday).items[0].due == NOV[27]  # Wed, Thu, Fri


def test_a_checked_promise_stays_open_and_keeps_replacing_the_cadence():
    p = plan([meeting(NOV[9]), touch(N16, id=2)], [their_promise()])
    assert schedule_items(p) == []
    assert p.next_step_due == N16  # they still owe it
    done = plan([meeting(NOV[9]), touch(N16, id=2)], [their_promise(status="done")])
    assert [i.kind for i in done.items] == ["cadence"]


def test_my_promise_does_not_clear_with_a_touch():
    p = plan([meeting(NOV[9]), touch(N16, id=2), touch(NOV[17], id=3)], [promise(N16, action="send contract")])
    assert [(i.kind, i.due, i.reason) for i in p.items] == [("promise", N16, "you promised: send contract")]


# --- soft steps ----------------------------------------------------------------------


@pytest.mark.parametrize("whose, said", [("mine", "you said"), ("theirs", "they said")])
def test_a_soft_step_is_a_soft_row_whoever_said_it(whose, said):
    p = plan([meeting(N16)], [promise(NOV[17], whose=whose, firmness="soft", action="let's talk again")])
    soft = [i for i in p.items if i.commitment_id == 1]
    assert [(i.kind, i.due, i.reason) for i in soft] == [("soft", NOV[17], f"soft, {said}: let's talk again")]
    assert soft[0].tier == len(TIERS) - 1
    # it never pauses the cadence and is no agreed next step
    assert the_schedule_item(p).due == NOV[20]
    assert p.next_step_due is None


@pytest.mark.parametrize("whose", ["mine", "theirs"])
def test_a_soft_step_leaves_for_good_once_you_touch_them_on_or_after_its_date(whose):
    step = promise(NOV[17], whose=whose, firmness="soft")
    before = plan([meeting(N16), touch(NOV[16], id=2, hour=15)], [step])
    assert any(i.kind == "soft" for i in before.items)  # a touch before its date does not count
    after = plan([meeting(N16), touch(NOV[18], id=2)], [step])
    assert [i.kind for i in after.items] == ["cadence"]
    assert the_schedule_item(after).due == NOV[20]  # the cadence carries on: Wed 18 + 3 = Sat 21 -> Fri 20


def test_a_soft_step_is_the_last_row_however_overdue():
    # (no touch at all: any touch on or after its date would have cleared the soft step)
    p = plan([], [promise(NOV[9] - timedelta(days=60), firmness="soft"),
                  promise(NOV[20], id=2, whose="theirs")], cadence="none")
    rows = rows_on(p.state, p.items, NOV[20])
    assert [r.kind for r in rows] == ["their-promise", "soft"]


# --- rule 8: snooze, meetings and opening touches ------------------------------------


def test_a_snooze_hides_the_cadence_but_not_promises_asks_or_birthdays():
    snoozed = contact(snoozed_until=D[20], birthday="03-10")
    touches = [meeting(D[2])]
    # the cadence (due Fri 6) waits for the end of the snooze
    for day in days_between(D[2], D[20]):
        assert next_item(snoozed, touches, [], RULES, at(day)) in (None, birthday_item("03-10", None, day)), day
    assert next_item(snoozed, touches, [], RULES, at(D[9])) is None
    item = next_item(snoozed, touches, [], RULES, at(D[20]))
    assert (item.kind, item.due) == ("cadence", D[20])
    # the birthday shows during the snooze
    assert next_item(snoozed, touches, [], RULES, at(D[10])).kind == "birthday"
    # a promise of mine keeps its date
    commitments = [promise(D[9])]
    item = next_item(snoozed, touches, commitments, RULES, at(D[9]))
    assert (item.kind, item.due) == ("promise", D[9])
    p = plan_contact(snoozed, touches, commitments, RULES)
    assert first_visible(p.state, p.items, D[3]) == D[9]
    # so does the date they asked for
    asking = [meeting(D[2]), touch(D[3], "talked", channel="call", ask_again=D[12], id=2)]
    p = plan_contact(snoozed, asking, [], RULES)
    assert [(i.kind, i.due) for i in p.items] == [("asked", D[12])]


def test_a_snooze_is_a_new_due_date():
    # Sara's first follow-up was due Fri 6 March; snoozed until Wed 25: on the 25th she is due that day
    sara = contact(snoozed_until=D[25])
    p = plan_contact(sara, [meeting(D[2])], [], RULES)
    assert [(i.kind, i.due) for i in p.items] == [("cadence", D[25])]
    assert p.next_due == D[25]
    row = next_item(sara, [meeting(D[2])], [], RULES, at(D[25]))
    assert (row.kind, row.due) == ("cadence", D[25])
    assert _row(row, D[25]).days_overdue == 0
    assert _row(row, D[27]).days_overdue == 2  # and it grows overdue from there
    # the reason is the cadence's, unchanged
    assert row.reason == "first follow-up after the meeting on 2026-03-02 (warm cadence)"


def test_a_snooze_floors_only_the_cadence_and_keeps_every_other_date():
    p = plan([meeting(D[2])], [promise(D[9]), promise(D[30], id=2, whose="theirs"),
                               promise(D[5], id=3, firmness="soft")], snoozed_until=D[20])
    # (the open hard steps replace the cadence here): every commitment keeps its date
    assert sorted((i.kind, i.due) for i in p.items) == [("promise", D[9]), ("soft", D[5]), ("their-promise", D[30])]
    p = plan([meeting(D[2])], [promise(D[5], id=3, firmness="soft")], snoozed_until=D[20])
    assert sorted((i.kind, i.due) for i in p.items) == [("cadence", D[20]), ("soft", D[5])]
    # a cadence row due after the snooze keeps its own date
    p = plan([meeting(D[2])], snoozed_until=D[4])
    assert [(i.kind, i.due) for i in p.items] == [("cadence", D[6])]


def test_rows_on_reads_the_items_as_planned_and_floors_only_the_birthday():
    # the floors (snooze, reopening) are applied when planning: a reopened contact's plan
    # carries them, and rows_on's `floor` (the reopening day) only moves the birthday
    reopened = at(D[20], 11)
    p = plan([meeting(D[2])], [promise(D[9])], cadence="none", reopened_at=reopened)
    assert [(i.kind, i.due) for i in p.items] == [("promise", D[20])]
    assert rows_on(p.state, p.items, D[19], D[20]) == []
    (row,) = rows_on(p.state, p.items, D[20], D[20])
    assert (row.kind, row.due) == ("promise", D[20])
    assert row_on(p.state, p.items, D[23], D[20]).due == D[20]
    # the reopening long ago still floors the due date: it was the new due date
    assert row_on(p.state, p.items, date(2026, 6, 1), D[20]).due == D[20]
    # rows_on does not move items itself
    unplanned = plan([meeting(D[2])], [promise(D[9])], cadence="none")
    assert [(r.kind, r.due) for r in rows_on(p.state, unplanned.items, D[10], D[20])] == [("promise", D[9])]
    # the birthday of a contact reopened during its week shows from the reopening day
    assert rows_on(p.state, (), D[17], D[18], "03-16") == []
    (bday,) = rows_on(p.state, (), D[19], D[18], "03-16")
    assert (bday.kind, bday.due) == ("birthday", D[18])


def test_a_contact_not_met_yet_is_due_for_an_opening_touch_at_once():
    fresh = contact(created_at=datetime(2026, 3, 4, 15, 0))
    p = plan_contact(fresh, [], [], RULES)
    item = the_schedule_item(p)
    # a cold row: due at once, free to move later by a multiple of the ladder's first gap (warm: 4)
    # to balance the days
    assert (item.kind, item.due, item.slack) == ("cold", D[4], scheduler.OPENING_SPREAD * 4)
    assert item.reason == "opening touch: not contacted yet (warm cadence)"
    assert p.unanswered_streak == 0 and p.last_touch is None
    row = next_item(fresh, [], [], RULES, datetime(2026, 3, 4, 16, 0))
    assert row is not None and row.kind == "cold"


def test_a_contact_not_met_yet_without_a_cadence_is_not_due():
    fresh = contact("none", created_at=datetime(2026, 3, 4, 15, 0))
    assert plan_contact(fresh, [], [], RULES).items == ()
    assert next_item(fresh, [], [], RULES, datetime(2026, 3, 9)) is None


def test_the_opening_touch_plays_the_meetings_part():
    fresh = contact(created_at=datetime(2026, 3, 4, 15, 0))
    opening = touch(D[5], id=1)  # Thu 5
    p = plan_contact(fresh, [opening], [], RULES)
    # the opening email is unanswered, but it is the anchor, not a follow-up
    assert (p.unanswered_streak, p.followups) == (1, 0)
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", D[9])  # Thu 5 + 4 = Mon 9: a live row from here on
    assert item.reason == "first follow-up after your email on 2026-03-05 (warm cadence)"
    p = plan_contact(fresh, [opening, touch(D[9], id=2)], [], RULES)
    assert (p.unanswered_streak, p.followups) == (2, 1)
    assert the_schedule_item(p).due == D[12]  # Mon 9 + gaps[1] = 3
    assert the_schedule_item(p).reason == "follow-up 2: 2 unanswered since your email on 2026-03-05 (warm cadence)"


def test_a_meeting_logged_at_add_gives_the_first_follow_up_gaps0_later():
    p = plan_contact(contact("hot", created_at=at(D[2])), [meeting(D[2])], [], RULES)
    assert the_schedule_item(p).due == D[4]


# --- birthdays ----------------------------------------------------------------------


def test_a_birthday_shows_from_the_day_for_a_week():
    assert birthday_item("03-10", None, D[9]) is None
    for day in days_between(D[10], D[17]):
        item = birthday_item("03-10", None, day)
        assert (item.kind, item.due) == ("birthday", D[10]), day
        assert item.reason == "birthday on Tuesday 2026-03-10"
    assert birthday_item("03-10", None, D[17]) is None


SAT12 = date(2026, 12, 12)  # a Saturday


def test_a_weekend_birthday_shows_from_the_friday_before_and_names_the_day():
    assert SAT12.weekday() == 5
    friday, thursday = SAT12 - timedelta(days=1), SAT12 - timedelta(days=2)
    assert birthday_item("12-12", None, thursday) is None
    for day in days_between(friday, SAT12 + timedelta(days=7)):
        item = birthday_item("12-12", None, day)
        assert (item.kind, item.due, item.reason) == ("birthday", friday, "birthday on Saturday 2026-12-12"), day
    assert birthday_item("12-12", None, SAT12 + timedelta(days=7)) is None  # still six days after the day itself
    # a Sunday birthday shows from the Friday too
    assert birthday_item("12-13", None, friday).reason == "birthday on Sunday 2026-12-13"
    # visible on the Friday: the index lookup covers the weekend ahead
    assert {"12-12", "12-13"} <= set(birthday_days(friday))
    assert "12-12" not in birthday_days(thursday)


def test_a_touch_from_the_first_day_shown_hides_a_weekend_birthday():
    friday = SAT12 - timedelta(days=1)
    assert birthday_item("12-12", friday, SAT12) is None
    assert birthday_item("12-12", friday - timedelta(days=1), SAT12).due == friday


def test_a_holiday_birthday_shows_from_the_workday_before():
    # Wed 4 March is a holiday: the birthday shows from Tue 3, naming its own day
    rules = Rules(holidays=frozenset({D[4]}))
    assert birthday_item("03-04", None, D[2], rules=rules) is None
    item = birthday_item("03-04", None, D[3], rules=rules)
    assert (item.due, item.reason) == (D[3], "birthday on Wednesday 2026-03-04")
    assert "03-04" in birthday_days(D[3], rules) and "03-04" not in birthday_days(D[3])
    assert birthday_item("03-04", None, D[3]) is None  # without the holiday, from the day itself
    # a holiday right before a weekend: Fri 6 off, the Saturday 7 birthday shows from Thu 5
    long_weekend = Rules(holidays=frozenset({D[6]}))
    assert birthday_item("03-07", None, D[5], rules=long_weekend).due == D[5]
    assert {"03-06", "03-07", "03-08"} <= set(birthday_days(D[5], long_weekend))


def test_a_reopening_floors_the_birthday_row():
    item = birthday_item("12-12", None, SAT12, floor=SAT12)
    assert (item.due, item.reason) == (SAT12, "birthday on Saturday 2026-12-12")
    assert birthday_item("12-12", None, SAT12 - timedelta(days=1), floor=SAT12) is None


def test_a_snooze_does_not_hide_the_birthday():
    # snoozed until long after the birthday week: the birthday shows anyway (birthday_item takes no snooze)
    snoozed = contact("warm", snoozed_until=date(2027, 1, 15), birthday="12-12")
    friday = SAT12 - timedelta(days=1)
    item = next_item(snoozed, [meeting(NOV[9])], [], RULES, at(friday))
    assert (item.kind, item.due) == ("birthday", friday)
    p = plan_contact(snoozed, [meeting(NOV[9])], [], RULES)
    assert first_visible(p.state, p.items, NOV[30], None, "12-12", p.last_touch) == friday


def test_a_birthday_disappears_once_you_touch_the_contact():
    assert birthday_item("03-10", D[11], D[12]) is None
    assert birthday_item("03-10", D[10], D[12]) is None
    # a touch before the birthday does not count
    assert birthday_item("03-10", D[9], D[12]).kind == "birthday"


def test_a_full_birthday_date_works_like_month_day():
    assert birthday_item("1990-03-10", None, D[10]).due == D[10]


def test_a_feb_29_birthday_is_on_feb_28_in_common_years():
    # 28 Feb 2027 is a Sunday: shown from Fri 26 Feb, naming the day it is kept on
    item = birthday_item("02-29", None, date(2027, 2, 28))
    assert (item.due, item.reason) == (date(2027, 2, 26), "birthday on Sunday 2027-02-28")
    assert birthday_item("02-29", None, date(2027, 2, 25)) is None
    assert birthday_item("02-29", None, date(2027, 2, 26)).due == date(2027, 2, 26)
    assert birthday_item("02-29", None, date(2027, 3, 6)).due == date(2027, 2, 26)  # six days after the 28th
    assert birthday_item("02-29", None, date(2027, 3, 7)) is None
    # 28 Feb 2026 is a Saturday
    assert birthday_item("02-29", None, date(2026, 2, 27)).reason == "birthday on Saturday 2026-02-28"
    # in a leap year, on the 29th (a Tuesday in 2028)
    assert birthday_item("02-29", None, date(2028, 2, 28)) is None
    item = birthday_item("02-29", None, date(2028, 2, 29))
    assert (item.due, item.reason) == (date(2028, 2, 29), "birthday on Tuesday 2028-02-29")


def test_a_birthday_window_crosses_the_new_year():
    item = birthday_item("12-30", None, date(2027, 1, 2))
    assert item is not None and item.due == date(2026, 12, 30)


def test_the_birthday_row_of_a_contact_with_nothing_else_due():
    friend = contact("none", birthday="03-10")
    item = next_item(friend, [meeting(D[2])], [], RULES, at(D[11]))
    assert (item.kind, item.due) == ("birthday", D[10])
    assert next_item(friend, [meeting(D[2]), touch(D[10], id=2)], [], RULES, at(D[11])) is None


def test_first_visible_counts_the_birthday():
    assert first_visible("active", (), D[2], None, "03-10", None) == D[10]
    assert first_visible("active", (), D[12], None, "03-10", None) == D[10]  # still showing
    assert first_visible("active", (), D[12], None, "03-10", D[10]) == date(2027, 3, 10)


def test_a_snooze_past_the_birthday_week_skips_to_next_year():
    # snoozed until Fri 20: the 10-16 March window is hidden entirely
    for day in days_between(D[2], D[31]):
        assert row_on("active", (), day, D[20], "03-10", None) is None, day
    assert first_visible("active", (), D[2], D[20], "03-10", None) == date(2027, 3, 10)
    # a snooze ending inside the week shows the birthday from that day
    assert first_visible("active", (), D[2], D[13], "03-10", None) == D[13]
    assert row_on("active", (), D[13], D[13], "03-10", None).kind == "birthday"


def test_birthday_days_cover_feb_29_in_common_years():
    assert "02-29" in birthday_days(date(2027, 3, 1))
    assert "02-28" in birthday_days(date(2027, 3, 1))
    assert "02-21" not in birthday_days(date(2027, 3, 1))
    # on Fri 26 Feb 2027, the weekend ahead (28 Feb, standing for 29 Feb) is covered
    assert {"02-27", "02-28", "02-29"} <= set(birthday_days(date(2027, 2, 26)))


# --- rule 9: ranking (examples) ----------------------------------------------------


def _row(item: Item, on: date, name: str = "Ada", contact_id: int = 1) -> DueRow:
    record = {"id": contact_id, "name": name, "company": None, "channel": "email", "last_touch_at": None}
    return _due_row(record, item, on)


def test_due_row_carries_days_overdue_and_urgency():
    p = plan([meeting(D[2])])
    row = _row(row_on(p.state, p.items, D[9]), D[9])
    assert (row.kind, row.due, row.days_overdue) == ("cadence", "2026-03-06", 3)
    assert row.urgency == pytest.approx(row_on(p.state, p.items, D[9]).urgency(D[9]))


def test_ties_break_by_name_then_id():
    """Equal urgency means the same tier, due date and weight: then the name decides, then the id."""
    on = D[20]
    same = Item("cadence", D[10], "r", 2.0)
    rows = sorted([_row(same, on, "bob", 1), _row(same, on, "Alice", 2), _row(same, on, "carol", 3)], key=rank_key)
    assert [r.name for r in rows] == ["Alice", "bob", "carol"]
    rows = sorted([_row(same, on, "Ada", 9), _row(same, on, "ada", 4)], key=rank_key)
    assert [r.contact_id for r in rows] == [4, 9]


def test_within_a_tier_days_overdue_beat_the_profile_weight():
    on = D[20]
    vip_today = Item("cadence", on, "r", 5.0)  # the largest weight there is
    warm_a_day = Item("cadence", on - timedelta(days=1), "r", 0.0)
    assert warm_a_day.urgency(on) > vip_today.urgency(on)
    assert warm_a_day.rank < vip_today.rank
    # equally overdue: the heavier profile first
    assert Item("cadence", on, "r", 4.0).rank < Item("cadence", on, "r", 3.0).rank


def test_a_cadence_row_30_days_overdue_ranks_below_my_promise_due_today():
    on = N16
    cadence = plan([meeting(on - timedelta(days=34))], cadence="warm", rules=EVERY_DAY).items[0]
    assert (cadence.kind, (on - cadence.due).days) == ("cadence", 30)
    mine = plan([], [promise(on)], cadence="none").items[0]
    assert mine.urgency(on) > cadence.urgency(on) and mine.rank < cadence.rank
    rows = sorted([_row(cadence, on, "Aaron", 1), _row(mine, on, "Zed", 2)], key=rank_key)
    assert [(r.kind, r.days_overdue) for r in rows] == [("promise", 0), ("cadence", 30)]
    # within one contact too: the row is the promise, the cadence is "+1 more"
    assert [i.kind for i in rows_on("active", [cadence, mine], on)] == ["promise", "cadence"]


def test_the_tiers_top_down():
    assert TIERS == KINDS == ("promise", "asked", "their-promise", "birthday", "cadence", "cold", "soft")


def test_the_full_tier_order_however_overdue_the_lower_tiers_are():
    """One row of each kind, each lower tier more overdue than the one above: ranked by tier."""
    on = ON
    items = [_item_of(kind, on - timedelta(days=tier), "vip") for tier, kind in enumerate(TIERS)]
    names = ["Zed", "yan", "Xu", "Wu", "vic", "Ty", "Al"]  # against the tier order: the name never decides here
    rows = [_row(item, on, name, i) for i, (item, name) in enumerate(zip(items, names))]
    assert [r.kind for r in sorted(reversed(rows), key=rank_key)] == list(TIERS)
    assert [i.kind for i in sorted(reversed(items), key=item_order)] == list(TIERS)
    assert [i.kind for i in rows_on("active", list(reversed(items)), on)] == list(TIERS)
    urgencies = [r.urgency for r in rows]
    assert urgencies == sorted(urgencies, reverse=True)


def test_the_morning_of_issue_9():
    """Helen's promise (today), Marco's check-in (cleared on the 16th, back on the 19th), Sara's
    cadence (13 days overdue), Peter's soft step (2 days overdue), in that order."""
    on = NOV[19]
    marco = plan([meeting(N16, id=1), touch(N16, id=2, hour=11)], [their_promise()])
    peter = plan([meeting(N16)], [promise(NOV[17], firmness="soft", action="let's talk again")])
    helen = plan([meeting(N16)], [promise(NOV[19], action="send contract")])
    sara = plan([meeting(date(2026, 11, 2))])
    rows = []
    for cid, (name, p) in enumerate([("Marco Rossi", marco), ("Peter Novak", peter), ("Helen Park", helen),
                                     ("Sara Kim", sara)], start=1):
        visible = rows_on(p.state, p.items, on)
        rows.append(_due_row({"id": cid, "name": name, "company": None, "channel": "email", "last_touch_at": None},
                             visible[0], on, with_more(visible[0], visible[1:])))
    assert [(r.name, r.kind, r.reason, r.days_overdue) for r in sorted(rows, key=rank_key)] == [
        ("Helen Park", "promise", "you promised: send contract", 0),
        ("Marco Rossi", "their-promise", f"check in again on their promise: {INTRO} (last on 2026-11-16)", 0),
        ("Sara Kim", "cadence", "first follow-up after the meeting on 2026-11-02 (warm cadence)", 13),
        ("Peter Novak", "soft", "soft, you said: let's talk again", 2),
    ]
    # then Sara is snoozed until Wed 25: due that day, 0 days overdue
    snoozed = plan([meeting(date(2026, 11, 2))], snoozed_until=NOV[25])
    row = _row(row_on(snoozed.state, snoozed.items, NOV[25], NOV[25]), NOV[25])
    assert (row.kind, row.due, row.days_overdue) == ("cadence", "2026-11-25", 0)


# --- one row per contact: "+N more" ---------------------------------------------------


def test_with_more_quotes_the_next_reason():
    top = Item("promise", D[19], "you promised: send contract")
    soft = Item("soft", D[18], "soft, they said: think it over")
    assert with_more(top, []) == "you promised: send contract"
    assert with_more(top, [soft]) == "you promised: send contract (+1 more: soft, they said: think it over)"
    cadence = Item("cadence", D[6], "first follow-up after the meeting on 2026-03-02 (warm cadence)", 2.0)
    text = with_more(top, [cadence, soft])
    assert text == "you promised: send contract (+2 more: first follow-up after the meeting on 2026-03-02…)"
    assert len(text.split("(+2 more: ")[1][:-1]) == 48  # the quote, ellipsis included


def test_with_more_shortens_the_next_reason_to_48_characters():
    top = Item("promise", D[19], "you promised: x")
    exact = Item("soft", D[18], "s" * SHORT_REASON)
    assert SHORT_REASON == 48
    assert with_more(top, [exact]) == f"you promised: x (+1 more: {'s' * 48})"
    longer = Item("soft", D[18], "s" * 49)
    assert with_more(top, [longer]) == f"you promised: x (+1 more: {'s' * 47}…)"
    # no space left dangling before the ellipsis
    spaced = Item("soft", D[18], "a" * 46 + " bcdef")
    assert with_more(top, [spaced]) == f"you promised: x (+1 more: {'a' * 46}…)"


def test_several_things_due_at_once_make_one_row_that_says_so():
    p = plan([meeting(NOV[9])], [promise(NOV[19], action="send contract"),
                                 promise(NOV[18], id=2, whose="theirs", firmness="soft", action="think it over")],
             cadence="none")
    visible = rows_on(p.state, p.items, NOV[19])
    assert row_on(p.state, p.items, NOV[19]) == visible[0]
    assert with_more(visible[0], visible[1:]) == "you promised: send contract (+1 more: soft, they said: think it over)"


# --- strategies ---------------------------------------------------------------------

TWO_WAY = [("in", "sent"), ("in", "replied"), ("out", "talked"), ("out", "replied"), ("out", "meeting")]
ONE_WAY = [("out", "sent"), ("out", "no-answer"), ("out", "left-message")]
CADENCES = ("hot", "warm", "nurture", "vip")
ALL_DAYS = frozenset(range(7))


def is_two_way(t: TouchFacts) -> bool:
    return t.direction == "in" or t.outcome in ("talked", "replied", "meeting", "won")


@st.composite
def histories(draw, max_touches: int = 14, asks: bool = False, two_way_odds: int = 4):
    """Touches in time order with distinct moments and ids, starting in 2024-2028."""
    day = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)))
    count = draw(st.integers(min_value=1, max_value=max_touches))
    touches = []
    for i in range(count):
        if i:
            day += timedelta(days=draw(st.integers(min_value=0, max_value=45)))
        kinds = TWO_WAY if draw(st.integers(0, two_way_odds)) == 0 else ONE_WAY
        direction, outcome = draw(st.sampled_from(kinds))
        ask = None
        if asks and draw(st.integers(0, 3)) == 0:
            ask = day + timedelta(days=draw(st.integers(min_value=1, max_value=120)))
        moment = datetime.combine(day, time(8)) + timedelta(minutes=i)
        touches.append(TouchFacts(moment, direction, outcome, "email", ask, i + 1))
    return touches


@st.composite
def calendars(draw):
    workdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    holidays = draw(st.frozensets(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), max_size=30))
    return workdays, holidays


@st.composite
def rule_sets(draw, custom_profiles: bool = False):
    workdays, holidays = draw(calendars())
    profiles = dict(DEFAULT_PROFILES)
    if custom_profiles:
        for name in CADENCES:
            gaps = tuple(draw(st.lists(st.integers(1, 60), min_size=1, max_size=8)))
            end = "repeat" if name == "nurture" else draw(st.sampled_from(["park", "repeat"]))
            profiles[name] = Profile(name, gaps, end, DEFAULT_PROFILES[name].weight)
    return Rules(profiles=profiles, workdays=workdays, holidays=holidays)


@st.composite
def commitment_lists(draw, around: date, max_size: int = 4):
    size = draw(st.integers(0, max_size))
    return [
        CommitmentFacts(
            i + 1,
            draw(st.sampled_from(["mine", "theirs"])),
            f"step {i + 1}",
            around + timedelta(days=draw(st.integers(-30, 200))),
            draw(st.sampled_from(["hard", "soft"])),
            draw(st.sampled_from(["open", "open", "done", "dropped"])),
        )
        for i in range(size)
    ]


@st.composite
def scenarios(draw, asks: bool = True):
    touches = draw(histories(asks=asks))
    commitments = draw(commitment_lists(touches[0].at.date()))
    cadence = draw(st.sampled_from(CADENCES + ("none",)))
    state = draw(st.sampled_from(["active", "active", "client", "nurture", "paused"]))
    rules = draw(rule_sets())
    return contact(cadence, state), touches, commitments, rules


def model_gap(profile: Profile, index: int) -> int:
    """Reference model of the gaps: the listed ones, then a `park` profile keeps its last and a
    `repeat` one grows, each gap the sum of the two before (a single gap: doubled), up to its
    ceiling (max_gap, else the larger of 30 and its largest gap)."""
    gaps = list(profile.gaps)
    if profile.end == "park":
        return gaps[min(index, len(gaps) - 1)]
    top = profile.max_gap if profile.max_gap is not None else max(30, *gaps)
    while len(gaps) <= index:
        gaps.append(min(top, (gaps[-2] if len(gaps) > 1 else gaps[-1]) + gaps[-1]))
    return gaps[index]


def expected_thread(touches):
    """Reference model of the counting (no reopening, no greeting), from the indexes of the touches:
    (unanswered, followups, position, standing ask, the gap reached before a reply or None).

    A fresh start is the first touch, a meeting or a win, or a touch on or after a standing ask
    (which honours it); a standing ask is replaced by a later ask_again and cleared by one on the
    touch's own day, nothing else. `unanswered` counts the one-way touches after the last two-way
    one; `followups` those after the anchor (the last two-way touch or fresh start); `position`
    those after the last fresh start that took a rung: all but the first after each reply once
    the ladder has begun (the follow-up a reply brings is off the ladder). When the anchor is a
    reply (two-way, not a fresh start), the gap reached is the days between the last follow-up
    before it that took a rung and the touch before that."""
    asked, fresh = None, []
    for i, t in enumerate(touches):
        day = t.at.date()
        honours = asked is not None and day >= asked
        if honours:
            asked = None
        fresh.append(i == 0 or honours or (is_two_way(t) and (t.outcome in ("meeting", "won") or t.channel == "meeting")))
        if t.ask_again is not None:
            asked = t.ask_again if t.ask_again > day else None
    two_way = [i for i, t in enumerate(touches) if is_two_way(t)]
    one_way = [i for i, t in enumerate(touches) if not is_two_way(t)]
    start = max(i for i, f in enumerate(fresh) if f)
    anchor = max([start, *two_way])
    unanswered = sum(1 for i in one_way if i > max(two_way, default=-1))
    followups = sum(1 for i in one_way if i > anchor)
    rungs, replied = [], False
    for i in range(start + 1, len(touches)):
        if is_two_way(touches[i]):
            replied = bool(rungs)
        elif replied:
            replied = False
        else:
            rungs.append(i)
    position = len(rungs)
    reply_gap = None
    if anchor != start:  # a reply: the gap the contact had reached before it
        before = [i for i in rungs if i < anchor]
        reply_gap = (touches[before[-1]].at.date() - touches[before[-1] - 1].at.date()).days if before else 0
    return unanswered, followups, position, asked, reply_gap


def expected_schedule(cadence: str, state: str, touches, rules: Rules):
    """Reference model of the cadence row (no commitments, no snooze): (kind, due), from
    `expected_thread`: a client follows the client profile and a nurture contact the nurture one
    (whatever the cadence), an active one its own; the gap is that of the `position` reached,
    but right after a reply the larger of the first gap and half the gap reached before it, and
    a contact parked off a `park` profile (its position past the gaps) goes along nurture from
    where it parked."""
    unanswered, followups, position, asked, reply_gap = expected_thread(touches)
    if asked is not None:
        return "asked", asked
    own = rules.profiles[cadence]
    use = {"client": rules.profiles.get("client", DEFAULT_PROFILES["client"]),
           "nurture": rules.profiles["nurture"]}.get(state, own)
    if reply_gap is not None and followups == 0:
        gap = max(model_gap(use, 0), reply_gap // 2)
    elif state == "nurture" and own.end == "park" and position >= len(own.gaps):
        gap = model_gap(use, position - len(own.gaps))
    else:
        gap = model_gap(use, position)
    kind = "cold" if use.name == "nurture" else "cadence"
    return kind, model_workday(rules, touches[-1].at.date(), gap)


def model_workday(rules: Rules, last: date, gap: int) -> date:
    """Reference model of a computed date: `gap` days after `last`; on a non-workday, the nearest
    workday (a tie: the later one) that is after `last`."""
    day = last + timedelta(days=gap)
    is_workday = lambda d: d.weekday() in rules.workdays and d not in rules.holidays  # noqa: E731
    if is_workday(day):
        return day
    later = next(day + timedelta(days=k) for k in itertools.count(1) if is_workday(day + timedelta(days=k)))
    earlier = next((day - timedelta(days=k) for k in range(1, (day - last).days) if is_workday(day - timedelta(days=k))),
                   None)
    return earlier if earlier is not None and day - earlier < later - day else later


# --- properties: the cadence --------------------------------------------------------


@FAST
@given(touches=histories(asks=True), cadence=st.sampled_from(CADENCES), rules=rule_sets(True))
def test_an_honoured_ask_is_a_fresh_start_and_a_standing_one_replaces_the_cadence(touches, cadence, rules):
    unanswered, followups, position, asked, _gap = expected_thread(touches)
    p = plan_contact(contact(cadence), touches, [], rules)
    assert (p.unanswered_streak, p.followups, p.position) == (unanswered, followups, position)
    item = the_schedule_item(p)
    assert (item.kind, item.due) == expected_schedule(cadence, "active", touches, rules)
    assert p.next_step_due == asked  # a standing ask is an agreed next step


@FAST
@given(touches=histories(), cadence=st.sampled_from(CADENCES), state=st.sampled_from(["active", "client", "nurture"]),
       rules=rule_sets(True))
def test_the_schedule_follows_the_streak_and_gap_rules(touches, cadence, state, rules):
    unanswered, followups, position, _asked, _gap = expected_thread(touches)
    p = plan_contact(contact(cadence, state), touches, [], rules)
    assert p.state == state
    assert (p.unanswered_streak, p.followups, p.position) == (unanswered, followups, position)
    item = the_schedule_item(p)
    assert (item.kind, item.due) == expected_schedule(cadence, state, touches, rules)
    # planning never changes the state: that only happens when a touch is logged
    assert plan_contact(contact(cadence, p.state), touches, [], rules) == p


@FAST
@given(scenario=scenarios())
def test_at_most_one_cadence_or_asked_item_and_one_item_per_open_commitment(scenario):
    person, touches, commitments, rules = scenario
    p = plan_contact(person, touches, commitments, rules)
    assert len(schedule_items(p)) <= 1
    if p.state == "closed":
        assert p.items == ()
        return
    promised = sorted((i.commitment_id, i.kind, i.due) for i in p.items if i.commitment_id is not None)
    expected = sorted(filter(None, (expected_commitment_item(c, touches, rules) for c in commitments)))
    assert promised == expected
    assert len(p.items) == len(expected) + len(schedule_items(p))
    if any(c.status == "open" and c.firmness == "hard" for c in commitments):
        assert [i for i in p.items if i.kind in CADENCE_KINDS] == []  # an open hard step replaces the cadence


def expected_commitment_item(c: CommitmentFacts, touches, rules: Rules):
    """Reference model of a commitment's row (no snooze): (id, kind, due), or None."""
    if c.status != "open":
        return None
    if c.whose == "mine" and c.firmness == "hard":
        return c.id, "promise", c.due
    checked = [t.at.date() for t in touches if t.at.date() >= c.due]
    if c.firmness == "soft":
        return None if checked else (c.id, "soft", c.due)
    if not checked:
        return c.id, "their-promise", c.due
    due = max(checked)
    for _ in range(rules.checkin_gap):  # workdays, one at a time
        due += timedelta(days=1)
        while due.weekday() not in rules.workdays or due in rules.holidays:
            due += timedelta(days=1)
    return c.id, "their-promise", due


@FAST
@given(scenario=scenarios())
def test_computed_cadence_dates_are_workdays_after_the_last_touch(scenario):
    person, touches, commitments, rules = scenario
    p = plan_contact(person, touches, commitments, rules)
    last = touches[-1].at.date()
    asked_dates = {t.ask_again for t in touches if t.ask_again}
    for item in schedule_items(p):
        if item.kind == "asked":
            assert item.due in asked_dates  # typed: kept exactly
            continue
        assert item.due > last
        assert item.due.weekday() in rules.workdays and item.due not in rules.holidays


@FAST
@given(touches=histories(), cadence=st.sampled_from(CADENCES), delays=st.lists(st.integers(0, 400), min_size=1))
def test_waiting_longer_between_touches_never_anchors_on_a_missed_due_date(touches, cadence, delays):
    # No shifting calendar here, so the gap after the last touch can be read off exactly.
    before = the_schedule_item(plan_contact(contact(cadence), touches, [], EVERY_DAY))
    gap = (before.due - touches[-1].at.date()).days
    # push every touch from some point on later by extra days: the streak is unchanged
    cut = len(delays) % len(touches)
    extra = timedelta(days=sum(delays))
    later = touches[:cut] + [TouchFacts(t.at + extra, t.direction, t.outcome, t.channel, None, t.id) for t in touches[cut:]]
    after = the_schedule_item(plan_contact(contact(cadence), later, [], EVERY_DAY))
    # the row counts from the last touch, by the rung the thread has reached
    assert (after.kind, after.due) == expected_schedule(cadence, "active", later, EVERY_DAY)
    assert after.due > later[-1].at.date()
    # the waiting changes the gap only right after a reply (half the gap reached before it,
    # which is measured between touches): otherwise the gap is the same as before
    _unanswered, followups, _position, _asked, reply_gap = expected_thread(touches)
    if cut == 0 or reply_gap is None or followups > 0:
        assert after.due == later[-1].at.date() + timedelta(days=gap)


@FAST
@given(touches=histories(asks=True))
def test_the_last_asked_date_is_honoured_and_nothing_of_the_cadence_shows_before_it(touches):
    ask = touches[-1].at.date() + timedelta(days=30)
    last = touches[-1]
    touches = touches[:-1] + [TouchFacts(last.at, last.direction, last.outcome, last.channel, ask, last.id)]
    p = plan_contact(contact("warm"), touches, [], RULES)
    assert [(i.kind, i.due) for i in p.items] == [("asked", ask)]
    day = touches[-1].at.date()
    for offset in range(30):
        assert row_on(p.state, p.items, day + timedelta(days=offset)) is None
    assert row_on(p.state, p.items, ask).kind == "asked"


@FAST
@given(scenario=scenarios(asks=False))
def test_open_hard_commitments_replace_the_cadence_and_soft_ones_do_not(scenario):
    person, touches, commitments, rules = scenario
    p = plan_contact(person, touches, commitments, rules)
    hard = [c.due for c in commitments if c.status == "open" and c.firmness == "hard"]
    if hard:
        assert [item for item in p.items if item.kind in CADENCE_KINDS] == []
        assert p.next_step_due == min(hard)
    else:
        assert p.next_step_due is None  # (no asks here): soft steps are no agreed next step
    # the cadence with only soft (or closed) commitments is the cadence with none
    soft_only = [c for c in commitments if c.firmness == "soft" or c.status != "open"]
    bare = plan_contact(person, touches, [], rules)
    with_soft = plan_contact(person, touches, soft_only, rules)
    assert schedule_items(with_soft) == schedule_items(bare)
    assert with_soft.state == bare.state


@FAST
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_plan_is_deterministic_and_independent_of_input_order(scenario, seed):
    person, touches, commitments, rules = scenario
    first = plan_contact(person, touches, commitments, rules)
    shuffler = random.Random(seed)
    touches2, commitments2 = list(touches), list(commitments)
    shuffler.shuffle(touches2)
    shuffler.shuffle(commitments2)
    second = plan_contact(person, iter(touches2), iter(commitments2), rules)
    assert second == first


@FAST
@given(scenario=scenarios(), offset=st.integers(-400, 400))
def test_rank_orders_items_as_urgency_does_on_every_day(scenario, offset):
    """The stored rank is day-independent: a lower rank is a higher urgency on any day."""
    person, touches, commitments, rules = scenario
    items = plan_contact(person, touches, commitments, rules).items
    on = touches[0].at.date() + timedelta(days=offset)
    for a in items:
        assert a.urgency(on) == pytest.approx((len(TIERS) - 1) * TIER_SPAN + on.toordinal() - a.rank, abs=1e-6)
        for b in items:
            assert (a.rank < b.rank) == (a.urgency(on) > b.urgency(on))


@FAST
@given(scenario=scenarios(), offset=st.integers(-30, 400), birthday=st.sampled_from([None, "03-10", "02-29", "12-31"]))
def test_closed_contacts_have_no_items(scenario, offset, birthday):
    person, touches, commitments, rules = scenario
    closed = ContactFacts(person.name, person.cadence, "closed", birthday=birthday)
    p = plan_contact(closed, touches, commitments, rules)
    assert p.state == "closed" and p.items == ()
    now = datetime.combine(touches[-1].at.date() + timedelta(days=offset), time(9))
    assert next_item(closed, touches, commitments, rules, now) is None


@FAST
@given(scenario=scenarios(), snooze=st.one_of(st.none(), st.integers(-20, 120)), offset=st.integers(-10, 200))
def test_a_snooze_hides_the_cadence_rows_until_its_date_and_nothing_else(scenario, snooze, offset):
    person, touches, commitments, rules = scenario
    start = touches[-1].at.date()
    until = start + timedelta(days=snooze) if snooze is not None else None
    snoozed = ContactFacts(person.name, person.cadence, person.state, person.created_at, until, "03-10")
    on = start + timedelta(days=offset)
    item = next_item(snoozed, touches, commitments, rules, datetime.combine(on, time(9)))
    unsnoozed_item = next_item(snoozed._replace(snoozed_until=None), touches, commitments, rules,
                               datetime.combine(on, time(9)))
    if item is not None:
        assert item.due <= on
        if until is not None and item.kind in CADENCE_KINDS:  # a snooze is a new due date: never overdue from before it
            assert item.due >= until
    if until is None or on >= until or (unsnoozed_item is not None and unsnoozed_item.kind not in CADENCE_KINDS):
        assert item == unsnoozed_item or (item.kind in CADENCE_KINDS and item.due == until)
    else:  # a cadence row hidden by the snooze: the next item in line (or nothing) shows
        assert item is None or item.kind not in CADENCE_KINDS
    # the cadence rows are due no earlier than the snooze (later ones keep their date); every other keeps its own
    p = plan_contact(snoozed, touches, commitments, rules)
    unsnoozed = plan_contact(snoozed._replace(snoozed_until=None), touches, commitments, rules)
    floored = sorted((i.kind, i.commitment_id, max(i.due, until) if until and i.kind in CADENCE_KINDS else i.due)
                     for i in unsnoozed.items)
    assert sorted((i.kind, i.commitment_id, i.due) for i in p.items) == floored


@FAST
@given(scenario=scenarios(), reopen=st.integers(-20, 120), offset=st.integers(0, 200))
def test_a_contact_reopened_by_hand_is_never_overdue_from_before_the_reopening(scenario, reopen, offset):
    person, touches, commitments, rules = scenario
    moment = datetime.combine(touches[-1].at.date() + timedelta(days=reopen), time(12))
    reopened = person._replace(state="active", reopened_at=moment)
    p = plan_contact(reopened, touches, commitments, rules)
    assert all(item.due >= moment.date() for item in p.items)
    later = [t for t in touches if t.at >= moment]
    if not later:  # counted afresh from the reopening: no streak; an ask before it stands unless it has passed
        assert p.unanswered_streak == 0
        asked = expected_thread(touches)[3]
        standing = [asked] if asked is not None and asked > moment.date() and p.state != "closed" else []
        assert [i.due for i in p.items if i.kind == "asked"] == standing
    on = moment.date() + timedelta(days=offset)
    row = row_on(p.state, p.items, on)
    if row is not None:
        assert moment.date() <= row.due <= on


# --- properties: what `today` shows ------------------------------------------------


def reopened(person: ContactFacts, floor: date | None) -> ContactFacts:
    """The contact as planned by the core when it was reopened on `floor` (the `floor` of rows_on)."""
    return person if floor is None else person._replace(reopened_at=datetime.combine(floor, time(12)))


@FAST
@given(
    scenario=scenarios(),
    reopen=st.one_of(st.none(), st.integers(-20, 120)),
    birthday=st.sampled_from([None, "03-10", "02-29", "12-12", "01-02"]),
    offset=st.integers(-30, 300),
)
def test_rows_on_lists_every_visible_item_most_urgent_first(scenario, reopen, birthday, offset):
    person, touches, commitments, rules = scenario
    last = touches[-1].at.date()
    until = last + timedelta(days=reopen) if reopen is not None else None
    p = plan_contact(reopened(person, until), touches, commitments, rules)
    on = last + timedelta(days=offset)
    visible = rows_on(p.state, p.items, on, until, birthday, p.last_touch, rules)
    assert visible == sorted(visible, key=item_order)
    assert row_on(p.state, p.items, on, until, birthday, p.last_touch, rules) == (visible[0] if visible else None)
    if until is not None and on < until:  # nothing of a reopened contact is due before the reopening
        assert visible == []
        return
    expected = [i for i in p.items if i.due <= on]  # the items as planned (they carry their floors)
    bday = birthday_item(birthday, p.last_touch, on, until, rules)
    assert sorted(visible, key=item_order) == sorted(expected + ([bday] if bday else []), key=item_order)
    assert all(i.due <= on for i in visible)
    if visible:  # the row's reason sums up the rest
        text = with_more(visible[0], visible[1:])
        assert text.startswith(visible[0].reason)
        assert (f"(+{len(visible) - 1} more: " in text) == (len(visible) > 1)



@FAST
@given(
    scenario=scenarios(),
    reopen=st.one_of(st.none(), st.integers(-20, 120)),
    birthday=st.sampled_from([None, "03-10", "02-29", "1990-12-31", "01-01"]),
    offset=st.integers(-60, 400),
)
def test_first_visible_is_the_first_day_the_contact_shows(scenario, reopen, birthday, offset):
    person, touches, commitments, rules = scenario
    last = touches[-1].at.date()
    until = last + timedelta(days=reopen) if reopen is not None else None
    p = plan_contact(reopened(person, until), touches, commitments, rules)
    today = last + timedelta(days=offset)
    first = first_visible(p.state, p.items, today, until, birthday, p.last_touch)
    horizon = today + timedelta(days=120)
    if first is None:
        for day in days_between(today, horizon):
            assert row_on(p.state, p.items, day, until, birthday, p.last_touch) is None, day
        return
    shown = max(first, today)
    assert row_on(p.state, p.items, shown, until, birthday, p.last_touch) is not None
    for day in days_between(today, min(shown, horizon)):
        assert row_on(p.state, p.items, day, until, birthday, p.last_touch) is None, day


@FAST
@given(
    on=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    birthday=st.dates(min_value=date(1960, 1, 1), max_value=date(2000, 12, 31)),
    with_year=st.booleans(),
)
@example(on=date(2027, 3, 1), birthday=date(1992, 2, 29), with_year=False)
@example(on=date(2027, 1, 3), birthday=date(1990, 12, 30), with_year=True)
def test_birthday_days_index_agrees_with_the_birthday_row(on, birthday, with_year):
    text = birthday.isoformat() if with_year else birthday.strftime("%m-%d")
    visible = birthday_item(text, None, on) is not None
    assert visible == (text[-5:] in birthday_days(on))


# --- properties: ranking (tiers, then days overdue, then weight, then name) -------------


def _item_of(kind: str, due: date, cadence: str = "warm") -> Item:
    """A real item of each kind, built by the scheduler itself, due on `due`."""
    if kind in ("promise", "their-promise", "soft"):
        whose = "theirs" if kind == "their-promise" else "mine"
        firmness = "soft" if kind == "soft" else "hard"
        p = plan_contact(contact("none"), [], [promise(due, whose=whose, firmness=firmness)], RULES)
    elif kind == "asked":
        p = plan_contact(contact("warm"), [touch(due - timedelta(days=10), "talked", ask_again=due, id=1)], [], RULES)
    elif kind == "cadence":  # a live contact's follow-up (nurture's would be cold)
        assert cadence != "nurture"
        gap = DEFAULT_PROFILES[cadence].gaps[0]
        p = plan_contact(contact(cadence), [meeting(due - timedelta(days=gap))], [], EVERY_DAY)
    elif kind == "cold" and cadence == "nurture":  # a nurture rhythm
        gap = DEFAULT_PROFILES[cadence].gaps[0]
        p = plan_contact(contact(cadence), [meeting(due - timedelta(days=gap))], [], EVERY_DAY)
    elif kind == "cold":  # an opening touch of a contact never contacted, on any cadence
        p = plan_contact(contact(cadence, created_at=at(due)), [], [], EVERY_DAY)
    else:
        # every day a workday, so the birthday shows from the day itself, whatever the weekday
        item = birthday_item(due.strftime("%m-%d"), None, due, rules=EVERY_DAY)
        assert item is not None and item.due == due
        return item
    (item,) = p.items
    assert item.kind == kind and item.due == due
    return item


LIVE_CADENCES = ("hot", "warm", "vip")
KIND_CADENCES = ([(kind, "warm") for kind in TIERS if kind not in CADENCE_KINDS]
                 + [("cadence", c) for c in LIVE_CADENCES] + [("cold", c) for c in CADENCES])
OTHER_KINDS = [pair for pair in KIND_CADENCES if pair[0] != "promise"]
ON = date(2026, 6, 15)


def _max_overdue(kind: str) -> int:
    return 6 if kind == "birthday" else 400  # a birthday only shows for a week


@pytest.mark.parametrize("other", OTHER_KINDS)
@pytest.mark.parametrize("overdue", [0, 1, 6, 30, 400])
def test_my_promise_due_today_ranks_above_any_other_row_however_overdue(other, overdue):
    kind, cadence = other
    overdue = min(overdue, _max_overdue(kind))
    mine = _item_of("promise", ON)
    theirs = _item_of(kind, ON - timedelta(days=overdue), cadence)
    assert mine.urgency(ON) > theirs.urgency(ON)
    assert mine.rank < theirs.rank
    rows = [_row(theirs, ON, "Aaron", 1), _row(mine, ON, "Zed", 2)]
    assert min(rows, key=rank_key).kind == "promise"
    assert row_on("active", [theirs, mine], ON).kind == "promise"


@FAST
@given(
    high=st.sampled_from(KIND_CADENCES),
    low=st.sampled_from(KIND_CADENCES),
    high_overdue=st.integers(0, 400),
    low_overdue=st.integers(0, 400),
    names=st.tuples(st.sampled_from(["Ada", "zoe", "Bob"]), st.sampled_from(["Ada", "aaron", "Zed"])),
)
def test_a_higher_tier_ranks_above_a_lower_one_however_overdue(high, low, high_overdue, low_overdue, names):
    assume(TIERS.index(high[0]) < TIERS.index(low[0]))
    upper = _item_of(high[0], ON - timedelta(days=min(high_overdue, _max_overdue(high[0]))), high[1])
    lower = _item_of(low[0], ON - timedelta(days=min(low_overdue, _max_overdue(low[0]))), low[1])
    assert upper.urgency(ON) > lower.urgency(ON)
    assert upper.rank < lower.rank
    rows = [_row(lower, ON, names[1], 2), _row(upper, ON, names[0], 1)]
    assert min(rows, key=rank_key).kind == high[0]
    assert [i.kind for i in rows_on("active", [lower, upper], ON)] == [high[0], low[0]]


@FAST
@given(overdue=st.integers(0, 400), names=st.permutations(["Ada", "bob", "Cy", "dee"]))
def test_equally_overdue_cadence_rows_rank_vip_hot_warm_and_cold_ones_vip_hot_warm_nurture(overdue, names):
    due = ON - timedelta(days=overdue)
    live = [_item_of("cadence", due, cadence) for cadence in ("vip", "hot", "warm")]
    # cold rows: opening touches on vip, hot, warm, then a nurture rhythm
    cold = [_item_of("cold", due, cadence) for cadence in ("vip", "hot", "warm", "nurture")]
    for items in (live, cold):
        assert [item.weight for item in items] == [4.0, 3.0, 2.0, 1.0][:len(items)]
        urgencies = [item.urgency(ON) for item in items]
        assert urgencies == sorted(urgencies, reverse=True) and len(set(urgencies)) == len(items)
        rows = [_row(item, ON, name, i) for i, (item, name) in enumerate(zip(items, names))]
        shuffled = list(reversed(rows))
        assert [r.urgency for r in sorted(shuffled, key=rank_key)] == [r.urgency for r in rows]
    # the lightest live row above the heaviest cold one, however overdue the cold one is
    assert min(i.urgency(ON) for i in live) > _item_of("cold", due - timedelta(days=400), "vip").urgency(ON)


@FAST
@given(
    pair=st.sampled_from(KIND_CADENCES),
    a=st.integers(0, 400),
    b=st.integers(0, 400),
)
def test_more_overdue_ranks_higher_within_a_tier_whatever_the_weight(pair, a, b):
    kind, cadence = pair
    assume(a != b)
    if kind == "birthday":
        a, b = a % 7, b % 7
        assume(a != b)
    more, less = max(a, b), min(a, b)
    older = _item_of(kind, ON - timedelta(days=more), cadence)
    # the newer one with the heaviest profile: a day overdue still counts for more
    newer = _item_of(kind, ON - timedelta(days=less), "vip" if kind in CADENCE_KINDS else cadence)
    assert older.urgency(ON) > newer.urgency(ON)
    rows = sorted([_row(newer, ON, "Aaron", 1), _row(older, ON, "Zed", 2)], key=rank_key)
    assert rows[0].days_overdue == more


@FAST
@given(rows=st.lists(
    st.tuples(st.sampled_from(KIND_CADENCES), st.integers(0, 60), st.sampled_from(["Ada", "ada", "Bob", "cy"])),
    min_size=2, max_size=8,
))
def test_ranking_is_a_total_order_by_tier_then_overdue_then_weight_then_name(rows):
    rows = [(kind, cadence, late, name) for (kind, cadence), late, name in rows]
    due_rows = [
        _row(_item_of(kind, ON - timedelta(days=late % 7 if kind == "birthday" else late), cadence), ON, name, i)
        for i, (kind, cadence, late, name) in enumerate(rows)
    ]
    weight = {i: (DEFAULT_PROFILES[cadence].weight if kind in CADENCE_KINDS else 0.0)
              for i, (kind, cadence, _late, _name) in enumerate(rows)}
    ranked = sorted(due_rows, key=rank_key)
    key = [(TIERS.index(r.kind), -r.days_overdue, -weight[r.contact_id], r.name.casefold(), r.contact_id)
           for r in ranked]
    assert key == sorted(key)
    for first, second in itertools.pairwise(ranked):
        assert first.urgency >= second.urgency


ITEMS = st.builds(
    Item,
    kind=st.sampled_from(TIERS),
    due=st.dates(min_value=date(1000, 1, 1), max_value=date(8999, 12, 31)),
    reason=st.just("r"),
    weight=st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0]),
)


@FAST
@given(a=ITEMS, b=ITEMS, on=st.dates(min_value=date(1000, 1, 1), max_value=date(8999, 12, 31)))
def test_rank_and_urgency_agree_across_tiers_on_any_day(a, b, on):
    """urgency(on) = (len(TIERS) - 1) x TIER_SPAN + on's ordinal - rank, so rank sorts as urgency does."""
    for item in (a, b):
        assert item.tier == TIERS.index(item.kind)
        assert item.urgency(on) == pytest.approx((len(TIERS) - 1) * TIER_SPAN + on.toordinal() - item.rank, abs=1e-6)
        assert item.urgency(on) == pytest.approx(
            (len(TIERS) - 1 - item.tier) * TIER_SPAN + (on - item.due).days + item.weight / 10, abs=1e-6)
    assert (a.rank < b.rank) == (a.urgency(on) > b.urgency(on))
    if a.tier < b.tier and a.due <= on and b.due <= on:  # two rows in `fup today`: the tier decides
        assert a.urgency(on) > b.urgency(on)
    if a.tier == b.tier and a.due < b.due:  # a day more overdue beats any weight
        assert a.urgency(on) > b.urgency(on)
    if a.tier == b.tier and a.due == b.due:
        assert (a.urgency(on) > b.urgency(on)) == (a.weight > b.weight)


@FAST
@given(item=ITEMS, on=st.dates(min_value=date(1000, 1, 8), max_value=date(8999, 12, 24)))
def test_rank_bounds_select_exactly_the_items_of_a_tier_due_by_the_day(item, on):
    """The index range read per tier: an item is in its tier's range on `on` iff it is due by then,
    and never in another tier's range."""
    for tier in range(len(TIERS)):
        lo, hi = rank_bounds(tier, on)
        assert (lo <= item.rank < hi) == (tier == item.tier and item.due <= on)


# --- the long run: clients, trailing off, switching channels, replies, pauses, greetings ---------

N23 = date(2026, 11, 23)  # a Monday


def ladder_of(cadence: str, state: str, rules: Rules = RULES):
    return ladder(contact(cadence, state), rules)


@pytest.mark.parametrize("cadence", ["hot", "warm", "vip", "nurture", "none"])
def test_a_client_follows_the_client_profile_whatever_its_cadence(cadence):
    won = [meeting(D[2]), touch(D[10], "won", channel="call", id=2)]
    assert next_state("active", won[-1]) == "client"
    p = plan(won, cadence=cadence, state="client")
    item = the_schedule_item(p)
    assert (item.kind, item.due, item.weight) == ("cadence", date(2026, 4, 9), 1.5)  # Tue 10 March + 30: a live row
    assert item.reason == "client check-in, last contact on 2026-03-10 (client cadence)"
    assert ladder_of(cadence, "client") == DEFAULT_PROFILES["client"]
    # unanswered check-ins: 60 days, then 90, and 90 (its ceiling) from then on
    history = list(won)
    for gap in (60, 90, 90):
        history.append(touch(the_schedule_item(plan(history, cadence=cadence, state="client")).due, id=len(history) + 1))
        due = the_schedule_item(plan(history, cadence=cadence, state="client")).due
        assert due == model_workday(RULES, history[-1].at.date(), gap)


def test_a_custom_client_profile_is_honoured():
    rules = Rules(profiles={**DEFAULT_PROFILES, "client": Profile("client", (14, 28), "repeat", 2.5)})
    won = [meeting(D[2]), touch(D[10], "won", channel="call", id=2)]
    for cadence in ("warm", "none"):
        item = the_schedule_item(plan(won, cadence=cadence, state="client", rules=rules))
        assert (item.kind, item.due, item.weight) == ("cadence", D[24], 2.5)  # Tue 10 + 14
        assert item.reason.endswith("(client cadence)")
    p = plan([*won, touch(D[24], id=3)], cadence="none", state="client", rules=rules)
    assert the_schedule_item(p).due == date(2026, 4, 21)  # Tue 24 March + 28


@pytest.mark.parametrize("cadence", ["none", "warm", "vip"])
def test_a_nurture_contact_follows_the_nurture_gaps_whatever_its_cadence(cadence):
    history = [meeting(D[2])]
    p = plan(history, cadence=cadence, state="nurture")
    item = the_schedule_item(p)
    assert (item.kind, item.due, item.weight) == ("cold", date(2026, 4, 1), 1.0)  # Mon 2 March + 30
    assert item.reason.endswith("(nurture cadence)")
    assert ladder_of(cadence, "nurture") == DEFAULT_PROFILES["nurture"]
    history.append(touch(date(2026, 4, 1), id=2))
    assert the_schedule_item(plan(history, cadence=cadence, state="nurture")).due == date(2026, 6, 1)  # 1 April + 60, a Sunday


def test_the_ladder_of_each_state():
    assert ladder_of("warm", "active") == DEFAULT_PROFILES["warm"]
    assert ladder_of("none", "active") is None  # a profile without gaps: nothing to chase
    assert ladder_of("warm", "paused") is None
    assert ladder_of("warm", "closed") is None
    custom = Rules(profiles={**DEFAULT_PROFILES, "nurture": Profile("nurture", (45,), "repeat", 0.5)})
    assert ladder_of("none", "nurture", custom).gaps == (45,)


# Profile.gap: the listed gaps, then a repeat profile grows to its ceiling, a park profile keeps its last


def test_a_repeat_profile_grows_each_gap_as_the_sum_of_the_two_before_up_to_its_ceiling():
    vip = DEFAULT_PROFILES["vip"]
    assert [vip.gap(i) for i in range(10)] == [2, 2, 3, 5, 8, 13, 21, 30, 30, 30]
    assert vip.ceiling == 30
    nurture = DEFAULT_PROFILES["nurture"]
    assert [nurture.gap(i) for i in range(6)] == [30, 60, 90, 90, 90, 90]
    assert nurture.ceiling == 90  # max(30, its largest gap)
    client = DEFAULT_PROFILES["client"]
    assert [client.gap(i) for i in range(5)] == [30, 60, 90, 90, 90]
    # a single gap doubles, then grows; never past the ceiling
    one = Profile("one", (5,), "repeat")
    assert [one.gap(i) for i in range(7)] == [5, 10, 15, 25, 30, 30, 30]
    assert DEFAULT_PROFILES["none"].gap(0) is None


def test_max_gap_sets_the_ceiling():
    low = Profile("vip", (2, 2, 3, 5, 8, 13), "repeat", 4.0, max_gap=21)
    assert [low.gap(i) for i in range(6, 10)] == [21, 21, 21, 21]
    high = Profile("vip", (2, 2, 3, 5, 8, 13), "repeat", 4.0, max_gap=60)
    assert [high.gap(i) for i in range(6, 11)] == [21, 34, 55, 60, 60]
    assert high.ceiling == 60
    # a ceiling at the largest gap: the last gap repeats
    flat = Profile("flat", (7, 14), "repeat", max_gap=14)
    assert [flat.gap(i) for i in range(5)] == [7, 14, 14, 14, 14]


def test_a_park_profile_keeps_its_last_gap_past_its_end():
    warm, hot = DEFAULT_PROFILES["warm"], DEFAULT_PROFILES["hot"]
    assert [warm.gap(i) for i in range(6, 10)] == [21, 21, 21, 21]
    assert hot.gap(7) == hot.gap(50) == 13
    # even with a max_gap (which only a repeat profile grows to)
    assert Profile("p", (3, 5), "park", max_gap=90).gap(9) == 5


def test_offsets_follow_gap():
    vip = DEFAULT_PROFILES["vip"]
    assert vip.offsets(10) == [2, 4, 7, 12, 20, 33, 54, 84, 114, 144]
    assert vip.offsets() == vip.offsets(3) == [2, 4, 7, 12, 20, 33]  # at least the listed gaps
    assert Profile("vip", vip.gaps, "repeat", max_gap=21).offsets(8) == [2, 4, 7, 12, 20, 33, 54, 75]
    assert DEFAULT_PROFILES["hot"].offsets(12) == [2, 3, 5, 8, 13, 21, 34]  # a park profile stops at its end


@FAST
@given(gaps=st.lists(st.integers(1, 400), min_size=1, max_size=8), end=st.sampled_from(["park", "repeat"]),
       extra=st.one_of(st.none(), st.integers(0, 400)), count=st.integers(0, 30))
def test_gap_and_offsets_agree_with_the_reference_model(gaps, end, extra, count):
    max_gap = None if extra is None else max(gaps) + extra
    profile = Profile("p", tuple(gaps), end, max_gap=max_gap)
    for index in range(count + 3):
        assert profile.gap(index) == model_gap(profile, index)
        if index >= len(gaps) and end == "repeat":
            assert profile.gap(index) <= profile.ceiling
            assert profile.gap(index) >= min(gaps[-1], profile.ceiling)
    offsets = profile.offsets(count)
    assert len(offsets) == (max(count, len(gaps)) if end == "repeat" else len(gaps))
    assert offsets == list(itertools.accumulate(profile.gap(i) for i in range(len(offsets))))


# channel switch: a row suggests another channel after `channel_switch` unanswered touches in a row on one


def emails(days, first_id: int = 2, channel: str = "email", outcome: str = "sent") -> list[TouchFacts]:
    return [touch(day, outcome, channel=channel, id=first_id + i) for i, day in enumerate(days)]


VIP_DAYS = [date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)]  # vip: 2, 2, 3 days apart


def vip_plan(touches, channels=("email", "call"), rules: Rules = RULES, **extra):
    return plan_contact(contact("vip", channels=channels, **extra), touches, [], rules)


def test_three_unanswered_emails_suggest_a_call():
    p = vip_plan([meeting(N23), *emails(VIP_DAYS)])
    item = the_schedule_item(p)
    assert item.channel == "call"
    assert item.reason == "follow-up 4: 3 emails unanswered since the meeting on 2026-11-23 (vip cadence): try a call"
    assert item.due == date(2026, 12, 4)  # Mon 30 + vip gaps[3] = 5, a Saturday -> Friday


def test_fewer_than_channel_switch_in_a_row_keep_the_channel():
    item = the_schedule_item(vip_plan([meeting(N23), *emails(VIP_DAYS[:2])]))
    assert item.channel is None
    assert item.reason == "follow-up 3: 2 unanswered since the meeting on 2026-11-23 (vip cadence)"


def test_no_switch_without_another_channel():
    for channels in ((), ("email",), ("email", "meeting")):
        item = the_schedule_item(vip_plan([meeting(N23), *emails(VIP_DAYS)], channels=channels))
        assert item.channel is None
        assert item.reason == "follow-up 4: 3 unanswered since the meeting on 2026-11-23 (vip cadence)"


def test_the_switch_suggests_the_first_other_known_channel():
    calls = emails(VIP_DAYS, channel="call", outcome="no-answer")
    item = the_schedule_item(vip_plan([meeting(N23), *calls], channels=("call", "text", "email")))
    assert item.channel == "text"
    assert item.reason.endswith("3 calls unanswered since the meeting on 2026-11-23 (vip cadence): try a text")
    item = the_schedule_item(vip_plan([meeting(N23), *emails(VIP_DAYS)], channels=("email", "linkedin")))
    assert item.channel == "linkedin" and item.reason.endswith("(vip cadence): try a LinkedIn message")


def test_the_run_restarts_when_the_channel_changes_or_they_answer():
    days = [date(2026, 11, 24), *VIP_DAYS, date(2026, 12, 2)]
    # two emails, a call, an email: no three in a row on one channel
    mixed = [*emails(days[:2]), *emails(days[2:3], first_id=4, channel="call"), *emails(days[3:4], first_id=5)]
    assert the_schedule_item(vip_plan([meeting(N23), *mixed])).channel is None
    # three emails then a call: the call starts a new run
    switched = [*emails(days[:3]), *emails(days[3:4], first_id=5, channel="call", outcome="no-answer")]
    item = the_schedule_item(vip_plan([meeting(N23), *switched]))
    assert item.channel is None and "try" not in item.reason
    # a reply ends the run
    replied = [*emails(days[:2]), touch(days[2], "replied", "in", id=8), *emails(days[3:4], first_id=9)]
    assert the_schedule_item(vip_plan([meeting(N23), *replied])).channel is None


def test_a_longer_unanswered_streak_says_both_counts():
    # an unanswered call, then three emails: 4 unanswered, the last 3 on email
    history = [meeting(N23), touch(date(2026, 11, 24), "no-answer", channel="call", id=2),
               *emails([date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)], first_id=3)]
    item = the_schedule_item(vip_plan(history))
    assert item.channel == "call"
    assert item.reason == ("follow-up 5: 4 unanswered, 3 emails since the meeting on 2026-11-23 (vip cadence): "
                           "try a call")


def test_the_switch_threshold_is_a_setting():
    two = Rules(channel_switch=2)
    assert the_schedule_item(vip_plan([meeting(N23), *emails(VIP_DAYS[:2])], rules=two)).channel == "call"
    five = Rules(channel_switch=5)
    assert the_schedule_item(vip_plan([meeting(N23), *emails(VIP_DAYS)], rules=five)).channel is None


def test_an_opening_email_counts_in_the_run():
    fresh = contact("warm", created_at=datetime(2026, 11, 20, 9), channels=("email", "call"))
    p = plan_contact(fresh, emails([N23, date(2026, 11, 27), date(2026, 11, 30)], first_id=1), [], RULES)
    item = the_schedule_item(p)
    assert item.channel == "call"
    assert item.reason == "follow-up 3: 3 emails unanswered since your email on 2026-11-23 (warm cadence): try a call"


# a reply keeps the relationship's age


def test_after_a_reply_the_gap_is_half_the_gap_reached_but_never_below_the_first():
    # warm, every day a workday: follow-ups 4, 7, 10, 15, 23, 36 days after the meeting
    day0 = D[2]
    history = [meeting(day0), *follow_ups([day0 + timedelta(days=n) for n in (4, 7, 10, 15, 23, 36)])]
    # a reply the day after the follow-up of day 23 (reached after a gap of 8): max(4, 8 // 2) = 4
    early = [*history[:6], touch(day0 + timedelta(days=24), "replied", "in", id=20)]
    p = plan(early, rules=EVERY_DAY)
    assert (p.followups, p.position, p.unanswered_streak) == (0, 5, 0)
    assert the_schedule_item(p).due == day0 + timedelta(days=28)
    # a reply the day after the follow-up of day 36 (a gap of 13): 13 // 2 = 6 days after the reply
    late = [*history, touch(day0 + timedelta(days=37), "replied", "in", id=20)]
    p = plan(late, rules=EVERY_DAY)
    item = the_schedule_item(p)
    assert item.due == day0 + timedelta(days=43)
    assert item.reason == "first follow-up after their reply on 2026-04-08 (warm cadence)"
    # the follow-up the reply brought is off the ladder, which goes on from where it was, not
    # from its first rung: gaps[6] = 21, the seventh follow-up's, as if they had not replied
    p = plan([*late, touch(item.due, id=21)], rules=EVERY_DAY)
    assert (p.followups, p.position) == (1, 6)
    assert the_schedule_item(p).due == day0 + timedelta(days=43 + 21)


def test_after_a_reply_vip_goes_on_at_its_monthly_gap():
    # six vip follow-ups (2, 2, 3, 5, 8, 13 days apart), a reply, one follow-up 6 days later (the one
    # the reply brought, off the ladder), then the ladder goes on where it was: 21 (gaps[6], 8 + 13),
    # then 30 (the ceiling) for good, not 2, 2, 3
    offsets = DEFAULT_PROFILES["vip"].offsets()
    history = [meeting(D[2]), *follow_ups([D[2] + timedelta(days=n) for n in offsets])]
    replied = D[2] + timedelta(days=offsets[-1] + 1)
    history.append(touch(replied, "replied", "in", id=30))
    expected = [replied + timedelta(days=6)]
    for gap in (21, 30, 30):
        expected.append(expected[-1] + timedelta(days=gap))
    for due in expected:
        item = the_schedule_item(plan(history, cadence="vip", rules=EVERY_DAY))
        assert item.due == due
        history.append(touch(due, id=len(history) + 40))


def test_a_parked_contact_that_says_thanks_hears_from_you_weeks_later_not_days():
    # warm, parked after its seven gaps, then two nurture check-ins (30, then 60 days apart)
    history = [meeting(D[2]), *follow_ups(SEVEN)]
    state = next_state("active", history[-1], plan(history).position, RULES.profiles["warm"])
    assert state == "nurture"
    for _ in range(2):
        due = the_schedule_item(plan(history, state=state)).due
        history.append(touch(due, id=len(history) + 1))
    reached = (history[-1].at.date() - history[-2].at.date()).days
    assert reached >= 60
    thanks = touch(history[-1].at.date() + timedelta(days=1), "replied", "in", id=50)
    state = next_state(state, thanks)
    assert state == "active"
    history.append(thanks)
    p = plan(history, state=state)
    item = the_schedule_item(p)
    assert (item.due - thanks.at.date()).days >= reached // 2  # half the nurture gap it had reached, not 4 days
    assert item.due == model_workday(RULES, thanks.at.date(), reached // 2)
    assert item.kind == "cadence"
    # the next unanswered follow-up parks it again: it has used up its gaps long ago
    follow = touch(item.due, id=51)
    after = plan([*history, follow], state=state)
    assert next_state(state, follow, after.position, RULES.profiles["warm"]) == "nurture"


APR10 = date(2026, 4, 10)  # a week after six vip follow-ups from Mon 2 March (the last on Sat 4 April)


@pytest.mark.parametrize("fresh", [
    TouchFacts(at(APR10, 9), "out", "meeting", "meeting", None, 30),
    TouchFacts(at(APR10, 9), "out", "meeting", "call", None, 30),
    TouchFacts(at(APR10, 9), "in", "sent", "meeting", None, 30),
])
def test_a_meeting_restarts_the_ladder_at_its_first_gap(fresh):
    offsets = DEFAULT_PROFILES["vip"].offsets()
    history = [meeting(D[2]), *follow_ups([D[2] + timedelta(days=n) for n in offsets]), fresh]
    assert history[-2].at < fresh.at
    p = plan(history, cadence="vip", rules=EVERY_DAY)
    assert (p.followups, p.position) == (0, 0)
    assert the_schedule_item(p).due == APR10 + timedelta(days=2)
    p = plan([*history, touch(APR10 + timedelta(days=2), id=31)], cadence="vip", rules=EVERY_DAY)
    assert the_schedule_item(p).due == APR10 + timedelta(days=4)  # gaps[1] = 2


def test_a_win_and_an_honoured_date_restart_at_the_first_gap():
    offsets = DEFAULT_PROFILES["vip"].offsets()
    history = [meeting(D[2]), *follow_ups([D[2] + timedelta(days=n) for n in offsets])]
    won = plan([*history, touch(APR10, "won", id=30)], cadence="vip", state="client")
    assert won.position == 0 and the_schedule_item(won).due == model_workday(RULES, APR10, 30)
    asked = [*history[:2], touch(D[5], "talked", channel="call", ask_again=D[25], id=20)]
    honoured = plan([*asked, touch(D[25], id=21)], cadence="vip", rules=EVERY_DAY)
    assert (honoured.followups, honoured.position) == (0, 0)
    assert the_schedule_item(honoured).due == D[27]


def test_a_reply_does_not_reset_the_position_but_resets_the_counts():
    history = [meeting(D[2]), *follow_ups([D[4], D[6], D[9]]), touch(D[10], "replied", "in", id=9)]
    p = plan(history, cadence="vip")
    assert (p.unanswered_streak, p.followups, p.position) == (0, 0, 3)
    assert next_state("active", history[-1], p.position, RULES.profiles["vip"]) == "active"


# the long run: replying never earns a contact more unanswered follow-ups


LONG_RUN_DAYS = 180


def long_run(cadence: str, replies, start: date, rules: Rules = RULES) -> tuple[int, list[TouchFacts]]:
    """Follow a contact for LONG_RUN_DAYS days after a meeting, sending each follow-up on its due day,
    with an inbound reply the day after follow-up i when replies[i]; the state moves as the core
    moves it (next_state on the touch, then parking on the re-planned position). Returns the
    unanswered follow-ups (outbound touches not followed by a two-way one before the next outbound)."""
    person = contact(cadence, created_at=at(start, 8))
    touches = [meeting(start)]
    state, profile = "active", rules.profiles.get(cadence)
    end = start + timedelta(days=LONG_RUN_DAYS)

    def log(t: TouchFacts) -> None:
        nonlocal state
        touches.append(t)
        state = next_state(state, t)
        planned = plan_contact(person._replace(state=state), touches, [], rules)
        state = next_state(state, t, planned.position, profile)

    sent = 0
    while True:
        p = plan_contact(person._replace(state=state), touches, [], rules)
        due = min((i.due for i in p.items if i.kind in CADENCE_KINDS), default=None)
        if due is None or due > end:
            break
        log(TouchFacts(at(due, 10), "out", "sent", "email", None, len(touches) + 1))
        if sent < len(replies) and replies[sent] and due + timedelta(days=1) <= end:
            log(TouchFacts(at(due + timedelta(days=1), 11), "in", "replied", "email", None, len(touches) + 1))
        sent += 1
    unanswered = sum(1 for t, nxt in zip(touches, [*touches[1:], None])
                     if t.direction == "out" and t.outcome == "sent" and (nxt is None or not nxt.two_way))
    return unanswered, touches


def test_the_long_run_of_a_contact_who_never_replies():
    count, touches = long_run("vip", [], D[2])
    assert count == len(touches) - 1 == 11  # 2, 4, 7, 12, 20, 33, 54, 84, 114, 144, 174 days (workdays)
    count, touches = long_run("warm", [], D[2])
    assert [t.at.date() for t in touches[-2:]] == [date(2026, 5, 28), date(2026, 7, 27)]  # parked: 30, 60 days
    assert count == 9


@settings(max_examples=60, deadline=None, derandomize=True)
@given(cadence=st.sampled_from(CADENCES), replies=st.lists(st.booleans(), max_size=20), shift=st.integers(0, 6))
@example(cadence="vip", replies=[True] * 20, shift=0)
@example(cadence="warm", replies=[False] * 6 + [True] * 14, shift=0)
@example(cadence="hot", replies=[True, False] * 10, shift=3)
def test_replying_never_brings_more_unanswered_follow_ups_than_silence(cadence, replies, shift):
    start = D[2] + timedelta(days=shift)
    silent, _ = long_run(cadence, [], start)
    replier, _ = long_run(cadence, replies, start)
    assert replier <= silent


@settings(max_examples=150, deadline=None, derandomize=True)
@given(gaps=st.lists(st.integers(1, 60), min_size=1, max_size=8), end=st.sampled_from(["park", "repeat"]),
       replies=st.lists(st.booleans(), max_size=20), shift=st.integers(0, 6))
@example(gaps=[4, 54, 55, 42, 12, 27, 10, 12], end="repeat", replies=[True], shift=6)
@example(gaps=[45, 53, 30, 54, 3, 32, 1, 41], end="park", replies=[True], shift=2)
@example(gaps=[37, 49, 26, 12, 58, 4], end="park", replies=[True, False], shift=3)
def test_replying_never_brings_more_unanswered_follow_ups_than_silence_on_a_profile_of_your_own(
        gaps, end, replies, shift):
    # gaps that grow, shrink late or jump: the follow-up a reply brings is off the ladder, so a
    # reply can only push the ladder later, whatever its shape
    rules = Rules(profiles={**DEFAULT_PROFILES, "warm": Profile("warm", tuple(gaps), end, 2.0)})
    start = D[2] + timedelta(days=shift)
    silent, _ = long_run("warm", [], start, rules)
    replier, _ = long_run("warm", replies, start, rules)
    assert replier <= silent


# an asked date stands until honoured or replaced


def test_an_asked_date_stands_through_replies_calls_and_meetings():
    for i, (outcome, direction, channel) in enumerate([("replied", "in", "email"), ("talked", "out", "call"),
                                                       ("meeting", "out", "meeting")]):
        p = plan([*asked_history(), touch(D[20] + timedelta(days=i), outcome, direction, channel, id=3)])
        assert [(i.kind, i.due) for i in p.items] == [("asked", ASKED)], outcome
        assert p.next_step_due == ASKED


def test_a_new_ask_replaces_the_standing_one_later_or_earlier():
    later, earlier = date(2026, 7, 1), date(2026, 5, 4)
    for new in (later, earlier):
        p = plan([*asked_history(), touch(D[20], "replied", "in", ask_again=new, id=3)])
        assert [(i.kind, i.due) for i in p.items] == [("asked", new)]
        assert p.next_step_due == new


def test_an_ask_on_the_touchs_own_day_clears_the_standing_one():
    # `fup log WHO --ask-again none` stores asked = the touch's day: the cadence is back
    p = plan([*asked_history(), touch(D[20], "talked", channel="call", ask_again=D[20], id=3)])
    item = the_schedule_item(p)
    assert item.kind == "cadence" and p.next_step_due is None
    assert item.due == D[24]  # a call, no follow-up since the meeting: warm gaps[0] = 4 after it
    # also on an unanswered touch
    p = plan([*asked_history(), touch(D[20], ask_again=D[20], id=3)])
    assert the_schedule_item(p).kind == "cadence" and p.next_step_due is None


def test_an_honoured_date_is_a_fresh_start_even_after_a_long_streak():
    history = [meeting(D[2]), touch(D[3], "talked", channel="call", ask_again=D[20], id=2),
               *follow_ups([D[6], D[9], D[12], D[17]], first_id=3), touch(D[20], id=9)]
    p = plan(history)
    assert (p.followups, p.position, p.unanswered_streak) == (0, 0, 5)
    item = the_schedule_item(p)
    assert item.due == D[24]  # Fri 20 + gaps[0]
    assert item.reason == "first follow-up after your email on 2026-03-20, the date they asked for (warm cadence)"


# paused: nothing chases them, but what was agreed still shows


def test_a_paused_contact_has_no_cadence_row_but_keeps_its_commitments_and_asks():
    steps = [promise(D[20], firmness="soft"), promise(D[25], id=2, whose="theirs", firmness="soft")]
    assert plan([meeting(D[2])], steps, state="paused").items == tuple(
        i for i in plan([meeting(D[2])], steps).items if i.kind == "soft")
    assert all(i.kind == "soft" for i in plan([meeting(D[2])], steps, state="paused").items)
    hard = [promise(D[20]), promise(D[25], id=2, whose="theirs")]
    p = plan([meeting(D[2])], hard, state="paused")
    assert [(i.kind, i.due) for i in p.items] == [("promise", D[20]), ("their-promise", D[25])]
    assert p.next_step_due == D[20]
    p = plan(asked_history(), state="paused")
    assert [(i.kind, i.due) for i in p.items] == [("asked", ASKED)]
    for cadence in ("warm", "vip", "nurture", "none"):
        assert plan([meeting(D[2]), *follow_ups(SEVEN)], cadence=cadence, state="paused").items == ()
    # not even an opening touch
    assert plan_contact(contact(state="paused", created_at=at(D[2])), [], [], RULES).items == ()
    # a birthday still shows
    paused = contact(state="paused", birthday="03-10")
    assert next_item(paused, [meeting(D[2])], [], RULES, at(D[10])).kind == "birthday"


@pytest.mark.parametrize("direction, outcome, expected", [
    ("in", "replied", "paused"), ("out", "talked", "paused"), ("out", "meeting", "paused"), ("in", "sent", "paused"),
    ("out", "sent", "paused"), ("out", "no-answer", "paused"), ("out", "greeting", "paused"),
    ("out", "won", "client"), ("in", "not-interested", "closed"), ("out", "not-interested", "closed"),
])
def test_next_state_of_a_paused_contact(direction, outcome, expected):
    assert next_state("paused", touch(D[3], outcome, direction)) == expected
    # no parking while paused, however far along the ladder
    assert next_state("paused", touch(D[3], outcome, direction), 99, RULES.profiles["hot"]) == expected


def test_paused_is_an_open_state():
    from fupcli.vocabulary import OPEN_STATES, STATES
    assert STATES == ("active", "nurture", "client", "paused", "closed")
    assert "paused" in OPEN_STATES and "closed" not in OPEN_STATES


# snooze: a new due date for the cadence rows only


def test_a_snooze_floors_cold_rows_too():
    # a nurture rhythm
    p = plan([meeting(D[2])], cadence="nurture", snoozed_until=date(2026, 5, 4))
    assert [(i.kind, i.due) for i in p.items] == [("cold", date(2026, 5, 4))]
    # an opening touch
    fresh = contact(created_at=at(D[2]), snoozed_until=D[16])
    assert [(i.kind, i.due) for i in plan_contact(fresh, [], [], RULES).items] == [("cold", D[16])]


def test_a_snooze_keeps_check_ins_soft_steps_and_asks_on_their_dates():
    checked = plan([meeting(D[2]), touch(D[9], id=2)], [promise(D[9], whose="theirs")], snoozed_until=D[30])
    assert [(i.kind, i.due) for i in checked.items] == [("their-promise", D[12])]
    soft = plan([meeting(D[2])], [promise(D[4], firmness="soft")], snoozed_until=D[30])
    assert sorted((i.kind, i.due) for i in soft.items) == [("cadence", D[30]), ("soft", D[4])]
    asked = plan(asked_history(), snoozed_until=date(2026, 7, 1))
    assert [(i.kind, i.due) for i in asked.items] == [("asked", ASKED)]


def test_birthday_item_takes_a_floor_not_a_snooze():
    import inspect
    assert "snoozed_until" not in inspect.signature(birthday_item).parameters
    assert "floor" in inspect.signature(birthday_item).parameters
    assert "floor" in inspect.signature(rows_on).parameters and "floor" in inspect.signature(first_visible).parameters


# greetings: a birthday greeting is neither a follow-up nor an answer


def test_a_greeting_is_skipped_by_the_thread():
    base = [meeting(D[2]), *follow_ups([D[6], D[9]])]
    greeted = [*base, touch(D[10], "greeting", id=9)]
    a, b = plan(base), plan(greeted)
    assert a.items == b.items
    assert (b.unanswered_streak, b.followups, b.position) == (a.unanswered_streak, a.followups, a.position) == (2, 2, 2)
    assert b.last_touch == D[10] and a.last_touch == D[9]  # it is a touch, for the birthday
    assert thread(greeted) == thread(base)
    # not even the channel run: two emails, a text greeting, an email make three emails in a row
    run = [meeting(N23), *emails(VIP_DAYS[:2]), touch(date(2026, 11, 28), "greeting", channel="text", id=7),
           *emails(VIP_DAYS[2:], first_id=8)]
    assert the_schedule_item(vip_plan(run)).channel == "call"
    # a greeting on its own (never contacted otherwise) is no opening touch
    fresh = contact(created_at=at(D[2]))
    p = plan_contact(fresh, [touch(D[10], "greeting", id=1)], [], RULES)
    assert [(i.kind, i.due) for i in p.items] == [("cold", D[2])]
    assert p.last_touch == D[10]


@pytest.mark.parametrize("state", ["active", "nurture", "client", "paused", "closed"])
def test_a_greeting_does_not_change_the_state(state):
    for direction in ("out", "in"):
        assert next_state(state, touch(D[3], "greeting", direction)) == state
    assert next_state(state, touch(D[3], "greeting"), 99, RULES.profiles["hot"]) == state


@FAST
@given(scenario=scenarios(), where=st.integers(0, 20), direction=st.sampled_from(["out", "in"]))
def test_a_greeting_anywhere_changes_nothing_but_the_last_touch(scenario, where, direction):
    person, touches, commitments, rules = scenario
    state, cadence = person.state, person.cadence
    where %= len(touches) + 1
    moment = touches[where - 1].at + timedelta(seconds=30) if where else touches[0].at - timedelta(hours=1)
    greeting = TouchFacts(moment, direction, "greeting", "text", None, 999)
    greeted = [*touches[:where], greeting, *touches[where:]]
    before = plan_contact(person, touches, commitments, rules)
    after = plan_contact(person, greeted, commitments, rules)
    last = max(touches[-1].at, moment)
    assert after == before._replace(last_touch=last.date(), last_touch_at=last)
    assert thread(greeted) == thread(touches)
    assert next_state(state, greeting, after.position, rules.profiles.get(cadence)) == state


def test_a_greeting_is_no_check_in_on_their_promise_and_does_not_clear_a_soft_step():
    greeted = [meeting(D[2]), touch(D[10], "greeting", channel="text", id=2)]
    theirs = plan(greeted, [promise(D[9], whose="theirs")])
    assert [(i.kind, i.due) for i in theirs.items] == [("their-promise", D[9])]
    soft = plan(greeted, [promise(D[9], firmness="soft")])
    assert sorted(i.kind for i in soft.items) == ["cadence", "soft"]
    # (a real touch on the same day is one)
    checked = plan([meeting(D[2]), touch(D[10], id=2)], [promise(D[9], whose="theirs")])
    assert [(i.kind, i.due) for i in checked.items] == [("their-promise", D[13])]


def test_a_greeting_clears_the_birthday_row():
    friend = contact("none", birthday="03-10")
    assert next_item(friend, [meeting(D[2])], [], RULES, at(D[11])).kind == "birthday"
    assert next_item(friend, [meeting(D[2]), touch(D[10], "greeting", id=2)], [], RULES, at(D[11])) is None


# counts: every unanswered touch since the last two-way one, an opening touch included


def test_an_opening_email_and_two_follow_ups_are_three_unanswered():
    fresh = contact("warm", created_at=at(D[2]))
    p = plan_contact(fresh, follow_ups([D[2], D[6], D[9]], first_id=1), [], RULES)
    assert (p.unanswered_streak, p.followups, p.position) == (3, 2, 2)
    assert the_schedule_item(p).reason == "follow-up 3: 3 unanswered since your email on 2026-03-02 (warm cadence)"
    assert the_schedule_item(p).due == D[12]  # Mon 9 + gaps[2] = 3


def test_after_a_meeting_the_meeting_is_not_counted():
    p = plan([meeting(D[2]), *follow_ups([D[6], D[9]])])
    assert (p.unanswered_streak, p.followups) == (2, 2)
    assert the_schedule_item(p).reason == "follow-up 3: 2 unanswered since the meeting on 2026-03-02 (warm cadence)"
