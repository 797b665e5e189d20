"""Reading raw exports: every file as text, under canonical column names.

Raw files are read as text (every cell a string), so that no value is altered before the
normalisers see it. Encodings, delimiters, spreadsheets with title rows and several
sheets, and headers in any spelling are handled here (data contract, "Raw inputs").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path

import openpyxl
import pandas as pd

from ..core.errors import InputFileError
from ..core.io import DATA_SUFFIXES
from ..core.text import fold

# A header row must match at least this many aliases to be taken as the header.
MIN_HEADER_MATCHES = 2
# Formats refused by name, with what to do instead.
OLD_FORMATS = {".xls": "an old Excel file (.xls, Excel 97-2003)", ".xlsb": "a binary Excel file (.xlsb)",
               ".ods": "an OpenDocument spreadsheet (.ods)"}
# Encodings tried in order when a file has no byte-order mark (data contract).
FALLBACK_ENCODINGS = ("utf-8", "cp1258")


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


def _decode(path: Path, data: bytes) -> str:
    """Text of a file: BOM first, then strict UTF-8, then Windows-1258 (data contract).

    Windows-1258 writes Vietnamese as base letters plus combining tone marks; the
    cleaning step turns all text into NFC.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = FALLBACK_ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            failure = f"{encoding} fails at byte {exc.start}"
    raise InputFileError(
        f"{path}: cannot decode the file ({failure}); expected UTF-8 (with or without BOM), "
        "UTF-16 with BOM, or Windows-1258"
    )


def _read_delimited(path: Path) -> list[tuple[str, pd.DataFrame]]:
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(f"{path}: the file is empty; expected a header row and data rows")
    if data[:4] == b"PK\x03\x04":
        raise InputFileError(f"{path}: this is a zip or XLSX file with a text file's name; rename it to .xlsx")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{path}: binary content; expected a CSV (comma, semicolon or tab separated) or XLSX file")
    text = _decode(path, data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, header=None,
            skip_blank_lines=False, engine="python", quotechar='"',
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputFileError(f"{path}: not a readable {delimiter!r}-separated file ({exc})") from exc
    return [("", frame)]


def _read_xlsx(path: Path) -> list[tuple[str, pd.DataFrame]]:
    """Every sheet as text, indexed so that index + 1 is the row number Excel shows."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputFileError(f"{path}: cannot open as XLSX ({exc.__class__.__name__}: {exc})") from exc
    out = []
    try:
        for sheet in book.worksheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if not any(any(cell.strip() for cell in row) for row in rows):
                continue
            width = max(len(row) for row in rows)
            frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
            out.append((sheet.title, frame))
    finally:
        book.close()
    if not out:
        raise InputFileError(f"{path}: every sheet is empty; expected a header row and data rows")
    return out


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(alias): canonical for canonical, names in aliases.items() for alias in names}


def _find_header(frame: pd.DataFrame, index: dict[str, str]) -> int | None:
    for row in range(min(len(frame), 30)):
        matches = {index.get(fold(str(v))) for v in frame.iloc[row]} - {None}
        if len(matches) >= MIN_HEADER_MATCHES:
            return row
    return None


def _missing_column_message(path: Path, missing: list[str], headers: list[str], unmatched: list[str],
                            aliases: dict[str, tuple[str, ...]]) -> str:
    hints = []
    for column in missing:
        accepted = aliases[column]
        folded = {fold(a): a for a in accepted}
        best = None
        for header in unmatched:
            close = get_close_matches(fold(header), list(folded), n=1, cutoff=0.5)
            if close:
                best = (header, folded[close[0]])
                break
        hint = f"'{column}' (accepted headers: {', '.join(accepted)})"
        if best:
            hint += f"; header {best[0]!r} is closest, to alias {best[1]!r}"
        hints.append(hint)
    return f"{path}: missing required column {'; '.join(hints)}. Headers found: {headers}"


def read_raw(
    path: Path,
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
) -> RawTable:
    """Read one CSV or XLSX file into canonical columns, keeping extra columns aside.

    Each row keeps ``source_file``, ``source_sheet`` (XLSX) and ``source_row``: the line
    or spreadsheet row a person sees when opening the file. Blank rows are skipped.
    Sheets without a header row (notes, totals) are skipped; a file in which no sheet
    has one is an error.

    Raises :class:`InputFileError` naming the file for an unreadable file, a missing
    header, or a missing required column (with the headers found and the closest alias).
    """
    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS:
        raise InputFileError(f"{path}: {OLD_FORMATS[suffix]} cannot be read; open it in Excel or LibreOffice and "
                             "save it as .xlsx (or export it as CSV), then run again")
    if suffix not in DATA_SUFFIXES:
        raise InputFileError(f"{path}: unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(DATA_SUFFIXES)}")
    sheets = _read_xlsx(path) if suffix == ".xlsx" else _read_delimited(path)
    index = _alias_index(aliases)
    frames, extras, read, blank = [], [], 0, 0
    header_map: dict[str, str] = {}
    not_read: dict[str, str] = {}
    for sheet, raw in sheets:
        header_row = _find_header(raw, index)
        if header_row is None:
            filled = int((raw.fillna("").astype(str).apply(lambda col: col.str.strip()) != "").any(axis=1).sum())
            not_read[sheet] = (f"no header row in its first 30 rows (expected headers such as "
                               f"{', '.join(aliases[c][0] for c in required)}); {filled} non-empty rows not read")
            continue
        headers = [str(v).strip() for v in raw.iloc[header_row]]
        mapping: dict[int, str] = {}
        for position, header in enumerate(headers):
            canonical = index.get(fold(header))
            if canonical and canonical not in mapping.values():
                mapping[position] = canonical
        missing = [c for c in required if c not in mapping.values()]
        if missing:
            unmatched = [h for i, h in enumerate(headers) if i not in mapping and h]
            raise InputFileError(_missing_column_message(path, missing, headers, unmatched, aliases))
        body = raw.iloc[header_row + 1 :]
        empty = (body.fillna("").astype(str).apply(lambda col: col.str.strip()) == "").all(axis=1)
        blank += int(empty.sum())
        body = body[~empty]
        read += len(body)
        source_row = body.index.to_numpy() + 1  # 1-based line or spreadsheet row
        frame = pd.DataFrame({canonical: body.iloc[:, pos].to_numpy() for pos, canonical in mapping.items()})
        for canonical in aliases:
            if canonical not in frame.columns:
                frame[canonical] = ""
        frame["source_file"] = path.name
        frame["source_sheet"] = sheet
        frame["source_row"] = source_row
        frames.append(frame)
        header_map.update({headers[pos]: canonical for pos, canonical in mapping.items()})
        for pos in (i for i, h in enumerate(headers) if i not in mapping):
            extras.append(pd.DataFrame({
                "source_file": path.name, "source_sheet": sheet, "source_row": source_row,
                "column": headers[pos] or f"(column {pos + 1})", "value": body.iloc[:, pos].to_numpy(),
            }))
    if not frames:
        first = [str(v) for v in sheets[0][1].iloc[0]] if len(sheets[0][1]) else []
        raise InputFileError(
            f"{path}: no header row found in the first 30 rows of any sheet; expected headers such as "
            f"{', '.join(aliases[c][0] for c in required)}; the first row holds {first}"
        )
    frame = pd.concat(frames, ignore_index=True)
    columns = ["source_file", "source_sheet", "source_row", "column", "value"]
    extra = pd.concat(extras, ignore_index=True) if extras else pd.DataFrame(columns=columns)
    return RawTable(path=path, frame=frame, extras=extra, rows_read=read, header_map=header_map, blank_rows=blank,
                    sheets_not_read=not_read)


