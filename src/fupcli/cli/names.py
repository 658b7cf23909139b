"""Contact names for shell completion: the database's names starting with what was typed.

Called on every TAB, so it imports nothing of fup's but `paths`, and opens
the file the way `Store.peek` does: read-only, and immutable when there is no
WAL file, so nothing is ever created or changed beside it. A file that is not
fup's has no `contact` table to read: the query fails and nothing is offered.
"""

from __future__ import annotations

import os
import sqlite3

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
    flags = "mode=ro" if os.path.exists(path + "-wal") else "mode=ro&immutable=1"
    uri = "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?" + flags
    key = prefix.casefold()
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=1)
        try:
            rows = conn.execute(
                "SELECT name FROM contact WHERE name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?",
                (key, key + "\U0010ffff", limit),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [row[0] for row in rows]
