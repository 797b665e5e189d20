"""The two XLSX readers give the same text: calamine where it reads as openpyxl does, openpyxl elsewhere."""

import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from adoption.clean import xlsx
from adoption.clean.limits import ReadLimits

LIMITS = ReadLimits()
# Values of 0 to 1 or negative under a date format are times to calamine (then openpyxl reads the book).
# A number beyond the last date under a date format is an error to openpyxl: from 7 digits on, openpyxl reads the book.
VALUES = [1, 59, 60, 61, 45000, 45000.5, 1.234, 12.345678, 999999, True, False,
          "abc", " padded ", "", "0100233488", "Công ty Đông Á", date(2023, 3, 15), datetime(2019, 3, 31, 8, 0)]


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
    fast = xlsx._calamine_sheets(path, LIMITS)
    assert fast is not None and fast == xlsx._openpyxl_sheets(path, LIMITS)


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
    assert xlsx._calamine_sheets(path, LIMITS) is None
    rows = dict(xlsx.read_xlsx(path, LIMITS))["Sheet"]
    assert rows.iloc[1].tolist()[: len(expected)] == expected


def test_rows_run_to_the_last_row_element_as_openpyxl_reads_them(tmp_path):
    path = _with_cells(tmp_path / "book.xlsx", b'<c r="A2"><v>1</v></c></row><row r="9" customHeight="1">')
    fast = xlsx._calamine_sheets(path, LIMITS)
    assert fast is not None and fast == xlsx._openpyxl_sheets(path, LIMITS) and len(fast[0][1]) == 9
