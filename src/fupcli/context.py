"""The one context object every command receives: now, settings, the database.

Built once by the root callback from options and the environment (`FUP_HOME`,
`FUP_DB`, `FUP_NOW`); settings and the store open lazily, so `fup --version`
touches neither. The settings are config.toml's with the days off of `fup
away`, which live in the database, among the holidays: reading them opens the
database briefly, if there is one. This is the only place that reads the clock.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from .config import Settings, load_settings
from .dates import parse_now
from .paths import db_location
from .storage.store import Store

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path


def _with_days_off(settings: Settings, days: frozenset[date]) -> Settings:
    """`settings` whose rules take `days` as days off: holidays, and `Rules.away`."""
    if not days:
        return settings
    return settings._replace(rules=settings.rules._replace(holidays=settings.rules.holidays | days, away=days))


def current_time() -> datetime:
    """Now, or FUP_NOW when set (for scripts and tests)."""
    fixed = os.environ.get("FUP_NOW", "").strip()
    return parse_now(fixed) if fixed else datetime.now().replace(microsecond=0)


class AppContext:
    """What every command gets: `now`, where the database is, and (opened on first use) the
    settings and the store."""

    def __init__(self, now: datetime, db_location: str, config_file: Path | None = None, store: Store | None = None):
        self.now = now
        self.db_location = db_location
        self.config_file = config_file
        self._settings: Settings | None = None
        self._store: Store | None = store  # (a caller running many commands in one process may share one)

    def __repr__(self) -> str:
        return f"AppContext(now={self.now!r}, db_location={self.db_location!r}, config_file={self.config_file!r})"

    @classmethod
    def from_environment(cls, db: str | None = None, config_file: Path | None = None) -> "AppContext":
        return cls(now=current_time(), db_location=db_location(db), config_file=config_file)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def settings(self) -> Settings:
        """config.toml's settings, with the days off of `fup away` among the rules' holidays."""
        if self._settings is None:
            self._settings = _with_days_off(load_settings(self.config_file), self._away_days())
        return self._settings

    def _away_days(self) -> frozenset[date]:
        """The days off stored in the database; none when there is no database yet, or when
        its schema predates them (the next write upgrades it, and none are stored then)."""
        from .errors import DatabaseError
        from .storage.queries import away_days, away_periods

        try:
            periods = self.store.read_briefly(away_periods, "away")
        except DatabaseError:  # not a fup database: the command itself says so
            return frozenset()
        return away_days(periods) if periods else frozenset()

    def with_away(self, days: frozenset[date]) -> None:
        """Plan from here on with `days` as the days off instead of those read (`fup away` changing them)."""
        self._settings = _with_days_off(load_settings(self.config_file), days)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.db_location, now=self.now, replan=self._replan)
        return self._store

    def _replan(self, connection: object) -> None:
        """Plan every contact anew inside an upgrade's transaction (rules may have changed with it)."""
        from .core import replan_all

        replan_all(connection, self)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
