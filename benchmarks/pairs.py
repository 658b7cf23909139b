"""The comparisons: each pair of commands, how it is run, and its target.

A pair compares A with B (B may be a sum of several commands, each timed on
its own) by the median of interleaved runs, on wall time or on peak memory;
it meets its target when median(A) / median(B) is at most the target. A pair
whose data or peer program is missing, or whose command fails, is reported as
not run, with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from timing import CommandFailed, Probe, fixed, interleave, median_peak_kib, median_seconds

FUP_NOW = "2026-11-23T08:30"
TIME, MEMORY = "time", "memory"


def size_label(size: int) -> str:
    return f"{size / 1000:g}k" if size >= 1000 else str(size)


@dataclass
class Bench:
    """Everything the pairs need: fup, the loaded databases by size, the peers, run counts."""

    fup: str
    python: str
    scratch: Path
    sizes: list[int]
    runs: int
    homes: dict[int, Path] = field(default_factory=dict)  # FUP_HOME of each loaded size
    contacts_csv: dict[int, Path] = field(default_factory=dict)
    log_targets: dict[int, list[int]] = field(default_factory=dict)
    unloaded: dict[int, str] = field(default_factory=dict)  # size -> why it has no database
    peers: dict[str, str] = field(default_factory=dict)  # program -> executable
    missing_peers: dict[str, str] = field(default_factory=dict)
    task_env: dict[str, str] | None = None

    @property
    def small(self) -> int:
        return min(self.sizes)

    @property
    def big(self) -> int:
        return max(self.sizes)

    @property
    def mid(self) -> int:
        ordered = sorted(self.sizes)
        return 10_000 if 10_000 in ordered else ordered[len(ordered) // 2]

    @property
    def heavy_runs(self) -> int:
        """Runs for the pairs that load or dump a whole large database."""
        return max(3, self.runs // 3)

    def fup_env(self, home: Path, **extra: str) -> dict[str, str]:
        env = dict(os.environ, FUP_HOME=str(home), FUP_NOW=FUP_NOW, **extra)
        env.pop("FUP_DB", None)
        return env

    def lacking(self, sizes: tuple[int, ...] = (), peers: tuple[str, ...] = ()) -> str | None:
        """Why a pair cannot run (a size not loaded, a peer missing), or None."""
        for size in sizes:
            if size not in self.homes:
                return f"no {size_label(size)} database: {self.unloaded.get(size, 'not loaded')}"
        for peer in peers:
            if peer not in self.peers:
                return f"{peer} is not available: {self.missing_peers.get(peer, 'not installed')}"
        if "task" in peers and self.task_env is None:
            return "Taskwarrior has no data"
        return None


@dataclass
class Pair:
    title: str
    target: float
    metric: str = TIME
    a: Probe | None = None
    b: list[Probe] = field(default_factory=list)  # summed
    runs: int = 0
    skipped: str | None = None
    a_value: float | None = None
    b_value: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.a_value is None or not self.b_value:
            return None
        return self.a_value / self.b_value

    @property
    def met(self) -> bool | None:
        return None if self.ratio is None else self.ratio <= self.target


def measure(pair: Pair) -> Pair:
    """Run a pair's probes interleaved and store the medians (or why it could not run)."""
    if pair.skipped is not None or pair.a is None:
        return pair
    median = median_seconds if pair.metric == TIME else median_peak_kib
    try:
        samples = interleave([pair.a, *pair.b], pair.runs)
    except CommandFailed as exc:
        pair.skipped = f"a command failed: {exc}"
        return pair
    pair.a_value = median(samples[pair.a.label])
    pair.b_value = sum(median(samples[probe.label]) for probe in pair.b)
    return pair


# --- the pairs --------------------------------------------------------------------


def today_vs_task(bench: Bench) -> Pair:
    mid = size_label(bench.mid)
    pair = Pair(f"`fup today` @{mid} vs `task next` @{mid} pending", 1.0)
    pair.skipped = bench.lacking((bench.mid,), ("task",))
    if pair.skipped is None:
        pair.a = Probe(f"fup today @{mid}", fixed([bench.fup, "today"]), bench.fup_env(bench.homes[bench.mid]))
        pair.b = [Probe(f"task next @{mid}", fixed([bench.peers["task"], "next"]), bench.task_env)]
        pair.runs = bench.runs
    return pair


def today_big_vs_small(bench: Bench) -> Pair:
    big, small = size_label(bench.big), size_label(bench.small)
    pair = Pair(f"`fup today` @{big} vs @{small}", 1.3)
    pair.skipped = bench.lacking((bench.big, bench.small))
    if pair.skipped is None:
        pair.a = Probe(f"fup today @{big}", fixed([bench.fup, "today"]), bench.fup_env(bench.homes[bench.big]))
        pair.b = [Probe(f"fup today @{small}", fixed([bench.fup, "today"]), bench.fup_env(bench.homes[bench.small]))]
        pair.runs = bench.runs
    return pair


def _log_probe(bench: Bench, size: int, side: str) -> Probe:
    """`fup log ID call` on a copy of the database, a different contact of about 20 touches each run."""
    home = bench.scratch / f"log-{side}-{size}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(bench.homes[size], home)
    targets = bench.log_targets[size]
    argv: Callable[[int], list[str]] = lambda run: [bench.fup, "log", str(targets[run % len(targets)]), "call"]
    return Probe(f"fup log @{size_label(size)}", argv, bench.fup_env(home))


def log_big_vs_small(bench: Bench) -> Pair:
    pair = Pair(f"`fup log WHO call` @{size_label(bench.big)} vs @{size_label(bench.small)}", 1.3)
    pair.skipped = bench.lacking((bench.big, bench.small))
    if pair.skipped is None and not (bench.log_targets[bench.big] and bench.log_targets[bench.small]):
        pair.skipped = "the dataset has no active contact with about 20 touches"
    if pair.skipped is None:
        pair.a, pair.b = _log_probe(bench, bench.big, "a"), [_log_probe(bench, bench.small, "b")]
        pair.runs = bench.runs
    return pair


def import_vs_sqlite_utils(bench: Bench) -> Pair:
    big = size_label(bench.big)
    pair = Pair(f"`fup import contacts` {big} rows vs `sqlite-utils insert --csv`", 1.0)
    pair.skipped = bench.lacking(peers=("sqlite-utils",))
    if pair.skipped is not None or bench.big not in bench.contacts_csv:
        pair.skipped = pair.skipped or f"no {big} dataset"
        return pair
    source = str(bench.contacts_csv[bench.big])
    home, fresh_db = bench.scratch / "import-home", bench.scratch / "fresh.db"
    pair.a = Probe(f"fup import contacts {big}", fixed([bench.fup, "import", "contacts", source]),
                   bench.fup_env(home), prepare=lambda: shutil.rmtree(home, ignore_errors=True))
    pair.b = [Probe(f"sqlite-utils insert {big}",
                    fixed([bench.peers["sqlite-utils"], "insert", str(fresh_db), "contacts", source, "--csv"]),
                    dict(os.environ), prepare=lambda: fresh_db.unlink(missing_ok=True))]
    pair.runs = bench.heavy_runs
    return pair


def export_vs_sqlite3(bench: Bench) -> Pair:
    big = size_label(bench.big)
    pair = Pair(f"`fup export contacts` @{big} vs `sqlite3 -csv` select", 4.0)
    pair.skipped = bench.lacking((bench.big,), ("sqlite3",))
    if pair.skipped is None:
        home = bench.homes[bench.big]
        pair.a = Probe(f"fup export contacts @{big}", fixed([bench.fup, "export", "contacts"]), bench.fup_env(home))
        pair.b = [Probe(f"sqlite3 -csv @{big}",
                        fixed([bench.peers["sqlite3"], "-csv", str(home / "fup.db"), "select * from contact"]),
                        dict(os.environ))]
        pair.runs = bench.heavy_runs
    return pair


COMPLETION_ENV = {"_FUP_COMPLETE": "complete_bash", "COMP_WORDS": "fup log An", "COMP_CWORD": "2"}


def _completes_names(bench: Bench, env: dict[str, str]) -> bool:
    shown = subprocess.run([bench.fup], check=False, env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return any(line.startswith("An") for line in shown.stdout.splitlines())


def completion_vs_version(bench: Bench) -> Pair:
    mid = size_label(bench.mid)
    pair = Pair(f"name completion @{mid} vs `fup --version`", 1.5)
    pair.skipped = bench.lacking((bench.mid,))
    if pair.skipped is None:
        env = bench.fup_env(bench.homes[bench.mid], **COMPLETION_ENV)
        if not _completes_names(bench, env):
            pair.skipped = "completion of `fup log An` printed no names"
            return pair
        pair.a = Probe(f"complete 'fup log An' @{mid}", fixed([bench.fup]), env)
        pair.b = [Probe("fup --version", fixed([bench.fup, "--version"]), bench.fup_env(bench.scratch / "empty"))]
        pair.runs = bench.runs
    return pair


def version_vs_python(bench: Bench) -> Pair:
    pair = Pair("`fup --version` vs `python -c pass` + `python -c 'import typer'`", 2.0, runs=bench.runs)
    pair.a = Probe("fup --version", fixed([bench.fup, "--version"]), bench.fup_env(bench.scratch / "empty"))
    pair.b = [
        Probe("python -c pass", fixed([bench.python, "-c", "pass"]), dict(os.environ)),
        Probe("python -c 'import typer'", fixed([bench.python, "-c", "import typer"]), dict(os.environ)),
    ]
    return pair


def memory_today_vs_task(bench: Bench) -> Pair:
    big, mid = size_label(bench.big), size_label(bench.mid)
    pair = Pair(f"peak memory: `fup today` @{big} vs `task next` @{mid}", 1.0, metric=MEMORY)
    pair.skipped = bench.lacking((bench.big, bench.mid), ("task",))
    if pair.skipped is None:
        pair.a = Probe(f"fup today @{big}", fixed([bench.fup, "today"]), bench.fup_env(bench.homes[bench.big]))
        pair.b = [Probe(f"task next @{mid}", fixed([bench.peers["task"], "next"]), bench.task_env)]
        pair.runs = bench.runs
    return pair


PAIRS: tuple[Callable[[Bench], Pair], ...] = (
    today_vs_task,
    today_big_vs_small,
    log_big_vs_small,
    import_vs_sqlite_utils,
    export_vs_sqlite3,
    completion_vs_version,
    version_vs_python,
    memory_today_vs_task,
)
