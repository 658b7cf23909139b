"""The scheduler: who is due, when, and why. Pure: facts in, decisions out.

Data flow: the core loads a contact's facts (profile, state, touches,
commitments, snooze) and calls `plan_contact`, which returns a `Plan`: the
state it was planned for and its *agenda*, every item that will come due (a
promise of mine, a check-in on theirs, the date they asked for, the next
cadence follow-up). The agenda does not depend on today's date, so the core
stores it (one `AgendaItem` row per item, with its `rank`), and `fup today`
reads the most urgent visible items in rank order without reading any history;
`row_on` is the same choice for one contact.

Nothing here does I/O or reads the clock; every rule is documented, with
worked examples, in docs/scheduling.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from .dates import birthday_on, is_leap_year, shift_to_workday
from .vocabulary import is_two_way

# --- rules -----------------------------------------------------------------

PARK = "park"
REPEAT = "repeat"
PROFILE_ENDS = (PARK, REPEAT)
NURTURE = "nurture"
NO_CADENCE = "none"

# Urgency of each kind of row on its due day; a day overdue adds 1.
# A promise of mine outweighs every other kind, so it ranks above any row that
# is not more overdue than it is. Cadence rows add their profile's weight.
KIND_WEIGHTS = {"promise": 12.0, "asked": 9.0, "their-promise": 7.0, "birthday": 6.0, "cadence": 2.0}
OVERDUE_WEIGHT = 1.0
BIRTHDAY_WINDOW_DAYS = 7  # a birthday stays listed this many days unless you touch the contact


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
    """Everything configurable the scheduler needs: profiles and the workday calendar."""

    profiles: Mapping[str, Profile] = field(default_factory=lambda: dict(DEFAULT_PROFILES))
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()

    def workday(self, day: date) -> date:
        return shift_to_workday(day, self.workdays, self.holidays)


# --- facts in ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactFacts:
    name: str
    cadence: str
    state: str = "active"
    created_at: datetime = datetime(2000, 1, 1)
    snoozed_until: date | None = None
    birthday: str | None = None


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


# --- decisions out ----------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One thing that comes due for a contact on `due`, and why."""

    kind: str
    due: date
    reason: str
    weight: float
    commitment_id: int | None = None

    def urgency(self, on: date) -> float:
        return self.weight + OVERDUE_WEIGHT * (on - self.due).days

    @property
    def rank(self) -> float:
        """A day-independent sort key: on any day, a lower rank means a higher urgency."""
        return self.due.toordinal() * OVERDUE_WEIGHT - self.weight


@dataclass(frozen=True)
class Plan:
    """What the scheduler decided for one contact, independent of the day you look."""

    state: str
    items: tuple[Item, ...]
    unanswered_streak: int
    last_touch: date | None
    next_step_due: date | None  # earliest open hard commitment, either side's

    @property
    def next_due(self) -> date | None:
        """First day an agenda item is due (birthdays and snooze apart)."""
        return min((item.due for item in self.items), default=None)


# --- the rules --------------------------------------------------------------


def next_state(state: str, touch: TouchFacts, unanswered_streak: int = 0, profile: Profile | None = None) -> str:
    """The state a contact moves to when `touch` is logged (rules 2, 5 and parking).

    `unanswered_streak` is the streak with `touch` counted, `profile` the contact's
    cadence: a `park` profile whose gaps that streak has used up parks the contact.
    Parking happens here, when a touch is logged, and nowhere else, so a contact you
    move back to `active` by hand stays active until its next unanswered touch.
    """
    if touch.outcome == "not-interested":
        return "closed"
    if touch.outcome == "won":
        return "client"
    if state == NURTURE and touch.two_way:
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


def _describe_anchor(touch: TouchFacts) -> str:
    if touch.outcome == "meeting" or touch.channel == "meeting":
        what = "meeting"
    elif touch.outcome == "won":
        what = "win"
    elif touch.direction == "in" and touch.outcome not in ("talked", "replied"):
        what = f"their {touch.channel}"
    elif touch.outcome == "replied":
        what = "reply"
    elif touch.outcome == "talked":
        what = "call" if touch.channel == "call" else "conversation"
    else:
        what = "opening touch"
    return f"{what} on {touch.at.date().isoformat()}"


def _gap(profile: Profile, index: int) -> int | None:
    """The gap after `index` unanswered follow-ups; past the end, the last one again."""
    if not profile.gaps:
        return None
    return profile.gaps[min(index, len(profile.gaps) - 1)]


def _cadence_item(
    contact: ContactFacts, touches: Sequence[TouchFacts], rules: Rules
) -> tuple[Item | None, str, int]:
    """The next cadence (or asked-for) item and the unanswered streak; the state is not changed here."""
    profile = rules.profiles.get(contact.cadence) or rules.profiles[NO_CADENCE]
    nurture = rules.profiles[NURTURE]
    state = contact.state
    if not touches:
        if state == "closed" or not profile.gaps:
            return None, state, 0
        # Due at once, or when a snooze ends (a bulk import spreads opening touches this way).
        opening = max(contact.created_at.date(), contact.snoozed_until or date.min)
        reason = f"opening touch: not contacted yet ({profile.name} cadence)"
        return Item("cadence", opening, reason, KIND_WEIGHTS["cadence"] + profile.weight), state, 0

    anchor_at = max((i for i, t in enumerate(touches) if t.two_way), default=0)
    anchor = touches[anchor_at]
    unanswered = touches[anchor_at + 1:]
    streak = len(unanswered)
    if state == "closed":
        return None, state, streak

    # Rule 4: a date they asked for replaces the cadence until a touch on or after it.
    asked_at = max((i for i, t in enumerate(touches) if t.ask_again), default=None)
    if asked_at is not None and asked_at >= anchor_at:
        asked = touches[asked_at].ask_again
        if all(t.at.date() < asked for t in touches[asked_at + 1:]):
            reason = f"they asked to hear from you on {asked.isoformat()}"
            return Item("asked", asked, reason, KIND_WEIGHTS["asked"]), state, streak

    last = (unanswered[-1] if unanswered else anchor).at.date()
    since = _describe_anchor(anchor)
    parked = profile.end == PARK and streak >= len(profile.gaps)
    if state == "client":
        use, index = nurture, streak
        label = f"client check-in, last contact {last.isoformat()}"
    elif state == NURTURE:
        # Parked when the profile ran out: nurture counts from its first gap then.
        use, index = nurture, (streak - len(profile.gaps) if parked else streak)
        label = f"nurture check-in: {streak} unanswered since the {since}"
    else:  # active; past a park profile's end only when moved back by hand: its last gap
        use, index = profile, streak
        if streak == 0:
            label = f"first follow-up after the {since}"
        else:
            label = f"follow-up {streak + 1}: {streak} unanswered since the {since}"
    gap = _gap(use, index)
    if gap is None or not profile.gaps:
        return None, state, streak
    due = rules.workday(last + timedelta(days=gap))
    weight = KIND_WEIGHTS["cadence"] + use.weight
    return Item("cadence", due, f"{label} ({use.name} cadence)", weight), state, streak


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
    cadence, state, streak = _cadence_item(contact, touches, rules)
    items: list[Item] = []
    if state != "closed":
        for c in open_commitments:
            if c.whose == "mine":
                items.append(Item("promise", c.due, f"you promised: {c.action}", KIND_WEIGHTS["promise"], c.id))
            else:
                reason = f"check in on their promise: {c.action}"
                items.append(Item("their-promise", c.due, reason, KIND_WEIGHTS["their-promise"], c.id))
    hard_dues = [c.due for c in open_commitments if c.firmness == "hard"]
    if cadence is not None:
        # Rule 6: an agreed hard next step pauses the cadence until it is due.
        if cadence.kind == "cadence" and hard_dues and max(hard_dues) > cadence.due:
            pause_end = max(hard_dues)
            cadence = Item("cadence", pause_end, cadence.reason + f"; next step was due {pause_end.isoformat()}", cadence.weight)
        items.append(cadence)
    items.sort(key=lambda item: (item.due, -item.weight))
    return Plan(
        state=state,
        items=tuple(items),
        unanswered_streak=streak,
        last_touch=touches[-1].at.date() if touches else None,
        next_step_due=min(hard_dues, default=None),
    )


def birthday_item(birthday: str | None, last_touch: date | None, on: date) -> Item | None:
    """The birthday row visible on `on`: from the day itself, for a week, until you touch them."""
    if not birthday:
        return None
    for year in (on.year, on.year - 1):
        day = birthday_on(birthday, year)
        if day <= on < day + timedelta(days=BIRTHDAY_WINDOW_DAYS):
            if last_touch is not None and last_touch >= day:
                return None
            return Item("birthday", day, f"birthday on {day.isoformat()}", KIND_WEIGHTS["birthday"])
    return None


def birthday_days(on: date) -> list[str]:
    """The 'MM-DD' strings whose birthdays are visible on `on` (for an indexed lookup)."""
    days = set()
    for back in range(BIRTHDAY_WINDOW_DAYS):
        day = on - timedelta(days=back)
        days.add(day.strftime("%m-%d"))
        if day.month == 2 and day.day == 28 and not is_leap_year(day.year):
            days.add("02-29")
    return sorted(days)


def row_on(
    state: str,
    items: Iterable[Item],
    on: date,
    snoozed_until: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
) -> Item | None:
    """The one row a contact shows in `fup today --on ON`: its most urgent visible item."""
    if state == "closed" or (snoozed_until is not None and on < snoozed_until):
        return None
    visible = [item for item in items if item.due <= on]
    bday = birthday_item(birthday, last_touch, on)
    if bday is not None:
        visible.append(bday)
    if not visible:
        return None
    return max(visible, key=lambda item: (item.urgency(on), -item.due.toordinal()))


def first_visible(
    state: str,
    items: Sequence[Item],
    today: date,
    snoozed_until: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
) -> date | None:
    """The first date on which the contact appears in `fup today` (in the past when overdue)."""
    first = min((item.due for item in items), default=None)
    return first_visible_day(state, first, today, snoozed_until, birthday, last_touch)


def first_visible_day(
    state: str,
    first_due: date | None,
    today: date,
    snoozed_until: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
) -> date | None:
    """`first_visible`, given the first due date of the agenda rather than the agenda itself."""
    if state == "closed":
        return None
    candidates = []
    if first_due is not None:
        candidates.append(max(first_due, snoozed_until) if snoozed_until else first_due)
    if birthday:
        for year in (today.year - 1, today.year, today.year + 1):
            day = birthday_on(birthday, year)
            shown_from = max(day, snoozed_until) if snoozed_until else day
            last_day = day + timedelta(days=BIRTHDAY_WINDOW_DAYS - 1)
            touched = last_touch is not None and last_touch >= day
            if last_day >= today and shown_from <= last_day and not touched:
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
    return row_on(plan.state, plan.items, now.date(), contact.snoozed_until, contact.birthday, plan.last_touch)
