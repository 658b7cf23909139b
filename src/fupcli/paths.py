"""Where fup keeps its files: FUP_HOME when set, else the platform's user directories.

Kept apart, light and in plain strings (no pathlib) so that shell completion
can find the database without loading settings, the scheduler or pathlib.
"""

from __future__ import annotations

import os

APP_NAME = "fup"
DB_FILENAME = "fup.db"
CONFIG_FILENAME = "config.toml"


def fup_home() -> str | None:
    home = os.environ.get("FUP_HOME")
    return os.path.expanduser(home) if home else None


def config_path() -> str:
    home = fup_home()
    if home is not None:
        return os.path.join(home, CONFIG_FILENAME)
    from platformdirs import user_config_dir

    return os.path.join(user_config_dir(APP_NAME), CONFIG_FILENAME)


def default_db_path() -> str:
    home = fup_home()
    if home is not None:
        return os.path.join(home, DB_FILENAME)
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir(APP_NAME), DB_FILENAME)


def db_location(db: str | None = None) -> str:
    """The database to use: --db, else FUP_DB, else the default path."""
    return db or os.environ.get("FUP_DB") or default_db_path()
