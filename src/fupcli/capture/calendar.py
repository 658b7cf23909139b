"""Calendar events as occurrences: the reading side of `fup sync calendar`.

Data flows one way, and nothing here touches the database or reads the clock:

    a file the caller read            -> bytes
    fetch_url(URL)                    -> bytes          `--ics URL`: one HTTP(S) GET
    fetch_caldav(URL, user, ...)      -> [bytes, ...]   `--caldav URL`: one REPORT, one VCALENDAR per event
                                             |
    read_ics(bytes, start, end)       -> ([Occurrence, ...], skipped)

`read_ics` parses iCalendar data (icalendar), expands recurring events inside the
window (recurring-ical-events: RRULE, RDATE, EXDATE and RECURRENCE-ID overrides,
moved or cancelled) and returns one `Occurrence` per event that starts in it: its
start in naive local time, its organizer and attendees as lower-case addresses with
their answers, and a key that stays the same from run to run and when the
occurrence is moved. `capture.sync` then matches attendees to contacts and turns
past occurrences into touches and future ones into commitments (a cancelled one
drops its commitment, which is why cancelled occurrences are returned, flagged).

An event too broken to read (no UID, no DTSTART, a date that does not parse, a rule
the expander rejects) is skipped and counted, never raised: one bad event in a
calendar of thousands must not stop a sync. Only data that is not iCalendar at all,
and network failures, raise `BadInput`, in one line that never carries a password.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from ..errors import BadInput
from ..records import record


@record
class Occurrence:
    """One meeting, or one occurrence of a recurring one, as fup needs it."""

    key: str  # UID, or "UID|RECURRENCE-ID" for an occurrence of a recurring event (see `read_ics`)
    start: datetime  # naive, in this machine's local time; 00:00 for an all-day event
    all_day: bool
    summary: str  # one line, "" when the event has none
    organizer: str | None  # lower-case address from ORGANIZER's mailto:
    attendees: tuple[tuple[str, str], ...]  # (lower-case address, PARTSTAT upper-case) per mailto: ATTENDEE
    cancelled: bool  # STATUS:CANCELLED on the occurrence or on its recurring event's master


# Properties that, broken, make an event unreadable: the expander needs them.
_VITAL = frozenset({"UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "SEQUENCE"})
# Repeating faster than hourly is no meeting, and a window of months would expand to millions.
_TOO_FREQUENT = frozenset({"SECONDLY", "MINUTELY"})
# The expander is asked for a wider window, then each start (in local time) is cut exactly:
# wide enough for any UTC offset, so the expander's own idea of a naive window never matters.
_MARGIN = timedelta(days=2)


def read_ics(data: bytes, start: datetime, end: datetime) -> tuple[list[Occurrence], int]:
    """The occurrences starting in [start, end) (naive local times), sorted, and how many
    events were skipped as malformed.

    `data` may hold one VCALENDAR or several (a CalDAV answer joined, a Google export),
    each with any number of VEVENTs; events of one UID are expanded together even across
    VCALENDARs. Times with a TZID (from a VTIMEZONE, or a zone name icalendar knows,
    Outlook's Windows names included) and UTC times are converted to local time;
    floating times are kept as written, except in a calendar with X-WR-TIMEZONE, which
    says the zone they are in (Google); an all-day event starts at 00:00 of its date. A
    TZID that is neither defined nor known is read as floating.

    The key of a single event is its UID. An occurrence of a recurring event (one with
    RRULE or RDATE, or its overrides) gets "UID|RECURRENCE-ID": the original start of
    that occurrence, in UTC for a zoned time ("2026-12-01T09:00:00"), as written for a
    floating one and as a date ("2026-12-01") for an all-day one. An override keeps its
    RECURRENCE-ID when it is moved, so the key follows the occurrence to its new start.

    Raises `BadInput` only when `data` is not iCalendar at all (and ValueError when
    `start` or `end` has a tzinfo: a caller's mistake, which would otherwise skip all).
    """
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError("read_ics: start and end must be naive local times")
    skipped = 0
    series: dict[str, list[tuple[icalendar.Event, tzinfo | None]]] = {}
    for calendar in _parse(data):
        zone = _x_wr_zone(calendar)
        for event in calendar.walk("VEVENT"):
            uid = _usable_uid(event)
            if uid is None:
                skipped += 1
            else:
                series.setdefault(uid, []).append((event, zone))
    found: list[Occurrence] = []
    for uid, events in series.items():
        try:
            found.extend(_expand(uid, events, start, end))
        except Exception:  # whatever the expander or a time conversion raises: skip that series
            skipped += len(events)
    found.sort(key=lambda occurrence: (occurrence.start, occurrence.key))
    return found, skipped


def _parse(data: bytes) -> list:
    """The top-level components of `data`; BadInput when it is not iCalendar."""
    blob = bytes(data).lstrip(b"\xef\xbb\xbf \t\r\n")
    if blob[:15].upper() != b"BEGIN:VCALENDAR":
        raise BadInput("not iCalendar data: it does not begin with BEGIN:VCALENDAR")
    try:
        return list(icalendar.Calendar.from_ical(blob, multiple=True))
    except Exception as exc:  # icalendar raises ValueError mostly, but not only
        raise BadInput(f"cannot read the iCalendar data: {_one_line(exc)}") from None


def _x_wr_zone(calendar) -> tzinfo | None:
    """The zone X-WR-TIMEZONE names (Google writes its events in UTC beside it), if valid."""
    name = calendar.get("X-WR-TIMEZONE")
    if name is None or isinstance(name, list):
        return None
    try:
        import zoneinfo

        return zoneinfo.ZoneInfo(str(name).strip())
    except Exception:  # unknown or malformed zone name: read the times as written
        return None


def _usable_uid(event) -> str | None:
    """The event's UID, or None when the event is malformed."""
    try:
        if {str(name).upper() for name, _ in getattr(event, "errors", ())} & _VITAL:
            return None
        uid = event.get("UID")
        if uid is None or isinstance(uid, list) or not str(uid).strip():
            return None
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            prop = event.get(name)
            if prop is None and name == "DTSTART":
                return None
            if prop is not None and (isinstance(prop, list) or not isinstance(prop.dt, date)):
                return None
        duration = event.get("DURATION")
        if duration is not None and (isinstance(duration, list) or not isinstance(duration.dt, timedelta)):
            return None
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [] if rules is None else [rules]:
            frequency = str((rule.get("FREQ") or [""])[0]).upper()
            if not frequency or frequency in _TOO_FREQUENT:
                return None
        return str(uid).strip()
    except Exception:
        return None


def _expand(uid: str, events: list, start: datetime, end: datetime) -> list[Occurrence]:
    """The occurrences of one UID's events (a master and its overrides, each with its
    calendar's X-WR-TIMEZONE zone) that start in [start, end)."""
    recurring = any(name in event for event, _ in events for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    if not recurring and len(events) == 1:  # most events: no expander needed, and far faster
        event, zone = events[0]
        occurrence = _occurrence(event, uid, _local(event["DTSTART"].dt, zone), master_cancelled=False)
        return [occurrence] if start <= occurrence.start < end else []
    calendar = icalendar.Calendar()
    for event, zone in events:
        calendar.add_component(event if zone is None else x_wr_timezone.UTCChangingWalker(zone).walk_event(event))
    master_cancelled = any("RECURRENCE-ID" not in event and _status(event) == "CANCELLED" for event, _ in events)
    found = []
    for component in recurring_ical_events.of(calendar).between(start - _MARGIN, end + _MARGIN):
        local = _local(component["DTSTART"].dt, None)
        if start <= local < end:
            key = f"{uid}|{_recurrence_text(_recurrence_id(component, calendar))}" if recurring else uid
            found.append(_occurrence(component, key, local, master_cancelled))
    return found


def _local(value: date, zone: tzinfo | None) -> datetime:
    """A DTSTART as a naive local time; a floating one is in `zone` when given (X-WR-TIMEZONE)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time())
    if value.tzinfo is None or value.utcoffset() is None:
        if zone is None:
            return value.replace(tzinfo=None)
        value = value.replace(tzinfo=zone)
    return value.astimezone().replace(tzinfo=None)


def _occurrence(component, key: str, local: datetime, master_cancelled: bool) -> Occurrence:
    return Occurrence(
        key=key,
        start=local,
        all_day=not isinstance(component["DTSTART"].dt, datetime),
        summary=" ".join(_text(component.get("SUMMARY")).split()),
        organizer=_mailto(_first(component.get("ORGANIZER"))),
        attendees=_attendees(component.get("ATTENDEE")),
        cancelled=master_cancelled or _status(component) == "CANCELLED",
    )


def _recurrence_id(component, calendar) -> date:
    """The original start of an expanded occurrence.

    recurring-ical-events sets RECURRENCE-ID to the start it computed, except on
    occurrences that follow a RANGE=THISANDFUTURE override: those are copies of the
    override and carry its RECURRENCE-ID, so their own is their start moved back by
    as much as the override moved its first one."""
    prop = component["RECURRENCE-ID"]
    if str(prop.params.get("RANGE", "")).upper() != "THISANDFUTURE":
        return prop.dt
    for event in calendar.walk("VEVENT"):
        original = event.get("RECURRENCE-ID")
        if original is not None and original.dt == prop.dt:
            return component["DTSTART"].dt - (event["DTSTART"].dt - original.dt)
    return prop.dt


def _recurrence_text(value: date) -> str:
    """A RECURRENCE-ID as text: UTC for a zoned time, as written when floating, a date as a date."""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None).isoformat(timespec="seconds")


def _first(value):
    return value[0] if isinstance(value, list) else value


def _text(value) -> str:
    value = _first(value)
    return "" if value is None else str(value)


def _status(component) -> str:
    return _text(component.get("STATUS")).strip().upper()


def _mailto(value) -> str | None:
    """The lower-case address of a "mailto:" calendar address, else None (a room's urn:, "invalid:nomail")."""
    if value is None:
        return None
    text = str(value).strip()
    if text[:7].lower() != "mailto:":
        return None
    address = text[7:].split("?", 1)[0].strip().lower()
    return address if "@" in address and not any(c.isspace() for c in address) else None


def _attendees(value) -> tuple[tuple[str, str], ...]:
    found = []
    for attendee in value if isinstance(value, list) else [] if value is None else [value]:
        address = _mailto(attendee)
        if address is None:
            continue
        params = getattr(attendee, "params", None) or {}
        answer = str(params.get("PARTSTAT") or "NEEDS-ACTION").strip().upper()
        found.append((address, answer or "NEEDS-ACTION"))
    return tuple(found)


def _one_line(exc: BaseException, limit: int = 160) -> str:
    words = " ".join(str(exc).split()) or type(exc).__name__
    return words if len(words) <= limit else words[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Fetching: stdlib only (the `caldav` package costs ~165 ms to import).

MAX_BYTES = 100 * 1024 * 1024  # a Google export of years of meetings stays far below
_DAV = "{DAV:}"
_CALDAV = "{urn:ietf:params:xml:ns:caldav}"
_REPORT = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="{start}" end="{end}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>
"""


@record
class _Address:
    """A URL taken apart: where to connect, and how to name it in a message."""

    url: str  # without user and password
    origin: str  # scheme://host[:port], for messages that must not show a secret path
    insecure: bool  # http://
    user: str | None
    password: str | None


def _split(url: str) -> _Address:
    from urllib.parse import unquote, urlsplit, urlunsplit

    text = url.strip()
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme in ("webcal", "webcals"):  # what Apple and Google hand out for subscriptions
            scheme = "https"
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise BadInput("not a valid http(s) address: check the calendar URL") from None
    if scheme not in ("http", "https") or not host:
        raise BadInput("not an http(s) address: the calendar URL must start with https://")
    shown_host = f"[{host}]" if ":" in host else host
    netloc = f"{shown_host}:{port}" if port else shown_host
    return _Address(
        url=urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")),
        origin=f"{scheme}://{netloc}",
        insecure=scheme == "http",
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def _basic(user: str, password: str | None) -> str:
    import base64

    token = base64.b64encode(f"{user}:{password or ''}".encode("utf-8")).decode("ascii")
    return f"Basic {token}"


def _reason(exc: BaseException, timeout: float) -> str:
    """Plain words for a network failure (the exception's own text never holds a header)."""
    import socket
    import ssl
    import urllib.error

    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its certificate is not valid ({exc.verify_message or 'verification failed'})"
    if isinstance(exc, ssl.SSLError):
        return f"the TLS connection failed ({exc.reason or _one_line(exc)})"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, socket.gaierror):
        return "the host name is not known"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, urllib.error.URLError):
        return _one_line(exc.reason) if isinstance(exc.reason, str) else _one_line(exc)
    return _one_line(exc)


def _read(response, timeout: float, too_big: str) -> bytes:
    """The body, in chunks: at most MAX_BYTES, and within 10 × timeout in all."""
    import time as clock

    deadline = clock.monotonic() + max(timeout, 1) * 10
    chunks, size = [], 0
    while True:
        chunk = response.read(1024 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BYTES:
            raise BadInput(too_big)
        if clock.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)


def fetch_url(url: str, timeout: float = 30) -> bytes:
    """The body of an http(s) GET (webcal:// is read as https://), for `--ics URL`.

    A user and password in the URL are sent as Basic auth, and only to that host (not
    after a redirect). Messages name the host, never the path: a published calendar's
    path is often its secret (Google's "private-…/basic.ics").
    """
    import http.client
    import urllib.error
    import urllib.request

    address = _split(url)
    where = address.origin
    request = urllib.request.Request(address.url, headers={
        "User-Agent": "fup (calendar sync)", "Accept": "text/calendar, */*;q=0.5"})
    if address.user is not None:
        request.add_unredirected_header("Authorization", _basic(address.user, address.password))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _read(response, timeout, f"the calendar at {where} is larger than {MAX_BYTES // 2**20} MB")
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code in (401, 403):
            who = f" for {address.user}" if address.user else ""
            raise BadInput(f"{where} refused access to the calendar{who} (HTTP {exc.code})") from None
        if exc.code in (404, 410):
            raise BadInput(f"no calendar at that address on {where} (HTTP {exc.code})") from None
        raise BadInput(f"{where} answered HTTP {exc.code} {_one_line(exc.reason, 60)} for the calendar") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise BadInput(f"cannot fetch the calendar from {where}: {_reason(exc, timeout)}") from None


def _utc_stamp(moment: datetime) -> str:
    """A naive local (or aware) time as CalDAV's UTC form, 20261201T090000Z."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def fetch_caldav(url: str, user: str | None, password: str | None, start: datetime, end: datetime,
                 insecure: bool = False, timeout: float = 30) -> list[bytes]:
    """The calendar objects (one VCALENDAR each, as bytes) of the CalDAV calendar at `url`
    that have a VEVENT in [start, end), by one REPORT calendar-query with Depth: 1.

    The server is asked for one more day on each side (servers compare floating and
    all-day times as UTC); `read_ics` makes the exact cut. A user and password in the
    URL are used when `user` is None. https only: http:// is refused unless `insecure`.
    """
    import http.client
    import urllib.error
    import urllib.request
    import xml.etree.ElementTree as ElementTree

    address = _split(url)
    if user is None and address.user is not None:
        user, password = address.user, address.password
    shown, where = address.url, address.origin
    if address.insecure and not insecure:
        raise BadInput(f"{shown} is not encrypted: the password would travel in clear; "
                       "use an https:// address, or pass --insecure to send it anyway")
    body = _REPORT.format(start=_utc_stamp(start - timedelta(days=1)), end=_utc_stamp(end + timedelta(days=1)))
    headers = {
        "User-Agent": "fup (calendar sync)",
        "Content-Type": 'application/xml; charset="utf-8"',
        "Accept": "application/xml, text/xml",
        "Depth": "1",
    }
    request = urllib.request.Request(address.url, data=body.encode("utf-8"), headers=headers, method="REPORT")
    if user is not None:
        request.add_unredirected_header("Authorization", _basic(user, password))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
            answer = _read(response, timeout, f"the CalDAV server at {where} sent more than {MAX_BYTES // 2**20} MB")
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("Location") if exc.headers else None
        exc.close()
        if exc.code in (401, 403):
            if user is None:
                raise BadInput(f"the CalDAV server at {where} asks for a login: give a user and password") from None
            raise BadInput(f"the CalDAV server refused the login for {user}") from None
        if exc.code in (404, 410):
            raise BadInput(f"no calendar at {shown}") from None
        if exc.code in (301, 302, 303, 307, 308) and location:
            moved = _split(location).url if "://" in location else location
            raise BadInput(f"the CalDAV server moved the calendar to {moved}: use that address") from None
        if exc.code in (400, 405, 415, 501):
            raise BadInput(f"{shown} is not a CalDAV calendar (the server answered HTTP {exc.code})") from None
        raise BadInput(f"the CalDAV server at {where} answered HTTP {exc.code} {_one_line(exc.reason, 60)}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise BadInput(f"cannot reach the CalDAV server at {where}: {_reason(exc, timeout)}") from None
    not_caldav = f"{shown} is not a CalDAV calendar (the server did not answer with a calendar listing)"
    if status != 207:
        raise BadInput(not_caldav)
    try:
        root = ElementTree.fromstring(answer)
    except ElementTree.ParseError:
        raise BadInput(not_caldav) from None
    if root.tag != f"{_DAV}multistatus":
        raise BadInput(not_caldav)
    found = []
    for response in root.iter(f"{_DAV}response"):
        for propstat in response.findall(f"{_DAV}propstat"):
            words = (propstat.findtext(f"{_DAV}status") or "").split()
            if len(words) < 2 or words[1] != "200":
                continue
            data = propstat.find(f"{_DAV}prop/{_CALDAV}calendar-data")
            if data is not None and data.text and data.text.strip():
                found.append(data.text.encode("utf-8"))
    return found
