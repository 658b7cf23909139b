"""Phone numbers that survive a spreadsheet opening fup's CSV export and saving it again.

A spreadsheet reads `0301234567` in a CSV file as the number 301234567 and
saves it that way; `fup export contacts` therefore writes a phone that looks
like a number with a leading `'` (`fupcli.transfer.textcells`), which
LibreOffice and Excel keep as text, and `fup import` takes it off again.

- the rule: `phone_value(phone_cell(p)) == p` for any text, a phone that does
  not look like a number is written as it is, the whole export/import path
  (`neutralise`, mark, `restore`, unmark) gives back every text, and the SQL
  that writes large exports agrees with the Python functions;
- the round trip through LibreOffice Calc, headless (tests/spreadsheet_app.py),
  opened three ways (no import options, the Text Import dialog's defaults, and
  "Detect special numbers" on): `fup export contacts`, open and save as CSV,
  `fup import --dry-run` finds every row unchanged, a real import into an empty
  home, and the export from there is the first export byte for byte. The same
  run saves the `--raw` export too, to show what the mark protects against;
- PostgreSQL writes the same cells as SQLite (the SQL is the same).

Without LibreOffice (or a PostgreSQL server) those tests skip, or fail when CI=true.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spreadsheet_app
from fupcli.transfer.csvio import neutralise, neutralise_sql, restore
from fupcli.transfer.textcells import SKIPPED, looks_like_number, phone_cell, phone_cell_sql, phone_value

# Any text a phone could hold (fup refuses NUL and most control characters, but the rule needs no such limit).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)))
SQL_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(("phone", "cell"), [
    ("0301234567", "'0301234567"),
    ("00491701234567", "'00491701234567"),
    ("030 1234567", "'030 1234567"),
    ("555-0100", "'555-0100"),
    ("1e5", "'1e5"),
    ("2024-03-12", "'2024-03-12"),
    ("(555) 010-1234", "'(555) 010-1234"),
    (".5", "'.5"),
    ("'0301234567", "''0301234567"),
    ("+49 30 1234567", "+49 30 1234567"),  # (its `'` comes from csvio.neutralise)
    ("ask reception", "ask reception"),
    ("(ask)", "(ask)"),
    ("", ""),
])
def test_a_phone_that_looks_like_a_number_gets_a_mark(phone: str, cell: str) -> None:
    assert phone_cell(phone) == cell
    assert phone_value(cell) == phone


@pytest.mark.parametrize(("phone", "written"), [
    ("0301234567", "'0301234567"),
    ("+4930123456789", "'+4930123456789"),
    ("'0301234567", "'''0301234567"),
    ("'+1", "''+1"),
    ("=SUM(1)", "'=SUM(1)"),
])
def test_the_export_cell_is_the_mark_over_the_formula_escape(phone: str, written: str) -> None:
    assert phone_cell(neutralise(phone)) == written
    assert phone_value(restore(written)) == phone


@given(ANY_TEXT)
def test_phone_value_undoes_phone_cell(phone: str) -> None:
    assert phone_value(phone_cell(phone)) == phone


@given(st.text(st.sampled_from(SKIPPED)), st.characters(exclude_characters="0123456789.,(" + SKIPPED), ANY_TEXT)
def test_a_phone_that_does_not_start_like_a_number_is_written_as_it_is(skipped: str, first: str, rest: str) -> None:
    phone = skipped + first + rest
    assert not looks_like_number(phone)
    assert phone_cell(phone) == phone


@given(ANY_TEXT)
def test_export_then_import_gives_back_every_phone(phone: str) -> None:
    """Export: the formula escape, then the mark; import: `restore`, then `phone_value`."""
    assert phone_value(restore(phone_cell(neutralise(phone)))) == phone


@given(ANY_TEXT)
def test_the_formula_escape_never_changes_whether_a_phone_looks_like_a_number(phone: str) -> None:
    """What lets the SQL decide on the stored phone and mark the escaped one."""
    assert looks_like_number(neutralise(phone)) == looks_like_number(phone)


@given(st.one_of(st.none(), SQL_TEXT))
def test_the_sql_writes_what_the_python_writes(phone: str | None) -> None:
    with sqlite3.connect(":memory:") as conn:
        (marked, exported) = conn.execute(
            f"SELECT {phone_cell_sql('phone')}, {phone_cell_sql('phone', neutralise_sql('phone'))} "
            "FROM (SELECT ? AS phone)", (phone,)).fetchone()
    if phone is None:
        assert marked is None and exported is None
    else:
        assert (marked, exported) == (phone_cell(phone), phone_cell(neutralise(phone)))


# --- through LibreOffice ---------------------------------------------------------------


@pytest.fixture(scope="session")
def soffice() -> spreadsheet_app.Calc:
    """LibreOffice Calc (headless); skips the test without it, fails it instead when CI=true."""
    try:
        return spreadsheet_app.find()
    except spreadsheet_app.CalcUnavailable as exc:
        reason = f"no LibreOffice: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


# name, phone, note: the phones a spreadsheet turns into numbers (or dates), and notes with `=`.
PEOPLE = [
    ("Ana Ruiz", "0301234567", "=SUM(1)"),
    ("Bo Lind", "+49 30 1234567", "'=SUM(1)"),
    ("Cleo Park", "+4930123456789", "a = b, said Ana"),
    ("Dev Rao", "030 1234567", "x=1"),
    ("Eli Moss", "(555) 010-1234", "=1+1 reply"),
    ("Fay Wong", "555-0100", "called, no answer"),
    ("Gus Alba", "1e5", "@home"),
    ("Hal Berg", "00491701234567", "-"),
    ("Ida Cruz", "2024-03-12", "Müller & Söhne"),
    ("Jo Dunn", "'0301234567", "'quoted"),
    ("Kai Ek", "ask reception", ""),
]


def _people(fup) -> None:
    for i, (name, phone, note) in enumerate(PEOPLE):
        args = ["add", name, "--phone", phone, "--company", "Acme, Inc." if i % 3 == 0 else "Émile & Zoë",
                "--email", f"{name.split()[0].lower()}@example.org", "--tag", f"t{i % 2}"]
        if note:
            args += ["--note", note]
        if i % 4 == 0:
            args += ["--birthday", "1990-03-12" if i % 8 == 0 else "03-12"]
        fup.ok(args)


def _phones(text: str) -> dict[str, str]:
    return {row["name"]: row["phone"] for row in csv.DictReader(io.StringIO(text, newline=""))}


@pytest.mark.parametrize("opened_as", sorted(spreadsheet_app.OPENED_AS))
def test_phones_survive_libreoffice_opening_and_saving_the_export(
        fup, soffice: spreadsheet_app.Calc, tmp_path: Path, opened_as: str) -> None:
    _people(fup)
    exported = fup.ok("export", "contacts").stdout_bytes
    raw = fup.ok("export", "contacts", "--raw").stdout_bytes
    (tmp_path / "contacts.csv").write_bytes(exported)
    (tmp_path / "raw.csv").write_bytes(raw)

    saved, saved_raw = soffice.resave([tmp_path / "contacts.csv", tmp_path / "raw.csv"], tmp_path / "saved",
                                      tmp_path / "lo-profile", opened_as=opened_as)

    # What the mark protects against: the raw export loses its phones in the same run.
    lost = _phones(saved_raw.read_text(encoding="utf-8", errors="replace"))
    assert (lost["Ana Ruiz"], lost["Hal Berg"]) == ("301234567", "491701234567")
    assert lost["Gus Alba"] in ("100000", "1.00E+05")
    # The marked cells come back from LibreOffice as fup wrote them.
    assert _phones(saved.read_text(encoding="utf-8")) == _phones(exported.decode("utf-8"))

    # The dry run matches every row to its contact and finds nothing to change.
    dry = fup.ok("import", "contacts", str(saved), "--dry-run")
    assert f"0 new, 0 updated, {len(PEOPLE)} unchanged" in dry.stdout

    # An empty home imports the saved file; its export is the first one, byte for byte.
    fresh = {"FUP_HOME": str(tmp_path / "fresh-home")}
    (tmp_path / "fresh-home").mkdir()
    imported = fup.ok("import", "contacts", str(saved), env=fresh)
    assert f"{len(PEOPLE)} new" in imported.stdout
    assert fup.ok("export", "contacts", env=fresh).stdout_bytes == exported
    again = fup.json("export", "contacts", "--format", "json", env=fresh)
    assert [(c["id"], c["name"], c["phone"], c["notes"] or "") for c in again] == [
        (i, name, phone, note) for i, (name, phone, note) in enumerate(PEOPLE, start=1)]
    assert "phone: 0301234567\n" in fup.ok("show", "ana", env=fresh).stdout


def test_tags_survive_the_text_import_dialog(fup, soffice: spreadsheet_app.Calc, tmp_path: Path) -> None:
    fup.ok("add", "Ana Ruiz", "--phone", "0301234567", "--tag", "vip", "--tag", "friend", "--note", "called; no answer")
    exported = fup.ok("export", "contacts").stdout_bytes
    (tmp_path / "contacts.csv").write_bytes(exported)
    (saved,) = soffice.resave([tmp_path / "contacts.csv"], tmp_path / "saved", tmp_path / "lo-profile", opened_as="dialog")
    fresh = {"FUP_HOME": str(tmp_path / "fresh-home")}
    (tmp_path / "fresh-home").mkdir()
    fup.ok("import", "contacts", str(saved), env=fresh)
    assert fup.ok("export", "contacts", env=fresh).stdout_bytes == exported


def test_postgresql_writes_the_same_phone_cells(fup, pg_url: str) -> None:
    server = {"FUP_DB": pg_url}
    for name, phone, _ in PEOPLE:
        for env in (None, server):
            fup.ok("add", name, "--phone", phone, env=env)
    on_sqlite = fup.ok("export", "contacts").stdout
    assert _phones(fup.ok("export", "contacts", env=server).stdout) == _phones(on_sqlite)
    assert _phones(on_sqlite)["Ana Ruiz"] == "'0301234567"
