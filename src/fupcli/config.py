"""Where fup keeps its files, and the settings read from config.toml.

Settings are declared once, as data (`SETTINGS`); `load_settings` reads
`config.toml` from FUP_HOME (else the platform config dir), checks every value
against its declaration and turns profiles and the calendar into the
scheduler's `Rules`. docs/configuration.md is written from the same table
(`fup config --docs`), and a test keeps the two in step.
"""

from __future__ import annotations

import os
import sys
from datetime import date

from .dates import WEEKDAYS
from .errors import BadInput
from .paths import config_path
from .records import record
from .scheduler import (
    CAPACITY,
    CHANNEL_SWITCH,
    CHECKIN_GAP,
    DEFAULT_PROFILES,
    NO_CADENCE,
    NURTURE,
    PROFILE_ENDS,
    Profile,
    Rules,
)
from .vocabulary import CHANNELS

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path
    from typing import Any



@record
class Setting:
    name: str
    default: Any
    help: str
    example: str


SETTINGS: tuple[Setting, ...] = (
    Setting("daily_limit", 20, "How many rows `fup today` shows when `--limit` is not given (0 = all). "
            "It is also the day's capacity: cold follow-ups (nurture rhythms, opening touches) are spread "
            "so that no day holds more, and those a day has no room for wait for the next.", "daily_limit = 25"),
    Setting("daily_capacity", CAPACITY, "The day's capacity when `daily_limit` is 0 (show all): "
            "cold follow-ups are still spread to hold each day to this many rows.", "daily_capacity = 30"),
    Setting("default_cadence", "warm", "Cadence profile of a new contact when `fup add` gets no `--cadence`.", 'default_cadence = "hot"'),
    Setting("default_channel", "email", "Channel of a new contact when `fup add` gets no `--channel`.", 'default_channel = "call"'),
    Setting("workdays", ["mon", "tue", "wed", "thu", "fri"], "Days on which a computed follow-up may fall; others move to the next workday.", 'workdays = ["mon", "tue", "wed", "thu"]'),
    Setting("holidays", [], "ISO dates that are never workdays (for your own days off, see `fup away`).", 'holidays = ["2026-12-25", "2027-01-01"]'),
    Setting("checkin_gap", CHECKIN_GAP, "Workdays between check-ins on a late promise of theirs: "
            "a touch on or after its due date clears the row, which comes back this many workdays after the touch.",
            "checkin_gap = 2"),
    Setting("channel_switch", CHANNEL_SWITCH, "Unanswered touches in a row on one channel after which a row suggests "
            "another channel the contact has (\"3 emails unanswered: try a call\").", "channel_switch = 4"),
    Setting(
        "profiles",
        {name: {"gaps": list(p.gaps), "end": p.end, "weight": p.weight, "max_gap": p.ceiling}
         for name, p in DEFAULT_PROFILES.items() if name != NO_CADENCE},
        "Cadence profiles: `gaps` in days, `end` = park|repeat, `weight` for ranking, `max_gap` the ceiling a "
        "`repeat` profile's gaps grow to after the listed ones (default: the larger of 30 and the last gap). "
        "A table here replaces the built-in profile of that name or adds a new one; `none` is fixed. "
        "`client` is the rhythm of every won contact, `nurture` that of parked ones.",
        "[profiles.hot]\ngaps = [1, 1, 2, 3, 5, 8]\nend = \"park\"\nweight = 3\n\n[profiles.vip]\ngaps = [2, 2, 3, 5, 8, 13]\nend = \"repeat\"\nmax_gap = 21",
    ),
    Setting("me", [], "Your own email addresses, for `fup sync mail` and `fup sync calendar`: a message from one of "
            "them is yours, a message to one of them is to you. `fup sync` needs at least one.",
            'me = ["ana@acme.example", "ana.ruiz@acme.example"]'),
    Setting("mail", {}, "What `fup sync mail` reads when no source is given on the command line: `maildir`, `mbox` and "
            "`imap` (lists, as the options of the same names), `max_recipients` (a message to more people, To and Cc, "
            "is a mass mailing and logs nothing; default 20) and `password_command` (a shell command that prints the "
            "IMAP password; FUP_IMAP_PASSWORD and ~/.netrc work too).",
            '[mail]\nmaildir = ["~/Maildir"]\nimap = ["imaps://ana@imap.acme.example/INBOX", '
            '"imaps://ana@imap.acme.example/Sent"]\nmax_recipients = 20\npassword_command = "pass show mail/acme"'),
    Setting("calendar", {}, "What `fup sync calendar` reads when no source is given on the command line: `ics` (files "
            "or URLs) and `caldav` (calendar collection URLs; the password from FUP_CALDAV_PASSWORD, `password_command` or ~/.netrc), and the window: `days_back` "
            "(default 30) and `days_ahead` (default 60).",
            '[calendar]\ncaldav = ["https://ana@dav.acme.example/calendars/ana/work/"]\ndays_back = 14'),
)

MAIL_KEYS = {"maildir": list, "mbox": list, "imap": list, "max_recipients": int, "password_command": str}
CALENDAR_KEYS = {"ics": list, "caldav": list, "days_back": int, "days_ahead": int, "password_command": str}


@record
class Settings:
    daily_limit: int = 20
    daily_capacity: int = CAPACITY
    default_cadence: str = "warm"
    default_channel: str = "email"
    rules: Rules = Rules()
    source: str | None = None  # the config.toml read
    me: tuple[str, ...] = ()  # my addresses (`fup sync`), lower-case
    mail: dict | None = None  # [mail], checked: keys of MAIL_KEYS
    calendar: dict | None = None  # [calendar], checked: keys of CALENDAR_KEYS


def _read_toml(path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None


def _profile(where: str, name: str, raw: Any) -> Profile:
    if not isinstance(raw, dict):
        raise BadInput(f"{where}: profiles.{name} must be a table with gaps, end and weight")
    unknown = set(raw) - {"gaps", "end", "weight", "max_gap"}
    if unknown:
        raise BadInput(f"{where}: profiles.{name} has unknown key {sorted(unknown)[0]!r}")
    gaps = raw.get("gaps")
    if not isinstance(gaps, list) or not gaps or not all(isinstance(g, int) and not isinstance(g, bool) and 0 < g <= 3650 for g in gaps):
        raise BadInput(f"{where}: profiles.{name}.gaps must be a non-empty list of whole days between 1 and 3650")
    end = raw.get("end", "park")
    if end not in PROFILE_ENDS:
        raise BadInput(f"{where}: profiles.{name}.end must be one of: {', '.join(PROFILE_ENDS)}")
    weight = raw.get("weight", 2)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not 0 <= weight <= 5:
        raise BadInput(f"{where}: profiles.{name}.weight must be a number from 0 to 5")
    max_gap = raw.get("max_gap")
    if max_gap is not None and (not isinstance(max_gap, int) or isinstance(max_gap, bool) or not max(gaps) <= max_gap <= 3650):
        raise BadInput(f"{where}: profiles.{name}.max_gap must be a whole number of days from the largest gap ({max(gaps)}) to 3650")
    return Profile(name, tuple(gaps), end, float(weight), max_gap)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read config.toml if it exists; every value is checked, one clear line on error."""
    path = os.fspath(path or config_path())
    if not os.path.exists(path):
        return Settings()
    raw = _read_toml(path)
    where = str(path)
    known = {s.name for s in SETTINGS}
    for key in raw:
        if key not in known:
            raise BadInput(f"{where}: unknown setting {key!r}; known: {', '.join(sorted(known))}")

    profiles = dict(DEFAULT_PROFILES)
    raw_profiles = raw.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise BadInput(f"{where}: profiles must be a table of [profiles.NAME] tables")
    for name, spec in raw_profiles.items():
        if name == NO_CADENCE:
            raise BadInput(f"{where}: the 'none' profile cannot be changed")
        profiles[name] = _profile(where, name, spec)
    if profiles[NURTURE].end != "repeat":
        raise BadInput(f"{where}: profiles.nurture.end must be 'repeat' (parked contacts are never dropped)")

    workdays_raw = raw.get("workdays", ["mon", "tue", "wed", "thu", "fri"])
    if not isinstance(workdays_raw, list) or not workdays_raw:
        raise BadInput(f"{where}: workdays must be a non-empty list of day names")
    workdays = set()
    for day in workdays_raw:
        names = [w[:3] for w in WEEKDAYS]
        if not isinstance(day, str) or day.strip().lower()[:3] not in names:
            raise BadInput(f"{where}: workdays: {day!r} is not a day name (mon..sun)")
        workdays.add(names.index(day.strip().lower()[:3]))

    holidays = set()
    for day in raw.get("holidays", []) if isinstance(raw.get("holidays", []), list) else [None]:
        try:
            holidays.add(day if isinstance(day, date) else date.fromisoformat(str(day)))
        except ValueError:
            raise BadInput(f"{where}: holidays: {day!r} is not an ISO date") from None

    limit = raw.get("daily_limit", 20)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise BadInput(f"{where}: daily_limit must be a whole number >= 0")
    cadence = raw.get("default_cadence", "warm")
    if cadence not in profiles:
        raise BadInput(f"{where}: default_cadence {cadence!r} is not a profile")
    channel = raw.get("default_channel", "email")
    if channel not in CHANNELS:
        raise BadInput(f"{where}: default_channel must be one of: {', '.join(CHANNELS)}")

    checkin_gap = raw.get("checkin_gap", CHECKIN_GAP)
    if not isinstance(checkin_gap, int) or isinstance(checkin_gap, bool) or not 1 <= checkin_gap <= 60:
        raise BadInput(f"{where}: checkin_gap must be a whole number of workdays from 1 to 60")

    capacity = raw.get("daily_capacity", CAPACITY)
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= 10_000:
        raise BadInput(f"{where}: daily_capacity must be a whole number from 1 to 10000")
    switch = raw.get("channel_switch", CHANNEL_SWITCH)
    if not isinstance(switch, int) or isinstance(switch, bool) or not 1 <= switch <= 100:
        raise BadInput(f"{where}: channel_switch must be a whole number from 1 to 100")

    me = raw.get("me", [])
    if isinstance(me, str):
        me = [me]
    if not isinstance(me, list) or not all(isinstance(a, str) and "@" in a and " " not in a.strip() for a in me):
        raise BadInput(f"{where}: me must be a list of email addresses, e.g. me = [\"ana@acme.example\"]")
    mail = _table(where, "mail", raw.get("mail", {}), MAIL_KEYS)
    calendar = _table(where, "calendar", raw.get("calendar", {}), CALENDAR_KEYS)
    if not 1 <= mail.get("max_recipients", 20) <= 10_000:
        raise BadInput(f"{where}: mail.max_recipients must be a whole number from 1 to 10000")
    for key in ("days_back", "days_ahead"):
        if not 0 <= calendar.get(key, 0) <= 3650:
            raise BadInput(f"{where}: calendar.{key} must be a whole number of days from 0 to 3650")

    rules = Rules(profiles=profiles, workdays=frozenset(workdays), holidays=frozenset(holidays), checkin_gap=checkin_gap,
                  capacity=limit or capacity, channel_switch=switch)
    return Settings(limit, capacity, cadence, channel, rules, path, tuple(a.strip().lower() for a in me), mail, calendar)


def _table(where: str, name: str, raw: Any, keys: dict[str, type]) -> dict:
    """A [mail] or [calendar] table, each key of the type declared (lists: of strings)."""
    if not isinstance(raw, dict):
        raise BadInput(f"{where}: {name} must be a table ([{name}])")
    for key, value in raw.items():
        if key not in keys:
            raise BadInput(f"{where}: [{name}] has unknown key {key!r}; known: {', '.join(sorted(keys))}")
        kind = keys[key]
        if kind is list:
            if isinstance(value, str):
                raw[key] = value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise BadInput(f"{where}: {name}.{key} must be a list of strings")
        elif kind is int and (not isinstance(value, int) or isinstance(value, bool)):
            raise BadInput(f"{where}: {name}.{key} must be a whole number")
        elif kind is str and (not isinstance(value, str) or not value.strip()):
            raise BadInput(f"{where}: {name}.{key} must be a non-empty string")
    return raw


def settings_markdown() -> str:
    """docs/configuration.md, written from SETTINGS."""
    lines = [
        "# Configuration",
        "",
        "fup reads `config.toml` from `$FUP_HOME` when it is set, else from the platform's",
        "user config directory (`~/.config/fup/config.toml` on Linux). Every key is optional;",
        "a wrong key or value is reported in one line and nothing runs.",
        "After changing profiles or the calendar, run `fup reschedule` to recompute every due date.",
        "",
        "This page is generated from `fupcli/config.py` (`fup config --docs`).",
        "",
    ]
    for setting in SETTINGS:
        lines += [f"## `{setting.name}`", "", setting.help, "", f"Default: `{setting.default!r}`" if setting.name != "profiles" else "Defaults:", ""]
        if setting.name == "profiles":
            for name, spec in setting.default.items():
                lines.append(f"- `{name}`: gaps {spec['gaps']}, end `{spec['end']}`, weight {spec['weight']:g}"
                             + (f", max_gap {spec['max_gap']}" if spec["end"] == "repeat" else ""))
            lines.append("")
        lines += ["Example:", "", "```toml", setting.example, "```", ""]
    return "\n".join(lines)
