"""Mail headers in, touches out: what one message says, and whether it is a touch.

`read_headers(raw)` takes the header block of one message (bytes, as a Maildir
file, an mbox or IMAP's `BODY.PEEK[HEADER]` gives it; a body after it is ignored)
and returns a `Message`: its key (the Message-ID, else a digest of From, Date and
Subject), sender, To and Cc, Date in local time, decoded Subject, and why it is
automatic mail if it is. It raises `Unreadable` for a message it cannot place in
time or at all; nothing else escapes it, whatever the bytes.

`classify(message, me, known, max_recipients)` says what the message is to fup:
an outgoing email to some contacts, an incoming reply from one, or why it is
neither (`Verdict`). Both are pure: no database, no clock; `capture.sync` reads
the sources and writes what they decide.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

from ..records import record

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable, Mapping

MAX_RECIPIENTS = 20  # more than this in To and Cc: a mass mailing, not a conversation
SUBJECT_WIDTH = 120  # a touch's note: the subject, shortened
WANTED = ("from", "to", "cc", "subject", "date", "message-id", "list-id", "list-unsubscribe", "precedence",
          "auto-submitted", "x-autoreply", "x-autorespond")
_FOLD = re.compile(r"\r?\n(?=[ \t])")  # a line break that folds a header onto the next line
_WANTED = re.compile(r"^(" + "|".join(re.escape(name) for name in WANTED) + r")[ \t]*:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)",
                     re.MULTILINE | re.IGNORECASE)  # a wanted field and the lines folded onto it
_SPACE = re.compile(r"\s+")
_RAW_BYTE = re.compile("[\udc80-\udcff]")  # a byte the parser could not decode (surrogateescape)
_BULK = ("bulk", "list", "junk")


class Unreadable(Exception):
    """The message cannot be read (no Date, a Date that is not one, garbage); str() says why."""


@record
class Message:
    key: str
    sender: str | None  # lower-case address
    recipients: tuple[str, ...]  # To and Cc, lower-case, each once
    at: datetime  # the Date header, in local time (naive, as fup keeps times)
    subject: str
    automatic: str | None  # why it is not from a person: 'list', 'bulk', 'auto-reply'; None: a person's


@record
class Verdict:
    """What a message is to fup: `direction` 'out' (mine, to `contacts`) or 'in' (from one
    contact), else None and `skip` says why: automatic, too-many, unknown, not-to-me."""

    direction: str | None
    contacts: tuple[int, ...] = ()
    skip: str | None = None
    unknown: tuple[str, ...] = ()  # addresses I wrote to that no contact has (for --suggest)


def header_block(data: bytes) -> bytes:
    """The headers of a message: everything up to the first empty line."""
    ends = [found + size for found, size in ((data.find(b"\n\n"), 2), (data.find(b"\n\r\n"), 3)) if found >= 0]
    return data[: min(ends)] if ends else data


def _fields(block: bytes) -> dict[str, list[str]]:
    """The header fields fup reads (`WANTED`) of a block, by lower-case name, folded lines
    joined, in order. Bytes that are not ASCII are kept as surrogates (as the standard
    library's parser keeps them), for `_text` to read. Two regular expressions over the whole
    block, no loop over its lines: most of a real header is Received and DKIM lines."""
    fields: dict[str, list[str]] = {}
    for name, value in _WANTED.findall(block.decode("ascii", "surrogateescape")):
        fields.setdefault(name.lower(), []).append(_FOLD.sub(" ", value).strip() if "\n" in value else value.strip())
    return fields


def _text(value: object) -> str:
    """A header value as text: encoded words decoded, stray bytes replaced, folding undone."""
    if value is None:
        return ""
    raw = str(value)
    if _RAW_BYTE.search(raw):  # raw 8-bit bytes, against the RFC: UTF-8, else Windows-1252
        data = raw.encode("utf-8", "surrogateescape")
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            raw = data.decode("cp1252", "replace")
    decoded = raw
    if "=?" in raw:
        try:
            decoded = str(make_header(decode_header(raw)))
        except Exception:  # noqa: BLE001 - a broken encoded word: keep the text as it came
            pass
    decoded = decoded.encode("utf-8", "replace").decode("utf-8")  # surrogates of 8-bit bytes
    return _SPACE.sub(" ", decoded).strip()


def _addresses(*values: object) -> list[str]:
    """The addresses in address headers, lower-case. A plain list (`a@x, Name <b@y>`) is split
    here; one with quotes, comments or groups goes through `email.utils.getaddresses`."""
    found = []
    for value in values:
        if value is None:
            continue
        text = str(value)
        if '"' in text or "(" in text or ";" in text or "\\" in text:
            pairs = getaddresses([text])
            candidates = [address for _, address in pairs]
        else:
            candidates = [part.rsplit("<", 1)[1].split(">", 1)[0] if "<" in part else part
                          for part in text.split(",")]
        for address in candidates:
            address = address.strip().strip("<>").lower()
            if "@" in address and " " not in address and "\t" not in address:
                found.append(address.encode("utf-8", "replace").decode("utf-8"))
    return found


def _moment(value: object) -> datetime:
    if value is None:
        raise Unreadable("no Date header")
    try:
        moment = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        raise Unreadable("a Date header that is not a date") from None
    if moment is None:
        raise Unreadable("a Date header that is not a date")
    if moment.tzinfo is None:  # "-0000": the zone is unknown; RFC 5322 reads it as UTC
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone().replace(tzinfo=None)
    except (OverflowError, ValueError, OSError):
        raise Unreadable("a Date header out of range") from None


def _automatic(get: Callable[[str], str | None]) -> str | None:
    if get("list-id") is not None or get("list-unsubscribe") is not None:
        return "list"
    if (get("precedence") or "").strip().lower() in _BULK:
        return "bulk"
    auto = get("auto-submitted")
    if auto is not None and not auto.strip().lower().startswith("no"):
        return "auto-reply"
    if get("x-autoreply") is not None or get("x-autorespond") is not None:
        return "auto-reply"
    return None


def read_headers(raw: bytes) -> Message:
    """The `Message` in a header block (a whole message will do); `Unreadable` when it has no
    usable Date or cannot be parsed at all."""
    try:
        fields = _fields(header_block(raw))

        def get(name: str) -> str | None:
            values = fields.get(name)
            return values[0] if values else None

        senders = _addresses(get("from"))
        recipients = tuple(dict.fromkeys(_addresses(*fields.get("to", ()), *fields.get("cc", ()))))
        subject = _text(get("subject"))
        date_header = get("date")
        message_id = _SPACE.sub(" ", get("message-id") or "").strip().strip("<> ")
        automatic = _automatic(get)
    except Exception as exc:  # noqa: BLE001 - any byte soup: skipped and counted, never a crash
        raise Unreadable(f"unreadable headers ({type(exc).__name__})") from None
    at = _moment(date_header)
    sender = senders[0] if senders else None
    if message_id and " " not in message_id:
        key = "<" + message_id + ">"
    else:
        digest = hashlib.sha256("\n".join((sender or "", str(date_header), subject)).encode("utf-8", "replace"))
        key = "sha256:" + digest.hexdigest()[:40]
    return Message(key, sender, recipients, at, subject, automatic)


def classify(message: Message, me: frozenset[str], known: Mapping[str, int],
             max_recipients: int = MAX_RECIPIENTS) -> Verdict:
    """Mine to known contacts: out; a known contact's to me: in; anything else: why not."""
    if message.automatic is not None:
        return Verdict(None, skip="automatic")
    if len(message.recipients) > max_recipients:
        return Verdict(None, skip="too-many")
    if message.sender in me:
        others = [a for a in message.recipients if a not in me]
        contacts = tuple(dict.fromkeys(known[a] for a in others if a in known))
        if contacts:
            return Verdict("out", contacts)
        return Verdict(None, skip="unknown", unknown=tuple(others))
    if message.sender is not None and message.sender in known:
        if not any(a in me for a in message.recipients):
            return Verdict(None, skip="not-to-me")
        return Verdict("in", (known[message.sender],))
    return Verdict(None, skip="unknown")


def note(subject: str) -> str | None:
    """A touch's note: the subject on one line, shortened."""
    if not subject:
        return None
    return subject if len(subject) <= SUBJECT_WIDTH else subject[: SUBJECT_WIDTH - 1] + "…"
