"""Reading calendars: `capture.calendar.read_ics` over the exported fixtures
(tests/fixtures/calendars/README.md says what each holds) and `fetch_caldav` /
`fetch_url` against the session's Radicale (`caldav_server`).

Every test runs in a fixed local zone (Europe/Berlin unless it says otherwise) set
through TZ and `time.tzset()`, and restored afterwards.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupcli.capture.calendar import Occurrence, fetch_caldav, fetch_url, read_ics
from fupcli.errors import BadInput, ExitCode

FIXTURES = Path(__file__).parent / "fixtures" / "calendars"
WINDOW = (datetime(2026, 10, 15), datetime(2027, 2, 1))

WEEKLY = "3q7v1k9m2t5c8x0r4n6p2w8z1b@google.com"
PRICING = "7h2d9f4k1s6j3g8l0a5q2w7e9r@google.com"
FOCUS = "1z8x3c6v9b2n5m7k4j0h1g3f5d@google.com"
HOOLI = "9p4o7i1u3y6t8r2e5w0q9a4s7d@google.com"
KICKOFF = "5t1y8u3i6o9p2a4s7d0f3g6h8j@google.com"
PILOT = "040000008200E00074C5B7101A82E00800000000A0C1D2E3F4A5DB01000000000000000010000000B1C2D3E4F5061728394A5B6C7D8E9F00"
REVIEW = "040000008200E00074C5B7101A82E00800000000F1E2D3C4B5A6DB01000000000000000010000000C2D3E4F5061728394A5B6C7D8E9FA0B1"
ONBOARDING = "040000008200E00074C5B7101A82E00800000000C4B5A6F7E8D9DB01000000000000000010000000D3E4F5061728394A5B6C7D8E9FA0B1C2"
COFFEE = "A3B9C1D7-E5F2-4A6B-8C0D-2E4F6A8B0C1D"
DAY_OFF = "B7C8D9E0-F1A2-4B3C-8D4E-5F6A7B8C9D0E"
LUNCH = "6F1C2A8E-3B4D-4E5F-9A0B-1C2D3E4F5A6B"
FAIR = "0D4E8F2A-6B1C-4D3E-9F5A-7B8C9D0E1F2A"

ANA = ("ana@acme.example", "ACCEPTED")
CHLOE = ("chloe.martin@globex.example", "ACCEPTED")


@pytest.fixture(autouse=True)
def local_zone(monkeypatch: pytest.MonkeyPatch):
    """Sets the machine's zone (TZ + tzset) to Europe/Berlin; call it with another name to move."""

    def move(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    move("Europe/Berlin")
    yield move
    monkeypatch.undo()
    time.tzset()


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.ics").read_bytes()


def read(name: str, start: datetime = WINDOW[0], end: datetime = WINDOW[1]) -> list[Occurrence]:
    found, skipped = read_ics(fixture(name), start, end)
    assert skipped == 0
    return found


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def brief(found: list[Occurrence]) -> list[tuple[str, str, str, bool]]:
    return [(o.start.isoformat(timespec="minutes"), o.key, o.summary, o.cancelled) for o in found]


def weekly(recurrence_id: str) -> str:
    return f"{WEEKLY}|{recurrence_id}"


# --- the three exports, exactly --------------------------------------------------------------


def test_google_export_in_the_window() -> None:
    assert brief(read("google")) == [
        ("2026-11-03T10:00", weekly("2026-11-03T09:00:00"), "Globex weekly sync", False),
        ("2026-11-10T10:00", weekly("2026-11-10T09:00:00"), "Globex weekly sync", False),
        ("2026-11-19T14:00", PRICING, "Initech pricing call", False),
        ("2026-11-25T09:00", FOCUS, "Focus time", False),
        ("2026-11-26T15:00", weekly("2026-11-24T09:00:00"), "Globex weekly sync", False),  # moved
        ("2026-12-01T10:00", weekly("2026-12-01T09:00:00"), "Globex weekly sync", True),  # cancelled
        ("2026-12-08T10:00", weekly("2026-12-08T09:00:00"), "Globex weekly sync", False),
        ("2026-12-10T16:00", HOOLI, "Intro: Hooli partnership", False),
        ("2026-12-15T10:00", weekly("2026-12-15T09:00:00"), "Globex weekly sync", False),
        ("2026-12-22T10:00", weekly("2026-12-22T09:00:00"), "Globex weekly sync", False),
    ]


def test_google_occurrences_carry_people_and_answers() -> None:
    by_key = {o.key: o for o in read("google")}
    assert by_key[weekly("2026-11-24T09:00:00")] == Occurrence(
        key=weekly("2026-11-24T09:00:00"), start=at("2026-11-26T15:00"), all_day=False,
        summary="Globex weekly sync", organizer="ana@acme.example", attendees=(CHLOE, ANA), cancelled=False)
    assert by_key[PRICING].attendees == (("ben@initech.example", "DECLINED"), ANA)
    assert by_key[HOOLI].attendees == (("sam@hooli.example", "NEEDS-ACTION"), ANA)
    assert by_key[FOCUS] == Occurrence(key=FOCUS, start=at("2026-11-25T09:00"), all_day=False,
                                       summary="Focus time", organizer=None, attendees=(), cancelled=False)


def test_outlook_export_in_the_window() -> None:
    dana = ("dana.lee@umbrella.example", "NEEDS-ACTION")  # Outlook writes no PARTSTAT: the default
    assert read("outlook") == [
        Occurrence(key=PILOT, start=at("2026-10-20T09:00"), all_day=False, summary="Umbrella pilot intro",
                   organizer="ana@acme.example", attendees=(dana,), cancelled=False),
        # the room is an attendee without mailto: left out
        Occurrence(key=REVIEW, start=at("2026-12-02T14:00"), all_day=False, summary="Umbrella quarterly review",
                   organizer="ana@acme.example", attendees=(dana,), cancelled=False),
        Occurrence(key=ONBOARDING, start=at("2026-12-08T11:00"), all_day=False,
                   summary="Canceled: Initech onboarding", organizer="ben@initech.example",
                   attendees=(("ana@acme.example", "NEEDS-ACTION"),), cancelled=True),
    ]


def test_apple_export_in_the_window() -> None:
    ana_chair = ("ana@acme.example", "ACCEPTED")
    assert read("apple") == [
        Occurrence(key=COFFEE, start=at("2026-10-28T08:30"), all_day=False, summary="Coffee with Dana",
                   organizer="ana@acme.example", attendees=(("dana.lee@umbrella.example", "TENTATIVE"), ana_chair),
                   cancelled=False),
        Occurrence(key=DAY_OFF, start=at("2026-11-18T00:00"), all_day=True, summary="Day off",
                   organizer=None, attendees=(), cancelled=False),
        Occurrence(key=LUNCH, start=at("2026-12-09T12:30"), all_day=False, summary="Lunch with Chloe",
                   organizer="ana@acme.example", attendees=(CHLOE, ana_chair), cancelled=False),
        Occurrence(key=FAIR, start=at("2027-01-14T00:00"), all_day=True, summary="Initech at the trade fair",
                   organizer="ben@initech.example", attendees=(("ben@initech.example", "ACCEPTED"), ANA),
                   cancelled=False),
    ]


# --- recurrence: keys, moves, cancellations, exceptions --------------------------------------


def test_keys_are_unique_and_stable_across_runs_windows_and_zones(local_zone) -> None:
    first = [o.key for o in read("google")]
    assert len(set(first)) == len(first)
    assert [o.key for o in read("google")] == first
    december = [o.key for o in read("google", at("2026-12-01T00:00"), at("2027-01-01T00:00"))]
    assert december and set(december) <= set(first)
    local_zone("America/New_York")
    assert sorted(o.key for o in read("google")) == sorted(first)


def test_a_moved_occurrence_keeps_its_key_and_has_its_new_start() -> None:
    found = read("google")
    moved = [o for o in found if o.key == weekly("2026-11-24T09:00:00")]
    assert [o.start for o in moved] == [at("2026-11-26T15:00")]
    assert not [o for o in found if o.start.date().isoformat() == "2026-11-24"]


def test_a_cancelled_occurrence_is_returned_flagged() -> None:
    found = {o.key: o for o in read("google")}
    assert found[weekly("2026-12-01T09:00:00")].cancelled
    assert found[weekly("2026-12-01T09:00:00")].start == at("2026-12-01T10:00")
    assert [key for key, o in found.items() if o.cancelled] == [weekly("2026-12-01T09:00:00")]


def test_an_excluded_occurrence_is_absent() -> None:
    found = read("google")
    assert weekly("2026-11-17T09:00:00") not in {o.key for o in found}
    assert not [o for o in found if o.start.date().isoformat() == "2026-11-17"]


def test_a_cancelled_single_event_is_flagged() -> None:
    assert [o.key for o in read("outlook") if o.cancelled] == [ONBOARDING]


def test_a_cancelled_master_cancels_every_occurrence() -> None:
    data = calendar("UID:m\nDTSTART:20261102T090000Z\nRRULE:FREQ=WEEKLY;COUNT=3\nSTATUS:CANCELLED\nSUMMARY:gone",
                    "UID:m\nRECURRENCE-ID:20261109T090000Z\nDTSTART:20261110T090000Z\nSUMMARY:gone, moved")
    found, skipped = read_ics(data, *WINDOW)
    assert skipped == 0
    assert [(o.key, o.cancelled) for o in found] == [
        ("m|2026-11-02T09:00:00", True), ("m|2026-11-09T09:00:00", True), ("m|2026-11-16T09:00:00", True)]


def test_rdate_adds_occurrences() -> None:
    data = calendar("UID:r\nDTSTART:20261102T090000Z\nRDATE:20261105T090000Z,20261201T130000Z\nSUMMARY:r")
    found, _ = read_ics(data, *WINDOW)
    assert brief(found) == [("2026-11-02T10:00", "r|2026-11-02T09:00:00", "r", False),
                            ("2026-11-05T10:00", "r|2026-11-05T09:00:00", "r", False),
                            ("2026-12-01T14:00", "r|2026-12-01T13:00:00", "r", False)]


def test_this_and_future_override_keeps_keys_unique() -> None:
    data = calendar(
        "UID:t\nDTSTART;TZID=Europe/Berlin:20261102T100000\nRRULE:FREQ=WEEKLY;COUNT=4\nSUMMARY:early",
        "UID:t\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20261109T100000\n"
        "DTSTART;TZID=Europe/Berlin:20261109T150000\nSUMMARY:late",
    )
    found, _ = read_ics(data, *WINDOW)
    assert brief(found) == [("2026-11-02T10:00", "t|2026-11-02T09:00:00", "early", False),
                            ("2026-11-09T15:00", "t|2026-11-09T09:00:00", "late", False),
                            ("2026-11-16T15:00", "t|2026-11-16T09:00:00", "late", False),
                            ("2026-11-23T15:00", "t|2026-11-23T09:00:00", "late", False)]


def test_floating_and_all_day_recurrences_have_plain_keys() -> None:
    data = calendar("UID:f\nDTSTART:20261102T083000\nRRULE:FREQ=DAILY;COUNT=2\nSUMMARY:f",
                    "UID:d\nDTSTART;VALUE=DATE:20261102\nRRULE:FREQ=DAILY;COUNT=2\nSUMMARY:d")
    found, _ = read_ics(data, *WINDOW)
    assert [(o.key, o.start, o.all_day) for o in found] == [
        ("d|2026-11-02", at("2026-11-02T00:00"), True), ("f|2026-11-02T08:30:00", at("2026-11-02T08:30"), False),
        ("d|2026-11-03", at("2026-11-03T00:00"), True), ("f|2026-11-03T08:30:00", at("2026-11-03T08:30"), False)]


# --- time zones and the window ---------------------------------------------------------------


def test_times_are_converted_to_the_machine_zone(local_zone) -> None:
    local_zone("America/New_York")
    starts = {o.key: o.start for o in read("outlook") + read("google") + read("apple")}
    assert starts[PILOT] == at("2026-10-20T03:00")  # 09:00 CEST (W. Europe, summer) is 03:00 EDT
    assert starts[REVIEW] == at("2026-12-02T08:00")  # 14:00 CET is 08:00 EST
    assert starts[FOCUS] == at("2026-11-25T03:00")  # 08:00Z
    assert starts[weekly("2026-11-03T09:00:00")] == at("2026-11-03T04:00")  # Berlin wall time kept by the rule
    assert starts[COFFEE] == at("2026-10-28T08:30")  # floating: as written, wherever the machine is
    assert starts[FAIR] == at("2027-01-14T00:00")  # all-day: that date's midnight
    local_zone("UTC")
    assert {o.key: o.start for o in read("outlook")}[PILOT] == at("2026-10-20T07:00")


def test_x_wr_timezone_places_floating_times_in_that_zone() -> None:
    data = calendar("UID:g\nDTSTART:20261102T100000\nSUMMARY:floating", head="X-WR-TIMEZONE:America/New_York")
    assert [o.start for o in read_ics(data, *WINDOW)[0]] == [at("2026-11-02T16:00")]
    unknown = calendar("UID:g\nDTSTART:20261102T100000\nSUMMARY:floating", head="X-WR-TIMEZONE:Mars/Olympus")
    assert [o.start for o in read_ics(unknown, *WINDOW)[0]] == [at("2026-11-02T10:00")]


def test_zone_names_without_a_vtimezone_are_known(local_zone) -> None:
    local_zone("UTC")
    data = calendar('UID:w\nDTSTART;TZID="W. Europe Standard Time":20261020T090000',  # Outlook's Windows name
                    "UID:i\nDTSTART;TZID=America/New_York:20261020T090000",
                    "UID:u\nDTSTART;TZID=Nowhere/Special:20261020T090000")  # unknown: read as floating
    assert [(o.key, o.start) for o in read_ics(data, *WINDOW)[0]] == [
        ("w", at("2026-10-20T07:00")), ("u", at("2026-10-20T09:00")), ("i", at("2026-10-20T13:00"))]


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    focus = at("2026-11-25T09:00")
    assert [o.key for o in read("google", focus, at("2026-11-25T10:00"))] == [FOCUS]
    assert [o.key for o in read("google", at("2026-11-25T08:00"), focus)] == []
    fair = at("2027-01-14T00:00")
    assert [o.key for o in read("apple", fair, at("2027-01-15T00:00"))] == [FAIR]
    assert [o.key for o in read("apple", at("2027-01-13T00:00"), fair)] == []
    assert KICKOFF in {o.key for o in read("google", at("2026-09-01T00:00"), at("2026-10-01T00:00"))}


def test_several_calendars_in_one_blob() -> None:
    blob = b"".join(fixture(name) for name in ("google", "outlook", "apple"))
    found, skipped = read_ics(blob, *WINDOW)
    assert skipped == 0
    assert found == sorted(read("google") + read("outlook") + read("apple"), key=lambda o: (o.start, o.key))


def test_the_same_event_twice_is_read_once_at_its_latest_sequence() -> None:
    old = calendar("UID:s\nDTSTART:20261102T090000Z\nSEQUENCE:1\nSUMMARY:old")
    new = calendar("UID:s\nDTSTART:20261103T090000Z\nSEQUENCE:2\nSUMMARY:new")
    assert brief(read_ics(old + new, *WINDOW)[0]) == [("2026-11-03T10:00", "s", "new", False)]


# --- bad data --------------------------------------------------------------------------------


def calendar(*events: str, head: str = "") -> bytes:
    """A VCALENDAR with these VEVENT bodies (lines joined by \\n), CRLF-terminated."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//fup tests//EN", *([head] if head else [])]
    for body in events:
        lines += ["BEGIN:VEVENT", *body.split("\n"), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def test_malformed_events_are_skipped_and_counted() -> None:
    data = calendar(
        "UID:good\nDTSTART:20261102T090000Z\nSUMMARY:  two\\nlines  ",
        "DTSTART:20261102T090000Z\nSUMMARY:no uid",
        "UID:nostart\nSUMMARY:no start",
        "UID:baddate\nDTSTART:20261345T990000Z",
        "UID:badrule\nDTSTART:20261102T090000Z\nRRULE:FREQ=SOMETIMES;COUNT=2",
        "UID:badend\nDTSTART:20261102T090000Z\nDTEND:tomorrow",
        "UID:spin\nDTSTART:20261102T090000Z\nRRULE:FREQ=SECONDLY",
        "UID:good2\nDTSTART;VALUE=DATE:20261104\nSUMMARY:fine",
    )
    found, skipped = read_ics(data, *WINDOW)
    assert skipped == 6
    assert [(o.key, o.summary) for o in found] == [("good", "two lines"), ("good2", "fine")]


def test_one_bad_override_does_not_lose_its_series() -> None:
    data = calendar("UID:w\nDTSTART:20261102T090000Z\nRRULE:FREQ=WEEKLY;COUNT=2\nSUMMARY:w",
                    "UID:w\nRECURRENCE-ID:20261109T090000Z\nDTSTART:not-a-date\nSUMMARY:broken move")
    found, skipped = read_ics(data, *WINDOW)
    assert skipped == 1
    assert [o.key for o in found] == ["w|2026-11-02T09:00:00", "w|2026-11-09T09:00:00"]


def test_an_aware_window_is_a_programming_error() -> None:
    from datetime import timezone

    with pytest.raises(ValueError):
        read_ics(fixture("google"), WINDOW[0].replace(tzinfo=timezone.utc), WINDOW[1])


def test_an_empty_calendar_is_no_error() -> None:
    assert read_ics(calendar(), *WINDOW) == ([], 0)


@pytest.mark.parametrize("data", [
    b"",
    b"   \r\n",
    b"hello",
    b"<!DOCTYPE html><html><body>Sign in</body></html>",
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Chloe Martin\r\nEND:VCARD\r\n",
    b"BEGIN:VCALENDAR\r\n\xff\xfe:\x00\r\nEND:VCALENDAR\r\n",
])
def test_what_is_not_icalendar_is_bad_input_in_one_line(data: bytes) -> None:
    with pytest.raises(BadInput) as caught:
        read_ics(data, *WINDOW)
    assert caught.value.exit_code == ExitCode.USAGE
    assert "\n" not in caught.value.message and caught.value.message


_LINES = st.sampled_from([
    "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VTIMEZONE", "END:VTIMEZONE",
    "UID:a", "UID:b", "UID:", "DTSTART:20261102T090000Z", "DTSTART:20261102T090000", "DTSTART;VALUE=DATE:20261102",
    "DTSTART;TZID=Europe/Berlin:20261102T090000", "DTSTART;TZID=Nowhere:20261102T090000", "DTSTART:2026",
    "DTEND:20261101T090000Z", "DURATION:PT1H", "DURATION:soon", "RRULE:FREQ=WEEKLY;COUNT=3",
    "RRULE:FREQ=DAILY;UNTIL=20261105", "RRULE:FREQ=MONTHLY;BYDAY=", "RRULE:", "EXDATE:20261109T090000Z",
    "RDATE:20261103T090000Z", "RECURRENCE-ID:20261109T090000Z", "RECURRENCE-ID;RANGE=THISANDFUTURE:20261109T090000Z",
    "STATUS:CANCELLED", "SEQUENCE:x", "SEQUENCE:3", "SUMMARY:x", "ORGANIZER:mailto:", "ATTENDEE;PARTSTAT=:mailto:a@b",
    "ATTENDEE:urn:uuid:1", "X-WR-TIMEZONE:Europe/Berlin", "X-WR-TIMEZONE:", "TZID:Europe/Berlin", ":", ";", " x",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=30).map(
        lambda lines: ("BEGIN:VCALENDAR\r\n" + "\r\n".join(lines) + "\r\nEND:VCALENDAR\r\n").encode("utf-8", "replace")),
    st.binary(max_size=200).map(lambda tail: b"BEGIN:VCALENDAR\r\n" + tail),
))
def test_any_bytes_give_occurrences_or_bad_input(data: bytes) -> None:
    try:
        found, skipped = read_ics(data, *WINDOW)
    except BadInput as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert skipped >= 0
    assert all(WINDOW[0] <= o.start < WINDOW[1] and o.start.tzinfo is None for o in found)
    assert all(isinstance(o.key, str) and o.key for o in found)


# --- CalDAV and URLs, against Radicale -------------------------------------------------------


def load(server, calendar_name: str, *names: str) -> str:
    """Put every event of the fixtures `names` into calendar `calendar_name`; its URL."""
    from caldavserver import split_by_uid

    url = server.calendar_url(calendar_name)
    for name in names:
        for uid, ics in split_by_uid(fixture(name)).items():
            server.put(calendar_name, uid, ics)
    return url


def test_caldav_returns_the_events_of_the_window(caldav_server) -> None:
    url = load(caldav_server, "window", "google", "outlook", "apple")
    november = (at("2026-11-01T00:00"), at("2026-12-01T00:00"))
    resources = fetch_caldav(url, caldav_server.user, caldav_server.password, *november, insecure=True)
    uids = {uid for blob in resources for uid in (WEEKLY, PRICING, FOCUS, HOOLI, KICKOFF, REVIEW, DAY_OFF, FAIR)
            if uid.encode() in blob}
    assert uids == {WEEKLY, PRICING, FOCUS, DAY_OFF}  # the server's time-range filter left out the rest
    assert all(blob.lstrip().startswith(b"BEGIN:VCALENDAR") for blob in resources)
    found, skipped = read_ics(b"".join(resources), *november)
    assert skipped == 0
    local = sorted(read("google", *november) + read("apple", *november) + read("outlook", *november),
                   key=lambda o: (o.start, o.key))
    assert found == local  # what went through the server reads as the files do


def test_caldav_put_and_delete(caldav_server) -> None:
    url = load(caldav_server, "changes", "outlook")
    fetch = lambda: {o.key for o in read_ics(b"".join(fetch_caldav(  # noqa: E731
        url, caldav_server.user, caldav_server.password, *WINDOW, insecure=True)), *WINDOW)[0]}
    assert fetch() == {PILOT, REVIEW, ONBOARDING}
    caldav_server.delete("changes", ONBOARDING)
    assert fetch() == {PILOT, REVIEW}


def test_caldav_wrong_password_is_refused_without_showing_it(caldav_server) -> None:
    url = caldav_server.calendar_url("refused")
    with pytest.raises(BadInput) as caught:
        fetch_caldav(url, caldav_server.user, "hunter2-wrong", *WINDOW, insecure=True)
    assert caught.value.message == f"the CalDAV server refused the login for {caldav_server.user}"
    assert "hunter2" not in str(caught.value)


def test_caldav_without_a_login_asks_for_one(caldav_server) -> None:
    with pytest.raises(BadInput, match="asks for a login"):
        fetch_caldav(caldav_server.calendar_url("refused"), None, None, *WINDOW, insecure=True)


def test_caldav_over_http_is_refused_unless_insecure(caldav_server) -> None:
    url = caldav_server.calendar_url("plain")
    with pytest.raises(BadInput) as caught:
        fetch_caldav(url, caldav_server.user, caldav_server.password, *WINDOW)
    message = caught.value.message
    assert "--insecure" in message and "in clear" in message and caldav_server.password not in message
    assert fetch_caldav(url, caldav_server.user, caldav_server.password, *WINDOW, insecure=True) == []


def test_caldav_missing_calendar_is_named(caldav_server) -> None:
    url = f"{caldav_server.url}/{caldav_server.user}/no-such-calendar/"
    with pytest.raises(BadInput) as caught:
        fetch_caldav(url, caldav_server.user, caldav_server.password, *WINDOW, insecure=True)
    assert caught.value.message == f"no calendar at {url}"


def test_caldav_credentials_in_the_url_are_used_and_never_shown(caldav_server) -> None:
    url = load(caldav_server, "inline", "apple")
    with_login = url.replace("http://", f"http://{caldav_server.user}:{caldav_server.password}@")
    assert len(fetch_caldav(with_login, None, None, *WINDOW, insecure=True)) == 4
    with pytest.raises(BadInput) as caught:
        fetch_caldav(with_login.replace("/inline/", "/gone/"), None, None, *WINDOW, insecure=True)
    assert caldav_server.password not in caught.value.message


def test_unreachable_servers_fail_in_one_line() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        for call in (lambda: fetch_caldav(f"http://127.0.0.1:{port}/a/b/", "u", "pw-123", *WINDOW, insecure=True,
                                          timeout=5),
                     lambda: fetch_url(f"http://u:pw-123@127.0.0.1:{port}/secret-token/basic.ics", timeout=5)):
            with pytest.raises(BadInput) as caught:
                call()
            assert "\n" not in caught.value.message and "pw-123" not in caught.value.message
            assert "secret-token" not in caught.value.message


@pytest.mark.parametrize("url", ["ftp://example.org/cal.ics", "not a url", "https://", "http://[::1"])
def test_urls_that_are_not_http_are_bad_input(url: str) -> None:
    with pytest.raises(BadInput):
        fetch_url(url)
    with pytest.raises(BadInput):
        fetch_caldav(url, None, None, *WINDOW)


def test_fetch_url_reads_a_published_calendar(caldav_server) -> None:
    url = load(caldav_server, "published", "outlook")  # Radicale answers GET on a calendar with its .ics
    with_login = url.replace("http://", f"http://{caldav_server.user}:{caldav_server.password}@")
    found, skipped = read_ics(fetch_url(with_login), *WINDOW)
    assert (skipped, [o.key for o in found]) == (0, [PILOT, REVIEW, ONBOARDING])
    wrong = url.replace("http://", f"http://{caldav_server.user}:hunter2-wrong@")
    with pytest.raises(BadInput) as caught:
        fetch_url(wrong)
    assert "hunter2" not in caught.value.message and "/published/" not in caught.value.message
    with pytest.raises(BadInput, match="no calendar"):
        fetch_url(with_login.replace("/published/", "/nothing-here/"))


def test_a_server_that_never_answers_times_out() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)  # connections complete in the backlog, and nobody ever answers
        port = sock.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(BadInput, match="no answer within 0.5 s"):
            fetch_caldav(f"http://127.0.0.1:{port}/a/b/", "u", "p", *WINDOW, insecure=True, timeout=0.5)
        assert time.monotonic() - started < 5


_MULTISTATUS = b"""<?xml version="1.0" encoding="utf-8"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <response><href>/ana/work/a.ics</href>
    <propstat><prop><getetag>"1"</getetag><C:calendar-data><![CDATA[BEGIN:VCALENDAR\r
BEGIN:VEVENT\r
UID:a\r
DTSTART:20261102T090000Z\r
SUMMARY:from the server\r
END:VEVENT\r
END:VCALENDAR\r
]]></C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat>
  </response>
  <response><href>/ana/work/b.ics</href>
    <propstat><prop><C:calendar-data/></prop><status>HTTP/1.1 404 Not Found</status></propstat>
  </response>
</multistatus>
"""


def test_caldav_request_is_a_calendar_query_in_utc() -> None:
    import http.server
    import threading

    seen: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_REPORT(self) -> None:  # noqa: N802 (the HTTP method's name)
            seen.update(path=self.path, headers=dict(self.headers),
                        body=self.rfile.read(int(self.headers["Content-Length"])).decode())
            self.send_response(207)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(_MULTISTATUS)))
            self.end_headers()
            self.wfile.write(_MULTISTATUS)

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/ana/work/"
        got = fetch_caldav(url, "ana", "pw", at("2026-11-01T00:00"), at("2026-12-01T00:00"), insecure=True, timeout=5)
    finally:
        thread.join(5)
        server.server_close()
    assert seen["path"] == "/ana/work/"
    assert seen["headers"]["Depth"] == "1"
    assert seen["headers"]["Authorization"] == "Basic YW5hOnB3"  # ana:pw
    # one day more on each side, in UTC: Berlin is UTC+1 in November
    assert '<C:time-range start="20261030T230000Z" end="20261201T230000Z"/>' in seen["body"]
    assert '<C:comp-filter name="VEVENT">' in seen["body"]
    assert len(got) == 1
    assert [o.summary for o in read_ics(got[0], *WINDOW)[0]] == ["from the server"]
