"""The results: the machine, the datasets, each pair's medians and ratio against its target,
and each sanity check's median against its limit.

`render` gives the Markdown of RESULTS.md; `results_table` and `sanity_table` are also printed.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

from datagen import Manifest
from pairs import ACTION, DUE, FUP_NOW, LOG_NOTE, MEMORY, Pair
from sanity import LIMIT, NEW_TITLE, Check

DATASET_HEADER = ["contacts", "touches", "commitments", f"due on {FUP_NOW[:10]}",
                  "import contacts", "import touches", "import commitments"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release()["PRETTY_NAME"]
    except (OSError, KeyError):
        return platform.platform()


def _revision() -> str:
    """The checkout's commit, marked when it has uncommitted changes ('' outside a git checkout)."""
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty=+changes"], cwd=Path(__file__).parent,
                              check=False, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return ""
    return f" (commit {done.stdout.strip()})" if done.returncode == 0 else ""


def machine(fup: str, peer_versions: dict[str, str]) -> list[tuple[str, str]]:
    """What the numbers were measured on, and with which versions."""
    fup_version = subprocess.run([fup, "--version"], check=False, stdout=subprocess.PIPE, text=True).stdout.strip()
    rows = [
        ("CPU", _cpu_model()),
        ("cores", str(os.cpu_count())),
        ("memory", _memory()),
        ("OS", f"{_os_name()} ({platform.machine()}, Linux {platform.release()})"),
        ("Python", platform.python_version()),
        ("fup", fup_version.removeprefix("fup ") + _revision()),
    ]
    rows += sorted(peer_versions.items())
    rows.append(("load average (1, 5, 15 min) at the end", " ".join(f"{load:.2f}" for load in os.getloadavg())))
    rows.append(("date", datetime.now().strftime("%Y-%m-%d %H:%M")))
    return rows


def _value(value: float | None, metric: str) -> str:
    if value is None:
        return "–"
    if metric == MEMORY:
        return f"{value / 1024:.1f} MiB"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _cell(text: str, limit: int = 300) -> str:
    """Text that fits in one Markdown table cell."""
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def results_table(pairs: list[Pair]) -> str:
    if not pairs:
        return "No pair was run (`--only` selected none)."
    rows = []
    for pair in pairs:
        if pair.ratio is None:
            result = _cell(f"not run: {pair.skipped}" if pair.skipped else "not run")
            ratio = "–"
        else:
            result = "met" if pair.met else "**NOT met**"
            if pair.note:
                result = _cell(f"{result}; {pair.note}")
            ratio = f"{pair.ratio:.2f}"
        rows.append([
            pair.title, _value(pair.a_value, pair.metric), _value(pair.b_value, pair.metric), ratio,
            f"≤ {pair.target:g}", result, str(pair.runs or "–"),
        ])
    return _table(["comparison (A vs B)", "median A", "median B", "A/B", "target", "result", "runs"], rows)


def sanity_table(checks: list[Check]) -> str:
    if not checks:
        return "No sanity check was run (`--only` selected none)."
    rows = []
    for check in checks:
        if check.value is None:
            result = _cell(f"not run: {check.skipped}" if check.skipped else "not run")
        else:
            result = "met" if check.met else "**NOT met**"
        rows.append([check.title, _value(check.value, "time"), f"< {_value(check.limit, 'time')}", result,
                     str(check.runs or "–")])
    return _table(["command", "median", "target", "result", "runs"], rows)


def render(machine_rows: list[tuple[str, str]], datasets: list[list[str]], pairs: list[Pair],
           checks: list[Check], phases: list[tuple[str, float]], command: str,
           postgres_loads: list[list[str]] | None = None) -> str:
    parts = [
        "# fup benchmarks",
        "",
        "Whole commands, run as separate processes with their output to /dev/null, with",
        f"`FUP_NOW={FUP_NOW}`. Each pair runs interleaved (A, B, A, B, ...) after one",
        "untimed warm-up round; the medians are compared. Peak memory is each process's",
        "own maximum resident set size (from `wait4`). A side made of two commands is the",
        "sum of their medians, each measured on its own.",
        "",
        "## Machine",
        "",
        _table(["", ""], [[key, value] for key, value in machine_rows]),
        "",
        "## Results",
        "",
        results_table(pairs),
        "",
        "## Sanity",
        "",
        "fup's other everyday commands have no counterpart to pair them with: each runs on",
        f"its own, and its median must stay under {_value(LIMIT, 'time')}.",
        "",
        sanity_table(checks),
        "",
        "## What is compared",
        "",
        "- `fup today` against `task next`: Taskwarrior holds one pending task per contact",
        "  that is not closed, due on the contact's `next_due` from `fup export contacts`,",
        "  imported with `task import` into a private data directory and taskrc.",
        "- The everyday commands on one contact, at 10k, against Taskwarrior's nearest",
        "  equivalent on the same pending tasks as `task next`:",
        f"  - `fup log \"surname first\" email --note \"{LOG_NOTE}\"` against `task N annotate \"{LOG_NOTE}\"`:",
        "    fup finds the contact the way people type names (`quill00007 rowan` for Rowan",
        "    Quill00007), its slowest lookup that finds someone, so the time includes it; the",
        "    generated pipeline repeats names, so each run's contact is renamed first, untimed;",
        f"  - `fup next WHO \"{ACTION}\" --due {DUE}` against",
        f"    `task add \"{ACTION}\" due:{DUE}`;",
        "  - `fup add \"NAME\" --email EMAIL` against `task add \"Follow up with NAME\"`, with",
        "    a new name and email each run;",
        "  - `fup show WHO` against `task N info`;",
        "  - `fup done WHO` against `task N done`.",
        "- WHO is a different contact each run (by id, but for `fup log`): one of the active contacts with",
        "  about 20 touches (for `done` and `drop`, those of them with exactly one open commitment;",
        "  should the runs outnumber them, one is recorded first with `fup next`, untimed).",
        "  N is a different pending task each run, spread over the list.",
        "- Whatever writes runs on copies made for its pair or check: of fup's database, and",
        "  of Taskwarrior's data directory; the copies are removed once it is measured, so runs",
        "  never pile up on the cached data. `fup show`, `fup list` and `task N info` read the",
        "  cached data itself.",
        "- The same five fup commands at the largest size against the smallest, on the same",
        "  kind of contact, each size on its own copy: the time of a command on one contact",
        "  should not grow with the number of contacts.",
        "- Peak memory: `fup today` at the largest size against `task next` at 10k, and",
        "  `fup log` at the largest size against `task N annotate` at 10k.",
        "- The sanity checks run at 10k in the same way: `fup undo` takes back a",
        "  `fup log WHO call` made just before it, untimed; `fup snooze WHO fri`,",
        "  `fup drop WHO`, `fup state WHO nurture` and",
        f"  `fup edit WHO --title \"{NEW_TITLE}\"` change a different contact each run;",
        "  `fup list` prints every contact as a table.",
        "- `fup import contacts` goes each run into a fresh copy of a FUP_HOME whose database",
        "  exists and is empty (the schema made once, by Alembic, costs about 1 s and 36 MiB",
        "  in a new home, for any file), and `sqlite-utils insert fresh.db contacts FILE",
        "  --csv` into a new database, from the same file; the peak memory of the same runs",
        "  is compared too.",
        "- `fup import touches` (the largest dataset's 2M rows) and `fup import commitments`",
        "  go each run into a fresh copy of a FUP_HOME holding the dataset's contacts alone",
        "  (made once with `fup import contacts` and cached beside its database), against",
        "  `sqlite-utils insert fresh.db touches FILE --csv` into a new database: time and peak",
        "  memory (touches), peak memory (commitments). fup checks every row and re-plans the",
        "  contacts the new rows belong to; sqlite-utils only inserts. A time pair and a",
        "  memory pair of the same commands share their runs.",
        "- `fup list --format json` and `--format csv` (every contact, with the item it is due",
        "  for next and its open commitments, by name) against `fup export contacts` (CSV,",
        "  formatted by SQLite, by id) on the same database.",
        "- `fup export contacts` and `sqlite3 -csv DB 'select * from contact'` read the same",
        "  database.",
        "- Name completion is `_FUP_COMPLETE=complete_bash COMP_WORDS='fup log An'",
        "  COMP_CWORD=2 fup`.",
        "- The pairs that import or export a whole large database run fewer times.",
        "- fup on PostgreSQL against fup on SQLite, at 10k: `fup today`, and `fup log` as",
        "  in the pairs above (the same contacts in the same order, renamed first, untimed).",
        "  The PostgreSQL server is FUP_TEST_PG's when that is set, else a throwaway",
        "  cluster from `tests/pgserver.py` (initdb into a temp directory, fsync and",
        "  synchronous_commit off), on 127.0.0.1 over TCP; fup gets its URL in FUP_DB. Its",
        "  database is loaded anew each run from the same CSV files with the same three",
        "  `fup import` commands, then `VACUUM ANALYZE`d (the steady state autovacuum",
        "  reaches). `fup log` writes on a clone of it (`CREATE DATABASE ... TEMPLATE`), as",
        "  the SQLite side writes on a copy of the file. The timed commands log in as a",
        "  teammate's role, no superuser (row-level security applies), that owns every",
        "  contact. Without a server these pairs are reported as not run, with the reason.",
        "- `fup sync mail --maildir DIR` against `python headerloop.py DIR` (every message file",
        "  of the same Maildir opened and parsed by `email.parser.BytesHeaderParser`: the floor",
        "  for reading the headers, with no addresses, dates or database). DIR is a Maildir++",
        "  tree written by mailgen.py from a fixed seed (50k messages, 30% in `.Sent`; Gmail,",
        "  Outlook and list-server header shapes of 1.5-4 KB); each fup run syncs into a fresh",
        "  copy of a home holding `me` and 2,000 contacts, whose addresses are in about 10% of",
        "  the messages. A second `fup sync mail` over the same Maildir (nothing new) against",
        "  that first run.",
        "- `fup review` at 10k on a pseudo-terminal (firstrow.py: it answers the first key prompt",
        "  with `q`; the wrapper's own Python start counts against review) against `fup today`.",
        "- `fup stats` (the default 12 weeks) at the largest size against `fup export touches` of",
        "  the same database: both read the whole touch history; one prints a page.",
        "",
        "## Datasets",
        "",
        "Generated from a fixed seed in fup's own CSV export format and loaded with",
        "`fup import contacts`, then `touches`, then `commitments` (the load times and peak",
        "memory are of the run that built each database; later runs reuse it).",
        "",
        _table(DATASET_HEADER, datasets),
        "",
        *_postgres_loads(postgres_loads or []),
        "## This run",
        "",
        _table(["phase", "time"], [[name, f"{seconds:.1f} s"] for name, seconds in phases]),
        "",
        "## Rerun",
        "",
        "```sh",
        "make bench",
        "```",
        "",
        "installs what is missing (Taskwarrior and the sqlite3 shell with apt-get,",
        "sqlite-utils with pip into `.venv`), generates and loads the datasets once (cached",
        "under `benchmarks/.data/`, keyed by size, generator version and fup's storage",
        "layout), and rewrites this file. `make bench BENCH_ARGS=--quick` runs 1k and 10k",
        "with fewer runs; `BENCH_ARGS='--sizes 1000,10000 --runs 9'` and `--reload` (rebuild",
        "the databases) are there too; `--only TEXT` runs only the pairs and checks whose",
        "title contains TEXT (e.g. `--only PostgreSQL`), and `--results FILE` writes",
        f"elsewhere. This file was written by `{command}`.",
        "",
    ]
    return "\n".join(parts)


def dataset_row(manifest: Manifest, load: dict) -> list[str]:
    """A row of the datasets table: the counts, then each import's time and peak memory."""
    cells = [f"{manifest.contacts:,}", f"{manifest.touches:,}", f"{manifest.commitments:,}",
             f"{load['due']:,}" if load else "–"]
    for what in ("contacts", "touches", "commitments"):
        done = load["imports"][what] if load else None
        cells.append(f"{done['seconds']:.1f} s, {done['peak_kib'] / 1024:.0f} MiB" if done else "not loaded")
    return cells


POSTGRES_HEADER = ["PostgreSQL database", f"due on {FUP_NOW[:10]}",
                   "import contacts", "import touches", "import commitments"]


def postgres_rows(loads: dict[int, dict]) -> list[list[str]]:
    """A row for each size loaded into PostgreSQL this run: its due count, each import's time and peak memory."""
    rows = []
    for size, load in sorted(loads.items()):
        cells = [f"{size:,} contacts", f"{load['due']:,}"]
        for what in ("contacts", "touches", "commitments"):
            done = load["imports"][what]
            cells.append(f"{done['seconds']:.1f} s, {done['peak_kib'] / 1024:.0f} MiB")
        rows.append(cells)
    return rows


def _postgres_loads(rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    return [
        "The PostgreSQL pairs' database, loaded from the same dataset during this run",
        "(peak memory is fup's, not the server's):",
        "",
        _table(POSTGRES_HEADER, rows),
        "",
    ]
