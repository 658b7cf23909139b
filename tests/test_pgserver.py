"""The PostgreSQL test server itself: `pg_url` hands each test a fresh, empty database.

Each test connects with psycopg to the URL the fixture yields and checks what the
server reports back (user, database, rows, roles); see tests/pgserver.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

psycopg = pytest.importorskip("psycopg")

_seen_databases: list[str] = []


def user_tables(conn: "psycopg.Connection") -> list[str]:
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    return [row[0] for row in rows]


def test_pg_url_connects_as_superuser_to_its_own_database(pg_url: str) -> None:
    parts = urlsplit(pg_url)
    assert parts.scheme == "postgresql"
    assert parts.hostname == "127.0.0.1"
    with psycopg.connect(pg_url) as conn:
        user, database = conn.execute("SELECT current_user, current_database()").fetchone()
    assert user == "postgres"
    assert database == parts.path.lstrip("/")
    assert database.startswith("fup_t")


def test_non_ascii_text_round_trips(pg_url: str) -> None:
    name = "Zoë Ångström — 東京 ✓"
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO people (name) VALUES (%s)", [name])
        conn.commit()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT name FROM people").fetchall() == [(name,)]
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_a_different_empty_database(pg_url: str, attempt: int) -> None:
    with psycopg.connect(pg_url) as conn:
        database = conn.execute("SELECT current_database()").fetchone()[0]
        assert user_tables(conn) == []
        conn.execute("CREATE TABLE leftover (x int)")  # must not show up in the next test
        conn.commit()
    assert database not in _seen_databases
    _seen_databases.append(database)


def test_database_is_dropped_after_the_test(pg_server, pg_url: str) -> None:
    earlier = [name for name in _seen_databases if name != urlsplit(pg_url).path.lstrip("/")]
    rows = pg_server.execute("SELECT datname FROM pg_database WHERE datname = ANY(%s)", [earlier])
    assert rows == []


def test_create_role_then_connect_as_it(pg_server, pg_url: str) -> None:
    role = "fup_app"
    pg_server.create_role(role)
    pg_server.create_role(role)  # idempotent
    database = urlsplit(pg_url).path.lstrip("/")
    role_url = pg_server.url(database, user=role)
    assert urlsplit(role_url).username == role
    with psycopg.connect(role_url) as conn:
        user, current_db = conn.execute("SELECT current_user, current_database()").fetchone()
    assert (user, current_db) == (role, database)


def test_nologin_role_cannot_connect(pg_server, pg_url: str) -> None:
    pg_server.create_role("fup_nologin", login=False)
    database = urlsplit(pg_url).path.lstrip("/")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(pg_server.url(database, user="fup_nologin")).close()
