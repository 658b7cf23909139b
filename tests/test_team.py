"""Team mode on PostgreSQL: what only a shared server database has to get right.

The tests run against the session's real PostgreSQL (`pg_url`, `pg_server`): two people
writing on one contact at once (the row lock of `core.load_contacts`), and the team of
examples/team-setup.sql: owners, each one's list, a colleague's touch named in the reason,
the refusals (a role the server lacks, one without the grants, owners on a SQLite file).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from fupcli import core
from fupcli.context import AppContext

MORNING = datetime(2026, 11, 24, 9, 0)


def _plan_columns(url: str, contact_id: int) -> tuple:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT state, next_due, last_touch_at, unanswered_streak FROM contact WHERE id = %s",
                            (contact_id,)).fetchone()


def _waiting_on_a_lock(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return bool(conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND wait_event_type = 'Lock'").fetchone()[0])


@pytest.mark.parametrize("locked", [True, False], ids=["with-the-row-lock", "without-it"])
def test_two_people_logging_on_one_contact_at_once_both_count(pg_url, monkeypatch, locked):
    """Ana logs "not interested" on Chloe, and her transaction is still open (held just before
    it stores the plan) when Ben logs an email to Chloe. With the row lock Ben's `fup log`
    waits for Ana's to end, then reads Chloe closed and plans from both touches: Chloe stays
    closed, as if they had logged one after the other. Without it (switched off here) Ben read
    Chloe before Ana's change was committed, and his write puts her back to active: Ana's
    "not interested" is lost, and Chloe would be chased again."""
    setup = AppContext(now=datetime(2026, 11, 2, 10), db_location=pg_url)
    contact_id = core.add_contact(setup, core.NewContact("Chloe Martin", email="chloe@acme.example"),
                                  met="2026-11-02")["id"]
    setup.close()
    if not locked:
        plain = core.load_contacts
        monkeypatch.setattr(core, "load_contacts", lambda db, where="1 = 1", params=None, lock=False:
                            plain(db, where, params))

    ana_planned, ana_may_store = threading.Event(), threading.Event()
    store_plan = core.store_plan

    def held(*args, **kwargs):
        if threading.current_thread().name == "ana":
            ana_planned.set()
            assert ana_may_store.wait(30)
        return store_plan(*args, **kwargs)

    monkeypatch.setattr(core, "store_plan", held)
    errors: list[BaseException] = []

    def log(channel: str, outcome: str) -> None:
        ctx = AppContext(now=MORNING, db_location=pg_url)
        try:
            core.log_touch(ctx, "chloe", channel, outcome=outcome)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            ctx.close()

    ana = threading.Thread(target=log, args=("call", "not-interested"), name="ana")
    ana.start()
    assert ana_planned.wait(30)
    ben = threading.Thread(target=log, args=("email", "sent"), name="ben")
    ben.start()
    deadline = time.monotonic() + 15
    while not _waiting_on_a_lock(pg_url) and time.monotonic() < deadline:  # Ben's write waits for Ana's
        time.sleep(0.05)
    assert ben.is_alive()
    ana_may_store.set()
    ana.join(30)
    ben.join(30)
    assert not errors, errors

    stored = _plan_columns(pg_url, contact_id)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM touch WHERE contact_id = %s", (contact_id,)).fetchone()[0] == 3
    monkeypatch.undo()
    replan = AppContext(now=MORNING, db_location=pg_url)
    core.reschedule(replan)
    replan.close()
    replanned = _plan_columns(pg_url, contact_id)
    assert stored == replanned  # the plan is always made from every touch (the contact's UPDATE waits)
    assert stored[0] == ("closed" if locked else "active")  # but the state Ben read is another matter


# --- owners: the team of examples/team-setup.sql ------------------------------------------

SETUP = Path(__file__).resolve().parents[1] / "examples" / "team-setup.sql"


@pytest.fixture
def team(pg_server, tmp_path):
    """examples/team-setup.sql run on the session's server, its names made unique to this test
    (roles are the cluster's); the schema created by the owner role, as the README says.
    Returns a function: the `fup` runner's env for a role."""
    tag = f"{os.getpid()}_{next(_teams)}"
    names = {"sales_owner": f"so_{tag}", "sales_team": f"st_{tag}", "sales": f"sales_{tag}",
             "ana": f"ana_{tag}", "ben": f"ben_{tag}"}
    script = re.sub(r"\b(sales_owner|sales_team|sales|ana|ben)\b", lambda m: names[m.group(1)], SETUP.read_text())
    before, after = script.split(f"\\connect {names['sales']}\n")
    for part, url in ((before, pg_server.admin_url), (after, pg_server.url(names["sales"]))):
        statements = [s.strip() for s in _without_comments(part).split(";") if s.strip()]
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def env(role: str) -> dict:
        return {"FUP_DB": pg_server.url(names["sales"], user=names[role])}

    env.names = names  # type: ignore[attr-defined]
    yield env
    pg_server.drop_database(names["sales"])


_teams = __import__("itertools").count(1)


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("--")).strip()


def test_the_team_of_the_setup_script_each_sees_their_own_list(fup, team):
    owner, ana, ben = team("sales_owner"), team("ana"), team("ben")
    name = team.names
    fup.ok("reschedule", env=owner, now="2026-11-23T08:00")  # creates the schema, as the README says
    with psycopg.connect(owner["FUP_DB"]) as conn:
        owners = {row[0] for row in conn.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
    assert owners == {name["sales_owner"]}
    fup.ok("add", "Carla Diaz", "--email", "carla@acme.example", env=ana, now="2026-11-23T09:00")
    fup.ok("add", "Dmitri Volkov", "--cadence", "hot", "--owner", name["ben"], env=ana, now="2026-11-23T09:05")
    fup.ok("add", "Erin Walsh", env=ben, now="2026-11-23T09:10")

    def listed(env, *args, now="2026-11-30T09:00"):
        return {row["name"]: row for row in json.loads(fup.ok("today", "-f", "json", *args, env=env, now=now).stdout)}

    assert set(listed(ana)) == {"Carla Diaz"} and listed(ana)["Carla Diaz"]["owner"] == name["ana"]
    assert set(listed(ben)) == {"Dmitri Volkov", "Erin Walsh"}
    assert set(listed(ana, "--owner", name["ben"])) == {"Dmitri Volkov", "Erin Walsh"}
    everyone = listed(ana, "--all")
    assert {n: row["owner"] for n, row in everyone.items()} == {
        "Carla Diaz": name["ana"], "Dmitri Volkov": name["ben"], "Erin Walsh": name["ben"]}
    table = fup.ok("today", "--all", env=ana, now="2026-11-30T09:00").stdout
    assert table.splitlines()[0].split()[-1] == "owner" and name["ben"] in table
    assert "owner" not in fup.ok("today", env=ana, now="2026-11-30T09:00").stdout.splitlines()[0]
    mine = [row["name"] for row in json.loads(fup.ok("list", "-f", "json", env=ana).stdout)]
    assert mine == ["Carla Diaz"]
    assert len(json.loads(fup.ok("list", "-f", "json", "--all", env=ben).stdout)) == 3
    assert json.loads(fup.ok("show", "dmitri", "-f", "json", env=ana).stdout)["owner"] == name["ben"]

    # Ben emails Ana's contact: her follow-up counts from his touch, and says so
    before = listed(ana, now="2026-11-27T09:00")["Carla Diaz"]
    fup.ok("log", "carla", "email", env=ben, now="2026-11-27T10:00")
    after = json.loads(fup.ok("show", "carla", "-f", "json", env=ana, now="2026-11-27T11:00").stdout)
    assert after["last_touch"] == "2026-11-27" and after["next_due"] > before["due"]
    assert after["next"]["reason"].endswith(f"({name['ben']} emailed on 2026-11-27)")
    with psycopg.connect(owner["FUP_DB"]) as conn:
        assert conn.execute("SELECT logged_by FROM touch ORDER BY id DESC LIMIT 1").fetchone()[0] == name["ben"]
    # her own next touch is hers again: the reason no longer names him
    fup.ok("log", "carla", "email", env=ana, now="2026-12-02T10:00")
    assert "emailed on" not in json.loads(fup.ok("show", "carla", "-f", "json", env=ana).stdout)["next"]["reason"]

    # Ana hands Carla to Ben
    assert f"is now {name['ben']}'s (was {name['ana']}'s)" in fup.ok("assign", "carla", name["ben"], env=ana).stdout
    assert [row["name"] for row in json.loads(fup.ok("list", "-f", "json", env=ben).stdout)] == [
        "Carla Diaz", "Dmitri Volkov", "Erin Walsh"]
    assert json.loads(fup.ok("list", "-f", "json", env=ana).stdout) == []


@pytest.mark.parametrize("args", [["today", "--owner", "nobody_here"], ["list", "--owner", "nobody_here"],
                                  ["today", "--owner", "x", "--all"], ["add", "Zed", "--owner", "nobody_here"],
                                  ["assign", "carla", "nobody_here"]])
def test_a_role_that_is_not_on_the_server_is_one_line_and_nothing_written(fup, team, args):
    ana = team("ana")
    fup.ok("reschedule", env=team("sales_owner"))
    fup.ok("add", "Carla Diaz", env=ana)
    result = fup(args, env=ana)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("fup: error: ")
    assert [row["name"] for row in json.loads(fup.ok("list", "-f", "json", "--all", env=ana).stdout)] == ["Carla Diaz"]


def test_a_teammate_without_the_grants_is_told_so_in_one_line(fup, team, pg_server):
    """A role outside the team group: the server refuses, and fup says so, exit 6."""
    fup.ok("reschedule", env=team("sales_owner"))
    stranger = f"stranger_{os.getpid()}"
    pg_server.create_role(stranger)
    url = pg_server.url(team.names["sales"], user=stranger)
    for args in (["today"], ["add", "Zed"]):
        result = fup(args, env={"FUP_DB": url})
        assert result.exit_code == 6, result.stderr
        assert result.stderr.startswith("fup: error: the database server refused: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [["today", "--owner", "ana"], ["list", "--owner", "ana"], ["add", "Zed", "--owner", "ana"],
                                  ["assign", "carla", "ana"]])
def test_owners_on_a_sqlite_file_are_refused_in_one_line(fup, args):
    fup.ok("add", "Carla Diaz")
    before = fup.ok("export", "contacts").stdout
    result = fup(args)
    assert result.exit_code == 2 and "team database" in result.stderr and result.stderr.count("\n") == 1
    assert fup.ok("export", "contacts").stdout == before


def test_on_a_sqlite_file_the_owner_key_is_null_and_the_table_has_no_owner_column(fup):
    fup.ok("add", "Carla Diaz", now="2026-11-23T09:00")
    rows = json.loads(fup.ok("today", "-f", "json", "--all", now="2026-11-30T09:00").stdout)
    assert [row["owner"] for row in rows] == [None]
    assert list(rows[0])[-1] == "owner"
    assert "owner" not in fup.ok("today", now="2026-11-30T09:00").stdout
    assert json.loads(fup.ok("show", "carla", "-f", "json").stdout)["owner"] is None


def test_a_server_database_at_0005_upgrades_with_its_rows_kept_and_owned_by_the_upgrader(fup, pg_url):
    """The upgrade re-plans every contact inside its transaction and reads the days off through
    it (a second connection would wait for ever on the tables the migration holds)."""
    from sqlalchemy import create_engine, text

    from fupcli.storage.migrate import upgrade

    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        upgrade(connection, "0005")
        connection.execute(text(
            "INSERT INTO contact (name, name_key, tags, channel, cadence, state, created_at, updated_at, "
            "unanswered_streak) VALUES ('Carla Diaz', 'carla diaz', '', 'email', 'warm', 'active', "
            "'2026-11-02 10:00', '2026-11-02 10:00', 0)"))
        connection.execute(text("INSERT INTO contact_word (contact_id, word) VALUES (1, 'carla'), (1, 'diaz')"))
        connection.execute(text("INSERT INTO touch (contact_id, at, channel, direction, outcome, created_at) "
                                "VALUES (1, '2026-11-02 10:00', 'meeting', 'out', 'meeting', '2026-11-02 10:00')"))
        connection.execute(text("INSERT INTO away (first_day, last_day, created_at) "
                                "VALUES ('2026-11-05', '2026-11-06', '2026-11-02 10:00')"))
    engine.dispose()
    server = {"FUP_DB": pg_url}
    refused = fup("today", env=server, now="2026-11-24T09:00")
    assert refused.exit_code != 0 and "needs a schema upgrade" in refused.stderr
    assert fup.ok("reschedule", env=server, now="2026-11-24T09:00").stdout == "Rescheduled 1 contact.\n"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0008"
        assert conn.execute("SELECT owner, private, next_due IS NOT NULL FROM contact").fetchall() == [
            ("postgres", False, True)]
        assert conn.execute("SELECT logged_by FROM touch").fetchall() == [("postgres",)]
        assert conn.execute("SELECT owner FROM away").fetchall() == [("postgres",)]
    shown = json.loads(fup.ok("show", "carla", "-f", "json", env=server, now="2026-11-24T09:00").stdout)
    assert shown["owner"] == "postgres" and shown["next_due"] is not None


def test_a_private_contact_is_hidden_by_the_server_from_fup_and_from_psql(fup, team):
    owner, ana, ben = team("sales_owner"), team("ana"), team("ben")
    name = team.names
    fup.ok("reschedule", env=owner, now="2026-11-23T08:00")
    fup.ok("add", "Carla Diaz", "--private", "--next", "send the deck", "--due", "2026-11-25", env=ana,
           now="2026-11-23T09:00")
    fup.ok("log", "carla", "email", "--note", "the board is split", env=ana, now="2026-11-24T09:00")
    fup.ok("add", "Paul Shared", env=ana, now="2026-11-23T09:05")

    names = lambda env: [row["name"] for row in json.loads(fup.ok("list", "-f", "json", "--all", env=env).stdout)]
    assert names(ana) == ["Carla Diaz", "Paul Shared"]
    assert names(ben) == ["Paul Shared"]
    for args in (["show", "carla"], ["log", "carla", "email"], ["next", "carla", "call", "--due", "fri"]):
        assert fup(args, env=ben).exit_code == 3, args
    # a teammate's own SQL, and the tables' owner's, see none of it: the server hides it
    for env in (ben, owner):
        with psycopg.connect(env["FUP_DB"]) as conn:
            for table in ("contact", "touch", "commitment", "agenda_item", "contact_word"):
                seen = conn.execute(f"SELECT count(*) FROM {table} WHERE {'id' if table == 'contact' else 'contact_id'}"
                                    " = 1").fetchone()[0]
                assert seen == 0, (env, table)
            assert conn.execute("SELECT count(*) FROM touch WHERE note = 'the board is split'").fetchone()[0] == 0

    # only the owner changes it; a private contact is not given away
    refused = fup("edit", "paul", "--private", env=ben)
    assert refused.exit_code == 2 and f"only {name['ana']}" in refused.stderr
    assert fup("assign", "carla", name["ben"], env=ana).exit_code == 2
    fup.ok("edit", "carla", "--shared", env=ana)
    assert names(ben) == ["Carla Diaz", "Paul Shared"]
    fup.ok("edit", "paul", "--private", env=ana)
    assert names(ben) == ["Carla Diaz"]


def test_doctor_on_a_team_database_reports_row_security_off_and_who_owns_the_tables(fup, team):
    owner, ana = team("sales_owner"), team("ana")
    fup.ok("reschedule", env=owner)
    fup.ok("add", "Carla Diaz", env=ana)
    healthy = fup.ok("doctor", "-f", "json", env=ana)
    assert {f["check"]: f["ok"] for f in json.loads(healthy.stdout)} == {
        "schema": True, "row security": True, "table owner": True, "foreign keys": True}
    mine = fup("doctor", env=owner)  # the owner of the tables could switch the policies off
    assert mine.exit_code == 6 and "PROBLEM  table owner: you" in mine.stdout
    with psycopg.connect(owner["FUP_DB"], autocommit=True) as conn:
        conn.execute("ALTER TABLE touch DISABLE ROW LEVEL SECURITY")
    found = fup("doctor", env=ana)
    assert found.exit_code == 6 and "PROBLEM  row security: off on touch" in found.stdout
    with psycopg.connect(owner["FUP_DB"], autocommit=True) as conn:
        conn.execute("ALTER TABLE touch ENABLE ROW LEVEL SECURITY")
        conn.execute("ALTER TABLE contact NO FORCE ROW LEVEL SECURITY")
    found = fup("doctor", env=ana)
    assert found.exit_code == 6 and "PROBLEM  row security: not forced on contact" in found.stdout


def test_days_off_are_each_teammates_own(fup, team):
    owner, ana, ben = team("sales_owner"), team("ana"), team("ben")
    fup.ok("reschedule", env=owner)
    fup.ok("add", "Carla Diaz", env=ana, now="2026-11-23T09:00")
    fup.ok("add", "Erin Walsh", env=ben, now="2026-11-23T09:00")
    fup.ok("away", "2026-11-26", "2026-11-30", env=ana, now="2026-11-23T10:00")
    assert "2026-11-26" in fup.ok("away", "--list", env=ana).stdout
    assert "2026-11-26" not in fup.ok("away", "--list", env=ben).stdout
    carla = json.loads(fup.ok("show", "carla", "-f", "json", env=ana, now="2026-11-23T10:05").stdout)
    erin = json.loads(fup.ok("show", "erin", "-f", "json", env=ben, now="2026-11-23T10:05").stdout)
    assert carla["next_due"] == "2026-12-01"  # after Ana's days off
    assert erin["next_due"] == "2026-11-27"  # Ben works that week


def test_undo_is_per_person_and_refuses_when_a_colleague_changed_the_rows_since(fup, team):
    owner, ana, ben = team("sales_owner"), team("ana"), team("ben")
    name = team.names
    fup.ok("reschedule", env=owner, now="2026-11-23T08:00")
    fup.ok("add", "Carla Diaz", env=ana, now="2026-11-23T09:00")
    fup.ok("add", "Erin Walsh", env=ben, now="2026-11-23T09:05")
    fup.ok("log", "carla", "email", env=ana, now="2026-11-24T09:00")
    fup.ok("log", "erin", "call", env=ben, now="2026-11-24T09:30")

    def touches(who: str) -> int:
        return json.loads(fup.ok("show", who, "-f", "json", env=ana).stdout)["touches"].__len__()

    # Ana's undo takes back Ana's last command, not Ben's later one on another contact
    listed = fup.ok("undo", "--list", env=ana).stdout
    assert "log Carla Diaz" in listed and "add Carla Diaz" in listed and "Erin" not in listed
    undone = fup.ok("undo", env=ana, now="2026-11-24T10:00").stdout
    assert undone.startswith("Undid: log Carla Diaz") and touches("carla") == 1 and touches("erin") == 2

    # Ana logs on Carla, then Ben does too: Ana's undo would take back a row he has changed since
    fup.ok("log", "carla", "email", env=ana, now="2026-11-25T09:00")
    fup.ok("log", "carla", "call", "--outcome", "talked", env=ben, now="2026-11-25T11:02")
    before = fup.ok("export", "touches", env=ana).stdout
    refused = fup("undo", env=ana, now="2026-11-25T12:00")
    assert refused.exit_code == 6 and refused.stdout == ""
    assert refused.stderr == (f"fup: error: cannot undo the log of 2026-11-25 09:00: {name['ben']} changed the same "
                              "contact since, on 2026-11-25 11:02; nothing was changed\n")
    assert fup.ok("export", "touches", env=ana).stdout == before
    # Ben takes his back (it is the newest on Carla); then Ana's goes through
    assert fup.ok("undo", env=ben).stdout.startswith("Undid: log Carla Diaz")
    assert fup.ok("undo", env=ana).stdout.startswith("Undid: log Carla Diaz")
    assert touches("carla") == 1
    # the plan is what re-planning the history gives
    planned = fup.ok("export", "contacts", env=ana).stdout
    fup.ok("reschedule", env=owner)
    assert fup.ok("export", "contacts", env=ana).stdout == planned


def test_undo_of_an_rm_on_the_server_brings_the_contact_back_whole(fup, team):
    owner, ana = team("sales_owner"), team("ana")
    fup.ok("reschedule", env=owner)
    fup.ok("add", "Maya Chen", "--email", "maya@umbrella.example", "--next", "send terms", "--due", "2026-11-27",
           env=ana, now="2026-11-23T09:00")
    fup.ok("log", "maya", "email", "--note", "sent the deck", env=ana, now="2026-11-24T09:00")
    exported = {what: fup.ok("export", what, env=ana).stdout for what in ("contacts", "touches", "commitments")}
    fup.ok("rm", "maya", "--yes", env=ana)
    assert fup.ok("undo", env=ana).stdout.startswith("Undid: rm Maya Chen")
    assert {what: fup.ok("export", what, env=ana).stdout for what in exported} == exported
    assert fup("undo", env=team("ben")).stderr == "fup: error: nothing of yours to undo\n"


def test_undo_of_days_off_on_the_server_plans_my_contacts_without_them(fup, team):
    owner, ana = team("sales_owner"), team("ana")
    fup.ok("reschedule", env=owner)
    fup.ok("add", "Carla Diaz", env=ana, now="2026-11-23T09:00")
    due = lambda: json.loads(fup.ok("show", "carla", "-f", "json", env=ana, now="2026-11-23T10:05").stdout)["next_due"]
    assert due() == "2026-11-27"
    fup.ok("away", "2026-11-26", "2026-11-30", env=ana, now="2026-11-23T10:00")
    assert due() == "2026-12-01"
    assert fup.ok("undo", env=ana, now="2026-11-23T10:01").stdout.startswith("Undid: away")
    assert due() == "2026-11-27" and "2026-11-26" not in fup.ok("away", "--list", env=ana).stdout


def test_a_reply_a_colleague_took_names_them_once(fup, team):
    owner, ana, ben = team("sales_owner"), team("ana"), team("ben")
    fup.ok("reschedule", env=owner)
    fup.ok("add", "Carla Diaz", env=ana, now="2026-11-30T10:00")
    fup.ok("log", "carla", "--in", env=ben, now="2026-12-03T10:00")
    reason = json.loads(fup.ok("show", "carla", "-f", "json", env=ana, now="2026-12-03T11:00").stdout)["next"]["reason"]
    assert reason == f"first follow-up after their reply on 2026-12-03 (warm cadence) (logged by {team.names['ben']})"


def test_each_teammates_cold_rows_fill_their_own_days(fup, team):
    """Opening touches (cold rows) are spread over days with room: each person's own days,
    since each has their own list. Ben's five start today as Ana's do, rather than after hers."""
    (fup.home / "config.toml").write_text("daily_limit = 3\n")
    owner, ana, ben = team("sales_owner"), team("ana"), team("ben")
    fup.ok("reschedule", env=owner)
    for n in range(5):
        fup.ok("add", f"Ana Lead{n}", "--no-meeting", env=ana, now="2026-11-30T09:00")
    for n in range(5):
        fup.ok("add", f"Ben Lead{n}", "--no-meeting", env=ben, now="2026-11-30T09:10")

    def days(env):
        return sorted(row["next_due"] for row in json.loads(fup.ok("list", "-f", "json", env=env).stdout))

    assert days(ana) == days(ben) == ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    today = lambda env: [r["name"] for r in json.loads(fup.ok("today", "-f", "json", env=env, now="2026-11-30T10:00").stdout)]
    assert today(ana) == ["Ana Lead0"] and today(ben) == ["Ben Lead0"]
    # a re-plan of everyone by the owner role keeps each person's spread
    fup.ok("reschedule", env=owner, now="2026-11-30T11:00")
    assert days(ana) == days(ben)


def test_a_teammate_on_an_older_schema_is_told_who_can_upgrade_it(fup, team):
    from sqlalchemy import create_engine

    from fupcli.storage.migrate import upgrade

    owner, ana = team("sales_owner"), team("ana")
    engine = create_engine(owner["FUP_DB"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        upgrade(connection, "0005")
    engine.dispose()
    expected = (f"fup: error: the database at {ana['FUP_DB']} needs a schema upgrade, which only the owner of its "
                f"tables ({team.names['sales_owner']}) can make: run `fup reschedule` as {team.names['sales_owner']}\n")
    for args in (["today"], ["add", "Carla Diaz"]):
        result = fup(args, env=ana)
        assert (result.exit_code, result.stderr) == (6, expected), args
    fup.ok("reschedule", env=owner)
    fup.ok("add", "Carla Diaz", env=ana)
