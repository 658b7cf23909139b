"""A team on one PostgreSQL database: concurrent writers under two roles, a backend killed
mid-import, and large imports that are all or nothing.

Every test here runs fup as separate OS processes against the session's real PostgreSQL
server (`pg_server`, tests/pgserver.py), with FUP_DB set to a postgresql:// URL; without a
server they skip (and fail when CI=true), like the other `pg_url` tests.

- Sixteen processes, eight as role `ana` and eight as role `ben` (login roles granted only
  SELECT/INSERT/UPDATE/DELETE on the tables and USAGE/SELECT on the sequences of a schema
  that the database's owner created with its first `fup add`), each run 25 `fup log` on six
  shared contacts at once. Every command must exit 0, all 8 x 2 x 25 = 400 touches must land, and the
  plan stored for every contact must be what re-planning its history gives: `fup reschedule`
  afterwards changes nothing in `fup export contacts` or `fup export due`. A control test runs
  the same 400 logs one after another, to tell a concurrency bug from a re-plan that is not
  idempotent anyway.
- A `fup import contacts` of 20,000 rows has its server backend terminated from an admin
  connection while its transaction has already inserted contacts (the import is held at a
  lock on `contact_word`, which the admin takes before the import starts, so the moment is
  not a race). fup must fail in one `fup: ` line, leave no imported contact, and the next
  commands must work.
- A 10,001-row import whose last row is invalid writes nothing; without that row, all
  10,000 land.

Workers: each of the sixteen processes runs this file as a script (`python test_team_load.py
worker`), which imports fup once and then runs its 25 commands in-process through the full
CLI and its error boundary, a fresh context, store and server connection per command, as a
`fup` process would (the pattern of tests/reliability/workers.py). Workers print "ready",
wait for "go" on stdin (so all start together), then print one JSON line of outcomes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, Mapping, Optional, Sequence
from urllib.parse import unquote, urlsplit

import pytest

FIXED_NOW = "2026-11-23T09:00"
THIS_FILE = Path(__file__).resolve()
COMMAND_TIMEOUT = 300  # seconds for one fup process (a 20k-row import included)
WORKER_TIMEOUT = 900  # seconds for one worker's 25 commands under contention

# Six shared contacts: (name, email, cadence); the cadences differ so plans differ.
TEAM_CONTACTS = [
    ("Carla Diaz", "carla@team.example", "warm"),
    ("Dmitri Volkov", "dmitri@team.example", "hot"),
    ("Erin Walsh", "erin@team.example", "vip"),
    ("Femi Adeyemi", "femi@team.example", "nurture"),
    ("Greta Lind", "greta@team.example", "client"),
    ("Hiro Tanaka", "hiro@team.example", "warm"),
]
ROLES = ("ana", "ben")
PROCESSES_PER_ROLE = 8
COMMANDS_PER_PROCESS = 25
TABLE_OWNER = "team_owner"


# --- running fup ----------------------------------------------------------------------------


def fup_env(home: Path, db_url: str, now: str = FIXED_NOW) -> dict[str, str]:
    """The environment of a fup process: its own FUP_HOME, FUP_NOW fixed, FUP_DB the server URL."""
    env = dict(os.environ)
    env.update(FUP_HOME=str(home), FUP_NOW=now, FUP_DB=db_url)
    env.pop("FUP_DEBUG", None)
    home.mkdir(parents=True, exist_ok=True)
    return env


def run_fup(args: Sequence[str], env: Mapping[str, str], timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
    """`fup ARGS` as a process of its own (`python -m fupcli`)."""
    return subprocess.run([sys.executable, "-m", "fupcli", *args], env=dict(env), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


def fup_ok(args: Sequence[str], env: Mapping[str, str], timeout: float = COMMAND_TIMEOUT) -> str:
    """Run a command that must succeed; its stdout."""
    done = run_fup(args, env, timeout)
    assert done.returncode == 0, f"fup {list(args)} exited {done.returncode}: {done.stderr!r}"
    return done.stdout


def db_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def scalar(url: str, sql: str, params: Optional[Sequence[object]] = None) -> object:
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.execute(sql, params).fetchone()[0]


def linkedin_csv(path: Path, rows: Sequence[tuple[str, str, str]]) -> Path:
    """A LinkedIn Connections.csv of (first name, last name, email) rows; the header is line 1."""
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"]
    lines += [f"{first},{last},,{email},Acme,Buyer,01 Jan 2026\r\n" for first, last, email in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def bulk_rows(count: int, prefix: str) -> list[tuple[str, str, str]]:
    return [(f"{prefix}{i:05d}", "Bulk", f"{prefix.lower()}-{i}@bulk.example") for i in range(count)]


# --- the concurrent workers -------------------------------------------------------------------


def worker_commands(worker: int) -> list[list[str]]:
    """Worker `worker`'s 25 commands: `fup log EMAIL email` on contacts that overlap with every
    other worker's, every fourth one with `--outcome replied`; the note names the command."""
    commands = []
    for i in range(COMMANDS_PER_PROCESS):
        _, email, _ = TEAM_CONTACTS[(worker * 5 + i * 7) % len(TEAM_CONTACTS)]
        args = ["log", email, "email", "--note", f"w{worker} {i}"]
        if (worker + i) % 4 == 0:
            args += ["--outcome", "replied"]
        commands.append(args)
    return commands


def expected_notes() -> list[str]:
    workers = len(ROLES) * PROCESSES_PER_ROLE
    return sorted(f"w{w} {i}" for w in range(workers) for i in range(COMMANDS_PER_PROCESS))


def _run_in_process(args: list[str]) -> dict:
    """One fup command through the full CLI and its error boundary, in this process
    (`run_fup` of the reliability suite's workers)."""
    sys.path.insert(0, str(THIS_FILE.parent / "reliability"))
    from workers import run_fup

    outcome = run_fup(args)
    return {"args": list(args), "code": outcome.code, "stderr": outcome.stderr}


def worker_main(worker: int) -> int:
    """The child: import fup, say "ready", wait for "go", run the commands, print the failures."""
    import fupcli.core  # noqa: F401 - imported before "go", as the first command would

    _run_in_process(["--version"])
    os.write(sys.stdout.fileno(), b"ready\n")
    if sys.stdin.readline().strip() != "go":
        return 2
    started = time.monotonic()
    outcomes = [_run_in_process(args) for args in worker_commands(worker)]
    failures = [o for o in outcomes if o["code"] != 0 or o["stderr"]]
    report = {"worker": worker, "failures": failures, "seconds": round(time.monotonic() - started, 2)}
    os.write(sys.stdout.fileno(), (json.dumps(report) + "\n").encode())
    return 0


def start_worker(worker: int, env: Mapping[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(THIS_FILE), "worker", str(worker)], env=dict(env),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, bufsize=1)


def run_workers(envs: Sequence[Mapping[str, str]]) -> list[dict]:
    """Start one worker per environment, release them together, and collect their reports."""
    procs = [start_worker(w, env) for w, env in enumerate(envs)]
    try:
        for proc in procs:
            line = proc.stdout.readline()
            if line.strip() != "ready":
                proc.kill()
                _, err = proc.communicate(timeout=60)
                raise AssertionError(f"worker {proc.args} said {line!r}, not 'ready'; stderr: {err}")
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=WORKER_TIMEOUT)
            assert proc.returncode == 0, f"worker {proc.args} exited {proc.returncode}: {err}"
            reports.append(json.loads(out.splitlines()[-1]))
        return reports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


# --- a team database --------------------------------------------------------------------------


@pytest.fixture
def team_db(pg_server) -> Iterator[str]:
    """A new database owned by role `team_owner`; its name. Dropped afterwards."""
    pg_server.create_role(TABLE_OWNER)
    for role in ROLES:
        pg_server.create_role(role)
    name = f"fup_team{os.getpid()}_{time.monotonic_ns() % 10**9}"
    pg_server.create_database(name, owner=TABLE_OWNER)
    try:
        yield name
    finally:
        pg_server.drop_database(name)


def set_up_team(pg_server, name: str, home: Path) -> str:
    """The owner creates the schema with six `fup add` and grants the team's roles the rows;
    returns the owner's URL."""
    from psycopg import sql

    owner_url = pg_server.url(name, user=TABLE_OWNER)
    env = fup_env(home / "owner", owner_url)
    for contact_name, email, cadence in TEAM_CONTACTS:
        fup_ok(["add", contact_name, "--email", email, "--cadence", cadence], env)
    import psycopg

    with psycopg.connect(owner_url, autocommit=True, connect_timeout=10) as conn:
        for role in ROLES:
            conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}")
                         .format(sql.Identifier(role)))
            conn.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}")
                         .format(sql.Identifier(role)))
        # the tables are the owner's, not the superuser's: the roles really run on grants only
        owners = {row[0] for row in conn.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
    assert owners == {TABLE_OWNER}, owners
    return owner_url


def plan_snapshot(env: Mapping[str, str]) -> dict[str, str]:
    """What the stored plans show: every contact's computed columns and the due list."""
    return {
        "contacts": fup_ok(["export", "contacts"], env),
        "due": fup_ok(["export", "due"], env),
    }


def differing_lines(before: str, after: str, limit: int = 6) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    pairs = [(x, y) for x, y in zip(a, b) if x != y]
    if len(a) != len(b):
        pairs.append((f"({len(a)} lines)", f"({len(b)} lines)"))
    return pairs[:limit]


def assert_reschedule_changes_nothing(admin_env: Mapping[str, str]) -> None:
    before = plan_snapshot(admin_env)
    fup_ok(["reschedule"], admin_env)
    after = plan_snapshot(admin_env)
    for what in ("contacts", "due"):
        assert after[what] == before[what], (
            f"`fup reschedule` changed `fup export {what}`: the stored plans were not what re-planning "
            f"the history gives; (before, after) lines: {differing_lines(before[what], after[what])}"
        )


# --- the tests --------------------------------------------------------------------------------


def test_eight_processes_two_roles_log_on_overlapping_contacts(pg_server, team_db, tmp_path):
    owner_url = set_up_team(pg_server, team_db, tmp_path)
    admin_env = fup_env(tmp_path / "admin", pg_server.url(team_db))
    touches_before = scalar(owner_url, "SELECT count(*) FROM touch")

    envs = [fup_env(tmp_path / f"{role}-{n}", pg_server.url(team_db, user=role), FIXED_NOW)
            for role in ROLES for n in range(PROCESSES_PER_ROLE)]
    reports = run_workers(envs)

    failures = [f for report in reports for f in report["failures"]]
    assert failures == [], f"{len(failures)} of {len(envs) * COMMANDS_PER_PROCESS} commands failed, e.g. {failures[:3]}"
    import psycopg

    with psycopg.connect(owner_url, connect_timeout=10) as conn:
        touches_after = conn.execute("SELECT count(*) FROM touch").fetchone()[0]
        in_order = [n for (n,) in conn.execute("SELECT note FROM touch WHERE note IS NOT NULL ORDER BY id")]
    notes = sorted(in_order)
    missing = sorted(set(expected_notes()) - set(notes))
    assert touches_after - touches_before == len(envs) * COMMANDS_PER_PROCESS == 400, (
        f"{touches_after - touches_before} touches landed; e.g. missing {missing[:8]}; worker reports: "
        f"{[(r['worker'], len(r['failures']), r['seconds']) for r in reports]}")
    assert notes == expected_notes()
    # The writers really overlapped: one after another, the touches would come in 8 blocks.
    order = [note.split()[0] for note in in_order]
    switches = sum(1 for a, b in zip(order, order[1:]) if a != b)
    assert switches > 2 * len(envs), f"the writers hardly overlapped ({switches} switches between writers)"
    assert_reschedule_changes_nothing(admin_env)


def test_the_same_logs_one_after_another_leave_nothing_for_reschedule(pg_server, team_db, tmp_path):
    """Control for the test above: the same 400 logs by one process, in turn. If this fails too,
    the stored plan differs from a re-plan even without concurrency."""
    owner_url = set_up_team(pg_server, team_db, tmp_path)
    admin_env = fup_env(tmp_path / "admin", pg_server.url(team_db))
    env = fup_env(tmp_path / "ana", pg_server.url(team_db, user="ana"))
    code = (
        "import sys, json\n"
        f"sys.path.insert(0, {str(THIS_FILE.parent)!r})\n"
        "import test_team_load as t\n"
        "out = [t._run_in_process(args) for w in range(len(t.ROLES) * t.PROCESSES_PER_ROLE) for args in t.worker_commands(w)]\n"
        "print(json.dumps([o for o in out if o['code'] != 0 or o['stderr']]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=WORKER_TIMEOUT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    failures = json.loads(done.stdout.splitlines()[-1])
    assert failures == [], f"{len(failures)} commands failed, e.g. {failures[:3]}"
    notes = sorted(n for (n,) in _rows(owner_url, "SELECT note FROM touch WHERE note IS NOT NULL"))
    assert notes == expected_notes()
    assert_reschedule_changes_nothing(admin_env)


def _rows(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.execute(sql).fetchall()


def _backend_holding_contact_inserts(admin, holder_pid: int) -> Optional[int]:
    """The pid of a backend (not the lock holder) that has inserted into `contact` in its open
    transaction (RowExclusiveLock on it, granted) and now waits for `contact_word`; else None."""
    row = admin.execute(
        "SELECT a.pid FROM pg_stat_activity a "
        "JOIN pg_locks l ON l.pid = a.pid AND l.relation = 'contact'::regclass "
        "  AND l.mode = 'RowExclusiveLock' AND l.granted "
        "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.pid <> %s "
        "  AND EXISTS (SELECT 1 FROM pg_locks w WHERE w.pid = a.pid "
        "              AND w.relation = 'contact_word'::regclass AND NOT w.granted)",
        [holder_pid],
    ).fetchone()
    return None if row is None else row[0]


def test_server_restarted_mid_command(pg_url, tmp_path):
    """The import's backend is terminated while its transaction holds 20,000 new contacts."""
    import psycopg

    env = fup_env(tmp_path / "home", pg_url)
    fup_ok(["add", "Before Import", "--email", "before@team.example"], env)
    contacts_before = scalar(pg_url, "SELECT count(*) FROM contact")
    csv = linkedin_csv(tmp_path / "big.csv", bulk_rows(20_000, "Killed"))

    # Hold the import inside its transaction: it inserts the contacts, then waits here for
    # contact_word (nothing the import does before inserting contacts reads that table).
    holder = psycopg.connect(pg_url, connect_timeout=10)
    admin = psycopg.connect(pg_url, autocommit=True, connect_timeout=10)
    proc = None
    try:
        holder.execute("LOCK TABLE contact_word IN ACCESS EXCLUSIVE MODE")
        holder_pid = holder.info.backend_pid
        proc = subprocess.Popen([sys.executable, "-m", "fupcli", "import", "contacts", str(csv)], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + COMMAND_TIMEOUT
        victim = None
        while victim is None:
            assert proc.poll() is None, (
                f"the import ended ({proc.returncode}) before it reached the lock: {proc.communicate()}")
            assert time.monotonic() < deadline, "the import never got to insert its contacts"
            victim = _backend_holding_contact_inserts(admin, holder_pid)
            if victim is None:
                time.sleep(0.02)
        # Its transaction holds the new contacts (uncommitted) and waits: terminate fup's backends.
        killed = admin.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s",
            [db_name(pg_url), holder_pid],
        ).fetchall()
        assert (victim, True) in killed, killed
        holder.rollback()  # the lock goes
        out, err = proc.communicate(timeout=COMMAND_TIMEOUT)
    finally:
        holder.close()
        admin.close()
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    assert proc.returncode != 0, f"the import succeeded although its backend was terminated: {out!r}"
    assert "Imported" not in out
    # all or nothing: none of the 20,000 contacts its transaction held
    assert scalar(pg_url, "SELECT count(*) FROM contact") == contacts_before
    assert scalar(pg_url, "SELECT count(*) FROM contact WHERE name LIKE %s", ["Killed%"]) == 0
    # and the database works on
    fup_ok(["today"], env)
    fup_ok(["add", "After Import", "--email", "after@team.example"], env)
    assert scalar(pg_url, "SELECT count(*) FROM contact") == contacts_before + 1
    # the failure said in one line, by fup's error boundary
    assert "Traceback" not in err, err
    assert err.count("\n") == 1 and err.endswith("\n") and err.startswith("fup: "), \
        f"not exactly one `fup: ` line on stderr (exit {proc.returncode}): {err!r}"


def test_import_of_ten_thousand_is_all_or_nothing_on_postgresql(pg_url, tmp_path):
    env = fup_env(tmp_path / "home", pg_url)
    fup_ok(["add", "Already Here", "--email", "already@team.example"], env)
    contacts_before = scalar(pg_url, "SELECT count(*) FROM contact")
    good = bulk_rows(10_000, "Bulk")
    bad = linkedin_csv(tmp_path / "bad.csv", good + [("Broken", "Row", "not-an-email")])  # line 10,002

    done = run_fup(["import", "contacts", str(bad)], env)
    assert done.returncode != 0 and done.stdout == ""
    assert "Traceback" not in done.stderr, done.stderr
    # the import's convention (see tests/reliability/test_bad_input.py): each problem as one
    # `FILE:LINE: message` line, then the one `fup: error:` line; here one problem, the last row
    lines = done.stderr.splitlines()
    assert done.stderr.endswith("\n") and len(lines) == 2, done.stderr
    assert lines[0] == f"{bad}:10002: invalid email 'not-an-email'", lines[0]
    assert lines[1].startswith("fup: error: ") and "nothing was imported" in lines[1], lines[1]
    assert scalar(pg_url, "SELECT count(*) FROM contact") == contacts_before

    fine = linkedin_csv(tmp_path / "fine.csv", good)
    out = fup_ok(["import", "contacts", str(fine)], env)
    assert "10000 new, 0 updated, 0 unchanged" in out, out
    assert scalar(pg_url, "SELECT count(*) FROM contact") == contacts_before + 10_000
    assert scalar(pg_url, "SELECT count(DISTINCT email) FROM contact WHERE email LIKE %s", ["%@bulk.example"]) == 10_000


if __name__ == "__main__":  # a worker process (see the module docstring)
    if len(sys.argv) == 3 and sys.argv[1] == "worker":
        sys.exit(worker_main(int(sys.argv[2])))
    sys.exit(f"usage: {sys.argv[0]} worker N")
