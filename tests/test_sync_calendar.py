"""`fup sync calendar`: the Google, Outlook and Apple exports of tests/fixtures/calendars,
as files and from a real Radicale CalDAV server (tests/caldavserver.py), into a real
SQLite file. Times are Europe/Berlin, as in the fixtures' README.

Ana met Chloe, Ben and Dana in early October (added with no meeting: the calendar logs
them). Now is Monday 2026-11-30 09:00; the window is 60 days back, 60 ahead.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "calendars"
FILES = [str(FIXTURES / name) for name in ("google.ics", "outlook.ics", "apple.ics")]
ME = ("ana@acme.example",)
CAST = {"chloe.martin@globex.example": "Chloe Martin", "ben@initech.example": "Ben Okafor",
        "dana.lee@umbrella.example": "Dana Lee"}
WINDOW = ["--days-back", "60", "--days-ahead", "60"]

PAST = [  # (who, when): the meetings that happened in the window, declined and cancelled ones left out
    ("dana.lee@umbrella.example", "2026-10-20T09:00:00"),  # Umbrella pilot intro (Outlook, summer time)
    ("dana.lee@umbrella.example", "2026-10-28T08:30:00"),  # Coffee with Dana (Apple, floating)
    ("chloe.martin@globex.example", "2026-11-03T10:00:00"),  # Globex weekly sync
    ("chloe.martin@globex.example", "2026-11-10T10:00:00"),
    ("chloe.martin@globex.example", "2026-11-26T15:00:00"),  # the 24th, moved to Thursday; the 17th is an EXDATE
]
COMING = [  # (who, due, action): the meetings to come, as commitments
    ("dana.lee@umbrella.example", "2026-12-02", "meeting: Umbrella quarterly review"),
    ("chloe.martin@globex.example", "2026-12-08", "meeting: Globex weekly sync"),  # (the 1st is cancelled)
    ("chloe.martin@globex.example", "2026-12-09", "meeting: Lunch with Chloe"),
    ("chloe.martin@globex.example", "2026-12-15", "meeting: Globex weekly sync"),
    ("chloe.martin@globex.example", "2026-12-22", "meeting: Globex weekly sync"),
    ("ben@initech.example", "2027-01-14", "meeting: Initech at the trade fair"),
]


@pytest.fixture(autouse=True)
def berlin(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.fixture
def ana(fup):
    (fup.home / "config.toml").write_text(f"me = {json.dumps(list(ME))}\n", encoding="utf-8")
    fup.at("2026-10-01T08:00")
    for email, name in CAST.items():
        fup.ok("add", name, "--email", email, "--no-meeting")
    fup.at("2026-11-30T09:00")
    return fup


def _files(*paths: str) -> list[str]:
    return [arg for path in paths for arg in ("--ics", path)]


def _state(fup) -> tuple[list, list]:
    emails = {c["id"]: c["email"] for c in fup.json("list", "--format", "json")}
    touches = sorted((emails[t["contact_id"]], t["at"]) for t in fup.json("export", "touches", "-f", "json")
                     if t["channel"] == "meeting")
    commitments = sorted((emails[c["contact_id"]], c["due"], c["action"])
                         for c in fup.json("export", "commitments", "-f", "json") if c["status"] == "open")
    return touches, commitments


def _coming() -> list:
    return sorted(COMING)


def test_three_exports_give_the_meetings_that_happened_and_those_to_come(ana) -> None:
    data = ana.json("sync", "calendar", *_files(*FILES), *WINDOW, "-f", "json")
    touches, commitments = _state(ana)
    assert touches == sorted(PAST)
    assert commitments == _coming()
    assert data["counts"]["cancelled"] >= 2 and data["counts"]["unknown"] >= 1
    for touch in ana.json("export", "touches", "-f", "json"):
        assert (touch["direction"], touch["outcome"]) == ("out", "meeting")
    again = ana.json("sync", "calendar", *_files(*FILES), *WINDOW, "-f", "json")
    assert again["logged"] == [] and again["planned"] == [] and _state(ana) == (touches, commitments)


def test_a_meeting_to_come_pauses_the_chasing_and_shows_on_its_day(ana) -> None:
    ana.ok("sync", "calendar", *_files(*FILES), *WINDOW)
    dana = ana.json("show", "dana", "-f", "json")
    assert dana["next"]["reason"] == "meeting: Umbrella quarterly review" and dana["next"]["due"] == "2026-12-02"
    assert [row["reason"] for row in ana.json("today", "--on", "2026-12-02", "-f", "json")
            if row["name"] == "Dana Lee"] == ["meeting: Umbrella quarterly review"]


def test_once_it_has_happened_the_meeting_is_logged_and_its_commitment_kept(ana) -> None:
    ana.ok("sync", "calendar", *_files(*FILES), *WINDOW)
    ana.at("2026-12-03T09:00")
    data = ana.json("sync", "calendar", *_files(*FILES), *WINDOW, "-f", "json")
    assert [(t["name"], t["at"]) for t in data["logged"]] == [("Dana Lee", "2026-12-02T14:00")]
    done = [c for c in ana.json("export", "commitments", "-f", "json")
            if c["action"] == "meeting: Umbrella quarterly review"]
    assert [c["status"] for c in done] == ["done"]
    dana = ana.json("show", "dana", "-f", "json")
    assert dana["last_touch"] == "2026-12-02" and dana["next"]["kind"] == "cadence"


def _edited(tmp_path: Path, old: str, new: str) -> str:
    text = (FIXTURES / "apple.ics").read_bytes().decode("utf-8")
    assert old in text
    path = tmp_path / "apple.ics"
    path.write_bytes(text.replace(old, new).encode("utf-8"))
    return str(path)


def test_a_moved_meeting_moves_a_cancelled_or_vanished_one_is_dropped(ana, tmp_path) -> None:
    apple = _edited(tmp_path, "X", "X")
    ana.ok("sync", "calendar", *_files(apple), *WINDOW)
    moved = _edited(tmp_path, "DTSTART;TZID=Europe/Berlin:20261209T123000", "DTSTART;TZID=Europe/Berlin:20261211T123000")
    data = ana.json("sync", "calendar", *_files(moved), *WINDOW, "-f", "json")
    assert [(p["change"], p["due"], p.get("from")) for p in data["planned"]] == [("moved", "2026-12-11", "2026-12-09")]
    assert ("chloe.martin@globex.example", "2026-12-11", "meeting: Lunch with Chloe") in _state(ana)[1]
    cancelled = _edited(tmp_path, "SUMMARY:Lunch with Chloe", "SUMMARY:Lunch with Chloe\r\nSTATUS:CANCELLED")
    data = ana.json("sync", "calendar", *_files(cancelled), *WINDOW, "-f", "json")
    assert [p["change"] for p in data["planned"]] == ["dropped"]
    assert all(c[2] != "meeting: Lunch with Chloe" for c in _state(ana)[1])
    ana.ok("undo")
    gone = _edited(tmp_path, "UID:6F1C2A8E-3B4D-4E5F-9A0B-1C2D3E4F5A6B", "UID:another-event")
    data = ana.json("sync", "calendar", *_files(gone), *WINDOW, "-f", "json")
    assert sorted(p["change"] for p in data["planned"]) == ["added", "dropped"]


def test_undo_takes_back_a_whole_sync_and_dry_run_writes_nothing(ana) -> None:
    before = ana.dump()
    result = ana.ok("sync", "calendar", *_files(*FILES), *WINDOW, "--dry-run")
    assert result.stdout.endswith("Nothing was written.\n") and ana.dump() == before
    ana.ok("sync", "calendar", *_files(*FILES), *WINDOW)
    assert ana.ok("undo").stdout.startswith("Undid: sync calendar: 5 touches, 6 meetings to come changed")
    assert ana.dump() == before


def test_the_meeting_logged_by_add_is_claimed_not_doubled(fup) -> None:
    (fup.home / "config.toml").write_text(f"me = {json.dumps(list(ME))}\n", encoding="utf-8")
    fup.at("2026-10-20T10:00")
    fup.ok("add", "Dana Lee", "--email", "dana.lee@umbrella.example", "--met", "2026-10-20 09:00")
    fup.at("2026-11-30T09:00")
    fup.ok("sync", "calendar", *_files(str(FIXTURES / "outlook.ics")), *WINDOW)
    touches = [t["at"] for t in fup.json("export", "touches", "-f", "json")]
    assert touches == ["2026-10-20T09:00:00"]


def test_config_gives_the_calendars_and_the_window(ana) -> None:
    (ana.home / "config.toml").write_text(
        f"me = {json.dumps(list(ME))}\n[calendar]\nics = {json.dumps(FILES)}\ndays_back = 60\ndays_ahead = 60\n",
        encoding="utf-8")
    ana.ok("sync", "calendar")
    assert _state(ana) == (sorted(PAST), _coming())


@pytest.mark.parametrize("args, words, code", [
    (["--ics", "/nonexistent.ics"], "cannot read it", 2),
    (["--ics", "http://cal.example/x.ics"], "--insecure", 2),
    (["--caldav", "https://ana:pw@dav.example/cal/"], "does not belong in the URL", 2),
    (["--days-back", "-1"], "", 2),
    ([], "no calendar to read", 2),
    (["--suggest", "3", "--ics", "x"], "applies to `fup sync mail` only", 2),
])
def test_calendar_mistakes_are_one_line_and_change_nothing(ana, args, words, code, tmp_path) -> None:
    before = ana.dump()
    result = ana("sync", "calendar", *args)
    assert result.exit_code == code, result.stderr
    assert words in result.stderr
    assert ana.dump() == before


def test_a_file_that_is_not_a_calendar(ana, tmp_path) -> None:
    bogus = tmp_path / "notes.ics"
    bogus.write_text("hello\n")
    before = ana.dump()
    result = ana("sync", "calendar", "--ics", str(bogus))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert ana.dump() == before


def _load_server(caldav_server, name: str) -> str:
    from caldavserver import split_by_uid

    url = caldav_server.calendar_url(name)
    for path in FILES:
        for uid, ics in split_by_uid(Path(path).read_bytes()).items():
            caldav_server.put(name, uid, ics)
    return url


def _with_user(url: str, user: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}@{rest}"


def test_caldav_gives_what_the_files_give(ana, caldav_server) -> None:
    url = _with_user(_load_server(caldav_server, "work-same"), caldav_server.user)
    env = {"FUP_CALDAV_PASSWORD": caldav_server.password}
    ana.ok("sync", "calendar", "--caldav", url, "--insecure", *WINDOW, env=env)
    assert _state(ana) == (sorted(PAST), _coming())
    caldav_server.delete("work-same", "6F1C2A8E-3B4D-4E5F-9A0B-1C2D3E4F5A6B")  # lunch with Chloe, deleted
    data = ana.json("sync", "calendar", "--caldav", url, "--insecure", *WINDOW, "-f", "json", env=env)
    assert [(p["change"], p["action"]) for p in data["planned"]] == [("dropped", "meeting: Lunch with Chloe")]


def test_caldav_refusals_are_one_line(ana, caldav_server) -> None:
    url = _with_user(_load_server(caldav_server, "work-refusals"), caldav_server.user)
    before = ana.dump()
    wrong = ana("sync", "calendar", "--caldav", url, "--insecure", env={"FUP_CALDAV_PASSWORD": "not-it-42"})
    assert wrong.exit_code == 2 and "refused the login" in wrong.stderr and "not-it-42" not in wrong.stderr
    clear = ana("sync", "calendar", "--caldav", url, env={"FUP_CALDAV_PASSWORD": caldav_server.password})
    assert clear.exit_code == 2 and "--insecure" in clear.stderr
    assert ana.dump() == before
