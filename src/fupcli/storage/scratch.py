"""The scratch database of `fup import contacts`: what the import knows, kept on disk, not in RAM.

A private temporary SQLite database (`sqlite3.connect("")`: its pages stay in a small
cache and go to a file past it; the file goes when it is closed) holds
- the matcher's indexes (`Matcher`): every email, profile URL, name + company and fup id,
  of the contacts already there (`index_existing`) and of those the file adds, each to a
  key: a contact's id, or minus the line of the file's row that makes a new contact;
- the contacts the import makes or changes (`remember`, `recall`), as they will be written.
So the peak memory of an import does not grow with the file, and a dry run, which writes
nothing to fup's database, plans exactly as the import would.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from typing import Any, Iterable, Iterator

_SCHEMA = """
CREATE TABLE email (address TEXT NOT NULL, key INTEGER NOT NULL);
CREATE INDEX email_address ON email (address);
CREATE TABLE url (norm TEXT NOT NULL, key INTEGER NOT NULL);
CREATE INDEX url_norm ON url (norm);
CREATE TABLE name (name TEXT NOT NULL, company TEXT NOT NULL, key INTEGER NOT NULL,
                   UNIQUE (name, company, key));
CREATE TABLE ident (id INTEGER PRIMARY KEY, name TEXT NOT NULL, key INTEGER NOT NULL);
CREATE TABLE planned (key INTEGER PRIMARY KEY, seq INTEGER NOT NULL, fields BLOB NOT NULL);
CREATE INDEX planned_seq ON planned (seq);
"""

CHUNK = 1000  # rows read, matched and written at a time


def norm_url(url: str | None) -> str | None:
    """A profile URL as matching compares it: no scheme, no `www.`, no trailing slash, lower case."""
    if not url:
        return None
    url = url.strip().lower().rstrip("/")
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix):]
    return url.removeprefix("www.") or None


def emails_of(fields: dict) -> list[str]:
    """A record's or contact's addresses, the main one first."""
    first, others = fields.get("email"), fields.get("other_emails")
    if not others:
        return [first] if first else []
    return [e for e in (first, *others) if e]


class Scratch:
    """The import's scratch database; closed (and gone) with `close`. Writes are buffered and
    go in a chunk at a time (`flush`); what is buffered is read back from the buffer."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect("", isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-1024")
        self.conn.execute("BEGIN")  # (one transaction, never committed: nothing here outlives the import)
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self._planning: dict[int, tuple[int, bytes]] = {}  # key: (place, fields), this chunk's
        self._seq = 0
        self._keys: tuple[str, ...] | None = None  # the fields of a new contact, in order

    def close(self) -> None:
        self.conn.close()

    def _dump(self, fields: dict) -> bytes:
        """A contact's fields, pickled as a tuple of values when it has the keys new contacts have."""
        keys = tuple(fields)
        if self._keys is None:
            self._keys = keys
        return pickle.dumps(tuple(fields.values()) if keys == self._keys else fields, pickle.HIGHEST_PROTOCOL)

    def _load(self, blob: bytes) -> dict:
        value = pickle.loads(blob)
        return dict(zip(self._keys, value)) if isinstance(value, tuple) else value  # type: ignore[arg-type]

    # --- what the import makes or changes --------------------------------------------

    def remember(self, key: int, fields: dict) -> None:
        """Keep the fields of a contact the import makes (key < 0: minus the line of its row) or
        changes (key > 0); the first time a key is kept fixes its place."""
        known = self._planning.get(key)
        if known is not None:
            seq = known[0]
        else:  # (a key kept before keeps its place: `flush` updates only its fields)
            self._seq += 1
            seq = self._seq
        self._planning[key] = (seq, self._dump(fields))

    def flush(self) -> None:
        """Write what `remember` holds to the scratch database (at the end of each chunk)."""
        if self._planning:
            self.conn.executemany(
                "INSERT INTO planned VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET fields = excluded.fields",
                [(key, seq, blob) for key, (seq, blob) in self._planning.items()])
            self._planning.clear()

    def recall(self, key: int) -> dict | None:
        """What `remember` kept for a key (None if nothing)."""
        known = self._planning.get(key)
        if known is not None:
            return self._load(known[1])
        row = self.conn.execute("SELECT fields FROM planned WHERE key = ?", (key,)).fetchone()
        return self._load(row[0]) if row is not None else None

    def planned(self, new: bool) -> Iterator[tuple[int, dict]]:
        """(key, fields) of the contacts to make (`new`) or to change, in the order first kept."""
        self.flush()
        last = 0
        where = "key < 0" if new else "key > 0"
        while True:
            rows = self.conn.execute(f"SELECT seq, key, fields FROM planned WHERE {where} AND seq > ? ORDER BY seq "
                                     "LIMIT ?", (last, CHUNK)).fetchall()
            if not rows:
                return
            for _seq, key, blob in rows:
                yield key, self._load(blob)
            last = rows[-1][0]

    def count_planned(self) -> int:
        self.flush()
        return self.conn.execute("SELECT COUNT(*) FROM planned").fetchone()[0]


class Matcher:
    """Finds the contact a record stands for: by fup id (same name), then any of its emails,
    then its profile URL, then exact name + company, but never two people whose emails or
    profile URLs differ (a namesake at the same company is someone else). Its indexes are
    tables of the scratch database, read for a chunk of rows at once (`begin`: what the
    chunk's ids, emails, URLs and names find there) and written at its end (`end`); within
    the chunk, what it adds is looked up in memory. What a contact has is read through
    `fields(key)` when an id or a shared name has to be checked."""

    def __init__(self, scratch: Scratch, fields: Any) -> None:
        self.scratch = scratch
        self.db = scratch.conn
        self.fields = fields  # key -> the contact's fields (emails, url) as the import sees them now
        self._begin_chunk()

    def _begin_chunk(self) -> None:
        self.first_email: dict[str, int] = {}
        self.last_email: dict[str, int] = {}
        self.email_pairs: set[tuple[str, int]] = set()
        self.first_url: dict[str, int] = {}
        self.names: dict[tuple[str, str], list[int]] = {}
        self.ident: dict[int, tuple[str, int]] = {}
        self.new_rows: dict[str, list[tuple]] = {"ident": [], "email": [], "url": [], "name": []}

    def index_existing(self, conn: Any) -> None:
        """Index the contacts already in fup's database (`conn`), read a chunk at a time."""
        db = self.db
        cursor = conn.execute("SELECT id, name, company, email, url FROM contact ORDER BY id")
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                break
            db.executemany("INSERT OR IGNORE INTO ident VALUES (?, ?, ?)", [(r[0], r[1], r[0]) for r in rows])
            db.executemany("INSERT INTO email VALUES (?, ?)", [(r[3], r[0]) for r in rows if r[3]])
            db.executemany("INSERT INTO url VALUES (?, ?)", [(norm, r[0]) for r in rows if (norm := norm_url(r[4]))])
            db.executemany("INSERT OR IGNORE INTO name VALUES (?, ?, ?)", [(r[1], r[2] or "", r[0]) for r in rows])
        cursor = conn.execute("SELECT contact_id, email FROM contact_email ORDER BY id")
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                break
            db.executemany("INSERT INTO email VALUES (?, ?)", [(r[1], r[0]) for r in rows])

    def begin(self, rows: list[dict]) -> None:
        """Read what the indexes hold for a chunk of rows (their ids, emails, URLs and names)."""
        self._begin_chunk()
        db = self.db
        ids = list({f["id"] for f in rows if f.get("id") is not None})
        emails = list({e for f in rows for e in emails_of(f)})
        urls = list({u for f in rows if (u := norm_url(f.get("url")))})
        names = list({f["name"] or "" for f in rows})
        for found in _in(db, "SELECT id, name, key FROM ident WHERE id IN ({})", ids):
            self.ident[found[0]] = (found[1], found[2])
        for address, key in _in(db, "SELECT address, key FROM email WHERE address IN ({}) ORDER BY rowid", emails):
            self.first_email.setdefault(address, key)
            self.last_email[address] = key
            self.email_pairs.add((address, key))
        for norm, key in _in(db, "SELECT norm, key FROM url WHERE norm IN ({}) ORDER BY rowid", urls):
            self.first_url.setdefault(norm, key)
        for name, company, key in _in(db, "SELECT name, company, key FROM name WHERE name IN ({}) ORDER BY rowid", names):
            self.names.setdefault((name, company), []).append(key)

    def end(self) -> None:
        """Write what the chunk added to the indexes."""
        db, new = self.db, self.new_rows
        db.executemany("INSERT OR IGNORE INTO ident VALUES (?, ?, ?)", new["ident"])
        db.executemany("INSERT INTO email SELECT ?1, ?2 WHERE NOT EXISTS "
                       "(SELECT 1 FROM email WHERE address = ?1 AND key = ?2)", new["email"])
        db.executemany("INSERT INTO url VALUES (?, ?)", new["url"])
        db.executemany("INSERT OR IGNORE INTO name VALUES (?, ?, ?)", new["name"])
        self._begin_chunk()

    def add(self, key: int, emails: Iterable[str], url: str | None, name: str, company: str | None,
            contact_id: int | None = None, loose: bool = True, named: bool = True) -> None:
        """Index a contact; `loose=False` indexes only its id and emails (rows of one fup export are distinct)."""
        new = self.new_rows
        if contact_id is not None and contact_id not in self.ident:
            self.ident[contact_id] = (name, key)
            new["ident"].append((contact_id, name, key))
        for email in emails:
            if (email, key) not in self.email_pairs:
                self.email_pairs.add((email, key))
                self.first_email.setdefault(email, key)
                new["email"].append((email, key))
            self.last_email[email] = key
        if not loose:
            return
        if url and (norm := norm_url(url)):
            self.first_url.setdefault(norm, key)
            new["url"].append((norm, key))
        if named:  # (a stand-in name: matched by its email or URL only)
            keys = self.names.setdefault((name or "", company or ""), [])
            if key not in keys:
                keys.append(key)
                new["name"].append((name or "", company or "", key))

    def id_taken(self, contact_id: int) -> bool:
        """Whether a contact has this id (in the database, or given by an earlier row); for the ids of the chunk."""
        return contact_id in self.ident

    def highest_id(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(id), 0) FROM ident").fetchone()[0]

    def owner(self, email: str) -> int | None:
        """The contact an address was last given to (by the database or the file); for the chunk's addresses."""
        return self.last_email.get(email)

    def find(self, fields: dict, emails: list[str]) -> int | None:
        """The key of the contact `fields` (with its addresses `emails`) stands for, or None."""
        url = norm_url(fields.get("url"))
        if fields.get("id") is not None:
            same = self.ident.get(fields["id"])
            if same is not None and same[0] == fields["name"] and not self._differ(same[1], emails, url):
                return same[1]
        for email in emails:
            if email in self.first_email:
                return self.first_email[email]
        if url and url in self.first_url:
            return self.first_url[url]
        if fields.get("stand_in"):
            return None  # (a name made up from a company is no person's name)
        found = self.names.get((fields["name"] or "", fields.get("company") or ""), ())
        alike = [key for key in found if not self._differ(key, emails, url)]
        return alike[0] if len(alike) == 1 else None  # (two namesakes it could be: neither)

    def _differ(self, key: int, emails: list[str], url: str | None) -> bool:
        """True when the contact `key` and a record both have an email (or a profile URL) and
        none is the same: two people, whatever their names."""
        known = self.fields(key)
        theirs = emails_of(known)
        if emails and theirs and not set(emails) & set(theirs):
            return True
        other = norm_url(known.get("url"))
        return bool(url and other and url != other)


def _in(db: sqlite3.Connection, sql: str, values: list) -> Iterator[tuple]:
    """The rows of `sql` (whose `IN ({})` is given `values`): the values go as one JSON array,
    so that the statement is the same for every chunk (sqlite3 keeps it prepared, once)."""
    if values:
        yield from db.execute(sql.format("SELECT value FROM json_each(?)"), (json.dumps(values),))
