"""`fup sync mail` on real files: the fixtures of tests/fixtures/mail as a Maildir++ tree and
as an mbox, read by the real command over a real SQLite file (FUP_HOME, FUP_NOW).

The cast: me = ana@acme.example (and ana.ruiz@acme.example); contacts Chloe Martin,
Ben Okafor (who also writes from ben.okafor@gmail.example) and Dana Lee; everyone else
is unknown. tests/fixtures/mail/expected.json says what each message is.
"""

from __future__ import annotations

import json
import mailbox
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mailtrees
from fupcli.capture.mail import Unreadable, classify, read_headers

ME = ("ana@acme.example", "ana.ruiz@acme.example")
CAST = {"chloe.martin@globex.example": "Chloe Martin", "ben@initech.example": "Ben Okafor",
        "dana.lee@umbrella.example": "Dana Lee"}
NOW = "2026-11-30T09:00"
EXPECT_WORD = {"automatic": "bulk", "too-many": "too_many", "not-to-me": "from_contact_not_to_me"}


@pytest.fixture
def team(fup):
    """Config with `me`, and the three contacts (met early in November)."""
    (fup.home / "config.toml").write_text(f"me = {json.dumps(list(ME))}\n", encoding="utf-8")
    fup.at("2026-11-02T08:00")
    for email, name in CAST.items():
        fup.ok("add", name, "--email", email, "--no-meeting")
    fup.ok("edit", "ben", "--email2", "ben.okafor@gmail.example")
    fup.at(NOW)
    return fup


def _touches(fup) -> list[dict]:
    return fup.json("export", "touches", "--format", "json")


def _expected_touches() -> list[tuple[str, str, str]]:
    """(contact email, direction, subject) for every touch the manifest says, once per Message-ID."""
    out, seen = [], set()
    for entry in mailtrees.manifest():
        if entry["expect"] not in ("out", "in"):
            continue
        key = entry["message_id"] or entry["file"]
        for email in entry["contacts"]:
            if (key, email) not in seen:
                seen.add((key, email))
                out.append((email, entry["expect"], entry["subject"]))
    return sorted(out)


def _by_id(fup) -> dict[int, str]:
    return {c["id"]: c["email"] for c in fup.json("list", "--format", "json")}


def test_every_fixture_reads_and_classifies_as_the_manifest_says() -> None:
    known = {email: n for n, email in enumerate(CAST, 1)}
    known["ben.okafor@gmail.example"] = known["ben@initech.example"]
    back = {n: email for email, n in known.items() if email in CAST}
    for entry in mailtrees.manifest():
        raw = mailtrees.load(entry["file"])
        if entry["expect"] == "no_date":
            with pytest.raises(Unreadable):
                read_headers(raw)
            continue
        message = read_headers(raw)
        if entry["subject"] is not None:
            assert message.subject == entry["subject"], entry["file"]
        assert message.at == datetime.fromisoformat(entry["date_utc"]).astimezone().replace(tzinfo=None), entry["file"]
        assert message.sender == entry["from"].lower(), entry["file"]
        assert sorted(message.recipients) == sorted(entry["to_cc"]), entry["file"]
        verdict = classify(message, frozenset(ME), known)
        said = verdict.direction or EXPECT_WORD.get(verdict.skip, verdict.skip)
        assert said == entry["expect"], entry["file"]
        assert sorted(back[c] for c in verdict.contacts) == sorted(entry["contacts"]), entry["file"]


def test_a_maildir_tree_logs_each_message_once_with_its_subject_and_time(team, tmp_path) -> None:
    root = mailtrees.make_maildir(tmp_path / "Maildir", plusplus=True)
    result = team.ok("sync", "mail", "--maildir", str(root))
    assert result.stdout.startswith(f"Read {len(mailtrees.manifest())} messages from 3 sources: logged "), result.stdout
    emails = _by_id(team)
    got = sorted((emails[t["contact_id"]], t["direction"], t["note"]) for t in _touches(team))
    assert got == [(e, d, s[:119] + "…" if len(s) > 120 else s) for e, d, s in _expected_touches()]
    for touch in _touches(team):
        assert touch["channel"] == "email" and touch["outcome"] == ("replied" if touch["direction"] == "in" else "sent")
    again = team.ok("sync", "mail", "--maildir", str(root))
    assert again.stdout == "Read 0 messages from 3 sources: logged 0 touches.\n"


def test_the_same_messages_from_an_mbox_log_nothing_twice(team, tmp_path) -> None:
    root = mailtrees.make_maildir(tmp_path / "Maildir", plusplus=True)
    team.ok("sync", "mail", "--maildir", str(root))
    before = _touches(team)
    box = mailtrees.make_mbox(tmp_path / "all.mbox")
    data = team.json("sync", "mail", "--mbox", str(box), "--format", "json")
    assert data["logged"] == [] and data["counts"]["already"] == len(_expected_touches())
    assert _touches(team) == before


def test_an_mbox_appended_to_is_read_on_from_where_it_was(team, tmp_path) -> None:
    box_path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(str(box_path))
    box.add(mailtrees.load("02-outlook-desktop-reply-chloe.eml"))
    box.flush()
    assert team.json("sync", "mail", "--mbox", str(box_path), "-f", "json")["read"] == 1
    box.add(mailtrees.load("04-thunderbird-q-subject-dana.eml"))
    box.flush()
    box.close()
    data = team.json("sync", "mail", "--mbox", str(box_path), "-f", "json")
    assert data["read"] == 1 and [t["name"] for t in data["logged"]] == ["Dana Lee"]
    rewritten = mailbox.mbox(str(tmp_path / "other.mbox"))  # a file rewritten, not appended to: read again, logged once
    for name in ("04-thunderbird-q-subject-dana.eml", "02-outlook-desktop-reply-chloe.eml"):
        rewritten.add(mailtrees.load(name))
    rewritten.close()
    os.replace(tmp_path / "other.mbox", box_path)
    data = team.json("sync", "mail", "--mbox", str(box_path), "-f", "json")
    assert data["read"] == 2 and data["logged"] == [] and data["counts"]["already"] == 2


def _one(tmp_path: Path, *names: str) -> Path:
    box = mailbox.Maildir(str(tmp_path / "md"), create=True)
    for name in names:
        box.add(mailtrees.load(name))
    return tmp_path / "md"


def _message(sender: str, to: str, day: str, subject: str, message_id: str, *extra: str) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {day}", f"Message-ID: <{message_id}>",
             *extra, "", "body"]
    return "\r\n".join(lines).encode()


def test_an_out_of_office_does_not_reset_the_streak_and_a_reply_does_as_log_in_does(team, tmp_path) -> None:
    box = mailbox.Maildir(str(tmp_path / "md"), create=True)
    box.add(_message("ana@acme.example", "dana.lee@umbrella.example", "Mon, 16 Nov 2026 09:00:00 +0000", "one", "m1@acme"))
    box.add(_message("ana@acme.example", "dana.lee@umbrella.example", "Fri, 20 Nov 2026 09:00:00 +0000", "two", "m2@acme"))
    box.add(_message("dana.lee@umbrella.example", "ana@acme.example", "Fri, 20 Nov 2026 09:01:00 +0000",
                     "Out of office", "ooo@umbrella", "Auto-Submitted: auto-replied"))
    team.ok("sync", "mail", "--maildir", str(tmp_path / "md"))
    dana = team.json("show", "dana", "--format", "json")
    assert dana["unanswered_streak"] == 2
    box.add(_message("dana.lee@umbrella.example", "Ana <ana.ruiz@acme.example>", "Thu, 26 Nov 2026 10:00:00 +0000",
                     "Re: two", "r1@umbrella"))
    team.ok("sync", "mail", "--maildir", str(tmp_path / "md"))
    synced = team.json("show", "dana", "--format", "json")
    assert synced["unanswered_streak"] == 0
    # the same history typed by hand plans the same
    team.ok("undo")
    team.ok("log", "dana", "--in", "--at", "2026-11-26 10:00")
    by_hand = team.json("show", "dana", "--format", "json")
    for key in ("unanswered_streak", "next_due", "next", "state"):
        assert synced[key] == by_hand[key], key


def test_a_reply_brings_a_parked_contact_back_but_an_old_one_found_in_an_archive_does_not(team, tmp_path) -> None:
    team.ok("state", "chloe", "nurture")
    team.ok("log", "chloe", "--at", "2026-11-27 10:00")  # the newest touch
    box = mailbox.Maildir(str(tmp_path / "md"), create=True)
    box.add(_message("chloe.martin@globex.example", "ana@acme.example", "Tue, 10 Nov 2026 09:00:00 +0000",
                     "old reply", "old@globex"))
    team.ok("sync", "mail", "--maildir", str(tmp_path / "md"))
    assert team.json("show", "chloe", "-f", "json")["state"] == "nurture"
    box.add(_message("chloe.martin@globex.example", "ana@acme.example", "Sun, 29 Nov 2026 18:00:00 +0000",
                     "new reply", "new@globex"))
    team.ok("sync", "mail", "--maildir", str(tmp_path / "md"))
    assert team.json("show", "chloe", "-f", "json")["state"] == "active"


def test_a_touch_logged_by_hand_is_claimed_not_doubled(team, tmp_path) -> None:
    team.ok("log", "chloe", "--at", "2026-11-02 09:30", "--note", "sent the pilot mail")
    team.ok("sync", "mail", "--maildir", str(_one(tmp_path, "01-gmail-web-sent-chloe.eml")))
    touches = [t for t in _touches(team) if t["direction"] == "out"]
    assert len(touches) == 1 and touches[0]["note"] == "sent the pilot mail"


def test_undo_takes_back_the_whole_sync_and_the_next_sync_logs_it_again(team, tmp_path) -> None:
    root = mailtrees.make_maildir(tmp_path / "Maildir", plusplus=True)
    before = team.dump()
    team.ok("sync", "mail", "--maildir", str(root))
    logged = _touches(team)
    result = team.ok("undo")
    assert result.stdout.startswith("Undid: sync mail: ")
    assert team.dump() == before
    team.ok("sync", "mail", "--maildir", str(root))
    assert [(t["contact_id"], t["at"], t["note"]) for t in _touches(team)] == [
        (t["contact_id"], t["at"], t["note"]) for t in logged]


def test_dry_run_says_what_would_be_logged_and_writes_nothing(team, tmp_path) -> None:
    root = mailtrees.make_maildir(tmp_path / "Maildir", plusplus=True)
    before = team.dump()
    result = team.ok("sync", "mail", "--maildir", str(root), "--dry-run")
    assert "would log" in result.stdout and result.stdout.endswith("Nothing was written.\n")
    assert team.dump() == before
    data = team.json("sync", "mail", "--maildir", str(root), "--dry-run", "-f", "json")
    assert len(data["logged"]) == len(_expected_touches())


def test_suggest_lists_the_unknown_people_i_write_to_most(team, tmp_path) -> None:
    root = mailtrees.make_maildir(tmp_path / "Maildir", plusplus=True)
    data = team.json("sync", "mail", "--maildir", str(root), "--suggest", "2", "-f", "json")
    assert data["suggestions"] == [{"address": "sam@hooli.example", "messages": 3},
                                   {"address": "kim@initrode.example", "messages": 2}]
    assert data["counts"]["unknown"] >= 3 and data["counts"]["automatic"] == 3 and data["counts"]["unreadable"] == 2
    assert data["counts"]["too-many"] == 1 and data["counts"]["not-to-me"] == 1


def test_max_recipients_and_sources_come_from_config(team, tmp_path) -> None:
    root = _one(tmp_path, "12-gmail-too-many-recipients.eml")
    (team.home / "config.toml").write_text(
        f"me = {json.dumps(list(ME))}\n[mail]\nmaildir = [{json.dumps(str(root))}]\nmax_recipients = 30\n", encoding="utf-8")
    data = team.json("sync", "mail", "-f", "json")
    assert data["sources"] == [str(root.resolve())] and [t["name"] for t in data["logged"]] == ["Chloe Martin"]


def test_times_are_local(team, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        team.ok("sync", "mail", "--maildir", str(_one(tmp_path, "02-outlook-desktop-reply-chloe.eml")))
        (touch,) = [t for t in _touches(team) if t["direction"] == "in"]
        assert touch["at"].startswith("2026-11-24T09:05")  # 14:05 UTC
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize("args, config, words", [
    (["sync", "mail", "--maildir", "."], None, "needs your own addresses"),
    (["sync", "mail", "--maildir", "/nonexistent/x"], ME, "no such directory"),
    (["sync", "mail"], ME, "no mail to read"),
    (["sync", "mail", "--imap", "imap://ana@127.0.0.1/INBOX"], ME, "clear text"),
    (["sync", "mail", "--imap", "imaps://ana:secret@127.0.0.1/INBOX"], ME, "does not belong in the URL"),
    (["sync", "mail", "--imap", "imaps://127.0.0.1/INBOX"], ME, "user and host"),
    (["sync", "mail", "--imap", "pop3://ana@127.0.0.1/"], ME, "imaps://USER@HOST"),
    (["sync", "mail", "--imap", "imaps://ana@127.0.0.1:99999/INBOX"], ME, "port"),
    (["sync", "mail", "--ics", "x.ics"], ME, "applies to `fup sync calendar` only"),
    (["sync", "calendar", "--maildir", "x"], ME, "applies to `fup sync mail` only"),
    (["sync", "post"], ME, "sync"),
    (["sync", "mail", "--maildir", ".", "-f", "xml"], ME, "format"),
    (["sync", "mail", "--mbox", "/nonexistent.mbox"], ME, "no such file"),
])
def test_mistakes_are_one_line_and_change_nothing(fup, args, config, words, tmp_path) -> None:
    if config:
        (fup.home / "config.toml").write_text(f"me = {json.dumps(list(config))}\n", encoding="utf-8")
    fup.ok("add", "Chloe Martin", "--email", "chloe.martin@globex.example")
    before = fup.dump()
    result = fup(*args)
    assert result.exit_code == 2, result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert fup.dump() == before


def test_bad_config_tables_are_one_line(fup) -> None:
    for text, words in (('me = "not an address"\n', "me must be"), ("[mail]\nmaildirs = []\n", "unknown key 'maildirs'"),
                        ("[mail]\nmax_recipients = 0\n", "max_recipients"), ("[calendar]\ndays_back = -1\n", "days_back")):
        (fup.home / "config.toml").write_text(text, encoding="utf-8")
        result = fup("add", "Zed Zeta")
        assert result.exit_code == 2 and words in result.stderr, (text, result.stderr)
        assert not fup.db_path.exists()


def test_a_sync_before_any_contact_says_so(fup, tmp_path) -> None:
    (fup.home / "config.toml").write_text(f"me = {json.dumps(list(ME))}\n", encoding="utf-8")
    result = fup("sync", "mail", "--maildir", str(_one(tmp_path, "02-outlook-desktop-reply-chloe.eml")))
    assert result.exit_code == 3 and "no contacts yet" in result.stderr
    assert not fup.db_path.exists()


ADDRESS = st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.example", fullmatch=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600))
def test_any_bytes_are_read_or_refused_never_a_crash(data: bytes) -> None:
    try:
        message = read_headers(data)
    except Unreadable:
        return
    assert isinstance(message.subject, str) and isinstance(message.key, str)


@settings(max_examples=300, deadline=None)
@given(sender=ADDRESS, to=st.lists(ADDRESS, max_size=5), noise=st.binary(max_size=200),
       subject=st.text(max_size=40), zone=st.sampled_from(["+0000", "-0800", "+0530", "", "GMT", "(PST)"]))
def test_no_touch_for_an_address_that_is_not_a_contact(sender, to, noise, subject, zone) -> None:
    known = {"chloe.martin@globex.example": 1}
    raw = (f"From: {sender}\r\nTo: {', '.join(to)}\r\nSubject: ".encode() + subject.encode("utf-8", "replace")
           + noise.replace(b"\n", b" ") + f"\r\nDate: Mon, 23 Nov 2026 10:00:00 {zone}\r\n\r\n".encode())
    try:
        message = read_headers(raw)
    except Unreadable:
        return
    for me in (frozenset(ME), frozenset([sender])):
        verdict = classify(message, me, known)
        assert verdict.contacts == ()


def test_a_team_database_syncs_once_and_undoes_per_person(fup, pg_url, tmp_path) -> None:
    """On PostgreSQL (schema 0007's tables under row security and the journal trigger)."""
    (fup.home / "config.toml").write_text(f"me = {json.dumps(list(ME))}\n", encoding="utf-8")
    server = {"FUP_DB": pg_url}
    for email, name in CAST.items():
        fup.ok("add", name, "--email", email, "--no-meeting", env=server, now="2026-11-02T08:00")
    fup.ok("edit", "ben", "--email2", "ben.okafor@gmail.example", env=server)
    root = mailtrees.make_maildir(tmp_path / "Maildir", plusplus=True)
    first = fup.json("sync", "mail", "--maildir", str(root), "-f", "json", env=server)
    assert len(first["logged"]) == len(_expected_touches())
    again = fup.json("sync", "mail", "--maildir", str(root), "-f", "json", env=server)
    assert again["read"] == 0 and again["logged"] == []
    assert fup.ok("undo", env=server).stdout.startswith("Undid: sync mail: ")
    assert fup.json("export", "touches", "-f", "json", env=server) == []
    redo = fup.json("sync", "mail", "--maildir", str(root), "-f", "json", env=server)
    assert len(redo["logged"]) == len(first["logged"])
