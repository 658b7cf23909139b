"""CSV in and out: RFC 4180 files that spreadsheets open and fup reads back exactly.

Writing: `CsvWriter` streams rows (UTF-8, optional BOM, `\\r\\n` line ends as
the csv module writes them) and neutralises cells a spreadsheet would run as
a formula, as OWASP's CSV-injection guidance says: a cell starting with
`=`, `+`, `-`, `@`, TAB, CR or LF gets a leading `'`. So that the escape can
be undone exactly, a cell that already starts with `'` gets one more. A cell
holding `;` or TAB is quoted too, as LibreOffice's import dialog also separates at
those by default (the csv module quotes a cell holding the delimiter, the quote or
any character of the line terminator: the writer's terminator is `;` TAB CR LF,
replaced by CR LF as each row is collected).
Reading, in the order a caller does it: `decode_text` turns the bytes into text
(a BOM says UTF-8 or UTF-16; else UTF-8, else Windows-1252, or Mac Roman for CR line
ends, with a note; or the encoding the user names; `open_text` does the same for a
file read as a stream), `find_header` finds the header line (LinkedIn puts
notes above it), `sniff_delimiter` tells `,` from `;` and TAB, `read_csv`
yields each record with the physical line it starts on (LF, CRLF or CR-only),
so errors can say `FILE:LINE` even when a quoted cell spans several lines, and
`check_header` refuses a header that would lose cells (a name used twice).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Callable, Iterable, Iterator, Sequence

from ..errors import BadInput

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
        self._writer = csv.writer(_Appender(self._parts), lineterminator=_TERMINATOR)
        self._columns = list(columns)
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


# The csv module quotes a cell that holds any character of the line terminator; CsvWriter's
# rows end in these four, which `_Appender` turns into CR LF.
_TERMINATOR = ";\t\r\n"


class _Appender:
    """A write() that collects what the csv module writes, each row's `_TERMINATOR` made CR LF."""

    def __init__(self, parts: list[str]):
        append = parts.append
        self.write = lambda row: append(row[:-4] + "\r\n")


_NEEDS_ESCAPE = frozenset(FORMULA_START) | {ESCAPE}


@dataclass(frozen=True)
class Record:
    """One CSV record: its first physical line number and its cells by header name; or, from
    `read_csv(..., keep_going=True)`, a record that could not be read: `problem` says why."""

    line: int
    cells: dict[str, str]
    problem: str | None = None


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


WINDOWS_1252_NOTE = "read as Windows-1252 (not UTF-8); use --encoding to choose another"
MAC_ROMAN_NOTE = "read as Mac Roman (not UTF-8, and its lines end in CR alone, as on a Mac); use --encoding to choose another"
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str | None]:
    """The text of a file, and a note for the user when the encoding was a guess (else None).

    `encoding` (a Python codec name, from `--encoding`) is used as given; an unknown
    name is a BadInput. Without it: a BOM says UTF-8 or UTF-16 (Excel's "Unicode Text"
    is UTF-16LE with a BOM); text without one is UTF-8 when it decodes as UTF-8, else
    Windows-1252, what Excel on Windows saves as "CSV", or Mac Roman when its lines end
    in CR alone (`_mac_text`: Excel's "Macintosh Comma Separated"). Bytes Windows-1252 leaves
    undefined (0x81 0x8D 0x8F 0x90 0x9D) are refused with their line rather than
    guessed at, and so is a NUL, the mark of a binary file. A leading BOM never
    reaches the text.
    """
    if encoding is not None:
        _check_codec(encoding)
        return _decode_as(data, encoding, f"cannot be read as {shown(encoding)}"), None
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data[3:], "utf-8", _MARKED % "UTF-8"), None
    for bom, codec in _UTF16_BOMS:
        if data.startswith(bom):
            return _decode_as(data[2:], codec, _MARKED % "UTF-16"), None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CsvProblem(_line_at(data[:nul].decode("latin-1")), _nul_message(data))
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if _mac_text(io.BytesIO(data)):
        return data.decode("mac_roman"), MAC_ROMAN_NOTE
    try:
        return data.decode("cp1252"), WINDOWS_1252_NOTE
    except UnicodeDecodeError as exc:
        raise CsvProblem(
            _line_at(data[:exc.start].decode("latin-1")),
            f"not UTF-8 or Windows-1252 text (byte 0x{data[exc.start]:02X} is neither); "
            "use --encoding to name the file's encoding",
        ) from None


_SCAN_BYTES = 1 << 18  # bytes read at a time when a file is checked, or standard input spilled


@contextmanager
def open_input(path: str) -> Iterator[tuple[str, IO[bytes]]]:
    """(name for messages, the file opened in binary) of FILE; standard input ('-') is first
    spilled to a temporary file, so that it can be read more than once without being held."""
    if path == "-":
        with tempfile.TemporaryFile() as spool:
            shutil.copyfileobj(sys.stdin.buffer, spool, _SCAN_BYTES)
            spool.seek(0)
            yield "<stdin>", spool
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BadInput(f"cannot read {shown(path)}: {exc.strerror}") from None
    except ValueError:  # a NUL in the name
        raise BadInput(f"cannot read {shown(path)}: not a valid file name") from None
    with handle:
        yield shown(path), handle


def open_text(handle: IO[bytes], encoding: str | None = None) -> tuple[IO[str], str | None]:
    """`decode_text` for a file read as a stream: the file (at its start) as text in the
    encoding `decode_text` would choose, without a leading BOM, and the same note.

    The whole file is checked first, a chunk at a time, so the text read afterwards
    cannot fail to decode; a file that fails the check is read whole and given to
    `decode_text`, which says what is wrong with it and on which line."""
    start = handle.read(4)
    handle.seek(0)
    guessing = False
    if encoding is not None:
        _check_codec(encoding)
        candidates: Iterable[tuple[str, str | None]] = [(_without_bom(encoding, start), None)]
    elif start.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", None)]
    elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", None)]  # (the codec reads the mark and its byte order)
    else:
        candidates, guessing = _guesses(handle), True
    for codec, note in candidates:
        if _decodes(handle, codec, nul_bytes=guessing):
            text = io.TextIOWrapper(handle, encoding=codec, newline="")
            if text.read(1) != BOM:
                text.seek(0)
            return text, note
    handle.seek(0)
    whole, note = decode_text(handle.read(), encoding)  # raises, saying why and where
    return io.StringIO(whole, newline=""), note  # (what the check refused and decode_text reads: as it reads it)


def _without_bom(encoding: str, start: bytes) -> str:
    """The codec for `--encoding`: UTF-16 or UTF-32 named without a byte order and written without
    a mark are read in this machine's order, as `bytes.decode` reads them (a streaming decoder
    would refuse them)."""
    name = codecs.lookup(encoding).name
    marks = {"utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)}
    if name in marks and not start.startswith(marks[name]):
        return f"{name}-{'le' if sys.byteorder == 'little' else 'be'}"
    return encoding


def _guesses(handle: IO[bytes]) -> Iterator[tuple[str, str | None]]:
    """The encodings to try for text without a BOM, as `decode_text` does: UTF-8, then
    Mac Roman or Windows-1252 (the line ends are looked at only if UTF-8 fails)."""
    yield "utf-8", None
    yield ("mac_roman", MAC_ROMAN_NOTE) if _mac_text(handle) else ("cp1252", WINDOWS_1252_NOTE)


def _mac_text(handle: IO[bytes]) -> bool:
    """Whether the file's lines end in CR alone (it holds a CR and no LF), as classic Mac
    programs and Excel's "Macintosh Comma Separated" write them, in Mac Roman; a Windows
    program never does. The handle is left at its start."""
    seen_cr = False
    try:
        while True:
            data = handle.read(_SCAN_BYTES)
            if not data:
                return seen_cr
            if b"\n" in data:
                return False
            seen_cr = seen_cr or b"\r" in data
    finally:
        handle.seek(0)


def _decodes(handle: IO[bytes], codec: str, nul_bytes: bool) -> bool:
    """Whether the whole of `handle` decodes with `codec` and holds no NUL (as bytes too, with
    `nul_bytes`: text without a BOM); the handle is left at its start."""
    try:
        decoder = codecs.getincrementaldecoder(codec)()
        while True:
            data = handle.read(_SCAN_BYTES)
            if nul_bytes and b"\x00" in data:
                return False
            if "\x00" in decoder.decode(data, final=not data):
                return False
            if not data:
                return True
    except (UnicodeError, LookupError, ValueError, TypeError):
        return False
    finally:
        handle.seek(0)


_MARKED = "not %s text although it starts with that byte order mark; use --encoding to name the file's encoding"


def _decode_as(data: bytes, codec: str, failure: str) -> str:
    """`data` decoded with `codec`, without a leading BOM; bytes that do not decode are a
    CsvProblem (`failure`, with their line), a codec Python does not know a BadInput."""
    try:
        text = data.decode(codec)
    except UnicodeError as exc:
        start = getattr(exc, "start", 0)
        raise CsvProblem(_line_at(data[:start].decode(codec, "replace")), failure) from None
    except (LookupError, ValueError, TypeError):  # an unknown name, a NUL in it, a bytes-to-bytes codec
        raise BadInput(f"--encoding {shown(codec)}: unknown encoding") from None
    text = text[1:] if text.startswith(BOM) else text
    nul = text.find("\x00")
    if nul >= 0:
        raise CsvProblem(_line_at(text[:nul]), "NUL byte: this looks like a binary file")
    return text


def _check_codec(encoding: str) -> None:
    """Refuse an `--encoding` Python does not know (even for an empty file, which any codec decodes)."""
    try:
        codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):  # (a NUL in the name: ValueError)
        raise BadInput(f"--encoding {shown(encoding)}: unknown encoding") from None


def _nul_message(data: bytes) -> str:
    """Why a NUL is refused; UTF-16 without a BOM (NUL in every other byte of plain text) is named."""
    start = data[:200]
    if len(start) >= 4 and start[1::2].count(0) == len(start[1::2]):
        return "NUL byte: this looks like a binary file (or UTF-16 without a BOM: try --encoding utf-16-le)"
    if len(start) >= 4 and start[0::2].count(0) == len(start[0::2]):
        return "NUL byte: this looks like a binary file (or UTF-16 without a BOM: try --encoding utf-16-be)"
    return "NUL byte: this looks like a binary file"


def _line_at(before: str) -> int:
    """The physical line (1-based) that follows the text `before`: LF, CRLF and a lone CR each end a line."""
    return before.count("\n") + before.count("\r") - before.count("\r\n") + 1


def shown(name: object) -> str:
    """A file name as a one-line message shows it: unprintable characters (a newline, NUL, an
    undecodable byte's lone surrogate) escaped, so every error stays on one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(name))


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


DELIMITERS = (",", ";", "\t")  # in the order ties are settled
_SNIFF_RECORDS = 20
_SNIFF_CHARS = 1 << 16
_LINE_END = re.compile(r"\r\n|\r|\n")


def sniff_delimiter(text: str, header_at: int = 0) -> str:
    """`,`, `;` or TAB: the delimiter of the header (physical line `header_at`) and the records after it.

    The first records (up to 20, within 64 KiB) are read as CSV with each candidate, so a
    delimiter inside a quoted cell, or a quoted cell spanning lines, counts for nothing.
    - Candidates that split the header into two or more cells compete: the one giving the
      most sampled records as many cells as the header wins (Excel writes every row with
      every delimiter), ties going to `,` then `;` then TAB. So a `;` file whose notes hold
      commas is read with `;`, as long as the header names hold no commas.
    - A header that no candidate splits is a one-column table: the candidate that splits
      the fewest sampled records wins (ties as above), so its cells come back whole when
      the sample shows them all.
    `|` is not a candidate: spreadsheets do not write it, and header names ("Phone | mobile")
    do hold it.
    """
    start = 0
    for _, end in zip(range(header_at), _LINE_END.finditer(text)):
        start = end.end()
    sample = text[start:start + _SNIFF_CHARS]
    cut = len(text) - start > len(sample)
    widths = {delimiter: _widths(sample, delimiter, cut) for delimiter in DELIMITERS}
    splitting = [d for d in DELIMITERS if widths[d] and widths[d][0] > 1]
    if splitting:
        return max(splitting, key=lambda d: (widths[d].count(widths[d][0]), -DELIMITERS.index(d)))
    return min(DELIMITERS, key=lambda d: (sum(width > 1 for width in widths[d]), DELIMITERS.index(d)))


def _widths(sample: str, delimiter: str, cut: bool) -> list[int]:
    """How many cells each of the first non-empty records of `sample` has when read with `delimiter`."""
    widths = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if cells:
                widths.append(len(cells))
                if len(widths) > _SNIFF_RECORDS:
                    return widths[:_SNIFF_RECORDS]
    except csv.Error:  # a wrong delimiter can leave a quote open to the end of the sample
        return widths
    return widths[:-1] if cut and len(widths) > 1 else widths  # the last record may be cut short


def check_header(header: list[str], line: int) -> None:
    """Refuse a header (at physical `line`) that names no column, holds a NUL, or names a
    column twice: the second column's cells would silently replace the first's."""
    if not any(name.strip() for name in header):
        raise CsvProblem(line, "empty header line: the first line must name the columns")
    seen: dict[str, int] = {}
    for column, name in enumerate(header, 1):
        if "\x00" in name:
            raise CsvProblem(line, f"NUL byte in the name of column {column}: this looks like a binary file")
        if name and name in seen:
            raise CsvProblem(line, f'duplicate column "{shown(name)}" (columns {seen[name]} and {column})')
        seen.setdefault(name, column)


def read_csv(text: str | IO[str], header_at: int = 0, delimiter: str = ",",
             keep_going: bool = False) -> tuple[list[str], Iterator[Record]]:
    """The header (the record starting at line index `header_at`) and an iterator of the records after it.

    Lines end in LF, CRLF or a lone CR (old Mac Excel); every record carries the physical
    line it starts on. Lines are read lazily from the text (or from a text stream opened with
    `newline=""`, e.g. by `open_text`), so a file of millions of rows
    is never held as a list of lines or records (unless the caller makes one). The header
    is not checked here: callers use `check_header`. A record that cannot be read (malformed,
    more cells than the header) raises CsvProblem, or with `keep_going` comes as a `Record`
    with its `problem`, and the reading goes on with the next one.
    """
    lines = io.StringIO(text, newline="") if isinstance(text, str) else text  # (a stream: see `open_text`)
    for _ in range(header_at):
        next(lines, None)
    counter = _LineCounter(lines, header_at + 1)
    reader = csv.reader(counter, strict=True, delimiter=delimiter)
    try:
        header = [c.strip() for c in next(reader, [])]
    except csv.Error as exc:  # e.g. a field larger than the csv module's limit
        raise CsvProblem(header_at + 1, f"malformed CSV header: {exc}") from None

    def records() -> Iterator[Record]:
        while True:
            start = counter.line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if not keep_going:
                    raise CsvProblem(start, f"malformed CSV: {exc}") from None
                yield Record(start, {}, f"malformed CSV: {exc}")
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                extra = cells[len(header):]
                if any(cell.strip() for cell in extra):
                    if not keep_going:
                        raise CsvProblem(start, f"{len(cells)} cells but the header has {len(header)}")
                    yield Record(start, {}, f"{len(cells)} cells but the header has {len(header)}")
                    continue
            padded = cells + [""] * (len(header) - len(cells))
            yield Record(start, dict(zip(header, padded)))

    return header, records()
