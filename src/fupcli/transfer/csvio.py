"""CSV in and out: RFC 4180 files that spreadsheets open and fup reads back exactly.

Writing: `CsvWriter` streams rows (UTF-8, optional BOM, `\\r\\n` line ends as
the csv module writes them) and neutralises cells a spreadsheet would run as
a formula, as OWASP's CSV-injection guidance says: a cell starting with
`=`, `+`, `-`, `@`, TAB, CR or LF gets a leading `'`. So that the escape can
be undone exactly, a cell that already starts with `'` gets one more.
Reading: `read_csv` decodes (BOM or not), finds the header line (LinkedIn puts
notes above it), and yields each record with the physical line it starts on,
so errors can say `FILE:LINE` even when a quoted cell spans several lines.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import IO, Callable, Iterable, Iterator, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
ESCAPE = "'"
BOM = "\ufeff"


def neutralise(cell: str) -> str:
    """Make a cell inert in a spreadsheet; `restore` undoes it exactly."""
    if cell and (cell[0] in FORMULA_START or cell[0] == ESCAPE):
        return ESCAPE + cell
    return cell


def restore(cell: str) -> str:
    if len(cell) > 1 and cell[0] == ESCAPE and (cell[1] in FORMULA_START or cell[1] == ESCAPE):
        return cell[1:]
    return cell


def neutralise_sql(column: str) -> str:
    """`neutralise` as an SQL expression over `column`, so SQLite can do it for large exports."""
    starts = ", ".join("'" + ch.replace("'", "''") + "'" for ch in (*FORMULA_START, ESCAPE))  # (any SQL)
    return f"(CASE WHEN substr({column}, 1, 1) IN ({starts}) THEN '{ESCAPE * 2}' || {column} ELSE {column} END)"


def restore_cells(cells: dict[str, str]) -> dict[str, str]:
    """`restore` every cell of a record (only cells starting with the escape can change)."""
    return {k: restore(v) if v[:1] == ESCAPE else v for k, v in cells.items()}


class CsvWriter:
    """Writes a header and rows (sequences of str, numbers or None: None is an empty cell).

    Rows are formatted into memory a batch at a time and written in one call
    per batch, which is several times cheaper than a stream write per row.
    """

    BATCH = 2048

    def __init__(self, stream: IO[str], columns: Sequence[str], raw: bool = False, bom: bool = False,
                 text_columns: Sequence[str] | None = None):
        """`text_columns`: the only columns that may hold text a person typed (default: all)."""
        self._stream = stream
        self._text = None if text_columns is None else [list(columns).index(name) for name in text_columns]
        self._parts: list[str] = []
        self._writer = csv.writer(_Appender(self._parts))
        self._raw = raw
        if bom:
            self._parts.append(BOM)
        self._writer.writerow(columns)
        self._flush()

    def rows(self, rows: Iterable[Sequence[object]]) -> None:
        starts = _NEEDS_ESCAPE
        batch = []
        text = self._text
        for row in rows:
            if self._raw:
                pass
            elif text is None:
                row = [ESCAPE + c if c.__class__ is str and c and c[0] in starts else c for c in row]
            else:
                for i in text:
                    cell = row[i]
                    if cell and cell[0] in starts:
                        row = list(row) if row.__class__ is tuple else row
                        row[i] = ESCAPE + cell
            batch.append(row)
            if len(batch) == self.BATCH:
                self._writer.writerows(batch)
                batch.clear()
                self._flush()
        self._writer.writerows(batch)
        self._flush()

    def _flush(self) -> None:
        self._stream.write("".join(self._parts))
        self._parts.clear()


class _Appender:
    """A write() that collects what the csv module writes."""

    def __init__(self, parts: list[str]):
        self.write = parts.append


_NEEDS_ESCAPE = frozenset(FORMULA_START) | {ESCAPE}


@dataclass(frozen=True)
class Record:
    """One CSV record: its first physical line number and its cells by header name."""

    line: int
    cells: dict[str, str]


class CsvProblem(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _LineCounter:
    """Feeds lines to csv.reader while remembering the physical line number."""

    def __init__(self, lines: Iterable[str], first_line: int):
        self._lines = iter(lines)
        self.line = first_line - 1

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = next(self._lines)
        self.line += 1
        return text


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; anything else is refused with a clear message."""
    body = data[3:] if data.startswith(BOM.encode("utf-8")) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvProblem(_line_of(body, exc.start), "not UTF-8 text (save the file as CSV UTF-8)") from None


def shown(name: object) -> str:
    """A file name as a one-line message shows it: unprintable characters (a newline, NUL, an
    undecodable byte's lone surrogate) escaped, so every error stays on one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(name))


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def find_header(text: str, is_header: Callable[[list[str]], bool], limit: int = 50) -> int:
    """Index of the first line (within `limit`) whose cells satisfy `is_header`, or -1."""
    for index, line in zip(range(limit), io.StringIO(text, newline="")):
        try:
            cells = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            continue
        if is_header([c.strip() for c in cells]):
            return index
    return -1


def read_csv(text: str, header_at: int = 0) -> tuple[list[str], Iterator[Record]]:
    """The header (at line index `header_at`) and an iterator of the records after it.

    Lines are read lazily from the text, so a file of millions of rows is never
    held as a list of lines or records (unless the caller makes one).
    """
    lines = io.StringIO(text, newline="")
    for _ in range(header_at):
        next(lines, None)
    first = next(lines, None)
    try:
        header = [c.strip() for c in next(csv.reader([first]))] if first is not None else []
    except csv.Error as exc:  # e.g. a field larger than the csv module's limit
        raise CsvProblem(header_at + 1, f"malformed CSV header: {exc}") from None
    counter = _LineCounter(lines, header_at + 2)
    reader = csv.reader(counter, strict=True)

    def records() -> Iterator[Record]:
        while True:
            start = counter.line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CsvProblem(start, f"malformed CSV: {exc}") from None
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                extra = cells[len(header):]
                if any(cell.strip() for cell in extra):
                    raise CsvProblem(start, f"{len(cells)} cells but the header has {len(header)}")
            padded = cells + [""] * (len(header) - len(cells))
            yield Record(start, dict(zip(header, padded)))

    return header, records()
