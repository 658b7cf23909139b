"""Spreadsheet files people keep contact lists in: tell the kind from the bytes, read .xlsx, refuse the rest.

`kind` looks at magic numbers and zip member names only, so a workbook named .csv
(or a CSV named .xls) is taken for what it is. `read_xlsx` reads the first worksheet
with openpyxl, imported on first use so that no other command pays for it, in
read-only mode with the values formulas had when the file was saved, and gives what
`csvio.read_csv` gives: the header (the first non-empty row, checked by
`csvio.check_header`) and records whose `line` is the 1-based sheet row, so errors
say `FILE:ROW`, with every cell as the text the sheet shows (`cell_text`).
ODS, old .xls, .xlsb and Numbers files are not read: `refusal` words the one line
asking the user to save them as CSV or .xlsx.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Iterator

from .csvio import CsvProblem, Record, check_header, shown

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # the compound file of .xls, .doc, and of password-protected .xlsx
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"  # also the start of the template's type
ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")  # the stream a password-protected .xlsx keeps its zip in

REFUSED = ("ods", "xls", "xlsb", "numbers")  # kinds that `read_xlsx` does not read: see `refusal`

_DESCRIPTIONS = {
    "ods": "an OpenDocument spreadsheet",
    "xls": "an Excel 97-2003 workbook (or another old Office file)",
    "xlsb": "an Excel binary workbook",
    "numbers": "an Apple Numbers document",
}


def kind(source: bytes | IO[bytes]) -> str | None:
    """"xlsx", "ods", "xls" (any OLE2 compound file), "xlsb", "numbers", or None: not a workbook (text).

    `source` is the file's bytes or the file, open at its start (a zip is read from it through
    its directory, not held; the file is left at its start). A password-protected .xlsx is an
    OLE2 file holding an encrypted package; it is called "xlsx" so that `read_xlsx` can say
    what is wrong with it. A damaged zip is judged by the member names its bytes still hold.
    """
    handle = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        return _kind(handle)
    finally:
        handle.seek(0)


def _kind(handle: IO[bytes]) -> str | None:
    magic = handle.read(len(OLE2_MAGIC))
    handle.seek(0)
    if magic.startswith(OLE2_MAGIC):
        return "xlsx" if ENCRYPTED_OOXML in handle.read() else "xls"  # (refused or locked: read whole)
    if not magic.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        handle.seek(0)
        return _damaged_zip_kind(handle.read())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if mimetype.startswith(ODS_MIMETYPE):
        return "ods"
    if any(name.endswith(".iwa") for name in names):  # iWork's archive format (Pages and Keynote too)
        return "numbers"
    return None


def _damaged_zip_kind(data: bytes) -> str | None:
    """The kind of a zip whose directory cannot be read, from the names in its local headers."""
    if b"xl/workbook.bin" in data:
        return "xlsb"
    if any(part in data for part in (b"xl/workbook.xml", b"xl/worksheets/", b"xl/styles.xml", b"xl/theme/")):
        return "xlsx"
    if data[30:38] == b"mimetype" and ODS_MIMETYPE in data[38:200]:  # stored first, uncompressed
        return "ods"
    if b".iwa" in data:
        return "numbers"
    return None


def refusal(kind: str, name: str) -> str:
    """The one line that refuses a workbook of `kind` (one of REFUSED) named `name`."""
    if kind not in _DESCRIPTIONS:
        raise ValueError(f"no refusal for {kind!r}: expected one of {', '.join(REFUSED)}")
    how = "export it as CSV or .xlsx (File > Export To)" if kind == "numbers" else "save it as CSV or .xlsx"
    return f"{shown(name)} is {_DESCRIPTIONS[kind]}: {how} and import that"


def read_xlsx(source: bytes | IO[bytes], name: str) -> tuple[list[str], Iterator[Record]]:
    """The header and records of the first worksheet of the .xlsx in `source`, its bytes or the
    file open at its start, which must stay open while the records are read (`name` is for messages).

    Blank rows are skipped, columns after the header's last name are ignored while they
    are empty (a value there is a CsvProblem naming its cell), and a workbook openpyxl
    cannot open is one CsvProblem on line 1. Rows are read lazily, as `read_csv` does.
    """
    handle = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    locked = handle.read(len(OLE2_MAGIC)).startswith(OLE2_MAGIC)
    handle.seek(0)
    if locked:
        if kind(handle) != "xlsx":
            raise CsvProblem(1, refusal("xls", name))
        raise CsvProblem(1, f"{shown(name)} is password protected: remove the password in Excel and save it again, "
                            "or save it as CSV")
    import openpyxl  # here, not at the top: about 0.2 s that only a workbook import should pay

    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size: read the rows that are there
    except Exception as exc:  # openpyxl's many ways of saying the file is not a workbook
        raise CsvProblem(1, f"cannot open {shown(name)} as a workbook: {_reason(exc)}") from None
    rows = _rows(book, sheet, name)
    for line, cells in rows:
        while cells and not cells[-1].strip():
            cells.pop()
        header = [cell.strip() for cell in cells]
        check_header(header, line)
        return header, _records(header, rows)
    raise CsvProblem(1, f"the first worksheet of {shown(name)} ({shown(sheet.title)}) is empty")


def _rows(book, sheet, name: str) -> Iterator[tuple[int, list[str]]]:
    """(sheet row, cells as text) of each non-blank row; a row openpyxl cannot read is a CsvProblem."""
    line = 0
    try:
        for line, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), 1):
            cells = [cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row]
            if any(cell.strip() for cell in cells):
                yield line, cells
    except Exception as exc:
        raise CsvProblem(line + 1, f"cannot read {shown(name)} from this row on: {_reason(exc)}") from None
    finally:
        book.close()


def _records(header: list[str], rows: Iterator[tuple[int, list[str]]]) -> Iterator[Record]:
    """The rows after the header as Records; one with a value past the header is a Record with
    its `problem` (as `read_csv(keep_going=True)` gives), and the reading goes on."""
    width = len(header)
    for line, cells in rows:
        stray = next((column for column in range(width, len(cells)) if cells[column].strip()), None)
        if stray is not None:
            yield Record(line, {}, f"cell {column_letter(stray + 1)}{line} has a value but its column has no header")
            continue
        cells = cells[:width] + [""] * (width - len(cells))
        yield Record(line, dict(zip(header, cells)))


def column_letter(column: int) -> str:
    """A 1-based column number as a sheet names it: 1 is A, 27 is AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell's value as the user reads it in the sheet, as text.

    Text as is; numbers in plain decimals to Excel's 15 significant digits (`42`, `1.5`,
    never `1e-05`), whole numbers zero-padded when their format is all zeros (`0000000000`,
    how sheets keep a phone's or postcode's leading zeros); dates ISO (`2024-03-12`), times
    `HH:MM` or `HH:MM:SS`, date-times `2024-03-12T14:30` (a midnight one as its date);
    booleans `TRUE`/`FALSE`; an empty cell "".
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        text = _decimal(value)
        if number_format and set(number_format) == {"0"} and text.isdigit():
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, datetime):
        value = _whole_seconds(value)
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        value = _whole_seconds(datetime.combine(date(2000, 1, 1), value)).time()
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, timedelta):  # a duration format such as [h]:mm
        seconds = round(value.total_seconds())
        hours, rest = divmod(abs(seconds), 3600)
        return f"{'-' if seconds < 0 else ''}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)


def _decimal(number: int | float) -> str:
    if isinstance(number, int):
        return str(number)
    if not math.isfinite(number):
        return str(number)
    text = format(Decimal(f"{number:.15g}"), "f")
    return "0" if text == "-0" else text


def _whole_seconds(moment: datetime) -> datetime:
    """Rounded to the second: Excel keeps times as fractions of a day, 14:30 may read 14:29:59.9995."""
    whole = moment.replace(microsecond=0)
    return whole + timedelta(seconds=1) if moment.microsecond >= 500_000 else whole


def _reason(exc: Exception) -> str:
    """openpyxl's or zipfile's error in a few plain words."""
    if isinstance(exc, zipfile.BadZipFile):
        return "the file is damaged (not a complete zip archive)"
    if isinstance(exc, IndexError):
        return "it has no worksheet"
    if type(exc).__name__ == "ParseError":  # xml.etree's, not imported here for its name alone
        return "its XML is damaged"
    if isinstance(exc, KeyError):
        return f"a part of the workbook is missing ({exc.args[0] if exc.args else ''})"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return shown(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)[:200]
