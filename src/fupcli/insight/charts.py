"""The figures of `fup stats` drawn in the terminal with Rich: tables, and bars made of block characters.

`print_stats(figures, stream)` takes the dict `insight.stats.figures` returns (the
JSON of `fup stats --format json`) and prints it section by section: reply rate by
follow-up number (a bar per number, in eighths of a cell), days to reply, promises,
activity (a stacked bar per week, one block character per channel, and a two-sided
bar of outgoing against incoming touches) and the pipeline. Every number printed is
a number of the JSON, written the same way (counts as integers, percentages and
days as the JSON's decimals), so the two always agree. Colour only on a terminal
(Rich's own detection; NO_COLOR is honoured); on a pipe or in a file the channels
still tell apart by their characters. Reads no database and computes no figure.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Sequence, TextIO

RATE_BAR = 20  # cells for 100% answered
WEEK_BAR = 32  # cells for the busiest week
SIDE_BAR = 16  # cells for the larger of the busiest week's out and in
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
# One block character (and, on a terminal, one colour) per channel of vocabulary.CHANNELS; others get "▪".
CHANNEL_MARKS = {"email": ("█", "cyan"), "call": ("▓", "green"), "text": ("▒", "yellow"),
                 "linkedin": ("░", "blue"), "meeting": ("▚", "magenta"), "other": ("▄", "white")}
OTHER_MARK = ("▪", "bright_black")
PROMISE_HEADINGS = {"kept_on_time": "kept on time", "kept_late": "kept late", "dropped": "dropped",
                    "open": "open", "overdue": "overdue"}
NONE = "–"


def console_for(stream: TextIO) -> Console:
    """A Console on `stream`: the terminal's width there, a wide page on a pipe or file; no markup
    (tags and cadence names are printed as they are)."""
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    return Console(file=stream, width=None if is_tty else 160, highlight=False, markup=False, emoji=False,
                   soft_wrap=False)


def print_stats(figures: dict, stream: TextIO) -> None:
    """The whole `fup stats` page (or one line, when there are no contacts to count)."""
    if not figures["pipeline"]["contacts"]:
        tag = figures["tag"]
        stream.write(f"No contacts tagged {tag!r}: nothing to count.\n" if tag else
                     "No contacts yet: nothing to count. Add one with `fup add NAME`.\n")
        return
    console = console_for(stream)
    period = figures["period"]
    tag = f", contacts tagged {figures['tag']}" if figures["tag"] else ""
    with console.capture() as page:
        console.print(Text(f"fup stats: {period['since']} to {period['until']}{tag}", style="bold"))
        for section in (reply_rate, promises, activity, out_and_in, pipeline):
            console.print()
            for part in section(figures):
                console.print(part)
    # Rich pads every line of a table to its width: the page goes out without trailing blanks.
    stream.write("".join(line.rstrip() + "\n" for line in page.get().splitlines()))


def number(value: float | int | None, suffix: str = "") -> str:
    """A figure as the JSON writes it (None: a dash)."""
    return NONE if value is None else f"{value}{suffix}"


def bar(value: float, scale: float, cells: int) -> str:
    """A bar of `value` cells at `scale` cells per unit, in eighths of a cell, at most `cells`."""
    eighths = min(round(value * scale * 8), cells * 8)
    return FULL * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False)
    for name in columns:
        table.add_column(name, justify="left" if name in ("", "follow-up", "week of", "state", "cadence") else "right",
                         no_wrap=True)
    return table


# --- sections: each returns what to print, in order ---------------------------------------


def reply_rate(figures: dict) -> list:
    table = _table("Reply rate by follow-up number (follow-ups sent in the period)",
                   "follow-up", "sent", "answered", "unanswered", "open", "rate", "")
    for row in figures["reply_rate"]:
        rate = row["rate"]
        table.add_row(row["followup"], str(row["sent"]), str(row["answered"]), str(row["unanswered"]),
                      str(row["open"]), number(rate, "%"), bar(rate or 0, RATE_BAR / 100, RATE_BAR))
    days = figures["days_to_reply"]
    if days["count"]:
        plural = "" if days["count"] == 1 else "s"
        line = (f"Days to reply: median {number(days['median'])}, 90th percentile {number(days['p90'])} "
                f"({days['count']} answered follow-up{plural})")
    else:
        line = "Days to reply: no answered follow-up in the period"
    return [table, line]


def promises(figures: dict) -> list:
    table = _table("Promises due in the period", "", "total", *PROMISE_HEADINGS.values())
    for whose, label in (("mine", "mine"), ("theirs", "theirs")):
        counts = figures["promises"][whose]
        cells = [f"{counts[kind]} ({number(counts['percent'][kind], '%')})" if counts["total"] else str(counts[kind])
                 for kind in PROMISE_HEADINGS]
        table.add_row(label, str(counts["total"]), *cells)
    return [table]


def _marks(channels: Sequence[str]) -> dict:
    return {ch: CHANNEL_MARKS.get(ch, OTHER_MARK) for ch in channels}


def stacked_bar(counts: Sequence[int], marks: Sequence[tuple[str, str]], scale: float) -> Text:
    """One bar of whole cells, a segment per count in its own mark; segment ends are rounded
    from the running total, so the bar's length is the total's whatever the split."""
    text = Text()
    done = shown = 0
    for count, (mark, style) in zip(counts, marks):
        done += count
        end = round(done * scale)
        if end > shown:
            text.append(mark * (end - shown), style=style)
            shown = end
    return text


def activity(figures: dict) -> list:
    data = figures["activity"]
    used = [ch for ch, counts in data["by_channel"].items() if any(counts)]
    marks = _marks(used)
    legend = "  ".join(f"{mark} {ch}" for ch, (mark, _style) in marks.items())
    table = _table(f"Touches per week, by channel{':  ' + legend if legend else ''}",
                   "week of", "", "touches", *used)
    busiest = max(data["total"], default=0)
    scale = WEEK_BAR / busiest if busiest else 0
    for i, week in enumerate(data["weeks"]):
        counts = [data["by_channel"][ch][i] for ch in used]
        table.add_row(week, stacked_bar(counts, list(marks.values()), scale), str(data["total"][i]),
                      *(str(count) for count in counts))
    return [table]


def out_and_in(figures: dict) -> list:
    data = figures["activity"]
    table = _table("Outgoing and incoming touches per week", "week of", "out", "", "", "in")
    largest = max(data["out"] + data["in"], default=0)
    scale = SIDE_BAR / largest if largest else 0
    for i, week in enumerate(data["weeks"]):
        out, in_ = data["out"][i], data["in"][i]
        left = FULL * max(round(out * scale), 1 if out else 0)
        right = FULL * max(round(in_ * scale), 1 if in_ else 0)
        table.add_row(week, str(out), Text(left.rjust(SIDE_BAR) + "│", style="cyan"),
                      Text(right.ljust(SIDE_BAR), style="green"), str(in_))
    return [table]


def pipeline(figures: dict) -> list:
    data = figures["pipeline"]
    states = _table("Contacts by state (now)", "state", "contacts", "")
    most = max(data["by_state"].values(), default=0)
    for state, count in data["by_state"].items():
        states.add_row(state, str(count), bar(count, RATE_BAR / most if most else 0, RATE_BAR))
    cadences = _table("Contacts by cadence (now)", "cadence", "contacts", "")
    ranked = sorted(data["by_cadence"].items(), key=lambda item: (-item[1], item[0]))
    most = ranked[0][1] if ranked else 0
    for cadence, count in ranked:
        cadences.add_row(cadence, str(count), bar(count, RATE_BAR / most if most else 0, RATE_BAR))
    line = (f"In the period: {data['won']} won, {data['reopened']} reopened, {data['parked']} parked "
            f"(of {data['contacts']} contact{'' if data['contacts'] == 1 else 's'})")
    return [states, cadences, line]
