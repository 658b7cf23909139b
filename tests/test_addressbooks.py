"""`fup import contacts` from the address books people have: every layout, encoding and sheet.

Each test imports through the real CLI into a real SQLite file (`fup` fixture: FUP_HOME
and FUP_NOW set) and reads back what `fup show`, `list`, `today` and `export` say.
The fixtures are the small fictional files in examples/addressbooks/.
"""

from __future__ import annotations

from pathlib import Path

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
