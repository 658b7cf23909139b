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
from .capture import sync_command
from .stats import stats_command
from ..context import AppContext
from ..dates import WHEN_HELP
from ..errors import PIPE_CLOSED, ExitCode, FupError, check_choice, describe_failure, flush_stdout, silence_stdout
from ..vocabulary import CHANNELS, OUTCOMES, OUTPUT_FORMATS

try:  # typer >= 0.22 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer on Python 3.10
    from click import exceptions as click_exceptions


def _say_error(prog: str, message: str) -> None:
    sys.stderr.write(f"{prog}: error: {message}\n")
    sys.stderr.flush()


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
        except BrokenPipeError:  # stdout's reader left (`fup list | head -1`): quietly, see errors.PIPE_CLOSED
            silence_stdout()
            raise typer.Exit(PIPE_CLOSED) from None
        except Exception as exc:  # noqa: BLE001 - the one place that stops tracebacks
            if os.environ.get("FUP_DEBUG"):
                raise
            message, code = describe_failure(exc)
            if code == PIPE_CLOSED or isinstance(exc, OSError):  # stdout's reader left, or its disk is full:
                silence_stdout()  # what is still buffered can only fail again at exit
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
Owner = Annotated[Optional[str], typer.Option("--owner", metavar="ROLE",
                                              help="Team mode (PostgreSQL): a teammate's contacts, by their database role.")]
AllOwners = Annotated[bool, typer.Option("--all", help="Team mode (PostgreSQL): everyone's contacts, not only yours.")]
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
    wide: Annotated[bool, typer.Option("--wide", help="Print every column in full, however wide.")] = False,
    owner: Owner = None,
    all_: AllOwners = False,
) -> None:
    """Who is due today, and why: ranked, one row per contact, with the channel to use."""
    commands.today(_ctx(ctx), on=on, limit=limit, fmt=fmt, wide=wide, owner=owner, all_=all_)


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
    wide: Annotated[bool, typer.Option("--wide", help="Print every column in full, however wide.")] = False,
    owner: Owner = None,
    all_: AllOwners = False,
) -> None:
    """List contacts, with filters."""
    commands.list_(_ctx(ctx), tag=tag, state=state, cadence=cadence, due_before=due_before, no_next_step=no_next_step,
                   fmt=fmt, wide=wide, owner=owner, all_=all_)


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
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="ROLE", help="Team mode (PostgreSQL): give the contact to this teammate's role (yours by default).")] = None,
    private: Annotated[bool, typer.Option("--private", help="Team mode (PostgreSQL): only you see the contact and its history.")] = False,
) -> None:
    """Add a contact right after meeting them; the meeting counts as the first touch."""
    commands.add(_ctx(ctx), name=name, company=company, title=title, email=email, phone=phone, url=url, tag=tag,
                 source=source, channel=channel, cadence=cadence, birthday=birthday, note=note, met=met, no_meeting=no_meeting,
                 next_=next_, due=due, soft=soft, theirs=theirs, next_channel=next_channel, owner=owner,
                 private=private)


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
    done: Annotated[bool, typer.Option("--done", help="This touch also delivers an open commitment: mark it done, in the same step (the only one open, or --id N).")] = False,
    commitment_id: Annotated[Optional[int], typer.Option("--id", max=2**63 - 1, help="With --done: the commitment (`fup show` lists them as commitment N); needed when several are open.")] = None,
) -> None:
    """Log a call, email or meeting in one line; prints the new next due date and why."""
    commands.log(_ctx(ctx), who=who, channel=channel, inbound=inbound, outcome=outcome, note=note, at=at, next_=next_,
                 due=due, soft=soft, theirs=theirs, next_channel=next_channel, ask_again=ask_again, greeting=greeting,
                 done=done, commitment_id=commitment_id)


@app.command()
def unlog(ctx: typer.Context, who: Who,
          touch_id: Annotated[Optional[int], typer.Option("--id", max=2**63 - 1, help="The touch to remove (`fup show` lists them as touch N); default: their newest.")] = None) -> None:
    """Remove a touch logged by mistake (their newest, or --id N); the contact is re-planned as if it had never been logged.

    The last touch, the unanswered count, what the cadence counts from and a date they asked for come from the touches that remain (none left: an opening touch is due).

    Only the touch goes: the state its outcome set stays (not-interested closed them, won made them a client and marked what they owed done), and so does a commitment added with --next; the reply says so.

    Right after a mistaken `fup log`, `fup undo` takes back all of it; unlog is for a touch logged days ago.
    """
    commands.unlog(_ctx(ctx), who=who, touch_id=touch_id)


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
def move(ctx: typer.Context, who: Who,
         when: Annotated[str, typer.Argument(metavar="WHEN", help="The new due date, as for --due: 'fri', '2w', 'dec 10', an ISO date... (a time is ignored; a day off is kept, and named).")],
         commitment_id: CommitmentId = None) -> None:
    """Move an open commitment to another day (the only one open, or --id N); the contact is re-planned."""
    commands.move(_ctx(ctx), who=who, when=when, commitment_id=commitment_id)


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
    private: Annotated[Optional[bool], typer.Option("--private/--shared", show_default=False, help="Team mode (PostgreSQL): only you see the contact (your own), or the team does.")] = None,
    email2: Annotated[Optional[List[str]], typer.Option("--email2", metavar="ADDRESS", help="Add another address of theirs (mail sync and duplicate checks match on it); repeat for more.")] = None,
    rm_email2: Annotated[Optional[List[str]], typer.Option("--rm-email2", metavar="ADDRESS", help="Remove one of their other addresses.")] = None,
    phone2: Annotated[Optional[List[str]], typer.Option("--phone2", metavar="NUMBER", help="Add another phone number of theirs; repeat for more.")] = None,
    rm_phone2: Annotated[Optional[List[str]], typer.Option("--rm-phone2", metavar="NUMBER", help="Remove one of their other phone numbers.")] = None,
) -> None:
    """Change a contact's fields; an empty value ("") clears an optional field."""
    commands.edit(_ctx(ctx), who=who, name=name, company=company, title=title, email=email, phone=phone, url=url,
                  source=source, channel=channel, cadence=cadence, birthday=birthday, note=note, tag=tag, untag=untag,
                  append_note=append_note, private=private, email2=email2, rm_email2=rm_email2, phone2=phone2,
                  rm_phone2=rm_phone2)


@app.command()
def snooze(
    ctx: typer.Context,
    who: Annotated[Optional[str], typer.Argument(metavar="WHO", show_default=False, autocompletion=complete_who,
                                                 help="Contact id, email, or name (a unique prefix will do); leave it out with --tag.")] = None,
    until: Annotated[Optional[str], typer.Argument(metavar="WHEN", show_default=False, help="Hide the cadence until this date (today clears; never pauses).")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", metavar="TAG", help="Snooze everyone with this tag instead of one contact (fup snooze --tag T WHEN), as one step.")] = None,
) -> None:
    """Hide a contact's cadence follow-ups until a date; promises, dates they asked for and birthdays still show.
    With --tag, every contact with the tag at once (one `fup undo` takes it back)."""
    commands.snooze(_ctx(ctx), who=who, until=until, tag=tag)


@app.command()
def state(ctx: typer.Context, who: Who, new_state: Annotated[str, typer.Argument(metavar="STATE", help="active, nurture, client, paused or closed.")]) -> None:
    """Move a contact between states (paused: no follow-ups, promises and birthdays still show;
    closed: never due again; active reopens, counted from today)."""
    commands.state(_ctx(ctx), who=who, new_state=new_state)


@app.command()
def assign(ctx: typer.Context, who: Who, role: Annotated[str, typer.Argument(metavar="ROLE", help="The teammate's database role.")]) -> None:
    """Team mode (PostgreSQL): give a contact to a teammate; their `fup today` lists it from now on."""
    commands.assign(_ctx(ctx), who=who, role=role)


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


@app.command()
def away(
    ctx: typer.Context,
    start: Annotated[Optional[str], typer.Argument(metavar="START", help="The first day off (a WHEN).")] = None,
    end: Annotated[Optional[str], typer.Argument(metavar="END", help="The last day off, included (default: START).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the days off.")] = False,
    clear: Annotated[Optional[str], typer.Option("--clear", metavar="START", help="Remove the days off that begin on START.")] = None,
) -> None:
    """Days off: nothing comes due from START to END; what would waits for the first workday after them.

    Promises and dates they asked for stay where they are (the reply names the promises that fall inside).
    `fup away` alone lists the days off."""
    commands.away(_ctx(ctx), start=start, end=end, list_=list_, clear=clear)


@app.command()
def review(
    ctx: typer.Context,
    on: Annotated[Optional[str], typer.Option(metavar="WHEN", help="The day to review, as `fup today --on`. " + WHEN_HELP)] = None,
    limit: Annotated[Optional[int], typer.Option(min=0, help="Rows to go through (0 = all); default daily_limit, as `fup today`.")] = None,
) -> None:
    """Go through today's list one row at a time, one key per row (s sent, n no answer, t talked,
    d done, z snooze, ...; ? lists them): each key is the matching command, one undo step each."""
    commands.review(_ctx(ctx), on=on, limit=limit)


app.command("export")(export_command)
app.command("import")(import_command)
app.command("undo")(undo_command)
app.command("backup")(backup_command)
app.command("doctor")(doctor_command)
app.command("forget")(forget_command)
app.command("sync")(sync_command)
app.command("stats")(stats_command)


def _stdout_file() -> tuple[int, int] | None:
    """Which file standard output's descriptor is (device, inode), if it has one."""
    try:
        found = os.fstat(1)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _library_met_a_closed_pipe(before: tuple[int, int] | None) -> bool:
    """Whether an exit 1 is click's or Rich's answer to stdout's reader leaving (help, completion
    scripts and Rich tables print through them): click wraps sys.stdout in its PacifyFlushWrapper,
    Rich points descriptor 1 at the null device (`Console.on_broken_pipe`)."""
    if type(sys.stdout).__name__ == "PacifyFlushWrapper":
        return True
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    now = _stdout_file()
    return now is not None and now != before and now == (null.st_dev, null.st_ino)


def main(argv: Optional[List[str]] = None) -> None:
    """Console-script entry point (argv: the arguments, default sys.argv[1:]).

    Whoever meets a closed stdout (fup's own boundary, click, Rich, the final flush), the exit
    status is errors.PIPE_CLOSED and stderr stays empty, as on the fast door."""
    before = _stdout_file()
    code: Any = 0
    try:
        try:
            app(args=argv, prog_name="fup")
        except SystemExit as done:
            code = done.code
            if code == 1 and _library_met_a_closed_pipe(before):
                silence_stdout()
                code = PIPE_CLOSED
        except BrokenPipeError:  # written outside the app's boundary (a shell asking for completions)
            silence_stdout()
            code = PIPE_CLOSED
    finally:
        failed = flush_stdout()
    if failed is not None and code in (0, None):
        code = failed
    raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
