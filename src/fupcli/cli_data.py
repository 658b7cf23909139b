"""`fup undo`, `fup backup`, `fup doctor` and `fup forget`: the commands that look after the data.

Thin, like the rest of the CLI: one call into `core`, `backup` or `doctor`,
then a line or two of output. Registered on the app by `fupcli.cli`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer

from .errors import Aborted, DatabaseError, ExitCode, check_choice


def undo_command(ctx: typer.Context) -> None:
    """Take back the last command that changed your data (add, log, next, done, drop, edit, state, snooze, rm, import, reschedule); repeat to walk further back."""
    from . import core

    undone = core.undo(ctx.obj)
    sys.stdout.write(f"Undid {undone.summary} (from {undone.at}).\n")


def backup_command(
    ctx: typer.Context,
    path: Annotated[Optional[str], typer.Argument(metavar="PATH", help="File or folder to write (default: backups/ beside the database).")] = None,
) -> None:
    """Copy the database safely, even while fup is writing (SQLite's online backup; mode 0600, checked)."""
    from .backup import copy_database, target_path

    store = ctx.obj.store
    if store.path is None:
        raise DatabaseError("fup backup copies SQLite files; back up a server database with its own tools")
    report = copy_database(store, target_path(store, path))
    plural = "" if report.contacts == 1 else "s"
    sys.stdout.write(f"Backed up {report.contacts} contact{plural} to {report.path} ({report.size // 1024} KiB, integrity ok).\n")


def doctor_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Check the database: integrity, foreign keys, schema version, journal mode, file permissions. Writes nothing."""
    from .doctor import examine

    fmt = check_choice(fmt, ("table", "json"), "format")
    findings = examine(ctx.obj.store)
    if fmt == "json":
        sys.stdout.write(json.dumps([f.as_dict() for f in findings], indent=2) + "\n")
    else:
        for finding in findings:
            sys.stdout.write(f"{'ok' if finding.ok else 'PROBLEM':8} {finding.check}: {finding.detail}\n")
    if not all(f.ok for f in findings):
        raise typer.Exit(int(ExitCode.DATABASE))


def forget_command(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(metavar="WHO", help="Contact id, email, or name (a unique prefix will do); also one removed with `fup rm`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Erase a contact for good, with their touches, commitments and undo history (cannot be undone; `rm` can). Backups made earlier still hold them."""
    from . import core

    app_ctx = ctx.obj
    contact = core.find_to_forget(app_ctx, who)
    what = f"{contact['name']} (#{contact['id']}){', removed earlier,' if contact.get('removed') else ''}"
    if not yes:
        try:
            confirmed = typer.confirm(f"Erase {what} for good? This cannot be undone", default=False)
        except typer.Abort:
            confirmed = False
        if not confirmed:
            raise Aborted("nothing erased (add --yes to skip the question)")
    summary = core.forget_contact(app_ctx, contact["id"], contact.get("step"))
    erased = "from the undo history" if contact.get("removed") else f"and {summary['touches']} touches"
    sys.stdout.write(f"Erased {what} {erased} for good. Backups made before still hold them.\n")
    if not summary["erased"]:
        sys.stderr.write("fup: warning: another fup is reading the database; old copies of the erased text stay in "
                         "its files until that ends and a later command writes (e.g. `fup reschedule`)\n")
