"""A throwaway Dovecot IMAP server for tests of fup's IMAP mail sync.

`start()` returns an `ImapServer`. It makes a fresh temp directory, writes a
self-signed certificate into it with the `openssl` CLI (subjectAltName
IP:127.0.0.1 and DNS:localhost, so `ca_file` verifies it as its own CA) and a
dovecot.conf that keeps everything under that directory (base_dir, state_dir,
log, one maildir home per user), then runs `dovecot -F -c CONF` in the
foreground as an unprivileged user: when the tests run as root, the system user
`fupimap` (created with `useradd --system` if missing; set FUP_TEST_IMAP_USER to
use another existing user instead), otherwise the current user. Dovecot's master
process then runs every service (auth, imap-login, imap) as that same user, so
no chroot and no setuid are involved.

Every user name logs in with the password `secret` (passdb static) and gets an
empty maildir on first login; `new_user()` hands out unused names, so tests
sharing the session's server do not see each other's mail. The hierarchy
separator is "/", and a folder named `Sent` carries the \\Sent special-use flag.
Two listeners on free 127.0.0.1 ports: `port` for plain IMAP (LOGIN without TLS
is allowed; STARTTLS is offered too) and `tls_port` for IMAPS (implicit TLS).
`start()` waits (bounded) until both ports accept connections and the plain one
greets; otherwise it raises `ImapUnavailable` with the log's last lines. Failed
logins cost no extra time (no auth_failure_delay, no per-IP auth penalty), so a
wrong-password test does not slow the later logins of other tests.

Tests fill mailboxes through IMAP itself (`append`, stdlib imaplib), so the
server assigns UIDs and UIDVALIDITY as it would for a real mailbox;
`folder_uidvalidity` reads it back, `recreate_folder` (DELETE + CREATE, new
UIDVALIDITY, empty) and `set_uidvalidity` (doveadm, keeps the messages; works
for INBOX too) change it. Folder names are ASCII (no modified UTF-7 here).

`stop()` (also registered with atexit) terminates only the dovecot master this
module started, by its pid (SIGTERM, bounded wait, then SIGKILL of its process
group, which it leads), and deletes the temp directory.
"""

from __future__ import annotations

import atexit
import grp
import imaplib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Optional, Union

ENV_USER = "FUP_TEST_IMAP_USER"
SERVER_USER = "fupimap"  # created when running as root and missing
HOST = "127.0.0.1"
PASSWORD = "secret"
START_TIMEOUT = 20.0  # seconds until both ports answer
STOP_TIMEOUT = 10.0
TOOL_TIMEOUT = 30  # openssl, useradd, doveadm

_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


class ImapUnavailable(Exception):
    """No IMAP server can be had; str() is the reason."""


def find_dovecot() -> Optional[str]:
    """Path of the dovecot binary, or None."""
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None


def find_doveadm() -> Optional[str]:
    found = shutil.which("doveadm")
    if found:
        return found
    return "/usr/bin/doveadm" if os.access("/usr/bin/doveadm", os.X_OK) else None


def _server_user_name() -> str:
    return os.environ.get(ENV_USER) or SERVER_USER


def unavailable_reason() -> Optional[str]:
    """Why `start()` cannot even try (no dovecot, no openssl, no user to run as), or None.

    A server that fails to start is only known by trying: `start()` raises
    `ImapUnavailable` with the log's last lines then.
    """
    if find_dovecot() is None:
        return "no dovecot binary (apt-get install dovecot-imapd); run `bash tests/ensure-servers.sh`"
    if shutil.which("openssl") is None:
        return "no openssl command to make the server's certificate"
    if os.geteuid() == 0:
        name = _server_user_name()
        try:
            pwd.getpwnam(name)
        except KeyError:
            if name != SERVER_USER:
                return f"{ENV_USER}={name} names no existing user"
            if shutil.which("useradd") is None:
                return f"running as root, no '{SERVER_USER}' user and no `useradd` to create it (or set {ENV_USER})"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _ensure_server_user() -> pwd.struct_passwd:
    """The user dovecot runs as: the current one, or (as root) an unprivileged system user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    name = _server_user_name()
    try:
        return pwd.getpwnam(name)
    except KeyError:
        if name != SERVER_USER:
            raise ImapUnavailable(f"{ENV_USER}={name} names no existing user") from None
    command = [
        "useradd", "--system", "--user-group", "--no-create-home",
        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
        "--comment", "fup test IMAP server", SERVER_USER,
    ]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ImapUnavailable(f"cannot create the '{SERVER_USER}' user: {exc}") from exc
    try:
        return pwd.getpwnam(SERVER_USER)  # also when a parallel session created it first (exit 9)
    except KeyError:
        raise ImapUnavailable(
            f"cannot create the '{SERVER_USER}' user (useradd exited {done.returncode}): "
            f"{done.stderr.strip()}; set {ENV_USER} to an existing unprivileged user"
        ) from None


def _quote(name: str) -> str:
    """An IMAP quoted string (ASCII folder names only)."""
    name.encode("ascii")  # UnicodeEncodeError for names that would need modified UTF-7
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


_OPENSSL_CONF = """\
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no

[dn]
CN = localhost

[ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


def _dovecot_conf(root: Path, user: pwd.struct_passwd, port: int, tls_port: int) -> str:
    uid, gid = user.pw_uid, user.pw_gid
    return f"""\
# Written by tests/imapserver.py; everything lives under {root}.
protocols = imap
listen = {HOST}
base_dir = {root}/run
state_dir = {root}/state
instance_name = fup-test-imap
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
debug_log_path = {root}/dovecot.log

default_internal_user = {user.pw_name}
default_internal_group = {_group_name(gid)}
default_login_user = {user.pw_name}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}

ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0

passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}

mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
}}

protocol imap {{
  mail_max_userip_connections = 100
}}

service imap-login {{
  chroot =
  inet_listener imap {{
    address = {HOST}
    port = {port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {tls_port}
    ssl = yes
  }}
}}
# No anvil-auth-penalty socket: auth then skips its per-IP penalty, which would
# otherwise delay every login from 127.0.0.1 by 2-15 s after one wrong password.
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


class ImapServer:
    """A running Dovecot on 127.0.0.1; see the module docstring."""

    host = HOST
    password = PASSWORD

    def __init__(self, instance: "_Instance"):
        self._instance = instance
        self.port: int = instance.port
        self.tls_port: int = instance.tls_port
        self.ca_file: str = str(instance.cert)
        self._users = itertools.count(1)

    @property
    def log_path(self) -> str:
        return str(self._instance.log)

    def log_tail(self, lines: int = 20) -> str:
        return self._instance.log_tail(lines)

    def new_user(self, prefix: str = "user") -> str:
        """A user name no one has used on this server yet (an empty mailbox on first login)."""
        return f"{prefix}{next(self._users)}@example.test"

    def connect(self, user: str) -> imaplib.IMAP4:
        """A plain-IMAP imaplib connection, logged in as `user` (caller logs out)."""
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            conn.login(user, self.password)
        except BaseException:
            conn.shutdown()
            raise
        return conn

    def _ensure_folder(self, conn: imaplib.IMAP4, folder: str) -> None:
        if folder.upper() == "INBOX":
            return
        typ, data = conn.list('""', _quote(folder))
        if typ == "OK" and data and data[0] is not None:
            return
        typ, data = conn.create(_quote(folder))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"CREATE {folder} failed: {data!r}")

    def append(
        self,
        user: str,
        folder: str,
        raw: bytes,
        flags: str = "\\Seen",
        date: Union[datetime, float, str, None] = None,
    ) -> int:
        """APPEND `raw` (an RFC 5322 message) to `folder` of `user`, creating the folder if missing.

        `flags` is a space-separated flag list ("" for none); `date` the INTERNALDATE
        (an aware datetime, a POSIX time, or an IMAP date string; None: now). Returns
        the UID the server assigned (from APPENDUID).
        """
        conn = self.connect(user)
        try:
            self._ensure_folder(conn, folder)
            date_time = imaplib.Time2Internaldate(date) if date is not None else None
            typ, data = conn.append(_quote(folder), flags or None, date_time, raw)
            if typ != "OK":
                raise imaplib.IMAP4.error(f"APPEND to {folder} failed: {data!r}")
            match = _APPENDUID.search(data[0] or b"")
            if match is None:
                raise imaplib.IMAP4.error(f"APPEND to {folder}: no APPENDUID in {data!r}")
            return int(match.group(2))
        finally:
            conn.logout()

    def create_folder(self, user: str, folder: str) -> None:
        """CREATE `folder` for `user` unless it exists."""
        conn = self.connect(user)
        try:
            self._ensure_folder(conn, folder)
        finally:
            conn.logout()

    def folder_uidvalidity(self, user: str, folder: str) -> int:
        """UIDVALIDITY of `folder` (STATUS); the folder must exist (INBOX always does)."""
        conn = self.connect(user)
        try:
            typ, data = conn.status(_quote(folder), "(UIDVALIDITY)")
            if typ != "OK":
                raise imaplib.IMAP4.error(f"STATUS {folder} failed: {data!r}")
            match = _UIDVALIDITY.search(data[0] or b"")
            if match is None:
                raise imaplib.IMAP4.error(f"STATUS {folder}: no UIDVALIDITY in {data!r}")
            return int(match.group(1))
        finally:
            conn.logout()

    def recreate_folder(self, user: str, folder: str) -> int:
        """DELETE and CREATE `folder` (not INBOX): empty, with a new UIDVALIDITY, which it returns."""
        if folder.upper() == "INBOX":
            raise ValueError("INBOX cannot be deleted; use set_uidvalidity() for it")
        conn = self.connect(user)
        try:
            typ, data = conn.list('""', _quote(folder))
            if typ == "OK" and data and data[0] is not None:
                typ, data = conn.delete(_quote(folder))
                if typ != "OK":
                    raise imaplib.IMAP4.error(f"DELETE {folder} failed: {data!r}")
            typ, data = conn.create(_quote(folder))
            if typ != "OK":
                raise imaplib.IMAP4.error(f"CREATE {folder} failed: {data!r}")
        finally:
            conn.logout()
        return self.folder_uidvalidity(user, folder)

    def set_uidvalidity(self, user: str, folder: str, value: int) -> None:
        """Give existing `folder` (INBOX too) UIDVALIDITY `value`, keeping its messages (doveadm)."""
        self._instance.doveadm("mailbox", "update", "--uid-validity", str(value), "-u", user, folder)

    def stop(self) -> None:
        """Stop dovecot and delete its temp directory; idempotent."""
        self._instance.stop()


class _Instance:
    """One temp directory with its dovecot.conf and certificate, and the dovecot running on it."""

    def __init__(self, dovecot: str):
        self.dovecot = dovecot
        self.user = _ensure_server_user()
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="fup-imap-"))
        self.process: Optional[subprocess.Popen] = None
        atexit.register(self.stop)
        self.conf = self.root / "dovecot.conf"
        self.cert = self.root / "cert.pem"
        self.key = self.root / "key.pem"
        self.log = self.root / "dovecot.log"
        self.stderr_log = self.root / "dovecot.stderr"
        self.port = 0
        self.tls_port = 0
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir()

    def _owned_by_server_user(self) -> None:
        if not self.as_root:
            return
        for path in [self.root, *self.root.rglob("*")]:
            os.chown(path, self.user.pw_uid, self.user.pw_gid, follow_symlinks=False)

    def _user_kwargs(self) -> dict:
        if not self.as_root:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def make_certificate(self) -> None:
        openssl_conf = self.root / "openssl.cnf"
        openssl_conf.write_text(_OPENSSL_CONF)
        command = [
            "openssl", "req", "-x509", "-config", str(openssl_conf),
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(self.key), "-out", str(self.cert), "-days", "7",
        ]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=TOOL_TIMEOUT, env={**os.environ, "OPENSSL_CONF": str(openssl_conf)})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ImapUnavailable(f"openssl could not make a certificate: {exc}") from exc
        if done.returncode != 0:
            raise ImapUnavailable(f"openssl req failed ({done.returncode}):\n{done.stderr.strip()}")

    def log_tail(self, lines: int = 20) -> str:
        parts = []
        for path in (self.stderr_log, self.log):
            try:
                text = path.read_text(errors="replace").strip()
            except OSError:
                continue
            if text:
                parts.append("\n".join(text.splitlines()[-lines:]))
        return "\n".join(parts) or "(no server log)"

    def start(self) -> None:
        """Run dovecot on two free ports; one retry on other ports if one got taken meanwhile."""
        for attempt in range(2):
            self.port = free_port()
            self.tls_port = free_port()
            while self.tls_port == self.port:
                self.tls_port = free_port()
            self.conf.write_text(_dovecot_conf(self.root, self.user, self.port, self.tls_port))
            self._owned_by_server_user()
            with open(self.stderr_log, "ab") as stderr:
                try:
                    self.process = subprocess.Popen(
                        [self.dovecot, "-F", "-c", str(self.conf)],
                        cwd=self.root,
                        stdin=subprocess.DEVNULL,
                        stdout=stderr,
                        stderr=stderr,
                        start_new_session=True,  # its own process group, led by this pid
                        env={"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG": "C"},
                        **self._user_kwargs(),
                    )
                except OSError as exc:
                    raise ImapUnavailable(f"cannot run {self.dovecot}: {exc}") from exc
            problem = self._wait_ready()
            if problem is None:
                return
            self._stop_server()
            tail = self.log_tail()
            if attempt == 0 and "in use" in tail:
                continue
            raise ImapUnavailable(
                f"Dovecot did not come up on {HOST}:{self.port}/{self.tls_port}: {problem}\n{tail}"
            )

    def _wait_ready(self) -> Optional[str]:
        """None once the plain port greets and the TLS port accepts; else what went wrong."""
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"dovecot exited with status {self.process.returncode}"
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as sock:
                    sock.settimeout(2)
                    greeting = sock.recv(512)
                if not greeting.startswith(b"* OK"):
                    last = f"unexpected greeting {greeting[:80]!r}"
                else:
                    with socket.create_connection((HOST, self.tls_port), timeout=1):
                        return None
            except OSError as exc:
                last = str(exc)
            time.sleep(0.05)
        return f"not ready after {START_TIMEOUT:.0f}s ({last})"

    def doveadm(self, *args: str) -> str:
        """Run `doveadm -c CONF ARGS` as the server user; its stdout. Raises RuntimeError on failure."""
        doveadm = find_doveadm()
        if doveadm is None:
            raise RuntimeError("no doveadm binary")
        done = subprocess.run(
            [doveadm, "-c", str(self.conf), *args],
            cwd=self.root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=TOOL_TIMEOUT, env={"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin"), "LANG": "C"},
            **self._user_kwargs(),
        )
        if done.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    def _stop_server(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            process.send_signal(signal.SIGTERM)  # the master stops its own children
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the group this pid leads (start_new_session)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass

    def stop(self) -> None:
        self._stop_server()
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> ImapServer:
    """A fresh Dovecot on 127.0.0.1 (see the module docstring). Raises ImapUnavailable."""
    reason = unavailable_reason()
    if reason is not None:
        raise ImapUnavailable(reason)
    dovecot = find_dovecot()
    assert dovecot is not None
    instance = _Instance(dovecot)
    try:
        instance.make_certificate()
        instance.start()
    except BaseException:
        instance.stop()
        raise
    return ImapServer(instance)
