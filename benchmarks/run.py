"""fup's benchmarks: `make bench` runs this with the project's virtualenv.

1. peers: Taskwarrior, the sqlite3 shell and sqlite-utils, installed when missing;
2. data: for each size, a generated dataset (datagen.py) and a database loaded
   from it with `fup import contacts`, `touches`, `commitments`, both cached under
   benchmarks/.data/ (datasets by size and generator version, databases also by
   fup's version and the schema it creates);
3. Taskwarrior: one pending task per open contact of the 10k database;
4. pairs: each comparison of pairs.py, interleaved runs, medians, ratio; the last
   two on PostgreSQL (postgres.py), whose server is started and loaded from the
   10k dataset only when they run, and stopped once the pairs are done;
5. sanity: each command of sanity.py on its own, its median against a limit;
6. report: the tables printed, and RESULTS.md written with the machine.

fup is used only through its command line: the `fup` script beside this Python.
Usage: run.py [--sizes 1000,10000,100000] [--quick] [--runs N] [--reload]
              [--only TEXT ...] [--results FILE]
--only runs only the pairs and sanity checks whose title contains TEXT (any of
them, case-insensitive), e.g. `--only PostgreSQL`.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import partial
from pathlib import Path

import datagen
import postgres
import report
import taskwarrior
import sanity
from pairs import FUP_NOW, PAIRS, Bench, Pair, measure, size_label
from peers import ensure_peers
from timing import CommandFailed, Sample, run_process

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
RESULTS = HERE / "RESULTS.md"
LOADED = "load.json"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
RUNS, QUICK_RUNS = 15, 5


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark fup against Taskwarrior, sqlite-utils and sqlite3, and on PostgreSQL against SQLite.")
    parser.add_argument("--sizes", help="contact counts, comma-separated (default 1000,10000,100000)")
    parser.add_argument("--quick", action="store_true", help="sizes 1000,10000 and fewer runs, for development")
    parser.add_argument("--runs", type=int, help=f"timed runs per command (default {RUNS}, quick {QUICK_RUNS})")
    parser.add_argument("--reload", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only the pairs and sanity checks whose title contains TEXT (case-insensitive; "
                             "repeat for several), e.g. --only PostgreSQL")
    parser.add_argument("--results", type=Path, default=RESULTS, metavar="FILE",
                        help=f"where to write the results (default {RESULTS.relative_to(HERE.parent)})")
    args = parser.parse_args(argv)
    if args.sizes:
        args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    else:
        args.sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    args.runs = args.runs or (QUICK_RUNS if args.quick else RUNS)
    return args


class Phases:
    """Names and durations of what this run did, printed as it goes."""

    def __init__(self) -> None:
        self.done: list[tuple[str, float]] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        print(f"[{name}]", flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self.done.append((name, seconds))
            print(f"  ({seconds:.1f} s)", flush=True)


# --- fup's storage ----------------------------------------------------------------


def _probe_contacts(path: Path) -> None:
    row = dict.fromkeys(datagen.CONTACT_COLUMNS, "")
    row.update(id="1", name="Probe Person", cadence="warm", state="active", created_at="2026-01-01T09:00:00")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, datagen.CONTACT_COLUMNS)
        writer.writeheader()
        writer.writerow(row)


def storage_key(bench: Bench) -> str:
    """A short hash of fup's version and the schema it creates; checks its export columns on the way."""
    home, sample = bench.scratch / "probe", bench.scratch / "probe.csv"
    _probe_contacts(sample)
    env = bench.fup_env(home)
    run_process([bench.fup, "import", "contacts", str(sample)], env)
    for what, columns in datagen.FILES.items():
        shown = subprocess.run([bench.fup, "export", what], env=env, stdout=subprocess.PIPE, text=True, check=True)
        header = shown.stdout.splitlines()[0].split(",")
        if header != list(columns):
            raise SystemExit(f"`fup export {what}` has columns {header}; datagen.py writes {list(columns)}: update it")
    with closing(sqlite3.connect(f"file:{home / 'fup.db'}?mode=ro", uri=True)) as conn:
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    version = subprocess.run([bench.fup, "--version"], stdout=subprocess.PIPE, text=True, check=True).stdout
    return hashlib.sha256(repr((version, schema)).encode()).hexdigest()[:12]


# --- data ---------------------------------------------------------------------------


def _prune(keep: Path, pattern: str) -> None:
    """Remove the siblings of `keep` matching `pattern`: caches of other versions."""
    for stale in keep.parent.glob(pattern):
        if stale != keep:
            shutil.rmtree(stale, ignore_errors=True)


def ensure_dataset(size: int) -> tuple[Path, datagen.Manifest]:
    directory = DATA / f"gen{datagen.GENERATOR_VERSION}-{size}"
    manifest = datagen.load_manifest(directory)
    if manifest is None:
        _prune(directory, f"gen*-{size}")
        manifest = datagen.generate(size, directory)
        print(f"  generated {manifest.contacts:,} contacts, {manifest.touches:,} touches, "
              f"{manifest.commitments:,} commitments")
    else:
        print("  cached")
    return directory, manifest


def _output(argv: list[str], env: dict[str, str]) -> tuple[str, Sample]:
    with tempfile.TemporaryFile() as said:
        sample = run_process(argv, env, stdout=said)
        said.seek(0)
        return said.read().decode("utf-8", "replace"), sample


def load_database(bench: Bench, dataset: Path, db_dir: Path) -> dict:
    """Import the dataset's three files into a new FUP_HOME under `db_dir`.

    Returns each import's time and peak memory, and how many rows `fup today` has to rank.
    """
    shutil.rmtree(db_dir, ignore_errors=True)
    load = import_dataset(bench, dataset, bench.fup_env(db_dir / "home"))
    (db_dir / LOADED).write_text(json.dumps(load), encoding="utf-8")
    return load


def import_dataset(bench: Bench, dataset: Path, env: dict[str, str]) -> dict:
    """`fup import contacts`, `touches`, `commitments` from the dataset into the database of `env`.

    Returns each import's time and peak memory, and how many rows `fup today` has to rank.
    """
    load: dict = {"imports": {}}
    for what in datagen.FILES:
        message, sample = _output([bench.fup, "import", what, str(datagen.csv_path(dataset, what))], env)
        print(f"  {message.strip()} ({sample.seconds:.1f} s, peak {sample.peak_kib / 1024:.0f} MiB)", flush=True)
        load["imports"][what] = {"seconds": sample.seconds, "peak_kib": sample.peak_kib}
    due, _ = _output([bench.fup, "export", "due"], env)
    load["due"] = len(due.splitlines()) - 1
    print(f"  {load['due']:,} contacts due on {FUP_NOW[:10]}")
    return load


def ensure_database(bench: Bench, dataset: Path, key: str, reload: bool) -> tuple[Path, dict]:
    db_dir = dataset / f"db-{key}"
    marker = db_dir / LOADED
    if marker.exists() and not reload:
        print("  cached")
        return db_dir, json.loads(marker.read_text(encoding="utf-8"))
    _prune(db_dir, "db-*")
    return db_dir, load_database(bench, dataset, db_dir)


def ensure_taskwarrior(bench: Bench, db_dir: Path, version: str, reload: bool) -> taskwarrior.TaskSetup:
    directory = db_dir / "taskwarrior"
    setup = None if reload else taskwarrior.cached(directory)
    if setup is None:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        export = directory / "contacts.csv"
        run_process([bench.fup, "export", "contacts", "-o", str(export)], bench.fup_env(db_dir / "home"))
        setup = taskwarrior.build(bench.peers["task"], version, export, directory)
        print(f"  task import of {setup.tasks:,} pending tasks: {setup.import_seconds:.1f} s")
    else:
        print(f"  cached: {setup.tasks:,} pending tasks")
    return setup


# --- the run ------------------------------------------------------------------------


def prepare_data(bench: Bench, phases: Phases, reload: bool) -> tuple[dict[int, Path], list[list[str]]]:
    """Datasets and databases for every size; the database directories and the datasets table."""
    with phases("check fup"):
        try:
            key = storage_key(bench)
        except CommandFailed as exc:
            raise SystemExit(f"fup cannot import a one-contact file, so nothing can be measured: {exc}") from None
        print(f"  storage key {key}")
    db_dirs, table = {}, []
    for size in bench.sizes:
        with phases(f"dataset {size_label(size)}"):
            dataset, manifest = ensure_dataset(size)
        bench.datasets[size] = dataset
        bench.contacts_csv[size] = datagen.csv_path(dataset, "contacts")
        bench.log_targets[size] = manifest.log_targets
        bench.open_targets[size] = datagen.open_commitment_targets(dataset, manifest)
        load: dict = {}
        with phases(f"load {size_label(size)}"):
            try:
                db_dirs[size], load = ensure_database(bench, dataset, key, reload)
                bench.homes[size] = db_dirs[size] / "home"
            except CommandFailed as exc:
                bench.unloaded[size] = str(exc)
                print(f"  loading failed: {exc}")
        table.append(report.dataset_row(manifest, load))
    return db_dirs, table


# --- which pairs and checks -----------------------------------------------------------


def _selected(title: str, only: list[str]) -> bool:
    return not only or any(text.lower() in title.lower() for text in only)


def choose(bench: Bench, only: list[str]) -> tuple[list, list]:
    """The pair and sanity-check builders whose titles --only selects (all without it).

    Titles come from building each on a dry copy of the bench: no database copied, no server started.
    """
    if not only:
        return list(PAIRS), list(sanity.CHECKS)
    dry = dataclasses.replace(bench, dry=True)
    pairs = [build for build in PAIRS if _selected(build(dry).title, only)]
    checks = [build for build in sanity.CHECKS if _selected(build(dry).title, only)]
    if not pairs and not checks:
        titles = [build(dry).title for build in PAIRS] + [build(dry).title for build in sanity.CHECKS]
        raise SystemExit(f"--only {' '.join(only)} selects nothing; the titles are:\n  " + "\n  ".join(titles))
    return pairs, checks


def measure_pairs(bench: Bench, builds: list, phases: Phases) -> list[Pair]:
    """Build and measure each pair in turn; PostgreSQL, if a pair started it, is stopped at the end."""
    pairs = []
    try:
        for build in builds:
            pair = build(bench)
            with phases(pair.title):
                pairs.append(measure(pair))
                print(f"  {pair.skipped}" if pair.skipped else f"  ratio {pair.ratio:.2f} (target ≤ {pair.target:g})")
                if pair.note:
                    print(f"  note: {pair.note}")
    finally:
        if bench.postgres is not None and bench.postgres.version is not None:
            with phases("PostgreSQL: stop"):
                bench.postgres.close()
        elif bench.postgres is not None:
            bench.postgres.close()
    return pairs


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    phases = Phases()
    # fup's bytecode, as an installed package has it: with PYTHONDONTWRITEBYTECODE set (as on
    # some machines) every run would otherwise compile the package again, which no user pays.
    import compileall
    import fupcli

    compileall.compile_dir(str(Path(fupcli.__file__).parent), quiet=1)
    scratch = DATA / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    bench = Bench(fup=str(Path(sys.executable).parent / "fup"), python=sys.executable, scratch=scratch,
                  sizes=args.sizes, runs=args.runs)
    bench.postgres = postgres.Postgres(bench, partial(import_dataset, bench), phases)
    with phases("peers"):
        peers = ensure_peers()
        bench.peers, bench.missing_peers = peers.paths, peers.missing
        for name, why in peers.missing.items():
            print(f"  {name} is not available ({why}): its comparisons will not run")
    db_dirs, datasets = prepare_data(bench, phases, args.reload)
    if "task" in bench.peers and bench.mid in bench.homes:
        with phases(f"taskwarrior {size_label(bench.mid)}"):
            try:
                setup = ensure_taskwarrior(bench, db_dirs[bench.mid], peers.versions["Taskwarrior"], args.reload)
                bench.task_env, bench.task_dir, bench.task_count = setup.env, setup.directory, setup.tasks
            except CommandFailed as exc:
                print(f"  Taskwarrior could not be loaded: {exc}")
    pair_builds, check_builds = choose(bench, args.only)
    pairs = measure_pairs(bench, pair_builds, phases)
    checks = []
    for build_check in check_builds:
        check = build_check(bench)
        with phases(f"sanity: {check.title}"):
            checks.append(sanity.measure(check))
            print(f"  {check.skipped}" if check.skipped else
                  f"  median {check.value * 1000:.0f} ms (target < {check.limit * 1000:.0f} ms)")
    shutil.rmtree(scratch, ignore_errors=True)
    command = " ".join(["benchmarks/run.py", *argv]) if argv else "make bench"
    versions = dict(peers.versions)
    if bench.postgres.version is not None:
        where = "throwaway cluster, fsync off" if bench.postgres.owned else "FUP_TEST_PG's server"
        versions["PostgreSQL"] = f"{bench.postgres.version} ({where})"
    text = report.render(report.machine(bench.fup, versions), datasets, pairs, checks, phases.done, command,
                         report.postgres_rows(bench.postgres.loads))
    args.results.write_text(text, encoding="utf-8")
    print()
    print(report.results_table(pairs))
    print()
    print(report.sanity_table(checks))
    shown = args.results.resolve()
    print(f"\nWritten to {shown.relative_to(HERE.parent) if shown.is_relative_to(HERE.parent) else shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
