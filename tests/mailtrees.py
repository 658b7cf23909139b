"""Mail fixtures for `fup sync mail`: real-shaped header blocks, mail trees and a generator.

`fup sync mail` reads HEADERS ONLY from Maildir, mbox and IMAP and logs touches.
This module gives tests the raw messages it has to cope with and the answers:

- `tests/fixtures/mail/*.eml`: 25 fictional messages (2026-11-02 .. 2026-11-27),
  each an exact header block in the shape the named program writes (Received
  chains with Google/Exchange ids, DKIM-Signature, ARC sets, X-Mailer or
  User-Agent, Thread-Index, MIME boundaries), followed by a short body that the
  reader must never need. Outlook-written files (02, 06, 18, 22, 23) use CRLF
  line endings, the others LF; both occur in real Maildirs.
- `tests/fixtures/mail/expected.json` (`manifest()`): one entry per file,
  `{"file", "program", "message_id" (or null), "from" (lower-case address),
  "to_cc" (lower-case addresses, To then Cc, in header order), "date_utc"
  (ISO 8601 in UTC, or null), "subject" (decoded), "expect", "contacts",
  "folder"}`.

The account (`ME`) is Ana Ruiz, ana@acme.example and ana.ruiz@acme.example.
Known contacts (`CONTACTS`): Chloe Martin <chloe.martin@globex.example>, Ben
Okafor <ben@initech.example> (also writes from ben.okafor@gmail.example) and
Dana Lee <dana.lee@umbrella.example>. Unknown people Ana writes to
(`UNKNOWN_SENT`): sam@hooli.example 3 times (19, 20, 21), kim@initrode.example
twice (19, 20), lee@vandelay.example once (19). The 24 other recipients of the
25-recipient message 12 are each at their own *.example company; nothing else
in the fixtures is addressed to a stranger, except someone-else@globex.example
in 22 (a message Ana did not send).

`expect` is one of:

- "out": from one of ME with known contacts in To/Cc: one outgoing email touch
  for each contact in `contacts`;
- "in": from a known contact (any of their addresses) with one of ME in To or
  Cc: one incoming reply; `contacts` is that one contact;
- "bulk": List-Id, List-Unsubscribe, Precedence bulk|list|junk, or
  Auto-Submitted other than "no" (08 out-of-office, 09 Mailman list post from
  Chloe, 10 newsletter sent from Dana's own address). All three are from
  contacts, so a reader that skips the bulk test logs wrong touches;
- "too_many": more than 20 recipients in To+Cc (12: 25, Chloe among them);
- "unknown": no known contact involved (19, 20, 21);
- "no_date": Date header missing (14) or unparseable, `Date: yesterday` (15):
  skipped and counted;
- "from_contact_not_to_me": from a contact, but none of ME in To/Cc (22: Ana
  was Bcc'd, and Bcc is absent from delivered copies). No rule is decided for
  this case yet; the fixture only documents it.

`contacts` always holds a contact's PRIMARY address (17 comes from
ben.okafor@gmail.example and names ben@initech.example), lower-case, in order
of first appearance in To then Cc; it is empty for every expect other than
"out" and "in". No fixture meets two of the skip rules at once, so the order in
which a reader applies them does not change the expected result.

Files and what each exercises:

    01-gmail-web-sent-chloe           Sent    out   Gmail web Sent copy, "with HTTP" Received (PST)
    02-outlook-desktop-reply-chloe    INBOX   in    Outlook/M365, CRLF, `"Martin, Chloe" <...>`,
                                                    `Date: Tue, 24 Nov 2026 14:05:11 +0000`, Thread-Index,
                                                    X-MS-Exchange-*, Message-ID folded onto its own line
    03-apple-mail-sent-ben            Sent    out   Apple Mail 2.3774, `Message-Id` spelling, folded
                                                    us-ascii Content-Type; body lines start with "From "
    04-thunderbird-q-subject-dana     INBOX   in    =?UTF-8?Q?Re:_R=C3=BCckruf_morgen?=, +0530
    05-gmail-web-b-emoji-ben          Archive in    UTF-8 B subject with an emoji, -0800 (UTC date is
                                                    the next day)
    06-outlook2016-latin1-sent-dana   Sent    out   =?iso-8859-1?Q?...?=, CRLF, Outlook's `"'Dana Lee'"`,
                                                    sent from the second own address
    07-thunderbird-folded-sent        Sent    out   To over three lines, folded Subject,
                                                    `CHLOE.MARTIN@Globex.Example`; three touches
    08-autoreply-ooo-dana             INBOX   bulk  Auto-Submitted: auto-replied, X-Autoreply: yes
    09-mailman-list-chloe             INBOX   bulk  List-Id (and Precedence: list) from Chloe
    10-newsletter-sendy-dana          INBOX   bulk  List-Unsubscribe + Precedence: bulk, no List-Id
    11-google-calendar-invite-ben     INBOX   in    multipart/mixed > alternative with text/calendar
                                                    METHOD:REQUEST; Sender: Google Calendar;
                                                    `Auto-Submitted: no` (must NOT count as bulk)
    12-gmail-too-many-recipients      Sent    too_many  20 To + 5 Cc, encoded display names
    13-script-no-message-id-dana      Sent    out   no Message-ID: key is a digest of From, Date, Subject
    14-no-date-ben                    INBOX   no_date   no Date (Received lines still carry dates)
    15-bad-date-chloe                 INBOX   no_date   `Date: yesterday`
    16-eudora-raw-8bit-subject-chloe  INBOX   in    raw ISO-8859-1 bytes in Subject; the expected subject
                                                    is the Latin-1 decoding "Re: Café demain à 9h ?"
    17-alpine-ben-extra-address       INBOX   in    from ben.okafor@gmail.example, `-0800 (PST)` in Date
    18-outlook-mac-sent-chloe-cc-ben  Sent    out   To Chloe, `CC:` Ben: two touches; CRLF
    19-gmail-web-sent-unknowns        Sent    unknown   to sam, kim, lee
    20-k9-sent-sam-kim                Sent    unknown   to sam, cc kim
    21-neomutt-sent-sam               Sent    unknown   to sam
    22-outlook-chloe-bcc-not-to-me    INBOX   from_contact_not_to_me
    23-owa-chloe-to-ben-cc-me         INBOX   in    Ana only in Cc (second address); Ben in To is no touch
    dup-a / dup-b                     INBOX / Archive   in   byte-identical, same Message-ID: one touch

Helpers:

- `load(name)` -> the bytes of one fixture; `manifest()` -> a fresh copy of
  expected.json.
- `make_maildir(root, plusplus=True)`: the fixtures as a Maildir, every file in
  `cur/` with a Dovecot-style unique name ending in `:2,S`. Maildir++ (the
  default): INBOX is `root` itself, `.Sent/` and `.Archive/` are sub-folders
  with cur/new/tmp and a `maildirfolder` file, plus a `subscriptions` file at
  the root. With plusplus=False, one plain Maildir per folder:
  `root/INBOX`, `root/Sent`, `root/Archive` (mbsync's verbatim layout).
- `make_mbox(path, folder=None, takeout=True)`: the fixtures of one folder (all
  of them with folder=None, dup-a and dup-b both included) as one mbox written
  with `mailbox.mbox`, so body lines starting with "From " (03) come out as
  ">From ". CRLF files are normalised to LF. takeout=True writes Google
  Takeout's shape: `From <id>@xxx <date> +0000 <year>` separators and
  `X-GM-THRID` / `X-Gmail-Labels` as the first headers; takeout=False writes
  Thunderbird's: `From - <asctime>` and X-Mozilla-Status headers.
- `generate(count, seed, me, contacts)`: `count` random messages as bytes, fast
  enough for a 50k-message benchmark; `generate_labeled` yields the expected
  label with each (see `generate`).
"""

from __future__ import annotations

import base64
import functools
import json
import mailbox
import random
import re
import time
from datetime import datetime
from email.header import Header
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence, Union

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mail"

ME = ["ana@acme.example", "ana.ruiz@acme.example"]
ME_NAME = "Ana Ruiz"
CONTACTS = [
    {"name": "Chloe Martin", "email": "chloe.martin@globex.example", "also": []},
    {"name": "Ben Okafor", "email": "ben@initech.example", "also": ["ben.okafor@gmail.example"]},
    {"name": "Dana Lee", "email": "dana.lee@umbrella.example", "also": []},
]
# every address a known contact writes from -> that contact's primary address
CONTACT_ADDRESSES = {a: c["email"] for c in CONTACTS for a in [c["email"], *c["also"]]}
UNKNOWN_SENT = {"sam@hooli.example": 3, "kim@initrode.example": 2, "lee@vandelay.example": 1}
FOLDERS = ("INBOX", "Sent", "Archive")
EXPECTS = ("out", "in", "bulk", "too_many", "unknown", "no_date", "from_contact_not_to_me")


def load(name: str) -> bytes:
    """The raw bytes of one fixture, e.g. load("02-outlook-desktop-reply-chloe.eml")."""
    return (FIXTURES / name).read_bytes()


def manifest() -> list[dict]:
    """expected.json, freshly parsed (callers may mutate it)."""
    return json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def _entries(folder: Optional[str] = None) -> list[dict]:
    if folder is not None and folder not in FOLDERS:
        raise ValueError(f"unknown folder {folder!r}; one of {FOLDERS}")
    return [e for e in manifest() if folder is None or e["folder"] == folder]


def _delivery_time(entry: dict, data: bytes) -> int:
    """When the message arrived: its Date, else the date of its top Received line, else a fixed time."""
    if entry["date_utc"]:
        return int(datetime.fromisoformat(entry["date_utc"]).timestamp())
    head = data.split(b"\n\n", 1)[0].replace(b"\r\n", b"\n").decode("ascii", "replace")
    for block in head.replace("\n ", " ").replace("\n\t", " ").split("\n"):
        if block.lower().startswith("received:") and ";" in block:
            try:
                return int(parsedate_to_datetime(block.rsplit(";", 1)[1].strip()).timestamp())
            except (TypeError, ValueError):
                pass
    return 1794700800  # 2026-11-16T00:00:00Z


# ------------------------------------------------------------------ Maildir

def _maildir_name(ts: int, n: int, data: bytes) -> str:
    """Dovecot's unique name: <time>.M<usec>P<pid>.<host>,S=<size>,W=<size with CRLF>:2,S"""
    size = len(data)
    vsize = size + data.count(b"\n") - data.count(b"\r\n")
    usec = (n * 104729 + 52361) % 1_000_000
    return f"{ts}.M{usec}P{2100 + n}.mail.acme.example,S={size},W={vsize}:2,S"


def _make_one_maildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def make_maildir(root: Path, plusplus: bool = True) -> Path:
    """Write every fixture into a Maildir tree under `root` (see the module docstring); returns root."""
    root = Path(root)
    dirs: dict[str, Path] = {}
    if plusplus:
        dirs["INBOX"] = _make_one_maildir(root)
        for folder in FOLDERS[1:]:
            dirs[folder] = _make_one_maildir(root / f".{folder}")
            (dirs[folder] / "maildirfolder").write_bytes(b"")
        (root / "subscriptions").write_text("".join(f"{f}\n" for f in FOLDERS[1:]))
    else:
        for folder in FOLDERS:
            dirs[folder] = _make_one_maildir(root / folder)
    for n, entry in enumerate(manifest()):
        data = load(entry["file"])
        name = _maildir_name(_delivery_time(entry, data), n, data)
        (dirs[entry["folder"]] / "cur" / name).write_bytes(data)
    return root


# ------------------------------------------------------------------ mbox

def _takeout_labels(entry: dict) -> str:
    if entry["folder"] == "Sent":
        return "Sent"
    labels = ["Inbox"] if entry["folder"] == "INBOX" else ["Archived"]
    labels.append("Opened")
    if entry["expect"] == "bulk":
        head = load(entry["file"]).replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
        is_list = re.search(rb"^list-id:", head, re.I | re.M) is not None
        labels.append("Category Forums" if is_list else "Category Updates" if entry["file"].startswith("08-")
                      else "Category Promotions")
    else:
        labels += ["Important", "Category Personal"]
    return ",".join(labels)


def make_mbox(path: Path, folder: Optional[str] = None, takeout: bool = True) -> Path:
    """Write the fixtures of `folder` (all with None) to one mbox file at `path`; returns path."""
    path = Path(path)
    if path.exists():
        path.unlink()
    box = mailbox.mbox(str(path), create=True)
    try:
        box.lock()
        for n, entry in enumerate(_entries(folder)):
            data = load(entry["file"]).replace(b"\r\n", b"\n")
            ts = _delivery_time(entry, data)
            asc = time.strftime("%a %b %d %H:%M:%S", time.gmtime(ts))
            year = time.gmtime(ts).tm_year
            if takeout:
                thrid = 1849000000000000000 + (ts * 1000 + n) % 10**15
                msgid = thrid + 1000 + n
                from_line = f"From {msgid}@xxx {asc} +0000 {year}\n".encode()
                extra = f"X-GM-THRID: {thrid}\nX-Gmail-Labels: {_takeout_labels(entry)}\n".encode()
            else:
                from_line = f"From - {asc} {year}\n".encode()
                extra = b"X-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys:                                                                                 \n"
            box.add(from_line + extra + data)
        box.flush()
    finally:
        box.unlock()
        box.close()
    return path


# ------------------------------------------------------------------ generator

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TZS = (("-0800", -480, "PST"), ("-0500", -300, "EST"), ("+0000", 0, "UTC"), ("+0100", 60, "CET"),
        ("+0200", 120, "EET"), ("+0530", 330, "IST"), ("+0900", 540, "JST"))
_TOPICS = ("the pilot", "pricing", "the renewal", "next quarter", "the proposal", "onboarding", "the contract",
           "our call", "the invoice", "the workshop", "rollout", "the demo", "references", "the budget",
           "security review", "the integration", "Q1 planning", "the offsite", "board deck", "intro")
_VERBS = ("Following up on", "Quick question about", "Notes on", "Update on", "Thoughts on", "Next steps for",
          "Checking in on", "Draft for", "Agenda for", "Call about")
_NONASCII = ("Rückruf morgen", "Réunion de jeudi", "Propuesta para la reunión", "Café à 9h ?",
             "Danke für das Gespräch", "Überblick Q4", "Presupuesto año próximo", "\U0001F389 Signed!")
_FIRST = ("alex", "maria", "john", "wei", "fatima", "lucas", "emma", "raj", "sofia", "noah", "yuki", "olga",
          "david", "mateo", "hannah", "kwame", "ines", "peter", "grace", "omar", "julia", "arjun", "lena", "tom")
_LAST = ("smith", "garcia", "chen", "khan", "silva", "berg", "rossi", "iyer", "novak", "tanaka", "petrova",
         "cohen", "weber", "mensah", "duarte", "kim", "haddad", "mehta", "fischer", "moreau")
_DOMAINS = ("northwind", "contoso", "fabrikam", "tailspin", "wingtip", "adatum", "litware", "proseware",
            "woodgrove", "lucerne", "alpineski", "margie", "fourthcoffee", "blueyonder", "cohowinery")
_MAILERS = ("gmail", "outlook", "apple", "thunderbird")
_START = 1767225600  # 2026-01-01T00:00:00Z
_END = 1795824000  # 2026-11-28T00:00:00Z
_SPECIALS = re.compile(r'[,.;:<>@()\[\]"\\]')
ContactSpec = Union[str, Sequence[str], dict]


def _name_of(addr: str) -> str:
    local = addr.split("@", 1)[0]
    return " ".join(w.capitalize() for w in local.replace("_", ".").replace("-", ".").split(".") if w)


@functools.lru_cache(maxsize=4096)
def _display(name: str) -> str:
    """A display name as a mail program writes it: encoded-word if not ASCII, quoted if it has specials."""
    if not name.isascii():
        return Header(name, "utf-8").encode()
    if _SPECIALS.search(name):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


def _norm_contacts(contacts: Optional[Iterable[ContactSpec]]) -> list[tuple[str, str]]:
    """(display name, address) pairs from addresses, (name, address) pairs or {"name", "email"[, "also"]} dicts."""
    out: list[tuple[str, str]] = []
    for c in CONTACTS if contacts is None else contacts:
        if isinstance(c, str):
            out.append((_name_of(c), c))
        elif isinstance(c, dict):
            out.append((c.get("name") or _name_of(c["email"]), c["email"]))
            out.extend((c.get("name") or _name_of(a), a) for a in c.get("also", ()))
        else:
            name, addr = c
            out.append((name or _name_of(addr), addr))
    if not out:
        raise ValueError("generate() needs at least one contact")
    return out


class _Gen:
    def __init__(self, seed: int, me: Sequence[str], contacts: list[tuple[str, str]]):
        self.r = random.Random(seed)
        self.me = list(me)
        self.contacts = contacts
        # 192 KiB of base64 to slice signatures and ids from
        self.pool = base64.b64encode(self.r.randbytes(147456)).decode()
        self.hexpool = self.r.randbytes(65536).hex()
        self.rnd = self.r.random
        self.n = 0
        # folded 2048-bit signature values (b=), Google-style and tab-style, picked per header
        self.gsig = [self.fold(self.b64(344)) for _ in range(256)]
        self.tsig = [self.fold(self.b64(344), 64, "\t ") for _ in range(256)]

    # ---- small pieces
    # random.random() is several times cheaper than randrange/randint: the 50k benchmark notices
    def ri(self, lo: int, hi: int) -> int:
        return lo + int(self.rnd() * (hi - lo + 1))

    def pick(self, seq):
        return seq[int(self.rnd() * len(seq))]

    def b64(self, n: int) -> str:
        o = int(self.rnd() * (len(self.pool) - n))
        return self.pool[o:o + n]

    def hx(self, n: int) -> str:
        o = int(self.rnd() * (len(self.hexpool) - n))
        return self.hexpool[o:o + n]

    def uuid(self) -> str:
        u = self.hx(32)
        return f"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"

    def fold(self, s: str, width: int = 70, indent: str = "         ") -> str:
        return ("\n" + indent).join(s[i:i + width] for i in range(0, len(s), width))

    @staticmethod
    def date(ts: int, tz: tuple, comment: bool = False, pad: bool = False) -> str:
        t = time.gmtime(ts + tz[1] * 60)
        day = f"{t.tm_mday:02d}" if pad else str(t.tm_mday)
        s = (f"{_DAYS[t.tm_wday]}, {day} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
             f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} {tz[0]}")
        return f"{s} ({tz[2]})" if comment else s

    def stranger(self) -> tuple[str, str]:
        f, l, d = self.pick(_FIRST), self.pick(_LAST), self.pick(_DOMAINS)
        return f"{f.capitalize()} {l.capitalize()}", f"{f}.{l}@{d}.example"

    def subject(self, reply: bool) -> str:
        r = self.r
        if r.random() < 0.08:
            text = self.pick(_NONASCII)
            if r.random() < 0.5:
                enc = "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="
            else:
                enc = "=?UTF-8?Q?" + "".join(
                    ch if ch.isascii() and ch.isalnum() else "_" if ch == " " else
                    "".join(f"={b:02X}" for b in ch.encode()) for ch in text) + "?="
            return ("Re: " if reply else "") + enc
        s = f"{self.pick(_VERBS)} {self.pick(_TOPICS)}"
        if r.random() < 0.3:
            s += f" ({self.pick(_MONTHS)} {self.ri(1, 28)})"
        if reply:
            s = self.pick(("Re: ", "RE: ", "Re: ", "AW: ", "Fwd: ")) + s
        if len(s) > 60 and r.random() < 0.5:
            cut = s.rfind(" ", 0, 55)
            s = s[:cut] + "\n" + s[cut:]
        return s

    # ---- header blocks
    def mx_chain(self, ts: int, rcpt: str, env_from: str, dom: str) -> list[str]:
        r = self.r
        gtz = _TZS[0]
        ip = f"{self.ri(11, 223)}.{self.ri(0, 255)}.{self.ri(0, 255)}.{self.ri(1, 254)}"
        b8 = self.b64(8)
        lines = [f"Delivered-To: {rcpt}",
                 f"Received: by 2002:a05:7010:{self.hx(4)}:b0:{self.hx(3)}:{self.hx(4)}:{self.hx(4)} with SMTP id "
                 f"{self.pick('abcdefghijkl')}{self.ri(1, 20)}csp{self.ri(1000000, 9999999)}mdb;",
                 f"        {self.date(ts + 3, gtz, True, True)}"]
        if r.random() < 0.6:
            lines += [f"ARC-Seal: i=1; a=rsa-sha256; t={ts + 3}; cv=none;",
                      "        d=google.com; s=arc-20240605;",
                      "        b=" + self.pick(self.gsig),
                      "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20240605;",
                      "        h=to:subject:message-id:date:from:mime-version:dkim-signature;",
                      f"        bh={self.b64(43)}=;",
                      "        b=" + self.pick(self.gsig),
                      "ARC-Authentication-Results: i=1; mx.google.com;",
                      f"       dkim=pass header.i=@{dom} header.s=s{self.ri(1, 9)} header.b={b8};",
                      f"       spf=pass (google.com: domain of {env_from} designates {ip} as permitted sender)"
                      f" smtp.mailfrom={env_from};",
                      f"       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from={dom}"]
        hops = self.ri(0, 3)
        hop = self.ri(1, 40)
        lines += [f"Return-Path: <{env_from}>",
                  f"Received: from mail{hop}.{dom} (mail{hop}.{dom}. [{ip}])",
                  f"        by mx.google.com with ESMTPS id {self.hx(13)}-{self.hx(11)}si{self.ri(1000000, 9999999)}"
                  f".{self.ri(1, 900)}.2026.{time.strftime('%m.%d.%H.%M.%S', time.gmtime(ts + 2 - 28800))}",
                  f"        for <{rcpt}>",
                  "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);",
                  f"        {self.date(ts + 2, gtz, True, True)}",
                  f"Received-SPF: pass (google.com: domain of {env_from} designates {ip} as permitted sender)"
                  f" client-ip={ip};",
                  f"Authentication-Results: mx.google.com; dkim=pass header.i=@{dom} header.b={b8};",
                  f"       spf=pass smtp.mailfrom={env_from}; dmarc=pass header.from={dom}"]
        for h in range(hops):
            lines += [f"Received: from relay{h}.{dom} (relay{h}.{dom} [10.{self.ri(0, 255)}.{self.ri(0, 255)}."
                      f"{self.ri(1, 254)}])",
                      f"\tby mail.{dom} (Postfix) with ESMTPS id {self.hx(10).upper()}",
                      f"\tfor <{rcpt}>; {self.date(ts + 1 - h, _TZS[2])}"]
        lines += [f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={dom}; s=s{self.ri(1, 9)};",
                  f"\tt={ts}; h=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type;",
                  f"\tbh={self.b64(43)}=;",
                  "\tb=" + self.pick(self.tsig)]
        return lines

    def body(self, mailer: str, html: bool) -> tuple[list[str], str]:
        r = self.r
        text = self.pick(("Thanks, talk soon.", "See you on Tuesday.", "Attached the numbers we discussed.",
                         "Could you send the latest deck?", "Works for me.", "Let me check and get back to you."))
        lines = ["Hi,", "", text, ""]
        if r.random() < 0.05:
            lines.insert(2, "From what I remember, we agreed on this last week.")
        if not html:
            return [f"Content-Type: text/plain; charset={'us-ascii' if mailer == 'apple' else 'UTF-8'}"], \
                "\n".join(lines) + "\n"
        bd = ("_000_" + self.hx(40).upper() + "_") if mailer == "outlook" else "000000000000" + self.hx(16)
        part = "\n".join(lines)
        return ["Content-Type: multipart/alternative;", f'\tboundary="{bd}"'], (
            f"--{bd}\nContent-Type: text/plain; charset=\"UTF-8\"\n\n{part}\n"
            f"--{bd}\nContent-Type: text/html; charset=\"UTF-8\"\n\n<div dir=\"ltr\">{text}</div>\n--{bd}--\n")

    def message(self) -> tuple[str, bytes]:
        r = self.r
        self.n += 1
        x = r.random()
        label = ("out" if x < 0.40 else "in" if x < 0.78 else "unknown" if x < 0.88
                 else "bulk" if x < 0.98 else "too_many")
        ts = self.ri(_START, _END - 1)
        tz = self.pick(_TZS)
        mailer = self.pick(_MAILERS)
        reply = r.random() < 0.5
        me_addr = self.pick(self.me)
        me_hdr = f"{ME_NAME} <{me_addr}>"
        cc: list[str] = []
        extra: list[str] = []
        if label in ("out", "too_many") or (label == "unknown" and r.random() < 0.5):
            frm = me_hdr
            if label == "out":
                picks = r.sample(self.contacts, min(len(self.contacts), self.pick((1, 1, 1, 2, 3))))
                to = [f"{_display(n)} <{a}>" for n, a in picks[:1]]
                cc = [f"{_display(n)} <{a}>" for n, a in picks[1:]]
                if r.random() < 0.2:
                    cc.append("{} <{}>".format(*self.stranger()))
            elif label == "too_many":
                n = self.ri(21, 40)
                people = [self.stranger() for _ in range(n - 1)] + [self.pick(self.contacts)]
                r.shuffle(people)
                to = [f"{_display(a)} <{b}>" for a, b in people[:n - 5]]
                cc = [f"{_display(a)} <{b}>" for a, b in people[n - 5:]]
            else:
                to = ["{} <{}>".format(*self.stranger())]
            sender_dom = me_addr.split("@", 1)[1]
            rcpt = None
        else:
            if label == "in":
                name, addr = self.pick(self.contacts)
            elif label == "bulk":
                name, addr = self.pick(self.contacts) if r.random() < 0.5 else self.stranger()
            else:
                name, addr = self.stranger()
            frm = f"{_display(name)} <{addr}>"
            to = [me_hdr]
            if r.random() < 0.2:
                cc = ["{} <{}>".format(*self.stranger())]
            if r.random() < 0.15 and label == "in":
                to, cc = ["{} <{}>".format(*self.stranger())], [me_hdr]
            sender_dom = addr.split("@", 1)[1]
            rcpt = me_addr
        if label == "bulk":
            kind = r.random()
            lid = f"{self.hx(8)}.lists.{sender_dom}"
            if kind < 0.4:
                extra = [f"List-Id: <{lid}>", f"List-Post: <mailto:team@lists.{sender_dom}>",
                         f"List-Unsubscribe: <mailto:team-leave@lists.{sender_dom}>", "Precedence: list"]
                to = [f"<team@lists.{sender_dom}>"]
                cc = []
            elif kind < 0.8:
                extra = [f"List-Unsubscribe: <https://news.{sender_dom}/u/{self.b64(24).replace('/', '_')}>,",
                         f" <mailto:unsubscribe@news.{sender_dom}?subject=unsubscribe>",
                         "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Precedence: bulk"]
            else:
                extra = ["Auto-Submitted: auto-replied", "X-Autoreply: yes"]
        # header assembly
        date = self.date(ts, tz, comment=(tz[0] == "-0800" and r.random() < 0.2))
        dom = frm.rsplit("@", 1)[1].rstrip(">")
        if mailer == "gmail":
            mid = f"<CA{self.b64(46).replace('/', '_')}@mail.gmail.com>"
        elif mailer == "outlook":
            box = f"AM9PR04MB{self.ri(1000, 9999)}"
            mid = f"<{box}{self.hx(28).upper()}@{box}.eurprd04.prod.outlook.com>"
        else:
            u = self.hx(32)
            u = f"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"
            mid = f"<{u.upper() if mailer == 'apple' else u}@{dom}>"
        ctype, body = self.body(mailer, html=mailer in ("gmail", "outlook") or r.random() < 0.3)
        subj = self.subject(reply)
        to_h = "To: " + ",\n ".join(to)
        cc_h = ["Cc: " + ",\n ".join(cc)] if cc else []
        sender = [f"From: {frm}", to_h, *cc_h, f"Subject: {subj}", f"Date: {date}"]
        if r.random() < 0.995:
            sender.append(f"Message-ID: {mid}")
        sender += ["MIME-Version: 1.0", *ctype]
        if mailer == "outlook":
            sender += ["Thread-Topic: " + subj.split("\n")[0], f"Thread-Index: AQHb{self.b64(28)}",
                       "Content-Language: en-US", "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:",
                       f"x-ms-exchange-organization-network-message-id: {self.uuid()}",
                       "x-microsoft-antispam-message-info:", " " + self.b64(self.ri(100, 400)),
                       "X-MS-Exchange-CrossTenant-AuthAs: Internal",
                       f"X-MS-Exchange-CrossTenant-id: {self.uuid()}"]
        elif mailer == "apple":
            sender += ["X-Mailer: Apple Mail (2.3774.600.62)"]
        elif mailer == "thunderbird":
            sender += ["User-Agent: Mozilla Thunderbird", "Content-Language: en-GB"]
        else:
            sender += [f"X-Gm-Features: AQt7F2{self.b64(60)}"]
        if reply:
            ref = f"<{self.hx(24)}@{self.pick(_DOMAINS)}.example>"
            sender += [f"In-Reply-To: {ref}", f"References: {ref}"]
        sender += extra
        if rcpt is not None:
            env = addr if label != "bulk" or not extra or "Auto" in extra[0] else f"bounces+{self.hx(12)}@{sender_dom}"
            head = self.mx_chain(ts, rcpt, env, sender_dom) + sender
        else:
            # the Sent copy: submission hop, the sending DKIM signature and the provider's stamps
            head = [f"Received: from [192.168.{self.ri(0, 9)}.{self.ri(2, 250)}] "
                    f"({self.pick(_FIRST)}-laptop.{sender_dom} [{self.ri(11, 223)}.{self.ri(0, 255)}."
                    f"{self.ri(0, 255)}.{self.ri(1, 254)}])",
                    f"\tby smtp.{sender_dom} with ESMTPSA id {self.hx(12)}",
                    f"\t(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);",
                    f"\t{self.date(ts + 1, tz)}",
                    f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={sender_dom}; s=google;",
                    f"\tt={ts}; x={ts + 604800}; h=to:subject:message-id:date:from:mime-version;",
                    f"\tbh={self.b64(43)}=;",
                    "\tb=" + self.pick(self.tsig),
                    f"X-Gm-Message-State: AOJu0Y{self.b64(self.ri(80, 200))}",
                    f"X-Google-Smtp-Source: AGHT+I{self.b64(86)}"] + sender
        text = "\n".join(head) + "\n\n" + body
        if mailer == "outlook" and r.random() < 0.5:
            text = text.replace("\n", "\r\n")
        return label, text.encode("utf-8")


def generate_labeled(count: int, seed: int = 0, me: Sequence[str] = tuple(ME),
                     contacts: Optional[Iterable[ContactSpec]] = None) -> Iterator[tuple[str, bytes]]:
    """Like `generate`, yielding (label, message); label is "out", "in", "unknown", "bulk" or "too_many"."""
    g = _Gen(seed, me, _norm_contacts(contacts))
    for _ in range(count):
        yield g.message()


def generate(count: int, seed: int = 0, me: Sequence[str] = tuple(ME),
             contacts: Optional[Iterable[ContactSpec]] = None) -> Iterator[bytes]:
    """`count` random, realistic-shaped messages (bytes), the same ones for the same arguments.

    `me`: the account's addresses; `contacts`: addresses, (name, address) pairs
    or {"name", "email", "also"} dicts (default: CONTACTS). The mix: about 40%
    sent by me to 1-3 contacts (sometimes with a stranger in Cc), 38% from a
    contact to me (15% of those with me only in Cc), 10% unknown (to or from a
    stranger), 10% bulk (List-Id lists, List-Unsubscribe + Precedence: bulk
    newsletters, Auto-Submitted auto-replies; half from contacts' addresses) and
    2% with 21-40 recipients. Dates fall in 2026-01-01 .. 2026-11-27 in seven
    time zones; about 0.5% lack a Message-ID; Outlook-shaped ones are CRLF
    half the time. Headers run about 1.5-4 KB (Received chains, ARC, DKIM,
    provider stamps), bodies a few lines. Every Message-ID is unique, so no
    message is a duplicate of another.
    """
    for _, data in generate_labeled(count, seed, me, contacts):
        yield data
