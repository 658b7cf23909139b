"""The comparisons: each pair of commands, how it is run, and its target.

A pair compares A with B (B may be a sum of several commands, each timed on
its own) by the median of interleaved runs, on wall time or on peak memory;
it meets its target when median(A) / median(B) is at most the target. A pair
whose data or peer program is missing, or whose command fails, is reported as
not run, with the reason.

The everyday commands on one contact (log, next, add, show, done) are each a
FupCommand: on every run a different contact, by id, from the dataset's log
targets (active, about 20 touches; for `done`, those with exactly one open commitment),
and a command that writes runs on a copy of the database made for the pair. Their
Taskwarrior counterparts are TaskCommands: a different pending task id each run,
on a copy of the Taskwarrior data when they write. Copies go when the pair is done.

The import pairs compare `fup import` with `sqlite-utils insert --csv` of the same file, on
time and on peak memory (a time pair and a memory pair of the same commands share their
runs: `Bench.samples`); touches and commitments go into a copy of a home holding the
dataset's contacts alone (`contacts_only_home`, made once and cached). The list pairs
compare `fup list --format json|csv` with `fup export contacts` on the same database.

The last two pairs run fup at the mid size on PostgreSQL against fup on SQLite
(postgres.py: a server from tests/pgserver.py, started and loaded from the same
dataset only when the first of them is built, stopped by run.py after the pairs).

The two `fup sync mail` pairs read a generated Maildir (mailgen.py, 50k messages,
5k with --quick): the first sync into a copy of a home holding only `me` and 2,000
contacts, against the standard library parsing the same headers (headerloop.py);
and a second sync, with nothing new, against the first. The Maildir (cached) and
the two homes they copy (one never synced, one synced once) are made by run.py when
the first of them is built.

Building a pair copies databases (and may start PostgreSQL, or make the Maildir); a
Bench with `dry` set builds pairs for their titles only (run.py's --only), copying and
starting nothing.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import datagen
import mailgen
import taskwarrior
from postgres import Postgres, Unavailable
from timing import CommandFailed, Probe, fixed, interleave, median_peak_kib, median_seconds, run_process

FUP_NOW = "2026-11-23T08:30"
TIME, MEMORY = "time", "memory"
WARMUP = 1  # untimed rounds before the timed ones (timing.interleave's default)
LOG_NOTE = "sent the deck"
ACTION = "send the proposal"
DUE = "2026-12-04"  # a Friday, eleven days after FUP_NOW


def size_label(size: int) -> str:
    return f"{size / 1000:g}k" if size >= 1000 else str(size)


@dataclass(frozen=True)
class MailSetup:
    """What the `fup sync mail` pairs read: the Maildir, and the FUP_HOMEs they copy (`home`:
    config.toml with `me` and the contacts, never synced; `synced`: the same after one sync)."""

    maildir: Path
    messages: int
    home: Path
    synced: Path


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
    log_targets: dict[int, list[int]] = field(default_factory=dict)  # active, about 20 touches
    open_targets: dict[int, list[int]] = field(default_factory=dict)  # the log targets with exactly one open commitment
    unloaded: dict[int, str] = field(default_factory=dict)  # size -> why it has no database
    peers: dict[str, str] = field(default_factory=dict)  # program -> executable
    missing_peers: dict[str, str] = field(default_factory=dict)
    task_env: dict[str, str] | None = None
    task_dir: Path | None = None  # the imported Taskwarrior data (taskrc, data/), copied for writes
    task_count: int = 0  # pending tasks, ids 1..task_count
    datasets: dict[int, Path] = field(default_factory=dict)  # the generated dataset (CSV files) of each size
    postgres: Postgres | None = None  # PostgreSQL's server and databases, started by the first pair needing it
    dry: bool = False  # build pairs for their titles only: no copies, no server
    mail_messages: int = mailgen.MESSAGES  # in the Maildir of the `fup sync mail` pairs
    mail_setup: Callable[[], MailSetup] | None = None  # run.py's: makes the Maildir and homes, on first use
    mail: MailSetup | None = None
    mail_failed: str | None = None
    samples: dict = field(default_factory=dict)  # measured samples shared by pairs of the same probes (Pair.shared)

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

    def lacking_postgres(self, size: int) -> str | None:
        """Why fup cannot run on a PostgreSQL database of `size`, or None. The first call starts
        the server and loads the size (not when `dry`: a dry pair is never run)."""
        if self.dry:
            return "dry: built for its title only"
        if self.postgres is None:
            return "PostgreSQL was not set up for this run"
        return self.postgres.lacking(size)

    def lacking_mail(self) -> str | None:
        """Why the `fup sync mail` pairs cannot run, or None. The first call makes the Maildir
        (or finds it cached) and the homes (not when `dry`: a dry pair is never run)."""
        if self.dry:
            return "dry: built for its title only"
        if self.mail is None and self.mail_failed is None:
            if self.mail_setup is None:
                self.mail_failed = "no Maildir was set up for this run"
            else:
                try:
                    self.mail = self.mail_setup()
                except (CommandFailed, OSError) as exc:
                    self.mail_failed = f"the Maildir or its homes could not be made: {exc}"
        return self.mail_failed

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
    note: str | None = None  # a caveat shown with the result
    a_value: float | None = None
    b_value: float | None = None
    scratch: list[Path] = field(default_factory=list)  # copies made for the pair, removed once measured
    # Where the samples of the same probes are kept (Bench.samples): a time pair and a memory pair
    # of the same commands run them once (the first measured runs them, the other reads its samples).
    shared: dict | None = None

    @property
    def ratio(self) -> float | None:
        if self.a_value is None or not self.b_value:
            return None
        return self.a_value / self.b_value

    @property
    def met(self) -> bool | None:
        return None if self.ratio is None else self.ratio <= self.target


def remove(copies: list[Path]) -> None:
    for copy in copies:
        shutil.rmtree(copy, ignore_errors=True)


def measure(pair: Pair) -> Pair:
    """Run a pair's probes interleaved and store the medians (or why it could not run)."""
    if pair.skipped is not None or pair.a is None:
        remove(pair.scratch)
        return pair
    median = median_seconds if pair.metric == TIME else median_peak_kib
    probes = [pair.a, *pair.b]
    key = (tuple(probe.label for probe in probes), pair.runs)
    try:
        if pair.shared is not None and key in pair.shared:
            samples = pair.shared[key]
        else:
            samples = interleave(probes, pair.runs, WARMUP)
            if pair.shared is not None:
                pair.shared[key] = samples
    except CommandFailed as exc:
        pair.skipped = f"a command failed: {exc}"
        return pair
    finally:
        remove(pair.scratch)
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


# --- the everyday commands on one contact ------------------------------------------------


@dataclass(frozen=True)
class FupCommand:
    """A fup command run on a different contact each run: how the tables show it, its arguments."""

    name: str  # for labels and scratch directories
    shown: str
    argv: Callable[[str, int], list[str]]  # (WHO, run) -> the arguments after `fup`
    writes: bool = True  # on a copy of the database made for the pair
    who: bool = True  # needs a contact from the dataset's targets
    open_commitment: bool = False  # WHO must have an open commitment (recorded first, untimed, if none is left)
    before: Callable[[str, int], list[str]] | None = None  # an untimed command on WHO before each run


@dataclass(frozen=True)
class TaskCommand:
    """A Taskwarrior command run on a different pending task id (N) each run."""

    name: str
    shown: str
    argv: Callable[[int, int], list[str]]  # (N, run) -> the arguments after `task`
    writes: bool = True  # on a copy of the Taskwarrior data made for the pair


def newcomer(run: int) -> tuple[str, str]:
    """A name and an email no dataset holds, a new one each run."""
    return f"Rowan Newcomer {run}", f"rowan.newcomer.{run}@example.com"


def spoken(run: int) -> tuple[str, str]:
    """A name no other contact has, and how someone types it: surname first, lower case
    ("quill00007 rowan" for Rowan Quill00007). That is fup's slowest lookup that finds someone,
    a start of a word for each word typed (not the whole name, not its start), so `fup log`'s
    timing includes it. (A generated pipeline repeats names: the target is renamed first, untimed.)"""
    return f"Rowan Quill{run:05d}", f"quill{run:05d} rowan"


LOG = FupCommand("log", '`fup log "surname first" email --note "…"`',
                 lambda _who, run: ["log", spoken(run)[1], "email", "--note", LOG_NOTE],
                 before=lambda who, run: ["edit", who, "--name", spoken(run)[0]])
NEXT = FupCommand("next", f'`fup next WHO "{ACTION}" --due D`', lambda who, _run: ["next", who, ACTION, "--due", DUE])
ADD = FupCommand("add", '`fup add "NAME" --email UNIQUE`',
                 lambda _who, run: ["add", newcomer(run)[0], "--email", newcomer(run)[1]], who=False)
SHOW = FupCommand("show", "`fup show WHO`", lambda who, _run: ["show", who], writes=False)
DONE = FupCommand("done", "`fup done WHO`", lambda who, _run: ["done", who], open_commitment=True)

ANNOTATE = TaskCommand("annotate", '`task N annotate "…"`', lambda n, _run: [str(n), "annotate", LOG_NOTE])
TASK_ADD_DUE = TaskCommand("add-due", '`task add "…" due:D`', lambda _n, _run: ["add", ACTION, f"due:{DUE}"])
TASK_ADD = TaskCommand("add", '`task add "…"`', lambda _n, run: ["add", f"Follow up with {newcomer(run)[0]}"])
INFO = TaskCommand("info", "`task N info`", lambda n, _run: [str(n), "info"], writes=False)
TASK_DONE = TaskCommand("done", "`task N done`", lambda n, _run: [str(n), "done"])

EVERYDAY: tuple[tuple[FupCommand, TaskCommand], ...] = (
    (LOG, ANNOTATE), (NEXT, TASK_ADD_DUE), (ADD, TASK_ADD), (SHOW, INFO), (DONE, TASK_DONE),
)


def targets(bench: Bench, command: FupCommand, size: int) -> list[int]:
    return (bench.open_targets if command.open_commitment else bench.log_targets).get(size, [])


def lacking_targets(bench: Bench, command: FupCommand, sizes: tuple[int, ...]) -> str | None:
    """Why the dataset of a size has no contact for `command`, or None."""
    if not command.who:
        return None
    for size in sizes:
        if not targets(bench, command, size):
            wanted = " with exactly one open commitment" if command.open_commitment else ""
            return f"the {size_label(size)} dataset has no active contact of about 20 touches{wanted}"
    return None


def fup_probe(bench: Bench, command: FupCommand, size: int, side: str, scratch: list[Path]) -> Probe:
    """`command` at `size`: on a copy of the database (added to `scratch`) when it writes."""
    home = bench.homes[size]
    if command.writes:
        home = bench.scratch / f"{command.name}-{side}-{size_label(size)}"
        if not bench.dry:
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(bench.homes[size], home)
            scratch.append(home)
    return command_probe(bench, command, size, bench.fup_env(home), f"fup {command.name} @{size_label(size)}")


def command_probe(bench: Bench, command: FupCommand, size: int, env: dict[str, str], label: str) -> Probe:
    """`command` with `env` (its database): each run on a different contact of the size's targets."""
    chosen = targets(bench, command, size)

    def who(run: int) -> str:
        return str(chosen[run % len(chosen)]) if chosen else ""

    def prepare(run: int) -> None:
        if command.open_commitment and run >= len(chosen):  # an earlier run closed its commitment
            run_process([bench.fup, "next", who(run), ACTION, "--due", DUE], env)
        if command.before is not None:
            run_process([bench.fup, *command.before(who(run), run)], env)

    needs_prepare = command.before is not None or command.open_commitment
    return Probe(label, lambda run: [bench.fup, *command.argv(who(run), run)], env,
                 prepare if needs_prepare else None)


def _stride(count: int, stride: int = 613) -> int:
    while math.gcd(stride, count) != 1:
        stride += 1
    return stride


def task_probe(bench: Bench, command: TaskCommand, scratch: list[Path]) -> Probe:
    """`command` on the Taskwarrior data of the mid size: a different pending task id each run.

    The ids are spread over the pending list and distinct for every run, and stay below the
    count less the runs, so one still names a pending task after `done` has renumbered the list.
    """
    env = bench.task_env
    if command.writes and bench.task_dir is not None and not bench.dry:
        copy = bench.scratch / f"task-{command.name}"
        env = taskwarrior.copy(bench.task_dir, copy)
        scratch.append(copy)
    span = max(1, bench.task_count - bench.runs - WARMUP - 1)
    stride = _stride(span)
    task = bench.peers["task"]
    return Probe(f"task {command.name} @{size_label(bench.mid)}",
                 lambda run: [task, *command.argv(1 + run * stride % span, run)], dict(env or {}))


def fup_vs_task(fup: FupCommand, task: TaskCommand, bench: Bench) -> Pair:
    mid = size_label(bench.mid)
    pair = Pair(f"{fup.shown} @{mid} vs {task.shown} @{mid} pending", 1.0)
    pair.skipped = bench.lacking((bench.mid,), ("task",)) or lacking_targets(bench, fup, (bench.mid,))
    if pair.skipped is None:
        pair.a = fup_probe(bench, fup, bench.mid, "a", pair.scratch)
        pair.b = [task_probe(bench, task, pair.scratch)]
        pair.runs = bench.runs
    return pair


def fup_big_vs_small(fup: FupCommand, bench: Bench) -> Pair:
    pair = Pair(f"{fup.shown} @{size_label(bench.big)} vs @{size_label(bench.small)}", 1.3)
    sizes = (bench.big, bench.small)
    pair.skipped = bench.lacking(sizes) or lacking_targets(bench, fup, sizes)
    if pair.skipped is None:
        pair.a = fup_probe(bench, fup, bench.big, "a", pair.scratch)
        pair.b = [fup_probe(bench, fup, bench.small, "b", pair.scratch)]
        pair.runs = bench.runs
    return pair


def _contacts_import(bench: Bench) -> tuple[Probe, Probe]:
    """`fup import contacts` of the largest dataset into a FUP_HOME whose database exists and is
    empty (a fresh copy each run), and `sqlite-utils insert` of the same file into a new database
    (the same probes for the time pair and the memory pair). A home without a database would add
    the creation of the schema (Alembic, once per home: about 1 s and 36 MiB), the same for any
    file, to what is measured here: how the import grows with the file."""
    big = size_label(bench.big)
    source = str(bench.contacts_csv[bench.big])
    home, fresh_db = bench.scratch / "import-home", bench.scratch / "fresh.db"
    template = bench.scratch / "empty-home"

    def fresh_home(_run: int) -> None:
        if not (template / "fup.db").exists():  # (made once: an import of a header alone makes the schema)
            template.mkdir(parents=True, exist_ok=True)
            header = template.parent / "header.csv"
            with open(source, encoding="utf-8") as handle:
                header.write_text(handle.readline(), encoding="utf-8")
            run_process([bench.fup, "import", "contacts", str(header)], bench.fup_env(template))
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(template, home)

    fup = Probe(f"fup import contacts {big}", fixed([bench.fup, "import", "contacts", source]),
                bench.fup_env(home), prepare=fresh_home)
    peer = Probe(f"sqlite-utils insert {big}",
                 fixed([bench.peers["sqlite-utils"], "insert", str(fresh_db), "contacts", source, "--csv"]),
                 dict(os.environ), prepare=lambda _run: fresh_db.unlink(missing_ok=True))
    return fup, peer


def _lacking_contacts_file(bench: Bench) -> str | None:
    missing = None if bench.big in bench.contacts_csv else f"no {size_label(bench.big)} dataset"
    return bench.lacking(peers=("sqlite-utils",)) or missing


def _contacts_pair(bench: Bench, pair: Pair) -> Pair:
    """`pair` (time or memory) of the contacts import against sqlite-utils; both share their runs."""
    pair.skipped = _lacking_contacts_file(bench)
    if pair.skipped is None:
        pair.a, peer = _contacts_import(bench)
        pair.b = [peer]
        pair.runs = bench.heavy_runs
        pair.shared = bench.samples
    return pair


def import_vs_sqlite_utils(bench: Bench) -> Pair:
    big = size_label(bench.big)
    return _contacts_pair(bench, Pair(f"`fup import contacts` {big} rows vs `sqlite-utils insert --csv`", 1.0))


def memory_import_vs_sqlite_utils(bench: Bench) -> Pair:
    big = size_label(bench.big)
    return _contacts_pair(bench, Pair(f"peak memory: `fup import contacts` {big} rows vs `sqlite-utils insert --csv`",
                                      1.5, metric=MEMORY))


# --- the history: touches and commitments ------------------------------------------------


def contacts_only_home(bench: Bench, size: int) -> Path:
    """A FUP_HOME holding the contacts of a size and nothing else (`fup import contacts` of its
    contacts.csv into an empty home), for the pairs that import the history into a copy of it.
    Made on first use and cached beside the size's loaded database (so it goes with it)."""
    directory = bench.homes[size].parent / "contacts-only"
    home, marker = directory / "home", directory / "made"
    if not marker.exists():
        shutil.rmtree(directory, ignore_errors=True)
        home.mkdir(parents=True)
        run_process([bench.fup, "import", "contacts", str(bench.contacts_csv[size])], bench.fup_env(home))
        marker.write_text("", encoding="utf-8")
    return home


def _history_rows(bench: Bench, what: str) -> str:
    """How many rows the largest dataset's touches or commitments file holds, as a title shows it."""
    manifest = datagen.load_manifest(bench.datasets[bench.big]) if bench.big in bench.datasets else None
    count = getattr(manifest, what, 0) if manifest is not None else 0
    if not count:
        return f"@{size_label(bench.big)}"
    return f"{count / 1_000_000:.0f}M rows" if count >= 1_000_000 else f"{count / 1000:.0f}k rows"


def _history_import(bench: Bench, what: str, pair: Pair) -> None:
    """`fup import touches|commitments` of the largest dataset's file into a copy of its contacts-only
    home, against `sqlite-utils insert` of the same file into a new database; the same probes
    for the time pair and the memory pair (their samples are shared: `Pair.shared`)."""
    big = size_label(bench.big)
    pair.skipped = bench.lacking((bench.big,), ("sqlite-utils",))
    if pair.skipped is None and bench.big not in bench.datasets:
        pair.skipped = f"no {big} dataset"
    if pair.skipped is not None:
        return
    source = str(datagen.csv_path(bench.datasets[bench.big], what))
    home, fresh_db = bench.scratch / f"import-{what}-home", bench.scratch / f"fresh-{what}.db"
    template = bench.scratch / "contacts-only"  # (dry: never used)
    if not bench.dry:
        try:
            template = contacts_only_home(bench, bench.big)
        except CommandFailed as exc:
            pair.skipped = f"the contacts-only database could not be made: {exc}"
            return

    def fresh_home(_run: int) -> None:
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(template, home)

    pair.scratch.append(home)
    pair.a = Probe(f"fup import {what} {big}", fixed([bench.fup, "import", what, source]), bench.fup_env(home),
                   prepare=fresh_home)
    pair.b = [Probe(f"sqlite-utils insert {what} {big}",
                    fixed([bench.peers["sqlite-utils"], "insert", str(fresh_db), what, source, "--csv"]),
                    dict(os.environ), prepare=lambda _run: fresh_db.unlink(missing_ok=True))]
    pair.runs = bench.heavy_runs
    pair.shared = bench.samples


def import_touches_vs_sqlite_utils(bench: Bench) -> Pair:
    pair = Pair(f"`fup import touches` {_history_rows(bench, 'touches')} vs `sqlite-utils insert --csv`", 1.0)
    _history_import(bench, "touches", pair)
    return pair


def memory_import_touches_vs_sqlite_utils(bench: Bench) -> Pair:
    pair = Pair(f"peak memory: `fup import touches` {_history_rows(bench, 'touches')} vs `sqlite-utils insert --csv`",
                1.5, metric=MEMORY)
    _history_import(bench, "touches", pair)
    return pair


def memory_import_commitments_vs_sqlite_utils(bench: Bench) -> Pair:
    rows = _history_rows(bench, "commitments")
    pair = Pair(f"peak memory: `fup import commitments` {rows} vs `sqlite-utils insert --csv`", 1.5, metric=MEMORY)
    _history_import(bench, "commitments", pair)
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


def list_vs_export(fmt: str, bench: Bench) -> Pair:
    """`fup list --format json|csv` (every contact, with what it is due for next) against
    `fup export contacts` (CSV formatted by SQLite) on the same database."""
    big = size_label(bench.big)
    pair = Pair(f"`fup list --format {fmt}` @{big} vs `fup export contacts` @{big}", 1.5)
    pair.skipped = bench.lacking((bench.big,))
    if pair.skipped is None:
        env = bench.fup_env(bench.homes[bench.big])
        pair.a = Probe(f"fup list -f {fmt} @{big}", fixed([bench.fup, "list", "--format", fmt]), env)
        pair.b = [Probe(f"fup export contacts @{big}", fixed([bench.fup, "export", "contacts"]), env)]
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


def memory_log_vs_annotate(bench: Bench) -> Pair:
    big, mid = size_label(bench.big), size_label(bench.mid)
    pair = Pair(f"peak memory: {LOG.shown} @{big} vs {ANNOTATE.shown} @{mid}", 1.0, metric=MEMORY)
    pair.skipped = bench.lacking((bench.big, bench.mid), ("task",)) or lacking_targets(bench, LOG, (bench.big,))
    if pair.skipped is None:
        pair.a = fup_probe(bench, LOG, bench.big, "a", pair.scratch)
        pair.b = [task_probe(bench, ANNOTATE, pair.scratch)]
        pair.runs = bench.runs
    return pair


# --- fup on PostgreSQL against fup on SQLite ------------------------------------------


def today_postgres_vs_sqlite(bench: Bench) -> Pair:
    mid = size_label(bench.mid)
    pair = Pair(f"`fup today` @{mid} on PostgreSQL vs on SQLite", 1.5)
    pair.skipped = bench.lacking((bench.mid,)) or bench.lacking_postgres(bench.mid)
    if pair.skipped is None:
        assert bench.postgres is not None
        sqlite_env = bench.fup_env(bench.homes[bench.mid])
        pair.note = bench.postgres.differs(bench.mid, sqlite_env)
        pair.a = Probe(f"fup today @{mid} PostgreSQL", fixed([bench.fup, "today"]),
                       bench.postgres.env(bench.postgres.url(bench.mid)))
        pair.b = [Probe(f"fup today @{mid} SQLite", fixed([bench.fup, "today"]), sqlite_env)]
        pair.runs = bench.runs
    return pair


def log_postgres_vs_sqlite(bench: Bench) -> Pair:
    """`fup log` as in the log pairs: the same contacts, in the same order, renamed first (untimed).

    Each side writes on its own copy of the same loaded data: SQLite on a copy of the file
    (fup_probe), PostgreSQL on a clone of the loaded database (CREATE DATABASE ... TEMPLATE),
    so the two run the same commands on the same rows, and the loaded database that
    `fup today` reads is never written.
    """
    mid = size_label(bench.mid)
    pair = Pair(f"{LOG.shown} @{mid} on PostgreSQL vs on SQLite", 1.5)
    pair.skipped = (bench.lacking((bench.mid,)) or lacking_targets(bench, LOG, (bench.mid,))
                    or bench.lacking_postgres(bench.mid))
    if pair.skipped is None:
        assert bench.postgres is not None
        pair.note = bench.postgres.differs(bench.mid, bench.fup_env(bench.homes[bench.mid]))
        try:
            url = bench.postgres.clone(bench.mid, LOG.name)
        except Unavailable as exc:
            pair.skipped = str(exc)
            return pair
        pair.a = command_probe(bench, LOG, bench.mid, bench.postgres.env(url), f"fup log @{mid} PostgreSQL")
        sqlite = fup_probe(bench, LOG, bench.mid, "sqlite", pair.scratch)
        sqlite.label = f"fup log @{mid} SQLite"
        pair.b = [sqlite]
        pair.runs = bench.runs
    return pair


# --- fup sync mail ----------------------------------------------------------------------


def sync_probe(bench: Bench, template: Path, label: str, scratch: list[Path]) -> Probe:
    """`fup sync mail --maildir DIR` into a fresh copy of `template` each run (copied untimed)."""
    assert bench.mail is not None
    home = bench.scratch / label.replace(" ", "-")
    scratch.append(home)

    def prepare(_run: int) -> None:
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(template, home)

    return Probe(label, fixed([bench.fup, "sync", "mail", "--maildir", str(bench.mail.maildir)]),
                 bench.fup_env(home), prepare)


def sync_mail_vs_stdlib(bench: Bench) -> Pair:
    count = size_label(bench.mail_messages)
    pair = Pair(f"`fup sync mail --maildir` {count} messages vs a stdlib header-parsing loop", 1.5)
    pair.skipped = bench.lacking_mail()
    if pair.skipped is None:
        assert bench.mail is not None
        pair.a = sync_probe(bench, bench.mail.home, f"fup sync mail {count}", pair.scratch)
        loop = str(Path(__file__).resolve().parent / "headerloop.py")
        pair.b = [Probe(f"BytesHeaderParser loop {count}", fixed([bench.python, loop, str(bench.mail.maildir)]),
                        dict(os.environ))]
        pair.runs = bench.heavy_runs
    return pair


def sync_mail_again_vs_first(bench: Bench) -> Pair:
    count = size_label(bench.mail_messages)
    pair = Pair("`fup sync mail` again, nothing new, vs the first run", 0.2)
    pair.skipped = bench.lacking_mail()
    if pair.skipped is None:
        assert bench.mail is not None
        pair.a = sync_probe(bench, bench.mail.synced, f"fup sync mail again {count}", pair.scratch)
        pair.b = [sync_probe(bench, bench.mail.home, f"fup sync mail first {count}", pair.scratch)]
        pair.runs = bench.heavy_runs
    return pair


def review_vs_today(bench: Bench) -> Pair:
    """`fup review` to its first row and key prompt, on a pseudo-terminal (firstrow.py answers `q`),
    against `fup today` on the same database."""
    mid = size_label(bench.mid)
    pair = Pair(f"`fup review` to the first row @{mid} vs `fup today` @{mid}", 3.0)
    pair.skipped = bench.lacking((bench.mid,))
    if pair.skipped is None:
        env = bench.fup_env(bench.homes[bench.mid])
        wrapper = str(Path(__file__).with_name("firstrow.py"))
        pair.a = Probe(f"fup review first row @{mid}", fixed([bench.python, wrapper, bench.fup, "review"]), env)
        pair.b = [Probe(f"fup today @{mid}", fixed([bench.fup, "today"]), env)]
        pair.runs = bench.runs
    return pair


def stats_vs_export(bench: Bench) -> Pair:
    """`fup stats` reads the whole touch history and prints a page; `fup export touches` prints it all."""
    big = size_label(bench.big)
    pair = Pair(f"`fup stats` @{big} vs `fup export touches` @{big}", 0.5)
    pair.skipped = bench.lacking((bench.big,))
    if pair.skipped is None:
        env = bench.fup_env(bench.homes[bench.big])
        pair.a = Probe(f"fup stats @{big}", fixed([bench.fup, "stats"]), env)
        pair.b = [Probe(f"fup export touches @{big}", fixed([bench.fup, "export", "touches"]), env)]
        pair.runs = bench.heavy_runs
    return pair


PAIRS: tuple[Callable[[Bench], Pair], ...] = (
    today_vs_task,
    *(partial(fup_vs_task, fup, task) for fup, task in EVERYDAY),
    today_big_vs_small,
    *(partial(fup_big_vs_small, fup) for fup, _task in EVERYDAY),
    import_vs_sqlite_utils,
    memory_import_vs_sqlite_utils,
    import_touches_vs_sqlite_utils,
    memory_import_touches_vs_sqlite_utils,
    memory_import_commitments_vs_sqlite_utils,
    export_vs_sqlite3,
    partial(list_vs_export, "json"),
    partial(list_vs_export, "csv"),
    completion_vs_version,
    version_vs_python,
    memory_today_vs_task,
    memory_log_vs_annotate,
    sync_mail_vs_stdlib,
    sync_mail_again_vs_first,
    review_vs_today,
    stats_vs_export,
    today_postgres_vs_sqlite,
    log_postgres_vs_sqlite,
)
