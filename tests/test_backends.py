"""The same fup on both backends: a SQLite file and a PostgreSQL database.

Each scenario runs its commands twice, once over FUP_HOME's SQLite file and once with
FUP_DB set to a fresh database on the session's real PostgreSQL server (`pg_url`), and
asserts that every command prints the same thing and exits the same way, and that the
exports are the same bytes. What only a SQLite file can do (forget, backup)
is refused on the server in one line, with nothing written.
"""

from __future__ import annotations

import re

import psycopg
import pytest

WEEK = [  # (FUP_NOW, command line)
    ("2026-11-23T09:00", ["add", "Ana Ruiz", "--company", "Acme", "--email", "ana@acme.example",
                          "--next", "send the deck", "--due", "2026-11-25", "--birthday", "1988-11-27"]),
    ("2026-11-23T09:05", ["add", "Tom Becker", "--company", "Globex", "--cadence", "hot", "--phone", "+1 555 0100"]),
    ("2026-11-23T09:10", ["add", "Zoë =Quirk", "--company", "+Evil", "--cadence", "vip", "--tag", "investor"]),
    ("2026-11-23T09:15", ["import", "contacts", "examples/linkedin-connections.csv", "--cadence", "nurture"]),
    ("2026-11-23T09:20", ["add", "Maya Chen", "--cadence", "none", "--email", "maya@umbrella.example"]),
    ("2026-11-24T08:30", ["today"]),
    ("2026-11-24T08:31", ["today", "-f", "json"]),
    ("2026-11-24T10:00", ["log", "tom", "call", "--outcome", "talked", "--ask-again", "2026-12-07"]),
    ("2026-11-25T08:30", ["today"]),
    ("2026-11-25T09:00", ["log", "ana@acme.example", "--done", "--note", "deck sent"]),
    ("2026-11-25T09:05", ["next", "1", "intro to their CFO", "--due", "2026-11-30", "--theirs"]),
    ("2026-11-25T09:10", ["log", "zoe", "--in", "--outcome", "replied"]),
    ("2026-11-26T08:30", ["snooze", "zoe", "2026-12-02"]),
    ("2026-11-26T08:35", ["state", "maya", "paused"]),
    ("2026-11-26T08:40", ["log", "maya", "--outcome", "won"]),
    ("2026-11-26T08:45", ["edit", "tom", "--email", "tom@globex.example", "--append-note", "prefers mornings"]),
    ("2026-11-27T08:30", ["today", "--wide"]),
    ("2026-11-27T08:35", ["move", "#1", "2026-12-01"]),
    ("2026-11-27T08:40", ["away", "2026-12-03", "2026-12-04"]),
    ("2026-11-30T08:30", ["today", "-f", "csv"]),
    ("2026-11-30T08:35", ["show", "ana@acme.example"]),
    ("2026-11-30T08:36", ["show", "tom", "-f", "json"]),
    ("2026-11-30T08:37", ["list"]),
    ("2026-11-30T08:38", ["list", "--tag", "investor", "-f", "csv"]),
    ("2026-11-30T08:39", ["list", "--no-next-step"]),
    ("2026-11-30T08:40", ["unlog", "zoe"]),
    ("2026-11-30T08:41", ["drop", "1"]),
    ("2026-11-30T08:42", ["rm", "maya", "--yes"]),
    ("2026-11-30T08:42", ["undo"]),
    ("2026-11-30T08:42", ["undo", "--list", "3"]),
    ("2026-11-30T08:42", ["rm", "maya", "--yes"]),
    ("2026-11-30T08:43", ["reschedule"]),
    ("2026-11-30T08:44", ["cadence"]),
    ("2026-11-30T08:45", ["export", "due", "--on", "2026-12-07"]),
    ("2026-11-30T08:46", ["export", "contacts", "--format", "json"]),
    # mistakes: the same one line and exit code on both
    ("2026-11-30T09:00", ["log", "nobody"]),
    ("2026-11-30T09:01", ["add", "Ana Other", "--email", "ANA@acme.example"]),
    ("2026-11-30T09:02", ["snooze", "tom", "2027-02-30"]),
    ("2026-11-30T09:03", ["done", "tom"]),
]


def play(fup, steps, env: dict | None = None) -> list[tuple[int, str, str]]:
    return [(r.exit_code, as_on_sqlite(r.stdout), r.stderr) for r in (fup(args, now=now, env=env) for now, args in steps)]


def as_on_sqlite(text: str) -> str:
    """The one thing a server adds: the owner of each row (the role the tests log in as), which
    is null on SQLite, in JSON and as the last CSV column."""
    return re.sub(r",postgres(\r?\n)", r",\1", text.replace('"owner": "postgres"', '"owner": null'))


def exports(fup, env: dict | None = None) -> dict[str, bytes]:
    found = {what: fup("export", what, now="2026-11-30T10:00", env=env).stdout_bytes
             for what in ("contacts", "touches", "commitments", "due")}
    found["due"] = as_on_sqlite(found["due"].decode()).encode()  # (the due rows name their owner)
    return found


@pytest.fixture
def here(monkeypatch):
    """Run from the repository root, where the example files are."""
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1])


def test_a_week_prints_the_same_on_sqlite_and_on_postgresql(fup, pg_url, here):
    on_sqlite = play(fup, WEEK)
    on_server = play(fup, WEEK, env={"FUP_DB": pg_url})
    for (now, args), lite, server in zip(WEEK, on_sqlite, on_server):
        assert server == lite, (now, args)
    assert [code for code, _, _ in on_sqlite].count(0) == len(WEEK) - 4  # the four mistakes
    assert exports(fup, env={"FUP_DB": pg_url}) == exports(fup)
    # and the server really holds it: not a SQLite file standing in
    with psycopg.connect(pg_url) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM contact ORDER BY id")]
    assert names[:3] == ["Ana Ruiz", "Tom Becker", "Zoë =Quirk"] and "Maya Chen" not in names


def test_an_export_from_postgresql_imports_into_sqlite_and_back_byte_for_byte(fup, pg_url, here, tmp_path):
    server = {"FUP_DB": pg_url}
    play(fup, WEEK[:20], env=server)
    first = exports(fup, env=server)
    for what in ("contacts", "touches", "commitments"):
        path = tmp_path / f"{what}.csv"
        path.write_bytes(first[what])
        assert fup("import", what, str(path), now="2026-11-30T10:00").exit_code == 0
    assert exports(fup) == first
    # back into another server database
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    for what in ("contacts", "touches", "commitments"):
        assert fup("import", what, str(tmp_path / f"{what}.csv"), now="2026-11-30T10:00", env=server).exit_code == 0
    assert exports(fup, env=server) == first
    # the ids the import kept do not collide with the next contact the server numbers
    result = fup("add", "Next Person", now="2026-11-30T10:05", env=server)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("args", [["forget", "ana", "--yes"], ["forget", "--wipe"],
                                  ["backup"]])
def test_what_needs_a_sqlite_file_is_refused_on_a_server_in_one_line(fup, pg_url, args):
    server = {"FUP_DB": pg_url}
    fup.ok("add", "Ana Ruiz", env=server)
    before = exports(fup, env=server)
    result = fup(args, env=server)
    assert result.exit_code != 0 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("fup: error: ")
    assert "Traceback" not in result.stderr
    assert exports(fup, env=server) == before


def test_a_server_that_refuses_the_login_is_one_line_without_the_password(fup, pg_url):
    wrong = pg_url.replace("postgresql://postgres@", "postgresql://nobody_here:s3cret-word@")
    for args in (["today"], ["add", "Ana Ruiz"], ["export", "contacts"]):
        result = fup(args, env={"FUP_DB": wrong})
        assert result.exit_code == 6, (args, result.stderr)
        assert result.stderr.startswith("fup: error: cannot use the database server: ")
        assert result.stderr.count("\n") == 1 and "s3cret-word" not in result.stderr


def test_reads_of_an_empty_server_database_create_nothing(fup, pg_url):
    server = {"FUP_DB": pg_url}
    assert "No contacts yet" in fup.ok("today", env=server).stdout
    assert fup.ok("list", env=server).stdout == "No contacts match.\n"
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    assert tables == 0


def test_daily_commands_on_postgresql_load_psycopg_but_not_sqlalchemy_or_alembic(fup, pg_url, tmp_path):
    """Only creating or upgrading the schema needs SQLAlchemy and Alembic; every other
    command talks to the server through psycopg alone (`storage.postgres`)."""
    import os
    import subprocess
    import sys

    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example", env={"FUP_DB": pg_url})  # makes the schema
    probe = ("import sys\nfrom fupcli.cli.fast import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n"
             "    assert not exit.code, exit.code\nsys.stdout.flush()\nloaded = {m.split('.')[0] for m in sys.modules}\n"
             "print('\\nLOADED=' + ','.join(sorted(loaded & {'psycopg', 'sqlalchemy', 'alembic'})))")
    env = {**os.environ, "FUP_HOME": str(tmp_path), "FUP_NOW": "2026-11-24T09:00", "FUP_DB": pg_url}
    for args in (["today"], ["log", "ana", "email"], ["show", "ana"], ["next", "ana", "send the deck", "--due", "fri"], ["list"]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, (args, proc.stderr)
        assert proc.stdout.rstrip().endswith("LOADED=psycopg"), (args, proc.stdout[-200:])


def test_two_first_commands_at_once_make_the_schema_once(pg_url, tmp_path):
    """The schema is made under an advisory lock: the second first command waits, then
    finds it made, and both land."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "FUP_HOME": str(tmp_path), "FUP_NOW": "2026-11-24T09:00", "FUP_DB": pg_url}
    procs = [subprocess.Popen([sys.executable, "-m", "fupcli", "add", name], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in ("Ana Ruiz", "Ben Okafor", "Chloe Martin")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 3
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0008",)]
