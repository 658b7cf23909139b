"""Team mode on PostgreSQL: what only a shared server database has to get right.

Every test runs against the session's real PostgreSQL (`pg_url`, `pg_server`): two
people writing on one contact at once (the row lock of `core.load_contacts`).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

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
