"""The scheduler: who is due, when, and why. Pure: facts in, decisions out.

Data flow: the core loads a contact's facts (profile, state, touches,
commitments, snooze) and calls `plan_contact`, which returns a `Plan`: the
state it was planned for and its *agenda*, every item that will come due (a
promise of mine, the date they asked for, a check-in on their promise, the
next cadence follow-up, a soft step). The agenda does not depend on today's
date, so the core stores it (one `AgendaItem` row per item, with its `rank`),
and `fup today` reads the most urgent visible items in rank order without
reading any history; `rows_on` is the same choice for one contact.

Ranking is by tier first (`TIERS`, a promise of mine on top, soft steps last),
then by days overdue, then by profile weight; `Item.rank` encodes all three in
one number that does not depend on the day, so an index can serve it.

Nothing here does I/O or reads the clock; every rule is documented, with
worked examples, in docs/scheduling.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from .dates import WEEKDAYS, add_workdays, birthday_on, is_leap_year, is_workday, shift_to_workday, workday_on_or_before
from .vocabulary import KINDS, is_two_way

# --- rules -----------------------------------------------------------------

PARK = "park"
REPEAT = "repeat"
PROFILE_ENDS = (PARK, REPEAT)
NURTURE = "nurture"
NO_CADENCE = "none"

# The tiers of a row in `fup today`, top down: a hard promise of mine; a date they
# asked for; a check-in on their hard promise; a birthday; a cadence follow-up; a soft
# step (either side's). A row of a higher tier ranks above any row of a lower one,
# however overdue; within a tier, more days overdue first, then the profile's weight.
TIERS = KINDS
TIER_SPAN = 10_000_000  # more than any date's ordinal (3,652,059): tiers never overlap
WEIGHT_SCALE = 10.0  # a profile weight (0 to 5) / 10 stays under one day overdue
BIRTHDAY_WINDOW_DAYS = 7  # a birthday stays listed until six days after it, unless you touch the contact
CHECKIN_GAP = 3  # workdays from a check-in on their promise to the next one
SHORT_REASON = 48  # characters of the next reason quoted in "(+N more: ...)"


@dataclass(frozen=True)
class Profile:
    """A cadence: gaps in days between follow-ups, and what happens when they run out."""

    name: str
    gaps: tuple[int, ...]
    end: str = PARK
    weight: float = 2.0

    def offsets(self, count: int = 0) -> list[int]:
        """Day offsets of the follow-ups from the meeting (unanswered throughout)."""
        gaps = list(self.gaps)
        if self.end == REPEAT and gaps and count > len(gaps):
            gaps += [gaps[-1]] * (count - len(gaps))
        total, out = 0, []
        for gap in gaps:
            total += gap
            out.append(total)
        return out


DEFAULT_PROFILES: dict[str, Profile] = {
    "hot": Profile("hot", (2, 1, 2, 3, 5, 8, 13), PARK, 3.0),
    "warm": Profile("warm", (4, 3, 3, 5, 8, 13, 21), PARK, 2.0),
    "nurture": Profile("nurture", (30, 60, 90), REPEAT, 1.0),
    "vip": Profile("vip", (2, 2, 3, 5, 8, 13), REPEAT, 4.0),
    "none": Profile("none", (), REPEAT, 0.0),
}


@dataclass(frozen=True)
class Rules:
    """Everything configurable the scheduler needs: profiles, the workday calendar, the check-in gap."""

    profiles: Mapping[str, Profile] = field(default_factory=lambda: dict(DEFAULT_PROFILES))
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    checkin_gap: int = CHECKIN_GAP

    def workday(self, day: date) -> date:
        """`day`, or the next workday when it is none (computed dates)."""
        return shift_to_workday(day, self.workdays, self.holidays)

    def is_workday(self, day: date) -> bool:
        return is_workday(day, self.workdays, self.holidays)

    def workday_before(self, day: date) -> date:
        """`day`, or the last workday before it when it is none (a weekend birthday shows on Friday)."""
        return workday_on_or_before(day, self.workdays, self.holidays)

    def add_workdays(self, day: date, count: int) -> date:
        return add_workdays(day, count, self.workdays, self.holidays)


DEFAULT_RULES = Rules()


# --- facts in ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactFacts:
    name: str
    cadence: str
    state: str = "active"
    created_at: datetime = datetime(2000, 1, 1)
    snoozed_until: date | None = None
    birthday: str | None = None
    reopened_at: datetime | None = None  # when it was last moved out of `closed` by hand


@dataclass(frozen=True)
class TouchFacts:
    at: datetime
    direction: str = "out"
    outcome: str = "sent"
    channel: str = "email"
    ask_again: date | None = None
    id: int = 0

    @property
    def two_way(self) -> bool:
        return is_two_way(self.direction, self.outcome)


@dataclass(frozen=True)
class CommitmentFacts:
    id: int
    whose: str
    action: str
    due: date
    firmness: str = "hard"
    status: str = "open"
    channel: str | None = None  # how to do it, when not the contact's usual channel


# --- decisions out ----------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One thing that comes due for a contact on `due`, and why.

    `weight` is the cadence profile's weight (0 for other kinds); `channel` the
    channel the commitment asks for (None: the contact's preferred one)."""

    kind: str
    due: date
    reason: str
    weight: float = 0.0
    commitment_id: int | None = None
    channel: str | None = None

    @property
    def tier(self) -> int:
        return TIERS.index(self.kind)

    def urgency(self, on: date) -> float:
        """How urgent the item is on `on`: higher first. Tier x TIER_SPAN + days overdue + weight / 10."""
        return (len(TIERS) - 1 - self.tier) * TIER_SPAN + (on - self.due).days + self.weight / WEIGHT_SCALE

    @property
    def rank(self) -> float:
        """A day-independent sort key: on any day, a lower rank means a higher urgency
        (urgency on `on` = (len(TIERS) - 1) x TIER_SPAN + on's ordinal - rank)."""
        return self.tier * TIER_SPAN + self.due.toordinal() - self.weight / WEIGHT_SCALE


def rank_bounds(tier: int, on: date) -> tuple[float, float]:
    """The `rank` range of the items of `tier` that are due on or before `on` (lo <= rank < hi)."""
    return tier * TIER_SPAN - 1.0, tier * TIER_SPAN + on.toordinal() + 0.5


def item_order(item: Item) -> tuple:
    """The order of one contact's items, most urgent first (the order `fup today` reads them in)."""
    return (item.rank, item.commitment_id or 0, item.kind)


@dataclass(frozen=True)
class Plan:
    """What the scheduler decided for one contact, independent of the day you look."""

    state: str
    items: tuple[Item, ...]
    unanswered_streak: int
    last_touch: date | None
    next_step_due: date | None  # earliest open hard commitment (either side's) or date they asked for

    @property
    def next_due(self) -> date | None:
        """First day an agenda item is due (birthdays apart; a snooze is applied)."""
        return min((item.due for item in self.items), default=None)


# --- the rules --------------------------------------------------------------


def next_state(state: str, touch: TouchFacts, unanswered_streak: int = 0, profile: Profile | None = None) -> str:
    """The state a contact moves to when `touch` is logged (rules 2, 5, parking and reopening).

    `unanswered_streak` is the streak with `touch` counted, `profile` the contact's
    cadence: a `park` profile whose gaps that streak has used up parks the contact.
    Parking happens here, when a touch is logged, and nowhere else, so a contact you
    move back to `active` by hand stays active until its next unanswered touch.
    A closed contact who engages (writes, replies, talks, meets) is reopened.
    """
    if touch.outcome == "not-interested":
        return "closed"
    if touch.outcome == "won":
        return "client"
    if state in (NURTURE, "closed") and touch.two_way:
        return "active"
    if (
        state == "active"
        and profile is not None
        and profile.end == PARK
        and profile.gaps
        and not touch.two_way
        and unanswered_streak >= len(profile.gaps)
    ):
        return NURTURE
    return state


_CHANNEL_NOUNS = {"email": "email", "call": "call", "text": "text", "linkedin": "LinkedIn message",
                  "meeting": "meeting", "other": "message"}


def _describe(touch: TouchFacts, honoured: bool = False) -> str:
    """What a cadence counts from, in words: 'the meeting on 2026-11-02', 'their reply on ...'."""
    day = touch.at.date().isoformat()
    noun = _CHANNEL_NOUNS.get(touch.channel, "message")
    if honoured:
        return f"your {noun} on {day}, the date they asked for"
    if touch.outcome == "meeting" or touch.channel == "meeting":
        return f"the meeting on {day}"
    if touch.outcome == "won":
        return f"the win on {day}"
    if touch.direction == "in" and touch.outcome not in ("talked", "replied"):
        return f"their {noun} on {day}"
    if touch.outcome == "replied":
        return f"their reply on {day}"
    if touch.outcome == "talked":
        return f"the call on {day}" if touch.channel == "call" else f"the conversation on {day}"
    return f"your {noun} on {day}"


@dataclass(frozen=True)
class Thread:
    """Where a contact's conversation stands: what the cadence counts from and how many
    follow-ups since went unanswered, and a date they asked for that is still to come."""

    anchor: str | None  # in words; None when there is nothing to count from (never contacted)
    last: date | None  # the day of the last touch (or of the anchor)
    streak: int  # unanswered follow-ups since the anchor
    asked: date | None  # a date they asked for, not yet honoured by a touch on or after it


def thread(touches: Sequence[TouchFacts], reopened_at: datetime | None = None) -> Thread:
    """Walk the touches in order (they must be sorted). A two-way touch, a touch on or after
    the date they asked for (honouring it), and a reopening by hand each restart the count;
    any other touch adds one unanswered follow-up (the very first one is the opening touch)."""
    anchor: str | None = None
    last: date | None = None
    streak = 0
    asked: date | None = None
    reopen = reopened_at
    for touch in touches:
        if reopen is not None and touch.at >= reopen:
            anchor, last, streak, asked, reopen = f"the reopening on {reopen.date().isoformat()}", reopen.date(), 0, None, None
        day = touch.at.date()
        if touch.two_way:
            anchor, streak, asked = _describe(touch), 0, None
        elif asked is not None and day >= asked:
            anchor, streak, asked = _describe(touch, honoured=True), 0, None
        elif anchor is None:
            anchor, streak = _describe(touch), 0
        else:
            streak += 1
        last = day
        if touch.ask_again is not None:
            asked = touch.ask_again
    if reopen is not None:
        anchor, last, streak, asked = f"the reopening on {reopen.date().isoformat()}", reopen.date(), 0, None
    return Thread(anchor, last, streak, asked)


def _gap(profile: Profile, index: int) -> int | None:
    """The gap after `index` unanswered follow-ups; past the end, the last one again."""
    if not profile.gaps:
        return None
    return profile.gaps[min(index, len(profile.gaps) - 1)]


def _cadence_item(contact: ContactFacts, talk: Thread, rules: Rules) -> Item | None:
    """The next cadence (or asked-for) item; the state is not changed here."""
    profile = rules.profiles.get(contact.cadence) or rules.profiles[NO_CADENCE]
    nurture = rules.profiles[NURTURE]
    state = contact.state
    if state == "closed":
        return None
    if talk.anchor is None:
        if not profile.gaps:
            return None
        # Due at once, or when a snooze ends (a bulk import spreads opening touches this way).
        reason = f"opening touch: not contacted yet ({profile.name} cadence)"
        return Item("cadence", contact.created_at.date(), reason, profile.weight)

    # A date they asked for replaces the cadence until a touch on or after it.
    if talk.asked is not None:
        return Item("asked", talk.asked, f"they asked to hear from you on {talk.asked.isoformat()}")

    streak = talk.streak
    parked = profile.end == PARK and streak >= len(profile.gaps)
    if state == "client":
        use, index = nurture, streak
        label = f"client check-in, last contact on {talk.last.isoformat()}"
    elif state == NURTURE:
        # Parked when the profile ran out: nurture counts from its first gap then.
        use, index = nurture, (streak - len(profile.gaps) if parked else streak)
        label = f"nurture check-in: {streak} unanswered since {talk.anchor}"
    else:  # active; past a park profile's end only when moved back by hand: its last gap
        use, index = profile, streak
        if streak == 0:
            label = f"first follow-up after {talk.anchor}"
        else:
            label = f"follow-up {streak + 1}: {streak} unanswered since {talk.anchor}"
    gap = _gap(use, index)
    if gap is None or not profile.gaps:
        return None
    due = rules.workday(talk.last + timedelta(days=gap))
    return Item("cadence", due, f"{label} ({use.name} cadence)", use.weight)


def _commitment_item(c: CommitmentFacts, touched: Sequence[date], rules: Rules) -> Item | None:
    """A commitment's row: my hard promise stays due until closed; a check-in on their hard
    promise clears with a touch on or after its due date and comes back `checkin_gap` workdays
    after the last such touch; a soft step (either side's) shows on its date until such a touch,
    then the cadence carries on alone."""
    if c.whose == "mine" and c.firmness == "hard":
        return Item("promise", c.due, f"you promised: {c.action}", commitment_id=c.id, channel=c.channel)
    checked = max((day for day in touched if day >= c.due), default=None)
    if c.firmness == "soft":
        if checked is not None:
            return None
        said = "you said" if c.whose == "mine" else "they said"
        return Item("soft", c.due, f"soft, {said}: {c.action}", commitment_id=c.id, channel=c.channel)
    due = rules.add_workdays(checked, rules.checkin_gap) if checked is not None else c.due
    reason = f"check in on their promise: {c.action}"
    if checked is not None:
        reason = f"check in again on their promise: {c.action} (last on {checked.isoformat()})"
    return Item("their-promise", due, reason, commitment_id=c.id, channel=c.channel)


def not_before(snoozed_until: date | None, reopened_at: datetime | date | None) -> date | None:
    """The first day anything of a contact may be due: the end of its snooze, the day it was
    reopened (nothing of a reopened contact is overdue on the day it reopens)."""
    reopened = reopened_at.date() if isinstance(reopened_at, datetime) else reopened_at
    return max((day for day in (snoozed_until, reopened) if day is not None), default=None)


def _not_before(items: Iterable[Item], floor: date | None) -> list[Item]:
    """Items due no earlier than `floor` (the end of a snooze, a reopening): a snooze is a new due date."""
    if floor is None:
        return list(items)
    return [replace(item, due=floor) if item.due < floor else item for item in items]


def plan_contact(
    contact: ContactFacts,
    touches: Iterable[TouchFacts],
    commitments: Iterable[CommitmentFacts],
    rules: Rules,
) -> Plan:
    """Decide a contact's state and agenda from its whole history."""
    touches = sorted(touches, key=lambda t: (t.at, t.id))
    open_commitments = sorted(
        (c for c in commitments if c.status == "open"), key=lambda c: (c.due, c.id)
    )
    talk = thread(touches, contact.reopened_at)
    state = contact.state
    cadence = _cadence_item(contact, talk, rules)
    items: list[Item] = []
    touched = [t.at.date() for t in touches]
    if state != "closed":
        items += [item for c in open_commitments if (item := _commitment_item(c, touched, rules)) is not None]
    hard_dues = [c.due for c in open_commitments if c.firmness == "hard"]
    # An agreed hard next step (either side's) replaces the cadence while it is open: my promise
    # and the check-ins on theirs do the chasing. The cadence resumes, from the last touch, once
    # the last of them is done or dropped.
    if cadence is not None and not (cadence.kind == "cadence" and hard_dues):
        items.append(cadence)
    items = sorted(_not_before(items, not_before(contact.snoozed_until, contact.reopened_at)), key=item_order)
    steps = hard_dues + ([talk.asked] if talk.asked is not None and state != "closed" else [])
    return Plan(
        state=state,
        items=tuple(items),
        unanswered_streak=talk.streak,
        last_touch=touches[-1].at.date() if touches else None,
        next_step_due=min(steps, default=None),
    )


# --- birthdays ----------------------------------------------------------------


def birthday_window(birthday: str, year: int, rules: Rules) -> tuple[date, date, date]:
    """(the birthday in `year`, the first day it shows, the last day it shows)."""
    day = birthday_on(birthday, year)
    return day, rules.workday_before(day), day + timedelta(days=BIRTHDAY_WINDOW_DAYS - 1)


def birthday_reason(day: date) -> str:
    return f"birthday on {WEEKDAYS[day.weekday()].capitalize()} {day.isoformat()}"


def birthday_item(
    birthday: str | None,
    last_touch: date | None,
    on: date,
    snoozed_until: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Item | None:
    """The birthday row visible on `on`: from the day itself (a weekend or holiday birthday from
    the workday before) until six days after, unless you touch them from its first day on."""
    if not birthday:
        return None
    for year in (on.year + 1, on.year, on.year - 1):
        day, shown, last = birthday_window(birthday, year, rules)
        start = max(shown, snoozed_until) if snoozed_until else shown
        if start <= on <= last:
            if last_touch is not None and last_touch >= shown:
                return None
            return Item("birthday", start, birthday_reason(day))
    return None


def birthday_days(on: date, rules: Rules = DEFAULT_RULES) -> list[str]:
    """The 'MM-DD' strings whose birthdays are visible on `on` (for an indexed lookup)."""
    days = set()

    def add(day: date) -> None:
        days.add(day.strftime("%m-%d"))
        if day.month == 2 and day.day == 28 and not is_leap_year(day.year):
            days.add("02-29")

    for back in range(BIRTHDAY_WINDOW_DAYS):
        add(on - timedelta(days=back))
    ahead = on + timedelta(days=1)
    while not rules.is_workday(ahead) and (ahead - on).days <= 366:  # shown from the workday before
        add(ahead)
        ahead += timedelta(days=1)
    return sorted(days)


# --- one contact on one day -----------------------------------------------------


def rows_on(
    state: str,
    items: Iterable[Item],
    on: date,
    snoozed_until: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> list[Item]:
    """Every item of a contact visible on `on`, most urgent first (the first is its row)."""
    if state == "closed" or (snoozed_until is not None and on < snoozed_until):
        return []
    visible = [item for item in _not_before(items, snoozed_until) if item.due <= on]
    bday = birthday_item(birthday, last_touch, on, snoozed_until, rules)
    if bday is not None:
        visible.append(bday)
    return sorted(visible, key=item_order)


def row_on(
    state: str,
    items: Iterable[Item],
    on: date,
    snoozed_until: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Item | None:
    """The one row a contact shows in `fup today --on ON`: its most urgent visible item."""
    visible = rows_on(state, items, on, snoozed_until, birthday, last_touch, rules)
    return visible[0] if visible else None


def with_more(top: Item, others: Sequence[Item]) -> str:
    """The reason of a contact's row, saying what else is due: '... (+2 more: you promised: ...)'."""
    if not others:
        return top.reason
    nxt = others[0].reason
    if len(nxt) > SHORT_REASON:
        nxt = nxt[: SHORT_REASON - 1].rstrip() + "…"
    return f"{top.reason} (+{len(others)} more: {nxt})"


def first_visible(
    state: str,
    items: Sequence[Item],
    today: date,
    snoozed_until: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> date | None:
    """The first date on which the contact appears in `fup today` (in the past when overdue)."""
    first = min((item.due for item in items), default=None)
    return first_visible_day(state, first, today, snoozed_until, birthday, last_touch, rules)


def first_visible_day(
    state: str,
    first_due: date | None,
    today: date,
    snoozed_until: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> date | None:
    """`first_visible`, given the first due date of the agenda rather than the agenda itself."""
    if state == "closed":
        return None
    candidates = []
    if first_due is not None:
        candidates.append(max(first_due, snoozed_until) if snoozed_until else first_due)
    if birthday:
        for year in (today.year - 1, today.year, today.year + 1):
            _day, shown, last = birthday_window(birthday, year, rules)
            shown_from = max(shown, snoozed_until) if snoozed_until else shown
            touched = last_touch is not None and last_touch >= shown
            if last >= today and shown_from <= last and not touched:
                candidates.append(shown_from)
                break
    return min(candidates, default=None)


def next_item(
    contact: ContactFacts,
    touches: Iterable[TouchFacts],
    commitments: Iterable[CommitmentFacts],
    rules: Rules,
    now: datetime,
) -> Item | None:
    """The contact's row in `fup today` at `now`, with its reason (None when nothing is due)."""
    touches = list(touches)
    plan = plan_contact(contact, touches, commitments, rules)
    return row_on(plan.state, plan.items, now.date(), contact.snoozed_until, contact.birthday, plan.last_touch, rules)
