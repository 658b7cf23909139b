"""Where fup keeps its files: FUP_HOME when set, else the platform's user directories.

Kept apart (and light) so that shell completion can find the database
without loading settings or the scheduler.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "fup"
DB_FILENAME = "fup.db"
CONFIG_FILENAME = "config.toml"


def fup_home() -> Path | None:
    home = os.environ.get("FUP_HOME")
    return Path(home).expanduser() if home else None


def config_path() -> Path:
    home = fup_home()
    if home is not None:
        return home / CONFIG_FILENAME
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / CONFIG_FILENAME


def default_db_path() -> Path:
    home = fup_home()
    if home is not None:
        return home / DB_FILENAME
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / DB_FILENAME


def db_location(db: str | None = None) -> str:
    """The database to use: --db, else FUP_DB, else the default path."""
    return db or os.environ.get("FUP_DB") or str(default_db_path())
