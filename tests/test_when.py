"""The spoken forms of WHEN: `next fri`, `two weeks`, `in a month`, `Dec 10`, `next month`.

Tables pin each form down at fixed *now*s (Monday 2026-11-30, a year's last
day, the day named, Feb 29); hypothesis properties build phrases from the
grammar and check them against independent arithmetic at any *now* in a wide
range, and check that text outside the grammar is refused with one line.
Last, the real command line (`python -m fupcli` in a subprocess) reads a
`--due "Dec 10"` and refuses a `--due "Feb 30"` without writing anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fupcli.dates import WEEKDAYS, is_leap_year, parse_date
from fupcli.errors import BadInput, ExitCode

FAST = settings(max_examples=200, deadline=None, derandomize=True)

MONDAY = datetime(2026, 11, 30, 9, 0)
CLI_NOW = "2026-11-30T09:00"

NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # Feb 29 exists in leap years


def _add_months(day: date, months: int) -> date:
    """Reference month arithmetic, written independently: clip to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _shift(day: date, amount: int, unit: str) -> date:
    if unit.startswith("day"):
        return day + timedelta(days=amount)
    if unit.startswith("week"):
        return day + timedelta(days=7 * amount)
    return _add_months(day, amount * (12 if unit.startswith("year") else 1))


def test_fixed_now_is_a_monday():
    assert MONDAY.weekday() == 0


# --- tables --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next tue", date(2026, 12, 1)),
        ("next tuesday", date(2026, 12, 1)),
        ("next wed", date(2026, 12, 2)),
        ("next thursday", date(2026, 12, 3)),
        ("next friday", date(2026, 12, 4)),
        ("next fri", date(2026, 12, 4)),
        ("next sat", date(2026, 12, 5)),
        ("next sunday", date(2026, 12, 6)),
        # today's own weekday is a week away, as the bare name is
        ("next mon", date(2026, 12, 7)),
        ("next monday", date(2026, 12, 7)),
        ("Next  Tuesday", date(2026, 12, 1)),
        (" NEXT FRI ", date(2026, 12, 4)),
        ("next tues", date(2026, 12, 1)),
        ("next thurs", date(2026, 12, 3)),
    ],
)
def test_next_weekday(text, expected):
    assert parse_date(text, MONDAY) == expected
    assert parse_date(text.lower().replace("next", "").strip(), MONDAY) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2 weeks", date(2026, 12, 14)),
        ("two weeks", date(2026, 12, 14)),
        ("in two weeks", date(2026, 12, 14)),
        ("in 2 weeks", date(2026, 12, 14)),
        ("Two  Weeks", date(2026, 12, 14)),
        ("3 days", date(2026, 12, 3)),
        ("three days", date(2026, 12, 3)),
        ("1 day", date(2026, 12, 1)),
        ("one day", date(2026, 12, 1)),
        ("a day", date(2026, 12, 1)),
        ("a week", date(2026, 12, 7)),
        ("in a week", date(2026, 12, 7)),
        ("one week", date(2026, 12, 7)),
        ("in three months", date(2027, 2, 28)),  # Nov 30 + 3 months clips to Feb's end
        ("3 months", date(2027, 2, 28)),
        ("in a month", date(2026, 12, 30)),
        ("six months", date(2027, 5, 30)),
        ("twelve months", date(2027, 11, 30)),
        ("in a year", date(2027, 11, 30)),
        ("two years", date(2028, 11, 30)),
        ("in twelve years", date(2038, 11, 30)),
        ("ten days", date(2026, 12, 10)),
        ("eleven weeks", date(2027, 2, 15)),
        ("0 days", date(2026, 11, 30)),
        ("two weeks ago", date(2026, 11, 16)),
        ("a week ago", date(2026, 11, 23)),
        ("three days ago", date(2026, 11, 27)),
        ("a month ago", date(2026, 10, 30)),
        ("one year ago", date(2025, 11, 30)),
        ("2 weeks ago", date(2026, 11, 16)),
        ("3d ago", date(2026, 11, 27)),
        ("in 3 days", date(2026, 12, 3)),
        ("2w", date(2026, 12, 14)),
    ],
)
def test_amounts_in_digits_or_words(text, expected):
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dec 10", date(2026, 12, 10)),
        ("10 Dec", date(2026, 12, 10)),
        ("December 10", date(2026, 12, 10)),
        ("10 December", date(2026, 12, 10)),
        ("dec 10th", date(2026, 12, 10)),
        ("10th dec", date(2026, 12, 10)),
        ("10th of December", date(2026, 12, 10)),
        ("DEC  10", date(2026, 12, 10)),
        ("dec 1st", date(2026, 12, 1)),
        ("2nd dec", date(2026, 12, 2)),
        ("dec 3rd", date(2026, 12, 3)),
        ("dec 31", date(2026, 12, 31)),
        ("Nov 30", date(2026, 11, 30)),  # today is today
        ("30 november", date(2026, 11, 30)),
        ("nov 29", date(2027, 11, 29)),  # passed this year: next year's
        ("jan 1", date(2027, 1, 1)),
        ("sept 1", date(2027, 9, 1)),
        ("sep 1", date(2027, 9, 1)),
        ("1 september", date(2027, 9, 1)),
        ("may 5", date(2027, 5, 5)),
        ("feb 28", date(2027, 2, 28)),
        ("feb 29", date(2028, 2, 29)),  # the next year that has one
        ("next month", date(2026, 12, 1)),
        ("Next Month", date(2026, 12, 1)),
    ],
)
def test_days_of_the_year_and_next_month(text, expected):
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    "now, text, expected",
    [
        # the year's last day (a Thursday): everything rolls into the next year
        (datetime(2026, 12, 31, 23, 59), "next month", date(2027, 1, 1)),
        (datetime(2026, 12, 31, 23, 59), "dec 31", date(2026, 12, 31)),
        (datetime(2026, 12, 31, 23, 59), "dec 30", date(2027, 12, 30)),
        (datetime(2026, 12, 31, 23, 59), "jan 1", date(2027, 1, 1)),
        (datetime(2026, 12, 31, 23, 59), "next fri", date(2027, 1, 1)),
        (datetime(2026, 12, 31, 23, 59), "next thu", date(2027, 1, 7)),
        (datetime(2026, 12, 31, 23, 59), "two weeks", date(2027, 1, 14)),
        (datetime(2026, 12, 31, 23, 59), "in a month", date(2027, 1, 31)),
        (datetime(2026, 12, 31, 23, 59), "in two months", date(2027, 2, 28)),
        # the day named is today (Thursday 2026-12-10)
        (datetime(2026, 12, 10, 9), "dec 10", date(2026, 12, 10)),
        (datetime(2026, 12, 10, 9), "10 December", date(2026, 12, 10)),
        (datetime(2026, 12, 10, 9), "next thursday", date(2026, 12, 17)),
        (datetime(2026, 12, 10, 9), "dec 9", date(2027, 12, 9)),
        # next month on the 31st, and on the 1st, is the 1st of the month after
        (datetime(2026, 1, 31), "next month", date(2026, 2, 1)),
        (datetime(2026, 3, 1), "next month", date(2026, 4, 1)),
        # Feb 29
        (datetime(2028, 2, 29, 9), "feb 29", date(2028, 2, 29)),
        (datetime(2028, 2, 29, 9), "29 february", date(2028, 2, 29)),
        (datetime(2028, 2, 29, 9), "next month", date(2028, 3, 1)),
        (datetime(2028, 2, 29, 9), "in a year", date(2029, 2, 28)),
        (datetime(2028, 2, 29, 9), "feb 28", date(2029, 2, 28)),
        (datetime(2028, 2, 29, 9), "mar 1", date(2028, 3, 1)),
        (datetime(2028, 2, 29, 9), "a year ago", date(2027, 2, 28)),
        (datetime(2028, 3, 1), "feb 29", date(2032, 2, 29)),
        (datetime(2027, 3, 1), "feb 29", date(2028, 2, 29)),
        (datetime(2028, 1, 31), "next month", date(2028, 2, 1)),
        (datetime(2096, 3, 1), "feb 29", date(2104, 2, 29)),  # 2100 is no leap year
    ],
)
def test_edges(now, text, expected):
    assert parse_date(text, now) == expected


@pytest.mark.parametrize(
    "text, named",
    [
        ("Feb 30", "February has no day 30"),
        ("feb 30th", "February has no day 30"),
        ("30 february", "February has no day 30"),
        ("Dec 32", "December has no day 32"),
        ("dec 0", "December has no day 0"),
        ("apr 31", "April has no day 31"),
        ("31st of june", "June has no day 31"),
        ("thirteen weeks", None),
        ("twenty days", None),
        ("in thirteen months", None),
        ("next", None),
        ("next foo", None),
        ("next weeks", None),
        ("next next fri", None),
        ("a", None),
        ("in a", None),
        ("two", None),
        ("in two", None),
        ("two fortnights", None),
        ("in two weeks ago", None),
        ("dec", None),
        ("december", None),
        ("10", None),
        ("dec dec", None),
    ],
)
def test_rejected(text, named):
    with pytest.raises(BadInput) as info:
        parse_date(text, MONDAY)
    message = info.value.message
    assert info.value.exit_code == ExitCode.USAGE
    assert message and "\n" not in message
    assert repr(text) in message
    if named:
        assert named in message


@pytest.mark.parametrize("now, text", [(datetime(8999, 12, 5), "next month"), (datetime(8999, 3, 1), "feb 29"),
                                       (datetime(9999, 12, 31), "next month"), (datetime(9999, 12, 31), "dec 30")])
def test_past_the_last_year_is_bad_input(now, text):
    with pytest.raises(BadInput) as info:
        parse_date(text, now)
    assert "\n" not in info.value.message


# --- properties ----------------------------------------------------------------

nows = st.builds(
    datetime.combine,
    st.dates(min_value=date(1200, 1, 1), max_value=date(8800, 12, 31)),  # 120 years either way stay in range
    st.times(),
)


@st.composite
def spoken(draw, *words: str) -> str:
    """`words` as a person might type them: any case, extra spaces around and between."""
    case = draw(st.sampled_from([str.lower, str.upper, str.title, str.capitalize]))
    gaps = [" " * draw(st.integers(1, 3)) for _ in words[1:]]
    text = words[0] + "".join(gap + word for gap, word in zip(gaps, words[1:]))
    return " " * draw(st.integers(0, 2)) + case(text) + " " * draw(st.integers(0, 2))


WEEKDAY_NAMES = [(name, i) for i, full in enumerate(WEEKDAYS) for name in (full, full[:3])]
WEEKDAY_NAMES += [("tues", 1), ("thur", 3), ("thurs", 3)]


@st.composite
def weekday_phrases(draw):
    name, weekday = draw(st.sampled_from(WEEKDAY_NAMES))
    words = ("next", name) if draw(st.booleans()) else (name,)
    return draw(spoken(*words)), ("weekday", weekday)


@st.composite
def amount_phrases(draw):
    amount = draw(st.integers(0, 120))
    if 1 <= amount <= 12 and draw(st.booleans()):
        number = NUMBER_WORDS[amount - 1]
    elif amount == 1 and draw(st.booleans()):
        number = "a"
    else:
        number = str(amount)
    unit = draw(st.sampled_from(["day", "week", "month", "year"]))
    unit += "s" if draw(st.booleans()) else ""
    ago = draw(st.booleans())
    words = (number, unit, "ago") if ago else (("in",) if draw(st.booleans()) else ()) + (number, unit)
    return draw(spoken(*words)), ("amount", -amount if ago else amount, unit)


@st.composite
def month_day_phrases(draw):
    month = draw(st.integers(1, 12))
    full = MONTHS[month - 1]
    name = draw(st.sampled_from([full, full[:3]] + (["sept"] if month == 9 else [])))
    day = draw(st.integers(1, MONTH_DAYS[month - 1]))
    suffix = draw(st.sampled_from(["", {1: "st", 2: "nd", 3: "rd"}.get(day % 10 if day // 10 != 1 else 0, "th")]))
    words = (name, f"{day}{suffix}") if draw(st.booleans()) else (f"{day}{suffix}", name)
    return draw(spoken(*words)), ("month_day", month, day)


next_month = spoken("next", "month").map(lambda text: (text, ("next_month",)))
phrases = st.one_of(weekday_phrases(), amount_phrases(), month_day_phrases(), next_month)


@FAST
@given(phrase=phrases, now=nows)
@example(phrase=("feb 29", ("month_day", 2, 29)), now=datetime(2096, 3, 1))
@example(phrase=("Dec 31", ("month_day", 12, 31)), now=datetime(2026, 12, 31, 23, 59))
@example(phrase=("next month", ("next_month",)), now=datetime(2026, 1, 31))
@example(phrase=("next mon", ("weekday", 0)), now=MONDAY)
def test_every_phrase_of_the_grammar_parses(phrase, now):
    text, meaning = phrase
    today = now.date()
    day = parse_date(text, now)
    kind = meaning[0]
    if kind == "weekday":
        assert day.weekday() == meaning[1]
        assert 1 <= (day - today).days <= 7
    elif kind == "amount":
        amount, unit = meaning[1], meaning[2]
        assert day == _shift(today, amount, unit)
    elif kind == "month_day":
        month, dom = meaning[1], meaning[2]
        assert (day.month, day.day) == (month, dom)
        assert day >= today
        # the first such day: none between today and it
        for year in range(today.year, day.year):
            if dom != 29 or month != 2 or is_leap_year(year):
                assert date(year, month, dom) < today
    else:
        assert day.day == 1 and day > today
        assert (day - timedelta(days=1)).replace(day=1) == today.replace(day=1)
    if kind != "amount" or meaning[1] >= 0:
        assert day >= today


KNOWN_WORDS = {name for name, _ in WEEKDAY_NAMES} | set(MONTHS) | {m[:3] for m in MONTHS} | {"sept"}
KNOWN_WORDS |= {"today", "tomorrow", "yesterday", "eom"}


@st.composite
def impossible_days(draw):
    month = draw(st.integers(1, 12))
    full = MONTHS[month - 1]
    name = draw(st.sampled_from([full, full[:3]]))
    day = draw(st.one_of(st.just(0), st.integers(MONTH_DAYS[month - 1] + 1, 99)))
    words = (name, str(day)) if draw(st.booleans()) else (str(day), name)
    return draw(spoken(*words))


big_number_words = st.sampled_from(["zero", "thirteen", "fourteen", "fifteen", "twenty", "thirty", "hundred", "dozen"])
rejected = st.one_of(
    # words beyond twelve, with a unit, with or without `in` and `ago`
    st.tuples(big_number_words, st.sampled_from(["day", "days", "weeks", "month", "years"]), st.booleans()).flatmap(
        lambda p: spoken("in", p[0], p[1]) if p[2] else spoken(p[0], p[1], "ago")
    ),
    impossible_days(),
    spoken("next"),
    # `next` and a word that is no weekday, `week` or `month`
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
    .filter(lambda w: w not in KNOWN_WORDS | {"week", "month"})
    .flatmap(lambda w: spoken("next", w)),
    # a lone word that is none of fup's
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10).filter(lambda w: w not in KNOWN_WORDS),
    # any text with a character no WHEN has
    st.tuples(st.text(max_size=15), st.sampled_from("!?#%&*=+@$;,"), st.text(max_size=15)).map("".join),
)


@FAST
@given(text=rejected, now=nows)
@example(text="thirteen weeks", now=MONDAY)
@example(text="Feb 30", now=MONDAY)
@example(text="next", now=MONDAY)
@example(text="next foo", now=MONDAY)
@example(text="Feb\n30", now=MONDAY)  # whitespace is collapsed; the message quotes it in one line
def test_rejected_input_is_bad_input_in_one_line(text, now):
    with pytest.raises(BadInput) as info:
        parse_date(text, now)
    message = info.value.message
    assert message and "\n" not in message and "\r" not in message
    assert info.value.exit_code == ExitCode.USAGE


# --- the command line ----------------------------------------------------------


def run_fup(*args: str) -> subprocess.CompletedProcess:
    """`python -m fupcli ARGS` with the environment the `fup_home` fixture set, at CLI_NOW."""
    env = {**os.environ, "FUP_NOW": CLI_NOW}
    proc = subprocess.run([sys.executable, "-m", "fupcli", *args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def fup_json(*args: str):
    proc = run_fup(*args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    "when, due",
    [
        ("Dec 10", "2026-12-10"),
        ("next tue", "2026-12-01"),
        ("in two weeks", "2026-12-14"),
        ("10th of december", "2026-12-10"),
        ("next month", "2026-12-01"),
    ],
)
def test_cli_reads_a_spoken_due(fup_home, when, due):
    proc = run_fup("add", "Ana Ruiz", "--next", "send deck", "--due", when)
    assert proc.returncode == 0, proc.stderr
    view = fup_json("show", "ana")
    assert [(c["action"], c["due"]) for c in view["commitments"]] == [("send deck", due)]


@pytest.mark.parametrize("when", ["Feb 30", "dec 32", "thirteen weeks", "next foo"])
def test_cli_refuses_an_impossible_due_and_writes_nothing(fup, when):
    proc = run_fup("add", "X", "--next", "y", "--due", when)
    assert proc.returncode == ExitCode.USAGE, (proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and when in lines[0], proc.stderr
    assert proc.stdout == ""
    assert fup_json("list") == []

    # with data there already, the database stays exactly as it was
    assert run_fup("add", "Ana Ruiz", "--next", "send deck", "--due", "Dec 10").returncode == 0
    before = fup.dump()
    proc = run_fup("next", "ana", "call back", "--due", when)
    assert proc.returncode == ExitCode.USAGE and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert fup.dump() == before
