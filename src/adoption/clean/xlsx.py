"""Reading XLSX workbooks: every sheet as rows of text.

Two readers give the same text. python-calamine (Rust) reads a workbook about ten times
faster than openpyxl, and is used where it is known to give openpyxl's values; openpyxl
(read-only mode) reads every other workbook. calamine differs where a workbook holds:

- error cells (``#N/A``: openpyxl gives the error's text, calamine an empty cell),
  strings with spaces at either end not marked ``xml:space`` (calamine trims them),
  escaped characters (``_x000D_``), phonetic runs, ISO date cells, values written with
  spaces around them, rows or cells without their reference, elements with a namespace
  prefix, or the 1904 date system;
- a number format other than those checked cell by cell against openpyxl
  (:data:`CHECKED_NUMBER_FORMATS`, :data:`CHECKED_DATE_FORMATS`): the two libraries tell
  dates from numbers each their own way; a number beyond the last date under a date format;
- numbers of 2^53 or more (openpyxl keeps the digits, calamine a float), times of day
  and durations (a negative serial under a date format is a date to openpyxl, a time to
  calamine);
- chart or macro sheets, or parts it cannot read.

A sheet holding such cells is read by openpyxl, and so is a whole workbook whose shared
strings, styles or date system call for it, or that the checks cannot open; the checks
look at the raw XML before and at calamine's values after. Each sheet is made text before
the next is read (:func:`sheets`), so that a workbook of several large sheets need not be
held whole. A sheet's rows run to its last ``<row>`` element, as openpyxl reads them,
empty rows included.
"""

from __future__ import annotations

import re
import zipfile
from datetime import time, timedelta
from pathlib import Path, PurePosixPath
from typing import Iterator

import numpy as np
import pandas as pd

from ..core.errors import InputFileError
from .cells import kinds, padded, rows_text, sheet_text, value_grid
from .limits import ReadLimits, check_xlsx_archive

# Number formats whose cells calamine and openpyxl read alike, checked cell by cell (whole,
# fractional and boolean values, serials 1 to 2,958,465) with openpyxl 3.1.5 and
# python-calamine 0.9.1: Excel's built-in formats (ids 0-22, 37-49, as openpyxl knows
# them) and these custom format codes, the usual ones of registers and Excel's date styles.
# Those that openpyxl reads as dates are apart: a serial beyond 31/12/9999 under one is an
# error to openpyxl (#VALUE!) and a number to calamine.
CHECKED_BUILTIN_IDS = frozenset([*range(0, 23), *range(37, 50)])
DATE_BUILTIN_IDS = frozenset([*range(14, 23), 45, 46, 47])
CHECKED_NUMBER_FORMATS = frozenset([
    "General", "0", "0.0", "0.00", "0.000", "000", "0000000000", "#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "@", "@;@",
    "General;General", "0%", "0.00%", "0.00E+00", "# ?/?", "[Red]0.00", "#,##0;-#,##0", "#,##0_);(#,##0)",
    "#,##0_);[Red](#,##0)", '#,##0 "đ"', '"VND" #,##0', '_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-',
])
CHECKED_DATE_FORMATS = frozenset([
    "dd/mm/yyyy", "yyyy-mm-dd", "d/m/yyyy", "m/d/yy", "d-mmm-yy", "mm-dd-yy", "dd/mm/yy", "dd-mm-yyyy", "d/m/yy",
    "dd.mm.yyyy", "mm/dd/yyyy", "dd/mm/yyyy;@", "[$-1010000]d/m/yyyy;@", "[$-42A]dd/mm/yyyy", "[$-409]d-mmm-yyyy",
    "[$-409]mmmm d, yyyy;@", "d mmmm yyyy", '"Ngày "dd', "dd", "mmm", "yyyy", "h:mm", "h:mm:ss", "[h]:mm:ss", "mm:ss",
    "ss.0", "dd/mm/yyyy hh:mm", "yyyy-mm-dd hh:mm:ss",
])
# Markers in a sheet's XML (or the shared strings) of what calamine reads otherwise than
# openpyxl: error and ISO date cells, numbers with spaces around them, rows or cells without
# their reference, elements with a namespace prefix; strings with spaces at either end,
# phonetic runs, escaped characters. Each pattern is searched apart, some only where a
# first, quicker pattern finds what every match of theirs holds (:func:`_risky`): Python
# finds a pattern that starts with fixed text quickly, and an alternation of them slowly
# (a sheet of two million cells, 133 MB, is scanned in 1.4 s, not 7.8).
_SHEET_RISKS = (
    (re.compile(rb't="[ed]"'), re.compile(rb'<c\b[^>]*\bt="(?:e|d)"')),
    (None, re.compile(rb"<v>\s")),
    (None, re.compile(rb"</v>(?<=\s</v>)")),  # what \s</v> finds
    (None, re.compile(rb'<row(?![^>]*\sr=")[\s/>]')),
    # A cell's reference first (as every writer puts it) is told at once; else its attributes are read.
    (None, re.compile(rb'<c(?=[\s/>])(?!\sr=")(?![^>]*?\sr=")')),
    (re.compile(rb":(?:c|row|v|is|t|sheetData)\b"), re.compile(rb"<\w+:(?:c|row|v|is|t|sheetData)\b")),
)
_STRING_RISKS = (
    (None, re.compile(rb"<t>\s")),
    (re.compile(rb"</t>(?<=\s</t>)"), re.compile(rb"<t>[^<]*\s</t>")),
    (None, re.compile(rb"<rPh\b")),
    (None, re.compile(rb"_x[0-9A-Fa-f]{4}_")),
)
_NUMBER_FORMAT = re.compile(rb'<numFmt\b[^>]*?\bnumFmtId="(\d+)"[^>]*?\bformatCode="([^"]*)"')
_CELL_FORMATS = re.compile(rb"<cellXfs\b.*?</cellXfs>", re.DOTALL)
_CELL_FORMAT = re.compile(rb"<xf\b[^>]*>")
_FORMAT_ID = re.compile(rb'\bnumFmtId="(\d+)"')
# A cell of a given style holding a number of 7 digits or more (from 1,000,000: beyond the
# last date, 2,958,465, or close to it).
_SEVEN_DIGITS = re.compile(rb"<v>-?\d{7,}")  # what every match of the next holds
_LARGE_NUMBER = re.compile(rb'<c\b[^>]*?\bs="(\d+)"[^>]*>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>-?\d{7,}')
_LAST_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
# Floats from 2^53 up do not hold every whole number: openpyxl's digits may differ.
_EXACT = 2.0**53


def _openpyxl_book(path: Path):
    """The workbook open in openpyxl's read-only mode, or the error saying why it cannot be."""
    import openpyxl  # only for the workbooks and sheets calamine does not read as openpyxl does

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputFileError(f"{path}: cannot open as XLSX ({exc.__class__.__name__}: {exc})") from exc


def _openpyxl_sheet(path: Path, sheet, limits: ReadLimits) -> np.ndarray:
    """One worksheet's text (a grid, :func:`~adoption.clean.cells.padded`), read by openpyxl
    in read-only mode. The range a sheet declares (``<dimension ref="A1:XFD1048576"/>``) is
    ignored: openpyxl would pad every row to it."""
    sheet.reset_dimensions()
    try:
        return padded(rows_text(path, sheet.title, sheet.iter_rows(values_only=True), limits))
    except InputFileError:
        raise
    except Exception as exc:  # zipfile (a part longer than it says) or the XML parser (a broken part)
        raise InputFileError(f"{path}: sheet {sheet.title!r} cannot be read as XLSX "
                             f"({exc.__class__.__name__}: {exc})") from exc


def _risky(xml: bytes, risks) -> bool:
    """Whether ``xml`` matches one of ``risks``: pairs of a pattern that finds what every
    match holds (or None) and the pattern, searched only where the first finds something.

    >>> _risky(b'<c r="A1" t="e"><v>#N/A</v></c>', _SHEET_RISKS), _risky(b'<c r="A1" t="s"><v>0</v></c>', _SHEET_RISKS)
    (True, False)
    """
    return any((first is None or first.search(xml)) and pattern.search(xml) for first, pattern in risks)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the archive part holding it, from the workbook and its relationships."""
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels)})
    parts = {}
    for name, rid in _SHEET.findall(archive.read("xl/workbook.xml")):
        target = targets[rid].decode()
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        # A tab or line break written as such in the name is a space to an XML parser (openpyxl's), not to calamine.
        parts[_unescape(re.sub(rb"[\t\n\r]", b" ", name).decode("utf-8"))] = part
    return parts


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _date_styles(archive: zipfile.ZipFile) -> frozenset[int] | None:
    """The cell styles whose number format openpyxl reads as a date; None when a style
    uses a format that was not checked."""
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    styles = archive.read("xl/styles.xml")
    codes = {int(i): _unescape(code.decode("utf-8")) for i, code in _NUMBER_FORMAT.findall(styles)}
    block = _CELL_FORMATS.search(styles)
    dates = set()
    for style, xf in enumerate(_CELL_FORMAT.findall(block.group()) if block else []):
        found = _FORMAT_ID.search(xf)
        number = int(found.group(1)) if found else 0
        if number in codes:
            if codes[number] not in CHECKED_NUMBER_FORMATS | CHECKED_DATE_FORMATS:
                return None
            if codes[number] in CHECKED_DATE_FORMATS:
                dates.add(style)
        elif number not in CHECKED_BUILTIN_IDS:
            return None
        elif number in DATE_BUILTIN_IDS:
            dates.add(style)
    return frozenset(dates)


def _calamine_plan(path: Path) -> dict[str, int | None] | None:
    """Each worksheet's last row (``<row>`` element) where calamine may read it, None for a
    sheet it reads otherwise than openpyxl (see the module's docstring), in the workbook's
    order; None for a workbook that openpyxl reads whole (its strings, styles or date
    system), or that the checks cannot open."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/sharedStrings.xml" in names and _risky(archive.read("xl/sharedStrings.xml"), _STRING_RISKS):
                return None
            dates = _date_styles(archive)
            if re.search(rb'date1904="(?:1|true)"', archive.read("xl/workbook.xml")) or dates is None:
                return None
            plan: dict[str, int | None] = {}
            for sheet, part in _sheet_parts(archive).items():
                xml = archive.read(part)
                if (_risky(xml, _SHEET_RISKS) or _risky(xml, _STRING_RISKS)
                        or dates and _SEVEN_DIGITS.search(xml) and any(int(s) in dates for s in _LARGE_NUMBER.findall(xml))):
                    plan[sheet] = None
                    continue
                numbers = _LAST_ROW.findall(xml[xml.rfind(b"<row"):] if b"<row" in xml else b"")
                plan[sheet] = int(numbers[-1]) if numbers else 0
    except Exception:  # anything the checks cannot read: openpyxl reads it, or says why not
        return None
    return plan


def _calamine_book(path: Path, plan: dict[str, int | None] | None):
    """The workbook open in calamine, where ``plan`` lets it read one sheet or more and
    the workbook holds worksheets only, those of the plan; else None."""
    import python_calamine

    if plan is None or all(last is None for last in plan.values()):
        return None
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # anything calamine cannot open: openpyxl reads it, or says why not
        return None
    if (any(m.typ != python_calamine.SheetTypeEnum.WorkSheet for m in book.sheets_metadata)
            or sorted(book.sheet_names) != sorted(plan)):
        book.close()
        return None
    return book


def _calamine_sheet(path: Path, book, name: str, last_row: int, limits: ReadLimits) -> np.ndarray | None:
    """One worksheet's text (a grid, :func:`~adoption.clean.cells.sheet_text`), read by
    calamine; None where calamine's values hold what openpyxl reads otherwise, or calamine
    cannot read the sheet. Its values are dropped once they are text."""
    try:
        values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if len(values) > last_row:
            return None
        grid = value_grid(values, last_row)
        del values
        if _read_otherwise(grid):
            return None
        return sheet_text(path, name, grid, limits)
    except InputFileError:  # a sheet beyond a limit: its text is openpyxl's, refused alike
        raise
    except Exception:  # anything calamine or the checks cannot read: openpyxl reads it, or says why not
        return None


def _sheets(path: Path, limits: ReadLimits) -> Iterator[tuple[str, np.ndarray]]:
    """Every worksheet's text, one sheet at a time, in the workbook's order: by calamine
    where it reads the sheet as openpyxl would, else by openpyxl."""
    plan = _calamine_plan(path)
    book, fallback = _calamine_book(path, plan), None
    try:
        if book is None:
            fallback = _openpyxl_book(path)
            for sheet in fallback.worksheets:
                yield sheet.title, _openpyxl_sheet(path, sheet, limits)
            return
        for place, name in enumerate(book.sheet_names):
            grid = None if plan[name] is None else _calamine_sheet(path, book, name, plan[name], limits)
            if grid is None:  # the workbook holds worksheets only, in one order for both readers
                fallback = fallback or _openpyxl_book(path)
                if place >= len(fallback.worksheets):
                    raise InputFileError(f"{path}: sheet {name!r} cannot be read as XLSX (openpyxl finds "
                                         f"{len(fallback.worksheets)} worksheets)")
                sheet = fallback.worksheets[place]
                name, grid = sheet.title, _openpyxl_sheet(path, sheet, limits)
            yield name, grid
            grid = None  # not held while the next sheet is read
    finally:
        if fallback is not None:
            fallback.close()
        if book is not None:
            book.close()


def _read_otherwise(grid: np.ndarray) -> bool:
    """Whether calamine's values (:func:`~adoption.clean.cells.value_grid`) hold what
    openpyxl reads otherwise: times of day and durations, numbers of 2^53 or more. Looked
    for column by column, by the kinds of values.

    >>> _read_otherwise(value_grid([["a", 1.5], ["b", 2.0**53]], 2)), _read_otherwise(value_grid([["a", 1.5], [None, -2.0**52]], 2))
    (True, False)
    """
    for column in range(grid.shape[1]):
        found = kinds(grid, column)
        if any(issubclass(kind, (time, timedelta)) for kind in found):
            return True
        if any(issubclass(kind, float) for kind in found):
            numbers = np.array([v for v in grid[:, column] if isinstance(v, float)], dtype=np.float64)
            if np.any((np.abs(numbers) >= _EXACT) & np.isfinite(numbers) & (np.floor(numbers) == numbers)):
                return True
    return False


def sheets(path: Path, limits: ReadLimits) -> Iterator[tuple[str, np.ndarray]]:
    """Every sheet holding a value, as text (a grid of :class:`str`), one sheet at a time:
    a sheet is read when the one before it has been taken. The archive's parts are
    measured before either reader opens it. Each row ends at its last cell holding a
    value. Raises :class:`InputFileError` (after the last sheet) where every sheet is empty."""
    check_xlsx_archive(path, limits)
    found = False
    for title, grid in _sheets(path, limits):
        if any(cell.strip() for cell in grid.flat):
            found = True
            yield title, grid
        grid = None
    if not found:
        raise InputFileError(f"{path}: every sheet is empty; expected a header row and data rows")


def read_xlsx(path: Path, limits: ReadLimits) -> list[tuple[str, pd.DataFrame]]:
    """Every sheet holding a value as text (:func:`sheets`), indexed so that index + 1 is
    the row number Excel shows."""
    return [(title, pd.DataFrame(grid, dtype=object, copy=False)) for title, grid in sheets(path, limits)]


def worksheet_bytes(path: Path) -> list[int]:
    """The uncompressed size of each worksheet part of the workbook ``path`` (none where
    the file is not a readable archive: the reader says why)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [m.file_size for m in archive.infolist()
                    if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
    except (OSError, zipfile.BadZipFile):
        return []
