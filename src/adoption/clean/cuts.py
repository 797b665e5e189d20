"""Where a large CSV is cut into pieces of whole rows (:mod:`adoption.clean.pieces` reads them).

:func:`plan_pieces` reads the file twice as a stream, a block at a time. First it checks the
UTF-8, counts the lines and the multi-byte characters (the encoding's evidence, as
:func:`~adoption.clean.encoding.decode` gives it for the whole file); then it cuts the file
where a row ends: at a line feed, or, where the file holds quotes, where the csv module
(the parser's own tokenizer) ends a row (found by a pattern for the lines that are whole
rows of well-formed cells, by the tokenizer itself for any other). Where that tokenizer
refuses a row, the file is cut up to it, and after it at line feeds (its lines are then
only checked for width: the reader refuses the file at that row).
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..core.io import DATA_SUFFIXES
from .delimited import PythonDialect, lines_of, whole_row_pattern
from .encoding import UTF8_BOM, Decoded, multibyte_characters, valid_utf8, wide_bom
from .limits import ReadLimits
from .read import BINARY_SAMPLE_BYTES, ZIP_START, looks_binary, sniff_delimiter

# A CSV larger than this is read in pieces of about this size (each takes a few times it in memory).
PIECE_BYTES = 128 * 1024 * 1024
# The file is streamed in blocks of this size.
BLOCK_BYTES = 16 * 1024 * 1024
# The first piece holds at least these rows: the header is found among the first 30.
HEAD_ROWS = 31


@dataclass(frozen=True)
class Plan:
    """Where a CSV is cut: the byte range of each piece, the rows of the file before each,
    the end of each of the file's first rows, the whole file's encoding evidence and its
    delimiter (told from its first line that is not blank, as the whole read tells it). ``refused``: the piece holding a row the csv module cannot tokenize, where the file has
    one; it ends after that row's line, and the pieces after it are cut at line feeds, to
    be checked line by line only (the reader refuses the file at that row)."""

    bounds: list[tuple[int, int]]
    rows_before: list[int]
    row_ends: list[int]
    decoded: Decoded
    delimiter: str
    refused: int | None = None


class TooManyRows(Exception):
    """The file holds more lines than the row limit: ``count``."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


class _Untokenized(Exception):
    """The csv module cannot tokenize a row of the file: ``offset`` is the end of the line it failed on."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


def _lines(path: Path, start: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        yield from handle


def _scan(path: Path, binary_checked: bool = False) -> tuple[bool, int, int, bool, bool, str | None] | None:
    """One pass over the file: whether it starts with a UTF-8 byte-order mark, its line feeds
    and multi-byte characters, whether it holds a quote and ends with a line feed, and its
    delimiter (None where its first line might go on past the first block: the file is
    UTF-8, to be read whole); None where a byte is not UTF-8 (or it is UTF-16 or UTF-32), or
    the file is binary by its first bytes (:func:`~adoption.clean.read.looks_binary`; not
    looked for with ``binary_checked``: ``path`` is the UTF-8 text of a file found not binary)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    newlines = multibyte = 0
    quoted, last, head, bom, first_text = False, b"", "", False, True
    with path.open("rb") as handle:
        # A zip with a text file's name, or a binary file (by the NUL bytes the reader
        # looks for in its first bytes): the whole read says. (Other NUL bytes are read in pieces.)
        start = handle.read(BINARY_SAMPLE_BYTES)
        if wide_bom(start) or start.startswith(ZIP_START) or (not binary_checked and looks_binary(start)):
            return None
        handle.seek(0)
        first = True
        while block := handle.read(BLOCK_BYTES):
            if first:
                bom = block.startswith(UTF8_BOM)
                block = block[3:] if bom else block
                first = False
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError:
                return None
            if first_text:
                head, first_text = text, False
            newlines += block.count(b"\n")
            multibyte += multibyte_characters(block)
            quoted = quoted or b'"' in block
            last = block[-1:] or last
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    lines = head.splitlines()
    first_line = next((number for number, line in enumerate(lines) if line.strip()), None)
    # The first line the delimiter is told from might go on past the first block: none.
    delimiter = None if first_line is None or first_line == len(lines) - 1 else sniff_delimiter(head)
    return bom, newlines, multibyte, quoted, last == b"\n", delimiter


def _row_ends(path: Path, start: int, quoted: bool, delimiter: str, max_cell_chars: int) -> Iterator[int]:
    """The byte offset after each row of the file: after each line feed; where the file
    holds quotes, after the line that ends each row as the csv module reads it.

    In a file with quotes, a block of lines at a time: from a row's start, each line that
    is one whole row of well-formed cells, none past the cell limit (pyarrow's regular
    expression, :func:`~adoption.clean.delimited.whole_row_pattern`), ends a row, as the
    csv module would end it; at the first other line (a quoted line break, a quote inside an
    unquoted cell, a row the module refuses), the csv module reads that row.
    """
    if not quoted:
        offset = start
        for line in _lines(path, start):
            offset += len(line)
            yield offset
        return
    size, pattern = path.stat().st_size, whole_row_pattern(delimiter)
    previous = csv.field_size_limit(max_cell_chars)
    try:
        with path.open("rb") as handle, path.open("rb") as own:
            source = _Lines(own)
            reader = csv.reader(source, dialect=PythonDialect, delimiter=delimiter, strict=True)

            def by_csv(at: int) -> int:
                """The end of the row starting at ``at``, as the csv module reads it."""
                source.offset = at
                try:
                    next(reader)
                except csv.Error as error:
                    raise _Untokenized(source.offset) from error
                return source.offset

            offset = start
            while offset < size:
                handle.seek(offset)
                block = handle.read(BLOCK_BYTES)
                at_end = offset + len(block) >= size
                cut = len(block) if at_end else block.rfind(b"\n") + 1
                if not cut:  # a line longer than a block: the csv module reads its row
                    offset = by_csv(offset)
                    yield offset
                    continue
                lines = lines_of(None, block[:cut])
                if block[cut - 1:cut] == b"\n":
                    lines = lines[:-1]  # the empty text after the last line feed is no line
                lengths = pc.binary_length(lines).to_numpy(zero_copy_only=False).astype(np.int64) + 1
                if block[cut - 1:cut] != b"\n":
                    lengths[-1] -= 1  # the file's last line, with no line feed after it
                starts = offset + np.concatenate(([0], np.cumsum(lengths)))
                whole = pc.and_(pc.match_substring_regex(lines, pattern),
                                pc.less_equal(pc.binary_length(lines), max_cell_chars)).to_numpy(zero_copy_only=False)
                others, line = np.flatnonzero(~whole), 0
                while True:  # from the start of a row, at ``line`` of the block
                    following = others[np.searchsorted(others, line):]
                    other = int(following[0]) if len(following) else len(lengths)
                    yield from starts[line + 1:other + 1].tolist()
                    offset = int(starts[other])
                    if other == len(lengths):
                        break
                    offset = by_csv(offset)
                    yield offset
                    if offset >= starts[-1]:
                        break
                    line = int(np.searchsorted(starts, offset))
    finally:
        csv.field_size_limit(previous)


class _Lines:
    """The file's lines, as text, from ``offset`` (which the caller sets before each row the
    csv module reads), ``offset`` moved past each line read: the module asks for a row's
    lines and no more."""

    def __init__(self, handle):
        self.handle, self.offset, self.at = handle, 0, -1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.at != self.offset:
            self.handle.seek(self.offset)
        line = self.handle.readline()
        if not line:
            raise StopIteration
        self.offset += len(line)
        self.at = self.offset
        return line.decode("utf-8")


def _line_cuts(path: Path, start: int, size: int, piece_bytes: int) -> list[tuple[int, int]]:
    """``path`` from ``start`` to ``size`` in pieces of about ``piece_bytes`` cut after line feeds."""
    bounds = []
    with path.open("rb") as handle:
        while start + piece_bytes < size:
            handle.seek(start + piece_bytes)
            stop = start + piece_bytes
            while block := handle.read(1 << 20):
                found = block.find(b"\n")
                if found >= 0:
                    stop += found + 1
                    break
                stop += len(block)
            if stop >= size:
                break
            bounds.append((start, stop))
            start = stop
    return bounds + [(start, size)]


def large_csv(path: Path, piece_bytes: int) -> bool:
    """Whether ``path`` is a CSV of more than ``piece_bytes`` (one to read in pieces, if it can be)."""
    suffix = path.suffix.lower()
    return suffix in DATA_SUFFIXES and suffix != ".xlsx" and path.stat().st_size > piece_bytes


def plan_pieces(path: Path, limits: ReadLimits, piece_bytes: int = PIECE_BYTES) -> Plan | None:
    """Where to cut the CSV ``path`` into pieces of about ``piece_bytes``; None for a file
    read whole (an XLSX, a file of one piece, a file that is not plain UTF-8: the whole read
    says why). A file whose row the csv module cannot tokenize is cut up to that row (see
    :class:`Plan`): the reader refuses it there, and the error is found a piece at a time.
    A file of more lines than ``limits.max_rows``: None too (:func:`read_pieces` refuses it)."""
    try:
        return planned(Path(path), limits, piece_bytes)[0]
    except TooManyRows:
        return None


def planned(path: Path, limits: ReadLimits, piece_bytes: int, binary_checked: bool = False) -> tuple[Plan | None, bool]:
    """:func:`plan_pieces`, and whether a large CSV it leaves whole may be in another
    encoding than UTF-8 (every byte of the others is UTF-8, and is not read again).
    ``binary_checked``: ``path`` is the UTF-8 text of a file found not binary (:func:`_scan`)."""
    if not large_csv(path, piece_bytes):
        return None, False
    scanned = _scan(path, binary_checked)
    if scanned is None:
        return None, True
    bom, newlines, multibyte, quoted, ends_with_newline, delimiter = scanned
    if delimiter is None or not newlines:  # no line feed: the reader takes carriage returns for line ends
        return None, False
    if newlines + (not ends_with_newline) > limits.max_rows:
        # The whole read's checks before it counts the lines pass (a file of blank lines only
        # has no delimiter): it refuses the file for its lines, as this does without reading it whole.
        raise TooManyRows(newlines + (not ends_with_newline))
    start = 3 if bom else 0
    bounds, rows_before, row_ends, rows = [], [0], [], 0
    try:
        for end in _row_ends(path, start, quoted, delimiter, limits.max_cell_chars):
            rows += 1
            if len(row_ends) < HEAD_ROWS:
                row_ends.append(end)
            if end - (bounds[-1][1] if bounds else 0) >= piece_bytes and rows >= HEAD_ROWS:
                bounds.append((bounds[-1][1] if bounds else 0, end))
                rows_before.append(rows)
    except _Untokenized as untokenized:
        size, cut = path.stat().st_size, bounds[-1][1] if bounds else 0
        refused = [*bounds, (cut, untokenized.offset)]
        if untokenized.offset < size:
            refused += _line_cuts(path, untokenized.offset, size, piece_bytes)
        return Plan(refused, rows_before, row_ends, valid_utf8("", multibyte=multibyte, bom=bom), delimiter,
                    len(bounds)), False
    except UnicodeDecodeError:  # the file changed since it was scanned: the whole read decides
        return None, True
    size = path.stat().st_size
    if not bounds:
        return None, False
    if bounds[-1][1] < size:
        bounds.append((bounds[-1][1], size))
    else:
        rows_before.pop()
    return Plan(bounds, rows_before, row_ends, valid_utf8("", multibyte=multibyte, bom=bom), delimiter), False
