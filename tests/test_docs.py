"""Docs are part of the code: every command has help and a README entry; generated docs are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fupcli.cli.app import app
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


def test_the_profiles_table_of_the_scheduling_doc_is_the_profiles() -> None:
    """docs/scheduling.md's table of profiles: gaps, what happens when they run out, the
    follow-up days (to the ceiling, then every `ceiling` days) and the weight, as in the code."""
    from fupcli.scheduler import DEFAULT_PROFILES

    doc = (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
    section = doc.split("## Cadence profiles", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| profile ")]
    seen = set()
    for row in rows:
        name, gaps, end, days, weight = (cell.strip() for cell in row.strip().strip("|").split("|"))
        profile = DEFAULT_PROFILES[name.split()[0]]
        seen.add(profile.name)
        assert gaps == ", ".join(map(str, profile.gaps)), name
        assert float(weight) == profile.weight, name
        if not profile.gaps:
            assert end == "never scheduled", name
            continue
        shape = ", ".join(map(str, profile.shape()))
        if profile.end == "park":
            assert (end, days) == ("park", shape), name
        else:
            assert end.startswith(f"grow to {profile.ceiling}"), name
            assert days == f"{shape}, then every {profile.ceiling}", name
    assert seen == set(DEFAULT_PROFILES)


def test_the_scheduling_doc_says_how_far_cold_rows_may_move() -> None:
    """Rules 16 and 17 quote the code's slack: an opening touch up to OPENING_SPREAD first gaps,
    a nurture check-in up to its gap // COLD_SLACK, waiting rows over the next WAIT_SPREAD days."""
    from fupcli.scheduler import COLD_SLACK, DEFAULT_PROFILES, OPENING_SPREAD, WAIT_SPREAD

    doc = " ".join((ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8").split())
    balanced = doc.split("16. **Balanced days.**", 1)[1].split(" 17. ", 1)[0]
    waiting = doc.split("17. **Live before cold.**", 1)[1].split(" 18. ", 1)[0]
    times = {2: "twice", 3: "three times", 4: "four times"}[OPENING_SPREAD]
    first = {name: OPENING_SPREAD * DEFAULT_PROFILES[name].gap(0) for name in ("warm", "hot", "nurture")}
    assert (f"up to {times} the profile's first gap later ({first['warm']} days on `warm`, "
            f"{first['hot']} on `hot`, {first['nurture']} on `nurture`)") in balanced
    share = {2: "half", 3: "a third", 4: "a quarter"}[COLD_SLACK]
    a, b, c = (DEFAULT_PROFILES["nurture"].gap(i) for i in range(3))
    assert (f"up to {share} of its gap ({a // COLD_SLACK} days of a {a}-day gap, {b // COLD_SLACK} of {b}, "
            f"{c // COLD_SLACK} of {c})") in balanced
    assert f"from today through the next {WAIT_SPREAD} days" in balanced
    assert f"from today through the next {WAIT_SPREAD} days" in waiting


def test_quick_start_has_exactly_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.strip().splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
