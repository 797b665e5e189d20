"""Parsing delimited text into a frame of text cells, as pandas' Python parser does.

The cleaning reads every cell of a CSV as text, with pandas' Python parser (the csv
module's tokenizer, strict quoting): a cell that a row does not reach is missing (NaN),
an empty cell is ``""``, and a row longer than the first is an error. pandas' C parser
builds the same frame several times faster, except that it fills the cells a short row
does not reach with ``""``. So :func:`parse_delimited` counts each row's cells first (by
line where the text holds no quote, else with the csv module's tokenizer, the Python
parser's own), takes the C parser's frame and marks those cells missing; it leaves to the
Python parser, which fails as it always has, any text it cannot read the same way: a
tokenizer error (a cell beyond ``csv.field_size_limit``, a stray quote, a carriage return
alone; in text without quotes, a line beyond that limit), a row longer than the first, a
NUL character, a first row that is blank.
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
_TOO_WIDE = re.compile(r"Expected (\d+) fields in line \d+, saw (\d+)")


def parse_delimited(text: str, delimiter: str) -> pd.DataFrame:
    """``pd.read_csv`` of ``text`` with :data:`OPTIONS` and the Python engine: the same frame.

    >>> parse_delimited("a,b,c\\n1,,\\n\\n2\\n", ",").to_numpy().tolist()
    [['a', 'b', 'c'], ['1', '', ''], [nan, nan, nan], ['2', nan, nan]]
    """
    frame = _by_c_parser(text, delimiter)
    if frame is None:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, engine="python", **OPTIONS)
    return frame


def _by_c_parser(text: str, delimiter: str) -> pd.DataFrame | None:
    """The frame by the C parser, or None where it might not be the Python parser's."""
    end = text.find("\n")
    if "\x00" in text or "\ufeff" in (text if end < 0 else text[:end]):
        return None  # NUL; a byte-order mark in the first line, which the Python parser strips even in quotes
    try:
        cells = _cells_per_row(text, delimiter)
    except csv.Error:
        return None
    if cells is None or not len(cells) or cells[0] == 0 or cells.max() > cells[0]:
        return None
    try:
        frame = pd.read_csv(_as_bytes(text), sep=delimiter, engine="c", encoding="utf-8", **OPTIONS)
    except (pd.errors.ParserError, ValueError):
        return None
    if frame.shape != (len(cells), cells[0]):
        return None
    for position in range(cells[0]):
        short = cells <= position
        if short.any():
            frame[position] = frame[position].mask(short)
    return frame


def _as_bytes(text: str) -> io.BytesIO | io.StringIO:
    """``text`` for pandas' C parser: as UTF-8 bytes, a quarter of the memory of a
    ``StringIO`` (which holds 4 bytes a character); as text where it cannot be UTF-8 (a
    lone surrogate)."""
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


def _cells_per_row(text: str, delimiter: str) -> np.ndarray | None:
    """How many cells the csv module finds in each row of ``text`` (None for a carriage
    return alone, which the Python parser refuses); raises ``csv.Error`` as it would."""
    if '"' in text:
        reader = csv.reader(_lines(text), dialect=PythonDialect, delimiter=delimiter, strict=True)
        return np.fromiter((len(row) for row in reader), dtype=np.int64)
    if _LONE_CR.search(text):
        return None
    rows = lines_of(text)
    if len(rows) and text.endswith("\n"):
        rows = rows[:-1]
    if len(rows) and pc.max(pc.utf8_length(rows)).as_py() > csv.field_size_limit():
        return None  # a cell might be beyond the csv module's limit: the Python parser says
    cells = pc.add(pc.count_substring(rows, delimiter), 1).to_numpy(zero_copy_only=False).astype(np.int64)
    blank = pc.is_in(rows, value_set=pa.array(["", "\r"], type=pa.large_string())).to_numpy(zero_copy_only=False)
    return np.where(blank, 0, cells)


def lines_of(text: str) -> pa.Array:
    """The lines of ``text`` (split at each line feed, as ``str.split("\\n")``), held by pyarrow.

    >>> lines_of("a,b\\r\\n\\n1").to_pylist()
    ['a,b\\r', '', '1']
    """
    return pc.split_pattern(pa.array([text], type=pa.large_string()), "\n").flatten()


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
