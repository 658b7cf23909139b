"""Bad input never crashes fup, always says what was wrong in one line, and never writes.

What it proves, for every command, fed random arguments:

- no exception escapes: commands run in process through Typer's `CliRunner`
  with `catch_exceptions=False` (as the `fup` fixture runs them), and `today`
  and `export` also through the console script's own door,
  `fupcli.cli.fast.main`, with `sys.argv` set as the shell would set it;
- a command that succeeds exits 0 (a random name is a fine name), and when
  it wrote, what it stored does not break `fup reschedule` (every contact
  re-planned) or the calendar feed (every contact read);
- a command that refuses exits with a documented non-zero code, not 1
  ("unexpected"), and prints exactly one line on stderr that starts with
  `fup`, says `error:` and names the problem, never a bare exception name;
  `fup import` may list its `FILE:LINE: message` problems before that line;
- a refused command leaves the database's SQL dump exactly as it was and no
  file behind (no half-written export); commands that only read leave the
  dump unchanged even when they succeed.

How: a template database with a few contacts (touches, commitments, a
snooze, a closed contact, a birthday) is built once per module; each example
copies it into a fresh FUP_HOME with FUP_NOW fixed, runs one command, and
compares. Every argument is drawn from a mix of values the command accepts
(so it reaches the database), known troublemakers (empty, NUL and other
control characters, lone surrogates as a shell passes undecodable bytes,
numbers too big for SQLite, text past every length limit, spreadsheet
formulas, impossible and far-off dates) and arbitrary Unicode text. `fup
import` gets a file written per example: one of fup's, LinkedIn's or
Google's layouts (or a random header), its cells the same mix (and cells
past the csv module's size limit), sometimes with a BOM, a preamble, broken
quoting, bytes that are not UTF-8 or an end cut short; or the same file on
standard input.

Each command is one entry of `COMMANDS`: its name, its positional
arguments, options and flags, each with what a person would typically type
and what is hostile; an example makes at most two of its arguments hostile,
so the others get it past the first check. Generation is derandomized, so CI
runs the same examples every time.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Optional, Sequence, Union
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fupcli.cli.app import app
from fupcli.errors import ExitCode
from fupcli.cli.fast import main as console_script
from fupcli.transfer.formats import COMMITMENT_COLUMNS, CONTACT_COLUMNS, LINKEDIN_HEADER, TOUCH_COLUMNS
from fupcli.vocabulary import CHANNELS, OUTCOMES, STATES
from workers import shared_test_helpers

_helpers = shared_test_helpers()
sqlite_dump = _helpers.sqlite_dump
FIXED_NOW = _helpers.FIXED_NOW


# --- values ---------------------------------------------------------------------------

# Values that broke, or could break, a parser, a database binding, a terminal or a spreadsheet.
TROUBLEMAKERS = (
    "", " ", "\t", "\x00", "a\x00b", "\n", "a\nb", "\r", "a\r\nb", "\x1b[31mred", "\x7f", "\x85", "\u2028",
    "\u200b", "\ufeff", "\udc80", "\udcff", "caf\udce9", "\ud800", "é", "İ", "ß", "ﬃ", "🙂", "\u0663", "²", "١٢",
    "0", "00", "-1", "+1", "1.5", "1e3", "0x10", " 7 ", "9" * 19, "9" * 25, "9" * 400, "9" * 5000, "-" + "9" * 25,
    "x" * 10_001, "=cmd|' /C calc'!A0", "+49 30 123", "@SUM(A1)", "-2+3", "'quoted", "''", '"', '""',
    '"a,b"', ",", "a,b", ";", "a;b", "%", "_", "\\", "' OR 1=1 --", "Robert'); DROP TABLE contact;--",
    "-", "--", "-x", "--yes", "nan", "inf", "None", "null", "true",
    "today", "9999-12-31", "0001-01-01", "0000-00-00", "2027-02-30", "2026-13-01", "2026-11-23T25:00",
    "2026-11-23T09:00:60", "2026-11-23 09:00:00.1234567", "99999d", "99999y", "in 99999 years", "99999 years ago",
    "10000-01-01", "1d ago", "eom", "fri", "next week",
)
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)  # every code point, lone surrogates too


@dataclass(frozen=True)
class Values:
    """What one argument may be: what a person would type (mostly accepted), and hostile input."""

    typical: st.SearchStrategy
    hostile: st.SearchStrategy


def words(*typical: str) -> Values:
    """A text argument: typically one of `typical`; when hostile, also a troublemaker or arbitrary text."""
    usual = st.sampled_from(typical) if typical else st.nothing()
    return Values(usual, st.one_of(usual, st.sampled_from(TROUBLEMAKERS), ANY_TEXT))


def optional(values: Values) -> Values:
    """A trailing positional argument that may be left out (drawn as None)."""
    return Values(st.one_of(st.none(), values.typical), st.one_of(st.none(), values.hostile))


NAMES = ("Ana Ruiz", "Zoë O'Brien", "李雷", "Ana Ruiz ", "ana ruiz", "Dr. Who, Jr.", "x")
WHO = words("ana", "Ana Ruiz", "ANA RUIZ", "1", "2", "3", "4", "5", " 1 ", "an", "a", "ana@acme.example",
            "ANA@ACME.EXAMPLE", "bo", "cy", "di", "nobody", "999", "0", "@")
WHEN = words("today", "tomorrow", "yesterday", "3d", "2w", "1m", "1y", "fri", "in 3 weeks", "2 days ago", "eom",
             "next week", "2026-11-01", "2026-12-24", "2026-11-23T08:00", "2026-11-20 17:30:15")
FREE = words("Acme", "a note", "line one\nline two", "  padded  ", "https://example.com/ana", "")
EMAIL = words("new@example.com", "ana@acme.example", "BO@EXAMPLE.COM", "a@b", "no-at-sign", "")
TAG = words("lead", "vip,warm", "LEAD", "a;b")
CHANNEL = words(*CHANNELS, "EMAIL", " call ")
OUTCOME = words(*OUTCOMES, "Replied")
STATE = words(*STATES, "Closed")
CADENCE = words("hot", "warm", "vip", "nurture", "none", "HOT")
BIRTHDAY = words("11-25", "02-29", "1990-02-28", "1990-02-29", "13-01", "")
FORMAT = words("table", "json", "csv", "JSON")
DOCTOR_FORMAT = words("table", "json")
EXPORT_FORMAT = words("csv", "json")
DUE_FORMAT = words("csv", "json", "ics")
NUMERIC_TROUBLE = ("-1", "9" * 19, "9" * 20, "9" * 400, "9" * 5000, "\u0663", "²", "1_000", "+1", "0x1f", "3661")


def numbers(*typical: str) -> Values:
    """A number argument: hostile ones are mostly numbers that are too big, negative or not ASCII."""
    values = words(*typical)
    return Values(values.typical, st.one_of(st.sampled_from(NUMERIC_TROUBLE), values.hostile))


NUMBER = numbers("0", "1", "2", "3", "30", "20")
DAYS = numbers("1", "7", "30", "3660")
EXPORT_WHAT = words("contacts", "touches", "commitments", "Contacts")
EXPORT_DUE = words("due")
SOURCE = words("auto", "auto", "auto", "fup", "linkedin", "google")  # mostly auto, so typical files go in
TRAILING_JUNK = optional(Values(st.nothing(), words().hostile))  # nothing, typically


@dataclass(frozen=True)
class InHome:
    """A file name inside the example's FUP_HOME (so random names never write outside it)."""

    name: str


OUTPUT = Values(
    st.sampled_from(["out.csv", "out.json", "out.ics"]).map(InHome),
    st.one_of(
        st.sampled_from(["fup.db", "fup.db-wal"]),  # the database itself: refused, never overwritten
        st.sampled_from(["out.csv", "no-such-dir/out.csv", ".", "..", "x" * 250]),
        st.text(st.characters(exclude_categories=(), exclude_characters="/"), min_size=1, max_size=20),
        st.just("é" * 300),  # longer than a file name may be
    ).map(InHome),
)
BACKUP_PATH = optional(Values(st.sampled_from(["copy.db", "."]).map(InHome), OUTPUT.hostile))


# --- import files ------------------------------------------------------------------------

GOOGLE_HEADER = ("First Name", "Middle Name", "Last Name", "Organization Name", "Organization Title", "Birthday",
                 "Notes", "Labels", "E-mail 1 - Value", "Phone 1 - Value", "Website 1 - Value")
GOOGLE_LEGACY_HEADER = ("Name", "Given Name", "Family Name", "Birthday", "Notes", "Group Membership",
                        "E-mail 1 - Value", "Organization 1 - Name", "Organization 1 - Title")
LAYOUTS: Mapping[str, Sequence[str]] = {
    "fup contacts": CONTACT_COLUMNS,
    "fup touches": TOUCH_COLUMNS,
    "fup commitments": COMMITMENT_COLUMNS,
    "linkedin": LINKEDIN_HEADER,
    "google": GOOGLE_HEADER,
    "google legacy": GOOGLE_LEGACY_HEADER,
}
IMPORTS = {  # what `fup import WHAT` reads, by layout
    "contacts": ("fup contacts", "linkedin", "google", "google legacy"),
    "touches": ("fup touches",),
    "commitments": ("fup commitments",),
}
# Cells a person or another program (with its time zones) would typically write in each column.
TYPICAL_CELLS: Mapping[str, Sequence[str]] = {
    "id": ("", "1", "6", "42", "7"),
    "contact_id": ("1", "2", "3", "", "999"),
    "contact_name": ("Ana Ruiz", "Bo Lind", "", "Nobody"),
    "name": NAMES,
    "email": ("", "new@example.com", "ana@acme.example", "Second@Example.com"),
    "tags": ("", "lead", "a;b", "imported"),
    "channel": CHANNELS,
    "cadence": ("hot", "warm", "none", "nurture"),
    "state": STATES,
    "birthday": ("", "11-25", "02-29", "1990-06-30"),
    "created_at": ("", "2026-11-01T09:00:00", "2026-11-01", "2026-11-01 09:00:00.5", "2026-11-01T09:00:00Z"),
    "next_due": ("", "2026-11-24", "junk"),
    "snoozed_until": ("", "2026-12-01"),
    "at": ("2026-11-20T10:00:00", "2026-11-20", "2026-11-23T09:00:00", "2026-11-20T10:00:00+05:00"),
    "direction": ("out", "in"),
    "outcome": OUTCOMES,
    "ask_again": ("", "2027-01-05"),
    "whose": ("mine", "theirs"),
    "action": ("send the deck", "call back"),
    "due": ("2026-11-30", "2026-11-20"),
    "firmness": ("hard", "soft", ""),
    "status": ("open", "done", "dropped", ""),
    "closed_at": ("", "2026-11-22T10:00:00"),
    "First Name": ("Ana", "Bo", ""),
    "Last Name": ("Ruiz", "Lind", ""),
    "URL": ("https://www.linkedin.com/in/ana", ""),
    "Email Address": ("ana@acme.example", "", "new@example.com"),
    "Connected On": ("12 Mar 2024", "03-Jan-23", "2024-03-12", ""),
    "Birthday": ("", "--11-25", "1979-06-30"),
    "Labels": ("", "Friends ::: * myContacts", "Conference 2024"),
    "Group Membership": ("* myContacts ::: Partners", ""),
    "E-mail 1 - Value": ("", "a@example.com ::: b@example.com"),
}
OTHER_CELLS = ("", "Acme", "Head of Data", "+34 600 000 001", "https://example.com")
HUGE_CELL = "x" * 140_000  # past the csv module's field size limit (128 KiB)


@dataclass(frozen=True)
class ImportFile:
    """The bytes of a file to import, and whether to pass them as FILE or on standard input."""

    data: bytes
    on_stdin: bool

    def __repr__(self) -> str:
        return f"ImportFile(on_stdin={self.on_stdin}, data={self.data[:2000]!r})"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # noqa: ANN001 - what hypothesis prints
        printer.text(repr(self))


@st.composite
def import_files(draw: st.DrawFn, layouts: Sequence[str], hostile: bool) -> ImportFile:
    """A CSV file in one of `layouts`; when hostile, a few of its columns hold troublemakers or
    arbitrary text, and the file may have a random header, broken quoting, another encoding or be cut short."""
    layout = draw(st.sampled_from([*layouts, "random header"] if hostile else layouts))
    header_cell = st.one_of(words("name", "email", "id", "state").hostile, st.just(HUGE_CELL))
    header = st.lists(header_cell, min_size=1, max_size=6)
    columns = LAYOUTS.get(layout) or draw(header)
    dirty = draw(st.sets(st.sampled_from(list(columns)), min_size=1, max_size=3)) if hostile else set()

    def cell(column: str) -> st.SearchStrategy[str]:
        values = words(*TYPICAL_CELLS.get(column, OTHER_CELLS))
        return st.one_of(values.hostile, st.just(HUGE_CELL)) if column in dirty else values.typical

    rows = draw(st.lists(st.tuples(*(cell(c) for c in columns)).map(list), max_size=4))
    if hostile and rows and draw(st.booleans()):
        rows[0] += draw(st.lists(words().hostile, min_size=1, max_size=2))  # more cells than the header
    buffer = io.StringIO()
    if layout == "linkedin" and draw(st.booleans()):
        buffer.write('Notes:\r\n"Some email addresses are missing, see https://www.linkedin.com/help"\r\n\r\n')
    quoting = draw(st.sampled_from(["csv", "naive", "unterminated"])) if hostile else "csv"
    if quoting == "csv":
        csv.writer(buffer).writerows([list(columns), *rows])
    else:  # cells joined without quoting: their commas, quotes and newlines break the layout
        buffer.write("\n".join(",".join(line) for line in [list(columns), *rows]))
        if quoting == "unterminated":
            buffer.write(',"never closed\n')
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"] if hostile else ["utf-8", "utf-8-sig"]))
    data = buffer.getvalue().encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    if hostile and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # cut short, maybe inside a character
    return ImportFile(data, on_stdin=draw(st.booleans()))


def import_what_and_file(*whats: str) -> Values:
    """WHAT and FILE of `fup import`, drawn together so that a typical file has a layout WHAT reads."""
    return Values(
        st.sampled_from(whats).flatmap(
            lambda what: import_files(IMPORTS[what], hostile=False).map(lambda file: [what, file])),
        st.tuples(
            words(*whats, "due").hostile,
            st.one_of(
                import_files(sorted(LAYOUTS), hostile=True),
                st.builds(ImportFile, st.binary(max_size=200), st.booleans()),
                words("no-such-file.csv", "/", "/dev/null", ".", "-").hostile,
            ),
        ).map(list),
    )


# --- commands --------------------------------------------------------------------------------

Argument = Union[str, InHome, ImportFile]


@dataclass(frozen=True)
class Command:
    """A command and what its arguments may be: positionals (one may stand for several words, and
    None leaves a trailing one out), options, flags. Up to two arguments of each example are hostile."""

    name: str
    positional: Sequence[Values] = ()
    options: Mapping[str, Values] = field(default_factory=dict)
    flags: Sequence[str] = ()
    reads_only: bool = False
    has_fast_door: bool = False
    variant: str = ""  # tells two entries for one command apart (in test ids)
    examples: int = 25  # more for commands with many arguments, fewer for those with almost none

    def arguments(self) -> st.SearchStrategy[list]:
        return command_lines(self)


@st.composite
def command_lines(draw: st.DrawFn, command: Command) -> list:
    """`command`'s name and arguments: each option given or not, and up to two arguments (given) hostile."""
    slots = [*range(len(command.positional)), *command.options]
    how_many = draw(st.sampled_from((0, 1, 1, 2)))  # a quarter of the examples wholly typical
    hostile = set(draw(st.permutations(slots))[:how_many])

    def value(slot: Union[int, str], values: Values) -> object:
        return draw(values.hostile if slot in hostile else values.typical)

    line: list = [command.name]
    for index, values in enumerate(command.positional):
        drawn = value(index, values)
        line += drawn if isinstance(drawn, list) else [] if drawn is None else [drawn]
    given = draw(st.sets(st.sampled_from(list(command.options)))) if command.options else set()
    for option, values in command.options.items():
        if option in given or option in hostile:
            line += [option, value(option, values)]
    if command.flags:
        line += draw(st.lists(st.sampled_from(list(command.flags)), unique=True))
    return line


STEP = {"--next": FREE, "--due": WHEN}
COMMANDS = (
    Command("add", [words(*NAMES)],
            {"--company": FREE, "--title": FREE, "--email": EMAIL, "--phone": FREE, "--url": FREE, "--tag": TAG,
             "--source": FREE, "--channel": CHANNEL, "--cadence": CADENCE, "--birthday": BIRTHDAY, "--note": FREE,
             "--met": WHEN, **STEP},
            flags=("--no-meeting", "--soft", "--theirs"), examples=40),
    Command("log", [WHO, optional(CHANNEL)],
            {"--outcome": OUTCOME, "--note": FREE, "--at": WHEN, "--ask-again": WHEN, **STEP},
            flags=("--in", "--soft", "--theirs"), examples=40),
    Command("next", [WHO, words("send the deck", "x")], {"--due": WHEN}, flags=("--soft", "--theirs")),
    Command("done", [WHO], {"--id": numbers("1", "2", "3")}),
    Command("drop", [WHO], {"--id": numbers("1", "2", "3")}),
    Command("edit", [WHO],
            {"--name": words(*NAMES), "--company": FREE, "--title": FREE, "--email": EMAIL, "--phone": FREE,
             "--url": FREE, "--source": FREE, "--channel": CHANNEL, "--cadence": CADENCE, "--birthday": BIRTHDAY,
             "--note": FREE, "--tag": TAG, "--untag": TAG}, examples=30),
    Command("snooze", [WHO, WHEN]),
    Command("state", [WHO, STATE]),
    Command("rm", [WHO], flags=("--yes",)),  # without --yes the prompt reads end of input and refuses
    Command("show", [WHO], {"--format": FORMAT}, reads_only=True),
    Command("list", [],
            {"--tag": TAG, "--state": STATE, "--cadence": CADENCE, "--due-before": WHEN, "--format": FORMAT},
            flags=("--no-next-step",), reads_only=True),
    Command("today", [], {"--on": WHEN, "--limit": NUMBER, "--format": FORMAT}, reads_only=True, has_fast_door=True),
    Command("cadence", [optional(CADENCE)], {"--format": FORMAT}, reads_only=True, examples=15),
    Command("export", [EXPORT_WHAT], {"--format": EXPORT_FORMAT, "--output": OUTPUT}, flags=("--bom", "--raw"),
            reads_only=True, has_fast_door=True),
    Command("export", [EXPORT_DUE], variant="due",
            options={"--format": DUE_FORMAT, "--output": OUTPUT, "--on": WHEN, "--limit": NUMBER, "--days": DAYS},
            flags=("--bom", "--raw"), reads_only=True, has_fast_door=True),
    Command("import", [import_what_and_file("contacts")], variant="contacts",
            options={"--from": SOURCE, "--cadence": CADENCE, "--tag": TAG}, flags=("--dry-run",), examples=40),
    Command("import", [import_what_and_file("touches", "commitments")], variant="history", flags=("--dry-run",),
            examples=30),
    Command("reschedule", [TRAILING_JUNK], examples=10),
    Command("undo", [TRAILING_JUNK], examples=10),
    Command("backup", [BACKUP_PATH], reads_only=True, examples=20),
    Command("doctor", [], {"--format": DOCTOR_FORMAT}, reads_only=True, examples=10),
    Command("forget", [WHO], flags=("--yes",)),
)

# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def environment(home: Path) -> AbstractContextManager:
    """FUP_HOME and FUP_NOW set; FUP_DB, FUP_DEBUG and shell completion unset."""
    wanted = {key: value for key, value in os.environ.items()
              if key not in ("FUP_DB", "FUP_DEBUG", "_FUP_COMPLETE")}
    wanted.update(FUP_HOME=str(home), FUP_NOW=FIXED_NOW)
    return mock.patch.dict(os.environ, wanted, clear=True)


def through_typer(args: list[str], stdin: Optional[bytes]) -> Outcome:
    result = CliRunner().invoke(app, args, input=stdin, catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def through_console_script(args: list[str], stdin: Optional[bytes]) -> Outcome:
    """`fupcli.cli.fast.main` as the `fup` script runs it: argv from sys.argv, real text streams."""
    assert stdin is None, "the console script's door is for today and export only"
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8")
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    code: object = 0
    with mock.patch.object(sys, "argv", ["fup", *args]), \
            mock.patch.object(sys, "stdout", stdout), mock.patch.object(sys, "stderr", stderr):
        try:
            console_script()
        except SystemExit as exit_:
            code = exit_.code
        finally:
            stdout.flush()
            stderr.flush()
    assert code is None or isinstance(code, int), f"exit with {code!r}"
    return Outcome(code or 0, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8"))


DOORS = {"typer": through_typer, "console script": through_console_script}


@contextmanager
def fresh_home(template: Template, base: Path) -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(dir=base))
    try:
        shutil.copy(template.db, home / "fup.db")  # with its mode, 0600
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


def materialise(words: list[Argument], home: Path) -> tuple[list[str], Optional[bytes], Optional[str]]:
    """Command-line words, stdin, and the name import errors use for the file."""
    args, stdin, file_label = [], None, None
    for word in words:
        if isinstance(word, InHome):
            word = f"{home}/{word.name}"
        elif isinstance(word, ImportFile):
            if word.on_stdin:
                stdin, file_label, word = word.data, "<stdin>", "-"
            else:
                path = home / "import.csv"
                path.write_bytes(word.data)
                word = file_label = str(path)
        args.append(word)
    if args[0] == "import" and file_label is None and len(args) > 2:
        file_label = "<stdin>" if args[2] == "-" else args[2]
    return args, stdin, file_label


def files_in(home: Path) -> set[str]:
    """The files a command may leave behind, less the database's own WAL companions."""
    return {p.name for p in home.iterdir() if not p.name.endswith(("-wal", "-shm"))}


# Commands that read every contact and re-plan it from its history, run after a successful write.
LATER_COMMANDS = (["reschedule"], ["export", "due", "--format", "ics", "--days", "3660"])
ERROR_LINE = re.compile(r"fup(?: [a-z]+)?: error: (?P<message>.+)")
BARE_EXCEPTION = re.compile(r"[A-Z]\w*(?:Error|Exception|Warning)\b")


def check(command: Command, outcome: Outcome, dump_before: list[str], home: Path, files_before: set[str],
          file_label: Optional[str]) -> None:
    """The promises of the module docstring, for one run of `command`."""
    assert "Traceback" not in outcome.stderr, outcome.stderr
    try:
        dump_after = sqlite_dump(home / "fup.db")
    except sqlite3.DatabaseError as exc:
        pytest.fail(f"after exit {outcome.exit_code}, fup.db is no longer a database ({exc}): {outcome.stderr!r}")
    if outcome.exit_code == 0:
        if command.reads_only:
            assert dump_after == dump_before, f"`fup {command.name}` only reads, yet the database changed"
        elif dump_after != dump_before:
            for later in LATER_COMMANDS:  # what was stored must not break a later command
                result = through_typer(later, None)
                assert result.exit_code == 0, f"after `fup {command.name}`, `fup {' '.join(later)}`: {result.stderr!r}"
        return
    codes = {int(code) for code in ExitCode} - {int(ExitCode.OK), int(ExitCode.ERROR)}
    assert outcome.exit_code in codes, f"exit {outcome.exit_code} for bad input; stderr: {outcome.stderr!r}"
    assert outcome.stderr.endswith("\n"), f"stderr is not whole lines: {outcome.stderr!r}"
    *problems, last = outcome.stderr[:-1].split("\n")
    if command.name == "import" and file_label is not None:
        for problem in problems:  # `FILE:LINE: message` lines, one per problem
            assert re.fullmatch(r".+:\d+: \S.*", problem) and not ERROR_LINE.fullmatch(problem), \
                f"not a FILE:LINE: message line: {problem!r}"
            assert problem.startswith(f"{file_label}:") or not file_label.isprintable(), \
                f"a problem that does not name {file_label!r}: {problem!r}"
    else:
        assert not problems, f"{len(problems) + 1} lines on stderr: {outcome.stderr!r}"
    found = ERROR_LINE.fullmatch(last)
    assert found, f"not a `fup: error: ...` line: {last!r}"
    assert not BARE_EXCEPTION.match(found["message"]), f"an unexpected exception, not a message: {last!r}"
    assert dump_after == dump_before, f"refused (exit {outcome.exit_code}), yet the database changed: {last!r}"
    assert files_in(home) == files_before, f"refused, yet left files behind: {files_in(home) - files_before}"


# --- the database every example starts from ----------------------------------------------------

SEED = (
    ["add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example", "--tag", "lead", "--birthday", "11-25",
     "--next", "send the deck", "--due", "tomorrow"],
    ["log", "ana", "email", "--note", "sent the intro", "--at", "2026-11-20T10:00"],
    ["add", "Andrew Lee", "--cadence", "hot", "--met", "2026-11-10", "--channel", "call"],
    ["add", "Bo Lind", "--no-meeting", "--next", "call back", "--due", "2026-11-20", "--theirs"],
    ["add", "Cy Moss", "--cadence", "vip", "--phone", "+49 30 123"],
    ["log", "cy", "--outcome", "not-interested"],
    ["add", "Di Park", "--title", "=cmd|' /C calc'!A0", "--met", "2026-11-02"],
    ["log", "di", "call", "--outcome", "talked", "--ask-again", "2027-01-05"],
    ["snooze", "di", "1w"],
)


@dataclass(frozen=True)
class Template:
    """The seeded database every example copies, and its SQL dump."""

    db: Path
    dump: list[str]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A fup.db holding the seed contacts (checkpointed: one file to copy), and its dump."""
    home = tmp_path_factory.mktemp("template")
    with environment(home):
        for words in SEED:
            result = CliRunner().invoke(app, words, catch_exceptions=False)
            assert result.exit_code == 0, (words, result.stderr)
    conn = sqlite3.connect(home / "fup.db")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return Template(home / "fup.db", sqlite_dump(home / "fup.db"))


@pytest.fixture(scope="module")
def examples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("examples")


CASES = [(command, "typer") for command in COMMANDS] + [
    (command, "console script") for command in COMMANDS if command.has_fast_door
]


@pytest.mark.parametrize("command, door", CASES,
                         ids=["-".join(filter(None, (c.name, c.variant, *d.split()))) for c, d in CASES])
def test_random_arguments_are_taken_or_refused_in_one_line_without_writing(
    template: Template, examples_dir: Path, command: Command, door: str
) -> None:
    run = DOORS[door]

    @settings(max_examples=command.examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(words=command.arguments())
    def one_run(words: list) -> None:
        with fresh_home(template, examples_dir) as home, environment(home):
            args, stdin, file_label = materialise(words, home)
            files_before = files_in(home)
            check(command, run(args, stdin), template.dump, home, files_before, file_label)

    one_run()
