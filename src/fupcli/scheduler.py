"""The scheduler: who is due, when, and why. Pure: facts in, decisions out.

Data flow: the core loads a contact's facts (profile, state, touches,
commitments, snooze) and calls `plan_contact`, which returns a `Plan`: the
state it was planned for and its *agenda*, every item that will come due (a
promise of mine, the date they asked for, a check-in on their promise, the
next cadence follow-up, a soft step). The agenda does not depend on today's
date, so the core stores it (one `AgendaItem` row per item, with its `rank`),
and `fup today` reads the most urgent visible items in rank order without
reading any history; `rows_on` is the same choice for one contact.

Balancing: a `cold` item (a nurture rhythm, an opening touch) may move up to its
`slack` days later; `place` picks the day from the load of each day (rows already
due then), which the core reads from the database and passes in as a function,
so the days stay within capacity while the scheduler stays pure.

Ranking is by tier first (`TIERS`, a promise of mine on top, soft steps last),
then by days overdue, then by profile weight; `Item.rank` encodes all three in
one number that does not depend on the day, so an index can serve it.

Nothing here does I/O or reads the clock; every rule is documented, with
worked examples, in docs/scheduling.md.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import MappingProxyType

from .records import record

from .dates import WEEKDAYS, add_workdays, birthday_on, is_leap_year, is_workday, shift_to_workday, workday_on_or_before
from .vocabulary import KINDS, is_two_way

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - `typing` costs the daily commands ~5 ms to import
    from typing import Callable, Iterable, Iterator, Mapping, Sequence

# --- rules -----------------------------------------------------------------

PARK = "park"
REPEAT = "repeat"
PROFILE_ENDS = (PARK, REPEAT)
NURTURE = "nurture"
CLIENT = "client"
NO_CADENCE = "none"
PAUSED = "paused"
GREETING = "greeting"  # the outcome of a birthday greeting: neither a follow-up nor an answer

# The tiers of a row in `fup today`, top down: a hard promise of mine; a date they
# asked for; a check-in on their hard promise; a birthday; a cadence follow-up of a live
# contact; a cold one (a nurture rhythm, an opening touch); a soft step (either side's).
# A row of a higher tier ranks above any row of a lower one, however overdue; within a
# tier, more days overdue first, then the profile's weight.
TIERS = KINDS
COLD_TIER = TIERS.index("cold")
TIER_SPAN = 10_000_000  # more than any date's ordinal (3,652,059): tiers never overlap
WEIGHT_SCALE = 10.0  # a profile weight (0 to 5) / 10 stays under one day overdue
BIRTHDAY_WINDOW_DAYS = 7  # a birthday stays listed until six days after it, unless you touch the contact
CHECKIN_GAP = 3  # workdays from a check-in on their promise to the next one
CAPACITY = 20  # rows a day may hold when daily_limit is 0 (daily_capacity)
CHANNEL_SWITCH = 3  # unanswered touches on one channel before the row suggests another
MIN_CEILING = 30  # a repeat profile's gaps grow to at least this (vip reaches monthly)
OPENING_SPREAD = 3  # an opening touch may move up to this many first gaps later (an import's spread)
COLD_SLACK = 2  # a cold follow-up may move up to its gap / this many days later
WAIT_SPREAD = 10  # days over which cold rows a day had no room for are spread again
SHORT_REASON = 48  # characters of the next reason quoted in "(+N more: ...)"
AWAY_REACH = 3660  # days a run of non-workdays (days off) is followed back for the birthdays in it


@record
class Profile:
    """A cadence: gaps in days between follow-ups, and what happens when they run out."""

    name: str
    gaps: tuple[int, ...]
    end: str = PARK
    weight: float = 2.0
    max_gap: int | None = None  # the ceiling a repeat profile grows to; None: max(30, last gap)

    @property
    def ceiling(self) -> int:
        return self.max_gap if self.max_gap is not None else max([MIN_CEILING, *self.gaps])

    def gap(self, index: int) -> int | None:
        """The gap before follow-up `index + 1`. Past the listed gaps a `repeat` profile keeps
        growing, each gap the sum of the two before it, up to its ceiling (vip: 13, 21, 30, 30,
        ...); a `park` profile (only reached by a contact that keeps replying) keeps its last."""
        if not self.gaps:
            return None
        if index < len(self.gaps):
            return self.gaps[index]
        if self.end == PARK:
            return self.gaps[-1]
        before, last = (self.gaps[-2], self.gaps[-1]) if len(self.gaps) > 1 else (self.gaps[-1], self.gaps[-1])
        top = max(self.ceiling, last)
        for _ in range(index - len(self.gaps) + 1):
            before, last = last, min(top, before + last)
        return last

    def shape(self) -> list[int]:
        """Day offsets of the follow-ups from the meeting, unanswered throughout, until the gaps
        stop changing: a `repeat` profile then goes on every `ceiling` days."""
        count = len(self.gaps)
        if self.end == REPEAT and self.gaps:
            while self.gap(count - 1) != self.gap(count):
                count += 1
        return self.offsets(count)

    def offsets(self, count: int = 0) -> list[int]:
        """Day offsets of the follow-ups from the meeting (unanswered throughout)."""
        count = max(count, len(self.gaps)) if self.end == REPEAT else len(self.gaps)
        total, out = 0, []
        for index in range(count):
            total += self.gap(index) or 0
            out.append(total)
        return out


DEFAULT_PROFILES: dict[str, Profile] = {
    "hot": Profile("hot", (2, 1, 2, 3, 5, 8, 13), PARK, 3.0),
    "warm": Profile("warm", (4, 3, 3, 5, 8, 13, 21), PARK, 2.0),
    "nurture": Profile("nurture", (30, 60, 90), REPEAT, 1.0),
    "vip": Profile("vip", (2, 2, 3, 5, 8, 13), REPEAT, 4.0),
    "client": Profile("client", (30, 60, 90), REPEAT, 1.5),
    "none": Profile("none", (), REPEAT, 0.0),
}


@record
class Rules:
    """Everything configurable the scheduler needs: profiles, the workday calendar, the check-in gap."""

    profiles: Mapping[str, Profile] = MappingProxyType(DEFAULT_PROFILES)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    checkin_gap: int = CHECKIN_GAP
    capacity: int = CAPACITY  # rows a day may hold: daily_limit, or daily_capacity when that is 0
    channel_switch: int = CHANNEL_SWITCH
    away: frozenset[date] = frozenset()  # the user's days off (`fup away`), among `holidays` too

    def workday(self, day: date) -> date:
        """`day`, or the next workday when it is none (computed dates)."""
        return shift_to_workday(day, self.workdays, self.holidays)

    def is_workday(self, day: date) -> bool:
        return is_workday(day, self.workdays, self.holidays)

    def nearest_workday(self, day: date, after: date) -> date:
        """`day`, or the nearest workday when it is none, later on a tie and never on or before
        `after` (a follow-up computed for Saturday is due on Friday, for Sunday on Monday): a
        weekend's follow-ups do not all land on Monday. Across days off it is always the later one."""
        later = self.workday(day)
        earlier = self.workday_before(day)
        if earlier > after and (day - earlier) < (later - day) and not self.away_between(earlier, day):
            return earlier
        return later

    def away_between(self, earlier: date, day: date) -> bool:
        """Whether a day off lies after `earlier`, up to `day`: what falls in days off waits for the
        return, it is not pulled before them (that day is busy enough)."""
        return bool(self.away) and any(earlier + timedelta(days=n) in self.away for n in range(1, (day - earlier).days + 1))

    def workday_before(self, day: date) -> date:
        """`day`, or the last workday before it when it is none (a weekend birthday shows on Friday)."""
        return workday_on_or_before(day, self.workdays, self.holidays)

    def add_workdays(self, day: date, count: int) -> date:
        return add_workdays(day, count, self.workdays, self.holidays)


DEFAULT_RULES = Rules()


# --- facts in ---------------------------------------------------------------


@record
class ContactFacts:
    name: str
    cadence: str
    state: str = "active"
    created_at: datetime = datetime(2000, 1, 1)
    snoozed_until: date | None = None
    birthday: str | None = None
    reopened_at: datetime | None = None  # when it last restarted by hand (out of `closed`, off a park)
    channels: tuple[str, ...] = ()  # the channels it can be reached on, preferred first


@record
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


@record
class CommitmentFacts:
    id: int
    whose: str
    action: str
    due: date
    firmness: str = "hard"
    status: str = "open"
    channel: str | None = None  # how to do it, when not the contact's usual channel


# --- decisions out ----------------------------------------------------------


@record
class Item:
    """One thing that comes due for a contact on `due`, and why.

    `weight` is the cadence profile's weight (0 for other kinds); `channel` the
    channel to use when not the contact's preferred one (a commitment's own, a switch
    after unanswered touches); `slack` how many days a `cold` item may be moved later
    to balance the days (planning only: never stored)."""

    kind: str
    due: date
    reason: str
    weight: float = 0.0
    commitment_id: int | None = None
    channel: str | None = None
    slack: int = 0

    def __eq__(self, other: object) -> bool:  # (slack is for planning: not part of what the item is)
        return isinstance(other, Item) and self[:6] == other[:6]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:6])

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


@record
class Plan:
    """What the scheduler decided for one contact, independent of the day you look."""

    state: str
    items: tuple[Item, ...]
    unanswered_streak: int  # unanswered touches since the last two-way one
    last_touch: date | None
    next_step_due: date | None  # earliest open hard commitment (either side's) or date they asked for
    followups: int = 0  # unanswered follow-ups since the anchor
    position: int = 0  # the cadence's rung: follow-ups since the last fresh start (what parking counts)
    last_touch_at: datetime | None = None

    @property
    def next_due(self) -> date | None:
        """First day an agenda item is due (birthdays apart; a snooze is applied)."""
        return min((item.due for item in self.items), default=None)


# --- the rules --------------------------------------------------------------


def next_state(state: str, touch: TouchFacts, position: int = 0, profile: Profile | None = None) -> str:
    """The state a contact moves to when `touch` is logged (rules 2, 5, parking and reopening).

    `position` is the rung of the cadence the relationship has reached, `touch` counted
    (`Plan.position`: follow-ups since the last fresh start, which a reply does not reset),
    `profile` the contact's cadence: an unanswered follow-up that takes a `park` profile past
    its gaps parks the contact. So a contact who replies now and then parks after as many
    follow-ups as one who never does (a reply brings one more follow-up, not a new ladder).
    Parking happens here, when a touch is logged, and nowhere else, so a contact you move back
    to `active` by hand stays active until its next unanswered touch. A closed contact who
    engages (writes, replies, talks, meets) is reopened; a paused one stays paused until moved
    back by hand, and a birthday greeting changes nothing.
    """
    if touch.outcome == "not-interested":
        return "closed"
    if touch.outcome == "won":
        return CLIENT
    if touch.outcome == GREETING:
        return state
    if state in (NURTURE, "closed") and touch.two_way:
        return "active"
    if (
        state == "active"
        and profile is not None
        and profile.end == PARK
        and profile.gaps
        and not touch.two_way
        and position >= len(profile.gaps)
    ):
        return NURTURE
    return state


_CHANNEL_NOUNS = {"email": "email", "call": "call", "text": "text", "linkedin": "LinkedIn message",
                  "meeting": "meeting", "other": "message"}
_TRY = {"email": "an email", "call": "a call", "text": "a text", "linkedin": "a LinkedIn message"}


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


def _fresh_start(touch: TouchFacts) -> bool:
    """A meeting or a win starts the cadence over from its first rung; a reply does not."""
    return touch.outcome in ("meeting", "won") or touch.channel == "meeting"


@record
class Thread:
    """Where a contact's conversation stands, from its touches in order.

    The *anchor* is what the next gap counts from (a two-way touch, an honoured date, the
    opening touch, a reopening); `position` is the rung of the cadence the relationship has
    reached (follow-ups since the last fresh start: a meeting, a win, an honoured date, a
    reopening), which a reply does not reset, nor does the follow-up a reply brings move it;
    `reply_gap`, when the anchor is a reply, is the gap the contact had reached before it."""

    anchor: str | None  # in words; None when there is nothing to count from (never contacted)
    last: date | None  # the day the next gap counts from
    followups: int = 0  # unanswered follow-ups since the anchor
    unanswered: int = 0  # unanswered touches since the last two-way one (an opening touch included)
    asked: date | None = None  # a date they asked for, not yet honoured by a touch on or after it
    position: int = 0
    reply_gap: int | None = None
    run: tuple[str | None, int] = (None, 0)  # unanswered touches in a row on one channel


def thread(touches: Sequence[TouchFacts], reopened_at: datetime | None = None) -> Thread:
    """Walk the touches in order (they must be sorted).

    A two-way touch answers: the unanswered count restarts, and the next follow-up counts
    from it; a meeting or a win also restarts the cadence's rungs (a reply keeps them, so
    the relationship keeps its age). A touch on or after the date they asked for honours
    it and is a fresh start; a new `ask_again` replaces the date and one on the touch's own
    day clears it (`--ask-again none`); nothing else does. A birthday greeting is skipped.
    Any other touch is one more unanswered follow-up (the very first is the opening touch);
    the first after a reply, once the ladder has begun, is one the reply brought: it leaves the
    rung and the gap reached as they were, so a reply only ever pushes the ladder later.
    """
    anchor: str | None = None
    last: date | None = None
    followups = unanswered = position = 0
    asked: date | None = None
    reply_gap: int | None = None
    interval = 0  # days between the last follow-up and the touch before it
    run: tuple[str | None, int] = (None, 0)
    reopen = reopened_at
    for touch in touches:
        if reopen is not None and touch.at >= reopen:  # (a date they asked for stands, unless it has passed)
            anchor, last, reopen = f"the reopening on {reopen.date().isoformat()}", reopen.date(), None
            asked = asked if asked is not None and asked >= last else None
            followups = unanswered = position = interval = 0
            reply_gap, run = None, (None, 0)
        if touch.outcome == GREETING:
            continue
        day = touch.at.date()
        honours = asked is not None and day >= asked
        if honours:
            asked = None
        if touch.two_way:
            fresh = anchor is None or honours or _fresh_start(touch)
            reply_gap = None if fresh else interval
            if fresh:
                position = interval = 0
            anchor, followups, unanswered, run = _describe(touch), 0, 0, (None, 0)
        else:
            unanswered += 1
            run = (touch.channel, run[1] + 1 if run[0] == touch.channel else 1)
            if honours or anchor is None:
                anchor, followups, position, interval, reply_gap = _describe(touch, honours), 0, 0, 0, None
            elif reply_gap is not None and followups == 0 and position > 0:
                followups += 1  # the follow-up a reply brought: one more, off the ladder, which stays put
            else:
                followups += 1
                position += 1
                interval = (day - last).days if last is not None else 0
        last = day
        if touch.ask_again is not None:
            asked = touch.ask_again if touch.ask_again > day else None
    if reopen is not None:
        anchor, last = f"the reopening on {reopen.date().isoformat()}", reopen.date()
        asked = asked if asked is not None and asked >= last else None
        followups = unanswered = position = 0
        reply_gap, run = None, (None, 0)
    return Thread(anchor, last, followups, unanswered, asked, position, reply_gap, run)


def ladder(contact: ContactFacts, rules: Rules) -> Profile | None:
    """The profile a contact's cadence follows in its state: a client's is `client`
    (whatever its cadence, `none` included), a nurture contact's `nurture`, an active
    one's its own; a paused or closed contact has none."""
    if contact.state == CLIENT:
        return rules.profiles.get(CLIENT) or DEFAULT_PROFILES[CLIENT]
    if contact.state == NURTURE:
        return rules.profiles[NURTURE]
    if contact.state == "active":
        profile = rules.profiles.get(contact.cadence) or rules.profiles[NO_CADENCE]
        return profile if profile.gaps else None
    return None


def _plural(noun: str) -> str:
    return noun + "es" if noun.endswith("ss") else noun + "s"


def _switch(talk: Thread, channels: Sequence[str], rules: Rules) -> tuple[str, str] | None:
    """(another channel, what was unanswered) once `channel_switch` touches in a row on one
    channel went unanswered and the contact can be reached another way ('3 emails')."""
    channel, count = talk.run
    if channel is None or count < rules.channel_switch:
        return None
    other = next((c for c in channels if c != channel and c in _TRY), None)
    if other is None:
        return None
    return other, f"{count} {_plural(_CHANNEL_NOUNS.get(channel, 'message'))}"


def _cadence_item(contact: ContactFacts, talk: Thread, rules: Rules) -> Item | None:
    """The next cadence (or asked-for) item; the state is not changed here.

    Rows of nurture rhythms and opening touches are `cold`: they may be moved later, within
    their `slack`, to balance the days (see `place`); every other row keeps its day."""
    if contact.state == "closed":
        return None
    # A date they asked for replaces the cadence until it passes with a touch on or after it.
    if talk.asked is not None:
        return Item("asked", talk.asked, f"they asked to hear from you on {talk.asked.isoformat()}")
    use = ladder(contact, rules)
    if use is None:
        return None
    if talk.anchor is None:
        # Due at once; placed on the first day with room within the profile's first gap.
        reason = f"opening touch: not contacted yet ({use.name} cadence)"
        return Item("cold", contact.created_at.date(), reason, use.weight, slack=OPENING_SPREAD * (use.gap(0) or 1))

    profile = rules.profiles.get(contact.cadence) or rules.profiles[NO_CADENCE]
    followups = talk.followups
    parked = contact.state == NURTURE and profile.end == PARK and profile.gaps and talk.position >= len(profile.gaps)
    index = talk.position - len(profile.gaps) if parked else talk.position
    gap = use.gap(index) or 1
    if talk.reply_gap is not None and followups == 0:  # a reply: soon again, but not sooner than half the gap reached
        gap = max(use.gap(0) or 1, talk.reply_gap // 2)
    switch = _switch(talk, contact.channels, rules)
    channel, unanswered = None, f"{talk.unanswered} unanswered"
    if switch is not None:
        channel, run = switch
        # '3 emails unanswered: try a call', said once: in place of the count when it is the same
        unanswered = f"{run} unanswered" if talk.run[1] == talk.unanswered else f"{unanswered}, {run}"
    if contact.state == CLIENT:
        label = f"client check-in, last contact on {talk.last.isoformat()}"
    elif contact.state == NURTURE and talk.unanswered == 0:
        label = f"nurture check-in after {talk.anchor}"
    elif contact.state == NURTURE:
        label = f"nurture check-in: {unanswered} since {talk.anchor}"
    elif followups == 0:
        label = f"first follow-up after {talk.anchor}"
    else:
        label = f"follow-up {followups + 1}: {unanswered} since {talk.anchor}"
    reason = f"{label} ({use.name} cadence)"
    if switch is not None:
        if switch[1] not in label:
            reason += f"; {switch[1]} unanswered"
        reason += f": try {_TRY[channel]}"
    due = rules.nearest_workday(talk.last + timedelta(days=gap), talk.last)
    cold = use.name == NURTURE
    return Item("cold" if cold else "cadence", due, reason, use.weight, channel=channel,
                slack=max(1, gap // COLD_SLACK) if cold else 0)


MEETING = "meeting: "  # a meeting to come, from a calendar (`fup sync calendar`): agreed by both, shown as it is


def _commitment_item(c: CommitmentFacts, touched: Sequence[date], rules: Rules) -> Item | None:
    """A commitment's row: my hard promise stays due until closed; a check-in on their hard
    promise clears with a touch on or after its due date and comes back `checkin_gap` workdays
    after the last such touch; a soft step (either side's) shows on its date until such a touch,
    then the cadence carries on alone."""
    if c.whose == "mine" and c.firmness == "hard":
        said = c.action if c.action.startswith(MEETING) else f"you promised: {c.action}"
        return Item("promise", c.due, said, commitment_id=c.id, channel=c.channel)
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


def last_seen(last_touch: date | None, created: date | None) -> date | None:
    """What the birthday rule takes as the last touch: the later of the last touch and the day
    the contact was added. A birthday whose row opened before either is not shown, so no
    contact is overdue with a birthday from before fup knew of it (an import on the day after
    it), as a `fup add` on that day, with its meeting, would not be."""
    return max((day for day in (last_touch, created) if day is not None), default=None)


def not_before(snoozed_until: date | None, reopened_at: datetime | date | None) -> date | None:
    """The first day a cadence row of a contact may be due: the end of its snooze, the day it
    was reopened (nothing of a reopened contact is overdue on the day it reopens)."""
    reopened = reopened_at.date() if isinstance(reopened_at, datetime) else reopened_at
    return max((day for day in (snoozed_until, reopened) if day is not None), default=None)


def _floored(items: Iterable[Item], cadence_floor: date | None, floor: date | None,
             rules: Rules = DEFAULT_RULES) -> list[Item]:
    """Items due no earlier than their floor: a snooze moves the cadence rows only (a snooze is a
    new due date); a reopening moves every row. A cadence row whose floor (a snooze's end, the
    day of a reopening) is one of the days off (`rules.away`) is due on the first workday after
    them, as a computed date would be; a weekend floor is kept, and so are the rows of dates a
    person chose (a promise, the date they asked for)."""
    out = []
    for item in items:
        cadence = item.kind in CADENCE_KINDS
        least = cadence_floor if cadence else floor
        if least is not None and item.due < least:
            if cadence and least in rules.away:
                least = rules.workday(least)
            item = item._replace(due=least)
        out.append(item)
    return out


CADENCE_KINDS = ("cadence", "cold")


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
    touched = [t.at.date() for t in touches if t.outcome != GREETING]  # birthday wishes are no check-in
    if state != "closed":
        items += [item for c in open_commitments if (item := _commitment_item(c, touched, rules)) is not None]
    hard_dues = [c.due for c in open_commitments if c.firmness == "hard"]
    # An agreed hard next step (either side's) replaces the cadence while it is open: my promise
    # and the check-ins on theirs do the chasing. The cadence resumes, from the last touch, once
    # the last of them is done or dropped.
    if cadence is not None and not (cadence.kind in CADENCE_KINDS and hard_dues):
        items.append(cadence)
    reopened = contact.reopened_at.date() if contact.reopened_at is not None else None
    items = sorted(_floored(items, not_before(contact.snoozed_until, reopened), reopened, rules), key=item_order)
    steps = hard_dues + ([talk.asked] if talk.asked is not None and state != "closed" else [])
    return Plan(
        state=state,
        items=tuple(items),
        unanswered_streak=talk.unanswered,
        last_touch=touches[-1].at.date() if touches else None,
        next_step_due=min(steps, default=None),
        followups=talk.followups,
        position=talk.position,
        last_touch_at=touches[-1].at if touches else None,
    )


def place(
    item: Item,
    load: Callable[[date], int],
    rules: Rules,
    today: date,
    keep: date | None = None,
) -> date:
    """The day a movable (`cold`) item goes, balancing the days like Anki's load balancer.

    Never before its due date (the earliest sensible day) nor before `today`; within its
    `slack` days after, the workday with the fewest rows among those with room (`load(day)`
    < `rules.capacity`; ties to `keep`, the day it had, so a re-plan does not move it for
    nothing, then to the earliest); when the whole window is full, the first workday after it
    with room. An item already overdue waited for a day with room: it goes on today if today
    has room, else on the least loaded of the next WAIT_SPREAD days, rather than pile up
    as overdue. Live items keep their day.
    """
    if item.kind != "cold":
        return item.due
    capacity = max(1, rules.capacity)
    start = rules.workday(max(item.due, today))
    last = item.due + timedelta(days=max(0, item.slack))
    if item.due < today:
        if rules.is_workday(today) and load(today) < capacity:
            return today
        last = max(last, today + timedelta(days=WAIT_SPREAD))
    workdays, holidays = rules.workdays, rules.holidays
    best: tuple[int, int, date] | None = None
    day, one = start, timedelta(days=1)
    while day <= last:
        if day.weekday() in workdays and day not in holidays:
            count = load(day)
            if count < capacity:
                key = (count, 0 if day == keep else 1, day)
                if best is None or key < best:
                    best = key
                    if count == 0 and day != keep and keep is None:
                        break  # nothing beats an empty day (the earliest one)
        day += one
    if best is not None:
        return best[2]
    skip = getattr(load, "skip_full", None)  # a load that remembers runs of full days (`queries.DayLoad`)
    day = rules.workday(day)
    for _ in range(3660):  # ten years of full days: give up and keep the last one tried
        if skip is not None:
            day = rules.workday(skip(day, capacity))
        if load(day) < capacity:
            return day
        day = rules.workday(day + one)
    return day


# --- birthdays ----------------------------------------------------------------


_WINDOWS: dict[tuple, tuple[date, date, date]] = {}  # birthday_window's answers (a list of 10k contacts asks often)


def birthday_window(birthday: str, year: int, rules: Rules) -> tuple[date, date, date]:
    """(the birthday in `year`, the first day it shows, the last day it shows); it depends only
    on the month and day, the year and the workday calendar (days off included), so answers are kept.

    A birthday on a weekend or a holiday shows from the workday before it; one on days off (or
    whose workday before lies across days off) from the first workday after them, a belated
    greeting being better than one sent days early, and for the usual week from there."""
    key = (birthday[-5:], year, rules.workdays, rules.holidays, rules.away)
    window = _WINDOWS.get(key)
    if window is None:
        day = birthday_on(birthday, year)
        shown = rules.workday_before(day)
        if rules.away_between(shown, day):
            shown = rules.workday(day)
        window = _WINDOWS[key] = (day, shown, max(day, shown) + timedelta(days=BIRTHDAY_WINDOW_DAYS - 1))
    return window


def birthday_reason(day: date) -> str:
    return f"birthday on {WEEKDAYS[day.weekday()].capitalize()} {day.isoformat()}"


def birthday_item(
    birthday: str | None,
    last_touch: date | None,
    on: date,
    floor: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Item | None:
    """The birthday row visible on `on`: from the day itself (a weekend or holiday birthday from
    the workday before, one on days off from the workday after them) until six days after (after
    that first day, for one on days off), unless you touch them from its first day on.
    `floor` is the day the contact was reopened: nothing of it is due before (a snooze hides
    the cadence only, so it does not hide a birthday)."""
    if not birthday:
        return None
    for year in (on.year + 1, on.year, on.year - 1):
        day, shown, last = birthday_window(birthday, year, rules)
        start = max(shown, floor) if floor else shown
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
    if rules.away:  # one on days off shows from the workday after them, for a week: those before each such day
        for back in range(BIRTHDAY_WINDOW_DAYS):
            shown = on - timedelta(days=back)
            before = shown - timedelta(days=1)
            while not rules.is_workday(before) and (shown - before).days <= AWAY_REACH:
                add(before)
                before -= timedelta(days=1)
    return sorted(days)


_MONTH_DAYS = tuple((date(2000, 1, 1) + timedelta(days=n)).strftime("%m-%d") for n in range(366))  # (a leap year's)


def _windows_around(today: date, rules: Rules) -> Iterator[tuple[str, date, date]]:
    """('MM-DD', first day shown, last day shown) of every birthday window of the years around
    `today` (each window starts within a year of its day, so these hold every one that is
    open on `today` or opens within the next year)."""
    for year in (today.year - 1, today.year, today.year + 1):
        for md in _MONTH_DAYS:
            _day, shown, last = birthday_window(md, year, rules)
            yield md, shown, last


def birthday_first_days(today: date, rules: Rules = DEFAULT_RULES) -> dict[str, date]:
    """For each 'MM-DD', the first day from `today` on which a birthday on it shows (its window
    open today, or the next one: `birthday_window`). A birthday whose first day comes after
    every day a contact's list asks about cannot change what it shows."""
    first: dict[str, date] = {}
    for md, shown, last in _windows_around(today, rules):
        if last >= today:
            start = max(shown, today)
            if md not in first or start < first[md]:
                first[md] = start
    return first


def birthday_reach(today: date, rules: Rules = DEFAULT_RULES) -> int:
    """The most days a birthday window around `today` spans (a week, more after days off): an
    agenda day further back than this before `today` comes before any birthday still to show
    (`first_visible_day` needs no birthday then)."""
    return max((last - shown).days for _md, shown, last in _windows_around(today, rules))


# --- one contact on one day -----------------------------------------------------


def rows_on(
    state: str,
    items: Iterable[Item],
    on: date,
    floor: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> list[Item]:
    """Every item of a contact visible on `on`, most urgent first (the first is its row).
    The stored items already carry their floors (snooze, reopening); `floor` (the reopening
    day) applies to the birthday."""
    if state == "closed":
        return []
    visible = [item for item in items if item.due <= on]
    bday = birthday_item(birthday, last_touch, on, floor, rules)
    if bday is not None:
        visible.append(bday)
    return sorted(visible, key=item_order)


def row_on(
    state: str,
    items: Iterable[Item],
    on: date,
    floor: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Item | None:
    """The one row a contact shows in `fup today --on ON`: its most urgent visible item."""
    visible = rows_on(state, items, on, floor, birthday, last_touch, rules)
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
    floor: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> date | None:
    """The first date on which the contact appears in `fup today` (in the past when overdue)."""
    first = min((item.due for item in items), default=None)
    return first_visible_day(state, first, today, floor, birthday, last_touch, rules)


def first_visible_day(
    state: str,
    first_due: date | None,
    today: date,
    floor: date | None = None,
    birthday: str | None = None,
    last_touch: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> date | None:
    """`first_visible`, given the first due date of the agenda rather than the agenda itself."""
    if state == "closed":
        return None
    candidates = []
    if first_due is not None:
        candidates.append(max(first_due, floor) if floor else first_due)
    if birthday:
        for year in (today.year - 1, today.year, today.year + 1):
            _day, shown, last = birthday_window(birthday, year, rules)
            shown_from = max(shown, floor) if floor else shown
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
    reopened = contact.reopened_at.date() if contact.reopened_at is not None else None
    seen = last_seen(plan.last_touch, contact.created_at.date())
    return row_on(plan.state, plan.items, now.date(), reopened, contact.birthday, seen, rules)
