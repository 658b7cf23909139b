"""The figures of `fup stats`, read from the history; no printing.

`figures(conn, since, until, today, tag)` runs a few read statements on the command's
DB-API connection (`Store.reader()`: sqlite3 on a file, `PostgresDb` on a server) and
returns one plain dict, the shape of `fup stats --format json` (`charts` draws the same
dict as tables and bars). The definitions, each with a worked example, are in docs/stats.md.

- the history (`_Query.history`): one statement reads the touches from the start of the
  period (or of the 12 weeks) in (contact, at, id) order, and one loop walks them: it
  numbers each follow-up, ties each touch to the follow-up it settles, and counts the
  reply rates by number, the days to reply, touches per day, channel and direction, and
  wins. What came before the start is carried in by a per-contact count (`_carried`);
- promises: the commitments due in the period, counted per whose and status;
- pipeline: the contacts, counted per state and cadence, with those reopened and parked.

Times are compared as stored: ISO text on SQLite (which sorts as time does), timestamps on
PostgreSQL; the parameters are bound as ISO text on SQLite and as dates on PostgreSQL, and
the few expressions the two write differently are in `_DIALECTS`; the walk compares the times
as they come back (text or datetime) with bounds of the same type.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..errors import BadInput
from ..vocabulary import CHANNELS, STATES, TWO_WAY_OUTCOMES

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

PERIOD_DAYS = 84  # the default period: the 12 weeks (84 days) that end with --until, both ends included
ACTIVITY_WEEKS = 12
TOP_BUCKET = 10  # follow-ups numbered 10 and beyond share the bucket "10+"
BUCKETS = tuple(str(n) for n in range(1, TOP_BUCKET)) + (f"{TOP_BUCKET}+",)
PROMISE_KINDS = ("kept_on_time", "kept_late", "dropped", "open", "overdue")
WHOSE = ("mine", "theirs")
SECONDS_PER_DAY = 86400
DAYS_DECIMALS = 2  # days to reply: to a hundredth of a day (about a quarter of an hour)
PERCENT_DECIMALS = 1

# The kinds of touch the history walk tells apart (`_Query.history`).
_FOLLOW_UP, _ANSWER, _WON, _OTHER = 0, 1, 2, 3  # _WON is an answer too; _OTHER: greetings

# An answer, for the figures, is a two-way touch (`vocabulary.is_two_way`) or a no: the scheduler
# does not count a no as engagement (it closes the contact instead), but a rep who asks "did
# they answer?" counts it, and it is no follow-up of mine.
ANSWER_OUTCOMES = TWO_WAY_OUTCOMES | {"not-interested"}
_OUTCOMES = ", ".join(f"'{outcome}'" for outcome in sorted(ANSWER_OUTCOMES))


def answer_sql(alias: str) -> str:
    """SQL for "the touch `alias` is an answer": they reached out, answered, or said no."""
    return f"({alias}.direction = 'in' OR {alias}.outcome IN ({_OUTCOMES}))"


def follow_up_sql(alias: str) -> str:
    """SQL for "the touch `alias` is a follow-up": outgoing, not an answer, not a greeting."""
    return f"({alias}.direction = 'out' AND {alias}.outcome NOT IN ({_OUTCOMES}, 'greeting'))"


# The expressions SQLite and PostgreSQL write differently; {0} and {1} are SQL operands.
_DIALECTS = {
    "sqlite": {
        "day": "substr({0}, 1, 10)",  # the calendar day of a stored time
    },
    "postgresql": {
        "day": "CAST({0} AS DATE)",
    },
}


def period(today: date, since: date | None = None, until: date | None = None) -> tuple[date, date]:
    """The period's first and last day: until defaults to today, since to 83 days before until
    (12 weeks in all); a since after the until is bad input."""
    last = until if until is not None else today
    first = since if since is not None else last - timedelta(days=PERIOD_DAYS - 1)
    if first > last:
        raise BadInput(f"--since {first.isoformat()} is after --until {last.isoformat()}")
    return first, last


def activity_weeks(until: date) -> list[date]:
    """The Mondays of the 12 ISO weeks that end with the week of `until`, oldest first."""
    monday = until - timedelta(days=until.weekday())
    return [monday - timedelta(weeks=ACTIVITY_WEEKS - 1 - i) for i in range(ACTIVITY_WEEKS)]


def figures(conn: Any, since: date, until: date, today: date, tag: str | None = None) -> dict:
    """Every figure of `fup stats` for the period [since, until] (and the contacts tagged
    `tag`), as the JSON dict; all zeros when there is no database yet (`conn` None)."""
    result = empty(since, until, today, tag)
    if conn is None:
        return result
    query = _Query(conn, since, until, today, tag)
    result["reply_rate"], result["days_to_reply"], result["activity"], won = query.history()
    result["promises"] = query.promises()
    result["pipeline"] = query.pipeline(won)
    return result


def empty(since: date, until: date, today: date, tag: str | None = None) -> dict:
    """The figures of a history with nothing in it: the JSON shape, every count zero."""
    return {
        "period": {"since": since.isoformat(), "until": until.isoformat(), "today": today.isoformat()},
        "tag": tag,
        "reply_rate": [_bucket(label, 0, 0, 0, 0) for label in BUCKETS],
        "days_to_reply": {"count": 0, "median": None, "p90": None},
        "promises": {whose: _promises({}) for whose in WHOSE},
        "activity": _activity(activity_weeks(until), {}),
        "pipeline": {"contacts": 0, "by_state": {state: 0 for state in STATES}, "by_cadence": {},
                     "won": 0, "reopened": 0, "parked": 0},
    }


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, to one decimal; None when `whole` is 0."""
    return round(100 * part / whole, PERCENT_DECIMALS) if whole else None


def in_days(seconds: float) -> float:
    """A duration in seconds as days, to a hundredth."""
    return round(seconds / SECONDS_PER_DAY, DAYS_DECIMALS)


def _bucket(label: str, sent: int, answered: int, unanswered: int, open_: int) -> dict:
    return {"followup": label, "sent": sent, "answered": answered, "unanswered": unanswered, "open": open_,
            "rate": percent(answered, sent)}


def _promises(counts: dict) -> dict:
    total = sum(counts.get(kind, 0) for kind in PROMISE_KINDS)
    return {"total": total, **{kind: counts.get(kind, 0) for kind in PROMISE_KINDS},
            "percent": {kind: percent(counts.get(kind, 0), total) for kind in PROMISE_KINDS}}


def _activity(weeks: list[date], counts: dict) -> dict:
    """The activity figures from {(week index, channel, direction): touches}."""
    channels = list(CHANNELS) + sorted({ch for _, ch, _ in counts if ch not in CHANNELS})

    def per_week(keep: Any) -> list[int]:
        return [sum(n for (i, ch, way), n in counts.items() if i == week and keep(ch, way)) for week in range(len(weeks))]

    return {"weeks": [w.isoformat() for w in weeks],
            "by_channel": {ch: per_week(lambda c, _w, ch=ch: c == ch) for ch in channels},
            "out": per_week(lambda _c, way: way == "out"), "in": per_week(lambda _c, way: way == "in"),
            "total": per_week(lambda _c, _w: True)}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class _Query:
    """The statements of one `fup stats`, with their parameters bound for the connection's dialect."""

    def __init__(self, conn: Any, since: date, until: date, today: date, tag: str | None):
        self.conn = conn
        dialect = getattr(conn, "dialect", "sqlite")
        self.sql = _DIALECTS["postgresql" if dialect == "postgresql" else "sqlite"]
        self.weeks = weeks = activity_weeks(until)
        self.tag = tag
        after = until + timedelta(days=1)
        days = {"since": since, "until": until, "after": after, "today": today, "week0": weeks[0],
                "week_end": weeks[-1] + timedelta(days=7), "start": min(since, weeks[0])}
        self.text = text = dialect != "postgresql"  # SQLite stores ISO text: compare with ISO text
        self.params: dict[str, Any] = {name: day.isoformat() if text else day for name, day in days.items()}
        # the bounds the history walk compares times with, as the times come back: text or datetime
        self.bounds = tuple(day.isoformat() if text else datetime.combine(day, time())
                            for day in (since, after, weeks[0], days["week_end"]))
        if tag:
            self.params["tag"] = f"%;{_escape_like(tag)};%"

    def _tagged(self, alias: str) -> str:
        """The condition that keeps the rows (of `alias`) of the contacts tagged with the tag, if
        one was given: a set looked up once, so a scan of the touches keeps its order."""
        if not self.tag:
            return ""
        tagged = "(';' || tags || ';') LIKE :tag ESCAPE '\\'"
        if alias == "c":
            return f" AND {tagged}"
        return f" AND {alias}.contact_id IN (SELECT id FROM contact WHERE {tagged})"

    def _rows(self, sql: str) -> list:
        return self.conn.execute(sql, self.params).fetchall()

    # --- the history: reply rate, days to reply, activity, won ------------------------------

    def history(self) -> tuple[list[dict], dict, dict, int]:
        """Reply rate by follow-up number and days to reply (the follow-ups sent in the
        period), touches per week of the 12 weeks, and the wins of the period.

        One statement reads the touches from `start` (the earlier of the period's first day
        and the first of the 12 weeks) in (contact, at, id) order, each with its kind; one
        loop walks them. Per contact it keeps `number`, the follow-ups since the last answer
        (started from what `_carried` says came before `start`), and `prev_followup_at`, when
        the touch before went out if that was a follow-up. A touch settles the follow-up
        before it: answered if the touch is an answer, unanswered if it is another follow-up; a
        follow-up of the period that no touch settles is open. Greetings settle nothing and
        count only for the activity.

        Why a loop and not SQL: the same walk in window functions (a running string of the
        touches' kinds, `LAG`, a `GROUP BY` of the result) took twice as long on SQLite at
        2M touches; sorting and reading the rows is most of what is left.
        """
        answer, follow_up = answer_sql("t"), follow_up_sql("t")
        kind = (f"CASE WHEN {answer} THEN CASE WHEN t.outcome = 'won' THEN {_WON} ELSE {_ANSWER} END"
                f" WHEN {follow_up} THEN {_FOLLOW_UP} ELSE {_OTHER} END")
        touches = self.conn.execute(
            f"SELECT t.contact_id, t.at, {kind}, t.channel, t.direction FROM touch t"
            f" WHERE t.at >= :start{self._tagged('t')} ORDER BY t.contact_id, t.at, t.id", self.params)
        since, after, week0, week_end = self.bounds
        carried = self._carried()
        top = TOP_BUCKET
        sent_by, answered, unanswered = [0] * top, [0] * top, [0] * top
        waits: list[float] = []  # the seconds from each answered follow-up of the period to its answer
        per_day: dict[tuple[Any, str, str], int] = {}
        wins = 0
        contact, number, prev_followup_at = None, 0, None
        for contact_id, at, what, channel, direction in touches:
            if week0 <= at < week_end:
                key = (at[:10] if self.text else at.date(), channel, direction)
                per_day[key] = per_day.get(key, 0) + 1
            if what == _OTHER:
                continue
            if contact_id != contact:
                contact, number, prev_followup_at = contact_id, carried.get(contact_id, 0), None
            if prev_followup_at is not None and since <= prev_followup_at < after:
                if what == _FOLLOW_UP:
                    unanswered[min(number, top) - 1] += 1
                else:
                    answered[min(number, top) - 1] += 1
                    waits.append(self._seconds(prev_followup_at, at))
            if what == _FOLLOW_UP:
                number += 1
                prev_followup_at = at
                if since <= at < after:
                    sent_by[min(number, top) - 1] += 1
            else:
                number, prev_followup_at = 0, None
                if what == _WON and since <= at < after:
                    wins += 1
        reply_rate = [_bucket(label, sent_by[i], answered[i], unanswered[i], sent_by[i] - answered[i] - unanswered[i])
                      for i, label in enumerate(BUCKETS)]
        days = {"count": 0, "median": None, "p90": None}
        if waits:
            waits.sort()
            count = len(waits)
            median = (waits[(count + 1) // 2 - 1] + waits[count // 2]) / 2
            days = {"count": count, "median": in_days(median), "p90": in_days(waits[(9 * count + 9) // 10 - 1])}
        per_week: dict[tuple[int, str, str], int] = {}
        for (day, channel, direction), n in per_day.items():
            key = ((_as_day(day) - self.weeks[0]).days // 7, channel, direction)
            per_week[key] = per_week.get(key, 0) + n
        return reply_rate, days, _activity(self.weeks, per_week), wins

    def _carried(self) -> dict[int, int]:
        """{contact id: the follow-ups after the contact's last answer before `start`,
        ten at most (all a "10+" needs)}, for the contacts that have any."""
        carried_count = (
            "SELECT COUNT(*) FROM (SELECT 1 FROM touch f WHERE f.contact_id = c.id AND f.at < :start"
            f" AND {follow_up_sql('f')} AND (a.id IS NULL OR f.at > a.at OR (f.at = a.at AND f.id > a.id))"
            f" LIMIT {TOP_BUCKET}) AS recent"
        )
        last_answer = (
            f"SELECT l.id FROM touch l WHERE l.contact_id = c.id AND l.at < :start AND {answer_sql('l')}"
            " ORDER BY l.at DESC, l.id DESC LIMIT 1"
        )
        sql = (f"SELECT id, n FROM (SELECT c.id, ({carried_count}) AS n FROM contact c"
               f" LEFT JOIN touch a ON a.id = ({last_answer}) WHERE 1 = 1{self._tagged('c')}) carried WHERE n > 0")
        return {contact_id: int(n) for contact_id, n in self._rows(sql)}

    def _seconds(self, start: Any, end: Any) -> float:
        if self.text:
            start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
        return round((end - start).total_seconds())

    # --- promises and pipeline ----------------------------------------------------------------

    def promises(self) -> dict:
        """The commitments due in the period, mine and theirs, by how they stand."""
        closed_day = self.sql["day"].format("m.closed_at")
        sql = (
            "SELECT m.whose,"
            f" SUM(CASE WHEN m.status = 'done' AND (m.closed_at IS NULL OR {closed_day} <= m.due) THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN m.status = 'done' AND {closed_day} > m.due THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN m.status = 'dropped' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN m.status = 'open' AND m.due >= :today THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN m.status = 'open' AND m.due < :today THEN 1 ELSE 0 END)"
            f" FROM commitment m WHERE m.due >= :since AND m.due <= :until{self._tagged('m')} GROUP BY m.whose"
        )
        counts: dict[str, dict] = {whose: {} for whose in WHOSE}
        for whose, *numbers in self._rows(sql):
            counts[whose] = dict(zip(PROMISE_KINDS, (int(n) for n in numbers)))
        return {whose: _promises(found) for whose, found in counts.items()}

    def pipeline(self, won: int) -> dict:
        """Contacts by state and cadence (now); `won` (counted with the history), reopened and
        parked in the period."""
        last_touch_parks = (
            f"SELECT CASE WHEN t.at >= :since AND t.at < :after AND NOT {answer_sql('t')} THEN 1 ELSE 0 END"
            " FROM touch t WHERE t.contact_id = c.id ORDER BY t.at DESC, t.id DESC LIMIT 1"
        )
        sql = (
            "SELECT c.state, c.cadence, COUNT(*),"
            " SUM(CASE WHEN c.reopened_at >= :since AND c.reopened_at < :after THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN c.state = 'nurture' THEN COALESCE(({last_touch_parks}), 0) ELSE 0 END)"
            f" FROM contact c WHERE 1 = 1{self._tagged('c')} GROUP BY c.state, c.cadence"
        )
        by_state = {state: 0 for state in STATES}
        by_cadence: dict[str, int] = {}
        contacts = reopened = parked = 0
        for state, cadence, count, reopens, parks in self._rows(sql):
            by_state[state] = by_state.get(state, 0) + int(count)
            by_cadence[cadence] = by_cadence.get(cadence, 0) + int(count)
            contacts += int(count)
            reopened += int(reopens)
            parked += int(parks)
        return {"contacts": contacts, "by_state": by_state, "by_cadence": dict(sorted(by_cadence.items())),
                "won": won, "reopened": reopened, "parked": parked}
