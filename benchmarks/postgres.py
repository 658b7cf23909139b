"""PostgreSQL for the pairs that compare fup on PostgreSQL with fup on SQLite.

The server comes from tests/pgserver.py (loaded by path): FUP_TEST_PG's server when
that is set, else a throwaway cluster (initdb into a temp directory, fsync off) that
`close()` stops and deletes. Nothing starts until a pair asks for a database
(`lacking`), so a run whose pairs need no PostgreSQL never starts one.

A size's database is loaded once per bench run, never cached across runs (the cluster
is throwaway): from the same generated CSV files as the SQLite database, with the same
`fup import contacts`, `touches`, `commitments` and FUP_DB set to its URL, then
`VACUUM ANALYZE`d, the steady state of a database used every day (autovacuum would get
there on its own, perhaps in the middle of the timed runs). A pair that writes runs on
a clone (`CREATE DATABASE ... TEMPLATE`), as the SQLite side runs on a copy of the file.
On FUP_TEST_PG's server the databases made here are dropped again by `close()`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from timing import CommandFailed

if TYPE_CHECKING:
    from pairs import Bench

PGSERVER = Path(__file__).resolve().parent.parent / "tests" / "pgserver.py"

Loader = Callable[[Path, dict[str, str]], dict]  # (dataset directory, fup's env) -> the load's times (run.import_dataset)
Phase = Callable[[str], AbstractContextManager[None]]


class Unavailable(Exception):
    """A PostgreSQL database the pairs need cannot be had; str() is the reason."""


TEAMMATE = "fup_bench_teammate"  # the role the timed commands log in as


def _pgserver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fup_bench_pgserver", PGSERVER)
    if spec is None or spec.loader is None:
        raise Unavailable(f"cannot load {PGSERVER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _label(size: int) -> str:
    return f"{size / 1000:g}k" if size >= 1000 else str(size)


class Postgres:
    """The server and the loaded databases of one bench run; see the module docstring."""

    def __init__(self, bench: Bench, load: Loader, phase: Phase):
        self.bench = bench
        self._load = load
        self._phase = phase
        self._server = None  # pgserver.PgServer, once started
        self._start_failed: str | None = None
        self._prefix = f"fup_bench_{os.getpid()}"
        self.urls: dict[int, str] = {}  # size -> URL of its loaded database
        self.failed: dict[int, str] = {}  # size -> why it has no database
        self.loads: dict[int, dict] = {}  # size -> the load's times, as run.import_dataset gives them
        self.created: list[str] = []  # databases made on the server, dropped by close() on a server not ours
        self.version: str | None = None  # the server's, once started
        self.owned = False  # a cluster started here (else FUP_TEST_PG's server)
        self._compared: dict[int, str | None] = {}

    def env(self, url: str) -> dict[str, str]:
        """fup's environment for database `url`: FUP_DB, and an empty FUP_HOME (no config.toml)."""
        env = self.bench.fup_env(self.bench.scratch / "postgres-home")
        env["FUP_DB"] = url
        return env

    # --- the server ---------------------------------------------------------------

    def _start(self) -> str | None:
        """Start the server once; why it cannot be had, or None."""
        if self._server is not None or self._start_failed is not None:
            return self._start_failed
        try:
            pgserver = _pgserver()
            try:
                self._server = pgserver.start()
            except pgserver.PgUnavailable as exc:
                raise Unavailable(f"no PostgreSQL server: {exc}") from exc
            self.owned = self._server.owned
            self.version = self._server.execute("SHOW server_version")[0][0]
            where = "a throwaway cluster" if self.owned else "FUP_TEST_PG's server"
            print(f"  PostgreSQL {self.version}, {where}", flush=True)
        except Unavailable as exc:
            self._start_failed = str(exc)
        except Exception as exc:  # noqa: BLE001 - psycopg's errors and the like: the pairs are not run, the bench goes on
            self._start_failed = f"PostgreSQL could not be used: {type(exc).__name__}: {exc}"
        return self._start_failed

    def _create(self, name: str, template: str | None = None) -> str:
        from psycopg import sql

        assert self._server is not None
        self._server.drop_database(name)
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        self._server.execute(statement)
        self.created.append(name)
        return self._server.url(name)

    def _name(self, size: int, purpose: str = "") -> str:
        return f"{self._prefix}_{size}" + (f"_{purpose}" if purpose else "")

    # --- the databases ------------------------------------------------------------

    def lacking(self, size: int) -> str | None:
        """Why there is no PostgreSQL database of `size`, or None; starts the server and loads it the first time."""
        if size in self.urls:
            return None
        if size not in self.failed:
            with self._phase(f"PostgreSQL: load {_label(size)}"):
                reason = self._start() or self._load_size(size)
                if reason is not None:
                    self.failed[size] = reason
                    print(f"  {reason.splitlines()[0]}", flush=True)
        return self.failed.get(size)

    def _load_size(self, size: int) -> str | None:
        dataset = self.bench.datasets.get(size)
        if dataset is None:
            return f"no {_label(size)} dataset"
        import psycopg

        try:
            url = self._create(self._name(size))
            self.loads[size] = self._load(dataset, self.env(url))
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                # Timed as a teammate would run it: a role that is no superuser (row-level
                # security applies) and owns every contact (its own list is all of them).
                conn.execute(f"DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{TEAMMATE}') "
                             f"THEN CREATE ROLE {TEAMMATE} LOGIN; END IF; END$$")
                conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {TEAMMATE}")
                conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {TEAMMATE}")
                conn.execute(f"UPDATE contact SET owner = '{TEAMMATE}'")
                conn.execute("VACUUM ANALYZE")
        except CommandFailed as exc:
            return f"loading the {_label(size)} dataset into PostgreSQL failed: {exc}"
        except psycopg.Error as exc:
            return f"PostgreSQL failed while loading the {_label(size)} dataset: {exc}"
        self.urls[size] = self._server.url(self._name(size), user=TEAMMATE)
        return None

    def differs(self, size: int, sqlite_env: dict[str, str]) -> str | None:
        """How the loaded database of `size` and the SQLite one of `sqlite_env` differ in what is
        due (`fup export due` on each), or None when they list the same; compared once per size.

        They can differ when the cached SQLite database was loaded by an earlier fup (its cache
        key is fup's version and schema, not every change to the import)."""
        if size not in self._compared:
            def due(env: dict[str, str]) -> str:
                done = subprocess.run([self.bench.fup, "export", "due"], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, check=False)
                if done.returncode != 0:
                    last = (done.stderr.strip().splitlines() or [""])[-1]
                    return f"`fup export due` exited with {done.returncode}: {last}"
                return f"{len(done.stdout.splitlines()) - 1:,} rows from `fup export due`\n" + done.stdout

            # (the last column, the owner, is the teammate's role on PostgreSQL and empty on SQLite)
            on_postgres, on_sqlite = (re.sub(r",[^,\n]*$", ",", due(env), flags=re.M)
                                      for env in (self.env(self.url(size)), sqlite_env))
            self._compared[size] = None if on_postgres == on_sqlite else (
                f"the databases differ: {on_postgres.splitlines()[0]} on PostgreSQL, {on_sqlite.splitlines()[0]} "
                "on SQLite (a cached SQLite database loaded by an earlier fup? --reload rebuilds it)")
        return self._compared[size]

    def url(self, size: int) -> str:
        """The loaded database of `size` (after `lacking(size)` said there is one)."""
        return self.urls[size]

    def clone(self, size: int, purpose: str) -> str:
        """A new database copied from the loaded one of `size`, for a pair that writes; its URL."""
        import psycopg

        try:
            self._create(self._name(size, purpose), template=self._name(size))
            return self._server.url(self._name(size, purpose), user=TEAMMATE)
        except psycopg.Error as exc:
            raise Unavailable(f"cannot clone the {_label(size)} PostgreSQL database: {exc}") from exc

    def close(self) -> None:
        """Drop what was made on a server not ours, stop a cluster of ours (and delete it). Idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        if not server.owned:
            for name in reversed(self.created):
                try:
                    server.drop_database(name)
                except Exception as exc:  # noqa: BLE001 - leave it, and say so
                    print(f"  could not drop PostgreSQL database {name}: {exc}", flush=True)
        self.created.clear()
        server.stop()

