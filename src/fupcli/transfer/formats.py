"""The file layouts fup exchanges: its own CSV columns, LinkedIn's and Google's contact exports.

Data flow for an import: `csvio.read_csv` yields records with their line
numbers; `detect` names the layout from the header; `contact_record` maps one
record of that layout to a `ContactRecord` (plain strings, not yet validated:
`importer` validates and writes). Export column lists live here too, so the
two directions cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Sequence

from ..storage.queries import DUE_COLUMNS

CONTACT_COLUMNS = (
    "id", "name", "company", "title", "email", "phone", "url", "tags", "source", "channel",
    "cadence", "state", "birthday", "notes", "created_at", "next_due", "snoozed_until", "reopened_at",
)
TOUCH_COLUMNS = ("id", "contact_id", "contact_name", "at", "channel", "direction", "outcome", "note", "ask_again")
COMMITMENT_COLUMNS = (
    "id", "contact_id", "contact_name", "whose", "action", "due", "firmness", "status", "created_at", "closed_at",
    "channel",
)
# Columns an older export may lack (they were added later): an import takes them as empty.
OPTIONAL_HISTORY_COLUMNS = frozenset({"ask_again", "channel"})
EXPORT_COLUMNS = {
    "contacts": CONTACT_COLUMNS,
    "touches": TOUCH_COLUMNS,
    "commitments": COMMITMENT_COLUMNS,
    "due": DUE_COLUMNS,
}

FUP, LINKEDIN, GOOGLE, GOOGLE_LEGACY = "fup", "linkedin", "google", "google-legacy"
SOURCES = ("auto", FUP, LINKEDIN, GOOGLE)
LINKEDIN_HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")
_GOOGLE_VALUE = re.compile(r"^(E-mail|Phone|Website) (\d+) - Value$")
_GOOGLE_LEGACY_ORG = re.compile(r"^Organization (\d+) - (Name|Title)$")
SOURCE_NAMES = {LINKEDIN: "LinkedIn", GOOGLE: "Google Contacts", GOOGLE_LEGACY: "Google Contacts"}


@dataclass
class ContactRecord:
    """One contact as read from a file, before validation; `line` is where it starts."""

    line: int
    name: str = ""
    company: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    source: str = ""
    notes: str = ""
    birthday: str = ""
    # fup's own export only
    id: str = ""
    channel: str = ""
    cadence: str = ""
    state: str = ""
    created_at: str = ""
    snoozed_until: str = ""
    next_due: str = ""
    reopened_at: str = ""  # absent from exports before it was added: taken as empty
    # every address book: the addresses and numbers beyond the first, in the file's order
    other_emails: list[str] = field(default_factory=list)
    other_phones: list[str] = field(default_factory=list)


def is_linkedin_header(cells: Sequence[str]) -> bool:
    return all(name in cells for name in LINKEDIN_HEADER)


def detect(header: Sequence[str]) -> str | None:
    """The layout a header belongs to, or None."""
    cells = set(header)
    if {"id", "name", "email", "cadence", "state"} <= cells:
        return FUP
    if is_linkedin_header(header):
        return LINKEDIN
    if {"Name", "Given Name", "Family Name", "Group Membership"} <= cells:
        return GOOGLE_LEGACY
    if {"First Name", "Last Name"} <= cells and ({"Organization Name", "Labels"} & cells or any(_GOOGLE_VALUE.match(c) for c in cells)):
        return GOOGLE
    return None


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _first_value(cells: dict[str, str], kind: str) -> str:
    """The first non-empty 'KIND N - Value' cell (Google's numbered groups), first of ' ::: ' lists."""
    numbered = sorted(
        (int(m.group(2)), key) for key in cells if (m := _GOOGLE_VALUE.match(key)) and m.group(1) == kind
    )
    for _, key in numbered:
        value = cells[key].split(" ::: ")[0].strip()
        if value:
            return value
    return ""


def _google_tags(labels: str) -> list[str]:
    tags = []
    for label in labels.split(" ::: "):
        label = label.strip()
        if not label or label.startswith("* "):  # system groups: "* myContacts", "* starred"
            continue
        tags.append(re.sub(r"[\s;,]+", "-", label.lower()))
    return tags


def _google_birthday(value: str) -> str:
    value = value.strip()
    if value.startswith("--"):  # no year: --MM-DD
        return value[2:]
    return value


def _linkedin_date(value: str) -> str:
    """'12 Mar 2024' (or '12-Mar-24', or ISO) as an ISO date; '' stays ''."""
    value = value.strip()
    if not value:
        return ""
    for pattern in ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"Connected On {value!r} is not a date like '12 Mar 2024'")


def reach(record: ContactRecord, fallback: str = "") -> ContactRecord:
    """Set the channel of an imported record with no email: `fallback` (LinkedIn's own messages
    for a connection), else a call when there is a phone; with an email, the user's default."""
    if record.email:
        return record
    channel = fallback or ("call" if record.phone else "")
    return replace(record, channel=channel) if channel else record


def contact_record(layout: str, line: int, cells: dict[str, str]) -> ContactRecord:
    if layout == FUP:  # fup's own columns, as exported (validation strips and checks them)
        c = cells.get
        return ContactRecord(
            line, c("name", ""), c("company", ""), c("title", ""), c("email", ""), c("phone", ""), c("url", ""),
            [t for t in c("tags", "").split(";") if t.strip()], c("source", ""), c("notes", ""), c("birthday", "").strip(),
            c("id", ""), c("channel", "").strip(), c("cadence", "").strip(), c("state", "").strip(),
            c("created_at", "").strip(), c("snoozed_until", "").strip(), c("next_due", "").strip(),
            c("reopened_at", "").strip(),
        )
    get = lambda key: (cells.get(key) or "").strip()  # noqa: E731
    if layout == LINKEDIN:
        connected = _linkedin_date(get("Connected On"))
        return reach(ContactRecord(
            line=line, name=_join(get("First Name"), get("Last Name")), company=get("Company"),
            title=get("Position"), email=get("Email Address"), url=get("URL"),
            source=f"LinkedIn, connected {connected}" if connected else "LinkedIn",
        ), fallback="linkedin")
    if layout == GOOGLE:
        name = _join(get("First Name"), get("Middle Name"), get("Last Name")) or get("File As") or get("Nickname")
        return reach(ContactRecord(
            line=line, name=name, company=get("Organization Name"), title=get("Organization Title"),
            email=_first_value(cells, "E-mail"), phone=_first_value(cells, "Phone"),
            url=_first_value(cells, "Website"), tags=_google_tags(get("Labels")), source="Google Contacts",
            notes=cells.get("Notes", ""), birthday=_google_birthday(get("Birthday")),
        ))
    if layout == GOOGLE_LEGACY:
        orgs = sorted((int(m.group(1)), m.group(2), key) for key in cells if (m := _GOOGLE_LEGACY_ORG.match(key)))
        company = next((get(key) for _, what, key in orgs if what == "Name" and get(key)), "")
        title = next((get(key) for _, what, key in orgs if what == "Title" and get(key)), "")
        name = get("Name") or _join(get("Given Name"), get("Additional Name"), get("Family Name"))
        return reach(ContactRecord(
            line=line, name=name, company=company, title=title, email=_first_value(cells, "E-mail"),
            phone=_first_value(cells, "Phone"), url=_first_value(cells, "Website"),
            tags=_google_tags(get("Group Membership")), source="Google Contacts", notes=cells.get("Notes", ""),
            birthday=_google_birthday(get("Birthday")),
        ))
    raise ValueError(f"unknown layout {layout!r}")
