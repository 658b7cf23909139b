"""Everything fup prints: pretty tables for people, JSON and CSV for programs.

Renderers take plain data (dicts, `DueRow`s) from `queries` and `core` and a
text stream; they never touch the database. The machine formats are stable:
`fup today --format json|csv` has exactly the columns of `queries.DUE_COLUMNS`.
The daily commands' tables (today, show, list) are plain text (`text_table`),
bold only on a terminal; Rich is imported only for `fup cadence`'s table.
"""

from __future__ import annotations

import sys
from datetime import date

from .storage.queries import DUE_COLUMNS

# The daily commands render through here: `typing`, `json` and the export layouts are imported
# only where needed (they cost a start-up several milliseconds).
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Iterable, Sequence, TextIO

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
) -> None:
    """The due list: `rows` (already ranked and cut), out of `total` due, and the footer
    (with the cold follow-ups that wait for a day with room)."""
    if fmt == "json":
        write_json([row.as_dict() for row in rows], stream)
        return
    if fmt == "csv":
        write_csv(DUE_COLUMNS, (row.as_dict() for row in rows), stream)
        return
    out = _out(stream)
    if not rows:
        out.write(f"Nothing due on {on.isoformat()}.\n")
    else:
        lines = [
            (str(rank), _who(row.name, row.company), row.reason, when_text(row.due, on), row.channel)
            for rank, row in enumerate(rows, 1)
        ]
        styles = ["red" if row.kind == "promise" and row.days_overdue > 0 else "" for row in rows]
        out.write(text_table(("#", "who", "why", "due", "channel"), lines, styles, color=_color(out)))
        if total > len(rows):
            out.write(f"... and {total - len(rows)} more due (fup today --limit 0 shows all)\n")
    if waiting:
        follow_ups = "cold follow-up waits" if waiting == 1 else "cold follow-ups wait"
        out.write(f"{waiting} {follow_ups} for a day with room\n")
    if no_next_step:
        people = "contact has" if no_next_step == 1 else "contacts have"
        counted = f"{COUNT_CAP}+" if no_next_step > COUNT_CAP else str(no_next_step)
        out.write(f"{counted} active {people} no agreed next step (fup list --no-next-step)\n")


COUNT_CAP = 1000  # a footer count past this says "1000+" (counting further costs a large list time)

_ANSI = {"bold": "\033[1m", "red": "\033[1;31m", "": ""}
_RESET = "\033[0m"


def _color(stream: TextIO) -> bool:
    """Colours only on a terminal, and never when NO_COLOR is set."""
    import os

    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")


def text_table(header: Sequence[str], lines: Sequence[Sequence[str]], styles: Sequence[str] = (), color: bool = False) -> str:
    """A plain table, columns two spaces apart, without Rich (so the daily commands start fast).

    The header row is bold on a terminal (`color`); an empty `header` means no header row.
    Each cell is one line: runs of whitespace, newlines among them, become one space."""
    body = [_one_line_row(line) for line in lines]
    rows = ([tuple(header)] if header else []) + body
    if not rows:
        return ""
    row_styles = (["bold"] if header else []) + [styles[i] if i < len(styles) else "" for i in range(len(body))]
    layout = "  ".join(f"{{:<{max(map(len, column))}}}" for column in zip(*rows))  # (10k rows: one format each)
    out = []
    for row, style in zip(rows, row_styles):
        text = layout.format(*row).rstrip()
        out.append(f"{_ANSI[style]}{text}{_RESET}" if color and style else text)
    return "\n".join(out) + "\n"


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
    if fmt == "json":
        write_json(view, stream)
        return
    if fmt == "csv":
        write_csv(_contact_columns(), [_flat(view)], stream)
        return
    out = _out(stream)
    color = _color(out)
    out.write(f"{_bold(_who(view['name'], view['company']), color)}  #{view['id']}  {view['state']}, {view['cadence']} cadence\n")
    for label, key in (("title", "title"), ("email", "email"), ("phone", "phone"), ("url", "url"),
                       ("met at", "source"), ("channel", "channel"), ("birthday", "birthday"), ("notes", "notes")):
        if view.get(key):
            out.write(f"  {label}: {_one_line(view[key])}\n")
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
    timeline = [
        (t["at"].replace("T", " ")[:16], f"{'<-' if t['direction'] == 'in' else '->'} {t['channel']}", t["outcome"],
         (t["note"] or "") + (f"; asked for {t['ask_again']}" if t["ask_again"] else ""))
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


LIST_COLUMNS = ("last_touch", "unanswered_streak", "open_commitments")  # `fup list -f csv` after the export's columns


def _contact_columns() -> tuple[str, ...]:
    """The CSV columns of a contact, as `fup export contacts` writes them."""
    from .transfer.formats import CONTACT_COLUMNS

    return CONTACT_COLUMNS


def _flat(view: dict) -> dict:
    row = dict(view)
    row["tags"] = ";".join(view["tags"])
    return row


def contact_list(views: Sequence[dict], fmt: str, today_: date, stream: TextIO | None = None) -> None:
    if fmt == "json":
        write_json(list(views), stream)
        return
    if fmt == "csv":
        write_csv(_contact_columns() + LIST_COLUMNS, (_flat(v) for v in views), stream)
        return
    out = _out(stream)
    if not views:
        out.write("No contacts match.\n")
        return
    due: dict[str | None, str] = {None: "-"}  # (10k contacts share a few hundred dates)
    for v in views:
        if v["next_due"] not in due:
            due[v["next_due"]] = f"{v['next_due']} ({when_text(v['next_due'], today_)})"
    lines = [(str(v["id"]), _who(v["name"], v["company"]), v["state"], v["cadence"], due[v["next_due"]],
              ", ".join(v["tags"])) for v in views]
    out.write(text_table(("id", "who", "state", "cadence", "next due", "tags"), lines, color=_color(out)))
    out.write(f"{len(views)} contact{'s' if len(views) != 1 else ''}\n")


# --- results of writes ----------------------------------------------------------


def written(message: str, view: dict | None, today_: date, stream: TextIO | None = None) -> None:
    out = _out(stream)
    out.write(message + "\n")
    if view is not None:
        out.write(f"Next: {next_line(view, today_)}\n")


def undo_history(steps: Sequence[tuple[str, str]], stream: TextIO | None = None) -> None:
    """`fup undo --list`: when each step ran and what it did, newest first (what undo takes back next)."""
    out = _out(stream)
    if not steps:
        out.write("Nothing to undo.\n")
        return
    out.write(text_table(("when", "what (newest first: the next fup undo takes back the top one)"), steps, color=_color(out)))


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
