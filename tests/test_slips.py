"""Fixing slips and snoozing in bulk, through the CLI: `fup move`, `fup log --done`,
`fup unlog` and `fup snooze --tag`.

Each is one transaction and one undo step: `fup undo` right after gives back the very
same `fup show --format json` and `fup today --format json`. Bad input is one line on
stderr, a specific exit code, and a database left exactly as it was (`fup.dump()`).
"Now" is Monday 2026-11-23 09:00 (conftest.py); the warm cadence's first gap is 4 days.
"""

from __future__ import annotations

import pytest

from fupcli.errors import ExitCode
from test_cli import assert_one_line_error, card, today_rows


def snapshot(fup, *who: str) -> tuple:
    """What a user can see of some contacts and of the days ahead, for before/after comparisons."""
    cards = tuple(fup.json("show", w, "-f", "json") for w in who)
    return cards, fup.json("today", "-f", "json", "--limit", "0"), fup.json("today", "-f", "json", "--on", "2026-12-31")


def assert_undo_restores(fup, before: tuple, *who: str) -> None:
    fup.ok("undo")
    assert snapshot(fup, *who) == before


def rejected(fup, args: list[str], code: ExitCode) -> str:
    """Run a command that must fail with `code`, one line, writing nothing; return the line."""
    before = fup.dump()
    line = assert_one_line_error(fup(*args), code)
    assert fup.dump() == before, args
    return line


def commitments(view: dict) -> list[tuple]:
    return [(c["id"], c["action"], c["due"], c["status"]) for c in view["commitments"]]


@pytest.fixture
def two(fup):
    """Ana with one open promise (commitment 1); Bo with two (2, 3): mine and theirs."""
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--next", "send the deck", "--due", "fri", "--tag", "conference")
    fup.ok("add", "Bo Lind", "--next", "send terms", "--due", "2026-11-25", "--tag", "conference")
    fup.ok("next", "bo", "intro to their CFO", "--due", "2026-12-02", "--theirs")
    return fup


# --- fup move -------------------------------------------------------------------------------


def test_move_the_only_open_commitment_and_replan(two):
    before = snapshot(two, "ana", "bo")
    out = two.ok("move", "ana", "2026-12-10").stdout
    assert out.splitlines()[0] == "Moved: send the deck (Ana Ruiz, commitment 1) to Thu 2026-12-10."
    assert out.splitlines()[1].startswith("Next: 2026-12-10 (in 17 days): you promised: send the deck")
    view = card(two, "ana")
    assert commitments(view) == [(1, "send the deck", "2026-12-10", "open")]
    assert view["next_due"] == "2026-12-10"
    assert "Ana Ruiz" not in [r["name"] for r in today_rows(two, "2026-11-27")]  # re-planned: no longer due Friday
    assert [r["name"] for r in today_rows(two, "2026-12-10")].count("Ana Ruiz") == 1
    assert_undo_restores(two, before, "ana", "bo")


def test_move_with_several_open_needs_the_id(two):
    line = rejected(two, ["move", "bo", "fri"], ExitCode.AMBIGUOUS)
    assert "commitment 2: send terms (due 2026-11-25)" in line
    assert "commitment 3: intro to their CFO (due 2026-12-02)" in line
    assert "#2" not in line and "--id" in line
    before = snapshot(two, "bo")
    out = two.ok("move", "bo", "2026-12-09", "--id", "3").stdout
    assert out.startswith("Moved: intro to their CFO (Bo Lind, commitment 3) to Wed 2026-12-09.\n")
    assert commitments(card(two, "bo")) == [(2, "send terms", "2026-11-25", "open"),
                                            (3, "intro to their CFO", "2026-12-09", "open")]
    assert_undo_restores(two, before, "bo")


def test_move_says_what_the_date_lost_or_is_as_next_does(two):
    out = two.ok("move", "ana", "2026-12-12T15:00").stdout.splitlines()  # a Saturday, with a time
    assert out[0] == "Moved: send the deck (Ana Ruiz, commitment 1) to Sat 2026-12-12."
    assert out[1] == "Note: time ignored: commitments are by day; due Saturday 2026-12-12, not a workday."
    assert commitments(card(two, "ana"))[0][2] == "2026-12-12"  # kept as typed
    assert "Note:" not in two.ok("move", "ana", "dec 14").stdout


@pytest.mark.parametrize("args, code", [
    (["move", "ana", "fri", "--id", "2"], ExitCode.NOT_FOUND),  # Bo's commitment
    (["move", "ana", "fri", "--id", "99"], ExitCode.NOT_FOUND),
    (["move", "ana", "someday"], ExitCode.USAGE),
    (["move", "ana", "2027-02-30"], ExitCode.USAGE),
    (["move", "nobody", "fri"], ExitCode.NOT_FOUND),
    (["move", "ana"], ExitCode.USAGE),
])
def test_move_refusals_write_nothing(two, args, code):
    rejected(two, args, code)


def test_move_needs_an_open_commitment(two):
    two.ok("done", "ana")
    assert "no open commitment" in rejected(two, ["move", "ana", "fri"], ExitCode.NOT_FOUND)
    assert "no open commitment 1" in rejected(two, ["move", "ana", "fri", "--id", "1"], ExitCode.NOT_FOUND)  # done


# --- fup log --done ---------------------------------------------------------------------------


def test_log_done_logs_and_closes_in_one_step(two):
    two.at("2026-11-26")
    before = snapshot(two, "ana", "bo")
    out = two.ok("log", "ana", "email", "--note", "deck sent", "--done").stdout.splitlines()
    assert out[0] == "Logged email with Ana Ruiz (sent)."
    assert out[1] == "Done: send the deck (Ana Ruiz, commitment 1)."
    assert out[2].startswith("Next: ")
    view = card(two, "ana")
    assert commitments(view) == [(1, "send the deck", "2026-11-27", "done")]
    assert [(t["channel"], t["note"]) for t in view["touches"]][-1] == ("email", "deck sent")
    assert view["last_touch"] == "2026-11-26"
    steps = two.ok("undo", "--list").stdout.splitlines()[1:]
    assert len(steps) == 4 and "log Ana Ruiz (#1): email, sent; done: send the deck" in steps[0]
    assert_undo_restores(two, before, "ana", "bo")


def test_log_done_with_several_open_needs_the_id_and_logs_nothing_without(two):
    line = rejected(two, ["log", "bo", "call", "-o", "talked", "--done"], ExitCode.AMBIGUOUS)
    assert "commitment 2: send terms (due 2026-11-25)" in line and "commitment 3" in line
    before = snapshot(two, "bo")
    out = two.ok("log", "bo", "call", "-o", "talked", "--done", "--id", "3", "--next", "book the CFO call",
                 "--due", "2026-12-01").stdout.splitlines()
    assert out[:2] == ["Logged call with Bo Lind (talked).", "Done: intro to their CFO (Bo Lind, commitment 3)."]
    assert commitments(card(two, "bo")) == [(2, "send terms", "2026-11-25", "open"),
                                            (4, "book the CFO call", "2026-12-01", "open"),
                                            (3, "intro to their CFO", "2026-12-02", "done")]
    assert_undo_restores(two, before, "bo")


def test_log_done_picks_among_the_commitments_before_its_own_next(two):
    """--next adds a commitment in the same command: it is not a candidate for --done."""
    two.ok("log", "ana", "--done", "--next", "call about pricing", "--due", "2026-12-01")
    assert commitments(card(two, "ana")) == [(1, "send the deck", "2026-11-27", "done"),
                                             (4, "call about pricing", "2026-12-01", "open")]


def test_log_done_and_won_close_each_once(two):
    out = two.ok("log", "bo", "-o", "won", "--done", "--id", "2").stdout.splitlines()
    assert out[0] == "Logged email with Bo Lind (won). Bo Lind is now client. Done, as they signed: intro to their CFO."
    assert out[1] == "Done: send terms (Bo Lind, commitment 2)."
    assert [c[3] for c in commitments(card(two, "bo"))] == ["done", "done"]


@pytest.mark.parametrize("args, code, words", [
    (["log", "ana", "--done", "--id", "2"], ExitCode.NOT_FOUND, "no open commitment 2"),  # Bo's
    (["log", "ana", "--done", "--id", "99"], ExitCode.NOT_FOUND, "no open commitment 99"),
    (["log", "ana", "--id", "1"], ExitCode.USAGE, "--done"),
    (["log", "ana", "fax", "--done"], ExitCode.USAGE, "channel"),
    (["log", "nobody", "--done"], ExitCode.NOT_FOUND, "nobody"),
])
def test_log_done_refusals_log_nothing(two, args, code, words):
    assert words in rejected(two, args, code)


def test_log_done_with_nothing_open_is_an_error_and_logs_nothing(two):
    two.ok("done", "ana")
    touches = len(card(two, "ana")["touches"])
    assert "no open commitment" in rejected(two, ["log", "ana", "--done"], ExitCode.NOT_FOUND)
    assert len(card(two, "ana")["touches"]) == touches


# --- fup unlog --------------------------------------------------------------------------------


def _plan(view: dict) -> dict:
    """The parts of a card that logging and unlogging a touch may change (not updated_at)."""
    keys = ("state", "last_touch", "unanswered_streak", "next_step_due", "next_due", "next", "agenda", "touches",
            "commitments")
    return {key: view[key] for key in keys}


def test_show_lists_each_touch_with_its_id(two):
    two.ok("log", "ana", "call", "-o", "talked", "--note", "liked the demo")
    out = two.ok("show", "ana").stdout
    timeline = out.split("Timeline\n", 1)[1].splitlines()
    assert timeline[0].startswith("touch 3  2026-11-23 09:00  -> call") and "liked the demo" in timeline[0]
    assert timeline[1].startswith("touch 1  2026-11-23 09:00  -> meeting")
    assert [t["id"] for t in card(two, "ana")["touches"]] == [1, 3]


def test_unlog_the_last_touch_replans_as_if_it_was_never_logged(fup):
    fup.ok("add", "Ana Ruiz")
    fup.ok("log", "ana", now="2026-11-27")  # the first follow-up, unanswered
    fup.at("2026-11-30")
    fup.ok("log", "ana", "email", "--ask-again", "2026-12-15")  # the slip: logged on the wrong contact
    before = _plan(card(fup, "ana"))
    fup.ok("log", "ana", "call", "-o", "no-answer", now="2026-12-01")
    assert card(fup, "ana")["unanswered_streak"] == 3
    fup.at("2026-12-03")
    out = fup.ok("unlog", "ana").stdout.splitlines()
    assert out[0] == "Unlogged touch 4: call with Ana Ruiz on 2026-12-01 (no-answer)."
    assert out[1].startswith("Next: 2026-12-15")
    assert _plan(card(fup, "ana")) == before
    # the date they asked for lived on the touch: unlogging it restores the cadence
    fup.ok("unlog", "ana")
    view = card(fup, "ana")
    assert (view["last_touch"], view["unanswered_streak"], view["next_step_due"]) == ("2026-11-27", 1, None)
    assert view["next"]["kind"] == "cadence" and "follow-up 2" in view["next"]["reason"]


def test_unlog_a_touch_by_id_and_undo_it(two):
    two.ok("log", "ana", "call", "-o", "talked", now="2026-11-24")
    two.ok("log", "ana", "email", now="2026-11-25")
    two.at("2026-11-26")
    before = snapshot(two, "ana", "bo")
    out = two.ok("unlog", "ana", "--id", "3").stdout
    assert out.startswith("Unlogged touch 3: call with Ana Ruiz on 2026-11-24 (talked).\n")
    view = card(two, "ana")
    assert [t["id"] for t in view["touches"]] == [1, 4]
    assert (view["last_touch"], view["unanswered_streak"]) == ("2026-11-25", 1)  # no reply now: one unanswered
    assert_undo_restores(two, before, "ana", "bo")


def test_an_inbound_touch_reads_from(two):
    two.ok("log", "ana", "--in")
    assert two.ok("unlog", "ana").stdout.startswith("Unlogged touch 3: email from Ana Ruiz on 2026-11-23 (replied).")


@pytest.mark.parametrize("args, code, words", [
    (["unlog", "ana", "--id", "2"], ExitCode.NOT_FOUND, "Ana Ruiz has no touch 2"),  # Bo's meeting
    (["unlog", "ana", "--id", "99"], ExitCode.NOT_FOUND, "no touch 99"),
    (["unlog", "nobody"], ExitCode.NOT_FOUND, "nobody"),
])
def test_unlog_refusals_write_nothing(two, args, code, words):
    assert words in rejected(two, args, code)


def test_unlog_with_no_touch_left_is_an_error(fup):
    fup.ok("add", "Dee Ok", "--no-meeting")
    assert "no touch" in rejected(fup, ["unlog", "dee"], ExitCode.NOT_FOUND)


def test_unlog_the_meeting_of_add_replans_as_if_never_met(fup):
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "Bo Lind", "--no-meeting")
    fup.at("2026-11-24")
    before = snapshot(fup, "ana", "bo")
    out = fup.ok("unlog", "ana").stdout.splitlines()
    assert out[0] == "Unlogged touch 1: meeting with Ana Ruiz on 2026-11-23 (meeting)."
    assert out[1] == ("Note: no touch is left: they are planned as someone you have not met yet "
                      "(an opening touch, once no promise comes first).")
    ana, bo = card(fup, "ana"), card(fup, "bo")
    assert (ana["touches"], ana["last_touch"], ana["unanswered_streak"]) == ([], None, 0)
    assert ana["next"]["kind"] == bo["next"]["kind"] == "cold"
    assert "opening touch" in ana["next"]["reason"]
    assert_undo_restores(fup, before, "ana", "bo")


def test_unlog_keeps_the_state_an_outcome_set_and_says_so(two):
    two.ok("log", "ana", "-o", "not-interested")
    out = two.ok("unlog", "ana").stdout.splitlines()
    assert out[1] == "Note: Ana Ruiz stays closed: unlog takes back the touch, not the state it set " \
                     "(`fup state 1 active` reopens)."
    assert card(two, "ana")["state"] == "closed"
    two.ok("log", "bo", "-o", "won")  # also marks what Bo owed done
    out = two.ok("unlog", "bo").stdout.splitlines()
    assert "Bo Lind stays a client" in out[1] and "fup state 2 active" in out[1]
    view = card(two, "bo")
    assert view["state"] == "client" and [c[3] for c in commitments(view)] == ["open", "done"]
    assert [t["outcome"] for t in view["touches"]] == ["meeting"]
    plain = two.ok("log", "bo", "-o", "talked")
    assert "Note:" not in plain.stdout and "Note:" not in two.ok("unlog", "bo").stdout


def test_unlog_keeps_a_commitment_added_with_the_touch(two):
    two.ok("log", "ana", "--next", "call back", "--due", "2026-12-01")
    two.ok("unlog", "ana")
    assert ("call back", "open") in [(c[1], c[3]) for c in commitments(card(two, "ana"))]


# --- fup snooze --tag ---------------------------------------------------------------------------


@pytest.fixture
def tagged(fup):
    fup.ok("add", "Ana Ruiz", "--tag", "conference")
    fup.ok("add", "Bo Lind", "--tag", "conference", "--tag", "vc")
    fup.ok("add", "Cy Park", "--tag", "conference_2025")  # no match: tags match whole
    fup.ok("add", "Dee Ok", "--tag", "conf")
    return fup


def test_snooze_by_tag_snoozes_everyone_tagged_in_one_step(tagged):
    before = snapshot(tagged, "ana", "bo", "cy", "dee")
    out = tagged.ok("snooze", "--tag", "Conference", "2026-12-21").stdout
    assert out == "Snoozed 2 contacts tagged conference until 2026-12-21.\n"
    views = {w: card(tagged, w) for w in ("ana", "bo", "cy", "dee")}
    assert [views[w]["snoozed_until"] for w in ("ana", "bo", "cy", "dee")] == ["2026-12-21", "2026-12-21", None, None]
    assert views["ana"]["next_due"] == views["bo"]["next_due"] == "2026-12-21"
    assert sorted(r["name"] for r in today_rows(tagged, "2026-11-27")) == ["Cy Park", "Dee Ok"]
    assert tagged.ok("undo", "--list").stdout.splitlines()[1].endswith(
        "snooze 2 contacts tagged conference until 2026-12-21")
    assert_undo_restores(tagged, before, "ana", "bo", "cy", "dee")


def test_snooze_by_tag_never_pauses_and_today_clears(tagged):
    tagged.ok("snooze", "--tag", "vc", "3w")
    assert tagged.ok("snooze", "--tag", "vc", "today").stdout == "1 contact tagged vc is no longer snoozed.\n"
    assert card(tagged, "bo")["snoozed_until"] is None
    before = snapshot(tagged, "ana", "bo", "cy")
    out = tagged.ok("snooze", "--tag", "conference", "never").stdout
    assert out == "Paused 2 contacts tagged conference: no follow-ups until `fup state WHO active`.\n"
    assert [card(tagged, w)["state"] for w in ("ana", "bo", "cy")] == ["paused", "paused", "active"]
    assert_undo_restores(tagged, before, "ana", "bo", "cy")


def test_snooze_by_tag_matches_as_list_does(tagged):
    listed = sorted(v["name"] for v in tagged.json("list", "--tag", "conference", "-f", "json"))
    tagged.ok("snooze", "--tag", "conference", "fri")
    assert sorted(v["name"] for v in tagged.json("list", "-f", "json") if v["snoozed_until"]) == listed
    assert "1 contact tagged conference_2025" in tagged.ok("snooze", "--tag", "conference_2025", "fri").stdout


@pytest.mark.parametrize("args, code", [
    (["snooze", "--tag", "conference"], ExitCode.USAGE),  # no WHEN
    (["snooze", "ana", "--tag", "conference", "3w"], ExitCode.USAGE),  # WHO and --tag
    (["snooze", "--tag", "nobody", "3w"], ExitCode.NOT_FOUND),
    (["snooze", "--tag", "conf%", "3w"], ExitCode.NOT_FOUND),  # no wildcards
    (["snooze", "--tag", "conference", "yesterday"], ExitCode.USAGE),
    (["snooze", "--tag", "conference", "2027-02-30"], ExitCode.USAGE),
    (["snooze", "--tag", " ", "fri"], ExitCode.USAGE),
    (["snooze", "ana"], ExitCode.USAGE),  # no WHEN
    (["snooze"], ExitCode.USAGE),
])
def test_snooze_by_tag_refusals_write_nothing(tagged, args, code):
    rejected(tagged, args, code)


def test_one_contact_snooze_is_as_before(tagged):
    assert tagged.ok("snooze", "ana", "2026-12-07").stdout.startswith("Snoozed Ana Ruiz's follow-ups until 2026-12-07.\n")
    assert card(tagged, "bo")["snoozed_until"] is None


# --- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command, words", [
    ("move", ["WHO", "WHEN", "--id", "Move an open commitment"]),
    ("unlog", ["--id", "fup undo", "stays", "their newest"]),
    ("log", ["--done", "--id"]),
    ("snooze", ["--tag", "WHEN"]),
])
def test_help_describes_the_new_commands_and_options(fup, command, words):
    out = " ".join(fup.ok(command, "--help").stdout.split())
    for word in words:
        assert word in out, (command, word)
