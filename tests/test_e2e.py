"""End to end: the installed `fup` in a subprocess through a realistic week.

Each step sets FUP_NOW to the moment it happens and reads `--format json`,
as a script would. Also runs the example scripts in examples/ that the README
quotes, so they cannot rot.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(home: Path, now: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "FUP_HOME": str(home), "FUP_NOW": now, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("FUP_DB", None)
    proc = subprocess.run([str(BIN / "fup"), *args], env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr + proc.stdout
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def today(home: Path, now: str) -> list[dict]:
    return json.loads(run(home, now, "today", "--format", "json").stdout)


def test_a_week_of_follow_up(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # Monday: met two people at a meetup; promised Ana a deck by Wednesday.
    run(home, "2026-11-23T18:00", "add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example",
        "--next", "send the deck", "--due", "wed")
    run(home, "2026-11-23T18:05", "add", "Bo Lind", "--channel", "call", "--cadence", "hot")
    run(home, "2026-11-23T18:10", "add", "Cy Park", "--email", "cy@park.example")
    assert (home / "fup.db").stat().st_mode & 0o777 == 0o600
    assert home.stat().st_mode & 0o777 == 0o700

    # Tuesday: nothing due yet (hot is 2 days, warm 4, the promise is Wednesday).
    assert today(home, "2026-11-24T08:30") == []

    # Wednesday: the promise ranks above Bo's first hot follow-up.
    rows = today(home, "2026-11-25T08:30")
    assert [(r["name"], r["kind"]) for r in rows] == [("Ana Ruiz", "promise"), ("Bo Lind", "cadence")]
    assert rows[1]["channel"] == "call" and rows[1]["days_overdue"] == 0
    run(home, "2026-11-25T09:00", "log", "ana", "--note", "deck sent")
    run(home, "2026-11-25T09:01", "done", "ana")
    run(home, "2026-11-25T09:30", "log", "bo", "--outcome", "no-answer")

    # Thursday: Bo is due again one day later (hot gaps 2, 1, ...); Ana not yet.
    rows = today(home, "2026-11-26T08:30")
    assert [r["name"] for r in rows] == ["Bo Lind"]
    assert "1 unanswered" in rows[0]["reason"]
    # Bo calls back: a reply resets the streak, and he asks for a date.
    run(home, "2026-11-26T15:00", "log", "bo", "--in", "--outcome", "talked", "--ask-again", "2027-01-11")

    # Friday: Cy's first warm follow-up (4 days after Monday), and Ana's second (3 days after the
    # deck went out on Wednesday: Saturday -> Friday, the nearest workday).
    rows = today(home, "2026-11-27T08:30")
    assert [(r["name"], r["due"]) for r in rows] == [("Ana Ruiz", "2026-11-27"), ("Cy Park", "2026-11-27")]
    run(home, "2026-11-27T10:00", "log", "cy", "email", "--outcome", "not-interested")

    # The next Monday: Ana, left for later on Friday, now 3 days overdue.
    rows = today(home, "2026-11-30T08:30")
    assert [(r["name"], r["kind"], r["due"], r["days_overdue"]) for r in rows] == [("Ana Ruiz", "cadence", "2026-11-27", 3)]
    assert set(rows[0]) == {"contact_id", "name", "company", "kind", "reason", "due", "days_overdue",
                            "channel", "urgency", "last_touch", "owner"}

    # Cy said no: closed, never due again; Bo appears exactly on the asked date, not before.
    cy = json.loads(run(home, "2026-11-30T08:31", "show", "cy", "-f", "json").stdout)
    assert cy["state"] == "closed" and cy["next_due"] is None
    assert all(r["name"] != "Bo Lind" for r in today(home, "2027-01-08T08:00"))
    asked = [r for r in today(home, "2027-01-11T08:00") if r["name"] == "Bo Lind"]
    assert asked and asked[0]["kind"] == "asked" and asked[0]["due"] == "2027-01-11"


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    env = {**os.environ, "FUP_HOME": str(tmp_path), "FUP_NOW": "2026-11-23"}
    proc = subprocess.run([sys.executable, "-m", "fupcli", "--version"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("fup ")


@pytest.mark.parametrize("script", ["demo.sh", "week.sh", "your-data.sh", "sync.sh"])
def test_examples_run(tmp_path: Path, script: str) -> None:
    env = {**os.environ, "FUP_HOME": str(tmp_path / "home"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(ROOT / "examples" / script)], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_demo_database_morning(tmp_path: Path) -> None:
    """What `make demo` shows: the demo pipeline's Monday list, ranked."""
    home = tmp_path / "home"
    env = {**os.environ, "FUP_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", str(ROOT / "examples" / "demo.sh")], env=env, check=True, capture_output=True)
    rows = today(home, "2026-11-23T08:30")
    # By tier: my promise, then the check-in on theirs, then the cadence row, though it is the most overdue.
    assert [(r["name"], r["kind"], r["days_overdue"]) for r in rows] == [
        ("Farid Haddad", "promise", 3),
        ("Ben Okafor", "their-promise", 3),
        ("Chloe Martin", "cadence", 4),
    ]
    assert [r["urgency"] for r in rows] == sorted((r["urgency"] for r in rows), reverse=True)
    # Dmitri asked for December 1st: honoured exactly.
    dmitri = [r for r in today(home, "2026-12-01T08:30") if r["name"] == "Dmitri Petrov"]
    assert dmitri[0]["kind"] == "asked" and dmitri[0]["days_overdue"] == 0
