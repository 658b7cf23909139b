"""The entry point, and the fast door: the daily commands answered without Typer.

`main` is the `fup` console script. It answers here, importing neither Typer,
click, Rich, pydantic nor SQLAlchemy, when it is sure to do exactly what the
Typer app would: `fup --version`, the shell asking to complete a contact name
(`fup log An<TAB>`), and every command of `commands.RUN` (today, show, list,
add, log, unlog, next, done, drop, move, edit, snooze, state, undo, away, export, import, review).

How argv flows: `_parse` reads it by `spec.py`, the table `specgen` generates
from the Typer app's own declarations (so there is no second copy of any
option to keep; a test fails when the table is stale). First an optional
`--db PATH` (or `--db=PATH`), then the command name, then its options
(`--long VALUE`, `--long=VALUE`, `-s VALUE`, flags, repeats of a `multiple`
option, the last value of any other), positional arguments in order, `--`
ending the options, as click parses them; what is not given takes the
spec's default, as click would pass it. Then `commands.RUN[name](app_ctx,
**params)` runs the same body the Typer function calls, and errors cross the
same kind of boundary (`main`): one line on stderr and the exit code.

Whatever the parser is not sure about raises `_NotMine`, and the full Typer
app in `app` takes the whole argv and words any error itself: `-h`/`--help`
anywhere, an unknown command or option, a missing argument, option or option
value, a value that starts with '-', an extra argument, an int that is not
plain digits or out of range, short flags run together (`-nfoo`, `-f=csv`).
"""

from __future__ import annotations

import os
import sys

from . import spec
from .. import __version__
from ..errors import PIPE_CLOSED, ExitCode, FupError, describe_failure, flush_stdout, silence_stdout

# `typing` costs ~10 ms at start-up; annotations here are never evaluated, so it is not imported.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Sequence

# Commands whose first argument is WHO, so the shell may complete contact names there.
WHO_COMMANDS = frozenset({"log", "unlog", "next", "done", "drop", "move", "show", "edit", "snooze", "state", "rm"})
COMPLETE_VAR = "_FUP_COMPLETE"
HELP = frozenset({"-h", "--help"})
MAX_DIGITS = 19  # int() of thousands of digits is refused, and slow: the full CLI words those


class _NotMine(Exception):
    """The arguments are not a form the fast parser is sure of: the full CLI takes them."""


def _convert(param: dict, word: str) -> object:
    """A word as the value click would pass for `param` ('str', 'int' in its range, 'path')."""
    kind = param["type"]
    if kind == "int":
        if not (word.isascii() and word.isdigit() and len(word) <= MAX_DIGITS):
            raise _NotMine(word)
        number = int(word)
        if (param["min"] is not None and number < param["min"]) or (param["max"] is not None and number > param["max"]):
            raise _NotMine(word)
        return number
    if kind == "path":
        from pathlib import Path

        if "\0" in word or (os.path.exists(word) and not os.access(word, os.R_OK)):
            raise _NotMine(word)  # Typer refuses an existing path it cannot read
        return Path(word)
    if kind != "str":
        raise _NotMine(word)
    return word


def _options(params: list) -> dict:
    """Option string -> (param, the value a flag takes)."""
    found = {}
    for param in params:
        if param["kind"] == "option":
            for opt in param["opts"]:
                found[opt] = (param, True)
            for opt in param["secondary_opts"]:
                found[opt] = (param, False)
    return found


def _parse(params: list, words: list, interspersed: bool = True) -> tuple[dict, list]:
    """The values of `params` read from `words`, and what is left when a positional word stops
    the parse (`interspersed=False`, the root before its command); raises _NotMine when unsure."""
    if any(param["nargs"] != 1 for param in params):
        raise _NotMine("nargs")
    options = _options(params)
    values: dict = {}
    positional: list = []
    i, only_arguments = 0, False
    while i < len(words):
        word = words[i]
        i += 1
        if only_arguments or word == "-" or not word.startswith("-"):
            if not interspersed:
                return _complete_values(params, values, []), words[i - 1:]
            positional.append(word)
        elif word == "--" and interspersed:
            only_arguments = True
        else:
            param, value, i = _option(options, words, i)
            if param["multiple"]:
                values.setdefault(param["name"], []).append(value)
            else:
                values[param["name"]] = value  # click keeps the last
    return _complete_values(params, values, positional), []


def _option(options: dict, words: list, i: int) -> tuple[dict, object, int]:
    """The option `words[i - 1]` names, its value, and the index of the word after them."""
    word = words[i - 1]
    name, eq, value = word.partition("=") if word.startswith("--") else (word, "", "")
    if name not in options:
        raise _NotMine(word)  # unknown, or short ones run together (-nfoo), or -f=csv
    param, flag_value = options[name]
    if param["is_flag"]:
        if eq:
            raise _NotMine(word)
        return param, flag_value, i
    if not eq:
        if i >= len(words):
            raise _NotMine(word)
        value = words[i]
        i += 1
    if value.startswith("-"):
        raise _NotMine(value)
    return param, _convert(param, value), i


def _complete_values(params: list, values: dict, positional: list) -> dict:
    """Place the positional words, then give what is missing its default (or refuse)."""
    arguments = [param for param in params if param["kind"] == "argument"]
    if len(positional) > len(arguments):
        raise _NotMine(positional[len(arguments)])
    for param, word in zip(arguments, positional):
        values[param["name"]] = _convert(param, word)
    for param in params:
        if param["name"] not in values:
            if param["required"]:
                raise _NotMine(param["name"])
            default = param["default"]
            values[param["name"]] = list(default) if isinstance(default, list) else default
    return values


def _command(argv: Sequence[str]) -> int:
    """Parse `argv` by the spec and run the command's body; raises _NotMine when unsure."""
    words = list(argv)
    if HELP.intersection(words):
        raise _NotMine("help")
    root, rest = _parse(spec.ROOT, words, interspersed=False)
    if root["version"] or (rest and rest[0] not in spec.COMMANDS):
        raise _NotMine(rest[0] if rest else "--version")
    name = rest[0] if rest else "today"  # `fup` alone is `fup today`, as `task` alone is `task next`
    params = _parse(spec.COMMANDS[name]["params"], rest[1:])[0] if rest else {}  # (as the Typer app calls it)
    from . import commands
    from ..context import AppContext

    app_ctx = AppContext.from_environment(db=root["db"])
    try:
        commands.RUN[name](app_ctx, **params)
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
    return _command(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """The `fup` console script."""
    try:
        code = fast(sys.argv[1:] if argv is None else list(argv))
    except _NotMine:
        from .app import main as full

        full(None if argv is None else list(argv))  # None: Typer reads sys.argv itself, as it always has
        return
    except FupError as exc:
        sys.stderr.write(f"fup: error: {exc.message}\n")
        code = int(exc.exit_code)
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # stdout's reader left (`fup list | head -1`): quietly, see errors.PIPE_CLOSED
        silence_stdout()
        code = PIPE_CLOSED
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
