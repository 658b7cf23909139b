"""The words fup understands: channels, outcomes, states, commitment fields, row kinds.

Plain tuples and frozensets, so the scheduler, the fast read path and the CLI
can all check input against them without importing the ORM.
"""

from __future__ import annotations

CHANNELS = ("email", "call", "text", "linkedin", "meeting", "other")
CHANNEL_ALIASES = {"phone": "call"}  # what people also say for a channel
DEFAULT_CHANNEL = "email"

DIRECTIONS = ("out", "in")

OUTCOMES = (
    "sent",
    "no-answer",
    "left-message",
    "talked",
    "replied",
    "meeting",
    "not-interested",
    "won",
    "greeting",
)
# Outcomes that mean the other side engaged: they reset the unanswered streak.
TWO_WAY_OUTCOMES = frozenset({"talked", "replied", "meeting", "won"})
# `greeting` is a birthday greeting: it clears the birthday row and is neither a follow-up nor
# an answer (`fup log --greeting`, or any plain touch logged while the birthday is the top row).
# Outcome assumed when `fup log` is given none: an outbound message that went out.
DEFAULT_OUTCOME = "sent"

STATES = ("active", "nurture", "client", "paused", "closed")
# States in which a contact can have rows in `fup today` (all but closed).
OPEN_STATES = STATES[:-1]

WHOSE = ("mine", "theirs")
FIRMNESS = ("hard", "soft")
COMMITMENT_STATUSES = ("open", "done", "dropped")

# Kinds of rows in `fup today`, in the order they rank (scheduler.TIERS): a hard promise of
# mine, the date they asked for, a check-in on their hard promise, a birthday, a cadence
# follow-up of a live contact, a `cold` one (a nurture rhythm, an opening touch: the rows that
# may move to balance the days), a soft step of either side.
KINDS = ("promise", "asked", "their-promise", "birthday", "cadence", "cold", "soft")

OUTPUT_FORMATS = ("table", "json", "csv")


def is_two_way(direction: str, outcome: str) -> bool:
    """True when a touch shows the other side engaged (they reached out, or answered)."""
    return direction == "in" or outcome in TWO_WAY_OUTCOMES


def check_channel(value: str) -> str:
    """A channel as typed: one of CHANNELS (any case), or an alias of one ("phone" is a call)."""
    from .errors import check_choice

    return check_choice(CHANNEL_ALIASES.get(value.strip().lower(), value), CHANNELS, "channel")
