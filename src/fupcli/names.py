"""Contact names for shell completion: the database's names starting with what was typed.

Called on every TAB, so it opens the database read-only through `Store` and
imports nothing else of fup's (no settings, no scheduler).
"""

from __future__ import annotations

from .paths import db_location
from .store import Store

MAX_NAMES = 50


def complete_names(prefix: str, db: str | None = None, limit: int = MAX_NAMES) -> list[str]:
    """Names whose case-insensitive start is `prefix`; [] on any problem (completion never fails)."""
    store = Store(db_location(db))
    try:
        conn = store.reader()
        if conn is None:
            return []
        key = prefix.casefold()
        rows = conn.execute(
            "SELECT name FROM contact WHERE name_key >= :lo AND name_key < :hi ORDER BY name_key LIMIT :n",
            {"lo": key, "hi": key + "\U0010ffff", "n": limit},
        )
        return [row[0] for row in rows]
    except Exception:  # noqa: BLE001 - a broken database must not break the shell
        return []
    finally:
        store.close()
