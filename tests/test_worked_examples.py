"""The worked examples of docs/scheduling.md, checked: against the pure scheduler where the
example is about one contact's dates, and through the CLI (the `fup` fixture, a real SQLite
file with FUP_NOW fixed) where it is about the morning list, so the docs cannot drift."""

from __future__ import annotations

from datetime import date, datetime

from fupcli.scheduler import (
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


def cadence_due(contact: ContactFacts, touches: list[TouchFacts], commitments=()) -> tuple[date, str]:
    plan = plan_contact(contact, touches, commitments, RULES)
    item = next(i for i in plan.items if i.kind in ("cadence", "asked"))
    return item.due, plan.state


def test_a_warm_contact_who_never_answers() -> None:
    contact = ContactFacts("Ana", "warm", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting", channel="meeting")]
    expected = [date(2026, 11, 6), date(2026, 11, 9), date(2026, 11, 12), date(2026, 11, 17), date(2026, 11, 25),
                date(2026, 12, 8), date(2026, 12, 29), date(2027, 1, 28), date(2027, 3, 29)]
    seen, states = [], []
    for n in range(len(expected)):
        due, state = cadence_due(contact, touches)
        seen.append(due)
        states.append(state)
        touches.append(TouchFacts(at(due), id=n + 1))
        # logging the touch may park the contact (when it uses up warm's seven gaps)
        state = next_state(state, touches[-1], len(touches) - 1, RULES.profiles["warm"])
        contact = ContactFacts("Ana", "warm", state=state, created_at=MON)
    assert seen == expected
    assert states[:7] == ["active"] * 7 and states[7:] == ["nurture", "nurture"]


def test_a_late_follow_up_does_not_make_the_next_one_early() -> None:
    contact = ContactFacts("Ana", "warm", created_at=MON)
    touches = [TouchFacts(MON, outcome="meeting"), TouchFacts(at(date(2026, 11, 11)), id=1)]
    assert cadence_due(contact, touches)[0] == date(2026, 11, 16)


def test_a_reply_resets() -> None:
    contact = ContactFacts("Bo", "hot", created_at=MON)
    touches = [
        TouchFacts(MON, outcome="meeting"),
        TouchFacts(at(date(2026, 11, 4)), id=1),
        TouchFacts(at(date(2026, 11, 5)), id=2),
        TouchFacts(at(date(2026, 11, 6)), direction="in", outcome="replied", id=3),
    ]
    assert cadence_due(contact, touches)[0] == date(2026, 11, 9)


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
    assert plan.unanswered_streak == 0


def test_an_agreed_next_step() -> None:
    met = datetime(2026, 11, 23, 18)
    contact = ContactFacts("Ana", "warm", created_at=met)
    deck = CommitmentFacts(1, "mine", "send a deck", date(2026, 11, 25))
    touches = [TouchFacts(met, outcome="meeting")]
    plan = plan_contact(contact, touches, [deck], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("promise", date(2026, 11, 25))]  # no cadence while it is open
    sent = touches + [TouchFacts(at(date(2026, 11, 25)), id=1)]
    done = CommitmentFacts(1, "mine", "send a deck", date(2026, 11, 25), status="done")
    assert cadence_due(contact, sent, [done])[0] == date(2026, 11, 30)
    demo = CommitmentFacts(2, "theirs", "demo meeting", date(2026, 12, 4))
    plan = plan_contact(contact, touches, [demo], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("their-promise", date(2026, 12, 4))]


def reproduction(fup) -> None:
    fup.at("2026-11-16")
    fup.ok("add", "Marco Rossi", "--next", "intro to their CFO", "--due", "2026-11-16", "--theirs")
    fup.ok("add", "Peter Novak", "--next", "let's talk again", "--due", "2026-11-17", "--soft")
    fup.ok("add", "Helen Park", "--next", "send contract", "--due", "2026-11-19")
    fup.ok("add", "Sara Kim", "--met", "2026-11-02")
    logged = fup.ok("log", "marco", "--note", "nudged").stdout
    assert "Next: 2026-11-19 (in 3 days): check in again on their promise: intro to their CFO" in logged


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
    logged = fup.ok("log", "maya", "--outcome", "won").stdout
    assert "Done, as they signed: sign." in logged
    card = fup.json("show", "maya", "-f", "json")
    assert card["state"] == "client"
    assert [(c["action"], c["status"]) for c in card["commitments"]] == [("sign", "done"), ("onboarding call", "open")]
    rows = fup.json("today", "-f", "json", now="2026-12-07")
    assert [(r["name"], r["kind"]) for r in rows] == [("Maya Chen", "promise")]


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


def test_a_reply_reopens_a_closed_contact(fup) -> None:
    fup.ok("add", "Sara Kim", now="2026-11-16")
    fup.ok("log", "sara", "--outcome", "not-interested", now="2026-11-27")
    logged = fup.ok("log", "sara", "--in", now="2026-12-03").stdout
    assert "Sara Kim is reopened (active)." in logged
    card = fup.json("show", "sara", "-f", "json", now="2026-12-03")
    assert card["state"] == "active"
    assert card["next"]["reason"] == "first follow-up after their reply on 2026-12-03 (warm cadence)"


def test_a_weekend_birthday() -> None:
    assert birthday_item("12-12", None, date(2026, 12, 10)) is None
    item = birthday_item("12-12", None, date(2026, 12, 11))
    assert (item.due, item.reason) == (date(2026, 12, 11), "birthday on Saturday 2026-12-12")
    assert birthday_item("12-12", None, date(2026, 12, 18)) is not None
    assert birthday_item("12-12", None, date(2026, 12, 19)) is None
    assert birthday_item("12-12", date(2026, 12, 11), date(2026, 12, 14)) is None  # greeted on Friday


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
