"""The data model: contacts, their touches and their commitments (SQLModel tables).

Times are naive local wall-clock datetimes (what the user typed or lived);
dates are calendar dates.

These classes are the schema's source of truth: Alembic migrations in
`fupcli/migrations` must agree with them (a test runs Alembic's compare), and
the write path in `fupcli.core` goes through them. The columns under
"computed by the scheduler" are a cache of `scheduler.plan_contact`, refreshed in
the same transaction as every write to the contact, and so is `AgendaItem`:
one row per item the scheduler says will come due, with a `rank` that orders
them by urgency on any day. `fup today` reads the most urgent rows in `rank`
order from an index and never reads history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_due", "state", "next_due"),
        Index("ix_contact_birthday_md", "birthday_md"),
        Index("ix_contact_name_key", "name_key"),
        Index("ix_contact_next_step", "state", "next_step_due", "cadence"),  # covers the "no next step" count
        Index("ix_contact_cadence", "cadence"),  # finds contacts on a profile config.toml lacks
        Index("ux_contact_email", "email", unique=True),
        Index("ix_contact_owner", "owner", "state", "next_due"),  # a team member's own list
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str  # lookup.fold(name): no case, no accents, one space between words; WHO looks it up
    company: Optional[str] = None
    title: Optional[str] = None
    email: Optional[str] = None  # stored lower-case; unique
    phone: Optional[str] = None
    url: Optional[str] = None
    tags: str = ""  # ';'-separated
    source: Optional[str] = None
    channel: str = "email"
    cadence: str = "warm"
    state: str = "active"
    birthday: Optional[str] = None  # 'MM-DD' or 'YYYY-MM-DD'
    notes: Optional[str] = None
    snoozed_until: Optional[date] = None
    reopened_at: Optional[datetime] = Field(default=None, sa_type=DateTime)  # last moved out of closed by hand
    created_at: datetime = Field(sa_type=DateTime)
    updated_at: datetime = Field(sa_type=DateTime)
    # team mode (PostgreSQL): the role that owns the contact, CURRENT_USER by default; NULL on SQLite
    owner: Optional[str] = None
    private: Optional[bool] = None  # seen by its owner only (row-level security on PostgreSQL); NULL: shared

    # computed by the scheduler, refreshed with every write to this contact
    next_due: Optional[date] = None  # first day an agenda item is visible (snooze applied)
    birthday_md: Optional[str] = None  # 'MM-DD' for the indexed birthday lookup
    last_touch_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    next_step_due: Optional[date] = None  # earliest open hard commitment
    unanswered_streak: int = 0

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(";") if tag]


class ContactWord(SQLModel, table=True):
    """One word of a contact's `name_key` (`lookup.words`): WHO finds a contact by the start of
    any word of the name through the index on `word`. Written with the name, by `core` and the
    importer; gone with the contact (ON DELETE CASCADE)."""

    __tablename__ = "contact_word"
    __table_args__ = (
        Index("ix_contact_word_word", "word", "contact_id"),
        Index("ix_contact_word_contact", "contact_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False))
    word: str


class Touch(SQLModel, table=True):
    __tablename__ = "touch"
    __table_args__ = (Index("ix_touch_contact_at", "contact_id", "at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False))
    at: datetime = Field(sa_type=DateTime)
    channel: str
    direction: str = "out"
    outcome: str = "sent"
    note: Optional[str] = None
    ask_again: Optional[date] = None
    created_at: datetime = Field(sa_type=DateTime)
    logged_by: Optional[str] = None  # the role that logged it (PostgreSQL: CURRENT_USER); NULL on SQLite


class Commitment(SQLModel, table=True):
    __tablename__ = "commitment"
    __table_args__ = (Index("ix_commitment_contact_status", "contact_id", "status"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False))
    whose: str = "mine"
    action: str
    due: date
    firmness: str = "hard"
    status: str = "open"
    channel: Optional[str] = None  # how to do it, when not the contact's usual channel
    created_at: datetime = Field(sa_type=DateTime)
    closed_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    logged_by: Optional[str] = None  # the role that recorded it (PostgreSQL: CURRENT_USER); NULL on SQLite


class AgendaItem(SQLModel, table=True):
    """One item of a contact's agenda (scheduler.Item), stored for ranking."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        Index("ix_agenda_rank", "rank", "due"),
        Index("ix_agenda_contact", "contact_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False))
    kind: str
    due: date
    visible_from: date  # the first day it shows: its due date (a snooze is applied to both)
    weight: float  # the cadence profile's weight; 0 for other kinds
    rank: float  # tier x TIER_SPAN + due's ordinal - weight / 10: lower is more urgent (scheduler.Item.rank)
    reason: str
    commitment_id: Optional[int] = None
    channel: Optional[str] = None  # the commitment's own channel; None: the contact's


class Away(SQLModel, table=True):
    """Days off (`fup away`): from first_day to last_day, both included, no workdays."""

    __tablename__ = "away"
    __table_args__ = (Index("ix_away_last_day", "last_day"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    first_day: date
    last_day: date
    created_at: datetime = Field(sa_type=DateTime)
    owner: Optional[str] = None  # team mode: whose days off (PostgreSQL: CURRENT_USER); NULL on SQLite


class ContactEmail(SQLModel, table=True):
    """An address of a contact besides `contact.email` (`fup edit WHO --email2`): mail capture
    and de-duplication match on it too. Stored lower-case, unique across contacts and distinct
    from every `contact.email`."""

    __tablename__ = "contact_email"
    __table_args__ = (
        Index("ux_contact_email_email", "email", unique=True),
        Index("ix_contact_email_contact", "contact_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False))
    email: str
    created_at: datetime = Field(sa_type=DateTime)


class ContactPhone(SQLModel, table=True):
    """A phone number of a contact besides `contact.phone` (several from an address book: a
    vCard's TELs, Google's `Phone 2 - Value`, Outlook's mobile and business phones), kept
    as written."""

    __tablename__ = "contact_phone"
    __table_args__ = (Index("ix_contact_phone_contact", "contact_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False))
    phone: str
    created_at: datetime = Field(sa_type=DateTime)


class Captured(SQLModel, table=True):
    """A message or event occurrence `fup sync` turned into a touch or commitment of a contact,
    so that it does so exactly once: `key` is the Message-ID (or a digest of From, Date and
    Subject), or an event's UID with its RECURRENCE-ID. For an event still to come it holds the
    commitment it made, so a moved event moves it and a cancelled one drops it."""

    __tablename__ = "captured"
    __table_args__ = (
        Index("ux_captured_key_contact", "key", "contact_id", unique=True),
        Index("ix_captured_contact", "contact_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False))
    key: str
    kind: str  # 'mail' or 'event'
    source: Optional[str] = None  # the calendar an event came from (a path or URL, no password)
    at: datetime = Field(sa_type=DateTime)  # the message's Date, the occurrence's start
    touch_id: Optional[int] = None  # the touch it logged (not a key: `fup unlog` may remove it)
    commitment_id: Optional[int] = None  # an event to come: the meeting it holds as a commitment
    created_at: datetime = Field(sa_type=DateTime)


class MailSeen(SQLModel, table=True):
    """Where `fup sync mail` left off in a mail source, so a second run reads only what is new:
    a Maildir file's unique name (`key`) per folder, an IMAP folder's UIDVALIDITY and last UID,
    an mbox file's size, offset and fingerprint (`state`)."""

    __tablename__ = "mail_seen"
    __table_args__ = (Index("ux_mail_seen_source_key", "source", "key", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    source: str  # a Maildir folder's path, `imap://USER@HOST:PORT/FOLDER`, an mbox file's path
    key: str  # a Maildir file's unique name; '' for a source's single cursor row
    state: Optional[str] = None  # the cursor: 'uidvalidity last_uid' (IMAP), 'size offset fingerprint' (mbox)


class UndoStep(SQLModel, table=True):
    """One write command in the undo history (see `fupcli.journal`)."""

    __tablename__ = "undo_step"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime)  # when the command ran ("now")
    command: str  # add, log, next, done, ...
    summary: str  # what `fup undo` says it undid
    contact_id: Optional[int] = None  # the one contact the step is about (None: several); not a key, rm keeps it
    schema_version: str  # the schema the recorded SQL was written for
    high_water: str  # 'table=max_id ...' at the start: rows above it were inserted by the step
    done_by: Optional[str] = None  # team mode: the role that ran it (PostgreSQL: CURRENT_USER); NULL on SQLite


class UndoChange(SQLModel, table=True):
    """One row changed by a step, as the SQL statement that changes it back."""

    __tablename__ = "undo_change"
    __table_args__ = (
        Index("ix_undo_change_step", "step_id"),
        Index("ix_undo_change_contact", "contact_id"),
        Index("ix_undo_change_row", "row_table", "row_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    step_id: int = Field(sa_column=Column(Integer, ForeignKey("undo_step.id", ondelete="CASCADE"), nullable=False))
    contact_id: Optional[int] = None  # whose row it is, so `fup forget` can erase it
    inverse: str
    row_table: Optional[str] = None  # PostgreSQL: the row changed (table, id), to tell a colleague's change since
    row_id: Optional[int] = None
