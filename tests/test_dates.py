"""Tests of `fupcli.dates`: every WHEN form, FUP_NOW, birthdays and the workday calendar.

Every test passes an explicit *now*; nothing here reads the clock. Examples pin
each form of WHEN down on fixed dates; hypothesis properties check the forms
against independent arithmetic and check that no text makes the parser fail
with anything but `BadInput`.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fupcli.dates import (
    WEEKDAYS,
    birthday_on,
    parse_birthday,
    parse_date,
    parse_moment,
    parse_now,
    shift_to_workday,
)
from fupcli.errors import BadInput, ExitCode

FAST = settings(max_examples=200, deadline=None, derandomize=True)

# Wednesday 4 March 2026, 09:30.
NOW = datetime(2026, 3, 4, 9, 30)
TODAY = NOW.date()
WEEKEND = frozenset({5, 6})
MON_TO_FRI = frozenset({0, 1, 2, 3, 4})


def _add_months(day: date, months: int) -> date:
    """Reference month arithmetic, written independently: clip to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_fixed_now_is_a_wednesday():
    assert TODAY.weekday() == 2


# --- ISO dates and datetimes ---------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-03-01", date(2027, 3, 1)),
        ("  2027-03-01  ", date(2027, 3, 1)),
        ("2028-02-29", date(2028, 2, 29)),
        ("2026-03-04", TODAY),
        ("2020-01-15", date(2020, 1, 15)),
    ],
)
def test_iso_date(text, expected):
    assert parse_date(text, NOW) == expected


def test_iso_datetime_with_space_gives_its_date():
    assert parse_date("2027-03-01 10:00", NOW) == date(2027, 3, 1)
    assert parse_date("2027-03-01 23:59:59", NOW) == date(2027, 3, 1)


@pytest.mark.parametrize("text", ["2027-03-01T10:00", "2027-03-01T10:00:30"])
def test_iso_datetime_with_t_gives_its_date(text):
    assert parse_date(text, NOW) == date(2027, 3, 1)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-03-01T10:00", datetime(2027, 3, 1, 10, 0)),
        ("2027-03-01 10:00", datetime(2027, 3, 1, 10, 0)),
        ("2027-03-01T10:00:30", datetime(2027, 3, 1, 10, 0, 30)),
        ("2027-03-01T10:00:30.5", datetime(2027, 3, 1, 10, 0, 30, 500000)),
        (" 2027-03-01T08:05 ", datetime(2027, 3, 1, 8, 5)),
    ],
)
def test_parse_moment_iso(text, expected):
    assert parse_moment(text, NOW) == expected


@pytest.mark.parametrize("text", ["today", "tomorrow", "friday", "3d", "2027-03-01"])
def test_parse_moment_of_a_date_keeps_the_time_of_now(text):
    moment = parse_moment(text, NOW)
    assert moment.time() == NOW.time()
    assert moment.date() == parse_date(text, NOW)


@pytest.mark.parametrize("text", ["2027-03-01T25:00", "2027-03-01T10:61", "2027-02-30T10:00", "2027-13-01 10:00"])
def test_parse_moment_rejects_impossible_moments(text):
    with pytest.raises(BadInput):
        parse_moment(text, NOW)


# --- words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today", date(2026, 3, 4)),
        ("TODAY", date(2026, 3, 4)),
        ("tomorrow", date(2026, 3, 5)),
        (" Tomorrow ", date(2026, 3, 5)),
        ("yesterday", date(2026, 3, 3)),
    ],
)
def test_relative_words(text, expected):
    assert parse_date(text, NOW) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("thursday", date(2026, 3, 5)),
        ("friday", date(2026, 3, 6)),
        ("saturday", date(2026, 3, 7)),
        ("sunday", date(2026, 3, 8)),
        ("monday", date(2026, 3, 9)),
        ("tuesday", date(2026, 3, 10)),
        # today's own weekday means the same day next week, never today
        ("wednesday", date(2026, 3, 11)),
        ("Friday", date(2026, 3, 6)),
        ("MONDAY", date(2026, 3, 9)),
        ("fri", date(2026, 3, 6)),
        ("mon", date(2026, 3, 9)),
        ("wed", date(2026, 3, 11)),
    ],
)
def test_weekday_names_are_the_next_occurrence_strictly_after_today(text, expected):
    assert parse_date(text, NOW) == expected


@pytest.mark.parametrize(
    "now, expected",
    [
        (datetime(2026, 3, 2, 8), date(2026, 3, 9)),  # Monday -> the Monday after
        (datetime(2026, 3, 4, 8), date(2026, 3, 9)),  # Wednesday
        (datetime(2026, 3, 7, 8), date(2026, 3, 9)),  # Saturday
        (datetime(2026, 3, 8, 8), date(2026, 3, 9)),  # Sunday -> tomorrow is next week's Monday
        (datetime(2026, 12, 30, 8), date(2027, 1, 4)),  # across a year
    ],
)
def test_next_week_is_monday_of_next_week(now, expected):
    assert parse_date("next week", now) == expected
    assert parse_date("Next  Week", now) == expected


@pytest.mark.parametrize(
    "now, expected",
    [
        (datetime(2026, 3, 4), date(2026, 3, 31)),
        (datetime(2026, 3, 31), date(2026, 3, 31)),
        (datetime(2026, 2, 1), date(2026, 2, 28)),
        (datetime(2028, 2, 10), date(2028, 2, 29)),
        (datetime(2026, 4, 30), date(2026, 4, 30)),
        (datetime(2026, 12, 5), date(2026, 12, 31)),
    ],
)
def test_eom_is_the_last_day_of_this_month(now, expected):
    assert parse_date("eom", now) == expected
    assert parse_date("EOM", now) == expected


# --- amounts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0d", date(2026, 3, 4)),
        ("1d", date(2026, 3, 5)),
        ("3d", date(2026, 3, 7)),
        ("30d", date(2026, 4, 3)),
        ("1w", date(2026, 3, 11)),
        ("2w", date(2026, 3, 18)),
        ("1m", date(2026, 4, 4)),
        ("3m", date(2026, 6, 4)),
        ("12m", date(2027, 3, 4)),
        ("1y", date(2027, 3, 4)),
        ("2Y", date(2028, 3, 4)),
        ("in 1 day", date(2026, 3, 5)),
        ("in 3 days", date(2026, 3, 7)),
        ("in 1 week", date(2026, 3, 11)),
        ("in 2 weeks", date(2026, 3, 18)),
        ("in 1 month", date(2026, 4, 4)),
        ("in 2 months", date(2026, 5, 4)),
        ("in 1 year", date(2027, 3, 4)),
        ("in 3 years", date(2029, 3, 4)),
        ("In  2   Weeks", date(2026, 3, 18)),
        ("1 day ago", date(2026, 3, 3)),
        ("3 days ago", date(2026, 3, 1)),
        ("2 weeks ago", date(2026, 2, 18)),
        ("1 month ago", date(2026, 2, 4)),
        ("1 year ago", date(2025, 3, 4)),
    ],
)
def test_amounts(text, expected):
    assert parse_date(text, NOW) == expected


@pytest.mark.parametrize(
    "now, text, expected",
    [
        (datetime(2026, 1, 31), "1m", date(2026, 2, 28)),
        (datetime(2026, 1, 31), "in 1 month", date(2026, 2, 28)),
        (datetime(2028, 1, 31), "1m", date(2028, 2, 29)),  # leap year
        (datetime(2026, 1, 30), "1m", date(2026, 2, 28)),
        (datetime(2026, 3, 31), "1m", date(2026, 4, 30)),
        (datetime(2026, 1, 31), "3m", date(2026, 4, 30)),
        (datetime(2026, 8, 31), "6m", date(2027, 2, 28)),
        (datetime(2026, 3, 31), "1 month ago", date(2026, 2, 28)),
        (datetime(2028, 2, 29), "1y", date(2029, 2, 28)),
        (datetime(2028, 2, 29), "4y", date(2032, 2, 29)),
        (datetime(2028, 2, 29), "in 1 year", date(2029, 2, 28)),
        (datetime(2028, 2, 29), "12m", date(2029, 2, 28)),
    ],
)
def test_month_arithmetic_clips_to_the_end_of_the_month(now, text, expected):
    assert parse_date(text, now) == expected


def test_relative_forms_follow_the_now_given_not_the_clock():
    assert parse_date("tomorrow", datetime(2001, 5, 6)) == date(2001, 5, 7)
    assert parse_date("2w", datetime(2040, 12, 25)) == date(2041, 1, 8)


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2027-02-30",
        "2026-02-29",  # not a leap year
        "2027-13-01",
        "2027-00-10",
        "2027-04-31",
        "13-01",
        "03-01",
        "garbage",
        "",
        "   ",
        "next",
        "week",
        "next foo",
        "in days",
        "in 3",
        "3",
        "-3d",
        "3x",
        "in 3 fortnights",
        "days ago",
        "funday",
        "2027/03/01",
        "01.03.2027",
        "tomorrow tomorrow",
    ],
)
def test_invalid_input_raises_bad_input(text):
    with pytest.raises(BadInput) as info:
        parse_date(text, NOW)
    assert info.value.exit_code == ExitCode.USAGE
    assert info.value.message  # one clear line for the user
    assert "\n" not in info.value.message


def test_bad_date_message_names_the_input():
    with pytest.raises(BadInput) as info:
        parse_date("2027-02-30", NOW)
    assert "2027-02-30" in info.value.message


@pytest.mark.parametrize("text", ["99999y", "99999m", "in 99999 years"])
def test_amount_out_of_range_is_bad_input(text):
    with pytest.raises(BadInput):
        parse_date(text, NOW)


@pytest.mark.parametrize("text", ["2027-03-01  10:00", "2027-03-01\t10:00"])
def test_datetime_with_odd_whitespace_is_read_or_refused_cleanly(text):
    try:
        assert parse_date(text, NOW) == date(2027, 3, 1)
    except BadInput:
        pass


@pytest.mark.parametrize(
    "text, now",
    [("tomorrow", datetime(9999, 12, 31)), ("yesterday", datetime(1, 1, 1)), ("eom", datetime(9999, 12, 31))],
)
def test_relative_word_at_the_edge_of_the_calendar_is_bad_input(text, now):
    with pytest.raises(BadInput):
        parse_date(text, now)


# --- FUP_NOW -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-02", datetime(2026, 3, 2, 12, 0)),  # a bare date is noon
        (" 2026-03-02 ", datetime(2026, 3, 2, 12, 0)),
        ("2026-03-02T09:30", datetime(2026, 3, 2, 9, 30)),
        ("2026-03-02 09:30", datetime(2026, 3, 2, 9, 30)),
        ("2026-03-02T09:30:15", datetime(2026, 3, 2, 9, 30, 15)),
        ("2028-02-29T00:00", datetime(2028, 2, 29, 0, 0)),
    ],
)
def test_parse_now(text, expected):
    assert parse_now(text) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-02-30", "2026-03-02T24:00", "03-02", "now", "2026-3-2"])
def test_parse_now_rejects_anything_but_iso(text):
    with pytest.raises(BadInput):
        parse_now(text)


# --- birthdays -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("03-07", "03-07"),
        ("3-7", "03-07"),
        (" 12-25 ", "12-25"),
        ("02-29", "02-29"),  # no year: Feb 29 is a valid birthday
        ("1990-05-17", "1990-05-17"),
        ("1992-02-29", "1992-02-29"),
    ],
)
def test_parse_birthday(text, expected):
    assert parse_birthday(text) == expected


@pytest.mark.parametrize("text", ["13-01", "02-30", "00-10", "04-31", "1990-02-29", "1990-13-01", "garbage", "", "0317", "3/7"])
def test_parse_birthday_rejects_impossible_days(text):
    with pytest.raises(BadInput):
        parse_birthday(text)


@pytest.mark.parametrize(
    "birthday, year, expected",
    [
        ("03-07", 2026, date(2026, 3, 7)),
        ("1990-03-07", 2026, date(2026, 3, 7)),
        ("02-29", 2028, date(2028, 2, 29)),
        ("02-29", 2027, date(2027, 2, 28)),
        ("1992-02-29", 2026, date(2026, 2, 28)),
    ],
)
def test_birthday_on(birthday, year, expected):
    assert birthday_on(birthday, year) == expected


# --- workdays ------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 3, 6), date(2026, 3, 6)),  # Friday stays
        (date(2026, 3, 7), date(2026, 3, 9)),  # Saturday -> Monday
        (date(2026, 3, 8), date(2026, 3, 9)),  # Sunday -> Monday
        (date(2026, 3, 9), date(2026, 3, 9)),
    ],
)
def test_shift_to_workday_skips_weekends(day, expected):
    assert shift_to_workday(day, MON_TO_FRI) == expected


def test_shift_to_workday_skips_holidays():
    christmas = date(2026, 12, 25)  # a Friday
    boxing_day = date(2026, 12, 28)  # the Monday after, taken as a holiday too
    holidays = {christmas, boxing_day}
    assert shift_to_workday(christmas, MON_TO_FRI, holidays) == date(2026, 12, 29)
    assert shift_to_workday(date(2026, 12, 26), MON_TO_FRI, holidays) == date(2026, 12, 29)
    assert shift_to_workday(date(2026, 12, 24), MON_TO_FRI, holidays) == date(2026, 12, 24)


def test_a_holiday_on_a_workday_moves_to_the_next_day():
    assert shift_to_workday(date(2026, 3, 4), MON_TO_FRI, [date(2026, 3, 4)]) == date(2026, 3, 5)


def test_shift_to_workday_custom_week():
    mon_to_thu = {0, 1, 2, 3}
    assert shift_to_workday(date(2026, 3, 6), mon_to_thu) == date(2026, 3, 9)
    weekend_only = {5, 6}
    assert shift_to_workday(date(2026, 3, 4), weekend_only) == date(2026, 3, 7)


# --- properties ----------------------------------------------------------------

days_around_now = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
nows = st.builds(
    datetime.combine,
    days_around_now,
    st.times(),
)
amounts = st.integers(min_value=0, max_value=3000)


@FAST
@given(now=nows, n=amounts)
def test_days_add_exactly_n_days(now, n):
    expected = now.date() + timedelta(days=n)
    assert parse_date(f"{n}d", now) == expected
    assert parse_date(f"in {n} days", now) == expected
    assert parse_date(f"{n} days ago", now) == now.date() - timedelta(days=n)


@FAST
@given(now=nows, n=st.integers(min_value=0, max_value=400))
def test_weeks_add_seven_days_each(now, n):
    assert parse_date(f"{n}w", now) == now.date() + timedelta(days=7 * n)
    assert parse_date(f"in {n} weeks", now) == now.date() + timedelta(days=7 * n)


@FAST
@given(now=nows, n=st.integers(min_value=0, max_value=600))
@example(now=datetime(2026, 1, 31), n=1)
@example(now=datetime(2028, 1, 31), n=1)
def test_months_add_calendar_months_clipping_to_month_end(now, n):
    expected = _add_months(now.date(), n)
    assert parse_date(f"{n}m", now) == expected
    assert parse_date(f"in {n} months", now) == expected
    assert parse_date(f"{n} months ago", now) == _add_months(now.date(), -n)


@FAST
@given(now=nows, n=st.integers(min_value=0, max_value=100))
@example(now=datetime(2028, 2, 29), n=1)
def test_years_are_twelve_months(now, n):
    assert parse_date(f"{n}y", now) == _add_months(now.date(), 12 * n)
    assert parse_date(f"in {n} years", now) == _add_months(now.date(), 12 * n)


@FAST
@given(now=nows, weekday=st.integers(min_value=0, max_value=6), short=st.booleans())
def test_weekday_is_one_to_seven_days_ahead_on_that_weekday(now, weekday, short):
    name = WEEKDAYS[weekday][:3] if short else WEEKDAYS[weekday]
    day = parse_date(name, now)
    assert 1 <= (day - now.date()).days <= 7
    assert day.weekday() == weekday


@FAST
@given(now=nows)
def test_next_week_is_a_monday_one_to_seven_days_ahead(now):
    day = parse_date("next week", now)
    assert day.weekday() == 0
    assert 1 <= (day - now.date()).days <= 7


@FAST
@given(now=nows)
def test_eom_is_in_this_month_and_its_next_day_is_the_first(now):
    day = parse_date("eom", now)
    assert (day.year, day.month) == (now.year, now.month)
    assert (day + timedelta(days=1)).day == 1


@FAST
@given(day=st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)))
def test_iso_date_round_trips(day):
    assert parse_date(day.isoformat(), NOW) == day
    assert parse_birthday(day.isoformat()) == day.isoformat()


@FAST
@given(moment=st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2150, 12, 31)))
def test_iso_moment_round_trips(moment):
    moment = moment.replace(microsecond=0)
    text = moment.isoformat(timespec="seconds")
    assert parse_moment(text, NOW) == moment
    assert parse_now(text) == moment


@FAST
@given(day=days_around_now)
def test_parse_now_of_a_date_is_noon(day):
    assert parse_now(day.isoformat()) == datetime.combine(day, time(12, 0))


def _when_like() -> st.SearchStrategy[str]:
    number = st.integers(min_value=-5, max_value=100000).map(str)
    unit = st.sampled_from(["d", "w", "m", "y", "day", "days", "week", "weeks", "month", "months", "year", "years", "x", ""])
    word = st.sampled_from(
        ["today", "tomorrow", "yesterday", "eom", "next week", "next", "in", "ago", "monday", "fri", "sun", "T", ":"]
        + list(WEEKDAYS)
    )
    iso = st.tuples(
        st.integers(0, 10000), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)
    ).map(lambda p: f"{p[0]:04d}-{p[1]:02d}-{p[2]:02d} {p[3]:02d}:{p[4]:02d}")
    iso_day = st.tuples(st.integers(0, 10000), st.integers(0, 99), st.integers(0, 99)).map(
        lambda p: f"{p[0]:04d}-{p[1]:02d}-{p[2]:02d}"
    )
    piece = st.one_of(number, unit, word, iso, iso_day, st.text(max_size=4))
    return st.lists(piece, min_size=0, max_size=4).map(" ".join)


def _only_bad_input(text: str, now: datetime) -> None:
    try:
        result = parse_date(text, now)
    except BadInput:
        return
    assert isinstance(result, date)


@FAST
@given(text=st.one_of(_when_like(), st.text(max_size=30)).map(lambda t: " ".join(t.split())), now=nows)
def test_parse_date_raises_only_bad_input_on_single_spaced_text(text, now):
    _only_bad_input(text, now)


@FAST
@given(text=st.one_of(_when_like(), st.text(max_size=30)), now=nows)
@example(text="2027-03-01  10:00", now=NOW)
def test_parse_date_raises_only_bad_input_on_arbitrary_text(text, now):
    _only_bad_input(text, now)


@FAST
@given(text=st.one_of(_when_like(), st.text(max_size=30)))
def test_parse_now_and_birthday_raise_only_bad_input(text):
    for parse in (parse_now, parse_birthday):
        try:
            parse(text)
        except BadInput:
            pass


@FAST
@given(
    day=days_around_now,
    workdays=st.frozensets(st.integers(0, 6), min_size=1),
    holidays=st.frozensets(st.dates(min_value=date(1949, 12, 1), max_value=date(2151, 3, 1)), max_size=20),
)
def test_shift_to_workday_gives_the_first_workday_on_or_after(day, workdays, holidays):
    shifted = shift_to_workday(day, workdays, holidays)
    assert shifted >= day
    assert shifted.weekday() in workdays and shifted not in holidays
    probe = day
    while probe < shifted:
        assert probe.weekday() not in workdays or probe in holidays
        probe += timedelta(days=1)
