"""The fast path: what `fup today`, `--version` and name completion import, and that it agrees.

- Import budget: the hot commands must not import Typer, Rich, SQLAlchemy,
  SQLModel, pydantic or Alembic (each costs tens to hundreds of milliseconds).
- The fast parser and the Typer command print the same bytes.
- The ranked, indexed read (`queries.due_rows`) agrees row for row with the
  reference: every contact re-planned from its whole history by the pure
  scheduler, its row picked by `row_on`, all sorted by `rank_key`.
"""

from __future__ import annotations

import io
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fupcli import core
from fupcli.cli import app
from fupcli.context import AppContext
from fupcli.errors import FupError
from fupcli.fastpath import main as fast_main
from fupcli.queries import _due_row, count_due, due_rows, rank_key
from fupcli.scheduler import CommitmentFacts, ContactFacts, Rules, TouchFacts, birthday_item, plan_contact, row_on

HEAVY = ("typer", "click", "rich", "sqlalchemy", "sqlmodel", "pydantic", "alembic")
START = datetime(2026, 9, 1, 9, 0)

PROBE = """
import sys
from fupcli.fastpath import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("\\nHEAVY=" + ",".join(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))
""" % (HEAVY,)


@pytest.fixture()
def demo_home(tmp_path: Path) -> Path:
    ctx = AppContext(now=datetime(2026, 11, 20, 9), db_location=str(tmp_path / "fup.db"))
    core.add_contact(ctx, core.NewContact("Ana Ruiz", company="Acme", birthday="11-23"), met="2026-11-02")
    core.add_contact(ctx, core.NewContact("Andrew Lee", cadence="hot"), met="2026-11-10")
    core.add_contact(ctx, core.NewContact("Bo Lind"), step=core.NextStep("send the deck", date(2026, 11, 21)))
    ctx.close()
    return tmp_path


@pytest.mark.parametrize(
    "args, env",
    [
        (["today"], {}),
        (["today", "--format", "json", "--on", "fri"], {}),
        (["today", "-f", "csv", "--limit=1"], {}),
        (["--version"], {}),
        ([], {"_FUP_COMPLETE": "complete_bash", "COMP_WORDS": "fup log An", "COMP_CWORD": "2"}),
        ([], {"_FUP_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "fup show an"}),
    ],
)
def test_hot_commands_import_no_heavy_module(demo_home: Path, args: list[str], env: dict) -> None:
    run_env = {**os.environ, "FUP_HOME": str(demo_home), "FUP_NOW": "2026-11-23T08:30", **env}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=run_env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("HEAVY="), proc.stdout
    assert proc.stdout.split("\nHEAVY=")[0].strip(), "printed nothing"


def test_other_commands_go_to_the_full_cli(demo_home: Path) -> None:
    env = {**os.environ, "FUP_HOME": str(demo_home), "FUP_NOW": "2026-11-23T08:30"}
    proc = subprocess.run([sys.executable, "-c", PROBE, "today", "--help"], env=env, capture_output=True, text=True)
    assert "Usage" in proc.stdout and "typer" in proc.stdout.split("HEAVY=")[1]


def _fast(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        with pytest.raises(SystemExit) as done:
            fast_main(args)
    return done.value.code, out.getvalue()


@pytest.mark.parametrize(
    "args",
    [["today"], ["today", "--limit", "2"], ["today", "--limit", "0"], ["today", "-f", "json"],
     ["today", "--format=csv"], ["today", "--on", "2026-12-01", "-f", "json"], ["today", "--on", "tomorrow"]],
)
def test_fast_and_full_doors_print_the_same(demo_home: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setenv("FUP_HOME", str(demo_home))
    monkeypatch.setenv("FUP_NOW", "2026-11-23T08:30")
    code, fast_out = _fast(args, monkeypatch)
    full = CliRunner().invoke(app, args)
    # (the runner's stdout turns CSV's \r\n into \n; both doors write through the same csv writer)
    assert (code, fast_out.replace("\r\n", "\n")) == (full.exit_code, full.stdout)


def test_fast_door_reports_bad_input_like_the_full_one(demo_home: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("FUP_HOME", str(demo_home))
    monkeypatch.setenv("FUP_NOW", "2026-11-23T08:30")
    for args in (["today", "--on", "2027-02-30"], ["today", "-f", "yaml"]):
        with pytest.raises(SystemExit) as done:
            fast_main(args)
        err = capsys.readouterr().err
        full = CliRunner().invoke(app, args)
        assert done.value.code == full.exit_code == 2
        assert err == full.stderr and err.count("\n") == 1


# --- the ranked read agrees with re-planning everything --------------------------------


def reference_rows(path: Path, on: date, rules: Rules) -> list:
    """Every contact re-planned from its history, one row each, ranked: the slow, obvious way."""
    conn = sqlite3.connect(path)
    rows = []
    for cid, name, company, channel, cadence, state, created, snoozed, birthday in conn.execute(
        "SELECT id, name, company, channel, cadence, state, created_at, snoozed_until, birthday FROM contact"
    ):
        touches = [
            TouchFacts(datetime.fromisoformat(at), direction, outcome, tchannel,
                       date.fromisoformat(ask[:10]) if ask else None, tid)
            for tid, at, direction, outcome, tchannel, ask in conn.execute(
                "SELECT id, at, direction, outcome, channel, ask_again FROM touch WHERE contact_id = ?", (cid,))
        ]
        commitments = [
            CommitmentFacts(mid, whose, action, date.fromisoformat(due[:10]), firmness, status)
            for mid, whose, action, due, firmness, status in conn.execute(
                "SELECT id, whose, action, due, firmness, status FROM commitment WHERE contact_id = ?", (cid,))
        ]
        snooze = date.fromisoformat(snoozed[:10]) if snoozed else None
        facts = ContactFacts(name, cadence, state, datetime.fromisoformat(created), snooze, birthday)
        plan = plan_contact(facts, touches, commitments, rules)
        last = max((t.at for t in touches), default=None)
        item = row_on(plan.state, plan.items, on, snooze, birthday, last.date() if last else None)
        if item is not None:
            contact = {"id": cid, "name": name, "company": company, "channel": channel,
                       "last_touch_at": last.isoformat() if last else None}
            rows.append(_due_row(contact, item, on))
    conn.close()
    return sorted(rows, key=rank_key)


NAMES = ["Ana", "Bo", "Cy", "Di", "Ed", "Flo", "ana", "Bo"]


@st.composite
def histories(draw):
    """A script of writes over a few weeks: adds, logs, commitments, snoozes, state changes."""
    steps = []
    for n in range(draw(st.integers(1, 7))):
        steps.append(("add", n, draw(st.sampled_from(["hot", "warm", "vip", "nurture", "none"])),
                      draw(st.booleans()), draw(st.sampled_from([None, "11-23", "09-20", "12-30", "01-02", "02-28", "02-29"])),
                      draw(st.integers(0, 20))))
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["log", "log", "log", "next", "done", "snooze", "state"]))
        steps.append((kind, draw(st.integers(0, 6)), draw(st.integers(0, 80)),
                      draw(st.sampled_from(["sent", "no-answer", "replied", "talked", "not-interested", "won"])),
                      draw(st.booleans()), draw(st.integers(1, 60))))
    return steps


def build(path: Path, steps: list) -> None:
    """Play the script through the core, as the commands would, one transaction per step."""
    ctx = AppContext(now=START, db_location=str(path))
    made = 0
    try:
        for step in sorted(steps, key=lambda s: s[-1] if s[0] == "add" else s[2]):
            kind = step[0]
            try:
                if kind == "add":
                    _, n, cadence, met, birthday, day = step
                    ctx.now = START + timedelta(days=day)
                    core.add_contact(ctx, core.NewContact(f"{NAMES[n]} {n}", cadence=cadence, birthday=birthday),
                                     no_meeting=not met)
                    made += 1
                    continue
                if not made:
                    continue
                _, who, day, outcome, flag, span = step
                ctx.now = START + timedelta(days=day)
                target = str(who % made + 1)
                if kind == "log":
                    ask = f"{span}d" if flag and outcome == "talked" else None
                    core.log_touch(ctx, target, outcome=outcome, inbound=flag and outcome == "replied", ask_again=ask)
                elif kind == "next":
                    due = (ctx.now + timedelta(days=span - 20)).date()
                    core.add_commitment(ctx, target, core.NextStep("step", due, "theirs" if flag else "mine",
                                                                   "soft" if span % 3 == 0 else "hard"))
                elif kind == "done":
                    core.close_commitment(ctx, target, "done")
                elif kind == "snooze":
                    core.snooze(ctx, target, f"{span % 15}d")
                else:
                    core.set_state(ctx, target, random.Random(span).choice(["active", "nurture", "client", "closed"]))
            except FupError:
                pass  # e.g. no open commitment to close: the script goes on
    finally:
        ctx.close()


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=histories(), offset=st.integers(0, 200), limit=st.sampled_from([0, 1, 2, 3, 20]))
def test_ranked_read_agrees_with_replanning_everything(tmp_path_factory, steps, offset, limit) -> None:
    path = tmp_path_factory.mktemp("db") / "fup.db"
    build(path, steps)
    if not path.exists():
        return
    on = (START + timedelta(days=offset)).date()
    expected = reference_rows(path, on, Rules())
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        got = due_rows(conn, on, limit)
        total = count_due(conn, on)
    finally:
        conn.close()
    assert got == (expected[:limit] if limit else expected)
    assert total == len(expected)


def test_birthday_item_is_what_reference_uses() -> None:
    """The reference and the read share birthday rules; pin one case so neither drifts silently."""
    item = birthday_item("11-23", None, date(2026, 11, 25))
    assert item is not None and item.due == date(2026, 11, 23) and item.kind == "birthday"


def test_a_tie_at_the_limit_goes_to_the_name_that_sorts_first(tmp_path: Path) -> None:
    """Rows read in rank order stop at the limit only after every row that ties with the last one."""
    path = tmp_path / "fup.db"
    ctx = AppContext(now=START, db_location=str(path))
    for name in ("Zoe", "Yann", "Xavier"):
        core.add_contact(ctx, core.NewContact(name, cadence="warm"), no_meeting=True)
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        assert [r.name for r in due_rows(conn, START.date(), 1)] == ["Xavier"]
        assert [r.name for r in due_rows(conn, START.date(), 2)] == ["Xavier", "Yann"]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "birthday, touched, on, due",
    [
        ("12-30", None, date(2027, 1, 2), "2026-12-30"),  # the window crosses the new year
        ("12-30", datetime(2026, 12, 31, 10), date(2027, 1, 2), None),  # greeted after the birthday
        ("12-30", datetime(2026, 12, 29, 10), date(2027, 1, 2), "2026-12-30"),  # touched the day before
        ("02-29", None, date(2027, 3, 1), "2027-02-28"),  # 29 February, in a common year
        ("02-29", datetime(2027, 2, 28, 10), date(2027, 3, 1), None),  # greeted on the 28th
    ],
)
def test_birthday_rows_and_counts_at_the_edges_of_the_calendar(tmp_path: Path, birthday, touched, on, due) -> None:
    path = tmp_path / "fup.db"
    ctx = AppContext(now=datetime(2026, 6, 1, 9), db_location=str(path))
    core.add_contact(ctx, core.NewContact("Ana", cadence="none", birthday=birthday), no_meeting=True)
    if touched is not None:
        ctx.now = touched
        core.log_touch(ctx, "ana")
    ctx.close()
    conn = sqlite3.connect(path)
    try:
        rows = due_rows(conn, on)
        assert [(r.kind, r.due) for r in rows] == ([("birthday", due)] if due else [])
        assert count_due(conn, on) == len(rows)
    finally:
        conn.close()
