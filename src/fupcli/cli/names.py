"""Contact names for shell completion: the database's names starting with what was typed.

Called on every TAB, so it imports nothing of fup's but `paths` and the SQLite
seam, which opens the file the way `Store.peek` does: read-only, and immutable
when there is no WAL file, so nothing is ever created or changed beside it. A file that is not
fup's has no `contact` table to read: the query fails and nothing is offered.
"""

from __future__ import annotations

import os

from ..paths import db_location

MAX_NAMES = 50


def complete_names(prefix: str, db: str | None = None, limit: int = MAX_NAMES) -> list[str]:
    """Names whose case-insensitive start is `prefix`; [] on any problem (completion never fails)."""
    location = db_location(db)
    if "://" in location:
        if not location.startswith("sqlite:///"):
            return []  # a server database: not completed
        location = location[len("sqlite:///"):]
    path = os.path.abspath(os.path.expanduser(location))
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        return []
    from ..lookup import fold
    from ..storage.sqlite import names_from

    key = fold(prefix)
    return names_from(path, key + " " if prefix[-1:].isspace() and key else key, limit)
