"""Docs are part of the code: every command has help and a README entry; generated docs are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fupcli.cli import app
from fupcli.config import settings_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    return [info.name or info.callback.__name__ for info in app.registered_commands]


def test_there_are_commands() -> None:
    assert {"add", "log", "next", "done", "drop", "today", "show", "list", "edit", "snooze", "state", "rm",
            "cadence", "reschedule"} <= set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_and_a_readme_entry(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    info = next(i for i in app.registered_commands if (i.name or i.callback.__name__) == name)
    assert (info.callback.__doc__ or "").strip(), f"{name} has no help text"
    assert re.search(rf"^\| `fup {name}\b", README, re.MULTILINE), f"README has no entry for fup {name}"


@pytest.mark.parametrize("name", command_names())
def test_every_option_of_a_command_is_in_its_readme_entry(name: str) -> None:
    """The README's command table names every option (long or short), e.g. `--next-channel` of add and log."""
    import typer.main

    command = typer.main.get_command(app).commands[name]
    row = re.search(rf"^\| `fup {name}\b[^\n]*", README, re.MULTILINE).group(0)
    for param in command.params:
        names = [o for o in param.opts if o.startswith("-") and o != "--help"]
        if names:
            assert any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", row) for o in names), (name, names)


def test_configuration_doc_is_generated_from_the_settings() -> None:
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == settings_markdown() + "\n"


def test_quick_start_has_exactly_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.strip().splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
