"""Every date fup reads from a person, and the workday calendar.

`parse_date` and `parse_moment` turn WHEN strings ("tomorrow", "3w",
"in 2 months", "two weeks", "next fri", "Dec 10", "2027-03-01") into dates
relative to a *now* that the caller passes in; nothing here reads the clock. `shift_to_workday` moves a computed
date off weekends and holidays. Month arithmetic clips to the month's end
(Jan 31 + 1 month = Feb 28), as python-dateutil's relativedelta does.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from .errors import BadInput

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Iterable

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ALIASES = {name[:3]: i for i, name in enumerate(WEEKDAYS)}
_WEEKDAY_ALIASES.update({name: i for i, name in enumerate(WEEKDAYS)})
_WEEKDAY_ALIASES.update({"tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3})

_UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "month": "months", "months": "months",
    "y": "years", "year": "years", "years": "years",
}
# Amounts as words: "a week", "two weeks", up to "twelve months".
_NUMBER_WORDS = {
    word: i
    for i, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"), 1
    )
}
_NUMBER_WORDS["a"] = 1
_WORD = "|".join(_NUMBER_WORDS)
_UNIT_WORD = r"days?|weeks?|months?|years?"
_SHORT = re.compile(r"^(\d{1,5})\s*([dwmy])$")
_IN_N = re.compile(rf"^(?:in\s+)?(\d{{1,5}}|{_WORD})\s+({_UNIT_WORD})$")
_AGO = re.compile(rf"^(?:(\d{{1,5}})\s*(d|w|m|y|{_UNIT_WORD})|({_WORD})\s+({_UNIT_WORD}))\s+ago$")

# "Dec 10", "10 December", "dec 10th": English names whatever the locale, and each month's most days.
_MONTH_TITLES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_NAMES = {name.lower(): i for i, name in enumerate(_MONTH_TITLES, 1)}
_MONTH_NAMES.update({name[:3]: i for name, i in list(_MONTH_NAMES.items())})
_MONTH_NAMES["sept"] = 9
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_DAY = r"(\d{1,3})(?:st|nd|rd|th)?"
_MONTH_DAY = re.compile(rf"^(?:({_MONTH})\.?\s+{_DAY}|{_DAY}(?:\s+of)?\s+({_MONTH})\.?)$")
_NEXT_WEEKDAY = re.compile(r"^next\s+(\w+)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$", re.IGNORECASE)

# The dates fup reads: any a follow-up could need, with room before the calendar's ends for the
# arithmetic done on them (a birthday's week, an iCalendar feed's 3660 days, a cadence's gaps).
EARLIEST, LATEST = date(1000, 1, 1), date(8999, 12, 31)

WHEN_HELP = (
    "ISO date or datetime, today, tomorrow, yesterday, a weekday or 'next fri', 'dec 10', Nd/Nw/Nm/Ny, "
    "'in N days|weeks|months|years', '2 weeks', 'two weeks' (one to twelve), 'N days ago', 'next week', "
    "'next month' or eom"
)


def _offset(start: date, amount: int, unit: str) -> date:
    if unit == "days":
        return start + timedelta(days=amount)
    if unit == "weeks":
        return start + timedelta(weeks=amount)
    from dateutil.relativedelta import relativedelta  # only month/year sums need it

    return start + relativedelta(**{unit: amount})


def _iso_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(f"invalid date {text!r}: {exc}") from None
    return check_range(day, text)


def check_range(day: date, text: str) -> date:
    """`day` (a date or datetime) if it lies between EARLIEST and LATEST, else BadInput naming `text`."""
    if not EARLIEST <= (day.date() if isinstance(day, datetime) else day) <= LATEST:
        raise BadInput(f"date {text.strip()!r} is out of range (fup reads years {EARLIEST.year} to {LATEST.year})")
    return day


def has_time(text: str) -> bool:
    """Whether a WHEN names a time of day too ("2026-12-01 15:00"): `parse_date` keeps the day."""
    return _ISO_MOMENT.match(text.strip()) is not None


def parse_date(text: str, now: datetime) -> date:
    """Read a WHEN string as a calendar date, relative to `now`."""
    try:
        day = _parse_date(text, now)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, BadInput):
            raise
        raise BadInput(f"date {text.strip()!r} is out of range") from None
    return check_range(day, text)


def _parse_date(raw: str, now: datetime) -> date:
    text = " ".join(raw.strip().lower().split())
    today = now.date()
    if not text:
        raise BadInput("empty date; expected " + WHEN_HELP)
    if _ISO_DATE.match(text):
        return _iso_date(text)
    moment = _ISO_MOMENT.match(text)
    if moment:
        return _moment(moment, text).date()
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text == "yesterday":
        return today - timedelta(days=1)
    if text == "eom":
        return _offset(today.replace(day=1), 1, "months") - timedelta(days=1)
    if text == "next week":
        return today + timedelta(days=7 - today.weekday())
    if text == "next month":  # its 1st
        return date(today.year + today.month // 12, today.month % 12 + 1, 1)
    found = _NEXT_WEEKDAY.match(text)
    name = found.group(1) if found else text  # "next fri" is the same day as "fri"
    if name in _WEEKDAY_ALIASES:
        ahead = (_WEEKDAY_ALIASES[name] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    for pattern, sign in ((_SHORT, 1), (_IN_N, 1), (_AGO, -1)):
        found = pattern.match(text)
        if found:
            number, unit = [part for part in found.groups() if part is not None]
            amount = _NUMBER_WORDS[number] if number in _NUMBER_WORDS else int(number)
            return _offset(today, sign * amount, _UNITS[unit])
    found = _MONTH_DAY.match(text)
    if found:
        month = _MONTH_NAMES[found.group(1) or found.group(4)]
        return _next_month_day(month, int(found.group(2) or found.group(3)), today, raw)
    raise BadInput(f"cannot read {raw.strip()!r} as a date; expected {WHEN_HELP}")


def _next_month_day(month: int, day: int, today: date, raw: str) -> date:
    """The first `month`/`day` on or after `today` ("Dec 10"); Feb 29 waits for a leap year."""
    if not 1 <= day <= _MONTH_DAYS[month - 1]:
        raise BadInput(f"invalid date {raw.strip()!r}: {_MONTH_TITLES[month - 1]} has no day {day}")
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    while (month, day) == (2, 29) and not is_leap_year(year):
        year += 1
    return date(year, month, day)  # past 9999 this is a ValueError, which parse_date reports as out of range


def _moment(found: re.Match, text: str) -> datetime:
    day = _iso_date(found.group(1))
    hour, minute = int(found.group(2)), int(found.group(3))
    second = int(found.group(4) or 0)
    micro = int((found.group(5) or "0").ljust(6, "0"))
    try:
        return datetime.combine(day, time(hour, minute, second, micro))
    except ValueError as exc:
        raise BadInput(f"invalid time in {text!r}: {exc}") from None


def parse_moment(text: str, now: datetime) -> datetime:
    """Read a WHEN string as a moment; a bare date keeps now's time of day."""
    normal = " ".join(text.strip().split())
    found = _ISO_MOMENT.match(normal)
    if found:
        return _moment(found, normal)
    return datetime.combine(parse_date(text, now), now.time())


def parse_now(text: str) -> datetime:
    """Read FUP_NOW: an ISO datetime, or an ISO date (taken as noon of that day)."""
    text = text.strip()
    if _ISO_DATE.match(text):
        return datetime.combine(_iso_date(text), time(12, 0))
    found = _ISO_MOMENT.match(text)
    if not found:
        raise BadInput(f"FUP_NOW={text!r} is not an ISO date or datetime (e.g. 2026-03-02T09:30)")
    return parse_moment(text, datetime(2000, 1, 1))


def parse_birthday(text: str) -> str:
    """Normalise a birthday to 'MM-DD' or 'YYYY-MM-DD' (Feb 29 allowed without a year)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _iso_date(text).isoformat()
    if re.fullmatch(r"\d{1,2}-\d{1,2}", text):
        month, day = (int(part) for part in text.split("-"))
        try:
            date(2000, month, day)  # a leap year, so 02-29 is accepted
        except ValueError as exc:
            raise BadInput(f"invalid birthday {text!r}: {exc}") from None
        return f"{month:02d}-{day:02d}"
    raise BadInput(f"invalid birthday {text!r}; expected MM-DD or YYYY-MM-DD")


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_on(birthday: str, year: int) -> date:
    """The day a birthday ('MM-DD' or 'YYYY-MM-DD') falls on in `year`; Feb 29 is Feb 28 in common years."""
    month, day = (int(part) for part in birthday[-5:].split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, 2, 28)


def _to_workday(day: date, step: int, workdays: Iterable[int], holidays: Iterable[date]) -> date:
    """The nearest workday from `day` on, walking `step` days at a time (+1 ahead, -1 back)."""
    workdays = frozenset(workdays)
    holidays = frozenset(holidays)
    if not workdays:
        return day
    for _ in range(3660):
        if day.weekday() in workdays and day not in holidays:
            return day
        day += timedelta(days=step)
    return day


def shift_to_workday(day: date, workdays: Iterable[int], holidays: Iterable[date] = ()) -> date:
    """The first date on or after `day` whose weekday (Mon=0) is a workday and that is no holiday."""
    return _to_workday(day, 1, workdays, holidays)


def is_workday(day: date, workdays: Iterable[int], holidays: Iterable[date] = ()) -> bool:
    return day.weekday() in workdays and day not in holidays


def add_workdays(day: date, count: int, workdays: Iterable[int], holidays: Iterable[date] = ()) -> date:
    """The `count`-th workday after `day` (Thu + 3 workdays = Tue); with no workdays at all, `count` days."""
    workdays = frozenset(workdays)
    holidays = frozenset(holidays)
    if not workdays:
        return day + timedelta(days=count)
    for _ in range(count):
        day = shift_to_workday(day + timedelta(days=1), workdays, holidays)
    return day


def workday_on_or_before(day: date, workdays: Iterable[int], holidays: Iterable[date] = ()) -> date:
    """The last workday on or before `day` (a Saturday's is the Friday before)."""
    return _to_workday(day, -1, workdays, holidays)
