"""The worked examples of docs/scheduling.md, checked: against the pure scheduler where the
example is about one contact's dates, and through the CLI (the `fup` fixture, a real SQLite
file with FUP_NOW fixed) where it is about the morning list, so the docs cannot drift.

The tests follow the order of the examples in the document; each names its example."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fupcli.config import load_settings
from fupcli.core import reach
from fupcli.scheduler import (
    COLD_SLACK,
    OPENING_SPREAD,
    CommitmentFacts,
    ContactFacts,
    Rules,
    TouchFacts,
    birthday_item,
    next_state,
    plan_contact,
)

RULES = Rules()
MON = datetime(2026, 11, 2, 10, 0)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def cadence_item(contact: ContactFacts, touches: list[TouchFacts], commitments=()):
    """The contact's cadence-like item (a live or cold follow-up, or the date they asked for), and its plan."""
    plan = plan_contact(contact, touches, commitments, RULES)
    return next(i for i in plan.items if i.kind in ("cadence", "cold", "asked")), plan


def cadence_due(contact: ContactFacts, touches: list[TouchFacts], commitments=()) -> tuple[date, str]:
    item, plan = cadence_item(contact, touches, commitments)
    return item.due, plan.state


def logged(contact: ContactFacts, touches: list[TouchFacts], touch: TouchFacts) -> ContactFacts:
    """Log `touch` as `fup log` does: the touch may change the state (a reply reopens a parked
    contact), and an unanswered one that takes a park profile past its gaps parks the contact."""
    touches.append(touch)
    state = next_state(contact.state, touch)
    plan = plan_contact(ContactFacts(contact.name, contact.cadence, state, contact.created_at,
                                     channels=contact.channels), touches, [], RULES)
    state = next_state(state, touch, plan.position, RULES.profiles.get(contact.cadence))
    return ContactFacts(contact.name, contact.cadence, state, contact.created_at, channels=contact.channels)


def never_answers(contact: ContactFacts, touches: list[TouchFacts], count: int) -> list[tuple[date, str, str]]:
    """Send each follow-up on the day it is due, unanswered: (due, kind, state) of each."""
    seen = []
    for _ in range(count):
        item, plan = cadence_item(contact, touches)
        seen.append((item.due, item.kind, plan.state))
        contact = logged(contact, touches, TouchFacts(at(item.due), id=len(touches) + 1))
    return seen


# --- cadence profiles -------------------------------------------------------------


def test_a_warm_contact_who_never_answers() -> None:
    contact = ContactFacts("Ana", "warm", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    seen = never_answers(contact, touches, 10)
    assert [due for due, _, _ in seen] == [
        date(2026, 11, 6), date(2026, 11, 9), date(2026, 11, 12), date(2026, 11, 17), date(2026, 11, 25),
        date(2026, 12, 8), date(2026, 12, 29), date(2027, 1, 28), date(2027, 3, 29), date(2027, 6, 28),
    ]
    # the seventh follow-up, logged on 29 Dec, uses up warm's gaps: parked, the rows turn cold
    assert [(kind, state) for _, kind, state in seen] == [("cadence", "active")] * 7 + [("cold", "nurture")] * 3


def test_a_parked_contact_who_replies() -> None:
    contact = ContactFacts("Ana", "warm", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    never_answers(contact, touches, 7)  # parked on 29 Dec
    parked = ContactFacts("Ana", "warm", state="nurture", created_at=MON)
    item, _ = cadence_item(parked, touches)
    assert (item.kind, item.due, item.slack) == ("cold", date(2027, 1, 28), 15)  # may wait half of 30 days
    assert item.reason == "nurture check-in: 7 unanswered since the meeting on 2026-11-02 (nurture cadence)"
    contact = logged(parked, touches, TouchFacts(at(date(2027, 1, 15)), direction="in", outcome="replied", id=99))
    item, _ = cadence_item(contact, touches)
    assert (contact.state, item.kind, item.due) == ("active", "cadence", date(2027, 1, 25))  # 15 Jan + 21 // 2
    contact = logged(contact, touches, TouchFacts(at(date(2027, 1, 25)), id=100))
    item, _ = cadence_item(contact, touches)
    # the follow-up her reply brought is off the ladder: parked again at the rung she had reached,
    # where the first nurture gap was still to come: 25 Jan + 30
    assert (contact.state, item.kind, item.due, item.slack) == ("nurture", "cold", date(2027, 2, 24), 15)
    # moved to nurture by hand after two follow-ups: nurture's third gap, 90 days after the last one
    by_hand = ContactFacts("Ana", "warm", state="nurture", created_at=MON)
    item, _ = cadence_item(by_hand, touches[:3])
    assert (item.due, item.slack) == (date(2027, 2, 8), 45)  # 9 Nov + 90 = Sun 7 Feb, so Monday
    # moved back to active by hand once parked: warm's last gap (21 days), parked again at the next touch
    by_hand = ContactFacts("Ana", "warm", state="active", created_at=MON)
    item, _ = cadence_item(by_hand, touches[:8])
    assert (item.kind, item.due) == ("cadence", date(2027, 1, 19))
    assert logged(by_hand, touches[:8], TouchFacts(at(date(2027, 1, 19)), id=101)).state == "nurture"


def test_parking_counts_the_rung() -> None:
    """Rule 14: a warm contact who replies after the 2nd, 5th and 8th follow-ups parks at the
    seventh follow-up on the ladder, as one who never replies does: the follow-ups 3, 6 and 9
    that the replies brought are extra, so it is the tenth in all, and seven went unanswered,
    as many as the silent contact's seven."""
    contact = ContactFacts("Ana", "warm", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    for n in range(1, 11):
        assert contact.state == "active", n
        item, _ = cadence_item(contact, touches)
        contact = logged(contact, touches, TouchFacts(at(item.due), id=len(touches) + 1))
        if n in (2, 5, 8):  # "thanks, busy right now"
            reply = TouchFacts(at(item.due, 15), direction="in", outcome="replied", id=len(touches) + 1)
            contact = logged(contact, touches, reply)
    assert contact.state == "nurture"
    answered = {i - 1 for i, t in enumerate(touches) if t.direction == "in"}
    assert sum(1 for i, t in enumerate(touches[1:], 1) if t.direction == "out" and i not in answered) == 7


def test_a_nurture_check_in_with_nothing_unanswered() -> None:
    contact = ContactFacts("Ana", "warm", state="nurture", created_at=MON)  # moved to nurture by hand
    item, _ = cadence_item(contact, [TouchFacts(MON, outcome="meeting", channel="meeting")])
    assert (item.kind, item.due, item.reason) == (
        "cold", date(2026, 12, 2), "nurture check-in after the meeting on 2026-11-02 (nurture cadence)")


def test_a_vip_contact_trails_off_to_monthly() -> None:
    contact = ContactFacts("Chloe", "vip", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    seen = never_answers(contact, touches, 10)
    assert [due for due, _, _ in seen] == [
        date(2026, 11, 4), date(2026, 11, 6), date(2026, 11, 9), date(2026, 11, 13), date(2026, 11, 20),
        date(2026, 12, 3), date(2026, 12, 24), date(2027, 1, 22), date(2027, 2, 22), date(2027, 3, 24),
    ]
    assert {(kind, state) for _, kind, state in seen} == {("cadence", "active")}  # vip never parks
    vip = RULES.profiles["vip"]
    assert [vip.gap(i) for i in range(10)] == [2, 2, 3, 5, 8, 13, 21, 30, 30, 30]


def test_a_ceiling_of_your_own(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.vip]\ngaps = [2, 2, 3, 5, 8, 13]\nend = "repeat"\nweight = 4\nmax_gap = 21\n')
    vip = load_settings(config).rules.profiles["vip"]
    assert vip.shape() == [2, 4, 7, 12, 20, 33, 54]
    assert [vip.gap(i) for i in range(6, 10)] == [21, 21, 21, 21]


# --- counting, anchoring, answers -------------------------------------------------


def test_a_late_follow_up_does_not_make_the_next_one_early() -> None:
    contact = ContactFacts("Ana", "warm", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting"), TouchFacts(at(date(2026, 11, 11)), id=1)]
    assert cadence_due(contact, touches)[0] == date(2026, 11, 13)  # 11 Nov + 3 = Sat 14: the Friday before


def test_a_weekends_follow_ups(tmp_path: Path) -> None:
    tom = ContactFacts("Tom", "hot", created_at=MON)
    seen = never_answers(tom, [TouchFacts(MON, outcome="meeting", channel="meeting")], 4)
    assert [due for due, _, _ in seen] == [date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6), date(2026, 11, 9)]
    # Saturday after a Friday touch: the Friday is the touch's own day, so Monday
    met = datetime(2026, 11, 4, 10)
    touches = [TouchFacts(met, outcome="meeting"), TouchFacts(at(date(2026, 11, 6)), id=1)]
    assert cadence_due(ContactFacts("Tom", "hot", created_at=met), touches)[0] == date(2026, 11, 9)
    # a midweek holiday: Tuesday and Thursday are as near, the later wins
    config = tmp_path / "config.toml"
    config.write_text('holidays = ["2026-11-25"]\n')
    rules = load_settings(config).rules
    met = datetime(2026, 11, 23, 10)
    plan = plan_contact(ContactFacts("Tom", "hot", created_at=met), [TouchFacts(met, outcome="meeting")], [], rules)
    assert [(i.kind, i.due) for i in plan.items] == [("cadence", date(2026, 11, 26))]


def test_counts_include_the_opening_touch() -> None:
    contact = ContactFacts("Dmitri", "warm", created_at=datetime(2026, 11, 23, 9))
    opening, _ = cadence_item(contact, [])
    assert (opening.kind, opening.due, opening.reason) == (
        "cold", date(2026, 11, 23), "opening touch: not contacted yet (warm cadence)")
    touches = [TouchFacts(at(date(2026, 11, 23)), id=1)]
    item, plan = cadence_item(contact, touches)
    assert (item.due, item.reason, plan.unanswered_streak) == (
        date(2026, 11, 27), "first follow-up after your email on 2026-11-23 (warm cadence)", 1)
    touches += [TouchFacts(at(date(2026, 11, 27)), id=2), TouchFacts(at(date(2026, 11, 30)), id=3)]
    item, plan = cadence_item(contact, touches)
    assert (item.kind, item.due, item.reason, plan.unanswered_streak) == (
        "cadence", date(2026, 12, 3), "follow-up 3: 3 unanswered since your email on 2026-11-23 (warm cadence)", 3)


def test_a_reply_keeps_the_relationships_age() -> None:
    contact = ContactFacts("Chloe", "vip", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    touches += [TouchFacts(at(date(2026, 11, day)), id=day) for day in (4, 6, 9, 16, 24)]
    touches.append(TouchFacts(at(date(2026, 11, 25)), direction="in", outcome="replied", id=25))
    item, plan = cadence_item(contact, touches)
    # half the last gap (16 Nov to 24 Nov: 8 days) is 4: Sun 29 Nov, so Mon 30 Nov (the nearest workday)
    assert (item.due, item.reason, plan.unanswered_streak) == (
        date(2026, 11, 30), "first follow-up after their reply on 2026-11-25 (vip cadence)", 0)
    touches.append(TouchFacts(at(date(2026, 11, 30)), id=30))
    item, _ = cadence_item(contact, touches)
    # that follow-up was the one her reply brought, off the ladder; the ladder goes on where it was:
    # vip's sixth gap (13 days), the sixth follow-up's, as if she had not replied: Sun 13, so Monday
    assert item.due == date(2026, 12, 14)


def test_a_meeting_starts_the_ladder_over() -> None:
    contact = ContactFacts("Chloe", "vip", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    touches += [TouchFacts(at(date(2026, 11, day)), id=day) for day in (4, 6, 9, 16, 24)]
    touches.append(TouchFacts(at(date(2026, 11, 25)), outcome="meeting", channel="meeting", id=25))
    assert cadence_due(contact, touches)[0] == date(2026, 11, 27)  # 25 Nov + vip's first gap


def test_they_asked_for_a_date_and_you_honoured_it() -> None:
    contact = ContactFacts("Tom", "hot", created_at=MON)
    talk = TouchFacts(at(date(2026, 11, 26)), outcome="talked", channel="call", ask_again=date(2027, 1, 5), id=1)
    touches = [TouchFacts(MON, outcome="meeting"), talk]
    plan = plan_contact(contact, touches, [], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("asked", date(2027, 1, 5))]
    # the call on the asked date goes unanswered, but it honoured the date: hot's first gap (2 days)
    touches.append(TouchFacts(at(date(2027, 1, 5)), channel="call", outcome="no-answer", id=2))
    plan = plan_contact(contact, touches, [], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("cadence", date(2027, 1, 7))]
    assert plan.items[0].reason == "first follow-up after your call on 2027-01-05, the date they asked for (hot cadence)"
    assert plan.unanswered_streak == 1  # the call itself went unanswered


def test_a_date_they_asked_for_stands(fup) -> None:
    fup.ok("add", "Tom Weber", "--cadence", "hot", "--phone", "+49 30 1234567", "--channel", "call", now="2026-11-02")
    fup.ok("log", "tom", "call", "--outcome", "talked", "--ask-again", "2027-01-05", now="2026-11-26")
    fup.ok("log", "tom", "--in", now="2026-12-10")  # he writes about something else
    card = fup.json("show", "tom", "-f", "json", now="2026-12-10")
    assert (card["next"]["kind"], card["next"]["due"], card["next_step_due"]) == ("asked", "2027-01-05", "2027-01-05")
    assert fup.json("today", "-f", "json", now="2026-12-31") == []
    # "call me whenever you like": the date is dropped, the cadence counts from this reply
    fup.ok("log", "tom", "--in", "--ask-again", "none", now="2026-12-14")
    card = fup.json("show", "tom", "-f", "json", now="2026-12-14")
    assert (card["next"]["kind"], card["next"]["due"], card["next_step_due"]) == ("cadence", "2026-12-16", None)
    assert card["next"]["reason"] == "first follow-up after their reply on 2026-12-14 (hot cadence)"


def test_an_agreed_next_step() -> None:
    met = datetime(2026, 11, 23, 18)
    contact = ContactFacts("Ana", "warm", created_at=met)
    deck = CommitmentFacts(1, "mine", "send a deck", date(2026, 11, 25))
    touches = [TouchFacts(met, outcome="meeting")]
    plan = plan_contact(contact, touches, [deck], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("promise", date(2026, 11, 25))]  # no cadence while it is open
    sent = touches + [TouchFacts(at(date(2026, 11, 25)), id=1)]
    done = CommitmentFacts(1, "mine", "send a deck", date(2026, 11, 25), status="done")
    assert cadence_due(contact, sent, [done])[0] == date(2026, 11, 27)  # 25 Nov + 3 = Sat 28: the Friday before
    demo = CommitmentFacts(2, "theirs", "demo meeting", date(2026, 12, 4))
    plan = plan_contact(contact, touches, [demo], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("their-promise", date(2026, 12, 4))]


# --- the morning list ----------------------------------------------------------------


def reproduction(fup) -> None:
    fup.at("2026-11-16")
    fup.ok("add", "Marco Rossi", "--next", "intro to their CFO", "--due", "2026-11-16", "--theirs")
    fup.ok("add", "Peter Novak", "--next", "let's talk again", "--due", "2026-11-17", "--soft")
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-19")
    fup.ok("add", "Sara Kim", "--met", "2026-11-02")
    logged_line = fup.ok("log", "marco", "--note", "nudged").stdout
    assert "Next: 2026-11-19 (in 3 days): check in again on their promise: intro to their CFO" in logged_line


def test_the_morning_of_the_reproduction(fup) -> None:
    reproduction(fup)
    rows = fup.json("today", "-f", "json", now="2026-11-19")
    assert [(r["name"], r["kind"], r["reason"], r["days_overdue"]) for r in rows] == [
        ("Helen Park", "promise", "you promised: send contract", 0),
        ("Marco Rossi", "their-promise", "check in again on their promise: intro to their CFO (last on 2026-11-16)", 0),
        ("Sara Kim", "cadence", "first follow-up after the meeting on 2026-11-02 (warm cadence)", 13),
        ("Peter Novak", "soft", "soft, you said: let's talk again", 2),
    ]
    assert [r["urgency"] for r in rows] == sorted((r["urgency"] for r in rows), reverse=True)
    fup.ok("snooze", "sara", "2026-11-25", now="2026-11-19")
    sara = [r for r in fup.json("today", "-f", "json", now="2026-11-25") if r["name"] == "Sara Kim"]
    assert [(r["due"], r["days_overdue"]) for r in sara] == [("2026-11-25", 0)]
    shown = fup.ok("show", "sara", now="2026-11-25").stdout
    assert "snoozed until" not in shown


def test_a_snooze_hides_the_cadence_only(fup) -> None:
    fup.at("2026-11-16")
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-19")
    fup.ok("add", "Sara Kim", "--met", "2026-11-02")
    fup.ok("snooze", "helen", "2026-11-30")
    fup.ok("snooze", "sara", "2026-11-25")
    rows = fup.json("today", "-f", "json", now="2026-11-19")
    assert [(r["name"], r["kind"], r["reason"]) for r in rows] == [
        ("Helen Park", "promise", "you promised: send contract (snoozed until 2026-11-30)"),
    ]
    rows = fup.json("today", "-f", "json", now="2026-11-25")
    assert [(r["name"], r["kind"], r["days_overdue"]) for r in rows] == [("Helen Park", "promise", 6), ("Sara Kim", "cadence", 0)]


def test_check_ins_that_clear() -> None:
    contact = ContactFacts("Ben", "warm", created_at=datetime(2026, 11, 9, 18))
    numbers = CommitmentFacts(1, "theirs", "send Q3 numbers", date(2026, 11, 13))
    touches = [TouchFacts(datetime(2026, 11, 9, 18), outcome="meeting")]

    def check_in() -> tuple:
        item = plan_contact(contact, touches, [numbers], RULES).items[0]
        return item.kind, item.due

    assert check_in() == ("their-promise", date(2026, 11, 13))
    touches.append(TouchFacts(at(date(2026, 11, 16)), channel="call", outcome="no-answer", id=1))
    assert check_in() == ("their-promise", date(2026, 11, 19))
    touches.append(TouchFacts(at(date(2026, 11, 20)), channel="call", outcome="no-answer", id=2))
    assert check_in() == ("their-promise", date(2026, 11, 25))
    closed = CommitmentFacts(1, "theirs", "send Q3 numbers", date(2026, 11, 13), status="done")
    assert [i.kind for i in plan_contact(contact, touches, [closed], RULES).items] == ["cadence"]


def test_a_win_closes_what_they_owed(fup) -> None:
    fup.ok("add", "Maya Chen", "--next", "sign", "--due", "2026-11-30", "--theirs")
    fup.ok("next", "maya", "onboarding call", "--due", "2026-12-07")
    logged_line = fup.ok("log", "maya", "--outcome", "won").stdout
    assert "Done, as they signed: sign." in logged_line
    card = fup.json("show", "maya", "-f", "json")
    assert card["state"] == "client"
    assert [(c["action"], c["status"]) for c in card["commitments"]] == [("sign", "done"), ("onboarding call", "open")]
    rows = fup.json("today", "-f", "json", now="2026-12-07")
    assert [(r["name"], r["kind"]) for r in rows] == [("Maya Chen", "promise")]


def test_clients_are_kept_warm() -> None:
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting"),
               TouchFacts(at(date(2026, 11, 23)), outcome="won", id=1)]
    for cadence in ("warm", "none"):  # a client is checked in on whatever their cadence was
        contact = ContactFacts("Maya", cadence, state="client", created_at=MON)
        item, _ = cadence_item(contact, touches)
        assert (item.kind, item.due, item.reason, item.weight) == (
            "cadence", date(2026, 12, 23), "client check-in, last contact on 2026-11-23 (client cadence)", 1.5)
    seen = never_answers(ContactFacts("Maya", "warm", state="client", created_at=MON), list(touches), 4)
    assert [due for due, _, _ in seen] == [date(2026, 12, 23), date(2027, 2, 22), date(2027, 5, 24), date(2027, 8, 23)]
    assert {state for _, _, state in seen} == {"client"}


def test_people_come_back(fup) -> None:
    fup.ok("add", "Sara Kim", now="2026-11-16")
    fup.ok("next", "sara", "send the brochure", "--due", "2026-11-20", now="2026-11-16")
    fup.ok("log", "sara", "--outcome", "not-interested", now="2026-11-27")
    assert fup.json("today", "-f", "json", now="2026-12-03") == []
    # by hand: nothing overdue on the day she reopens, the first follow-up a warm gap later
    fup.ok("state", "sara", "active", now="2026-12-07")
    rows = fup.json("today", "-f", "json", now="2026-12-07")
    assert [(r["kind"], r["due"], r["days_overdue"]) for r in rows] == [("promise", "2026-12-07", 0)]
    fup.ok("done", "sara", now="2026-12-07")
    card = fup.json("show", "sara", "-f", "json", now="2026-12-07")
    assert card["next"]["due"] == "2026-12-11" and card["next"]["reason"].startswith("first follow-up after the reopening")


def test_a_date_they_asked_for_survives_a_pause(fup) -> None:
    fup.ok("add", "Tom Weber", "--cadence", "hot", now="2026-11-02")
    fup.ok("log", "tom", "call", "--outcome", "talked", "--ask-again", "2027-01-05", now="2026-11-26")
    fup.ok("state", "tom", "paused", now="2026-12-01")
    fup.ok("state", "tom", "active", now="2026-12-14")
    card = fup.json("show", "tom", "-f", "json", now="2026-12-14")
    assert (card["next"]["kind"], card["next"]["due"], card["next_step_due"]) == ("asked", "2027-01-05", "2027-01-05")
    # reopened after the date has passed: dropped, counted from the reopening
    fup.ok("state", "tom", "closed", now="2026-12-15")
    fup.ok("state", "tom", "active", now="2027-01-06")
    card = fup.json("show", "tom", "-f", "json", now="2027-01-06")
    assert (card["next"]["kind"], card["next"]["due"], card["next"]["reason"], card["next_step_due"]) == (
        "cadence", "2027-01-08", "first follow-up after the reopening on 2027-01-06 (hot cadence)", None)


def test_a_reply_reopens_a_closed_contact(fup) -> None:
    fup.ok("add", "Sara Kim", now="2026-11-16")
    fup.ok("log", "sara", "--outcome", "not-interested", now="2026-11-27")
    logged_line = fup.ok("log", "sara", "--in", now="2026-12-03").stdout
    assert "Sara Kim is reopened (active)." in logged_line
    card = fup.json("show", "sara", "-f", "json", now="2026-12-03")
    assert card["state"] == "active"
    assert card["next"]["reason"] == "first follow-up after their reply on 2026-12-03 (warm cadence)"


def test_a_pause(fup) -> None:
    fup.ok("add", "Ben Okafor", "--next", "send pricing", "--due", "2026-11-25", now="2026-11-16")
    said = fup.ok("state", "ben", "paused", now="2026-11-17").stdout
    assert said.startswith("Ben Okafor is now paused.")
    rows = fup.json("today", "-f", "json", now="2026-11-25")
    assert [(r["name"], r["kind"]) for r in rows] == [("Ben Okafor", "promise")]  # your promise still shows
    fup.ok("done", "ben", now="2026-11-25")
    logged_line = fup.ok("log", "ben", "--in", now="2026-11-26").stdout
    assert "Next: nothing scheduled" in logged_line  # a reply does not unpause
    assert fup.json("show", "ben", "-f", "json", now="2026-11-26")["state"] == "paused"
    assert fup.json("today", "-f", "json", now="2026-12-31") == []
    fup.ok("state", "ben", "active", now="2026-12-01")
    card = fup.json("show", "ben", "-f", "json", now="2026-12-01")
    assert (card["next"]["due"], card["next"]["reason"]) == (  # 1 Dec + 4 = Sat 5: the Friday before
        "2026-12-04", "first follow-up after the reopening on 2026-12-01 (warm cadence)")
    said = fup.ok("snooze", "ben", "never", now="2026-12-02").stdout
    assert said.startswith("Ben Okafor is paused: no follow-ups until `fup state 1 active`.")
    assert fup.json("show", "ben", "-f", "json", now="2026-12-02")["state"] == "paused"


def test_a_weekend_birthday() -> None:
    assert birthday_item("12-12", None, date(2026, 12, 10)) is None
    item = birthday_item("12-12", None, date(2026, 12, 11))
    assert (item.due, item.reason) == (date(2026, 12, 11), "birthday on Saturday 2026-12-12")
    assert birthday_item("12-12", None, date(2026, 12, 18)) is not None
    assert birthday_item("12-12", None, date(2026, 12, 19)) is None
    assert birthday_item("12-12", date(2026, 12, 11), date(2026, 12, 14)) is None  # greeted on Friday


def test_a_birthday_greeting(fup) -> None:
    fup.ok("add", "Chloe Martin", "--birthday", "12-12", now="2026-12-10")
    rows = fup.json("today", "-f", "json", now="2026-12-11")
    assert [(r["kind"], r["reason"]) for r in rows] == [("birthday", "birthday on Saturday 2026-12-12")]
    logged_line = fup.ok("log", "chloe", now="2026-12-11").stdout
    assert logged_line.startswith("Logged email with Chloe Martin (greeting).")
    assert "Next: 2026-12-14 (in 3 days): first follow-up after the meeting on 2026-12-10 (warm cadence)" in logged_line
    assert fup.json("today", "-f", "json", now="2026-12-11") == []
    card = fup.json("show", "chloe", "-f", "json", now="2026-12-11")
    assert card["unanswered_streak"] == 0
    # a New Year card, said to be one: not a follow-up either
    logged_line = fup.ok("log", "chloe", "--greeting", now="2026-12-31").stdout
    assert logged_line.startswith("Logged email with Chloe Martin (greeting).")
    assert fup.json("show", "chloe", "-f", "json", now="2026-12-31")["next"]["due"] == "2026-12-14"


def test_a_plain_log_with_a_follow_up_also_due_is_a_follow_up(fup) -> None:
    fup.ok("add", "Chloe Martin", "--birthday", "12-12", now="2026-12-07")  # first follow-up: Fri 11 Dec
    rows = fup.json("today", "-f", "json", now="2026-12-11")
    assert [(r["kind"], r["reason"]) for r in rows] == [
        ("birthday", "birthday on Saturday 2026-12-12 (+1 more: first follow-up after the meeting on 2026-12-07…)")]
    logged_line = fup.ok("log", "chloe", now="2026-12-11").stdout
    assert logged_line.startswith("Logged email with Chloe Martin (sent).")
    assert "Next: 2026-12-14 (in 3 days): follow-up 2: 1 unanswered since the meeting on 2026-12-07 (warm cadence)" in logged_line
    assert fup.json("today", "-f", "json", now="2026-12-11") == []  # the birthday is cleared too
    assert fup.json("show", "chloe", "-f", "json", now="2026-12-11")["unanswered_streak"] == 1


def test_a_greeting_is_no_check_in() -> None:
    met = datetime(2026, 12, 7, 10)
    contact = ContactFacts("Chloe", "warm", created_at=met, birthday="12-12")
    intro = CommitmentFacts(1, "theirs", "intro to their CTO", date(2026, 12, 11))
    later = CommitmentFacts(2, "theirs", "let's talk in the new year", date(2026, 12, 10), firmness="soft")
    touches = [TouchFacts(met, outcome="meeting"), TouchFacts(at(date(2026, 12, 11)), outcome="greeting", id=1)]
    plan = plan_contact(contact, touches, [intro, later], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("their-promise", date(2026, 12, 11)), ("soft", date(2026, 12, 10))]
    plan = plan_contact(contact, touches[:1] + [TouchFacts(at(date(2026, 12, 11)), id=1)], [intro, later], RULES)
    # a real touch that day is the check-in (back three workdays later) and clears the soft step
    assert [(i.kind, i.due) for i in plan.items] == [("their-promise", date(2026, 12, 16))]


def test_several_things_due_at_once(fup) -> None:
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-19", now="2026-11-16")
    fup.ok("next", "helen", "think it over", "--due", "2026-11-18", "--soft", "--theirs", now="2026-11-16")
    rows = fup.json("today", "-f", "json", now="2026-11-19")
    assert [r["reason"] for r in rows] == ["you promised: send contract (+1 more: soft, they said: think it over)"]
    agenda = fup.json("show", "helen", "-f", "json", now="2026-11-19")["agenda"]
    assert [(a["kind"], a["due_now"]) for a in agenda] == [("promise", True), ("soft", True)]


def test_ranking_one_morning(fup) -> None:
    fup.at("2026-11-09")
    fup.ok("add", "Chloe Martin", "--cadence", "vip")
    fup.ok("add", "Farid Haddad", "--next", "intro him to Chloe", "--due", "2026-11-20")
    fup.ok("add", "Ben Okafor", "--next", "send Q3 numbers", "--due", "2026-11-20", "--theirs")
    fup.ok("log", "chloe", now="2026-11-12")
    fup.ok("log", "chloe", now="2026-11-16")  # vip (2, 2, 3, ...): the third follow-up is due Thu 19 Nov
    rows = fup.json("today", "-f", "json", now="2026-11-23")
    assert [(r["name"], r["kind"], r["days_overdue"]) for r in rows] == [
        ("Farid Haddad", "promise", 3), ("Ben Okafor", "their-promise", 3), ("Chloe Martin", "cadence", 4),
    ]
    assert [r["urgency"] for r in rows] == [60_000_003.0, 40_000_003.0, 20_000_004.4]


LEADS = ("Ana Ruiz", "Bo Lindqvist", "Chidi Okafor", "Dana Kowalski", "Emil Berg", "Fatima Zahra", "Goran Ilic")


def balanced_week(fup, tmp_path: Path) -> str:
    """Helen's promise and Sara's follow-up due Tuesday, then seven connections imported on
    Monday 23 Nov with `daily_limit = 3`; returns what the import said."""
    (fup.home / "config.toml").write_text("daily_limit = 3\n")
    fup.at("2026-11-23")
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-24")
    fup.ok("add", "Sara Kim", "--met", "2026-11-20")
    leads = tmp_path / "Connections.csv"
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for name in LEADS:
        first, last = name.split()
        lines.append(f"{first},{last},https://www.linkedin.com/in/{first.lower()}-{last.lower()},,,,01 Jan 2024")
    leads.write_text("\n".join(lines) + "\n")
    return fup.ok("import", "contacts", str(leads), "--cadence", "warm").stdout


def test_balanced_days(fup, tmp_path: Path) -> None:
    said = balanced_week(fup, tmp_path)
    assert "Opening touches spread until 2026-12-02." in said
    due = {c["name"]: c["next_due"] for c in fup.json("list", "-f", "json")}
    assert {name: due[name] for name in LEADS} == {  # Tue 24 already holds Helen and Sara
        "Ana Ruiz": "2026-11-23", "Bo Lindqvist": "2026-11-25", "Chidi Okafor": "2026-11-26",
        "Dana Kowalski": "2026-11-27", "Emil Berg": "2026-11-30", "Fatima Zahra": "2026-12-01",
        "Goran Ilic": "2026-12-02",
    }
    rows = fup.json("today", "-f", "json", now="2026-11-23")
    assert [(r["name"], r["kind"], r["channel"]) for r in rows] == [("Ana Ruiz", "cold", "linkedin")]


def test_how_far_a_cold_row_may_move() -> None:
    """Rule 16: an opening touch up to three first gaps later, a nurture check-in half its gap."""
    assert (OPENING_SPREAD, COLD_SLACK) == (3, 2)
    for cadence, slack in (("warm", 12), ("hot", 6), ("nurture", 90)):
        opening, _ = cadence_item(ContactFacts("Dmitri", cadence, created_at=MON), [])
        assert (opening.kind, opening.slack) == ("cold", slack), cadence
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    for n, slack in enumerate((15, 30, 45)):  # nurture gaps 30, 60, 90
        item, _ = cadence_item(ContactFacts("Ana", "nurture", created_at=MON), touches)
        assert (item.kind, item.slack) == ("cold", slack), n
        touches.append(TouchFacts(at(item.due), id=n + 1))


def test_live_before_cold(fup, tmp_path: Path) -> None:
    balanced_week(fup, tmp_path)  # and nothing is done until Wednesday
    rows = fup.json("today", "-f", "json", now="2026-11-25")
    assert [(r["name"], r["kind"], r["days_overdue"]) for r in rows] == [
        ("Helen Park", "promise", 1), ("Sara Kim", "cadence", 1), ("Ana Ruiz", "cold", 2),
    ]
    table = fup.ok("today", now="2026-11-25").stdout
    assert "1 cold follow-up waits for a day with room" in table
    fup.ok("log", "ana", now="2026-11-25")
    rows = fup.json("today", "-f", "json", now="2026-11-25")
    assert [(r["name"], r["days_overdue"]) for r in rows] == [("Helen Park", 1), ("Sara Kim", 1), ("Bo Lindqvist", 0)]


def test_cold_rows_wait_for_a_later_day(fup, tmp_path: Path) -> None:
    (fup.home / "config.toml").write_text("daily_limit = 2\n")
    fup.at("2026-11-23")
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-30")
    leads = tmp_path / "Connections.csv"
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for name in LEADS[:5]:
        first, last = name.split()
        lines.append(f"{first},{last},https://www.linkedin.com/in/{first.lower()}-{last.lower()},,,,01 Jan 2024")
    leads.write_text("\n".join(lines) + "\n")
    assert "Opening touches spread until 2026-11-27." in fup.ok("import", "contacts", str(leads), "--cadence", "warm").stdout
    # a week away: on Monday two rows fit, the other four wait
    fup.at("2026-11-30")
    rows = fup.json("today", "-f", "json")
    assert [(r["name"], r["kind"], r["days_overdue"]) for r in rows] == [("Helen Park", "promise", 0), ("Ana Ruiz", "cold", 7)]
    assert "4 cold follow-ups wait for a day with room" in fup.ok("today").stdout
    fup.ok("log", "helen")  # the first write moves the rows that wait
    assert {c["name"]: c["next_due"] for c in fup.json("list", "-f", "json")} == {
        "Helen Park": "2026-11-30", "Ana Ruiz": "2026-11-23", "Bo Lindqvist": "2026-12-01",
        "Chidi Okafor": "2026-12-02", "Dana Kowalski": "2026-12-03", "Emil Berg": "2026-12-04",
    }
    fup.ok("done", "helen")
    fup.ok("log", "ana")
    assert fup.json("today", "-f", "json") == []
    # each later day: its rows, due that day, not a week overdue (handled as they come)
    for day, expected in [
        ("2026-12-01", [("Bo Lindqvist", "cold")]),
        ("2026-12-02", [("Chidi Okafor", "cold")]),
        ("2026-12-03", [("Helen Park", "cadence"), ("Dana Kowalski", "cold")]),
    ]:
        fup.at(day)
        rows = fup.json("today", "-f", "json")
        assert [(r["name"], r["kind"]) for r in rows] == expected, day
        assert {(r["due"], r["days_overdue"]) for r in rows} == {(day, 0)}, day
        for row in rows:
            if row["kind"] == "cold":
                fup.ok("log", row["name"].split()[0].lower())


def test_an_opening_touch_goes_to_the_least_busy_day(fup) -> None:
    fup.at("2026-11-23")
    fup.ok("add", "Sara Kim", "--met", "2026-11-19")  # her first follow-up is due today
    said = fup.ok("add", "Dmitri Petrov", "--no-meeting").stdout
    assert "Next: 2026-11-24 (tomorrow): opening touch: not contacted yet (warm cadence)" in said


def test_try_another_channel() -> None:
    channels = reach({"channel": "email", "email": "chloe@globex.example", "phone": "+33 1 23 45 67 89", "url": None})
    assert channels == ("email", "call", "text")
    met = datetime(2026, 11, 23, 10)
    contact = ContactFacts("Chloe", "vip", created_at=met, channels=channels)
    touches = [TouchFacts(met, outcome="meeting", channel="meeting")]
    touches += [TouchFacts(at(day), id=day.day) for day in (date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30))]
    item, _ = cadence_item(contact, touches)
    assert (item.due, item.channel, item.reason) == (  # 30 Nov + 5 = Sat 5 Dec: the Friday before
        date(2026, 12, 4), "call",
        "follow-up 4: 3 emails unanswered since the meeting on 2026-11-23 (vip cadence): try a call")
    touches.append(TouchFacts(at(date(2026, 12, 4)), channel="call", outcome="no-answer", id=7))
    item, _ = cadence_item(contact, touches)
    assert (item.due, item.channel) == (date(2026, 12, 11), None)  # a call in between: the run of emails is broken


def test_a_missing_profile_is_refused(fup) -> None:
    (fup.home / "config.toml").write_text('[profiles.gold]\ngaps = [3, 7, 14]\nend = "repeat"\nweight = 3\n')
    fup.at("2026-11-16")
    fup.ok("add", "Ana Ruiz", "--cadence", "gold")
    fup.ok("add", "Bo Lindqvist", "--cadence", "gold")
    (fup.home / "config.toml").write_text("")
    result = fup("today")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "fup: error: cadence profile 'gold' is not in config.toml, and 2 contacts are on it: move them with "
        "`fup edit WHO --cadence PROFILE` (`fup list --cadence gold` lists them), or put [profiles.gold] back "
        "and run `fup reschedule`")
    assert fup("log", "ana").exit_code == 2
    assert [c["name"] for c in fup.json("list", "--cadence", "gold", "-f", "json")] == ["Ana Ruiz", "Bo Lindqvist"]
    fup.ok("edit", "ana", "--cadence", "vip")
    fup.ok("edit", "bo", "--cadence", "warm")
    fup.ok("today")


def test_a_parked_contact_moved_to_vip(fup) -> None:
    fup.ok("add", "Ana Ruiz", now="2026-11-02")
    for day in ("2026-11-06", "2026-11-09", "2026-11-12", "2026-11-17", "2026-11-25", "2026-12-08", "2026-12-29"):
        said = fup.ok("log", "ana", now=day).stdout
    assert "Ana Ruiz is now nurture." in said
    fup.ok("edit", "ana", "--cadence", "hot", now="2027-01-11")  # hot parks too: she stays in nurture
    assert fup.json("show", "ana", "-f", "json", now="2027-01-11")["state"] == "nurture"
    fup.ok("edit", "ana", "--cadence", "vip", now="2027-01-11")
    card = fup.json("show", "ana", "-f", "json", now="2027-01-11")
    assert (card["state"], card["next"]["due"], card["next"]["reason"]) == (
        "active", "2027-01-13", "first follow-up after the reopening on 2027-01-11 (vip cadence)")
