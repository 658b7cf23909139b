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
