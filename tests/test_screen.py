"""Fitting the screen and the pipe (issue 11): tables that never wrap, and a quiet end on `| head`.

- `fup today` and `fup list` fit their table to the width: a terminal's own, else `COLUMNS`
  when it is a positive integer, else none (a pipe or a file gets every cell whole). The
  reason gives way first (cut with `…`), then the company beside the name, then the name;
  the rank, the due date and the channel are never cut. `list` gives up its tags first,
  then the "(in 3 days)" after the date. `--wide` prints everything whole; JSON and CSV
  are never cut. Widths are counted as a terminal shows them (a CJK character takes two).
- A closed pipe (`fup show ana | head -1`, `fup today --format json | head -c 10`,
  `fup --help | head -1`) ends with exit status 141 (128 + SIGPIPE, see
  `errors.PIPE_CLOSED`) and nothing on stderr, for every command, format and door. Real
  pipelines run over a home whose outputs are far larger than a pipe's buffer (so the
  reader always leaves first); outputs too small for that are written into a pipe whose
  reading end is already closed, which fails the first write every time.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from fupcli import render
from fupcli.errors import PIPE_CLOSED

BIN = Path(sys.executable).parent
FUP = str(BIN / "fup")
NOW = "2026-11-23T09:00"

LONG_NAME = "Maximiliana Theodora Featherstonehaugh-Wolfeschlegel"
LONG_COMPANY = "International Consolidated Widget Manufacturing Holdings"
LONG_STEP = "send the revised proposal with the three pricing tiers and the onboarding timeline"


def display_width(line: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.fixture
def people(fup, monkeypatch: pytest.MonkeyPatch):
    """Five people, due on 2026-11-23: long names, companies, reasons and tags, and short ones."""
    monkeypatch.delenv("COLUMNS", raising=False)
    fup.ok("add", LONG_NAME, "--company", LONG_COMPANY, "--tag", "enterprise", "--tag", "manufacturing",
           "--tag", "q4-pipeline", "--next", LONG_STEP, "--due", "2026-11-20", now="2026-11-16")
    fup.ok("add", "Bo Li", "--company", "Acme", "--channel", "call", "--next", "call about the pilot", "--due", "2026-11-23",
           now="2026-11-16")
    fup.ok("add", "Chloe Martin", "--company", "Globex Corporation", "--cadence", "hot", "--channel", "linkedin",
           "--tag", "vip-prospect", now="2026-11-01")
    fup.ok("add", "Dmitri Petrov", "--theirs", "--next", "decide on the enterprise plan after the board meeting next week",
           "--due", "2026-11-19", now="2026-11-12")
    fup.ok("add", "Eva Lind", "--company", "Hooli", now="2026-11-22")  # no next step: the footer counts her
    return fup


def table(fup, *args: str, columns: str | None) -> list[str]:
    """The lines `fup ARGS` prints with COLUMNS set to `columns` (None: unset)."""
    return fup.ok(*args, env={"COLUMNS": columns}).stdout.splitlines()


def column_slices(header: str, names: list[str]) -> list[slice]:
    starts = [header.index(name) for name in names]
    return [slice(start, end) for start, end in zip(starts, starts[1:] + [None])]


def cells(lines: list[str], names: list[str]) -> list[list[str]]:
    """The body rows of a table, split at the header's column starts (ASCII tables only)."""
    slices = column_slices(lines[0], names)
    return [[line[s].strip() for s in slices] for line in lines[1:]]


TODAY_COLUMNS = ["#", "who", "why", "due", "channel"]
LIST_COLUMNS = ["id", "who", "state", "cadence", "next due", "tags"]


def due_text(days_overdue: int) -> str:
    return {0: "today", 1: "1 day overdue"}.get(days_overdue, f"{days_overdue} days overdue")


# --- fitting the screen ---------------------------------------------------------------------


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_today_fits_the_width_and_keeps_rank_due_and_channel_whole(people, columns: int) -> None:
    lines = table(people, "today", columns=str(columns))
    rows = people.json("today", "-f", "json")
    assert len(rows) == 4 and len(lines) >= 1 + len(rows)
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    body = cells(lines[:1 + len(rows)], TODAY_COLUMNS)
    for rank, (row, cell) in enumerate(zip(rows, body), 1):
        assert cell[0] == str(rank)
        assert cell[3] == due_text(row["days_overdue"])
        assert cell[4] == row["channel"]
        assert cell[1].startswith(row["name"][:10])  # the name's start is always there
    assert any("…" in cell[2] for cell in body), "the long reason is cut"


def test_the_reason_gives_way_first(people) -> None:
    wide = table(people, "today", "--wide", columns=None)
    natural = max(map(len, wide))
    for columns in (natural - 1, natural - 20):
        lines = table(people, "today", columns=str(columns))
        assert max(map(len, lines)) <= columns
        before, after = cells(wide[:5], TODAY_COLUMNS), cells(lines[:5], TODAY_COLUMNS)
        assert [c[1] for c in after] == [c[1] for c in before], "names and companies whole"
        assert [(c[0], c[3], c[4]) for c in after] == [(c[0], c[3], c[4]) for c in before]
        assert [c[2] for c in after] != [c[2] for c in before]
        for cut, whole in zip(after, before):
            assert cut[2] == whole[2] or (cut[2].endswith("…") and whole[2].startswith(cut[2][:-1]))


def test_then_the_company_goes_before_the_name(people) -> None:
    lines = table(people, "today", columns="72")
    assert max(map(len, lines)) <= 72
    who = {c[1] for c in cells(lines[:5], TODAY_COLUMNS)}
    assert LONG_COMPANY not in " ".join(who)
    assert "Bo Li" in " ".join(who) and "Chloe Martin" in " ".join(who)
    narrow = cells(table(people, "today", columns="60")[:5], TODAY_COLUMNS)
    assert any(c[1].startswith("Maximiliana") and c[1].endswith("…") for c in narrow)


def test_the_footer_breaks_between_words(people) -> None:
    lines = table(people, "today", columns="60")
    assert all(len(line) <= 60 for line in lines)
    footer = lines[5:]
    assert "(fup list --no-next-step)" in footer, footer  # kept whole, on its own line
    assert table(people, "today", "--wide", columns="60")[-1].endswith("no agreed next step (fup list --no-next-step)")


def test_wide_prints_every_cell_whole(people) -> None:
    wide = table(people, "today", "--wide", columns="60")
    assert wide == table(people, "today", columns=None) == table(people, "today", columns="1000")
    assert not any("…" in line for line in wide)
    assert any(LONG_STEP in line and LONG_NAME in line and LONG_COMPANY in line for line in wide)
    assert max(map(len, wide)) > 120


@pytest.mark.parametrize("value", [None, "", "0", "-80", "abc", "80x", "٨٠"])
def test_a_pipe_without_a_usable_columns_gets_every_cell_whole(people, value: str | None) -> None:
    for args in (("today",), ("list",)):
        lines = table(people, *args, columns=value)
        assert lines == table(people, *args, "--wide", columns=None)
        assert not any("…" in line for line in lines)


@pytest.mark.parametrize("args", [("today", "-f", "json"), ("today", "-f", "csv"), ("list", "-f", "json"),
                                  ("list", "-f", "csv"), ("show", "maximiliana", "-f", "json"), ("export", "due")])
def test_json_and_csv_are_never_cut(people, args: tuple[str, ...]) -> None:
    whole = people.ok(*args, env={"COLUMNS": None}).stdout
    assert people.ok(*args, env={"COLUMNS": "60"}).stdout == whole
    assert LONG_NAME in whole and "…" not in whole


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_list_fits_the_width_and_keeps_id_state_and_date(people, columns: int) -> None:
    lines = table(people, "list", columns=str(columns))
    views = people.json("list", "-f", "json")
    assert len(lines) == len(views) + 2 and lines[-1] == "5 contacts"
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    for view, cell in zip(views, cells(lines[:-1], LIST_COLUMNS)):
        assert cell[0] == str(view["id"]) and cell[2] == view["state"]
        assert cell[4].startswith(view["next_due"] or "-")
        assert cell[1].startswith(view["name"][:10])


def test_list_gives_up_tags_then_the_relative_date_before_names(people) -> None:
    wide = table(people, "list", "--wide", columns=None)
    natural = max(map(len, wide))
    lines = table(people, "list", columns=str(natural - 5))
    before, after = cells(wide[:-1], LIST_COLUMNS), cells(lines[:-1], LIST_COLUMNS)
    assert [c[:5] for c in after] == [c[:5] for c in before]  # only the tags were cut
    assert any(c[5].endswith("…") for c in after)
    lines = table(people, "list", columns="80")
    after = cells(lines[:-1], LIST_COLUMNS)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d|-", c[4]) for c in after), "bare dates, every row alike"
    assert any(c[1] == "Bo Li (Acme)" for c in after)


def test_wide_characters_count_twice_and_are_never_split(fup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    fup.ok("add", "山田太郎ではなく非常に長い名前の人物", "--company", "株式会社とても長い会社名ホールディングス",
           "--next", "見積書を送る、そして契約について詳しく話し合う予定です", "--due", "2026-11-20", now="2026-11-16")
    fup.ok("add", "Zoe\u0308 Ålvarez-Núñez", "--company", "Café Société Générale", "--next", LONG_STEP, "--due", "2026-11-20",
           now="2026-11-16")
    for columns in (60, 71, 80, 100):
        for args in (("today",), ("list",)):
            lines = table(fup, *args, columns=str(columns))
            assert all(display_width(line) <= columns for line in lines), (columns, lines)
            assert len(lines) == len(table(fup, *args, "--wide", columns=None))


def test_cut_keeps_accents_with_their_letters_and_wide_characters_whole() -> None:
    assert render._cut("Zoe\u0308 Zoe\u0308", 4) == "Zoe\u0308…"
    assert render._cut("山田太郎", 5) == "山田…"
    assert render._cut("山田太郎", 4) == "山…"
    assert render._cut("山田太郎", 8) == "山田太郎"
    assert render._cut("vc, angel", 4) == "vc…"
    assert render._cut("anything", 1) == "…"
    assert render._width("山田 Zoe\u0308") == 8


def test_both_doors_fit_alike(people) -> None:
    env = {**os.environ, "COLUMNS": "60"}
    for args in (["today"], ["list"], ["today", "--wide"], ["list", "--wide", "--tag", "enterprise"]):
        fast = subprocess.run([FUP, *args], env=env, capture_output=True, timeout=120)
        full = subprocess.run([sys.executable, "-c", "from fupcli.cli.app import main; main()", *args], env=env,
                              capture_output=True, timeout=120)
        assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr)
        assert fast.returncode == 0 and fast.stdout


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_the_table_fits_the_terminal(people) -> None:
    import fcntl
    import struct
    import termios

    master, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 70, 0, 0))
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}  # a terminal's own width wins
    try:
        proc = subprocess.Popen([FUP, "today"], stdout=terminal, stderr=subprocess.PIPE, env=env)
        os.close(terminal)
        said = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            said += chunk
        assert proc.wait(timeout=120) == 0
        assert proc.stderr.read() == b""
        proc.stderr.close()
    finally:
        os.close(master)
    lines = said.decode("utf-8").replace("\r\n", "\n").splitlines()
    assert lines[0].split() == ["#", "who", "why", "due", "channel"]
    assert all(len(line) <= 70 for line in lines), lines
    assert any("…" in line for line in lines)


# --- a closed pipe ------------------------------------------------------------------------------

SHOW_TOUCHES = 3000


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A home whose every listing is far larger than a pipe's buffer (64 KiB): 1500 contacts met
    on 2026-10-01, all overdue, and one of them (#1) with a timeline of 3000 touches."""
    from fupcli.transfer.formats import CONTACT_COLUMNS, TOUCH_COLUMNS

    base = tmp_path_factory.mktemp("crowd")
    env = {**os.environ, "FUP_HOME": str(base / "home"), "FUP_NOW": NOW}
    for name in ("FUP_DB", "FUP_DEBUG", "COLUMNS", "_FUP_COMPLETE"):
        env.pop(name, None)
    contacts, touches = base / "contacts.csv", base / "touches.csv"
    with contacts.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CONTACT_COLUMNS, restval="")
        writer.writeheader()
        for i in range(1, 1501):
            writer.writerow({"id": i, "name": f"Person {i} {LONG_NAME}", "company": f"{LONG_COMPANY} {i}",
                             "email": f"p{i}@example.com", "tags": "enterprise;q4", "cadence": "warm", "state": "active",
                             "created_at": "2026-10-01T09:00:00"})
    with touches.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, TOUCH_COLUMNS, restval="")
        writer.writeheader()
        for i in range(1, 1501):
            writer.writerow({"id": i, "contact_id": i, "contact_name": f"Person {i} {LONG_NAME}",
                             "at": "2026-10-01T09:00:00", "channel": "meeting", "direction": "out", "outcome": "talked"})
        for n in range(SHOW_TOUCHES):
            writer.writerow({"id": 2000 + n, "contact_id": 1, "contact_name": f"Person 1 {LONG_NAME}",
                             "at": f"2026-10-{2 + n % 27:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00", "channel": "email",
                             "direction": "out", "outcome": "sent", "note": f"touch {n}: {LONG_STEP}"})
    for what, path in (("contacts", contacts), ("touches", touches)):
        proc = subprocess.run([FUP, "import", what, str(path)], env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    return env


# Each case's output is more than four pipe buffers, so `head` always leaves before fup is done.
PIPELINES = [
    ("show 1", "head -1"), ("show 1 --format json", "head -c 10"),
    ("today --limit 0", "head -1"), ("today --format json", "head -c 10"), ("today --format csv", "head -1"),
    ("today --limit 0 --wide", "head -1"),
    ("list", "head -1"), ("list --format json", "head -c 10"), ("list --format csv", "head -1"),
    ("export contacts", "head -1"), ("export touches --format json", "head -c 10"), ("export due", "head -1"),
]


def test_the_pipeline_outputs_are_larger_than_a_pipe_buffer(crowd: dict) -> None:
    for args, _ in PIPELINES:
        proc = subprocess.run([FUP, *shlex.split(args)], env=crowd, capture_output=True, timeout=120)
        assert proc.returncode == 0 and proc.stderr == b"", (args, proc.stderr)
        assert len(proc.stdout) > 4 * 65536, (args, len(proc.stdout))
    assert len(json.loads(subprocess.run([FUP, "today", "-f", "json"], env=crowd, capture_output=True).stdout)) == 1500


@pytest.mark.parametrize("door", ["fup", "typer"])
@pytest.mark.parametrize("args, reader", PIPELINES, ids=[f"{a} | {r}" for a, r in PIPELINES])
def test_a_reader_that_leaves_ends_fup_quietly(crowd: dict, door: str, args: str, reader: str) -> None:
    command = shlex.join([FUP] if door == "fup" else [sys.executable, "-c", "from fupcli.cli.app import main; main()"])
    script = f"{command} {args} | {reader} > /dev/null; echo ${{PIPESTATUS[0]}}"
    proc = subprocess.run(["bash", "-c", script], env=crowd, capture_output=True, text=True, timeout=120)
    assert proc.stderr == ""
    assert proc.stdout.strip() == str(PIPE_CLOSED)


# Outputs that may fit a pipe's buffer whole: written into a pipe whose reader has already gone.
CLOSED = [
    ["--help"], ["today", "--help"], ["list", "-h"], ["--version"], ["cadence"], ["cadence", "-f", "json"],
    ["today"], ["today", "-f", "csv", "--limit", "3"], ["show", "2", "-f", "csv"], ["list", "--tag", "nobody"],
    ["undo", "--list"], ["config", "--docs"], ["export", "due", "-f", "ics", "--days", "1"], [],
]


@pytest.mark.parametrize("args", CLOSED, ids=[" ".join(a) or "(nothing)" for a in CLOSED])
def test_a_reader_gone_before_the_first_write_ends_fup_quietly(crowd: dict, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([FUP, *args], env=crowd, stdout=write_end, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (PIPE_CLOSED, b"")


def test_help_through_a_real_pipe_is_quiet(crowd: dict) -> None:
    """`fup --help | head -1`: the help may all fit the pipe before head leaves (0) or not (141)."""
    for args in ("--help", "today --help"):
        proc = subprocess.run(["bash", "-c", f"{FUP} {args} | head -1; echo ${{PIPESTATUS[0]}}"], env=crowd,
                              capture_output=True, text=True, timeout=120)
        *_, status = proc.stdout.splitlines()
        assert proc.stderr == "" and status in ("0", str(PIPE_CLOSED))
