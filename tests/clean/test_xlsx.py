"""The two XLSX readers give the same text: calamine where it reads as openpyxl does, openpyxl elsewhere."""

import re
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.clean import xlsx
from adoption.clean.limits import ReadLimits

LIMITS = ReadLimits()
# Values of 0 to 1 or negative under a date format are times to calamine (then openpyxl reads the book).
# A number beyond the last date under a date format is an error to openpyxl: from 7 digits on, openpyxl reads the book.
VALUES = [1, 59, 60, 61, 45000, 45000.5, 1.234, 12.345678, 999999, True, False,
          "abc", " padded ", "", "0100233488", "Công ty Đông Á", date(2023, 3, 15), datetime(2019, 3, 31, 8, 0)]


def _calamine_sheets(path, limits):
    """Every worksheet's text read by calamine alone; None where the workbook, or one of
    its sheets, is one calamine reads otherwise than openpyxl (so that the reader takes
    openpyxl's text of it)."""
    plan = xlsx._calamine_plan(path)
    book = xlsx._calamine_book(path, plan)
    if book is None or None in plan.values():
        return None
    try:
        grids = [(name, xlsx._calamine_sheet(path, book, name, plan[name], limits)) for name in book.sheet_names]
    finally:
        book.close()
    return None if any(grid is None for _, grid in grids) else grids


def _openpyxl_sheets(path, limits):
    """Every worksheet's text read by openpyxl alone."""
    book = xlsx._openpyxl_book(path)
    try:
        return [(sheet.title, xlsx._openpyxl_sheet(path, sheet, limits)) for sheet in book.worksheets]
    finally:
        book.close()


def _lists(sheets):
    """Each sheet's grid of text as lists of rows (None stays None)."""
    return None if sheets is None else [(name, grid.tolist()) for name, grid in sheets]


def _workbook(path, formats):
    book = openpyxl.Workbook()
    sheet = book.active
    for number_format in formats:
        for value in VALUES:
            sheet.append([f"{number_format}|{value!r}", value])
            sheet.cell(row=sheet.max_row, column=2).number_format = number_format
    book.create_sheet("gaps")["C5"] = "x"
    book["gaps"]["A7"] = 5
    book.save(path)
    return path


@pytest.mark.parametrize("formats", [sorted(xlsx.CHECKED_NUMBER_FORMATS), sorted(xlsx.CHECKED_DATE_FORMATS)])
def test_calamine_reads_the_checked_formats_as_openpyxl_does(tmp_path, formats):
    # A duration ([h]:mm:ss) is a timedelta to calamine: openpyxl reads such a book (tested below).
    path = _workbook(tmp_path / "book.xlsx", [f for f in formats if f != "[h]:mm:ss"])
    fast = _lists(_calamine_sheets(path, LIMITS))
    assert fast is not None and fast == _lists(_openpyxl_sheets(path, LIMITS))


def test_the_date_formats_are_those_openpyxl_reads_as_dates():
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    assert {f for f in xlsx.CHECKED_NUMBER_FORMATS | xlsx.CHECKED_DATE_FORMATS if is_date_format(f)} == xlsx.CHECKED_DATE_FORMATS
    assert {i for i in xlsx.CHECKED_BUILTIN_IDS if is_date_format(BUILTIN_FORMATS[i])} == xlsx.DATE_BUILTIN_IDS


def _with_cells(path, cells, shared=None):
    """A workbook whose first sheet's second row is ``cells`` (raw XML)."""
    book = openpyxl.Workbook()
    book.active.append(["Mã số thuế", "Tên doanh nghiệp"])
    book.active["B1"].number_format = "dd/mm/yyyy"  # cell style 1
    book.active["C1"].number_format = "[h]:mm:ss"  # cell style 2
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</row></sheetData>", b'</row><row r="2">' + cells + b"</row></sheetData>")
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return path


@pytest.mark.filterwarnings("ignore:Cell A2 is marked as a date:UserWarning")  # openpyxl says so of #VALUE!
@pytest.mark.parametrize("cells, expected", [
    (b'<c r="A2" t="e"><v>#N/A</v></c>', ["#N/A"]),  # calamine: an empty cell
    (b'<c r="A2" t="inlineStr"><is><t>trailing </t></is></c>', ["trailing "]),  # calamine trims it
    (b'<c r="A2"><v>12345678901234567890</v></c>', ["12345678901234567890"]),  # calamine: a float
    (b'<c r="A2"><v> 12 </v></c>', ["12"]),  # calamine: the text
    (b'<c r="A2" s="1"><v>-3</v></c>', ["1899-12-27"]),  # a date format (style 1 below): calamine gives a time
    (b'<c r="A2" s="1"><v>3700145020</v></c>', ["#VALUE!"]),
    (b'<c r="A2" s="2"><v>1.5</v></c>', ["1 day, 12:00:00"]),  # a duration (style 2 below)  # beyond the last date: calamine gives the number
])
def test_what_calamine_reads_otherwise_is_read_by_openpyxl(tmp_path, cells, expected):
    path = _with_cells(tmp_path / "book.xlsx", cells)
    assert _calamine_sheets(path, LIMITS) is None
    rows = dict(xlsx.read_xlsx(path, LIMITS))["Sheet"]
    assert rows.iloc[1].tolist()[: len(expected)] == expected


def test_rows_run_to_the_last_row_element_as_openpyxl_reads_them(tmp_path):
    path = _with_cells(tmp_path / "book.xlsx", b'<c r="A2"><v>1</v></c></row><row r="9" customHeight="1">')
    fast = _lists(_calamine_sheets(path, LIMITS))
    assert fast is not None and fast == _lists(_openpyxl_sheets(path, LIMITS)) and len(fast[0][1]) == 9


# The markers as one pattern each, as they were first written: the specification the
# scanner's patterns, searched apart and behind a test for literal parts, must meet.
SHEET_RISKS = re.compile(rb'<c\b[^>]*\bt="(?:e|d)"|<v>\s|\s</v>|<row(?![^>]*\sr=")[\s/>]|<c(?![^>]*\sr=")[\s/>]'
                         rb'|<\w+:(?:c|row|v|is|t|sheetData)\b')
STRING_RISKS = re.compile(rb"<t>\s|<t>[^<]*\s</t>|<rPh\b|_x[0-9A-Fa-f]{4}_")
LARGE = re.compile(rb'<c\b[^>]*?\bs="(\d+)"[^>]*>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>-?\d{7,}')
# Pieces of sheet XML, whole and broken, that the markers are made of or stop at.
PIECES = [b"<c", b"<c ", b'<c r="A1"', b' r="B2"', b"r=", b' t="e"', b' t="d"', b' t="s"', b' s="1"', b">", b"/>",
          b"<row", b'<row r="1"', b"<rows", b"<cols>", b"</row>", b"<v>", b"</v>", b"<t>", b"</t>", b"<is>", b"</is>",
          b"<x:c", b"<x:row", b"<x14ac:dyDescent", b":t", b"<rPh", b"<rPhx", b"_x000D_", b"_x00", b"_xZZZZ_", b"<f>", b"</f>",
          b"<f/>", b"1234567", b"-", b"12", b"abc", b"\xc4\x90", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"\x1c", b"\xa0", b"Note:t", b":c"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map(b"".join))
def test_the_risk_scan_finds_what_the_whole_patterns_find(xml):
    assert xlsx._risky(xml, xlsx._SHEET_RISKS) == bool(SHEET_RISKS.search(xml))
    assert xlsx._risky(xml, xlsx._STRING_RISKS) == bool(STRING_RISKS.search(xml))
    # The large numbers are looked for only where a value of seven digits stands.
    assert (LARGE.findall(xml) if xlsx._SEVEN_DIGITS.search(xml) else []) == LARGE.findall(xml)


def test_every_byte_around_a_value_is_judged_as_the_whole_patterns_judge_it():
    for byte in (bytes([c]) for c in range(256)):
        for xml in (b'<c r="A1"><v>1' + byte + b"</v></c>", b'<c r="A1"><v>' + byte + b"1</v></c>",
                    b"<is><t>x" + byte + b"</t></is>", b"<is><t>" + byte + b"x</t></is>",
                    b"<c" + byte + b'r="A1"/>', b"<row" + byte + b'r="1"/>'):
            assert xlsx._risky(xml, xlsx._SHEET_RISKS) == bool(SHEET_RISKS.search(xml)), xml
            assert xlsx._risky(xml, xlsx._STRING_RISKS) == bool(STRING_RISKS.search(xml)), xml


VALUE = st.one_of(st.none(), st.just(""), st.just(" "), st.text(max_size=6), st.integers(-10**6, 10**6), st.booleans(),
                  st.floats(), st.just(float("nan")), st.just(2.0**53), st.just(-2.0**60), st.dates(), st.datetimes())
# What calamine gives but openpyxl reads otherwise, in a few sheets.
RARE = st.one_of(VALUE, st.times(), st.timedeltas())


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(RARE, max_size=6), max_size=8), st.integers(0, 3), st.booleans(),
       st.integers(1, 9), st.integers(1, 6), st.integers(1, 8))
def test_a_sheet_at_once_is_the_text_of_its_rows_one_by_one(values, extra, even, max_rows, max_columns, max_cell_chars):
    from pathlib import Path

    from adoption.clean import cells

    if even:  # calamine's rows are as wide as the sheet
        width = max(map(len, values), default=0)
        values = [row + [None] * (width - len(row)) for row in values]
    limits = ReadLimits(max_rows=max_rows, max_columns=max_columns, max_cell_chars=max_cell_chars)
    path, rows = Path("book.xlsx"), len(values) + extra
    try:
        expected = cells.padded(cells.rows_text(path, "S", values + [[]] * extra, limits)).tolist()
    except Exception as error:  # noqa: BLE001 (the error is what is compared)
        expected = str(error)
    try:
        found = cells.sheet_text(path, "S", cells.value_grid(values, rows), limits).tolist()
    except Exception as error:  # noqa: BLE001
        found = str(error)
    assert found == expected
    assert xlsx._read_otherwise(cells.value_grid(values, rows)) == any(
        isinstance(v, (time, timedelta)) or (isinstance(v, float) and v.is_integer() and abs(v) >= 2.0**53)
        for row in values for v in row)
