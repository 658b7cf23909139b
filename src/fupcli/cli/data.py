"""`fup undo`, `fup backup`, `fup doctor` and `fup forget`: the commands that look after the data.

Thin, like the rest of the CLI: one call into `core`, `backup` or `doctor`,
then a line or two of output. Registered on the app by `fupcli.cli`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer

from . import commands
from ..errors import Aborted, BadInput, DatabaseError, ExitCode, NotFound, check_choice


def undo_command(
    ctx: typer.Context,
    list_: Annotated[bool, typer.Option("--list", help="Show what undo would take back, newest first, instead of undoing.")] = False,
    count: Annotated[Optional[int], typer.Argument(metavar="[N]", min=1, help="With --list: how many steps to show (default 10).")] = None,
) -> None:
    """Take back the last command that changed your data (add, log, next, done, drop, edit, state, snooze, rm, import, reschedule); repeat to walk further back."""
    commands.undo(ctx.obj, list_=list_, count=count)


def backup_command(
    ctx: typer.Context,
    path: Annotated[Optional[str], typer.Argument(metavar="PATH", help="File or folder to write (default: backups/ beside the database).")] = None,
) -> None:
    """Copy the database safely, even while fup is writing (SQLite's online backup; mode 0600, checked)."""
    from ..storage.backup import copy_database, target_path

    store = ctx.obj.store
    if store.path is None:
        raise DatabaseError("fup backup copies SQLite files; back up a server database with the server's own "
                            "tools, e.g. `pg_dump DBNAME > fup.sql` for PostgreSQL")
    target, named = target_path(store, path)
    report = copy_database(store, target, replace=named)
    plural = "" if report.contacts == 1 else "s"
    sys.stdout.write(f"Backed up {report.contacts} contact{plural} to {report.path} ({report.size // 1024} KiB, integrity ok).\n")


def doctor_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Check the database: integrity, foreign keys, schema version, journal mode, file permissions (on a team
    database: row-level security, who owns the tables). Never changes it."""
    fmt = check_choice(fmt, ("table", "json"), "format")
    store = ctx.obj.store
    if store.postgres:
        from ..storage.doctor_server import examine
    else:
        from ..storage.doctor import examine
    findings = examine(store)
    if fmt == "json":
        sys.stdout.write(json.dumps([f.as_dict() for f in findings], indent=2) + "\n")
    else:
        for finding in findings:
            sys.stdout.write(f"{'ok' if finding.ok else 'PROBLEM':8} {finding.check}: {finding.detail}\n")
    if not all(f.ok for f in findings):
        raise typer.Exit(int(ExitCode.DATABASE))


def forget_command(
    ctx: typer.Context,
    who: Annotated[Optional[str], typer.Argument(metavar="WHO", help="Contact id, email, or name (a unique prefix will do); also one removed with `fup rm` (by id or name).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    wipe: Annotated[bool, typer.Option("--wipe", help="Only rewrite the file to wipe old copies of erased text (after a forget that could not).")] = False,
) -> None:
    """Erase a contact for good, with their touches, commitments and undo history (cannot be undone; `rm` can). Backups made earlier still hold them."""
    from .. import core

    app_ctx = ctx.obj
    if wipe or who is None:
        if who is not None or not wipe:
            raise BadInput("give WHO to erase, or --wipe alone to finish an earlier erasure")
        app_ctx.store.need_file("fup forget --wipe")
        if not app_ctx.store.exists():
            raise NotFound("no database yet: nothing to wipe")
        _report_wipe(*core.wipe_freed_space(app_ctx), erased="")
        sys.stdout.write("Wiped the free space of the database file.\n")
        return
    contact = core.find_to_forget(app_ctx, who)
    what = f"{contact['name']} (#{contact['id']}){', removed earlier,' if contact.get('removed') else ''}"
    confirm_or_abort(yes, f"Erase {what} for good? This cannot be undone", "nothing erased")
    summary = core.forget_contact(app_ctx, contact["id"], contact.get("step"))
    erased = "from the undo history" if contact.get("removed") else f"and {summary['touches']} touches"
    sys.stdout.write(f"Erased {what} {erased} for good. Backups made before still hold them.\n")
    for namesake in summary.get("removed_namesakes", []):
        sys.stderr.write(f"fup: warning: {namesake['name']} (#{namesake['id']}), removed earlier, is another record "
                         f"still in the undo history; `fup forget {namesake['id']}` erases it too\n")
    _report_wipe(summary["erased"], summary["wipe_problem"], erased=f"{contact['name']} is erased, but ")


def _report_wipe(done: bool, problem: str | None, erased: str) -> None:
    if problem is not None:
        raise DatabaseError(f"{erased}old copies of erased text could not be wiped from the file ({problem}); "
                            "make room, then run `fup forget --wipe`")
    if not done:
        sys.stderr.write("fup: warning: another fup is reading the database; old copies of the erased text stay in "
                         "its files until that ends and a later command writes (e.g. `fup reschedule`)\n")


def confirm_or_abort(yes: bool, question: str, refusal: str) -> None:
    """Ask before something that cannot be taken back; --yes skips the question."""
    if yes:
        return
    try:
        confirmed = typer.confirm(question, default=False)
    except typer.Abort:
        confirmed = False
    if not confirmed:
        raise Aborted(f"{refusal} (add --yes to skip the question)")
