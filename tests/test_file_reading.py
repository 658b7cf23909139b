"""Reading the files spreadsheets save: encodings, delimiters, line ends, headers, and .xlsx workbooks.

Each fixture in examples/addressbooks/ goes through what an import does with it
(`workbook.kind`, then `csvio.decode_text` + `sniff_delimiter` + `read_csv` +
`check_header`, or `workbook.read_xlsx`) to exact headers and records with their
lines. A hypothesis round trip checks that any table csv.writer writes, with any of
the three delimiters and four encodings, comes back cell for cell.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fupcli.errors import BadInput
from fupcli.transfer import csvio, workbook
from fupcli.transfer.csvio import CsvProblem, Record

import make_sheet_xlsx

FOLDER = Path(__file__).resolve().parent.parent / "examples" / "addressbooks"
CONTACT_COLUMNS = ["Full Name", "E-mail", "Phone", "Company", "Notes"]


def read_text_file(data: bytes, encoding: str | None = None) -> tuple[str | None, str, list[str], list[Record]]:
    """What an import does with a text file: (note, delimiter, header, records)."""
    text, note = csvio.decode_text(data, encoding)
    delimiter = csvio.sniff_delimiter(text)
    header, records = csvio.read_csv(text, 0, delimiter)
    csvio.check_header(header, 1)
    return note, delimiter, header, list(records)


def contact(line: int, *cells: str, columns: list[str] = CONTACT_COLUMNS) -> Record:
    return Record(line, dict(zip(columns, cells)))


# --- the fixtures -------------------------------------------------------------------------

TEXT_FIXTURES = {
    "excel-windows.csv": (
        csvio.WINDOWS_1252_NOTE, ";", CONTACT_COLUMNS, [
            contact(2, "Renée Müller", "renee.mueller@example.com", "0301234567", "Straße & Partner",
                    "Budget 5.000,50 € für Q3"),
            contact(3, "Jürgen Groß", "juergen.gross@example.org", "+49 30 1234567", "Müller GmbH",
                    'Met at "Café Einstein"; call back'),
            contact(4, "José Núñez", "jose.nunez@example.com", "", "", ""),
        ]),
    "excel-mac.csv": (
        None, ",", CONTACT_COLUMNS, [
            contact(2, "Ana Ruiz", "ana.ruiz@example.com", "0301234567", "Acme Analytics",
                    "Met at the meetup\rAsked about the pilot"),
            contact(4, "Bo Lindqvist", "bo.lindqvist@example.org", "+49 30 1234567", "Northwind", ""),
            contact(5, "Park, Cy", "cy.park@example.com", "", "Contoso", 'Said "call in spring"'),
        ]),
    "excel-unicode.txt": (
        None, "\t", CONTACT_COLUMNS, [
            contact(2, "Zoë Ó Briain", "zoe.obriain@example.com", "+49 30 1234567", "Éire Labs",
                    "Likes tea; no coffee, ever"),
            contact(3, "李雷", "li.lei@example.org", "0301234567", "北方公司", "Two lines:\nsecond"),
            contact(5, "Ελένη Παππά", "eleni.pappa@example.com", "", "", 'She said "γεια"'),
        ]),
    "libreoffice.csv": (
        None, ",", ["Full Name", "E-mail", "Phone", "Company", "Birthday", "Notes"], [
            contact(2, "Ana Ruiz", "ana.ruiz@example.com", "0301234567", "Acme Analytics", "1985-03-12",
                    "Met at the data meetup in Valencia.\nAsked about the pilot; call back in spring.",
                    columns=["Full Name", "E-mail", "Phone", "Company", "Birthday", "Notes"]),
            contact(4, "Søren Lund", "soren.lund@example.org", "+45 12 34 56 78", "Gyldendal, Copenhagen", "",
                    "Prefers email", columns=["Full Name", "E-mail", "Phone", "Company", "Birthday", "Notes"]),
            contact(5, "Chloé Dubois", "chloe.dubois@example.com", "+33 1 23 45 67 89", "", "", "",
                    columns=["Full Name", "E-mail", "Phone", "Company", "Birthday", "Notes"]),
        ]),
}

SHEET_COLUMNS = ["Full Name", "E-mail", "Phone", "Company", "Birthday", "Notes"]
SHEET_RECORDS = [
    contact(2, "Ana Ruiz", "ana.ruiz@example.com", "0301234567", "Acme Analytics", "1985-03-12",
            "Met at the data meetup", columns=SHEET_COLUMNS),
    contact(3, "Bo Lindqvist", "bo.lindqvist@example.org", "+49 30 1234567", "Northwind", "",
            "Referred by Ana Ruiz", columns=SHEET_COLUMNS),
    contact(5, "Cy Park", "cy.park@example.com", "301234567", "Contoso", "",
            "Call in spring.\nAsked about pricing.", columns=SHEET_COLUMNS),
    contact(6, "Dee Okafor", "dee.okafor@example.org", "0301234567", "Fabrikam", "1990-07-01", "1.5",
            columns=SHEET_COLUMNS),
]


@pytest.mark.parametrize("name", sorted(TEXT_FIXTURES))
def test_each_text_fixture_reads_to_its_exact_records(name: str) -> None:
    data = (FOLDER / name).read_bytes()
    assert workbook.kind(data) is None
    assert read_text_file(data) == TEXT_FIXTURES[name]


def test_the_xlsx_fixture_reads_to_its_exact_records() -> None:
    data = (FOLDER / "sheet.xlsx").read_bytes()
    assert workbook.kind(data) == "xlsx"
    header, records = workbook.read_xlsx(data, "sheet.xlsx")
    assert header == SHEET_COLUMNS
    assert list(records) == SHEET_RECORDS


def test_the_generator_still_builds_the_workbook_fixtures() -> None:
    header, records = workbook.read_xlsx(make_sheet_xlsx.sheet_xlsx(), "sheet.xlsx")
    assert (header, list(records)) == (SHEET_COLUMNS, SHEET_RECORDS)
    assert make_sheet_xlsx.sheet_ods() == (FOLDER / "sheet.ods").read_bytes()


@pytest.mark.parametrize("name, expected", [
    ("sheet.xlsx", "xlsx"), ("sheet.ods", "ods"), ("excel-windows.csv", None), ("excel-mac.csv", None),
    ("excel-unicode.txt", None), ("libreoffice.csv", None),
])
def test_kind_of_each_fixture(name: str, expected: str | None) -> None:
    assert workbook.kind((FOLDER / name).read_bytes()) == expected


# --- encodings ----------------------------------------------------------------------------


def test_windows_1252_is_read_with_a_note_and_utf8_without() -> None:
    assert csvio.decode_text("Renée;€\r\n".encode("cp1252")) == ("Renée;€\r\n", csvio.WINDOWS_1252_NOTE)
    assert csvio.WINDOWS_1252_NOTE == "read as Windows-1252 (not UTF-8); use --encoding to choose another"
    assert csvio.decode_text("Renée;€\n".encode("utf-8")) == ("Renée;€\n", None)
    assert csvio.decode_text(b"\xef\xbb\xbfRen\xc3\xa9e\n") == ("Renée\n", None)
    assert csvio.decode_text(b"") == ("", None)


@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_with_a_bom_in_either_order(bom: bytes, codec: str) -> None:
    assert csvio.decode_text(bom + "Zoë\t李雷\r\n".encode(codec)) == ("Zoë\t李雷\r\n", None)


def test_a_named_encoding_is_used_as_given() -> None:
    windows = (FOLDER / "excel-windows.csv").read_bytes()
    text, note = csvio.decode_text(windows, "latin-1")
    assert note is None and "Budget 5.000,50 \x80 für Q3" in text  # latin-1 has no €: the user asked for it
    assert csvio.decode_text(windows, "cp1252")[0] == csvio.decode_text(windows)[0]
    unicode_txt = (FOLDER / "excel-unicode.txt").read_bytes()
    assert csvio.decode_text(unicode_txt, "utf-16") == (csvio.decode_text(unicode_txt)[0], None)
    assert csvio.decode_text(unicode_txt[2:], "utf-16-le")[0] == csvio.decode_text(unicode_txt)[0]
    assert csvio.decode_text("Zoë\r".encode("mac-roman"), "mac-roman") == ("Zoë\r", None)
    assert csvio.decode_text(b"\xef\xbb\xbfa,b\n", "utf-8") == ("a,b\n", None)  # the BOM never reaches the text


@pytest.mark.parametrize("name", ["klingon", "", "base64", "rot13", "utf\x008"])
def test_an_unknown_encoding_is_a_usage_error(name: str) -> None:
    with pytest.raises(BadInput) as caught:
        csvio.decode_text(b"a,b\n", name)
    assert caught.value.message == f"--encoding {csvio.shown(name)}: unknown encoding"


def test_bytes_that_a_named_encoding_cannot_read_are_refused_with_their_line() -> None:
    with pytest.raises(CsvProblem) as caught:
        csvio.decode_text(b"a,b\r\nc,d\r\n\xff,e\r\n", "utf-8")
    assert (caught.value.line, caught.value.message) == (3, "cannot be read as utf-8")
    with pytest.raises(CsvProblem) as caught:
        csvio.decode_text("a\nb\nc".encode("utf-16-le") + b"\x00", "utf-16-le")  # an odd byte at the end
    assert caught.value.line == 3


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_bytes_windows_1252_leaves_undefined_are_refused_with_their_line(byte: int) -> None:
    data = b"Name;Notes\r\nRen\xe9e;ok\r\nJos\xe9;bad " + bytes([byte]) + b"\r\n"
    with pytest.raises(CsvProblem) as caught:
        csvio.decode_text(data)
    assert caught.value.line == 3
    assert caught.value.message == (f"not UTF-8 or Windows-1252 text (byte 0x{byte:02X} is neither); "
                                    "use --encoding to name the file's encoding")


def test_a_line_number_counts_cr_only_line_ends_too() -> None:
    with pytest.raises(CsvProblem) as caught:
        csvio.decode_text(b"Name\rAna\r\nBo \x81\r")
    assert caught.value.line == 3


def test_text_whose_lines_end_in_cr_alone_is_mac_roman_when_it_is_not_utf8() -> None:
    """Classic Mac programs (and Excel's "Macintosh Comma Separated") end lines in CR alone and
    write Mac Roman, where 0x8E is é; Windows-1252 would read it as Ž."""
    assert csvio.decode_text(b"Name\rRen\x8ee\r") == ("Name\rRen\u00e9e\r", csvio.MAC_ROMAN_NOTE)
    assert csvio.decode_text(b"Name\r\nRen\x8ee\r\n") == ("Name\r\nRen\u017de\r\n", csvio.WINDOWS_1252_NOTE)
    assert csvio.decode_text("Name\rRen\u00e9e\r".encode("utf-8")) == ("Name\rRen\u00e9e\r", None)
    assert csvio.decode_text(b"Name\rRen\x8ee\r", "cp1252")[0] == "Name\rRen\u017de\r"


@pytest.mark.parametrize("data, line", [
    (b"Name,Notes\nAna,ok\n\x00\x01\x02", 3),
    (b"PK\x03\x04\x14\x00\x00\x00", 1),
    ("Name\r\nAna\x00\r\n".encode("utf-16"), 2),  # UTF-16 text holding a NUL character
    (b"\xef\xbb\xbfName\nAna\n\x00", 3),
])
def test_a_nul_byte_is_a_binary_file(data: bytes, line: int) -> None:
    with pytest.raises(CsvProblem) as caught:
        csvio.decode_text(data)
    assert caught.value.line == line
    assert caught.value.message.startswith("NUL byte: this looks like a binary file")


def test_utf16_without_a_bom_is_named_in_the_nul_message() -> None:
    with pytest.raises(CsvProblem) as caught:
        csvio.decode_text("Full Name\tE-mail\r\n".encode("utf-16-le"))
    assert caught.value.message.endswith("(or UTF-16 without a BOM: try --encoding utf-16-le)")
    assert csvio.decode_text("Full Name\tE-mail\r\n".encode("utf-16-le"), "utf-16-le")[0] == "Full Name\tE-mail\r\n"


# --- delimiters ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Name;E-mail;Notes\nAna;a@example.com;hi, there, again\nBo;b@example.com;x,y\n", ";"),
    ("Name\tE-mail\tNotes\nAna\ta@example.com\tone, two; three\n", "\t"),
    ("Name,E-mail,Notes\nAna,a@example.com,\"a;b;c;d\"\n", ","),
    ('"Name;Last",E-mail\n"Ruiz;Ana",a@example.com\n', ","),  # the delimiter inside quotes counts for nothing
    ('Name;"Notes\nmore"\nAna;"x,y,z\nw,v"\n', ";"),  # a quoted cell spanning lines
    ("Name,Notiz;Email\nAna,x;a@example.com\nBo;b@example.com\nCy;c@example.com\n", ";"),  # most rows agree
    ("Name;Email,Phone\nAna;a@example.com,1\n", ","),  # a tie goes to ","
    ("Name\tEmail;Phone\nAna\ta@example.com;1\n", ";"),  # then to ";"
    ("", ","),
    ("Full Name\nRuiz, Ana\nLind, Bo\n", ";"),  # one column: the candidate splitting no record
    ("Full Name\nAna Ruiz\n", ","),  # one column, nothing splits: ","
])
def test_sniff_delimiter(text: str, expected: str) -> None:
    assert csvio.sniff_delimiter(text) == expected


def test_a_preamble_is_skipped_by_naming_the_header_line() -> None:
    text = (FOLDER.parent / "linkedin-connections.csv").read_bytes().decode("utf-8-sig")
    assert csvio.sniff_delimiter(text, header_at=3) == ","
    assert csvio.sniff_delimiter("Exported 2024-03-12\n\nName;E-mail\nAna;a@example.com\n", header_at=2) == ";"


# --- line ends and line numbers -----------------------------------------------------------


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_line_numbers_are_physical_lines_whatever_the_line_end(end: str) -> None:
    text = end.join(['Name;Notes', 'Ana;"one', 'two', 'three"', 'Bo;ok', '', 'Cy;"x;y"', 'Dee;1;2', ''])
    header, records = csvio.read_csv(text, 0, ";")
    assert header == ["Name", "Notes"]
    assert next(records) == Record(2, {"Name": "Ana", "Notes": f"one{end}two{end}three"})
    assert next(records) == Record(5, {"Name": "Bo", "Notes": "ok"})
    assert next(records) == Record(7, {"Name": "Cy", "Notes": "x;y"})
    with pytest.raises(CsvProblem) as caught:
        next(records)
    assert (caught.value.line, caught.value.message) == (8, "3 cells but the header has 2")


def test_an_unterminated_quote_after_a_cr_only_multiline_cell_names_its_line() -> None:
    header, records = csvio.read_csv('a,b\r"x\ry",z\r1,"never ends\r2,3\r', 0, ",")
    assert next(records) == Record(2, {"a": "x\ry", "b": "z"})
    with pytest.raises(CsvProblem) as caught:
        next(records)
    assert caught.value.line == 4


def test_a_header_cell_may_span_lines() -> None:
    header, records = csvio.read_csv('Name;"Phone\r(mobile)"\rAna;0301234567\r', 0, ";")
    assert header == ["Name", "Phone\r(mobile)"]
    assert list(records) == [Record(3, {"Name": "Ana", "Phone\r(mobile)": "0301234567"})]


def test_a_header_after_notes_keeps_its_line_numbers() -> None:
    header, records = csvio.read_csv("Exported today\r\rName;E-mail\rAna;a@example.com\r", 2, ";")
    assert header == ["Name", "E-mail"]
    assert list(records) == [Record(4, {"Name": "Ana", "E-mail": "a@example.com"})]


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("header, message", [
    (["Full Name", "Phone", "Email", "Company", "Notes", "Birthday", "Email"],
     'duplicate column "Email" (columns 3 and 7)'),
    (["A", "B", "A", "A"], 'duplicate column "A" (columns 1 and 3)'),
    ([], "empty header line: the first line must name the columns"),
    (["", " ", ""], "empty header line: the first line must name the columns"),
    (["Name", "E\x00mail"], "NUL byte in the name of column 2: this looks like a binary file"),
    (["Name", "Notes\nmore", "Notes\nmore"], 'duplicate column "Notes\\nmore" (columns 2 and 3)'),
])
def test_check_header_refuses(header: list[str], message: str) -> None:
    with pytest.raises(CsvProblem) as caught:
        csvio.check_header(header, 4)
    assert (caught.value.line, caught.value.message) == (4, message)


def test_check_header_lets_unnamed_columns_repeat() -> None:
    csvio.check_header(["Full Name", "", "E-mail", ""], 1)
    csvio.check_header(["Email", "email"], 1)  # different names, different cells


# --- workbooks ----------------------------------------------------------------------------


def xlsx(*rows: list, formats: dict[str, str] | None = None) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("value, number_format, shown", [
    ("0301234567", "@", "0301234567"),
    ("  padded text ", None, "  padded text "),
    (42, None, "42"),
    (-7, None, "-7"),
    (301234567, "0000000000", "0301234567"),
    (1.5, None, "1.5"),
    (0.1 + 0.2, None, "0.3"),
    (1e-05, None, "0.00001"),
    (1e20, None, "100000000000000000000"),
    (-0.0, None, "0"),
    (3.0, None, "3"),
    (True, None, "TRUE"),
    (False, None, "FALSE"),
    (date(2024, 3, 12), "DD.MM.YYYY", "2024-03-12"),
    (datetime(2024, 3, 12), "YYYY-MM-DD HH:MM", "2024-03-12"),
    (datetime(2024, 3, 12, 14, 30), "YYYY-MM-DD HH:MM", "2024-03-12T14:30"),
    (datetime(2024, 3, 12, 14, 30, 15), "YYYY-MM-DD HH:MM:SS", "2024-03-12T14:30:15"),
    (time(9, 5), "HH:MM", "09:05"),
    (None, None, ""),
])
def test_each_kind_of_cell_reads_as_the_sheet_shows_it(value, number_format, shown: str) -> None:
    data = xlsx(["Value", "Next"], [value, "x"], formats={"A2": number_format} if number_format else None)
    header, records = workbook.read_xlsx(data, "cells.xlsx")
    assert header == ["Value", "Next"]
    assert list(records) == [Record(2, {"Value": shown, "Next": "x"})]


@pytest.mark.parametrize("value, shown", [
    (datetime(2024, 3, 12, 14, 29, 59, 999500), "2024-03-12T14:30"),  # a day's fraction read back
    (time(23, 59, 59, 600000), "00:00"),
    (timedelta(hours=36, minutes=5), "36:05:00"),
    (12345678901234567890, "12345678901234567890"),
    (float("inf"), "inf"),
])
def test_cell_text_edges(value, shown: str) -> None:
    assert workbook.cell_text(value) == shown


def test_a_formula_reads_as_its_saved_value_or_empty_when_it_has_none() -> None:
    written = xlsx(["Name", "Greeting"], ["Ana", '="Hello "&A2'])
    assert list(workbook.read_xlsx(written, "f.xlsx")[1]) == [Record(2, {"Name": "Ana", "Greeting": ""})]
    saved = make_sheet_xlsx.with_cached_values(written, {"B2": "Hello Ana"})
    assert list(workbook.read_xlsx(saved, "f.xlsx")[1]) == [Record(2, {"Name": "Ana", "Greeting": "Hello Ana"})]


def test_the_header_is_the_first_non_empty_row_and_rows_keep_their_numbers() -> None:
    data = xlsx([], [None, None], [" Full Name ", "E-mail", None, None], [], ["Ana", "a@example.com"],
                [None, " "], ["Bo"])
    header, records = workbook.read_xlsx(data, "gaps.xlsx")
    assert header == ["Full Name", "E-mail"]
    assert list(records) == [Record(5, {"Full Name": "Ana", "E-mail": "a@example.com"}),
                             Record(7, {"Full Name": "Bo", "E-mail": ""})]


def test_a_value_past_the_header_names_its_cell_and_the_rows_after_it_are_read() -> None:
    data = xlsx(["Name", "E-mail"], ["Ana", "a@example.com"], ["Bo", "b@example.com", None, "stray"], ["Cy"])
    records = workbook.read_xlsx(data, "stray.xlsx")[1]
    assert list(records) == [Record(2, {"Name": "Ana", "E-mail": "a@example.com"}),
                             Record(3, {}, "cell D3 has a value but its column has no header"),
                             Record(4, {"Name": "Cy", "E-mail": ""})]


def test_a_workbook_header_is_checked_on_its_row() -> None:
    with pytest.raises(CsvProblem) as caught:
        workbook.read_xlsx(xlsx([], ["Name", "Email", "Email"]), "dup.xlsx")
    assert (caught.value.line, caught.value.message) == (2, 'duplicate column "Email" (columns 2 and 3)')


def test_an_empty_workbook_is_one_problem() -> None:
    with pytest.raises(CsvProblem) as caught:
        workbook.read_xlsx(xlsx(), "empty.xlsx")
    assert (caught.value.line, caught.value.message) == (1, "the first worksheet of empty.xlsx (Sheet) is empty")


def test_only_the_first_worksheet_is_read() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Name"])
    book.active.append(["Ana"])
    book.create_sheet("Other").append(["Other", "Columns"])
    out = io.BytesIO()
    book.save(out)
    assert workbook.read_xlsx(out.getvalue(), "two.xlsx")[0] == ["Name"]


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


SHEET = (FOLDER / "sheet.xlsx").read_bytes()
CORRUPT = {
    "truncated": SHEET[: len(SHEET) // 2],
    "garbage after the magic": b"PK\x03\x04" + bytes(range(256)) * 4,
    "no workbook part": zip_of({"xl/workbook.xml": b"<not xml", "[Content_Types].xml": b"<x/>"}),
    "xml cut short": make_sheet_xlsx._rezip(SHEET, {"xl/worksheets/sheet1.xml": lambda xml: xml[: len(xml) // 2]}),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_a_corrupt_xlsx_is_one_problem(case: str) -> None:
    with pytest.raises(CsvProblem) as caught:
        header, records = workbook.read_xlsx(CORRUPT[case], "broken.xlsx")
        list(records)
    assert "\n" not in caught.value.message and "broken.xlsx" in caught.value.message
    assert caught.value.line >= 1


def test_a_truncated_xlsx_is_still_known_as_one() -> None:
    assert workbook.kind(CORRUPT["truncated"]) == "xlsx"


OLE2 = workbook.OLE2_MAGIC + bytes(504)


@pytest.mark.parametrize("data, expected", [
    (OLE2, "xls"),
    (OLE2 + "Root Entry".encode("utf-16-le") + bytes(10) + "EncryptedPackage".encode("utf-16-le"), "xlsx"),
    (zip_of({"Index/Document.iwa": b"", "Metadata/Properties.plist": b""}), "numbers"),
    (zip_of({"[Content_Types].xml": b"", "xl/workbook.bin": b""}), "xlsb"),
    (zip_of({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""}), None),
    (zip_of({"contacts.csv": b"Name\nAna\n"}), None),
    (b"Full Name,E-mail\nAna Ruiz,ana@example.com\n", None),
    (b"PK,Name\n1,Ana\n", None),
    (b"", None),
])
def test_kind(data: bytes, expected: str | None) -> None:
    assert workbook.kind(data) == expected


def test_a_password_protected_xlsx_says_so() -> None:
    protected = OLE2 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(CsvProblem) as caught:
        workbook.read_xlsx(protected, "secret.xlsx")
    assert caught.value.line == 1 and caught.value.message.startswith("secret.xlsx is password protected")


@pytest.mark.parametrize("kind, line", [
    ("ods", "contacts.ods is an OpenDocument spreadsheet: save it as CSV or .xlsx and import that"),
    ("xls", "contacts.ods is an Excel 97-2003 workbook (or another old Office file): save it as CSV or .xlsx "
            "and import that"),
    ("xlsb", "contacts.ods is an Excel binary workbook: save it as CSV or .xlsx and import that"),
    ("numbers", "contacts.ods is an Apple Numbers document: export it as CSV or .xlsx (File > Export To) "
                "and import that"),
])
def test_refusal(kind: str, line: str) -> None:
    assert kind in workbook.REFUSED
    assert workbook.refusal(kind, "contacts.ods") == line


def test_openpyxl_is_imported_only_to_read_a_workbook() -> None:
    probe = ("import sys, fupcli.cli.app, fupcli.cli.fast, fupcli.transfer.importer, fupcli.transfer.workbook; "
             "print('openpyxl' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.stdout.strip() == "False", proc.stderr


# --- the round trip -----------------------------------------------------------------------

ENCODERS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: text.encode("utf-8-sig"),
    "utf-16 (LE, BOM)": lambda text: text.encode("utf-16"),
    "utf-16-be with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "cp1252": lambda text: text.encode("cp1252"),
}
LINE_BREAK = re.compile(r"\r\n|\r|\n")


@st.composite
def tables(draw):
    """(delimiter, encoding, header, rows): header names hold none of the other two delimiters
    (real headers name columns; a name like "a,b" in a `;` file is ambiguous), cells hold anything."""
    delimiter = draw(st.sampled_from(csvio.DELIMITERS))
    encoding = draw(st.sampled_from(sorted(ENCODERS)))
    codec = "cp1252" if encoding == "cp1252" else "utf-8"
    others = "".join(d for d in csvio.DELIMITERS if d != delimiter)
    tricky = st.text(alphabet=st.sampled_from(list(',;\t"\r\n é€' + "'")), max_size=8)
    cell = st.text(st.characters(codec=codec, exclude_characters="\x00\ufeff"), max_size=10) | tricky
    name = st.text(st.characters(codec=codec, exclude_characters="\x00\ufeff\r\n" + others),
                   min_size=1, max_size=8).map(str.strip).filter(bool)
    width = draw(st.integers(1, 5))
    header = draw(st.lists(name, min_size=width, max_size=width, unique=True))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=8))
    return delimiter, encoding, header, rows


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_any_table_a_spreadsheet_could_write_comes_back_cell_for_cell(table) -> None:
    """The sniffer's one-column rule applies: a header no candidate splits is read with the
    candidate splitting the fewest records, so a one-column table (whose cells may hold the
    other delimiters unquoted) comes back whole when the sample holds all its records."""
    delimiter, encoding, header, rows = table
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    data = ENCODERS[encoding](out.getvalue())
    if encoding == "cp1252":
        try:
            assume(data.decode("utf-8").isascii())  # non-ASCII cp1252 that is also UTF-8 is read as UTF-8
        except UnicodeDecodeError:
            pass
    text, note = csvio.decode_text(data)
    assert text == out.getvalue()
    assert note == (csvio.WINDOWS_1252_NOTE if encoding == "cp1252" and not text.isascii() else None)
    sniffed = csvio.sniff_delimiter(text)
    if len(header) > 1:
        assert sniffed == delimiter
    got_header, records = csvio.read_csv(text, 0, sniffed)
    csvio.check_header(got_header, 1)
    expected, line = [], 2
    for row in rows:
        if any(cell.strip() for cell in row):
            expected.append(Record(line, dict(zip(header, row))))
        line += 1 + sum(len(LINE_BREAK.findall(cell)) for cell in row)
    assert (got_header, list(records)) == (header, expected)


def test_an_old_xls_given_to_read_xlsx_is_refused_in_words() -> None:
    with pytest.raises(CsvProblem) as caught:
        workbook.read_xlsx(OLE2, "old.xls")
    assert caught.value.message == workbook.refusal("xls", "old.xls")
