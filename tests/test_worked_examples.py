"""The worked examples of docs/scheduling.md, checked against the scheduler."""

from __future__ import annotations

from datetime import date, datetime

from fupcli.queries import DueRow, rank_key
from fupcli.scheduler import (
    CommitmentFacts,
    ContactFacts,
    Rules,
    TouchFacts,
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


def test_they_asked_for_a_date() -> None:
    contact = ContactFacts("Tom", "hot", created_at=MON)
    talk = TouchFacts(at(date(2026, 11, 26)), outcome="talked", channel="call", ask_again=date(2027, 1, 5), id=1)
    touches = [TouchFacts(MON, outcome="meeting"), talk]
    plan = plan_contact(contact, touches, [], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("asked", date(2027, 1, 5))]
    # the call on the asked date goes unanswered: gaps[1] (hot: 1 day) after it
    touches.append(TouchFacts(at(date(2027, 1, 5)), channel="call", outcome="no-answer", id=2))
    assert cadence_due(contact, touches)[0] == date(2027, 1, 6)


def test_an_agreed_next_step() -> None:
    met = datetime(2026, 11, 23, 18)
    contact = ContactFacts("Ana", "warm", created_at=met)
    deck = CommitmentFacts(1, "mine", "send a deck", date(2026, 11, 25))
    touches = [TouchFacts(met, outcome="meeting")]
    plan = plan_contact(contact, touches, [deck], RULES)
    assert [(i.kind, i.due) for i in plan.items] == [("promise", date(2026, 11, 25)), ("cadence", date(2026, 11, 27))]
    sent = touches + [TouchFacts(at(date(2026, 11, 25)), id=1)]
    assert cadence_due(contact, sent)[0] == date(2026, 11, 30)
    demo = CommitmentFacts(2, "theirs", "demo meeting", date(2026, 12, 4))
    plan = plan_contact(contact, touches, [demo], RULES)
    assert ("cadence", date(2026, 12, 4)) in [(i.kind, i.due) for i in plan.items]


def test_ranking_one_morning() -> None:
    on = date(2026, 11, 23)

    def row(name: str, kind: str, due: date, urgency: float) -> DueRow:
        return DueRow(1, name, None, kind, "", due.isoformat(), (on - due).days, "email", urgency, None)

    rows = [
        row("Ben", "their-promise", date(2026, 11, 20), 7 + 3),
        row("Chloe", "cadence", date(2026, 11, 19), 6 + 4),
        row("Farid", "promise", date(2026, 11, 20), 12 + 3),
    ]
    assert [r.name for r in sorted(rows, key=rank_key)] == ["Farid", "Chloe", "Ben"]
