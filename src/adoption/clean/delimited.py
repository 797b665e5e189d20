"""Parsing delimited text into a frame of text cells, as pandas' Python parser does.

The cleaning reads every cell of a CSV as text, with pandas' Python parser (the csv
module's tokenizer, strict quoting): a cell that a row does not reach is missing (NaN),
an empty cell is ``""``, and a row longer than the first is an error. Faster parsers build
the same frame where the text lets them:

- each row's cells are counted first: by line where the text holds no quote; where it
  does and every line is a whole row of well-formed cells (a quoted cell closed on its
  line and followed by a separator or the line's end, no quote inside an unquoted cell),
  by pyarrow's string kernels; else with the csv module's tokenizer, the Python parser's
  own;
- where every row is a whole line with the first row's cells (no short or blank row),
  pyarrow's CSV reader builds the frame (several times faster again, on every core);
- else pandas' C parser, which fills the cells a short row does not reach with ``""``:
  those cells are then marked missing.

The Python parser, which fails as it always has, is left any text these might read
otherwise: a tokenizer error (a cell beyond ``csv.field_size_limit``, a stray quote, a
carriage return alone; in text read by line, a line beyond that limit), a row longer
than the first, a NUL character, a first row that is blank.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# How pandas' Python parser is told to read every file (read.py reads with these).
OPTIONS = {"dtype": str, "keep_default_na": False, "header": None, "skip_blank_lines": False, "quotechar": '"'}
_LONE_CR = re.compile("\r(?!\n)")
_LONE_CR_BYTES = re.compile(b"\r(?!\n)")
_TOO_WIDE = re.compile(r"Expected (\d+) fields in line \d+, saw (\d+)")


def parse_delimited(text: str | None, delimiter: str, lines: pa.Array | None = None,
                    encoded: bytes | None = None) -> pd.DataFrame:
    """``pd.read_csv`` of ``text`` with :data:`OPTIONS` and the Python engine: the same frame.
    ``lines``: :func:`lines_of` ``text``, and ``encoded``: ``text`` in UTF-8, where the
    caller has them already (``text`` None: made of ``encoded`` only where a parser needs it).

    >>> parse_delimited("a,b,c\\n1,,\\n\\n2\\n", ",").to_numpy().tolist()
    [['a', 'b', 'c'], ['1', '', ''], [nan, nan, nan], ['2', nan, nan]]
    """
    frame = _by_c_parser(text, delimiter, lines, encoded)
    if frame is None:
        frame = pd.read_csv(io.StringIO(_text(text, encoded)), sep=delimiter, engine="python", **OPTIONS)
    return frame


def _text(text: str | None, encoded: bytes | None) -> str:
    """The text, made of its UTF-8 bytes where only they are held."""
    return text if text is not None else encoded.decode("utf-8")


def _holds(text: str | None, encoded: bytes | None, part: str) -> bool:
    """Whether the text holds ``part``: looked for in its UTF-8 bytes, where held."""
    return part.encode("utf-8") in encoded if encoded is not None else part in text


def _ends_with_line_feed(text: str | None, encoded: bytes | None) -> bool:
    return encoded.endswith(b"\n") if encoded is not None else text.endswith("\n")


def _by_c_parser(text: str | None, delimiter: str, lines: pa.Array | None = None,
                 encoded: bytes | None = None) -> pd.DataFrame | None:
    """The frame by pyarrow's or pandas' C parser, or None where it might not be the Python parser's."""
    if encoded is not None:
        end = encoded.find(b"\n")
        bom = "\ufeff".encode("utf-8") in (encoded if end < 0 else encoded[:end])
    else:
        end = text.find("\n")
        bom = "\ufeff" in (text if end < 0 else text[:end])
    if bom or _holds(text, encoded, "\x00"):
        return None  # NUL; a byte-order mark in the first line, which the Python parser strips even in quotes
    rows = _whole_lines(text, delimiter, lines, encoded)
    if rows is not None:
        frame = _by_arrow(text, delimiter, rows, encoded)
        if frame is not None:
            return frame
    text = _text(text, encoded)
    try:
        cells = _cells_per_row(text, delimiter, rows)
    except csv.Error:
        return None
    if cells is None or not len(cells) or cells[0] == 0 or cells.max() > cells[0]:
        return None
    try:
        frame = pd.read_csv(_as_bytes(text, encoded), sep=delimiter, engine="c", encoding="utf-8", **OPTIONS)
    except (pd.errors.ParserError, ValueError):
        return None
    if frame.shape != (len(cells), cells[0]):
        return None
    for position in range(cells[0]):
        short = cells <= position
        if short.any():
            frame[position] = frame[position].mask(short)
    return frame


def _whole_lines(text: str | None, delimiter: str, lines: pa.Array | None = None,
                 encoded: bytes | None = None) -> pa.Array | None:
    """The lines of ``text`` (``lines``, or :func:`lines_of` it) without the empty one after a
    final line feed, where each is a whole row the csv module reads without error; else None
    (a carriage return alone, a line longer than the csv module's cell limit, in quoted text
    a line that is not whole well-formed cells)."""
    if _holds(text, encoded, "\r") and (_LONE_CR_BYTES.search(encoded) if encoded is not None else _LONE_CR.search(text)):
        return None
    rows = lines_of(text, encoded) if lines is None else lines
    if len(rows) and _ends_with_line_feed(text, encoded):
        rows = rows[:-1]
    if not len(rows) or _longer_than(rows, csv.field_size_limit()):
        return None
    # A line without a quote is whole unquoted cells (a carriage return ends it at most), which
    # the pattern matches too: it runs on every line (picking the quoted ones out first copies
    # them, and costs more than the pattern on the lines it would spare).
    if _holds(text, encoded, '"') and not pc.all(pc.match_substring_regex(rows, whole_row_pattern(delimiter)), min_count=0).as_py():
        return None
    return rows


def _longer_than(rows: pa.Array, limit: int) -> bool:
    """True where a line of ``rows`` holds more than ``limit`` characters; the characters
    are counted only where the bytes (read from the offsets alone) pass it.

    >>> _longer_than(pa.array(["ab", "Bình"], type=pa.large_string()), 4)
    False
    """
    return (pc.max(pc.binary_length(rows)).as_py() or 0) > limit and pc.max(pc.utf8_length(rows)).as_py() > limit


def _cells_per_row(text: str | None, delimiter: str, rows: pa.Array | None, encoded: bytes | None = None) -> np.ndarray | None:
    """How many cells the csv module finds in each row of ``text``: by line where ``rows``
    (:func:`_whole_lines`) are given, else by the tokenizer (None for unquoted text, where
    the Python parser decides); raises ``csv.Error`` as it would."""
    if rows is None:
        text = _text(text, encoded)
        if '"' not in text:
            return None
        reader = csv.reader(_lines(text), dialect=PythonDialect, delimiter=delimiter, strict=True)
        return np.fromiter((len(row) for row in reader), dtype=np.int64)
    quoted = _holds(text, encoded, '"')
    cells = pc.add(pc.count_substring(pc.replace_substring_regex(rows, _QUOTED, "") if quoted else rows, delimiter), 1)
    blank = pc.is_in(rows, value_set=_BLANK).to_numpy(zero_copy_only=False)
    return np.where(blank, 0, cells.to_numpy(zero_copy_only=False).astype(np.int64))


# A blank line (a row of no cells for the csv module).
_BLANK = pa.array(["", "\r"], type=pa.large_string())
# A quoted cell closed on its line (in RE2's syntax, as pyarrow's kernels take it).
_QUOTED = r'"(?:[^"\r\n]|"")*"'


def whole_row_pattern(delimiter: str) -> str:
    """A line that is one whole row of well-formed cells for the csv module in strict mode:
    quoted cells closed on the line and followed by ``delimiter`` or the line's end, unquoted
    cells without a quote or line end; a carriage return ends the line at most."""
    sep = {"\t": r"\t"}.get(delimiter, re.escape(delimiter))
    cell = f'(?:{_QUOTED}|[^{sep}"\\r\\n]*)'
    return f"^{cell}(?:{sep}{cell})*\\r?$"


def _by_arrow(text: str | None, delimiter: str, rows: pa.Array, encoded: bytes | None = None) -> pd.DataFrame | None:
    """The frame of ``text`` by pyarrow's CSV reader (cells as text, never null; columns
    numbered from 0), where its lines ``rows`` (:func:`_whole_lines`) all hold the first
    line's cells, two or more, or are blank; else None. A blank line is a row of missing
    cells, as the Python parser reads it: pyarrow skips it, and it is put back."""
    import pyarrow.csv as pv

    blank = pc.is_in(rows, value_set=_BLANK)
    blanks = pc.sum(blank).as_py() or 0
    width = int(_cells_per_row(text, delimiter, rows[:1], encoded)[0])
    data = _as_bytes(text, encoded)
    if width < 2 or not isinstance(data, io.BytesIO):
        return None  # one cell a row: a blank line would be a cell, not a blank row
    names, uneven = [str(n) for n in range(width)], []
    def refuse(row) -> str:
        uneven.append(row)
        return "skip"
    try:
        table = pv.read_csv(data, read_options=pv.ReadOptions(column_names=names, block_size=16 << 20),
                            parse_options=pv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                                          escape_char=False, newlines_in_values=False,
                                                          ignore_empty_lines=True, invalid_row_handler=refuse),
                            # The bytes are valid UTF-8 (checked as read, or Python's own encoding): not checked again.
                            convert_options=pv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                              strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                              check_utf8=False))
    except (pa.ArrowInvalid, ValueError):
        return None
    if uneven or table.num_rows != len(rows) - blanks:
        return None  # a short or long row: the C parser and the count of cells
    if blanks:  # each blank line a row of nulls, where it stood
        at = np.full(len(rows), -1, dtype=np.int64)
        at[~blank.to_numpy(zero_copy_only=False)] = np.arange(table.num_rows)
        table = table.take(pa.array(at, mask=at < 0))
    text_dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    return pd.DataFrame({n: pd.Series(pd.arrays.ArrowStringArray(table.column(n)), dtype=text_dtype, copy=False)
                         for n in range(width)})


def _as_bytes(text: str, encoded: bytes | None = None) -> io.BytesIO | io.StringIO:
    """``text`` for pandas' C parser: as UTF-8 bytes (``encoded``, where given), a quarter
    of the memory of a ``StringIO`` (which holds 4 bytes a character); as text where it
    cannot be UTF-8 (a lone surrogate)."""
    if encoded is not None:
        return io.BytesIO(encoded)
    try:
        return io.BytesIO(text.encode("utf-8"))
    except UnicodeEncodeError:
        return io.StringIO(text)


def _lines(text: str):
    """The lines of ``text``, each with its line feed, one at a time: what iterating
    ``io.StringIO(text)`` gives, without its copy of the whole text (4 bytes a character)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


class PythonDialect(csv.Dialect):
    """The dialect pandas' Python parser gives the csv module (``delimiter`` set per file)."""

    delimiter = ","
    quotechar = '"'
    escapechar = None
    doublequote = True
    skipinitialspace = False
    quoting = csv.QUOTE_MINIMAL
    lineterminator = "\n"


def lines_of(text: str, encoded: bytes | None = None) -> pa.Array:
    """The lines of ``text`` (split at each line feed, as ``str.split("\\n")``), held by
    pyarrow; ``encoded``: ``text`` in UTF-8, where the caller has it.

    >>> lines_of("a,b\\r\\n\\n1").to_pylist()
    ['a,b\\r', '', '1']
    """
    try:  # Python's UTF-8 is valid UTF-8: pyarrow takes the bytes as they are
        data = text.encode("utf-8") if encoded is None else encoded
    except UnicodeEncodeError:  # a lone surrogate
        whole = pa.array([text], type=pa.large_string())
    else:
        whole = pa.Array.from_buffers(pa.large_string(), 1, [None, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)),
                                                             pa.py_buffer(data)])
    return pc.split_pattern(whole, "\n").flatten()


def csv_error_line(text: str, delimiter: str, *, row_start: bool = False) -> int | None:
    """The line on which the csv module (strict, as the Python parser reads) finds ``text``
    malformed (``row_start``: the line the row it was reading starts on); None where it
    reads it all.

    >>> csv_error_line('a,b\\n1,"x"y\\n', ",")
    2
    >>> csv_error_line('a,b\\n1,"x\\ny\\n2,z\\n', ","), csv_error_line('a,b\\n1,"x\\ny\\n2,z\\n', ",", row_start=True)
    (4, 2)
    """
    reader = csv.reader(_lines(text), dialect=PythonDialect, delimiter=delimiter, strict=True)
    ended = 0
    try:
        for _ in reader:
            ended = reader.line_num
    except csv.Error:
        return ended + 1 if row_start else reader.line_num
    return None


def too_wide(text: str, delimiter: str, error: Exception) -> tuple[int, int, int] | None:
    """For the Python parser's error on a row longer than the first: the line where that
    row starts, its cells and the first row's; None for any other error."""
    if not _TOO_WIDE.search(str(error)):
        return None
    reader = csv.reader(io.StringIO(text), dialect=PythonDialect, delimiter=delimiter, strict=True)
    start, expected = 1, None
    for row in reader:
        expected = len(row) if expected is None else expected
        if len(row) > expected:
            return start, len(row), expected
        start = reader.line_num + 1
    return None
