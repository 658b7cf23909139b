"""Imports and lists in flat memory: the structure that keeps them so, and what they must keep doing.

The import reads its file once, a row at a time, stages the rows in a TEMP table and
matches them in SQL (transfer/history.py). Timings are the benchmarks' business
(`make bench`); here the guards are deterministic:

- the Python allocations of an import (tracemalloc's peak) do not grow with the file,
  between 20k and 80k rows, for a first import and for one that is mostly already there;
- rows already there (same content, in the database or earlier in the file) are skipped,
  ids are kept when free and fresh ones are the lowest free, as before;
- a bad row anywhere (first, between chunks, last) writes nothing and is reported with
  its line; a byte that is not UTF-8 is reported with its line, chunk boundaries or not;
- standard input works; the import is one undo step; PostgreSQL imports the same rows;
- `fup list` streams: its one query gives what `contact_view` gives, its JSON is the json
  module's, its table is `text_table`'s, and its allocations do not grow with the contacts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from fupcli.context import AppContext
from fupcli.transfer import formats, history
from fupcli.transfer.csvio import restore
from fupcli.vocabulary import CHANNELS, OUTCOMES

NOW = "2026-11-23T09:00"
PER_CONTACT = 20  # touches of each contact in the generated files, as in the benchmarks' datasets


# --- files --------------------------------------------------------------------------------


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def contacts_file(path: Path, count: int) -> Path:
    rows = [{"id": n, "name": f"Person {n:05d}", "cadence": "warm", "state": "active", "channel": "email",
             "created_at": "2026-01-05T09:00:00"} for n in range(1, count + 1)]
    return write_csv(path, formats.CONTACT_COLUMNS, rows)


def touch_row(n: int) -> dict:
    """Touch n (from 1): contact (n - 1) // PER_CONTACT + 1, a day apart, as an export writes it."""
    contact = (n - 1) // PER_CONTACT + 1
    day = 1 + (n - 1) % PER_CONTACT
    return {"id": n, "contact_id": contact, "contact_name": f"Person {contact:05d}",
            "at": f"2026-10-{day:02d}T10:00:00", "channel": "email", "direction": "out" if n % 3 else "in",
            "outcome": "sent" if n % 3 else "replied", "note": f"note {n}" if n % 2 else "", "ask_again": ""}


def touches_file(path: Path, rows: list[dict]) -> Path:
    return write_csv(path, formats.TOUCH_COLUMNS, rows)


def import_in_process(what: str, path: Path, dry_run: bool = False) -> history.ImportReport:
    ctx = AppContext.from_environment()
    try:
        return history.import_history(ctx, what, str(path), dry_run)
    finally:
        ctx.close()


def peak_of(what: str, path: Path, dry_run: bool = False) -> int:
    """The peak of Python's allocations during one import, above what was allocated before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        import_in_process(what, path, dry_run)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def count_touches(fup) -> int:
    with sqlite3.connect(fup.db_path) as conn:
        return conn.execute("SELECT count(*) FROM touch").fetchone()[0]


# --- memory --------------------------------------------------------------------------------


@pytest.fixture
def crowd(fup, tmp_path: Path):
    """4,000 contacts: enough for 80k touches at 20 each."""
    fup.ok("import", "contacts", str(contacts_file(tmp_path / "contacts.csv", 4000)))
    return fup


def test_a_first_import_does_not_grow_with_the_file(crowd, tmp_path: Path) -> None:
    """Checking and matching 20k or 80k new touches (a dry run: everything but the re-plan,
    which follows the contacts a chunk at a time) allocates about the same."""
    small = touches_file(tmp_path / "small.csv", [touch_row(n) for n in range(1, 20_001)])
    large = touches_file(tmp_path / "large.csv", [touch_row(n) for n in range(1, 80_001)])
    assert large.stat().st_size > 3 * 2**20  # reading it whole, as bytes and as text, would show at once
    peak_of("touches", small, dry_run=True)  # (first use: imports and caches)
    small_peak = peak_of("touches", small, dry_run=True)
    large_peak = peak_of("touches", large, dry_run=True)
    assert large_peak < small_peak + 512 * 1024, (small_peak, large_peak)


def test_an_import_mostly_there_already_does_not_grow_with_the_file(crowd, tmp_path: Path) -> None:
    """The last 1,000 rows are new (50 contacts to re-plan), the others are there already: they
    are matched by content in SQL, so 80k rows allocate about what 20k do, writing included."""
    peaks = []
    for count in (20_000, 80_000):
        rows = [touch_row(n) for n in range(1, count + 1)]
        import_in_process("touches", touches_file(tmp_path / "there.csv", rows[:-1000]))
        path = touches_file(tmp_path / f"all-{count}.csv", rows)
        peaks.append(peak_of("touches", path))
        assert count_touches(crowd) == count
        crowd.ok("undo")  # the last 1,000
        crowd.ok("undo")  # the others
    assert peaks[1] < peaks[0] + 512 * 1024, peaks


# --- what an import keeps doing ------------------------------------------------------------


def test_rows_already_there_are_skipped_and_fresh_ids_are_the_lowest_free(fup, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(history, "HISTORY_CHUNK", 2)  # staged and read back across chunks
    fup.ok("import", "contacts", str(contacts_file(tmp_path / "contacts.csv", 3)))
    first = [touch_row(n) for n in range(1, 5)]  # ids 1-4, contact 1
    fup.ok("import", "touches", str(touches_file(tmp_path / "first.csv", first)))

    again = dict(first[0])  # the same row under its id: there already
    moved = dict(first[1], id=20)  # the same content under a free id: a row of its own (two alike may be)
    taken = dict(first[2], id=4)  # the same content as touch 3 under touch 4's id: there already
    clash = dict(first[0], id=2, note="a new note")  # a taken id, new content: a fresh id
    twice = dict(first[0], id="", note="twice in the file")  # no id, new content: a fresh id ...
    twice_again = dict(twice, id=3)  # ... and again, under a taken id: there already (earlier in the file)
    renamed = dict(first[3], id=8, contact_id=99, contact_name="PERSON 00002")  # by name, without regard to case
    rows = [again, moved, taken, clash, twice, twice_again, renamed]
    out = fup.ok("import", "touches", str(touches_file(tmp_path / "second.csv", rows))).stdout
    assert "4 new, 0 updated, 3 unchanged" in out
    touches = {int(row["id"]): row for row in csv.DictReader(io.StringIO(fup.ok("export", "touches").stdout))}
    assert sorted(touches) == [1, 2, 3, 4, 5, 6, 8, 20]  # fresh: 5 and 6, the lowest free past 4 (8 is kept)
    assert (touches[5]["note"], touches[6]["note"]) == ("a new note", "twice in the file")
    assert (touches[8]["contact_id"], touches[20]["note"]) == ("2", first[1]["note"])
    assert "0 new, 0 updated, 7 unchanged" in fup.ok("import", "touches", str(tmp_path / "second.csv")).stdout


@pytest.mark.parametrize("bad_line", [2, 25, 26, 51])
def test_a_bad_row_anywhere_writes_nothing(fup, tmp_path: Path, monkeypatch, bad_line: int) -> None:
    monkeypatch.setattr(history, "HISTORY_CHUNK", 8)
    fup.ok("import", "contacts", str(contacts_file(tmp_path / "contacts.csv", 3)))
    rows = [touch_row(n) for n in range(1, 51)]
    rows[bad_line - 2]["outcome"] = "ghosted"
    before = fup.dump()
    path = touches_file(tmp_path / "touches.csv", rows)
    for extra in ([], ["--dry-run"]):
        result = fup("import", "touches", str(path), *extra)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == f"{path}:{bad_line}: unknown outcome 'ghosted'; expected one of: " \
            + ", ".join(OUTCOMES)
        assert fup.dump() == before


def test_unknown_and_ambiguous_contacts_come_before_a_row_s_own_problem(fup, tmp_path: Path) -> None:
    fup.ok("add", "Ana Ruiz")
    fup.ok("add", "ana ruiz")
    fup.ok("add", "Bo Lind")
    rows = [dict(touch_row(1), contact_id=9, contact_name="Ana Ruiz", channel="pigeon"),
            dict(touch_row(2), contact_id=3, contact_name="bo lind", channel="pigeon"),
            dict(touch_row(3), contact_id=7, contact_name="Cy Park")]
    path = touches_file(tmp_path / "touches.csv", rows)
    before = fup.dump()
    result = fup("import", "touches", str(path))
    assert result.stderr.splitlines()[:3] == [
        f"{path}:2: contact 'Ana Ruiz' is ambiguous (2 contacts have that name)",
        f"{path}:3: unknown channel 'pigeon'; expected one of: " + ", ".join(CHANNELS),
        f"{path}:4: no contact #7 'Cy Park': import the contacts first",
    ]
    assert fup.dump() == before


@pytest.mark.parametrize("chunk", [3, 7, 64, 1 << 20])
def test_a_byte_that_is_not_utf8_is_found_on_its_line(tmp_path: Path, monkeypatch, chunk: int) -> None:
    monkeypatch.setattr(history, "_READ_CHUNK", chunk)
    text = "\ufeffid,note\r\n1,caf\u00e9\r\n2,old\rmac\n3,ok\r\n".encode("utf-8")
    for cut in range(len(text) + 1):
        data = text[:cut] + b"\xff" + text[cut:]  # (cut inside the BOM: no BOM, a bad byte on line 1)
        before = text[3:cut].decode("utf-8", "replace")
        expected = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        with (tmp_path / "bad.csv").open("wb+") as handle:
            handle.write(data)
            assert history._undecodable_line(handle) == expected, (chunk, cut)


def test_standard_input_and_its_problems(fup, tmp_path: Path) -> None:
    fup.ok("import", "contacts", str(contacts_file(tmp_path / "contacts.csv", 2)))
    data = touches_file(tmp_path / "touches.csv", [touch_row(n) for n in range(1, 21)]).read_bytes()
    env = {**os.environ, "FUP_HOME": str(fup.home), "FUP_NOW": NOW}
    env.pop("FUP_DB", None)

    def run(stdin: bytes) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "fupcli", "import", "touches", "-"], input=stdin, env=env,
                              capture_output=True, check=False)

    bad = data.replace(b"note 3,", b"note \xe93,")
    result = run(bad)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[0] == "<stdin>:4: not UTF-8 text (save the file as CSV UTF-8)"
    result = run(data)
    assert result.returncode == 0 and b"20 new" in result.stdout, result.stderr
    assert count_touches(fup) == 20


def test_an_import_is_one_undo_step(fup, tmp_path: Path) -> None:
    fup.ok("import", "contacts", str(contacts_file(tmp_path / "contacts.csv", 10)))
    fup.ok("log", "1", "call")
    before = fup.dump()
    rows = [touch_row(n) for n in range(2, 150)]  # ids below and above the touches there (1: the call)
    rows += [dict(touch_row(1), note="a taken id: a fresh one")]
    assert "149 new" in fup.ok("import", "touches", str(touches_file(tmp_path / "t.csv", rows))).stdout
    assert "import touches" in fup.ok("undo").stdout
    assert fup.dump() == before


def test_commitments_are_matched_the_same_way(fup, tmp_path: Path) -> None:
    fup.ok("add", "Ana Ruiz", "--next", "send the deck", "--due", "2026-11-27")
    exported = fup.ok("export", "commitments").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    rows.append(dict(rows[0], id="7", action="call back"))
    rows.append(dict(rows[0], id="", status="", firmness=""))  # open and hard when empty: there already
    path = write_csv(tmp_path / "c.csv", formats.COMMITMENT_COLUMNS, rows)
    assert "1 new, 0 updated, 2 unchanged" in fup.ok("import", "commitments", str(path)).stdout
    actions = {row["id"]: row["action"] for row in csv.DictReader(io.StringIO(fup.ok("export", "commitments").stdout))}
    assert actions == {"1": "send the deck", "7": "call back"}


# --- PostgreSQL -----------------------------------------------------------------------------


def test_postgresql_imports_the_same_rows(fup, pg_url: str, tmp_path: Path) -> None:
    fup.ok("import", "contacts", str(contacts_file(tmp_path / "contacts.csv", 5)))
    rows = [touch_row(n) for n in range(1, 81)]
    rows += [dict(rows[0], id="", note="no id"), dict(rows[1], id=3, note="a taken id"), dict(rows[2], id=500),
             dict(rows[3], id=4), dict(rows[4], contact_id=77, contact_name="person 00001")]
    touches = touches_file(tmp_path / "touches.csv", rows)
    server = {"FUP_DB": pg_url}
    for env in ({}, server):
        if env:
            fup.ok("import", "contacts", str(tmp_path / "contacts.csv"), env=env)
        assert "Would import touches: 83 new, 0 updated, 2 unchanged" in fup.ok(
            "import", "touches", str(touches), "--dry-run", env=env).stdout
        assert "83 new, 0 updated, 2 unchanged" in fup.ok("import", "touches", str(touches), env=env).stdout
        assert "0 new, 0 updated, 85 unchanged" in fup.ok("import", "touches", str(touches), env=env).stdout
    for what in ("touches", "contacts"):
        assert fup.ok("export", what, env=server).stdout == fup.ok("export", what).stdout, what
    bad = touches_file(tmp_path / "bad.csv", [dict(touch_row(1), id=900, at="someday")])
    result = fup("import", "touches", str(bad), env=server)
    assert result.exit_code == 2 and f"{bad}:2: at 'someday' is not an ISO date-time" in result.stderr
    assert fup.ok("export", "touches", env=server).stdout == fup.ok("export", "touches").stdout


# --- fup list: the same rows, streamed ----------------------------------------------------


def varied(fup) -> None:
    """Contacts that take every path of the list's reading: birthdays near and far, a reopening,
    a closed one, a snooze, several agenda items, tags, and text that JSON and CSV must escape."""
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--tag", "vc", "--tag", "angel", "--birthday", "11-25",
           "--next", "send the deck", "--due", "2026-11-27")
    fup.ok("next", "ana", "intro to legal", "--due", "2026-11-24", "--theirs")
    fup.ok("next", "ana", "maybe lunch", "--due", "2026-12-20", "--soft")
    fup.ok("add", 'Bo "Quote" Lind\\', "--birthday", "1990-06-01", "--note", "line one\nline\ttwo \u2028 ✓")
    fup.ok("add", "=Cy Park", "--company", "+Evil", "--cadence", "hot", "--email", "cy@example.com")
    fup.ok("add", "Dee Ok", "--no-meeting", "--cadence", "nurture")
    fup.ok("add", "Émile Zoë 山田", "--birthday", "12-02", "--cadence", "none")
    fup.ok("add", "Fay Gone")
    fup.ok("log", "fay", "--outcome", "not-interested")
    fup.ok("add", "Gus Back")
    fup.ok("log", "gus", "--outcome", "not-interested", now="2026-11-23T10:00")
    fup.ok("state", "gus", "active", now="2026-11-24T09:00")
    fup.ok("add", "Hal Snooze", "--cadence", "warm")
    fup.ok("snooze", "hal", "2026-12-09")
    fup.ok("add", "Ivy Later", "--met", "2026-11-20", "--next", "call back", "--due", "2026-11-21")
    fup.ok("add", "Kim Many", "--next", "send the proposal", "--due", "2026-12-04")  # (no birthday: SQL's row)
    fup.ok("next", "kim", "call us back", "--due", "2026-11-26", "--theirs")
    fup.ok("next", "kim", "coffee", "--due", "2026-11-25", "--soft")


@pytest.mark.parametrize("day", ["2026-11-20", "2026-11-23", "2026-11-25", "2026-12-01", "2027-01-15", "2027-06-01"])
def test_the_list_writes_what_contact_view_says(fup, day: str) -> None:
    """The JSON objects SQLite writes (the scheduler only where a birthday near or a reopening
    needs it) are `contact_view`'s of each contact from its whole agenda, byte for byte, on any
    day; and the CSV rows carry the same next due day."""
    from datetime import date

    from fupcli import render
    from fupcli.storage import listing

    varied(fup)
    ctx = AppContext.from_environment()
    try:
        conn, rules, today = ctx.store.reader(), ctx.settings.rules, date.fromisoformat(day)
        fast, whole = io.StringIO(), io.StringIO()
        render.write_json_objects(listing.json_objects(conn, listing.ListFilter(), today, rules), fast)
        views = list(listing.views(conn, listing.ListFilter(), today, rules))
        render.write_json_objects(iter(views), whole)
        assert fast.getvalue() == whole.getvalue()
        assert {v["name"] for v in views if v["next"] and v["next"]["kind"] == "birthday"} or day != "2026-11-25"
        rows = list(listing.csv_rows(conn, listing.ListFilter(), today, rules))
        assert [(row[0], row[15]) for row in rows] == [(v["id"], v["next_due"]) for v in views]
    finally:
        ctx.close()


def test_the_list_follows_the_scheduler_day_by_day(fup) -> None:
    """Every third day for three months (birthdays coming and going, promises falling due,
    several items on one contact), the objects SQLite writes are `contact_view`'s."""
    from datetime import date, timedelta

    from fupcli import render
    from fupcli.storage import listing

    varied(fup)
    ctx = AppContext.from_environment()
    try:
        conn, rules = ctx.store.reader(), ctx.settings.rules
        for n in range(0, 92, 3):
            today = date(2026, 11, 15) + timedelta(days=n)
            fast, whole = io.StringIO(), io.StringIO()
            render.write_json_objects(listing.json_objects(conn, listing.ListFilter(), today, rules), fast)
            render.write_json_objects(listing.views(conn, listing.ListFilter(), today, rules), whole)
            assert fast.getvalue() == whole.getvalue(), today
    finally:
        ctx.close()


def test_json_is_written_as_the_json_module_writes_it() -> None:
    from fupcli import render

    objects = [{"id": 1, "name": 'a "b"\n\\', "tags": [], "n": None, "ok": True, "no": False, "f": 1.5,
                "nested": {"k": [1, {"x": "é\u2028\x00"}], "e": {}}, "list": ["a", 2, None]},
               {"id": 2, "name": "z", "tags": ["x", "y"], "n": 3, "ok": False, "no": True, "f": -0.0,
                "nested": {"k": [], "e": {"a": []}}, "list": []},
               {}, {"other": "keys"}]
    for rows in (objects, [], objects[:1]):
        out = io.StringIO()
        render.write_json_objects(iter(rows), out)
        assert out.getvalue() == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def test_the_streamed_table_is_text_table_of_the_same_rows(fup, monkeypatch) -> None:
    """At every width (narrowed or not, none given), the table written as it streams is the one
    `text_table` makes of all its rows at once."""
    from datetime import date

    from fupcli import render
    from fupcli.storage import listing

    varied(fup)
    for n in range(30):
        fup.ok("add", f"Person {n:02d} with a rather long name", "--company", "Company" * (n % 4), "--tag", f"t{n % 5}")
    ctx = AppContext.from_environment()
    try:
        conn, rules, today = ctx.store.reader(), ctx.settings.rules, date.fromisoformat(NOW[:10])
        views = list(listing.brief_views(conn, listing.ListFilter(), today, rules))
    finally:
        ctx.close()
    due = {None: "-", **{v["next_due"]: f"{v['next_due']} ({render.when_text(v['next_due'], today)})"
                         for v in views if v["next_due"]}}
    lines = [(str(v["id"]), render._who(v["name"], v["company"]), v["state"], v["cadence"], due[v["next_due"]],
              ", ".join(v["tags"])) for v in views]
    give_way = ((5, 10), (4, 10, True), (1, render._widest_name([v["name"] for v in views])), (1, 24), (5, 4), (3, 7),
                (1, 12), (1, 3))
    fit = {1: lambda i, room: render._fit_who(views[i]["name"], views[i]["company"], room),
           4: lambda i, room: render._cut(views[i]["next_due"] or "-", room)}
    for columns in (None, "40", "60", "80", "100", "200"):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        streamed = io.StringIO()
        render.contact_list(iter(views), "table", today, streamed)
        whole = render.text_table(("id", "who", "state", "cadence", "next due", "tags"), lines,
                                  width=render.screen_width(streamed, False), give_way=give_way, fit=fit)
        assert streamed.getvalue() == whole + f"{len(views)} contacts\n", columns


def test_listing_does_not_grow_with_the_contacts(fup, tmp_path: Path) -> None:
    """`fup list` writes as it reads, in JSON, CSV and as a table: 8,000 contacts allocate about
    what 2,000 do (a table spills its lines to a temporary file to measure them first)."""
    from datetime import date

    from fupcli import render
    from fupcli.storage import listing

    peaks: dict[str, list[int]] = {"json": [], "csv": [], "table": []}
    for count in (2000, 8000):
        home = tmp_path / f"home-{count}"
        fup.ok("import", "contacts", str(contacts_file(tmp_path / f"c{count}.csv", count)), env={"FUP_HOME": str(home)})
        os.environ["FUP_HOME"] = str(home)
        ctx = AppContext.from_environment()
        try:
            conn, rules, today = ctx.store.reader(), ctx.settings.rules, date.fromisoformat(NOW[:10])
            for fmt, found in peaks.items():
                def listed() -> None:
                    shape = {"json": listing.json_objects, "csv": listing.csv_rows, "table": listing.brief_views}[fmt]
                    views = shape(conn, listing.ListFilter(), today, rules)
                    render.contact_list(views, fmt, today, Discard())

                listed()  # (first use: imports and caches)
                tracemalloc.start()
                try:
                    tracemalloc.reset_peak()
                    before, _ = tracemalloc.get_traced_memory()
                    listed()
                    found.append(tracemalloc.get_traced_memory()[1] - before)
                finally:
                    tracemalloc.stop()
        finally:
            ctx.close()
    for fmt, (small, large) in peaks.items():
        assert large < small + 256 * 1024, (fmt, small, large)


def test_the_list_csv_is_the_exports_cells_and_four_more(fup) -> None:
    """`fup list -f csv` writes each contact's cells as `fup export contacts` does (other emails
    and phones, a formula escaped, a phone marked as text), then last_touch,
    unanswered_streak, open_commitments and owner; `fup show -f csv` writes the export's row."""
    varied(fup)
    fup.ok("add", "Jo Phones", "--phone", "0301234567", "--email", "jo@example.com")
    fup.ok("edit", "jo", "--email2", "jo@home.example", "--phone2", "+49 30 123")
    exported = {row["id"]: row for row in csv.DictReader(io.StringIO(fup.ok("export", "contacts").stdout))}
    listed = list(csv.DictReader(io.StringIO(fup.ok("list", "--format", "csv").stdout)))
    assert sorted(row["id"] for row in listed) == sorted(exported)
    for row in listed:
        assert {k: v for k, v in row.items() if k in exported[row["id"]]} == exported[row["id"]]
    jo = next(row for row in listed if row["name"] == "Jo Phones")
    assert (jo["phone"], jo["other_emails"], jo["other_phones"]) == ("'0301234567", "jo@home.example", "'+49 30 123")
    assert (jo["last_touch"], jo["unanswered_streak"], jo["open_commitments"], jo["owner"]) == (NOW[:10], "0", "0", "")
    ana = next(row for row in listed if row["name"] == "Ana Ruiz")
    assert (ana["tags"], ana["open_commitments"]) == ("vc;angel", "3")
    assert next(row for row in listed if row["name"].endswith("Cy Park"))["name"] == "'=Cy Park"
    shown = list(csv.DictReader(io.StringIO(fup.ok("show", "jo", "--format", "csv").stdout)))
    assert shown == [exported[jo["id"]]]  # (`fup show -f csv`: the contact's row of the export)


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_every_format_lists_the_same_contacts_for_each_filter(fup, fmt: str) -> None:
    """A tag is matched whole and literally (`_` and `%` are no wildcards), and `--due-before`
    keeps the same contacts, in JSON, CSV and the table alike."""
    varied(fup)
    fup.ok("add", "Tag Under", "--tag", "a_b")
    fup.ok("add", "Tag Other", "--tag", "axb,a%b")
    fup.ok("add", "Tag Longer", "--tag", "a_bc")

    def names(*args: str) -> list[str]:
        out = fup.ok("list", *args, "--format", fmt, "--wide").stdout
        if fmt == "json":
            return [view["name"] for view in json.loads(out)]
        if fmt == "csv":
            return [restore(row["name"]) for row in csv.DictReader(io.StringIO(out))]
        return [line.split("  ")[1].strip().split(" (")[0] for line in out.splitlines()[1:-1] if line.strip()]

    assert names("--tag", "a_b") == ["Tag Under"]
    assert names("--tag", "A%B") == ["Tag Other"]
    assert names("--tag", "vc") == ["Ana Ruiz"]
    assert names("--tag", "vc;angel") == []  # (two tags side by side are no tag)
    due = [view["name"].split(" (")[0] if fmt == "table" else view["name"] for view in json.loads(fup.ok("list", "--format", "json").stdout)
           if view["next_due"] is not None and view["next_due"] < "2026-11-26"]
    assert due and names("--due-before", "2026-11-26") == due


def test_a_birthday_after_weeks_of_days_off_sets_next_due_in_every_format(fup) -> None:
    """A birthday after 41 days off shows from the last workday before them, before a promise
    long overdue: JSON, CSV (the export's rows) and the table all give that day as next due."""
    from datetime import date, timedelta

    days_off = [(date(2027, 1, 1) + timedelta(days=n)).isoformat() for n in range(41)]
    (fup.home / "config.toml").write_text("holidays = [" + ", ".join(f'"{day}"' for day in days_off) + "]\n")
    fup.ok("add", "Zed Holm", "--birthday", "02-10", "--cadence", "none", "--next", "send it", "--due", "2027-01-05",
           now="2026-12-01T08:30")
    later = "2027-02-15T09:00"
    (view,) = json.loads(fup.ok("list", "--format", "json", now=later).stdout)
    assert view["next_due"] == "2026-12-31"  # (today's row is the promise: it outranks the birthday)
    (row,) = csv.DictReader(io.StringIO(fup.ok("list", "--format", "csv", now=later).stdout))
    assert row["next_due"] == "2026-12-31"
    (exported,) = csv.DictReader(io.StringIO(fup.ok("export", "contacts", now=later).stdout))
    assert exported["next_due"] == "2026-12-31"
    assert "2026-12-31" in fup.ok("list", now=later).stdout
    assert len(list(csv.DictReader(io.StringIO(
        fup.ok("list", "--format", "csv", "--due-before", "2027-01-01", now=later).stdout)))) == 1


class Discard(io.TextIOBase):
    """A text stream that keeps nothing (the output of 8,000 contacts would be counted otherwise)."""

    def write(self, text: str) -> int:
        return len(text)
