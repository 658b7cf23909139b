"""The bodies of the daily commands, shared by both doors: plain functions over an `AppContext`.

Data flows one way. A door reads argv into keyword arguments: the Typer app
(`app.py`, `data.py`, `transfer.py`) by its declarations, the fast door
(`fast.py`) by `spec.py`, the table generated from those same declarations.
It builds the `AppContext` and calls the function `RUN[name]` here with the
context and the arguments, named exactly as the Typer function's parameters.
The function checks what only it can check (a format, a state, a date), makes
one call into `queries` (reads) or `core` (writes), and prints through
`render`. Errors are `FupError`s; each door turns them into its one line.

Nothing here knows argv, Typer or click, and the module imports only the
standard library and `errors` at load time (`core`, `render` and `queries`
are imported by the function that needs them), so the fast door can load it
on every start.
"""

from __future__ import annotations

import sys

from ..errors import check_choice

# `typing` costs ~10 ms at start-up; annotations here are never evaluated, so it is not imported.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from ..context import AppContext


def _fmt(value: str) -> str:
    from ..vocabulary import OUTPUT_FORMATS

    return check_choice(value, OUTPUT_FORMATS, "format")


# --- reading ------------------------------------------------------------------


def _scope(app_ctx: AppContext, owner: str | None, all_: bool) -> tuple[str | None, bool]:
    """Whose contacts a list shows, and whether to say whose each is. On a team database
    (PostgreSQL) mine by default, `owner`'s, or with `all_` everyone's; on a SQLite file all of
    them, which are all mine."""
    from ..errors import BadInput

    if owner is not None and all_:
        raise BadInput("--owner and --all contradict each other: give one of them")
    if owner is not None:
        role = app_ctx.store.team_role(owner)
        return role, role != app_ctx.store.user()
    me = app_ctx.store.user()
    return (None, me is not None) if all_ else (me, False)


def today(app_ctx: AppContext, on: str | None = None, limit: int | None = None, fmt: str = "table",
          wide: bool = False, owner: str | None = None, all_: bool = False) -> None:
    """`fup today`: read the ranked due rows and print them (the table fits the screen unless `wide`)."""
    from .. import render
    from ..dates import parse_date
    from ..storage.queries import (
        birthday_rows,
        check_profiles,
        count_due,
        count_waiting,
        count_without_next_step,
        due_rows,
        has_contacts,
    )

    fmt = _fmt(fmt)
    day = parse_date(on, app_ctx.now) if on is not None else app_ctx.today
    conn = app_ctx.store.reader()
    whose, owners = _scope(app_ctx, owner, all_) if conn is not None else (None, False)
    if conn is None or (fmt == "table" and not has_contacts(conn)):
        if fmt == "table":
            render.welcome()
        else:
            render.today([], fmt, day, 0, 0)
        return
    if limit is None:
        limit = app_ctx.settings.daily_limit if fmt == "table" else 0
    rules = app_ctx.settings.rules
    check_profiles(conn, rules)
    birthdays = birthday_rows(conn, day, rules, whose)  # (read once for the rows and the counts)
    rows = due_rows(conn, day, limit, rules, birthdays, whose)
    if fmt == "table":
        waiting = count_waiting(conn, day, rules, birthdays, whose)
        total = count_due(conn, day, rules, birthdays, waiting, whose) if limit and len(rows) == limit else len(rows)
        no_next_step = count_without_next_step(conn, cap=render.COUNT_CAP, owner=whose)
        render.today(rows, fmt, day, total, no_next_step, waiting=waiting, wide=wide, owners=owners)
    else:
        render.today(rows, fmt, day, len(rows), 0)


def show(app_ctx: AppContext, who: str, fmt: str = "table") -> None:
    """`fup show`: a contact's card."""
    from .. import render
    from ..errors import NotFound
    from ..storage.queries import contact_card

    fmt = _fmt(fmt)
    conn = app_ctx.store.reader()
    if conn is None:
        raise NotFound("no contacts yet: add one with `fup add NAME`")
    if fmt == "csv":  # the contact's row of `fup export contacts`, its cells as the export writes them
        from ..storage.queries import resolve
        from ..transfer.exporter import contact_rows

        contact = resolve(conn, who)
        render.contact_rows(contact_rows(conn, app_ctx.today, True, app_ctx.settings.rules, "id = :id",
                                         {"id": contact["id"]}))
        return
    render.contact_card(contact_card(conn, who, app_ctx.today, app_ctx.settings.rules), fmt, app_ctx.today)


def list_(app_ctx: AppContext, tag: str | None = None, state: str | None = None, cadence: str | None = None,
          due_before: str | None = None, no_next_step: bool = False, fmt: str = "table", wide: bool = False,
          owner: str | None = None, all_: bool = False) -> None:
    """`fup list`: contacts, filtered (the table fits the screen unless `wide`)."""
    from .. import render
    from ..dates import parse_date
    from ..storage.listing import ListFilter, brief_views, csv_rows, json_objects
    from ..vocabulary import STATES

    fmt = _fmt(fmt)
    conn = app_ctx.store.reader()
    profiles = sorted(app_ctx.settings.rules.profiles)
    if cadence and cadence not in profiles and conn is not None:  # a profile gone from config.toml, still in use
        profiles += [name for (name,) in conn.execute("SELECT DISTINCT cadence FROM contact WHERE cadence = :cadence",
                                                      {"cadence": cadence})]
    filters = ListFilter(
        tag=tag.strip().lower() if tag else None,
        state=check_choice(state, STATES, "state") if state else None,
        cadence=check_choice(cadence, profiles, "cadence profile") if cadence else None,
        due_before=parse_date(due_before, app_ctx.now) if due_before else None,
        no_next_step=no_next_step,
        owner=_scope(app_ctx, owner, all_)[0] if conn is not None else None,
    )
    listed = {"table": brief_views, "json": json_objects, "csv": csv_rows}[fmt]
    rows = listed(conn, filters, app_ctx.today, app_ctx.settings.rules) if conn is not None else iter(())
    render.contact_list(rows, fmt, app_ctx.today, wide=wide)


def export(app_ctx: AppContext, what: str, fmt: str = "csv", output: str | Path | None = None, bom: bool = False,
           raw: bool = False, on: str | None = None, limit: int | None = None, days: int | None = None) -> None:
    """`fup export`: stream contacts, touches, commitments or the due list."""
    from ..transfer import exporter

    exporter.export(app_ctx, what, fmt, output, bom=bom, raw=raw, on=on, limit=limit, days=days)


def import_(app_ctx: AppContext, what: str, file: str, source: str = "auto", cadence: str | None = None,
            tag: list[str] | None = None, dry_run: bool = False, update: bool = False, mapping: list[str] | None = None,
            encoding: str | None = None, date_format: str | None = None, skip_bad: bool = False) -> None:
    """`fup import`: contacts from an address book, or touches and commitments from fup's CSV; all or nothing."""
    from .. import render
    from ..errors import BadInput
    from ..transfer import history, importer

    what = check_choice(what, ("contacts", "touches", "commitments"), "import")
    contact_only = source != "auto" or cadence is not None or tag or update or mapping or encoding or date_format or skip_bad
    if what != "contacts" and contact_only:
        raise BadInput("--from, --cadence, --tag, --update, --map, --encoding, --date-format and --skip-bad "
                       "apply to `fup import contacts` only")
    try:
        if what == "contacts":
            report = importer.import_contacts(app_ctx, file, source, cadence, tag or [], dry_run, encoding=encoding,
                                              mapping=mapping or [], date_format=date_format, skip_bad=skip_bad,
                                              update=update)
        else:
            report = history.import_history(app_ctx, what, file, dry_run)
    except importer.ImportProblems as exc:
        for problem in exc.problems:
            sys.stderr.write(problem + "\n")
        raise
    render.import_report(report)


# --- writing --------------------------------------------------------------------


def add(app_ctx: AppContext, name: str, company: str | None = None, title: str | None = None, email: str | None = None,
        phone: str | None = None, url: str | None = None, tag: list[str] | None = None, source: str | None = None,
        channel: str | None = None, cadence: str | None = None, birthday: str | None = None, note: str | None = None,
        met: str | None = None, no_meeting: bool = False, next_: str | None = None, due: str | None = None,
        soft: bool = False, theirs: bool = False, next_channel: str | None = None, owner: str | None = None,
        private: bool = False) -> None:
    """`fup add`: a new contact, the meeting as its first touch."""
    from .. import core, render

    new = core.NewContact(name, company, title, email, phone, url, tag or [], source, channel, cadence, birthday, note)
    step = core.next_step(app_ctx, next_, due, soft, theirs, next_channel)
    view = core.add_contact(app_ctx, new, met=met, no_meeting=no_meeting, step=step, owner=owner, private=private)
    render.written(f"Added {view['name']} (#{view['id']})." + _remark(step), view, app_ctx.today)


def log(app_ctx: AppContext, who: str, channel: str | None = None, inbound: bool = False, outcome: str | None = None,
        note: str | None = None, at: str | None = None, next_: str | None = None, due: str | None = None,
        soft: bool = False, theirs: bool = False, next_channel: str | None = None, ask_again: str | None = None,
        greeting: bool = False, done: bool = False, commitment_id: int | None = None) -> None:
    """`fup log`: one touch, then the new next due date and why; with `done`, also a commitment done."""
    from .. import core, render

    step = core.next_step(app_ctx, next_, due, soft, theirs, next_channel)
    view = core.log_touch(app_ctx, who, channel, inbound, outcome, note, at, step, ask_again, greeting,
                          done=done, commitment_id=commitment_id)
    finished = view.get("commitment")
    line = f"\nDone: {finished['action']} ({view['name']}, commitment {finished['id']})." if finished else ""
    render.written(render.logged_line(view) + line + _remark(step), view, app_ctx.today)


def unlog(app_ctx: AppContext, who: str, touch_id: int | None = None) -> None:
    """`fup unlog`: remove a touch (the newest, or touch N) and re-plan the contact."""
    from .. import core, render

    view = core.unlog_touch(app_ctx, who, touch_id)
    t = view["unlogged"]
    arrow = "from" if t["direction"] == "in" else "with"
    message = f"Unlogged touch {t['id']}: {t['channel']} {arrow} {view['name']} on {t['at'][:10]} ({t['outcome']})."
    if t["kept"] == "closed":
        message += (f"\nNote: {view['name']} stays closed: unlog takes back the touch, not the state it set "
                    f"(`fup state {view['id']} active` reopens).")
    elif t["kept"] == "client":
        message += (f"\nNote: {view['name']} stays a client, and what the win marked done stays done: unlog takes "
                    f"back the touch, not what it changed (`fup state {view['id']} active` sets the state).")
    if not t["touches_left"] and view["state"] not in ("closed", "paused"):  # (the cadence opens again)
        message += ("\nNote: no touch is left: they are planned as someone you have not met yet "
                    "(an opening touch, once no promise comes first).")
    render.written(message, view, app_ctx.today)


def next_(app_ctx: AppContext, who: str, action: str, due: str, soft: bool = False, theirs: bool = False,
          channel: str | None = None) -> None:
    """`fup next`: record a commitment."""
    from .. import core, render

    step = core.next_step(app_ctx, action, due, soft, theirs, channel, channel_option="--channel")
    view = core.add_commitment(app_ctx, who, step)
    render.written(render.commitment_line(view["name"], view["commitment"]) + _remark(step), view, app_ctx.today)


def _remark(step: object) -> str:
    """A line on the next step's date as typed (`core.NextStep.remark`), or nothing."""
    remark = getattr(step, "remark", None)
    return f"\nNote: {remark}." if remark else ""


def _close(app_ctx: AppContext, who: str, commitment_id: int | None, status: str) -> None:
    from .. import core, render

    view = core.close_commitment(app_ctx, who, status, commitment_id)
    c = view["commitment"]
    render.written(f"{status.capitalize()}: {c['action']} ({view['name']}, commitment {c['id']}).", view, app_ctx.today)


def done(app_ctx: AppContext, who: str, commitment_id: int | None = None) -> None:
    """`fup done`: close an open commitment as done."""
    _close(app_ctx, who, commitment_id, "done")


def drop(app_ctx: AppContext, who: str, commitment_id: int | None = None) -> None:
    """`fup drop`: close an open commitment as dropped."""
    _close(app_ctx, who, commitment_id, "dropped")


def move(app_ctx: AppContext, who: str, when: str, commitment_id: int | None = None) -> None:
    """`fup move`: give an open commitment a new due date."""
    from datetime import date

    from .. import core, render
    from ..dates import WEEKDAYS

    view = core.move_commitment(app_ctx, who, when, commitment_id)
    c = view["commitment"]
    weekday = WEEKDAYS[date.fromisoformat(c["due"]).weekday()][:3].title()
    remark = f"\nNote: {c['remark']}." if c["remark"] else ""
    render.written(f"Moved: {c['action']} ({view['name']}, commitment {c['id']}) to {weekday} {c['due']}." + remark,
                   view, app_ctx.today)


def edit(app_ctx: AppContext, who: str, name: str | None = None, company: str | None = None, title: str | None = None,
         email: str | None = None, phone: str | None = None, url: str | None = None, source: str | None = None,
         channel: str | None = None, cadence: str | None = None, birthday: str | None = None, note: str | None = None,
         tag: list[str] | None = None, untag: list[str] | None = None, append_note: str | None = None,
         private: bool | None = None, email2: list[str] | None = None, rm_email2: list[str] | None = None,
         phone2: list[str] | None = None, rm_phone2: list[str] | None = None) -> None:
    """`fup edit`: change a contact's fields and tags."""
    from .. import core, render

    changes = dict(name=name, company=company, title=title, email=email, phone=phone, url=url, source=source,
                   channel=channel, cadence=cadence, birthday=birthday, notes=note)
    view = core.edit_contact(app_ctx, who, changes, tag or [], untag or [], append_note, private=private,
                             add_emails=email2 or [], remove_emails=rm_email2 or [], add_phones=phone2 or [],
                             remove_phones=rm_phone2 or [])
    render.written(f"Updated {view['name']} (#{view['id']}).", view, app_ctx.today)


def snooze(app_ctx: AppContext, who: str | None = None, until: str | None = None, tag: str | None = None) -> None:
    """`fup snooze`: hide the cadence until a date (never: pause); WHO WHEN, or --tag T WHEN for everyone tagged T."""
    from .. import core, render
    from ..errors import BadInput

    if tag is not None:
        if until is not None:
            raise BadInput("--tag snoozes everyone with the tag: give WHEN alone (fup snooze --tag T WHEN), not WHO")
        if who is None:
            raise BadInput("missing WHEN: fup snooze --tag T WHEN")
        _snooze_tag(app_ctx, tag, who)  # (the one word given is WHEN)
        return
    if who is None or until is None:
        raise BadInput("missing WHEN: fup snooze WHO WHEN (or fup snooze --tag T WHEN)" if who is not None
                       else "missing WHO and WHEN: fup snooze WHO WHEN (or fup snooze --tag T WHEN)")
    view = core.snooze(app_ctx, who, until)
    if view["state"] == "paused" and until.strip().lower() == "never":
        message = f"{view['name']} is paused: no follow-ups until `fup state {view['id']} active`."
    elif view["snoozed_until"]:
        message = f"Snoozed {view['name']}'s follow-ups until {view['snoozed_until']}."
    else:
        message = f"{view['name']} is no longer snoozed."
    render.written(message, view, app_ctx.today)


def _snooze_tag(app_ctx: AppContext, tag: str, until: str) -> None:
    from .. import core, render

    done = core.snooze_tag(app_ctx, tag, until)
    people = f"{done['count']} contact{'' if done['count'] == 1 else 's'} tagged {done['tag']}"
    closed = done.get("left_closed", 0)
    left = f"{closed} closed contact{'' if closed == 1 else 's'} left closed"
    if done["paused"] and closed and not done["count"]:
        message = f"Paused nobody tagged {done['tag']}: {left}."
    elif done["paused"] and closed:  # a no is not chased: `never` leaves closed contacts closed
        message = f"Paused {people}; {left}. No follow-ups until `fup state WHO active`."
    elif done["paused"]:
        message = f"Paused {people}: no follow-ups until `fup state WHO active`."
    elif done["until"]:
        message = f"Snoozed {people} until {done['until']}."
    else:
        message = f"{people[0].upper()}{people[1:]} {'is' if done['count'] == 1 else 'are'} no longer snoozed."
    render.written(message, None, app_ctx.today)


def state(app_ctx: AppContext, who: str, new_state: str) -> None:
    """`fup state`: move a contact to another state."""
    from .. import core, render

    view = core.set_state(app_ctx, who, new_state)
    render.written(f"{view['name']} is now {view['state']}.", view, app_ctx.today)


def assign(app_ctx: AppContext, who: str, role: str) -> None:
    """`fup assign`: give a contact to a teammate (team mode)."""
    from .. import core, render

    view, before = core.assign(app_ctx, who, role)
    render.written(f"{view['name']} is now {view['owner']}'s (was {before or 'nobody'}'s).", view, app_ctx.today)


def undo(app_ctx: AppContext, list_: bool = False, count: int | None = None) -> None:
    """`fup undo`: take back the last change; with `list_`, show the last `count` (10) instead."""
    from .. import core

    if not list_:
        if count is not None:
            from ..errors import BadInput

            raise BadInput(f"a number goes with --list (fup undo --list {count}); fup undo takes back one command at a time")
        undone = core.undo(app_ctx)
        from .. import render

        render.undone(undone.summary, undone.at, app_ctx.now)
        return
    from .. import render

    render.undo_history(core.undo_history(app_ctx, 10 if count is None else count), app_ctx.now)


def away(app_ctx: AppContext, start: str | None = None, end: str | None = None, list_: bool = False,
         clear: str | None = None) -> None:
    """`fup away`: add days off (START [END]), remove them (--clear START) or list them (--list, or nothing)."""
    from .. import core, render
    from ..errors import BadInput

    if clear is not None and (start is not None or list_):
        raise BadInput("--clear START goes alone: fup away --clear 2026-12-21")
    if list_ and start is not None:
        raise BadInput("--list goes alone: fup away --list")
    if clear is not None:
        render.away_changed("No longer away", core.clear_away(app_ctx, clear))
    elif start is not None:
        render.away_changed("Away", core.add_away(app_ctx, start, end))
    else:
        render.away_list(core.away_list(app_ctx), app_ctx.today)


def review(app_ctx: AppContext, on: str | None = None, limit: int | None = None) -> None:
    """`fup review`: walk the day's list, one key per row (the loop: `cli.review`)."""
    import sys

    from ..errors import BadInput

    if not sys.stdin.isatty():
        raise BadInput("fup review needs a terminal (use `fup today` and `fup log` in scripts)")
    from .keys import Keys
    from .review import review as walk

    with Keys(sys.stdin.fileno(), sys.stdout) as keys:
        walk(app_ctx, keys, on=on, limit=limit)


# The commands with a fast door: `fup NAME` runs RUN[NAME]. `specgen` writes spec.py for exactly these.
RUN = {
    "today": today,
    "show": show,
    "list": list_,
    "export": export,
    "import": import_,
    "add": add,
    "log": log,
    "unlog": unlog,
    "next": next_,
    "done": done,
    "drop": drop,
    "move": move,
    "edit": edit,
    "snooze": snooze,
    "state": state,
    "undo": undo,
    "away": away,
    "review": review,
}
