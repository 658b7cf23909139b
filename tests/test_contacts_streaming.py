"""`fup import contacts` read as a stream and matched a chunk at a time: what it must keep doing.

The import opens its file as a stream (`csvio.open_text`), matches each chunk of
`scratch.CHUNK` rows against indexes in a scratch SQLite database (`storage.scratch.Matcher`)
and, into a home with no database yet, checks the whole file before making one.
What is proven here:

- `open_text` is `decode_text` read as a stream: for arbitrary bytes (BOMs, NULs, bytes
  Windows-1252 leaves undefined, CR/LF mixes, UTF-8, UTF-16 and Windows-1252 text) and
  any `--encoding` (none, known, unknown), at any scan size, it gives the same text and
  note, or raises what `decode_text` raises (same type; for CsvProblem the same line and
  message); read the way the importer reads it (tell, a head, seek, lines), the same text;
- rows in one chunk and in different chunks match each other as the rules say: by any
  email (the main one or another), by fup id when the name agrees, by name + company when
  exactly one contact has them and no email differs (namesakes whose emails differ stay
  two people); an id taken by an earlier chunk's row gets a fresh one past every id kept;
- a dry run counts exactly what the import then does, into an empty home and into a
  database, and writes nothing;
- a failing import (a bad row, a clash found by matching, a bad byte, an unknown
  encoding) into a home with no database exits 2, says why on stderr and leaves no
  database file behind, with `--dry-run` too;
- the Python allocations of a contacts import do not grow with the file (10k vs 40k rows);
- the scratch matcher's lookups are one SQL statement text per kind, whatever the chunk,
  so sqlite3 keeps each prepared once.

Expected outcomes are worked out from the matching rules (README "Re-runnable"; the
docstrings of `storage.scratch.Matcher` and `importer._Plan`), not from running the code.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sqlite3
import tracemalloc
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupcli.context import AppContext
from fupcli.errors import BadInput
from fupcli.storage import scratch as staging
from fupcli.transfer import csvio, formats, importer

CHUNK = staging.CHUNK  # 1000: rows 1-1000 are chunk 1, 1001-2000 chunk 2, 2001- chunk 3


# --- 1. open_text is decode_text, streamed ------------------------------------------------------


def _outcome(read):
    """('ok', value) or (exception type, line, message) for CsvProblem, (type, message) for others."""
    try:
        return ("ok", read())
    except csvio.CsvProblem as exc:
        return (csvio.CsvProblem, exc.line, exc.message)
    except BadInput as exc:
        return (BadInput, exc.message)
    except Exception as exc:  # noqa: BLE001 - anything else is a difference, shown in the assertion
        return (type(exc), str(exc))


_CP1252_TEXT = st.text(alphabet=st.sampled_from("abc ,;\"'\r\n\té€ŠœŸ–—‘’“”•™ÿ"), max_size=12)
_PIECES = st.one_of(
    st.binary(max_size=6),
    st.sampled_from([b"\x00", b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d", b"\r", b"\n", b"\r\n", b"\n\r",
                     b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xc3", b"\xa9", b"\xe2\x82", b"\xd8\x00"]),
    st.text(max_size=12).map(lambda s: s.encode("utf-8")),
    _CP1252_TEXT.map(lambda s: s.encode("cp1252")),
    st.text(max_size=6).map(lambda s: s.encode("utf-16-le", "surrogatepass")),
    st.text(max_size=6).map(lambda s: s.encode("utf-16-be", "surrogatepass")),
)
_PREFIXES = st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8 * 2,
                             codecs.BOM_UTF16_LE * 2, codecs.BOM_UTF16_BE + codecs.BOM_UTF16_BE,
                             b"\xff\xfe\x00\x00", b"\xef\xbb", b"\x00"])


@settings(max_examples=300, deadline=None)
@given(prefix=_PREFIXES, pieces=st.lists(_PIECES, max_size=10),
       encoding=st.sampled_from([None, "utf-8", "cp1252", "utf-16", "latin-1", "nosuch"]),
       scan=st.sampled_from([1, 2, 3, 5, 1 << 18]))
def test_open_text_gives_what_decode_text_gives(prefix: bytes, pieces: list[bytes], encoding, scan: int) -> None:
    data = prefix + b"".join(pieces)
    expected = _outcome(lambda: csvio.decode_text(data, encoding))

    def streamed():
        text, note = csvio.open_text(io.BytesIO(data), encoding)
        return text.read(), note

    def as_the_importer_reads():  # tell, a head, back, then line by line (read_csv iterates the stream)
        text, note = csvio.open_text(io.BytesIO(data), encoding)
        start = text.tell()
        text.read(3)
        text.seek(start)
        return "".join(text), note

    with mock.patch.object(csvio, "_SCAN_BYTES", scan):  # the check reads the file this many bytes at a time
        assert _outcome(streamed) == expected, (data, encoding, scan)
        assert _outcome(as_the_importer_reads) == expected, (data, encoding, scan)


_SAME = object()  # (the outcome is whatever decode_text gives)
CASES = [
    (b"\xef\xbb\xbfid,name\r\n", None, ("ok", ("id,name\r\n", None))),
    (codecs.BOM_UTF16_LE + "a\r\nb".encode("utf-16-le"), None, ("ok", ("a\r\nb", None))),
    (codecs.BOM_UTF16_BE + "\u00e9".encode("utf-16-be"), None, ("ok", ("\u00e9", None))),
    ("caf\u00e9".encode("cp1252"), None, ("ok", ("caf\u00e9", csvio.WINDOWS_1252_NOTE))),
    (b"a\r\nb\rc\n\x81", None, (csvio.CsvProblem, 4, "not UTF-8 or Windows-1252 text (byte 0x81 is neither); "
                                                   "use --encoding to name the file's encoding")),
    (b"a\nb\x00", None, (csvio.CsvProblem, 2, "NUL byte: this looks like a binary file")),
    (b"a\nb\x00", "latin-1", (csvio.CsvProblem, 2, "NUL byte: this looks like a binary file")),
    (b"abc", "utf-16", (csvio.CsvProblem, 1, "cannot be read as utf-16")),
    (b"abc", "nosuch", (BadInput, "--encoding nosuch: unknown encoding")),
    # a BOM written twice (a tool adding one to a file that has one): decode_text drops both
    (codecs.BOM_UTF8 * 2 + b"name\r\n", None, ("ok", ("name\r\n", None))),
    (codecs.BOM_UTF16_LE * 2 + "name".encode("utf-16-le"), None, ("ok", ("name", None))),
    # --encoding utf-16 for a file without a BOM: bytes.decode reads it in the machine's order
    ("name,email\r\n".encode("utf-16-le"), "utf-16", _SAME),
    # an empty file with an encoding Python does not know
    (b"", "nosuch", _SAME),
]


@pytest.mark.parametrize(("data", "encoding", "outcome"), CASES, ids=[
    "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1252", "byte-0x81", "nul", "nul-latin1", "odd-utf16",
    "unknown-encoding", "utf8-bom-twice", "utf16-bom-twice", "utf16-named-no-bom", "empty-unknown-encoding"])
def test_open_text_agrees_on_these_cases(data: bytes, encoding, outcome) -> None:
    """Cases the property may or may not reach in its 300 examples, each said on its own."""
    def streamed():
        text, note = csvio.open_text(io.BytesIO(data), encoding)
        return text.read(), note

    expected = _outcome(lambda: csvio.decode_text(data, encoding))
    if outcome is not _SAME:
        assert expected == outcome
    assert _outcome(streamed) == expected


# --- files ---------------------------------------------------------------------------------------


def write_csv(path: Path, columns, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def person(n: int, **changes) -> dict:
    """Row n of a fup export (line n + 1): id n, 'Person 0000n', pn@example.com."""
    row = {"id": n, "name": f"Person {n:05d}", "email": f"p{n}@example.com", "cadence": "warm", "state": "active",
           "channel": "email", "created_at": "2026-01-05T09:00:00"}
    row.update(changes)
    return row


def exported(fup) -> dict[int, dict]:
    """The contacts as `fup export contacts -f json` gives them, by id."""
    return {c["id"]: c for c in fup.json("export", "contacts", "-f", "json")}


def summary(result, dry_run: bool = False) -> str:
    """The counts line of an import's stdout, as the real run would print it."""
    line = result.stdout.splitlines()[0]
    if dry_run:
        assert line.startswith("Would import ") and line.endswith("  Nothing was written."), line
        line = "Imported " + line.removeprefix("Would import ").removesuffix("  Nothing was written.")
    return line


# --- 2. matching across chunk boundaries --------------------------------------------------------
#
# The fup-format file: 2,500 rows (three chunks); row k is person(k) unless changed below.
# Rows of one fup export are distinct, so its new rows are indexed by id and email only.

SAME_EMAIL = {  # row: the earlier row whose email (and everything but its id) it repeats
    1001: 1000,  # the first row of chunk 2, the last of chunk 1
    1500: 10,  # chunk 2 <- chunk 1
    1510: 1200,  # chunk 2 <- chunk 2
    2001: 2000,  # chunk 3 <- the last row of chunk 2
    2100: 20,  # chunk 3 <- chunk 1
    2200: 1300,  # chunk 3 <- chunk 2
    2300: 2050,  # chunk 3 <- chunk 3
}
FRESH = (1700, 2160, 2222, 2400)  # rows that get fresh ids, in file order


def export_rows() -> list[dict]:
    rows = {k: person(k) for k in range(1, 2501)}
    for k, earlier in SAME_EMAIL.items():
        rows[k] = person(earlier, id=k)
    rows[30] = person(30, other_emails="p30b@example.com")
    rows[2450] = person(30, id=2450, email="p30b@example.com")  # chunk 3: row 30's other email
    rows[2150] = person(15, email="")  # chunk 3: row 15's id and name, no email: row 15
    rows[1700] = person(1700, id=5)  # chunk 2: row 5's id under another name: a fresh id
    rows[2160] = person(16, email="q16@example.com")  # chunk 3: row 16's id and name, another email: someone else
    rows[2222] = person(2222, id=1234)  # chunk 3: row 1234's id (chunk 2), another name
    rows[300] = person(300, id=2400)  # chunk 1 takes the id of row 2400 (chunk 3), which gets a fresh one
    return [rows[k] for k in range(1, 2501)]


MERGED = (*SAME_EMAIL, 2450, 2150)  # rows that are an earlier row's contact


def expected_contacts() -> dict[int, tuple]:
    """id -> (name, email, other emails), from the rules: merged rows add nothing; a fresh id is
    past the highest id kept (2500, row 2500's), given in file order."""
    rows = export_rows()
    found = {}
    fresh = iter(range(2501, 2501 + len(FRESH)))
    for k, row in enumerate(rows, 1):
        if k in MERGED:
            continue
        cid = next(fresh) if k in FRESH else row["id"]
        assert cid not in found
        found[cid] = (row["name"], row["email"], [e for e in row.get("other_emails", "").split(";") if e])
    return found


EXPORT_SUMMARY = f"Imported contacts (fup format): {2500 - len(MERGED)} new, 0 updated, {len(MERGED)} unchanged."


def test_an_export_s_rows_match_across_chunks_by_email_and_id(fup, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", formats.CONTACT_COLUMNS, export_rows())
    assert summary(fup.ok("import", "contacts", str(path))) == EXPORT_SUMMARY
    contacts = exported(fup)
    assert {cid: (c["name"], c["email"], c["other_emails"]) for cid, c in contacts.items()} == expected_contacts()
    assert max(contacts) == 2504 and contacts[2501]["name"] == "Person 01700" and contacts[2504]["name"] == "Person 02400"
    assert contacts[2400]["name"] == "Person 00300"
    assert "0 new, 0 updated, 2500 unchanged" in fup.ok("import", "contacts", str(path)).stdout  # (twice: nobody new)


# The sheet: 2,100 rows (three chunks) of name, company, email; new rows are indexed by name too.

def sheet_rows() -> list[dict]:
    rows = {k: {"name": f"Sheet Person {k}", "company": f"Co {k}", "email": f"s{k}@example.com"} for k in range(1, 2101)}
    rows[900] = {"name": "Ana Ruiz", "company": "Acme", "email": "ana1@example.com"}
    rows[1100] = {"name": "Ana Ruiz", "company": "Acme", "email": "ana2@example.com"}  # a namesake: someone else
    rows[2060] = {"name": "Ana Ruiz", "company": "Acme", "email": ""}  # either of two: neither (new)
    rows[2070] = {"name": "Ana Ruiz", "company": "Acme", "email": "ana2@example.com"}  # row 1100, by its email
    rows[950] = {"name": "Bo Lind", "company": "Northwind", "email": "bo@example.com"}
    rows[2050] = {"name": "Bo Lind", "company": "Northwind", "email": ""}  # chunk 3 <- chunk 1, by name + company
    rows[1000] = {"name": "Eve Adams", "company": "Yotta", "email": "eve@example.com"}
    rows[1001] = {"name": "Eve Adams", "company": "Yotta", "email": ""}  # across the first boundary
    rows[1110] = {"name": "Dee Ok", "company": "Zeta", "email": "dee@example.com"}
    rows[1120] = {"name": "Dee Ok", "company": "Zeta", "email": ""}  # in the same chunk
    rows[1300] = {"name": "Cy Park", "company": "Contoso", "email": ""}
    rows[1999] = {"name": "Cy Park", "company": "Other", "email": ""}  # another company: someone else
    return [rows[k] for k in range(1, 2101)]


SHEET_MERGED = (2070, 2050, 1001, 1120)
SHEET_SUMMARY = f"Imported contacts (sheet format): {2100 - len(SHEET_MERGED)} new, 0 updated, {len(SHEET_MERGED)} unchanged."


def test_a_sheet_s_namesakes_across_chunks(fup, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", ("name", "company", "email"), sheet_rows())
    assert summary(fup.ok("import", "contacts", str(path))) == SHEET_SUMMARY
    contacts = list(exported(fup).values())
    assert len(contacts) == 2100 - len(SHEET_MERGED)
    by_name = Counter((c["name"], c["company"]) for c in contacts)
    assert by_name[("Ana Ruiz", "Acme")] == 3
    assert sorted((c["email"] or "") for c in contacts if c["name"] == "Ana Ruiz") == \
        ["", "ana1@example.com", "ana2@example.com"]
    for name, company in (("Bo Lind", "Northwind"), ("Eve Adams", "Yotta"), ("Dee Ok", "Zeta"),
                          ("Cy Park", "Contoso"), ("Cy Park", "Other")):
        assert by_name[(name, company)] == 1, name
    rows = sheet_rows()
    expected = Counter((r["name"], r["company"], r["email"] or None) for k, r in enumerate(rows, 1) if k not in SHEET_MERGED)
    assert Counter((c["name"], c["company"], c["email"]) for c in contacts) == expected


# --- 3. a dry run plans what the import does ---------------------------------------------------


def export_update_rows() -> list[dict]:
    """The export again, with titles on rows of three chunks and a new person twice (chunk 3)."""
    rows = export_rows()
    for k in (999, 1234, 2345):
        rows[k - 1] = dict(rows[k - 1], title=f"Title {k}")
    newcomer = person(0, id="", name="New Person", email="new@example.com")
    return rows + [newcomer, dict(newcomer)]


# Against the database the first file made: every row is a contact there (by id, or by its
# email when its id names someone else); the three titles fill, the newcomer's second row is its first.
UPDATE_SUMMARY = "Imported contacts (fup format): 1 new, 3 updated, 2498 unchanged."


def test_a_dry_run_counts_what_the_import_does(fup, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "people.csv", ("name", "company", "email"), sheet_rows())
    export = write_csv(tmp_path / "export.csv", formats.CONTACT_COLUMNS, export_rows())
    again = write_csv(tmp_path / "again.csv", formats.CONTACT_COLUMNS, export_update_rows())

    for path, expected in ((sheet, SHEET_SUMMARY), (export, EXPORT_SUMMARY)):  # into a home with no database
        assert summary(fup.ok("import", "contacts", str(path), "--dry-run"), dry_run=True) == expected
        assert not fup.db_path.exists()

    assert summary(fup.ok("import", "contacts", str(export))) == EXPORT_SUMMARY
    before = fup.dump()
    assert summary(fup.ok("import", "contacts", str(again), "--dry-run"), dry_run=True) == UPDATE_SUMMARY
    assert summary(fup.ok("import", "contacts", str(sheet), "--dry-run"), dry_run=True) == SHEET_SUMMARY  # (none there)
    assert fup.dump() == before
    assert summary(fup.ok("import", "contacts", str(again))) == UPDATE_SUMMARY
    contacts = exported(fup)
    assert {cid: c["title"] for cid, c in contacts.items() if c["title"]} == {
        999: "Title 999", 1234: "Title 1234", 2345: "Title 2345"}
    assert max(contacts) == 2505 and contacts[2505]["name"] == "New Person"
    assert len(contacts) == len(expected_contacts()) + 1


# --- 4. a failing import into a home with no database -------------------------------------------


def test_a_failing_import_makes_no_database(fup, tmp_path: Path) -> None:
    rows = export_rows()
    bad_row = write_csv(tmp_path / "bad-row.csv", formats.CONTACT_COLUMNS,
                        [dict(r, cadence="sometimes") if r["id"] == 1501 else r for r in rows])
    clash = write_csv(tmp_path / "clash.csv", formats.CONTACT_COLUMNS,  # row 2400: row 10's email and row 20's
                      rows[:2399] + [person(2400, email="p10@example.com", other_emails="p20@example.com")] + rows[2400:])
    data = write_csv(tmp_path / "byte.csv", formats.CONTACT_COLUMNS, rows).read_bytes()
    lines = data.split(b"\r\n")
    lines[1799] = lines[1799].replace(b"Person", b"Pers\x81n")  # line 1800
    byte = tmp_path / "byte.csv"
    byte.write_bytes(b"\r\n".join(lines))
    cases = [
        (bad_row, [], f"{bad_row}:1502: unknown cadence profile 'sometimes'"),
        (clash, [], f"{clash}:2401: email p20@example.com belongs to another contact"),
        (byte, [], f"{byte}:1800: not UTF-8 or Windows-1252 text (byte 0x81 is neither); "
                   "use --encoding to name the file's encoding"),
        (bad_row, ["--encoding", "nosuch"], "fup: error: --encoding nosuch: unknown encoding"),
    ]
    for path, extra, problem in cases:
        for dry in ([], ["--dry-run"]):
            result = fup("import", "contacts", str(path), *extra, *dry)
            assert result.exit_code == 2, (path, dry, result.stdout, result.stderr)
            assert result.stderr.splitlines()[0].startswith(problem), (dry, result.stderr)
            assert result.stdout == ""
            assert sorted(os.listdir(fup.home)) == [], (path, dry)
    good = write_csv(tmp_path / "good.csv", formats.CONTACT_COLUMNS, [person(k) for k in range(1, 2501)])
    assert "2500 new" in fup.ok("import", "contacts", str(good)).stdout  # (the home itself was fine)
    assert fup.db_path.exists()


# --- 5. flat memory ------------------------------------------------------------------------------


def people_file(path: Path, count: int) -> Path:
    """`count` distinct people of a fup export, with emails (indexed) and every tenth with another."""
    rows = [person(n, other_emails=f"alt{n}@example.com" if n % 10 == 0 else "") for n in range(1, count + 1)]
    return write_csv(path, formats.CONTACT_COLUMNS, rows)


def import_peak(monkeypatch, home: Path, path: Path) -> int:
    """The peak of Python's allocations during one import (in-process) into `home`, above what was
    allocated before it; the home holds a few contacts first."""
    home.mkdir()
    monkeypatch.setenv("FUP_HOME", str(home))
    ctx = AppContext.from_environment()
    try:
        importer.import_contacts(ctx, str(write_csv(home.parent / f"{home.name}-few.csv", formats.CONTACT_COLUMNS, [
            person(n, id=900_000 + n, name=f"Few {n}", email=f"few{n}@example.com") for n in range(1, 4)])))
    finally:
        ctx.close()
    ctx = AppContext.from_environment()
    try:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before, _ = tracemalloc.get_traced_memory()
            report = importer.import_contacts(ctx, str(path))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        ctx.close()
    assert report.new > 0 and report.unchanged == 0
    return peak - before


def test_a_contacts_import_does_not_grow_with_the_file(fup, tmp_path: Path, monkeypatch) -> None:
    small = people_file(tmp_path / "small.csv", 10_000)
    large = people_file(tmp_path / "large.csv", 40_000)
    assert large.stat().st_size > 3 * 2**20  # held whole, as bytes and as text, it would show at once
    import_peak(monkeypatch, tmp_path / "warm", people_file(tmp_path / "warm.csv", 1500))  # (first use: caches)
    small_peak = import_peak(monkeypatch, tmp_path / "small", small)
    large_peak = import_peak(monkeypatch, tmp_path / "large", large)
    assert large_peak <= small_peak + 2 * 2**20, (small_peak, large_peak)


def vcard_book(path: Path, count: int) -> Path:
    """`count` distinct people as vCard 3.0 cards, every tenth with a photo fup skips."""
    with path.open("w", encoding="utf-8", newline="") as out:
        for n in range(1, count + 1):
            photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 40 + "\r\n" if n % 10 == 0 else ""
            out.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n:05d}\r\nEMAIL;TYPE=work:p{n}@example.com\r\n"
                      f"TEL;TYPE=cell:+49 30 {n:07d}\r\n{photo}END:VCARD\r\n")
    return path


def test_a_vcard_import_does_not_grow_with_the_file(fup, tmp_path: Path, monkeypatch) -> None:
    """A vCard file is read a line at a time, as a CSV file is: only the open card is held."""
    small = vcard_book(tmp_path / "small.vcf", 10_000)
    large = vcard_book(tmp_path / "large.vcf", 40_000)
    assert large.stat().st_size > 3 * 2**20
    import_peak(monkeypatch, tmp_path / "warm", vcard_book(tmp_path / "warm.vcf", 1500))  # (first use: caches)
    small_peak = import_peak(monkeypatch, tmp_path / "small", small)
    large_peak = import_peak(monkeypatch, tmp_path / "large", large)
    assert large_peak <= small_peak + 2 * 2**20, (small_peak, large_peak)


def xlsx_book(path: Path, count: int) -> Path:
    """`count` distinct people in a workbook, as a spreadsheet with its own column names keeps them."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Contacts")
    sheet.append(["Full Name", "E-mail", "Mobile", "Organization"])
    for n in range(1, count + 1):
        sheet.append([f"Person {n:05d}", f"p{n}@example.com", f"+49 30 {n:07d}", f"Company {n % 97}"])
    book.save(path)
    return path


def test_a_workbook_import_does_not_grow_with_the_file(fup, tmp_path: Path, monkeypatch) -> None:
    """An .xlsx is read from the file (not its bytes) in openpyxl's read-only mode, row by row."""
    small = xlsx_book(tmp_path / "small.xlsx", 3_000)
    large = xlsx_book(tmp_path / "large.xlsx", 12_000)
    import_peak(monkeypatch, tmp_path / "warm", xlsx_book(tmp_path / "warm.xlsx", 500))  # (first use: caches)
    small_peak = import_peak(monkeypatch, tmp_path / "small", small)
    large_peak = import_peak(monkeypatch, tmp_path / "large", large)
    assert large_peak <= small_peak + 2 * 2**20, (small_peak, large_peak)


# --- 6. the scratch matcher's statements ---------------------------------------------------------


class Recording:
    """A sqlite3 connection that counts the statement texts it is given."""

    def __init__(self, conn: sqlite3.Connection, texts: Counter):
        self._conn, self._texts = conn, texts

    def execute(self, sql, *args):
        self._texts[sql] += 1
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self._texts[sql] += 1
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def scratch_statements(fup, monkeypatch, path: Path) -> Counter:
    """The statement texts given to the scratch database in one import (into a home of its own)."""
    texts: Counter = Counter()
    connect = sqlite3.connect
    monkeypatch.setattr(staging, "sqlite3", SimpleNamespace(
        connect=lambda *a, **k: Recording(connect(*a, **k), texts), Connection=sqlite3.Connection))
    try:
        home = path.with_suffix(".home")
        home.mkdir()
        fup.ok("import", "contacts", str(path), env={"FUP_HOME": str(home)})
    finally:
        monkeypatch.setattr(staging, "sqlite3", sqlite3)
    return texts


def test_the_matcher_s_lookups_are_one_statement_each(fup, tmp_path: Path, monkeypatch) -> None:
    """Each chunk looks up its ids, emails, URLs and names with one statement of each kind, the
    same text for every chunk (its values go as one parameter), never a list of placeholders."""
    def rows(count: int) -> list[dict]:
        return [person(n, url=f"https://example.com/in/p{n}", company=f"Co {n % 7}") for n in range(1, count + 1)]

    small = scratch_statements(fup, monkeypatch, write_csv(tmp_path / "small.csv", formats.CONTACT_COLUMNS, rows(1500)))
    large = scratch_statements(fup, monkeypatch, write_csv(tmp_path / "large.csv", formats.CONTACT_COLUMNS, rows(5000)))
    assert large, "the scratch database was not opened with sqlite3.connect"
    lookups = {sql: n for sql, n in large.items() if "json_each" in sql}
    kinds = sorted(sql.split()[sql.split().index("FROM") + 1] for sql in lookups)
    assert kinds == ["email", "ident", "name", "url"], lookups
    assert set(lookups.values()) == {5000 // CHUNK}, lookups  # once a chunk each
    assert {sql: n for sql, n in small.items() if "json_each" in sql} == {sql: 1500 // CHUNK + 1 for sql in lookups}
    assert not [sql for sql in large if re.search(r"\bIN\s*\(\s*\?", sql)]
    assert set(large) == set(small)  # no statement text depends on the file's size


# --- 7. rows that fill a contact made earlier in the same file ------------------------------------


def test_rows_filling_a_contact_made_earlier_in_the_file_are_counted(fup, tmp_path: Path) -> None:
    """Every row is counted once: new, merged into one of those, updated or unchanged; a row of
    fup's own file that fills a new contact does not make it matchable by name (the rows of one
    export are distinct people: the third row, a bare namesake, stays its own contact)."""
    path = tmp_path / "same-file.csv"
    path.write_text("id,name,email,title,cadence,state\r\n1,Ana,a@x.example,,none,active\r\n"
                    "2,Ana,a@x.example,CTO,none,active\r\n,Ana,,,none,active\r\n"
                    "3,Ana,a@x.example,,none,active\r\n", encoding="utf-8")
    dry = fup.ok("import", "contacts", str(path), "--dry-run")
    assert summary(dry, dry_run=True) == "Imported contacts (fup format): 2 new (1 more row merged into them), 0 updated, 1 unchanged."
    result = fup.ok("import", "contacts", str(path))
    assert summary(result) == "Imported contacts (fup format): 2 new (1 more row merged into them), 0 updated, 1 unchanged."
    contacts = exported(fup)
    assert sorted((c["id"], c["name"], c["email"], c["title"]) for c in contacts.values()) == [
        (1, "Ana", "a@x.example", "CTO"), (2, "Ana", None, None)]
    sheet = tmp_path / "sheet.csv"  # (a sheet's rows are matched by name too)
    sheet.write_text("name,email,title\r\nBo Li,bo@x.example,\r\nBo Li,,CFO\r\n", encoding="utf-8")
    assert summary(fup.ok("import", "contacts", str(sheet))) == \
        "Imported contacts (sheet format): 1 new (1 more row merged into it), 0 updated, 0 unchanged."
