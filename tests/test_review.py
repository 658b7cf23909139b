"""`fup review`: the morning list one row at a time, one key per row.

Three ways in. The loop itself (`cli.review.review`) reads its keys from
`cli.keys.Keys` over the read end of an `os.pipe()`, the "pipe input": a
script of keys drives it in-process, and what it prints is kept. The
installed `fup review` runs in a real pseudo-terminal (`os.openpty`, the
terminal made the child's controlling one, so Ctrl-C is a signal), read with
bounded waits; the database is then read back with `fup export ... -f json`.
Without a terminal it refuses (exit 2) and writes nothing.

Each key must do exactly what its command does: the same core call, so the
database after a key (every row, the undo history included) is byte for
byte the database after the command, run on a copy of the same file.

The pipeline (`seeded`), on Monday 2026-11-23 09:00, ranked as `fup today` ranks it:

1. Ana Ruiz (Acme): my promise "send the deck", due Friday, by email
2. Ben Okafor (Northwind): check in on their promise "send Q3 numbers", by call
3. Tom Weber (Brightly): first hot follow-up, by call
4. Sara Kim (Loop): follow-up 2 (warm), by email
5. Maya Chen (Finch): a soft step "let's talk again", today, by email
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import select
import shutil
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from fupcli import core
from fupcli.cli.keys import BACKSPACE, ENTER, EOF, ESC, OTHER, Keys, Quit
from fupcli.cli.review import PROMPT, review
from fupcli.context import AppContext, current_time

BIN = Path(sys.executable).parent
ORDER = ["Ana Ruiz", "Ben Okafor", "Tom Weber", "Sara Kim", "Maya Chen"]
NEEDS_A_TERMINAL = "fup: error: fup review needs a terminal (use `fup today` and `fup log` in scripts)\n"


@pytest.fixture
def seeded(fup) -> object:
    """The pipeline of the module docstring, in `fup`'s home."""
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example", "--next", "send the deck",
           "--due", "2026-11-20", now="2026-11-16T10:00")
    fup.ok("add", "Ben Okafor", "--company", "Northwind", "--phone", "+49 30 1234567", "--channel", "call",
           now="2026-11-16T10:05")
    fup.ok("log", "ben", "call", "--outcome", "talked", "--note", "wants numbers", "--next", "send Q3 numbers",
           "--due", "2026-11-20", "--theirs", now="2026-11-17T11:00")
    fup.ok("add", "Tom Weber", "--company", "Brightly", "--phone", "+49 30 7654321", "--channel", "call",
           "--cadence", "hot", now="2026-11-16T10:10")
    fup.ok("add", "Sara Kim", "--company", "Loop", "--email", "sara@loop.example", now="2026-11-16T10:15")
    fup.ok("log", "sara", "--note", "sent the case study", now="2026-11-18T10:15")
    fup.ok("add", "Maya Chen", "--company", "Finch", "--email", "maya@finch.example", "--next", "let's talk again",
           "--due", "2026-11-23", "--soft", now="2026-11-20T10:20")
    return fup


def today(fup, home: Path | None = None) -> list[dict]:
    return fup.json("today", "-f", "json", "--limit", "0", env={"FUP_HOME": str(home)} if home else None)


def run_keys(home: Path, script: str | bytes, on: str | None = None, limit: int | None = None) -> tuple[str, dict]:
    """The review loop over `home`'s database, its keys read from a pipe holding `script`;
    returns what it printed and its tally."""
    read_end, write_end = os.pipe()
    os.write(write_end, script.encode() if isinstance(script, str) else script)
    os.close(write_end)
    out = io.StringIO()
    ctx = AppContext(now=current_time(), db_location=str(home / "fup.db"))
    try:
        with Keys(read_end, out) as keys:
            tally = review(ctx, keys, on=on, limit=limit)
    finally:
        os.close(read_end)
        ctx.close()
    return out.getvalue(), tally


def shown(output: str) -> list[str]:
    """The names of the rows shown, in order, from each row's first line ('(2/5) Ben Okafor (Northwind)')."""
    return [line.split(") ", 1)[1].split(" (")[0] for line in output.splitlines() if line.startswith("(")
            and "/" in line.split(")")[0]]


def copy_home(fup, to: Path) -> Path:
    to.mkdir(mode=0o700)
    for path in fup.home.iterdir():
        if path.name.startswith("fup.db"):
            shutil.copy2(path, to / path.name)
    return to


# --- the loop through a pipe --------------------------------------------------------


def test_rows_come_in_todays_order_with_what_a_salesperson_needs(seeded) -> None:
    before = seeded.dump()
    output, tally = run_keys(seeded.home, "k k k k k")  # (space skips too)
    assert shown(output) == [row["name"] for row in today(seeded)] == ORDER
    assert "(1/5) Ana Ruiz (Acme)\n  you promised: send the deck\n  3 days overdue, by email\n" in output
    assert "  last touch: 2026-11-16 meeting, out, meeting\n" in output
    assert "  open: I: send the deck, due 2026-11-20 (hard, commitment 1, this row)\n" in output
    assert "  last touch: 2026-11-17 call, out, talked: wants numbers\n" in output  # Ben's
    assert "  open: they: send Q3 numbers, due 2026-11-20 (hard, commitment 2, this row)\n" in output
    assert "(3/5) Tom Weber (Brightly)" in output and "  open: no commitment\n" in output
    assert output.count(PROMPT) == 5
    assert output.endswith("End of the list.\n5 skipped.\n")
    assert tally["skipped"] == 5
    assert seeded.dump() == before  # skipping writes nothing


def test_limit_and_on_are_todays(seeded) -> None:
    output, _ = run_keys(seeded.home, "kkkk", limit=2)
    assert shown(output) == ORDER[:2] and "(2/2)" in output and output.endswith("2 skipped.\n")
    later = seeded.json("today", "-f", "json", "--on", "2026-11-30")
    output, _ = run_keys(seeded.home, "k" * 10, on="2026-11-30", limit=0)
    assert shown(output) == [row["name"] for row in later]
    assert "10 days overdue, by email" in output  # (Ana's promise, counted from the day reviewed)


def test_an_action_moves_on_and_the_list_is_read_again(seeded) -> None:
    output, tally = run_keys(seeded.home, "s" + "k" * 4)
    assert output.index("Logged email with Ana Ruiz (sent).") < output.index("(2/5) Ben Okafor")
    assert "Next: 2026-11-20 (3 days overdue): you promised: send the deck, by email" in output  # still owed
    assert shown(output) == ORDER  # Ana stays in today's list (the promise is open) but is not shown again
    assert output.endswith("End of the list.\n1 logged, 4 skipped.\n")
    assert tally == {"logged": 1, "done": 0, "closed": 0, "snoozed": 0, "noted": 0, "skipped": 4}


def test_quit_says_what_was_done_and_what_is_left(seeded) -> None:
    output, _ = run_keys(seeded.home, "sdkz\nq")
    # s on Ana, d on Ben (their promise delivered), k on Tom, z on Sara (3d), q on Maya
    assert output.endswith("1 logged, 1 done, 1 snoozed, 1 skipped; 1 not reviewed.\n")
    output, _ = run_keys(seeded.home, "q")
    assert output.endswith("Nothing logged; 4 not reviewed.\n")  # (Sara is snoozed now)


@pytest.mark.parametrize("end", [b"", b"\x04", b"\x03"], ids=["end of input", "ctrl-d", "ctrl-c"])
def test_the_end_of_input_ctrl_d_and_ctrl_c_quit_with_the_summary(seeded, end: bytes) -> None:
    output, _ = run_keys(seeded.home, b"s" + end)
    assert output.endswith("1 logged; 4 not reviewed.\n")
    assert [t["outcome"] for t in seeded.json("export", "touches", "-f", "json")].count("sent") == 2  # kept
    output, _ = run_keys(seeded.home, b"kz" + end)  # at a prompt too
    assert output.endswith("1 skipped; 4 not reviewed.\n")


def test_d_closes_only_a_commitment_row(seeded) -> None:
    before = seeded.dump()
    output, _ = run_keys(seeded.home, "kkdq")  # Tom's row: a cadence follow-up
    assert "No commitment on this row.\n" in output
    assert output.count("(3/5) Tom Weber") == 1 and output.count(PROMPT) == 4  # same row, asked again
    assert seeded.dump() == before
    run_keys(seeded.home, "dkkkd")  # Ana's promise, Maya's soft step
    closed = {c["action"]: c["status"] for c in seeded.json("export", "commitments", "-f", "json")}
    assert closed == {"send the deck": "done", "send Q3 numbers": "open", "let's talk again": "done"}


def test_a_bad_when_is_asked_again_and_esc_or_an_empty_answer_cancels(seeded) -> None:
    before = seeded.dump()
    output, _ = run_keys(seeded.home, "zfrday\nyesterday\n\x1bq")
    assert "Snooze until? [3d] frday\ncannot read 'frday' as a date;" in output
    assert "Snooze until? [3d] yesterday\nsnooze date is in the past\n" in output
    assert "Not snoozed.\n" in output and "Traceback" not in output
    output, _ = run_keys(seeded.home, "a\nq")  # no default: an empty answer cancels
    assert "Nothing logged.\n" in output
    output, _ = run_keys(seeded.home, "atomorrow\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f2026-11-20\n\x1bq")
    assert "--ask-again must be a date after the touch" in output
    assert seeded.dump() == before


def test_z_takes_3d_by_default_and_says_a_promise_still_shows(seeded) -> None:
    output, _ = run_keys(seeded.home, "z\nkkkq")
    assert "Snoozed Ana Ruiz's follow-ups until 2026-11-26. Still due: a snooze hides follow-ups, not promises" in output
    assert seeded.json("show", "ana", "-f", "json")["snoozed_until"] == "2026-11-26"
    output, _ = run_keys(seeded.home, "kkkzfri\nq")
    assert "Snoozed Sara Kim's follow-ups until 2026-11-27.\n" in output
    assert "Sara Kim" not in [row["name"] for row in today(seeded)]


def test_x_asks_first(seeded) -> None:
    before = seeded.dump()
    output, _ = run_keys(seeded.home, "kkkxnq")
    assert "Close Sara Kim as not interested? [y/N] n\nNot closed.\n" in output
    assert seeded.dump() == before
    output, _ = run_keys(seeded.home, "kkkxyq")
    assert "Logged email with Sara Kim (not-interested). Sara Kim is now closed." in output
    assert seeded.json("show", "sara", "-f", "json")["state"] == "closed"


def test_e_adds_a_line_to_the_last_touch_and_stays_on_the_row(seeded) -> None:
    output, tally = run_keys(seeded.home, "kkkewants pricing too\nq")
    assert "Note for the touch of 2026-11-18 (email, sent): wants pricing too\nNoted on touch 6 (Sara Kim).\n" in output
    assert output.count("(4/5) Sara Kim") == 1 and output.count(PROMPT) == 5  # still on Sara's row
    notes = {t["id"]: t["note"] for t in seeded.json("export", "touches", "-f", "json")}
    assert notes[6] == "sent the case study\nwants pricing too"
    assert tally["noted"] == 1
    seeded.ok("undo")  # one undo step, as every action
    assert {t["id"]: t["note"] for t in seeded.json("export", "touches", "-f", "json")}[6] == "sent the case study"


def test_u_takes_back_this_reviews_last_action_and_shows_the_row_again(seeded) -> None:
    before = seeded.dump()
    output, _ = run_keys(seeded.home, "uq")
    assert "Nothing to undo in this review.\n" in output
    output, tally = run_keys(seeded.home, "skuuq")
    assert "Undid: log Ana Ruiz (#1): email, sent (today 09:00).\n" in output
    assert shown(output) == ["Ana Ruiz", "Ben Okafor", "Tom Weber", "Ana Ruiz"]  # back to Ana, Ben's skip stands
    assert "Nothing to undo in this review.\n" in output  # the skip is not an action
    assert output.endswith("1 skipped; 4 not reviewed.\n") and tally["logged"] == 0
    assert seeded.dump() == before  # exactly as it was, the undo history too


def test_u_leaves_a_change_made_elsewhere_since(seeded) -> None:
    """Another terminal logs a call while the review waits: `u` must not take that back."""
    read_end, write_end = os.pipe()
    out = io.StringIO()

    def loop() -> None:  # (its own context: a sqlite3 connection stays in the thread that opened it)
        ctx = AppContext(now=current_time(), db_location=str(seeded.db_path))
        try:
            with Keys(read_end, out) as keys:
                review(ctx, keys)
        finally:
            ctx.close()

    worker = threading.Thread(target=loop)
    worker.start()
    try:
        os.write(write_end, b"s")
        deadline = time.monotonic() + 10
        while "(2/5)" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        other = AppContext(now=current_time(), db_location=str(seeded.db_path))
        core.log_touch(other, "tom", "call", outcome="no-answer")
        other.close()
        os.write(write_end, b"uq")
    finally:
        os.close(write_end)
        worker.join(10)
        os.close(read_end)
    assert "not this review's (another command ran since): nothing undone" in out.getvalue()
    outcomes = sorted((t["contact_name"], t["outcome"]) for t in seeded.json("export", "touches", "-f", "json")
                      if t["at"].startswith("2026-11-23"))
    assert outcomes == [("Ana Ruiz", "sent"), ("Tom Weber", "no-answer")]


def test_unknown_keys_and_help(seeded) -> None:
    output, _ = run_keys(seeded.home, "w\n?\x1b[Aq")
    assert "No key 'w' here: ? lists the keys.\n" in output
    assert "One key, no Enter: ? lists the keys.\n" in output
    assert "  z  snooze: asks WHEN (default 3d)\n" in output and "  ?  this table\n" in output
    assert output.count("(1/5) Ana Ruiz") == 1  # the arrow key was read whole, as no key


def test_nothing_due_and_no_database(fup, seeded) -> None:
    output, _ = run_keys(seeded.home, "q", on="2026-11-10")
    assert output == "Nothing due on 2026-11-10.\n"


def test_no_database_yet(fup_home: Path) -> None:
    output, _ = run_keys(fup_home, "q")
    assert output.startswith("No contacts yet.") and not (fup_home / "fup.db").exists()


# --- each key is its command ---------------------------------------------------------------


KEY_COMMANDS = [  # (keys before and after reaching the row, whose row, the command that must leave the same database)
    ("s", "Ana Ruiz", ["log", "1", "email"]),
    ("s", "Ben Okafor", ["log", "2", "call"]),
    ("n", "Tom Weber", ["log", "3", "call", "--outcome", "no-answer"]),
    ("m", "Tom Weber", ["log", "3", "call", "--outcome", "left-message"]),
    ("m", "Sara Kim", ["log", "4", "call", "--outcome", "left-message"]),
    ("t", "Tom Weber", ["log", "3", "call", "--outcome", "talked"]),
    ("t", "Sara Kim", ["log", "4", "email", "--in"]),
    ("d", "Ana Ruiz", ["done", "1", "--id", "1"]),
    ("d", "Ben Okafor", ["done", "2", "--id", "2"]),
    ("d", "Maya Chen", ["done", "5", "--id", "3"]),
    ("z\n", "Sara Kim", ["snooze", "4", "3d"]),
    ("zfri\n", "Tom Weber", ["snooze", "3", "fri"]),
    ("znever\n", "Tom Weber", ["snooze", "3", "never"]),
    ("a2027-01-05\n", "Sara Kim", ["log", "4", "email", "--in", "--ask-again", "2027-01-05"]),
    ("ajan 5\n", "Tom Weber", ["log", "3", "call", "--outcome", "talked", "--ask-again", "jan 5"]),
    ("xy", "Sara Kim", ["log", "4", "email", "--outcome", "not-interested"]),
]


@pytest.mark.parametrize("keys, name, command", KEY_COMMANDS, ids=[f"{k.strip()}-{n.split()[0]}" for k, n, _ in KEY_COMMANDS])
def test_each_key_leaves_the_database_its_command_leaves(seeded, tmp_path: Path, keys: str, name: str,
                                                          command: list[str]) -> None:
    by_command = copy_home(seeded, tmp_path / "by-command")
    seeded.ok(command, env={"FUP_HOME": str(by_command)})
    output, _ = run_keys(seeded.home, "k" * ORDER.index(name) + keys + "q")
    assert "Traceback" not in output
    assert seeded.dump() == seeded.dump(by_command / "fup.db")  # every row, the undo history's label too
    assert today(seeded) == today(seeded, by_command)


def test_e_is_core_note_touch(seeded, tmp_path: Path) -> None:
    by_core = copy_home(seeded, tmp_path / "by-core")
    ctx = AppContext(now=current_time(), db_location=str(by_core / "fup.db"))
    core.note_touch(ctx, "2", "sends them Friday")
    ctx.close()
    run_keys(seeded.home, "kesends them Friday\nq")
    assert seeded.dump() == seeded.dump(by_core / "fup.db")


# --- without a terminal ---------------------------------------------------------------------


@pytest.mark.parametrize("args", [["review"], ["review", "--on", "fri", "--limit", "3"]])
def test_without_a_terminal_it_says_so_and_exits_2(seeded, args: list[str]) -> None:
    before = seeded.dump()
    result = seeded(args, input="s\n")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", NEEDS_A_TERMINAL)
    assert seeded.dump() == before


# --- the key reader -------------------------------------------------------------------------


def _keys(data: bytes) -> Keys:
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    return Keys(read_end, io.StringIO())


def test_the_reader_reads_keys_from_a_pipe() -> None:
    keys = _keys("sé\x1b[A\x1bOP\x1bk\r\x7f\x01".encode())
    with keys:
        got = [keys.read_key() for _ in range(9)]
    assert got == ["s", "é", OTHER, OTHER, ESC, "k", ENTER, BACKSPACE, OTHER]
    assert keys.read_key() == EOF and not keys.is_tty
    with pytest.raises(KeyboardInterrupt):
        _keys(b"\x03").read_key()


def test_a_line_is_edited_as_typed() -> None:
    keys = _keys("frx\x7fi\n\n\x1bmonday\x15tue\n\n".encode())
    assert keys.read_line("When?") == "fri"
    assert keys.read_line("When?", "3d") == "3d"
    assert keys.read_line("When?", "3d") is None  # Esc
    assert keys.read_line("When?") == "tue"  # Ctrl-U took back "monday"
    assert keys.read_line("When?") is None  # empty, no default
    with pytest.raises(Quit):
        keys.read_line("When?")
    assert keys.out.getvalue().startswith("When? frx\b \bi\nWhen? [3d] \n")


# --- a real terminal ------------------------------------------------------------------------


class Terminal:
    """The installed `fup` on the slave side of a new pseudo-terminal, as its controlling terminal."""

    def __init__(self, home: Path, *args: str):
        self.master, self.slave = os.openpty()
        self.before = termios.tcgetattr(self.slave)
        env = {**os.environ, "FUP_HOME": str(home), "FUP_NOW": "2026-11-23T09:00", "NO_COLOR": "1", "TERM": "xterm"}
        env.pop("FUP_DB", None)
        self.proc = subprocess.Popen([str(BIN / "fup"), "review", *args], stdin=self.slave, stdout=self.slave,
                                     stderr=self.slave, env=env, start_new_session=True, preexec_fn=self._take)
        self.seen = b""

    @staticmethod
    def _take() -> None:  # (in the child, after setsid: the pty becomes its controlling terminal)
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def expect(self, text: str, timeout: float = 20) -> str:
        """Read until `text` has been printed (since the last expect); fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"no {text!r} within {timeout} s; got {self.seen.decode(errors='replace')!r}"
            if select.select([self.master], [], [], left)[0]:
                self.seen += os.read(self.master, 4096)
        upto = self.seen.index(text.encode()) + len(text)
        said, self.seen = self.seen[:upto], self.seen[upto:]
        return said.decode()

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 20) -> int:
        code = self.proc.wait(timeout)
        while select.select([self.master], [], [], 0.2)[0]:
            self.seen += os.read(self.master, 4096)
        return code

    def restored(self) -> bool:
        return termios.tcgetattr(self.slave) == self.before

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal(seeded):
    opened: list[Terminal] = []

    def start(*args: str) -> Terminal:
        opened.append(Terminal(seeded.home, *args))
        return opened[-1]

    yield start
    for term in opened:
        term.close()


@pytest.mark.e2e
def test_a_morning_in_a_real_terminal(seeded, terminal) -> None:
    term = terminal()
    assert "(1/5) Ana Ruiz (Acme)" in term.expect(PROMPT)
    assert not term.restored()  # keys at once, unechoed, while it runs
    term.type("s")  # Ana: the deck went out
    assert "Logged email with Ana Ruiz (sent)." in term.expect(PROMPT)
    term.type("z")  # Ben: snoozed till Friday
    term.expect("Snooze until? [3d] ")
    term.type("fri\n")
    assert "Snoozed Ben Okafor's follow-ups until 2026-11-27." in term.expect(PROMPT)
    term.type("d")  # Tom: no commitment on his row
    assert "No commitment on this row." in term.expect(PROMPT)
    term.type("kkd")  # skip Tom and Sara; Maya's soft step is done
    assert "Done: let's talk again (Maya Chen, commitment 3)." in term.expect("End of the list.")
    assert term.finish() == 0 and term.restored()
    assert "1 logged, 1 done, 1 snoozed, 2 skipped.\n" in term.seen.decode().replace("\r\n", "\n")

    touches = [t for t in seeded.json("export", "touches", "-f", "json") if t["at"].startswith("2026-11-23")]
    assert [(t["contact_name"], t["channel"], t["direction"], t["outcome"]) for t in touches] == [
        ("Ana Ruiz", "email", "out", "sent")]
    commitments = {c["action"]: c["status"] for c in seeded.json("export", "commitments", "-f", "json")}
    assert commitments == {"send the deck": "open", "send Q3 numbers": "open", "let's talk again": "done"}
    assert seeded.json("show", "ben", "-f", "json")["snoozed_until"] == "2026-11-27"

    term = terminal()  # a second review: take back its last action, then quit
    term.expect(PROMPT)
    term.type("kkd")  # Tom's row has no commitment, and u has nothing of this review to undo
    term.expect("No commitment on this row.")
    term.expect(PROMPT)
    term.type("u")
    assert "Nothing to undo in this review." in term.expect(PROMPT)
    term.type("t")  # Tom picked up
    assert "Logged call with Tom Weber (talked)." in term.expect(PROMPT)
    term.type("u")
    said = term.expect(PROMPT)
    assert "Undid: log Tom Weber (#3): call, talked (today 09:00)." in said and "(3/4) Tom Weber (Brightly)" in said
    term.type("q")
    assert term.finish() == 0 and term.restored()
    assert "2 skipped; 2 not reviewed." in term.seen.decode()
    assert [t for t in seeded.json("export", "touches", "-f", "json") if t["at"].startswith("2026-11-23")] == touches


@pytest.mark.e2e
def test_ctrl_c_in_a_terminal_quits_with_the_summary_and_restores_it(seeded, terminal) -> None:
    term = terminal("--limit", "3")
    assert "(1/3) Ana Ruiz" in term.expect(PROMPT)
    term.type("n")
    term.expect(PROMPT)
    term.type("z")
    term.expect("Snooze until? [3d] ")
    term.type("fr\x03")  # Ctrl-C at a prompt: a signal (the terminal keeps ISIG)
    assert term.finish() == 0 and term.restored()
    assert "1 logged; 2 not reviewed." in term.seen.decode()
    assert "Traceback" not in term.seen.decode() and "Aborted" not in term.seen.decode()
    assert seeded.json("show", "ben", "-f", "json")["snoozed_until"] is None


@pytest.mark.e2e
def test_ctrl_d_quits_and_a_bad_on_is_one_line(seeded, terminal) -> None:
    """Ctrl-D quits like q, and the terminal comes back as it was; a bad --on is one line, exit 2."""
    term = terminal()
    term.expect(PROMPT)
    term.type("\x04")
    assert term.finish() == 0 and term.restored()
    assert "Nothing logged; 5 not reviewed." in term.seen.decode()
    term = terminal("--on", "2026-02-30")
    assert term.finish() == 2 and term.restored()
    assert "fup: error: invalid date '2026-02-30'" in term.seen.decode()


@pytest.mark.e2e
def test_sigterm_ends_it_with_the_terminal_put_back(seeded, terminal) -> None:
    term = terminal()
    term.expect(PROMPT)
    term.type("z")
    term.expect("Snooze until? [3d] ")
    term.proc.terminate()
    assert term.finish() == 128 + 15 and term.restored()
    assert seeded.json("show", "ana", "-f", "json")["snoozed_until"] is None
