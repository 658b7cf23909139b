"""Concurrent writers all land: writers queue on BEGIN IMMEDIATE and the busy timeout, none fails.

How: eight OS processes (`workers.py write`) start together on one database,
released by one "go" line after each has imported fup, and each runs fifty
`fup log` and five `fup add` in-process through the full CLI and its error
boundary (a fresh context and connections per command, as a `fup` process).
Every command must exit 0 with nothing on stderr, and the database must then
hold exactly the 400 touches and 40 contacts. A smaller run goes through the
installed `fup` executable, one process per command. A raw-sqlite3 test
shows why the transactions begin IMMEDIATE: two deferred transactions that
both read cannot both write, however long the busy timeout, while two
IMMEDIATE ones queue and both land. Last, a writer that finds the lock taken
waits for it and lands once it is released.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
from pathlib import Path

from workers import FUP, expect_line, fup_env, start_child

WRITERS, COMMANDS = 8, 50


def run_concurrent_writers(home: Path, writers: int = WRITERS, commands: int = COMMANDS) -> int:
    """Start `writers` processes of `commands` writes each at once on `home`, and check every write landed.

    Returns how often consecutive touches came from different writers."""
    env = fup_env(home)
    created = subprocess.run([str(FUP), "add", "Ana Ruiz"], env=env, capture_output=True, text=True,
                             timeout=120)
    assert created.returncode == 0, created.stderr
    procs = [start_child("write", w, commands, env=env) for w in range(writers)]
    try:
        for proc in procs:
            expect_line(proc, "ready")
        for proc in procs:  # all writers have imported fup: start them together
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, f"writer exited {proc.returncode}: {err}"
            reports.append(json.loads(out.splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    failures = [failure for report in reports for failure in report["failures"]]
    assert failures == [], f"{len(failures)} commands failed, e.g. {failures[:3]}"

    conn = sqlite3.connect(f"file:{home / 'fup.db'}?mode=ro", uri=True)
    try:
        notes = [note for (note,) in conn.execute("SELECT note FROM touch WHERE note IS NOT NULL ORDER BY id")]
        added = conn.execute("SELECT count(*) FROM contact WHERE name GLOB 'Writer*'").fetchone()[0]
        streak = conn.execute("SELECT unanswered_streak FROM contact WHERE name = 'Ana Ruiz'").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    assert sorted(notes) == sorted(f"w{w} {i}" for w in range(writers) for i in range(commands))
    assert added == writers * len(range(0, commands, 10))
    assert streak == writers * commands  # each re-plan of Ana saw every touch committed before it
    assert integrity == [("ok",)]
    # The writers really overlapped: run one after another, the touches would come in `writers` blocks.
    order = [note.split()[0] for note in notes]
    switches = sum(1 for a, b in zip(order, order[1:]) if a != b)
    assert switches > writers - 1, f"the writers ran one after another ({switches} switches)"
    return switches


def test_eight_processes_of_fifty_writes_all_land(fup_home: Path) -> None:
    run_concurrent_writers(fup_home)


def test_parallel_installed_fup_logs_all_land(fup, child_env: dict[str, str]) -> None:
    """The same through the installed `fup` script: one process per command, three shells at once."""
    fup.ok("add", "Ana Ruiz")
    writers, each = 3, 3
    script = f"for i in $(seq {each}); do {FUP} log ana --note \"w$1 $i\" >/dev/null || exit 1; done"
    procs = [subprocess.Popen(["bash", "-c", script, "_", str(w)], env=child_env, stderr=subprocess.PIPE, text=True)
             for w in range(writers)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, errors
    assert errors == [""] * writers
    card = fup.json("show", "ana", "-f", "json")
    notes = sorted(t["note"] for t in card["touches"] if t["note"])
    assert notes == sorted(f"w{w} {i}" for w in range(writers) for i in range(1, each + 1))
    assert card["unanswered_streak"] == writers * each


def _counter(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
    conn.execute("INSERT INTO counter VALUES (0)")
    conn.close()


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)


def test_deferred_transactions_that_both_read_cannot_both_write(tmp_path: Path) -> None:
    """Why fup begins IMMEDIATE. With a deferred BEGIN each connection takes a read snapshot first;
    once the first writes, the second cannot write on its snapshot: SQLite answers SQLITE_BUSY at
    once instead of running the busy handler, since waiting cannot help (a deadlock while the
    first is open, a stale snapshot once it commits: SQLITE_BUSY_SNAPSHOT). Its increment is lost
    unless the whole command is retried. Deterministic: one thread, statements in a fixed order;
    the second connection's attempt runs in a thread only as a hang guard, and it fails while the
    first still holds its transaction open, so the error cannot be the busy timeout expiring."""
    db = tmp_path / "counter.db"
    _counter(db)
    first, second = _connect(db, 600), _connect(db, 600)
    first.execute("BEGIN")
    second.execute("BEGIN")
    assert first.execute("SELECT n FROM counter").fetchone() == (0,)
    assert second.execute("SELECT n FROM counter").fetchone() == (0,)
    first.execute("UPDATE counter SET n = n + 1")

    errors: list[sqlite3.OperationalError] = []

    def second_writes() -> None:
        try:
            second.execute("UPDATE counter SET n = n + 1")
        except sqlite3.OperationalError as exc:
            errors.append(exc)

    attempt = threading.Thread(target=second_writes, daemon=True)
    attempt.start()
    attempt.join(timeout=120)  # a hang guard only: the busy timeout is 600 s
    assert not attempt.is_alive(), "the second writer waited on the busy timeout"
    assert first.in_transaction  # the first still holds the write lock: nothing timed out
    assert [str(e) for e in errors] == ["database is locked"]

    first.execute("COMMIT")  # the lock is free now, and still the second cannot write
    try:
        second.execute("UPDATE counter SET n = n + 1")
        raise AssertionError("a stale snapshot was allowed to write")
    except sqlite3.OperationalError as exc:
        assert str(exc) == "database is locked"
    second.execute("ROLLBACK")
    assert first.execute("SELECT n FROM counter").fetchone() == (1,)  # one increment of two landed
    first.close()
    second.close()


def test_immediate_transactions_queue_and_both_land(tmp_path: Path) -> None:
    """With BEGIN IMMEDIATE the second writer waits at BEGIN, before it reads, so it reads the first
    one's committed value and both increments land. Structural: the second's BEGIN IMMEDIATE is
    still blocked while the first holds the lock (it cannot have finished: the lock is held, and
    had it failed at once its thread would be over), and it reads 1, the first's commit."""
    db = tmp_path / "counter.db"
    _counter(db)
    first, second = _connect(db, 600), _connect(db, 600)
    first.execute("BEGIN IMMEDIATE")
    value = first.execute("SELECT n FROM counter").fetchone()[0]

    started = threading.Event()
    seen: list[int] = []

    def second_increments() -> None:
        started.set()
        second.execute("BEGIN IMMEDIATE")
        seen.append(second.execute("SELECT n FROM counter").fetchone()[0])
        second.execute("UPDATE counter SET n = n + 1")
        second.execute("COMMIT")

    waiter = threading.Thread(target=second_increments, daemon=True)
    waiter.start()
    assert started.wait(timeout=60)
    waiter.join(timeout=0.5)  # time to reach BEGIN IMMEDIATE and block there
    assert waiter.is_alive() and seen == [], "the second writer did not wait for the lock"
    first.execute("UPDATE counter SET n = ?", (value + 1,))
    first.execute("COMMIT")
    waiter.join(timeout=120)
    assert not waiter.is_alive()
    assert seen == [1]
    assert first.execute("SELECT n FROM counter").fetchone() == (2,)
    first.close()
    second.close()


def test_a_writer_waits_for_a_held_lock_and_then_lands(fup, fup_home: Path, child_env: dict[str, str]) -> None:
    """A `fup log` that starts while another process holds the write lock blocks (it has not
    finished while the lock is held) and lands once the lock is released."""
    fup.ok("add", "Ana Ruiz", "--no-meeting")
    holder = start_child("hold-lock", env=child_env)
    writer = start_child("write", 0, 1, env=child_env)
    try:
        expect_line(holder, "holding")
        expect_line(writer, "ready")
        writer.stdin.write("go\n")
        writer.stdin.flush()
        try:
            writer.wait(timeout=1.0)  # time to reach the lock and block there
        except subprocess.TimeoutExpired:
            pass
        assert writer.poll() is None, f"the writer finished while the lock was held: {writer.communicate()}"
        holder.stdin.write("release\n")
        holder.stdin.flush()
        expect_line(holder, "released")
        out, err = writer.communicate(timeout=120)
    finally:
        for proc in (holder, writer):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    assert writer.returncode == 0, err
    assert json.loads(out.splitlines()[-1])["failures"] == []
    card = fup.json("show", "ana", "-f", "json")
    assert [t["note"] for t in card["touches"]] == ["w0 0"]
    assert card["name"] == "Ana Ruiz"  # the holder's uncommitted rename was rolled back
