"""A throwaway CalDAV server (Radicale) for tests that read calendars over CalDAV.

`start()` runs Radicale in a thread of the test process, as python-caldav's own tests
do (`radicale.server.serve(configuration, shutdown_socket)`): storage in a fresh temp
directory, plain HTTP on 127.0.0.1 and a free port, and htpasswd authentication
(plain-text file) that accepts one user, `ana` with password `secret`, so tests can
try a right and a wrong password. Radicale's own rule `owner_only` gives that user
the collections under `/ana/`.

The returned `CaldavServer` has `.url` (the base, `http://127.0.0.1:PORT`), `.user`
and `.password`; `calendar_url(name)` creates the calendar collection (MKCALENDAR)
when missing and returns its URL; `put(calendar, uid, ics)` stores one calendar
object, `delete(calendar, uid)` removes it; `split_by_uid(ics)` cuts an exported file
into the one-UID objects CalDAV stores. `stop()` (also registered with atexit) closes
the shutdown socket, waits a bounded time for the thread and deletes the temp dir.
When Radicale is missing or does not start, `start()` raises `CaldavUnavailable`.

Radicale is GPL-3: it is a test-only dependency, never imported by fup itself.
"""

from __future__ import annotations

import atexit
import base64
import http.client
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional
from urllib.parse import quote

USER = "ana"
PASSWORD = "secret"
START_TIMEOUT = 15  # seconds for the server to accept connections
STOP_TIMEOUT = 10  # seconds for the thread to end after the shutdown socket closes
REQUEST_TIMEOUT = 10


class CaldavUnavailable(Exception):
    """No CalDAV server can be had; str() is the reason."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def split_by_uid(data: bytes) -> dict[str, bytes]:
    """One VCALENDAR per UID (its master and overrides, with the calendar's VTIMEZONEs
    and properties), as a CalDAV server stores them; `data` may hold several VCALENDARs."""
    import icalendar

    found: dict[str, icalendar.Calendar] = {}
    for calendar in icalendar.Calendar.from_ical(data, multiple=True):
        zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        for event in calendar.subcomponents:
            if event.name != "VEVENT":
                continue
            uid = str(event["UID"])
            if uid not in found:
                single = icalendar.Calendar()
                for name, value in calendar.property_items(recursive=False)[1:-1]:
                    if name != "METHOD":  # CalDAV objects carry no iTIP method
                        single.add(name, value, encode=False)
                for zone in zones:
                    single.add_component(zone)
                found[uid] = single
            found[uid].add_component(event)
    return {uid: calendar.to_ical() for uid, calendar in found.items()}


class CaldavServer:
    """A running Radicale; see the module docstring."""

    def __init__(self, port: int, root: Path, thread: threading.Thread, shutdown: socket.socket):
        self.url = f"http://127.0.0.1:{port}"
        self.user = USER
        self.password = PASSWORD
        self.port = port
        self._root = root
        self._thread = thread
        self._shutdown: Optional[socket.socket] = shutdown

    def request(self, method: str, path: str, body: bytes = b"", headers: Optional[dict] = None,
                password: Optional[str] = None) -> tuple[int, bytes]:
        """One HTTP request as the user (with `password`, default the right one): (status, body)."""
        token = base64.b64encode(f"{self.user}:{password or self.password}".encode()).decode()
        sent = {"Authorization": f"Basic {token}", **(headers or {})}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def calendar_path(self, name: str) -> str:
        return f"/{quote(self.user, safe='')}/{quote(name, safe='')}/"

    def calendar_url(self, name: str) -> str:
        """The URL of calendar `name` of the user, created (MKCALENDAR) if missing."""
        path = self.calendar_path(name)
        status, _ = self.request("PROPFIND", path, headers={"Depth": "0"})
        if status == 404:
            status, body = self.request("MKCALENDAR", path)
            if status != 201:
                raise RuntimeError(f"MKCALENDAR {path}: HTTP {status} {body[:200]!r}")
        elif status != 207:
            raise RuntimeError(f"PROPFIND {path}: HTTP {status}")
        return self.url + path

    def _item_path(self, calendar: str, uid: str) -> str:
        self.calendar_url(calendar)
        return self.calendar_path(calendar) + quote(f"{uid}.ics", safe="")

    def put(self, calendar: str, uid: str, ics: bytes) -> None:
        """Store (create or replace) the calendar object for `uid`: one VCALENDAR of that UID."""
        path = self._item_path(calendar, uid)
        status, body = self.request("PUT", path, ics, {"Content-Type": "text/calendar; charset=utf-8"})
        if status not in (201, 204):
            raise RuntimeError(f"PUT {path}: HTTP {status} {body[:300]!r}")

    def delete(self, calendar: str, uid: str) -> None:
        """Remove the calendar object for `uid`; nothing if it is not there."""
        path = self._item_path(calendar, uid)
        status, _ = self.request("DELETE", path)
        if status not in (200, 204, 404):
            raise RuntimeError(f"DELETE {path}: HTTP {status}")

    def stop(self) -> None:
        """Stop the server and delete its storage; idempotent."""
        if self._shutdown is not None:
            self._shutdown.close()  # the server's end of the pair sees EOF and leaves its loop
            self._shutdown = None
            self._thread.join(STOP_TIMEOUT)
        shutil.rmtree(self._root, ignore_errors=True)


def _configuration(root: Path, port: int):
    import radicale.config

    users = root / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")
    configuration = radicale.config.load()
    configuration.update({
        "server": {"hosts": f"127.0.0.1:{port}", "timeout": str(REQUEST_TIMEOUT)},
        "auth": {"type": "htpasswd", "htpasswd_filename": str(users), "htpasswd_encryption": "plain",
                 "delay": "0"},
        "rights": {"type": "owner_only"},
        "storage": {"filesystem_folder": str(root / "collections")},
        "web": {"type": "none"},
        "logging": {"mask_passwords": "True"},
    }, "caldavserver", privileged=True)
    return configuration


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def start() -> CaldavServer:
    """A running Radicale on a free loopback port; raises CaldavUnavailable."""
    try:
        import radicale.server
    except ImportError as exc:
        raise CaldavUnavailable(f"Radicale is not installed (pip install radicale): {exc}") from exc
    failure = "no attempt"
    for _attempt in range(2):  # a second port if the first was taken between choosing and binding
        root = Path(tempfile.mkdtemp(prefix="fup-caldav-"))
        port = free_port()
        try:
            configuration = _configuration(root, port)
        except Exception as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise CaldavUnavailable(f"Radicale rejected the test configuration: {exc}") from exc
        errors: list[BaseException] = []
        ours, theirs = socket.socketpair()

        def run(configuration=configuration, theirs=theirs, errors=errors) -> None:
            try:
                radicale.server.serve(configuration, theirs)
            except BaseException as exc:  # reported by start(), not lost in the thread
                errors.append(exc)

        thread = threading.Thread(target=run, name=f"radicale-{port}", daemon=True)
        thread.start()
        server = CaldavServer(port, root, thread, ours)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and thread.is_alive() and not _accepts(port):
            time.sleep(0.05)
        if thread.is_alive() and _accepts(port):
            atexit.register(server.stop)
            return server
        server.stop()
        failure = f"{errors[0]!r}" if errors else f"no connection within {START_TIMEOUT}s"
    raise CaldavUnavailable(f"Radicale did not start on 127.0.0.1: {failure}")
