"""Builds examples/addressbooks/sheet.xlsx and sheet.ods, the workbook fixtures of test_file_reading.

Run `python tests/make_sheet_xlsx.py` to rebuild them. The .xlsx is written by openpyxl,
then its sheet is patched to hold the value its formula had when "saved", as Excel
stores it (openpyxl writes formulas without one), and every zip entry gets a fixed
date so that a rebuild gives the same bytes. The .ods is the smallest valid
OpenDocument spreadsheet: the `mimetype` entry first and uncompressed, then
the content and the manifest.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

FOLDER = Path(__file__).resolve().parent.parent / "examples" / "addressbooks"
FIXED = (1980, 1, 1, 0, 0, 0)
HEADER = ["Full Name", "E-mail", "Phone", "Company", "Birthday", "Notes"]
FORMULA = ("F3", '=CONCATENATE("Referred by ",A2)', "Referred by Ana Ruiz")


def sheet_xlsx() -> bytes:
    """A hand-made contact list: a date-typed birthday, a phone kept as text, numeric phones
    (one formatted with leading zeros), an empty row, a formula, a styled empty cell past the table."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = datetime(2024, 3, 12, 9, 0)
    sheet = book.active
    sheet.title = "Contacts"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["Ana Ruiz", "ana.ruiz@example.com", "0301234567", "Acme Analytics", date(1985, 3, 12),
                  "Met at the data meetup"])
    sheet["C2"].number_format = "@"  # formatted as text, as a phone typed with a leading zero must be
    sheet["E2"].number_format = "DD.MM.YYYY"
    sheet.append(["Bo Lindqvist", "bo.lindqvist@example.org", "+49 30 1234567", "Northwind", None, FORMULA[1]])
    sheet.append([])
    sheet.append(["Cy Park", "cy.park@example.com", 301234567, "Contoso", None,
                  "Call in spring.\nAsked about pricing."])
    sheet.append(["Dee Okafor", "dee.okafor@example.org", 301234567, "Fabrikam", datetime(1990, 7, 1), 1.5])
    sheet["C6"].number_format = "0000000000"
    sheet["E6"].number_format = "YYYY-MM-DD"
    sheet["H9"].font = Font(italic=True)  # styled but empty: widens the stored size, holds nothing
    out = io.BytesIO()
    book.save(out)
    return with_cached_values(out.getvalue(), {FORMULA[0]: FORMULA[2]})


def with_cached_values(xlsx: bytes, values: dict[str, str]) -> bytes:
    """`xlsx` with the formula cells named in `values` holding that text as their saved value."""
    def patch(sheet_xml: str) -> str:
        for ref, value in values.items():
            pattern = re.compile(r'<c r="%s"([^>]*)><f>(.*?)</f><v\s*/>' % ref)
            sheet_xml, count = pattern.subn(
                lambda m: f'<c r="{ref}"{m.group(1)} t="str"><f>{m.group(2)}</f><v>{escape(value)}</v>', sheet_xml)
            assert count == 1, f"no formula cell {ref}"
        return sheet_xml

    return _rezip(xlsx, {"xl/worksheets/sheet1.xml": patch})


def _rezip(data: bytes, patches: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in patches:
                content = patches[info.filename](content.decode("utf-8")).encode("utf-8")
            target.writestr(zipfile.ZipInfo(info.filename, FIXED), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body><office:spreadsheet><table:table table:name="Contacts">
%s
 </table:table></office:spreadsheet></office:body>
</office:document-content>
"""

ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def sheet_ods() -> bytes:
    rows = [HEADER, ["Ana Ruiz", "ana.ruiz@example.com", "0301234567", "Acme Analytics", "1985-03-12", ""]]
    xml_rows = "\n".join(
        "  <table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p></table:table-cell>'
            for cell in row) + "</table:table-row>"
        for row in rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", FIXED), "application/vnd.oasis.opendocument.spreadsheet",
                         zipfile.ZIP_STORED)
        archive.writestr(zipfile.ZipInfo("content.xml", FIXED), ODS_CONTENT % xml_rows, zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo("META-INF/manifest.xml", FIXED), ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main() -> None:
    (FOLDER / "sheet.xlsx").write_bytes(sheet_xlsx())
    (FOLDER / "sheet.ods").write_bytes(sheet_ods())


if __name__ == "__main__":
    main()
