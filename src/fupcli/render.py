"""Everything fup prints: pretty tables for people, JSON and CSV for programs.

Renderers take plain data (dicts, `DueRow`s) from `queries` and `core` and a
text stream; they never touch the database. The machine formats are stable:
`fup today --format json|csv` has exactly the columns of `queries.DUE_COLUMNS`.
The daily commands' tables (today, show, list) are plain text (`text_table`),
bold only on a terminal; Rich is imported only for `fup cadence`'s table.
Today's and list's tables fit the screen (`screen_width`: the terminal, else
`COLUMNS`) by cutting their least needed columns first, unless `--wide`.
"""

from __future__ import annotations

import sys
from datetime import date
from functools import lru_cache  # (loaded by `re` already)

from .storage.queries import DUE_COLUMNS

# The daily commands render through here: `typing`, `json` and the export layouts are imported
# only where needed (they cost a start-up several milliseconds).
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Iterable, Iterator, Sequence, TextIO

    from .storage.queries import DueRow


def _out(stream: TextIO | None) -> TextIO:
    return stream if stream is not None else sys.stdout


def write_json(data: Any, stream: TextIO | None = None) -> None:
    out = _out(stream)
    import json

    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(columns: Sequence[str], rows: Iterable[dict], stream: TextIO | None = None) -> None:
    """CSV of dicts, through the one CSV writer (spreadsheet-safe cells, like `fup export`)."""
    from .transfer.csvio import CsvWriter

    CsvWriter(_out(stream), columns).rows([row.get(c) for c in columns] for row in rows)


def _console(stream: TextIO | None = None):  # noqa: ANN202 - rich.console.Console
    from rich.console import Console

    out = _out(stream)
    is_tty = hasattr(out, "isatty") and out.isatty()
    # A pipe or a file gets wide rows instead of rich's 80-column default.
    return Console(file=out, highlight=False, soft_wrap=False, width=None if is_tty else 160)


def when_text(due: str, today: date) -> str:
    days = (today - date.fromisoformat(due)).days
    if days == 0:
        return "today"
    if days == 1:
        return "1 day overdue"
    if days > 1:
        return f"{days} days overdue"
    if days == -1:
        return "tomorrow"
    return f"in {-days} days"


def _who(name: str, company: str | None) -> str:
    return f"{name} ({company})" if company else name


# --- today --------------------------------------------------------------------


def today(
    rows: Sequence[DueRow],
    fmt: str,
    on: date,
    total: int,
    no_next_step: int,
    stream: TextIO | None = None,
    waiting: int = 0,
    wide: bool = False,
    owners: bool = False,
) -> None:
    """The due list: `rows` (already ranked and cut), out of `total` due, and the footer
    (with the cold follow-ups that wait for a day with room). With `owners` (team mode, someone
    else's list or everyone's), a last column says whose contact each row is.

    The table fits the screen (`screen_width`) unless `wide`: the reason gives way first, then
    the company beside the name, then a name longer than 24 columns, then the reason again (to
    12), then any name; the rank, the due date and the channel are never cut. The footer's
    lines break between words."""
    if fmt == "json":
        write_json([row.as_dict() for row in rows], stream)
        return
    if fmt == "csv":
        write_csv(DUE_COLUMNS, (row.as_dict() for row in rows), stream)
        return
    out = _out(stream)
    width = screen_width(out, wide)
    if not rows:
        out.write(f"Nothing due on {on.isoformat()}.\n")
    else:
        lines = [
            (str(rank), _who(row.name, row.company), row.reason, when_text(row.due, on), row.channel)
            + ((row.owner or "",) if owners else ())
            for rank, row in enumerate(rows, 1)
        ]
        styles = ["red" if row.kind == "promise" and row.days_overdue > 0 else "" for row in rows]
        give_way = ((2, 24), (1, _widest_name([row.name for row in rows])), (1, 24), (2, 12), (1, 12), (2, 3), (1, 3))
        fit = {1: lambda i, room: _fit_who(rows[i].name, rows[i].company, room)}
        header = ("#", "who", "why", "due", "channel") + (("owner",) if owners else ())
        out.write(text_table(header, lines, styles, color=_color(out), width=width,
                             give_way=give_way, fit=fit))
        if total > len(rows):
            out.write(_prose(f"... and {total - len(rows)} more due (fup today --limit 0 shows all)", width))
    if waiting:
        follow_ups = "cold follow-up waits" if waiting == 1 else "cold follow-ups wait"
        out.write(_prose(f"{waiting} {follow_ups} for a day with room", width))
    if no_next_step:
        people = "contact has" if no_next_step == 1 else "contacts have"
        counted = f"{COUNT_CAP}+" if no_next_step > COUNT_CAP else str(no_next_step)
        out.write(_prose(f"{counted} active {people} no agreed next step (fup list --no-next-step)", width))


COUNT_CAP = 1000  # a footer count past this says "1000+" (counting further costs a large list time)

_ANSI = {"bold": "\033[1m", "red": "\033[1;31m", "": ""}
_RESET = "\033[0m"


def _color(stream: TextIO) -> bool:
    """Colours only on a terminal, and never when NO_COLOR is set."""
    import os

    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")


def text_table(header: Sequence[str], lines: Sequence[Sequence[str]], styles: Sequence[str] = (), color: bool = False,
               width: int | None = None, give_way: Sequence[tuple[int, Any]] = (), fit: dict | None = None) -> str:
    """A plain table, columns two spaces apart, without Rich (so the daily commands start fast).

    The header row is bold on a terminal (`color`); an empty `header` means no header row.
    Each cell is one line: runs of whitespace, newlines among them, become one space. Columns
    are as wide as their text shows on a terminal (`_width`: a CJK character takes two).

    A table wider than `width` (None: no limit) narrows by `give_way`, steps (column, floor) in
    order, each narrowing one column only as much as the lines still need and never below
    `floor` (an int, or a function giving it, asked only when the step is reached); a step
    (column, floor, True) takes its column to `floor` at once, for every row alike, and what
    that frees beyond the need goes back to the columns narrowed before it. A cell wider than
    its column is cut with `…` (`_cut`); a column with `fit[column]` has each of its cells
    written by `fit[column](row_index, room)` once it narrows, which may shorten it its own
    way (drop a company before the name, keep a bare date)."""
    body = [_one_line_row(line) for line in lines]
    rows = ([tuple(header)] if header else []) + body
    if not rows:
        return ""
    row_styles = (["bold"] if header else []) + [styles[i] if i < len(styles) else "" for i in range(len(body))]
    plain = "".join(map("".join, rows)).isascii()  # (the usual table: one character, one column)
    measure = len if plain else _width
    widths = [max(map(measure, column)) for column in zip(*rows)]
    if width is not None and give_way:
        narrowed = _narrowed(widths, width, give_way)
        if narrowed is not None:
            rows = _cut_rows(rows, narrowed, widths, 1 if header else 0, fit or {}, measure)
            widths = [max(map(measure, column)) for column in zip(*rows)]
    if plain:  # ("…" takes one column too)
        layout = "  ".join(f"{{:<{w}}}" for w in widths)  # (10k rows: one format each)
        texts = [layout.format(*row).rstrip() for row in rows]
    else:
        texts = ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)).rstrip() for row in rows]
    out = []
    for text, style in zip(texts, row_styles):
        out.append(f"{_ANSI[style]}{text}{_RESET}" if color and style else text)
    return "\n".join(out) + "\n"


# --- fitting the screen -----------------------------------------------------------


def screen_width(stream: TextIO, wide: bool = False) -> int | None:
    """The columns a table line may take on `stream`, or None: print every cell in full.

    A terminal's own width; elsewhere (a pipe, a file) `COLUMNS` when it is a positive
    integer, else no limit; none at all with `--wide` (`wide`)."""
    if wide:
        return None
    import os

    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):  # not a file, or a terminal that will not say
        pass
    columns = os.environ.get("COLUMNS", "").strip()
    return int(columns) if columns.isascii() and columns.isdigit() and int(columns) > 0 else None


@lru_cache(maxsize=None)  # (a list of 10k names asks for the same few letters over and over)
def _char_width(ch: str) -> int:
    """Columns a character takes on a terminal: 0 for a combining mark or an invisible format
    character (a zero-width joiner), 2 for an East Asian wide or full-width one, else 1."""
    from unicodedata import category, east_asian_width

    if category(ch) in ("Mn", "Me") or (category(ch) == "Cf" and ch != "\u00ad"):
        return 0
    return 2 if east_asian_width(ch) in ("W", "F") else 1


def _width(text: str) -> int:
    """Columns `text` takes on a terminal."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


def _cut(text: str, room: int) -> str:
    """`text` in at most `room` columns: whole, or its start and `…` (never half a wide
    character, nor a letter without its accents)."""
    if _width(text) <= room:
        return text
    if room <= 0:
        return ""
    if text.isascii():
        return text[:room - 1].rstrip(_LOOSE) + "…"
    kept, used = [], 0
    for ch in text:
        columns = _char_width(ch)
        if used + columns > room - 1:
            break
        kept.append(ch)
        used += columns
    return "".join(kept).rstrip(_LOOSE) + "…"


_LOOSE = " ,;:(-"  # what a cut leaves hanging before its "…" ("vc, …" is "vc…")


def _narrowed(widths: Sequence[int], width: int, give_way: Sequence[tuple]) -> list[int] | None:
    """The column widths after `give_way`'s steps (see `text_table`), or None when it fits as it is."""
    excess = sum(widths) + 2 * (len(widths) - 1) - width
    if excess <= 0:
        return None
    narrowed = list(widths)
    gradual = []  # the columns narrowed only as much as needed, in the order they gave way
    for column, floor, *at_once in give_way:
        if excess <= 0:
            break
        spare = narrowed[column] - (floor() if callable(floor) else floor)
        step = spare if at_once and at_once[0] else min(excess, spare)
        if step > 0:
            narrowed[column] -= step
            excess -= step
            if not (at_once and at_once[0]):
                gradual.append(column)
    for column in reversed(gradual):  # what a step taken at once freed beyond the need goes back
        if excess >= 0:
            break
        back = min(-excess, widths[column] - narrowed[column])
        narrowed[column] += back
        excess += back
    return narrowed


def _cut_rows(rows: list, narrowed: Sequence[int], widths: Sequence[int], body_start: int, fit: dict,
              measure: Any) -> list:
    """`rows` with the cells of each narrowed column fitted to it (see `text_table`)."""
    cut = [list(row) for row in rows]
    for column, room in enumerate(narrowed):
        if room >= widths[column]:
            continue
        shorten = fit.get(column)
        for i, row in enumerate(cut):
            if shorten is not None and i >= body_start:
                row[column] = shorten(i - body_start, room)
            elif measure(row[column]) > room:
                row[column] = _cut(row[column], room)
    return [tuple(row) for row in cut]


def _fit_who(name: str, company: str | None, room: int) -> str:
    """'Name (Company)' in `room` columns: the company is cut, then dropped, before the name."""
    name = _one_line(name)
    company = _one_line(company) if company else ""
    whole = _who(name, company)
    if _width(whole) <= room:
        return whole
    if company and room >= _width(name) + 7:  # " (" + at least three letters and "…" + ")"
        return f"{name} ({_cut(company, room - _width(name) - 3)})"
    return _cut(name, room)


def _widest_name(names: Iterable[str]) -> Any:
    """A `give_way` floor: the widest name, so that a step takes only companies away."""
    return lambda: max((_width(_one_line(name)) for name in names), default=0)


def _prose(text: str, width: int | None) -> str:
    """A line of prose, broken between words (a parenthesis kept whole) to fit `width`."""
    if width is None or _width(text) <= width:
        return text + "\n"
    words: list[str] = []
    for word in text.split(" "):
        if words and words[-1].startswith("(") and not words[-1].endswith(")"):
            words[-1] += " " + word
        else:
            words.append(word)
    lines = [words[0]]
    for word in words[1:]:
        if _width(lines[-1]) + 1 + _width(word) > width:
            lines.append(word)
        else:
            lines[-1] += " " + word
    return "\n".join(lines) + "\n"


def welcome(stream: TextIO | None = None) -> None:
    _out(stream).write(
        "No contacts yet. Add the person you just met, with the next step you agreed:\n"
        "  fup add \"Ana Ruiz\" --company Acme --email ana@acme.example --next \"send the deck\" --due fri\n"
        "Then run `fup today` each morning. `fup --help` lists every command.\n"
    )


# --- contacts -----------------------------------------------------------------


def next_line(view: dict, today_: date) -> str:
    nxt = view.get("next")
    if view["state"] == "closed":
        return f"closed: nothing more is scheduled (`fup state {_quoted(view['name'])} active` reopens)"
    if not nxt:
        return "nothing scheduled" + ("" if view["cadence"] != "none" else " (cadence none)")
    snoozed = view.get("snoozed_until")
    snooze = f", snoozed until {snoozed}" if snoozed and snoozed > today_.isoformat() else ""  # an ended snooze is no news
    channel = nxt.get("channel") or view["channel"]
    return f"{view['next_due']} ({when_text(view['next_due'], today_)}): {nxt['reason']}, by {channel}{snooze}"


def _quoted(name: str) -> str:
    """A name as the user would type it in a shell."""
    return name if name.replace("-", "").replace(".", "").isalnum() else '"' + name.replace('"', '\\"') + '"'


def logged_line(view: dict) -> str:
    """What `fup log` says it did: the touch, a change of state, what a win closed."""
    logged = view["logged"]
    arrow = "from" if logged["direction"] == "in" else "with"
    line = f"Logged {logged['channel']} {arrow} {view['name']} ({logged['outcome']})."
    before, after = logged["state_before"], view["state"]
    if before == "closed" and after != "closed":
        line += f" {view['name']} is reopened ({after})."
    elif after != before:
        line += f" {view['name']} is now {after}."
    closed = logged.get("closed") or []
    if closed:
        line += " Done, as they signed: " + "; ".join(closed) + "."
    return line


def commitment_line(name: str, c: dict) -> str:
    """What `fup next` says it recorded: 'Helen Park promised: decision on pricing by 2026-11-20 (hard, commitment 3).'"""
    who = f"You promised {name}" if c["whose"] == "mine" else f"{name} promised"
    via = f", by {c['channel']}" if c.get("channel") else ""
    return f"{who}: {c['action']} by {c['due']} ({c['firmness']}{via}, commitment {c['id']})."


def contact_card(view: dict, fmt: str, today_: date, stream: TextIO | None = None) -> None:
    """`fup show` as JSON or as the card (its CSV is the export's row: `contact_rows`)."""
    if fmt == "json":
        write_json(view, stream)
        return
    out = _out(stream)
    color = _color(out)
    out.write(f"{_bold(_who(view['name'], view['company']), color)}  #{view['id']}  {view['state']}, {view['cadence']} cadence\n")
    for label, key in (("title", "title"), ("email", "email"), ("phone", "phone"), ("url", "url"),
                       ("met at", "source"), ("channel", "channel"), ("birthday", "birthday"), ("notes", "notes")):
        if view.get(key):
            out.write(f"  {label}: {_one_line(view[key])}\n")
    if view.get("other_emails"):
        out.write(f"  also: {', '.join(view['other_emails'])}\n")
    if view.get("other_phones"):
        out.write(f"  other phones: {', '.join(view['other_phones'])}\n")
    if view["tags"]:
        out.write(f"  tags: {', '.join(view['tags'])}\n")
    out.write(f"  next: {next_line(view, today_)}\n")
    agenda = [("due now" if item["due_now"] else "", item["due"], when_text(item["due"], today_), item["reason"],
               item["channel"]) for item in view.get("agenda") or []]
    _section(out, "Agenda", agenda, color)
    commitments = [
        (f"commitment {c['id']}", c["due"], f"{'I' if c['whose'] == 'mine' else 'they'}: {c['action']}",
         c["firmness"] + (f", by {c['channel']}" if c.get("channel") else ""))
        for c in view["commitments"] if c["status"] == "open"
    ]
    _section(out, "Open commitments", commitments, color)
    timeline = [  # (each touch with its id, as `fup unlog --id N` names it)
        (f"touch {t['id']}", t["at"].replace("T", " ")[:16], f"{'<-' if t['direction'] == 'in' else '->'} {t['channel']}",
         t["outcome"], (t["note"] or "") + (f"; asked for {t['ask_again']}" if t["ask_again"] else ""))
        for t in reversed(view["touches"])
    ]
    _section(out, "Timeline", timeline, color)


def _bold(text: str, color: bool) -> str:
    return f"{_ANSI['bold']}{text}{_RESET}" if color else text


def _one_line_row(line: Sequence[object]) -> tuple[str, ...]:
    """A row's cells on one line each (`_one_line`), checked at once for the usual row that
    needs nothing: printable, no double space, no cell that starts or ends with one."""
    row = tuple(map(str, line))
    joined = "|".join(row)
    if (joined.isprintable() and "  " not in joined and " |" not in joined and "| " not in joined
            and joined[:1] != " " and joined[-1:] != " "):
        return row
    return tuple(map(_one_line, row))


def _one_line(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # (the common case, checked fast: a list of 10k contacts has 60k cells)
    return " ".join(text.split())


def _section(out: TextIO, title: str, lines: Sequence[Sequence[str]], color: bool) -> None:
    """A heading and its rows, columns aligned, no header row; nothing when there are no rows."""
    if lines:
        out.write(f"\n{_bold(title, color)}\n")
        out.write(text_table((), lines))


LIST_COLUMNS = ("last_touch", "unanswered_streak", "open_commitments", "owner")  # `fup list -f csv` after the export's columns


def _contact_columns() -> tuple[str, ...]:
    """The CSV columns of a contact, as `fup export contacts` writes them."""
    from .transfer.formats import CONTACT_COLUMNS

    return CONTACT_COLUMNS


def contact_rows(rows: Iterable[Sequence], stream: TextIO | None = None, listed: bool = False) -> None:
    """Contacts as CSV, their rows of cells made spreadsheet-safe by SQL already (`fup show`:
    the export's columns, `transfer.exporter.contact_rows`; `listed`: `fup list`'s, with LIST_COLUMNS)."""
    from .transfer.csvio import CsvWriter

    CsvWriter(_out(stream), _contact_columns() + (LIST_COLUMNS if listed else ()), raw=True).rows(rows)


def write_json_objects(objects: Iterable[dict | str], stream: TextIO | None = None) -> None:
    """A JSON array of objects, streamed: the bytes `write_json` writes for a list of them
    (`json.dump(..., ensure_ascii=False, indent=2)`), each object formatted at once from a layout
    of its keys (strings by the json module's C escaper) and written a batch at a time. An object
    given as a str is its text already, as it stands in the array (two spaces in, no comma)."""
    from json.encoder import encode_basestring as quoted

    layouts: dict[tuple, str] = {}  # an object's layout, by its indent and keys (one producer: a few)

    def text(value: Any, indent: int) -> str:
        """`value` as `json.dumps(value, ensure_ascii=False, indent=2)` writes it at `indent` spaces."""
        kind = value.__class__
        if kind is str:
            return quoted(value)
        if value is None:
            return "null"
        if kind is int:
            return int.__repr__(value)
        if kind is bool:
            return "true" if value else "false"
        inner = indent + 2
        if kind is list or kind is tuple:
            if not value:
                return "[]"
            pad = "\n" + " " * inner
            return ("[" + pad + ("," + pad).join([quoted(item) if item.__class__ is str else text(item, inner)
                                                  for item in value]) + "\n" + " " * indent + "]")
        if isinstance(value, dict):
            if not value:
                return "{}"
            return layout(indent, tuple(value)) % tuple([
                quoted(item) if item.__class__ is str else "null" if item is None else
                int.__repr__(item) if item.__class__ is int else text(item, inner) for item in value.values()])
        import json

        return json.dumps(value, ensure_ascii=False)  # a float (or an int or str subclass), as json writes it

    def layout(indent: int, keys: tuple) -> str:
        found = layouts.get((indent, *keys))
        if found is None:
            pad = " " * (indent + 2)
            found = layouts[(indent, *keys)] = (
                "{\n" + ",\n".join(f"{pad}{quoted(str(key))}: %s" for key in keys) + "\n" + " " * indent + "}")
        return found

    out = _out(stream)
    batch: list[str] = []
    opened = False
    keys: tuple = ()
    shape = ""
    for obj in objects:
        if obj.__class__ is str:  # an object already written (by the database: `storage.listing`)
            batch.append(obj)
        elif obj.__class__ is not dict or not obj:
            batch.append("  " + text(obj, 2))
        else:
            if tuple(obj) != keys:
                keys = tuple(obj)
                shape = "  " + layout(2, keys)
            batch.append(shape % tuple([
                quoted(item) if item.__class__ is str else "null" if item is None else
                int.__repr__(item) if item.__class__ is int else text(item, 4) for item in obj.values()]))
        if len(batch) == 1000:
            out.write((",\n" if opened else "[\n") + ",\n".join(batch))
            opened = True
            batch.clear()
    if batch:
        out.write((",\n" if opened else "[\n") + ",\n".join(batch))
        opened = True
    out.write("\n]\n" if opened else "[]\n")


def contact_list(views: Iterable, fmt: str, today_: date, stream: TextIO | None = None, wide: bool = False) -> None:
    """`fup list`: JSON, CSV, or a table that fits the screen (`screen_width`) unless `wide`, all
    written as the contacts stream by (one pass over `views`: `storage.listing`'s objects, rows
    or brief views for each format), never held (`_list_table`).

    Narrowing, the tags give way first (to 10 columns), then the next due date's "(in 3 days)"
    (every row keeps its date), the company beside the name, a name longer than 24 columns, the
    rest of the tags, a long cadence name, and last any name; the id and the state are never cut."""
    if fmt == "json":
        write_json_objects(views, stream)
        return
    if fmt == "csv":
        contact_rows(views, stream, listed=True)
        return
    _list_table(views, today_, _out(stream), wide)


_LIST_HEADER = ("id", "who", "state", "cadence", "next due", "tags")


def _list_table(views: Iterable[dict], today_: date, out: TextIO, wide: bool) -> None:
    """`text_table` of the contacts, streamed: one pass over `views` measures the columns and
    spills each line's cells (and what fitting a narrowed line needs) to a temporary file, which
    is read again for the widths of the cut cells, if the table narrows, and to write the lines."""
    import tempfile

    due: dict[str | None, str] = {None: "-"}  # (10k contacts share a few hundred dates)
    count, plain, widest = 0, True, 0
    natural = [len(name) for name in _LIST_HEADER]
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as spool:
        for view in views:
            day, name = view["next_due"], _one_line(view["name"])
            shown = due.get(day)
            if shown is None:
                shown = due[day] = f"{day} ({when_text(day, today_)})"
            row = _one_line_row((str(view["id"]), _who(view["name"], view["company"]), view["state"], view["cadence"],
                                 shown, ", ".join(view["tags"])))
            count += 1
            for column, cell in enumerate(row):
                if cell.isascii():
                    size = len(cell)
                else:
                    plain, size = False, _width(cell)
                if size > natural[column]:
                    natural[column] = size
            widest = max(widest, _width(name))
            # (cells hold no TAB nor newline: `_one_line`; nor do the name and company kept to fit them)
            spool.write("\t".join((*row, name, _one_line(view["company"] or ""), day or "")) + "\n")
        if not count:
            out.write("No contacts match.\n")
            return
        measure = len if plain else _width
        width = screen_width(out, wide)
        give_way = ((5, 10), (4, 10, True), (1, widest), (1, 24), (5, 4), (3, 7), (1, 12), (1, 3))
        narrowed = _narrowed(natural, width, give_way) if width is not None else None

        def lines() -> Iterator[tuple[str, ...]]:
            """The header, then each spilled line, cut to the narrowed columns as `_cut_rows` cuts them."""
            spool.seek(0)
            yield fitted(_LIST_HEADER, None)
            for text in spool:
                *row, name, company, day = text[:-1].split("\t")
                yield fitted(row, (name, company, day))

        def fitted(row: Sequence[str], fit: tuple[str, str, str] | None) -> tuple[str, ...]:
            if narrowed is None:
                return tuple(row)
            cut = list(row)
            for column, room in enumerate(narrowed):
                if room >= natural[column]:
                    continue
                if fit is not None and column == 1:
                    cut[1] = _fit_who(fit[0], fit[1], room)
                elif fit is not None and column == 4:  # every row's bare date
                    cut[4] = _cut(fit[2] or "-", room)
                elif measure(cut[column]) > room:
                    cut[column] = _cut(cut[column], room)
            return tuple(cut)

        widths = natural
        if narrowed is not None:
            widths = [0] * len(natural)
            for row in lines():
                for column, cell in enumerate(row):
                    if measure(cell) > widths[column]:
                        widths[column] = measure(cell)
        if plain:  # ("…" takes one column too)
            layout = "  ".join(f"{{:<{w}}}" for w in widths)

            def line(row: tuple[str, ...]) -> str:
                return layout.format(*row).rstrip()
        else:
            def line(row: tuple[str, ...]) -> str:
                return "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)).rstrip()

        rows = lines()
        batch = [_bold(line(next(rows)), _color(out))]
        for row in rows:
            batch.append(line(row))
            if len(batch) == 1000:
                out.write("\n".join(batch) + "\n")
                batch.clear()
        batch.append(f"{count} contact{'s' if count != 1 else ''}")
        out.write("\n".join(batch) + "\n")


def import_report(report: Any, stream: TextIO | None = None) -> None:
    """What `fup import` did (or, dry, would do): notes on stderr, the counts, the rows named from
    what they had, the rows `--skip-bad` left out, and with `--dry-run` each change `--update` makes."""
    out = _out(stream)
    for note in report.notes:
        sys.stderr.write(f"note: {note}\n")
    verb = "Would import" if report.dry_run else "Imported"
    layout = f" ({report.layout} format)" if report.what == "contacts" else ""
    merged = report.merged
    into = f" ({merged} more row{'s' if merged != 1 else ''} merged into {'them' if report.new != 1 else 'it'})" if merged else ""
    line = f"{verb} {report.what}{layout}: {report.new} new{into}, {report.updated} updated, {report.unchanged} unchanged."
    if report.spread_until:
        line += f" Opening touches spread until {report.spread_until.isoformat()}."
    out.write(line + ("  Nothing was written." if report.dry_run else "") + "\n")
    if report.stand_ins:
        count = len(report.stand_ins)
        out.write(f"{count} row{'s' if count != 1 else ''} had no name and {'were' if count != 1 else 'was'} named "
                  f"from {'their' if count != 1 else 'its'} email or company: {', '.join(report.stand_ins)}\n")
    if report.skipped:
        out.write(f"Skipped {len(report.skipped)} problem{'s' if len(report.skipped) != 1 else ''} (--skip-bad):\n")
        for problem in report.skipped:
            out.write(f"  {problem}\n")
    if report.dry_run:  # (`--update`: each change, `#ID field: old -> new`)
        for change in report.details:
            out.write(f"  {change}\n")


# --- results of writes ----------------------------------------------------------


def written(message: str, view: dict | None, today_: date, stream: TextIO | None = None) -> None:
    out = _out(stream)
    out.write(message + "\n")
    if view is not None:
        out.write(f"Next: {next_line(view, today_)}\n")


def undo_history(steps: Sequence[tuple[str, str]], now: datetime, stream: TextIO | None = None) -> None:
    """`fup undo --list`: when each step ran and what it did, newest first (what undo takes back next)."""
    out = _out(stream)
    if not steps:
        out.write("Nothing to undo.\n")
        return
    rows = [(spoken_moment(at, now), summary) for at, summary in steps]
    out.write(text_table(("when", "what (newest first: the next fup undo takes back the top one)"), rows, color=_color(out)))


def undone(summary: str, at: str, now: datetime, stream: TextIO | None = None) -> None:
    """`fup undo`: 'Undid: log Farid Haddad (#3): call, talked (yesterday 17:02).'"""
    _out(stream).write(f"Undid: {summary} ({spoken_moment(at, now)}).\n")


def away_changed(verb: str, change: dict, stream: TextIO | None = None) -> None:
    """'Away: Mon 2026-12-21 to Fri 2027-01-01 (12 days); next follow-up moved for 8 contacts.'"""
    first, last = change["first"], change["last"]
    span = f"{first:%a} {first.isoformat()}" + (f" to {last:%a} {last.isoformat()}" if last != first else "")
    days = change["days"]
    moved = change["moved"]
    out = _out(stream)
    moves = (f"next follow-up moved for {moved} contact{'s' if moved != 1 else ''}" if moved
             else "no contact's next follow-up moved")
    out.write(f"{verb}: {span} ({days} day{'s' if days != 1 else ''}); {moves}.\n")
    for row in change.get("promised", ()):  # dates someone chose stay put: say which fall on the days off
        who = "you promised" if row["whose"] == "mine" else "they promised"
        out.write(f"Note: {row['name']}: {who} {row['action']} by {row['due']:%a} {row['due'].isoformat()} "
                  f"(commitment {row['id']}); `fup move` it if it should wait.\n")
    more = change.get("more_promised", 0)
    if more:  # (a long break: the first few named, the rest counted)
        out.write(f"Note: … and {more} more promise{'s' if more != 1 else ''} fall{'' if more != 1 else 's'} "
                  "on those days (`fup list` / `fup show`).\n")


def away_list(periods: Sequence[tuple[date, date]], today: date, stream: TextIO | None = None) -> None:
    """`fup away --list`: each stretch of days off, with how many days and whether it is past."""
    out = _out(stream)
    if not periods:
        out.write("No days off: add some with `fup away START END`.\n")
        return
    rows = [(f"{first:%a} {first.isoformat()}", f"{last:%a} {last.isoformat()}", str((last - first).days + 1),
             "past" if last < today else "now" if first <= today else "")
            for first, last in periods]
    out.write(text_table(("from", "to", "days", ""), rows, color=_color(out)))


def spoken_moment(at: str, now: datetime) -> str:
    """A stored 'YYYY-MM-DD HH:MM' as said back: 'today 17:02', 'yesterday 17:02', else as stored."""
    day, _, clock = at.partition(" ")
    try:
        ago = (now.date() - date.fromisoformat(day)).days
    except ValueError:
        return at
    return {0: f"today {clock}", 1: f"yesterday {clock}"}.get(ago, at)


def cadence_profiles(profiles: Sequence[Any], fmt: str, stream: TextIO | None = None) -> None:
    data = [
        {"profile": p.name, "gaps": list(p.gaps), "offsets": p.shape(), "end": p.end if p.gaps else None, "weight": p.weight,
         "max_gap": p.ceiling if p.gaps and p.end == "repeat" else None}
        for p in profiles
    ]
    if fmt == "json":
        write_json(data, stream)
        return
    if fmt == "csv":
        write_csv(("profile", "gaps", "offsets", "end", "weight", "max_gap"),
                  ({**d, "gaps": " ".join(map(str, d["gaps"])), "offsets": " ".join(map(str, d["offsets"]))} for d in data),
                  stream)
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("profile", "follow-ups on day (from the meeting)", "then"):
        table.add_column(column, overflow="fold")
    for d in data:
        if not d["gaps"]:
            table.add_row(d["profile"], "never scheduled (commitments still show)", "")
            continue
        then = {"park": "park in nurture", "repeat": f"every {d['max_gap']} days"}[d["end"]]
        table.add_row(d["profile"], ", ".join(map(str, d["offsets"])), then)
    _console(stream).print(table)
