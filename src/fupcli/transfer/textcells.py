"""Phone numbers as CSV cells that a spreadsheet keeps as text through an open and a save.

A spreadsheet that opens a CSV file turns a cell like `0301234567` into the
number 301234567, `00491701234567` into 491701234567 (`4.9E+11` on Excel's
screen) and `1e5` into 100000, and saves the numbers when the file is saved as CSV
again: the phone is lost. So `fup export contacts` writes a phone that a
spreadsheet could take for a number, a date or a time with a leading `'`:
`'0301234567`. LibreOffice Calc and Excel both open such a cell as text with
the `'` in it (a `'` is only a hidden "this is text" sign when typed into a
cell, not when read from a CSV file) and save it back as it was, so the next
`fup import` finds the `'` and takes it off. If someone retypes the cell in the
spreadsheet, the `'` becomes that hidden sign and the saved cell is the bare
phone, which reads back exactly too.

The rule (`looks_like_number`): skip any leading apostrophes and spaces (plain
or no-break); the phone is marked when what follows starts with a digit, or
with `.`, `,` or `(` directly before a digit. Any other phone is written as it
is, and phones that start with a formula character (`+49 30 123`) already get
their `'` from `csvio.neutralise`. The apostrophes are skipped so that a phone
that itself starts with `'` cannot be confused with a marked one:
`phone_value(phone_cell(p)) == p` for every text `p`.

Data flow: the export writes `phone_cell(neutralise(phone))` (computed by the
database: `phone_cell_sql("phone", neutralise_sql("phone"))`); an import of fup's own layout reads
`phone_value(restore(cell))`. Since `restore` only takes a `'` off before a
formula character or another `'`, it leaves the mark before a digit alone.
JSON and `--raw` CSV carry the phone as it is.

Why not `="0301234567"`: it is a formula, the very thing fup's CSV promises
not to contain; LibreOffice's Text Import dialog (what a double-click opens)
has "Evaluate formulas" off, so the cell comes back as the literal text
`="0301234567"`; and where it is evaluated, the saved cell is the bare number
text, lost at the next open. Invisible marks (a zero-width space, a word
joiner) survive LibreOffice only when it reads and writes the file in the same
character set, and Excel's "CSV (Comma delimited)" saves in the system's ANSI
code page, which has no such characters; an ASCII `'` survives every encoding.
"""

from __future__ import annotations

MARK = "'"
# What may stand before the first character a spreadsheet would read as the start of a number.
SKIPPED = MARK + " \u00a0\u2007\u202f"
_DIGITS = frozenset("0123456789")
_BEFORE_DIGIT = frozenset(".,(")


def looks_like_number(text: str) -> bool:
    """True when a spreadsheet could read `text` as a number, date or time (see the module docstring)."""
    rest = text.lstrip(SKIPPED)
    first = rest[:1]
    return first in _DIGITS or (first in _BEFORE_DIGIT and rest[1:2] in _DIGITS)


def phone_cell(value: str) -> str:
    """The phone as a CSV cell a spreadsheet keeps as text: a leading `'` when it looks like a number."""
    return MARK + value if looks_like_number(value) else value


def phone_value(cell: str) -> str:
    """The phone `phone_cell` wrote as `cell` (a cell without the mark is taken as it is)."""
    return cell[1:] if cell[:1] == MARK and looks_like_number(cell) else cell


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def phone_cell_sql(column: str, cell: str | None = None) -> str:
    """`phone_cell` as an SQL expression (SQLite and PostgreSQL; NULL stays NULL): `cell` (by
    default `column` itself) with the mark when `column` looks like a number.

    `cell` may be another expression over the column that never changes whether it looks like
    a number, such as `csvio.neutralise_sql(column)` (it only adds a `'`, which is skipped,
    before a formula character or a `'`). Most phones start with a digit or a `+`, so the
    first character alone decides them; only the rest need the full rule.
    """
    cell = column if cell is None else cell
    digits = _sql_list(sorted(_DIGITS))
    rest = f"ltrim({column}, {_sql_text(SKIPPED)})"
    looks = (f"substr({rest}, 1, 1) IN ({digits}) OR "
             f"(substr({rest}, 1, 1) IN ({_sql_list(sorted(_BEFORE_DIGIT))}) AND substr({rest}, 2, 1) IN ({digits}))")
    mark = _sql_text(MARK)
    return (f"(CASE WHEN substr({column}, 1, 1) IN ({digits}) THEN {mark} || {cell} "
            f"WHEN substr({column}, 1, 1) IN ({_sql_list(sorted(set(SKIPPED) | _BEFORE_DIGIT))}) AND ({looks}) "
            f"THEN {mark} || {cell} ELSE {cell} END)")


def _sql_list(chars: list[str]) -> str:
    return ", ".join(_sql_text(c) for c in chars)
