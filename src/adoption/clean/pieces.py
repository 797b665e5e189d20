"""Reading a large CSV a piece at a time: bounded memory for a register sent as one file.

Read whole, a CSV takes several times its size in memory (its bytes, its text, the parsed
cells), so a single file of millions of rows would break the bounded memory of
``adoption clean --engine chunked``. A CSV larger than ``piece_bytes`` whose every byte is
valid UTF-8 (after a byte-order mark, if any) is therefore read in pieces of whole rows:

1. :func:`~adoption.clean.cuts.plan_pieces` reads the file as a stream and cuts it
   where rows end (:mod:`adoption.clean.cuts`). A file of more lines than ``max_rows`` is
   refused as the whole read refuses it, without reading it whole.
2. :func:`read_pieces` reads each piece with :func:`~adoption.clean.read.read_raw`, the
   first as the start of the file, every other behind the file's rows up to its header
   (so that the same delimiter, header and row width are found), and numbers its rows as
   the whole file numbers them.

The rows, their ``source_row`` and every count (:func:`joined`) are those of reading the
file whole. A large CSV in UTF-16 or UTF-32 (with its byte-order mark) or in a Windows code
page, or in UTF-8 but for a few stray bytes, is first written as UTF-8 into a temporary
folder (Python's ``tempfile``: ``TMPDIR``), a block at a time, and that file read in pieces
(:mod:`adoption.clean.transcode`), with the evidence for the file's own encoding. Each
stray byte is written as a marker (a noncharacter the file does not hold) and remembered
in order; each piece is read with the stray bytes it holds (:class:`_Marks`), so that it
sets aside the rows holding them as the whole read does, and their line in the file is
named. Where the reader refuses a piece, the error is the one reading the file whole
gives, at the file's own line, found a piece at a time (:func:`~adoption.clean.refused.whole_files_error`).

An XLSX workbook of several sheets whose sheets' XML is larger than ``piece_bytes`` is read
a sheet at a time, one table a sheet (:mod:`adoption.clean.workbook`).
"""

from __future__ import annotations

import logging
import shutil
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from ..core.errors import InputFileError
from .cuts import PIECE_BYTES, Plan, TooManyRows, large_csv, plan_pieces, planned
from .encoding import Decoded
from .limits import ReadLimits, breach, check_file_size
from .read import BINARY_SAMPLE_BYTES, EXTRA_COLUMNS, ZIP_START, RawTable, looks_binary, read_raw
from .refused import whole_files_error
from .scratch import scratch_folder
from .transcode import streamed_decoding, transcode
from .workbook import NO_EXTRAS, read_sheets
from .xlsx import worksheet_bytes

__all__ = ["PIECE_BYTES", "Plan", "joined", "plan_pieces", "read_pieces"]

log = logging.getLogger(__name__)


def read_pieces(path: Path, aliases: dict[str, tuple[str, ...]], required: tuple, limits: ReadLimits,
                piece_bytes: int = PIECE_BYTES) -> Iterator[RawTable]:
    """The raw file ``path`` as :func:`~adoption.clean.read.read_raw` reads it, in one or
    more tables of consecutive rows (see the module's text): together, the rows, extras
    and counts of the whole file, each table with the whole file's encoding evidence."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        sizes = worksheet_bytes(path)
        if len(sizes) > 1 and sum(sizes) > piece_bytes:
            yield from read_sheets(path, aliases, required, limits)
        else:
            yield read_raw(path, aliases, required, limits)
        return
    if large_csv(path, piece_bytes):
        check_file_size(path, limits)  # as the whole read, before it reads the file
    try:
        plan, other_encoding = planned(path, limits, piece_bytes)
        if plan is not None:
            yield from _read_planned(path, path, plan, aliases, required, limits)
            return
        if not other_encoding:  # UTF-8 (or small), read whole
            yield read_raw(path, aliases, required, limits)
            return
        with _as_utf8(path, limits, piece_bytes) as utf8:
            if utf8 is None:
                yield read_raw(path, aliases, required, limits)
                return
            yield from _read_planned(path, *utf8, aliases, required, limits)
    except TooManyRows as too_many:  # as the whole read refuses it, after the file's size
        raise breach(path, "", f"{too_many.count:,} lines", "max_rows", limits.max_rows) from None


@contextmanager
def _as_utf8(path: Path, limits: ReadLimits, piece_bytes: int) -> Iterator[tuple[Path, Plan] | None]:
    """A large CSV in UTF-16, UTF-32 or a code page (:mod:`adoption.clean.transcode`) as a
    UTF-8 file in a temporary folder (removed on leaving), and where to cut that; None for
    any other file, read whole: the folder is gone before then, and a folder that cannot be
    written (no space left, say) leaves the file to the whole read too."""
    with path.open("rb") as handle:
        start = handle.read(BINARY_SAMPLE_BYTES)
    if not large_csv(path, piece_bytes) or looks_binary(start) or start.startswith(ZIP_START):
        yield None  # a binary file, a zip: the whole read says
        return
    # A file no encoding reads is refused here, as the whole read refuses it after the checks above.
    decoded = streamed_decoding(path)
    if decoded is None:
        yield None
        return
    folder, plan = None, None
    try:
        try:
            folder = scratch_folder("utf8")
            found: list[int] = []  # the bytes that are not UTF-8, of a file that is but for them
            if transcode(path, folder / path.name, decoded.encoding, marker=decoded.marker, found=found):
                plan = planned(folder / path.name, limits, piece_bytes, binary_checked=True)[0]
                decoded = replace(decoded, bad_bytes=tuple(found))
        except OSError as error:
            log.warning("%s/%s: no UTF-8 copy written in the temporary folder (%s): read whole",
                        path.parent.name, path.name, error)
        if plan is None:
            _remove(folder)
            folder = None
            yield None
        else:
            yield folder / path.name, replace(plan, decoded=decoded)
    finally:
        _remove(folder)


def _remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _read_planned(path: Path, source: Path, plan: Plan, aliases: dict[str, tuple[str, ...]], required: tuple,
                  limits: ReadLimits) -> Iterator[RawTable]:
    """The pieces of ``path`` that ``plan`` cuts, their bytes read from ``source`` (the
    file, or its text in UTF-8)."""
    decoded = plan.decoded
    if source == path:
        note = ""
    elif decoded.bad_bytes:
        note = f" (its text written as UTF-8 first, each of {len(decoded.bad_bytes):,} bytes not UTF-8 marked)"
    else:
        note = f" (its text, {decoded.encoding}, written as UTF-8 first)"
    pieces = f"{len(plan.bounds)} pieces of whole rows" if plan.refused is None else \
        f"{plan.refused + 1} pieces of whole rows, up to a row the csv module cannot tokenize"
    log.info("%s/%s: %s MB read in %s%s", path.parent.name, path.name, f"{path.stat().st_size / 2**20:,.0f}", pieces, note)
    marks = _Marks(decoded)
    with source.open("rb") as handle:
        def piece(start: int, stop: int) -> bytes:
            handle.seek(start)
            return handle.read(stop - start)

        # No piece is held here while the next is read: the caller holds one at a time.
        failed, header = 0, None
        try:
            data = piece(*plan.bounds[0])
            # The file was found not binary by its first 4 KB (a UTF-8 copy, by its own file's):
            # a first piece shorter than that (cut after a row the csv module refuses) is not
            # checked again, nor any other.
            first = read_raw(path, aliases, required, limits, data=data, marked=marks.of(b"", data), binary_checked=True)
            if plan.refused == 0:
                raise _unrefused(path)
            header = first.header_rows[""]
            head = piece(0, plan.row_ends[header])
            first = replace(first, decoded=decoded)
            del data
            yield first
            del first
            for failed, ((start, stop), before) in enumerate(zip(plan.bounds[1:], plan.rows_before[1:]), start=1):
                data = piece(start, stop)
                marked = marks.of(head, data)
                yield _renumbered(read_raw(path, aliases, required, limits, data=head + data, marked=marked, later=True),
                                  before - (header + 1), decoded)
                del data
            if plan.refused is not None:
                raise _unrefused(path)
        except InputFileError as error:
            found = whole_files_error(path, source, plan, (failed, header), (aliases, required), limits, error)
            raise found from found.__cause__


def _unrefused(path: Path) -> RuntimeError:
    """The error for a piece holding a row the csv module refused that the reader read."""
    return RuntimeError(f"{path}: a row the csv module cannot tokenize was read; please report this file")


class _Marks:
    """The bytes that are not UTF-8 in each piece of a file that is UTF-8 but for them
    (``decoded``), shown in the pieces by its marker: the file's own, in order."""

    def __init__(self, decoded: Decoded):
        self.decoded, self.taken = decoded, 0
        self.marker = decoded.marker.encode("utf-8") if decoded.bad_bytes else b""

    def of(self, head: bytes, data: bytes) -> Decoded | None:
        """The evidence to read ``head + data`` by, ``data`` the next piece of the file and
        ``head`` its rows up to the header (read again before each piece but the first); None
        where the file holds no such byte."""
        if not self.marker:
            return None
        before, count = head.count(self.marker), data.count(self.marker)
        found = self.decoded.bad_bytes
        marked = replace(self.decoded, bad_bytes=found[:before] + found[self.taken:self.taken + count])
        self.taken += count
        return marked


def joined(tables: list[RawTable]) -> RawTable:
    """The tables :func:`read_pieces` gave for one file (their rows left out or not) as the
    whole file's: counts summed, the reader's rejects joined, extras in the file's order."""
    if tables[0].sheet is not None:  # each table a sheet's: its extras follow the sheet before's
        extras = [t.extras for t in tables if t.extras is not NO_EXTRAS] or [pd.DataFrame(columns=EXTRA_COLUMNS)]
    elif len(tables) == 1:
        return tables[0]
    else:
        extras = [_joined_extras([t.extras for t in tables], [t.rows_read for t in tables])]
    return replace(tables[0], rows_read=sum(t.rows_read for t in tables), blank_rows=sum(t.blank_rows for t in tables),
                   extras=pd.concat(extras, ignore_index=True), sheet=None,
                   rejects=pd.concat([t.rejects for t in tables if len(t.rejects)] or [tables[0].rejects],
                                     ignore_index=True))


def _joined_extras(pieces: list[pd.DataFrame], rows: list[int]) -> pd.DataFrame:
    """The extras of a file's pieces (each of ``rows`` rows read) in the whole file's order:
    column by column, each column's rows in order. A piece holds a block of its rows for
    each extra column, in the header's order (two columns may share a name).

    >>> one = pd.DataFrame({"column": ["STT", "STT", "Ghi chú", "Ghi chú"], "source_row": [2, 3, 2, 3]})
    >>> two = pd.DataFrame({"column": ["STT", "Ghi chú"], "source_row": [4, 4]})
    >>> none = one.iloc[:0]
    >>> _joined_extras([none, one, two], [0, 2, 1]).values.tolist()
    [['STT', 2], ['STT', 3], ['STT', 4], ['Ghi chú', 2], ['Ghi chú', 3], ['Ghi chú', 4]]
    """
    joined = pd.concat(pieces, ignore_index=True)
    if len(pieces) < 2 or joined.empty:
        return joined
    columns = next(len(piece) // count for piece, count in zip(pieces, rows) if count)
    starts = np.cumsum([0, *(len(piece) for piece in pieces[:-1])])
    order = [np.arange(start + column * count, start + (column + 1) * count)
             for column in range(columns) for start, count in zip(starts, rows)]
    return joined.iloc[np.concatenate(order)].reset_index(drop=True)


def _renumbered(table: RawTable, shift: int, decoded: Decoded) -> RawTable:
    """A later piece's rows numbered as the whole file numbers them (the reasons its rows
    were set aside, which name their line, too)."""
    frame = table.frame.assign(source_row=table.frame["source_row"] + shift)
    extras = table.extras.assign(source_row=table.extras["source_row"] + shift) if len(table.extras) else table.extras
    rejects = table.rejects
    if len(rejects):
        lines = rejects["reason_code"].eq("bad_bytes")  # "line N holds ... bytes that are not UTF-8"
        reason = rejects["reason"].where(~lines, rejects["reason"].str.replace(
            r"^line (\d+)", lambda m: f"line {int(m[1]) + shift}", regex=True))
        rejects = rejects.assign(source_row=rejects["source_row"] + shift, reason=reason)
    return replace(table, frame=frame, extras=extras, rejects=rejects, decoded=decoded)
