"""Tests of `scheduler.place`: where a movable (`cold`) row goes to keep the days within capacity.

Pure: the load of each day is a dict (what core.Balancer reads from the database),
nothing reads the clock. 16 November 2026 is a Monday.

The rules (docs/scheduling.md, scheduler.place): never before the item's due date nor
before today (an overdue item stays where it is); within [workday(due), due + slack] the
workday with the smallest load among those with room (load < capacity), ties to `keep`
(the day it had) and then to the earliest; when the whole window is full, the first workday
after it with room. Live rows never move, and a row never lands on a non-workday.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fupcli.scheduler import WAIT_SPREAD, TIERS, Item, Rules, place

FAST = settings(max_examples=150, deadline=None, derandomize=True)

MON = date(2026, 11, 16)
DAY = {n: MON + timedelta(days=n - 16) for n in range(9, 31)}  # DAY[n] is 2026-11-n; 21, 22 a weekend
RULES = Rules(capacity=3)


def cold(due: date, slack: int) -> Item:
    return Item("cold", due, "nurture check-in", 1.0, slack=slack)


def load_of(counts: dict[date, int]):
    return lambda day: counts.get(day, 0)


def test_calendar():
    assert MON.weekday() == 0 and DAY[21].weekday() == 5 and DAY[22].weekday() == 6


def test_an_empty_window_keeps_the_due_date():
    assert place(cold(DAY[17], 4), load_of({}), RULES, today=MON) == DAY[17]


def test_within_the_window_the_least_loaded_day_with_room():
    counts = {DAY[17]: 2, DAY[18]: 1, DAY[19]: 0, DAY[20]: 1}
    assert place(cold(DAY[17], 3), load_of(counts), RULES, today=MON) == DAY[19]
    # the window ends at due + slack: Thu 19 is out of reach with a slack of 1
    assert place(cold(DAY[17], 1), load_of(counts), RULES, today=MON) == DAY[18]


def test_a_full_day_is_skipped_even_when_it_is_the_due_date():
    counts = {DAY[17]: 3, DAY[18]: 2}
    assert place(cold(DAY[17], 2), load_of(counts), RULES, today=MON) == DAY[19]


def test_ties_go_to_keep_then_to_the_earliest_day():
    counts = {DAY[17]: 1, DAY[18]: 1, DAY[19]: 1}
    assert place(cold(DAY[17], 2), load_of(counts), RULES, today=MON) == DAY[17]
    assert place(cold(DAY[17], 2), load_of(counts), RULES, today=MON, keep=DAY[19]) == DAY[19]
    # `keep` only breaks ties: a less loaded day still wins
    counts[DAY[18]] = 0
    assert place(cold(DAY[17], 2), load_of(counts), RULES, today=MON, keep=DAY[19]) == DAY[18]
    # a `keep` outside the window does nothing
    counts[DAY[18]] = 1
    assert place(cold(DAY[17], 2), load_of(counts), RULES, today=MON, keep=DAY[25]) == DAY[17]


def test_a_full_window_overflows_to_the_first_workday_after_it_with_room():
    counts = {DAY[17]: 3, DAY[18]: 3, DAY[19]: 3, DAY[20]: 3, DAY[23]: 5}
    # window Tue 17 - Thu 19, all full; Fri 20 full too, the weekend is no workday, Mon 23 over
    # capacity: Tue 24
    assert place(cold(DAY[17], 2), load_of(counts), RULES, today=MON) == DAY[24]


def test_never_before_the_due_date_nor_before_today():
    counts = {DAY[17]: 2, DAY[18]: 2, DAY[19]: 2}
    # the less loaded days before it (Mon 16 is empty) are never chosen
    assert place(cold(DAY[17], 2), load_of(counts), RULES, today=MON) == DAY[17]
    # due in the future, today in between: from the due date
    assert place(cold(DAY[19], 1), load_of({}), RULES, today=DAY[17]) == DAY[19]


def test_an_overdue_item_goes_on_today_when_today_has_room():
    counts = {DAY[17]: 9, DAY[18]: 0}
    assert place(cold(DAY[17], 5), load_of(counts), RULES, today=DAY[18]) == DAY[18]


def test_an_overdue_item_without_room_today_waits_for_the_least_loaded_of_the_next_days():
    # today (Wed 18) is full; the window runs WAIT_SPREAD days from today, past its own slack
    counts = {DAY[18]: 3, DAY[19]: 2, DAY[20]: 1, DAY[23]: 2, DAY[24]: 0}
    assert place(cold(DAY[10], 1), load_of(counts), RULES, today=DAY[18]) == DAY[24]
    # never on a weekend, never before today
    day = place(cold(DAY[10], 1), load_of({d: 3 for d in DAY.values() if d <= DAY[27]}), RULES, today=DAY[18])
    assert day > DAY[18] and day.weekday() < 5


def test_live_rows_never_move():
    counts = {DAY[17]: 9}
    for kind in TIERS:
        if kind == "cold":
            continue
        item = Item(kind, DAY[17], "r", 2.0, slack=5)
        assert place(item, load_of(counts), RULES, today=MON) == DAY[17], kind
    # even on a weekend (a date they asked for is kept as typed)
    assert place(Item("asked", DAY[21], "r"), load_of({}), RULES, today=MON) == DAY[21]


def test_never_lands_on_a_non_workday():
    # due on Saturday: the window starts on Monday; an empty weekend is not used
    assert place(cold(DAY[21], 4), load_of({}), RULES, today=MON) == DAY[23]
    # a slack that ends inside the weekend: Monday is the first workday with room
    assert place(cold(DAY[20], 2), load_of({DAY[20]: 3}), RULES, today=MON) == DAY[23]
    holidays = Rules(capacity=3, holidays=frozenset({DAY[18]}))
    # the empty holiday Wed 18 is never chosen
    assert place(cold(DAY[17], 2), load_of({DAY[17]: 2, DAY[19]: 1}), holidays, today=MON) == DAY[19]
    assert place(cold(DAY[18], 0), load_of({}), holidays, today=MON) == DAY[19]


def test_capacity_one_spreads_one_a_day():
    one = Rules(capacity=1)
    counts: Counter = Counter()
    days = []
    for _ in range(5):
        day = place(cold(DAY[16], 10), counts.__getitem__, one, today=MON)
        counts[day] += 1
        days.append(day)
    assert days == [DAY[16], DAY[17], DAY[18], DAY[19], DAY[20]]


def test_a_slack_of_zero_keeps_the_day_while_it_has_room():
    assert place(cold(DAY[17], 0), load_of({DAY[17]: 2}), RULES, today=MON) == DAY[17]
    assert place(cold(DAY[17], 0), load_of({DAY[17]: 3}), RULES, today=MON) == DAY[18]


# --- properties -------------------------------------------------------------------


@st.composite
def calendars(draw):
    workdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    holidays = draw(st.frozensets(st.dates(min_value=DAY[9], max_value=DAY[9] + timedelta(days=120)), max_size=10))
    return workdays, holidays


@FAST
@given(
    calendar=calendars(),
    capacity=st.integers(1, 6),
    start=st.dictionaries(st.integers(0, 60), st.integers(0, 8), max_size=30),
    items=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 20)), min_size=1, max_size=40),
    today_offset=st.integers(0, 10),
    keeps=st.lists(st.one_of(st.none(), st.integers(0, 60)), max_size=40),
)
def test_placing_cold_items_one_by_one_never_overfills_a_day_nor_goes_early(
        calendar, capacity, start, items, today_offset, keeps):
    workdays, holidays = calendar
    rules = Rules(workdays=workdays, holidays=holidays, capacity=capacity)
    base = DAY[9]
    today = base + timedelta(days=today_offset)
    load: Counter = Counter({base + timedelta(days=k): v for k, v in start.items()})
    for i, (offset, slack) in enumerate(items):
        due = today + timedelta(days=offset)  # not overdue: due today or later
        keep = keeps[i] if i < len(keeps) else None
        keep_day = base + timedelta(days=keep) if keep is not None else None
        item = cold(due, slack)
        before = Counter(load)
        day = place(item, load.__getitem__, rules, today, keep=keep_day)
        assert day >= due and day >= today
        assert rules.is_workday(day)
        assert before[day] < capacity  # it had room, so the day does not go over capacity
        last = due + timedelta(days=slack)
        window = [d for d in (due + timedelta(days=k) for k in range(slack + 1)) if rules.is_workday(d)]
        roomy = [d for d in window if before[d] < capacity]
        if roomy:  # within the window: the least loaded day with room, ties to keep then the earliest
            assert day <= last
            least = min(before[d] for d in roomy)
            assert before[day] == least
            ties = [d for d in roomy if before[d] == least]
            assert day == (keep_day if keep_day in ties else ties[0])
        else:  # the first workday after the window with room
            assert day > last
            between = (d for d in (last + timedelta(days=k) for k in range(1, (day - last).days)))
            assert all(not rules.is_workday(d) or before[d] >= capacity for d in between)
        load[day] += 1


@FAST
@given(kind=st.sampled_from([k for k in TIERS if k != "cold"]), offset=st.integers(-30, 30),
       slack=st.integers(0, 30), full=st.booleans())
def test_only_cold_items_move(kind, offset, slack, full):
    due = DAY[18] + timedelta(days=offset)
    counts = Counter({due: 99}) if full else Counter()
    assert place(Item(kind, due, "r", slack=slack), counts.__getitem__, RULES, today=DAY[18]) == due


@FAST
@given(offset=st.integers(1, 60), slack=st.integers(0, 30), loads=st.lists(st.integers(0, 9), max_size=40))
def test_an_overdue_cold_item_goes_to_a_day_with_room_from_today_on(offset, slack, loads):
    today = DAY[30]
    due = today - timedelta(days=offset)
    counts = Counter({today + timedelta(days=k): v for k, v in enumerate(loads)})
    day = place(cold(due, slack), counts.__getitem__, RULES, today=today)
    assert day >= today and day.weekday() < 5
    assert counts[day] < RULES.capacity
    if counts[today] < RULES.capacity:  # today has room: it goes on today
        assert day == today
        return
    # else the least loaded day with room among those it could have gone to, the earliest on a tie
    last = max(due + timedelta(days=slack), today + timedelta(days=WAIT_SPREAD))
    window = [today + timedelta(days=k) for k in range((last - today).days + 1)]
    open_days = [d for d in window if d.weekday() < 5 and counts[d] < RULES.capacity]
    if open_days:
        assert (counts[day], day) == min((counts[d], d) for d in open_days)