"""Reading raw exports: every file as text, under canonical column names.

Raw files are read as text (every cell a string), so that no value is altered before the
normalisers see it. Encodings (decided per file, :mod:`adoption.clean.encoding`),
delimiters, spreadsheets with title rows and several sheets, and headers in any spelling
are handled here (data contract, "Raw inputs"), within the bounds of
:class:`~adoption.clean.limits.ReadLimits`.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..core.errors import InputFileError
from ..core.io import DATA_SUFFIXES
from ..core.outputs import sha256_file
from ..core.schema import SOURCE_COLUMNS
from .delimited import csv_error_line, parse_delimited, too_wide
from .encoding import Decoded, decode, plain_utf8, wide_bom
from .header import alias_index, escaped_rows, no_header_error, sheet_header, sheet_rows
from .limits import ReadLimits, breach, check_file_size, check_text_shape, long_line
from .xlsx import read_xlsx

# Formats refused by name, with what to do instead.
OLD_FORMATS = {".xls": "an old Excel file (.xls, Excel 97-2003)", ".xlsb": "a binary Excel file (.xlsb)",
               ".ods": "an OpenDocument spreadsheet (.ods)"}
# A file whose first 4 KB hold more NUL bytes than this share (and than 4) is binary, not
# a CSV (UTF-16 and UTF-32 files start with a byte-order mark); a stray NUL is read, and
# the cleaning drops it.
BINARY_NUL_SHARE = 0.01
BINARY_SAMPLE_BYTES = 4096
# How a zip (an XLSX) starts.
ZIP_START = b"PK\x03\x04"
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
EXTRA_COLUMNS = ["source_file", "source_sheet", "source_row", "column", "value"]
XLSX_TEXT = Decoded("", "utf-8", 1.0, "an XLSX workbook stores its text as UTF-8 XML")


@dataclass
class RawTable:
    """One raw file's rows under canonical column names, all values text."""

    path: Path
    frame: pd.DataFrame  # canonical columns + source_file + source_sheet + source_row
    extras: pd.DataFrame  # source_file, source_sheet, source_row, column, value
    rows_read: int
    header_map: dict[str, str] = field(default_factory=dict)  # original header -> canonical
    blank_rows: int = 0
    sheets_not_read: dict[str, str] = field(default_factory=dict)  # sheet -> why it was not read
    decoded: Decoded = XLSX_TEXT  # the encoding and its evidence (text dropped once parsed)
    header_rows: dict[str, int] = field(default_factory=dict)  # sheet -> its header's row (0-based)
    rejects: pd.DataFrame = field(default_factory=lambda: RawTable.no_rejects())  # rows set aside by the reader
    sha256: str = ""  # of the file's bytes, where they were read whole
    sheet: str | None = None  # the one sheet these rows are from, of a workbook read a sheet at a time

    @staticmethod
    def no_rejects() -> pd.DataFrame:
        return pd.DataFrame(columns=[*SOURCE_COLUMNS, "reason_code", "reason"])


def _read_delimited(path: Path, limits: ReadLimits, data: bytes | None = None, shape_only: bool = False,
                    later: bool = False, told: str | None = None,
                    binary_checked: bool = False) -> tuple[list[tuple[str, pd.DataFrame]], Decoded]:
    """The text of a delimited file (``data``, else its bytes) as one sheet, and its
    encoding; ``shape_only``: only its checks up to every line's width (no sheet);
    ``later``: ``data`` is a later piece behind the file's head, the file's start checked
    with its first piece (NUL bytes of its own are no sign of a binary file, nor blank lines
    of an empty one); ``told``:
    the file's delimiter, where ``data`` may not show it; ``binary_checked``: the file whose
    text ``data`` is was found not binary (:func:`looks_binary`) in its own bytes."""
    data = path.read_bytes() if data is None else data
    if not later and (not data or data.isspace()):  # as not data.strip(), without a copy of the file
        raise InputFileError(f"{path}: the file is empty; expected a header row and data rows")
    if data.startswith(ZIP_START):
        raise InputFileError(f"{path}: this is a zip or XLSX file with a text file's name; rename it to .xlsx")
    if not (later or binary_checked) and looks_binary(data):
        raise InputFileError(f"{path}: binary content; expected a CSV (comma, semicolon or tab separated) or XLSX file")
    # Every byte valid UTF-8 (the usual case): the text is held as those bytes, for pyarrow,
    # and made a Python string only where a parser or an error message needs it.
    plain = plain_utf8(data)
    if plain is not None and not (b"\r" in plain[1] and b"\n" not in plain[1]):
        (decoded, encoded), text = plain, None
        delimiter = told or sniff_delimiter(_head(encoded))
    else:
        decoded = decode(path, data)
        text = _unix_line_ends(decoded.text)
        # The text in UTF-8, for pyarrow: the file's own bytes where they are exactly that (valid
        # UTF-8, line ends kept), else encoded once here (a lone surrogate: none).
        if text is decoded.text and decoded.encoding in ("utf-8", "utf-8-sig") and not decoded.bad_bytes:
            encoded = data[3:] if decoded.encoding == "utf-8-sig" else data
        else:
            try:
                encoded = text.encode("utf-8")
            except UnicodeEncodeError:
                encoded = None
        delimiter = told or sniff_delimiter(text)
    del data, plain  # the text (or its bytes) holds it now
    lines = check_text_shape(path, text, delimiter, limits, encoded)
    if shape_only:
        return [], decoded
    previous = csv.field_size_limit(limits.max_cell_chars)  # the csv module enforces the cell limit
    try:
        frame = parse_delimited(text, delimiter, lines, encoded)
    except (pd.errors.ParserError, csv.Error) as exc:
        text = text if text is not None else encoded.decode("utf-8")
        if "field larger than field limit" in str(exc):
            # The line the csv module reads when the cell passes the limit (for a quoted cell
            # over several lines, the line it passes it on); else the first line past it.
            line = csv_error_line(text, delimiter) or long_line(text, limits.max_cell_chars)
            raise breach(path, f"line {line}" if line else "", f"a cell of more than {limits.max_cell_chars:,} "
                         "characters", "max_cell_chars", limits.max_cell_chars) from exc
        if "new-line character seen in unquoted field" in str(exc):
            raise InputFileError(_lone_cr_message(path, text, csv_error_line(text, delimiter))) from exc
        wide = too_wide(text, delimiter, exc)
        if wide:
            line, found, expected = wide
            raise InputFileError(
                f"{path}: line {line} holds {found} cells, the first line {expected}: a cell holds a "
                f"{_SEPARATORS.get(delimiter, repr(delimiter))} outside quotes, or the row has cells the others do "
                "not. Put that cell in double quotes, or remove the extra separator, then run again") from exc
        line = csv_error_line(text, delimiter, row_start=True) if "unexpected end of data" in str(exc) else None
        if line is not None:
            raise InputFileError(
                f"{path}: line {line}: a cell in double quotes is never closed: its row runs to the end of the file "
                f"({exc}). Close the quote, or write a quote inside a cell as two (\"\"), then run again") from exc
        line = csv_error_line(text, delimiter)
        if line is not None and "expected after '\"'" in str(exc):
            raise InputFileError(
                f"{path}: line {line}: a cell in double quotes goes on after its closing quote ({exc}). A quote "
                "inside a quoted cell is written as two (\"\"); put the whole cell in quotes, then run again") from exc
        where = f"line {line}: " if line is not None else ""
        raise InputFileError(f"{path}: {where}not a readable {delimiter!r}-separated file ({exc})") from exc
    finally:
        csv.field_size_limit(previous)
    return [("", frame)], replace(decoded, text="")


def looks_binary(data: bytes) -> bool:
    """Whether a file starting with ``data`` is binary, not a CSV: its first 4 KB hold more NUL
    bytes than 1% of them (and than 4), and it has no UTF-16 or UTF-32 byte-order mark.

    >>> looks_binary(b"a,b\\n" + b"\\x00" * 5), looks_binary(b"a,b\\n1,\\x00\\n"), looks_binary("a,b\\n".encode("utf-16"))
    (True, False, False)
    """
    sample = data[:BINARY_SAMPLE_BYTES]
    return sample.count(b"\x00") > max(4, BINARY_NUL_SHARE * len(sample)) and not wide_bom(data)


def delimited_error(path: Path, data: bytes, limits: ReadLimits, *, parse: bool, later: bool = False,
                    delimiter: str | None = None, binary_checked: bool = False) -> InputFileError | None:
    """The error reading ``data`` as the CSV ``path`` gives in its checks up to every line's
    width (and in its parse, where ``parse``), as :func:`read_raw` raises it; None for none.
    ``later``, ``binary_checked``: as :func:`read_raw`'s; ``delimiter``: the file's, where ``data`` may not show it."""
    try:
        _read_delimited(path, limits, data, shape_only=not parse, later=later, told=delimiter,
                        binary_checked=binary_checked)
    except InputFileError as error:
        return error
    return None


def sniff_delimiter(text: str) -> str:
    """The delimiter of a delimited text: comma, semicolon or tab, as its first non-blank
    line shows it (comma when it shows none).

    >>> sniff_delimiter("\\nMã số thuế;Tên\\n"), sniff_delimiter("one column\\n")
    (';', ',')
    """
    first_line = next((line for line in _first_lines(text) if line.strip()), "")
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _head(encoded: bytes, size: int = 1 << 16) -> str:
    """The start of a UTF-8 text, up to its first line feed at or after ``size`` bytes (all
    of it where shorter), as text: its first line that is not blank is the whole text's
    (all of the text where the start holds none).

    >>> _head("\\n\\nMã;Tên\\n1;a\\n".encode(), size=3)
    '\\n\\nMã;Tên\\n'
    """
    end = encoded.find(b"\n", size)
    if end >= 0:
        head = encoded[:end + 1].decode("utf-8")
        if any(line.strip() for line in head.splitlines()):
            return head
    return encoded.decode("utf-8")


def _first_lines(text: str):
    """The lines of ``text`` as ``str.splitlines`` gives them, one at a time from the first
    (a large text is not split whole to find its first line that is not blank)."""
    start, size = 0, 4096
    while start < len(text):
        lines = text[start:start + size].splitlines(keepends=True)
        if start + size < len(text) and len(lines) > 1:
            lines = lines[:-1]  # the last may go on past this block
        elif start + size < len(text):
            size *= 2  # one line longer than the block: a larger block
            continue
        yield from (line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") for line in lines)
        start += sum(map(len, lines))


def _unix_line_ends(text: str) -> str:
    """``text`` with old Mac line ends (a carriage return alone, and no line feed in the
    whole file) written as line feeds; any other text as it is.

    >>> _unix_line_ends("a,b\\r1,2\\r"), _unix_line_ends("a,b\\r\\n1,2\\r\\n")
    ('a,b\\n1,2\\n', 'a,b\\r\\n1,2\\r\\n')
    """
    return text.replace("\r", "\n") if "\r" in text and "\n" not in text else text


def _lone_cr_message(path: Path, text: str, line: int | None) -> str:
    """Why a file whose lines end in line feeds but hold a carriage return alone outside
    quotes (on ``line``, where the csv module refused it) is refused; the file's lines end
    as its first line ends."""
    where = f"line {line}" if line else "a line"
    first = text.find("\n")
    ends = "Windows (CR LF)" if first > 0 and text[first - 1] == "\r" else "Unix (LF)"
    return (f"{path}: {where} holds a carriage return (CR) alone, outside quotes, while the file's lines end "
            f"{ends}: it is not read, rather than guess whether the CR ends a row or belongs to a cell. Open the file "
            "in a text editor, remove that character or save the file with one kind of line end, then run again")


def read_raw(
    path: Path,
    aliases: dict[str, tuple[str, ...]],
    required: tuple,
    limits: ReadLimits | None = None,
    data: bytes | None = None,
    marked: Decoded | None = None,
    later: bool = False,
    binary_checked: bool = False,
) -> RawTable:
    """Read one CSV or XLSX file into canonical columns, keeping extra columns aside.

    Each row keeps ``source_file``, ``source_sheet`` (XLSX) and ``source_row``: the line
    or spreadsheet row a person sees when opening the file. Blank rows are skipped.
    Sheets without a header row (notes, totals) are skipped; a file in which no sheet
    has one is an error.

    Rows of a UTF-8 file holding bytes that are not UTF-8 are not read: they are in
    ``rejects`` (reason ``bad_bytes``), counted in ``rows_read``.

    Raises :class:`InputFileError` naming the file for an unreadable file, a file beyond
    ``limits`` (default: :meth:`ReadLimits.from_environment`), a missing header, or a
    missing required column (with the headers found and the closest alias). An item of
    ``required`` that is a tuple of columns asks for at least one of them.

    ``data``: the bytes to read as the CSV ``path`` (part of it, say: see
    :mod:`adoption.clean.pieces`) instead of the file's own. ``marked``: the encoding
    evidence of the file whose text (made UTF-8) ``data`` is, each byte of the file that was
    not valid in its encoding shown in ``data`` by ``marked.marker`` (those bytes, in order,
    in ``marked.bad_bytes``): the rows holding them are set aside as the whole read sets them aside.
    ``later``: ``data`` is a later piece of the file read behind its head (its first rows), whose
    start the first piece's read checked: a run of NUL bytes in the piece is read, as in the whole file.
    ``binary_checked``: ``data`` is a piece of the file ``path`` (or of its text in UTF-8) whose
    own first 4 KB were found not binary: not checked again (a first piece cut short after a
    refused row holds fewer bytes; a UTF-8 text packs a UTF-16 file's NUL characters closer).
    """
    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS:
        raise InputFileError(f"{path}: {OLD_FORMATS[suffix]} cannot be read; open it in Excel or LibreOffice and "
                             "save it as .xlsx (or export it as CSV), then run again")
    if suffix not in DATA_SUFFIXES:
        raise InputFileError(f"{path}: unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(DATA_SUFFIXES)}")
    limits = limits or ReadLimits.from_environment()
    check_file_size(path, limits)
    digest = ""
    if data is None:  # the whole file: hashed here, while it is read (quality.json records it)
        if suffix == ".xlsx":
            digest = sha256_file(path)
        else:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
    sheets, decoded = (read_xlsx(path, limits), XLSX_TEXT) if suffix == ".xlsx" else _read_delimited(path, limits, data, later=later, binary_checked=binary_checked)
    decoded = marked or decoded
    del data
    index = alias_index(aliases)
    frames, extras, rejected, read, blank = [], [], [], 0, 0
    header_map: dict[str, str] = {}
    not_read: dict[str, str] = {}
    header_rows: dict[str, int] = {}
    for number, (sheet, raw) in enumerate(sheets):
        escaped = escaped_rows(raw, decoded) if decoded.bad_bytes else {}
        if escaped:  # from here on each undecodable byte shows as U+FFFD
            raw = raw.map(lambda v: v.replace(decoded.marker, "\ufffd") if isinstance(v, str) else v)
            sheets[number] = (sheet, raw)
        header = sheet_header(path, sheet, raw, index, aliases, required)
        if isinstance(header, str):
            not_read[sheet] = header
            continue
        header_rows[sheet] = header.row
        header_map.update(header.names)
        rows = sheet_rows(path, sheet, raw, header, aliases, escaped)
        frames.append(rows.frame)
        extras.extend(rows.extras)
        rejected.extend(rows.rejects)
        read, blank = read + rows.read, blank + rows.blank
    if not frames:
        raise no_header_error(path, sheets[0][1], aliases, required)
    frame = pd.concat(frames, ignore_index=True)
    extra = pd.concat(extras, ignore_index=True) if extras else pd.DataFrame(columns=EXTRA_COLUMNS)
    return RawTable(path=path, frame=frame, extras=extra, rows_read=read, header_map=header_map, blank_rows=blank,
                    sheets_not_read=not_read, decoded=decoded, header_rows=header_rows, sha256=digest,
                    rejects=pd.concat(rejected, ignore_index=True) if rejected else RawTable.no_rejects())

