"""The entry point, and the commands that must start fast: `today`, `--version`, name completion, `export`.

`main` is the `fup` console script. For `fup today ...`, `fup --version`,
the shell asking to complete a contact name (`fup log An<TAB>`) and
`fup export ...` (whose large outputs are measured against sqlite3), it answers
here, importing neither Typer, Rich, SQLAlchemy nor SQLModel: arguments are
read by a small parser that knows exactly these forms, the data comes from
`queries` on stdlib sqlite3, and `render` prints plain text. Anything else,
including any option this parser does not know (`--help` among them), goes to
the full Typer application in `cli`, which runs `today` and `export` through
the same functions (`run_today` below, `exporter.export`), so both doors print
the same thing (a test checks it).
"""

from __future__ import annotations

import os
import sys

from .. import __version__
from ..errors import ExitCode, FupError, describe_failure, flush_stdout

# `typing` costs ~10 ms at start-up; annotations here are never evaluated, so it is not imported.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Sequence, TextIO

# Commands whose first argument is WHO, so the shell may complete contact names there.
WHO_COMMANDS = frozenset({"log", "next", "done", "drop", "show", "edit", "snooze", "state", "rm"})
COMPLETE_VAR = "_FUP_COMPLETE"


def run_today(app_ctx, on: str | None, limit: int | None, fmt: str, stream: TextIO | None = None) -> None:  # noqa: ANN001
    """`fup today`: read the ranked due rows and print them (shared by both doors)."""
    from .. import render
    from ..dates import parse_date
    from ..errors import check_choice
    from ..storage.queries import check_profiles, count_contacts, count_due, count_waiting, count_without_next_step, due_rows
    from ..vocabulary import OUTPUT_FORMATS

    fmt = check_choice(fmt, OUTPUT_FORMATS, "format")
    day = parse_date(on, app_ctx.now) if on is not None else app_ctx.today
    conn = app_ctx.store.reader()
    if conn is None or (fmt == "table" and count_contacts(conn) == 0):
        if fmt == "table":
            render.welcome(stream)
        else:
            render.today([], fmt, day, 0, 0, stream)
        return
    if limit is None:
        limit = app_ctx.settings.daily_limit if fmt == "table" else 0
    rules = app_ctx.settings.rules
    check_profiles(conn, rules)
    rows = due_rows(conn, day, limit, rules)
    if fmt == "table":
        total = count_due(conn, day, rules) if limit and len(rows) == limit else len(rows)
        render.today(rows, fmt, day, total, count_without_next_step(conn), stream, count_waiting(conn, day, rules))
    else:
        render.today(rows, fmt, day, len(rows), 0, stream)


class _NotMine(Exception):
    """The arguments are not a form this fast parser knows: the full CLI takes them."""


def _options(args: Sequence[str], known: dict[str, str]) -> dict[str, str]:
    """Parse `--opt VALUE`, `--opt=VALUE` and `-f VALUE` forms of the given options only."""
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, value = word.partition("=")
        if name not in known or (eq and not name.startswith("--")):
            raise _NotMine(word)
        if not eq:
            if i + 1 >= len(args):
                raise _NotMine(word)
            value = args[i + 1]
            i += 1
        found[known[name]] = value
        i += 1
    return found


def _split_global(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """Take a leading `--db PATH` off the arguments."""
    args = list(args)
    if args and (args[0] == "--db" or args[0].startswith("--db=")):
        if args[0] == "--db":
            if len(args) < 2:
                raise _NotMine("--db")
            return args[1], args[2:]
        return args[0][len("--db="):], args[1:]
    return None, args


def _today(args: Sequence[str]) -> int:
    from ..context import AppContext

    db, rest = _split_global(args)
    if not rest or rest[0] != "today":
        raise _NotMine("not today")
    opts = _options(rest[1:], {"--on": "on", "--limit": "limit", "--format": "fmt", "-f": "fmt"})
    limit = opts.get("limit")
    if limit is not None and not (limit.isascii() and limit.isdigit() and len(limit) <= 19):
        raise _NotMine(limit)  # the full CLI words the error (int() refuses 4300 digits)
    app_ctx = AppContext.from_environment(db=db)
    try:
        run_today(app_ctx, opts.get("on"), int(limit) if limit is not None else None, opts.get("fmt", "table"))
    finally:
        app_ctx.close()
    return 0


def _export(args: Sequence[str]) -> int:
    """`fup export WHAT [options]`: large exports start without Typer, like `today`."""
    from ..context import AppContext
    from ..transfer.exporter import export

    db, rest = _split_global(args)
    if len(rest) < 2 or rest[0] != "export" or rest[1].startswith("-"):
        raise _NotMine("not export")
    flags = [word for word in rest[2:] if word in ("--bom", "--raw")]
    opts = _options(
        [word for word in rest[2:] if word not in ("--bom", "--raw")],
        {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output", "--on": "on", "--limit": "limit",
         "--days": "days"},
    )
    numbers = {}
    for name in ("limit", "days"):
        if name in opts:
            value = opts[name]
            number = value.isascii() and value.isdigit() and len(value) <= 19  # (int() refuses 4300 digits)
            if not number or (name == "days" and not 1 <= int(value) <= 3660):
                raise _NotMine(value)  # the full CLI words the error
            numbers[name] = int(value)
    app_ctx = AppContext.from_environment(db=db)
    try:
        export(app_ctx, rest[1], opts.get("fmt", "csv"), opts.get("output"), bom="--bom" in flags,
               raw="--raw" in flags, on=opts.get("on"), **numbers)
    finally:
        app_ctx.close()
    return 0


def _completion_words(shell: str) -> tuple[list[str], str]:
    """The words before the cursor and the one being typed, as Typer's shell classes read them."""

    def split(line: str) -> list[str]:
        if any(ch in line for ch in "'\"\\"):  # quoting: the shell's rules, as Typer applies them
            from shlex import split as shell_split

            return shell_split(line)
        return line.split()

    if shell == "bash":
        words = split(os.environ.get("COMP_WORDS", ""))
        cword = int(os.environ.get("COMP_CWORD", "0"))
        return words[1:cword], (words[cword] if cword < len(words) else "")
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = split(line)[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _complete(instruction: str) -> int:
    """Answer a shell's request to complete a contact name; other requests go to Typer."""
    shell = instruction.removeprefix("complete_")
    if shell not in ("bash", "zsh", "fish") or (shell == "fish" and os.environ.get("_TYPER_COMPLETE_FISH_ACTION") != "get-args"):
        raise _NotMine(instruction)
    try:
        before, incomplete = _completion_words(shell)
    except ValueError:  # an open quote
        raise _NotMine(instruction) from None
    if len(before) != 1 or before[0] not in WHO_COMMANDS or incomplete.startswith("-"):
        raise _NotMine(instruction)
    from .names import complete_names

    names = complete_names(incomplete)
    if shell == "zsh":
        sys.stdout.write(f"_arguments '*: :(({chr(10).join(_zsh_quote(n) for n in names)}))'" if names else "_files")
    else:
        sys.stdout.write("\n".join(names))
    return 0


def _zsh_quote(value: str) -> str:
    escaped = value.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")
    return f'"{escaped}"'


def fast(argv: Sequence[str]) -> int:
    """Run `argv` on the fast path; raises _NotMine when the full CLI should take it."""
    instruction = os.environ.get(COMPLETE_VAR)
    if instruction:
        return _complete(instruction)
    if list(argv) == ["--version"]:
        sys.stdout.write(f"fup {__version__}\n")
        return 0
    if "export" in argv[:3]:
        return _export(argv)
    return _today(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """The `fup` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        code = fast(argv)
    except _NotMine:
        from .app import main as full

        full()
        return
    except FupError as exc:
        sys.stderr.write(f"fup: error: {exc.message}\n")
        code = int(exc.exit_code)
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # noqa: BLE001 - the same boundary as the full CLI's
        if os.environ.get("FUP_DEBUG"):
            raise
        message, code = describe_failure(exc)
        if message:
            sys.stderr.write(f"fup: error: {message}\n")
    failed = flush_stdout()
    if failed is not None and code == int(ExitCode.OK):
        code = failed
    sys.exit(code if code != int(ExitCode.OK) else 0)
