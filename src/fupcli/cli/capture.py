"""`fup sync mail` and `fup sync calendar`: touches that log themselves.

Thin: check which options go with which source, call `capture.sync` once, print
its report (a summary line, the touches logged, the meetings to come it changed,
and with --suggest the people I write to who are not contacts), as text or JSON.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, List, Optional

import typer

from ..errors import BadInput, check_choice

MAIL_ONLY = ("--maildir", "--mbox", "--imap", "--suggest")
CALENDAR_ONLY = ("--ics", "--caldav", "--days-back", "--days-ahead")


def sync_command(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="WHAT", help="mail or calendar.")],
    maildir: Annotated[Optional[List[str]], typer.Option("--maildir", metavar="DIR", help="mail: a Maildir (and its Maildir++ folders); repeatable.")] = None,
    mbox: Annotated[Optional[List[str]], typer.Option("--mbox", metavar="FILE", help="mail: an mbox file; repeatable.")] = None,
    imap: Annotated[Optional[List[str]], typer.Option("--imap", metavar="URL", help="mail: imaps://USER@HOST[:PORT]/FOLDER; repeatable. Password: FUP_IMAP_PASSWORD, [mail] password_command, or ~/.netrc.")] = None,
    suggest: Annotated[int, typer.Option("--suggest", metavar="N", min=0, max=1000, help="mail: list the N addresses you wrote to most that are not contacts.")] = 0,
    ics: Annotated[Optional[List[str]], typer.Option("--ics", metavar="FILE|URL", help="calendar: an .ics file or https:// URL; repeatable.")] = None,
    caldav: Annotated[Optional[List[str]], typer.Option("--caldav", metavar="URL", help="calendar: a CalDAV calendar collection, https://USER@HOST/PATH/; repeatable. Password: FUP_CALDAV_PASSWORD, [calendar] password_command, or ~/.netrc.")] = None,
    days_back: Annotated[Optional[int], typer.Option("--days-back", metavar="N", min=0, max=3650, help="calendar: read events from N days ago (default 30).")] = None,
    days_ahead: Annotated[Optional[int], typer.Option("--days-ahead", metavar="N", min=0, max=3650, help="calendar: and up to N days ahead (default 60).")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", help="Allow imap:// and http:// (the password travels in clear text).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be logged; write nothing.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text (default) or json.")] = "text",
) -> None:
    """Log touches from mail headers (Maildir, mbox, IMAP) or meetings from calendars (.ics, CalDAV); once each, one undo step."""
    from ..capture import sync

    what = check_choice(what, ("mail", "calendar"), "sync")
    fmt = check_choice(fmt, ("text", "json"), "format")
    given = {"--maildir": maildir, "--mbox": mbox, "--imap": imap, "--suggest": suggest,
             "--ics": ics, "--caldav": caldav, "--days-back": days_back, "--days-ahead": days_ahead}
    wrong = CALENDAR_ONLY if what == "mail" else MAIL_ONLY
    for name in wrong:
        if given[name]:
            raise BadInput(f"{name} applies to `fup sync {'calendar' if what == 'mail' else 'mail'}` only")
    if what == "mail":
        report = sync.sync_mail(ctx.obj, maildir or [], mbox or [], imap or [], insecure, dry_run, suggest)
    else:
        report = sync.sync_calendar(ctx.obj, ics or [], caldav or [], insecure, days_back, days_ahead, dry_run)
    sys.stdout.write(json.dumps(as_json(report), indent=2) + "\n" if fmt == "json" else as_text(report))


def as_json(report: "object") -> dict:
    data = report._asdict()  # type: ignore[attr-defined]
    data["sources"] = list(data["sources"])
    data["logged"] = list(data["logged"])
    data["planned"] = list(data["planned"])
    data["suggestions"] = [{"address": a, "messages": n} for a, n in data["suggestions"]]
    return data


_SKIPPED = (
    ("already", "already logged"),
    ("automatic", "automatic (lists, newsletters, auto-replies)"),
    ("too-many", "to too many people"),
    ("not-to-me", "from a contact but not to you"),
    ("unknown", "with nobody who is a contact"),
    ("cancelled", "cancelled or declined"),
    ("unreadable", "unreadable (skipped)"),
)


def as_text(report: "object") -> str:
    r = report
    things = "message" if r.what == "mail" else "event"  # type: ignore[attr-defined]
    verb = "Would log" if r.dry_run else "Logged"  # type: ignore[attr-defined]
    count = len(r.logged)  # type: ignore[attr-defined]
    sources = len(r.sources)  # type: ignore[attr-defined]
    line = (f"Read {r.read} {things}{'' if r.read == 1 else 's'} from {sources} source{'' if sources == 1 else 's'}: "  # type: ignore[attr-defined]
            f"{verb.lower()} {count} touch{'' if count == 1 else 'es'}")
    skipped = [f"{r.counts[key]} {words}" for key, words in _SKIPPED if r.counts.get(key)]  # type: ignore[attr-defined]
    if skipped:
        line += "; " + ", ".join(skipped)
    lines = [line + "."]
    for touch in r.logged:  # type: ignore[attr-defined]
        arrow = "<-" if touch["direction"] == "in" else "->"
        what = "meeting" if touch["channel"] == "meeting" else "email"
        lines.append(f"  {touch['at'].replace('T', ' ')}  {arrow} {touch['name']} (#{touch['contact']})  {what}"
                     + (f": {touch['note']}" if touch["note"] else ""))
    for change in r.planned:  # type: ignore[attr-defined]
        moved = f" (was {change['from']})" if change.get("from") else ""
        lines.append(f"  {change['due']}  {change['change']}  {change['name']} (#{change['contact']})  "
                     f"{change['action']}{moved}")
    if r.suggestions:  # type: ignore[attr-defined]
        lines.append("You write to these people, who are not contacts (`fup add NAME --email ADDRESS`):")
        lines += [f"  {address}  {n} message{'' if n == 1 else 's'}" for address, n in r.suggestions]  # type: ignore[attr-defined]
    if r.dry_run:  # type: ignore[attr-defined]
        lines.append("Nothing was written.")
    return "\n".join(lines) + "\n"
