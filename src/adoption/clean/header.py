"""A sheet's header row and the rows under it, under canonical column names.

A sheet (a CSV file is one sheet) is read as a grid of text by :mod:`adoption.clean.read`;
here its header is found among its first 30 rows by the aliases of each canonical column
(:func:`sheet_header`), and the rows below it are taken with their place in the file
(:func:`sheet_rows`). A workbook read a sheet at a time (:mod:`adoption.clean.pieces`)
finds every sheet's header this way first.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import InputFileError
from ..core.text import fold
from .distinct import arrow_held
from .encoding import Decoded
from .rejects import bad_bytes_reason, reject_frame

# A header row must match at least this many aliases to be taken as the header.
MIN_HEADER_MATCHES = 2


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which rows of ``frame`` hold nothing but whitespace (or no value) in every cell; a
    column is looked at only in the rows every column before it left blank.

    >>> _blank_rows(pd.DataFrame({0: ["a", " ", None, ""], 1: [None, "", " ", "b"]})).tolist()
    [False, True, True, False]
    """
    blank = np.ones(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        cells = frame.iloc[rows, position].fillna("").astype(str).str.strip()
        blank[rows] = (cells == "").to_numpy(dtype=bool)
    return blank


def _values(column: pd.Series):
    """``column``'s values for a new frame, as ``to_numpy()`` gives them to it: a text column
    kept in its arrow storage (no Python string made of each value), even where it holds no
    value (so that every piece of a file read in pieces has the whole file's types)."""
    if arrow_held(column.dtype):
        return column.array
    return column.to_numpy()


def alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(alias): canonical for canonical, names in aliases.items() for alias in names}


def _find_header(frame: pd.DataFrame, index: dict[str, str]) -> int | None:
    for row in range(min(len(frame), 30)):
        matches = {index.get(fold(str(v))) for v in frame.iloc[row]} - {None}
        if len(matches) >= MIN_HEADER_MATCHES:
            return row
    return None


def _missing_column_message(path: Path, sheet: str, missing: list, headers: list[str], unmatched: list[str],
                            aliases: dict[str, tuple[str, ...]]) -> str:
    hints = []
    for wanted in missing:
        # A tuple of columns is required as "at least one of them".
        columns = wanted if isinstance(wanted, tuple) else (wanted,)
        accepted = tuple(alias for column in columns for alias in aliases[column])
        folded = {fold(a): a for a in accepted}
        best = None
        for header in unmatched:
            close = get_close_matches(fold(header), list(folded), n=1, cutoff=0.5)
            if close:
                best = (header, folded[close[0]])
                break
        names = " or ".join(filter(None, (", ".join(repr(c) for c in columns[:-1]), repr(columns[-1]))))
        hint = f"{'at least one of ' if len(columns) > 1 else ''}{names} (accepted headers: {', '.join(accepted)})"
        if best:
            hint += f"; header {best[0]!r} is closest, to alias {best[1]!r}"
        hints.append(hint)
    where = f"sheet {sheet!r}: " if sheet else ""
    return f"{path}: {where}missing required column {'; '.join(hints)}. Headers found: {headers}"


def _first_alias(aliases: dict[str, tuple[str, ...]], wanted) -> str:
    return aliases[wanted[0] if isinstance(wanted, tuple) else wanted][0]


@dataclass(frozen=True)
class Header:
    """A sheet's header: its row (0-based), the canonical column at each position it maps,
    and its original headers (stripped) -> canonical names."""

    row: int
    headers: list[str]
    mapping: dict[int, str]

    @property
    def names(self) -> dict[str, str]:
        return {self.headers[position]: canonical for position, canonical in self.mapping.items()}


@dataclass(frozen=True)
class SheetRows:
    """One sheet's rows under canonical columns, the frames of its extra columns, its rows
    set aside (bytes that are not UTF-8), and its rows read and blank rows skipped."""

    frame: pd.DataFrame
    extras: list[pd.DataFrame]
    rejects: list[pd.DataFrame]
    read: int
    blank: int


def sheet_header(path: Path, sheet: str, raw: pd.DataFrame, index: dict[str, str], aliases: dict[str, tuple[str, ...]],
                 required: tuple) -> Header | str:
    """The header of one sheet's text ``raw`` (``sheet``: its name, empty for a CSV), or why
    the sheet is not read (no header row in its first 30 rows). Raises
    :class:`InputFileError` naming the file and sheet where a required column is missing."""
    header_row = _find_header(raw, index)
    if header_row is None:
        filled = int((~_blank_rows(raw)).sum())
        return (f"no header row in its first 30 rows (expected headers such as "
                f"{', '.join(_first_alias(aliases, c) for c in required)}); {filled} non-empty rows not read")
    headers = [str(v).strip() for v in raw.iloc[header_row]]
    mapping: dict[int, str] = {}
    for position, header in enumerate(headers):
        canonical = index.get(fold(header))
        if canonical and canonical not in mapping.values():
            mapping[position] = canonical
    found = set(mapping.values())
    missing = [c for c in required if not found.intersection(c if isinstance(c, tuple) else (c,))]
    if missing:
        unmatched = [h for i, h in enumerate(headers) if i not in mapping and h]
        raise InputFileError(_missing_column_message(path, sheet, missing, headers, unmatched, aliases))
    return Header(header_row, headers, mapping)


def escaped_rows(raw: pd.DataFrame, decoded: Decoded) -> dict[int, tuple[list[int], int, str]]:
    """Rows holding bytes that are not in the file's encoding: row -> (the bytes, the first
    column holding one, its value with each such byte shown as U+FFFD)."""
    out = {}
    found = iter(decoded.bad_bytes)
    holds = raw.apply(lambda col: col.astype(str).str.contains(decoded.marker, regex=False)).any(axis=1)
    for row, values in raw[holds.to_numpy()].iterrows():
        cells = [str(v) for v in values]
        position = next(i for i, cell in enumerate(cells) if decoded.marker in cell)
        row_bytes = [next(found) for _ in range(sum(cell.count(decoded.marker) for cell in cells))]
        out[row] = (row_bytes, position, cells[position].replace(decoded.marker, "\ufffd"))
    return out


def sheet_rows(path: Path, sheet: str, raw: pd.DataFrame, header: Header, aliases: dict[str, tuple[str, ...]],
               escaped: dict | None = None) -> SheetRows:
    """The rows below ``header`` in one sheet's text ``raw``, blank rows skipped: each under
    its canonical column (an absent one empty), with ``source_file``, ``source_sheet`` and
    ``source_row``; the other columns as extras. Rows ``escaped`` names (line -> the bytes
    that are not UTF-8) are set aside."""
    escaped = escaped or {}
    body = raw.iloc[header.row + 1 :]
    empty = _blank_rows(body)
    body = body[~empty]
    source_row = body.index.to_numpy() + 1  # 1-based line or spreadsheet row
    frame = pd.DataFrame({canonical: _values(body.iloc[:, pos]) for pos, canonical in header.mapping.items()})
    for canonical in aliases:
        if canonical not in frame.columns:
            frame[canonical] = ""
    frame["source_file"] = path.name
    frame["source_sheet"] = sheet
    frame["source_row"] = source_row
    rejected = []
    bad = body.index.isin(list(escaped))
    if bad.any():
        reasons = pd.Series([bad_bytes_reason(row + 1, *escaped[row], header.headers) for row in body.index[bad]])
        rows = reject_frame(frame[bad], pd.Series(["bad_bytes"] * len(reasons)), reasons, list(aliases))
        # The values' type the sheet's (not one pandas infers from these rows alone: text, or none at all).
        rejected.append(rows.astype({column: frame[column].dtype for column in aliases}))
        frame = frame[~bad]
    extras = [pd.DataFrame({
        "source_file": path.name, "source_sheet": sheet, "source_row": source_row,
        "column": header.headers[pos] or f"(column {pos + 1})", "value": _values(body.iloc[:, pos]),
    }) for pos in range(len(header.headers)) if pos not in header.mapping]
    return SheetRows(frame, extras, rejected, len(body), int(empty.sum()))


def no_header_error(path: Path, first: pd.DataFrame, aliases: dict[str, tuple[str, ...]],
                    required: tuple) -> InputFileError:
    """The error for a file none of whose sheets has a header row; ``first``: its first sheet's text."""
    row = [str(v) for v in first.iloc[0]] if len(first) else []
    return InputFileError(
        f"{path}: no header row found in the first 30 rows of any sheet; expected headers such as "
        f"{', '.join(_first_alias(aliases, c) for c in required)}; the first row holds {row}"
    )
