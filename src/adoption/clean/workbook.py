"""Reading a workbook of several large sheets a sheet at a time: bounded memory for a
register sent as one workbook (a sheet a year, say) to ``adoption clean --engine chunked``
or ``dask``.

Read whole, a workbook's sheets are all held as text at once (:func:`~adoption.clean.read.read_raw`).
Here each sheet is read (:func:`~adoption.clean.xlsx.sheets`), its header found and its rows
taken (:mod:`adoption.clean.header`), and those rows written to a temporary folder (Python's
``tempfile``: ``TMPDIR``; pickled, compressed by LZ4) before the next sheet is read; once
every sheet's header is known, the rows are given back a sheet at a time, each table with
the whole workbook's headers, which decide how every row is cleaned (the columns the file
lacks, the VSIC version it names). The rows, counts, extras and errors are those of the
whole read. One sheet is held whole while it is read (calamine reads a sheet whole): at
most 1,048,576 rows in Excel.

Where the temporary folder cannot be written (no space left, say), each sheet is read
again for its rows instead, with a warning: the same tables, in about twice the time.
"""

from __future__ import annotations

import logging
import pickle
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa

from ..core.errors import InputFileError
from ..core.outputs import sha256_file
from .header import Header, SheetRows, alias_index, no_header_error, sheet_header, sheet_rows
from .limits import ReadLimits, check_file_size
from .read import EXTRA_COLUMNS, RawTable
from .scratch import scratch_folder
from .xlsx import sheets, worksheet_bytes

log = logging.getLogger(__name__)

# A sheet's rows wait pickled in this compression: a quarter to a half of their size, for a
# twentieth of a second a 300,000-row sheet.
COMPRESSION = "lz4"
# A sheet: its place among the workbook's sheets that hold a value, and its name.
Sheet = tuple[int, str]
# The extras of a sheet without extra columns (:func:`~adoption.clean.pieces.joined` leaves
# it out, as the whole read has no frame for such a sheet); never changed in place.
NO_EXTRAS = pd.DataFrame(columns=EXTRA_COLUMNS)


def read_sheets(path: Path, aliases: dict[str, tuple[str, ...]], required: tuple,
                limits: ReadLimits) -> Iterator[RawTable]:
    """The workbook ``path`` as :func:`~adoption.clean.read.read_raw` reads it, in one table
    for each sheet with a header (see the module's text): together, the rows, extras and
    counts of the whole workbook; each with the whole workbook's headers, header rows and
    sheets not read, and its ``sheet``."""
    check_file_size(path, limits)
    folder = _folder(path)
    try:
        headers, not_read, kept = _headers(path, aliases, required, limits, folder)
        log.info("%s/%s: %s MB of sheets read one at a time (%d with a header)%s", path.parent.name, path.name,
                 f"{sum(worksheet_bytes(path)) / 2**20:,.0f}", len(headers), "" if kept else ", then again for their rows")
        header_map: dict[str, str] = {}
        for header in headers.values():
            header_map.update(header.names)
        whole = RawTable(path=path, frame=pd.DataFrame(), extras=pd.DataFrame(), rows_read=0, header_map=header_map,
                         sheets_not_read=not_read, header_rows={sheet: h.row for (_, sheet), h in headers.items()},
                         sha256=sha256_file(path))
        if kept:
            for (_, sheet), file in kept.items():
                with pa.input_stream(file, compression=COMPRESSION) as handle:
                    rows = pickle.load(handle)
                file.unlink()
                yield _table(whole, sheet, rows)
                rows = None
            return
        yield from _read_again(path, aliases, required, limits, headers, whole)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _folder(path: Path) -> Path | None:
    try:
        return scratch_folder("sheets")
    except OSError as error:
        log.warning("%s/%s: no temporary folder for its sheets' rows (%s): each sheet read twice",
                    path.parent.name, path.name, error)
        return None


def _headers(path: Path, aliases: dict[str, tuple[str, ...]], required: tuple, limits: ReadLimits,
             folder: Path | None) -> tuple[dict[Sheet, Header], dict[str, str], dict[Sheet, Path]]:
    """Every sheet's header (by its place among the sheets that hold a value, and its name:
    two sheets may share a name), or why it is not read; and, where ``folder`` can be
    written, the file in it holding each sheet's rows (else none). The errors of the whole
    read: a sheet beyond a limit is told before a missing column in an earlier one, as the
    whole read reads every sheet before it looks for headers."""
    index = alias_index(aliases)
    headers: dict[Sheet, Header] = {}
    not_read: dict[str, str] = {}
    kept: dict[Sheet, Path] = {}
    first, error, place = None, None, -1
    for sheet, grid in sheets(path, limits):  # not enumerate(): it holds the sheet before while the next is read
        place += 1
        raw, grid = pd.DataFrame(grid, dtype=object, copy=False), None  # no sheet's text held while the next is read
        first = raw.iloc[:1].copy() if first is None else first
        try:
            header = sheet_header(path, sheet, raw, index, aliases, required)
        except InputFileError as found:
            # Its traceback would hold the sheet's text (in the frames it passed) till the end.
            error, raw = error or found.with_traceback(None), None
            continue
        if isinstance(header, str):
            not_read[sheet] = header
        else:
            headers[place, sheet] = header
            log.info("%s/%s: sheet %r read, %s rows below its header", path.parent.name, path.name, sheet,
                     f"{len(raw) - header.row - 1:,}")
            if folder is not None and error is None:
                folder = _keep(path, folder, (place, sheet), sheet_rows(path, sheet, raw, header, aliases), kept)
        raw = None
    if error is not None:
        raise error
    if not headers:
        raise no_header_error(path, first, aliases, required)
    return headers, not_read, kept


def _keep(path: Path, folder: Path, sheet: Sheet, rows: SheetRows, kept: dict[Sheet, Path]) -> Path | None:
    """Write a sheet's rows into ``folder``; the folder, or None (nothing kept) where it
    cannot be written."""
    file = folder / f"sheet-{len(kept):05d}.pkl.lz4"
    try:
        with pa.output_stream(file, compression=COMPRESSION) as handle:
            pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as error:
        log.warning("%s/%s: its sheets' rows cannot be written in the temporary folder (%s): each sheet read twice",
                    path.parent.name, path.name, error)
        kept.clear()
        shutil.rmtree(folder, ignore_errors=True)
        return None
    kept[sheet] = file
    return folder


def _read_again(path: Path, aliases: dict[str, tuple[str, ...]], required: tuple, limits: ReadLimits,
                headers: dict[Sheet, Header], whole: RawTable) -> Iterator[RawTable]:
    """Each sheet with a header read again, for its rows."""
    index, place = alias_index(aliases), -1
    for sheet, grid in sheets(path, limits):
        place += 1
        if (place, sheet) not in headers:
            grid = None
            continue
        raw, grid = pd.DataFrame(grid, dtype=object, copy=False), None
        header = headers[place, sheet]
        if sheet_header(path, sheet, raw, index, aliases, required) != header:
            raise InputFileError(f"{path}: sheet {sheet!r} changed while it was read (its header is not the one "
                                 "read first); run again once the file is no longer being written")
        rows = sheet_rows(path, sheet, raw, header, aliases)
        raw = None
        yield _table(whole, sheet, rows)
        rows = None


def _table(whole: RawTable, sheet: str, rows: SheetRows) -> RawTable:
    extras = pd.concat(rows.extras, ignore_index=True) if rows.extras else NO_EXTRAS
    return replace(whole, frame=rows.frame, extras=extras, rows_read=rows.read, blank_rows=rows.blank, sheet=sheet)
