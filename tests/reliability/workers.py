"""Child processes for the reliability tests, and the helpers that start them.

Run as a script, this module is one of these children (FUP_HOME and FUP_NOW
come from the environment; see `fup_env`):

    python workers.py write WORKER COUNT   # after "go" on stdin, runs COUNT commands as writer WORKER
    python workers.py hold-lock            # holds an uncommitted write until "release" on stdin
    python workers.py crash-zygote         # forks crash-loop children on request (see `crash_zygote`)

Each child runs fup commands in-process through the full CLI and its error
boundary; every command builds its own context and database connections, as
a `fup` process does. Only Python's start-up and building the CLI, about half
a second, are paid once per child instead of once per command. Every child is
still a separate OS process contending for the same database file.

Imported, the module gives the parent's side: `fup_env`, `FUP`, starting
and talking to the children, reading the database's files byte for byte,
the LinkedIn CSV the imports read, and the crash loop's vocabulary shared by
the tests and `soak.py`; and `shared_test_helpers`, tests/conftest.py loaded
by its path (for `sqlite_dump`, `FupRunner` and `FIXED_NOW`), since the
conftest.py beside this file shadows `import conftest`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

HERE = Path(__file__).resolve().parent
WORKERS = HERE / "workers.py"
FUP = Path(sys.executable).parent / "fup"  # the installed console script
FIXED_NOW = "2026-11-23T09:00"
BUSY_TIMEOUT_S = 10
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"

# The crash loop cycles through four writes; k is the running number of the write.
CRASH_TARGETS = ("t0@example.com", "t1@example.com", "t2@example.com")
CRASH_BATCH = 20  # contacts per `fup import` in the crash loop
CRASH_DUE = "2026-12-01"


def fup_env(home: Path, base: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The environment for a child: FUP_HOME=home, FUP_NOW fixed, FUP_DB and FUP_DEBUG removed."""
    env = dict(os.environ if base is None else base)
    env.update(FUP_HOME=str(home), FUP_NOW=FIXED_NOW)
    for name in ("FUP_DB", "FUP_DEBUG"):
        env.pop(name, None)
    return env


def child_command(mode: str, *args: object) -> list[str]:
    """The argv that runs this module as the child `mode`."""
    return [sys.executable, str(WORKERS), mode, *map(str, args)]


def file_state(path: Path) -> Optional[tuple[bytes, int]]:
    """The bytes and modification time (ns) of `path`, or None when it does not exist."""
    try:
        return path.read_bytes(), path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def database_files(db: Path) -> dict[str, Optional[tuple[bytes, int]]]:
    """`file_state` of the database file and of its WAL. The -shm file is left out: it is the
    shared memory through which readers and writers coordinate, which every reader updates."""
    return {name: file_state(db.with_name(name)) for name in (db.name, db.name + "-wal")}


def linkedin_csv(path: Path, rows: Sequence[tuple[str, str, str]]) -> Path:
    """Write a LinkedIn Connections.csv of (first name, last name, email) rows."""
    lines = [LINKEDIN_HEADER] + [f"{first},{last},,{email},Acme,Buyer,01 Jan 2026\r\n" for first, last, email in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@functools.cache
def shared_test_helpers():
    """tests/conftest.py, loaded by its path (once): the conftest.py beside this file would shadow `import conftest`."""
    path = HERE.parent / "conftest.py"
    spec = importlib.util.spec_from_file_location("fup_shared_test_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the crash loop: which write k is, and how to find it afterwards ------------------------


def crash_write(k: int, scratch: Path) -> list[str]:
    """The fup arguments of write k: four kinds in turn (a CSV for the import is written first)."""
    kind = k % 4
    target = CRASH_TARGETS[k % len(CRASH_TARGETS)]
    if kind == 0:
        return ["log", target, "--note", f"n{k}"]
    if kind == 1:  # a touch and a commitment, in one transaction
        return ["log", target, "--note", f"m{k}", "--next", f"step {k}", "--due", CRASH_DUE]
    if kind == 2:
        return ["add", f"Person {k}", "--email", f"p{k}@example.com"]
    rows = [(f"Batch{k}", f"Member{i}", f"b{k}-{i}@example.com") for i in range(CRASH_BATCH)]
    csv = linkedin_csv(scratch / f"batch{k}.csv", rows)
    return ["import", "contacts", str(csv), "--tag", f"batch{k}"]


@dataclass
class CrashFacts:
    """What a database holds of the crash loop's writes, by k."""

    plain_touches: set[int]  # touches n<k>
    step_touches: set[int]  # touches m<k>
    steps: set[int]  # commitments "step <k>"
    people: set[int]  # contacts "Person <k>"
    batches: dict[int, int]  # k -> how many contacts carry the tag batch<k>

    def has(self, k: int) -> bool:
        """Whether write k is in the database, whole."""
        kind = k % 4
        if kind == 0:
            return k in self.plain_touches
        if kind == 1:
            return k in self.step_touches and k in self.steps
        if kind == 2:
            return k in self.people
        return self.batches.get(k) == CRASH_BATCH


def crash_facts(conn: sqlite3.Connection) -> CrashFacts:
    def numbers(sql: str) -> set[int]:
        return {int(row[0]) for row in conn.execute(sql)}

    batches: dict[int, int] = {}
    for (tags,) in conn.execute("SELECT tags FROM contact WHERE tags LIKE '%batch%'"):
        for tag in tags.split(";"):
            if tag.startswith("batch"):
                k = int(tag[len("batch"):])
                batches[k] = batches.get(k, 0) + 1
    return CrashFacts(
        plain_touches=numbers("SELECT substr(note, 2) FROM touch WHERE note GLOB 'n[0-9]*'"),
        step_touches=numbers("SELECT substr(note, 2) FROM touch WHERE note GLOB 'm[0-9]*'"),
        steps=numbers("SELECT substr(action, 6) FROM commitment WHERE action GLOB 'step [0-9]*'"),
        people=numbers("SELECT substr(name, 8) FROM contact WHERE name GLOB 'Person [0-9]*'"),
        batches=batches,
    )


# --- in-process fup ---------------------------------------------------------------------------


@dataclass
class Outcome:
    args: list[str]
    code: int
    stdout: str
    stderr: str


_COMMAND = None  # the `fup` click command, built once per process as one `fup` run builds it


def run_fup(args: Sequence[str]) -> Outcome:
    """Run `fup ARGS` in this process through the full CLI, with its error boundary.

    The root callback builds a new context, settings and store for every
    command, and closes them after it, as in a `fup` process of its own."""
    global _COMMAND
    if _COMMAND is None:
        import typer.main

        import fupcli.cli.app

        _COMMAND = typer.main.get_command(fupcli.cli.app.app)
    args = list(args)
    sys.argv = ["fup", *args]
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            _COMMAND.main(args=args, prog_name="fup")
        except SystemExit as exc:
            code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message")
        err.write(f"{code}\n")
        code = 1
    return Outcome(args, code, out.getvalue(), err.getvalue())


def _say(line: str) -> None:
    """One line on stdout, in one write(2), so it survives a SIGKILL right after."""
    os.write(sys.stdout.fileno(), (line + "\n").encode())


def _warm_up() -> None:
    """Import what the write commands import and build the CLI, so forked children start at once."""
    import fupcli.core  # noqa: F401
    import fupcli.transfer.importer  # noqa: F401

    run_fup(["--version"])


# --- the children -----------------------------------------------------------------------------


def concurrent_writer(worker: int, count: int) -> int:
    """`count` commands as writer `worker`: `fup log ana` each time, and a `fup add` every tenth.

    Waits for "go" on stdin after "ready", so all writers start together.
    Prints one JSON line: the failed commands with their exit codes and stderr.
    """
    _warm_up()
    _say("ready")
    if sys.stdin.readline().strip() != "go":
        return 2
    failures = []
    for i in range(count):
        commands = [["log", "ana", "--note", f"w{worker} {i}"]]
        if i % 10 == 0:
            commands.append(["add", f"Writer{worker} Contact{i}", "--email", f"w{worker}-{i}@example.com", "--no-meeting"])
        for args in commands:
            outcome = run_fup(args)
            if outcome.code != 0 or outcome.stderr:
                failures.append({"args": outcome.args, "code": outcome.code, "stderr": outcome.stderr})
    _say(json.dumps({"worker": worker, "failures": failures}))
    return 0


def hold_lock() -> int:
    """Take the write lock (BEGIN IMMEDIATE), change every contact's notes, and keep it uncommitted
    until "release" on stdin; then roll back. Says "holding" and "released"."""
    db = Path(os.environ["FUP_HOME"]) / "fup.db"
    conn = sqlite3.connect(db, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE contact SET notes = 'uncommitted', name = name || ' (uncommitted)'")
    _say("holding")
    if sys.stdin.readline().strip() != "release":
        return 2
    conn.execute("ROLLBACK")
    conn.close()
    _say("released")
    return 0


def crash_loop(start: int, scratch: Path) -> None:
    """Run crash writes k = start, start+1, ... forever, saying "ack k" after each one exits 0.

    Runs until killed; a failed write says "fail" with its outcome and ends the process."""
    k = start
    while True:
        outcome = run_fup(crash_write(k, scratch))
        if outcome.code != 0 or outcome.stderr:
            _say("fail " + json.dumps(vars(outcome)))
            os._exit(1)
        _say(f"ack {k}")
        k += 1


def crash_zygote() -> int:
    """Fork crash-loop children on request, so each round skips Python's start-up.

    Protocol on stdin/stdout: "ready"; then for each "round START SCRATCH" line,
    "pid N", the child's "ack k" (and "fail ...") lines, and "ended STATUS" once
    the child is gone (the parent kills it). "quit" ends the zygote.
    """
    _warm_up()
    _say("ready")
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            return 0
        start, scratch = int(words[1]), Path(words[2])
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            try:
                crash_loop(start, scratch)
            finally:
                os._exit(1)
        _say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        _say(f"ended {status}")
    return 0


def start_child(mode: str, *args: object, env: Mapping[str, str]) -> subprocess.Popen:
    """Start the child `mode` with pipes on stdin and stdout (text, line-buffered)."""
    return subprocess.Popen(child_command(mode, *args), env=dict(env), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)


def expect_line(proc: subprocess.Popen, wanted: str) -> str:
    """Read the child's next line and check it starts with `wanted` (the child's stderr otherwise)."""
    line = proc.stdout.readline()
    if not line.startswith(wanted):
        proc.kill()
        _, err = proc.communicate(timeout=60)
        raise AssertionError(f"expected {wanted!r} from {proc.args}, got {line!r}; stderr: {err}")
    return line.rstrip("\n")


def main(argv: Sequence[str]) -> int:
    mode, args = argv[0], argv[1:]
    if mode == "write":
        return concurrent_writer(int(args[0]), int(args[1]))
    if mode == "hold-lock":
        return hold_lock()
    if mode == "crash-zygote":
        return crash_zygote()
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
