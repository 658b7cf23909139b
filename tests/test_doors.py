"""The two doors of `fup`: the fast parser (`fupcli.cli.fast`) and the Typer app (`fupcli.cli.app`).

The daily commands are declared once, in the Typer app; the fast door parses
argv by `spec.py`, a table generated from those declarations, and both doors
run the same bodies (`commands.RUN`). What this file proves:

- spec.py is what `python -m fupcli.cli.specgen` makes of the app now, and
  every body takes exactly the Typer function's parameters, with its defaults;
- parity: for every fast command, valid argv and mistakes (bad channel,
  outcome, state or date, an unknown or ambiguous contact, a missing argument,
  an unknown option, a bad int, --help) give the same stdout bytes, stderr
  bytes, exit code, files and database rows through either door, each run on
  its own copy of one seeded home; and the case is answered by the door it
  should be (the fast door for anything it can parse, Typer for the rest);
- the import budget: each fast command, run as the console script runs it in
  a subprocess, imports none of typer, click, rich, pydantic, sqlalchemy,
  sqlmodel or alembic. (The writing commands still reach SQLModel through
  `core` and `storage.store` until the data layer moves to sqlite3; until
  then their budget cases fail, on purpose.)
"""

from __future__ import annotations

import inspect
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import typer.main

import fupcli.cli.app as app_module
from fupcli.cli import commands, fast, spec, specgen

HEAVY = ("typer", "click", "rich", "pydantic", "sqlalchemy", "sqlmodel", "alembic")
NOW = "2026-11-23T08:30"
HOME = "{home}"  # replaced by each run's own FUP_HOME
EXAMPLES = str(Path(__file__).resolve().parent.parent / "examples")

# Built by the Typer door, a week before NOW: the times each step happened, and the step.
SEED = [
    ("2026-11-16T10:00", ["add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example", "--tag", "vc",
                          "--next", "send the deck", "--due", "2026-11-20"]),
    ("2026-11-16T10:05", ["add", "Andrew Lee", "--cadence", "hot", "--tag", "angel"]),
    ("2026-11-16T10:10", ["add", "Bo Lind", "--channel", "call", "--email", "bo@lind.example"]),
    ("2026-11-16T10:15", ["next", "bo", "intro to their CFO", "--due", "2026-11-24", "--theirs", "--channel", "call"]),
    ("2026-11-16T10:20", ["add", "Carla Diaz", "--company", "Diaz & Co"]),
    ("2026-11-17T09:00", ["log", "carla", "-o", "not-interested"]),
    ("2026-11-17T09:05", ["add", "Dee Ok", "--birthday", "11-25", "--no-meeting"]),
    ("2026-11-17T09:10", ["snooze", "dee", "2026-11-30"]),
    ("2026-11-18T16:00", ["log", "ana", "call", "-o", "talked", "-n", "liked the demo", "--at", "2026-11-17T15:00"]),
]

FAST, TYPER = "fast", "typer"

# Every fast command: argv, and the door that must answer it. A mistake the body finds (a bad
# channel, an unknown contact) is the fast door's; one the parser is unsure of is Typer's.
CASES = {
    "today": [
        (["today"], FAST), (["today", "-f", "json", "--on", "fri"], FAST), (["today", "--format=csv", "--limit=1"], FAST),
        (["today", "--limit", "0", "--on", "2026-12-01"], FAST), (["today", "--limit", "1", "--limit", "2"], FAST),
        (["today", "--wide"], FAST), (["today", "--wide", "-f", "json", "--limit", "0"], FAST), (["today", "--wide=1"], TYPER),
        (["today", "--on", "2027-02-30"], FAST), (["today", "-f", "yaml"], FAST),
        (["today", "--limit", "-1"], TYPER), (["today", "--limit", "x"], TYPER), (["today", "--limit", "9" * 25], TYPER),
        (["today", "--limit", " 3"], TYPER), (["today", "--bogus"], TYPER), (["today", "--help"], TYPER),
        (["today", "extra"], TYPER), (["today", "--on"], TYPER), (["today", "-fjson"], TYPER),
        (["today", "--all"], FAST), (["today", "--all", "-f", "csv"], FAST), (["today", "--owner", "ben"], FAST),
        (["today", "--owner", "ben", "--all"], FAST), (["today", "--owner"], TYPER), (["today", "--all=1"], TYPER),
    ],
    "show": [
        (["show", "ana"], FAST), (["show", "bo", "-f", "json"], FAST), (["show", "1", "--format=csv"], FAST),
        (["show", "carla"], FAST), (["show", "-f", "json", "dee"], FAST),
        (["show", "nobody"], FAST), (["show", "an"], FAST), (["show", "ana", "-f", "xml"], FAST), (["show", "\udcff"], FAST),
        (["show"], TYPER), (["show", "ana", "bo"], TYPER), (["show", "-h"], TYPER), (["show", "ana", "--id", "1"], TYPER),
    ],
    "list": [
        (["list"], FAST), (["list", "--tag", "vc"], FAST), (["list", "--state", "closed", "-f", "json"], FAST),
        (["list", "--no-next-step"], FAST), (["list", "--due-before", "2026-12-01", "-f", "csv"], FAST),
        (["list", "--cadence", "hot"], FAST), (["list", "--tag", "nobody"], FAST),
        (["list", "--wide"], FAST), (["list", "--tag", "vc", "--wide", "--format", "csv"], FAST), (["list", "--wide", "x"], TYPER),
        (["list", "--state", "lost"], FAST), (["list", "--cadence", "tepid"], FAST),
        (["list", "--due-before", "2027-02-30"], FAST), (["list", "--all", "-f", "json"], FAST), (["list", "--owner", "ana"], FAST),
        (["list", "--no-next-step=1"], TYPER), (["list", "--tag"], TYPER), (["list", "ana"], TYPER), (["list", "--help"], TYPER),
    ],
    "add": [
        (["add", "Zed Lane", "--company", "Zeta", "--tag", "a", "--tag", "b", "--next", "send the deck", "--due", "fri",
          "--soft"], FAST),
        (["add", "--email", "xi@example.com", "Xi", "--met=2026-11-20", "--cadence", "hot"], FAST),
        (["add", "Yu", "--owner", "ben"], FAST), (["add", "Yu", "--private"], FAST),
        (["add", "Yan", "--no-meeting", "--channel", "call", "--birthday", "12-01", "--title", "CFO", "--phone", "+1 555",
          "--url", "https://yan.example", "--source", "meetup", "--note", "met at the [bold]meetup[/bold]"], FAST),
        (["add", "Wu", "--next", "call back", "--due", "2026-11-25", "--theirs", "--next-channel", "call"], FAST),
        (["add", "--", "-dash name"], FAST), (["add", "-"], FAST),
        (["add", "Ana Other", "--email", "ana@acme.example"], FAST), (["add", "Zed", "--channel", "fax"], FAST),
        (["add", "Zed", "--birthday", "13-45"], FAST), (["add", "Zed", "--cadence", "tepid"], FAST),
        (["add", "Zed", "--due", "fri"], FAST), (["add", "\udcff"], FAST),
        (["add"], TYPER), (["add", "Zed", "--tag"], TYPER), (["add", "Zed", "--nope"], TYPER), (["add", "Zed", "Extra"], TYPER),
        (["add", "--help"], TYPER), (["add", "Zed", "--soft=yes"], TYPER),
    ],
    "log": [
        (["log", "ana"], FAST), (["log", "bo", "phone"], FAST), (["log", "bo", "Phone", "--next", "x", "--due", "fri", "--next-channel", "phone"], FAST),
        (["log", "bo", "call", "-o", "talked", "-n", "liked it", "--next", "send terms", "--due", "2026-11-30", "--theirs"], FAST),
        (["log", "ana", "--in", "--outcome=replied"], FAST), (["log", "ana", "--ask-again", "2026-12-10"], FAST),
        (["log", "dee", "--greeting"], FAST), (["log", "carla", "email", "--in", "-o", "replied"], FAST),
        (["log", "-o", "no-answer", "andrew", "text", "--at", "2026-11-22T18:00"], FAST),
        (["log", "ana", "--note", "a", "--note", "b", "--next", "call", "--due", "fri", "--soft"], FAST),
        (["log", "ana", "fax"], FAST), (["log", "ana", "-o", "maybe"], FAST), (["log", "ana", "--at", "yesterday-ish"], FAST),
        (["log", "nobody"], FAST), (["log", "an"], FAST), (["log", "ana", "--next-channel", "call"], FAST),
        (["log"], TYPER), (["log", "ana", "-ofoo"], TYPER), (["log", "ana", "--in=yes"], TYPER),
        (["log", "ana", "call", "extra"], TYPER), (["log", "ana", "-n"], TYPER), (["log", "ana", "--note", "-x"], TYPER),
        (["log", "ana", "-h"], TYPER), (["log", "ana", "-o=sent"], TYPER),
        (["log", "ana", "--done"], FAST), (["log", "bo", "call", "--done", "--id", "2", "-o", "talked"], FAST),
        (["log", "ana", "--id", "1"], FAST), (["log", "carla", "--done"], FAST), (["log", "ana", "--done", "--id=2"], FAST),
        (["log", "ana", "--done=yes"], TYPER), (["log", "ana", "--done", "--id", "x"], TYPER),
    ],
    "unlog": [
        (["unlog", "ana"], FAST), (["unlog", "ana", "--id", "1"], FAST), (["unlog", "ana", "--id=3"], FAST),
        (["unlog", "dee"], FAST), (["unlog", "carla"], FAST), (["unlog", "nobody"], FAST), (["unlog", "an"], FAST),
        (["unlog"], TYPER), (["unlog", "ana", "--id"], TYPER), (["unlog", "ana", "extra"], TYPER), (["unlog", "ana", "-h"], TYPER),
    ],
    "next": [
        (["next", "ana", "send the proposal", "--due", "fri"], FAST),
        (["next", "bo", "--due=2026-12-01", "intro", "--theirs", "--soft", "--channel", "call"], FAST),
        (["next", "ana", "x", "--due", "2027-02-30"], FAST), (["next", "ana", "x", "--due", "fri", "--channel", "fax"], FAST),
        (["next", "nobody", "x", "--due", "fri"], FAST),
        (["next", "ana", "send"], TYPER), (["next", "ana"], TYPER), (["next", "ana", "x", "--due"], TYPER),
        (["next", "--help"], TYPER),
    ],
    "done": [
        (["done", "ana"], FAST), (["done", "bo", "--id", "2"], FAST), (["done", "ana", "--id=2"], FAST),
        (["done", "ana", "--id", "999"], FAST), (["done", "carla"], FAST), (["done", "an"], FAST),
        (["done", "ana", "--id", "x"], TYPER), (["done", "ana", "--id", "9" * 20], TYPER),
        (["done", "ana", "--id", str(2**63)], TYPER), (["done", "ana", "--id", "-1"], TYPER), (["done"], TYPER),
    ],
    "drop": [
        (["drop", "bo"], FAST), (["drop", "ana", "--id=1"], FAST), (["drop", "nobody"], FAST),
        (["drop", "ana", "--id", str(2**63 - 1)], FAST),
        (["drop"], TYPER), (["drop", "ana", "--id"], TYPER), (["drop", "ana", "--help"], TYPER),
    ],
    "move": [
        (["move", "ana", "fri"], FAST), (["move", "bo", "2026-12-05T10:00", "--id", "2"], FAST),
        (["move", "ana", "--id=2", "fri"], FAST), (["move", "ana", "someday"], FAST), (["move", "carla", "fri"], FAST),
        (["move", "nobody", "fri"], FAST),
        (["move", "ana"], TYPER), (["move", "ana", "fri", "sat"], TYPER), (["move", "ana", "fri", "--id", "x"], TYPER),
        (["move", "--help"], TYPER),
    ],
    "edit": [
        (["edit", "ana", "--title", "CTO", "--tag", "x", "--tag", "y", "--untag", "vc"], FAST),
        (["edit", "ana", "--append-note", "met her CFO"], FAST), (["edit", "ana", "--note", "x", "--append-note", "y"], FAST),
        (["edit", "ana", "--append-note", ""], FAST), (["edit", "ana", "--private"], FAST), (["edit", "ana", "--shared"], FAST),
        (["edit", "ana", "--private", "--shared"], FAST), (["edit", "ana", "--private=1"], TYPER),
        (["edit", "bo", "--company", "", "--name", "Bo Lindqvist", "--note", "new notes"], FAST),
        (["edit", "dee", "--birthday", "", "--cadence", "hot", "--channel", "text", "--phone", "+1 555"], FAST),
        (["edit", "ana", "--url", "https://acme.example/ana", "--source", "a dinner"], FAST), (["edit", "ana"], FAST), (["edit", "ana", "--channel", "fax"], FAST),
        (["edit", "ana", "--email", "bo@lind.example"], FAST), (["edit", "an", "--title", "x"], FAST),
        (["edit", "ana", "--email2", "ana@home.example", "--email2", "a.r@acme.example"], FAST),
        (["edit", "ana", "--email2", "bo@lind.example"], FAST), (["edit", "ana", "--rm-email2", "nope@x.example"], FAST),
        (["edit", "ana", "--email2", ""], FAST),
        (["edit", "ana", "--phone2", "+34 600 000 001", "--phone2", "0301234567"], FAST),
        (["edit", "ana", "--rm-phone2", "555"], FAST), (["edit", "ana", "--phone2", " "], FAST),
        (["edit", "ana", "--untag"], TYPER), (["edit", "ana", "--tags", "x"], TYPER), (["edit"], TYPER),
    ],
    "snooze": [
        (["snooze", "ana", "2026-12-01"], FAST), (["snooze", "bo", "never"], FAST), (["snooze", "dee", "today"], FAST),
        (["snooze", "ana", "2027-02-30"], FAST), (["snooze", "nobody", "fri"], FAST),
        (["snooze", "ana"], FAST), (["snooze", "ana", "fri", "sat"], TYPER), (["snooze", "ana", "-h"], TYPER),
        (["snooze", "--tag", "vc", "2026-12-01"], FAST), (["snooze", "--tag=angel", "never"], FAST),
        (["snooze", "today", "--tag", "VC"], FAST), (["snooze", "--tag", "nobody", "fri"], FAST),
        (["snooze", "--tag", "vc"], FAST), (["snooze", "ana", "--tag", "vc", "fri"], FAST), (["snooze"], FAST),
        (["snooze", "--tag", "vc", "yesterday"], FAST), (["snooze", "--tag"], TYPER),
    ],
    "state": [
        (["state", "ana", "paused"], FAST), (["state", "carla", "active"], FAST), (["state", "bo", "client"], FAST),
        (["state", "ana", "lost"], FAST), (["state", "an", "closed"], FAST),
        (["state", "ana"], TYPER), (["state", "--help"], TYPER), (["state", "ana", "closed", "now"], TYPER),
    ],
    "undo": [
        (["undo"], FAST), (["undo", "--list"], FAST), (["undo", "--list", "2"], FAST), (["undo", "2", "--list"], FAST),
        (["undo", "3"], FAST),
        (["undo", "extra"], TYPER), (["undo", "--yes"], TYPER), (["undo", "--help"], TYPER), (["undo", "--list", "0"], TYPER),
        (["undo", "--list", "x"], TYPER), (["undo", "--list", "1", "2"], TYPER),
    ],
    "export": [
        (["export", "contacts"], FAST), (["export", "touches", "-f", "json"], FAST), (["export", "commitments"], FAST),
        (["export", "due", "--on", "fri", "--limit", "1"], FAST), (["export", "due", "-f", "ics", "--days", "7"], FAST),
        (["export", "contacts", "--bom", "--raw"], FAST), (["export", "contacts", "-o", f"{HOME}/out.csv"], FAST),
        (["export", "due", "--output=" + f"{HOME}/due.json", "-f", "json"], FAST),
        (["export", "people"], FAST), (["export", "contacts", "--on", "fri"], FAST), (["export", "contacts", "-f", "ics"], FAST),
        (["export", "contacts", "-o", f"{HOME}/fup.db"], FAST),
        (["export", "due", "-f", "ics", "--days", "0"], TYPER), (["export", "due", "-f", "ics", "--days", "3661"], TYPER),
        (["export"], TYPER), (["export", "contacts", "-o"], TYPER), (["export", "contacts", "--help"], TYPER),
    ],
    "away": [
        (["away", "2026-12-21", "2027-01-01"], FAST), (["away", "fri"], FAST), (["away", "--list"], FAST), (["away"], FAST),
        (["away", "--clear", "2026-12-21"], FAST), (["away", "--clear=2026-12-21", "--list"], FAST),
        (["away", "2026-12-21", "2026-12-01"], FAST), (["away", "2027-02-30"], FAST), (["away", "2026-12-01", "2027-12-31"], FAST),
        (["away", "fri", "--list"], FAST),
        (["away", "a", "b", "c"], TYPER), (["away", "--clear"], TYPER), (["away", "--help"], TYPER), (["away", "--list=1"], TYPER),
    ],
    "import": [
        (["import", "contacts", f"{EXAMPLES}/google-contacts.csv"], FAST),
        (["import", "contacts", f"{EXAMPLES}/linkedin-connections.csv", "--dry-run", "--cadence", "warm", "--tag", "fair",
          "--tag", "q3"], FAST),
        (["import", "contacts", f"{EXAMPLES}/addressbooks/excel-windows.csv", "--encoding", "cp1252", "--from", "sheet",
          "--skip-bad"], FAST),
        (["import", "contacts", f"{EXAMPLES}/addressbooks/libreoffice.csv", "--map", "name=Full Name", "--map=email=E-mail",
          "--date-format", "%Y-%m-%d", "--update"], FAST),
        (["import", "contacts", f"{EXAMPLES}/addressbooks/apple-contacts.vcf", "--dry-run", "--update"], FAST),
        (["import", "people", f"{EXAMPLES}/google-contacts.csv"], FAST),
        (["import", "touches", f"{EXAMPLES}/google-contacts.csv", "--update"], FAST),
        (["import", "touches", f"{EXAMPLES}/google-contacts.csv"], FAST),
        (["import", "commitments", f"{HOME}/none.csv"], FAST),
        (["import", "contacts", f"{EXAMPLES}/addressbooks/sheet.ods"], FAST),
        (["import", "contacts", f"{EXAMPLES}/google-contacts.csv", "--from", "outlook"], FAST),
        (["import", "contacts", f"{EXAMPLES}/google-contacts.csv", "--encoding", "nosuch"], FAST),
        (["import", "contacts", f"{EXAMPLES}/google-contacts.csv", "--date-format", "%Y"], FAST),
        (["import", "contacts"], TYPER), (["import", "contacts", "x.csv", "--map"], TYPER), (["import", "--help"], TYPER),
    ],
    "review": [
        (["review"], FAST), (["review", "--on", "tomorrow"], FAST), (["review", "--limit", "3"], FAST),
        (["review", "--on", "nonsense"], FAST), (["review", "--limit", "-1"], TYPER), (["review", "x"], TYPER),
        (["review", "--help"], TYPER),
    ],
    "(root)": [
        (["--db", f"{HOME}/fup.db", "show", "ana"], FAST), (["--db=" + f"{HOME}/fup.db", "list"], FAST),
        (["--version"], FAST),
        (["--db", f"{HOME}/fup.db"], FAST), (["nosuch"], TYPER), ([], FAST), (["show", "ana", "--db", "x"], TYPER),
        (["--db"], TYPER), (["--version", "today"], TYPER), (["rm", "ana", "--yes"], TYPER), (["cadence"], TYPER),
    ],
}

# A home with no database yet: both doors say the same (and neither creates one when reading).
EMPTY_CASES = [
    (["today"], FAST), (["today", "-f", "json"], FAST), (["show", "ana"], FAST), (["list"], FAST), (["list", "-f", "csv"], FAST),
    (["undo"], FAST), (["log", "ana"], FAST), (["export", "contacts"], FAST), (["add", "Ana Ruiz"], FAST), ([], FAST),
]


def _ids(cases: list) -> list[str]:
    return [" ".join(args)[:60] or "(nothing)" for args, _ in cases]


# --- one declaration ------------------------------------------------------------------


def test_the_spec_is_generated_from_the_typer_app() -> None:
    committed = Path(spec.__file__).read_text(encoding="utf-8")
    assert specgen.generate() == committed, "spec.py is stale: run python -m fupcli.cli.specgen"


def test_the_fast_commands_are_the_bodies_and_the_spec_has_them_all() -> None:
    assert set(spec.COMMANDS) == set(commands.RUN) == set(CASES) - {"(root)"}
    assert [p["name"] for p in spec.ROOT] == ["db", "version"]


@pytest.mark.parametrize("name", list(commands.RUN))
def test_each_body_takes_the_typer_functions_parameters_with_its_defaults(name: str) -> None:
    info = next(i for i in app_module.app.registered_commands if (i.name or i.callback.__name__) == name)
    declared = list(inspect.signature(info.callback).parameters.values())
    assert declared and declared[0].name == "ctx"
    body = list(inspect.signature(commands.RUN[name]).parameters.values())
    assert body[0].name == "app_ctx"
    assert [p.name for p in body[1:]] == [p.name for p in declared[1:]] == [p["name"] for p in spec.COMMANDS[name]["params"]]
    for param, entry in zip(body[1:], spec.COMMANDS[name]["params"]):
        expected = inspect.Parameter.empty if entry["required"] else entry["default"]
        assert param.default == expected, (name, param.name)


def test_the_typer_functions_only_delegate() -> None:
    """Each Typer function of a fast command is one call into `commands` (its docstring aside)."""
    group = typer.main.get_command(app_module.app)
    for name in commands.RUN:
        info = next(i for i in app_module.app.registered_commands if (i.name or i.callback.__name__) == name)
        source = inspect.getsource(info.callback)
        body = source.split('"""')[-1].strip().splitlines()
        assert body and body[0].strip().startswith("commands."), (name, body)
        assert name in group.commands


def test_the_generator_refuses_what_the_fast_door_cannot_parse() -> None:
    demo = typer.Typer()

    @demo.command()
    def one(who: str, count: int = typer.Option(0, "--count", envvar="FUP_COUNT")) -> None:  # noqa: ARG001
        pass

    @demo.command()
    def two(names: list[str] = typer.Argument(None)) -> None:  # noqa: ARG001
        pass

    group = typer.main.get_command(demo)
    for name, problem in (("one", "envvar"), ("two", "nargs")):
        with pytest.raises(specgen.SpecError, match=problem):
            [specgen.describe(param) for param in group.commands[name].params]


# --- parity -----------------------------------------------------------------------------


def _environment(home: Path, now: str = NOW) -> mock._patch:
    wanted = {k: v for k, v in os.environ.items() if k not in ("FUP_DB", "FUP_DEBUG", "_FUP_COMPLETE", "NO_COLOR")}
    wanted.update(FUP_HOME=str(home), FUP_NOW=now)
    return mock.patch.dict(os.environ, wanted, clear=True)


def _run(entry, args: list[str]) -> tuple[int, bytes, bytes]:  # noqa: ANN001
    """Call a console entry in-process with argv `args`: (exit code, stdout bytes, stderr bytes)."""
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="backslashreplace")
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    code: object = 0
    with mock.patch.object(sys, "argv", ["fup", *args]), mock.patch.object(sys, "stdout", stdout), \
            mock.patch.object(sys, "stderr", stderr):
        try:
            entry(args)
        except SystemExit as done:
            code = done.code
        finally:
            stdout.flush()
            stderr.flush()
    assert code is None or isinstance(code, int), f"exit with {code!r}"
    return code or 0, out.getvalue(), err.getvalue()


def _rows(home: Path) -> dict:
    """Every table's rows, in id order, and every file beside the database with its bytes."""
    files = {p.name: p.read_bytes() for p in sorted(home.iterdir())
             if p.is_file() and not p.name.startswith("fup.db")}
    db = home / "fup.db"
    if not db.exists():
        return {"files": files, "tables": None}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        assert {"contact", "touch", "commitment", "agenda_item", "undo_step"} <= set(tables)
        rows = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()
    return {"files": files, "tables": rows}


def _through(door: str, home: Path, args: list[str]) -> tuple[str, tuple, dict]:
    """Run `args` in `home` through one door: (the door that answered, outcome, rows after)."""
    args = [a.replace(HOME, str(home)) for a in args]
    answered = [FAST]
    full_main = app_module.main

    def full(argv=None) -> None:  # noqa: ANN001 - the fast door handing over
        answered[0] = TYPER
        full_main(argv)

    with _environment(home):
        if door == FAST:
            with mock.patch.object(app_module, "main", full):
                code, out, err = _run(fast.main, args)
        else:
            answered[0] = TYPER
            code, out, err = _run(full_main, args)
    place = str(home).encode()
    outcome = (code, out.replace(place, b"<home>"), err.replace(place, b"<home>"))
    return answered[0], outcome, _rows(home)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("seeded") / "home"
    home.mkdir()
    for now, args in SEED:
        with _environment(home, now):
            code, _, err = _run(app_module.main, args)
        assert code == 0, (args, err)
    return home


def _copy(seeded: Path, base: Path, name: str) -> Path:
    home = base / name
    shutil.copytree(seeded, home)
    return home


def _assert_same(tmp_path: Path, source: Path | None, args: list[str], door: str) -> None:
    homes = {}
    for which in (FAST, TYPER):
        if source is None:
            homes[which] = tmp_path / which
            homes[which].mkdir()
        else:
            homes[which] = _copy(source, tmp_path, which)
    answered, fast_outcome, fast_rows = _through(FAST, homes[FAST], args)
    _, full_outcome, full_rows = _through(TYPER, homes[TYPER], args)
    assert fast_outcome == full_outcome
    assert fast_rows == full_rows
    assert answered == door, f"{args} was answered by the {answered} door"
    assert fast_outcome[2].count(b"\n") <= 1 or door == TYPER, fast_outcome[2]


@pytest.mark.parametrize("args, door", [case for cases in CASES.values() for case in cases],
                         ids=_ids([case for cases in CASES.values() for case in cases]))
def test_both_doors_do_the_same(seeded: Path, tmp_path: Path, args: list[str], door: str) -> None:
    _assert_same(tmp_path, seeded, args, door)


@pytest.mark.parametrize("args, door", EMPTY_CASES, ids=_ids(EMPTY_CASES))
def test_both_doors_do_the_same_without_a_database(tmp_path: Path, args: list[str], door: str) -> None:
    _assert_same(tmp_path, None, args, door)


def _arguments(door: str, home: Path, args: list[str]) -> list:
    """The (db location, keyword arguments with their types) the body of `args` is called with."""
    args = [a.replace(HOME, str(home)) for a in args]
    calls = []
    name = next((word for word in args if word in commands.RUN), "today")  # (`fup` alone is `fup today`)
    body = commands.RUN[name]

    def record(app_ctx, **kwargs) -> None:  # noqa: ANN001
        calls.append((app_ctx.db_location, {key: (type(value).__name__, value) for key, value in kwargs.items()}))

    with _environment(home), mock.patch.dict(commands.RUN, {name: record}), \
            mock.patch.object(commands, body.__name__, record):
        code, _, err = _run(fast.main if door == FAST else app_module.main, args)
    assert code == 0, err
    return calls


FAST_CASES = [(args, door) for cases in CASES.values() for args, door in cases if door == FAST and args != ["--version"]]


@pytest.mark.parametrize("args, door", FAST_CASES, ids=_ids(FAST_CASES))
def test_both_doors_pass_the_body_the_same_arguments(tmp_path: Path, args: list[str], door: str) -> None:
    """Same values, same types (None for an omitted list, a list for a repeated option, a Path for -o)."""
    through_fast = _arguments(FAST, tmp_path, args)
    assert len(through_fast) == 1 and through_fast == _arguments(TYPER, tmp_path, args)


def test_the_cases_cover_every_option_of_every_fast_command() -> None:
    """Each option string of each fast command appears in one of its valid cases."""
    for name, entry in spec.COMMANDS.items():
        words = {word.split("=")[0] for args, door in CASES[name] if door == FAST for word in args}
        for param in entry["params"]:
            if param["kind"] == "option":
                assert words & set(param["opts"] + param["secondary_opts"]), (name, param["opts"])


# --- the import budget --------------------------------------------------------------------

PROBE = """
import sys
from fupcli.cli.fast import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as done:
    code = done.code or 0
sys.stdout.flush()
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
sys.stderr.write("\\nEXIT=%%s HEAVY=%%s\\n" %% (code, ",".join(heavy)))
""" % (HEAVY,)

BUDGET = {
    "today": ["today"], "show": ["show", "ana"], "list": ["list"], "export": ["export", "contacts"],
    "add": ["add", "Zed Lane", "--tag", "x"], "log": ["log", "ana", "call", "-o", "talked"],
    "next": ["next", "ana", "send terms", "--due", "fri"], "done": ["done", "ana"], "drop": ["drop", "bo"],
    "edit": ["edit", "ana", "--title", "CTO"], "snooze": ["snooze", "ana", "2026-12-01"],
    "state": ["state", "ana", "client"], "undo": ["undo"], "move": ["move", "ana", "fri"], "unlog": ["unlog", "ana"], "away": ["away", "2026-12-21", "2027-01-01"],
    "import": ["import", "contacts", EXAMPLES + "/google-contacts.csv"],
}


def test_the_budget_cases_cover_the_fast_commands() -> None:
    assert set(BUDGET) | {"review"} == set(commands.RUN)  # (review needs a terminal: its own test below)


def test_review_in_a_terminal_imports_no_heavy_module(seeded: Path, tmp_path: Path) -> None:
    """`fup review` through the fast door, on a real pseudo-terminal: the first row, `q`, the summary."""
    import pty
    import select
    import time

    home = _copy(seeded, tmp_path, "home")
    with _environment(home):
        env = dict(os.environ)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the probe on the terminal
        os.execve(sys.executable, [sys.executable, "-c", PROBE, "review"], env)
    output, sent, deadline = b"", False, time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child is gone
                break
            if not chunk:
                break
            output += chunk
            if not sent and b"[s,n,m,t,d,z,a,x,e,u,k,q,?]" in output:
                os.write(fd, b"q")
                sent = True
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert sent, text
    assert "EXIT=0 HEAVY=\r\n" in text or text.rstrip().endswith("EXIT=0 HEAVY="), text


@pytest.mark.parametrize("name", list(BUDGET))
def test_a_fast_command_imports_no_heavy_module(seeded: Path, tmp_path: Path, name: str) -> None:
    home = _copy(seeded, tmp_path, "home")
    with _environment(home):
        proc = subprocess.run([sys.executable, "-c", PROBE, *BUDGET[name]], env=dict(os.environ),
                              capture_output=True, text=True, timeout=120)
    report = proc.stderr.rsplit("\nEXIT=", 1)[-1].strip()
    assert report.startswith("0 HEAVY="), proc.stderr
    assert proc.stdout.strip(), "printed nothing"
    assert report == "0 HEAVY=", f"fup {' '.join(BUDGET[name])} imported {report.split('HEAVY=')[1]}"
