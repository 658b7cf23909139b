"""`queries.listed`, which the write path asks instead of building the whole morning list.

Every write first moves on the cold rows an earlier day had no room for (`core.roll_forward`),
keeping those of the contacts in today's list. At 100k contacts today's whole list is tens
of thousands of rows, so the write path asks `listed` (which of these contacts does
`due_rows` list?) and `listed_cold` (whose cold rows fill the day's room), whose cost follows
the contacts asked about and the day's capacity. Here they must give the same answer as the
whole list, on a database where cold rows overflow the capacity, over a month of days.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from fupcli import core
from fupcli.context import AppContext
from fupcli.storage.queries import due_rows, listed, listed_cold

START = datetime(2026, 11, 2, 9, 0)  # a Monday


def _ctx(monkeypatch, when: datetime) -> AppContext:
    monkeypatch.setenv("FUP_NOW", when.isoformat(timespec="minutes"))
    return AppContext.from_environment()


def _build(home, monkeypatch) -> None:
    (home / "config.toml").write_text("daily_limit = 8\n")
    rng = random.Random(7)
    for n in range(70):
        when = START + timedelta(days=rng.randrange(0, 20), hours=rng.randrange(0, 8))
        ctx = _ctx(monkeypatch, when)
        cadence = "warm" if n % 20 == 0 else "nurture"  # mostly cold rows: openings and nurture check-ins
        new = core.NewContact(f"Person {n:02d}", cadence=cadence,
                              birthday=f"12-{rng.randrange(1, 28):02d}" if n % 9 == 0 else None)
        step = core.NextStep("send the deck", (when + timedelta(days=rng.randrange(1, 15))).date()) if n % 20 == 5 else None
        core.add_contact(ctx, new, no_meeting=n % 2 == 0, step=step)
        ctx.close()


def test_listed_agrees_with_the_whole_list_every_day(fup_home, monkeypatch) -> None:
    _build(fup_home, monkeypatch)
    day = START.date()
    checked = full = 0
    for offset in range(40):
        on = day + timedelta(days=offset)
        ctx = _ctx(monkeypatch, datetime.combine(on, datetime.min.time()).replace(hour=8))
        rules = ctx.settings.rules
        conn = ctx.store.reader()
        ids = [cid for (cid,) in conn.execute("SELECT id FROM contact")]
        rows = due_rows(conn, on, 0, rules)
        whole = {row.contact_id for row in rows}
        assert listed(conn, on, ids, rules) == whole, on
        cold = {row.contact_id for row in rows if row.kind == "cold"}
        assert listed_cold(conn, on, rules) == cold, on
        assert len(cold) <= rules.capacity
        full += len(cold) == rules.capacity - (len(rows) - len(cold)) > 0
        checked += bool(cold) and len(rows) > len(cold)
        ctx.close()
        if offset % 3 == 0:  # a write each few days: moves on what the day had no room for
            ctx = _ctx(monkeypatch, datetime.combine(on, datetime.min.time()).replace(hour=9))
            core.log_touch(ctx, str(ids[offset % len(ids)]), "email")
            ctx.close()
    assert checked >= 5 and full >= 3  # days with both cold and live rows; days whose cold rows overflowed
