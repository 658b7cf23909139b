"""Read queries over the schema in plain SQL, shared by the fast path and the write path.

Every function takes a DB-API-like connection (`execute(sql, params)` with
named parameters, returning rows): the read-only sqlite3 connection from
`Store.reader()`, or the write transaction's `storage.db.Db`, so looking up
WHO or listing due rows is written once. Results are plain dicts and `DueRow`s, ready for `render`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..errors import Ambiguous, BadInput, NotFound
from ..records import record
from ..vocabulary import OPEN_STATES
from ..scheduler import (
    COLD_TIER,
    DEFAULT_RULES,
    TIER_SPAN,
    TIERS,
    Item,
    Rules,
    birthday_days,
    birthday_reason,
    birthday_window,
    first_visible,
    item_order,
    last_seen,
    rank_bounds,
    row_on,
    rows_on,
    with_more,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - `typing` costs the daily commands ~5 ms to import
    from typing import Any, Callable, Iterable, Iterator

CONTACT_FIELDS = (
    "id", "name", "company", "title", "email", "phone", "url", "tags", "source", "channel",
    "cadence", "state", "birthday", "notes", "snoozed_until", "reopened_at", "created_at", "updated_at",
    "last_touch_at", "next_due", "unanswered_streak", "next_step_due", "owner",
)
_CONTACT_COLUMNS = ", ".join(f"contact.{name}" for name in CONTACT_FIELDS)
_ITEM_COLUMNS = "a.kind, a.due, a.reason, a.weight, a.commitment_id, a.channel"
MAX_CANDIDATES = 8
MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id names nobody (and cannot be bound)

# Stored datetimes are 'YYYY-MM-DD HH:MM:SS.ffffff' text on SQLite and timestamps on PostgreSQL:
# SQL turns them into what isoformat() writes, and dates into 'YYYY-MM-DD'.
ISO_MOMENT_SQL = {
    "sqlite": "CASE WHEN substr({0}, 20) IN ('', '.000000') THEN substr(replace({0}, ' ', 'T'), 1, 19) "
              "ELSE replace({0}, ' ', 'T') END",
    "postgresql": "CASE WHEN date_part('microseconds', {0})::int % 1000000 = 0 "
                  "THEN to_char({0}, 'YYYY-MM-DD\"T\"HH24:MI:SS') ELSE to_char({0}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') END",
}
DAY_SQL = {"sqlite": "substr({0}, 1, 10)", "postgresql": "to_char({0}, 'YYYY-MM-DD')"}
# A contact's count of open commitments (both sides'), `{0}` the contact table's name or alias.
OPEN_COMMITMENTS_SQL = "(SELECT COUNT(*) FROM commitment m WHERE m.contact_id = {0}.id AND m.status = 'open')"


def parse_id(text: str) -> int | None:
    """A row id as typed (a contact's WHO, an id column of fup's CSV), or None when it is no id
    SQLite can hold: not decimal ('²' is a digit int() refuses), zero, or past MAX_ID (the
    length is checked first: int() refuses 4300 digits)."""
    text = text.strip()
    if not (text.isdecimal() and len(text) <= 19):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def seen_of(contact: dict) -> date | None:
    """`scheduler.last_seen` of a contact row: its last touch, or the day it was added if later."""
    return last_seen(to_date(contact["last_touch_at"]), to_date(contact["created_at"]))


def to_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def to_moment(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


# --- WHO ---------------------------------------------------------------------


def resolve(conn: Any, who: str, offer_add: bool = False) -> dict:
    """The one contact WHO names: an id (`7` or `#7`), an email, the whole name, a prefix of
    it, or a start of any of its words for every word typed (`ruiz`, `j alv`), all without
    regard to case or accents (see `lookup`). The first of those that names anyone decides:
    one contact is the answer, several are Ambiguous (each listed with its id, company and
    email), none is NotFound with the closest names (and, with `offer_add`, how to add them)."""
    from ..lookup import fold, words

    text = who.strip()
    if not text:
        raise BadInput("empty contact name; give an id, an email or a name")
    number = text[1:] if text.startswith("#") else text
    if number.isdecimal():
        contact_id = parse_id(number)
        rows = _contacts(conn, "contact.id = :id", {"id": contact_id}) if contact_id is not None else []
        if not rows:
            raise NotFound(f"no contact with id {number}")
        return rows[0]
    if "@" in text:
        rows = _contacts(conn, "email = :email", {"email": text.lower()})
        if rows:
            return rows[0]
    key = fold(text)
    if key:
        typed = words(key)[:MAX_TYPED_WORDS]
        starts = " INTERSECT ".join(f"SELECT contact_id FROM contact_word WHERE word >= :w{i} AND word < :h{i}"
                                    for i in range(len(typed)))
        for where, params in (
            ("name_key = :key", {"key": key}),
            ("name_key >= :lo AND name_key < :hi", {"lo": key, "hi": key + "\U0010ffff"}),
            (f"contact.id IN ({starts})", {**{f"w{i}": word for i, word in enumerate(typed)},
                                           **{f"h{i}": word + "\U0010ffff" for i, word in enumerate(typed)}}),
        ):
            rows = _contacts(conn, where, params)
            if len(rows) == 1:
                return rows[0]
            if rows:
                raise Ambiguous(_candidates(text, rows))
    raise NotFound(_not_found(conn, text, offer_add))


def _candidates(text: str, rows: list[dict]) -> str:
    """One line naming each contact `text` matched, with what tells them apart."""
    shown = []
    for row in rows[:MAX_CANDIDATES]:
        details = ", ".join(part for part in (f"#{row['id']}", row["company"], row["email"]) if part)
        shown.append(f"{row['name']} ({details})")
    more = f" and {len(rows) - MAX_CANDIDATES} more" if len(rows) > MAX_CANDIDATES else ""
    return f"{text!r} matches {len(rows)} contacts: {'; '.join(shown)}{more}; use the id"


SUGGEST_SCAN = 5000  # past this many contacts, only names with a word that starts as a typed word does are weighed
MAX_TYPED_WORDS = 8  # a WHO's words looked up as word starts (a longer WHO is no name anyone types)


def _not_found(conn: Any, text: str, offer_add: bool) -> str:
    """'no contact "Helen Prak"; did you mean Helen Park (#7)?', with the closest names if any
    are close, then (`offer_add`) 'Or add them: fup add "Helen Prak"'."""
    message = f"no contact {_quoted(text)}"
    suggested = _suggestions(conn, text)
    if suggested:
        message += f"; did you mean {suggested}?"
    if offer_add:
        command = f"fup add NAME --email {text}" if "@" in text else f"fup add {_quoted(text)}"
        return message + (f" Or add them: {command}" if suggested else f"; to add them: {command}")
    return message if suggested else message + " (try `fup list`)"


def _suggestions(conn: Any, text: str) -> str:
    """'Helen Park (#7)' or 'A (#1), B (#2) or C (#3)': the names most like `text`, or ''."""
    from ..lookup import closest, fold, words

    typed = words(fold(text.split("@")[0] if "@" in text else text))
    if not typed:
        return ""
    (count,) = conn.execute("SELECT count(*) FROM contact", {}).fetchone()
    if count <= SUGGEST_SCAN:
        rows = conn.execute("SELECT id, name FROM contact", {})
    else:  # the names with a word that starts with the first two letters of a typed word
        starts = sorted({word[:2] for word in typed[:MAX_TYPED_WORDS]})
        where = " UNION ".join(f"SELECT contact_id FROM contact_word WHERE word >= :s{n} AND word < :e{n}"
                               for n in range(len(starts)))
        rows = conn.execute(f"SELECT id, name FROM contact WHERE id IN ({where})",
                            {**{f"s{n}": start for n, start in enumerate(starts)},
                             **{f"e{n}": start + "\U0010ffff" for n, start in enumerate(starts)}})
    names = [f"{name} (#{contact_id})" for contact_id, name in closest(text, rows)]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


def _quoted(text: str) -> str:
    """`text` in double quotes, as a shell takes it back; Python's quoting (escapes shown) when it
    holds a quote, a character the shell would expand, or one that is not printable."""
    plain = text.isprintable() and not any(ch in text for ch in '"\\$`')
    return f'"{text}"' if plain else repr(text)


def iter_contacts(
    conn: Any, where: str = "1 = 1", params: dict | None = None, order: str = "name_key, contact.id"
) -> Iterator[dict]:
    """Contacts as dicts of CONTACT_FIELDS plus their `agenda` (a tuple of Items), streamed.

    One query: each contact joined with its agenda items; `order` must end with
    a unique column (contact.id) so a contact's rows come together.
    """
    sql = (
        f"SELECT {_CONTACT_COLUMNS}, {_ITEM_COLUMNS} FROM contact "
        f"LEFT JOIN agenda_item a ON a.contact_id = contact.id WHERE {where} ORDER BY {order}, a.rank, a.id"
    )
    width = len(CONTACT_FIELDS)
    current: dict | None = None
    items: list[Item] = []
    for row in conn.execute(sql, params or {}):
        if current is None or current["id"] != row[0]:
            if current is not None:
                yield {**current, "agenda": tuple(items)}
            current, items = dict(zip(CONTACT_FIELDS, row[:width])), []
        if row[width] is not None:
            kind, due, reason, weight, commitment_id, channel = row[width:]
            items.append(Item(kind, to_date(due), reason, float(weight), commitment_id, channel))
    if current is not None:
        yield {**current, "agenda": tuple(items)}


def _contacts(conn: Any, where: str, params: dict, order: str = "name_key, contact.id") -> list[dict]:
    return list(iter_contacts(conn, where, params, order))


# --- today --------------------------------------------------------------------


@record
class DueRow:
    """One row of `fup today`; its fields are the stable JSON/CSV columns, in order."""

    contact_id: int
    name: str
    company: str | None
    kind: str
    reason: str
    due: str
    days_overdue: int
    channel: str
    urgency: float
    last_touch: str | None
    owner: str | None = None  # the role that owns the contact (team mode); None on SQLite

    def as_dict(self) -> dict:
        return self._asdict()


DUE_COLUMNS = DueRow._fields


def _due_row(contact: dict, item: Item, on: date, reason: str | None = None) -> DueRow:
    last = to_date(contact["last_touch_at"])
    return DueRow(
        contact_id=contact["id"],
        name=contact["name"],
        company=contact["company"],
        kind=item.kind,
        reason=item.reason if reason is None else reason,
        due=item.due.isoformat(),
        days_overdue=(on - item.due).days,
        channel=item.channel or contact["channel"],
        urgency=round(item.urgency(on), 2),
        last_touch=last.isoformat() if last else None,
        owner=contact.get("owner"),
    )


def rank_key(row: DueRow) -> tuple:
    """Most urgent first; ties by earlier due, then name (case-insensitive), then id."""
    return (-row.urgency, row.due, row.name.casefold(), row.contact_id)


# The visible items of one tier, in rank order, from the index on `rank`: an index range per tier.
_RANKED_ITEMS = (
    "SELECT a.contact_id, a.rank, contact.name, contact.company, contact.channel, contact.last_touch_at, "
    "contact.snoozed_until, contact.owner "
    "FROM agenda_item a JOIN contact ON contact.id = a.contact_id "
    "WHERE a.rank >= :lo AND a.rank < :hi{mine} ORDER BY a.rank, a.due"
)


def _mine(owner: str | None, params: dict, column: str = "contact.owner") -> str:
    """The condition that keeps one owner's contacts (team mode: `today --owner`), or nothing
    for everyone's; the owner goes into `params`."""
    if owner is None:
        return ""
    params["owner"] = owner
    return f" AND {column} = :owner"
_BIRTHDAY_TIER = TIERS.index("birthday")
_COLD_TIER = COLD_TIER
_CHUNK = 500  # ids per `IN (...)` list


def _birthday_windows(on: date, rules: Rules) -> dict[str, tuple[date, date]]:
    """'MM-DD' -> (the birthday, the first day it shows) for every birthday that can show on `on`."""
    windows = {}
    for md in birthday_days(on, rules):
        for year in (on.year + 1, on.year, on.year - 1):
            day, shown, last = birthday_window(md, year, rules)
            if shown <= on <= last:
                windows[md] = (day, shown)
                break
    return windows


def _birthdays(conn: Any, on: date, rules: Rules, ids: list[int] | None = None,
               owner: str | None = None) -> Iterator[tuple[dict, Item]]:
    """(contact, birthday item) for each contact whose birthday row shows on `on`: candidates by
    an indexed lookup of 'MM-DD' (the few days whose birthdays can show), then the rule of
    `scheduler.birthday_item` (a test holds the two together), worked out once per day."""
    windows = _birthday_windows(on, rules)
    days = sorted(windows)
    if not days:
        return
    params: dict[str, Any] = {f"b{i}": day for i, day in enumerate(days)}
    sql = (
        "SELECT id, name, company, channel, last_touch_at, birthday, snoozed_until, reopened_at, next_due, owner, "
        f"created_at FROM contact WHERE birthday_md IN ({', '.join(f':b{i}' for i in range(len(days)))}) AND state != 'closed'"
    ) + _mine(owner, params, "owner")
    if ids is not None:
        sql += f" AND id IN ({', '.join(str(int(i)) for i in ids)})"
    for cid, name, company, channel, last, birthday, snoozed, reopened, next_due, owner, created in conn.execute(sql, params):
        window = windows.get(birthday[-5:]) if birthday else None
        if window is None:  # (changed in this very transaction: the indexed MM-DD is still the old one)
            continue
        day, shown = window
        floor = to_date(reopened)  # (a snooze hides the cadence only)
        start = max(shown, floor) if floor is not None else shown
        seen = last_seen(to_date(last), to_date(created))
        if start > on or (seen is not None and seen >= shown):
            continue
        contact = {"id": cid, "name": name, "company": company, "channel": channel, "last_touch_at": last,
                   "next_due": next_due, "snoozed_until": snoozed, "owner": owner}
        yield contact, Item("birthday", start, birthday_reason(day))


def birthday_rows(conn: Any, on: date, rules: Rules = DEFAULT_RULES, owner: str | None = None) -> list[tuple[dict, Item]]:
    """(contact, birthday item) of every birthday row on `on` (of `owner`'s contacts, when given):
    read once by `fup today`, which hands them to `due_rows`, `count_waiting` and `count_due`."""
    return list(_birthdays(conn, on, rules, owner=owner))


def _ranked(conn: Any, on: date, rules: Rules, cold_limit: Callable[[], int] | None = None,
            birthdays: list | None = None, owner: str | None = None) -> Iterator[tuple[float, dict]]:
    """(rank, contact) of every item visible on `on`, in rank order, tier by tier; lazily, so a
    short list reads little (the row itself is built from all of the contact's items later).
    `cold_limit()`, asked when the cold tier is reached, caps how many cold items are read."""
    for tier in range(len(TIERS)):
        if tier == _BIRTHDAY_TIER:
            found = sorted(birthdays if birthdays is not None else _birthdays(conn, on, rules, owner=owner), key=lambda pair: (pair[1].rank, pair[0]["name"].casefold()))
            for contact, item in found:
                yield item.rank, contact
            continue
        lo, hi = rank_bounds(tier, on)
        params = {"lo": lo, "hi": hi}
        sql = _RANKED_ITEMS.format(mine=_mine(owner, params))
        if cold_limit is not None and tier == _COLD_TIER:
            sql, params["n"] = sql + " LIMIT :n", cold_limit()
        for cid, rank, name, company, channel, last, snoozed, owned in conn.execute(sql, params):
            yield float(rank), {"id": cid, "name": name, "company": company, "channel": channel, "last_touch_at": last,
                                "snoozed_until": snoozed, "owner": owned}


def _visible_items(conn: Any, ids: list[int], on: date, rules: Rules) -> dict[int, list[Item]]:
    """Every item visible on `on` of the contacts `ids`, most urgent first (birthdays included)."""
    found: dict[int, list[Item]] = {cid: [] for cid in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join(str(int(cid)) for cid in chunk)
        for cid, kind, due, reason, weight, commitment_id, channel in conn.execute(
            "SELECT contact_id, kind, due, reason, weight, commitment_id, channel FROM agenda_item "
            f"WHERE contact_id IN ({marks}) AND due <= :on", {"on": on.isoformat()}
        ):
            found[cid].append(Item(kind, to_date(due), reason, float(weight), commitment_id, channel))
        for contact, item in _birthdays(conn, on, rules, chunk):
            found[contact["id"]].append(item)
    return {cid: sorted(items, key=item_order) for cid, items in found.items()}


def due_rows(conn: Any, on: date, limit: int = 0, rules: Rules = DEFAULT_RULES, birthdays: list | None = None,
             owner: str | None = None) -> list[DueRow]:
    """The contacts with something to do on `on`, one row each, ranked; the first `limit` (0 = all).

    Items are read in `rank` order from an index, one range per tier, so the cost
    follows the rows asked for, not the size of the database: reading stops once
    `limit` contacts are found and no later item can tie with the last of them.
    Each row is its contact's most urgent item; when the contact has more items due,
    its reason says how many and what the next one is ("(+1 more: ...)").
    Cold rows fill what the day's capacity leaves (`rules.capacity` minus the rows
    above them), oldest first; the rest wait for a later day (`count_waiting`).
    With `owner` (team mode), only that role's contacts: the list, and its capacity, are theirs.
    """
    chosen = _chosen(conn, on, limit, rules, birthdays, owner)
    visible = _visible_items(conn, list(chosen), on, rules)
    rows = []
    for cid, contact in chosen.items():
        items = visible[cid]
        if items:  # (always: the item that chose the contact is among them)
            reason = with_more(items[0], items[1:])
            snoozed = to_date(contact.get("snoozed_until"))
            if snoozed is not None and snoozed > on:  # a snooze hides the cadence; say so on what still shows
                reason += f" (snoozed until {snoozed.isoformat()})"
            rows.append(_due_row(contact, items[0], on, reason))
    rows.sort(key=rank_key)
    return rows[:limit] if limit else rows


def listed(conn: Any, on: date, ids: Iterable[int], rules: Rules = DEFAULT_RULES, owner: str | None = None) -> set[int]:
    """Which of the contacts `ids` `due_rows` lists on `on` (all rows, no limit), read without
    building the list: a contact is listed for any item but a cold one visible on `on` (or its
    birthday row: `listed_live`), or for a cold row among the first the day has room for
    (`listed_cold`). The cost follows `ids` and the day's capacity, not the size of the database."""
    wanted = {int(cid) for cid in ids}
    return listed_live(conn, on, wanted, rules) | (listed_cold(conn, on, rules, owner) & wanted)


def listed_live(conn: Any, on: date, ids: Iterable[int], rules: Rules = DEFAULT_RULES) -> set[int]:
    """Which of the contacts `ids` have an item other than a cold one visible on `on`, or their birthday row."""
    wanted = sorted({int(cid) for cid in ids})
    found: set[int] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ", ".join(map(str, chunk))
        found.update(cid for (cid,) in conn.execute(
            f"SELECT DISTINCT contact_id FROM agenda_item WHERE contact_id IN ({marks}) AND kind != 'cold' AND due <= :on",
            {"on": on.isoformat()}))
        found.update(contact["id"] for contact, _ in _birthdays(conn, on, rules, chunk))
    return found


def listed_cold(conn: Any, on: date, rules: Rules = DEFAULT_RULES, owner: str | None = None) -> set[int]:
    """The contacts `due_rows` lists on `on` for a cold row: the first cold rows in rank order, as
    many as the capacity leaves after the contacts above the cold tier (none once those fill it).
    With `owner` (team mode), in that role's own list."""
    above: set[int] = set()
    cold: set[int] = set()
    cold_lo, cold_hi = _COLD_TIER * TIER_SPAN - 1.0, (_COLD_TIER + 1) * TIER_SPAN - 1.0
    room: int | None = None
    for rank, contact in _ranked(conn, on, rules, lambda: max(0, rules.capacity - len(above)) + len(above),
                                 owner=owner):
        if rank >= cold_hi:
            break
        if rank < cold_lo:
            above.add(contact["id"])
            if len(above) >= rules.capacity:
                return set()
            continue
        if contact["id"] in above or contact["id"] in cold:
            continue
        if room is None:
            room = rules.capacity - len(above)
        if len(cold) == room:
            break
        cold.add(contact["id"])
    return cold


def _chosen(conn: Any, on: date, limit: int, rules: Rules, birthdays: list | None = None,
            owner: str | None = None) -> dict[int, dict]:
    """The contacts of `due_rows`, in rank order: the first `limit`, cold ones within capacity."""
    chosen: dict[int, dict] = {}
    cut: float | None = None
    cold_lo, cold_hi = _COLD_TIER * TIER_SPAN - 1.0, (_COLD_TIER + 1) * TIER_SPAN - 1.0
    room: int | None = None
    # The cold tier reads no more items than the room left, plus the contacts already chosen
    # (a contact with a birthday may have a cold row too).
    for rank, contact in _ranked(conn, on, rules, lambda: max(0, rules.capacity - len(chosen)) + len(chosen), birthdays,
                                 owner):
        if cut is not None and rank > cut:
            break
        if contact["id"] in chosen:
            continue
        if cold_lo <= rank < cold_hi:
            if room is None:
                room = max(0, rules.capacity - len(chosen))
            if room == 0:
                continue
            room -= 1
        chosen[contact["id"]] = contact
        if limit and len(chosen) == limit:
            cut = rank
    return chosen


def count_waiting(conn: Any, on: date, rules: Rules = DEFAULT_RULES, birthdays: list | None = None,
                  owner: str | None = None) -> int:
    """Contacts with a cold row due on `on` that the day has no room for (they wait): index
    counts of the cold tier and of the contacts above it, without building any row."""
    lo, hi = rank_bounds(_COLD_TIER, on)
    params: dict = {"lo": lo, "hi": hi}
    mine = _mine(owner, params)
    items = "agenda_item a JOIN contact ON contact.id = a.contact_id" if mine else "agenda_item a"
    (cold,) = conn.execute(f"SELECT COUNT(*) FROM {items} WHERE a.rank >= :lo AND a.rank < :hi{mine}",
                           params).fetchone()  # (one cadence item per contact at most)
    if not cold:
        return 0
    above: set[int] = set()
    for tier in range(_COLD_TIER):  # (no more than capacity of them matter: then there is no room)
        if tier != _BIRTHDAY_TIER and len(above) <= rules.capacity:
            t_lo, t_hi = rank_bounds(tier, on)
            above.update(cid for (cid,) in conn.execute(
                f"SELECT DISTINCT a.contact_id FROM {items} WHERE a.rank >= :lo AND a.rank < :hi{mine} LIMIT :n",
                {**params, "lo": t_lo, "hi": t_hi, "n": rules.capacity + 1}))
    birthdays = {contact["id"] for contact, _ in
                 (birthdays if birthdays is not None else _birthdays(conn, on, rules, owner=owner))}
    both = 0  # a contact with a birthday and a cold row shows once, in the birthday tier
    if birthdays - above:
        marks = ", ".join(str(int(cid)) for cid in birthdays - above)
        (both,) = conn.execute(f"SELECT COUNT(*) FROM agenda_item WHERE rank >= :lo AND rank < :hi AND contact_id IN ({marks})",
                               {"lo": lo, "hi": hi}).fetchone()
    room = max(0, rules.capacity - len(above | birthdays))
    return max(0, int(cold) - int(both) - room)


def count_due(conn: Any, on: date, rules: Rules = DEFAULT_RULES, birthdays: list | None = None,
              waiting: int | None = None, owner: str | None = None) -> int:
    """How many contacts have something to do on `on`: an index count, plus birthdays of the
    others, less the cold rows that wait for a later day (`waiting`, when already counted)."""
    if birthdays is None:
        birthdays = birthday_rows(conn, on, rules, owner)
    params = {"on": on.isoformat()}
    row = conn.execute(
        # one index range per open state, rather than a scan of every contact
        f"SELECT COUNT(*) FROM contact WHERE state IN ({_OPEN}) AND next_due <= :on{_mine(owner, params, 'owner')}",
        params,
    ).fetchone()
    day = on.isoformat()
    others = sum(1 for contact, _ in birthdays if contact["next_due"] is None or str(contact["next_due"])[:10] > day)
    if waiting is None:
        waiting = count_waiting(conn, on, rules, birthdays, owner)
    return int(row[0]) + others - waiting


_OPEN = ", ".join(f"'{state}'" for state in OPEN_STATES)


class DayLoad:
    """How many contacts have their first row due on each day (today: on or before it), the
    load `scheduler.place` balances against: read from the (state, next_due) index a block
    of days at a time, as `place` asks, and kept up to date by `move` for the days read.
    With `owner` (team mode), one role's contacts: each person's days fill on their own."""

    BLOCK = 14

    def __init__(self, conn: Any, today: date, owner: str | None = None):
        self._conn, self._today, self._owner = conn, today, owner
        self._days: dict[date, int] = {}
        self._read: set[date] = set()
        self._full_until: dict[date, tuple[date, int]] = {}

    def __call__(self, day: date) -> int:
        if day in self._read:
            return self._days.get(day, 0)
        day = max(day, self._today)
        if day not in self._read:
            self._read_block(day)
        return self._days.get(day, 0)

    def skip_full(self, day: date, capacity: int) -> date:
        """The first day from `day` on that may have room: runs of days found full are
        remembered (a bulk re-plan fills days one after another, so this keeps it linear).
        A day that frees up inside a remembered run is passed over: never more than
        capacity on a day, at worst a place left empty."""
        start = day
        while day in self._full_until and self._full_until[day][1] == capacity:
            day = self._full_until[day][0]
        one = timedelta(days=1)
        probe = day
        while self(probe) >= capacity:
            probe += one
            if (probe - day).days > 3660:
                break
        for mark in (start, day):
            if mark < probe:
                self._full_until[mark] = (probe, capacity)
        return probe

    def _read_block(self, day: date) -> None:
        params: dict = {}
        mine = _mine(self._owner, params, "owner")
        if day == self._today:
            (overdue,) = self._conn.execute(
                f"SELECT COUNT(*) FROM contact WHERE state IN ({_OPEN}) AND next_due <= :on{mine}",
                {**params, "on": day.isoformat()}).fetchone()
            self._days[day] = self._days.get(day, 0) + int(overdue)
            self._read.add(day)
            return
        hi = day + timedelta(days=self.BLOCK - 1)
        while hi in self._read:
            hi -= timedelta(days=1)
        for due, count in self._conn.execute(
            f"SELECT next_due, COUNT(*) FROM contact WHERE state IN ({_OPEN}) AND next_due >= :lo AND next_due <= :hi"
            f"{mine} GROUP BY next_due", {**params, "lo": day.isoformat(), "hi": hi.isoformat()}
        ):
            key = to_date(due)
            if key not in self._read:
                self._days[key] = self._days.get(key, 0) + int(count)
        while day <= hi:
            self._read.add(day)
            day += timedelta(days=1)

    def move(self, old: date | None, new: date | None) -> None:
        """A contact's first due day changed from `old` to `new` (None: no row), before the
        database has it: each day is read first (the database still counts the contact on
        `old`, and not yet on `new`), then adjusted; the counts then stay right whatever is
        flushed later."""
        for day, step in ((old, -1), (new, 1)):
            if day is not None:
                day = max(day, self._today)
                self(day)
                self._days[day] = self._days.get(day, 0) + step


def check_profiles(conn: Any, rules: Rules) -> None:
    """Refuse, in one line, while contacts are on a cadence profile config.toml does not have
    (renamed or removed): they would silently never be due. A few index seeks: the ranges
    between the known names."""
    names = sorted(rules.profiles)
    bounds = [("", names[0])] + list(zip(names, names[1:])) + [(names[-1], "\U0010ffff")]
    for lo, hi in bounds:
        row = conn.execute("SELECT cadence FROM contact WHERE cadence > :lo AND cadence < :hi LIMIT 1",
                           {"lo": lo, "hi": hi}).fetchone()
        if row is not None:
            (count,) = conn.execute("SELECT COUNT(*) FROM contact WHERE cadence = :c", {"c": row[0]}).fetchone()
            raise BadInput(
                f"cadence profile {row[0]!r} is not in config.toml, and {count} contact{'s are' if count != 1 else ' is'} "
                f"on it: move them with `fup edit WHO --cadence PROFILE` (`fup list --cadence {row[0]}` lists them), "
                f"or put [profiles.{row[0]}] back and run `fup reschedule`"
            )


# An agreed next step: an open hard commitment (either side's) or a date they asked for, still
# standing (`next_step_due`). Contacts on cadence `none` are not chased, and those on `nurture`
# (an imported network, kept warm) were never met to agree on one, so they lack none.
WITHOUT_NEXT_STEP = "state = 'active' AND cadence NOT IN ('none', 'nurture') AND next_step_due IS NULL"


def count_without_next_step(conn: Any, cap: int | None = None, owner: str | None = None) -> int:
    """Active contacts on a cadence with no agreed next step (see WITHOUT_NEXT_STEP); with `cap`,
    counted no further than cap + 1 (the count walks an index: at 100k contacts, tens of thousands)."""
    params: dict = {}
    rows = (f"SELECT 1 FROM contact WHERE {WITHOUT_NEXT_STEP}{_mine(owner, params, 'owner')}"
            + ("" if cap is None else f" LIMIT {int(cap) + 1}"))
    return int(conn.execute(f"SELECT COUNT(*) FROM ({rows}) AS without_next_step", params).fetchone()[0])


def has_contacts(conn: Any) -> bool:
    return conn.execute("SELECT 1 FROM contact LIMIT 1").fetchone() is not None


def away_periods(conn: Any) -> list[tuple[date, date]]:
    """The user's days off (`fup away`) as (first, last) pairs, both days included, in order."""
    return [(to_date(first), to_date(last))
            for first, last in conn.execute("SELECT first_day, last_day FROM away ORDER BY first_day, last_day, id", {})]


def away_days(periods: Iterable[tuple[date, date]]) -> frozenset[date]:
    days = set()
    for first, last in periods:
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)


# --- show and list ------------------------------------------------------------


def contact_view(contact: dict, today: date, rules: Rules = DEFAULT_RULES) -> dict:
    """The public face of a contact (the JSON of `show` and `list`), with next due and why."""
    items = contact["agenda"]
    snoozed = to_date(contact["snoozed_until"])
    hidden_until = to_date(contact["reopened_at"])  # (the stored agenda carries the snooze)
    seen = seen_of(contact)
    first = first_visible(contact["state"], items, today, hidden_until, contact["birthday"], seen, rules)
    nxt = None
    if first is not None:
        item = row_on(contact["state"], items, max(first, today), hidden_until, contact["birthday"], seen, rules)
        if item is not None:
            nxt = {"kind": item.kind, "due": item.due.isoformat(), "reason": item.reason,
                   "channel": item.channel or contact["channel"]}
    created, updated, touched, reopened = (
        to_moment(contact[k]) for k in ("created_at", "updated_at", "last_touch_at", "reopened_at"))
    return {
        "id": contact["id"],
        "name": contact["name"],
        "company": contact["company"],
        "title": contact["title"],
        "email": contact["email"],
        "phone": contact["phone"],
        "url": contact["url"],
        "tags": [tag for tag in (contact["tags"] or "").split(";") if tag],
        "source": contact["source"],
        "channel": contact["channel"],
        "cadence": contact["cadence"],
        "state": contact["state"],
        "birthday": contact["birthday"],
        "notes": contact["notes"],
        "snoozed_until": snoozed.isoformat() if snoozed else None,
        "reopened_at": reopened.isoformat() if reopened else None,
        "created_at": created.isoformat() if created else None,
        "updated_at": updated.isoformat() if updated else None,
        "last_touch": touched.date().isoformat() if touched else None,
        "unanswered_streak": contact["unanswered_streak"],
        "next_step_due": to_date(contact["next_step_due"]).isoformat() if contact["next_step_due"] else None,
        "next_due": first.isoformat() if first else None,
        "next": nxt,
        "owner": contact.get("owner"),
    }


def iter_touches(conn: Any, contact_id: int | None = None) -> Iterator[dict]:
    """Touches with their contact's id and name, oldest first (all, or one contact's)."""
    where, params = ("WHERE t.contact_id = :id ", {"id": contact_id}) if contact_id is not None else ("", {})
    rows = conn.execute(
        "SELECT t.id, t.contact_id, c.name, t.at, t.channel, t.direction, t.outcome, t.note, t.ask_again "
        f"FROM touch t JOIN contact c ON c.id = t.contact_id {where}ORDER BY "
        + ("t.at, t.id" if contact_id is not None else "t.id"),
        params,
    )
    for r in rows:
        yield {
            "id": r[0],
            "contact_id": r[1],
            "contact_name": r[2],
            "at": to_moment(r[3]).isoformat(),
            "channel": r[4],
            "direction": r[5],
            "outcome": r[6],
            "note": r[7],
            "ask_again": to_date(r[8]).isoformat() if r[8] else None,
        }


def iter_commitments(conn: Any, contact_id: int | None = None) -> Iterator[dict]:
    """Commitments with their contact's id and name (all by id, or one contact's by due date)."""
    where, params = ("WHERE m.contact_id = :id ", {"id": contact_id}) if contact_id is not None else ("", {})
    rows = conn.execute(
        "SELECT m.id, m.contact_id, c.name, m.whose, m.action, m.due, m.firmness, m.status, m.created_at, m.closed_at, "
        "m.channel "
        f"FROM commitment m JOIN contact c ON c.id = m.contact_id {where}ORDER BY "
        + ("m.due, m.id" if contact_id is not None else "m.id"),
        params,
    )
    for r in rows:
        yield {
            "id": r[0],
            "contact_id": r[1],
            "contact_name": r[2],
            "whose": r[3],
            "action": r[4],
            "due": to_date(r[5]).isoformat(),
            "firmness": r[6],
            "status": r[7],
            "created_at": to_moment(r[8]).isoformat(),
            "closed_at": to_moment(r[9]).isoformat() if r[9] else None,
            "channel": r[10],
        }


def _own(rows: Iterable[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ("contact_id", "contact_name")} for row in rows]


def birthday_only(contact: dict, on: date, rules: Rules = DEFAULT_RULES) -> bool:
    """True when the contact's birthday is the one thing due on `on` (a plain touch then is a greeting)."""
    visible = rows_on(contact["state"], contact["agenda"], on, to_date(contact["reopened_at"]), contact["birthday"],
                      seen_of(contact), rules)
    return len(visible) == 1 and visible[0].kind == "birthday"


def contact_card(conn: Any, who: str, today: date, rules: Rules = DEFAULT_RULES) -> dict:
    """A contact's view with its timeline, commitments and whole agenda: every item planned,
    with `due_now` true for those in today's list (the first is the row `fup today` shows)."""
    contact = resolve(conn, who)
    view = contact_view(contact, today, rules)
    hidden_until = to_date(contact["reopened_at"])
    now = rows_on(contact["state"], contact["agenda"], today, hidden_until, contact["birthday"], seen_of(contact), rules)
    later = [item for item in contact["agenda"] if item not in now and contact["state"] != "closed"]
    view["agenda"] = [
        {"kind": item.kind, "due": item.due.isoformat(), "reason": item.reason, "channel": item.channel or contact["channel"],
         "due_now": item in now}
        for item in [*now, *sorted(later, key=lambda item: (item.due, item_order(item)))]
    ]
    view["touches"] = _own(iter_touches(conn, contact["id"]))
    view["commitments"] = _own(iter_commitments(conn, contact["id"]))
    view["other_emails"] = [email for (email,) in conn.execute(
        "SELECT email FROM contact_email WHERE contact_id = :cid ORDER BY id", {"cid": contact["id"]}).fetchall()]
    view["other_phones"] = [phone for (phone,) in conn.execute(
        "SELECT phone FROM contact_phone WHERE contact_id = :cid ORDER BY id", {"cid": contact["id"]}).fetchall()]
    return view


