"""Where mail comes from: Maildir folders, mbox files and IMAP folders, headers only.

Each source yields the header block of every message it holds that an earlier
sync has not read (`messages()`), then says where it got to (`seen_rows()`), as
rows of the `mail_seen` table: a Maildir folder keeps the unique name of each file
read, an IMAP folder its UIDVALIDITY and last UID, an mbox file its size, the
offset read to and a fingerprint of the bytes before it (a file rewritten rather
than appended to is read again from the start). `capture.sync` loads the old rows
with `load_seen`, reads, and stores the new rows in the same transaction as the
touches, so an undone sync reads its messages again.

Bodies are never read: a Maildir or mbox message is read up to its first empty
line, an IMAP message is fetched as `BODY.PEEK[HEADER]` (which leaves it unread).
IMAP passwords come from FUP_IMAP_PASSWORD, the `password_command` of config.toml,
or ~/.netrc, never from the command line; TLS unless the URL says `imap://` and
the caller allows it.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import BadInput, FupError

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Iterator

HEADER_LIMIT = 256 * 1024  # a header block longer than this is cut (and will not parse as mail)
_CHUNK = 16 * 1024
_FINGERPRINT = 512  # bytes before an mbox offset that must be unchanged to resume there
IMAP_BATCH = 500  # UIDs fetched per request
IMAP_TIMEOUT = 60.0  # seconds a silent server is waited for


class Source:
    """One place messages are read from; see the module docstring."""

    kind = ""
    label = ""  # shown to the user: a path, or the IMAP URL (never a password)
    key = ""  # the `mail_seen.source` of its rows

    def load_seen(self, rows: dict[str, str | None]) -> None:
        """Where the last sync left off: its `mail_seen` rows as {key: state}."""

    def messages(self) -> Iterator[bytes]:  # pragma: no cover - subclasses
        raise NotImplementedError

    def seen_rows(self) -> list[tuple[str, str | None]]:
        """The (key, state) rows to add or replace after `messages()` was read to the end."""
        return []


def read_header_file(path: str) -> bytes:
    """The header block of a message file: read until the first empty line, no further."""
    with open(path, "rb") as handle:
        data = handle.read(_CHUNK)
        while len(data) < HEADER_LIMIT:
            if b"\n\n" in data or b"\r\n\r\n" in data:
                break
            more = handle.read(_CHUNK)
            if not more:
                break
            data += more
    return data


class MaildirFolder(Source):
    kind = "maildir"

    def __init__(self, path: Path):
        self.path = path
        self.label = str(path)
        self.key = "maildir:" + str(path)
        self._seen: set[str] = set()
        self._new: list[str] = []

    def load_seen(self, rows: dict[str, str | None]) -> None:
        self._seen = set(rows)

    def messages(self) -> Iterator[bytes]:
        for sub in ("cur", "new"):
            directory = self.path / sub
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except FileNotFoundError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                unique = entry.name.split(":", 1)[0]  # the flags after ':2,' change as mail is read
                if unique in self._seen:
                    continue
                try:
                    data = read_header_file(entry.path)
                except OSError:
                    continue  # moved (read, deleted) while we listed: the next sync sees where it went
                self._seen.add(unique)
                self._new.append(unique)
                yield data

    def seen_rows(self) -> list[tuple[str, str | None]]:
        return [(name, None) for name in self._new]


def maildir_folders(root: str) -> list[MaildirFolder]:
    """A Maildir and, if it is a Maildir++ tree, its folders (`.Sent`, `.Archive.2026`, ...)."""
    path = Path(root).expanduser()
    if not path.is_dir():
        raise BadInput(f"--maildir {root}: no such directory")
    path = path.resolve()
    folders = []
    if (path / "cur").is_dir() or (path / "new").is_dir():
        folders.append(MaildirFolder(path))
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") and child.name not in (".", "..") and (child / "cur").is_dir():
            folders.append(MaildirFolder(child))
    if not folders:
        raise BadInput(f"--maildir {root}: not a Maildir (no cur/ or new/ directory in it or its folders)")
    return folders


class MboxFile(Source):
    kind = "mbox"

    def __init__(self, root: str):
        path = Path(root).expanduser()
        if not path.is_file():
            raise BadInput(f"--mbox {root}: no such file")
        self.path = path.resolve()
        self.label = str(self.path)
        self.key = "mbox:" + str(self.path)
        self._start = 0
        self._end = 0
        self._fingerprint = ""

    def load_seen(self, rows: dict[str, str | None]) -> None:
        state = rows.get("")
        if not state:
            return
        try:
            offset_text, fingerprint = state.split(" ", 1)
            offset = int(offset_text)
        except ValueError:
            return
        if offset <= os.path.getsize(self.path) and _fingerprint(self.path, offset) == fingerprint:
            self._start = offset  # appended to since: read on from where we were

    def messages(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            handle.seek(self._start)
            position = self._start
            headers: list[bytes] | None = None
            in_headers = False
            blank_before = True
            for line in handle:
                position += len(line)
                if line.startswith(b"From ") and blank_before:
                    if headers is not None:
                        yield b"".join(headers)
                    headers, in_headers = [], True
                    self._end = position - len(line)
                    blank_before = False
                    continue
                blank_before = line in (b"\n", b"\r\n")
                if in_headers and headers is not None:
                    if blank_before:
                        in_headers = False
                    elif sum(map(len, headers)) < HEADER_LIMIT:
                        headers.append(line)
            if headers is not None:
                yield b"".join(headers)
            self._end = position

    def seen_rows(self) -> list[tuple[str, str | None]]:
        return [("", f"{self._end} {_fingerprint(self.path, self._end)}")]


def _fingerprint(path: Path, offset: int) -> str:
    with open(path, "rb") as handle:
        start = max(0, offset - _FINGERPRINT)
        handle.seek(start)
        return hashlib.sha256(handle.read(offset - start)).hexdigest()[:32]


# --- IMAP ---------------------------------------------------------------------

_UID = re.compile(rb"UID (\d+)")


def _utf7(folder: str) -> str:
    """IMAP's modified UTF-7 (RFC 3501 5.1.3) for a folder name with non-ASCII letters."""
    import base64

    out, pending = [], []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii").rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending.clear()

    for char in folder:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _quoted(folder: str) -> str:
    name = _utf7(folder)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapFolder(Source):
    kind = "imap"

    def __init__(self, url: str, insecure: bool, password_for: "object"):
        parts = urlsplit(url)
        if parts.scheme not in ("imaps", "imap"):
            raise BadInput(f"--imap {url!r}: give imaps://USER@HOST[:PORT]/FOLDER")
        if parts.password is not None:
            raise BadInput("--imap: a password does not belong in the URL (it would be in your shell history); "
                           "set FUP_IMAP_PASSWORD, a password_command in config.toml, or ~/.netrc")
        if not parts.hostname or not parts.username:
            raise BadInput(f"--imap {url!r}: give imaps://USER@HOST[:PORT]/FOLDER (user and host are needed)")
        if parts.scheme == "imap" and not insecure:
            raise BadInput(f"--imap {url}: imap:// sends the password in clear text; use imaps://, "
                           "or add --insecure if you mean it (a server on this machine)")
        try:
            port = parts.port or (993 if parts.scheme == "imaps" else 143)
        except ValueError:
            raise BadInput(f"--imap {url!r}: the port is not a number") from None
        self.tls = parts.scheme == "imaps"
        self.host, self.port = parts.hostname, port
        self.user = unquote(parts.username)
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        self.label = f"{parts.scheme}://{parts.username}@{self.host}:{port}/{self.folder}"
        self.key = "imap:" + self.label.split("://", 1)[1]
        self._password_for = password_for
        self._validity: str | None = None
        self._last = 0
        self._new_last = 0
        self._new_validity: str | None = None

    def load_seen(self, rows: dict[str, str | None]) -> None:
        state = rows.get("")
        if state:
            validity, _, last = state.partition(" ")
            self._validity, self._last = validity, int(last or 0)

    def _connect(self) -> "object":
        import imaplib
        import socket
        import ssl

        try:
            if self.tls:
                client = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=ssl.create_default_context(),
                                           timeout=IMAP_TIMEOUT)
            else:
                client = imaplib.IMAP4(self.host, self.port, timeout=IMAP_TIMEOUT)
        except ssl.SSLCertVerificationError as exc:
            raise FupError(f"{self.label}: the server's TLS certificate is not trusted ({exc.verify_message})") from None
        except ssl.SSLError as exc:
            raise FupError(f"{self.label}: TLS failed ({exc.reason or exc}); is the port an imaps:// one?") from None
        except (OSError, socket.timeout, imaplib.IMAP4.error) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise FupError(f"{self.label}: cannot reach the server ({reason})") from None
        password = self._password_for(self.host, self.user)  # type: ignore[operator]
        try:
            client.login(self.user, password)
        except imaplib.IMAP4.error:
            _close(client)
            raise FupError(f"{self.label}: the server refused the login for {self.user}") from None
        except OSError as exc:
            _close(client)
            raise FupError(f"{self.label}: the connection failed during login ({exc.strerror or exc})") from None
        return client

    def messages(self) -> Iterator[bytes]:
        import imaplib

        client = self._connect()
        try:
            status, _ = client.select(_quoted(self.folder), readonly=True)  # type: ignore[attr-defined]
            if status != "OK":
                raise FupError(f"{self.label}: no folder {self.folder!r} on the server")
            validity = (client.response("UIDVALIDITY")[1] or [b""])[0]  # type: ignore[attr-defined]
            validity = validity.decode("ascii", "replace") if isinstance(validity, bytes) else str(validity or "")
            last = self._last if validity == self._validity else 0  # a new UIDVALIDITY: every UID is new
            self._new_validity, self._new_last = validity, last
            status, data = client.uid("SEARCH", None, f"UID {last + 1}:*")  # type: ignore[attr-defined]
            if status != "OK":
                raise FupError(f"{self.label}: the server refused to list the folder")
            uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last)
            for start in range(0, len(uids), IMAP_BATCH):
                batch = uids[start:start + IMAP_BATCH]
                status, data = client.uid("FETCH", ",".join(map(str, batch)),  # type: ignore[attr-defined]
                                          "(UID BODY.PEEK[HEADER])")
                if status != "OK":
                    raise FupError(f"{self.label}: the server refused to send headers")
                got = []
                for part in data:
                    if isinstance(part, tuple) and len(part) == 2:
                        found = _UID.search(part[0])
                        if found:
                            got.append((int(found.group(1)), part[1]))
                for uid, header in sorted(got):
                    yield header
                    self._new_last = max(self._new_last, uid)
                self._new_last = max(self._new_last, batch[-1])
        except (OSError, imaplib.IMAP4.abort) as exc:
            raise FupError(f"{self.label}: the connection was lost ({getattr(exc, 'strerror', None) or exc})") from None
        finally:
            _close(client)

    def seen_rows(self) -> list[tuple[str, str | None]]:
        if self._new_validity is None:
            return []
        return [("", f"{self._new_validity} {self._new_last}")]


def _close(client: "object") -> None:
    try:
        client.logout()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - already gone
        pass


def imap_password(host: str, user: str, command: str | None = None, env: str = "FUP_IMAP_PASSWORD") -> str:
    """The password of USER at HOST: the environment variable `env`, else the output of
    `password_command`, else ~/.netrc's entry for HOST."""
    secret = os.environ.get(env)
    if secret:
        return secret
    if command:
        import subprocess

        try:
            done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            raise BadInput("password_command could not be run (or took over a minute)") from None
        if done.returncode != 0 or not done.stdout.strip():
            raise BadInput(f"password_command exited {done.returncode} without printing a password")
        return done.stdout.splitlines()[0]
    import netrc

    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        entry = None
    if entry is not None and entry[2] and entry[0] in (None, "", user):
        return entry[2]
    raise BadInput(f"no password for {user} at {host}: set {env}, a password_command in config.toml, "
                   "or a ~/.netrc line `machine HOST login USER password ...`")
