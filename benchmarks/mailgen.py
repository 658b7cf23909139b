"""A synthetic mailbox for `fup sync mail`: a Maildir++ tree and the contacts it is matched against.

`generate(count, directory)` writes, from a fixed seed (the same count always
gives the same bytes):

- `Maildir/`: `count` messages, named as a delivery agent names them
  (`1732456789.M123456P4321.mailhost,S=2817:2,S`): 60% in `cur/` and 10% in
  `new/` (no `:2,` info yet) of the inbox, 30% in the Maildir++ folder `.Sent`
  (`cur/`), plus an empty `.Drafts`; each folder has its `tmp/`;
- `contacts.csv`: the first 2,000 addresses of the correspondents' pool, as a
  LinkedIn Connections.csv (the layout `fup import contacts` detects with the
  fewest columns);
- `mailgen.json`, the manifest, written last: a directory without it is incomplete.

The messages are shaped like real ones, 1.5-4 KB of headers each: Gmail's
(Delivered-To, a Received chain, ARC-Seal / ARC-Message-Signature /
ARC-Authentication-Results, DKIM-Signature, X-Google-*, X-Gm-*), Outlook's
(Exchange Online's Received chain, Thread-Topic / Thread-Index, X-MS-Exchange-*,
x-microsoft-antispam*, x-forefront-antispam-report) and a list server's
(List-Id, List-Unsubscribe, Feedback-ID, Precedence: bulk on some). Dates are
spread over the year before FUP_NOW in various zones and styles; display names
come plain, quoted ("Last, First"), as RFC 2047 encoded words or bare; some
subjects are encoded words (UTF-8, B or Q); replies carry In-Reply-To and a
References chain. Bodies are a few hundred bytes (multipart/alternative, text
and HTML), a few KB on some (a quoted thread).

Who writes to whom: sent messages (`.Sent`) are From ana@acme.example to one to
three people (Cc on some); received ones are To ana@acme.example (and sometimes
others), from one person; about 10% of all messages come through a list or a
newsletter, a few are auto-replies, to a team alias without ana, or to more
people than `max_recipients`. People are drawn uniformly from a pool of 20,000
addresses `first.last@companyN.example`; the first 2,000 are the contacts, so a
message's correspondent is a contact about 10% of the time.

Bump VERSION whenever the output changes: cached Maildirs are keyed by it.
"""

from __future__ import annotations

import base64
import csv
import json
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from email.header import Header
from functools import lru_cache
from pathlib import Path

from datagen import FIRST_NAMES, LAST_NAMES, _ascii

VERSION = 3
SEED = 20261123
MESSAGES, QUICK_MESSAGES = 50_000, 5_000
POOL, CONTACTS = 20_000, 2_000
COMPANIES = 4_000
ME, ME_NAME = "ana@acme.example", "Ana Ruiz"
MANIFEST = "mailgen.json"
# Messages are dated in the year before the benchmarks' FUP_NOW (2026-11-23T08:30), up to a day before it.
END = int(datetime(2026, 11, 22, 8, 30, tzinfo=timezone.utc).timestamp())
SPAN = 365 * 86_400
SENT_SHARE, NEW_SHARE, LIST_SHARE = 0.30, 0.10, 0.10  # of all messages; lists only among received ones

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# (offset in minutes, how the Date header writes it)
ZONES = (
    (0, "+0000"), (0, "+0000 (UTC)"), (0, "GMT"), (0, "-0000"), (60, "+0100"), (60, "+0100 (CET)"),
    (120, "+0200"), (120, "+0200 (CEST)"), (-300, "-0500"), (-300, "-0500 (EST)"), (-420, "-0700 (PDT)"),
    (-480, "-0800"), (-180, "-0300"), (330, "+0530"), (540, "+0900 (JST)"), (600, "+1000"), (480, "+0800"),
)
SUBJECTS = (
    "Proposal for the Q3 pilot", "Quick question about pricing", "Follow-up on our call", "Intro: {me} <> {them}",
    "Next steps", "Contract draft v3", "Deck from Tuesday", "Invoice 2026-{n:04d}", "Lunch next week?",
    "Meeting notes", "Pilot timeline", "Your trial account", "Feedback on the demo", "Reference call",
    "Renewal terms", "Can we move Thursday?", "Security questionnaire", "Updated SOW attached",
    "Réunion de suivi", "Angebot für das Pilotprojekt", "Café la semana que viene?", "Präsentation vom Dienstag",
    "Propuesta económica — revisión", "見積もりの件", "Zoë's notes from the workshop", "Offerte – laatste versie",
    "Spotkanie w przyszłym tygodniu", "Ερώτηση για την τιμολόγηση", "Договор: последняя версия",
)
PREFIXES = ("", "", "", "Re: ", "Re: ", "RE: ", "Re: Re: ", "Fwd: ", "FW: ", "AW: ")
NEWSLETTERS = ("Weekly Digest", "Product Updates", "The Morning Brief", "Webinar Invitations", "Release Notes",
               "Community Newsletter", "Pricing Changes", "Event Recap")
NEWS = ("what's new this week", "save your seat", "last chance: early-bird pricing", "your November summary",
        "5 ideas for your pipeline", "we've updated our terms", "Neuigkeiten für Sie", "novedades de noviembre")
WORDS = ("the", "pilot", "proposal", "thanks", "for", "your", "time", "yesterday", "we", "could", "look", "at",
         "next", "week", "budget", "team", "numbers", "deck", "attached", "let", "me", "know", "if", "works",
         "contract", "legal", "review", "timeline", "question", "call", "Thursday", "happy", "to", "discuss",
         "onboarding", "data", "integration", "security", "renewal", "quarter", "and", "a", "on", "with")


@dataclass
class Manifest:
    version: int
    messages: int
    folders: dict[str, int] = field(default_factory=dict)  # 'cur', 'new', '.Sent/cur': messages in each
    lists: int = 0  # with List-Id / List-Unsubscribe
    with_contact: int = 0  # from or to a contact, not a list: what sync may log
    contacts: int = CONTACTS
    pool: int = POOL
    header_bytes: int = 0
    total_bytes: int = 0
    seconds: float = 0.0


def maildir_path(directory: Path) -> Path:
    return directory / "Maildir"


def contacts_path(directory: Path) -> Path:
    return directory / "contacts.csv"


def load_manifest(directory: Path) -> Manifest | None:
    """The manifest of a complete Maildir in `directory`, or None."""
    path = directory / MANIFEST
    if not path.exists():
        return None
    return Manifest(**json.loads(path.read_text(encoding="utf-8")))


# --- people -------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    company: int
    address: str


def _pool(rng: random.Random) -> list[Person]:
    people, taken = [], set()
    plain = {name: _ascii(name) for name in (*FIRST_NAMES, *LAST_NAMES)}
    while len(people) < POOL:
        first, last, company = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.randint(1, COMPANIES)
        address = f"{plain[first]}.{plain[last]}@company{company}.example"
        if address not in taken:
            taken.add(address)
            people.append(Person(first, last, company, address))
    return people


def write_contacts(people: list[Person], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for index, person in enumerate(people[:CONTACTS]):
            connected = f"{1 + index % 28:02d} {MONTHS[index % 12]} {2018 + index % 8}"
            writer.writerow([person.first, person.last, "", person.address, f"Company {person.company}", "", connected])


@lru_cache(maxsize=None)
def _encoded(text: str) -> str:
    """`text` as RFC 2047 encoded words (the shorter of B and Q for UTF-8), or as is when ASCII."""
    return text if text.isascii() else Header(text, "utf-8").encode()


def _mailbox(rng: random.Random, person: Person) -> str:
    """A From/To/Cc entry, in one of the shapes mail clients write."""
    roll = rng.random()
    if roll < 0.55:
        return f"{_encoded(person.first + ' ' + person.last)} <{person.address}>"
    if roll < 0.70:
        quoted = f"{person.last}, {person.first}"
        return f'"{quoted}" <{person.address}>' if quoted.isascii() else f"{_encoded(quoted)} <{person.address}>"
    if roll < 0.72:
        return f"{person.first} {person.last} <{person.address}>"  # raw UTF-8, as some clients still send
    if roll < 0.85:
        return f"<{person.address}>"
    return person.address


# --- header pieces --------------------------------------------------------------------


class Noise:
    """Random base64 and hex, sliced from blocks made once (random enough for signatures and ids)."""

    def __init__(self, rng: random.Random):
        self.random = rng.random
        self.b64 = base64.b64encode(rng.randbytes(3 << 18)).decode("ascii").replace("+", "x").replace("/", "y")
        self.hex = rng.randbytes(1 << 17).hex()
        self.upper = self.hex.upper()

    def b(self, n: int) -> str:
        start = int(self.random() * (len(self.b64) - n))
        return self.b64[start:start + n]

    def h(self, n: int) -> str:
        start = int(self.random() * (len(self.hex) - n))
        return self.hex[start:start + n]

    def hu(self, n: int) -> str:
        start = int(self.random() * (len(self.upper) - n))
        return self.upper[start:start + n]

    def folded(self, n: int, indent: str = "        ", width: int = 70) -> str:
        blob = self.b(n)
        return ("\n" + indent).join(blob[i:i + width] for i in range(0, n, width))

    def guid(self) -> str:
        h = self.h(32)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def rfc_date(moment: int, zone: tuple[int, str], padded: bool, weekday: bool = True) -> str:
    offset, label = zone
    t = time.gmtime(moment + offset * 60)
    day = f"{t.tm_mday:02d}" if padded else str(t.tm_mday)
    head = f"{DAYS[t.tm_wday]}, " if weekday else ""
    return f"{head}{day} {MONTHS[t.tm_mon - 1]} {t.tm_year} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} {label}"


@lru_cache(maxsize=None)
def _encoded_subject(text: str) -> str:
    return Header(text, "utf-8", header_name="Subject").encode()


def _subject(rng: random.Random, them: Person, n: int) -> str:
    text = rng.choice(PREFIXES) + rng.choice(SUBJECTS)
    if "{" in text:
        text = text.format(me="Ana", them=them.first, n=n)
    if not text.isascii() or rng.random() < 0.05:  # Outlook encodes some ASCII subjects too
        return _encoded_subject(text)
    return text


def _paragraph(rng: random.Random, words: int) -> str:
    chosen = rng.choices(WORDS, k=words)
    return "\n".join(" ".join(chosen[i:i + 12]) for i in range(0, words, 12))


class Bodies:
    """Message bodies, drawn from a few hundred paragraphs written once: a few hundred bytes
    (multipart/alternative, text and HTML), a few KB on some (a quoted thread)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.short = [_paragraph(rng, rng.randint(20, 60)) for _ in range(200)]
        self.quoted = ["\nOn Tue, someone wrote:\n" + "\n".join("> " + line for line in
                                                               _paragraph(rng, rng.randint(300, 900)).splitlines())
                       for _ in range(50)]

    def __call__(self, boundary: str, them: Person) -> str:
        rng = self.rng
        text = f"Hi {them.first or 'Ana'},\n\n{rng.choice(self.short)}\n\nBest,\n{'Ana' if them.first else 'The team'}\n"
        if rng.random() < 0.15:
            text += rng.choice(self.quoted)
        html = '<div dir="ltr">' + text.replace("\n", "<br>") + "</div>"
        return (f'--{boundary}\nContent-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: 8bit\n\n'
                f'{text}\n--{boundary}\nContent-Type: text/html; charset="UTF-8"\n'
                f"Content-Transfer-Encoding: 8bit\n\n{html}\n--{boundary}--\n")


# --- one message ----------------------------------------------------------------------


class Blocks:
    """The headers servers add above a message (Received chains, ARC, DKIM, antispam), as
    templates: VARIANTS of each shape, their signatures and ids drawn once, each with its own
    mix of optional headers; a message fills one in with its sender, dates and times."""

    VARIANTS = 64

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.noise = Noise(rng)
        self.gmail = [self._gmail_in() for _ in range(self.VARIANTS)]
        self.outlook = [self._outlook_in() for _ in range(self.VARIANTS)]
        self.sent = [self._sent() for _ in range(self.VARIANTS)]
        self.newsletter = [self._listed(True) for _ in range(self.VARIANTS)]
        self.discussion = [self._listed(False) for _ in range(self.VARIANTS)]

    def _dkim(self, selector: str = "google") -> str:
        n = self.noise
        return (f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n        d={{domain}}; s={selector}; "
                "t={t}; x={x}; darn=acme.example;\n"
                "        h=cc:to:subject:message-id:date:from:in-reply-to:references\n"
                "         :mime-version:from:to:cc:subject:date:message-id:reply-to;\n"
                f"        bh={n.b(43)}=;\n        b={n.folded(344)}")

    def _google_received(self) -> str:
        n = self.noise
        return (f"Received: by 2002:a05:{n.h(4)}:{n.h(3)}:b0:{n.h(3)}:{n.h(4)}:{n.h(4)} with SMTP id {n.b(6)};\n"
                "        {later}")

    def _gmail_in(self) -> str:
        """Gmail's delivery headers above a message from {addr} to ana (Google Workspace)."""
        n, rng = self.noise, self.rng
        ip = f"209.85.{rng.randint(128, 255)}.{rng.randint(1, 254)}"
        host = f"mail-sor-f{rng.randint(41, 73)}.google.com"
        results = (f"dkim=pass header.i=@{{domain}} header.s=google header.b={n.b(8)};\n"
                   f"       spf=pass (google.com: domain of {{addr}} designates {ip} as permitted sender) "
                   "smtp.mailfrom={addr};\n"
                   "       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from={domain}")
        headers = [f"Delivered-To: {ME}", self._google_received()]
        if rng.random() < 0.5:
            headers += [
                f"X-Google-Smtp-Source: AGHT+I{n.b(88)}",
                f"X-Received: by 2002:a17:90b:{n.h(4)}:b0:{n.h(3)}:{n.h(4)}:{n.h(4)} with SMTP id "
                f"{n.b(10)}-{n.h(8)}.{rng.randint(10, 99)}.{{t}};\n        {{later}}",
            ]
        if rng.random() < 0.35:
            headers += [
                f"ARC-Seal: i=1; a=rsa-sha256; t={{t}}; cv=none;\n        d=google.com; s=arc-20240605;\n"
                f"        b={n.folded(344)}",
                "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20240605;\n"
                "        h=cc:to:subject:message-id:date:from:in-reply-to:references\n"
                f"         :mime-version:dkim-signature;\n        bh={n.b(43)}=;\n        fh={n.b(43)}=;\n"
                f"        b={n.folded(344)}",
                f"ARC-Authentication-Results: i=1; mx.google.com;\n       {results}",
            ]
        headers += [
            "Return-Path: <{addr}>",
            f"Received: from {host} ({host}. [{ip}])\n        by mx.google.com with SMTPS id "
            f"{n.b(12)}.{rng.randint(10, 99)}.2026.{n.h(2)}.{n.h(4)}\n        for <{ME}>\n"
            "        (Google Transport Security);\n        {later}",
            f"Received-SPF: pass (google.com: domain of {{addr}} designates {ip} as permitted sender) client-ip={ip};",
            f"Authentication-Results: mx.google.com;\n       {results}",
            self._dkim(),
        ]
        if rng.random() < 0.2:  # sent from a Google account: Google's own signature and state too
            headers += [
                "X-Google-DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n        d=1e100.net; s=20230601; "
                "t={t}; x={x};\n        h=cc:to:subject:message-id:date:from:in-reply-to:references\n"
                "         :mime-version:x-gm-message-state:from:to:cc:subject:date\n"
                f"         :message-id:reply-to;\n        bh={n.b(43)}=;\n        b={n.folded(340)}",
                f"X-Gm-Message-State: AOJu0Y{n.b(60)}\n\t{n.b(40)}",
                f"X-Gm-Gg: ASbGnc{n.b(70)}\n\t{n.b(70)}",
            ]
        headers.append(f"X-Received: by 2002:a05:6512:{n.h(4)}:b0:{n.h(3)}:{n.h(4)}:{n.h(4)} with SMTP id "
                       f"{n.b(10)}-{n.h(8)}.{rng.randint(10, 99)}.{{t}};\n        {{date}}")
        return "\n".join(headers)

    def _outlook_in(self) -> str:
        """Exchange Online's headers on a message from {addr}'s tenant, delivered to ana's Google Workspace."""
        n, rng = self.noise, self.rng
        ip = f"40.107.{rng.randint(1, 255)}.{rng.randint(1, 254)}"
        box = f"{rng.choice(('AM0PR07MB', 'DB9PR02MB', 'PAXPR08MB', 'VI1PR04MB'))}{n.hu(4)}"
        server = f"{box}.eurprd07.prod.outlook.com"
        headers = [
            f"Delivered-To: {ME}",
            self._google_received(),
            f"ARC-Seal: i=2; a=rsa-sha256; t={{t}}; cv=pass;\n        d=google.com; s=arc-20240605;\n"
            f"        b={n.folded(344)}",
            f"ARC-Authentication-Results: i=2; mx.google.com;\n       dkim=pass header.i=@{{domain}} "
            f"header.s=selector1 header.b={n.b(8)};\n       arc=pass (i=1 spf=pass spfdomain={{domain}} dkim=pass "
            "dkdomain={domain} dmarc=pass fromdomain={domain});\n       spf=pass (google.com: domain of "
            f"{{addr}} designates {ip} as permitted sender) smtp.mailfrom={{addr}}",
            "Return-Path: <{addr}>",
            f"Received: from EUR05-AM6-obe.outbound.protection.outlook.com (mail-am6eur05on20{rng.randint(600, 799)}"
            f".outbound.protection.outlook.com. [{ip}])\n        by mx.google.com with ESMTPS id "
            f"{n.b(12)}.{rng.randint(10, 99)}.2026.{n.h(2)}\n        for <{ME}>\n"
            "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n        {later}",
        ]
        if rng.random() < 0.25:
            headers.append(f"ARC-Seal: i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none;\n"
                           f" b={n.folded(344, ' ')}")
        headers += [
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain};\n s=selector1;\n"
            " h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:X-MS-Exchange-SenderADCheck;\n"
            f" bh={n.b(43)}=;\n b={n.folded(172, ' ')}",
            f"Received: from {server} ({n.h(4)}:{n.h(4)}:{n.h(3)}::{n.h(2)}) by\n {server}\n"
            f" ({n.h(4)}:{n.h(4)}:{n.h(3)}::{n.h(2)}) with Microsoft SMTP Server (version=TLS1_2,\n"
            f" cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.{rng.randint(7000, 8999)}.{rng.randint(10, 40)};"
            " {utc}",
            "Thread-Topic: {topic}",
            f"Thread-Index: AQH{n.b(40)}==",
            "Accept-Language: en-US, de-DE",
            "Content-Language: en-US",
            "X-MS-Has-Attach:",
            "X-MS-TNEF-Correlator:",
            f"x-ms-publictraffictype: Email\nx-ms-traffictypediagnostic: {box}:EE_|{box}:EE_",
            f"x-ms-office365-filtering-correlation-id: {n.guid()}",
            "x-microsoft-antispam: BCL:0;ARA:13230040|366016|1800799024|376014|38070700018;",
            f"x-microsoft-antispam-message-info:\n {n.folded(rng.randint(120, 300), ' ', 76)}",
            f"x-forefront-antispam-report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:{server};"
            "PTR:;CAT:NONE;SFS:(13230040)(366016)(1800799024)(376014)(38070700018);DIR:OUT;SFP:1101;",
            "X-OriginatorOrg: {domain}",
            f"X-MS-Exchange-CrossTenant-Id: {n.guid()}\n"
            "X-MS-Exchange-CrossTenant-originalarrivaltime: {arrival}\n"
            f"X-MS-Exchange-Transport-CrossTenantHeadersStamped: {box}",
        ]
        return "\n".join(headers)

    def _sent(self) -> str:
        """What a Gmail Sent folder keeps of a message of ana's."""
        n, rng = self.noise, self.rng
        headers = [
            f"Received: by 2002:a05:{n.h(4)}:{n.h(3)}:b0:{n.h(3)}:{n.h(4)}:{n.h(4)} with HTTP; {{date}}",
            f"X-Google-Smtp-Source: AGHT+I{n.b(88)}",
            f"X-Received: by 2002:a17:90b:{n.h(4)}:b0:{n.h(3)}:{n.h(4)}:{n.h(4)} with SMTP id "
            f"{n.b(10)}-{n.h(8)}.{rng.randint(10, 99)}.{{t}};\n        {{date}}",
            self._dkim(),
            f"X-Gm-Message-State: AOJu0Y{n.b(60)}\n\t{n.b(40)}",
        ]
        if rng.random() < 0.5:
            headers.append(f"X-Gm-Gg: ASbGnc{n.b(70)}\n\t{n.b(70)}")
        return "\n".join(headers)

    def _listed(self, newsletter: bool) -> str:
        """A list server's headers: a newsletter's, or a discussion list's that {addr} wrote to ({group})."""
        n, rng = self.noise, self.rng
        headers = [
            f"Delivered-To: {ME}",
            self._google_received(),
            f"Return-Path: <bounce-{n.h(20)}@{{domain}}>",
            f"Received: from a{rng.randint(1, 99)}-{rng.randint(1, 250)}.smtp-out.{{domain}} "
            f"(a{rng.randint(1, 99)}-{rng.randint(1, 250)}.smtp-out.{{domain}}. [54.240.{rng.randint(1, 255)}."
            f"{rng.randint(1, 254)}])\n        by mx.google.com with ESMTPS id {n.b(12)}.{rng.randint(10, 99)}.2026\n"
            f"        for <{ME}>\n        (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128);\n"
            "        {later}",
            self._dkim("s1"),
        ]
        if newsletter:
            headers += [
                f"List-Id: <{n.h(12)}.news.{{domain}}>",
                f"List-Unsubscribe: <https://{{domain}}/unsubscribe/{n.b(48)}>,\n"
                f" <mailto:unsubscribe-{n.h(16)}@{{domain}}>",
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                f"Feedback-ID: {rng.randint(100, 999)}:{n.h(8)}:campaign:{{domain}}",
                f"X-SES-Outgoing: 2026.{n.h(2)}.{n.h(2)}-54.240.{rng.randint(1, 255)}.{rng.randint(1, 254)}",
            ]
            if rng.random() < 0.5:
                headers.append("Precedence: bulk")
        else:
            headers += [
                "List-Id: <{group}.{domain}>",
                "List-Unsubscribe: <mailto:googlegroups-manage+{group}+unsubscribe@{domain}>,\n"
                " <https://groups.google.com/a/{domain}/group/{group}/subscribe>",
                "Precedence: list",
                "Mailing-list: list {group}@{domain}; contact {group}+owners@{domain}",
                f"X-Google-Group-Id: {rng.randint(10**11, 10**12)}",
            ]
        return "\n".join(headers)


class Writer:
    """Builds messages one by one; keeps recent Message-IDs for replies."""

    def __init__(self, rng: random.Random, people: list[Person]):
        self.rng = rng
        self.random = rng.random
        self.people = people
        self.contacts = set(people[:CONTACTS])
        self.blocks = Blocks(rng)
        self.noise = self.blocks.noise
        self.body = Bodies(rng)
        self.recent: list[str] = []
        self.serial = 0

    def pick(self, options: list[str] | tuple) -> str:
        return options[int(self.random() * len(options))]

    def person(self) -> Person:
        return self.people[int(self.random() * POOL)]

    def message_id(self, style: str, domain: str) -> str:
        self.serial += 1
        n = self.noise
        if style == "gmail":
            return f"<CA{n.b(10)}{self.serial:06d}{n.b(24)}@mail.gmail.com>"
        if style == "outlook":
            box = f"{self.pick(('AM0PR07MB', 'DB9PR02MB', 'PAXPR08MB', 'VI1PR04MB', 'SN6PR11MB'))}{n.hu(4)}"
            region = self.pick(("eurprd07", "eurprd02", "eurprd08", "namprd11"))
            return f"<{box}{self.serial:06d}{n.hu(10)}@{box}.{region}.prod.outlook.com>"
        return f"<{n.h(16)}.{self.serial}@{domain}>"

    def thread(self) -> list[str]:
        """The headers of a reply (In-Reply-To, References) on about 40% of messages."""
        if not self.recent or self.random() >= 0.4:
            return []
        chain = self.rng.sample(self.recent, min(len(self.recent), 1 + int(self.random() * 8)))
        return ["References: " + "\n ".join(chain), f"In-Reply-To: {chain[-1]}"]

    def remember(self, message_id: str) -> None:
        self.recent.append(message_id)
        if len(self.recent) > 200:
            del self.recent[:100]

    def message(self, kind: str, moment: int) -> tuple[bytes, bool, int]:
        """One message of `kind` ('sent', 'received', 'list'), whole; whether it is from or to a
        contact; the size of its header block."""
        rng, random_ = self.rng, self.random
        style = random_()
        date = rfc_date(moment, self.pick(ZONES), padded=style < 0.5, weekday=style < 0.95)
        later = rfc_date(moment + 1 + int(random_() * 20), (-480, "-0800 (PST)"), False)
        fill = {"t": moment, "x": moment + 604_800, "date": date, "later": later}
        boundary = "000000000000" + self.noise.h(12)
        people: list[Person] = []
        cc_text = subject = None
        if kind == "sent":
            people = [self.person() for _ in range(self.pick((1, 1, 1, 1, 2, 2, 3)))]
            if random_() < 0.005:
                people += [self.person() for _ in range(24)]  # a mass mailing
            split = 1 if len(people) > 1 and random_() < 0.5 else len(people)
            to_text = ", ".join(_mailbox(rng, p) for p in people[:split])
            if people[split:]:
                cc_text = ", ".join(_mailbox(rng, p) for p in people[split:])
            from_text = f"{ME_NAME} <{ME}>"
            them = people[0]
            fill.update(addr=ME, domain="acme.example")
            block, id_style = self.pick(self.blocks.sent), "gmail"
        elif kind == "list":
            if random_() < 0.3:  # a discussion list a person wrote to
                them = self.person()
                domain = them.address.split("@", 1)[1]
                group = self.pick(("team", "partners", "announce", "community"))
                from_text, to_text = _mailbox(rng, them), f"{group}@{domain}"
                fill.update(addr=them.address, domain=domain, group=group)
                block = self.pick(self.blocks.discussion)
            else:  # a newsletter: from no one in the pool
                domain, name = f"vendor{1 + int(random_() * 300)}.example", self.pick(NEWSLETTERS)
                them = Person("", "", 0, f"news@{domain}")
                from_text, to_text = f"{name} <news@{domain}>", ME
                subject = f"{name}: {self.pick(NEWS)}"
                fill.update(addr=f"news@{domain}", domain=domain)
                block = self.pick(self.blocks.newsletter)
            id_style = "other"
        else:
            them = self.person()
            people = [them]
            fill.update(addr=them.address, domain=them.address.split("@", 1)[1])
            if random_() < 0.35:
                utc = rfc_date(moment, (0, "+0000"), True)
                fill.update(utc=utc, arrival=f"{utc[5:-6]}.{1000 + int(random_() * 9000)} (UTC)",
                            topic=_encoded(self.pick(SUBJECTS).format(me="Ana", them=them.first, n=moment % 97)))
                block, id_style = self.pick(self.blocks.outlook), "outlook"
            else:
                block, id_style = self.pick(self.blocks.gmail), ("gmail" if random_() < 0.8 else "other")
            from_text = _mailbox(rng, them)
            roll = random_()
            if roll < 0.03:
                to_text = "sales-team@acme.example"  # an alias, ana not named: not to me
            elif roll < 0.035:
                to_text = ", ".join(_mailbox(rng, self.person()) for _ in range(22)) + f", {ME_NAME} <{ME}>"
            else:
                to_text = f"{ME_NAME} <{ME}>" if random_() < 0.7 else ME
                if random_() < 0.2:
                    to_text += ", " + _mailbox(rng, self.person())
            if random_() < 0.2:
                cc_text = ", ".join(_mailbox(rng, self.person()) for _ in range(1 + int(random_() * 2)))
        message_id = self.message_id(id_style, them.address.split("@", 1)[1])
        headers = [block.format_map(fill), "MIME-Version: 1.0", *self.thread(), f"From: {from_text}",
                   f"Date: {date}"]
        if random_() >= 0.003:  # a few have none
            headers.append(f"Message-ID: {message_id}")
        if subject is None:
            subject = _subject(rng, them, self.serial)
        elif not subject.isascii():
            subject = _encoded_subject(subject)
        headers += [f"Subject: {subject}", f"To: {to_text}"]
        if cc_text:
            headers.append(f"Cc: {cc_text}")
        if kind == "received" and random_() < 0.01:
            headers.append("Auto-Submitted: auto-replied")
        headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        if kind != "list":
            self.remember(message_id)
        head = ("\n".join(headers) + "\n\n").encode("utf-8")
        data = head + self.body(boundary, them).encode("utf-8")
        contact = kind != "list" and any(p in self.contacts for p in people)
        return data, contact, len(head)


# --- the Maildir ---------------------------------------------------------------------


def _folder(path: Path, plus: bool) -> None:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    if plus:
        (path / "maildirfolder").touch()


def generate(count: int, directory: Path) -> Manifest:
    """Write a Maildir of `count` messages and the contacts' CSV into `directory`, then the manifest."""
    started = time.perf_counter()
    rng = random.Random(f"{SEED}:{count}")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    people = _pool(random.Random(f"{SEED}:pool"))  # the same people and contacts whatever the count
    write_contacts(people, contacts_path(directory))
    building = directory / "Maildir.tmp"
    _folder(building, False)
    _folder(building / ".Sent", True)
    _folder(building / ".Drafts", True)
    sent, new = round(count * SENT_SHARE), round(count * NEW_SHARE)
    lists = round(count * LIST_SHARE)
    kinds = ["sent"] * sent + ["list"] * lists + ["received"] * (count - sent - lists)
    rng.shuffle(kinds)
    moments = sorted(END - rng.randrange(SPAN) for _ in range(count))
    received_at = [i for i, kind in enumerate(kinds) if kind != "sent"]
    newest = set(received_at[-new:]) if new else set()  # the latest received mail is not yet seen
    writer = Writer(rng, people)
    manifest = Manifest(VERSION, count, {"cur": 0, "new": 0, ".Sent/cur": 0})
    hosts = ("mailhost", "laptop.acme.example", "mbsync")
    names: set[str] = set()
    flags = ("S",) * 14 + ("RS",) * 3 + ("FS",) + ("",) * 2
    for index, (kind, moment) in enumerate(zip(kinds, moments)):
        data, contact, head = writer.message(kind, moment)
        delivered = moment + rng.randint(2, 90)
        unique = f"{delivered}.M{rng.randrange(1_000_000)}P{rng.randint(300, 99_999)}.{rng.choice(hosts)}"
        while unique in names:
            unique += "x"
        names.add(unique)
        if kind == "sent":
            where, name = ".Sent/cur", f"{unique},S={len(data)}:2,S"
        elif index in newest:
            where, name = "new", f"{unique},S={len(data)}"
        else:
            where, name = "cur", f"{unique},S={len(data)}:2,{rng.choice(flags)}"
        with open(building / where / name, "wb") as handle:
            handle.write(data)
        manifest.folders[where] += 1
        manifest.lists += kind == "list"
        manifest.with_contact += contact
        manifest.header_bytes += head
        manifest.total_bytes += len(data)
    building.rename(maildir_path(directory))
    manifest.seconds = round(time.perf_counter() - started, 2)
    (directory / MANIFEST).write_text(json.dumps(asdict(manifest)), encoding="utf-8")
    return manifest


if __name__ == "__main__":  # a quick look: python benchmarks/mailgen.py [COUNT] [DIR]
    import sys

    target = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/mailgen")
    print(asdict(generate(int(sys.argv[1]) if len(sys.argv) > 1 else QUICK_MESSAGES, target)))
