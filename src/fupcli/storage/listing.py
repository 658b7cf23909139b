"""`fup list`: the contacts that pass a filter, by name, streamed in the shape each format needs.

- The table reads the contact rows alone (`brief_views`): the stored `next_due` is the agenda's
  first day, to which only a birthday or a reopening adds the scheduler (`first_visible_day`).
- JSON (`json_objects`): on SQLite the database writes each contact's object as it stands in
  the list (`json.dump(indent=2)`'s bytes, strings by `json_quote`) with its next row: on its
  first agenda day, or today if later, the most urgent of its items due by then (what
  `scheduler.row_on` picks). A contact with a reopening, or a birthday that can show by then
  (`scheduler.birthday_first_days`), gets its `next_due` and `next` from the scheduler, from
  its agenda, which the same query hands over. On PostgreSQL the objects are `views`, dicts
  `render` encodes.
- CSV is the export's contact cells with four more columns (`transfer.exporter.contact_rows`).

`views` (`contact_view` of each contact with `open_commitments`) is what the others must equal.
"""

from __future__ import annotations

from datetime import date

from ..records import record
from ..scheduler import DEFAULT_RULES, Item, Rules, birthday_first_days, first_visible, first_visible_day, last_seen, row_on
from .queries import DAY_SQL, ISO_MOMENT_SQL, OPEN_COMMITMENTS_SQL, WITHOUT_NEXT_STEP, contact_view, iter_contacts, to_date

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Iterator


@record
class ListFilter:
    tag: str | None = None
    state: str | None = None
    cadence: str | None = None
    due_before: date | None = None
    no_next_step: bool = False
    owner: str | None = None  # team mode: one role's contacts (None: everyone's)


def list_where(filters: ListFilter) -> tuple[str, dict]:
    """The SQL condition (over the contact's own columns) and parameters of every filter but
    `due_before`, which depends on the scheduler."""
    from ..lookup import escape_like

    where, params = ["1 = 1"], {}
    if filters.tag and ";" in filters.tag:  # (no tag holds ';', which joins them)
        where.append("1 = 0")
    elif filters.tag:  # (tags are stored joined by ';', lower case, as filters.tag is)
        where.append("';' || tags || ';' LIKE :tag ESCAPE '\\'")
        params["tag"] = "%;" + escape_like(filters.tag) + ";%"
    if filters.state:
        where.append("state = :state")
        params["state"] = filters.state
    if filters.cadence:
        where.append("cadence = :cadence")
        params["cadence"] = filters.cadence
    if filters.no_next_step:
        where.append(WITHOUT_NEXT_STEP)
    if filters.owner is not None:
        where.append("owner = :owner")
        params["owner"] = filters.owner
    return " AND ".join(where), params


def by_name(conn: Any) -> str:
    """The list's order. On SQLite a scan in id order, then a sort (`+`: not the name index, whose
    walk reads a page for each contact: at 100k contacts, a third more time)."""
    return "+name_key, id" if _dialect(conn) == "sqlite" else "name_key, id"


def brief_views(conn: Any, filters: ListFilter, today: date, rules: Rules = DEFAULT_RULES) -> Iterator[dict]:
    """What the table shows of each contact: id, name, company, state, cadence, next_due, tags, owner."""
    where, params = list_where(filters)
    cutoff = filters.due_before.isoformat() if filters.due_before else None
    sql = ("SELECT id, name, company, state, cadence, tags, next_due, reopened_at, birthday, last_touch_at, owner, "
           f"created_at FROM contact WHERE {where} ORDER BY {by_name(conn)}")
    for cid, name, company, state, cadence, tags, next_due, reopened, birthday, last, owner, created in conn.execute(sql, params):
        if birthday or reopened:
            seen = last_seen(to_date(last), to_date(created))
            first = first_visible_day(state, to_date(next_due), today, to_date(reopened), birthday, seen, rules)
            shown = first.isoformat() if first else None
        else:  # the stored first agenda date, as is (ISO text from SQLite)
            shown = None if state == "closed" or next_due is None else str(next_due)[:10]
        if cutoff is not None and (shown is None or shown >= cutoff):
            continue
        yield {"id": cid, "name": name, "company": company, "state": state, "cadence": cadence,
               "next_due": shown, "tags": [tag for tag in tags.split(";") if tag] if tags else [], "owner": owner}


def views(conn: Any, filters: ListFilter, today: date, rules: Rules = DEFAULT_RULES) -> Iterator[dict]:
    """`contact_view` of each contact, with `open_commitments`, its count of open commitments (both sides')."""
    where, params = list_where(filters)
    cutoff = filters.due_before.isoformat() if filters.due_before else None
    counts = dict(conn.execute(
        "SELECT contact_id, COUNT(*) FROM commitment WHERE status = 'open' GROUP BY contact_id").fetchall())
    for contact in iter_contacts(conn, where, params):
        view = contact_view(contact, today, rules)
        if cutoff is not None and (view["next_due"] is None or view["next_due"] >= cutoff):
            continue
        view["open_commitments"] = counts.get(view["id"], 0)
        yield view


def json_objects(conn: Any, filters: ListFilter, today: date, rules: Rules = DEFAULT_RULES) -> Iterator[dict | str]:
    """The list's JSON objects: on SQLite each one's text at its place in the array (two spaces
    in, no comma), which `render.write_json_objects` writes as is; elsewhere `views`."""
    if _dialect(conn) != "sqlite":
        yield from views(conn, filters, today, rules)
        return
    from json import dumps, loads
    from json.encoder import encode_basestring as quoted

    where, params = list_where(filters)
    firsts = birthday_first_days(today, rules)
    params.update(today=today.isoformat(), birthdays=dumps({md: day.isoformat() for md, day in firsts.items()}))
    cutoff = filters.due_before.isoformat() if filters.due_before else None
    rows = conn.execute(f"SELECT {_JSON_COLUMNS} FROM contact c WHERE {where} ORDER BY {by_name(conn)}", params)
    for row in rows:
        if row[-2] is None:  # (the usual contact: the database wrote every member)
            if cutoff is not None and (row[-1] is None or row[-1] >= cutoff):
                continue
            yield _OBJECT % row[:-2]
            continue
        *values, agenda, next_due = row
        state, birthday, reopened, touched, created, channel, items = loads(agenda)
        ranked = sorted((float(rank), item_id, Item(kind, to_date(due), reason, float(weight), commitment_id, on))
                        for rank, item_id, kind, due, reason, on, weight, commitment_id in items)
        agenda = [item for _rank, _id, item in ranked]
        hidden_until, seen = to_date(reopened), last_seen(to_date(touched), to_date(created))
        day = first_visible(state, agenda, today, hidden_until, birthday, seen, rules)
        item = None if day is None else row_on(state, agenda, max(day, today), hidden_until, birthday, seen, rules)
        next_due = day.isoformat() if day else None
        if cutoff is not None and (next_due is None or next_due >= cutoff):
            continue
        values[_NEXT_AT] = _NEXT_LINES % (
            quoted(next_due) if next_due else "null",
            "null" if item is None else _NEXT_OBJECT % (
                quoted(item.kind), quoted(item.due.isoformat()), quoted(item.reason), quoted(item.channel or channel)))
        yield _OBJECT % tuple(values)


def csv_rows(conn: Any, filters: ListFilter, today: date, rules: Rules = DEFAULT_RULES) -> Iterator[tuple]:
    """The list's CSV rows: the export's contact cells, spreadsheet-safe from SQL
    (`transfer.exporter.contact_rows`), then last_touch, unanswered_streak, open_commitments, owner."""
    from ..transfer.exporter import contact_rows
    from ..transfer.formats import CONTACT_COLUMNS

    where, params = list_where(filters)
    rows = contact_rows(conn, today, True, rules, where, params, by_name(conn), listed=True)
    if filters.due_before is None:
        return rows
    cutoff, at = filters.due_before.isoformat(), CONTACT_COLUMNS.index("next_due")
    return (row for row in rows if row[at] is not None and row[at] < cutoff)


def _dialect(conn: Any) -> str:
    return getattr(conn, "dialect", "sqlite")


# --- the JSON objects, their values written by SQLite ------------------------------

_ISO_MOMENT, _ISO_DAY = ISO_MOMENT_SQL["sqlite"], DAY_SQL["sqlite"]


def _quoted(sql: str) -> str:
    return f"json_quote({sql})"


# The tags, stored joined by ';' (fup writes no empty part; any is dropped, as `contact_view` does).
_CLEAN_TAGS = "trim(replace(replace(replace(c.tags, ';;', ';'), ';;', ';'), ';;', ';'), ';')"
_TAGS = ("CASE WHEN c.tags = '' THEN '[]' WHEN instr(';' || c.tags || ';', ';;') = 0 THEN '[' || char(10) || '      ' "
         "|| replace(json_quote(c.tags), ';', '\",' || char(10) || '      \"') || char(10) || '    ]' "
         f"WHEN {_CLEAN_TAGS} = '' THEN '[]' ELSE '[' || char(10) || '      ' || replace(json_quote({_CLEAN_TAGS}), ';', "
         "'\",' || char(10) || '      \"') || char(10) || '    ]' END")


# An object's members in `contact_view`'s order and the SQL of each one's JSON text (`next_due`
# with `next` as one text, which Python writes for a contact the scheduler must see).
_MEMBERS = (
    ("id", "c.id"),
    *((name, _quoted(f"c.{name}")) for name in ("name", "company", "title", "email", "phone", "url")),
    ("tags", _TAGS),
    *((name, _quoted(f"c.{name}")) for name in ("source", "channel", "cadence", "state", "birthday", "notes")),
    ("snoozed_until", _quoted(_ISO_DAY.format("c.snoozed_until"))),
    ("reopened_at", _quoted(_ISO_MOMENT.format("c.reopened_at"))),
    ("created_at", _quoted(_ISO_MOMENT.format("c.created_at"))),
    ("updated_at", _quoted(_ISO_MOMENT.format("c.updated_at"))),
    ("last_touch", _quoted(_ISO_DAY.format("c.last_touch_at"))),
    ("unanswered_streak", "c.unanswered_streak"),
    ("next_step_due", _quoted(_ISO_DAY.format("c.next_step_due"))),
    ("next", None),  # (next_due and next: one text, `_NEXT`)
    ("owner", _quoted("c.owner")),
    ("open_commitments", OPEN_COMMITMENTS_SQL.format("c")),
)
_NEXT_AT = [name for name, _sql in _MEMBERS].index("next")
_OBJECT = "  {\n" + ",\n".join("%s" if name == "next" else f'    "{name}": %s' for name, sql in _MEMBERS) + "\n  }"
_NEXT_LINES = '    "next_due": %s,\n    "next": %s'
_NEXT_OBJECT = '{\n      "kind": %s,\n      "due": %s,\n      "reason": %s,\n      "channel": %s\n    }'

# The next row of a contact without a birthday near or a reopening, as `_NEXT_LINES` writes it:
# its first agenda day (the stored next_due) and the row it shows that day or today, if later,
# its most urgent item due by then (`scheduler.row_on`: the lowest `item_order`); nothing when
# it has no item.
_FIRST = ("SELECT '    \"next_due\": ' || json_quote(substr(c.next_due, 1, 10)) || ',' || char(10) "
          "|| '    \"next\": {' || char(10) || '      \"kind\": ' || json_quote(a.kind) || ',' || char(10) "
          "|| '      \"due\": ' || json_quote(substr(a.due, 1, 10)) || ',' || char(10) || '      \"reason\": ' "
          "|| json_quote(a.reason) || ',' || char(10) || '      \"channel\": ' || json_quote(coalesce(a.channel, c.channel)) "
          "|| char(10) || '    }' FROM agenda_item a WHERE a.contact_id = c.id "
          "AND substr(a.due, 1, 10) <= max(substr(c.next_due, 1, 10), :today) "
          "ORDER BY a.rank, coalesce(a.commitment_id, 0), a.kind, a.id LIMIT 1")
_NOTHING = "'    \"next_due\": null,' || char(10) || '    \"next\": null'"
# A birthday that may change the next row: one that can show (:birthdays, each 'MM-DD''s first day
# from today, `scheduler.birthday_first_days`) on or before the first agenda day or today, if
# later; with nothing planned, the birthday is the next row.
_BIRTHDAY_NEAR = ("(c.birthday IS NOT NULL AND coalesce(json_extract(:birthdays, '$.\"' || substr(c.birthday, -5) || '\"'), '') "
                  "<= max(coalesce(substr(c.next_due, 1, 10), '9999'), :today))")
_SCHEDULED = f"c.state <> 'closed' AND ({_BIRTHDAY_NEAR} OR c.reopened_at IS NOT NULL)"
_NEXT = f"CASE WHEN c.state = 'closed' THEN {_NOTHING} WHEN {_SCHEDULED} THEN NULL ELSE coalesce(({_FIRST}), {_NOTHING}) END"
# What the scheduler needs of a contact with a birthday near or a reopening: its columns and
# its agenda (rank and weight as text with all their digits).
_AGENDA = (f"CASE WHEN {_SCHEDULED} THEN json_array(c.state, c.birthday, c.reopened_at, c.last_touch_at, "
           "c.created_at, c.channel, (SELECT json_group_array(json_array(printf('%!.17g', a.rank), a.id, a.kind, "
           "substr(a.due, 1, 10), a.reason, a.channel, printf('%!.17g', a.weight), a.commitment_id)) "
           "FROM agenda_item a WHERE a.contact_id = c.id)) END")
_JSON_COLUMNS = ", ".join([_NEXT if name == "next" else sql for name, sql in _MEMBERS]
                          + [_AGENDA, "CASE WHEN c.state = 'closed' THEN NULL ELSE substr(c.next_due, 1, 10) END"])
