"""vCard address books: 2.1, 3.0 and 4.0 read into `ContactRecord`s, 4.0 written.

Reading streams, one card at a time: the text's physical lines (CRLF, LF or
CR) are joined into logical lines (folding; 2.1's quoted-printable soft line
breaks), each logical line is parsed into a property (group, name,
parameters, value; quoted-printable decoded with its CHARSET), and the
properties between BEGIN:VCARD and END:VCARD become one `ContactRecord`
(plain strings, not yet validated: `importer` validates and writes). Only
the properties fup uses are kept; photos, logos, keys and sounds are skipped
without being decoded or held. A malformed file raises `CsvProblem` with
the physical line it is on, so errors can say FILE:LINE.

Writing: `write_vcards` turns each contact dict into RFC 6350 lines,
escapes and folds them (75 octets, CRLF) and writes one card at a time.

Hand-written rather than a parser library: vobject, the maintained one,
takes ~100 ms to import, cannot read CR-only files, takes a bad
quoted-printable sequence for text, and writes only vCard 3.0.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import IO, Any, Callable, Iterable, Iterator, Mapping

from .csvio import CsvProblem
from .formats import ContactRecord, reach

# The properties a card is read for; all others are parsed (so bad lines are found) and dropped.
READ = frozenset({"FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "URL", "X-SOCIALPROFILE", "BDAY", "NOTE", "CATEGORIES",
                  "PRODID"})
BLOBS = frozenset({"PHOTO", "LOGO", "KEY", "SOUND"})  # skipped unread, however long
ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})  # 2.1 may give these bare
NO_PREFERENCE = 101  # RFC 6350 PREF runs 1 (most preferred) to 100
GOOGLE_SYSTEM_GROUPS = frozenset({"mycontacts", "starred"})  # as the Google CSV path drops "* myContacts"
PRODID = "-//fup//fup//EN"
FOLD_AT = 75  # octets per line, CRLF not counted
UID_NAMESPACE = "6f1c0a52-3d7e-5b7a-9c1e-2a4b8d0f6e13"  # fup's: a card's UID is uuid5(this, contact id)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_NAME = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)")
_SIMPLE_HEAD = re.compile(r"(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)((?:;[^:\"]*)?):")
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]+")
_QP_BYTE = re.compile(r"=([0-9A-Fa-f]{2})|=")
_UNESCAPED = {"n": "\n", "N": "\n", "\\": "\\", ";": ";", ",": ",", ":": ":"}
_LINKEDIN = re.compile(r"(?:https?://)?(?:[\w-]+\.)*linkedin\.com(?:[/?#:]|$)", re.IGNORECASE)
_FULL_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?")
_YEARLESS = re.compile(r"--(\d{2})-?(\d{2})")
_PARTIAL_DATE = re.compile(r"\d{4}(?:-?\d{2})?|--\d{2}|---\d{2}")  # a year, a month or a day alone
_ESCAPED_TOKENS = {  # an escape, a separator, or a run of other characters
    None: re.compile(r"\\(.?)|[^\\]+", re.DOTALL),
    ";": re.compile(r"\\(.?)|;|[^\\;]+", re.DOTALL),
    ",": re.compile(r"\\(.?)|,|[^\\,]+", re.DOTALL),
}


class Property:
    """One logical line of a card: `value` is decoded from quoted-printable but still escaped."""

    __slots__ = ("line", "name", "params", "value")

    def __init__(self, line: int, name: str, params: dict[str, list[str]], value: str):
        self.line, self.name, self.params, self.value = line, name, params, value

    def has(self, param: str, value: str) -> bool:
        wanted = value.upper()
        return any(v.upper() == wanted for v in self.params.get(param, ()))

    def preference(self) -> int:
        """PREF=n, or 1 for 3.0's TYPE=pref and 2.1's bare PREF; NO_PREFERENCE otherwise."""
        for value in self.params.get("PREF", ()):
            return int(value) if value.isdigit() else 1
        return 1 if self.has("TYPE", "PREF") else NO_PREFERENCE


# --- reading ------------------------------------------------------------------


def looks_like_vcard(text_start: str) -> bool:
    """Whether the text's first non-blank line is BEGIN:VCARD (for format detection)."""
    for match in _LINE.finditer(text_start.lstrip("\ufeff")):
        line = match.group().strip()
        if line:
            return line.upper() == "BEGIN:VCARD"
    return False


def read_vcards(text: str | IO[str], keep_going: bool = False) -> Iterator[ContactRecord | CsvProblem]:
    """Each card of a vCard text, or of a text stream read a line at a time (opened with
    `newline=""`: lines end at CR, LF or CR LF), as a ContactRecord whose `line` is its
    BEGIN:VCARD line. Only the open card is held. A problem (a line that cannot be read, a
    card left open, a line outside any card) raises CsvProblem; with `keep_going` each comes
    as a CsvProblem in its place (a card with any is not given) and the reading goes on."""
    begin = 0  # the open card's BEGIN line, 0 outside a card
    kept: list[Property] = []
    broken: list[CsvProblem] = []  # the open card's problems
    outside = False  # the previous line was outside any card (a run of them is one problem)

    def problem(found: CsvProblem) -> CsvProblem:
        if not keep_going:
            raise found
        return found

    for number, line in _logical_lines(text):
        try:
            prop = _property(number, line)
        except CsvProblem as exc:
            if begin:
                broken.append(problem(exc))
            elif not outside:
                yield problem(CsvProblem(number, "vCard line outside BEGIN:VCARD ... END:VCARD"))
            outside = not begin
            continue
        marker = prop.name in ("BEGIN", "END") and prop.value.strip().upper() == "VCARD"
        if marker and prop.name == "BEGIN":
            if begin:
                yield problem(CsvProblem(begin, "BEGIN:VCARD has no END:VCARD before the next BEGIN:VCARD "
                                                f"on line {prop.line}"))
                yield from broken
            begin, kept, broken, outside = prop.line, [], [], False
        elif marker and not begin:
            yield problem(CsvProblem(prop.line, "END:VCARD without a BEGIN:VCARD before it"))
        elif marker:
            yield from broken if broken else (_card_record(begin, kept),)
            begin = 0
        elif not begin:
            if not outside:
                yield problem(CsvProblem(prop.line, "vCard line outside BEGIN:VCARD ... END:VCARD"))
            outside = True
        elif prop.name in READ:
            kept.append(prop)
    if begin:
        yield problem(CsvProblem(begin, "BEGIN:VCARD has no END:VCARD"))
        yield from broken


def _physical_lines(text: str | IO[str]) -> Iterator[tuple[int, str]]:
    """(number, line without its end) of each line, a leading BOM dropped."""
    lines = _LINE.finditer(text) if isinstance(text, str) else None
    for number, line in enumerate((match.group() for match in lines) if lines is not None else text, 1):
        if number == 1:
            line = line.lstrip("\ufeff")
        yield number, line.rstrip("\r\n")


def _logical_lines(text: str | IO[str]) -> Iterator[tuple[int, str]]:
    """(first physical line, text) of each property, unfolded; blobs are left out."""
    parts: list[str]
    start, parts = 0, []  # the logical line being built: its first line number, its pieces
    skipping = False  # it is a blob: its continuations are dropped, not joined
    soft_break = False  # it is quoted-printable and ends with '=': the next line continues it
    after_blob = False  # 2.1 may continue base64 on lines without indent until a blank line
    for number, line in _physical_lines(text):
        if soft_break and not _is_end(line):
            parts[-1] = parts[-1].rstrip(" \t")[:-1]
            parts.append(line)
            soft_break = line.rstrip(" \t").endswith("=")
            continue
        if soft_break:  # a dangling '=' at the end of the card: nothing follows it
            parts[-1] = parts[-1].rstrip(" \t")[:-1]
        soft_break = False
        if line[:1] in (" ", "\t") and (parts or skipping):
            if not skipping:
                parts.append(line[1:])
                soft_break = _soft_break(parts)
            continue
        if after_blob and _BASE64_LINE.fullmatch(line):
            continue
        if parts:
            yield start, "".join(parts)
        start, parts, skipping, after_blob = number, [], False, False
        if not line.strip():
            continue
        name = _NAME.match(line)
        if name and name.group(2).upper() in BLOBS and line[name.end():name.end() + 1] in (";", ":"):
            skipping = after_blob = True
            continue
        parts = [line]
        soft_break = _soft_break(parts)
    if parts:
        if soft_break:
            parts[-1] = parts[-1].rstrip(" \t")[:-1]
        yield start, "".join(parts)


def _is_end(line: str) -> bool:
    return line.strip().upper() == "END:VCARD"


def _soft_break(parts: list[str]) -> bool:
    """Whether the property is quoted-printable and its text so far ends with '='."""
    return (parts[-1].rstrip(" \t").endswith("=") and ":" in parts[0]
            and "QUOTED-PRINTABLE" in parts[0].split(":", 1)[0].upper())


def _properties(text: str | IO[str]) -> Iterator[Property]:
    for number, line in _logical_lines(text):
        yield _property(number, line)


def _property(number: int, line: str) -> Property:
    """Parse `[group.]NAME[;PARAM[=VALUE,...]...]:VALUE`; quoted-printable (and base64, in a
    property fup reads) is decoded here, so a bad sequence is found on any property."""
    simple = _SIMPLE_HEAD.match(line)
    if simple:  # no quoted parameter value: nearly every line
        name, param_text, value = simple.group(1), simple.group(2), line[simple.end():]
    else:
        colon = _colon(line)
        if colon < 0:
            raise CsvProblem(number, "vCard line has no ':' between its name and its value")
        name_part, _, param_text = line[:colon].partition(";")
        named = _NAME.fullmatch(name_part.strip())
        if not named:
            raise CsvProblem(number, "vCard property name must be letters, digits and '-' (NAME;PARAM=VALUE:VALUE)")
        name, value = named.group(2), line[colon + 1:]
    prop = Property(number, name.upper(), _params(param_text.lstrip(";")) if param_text else {}, value)
    encodings = {encoding.upper() for encoding in prop.params.get("ENCODING", ())}
    if "QUOTED-PRINTABLE" in encodings:
        prop.value = _charset_text(prop, _quoted_printable(number, value))
    elif encodings & {"B", "BASE64"} and prop.name in READ:
        try:
            prop.value = _charset_text(prop, base64.b64decode("".join(value.split()), validate=True))
        except binascii.Error:
            raise CsvProblem(number, f"{prop.name} is marked base64 but is not valid base64") from None
    return prop


def _params(text: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for part in _split_outside_quotes(text, ";"):
        key, equals, values = part.partition("=")
        key = key.strip().upper()
        if not equals:  # 2.1's bare parameters: TEL;CELL;PREF:, NOTE;QUOTED-PRINTABLE:
            key, values = ("ENCODING" if key in ENCODINGS else "TYPE"), key
        params.setdefault(key, []).extend(v.strip().strip('"') for v in _split_outside_quotes(values, ","))
    return params


def _colon(line: str) -> int:
    """Index of the ':' that ends the name and parameters (a quoted parameter may hold one)."""
    colon = line.find(":")
    if '"' not in line[:colon]:
        return colon
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return -1


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _quoted_printable(number: int, value: str) -> bytes:
    """Decode `=XX` sequences (soft line breaks are already joined); a bad one is an error."""
    out = bytearray()
    position = 0
    for match in _QP_BYTE.finditer(value):
        if match.group(1) is None:
            raise CsvProblem(number, "bad QUOTED-PRINTABLE sequence: '=' must be followed by two hex digits")
        out += value[position:match.start()].encode("utf-8")
        out.append(int(match.group(1), 16))
        position = match.end()
    out += value[position:].encode("utf-8")
    return bytes(out)


def _charset_text(prop: Property, data: bytes) -> str:
    """Decoded bytes as text in the property's CHARSET (UTF-8 if none, else Windows-1252 as Outlook writes)."""
    charset = (prop.params.get("CHARSET") or [""])[0]
    try:
        if charset:
            return data.decode(charset)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252")
    except LookupError:
        raise CsvProblem(prop.line, f"{prop.name} has an unknown CHARSET={charset}") from None
    except UnicodeDecodeError:
        raise CsvProblem(prop.line, f"{prop.name} is not text in its CHARSET ({charset or 'UTF-8'})") from None


def _split_escaped(value: str, separator: str | None) -> list[str]:
    """Split at unescaped `separator` and undo the escapes: \\n \\, \\; \\: \\\\ (others are kept)."""
    if "\\" not in value:
        return value.split(separator) if separator else [value]
    parts: list[str] = []
    current: list[str] = []
    for match in _ESCAPED_TOKENS[separator].finditer(value):
        if match.group(1) is not None:
            current.append(_UNESCAPED.get(match.group(1), match.group()))
        elif match.group() == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(match.group())
    parts.append("".join(current))
    return parts


def _text(prop: Property) -> str:
    value = prop.value.replace("\r\n", "\n").replace("\r", "\n")
    return _split_escaped(value, None)[0].strip()


def _components(prop: Property) -> list[str]:
    value = prop.value.replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in _split_escaped(value, ";")]


def _card_record(line: int, props: list[Property]) -> ContactRecord:
    """The ContactRecord of one card's kept properties (empty fields when the card has none); with
    no email but a phone, its channel is a call, as for Google's CSV (`formats.reach`)."""
    by_name: dict[str, list[Property]] = {}
    for prop in props:
        by_name.setdefault(prop.name, []).append(prop)

    def text_of(name: str) -> str:
        return _text(by_name[name][0]) if name in by_name else ""

    company = _components(by_name["ORG"][0])[0] if "ORG" in by_name else ""
    name = text_of("FN")
    if not name and "N" in by_name:
        family, given, additional = (_components(by_name["N"][0]) + ["", ""])[:3]
        name = " ".join(part for part in (given, additional, family) if part)
    emails = _by_preference(by_name.get("EMAIL", ()), "mailto:", str.casefold)
    phones = _by_preference(by_name.get("TEL", ()), "tel:", str)
    categories = [tag.strip() for prop in by_name.get("CATEGORIES", ()) for tag in _split_escaped(prop.value, ",")]
    return reach(ContactRecord(
        line=line, name=name or company, company=company, title=text_of("TITLE"),
        email=emails[0] if emails else "", phone=phones[0] if phones else "", url=_url(by_name),
        tags=_tags(categories), source=_source(text_of("PRODID"), categories),
        notes="\n".join(text for prop in by_name.get("NOTE", ()) if (text := _text(prop))),
        birthday=_birthday(by_name["BDAY"][0]) if "BDAY" in by_name else "",
        other_emails=emails[1:], other_phones=phones[1:],
    ))


def _by_preference(props: Iterable[Property], scheme: str, key: Callable[[str], str]) -> list[str]:
    """Values, the most preferred first (ties: the file's order), the rest in the file's order;
    a value equal (by `key`) to an earlier one is left out, and so is the `scheme` (mailto:, tel:)."""
    ranked: list[tuple[int, str]] = []
    seen: set[str] = set()
    for prop in props:
        value = _text(prop)
        if value.lower().startswith(scheme):
            value = value[len(scheme):].strip()
        if value and key(value) not in seen:
            seen.add(key(value))
            ranked.append((prop.preference(), value))
    if not ranked:
        return []
    best = min(range(len(ranked)), key=lambda i: ranked[i][0])
    return [ranked[best][1]] + [value for i, (_, value) in enumerate(ranked) if i != best]


def _url(by_name: dict[str, list[Property]]) -> str:
    """A LinkedIn profile (a URL or Apple's X-SOCIALPROFILE), else the most preferred URL."""
    urls = by_name.get("URL", [])
    for prop in (*urls, *by_name.get("X-SOCIALPROFILE", ())):
        if _LINKEDIN.match(url := _text(prop)):
            return url
    return (_by_preference(urls, "", str) or [""])[0]


def _tags(categories: list[str]) -> list[str]:
    """Categories as fup tags (lower case, spaces as '-'), without Google's system groups."""
    tags: list[str] = []
    for category in categories:
        tag = re.sub(r"[\s;,]+", "-", category.lower())
        if tag and tag not in GOOGLE_SYSTEM_GROUPS and tag not in tags:
            tags.append(tag)
    return tags


def _source(prodid: str, categories: list[str]) -> str:
    product = prodid.lower()
    if product == PRODID.lower():  # fup's own cards: where we met is not in them, so not "vCard" either
        return ""
    if "apple" in product:
        return "Apple Contacts"
    if "google" in product or "myContacts" in categories:  # Google's export has no PRODID, but this group
        return "Google Contacts"
    return "vCard"


def _birthday(prop: Property) -> str:
    """'YYYY-MM-DD' or, without a year, 'MM-DD' (what `dates.parse_birthday` takes); '' when the
    card gives no month and day (a year alone, a text); anything else as written, for the
    importer to report."""
    value = _text(prop)
    if prop.has("VALUE", "TEXT") or _PARTIAL_DATE.fullmatch(value):
        return ""
    if match := _YEARLESS.fullmatch(value):
        return f"{match.group(1)}-{match.group(2)}"
    if match := _FULL_DATE.fullmatch(value):
        year, month, day = match.groups()
        if year in prop.params.get("X-APPLE-OMIT-YEAR", ()):  # Apple's yearless: 1604-04-12
            return f"{month}-{day}"
        return f"{year}-{month}-{day}"
    return value


# --- writing ------------------------------------------------------------------


def write_vcards(stream: IO[str], contacts: Iterable[Mapping[str, Any]]) -> None:
    """Write each contact as a vCard 4.0 card (CRLF line ends: open a file with newline='')."""
    for contact in contacts:
        stream.write("".join(fold(line) for line in _card_lines(contact)))


def _card_lines(contact: Mapping[str, Any]) -> Iterator[str]:
    """The unfolded lines of one contact's card, escaped as RFC 6350 says."""
    yield "BEGIN:VCARD"
    yield "VERSION:4.0"
    yield f"PRODID:{PRODID}"
    if contact.get("id") is not None:
        yield f"UID:{contact_uid(contact['id'])}"
    name = contact.get("name") or ""
    yield f"FN:{_escape(name)}"
    words = name.split()
    family, given = (words[-1], " ".join(words[:-1])) if len(words) > 1 else ("", name.strip())
    yield f"N:{_escape(family, compound=True)};{_escape(given, compound=True)};;;"
    if contact.get("company"):
        yield f"ORG:{_escape(contact['company'], compound=True)}"
    if contact.get("title"):
        yield f"TITLE:{_escape(contact['title'])}"
    if contact.get("email"):
        yield f"EMAIL;PREF=1:{_escape(contact['email'])}"
    for email in contact.get("other_emails") or ():
        yield f"EMAIL:{_escape(email)}"
    if contact.get("phone"):
        yield f"TEL;PREF=1:{_escape(contact['phone'])}"
    for phone in contact.get("other_phones") or ():
        yield f"TEL:{_escape(phone)}"
    if contact.get("url"):  # a URI: not escaped, and a line break cannot be in one
        yield "URL:" + re.sub(r"\r\n|\r|\n", " ", contact["url"])
    if contact.get("birthday"):
        yield f"BDAY:{_vcard_date(contact['birthday'])}"
    if contact.get("notes"):
        yield f"NOTE:{_escape(contact['notes'])}"
    tags = contact.get("tags") or ""
    tags = [tag for tag in (tags.split(";") if isinstance(tags, str) else tags) if tag]
    if tags:
        yield "CATEGORIES:" + ",".join(_escape(tag) for tag in tags)
    yield "END:VCARD"


def contact_uid(contact_id: Any) -> str:
    """The card's UID: the same for a contact in every export, so a re-import updates the card."""
    import uuid  # only writing needs it, and its import takes ~5 ms

    return f"urn:uuid:{uuid.uuid5(uuid.UUID(UID_NAMESPACE), str(contact_id))}"


def _escape(value: str, compound: bool = False) -> str:
    """RFC 6350 text: backslash, comma and line breaks escaped (and ';' in a part of a compound value)."""
    value = value.replace("\\", "\\\\").replace(",", "\\,")
    if compound:
        value = value.replace(";", "\\;")
    return re.sub(r"\r\n|\r|\n", r"\\n", value)


def _vcard_date(birthday: date | str) -> str:
    """A date as 19850603, a yearless 'MM-DD' as --0603 (RFC 6350's basic format)."""
    if isinstance(birthday, date):
        return f"{birthday.year:04d}{birthday.month:02d}{birthday.day:02d}"
    if match := re.fullmatch(r"(\d{2})-(\d{2})", birthday):
        return f"--{match.group(1)}{match.group(2)}"
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", birthday):
        return "".join(match.groups())
    raise ValueError(f"birthday {birthday!r} is neither a date nor MM-DD")


def fold(line: str) -> str:
    """The line with CRLF, folded (CRLF and a space) so no line passes 75 octets of UTF-8; a fold
    never splits a character or an escape such as \\n (some importers mind that)."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_AT:
        return line + "\r\n"
    pieces, start, room = [], 0, FOLD_AT
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to the character's start
            cut -= 1
        backslashes = 0
        while cut - backslashes > start and data[cut - backslashes - 1] == 0x5C:
            backslashes += 1
        cut -= backslashes % 2  # an odd run ends with an escape's first half: keep the pair together
        pieces.append(data[start:cut])
        start, room = cut, FOLD_AT - 1  # a continuation starts with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8") + "\r\n"
