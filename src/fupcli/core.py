"""The operations behind the commands that write: one transaction each.

A command parses its arguments and calls one function here with the
`AppContext`. Each function validates everything first (raising a `FupError`
before any write), then opens one write transaction (`Store.write()`, a
`storage.db.Db`: plain SQL with named parameters over a DB-API connection),
changes the rows, and re-plans every contact it touched with the scheduler,
storing the plan in the contact's computed columns before the commit. Contacts
travel as dicts of their columns. It returns a plain summary for `render`.

Re-planning also balances the days: a contact's cold rows (nurture rhythms,
opening touches) are placed on days with room (`Balancer`, over the day counts
`queries.DayLoad` reads), and cold rows an earlier day had no room for are moved
on (`roll_forward`), so a day never holds more than its capacity of them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from .storage import journal
from .context import AppContext
from .dates import has_time, parse_birthday, parse_date, parse_moment
from .errors import Ambiguous, BadInput, Conflict, NotFound, check_choice
from .lookup import escape_like, fold, starts_words, word_rows
from .records import record
from .storage.db import Db
from .storage.journal import Undoable
from .storage.queries import (
    DayLoad,
    birthday_only,
    check_profiles,
    contact_view,
    listed,
    listed_cold,
    listed_live,
    parse_id,
    resolve,
    to_date,
    to_moment,
)
from .scheduler import (
    COLD_TIER,
    GREETING,
    NURTURE,
    PARK,
    PAUSED,
    CommitmentFacts,
    ContactFacts,
    Item,
    Plan,
    Rules,
    TouchFacts,
    item_order,
    next_state,
    place,
    plan_contact,
    rank_bounds,
)
from .vocabulary import (
    COMMITMENT_STATUSES,
    DEFAULT_OUTCOME,
    OUTCOMES,
    STATES,
    check_channel,
    is_two_way,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - `typing` costs the daily commands ~5 ms to import
    from typing import Any, Iterable, Sequence

MAX_TEXT = 10_000
MAX_LISTED = 8  # candidates an error lists
_BAD_TAG = re.compile(r"[;\s\x00-\x1f\x7f]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # all but TAB and LF


# --- validation ---------------------------------------------------------------


def clean_text(value: str | None, what: str, required: bool = False) -> str | None:
    """Strip a free-text field; '' clears it; CR/CRLF become LF; other control characters but TAB are refused."""
    if not value:
        if required:
            raise BadInput(f"{what} is required" if value is None else f"{what} cannot be empty")
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()  # Windows and old Mac line ends
    if required and not text:
        raise BadInput(f"{what} cannot be empty")
    if len(text) > MAX_TEXT:
        raise BadInput(f"{what} is longer than {MAX_TEXT} characters")
    if _CONTROL.search(text):
        raise BadInput(f"{what} contains control characters")
    return text or None


def clean_name(value: str | None) -> str:
    """A contact's name: required, and on one line (messages and table rows quote it)."""
    name = clean_text(value, "name", required=True)
    if "\n" in name:
        raise BadInput("a name cannot span lines")
    return name


def clean_email(value: str | None) -> str | None:
    email = clean_text(value, "email")
    if email is None:
        return None
    local, _, domain = email.partition("@")
    if not local or not domain or any(ch in email for ch in " \n;,"):  # (`;` joins a contact's other emails in CSV)
        raise BadInput(f"invalid email {value!r}")
    return email.lower()


def clean_other_phone(value: str | None) -> str | None:
    """One of a contact's other phones: free text, but no `;` (which joins them in CSV)."""
    phone = clean_text(value, "phone")
    if phone is not None and ";" in phone:
        raise BadInput(f"phone {phone!r}: another phone cannot hold ';' (it separates them in CSV)")
    return phone


def clean_tags(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in tags:
        for tag in raw.split(","):
            tag = tag.strip().lower()
            if not tag:
                continue
            if _BAD_TAG.search(tag):
                raise BadInput(f"invalid tag {tag!r}: no spaces or ';'")
            if tag not in out:
                out.append(tag)
    return out


def check_cadence(ctx: AppContext, cadence: str) -> str:
    return check_choice(cadence, sorted(ctx.settings.rules.profiles), "cadence profile")


@record
class NextStep:
    """A commitment as typed: what, when, whose, how firm, and by which channel (None: the contact's)."""

    action: str
    due: date
    whose: str = "mine"
    firmness: str = "hard"
    channel: str | None = None
    remark: str | None = None  # what the reply notes about the date as typed (a time dropped, not a workday)


def next_step(ctx: AppContext, action: str | None, due: str | None, soft: bool, theirs: bool,
              channel: str | None = None, channel_option: str = "--next-channel") -> NextStep | None:
    """Validate --next/--due/--soft/--theirs/--next-channel as one group."""
    if action is None:
        if due is not None or soft or theirs or channel is not None:
            raise BadInput(f"--due, --soft, --theirs and {channel_option} describe a next step: give --next ACTION too")
        return None
    text = clean_text(action, "next step", required=True)
    if due is None:
        raise BadInput("a next step needs a date: add --due WHEN")
    chosen = check_channel(channel) if channel is not None else None
    day, remark = due_day(ctx, due)
    return NextStep(text, day, "theirs" if theirs else "mine", "soft" if soft else "hard", chosen, remark)


def due_day(ctx: AppContext, due: str) -> tuple[date, str | None]:
    """A commitment's due date as typed (`--due`, `fup move`'s WHEN), and what the reply notes
    about it: a time dropped (commitments are by day), a day that is not a workday or is one of
    your days off (`fup away`; kept either way)."""
    day = parse_date(due, ctx.now)
    remarks = ["time ignored: commitments are by day"] if has_time(due) else []
    rules = ctx.settings.rules
    if not rules.is_workday(day):  # kept as typed: they may well have said Saturday
        why = "one of your days off" if day in rules.away else "not a workday"
        remarks.append(f"due {day.strftime('%A')} {day.isoformat()}, {why}")
    return day, "; ".join(remarks) or None


def _add_commitment(db: Db, contact: dict, step: NextStep, now: datetime) -> int:
    return db.insert("commitment", {"contact_id": contact["id"], "whose": step.whose, "action": step.action,
                                    "due": step.due, "firmness": step.firmness, "status": "open",
                                    "channel": step.channel, "created_at": now, "closed_at": None})


# --- contacts as dicts of their columns -----------------------------------------

_DATES = ("snoozed_until", "next_due", "next_step_due")
_MOMENTS = ("reopened_at", "created_at", "updated_at", "last_touch_at")


def load_contacts(db: Db, where: str = "1 = 1", params: dict | None = None, lock: bool = False) -> list[dict]:
    """Contacts as dicts of every column, dates and times as Python values.

    With `lock`, on PostgreSQL, the rows are locked until the transaction ends (`FOR UPDATE`):
    whoever re-plans a contact holds it, so two people logging on one contact at once are
    taken one after the other and the second plans from the first one's touch too. (A SQLite
    write holds the whole file already: `BEGIN IMMEDIATE`.)"""
    lock_rows = " FOR UPDATE" if lock and db.dialect == "postgresql" else ""
    rows = db.all(f"SELECT * FROM contact WHERE {where} ORDER BY id{lock_rows}", params)
    for row in rows:
        for name in _DATES:
            row[name] = to_date(row[name])
        for name in _MOMENTS:
            row[name] = to_moment(row[name])
    return rows


def _load(db: Db, contact_id: int) -> dict:
    return load_contacts(db, "id = :id", {"id": contact_id}, lock=True)[0]


def _change(db: Db, contact: dict, **values: Any) -> None:
    """Set columns of a contact, in the database and in its dict."""
    db.update("contact", contact["id"], values)
    contact.update(values)


# --- refreshing a contact's plan ---------------------------------------------


def refresh(db: Db, ctx: AppContext, contact: dict, check: bool = True) -> Plan:
    """Re-plan one contact from its history and store the plan (same transaction)."""
    return refresh_many(db, ctx, [contact], check=check)[0]


def refresh_many(db: Db, ctx: AppContext, contacts: Sequence[dict], chunk: int = 500,
                 balance: "Balancer | None" = None, check: bool = True, roll: bool = True) -> list[Plan]:
    """Re-plan contacts (dicts from `load_contacts`), loading their touches and open commitments
    a chunk of contacts at a time; cold rows are placed on days with room (one `Balancer` for
    the whole run). With `check`, refuses while any contact is on a profile config.toml no
    longer has (`check_profiles`); with `roll`, first moves on the cold rows earlier days had
    no room for (`roll_forward`). A contact's computed columns are written only when they change."""
    rules = ctx.settings.rules
    if check:
        check_profiles(db, rules)
    if roll:  # (a bulk re-plan places every overdue cold row it plans anyway)
        roll_forward(db, ctx)
    balance = balance or Balancer(db, rules, ctx.today)
    plans = []
    for start in range(0, len(contacts), chunk):
        batch = {c["id"]: c for c in contacts[start:start + chunk]}
        ids = ", ".join(str(int(cid)) for cid in batch)  # ints from the database: safe to inline
        touches: dict[int, list[TouchFacts]] = {cid: [] for cid in batch}
        last_by: dict[int, tuple] = {}  # team mode: the newest touch that says who logged it
        for cid, at, direction, outcome, channel, ask_again, touch_id, logged_by in db.execute(
                "SELECT contact_id, at, direction, outcome, channel, ask_again, id, logged_by FROM touch "
                f"WHERE contact_id IN ({ids})"):
            moment = to_moment(at)
            touches[cid].append(TouchFacts(moment, direction, outcome, channel, to_date(ask_again), touch_id))
            if logged_by is not None and (cid not in last_by or (moment, touch_id) > last_by[cid][:2]):
                last_by[cid] = (moment, touch_id, logged_by, channel, direction)
        commitments: dict[int, list[CommitmentFacts]] = {cid: [] for cid in batch}
        for cid, commitment_id, whose, action, due, firmness, status, channel in db.execute(
                "SELECT contact_id, id, whose, action, due, firmness, status, channel FROM commitment "
                f"WHERE contact_id IN ({ids}) AND status = 'open'"):
            commitments[cid].append(CommitmentFacts(commitment_id, whose, action, to_date(due), firmness, status, channel))
        items = []
        for cid, contact in batch.items():
            plan, agenda = store_plan(db, contact, touches[cid], commitments[cid], rules, balance)
            colleague = _by_colleague(contact, last_by.get(cid))
            if colleague:
                for item in agenda:
                    if item["kind"] in ("cadence", "cold"):
                        item["reason"] += colleague
            plans.append(plan)
            items += agenda
        db.execute(f"DELETE FROM agenda_item WHERE contact_id IN ({ids})")
        db.insert_many("agenda_item", items)
    return plans


_DID = {"email": "emailed", "call": "called", "text": "texted", "linkedin": "wrote on LinkedIn",
        "meeting": "met them", "other": "was in touch"}


def _by_colleague(contact: dict, last: tuple | None) -> str:
    """" (ben emailed on 2026-12-01)" when the newest touch was logged by someone other than the
    contact's owner (team mode): the follow-up counts from it, and the reason says who; for a
    reply they took, " (logged by ben)" (the reason already names the reply's day)."""
    if last is None or contact.get("owner") in (None, last[2]):
        return ""
    at, _, who, channel, direction = last
    if direction == "in":  # their message: the reason already says when; say who took it
        return f" (logged by {who})"
    return f" ({who} {_DID.get(channel, 'was in touch')} on {at.date().isoformat()})"


def store_plan(db: Db, contact: dict, touches: list[TouchFacts], commitments: list[CommitmentFacts], rules: Rules,
               balance: "Balancer | None" = None) -> tuple[Plan, list[dict]]:
    """Run the scheduler on one contact, write the plan into its computed columns (those that
    changed), and return the plan and its agenda as `agenda_item` rows (for the caller to insert)."""
    plan = plan_for(contact, touches, commitments, rules)
    columns, items = plan_columns(contact, plan, balance)
    changed = {name: value for name, value in columns.items() if contact.get(name) != value}
    if changed:
        _change(db, contact, **changed)
    return plan, items


def reach(contact: dict) -> tuple[str, ...]:
    """The channels a contact can be reached on, the preferred one first."""
    known = [contact.get("channel") or "email"]
    if contact.get("phone"):
        known += ["call", "text"]
    if contact.get("email"):
        known.append("email")
    if "linkedin.com" in (contact.get("url") or "").lower():
        known.append("linkedin")
    return tuple(dict.fromkeys(known))


def plan_for(contact: dict, touches: list[TouchFacts], commitments: list[CommitmentFacts], rules: Rules) -> Plan:
    """The scheduler's plan for a contact given as a dict of its columns."""
    facts = ContactFacts(contact["name"], contact["cadence"], contact["state"], contact["created_at"],
                         contact["snoozed_until"], contact["birthday"], contact.get("reopened_at"), reach(contact))
    return plan_contact(facts, touches, commitments, rules)


def plan_columns(contact: dict, plan: Plan, balance: "Balancer | None" = None) -> tuple[dict, list[dict]]:
    """A plan as the contact's computed column values and its `agenda_item` rows, its cold rows
    placed by `balance`; used for ORM objects and for plain rows alike (bulk imports)."""
    items = list(plan.items)
    if balance is not None and plan.state != "closed":
        items = balance(contact.get("next_due"), items, contact.get("id"), contact.get("owner"))
    first = min((item.due for item in items), default=None)  # (the plan applied the snooze)
    birthday = contact["birthday"]
    columns = {  # (planning never changes the state: that happens when a touch is logged)
        "next_due": None if plan.state == "closed" else first,
        "birthday_md": birthday[-5:] if birthday else None,
        "last_touch_at": plan.last_touch_at,
        "next_step_due": plan.next_step_due,
        "unanswered_streak": plan.unanswered_streak,
    }
    rows = [
        {
            "contact_id": contact["id"],
            "kind": item.kind,
            "due": item.due,
            "visible_from": item.due,
            "weight": item.weight,
            "rank": item.rank,
            "reason": item.reason,
            "commitment_id": item.commitment_id,
            "channel": item.channel,
        }
        for item in items
    ]
    return columns, rows


def roll_forward(db: Db, ctx: AppContext) -> int:
    """Cold rows that a past day had no room for wait for a later day, rather than pile up as
    'N days overdue': those not in today's list (`queries.due_rows`: live rows first, cold
    ones within capacity, oldest first) are placed again (`scheduler.place`: the least loaded
    of the next days). Run by every write that re-plans, so the first command of the day
    after a week away spreads the backlog; a re-plan places a contact's own overdue cold row
    the same way. Returns how many rows moved."""
    rules, today = ctx.settings.rules, ctx.today
    rows = db
    lo, hi = rank_bounds(COLD_TIER, today - timedelta(days=1))
    overdue = rows.execute("SELECT a.id, a.contact_id, a.due, a.weight, contact.owner FROM agenda_item a "
                           "JOIN contact ON contact.id = a.contact_id WHERE a.rank >= :lo AND a.rank < :hi "
                           "ORDER BY a.rank, a.id", {"lo": lo, "hi": hi}).fetchall()
    if not overdue:
        return 0
    # Each owner's list and days on their own (team mode; on SQLite every owner is None).
    owners = {owner for *_, owner in overdue}
    keep = set().union(*(listed(rows, today, [cid for _, cid, _, _, o in overdue if o == owner], rules, owner)
                         for owner in owners))
    loads = {owner: DayLoad(rows, today, owner) for owner in owners}
    moved = 0
    for item_id, contact_id, due, weight, owner in overdue:
        if contact_id in keep:
            continue
        load = loads[owner]
        item = Item("cold", to_date(due), "", float(weight))
        day = place(item, load, rules, today)
        rows.execute("UPDATE agenda_item SET due = :day, visible_from = :day, rank = :rank WHERE id = :id",
                     {"day": day.isoformat(), "rank": item._replace(due=day).rank, "id": item_id})
        rows.execute("UPDATE contact SET next_due = (SELECT MIN(due) FROM agenda_item WHERE contact_id = :cid) "
                     "WHERE id = :cid", {"cid": contact_id})
        load.move(today, day)
        moved += 1
    return moved


class Balancer:
    """Places cold rows on days with room (`scheduler.place`), keeping a running count of the
    rows due each day: read from the database a window at a time, then kept up to date as
    contacts are re-planned, so a bulk re-plan or import spreads as it goes."""

    def __init__(self, conn: Any, rules: Rules, today: date, owner: str | None = None):
        self.rules, self.today = rules, today
        self.owner = owner  # whose contacts are placed when a row does not say (an import's: the importer's)
        self._conn = conn
        self._loads: dict[str | None, DayLoad] = {}  # each owner's days fill on their own (team mode)
        self._cold: dict[str | None, set[int]] = {}

    def _load(self, owner: str | None) -> DayLoad:
        if owner not in self._loads:
            self._loads[owner] = DayLoad(self._conn, self.today, owner)
        return self._loads[owner]

    def listed(self, contact_id: int | None, owner: str | None = None) -> bool:
        """Is the contact in today's list (its owner's)? (The rows that list cold contacts are read once.)"""
        if contact_id is None:
            return False
        if owner not in self._cold:
            self._cold[owner] = listed_cold(self._conn, self.today, self.rules, owner)
        return contact_id in self._cold[owner] or bool(listed_live(self._conn, self.today, [contact_id], self.rules))

    def _stays(self, item: Item, contact_id: int | None) -> Item:
        """An overdue cold row already in today's list stays there, on the day it was stored on:
        an edit neither takes it off the list nor changes how long it has waited."""
        row = self._conn.execute("SELECT MIN(due) FROM agenda_item WHERE contact_id = :id AND kind = 'cold'",
                                 {"id": contact_id}).fetchone()
        stored = to_date(row[0]) if row else None
        return item._replace(due=stored) if stored is not None and item.due <= stored <= self.today else item

    def __call__(self, old_next_due: date | None, items: list[Item], contact_id: int | None = None,
                 owner: str | None = None) -> list[Item]:
        old = to_date(old_next_due)
        owner = owner if owner is not None else self.owner
        load = self._load(owner)
        if not any(item.kind == "cold" for item in items):
            new = min((item.due for item in items), default=None)
            load.move(old, new)
            return items
        load.move(old, None)
        placed = [(self._stays(item, contact_id) if item.due < self.today and self.listed(contact_id, owner)
                   else item._replace(due=place(item, load, self.rules, self.today, keep=old)))
                  if item.kind == "cold" else item for item in items]
        load.move(None, min((item.due for item in placed), default=None))
        return sorted(placed, key=item_order)


def _view(db: Db, ctx: AppContext, contact: dict) -> dict:
    row = resolve(db, str(contact["id"]))
    return contact_view(row, ctx.today, ctx.settings.rules)


def _who(contact: dict) -> str:
    return f"{contact['name']} (#{contact['id']})"


def _short(text: str, width: int = 40) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= width and line == text else line[: width - 1] + "…"


def _contact(db: Db, who: str) -> dict:
    return _load(db, resolve(db, who)["id"])


def _known(db: Db, who: str) -> dict:
    """`resolve`, and when WHO names nobody, the error also says how to add them (log, next)."""
    return resolve(db, who, offer_add=True)


def _email_taken(db: Db, email: str) -> dict | None:
    """The contact who has this address, as their email or one of their other addresses."""
    return db.one("SELECT id, name FROM contact WHERE email = :email UNION ALL "
                  "SELECT c.id, c.name FROM contact_email e JOIN contact c ON c.id = e.contact_id WHERE e.email = :email "
                  "LIMIT 1", {"email": email})


# --- add ----------------------------------------------------------------------


@record
class NewContact:
    name: str
    company: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    url: str | None = None
    tags: Sequence[str] = ()
    source: str | None = None
    channel: str | None = None
    cadence: str | None = None
    birthday: str | None = None
    notes: str | None = None


def add_contact(
    ctx: AppContext,
    new: NewContact,
    met: str | None = None,
    no_meeting: bool = False,
    step: NextStep | None = None,
    owner: str | None = None,
    private: bool = False,
) -> dict:
    """Add a contact, log the meeting (unless --no-meeting), record the next step. On a team
    database the contact is the adder's unless `owner` gives it to another role."""
    if met is not None and no_meeting:
        raise BadInput("--met and --no-meeting contradict each other")
    owned: dict[str, Any] = {"owner": ctx.store.team_role(owner)} if owner is not None else {}
    if private:
        me = _need_team(ctx, "private contacts")
        if owned.get("owner", me) != me:
            raise BadInput("a private contact is seen by its owner only: add it as your own, or shared with --owner")
        owned["private"] = True
    settings = ctx.settings
    fields = dict(
        name=clean_name(new.name),
        company=clean_text(new.company, "company"),
        title=clean_text(new.title, "title"),
        email=clean_email(new.email),
        phone=clean_text(new.phone, "phone"),
        url=clean_text(new.url, "url"),
        tags=";".join(clean_tags(new.tags)),
        source=clean_text(new.source, "source"),
        channel=check_channel(new.channel or settings.default_channel),
        cadence=check_cadence(ctx, new.cadence or settings.default_cadence),
        birthday=parse_birthday(new.birthday) if new.birthday else None,
        notes=clean_text(new.notes, "note"),
    )
    met_at = parse_moment(met, ctx.now) if met is not None else ctx.now
    if met_at > ctx.now:
        raise BadInput("--met is in the future; log meetings after they happen")
    with ctx.store.write(Undoable("add", ctx.now)) as db:
        if fields["email"] and _email_taken(db, fields["email"]):
            raise Conflict(f"a contact with email {fields['email']} already exists")
        contact = {**fields, "name_key": fold(fields["name"]), "state": "active", "snoozed_until": None,
                   "reopened_at": None, "created_at": ctx.now, "updated_at": ctx.now, "next_due": None,
                   "birthday_md": None, "last_touch_at": None, "next_step_due": None, "unanswered_streak": 0,
                   **owned}
        contact["id"] = db.insert("contact", contact)
        if "owner" not in contact:
            contact["owner"] = ctx.store.user()  # (the database's default: CURRENT_USER)
        db.insert_many("contact_word", word_rows(contact["id"], contact["name_key"]))
        if not no_meeting:
            db.insert("touch", {"contact_id": contact["id"], "at": met_at, "channel": "meeting", "direction": "out",
                                "outcome": "meeting", "note": None, "ask_again": None, "created_at": ctx.now})
        if step is not None:
            _add_commitment(db, contact, step, ctx.now)
        refresh(db, ctx, contact)
        journal.label(db, f"add {_who(contact)}", contact["id"])
        return _view(db, ctx, contact)


# --- log ----------------------------------------------------------------------


def log_touch(
    ctx: AppContext,
    who: str,
    channel: str | None = None,
    inbound: bool = False,
    outcome: str | None = None,
    note: str | None = None,
    at: str | None = None,
    step: NextStep | None = None,
    ask_again: str | None = None,
    greeting: bool = False,
    done: bool = False,
    commitment_id: int | None = None,
) -> dict:
    """Record a touch; the outcome may move the state; the schedule adapts.

    A plain outbound touch logged while their birthday is all that is due for the contact, or
    any touch with `greeting`, is a greeting: it clears the birthday and leaves the cadence be.
    With `done`, the same transaction also closes an open commitment as done (`commitment_id`,
    else the only one open: `pick_commitment`); none open is an error and nothing is logged."""
    if greeting and (outcome or inbound):
        raise BadInput("--greeting is a greeting you send: leave out --outcome and --in")
    chosen_outcome = check_choice(outcome, OUTCOMES, "outcome") if outcome else ("replied" if inbound else DEFAULT_OUTCOME)
    if greeting:
        chosen_outcome = GREETING
    chosen_channel = check_channel(channel) if channel else None
    text = clean_text(note, "note")
    when = parse_moment(at, ctx.now) if at is not None else ctx.now
    if when > ctx.now:
        raise BadInput("--at is in the future; log touches after they happen (use `fup next` to plan one)")
    asked = None
    if ask_again is not None and ask_again.strip().lower() == "none":
        asked = when.date()  # an ask on the touch's own day clears the standing one (see scheduler.thread)
    elif ask_again is not None:
        asked = parse_date(ask_again, ctx.now)
        if asked <= when.date():
            raise BadInput("--ask-again must be a date after the touch (or none, to clear the date they asked for)")
    if asked is not None and chosen_outcome in ("not-interested", GREETING):
        raise BadInput(f"--ask-again and {'--greeting' if greeting else '--outcome ' + chosen_outcome} contradict each other")
    if commitment_id is not None and not done:
        raise BadInput("--id names the commitment --done closes: add --done (or use `fup done WHO --id N`)")
    with ctx.store.write(Undoable("log", ctx.now)) as db:
        row = _known(db, who)
        contact = _load(db, row["id"])
        finished = pick_commitment(db, contact, commitment_id) if done else None  # (before --next adds one)
        if outcome is None and not inbound and not greeting and not done and asked is None and step is None and birthday_only(row, when.date(), ctx.settings.rules):
            chosen_outcome = GREETING  # wishes on their birthday, with nothing else due: not a follow-up
        touch = {"contact_id": contact["id"], "at": when, "channel": chosen_channel or contact["channel"],
                 "direction": "in" if inbound else "out", "outcome": chosen_outcome, "note": text,
                 "ask_again": asked, "created_at": ctx.now}
        db.insert("touch", touch)
        before = contact["state"]
        facts = TouchFacts(when, touch["direction"], chosen_outcome, touch["channel"])
        closed: list[str] = []
        if finished is not None:
            db.update("commitment", finished["id"], {"status": "done", "closed_at": ctx.now})
        if chosen_outcome == "won":  # they signed: what they owed is delivered; what I owe stays open
            for owed_id, action in db.execute(
                    "SELECT id, action FROM commitment WHERE contact_id = :cid AND status = 'open' AND whose = 'theirs' "
                    "ORDER BY id", {"cid": contact["id"]}).fetchall():
                db.update("commitment", owed_id, {"status": "done", "closed_at": ctx.now})
                closed.append(action)
        if step is not None:
            _add_commitment(db, contact, step, ctx.now)
        _change(db, contact, state=next_state(contact["state"], facts), updated_at=ctx.now)
        plan = refresh(db, ctx, contact)
        profile = ctx.settings.rules.profiles.get(contact["cadence"])
        parked = next_state(contact["state"], facts, plan.position, profile)
        if parked != contact["state"]:  # this touch took a park profile past its gaps
            _change(db, contact, state=parked)
            refresh(db, ctx, contact)
        finish = f"; done: {_short(finished['action'])}" if finished is not None else ""
        journal.label(db, f"log {_who(contact)}: {touch['channel']}, {touch['outcome']}{finish}", contact["id"])
        view = _view(db, ctx, contact)
        if finished is not None:
            view["commitment"] = {"id": finished["id"], "whose": finished["whose"], "action": finished["action"],
                                  "due": to_date(finished["due"]).isoformat(), "status": "done"}
        view["logged"] = {
            "channel": touch["channel"],
            "direction": touch["direction"],
            "outcome": touch["outcome"],
            "two_way": is_two_way(touch["direction"], touch["outcome"]),
            "state_before": before,
            "closed": closed,
        }
        return view


def _pick_touch(db: Db, contact: dict, touch_id: int | None, purpose: str) -> dict:
    """Touch `touch_id`, which must be the contact's, else their newest; NotFound otherwise."""
    query = "SELECT id, at, channel, direction, outcome, note FROM touch WHERE contact_id = :cid"
    if touch_id is not None:
        touch = db.one(query + " AND id = :id", {"cid": contact["id"], "id": touch_id})
        if touch is None:
            raise NotFound(f"{contact['name']} has no touch {touch_id} (`fup show {contact['id']}` lists theirs)")
        return touch
    touch = db.one(query + " ORDER BY at DESC, id DESC LIMIT 1", {"cid": contact["id"]})
    if touch is None:
        raise NotFound(f"{contact['name']} has no touch {purpose}")
    return touch


def unlog_touch(ctx: AppContext, who: str, touch_id: int | None = None) -> dict:
    """Remove a contact's touch (touch `touch_id`, which must be theirs, else the newest in their
    timeline) and re-plan them from the touches that remain: the last touch, the unanswered
    streak, the cadence's anchor and rung, a date they asked for (it lives on the touches) and the
    next due date are as if it had never been logged; with no touch left (the meeting of `fup add`
    removed) an opening touch is due, as for `--no-meeting`.

    Only the touch goes. What logging it changed besides cannot be told apart from what happened
    since (a `fup state`, a later touch), so it stays: the state (closed by not-interested, client
    by won, reopened, parked), what a win marked done, a commitment added with --next. The result's
    `unlogged.kept` names the state when the touch's outcome set it, for the reply to say so;
    `fup undo` right after a mistaken log takes back all of it."""
    with ctx.store.write(Undoable("unlog", ctx.now)) as db:
        contact = _contact(db, who)
        touch = _pick_touch(db, contact, touch_id, "to unlog")
        db.execute("DELETE FROM touch WHERE id = :id", {"id": touch["id"]})
        _change(db, contact, updated_at=ctx.now)
        refresh(db, ctx, contact)
        day = to_moment(touch["at"]).date().isoformat()
        journal.label(db, f"unlog {_who(contact)}: {touch['channel']}, {touch['outcome']} of {day}", contact["id"])
        view = _view(db, ctx, contact)
        set_by_it = {"not-interested": "closed", "won": "client"}.get(touch["outcome"])
        view["unlogged"] = {
            "id": touch["id"],
            "at": to_moment(touch["at"]).isoformat(),
            "channel": touch["channel"],
            "direction": touch["direction"],
            "outcome": touch["outcome"],
            "kept": set_by_it if set_by_it == contact["state"] else None,
            "touches_left": _touch_count(db, contact["id"]),
        }
        return view


# --- commitments --------------------------------------------------------------


def add_commitment(ctx: AppContext, who: str, step: NextStep) -> dict:
    with ctx.store.write(Undoable("next", ctx.now)) as db:
        contact = _load(db, _known(db, who)["id"])
        commitment_id = _add_commitment(db, contact, step, ctx.now)
        _change(db, contact, updated_at=ctx.now)
        refresh(db, ctx, contact)
        journal.label(db, f"next {_who(contact)}: {_short(step.action)}", contact["id"])
        view = _view(db, ctx, contact)
        view["commitment"] = {"id": commitment_id, "whose": step.whose, "action": step.action,
                              "due": step.due.isoformat(), "firmness": step.firmness, "channel": step.channel}
        return view


def close_commitment(ctx: AppContext, who: str, status: str, commitment_id: int | None = None) -> dict:
    """Mark an open commitment done or dropped: the one named, else the only one open; with
    several open and none named, say which there are (Ambiguous) and change nothing."""
    status = check_choice(status, COMMITMENT_STATUSES[1:], "status")
    command = "done" if status == "done" else "drop"
    with ctx.store.write(Undoable(command, ctx.now)) as db:
        contact = _contact(db, who)
        commitment = pick_commitment(db, contact, commitment_id)
        db.update("commitment", commitment["id"], {"status": status, "closed_at": ctx.now})
        _change(db, contact, updated_at=ctx.now)
        refresh(db, ctx, contact)
        journal.label(db, f"{command} {_who(contact)}: {_short(commitment['action'])}", contact["id"])
        view = _view(db, ctx, contact)
        view["commitment"] = {"id": commitment["id"], "whose": commitment["whose"], "action": commitment["action"],
                              "due": to_date(commitment["due"]).isoformat(), "status": status}
        return view


def pick_commitment(db: Db, contact: dict, commitment_id: int | None = None) -> dict:
    """The open commitment a command acts on (done, drop, move, log --done): the one named
    by `commitment_id` (it must be the contact's, and open), else the only one open. None open
    is NotFound; several open and none named is Ambiguous, listing them ("commitment 5: send
    the deck (due 2026-12-10)"), so nothing is changed until the user says which."""
    query = "SELECT id, whose, action, due FROM commitment WHERE contact_id = :cid AND status = 'open'"
    if commitment_id is not None:
        commitment = db.one(query + " AND id = :id", {"cid": contact["id"], "id": commitment_id})
        if commitment is None:
            raise NotFound(f"{contact['name']} has no open commitment {commitment_id}")
        return commitment
    open_ones = db.all(query + " ORDER BY due, id", {"cid": contact["id"]})
    if not open_ones:
        raise NotFound(f"{contact['name']} has no open commitment")
    if len(open_ones) > 1:
        listed = "; ".join(f"commitment {c['id']}: {_short(c['action'])} (due {to_date(c['due']).isoformat()})"
                           for c in open_ones[:MAX_LISTED])
        more = f"; and {len(open_ones) - MAX_LISTED} more" if len(open_ones) > MAX_LISTED else ""
        raise Ambiguous(f"{contact['name']} has {len(open_ones)} open commitments: {listed}{more}; "
                        f"say which with --id N")
    return open_ones[0]


def move_commitment(ctx: AppContext, who: str, when: str, commitment_id: int | None = None) -> dict:
    """Give an open commitment (chosen as by `pick_commitment`) a new due date, and re-plan the
    contact. `remark` in the result says what the date as typed lost or is (`due_day`)."""
    day, remark = due_day(ctx, when)
    with ctx.store.write(Undoable("move", ctx.now)) as db:
        contact = _contact(db, who)
        commitment = pick_commitment(db, contact, commitment_id)
        db.update("commitment", commitment["id"], {"due": day})
        _change(db, contact, updated_at=ctx.now)
        refresh(db, ctx, contact)
        journal.label(db, f"move {_who(contact)}: {_short(commitment['action'])} to {day.isoformat()}", contact["id"])
        view = _view(db, ctx, contact)
        view["commitment"] = {"id": commitment["id"], "whose": commitment["whose"], "action": commitment["action"],
                              "due": day.isoformat(), "was": to_date(commitment["due"]).isoformat(), "remark": remark}
        return view


# --- edit, snooze, state, rm --------------------------------------------------

EDITABLE = ("name", "company", "title", "email", "phone", "url", "source", "channel", "cadence", "birthday", "notes")


def _need_team(ctx: AppContext, what: str) -> str:
    """The role running the command on a team database; on a SQLite file, `what` is refused."""
    me = ctx.store.user()
    if me is None:
        raise BadInput(f"{what} need a team database (PostgreSQL, --db postgresql://...); "
                       "on a SQLite file every contact is yours alone")
    return me


def edit_contact(ctx: AppContext, who: str, changes: dict[str, Any], add_tags: list[str], remove_tags: list[str],
                 append_note: str | None = None, private: bool | None = None, add_emails: Sequence[str] = (),
                 remove_emails: Sequence[str] = (), add_phones: Sequence[str] = (),
                 remove_phones: Sequence[str] = ()) -> dict:
    """Change fields; an empty string clears an optional one. `append_note` adds a line to the
    notes, dated today ("2026-11-23: met her CFO"), keeping what is there. `add_emails` and
    `remove_emails` are the contact's other addresses (`contact_email`), which `fup sync mail`
    and duplicate checks match on too; `add_phones` and `remove_phones` its other numbers
    (`contact_phone`)."""
    more = [clean_email(e) for e in add_emails]
    fewer = [clean_email(e) for e in remove_emails]
    if any(e is None for e in more + fewer):
        raise BadInput("--email2 and --rm-email2 need an address")
    more_phones = [clean_other_phone(p) for p in add_phones]
    fewer_phones = [clean_text(p, "phone") for p in remove_phones]
    if any(p is None for p in more_phones + fewer_phones):
        raise BadInput("--phone2 and --rm-phone2 need a number")
    if append_note is not None and changes.get("notes") is not None:
        raise BadInput("--note replaces the notes and --append-note adds to them: give one of them")
    line = clean_text(append_note, "note", required=True) if append_note is not None else None
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if value is None:
            continue
        if name not in EDITABLE:
            raise BadInput(f"unknown field {name!r}")
        if name == "name":
            cleaned[name] = clean_name(value)
        elif name == "email":
            cleaned[name] = clean_email(value) if value.strip() else None
        elif name == "channel":
            cleaned[name] = check_channel(value)
        elif name == "cadence":
            cleaned[name] = check_cadence(ctx, value)
        elif name == "birthday":
            cleaned[name] = parse_birthday(value) if value.strip() else None
        else:
            cleaned[name] = clean_text(value, name.rstrip("s") if name == "notes" else name)
    added, removed = clean_tags(add_tags), clean_tags(remove_tags)
    if (not cleaned and not added and not removed and line is None and private is None and not more and not fewer
            and not more_phones and not fewer_phones):
        raise BadInput("nothing to change; give at least one field option (see fup edit --help)")
    me = _need_team(ctx, "private contacts") if private is not None else None
    with ctx.store.write(Undoable("edit", ctx.now)) as db:
        contact = _contact(db, who)
        if private is not None:
            if contact.get("owner") != me:
                raise BadInput(f"only {contact.get('owner')}, who owns {contact['name']}, can make it "
                               f"{'private' if private else 'shared'}")
            cleaned["private"] = private
        if cleaned.get("email") and cleaned["email"] != contact["email"]:
            clash = _email_taken(db, cleaned["email"])
            if clash is not None and clash["id"] != contact["id"]:
                raise Conflict(f"{clash['name']} (#{clash['id']}) already has email {cleaned['email']}")
            db.execute("DELETE FROM contact_email WHERE contact_id = :cid AND email = :email",  # (now the main one)
                       {"cid": contact["id"], "email": cleaned["email"]})
        _other_emails(db, ctx, contact, more, fewer, cleaned.get("email", contact["email"]))
        if cleaned.get("phone"):  # (a number of theirs made the main one is no longer an "other" one)
            db.execute("DELETE FROM contact_phone WHERE contact_id = :cid AND phone = :phone",
                       {"cid": contact["id"], "phone": cleaned["phone"]})
        _other_phones(db, ctx, contact, more_phones, fewer_phones, cleaned.get("phone", contact["phone"]))
        moved = cleaned.get("cadence") not in (None, contact["cadence"])
        changes = dict(cleaned)
        cadence = cleaned.get("cadence", contact["cadence"])
        profile = ctx.settings.rules.profiles[cadence]
        if moved and contact["state"] == NURTURE and cadence != NURTURE and profile.end != PARK and profile.gaps:
            changes.update(state="active", reopened_at=ctx.now)  # off the nurture rhythm: followed up on the new profile from today
        if "name" in cleaned:
            changes["name_key"] = fold(cleaned["name"])
        if "birthday" in cleaned:  # (the indexed MM-DD with it, before anything reads today's birthdays)
            changes["birthday_md"] = cleaned["birthday"][-5:] if cleaned["birthday"] else None
        if line is not None:
            dated = f"{ctx.today.isoformat()}: {line}"
            changes["notes"] = f"{contact['notes']}\n{dated}" if contact["notes"] else dated
            if len(changes["notes"]) > MAX_TEXT:
                raise BadInput(f"the notes would be longer than {MAX_TEXT} characters")
        current = [t for t in (contact["tags"] or "").split(";") if t]
        tags = [t for t in current if t not in removed] + [t for t in added if t not in current]
        _change(db, contact, **changes, tags=";".join(tags), updated_at=ctx.now)
        if "name_key" in changes:  # (the words of the new name: found by them, no longer by the old)
            db.execute("DELETE FROM contact_word WHERE contact_id = :cid", {"cid": contact["id"]})
            db.insert_many("contact_word", word_rows(contact["id"], changes["name_key"]))
        refresh(db, ctx, contact, check=not moved)
        journal.label(db, f"edit {_who(contact)}", contact["id"])
        return _view(db, ctx, contact)


def _other_emails(db: Db, ctx: AppContext, contact: dict, more: list, fewer: list, main: str | None) -> None:
    for email in fewer:
        gone = db.execute("DELETE FROM contact_email WHERE contact_id = :cid AND email = :email",
                          {"cid": contact["id"], "email": email})
        if gone.rowcount == 0:
            raise NotFound(f"{contact['name']} has no other address {email}")
    for email in dict.fromkeys(more):
        if email == main:
            continue  # (already theirs)
        clash = _email_taken(db, email)
        if clash is not None:
            if clash["id"] == contact["id"]:
                continue
            raise Conflict(f"{clash['name']} (#{clash['id']}) already has email {email}")
        db.insert("contact_email", {"contact_id": contact["id"], "email": email, "created_at": ctx.now})


def _other_phones(db: Db, ctx: AppContext, contact: dict, more: list, fewer: list, main: str | None) -> None:
    for phone in fewer:
        gone = db.execute("DELETE FROM contact_phone WHERE contact_id = :cid AND phone = :phone",
                          {"cid": contact["id"], "phone": phone})
        if gone.rowcount == 0:
            raise NotFound(f"{contact['name']} has no other phone number {phone}")
    known = {phone for (phone,) in db.execute("SELECT phone FROM contact_phone WHERE contact_id = :cid",
                                              {"cid": contact["id"]}).fetchall()}
    for phone in dict.fromkeys(more):
        if phone != main and phone not in known:
            db.insert("contact_phone", {"contact_id": contact["id"], "phone": phone, "created_at": ctx.now})


def snooze(ctx: AppContext, who: str, until: str) -> dict:
    """Hide a contact's cadence rows until a day (its promises, asked dates and birthday still
    show); `never` pauses the contact instead (`set_state` paused)."""
    if until.strip().lower() == "never":
        return set_state(ctx, who, PAUSED)
    day = parse_date(until, ctx.now)
    if day < ctx.today:
        raise BadInput("snooze date is in the past")
    with ctx.store.write(Undoable("snooze", ctx.now)) as db:
        contact = _contact(db, who)
        _change(db, contact, snoozed_until=day if day > ctx.today else None, updated_at=ctx.now)
        refresh(db, ctx, contact)
        journal.label(db, f"snooze {_who(contact)} until {day.isoformat()}", contact["id"])
        return _view(db, ctx, contact)


def snooze_tag(ctx: AppContext, tag: str, until: str) -> dict:
    """`snooze` for every contact with the tag (matched as `fup list --tag` matches), in one
    transaction and one undo step: until a day, `today` clears, `never` pauses them all but the
    closed ones (a no is not chased: they stay closed, untouched). Returns {"tag", "count" (the
    contacts snoozed or paused), "until" (ISO or None), "paused", "left_closed" (closed contacts
    `never` left alone)}; a tag nobody has is NotFound."""
    key = tag.strip().lower()
    if not key:
        raise BadInput("empty tag; give the tag to snooze, e.g. --tag conference")
    pause = until.strip().lower() == "never"
    day = None if pause else parse_date(until, ctx.now)
    if day is not None and day < ctx.today:
        raise BadInput("snooze date is in the past")
    with ctx.store.write(Undoable("snooze", ctx.now)) as db:
        pattern = "%" + escape_like(key) + "%"
        contacts = [c for c in load_contacts(db, "tags LIKE :pattern ESCAPE '\\'", {"pattern": pattern}, lock=True)
                    if key in (c["tags"] or "").split(";")]
        if not contacts:
            raise NotFound(f"no contact is tagged {key!r} (`fup list` shows the tags)")
        left_closed = sum(1 for c in contacts if c["state"] == "closed") if pause else 0
        for contact in contacts:
            if pause:
                if contact["state"] == "closed":  # pausing would bring back a no (it is reopened by hand only)
                    continue
                changes: dict[str, Any] = {"state": PAUSED} if contact["state"] != PAUSED else {}
            else:
                changes = {"snoozed_until": day if day > ctx.today else None}
            _change(db, contact, **changes, updated_at=ctx.now)
        refresh_many(db, ctx, contacts)
        count = len(contacts) - left_closed
        people = f"{count} contact{'' if count == 1 else 's'} tagged {key}"
        what = (f"pause {people}" if pause else f"snooze {people} until {day.isoformat()}" if day > ctx.today
                else f"end the snooze of {people}")
        journal.label(db, what)  # (about several contacts: names none of them)
        return {"tag": key, "count": count, "paused": pause, "left_closed": left_closed,
                "until": day.isoformat() if day is not None and day > ctx.today else None}


def set_state(ctx: AppContext, who: str, state: str) -> dict:
    state = check_choice(state, STATES, "state")
    with ctx.store.write(Undoable("state", ctx.now)) as db:
        contact = _contact(db, who)
        before = contact["state"]
        changes: dict[str, Any] = {"state": state, "updated_at": ctx.now}
        if before in ("closed", PAUSED) and state not in ("closed", PAUSED):  # counted afresh from today, never overdue
            changes["reopened_at"] = ctx.now
        _change(db, contact, **changes)
        refresh(db, ctx, contact)
        journal.label(db, f"state {_who(contact)}: {before} to {state}", contact["id"])
        return _view(db, ctx, contact)


def assign(ctx: AppContext, who: str, role: str) -> tuple[dict, str | None]:
    """Give a contact to another role on a team database; returns its view and the owner before."""
    role = ctx.store.team_role(role)
    with ctx.store.write(Undoable("assign", ctx.now)) as db:
        contact = _contact(db, who)
        before = contact.get("owner")
        if contact.get("private"):
            raise BadInput(f"{contact['name']} is private: make it shared first (fup edit {contact['id']} --shared)")
        _change(db, contact, owner=role, updated_at=ctx.now)
        refresh(db, ctx, contact)  # (a reason that named the new owner's own touch as a colleague's)
        journal.label(db, f"assign {_who(contact)}: {before} to {role}", contact["id"])
        return _view(db, ctx, contact), before


def find(ctx: AppContext, who: str) -> dict:
    """Resolve WHO for a confirmation prompt, without writing."""
    conn = ctx.store.reader()
    if conn is None:
        raise NotFound("no contacts yet: add one with `fup add NAME`")
    return resolve(conn, who)


def remove_contact(ctx: AppContext, contact_id: int) -> dict:
    """Delete a contact with its history; undoable (the history keeps what undo needs)."""
    with ctx.store.write(Undoable("rm", ctx.now)) as db:
        contact = db.one("SELECT id, name FROM contact WHERE id = :id", {"id": contact_id})
        if contact is None:
            raise NotFound(f"no contact with id {contact_id}")
        summary = {"id": contact["id"], "name": contact["name"], "touches": _touch_count(db, contact_id)}
        journal.label(db, f"rm {_who(contact)}", contact["id"])
        db.execute("DELETE FROM contact WHERE id = :id", {"id": contact_id})  # its rows follow (ON DELETE CASCADE)
        return summary


def _touch_count(db: Db, contact_id: int) -> int:
    return db.execute("SELECT count(*) FROM touch WHERE contact_id = :id", {"id": contact_id}).fetchone()[0]


def find_to_forget(ctx: AppContext, who: str) -> dict:
    """Resolve WHO for `fup forget`: a contact, else one removed with `fup rm` whose rows
    the undo history still holds ({"id", "name", "removed": True})."""
    ctx.store.need_file("fup forget")
    try:
        return find(ctx, who)
    except NotFound:
        conn = ctx.store.reader()
        removed = journal.removed_contacts(conn) if conn is not None else []
        text = who.strip()
        number = parse_id(text[1:] if text.startswith("#") else text)
        key = fold(text)
        matches = [r for r in removed if r["id"] == number or (key and fold(r["name"]) == key)]
        if not matches and key:  # as WHO finds the living: the start of the name, else of each word typed
            matches = [r for r in removed if fold(r["name"]).startswith(key)] or [
                r for r in removed if starts_words(key, fold(r["name"]))]
        if not matches:
            raise
        if len(matches) > 1:
            listed = ", ".join(f"{r['name']} (#{r['id']})" for r in matches[:8])
            raise Ambiguous(f"{who!r} matches several removed contacts: {listed}; use the id") from None
        return dict(matches[0], removed=True)


def forget_contact(ctx: AppContext, contact_id: int, removed_at_step: int | None = None) -> dict:
    """Erase a contact for good: their rows, their undo history, and, with SQLite's
    secure_delete, a VACUUM and a WAL checkpoint, the bytes of their text in the database
    files. Not journaled: it cannot be undone. `removed_at_step` names the `rm` step of a
    contact already removed: only the history is erased (a live contact may have their id now)."""
    ctx.store.need_file("fup forget")
    with ctx.store.write() as db:
        db.secure_delete()
        contact = None
        if removed_at_step is None:
            contact = db.one("SELECT id, name FROM contact WHERE id = :id", {"id": contact_id})
            if contact is None:
                raise NotFound(f"no contact with id {contact_id}")
        summary = {"id": contact_id, "touches": _touch_count(db, contact_id) if contact else 0}
        if contact is not None:
            db.execute("DELETE FROM contact WHERE id = :id", {"id": contact_id})
        journal.forget_contact(db.raw, contact_id, until=removed_at_step)
        if contact is not None:  # someone of the same name removed earlier is another record: say so
            summary["removed_namesakes"] = [r for r in journal.removed_contacts(db.raw)
                                            if r["name"].casefold() == contact["name"].casefold()]
    summary["erased"], summary["wipe_problem"] = wipe_freed_space(ctx)
    return summary


def wipe_freed_space(ctx: AppContext) -> tuple[bool, str | None]:
    """Rewrite the database file so no old copy of erased text is left in it (after `forget`).

    Returns (done, problem): not done with no problem when another fup is reading (the
    -wal file keeps old pages until it ends); a problem (a full disk: VACUUM needs room
    for a copy) is returned in words, since the erasure itself has already committed."""
    from .errors import storage_failure

    try:
        return ctx.store.erase_freed_space(), None
    except Exception as exc:  # noqa: BLE001 - reported as a finding, the data is already safe
        words = storage_failure(exc) or (str(exc).splitlines() or [type(exc).__name__])[0]
        return False, words.replace("; nothing was changed", "")


def undo(ctx: AppContext) -> journal.Undone:
    """Revert the newest write command in the undo history."""
    from .storage.store import SCHEMA_VERSION

    ctx.store.need_file("fup undo", or_postgres=True)
    if ctx.store.postgres:  # each person's own steps, refused when a colleague changed the rows since
        from .storage import journal_server

        if ctx.store.reader() is None:
            raise NotFound("nothing to undo")
        with ctx.store.write() as db:
            undone, ids = journal_server.undo_last(db, SCHEMA_VERSION)
            if ids is None:  # days off changed back: my contacts planned with them (`fup away`)
                _replan_away(db, ctx)
            elif ids:  # (the agenda is planned, not journaled)
                back = load_contacts(db, f"id IN ({', '.join(str(int(i)) for i in ids)})", lock=True)
                refresh_many(db, ctx, back, check=False, roll=False)
            return undone
    if not ctx.store.exists():
        raise NotFound("nothing to undo")
    if ctx.store.path is not None and ctx.store.stored_version() != SCHEMA_VERSION:
        raise NotFound("nothing to undo")  # an older schema has no history: said without upgrading the file
    with ctx.store.write() as db:
        return journal.undo_last(db.raw, SCHEMA_VERSION)


def undo_history(ctx: AppContext, count: int) -> list[tuple[str, str]]:
    """The last `count` steps `fup undo` can take back, newest first (read only)."""
    from .storage.store import SCHEMA_VERSION

    ctx.store.need_file("fup undo", or_postgres=True)
    if ctx.store.postgres:
        from .storage import journal_server

        conn = ctx.store.reader()
        return journal_server.history(conn, count) if conn is not None else []
    if not ctx.store.exists() or (ctx.store.path is not None and ctx.store.stored_version() != SCHEMA_VERSION):
        return []  # (an older schema has no history: said without upgrading the file)
    conn = ctx.store.reader()
    return journal.history(conn, count) if conn is not None else []


def replan_all(connection: Any, ctx: AppContext) -> int:
    """Re-plan every contact through `connection`, in its transaction (a schema upgrade's)."""
    from .storage.server import ServerDb

    db = ServerDb(connection)
    contacts = load_contacts(db)
    refresh_many(db, ctx, contacts, check=False, roll=False)  # (the next command names a missing profile)
    return len(contacts)


def reschedule(ctx: AppContext) -> int:
    """Re-plan every contact (after a change to config.toml); returns how many."""
    with ctx.store.write(Undoable("reschedule", ctx.now)) as db:
        contacts = load_contacts(db, lock=True)
        refresh_many(db, ctx, contacts, roll=False)
        journal.label(db, f"reschedule {len(contacts)} contact{'' if len(contacts) == 1 else 's'}")
        return len(contacts)


# --- days off -------------------------------------------------------------------

MAX_AWAY_DAYS = 366  # a longer break is a pause (`fup state WHO paused`), not days off


def _replan_away(db: Db, ctx: AppContext) -> int:
    """Plan every contact with the days off as they now stand in `db`; returns how many
    contacts' next due dates moved. On a team database the days off are each person's (the
    `away` rows one sees are one's own) and only one's own contacts are planned anew."""
    from .storage.queries import away_days, away_periods

    ctx.with_away(away_days(away_periods(db)))
    me = ctx.store.user()
    contacts = load_contacts(db, "owner = :me", {"me": me}, lock=True) if me else load_contacts(db, lock=True)
    before = {c["id"]: c["next_due"] for c in contacts}
    refresh_many(db, ctx, contacts, roll=False)
    after = dict(db.execute("SELECT id, next_due FROM contact").fetchall())
    return sum(1 for cid, due in after.items() if to_date(due) != to_date(before.get(cid)))


def add_away(ctx: AppContext, start: str, end: str | None) -> dict:
    """Days off from `start` to `end` (both included; `end` defaults to `start`): nothing comes
    due on them, what would moves to the first workday after. Every contact is re-planned.
    The same days off twice (same first and last day) are a Conflict; overlapping ones are fine.
    `promised` lists the open commitments of contacts not closed that fall on them, at most
    MAX_LISTED; `more_promised` counts the rest."""
    first = parse_date(start, ctx.now)
    last = parse_date(end, ctx.now) if end is not None else first
    if last < first:
        raise BadInput(f"the days off end ({last.isoformat()}) before they start ({first.isoformat()})")
    if (last - first).days + 1 > MAX_AWAY_DAYS:
        raise BadInput(f"{(last - first).days + 1} days off is more than {MAX_AWAY_DAYS}; "
                       "for a longer break, pause contacts (`fup state WHO paused`)")
    with ctx.store.write(Undoable("away", ctx.now)) as db:
        if db.all("SELECT id FROM away WHERE first_day = :first AND last_day = :last", {"first": first, "last": last}):
            raise Conflict(f"already away {first.isoformat()} to {last.isoformat()}")
        db.insert("away", {"first_day": first, "last_day": last, "created_at": ctx.now})
        moved = _replan_away(db, ctx)
        journal.label(db, f"away {first.isoformat()} to {last.isoformat()}")
        promised = db.all(  # (a closed contact's commitments never come due: not worth a note)
            "SELECT commitment.id, commitment.action, commitment.due, commitment.whose, contact.name FROM commitment "
            "JOIN contact ON contact.id = commitment.contact_id WHERE commitment.status = 'open' "
            "AND contact.state != 'closed' "
            "AND commitment.due BETWEEN :first AND :last ORDER BY commitment.due, commitment.id",
            {"first": first, "last": last})
        more = max(0, len(promised) - MAX_LISTED)
        promised = promised[:MAX_LISTED]
        for row in promised:
            row["due"] = to_date(row["due"])
        return {"first": first, "last": last, "days": (last - first).days + 1, "moved": moved, "promised": promised,
                "more_promised": more}


def clear_away(ctx: AppContext, start: str) -> dict:
    """Remove the days off that begin on `start`; every contact is re-planned."""
    first = parse_date(start, ctx.now)
    with ctx.store.write(Undoable("away", ctx.now)) as db:
        rows = db.all("SELECT id, first_day, last_day FROM away WHERE first_day = :first ORDER BY id", {"first": first})
        if not rows:
            raise NotFound(f"no days off start on {first.isoformat()} (see `fup away --list`)")
        db.execute("DELETE FROM away WHERE first_day = :first", {"first": first})
        last = max(to_date(row["last_day"]) for row in rows)
        moved = _replan_away(db, ctx)
        journal.label(db, f"away --clear {first.isoformat()}")
        return {"first": first, "last": last, "days": (last - first).days + 1, "moved": moved}


def away_list(ctx: AppContext) -> list[tuple[date, date]]:
    """The days off, in order (read only)."""
    from .storage.queries import away_periods

    conn = ctx.store.reader()
    return away_periods(conn) if conn is not None else []


# --- a note on a touch ------------------------------------------------------------


def note_touch(ctx: AppContext, who: str, note: str, touch_id: int | None = None) -> dict:
    """Add a line to the note of a contact's touch (touch `touch_id`, which must be theirs, else
    their newest, as `unlog_touch` picks it), keeping what the note says already; the plan does
    not depend on notes, so nothing is re-planned. `noted` in the result is the touch as it now is."""
    text = clean_text(note, "note", required=True)
    with ctx.store.write(Undoable("note", ctx.now)) as db:
        contact = _contact(db, who)
        touch = _pick_touch(db, contact, touch_id, "to add a note to")
        combined = f"{touch['note']}\n{text}" if touch["note"] else text
        if len(combined) > MAX_TEXT:
            raise BadInput(f"the note would be longer than {MAX_TEXT} characters")
        db.update("touch", touch["id"], {"note": combined})
        _change(db, contact, updated_at=ctx.now)
        journal.label(db, f"note {_who(contact)}: touch {touch['id']}", contact["id"])
        view = _view(db, ctx, contact)
        view["noted"] = {"id": touch["id"], "at": to_moment(touch["at"]).isoformat(), "channel": touch["channel"],
                         "direction": touch["direction"], "outcome": touch["outcome"], "note": combined}
        return view
