"""Tests of the pure scheduler, `fupcli.scheduler`, against the rules of docs/scheduling.md.

Examples pin each rule down on fixed dates (2 March 2026 and 16 November 2026
are Mondays); the hypothesis properties check invariants over generated
histories: a reference model of the streak, gap and asked-date rules, workdays,
no catch-up, hard commitments replacing the cadence, order independence, and
the ranking guarantees on `Item.rank`, `Item.urgency` and `queries.rank_key`:
tiers first (a promise of mine on top, soft steps last), then days overdue,
then the profile's weight, then the name. Nothing here reads the clock or a
database.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from fupcli.queries import DueRow, _due_row, rank_key
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
    next_item,
    next_state,
    item_order,
    plan_contact,
    rank_bounds,
    row_on,
    rows_on,
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


def schedule_items(p) -> list[Item]:
    return [item for item in p.items if item.kind in ("cadence", "asked")]


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


def test_profile_offsets_of_a_repeating_profile_extend_with_the_last_gap():
    assert DEFAULT_PROFILES["vip"].offsets(8) == [2, 4, 7, 12, 20, 33, 46, 59]
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
    assert (item.kind, item.due) == ("cadence", expected)
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


def test_a_computed_date_on_a_weekend_moves_to_the_next_workday():
    # hot: Thu 5 + 2 = Sat 7 -> Mon 9
    assert the_schedule_item(plan([meeting(D[5])], cadence="hot")).due == D[9]
    # warm: Wed 4 + 4 = Sun 8 -> Mon 9
    assert the_schedule_item(plan([meeting(D[4])])).due == D[9]


def test_holidays_are_skipped():
    rules = Rules(holidays=frozenset({D[9], D[10]}))
    assert the_schedule_item(plan([meeting(D[5])], cadence="hot", rules=rules)).due == D[11]


def test_configured_workdays_are_used():
    mon_to_thu = Rules(workdays=frozenset({0, 1, 2, 3}))
    # warm: Mon 2 + 4 = Fri 6, not a workday here -> Mon 9
    assert the_schedule_item(plan([meeting(D[2])], rules=mon_to_thu)).due == D[9]
    weekends = Rules(workdays=frozenset({5, 6}))
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
    # An unanswered email on the asked Monday is a fresh start, like a reply: the next
    # follow-up is warm gaps[0] = 4 days later (Fri 12 June), not gaps[1] = 3.
    p = plan([*asked_history(), touch(ASKED, id=3)])
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", date(2026, 6, 12))
    assert p.unanswered_streak == 0
    assert item.reason == "first follow-up after your email on 2026-06-08, the date they asked for (warm cadence)"
    assert p.next_step_due is None  # the ask is honoured: no longer a standing next step


def test_a_late_touch_honours_the_asked_date_too():
    # Wed 10 June, two days after the date: 10 + 4 = Sun 14, moved to Mon 15 June.
    p = plan([*asked_history(), touch(date(2026, 6, 10), "left-message", channel="call", id=3)])
    assert the_schedule_item(p).due == date(2026, 6, 15)
    assert p.unanswered_streak == 0
    assert "your call on 2026-06-10, the date they asked for" in the_schedule_item(p).reason


def test_after_an_honoured_asked_date_the_streak_rules_go_on():
    # honoured on Mon 8 June (fresh start), then an unanswered follow-up on Fri 12: gaps[1] = 3.
    p = plan([*asked_history(), touch(ASKED, id=3), touch(date(2026, 6, 12), id=4)])
    assert p.unanswered_streak == 1
    assert the_schedule_item(p).due == date(2026, 6, 15)


def test_a_two_way_touch_before_the_asked_date_supersedes_it():
    p = plan([*asked_history(), touch(D[20], "replied", "in", id=3)])
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", D[24])  # Fri 20 + 4
    assert p.next_step_due is None


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


def test_touches_after_a_reopening_count_from_it():
    said_no = [meeting(D[2]), touch(D[3], "not-interested", "in", id=2)]
    p = plan([*said_no, touch(D[20], id=3)], state="active", reopened_at=REOPENED)
    assert p.unanswered_streak == 1
    assert the_schedule_item(p).due == D[23]  # Fri 20 + warm gaps[1] = Mon 23


def test_a_client_is_checked_in_on_the_nurture_gaps():
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
    p = plan(history, cadence=cadence, state="nurture")
    item = the_schedule_item(p)
    # nurture's first gap counted from the last unanswered touch: Wed 11 + 30 = Fri 10 April
    assert (item.kind, item.due) == ("cadence", date(2026, 4, 10))
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
        assert the_schedule_item(p).due == RULES.workday(last + timedelta(days=extra_gap))


def test_vip_repeats_its_last_gap_and_never_parks():
    ten = [D[3], D[4], D[5], D[6], D[9], D[10], D[11], D[12], D[13], D[16]]
    for count in (6, 7, 10):
        p = plan([meeting(D[2]), *follow_ups(ten[:count])], cadence="vip")
        assert p.state == "active"
        last = ten[count - 1]
        assert the_schedule_item(p).due == RULES.workday(last + timedelta(days=13))


def test_the_nurture_profile_repeats_its_last_gap():
    p = plan([meeting(D[2]), *follow_ups([D[3], D[4], D[5], D[6]])], cadence="nurture")
    assert p.state == "active"
    assert the_schedule_item(p).due == RULES.workday(D[6] + timedelta(days=90))


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
    one_done = plan([meeting(D[2]), touch(D[12], id=2)], [replace(steps[0], status="done"), steps[1]])
    assert schedule_items(one_done) == [] and one_done.next_step_due == D[25]
    both_done = plan([meeting(D[2]), touch(D[12], id=2)], [replace(c, status="done") for c in steps])
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
    assert the_schedule_item(after).due == NOV[23]  # the cadence carries on: Wed 18 + 3 = Sat 21 -> Mon 23


def test_a_soft_step_is_the_last_row_however_overdue():
    # (no touch at all: any touch on or after its date would have cleared the soft step)
    p = plan([], [promise(NOV[9] - timedelta(days=60), firmness="soft"),
                  promise(NOV[20], id=2, whose="theirs")], cadence="none")
    rows = rows_on(p.state, p.items, NOV[20])
    assert [r.kind for r in rows] == ["their-promise", "soft"]


# --- rule 8: snooze, meetings and opening touches ------------------------------------


def test_snooze_hides_the_contacts_items_until_the_date():
    snoozed = contact(snoozed_until=D[20], birthday="03-10")
    touches = [meeting(D[2])]
    commitments = [promise(D[9])]
    for day in days_between(D[2], D[20]):
        assert next_item(snoozed, touches, commitments, RULES, at(day)) is None, day
    item = next_item(snoozed, touches, commitments, RULES, at(D[20]))
    assert item is not None and item.kind == "promise"
    p = plan(touches, commitments)
    assert first_visible(p.state, p.items, D[3], D[20]) == D[20]


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


def test_a_snooze_floors_every_item_but_keeps_later_dates():
    p = plan([meeting(D[2])], [promise(D[9]), promise(D[30], id=2, whose="theirs"),
                               promise(D[5], id=3, firmness="soft")], snoozed_until=D[20])
    assert sorted((i.kind, i.due) for i in p.items) == [("promise", D[20]), ("soft", D[20]), ("their-promise", D[30])]


def test_rows_on_applies_the_snooze_floor_to_items_planned_without_it():
    p = plan([meeting(D[2])], [promise(D[9])], cadence="none")
    assert rows_on(p.state, p.items, D[19], D[20]) == []
    (row,) = rows_on(p.state, p.items, D[20], D[20])
    assert (row.kind, row.due) == ("promise", D[20])
    assert row_on(p.state, p.items, D[23], D[20]).due == D[20]
    # a snooze that has ended long ago still floors the due date: it was the new due date
    assert row_on(p.state, p.items, date(2026, 6, 1), D[20]).due == D[20]


def test_a_contact_not_met_yet_is_due_for_an_opening_touch_at_once():
    fresh = contact(created_at=datetime(2026, 3, 4, 15, 0))
    p = plan_contact(fresh, [], [], RULES)
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", D[4])
    assert p.unanswered_streak == 0 and p.last_touch is None
    row = next_item(fresh, [], [], RULES, datetime(2026, 3, 4, 16, 0))
    assert row is not None and row.kind == "cadence"


def test_a_contact_not_met_yet_without_a_cadence_is_not_due():
    fresh = contact("none", created_at=datetime(2026, 3, 4, 15, 0))
    assert plan_contact(fresh, [], [], RULES).items == ()
    assert next_item(fresh, [], [], RULES, datetime(2026, 3, 9)) is None


def test_the_opening_touch_plays_the_meetings_part():
    fresh = contact(created_at=datetime(2026, 3, 4, 15, 0))
    opening = touch(D[5], id=1)  # Thu 5
    p = plan_contact(fresh, [opening], [], RULES)
    assert p.unanswered_streak == 0
    assert the_schedule_item(p).due == D[9]  # Thu 5 + 4 = Mon 9
    p = plan_contact(fresh, [opening, touch(D[9], id=2)], [], RULES)
    assert p.unanswered_streak == 1
    assert the_schedule_item(p).due == D[12]  # Mon 9 + gaps[1] = 3


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


def test_a_snooze_floors_the_birthday_row():
    item = birthday_item("12-12", None, SAT12, snoozed_until=SAT12)
    assert (item.due, item.reason) == (SAT12, "birthday on Saturday 2026-12-12")
    assert birthday_item("12-12", None, SAT12 - timedelta(days=1), snoozed_until=SAT12) is None


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
    assert TIERS == KINDS == ("promise", "asked", "their-promise", "birthday", "cadence", "soft")


def test_the_full_tier_order_however_overdue_the_lower_tiers_are():
    """One row of each kind, each lower tier more overdue than the one above: ranked by tier."""
    on = ON
    items = [_item_of(kind, on - timedelta(days=tier), "vip") for tier, kind in enumerate(TIERS)]
    names = ["Zed", "yan", "Xu", "Wu", "vic", "Al"]  # against the tier order: the name never decides here
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
    state = draw(st.sampled_from(["active", "active", "client", "nurture"]))
    rules = draw(rule_sets())
    return contact(cadence, state), touches, commitments, rules


def expected_schedule(cadence: str, state: str, touches, rules: Rules):
    """Reference model of the streak and gap rules (no asks, no commitments): (state, streak, due)."""
    profile = rules.profiles[cadence]
    nurture = rules.profiles["nurture"]
    anchor = max((i for i, t in enumerate(touches) if is_two_way(t)), default=0)
    streak = len(touches) - 1 - anchor
    last = touches[-1].at.date()
    if state == "client":
        gaps, index = nurture.gaps, streak
    elif state == "nurture":
        parked = profile.end == "park" and streak >= len(profile.gaps)
        gaps, index = nurture.gaps, streak - len(profile.gaps) if parked else streak
    else:
        gaps, index = profile.gaps, streak
    gap = gaps[min(index, len(gaps) - 1)]
    return state, streak, rules.workday(last + timedelta(days=gap))


def expected_thread(touches):
    """Reference model of the counting with asked dates: (streak, standing ask). A two-way touch
    or a touch on or after a standing ask restarts the count; any other is one more unanswered."""
    streak, asked = 0, None
    for i, t in enumerate(touches):
        if i and not is_two_way(t) and not (asked is not None and t.at.date() >= asked):
            streak += 1
        elif i:
            streak, asked = 0, None
        if t.ask_again is not None:
            asked = t.ask_again
    return streak, asked


# --- properties: the cadence --------------------------------------------------------


@FAST
@given(touches=histories(asks=True), cadence=st.sampled_from(CADENCES), rules=rule_sets(True))
def test_an_honoured_ask_is_a_fresh_start_and_a_standing_one_replaces_the_cadence(touches, cadence, rules):
    streak, asked = expected_thread(touches)
    p = plan_contact(contact(cadence), touches, [], rules)
    assert p.unanswered_streak == streak
    item = the_schedule_item(p)
    if asked is not None:
        assert (item.kind, item.due) == ("asked", asked)
        assert p.next_step_due == asked
        return
    profile = rules.profiles[cadence]
    gap = profile.gaps[min(streak, len(profile.gaps) - 1)]
    assert (item.kind, item.due) == ("cadence", rules.workday(touches[-1].at.date() + timedelta(days=gap)))
    assert p.next_step_due is None


@FAST
@given(touches=histories(), cadence=st.sampled_from(CADENCES), state=st.sampled_from(["active", "client", "nurture"]),
       rules=rule_sets(True))
def test_the_schedule_follows_the_streak_and_gap_rules(touches, cadence, state, rules):
    want_state, want_streak, want_due = expected_schedule(cadence, state, touches, rules)
    p = plan_contact(contact(cadence, state), touches, [], rules)
    assert p.state == want_state
    assert p.unanswered_streak == want_streak
    item = the_schedule_item(p)
    assert (item.kind, item.due) == ("cadence", want_due)
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
        assert [i for i in p.items if i.kind == "cadence"] == []  # an open hard step replaces the cadence


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
    assert after.due == later[-1].at.date() + timedelta(days=gap)
    assert after.due > later[-1].at.date()


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
        assert [item for item in p.items if item.kind == "cadence"] == []
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
def test_snooze_hides_every_row_until_its_date(scenario, snooze, offset):
    person, touches, commitments, rules = scenario
    start = touches[-1].at.date()
    until = start + timedelta(days=snooze) if snooze is not None else None
    snoozed = ContactFacts(person.name, person.cadence, person.state, person.created_at, until, "03-10")
    on = start + timedelta(days=offset)
    item = next_item(snoozed, touches, commitments, rules, datetime.combine(on, time(9)))
    if until is not None and on < until:
        assert item is None
    if item is not None:
        assert item.due <= on
        if until is not None:  # a snooze is a new due date: never overdue from before it
            assert item.due >= until
    # every planned item is due no earlier than the snooze; the ones due later keep their date
    p = plan_contact(snoozed, touches, commitments, rules)
    unsnoozed = plan_contact(replace(snoozed, snoozed_until=None), touches, commitments, rules)
    floored = sorted((i.kind, i.commitment_id, max(i.due, until) if until else i.due) for i in unsnoozed.items)
    assert sorted((i.kind, i.commitment_id, i.due) for i in p.items) == floored


@FAST
@given(scenario=scenarios(), reopen=st.integers(-20, 120), offset=st.integers(0, 200))
def test_a_contact_reopened_by_hand_is_never_overdue_from_before_the_reopening(scenario, reopen, offset):
    person, touches, commitments, rules = scenario
    moment = datetime.combine(touches[-1].at.date() + timedelta(days=reopen), time(12))
    reopened = replace(person, state="active", reopened_at=moment)
    p = plan_contact(reopened, touches, commitments, rules)
    assert all(item.due >= moment.date() for item in p.items)
    later = [t for t in touches if t.at >= moment]
    if not later:  # counted afresh from the reopening: no streak, an ask before it is forgotten
        assert p.unanswered_streak == 0
        assert [i.kind for i in p.items if i.kind == "asked"] == []
    on = moment.date() + timedelta(days=offset)
    row = row_on(p.state, p.items, on)
    if row is not None:
        assert moment.date() <= row.due <= on


# --- properties: what `today` shows ------------------------------------------------


@FAST
@given(
    scenario=scenarios(),
    snooze=st.one_of(st.none(), st.integers(-20, 120)),
    birthday=st.sampled_from([None, "03-10", "02-29", "12-12", "01-02"]),
    offset=st.integers(-30, 300),
)
def test_rows_on_lists_every_visible_item_most_urgent_first(scenario, snooze, birthday, offset):
    person, touches, commitments, rules = scenario
    p = plan_contact(person, touches, commitments, rules)
    last = touches[-1].at.date()
    until = last + timedelta(days=snooze) if snooze is not None else None
    on = last + timedelta(days=offset)
    visible = rows_on(p.state, p.items, on, until, birthday, p.last_touch, rules)
    assert visible == sorted(visible, key=item_order)
    assert row_on(p.state, p.items, on, until, birthday, p.last_touch, rules) == (visible[0] if visible else None)
    if until is not None and on < until:
        assert visible == []
        return
    floor = until or date.min
    expected = [replace(i, due=max(i.due, floor)) for i in p.items if max(i.due, floor) <= on]
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
    snooze=st.one_of(st.none(), st.integers(-20, 120)),
    birthday=st.sampled_from([None, "03-10", "02-29", "1990-12-31", "01-01"]),
    offset=st.integers(-60, 400),
)
def test_first_visible_is_the_first_day_the_contact_shows(scenario, snooze, birthday, offset):
    person, touches, commitments, rules = scenario
    p = plan_contact(person, touches, commitments, rules)
    last = touches[-1].at.date()
    until = last + timedelta(days=snooze) if snooze is not None else None
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
    elif kind == "cadence":
        gap = DEFAULT_PROFILES[cadence].gaps[0]
        p = plan_contact(contact(cadence), [meeting(due - timedelta(days=gap))], [], EVERY_DAY)
    else:
        # every day a workday, so the birthday shows from the day itself, whatever the weekday
        item = birthday_item(due.strftime("%m-%d"), None, due, rules=EVERY_DAY)
        assert item is not None and item.due == due
        return item
    (item,) = p.items
    assert item.kind == kind and item.due == due
    return item


KIND_CADENCES = [(kind, "warm") for kind in TIERS if kind != "cadence"] + [("cadence", c) for c in CADENCES]
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
def test_equally_overdue_cadence_rows_rank_vip_hot_warm_nurture(overdue, names):
    due = ON - timedelta(days=overdue)
    items = [_item_of("cadence", due, cadence) for cadence in ("vip", "hot", "warm", "nurture")]
    assert [item.weight for item in items] == [4.0, 3.0, 2.0, 1.0]
    urgencies = [item.urgency(ON) for item in items]
    assert urgencies == sorted(urgencies, reverse=True) and len(set(urgencies)) == 4
    rows = [_row(item, ON, name, i) for i, (item, name) in enumerate(zip(items, names))]
    shuffled = list(reversed(rows))
    assert [r.urgency for r in sorted(shuffled, key=rank_key)] == [r.urgency for r in rows]


@FAST
@given(
    kind=st.sampled_from(TIERS),
    cadence=st.sampled_from(CADENCES),
    a=st.integers(0, 400),
    b=st.integers(0, 400),
)
def test_more_overdue_ranks_higher_within_a_tier_whatever_the_weight(kind, cadence, a, b):
    assume(a != b)
    if kind == "birthday":
        a, b = a % 7, b % 7
        assume(a != b)
    more, less = max(a, b), min(a, b)
    older = _item_of(kind, ON - timedelta(days=more), cadence)
    # the newer one with the heaviest profile: a day overdue still counts for more
    newer = _item_of(kind, ON - timedelta(days=less), "vip" if kind == "cadence" else cadence)
    assert older.urgency(ON) > newer.urgency(ON)
    rows = sorted([_row(newer, ON, "Aaron", 1), _row(older, ON, "Zed", 2)], key=rank_key)
    assert rows[0].days_overdue == more


@FAST
@given(rows=st.lists(
    st.tuples(st.sampled_from(TIERS), st.sampled_from(CADENCES), st.integers(0, 60),
              st.sampled_from(["Ada", "ada", "Bob", "cy"])),
    min_size=2, max_size=8,
))
def test_ranking_is_a_total_order_by_tier_then_overdue_then_weight_then_name(rows):
    due_rows = [
        _row(_item_of(kind, ON - timedelta(days=late % 7 if kind == "birthday" else late), cadence), ON, name, i)
        for i, (kind, cadence, late, name) in enumerate(rows)
    ]
    weight = {i: (DEFAULT_PROFILES[cadence].weight if kind == "cadence" else 0.0)
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
