"""The file layouts fup exchanges: its own CSV columns; LinkedIn's, Google's and Outlook's
contact exports; any sheet whose columns are mapped to fup's fields (`--map`); vCard.

Data flow for an import: `csvio.read_csv` (or `workbook.read_xlsx`) yields records with
their line numbers; `detect` names the layout from the header (the first line: only
LinkedIn's has notes above it); `contact_record` maps one record of that layout to a
`ContactRecord` (plain strings, not yet validated: `importer` validates and writes).
`vcard.read_vcards` gives `ContactRecord`s directly. Export column lists live here too,
so the two directions cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Iterable, Sequence

from ..storage.queries import DUE_COLUMNS
from . import textcells

CONTACT_COLUMNS = (
    "id", "name", "company", "title", "email", "phone", "url", "tags", "source", "channel",
    "cadence", "state", "birthday", "notes", "created_at", "next_due", "snoozed_until", "reopened_at",
    "other_emails", "other_phones",
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

FUP, LINKEDIN, GOOGLE, GOOGLE_LEGACY, OUTLOOK, SHEET, VCARD = (
    "fup", "linkedin", "google", "google-legacy", "outlook", "sheet", "vcard")
SOURCES = ("auto", FUP, LINKEDIN, GOOGLE, OUTLOOK, SHEET, VCARD)
# The fields a sheet's columns can be mapped to (`--map FIELD=COLUMN`, or a header that uses
# these names); a field mapped to several columns takes them all: a name's parts joined, the
# first email or phone the main one and the rest kept besides, tags and notes together.
SHEET_FIELDS = ("name", "company", "title", "email", "phone", "url", "tags", "notes", "birthday", "source")
OUTLOOK_EMAILS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
OUTLOOK_PHONES = ("Mobile Phone", "Business Phone", "Primary Phone", "Home Phone", "Business Phone 2", "Home Phone 2",
                  "Other Phone", "Car Phone", "Company Main Phone", "Assistant's Phone", "Callback", "Radio Phone")
OUTLOOK_NO_DATE = frozenset({"0/0/00", "0/0/0000", "00/00/00", "1/0/00"})  # Outlook's "no birthday"
OUTLOOK_DATE = "%m/%d/%Y"
LINKEDIN_HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")
_GOOGLE_VALUE = re.compile(r"^(E-mail|Phone|Website) (\d+) - Value$")
_GOOGLE_LEGACY_ORG = re.compile(r"^Organization (\d+) - (Name|Title)$")
SOURCE_NAMES = {LINKEDIN: "LinkedIn", GOOGLE: "Google Contacts", GOOGLE_LEGACY: "Google Contacts", OUTLOOK: "Outlook"}


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
    problems: list[str] = field(default_factory=list)  # cells that could not be read (a date not in its form)


def is_linkedin_header(cells: Sequence[str]) -> bool:
    return all(name in cells for name in LINKEDIN_HEADER)


@dataclass
class ReadOptions:
    """How to read the cells of a file: `date_format` (strptime) for birthdays and times that are
    not ISO, `mapping` {fup field: [column, ...]} for a sheet (`--map`)."""

    date_format: str | None = None
    mapping: dict[str, list[str]] = field(default_factory=dict)


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
    if {"First Name", "Last Name", "E-mail Address"} <= cells:
        return OUTLOOK
    if sheet_mapping(header):
        return SHEET
    return None


# The column names of hand-made sheets that say which field they hold, besides fup's own.
SHEET_ALIASES = {
    "name": ("full name", "contact name", "display name", "contact"),
    "company": ("organization", "organisation", "company name", "firm", "account"),
    "title": ("job title", "position", "role"),
    "email": ("e-mail", "email address", "e-mail address", "mail"),
    "phone": ("telephone", "phone number", "mobile", "mobile phone", "cell", "tel"),
    "url": ("website", "web page", "linkedin", "linkedin url", "profile", "profile url"),
    "tags": ("labels", "categories", "groups"),
    "notes": ("note", "comments", "comment"),
    "birthday": ("date of birth", "birth date", "dob"),
    "source": ("met at", "where met", "lead source"),
}


def sheet_mapping(header: Sequence[str]) -> dict[str, list[str]]:
    """{field: [column]} for a header that names its columns as fup does, or by a common
    name (SHEET_ALIASES; any case), when one of them holds the name; else {}."""
    found = {cell.strip().casefold(): cell for cell in header}
    mapping = {}
    for name in SHEET_FIELDS:
        column = next((found[alias] for alias in (name, *SHEET_ALIASES[name]) if alias in found), None)
        if column is not None:
            mapping[name] = [column]
    return mapping if "name" in mapping else {}


def check_mapping(pairs: Sequence[str], header: Sequence[str]) -> dict[str, list[str]]:
    """`--map FIELD=COLUMN` options as {field: [columns]}, each checked against SHEET_FIELDS and
    the header (raises ValueError with the one-line reason)."""
    mapping: dict[str, list[str]] = {}
    columns = {cell.casefold(): cell for cell in header}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name, column = name.strip().casefold(), column.strip()
        if not sep or not name or not column:
            raise ValueError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. --map email=\"E-mail\"")
        if name not in SHEET_FIELDS:
            raise ValueError(f"--map {pair!r}: {name!r} is not one of fup's fields ({', '.join(SHEET_FIELDS)})")
        if column not in header and column.casefold() not in columns:
            shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
            raise ValueError(f"--map {pair!r}: the file has no column {column!r} (it has: {shown})")
        mapping.setdefault(name, []).append(column if column in header else columns[column.casefold()])
    if "name" not in mapping and not {"email", "company"} & set(mapping):
        raise ValueError("--map: map at least one of name, email or company, e.g. --map name=\"Full Name\"")
    return mapping


def unmapped(header: Sequence[str], mapping: dict[str, list[str]]) -> list[str]:
    """The columns of a sheet that no field takes (the dry run lists them)."""
    used = {column for columns in mapping.values() for column in columns}
    return [cell for cell in header if cell and cell not in used]


def _date_cell(value: str, column: str, fmt: str | None, default_format: str | None = None) -> str:
    """A birthday cell as fup writes one ('YYYY-MM-DD', or 'MM-DD' without a year): ISO and
    '--MM-DD' are taken as they are; anything else is read with `fmt` (or the layout's own
    format), and a cell that does not fit is a ValueError naming the column and the form."""
    value = value.strip()
    if value.startswith("--"):  # vCard's and Google's day without a year
        value = value[2:]
    if not value:
        return value
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}", value):
        year, month, day = ([2000] + [int(part) for part in value.split("-")])[-3:]  # (2000: a leap year, for 02-29)
        try:
            datetime(year, month, day)
        except ValueError as exc:
            raise ValueError(f"{column} {value!r} is not a date: {exc}") from None
        return value
    pattern = fmt or default_format
    if pattern is None:
        raise ValueError(f"{column} {value!r} is not a date like 2024-03-12; give its form with --date-format, "
                         "e.g. --date-format %d.%m.%Y")
    yearless = "%Y" not in pattern and "%y" not in pattern
    try:  # (without a year, read in a leap year, so that 29.02 is a birthday too)
        parsed = datetime.strptime(f"{value} 2000", f"{pattern} %Y") if yearless else datetime.strptime(value, pattern)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a date in the form {pattern} "
                         f"(e.g. {datetime(2024, 3, 12).strftime(pattern)})") from None
    if yearless:
        return f"{parsed.month:02d}-{parsed.day:02d}"
    return parsed.date().isoformat()


def _moment_cell(value: str, column: str, fmt: str | None) -> str:
    """A time or date cell of fup's own export, as ISO: taken as it is when it is ISO (or
    when there is no `fmt`: validation then says what is wrong), else read with `fmt`, alone
    or followed by a time of day."""
    value = value.strip()
    if not value or fmt is None or _ISO_START.match(value):
        return value
    for pattern in (fmt, f"{fmt} %H:%M", f"{fmt} %H:%M:%S"):
        try:
            parsed = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return parsed.isoformat(sep=" ") if pattern != fmt else parsed.date().isoformat()
    raise ValueError(f"{column} {value!r} is not a date in the form {fmt} (e.g. {datetime(2024, 3, 12).strftime(fmt)}), "
                     "with or without a time (HH:MM)")


_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _all_values(cells: dict[str, str], kind: str) -> list[str]:
    """Every non-empty value of the 'KIND N - Value' cells (Google's numbered groups, each
    possibly a ' ::: ' list), in order, each once."""
    numbered = sorted(
        (int(m.group(2)), key) for key in cells if (m := _GOOGLE_VALUE.match(key)) and m.group(1) == kind
    )
    return _distinct(value for _, key in numbered for value in cells[key].split(" ::: "))


def _distinct(values: Iterable[str]) -> list[str]:
    """The non-empty values, stripped, each once (emails compared without case), in order."""
    out, seen = [], set()
    for value in values:
        value = value.strip()
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


def _first_value(cells: dict[str, str], kind: str) -> str:
    """The first non-empty 'KIND N - Value' cell (Google's numbered groups), first of ' ::: ' lists."""
    values = _all_values(cells, kind)
    return values[0] if values else ""


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


def _linkedin_date(value: str, fmt: str | None = None) -> str:
    """'12 Mar 2024' (or '12-Mar-24', or ISO, or `fmt`) as an ISO date; '' stays ''."""
    value = value.strip()
    if not value:
        return ""
    for pattern in ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d", *((fmt,) if fmt else ())):
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


def contact_record(layout: str, line: int, cells: dict[str, str], options: ReadOptions | None = None) -> ContactRecord:
    """One record of `layout` as a `ContactRecord`; a cell that cannot be read (a date not in
    the expected form) is a ValueError naming the column."""
    options = options or ReadOptions()
    problems: list[str] = []
    record = _record(layout, line, cells, options, problems)
    record.problems = problems
    return record


def _record(layout: str, line: int, cells: dict[str, str], options: ReadOptions, problems: list[str]) -> ContactRecord:
    fmt = options.date_format

    def date_cell(*args: Any) -> str:  # (`date_cell`, with a cell that does not fit noted, not raised)
        return _noted(problems, _date_cell, *args)

    def moment_cell(*args: Any) -> str:
        return _noted(problems, _moment_cell, *args)

    if layout == FUP:  # fup's own columns, as exported (validation strips and checks them)
        c = cells.get
        if fmt is None:  # (ISO as exported: validation reads it)
            moment = lambda column: c(column, "").strip()  # noqa: E731
        else:
            moment = lambda column: moment_cell(c(column, ""), column, fmt)  # noqa: E731
        return ContactRecord(
            line, c("name", ""), c("company", ""), c("title", ""), c("email", ""), textcells.phone_value(c("phone", "")), c("url", ""),
            [t for t in c("tags", "").split(";") if t.strip()], c("source", ""), c("notes", ""),
            date_cell(c("birthday", ""), "birthday", fmt), c("id", ""), c("channel", "").strip(), c("cadence", "").strip(),
            c("state", "").strip(), moment("created_at"), moment("snoozed_until"), moment("next_due"), moment("reopened_at"),
            other_emails=_split_list(c("other_emails", "")),
            other_phones=_split_list(textcells.phone_value(c("other_phones", ""))),
        )
    get = lambda key: (cells.get(key) or "").strip()  # noqa: E731
    if layout == SHEET:
        return _sheet_record(line, cells, options, problems)
    if layout == OUTLOOK:
        emails = _distinct(get(column) for column in OUTLOOK_EMAILS if "@" in get(column))  # (not Exchange's X.500 names)
        phones = _distinct(get(column) for column in OUTLOOK_PHONES)
        birthday = "" if get("Birthday") in OUTLOOK_NO_DATE else date_cell(get("Birthday"), "Birthday", fmt, OUTLOOK_DATE)
        return reach(ContactRecord(
            line=line, name=_join(get("First Name"), get("Middle Name"), get("Last Name")) or get("Nickname"),
            company=get("Company"), title=get("Job Title"), email=emails[0] if emails else "",
            phone=phones[0] if phones else "", url=get("Web Page") or get("Personal Web Page"),
            tags=_outlook_tags(get("Categories")), source="Outlook", notes=cells.get("Notes", ""), birthday=birthday,
            other_emails=emails[1:], other_phones=phones[1:],
        ))
    if layout == LINKEDIN:
        connected = _noted(problems, _linkedin_date, get("Connected On"), fmt)
        return reach(ContactRecord(
            line=line, name=_join(get("First Name"), get("Last Name")), company=get("Company"),
            title=get("Position"), email=get("Email Address"), url=get("URL"),
            source=f"LinkedIn, connected {connected}" if connected else "LinkedIn",
        ), fallback="linkedin")
    if layout == GOOGLE:
        name = _join(get("First Name"), get("Middle Name"), get("Last Name")) or get("File As") or get("Nickname")
        emails, phones = _all_values(cells, "E-mail"), _all_values(cells, "Phone")
        return reach(ContactRecord(
            line=line, name=name, company=get("Organization Name"), title=get("Organization Title"),
            email=emails[0] if emails else "", phone=phones[0] if phones else "",
            url=_first_value(cells, "Website"), tags=_google_tags(get("Labels")), source="Google Contacts",
            notes=cells.get("Notes", ""), birthday=date_cell(_google_birthday(get("Birthday")), "Birthday", fmt),
            other_emails=emails[1:], other_phones=phones[1:],
        ))
    if layout == GOOGLE_LEGACY:
        orgs = sorted((int(m.group(1)), m.group(2), key) for key in cells if (m := _GOOGLE_LEGACY_ORG.match(key)))
        company = next((get(key) for _, what, key in orgs if what == "Name" and get(key)), "")
        title = next((get(key) for _, what, key in orgs if what == "Title" and get(key)), "")
        name = get("Name") or _join(get("Given Name"), get("Additional Name"), get("Family Name"))
        emails, phones = _all_values(cells, "E-mail"), _all_values(cells, "Phone")
        return reach(ContactRecord(
            line=line, name=name, company=company, title=title, email=emails[0] if emails else "",
            phone=phones[0] if phones else "", url=_first_value(cells, "Website"),
            tags=_google_tags(get("Group Membership")), source="Google Contacts", notes=cells.get("Notes", ""),
            birthday=date_cell(_google_birthday(get("Birthday")), "Birthday", fmt),
            other_emails=emails[1:], other_phones=phones[1:],
        ))
    raise ValueError(f"unknown layout {layout!r}")


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _outlook_tags(categories: str) -> list[str]:
    """Outlook's Categories ('Clients;VIP', or ' ::: ' from Google's Outlook CSV) as tags."""
    return _google_tags(" ::: ".join(part for chunk in categories.split(";") for part in chunk.split(" ::: ")))


def _sheet_record(line: int, cells: dict[str, str], options: ReadOptions, problems: list[str]) -> ContactRecord:
    """A record of a sheet whose columns are mapped to fup's fields (`ReadOptions.mapping`)."""
    values = {name: [cells.get(column) or "" for column in columns] for name, columns in options.mapping.items()}
    one = lambda name, sep=" ": sep.join(v.strip() for v in values.get(name, []) if v.strip())  # noqa: E731
    emails = _distinct(part for value in values.get("email", []) for part in re.split(r"[;,]", value))
    phones = _distinct(textcells.phone_value(value) for value in values.get("phone", []))
    birthday = next((v for v in values.get("birthday", []) if v.strip()), "")
    column = options.mapping.get("birthday", ["birthday"])[0]
    return reach(ContactRecord(
        line=line, name=one("name"), company=one("company"), title=one("title"),
        email=emails[0] if emails else "", phone=phones[0] if phones else "", url=one("url"),
        tags=_google_tags(" ::: ".join(tag for value in values.get("tags", []) for tag in re.split(r"[;,]", value))),
        source=one("source"), notes=one("notes", "\n"),
        birthday=_noted(problems, _date_cell, birthday, column, options.date_format),
        other_emails=emails[1:], other_phones=phones[1:],
    ))


def _noted(problems: list[str], read: Any, *args: Any) -> str:
    """`read(*args)`, or '' with its ValueError's message added to `problems`."""
    try:
        return read(*args)
    except ValueError as exc:
        problems.append(str(exc))
        return ""
