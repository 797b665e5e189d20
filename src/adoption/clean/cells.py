"""Spreadsheet cells as the text the cleaning reads, within the read limits: a row at a
time (:func:`rows_text`, for openpyxl's rows as they are read) or a sheet at a time
(:func:`sheet_text`, for calamine's values, held whole), both giving a sheet's text as a
grid (:func:`padded`)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import numpy as np

from .limits import ReadLimits, breach


def column_letter(number: int) -> str:
    """Excel's letters of a column: 1 -> A, 27 -> AA, 1001 -> ALM (as openpyxl writes them).

    >>> [column_letter(n) for n in (1, 26, 27, 1001, 16384)]
    ['A', 'Z', 'AA', 'ALM', 'XFD']
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text the cleaning reads. A fractional number keeps a
    decimal point that cannot pass for a thousands separator: 1.234 is written 1.2340,
    which the number parser reads as 1.234, not as 1234 the Vietnamese way.

    >>> [cell_text(v) for v in (1.234, 1234.0, 0.5, 12.345678, 1e-7, None)]
    ['1.2340', '1234', '0.5', '12.345678', '0.0000001', '']
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        text = repr(value) if "e" not in repr(value) else f"{value:.{abs(int(repr(value).split('e')[1])) + 15}f}".rstrip("0")
        return text + "0" if re.fullmatch(r"-?[0-9]{1,3}\.[0-9]{3}", text) else text
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _too_wide(path: Path, sheet: str, number: int, end: int, limits: ReadLimits):
    return breach(path, f"sheet {sheet!r}, row {number}, column {column_letter(end)}",
                  f"a value in column {end:,}", "max_columns", limits.max_columns)


def _too_long(path: Path, sheet: str, number: int, column: int, cell: str, limits: ReadLimits):
    return breach(path, f"sheet {sheet!r}, cell {column_letter(column)}{number}",
                  f"{len(cell):,} characters", "max_cell_chars", limits.max_cell_chars)


def _too_many(path: Path, sheet: str, limits: ReadLimits):
    return breach(path, f"sheet {sheet!r}", f"more than {limits.max_rows:,} rows", "max_rows", limits.max_rows)


def _row_text(path: Path, sheet: str, number: int, row, limits: ReadLimits) -> list[str]:
    """One spreadsheet row as text, up to its last value, within the column and cell limits."""
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    if end > limits.max_columns:
        raise _too_wide(path, sheet, number, end, limits)
    cells = [cell_text(v) for v in row[:end]]
    if cells and max(map(len, cells)) > limits.max_cell_chars:
        column, cell = next((i, c) for i, c in enumerate(cells, start=1) if len(c) > limits.max_cell_chars)
        raise _too_long(path, sheet, number, column, cell, limits)
    return cells


def rows_text(path: Path, sheet: str, rows, limits: ReadLimits) -> list[list[str]]:
    """Every row as text, in order, each up to its last value and checked against ``limits``
    as it is read (the first breach is raised)."""
    out = []
    for number, row in enumerate(rows, start=1):
        if number > limits.max_rows:
            raise _too_many(path, sheet, limits)
        out.append(_row_text(path, sheet, number, row, limits))
    return out


def padded(rows: list[list[str]]) -> np.ndarray:
    """Rows of text as a grid (an array of Python strings) as wide as the longest, ``""`` beyond a row's end.

    >>> padded([["a"], [], ["b", "c"]]).tolist()
    [['a', ''], ['', ''], ['b', 'c']]
    """
    return _grid(rows, len(rows), "")


def value_grid(values: list[list], rows: int) -> np.ndarray:
    """Rows of cell values (as calamine gives them) as a grid of ``rows`` rows (at least
    as many as ``values``) as wide as the widest, None where a row holds no cell.

    >>> value_grid([["a", 1.5], ["b"]], 3).tolist()
    [['a', 1.5], ['b', None], [None, None]]
    """
    return _grid(values, rows, None)


def _grid(rows: list[list], count: int, fill: object) -> np.ndarray:
    """``rows`` as a grid of objects, ``count`` rows (at least as many as ``rows``) as wide
    as the widest, ``fill`` where a row holds no cell."""
    width = max(map(len, rows), default=0)
    grid = np.full((max(count, len(rows)), width), fill, dtype=object)
    if rows and all(len(row) == width for row in rows):  # calamine's rows are as wide as the sheet
        grid[:len(rows)] = rows
    else:
        for number, row in enumerate(rows):
            grid[number, :len(row)] = row
    return grid


def kinds(grid: np.ndarray, column: int) -> set[type]:
    """The types of the values in a column of ``grid``."""
    return set(map(type, grid[:, column]))


def sheet_text(path: Path, sheet: str, grid: np.ndarray, limits: ReadLimits) -> np.ndarray:
    """A sheet's cell values (:func:`value_grid`) as text: ``padded(rows_text(...))`` of its
    rows, the same breach refused for the same first row, found column by column. The
    grid's values are replaced by their text.

    >>> sheet_text(Path("s.xlsx"), "S", value_grid([["a", None, 1.5], [None, "", None]], 3), ReadLimits()).tolist()
    [['a', '', '1.5'], ['', '', ''], ['', '', '']]
    """
    rows, width = grid.shape
    if not width:  # no cell: nothing to make text, no row too wide or too long
        if rows > limits.max_rows:
            raise _too_many(path, sheet, limits)
        return grid
    kept = np.zeros(grid.shape, dtype=bool)  # cells whose value is no text but ends no row (NaN)
    for column in range(width):
        cells, found = grid[:, column], kinds(grid, column)
        if found <= {str}:
            continue
        if any(issubclass(kind, float) for kind in found):
            kept[:, column] = [isinstance(v, float) and v != v for v in cells]
        grid[:, column] = [v if type(v) is str else cell_text(v) for v in cells]
    held = (grid != "") | kept
    ends = np.where(held.any(axis=1), width - held[:, ::-1].argmax(axis=1), 0)
    checked = min(rows, limits.max_rows)  # the rows read before the row limit is reached
    wide = np.flatnonzero(ends[:checked] > limits.max_columns)
    lengths = np.frompyfunc(len, 1, 1)(grid[:checked]).astype(np.int64)
    long = np.flatnonzero((lengths > limits.max_cell_chars).any(axis=1))
    if len(wide) or len(long):
        first = min(np.concatenate([wide[:1], long[:1]]))
        if ends[first] > limits.max_columns:
            raise _too_wide(path, sheet, int(first) + 1, int(ends[first]), limits)
        column = int(np.argmax(lengths[first] > limits.max_cell_chars))
        raise _too_long(path, sheet, int(first) + 1, column + 1, grid[first, column], limits)
    if rows > limits.max_rows:
        raise _too_many(path, sheet, limits)
    return grid[:, :int(ends.max(initial=0))]
