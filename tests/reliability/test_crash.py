"""Crash safety: a write killed at any instant is whole or absent, and every acknowledged write stays.

How: a child process runs fup writes in a loop, in-process (see
`workers.crash_write`): `fup log WHO --note n<k>`; `fup log WHO --note m<k>
--next "step <k>" --due ...`, a touch and a commitment in one transaction;
`fup add "Person <k>"`; and `fup import contacts` of 20 rows tagged
batch<k>. It prints "ack k" (one write(2), so it cannot be lost) only after
write k exited 0. After a random delay (seeded) the test kills it with
SIGKILL, then checks the database as the next reader finds it:
`PRAGMA integrity_check` is ok and `foreign_key_check` empty; every
acknowledged write is there; touch m<k> exists exactly when commitment
"step <k>" does; each batch<k> has 0 or all 20 contacts. Rounds run on the
same database one after another, so each child also starts on a database
whose last writer was killed. Children are forked from a process that has
already imported fup (`workers.crash_zygote`), so a round costs its delay
rather than Python's start-up. `soak.py` runs the same rounds by the hundred.

SIGKILL loses nothing the kernel already holds, so this proves the
application's atomicity (transactions, no write outside them), not
durability across a power cut.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from workers import CRASH_BATCH, CRASH_TARGETS, FUP, CrashFacts, crash_facts, expect_line, fup_env, start_child

ROUNDS = 30
MAX_DELAY = 0.4  # seconds a child writes after its first acknowledged write before it is killed


@dataclass
class CrashStats:
    rounds: int = 0
    acknowledged: int = 0
    in_flight_present: int = 0  # the write running at the kill turned out committed
    in_flight_absent: int = 0  # ... or rolled back
    kinds_interrupted: dict[int, int] = field(default_factory=dict)  # k % 4 of the write running at the kill


def check_crash_invariants(db: Path, acknowledged: set[int]) -> CrashFacts:
    """Check the database after a crash, as the next reader finds it; return what it holds."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        facts = crash_facts(conn)
    finally:
        conn.close()
    missing = sorted(k for k in acknowledged if not facts.has(k))
    assert missing == [], f"acknowledged writes lost: {missing[:20]}"
    assert facts.step_touches == facts.steps, (
        f"touch without its commitment: {sorted(facts.step_touches - facts.steps)[:20]}; "
        f"commitment without its touch: {sorted(facts.steps - facts.step_touches)[:20]}")
    partial = {k: n for k, n in facts.batches.items() if n != CRASH_BATCH}
    assert partial == {}, f"imports half written (batch: contacts): {partial}"
    return facts


class CrashRounds:
    """The database, the zygote that forks writers, and the acknowledged writes so far."""

    def __init__(self, home: Path, seed: int, max_delay: float = MAX_DELAY):
        self.home = home
        self.db = home / "fup.db"
        self.env = fup_env(home)
        self.rng = random.Random(seed)
        self.max_delay = max_delay
        self.scratch = home / "scratch"
        self.scratch.mkdir(exist_ok=True)
        self.acknowledged: set[int] = set()
        self.stats = CrashStats()
        for i, email in enumerate(CRASH_TARGETS):
            subprocess.run([str(FUP), "add", f"Target {i}", "--email", email], env=self.env, check=True,
                           capture_output=True, timeout=120)
        self.zygote = start_child("crash-zygote", env=self.env)
        expect_line(self.zygote, "ready")

    def round(self) -> None:
        """Fork a writer, kill it after a random delay, check the database."""
        start = self.stats.rounds * 1_000_000 + self.rng.randrange(4)  # each kind of write comes first in turn
        delay = self.rng.uniform(0, self.max_delay)
        self.zygote.stdin.write(f"round {start} {self.scratch}\n")
        self.zygote.stdin.flush()
        pid = int(expect_line(self.zygote, "pid ").split()[1])
        acks, failures, status = [], [], None

        def read_one() -> str:
            nonlocal status
            line = self.zygote.stdout.readline()
            assert line, f"the zygote ended: {self.zygote.stderr.read()}"
            word, _, rest = line.rstrip("\n").partition(" ")
            if word == "ack":
                acks.append(int(rest))
            elif word == "fail":
                failures.append(rest)
            elif word == "ended":
                status = int(rest)
            return word

        try:
            # The random instant counts from the child's first acknowledged write, so that a slow
            # machine (a busy CI runner) kills writers mid-stream as often as a fast one does.
            while status is None and not failures and read_one() != "ack":
                pass
            time.sleep(delay)  # the child writes meanwhile
        finally:
            os.kill(pid, signal.SIGKILL)
        while status is None:
            read_one()
        assert failures == [], f"a write failed in round {self.stats.rounds}: {failures}"
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"status {status}"
        assert acks == list(range(start, start + len(acks)))

        self.acknowledged.update(acks)
        facts = check_crash_invariants(self.db, self.acknowledged)
        in_flight = start + len(acks)
        self.stats.rounds += 1
        self.stats.acknowledged += len(acks)
        kind = in_flight % 4
        self.stats.kinds_interrupted[kind] = self.stats.kinds_interrupted.get(kind, 0) + 1
        if facts.has(in_flight):
            self.stats.in_flight_present += 1
        else:
            self.stats.in_flight_absent += 1

    def close(self) -> None:
        if self.zygote.poll() is None:
            try:
                self.zygote.stdin.write("quit\n")
                self.zygote.stdin.flush()
                self.zygote.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.zygote.kill()
                self.zygote.wait()
        for stream in (self.zygote.stdin, self.zygote.stdout, self.zygote.stderr):
            stream.close()


def run_crash_rounds(home: Path, rounds: int, seed: int, max_delay: float = MAX_DELAY,
                     progress: Optional[Callable[[CrashStats], None]] = None) -> CrashStats:
    """`rounds` crash rounds on a new database under `home`; then fup still reads and writes it."""
    harness = CrashRounds(home, seed, max_delay)
    try:
        for _ in range(rounds):
            harness.round()
            if progress is not None:
                progress(harness.stats)
    finally:
        harness.close()
    env = harness.env
    for args in (["log", CRASH_TARGETS[0], "--note", "after the crashes"], ["today"], ["doctor"]):
        result = subprocess.run([str(FUP), *args], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (args, result.stderr)
    check_crash_invariants(harness.db, harness.acknowledged)
    return harness.stats


def test_writes_killed_at_random_instants_are_whole_or_absent(fup_home: Path) -> None:
    stats = run_crash_rounds(fup_home, ROUNDS, seed=20261123)
    assert stats.rounds == ROUNDS
    assert stats.acknowledged > ROUNDS  # the children did write between kills
