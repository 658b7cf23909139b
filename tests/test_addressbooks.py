"""`fup import contacts` from the address books people have: every layout, encoding and sheet.

Each test imports through the real CLI into a real SQLite file (`fup` fixture: FUP_HOME
and FUP_NOW set) and reads back what `fup show`, `list`, `today` and `export` say.
The fixtures are the small fictional files in examples/addressbooks/.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "addressbooks"


def write(path: Path, text: str, encoding: str = "utf-8") -> str:
    path.write_bytes(text.encode(encoding))
    return str(path)


# --- no row from before the contact existed ----------------------------------------------------


def test_a_birthday_just_before_an_import_is_not_overdue(fup, tmp_path):
    """A 02-29 birthday falls on 02-28 in 2027: imported on 03-01, nothing is overdue from before."""
    book = write(tmp_path / "google.csv", "First Name,Last Name,Birthday,Labels,E-mail 1 - Value\n"
                                          "Ana,Ruiz,--02-29,,ana@example.com\n")
    fup.ok("import", "contacts", book, now="2027-03-01T09:00")
    assert fup.json("today", "-f", "json", now="2027-03-01T09:00") == []
    listed = fup.json("list", "-f", "json", now="2027-03-01T09:00")
    assert [(c["name"], c["next_due"]) for c in listed] == [("Ana Ruiz", "2028-02-29")]
    card = fup.json("show", "ana", "-f", "json", now="2027-03-01T09:00")
    assert card["next"]["due"] == "2028-02-29"
    exported = fup.ok("export", "contacts", now="2027-03-01T09:00").stdout.splitlines()
    assert exported[1].split(",")[15] == "2028-02-29"  # next_due


def test_a_birthday_coming_up_still_shows_for_a_contact_imported_before_it(fup, tmp_path):
    book = write(tmp_path / "google.csv", "First Name,Last Name,Birthday,Labels,E-mail 1 - Value\n"
                                          "Ana,Ruiz,--02-29,,ana@example.com\n")
    fup.ok("import", "contacts", book, now="2027-02-25T09:00")
    rows = fup.json("today", "-f", "json", now="2027-02-26T09:00")  # Friday before the Sunday
    assert [(r["kind"], r["due"], r["days_overdue"]) for r in rows] == [("birthday", "2027-02-26", 0)]


# --- every address book in ---------------------------------------------------------------------


def people(fup) -> dict[str, dict]:
    """Every contact as `fup show --format json` gives it, by name."""
    return {c["name"]: fup.json("show", str(c["id"]), "-f", "json") for c in fup.json("list", "-f", "json")}


# (file, layout, {name: (email, other emails, phone, other phones, company, birthday)})
BOOKS = {
    "outlook-desktop.csv": ("outlook", {
        "Léa Fournier": ("lea.fournier@atelier-nord.example", ["lea@fournier.example"], "+33 6 55 50 01 11",
                         ["+33 1 55 50 01 10"], "Atelier Nord", "1988-04-17"),
        "Tom Becker": ("tom.becker@northwind.example", [], "(555) 010-2233", [], "Northwind Traders", None),
        "Greta Lund": (None, [], "555-0147", [], None, "1979-12-03"),
    }),
    "outlook-com.csv": ("outlook", {
        "Ravi Menon": ("ravi.menon@example.org", ["ravi@menon.example"], "+91 98 5550 0101", [], "Chai & Code", "1990-09-21"),
        "Mia Wong": (None, [], "+852 5550 0199", [], "Harbour Labs", None),
    }),
    "excel-windows.csv": ("sheet", None),
    "excel-mac.csv": ("sheet", None),
    "excel-mac-roman.csv": ("sheet", {
        "Léa Fournier": ("lea.fournier@example.com", [], "0155500111", [], "Atelier Nord", None),
        "José Álvarez": ("jose.alvarez@example.org", [], "+34 600 000 001", [], "Compañía Sur", None),
        "Björn Åberg": ("bjorn.aberg@example.com", [], None, [], "Nordström & Co", None),
    }),
    "excel-unicode.txt": ("sheet", None),
    "libreoffice.csv": ("sheet", {
        "Ana Ruiz": ("ana.ruiz@example.com", [], "0301234567", [], "Acme Analytics", "1985-03-12"),
        "Søren Lund": ("soren.lund@example.org", [], "+45 12 34 56 78", [], "Gyldendal, Copenhagen", None),
        "Chloé Dubois": ("chloe.dubois@example.com", [], "+33 1 23 45 67 89", [], None, None),
    }),
    "sheet.xlsx": ("sheet", {
        "Ana Ruiz": ("ana.ruiz@example.com", [], "0301234567", [], "Acme Analytics", "1985-03-12"),
        "Bo Lindqvist": ("bo.lindqvist@example.org", [], "+49 30 1234567", [], "Northwind", None),
        "Cy Park": ("cy.park@example.com", [], "301234567", [], "Contoso", None),
        "Dee Okafor": ("dee.okafor@example.org", [], "0301234567", [], "Fabrikam", "1990-07-01"),  # (format 0000000000)
    }),
    "apple-contacts.vcf": ("vcard", None),
    "google-contacts.vcf": ("vcard", None),
    "android-2.1.vcf": ("vcard", None),
    "outlook.vcf": ("vcard", None),
    "thunderbird-4.0.vcf": ("vcard", None),
}


@pytest.mark.parametrize("book", sorted(BOOKS))
def test_every_address_book_fixture_imports_and_a_second_run_adds_nobody(fup, book):
    layout, expected = BOOKS[book]
    path = str(EXAMPLES / book)
    dry = fup.ok("import", "contacts", path, "--dry-run")
    assert f"({layout} format)" in dry.stdout and fup.dump() is None
    first = fup.ok("import", "contacts", path)
    count = len(fup.json("list", "-f", "json"))
    assert first.stdout.startswith(f"Imported contacts ({layout} format): {count} new, 0 updated, 0 unchanged.")
    again = fup.ok("import", "contacts", path)
    assert again.stdout.startswith(f"Imported contacts ({layout} format): 0 new, 0 updated, {count} unchanged.")
    if expected is not None:
        got = {name: (c["email"], c["other_emails"], c["phone"], c["other_phones"], c["company"], c["birthday"])
               for name, c in people(fup).items()}
        assert got == expected


def test_the_excel_files_read_alike_whatever_their_encoding_delimiter_and_line_ends(fup, tmp_path):
    seen = []
    for book in ("excel-windows.csv", "excel-mac.csv", "excel-unicode.txt"):
        fup.ok("import", "contacts", str(EXAMPLES / book), env={"FUP_HOME": str(tmp_path / book)})
        listed = fup.json("list", "-f", "json", env={"FUP_HOME": str(tmp_path / book)})
        seen.append(sorted(c["name"] for c in listed))
    assert all(len(names) == 3 for names in seen)
    windows = fup("import", "contacts", str(EXAMPLES / "excel-windows.csv"), "--dry-run")
    assert "read as Windows-1252 (not UTF-8)" in windows.stderr
    mac = fup("import", "contacts", str(EXAMPLES / "excel-mac-roman.csv"), "--dry-run")
    assert "read as Mac Roman (not UTF-8, and its lines end in CR alone" in mac.stderr
    forced = fup("import", "contacts", str(EXAMPLES / "excel-windows.csv"), "--dry-run", "--encoding", "cp1252")
    assert forced.exit_code == 0 and "Windows-1252" not in forced.stderr


def test_a_workbook_fup_cannot_read_and_an_unknown_encoding_are_one_line(fup):
    ods = fup("import", "contacts", str(EXAMPLES / "sheet.ods"))
    assert ods.exit_code == 2 and ods.stderr.count("\n") == 1
    assert "is an OpenDocument spreadsheet: save it as CSV or .xlsx" in ods.stderr
    bad = fup("import", "contacts", str(EXAMPLES / "libreoffice.csv"), "--encoding", "klingon")
    assert bad.exit_code == 2 and bad.stderr == "fup: error: --encoding klingon: unknown encoding\n"
    assert fup.dump() is None


def test_map_reads_your_own_columns_and_the_dry_run_lists_the_others(fup, tmp_path):
    sheet = write(tmp_path / "leads.csv", "Vorname;Nachname;Firma;Mail;Mail privat;Geburtstag;Umsatz\r\n"
                                          "Jana;Novak;Kovo s.r.o.;jana@kovo.example;jana@novak.example;31.12.1980;12000\r\n")
    args = ["--map", "name=Vorname", "--map", "name=Nachname", "--map", "company=Firma", "--map", "email=Mail",
            "--map", "email=Mail privat", "--map", "birthday=Geburtstag", "--date-format", "%d.%m.%Y"]
    dry = fup.ok("import", "contacts", sheet, *args, "--dry-run")
    assert "columns not imported: Umsatz" in dry.stderr
    fup.ok("import", "contacts", sheet, *args)
    jana = fup.json("show", "jana", "-f", "json")
    assert (jana["name"], jana["company"], jana["email"], jana["other_emails"], jana["birthday"], jana["source"]) == (
        "Jana Novak", "Kovo s.r.o.", "jana@kovo.example", ["jana@novak.example"], "1980-12-31", "leads.csv")
    assert "also: jana@novak.example" in fup.ok("show", "jana").stdout


@pytest.mark.parametrize("args, words", [
    (["--map", "name"], "expected FIELD=COLUMN"),
    (["--map", "nickname=Vorname"], "'nickname' is not one of fup's fields"),
    (["--map", "name=Vorname", "--map", "email=E-Mail"], "the file has no column 'E-Mail'"),
    (["--map", "tags=Umsatz"], "map at least one of name, email or company"),
    (["--map", "name=Vorname", "--from", "google"], "cannot be used with --from google"),
    (["--map", "name=Vorname", "--date-format", "%Y"], "needs at least %d and %m"),
    (["--from", "sheet"], "no column is named name"),
    (["--from", "outlook"], "this is not a outlook contacts file"),
])
def test_mistyped_map_and_date_options_are_one_line_and_write_nothing(fup, tmp_path, args, words):
    sheet = write(tmp_path / "leads.csv", "Vorname;Mail;Umsatz\nJana;jana@kovo.example;12000\n")
    result = fup("import", "contacts", sheet, *args)
    assert result.exit_code == 2 and words in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert fup.dump() is None


def test_a_date_that_does_not_fit_names_the_column_the_row_and_the_form(fup, tmp_path):
    sheet = write(tmp_path / "leads.csv", "Name,Birthday\nJana Novak,31.12.1980\nBo Berg,1980-31-12\n")
    plain = fup("import", "contacts", sheet)
    assert plain.exit_code == 2
    assert f"{sheet}:2: Birthday '31.12.1980' is not a date like 2024-03-12; give its form with --date-format" in plain.stderr
    formed = fup("import", "contacts", sheet, "--date-format", "%d.%m.%Y")
    assert formed.exit_code == 2
    assert f"{sheet}:3: Birthday '1980-31-12'" in formed.stderr  # ISO-shaped, so read as ISO: month 31
    us = fup("import", "contacts", write(tmp_path / "us.csv", "Name,Birthday\nJana Novak,12/31/1980\n"),
             "--date-format", "%d.%m.%Y")
    assert "Birthday '12/31/1980' is not a date in the form %d.%m.%Y (e.g. 12.03.2024)" in us.stderr
    assert fup.dump() is None


def test_rows_without_a_name_are_named_from_what_they_have_and_listed(fup, tmp_path):
    sheet = write(tmp_path / "list.csv", "Name,Email,Company\n,ana.ruiz@acme.example,\n,,Kovo\nBo Berg,,\n")
    result = fup.ok("import", "contacts", sheet)
    assert f"2 rows had no name and were named from their email or company: {sheet}:2, {sheet}:3" in result.stdout
    assert sorted(c["name"] for c in fup.json("list", "-f", "json")) == ["Bo Berg", "ana.ruiz (acme.example)",
                                                                           "someone at Kovo"]
    nothing = fup("import", "contacts", write(tmp_path / "empty.csv", "Name,Email,Company,Notes\n,,,just a note\n"))
    assert nothing.exit_code == 2 and "nothing to identify a person" in nothing.stderr


def test_every_problem_of_a_row_is_reported_and_skip_bad_imports_the_rest(fup, tmp_path):
    sheet = write(tmp_path / "list.csv", "Name,Email,Birthday\nAna Ruiz,ana@,13-45\nBo Berg,bo@example.com,\n"
                                         "Cy Park,cy at example,\n")
    result = fup("import", "contacts", sheet)
    assert result.exit_code == 2
    assert [line.split(": ")[0] for line in result.stderr.splitlines()[:-1]] == [f"{sheet}:2", f"{sheet}:2", f"{sheet}:4"]
    assert fup.dump() is None
    skipped = fup.ok("import", "contacts", sheet, "--skip-bad")
    assert skipped.stdout.splitlines()[0] == "Imported contacts (sheet format): 1 new, 0 updated, 0 unchanged."
    assert "Skipped 3 problems (--skip-bad):" in skipped.stdout and f"  {sheet}:4: invalid email" in skipped.stdout
    assert [c["name"] for c in fup.json("list", "-f", "json")] == ["Bo Berg"]


def test_a_broken_vcard_card_is_reported_and_the_cards_after_it_are_read(fup, tmp_path):
    """A card with unreadable lines, a card left open, lines outside any card: each is one
    problem with its line, and the reading goes on; `--skip-bad` imports the good cards."""
    book = write(tmp_path / "book.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Ruiz\nEND:VCARD\n"
                                        "BEGIN:VCARD\nFN;ENCODING=QUOTED-PRINTABLE:Bo=ZZ\nNOTE;ENCODING=b:*\nEND:VCARD\n"
                                        "BEGIN:VCARD\nFN:Cy Open\n"
                                        "BEGIN:VCARD\nFN:Dee Berg\nEND:VCARD\n"
                                        "stray line\nanother stray\n"
                                        "BEGIN:VCARD\nFN:Eve Lind\nEND:VCARD\n")
    result = fup("import", "contacts", book)
    assert result.exit_code == 2
    assert [line.split(": ")[0] for line in result.stderr.splitlines()[:-1]] == [
        f"{book}:6", f"{book}:7", f"{book}:9", f"{book}:14"]
    assert fup.dump() is None
    skipped = fup.ok("import", "contacts", book, "--skip-bad")
    assert skipped.stdout.splitlines()[0] == "Imported contacts (vcard format): 3 new, 0 updated, 0 unchanged."
    assert f"  {book}:9: BEGIN:VCARD has no END:VCARD before the next BEGIN:VCARD on line 11" in skipped.stdout
    assert [c["name"] for c in fup.json("list", "-f", "json")] == ["Ana Ruiz", "Dee Berg", "Eve Lind"]


def test_namesakes_at_one_company_with_different_emails_are_two_people(fup, tmp_path):
    sheet = write(tmp_path / "list.csv", "Name,Company,Email,URL\n"
                                         "Ana Ruiz,Acme,ana@acme.example,\n"
                                         "Ana Ruiz,Acme,ana.ruiz@acme.example,\n"
                                         "Bo Berg,Kovo,,https://www.linkedin.com/in/bo-berg-1\n"
                                         "Bo Berg,Kovo,,https://www.linkedin.com/in/bo-berg-2\n"
                                         "Cy Park,Contoso,cy@contoso.example,\n"
                                         "Cy Park,Contoso,,\n")
    result = fup.ok("import", "contacts", sheet)
    assert result.stdout.startswith("Imported contacts (sheet format): 5 new, 0 updated, 1 unchanged.")


def test_any_email_matches_an_existing_contact(fup, tmp_path):
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example")
    fup.ok("edit", "ana", "--email2", "ana@home.example")
    sheet = write(tmp_path / "list.csv", "Name,Email,Phone\nAna R.,ana@home.example,+34 600 000 001\n")
    result = fup.ok("import", "contacts", sheet)
    assert result.stdout.startswith("Imported contacts (sheet format): 0 new, 1 updated, 0 unchanged.")
    ana = fup.json("show", "ana", "-f", "json")
    assert (ana["name"], ana["phone"], ana["other_emails"]) == ("Ana Ruiz", "+34 600 000 001", ["ana@home.example"])
    fup.ok("add", "Bo Berg", "--email", "bo@example.com")
    both = write(tmp_path / "both.csv", "Name,Email,Email 2\nBo Berg,bo@example.com,ana@acme.example\n")
    before = fup.dump()
    clash = fup("import", "contacts", both, "--map", "name=Name", "--map", "email=Email", "--map", "email=Email 2")
    assert clash.exit_code == 2  # one row, two people: which one is it?
    assert f"{both}:2: email ana@acme.example belongs to another contact" in clash.stderr
    assert fup.dump() == before


def test_update_replaces_what_differs_and_the_dry_run_says_each_change(fup, tmp_path):
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example", "--company", "Acme", "--title", "CTO")
    sheet = write(tmp_path / "list.csv", "Name,Email,Company,Title,Phone\n"
                                         "Ana Ruiz-Lopez,ana@acme.example,Acme,VP Engineering,+34 600 000 001\n")
    before = fup.dump()
    dry = fup.ok("import", "contacts", sheet, "--update", "--dry-run")
    assert dry.stdout.splitlines() == [
        "Would import contacts (sheet format): 0 new, 1 updated, 0 unchanged.  Nothing was written.",
        "  #1 name: 'Ana Ruiz' -> 'Ana Ruiz-Lopez'",
        "  #1 title: 'CTO' -> 'VP Engineering'",
        "  #1 phone: (empty) -> '+34 600 000 001'",
        "  #1 source: (empty) -> 'list.csv'",
    ]
    assert fup.dump() == before
    fup.ok("import", "contacts", sheet, "--update")
    ana = fup.json("show", "1", "-f", "json")
    assert (ana["name"], ana["title"], ana["phone"]) == ("Ana Ruiz-Lopez", "VP Engineering", "+34 600 000 001")
    assert fup.json("show", "lopez", "-f", "json")["id"] == 1  # found by the new name's words
    fup.ok("undo")
    assert fup.json("show", "1", "-f", "json")["title"] == "CTO"


def test_without_update_a_match_only_fills_empty_fields(fup, tmp_path):
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example", "--title", "CTO")
    sheet = write(tmp_path / "list.csv", "Name,Email,Title,Phone\nAna Ruiz,ana@acme.example,VP,+34 600\n")
    fup.ok("import", "contacts", sheet)
    ana = fup.json("show", "ana", "-f", "json")
    assert (ana["title"], ana["phone"]) == ("CTO", "+34 600")


def test_the_layout_is_told_by_the_first_line_even_when_notes_hold_a_linkedin_header(fup, tmp_path):
    fup.ok("add", "Ana Ruiz", "--note", "First Name,Last Name,URL,Email Address,Company,Position,Connected On")
    exported = write(tmp_path / "export.csv", fup.ok("export", "contacts").stdout)
    result = fup.ok("import", "contacts", exported, "--dry-run")
    assert result.stdout.startswith("Would import contacts (fup format): 0 new, 0 updated, 1 unchanged.")


@pytest.mark.parametrize("header, words", [
    ("Name,Email,Name", 'duplicate column "Name" (columns 1 and 3)'),
    ("Name,Em\0ail", "NUL"),
])
def test_a_broken_header_is_one_line_and_writes_nothing(fup, tmp_path, header, words):
    result = fup("import", "contacts", write(tmp_path / "list.csv", f"{header}\nAna,ana@example.com,x\n"))
    assert result.exit_code == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert fup.dump() is None


# --- out again: other addresses in the CSV, vCard 4.0 ------------------------------------------


def test_other_emails_and_phones_go_out_and_come_back_byte_for_byte(fup, tmp_path):
    fup.ok("import", "contacts", str(EXAMPLES / "outlook-desktop.csv"))
    first = fup.ok("export", "contacts").stdout
    header, lea = list(csv.reader(io.StringIO(first, newline="")))[:2]
    assert header[-2:] == ["other_emails", "other_phones"]
    assert lea[-2:] == ["lea@fournier.example", "'+33 1 55 50 01 10"]
    copy = write(tmp_path / "export.csv", first)
    fup.ok("import", "contacts", copy, env={"FUP_HOME": str(tmp_path / "copy")})
    assert fup.ok("export", "contacts", env={"FUP_HOME": str(tmp_path / "copy")}).stdout == first
    rows = fup.json("export", "contacts", "-f", "json")
    assert rows[0]["other_emails"] == ["lea@fournier.example"] and rows[0]["other_phones"] == ["+33 1 55 50 01 10"]


def test_export_vcf_is_vcard_4_that_imports_back_the_same_people(fup, tmp_path):
    fup.ok("import", "contacts", str(EXAMPLES / "outlook-desktop.csv"))
    fup.ok("add", "Bo Berg", "--birthday", "02-29", "--tag", "vip", "--note", "likes; commas, and\nlines")
    cards = fup.ok("export", "contacts", "--format", "vcf").stdout_bytes
    assert cards.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n") and cards.count(b"BEGIN:VCARD") == 4
    assert b"BDAY:--0229\r\n" in cards and b"NOTE:likes; commas\\, and\\nlines\r\n" in cards
    assert all(len(line) <= 75 for line in cards.split(b"\r\n"))
    path = tmp_path / "all.vcf"
    path.write_bytes(cards)
    again = fup.ok("import", "contacts", str(path))
    assert again.stdout.startswith("Imported contacts (vcard format): 0 new, 0 updated, 4 unchanged.")
    home = {"FUP_HOME": str(tmp_path / "copy")}
    fup.ok("import", "contacts", str(path), env=home)
    keys = ("name", "company", "title", "email", "phone", "url", "birthday", "tags", "notes", "other_emails", "other_phones")
    mine = [{k: c[k] for k in keys} for c in fup.json("export", "contacts", "-f", "json")]
    theirs = [{k: c[k] for k in keys} for c in fup.json("export", "contacts", "-f", "json", env=home)]
    assert theirs == mine
    refused = fup("export", "touches", "--format", "vcf")
    assert refused.exit_code == 2 and "--format vcf is for `fup export contacts` only" in refused.stderr


def test_a_team_database_keeps_every_email_and_phone_and_undoes_the_import(fup, pg_url):
    """On PostgreSQL (schema 0008's contact_phone under row security and the journal trigger)."""
    server = {"FUP_DB": pg_url}
    fup.ok("import", "contacts", str(EXAMPLES / "outlook-desktop.csv"), env=server)
    fup.ok("import", "contacts", str(EXAMPLES / "outlook-desktop.csv"))
    assert fup.ok("export", "contacts", env=server).stdout == fup.ok("export", "contacts").stdout
    lea = fup.json("show", "lea", "-f", "json", env=server)
    assert (lea["other_emails"], lea["other_phones"]) == (["lea@fournier.example"], ["+33 1 55 50 01 10"])
    fup.ok("undo", env=server)
    assert fup.json("list", "-f", "json", env=server) == []


def test_edit_adds_and_removes_other_phone_numbers(fup):
    fup.ok("add", "Ana Ruiz", "--phone", "+34 600 000 001")
    fup.ok("edit", "ana", "--phone2", "0301234567", "--phone2", "+34 600 000 001", "--phone2", "0301234567")
    assert fup.json("show", "ana", "-f", "json")["other_phones"] == ["0301234567"]  # (the main one is not repeated)
    assert "other phones: 0301234567" in fup.ok("show", "ana").stdout
    missing = fup("edit", "ana", "--rm-phone2", "555")
    assert missing.exit_code != 0 and "Ana Ruiz has no other phone number 555" in missing.stderr
    fup.ok("edit", "ana", "--rm-phone2", "0301234567")
    assert fup.json("show", "ana", "-f", "json")["other_phones"] == []
    fup.ok("undo")
    assert fup.json("show", "ana", "-f", "json")["other_phones"] == ["0301234567"]


# --- what a second reading found ---------------------------------------------------------------


def test_a_broken_row_does_not_stop_the_reading_and_skip_bad_keeps_the_rows_after_it(fup, tmp_path):
    wide = write(tmp_path / "wide.csv", "name,email\nAna,ana@x.example\nBo,bo@x.example,extra\n"
                                        "Cy,cy@x.example\nDi,di@x.example,more\nEd,\"ed@x.example\"junk\nFe,fe@x.example\n")
    result = fup("import", "contacts", wide)
    assert result.exit_code == 2
    assert [line.split(": ")[0] for line in result.stderr.splitlines()[:-1]] == [f"{wide}:3", f"{wide}:5", f"{wide}:6"]
    skipped = fup.ok("import", "contacts", wide, "--skip-bad")
    assert skipped.stdout.startswith("Imported contacts (sheet format): 3 new, 0 updated, 0 unchanged.")
    assert sorted(c["name"] for c in fup.json("list", "-f", "json")) == ["Ana", "Cy", "Fe"]


def test_skip_bad_also_skips_a_row_whose_emails_belong_to_two_people(fup, tmp_path):
    own = write(tmp_path / "own.csv", "name,email\nA,a@x.example\nB,b@x.example\nC,\"a@x.example;b@x.example\"\nD,d@x.example\n")
    assert fup("import", "contacts", own).exit_code == 2
    result = fup.ok("import", "contacts", own, "--skip-bad")
    assert result.stdout.startswith("Imported contacts (sheet format): 3 new, 0 updated, 0 unchanged.")
    assert f"  {own}:4: email b@x.example belongs to another contact" in result.stdout


def test_update_keeps_your_source_and_the_phone_it_replaces(fup, tmp_path):
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example", "--phone", "555", "--source", "the Lisbon summit")
    sheet = write(tmp_path / "list.csv", "name,email,phone\nAna Ruiz,ana@acme.example,777\n")
    dry = fup.ok("import", "contacts", sheet, "--update", "--dry-run")
    assert dry.stdout.splitlines()[1:] == ["  #1 phone: '555' -> '777'", "  #1 other phone: + 555"]
    fup.ok("import", "contacts", sheet, "--update")
    ana = fup.json("show", "ana", "-f", "json")
    assert (ana["source"], ana["phone"], ana["other_phones"]) == ("the Lisbon summit", "777", ["555"])


def test_update_reaches_a_contact_without_a_name_and_rows_without_one_are_not_merged(fup, tmp_path):
    args = ["--map", "email=E-mail", "--map", "title=Title", "--map", "company=Company"]
    first = write(tmp_path / "s1.csv", "E-mail,Title,Company\nq@x.example,Intern,Acme\n,Buyer,Acme\n,CFO,Acme\n")
    result = fup.ok("import", "contacts", first, *args)
    assert result.stdout.startswith("Imported contacts (sheet format): 3 new, 0 updated, 0 unchanged.")
    second = write(tmp_path / "s2.csv", "E-mail,Title,Company\nq@x.example,CEO,Acme\n")
    dry = fup.ok("import", "contacts", second, *args, "--update", "--dry-run")
    assert dry.stdout.splitlines() == [
        "Would import contacts (sheet format): 0 new, 1 updated, 0 unchanged.  Nothing was written.",
        "  #1 title: 'Intern' -> 'CEO'"]


def test_an_id_or_a_shared_name_never_joins_two_people_with_different_emails(fup, tmp_path):
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--email", "ana1@acme.example")
    fup.ok("add", "Ana Ruiz", "--company", "Acme", "--email", "ana2@acme.example")
    other = write(tmp_path / "other.csv", fup.ok("export", "contacts").stdout.replace("ana1@acme.example", "zz@x.example"))
    result = fup.ok("import", "contacts", other, "--dry-run")
    assert result.stdout.startswith("Would import contacts (fup format): 1 new, 0 updated, 1 unchanged.")
    which = write(tmp_path / "which.csv", "name,company,title\nAna Ruiz,Acme,CFO\n")  # one of the two, but which?
    assert fup.ok("import", "contacts", which, "--dry-run").stdout.startswith("Would import contacts (sheet format): 1 new")


@pytest.mark.parametrize("args, words", [
    (["--map", "name=Foo"], "--map and --date-format read the columns of a sheet"),
    (["--date-format", "%d.%m.%Y"], "--map and --date-format read the columns of a sheet"),
])
def test_sheet_options_on_a_vcard_are_refused(fup, args, words):
    result = fup("import", "contacts", str(EXAMPLES / "apple-contacts.vcf"), *args)
    assert result.exit_code == 2 and words in result.stderr and fup.dump() is None


def test_encoding_on_a_workbook_is_refused(fup):
    result = fup("import", "contacts", str(EXAMPLES / "sheet.xlsx"), "--encoding", "cp1252")
    assert result.exit_code == 2 and "--encoding is for text files" in result.stderr


def test_a_yearless_form_takes_29_february_and_sheet_tags_take_spaces(fup, tmp_path):
    sheet = write(tmp_path / "list.csv", "Name,Birthday,Labels\nAna Ruiz,29.02,Trade Fair 2025; VIP\n")
    fup.ok("import", "contacts", sheet, "--date-format", "%d.%m")
    ana = fup.json("show", "ana", "-f", "json")
    assert (ana["birthday"], ana["tags"]) == ("02-29", ["trade-fair-2025", "vip"])


def test_from_sheet_reads_a_fup_export_as_a_plain_sheet(fup, tmp_path):
    fup.ok("add", "Ana Ruiz", "--email", "ana@acme.example")
    exported = write(tmp_path / "export.csv", fup.ok("export", "contacts").stdout)
    result = fup.ok("import", "contacts", exported, "--from", "sheet", "--dry-run")
    assert result.stdout.splitlines() == [  # (matched by email; where we met, empty, is filled with the file's name)
        "Would import contacts (sheet format): 0 new, 1 updated, 0 unchanged.  Nothing was written.",
        "  #1 source: (empty) -> 'export.csv'"]


def test_a_phone_made_the_main_one_is_no_longer_listed_as_another(fup):
    fup.ok("add", "Ana Ruiz", "--phone", "111")
    fup.ok("edit", "ana", "--phone2", "222")
    fup.ok("edit", "ana", "--phone", "222")
    ana = fup.json("show", "ana", "-f", "json")
    assert (ana["phone"], ana["other_phones"]) == ("222", [])


def test_a_semicolon_that_would_split_an_address_or_another_phone_is_refused(fup, tmp_path):
    """`;` joins a contact's other emails and phones in CSV, so neither may hold one: it would come
    back as two. A main phone may (it has a column of its own)."""
    sheet = tmp_path / "semicolons.csv"
    sheet.write_text("name,Phone,Mobile,email\nAna Ruiz,030 1; ext 2,0170 1;2,ana@x.example\n"
                     "Bo Li,030 3; ext 4,,bo;li@x.example\n", encoding="utf-8")
    result = fup("import", "contacts", str(sheet), "--map", "name=name", "--map", "phone=Phone", "--map", "phone=Mobile",
                 "--map", "email=email")
    assert result.exit_code == 2
    assert f"{sheet}:2: phone '0170 1;2': another phone cannot hold ';' (it separates them in CSV)" in result.stderr
    assert f"{sheet}:3: invalid email 'bo'" in result.stderr  # (a sheet's cell may list addresses: split at ';')
    assert not (fup.home / "fup.db").exists()
    fup.ok("add", "Ana Ruiz", "--phone", "030 1; ext 2")
    refused = fup("edit", "Ana Ruiz", "--phone2", "0170 1;2")
    assert refused.exit_code == 2 and "another phone cannot hold ';'" in refused.stderr
    assert fup("add", "Cy Po", "--email", "cy,po@x.example").exit_code == 2
