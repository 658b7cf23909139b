"""The figures of `fup stats`, read from the history in aggregate SQL; no printing.

`figures(conn, since, until, today, tag)` runs a few read statements on the command's
DB-API connection (`Store.reader()`: sqlite3 on a file, `PostgresDb` on a server) and
returns one plain dict, the shape of `fup stats --format json` (`charts` draws the same
dict as tables and bars). The definitions, each with a worked example, are in docs/stats.md.

- the history (`_Query.history`): one pass, with window functions, over each contact's
  follow-ups and two-way touches in (at, id) order, from the start of the period (or of
  the 12 weeks) on; what came before is carried in as one row per contact. It numbers
  each follow-up, ties each touch to the follow-up it settles, and is counted in SQL into
  reply rates by number, the ranks of the days to reply, touches per day, channel and
  direction, and wins: a few hundred rows come back whatever the size of the history.
  Greetings, which the walk leaves out, are counted by a second, small statement;
- promises: the commitments due in the period, counted per whose and status;
- pipeline: the contacts, counted per state and cadence, with those reopened and parked.

Times are compared as stored: ISO text on SQLite (which sorts as time does), timestamps on
PostgreSQL; the parameters are bound as ISO text on SQLite and as dates on PostgreSQL, and
the few expressions the two write differently are in `_DIALECTS`.
"""

from __future__ import annotations

from datetime import date, timedelta

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

_OUTCOMES = ", ".join(f"'{outcome}'" for outcome in sorted(TWO_WAY_OUTCOMES))


def two_way_sql(alias: str) -> str:
    """SQL for `vocabulary.is_two_way` of the touch `alias`: they reached out, or answered."""
    return f"({alias}.direction = 'in' OR {alias}.outcome IN ({_OUTCOMES}))"


def follow_up_sql(alias: str) -> str:
    """SQL for "the touch `alias` is a follow-up": outgoing, not two-way, not a greeting."""
    return f"({alias}.direction = 'out' AND {alias}.outcome NOT IN ({_OUTCOMES}, 'greeting'))"


# The expressions SQLite and PostgreSQL write differently; {0} and {1} are SQL operands.
_DIALECTS = {
    "sqlite": {
        "seconds": "CAST(ROUND((julianday({1}) - julianday({0})) * 86400) AS INTEGER)",  # from time {0} to {1}
        "day": "substr({0}, 1, 10)",  # the calendar day of a stored time
        "concat": "group_concat({0}, '')",  # an aggregate: the values joined, in the window's order
    },
    "postgresql": {
        "seconds": "CAST(ROUND(EXTRACT(EPOCH FROM ({1} - {0}))) AS BIGINT)",
        "day": "CAST({0} AS DATE)",
        "concat": "string_agg({0}, '')",
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
        text = dialect != "postgresql"  # SQLite stores ISO text: compare with ISO text
        self.params: dict[str, Any] = {name: day.isoformat() if text else day for name, day in days.items()}
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

        The walk: every contact's follow-ups and two-way touches from `start` (the earlier of
        the period's first day and the first of the 12 weeks) in (at, id) order, after one
        row per contact that carries in the history before `start`. Two running values per
        touch: `flags`, the contact's touches so far as '1' (two-way) and '0' (follow-up),
        whose trailing '0's number a follow-up (the follow-ups since the last two-way touch;
        the carried row stands for the last two-way touch before `start` and the follow-ups
        since, ten at most, which is all a "10+" needs); and `prev_followup_at`, when the
        touch before it went out if that was a follow-up. A touch settles the follow-up
        before it: answered if the touch is two-way, unanswered if it is another follow-up;
        a follow-up of the period that no touch settles is open.

        The walk is counted (`tally`) per number, kind, sent, settles, seconds to the answer,
        day, channel, direction and win, and the tally per figure: the follow-ups sent by
        number, those settled by the number of the follow-up settled (the settling touch's
        trailing '0's, less its own '0' if it is a follow-up) and how, the seconds at the
        ranks of a median and a 90th percentile, the touches per day of the 12 weeks, the wins.
        """
        two_way, follow_up = two_way_sql("t"), follow_up_sql("t")
        carried_count = (  # the follow-ups after the last two-way touch before `start`, ten at most
            "SELECT COUNT(*) FROM (SELECT 1 FROM touch f WHERE f.contact_id = c.id AND f.at < :start"
            f" AND {follow_up_sql('f')} AND (a.id IS NULL OR f.at > a.at OR (f.at = a.at AND f.id > a.id))"
            f" LIMIT {TOP_BUCKET}) AS recent"
        )
        last_answer = (
            f"SELECT l.id FROM touch l WHERE l.contact_id = c.id AND l.at < :start AND {two_way_sql('l')}"
            " ORDER BY l.at DESC, l.id DESC LIMIT 1"
        )
        history = (
            "SELECT c.id AS contact_id, NULL AS at, NULL AS id, 1 AS tw,"
            f" CASE WHEN a.id IS NULL THEN '' ELSE '1' END || substr('{'0' * TOP_BUCKET}', 1,"
            f" CAST(({carried_count}) AS INTEGER)) AS flag, NULL AS channel, NULL AS direction, 0 AS won"
            f" FROM contact c LEFT JOIN touch a ON a.id = ({last_answer}) WHERE 1 = 1{self._tagged('c')}"
            " UNION ALL "
            f"SELECT t.contact_id, t.at, t.id, CASE WHEN {two_way} THEN 1 ELSE 0 END,"
            f" CASE WHEN {two_way} THEN '1' ELSE '0' END, t.channel, t.direction,"
            " CASE WHEN t.outcome = 'won' THEN 1 ELSE 0 END"
            f" FROM touch t WHERE t.at >= :start AND ({two_way} OR {follow_up}){self._tagged('t')}"
        )
        walk = (
            f"SELECT at, tw, channel, direction, won, {self.sql['concat'].format('flag')} OVER w AS flags,"
            " LAG(CASE WHEN tw = 1 THEN NULL ELSE at END) OVER w AS prev_followup_at"
            f" FROM ({history}) history"
            " WINDOW w AS (PARTITION BY contact_id ORDER BY at NULLS FIRST, id ROWS UNBOUNDED PRECEDING)"
        )
        sent = "tw = 0 AND at >= :since AND at < :after"
        settles = "prev_followup_at >= :since AND prev_followup_at < :after"
        in_weeks = "at >= :week0 AND at < :week_end"
        won = "won = 1 AND at >= :since AND at < :after"
        trailing_zeros = (  # of a follow-up's flags; of a two-way touch's flags without its own '1'
            "CASE WHEN tw = 0 THEN length(flags) - length(rtrim(flags, '0'))"
            " ELSE length(flags) - 1 - length(rtrim(substr(flags, 1, length(flags) - 1), '0')) END"
        )
        tally = (
            f"SELECT CASE WHEN ({sent}) OR ({settles}) THEN {trailing_zeros} END AS n, tw,"
            f" CASE WHEN {sent} THEN 1 ELSE 0 END AS sent, CASE WHEN {settles} THEN 1 ELSE 0 END AS settles,"
            f" CASE WHEN tw = 1 AND {settles} THEN {self.sql['seconds'].format('prev_followup_at', 'at')} END AS secs,"
            f" CASE WHEN {in_weeks} THEN {self.sql['day'].format('at')} END AS day, channel, direction,"
            f" CASE WHEN {won} THEN 1 ELSE 0 END AS won, COUNT(*) AS touches"
            f" FROM ({walk}) walk WHERE at IS NOT NULL AND (({sent}) OR ({settles}) OR ({in_weeks}) OR ({won}))"
            " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
        )
        top = TOP_BUCKET
        rank = "(upto - touches < {0} AND {0} <= upto)"
        # columns: part, number (or seconds), two-way, touches, rank below, count, day, channel, direction
        sql = (
            f"WITH tally AS ({tally}) "
            f"SELECT 'sent', CASE WHEN n > {top} THEN {top} ELSE n END, 0, SUM(touches), CAST(NULL AS BIGINT),"
            " CAST(NULL AS BIGINT), CAST(NULL AS DATE), NULL, NULL"  # (typed: PostgreSQL types a UNION from its first part)
            " FROM tally WHERE sent = 1 GROUP BY 2 "
            f"UNION ALL SELECT 'settled', CASE WHEN n - 1 + tw > {top} THEN {top} ELSE n - 1 + tw END, tw,"
            " SUM(touches), NULL, NULL, NULL, NULL, NULL FROM tally WHERE settles = 1 GROUP BY 2, 3 "
            "UNION ALL SELECT 'won', NULL, NULL, SUM(touches), NULL, NULL, NULL, NULL, NULL FROM tally WHERE won = 1 "
            "UNION ALL SELECT 'day', NULL, NULL, SUM(touches), NULL, NULL, day, channel, direction FROM tally"
            " WHERE day IS NOT NULL GROUP BY day, channel, direction "
            "UNION ALL SELECT 'days', secs, NULL, upto, upto - touches, total, NULL, NULL, NULL FROM ("
            " SELECT secs, touches, CAST(SUM(touches) OVER (ORDER BY secs ROWS UNBOUNDED PRECEDING) AS BIGINT) AS upto,"
            " CAST(SUM(touches) OVER () AS BIGINT) AS total FROM ("
            "  SELECT secs, CAST(SUM(touches) AS BIGINT) AS touches FROM tally WHERE secs IS NOT NULL GROUP BY secs"
            " ) answered"
            f") ranked WHERE {rank.format('(total + 1) / 2')} OR {rank.format('total / 2 + 1')}"
            f" OR {rank.format('(9 * total + 9) / 10')}"
        )
        greetings = (  # the touches the walk leaves out (neither follow-ups nor two-way), for the activity
            f"SELECT {self.sql['day'].format('t.at')}, t.channel, t.direction, COUNT(*) FROM touch t"
            f" WHERE t.at >= :week0 AND t.at < :week_end AND NOT ({two_way} OR {follow_up}){self._tagged('t')}"
            " GROUP BY 1, 2, 3"
        )
        sent_by, answered, unanswered = [0] * top, [0] * top, [0] * top
        ranked: list[tuple[int, int, int]] = []  # (seconds, ranks below it, ranks up to it)
        per_week: dict[tuple[int, str, str], int] = {}
        count = wins = 0

        def add_day(day: Any, channel: str, direction: str, touches: int) -> None:
            key = ((_as_day(day) - self.weeks[0]).days // 7, channel, direction)
            per_week[key] = per_week.get(key, 0) + touches

        for part, number, tw, touches, below, total, day, channel, direction in self._rows(sql):
            if part == "sent":
                sent_by[int(number) - 1] += int(touches)
            elif part == "settled":
                (answered if int(tw) else unanswered)[int(number) - 1] += int(touches)
            elif part == "won":
                wins = int(touches or 0)
            elif part == "day":
                add_day(day, channel, direction, int(touches))
            else:
                ranked.append((int(number), int(below), int(touches)))
                count = int(total)
        for day, channel, direction, touches in self._rows(greetings):
            add_day(day, channel, direction, int(touches))
        reply_rate = [_bucket(label, sent_by[i], answered[i], unanswered[i], sent_by[i] - answered[i] - unanswered[i])
                      for i, label in enumerate(BUCKETS)]
        days = {"count": 0, "median": None, "p90": None}
        if count:
            def at_rank(rank: int) -> int:
                return next(secs for secs, below, upto in ranked if below < rank <= upto)

            median = (at_rank((count + 1) // 2) + at_rank(count // 2 + 1)) / 2
            days = {"count": count, "median": in_days(median), "p90": in_days(at_rank((9 * count + 9) // 10))}
        return reply_rate, days, _activity(self.weeks, per_week), wins

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
            f"SELECT CASE WHEN t.at >= :since AND t.at < :after AND NOT {two_way_sql('t')} THEN 1 ELSE 0 END"
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
