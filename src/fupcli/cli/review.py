"""`fup review`: the morning list, one row at a time, one key per row.

Data flows round a loop. Read the day's ranked rows as `fup today` reads
them (`queries.due_rows`, same `--on` and `--limit`), take the first one not
yet seen in this session, show it with its contact's last touch and open
commitments, read one key (`keys.Keys`: no Enter), make the one `core` call
the matching command makes (`fup log`, `done`, `snooze`), say what it did
through `render`, and read the list again, so a change shows at once. A row
acted on or skipped is not shown again in the session; `u` takes back this
session's last action with `core.undo` (only when it is still the newest
change) and shows its row again. Plain lines, no full screen, so it works in
any terminal and through a pipe.

| key | does | the command it equals |
|---|---|---|
| s | sent | `fup log WHO CHANNEL` |
| n | no answer | `fup log WHO CHANNEL --outcome no-answer` |
| m | left a message | `fup log WHO call --outcome left-message` |
| t | talked / they replied | `fup log WHO call --outcome talked` on a call or meeting row, else `fup log WHO CHANNEL --in` |
| d | done (a commitment row) | `fup done WHO --id N` |
| z | snooze, asks WHEN (3d) | `fup snooze WHO WHEN` |
| a | they asked for a date | the touch of `t` with `--ask-again WHEN` |
| x | not interested, confirmed | `fup log WHO CHANNEL --outcome not-interested` |
| e | a line on the last touch's note | `core.note_touch` |

The command body (`commands.review`, run by both doors: Typer-free, so `fup review`
starts as fast as `fup today`) only checks for a terminal and hands the loop its
input; `review(app_ctx, keys, ...)` is the loop, which tests drive through a pipe.
"""

from __future__ import annotations

import sys

from ..errors import BadInput, FupError, NotFound

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from datetime import date

    from ..context import AppContext
    from ..storage.queries import DueRow
    from .keys import Keys

PROMPT = "[s,n,m,t,d,z,a,x,e,u,k,q,?]"
KEY_HELP = (
    ("s", "sent: log a touch on the row's channel (outcome sent)"),
    ("n", "no answer (outcome no-answer)"),
    ("m", "left a message (a call, outcome left-message)"),
    ("t", "talked (a call or meeting row), or they replied (--in)"),
    ("d", "done: close the row's commitment"),
    ("z", "snooze: asks WHEN (default 3d)"),
    ("a", "they asked for a date: asks WHEN, logs their answer"),
    ("x", "not interested: closes them (asks first)"),
    ("e", "add a line to the note of their last touch"),
    ("u", "undo the last action of this review"),
    ("k", "skip (space too)"),
    ("q", "quit, with a summary (Ctrl-C and Ctrl-D too)"),
    ("?", "this table"),
)
SNOOZE_DEFAULT = "3d"
TALKING = ("call", "meeting")  # channels where a two-way touch is a conversation (`talked`), not a reply
COMMITMENT_KINDS = ("promise", "their-promise", "soft")  # the rows `d` closes the commitment of
TALLY = ("logged", "done", "closed", "snoozed", "noted", "skipped")  # what the summary counts, in its order
NEXT, STAY, QUIT = "next", "stay", "quit"  # what a key leads to: the next row, the same row, the end


def review(app_ctx: AppContext, keys: Keys, on: str | None = None, limit: int | None = None) -> dict[str, int]:
    """The review loop over `keys` (which also writes): returns the tally ({"logged": 4, ...})."""
    from .. import render
    from ..dates import parse_date
    from ..storage.queries import check_profiles

    day = parse_date(on, app_ctx.now) if on is not None else app_ctx.today
    conn = app_ctx.store.reader()
    if conn is None:
        render.welcome(keys.out)
        keys.out.flush()
        return {}
    check_profiles(conn, app_ctx.settings.rules)
    session = Review(app_ctx, keys, day, app_ctx.settings.daily_limit if limit is None else limit)
    session.run()
    return session.tally


class Review:
    """One session: the rows seen, this session's undo steps, the tally."""

    def __init__(self, app_ctx: AppContext, keys: Keys, day: date, limit: int):
        self.ctx, self.keys, self.out = app_ctx, keys, keys.out
        self.day, self.limit = day, limit
        self.rules = app_ctx.settings.rules
        self.owner = app_ctx.store.user()  # (team mode: my list, as `fup today`)
        self.seen: list[int] = []  # contacts acted on or skipped, in order: not shown again
        self.steps: list[tuple[int, str, bool, tuple | None]] = []  # (contact, tally, row left, the undo step)
        self.tally = dict.fromkeys(TALLY, 0)
        self.again: int | None = None  # the contact whose action was undone: shown next
        self.left = 0

    # --- the loop ---------------------------------------------------------------------

    def run(self) -> None:
        from .keys import Quit

        started = False
        try:
            while True:
                pending = self.pending()
                self.left = len(pending)
                if not pending:
                    self.say(f"Nothing due on {self.day.isoformat()}.\n" if not started else "End of the list.\n")
                    if not started:
                        return
                    break
                started = True
                row = pending[0]
                try:
                    shown = self.show(row, len(self.seen) + 1, len(self.seen) + len(pending))
                except NotFound:  # removed by another command since the list was read: passed over
                    self.seen.append(row.contact_id)
                    continue
                if self.keys_for(row, shown) == QUIT:
                    break
        except (KeyboardInterrupt, Quit):
            self.say("\n")
        self.say(self.summary() + "\n")

    def pending(self) -> list[DueRow]:
        """The rows still to go through, in `fup today`'s order (the undone one first): the day's
        list read afresh, less the rows seen, within what is left of the limit."""
        from ..storage.queries import due_rows

        conn = self.ctx.store.reader()
        seen = set(self.seen)
        wanted = self.limit + len(seen) if self.limit else 0
        rows = [row for row in due_rows(conn, self.day, wanted, self.rules, owner=self.owner)
                if row.contact_id not in seen]
        if self.again is not None:
            rows.sort(key=lambda row: row.contact_id != self.again)
            self.again = None
        return rows[:max(0, self.limit - len(seen))] if self.limit else rows

    def keys_for(self, row: DueRow, shown: dict) -> str:
        """Read keys for one row until one moves on (NEXT) or ends the review (QUIT)."""
        while True:
            self.say(f"{PROMPT} ")
            key = self.keys.read_key()
            self.say((key if len(key) == 1 and key.isprintable() and key != " " else "") + "\n")
            try:
                outcome = self.act(key, row, shown)
            except FupError as exc:  # nothing was written: said in one line, and the row stays
                self.say(f"{exc.message}\n")
                outcome = STAY
            if outcome != STAY:
                return outcome

    def act(self, key: str, row: DueRow, shown: dict) -> str:
        from .keys import EOF

        if key in ("q", EOF):
            return QUIT
        if key in ("k", " "):
            self.seen.append(row.contact_id)
            self.tally["skipped"] += 1
            return NEXT
        if key == "?":
            self.say("".join(f"  {k}  {what}\n" for k, what in KEY_HELP))
            return STAY
        if key == "u":
            return self.undo()
        action = ACTIONS.get(key)
        if action is None:
            hint = "one key, no Enter" if key == "ENTER" else f"no key {key!r} here" if len(key) == 1 else "no such key"
            self.say(f"{hint[0].upper()}{hint[1:]}: ? lists the keys.\n")
            return STAY
        return action(self, row, shown)

    # --- showing a row --------------------------------------------------------------

    def show(self, row: DueRow, position: int, total: int) -> dict:
        """Print the row with the contact's last touch and open commitments; returns what the keys
        need: the row's own item (its commitment) and the last touch."""
        from ..render import when_text
        from ..scheduler import row_on
        from ..storage.queries import iter_commitments, iter_touches, resolve, seen_of, to_date

        conn = self.ctx.store.reader()
        contact = resolve(conn, str(row.contact_id))
        item = row_on(contact["state"], contact["agenda"], self.day, to_date(contact["reopened_at"]),
                      contact["birthday"], seen_of(contact), self.rules)
        last = None
        for last in iter_touches(conn, row.contact_id):  # (oldest first: the last one is the newest)
            pass
        commitments = [c for c in iter_commitments(conn, row.contact_id) if c["status"] == "open"]
        this = item.commitment_id if item is not None and item.kind == row.kind else None
        who = f"{row.name} ({row.company})" if row.company else row.name
        lines = [f"\n({position}/{total}) {self.bold(_line(who))}",
                 f"  {_line(row.reason)}",
                 f"  {when_text(row.due, self.day)}, by {row.channel}",
                 f"  last touch: {_touch(last) if last else 'none'}"]
        for c in commitments:
            whose = "I" if c["whose"] == "mine" else "they"
            via = f", by {c['channel']}" if c["channel"] else ""
            lines.append(f"  open: {whose}: {_line(c['action'])}, due {c['due']} ({c['firmness']}{via}, "
                         f"commitment {c['id']}{', this row' if c['id'] == this else ''})")
        if not commitments:
            lines.append("  open: no commitment")
        self.say("\n".join(lines) + "\n")
        return {"commitment_id": this, "touch": last}

    def bold(self, text: str) -> str:
        import os

        color = hasattr(self.out, "isatty") and self.out.isatty() and not os.environ.get("NO_COLOR")
        return f"\033[1m{text}\033[0m" if color else text

    def say(self, text: str) -> None:
        self.keys.say(text)

    # --- what the keys do -------------------------------------------------------------

    def fresh(self) -> AppContext:
        """The context, its `now` read again: a touch logged at 9:40 is logged at 9:40."""
        from ..context import current_time

        self.ctx.now = current_time()
        return self.ctx

    def did(self, row: DueRow, tally: str, leaves: bool = True) -> str:
        """Count an action, remember its undo step; the row is done with unless it stays (`e`)."""
        from .. import core

        try:
            step = tuple(core.undo_history(self.ctx, 1)[0])
        except (FupError, IndexError):  # a database without an undo history
            step = None
        self.steps.append((row.contact_id, tally, leaves, step))
        self.tally[tally] += 1
        if leaves:
            self.seen.append(row.contact_id)
        self.out.flush()
        return NEXT if leaves else STAY

    def log(self, row: DueRow, tally: str, **touch: object) -> str:
        from .. import core, render

        ctx = self.fresh()
        view = core.log_touch(ctx, str(row.contact_id), **touch)
        render.written(render.logged_line(view), view, ctx.today, self.out)
        return self.did(row, tally)

    def sent(self, row: DueRow, shown: dict) -> str:
        return self.log(row, "logged", channel=row.channel)

    def no_answer(self, row: DueRow, shown: dict) -> str:
        return self.log(row, "logged", channel=row.channel, outcome="no-answer")

    def left_message(self, row: DueRow, shown: dict) -> str:
        return self.log(row, "logged", channel="call", outcome="left-message")

    def talked(self, row: DueRow, shown: dict) -> str:
        return self.log(row, "logged", **_two_way(row.channel))

    def asked(self, row: DueRow, shown: dict) -> str:
        while True:
            when = self.keys.read_line("They asked to hear from you when?")
            if when is None:
                self.say("Nothing logged.\n")
                return STAY
            try:
                return self.log(row, "logged", ask_again=when, **_two_way(row.channel))
            except BadInput as exc:  # a date it cannot read, or not after today: asked again
                self.say(f"{exc.message}\n")

    def not_interested(self, row: DueRow, shown: dict) -> str:
        if not self.keys.confirm(f"Close {_line(row.name)} as not interested?"):
            self.say("Not closed.\n")
            return STAY
        return self.log(row, "closed", channel=row.channel, outcome="not-interested")

    def done(self, row: DueRow, shown: dict) -> str:
        from .. import core, render

        if row.kind not in COMMITMENT_KINDS or shown["commitment_id"] is None:
            self.say("No commitment on this row.\n")
            return STAY
        ctx = self.fresh()
        view = core.close_commitment(ctx, str(row.contact_id), "done", shown["commitment_id"])
        c = view["commitment"]
        render.written(f"Done: {c['action']} ({view['name']}, commitment {c['id']}).", view, ctx.today, self.out)
        return self.did(row, "done")

    def snooze(self, row: DueRow, shown: dict) -> str:
        from .. import core, render

        while True:
            when = self.keys.read_line("Snooze until?", SNOOZE_DEFAULT)
            if when is None:
                self.say("Not snoozed.\n")
                return STAY
            ctx = self.fresh()
            try:
                view = core.snooze(ctx, str(row.contact_id), when)
                break
            except BadInput as exc:  # a date it cannot read, or in the past: asked again
                self.say(f"{exc.message}\n")
        if view["state"] == "paused" and when.strip().lower() == "never":
            message = f"{view['name']} is paused: no follow-ups until `fup state {view['id']} active`."
        elif view["snoozed_until"]:
            message = f"Snoozed {view['name']}'s follow-ups until {view['snoozed_until']}."
        else:
            message = f"{view['name']} is no longer snoozed."
        if view["next_due"] is not None and view["next_due"] <= self.day.isoformat():
            message += " Still due: a snooze hides follow-ups, not promises, asked dates or birthdays."
        render.written(message, view, ctx.today, self.out)
        return self.did(row, "snoozed")

    def note(self, row: DueRow, shown: dict) -> str:
        from .. import core

        touch = shown["touch"]
        if touch is None:
            self.say("No touch to add a note to.\n")
            return STAY
        text = self.keys.read_line(f"Note for the touch of {touch['at'][:10]} ({touch['channel']}, {touch['outcome']}):")
        if text is None:
            self.say("No note added.\n")
            return STAY
        view = core.note_touch(self.fresh(), str(row.contact_id), text, touch["id"])
        shown["touch"] = {**touch, "note": view["noted"]["note"]}
        self.say(f"Noted on touch {touch['id']} ({view['name']}).\n")
        return self.did(row, "noted", leaves=False)

    def undo(self) -> str:
        from .. import core, render

        if not self.steps:
            self.say("Nothing to undo in this review.\n")
            return STAY
        contact_id, tally, leaves, step = self.steps[-1]
        newest = core.undo_history(self.ctx, 1)
        if step is None or not newest or tuple(newest[0]) != step:
            self.say("The last change in fup is not this review's (another command ran since): nothing undone; "
                     "`fup undo --list` shows the history.\n")
            return STAY
        undone = core.undo(self.fresh())
        render.undone(undone.summary, undone.at, self.ctx.now, self.out)
        self.steps.pop()
        self.tally[tally] -= 1
        if leaves and contact_id in self.seen:
            self.seen.remove(contact_id)
        self.again = contact_id
        return NEXT

    # --- the end ------------------------------------------------------------------------

    def summary(self) -> str:
        """'4 logged, 1 snoozed, 2 skipped', and how many rows were not reached."""
        parts = [f"{self.tally[key]} {key}" for key in TALLY if self.tally[key]]
        line = ", ".join(parts) if parts else "Nothing logged"
        unseen = self.left
        return line + (f"; {unseen} not reviewed" if unseen else "") + "."


ACTIONS = {
    "s": Review.sent,
    "n": Review.no_answer,
    "m": Review.left_message,
    "t": Review.talked,
    "d": Review.done,
    "z": Review.snooze,
    "a": Review.asked,
    "x": Review.not_interested,
    "e": Review.note,
}


def _two_way(channel: str) -> dict:
    """The touch of `t`: a conversation on a call or at a meeting (talked), else their reply (--in)."""
    return {"channel": channel, "outcome": "talked"} if channel in TALKING else {"channel": channel, "inbound": True}


def _touch(touch: dict) -> str:
    """'2026-11-20 call, out, no-answer: left a voicemail'."""
    note = f": {_line(touch['note'])}" if touch["note"] else ""
    asked = f" (asked for {touch['ask_again']})" if touch["ask_again"] else ""
    return f"{touch['at'][:10]} {touch['channel']}, {touch['direction']}, {touch['outcome']}{asked}{note}"


def _line(text: str) -> str:
    """Text on one line: runs of whitespace (newlines among them) become one space."""
    return " ".join(str(text).split())
