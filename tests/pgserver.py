"""A throwaway PostgreSQL server for tests that run fup against postgresql:// URLs.

`start()` returns a `PgServer`. With FUP_TEST_PG set (a URL to an existing server
whose user may CREATE DATABASE and CREATE ROLE) it only checks that URL. Otherwise
it runs `initdb` and `pg_ctl start` from /usr/lib/postgresql/<highest>/bin into a
fresh temp directory (data dir, socket dir, log), as the `postgres` system user when
running as root, on a free 127.0.0.1 port with trust auth and fsync off.

Tests then ask the server for databases and roles (`create_database`, `create_role`)
and get back `postgresql://USER@127.0.0.1:PORT/NAME` URLs; all DDL goes through
psycopg 3 on an autocommit admin connection. `stop()` (also registered with atexit)
stops only a cluster this module started (`pg_ctl -m immediate stop`) and deletes its
temp directory. When no server can be had, `start()` raises `PgUnavailable` with the
reason (missing binaries, no postgres user, or the server log's last lines).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import quote, urlsplit, urlunsplit

ENV_URL = "FUP_TEST_PG"
SERVER_USER = "postgres"
PG_ROOT = "/usr/lib/postgresql"
INITDB_TIMEOUT = 120  # seconds
START_TIMEOUT = 60  # pg_ctl -w -t
STOP_TIMEOUT = 30


class PgUnavailable(Exception):
    """No PostgreSQL server can be had; str() is the reason."""


def find_bindir() -> Optional[Path]:
    """The bin directory of the highest installed PostgreSQL version, or None."""
    found = []
    for initdb in glob.glob(f"{PG_ROOT}/*/bin/initdb"):
        version = Path(initdb).parent.parent.name
        key = tuple(int(part) for part in re.findall(r"\d+", version))
        found.append((key, Path(initdb).parent))
    return max(found)[1] if found else None


def unavailable_reason() -> Optional[str]:
    """Why `start()` cannot even try (no psycopg, no binaries, no postgres user), or None.

    A server that fails to start is only known by trying: `start()` raises
    `PgUnavailable` with the log's last lines then.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]>=3.1', or `pip install -e '.[test]'`)"
    if os.environ.get(ENV_URL):
        return None
    if find_bindir() is None:
        return (
            f"no PostgreSQL server binaries ({PG_ROOT}/*/bin/initdb); run `bash tests/ensure-servers.sh` "
            f"or set {ENV_URL} to a server URL"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no '{SERVER_USER}' system user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and there is no `runuser` to run the server as 'postgres'"
    return None


def with_db(url: str, dbname: str, user: Optional[str] = None) -> str:
    """`url` pointing at database `dbname`, and at role `user` (no password) if given."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        host = netloc.rpartition("@")[2]
        netloc = f"{quote(user, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, "/" + quote(dbname, safe=""), parts.query, ""))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    """A server to create test databases and roles on; see the module docstring."""

    def __init__(self, admin_url: str, cluster: Optional["_Cluster"] = None):
        self.admin_url = admin_url
        self._cluster = cluster

    @property
    def owned(self) -> bool:
        """True when this session started the server (and will stop it)."""
        return self._cluster is not None

    def url(self, dbname: str, user: Optional[str] = None) -> str:
        """URL of database `dbname` on this server, as the admin or as role `user`."""
        return with_db(self.admin_url, dbname, user)

    def execute(self, statement: object, params: Optional[Sequence[object]] = None) -> list[tuple]:
        """Run one statement on the admin database in autocommit; its rows (if any)."""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(statement, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description is not None else []

    def create_database(self, name: str, owner: Optional[str] = None) -> str:
        """CREATE DATABASE `name` (owned by role `owner` if given); its admin URL."""
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner is not None:
            statement = sql.SQL("{} OWNER {}").format(statement, sql.Identifier(owner))
        self.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE IF EXISTS `name`, disconnecting its sessions (PostgreSQL 13+)."""
        from psycopg import sql

        self.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def create_role(self, name: str, login: bool = True) -> None:
        """CREATE ROLE `name` [LOGIN]; nothing if it already exists."""
        from psycopg import sql

        if self.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]):
            return
        option = sql.SQL("LOGIN" if login else "NOLOGIN")
        self.execute(sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(name), option))

    def stop(self) -> None:
        """Stop and delete the cluster if this session started it; idempotent."""
        if self._cluster is not None:
            self._cluster.stop()


class _Cluster:
    """One initdb'd data directory under a private temp dir, and the server on it."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="fup-pg-"))
        self.running = False
        atexit.register(self.stop)
        # Readable by the postgres user (mkdtemp dirs are 0700); its own dirs inside.
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.sockdir = self.root / "sock"
        self.log = self.sockdir / "server.log"
        for path in (self.data, self.sockdir):
            path.mkdir(mode=0o700)
            if self.as_root:
                shutil.chown(path, SERVER_USER, SERVER_USER)
        self.port = 0

    def _run(self, tool: str, *args: str, timeout: float) -> subprocess.CompletedProcess:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(
            command,
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def init(self) -> None:
        try:
            done = self._run(
                "initdb", "-D", str(self.data), "-U", SERVER_USER, "-A", "trust",
                "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
                timeout=INITDB_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise PgUnavailable(f"initdb took more than {INITDB_TIMEOUT}s")
        if done.returncode != 0:
            raise PgUnavailable(f"initdb failed ({done.returncode}):\n{done.stdout}{done.stderr}".rstrip())

    def start(self) -> None:
        """pg_ctl start on a free port; one retry on another port if that one got taken."""
        for attempt in range(2):
            self.port = free_port()
            options = (
                f"-k {self.sockdir} -p {self.port} -c listen_addresses=127.0.0.1"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                done = self._run(
                    "pg_ctl", "-D", str(self.data), "-w", "-t", str(START_TIMEOUT),
                    "-l", str(self.log), "-o", options, "start",
                    timeout=START_TIMEOUT + 30,
                )
                failed = done.returncode != 0
                output = f"{done.stdout}{done.stderr}"
            except subprocess.TimeoutExpired:
                failed, output = True, f"pg_ctl start took more than {START_TIMEOUT + 30}s"
            if not failed:
                self.running = True
                return
            self._stop_server()  # a server that timed out may still be coming up
            tail = self.log_tail()
            if attempt == 0 and "already in use" in tail:
                continue
            raise PgUnavailable(f"PostgreSQL did not start on port {self.port}:\n{output.strip()}\n{tail}")

    def _stop_server(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", str(STOP_TIMEOUT), "stop",
                      timeout=STOP_TIMEOUT + 10)
        except subprocess.TimeoutExpired:
            pass

    def stop(self) -> None:
        if self.running:
            self._stop_server()
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer:
    """The server to test against: FUP_TEST_PG's, or a fresh cluster. Raises PgUnavailable."""
    reason = unavailable_reason()
    if reason is not None:
        raise PgUnavailable(reason)
    import psycopg

    env_url = os.environ.get(ENV_URL)
    if env_url:
        server = PgServer(env_url)
        try:
            server.execute("SELECT 1")
        except psycopg.Error as exc:
            raise PgUnavailable(f"cannot connect to {ENV_URL}: {exc}") from exc
        return server

    bindir = find_bindir()
    assert bindir is not None
    cluster = _Cluster(bindir)
    try:
        cluster.init()
        cluster.start()
        server = PgServer(f"postgresql://{SERVER_USER}@127.0.0.1:{cluster.port}/postgres", cluster)
        server.execute("SELECT 1")
    except psycopg.Error as exc:
        tail = cluster.log_tail()
        cluster.stop()
        raise PgUnavailable(f"PostgreSQL started but refuses connections: {exc}\n{tail}") from exc
    except BaseException:
        cluster.stop()
        raise
    return server
