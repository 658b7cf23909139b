"""Schema migrations: Alembic, run in-process against fup's own connection.

`upgrade(connection)` brings a database to the head revision inside the
caller's transaction (so a failed step leaves the old schema). The migration
scripts live in `fupcli/migrations/versions`, shipped inside the package; they
use batch mode so SQLite tables can be altered safely. Imported only when a
database actually needs creating or upgrading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Any = None):  # noqa: ANN201 - alembic.config.Config
    from alembic.config import Config

    import sys

    config = Config(stdout=sys.stdout)  # today's stdout, not the one of the first import
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Any, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
