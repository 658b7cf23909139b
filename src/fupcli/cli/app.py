"""The `fup` command line: parse, make one call into the core, render.

The root callback builds the `AppContext`; each command is a few lines. The
`FupGroup` boundary turns every `FupError` (and usage error) into one line on
stderr and its exit code, so no traceback reaches a user (set FUP_DEBUG=1 to
see one). Commands that only read (today, show, list, completion) go through
`queries` on the stdlib sqlite3 connection and never import SQLModel.

This app is the whole interface (every command, --help, completion), and its
declarations below are the only ones: the daily commands (`commands.RUN`)
delegate in one line to their bodies in `commands`, which the console
script's fast door (`fast`) also calls, parsing argv by `spec.py`, a table
`specgen` generates from these declarations (a test fails when it is stale).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, List, Optional

import typer
from typer.core import TyperGroup

from . import commands
from .. import __version__
from .data import backup_command, confirm_or_abort, doctor_command, forget_command, undo_command
from .transfer import export_command, import_command
from ..context import AppContext
from ..dates import WHEN_HELP
from ..errors import ExitCode, FupError, check_choice, describe_failure, flush_stdout
from ..vocabulary import CHANNELS, OUTCOMES, OUTPUT_FORMATS

try:  # typer >= 0.22 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer on Python 3.10
    from click import exceptions as click_exceptions


def _say_error(prog: str, message: str) -> None:
    sys.stderr.write(f"{prog}: error: {message}\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class FupGroup(TyperGroup):
    """The error boundary: domain and usage errors become one line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FupError as exc:
            _say_error("fup", exc.message)
            raise typer.Exit(int(exc.exit_code)) from None
        except click_exceptions.UsageError as exc:
            sub = f"fup {ctx.invoked_subcommand}" if getattr(ctx, "invoked_subcommand", None) else "fup"
            where = exc.ctx.command_path if exc.ctx is not None else sub
            _say_error(where, f"{exc.format_message()} (see `{where} --help`)")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place that stops tracebacks
            if os.environ.get("FUP_DEBUG"):
                raise
            message, code = describe_failure(exc)
            if code == 141 or isinstance(exc, OSError):  # stdout's reader left, or its disk is full:
                _silence_stdout()  # what is still buffered can only fail again at exit
            if message:
                _say_error("fup", message)
            raise typer.Exit(code) from None


app = typer.Typer(
    cls=FupGroup,
    name="fup",
    help="fup: who do I owe a follow-up today, and why.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
When = Annotated[Optional[str], typer.Option(metavar="WHEN", help=WHEN_HELP)]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"fup {__version__}\n")
        raise typer.Exit()


def complete_who(incomplete: str) -> List[str]:
    """Shell completion of contact names (the fast path answers the common case itself)."""
    from .names import complete_names

    return complete_names(incomplete)


Who = Annotated[str, typer.Argument(metavar="WHO", help="Contact id, email, or name (a unique prefix will do).",
                                    autocompletion=complete_who)]


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", metavar="PATH_OR_URL", help="Database file or SQLAlchemy URL (default: $FUP_DB, else $FUP_HOME/fup.db, else the user data dir).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """fup: who do I owe a follow-up today, and why.

    Add people right after you meet them, log each touch in one line, and run
    `fup today` (or just `fup`) every morning. FUP_HOME moves every file;
    FUP_NOW fixes "now".
    """
    app_ctx = AppContext.from_environment(db=db)
    ctx.obj = app_ctx
    ctx.call_on_close(app_ctx.close)
    if ctx.invoked_subcommand is None:  # `fup` alone is `fup today` (`fup --help` for help)
        commands.today(app_ctx)


def _fmt(value: str) -> str:
    return check_choice(value, OUTPUT_FORMATS, "format")


def _ctx(ctx: typer.Context) -> AppContext:
    return ctx.obj


# --- reading ------------------------------------------------------------------


@app.command()
def today(
    ctx: typer.Context,
    on: When = None,
    limit: Annotated[Optional[int], typer.Option(min=0, help="Rows to show (0 = all); the table defaults to daily_limit, json/csv to all.")] = None,
    fmt: Format = "table",
) -> None:
    """Who is due today, and why: ranked, one row per contact, with the channel to use."""
    commands.today(_ctx(ctx), on=on, limit=limit, fmt=fmt)


@app.command()
def show(ctx: typer.Context, who: Who, fmt: Format = "table") -> None:
    """A contact's card: details, open commitments, timeline, and what is next and why."""
    commands.show(_ctx(ctx), who=who, fmt=fmt)


@app.command("list")
def list_(
    ctx: typer.Context,
    tag: Annotated[Optional[str], typer.Option(help="Only contacts with this tag.")] = None,
    state: Annotated[Optional[str], typer.Option(help="active, nurture, client, paused or closed.")] = None,
    cadence: Annotated[Optional[str], typer.Option(help="Only contacts on this cadence profile.")] = None,
    due_before: Annotated[Optional[str], typer.Option(metavar="WHEN", help="Only contacts due before this date.")] = None,
    no_next_step: Annotated[bool, typer.Option("--no-next-step", help="Only active contacts on a cadence with no agreed next step (no open hard commitment, no date they asked for).")] = False,
    fmt: Format = "table",
) -> None:
    """List contacts, with filters."""
    commands.list_(_ctx(ctx), tag=tag, state=state, cadence=cadence, due_before=due_before, no_next_step=no_next_step,
                   fmt=fmt)


@app.command()
def cadence(
    ctx: typer.Context,
    profile: Annotated[Optional[str], typer.Argument(help="One profile; all when omitted.")] = None,
    fmt: Format = "table",
) -> None:
    """The cadence profiles, as days after the meeting, so you can see their shape."""
    from .. import render

    profiles = _ctx(ctx).settings.rules.profiles
    names = [check_choice(profile, sorted(profiles), "cadence profile")] if profile else list(profiles)
    render.cadence_profiles([profiles[name] for name in names], _fmt(fmt))


@app.command("config")
def config_(docs: Annotated[bool, typer.Option("--docs", help="Print the settings reference (docs/configuration.md).")] = False) -> None:
    """Where config.toml is read from (or, with --docs, every setting it may hold)."""
    from ..config import settings_markdown
    from ..paths import config_path

    sys.stdout.write(settings_markdown() + "\n" if docs else f"{config_path()}\n")


# --- writing --------------------------------------------------------------------

Next = Annotated[Optional[str], typer.Option("--next", metavar="ACTION", help="The next step agreed, e.g. 'send the deck'.")]
Due = Annotated[Optional[str], typer.Option("--due", metavar="WHEN", help="When the next step is due.")]
Soft = Annotated[bool, typer.Option("--soft", help="A soft next step (does not pause the cadence).")]
Theirs = Annotated[bool, typer.Option("--theirs", help="They promised it, not you.")]
NextChannel = Annotated[Optional[str], typer.Option("--next-channel", metavar="CHANNEL",
                                                    help="How the next step is done, if not their usual channel: " + ", ".join(CHANNELS) + " (phone: call).")]


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    company: Annotated[Optional[str], typer.Option()] = None,
    title: Annotated[Optional[str], typer.Option()] = None,
    email: Annotated[Optional[str], typer.Option()] = None,
    phone: Annotated[Optional[str], typer.Option()] = None,
    url: Annotated[Optional[str], typer.Option(help="Profile or web page.")] = None,
    tag: Annotated[Optional[List[str]], typer.Option("--tag", help="A tag; repeat for more.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Where or how you met.")] = None,
    channel: Annotated[Optional[str], typer.Option(help="Preferred channel: " + ", ".join(CHANNELS) + " (phone: call).")] = None,
    cadence: Annotated[Optional[str], typer.Option(help="Cadence profile (see `fup cadence`).")] = None,
    birthday: Annotated[Optional[str], typer.Option(help="MM-DD or YYYY-MM-DD.")] = None,
    note: Annotated[Optional[str], typer.Option(help="Notes about the person.")] = None,
    met: When = None,
    no_meeting: Annotated[bool, typer.Option("--no-meeting", help="You have not met yet: an opening touch is due, today or on the next day with room.")] = False,
    next_: Next = None,
    due: Due = None,
    soft: Soft = False,
    theirs: Theirs = False,
    next_channel: NextChannel = None,
) -> None:
    """Add a contact right after meeting them; the meeting counts as the first touch."""
    commands.add(_ctx(ctx), name=name, company=company, title=title, email=email, phone=phone, url=url, tag=tag,
                 source=source, channel=channel, cadence=cadence, birthday=birthday, note=note, met=met, no_meeting=no_meeting,
                 next_=next_, due=due, soft=soft, theirs=theirs, next_channel=next_channel)


@app.command()
def log(
    ctx: typer.Context,
    who: Who,
    channel: Annotated[Optional[str], typer.Argument(help="email, call (or phone), text, linkedin, meeting or other (default: their preferred one).")] = None,
    inbound: Annotated[bool, typer.Option("--in", help="They reached out to you.")] = False,
    outcome: Annotated[Optional[str], typer.Option("--outcome", "-o", help=", ".join(OUTCOMES) + " (default: sent; replied with --in).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", "-n")] = None,
    at: Annotated[Optional[str], typer.Option(metavar="WHEN", help="When it happened (default: now).")] = None,
    next_: Next = None,
    due: Due = None,
    soft: Soft = False,
    theirs: Theirs = False,
    next_channel: NextChannel = None,
    ask_again: Annotated[Optional[str], typer.Option("--ask-again", metavar="WHEN", help="They asked to be contacted then: that exact date replaces the cadence until it passes (none clears it).")] = None,
    greeting: Annotated[bool, typer.Option("--greeting", help="A birthday or holiday greeting: not a follow-up (automatic on their birthday).")] = False,
) -> None:
    """Log a call, email or meeting in one line; prints the new next due date and why."""
    commands.log(_ctx(ctx), who=who, channel=channel, inbound=inbound, outcome=outcome, note=note, at=at, next_=next_,
                 due=due, soft=soft, theirs=theirs, next_channel=next_channel, ask_again=ask_again, greeting=greeting)


@app.command("next")
def next_cmd(ctx: typer.Context, who: Who, action: Annotated[str, typer.Argument(help="What will happen, e.g. 'send the proposal'.")],
             due: Annotated[str, typer.Option("--due", metavar="WHEN", help="When it is due.")], soft: Soft = False, theirs: Theirs = False,
             channel: Annotated[Optional[str], typer.Option("--channel", help="How it is done, if not their usual channel: " + ", ".join(CHANNELS) + " (phone: call).")] = None) -> None:
    """Record a commitment: a next step of yours, or of theirs with --theirs."""
    commands.next_(_ctx(ctx), who=who, action=action, due=due, soft=soft, theirs=theirs, channel=channel)


CommitmentId = Annotated[Optional[int], typer.Option("--id", max=2**63 - 1,  # SQLite's largest integer
                                                     help="The commitment (`fup show` lists them as commitment N); needed when several are open.")]


@app.command()
def done(ctx: typer.Context, who: Who, commitment_id: CommitmentId = None) -> None:
    """Mark an open commitment done (the only one open, or --id N)."""
    commands.done(_ctx(ctx), who=who, commitment_id=commitment_id)


@app.command()
def drop(ctx: typer.Context, who: Who, commitment_id: CommitmentId = None) -> None:
    """Drop an open commitment that will not happen (the only one open, or --id N)."""
    commands.drop(_ctx(ctx), who=who, commitment_id=commitment_id)


@app.command()
def edit(
    ctx: typer.Context,
    who: Who,
    name: Annotated[Optional[str], typer.Option()] = None,
    company: Annotated[Optional[str], typer.Option()] = None,
    title: Annotated[Optional[str], typer.Option()] = None,
    email: Annotated[Optional[str], typer.Option()] = None,
    phone: Annotated[Optional[str], typer.Option()] = None,
    url: Annotated[Optional[str], typer.Option()] = None,
    source: Annotated[Optional[str], typer.Option()] = None,
    channel: Annotated[Optional[str], typer.Option()] = None,
    cadence: Annotated[Optional[str], typer.Option()] = None,
    birthday: Annotated[Optional[str], typer.Option()] = None,
    note: Annotated[Optional[str], typer.Option(help="Replace the notes.")] = None,
    tag: Annotated[Optional[List[str]], typer.Option("--tag", help="Add a tag; repeat for more.")] = None,
    untag: Annotated[Optional[List[str]], typer.Option("--untag", help="Remove a tag.")] = None,
    append_note: Annotated[Optional[str], typer.Option("--append-note", metavar="TEXT", help="Add a line dated today to the notes, keeping them.")] = None,
) -> None:
    """Change a contact's fields; an empty value ("") clears an optional field."""
    commands.edit(_ctx(ctx), who=who, name=name, company=company, title=title, email=email, phone=phone, url=url,
                  source=source, channel=channel, cadence=cadence, birthday=birthday, note=note, tag=tag, untag=untag,
                  append_note=append_note)


@app.command()
def snooze(ctx: typer.Context, who: Who, until: Annotated[str, typer.Argument(metavar="WHEN", help="Hide the cadence until this date (today clears; never pauses).")]) -> None:
    """Hide a contact's cadence follow-ups until a date; promises, dates they asked for and birthdays still show."""
    commands.snooze(_ctx(ctx), who=who, until=until)


@app.command()
def state(ctx: typer.Context, who: Who, new_state: Annotated[str, typer.Argument(metavar="STATE", help="active, nurture, client, paused or closed.")]) -> None:
    """Move a contact between states (paused: no follow-ups, promises and birthdays still show;
    closed: never due again; active reopens, counted from today)."""
    commands.state(_ctx(ctx), who=who, new_state=new_state)


@app.command()
def rm(ctx: typer.Context, who: Who, yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False) -> None:
    """Delete a contact with its touches and commitments (asks first)."""
    from .. import core

    app_ctx = _ctx(ctx)
    contact = core.find(app_ctx, who)
    confirm_or_abort(yes, f"Delete {contact['name']} (#{contact['id']}) and all their history?", "nothing deleted")
    summary = core.remove_contact(app_ctx, contact["id"])
    sys.stdout.write(f"Deleted {summary['name']} (#{summary['id']}) and {summary['touches']} touches.\n")


@app.command()
def reschedule(ctx: typer.Context) -> None:
    """Recompute every contact's next due date (after editing config.toml)."""
    from .. import core

    count = core.reschedule(_ctx(ctx))
    sys.stdout.write(f"Rescheduled {count} contact{'s' if count != 1 else ''}.\n")


app.command("export")(export_command)
app.command("import")(import_command)
app.command("undo")(undo_command)
app.command("backup")(backup_command)
app.command("doctor")(doctor_command)
app.command("forget")(forget_command)


def main(argv: Optional[List[str]] = None) -> None:
    """Console-script entry point (argv: the arguments, default sys.argv[1:])."""
    try:
        app(args=argv, prog_name="fup")
    finally:
        failed = flush_stdout()
        if failed is not None:
            raise SystemExit(failed)


if __name__ == "__main__":  # pragma: no cover
    main()
