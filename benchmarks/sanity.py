"""The sanity checks: fup's other everyday commands, each on its own, against a fixed time.

Not pairs: nothing else does the same thing, so each command's median over its
runs at the mid size (10k) only has to stay under a limit (150 ms), the time
past which a command stops feeling instant. They run as the pairs' fup side does
(pairs.FupCommand): a different contact each run, and those that write on a copy
of the database made for the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pairs import WARMUP, Bench, FupCommand, fup_probe, lacking_targets, remove, size_label
from timing import CommandFailed, Probe, interleave, median_seconds

LIMIT = 0.150  # seconds
NEW_TITLE = "Chief Follow-up Officer"  # a title no generated contact has

UNDO = FupCommand("undo", "`fup undo` (of a `fup log WHO call`)", lambda _who, _run: ["undo"],
                  before=lambda who, _run: ["log", who, "call"])
SNOOZE = FupCommand("snooze", "`fup snooze WHO fri`", lambda who, _run: ["snooze", who, "fri"])
DROP = FupCommand("drop", "`fup drop WHO`", lambda who, _run: ["drop", who], open_commitment=True)
STATE = FupCommand("state", "`fup state WHO nurture`", lambda who, _run: ["state", who, "nurture"])
EDIT = FupCommand("edit", "`fup edit WHO --title X`", lambda who, _run: ["edit", who, "--title", NEW_TITLE])
LIST = FupCommand("list", "`fup list` (table)", lambda _who, _run: ["list"], writes=False, who=False)
COMMANDS = (UNDO, SNOOZE, DROP, STATE, EDIT, LIST)


@dataclass
class Check:
    title: str
    limit: float  # seconds: met when the median is below it
    probe: Probe | None = None
    runs: int = 0
    skipped: str | None = None
    value: float | None = None  # the median, in seconds
    scratch: list[Path] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value < self.limit


def check(command: FupCommand, bench: Bench) -> Check:
    mid = bench.mid
    result = Check(f"{command.shown} @{size_label(mid)}", LIMIT)
    result.skipped = bench.lacking((mid,)) or lacking_targets(bench, command, (mid,))
    if result.skipped is None:
        result.probe = fup_probe(bench, command, mid, "sanity", result.scratch)
        result.runs = bench.runs
    return result


def measure(result: Check) -> Check:
    """Run a check's command `runs` times after the warm-up and store the median (or why it could not run)."""
    if result.skipped is not None or result.probe is None:
        remove(result.scratch)
        return result
    try:
        samples = interleave([result.probe], result.runs, WARMUP)
    except CommandFailed as exc:
        result.skipped = f"a command failed: {exc}"
        return result
    finally:
        remove(result.scratch)
    result.value = median_seconds(samples[result.probe.label])
    return result


CHECKS: tuple[Callable[[Bench], Check], ...] = tuple(partial(check, command) for command in COMMANDS)
